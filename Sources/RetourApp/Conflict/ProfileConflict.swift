import Foundation
import RetourCore

/// A profile edit refused because someone saved the same profile since the form opened: the
/// fields we both changed are the conflict; those only I changed are applied whatever the
/// choice (`ProfileMerge`).
struct ProfileConflict: ConflictSubject {
    /// The case as my form opened it.
    let base: Case
    /// The profile as my form showed it, and as I typed it.
    let baseDraft: ProfileDraft
    let mine: ProfileDraft

    init(base: Case, baseDraft: ProfileDraft, mine: ProfileDraft) {
        self.base = base
        self.baseDraft = baseDraft
        self.mine = mine
    }

    var caseID: UUID { base.id }
    var baseVersion: Int { base.version }
    var refused: Change { .editProfile(id: base.id, expectedVersion: base.version, profile: base.profile) }

    func merge(current: Case, catalog: Catalog) -> ProfileMerge {
        ProfileMerge(base: baseDraft, mine: mine, theirs: CaseFormScreen.formDraft(current.profile, catalog: catalog))
    }

    func intro(current: Case, who: String, when: String, catalog: Catalog) -> String {
        catalog.text("conflict.intro.profile", ["who": who, "when": when])
    }

    func rows(current: Case, app: CaseManagerApp) -> [ConflictRow] {
        let merge = merge(current: current, catalog: app.catalog)
        return merge.conflicts.map { field in
            ConflictRow(label: app.catalog.text(field.labelKey), mine: CaseFormScreen.label(field, mine[field], app),
                        theirs: CaseFormScreen.label(field, merge.keepingTheirs[field], app))
        }
    }

    func mergedNote(current: Case, app: CaseManagerApp) -> String? {
        let merge = merge(current: current, catalog: app.catalog)
        let others = merge.addedByMe
        guard !others.isEmpty else { return nil }
        return app.catalog.text("conflict.merged", ["fields": others.map { app.catalog.text($0.labelKey) }.joined(separator: ", ")])
    }

    func changes(_ choice: ConflictDecision.Choice, current: Case, with who: String, app: CaseManagerApp) -> [Change]? {
        let merge = merge(current: current, catalog: app.catalog)
        let draft = choice == .mine ? merge.keepingMine : merge.keepingTheirs
        let theirs = CaseFormScreen.formDraft(current.profile, catalog: app.catalog)
        var changes: [Change] = []
        if draft != theirs {
            guard case .success(let profile) = draft.parse(reference: app.session.reference, today: app.today) else { return nil }
            changes.append(.editProfile(id: current.id, expectedVersion: current.version, profile: profile))
        }
        var dropped: [String: String] = [:]
        if choice == .theirs {
            for field in merge.conflicts { dropped[field.rawValue] = mine[field] }
        }
        let decided = ConflictDecision(choice: choice, with: who, fields: merge.conflicts.map(\.rawValue), dropped: dropped)
        changes.append(.resolveConflict(id: current.id, decision: decided))
        return changes
    }

    func editForm(current: Case, with who: String, app: CaseManagerApp) -> Screen {
        let merge = merge(current: current, catalog: app.catalog)
        let decided = ConflictDecision(choice: .edited, with: who, fields: merge.conflicts.map(\.rawValue))
        return CaseFormScreen(app: app, editing: current, draft: merge.keepingMine, decision: decided)
    }
}
