import Foundation
import RetourCore

/// A referral's or a household member's new details refused because someone saved the same
/// one since the form opened. As for a step, the fields only I changed are applied whatever
/// the choice; the fields we both changed to different values are the conflict. What differs
/// from one kind to the other (its fields, how it reads and saves) is given by the form.
struct FieldsConflict: ConflictSubject {
    /// The case as my form opened it.
    let base: Case
    /// My change as it was refused.
    let refused: Change
    /// The form's fields that can be in conflict, in its order, and their labels.
    let fields: [String]
    let label: (String) -> String
    /// The values as my form showed them, and as I typed them.
    let baseValues: FieldForm.Values
    let mine: FieldForm.Values
    /// "… saved the referral to … on …" for `who` and `when`.
    let intro: (_ who: String, _ when: String) -> String
    /// Said when we changed different fields only (saved without asking), for `who`.
    let merged: (_ who: String) -> String
    /// The values as the form would show them on `current`; nil when it is no longer there.
    let theirs: (Case) -> FieldForm.Values?
    /// How a field's value reads (a code's label).
    let display: (_ field: String, _ value: String) -> String
    /// The change that saves `values` on `current`; nil when they do not read.
    let change: (_ values: FieldForm.Values, _ current: Case) -> Change?
    /// The decision, for `choice`, with `who`, on the fields in conflict, with what was dropped.
    let decision: (_ choice: ConflictDecision.Choice, _ who: String, _ fields: [String], _ dropped: [String: String]) -> ConflictDecision
    /// The form, on `current`, filled with `values`, saving with `decision`.
    let form: (_ current: Case, _ values: FieldForm.Values, _ decision: ConflictDecision) -> Screen
    /// Told once saved without asking (a merge), to select the row.
    let onMerged: () -> Void

    var caseID: UUID { base.id }
    var baseVersion: Int { base.version }

    private func value(_ values: FieldForm.Values, _ field: String) -> String {
        (values[field] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The fields I changed, those in conflict, and theirs with mine applied (mine winning on
    /// the conflict, or theirs).
    /// `addedByMe`: the fields I changed, not in conflict, that they did not change as I did.
    func merge(current: Case) -> (mine: [String], conflicts: [String], addedByMe: [String], keepingMine: FieldForm.Values,
                                  keepingTheirs: FieldForm.Values)? {
        guard let theirs = theirs(current) else { return nil }
        let changedByMe = fields.filter { value(mine, $0) != value(baseValues, $0) }
        let conflicts = changedByMe.filter { value(theirs, $0) != value(baseValues, $0) && value(mine, $0) != value(theirs, $0) }
        var keepingMine = theirs, keepingTheirs = theirs
        for field in changedByMe {
            keepingMine[field] = mine[field]
            if !conflicts.contains(field) { keepingTheirs[field] = mine[field] }
        }
        let addedByMe = changedByMe.filter { !conflicts.contains($0) && value(mine, $0) != value(theirs, $0) }
        return (changedByMe, conflicts, addedByMe, keepingMine, keepingTheirs)
    }

    /// Shows what to do with my refused change: saved at once when we changed different
    /// fields, else the conflict screen over `origin`, the form that holds what I typed.
    func show(_ app: CaseManagerApp, origin: FieldForm) {
        let catalog = app.catalog
        guard let current = app.reader[base.id], let merge = merge(current: current) else { return }
        let who = app.store.book.clashes(of: refused, on: base.id, since: base.version).last?.by ?? ""
        guard !merge.conflicts.isEmpty else {
            guard let saving = change(merge.keepingMine, current),
                  app.commit([saving], recheck: ConflictScreen.unchanged(since: current, as: refused)) else { return }
            origin.finish(app, saying: merged(who))
            onMerged()
            return
        }
        app.push(ConflictScreen(subject: self, origin: origin))
        app.say(catalog.counted("conflict.found", merge.conflicts.count, ["who": who]), .error)
    }

    func intro(current: Case, who: String, when: String, catalog: Catalog) -> String {
        intro(who, when)
    }

    func rows(current: Case, app: CaseManagerApp) -> [ConflictRow] {
        guard let merge = merge(current: current) else { return [] }
        return merge.conflicts.map { field in
            ConflictRow(label: label(field), mine: display(field, value(mine, field)),
                        theirs: display(field, value(merge.keepingTheirs, field)))
        }
    }

    func mergedNote(current: Case, app: CaseManagerApp) -> String? {
        guard let others = merge(current: current)?.addedByMe, !others.isEmpty else { return nil }
        return app.catalog.text("conflict.merged", ["fields": others.map(label).joined(separator: ", ")])
    }

    func changes(_ choice: ConflictDecision.Choice, current: Case, with who: String, app: CaseManagerApp) -> [Change]? {
        guard let merge = merge(current: current), let theirs = theirs(current) else { return nil }
        let values = choice == .mine ? merge.keepingMine : merge.keepingTheirs
        var dropped: [String: String] = [:]
        if choice == .theirs {
            for field in merge.conflicts { dropped[field] = value(mine, field) }
        }
        var changes: [Change] = []
        if fields.contains(where: { value(values, $0) != value(theirs, $0) }) {
            guard let saving = change(values, current) else { return nil }
            changes.append(saving)
        }
        changes.append(.resolveConflict(id: current.id, decision: decision(choice, who, merge.conflicts, dropped)))
        return changes
    }

    func editForm(current: Case, with who: String, app: CaseManagerApp) -> Screen {
        let merge = merge(current: current)
        let screen = form(current, merge?.keepingMine ?? mine, decision(.edited, who, merge?.conflicts ?? [], [:]))
        if let first = merge?.conflicts.first { (screen as? FieldForm)?.focus(on: first) }
        return screen
    }
}
