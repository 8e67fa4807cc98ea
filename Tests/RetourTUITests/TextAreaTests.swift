import Foundation
import Testing
@testable import RetourTUI

@Suite("TextArea and TypeAhead")
struct TextAreaTests {
    private func rows(_ text: String, width: Int) -> [String] {
        let characters = Array(text)
        return TextArea.lines(characters, width: width).map { String(characters[$0]) }
    }

    @Test("lines break after the last space that fits; a long word where the width ends; line breaks are kept")
    func wrapping() {
        #expect(rows("the father works as a porter", width: 12) == ["the father ", "works as a ", "porter"])
        #expect(rows("abcdefghij", width: 4) == ["abcd", "efgh", "ij"])
        #expect(rows("one\n\ntwo", width: 10) == ["one", "", "two"])
        #expect(rows("", width: 10) == [""])
        // A paragraph's last line keeps a cell for the cursor.
        #expect(rows("abcd", width: 4) == ["abc", "d"])
    }

    @Test("wide glyphs take two cells, combining accents none")
    func widths() {
        #expect(rows("漢字漢字 ab", width: 6) == ["漢字漢", "字 ab"])
        let combining = "e\u{301}te\u{301} e\u{301}te\u{301}"
        #expect(rows(combining, width: 5).count == 2)
        var area = TextArea("漢字 café")
        var canvas = Canvas(size: Size(width: 20, height: 3))
        let cursor = area.draw(into: &canvas, x: 2, y: 0, width: 15, height: 2)
        #expect(cursor == Point(x: 2 + 9, y: 0))
    }

    @Test("Enter starts a line, ↑/↓ move by line keeping the column, and stop at the ends")
    func movement() {
        var area = TextArea()
        var canvas = Canvas(size: Size(width: 20, height: 5))
        for character in "first line" { _ = area.handle(.character(character)) }
        _ = area.handle(.enter)
        for character in "second" { _ = area.handle(.character(character)) }
        #expect(area.text == "first line\nsecond")
        let drawn = area.draw(into: &canvas, x: 0, y: 0, width: 20, height: 3)
        #expect(drawn == Point(x: 6, y: 1))
        let moved1 = area.moveLine(by: -1)
        #expect(moved1)
        #expect(area.cursor == 6)
        let moved2 = area.moveLine(by: -1)
        #expect(!moved2)
        _ = area.handle(.end)
        #expect(area.cursor == 10)
        let moved3 = area.moveLine(by: 1)
        #expect(moved3)
        #expect(area.cursor == 17)
        let moved4 = area.moveLine(by: 1)
        #expect(!moved4)
        _ = area.handle(.control("u"))
        #expect(area.text == "")
    }

    @Test("a text taller than its box scrolls to the cursor; rows outside the clip are not drawn")
    func scrolling() {
        var area = TextArea("1\n2\n3\n4\n5")
        var canvas = Canvas(size: Size(width: 10, height: 5))
        let drawn = area.draw(into: &canvas, x: 0, y: 0, width: 10, height: 3)
        #expect(drawn == Point(x: 1, y: 2))
        #expect(canvas.row(0).hasPrefix("3") && canvas.row(2).hasPrefix("5"))
        var other = Canvas(size: Size(width: 10, height: 5))
        let clipped = area.draw(into: &other, x: 0, y: 0, width: 10, height: 3, clip: 0..<1)
        #expect(clipped == nil)
        #expect(other.row(2).trimmingCharacters(in: .whitespaces).isEmpty)
    }

    @Test("type-ahead: folded prefixes, a pause starts again, no match tries the newest letter alone")
    func typeAhead() {
        let labels = ["(none)", "Ansongo", "Bourem", "Gao", "Ménaka"]
        let fold: (String) -> String = { $0.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil) }
        var typed = TypeAhead()
        let start = Date(timeIntervalSince1970: 0)
        #expect(typed.find("m", at: start, in: labels, fold: fold) == 4)
        #expect(typed.find("E", at: start + 0.5, in: labels, fold: fold) == 4)
        #expect(typed.find("b", at: start + 0.9, in: labels, fold: fold) == 2)
        #expect(typed.find("o", at: start + 1.5, in: labels, fold: fold) == 2)
        #expect(typed.find("g", at: start + 3, in: labels, fold: fold) == 3)
        #expect(typed.find("x", at: start + 3.1, in: labels, fold: fold) == nil)
    }
}
