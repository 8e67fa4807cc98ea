import Foundation
import Testing
@testable import RetourApp
@testable import RetourCore
import RetourTUI

/// Two case workers on one directory change the same thing: the second's save shows the
/// conflict screen, whose three choices each save and journal the decision; nothing typed is lost.
@Suite("The conflict screen")
struct ConflictScreenTests {
    /// The journal's entries as written on disk, in order.
    static func journal(_ harness: Harness) throws -> [JournalEntry] {
        let text = try String(contentsOf: harness.directory.appendingPathComponent(Store.Files.journal), encoding: .utf8)
        return try text.split(separator: "\n").map { try LineDecoder().decode(JournalEntry.self, from: Data($0.utf8)) }
    }

    /// GAO-000001's profile being edited here (phone, and `alsoVillage` the village too) while
    /// m.diallo, in another case manager, saves it with another phone (`theirPhone`, or the
    /// same one unchanged) and another family name; then F2 here.
    static func editWhileTheyEdit(_ harness: Harness, theirPhone: String? = "65 99 99 99", alsoVillage: Bool = false) throws {
        let other = try LiveUpdateTests.otherApp(harness, login: "m.diallo")
        harness.open("GAO-000001")
        harness.type("e")
        #expect(harness.titleBar.contains("GAO-000001"))
        harness.send(.tab, times: 5)
        #expect(harness.terminal.cursor?.y == harness.formRow(harness.catalog.text("field.phone")))
        harness.send(.control("u"))
        harness.type("70 00 00 01")
        if alsoVillage {
            harness.send(.tab, times: 8)
            #expect(harness.terminal.cursor?.y == harness.formRow("Village"))
            harness.send(.control("u"))
            harness.type("Tacharane")
        }
        let id = try #require(harness.seeded["GAO-000001"])
        let seen = try #require(try other.store.book.read(id))
        var profile = seen.profile
        if let theirPhone { profile.phone = theirPhone }
        profile.familyName = "Maïga-Cissé"
        #expect(other.commit(.editProfile(id: id, expectedVersion: seen.version, profile: profile)) != nil)
        harness.send(.function(2))
    }

    @Test("a profile edit on a stale version: the fields both changed, what I typed, what they saved, who and when")
    func profileConflictShown() throws {
        let harness = try Harness(secondSession: true)
        try Self.editWhileTheyEdit(harness, alsoVillage: true)
        #expect(harness.app.top is ConflictScreen)
        #expect(harness.titleBar.contains("GAO-000001 · Conflict"), "\(harness.titleBar)")
        let text = harness.text
        #expect(text.contains("m.diallo saved this person's profile on"), "\(text)")
        #expect(text.contains("▸ Phone"))
        #expect(harness.rows.contains { $0.contains("You typed:") && $0.contains("70 00 00 01") })
        #expect(harness.rows.contains { $0.contains("m.diallo saved:") && $0.contains("65 99 99 99") })
        // Only the phone is in conflict: their family name and my village are not asked about.
        #expect(!text.contains("▸ Family name") && !text.contains("▸ Village"))
        #expect(text.contains("Your other changes (Village / quarter) are saved whatever you choose."))
        #expect(harness.statusLine.contains("m.diallo saved a field you changed"), "\(harness.statusLine)")
        for hint in ["t Keep theirs", "m Keep mine", "e Edit", "Esc My form"] {
            #expect(harness.footer.contains(hint), "\(harness.footer)")
        }
        // Esc: back to my form, what I typed still there, nothing saved.
        let seq = harness.store.book.seq
        harness.send(.escape)
        #expect(harness.formValue("Phone") == "70 00 00 01")
        #expect(harness.store.book.seq == seq)
        // Saving again shows the conflict again.
        harness.send(.function(2))
        #expect(harness.app.top is ConflictScreen)
        // The help says what each choice does.
        harness.type("?")
        #expect(harness.text.contains("Keep theirs: their values stay"))
    }

