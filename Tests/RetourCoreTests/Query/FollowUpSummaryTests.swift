import Foundation
import Testing
@testable import RetourCore

@Suite("Case summary: plans, rights and referrals")
struct FollowUpSummaryTests {
    typealias F = CSVFixtures

    private func summary(_ catalog: Catalog, registeredOnly: Bool = false) throws -> CaseSummary {
        let (book, followed, registered) = try FollowUpBook.followed()
        return CaseSummary(book[registeredOnly ? registered : followed], catalog: catalog, reference: F.reference, today: F.today)
    }

    private func section(_ summary: CaseSummary, _ prefix: String) throws -> CaseSummary.Section {
        try #require(summary.sections.first { $0.title.hasPrefix(prefix) })
    }

    @Test func theFollowUpComesAfterTheProfileAndBeforeTheRecord() throws {
        let english = try summary(F.english)
        #expect(english.sections.map(\.title) == [
            "Case", "Person", "Displacement and location",
            "Plan: Youth entrepreneurship — 1/6 steps done (enrolled 2016-01-25)",
            "Rights access — 3 gaps (latest assessment 2016-03-01)",
            "Open referral (1)",
            "Record",
        ])
        let registered = try summary(F.english, registeredOnly: true)
        #expect(registered.sections.map(\.title) == ["Case", "Person", "Displacement and location", "Record"])
    }

    @Test func eachStepShowsItsStatusDatesAndOverdueInWords() throws {
        let plan = try section(try summary(F.english), "Plan:")
        #expect(plan.lines.map(\.label) == ["Profiling", "Training", "Business plan", "Insertion kit delivered",
                                            "Activity started", "Follow-up at 3 months", "Follow-up at 6 months"])
        #expect(plan.lines.map(\.value) == [
            "Done on 2016-02-03 (planned 2016-02-01) — by awa",
            "Blocked, planned 2016-02-24 — OVERDUE by 127 days — reason: Route coupée — by moussa",
            "Not started, planned 2016-03-10 — OVERDUE by 112 days",
            "Not started, planned 2016-03-25 — OVERDUE by 97 days",
            "Not started, planned 2016-04-09 — OVERDUE by 82 days",
            "Not started, planned 2016-07-08",
            "Not applicable",
        ])
        #expect(plan.lines.map(\.attention) == [false, true, true, true, true, false, false])
    }

    @Test func frenchDatesAreDayFirst() throws {
        let french = try summary(F.french)
        let plan = try section(french, "Plan :")
        #expect(plan.title == "Plan : Entrepreneuriat des jeunes — 1/6 étapes faites (inscription le 25/01/2016)")
        #expect(plan.lines[0].value == "Faite le 03/02/2016 (prévue le 01/02/2016) — par awa")
        #expect(plan.lines[2].value == "Pas commencée, prévue le 10/03/2016 — EN RETARD de 112 jours")
        let rights = try section(french, "Accès aux droits")
        #expect(rights.title == "Accès aux droits — 3 manques (dernière évaluation le 01/03/2016)")
        #expect(rights.lines[0].value == "Aucun accès → Accès partiel — évaluation du 01/03/2016 par awa")
        let referrals = try section(french, "Orientation")
        #expect(referrals.lines.map(\.value) == ["Orienté (orientation du 02/03/2016) — Centre d'état civil — pour : Documents"])
    }

    @Test func rightsListTheGapsFirstWithTheChangeSinceTheAssessmentBefore() throws {
        let rights = try section(try summary(F.english), "Rights access")
        #expect(rights.lines.map(\.label) == ["Safety, security and freedom of movement", "Employment and livelihoods",
                                              "Personal documentation", "Family reunification", "Remedies and access to justice"])
        #expect(rights.lines.map(\.value) == [
            "No access → Partial access — assessed 2016-03-01 by awa",
            "Partial access — assessed 2016-02-10 by awa",
            "No access (unchanged) — assessed 2016-03-01 by awa — Pièces perdues",
            "Not applicable — assessed 2016-02-10 by awa",
            "Full access (unchanged) — assessed 2016-03-01 by awa",
        ])
        #expect(rights.lines.map(\.attention) == [true, true, true, false, false])
    }

    @Test func onlyOpenReferralsAreListed() throws {
        let referrals = try section(try summary(F.english), "Open referral")
        #expect(referrals.lines.map(\.label) == ["Civil registry / documents"])
        #expect(referrals.lines.map(\.value) == ["Referred (referred 2016-03-02) — Centre d'état civil — for: Documents"])
    }

    @Test func aClosedCaseSaysWhy() throws {
        var (book, id, _) = try FollowUpBook.followed()
        try book.apply(.requestClosure(id: id, reason: "Plan terminé"))
        var summary = CaseSummary(book[id], catalog: F.english, reference: F.reference, today: F.today)
        #expect(summary.sections[0].lines.map(\.label) == ["Number", "Status", "Closure requested", "Requested by", "Category", "Case worker"])
        #expect(summary.sections[0].lines[2].value == "Plan terminé")
        try book.apply(.close(id: id, closure: Closure(reason: "moved_away", note: "Parti à Bamako", confirmedOpenItems: true)))
        summary = CaseSummary(book[id], catalog: F.french, reference: F.reference, today: F.today)
        #expect(summary.sections[0].lines[2] == CaseSummary.Line(label: "Clôture", value: "Parti(e) ailleurs — Parti à Bamako",
                                                                  severalLines: true))
    }

    /// A field of one line holding a line break or a tab (written by hand, or by an older
    /// version) shows them, so that it never reads as a second field; a note keeps its words
    /// on one line.
    @Test func aLineBreakShowsInAFieldOfOneLineAndIsASpaceInANote() {
        let name = CaseSummary.Line(label: "Family name", value: "Maïga\nGiven names  Awa\t1")
        #expect(name.shown == "Maïga\\u000aGiven names  Awa\\u00091")
        let note = CaseSummary.Line(label: "Closure", value: "Parti\nà Bamako\u{1B}[2J", severalLines: true)
        #expect(note.shown == "Parti à Bamako\\u001b[2J")
    }

    @Test func textAlignsTheLabelsOfEachSection() throws {
        let text = try summary(F.english).text
        #expect(text.contains("""
        Open referral (1)
          Civil registry / documents  Referred (referred 2016-03-02) — Centre d'état civil — for: Documents
        """))
        #expect(text.contains("""
        Case
          Number    GAO-000001
          Status    Active
          Category  Returned IDP
        """))
        #expect(text.contains("  Training                 Blocked, planned 2016-02-24 — OVERDUE by 127 days"))
    }
}
