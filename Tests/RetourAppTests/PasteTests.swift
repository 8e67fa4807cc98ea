import Foundation
import Testing
@testable import RetourApp
@testable import RetourCore
import RetourTUI

/// A paste arrives as one key per character, and may never end.
@Suite("A long paste")
struct PasteTests {
    @Test("a paste longer than a note fills the field to its capacity, says so beside it, is drawn now and then, and saves what fits")
    func pasteIntoANote() throws {
        let harness = try Harness()
        harness.open("GAO-000001")
        harness.type("5")
        harness.type("n")
        #expect(harness.app.top is FieldForm, "\(harness.text)")
        let terminal = harness.terminal
        terminal.reportsPendingInput = true
        let paste = String(repeating: "Visite à Gao. ", count: 15_000)
        terminal.type(paste)
        let drawnBefore = terminal.presentCount
        harness.app.run(on: UntilRead(terminal))
        // Drawn at most every tenth of a second while keys wait, not once a key.
        #expect(terminal.presentCount - drawnBefore < paste.count / 100)
        harness.app.runUntilIdle(on: terminal)
        let capacity = TextField.defaultCapacity
        #expect(harness.text.contains("Full: at most \(capacity) characters; the rest was not added."), "\(harness.text)")
        harness.send(.function(2))
        let note = try #require(try harness.stored("GAO-000001").notes.last)
        let fitting = String(paste.prefix(capacity)).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(note.text == fitting)
    }

    @Test("keys arriving together in the search narrow the list before the key after them acts")
    func searchTypedTogether() throws {
        let harness = try Harness()
        let terminal = harness.terminal
        terminal.reportsPendingInput = true
        terminal.type("/GAO-00000")
        terminal.send(.down)
        harness.app.run(on: UntilRead(terminal))
        harness.app.runUntilIdle(on: terminal)
        #expect(harness.rows.contains { $0.hasPrefix(">") && $0.contains("GAO-000002") }, "\(harness.text)")
        terminal.send(.escape)
        terminal.type("/GAO-000002")
        terminal.send(.enter)
        harness.app.run(on: UntilRead(terminal))
        harness.app.runUntilIdle(on: terminal)
        #expect(harness.app.top is CaseDetailScreen, "\(harness.text)")
        #expect(harness.text.contains("GAO-000002"), "\(harness.text)")
    }

    @Test("a paste longer than the search fills it and says so on the status line until the paste ends")
    func pasteIntoTheSearch() throws {
        let harness = try Harness()
        let terminal = harness.terminal
        terminal.reportsPendingInput = true
        terminal.type("/" + String(repeating: "maiga ", count: 2_000))
        harness.app.run(on: UntilRead(terminal))
        harness.app.runUntilIdle(on: terminal)
        #expect(harness.app.top is CaseListScreen)
        #expect(harness.rows[1].contains("maiga maiga"), "\(harness.text)")
        #expect(harness.text.contains("Full: at most \(TextField.defaultCapacity) characters"), "\(harness.text)")
    }

    @Test("saving a field filled by a paste says the field's own limit, not only that it is full")
    func pasteIntoAName() throws {
        let harness = try Harness()
        harness.type("n")
        #expect(harness.app.top is CaseFormScreen, "\(harness.text)")
        let terminal = harness.terminal
        terminal.reportsPendingInput = true
        terminal.type(String(repeating: "Maïga ", count: 2_000))
        harness.app.run(on: UntilRead(terminal))
        harness.app.runUntilIdle(on: terminal)
        #expect(harness.text.contains("Full: at most"), "\(harness.text)")
        harness.send(.function(2))
        #expect(harness.text.contains("At most 100 characters."), "\(harness.text)")
    }

    @Test("text pasted with escape sequences and line breaks goes into the note as text: no key of it acts")
    func bracketedPasteIntoANote() throws {
        let harness = try Harness()
        harness.open("GAO-000001")
        harness.type("5")
        harness.type("n")
        #expect(harness.app.top is FieldForm)
        harness.terminal.paste("Visite\u{1b}[2J\u{1b}\r\nq suite\u{1b}]0;titre\u{7}")
        harness.app.runUntilIdle(on: harness.terminal)
        #expect(harness.app.top is FieldForm && harness.app.overlay == nil, "\(harness.text)")
        harness.send(.function(2))
        let note = try #require(try harness.stored("GAO-000001").notes.last)
        #expect(note.text == "Visite[2J\nq suite]0;titre")
    }

    @Test("text pasted where letters are commands (the list) is refused, said, and does nothing")
    func bracketedPasteIntoTheList() throws {
        let harness = try Harness()
        harness.terminal.paste("nq\u{1b}s")
        harness.app.runUntilIdle(on: harness.terminal)
        #expect(harness.app.top is CaseListScreen && harness.app.isRunning, "\(harness.text)")
        #expect(harness.text.contains("Paste into a field being typed in"), "\(harness.text)")
        harness.type("/")
        harness.terminal.paste("GAO-000002\r\n")
        harness.app.runUntilIdle(on: harness.terminal)
        // The line break a space: it does not open the case as Enter would.
        #expect((harness.app.top as? CaseListScreen)?.searchText == "GAO-000002 ", "\(harness.text)")
    }

    @Test("a note taller than its box says by an arrow beside it that more lines are above, or below")
    func aTallNoteShowsItsHiddenLines() throws {
        let harness = try Harness()
        harness.open("GAO-000001")
        harness.type("5")
        harness.type("n")
        harness.terminal.paste((1...20).map { "Ligne \($0)" }.joined(separator: "\n"))
        harness.app.runUntilIdle(on: harness.terminal)
        let first = try #require(harness.rows.firstIndex { $0.contains("Note *") }, "\(harness.text)")
        #expect(harness.rows[first].hasSuffix("↑"), "\(harness.text)")
        #expect(harness.rows[first + 5].contains("Ligne 20") && !harness.rows[first + 5].hasSuffix("↓"), "\(harness.text)")
        harness.send(.up, times: 19)
        #expect(harness.rows[first].contains("Ligne 1") && !harness.rows[first].hasSuffix("↑"), "\(harness.text)")
        #expect(harness.rows[first + 5].hasSuffix("↓"), "\(harness.text)")
    }
}

/// The terminal of a test that asks for a termination once every event sent was read, so that
/// `run(on:)` returns.
private final class UntilRead: Terminal {
    let memory: MemoryTerminal
    init(_ memory: MemoryTerminal) { self.memory = memory }
    var size: Size { memory.size }
    var terminationRequested: Bool { memory.pendingEvents == 0 }
    var hasPendingInput: Bool { memory.hasPendingInput }
    func present(_ canvas: Canvas) { memory.present(canvas) }
    func nextEvent(timeoutMilliseconds: Int) -> Event? { memory.nextEvent(timeoutMilliseconds: timeoutMilliseconds) }
}
