import Foundation

/// An editable line of text: ←/→, Home/End, Backspace, Delete and typing at the cursor;
/// Ctrl-U clears it. Scrolls horizontally when the text is wider than its box.
public struct TextField: Hashable, Sendable {
    public private(set) var text: String
    /// Cursor position, in characters from the start.
    public private(set) var cursor: Int
    private var scroll = 0

    public init(_ text: String = "") {
        self.text = text
        cursor = text.count
    }

    public mutating func set(_ text: String) {
        self.text = text
        cursor = text.count
        scroll = 0
    }

    /// Puts the cursor before the character at `offset` (a line's start or end, in a `TextArea`).
    public mutating func moveCursor(to offset: Int) {
        cursor = min(max(0, offset), text.count)
    }

    /// Applies an editing key. Returns false for keys that are not about editing.
    public mutating func handle(_ key: Key) -> Bool {
        var characters = Array(text)
        switch key {
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(characters.count, cursor + 1)
        case .home, .control("a"): cursor = 0
        case .end, .control("e"): cursor = characters.count
        case .backspace:
            guard cursor > 0 else { return true }
            characters.remove(at: cursor - 1)
            cursor -= 1
        case .delete:
            guard cursor < characters.count else { return true }
            characters.remove(at: cursor)
        case .control("u"):
            characters.removeAll()
            cursor = 0
        case .character(let character):
            characters.insert(character, at: cursor)
            cursor += 1
        default:
            return false
        }
        text = String(characters).precomposedStringWithCanonicalMapping
        // A combining mark merges with the character before it: count what precedes the cursor again.
        let before = String(characters.prefix(cursor)).precomposedStringWithCanonicalMapping.count
        cursor = min(before, text.count)
        return true
    }

    /// Draws the visible part of the text in `width` cells at (x, y) and returns the cursor's
    /// screen position. `mask` shows every character as that one (a passphrase).
    @discardableResult
    public mutating func draw(into canvas: inout Canvas, x: Int, y: Int, width: Int, style: Style = .field,
                              mask: Character? = nil) -> Point {
        let characters = mask.map { Array(repeating: $0, count: text.count) } ?? Array(text)
        if cursor < scroll { scroll = cursor }
        // Scroll right until the cursor fits.
        while scroll < cursor && CellWidth.of(String(characters[scroll..<cursor])) >= width { scroll += 1 }
        canvas.fill(Rect(x: x, y: y, width: width, height: 1), style: style)
        let visible = String(characters[scroll...])
        canvas.put(visible, x: x, y: y, width: width, style: style)
        let cursorX = x + CellWidth.of(String(characters[scroll..<cursor]))
        return Point(x: min(cursorX, x + max(0, width - 1)), y: y)
    }
}

