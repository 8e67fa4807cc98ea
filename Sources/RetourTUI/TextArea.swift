import Foundation

/// Text on several lines (a note): wrapped at spaces to the width it is drawn in, cells counted
/// with `CellWidth` (a wide glyph takes two, a combining accent none). Enter starts a new line,
/// Home/End go to the ends of the line, `moveLine` goes up or down one; every other editing
/// key is `TextField`'s, so that both fields edit alike.
public struct TextArea: Hashable, Sendable {
    private var field: TextField
    /// The first line shown when the text is taller than the box.
    private var top = 0
    /// The width of the last drawing: lines are where the user saw them.
    private var width = 40
    /// Whether lines of the text were above or below the box at the last drawing.
    public private(set) var moreAbove = false, moreBelow = false

    public init(_ text: String = "", capacity: Int = TextField.defaultCapacity) {
        field = TextField(text, capacity: capacity)
    }

    public var text: String { field.text }
    /// Cursor position, in characters from the start.
    public var cursor: Int { field.cursor }
    /// Whether the last character typed was refused because the text holds its capacity.
    public var isFull: Bool { field.isFull }
    public var capacity: Int { field.capacity }

    public mutating func set(_ text: String) {
        field.set(text)
        top = 0
    }

    /// Applies an editing key, Enter included. Returns false for keys that are not about
    /// editing (↑/↓ are the caller's: see `moveLine`).
    public mutating func handle(_ key: Key) -> Bool {
        switch key {
        case .enter:
            return field.handle(.character("\n"))
        case .home, .control("a"):
            field.moveCursor(to: currentLine.range.lowerBound)
            return true
        case .end, .control("e"):
            field.moveCursor(to: lastOffset(of: currentLine.index))
            return true
        default:
            return field.handle(key)
        }
    }

    /// Moves the cursor `delta` lines up (negative) or down, keeping its column as near as
    /// the line allows. Returns false, moving nothing, from the first or last line.
    public mutating func moveLine(by delta: Int) -> Bool {
        let lines = self.lines
        let (index, range) = currentLine
        let target = index + delta
        guard lines.indices.contains(target) else { return false }
        let characters = field.characters
        let column = CellWidth.of(String(characters[range.lowerBound..<cursor]))
        var offset = lines[target].lowerBound
        var used = 0
        let last = lastOffset(of: target)
        while offset < last {
            let cells = CellWidth.of(characters[offset])
            if used + cells > column { break }
            used += cells
            offset += 1
        }
        field.moveCursor(to: offset)
        return true
    }

    /// How many lines the text takes at `width` cells.
    public func lineCount(width: Int) -> Int {
        TextArea.lines(field.characters, width: width).count
    }

    /// Draws the text in a box of `width` × `height` cells at (x, y), scrolled so that the
    /// cursor's line shows, and returns the cursor's screen position. Only the rows of the box
    /// in `clip` are drawn (the others are off the screen); the cursor is nil when its row is not.
    @discardableResult
    public mutating func draw(into canvas: inout Canvas, x: Int, y: Int, width: Int, height: Int,
                              clip: Range<Int>? = nil, style: Style = .field) -> Point? {
        self.width = max(1, width)
        let lines = self.lines
        let (index, range) = currentLine
        if index < top { top = index }
        if index >= top + height { top = index - height + 1 }
        top = max(0, min(top, max(0, lines.count - height)))
        moreAbove = top > 0
        moreBelow = top + height < lines.count
        let characters = field.characters
        let rows = (clip ?? 0..<height).clamped(to: 0..<height)
        for row in rows {
            canvas.fill(Rect(x: x, y: y + row, width: width, height: 1), style: style)
            guard lines.indices.contains(top + row) else { continue }
            canvas.put(String(characters[lines[top + row]]), x: x, y: y + row, width: width, style: style)
        }
        guard rows.contains(index - top) else { return nil }
        let column = CellWidth.of(String(characters[range.lowerBound..<cursor]))
        return Point(x: x + min(column, max(0, width - 1)), y: y + index - top)
    }

    // MARK: Lines

    private var lines: [Range<Int>] { TextArea.lines(field.characters, width: width) }

    /// The line the cursor is on: the last one starting at or before it.
    private var currentLine: (index: Int, range: Range<Int>) {
        let lines = self.lines
        let index = lines.lastIndex { $0.lowerBound <= cursor } ?? 0
        return (index, lines[index])
    }

    /// The furthest the cursor goes on line `index`: its end, or before its last character
    /// when the line was wrapped (its end is the next line's start).
    private func lastOffset(of index: Int) -> Int {
        let lines = self.lines
        let range = lines[index]
        let wrapped = index + 1 < lines.count && lines[index + 1].lowerBound == range.upperBound
        return wrapped ? max(range.lowerBound, range.upperBound - 1) : range.upperBound
    }

    /// The lines of `characters` in `width` cells, as ranges of offsets, line breaks left out.
    /// A line breaks after its last space that fits, else (a word longer than the line) where
    /// the width ends; a paragraph's last line keeps a cell free for the cursor after it.
    static func lines(_ characters: [Character], width: Int) -> [Range<Int>] {
        let width = max(1, width)
        var lines: [Range<Int>] = []
        var start = 0
        while true {
            let end = characters[start...].firstIndex { $0.isNewline } ?? characters.count
            wrap(characters, start..<end, width: width, into: &lines)
            guard end < characters.count else { return lines }
            start = end + 1
        }
    }

    private static func wrap(_ characters: [Character], _ paragraph: Range<Int>, width: Int, into lines: inout [Range<Int>]) {
        var start = paragraph.lowerBound
        while true {
            var end = start
            var cells = 0
            while end < paragraph.upperBound {
                let next = CellWidth.of(characters[end])
                if cells + next > width { break }
                cells += next
                end += 1
            }
            if end == paragraph.upperBound && cells < width {
                lines.append(start..<end)
                return
            }
            var cut: Int
            if end < paragraph.upperBound && characters[end] == " " {
                cut = end + 1  // The space that does not fit ends this line, unseen.
            } else if let space = characters[start..<end].lastIndex(of: " ") {
                cut = space + 1
            } else {
                cut = end == paragraph.upperBound ? end - 1 : end
            }
            cut = max(cut, start + 1)
            lines.append(start..<cut)
            start = cut
        }
    }
}
