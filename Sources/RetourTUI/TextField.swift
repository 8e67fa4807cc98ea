import Foundation

/// An editable line of text: ←/→, Home/End, Backspace, Delete and typing at the cursor;
/// Ctrl-U clears it. Scrolls horizontally when the text is wider than its box.
///
/// A key costs the same in a long text as in a short one (a paste arrives one character at a
/// time): the characters are kept as an array, and only the neighbours of an edit are composed
/// again. Typing stops at `capacity` characters, so that a paste that never ends fills the
/// field and no more.
public struct TextField: Hashable, Sendable {
    /// The most characters a field takes from the keyboard: more than any field of the
    /// model holds (their own limits are said when saving), small enough to stay fast.
    public static let defaultCapacity = 10_000

    public private(set) var text: String
    /// `text`'s characters, where `cursor` counts.
    public private(set) var characters: [Character]
    /// Cursor position, in characters from the start.
    public private(set) var cursor: Int
    public let capacity: Int
    /// Whether the last character typed was refused because the field holds `capacity`.
    public private(set) var isFull = false
    private var scroll = 0

    public init(_ text: String = "", capacity: Int = TextField.defaultCapacity) {
        self.text = text
        characters = Array(text)
        cursor = characters.count
        self.capacity = capacity
    }

    /// Replaces the text (a value filled in elsewhere). It is kept whole, even beyond the capacity.
    public mutating func set(_ text: String) {
        self.text = text
        characters = Array(text)
        cursor = characters.count
        scroll = 0
        isFull = false
    }

    /// Puts the cursor before the character at `offset` (a line's start or end, in a `TextArea`).
    public mutating func moveCursor(to offset: Int) {
        cursor = min(max(0, offset), characters.count)
    }

    /// Applies an editing key. Returns false for keys that are not about editing.
    public mutating func handle(_ key: Key) -> Bool {
        switch key {
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(characters.count, cursor + 1)
        case .home, .control("a"): cursor = 0
        case .end, .control("e"): cursor = characters.count
        case .backspace:
            if cursor > 0 { replace(cursor - 1..<cursor, with: "") }
        case .delete:
            if cursor < characters.count { replace(cursor..<cursor + 1, with: "") }
        case .control("u"):
            set("")
        case .character(let character):
            guard characters.count < capacity else {
                isFull = true
                return true
            }
            replace(cursor..<cursor, with: String(character))
        default:
            return false
        }
        return true
    }

    /// Replaces the characters in `range` by `typed` and puts the cursor after it. The text is
    /// kept composed (NFC): a combining mark merges with the character before it, so the
    /// character on each side of the edit is composed again with it, and nothing further.
    private mutating func replace(_ range: Range<Int>, with typed: String) {
        let start = max(0, range.lowerBound - 1)
        let end = min(characters.count, range.upperBound + 1)
        let before = String(characters[start..<range.lowerBound]) + typed
        let composed = Array((before + String(characters[range.upperBound..<end])).precomposedStringWithCanonicalMapping)
        let cursorInside = min(before.precomposedStringWithCanonicalMapping.count, composed.count)
        characters.replaceSubrange(start..<end, with: composed)
        cursor = start + cursorInside
        text = String(characters)
        isFull = false
    }

    /// Draws the visible part of the text in `width` cells at (x, y) and returns the cursor's
    /// screen position. `mask` shows every character as that one (a passphrase).
    @discardableResult
    public mutating func draw(into canvas: inout Canvas, x: Int, y: Int, width: Int, style: Style = .field,
                              mask: Character? = nil) -> Point {
        let characters = self.characters
        let cells = { (index: Int) in mask.map(CellWidth.of) ?? CellWidth.of(characters[index]) }
        if cursor < scroll { scroll = cursor }
        // Scroll right until the cursor fits: the characters before it that fit in less than
        // the width, counted back from the cursor (the text may be long; the box is not).
        var fitting = cursor
        var used = 0
        while fitting > scroll && used + cells(fitting - 1) < width {
            fitting -= 1
            used += cells(fitting)
        }
        if fitting > scroll { scroll = fitting }
        canvas.fill(Rect(x: x, y: y, width: width, height: 1), style: style)
        var column = 0
        var index = scroll
        var visible = ""
        while index < characters.count && column < width {
            visible.append(mask ?? characters[index])
            column += cells(index)
            index += 1
        }
        canvas.put(visible, x: x, y: y, width: width, style: style)
        let cursorX = x + (scroll..<cursor).reduce(0) { $0 + cells($1) }
        return Point(x: min(cursorX, x + max(0, width - 1)), y: y)
    }
}
