import Foundation
import Testing
@testable import RetourCore

@Suite("Case lifecycle, rules of the follow-up, timeline")
struct LifecycleTests {
    private func day(_ text: String) -> CalendarDate {
        FollowUpBook.day(text)
    }

    /// A book with one case brought to `status` by the explicit actions, enrolled or not.
    private func book(at status: CaseStatus, enrolled: Bool = true) throws -> (FollowUpBook, UUID) {
        var book = FollowUpBook()
        let id = try book.register()
        if enrolled { try book.enrol(id, "durable_solutions") }
        if status == .closureRequested || status == .closed {
            try book.apply(.requestClosure(id: id, reason: "Plan terminé"))
        }
        if status == .closed {
            try book.apply(.close(id: id, closure: Closure(reason: "durable_solution", note: "", confirmedOpenItems: true)))
        }
        #expect(book[id].status == status)
        return (book, id)
    }

    /// Expects `change` to be refused with `error`, leaving the book as it was.
    private func expectRefused(_ change: Change, in book: inout FollowUpBook, _ error: ChangeError,
                               sourceLocation: SourceLocation = #_sourceLocation) throws {
        let before = try book.book.allCases()
        let seq = book.book.seq
        #expect(throws: error, sourceLocation: sourceLocation) { try book.apply(change) }
        #expect(try book.book.allCases() == before, sourceLocation: sourceLocation)
        #expect(book.book.seq == seq, sourceLocation: sourceLocation)
    }

    @Test func enrolmentMakesARegisteredCaseActive() throws {
        let (initial, id) = try self.book(at: .registered, enrolled: false)
        var book = initial
        try book.enrol(id, "women_agr")
        #expect(book[id].status == .active)
        try book.enrol(id, "durable_solutions")
        #expect(book[id].status == .active)
        #expect(book[id].plans.map(\.track) == ["women_agr", "durable_solutions"])
    }

    @Test(arguments: [CaseStatus.registered, .active])
    func closureMayBeRequestedFromRegisteredOrActive(status: CaseStatus) throws {
        let (initial, id) = try self.book(at: status, enrolled: status == .active)
        var book = initial
        try book.apply(.requestClosure(id: id, reason: "Parti à Bamako"))
        #expect(book[id].status == .closureRequested)
        #expect(book[id].closureRequest == "Parti à Bamako")
    }

    @Test(arguments: [CaseStatus.closureRequested, .closed])
    func closureCannotBeRequestedTwiceOrOnAClosedCase(status: CaseStatus) throws {
        let (initial, id) = try self.book(at: status)
        var book = initial
        try expectRefused(.requestClosure(id: id, reason: "Encore"), in: &book, .notAllowed(number: "GAO-000001", status: status))
    }

    @Test(arguments: [CaseStatus.registered, .active, .closed])
    func onlyACaseWaitingForClosureCanBeClosed(status: CaseStatus) throws {
        let (initial, id) = try self.book(at: status, enrolled: status != .registered)
        var book = initial
        let closure = Closure(reason: "moved_away", note: "", confirmedOpenItems: false)
        try expectRefused(.close(id: id, closure: closure), in: &book, .notAllowed(number: "GAO-000001", status: status))
    }

    @Test func closingKeepsTheReasonAndTheConfirmation() throws {
        let (initial, id) = try self.book(at: .closureRequested)
        var book = initial
        try book.apply(.close(id: id, closure: Closure(reason: "lost_contact", note: "Injoignable", confirmedOpenItems: true)))
        #expect(book[id].status == .closed)
        #expect(book[id].closure == Closure(reason: "lost_contact", note: "Injoignable", confirmedOpenItems: true))
    }

    @Test(arguments: [CaseStatus.registered, .active, .closureRequested])
    func onlyAClosedCaseCanBeReopened(status: CaseStatus) throws {
        let (initial, id) = try self.book(at: status, enrolled: status != .registered)
        var book = initial
        try expectRefused(.reopen(id: id, reason: "Retour"), in: &book, .notAllowed(number: "GAO-000001", status: status))
    }

    @Test(arguments: [true, false])
    func aReopenedCaseIsActiveWhenEnrolledElseRegistered(enrolled: Bool) throws {
        let (initial, id) = try self.book(at: .closed, enrolled: enrolled)
        var book = initial
        try book.apply(.reopen(id: id, reason: "Nouveau besoin"))
        #expect(book[id].status == (enrolled ? .active : .registered))
        #expect(book[id].closure == nil)
        #expect(book[id].closureRequest == nil)
    }

