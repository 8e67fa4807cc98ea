import Foundation
import RetourCore
import RetourTUI

/// The conflicts between sites waiting for a supervisor (`SiteConflict`), one at a time: the
/// case, the version here (who, at which site, when, what) and the version of the other site,
/// with the fields where they differ; and the choice: keep the version here, take the other
/// site's, or keep this one and edit the case. The decision is a change like any other
/// (`Change.settleSiteConflict`): it syncs, and settles the same conflict at every site.
/// ←/→ go to the previous or next case in conflict.
final class SiteConflictScreen: Screen {
    /// The cases to go through, by number; the one shown is `cases[position]`.
    private var cases: [UUID]
    private var position: Int
    private var top = 0
    private var lineCount = 0
    private var visibleLines = 10

    /// Every case in conflict the user reaches, starting at `caseID` (else the first).
    init(app: CaseManagerApp, startingAt caseID: UUID? = nil) {
        var cases = app.reader.inSiteConflict.map(\.id)
        if let caseID, !cases.contains(caseID) { cases.insert(caseID, at: 0) }
        self.cases = cases
        position = caseID.flatMap { cases.firstIndex(of: $0) } ?? 0
    }

    var context: KeyContext { .siteConflict }
    var helpKey: String { "help.siteConflict" }

    private var caseID: UUID? { cases.indices.contains(position) ? cases[position] : nil }

    func title(_ app: CaseManagerApp) -> String {
        app.catalog.text("siteConflict.title", ["position": String(position + 1), "count": String(cases.count)])
    }

    func handle(_ action: Action?, key: Key, app: CaseManagerApp) {
        switch action {
        case .keepHere?: decide(takingTheirs: false, editing: false, app)
        case .takeTheirs?: decide(takingTheirs: true, editing: false, app)
        case .keepHereAndEdit?: decide(takingTheirs: false, editing: true, app)
        case .nextSection?: go(to: position + 1)
        case .previousSection?: go(to: position - 1)
        case .open?:
            if let caseID { app.push(CaseDetailScreen(caseID: caseID, tab: .timeline)) }
        case .back?: app.pop()
        case .move(let movement)?: top = movement.scrolled(top, visible: visibleLines, count: lineCount)
        default: break
        }
    }

    private func go(to index: Int) {
        guard cases.indices.contains(index) else { return }
        position = index
        top = 0
    }

    /// The case's first conflict, settled as chosen; the screen goes on to the next one.
    private func decide(takingTheirs: Bool, editing: Bool, _ app: CaseManagerApp) {
        guard let caseID, let current = app.reader[caseID], let conflict = current.siteConflicts?.first else { return }
        var changes: [Change] = []
        if takingTheirs { changes.append(conflict.change.made(onVersion: current.version)) }
        changes.append(.settleSiteConflict(id: caseID, versions: conflict.versions.sorted(), taken: takingTheirs))
        guard app.commit(changes) else { return }
        app.say(app.catalog.text(takingTheirs ? "siteConflict.taken" : "siteConflict.kept",
                                 ["number": current.number, "site": conflict.origin.site]), .success)
        if editing {
            app.push(CaseDetailScreen(caseID: caseID, tab: SiteConflictScreen.tab(of: conflict.change)))
            return
        }
        if app.reader[caseID]?.isInSiteConflict != true {
            cases.remove(at: position)
            position = min(position, max(0, cases.count - 1))
            if cases.isEmpty { app.pop() }
        }
        top = 0
    }

    /// Where on the case what the change is about is edited.
    static func tab(of change: Change) -> CaseTab {
        switch change {
        case .enrol, .withdrawEnrolment, .updateStep: return .plan
        case .assess: return .rights
        case .saveReferral: return .referrals
        case .addNote: return .notes
        case .saveMember, .removeMember: return .household
        default: return .profile
        }
    }

    // MARK: Drawing

    func draw(into canvas: inout Canvas, area: Rect, app: CaseManagerApp) -> Point? {
        let catalog = app.catalog
        let width = area.width - 4
        var lines: [(String, Style)] = []
        if let caseID, let current = try? app.reader.read(caseID), let conflict = current.siteConflicts?.first {
            lines = SiteConflictScreen.lines(current, conflict, width: width, app: app)
        } else {
            lines = Dialog.wrap(catalog.text("siteConflict.none"), width: width).map { ($0, .plain) }
        }
        lineCount = lines.count
        visibleLines = max(1, area.height)
        top = max(0, min(top, lineCount - visibleLines))
        return ConflictScreen.put(lines, from: top, into: &canvas, area: area, catalog: catalog)
    }

