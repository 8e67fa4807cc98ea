import Foundation
import Testing
@testable import RetourApp
@testable import RetourCore
import RetourTUI

/// A case followed through its tabs with the keyboard only, as a case worker does it
/// (the screen tests run on 29 November 2026).
@Suite("Case tabs: acting from each tab")
struct CaseTabsWorkflowTests {
    @Test("enrolling in the youth track plans its 7 steps from the enrolment date")
    func enrol() throws {
        let harness = try Harness()
        harness.open("GAO-000001")
        #expect(harness.tabBar.contains("[1 Profile]"))
        harness.type("2")
        #expect(harness.tabBar.contains("[2 Plan]"))
        #expect(harness.rows[2].contains("Not enrolled in any track yet. n enrols the case in one."))
        #expect(harness.footer.contains("n Enrol"))
        harness.type("n")
        #expect(harness.titleBar.contains("GAO-000001 · Enrolment in a track"))
        #expect(harness.formValue("Enrolment date *") == "2026-11-29")
        harness.pick(down: 0)
        #expect(harness.formValue("Track *") == "Youth entrepreneurship")
        harness.send(.function(2))

        #expect(harness.statusLine == " Enrolled in Youth entrepreneurship: 7 steps planned.")
        #expect(harness.titleBar.contains("Maïga Aïssata · Active"))
        #expect(harness.text.contains("Youth entrepreneurship · 0/7 done · enrolled 2026-11-29"))
        let steps = harness.tableRows.filter { !$0.contains("Youth entrepreneurship ·") }
        #expect(steps.count == 7)
        let expected = [("Profiling", 7), ("Training", 30), ("Business plan", 45), ("Insertion kit delivered", 60),
                        ("Activity started", 75), ("Follow-up at 3 months", 165), ("Follow-up at 6 months", 255)]
        for ((label, days), row) in zip(expected, steps) {
            #expect(row.contains(label) && row.contains("Not started") && row.contains(testToday.adding(days: days).iso), "\(row)")
        }
        #expect(steps[0].contains("2026-12-06") && steps[6].contains("2027-08-11"))
        #expect(harness.selectedRow?.contains("Profiling") == true)
        #expect(harness.terminal.cursor?.y == harness.rows.firstIndex { $0.hasPrefix(">") && $0.contains("Profiling") })

        let saved = try harness.stored("GAO-000001")
        #expect(saved.status == .active)
        #expect(saved.plans.map(\.track) == ["youth_entrepreneurship"])
        // Enrolled in every track but this one… then in all: n says so instead of opening a form.
        for _ in 0..<2 {
            harness.type("n")
            harness.pick(down: 0)
            harness.send(.function(2))
        }
        #expect(try harness.stored("GAO-000001").plans.count == 3)
        harness.type("n")
        #expect(harness.statusLine == " ! This case is already enrolled in every track.")
        #expect(harness.detail != nil)
    }

    @Test("a step marked done with its date and note: the plan says done, 1/7")
    func stepDone() throws {
        let harness = try Harness()
        harness.open("GAO-000001")
        harness.type("2n")
        harness.pick(down: 0)
        harness.send(.function(2))
        harness.send(.down)
        #expect(harness.selectedRow?.contains("Training") == true)
        #expect(harness.footer.contains("Enter Update"))
        harness.send(.enter)
        #expect(harness.titleBar.contains("Update a step"))
        #expect(harness.rows[1].contains("Step \"Training\" of Youth entrepreneurship."))
        #expect(harness.formValue("Status *") == "Not started")
        #expect(harness.formValue("Done by") == "")
        harness.pick(down: 2)
        #expect(harness.formValue("Status *") == "Done")
        #expect(harness.formValue("Done by") == "awa.traore")
        // Choosing Done dates it today; the date can be changed.
        #expect(harness.formValue("Date done") == "2026-11-29")
        harness.send(.tab, .tab)
        #expect(harness.terminal.cursor?.y == harness.formRow("Date done"))
        harness.send(.control("u"))
        harness.type("2026-11-28")
        harness.send(.tab, .tab, .tab)
        #expect(harness.terminal.cursor?.y == harness.formRow("Note"))
        harness.type("Attended all ten sessions")
        harness.send(.function(2))

        #expect(harness.statusLine == " Step \"Training\": Done.")
        #expect(harness.text.contains("Youth entrepreneurship · 1/7 done"))
        let row = try #require(harness.selectedRow)
        #expect(row.contains("Training") && row.contains("Done") && row.contains("2026-12-29") && row.contains("2026-11-28"))
        #expect(harness.details.contains { $0.contains("By: awa.traore · Note: Attended all ten sessions") })
        let step = try #require(try harness.stored("GAO-000001").plans.first?.steps[1])
        #expect(step.status == .done)
        #expect(step.doneOn == CalendarDate(year: 2026, month: 11, day: 28))
        #expect(step.note == "Attended all ten sessions")
        #expect(step.by == "awa.traore")
        #expect(try harness.stored("GAO-000001").status == .active)
    }

