import Foundation
import RetourCore
import RetourTUI

/// The closure requests waiting for a decision (`ApprovalQueue`), for supervisors and
/// administrators: one row per request, the selected one's details below (the worker's
/// explanation, what is still open). `y`/`o` approves (after a confirmation, with an optional
/// comment), `r` returns the request with a comment, Enter opens the case. A decision carries
/// the case's version as the row showed it: a case changed meanwhile is refused and the queue
/// read again.
final class ApprovalsScreen: Screen {
    private var items: [ApprovalQueue.Item] = []
    private var table = TableView()
    private var problem: String?

    /// Nil (and says why) for a user who decides no closure.
    init?(app: CaseManagerApp) {
        do {
            items = try ApprovalQueue(reader: app.reader, criteria: app.session.reference.tracks.criteria, today: app.today).items
        } catch {
            app.say(app.catalog.text(error), .error)
            return nil
        }
        table.setCount(items.count)
    }

    var context: KeyContext { .approvals }
    var helpKey: String { "approvals.help" }

    func title(_ app: CaseManagerApp) -> String {
        app.catalog.counted("approvals.title", items.count)
    }

    var selected: ApprovalQueue.Item? {
        items.indices.contains(table.selected) ? items[table.selected] : nil
    }

    /// Whether the request of case `id` waits in the queue.
    func contains(_ id: UUID) -> Bool { items.contains { $0.id == id } }

    /// Whether the request of case `id` is below the selected one.
    func isBelow(_ id: UUID) -> Bool { (items.firstIndex { $0.id == id } ?? 0) > table.selected }

    /// Reads the queue again, keeping the selected request when it still waits.
    func reload(_ app: CaseManagerApp) {
        let kept = selected?.id
        do {
            items = try ApprovalQueue(reader: app.reader, criteria: app.session.reference.tracks.criteria, today: app.today).items
            problem = nil
        } catch {
            items = []
            problem = app.catalog.text(error)
        }
        table.setCount(items.count)
        table.select(kept.flatMap { id in items.firstIndex { $0.id == id } } ?? min(table.selected, max(0, items.count - 1)))
    }

    func storeDidChange(_ app: CaseManagerApp, changed: UUID?) {
        reload(app)
    }

    func handle(_ action: Action?, key: Key, app: CaseManagerApp) {
        switch action {
        case .move(let movement)?: table.move(movement)
        case .open?:
            guard let item = selected else { return }
            app.push(CaseDetailScreen(caseID: item.id))
        case .approve?:
            guard let item = selected else { return }
            guard item.mayDecide else {
                app.say(app.catalog.text(ChangeError.forbidden(.approveOwnRequest, number: item.number)), .error)
                return
            }
            app.push(approveForm(item, app: app))
        case .returnRequest?:
            guard let item = selected else { return }
            app.push(returnForm(item, app: app))
        case .back?: app.pop()
        default: break
        }
    }

    // MARK: Decisions

    /// A refused decision leaves the form; a case changed meanwhile is said, with the queue read
    /// again. When the change meanwhile was someone else's decision on the same case (another
    /// status change), the conflict screen instead, over the form that keeps the comment typed.
    private func refused(_ error: any Error, form: FieldForm, app: CaseManagerApp, item: ApprovalQueue.Item,
                         values: FieldForm.Values, approving: Bool) {
        let change: (FieldForm.Values, Int) -> Change = { values, version in
            approving ? .approveClosure(id: item.id, expectedVersion: version, comment: values["comment"] ?? "")
                : .returnClosure(id: item.id, expectedVersion: version, comment: values["comment"] ?? "")
        }
        let made = change(values, item.version)
        // Refused as stale, or by the status theirs left: the conflict either way.
        if !app.store.book.clashes(of: made, on: item.id, since: item.version).isEmpty {
            var conflict = StatusConflict(caseID: item.id, baseVersion: item.version, refused: made, mine: values, typed: ["comment"],
                                          change: { change($0, $1.version) }, form: { [weak self] current, values, decision in
                                              // The request as the queue now shows it, else a note with the comment.
                                              self?.reopened(item.id, approving: approving, values: values, decision: decision, app: app)
                                                  ?? FollowUpForms.note(correcting: nil, item: current, app: app, onSaved: { _ in },
                                                                        text: values["comment"], decision: decision)
                                          })
            conflict.approvedReason = item.reasonCode
            conflict.show(app, origin: form)
            return
        }
        if app.top === form { app.pop() }
        reload(app)
        if case ChangeError.staleVersion(let number)? = error as? ChangeError {
            app.say(app.catalog.text("approvals.stale", ["number": number]), .error)
        }
    }

