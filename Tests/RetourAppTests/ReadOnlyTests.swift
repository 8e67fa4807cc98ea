import Foundation
import Testing
@testable import RetourApp
@testable import RetourCore
import RetourTUI

@Suite("Read-only session")
struct ReadOnlyTests {
    // Before several writers, a second session was read-only: now a session opened to read is.
    @Test("a session opened to read shows the cases, says it is read-only, and refuses to save without crashing")
    func secondSession() throws {
        let harness = try Harness(readOnly: true)
        #expect(harness.store.isReadOnly)
        #expect(harness.titleBar.hasSuffix("READ-ONLY"))
        #expect(harness.statusLine.hasPrefix(" ! Read-only: "))
        #expect(harness.listRows.count == 5)

        // Registering is refused at once, before anything is typed.
        harness.type("n")
        #expect(harness.statusLine.hasPrefix(" ! Read-only: "))
        #expect(!harness.titleBar.contains("New registration"))
        #expect(harness.titleBar.hasSuffix("READ-ONLY"))
        // So is editing a case.
        harness.send(.enter)
        harness.type("e")
        #expect(harness.statusLine.hasPrefix(" ! Read-only: "))
        #expect(!harness.titleBar.contains("Edit"))
        #expect(harness.store.book.count == 5)
        #expect(harness.firstSession?.book.count == 5)
        #expect(harness.app.isRunning)
    }

    @Test("a read-only session shows what a writing one saves")
    func followsTheWriter() throws {
        let harness = try Harness(readOnly: true)
        let writer = try #require(harness.firstSession)
        #expect(!harness.app.refreshFromDisk())
        var profile = try #require(try writer.book.allCases().first).profile
        profile.familyName = "Sangaré"
        profile.givenNames = "Oumou"
        try writer.commit(.register(id: UUID(), number: "TBK-000099", profile: profile), as: .anyone("moussa"))
        #expect(harness.app.refreshFromDisk())
        harness.send(.end)
        #expect(harness.listRows.count == 6)
        #expect(harness.listRows.contains { $0.contains("Sangaré Oumou") })
    }

    @Test("in French the title bar says LECTURE SEULE")
    func french() throws {
        let harness = try Harness(language: .fr, readOnly: true)
        #expect(harness.titleBar.hasSuffix("LECTURE SEULE"))
        #expect(harness.statusLine.hasPrefix(" ! Lecture seule\u{A0}: "))
    }

    @Test("a session that may write says who is working instead")
    func writer() throws {
        let harness = try Harness()
        #expect(!harness.titleBar.contains("READ-ONLY"))
        #expect(harness.titleBar.hasSuffix("awa.traore"))
        #expect(harness.statusLine.isEmpty)
    }
}