    @Test("the step form explains a missing done date, a date for a step not done and a blocked step without reason")
    func stepRules() throws {
        let harness = try Harness()
        harness.open("GAO-000001")
        harness.type("2n")
        harness.pick(down: 0)
        harness.send(.function(2))
        harness.send(.enter)
        harness.pick(down: 3)  // Blocked
        harness.send(.tab, .tab)
        harness.type("12/12/2026")
        harness.send(.function(2))
        #expect(harness.wrappedIssue(under: "Date done") == "Only for a step that is done: clear it, or choose the status Done.")
        #expect(harness.wrappedIssue(under: "Why blocked") == "Say why the step is blocked.")
        #expect(harness.statusLine == " ! 2 fields to correct: see the messages under the fields.")
        #expect(harness.terminal.cursor?.y == harness.formRow("Date done"))
        harness.send(.control("u"))
        #expect(harness.issue(under: "Date done") == nil)
        harness.send(.tab, .tab)
        harness.type("No trainer")
        #expect(harness.issue(under: "Why blocked") == nil)
        harness.send(.function(2))
        #expect(harness.selectedRow?.contains("Blocked") == true)
        #expect(harness.details.contains("Blocked: No trainer"))
        #expect(try harness.stored("GAO-000001").plans[0].steps[0].blockedReason == "No trainer")
    }

