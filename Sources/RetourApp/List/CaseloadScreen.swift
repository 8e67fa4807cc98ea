import Foundation
import RetourCore
import RetourTUI

/// The caseloads of the case workers in the user's scope (`Caseload`): one row per worker,
/// the totals under them, sortable by each column; Enter shows the list filtered to the
/// selected worker. A supervisor's and an administrator's (`w` from the list).
final class CaseloadScreen: Screen {
    private var load: Caseload
    private var table = TableView()

    /// Refused (`ChangeError.forbidden(.caseloadReview)`) for a case worker.
    init(app: CaseManagerApp) throws {
        load = try CaseloadScreen.compute(app)
        table.setCount(load.rows.count)
    }

    private static func compute(_ app: CaseManagerApp, sortedBy column: Caseload.Column = .worker,
                                ascending: Bool = true) throws -> Caseload {
        var load = try Caseload(reader: app.reader, today: app.today, idleDays: app.session.reference.settings.noContactDays)
        load.sort(by: column, ascending: ascending)
        return load
    }

    var context: KeyContext { .caseload }
    var helpKey: String { "caseload.help" }

    func title(_ app: CaseManagerApp) -> String {
        app.catalog.counted("caseload.title", load.rows.count)
    }

    /// The worker of the selected row (what the list's worker filter takes).
    var selectedWorker: String? {
        load.rows.indices.contains(table.selected) ? load.rows[table.selected].worker : nil
    }

    func handle(_ action: Action?, key: Key, app: CaseManagerApp) {
        let columns = Caseload.Column.allCases
        let current = columns.firstIndex(of: load.sortColumn) ?? 0
        switch action {
        case .move(let movement)?: table.move(movement)
        case .open?:
            guard let worker = selectedWorker, let list = app.screens.first as? CaseListScreen else { return }
            app.pop()
            list.showWorker(worker)
        case .sortNext?:
            resort(columns[(current + 1) % columns.count])
        case .sortPrevious?:
            resort(columns[(current + columns.count - 1) % columns.count])
        case .sortReverse?:
            resort(load.sortColumn, ascending: !load.ascending)
        case .back?:
            app.pop()
        default:
            break
        }
    }

    /// Sorts by `column`: names from A, figures from the largest (what needs attention first).
    private func resort(_ column: Caseload.Column, ascending: Bool? = nil) {
        let worker = selectedWorker
        load.sort(by: column, ascending: ascending ?? (column == .worker))
        if let worker, let position = load.rows.firstIndex(where: { $0.worker == worker }) { table.select(position) }
    }

    func storeDidChange(_ app: CaseManagerApp, changed: UUID?) {
        let worker = selectedWorker
        guard let fresh = try? CaseloadScreen.compute(app, sortedBy: load.sortColumn, ascending: load.ascending) else { return }
        load = fresh
        table.setCount(load.rows.count)
        if let worker, let position = load.rows.firstIndex(where: { $0.worker == worker }) { table.select(position) }
    }

    /// The name a row shows: the user's name, saying when they are disabled or no user; data
    /// made safe for the terminal.
    static func name(_ row: Caseload.Row, catalog: Catalog) -> String {
        if row.worker.isEmpty { return catalog.text("caseload.nobody") }
        let name = TerminalText.visible(row.name, layout: .flattened)
        if row.login == nil { return catalog.text("caseload.notUser", ["name": name]) }
        return row.isActiveUser ? name : catalog.text("caseload.disabled", ["name": name])
    }

    /// A figure right-aligned in `width` cells.
    static func figure(_ value: Int, width: Int) -> String {
        let text = String(value)
        return String(repeating: " ", count: max(0, width - text.count)) + text
    }

    static func columns(_ catalog: Catalog) -> [Column] {
        Caseload.Column.allCases.map { column in
            let title = catalog.text("caseload.column.\(column.rawValue)")
            return column == .worker ? Column(title, .flexible(weight: 1, minimum: 12))
                : Column(title, .fixed(max(6, CellWidth.of(title) + 1)))
        }
    }

    func draw(into canvas: inout Canvas, area: Rect, app: CaseManagerApp) -> Point? {
        let catalog = app.catalog
        let legend = Dialog.wrap(catalog.text("caseload.legend", ["days": String(app.session.reference.settings.noContactDays)]),
                                 width: area.width - 2)
        let legendLines = min(legend.count, 3)
        // The table, then the totals under it, then the legend at the bottom.
        let tableArea = Rect(x: 0, y: area.y, width: area.width, height: max(2, area.height - legendLines - 2))
        let columns = CaseloadScreen.columns(catalog)
        let widths = TableView.widths(columns, total: area.width - 2)
        let load = self.load
        func cells(_ name: String, _ counts: Caseload.Counts) -> [String] {
            [name] + Caseload.Column.allCases.dropFirst().enumerated().map { offset, column in
                CaseloadScreen.figure(counts[column], width: widths[offset + 1])
            }
        }
        let columnIndex = Caseload.Column.allCases.firstIndex(of: load.sortColumn)
        var cursor: Point?
        if load.rows.isEmpty {
            canvas.put(catalog.text("caseload.empty"), x: 2, y: area.y + 2, width: area.width - 4, style: .muted)
        } else {
            cursor = table.draw(into: &canvas, area: Rect(x: 0, y: tableArea.y, width: area.width,
                                                          height: min(tableArea.height, load.rows.count + 1)),
                                columns: columns, sortedColumn: columnIndex, ascending: load.ascending) { index in
                cells(CaseloadScreen.name(load.rows[index], catalog: catalog), load.rows[index].counts)
            }
        }
        // The totals, under the last row shown.
        let totalsY = min(tableArea.maxY, tableArea.y + 1 + load.rows.count)
        var x = 2
        for (index, text) in cells(catalog.text("caseload.totals"), load.totals).enumerated() {
            canvas.put(CellWidth.fit(text, widths[index]), x: x, y: totalsY, width: widths[index], style: .bold)
            x += widths[index] + 1
        }
        for (offset, line) in legend.prefix(legendLines).enumerated() {
            canvas.put(line, x: 1, y: area.maxY - legendLines + offset, width: area.width - 2, style: .muted)
        }
        return cursor ?? Point(x: 0, y: area.y)
    }
}
