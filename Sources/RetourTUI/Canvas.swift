import Foundation

/// One terminal cell: a grapheme and its style. A wide glyph occupies its cell and the next,
/// which holds an empty `text` as continuation.
public struct Cell: Hashable, Sendable {
    public var text: String
    public var style: Style

    public init(_ text: String = " ", style: Style = .plain) {
        self.text = text
        self.style = style
    }

    public static let blank = Cell()
}

/// A grid of cells the screens draw into; drivers then show it. Drawing is clipped to the
/// grid, so nothing is ever written outside the terminal, whatever its size.
public struct Canvas: Sendable {
    public let size: Size
    public private(set) var cells: [Cell]
    /// Where the terminal cursor goes after drawing: the focused field or row.
    public var cursor: Point?

    public init(size: Size) {
        self.size = Size(width: max(0, size.width), height: max(0, size.height))
        cells = Array(repeating: .blank, count: self.size.width * self.size.height)
    }

    public var bounds: Rect { Rect(x: 0, y: 0, width: size.width, height: size.height) }

    public subscript(x: Int, y: Int) -> Cell {
        cells[y * size.width + x]
    }

    /// Writes `text` from (x, y), at most `width` cells (to the edge when nil), clipped to the
    /// grid. Returns the number of cells used. A wide glyph that does not fit entirely is not drawn.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, width: Int? = nil, style: Style = .plain) -> Int {
        guard y >= 0, y < size.height, x < size.width else { return 0 }
        let limit = width.map { min(size.width, x + $0) } ?? size.width
        var column = x
        for character in text {
            let printable = character.unicodeScalars.first.map { !CellWidth.isControl($0) } ?? false
            let glyph = printable ? String(character) : "·"
            let cells = printable ? CellWidth.of(character) : 1
            if cells == 0 { continue }
            if column + cells > limit { break }
            if column >= 0 {
                set(x: column, y: y, Cell(glyph, style: style))
                if cells == 2 && column + 1 < size.width { set(x: column + 1, y: y, Cell("", style: style)) }
            }
            column += cells
        }
        return column - x
    }

    /// Fills a rectangle with spaces of `style`.
    public mutating func fill(_ rect: Rect, style: Style = .plain) {
        for y in max(0, rect.y)..<min(size.height, rect.maxY) {
            for x in max(0, rect.x)..<min(size.width, rect.maxX) {
                set(x: x, y: y, Cell(" ", style: style))
            }
        }
    }

    /// A frame around `rect` with an optional title, the inside cleared.
    public mutating func box(_ rect: Rect, title: String? = nil, style: Style = .plain) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        fill(rect)
        let horizontal = String(repeating: "─", count: rect.width - 2)
        put("┌" + horizontal + "┐", x: rect.x, y: rect.y, style: style)
        for y in rect.y + 1..<rect.maxY - 1 {
            put("│", x: rect.x, y: y, style: style)
            put("│", x: rect.maxX - 1, y: y, style: style)
        }
        put("└" + horizontal + "┘", x: rect.x, y: rect.maxY - 1, style: style)
        if let title, !title.isEmpty {
            put(" \(title) ", x: rect.x + 2, y: rect.y, width: rect.width - 4, style: .title)
        }
    }

    /// The text of row `y`, wide glyphs counted once: what a test or a screen reader sees.
    public func row(_ y: Int) -> String {
        var line = ""
        for x in 0..<size.width { line += self[x, y].text }
        return line
    }

    /// Every row, trailing spaces removed.
    public var rows: [String] {
        (0..<size.height).map { row($0).replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }
    }

    private mutating func set(x: Int, y: Int, _ cell: Cell) {
        guard x >= 0, y >= 0, x < size.width, y < size.height else { return }
        // Overwriting half of a wide glyph blanks its other half.
        let index = y * size.width + x
        if cells[index].text.isEmpty && x > 0 { cells[index - 1] = Cell(" ", style: cells[index - 1].style) }
        if x + 1 < size.width && cells[index + 1].text.isEmpty && CellWidth.of(cells[index].text) == 2 {
            cells[index + 1] = Cell(" ", style: cells[index + 1].style)
        }
        cells[index] = cell
    }
}

