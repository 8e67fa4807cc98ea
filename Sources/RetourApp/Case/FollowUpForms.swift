import Foundation
import RetourCore
import RetourTUI

/// The small forms of the case screen, each a `FieldForm` whose save commits one change:
/// enrolment, a step's new state, an assessment, a referral, a note or its correction, and the
/// lifecycle actions (request closure, close, reopen). `onSaved` names the row to select after.
enum FollowUpForms {
    typealias Saved = (TabRow.Target?) -> Void

    // MARK: Plans

    /// Enrolment in a track not yet followed; nil (and says why) when there is none left.
    /// The track's rules (`Eligibility`) are said under the track as soon as it is chosen;
    /// outside them, a reason is required and kept with the enrolment (`Plan.exception`).
    static func enrol(_ item: Case, app: CaseManagerApp, onSaved: @escaping Saved) -> FieldForm? {
        let catalog = app.catalog
        let tracks = app.session.reference.tracks
        let rules = tracks.enrolmentRules
        // A withdrawn enrolment leaves its track free again.
        let free = tracks.tracks.filter { track in !item.activePlans.contains { $0.track == track.code } }
        guard !free.isEmpty else {
            app.say(catalog.text("tabs.enrol.allTracks"), .error)
            return nil
        }
        let options = free.map { Picker.Option(value: $0.code, label: catalog.label("track", $0.code)) }
        // The rules hold on the enrolment date; until one is typed, on today.
        func findings(_ values: FieldForm.Values) -> [EligibilityFinding] {
            guard let code = values["track"], !code.isEmpty else { return [] }
            let date = CalendarDate(parsing: values["date"] ?? "") ?? app.today
            return rules.findings(for: code, profile: item.profile, on: date)
        }
        return FieldForm(
            catalog: catalog,
            title: title(item, "tabs.enrol.title", catalog),
            intro: [catalog.text("tabs.enrol.intro")],
            fields: [
                FormField("track", catalog.text("tabs.enrol.track"), .choice(options), required: true),
                FormField("date", catalog.text("tabs.enrol.date"), required: true),
                FormField("exception", catalog.text("tabs.enrol.exception"),
                          placeholder: catalog.text("tabs.enrol.exceptionPlaceholder"), lines: .several),
            ],
            values: ["track": free.count == 1 ? free[0].code : "", "date": catalog.date(app.today)],
            validate: { values in
                let outside = findings(values).contains(where: \.isViolation)
                let reason = (values["exception"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                var exception: String?
                if outside && reason.isEmpty {
                    exception = catalog.text("tabs.enrol.exceptionRequired")
                } else if !outside && !reason.isEmpty {
                    // Kept only outside the rules: a reason for nothing would read as an exception.
                    exception = catalog.text("tabs.enrol.exceptionNotNeeded")
                } else if reason.count > Plan.maximumReasonLength {
                    exception = catalog.text("tabs.enrol.tooLong", ["maximum": String(Plan.maximumReasonLength)])
                }
                return issues(["date": dateIssue(values["date"], today: app.today, catalog: catalog), "exception": exception])
            },
            notices: { values in
                let found = findings(values)
                guard !found.isEmpty else { return [:] }
                // Outside the rules the reason is required: said under it before F2, not only after.
                let needed = found.contains(where: \.isViolation) ? ["exception": [catalog.text("tabs.enrol.exceptionNeeded")]] : [:]
                return needed.merging(["track": found.map { catalog.text($0.message) }]) { first, _ in first }
            },
            submit: { form, values, app in
                guard let date = CalendarDate(parsing: values["date"] ?? ""), let code = values["track"],
                      var plan = tracks.plan(track: code, id: UUID(), enrolledOn: date) else { return }
                if rules.violations(for: code, profile: item.profile, on: date).isEmpty == false {
                    plan.exception = values["exception"]
                }
                guard app.commit(.enrol(id: item.id, plan: plan)) != nil else { return }
                form.finish(app, saying: catalog.counted("tabs.enrol.saved", plan.steps.count,
                                                         ["track": catalog.label("track", code)]))
                onSaved(plan.steps.first.map { .step(plan: plan.id, code: $0.code) })
            })
    }

    /// Withdrawing `plan`, enrolled by mistake: the reason is asked, and kept with who and when.
    static func withdraw(_ plan: Plan, item: Case, app: CaseManagerApp, onSaved: @escaping Saved,
                         values filled: FieldForm.Values? = nil, decision: ConflictDecision? = nil) -> FieldForm {
        let catalog = app.catalog
        let track = catalog.label("track", plan.track)
        let form = FieldForm(
            catalog: catalog,
            title: title(item, "tabs.withdraw.title", catalog),
            intro: [catalog.text("tabs.withdraw.intro", ["track": track, "date": catalog.date(plan.enrolledOn)])],
            fields: [FormField("reason", catalog.text("tabs.withdraw.reason"), required: true, lines: .several)],
            values: [:],
            validate: { values in
                guard (values["reason"] ?? "").count > Plan.maximumReasonLength else { return [:] }
                return ["reason": catalog.text("tabs.enrol.tooLong", ["maximum": String(Plan.maximumReasonLength)])]
            },
            submit: { form, values, app in
                let saved = saveStatus(values, typed: ["reason"], item: item, form: form, app: app, decision: decision,
                                       change: { values, current in
                                           .withdrawEnrolment(id: current.id, plan: plan.id, reason: values["reason"] ?? "")
                                       },
                                       reopened: { current, values, decision in
                                           withdraw(plan, item: current, app: app, onSaved: onSaved, values: values, decision: decision)
                                       })
                guard saved else { return }
                form.finish(app, saying: catalog.text("tabs.withdraw.saved", ["track": track]))
                onSaved(.withdrawn(plan: plan.id))
            })
        if let filled { form.fill(filled) }
        return form
    }

    /// A step's status, dates, who, note, the reason it is blocked and, for a kit or grant,
    /// what was given. `values`: what to fill it with instead of the step's (my values after
    /// a conflict), and `decision`, journaled with the save.
    static func step(_ step: Step, of plan: Plan, item: Case, app: CaseManagerApp, onSaved: @escaping Saved,
                     values filled: FieldForm.Values? = nil, decision: ConflictDecision? = nil) -> FieldForm {
        let catalog = app.catalog
        let template = app.session.reference.tracks.track(plan.track)?.steps.first { $0.code == step.code }
        let recordsGiven = template?.records == "given"
        let statuses = StepStatus.allCases.map { Picker.Option(value: $0.rawValue, label: catalog.text("stepStatus.\($0.rawValue)")) }
        var fields = [
            FormField("status", catalog.text("tabs.step.field.status"), .choice(statuses), required: true),
            FormField("planned", catalog.text("tabs.step.field.planned"), required: true),
            FormField("done", catalog.text("tabs.step.field.done"), placeholder: catalog.text("tabs.step.field.donePlaceholder")),
            FormField("by", catalog.text("tabs.step.field.by")),
            FormField("blocked", catalog.text("tabs.step.field.blocked"), placeholder: catalog.text("tabs.step.field.blockedPlaceholder"),
                      lines: .several),
        ]
        if recordsGiven || !step.given.isEmpty { fields.append(FormField("given", catalog.text("tabs.step.field.given"), lines: .several)) }
        fields.append(FormField("note", catalog.text("tabs.step.field.note"), lines: .several))
        let today = app.today
        let todayText = catalog.date(today)
        let author = app.clearance.login
        let initial = stepValues(step, catalog: catalog)
        let form = FieldForm(
            catalog: catalog,
            title: title(item, "tabs.step.title", catalog),
            intro: [catalog.text("tabs.step.intro", ["step": catalog.label("step", step.code),
                                                     "track": catalog.label("track", plan.track)])],
            fields: fields,
            values: initial,
            validate: { values in
                let done = values["status"] == StepStatus.done.rawValue
                let doneText = (values["done"] ?? "").trimmingCharacters(in: .whitespaces)
                var found: [String: String?] = ["planned": dateIssue(values["planned"], today: nil, catalog: catalog)]
                if done {
                    found["done"] = doneText.isEmpty ? catalog.text("tabs.step.doneRequired")
                        : dateIssue(doneText, today: today, catalog: catalog)
                } else if !doneText.isEmpty {
                    found["done"] = catalog.text("tabs.step.doneOnlyWhenDone")
                }
                if values["status"] == StepStatus.blocked.rawValue,
                   (values["blocked"] ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
                    found["blocked"] = catalog.text("tabs.step.blockedRequired")
                }
                return issues(found)
            },
            notices: { values in
                // A reason belongs to a blocked step: leaving "blocked" drops it, which is said.
                guard values["status"] != StepStatus.blocked.rawValue,
                      !(values["blocked"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return [:] }
                return ["blocked": [catalog.text("tabs.step.blockedCleared")]]
            },
            onChange: { id, values in
                // Marking a step done dates it today unless a date is typed; leaving "done" clears it.
                // Starting or finishing it names who, unless someone is named already.
                guard id == "status" else { return }
                let started = [StepStatus.inProgress.rawValue, StepStatus.done.rawValue].contains(values["status"] ?? "")
                if started && (values["by"] ?? "").isEmpty { values["by"] = author }
                if values["status"] == StepStatus.done.rawValue {
                    if (values["done"] ?? "").isEmpty { values["done"] = todayText }
                } else if values["done"] == todayText && step.doneOn == nil {
                    values["done"] = ""
                }
            },
            submit: { form, values, app in
                guard let updated = stepFrom(values, step) else { return }
                let change = Change.updateStep(id: item.id, plan: plan.id, step: updated)
                let saved = save(change, on: item, decision: decision, app: app) {
                    // Someone saved this very step since the form opened: the conflict screen,
                    // this form and what it holds under it.
                    StepConflict(base: item, plan: plan, step: step, baseValues: initial, mine: form.values, onSaved: onSaved)
                        .show(app, origin: form)
                }
                guard saved else { return }
                form.finish(app, saying: catalog.text("tabs.step.saved", [
                    "step": catalog.label("step", step.code), "status": catalog.text("stepStatus.\(updated.status.rawValue)"),
                ]))
                onSaved(.step(plan: plan.id, code: step.code))
            })
        if let filled { form.fill(filled) }
        return form
    }

    /// A step's values as its form shows them.
    static func stepValues(_ step: Step, catalog: Catalog) -> FieldForm.Values {
        ["status": step.status.rawValue, "planned": catalog.date(step.plannedOn),
         "done": step.doneOn.map(catalog.date) ?? "", "by": step.by,
         "blocked": step.blockedReason, "given": step.given, "note": step.note]
    }

    /// `step` with the values of its form; nil when the status or planned date do not read.
    static func stepFrom(_ values: FieldForm.Values, _ step: Step) -> Step? {
        guard let status = StepStatus(rawValue: values["status"] ?? ""),
              let planned = CalendarDate(parsing: values["planned"] ?? "") else { return nil }
        var updated = step
        updated.status = status
        updated.plannedOn = planned
        updated.doneOn = status == .done ? CalendarDate(parsing: values["done"] ?? "") : nil
        updated.by = values["by"] ?? ""
        updated.blockedReason = status == .blocked ? values["blocked"] ?? "" : ""
        updated.given = values["given"] ?? step.given
        updated.note = values["note"] ?? ""
        return updated
    }

    // MARK: Rights

    /// A new assessment: date, assessor, then one row per criterion (access and note); the
    /// criteria left unassessed are left out of it.
    static func assessment(_ item: Case, app: CaseManagerApp, onSaved: @escaping Saved) -> FieldForm {
        let catalog = app.catalog
        let criteria = app.session.reference.tracks.criteria
        let notAssessed = catalog.text("tabs.assess.notAssessed")
        let access = [Picker.Option(value: "", label: notAssessed)]
            + Access.allCases.map { Picker.Option(value: $0.rawValue, label: catalog.text("access.\($0.rawValue)")) }
        var fields = [
            FormField("date", catalog.text("tabs.assess.date"), required: true),
            FormField("assessor", catalog.text("tabs.assess.assessor"), required: true),
        ]
        // The note's placeholder recalls the current rating, so that only changes need typing.
        let current = Dictionary(uniqueKeysWithValues: item.currentRights(criteria: criteria).map { ($0.criterion, $0.rating.access) })
        for criterion in criteria {
            fields.append(FormField("access.\(criterion)", catalog.text("tabs.criterion.\(criterion)"), .choice(access),
                                    width: 16, placeholder: notAssessed))
            let placeholder = current[criterion].map {
                catalog.text("tabs.assess.notePlaceholderBefore", ["access": catalog.text("tabs.access.short.\($0.rawValue)")])
            } ?? catalog.text("tabs.assess.notePlaceholder")
            fields.append(FormField("note.\(criterion)", "", sameRow: true, placeholder: placeholder, lines: .several))
        }
        return FieldForm(
            catalog: catalog,
            title: title(item, "tabs.assess.title", catalog),
            intro: [catalog.text("tabs.assess.intro")],
            fields: fields,
            values: ["date": catalog.date(app.today), "assessor": app.clearance.login],
            validate: { values in
                var found: [String: String?] = ["date": dateIssue(values["date"], today: app.today, catalog: catalog)]
                var rated = 0
                for criterion in criteria {
                    if !(values["access.\(criterion)"] ?? "").isEmpty {
                        rated += 1
                    } else if !(values["note.\(criterion)"] ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
                        found["note.\(criterion)"] = catalog.text("tabs.assess.noteWithoutAccess")
                    }
                }
                if rated == 0 { found[FieldForm.formIssue] = catalog.text("tabs.assess.noneRated") }
                return issues(found)
            },
            submit: { form, values, app in
                guard let date = CalendarDate(parsing: values["date"] ?? "") else { return }
                var ratings: [String: Rating] = [:]
                for criterion in criteria {
                    guard let level = Access(rawValue: values["access.\(criterion)"] ?? "") else { continue }
                    ratings[criterion] = Rating(access: level, note: values["note.\(criterion)"] ?? "")
                }
                let assessment = Assessment(id: UUID(), date: date, assessor: values["assessor"] ?? "", ratings: ratings)
                guard app.commit(.assess(id: item.id, assessment: assessment)) != nil else { return }
                let gaps = ratings.values.filter { $0.access.isGap }.count
                form.finish(app, saying: catalog.counted("tabs.assess.saved", gaps, ["date": catalog.date(date)]))
                onSaved(nil)
            })
    }

    // MARK: Referrals

    /// A new referral (for `criterion` when made from the rights tab), or `existing` updated:
    /// the same form either way.
    static func referral(_ existing: Referral?, criterion: String? = nil, item: Case, app: CaseManagerApp,
                         onSaved: @escaping Saved, values filled: FieldForm.Values? = nil,
                         decision: ConflictDecision? = nil) -> FieldForm {
        let catalog = app.catalog
        let reference = app.session.reference
        let services = reference.tracks.services.map { Picker.Option(value: $0, label: catalog.text("service.\($0)")) }
        let criteria = [Picker.Option(value: "", label: catalog.text("tabs.referral.noCriterion"))]
            + reference.tracks.criteria.map { Picker.Option(value: $0, label: catalog.text("criterion.\($0)")) }
        let statuses = ReferralStatus.allCases.map { Picker.Option(value: $0.rawValue, label: catalog.text("referralStatus.\($0.rawValue)")) }
        let fields = [
            FormField("service", catalog.text("tabs.referral.field.service"), .choice(services), required: true),
            FormField("provider", catalog.text("tabs.referral.field.provider")),
            FormField("date", catalog.text("tabs.referral.field.date"), required: true),
            FormField("criterion", catalog.text("tabs.referral.field.criterion"), .choice(criteria),
                      placeholder: catalog.text("tabs.referral.noCriterion")),
            FormField("status", catalog.text("tabs.referral.field.status"), .choice(statuses), required: true),
            FormField("outcome", catalog.text("tabs.referral.field.outcome"), lines: .several),
        ]
        var values = existing.map { referralValues($0, catalog: catalog) } ?? [
            "service": "", "provider": "", "date": catalog.date(app.today), "criterion": criterion ?? "",
            "status": ReferralStatus.referred.rawValue, "outcome": "",
        ]
        if let criterion, values["criterion"] == "" { values["criterion"] = criterion }
        let initial = values
        let form = FieldForm(
            catalog: catalog,
            title: title(item, existing == nil ? "tabs.referral.newTitle" : "tabs.referral.editTitle", catalog),
            intro: [catalog.text(existing == nil ? "tabs.referral.newIntro" : "tabs.referral.editIntro")],
            fields: fields,
            values: values,
            // An update is most often about where the referral stands.
            focus: existing == nil ? nil : "status",
            validate: { values in
                issues(["date": dateIssue(values["date"], today: app.today, catalog: catalog)])
            },
            submit: { form, values, app in
                guard let referral = referralFrom(values, id: existing?.id ?? UUID()) else { return }
                let change = Change.saveReferral(id: item.id, referral: referral)
                let saved = save(change, on: item, decision: decision, app: app) {
                    guard let existing else { return }
                    referralConflict(existing, item: item, base: initial, mine: form.values, refused: change, app: app,
                                     onSaved: onSaved).show(app, origin: form)
                }
                guard saved else { return }
                form.finish(app, saying: catalog.text(existing == nil ? "tabs.referral.saved" : "tabs.referral.updated", [
                    "service": catalog.text("service.\(referral.service)"),
                    "status": catalog.text("referralStatus.\(referral.status.rawValue)"),
                ]))
                onSaved(.referral(referral.id))
            })
        if let filled { form.fill(filled) }
        return form
    }

    /// A referral's values as its form shows them.
    static func referralValues(_ referral: Referral, catalog: Catalog) -> FieldForm.Values {
        ["service": referral.service, "provider": referral.provider, "date": catalog.date(referral.date),
         "criterion": referral.criterion ?? "", "status": referral.status.rawValue, "outcome": referral.outcome]
    }

    /// The referral `id` with the values of its form; nil when the date or status do not read.
    static func referralFrom(_ values: FieldForm.Values, id: UUID) -> Referral? {
        guard let date = CalendarDate(parsing: values["date"] ?? ""),
              let status = ReferralStatus(rawValue: values["status"] ?? "") else { return nil }
        let criterion = values["criterion"].flatMap { $0.isEmpty ? nil : $0 }
        return Referral(id: id, service: values["service"] ?? "", provider: values["provider"] ?? "", date: date,
                        criterion: criterion, status: status, outcome: values["outcome"] ?? "")
    }

    /// `existing`, updated in my form from `base` to `mine`, refused: what someone else saved
    /// of it meanwhile, field by field.
    static func referralConflict(_ existing: Referral, item: Case, base: FieldForm.Values, mine: FieldForm.Values,
                                 refused: Change, app: CaseManagerApp, onSaved: @escaping Saved) -> FieldsConflict {
        let catalog = app.catalog
        let service = catalog.text("service.\(existing.service)")
        return FieldsConflict(
            base: item, refused: refused, fields: ["service", "provider", "date", "criterion", "status", "outcome"],
            label: { catalog.text("tabs.referral.field.\($0)") }, baseValues: base, mine: mine,
            intro: { catalog.text("conflict.intro.referral", ["who": $0, "when": $1, "service": service]) },
            merged: { catalog.text("conflict.referralMerged", ["service": service, "who": $0]) },
            theirs: { current in current.referrals.first { $0.id == existing.id }.map { referralValues($0, catalog: catalog) } },
            display: { field, value in
                guard !value.isEmpty else { return value }
                switch field {
                case "service": return catalog.text("service.\(value)")
                case "criterion": return catalog.text("criterion.\(value)")
                case "status": return catalog.text("referralStatus.\(value)")
                default: return value
                }
            },
            change: { values, current in
                referralFrom(values.mapValues { $0.trimmingCharacters(in: .whitespacesAndNewlines) }, id: existing.id)
                    .map { .saveReferral(id: current.id, referral: $0) }
            },
            decision: { choice, who, fields, dropped in
                ConflictDecision(choice: choice, with: who, fields: fields, referral: existing.id, dropped: dropped)
            },
            form: { current, values, decision in
                let saved = current.referrals.first { $0.id == existing.id } ?? existing
                return referral(saved, item: current, app: app, onSaved: onSaved, values: values, decision: decision)
            },
            onMerged: { onSaved(.referral(existing.id)) })
    }

    // MARK: Notes

    /// A new note, or a correction of `corrected`: a new note that names it (notes are never edited).
    /// `text`: what to fill it with (what was typed for a change a conflict made pointless),
    /// and `decision`, journaled with the save.
    static func note(correcting corrected: Note?, item: Case, app: CaseManagerApp, onSaved: @escaping Saved,
                     text filled: String? = nil, decision: ConflictDecision? = nil) -> FieldForm {
        let catalog = app.catalog
        let intro = corrected.map {
            catalog.text("tabs.note.correctIntro", ["when": catalog.dateTime($0.at), "who": $0.by])
        } ?? catalog.text("tabs.note.newIntro")
        let original = corrected?.text ?? ""
        return FieldForm(
            catalog: catalog,
            title: title(item, corrected == nil ? "tabs.note.newTitle" : "tabs.note.correctTitle", catalog),
            intro: [intro],
            // A correction is typed afresh under the note it corrects, which is kept as it was.
            quote: corrected.map { (catalog.text("tabs.note.correcting"), TerminalText.visible($0.text, layout: .kept)) },
            fields: [FormField("text", catalog.text("tabs.note.field.text"), required: true, lines: .several),
                     FormField("confidential", catalog.text("tabs.note.field.confidential"), .choice([
                         Picker.Option(value: "no", label: catalog.text("tabs.note.confidential.no")),
                         Picker.Option(value: "yes", label: catalog.text("tabs.note.confidential.yes")),
                     ]), required: true)],
            values: ["text": filled ?? "", "confidential": corrected?.isConfidential == true ? "yes" : "no"],
            validate: { values in
                guard corrected != nil, (values["text"] ?? "").trimmingCharacters(in: .whitespaces) == original else { return [:] }
                return ["text": catalog.text("tabs.note.unchanged")]
            },
            submit: { form, values, app in
                let note = Note(id: UUID(), text: values["text"] ?? "", by: app.clearance.login, at: Date(),
                                corrects: corrected?.id, confidential: values["confidential"] == "yes")
                let change = Change.addNote(id: item.id, note: note)
                if let decision {
                    guard app.commit([change, .resolveConflict(id: item.id, decision: decision)]) else { return }
                } else {
                    guard app.commit(change) != nil else { return }
                }
                form.finish(app, saying: catalog.text(corrected == nil ? "tabs.note.saved" : "tabs.note.corrected"))
                onSaved(.note(note.id))
            })
    }

    // MARK: Lifecycle

    /// What is still open in `item`, one "• …" line each: steps neither done nor not
    /// applicable, rights gaps, open referrals. Requesting closure shows it; closing asks about it.
    static func openItems(_ item: Case, catalog: Catalog, reference: Reference) -> [String] {
        let counts = [("tabs.close.openSteps", item.openSteps),
                      ("tabs.close.gaps", item.gaps(criteria: reference.tracks.criteria).count),
                      ("tabs.close.openReferrals", item.openReferrals.count)]
        return counts.filter { $0.1 > 0 }.map { "• " + catalog.counted($0.0, $0.1) }
    }

    static func requestClosure(_ item: Case, app: CaseManagerApp, values filled: FieldForm.Values? = nil,
                               decision: ConflictDecision? = nil) -> FieldForm {
        let catalog = app.catalog
        let open = openItems(item, catalog: catalog, reference: app.session.reference)
        let form = FieldForm(
            catalog: catalog,
            title: title(item, "tabs.requestClosure.title", catalog),
            intro: [catalog.text("tabs.requestClosure.intro")] + (open.isEmpty ? [] : [catalog.text("tabs.close.openIntro")] + open),
            fields: [
                FormField("code", catalog.text("tabs.requestClosure.code"), .choice(closureReasons(app)), required: true),
                FormField("reason", catalog.text("tabs.requestClosure.reason"), required: true, lines: .several),
            ],
            values: [:],
            submit: { form, values, app in
                let saved = saveStatus(values, typed: ["reason"], item: item, form: form, app: app, decision: decision,
                                       change: { values, current in
                                           .requestClosure(id: current.id, reason: values["reason"] ?? "", code: values["code"] ?? "")
                                       },
                                       reopened: { current, values, decision in
                                           requestClosure(current, app: app, values: values, decision: decision)
                                       })
                guard saved else { return }
                form.finish(app, saying: catalog.text("tabs.requestClosure.saved", ["number": item.number]))
            })
        if let filled { form.fill(filled) }
        return form
    }

    /// The closure reasons to choose from, labelled in the user's language.
    static func closureReasons(_ app: CaseManagerApp) -> [Picker.Option] {
        app.session.reference.tracks.closureReasons.map { Picker.Option(value: $0, label: app.catalog.text("closureReason.\($0)")) }
    }

    /// Closing: a reason and a note. Steps still open, rights gaps or open referrals are said in a question
    /// first; closing anyway records that they were confirmed.
    static func close(_ item: Case, app: CaseManagerApp, values filled: FieldForm.Values? = nil,
                      decision: ConflictDecision? = nil) -> FieldForm {
        let catalog = app.catalog
        let reference = app.session.reference
        let reasons = reference.tracks.closureReasons.map { Picker.Option(value: $0, label: catalog.text("closureReason.\($0)")) }
        var intro = [catalog.text("tabs.close.intro")]
        if let request = item.closureRequest {
            intro.append(catalog.text("tabs.close.requested", ["reason": request.split(whereSeparator: \.isNewline).joined(separator: " ")]))
        }
        let form = FieldForm(
            catalog: catalog,
            title: title(item, "tabs.close.title", catalog),
            intro: intro,
            fields: [
                FormField("reason", catalog.text("tabs.close.reason"), .choice(reasons), required: true),
                FormField("note", catalog.text("tabs.close.note"), lines: .several),
            ],
            values: [:],
            submit: { form, values, app in
                let open = openItems(app.reader[item.id] ?? item, catalog: catalog, reference: reference)
                func close(confirmed: Bool) {
                    let saved = saveStatus(values, typed: ["note"], item: item, form: form, app: app, decision: decision,
                                           change: { values, current in
                                               .close(id: current.id, closure: Closure(reason: values["reason"] ?? "", note: values["note"] ?? "",
                                                                                       confirmedOpenItems: confirmed))
                                           },
                                           reopened: { current, values, decision in
                                               FollowUpForms.close(current, app: app, values: values, decision: decision)
                                           })
                    guard saved else { return }
                    form.finish(app, saying: catalog.text("tabs.close.saved", ["number": item.number]))
                }
                guard !open.isEmpty else {
                    close(confirmed: false)
                    return
                }
                let lines = [catalog.text("tabs.close.openIntro")] + open + [catalog.text("tabs.close.openOutro")]
                app.confirm(title: catalog.text("tabs.close.confirmTitle"), lines: lines,
                            yes: catalog.text("tabs.close.confirmYes"), no: catalog.text("tabs.close.confirmNo")) {
                    close(confirmed: true)
                }
            })
        if let filled { form.fill(filled) }
        return form
    }

    static func reopen(_ item: Case, app: CaseManagerApp, values filled: FieldForm.Values? = nil,
                       decision: ConflictDecision? = nil) -> FieldForm {
        let catalog = app.catalog
        let form = FieldForm(
            catalog: catalog,
            title: title(item, "tabs.reopen.title", catalog),
            intro: [catalog.text("tabs.reopen.intro")],
            fields: [FormField("reason", catalog.text("tabs.reopen.reason"), required: true, lines: .several)],
            values: [:],
            submit: { form, values, app in
                let saved = saveStatus(values, typed: ["reason"], item: item, form: form, app: app, decision: decision,
                                       change: { values, current in .reopen(id: current.id, reason: values["reason"] ?? "") },
                                       reopened: { current, values, decision in
                                           reopen(current, app: app, values: values, decision: decision)
                                       })
                guard saved else { return }
                form.finish(app, saying: catalog.text("tabs.reopen.saved", ["number": item.number]))
            })
        if let filled { form.fill(filled) }
        return form
    }

    // MARK: Helpers

    /// Saves `change`, made on `item` as `form` showed it (with `decision`, journaled with it,
    /// after a conflict). Refused because someone changed the same thing meanwhile, `conflict`
    /// shows what to do over `form`, which keeps what was typed. Whether it was saved.
    static func save(_ change: Change, on item: Case, decision: ConflictDecision?, app: CaseManagerApp,
                     conflict: () -> Void) -> Bool {
        let saved: Bool
        if let decision {
            saved = app.commit([change, .resolveConflict(id: item.id, decision: decision)],
                               recheck: ConflictScreen.unchanged(since: item, as: change))
        } else {
            saved = app.commit(change, on: item.version) != nil
        }
        guard !saved else { return true }
        if !app.store.book.clashes(of: change, on: item.id, since: item.version).isEmpty { conflict() }
        return false
    }

    /// A status change (`change` from the form's values, `typed`: its fields of typed text)
    /// saved from `form`, or the conflict screen when someone changed the case's status since.
    /// `reopened`: the same form on a case, filled, saving with a decision.
    static func saveStatus(_ values: FieldForm.Values, typed: [String], item: Case, form: FieldForm, app: CaseManagerApp,
                           decision: ConflictDecision?, change: @escaping (FieldForm.Values, Case) -> Change,
                           reopened: @escaping (Case, FieldForm.Values, ConflictDecision) -> Screen) -> Bool {
        let made = change(values, item)
        return save(made, on: item, decision: decision, app: app) {
            StatusConflict(caseID: item.id, baseVersion: item.version, refused: made, mine: values, typed: typed, change: change,
                           form: reopened)
                .show(app, origin: form)
        }
    }

    private static func title(_ item: Case, _ key: String, _ catalog: Catalog) -> String {
        "\(item.number) · " + catalog.text(key)
    }

    /// What is wrong with a typed date: not a date, or (with `today`) in the future.
    static func dateIssue(_ text: String?, today: CalendarDate?, catalog: Catalog) -> String? {
        let text = (text ?? "").trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }  // Required fields say so themselves.
        guard let date = CalendarDate(parsing: text) else { return catalog.text("invalid.date") }
        if let today, today < date { return catalog.text("invalid.future") }
        return nil
    }

    private static func issues(_ found: [String: String?]) -> [String: String] {
        found.compactMapValues { $0 }
    }
}
