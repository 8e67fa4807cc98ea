import Foundation
import Testing
@testable import RetourCore

/// Withdrawing an enrolment made by mistake: the plan stays, marked, and counts in no figure.
@Suite("Withdrawing an enrolment")
struct WithdrawalTests {
    typealias F = CSVFixtures

    private func day(_ text: String) -> CalendarDate {
        FollowUpBook.day(text)
    }

    /// A case enrolled in youth entrepreneurship on 2016-01-25 (every step overdue by June).
    private func enrolled() throws -> (FollowUpBook, UUID, Plan) {
        var book = FollowUpBook()
        let id = try book.register()
        let plan = try book.enrol(id, "youth_entrepreneurship")
        return (book, id, plan)
    }

    private func expectRefused(_ change: Change, in book: inout FollowUpBook, _ error: ChangeError,
                               sourceLocation: SourceLocation = #_sourceLocation) throws {
        let before = try book.book.allCases()
        let seq = book.book.seq
        #expect(throws: error, sourceLocation: sourceLocation) { try book.apply(change) }
        #expect(try book.book.allCases() == before, sourceLocation: sourceLocation)
        #expect(book.book.seq == seq, sourceLocation: sourceLocation)
    }

    @Test func aReasonIsRequired() throws {
        var (book, id, plan) = try enrolled()
        try expectRefused(.withdrawEnrolment(id: id, plan: plan.id, reason: " \n"), in: &book, .missingText(number: "GAO-000001"))
        try expectRefused(.withdrawEnrolment(id: id, plan: plan.id, reason: String(repeating: "x", count: 1001)), in: &book,
                          .textTooLong(number: "GAO-000001", maximum: 1000))
        try expectRefused(.withdrawEnrolment(id: id, plan: UUID(), reason: "Erreur"), in: &book,
                          .unknownPlanOrStep(number: "GAO-000001"))
    }

