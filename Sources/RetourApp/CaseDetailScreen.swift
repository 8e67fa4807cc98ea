import Foundation
import RetourCore
import RetourTUI

/// Everything about one case, read-only; `e` edits it through the registration form.
final class CaseDetailScreen: Screen {
    let caseID: UUID
    private var top = 0
    private var visibleLines = 1

    init(caseID: UUID) {
        self.caseID = caseID
    }

    var context: KeyContext { .detail }
    var helpKey: String { "help.detail" }

    func title(_ app: CaseManagerApp) -> String {
        guard let item = app.store.book[caseID] else { return "" }
        return "\(item.number) · \(item.profile.fullName)"
    }

    func handle(_ action: Action?, key: Key, app: CaseManagerApp) {
        switch action {
        case .back?: app.pop()
        case .edit?:
            guard let item = app.store.book[caseID] else { return }
            app.push(CaseFormScreen(app: app, editing: item))
        case .move(let movement)?:
            let last = max(0, lineCount(app) - visibleLines)
            switch movement {
            case .up: top -= 1
            case .down: top += 1
            case .pageUp: top -= visibleLines
            case .pageDown: top += visibleLines
            case .first: top = 0
            case .last: top = last
            }
            top = max(0, min(top, last))
        default: break
        }
    }

    func draw(into canvas: inout Canvas, area: Rect, app: CaseManagerApp) -> Point? {
        guard let item = app.store.book[caseID] else {
            canvas.put(app.catalog.text("error.change.unknownCase"), x: 1, y: area.y + 1, style: .error)
            return Point(x: 1, y: area.y + 1)
        }
        let summary = CaseSummary(item, catalog: app.catalog, reference: app.session.reference, today: app.today)
        let labelWidth = min(28, (summary.sections.flatMap(\.lines).map { CellWidth.of($0.label) }.max() ?? 10) + 2)
        var lines: [(String, String, Bool)] = []
        for section in summary.sections {
            if !lines.isEmpty { lines.append(("", "", false)) }
            lines.append((section.title, "", true))
            lines += section.lines.map { ($0.label, $0.value.isEmpty ? "—" : $0.value, false) }
        }
        visibleLines = area.height
        top = max(0, min(top, max(0, lines.count - visibleLines)))
        for (row, line) in lines.dropFirst(top).prefix(area.height).enumerated() {
            let y = area.y + row
            if line.2 {
                canvas.put(line.0, x: 1, y: y, style: .header)
            } else {
                canvas.put(line.0, x: 3, y: y, width: labelWidth, style: .bold)
                canvas.put(line.1, x: 3 + labelWidth, y: y, width: area.width - labelWidth - 4)
            }
        }
        return Point(x: 1, y: area.y)
    }

    private func lineCount(_ app: CaseManagerApp) -> Int {
        guard let item = app.store.book[caseID] else { return 0 }
        let summary = CaseSummary(item, catalog: app.catalog, reference: app.session.reference, today: app.today)
        return summary.sections.reduce(0) { $0 + $1.lines.count + 2 } - 1
    }
}
