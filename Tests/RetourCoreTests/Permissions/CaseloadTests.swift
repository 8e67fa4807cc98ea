import Foundation
import Testing
@testable import RetourCore

/// Who sees and changes what, decided once in RetourCore: every screen and command reads
/// through `CaseReader` and changes through `CaseBook.check`, so these cases cover them all.
@Suite("Permissions: each person's caseload")
struct CaseloadTests {
    typealias F = CSVFixtures

    /// Who reads which cases (A…F, see `Office`).
    static let caseloads: [(login: String, cases: [String])] = [
        ("admin", ["A", "B", "C", "D", "E", "F"]),
        ("w.gao", ["A", "C", "D", "F"]),  // assigned (D by a name typed before users existed), registered
        ("w.tbk", ["B", "F"]),
        ("s.gao", ["A", "C", "D"]),       // the cases of the Gao team's workers
    ]

    @Test(arguments: caseloads)
    func eachPersonReadsTheirCaseloadOnly(login: String, cases: [String]) throws {
        try F.withDirectory { root in
            let office = try Office(root.appendingPathComponent("data"))
            let clearance = try office.clearance(login)
            #expect(office.visible(to: clearance) == cases)
            let reader = office.store.reader(for: clearance)
            for name in ["A", "B", "C", "D", "E", "F"] {
                let id = try office.id(name)
                if cases.contains(name) {
                    #expect(try reader.read(id)?.number == office.numbers[name])
                } else {
                    #expect(throws: ChangeError.forbidden(.outsideCaseload, number: office.numbers[name]!)) { try reader.read(id) }
                    #expect(reader.digest(id) == nil)
                }
            }
            #expect(try reader.allCases().count == cases.count)
        }
    }