    @Test("overdue steps are marked in words, in English and in French")
    func overdue() throws {
        for language in [Language.en, .fr] {
            let harness = try Harness(language: language)
            harness.open("GAO-000001")
            harness.type("2n")
            harness.pick(down: 0)
            harness.send(.tab, .control("u"))
            harness.type(language == .fr ? "01/09/2026" : "2026-09-01")
            harness.send(.function(2))
            let late = language == .fr ? "! retard" : "! late"
            let rows = harness.tableRows.filter { $0.contains(late) }
            // Planned 8 Sep, 1 Oct, 16 Oct, 31 Oct and 15 Nov: passed on 29 Nov, and not done.
            #expect(rows.count == 5, "\(harness.text)")
            #expect(harness.rows[2].contains(language == .fr ? "5 étapes en retard" : "5 steps late"))
            #expect(harness.selectedRow?.contains(late) == true)
            #expect(harness.details.contains(language == .fr ? "En retard de 82 jours : la date prévue est passée."
                                                             : "Late by 82 days: the planned date has passed."))
            // Marked done, a step is no longer late.
            harness.send(.enter)
            harness.pick(down: 2)
            harness.send(.function(2))
            #expect(harness.tableRows.filter { $0.contains(late) }.count == 4)
            #expect(harness.selectedRow?.contains(late) == false)
        }
    }

    @Test("an assessment with two gaps lists them first; a second one shows none → partial")
    func assessments() throws {
        let harness = try Harness()
        harness.open("GAO-000001")
        harness.type("3")
        #expect(harness.rows[2].contains("No assessment yet. n records the first one."))
        #expect(harness.tableRows.count == 8)
        #expect(harness.tableRows.allSatisfy { $0.contains("Not assessed") })
        #expect(harness.footer.contains("n Assess"))
        harness.type("n")
        #expect(harness.titleBar.contains("Rights assessment"))
        #expect(harness.formValue("Assessor *") == "awa.traore")
        // Nothing rated: refused, with the reason said above the fields and in the status line.
        harness.send(.function(2))
        #expect(harness.statusLine == " ! Rate at least one criterion.")
        #expect(harness.text.contains("! Rate at least one criterion."))
        harness.send(.control("u"))
        harness.type("2026-10-15")
        harness.send(.tab, .tab)
        #expect(harness.terminal.cursor?.y == harness.formRow("Safety & free movement"))
        harness.pick(down: 1)  // Full access
        harness.send(.tab, .tab, .tab, .tab)
        #expect(harness.terminal.cursor?.y == harness.formRow("Jobs & livelihoods"))
        harness.pick(down: 3)  // No access
        harness.send(.tab)
        harness.type("No work since the return")
        harness.send(.tab, .tab, .tab)
        harness.pick(down: 2)  // Partial access
        // A note without a rating is explained under it.
        harness.send(.tab, .tab, .tab)
        harness.type("Not seen")
        #expect(harness.wrappedIssue(under: "Family reunification") == "Choose the access too, or clear the note.")
        harness.send(.control("u"))
        #expect(harness.wrappedIssue(under: "Family reunification") == nil)
        harness.send(.function(2))

        #expect(harness.statusLine == " Assessment of 2026-10-15 recorded: 2 gaps.")
        #expect(harness.tabBar.contains("[3 Rights]"))
        #expect(harness.rows[2].contains("1 assessment · latest 2026-10-15 by awa.traore · 2 gaps"))
        var rows = harness.tableRows
        #expect(rows[0].contains("! gap") && rows[0].contains("Jobs & livelihoods") && rows[0].contains("No access"))
        #expect(rows[1].contains("! gap") && rows[1].contains("Personal documents") && rows[1].contains("Partial access"))
        #expect(rows[2].contains("Safety & free movement") && rows[2].contains("Full access") && !rows[2].contains("! gap"))
        #expect(rows[0].contains("first rating") && rows[0].contains("2026-10-15"))
        #expect(rows[3...].allSatisfy { $0.contains("Not assessed") })
        #expect(harness.details.first == "Employment and livelihoods — No access")
        #expect(harness.details.contains("Assessed 2026-10-15 by awa.traore · Note: No work since the return"))

        // The second assessment: livelihoods now partial, the rest not assessed this time.
        harness.type("n")
        #expect(harness.text.contains("(note · before: none)"))
        harness.send(.tab, .tab, .tab, .tab, .tab, .tab)
        harness.pick(down: 2)
        harness.send(.function(2))
        #expect(harness.statusLine == " Assessment of 2026-11-29 recorded: 1 gap.")
        rows = harness.tableRows
        #expect(rows[0].contains("Jobs & livelihoods") && rows[0].contains("Partial access") && rows[0].contains("none → partial"))
        #expect(rows[1].contains("Personal documents") && rows[1].contains("first rating"))
        #expect(harness.details.contains("History: 2026-10-15 none · 2026-11-29 partial"))
        let saved = try harness.stored("GAO-000001")
        #expect(saved.assessments.count == 2)
        #expect(saved.assessments[1].ratings.keys.sorted() == ["livelihoods"])
        #expect(saved.assessments[0].ratings["livelihoods"]?.note == "No work since the return")
        #expect(saved.gaps(criteria: harness.session.reference.tracks.criteria) == ["livelihoods", "documentation"])
    }

    @Test("a referral added, then updated to accepted through the same form; Enter on a gap refers for it")
    func referrals() throws {
        let harness = try Harness()
        harness.open("GAO-000001")
        harness.type("4")
        #expect(harness.rows[2].contains("No referral yet."))
        harness.type("n")
        #expect(harness.titleBar.contains("New referral"))
        #expect(harness.formValue("Status *") == "Referred")
        harness.pick(down: 0)
        harness.send(.tab)
        harness.type("Mairie de Gao")
        harness.send(.function(2))
        #expect(harness.statusLine == " Referral to Civil registry / documents recorded (Referred).")
        var row = try #require(harness.selectedRow)
        #expect(row.contains("Civil registry") && row.contains("Mairie de Gao") && row.contains("2026-11-29") && row.contains("Referred"))
        #expect(harness.rows[2].contains("1 referral, 1 open"))

        harness.send(.enter)
        #expect(harness.titleBar.contains("Update a referral"))
        #expect(harness.formValue("Provider") == "Mairie de Gao")
        // The update starts on the status.
        #expect(harness.terminal.cursor?.y == harness.formRow("Status *"))
        harness.pick(down: 1)
        harness.send(.tab)
        harness.type("Appointment on 3 December")
        harness.send(.function(2))
        #expect(harness.statusLine == " Referral to Civil registry / documents: Accepted.")
        row = try #require(harness.selectedRow)
        #expect(row.contains("Accepted"))
        #expect(harness.details.contains("Outcome: Appointment on 3 December"))
        var saved = try harness.stored("GAO-000001")
        #expect(saved.referrals.count == 1)
        #expect(saved.referrals[0].status == .accepted)
        #expect(saved.referrals[0].outcome == "Appointment on 3 December")

        // From the rights tab, Enter on a criterion refers for it.
        let id = try #require(harness.seeded["GAO-000001"])
        try #require(harness.app.commit(.assess(id: id, assessment: Assessment(
            id: UUID(), date: testToday, assessor: "awa.traore", ratings: ["justice": Rating(access: .none)]))) != nil)
        harness.type("3")
        #expect(harness.selectedRow?.contains("Remedies & justice") == true)
        #expect(harness.footer.contains("Enter Refer"))
        harness.send(.enter)
        #expect(harness.formValue("For the criterion") == "Remedies and access to justice")
        harness.pick(down: 5)  // Legal aid
        harness.send(.function(2))
        #expect(harness.tabBar.contains("[4 Referrals]"))
        #expect(harness.selectedRow?.contains("Legal aid") == true)
        #expect(harness.selectedRow?.contains("Justice") == true)
        saved = try harness.stored("GAO-000001")
        #expect(saved.referrals.last?.criterion == "justice")
    }

    @Test("a note and its correction: the old note stays, marked corrected")
    func notes() throws {
        let harness = try Harness()
        harness.open("GAO-000001")
        harness.type("5n")
        #expect(harness.titleBar.contains("New note"))
        harness.send(.function(2))
        #expect(harness.issue(under: "Note *") == "Required.")
        harness.type("Home visit: the family is well")
        harness.send(.function(2))
        #expect(harness.statusLine == " Note added.")
        #expect(harness.selectedRow?.contains("awa.traore") == true)
        #expect(harness.selectedRow?.contains("Home visit: the family is well") == true)

        harness.send(.enter)
        #expect(harness.titleBar.contains("Correct a note"))
        // Typed afresh under the note it corrects.
        #expect(harness.formValue("Note *") == "")
        #expect(harness.text.contains("  Home visit: the family is well"))
        harness.type("Home visit: the family is well")
        harness.send(.function(2))
        #expect(harness.wrappedIssue(under: "Note *") == "The text is the same: correct it, or Esc to cancel.")
        harness.send(.backspace, .backspace, .backspace, .backspace)
        harness.type("better")
        harness.send(.function(2))
        #expect(harness.statusLine == " Correction added; the old note is marked corrected.")
        let rows = harness.tableRows
        #expect(rows.count == 2)
        #expect(rows[0].contains("[corrected] Home visit: the family is well"))
        #expect(rows[1].contains("[correction] Home visit: the family is better"))
        #expect(harness.selectedRow == rows[1])
        #expect(harness.details.first?.hasPrefix("Corrects the note of ") == true)
        harness.send(.up)
        #expect(harness.details.first?.hasPrefix("Corrected on ") == true)
        let notes = try harness.stored("GAO-000001").notes
        #expect(notes.count == 2)
        #expect(notes[0].text == "Home visit: the family is well")
        #expect(notes[1].corrects == notes[0].id)
        #expect(notes[1].by == "awa.traore")
    }

    @Test("requesting and closing say the open steps, the rights gaps and the open referrals", arguments: [Language.en, .fr])
    func closingNamesOpenReferrals(language: Language) throws {
        let harness = try Harness(language: language)
        try FollowUpSeed.record(harness)
        let fr = language == .fr
        harness.open("GAO-000001")
        harness.type("c")
        let items = fr ? ["6 étapes ni faites ni sans objet", "2 critères sans accès ou en accès partiel", "1 orientation en cours"]
                       : ["6 steps neither done nor not applicable", "2 criteria with no or partial access", "1 open referral"]
        for item in items { #expect(harness.text.contains(item), "request form lacks \(item): \(harness.text)") }
        harness.pick(down: 1)
        harness.send(.tab)
        harness.type("Moved")
        harness.send(.function(2))
        harness.type("c")
        harness.pick(down: 1)
        harness.send(.function(2))
        for item in items { #expect(harness.text.contains(item), "close warning lacks \(item): \(harness.text)") }
    }

    @Test("request closure, close with open steps after a confirmation, edits keep it closed, reopen; the timeline tells it all")
    func lifecycle() throws {
        let harness = try Harness()
        harness.open("GAO-000001")
        harness.type("2n")
        harness.pick(down: 0)
        harness.send(.function(2))
        harness.type("1")
        #expect(harness.footer.contains("c Request closure"))
        #expect(!harness.footer.contains("Reopen"))
        harness.type("c")
        #expect(harness.titleBar.contains("Request closure"))
        harness.send(.function(2))
        #expect(harness.issue(under: "Why") == "Required.")
        harness.pick(down: 1)  // Moved away: the first field with a problem has the focus
        harness.send(.tab)
        harness.type("Family moved to Bamako")
        harness.send(.function(2))
        #expect(harness.statusLine == " Closure of GAO-000001 requested.")
        #expect(harness.titleBar.contains("· Closure requested"))
        #expect(harness.text.contains("Family moved to Bamako"))
        #expect(harness.footer.contains("c Close the case"))

        harness.type("c")
        #expect(harness.text.contains("Closure requested: Family moved to Bamako"))
        harness.pick(down: 1)  // Moved away
        harness.send(.tab)
        harness.type("Address left with the chief")
        harness.send(.function(2))
        #expect(harness.text.contains(" Close with open items? "))
        #expect(harness.text.contains("7 steps neither done nor not applicable"))
        #expect(harness.text.contains("[ Back ]"))
        // Enter on the focused "Back": nothing is closed, the form is still there.
        harness.send(.enter)
        #expect(try harness.stored("GAO-000001").status == .closureRequested)
        #expect(harness.titleBar.contains("Close the case"))
        harness.send(.function(2), .right, .enter)
        #expect(harness.statusLine == " GAO-000001 closed.")
        var saved = try harness.stored("GAO-000001")
        #expect(saved.status == .closed)
        #expect(saved.closure == Closure(reason: "moved_away", note: "Address left with the chief", confirmedOpenItems: true))
        #expect(harness.footer.contains("r Reopen"))
        #expect(!harness.footer.contains("closure") && !harness.footer.contains("Close"))

        // Only what the status allows: c and enrolling do nothing on a closed case.
        let seq = harness.store.book.seq
        harness.type("c")
        #expect(harness.detail != nil)
        harness.type("2")
        #expect(!harness.footer.contains("n Enrol"))
        harness.type("n")
        #expect(harness.detail != nil)
        #expect(harness.store.book.seq == seq)

        // Following up a closed case keeps it closed.
        harness.send(.enter)
        harness.pick(down: 1)
        harness.send(.function(2))
        harness.type("5n")
        harness.type("Called: settled in Bamako")
        harness.send(.function(2))
        saved = try harness.stored("GAO-000001")
        #expect(saved.status == .closed)
        #expect(saved.notes.count == 1)
        #expect(saved.plans[0].steps[0].status == .inProgress)

        harness.type("r")
        #expect(harness.titleBar.contains("Reopen the case"))
        harness.type("Came back to Gao")
        harness.send(.function(2))
        #expect(harness.statusLine == " GAO-000001 reopened.")
        saved = try harness.stored("GAO-000001")
        #expect(saved.status == .active)
        #expect(saved.closure == nil)
        // Not the profile tab: the lifecycle keys work here too, and the footer says so.
        #expect(harness.footer.contains("c Request closure"))
        harness.type("1")
        #expect(harness.footer.contains("c Request closure"))

        harness.type("6")
        let events = harness.tableRows
        let expected = ["Registered", "Enrolled in Youth entrepreneurship", "Closure requested: Family moved to Bamako",
                        "Closed: Moved away — open items confirmed", "Profiling → In progress · Youth entrepreneurship",
                        "Note added", "Reopened: Came back to Gao"]
        #expect(events.count == expected.count, "\(harness.text)")
        for (row, what) in zip(events, expected) {
            #expect(row.contains("awa.traore") && row.contains(what), "\(row) / \(what)")
        }
        #expect(harness.selectedRow?.contains("Reopened") == true)
        #expect(harness.details.first == "Reopened: Came back to Gao")
    }

    @Test("the timeline says each event in French, codes turned into labels, with who and when")
    func timelineInFrench() throws {
        let harness = try Harness(language: .fr)
        try FollowUpSeed.record(harness)
        harness.open("GAO-000001")
        harness.type("e")
        harness.send(.tab, times: 5)
        harness.send(.control("u"))
        harness.type("66 77 88 99")
        harness.send(.function(2))
        harness.type("6")
        #expect(harness.rows[2].contains("10 événements, du plus ancien au plus récent"))
        let expected = [
            "Enregistrement", "Inscription : Entrepreneuriat des jeunes", "Profilage → Faite · Entrepreneuriat des jeunes",
            "Formation → Bloquée · Entrepreneuriat des jeunes", "Évaluation des droits du 02/09/2026 : 2 manques",
            "Évaluation des droits du 02/11/2026 : 1 manque", "Orientation vers État civil / documents (Orienté)",
            "Note ajoutée", "Correction d'une note ajoutée", "Profil modifié (Téléphone)",
        ]
        let rows = harness.tableRows
        #expect(rows.count == expected.count, "\(harness.text)")
        for (row, what) in zip(rows, expected) {
            #expect(row.contains("awa.traore") && row.contains(what), "\(row) / \(what)")
        }
        // The latest is selected, and its date and author are said in full under the table.
        #expect(harness.selectedRow?.contains("Profil modifié (Téléphone)") == true)
        #expect(harness.details.last?.hasPrefix("Le ") == true && harness.details.last?.hasSuffix(" par awa.traore") == true)
        #expect(harness.terminal.cursor?.y == harness.rows.firstIndex { $0.hasPrefix(">") })
    }

    @Test("a blocked step put back in progress: its form says the reason goes on save and the timeline keeps it")
    func leavingBlockedSaysTheReasonGoes() throws {
        let harness = try Harness()
        try FollowUpSeed.record(harness)
        harness.open("GAO-000001")
        harness.type("2")
        harness.select("Training")
        #expect(harness.selectedRow?.contains("Blocked") == true, "\(harness.text)")
        harness.send(.enter)
        #expect(!harness.text.contains("cleared on save"), "\(harness.text)")
        harness.pick(down: 1)
        #expect(harness.formValue("Status *") == "In progress")
        #expect(harness.text.contains("Only for a blocked step: cleared on save"), "\(harness.text)")
        harness.send(.function(2))
        let saved = try harness.stored("GAO-000001")
        #expect(saved.plans[0].steps[1].blockedReason == "")
        let last = try #require(saved.timeline.last)
        #expect(TimelineText.describe(last, catalog: harness.catalog).contains("was blocked: Trainer not available until January"))
    }

    @Test("timeline texts: several fields, none, an unknown code, and a closure confirmed with open items")
    func timelineText() throws {
        let catalog = try Fixtures.get().english
        func text(_ kind: String, _ details: [String: String]) -> String {
            TimelineText.describe(TimelineEvent(seq: 1, by: "a", at: Date(), kind: kind, details: details), catalog: catalog)
        }
        #expect(text("timeline.edit", ["fields": "phone household_size village"]) == "Profile edited (Phone, Household size, Village / quarter)")
        #expect(text("timeline.edit", ["fields": ""]) == "Profile edited (no field)")
        #expect(text("timeline.edit", ["fields": "nickname"]) == "Profile edited (nickname)")
        #expect(text("timeline.closed", ["reason": "lost_contact", "confirmed": "yes"]) == "Closed: Lost contact — open items confirmed")
        #expect(text("timeline.closed", ["reason": "deceased", "confirmed": "no"]) == "Closed: Deceased")
        #expect(text("timeline.closureRequested", ["reason": "Moved\nto Bamako"]) == "Closure requested: Moved to Bamako")
        #expect(text("timeline.referralUpdated", ["service": "legal_aid", "status": "completed"]) == "Referral to Legal aid: Completed")
        #expect(text("timeline.step", ["track": "women_agr", "step": "kit_or_grant", "status": "not_applicable"])
                == "Kit or grant delivered → Not applicable · Women's income-generating activity (AGR)")
        // Blocked: why, so that the timeline keeps it once the step moves on.
        #expect(text("timeline.step", ["track": "youth_entrepreneurship", "step": "training", "status": "blocked",
                                       "reason": "Travelled\nto Niamey"]) == "Training → Blocked · Youth entrepreneurship — Travelled to Niamey")
        #expect(text("timeline.step", ["track": "youth_entrepreneurship", "step": "training", "status": "in_progress",
                                       "wasBlocked": "Travelled to Niamey"])
                == "Training → In progress · Youth entrepreneurship — was blocked: Travelled to Niamey")
        // Saved with its status unchanged: the fields that changed, not a status that did not.
        #expect(text("timeline.step", ["track": "youth_entrepreneurship", "step": "training", "status": "in_progress",
                                       "changed": "note blocked"]) == "Step Training updated: Note, Why blocked · Youth entrepreneurship")
    }

    @Test("a status change refused as a conflict opens the conflict screen over the form, which keeps what was typed")
    func refused() throws {
        let harness = try Harness()
        harness.open("GAO-000001")
        harness.type("c")
        harness.pick(down: 0)
        harness.send(.tab)
        harness.type("Durable solution reached")
        // Meanwhile the case is asked for closure by another way.
        let id = try #require(harness.seeded["GAO-000001"])
        try #require(harness.app.commit(.requestClosure(id: id, reason: "From elsewhere")) != nil)
        harness.send(.function(2))
        // The form was opened on the case before that request: now a conflict, naming who
        // changed the case, on the conflict screen (the form, and what it holds, under it).
        #expect(harness.app.top is ConflictScreen)
        #expect(harness.statusLine.hasSuffix("awa.traore changed the status of this case: choose what to keep."), "\(harness.statusLine)")
        #expect(try harness.stored("GAO-000001").closureRequest == "From elsewhere")
        // Esc: back to the form; Esc again asks before dropping what was typed.
        harness.send(.escape)
        #expect(harness.titleBar.contains("Request closure"))
        harness.send(.escape)
        #expect(harness.text.contains("What you typed in this form will be lost."))
        harness.send(.right, .enter)
        #expect(harness.detail != nil)
        #expect(harness.footer.contains("c Close the case"))
    }

    @Test("a read-only session shows the tabs but refuses their actions before any form opens")
    func readOnly() throws {
        let harness = try Harness(readOnly: true)
        harness.open("GAO-000001")
        harness.type("2")
        harness.type("n")
        #expect(harness.statusLine.hasPrefix(" ! Read-only"))
        #expect(harness.detail != nil)
        harness.type("5n")
        #expect(harness.detail != nil)
        harness.type("c")
        #expect(harness.detail != nil)
    }
}
