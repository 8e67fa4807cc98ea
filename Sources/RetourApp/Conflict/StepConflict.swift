import Foundation
import RetourCore

/// A step's new state refused because someone saved the same step since the form opened.
/// As for a profile, the step's fields only I changed are applied whatever the choice; the
/// fields we both changed to different values are the conflict.
struct StepConflict: ConflictSubject {
    /// The case, plan and step as my form opened them.
    let base: Case
    let plan: Plan
    let step: Step
    /// The step's values as my form showed them, and as I typed them.
    let baseValues: FieldForm.Values
    let mine: FieldForm.Values
    /// Told which row to select once saved from the form Edit reopens.
    let onSaved: FollowUpForms.Saved

    static let fields = ["status", "planned", "done", "by", "blocked", "given", "note"]

    var caseID: UUID { base.id }
    var baseVersion: Int { base.version }
    var refused: Change { .updateStep(id: base.id, plan: plan.id, step: step) }

    /// The step as now saved, in `current` (nil when it is no longer there).
    private func theirs(_ current: Case, _ catalog: Catalog) -> FieldForm.Values? {
        guard let saved = current.plans.first(where: { $0.id == plan.id })?.steps.first(where: { $0.code == step.code }) else { return nil }
        return FollowUpForms.stepValues(saved, catalog: catalog)
    }

