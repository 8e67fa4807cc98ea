import Foundation
import Testing
@testable import RetourApp
@testable import RetourCore
import RetourTUI

@Suite("Signing in to the case manager, and the locked screen")
struct SignInScreenTests {
    static let quickHash = ScryptParameters(logN: 4, r: 1, p: 1)

    /// A directory with an administrator, a case worker of Gao (one case) and a disabled user.
    static func office() throws -> (URL, Store) {
        let fixtures = try Fixtures.get()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("retour-signin-\(UUID().uuidString)")
        let store = try Store(directory: directory)
        let setUp = Clearance.anyone("setup")
        for (number, worker) in [("GAO-000001", "k.diarra"), ("GAO-000002", "someone.else")] {
            var profile = try ProfileDraft(Seed.standard[0].values).parse(reference: fixtures.reference, today: testToday).get()
            profile.assignedTo = worker
            try store.commit(.register(id: UUID(), number: number, profile: profile), as: setUp)
        }
        func user(_ login: String, _ name: String, _ role: Role, _ pin: String) throws -> User {
            User(login: login, name: name, role: role, teams: ["gao"], pin: try PINHash.make(pin, parameters: quickHash))
        }
        try store.commit(.addUser(try user("admin", "Awa Admin", .administrator, "admin-pin")), as: setUp)
        let admin = try SignIn.attempt(login: "admin", pin: "admin-pin", store: store)
        try store.commit(.addUser(try user("k.diarra", "Kadiatou Diarra", .caseWorker, "kadi-pin")), as: admin)
        try store.commit(.addUser(try user("x.gone", "Gone", .caseWorker, "gone-pin")), as: admin)
        try store.commit(.updateUser(login: "x.gone", update: .disable), as: admin)
        return (directory, store)
    }

    static func screen(_ prompt: SignInPrompt) -> String {
        prompt.render(size: Size(width: 80, height: 24)).rows.joined(separator: "\n")
    }

    static func type(_ text: String, into prompt: SignInPrompt) {
        for character in text { _ = prompt.handle(.character(character)) }
    }

    @Test(arguments: [Language.en, .fr])
    func aWrongPINIsSaidUnderTheFieldAndThePINNeverShows(language: Language) throws {
        let fixtures = try Fixtures.get()
        let (directory, store) = try Self.office()
        defer { try? FileManager.default.removeItem(at: directory) }
        let prompt = SignInPrompt(catalog: fixtures.catalog(language), store: store, author: "k.diarra", login: "k.diarra")
        Self.type("wrong-pin", into: prompt)
        #expect(Self.screen(prompt).contains("*********"))
        #expect(!Self.screen(prompt).contains("wrong"))
        #expect(prompt.handle(.enter) == nil)
        let expected = language == .en ? "Wrong PIN for k.diarra" : "Code erroné pour k.diarra"
        #expect(Self.screen(prompt).contains(expected), "\(Self.screen(prompt))")
        Self.type("kadi-pin", into: prompt)
        guard case .signedIn(let clearance)? = prompt.handle(.enter) else { Issue.record("not signed in"); return }
        #expect(clearance.login == "k.diarra")
    }

    @Test func thePickerListsTheActiveUsersOnly() throws {
        let fixtures = try Fixtures.get()
        let (directory, store) = try Self.office()
        defer { try? FileManager.default.removeItem(at: directory) }
        let prompt = SignInPrompt(catalog: fixtures.english, store: store, author: "root")
        _ = prompt.handle(.down)
        let shown = Self.screen(prompt)
        // The names in one column, whatever the length of the logins.
        #expect(shown.contains("admin     Awa Admin") && shown.contains("k.diarra  Kadiatou Diarra"), "\(shown)")
        #expect(!shown.contains("x.gone"))
        _ = prompt.handle(.down)
        _ = prompt.handle(.enter)
        #expect(Self.screen(prompt).contains("Login  k.diarra"), "\(Self.screen(prompt))")
    }

