import Foundation
import Testing
@testable import RetourApp
import RetourCore
import RetourTUI

@Suite("Read-only session")
struct ReadOnlyTests {
    @Test("a second session shows the cases, says it is read-only, and refuses to save without crashing")
    func secondSession() throws {
        let harness = try Harness(secondSession: true)
        #expect(harness.store.isReadOnly)
        #expect(harness.titleBar.hasSuffix("READ-ONLY"))
        #expect(harness.statusLine.hasPrefix(" ! Read-only: in use by "))
        #expect(harness.listRows.count == 5)

        harness.type("n")
        harness.type("Sangaré")
        harness.send(.tab)
        harness.type("Oumou")
        harness.send(.tab, .enter, .enter)
        harness.send(.tab, times: 4)
        harness.send(.enter, .enter)
        harness.send(.tab, times: 4)
        harness.send(.enter, .enter)
        #expect(harness.formValue("Region") == "Tombouctou")
        harness.send(.function(2))
        #expect(harness.statusLine.hasPrefix(" ! Read-only: in use by "))
        #expect(harness.titleBar.contains("New registration"))
        #expect(harness.titleBar.hasSuffix("READ-ONLY"))
        #expect(harness.formValue("Family name") == "Sangaré")
        #expect(harness.store.book.count == 5)
        #expect(harness.firstSession?.book.count == 5)
        #expect(harness.app.isRunning)
    }

    @Test("in French the title bar says LECTURE SEULE")
    func french() throws {
        let harness = try Harness(language: .fr, secondSession: true)
        #expect(harness.titleBar.hasSuffix("LECTURE SEULE"))
        #expect(harness.statusLine.hasPrefix(" ! Lecture seule : utilisé par "))
    }

    @Test("a session that may write says who is working instead")
    func writer() throws {
        let harness = try Harness()
        #expect(!harness.titleBar.contains("READ-ONLY"))
        #expect(harness.titleBar.hasSuffix("awa.traore"))
        #expect(harness.statusLine.isEmpty)
    }
}