    static func lines(_ current: Case, _ conflict: SiteConflict, width: Int, app: CaseManagerApp) -> [(String, Style)] {
        let catalog = app.catalog
        var lines: [(String, Style)] = []
        func wrapped(_ text: String, _ style: Style = .plain) {
            lines += Dialog.wrap(text, width: width).map { ($0, style) }
        }
        let person = TerminalText.visible("\(current.profile.familyName) \(current.profile.givenNames)")
        lines.append((current.number + " · " + person, .bold))
        let count = current.siteConflicts?.count ?? 1
        if count > 1 { wrapped(catalog.text("siteConflict.several", ["count": String(count)]), .muted) }
        let here = app.store.book.site?.code ?? ""
        let theirs = conflict.origin.site
        let what = catalog.text("audit.change.\(conflict.change.name)")
        wrapped(catalog.text(conflict.against.isEmpty ? "siteConflict.intro.refused" : "siteConflict.intro",
                             ["site": theirs, "what": what]))
        lines.append(("", .plain))
        // The versions here it goes against: who, where, when, what (from the case's timeline).
        let keys = Set(conflict.against)
        for event in current.timeline where keys.contains(event.origin?.key ?? SyncOrigin.key(site: here, seq: event.seq)) {
            let site = event.origin?.site ?? here
            wrapped("▸ " + catalog.text("siteConflict.version", ["site": site, "who": event.by, "when": catalog.dateTime(event.at)]), .bold)
            wrapped("  " + TimelineText.describe(event, catalog: catalog))
        }
        wrapped("▸ " + catalog.text("siteConflict.version", ["site": theirs, "who": conflict.by, "when": catalog.dateTime(conflict.at)]),
                .bold)
        wrapped("  " + what)
        let rows = differences(current, conflict.change, app: app)
        if !rows.isEmpty {
            lines.append(("", .plain))
            let labels = [catalog.text("siteConflict.here", ["site": here]), catalog.text("siteConflict.there", ["site": theirs])]
            let labelWidth = min(28, (labels.map(CellWidth.of).max() ?? 10) + 2)
            let valueWidth = max(10, width - labelWidth - 2)
            let empty = catalog.text("conflict.empty")
            for row in rows {
                lines.append(("▸ " + row.label, .bold))
                for (label, value) in [(labels[0], row.mine), (labels[1], row.theirs)] {
                    let shown = value.isEmpty ? [empty] : Dialog.wrap(TerminalText.visible(value), width: valueWidth)
                    for (index, part) in shown.enumerated() {
                        let prefix = index == 0 ? label : ""
                        lines.append(("  " + prefix.padding(toLength: labelWidth, withPad: " ", startingAt: 0) + part, .plain))
                    }
                }
            }
        }
        lines.append(("", .plain))
        wrapped(catalog.text("siteConflict.choose", ["site": theirs]))
        return lines
    }

    /// The fields the other site's change would set otherwise than the case holds here: the
    /// profile's, a step's or a referral's. Other changes (a status, a note) are said in words.
    static func differences(_ current: Case, _ change: Change, app: CaseManagerApp) -> [ConflictRow] {
        let catalog = app.catalog
        switch change {
        case .editProfile(_, _, let profile):
            let here = CaseFormScreen.formDraft(current.profile, catalog: catalog)
            let there = CaseFormScreen.formDraft(profile, catalog: catalog)
            return ProfileField.allCases.filter { here[$0] != there[$0] }.map { field in
                ConflictRow(label: catalog.text(field.labelKey), mine: CaseFormScreen.label(field, here[field], app),
                            theirs: CaseFormScreen.label(field, there[field], app))
            }
        case .updateStep(_, let planID, let step):
            guard let plan = current.plans.first(where: { $0.id == planID }),
                  let mine = plan.steps.first(where: { $0.code == step.code }) else { return [] }
            var rows: [ConflictRow] = []
            let label = catalog.label("step", step.code)
            if mine.status != step.status {
                rows.append(ConflictRow(label: label, mine: catalog.text("stepStatus.\(mine.status.rawValue)"),
                                        theirs: catalog.text("stepStatus.\(step.status.rawValue)")))
            }
            if mine.note != step.note { rows.append(ConflictRow(label: label + " · " + catalog.text("tabs.step.field.note"), mine: mine.note, theirs: step.note)) }
            return rows
        case .saveReferral(_, let referral):
            guard let mine = current.referrals.first(where: { $0.id == referral.id }) else { return [] }
            var rows: [ConflictRow] = []
            let label = catalog.text("service.\(referral.service)")
            if mine.status != referral.status {
                rows.append(ConflictRow(label: label, mine: catalog.text("referralStatus.\(mine.status.rawValue)"),
                                        theirs: catalog.text("referralStatus.\(referral.status.rawValue)")))
            }
            if mine.outcome != referral.outcome { rows.append(ConflictRow(label: label, mine: mine.outcome, theirs: referral.outcome)) }
            return rows
        default:
            return []
        }
    }
}