    /// The decision's form again on case `id` as the queue now shows it, filled with `values`,
    /// saving with `decision`; nil when its request no longer waits.
    private func reopened(_ id: UUID, approving: Bool, values: FieldForm.Values, decision: ConflictDecision,
                          app: CaseManagerApp) -> Screen? {
        reload(app)
        guard let item = items.first(where: { $0.id == id }) else { return nil }
        let form = approving ? approveForm(item, app: app, decision: decision) : returnForm(item, app: app, decision: decision)
        form.fill(values)
        return form
    }

    /// Commits `change`, with `decision` after a conflict: refused, `refused` is told why.
    private static func commit(_ change: Change, item: ApprovalQueue.Item, decision: ConflictDecision?, app: CaseManagerApp,
                               refused: @escaping (any Error) -> Void) -> Bool {
        guard let decision else { return app.commit(change, refused: refused) != nil }
        return app.commit([change, .resolveConflict(id: item.id, decision: decision)])
    }

    private func approveForm(_ item: ApprovalQueue.Item, app: CaseManagerApp, decision: ConflictDecision? = nil) -> FieldForm {
        let catalog = app.catalog
        let reason = Self.reasonLabel(item, catalog)
        return FieldForm(
            catalog: catalog, title: "\(item.number) · " + catalog.text("approvals.approve.title"),
            intro: [catalog.text("approvals.approve.intro", ["number": item.number, "reason": reason])] + Self.openLines(item, catalog),
            fields: [FormField("comment", catalog.text("approvals.approve.comment"), lines: .several)],
            values: [:], helpKey: "approvals.help",
            submit: { [weak self] form, values, app in
                app.confirm(title: catalog.text("approvals.confirm.title"),
                            lines: [catalog.text("approvals.confirm.question", ["number": item.number, "reason": reason])],
                            yes: catalog.text("approvals.confirm.yes"), no: catalog.text("approvals.confirm.no")) {
                    let change = Change.approveClosure(id: item.id, expectedVersion: item.version, comment: values["comment"] ?? "")
                    guard Self.commit(change, item: item, decision: decision, app: app, refused: {
                        self?.refused($0, form: form, app: app, item: item, values: values, approving: true)
                    }) else { return }
                    form.finish(app, saying: catalog.text("approvals.approved", ["number": item.number, "reason": reason]))
                }
            })
    }

    private func returnForm(_ item: ApprovalQueue.Item, app: CaseManagerApp, decision: ConflictDecision? = nil) -> FieldForm {
        let catalog = app.catalog
        return FieldForm(
            catalog: catalog, title: "\(item.number) · " + catalog.text("approvals.return.title"),
            intro: [catalog.text("approvals.return.intro", ["number": item.number])],
            fields: [FormField("comment", catalog.text("approvals.return.comment"), required: true, lines: .several)],
            values: [:], helpKey: "approvals.help",
            submit: { [weak self] form, values, app in
                let change = Change.returnClosure(id: item.id, expectedVersion: item.version, comment: values["comment"] ?? "")
                guard Self.commit(change, item: item, decision: decision, app: app, refused: {
                    self?.refused($0, form: form, app: app, item: item, values: values, approving: false)
                }) else { return }
                form.finish(app, saying: catalog.text("approvals.returned", ["number": item.number]))
            })
    }

    // MARK: Drawing

    private static func reasonLabel(_ item: ApprovalQueue.Item, _ catalog: Catalog) -> String {
        item.reasonCode.map { catalog.text("closureReason.\($0)") } ?? catalog.text("approvals.noReason")
    }

