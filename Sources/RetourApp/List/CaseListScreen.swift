import Foundation
import RetourCore
import RetourTUI

/// The case list: every case, sortable by column, narrowed as the search is typed and by the
/// filters (`f` opens them); the search line names the active filters. A supervisor marks cases
/// (Space, `*` for every case shown) and assigns them (`a`) to a case worker of their scope.
final class CaseListScreen: Screen {
    private var rows: CaseRows
    /// The filters, without the search (which is `searchField`'s text).
    private(set) var filters: CaseQuery
    /// Indexes into `rows.entries` that match the search and the filters, in display order;
    /// found again when next needed after the search was typed in, so that keys arriving
    /// together (a paste) narrow the list once.
    private var visible: [Int] {
        if searchTyped { refilter() }
        return matching
    }
    private var matching: [Int] = []
    private var searchTyped = false
    private var table = TableView()
    private var searchField = TextField()
    private var searching = false
    /// What the search says once it holds its capacity.
    private var searchFullText: String?
    private var sortColumn = 0
    private var ascending = true
    /// The marked cases: kept by id, so that sorting, filtering and changes keep them.
    private(set) var marks: Set<UUID> = []

    init(app: CaseManagerApp) {
        rows = CaseRows(reader: app.reader, catalog: app.catalog, reference: app.session.reference, today: app.today)
        filters = CaseQuery(today: app.today)
        // The search also finds a case by its cercle's name.
        filters.cercleNames = app.session.reference.cercleSearchNames
        rows.sort(by: sortColumn, ascending: ascending)
        refilter()
    }

    /// Asked at every key: it does not narrow the list (Enter does the same in both search contexts).
    var context: KeyContext { searching ? (!searchTyped && matching.count == 1 ? .searchOneMatch : .search) : .list }
    var helpKey: String { "filters.help.list" }

    var totalCount: Int { rows.entries.count }
    var matchCount: Int { visible.count }
    var searchText: String { searchField.text }

    /// Changes the filters and narrows the list at once, keeping the selected case if it still matches.
    func changeFilters(_ change: (inout CaseQuery) -> Void) {
        change(&filters)
        refilter(keeping: selectedID)
    }

    func title(_ app: CaseManagerApp) -> String {
        let total = rows.entries.count
        let title = searchField.text.isEmpty && !filters.hasFilters
            ? app.catalog.text("list.title", ["count": String(total)])
            : app.catalog.text("list.titleFiltered", ["count": String(visible.count), "total": String(total)])
        guard !marks.isEmpty else { return title }
        return app.catalog.text("list.titleMarked", ["title": title, "count": String(marks.count)])
    }

    /// Shows only the cases of `worker` (a caseload's row): every other filter and the search
    /// are cleared, so that the list holds that row's cases.
    func showWorker(_ worker: String) {
        searching = false
        searchField.set("")
        changeFilters { query in
            query = query.withoutFilters
            query.worker = worker
        }
    }

    /// Whether case `id` is among the cases shown (search and filters).
    func matches(_ id: UUID) -> Bool {
        guard let row = rows.position(of: id) else { return false }
        return visible.contains(row)
    }

    /// The case under the cursor.
    var selectedID: UUID? {
        visible.indices.contains(table.selected) ? rows.entries[visible[table.selected]].id : nil
    }

