/// A terminal in memory, for tests: scripted events in, the last canvas out.
public final class MemoryTerminal: Terminal {
    public private(set) var size: Size
    public private(set) var screen: Canvas
    public private(set) var presentCount = 0
    public var terminationRequested = false
    private var events: [Event] = []

    public init(width: Int = 80, height: Int = 24) {
        size = Size(width: width, height: height)
        screen = Canvas(size: size)
    }

    public func present(_ canvas: Canvas) {
        screen = canvas
        presentCount += 1
    }

    public func nextEvent(timeoutMilliseconds: Int) -> Event? {
        events.isEmpty ? nil : events.removeFirst()
    }

    public func send(_ keys: Key...) {
        events += keys.map(Event.key)
    }

    public func type(_ text: String) {
        events += text.map { Event.key(.character($0)) }
    }

    public func resize(width: Int, height: Int) {
        size = Size(width: width, height: height)
        events.append(.resize(size))
    }

    public var pendingEvents: Int { events.count }

    /// The screen's text rows, trailing spaces removed.
    public var rows: [String] { screen.rows }

    public var text: String { rows.joined(separator: "\n") }
    public var cursor: Point? { screen.cursor }
}