    /// What is still open in the case, in words; one line saying nothing is, when so.
    private static func openLines(_ item: ApprovalQueue.Item, _ catalog: Catalog) -> [String] {
        var parts: [String] = []
        if item.openSteps > 0 {
            parts.append(catalog.counted("approvals.open.steps", item.openSteps)
                         + (item.overdueSteps > 0 ? " (" + catalog.counted("approvals.open.overdue", item.overdueSteps) + ")" : ""))
        }
        if !item.gaps.isEmpty {
            parts.append(catalog.counted("approvals.open.gaps", item.gaps.count)
                         + " (" + item.gaps.map { catalog.text("criterion.\($0)") }.joined(separator: ", ") + ")")
        }
        if item.openReferrals > 0 { parts.append(catalog.counted("approvals.open.referrals", item.openReferrals)) }
        return [parts.isEmpty ? catalog.text("approvals.open.nothing")
                              : catalog.text("approvals.open.intro", ["items": parts.joined(separator: ", ")])]
    }

    func draw(into canvas: inout Canvas, area: Rect, app: CaseManagerApp) -> Point? {
        let catalog = app.catalog
        if let problem {
            for (offset, line) in Dialog.wrap(problem, width: area.width - 2).enumerated() where offset < area.height {
                canvas.put(line, x: 1, y: area.y + offset, style: .error)
            }
            return Point(x: 1, y: area.y)
        }
        guard !items.isEmpty else {
            for (offset, line) in Dialog.wrap(catalog.text("approvals.empty"), width: area.width - 4).enumerated() {
                canvas.put(line, x: 2, y: area.y + 1 + offset, style: .muted)
            }
            return Point(x: 1, y: area.y + 1)
        }
        let detailsHeight = 7
        let tableArea = Rect(x: area.x, y: area.y, width: area.width, height: max(3, area.height - detailsHeight))
        let columns = [
            Column("", .fixed(1)),
            Column(catalog.text("approvals.column.number"), .fixed(10)),
            Column(catalog.text("approvals.column.name"), .flexible(weight: 1, minimum: 10)),
            Column(catalog.text("approvals.column.worker"), .fixed(10)),
            // Most reasons whole in both languages; the longest is whole in the details below.
            Column(catalog.text("approvals.column.reason"), .fixed(18)),
            Column(catalog.text("approvals.column.waiting"), .fixed(6)),
            Column(catalog.text("approvals.column.open"), .fixed(10)),
        ]
        let items = self.items
        let today = app.today
        let cursor = table.draw(into: &canvas, area: tableArea, columns: columns) { index in
            let item = items[index]
            return [item.mayDecide ? "" : "◦", item.number, TerminalText.visible(item.fullName), TerminalText.visible(item.worker),
                    Self.reasonLabel(item, catalog), catalog.counted("approvals.days", item.daysWaiting(on: today)),
                    catalog.text("approvals.openShort", ["steps": String(item.openSteps), "gaps": String(item.gaps.count)])]
        }
        guard let item = selected else { return cursor }
        var y = tableArea.maxY
        canvas.put(String(repeating: "─", count: area.width), x: 0, y: y, width: area.width, style: .muted)
        y += 1
        let width = area.width - 2
        var lines: [(String, Style)] = []
        let when = item.requestedAt.map(catalog.dateTime) ?? ""
        lines.append((catalog.text("approvals.detail.request", ["by": TerminalText.visible(item.requestedBy), "when": when,
                                                                 "reason": Self.reasonLabel(item, catalog)]), .bold))
        for line in Dialog.wrap(catalog.text("approvals.detail.explanation",
                                             ["text": TerminalText.visible(item.explanation, layout: .flattened)]), width: width).prefix(2) {
            lines.append((line, .plain))
        }
        for line in Self.openLines(item, catalog).flatMap({ Dialog.wrap($0, width: width) }).prefix(2) {
            lines.append((line, item.openSteps + item.gaps.count + item.openReferrals > 0 ? .error : .plain))
        }
        if !item.mayDecide {
            lines.append((catalog.text("approvals.detail.own"), .error))
        }
        for (line, style) in lines where y < area.maxY {
            canvas.put(line, x: 1, y: y, width: width, style: style)
            y += 1
        }
        return cursor
    }
}
