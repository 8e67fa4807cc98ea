import Foundation
import RetourCore
import RetourTUI

/// The filters of the case list: one line per filter with its value; Enter opens its choices,
/// x clears it, X clears them all, Esc goes back to the list. Every change narrows the list at
/// once, and the title counts the cases that match.
final class CaseFilterScreen: Screen {
    private weak var list: CaseListScreen?
    private var table = TableView()

    init(list: CaseListScreen) {
        self.list = list
        table.setCount(FilterField.allCases.count)
    }

    var context: KeyContext { .filters }
    var helpKey: String { "filters.help" }

    func title(_ app: CaseManagerApp) -> String {
        guard let list else { return "" }
        return app.catalog.counted("filters.title", list.totalCount, ["matched": String(list.matchCount)])
    }

    /// The filter under the cursor.
    var selectedField: FilterField { FilterField.allCases[table.selected] }

    func handle(_ action: Action?, key: Key, app: CaseManagerApp) {
        guard let list else {
            app.pop()
            return
        }
        switch action {
        case .move(let movement)?: table.move(movement)
        case .choose?: choose(selectedField, app: app)
        case .clearFilter?:
            let field = selectedField
            list.changeFilters { field.clear(in: &$0) }
        case .clearFilters?: list.changeFilters { $0 = $0.withoutFilters }
        case .back?: app.pop()
        default: break
        }
    }

    /// Opens the choices of `field`; choosing a region then offers its cercles.
    private func choose(_ field: FilterField, app: CaseManagerApp) {
        guard let list else { return }
        let query = list.filters
        let reference = app.session.reference
        if field == .cercle && query.region == nil {
            app.say(app.catalog.text("filters.chooseRegionFirst"))
            return
        }
        let workers = field == .worker ? FilterField.workers(in: app.reader) : []
        let picker = Picker(title: field.pickerTitle(query: query, catalog: app.catalog, reference: reference),
                            options: field.options(query: query, catalog: app.catalog, reference: reference, workers: workers),
                            allowsMany: false, current: [field.pickerValue(in: query)])
        app.show(.picker(picker) { [weak self, weak app] chosen in
            guard let self, let app, let value = chosen.first, let list = self.list else { return }
            list.changeFilters { field.set(value, in: &$0, reference: reference) }
            if field == .region && value != FilterField.any {
                self.table.select(FilterField.allCases.firstIndex(of: .cercle)!)
                self.choose(.cercle, app: app)
            }
        })
    }

    func draw(into canvas: inout Canvas, area: Rect, app: CaseManagerApp) -> Point? {
        guard let list else { return nil }
        let catalog = app.catalog
        let reference = app.session.reference
        let query = list.filters
        canvas.put(catalog.text("filters.intro"), x: 1, y: area.y, width: area.width - 2, style: .muted)
        let fields = FilterField.allCases
        let labelWidth = min(24, (fields.map { CellWidth.of(catalog.text($0.labelKey)) }.max() ?? 10) + 1)
        let tableArea = Rect(x: 0, y: area.y + 2, width: area.width, height: fields.count)
        let cursor = table.draw(into: &canvas, area: tableArea,
                                columns: [Column("", .fixed(labelWidth)), Column("", .flexible(weight: 1, minimum: 10))],
                                showsHeader: false) { index in
            let field = fields[index]
            // A set filter is marked with * so that it reads without colour or bold.
            let mark = field.isSet(in: query) ? "* " : "  "
            return [catalog.text(field.labelKey), mark + field.value(in: query, catalog: catalog, reference: reference)]
        }
        var y = tableArea.maxY + 1
        if !list.searchText.isEmpty {
            canvas.put(catalog.text("filters.search", ["text": list.searchText]), x: 1, y: y, width: area.width - 2)
            y += 2
        }
        for line in Dialog.wrap(catalog.text("filters.legend"), width: area.width - 2) where y < area.maxY {
            canvas.put(line, x: 1, y: y, width: area.width - 2, style: .muted)
            y += 1
        }
        return cursor
    }
}