    @Test("keep theirs: their phone stays, my village is saved, what I typed is journaled with the decision")
    func keepTheirs() throws {
        let harness = try Harness(secondSession: true)
        try Self.editWhileTheyEdit(harness, alsoVillage: true)
        harness.type("t")
        #expect(harness.detail != nil)
        #expect(harness.statusLine == " GAO-000001: m.diallo's version kept; yours is in the case's history.", "\(harness.statusLine)")
        let saved = try harness.stored("GAO-000001")
        #expect(saved.profile.phone == "65 99 99 99" && saved.profile.village == "Tacharane" && saved.profile.familyName == "Maïga-Cissé")
        let entries = try Self.journal(harness)
        guard case .resolveConflict(_, let decision)? = entries.last?.change else {
            Issue.record("no decision journaled: \(String(describing: entries.last))")
            return
        }
        #expect(decision.choice == .theirs && decision.with == "m.diallo" && decision.fields == ["phone"])
        #expect(decision.dropped == ["phone": "70 00 00 01"])
        #expect(entries.last?.by == Harness.author)
        // The timeline says it in words.
        harness.type("6")
        #expect(harness.text.contains("Conflict with m.diallo on Phone: m.diallo's version kept"), "\(harness.text)")
    }

    @Test("keep mine: my phone saved over theirs on their version (their family name kept), the decision journaled")
    func keepMine() throws {
        let harness = try Harness(language: .fr, secondSession: true)
        try Self.editWhileTheyEdit(harness)
        #expect(harness.titleBar.contains("GAO-000001 · Conflit"))
        #expect(harness.footer.contains("l La leur") && harness.footer.contains("m La mienne"), "\(harness.footer)")
        harness.type("m")
        #expect(harness.detail != nil)
        let saved = try harness.stored("GAO-000001")
        #expect(saved.profile.phone == "70 00 00 01" && saved.profile.familyName == "Maïga-Cissé")
        let entries = try Self.journal(harness)
        #expect(entries.suffix(2).map(\.change.name) == ["editProfile", "resolveConflict"])
        if case .resolveConflict(_, let decision)? = entries.last?.change {
            #expect(decision.choice == .mine && decision.fields == ["phone"] && decision.dropped.isEmpty)
        }
    }

    @Test("edit: my form again on their version, filled with my values; saving journals the decision")
    func editMine() throws {
        let harness = try Harness(secondSession: true)
        try Self.editWhileTheyEdit(harness)
        harness.type("e")
        #expect(harness.app.top is CaseFormScreen)
        #expect(harness.formValue("Phone") == "70 00 00 01")
        #expect(harness.formValue("Family name *") == "Maïga-Cissé")
        #expect(harness.statusLine.contains("Your values on m.diallo's version"), "\(harness.statusLine)")
        // The cursor on the field in conflict.
        #expect(harness.terminal.cursor?.y == harness.formRow("Phone"))
        harness.send(.control("u"))
        harness.type("70 00 00 02")
        harness.send(.function(2))
        #expect(harness.detail != nil, "\(harness.text)")
        let saved = try harness.stored("GAO-000001")
        #expect(saved.profile.phone == "70 00 00 02" && saved.profile.familyName == "Maïga-Cissé")
        let entries = try Self.journal(harness)
        #expect(entries.suffix(2).map(\.change.name) == ["editProfile", "resolveConflict"])
        if case .resolveConflict(_, let decision)? = entries.last?.change {
            #expect(decision.choice == .edited && decision.with == "m.diallo")
        }
    }

