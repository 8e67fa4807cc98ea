import Foundation
import Testing
@testable import RetourApp
@testable import RetourCore
import RetourTUI

/// Keys of the case tabs that used to do nothing without a word, and details the pane cuts.
@Suite("Case tabs: every key answers")
struct CaseTabKeysTests {
    @Test("Space reads a long note whole; the cut pane says Space reads it")
    func spaceReadsTheWholeDetails() throws {
        let harness = try Harness()
        let id = try #require(harness.seeded["GAO-000001"])
        let long = (1...60).map { "word\($0)" }.joined(separator: " ") + " THE-END"
        try #require(harness.app.commit(.addNote(id: id, note: Note(id: UUID(), text: long, by: Harness.author,
                                                                     at: Date(timeIntervalSince1970: 1_800_000_000)))) != nil)
        harness.open("GAO-000001")
        harness.type("5")
        #expect(harness.details.last?.hasSuffix("… (Space: read all)") == true, "\(harness.details)")
        #expect(!harness.text.contains("THE-END"))
        harness.type(" ")
        #expect(harness.text.contains("THE-END"), "\(harness.text)")
        harness.send(.escape)
        #expect(!harness.text.contains("THE-END"))
    }

    @Test("a panel over a full table: beside its frame, no piece of the rows it covers")
    func nothingBesideThePanel() throws {
        let harness = try Harness()
        let id = try #require(harness.seeded["GAO-000001"])
        for index in 1...14 {
            let text = "Visit \(index): " + String(repeating: "long words of a note ", count: 6)
            try #require(harness.app.commit(.addNote(id: id, note: Note(id: UUID(), text: text, by: Harness.author,
                                                                         at: Date(timeIntervalSince1970: 1_800_000_000)))) != nil)
        }
        harness.open("GAO-000001")
        harness.type("5")
        harness.type(" ")
        // All of it shows: no arrows to scroll said.
        #expect(harness.text.contains("Esc closes") && !harness.text.contains("↑/↓ scroll"), "\(harness.text)")
        for row in harness.rows {
            guard let border = row.lastIndex(where: { "│┐┘".contains($0) }) else { continue }
            let beside = row[row.index(after: border)...].trimmingCharacters(in: .whitespaces)
            #expect(beside.isEmpty, "\(harness.text)")
        }
    }

    @Test("Space on a late step: its details titled by the step, not by its flag")
    func aLateStepsDetailsAreTitledByTheStep() throws {
        let harness = try Harness()
        try FollowUpSeed.record(harness)
        harness.open("GAO-000001")
        harness.type("2")
        harness.select("Business plan")
        #expect(harness.selectedRow?.contains("! late") == true, "\(harness.text)")
        harness.type(" ")
        #expect(harness.rows.contains { $0.contains("┌─ Business plan ─") }, "\(harness.text)")
    }

    @Test("a pane cut after a whole line says Space reads on, with no ellipsis on a line that is whole")
    func aWholeLineCutAfterHasNoEllipsis() throws {
        let harness = try Harness()
        let id = try #require(harness.seeded["GAO-000001"])
        let lines = (1...9).map { "Line \($0)." }.joined(separator: "\n") + "\nTHE-END"
        try #require(harness.app.commit(.addNote(id: id, note: Note(id: UUID(), text: lines, by: Harness.author,
                                                                     at: Date(timeIntervalSince1970: 1_800_000_000)))) != nil)
        harness.open("GAO-000001")
        harness.type("5")
        let last = try #require(harness.details.last)
        #expect(last.hasSuffix(". (Space: read all)") && !last.contains("…"), "\(harness.details)")
        #expect(!harness.text.contains("THE-END"))
    }

    @Test("on a closed case, n and w on the plan tab and n on the household tab say why they do nothing")
    func closedCaseKeysSayWhy() throws {
        let harness = try Harness()
        let id = try #require(harness.seeded["GAO-000001"])
        try #require(harness.app.commit(.requestClosure(id: id, reason: "Moved to Bamako")) != nil)
        let closure = Closure(reason: "moved_away", note: "", confirmedOpenItems: true)
        try #require(harness.app.commit(.close(id: id, closure: closure)) != nil)
        harness.open("GAO-000001")
        for keys in ["2n", "2w", "7n"] {
            harness.type(keys)
            #expect(harness.statusLine == " ! This case is closed: r reopens it to change it.", "\(keys): \(harness.statusLine)")
            #expect(harness.titleBar.contains("GAO-000001"))
        }
    }
}

@Suite("Case tabs: notes and the timeline as written")
struct NotesAndTimelineTests {
    @Test("a note's line breaks are kept in the details; a change made from the timeline selects its new event")
    func lineBreaksAndNewestEvent() throws {
        let harness = try Harness()
        let id = try #require(harness.seeded["GAO-000001"])
        try #require(harness.app.commit(.addNote(id: id, note: Note(id: UUID(), text: "First line\nSecond line", by: Harness.author,
                                                                     at: Date(timeIntervalSince1970: 1_800_000_000)))) != nil)
        harness.open("GAO-000001")
        harness.type("5")
        #expect(harness.details.contains("First line") && harness.details.contains("Second line"), "\(harness.details)")
        harness.type("6")
        harness.type("c")
        harness.pick(down: 1)
        harness.send(.tab)
        harness.type("Moved to Bamako")
        harness.send(.function(2))
        #expect(harness.selectedRow?.contains("Closure requested") == true, "\(harness.text)")
    }
}

@Suite("Plan tab at 80 columns: steps whole")
struct PlanStepsWholeTests {
    @Test("in French every step's name shows whole beside the late marker's column")
    func longestStepNamesFit() throws {
        let harness = try Harness(language: .fr)
        let id = try #require(harness.seeded["GAO-000001"])
        for track in harness.session.reference.tracks.tracks {
            let plan = try #require(harness.session.reference.tracks.plan(track: track.code, id: UUID(), enrolledOn: testToday))
            try #require(harness.app.commit(.enrol(id: id, plan: plan)) != nil)
        }
        harness.open("GAO-000001")
        harness.type("2")
        var seen = harness.text
        for _ in 0..<30 {
            harness.send(.pageDown)
            seen += harness.text
        }
        for track in harness.session.reference.tracks.tracks {
            for step in track.steps {
                let label = harness.catalog.label("step", step.code)
                #expect(seen.contains(label), "\(label) cut")
            }
        }
    }
}
