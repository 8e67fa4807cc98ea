import Foundation
import Testing
@testable import RetourCore

/// A case worker's closure request waits for a supervisor of their team, who approves it (the
/// case closes with the reason requested) or returns it with a comment.
@Suite("Supervision: closure approval")
struct ClosureApprovalTests {
    typealias F = CSVFixtures

    /// Case A (the Gao worker's), its closure requested by them.
    private func requested(_ root: URL) throws -> (Office, UUID) {
        let office = try Office(root.appendingPathComponent("data"))
        let id = try office.id("A")
        try office.store.commit(.requestClosure(id: id, reason: "Installé durablement.", code: "durable_solution"),
                                as: try office.clearance("w.gao"))
        return (office, id)
    }

    @Test func approvingClosesWithTheRequestedReason() throws {
        try F.withDirectory { root in
            let (office, id) = try requested(root)
            let before = try #require(office.store.book[id])
            #expect(before.status == .closureRequested)
            #expect(before.closureRequestedBy == "w.gao")
            #expect(office.store.book.digest(id)?.closureRequestedBy == "w.gao")
            try office.store.commit(.approveClosure(id: id, expectedVersion: before.version, comment: "Vu en visite."),
                                    as: try office.clearance("s.gao"))
            let after = try #require(office.store.book[id])
            #expect(after.status == .closed)
            #expect(after.closure?.reason == "durable_solution")
            #expect(after.closure?.note == "Vu en visite.")
            let event = try #require(after.timeline.last)
            #expect(event.kind == "timeline.closureApproved")
            #expect(event.by == "s.gao")
            #expect(event.details["comment"] == "Vu en visite.")
            #expect(office.store.book.digest(id)?.lastClosureDecision?.isApproval == true)
            #expect(office.store.book.digest(id)?.closureRequestedBy == "")
            // The decision is in the history, with who made it.
            let entry = try #require(office.store.history.latest { if case .change = $0.event { return true } else { return false } })
            guard case .change(let journaled) = entry.event, case .approveClosure = journaled.change else {
                Issue.record("the approval is not the history's latest change")
                return
            }
            #expect(journaled.by == "s.gao")
        }
    }