    @Test(arguments: caseloads)
    func eachPersonChangesTheirCaseloadOnly(login: String, cases: [String]) throws {
        try F.withDirectory { root in
            let office = try Office(root.appendingPathComponent("data"))
            let clearance = try office.clearance(login)
            for name in ["A", "B", "C", "D", "E", "F"] {
                let note = Note(id: UUID(), text: "Visite.", by: login, at: Date())
                let change = Change.addNote(id: try office.id(name), note: note)
                let before = office.store.book.seq
                if cases.contains(name) {
                    try office.store.commit(change, as: clearance)
                    #expect(office.store.book.seq == before + 1)
                } else {
                    #expect(throws: ChangeError.forbidden(.outsideCaseload, number: office.numbers[name]!)) {
                        try office.store.commit(change, as: clearance)
                    }
                    #expect(office.store.book.seq == before, "nothing written")
                }
            }
        }
    }

    @Test func caseWorkersRequestClosureSupervisorsCloseAndReopen() throws {
        try F.withDirectory { root in
            let office = try Office(root.appendingPathComponent("data"))
            let worker = try office.clearance("w.gao"), supervisor = try office.clearance("s.gao")
            let a = try office.id("A")
            try office.store.commit(.requestClosure(id: a, reason: "Plan terminé"), as: worker)
            let closure = Closure(reason: "durable_solution", note: "", confirmedOpenItems: true)
            #expect(throws: ChangeError.forbidden(.closeOrReopen, number: office.numbers["A"]!)) {
                try office.store.commit(.close(id: a, closure: closure), as: worker)
            }
            try office.store.commit(.close(id: a, closure: closure), as: supervisor)
            #expect(throws: ChangeError.forbidden(.closeOrReopen, number: office.numbers["A"]!)) {
                try office.store.commit(.reopen(id: a, reason: "Nouveau besoin"), as: worker)
            }
            try office.store.commit(.reopen(id: a, reason: "Nouveau besoin"), as: supervisor)
        }
    }

    /// `assigned_to` changed by each role: a case worker never, a supervisor within the team,
    /// an administrator to anyone.
    @Test(arguments: [("w.gao", "s.gao", false), ("s.gao", "w.gone", true), ("s.gao", "w.tbk", false), ("admin", "w.tbk", true)])
    func reassigning(login: String, to other: String, allowed: Bool) throws {
        try F.withDirectory { root in
            let office = try Office(root.appendingPathComponent("data"))
            let clearance = try office.clearance(login)
            let item = try #require(office.store.book[try office.id("A")])
            var profile = item.profile
            profile.assignedTo = other
            let change = Change.editProfile(id: item.id, expectedVersion: item.version, profile: profile)
            if allowed {
                try office.store.commit(change, as: clearance)
                #expect(office.store.book[item.id]?.profile.assignedTo == other)
            } else {
                #expect(throws: ChangeError.forbidden(.assignOutsideCaseload, number: item.number)) {
                    try office.store.commit(change, as: clearance)
                }
            }
        }
    }

    @Test func aCaseWorkerRegistersIntoTheirOwnCaseloadOnly() throws {
        try F.withDirectory { root in
            let office = try Office(root.appendingPathComponent("data"))
            let worker = try office.clearance("w.gao")
            var profile = F.profile("Nouvelle", "Personne")
            profile.assignedTo = "w.tbk"
            let number = office.store.book.nextNumber(prefix: "GAO")
            #expect(throws: ChangeError.forbidden(.assignOutsideCaseload, number: number)) {
                try office.store.commit(.register(id: UUID(), number: number, profile: profile), as: worker)
            }
            profile.assignedTo = "w.gao"
            try office.store.commit(.register(id: UUID(), number: number, profile: profile), as: worker)
        }
    }

    @Test func onlyAdministratorsManageUsers() throws {
        try F.withDirectory { root in
            let office = try Office(root.appendingPathComponent("data"))
            for login in ["w.gao", "s.gao"] {
                #expect(throws: ChangeError.forbidden(.manageUsers)) {
                    try office.store.commit(.updateUser(login: "w.tbk", update: .role(.administrator)), as: try office.clearance(login))
                }
            }
            try office.store.commit(.updateUser(login: "w.tbk", update: .teams(["gao"])), as: try office.clearance("admin"))
            // Moved into the Gao team: the Gao supervisor now reads their cases.
            #expect(office.visible(to: try office.clearance("s.gao")) == ["A", "B", "C", "D", "F"])
            #expect(throws: ChangeError.invalidUser(.lastAdministrator, login: "admin")) {
                try office.store.commit(.updateUser(login: "admin", update: .disable), as: try office.clearance("admin"))
            }
        }
    }

    @Test func aDisabledUserReadsAndChangesNothingEvenSignedInBefore() throws {
        try F.withDirectory { root in
            let office = try Office(root.appendingPathComponent("data"))
            let stale = office.disabledBefore!
            #expect(office.visible(to: stale) == [])
            let note = Note(id: UUID(), text: "Visite.", by: "w.gone", at: Date())
            #expect(throws: ChangeError.forbidden(.disabled)) {
                try office.store.commit(.addNote(id: try office.id("A"), note: note), as: stale)
            }
            #expect(throws: SignIn.Refusal.disabled(login: "w.gone")) { try office.clearance("w.gone") }
            // Their cases stay, and show their name.
            #expect(office.store.book.users.displayName("w.gone") == "W.GONE")
        }
    }

    @Test func theFirstUserIsAnAdministratorAndTurnsSignInOn() throws {
        try F.withDirectory { root in
            let store = try Store(directory: root.appendingPathComponent("data"))
            let anyone = try Clearance.withoutUsers("awa", book: store.book)
            #expect(throws: ChangeError.forbidden(.firstUserNotAdministrator)) {
                try store.commit(.addUser(Office.user("w.gao", .caseWorker, [])), as: anyone)
            }
            try store.commit(.addUser(Office.user("admin", .administrator, [])), as: anyone)
            #expect(throws: ChangeError.forbidden(.signInRequired)) {
                try store.commit(.register(id: UUID(), number: "GAO-000001", profile: F.profile("A", "B")), as: anyone)
            }
            #expect(throws: ChangeError.forbidden(.signInRequired)) { try Clearance.withoutUsers("awa", book: store.book) }
            #expect(store.reader(for: anyone).digests.isEmpty)
        }
    }

    /// The duplicate check searches every case, but one outside the caseload is told by its
    /// number, region and worker only.
    @Test func aDuplicateOutsideTheCaseloadRevealsNoOne() throws {
        try F.withDirectory { root in
            let office = try Office(root.appendingPathComponent("data"))
            let reader = office.store.reader(for: try office.clearance("w.tbk"))
            let sameAsA = try #require(office.store.book[try office.id("A")]).profile
            let found = reader.possibleDuplicates(of: sameAsA)
            #expect(found.map(\.number) == [office.numbers["A"]!])
            #expect(found.first?.person == nil)
            #expect(found.first?.assignedTo == "w.gao")
            let own = office.store.reader(for: try office.clearance("w.gao")).possibleDuplicates(of: sameAsA)
            #expect(own.first?.person?.familyName == "NameA")
        }
    }

    @Test func confidentialVulnerabilitiesAndNotesAreWithheldOutsideTheCaseWorkerAndSupervisors() throws {
        try F.withDirectory { root in
            let office = try Office(root.appendingPathComponent("data"))
            let f = try office.id("F")
            let worker = try office.clearance("w.tbk")
            try office.store.commit(.addNote(id: f, note: Note(id: UUID(), text: "Récit de la survivante.", by: "w.tbk", at: Date(),
                                                               confidential: true)), as: worker)
            try office.store.commit(.addNote(id: f, note: Note(id: UUID(), text: "Visite.", by: "w.tbk", at: Date())), as: worker)
            for (login, sees) in [("w.tbk", true), ("admin", true), ("w.gao", false)] {
                let item = try #require(try office.store.reader(for: try office.clearance(login)).read(f))
                #expect(item.profile.vulnerabilities.contains("survivor_of_violence") == sees, "\(login)")
                #expect(item.profile.vulnerabilities.contains(Confidential.placeholder) == !sees, "\(login)")
                #expect(item.notes.map(\.text) == (sees ? ["Récit de la survivante.", "Visite."] : ["", "Visite."]), "\(login)")
                #expect(item.notes[0].isWithheld == !sees)
            }
            // Exported by the one who may not see it: the placeholder, never the text.
            let exported = try CSVExport.data(try office.store.reader(for: try office.clearance("w.gao")).allCases(), format: .csv,
                                              reference: F.reference, today: F.today, separator: ",", forTerminal: false)
            #expect(!String(decoding: exported, as: UTF8.self).contains("survivor_of_violence"))
            // Their edit of the profile keeps what they were not shown.
            let shown = try #require(try office.store.reader(for: try office.clearance("w.gao")).read(f))
            var profile = shown.profile
            profile.phone = "76 00 00 00"
            try office.store.commit(.editProfile(id: f, expectedVersion: shown.version, profile: profile), as: try office.clearance("w.gao"))
            #expect(office.store.book[f]?.profile.vulnerabilities.sorted() == ["single_parent", "survivor_of_violence"])
        }
    }
}
