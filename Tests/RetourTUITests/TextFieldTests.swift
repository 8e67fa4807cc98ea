import RetourDemo
import Testing
@testable import RetourTUI

@Suite("TextField")
struct TextFieldTests {
    private func edit(_ text: String, _ keys: [Key]) -> TextField {
        var field = TextField(text)
        for key in keys { _ = field.handle(key) }
        return field
    }

    @Test("typing inserts at the cursor, arrows move it")
    func insertInMiddle() {
        let field = edit("Toré", [.left, .left, .character("u")])
        #expect(field.text == "Touré")
        #expect(field.cursor == 3)
    }

    @Test("Home and End jump to the ends")
    func homeEnd() {
        var field = edit("aissata", [.home, .character("A")])
        #expect(field.text == "Aaissata")
        #expect(field.cursor == 1)
        _ = field.handle(.end)
        #expect(field.cursor == 8)
        _ = field.handle(.character("!"))
        #expect(field.text == "Aaissata!")
    }

    @Test("Backspace deletes before the cursor, Delete after it")
    func deletion() {
        var field = edit("Maïga", [.left, .backspace])
        #expect(field.text == "Maïa")
        #expect(field.cursor == 3)
        _ = field.handle(.home)
        _ = field.handle(.delete)
        #expect(field.text == "aïa")
        #expect(field.cursor == 0)
        // Nothing to delete: handled, nothing changes.
        let backspaceHandled = field.handle(.backspace)
        #expect(backspaceHandled)
        #expect(field.text == "aïa")
        _ = field.handle(.end)
        let deleteHandled = field.handle(.delete)
        #expect(deleteHandled)
        #expect(field.text == "aïa")
    }

    @Test("the cursor stays inside the text")
    func cursorBounds() {
        let field = edit("ab", [.right, .right, .left, .left, .left, .left])
        #expect(field.cursor == 0)
        let other = edit("ab", [.home, .right, .right, .right])
        #expect(other.cursor == 2)
    }

    @Test("Ctrl-U clears the whole field, wherever the cursor is")
    func controlU() {
        let field = edit("76 11 22 33", [.left, .left, .control("u")])
        #expect(field.text == "")
        #expect(field.cursor == 0)
    }

    @Test("keys that are not about editing are left to others")
    func otherKeys() {
        var field = TextField("x")
        let handled = [field.handle(.enter), field.handle(.tab), field.handle(.function(2))]
        #expect(handled == [false, false, false])
        #expect(field.text == "x")
    }

    @Test("a combining accent typed after its letter composes with it")
    func composesInput() {
        let field = edit("", [.character("e"), .character("\u{0301}")])
        #expect(field.text == "é")
        #expect(field.text.unicodeScalars.count == 1)
        #expect(field.cursor == 1)
    }

    @Test("a combining accent typed in the middle keeps the cursor after its letter")
    func composesInMiddle() {
        let field = edit("ec", [.left, .character("\u{0301}")])
        #expect(field.text == "éc")
        #expect(field.cursor == 1)
        let other = edit("Sevare", [.left, .left, .left, .left, .character("\u{0301}"), .character("x")])
        #expect(other.text == "Séxvare")
        #expect(other.cursor == 3)
    }

    @Test("long text scrolls so that the cursor stays visible")
    func horizontalScroll() {
        var field = TextField("abcdefghij")
        var canvas = Canvas(size: Size(width: 12, height: 1))
        var point = field.draw(into: &canvas, x: 2, y: 0, width: 5)
        #expect(canvas.rows == ["  ghij"])
        #expect(point == Point(x: 6, y: 0))

        _ = field.handle(.home)
        point = field.draw(into: &canvas, x: 2, y: 0, width: 5)
        #expect(canvas.rows == ["  abcde"])
        #expect(point == Point(x: 2, y: 0))

        for _ in 0..<7 { _ = field.handle(.right) }
        point = field.draw(into: &canvas, x: 2, y: 0, width: 5)
        #expect(canvas.rows == ["  defgh"])
        #expect(point == Point(x: 6, y: 0))

        _ = field.handle(.end)
        point = field.draw(into: &canvas, x: 2, y: 0, width: 5)
        #expect(canvas.rows == ["  ghij"])
        #expect(point.x < 2 + 5)
    }

