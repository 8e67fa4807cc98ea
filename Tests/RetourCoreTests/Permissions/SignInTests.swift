import Foundation
import Testing
@testable import RetourCore
import RetourTestSupport

@Suite("Permissions: signing in")
struct SignInTests {
    typealias F = CSVFixtures

    @Test func aWrongPINIsRefusedAndRecordedWithoutThePIN() throws {
        try F.withDirectory { root in
            let office = try Office(root.appendingPathComponent("data"))
            #expect(throws: SignIn.Refusal.wrongPIN(login: "w.gao", attemptsLeft: 4)) {
                try SignIn.attempt(login: "w.gao", pin: "not-the-pin", store: office.store)
            }
            #expect(throws: SignIn.Refusal.unknownUser(login: "nobody")) {
                try SignIn.attempt(login: "nobody", pin: "whatever1", store: office.store)
            }
            let kinds = try office.store.history.recent(since: .distantPast).map(\.event.kind)
            #expect(kinds.suffix(2) == ["signInFailed", "signInFailed"])
        }
    }

    /// Several people may open the directory under one system account: once signed in, a
    /// session is named to the others by its user's login, not by that account.
    @Test func otherSessionsAreToldWhoSignedIn() throws {
        try F.withDirectory { root in
            let directory = root.appendingPathComponent("data")
            let office = try Office(directory)
            let other = try Store(directory: directory, user: "office-account")
            #expect(try office.store.othersInside().map { $0.hasPrefix("office-account (") } == [true])
            _ = try SignIn.attempt(login: "w.gao", pin: Office.pins["w.gao"]!, store: other)
            let inside = try office.store.othersInside()
            #expect(inside.map { $0.hasPrefix("w.gao (") } == [true], "\(inside)")
            // A wrong PIN changes nothing.
            _ = try? SignIn.attempt(login: "s.gao", pin: "not-the-pin", store: other)
            #expect(try office.store.othersInside().map { $0.hasPrefix("w.gao (") } == [true])
            try other.close()
            #expect(try office.store.othersInside().isEmpty)
        }
    }

    /// A PIN typed into the login field (a user picked, then Tab back to the login) names no
    /// user: the failure is kept without what was typed, which the history could never lose.
    @Test func anUnknownLoginIsRecordedWithoutWhatWasTyped() throws {
        try F.withDirectory { root in
            let office = try Office(root.appendingPathComponent("data"))
            #expect(throws: SignIn.Refusal.unknownUser(login: "w.gao654321")) {
                try SignIn.attempt(login: "w.gao654321", pin: "", store: office.store)
            }
            let last = try #require(try office.store.history.recent(since: .distantPast).last)
            #expect(last.event == .signInFailed(login: HistoryEvent.unknownLogin))
            #expect(last.by == HistoryEvent.unknownLogin)
            let file = try String(contentsOf: root.appendingPathComponent("data/history.jsonl"), encoding: .utf8)
            #expect(!file.contains("654321"))
        }
    }

    /// Five wrong PINs in a row lock the login for five minutes, the right PIN included, also
    /// for a new session (the lock is read from the history); it ends by itself, or when an
    /// administrator lifts it.
    @Test func fiveWrongPINsLockTheLoginForFiveMinutes() throws {
        try F.withDirectory { root in
            let directory = root.appendingPathComponent("data")
            let office = try Office(directory)
            let start = Date()
            for attempt in 1...4 {
                #expect(throws: SignIn.Refusal.wrongPIN(login: "w.gao", attemptsLeft: 5 - attempt)) {
                    try SignIn.attempt(login: "w.gao", pin: "wrong-\(attempt)", store: office.store, now: start + Double(attempt))
                }
            }
            let fifth = #expect(throws: SignIn.Refusal.self) {
                try SignIn.attempt(login: "w.gao", pin: "wrong-5", store: office.store, now: start + 5)
            }
            guard case .locked(let login, let until)? = fifth else { Issue.record("not locked: \(String(describing: fifth))"); return }
            #expect(login == "w.gao" && abs(until.timeIntervalSince(start + 5 + SignIn.lockoutDuration)) < 1)
            #expect(throws: SignIn.Refusal.self) {
                try SignIn.attempt(login: "w.gao", pin: Office.pins["w.gao"]!, store: office.store, now: start + 60)
            }
            try office.store.close()
            // Another session, before the end of the five minutes: still locked.
            let again = try Store(directory: directory)
            #expect(try SignIn.isLocked("w.gao", store: again, now: start + 240))
            #expect(throws: SignIn.Refusal.self) {
                try SignIn.attempt(login: "w.gao", pin: Office.pins["w.gao"]!, store: again, now: start + 240)
            }
            // Other logins are not locked.
            _ = try SignIn.attempt(login: "w.tbk", pin: Office.pins["w.tbk"]!, store: again, now: start + 241)
            // Five minutes after the fifth: the right PIN opens.
            let clearance = try SignIn.attempt(login: "w.gao", pin: Office.pins["w.gao"]!, store: again, now: start + 5 + SignIn.lockoutDuration + 1)
            #expect(clearance.login == "w.gao")
        }
    }

    @Test func anAdministratorLiftsALockout() throws {
        try F.withDirectory { root in
            let office = try Office(root.appendingPathComponent("data"))
            let now = Date()
            for attempt in 1...5 {
                _ = try? SignIn.attempt(login: "w.tbk", pin: "wrong-\(attempt)", store: office.store, now: now)
            }
            #expect(try SignIn.isLocked("w.tbk", store: office.store, now: now))
            #expect(throws: ChangeError.forbidden(.manageUsers)) {
                try SignIn.unlock("w.tbk", by: try office.clearance("s.gao"), store: office.store, now: now)
            }
            try SignIn.unlock("w.tbk", by: try office.clearance("admin"), store: office.store, now: now)
            #expect(try !SignIn.isLocked("w.tbk", store: office.store, now: now))
            _ = try SignIn.attempt(login: "w.tbk", pin: Office.pins["w.tbk"]!, store: office.store, now: now)
        }
    }

    /// PINs are kept only as salted slow hashes: no file of the directory holds one in clear,
    /// nor its login next to it in a way that gives it away.
    @Test func noPINInAnyFileInClear() throws {
        try F.withDirectory { root in
            let directory = root.appendingPathComponent("data")
            let office = try Office(directory)
            _ = try? SignIn.attempt(login: "w.gao", pin: "typed-wrong", store: office.store)
            try office.store.close()
            let files = try FileManager.default.subpathsOfDirectory(atPath: directory.path)
            for file in files {
                let bytes = (try? Data(contentsOf: directory.appendingPathComponent(file))).map(Array.init) ?? []
                for pin in Array(Office.pins.values) + ["typed-wrong"] {
                    #expect(!ReadableName.appears(pin, in: bytes), "\(pin) readable in \(file)")
                }
            }
            #expect(files.contains(HistoryFile.fileName))
        }
    }

    @Test func aPINHashMatchesItsPINOnly() throws {
        let hash = try PINHash.make("123456", parameters: Office.quickHash)
        #expect(hash.matches("123456"))
        #expect(!hash.matches("123457"))
        #expect(!hash.matches(""))
        #expect(try PINHash.make("123456", parameters: Office.quickHash) != hash, "salted")
        #expect(throws: PIN.Problem.tooShort) { try PIN.validate("12345") }
        #expect(throws: PIN.Problem.tooShort) { try PIN.validate("      ") }
        try PIN.validate("123456")
    }
}

