import Foundation
import Testing
@testable import RetourCore

/// A change made on a version of a case that someone else changed since: refused when their
/// change touches the same thing (`CaseBook.clash`), let through otherwise.
@Suite("Conflicts between changes made on the same version")
struct ConflictTests {
    /// The followed case with two household members, and its version then.
    static func book() throws -> (book: FollowUpBook, id: UUID, version: Int) {
        var (book, id, _) = try FollowUpBook.followed()
        for name in ["Aminata", "Ali"] {
            try book.apply(.saveMember(id: id, member: HouseholdMember(id: UUID(), givenNames: name, sex: .female,
                                                                     relationship: .child)))
        }
        return (book, id, book[id].version)
    }

    /// Applies `theirs` (by moussa), then `mine` (by awa) made on the version before theirs:
    /// the error it is refused with, or nil when it goes through.
    static func outcome(_ theirs: (Case) -> Change, _ mine: (Case) -> Change) throws -> ChangeError? {
        var (book, id, version) = try Self.book()
        let before = book[id]
        try book.apply(theirs(before), by: "moussa")
        let entry = JournalEntry(seq: book.book.seq + 1, by: "awa", at: book.clock + 60, change: mine(before),
                                 expectedVersion: version)
        do {
            try book.book.apply(entry, as: .anyone("awa"))
            return nil
        } catch let error as ChangeError {
            return error
        }
    }

    static func step(_ item: Case, _ code: String, _ status: StepStatus) -> Change {
        let plan = item.plans[0]
        var step = plan.steps.first { $0.code == code }!
        step.status = status
        if status == .blocked { step.blockedReason = "Pluies" }
        return .updateStep(id: item.id, plan: plan.id, step: step)
    }

    static func referral(_ item: Case, _ index: Int, outcome: String) -> Change {
        var referral = item.referrals[index]
        referral.outcome = outcome
        return .saveReferral(id: item.id, referral: referral)
    }

    static func member(_ item: Case, _ index: Int, note: String) -> Change {
        var member = item.members[index]
        member.note = note
        return .saveMember(id: item.id, member: member)
    }

    static func note(_ item: Case) -> Change {
        .addNote(id: item.id, note: Note(id: UUID(), text: "Appel.", by: "x", at: Date(timeIntervalSince1970: 1_460_000_000)))
    }

    static let conflict = ChangeError.conflict(number: "GAO-000001", by: "moussa")