    @Test("different fields of one profile: a merge, saved without asking")
    func profileMerged() throws {
        let harness = try Harness(secondSession: true)
        try Self.editWhileTheyEdit(harness, theirPhone: nil)
        #expect(harness.detail != nil)
        #expect(harness.statusLine.contains("Case GAO-000001 updated, with the changes m.diallo saved to other fields."),
                "\(harness.statusLine)")
        let saved = try harness.stored("GAO-000001")
        #expect(saved.profile.phone == "70 00 00 01" && saved.profile.familyName == "Maïga-Cissé")
        #expect(try Self.journal(harness).last?.change.name == "editProfile")
    }

    /// The training step edited here (note typed) while m.diallo saves it done with their note.
    static func stepWhileTheyStep(_ harness: Harness) throws {
        let other = try Self.openStep("Training", harness)
        #expect(harness.titleBar.contains("Update a step"))
        harness.send(.tab, times: 5)
        #expect(harness.terminal.cursor?.y == harness.formRow("Note"))
        harness.type("Trainer found in Ansongo")
        try theySave(step: 1, harness, other) { $0.note = "Postponed to March" }
        harness.send(.function(2))
    }

    /// The step `name` of GAO-000001's plan open in its form here, with m.diallo in another
    /// case manager on the same directory (returned).
    static func openStep(_ name: String, _ harness: Harness) throws -> CaseManagerApp {
        try FollowUpSeed.record(harness)
        let other = try LiveUpdateTests.otherApp(harness, login: "m.diallo")
        harness.open("GAO-000001")
        harness.type("2")
        harness.select(name)
        harness.send(.enter)
        return other
    }

    /// The other case manager, having read what was recorded here first (as it does while
    /// idle), saves GAO-000001's step `index` of its first plan changed by `change`.
    static func theySave(step index: Int, _ harness: Harness, _ other: CaseManagerApp, _ change: (inout Step) -> Void) throws {
        other.refreshFromDisk()
        let id = try #require(harness.seeded["GAO-000001"])
        let seen = try #require(try other.store.book.read(id))
        var step = seen.plans[0].steps[index]
        change(&step)
        #expect(other.commit(.updateStep(id: id, plan: seen.plans[0].id, step: step), on: seen.version) != nil)
    }

    @Test("the same step saved by two: the conflict screen for a step, each choice")
    func stepConflict() throws {
        for choice in ["t", "m", "e"] {
            let harness = try Harness(secondSession: true)
            try Self.stepWhileTheyStep(harness)
            #expect(harness.app.top is ConflictScreen, "\(harness.text)")
            #expect(harness.text.contains("m.diallo saved the step Training (Youth entrepreneurship) on"), "\(harness.text)")
            #expect(harness.rows.contains { $0.contains("You typed:") && $0.contains("Trainer found in Ansongo") })
            #expect(harness.rows.contains { $0.contains("m.diallo saved:") && $0.contains("Postponed to March") })
            harness.type(choice)
            if choice == "e" {
                #expect(harness.titleBar.contains("Update a step"))
                #expect(harness.formValue("Note") == "Trainer found in Ansongo")
                harness.send(.function(2))
            }
            #expect(harness.detail != nil, "\(choice): \(harness.text)")
            let note = try harness.stored("GAO-000001").plans[0].steps[1].note
            #expect(note == (choice == "t" ? "Postponed to March" : "Trainer found in Ansongo"), "\(choice)")
            let entries = try Self.journal(harness)
            guard case .resolveConflict(_, let decision)? = entries.last?.change else {
                Issue.record("\(choice): no decision journaled")
                continue
            }
            #expect(decision.choice == (choice == "t" ? .theirs : choice == "m" ? .mine : .edited))
            #expect(decision.step == "training" && decision.fields == ["note"])
            if choice == "t" { #expect(decision.dropped == ["note": "Trainer found in Ansongo"]) }
            if choice != "t" { #expect(entries.suffix(2).first?.change.name == "updateStep") }
        }
    }

    @Test("edit after a step conflict: their date done is left out under my status, which is not done")
    func stepEditKeepsWhatMyStatusHas() throws {
        let harness = try Harness(secondSession: true)
        let other = try Self.openStep("Business plan", harness)
        harness.pick(down: 1)
        #expect(harness.formValue("Status *") == "In progress")
        try Self.theySave(step: 2, harness, other, Self.doneByDiallo)
        harness.send(.function(2))
        #expect(harness.app.top is ConflictScreen, "\(harness.text)")
        harness.type("e")
        #expect(harness.formValue("Status *") == "In progress")
        // Empty: the placeholder shows.
        #expect(harness.formValue("Date done") == "(when done)", "\(harness.text)")
        harness.send(.function(2))
        #expect(harness.detail != nil, "\(harness.text)")
        #expect(try harness.stored("GAO-000001").plans[0].steps[2].status == .inProgress)
    }

    /// The business plan step marked blocked here, with a reason typed, while m.diallo saves it done.
    static func blockWhileTheyFinish(_ harness: Harness) throws {
        let other = try Self.openStep("Business plan", harness)
        harness.pick(down: 3)
        #expect(harness.formValue("Status *") == "Blocked")
        harness.send(.tab, times: 4)
        #expect(harness.terminal.cursor?.y == harness.formRow("Why blocked"))
        harness.type("Travelled to Niamey")
        try theySave(step: 2, harness, other, doneByDiallo)
        harness.send(.function(2))
    }

    /// The step marked done today by m.diallo.
    static func doneByDiallo(_ step: inout Step) {
        step.status = .done
        step.doneOn = testToday
        step.by = "m.diallo"
    }

    @Test("a reason typed for my status, which theirs replaces: in conflict with it, never saved apart nor lost")
    func reasonFollowsItsStatus() throws {
        for choice in ["t", "m", "e"] {
            let harness = try Harness(secondSession: true)
            try Self.blockWhileTheyFinish(harness)
            #expect(harness.app.top is ConflictScreen, "\(harness.text)")
            #expect(harness.rows.contains { $0.contains("You typed:") && $0.contains("Travelled to Niamey") }, "\(harness.text)")
            #expect(!harness.text.contains("are saved whatever you choose"), "\(harness.text)")
            harness.type(choice)
            if choice == "e" {
                #expect(harness.titleBar.contains("Update a step"))
                // The cursor on the first field in conflict.
                #expect(harness.terminal.cursor?.y == harness.formRow("Status *"), "\(harness.text)")
                #expect(harness.formValue("Why blocked") == "Travelled to Niamey")
                harness.send(.function(2))
            }
            let step = try harness.stored("GAO-000001").plans[0].steps[2]
            #expect(step.status == (choice == "t" ? .done : .blocked), "\(choice)")
            #expect(step.blockedReason == (choice == "t" ? "" : "Travelled to Niamey"), "\(choice)")
            let entries = try Self.journal(harness)
            guard case .resolveConflict(_, let decision)? = entries.last?.change else {
                Issue.record("\(choice): no decision journaled")
                continue
            }
            #expect(decision.fields.contains("status") && decision.fields.contains("blocked"), "\(decision.fields)")
            if choice == "t" {
                #expect(decision.dropped["blocked"] == "Travelled to Niamey" && decision.dropped["status"] == "blocked",
                        "\(decision.dropped)")
                // What I typed shows in the case's timeline, not only in the journal.
                let timeline = try harness.stored("GAO-000001").timeline.map { TimelineText.describe($0, catalog: harness.catalog) }
                #expect(timeline.contains { $0.contains("Travelled to Niamey") }, "\(timeline)")
            }
        }
    }

    @Test("a reason typed for my status while they changed only the note: a merge, saved without asking")
    func reasonMergesWhenTheirStatusStayed() throws {
        let harness = try Harness(secondSession: true)
        let other = try Self.openStep("Business plan", harness)
        harness.pick(down: 3)
        harness.send(.tab, times: 4)
        harness.type("Travelled to Niamey")
        try Self.theySave(step: 2, harness, other) { $0.note = "Called on Monday" }
        harness.send(.function(2))
        #expect(!(harness.app.top is ConflictScreen), "\(harness.text)")
        let step = try harness.stored("GAO-000001").plans[0].steps[2]
        #expect(step.status == .blocked && step.blockedReason == "Travelled to Niamey" && step.note == "Called on Monday")
    }

    @Test("a done step blocked here and put back in progress there, both clearing its date: the date is no conflict")
    func sameClearedDateIsNoConflict() throws {
        let harness = try Harness(secondSession: true)
        let other = try Self.openStep("Profiling", harness)
        harness.pick(down: 3)
        harness.send(.tab, times: 2)
        harness.send(.control("u"))
        harness.send(.tab, times: 2)
        harness.type("Travelled to Niamey")
        try Self.theySave(step: 0, harness, other) { $0.status = .inProgress; $0.doneOn = nil }
        harness.send(.function(2))
        #expect(harness.app.top is ConflictScreen, "\(harness.text)")
        #expect(harness.rows.contains { $0.contains("Why blocked") }, "\(harness.text)")
        // Neither a row nor one of "your other changes": both cleared it.
        #expect(!harness.text.contains("Date done"), "\(harness.text)")
    }

    @Test("what a conflict says on the status line fits it whole at 80 columns, in both languages")
    func statusLinesFit() throws {
        let fixtures = try Fixtures.get()
        let values = ["who": "a.maiga", "number": "GAO-000001", "step": "Formation", "name": "Ousmane", "count": "2"]
        for language in [Language.en, .fr] {
            let catalog = fixtures.catalog(language)
            for key in ["conflict.found.one", "conflict.found.other", "conflict.editing", "conflict.keptTheirs",
                        "conflict.keptMine", "form.merged", "conflict.stepMerged", "conflict.referralMerged",
                        "conflict.memberMerged", "conflict.cannotKeepMine", "conflict.foundStatus", "conflict.cannotSave"] {
                let text = catalog.text(key, values)
                // The status line holds 78 cells, an error's "! " included.
                #expect(CellWidth.of("! " + text) <= 78, "\(language) \(key): \(text)")
            }
        }
    }

    @Test("the conflict screen at 80x24 and without colour reads in words; its footer fits in both languages")
    func layout() throws {
        let fixtures = try Fixtures.get()
        for language in [Language.en, .fr] {
            let hints = KeyMap.footer(.conflict, catalog: fixtures.catalog(language))
            #expect(Footer.fitting(hints, width: 80) == hints.count, "\(language): \(hints)")
        }
        let harness = try Harness(secondSession: true)
        try Self.editWhileTheyEdit(harness)
        // The choice is marked by words, not by colour: the rows say whose value is whose.
        #expect(harness.rows.contains { $0.hasPrefix("  ▸ Phone") })
        #expect(harness.terminal.cursor != nil)
    }

    /// The civil registry referral's outcome typed here while m.diallo saves another outcome.
    static func referralWhileTheyRefer(_ harness: Harness) throws {
        try FollowUpSeed.record(harness)
        let other = try LiveUpdateTests.otherApp(harness, login: "m.diallo")
        harness.open("GAO-000001")
        harness.type("4")
        harness.send(.enter)
        #expect(harness.titleBar.contains("Update a referral"))
        harness.send(.tab)
        #expect(harness.terminal.cursor?.y == harness.formRow("Outcome"))
        harness.type("Birth certificate ready on Friday")
        other.refreshFromDisk()
        let id = try #require(harness.seeded["GAO-000001"])
        let seen = try #require(try other.store.book.read(id))
        var referral = seen.referrals[0]
        referral.outcome = "Office closed until Monday"
        #expect(other.commit(.saveReferral(id: id, referral: referral), on: seen.version) != nil)
        harness.send(.function(2))
    }

    @Test("the same referral saved by two: the conflict screen for a referral, each choice, the decision journaled")
    func referralConflict() throws {
        for choice in ["t", "m", "e"] {
            let harness = try Harness(secondSession: true)
            try Self.referralWhileTheyRefer(harness)
            #expect(harness.app.top is ConflictScreen, "\(harness.text)")
            #expect(harness.text.contains("m.diallo saved the referral to Civil registry / documents on"), "\(harness.text)")
            #expect(harness.text.contains("▸ Outcome"))
            #expect(harness.rows.contains { $0.contains("You typed:") && $0.contains("Birth certificate ready on Friday") })
            #expect(harness.rows.contains { $0.contains("m.diallo saved:") && $0.contains("Office closed until Monday") })
            harness.type(choice)
            if choice == "e" {
                #expect(harness.titleBar.contains("Update a referral"))
                // The cursor on the field in conflict.
                #expect(harness.terminal.cursor?.y == harness.formRow("Outcome"), "\(harness.text)")
                #expect(harness.formValue("Outcome") == "Birth certificate ready on Friday")
                harness.send(.function(2))
            }
            #expect(harness.detail != nil, "\(choice): \(harness.text)")
            let saved = try harness.stored("GAO-000001").referrals[0]
            #expect(saved.outcome == (choice == "t" ? "Office closed until Monday" : "Birth certificate ready on Friday"), "\(choice)")
            let entries = try Self.journal(harness)
            guard case .resolveConflict(_, let decision)? = entries.last?.change else {
                Issue.record("\(choice): no decision journaled")
                continue
            }
            #expect(decision.choice == (choice == "t" ? .theirs : choice == "m" ? .mine : .edited))
            #expect(decision.referral == saved.id && decision.fields == ["outcome"] && decision.with == "m.diallo")
            if choice == "t" { #expect(decision.dropped == ["outcome": "Birth certificate ready on Friday"]) }
            if choice != "t" { #expect(entries.suffix(2).first?.change.name == "saveReferral") }
            harness.type("6")
            #expect(harness.text.contains("Conflict with m.diallo on the referral to Civil registry / documents"), "\(harness.text)")
        }
    }

    /// Aminata's note typed here while m.diallo saves another note for her.
    static func memberWhileTheyEdit(_ harness: Harness) throws {
        let id = try #require(harness.seeded["GAO-000001"])
        let aminata = HouseholdMember(id: UUID(), givenNames: "Aminata", familyName: "", sex: .female, yearOfBirth: 2015,
                                      relationship: .child)
        try #require(harness.app.commit(.saveMember(id: id, member: aminata)) != nil)
        let other = try LiveUpdateTests.otherApp(harness, login: "m.diallo")
        harness.open("GAO-000001")
        harness.type("7")
        harness.send(.enter)
        #expect(harness.titleBar.contains("GAO-000001 · Household member"), "\(harness.titleBar)")
        harness.send(.tab, times: 7)
        #expect(harness.terminal.cursor?.y == harness.formRow("Note"))
        harness.type("Goes to school in Gao")
        other.refreshFromDisk()
        let seen = try #require(try other.store.book.read(id))
        var member = seen.members[0]
        member.note = "Left for Bamako with her aunt"
        #expect(other.commit(.saveMember(id: id, member: member), on: seen.version) != nil)
        harness.send(.function(2))
    }

    @Test("the same household member saved by two: the conflict screen for a member, each choice, the decision journaled")
    func memberConflict() throws {
        for choice in ["t", "m", "e"] {
            let harness = try Harness(secondSession: true)
            try Self.memberWhileTheyEdit(harness)
            #expect(harness.app.top is ConflictScreen, "\(harness.text)")
            #expect(harness.text.contains("m.diallo saved the details of Aminata on"), "\(harness.text)")
            #expect(harness.text.contains("▸ Note"))
            #expect(harness.rows.contains { $0.contains("You typed:") && $0.contains("Goes to school in Gao") })
            #expect(harness.rows.contains { $0.contains("m.diallo saved:") && $0.contains("Left for Bamako with her aunt") })
            harness.type(choice)
            if choice == "e" {
                #expect(harness.formValue("Note") == "Goes to school in Gao", "\(harness.text)")
                harness.send(.function(2))
            }
            #expect(harness.detail != nil, "\(choice): \(harness.text)")
            let saved = try harness.stored("GAO-000001").members[0]
            #expect(saved.note == (choice == "t" ? "Left for Bamako with her aunt" : "Goes to school in Gao"), "\(choice)")
            #expect(saved.yearOfBirth == 2015 && saved.sex == .female)
            let entries = try Self.journal(harness)
            guard case .resolveConflict(_, let decision)? = entries.last?.change else {
                Issue.record("\(choice): no decision journaled")
                continue
            }
            #expect(decision.choice == (choice == "t" ? .theirs : choice == "m" ? .mine : .edited))
            #expect(decision.member == saved.id && decision.fields == ["note"])
            if choice == "t" { #expect(decision.dropped == ["note": "Goes to school in Gao"]) }
            if choice != "t" { #expect(entries.suffix(2).first?.change.name == "saveMember") }
            harness.type("6")
            #expect(harness.text.contains("Conflict with m.diallo on the details of Aminata"), "\(harness.text)")
        }
    }

    /// A closure requested here (reason typed) while m.diallo changes the case's status first:
    /// `theirs` (their closure request, or a withdrawal of the plan).
    static func requestWhileTheyChange(_ harness: Harness, theirs: (UUID, Case) -> Change) throws {
        try FollowUpSeed.record(harness)
        let other = try LiveUpdateTests.otherApp(harness, login: "m.diallo")
        harness.open("GAO-000001")
        harness.type("1")
        harness.type("c")
        #expect(harness.titleBar.contains("Request closure") || harness.app.top is FieldForm, "\(harness.titleBar)")
        harness.pick(down: 0)
        harness.send(.tab)
        harness.type("The family went back to Ménaka")
        other.refreshFromDisk()
        let id = try #require(harness.seeded["GAO-000001"])
        let seen = try #require(try other.store.book.read(id))
        #expect(other.commit(theirs(id, seen), on: seen.version) != nil)
        harness.send(.function(2))
    }

    @Test("both asked to close the case: the conflict screen; mine cannot be kept over theirs, my reason is journaled or made a note")
    func bothRequestedClosure() throws {
        for choice in ["t", "m", "e"] {
            let harness = try Harness(secondSession: true)
            try Self.requestWhileTheyChange(harness) { id, _ in
                .requestClosure(id: id, reason: "Moved to Bamako for good", code: "moved_away")
            }
            #expect(harness.app.top is ConflictScreen, "\(harness.text)")
            #expect(harness.text.contains("m.diallo changed the status of this case on"), "\(harness.text)")
            #expect(harness.text.contains("▸ Status"))
            #expect(harness.rows.contains { $0.contains("You typed:") && $0.contains("The family went back to Ménaka") })
            #expect(harness.rows.contains { $0.contains("m.diallo saved:") && $0.contains("Moved to Bamako for good") })
            #expect(harness.text.contains("already asked"), "\(harness.text)")
            // What is left to choose, in place of a "save yours over theirs" it cannot do.
            #expect(!harness.text.contains("m: save yours") && harness.text.contains("Esc: back to your form."),
                    "\(harness.text)")
            #expect(harness.statusLine.hasSuffix("m.diallo changed the status of this case: choose what to keep."),
                    "\(harness.statusLine)")
            let seq = harness.store.book.seq
            harness.type(choice)
            if choice == "m" {
                // Nothing to save over theirs: said, and the screen stays.
                #expect(harness.app.top is ConflictScreen)
                #expect(harness.store.book.seq == seq)
                #expect(harness.statusLine.hasSuffix("Yours cannot be saved after theirs: t keeps theirs, e makes yours a note."),
                        "\(harness.statusLine)")
                continue
            }
            if choice == "e" {
                #expect(harness.titleBar.contains("New note"), "\(harness.titleBar)")
                #expect(harness.formValue("Note *") == "The family went back to Ménaka", "\(harness.text)")
                harness.send(.function(2))
            }
            #expect(harness.detail != nil, "\(choice): \(harness.text)")
            let saved = try harness.stored("GAO-000001")
            #expect(saved.status == .closureRequested && saved.closureRequest == "Moved to Bamako for good")
            let entries = try Self.journal(harness)
            guard case .resolveConflict(_, let decision)? = entries.last?.change else {
                Issue.record("\(choice): no decision journaled")
                continue
            }
            #expect(decision.choice == (choice == "t" ? .theirs : .edited) && decision.fields == ["status"])
            if choice == "t" { #expect(decision.dropped == ["reason": "The family went back to Ménaka"]) }
            if choice == "e" {
                #expect(entries.suffix(2).first?.change.name == "addNote")
                #expect(saved.notes.last?.text == "The family went back to Ménaka")
            }
            harness.type("6")
            #expect(harness.text.contains("Conflict with m.diallo on the status"), "\(harness.text)")
        }
    }

    @Test("a closure requested after their withdrawal of the plan: keep mine requests it on their version; edit reopens my request")
    func requestAfterWithdrawal() throws {
        for choice in ["t", "m", "e"] {
            let harness = try Harness(secondSession: true)
            try Self.requestWhileTheyChange(harness) { id, seen in
                .withdrawEnrolment(id: id, plan: seen.plans[0].id, reason: "Enrolled by mistake")
            }
            #expect(harness.app.top is ConflictScreen, "\(harness.text)")
            #expect(harness.rows.contains { $0.contains("m.diallo saved:") && $0.contains("Enrolment in") }, "\(harness.text)")
            #expect(harness.text.contains("Enrolled by mistake"))
            #expect(harness.text.contains("m: save yours"))
            // Mine still applies on their version: nothing says it cannot be kept.
            #expect(!harness.text.contains("no longer applies"))
            harness.type(choice)
            if choice == "e" {
                #expect(harness.app.top is FieldForm)
                #expect(harness.formValue("Why *") == "The family went back to Ménaka" || harness.text.contains("The family went back to Ménaka"),
                        "\(harness.text)")
                harness.send(.function(2))
            }
            #expect(harness.detail != nil, "\(choice): \(harness.text)")
            let saved = try harness.stored("GAO-000001")
            #expect(saved.plans[0].withdrawal != nil)
            #expect(saved.status == (choice == "t" ? .registered : .closureRequested), "\(choice)")
            if choice != "t" { #expect(saved.closureRequest == "The family went back to Ménaka") }
            let entries = try Self.journal(harness)
            guard case .resolveConflict(_, let decision)? = entries.last?.change else {
                Issue.record("\(choice): no decision journaled")
                continue
            }
            #expect(decision.choice == (choice == "t" ? .theirs : choice == "m" ? .mine : .edited))
            if choice != "t" { #expect(entries.suffix(2).first?.change.name == "requestClosure") }
        }
    }

    @Test("different fields of one referral, or of one member: a merge, saved without asking")
    func referralAndMemberMerged() throws {
        let harness = try Harness(secondSession: true)
        try FollowUpSeed.record(harness)
        let other = try LiveUpdateTests.otherApp(harness, login: "m.diallo")
        harness.open("GAO-000001")
        harness.type("4")
        harness.send(.enter)
        harness.send(.tab)
        harness.type("Birth certificate ready on Friday")
        other.refreshFromDisk()
        let id = try #require(harness.seeded["GAO-000001"])
        var seen = try #require(try other.store.book.read(id))
        var referral = seen.referrals[0]
        referral.provider = "Tribunal de Gao"
        #expect(other.commit(.saveReferral(id: id, referral: referral), on: seen.version) != nil)
        harness.send(.function(2))
        #expect(harness.detail != nil, "\(harness.text)")
        #expect(harness.statusLine == " Referral saved, with m.diallo's changes to its other fields.", "\(harness.statusLine)")
        let saved = try harness.stored("GAO-000001").referrals[0]
        #expect(saved.provider == "Tribunal de Gao" && saved.outcome == "Birth certificate ready on Friday")

        let aminata = HouseholdMember(id: UUID(), givenNames: "Aminata", familyName: "", sex: nil, yearOfBirth: 2015,
                                      relationship: .child)
        try #require(harness.app.commit(.saveMember(id: id, member: aminata)) != nil)
        harness.type("7")
        harness.send(.enter)
        harness.send(.tab, times: 7)
        harness.type("Goes to school in Gao")
        other.refreshFromDisk()
        seen = try #require(try other.store.book.read(id))
        var member = seen.members[0]
        member.sex = .female
        #expect(other.commit(.saveMember(id: id, member: member), on: seen.version) != nil)
        harness.send(.function(2))
        #expect(harness.statusLine == " Details of Aminata saved, with m.diallo's changes to other fields.", "\(harness.statusLine)")
        let kept = try harness.stored("GAO-000001").members[0]
        #expect(kept.sex == .female && kept.note == "Goes to school in Gao" && kept.yearOfBirth == 2015)
        #expect(try Self.journal(harness).last?.change.name == "saveMember")
    }

    @Test("a status conflict in French at 80 columns: the screen says why mine cannot follow theirs, the status line whole")
    func statusConflictInFrench() throws {
        let harness = try Harness(language: .fr, secondSession: true)
        try Self.requestWhileTheyChange(harness) { id, _ in
            .requestClosure(id: id, reason: "Partie à Bamako", code: "moved_away")
        }
        #expect(harness.app.top is ConflictScreen, "\(harness.text)")
        #expect(harness.text.contains("a déjà demandé la clôture de ce dossier"), "\(harness.text)")
        #expect(harness.rows.allSatisfy { CellWidth.of($0) <= 80 })
        harness.type("m")
        #expect(harness.statusLine.hasSuffix("Impossible après la sienne\u{a0}: l la garde, e fait de la vôtre une note."),
                "\(harness.statusLine)")
        harness.type("l")
        #expect(harness.detail != nil)
        #expect(harness.statusLine.hasSuffix("historique."), "\(harness.statusLine)")
    }

    @Test("a closure approved while another returned it: the conflict screen; keep theirs journals my comment, edit makes it a note")
    func approvalAfterAReturn() throws {
        for choice in ["t", "m", "e"] {
            let office = try ApprovalOffice()
            let screen = try office.app("s.gao")
            screen.type("A")
            screen.type("y")
            screen.type("Checked by phone with the family")
            // Meanwhile an administrator returns the request.
            let id = office.ids["GAO-000001"]!
            let seen = try office.stored("GAO-000001")
            try office.store.commit(.returnClosure(id: id, expectedVersion: seen.version, comment: "Give the new address"),
                                    as: office.clearance("admin"))
            screen.send(.function(2))
            screen.type("y")
            #expect(screen.app.top is ConflictScreen, "\(choice): \(screen.text)")
            #expect(screen.text.contains("admin changed the status of this case on"), "\(screen.text)")
            #expect(screen.rows.contains { $0.contains("You typed:") && $0.contains("Closure approved") }, "\(screen.text)")
            #expect(screen.rows.contains { $0.contains("Closure approved: Moved away — Checked by phone with the") })
            #expect(screen.text.contains("the case is Registered: yours no longer applies"), "\(screen.text)")
            #expect(screen.rows.contains { $0.contains("admin saved:") && $0.contains("Give the new address") }, "\(screen.text)")
            let seq = office.store.book.seq
            screen.type(choice)
            if choice == "m" {
                #expect(screen.app.top is ConflictScreen)
                #expect(office.store.book.seq == seq)
                continue
            }
            if choice == "e" {
                #expect(screen.text.contains("New note") && screen.text.contains("Checked by phone with the family"), "\(screen.text)")
                screen.send(.function(2))
            }
            #expect(screen.app.top is ApprovalsScreen, "\(choice): \(screen.text)")
            let saved = try office.stored("GAO-000001")
            #expect(saved.status != .closed && saved.closureReturn?.comment == "Give the new address")
            let text = try String(contentsOf: office.directory.appendingPathComponent(Store.Files.journal), encoding: .utf8)
            let last = try text.split(separator: "\n").last.map { try LineDecoder().decode(JournalEntry.self, from: Data($0.utf8)) }
            guard case .resolveConflict(_, let decision)? = last?.change else {
                Issue.record("\(choice): no decision journaled")
                continue
            }
            #expect(decision.choice == (choice == "t" ? .theirs : .edited) && decision.with == "admin")
            if choice == "t" { #expect(decision.dropped == ["comment": "Checked by phone with the family"]) }
            if choice == "e" { #expect(saved.notes.last?.text == "Checked by phone with the family") }
        }
    }
}
