import Testing
@testable import RetourTUI

/// Emoji sequences are one grapheme cluster each and take two cells, as terminals draw them.
@Suite("Width of emoji sequences")
struct EmojiClusterTests {
    static let family = "👨\u{200D}👩\u{200D}👧"
    static let flag = "🇲🇱"
    static let heart = "❤\u{FE0F}"

    @Test("a ZWJ family, a flag and a heart with VS16 are two cells each; other widths as before")
    func widths() {
        #expect(CellWidth.of(Self.family) == 2)
        #expect(CellWidth.of(Self.flag) == 2)
        #expect(CellWidth.of(Self.heart) == 2)
        #expect(CellWidth.of("1\u{FE0F}\u{20E3}") == 2)
        #expect(CellWidth.of("👍🏽") == 2)
        #expect(CellWidth.of("🇲") == 1)  // a lone regional indicator, as wcwidth says
        #expect(CellWidth.of("❤") == 1)
        #expect(CellWidth.of("Mai\u{0308}ga") == 5)
        #expect(CellWidth.of("ⵎⴰⵢⴳⴰ ߡߊߦߌߜߊ") == 12)
        #expect(CellWidth.of("日本") == 4)
    }

    @Test("a row holding them ends exactly at its column, each drawn whole in one cell and its continuation")
    func rowEndsAtItsColumn() {
        let terminal = MemoryTerminal(width: 20, height: 2)
        var canvas = Canvas(size: terminal.size)
        let used = canvas.put("A\(Self.family)B\(Self.flag)C\(Self.heart)D|", x: 0, y: 0)
        terminal.present(canvas)
        #expect(used == 11)
        let screen = terminal.screen
        #expect(screen[1, 0].text == Self.family)
        #expect(screen[2, 0].text == "")
        #expect(screen[4, 0].text == Self.flag)
        #expect(screen[5, 0].text == "")
        #expect(screen[7, 0].text == Self.heart)
        #expect(screen[8, 0].text == "")
        #expect(screen[10, 0].text == "|")
        #expect(terminal.rows[0] == "A\(Self.family)B\(Self.flag)C\(Self.heart)D|")
    }

    @Test("a table cell holding them is padded to its width: the next column starts where it should")
    func tableColumnsStayAligned() {
        var table = TableView()
        table.setCount(1)
        var canvas = Canvas(size: Size(width: 30, height: 3))
        table.draw(into: &canvas, area: Rect(x: 0, y: 0, width: 30, height: 3),
                   columns: [Column("Name", .fixed(10)), Column("Next", .fixed(6))]) { _ in
            ["\(Self.flag)\(Self.family)\(Self.heart)x", "here"]
        }
        // Row 1: "> " then 10 cells, a gap, then the next column at x = 13.
        #expect(canvas[13, 1].text == "h")
        #expect(canvas[2, 1].text == Self.flag)
        #expect(canvas[4, 1].text == Self.family)
        #expect(canvas[6, 1].text == Self.heart)
        #expect(canvas[8, 1].text == "x")
    }

    @Test("cutting never splits a cluster")
    func truncation() {
        #expect(CellWidth.prefix(Self.flag + Self.flag, fitting: 3) == Self.flag)
        #expect(CellWidth.prefix(Self.family, fitting: 1) == "")
        #expect(CellWidth.fit("\(Self.flag)\(Self.heart)\(Self.family)", 5) == "\(Self.flag)\(Self.heart)…")
        var canvas = Canvas(size: Size(width: 3, height: 1))
        #expect(canvas.put("a\(Self.flag)b", x: 0, y: 0) == 3)
        #expect(canvas[1, 0].text == Self.flag)
        var narrow = Canvas(size: Size(width: 2, height: 1))
        #expect(narrow.put("a\(Self.flag)", x: 0, y: 0) == 1)
        #expect(narrow[1, 0].text == " ")
    }

    @Test("the text field moves its cursor by cluster and places it after the whole emoji")
    func textFieldCursor() {
        var field = TextField("a\(Self.flag)\(Self.family)b")
        #expect(field.cursor == 4)
        _ = field.handle(.left)
        _ = field.handle(.left)
        #expect(field.cursor == 2)
        var canvas = Canvas(size: Size(width: 20, height: 1))
        let point = field.draw(into: &canvas, x: 0, y: 0, width: 20)
        #expect(point.x == 3)  // "a" then the flag's two cells
        _ = field.handle(.backspace)
        #expect(field.text == "a\(Self.family)b")
        // Typed one letter at a time, a flag's two regional indicators join into one character.
        var typed = TextField()
        _ = typed.handle(.character("🇲"))
        _ = typed.handle(.character("🇱"))
        #expect(typed.text == Self.flag)
        #expect(typed.cursor == 1)
    }

    @Test("curses is given each cluster as it can draw it in the cells the canvas gave: the flag whole")
    func cursesParts() {
        // setcchar keeps a first scalar and the zero-width ones after it: a flag's second letter
        // would be dropped. Its letters go to the cluster's two cells, where the terminal joins them.
        #expect(CursesTerminal.parts(of: Self.flag) == ["🇲", "🇱"])
        // Curses counts ❤ as one cell: it goes with a blank so that both agree on two.
        #expect(CursesTerminal.parts(of: Self.heart) == ["❤", " "])
        #expect(CursesTerminal.parts(of: Self.family) == ["👨"])
        #expect(CursesTerminal.parts(of: "e\u{0301}") == ["e\u{0301}"])
        #expect(CursesTerminal.parts(of: "日") == ["日"])
        #expect(CursesTerminal.parts(of: "👍🏽") == ["👍"])
    }

    @Test("C1 controls and bidi controls are drawn as a dot, like the C0 ones")
    func controlsAsDots() {
        var canvas = Canvas(size: Size(width: 10, height: 1))
        #expect(canvas.put("a\u{9b}b\u{202e}c\u{1b}d", x: 0, y: 0) == 7)
        #expect(canvas.rows == ["a·b·c·d"])
    }
}
