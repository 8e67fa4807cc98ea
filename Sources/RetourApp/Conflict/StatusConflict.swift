import Foundation
import RetourCore

/// A change of the case's status (a closure asked or made, a reopening, an enrolment
/// withdrawn) refused because someone changed its status since the form opened. There is one
/// thing in conflict, the status: what I was doing beside what they did. Keep mine makes my
/// change on their version when it still applies there; when it does not (we both asked for
/// the closure, both reopened, or they closed it), keep theirs journals what I typed with the
/// decision, and edit makes it a note of the case.
struct StatusConflict: ConflictSubject {
    /// The case and its version as my form showed it, and my change as it was refused.
    let caseID: UUID
    let baseVersion: Int
    let refused: Change
    /// What my form held (`mine`), of which the text I typed (`typed`: field → text).
    let mine: FieldForm.Values
    let typed: [String]
    /// My change from `values`, on `current`.
    let change: (_ values: FieldForm.Values, _ current: Case) -> Change
    /// My form, on `current`, filled with `values`, saving with `decision`.
    let form: (_ current: Case, _ values: FieldForm.Values, _ decision: ConflictDecision) -> Screen
    /// For an approval: the closure reason requested, as my form showed it (their change
    /// may have taken the request away).
    var approvedReason: String? = nil

    static let fields = ["status"]

    /// Shows the conflict screen over `origin`, the form that holds what I typed.
    func show(_ app: CaseManagerApp, origin: FieldForm) {
        let who = app.store.book.clashes(of: refused, on: caseID, since: baseVersion).last?.by ?? ""
        app.push(ConflictScreen(subject: self, origin: origin))
        app.say(app.catalog.text("conflict.foundStatus", ["who": who]), .error)
    }

    func intro(current: Case, who: String, when: String, catalog: Catalog) -> String {
        catalog.text("conflict.intro.status", ["who": who, "when": when])
    }

    /// My change as the timeline would say it.
    private func described(_ current: Case, _ catalog: Catalog) -> String {
        func event(_ kind: String, _ details: [String: String]) -> String {
            TimelineText.describe(TimelineEvent(seq: 0, by: "", at: Date(), kind: kind, details: details), catalog: catalog)
        }
        switch change(mine, current) {
        case .requestClosure(_, let reason, _): return event("timeline.closureRequested", ["reason": reason])
        case .close(_, let closure): return event("timeline.closed", ["reason": closure.reason]) + (closure.note.isEmpty ? "" : " — " + closure.note)
        case .reopen(_, let reason): return event("timeline.reopened", ["reason": reason])
        case .withdrawEnrolment(_, let plan, let reason):
            let track = current.plans.first { $0.id == plan }?.track ?? ""
            return event("timeline.enrolmentWithdrawn", ["track": track, "reason": reason])
        case .approveClosure(_, _, let comment):
            let reason = approvedReason ?? current.closureRequestReason ?? Closure.unspecifiedReason
            return event("timeline.closureApproved", ["reason": reason]) + (comment.isEmpty ? "" : " — " + comment)
        case .returnClosure(_, _, let comment): return event("timeline.closureReturned", ["comment": comment])
        default: return typedText
        }
    }

    /// What I typed, each text on its line.
    private var typedText: String {
        typed.compactMap { mine[$0] }.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
            .joined(separator: "\n")
    }

    func rows(current: Case, app: CaseManagerApp) -> [ConflictRow] {
        let theirs = (try? CaseBook.clashes(of: refused, on: current, since: baseVersion)) ?? []
        return [ConflictRow(label: app.catalog.text("conflict.field.status"), mine: described(current, app.catalog),
                            theirs: theirs.map { TimelineText.describe($0, catalog: app.catalog) }.joined(separator: "\n"))]
    }

    /// Why my change cannot be made on `current` (nil when it can): we did the same, or its
    /// status no longer allows it.
    func cannotKeepMine(current: Case, who: String, app: CaseManagerApp) -> String? {
        var book = app.store.book
        let entry = JournalEntry(seq: book.seq + 1, by: app.clearance.login, at: Date(), change: change(mine, current))
        guard (try? book.apply(entry, as: app.clearance)) == nil else { return nil }
        let catalog = app.catalog
        switch (refused, current.status) {
        case (.requestClosure, .closureRequested): return catalog.text("conflict.status.sameRequest", ["who": who])
        case (.reopen, _) where current.status != .closed: return catalog.text("conflict.status.sameReopen", ["who": who])
        default: return catalog.text("conflict.status.notApplicable", ["who": who, "status": catalog.text("status.\(current.status.rawValue)")])
        }
    }

    func mergedNote(current: Case, app: CaseManagerApp) -> String? { nil }

    private func decision(_ choice: ConflictDecision.Choice, _ who: String, dropped: [String: String] = [:]) -> ConflictDecision {
        ConflictDecision(choice: choice, with: who, fields: StatusConflict.fields, dropped: dropped)
    }

    func changes(_ choice: ConflictDecision.Choice, current: Case, with who: String, app: CaseManagerApp) -> [Change]? {
        switch choice {
        case .theirs:
            var dropped: [String: String] = [:]
            for field in typed {
                let text = (mine[field] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                if !text.isEmpty { dropped[field] = text }
            }
            return [.resolveConflict(id: current.id, decision: decision(.theirs, who, dropped: dropped))]
        case .mine, .edited:
            guard cannotKeepMine(current: current, who: who, app: app) == nil else { return nil }
            return [change(mine, current), .resolveConflict(id: current.id, decision: decision(choice, who))]
        }
    }

    /// My form again on their version; when my change no longer applies there, a new note
    /// filled with what I typed.
    func editForm(current: Case, with who: String, app: CaseManagerApp) -> Screen {
        let decided = decision(.edited, who)
        guard cannotKeepMine(current: current, who: who, app: app) != nil else { return form(current, mine, decided) }
        return FollowUpForms.note(correcting: nil, item: current, app: app, onSaved: { _ in }, text: typedText, decision: decided)
    }
}