    @Test func theSameStepConflictsAnotherDoesNot() throws {
        #expect(try Self.outcome({ Self.step($0, "training", .done) }, { Self.step($0, "training", .notApplicable) }) == Self.conflict)
        #expect(try Self.outcome({ Self.step($0, "training", .done) }, { Self.step($0, "profiling", .notApplicable) }) == nil)
        #expect(try Self.outcome({ .withdrawEnrolment(id: $0.id, plan: $0.plans[0].id, reason: "Erreur") },
                                 { Self.step($0, "profiling", .notApplicable) }) == Self.conflict)
    }

    @Test func theSameReferralConflictsAnotherOrANewOneDoesNot() throws {
        #expect(try Self.outcome({ Self.referral($0, 0, outcome: "Acte obtenu") }, { Self.referral($0, 0, outcome: "En attente") })
                == Self.conflict)
        #expect(try Self.outcome({ Self.referral($0, 0, outcome: "Acte obtenu") }, { Self.referral($0, 1, outcome: "Suivi") }) == nil)
        #expect(try Self.outcome({ Self.referral($0, 0, outcome: "Acte obtenu") }, { item in
            .saveReferral(id: item.id, referral: Referral(id: UUID(), service: "civil_registry", provider: "Mairie",
                                                          date: FollowUpBook.day("2016-04-01"), criterion: nil))
        }) == nil)
    }

    @Test func theSameMemberConflictsAnotherOrANewOneDoesNot() throws {
        #expect(try Self.outcome({ Self.member($0, 0, note: "À l'école") }, { Self.member($0, 0, note: "Malade") }) == Self.conflict)
        #expect(try Self.outcome({ Self.member($0, 0, note: "À l'école") }, { .removeMember(id: $0.id, member: $0.members[0].id) })
                == Self.conflict)
        #expect(try Self.outcome({ Self.member($0, 0, note: "À l'école") }, { Self.member($0, 1, note: "Malade") }) == nil)
        #expect(try Self.outcome({ Self.member($0, 0, note: "À l'école") }, { item in
            .saveMember(id: item.id, member: HouseholdMember(id: UUID(), givenNames: "Oumar", sex: .male, relationship: .child))
        }) == nil)
    }

    @Test func aStatusChangeConflictsWithAnotherNotWithANote() throws {
        #expect(try Self.outcome({ .requestClosure(id: $0.id, reason: "Fin", code: nil) },
                                 { .withdrawEnrolment(id: $0.id, plan: $0.plans[0].id, reason: "Erreur") }) == Self.conflict)
        #expect(try Self.outcome({ .withdrawEnrolment(id: $0.id, plan: $0.plans[0].id, reason: "Erreur") },
                                 { .requestClosure(id: $0.id, reason: "Fin", code: nil) }) == Self.conflict)
        #expect(try Self.outcome({ .requestClosure(id: $0.id, reason: "Fin", code: nil) }, { Self.note($0) }) == nil)
        #expect(try Self.outcome({ Self.note($0) }, { .requestClosure(id: $0.id, reason: "Fin", code: nil) }) == nil)
    }

    @Test func anAssignmentConflictsWithAnotherAndWithAProfileEdit() throws {
        #expect(try Self.outcome({ .assign(id: $0.id, to: "w.gao") }, { .assign(id: $0.id, to: "w.gao2") }) == Self.conflict)
        #expect(try Self.outcome({ Self.note($0) }, { .assign(id: $0.id, to: "w.gao2") }) == nil)
        // A profile edit carries the whole profile: after another profile change it is refused…
        #expect(try Self.outcome({ .assign(id: $0.id, to: "w.gao") }, { item in
            var profile = item.profile
            profile.phone = "76 00 00 01"
            return .editProfile(id: item.id, expectedVersion: item.version, profile: profile)
        }) == .staleVersion(number: "GAO-000001"))
        // …after a note or a step, it goes through (before several writers it was refused).
        #expect(try Self.outcome({ Self.step($0, "training", .done) }, { item in
            var profile = item.profile
            profile.phone = "76 00 00 01"
            return .editProfile(id: item.id, expectedVersion: item.version, profile: profile)
        }) == nil)
    }

    @Test func changesThatCannotConflictGoThrough() throws {
        let theirs: [(Case) -> Change] = [{ Self.step($0, "training", .done) }, { Self.note($0) },
                                          { .assign(id: $0.id, to: "w.gao") }, { Self.referral($0, 0, outcome: "Fait") }]
        for change in theirs {
            #expect(try Self.outcome(change, { Self.note($0) }) == nil)
            #expect(try Self.outcome(change, { item in
                .assess(id: item.id, assessment: Assessment(id: UUID(), date: FollowUpBook.day("2016-04-01"), assessor: "awa",
                                                           ratings: ["safety": Rating(access: .full)]))
            }) == nil)
        }
    }

    /// Two sessions on one directory: the second's change to the step the first changed is
    /// refused under the lock, and nothing of it is written.
    @Test func twoStoresTheSameStep() throws {
        try withTemporaryDirectory { root in
            let (followUp, id, _) = try FollowUpBook.followed()
            let setup = try Store(directory: root)
            for entry in followUp.entries { try setup.commit(entry.change, as: .anyone(entry.by), at: entry.at) }
            try setup.close()
            let first = try Store(directory: root, user: "moussa")
            let second = try Store(directory: root, user: "awa")
            let seen = try #require(try second.book.read(id))
            try first.commit(Self.step(try #require(try first.book.read(id)), "training", .done), as: .anyone("moussa"),
                             on: seen.version)
            let journal = try bytes(fileURL(root, Store.Files.journal))
            #expect(throws: Self.conflict) {
                try second.commit(Self.step(seen, "training", .notApplicable), as: .anyone("awa"), on: seen.version)
            }
            #expect(try bytes(fileURL(root, Store.Files.journal)) == journal)
            // What the refused session shows is now the other's change.
            #expect(try second.book.read(id)?.plans[0].steps.first { $0.code == "training" }?.status == .done)
            try second.commit(Self.step(seen, "profiling", .notApplicable), as: .anyone("awa"), on: seen.version)
        }
    }
}
