import Foundation
import RetourCore
import RetourTUI

/// One case in seven tabs — profile, plan, rights, referrals, notes, timeline, household — switched with
/// Tab/Shift-Tab, ←/→ or 1–7. Each tab's key acts on it (enrol, update the selected step,
/// assess…); the lifecycle keys work from every tab and are offered only when the case's
/// status allows them. Every action opens a small form whose save commits one change.
final class CaseDetailScreen: Screen {
    let caseID: UUID
    private(set) var tab: CaseTab
    /// The case's status as last drawn: the keys offered depend on it.
    private var status: CaseStatus = .registered
    private var inSiteConflict = false
    private var tables: [CaseTab: TableView] = [:]
    private var shown: Set<CaseTab> = []
    private var profileTop = 0
    private var profileVisible = 1
    private var profileWidth = 80
    /// The row to select when its tab is next drawn (what was just saved).
    private var pending: (tab: CaseTab, target: TabRow.Target?)?
    /// Opening a case is kept in the history once, when it is first shown.
    private var viewRecorded = false

    init(caseID: UUID, tab: CaseTab = .profile) {
        self.caseID = caseID
        self.tab = tab
    }

    var context: KeyContext { .detail(tab, status, inSiteConflict: inSiteConflict) }
    var helpKey: String { tab.helpKey }

    func title(_ app: CaseManagerApp) -> String {
        guard let item = app.reader[caseID] else { return "" }
        // Said before the name, which a narrow title bar cuts first.
        let conflict = item.isInSiteConflict ? " · " + app.catalog.text("siteConflict.badge") : ""
        return "\(item.number)\(conflict) · \(item.profile.fullName) · \(app.catalog.text("status.\(item.status.rawValue)"))"
    }

    func storeDidChange(_ app: CaseManagerApp, changed: UUID?) {
        if let item = app.reader[caseID] {
            status = item.status
            inSiteConflict = item.isInSiteConflict
        }
        // The timeline is read from its newest event: a change adds one, so show it.
        if changed == caseID { shown.remove(.timeline) }
    }

    // MARK: Keys

    func handle(_ action: Action?, key: Key, app: CaseManagerApp) {
        guard let item = app.reader[caseID] else {
            if action == .back { app.pop() }
            return
        }
        switch action {
        case .back?: app.pop()
        case .nextTab?: show(tab.moved(by: 1))
        case .previousTab?: show(tab.moved(by: -1))
        case .showTab(let number)?: show(CaseTab(rawValue: number - 1) ?? tab)
        case .move(let movement)?: move(movement, app: app)
        case .edit?: app.push(CaseFormScreen(app: app, editing: item))
        case .enrol?:
            if let form = FollowUpForms.enrol(item, app: app, onSaved: saved(in: .plan)) { app.push(form) }
        case .withdrawEnrolment?:
            // The enrolment of the track whose step is selected; a withdrawn one cannot be again.
            if case .withdrawn? = selectedTarget(app) {
                app.say(app.catalog.text("tabs.withdraw.already"), .error)
                return
            }
            guard case .step(let planID, _)? = selectedTarget(app),
                  let plan = item.plans.first(where: { $0.id == planID }), !plan.isWithdrawn else {
                app.say(app.catalog.text("tabs.withdraw.noneSelected"), .error)
                return
            }
            app.push(FollowUpForms.withdraw(plan, item: item, app: app, onSaved: saved(in: .plan)))
        case .updateStep?:
            if case .withdrawn? = selectedTarget(app) {
                app.say(app.catalog.text("tabs.withdraw.noSteps"), .error)
                return
            }
            guard case .step(let planID, let code)? = selectedTarget(app),
                  let plan = item.plans.first(where: { $0.id == planID }),
                  let step = plan.steps.first(where: { $0.code == code }) else { return }
            app.push(FollowUpForms.step(step, of: plan, item: item, app: app, onSaved: saved(in: .plan)))
        case .assess?:
            app.push(FollowUpForms.assessment(item, app: app, onSaved: saved(in: .rights)))
        case .refer?:
            // From the rights tab, the referral is for the criterion under the cursor.
            var criterion: String?
            if tab == .rights, case .criterion(let code)? = selectedTarget(app) { criterion = code }
            app.push(FollowUpForms.referral(nil, criterion: criterion, item: item, app: app, onSaved: saved(in: .referrals)))
        case .updateReferral?:
            guard case .referral(let id)? = selectedTarget(app), let referral = item.referrals.first(where: { $0.id == id }) else { return }
            app.push(FollowUpForms.referral(referral, item: item, app: app, onSaved: saved(in: .referrals)))
        case .addNote?:
            app.push(FollowUpForms.note(correcting: nil, item: item, app: app, onSaved: saved(in: .notes)))
        case .correctNote?:
            guard case .note(let id)? = selectedTarget(app), let note = item.notes.first(where: { $0.id == id }) else { return }
            app.push(FollowUpForms.note(correcting: note, item: item, app: app, onSaved: saved(in: .notes)))
        case .addMember?:
            app.push(HouseholdForms.member(nil, item: item, app: app, onSaved: saved(in: .household)))
        case .editMember?:
            guard case .member(let id)? = selectedTarget(app), let member = item.members.first(where: { $0.id == id }) else { return }
            app.push(HouseholdForms.member(member, item: item, app: app, onSaved: saved(in: .household)))
        case .removeMember?:
            guard case .member(let id)? = selectedTarget(app), let member = item.members.first(where: { $0.id == id }) else { return }
            HouseholdForms.remove(member, item: item, app: app)
        case .memberCase?:
            guard case .member(let id)? = selectedTarget(app), let member = item.members.first(where: { $0.id == id }) else { return }
            openOwnCase(of: member, in: item, app: app)
        case .closedCase?:
            app.say(app.catalog.text("tabs.closed.noChange"), .error)
        case .readDetails?:
            guard let item = app.reader[caseID], let rows = table(for: tab, content(item, app))?.rows,
                  let selected = tables[tab]?.selected, rows.indices.contains(selected), !rows[selected].details.isEmpty else { return }
            let lines = CaseDetailScreen.wrapped(rows[selected].details, width: 70)
            app.show(.help(TextPanel(title: rows[selected].title, lines: lines)))
        case .householdCase?:
            guard let household = app.reader.links(of: item).household else { return }
            open(household, app: app)
        case .requestClosure?: app.push(FollowUpForms.requestClosure(item, app: app))
        case .closeCase?: app.push(FollowUpForms.close(item, app: app))
        case .reopen?: app.push(FollowUpForms.reopen(item, app: app))
        case .siteConflicts?: app.push(SiteConflictScreen(app: app, startingAt: caseID))
        default: break
        }
    }

