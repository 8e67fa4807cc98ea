import Foundation
import Testing
@testable import RetourApp
@testable import RetourCore
import RetourTUI

/// The caseload review (`w`) and reassigning from the list (Space, `*`, `a`): a supervisor's
/// and an administrator's, driven by keys and read off the in-memory terminal.
@Suite("Supervision: the caseload screen and reassigning")
final class CaseloadScreenTests {
    static let quickHash = ScryptParameters(logN: 4, r: 1, p: 1)
    let directory: URL
    let store: Store
    let fixtures: Fixtures

    /// Gao: the supervisor s.gao, the case workers k.diarra (two cases) and b.keita (none);
    /// Tombouctou: t.cisse (one case, outside the supervisor's scope); an administrator.
    init() throws {
        fixtures = try Fixtures.get()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("retour-caseload-\(UUID().uuidString)")
        store = try Store(directory: directory)
        let setUp = Clearance.anyone("setup")
        for (number, worker) in [("GAO-000001", "k.diarra"), ("GAO-000002", "k.diarra"), ("TBK-000001", "t.cisse")] {
            var profile = try ProfileDraft(Seed.standard[0].values).parse(reference: fixtures.reference, today: testToday).get()
            profile.assignedTo = worker
            try store.commit(.register(id: UUID(), number: number, profile: profile), as: setUp)
        }
        func user(_ login: String, _ name: String, _ role: Role, _ team: String) throws -> User {
            User(login: login, name: name, role: role, teams: team.isEmpty ? [] : [team],
                 pin: try PINHash.make(login + "-pin", parameters: CaseloadScreenTests.quickHash))
        }
        try store.commit(.addUser(try user("admin", "Awa Admin", .administrator, "")), as: setUp)
        let admin = try signIn("admin")
        for (login, name, role, team) in [("s.gao", "Sidi Supervisor", Role.supervisor, "gao"),
                                          ("k.diarra", "Kadiatou Diarra", .caseWorker, "gao"),
                                          ("b.keita", "Boubacar Keïta", .caseWorker, "gao"),
                                          ("t.cisse", "Tahirou Cissé", .caseWorker, "tombouctou")] {
            try store.commit(.addUser(try user(login, name, role, team)), as: admin)
        }
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func signIn(_ login: String) throws -> Clearance {
        try SignIn.attempt(login: login, pin: login + "-pin", store: store)
    }

    func app(_ login: String, _ language: Language = .en, width: Int = 80, height: Int = 24) throws -> (CaseManagerApp, MemoryTerminal) {
        let session = Session(dataDirectory: directory, author: login, catalog: fixtures.catalog(language), reference: fixtures.reference)
        let app = CaseManagerApp(session: session, store: store, clearance: try signIn(login), today: testToday)
        let terminal = MemoryTerminal(width: width, height: height)
        app.runUntilIdle(on: terminal)
        return (app, terminal)
    }

    func press(_ app: CaseManagerApp, _ terminal: MemoryTerminal, _ keys: Key...) {
        for key in keys { terminal.send(key) }
        app.runUntilIdle(on: terminal)
    }

    func type(_ app: CaseManagerApp, _ terminal: MemoryTerminal, _ text: String) {
        terminal.type(text)
        app.runUntilIdle(on: terminal)
    }

    @Test func aSupervisorReviewsTheirTeamAndOpensAWorkersCases() throws {
        let (app, terminal) = try app("s.gao")
        #expect(terminal.rows[23].contains("w Caseloads") && terminal.rows[23].contains("a Assign"), "\(terminal.rows[23])")
        type(app, terminal, "w")
        let rows = terminal.rows
        #expect(rows[0].contains("Caseloads: 2 workers"), "\(terminal.text)")
        #expect(rows[1].contains("Worker") && rows[1].contains("Open") && rows[1].contains("Late") && rows[1].contains("Closures"))
        #expect(rows[2].hasPrefix("> Boubacar Keïta"), "\(terminal.text)")
        #expect(rows[3].hasPrefix("  Kadiatou Diarra") && rows[3].contains(" 2 "), "\(rows[3])")
        #expect(!terminal.text.contains("Tahirou"), "outside the team")
        #expect(rows[4].hasPrefix("  Total") && rows[4].contains(" 2"), "\(rows[4])")
        #expect(terminal.text.contains("No contact: nothing recorded for 60 days"), "\(terminal.text)")
        #expect(terminal.cursor?.y == 2)
        #expect(rows[23].contains("Enter Their cases") && rows[23].contains("s Sort"), "\(rows[23])")
        // Sorted by open cases, the most first: the cursor follows the selected worker.
        press(app, terminal, .right)
        #expect(terminal.rows[1].contains("Open▼"), "\(terminal.rows[1])")
        #expect(terminal.rows[2].hasPrefix("  Kadiatou") && terminal.rows[3].hasPrefix("> Boubacar"), "\(terminal.text)")
        press(app, terminal, .up, .enter)
        #expect(terminal.rows[0].contains("Cases (2 of 2)"), "\(terminal.text)")
        #expect(terminal.rows[1].contains("worker: k.diarra"), "\(terminal.rows[1])")
        #expect(terminal.text.contains("GAO-000001") && terminal.text.contains("GAO-000002"))
    }

    @Test func aCaseWorkerIsRefusedInWords() throws {
        let (app, terminal) = try app("k.diarra")
        #expect(!terminal.rows[23].contains("Caseloads") && !terminal.rows[23].contains("Assign"), "\(terminal.rows[23])")
        for key in ["w", "a", " "] {
            type(app, terminal, key)
            #expect(terminal.rows[22].contains("Only a supervisor or an administrator reviews caseloads"), "\(key): \(terminal.text)")
            #expect(terminal.rows[0].contains("Cases (2)"))
        }
    }

    @Test func marksThenAssignGiveTheCasesToTheWorkerChosen() throws {
        let (app, terminal) = try app("s.gao")
        press(app, terminal, .character(" "))
        #expect(terminal.rows[0].contains("1 marked"), "\(terminal.rows[0])")
        let marked = try #require(terminal.rows.first { $0.contains("GAO-000001") })
        #expect(marked.hasPrefix(" *"), "\(marked)")
        type(app, terminal, "*")
        #expect(terminal.rows[22].contains("2 cases marked"), "\(terminal.text)")
        type(app, terminal, "*")
        #expect(terminal.rows[22].contains("Marks cleared") && !terminal.rows[0].contains("marked"), "\(terminal.text)")
        type(app, terminal, "*a")
        #expect(terminal.text.contains("Assign 2 cases to"), "\(terminal.text)")
        #expect(terminal.text.contains("Boubacar Keïta (b.keita)") && terminal.text.contains("Kadiatou Diarra (k.diarra)"))
        #expect(!terminal.text.contains("t.cisse") && !terminal.text.contains("s.gao)"), "only the team's case workers")
        press(app, terminal, .enter)
        #expect(terminal.rows[22].contains("2 cases assigned to Boubacar Keïta."), "\(terminal.text)")
        #expect(!terminal.rows[0].contains("marked"))
        for number in ["GAO-000001", "GAO-000002"] {
            let id = try #require(store.book.find(numberOf: number))
            let item = try #require(store.book[id])
            #expect(item.profile.assignedTo == "b.keita")
            #expect(item.timeline.last?.kind == "timeline.assigned" && item.timeline.last?.by == "s.gao")
        }
        #expect(terminal.text.contains("b.keita") && !terminal.text.contains("k.diarra"), "\(terminal.text)")
        // No mark: the selected case alone.
        type(app, terminal, "a")
        #expect(terminal.text.contains("Assign 1 case to"), "\(terminal.text)")
        press(app, terminal, .down, .enter)
        #expect(terminal.rows[22].contains("1 case assigned to Kadiatou Diarra."), "\(terminal.text)")
    }

    @Test(arguments: [Language.en, .fr])
    func theCaseloadReadsAt80x24AndAfterAResize(language: Language) throws {
        let (app, terminal) = try app("admin", language)
        type(app, terminal, "w")
        let catalog = fixtures.catalog(language)
        #expect(terminal.rows[0].contains(catalog.counted("caseload.title", 3)), "\(terminal.text)")
        // Every column title, whole, on the header line; the totals under the last row.
        for column in Caseload.Column.allCases {
            #expect(terminal.rows[1].contains(catalog.text("caseload.column.\(column.rawValue)")), "\(terminal.rows[1])")
        }
        #expect(terminal.rows[4].contains("Tahirou Cissé"), "\(terminal.text)")
        #expect(terminal.rows[5].contains(catalog.text("caseload.totals")) && terminal.rows[5].contains("3"), "\(terminal.text)")
        #expect(terminal.rows.allSatisfy { CellWidth.of($0) <= 80 })
        #expect(terminal.rows[23].contains(catalog.text("caseload.action.theirCases.short")), "\(terminal.rows[23])")
        press(app, terminal, .down, .down)
        terminal.resize(width: 100, height: 30)
        app.runUntilIdle(on: terminal)
        #expect(terminal.cursor?.y == 4 && terminal.rows[4].hasPrefix(">"), "\(terminal.text)")
        terminal.resize(width: 80, height: 24)
        app.runUntilIdle(on: terminal)
        #expect(terminal.cursor?.y == 4 && terminal.rows[4].hasPrefix(">"), "\(terminal.text)")
        press(app, terminal, .escape)
        #expect(terminal.rows[0].contains(catalog.text("list.title", ["count": "3"])))
    }
}
