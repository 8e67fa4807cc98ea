import Foundation
import Testing
@testable import RetourCore

/// The merge of two profile edits made on one version, the decision on a conflict journaled
/// (`Change.resolveConflict`), and the conflict rule for the kinds `ConflictTests` leaves out.
@Suite("Conflict decisions and merges")
struct ConflictDecisionTests {
    static func draft(_ values: [ProfileField: String]) -> ProfileDraft {
        var draft = ProfileDraft()
        draft[.familyName] = "Maïga"
        draft[.givenNames] = "Fatoumata"
        draft[.phone] = "76 00 00 00"
        draft[.village] = "Bara"
        for (field, value) in values { draft[field] = value }
        return draft
    }

    @Test("fields only one of two changed are merged; the same field changed to two values is a conflict")
    func profileMerge() {
        let base = Self.draft([:])
        // Mine: the phone; theirs: the village. A merge, not a conflict.
        let merged = ProfileMerge(base: base, mine: Self.draft([.phone: "76 11 11 11"]), theirs: Self.draft([.village: "Kadji"]))
        #expect(!merged.isConflict)
        #expect(merged.mine == [.phone])
        #expect(merged.keepingMine[.phone] == "76 11 11 11" && merged.keepingMine[.village] == "Kadji")
        #expect(merged.keepingTheirs == merged.keepingMine)
        // Both the phone, to different values, and mine the village too.
        let clash = ProfileMerge(base: base, mine: Self.draft([.phone: "76 11 11 11", .village: "Tacharane"]),
                                 theirs: Self.draft([.phone: "76 22 22 22"]))
        #expect(clash.conflicts == [.phone])
        #expect(clash.keepingMine[.phone] == "76 11 11 11" && clash.keepingMine[.village] == "Tacharane")
        #expect(clash.keepingTheirs[.phone] == "76 22 22 22" && clash.keepingTheirs[.village] == "Tacharane")
        // Both the same value: nothing to decide.
        #expect(!ProfileMerge(base: base, mine: Self.draft([.phone: "76 33"]), theirs: Self.draft([.phone: "76 33"])).isConflict)
        #expect(clash.addedByMe == [.village])
        // A field both changed to the same value is not one my save adds.
        let same = ProfileMerge(base: base, mine: Self.draft([.phone: "76 33", .village: "Kadji"]),
                                theirs: Self.draft([.phone: "76 33", .village: "Tacharane"]))
        #expect(same.conflicts == [.village] && same.addedByMe == [])
    }