    /// The member's own case, opened; or, when they have none, the registration form filled
    /// from what the household says of them.
    private func openOwnCase(of member: HouseholdMember, in item: Case, app: CaseManagerApp) {
        if let own = app.reader.links(of: item).ownCases[member.id] {
            open(own, app: app)
        } else if let reason = app.store.readOnlyReason {
            app.say(app.catalog.text(reason), .error)
        } else {
            app.push(CaseFormScreen(app: app, registering: member, of: item))
        }
    }

    /// Opens a linked case, or says in one line why it cannot be (outside the caseload).
    private func open(_ linked: HouseholdLinks.Linked, app: CaseManagerApp) {
        do {
            guard try app.reader.read(linked.id) != nil else { return }
            // Back to it when it is the case this one was opened from, so that o, o does not
            // pile the two cases up for Esc to unwind.
            if app.screens.count >= 2, (app.screens[app.screens.count - 2] as? CaseDetailScreen)?.caseID == linked.id {
                app.pop()
            } else {
                app.push(CaseDetailScreen(caseID: linked.id))
            }
        } catch {
            app.say(app.catalog.text(error), .error)
        }
    }

    private func show(_ next: CaseTab) {
        guard next != tab else { return }
        // Notes and events are read from the latest, which may have changed since.
        if next == .notes || next == .timeline { shown.remove(next) }
        tab = next
    }

    /// After a save: show `tab` with the saved row selected (its first row when nil).
    private func saved(in tab: CaseTab) -> FollowUpForms.Saved {
        { [weak self] target in
            self?.tab = tab
            self?.pending = (tab, target)
        }
    }

    private func content(_ item: Case, _ app: CaseManagerApp) -> CaseTabContent {
        CaseTabContent(item: item, catalog: app.catalog, reference: app.session.reference, today: app.today,
                       links: app.reader.links(of: item))
    }

    private func table(for tab: CaseTab, _ content: CaseTabContent) -> TabTable? {
        switch tab {
        case .profile: return nil
        case .plan: return content.plan()
        case .rights: return content.rights()
        case .referrals: return content.referrals()
        case .notes: return content.notes()
        case .timeline: return content.timeline()
        case .household: return content.household()
        }
    }

    /// What the selected row of the current tab stands for.
    func selectedTarget(_ app: CaseManagerApp) -> TabRow.Target? {
        guard let item = app.reader[caseID], let rows = table(for: tab, content(item, app))?.rows,
              let selected = tables[tab]?.selected, rows.indices.contains(selected) else { return nil }
        return rows[selected].target
    }

