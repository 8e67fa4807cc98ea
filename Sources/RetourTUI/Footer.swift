/// A key and what it does, as shown in the footer and the help.
public struct KeyHint: Hashable, Sendable {
    public let keys: String
    public let label: String

    public init(keys: String, label: String) {
        self.keys = keys
        self.label = label
    }
}

public enum Footer {
    /// Draws as many hints as fit on row `y`, keys in bold, on a reversed bar.
    public static func draw(_ hints: [KeyHint], into canvas: inout Canvas, y: Int) {
        canvas.fill(Rect(x: 0, y: y, width: canvas.size.width, height: 1), style: .bar)
        var x = 0
        for hint in hints.prefix(fitting(hints, width: canvas.size.width)) {
            x += canvas.put(hint.keys, x: x, y: y, style: Style(bold: true, reverse: true))
            x += canvas.put(" " + hint.label + "  ", x: x, y: y, style: .bar)
        }
    }

    /// How many of `hints`, from the first, fit in `width` cells, two spaces apart.
    public static func fitting(_ hints: [KeyHint], width: Int) -> Int {
        var x = 0
        for (index, hint) in hints.enumerated() {
            let cells = CellWidth.of(hint.keys) + 1 + CellWidth.of(hint.label)
            if x + cells > width { return index }
            x += cells + 2
        }
        return hints.count
    }
}

extension KeyHint {
    /// The lines of a help listing within `width` cells: keys in a column, each label wrapped
    /// under itself, so that no word of a long label is cut at the panel's edge.
    public static func helpLines(_ hints: [KeyHint], width: Int) -> [String] {
        let keysWidth = hints.map { CellWidth.of($0.keys) }.max() ?? 0
        let labelWidth = max(16, width - keysWidth - 2)
        let indent = String(repeating: " ", count: keysWidth + 2)
        return hints.flatMap { hint in
            Dialog.wrap(hint.label, width: labelWidth).enumerated().map { index, part in
                (index == 0 ? CellWidth.fit(hint.keys, keysWidth) + "  " : indent) + part
            }
        }
    }
}

/// A box of text lines over the screen (help, notices), scrolled with the arrows.
public struct TextPanel: Sendable {
    public let title: String
    public let lines: [String]
    public private(set) var top = 0

    public init(title: String, lines: [String]) {
        self.title = title
        self.lines = lines
    }

    public mutating func move(_ movement: Movement, visible: Int) {
        top = movement.scrolled(top, visible: visible, count: lines.count)
    }

    /// Draws the panel in `area` (all of it, framed). Returns how many lines are visible.
    @discardableResult
    public func draw(into canvas: inout Canvas, area: Rect, hint: String) -> Int {
        canvas.box(area, title: title)
        let visible = max(0, area.height - 3)
        for (row, line) in lines.dropFirst(top).prefix(visible).enumerated() {
            canvas.put(line, x: area.x + 2, y: area.y + 1 + row, width: area.width - 4)
        }
        canvas.put(hint, x: area.x + 2, y: area.maxY - 2, width: area.width - 4, style: .muted)
        return visible
    }
}