    @Test func aClosedCaseCannotBeEnrolled() throws {
        let (initial, id) = try self.book(at: .closed)
        var book = initial
        let plan = try #require(FollowUpBook.tracks.plan(track: "women_agr", id: UUID(), enrolledOn: day("2016-06-01")))
        try expectRefused(.enrol(id: id, plan: plan), in: &book, .notAllowed(number: "GAO-000001", status: .closed))
    }

    @Test func aCaseWaitingForClosureMayStillBeEnrolledAndStaysWaiting() throws {
        let (initial, id) = try self.book(at: .closureRequested)
        var book = initial
        try book.enrol(id, "women_agr")
        #expect(book[id].status == .closureRequested)
    }

    @Test func theSameTrackTwiceIsRefused() throws {
        let (initial, id) = try self.book(at: .active)
        var book = initial
        let again = try #require(FollowUpBook.tracks.plan(track: "durable_solutions", id: UUID(), enrolledOn: day("2016-06-01")))
        try expectRefused(.enrol(id: id, plan: again), in: &book, .alreadyEnrolled(number: "GAO-000001", track: "durable_solutions"))
    }

    @Test func aBlockedStepNeedsAReason() throws {
        let (initial, id) = try self.book(at: .active)
        var book = initial
        var step = book[id].plans[0].steps[1]
        step.status = .blocked
        step.blockedReason = "  \n"
        try expectRefused(.updateStep(id: id, plan: book[id].plans[0].id, step: step), in: &book, .missingText(number: "GAO-000001"))
        step.blockedReason = "Route coupée"
        try book.apply(.updateStep(id: id, plan: book[id].plans[0].id, step: step))
        #expect(book[id].plans[0].steps[1].status == .blocked)
        #expect(book[id].plans[0].steps[1].blockedReason == "Route coupée")
    }

    @Test func aStepOutsideTheCasesPlansIsRefused() throws {
        let (initial, id) = try self.book(at: .active)
        var book = initial
        let step = Step(code: "profiling", plannedOn: day("2016-06-01"))  // not a durable-solutions step
        try expectRefused(.updateStep(id: id, plan: book[id].plans[0].id, step: step), in: &book, .unknownPlanOrStep(number: "GAO-000001"))
        let known = book[id].plans[0].steps[0]
        try expectRefused(.updateStep(id: id, plan: UUID(), step: known), in: &book, .unknownPlanOrStep(number: "GAO-000001"))
    }

    @Test func anEmptyNoteIsRefused() throws {
        let (initial, id) = try self.book(at: .active)
        var book = initial
        for text in ["", "   ", "\n\t"] {
            try expectRefused(.addNote(id: id, note: Note(id: UUID(), text: text, by: "awa", at: book.clock)), in: &book,
                          .missingText(number: "GAO-000001"))
        }
    }

    @Test func emptyReasonsAndEmptyAssessmentsAreRefused() throws {
        let (initial, id) = try self.book(at: .active)
        var book = initial
        try expectRefused(.requestClosure(id: id, reason: " "), in: &book, .missingText(number: "GAO-000001"))
        try expectRefused(.assess(id: id, assessment: Assessment(id: UUID(), date: day("2016-06-01"), assessor: "awa", ratings: [:])),
                      in: &book, .missingText(number: "GAO-000001"))
        try expectRefused(.saveReferral(id: id, referral: Referral(id: UUID(), service: "", provider: "x", date: day("2016-06-01"),
                                                               criterion: nil)),
                      in: &book, .missingText(number: "GAO-000001"))
        let (initialClosed, closedID) = try self.book(at: .closed)
        var closed = initialClosed
        try expectRefused(.reopen(id: closedID, reason: ""), in: &closed, .missingText(number: "GAO-000001"))
    }

    /// Ordinary changes to a closed case: each is kept, none reopens it.
    @Test(arguments: ["editProfile", "addNote", "saveReferral", "updateStep", "assess"])
    func ordinaryChangesNeverReopenAClosedCase(kind: String) throws {
        let (initial, id) = try self.book(at: .closed)
        var book = initial
        let item = book[id]
        switch kind {
        case "editProfile":
            var profile = item.profile
            profile.phone = "+223 76 00 00 00"
            try book.apply(.editProfile(id: id, expectedVersion: item.version, profile: profile))
            #expect(book[id].profile.phone == "+223 76 00 00 00")
        case "addNote":
            try book.apply(.addNote(id: id, note: Note(id: UUID(), text: "Appel après la clôture.", by: "awa", at: book.clock)))
            #expect(book[id].notes.count == 1)
        case "saveReferral":
            try book.apply(.saveReferral(id: id, referral: Referral(id: UUID(), service: "health", provider: "CSCOM",
                                                                    date: day("2016-06-01"), criterion: nil)))
            #expect(book[id].referrals.count == 1)
        case "updateStep":
            var step = item.plans[0].steps[0]
            step.status = .done
            try book.apply(.updateStep(id: id, plan: item.plans[0].id, step: step))
            #expect(book[id].plans[0].steps[0].status == .done)
        default:
            try book.assess(id, on: "2016-06-01", ["safety": .full])
            #expect(book[id].assessments.count == 1)
        }
        #expect(book[id].status == .closed)
        #expect(book[id].closure == item.closure)
        #expect(book[id].version == item.version + 1)
    }