    @Test func returningPutsTheCaseBackToWorkWithTheComment() throws {
        try F.withDirectory { root in
            let (office, id) = try requested(root)
            let version = try #require(office.store.book[id]).version
            let supervisor = try office.clearance("s.gao")
            #expect(throws: ChangeError.missingText(number: office.numbers["A"]!)) {
                try office.store.commit(.returnClosure(id: id, expectedVersion: version, comment: "  "), as: supervisor)
            }
            try office.store.commit(.returnClosure(id: id, expectedVersion: version, comment: "Faire la visite de suivi."),
                                    as: supervisor)
            let after = try #require(office.store.book[id])
            #expect(after.status == .registered, "no plan: back to registered")
            #expect(after.closureRequest == nil && after.closureRequestedBy == nil)
            #expect(after.closureReturn?.comment == "Faire la visite de suivi.")
            #expect(after.closureReturn?.by == "s.gao")
            #expect(after.timeline.last?.kind == "timeline.closureReturned")
            // A new request clears the returned comment.
            try office.store.commit(.requestClosure(id: id, reason: "Visite faite.", code: "durable_solution"),
                                    as: try office.clearance("w.gao"))
            #expect(office.store.book[id]?.closureReturn == nil)
        }
    }

    @Test func aCaseWorkerDecidesNothing() throws {
        try F.withDirectory { root in
            let (office, id) = try requested(root)
            let version = try #require(office.store.book[id]).version
            let worker = try office.clearance("w.gao")
            for change in [Change.approveClosure(id: id, expectedVersion: version, comment: ""),
                           .returnClosure(id: id, expectedVersion: version, comment: "Non.")] {
                #expect(throws: ChangeError.forbidden(.closeOrReopen, number: office.numbers["A"]!)) {
                    try office.store.commit(change, as: worker)
                }
            }
            #expect(office.store.book[id]?.status == .closureRequested)
        }
    }

    @Test func approvingOnesOwnRequestNeedsTheAdministratorRole() throws {
        try F.withDirectory { root in
            let office = try Office(root.appendingPathComponent("data"))
            let id = try office.id("A")
            let supervisor = try office.clearance("s.gao")
            try office.store.commit(.requestClosure(id: id, reason: "Parti.", code: "moved_away"), as: supervisor)
            let version = try #require(office.store.book[id]).version
            #expect(throws: ChangeError.forbidden(.approveOwnRequest, number: office.numbers["A"]!)) {
                try office.store.commit(.approveClosure(id: id, expectedVersion: version, comment: ""), as: supervisor)
            }
            // Nor by closing it directly.
            #expect(throws: ChangeError.forbidden(.approveOwnRequest, number: office.numbers["A"]!)) {
                try office.store.commit(.close(id: id, closure: Closure(reason: "moved_away", note: "", confirmedOpenItems: true)),
                                        as: supervisor)
            }
            // Returning one's own request is allowed: it changes nothing for the person.
            let admin = try office.clearance("admin")
            try office.store.commit(.requestClosure(id: try office.id("E"), reason: "Décédé.", code: "deceased"), as: admin)
            let e = try office.id("E")
            try office.store.commit(.approveClosure(id: e, expectedVersion: try #require(office.store.book[e]).version, comment: ""),
                                    as: admin)
            #expect(office.store.book[e]?.status == .closed)
            #expect(office.store.book[e]?.closure?.reason == "deceased")
        }
    }

    @Test func approvingACaseChangedMeanwhileIsRefused() throws {
        try F.withDirectory { root in
            let (office, id) = try requested(root)
            let seen = try #require(office.store.book[id]).version
            // The worker adds a note after the supervisor opened the queue.
            try office.store.commit(.addNote(id: id, note: Note(id: UUID(), text: "Nouvelle adresse.", by: "w.gao", at: Date())),
                                    as: try office.clearance("w.gao"))
            let supervisor = try office.clearance("s.gao")
            #expect(throws: ChangeError.staleVersion(number: office.numbers["A"]!)) {
                try office.store.commit(.approveClosure(id: id, expectedVersion: seen, comment: ""), as: supervisor)
            }
            #expect(throws: ChangeError.staleVersion(number: office.numbers["A"]!)) {
                try office.store.commit(.returnClosure(id: id, expectedVersion: seen, comment: "Non."), as: supervisor)
            }
            #expect(office.store.book[id]?.status == .closureRequested)
        }
    }

    @Test func aSupervisorOfAnotherTeamCannotDecide() throws {
        try F.withDirectory { root in
            let office = try Office(root.appendingPathComponent("data"))
            let id = try office.id("B")
            try office.store.commit(.requestClosure(id: id, reason: "Parti.", code: "moved_away"), as: try office.clearance("w.tbk"))
            let version = try #require(office.store.book[id]).version
            #expect(throws: ChangeError.forbidden(.outsideCaseload, number: office.numbers["B"]!)) {
                try office.store.commit(.approveClosure(id: id, expectedVersion: version, comment: ""), as: try office.clearance("s.gao"))
            }
        }
    }

    @Test func aMegabyteOfCommentOrReasonIsRefusedAndNothingWritten() throws {
        try F.withDirectory { root in
            let (office, id) = try requested(root)
            let version = try #require(office.store.book[id]).version
            let huge = String(repeating: "a", count: 1_000_000)
            let supervisor = try office.clearance("s.gao")
            let before = office.store.book.seq
            let tooLong = ChangeError.textTooLong(number: office.numbers["A"]!, maximum: Plan.maximumReasonLength)
            #expect(throws: tooLong) { try office.store.commit(.returnClosure(id: id, expectedVersion: version, comment: huge), as: supervisor) }
            #expect(throws: tooLong) { try office.store.commit(.approveClosure(id: id, expectedVersion: version, comment: huge), as: supervisor) }
            let b = try office.id("C")
            #expect(throws: ChangeError.textTooLong(number: office.numbers["C"]!, maximum: Plan.maximumReasonLength)) {
                try office.store.commit(.requestClosure(id: b, reason: huge, code: "moved_away"), as: try office.clearance("w.gao"))
            }
            #expect(office.store.book.seq == before, "nothing written")
        }
    }

    @Test func aRequestMadeBeforeReasonsWereAskedClosesAsOther() throws {
        try F.withDirectory { root in
            let office = try Office(root.appendingPathComponent("data"))
            let id = try office.id("A")
            try office.store.commit(.requestClosure(id: id, reason: "Ancienne demande."), as: try office.clearance("w.gao"))
            try office.store.commit(.approveClosure(id: id, expectedVersion: try #require(office.store.book[id]).version, comment: ""),
                                    as: try office.clearance("s.gao"))
            #expect(office.store.book[id]?.closure?.reason == Closure.unspecifiedReason)
        }
    }
}
