import Foundation
import RetourCore
import RetourTUI

/// The programme's figures for the user's scope over a period (`d` from the list): targets,
/// caseload, reintegration, rights and the durable-solutions gap, one line per figure with a
/// bar of characters and the figure beside it. `p`/`P` change the period, `t` takes two
/// dates; Enter opens the case list filtered to the cases behind the selected figure.
final class DashboardScreen: Screen {
    /// The periods `p` goes through, in order.
    static let periods: [FiguresPeriod] = [.month, .quarter, .year, .programme]

    private(set) var period: FiguresPeriod
    private(set) var lines: [DashboardLine] = []
    private(set) var figures: ProgrammeFigures?
    /// Index into `lines` of the selected figure.
    private(set) var selected = 0
    private var top = 0
    private var visibleRows = 1

    init(app: CaseManagerApp) {
        period = app.dashboardPeriod
        recompute(app)
    }

    var context: KeyContext { .dashboard }
    var helpKey: String { "dashboard.help" }

    func title(_ app: CaseManagerApp) -> String {
        app.catalog.text("dashboard.title", ["period": periodName(app.catalog)])
    }

    /// The period in words: "this quarter (1 Oct 2026 – 31 Dec 2026)".
    func periodName(_ catalog: Catalog) -> String {
        guard let span = figures?.period else { return "" }
        let dates = catalog.text("dashboard.span", ["from": catalog.date(span.first), "to": catalog.date(span.last)])
        switch period {
        case .month: return catalog.text("dashboard.period.month", ["dates": dates])
        case .quarter: return catalog.text("dashboard.period.quarter", ["dates": dates])
        case .year: return catalog.text("dashboard.period.year", ["dates": dates])
        case .programme: return catalog.text("dashboard.period.programme", ["dates": dates])
        case .between: return dates
        }
    }

    /// The figures again, for the period and the store as they are now; the selection stays
    /// on the same line when it still exists.
    private func recompute(_ app: CaseManagerApp) {
        let reference = app.session.reference
        let targets = reference.targets ?? ProgrammeTargets(start: app.today.adding(days: -365), end: app.today, targets: [])
        let figures = ProgrammeFigures(app.reader.digests, targets: targets, reference: reference, today: app.today, period: period)
        self.figures = figures
        app.dashboardPeriod = period
        let previous = lines.indices.contains(selected) ? lines[selected].label : nil
        lines = DashboardLines.make(figures, catalog: app.catalog, reference: reference)
        if let previous, let same = lines.firstIndex(where: { $0.label == previous && $0.kind == .figure }) {
            selected = same
        } else {
            selected = lines.firstIndex { $0.kind == .figure } ?? 0
            top = 0
        }
    }

    func storeDidChange(_ app: CaseManagerApp, changed: UUID?) {
        recompute(app)
    }

    func handle(_ action: Action?, key: Key, app: CaseManagerApp) {
        switch action {
        case .move(let movement)?: move(movement)
        case .nextPeriod?, .previousPeriod?:
            let step = action == .nextPeriod ? 1 : -1
            let index = DashboardScreen.periods.firstIndex(of: period) ?? 0
            let count = DashboardScreen.periods.count
            period = DashboardScreen.periods[(index + step + count) % count]
            recompute(app)
            app.say(app.catalog.text("dashboard.periodChanged", ["period": periodName(app.catalog)]))
        case .choosePeriod?:
            app.push(datesForm(app))
        case .nextSection?, .previousSection?:
            jumpSection(forward: action == .nextSection)
        case .open?:
            guard lines.indices.contains(selected), let cases = lines[selected].cases else { return }
            app.showCases(cases)
        case .readDetails?:
            guard lines.indices.contains(selected) else { return }
            let line = lines[selected]
            let text = [line.label.trimmingCharacters(in: .whitespaces), line.value].filter { !$0.isEmpty }.joined(separator: ": ")
            app.show(.help(TextPanel(title: app.catalog.text("dashboard.details"), lines: Dialog.wrap(text, width: 60))))
        case .back?: app.pop()
        default: break
        }
    }

    private var figureIndexes: [Int] { lines.indices.filter { lines[$0].kind == .figure } }

    private func move(_ movement: Movement) {
        let figures = figureIndexes
        guard let position = figures.firstIndex(of: selected) ?? figures.first.map({ _ in 0 }) else { return }
        let page = max(1, visibleRows - 1)
        let target: Int
        switch movement {
        case .up: target = position - 1
        case .down: target = position + 1
        case .pageUp: target = position - page
        case .pageDown: target = position + page
        case .first: target = 0
        case .last: target = figures.count - 1
        }
        selected = figures[min(max(target, 0), figures.count - 1)]
        if movement == .first { top = 0 }
    }

    /// Whether the selected figure is in the last section (the durable-solutions gap).
    var inLastSection: Bool {
        guard let last = lines.indices.last(where: { lines[$0].kind == .heading }) else { return false }
        return selected > last
    }

