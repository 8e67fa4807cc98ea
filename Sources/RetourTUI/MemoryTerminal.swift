/// A terminal in memory, for tests: scripted events in, the last canvas out.
public final class MemoryTerminal: Terminal {
    public private(set) var size: Size
    public private(set) var screen: Canvas
    public private(set) var presentCount = 0
    public var terminationRequested = false
    /// Whether the events sent are waiting input, as a paste is; by default each event is
    /// read alone, so that every key is drawn (a guided tour's frames).
    public var reportsPendingInput = false
    private var events: [Event] = []
    /// The next event to read in `events`: reading one costs the same in a long paste.
    private var next = 0

    public init(width: Int = 80, height: Int = 24) {
        size = Size(width: width, height: height)
        screen = Canvas(size: size)
    }

    public func present(_ canvas: Canvas) {
        screen = canvas
        presentCount += 1
    }

    public func nextEvent(timeoutMilliseconds: Int) -> Event? {
        guard next < events.count else { return nil }
        defer {
            next += 1
            if next == events.count {
                events.removeAll(keepingCapacity: true)
                next = 0
            }
        }
        return events[next]
    }

    public var hasPendingInput: Bool { reportsPendingInput && pendingEvents > 0 }

    public func send(_ keys: Key...) {
        events += keys.map(Event.key)
    }

    public func type(_ text: String) {
        events += text.map { Event.key(.character($0)) }
    }

    /// Text pasted, as a terminal in bracketed-paste mode reports it.
    public func paste(_ text: String) {
        events.append(.paste(text))
    }

    public func resize(width: Int, height: Int) {
        size = Size(width: width, height: height)
        events.append(.resize(size))
    }

    public var pendingEvents: Int { events.count - next }

    /// The screen's text rows, trailing spaces removed.
    public var rows: [String] { screen.rows }

    public var text: String { rows.joined(separator: "\n") }
    public var cursor: Point? { screen.cursor }
}
