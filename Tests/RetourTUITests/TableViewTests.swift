import Testing
@testable import RetourTUI

@Suite("TableView")
struct TableViewTests {
    private let columns = [Column("Number", .fixed(8)), Column("Name", .flexible(weight: 1, minimum: 10))]

    /// Draws a table of `count` rows into 40×11 (a header and ten rows), counting the rows asked for.
    private func draw(_ table: inout TableView, calls: inout [Int]) -> (Canvas, Point?) {
        var canvas = Canvas(size: Size(width: 40, height: 11))
        var asked: [Int] = []
        let cursor = table.draw(into: &canvas, area: canvas.bounds, columns: columns) { index in
            asked.append(index)
            return [String(format: "N%05d", index), "Person \(index)"]
        }
        calls = asked
        return (canvas, cursor)
    }

    @Test("only the visible rows are asked for, over a thousand")
    func drawsVisibleRowsOnly() {
        var table = TableView()
        table.setCount(1000)
        var calls: [Int] = []
        let (canvas, cursor) = draw(&table, calls: &calls)
        #expect(calls == Array(0..<10))
        #expect(canvas.rows[0].hasPrefix("  Number   Name"))
        #expect(canvas.rows[1] == "> N00000   Person 0")
        #expect(canvas.rows[10] == "  N00009   Person 9")
        #expect(cursor == Point(x: 0, y: 1))
    }

    @Test("PageDown, PageUp, End and Home move by pages and scroll")
    func paging() {
        var table = TableView()
        table.setCount(1000)
        var calls: [Int] = []
        _ = draw(&table, calls: &calls)

        table.move(.pageDown)
        #expect(table.selected == 9)
        #expect(table.top == 0)
        table.move(.pageDown)
        #expect(table.selected == 18)
        var (canvas, cursor) = draw(&table, calls: &calls)
        #expect(table.top == 9)
        #expect(calls == Array(9..<19))
        #expect(canvas.rows[10] == "> N00018   Person 18")
        #expect(cursor == Point(x: 0, y: 10))

        table.move(.pageUp)
        #expect(table.selected == 9)
        (canvas, cursor) = draw(&table, calls: &calls)
        #expect(canvas.rows[1] == "> N00009   Person 9")
        #expect(cursor == Point(x: 0, y: 1))

        table.move(.last)
        (canvas, cursor) = draw(&table, calls: &calls)
        #expect(table.selected == 999)
        #expect(table.top == 990)
        #expect(calls == Array(990..<1000))
        #expect(canvas.rows[10] == "> N00999   Person 999")
        #expect(cursor == Point(x: 0, y: 10))

        table.move(.pageDown)
        #expect(table.selected == 999)

        table.move(.first)
        (canvas, cursor) = draw(&table, calls: &calls)
        #expect(table.selected == 0)
        #expect(calls == Array(0..<10))
        #expect(canvas.rows[1] == "> N00000   Person 0")
        table.move(.up)
        #expect(table.selected == 0)
    }

    @Test("moving one line at a time scrolls by one line at the bottom")
    func lineByLine() {
        var table = TableView()
        table.setCount(1000)
        var calls: [Int] = []
        _ = draw(&table, calls: &calls)
        for _ in 0..<10 { table.move(.down) }
        let (canvas, _) = draw(&table, calls: &calls)
        #expect(table.top == 1)
        #expect(canvas.rows[1] == "  N00001   Person 1")
        #expect(canvas.rows[10] == "> N00010   Person 10")
    }

    @Test("shrinking the count keeps the selection in range")
    func shrinkingCount() {
        var table = TableView()
        table.setCount(1000)
        table.move(.last)
        table.setCount(3)
        #expect(table.selected == 2)
        var calls: [Int] = []
        let (canvas, _) = draw(&table, calls: &calls)
        #expect(calls == [0, 1, 2])
        #expect(canvas.rows[3] == "> N00002   Person 2")
        #expect(canvas.rows[4] == "")
        table.setCount(0)
        #expect(table.selected == 0)
        _ = draw(&table, calls: &calls)
        #expect(calls.isEmpty)
    }

    @Test("wide, accented and decomposed names keep the next column aligned")
    func alignedColumns() throws {
        let names = ["中文名字很长的名字", "Haïdara Zeïnabou Aminata", "Se\u{0301}kou"]
        var table = TableView()
        table.setCount(names.count)
        var canvas = Canvas(size: Size(width: 30, height: 4))
        table.draw(into: &canvas, area: canvas.bounds, columns: [Column("Name", .fixed(10)), Column("Place", .fixed(6))]) {
            [names[$0], "Gao"]
        }
        #expect(canvas.rows[1] == "> 中文名字…  Gao")
        #expect(canvas.rows[2] == "  Haïdara Z… Gao")
        #expect(canvas.rows[3] == "  Se\u{0301}kou      Gao")
        for y in 1...3 {
            let row = canvas.rows[y]
            let place = try #require(row.range(of: "Gao"))
            #expect(CellWidth.of(String(row[..<place.lowerBound])) == 13, "misaligned: \(row)")
        }
    }

    @Test("flexible columns share the space left by fixed ones")
    func columnWidths() {
        let widths = TableView.widths([Column("a", .fixed(10)), Column("b", .flexible(weight: 3, minimum: 12)),
                                       Column("c", .flexible(weight: 1, minimum: 6))], total: 40)
        #expect(widths == [10, 19, 9])
        #expect(widths.reduce(0, +) + 2 == 40)
    }

