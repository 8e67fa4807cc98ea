import Foundation
import Testing
@testable import RetourCore

/// A case book that follow-up changes are applied to, a minute apart, as the store would
/// journal them; and one case followed for a few months, for the summary and export tests.
struct FollowUpBook {
    var book = CaseBook()
    var clock = Date(timeIntervalSince1970: 1_450_000_000)
    /// Every entry applied, oldest first: what a store would have journaled.
    var entries: [JournalEntry] = []
    /// Tracks, criteria and plan templates from the real assets.
    static let tracks = CSVFixtures.reference.tracks

    static func day(_ text: String) -> CalendarDate {
        CalendarDate(parsing: text)!
    }

    subscript(id: UUID) -> Case {
        book[id]!
    }

    @discardableResult
    mutating func apply(_ change: Change, by author: String = "awa") throws -> JournalEntry {
        clock += 60
        let entry = JournalEntry(seq: book.seq + 1, by: author, at: clock, change: change)
        try book.apply(entry)
        entries.append(entry)
        return entry
    }

    mutating func register(_ profile: CaseProfile = sampleProfile(), prefix: String = "GAO") throws -> UUID {
        let id = UUID()
        try apply(.register(id: id, number: book.nextNumber(prefix: prefix), profile: profile))
        return id
    }

    @discardableResult
    mutating func enrol(_ id: UUID, _ track: String, on date: String = "2016-01-25") throws -> Plan {
        let plan = try #require(FollowUpBook.tracks.plan(track: track, id: UUID(), enrolledOn: FollowUpBook.day(date)))
        try apply(.enrol(id: id, plan: plan))
        return plan
    }

    /// The step `code` of `plan` as it stands, changed by `change` and saved.
    mutating func update(_ id: UUID, _ plan: Plan, _ code: String, by author: String = "awa",
                         _ change: (inout Step) -> Void) throws {
        let current = try #require(self[id].plans.first { $0.id == plan.id })
        var step = try #require(current.steps.first { $0.code == code })
        change(&step)
        try apply(.updateStep(id: id, plan: plan.id, step: step), by: author)
    }

    mutating func assess(_ id: UUID, on date: String, by assessor: String = "awa",
                         _ ratings: [String: Access], notes: [String: String] = [:]) throws {
        var rated = ratings.mapValues { Rating(access: $0) }
        for (criterion, note) in notes { rated[criterion]?.note = note }
        try apply(.assess(id: id, assessment: Assessment(id: UUID(), date: FollowUpBook.day(date), assessor: assessor,
                                                         ratings: rated)))
    }

    /// Maïga Fatoumata (GAO-000001), enrolled in youth entrepreneurship on 2016-01-25: profiling
    /// done, training blocked, the 6-month follow-up not applicable (1 of 6 steps done; four
    /// overdue on 2016-06-30); assessed twice (safety none → partial, documentation none →
    /// none, livelihoods partial, family reunification not applicable, justice full); one
    /// open and one completed referral; a note and its correction. And Ag Mohamed Ahmed
    /// (TBK-000001), registered only.
    static func followed() throws -> (book: FollowUpBook, followed: UUID, registered: UUID) {
        var book = FollowUpBook()
        let id = try book.register()
        let plan = try book.enrol(id, "youth_entrepreneurship")
        try book.update(id, plan, "profiling") {
            $0.status = .done
            $0.doneOn = day("2016-02-03")
            $0.by = "awa"
        }
        try book.update(id, plan, "training") {
            $0.status = .blocked
            $0.blockedReason = "Route coupée"
            $0.by = "moussa"
        }
        try book.update(id, plan, "follow_up_6_months") { $0.status = .notApplicable }
        try book.assess(id, on: "2016-02-10", ["safety": .none, "documentation": .none, "livelihoods": .partial,
                                               "family_reunification": .notApplicable, "justice": .full])
        try book.assess(id, on: "2016-03-01", ["safety": .partial, "documentation": .none, "justice": .full],
                        notes: ["documentation": "Pièces perdues"])
        try book.apply(.saveReferral(id: id, referral: Referral(
            id: UUID(), service: "civil_registry", provider: "Centre d'état civil", date: day("2016-03-02"),
            criterion: "documentation")))
        try book.apply(.saveReferral(id: id, referral: Referral(
            id: UUID(), service: "health", provider: "CSCOM", date: day("2016-03-05"), criterion: nil,
            status: .completed, outcome: "Soins reçus.")))
        let note = Note(id: UUID(), text: "Visite à domicile.", by: "awa", at: book.clock + 60)
        try book.apply(.addNote(id: id, note: note))
        try book.apply(.addNote(id: id, note: Note(id: UUID(), text: "=Correction : la veille.", by: "awa",
                                                   at: book.clock + 60, corrects: note.id)))
        var other = sampleProfile("Ag Mohamed", "Ahmed", region: "ML06", birthYear: nil)
        other.sex = .male
        let registered = try book.register(other, prefix: "TBK")
        return (book, id, registered)
    }
}
