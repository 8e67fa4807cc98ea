/// A question in a box over the screen, with buttons. ←/→ or Tab choose, Enter answers.
public struct Dialog: Sendable {
    public let title: String
    public let lines: [String]
    public let buttons: [String]
    public private(set) var focused: Int

    public init(title: String, lines: [String], buttons: [String], focused: Int = 0) {
        self.title = title
        self.lines = lines
        self.buttons = buttons
        self.focused = min(max(0, focused), max(0, buttons.count - 1))
    }

    public mutating func focusNext() {
        focused = (focused + 1) % max(1, buttons.count)
    }

    public mutating func focusPrevious() {
        focused = (focused - 1 + buttons.count) % max(1, buttons.count)
    }

    /// Draws the dialog centred in `area`; the focused button is reversed and bracketed.
    @discardableResult
    public func draw(into canvas: inout Canvas, area: Rect) -> Point? {
        let labels = buttons.enumerated().map { index, label in index == focused ? "[ \(label) ]" : "  \(label)  " }
        let buttonsWidth = labels.reduce(0) { $0 + CellWidth.of($1) + 1 }
        let textWidth = lines.map(CellWidth.of).max() ?? 0
        let width = min(area.width - 2, max(textWidth, buttonsWidth, CellWidth.of(title) + 4) + 4)
        let wrapped = lines.flatMap { Dialog.wrap($0, width: width - 4) }
        let height = min(area.height - 2, wrapped.count + 4)
        let frame = area.centred(Size(width: width, height: height))
        canvas.box(frame, title: title)
        for (index, line) in wrapped.prefix(frame.height - 4).enumerated() {
            canvas.put(line, x: frame.x + 2, y: frame.y + 1 + index, width: frame.width - 4)
        }
        var x = frame.x + 2
        let y = frame.maxY - 2
        var cursor: Point?
        for (index, label) in labels.enumerated() {
            if index == focused { cursor = Point(x: x + 2, y: y) }
            x += canvas.put(label, x: x, y: y, width: frame.maxX - 1 - x, style: index == focused ? .selected : .plain) + 1
        }
        return cursor
    }

    /// Splits `text` into lines of at most `width` cells, at spaces where possible.
    public static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false).map(String.init) {
            let candidate = current.isEmpty ? word : current + " " + word
            if CellWidth.of(candidate) <= width {
                current = candidate
                continue
            }
            if !current.isEmpty { lines.append(current) }
            var rest = word
            while CellWidth.of(rest) > width {
                // A glyph wider than the whole width still goes on a line of its own.
                let fitting = CellWidth.prefix(rest, fitting: width)
                let head = fitting.isEmpty ? String(rest.prefix(1)) : fitting
                lines.append(head)
                rest = String(rest.dropFirst(head.count))
            }
            current = rest
        }
        if !current.isEmpty || lines.isEmpty { lines.append(current) }
        return lines
    }
}
