import Foundation
import Testing
@testable import RetourApp
@testable import RetourCore
import RetourTUI

/// An office of two teams: `s.gao` supervises `w.gao` and `w.gao2` (team gao); `w.tbk` is in
/// team tombouctou; `admin` sees everything. Three closure requests wait: GAO-000001 by
/// `w.gao` (moved away), GAO-000002 by the supervisor herself, TBK-000001 by `w.tbk`.
final class ApprovalOffice {
    static let quickHash = ScryptParameters(logN: 4, r: 1, p: 1)
    static let pins = ["admin": "admin-pin", "s.gao": "sgao-pin", "w.gao": "wgao-pin", "w.gao2": "wgao2-pin", "w.tbk": "wtbk-pin"]

    let directory: URL
    let store: Store
    private(set) var ids: [String: UUID] = [:]

    init(requests: Bool = true) throws {
        let fixtures = try Fixtures.get()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("retour-approvals-\(UUID().uuidString)")
        store = try Store(directory: directory)
        let setUp = Clearance.anyone("setup")
        for (index, (number, worker)) in [("GAO-000001", "w.gao"), ("GAO-000002", "w.gao"), ("GAO-000003", "w.gao2"),
                                          ("TBK-000001", "w.tbk")].enumerated() {
            var profile = try ProfileDraft(Seed.standard[index].values).parse(reference: fixtures.reference, today: testToday).get()
            profile.assignedTo = worker
            let id = UUID()
            try store.commit(.register(id: id, number: number, profile: profile), as: setUp)
            ids[number] = id
        }
        func user(_ login: String, _ name: String, _ role: Role, _ teams: [String]) throws -> User {
            User(login: login, name: name, role: role, teams: teams, pin: try PINHash.make(Self.pins[login]!, parameters: Self.quickHash))
        }
        try store.commit(.addUser(try user("admin", "Admin Keita", .administrator, [])), as: setUp)
        let admin = try clearance("admin")
        try store.commit(.addUser(try user("s.gao", "Awa Maïga", .supervisor, ["gao"])), as: admin)
        try store.commit(.addUser(try user("w.gao", "Kadiatou Diarra", .caseWorker, ["gao"])), as: admin)
        try store.commit(.addUser(try user("w.gao2", "Oumar Sow", .caseWorker, ["gao"])), as: admin)
        try store.commit(.addUser(try user("w.tbk", "Hamma Touré", .caseWorker, ["tombouctou"])), as: admin)
        guard requests else { return }
        try store.commit(.requestClosure(id: ids["GAO-000001"]!, reason: "Family moved to Bamako", code: "moved_away"),
                         as: try clearance("w.gao"))
        try store.commit(.requestClosure(id: ids["GAO-000002"]!, reason: "Plan complete", code: "durable_solution"),
                         as: try clearance("s.gao"))
        try store.commit(.requestClosure(id: ids["TBK-000001"]!, reason: "Lost contact", code: "lost_contact"),
                         as: try clearance("w.tbk"))
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func clearance(_ login: String) throws -> Clearance {
        try SignIn.attempt(login: login, pin: Self.pins[login]!, store: store)
    }

    func stored(_ number: String) throws -> Case {
        try #require(try store.book.read(ids[number]!))
    }

    /// The case manager of `login`, signed in, on an 80x24 in-memory terminal.
    func app(_ login: String, language: Language = .en) throws -> Screen80 {
        let fixtures = try Fixtures.get()
        let session = Session(dataDirectory: directory, author: login, catalog: fixtures.catalog(language), reference: fixtures.reference)
        return Screen80(CaseManagerApp(session: session, store: store, clearance: try clearance(login), today: testToday))
    }
}

/// A case manager and its terminal, driven by keys.
final class Screen80 {
    let app: CaseManagerApp
    let terminal = MemoryTerminal(width: 80, height: 24)

    init(_ app: CaseManagerApp) {
        self.app = app
        app.runUntilIdle(on: terminal)
    }

    func type(_ text: String) {
        terminal.type(text)
        app.runUntilIdle(on: terminal)
    }