    @Test("scrolling counts cells: accented letters are one, ideographs two")
    func scrollByCells() {
        var accented = TextField("Aïssata Maïga")
        var canvas = Canvas(size: Size(width: 20, height: 1))
        let point = accented.draw(into: &canvas, x: 0, y: 0, width: 8)
        #expect(canvas.rows == ["a Maïga"])
        #expect(point == Point(x: 7, y: 0))

        var wide = TextField("中文字符串")
        var other = Canvas(size: Size(width: 20, height: 1))
        let widePoint = wide.draw(into: &other, x: 0, y: 0, width: 5)
        #expect(other.rows == ["符串"])
        #expect(widePoint == Point(x: 4, y: 0))
    }

    @Test("drawing never writes past the field's width")
    func drawClipped() {
        var field = TextField("Tombouctou")
        _ = field.handle(.home)
        var canvas = Canvas(size: Size(width: 10, height: 1))
        canvas.put("|", x: 6, y: 0)
        field.draw(into: &canvas, x: 0, y: 0, width: 6)
        #expect(canvas.rows == ["Tombou|"])
    }

    @Test("typing stops at the field's capacity and says so; deleting makes room again")
    func capacity() {
        var field = TextField("abc", capacity: 5)
        for character in "defg" { _ = field.handle(.character(character)) }
        #expect(field.text == "abcde")
        #expect(field.isFull)
        // Moving is not typing: the field stays full until a character fits again.
        _ = field.handle(.left)
        #expect(field.isFull)
        _ = field.handle(.backspace)
        #expect(!field.isFull)
        _ = field.handle(.character("x"))
        #expect(field.text == "abcxe")
        #expect(!field.isFull)
        // A text set from elsewhere is kept whole, even beyond the capacity: nothing is lost.
        field.set("0123456789")
        #expect(field.text == "0123456789")
        _ = field.handle(.character("!"))
        #expect(field.text == "0123456789")
        #expect(field.isFull)
    }

    @Test("editing at any place gives the text and cursor of composing the whole text again")
    func editsMatchWholeComposition() {
        // The reference: the whole text composed after each key, the cursor counted again.
        struct Whole {
            var characters: [Character] = []
            var cursor = 0
            mutating func apply(_ key: Key) {
                switch key {
                case .left: cursor = max(0, cursor - 1)
                case .right: cursor = min(characters.count, cursor + 1)
                case .home: cursor = 0
                case .end: cursor = characters.count
                case .backspace where cursor > 0:
                    characters.remove(at: cursor - 1)
                    cursor -= 1
                case .delete where cursor < characters.count: characters.remove(at: cursor)
                case .character(let character):
                    characters.insert(character, at: cursor)
                    cursor += 1
                default: return
                }
                let before = String(characters.prefix(cursor)).precomposedStringWithCanonicalMapping.count
                characters = Array(String(characters).precomposedStringWithCanonicalMapping)
                cursor = min(before, characters.count)
            }
        }
        let alphabet: [Key] = [.left, .right, .home, .end, .backspace, .delete, .character("e"), .character("a"),
                               .character("\u{0301}"), .character("\u{0308}"), .character("\u{0327}"), .character("c"),
                               .character(" "), .character("中"), .character("ï"), .character("\u{1100}"), .character("\u{1161}")]
        var generator = SeededGenerator(seed: 42)
        for _ in 0..<300 {
            var field = TextField()
            var whole = Whole()
            for _ in 0..<40 {
                let key = alphabet[Int(generator.next() % UInt64(alphabet.count))]
                _ = field.handle(key)
                whole.apply(key)
                #expect(field.text == String(whole.characters), "\(key)")
                #expect(field.cursor == whole.cursor, "\(key) in \(field.text.unicodeScalars.map { String($0.value, radix: 16) })")
            }
        }
    }

    @Test("drawing a text of thousands of characters shows its end, the cursor after it")
    func drawsLongText() {
        var field = TextField(String(repeating: "abcdefghij", count: 1_000))
        var canvas = Canvas(size: Size(width: 10, height: 1))
        let point = field.draw(into: &canvas, x: 0, y: 0, width: 6)
        #expect(canvas.rows == ["fghij"])
        #expect(point == Point(x: 5, y: 0))
    }
}