    func handle(_ action: Action?, key: Key, app: CaseManagerApp) {
        // A key other than typing acts on the list as narrowed by what was typed before it.
        if searchTyped, let action, action != .editText { refilter() }
        switch action {
        case .move(let movement)?: table.move(movement)
        case .open?:
            if searching {
                // One match: it is the case being looked for. Several or none: back to the
                // list with the search kept, to choose among them.
                searching = false
                if visible.count == 1, let id = selectedID { app.push(CaseDetailScreen(caseID: id)) }
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
        case .mark?:
            guard let id = selectedID else { return }
            if marks.remove(id) == nil { marks.insert(id) }
            table.move(.down)
            app.say(app.catalog.counted("list.marked", marks.count))
        case .markAll?:
            // Every case shown marked already: unmark them all; otherwise mark every case shown.
            let shown = visible.map { rows.entries[$0].id }
            if !marks.isEmpty && shown.allSatisfy(marks.contains) {
                marks = []
                app.say(app.catalog.text("list.unmarked"))
            } else {
                marks.formUnion(shown)
                app.say(app.catalog.counted("list.marked", marks.count))
            }
        case .assign?:
            assign(app)
        case .caseload?:
            searching = false
            do {
                app.push(try CaseloadScreen(app: app))
            } catch {
                app.say(app.catalog.text(error), .error)
            }
        case .audit?:
            searching = false
            guard !app.store.book.users.isEmpty ? app.clearance.role >= .supervisor : true else {
                app.say(app.catalog.text(AuditQuery.Refusal.notAllowed), .error)
                return
            }
            app.push(AuditScreen(app: app))
        case .approvals?:
            searching = false
            // A case worker is told why (the queue refuses them).
            if let screen = ApprovalsScreen(app: app) { app.push(screen) }
        case .dashboard?:
            searching = false
            app.push(DashboardScreen(app: app))
        case .siteConflicts?:
            searching = false
            guard !app.reader.inSiteConflict.isEmpty else {
                app.say(app.catalog.text("siteConflict.none"))
                return
            }
            app.push(SiteConflictScreen(app: app))
        case .sortNext?:
            sortColumn = (sortColumn + 1) % CaseRows.columnCount
            ascending = true
            resort()
        case .sortReverse?:
            ascending.toggle()
            resort()
        case .filters?:
            searching = false
            app.push(CaseFilterScreen(list: self))
        case .clearFilters?:
            guard filters.hasFilters else { return }
            changeFilters { $0 = $0.withoutFilters }
            app.say(app.catalog.text("filters.cleared"))
        default:
            guard searching else {
                // A letter no key takes does nothing (the letters that are keys are in the help):
                // say how to search instead, for whoever began typing a name without `/`.
                if case .character(let letter) = key, letter.isLetter || letter.isNumber {
                    app.say(app.catalog.text("list.lettersDoNothing", ["key": String(letter)]))
                }
                return
            }
            guard searchField.handle(key) else { return }
            guard !searchField.isFull else {
                // Said again at each key (a key clears the status line), worked out once.
                let full = searchFullText ?? app.catalog.fieldFull(capacity: searchField.capacity)
                searchFullText = full
                app.say(full, .error)
                return
            }
            searchTyped = true
        }
    }

    /// Asks for a case worker, then gives them the marked cases (the selected one when none is
    /// marked): one change per case, committed together; the marks are then cleared.
    private func assign(_ app: CaseManagerApp) {
        let ids = marks.isEmpty ? selectedID.map { [$0] } ?? [] : rows.entries.map(\.id).filter(marks.contains)
        guard !ids.isEmpty else {
            app.say(app.catalog.text("list.assign.nothing"), .error)
            return
        }
        let workers = app.reader.assignableWorkers
        guard !workers.isEmpty else {
            app.say(app.catalog.text("list.assign.noWorker"), .error)
            return
        }
        let options = workers.map { Picker.Option(value: $0.login, label: TerminalText.visible($0.name) + " (" + $0.login + ")") }
        let picker = Picker(title: app.catalog.counted("list.assign.title", ids.count), options: options, allowsMany: false, current: [])
        app.show(.picker(picker, onChoose: { [weak self, weak app] chosen in
            guard let self, let app, let login = chosen.first else { return }
            self.assign(ids, to: login, app: app)
        }))
    }

    private func assign(_ ids: [UUID], to login: String, app: CaseManagerApp) {
        let reader = app.reader
        // A case already theirs is left as it is (no event to say nothing happened).
        let changes = ids.filter { reader.digest($0).map { Fold.key($0.assignedTo) != Fold.key(login) } ?? true }
            .map { Change.assign(id: $0, to: login) }
        guard app.commit(changes) else { return }
        marks = []
        let name = app.store.book.users[login]?.name ?? login
        app.say(app.catalog.text("list.assigned", ["count": String(changes.count), "name": name]), .success)
    }

    func storeDidChange(_ app: CaseManagerApp, changed: UUID?) {
        let selected = selectedID
        if let changed, let digest = app.reader.digest(changed) {
            // One case changed: replace its row only, so saving costs the same at any size.
            rows.update(digest, sortedBy: sortColumn, ascending: ascending)
        } else {
            rows = CaseRows(reader: app.reader, catalog: app.catalog, reference: app.session.reference, today: app.today)
            rows.sort(by: sortColumn, ascending: ascending)
        }
        refilter(keeping: selected)
    }

    /// The cases behind a figure of the dashboard, and those only: the search and the other
    /// filters cleared, the figure's filter shown like any other.
    func show(_ figure: NamedFigure) {
        searching = false
        searchField.set("")
        filters = filters.withoutFilters
        filters.figure = figure
        refilter()
        table.select(0)
    }

    /// Puts the cursor on `id` (after registering it, say).
    func select(_ id: UUID) {
        if let row = rows.position(of: id), let position = visible.firstIndex(of: row) { table.select(position) }
    }

    func draw(into canvas: inout Canvas, area: Rect, app: CaseManagerApp) -> Point? {
        let catalog = app.catalog
        let summary = filters.hasFilters ? FilterField.summary(of: filters, catalog: catalog, reference: app.session.reference) : []
        var cursor: Point?
        var x = 1
        var resting = Point(x: x, y: area.y)
        if searching || !searchField.text.isEmpty || summary.isEmpty {
            let label = catalog.text("list.search") + " "
            x += canvas.put(label, x: x, y: area.y, style: searching ? .bold : .plain)
            resting = Point(x: x, y: area.y)
            // The rest of the row; with filters, as wide as its text, so that the filters are named after it.
            let searchWidth = summary.isEmpty ? area.width - x - 1 : min(24, max(10, CellWidth.of(searchField.text) + 2))
            if searching || !searchField.text.isEmpty {
                let point = searchField.draw(into: &canvas, x: x, y: area.y, width: searchWidth)
                if searching { cursor = point }
            } else {
                canvas.put(catalog.text("list.searchHint"), x: x, y: area.y, width: area.width - x - 1, style: .muted)
            }
            x += searchWidth + 2
        }
        if !summary.isEmpty {
            x += canvas.put(catalog.text("filters.summary.label") + " ", x: x, y: area.y, style: .bold)
            let words = summary.joined(separator: ", ")
            let hint = searching || !searchField.text.isEmpty ? "" : "  " + catalog.text("filters.searchShort")
            let room = area.width - 1 - x
            if CellWidth.of(words + hint) <= room {
                x += canvas.put(words, x: x, y: area.y)
                canvas.put(hint, x: x, y: area.y, style: .muted)
            } else {
                canvas.put(CellWidth.fit(words, room), x: x, y: area.y, width: room)
            }
        }
        // The last line says the alerts in words.
        let tableArea = Rect(x: 0, y: area.y + 1, width: area.width, height: area.height - 2)
        if visible.isEmpty {
            let message = catalog.text(rows.entries.isEmpty ? "list.empty" : (filters.hasFilters ? "filters.noMatch" : "list.noMatch"))
            for (offset, line) in Dialog.wrap(message, width: area.width - 4).enumerated() {
                canvas.put(line, x: 2, y: tableArea.y + 2 + offset, style: .muted)
            }
        }
        // The table's own width: TableView keeps two cells for the selection mark.
        let layout = CaseRows.layout(catalog, reference: app.session.reference, width: area.width - 2)
        let rows = self.rows
        let visible = self.visible
        let marks = self.marks
        let marked: ((Int) -> Bool)? = marks.isEmpty ? nil : { marks.contains(rows.entries[visible[$0]].id) }
        let rowCursor = table.draw(into: &canvas, area: tableArea, columns: CaseRows.columns(catalog, layout: layout),
                                   sortedColumn: sortColumn, ascending: ascending,
                                   marked: marked) { rows.cells(rows.entries[visible[$0]], layout: layout) }
        let selected = visible.indices.contains(table.selected) ? rows.entries[visible[table.selected]] : nil
        canvas.put(rows.legend(selected), x: 1, y: tableArea.maxY, width: area.width - 2, style: .muted)
        return cursor ?? rowCursor ?? resting
    }

    private func resort() {
        let selected = selectedID
        rows.sort(by: sortColumn, ascending: ascending)
        refilter(keeping: selected)
    }

    private func refilter(keeping id: UUID? = nil) {
        searchTyped = false
        var query = filters
        query.search = searchField.text
        matching = rows.matching(query)
        table.setCount(matching.count)
        // The case under the cursor stays there if it still matches; otherwise the first one.
        if let id, let row = rows.position(of: id), let position = matching.firstIndex(of: row) {
            table.select(position)
        } else {
            table.select(0)
        }
    }
}
