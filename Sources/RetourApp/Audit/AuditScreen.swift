import Foundation
import RetourCore
import RetourTUI

/// The history for supervisors (their team's entries) and administrators (all): newest
/// first, filtered by person, case, kind and dates (`f`). It starts with the last 30 days, so
/// that opening it reads the end of the history only, whatever its length.
final class AuditScreen: Screen {
    static let defaultDays = 30

    private var query: AuditQuery
    private var lines: [AuditQuery.Line] = []
    private var table = TableView()
    private var problem: String?

    init(app: CaseManagerApp) {
        query = AuditQuery(since: app.today.adding(days: -AuditScreen.defaultDays))
        reload(app)
    }

    var context: KeyContext { .audit }
    var helpKey: String { "audit.help" }

    func title(_ app: CaseManagerApp) -> String {
        app.catalog.counted("audit.title", lines.count)
    }

    private func reload(_ app: CaseManagerApp) {
        do {
            lines = try query.lines(in: app.store, for: app.clearance).reversed()
            problem = nil
        } catch {
            lines = []
            problem = app.catalog.text(error)
        }
        table.setCount(lines.count)
        table.select(0)
    }

    func handle(_ action: Action?, key: Key, app: CaseManagerApp) {
        switch action {
        case .move(let movement)?: table.move(movement)
        case .filters?: app.push(filterForm(app))
        case .back?: app.pop()
        default: break
        }
    }

    func storeDidChange(_ app: CaseManagerApp, changed: UUID?) {
        reload(app)
    }

    /// The filters as a small form: person, case, kind, first and last day.
    private func filterForm(_ app: CaseManagerApp) -> FieldForm {
        let catalog = app.catalog
        let kinds = [Picker.Option(value: "", label: catalog.text("audit.kind.any"))]
            + HistoryEvent.kinds.map { Picker.Option(value: $0, label: catalog.text("audit.kind.\($0)")) }
        let values = ["person": query.user ?? "", "case": query.caseNumber ?? "", "kind": query.kind ?? "",
                      "since": query.since.map(catalog.date) ?? "", "until": query.until.map(catalog.date) ?? ""]
        return FieldForm(
            catalog: catalog, title: catalog.text("audit.filter.title"), intro: [catalog.text("audit.filter.intro")],
            fields: [FormField("person", catalog.text("audit.filter.person")), FormField("case", catalog.text("audit.filter.case")),
                     FormField("kind", catalog.text("audit.filter.kind"), .choice(kinds)),
                     FormField("since", catalog.text("audit.filter.since")), FormField("until", catalog.text("audit.filter.until"))],
            values: values, helpKey: "audit.help",
            validate: { values in
                var issues: [String: String] = [:]
                for field in ["since", "until"] where !(values[field] ?? "").isEmpty && CalendarDate(parsing: values[field] ?? "") == nil {
                    issues[field] = catalog.text("audit.filter.badDate")
                }
                return issues
            },
            submit: { [weak self] form, values, app in
                func value(_ field: String) -> String? {
                    let text = (values[field] ?? "").trimmingCharacters(in: .whitespaces)
                    return text.isEmpty ? nil : text
                }
                self?.query = AuditQuery(user: value("person"), caseNumber: value("case"), kind: value("kind"),
                                         since: value("since").flatMap(CalendarDate.init(parsing:)),
                                         until: value("until").flatMap(CalendarDate.init(parsing:)))
                self?.reload(app)
                form.finish(app, saying: catalog.counted("audit.filtered", self?.lines.count ?? 0))
            })
    }

    func draw(into canvas: inout Canvas, area: Rect, app: CaseManagerApp) -> Point? {
        let catalog = app.catalog
        var words: [String] = []
        if let since = query.since { words.append(catalog.text("audit.summary.since", ["date": catalog.date(since)])) }
        if let until = query.until { words.append(catalog.text("audit.summary.until", ["date": catalog.date(until)])) }
        if let user = query.user { words.append(catalog.text("audit.summary.person", ["login": user])) }
        if let number = query.caseNumber { words.append(catalog.text("audit.summary.case", ["number": number])) }
        if let kind = query.kind { words.append(catalog.text("audit.kind.\(kind)")) }
        let summary = words.isEmpty ? catalog.text("audit.summary.all") : words.joined(separator: " · ")
        canvas.put(TerminalText.visible(summary), x: 1, y: area.y, width: area.width - 2)
        let body = Rect(x: area.x, y: area.y + 1, width: area.width, height: area.height - 1)
        if let problem {
            for (offset, line) in Dialog.wrap(problem, width: area.width - 2).enumerated() where offset < body.height {
                canvas.put(line, x: 1, y: body.y + offset, style: .error)
            }
            return Point(x: 1, y: body.y)
        }
        if lines.isEmpty {
            canvas.put(catalog.text("audit.empty"), x: 1, y: body.y + 1, width: area.width - 2, style: .muted)
            return Point(x: 1, y: body.y + 1)
        }
        let columns = [
            Column(catalog.text("audit.column.when"), .fixed(16)), Column(catalog.text("audit.column.who"), .fixed(12)),
            Column(catalog.text("audit.column.kind"), .fixed(17)), Column(catalog.text("audit.column.case"), .fixed(10)),
            Column(catalog.text("audit.column.detail"), .flexible(weight: 1, minimum: 10)),
        ]
        return table.draw(into: &canvas, area: body, columns: columns) { [lines] index in
            let line = lines[index]
            // A change is named in words; what follows its code (a login, a role) stays as is.
            let detail = line.change.map { change in
                ([catalog.text("audit.change.\(change)")] + line.detail.split(separator: " ").dropFirst().map(String.init))
                    .joined(separator: " ")
            } ?? line.detail
            return [catalog.dateTime(line.at), line.by, catalog.text("audit.kind.\(line.kind)"), line.caseNumber, detail]
                .map { TerminalText.visible($0) }
        }
    }
}