    @Test("a drawing area too small draws nothing")
    func tinyArea() {
        var table = TableView()
        table.setCount(5)
        var canvas = Canvas(size: Size(width: 3, height: 3))
        var asked = 0
        let cursor = table.draw(into: &canvas, area: canvas.bounds, columns: columns) { _ in
            asked += 1
            return ["x"]
        }
        #expect(cursor == nil)
        #expect(asked == 0)
    }
}

@Suite("Picker")
struct PickerTests {
    private let options = [
        Picker.Option(value: "ML06", label: "Tombouctou"),
        Picker.Option(value: "ML07", label: "Gao"),
        Picker.Option(value: "ML05", label: "Mopti"),
    ]

    @Test("a single-choice picker returns the highlighted option")
    func single() {
        var picker = Picker(title: "Region", options: options, allowsMany: false, current: [])
        #expect(picker.result == ["ML06"])
        picker.move(.down)
        #expect(picker.result == ["ML07"])
        picker.toggle()
        #expect(picker.result == ["ML07"])
        picker.move(.last)
        #expect(picker.result == ["ML05"])
    }

    @Test("a single-choice picker starts on the current value")
    func startsOnCurrent() {
        let picker = Picker(title: "Region", options: options, allowsMany: false, current: ["ML05"])
        #expect(picker.highlighted?.label == "Mopti")
        #expect(picker.result == ["ML05"])
    }

    @Test("a several-choice picker returns the ticked options in their order")
    func many() {
        var picker = Picker(title: "Vulnerabilities", options: options, allowsMany: true, current: ["ML05"])
        #expect(picker.result == ["ML05"])
        picker.move(.first)
        picker.toggle()
        #expect(picker.result == ["ML06", "ML05"])
        picker.move(.last)
        picker.toggle()
        #expect(picker.result == ["ML06"])
        picker.toggle()
        picker.toggle()
        #expect(picker.result == ["ML06"])
    }

    @Test("ticks are drawn as [x] and [ ], the highlighted option marked with >")
    func drawing() {
        var picker = Picker(title: "Choix", options: options, allowsMany: true, current: ["ML07"])
        var canvas = Canvas(size: Size(width: 40, height: 12))
        let cursor = picker.draw(into: &canvas, area: canvas.bounds, hint: "Space ticks")
        let text = canvas.rows.joined(separator: "\n")
        #expect(text.contains("[ ] Tombouctou"))
        #expect(text.contains("[x] Gao"))
        #expect(text.contains("Space ticks"))
        let gaoRow = canvas.rows.firstIndex { $0.contains("[x] Gao") }
        #expect(cursor?.y == gaoRow)
        if let gaoRow { #expect(canvas.rows[gaoRow].contains("> [x] Gao")) }
    }
}

@Suite("Dialog")
struct DialogTests {
    @Test("wrap breaks at spaces within the width")
    func wrapAtSpaces() {
        #expect(Dialog.wrap("the quick brown fox jumps", width: 10) == ["the quick", "brown fox", "jumps"])
        #expect(Dialog.wrap("Maïga Aïssata", width: 13) == ["Maïga Aïssata"])
        #expect(Dialog.wrap("Maïga Aïssata", width: 12) == ["Maïga", "Aïssata"])
    }

    @Test("wrap cuts words longer than the width")
    func wrapLongWord() {
        #expect(Dialog.wrap("Tombouctou", width: 4) == ["Tomb", "ouct", "ou"])
        #expect(Dialog.wrap("ab Tombouctou", width: 4) == ["ab", "Tomb", "ouct", "ou"])
    }

    @Test("wrap counts cells, not characters")
    func wrapWide() {
        #expect(Dialog.wrap("中文中文", width: 4) == ["中文", "中文"])
        #expect(Dialog.wrap("中文中", width: 5) == ["中文", "中"])
        for line in Dialog.wrap("Haïdara Zeïnabou 中文字 Ménaka", width: 7) {
            #expect(CellWidth.of(line) <= 7)
        }
    }

    @Test("wrap ends even when a wide glyph is wider than the width")
    func wrapNarrowerThanGlyph() {
        let lines = Dialog.wrap("中文", width: 1)
        #expect(lines.joined() == "中文")
    }

    @Test("wrap of an empty text is one empty line; no width, no lines")
    func wrapEdges() {
        #expect(Dialog.wrap("", width: 10) == [""])
        #expect(Dialog.wrap("abc", width: 0) == [])
    }

    @Test("the focused button is bracketed and takes the cursor")
    func drawing() {
        var dialog = Dialog(title: "Discard?", lines: ["What you typed will be lost."], buttons: ["Keep editing", "Discard"])
        dialog.focusNext()
        var canvas = Canvas(size: Size(width: 60, height: 10))
        let cursor = dialog.draw(into: &canvas, area: canvas.bounds)
        let buttonsRow = canvas.rows.firstIndex { $0.contains("[ Discard ]") }
        #expect(buttonsRow != nil)
        #expect(canvas.rows.contains { $0.contains("  Keep editing  ") })
        #expect(canvas.rows.contains { $0.contains("What you typed will be lost.") })
        #expect(cursor?.y == buttonsRow)
        dialog.focusNext()
        #expect(dialog.focused == 0)
        dialog.focusPrevious()
        #expect(dialog.focused == 1)
    }
}