    @Test func thePlanIsKeptMarkedWithWhyWhoAndWhen() throws {
        var (book, id, plan) = try enrolled()
        let entry = try book.apply(.withdrawEnrolment(id: id, plan: plan.id, reason: "Inscrite par erreur"), by: "moussa")
        let item = book[id]
        #expect(item.plans.count == 1)
        #expect(item.plans[0].withdrawal == Withdrawal(reason: "Inscrite par erreur", by: "moussa", at: entry.at))
        #expect(item.activePlans.isEmpty)
        let event = try #require(item.timeline.last)
        #expect(event.kind == "timeline.enrolmentWithdrawn")
        #expect(event.details == ["track": "youth_entrepreneurship", "reason": "Inscrite par erreur"])
        #expect(F.french.text(event.kind, ["track": "Entrepreneuriat des jeunes", "reason": "Inscrite par erreur"])
                == "Inscription retirée : Entrepreneuriat des jeunes — motif : Inscrite par erreur")
    }

    @Test func theCaseIsRegisteredAgainWhenNoEnrolmentRemains() throws {
        var (book, id, plan) = try enrolled()
        let other = try book.enrol(id, "durable_solutions")
        try book.apply(.withdrawEnrolment(id: id, plan: plan.id, reason: "Erreur"))
        #expect(book[id].status == .active)
        try book.apply(.withdrawEnrolment(id: id, plan: other.id, reason: "Erreur aussi"))
        #expect(book[id].status == .registered)
    }

    @Test func aCaseWaitingForClosureStaysWaiting() throws {
        var (book, id, plan) = try enrolled()
        try book.apply(.requestClosure(id: id, reason: "Parti"))
        try book.apply(.withdrawEnrolment(id: id, plan: plan.id, reason: "Erreur"))
        #expect(book[id].status == .closureRequested)
        // Reopened later, it is registered, not active: no enrolment counts.
        try book.apply(.close(id: id, closure: Closure(reason: "moved_away", note: "", confirmedOpenItems: false)))
        try book.apply(.reopen(id: id, reason: "Revenu"))
        #expect(book[id].status == .registered)
    }

    @Test func aWithdrawnPlanIsNoLongerWorkedOnNorWithdrawnTwice() throws {
        var (book, id, plan) = try enrolled()
        try book.apply(.withdrawEnrolment(id: id, plan: plan.id, reason: "Erreur"))
        var step = plan.steps[0]
        step.status = .done
        step.doneOn = day("2016-02-01")
        try expectRefused(.updateStep(id: id, plan: plan.id, step: step), in: &book,
                          .enrolmentWithdrawn(number: "GAO-000001", track: "youth_entrepreneurship"))
        try expectRefused(.withdrawEnrolment(id: id, plan: plan.id, reason: "Encore"), in: &book,
                          .enrolmentWithdrawn(number: "GAO-000001", track: "youth_entrepreneurship"))
    }

    @Test func theSameTrackMayBeChosenAgainAfterAWithdrawal() throws {
        var (book, id, plan) = try enrolled()
        try book.apply(.withdrawEnrolment(id: id, plan: plan.id, reason: "Mauvaise date"))
        let again = try book.enrol(id, "youth_entrepreneurship", on: "2016-02-01")
        #expect(book[id].plans.map(\.id) == [plan.id, again.id])
        #expect(book[id].activePlans.map(\.id) == [again.id])
        #expect(book[id].status == .active)
    }

    @Test func aClosedCaseIsReopenedFirst() throws {
        var (book, id, plan) = try enrolled()
        try book.apply(.requestClosure(id: id, reason: "Fin"))
        try book.apply(.close(id: id, closure: Closure(reason: "moved_away", note: "", confirmedOpenItems: true)))
        try expectRefused(.withdrawEnrolment(id: id, plan: plan.id, reason: "Erreur"), in: &book,
                          .notAllowed(number: "GAO-000001", status: .closed))
    }

    @Test func aReasonHoldsNoControlCharacter() throws {
        var (book, id, plan) = try enrolled()
        try expectRefused(.withdrawEnrolment(id: id, plan: plan.id, reason: "Erreur\u{1B}[2J"), in: &book,
                          .controlCharacter(number: "GAO-000001"))
        try book.apply(.withdrawEnrolment(id: id, plan: plan.id, reason: "Erreur\nde parcours"))
    }

    /// As any change of a case: its worker, the team's supervisors, administrators.
    @Test func whoMayWithdraw() throws {
        try F.withDirectory { root in
            let office = try Office(root.appendingPathComponent("data"))
            let admin = try office.clearance("admin")
            func enrol(_ name: String) throws -> (UUID, Plan) {
                let id = try office.id(name)
                let plan = try #require(FollowUpBook.tracks.plan(track: "durable_solutions", id: UUID(), enrolledOn: day("2016-01-25")))
                try office.store.commit(.enrol(id: id, plan: plan), as: admin)
                return (id, plan)
            }
            let (b, planB) = try enrol("B")
            for login in ["w.gao", "s.gao"] {
                #expect(throws: ChangeError.forbidden(.outsideCaseload, number: office.numbers["B"]!)) {
                    try office.store.commit(.withdrawEnrolment(id: b, plan: planB.id, reason: "Erreur"), as: try office.clearance(login))
                }
            }
            try office.store.commit(.withdrawEnrolment(id: b, plan: planB.id, reason: "Erreur"), as: try office.clearance("w.tbk"))
            let (a, planA) = try enrol("A")
            try office.store.commit(.withdrawEnrolment(id: a, plan: planA.id, reason: "Erreur"), as: try office.clearance("s.gao"))
            let (c, planC) = try enrol("C")
            try office.store.commit(.withdrawEnrolment(id: c, plan: planC.id, reason: "Erreur"), as: admin)
        }
    }

    @Test func aWithdrawnPlanCountsInNoFigure() throws {
        var (book, id, plan) = try enrolled()
        let today = day("2016-06-30")
        #expect(CaseDigest(book[id]).tracks == ["youth_entrepreneurship"])
        #expect(CaseDigest(book[id]).isOverdue(on: today))
        try book.apply(.withdrawEnrolment(id: id, plan: plan.id, reason: "Erreur"))
        let item = book[id]
        let digest = CaseDigest(item)
        #expect(digest.tracks.isEmpty)
        #expect(!digest.isOverdue(on: today))
        #expect(digest.overdueSteps(on: today) == 0)
        #expect(item.overdueSteps(on: today).isEmpty)
        #expect(item.openSteps == 0)
        var query = CaseQuery()
        query.track = "youth_entrepreneurship"
        #expect(!query.matches(digest))
        query = CaseQuery()
        query.today = today
        query.overdue = true
        #expect(!query.matches(digest))
        query = CaseQuery()
        query.stepStatus = .notStarted
        #expect(!query.matches(digest))
    }

    @Test func showAndExportSayItIsWithdrawnAndCountItNowhere() throws {
        var (book, id, plan) = try enrolled()
        try book.apply(.withdrawEnrolment(id: id, plan: plan.id, reason: "Inscrite par erreur"), by: "moussa")
        let item = book[id]
        let summary = CaseSummary(item, catalog: F.english, reference: F.reference, today: F.today)
        let section = try #require(summary.sections.first { $0.title.hasPrefix("Plan:") })
        #expect(section.title == "Plan: Youth entrepreneurship — WITHDRAWN (enrolled 2016-01-25)")
        #expect(section.lines.map(\.label) == ["Withdrawn"])
        #expect(section.lines[0].value.hasSuffix("by moussa: Inscrite par erreur"))

        let steps = CSVExport.records(.steps, [item], reference: F.reference, today: F.today)
        #expect(steps.count == 1)  // the header alone
        let withdrawals = CSVExport.records(.withdrawals, [item], reference: F.reference, today: F.today)
        #expect(withdrawals.count == 2)
        #expect(withdrawals[1][0] == "GAO-000001")
        #expect(withdrawals[1][1] == "youth_entrepreneurship")
        #expect(withdrawals[1][2] == "2016-01-25")
        #expect(withdrawals[1][5...] == ["moussa", "Inscrite par erreur"])
        // JSON holds the case whole, the withdrawal included.
        let json = String(decoding: try CSVExport.json(item), as: UTF8.self)
        #expect(json.contains(#""withdrawal":{"#))
    }
}