    func send(_ keys: Key...) {
        for key in keys { terminal.send(key) }
        app.runUntilIdle(on: terminal)
    }

    var rows: [String] { terminal.rows }
    var text: String { terminal.text }
    var titleBar: String { rows[0] }
    var statusLine: String { rows[22] }
    var footer: String { rows[23] }
}

@Suite("The approvals queue, the title's count and the sign-in notices")
struct ApprovalScreenTests {
    @Test func theQueueHoldsTheRequestsInTheSupervisorsTeamOnlyAndACaseWorkerHasNone() throws {
        let office = try ApprovalOffice()
        let supervisor = try office.store.reader(for: office.clearance("s.gao"))
        let queue = try ApprovalQueue(reader: supervisor, criteria: Fixtures.get().reference.tracks.criteria, today: testToday)
        #expect(queue.items.map(\.number) == ["GAO-000001", "GAO-000002"])
        #expect(queue.items.map(\.mayDecide) == [true, false])
        #expect(queue.items[0].reasonCode == "moved_away" && queue.items[0].requestedBy == "w.gao")
        #expect(queue.items[0].explanation == "Family moved to Bamako")
        #expect(ApprovalQueue.decidableCount(reader: supervisor) == 1)
        let admin = try office.store.reader(for: office.clearance("admin"))
        #expect(ApprovalQueue.decidableCount(reader: admin) == 3)
        let worker = try office.store.reader(for: office.clearance("w.gao"))
        #expect(throws: ApprovalQueue.Refusal.notAllowed) {
            try ApprovalQueue(reader: worker, criteria: [], today: testToday)
        }
        #expect(ApprovalQueue.decidableCount(reader: worker) == 0)
    }

    @Test(arguments: [Language.en, .fr])
    func theSupervisorSeesTheQueueAndTheCountInTheTitle(language: Language) throws {
        let office = try ApprovalOffice()
        let screen = try office.app("s.gao", language: language)
        #expect(screen.titleBar.contains(language == .en ? "1 to approve" : "1 à approuver"), "\(screen.titleBar)")
        #expect(screen.titleBar.contains(language == .en ? "1 to approve (A)" : "1 à approuver (A)"), "\(screen.titleBar)")
        screen.type("A")
        let text = screen.text
        #expect(screen.titleBar.contains(language == .en ? "2 closure requests to decide" : "2 demandes de clôture à décider"), "\(text)")
        #expect(text.contains("GAO-000001") && text.contains("GAO-000002") && !text.contains("TBK-000001"), "\(text)")
        #expect(text.contains(language == .en ? "Requested by w.gao" : "Demandée par w.gao"), "\(text)")
        #expect(text.contains(language == .en ? ": Moved away" : "\u{a0}: Parti(e) ailleurs"), "\(text)")
        #expect(text.contains(language == .en ? "Explanation: Family moved to Bamako" : "Explication\u{a0}: Family moved to Bamako"), "\(text)")
        let own = try #require(screen.rows.first { $0.contains("GAO-000002") })
        #expect(own.contains("◦"), "\(own)")
        #expect(screen.footer.contains(language == .en ? "y Approve" : "o Approuver"), "\(screen.footer)")
    }

    @Test func theScreensTitleComesBeforeTheUsersNameInTheTitleBar() throws {
        let office = try ApprovalOffice()
        let screen = try office.app("s.gao", language: .fr)
        screen.type("A")
        screen.type("o")
        // « GAO-000001 · Approuver la clôture » whole; the name gives way, the count stays.
        #expect(screen.titleBar.contains("GAO-000001 · Approuver la clôture "), "\(screen.titleBar)")
        #expect(screen.titleBar.contains("à approuver (A)"), "\(screen.titleBar)")
        screen.send(.escape)
        screen.send(.escape)
        #expect(screen.titleBar.contains("Awa Maïga"), "the list's short title leaves room for the name: \(screen.titleBar)")
    }

