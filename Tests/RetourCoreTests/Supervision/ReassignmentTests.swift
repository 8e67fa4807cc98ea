import Foundation
import Testing
@testable import RetourCore

/// A supervisor gives cases to another active case worker of the team: one change per case,
/// in the case's timeline and the history; the case is the new worker's at once.
@Suite("Supervision: reassignment")
struct ReassignmentTests {
    typealias F = CSVFixtures

    /// The Gao team with a second active case worker.
    private func office(_ root: URL) throws -> Office {
        let office = try Office(root.appendingPathComponent("data"))
        try office.store.commit(.addUser(Office.user("w.gao2", .caseWorker, ["gao"])), as: try office.clearance("admin"))
        return office
    }

    @Test func theCaseIsTheNewWorkersAtOnce() throws {
        try F.withDirectory { root in
            let office = try office(root)
            let id = try office.id("A")
            try office.store.commit(.assign(id: id, to: "w.gao2"), as: try office.clearance("s.gao"))
            let item = try #require(office.store.book[id])
            #expect(item.profile.assignedTo == "w.gao2")
            let event = try #require(item.timeline.last)
            #expect(event.kind == "timeline.assigned")
            #expect(event.details == ["from": "w.gao", "to": "w.gao2"])
            #expect(event.by == "s.gao")
            let newWorker = try office.clearance("w.gao2")
            #expect(office.store.reader(for: newWorker).digest(id) != nil)
            #expect(office.store.book.digest(id)?.lastAssignment?.by == "s.gao")
            let entry = try #require(office.store.history.latest { if case .change = $0.event { return true } else { return false } })
            guard case .change(let journaled) = entry.event else { return }
            #expect(journaled.change == .assign(id: id, to: "w.gao2"))
        }
    }

    @Test func aClosedCaseIsGivenToo() throws {
        try F.withDirectory { root in
            let office = try office(root)
            let id = try office.id("A")
            let admin = try office.clearance("admin")
            try office.store.commit(.requestClosure(id: id, reason: "Parti.", code: "moved_away"), as: try office.clearance("w.gao"))
            try office.store.commit(.approveClosure(id: id, expectedVersion: try #require(office.store.book[id]).version, comment: ""),
                                    as: admin)
            try office.store.commit(.assign(id: id, to: "w.gao2"), as: try office.clearance("s.gao"))
            #expect(office.store.book[id]?.status == .closed)
            #expect(office.store.book[id]?.profile.assignedTo == "w.gao2")
        }
    }

    @Test func onlyToAnActiveCaseWorkerInScope() throws {
        try F.withDirectory { root in
            let office = try office(root)
            let id = try office.id("A")
            let number = office.numbers["A"]!
            let supervisor = try office.clearance("s.gao")
            for login in ["w.tbk", "w.gone", "nobody", "admin"] {
                #expect(throws: ChangeError.forbidden(.assignOutsideCaseload, number: number), "\(login)") {
                    try office.store.commit(.assign(id: id, to: login), as: supervisor)
                }
            }
            #expect(throws: ChangeError.forbidden(.assignOutsideCaseload, number: number)) {
                try office.store.commit(.assign(id: id, to: "w.gao2"), as: try office.clearance("w.gao"))
            }
            #expect(throws: ChangeError.forbidden(.outsideCaseload, number: office.numbers["B"]!)) {
                try office.store.commit(.assign(id: try office.id("B"), to: "w.gao2"), as: supervisor)
            }
            #expect(office.store.book[id]?.profile.assignedTo == "w.gao")
            // An administrator gives a case to anyone active.
            try office.store.commit(.assign(id: id, to: "w.tbk"), as: try office.clearance("admin"))
            #expect(office.store.book[id]?.profile.assignedTo == "w.tbk")
        }
    }

    @Test func theNewWorkerIsToldAtTheirNextSignIn() throws {
        try F.withDirectory { root in
            let office = try office(root)
            _ = try office.clearance("w.gao2")
            let supervisor = try office.clearance("s.gao")
            for name in ["A", "C", "D"] {
                try office.store.commit(.assign(id: try office.id(name), to: "w.gao2"), as: supervisor)
            }
            // A closure of w.gao's approved, another returned.
            let admin = try office.clearance("admin")
            try office.store.commit(.assign(id: try office.id("E"), to: "w.gao"), as: admin)
            let e = try office.id("E")
            try office.store.commit(.requestClosure(id: e, reason: "Parti.", code: "moved_away"), as: try office.clearance("w.gao"))
            try office.store.commit(.returnClosure(id: e, expectedVersion: try #require(office.store.book[e]).version,
                                                   comment: "Appeler d'abord."), as: supervisor)

            let newWorker = try SignIn.attempt(login: "w.gao2", pin: Office.pins["w.gao2"]!, store: office.store, now: Date() + 2)
            let since = try SignIn.previousSignIn(of: "w.gao2", store: office.store)
            #expect(since != nil)
            let notices = SignInNotices(reader: office.store.reader(for: newWorker), since: since)
            #expect(notices.assigned == [.init(by: "s.gao", count: 3)])
            #expect(notices.returned.isEmpty)

            let worker = try office.clearance("w.gao")
            let theirs = SignInNotices(reader: office.store.reader(for: worker),
                                       since: try SignIn.previousSignIn(of: "w.gao", store: office.store))
            #expect(theirs.assigned == [.init(by: "admin", count: 1)])
            #expect(theirs.returned == [.init(number: office.numbers["E"]!, by: "s.gao", comment: "Appeler d'abord.")])

            // Signed in again later, nothing new.
            let again = try SignIn.attempt(login: "w.gao2", pin: Office.pins["w.gao2"]!, store: office.store, now: Date() + 4)
            #expect(SignInNotices(reader: office.store.reader(for: again),
                                  since: try SignIn.previousSignIn(of: "w.gao2", store: office.store)).isEmpty)
        }
    }
}