    /// To the first figure of the next (or this, then the previous) section.
    private func jumpSection(forward: Bool) {
        let headings = lines.indices.filter { lines[$0].kind == .heading }
        let current = headings.last { $0 <= selected } ?? 0
        let target: Int?
        if forward {
            target = headings.first { $0 > selected }
        } else {
            let before = headings.last { $0 < current }
            // Within a section, back goes to its start first.
            target = figureIndexes.first(where: { $0 > current }) == selected ? before : current
        }
        guard let heading = target, let first = figureIndexes.first(where: { $0 > heading }) else { return }
        selected = first
        top = heading
    }

    /// Two dates, both included.
    private func datesForm(_ app: CaseManagerApp) -> FieldForm {
        let catalog = app.catalog
        let span = figures?.period
        return FieldForm(
            catalog: catalog, title: catalog.text("dashboard.dates.title"), intro: [catalog.text("dashboard.dates.intro")],
            fields: [FormField("from", catalog.text("dashboard.dates.from"), required: true),
                     FormField("to", catalog.text("dashboard.dates.to"), required: true)],
            values: ["from": span.map { catalog.date($0.first) } ?? "", "to": span.map { catalog.date($0.last) } ?? ""],
            helpKey: "dashboard.help",
            validate: { values in
                var issues: [String: String] = [:]
                for field in ["from", "to"] where CalendarDate(parsing: values[field] ?? "") == nil {
                    issues[field] = catalog.text("dashboard.dates.bad")
                }
                return issues
            },
            submit: { [weak self] form, values, app in
                guard let self, let from = CalendarDate(parsing: values["from"] ?? ""),
                      let to = CalendarDate(parsing: values["to"] ?? "") else { return }
                self.period = .between(from, to)
                self.recompute(app)
                form.finish(app, saying: app.catalog.text("dashboard.periodChanged", ["period": self.periodName(app.catalog)]))
            })
    }

    // MARK: Drawing

    func draw(into canvas: inout Canvas, area: Rect, app: CaseManagerApp) -> Point? {
        let catalog = app.catalog
        let scope = scopeName(app)
        canvas.put(TerminalText.visible(scope), x: 1, y: area.y, width: area.width - 2, style: .muted)
        let body = Rect(x: area.x, y: area.y + 1, width: area.width, height: area.height - 1)
        visibleRows = max(1, body.height)
        guard !lines.isEmpty else {
            canvas.put(catalog.text("dashboard.empty"), x: 1, y: body.y, width: area.width - 2, style: .muted)
            return Point(x: 1, y: body.y)
        }
        // The selection stays in view; a section's heading shows with its first figure.
        if selected < top { top = selected }
        if selected >= top + body.height { top = selected - body.height + 1 }
        if selected > 0, lines[selected - 1].kind != .figure, selected - 1 < top, selected - top < body.height - 1 { top = selected - 1 }
        top = max(0, min(top, max(0, lines.count - body.height)))

        let labelWidth = min(40, max(20, (body.width - 4) * 36 / 100))
        let barWidth = body.width >= 120 ? 24 : body.width >= 100 ? 18 : 12
        let valueX = 2 + labelWidth + 1 + barWidth + 1
        var cursor: Point?
        for row in 0..<body.height {
            let index = top + row
            guard lines.indices.contains(index) else { break }
            let line = lines[index]
            let y = body.y + row
            switch line.kind {
            case .heading:
                canvas.put(line.label, x: 1, y: y, width: body.width - 2, style: .header)
            case .note:
                canvas.put(line.label, x: 1, y: y, width: body.width - 2, style: .muted)
            case .figure:
                let isSelected = index == selected
                if isSelected {
                    canvas.fill(Rect(x: 0, y: y, width: body.width, height: 1), style: .selected)
                    canvas.put(">", x: 0, y: y, style: .selected)
                    cursor = Point(x: 0, y: y)
                }
                let style: Style = isSelected ? .selected : .plain
                canvas.put(CellWidth.fit(line.label, labelWidth), x: 2, y: y, width: labelWidth, style: style)
                if !line.bar.isEmpty {
                    canvas.put(Gauge.stacked(line.bar, width: barWidth), x: 2 + labelWidth + 1, y: y, width: barWidth, style: style)
                }
                let valueStyle: Style = isSelected ? .selected : line.isWarning ? .warning : .plain
                canvas.put(line.value, x: valueX, y: y, width: max(0, body.width - valueX), style: valueStyle)
            }
        }
        return cursor ?? Point(x: 1, y: body.y)
    }

    /// Whose cases the figures count: the user's, their teams', everyone's.
    private func scopeName(_ app: CaseManagerApp) -> String {
        let catalog = app.catalog
        let count = figures?.cases.count ?? 0
        let cases = catalog.counted("dashboard.scope.cases", count)
        guard let user = app.clearance.user, !app.store.book.users.isEmpty else {
            return catalog.text("dashboard.scope.everything", ["cases": cases])
        }
        switch user.role {
        case .administrator: return catalog.text("dashboard.scope.everything", ["cases": cases])
        case .supervisor: return catalog.text("dashboard.scope.teams", ["teams": user.teams.joined(separator: ", "), "cases": cases])
        case .caseWorker: return catalog.text("dashboard.scope.own", ["cases": cases])
        }
    }
}
