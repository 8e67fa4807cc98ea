import Foundation

/// A list of choices in a box over the screen: one to pick, or several to tick.
public struct Picker: Sendable {
    public struct Option: Hashable, Sendable {
        public let value: String
        public let label: String

        public init(value: String, label: String) {
            self.value = value
            self.label = label
        }
    }

    public let title: String
    public let options: [Option]
    public let allowsMany: Bool
    public private(set) var ticked: Set<String>
    private var table = TableView()
    private var typeAhead = TypeAhead()

    /// `current` are the values chosen so far; the first one is highlighted.
    public init(title: String, options: [Option], allowsMany: Bool, current: [String]) {
        self.title = title
        self.options = options
        self.allowsMany = allowsMany
        ticked = Set(current)
        table.setCount(options.count)
        if let first = current.first, let index = options.firstIndex(where: { $0.value == first }) {
            table.select(index)
        }
    }

    public var highlighted: Option? {
        options.indices.contains(table.selected) ? options[table.selected] : nil
    }

    public mutating func move(_ movement: Movement) {
        table.move(movement)
    }

    /// Highlights the first option whose label starts with the letters typed (see `TypeAhead`).
    /// Returns whether one did.
    @discardableResult
    public mutating func typeAhead(_ character: Character, at time: Date, fold: (String) -> String) -> Bool {
        guard let index = typeAhead.find(character, at: time, in: options.map(\.label), fold: fold) else { return false }
        table.select(index)
        return true
    }

    /// Ticks or unticks the highlighted option (several-choice pickers).
    public mutating func toggle() {
        guard allowsMany, let option = highlighted else { return }
        if ticked.contains(option.value) { ticked.remove(option.value) } else { ticked.insert(option.value) }
    }

    /// The values chosen, in the options' order: the ticked ones, or the highlighted one.
    public var result: [String] {
        if allowsMany { return options.map(\.value).filter(ticked.contains) }
        return highlighted.map { [$0.value] } ?? []
    }

    /// Draws the box centred in `area`, with `hint` on its last line. Returns the cursor.
    @discardableResult
    public mutating func draw(into canvas: inout Canvas, area: Rect, hint: String) -> Point? {
        let labelWidth = options.map { CellWidth.of($0.label) }.max() ?? 10
        let width = min(area.width - 2, max(labelWidth + 10, CellWidth.of(title) + 6, CellWidth.of(hint) + 4))
        let height = min(area.height - 2, options.count + 4)
        let frame = area.centred(Size(width: width, height: height))
        canvas.box(frame, title: title)
        canvas.put(hint, x: frame.x + 2, y: frame.maxY - 2, width: frame.width - 4, style: .muted)
        let list = Rect(x: frame.x + 1, y: frame.y + 1, width: frame.width - 2, height: frame.height - 3)
        let options = self.options
        let allowsMany = self.allowsMany
        let ticked = self.ticked
        return table.draw(into: &canvas, area: list, columns: [Column("", .flexible(weight: 1, minimum: 4))],
                          showsHeader: false) { index in
            let option = options[index]
            let box = allowsMany ? (ticked.contains(option.value) ? "[x] " : "[ ] ") : ""
            return [box + option.label]
        }
    }
}