@Suite("Permissions: hostile input in users and sign-in")
struct HostileUserInputTests {
    typealias F = CSVFixtures

    @Test func hostileNamesAndLoginsAreRefusedInOneBoundedLineAndNothingIsRecorded() throws {
        try F.withDirectory { root in
            let office = try Office(root.appendingPathComponent("data"))
            let admin = try office.clearance("admin")
            var user = User(login: "w.new", name: "W", role: .caseWorker, teams: ["gao"], pin: try PINHash.make("new-pin-1", parameters: Office.quickHash))
            user.name = "Evil\u{1B}[2J"
            #expect(throws: ChangeError.invalidUser(.controlCharacter, login: "w.new")) { try office.store.commit(.addUser(user), as: admin) }
            user.name = String(repeating: "a", count: 1_000_000)
            #expect(throws: ChangeError.invalidUser(.nameTooLong, login: "w.new")) { try office.store.commit(.addUser(user), as: admin) }
            #expect(office.store.book.users["w.new"] == nil)
            let before = try office.store.history.head()
            let huge = String(repeating: "b", count: 1_000_000)
            #expect(throws: SignIn.Refusal.unknownUser(login: String(huge.prefix(32)))) {
                try SignIn.attempt(login: huge, pin: "whatever1", store: office.store)
            }
            #expect(throws: SignIn.Refusal.unknownUser(login: "a\u{1B}[2J")) {
                try SignIn.attempt(login: "a\u{1B}[2J", pin: "whatever1", store: office.store)
            }
            #expect(try office.store.history.head() == before, "nothing recorded")
            #expect(throws: PIN.Problem.tooLong) { try PIN.validate(String(repeating: "9", count: 1_000_000)) }
        }
    }
}