    private func move(_ movement: Movement, app: CaseManagerApp) {
        guard let item = app.reader[caseID] else { return }
        guard let rows = table(for: tab, content(item, app))?.rows else {
            profileTop = movement.scrolled(profileTop, visible: profileVisible,
                                           count: content(item, app).profileLineCount(width: profileWidth))
            return
        }
        var table = tables[tab] ?? TableView()
        table.setCount(rows.count)
        table.move(movement)
        let forward = [.down, .pageDown, .last].contains(movement)
        CaseDetailScreen.skipHeadings(&table, rows: rows, forward: forward)
        tables[tab] = table
    }

    /// Moves the selection off a heading (onward, else back), and keeps the heading above the
    /// selected row in view so that a step is never shown without its plan.
    private static func skipHeadings(_ table: inout TableView, rows: [TabRow], forward: Bool) {
        guard rows.indices.contains(table.selected) else { return }
        if rows[table.selected].isHeading {
            let after = rows.indices.filter { $0 > table.selected && !rows[$0].isHeading }
            let before = rows.indices.filter { $0 < table.selected && !rows[$0].isHeading }
            if let next = forward ? (after.first ?? before.last) : (before.last ?? after.first) { table.select(next) }
        }
        let selected = table.selected
        if selected > 0 && rows[selected - 1].isHeading {
            table.select(selected - 1)
            table.select(selected)
        }
    }

    // MARK: Drawing

    func draw(into canvas: inout Canvas, area: Rect, app: CaseManagerApp) -> Point? {
        let item: Case?
        do {
            item = try app.reader.read(caseID)
        } catch {
            // Its line in the snapshot no longer reads: say why, in words, instead of drawing.
            var y = area.y + 1
            for line in Dialog.wrap(app.catalog.text(error), width: area.width - 2) {
                canvas.put(line, x: 1, y: y, style: .error)
                y += 1
            }
            return Point(x: 1, y: area.y + 1)
        }
        guard let item else {
            canvas.put(app.catalog.text("error.change.unknownCase"), x: 1, y: area.y + 1, style: .error)
            return Point(x: 1, y: area.y + 1)
        }
        status = item.status
        inSiteConflict = item.isInSiteConflict
        if !viewRecorded {
            viewRecorded = true
            app.recordView(of: item)
        }
        let tabCursor = drawTabBar(into: &canvas, area: area, app: app)
        let body = Rect(x: area.x, y: area.y + 1, width: area.width, height: area.height - 1)
        let content = content(item, app)
        guard let table = table(for: tab, content) else {
            return drawProfile(content.profile(), into: &canvas, area: body)
        }
        return drawTable(table, into: &canvas, area: body, app: app) ?? tabCursor
    }

    /// "[1 Profile]  2 Plan  3 Rights …": the current tab bracketed and reversed, so that it
    /// reads without colour. Returns the current tab's position.
    private func drawTabBar(into canvas: inout Canvas, area: Rect, app: CaseManagerApp) -> Point {
        // Spaced out when the labels fit, else tight, else the other tabs by their number only.
        let labels = CaseTab.allCases.map { "\($0.number) \(app.catalog.text($0.labelKey))" }
        let width = labels.reduce(0) { $0 + CellWidth.of($1) + 2 }
        let gap = width + labels.count <= area.width - 1 ? 1 : 0
        let numbersOnly = width > area.width - 1
        var x = area.x + 1
        var cursor = Point(x: x, y: area.y)
        for (candidate, full) in zip(CaseTab.allCases, labels) {
            let label = numbersOnly && candidate != tab ? String(candidate.number) : full
            if candidate == tab {
                cursor = Point(x: x + 1, y: area.y)
                x += canvas.put("[\(label)]", x: x, y: area.y, width: area.maxX - x, style: Style(bold: true, reverse: true))
            } else {
                x += canvas.put(" \(label) ", x: x, y: area.y, width: area.maxX - x)
            }
            x += gap
        }
        return cursor
    }

    private func drawProfile(_ lines: [ProfileLine], into canvas: inout Canvas, area: Rect) -> Point? {
        let rows = CaseDetailScreen.profileRows(lines, width: area.width)
        profileVisible = max(1, area.height)
        profileWidth = area.width
        profileTop = max(0, min(profileTop, max(0, rows.count - profileVisible)))
        for (offset, row) in rows.dropFirst(profileTop).prefix(area.height).enumerated() {
            let y = area.y + offset
            if row.isHeading {
                canvas.put(row.label, x: 1, y: y, width: area.width - 2, style: .header)
            } else {
                canvas.put(row.label, x: 3, y: y, width: row.labelWidth, style: .bold)
                canvas.put(row.value, x: 3 + row.labelWidth, y: y, width: area.width - row.labelWidth - 4)
            }
        }
        return Point(x: 1, y: area.y)
    }

    /// A profile line as drawn: long values wrap under themselves.
    struct ProfileRow {
        let label: String
        let value: String
        let isHeading: Bool
        let labelWidth: Int
    }

