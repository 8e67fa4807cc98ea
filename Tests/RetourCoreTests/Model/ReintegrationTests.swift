import Foundation
import Testing
@testable import RetourCore

@Suite("Reintegration: steps, plans and rights")
struct ReintegrationTests {
    let today = FollowUpBook.day("2016-06-30")

    private func day(_ text: String) -> CalendarDate {
        FollowUpBook.day(text)
    }

    @Test(arguments: [StepStatus.notStarted, .inProgress, .blocked])
    func aStepNotDoneIsOverdueOnceItsDayHasPassed(status: StepStatus) {
        var step = Step(code: "training", plannedOn: day("2016-06-29"))
        step.status = status
        #expect(step.isOverdue(on: today))
        #expect(step.isOpen)
    }

    @Test(arguments: [StepStatus.done, .notApplicable])
    func aStepDoneOrNotApplicableIsNeverOverdue(status: StepStatus) {
        var step = Step(code: "training", plannedOn: day("2015-01-01"))
        step.status = status
        #expect(!step.isOverdue(on: today))
        #expect(!step.isOpen)
    }

    @Test func aStepPlannedTodayOrLaterIsNotOverdue() {
        #expect(!Step(code: "training", plannedOn: today).isOverdue(on: today))
        #expect(!Step(code: "training", plannedOn: day("2016-07-01")).isOverdue(on: today))
        #expect(Step(code: "training", plannedOn: today).isOverdue(on: day("2016-07-01")))
    }

    @Test func progressIsStepsDoneOutOfTheStepsThatApply() throws {
        var plan = try #require(FollowUpBook.tracks.plan(track: "durable_solutions", id: UUID(), enrolledOn: today))
        #expect(plan.progress == (0, 4))
        plan.steps[0].status = .done
        plan.steps[1].status = .inProgress
        plan.steps[2].status = .notApplicable
        #expect(plan.progress == (1, 3))
        plan.steps[1].status = .done
        plan.steps[3].status = .blocked
        #expect(plan.progress == (2, 3))
        plan.steps[3].status = .notApplicable
        #expect(plan.progress == (2, 2))
    }

    @Test func aPlanIsMadeFromItsTemplatesDelays() throws {
        let id = UUID()
        let plan = try #require(FollowUpBook.tracks.plan(track: "youth_entrepreneurship", id: id, enrolledOn: day("2016-01-25")))
        #expect(plan.id == id)
        #expect(plan.track == "youth_entrepreneurship")
        #expect(plan.enrolledOn == day("2016-01-25"))
        #expect(plan.steps.map(\.code) == ["profiling", "training", "business_plan", "insertion_kit", "activity_started",
                                           "follow_up_3_months", "follow_up_6_months"])
        // 7, 30, 45, 60, 75, 165 and 255 days, across the leap day of 2016.
        #expect(plan.steps.map(\.plannedOn.iso) == ["2016-02-01", "2016-02-24", "2016-03-10", "2016-03-25", "2016-04-09",
                                                    "2016-07-08", "2016-10-06"])
        #expect(plan.steps.allSatisfy { $0.status == .notStarted && $0.doneOn == nil && $0.by.isEmpty })
        let template = try #require(FollowUpBook.tracks.track("women_agr"))
        let other = try #require(FollowUpBook.tracks.plan(track: "women_agr", id: UUID(), enrolledOn: today))
        #expect(other.steps.map(\.plannedOn) == template.steps.map { today.adding(days: $0.delayDays) })
        #expect(FollowUpBook.tracks.plan(track: "unknown_track", id: UUID(), enrolledOn: today) == nil)
    }

    @Test func overdueStepsAreGatheredAcrossPlans() throws {
        var book = FollowUpBook()
        let id = try book.register()
        try book.enrol(id, "durable_solutions", on: "2016-05-01")  // 05-15, 05-31, 08-29, 10-28
        let plan = try book.enrol(id, "women_agr", on: "2016-06-01")  // 06-08, 06-22, 07-16…
        try book.update(id, plan, "vulnerability_assessment") { $0.status = .done }
        let overdue = book[id].overdueSteps(on: today)
        #expect(overdue.map { "\($0.plan.track)/\($0.step.code)" } == [
            "durable_solutions/rights_assessment", "durable_solutions/referrals", "women_agr/activity_choice",
        ])
        #expect(book[id].openSteps == 10)
    }

    @Test func currentRightsAreTheLatestRatingOfEachCriterionWithTheOneBefore() throws {
        var book = FollowUpBook()
        let id = try book.register()
        try book.assess(id, on: "2016-01-10", by: "awa", ["safety": .none, "documentation": .none, "livelihoods": .partial])
        try book.assess(id, on: "2016-03-01", by: "moussa", ["safety": .partial, "documentation": .none])
        // Recorded last but dated between the two: it is the latest for livelihoods only.
        try book.assess(id, on: "2016-02-01", by: "fatou", ["livelihoods": .full])
        let rights = book[id].currentRights(criteria: FollowUpBook.tracks.criteria)
        #expect(rights.map(\.criterion) == ["safety", "livelihoods", "documentation"])
        #expect(rights.map(\.rating.access) == [.partial, .full, .none])
        #expect(rights.map(\.previous) == [Access.none, .partial, Access.none])
        #expect(rights.map(\.date.iso) == ["2016-03-01", "2016-02-01", "2016-03-01"])
        #expect(rights.map(\.assessor) == ["moussa", "fatou", "moussa"])
        #expect(book[id].gaps(criteria: FollowUpBook.tracks.criteria) == ["safety", "documentation"])
    }

    @Test func assessmentsOfTheSameDayCountInTheOrderTheyWereRecorded() throws {
        var book = FollowUpBook()
        let id = try book.register()
        try book.assess(id, on: "2016-03-01", ["safety": .none])
        try book.assess(id, on: "2016-03-01", ["safety": .full])
        let rights = book[id].currentRights(criteria: FollowUpBook.tracks.criteria)
        #expect(rights.map(\.rating.access) == [.full])
        #expect(rights.map(\.previous) == [Access.none])
    }

    @Test func aCriterionAssessedOnceHasNoPreviousAccess() throws {
        var book = FollowUpBook()
        let id = try book.register()
        #expect(book[id].currentRights(criteria: FollowUpBook.tracks.criteria).isEmpty)
        try book.assess(id, on: "2016-03-01", ["justice": .partial])
        let rights = book[id].currentRights(criteria: FollowUpBook.tracks.criteria)
        #expect(rights.count == 1)
        #expect(rights[0].previous == nil)
    }

    @Test func onlyNoAndPartialAccessAreGaps() throws {
        #expect(Access.allCases.filter(\.isGap) == [.partial, .none])
        var book = FollowUpBook()
        let id = try book.register()
        try book.assess(id, on: "2016-03-01", ["safety": .full, "standard_of_living": .partial, "livelihoods": .none,
                                               "documentation": .unknown, "family_reunification": .notApplicable])
        #expect(book[id].gaps(criteria: FollowUpBook.tracks.criteria) == ["standard_of_living", "livelihoods"])
    }

    @Test func referralsAreOpenUntilCompletedOrDeclined() throws {
        #expect(ReferralStatus.allCases.filter(\.isOpen) == [.referred, .accepted])
        let (book, id, _) = try FollowUpBook.followed()
        #expect(book[id].openReferrals.map(\.service) == ["civil_registry"])
    }
}
