import Testing
@testable import RetourTUI

@Suite("Canvas")
struct CanvasTests {
    @Test("text is clipped at the right edge and never written outside the grid")
    func clipsAtRightEdge() {
        var canvas = Canvas(size: Size(width: 10, height: 3))
        let used = canvas.put("Tombouctou-Goundam", x: 4, y: 1)
        #expect(used == 6)
        #expect(canvas.rows == ["", "    Tombou", ""])
        #expect(canvas.cells.count == 30)
    }

    @Test("text starting left of the grid shows only its visible part")
    func clipsAtLeftEdge() {
        var canvas = Canvas(size: Size(width: 6, height: 1))
        canvas.put("abcdefgh", x: -3, y: 0)
        #expect(canvas.rows == ["defgh"])
    }

    @Test("rows above, below or right of the grid are ignored")
    func ignoresOutsideRows() {
        var canvas = Canvas(size: Size(width: 5, height: 2))
        #expect(canvas.put("x", x: 0, y: -1) == 0)
        #expect(canvas.put("x", x: 0, y: 2) == 0)
        #expect(canvas.put("x", x: 5, y: 0) == 0)
        canvas.fill(Rect(x: -2, y: -2, width: 100, height: 100), style: .selected)
        #expect(canvas.rows == ["", ""])
        #expect(canvas[4, 1].style == .selected)
    }

    @Test("an accented letter takes one cell")
    func accentedIsOneCell() {
        var canvas = Canvas(size: Size(width: 12, height: 1))
        let used = canvas.put("Maïga Aïssa", x: 0, y: 0)
        #expect(used == 11)
        #expect(canvas[2, 0].text == "ï")
        #expect(canvas[3, 0].text == "g")
        #expect(canvas.rows == ["Maïga Aïssa"])
    }

    @Test("a letter followed by a combining accent takes one cell")
    func combiningIsOneCell() {
        var canvas = Canvas(size: Size(width: 8, height: 1))
        let decomposed = "Se\u{0301}vare\u{0301}"
        let used = canvas.put(decomposed, x: 0, y: 0)
        #expect(used == 6)
        #expect(canvas[1, 0].text == "e\u{0301}")
        #expect(canvas[2, 0].text == "v")
        #expect(canvas[6, 0].text == " ")
    }

    @Test("a CJK ideograph takes two cells, the second one a continuation")
    func wideIsTwoCells() {
        var canvas = Canvas(size: Size(width: 8, height: 1))
        let used = canvas.put("中文ab", x: 1, y: 0)
        #expect(used == 6)
        #expect(canvas[1, 0].text == "中")
        #expect(canvas[2, 0].text == "")
        #expect(canvas[3, 0].text == "文")
        #expect(canvas[5, 0].text == "a")
        #expect(canvas.rows == [" 中文ab"])
    }

    @Test("a wide glyph that does not fit at the edge is not drawn at all")
    func wideGlyphAtEdge() {
        var canvas = Canvas(size: Size(width: 5, height: 1))
        let used = canvas.put("abc中", x: 1, y: 0)
        #expect(used == 3)
        #expect(canvas[4, 0].text == " ")
        #expect(canvas.rows == [" abc"])

        var limited = Canvas(size: Size(width: 10, height: 1))
        #expect(limited.put("a中b", x: 0, y: 0, width: 2) == 1)
        #expect(limited.rows == ["a"])
    }

    @Test("a wide glyph cut by the left edge is not drawn in half")
    func wideGlyphAtLeftEdge() {
        var canvas = Canvas(size: Size(width: 5, height: 1))
        canvas.put("中ab", x: -1, y: 0)
        #expect(canvas[0, 0].text == " ")
        #expect(canvas[1, 0].text == "a")
    }

    @Test("overwriting half of a wide glyph blanks the other half")
    func overwritingHalfOfWideGlyph() {
        var canvas = Canvas(size: Size(width: 6, height: 1))
        canvas.put("中文", x: 0, y: 0)
        canvas.put("x", x: 1, y: 0)
        #expect(canvas[0, 0].text == " ")
        #expect(canvas[1, 0].text == "x")
        canvas.put("y", x: 2, y: 0)
        #expect(canvas[3, 0].text == " ")
        #expect(canvas.rows == [" xy"])
    }

    @Test("control characters are shown as one visible cell")
    func controlCharacters() {
        var canvas = Canvas(size: Size(width: 6, height: 1))
        canvas.put("a\tb", x: 0, y: 0)
        #expect(canvas.rows == ["a·b"])
    }

    @Test("a box smaller than its frame is not drawn, a box at the edge is clipped")
    func boxes() {
        var canvas = Canvas(size: Size(width: 6, height: 3))
        canvas.box(Rect(x: 0, y: 0, width: 1, height: 1))
        #expect(canvas.rows == ["", "", ""])
        canvas.box(Rect(x: 3, y: 1, width: 6, height: 4), title: "Titre")
        #expect(canvas.rows == ["", "   ┌─", "   │"])
    }
}

@Suite("CellWidth")
struct CellWidthTests {
    @Test("widths as the terminal counts them")
    func widths() {
        #expect(CellWidth.of("é") == 1)
        #expect(CellWidth.of("e\u{0301}") == 1)
        #expect(CellWidth.of("中") == 2)
        #expect(CellWidth.of("Haïdara Zeïnabou") == 16)
        #expect(CellWidth.of("Se\u{0301}vare\u{0301}") == 6)
        #expect(CellWidth.of("中文") == 4)
    }

    @Test("fit pads accented names to the exact width")
    func fitPads() {
        let fitted = CellWidth.fit("Maïga", 8)
        #expect(fitted == "Maïga   ")
        #expect(CellWidth.of(fitted) == 8)
        let decomposed = CellWidth.fit("Ciss\u{0065}\u{0301}", 7)
        #expect(CellWidth.of(decomposed) == 7)
        #expect(decomposed.hasSuffix("  "))
    }

    @Test("fit cuts with an ellipsis at the exact width")
    func fitCuts() {
        let fitted = CellWidth.fit("Haïdara Zeïnabou", 10)
        #expect(fitted == "Haïdara Z…")
        #expect(CellWidth.of(fitted) == 10)
        #expect(CellWidth.fit("Ag Mohamed Moussa", 1) == "…")
        #expect(CellWidth.fit("Maïga", 0) == "")
        #expect(CellWidth.fit("Maïga", 5) == "Maïga")
    }

    @Test("fit never splits a wide glyph and still fills the width")
    func fitWide() {
        let fitted = CellWidth.fit("中文字符", 6)
        #expect(fitted == "中文… ")
        #expect(CellWidth.of(fitted) == 6)
        #expect(CellWidth.prefix("中文字", fitting: 3) == "中")
    }
}