    static func profileRows(_ lines: [ProfileLine], width: Int) -> [ProfileRow] {
        let labelWidth = min(30, (lines.filter { !$0.isHeading }.map { CellWidth.of($0.label) }.max() ?? 10) + 2)
        let valueWidth = max(10, width - labelWidth - 4)
        return lines.flatMap { line -> [ProfileRow] in
            if line.isHeading { return [ProfileRow(label: line.label, value: "", isHeading: true, labelWidth: labelWidth)] }
            let oneLine = line.value.split(whereSeparator: \.isNewline).joined(separator: " ")
            return Dialog.wrap(oneLine, width: valueWidth).enumerated().map { index, part in
                ProfileRow(label: index == 0 ? line.label : "", value: part, isHeading: false, labelWidth: labelWidth)
            }
        }
    }

    /// Details as lines of `width` cells, a note's own line breaks kept.
    static func wrapped(_ details: [String], width: Int) -> [String] {
        details.flatMap { detail in
            detail.split(separator: "\n", omittingEmptySubsequences: false).flatMap { Dialog.wrap(String($0), width: width) }
        }
    }

    /// Rows under the table for the selected row's details.
    static let detailsHeight = 4

    private func drawTable(_ content: TabTable, into canvas: inout Canvas, area: Rect, app: CaseManagerApp) -> Point? {
        let rows = content.rows
        canvas.put(content.summary, x: 1, y: area.y, width: area.width - 2, style: .bold)
        let tableArea = Rect(x: area.x, y: area.y + 1, width: area.width,
                             height: area.height - 2 - CaseDetailScreen.detailsHeight)
        var table = tables[tab] ?? TableView()
        table.setCount(rows.count)
        if let pending, pending.tab == tab {
            let index = pending.target.flatMap { target in rows.firstIndex { $0.target == target } }
            table.select(index ?? 0)
            self.pending = nil
        } else if !shown.contains(tab) {
            // Notes and events are read from the latest; the others from the top.
            table.select(tab == .notes || tab == .timeline ? rows.count - 1 : 0)
        }
        shown.insert(tab)
        // Draw once to learn the visible rows, then settle the selection off headings.
        var scratch = canvas
        _ = table.draw(into: &scratch, area: tableArea, columns: content.columns) { rows[$0].cells }
        CaseDetailScreen.skipHeadings(&table, rows: rows, forward: true)
        let cursor = table.draw(into: &canvas, area: tableArea, columns: content.columns) { rows[$0].cells }
        tables[tab] = table
        // Headings span the whole row, above the columns.
        let visible = max(0, tableArea.height - 1)
        for line in 0..<visible {
            let index = table.top + line
            guard index < rows.count, rows[index].isHeading else { continue }
            let y = tableArea.y + 1 + line
            canvas.fill(Rect(x: tableArea.x, y: y, width: tableArea.width, height: 1))
            canvas.put(rows[index].cells.first ?? "", x: 1, y: y, width: tableArea.width - 2, style: .bold)
        }
        // Attention rows are said in words in their cells; colour only adds to it.
        for line in 0..<visible {
            let index = table.top + line
            guard index < rows.count, rows[index].attention, index != table.selected else { continue }
            let y = tableArea.y + 1 + line
            for x in tableArea.x..<tableArea.maxX where !canvas[x, y].text.isEmpty && canvas[x, y].text != " " {
                canvas.put(canvas[x, y].text, x: x, y: y, width: 2, style: .warning)
            }
        }
        // The selected row's details, under a rule.
        let rule = tableArea.maxY
        canvas.put(String(repeating: "─", count: max(0, area.width - 2)), x: 1, y: rule, width: area.width - 2, style: .muted)
        if rows.isEmpty {
            return nil
        }
        if rows.indices.contains(table.selected) {
            let width = area.width - 4
            var details = CaseDetailScreen.wrapped(rows[table.selected].details, width: width)
            if details.count > CaseDetailScreen.detailsHeight {
                // Cut short: say so on the last line shown, with an ellipsis only when that line
                // itself is cut to make room.
                details = Array(details.prefix(CaseDetailScreen.detailsHeight))
                let more = " " + app.catalog.text("tabs.details.more"), last = details[details.count - 1]
                details[details.count - 1] = CellWidth.of(last) + CellWidth.of(more) <= width ? last + more
                    : CellWidth.prefix(last, fitting: width - CellWidth.of(more) - 1) + "…" + more
            }
            for (offset, line) in details.enumerated() {
                canvas.put(line, x: 2, y: rule + 1 + offset, width: width)
            }
        }
        return cursor
    }
}

extension CaseTabContent {
    /// Lines of the profile tab once wrapped to `width`.
    func profileLineCount(width: Int) -> Int {
        CaseDetailScreen.profileRows(profile(), width: width).count
    }
}
