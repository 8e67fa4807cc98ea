/// Movement in a list, whatever key asked for it.
public enum Movement: Hashable, Sendable {
    case up, down, pageUp, pageDown, first, last
}

extension Movement {
    /// The first line shown of `count` lines scrolled by this movement, `visible` at a time.
    public func scrolled(_ top: Int, visible: Int, count: Int) -> Int {
        let last = max(0, count - visible)
        let moved: Int
        switch self {
        case .up: moved = top - 1
        case .down: moved = top + 1
        case .pageUp: moved = top - visible
        case .pageDown: moved = top + visible
        case .first: moved = 0
        case .last: moved = last
        }
        return max(0, min(moved, last))
    }
}

/// A column of a table: a title and a width (fixed, or a share of the space left).
public struct Column: Sendable {
    public enum Width: Sendable {
        case fixed(Int)
        case flexible(weight: Int, minimum: Int)
    }

    public let title: String
    public let width: Width

    public init(_ title: String, _ width: Width) {
        self.title = title
        self.width = width
    }
}

/// A scrolling table over rows it never holds: `draw` asks for the text of the visible rows
/// only, so a list of 100 000 costs what one screen costs.
public struct TableView: Sendable {
    public private(set) var selected = 0
    public private(set) var top = 0
    public private(set) var count = 0
    private var visibleRows = 1

    public init() {}

    /// Sets the number of rows, keeping the selection in range.
    public mutating func setCount(_ count: Int) {
        self.count = count
        selected = min(max(0, selected), max(0, count - 1))
        clampTop()
    }

    public mutating func select(_ index: Int) {
        selected = min(max(0, index), max(0, count - 1))
        clampTop()
    }

    public mutating func move(_ movement: Movement) {
        switch movement {
        case .up: select(selected - 1)
        case .down: select(selected + 1)
        case .pageUp: select(selected - max(1, visibleRows - 1))
        case .pageDown: select(selected + max(1, visibleRows - 1))
        case .first: select(0)
        case .last: select(count - 1)
        }
    }

    /// Column widths for a total width: fixed ones as given, flexible ones sharing the rest.
    public static func widths(_ columns: [Column], total: Int) -> [Int] {
        let gaps = max(0, columns.count - 1)
        let fixed = columns.reduce(0) { sum, column in
            if case .fixed(let width) = column.width { return sum + width }
            if case .flexible(_, let minimum) = column.width { return sum + minimum }
            return sum
        }
        let weights = columns.reduce(0) { sum, column in
            if case .flexible(let weight, _) = column.width { return sum + weight }
            return sum
        }
        var spare = max(0, total - gaps - fixed)
        var result: [Int] = []
        var remainingWeight = weights
        for column in columns {
            switch column.width {
            case .fixed(let width): result.append(width)
            case .flexible(let weight, let minimum):
                let share = remainingWeight > 0 ? spare * weight / remainingWeight : 0
                spare -= share
                remainingWeight -= weight
                result.append(minimum + share)
            }
        }
        return result
    }

    /// Draws the header and the visible rows in `area`; the selected row is reversed and marked
    /// with `>` (readable without colour); a row `marked` says is marked shows `*` in the cell
    /// after it. Returns where the cursor goes: the selected row.
    @discardableResult
    public mutating func draw(into canvas: inout Canvas, area: Rect, columns: [Column],
                              showsHeader: Bool = true, sortedColumn: Int? = nil, ascending: Bool = true,
                              marked: ((Int) -> Bool)? = nil, cells: (Int) -> [String]) -> Point? {
        guard area.height >= 1, area.width >= 4 else { return nil }
        let widths = TableView.widths(columns, total: area.width - 2)
        let firstRow = showsHeader ? area.y + 1 : area.y
        if showsHeader {
            var x = area.x + 2
            canvas.fill(Rect(x: area.x, y: area.y, width: area.width, height: 1), style: .header)
            for (index, column) in columns.enumerated() {
                // The sort mark keeps its cell even when the title is cut.
                let title = index == sortedColumn
                    ? CellWidth.prefix(column.title, fitting: widths[index] - 1) + (ascending ? "▲" : "▼")
                    : column.title
                canvas.put(CellWidth.fit(title, widths[index]), x: x, y: area.y, width: widths[index], style: .header)
                x += widths[index] + 1
            }
        }
        visibleRows = max(1, area.maxY - firstRow)
        clampTop()
        var cursor: Point?
        for line in 0..<visibleRows {
            let index = top + line
            let y = firstRow + line
            guard index < count else { break }
            let isSelected = index == selected
            let style: Style = isSelected ? .selected : .plain
            if isSelected {
                canvas.fill(Rect(x: area.x, y: y, width: area.width, height: 1), style: style)
                canvas.put(">", x: area.x, y: y, style: style)
                cursor = Point(x: area.x, y: y)
            }
            if let marked, marked(index) { canvas.put("*", x: area.x + 1, y: y, style: style) }
            var x = area.x + 2
            for (column, text) in cells(index).enumerated() where column < widths.count {
                canvas.put(CellWidth.fit(text, widths[column]), x: x, y: y, width: widths[column], style: style)
                x += widths[column] + 1
            }
        }
        return cursor
    }

    private mutating func clampTop() {
        if selected < top { top = selected }
        if selected >= top + visibleRows { top = selected - visibleRows + 1 }
        top = max(0, min(top, max(0, count - visibleRows)))
    }
}