    @Test func theTimelineNamesEachChangeInOrderWithItsAuthorAndDetails() throws {
        var book = FollowUpBook()
        let id = try book.register()
        let plan = try book.enrol(id, "durable_solutions")
        try book.update(id, plan, "rights_assessment", by: "moussa") { $0.status = .done }
        try book.assess(id, on: "2016-02-10", ["safety": .none, "livelihoods": .partial, "justice": .full])
        let referral = Referral(id: UUID(), service: "peace_committee", provider: "Comité de paix", date: day("2016-02-11"),
                                criterion: "safety")
        try book.apply(.saveReferral(id: id, referral: referral))
        var answered = referral
        answered.status = .completed
        try book.apply(.saveReferral(id: id, referral: answered), by: "fatou")
        try book.apply(.addNote(id: id, note: Note(id: UUID(), text: "Visite.", by: "awa", at: book.clock)))
        var profile = book[id].profile
        profile.householdSize = 6
        profile.phone = "+223 76 00 00 00"
        try book.apply(.editProfile(id: id, expectedVersion: book[id].version, profile: profile))
        try book.apply(.requestClosure(id: id, reason: "Plan terminé"))
        try book.apply(.close(id: id, closure: Closure(reason: "durable_solution", note: "", confirmedOpenItems: false)),
                       by: "superviseur")
        try book.apply(.reopen(id: id, reason: "Nouveau besoin"), by: "superviseur")

        let timeline = book[id].timeline
        #expect(timeline.map(\.kind) == [
            "timeline.register", "timeline.enrol", "timeline.step", "timeline.assess", "timeline.referral",
            "timeline.referralUpdated", "timeline.note", "timeline.edit", "timeline.closureRequested", "timeline.closed",
            "timeline.reopened",
        ])
        #expect(timeline.map(\.seq) == Array(1...11))
        #expect(timeline.map(\.at) == timeline.map(\.at).sorted())
        #expect(timeline.map(\.by) == ["awa", "awa", "moussa", "awa", "awa", "fatou", "awa", "awa", "awa", "superviseur",
                                       "superviseur"])
        #expect(timeline[1].details == ["track": "durable_solutions"])
        #expect(timeline[2].details == ["track": "durable_solutions", "step": "rights_assessment", "status": "done"])
        #expect(timeline[3].details == ["gaps": "2", "date": "2016-02-10"])
        #expect(timeline[4].details == ["service": "peace_committee", "status": "referred"])
        #expect(timeline[5].details == ["service": "peace_committee", "status": "completed"])
        #expect(timeline[7].details == ["fields": "phone household_size"])
        #expect(timeline[8].details == ["reason": "Plan terminé"])
        #expect(timeline[9].details == ["reason": "durable_solution", "confirmed": "no"])
        #expect(timeline[10].details == ["reason": "Nouveau besoin"])

        // A step saved with its status unchanged says which of its fields changed.
        try book.update(id, plan, "rights_assessment", by: "moussa") { $0.note = "Revu avec le comité."; $0.by = "fatou" }
        #expect(book[id].timeline.last?.details == ["track": "durable_solutions", "step": "rights_assessment", "status": "done",
                                                    "changed": "by note"])
        try book.update(id, plan, "rights_assessment", by: "moussa") { $0.status = .blocked; $0.blockedReason = "Parti à Niamey" }
        #expect(book[id].timeline.last?.details == ["track": "durable_solutions", "step": "rights_assessment", "status": "blocked",
                                                    "reason": "Parti à Niamey"])
        // Moving on: the reason it leaves is said, even for a step blocked before reasons were kept.
        try book.update(id, plan, "rights_assessment", by: "moussa") { $0.status = .inProgress; $0.blockedReason = "" }
        #expect(book[id].timeline.last?.details == ["track": "durable_solutions", "step": "rights_assessment",
                                                    "status": "in_progress", "wasBlocked": "Parti à Niamey"])

        // A megabyte of reason is the step's; the timeline keeps its beginning, not a second megabyte.
        let huge = String(repeating: "Attente ", count: 131_072)
        try book.update(id, plan, "rights_assessment", by: "moussa") { $0.status = .blocked; $0.blockedReason = huge }
        try book.update(id, plan, "rights_assessment", by: "moussa") { $0.status = .inProgress; $0.blockedReason = "" }
        let kept = book[id].timeline.suffix(2).compactMap { $0.details["reason"] ?? $0.details["wasBlocked"] }
        #expect(kept.count == 2 && kept.allSatisfy { $0.count == Step.reasonKeptInTimeline + 1 && $0.hasSuffix("…") })
    }

    @Test func timelineTextsExistInBothLanguages() throws {
        let (book, id, _) = try FollowUpBook.followed()
        for catalog in [CSVFixtures.french, CSVFixtures.english] {
            for event in book[id].timeline {
                // A counted text ("2 gaps") is written in its two forms.
                #expect(catalog.keys.contains(event.kind)
                        || catalog.keys.isSuperset(of: ["\(event.kind).one", "\(event.kind).other"]), "\(event.kind)")
            }
        }
    }

    /// A note's time is kept as the journal keeps it (whole seconds), so that the case in
    /// memory is the one read back.
    @Test func aNoteReadsBackAsItWasKept() throws {
        try withTemporaryDirectory { directory throws in
            var kept: Case?
            let id: UUID
            do {
                let store = try Store(directory: directory)
                id = try register(store).id
                let at = Date(timeIntervalSince1970: 1_460_000_000.75)
                try store.commit(.addNote(id: id, note: Note(id: UUID(), text: "Visite.", by: "awa", at: at)), as: .anyone("awa"), at: at)
                kept = store.book[id]
                #expect(kept?.notes.first?.at == Date(timeIntervalSince1970: 1_460_000_000))
                withExtendedLifetime(store) {}
            }
            let replayed = try Store(directory: directory)
            #expect(replayed.book[id] == kept)
            try replayed.close()
        }
    }

    /// Every kind of follow-up change, committed through the store, then read back from the
    /// journal (a session that ended without closing) and from the snapshot.
    @Test func theFollowUpSurvivesJournalReplayAndSnapshot() throws {
        try withTemporaryDirectory { directory throws in
            let time = Date(timeIntervalSince1970: 1_460_000_000)
            var id = UUID()
            var written: Case?
            do {
                let store = try Store(directory: directory)
                id = try register(store).id
                let plan = try #require(FollowUpBook.tracks.plan(track: "women_agr", id: UUID(), enrolledOn: day("2016-04-01")))
                try store.commit(.enrol(id: id, plan: plan), as: .anyone("awa"), at: time)
                var step = plan.steps[3]
                step.status = .done
                step.doneOn = day("2016-05-30")
                step.given = "Kit de couture"
                try store.commit(.updateStep(id: id, plan: plan.id, step: step), as: .anyone("moussa"), at: time + 60)
                step = plan.steps[4]
                step.status = .blocked
                step.blockedReason = "Route coupée"
                try store.commit(.updateStep(id: id, plan: plan.id, step: step), as: .anyone("moussa"), at: time + 120)
                try store.commit(.assess(id: id, assessment: Assessment(
                    id: UUID(), date: day("2016-04-10"), assessor: "awa",
                    ratings: ["safety": Rating(access: .partial, note: "Nuit"), "documentation": Rating(access: .none)])),
                    as: .anyone("awa"), at: time + 180)
                var referral = Referral(id: UUID(), service: "civil_registry", provider: "Mairie", date: day("2016-04-11"),
                                        criterion: "documentation")
                try store.commit(.saveReferral(id: id, referral: referral), as: .anyone("awa"), at: time + 240)
                referral.status = .accepted
                try store.commit(.saveReferral(id: id, referral: referral), as: .anyone("awa"), at: time + 300)
                try store.commit(.addNote(id: id, note: Note(id: UUID(), text: "Visite à domicile.", by: "awa", at: time + 360)),
                                 as: .anyone("awa"), at: time + 360)
                try store.commit(.requestClosure(id: id, reason: "Plan terminé"), as: .anyone("awa"), at: time + 420)
                try store.commit(.close(id: id, closure: Closure(reason: "durable_solution", note: "Vu", confirmedOpenItems: true)),
                                 as: .anyone("superviseur"), at: time + 480)
                try store.commit(.reopen(id: id, reason: "Nouveau besoin"), as: .anyone("superviseur"), at: time + 540)
                written = store.book[id]
                withExtendedLifetime(store) {}
            }
            let expected = try #require(written)
            #expect(expected.timeline.count == 11)
            #expect(expected.status == .active)

            let replayed = try Store(directory: directory)
            #expect(replayed.journalLines == 11)
            #expect(replayed.book[id] == expected)
            try replayed.close()

            let reopened = try Store(directory: directory)
            #expect(reopened.journalLines == 0)
            #expect(reopened.book[id] == expected)
            try reopened.close()
        }
    }
}