    @Test("a decision keeping a megabyte of typed text is refused in words, nothing applied")
    func aHugeDroppedTextIsRefused() throws {
        var (book, id, _) = try FollowUpBook.followed()
        let before = book[id]
        let decision = ConflictDecision(choice: .theirs, with: "moussa", fields: ["phone"],
                                        dropped: ["phone": String(repeating: "\u{1b}[2J", count: 250_000)])
        #expect(throws: ChangeError.textTooLong(number: before.number, maximum: ConflictDecision.maximumTextLength)) {
            try book.apply(.resolveConflict(id: id, decision: decision), by: "awa")
        }
        #expect(book[id].version == before.version)
    }

    @Test("a decision is journaled on the case's timeline, names who and what, keeps what was dropped, and conflicts with nothing")
    func decisionJournaled() throws {
        var (book, id, _) = try FollowUpBook.followed()
        let before = book[id]
        let plan = before.plans[0]
        let decision = ConflictDecision(choice: .theirs, with: "moussa", fields: ["status", "note"], plan: plan.id,
                                        step: "training", dropped: ["note": "Formation reportée\nà mars"])
        try book.apply(.resolveConflict(id: id, decision: decision), by: "awa")
        let after = book[id]
        #expect(after.version == before.version + 1)
        let event = try #require(after.timeline.last)
        #expect(event.kind == "timeline.conflict.theirs")
        #expect(event.by == "awa" && event.details["with"] == "moussa" && event.details["step"] == "training")
        #expect(book.entries.last?.change == .resolveConflict(id: id, decision: decision))
        // A step changed on the version before the decision still goes through.
        #expect(try ConflictTests.outcome({ item in
            var theirs = decision
            theirs.plan = item.plans[0].id
            return .resolveConflict(id: item.id, decision: theirs)
        },
                                          { ConflictTests.step($0, "training", .done) }) == nil)
        // A decision about a step that is not there is refused.
        var unknown = decision
        unknown.step = "no_such_step"
        #expect(throws: ChangeError.unknownPlanOrStep(number: "GAO-000001")) {
            try book.apply(.resolveConflict(id: id, decision: unknown), by: "awa")
        }
        // Text rules hold for what was dropped too.
        var control = decision
        control.dropped = ["note": "\u{1B}]52;c;x\u{7}"]
        #expect(throws: ChangeError.controlCharacter(number: "GAO-000001")) {
            try book.apply(.resolveConflict(id: id, decision: control), by: "awa")
        }
    }

    @Test("every status change conflicts with another: closing, returning, reopening, approving")
    func statusChangesConflict() throws {
        let conflict = ConflictTests.conflict
        #expect(try ConflictTests.outcome({ .requestClosure(id: $0.id, reason: "Fin", code: nil) },
                                          { .requestClosure(id: $0.id, reason: "Fin aussi", code: nil) }) == conflict)
        #expect(try ConflictTests.outcome({ .requestClosure(id: $0.id, reason: "Fin", code: nil) },
                                          { .withdrawEnrolment(id: $0.id, plan: $0.plans[0].id, reason: "Doublon") }) == conflict)
        // A step or a referral changed before the request: the request still goes through.
        #expect(try ConflictTests.outcome({ ConflictTests.step($0, "training", .done) },
                                          { .requestClosure(id: $0.id, reason: "Fin", code: nil) }) == nil)
        #expect(try ConflictTests.outcome({ ConflictTests.referral($0, 0, outcome: "Fait") },
                                          { .requestClosure(id: $0.id, reason: "Fin", code: nil) }) == nil)
    }

    @Test("after a status change, what cannot conflict goes through: another step, a new referral, a new member")
    func noFalseConflictAfterAStatusChange() throws {
        let request: (Case) -> Change = { .requestClosure(id: $0.id, reason: "Fin", code: nil) }
        #expect(try ConflictTests.outcome(request, { ConflictTests.step($0, "training", .done) }) == nil)
        #expect(try ConflictTests.outcome(request, { ConflictTests.referral($0, 0, outcome: "Acte obtenu") }) == nil)
        #expect(try ConflictTests.outcome(request, { item in
            .saveReferral(id: item.id, referral: Referral(id: UUID(), service: "health", provider: "CSCOM",
                                                          date: FollowUpBook.day("2016-04-01"), criterion: nil))
        }) == nil)
        #expect(try ConflictTests.outcome(request, { item in
            .saveMember(id: item.id, member: HouseholdMember(id: UUID(), givenNames: "Oumar", sex: .male, relationship: .child))
        }) == nil)
        #expect(try ConflictTests.outcome(request, { item in
            var profile = item.profile
            profile.phone = "76 00 00 09"
            return .editProfile(id: item.id, expectedVersion: item.version, profile: profile)
        }) == nil)
    }

    @Test("the conflicting changes since a version are listed in order: the last says who saved what is shown")
    func clashesInOrder() throws {
        var (book, id, _) = try FollowUpBook.followed()
        let seen = book[id]
        try book.apply(ConflictTests.step(book[id], "training", .done), by: "moussa")
        try book.apply(.addNote(id: id, note: Note(id: UUID(), text: "Appel.", by: "x", at: book.clock)), by: "moussa")
        try book.apply(ConflictTests.step(book[id], "training", .inProgress), by: "binta")
        let clashes = try CaseBook.clashes(of: ConflictTests.step(seen, "training", .notApplicable), on: book[id], since: seen.version)
        #expect(clashes.map(\.by) == ["moussa", "binta"])
    }

    @Test("a decision on a referral names its service, on a member their given names; a member not in the household is refused")
    func decisionOnReferralAndMember() throws {
        var (book, id, _) = try FollowUpBook.followed()
        let referral = try #require(book[id].referrals.first)
        let onReferral = ConflictDecision(choice: .mine, with: "moussa", fields: ["outcome"], referral: referral.id)
        try book.apply(.resolveConflict(id: id, decision: onReferral), by: "awa")
        var event = try #require(book[id].timeline.last)
        #expect(event.kind == "timeline.conflict.mine" && event.details["service"] == referral.service && event.details["fields"] == nil)
        let member = HouseholdMember(id: UUID(), givenNames: "Oumar", sex: .male, relationship: .child)
        try book.apply(.saveMember(id: id, member: member), by: "awa")
        let onMember = ConflictDecision(choice: .theirs, with: "moussa", fields: ["note"], member: member.id, dropped: ["note": "École"])
        try book.apply(.resolveConflict(id: id, decision: onMember), by: "awa")
        event = try #require(book[id].timeline.last)
        #expect(event.kind == "timeline.conflict.theirs" && event.details["name"] == "Oumar")
        var unknown = onMember
        unknown.member = UUID()
        #expect(throws: ChangeError.unknownMember(number: "GAO-000001")) {
            try book.apply(.resolveConflict(id: id, decision: unknown), by: "awa")
        }
        // A decision written before referrals and members could be in conflict reads the same.
        let line = #"{"choice":"theirs","with":"moussa","fields":["phone"],"dropped":{"phone":"70"}}"#
        let read = try LineDecoder().decode(ConflictDecision.self, from: Data(line.utf8))
        #expect(read.referral == nil && read.member == nil && read.fields == ["phone"])
    }
}