    @Test func aCaseWorkerIsNotOfferedTheQueueAndIsToldWhy() throws {
        let office = try ApprovalOffice()
        let screen = try office.app("w.gao")
        #expect(!screen.titleBar.contains("to approve"))
        screen.type("?")
        #expect(!screen.text.contains("Closure requests to approve"), "\(screen.text)")
        screen.send(.escape)
        screen.type("A")
        #expect(screen.statusLine.contains("Only supervisors and administrators approve closure requests"), "\(screen.statusLine)")
        #expect(screen.app.top is CaseListScreen)
    }

    @Test(arguments: [Language.en, .fr])
    func approvingFromTheQueueClosesTheCaseWithTheRequestedReason(language: Language) throws {
        let office = try ApprovalOffice()
        let screen = try office.app("s.gao", language: language)
        screen.type("A")
        screen.type(language == .en ? "y" : "o")
        #expect(screen.titleBar.contains("GAO-000001"), "\(screen.text)")
        screen.type("Checked by phone")
        screen.send(.function(2))
        #expect(screen.text.contains(language == .en ? "Yes, approve" : "Oui, approuver"), "\(screen.text)")
        #expect(try office.stored("GAO-000001").status == .closureRequested, "nothing before the confirmation")
        screen.type(language == .en ? "y" : "o")
        let closed = try office.stored("GAO-000001")
        #expect(closed.status == .closed)
        #expect(closed.closure?.reason == "moved_away")
        #expect(closed.closure?.note == "Checked by phone")
        #expect(!screen.titleBar.contains(language == .en ? "to approve" : "à approuver"), "\(screen.titleBar)")
        #expect(!screen.rows[1..<21].contains { $0.contains("GAO-000001") }, "left the queue: \(screen.text)")
        #expect(screen.statusLine.contains("GAO-000001"), "\(screen.statusLine)")
    }

    @Test func approvingOnesOwnRequestIsRefusedInWords() throws {
        let office = try ApprovalOffice()
        let screen = try office.app("s.gao")
        screen.type("A")
        screen.send(.down)
        #expect(screen.text.contains("Your own request: another supervisor or an administrator decides it."), "\(screen.text)")
        screen.type("y")
        #expect(screen.statusLine.contains("Closure of GAO-000002 was requested by you"), "\(screen.statusLine)")
        #expect(try office.stored("GAO-000002").status == .closureRequested)
        // An administrator decides it.
        let admin = try office.app("admin")
        #expect(admin.titleBar.contains("3 to approve"), "\(admin.titleBar)")
    }

    @Test func aStaleApprovalIsRefusedAndTheQueueReadAgain() throws {
        let office = try ApprovalOffice()
        let screen = try office.app("s.gao")
        screen.type("A")
        // Meanwhile, the worker adds a note from another session.
        let note = Note(id: UUID(), text: "Called again", by: "w.gao", at: Date())
        try office.store.commit(.addNote(id: office.ids["GAO-000001"]!, note: note), as: office.clearance("w.gao"))
        screen.type("y")
        screen.send(.function(2))
        screen.type("y")
        #expect(screen.statusLine.contains("Case GAO-000001 changed meanwhile: queue read again"), "\(screen.statusLine)")
        #expect(try office.stored("GAO-000001").status == .closureRequested)
        #expect(screen.app.top is ApprovalsScreen)
        // The queue now holds the new version: approving again works.
        screen.type("y")
        screen.send(.function(2))
        screen.type("y")
        #expect(try office.stored("GAO-000001").status == .closed, "\(screen.text)")
    }

    @Test func aReturnedRequestShowsTheCommentOnTheCase() throws {
        let office = try ApprovalOffice()
        let screen = try office.app("s.gao")
        screen.type("A")
        screen.type("r")
        screen.send(.function(2))
        #expect(screen.text.contains("Required."), "the comment is required: \(screen.text)")
        screen.type("Assess documentation first")
        screen.send(.function(2))
        let returned = try office.stored("GAO-000001")
        #expect(returned.status != .closureRequested && returned.status != .closed)
        #expect(returned.closureReturn?.comment == "Assess documentation first")

        let worker = try office.app("w.gao")
        worker.type("/GAO-000001")
        worker.send(.enter)
        #expect(worker.text.contains("Request returned") && worker.text.contains("Their comment"), "\(worker.text)")
        #expect(worker.text.contains("s.gao") && worker.text.contains("Assess documentation first"), "\(worker.text)")
    }