    private func value(_ values: FieldForm.Values, _ field: String) -> String {
        (values[field] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A date done belongs to a step done, a reason to a step blocked.
    private static let dependsOnStatus: [String: StepStatus] = ["done": .done, "blocked": .blocked]

    /// The fields I changed, those in conflict, and theirs with mine applied (mine winning on
    /// the conflict, or theirs). A date or a reason I typed goes with my status: when they
    /// changed the status to another, the status and it are in conflict together, so that
    /// neither is saved under a status it does not belong to, nor left out unseen.
    /// `addedByMe`: the fields I changed, not in conflict, that they did not change as I did
    /// (what my save adds whatever the choice).
    func merge(current: Case, catalog: Catalog) -> (mine: [String], conflicts: [String], addedByMe: [String],
                                                   keepingMine: FieldForm.Values, keepingTheirs: FieldForm.Values)? {
        guard let theirs = theirs(current, catalog) else { return nil }
        let changedByMe = StepConflict.fields.filter { value(mine, $0) != value(baseValues, $0) }
        var conflicts = changedByMe.filter { value(theirs, $0) != value(baseValues, $0) && value(mine, $0) != value(theirs, $0) }
        let myDependents = changedByMe.filter { StepConflict.dependsOnStatus[$0] != nil && value(mine, $0) != value(theirs, $0) }
        let theyMovedStatus = value(theirs, "status") != value(baseValues, "status")
        if !myDependents.isEmpty && theyMovedStatus && value(mine, "status") != value(theirs, "status") {
            conflicts = StepConflict.fields.filter { conflicts.contains($0) || $0 == "status" || myDependents.contains($0) }
        }
        var keepingMine = theirs, keepingTheirs = theirs
        for field in Set(changedByMe + conflicts) {
            keepingMine[field] = mine[field]
            if !conflicts.contains(field) { keepingTheirs[field] = mine[field] }
        }
        // What the status kept does not have is left out (their date done under my "in
        // progress", say); mine is then in conflict, above, or journaled as not kept.
        for (field, status) in StepConflict.dependsOnStatus {
            if keepingMine["status"] != status.rawValue { keepingMine[field] = "" }
            if keepingTheirs["status"] != status.rawValue { keepingTheirs[field] = "" }
        }
        let addedByMe = changedByMe.filter { !conflicts.contains($0) && value(mine, $0) != value(theirs, $0) }
        return (changedByMe, conflicts, addedByMe, keepingMine, keepingTheirs)
    }

    /// Shows what to do with my refused step: saved at once when we changed different fields
    /// of it, else the conflict screen over `origin`, the form that holds what I typed.
    func show(_ app: CaseManagerApp, origin: FieldForm) {
        let catalog = app.catalog
        guard let current = app.reader[base.id], let merge = merge(current: current, catalog: catalog) else { return }
        let who = app.store.book.clashes(of: refused, on: base.id, since: base.version).last?.by ?? ""
        guard !merge.conflicts.isEmpty else {
            guard let changes = changes(.mine, current: current, with: who, app: app),
                  app.commit([changes[0]], recheck: ConflictScreen.unchanged(since: current, as: refused)) else { return }
            origin.finish(app, saying: catalog.text("conflict.stepMerged", ["who": who]))
            onSaved(.step(plan: plan.id, code: step.code))
            return
        }
        app.push(ConflictScreen(subject: self, origin: origin))
        // Not "a field you changed": a status is in conflict with the reason I typed for mine.
        app.say(catalog.text("conflict.foundStep", ["who": who]), .error)
    }

    func intro(current: Case, who: String, when: String, catalog: Catalog) -> String {
        catalog.text("conflict.intro.step", ["who": who, "when": when, "step": catalog.label("step", step.code),
                                             "track": catalog.label("track", plan.track)])
    }

    private func label(_ field: String, _ value: String, _ catalog: Catalog) -> String {
        field == "status" && !value.isEmpty ? catalog.text("stepStatus.\(value)") : value
    }

    func rows(current: Case, app: CaseManagerApp) -> [ConflictRow] {
        let catalog = app.catalog
        guard let merge = merge(current: current, catalog: catalog) else { return [] }
        return merge.conflicts.map { field in
            ConflictRow(label: catalog.text("tabs.step.field.\(field)"), mine: label(field, value(mine, field), catalog),
                        theirs: label(field, value(merge.keepingTheirs, field), catalog))
        }
    }

    func mergedNote(current: Case, app: CaseManagerApp) -> String? {
        let catalog = app.catalog
        guard let others = merge(current: current, catalog: catalog)?.addedByMe, !others.isEmpty else { return nil }
        return catalog.text("conflict.merged", ["fields": others.map { catalog.text("tabs.step.field.\($0)") }.joined(separator: ", ")])
    }

    func changes(_ choice: ConflictDecision.Choice, current: Case, with who: String, app: CaseManagerApp) -> [Change]? {
        guard let merge = merge(current: current, catalog: app.catalog),
              let saved = current.plans.first(where: { $0.id == plan.id })?.steps.first(where: { $0.code == step.code }) else { return nil }
        let values = choice == .mine ? merge.keepingMine : merge.keepingTheirs
        guard let updated = FollowUpForms.stepFrom(values.mapValues { $0.trimmingCharacters(in: .whitespacesAndNewlines) }, saved),
              updated.status != .blocked || !updated.blockedReason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            return nil
        }
        // Whatever I typed that is not saved is journaled with the decision.
        var dropped: [String: String] = [:]
        for field in Set(merge.mine + merge.conflicts) where value(values, field) != value(mine, field) {
            dropped[field] = value(mine, field)
        }
        var changes: [Change] = []
        if updated != saved { changes.append(.updateStep(id: current.id, plan: plan.id, step: updated)) }
        changes.append(.resolveConflict(id: current.id, decision: ConflictDecision(
            choice: choice, with: who, fields: merge.conflicts, plan: plan.id, step: step.code, dropped: dropped)))
        return changes
    }

    func editForm(current: Case, with who: String, app: CaseManagerApp) -> Screen {
        let catalog = app.catalog
        let merge = merge(current: current, catalog: catalog)
        let currentPlan = current.plans.first { $0.id == plan.id } ?? plan
        let saved = currentPlan.steps.first { $0.code == step.code } ?? step
        let decision = ConflictDecision(choice: .edited, with: who, fields: merge?.conflicts ?? [], plan: plan.id, step: step.code)
        let form = FollowUpForms.step(saved, of: currentPlan, item: current, app: app, onSaved: onSaved,
                                      values: merge?.keepingMine ?? mine, decision: decision)
        if let first = merge?.conflicts.first { form.focus(on: first) }
        return form
    }
}