    @Test func theFirstStartCreatesTheAdministrator() throws {
        let fixtures = try Fixtures.get()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("retour-first-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try Store(directory: directory)
        let prompt = SignInPrompt(catalog: fixtures.french, store: store, author: "root")
        #expect(Self.screen(prompt).contains("Premier démarrage"))
        Self.type("a.admin", into: prompt)
        _ = prompt.handle(.tab)
        Self.type("Awa Traoré", into: prompt)
        _ = prompt.handle(.tab)
        Self.type("12345", into: prompt)
        _ = prompt.handle(.tab)
        Self.type("12345", into: prompt)
        #expect(prompt.handle(.enter) == nil)
        #expect(Self.screen(prompt).contains("au moins 6 caractères"))
        #expect(store.book.users.isEmpty, "nothing written")
        Self.type("123456", into: prompt)
        _ = prompt.handle(.tab)
        Self.type("123456", into: prompt)
        guard case .signedIn(let clearance)? = prompt.handle(.enter) else { Issue.record("not created"); return }
        #expect(clearance.role == .administrator && clearance.login == "a.admin")
        #expect(store.book.users["a.admin"]?.name == "Awa Traoré")
    }

    /// After the idle time the screen locks: nothing of any case shows, the form being filled
    /// is kept, the same user's PIN opens it again, and F10 signs out (twice when a form holds
    /// typed text).
    @Test func theScreenLocksAfterTheIdleTimeAndKeepsTheForm() throws {
        let fixtures = try Fixtures.get()
        let (directory, store) = try Self.office()
        defer { try? FileManager.default.removeItem(at: directory) }
        let clearance = try SignIn.attempt(login: "k.diarra", pin: "kadi-pin", store: store)
        final class Clock { var now = Date() }
        let clock = Clock()
        let app = CaseManagerApp(session: Session(dataDirectory: directory, author: "k.diarra", catalog: fixtures.english,
                                                  reference: fixtures.reference),
                                 store: store, clearance: clearance, today: testToday, lockAfter: 60, now: { clock.now })
        let terminal = MemoryTerminal(width: 80, height: 24)
        app.runUntilIdle(on: terminal)
        #expect(terminal.rows[0].contains("Kadiatou Diarra"), "who is signed in")
        #expect(terminal.text.contains("Cases (1)"), "only her case: \(terminal.text)")
        #expect(terminal.text.contains("q/F10 Sign out"))
        terminal.type("n")
        terminal.type("Coulibaly")
        app.runUntilIdle(on: terminal)
        clock.now += 61
        #expect(app.lockIfIdle())
        terminal.present(app.render(size: terminal.size))
        #expect(!terminal.text.contains("Coulibaly") && !terminal.text.contains("GAO-0000"), "\(terminal.text)")
        #expect(terminal.text.contains("Locked"))
        terminal.type("wrong-pin")
        terminal.send(.enter)
        app.runUntilIdle(on: terminal)
        #expect(terminal.text.contains("Wrong PIN"))
        terminal.type("kadi-pin")
        terminal.send(.enter)
        app.runUntilIdle(on: terminal)
        #expect(app.lock == nil)
        #expect(terminal.text.contains("Coulibaly"), "the form is kept: \(terminal.text)")
        clock.now += 120
        #expect(app.lockIfIdle())
        terminal.send(.function(10))
        app.runUntilIdle(on: terminal)
        #expect(app.isRunning, "asked first: a form holds typed text")
        #expect(terminal.text.contains("F10 again"))
        terminal.send(.function(10))
        app.runUntilIdle(on: terminal)
        #expect(!app.isRunning && app.signedOut)
    }
}

@Suite("The history screen")
struct AuditScreenTests {
    @Test func supervisorsAndAdministratorsReadTheHistoryCaseWorkersDoNot() throws {
        let fixtures = try Fixtures.get()
        let (directory, store) = try SignInScreenTests.office()
        defer { try? FileManager.default.removeItem(at: directory) }
        let session = Session(dataDirectory: directory, author: "x", catalog: fixtures.english, reference: fixtures.reference)
        let worker = try SignIn.attempt(login: "k.diarra", pin: "kadi-pin", store: store)
        let asWorker = CaseManagerApp(session: session, store: store, clearance: worker, today: testToday)
        let terminal = MemoryTerminal(width: 80, height: 24)
        terminal.type("h")
        asWorker.runUntilIdle(on: terminal)
        #expect(terminal.text.contains("Only supervisors"), "\(terminal.text)")
        #expect(!terminal.text.contains("History ("))

        let admin = try SignIn.attempt(login: "admin", pin: "admin-pin", store: store)
        let asAdmin = CaseManagerApp(session: session, store: store, clearance: admin, today: testToday)
        let screen = MemoryTerminal(width: 80, height: 24)
        screen.type("h")
        asAdmin.runUntilIdle(on: screen)
        #expect(screen.rows[0].contains("History ("), "\(screen.text)")
        #expect(screen.text.contains("sign-in") && screen.text.contains("k.diarra"), "\(screen.text)")
        // Changes are named in words, never by their code.
        #expect(screen.text.contains("user added") && !screen.text.contains("addUser"), "\(screen.text)")
        // Filtered by kind: only the failed sign-ins (none yet).
        screen.type("f")
        asAdmin.runUntilIdle(on: screen)
        #expect(screen.text.contains("Filter the history"))
    }
}

@Suite("A case worker is not offered closing")
struct CaseWorkerClosingTests {
    @Test func closingIsNeitherOfferedNorOpenedForACaseWorker() throws {
        let fixtures = try Fixtures.get()
        let (directory, store) = try SignInScreenTests.office()
        defer { try? FileManager.default.removeItem(at: directory) }
        let worker = try SignIn.attempt(login: "k.diarra", pin: "kadi-pin", store: store)
        let id = try #require(store.book.find(numberOf: "GAO-000001"))
        try store.commit(.requestClosure(id: id, reason: "Plan terminé"), as: worker)
        let session = Session(dataDirectory: directory, author: "k.diarra", catalog: fixtures.english, reference: fixtures.reference)
        let app = CaseManagerApp(session: session, store: store, clearance: worker, today: testToday)
        let terminal = MemoryTerminal(width: 80, height: 24)
        terminal.send(.enter)
        app.runUntilIdle(on: terminal)
        #expect(terminal.rows[0].contains("GAO-000001"), "\(terminal.text)")
        #expect(!terminal.rows[23].contains("Close"), "\(terminal.rows[23])")
        terminal.type("c")
        app.runUntilIdle(on: terminal)
        #expect(terminal.text.contains("Only a supervisor or an administrator closes or reopens"), "\(terminal.text)")
        #expect(!terminal.text.contains("Reason"), "no form opened")

        let admin = try SignIn.attempt(login: "admin", pin: "admin-pin", store: store)
        let asAdmin = CaseManagerApp(session: session, store: store, clearance: admin, today: testToday)
        let screen = MemoryTerminal(width: 80, height: 24)
        screen.send(.enter)
        asAdmin.runUntilIdle(on: screen)
        #expect(screen.rows[23].contains("Close"), "\(screen.rows[23])")
    }
}