    @Test(arguments: [Language.en, .fr])
    func theWorkerIsToldAtSignInWhatOthersDid(language: Language) throws {
        let office = try ApprovalOffice()
        _ = try office.clearance("w.gao")  // a sign-in before the supervisor's decisions
        let supervisor = try office.clearance("s.gao")
        let approved = try office.stored("GAO-000001")
        try office.store.commit(.returnClosure(id: approved.id, expectedVersion: approved.version, comment: "See the chief"),
                                as: supervisor)
        try office.store.commit(.assign(id: office.ids["GAO-000003"]!, to: "w.gao"), as: supervisor)
        let admin = try office.clearance("admin")
        let own = try office.stored("GAO-000002")
        try office.store.commit(.approveClosure(id: own.id, expectedVersion: own.version, comment: ""), as: admin)

        let screen = try office.app("w.gao", language: language)
        screen.app.announceSignInNotices()
        screen.app.runUntilIdle(on: screen.terminal)
        let text = screen.text
        if language == .en {
            #expect(text.contains("1 case was assigned to you by Awa Maïga (s.gao)."), "\(text)")
            #expect(text.contains("Closure approved: GAO-000002."), "\(text)")
            #expect(text.contains("Closure request returned by Awa Maïga (s.gao): GAO-000001"), "\(text)")
        } else {
            #expect(text.contains("1 dossier vous a été attribué par Awa Maïga (s.gao)."), "\(text)")
            #expect(text.contains("Clôture approuvée\u{a0}: GAO-000002."), "\(text)")
        }
        #expect(!text.contains("\u{1b}"), "no control sent")
        screen.send(.enter)
        #expect(!screen.text.contains("Awa Maïga (s.gao)"), "dismissed: \(screen.text)")
    }

    @Test func theNoticesPanelIsAsTallAsWhatItSaysAndLeavesTheScreenBelowVisible() throws {
        let office = try ApprovalOffice()
        _ = try office.clearance("w.gao")
        let supervisor = try office.clearance("s.gao")
        try office.store.commit(.assign(id: office.ids["GAO-000003"]!, to: "w.gao"), as: supervisor)

        let screen = try office.app("w.gao", language: .en)
        screen.app.announceSignInNotices()
        screen.app.runUntilIdle(on: screen.terminal)
        let rows = screen.terminal.rows
        let framed = rows.indices.filter { rows[$0].contains("│") }
        #expect(rows.joined().contains("1 case was assigned to you"), "\(screen.text)")
        // One line of notice and the line saying how to close it: a few rows, not the whole body,
        // so the status line's neighbours (a demonstration's tour box) stay in sight.
        #expect(!framed.isEmpty && framed.count <= 6, "\(screen.text)")
        // How to close it is said once, by the panel's own hint.
        #expect(screen.text.components(separatedBy: "Esc").count == 2 + (screen.footer.contains("Esc") ? 1 : 0), "\(screen.text)")
        #expect(!rows[rows.count - 4].contains("│"), "\(screen.text)")
    }

    @Test func theRequestFormAsksTheClosureReasonAndTheCaseShowsIt() throws {
        let harness = try Harness()
        harness.open("GAO-000001")
        harness.type("c")
        harness.send(.function(2))
        #expect(harness.issue(under: "Closure reason") == "Required.", "\(harness.text)")
        harness.pick(down: 1)  // Moved away
        harness.send(.tab)
        harness.type("Family moved to Bamako")
        harness.send(.function(2))
        let item = try harness.stored("GAO-000001")
        #expect(item.status == .closureRequested && item.closureRequestReason == "moved_away")
        #expect(harness.text.contains("Moved away — Family moved to Bamako"), "\(harness.text)")
        #expect(harness.text.contains("Requested by") && harness.text.contains(Harness.author), "\(harness.text)")
    }
}
