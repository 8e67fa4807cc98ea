import Foundation
import Testing
@testable import RetourApp
@testable import RetourCore
import RetourTUI

@Suite("Several case workers on one directory")
struct LiveUpdateTests {
    /// A second case manager, on the harness's first store, as another case worker would be.
    static func otherApp(_ harness: Harness, login: String = "a.maiga") throws -> CaseManagerApp {
        let store = try #require(harness.firstSession)
        return CaseManagerApp(session: harness.session, store: store, clearance: .anyone(login), today: testToday,
                              now: { Date(timeIntervalSince1970: 1_800_000_000) })
    }

    @Test("another case manager's changes show at the next refresh, the cursor kept, the status line saying by whom")
    func anotherSessionsChangesShow() throws {
        let harness = try Harness(secondSession: true)
        #expect(!harness.store.isReadOnly)
        let other = try Self.otherApp(harness)
        harness.send(.down)
        let selected = try #require(harness.selectedListRow)
        let rowsBefore = harness.listRows.count
        #expect(!harness.app.refreshFromDisk())

        var profile = try #require(try harness.store.book.allCases().first).profile
        profile.familyName = "Sangaré"
        profile.givenNames = "Oumou"
        let id = UUID()
        #expect(other.commit(.register(id: id, number: CaseBook.numberToAllocate(prefix: "TBK"), profile: profile)) != nil)
        let gao = try #require(harness.seeded["GAO-000001"])
        #expect(other.commit(.addNote(id: gao, note: Note(id: UUID(), text: "Visite", by: "a.maiga", at: Date()))) != nil)

        #expect(harness.app.refreshFromDisk())
        harness.send()
        #expect(harness.listRows.count == rowsBefore + 1)
        #expect(harness.listRows.contains { $0.contains("Sangaré Oumou") })
        #expect(harness.selectedListRow == selected)
        #expect(harness.statusLine.contains("2 changes by a.maiga"), "\(harness.statusLine)")
        #expect(!harness.app.refreshFromDisk())
        #expect(harness.store.book.number(of: id) == "TBK-000002")
    }

    @Test("a change saved with its decision on a conflict counts as one change on the status line")
    func aDecisionIsPartOfItsChange() throws {
        let harness = try Harness(secondSession: true)
        let other = try Self.otherApp(harness)
        let gao = try #require(harness.seeded["GAO-000001"])
        let current = try #require(try other.store.book.read(gao))
        var profile = current.profile
        profile.phone = "70 00 00 02"
        let decision = ConflictDecision(choice: .mine, with: "m.diallo", fields: ["phone"])
        #expect(other.commit([.editProfile(id: gao, expectedVersion: current.version, profile: profile),
                              .resolveConflict(id: gao, decision: decision)]))
        #expect(harness.app.refreshFromDisk())
        harness.send()
        #expect(harness.statusLine.contains("1 change by a.maiga"), "\(harness.statusLine)")
    }

    @Test("a commit first reads what others saved: their change shows, and the numbers do not clash")
    func aCommitCatchesUp() throws {
        let harness = try Harness(language: .fr, secondSession: true)
        let other = try Self.otherApp(harness, login: "m.diallo")
        let profile = try #require(try harness.store.book.allCases().first).profile
        let theirs = UUID(), mine = UUID()
        let next = try #require(Int(harness.store.book.nextNumber(prefix: "GAO").suffix(6)))
        #expect(other.commit(.register(id: theirs, number: CaseBook.numberToAllocate(prefix: "GAO"), profile: profile)) != nil)
        // Without a refresh in between: the commit itself reads the other's line first.
        #expect(harness.app.commit(.register(id: mine, number: CaseBook.numberToAllocate(prefix: "GAO"), profile: profile)) != nil)
        harness.send()
        #expect(harness.statusLine.contains("1\u{A0}modification par m.diallo") || harness.statusLine.contains("1 modification par m.diallo"),
                "\(harness.statusLine)")
        #expect(harness.store.book.number(of: theirs) == String(format: "GAO-%06d", next))
        #expect(harness.store.book.number(of: mine) == String(format: "GAO-%06d", next + 1))
    }

    @Test("the status line counts only others' changes to cases this user may read")
    func changesToCasesOutOfSightAreNotCounted() throws {
        let harness = try Harness(secondSession: true)
        let other = try #require(harness.firstSession)
        let pin = try PINHash.make("12345678", parameters: SignInScreenTests.quickHash)
        func user(_ login: String, _ role: Role) -> User {
            User(login: login, name: login, role: role, teams: ["gao"], pin: pin)
        }
        let admin = Clearance(login: "admin", user: user("admin", .administrator))
        try other.commit(.addUser(user("admin", .administrator)), as: .anyone("setup"))
        try other.commit(.addUser(user("k.diarra", .caseWorker)), as: admin)
        try other.commit(.addUser(user("m.diallo", .caseWorker)), as: admin)
        let gao = try #require(harness.seeded["GAO-000001"])
        try other.commit(.assign(id: gao, to: "m.diallo"), as: admin)
        let viewer = CaseManagerApp(session: harness.session, store: harness.store,
                                    clearance: Clearance(login: "k.diarra", user: user("k.diarra", .caseWorker)),
                                    today: testToday, now: { Date(timeIntervalSince1970: 1_800_000_000) })
        let terminal = MemoryTerminal(width: 80, height: 24)
        _ = viewer.refreshFromDisk()
        viewer.runUntilIdle(on: terminal)
        viewer.status = nil

        try other.commit(.addNote(id: gao, note: Note(id: UUID(), text: "Visite", by: "admin", at: Date())), as: admin)
        #expect(viewer.refreshFromDisk())
        viewer.runUntilIdle(on: terminal)
        #expect(viewer.status == nil, "\(terminal.text)")

        try other.commit(.assign(id: gao, to: "k.diarra"), as: admin)
        #expect(viewer.refreshFromDisk())
        viewer.runUntilIdle(on: terminal)
        #expect(viewer.status?.text.contains("1 change by admin") == true, "\(terminal.text)")
    }
}
