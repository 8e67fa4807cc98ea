import Foundation
import RetourCore
import RetourTUI

/// The case list: every case, sortable by column, narrowed as the search is typed.
final class CaseListScreen: Screen {
    private var rows: CaseRows
    /// Indexes into `rows.entries` that match the search, in display order.
    private var visible: [Int] = []
    private var table = TableView()
    private var searchField = TextField()
    private var searching = false
    private var sortColumn = 0
    private var ascending = true

    init(app: CaseManagerApp) {
        rows = CaseRows(book: app.store.book, catalog: app.catalog, reference: app.session.reference, today: app.today)
        rows.sort(by: sortColumn, ascending: ascending)
        refilter()
    }

    var context: KeyContext { searching ? .search : .list }
    var helpKey: String { "help.list" }

    func title(_ app: CaseManagerApp) -> String {
        let total = rows.entries.count
        if searchField.text.isEmpty {
            return app.catalog.text("list.title", ["count": String(total)])
        }
        return app.catalog.text("list.titleFiltered", ["count": String(visible.count), "total": String(total)])
    }

    /// The case under the cursor.
    var selectedID: UUID? {
        visible.indices.contains(table.selected) ? rows.entries[visible[table.selected]].id : nil
    }

    func handle(_ action: Action?, key: Key, app: CaseManagerApp) {
        switch action {
        case .move(let movement)?: table.move(movement)
        case .open?:
            if searching {
                searching = false
            } else if let id = selectedID {
                app.push(CaseDetailScreen(caseID: id))
            }
        case .search?:
            searching = true
        case .back?:
            searching = false
            if !searchField.text.isEmpty {
                searchField.set("")
                refilter()
            }
        case .newCase?:
            app.push(CaseFormScreen(app: app, editing: nil))
        case .sortNext?:
            sortColumn = (sortColumn + 1) % CaseRows.columnCount
            ascending = true
            resort()
        case .sortReverse?:
            ascending.toggle()
            resort()
        default:
            guard searching, searchField.handle(key) else { return }
            refilter()
        }
    }

    func storeDidChange(_ app: CaseManagerApp) {
        let selected = selectedID
        rows = CaseRows(book: app.store.book, catalog: app.catalog, reference: app.session.reference, today: app.today)
        rows.sort(by: sortColumn, ascending: ascending)
        refilter(keeping: selected)
    }

    /// Puts the cursor on `id` (after registering it, say).
    func select(_ id: UUID) {
        if let position = visible.firstIndex(where: { rows.entries[$0].id == id }) { table.select(position) }
    }

    func draw(into canvas: inout Canvas, area: Rect, app: CaseManagerApp) -> Point? {
        let label = app.catalog.text("list.search") + " "
        let labelWidth = canvas.put(label, x: 1, y: area.y, style: searching ? .bold : .plain)
        var cursor: Point?
        if searching || !searchField.text.isEmpty {
            let point = searchField.draw(into: &canvas, x: 1 + labelWidth, y: area.y, width: min(40, area.width - labelWidth - 2))
            if searching { cursor = point }
        } else {
            canvas.put(app.catalog.text("list.searchHint"), x: 1 + labelWidth, y: area.y, width: area.width - labelWidth - 2, style: .muted)
        }
        let tableArea = Rect(x: 0, y: area.y + 1, width: area.width, height: area.height - 1)
        if visible.isEmpty {
            let message = app.catalog.text(rows.entries.isEmpty ? "list.empty" : "list.noMatch")
            for (offset, line) in Dialog.wrap(message, width: area.width - 4).enumerated() {
                canvas.put(line, x: 2, y: tableArea.y + 2 + offset, style: .muted)
            }
        }
        let columns = CaseRows.columns(app.catalog)
        let entries = rows.entries
        let visible = self.visible
        let rowCursor = table.draw(into: &canvas, area: tableArea, columns: columns, sortedColumn: sortColumn,
                                   ascending: ascending) { entries[visible[$0]].cells }
        return cursor ?? rowCursor ?? Point(x: 1 + labelWidth, y: area.y)
    }

    private func resort() {
        let selected = selectedID
        rows.sort(by: sortColumn, ascending: ascending)
        refilter(keeping: selected)
    }

    private func refilter(keeping id: UUID? = nil) {
        visible = rows.matching(CaseQuery(search: searchField.text))
        table.setCount(visible.count)
        if let id { select(id) } else { table.select(0) }
    }
}
