import Foundation
import RetourCore
import RetourTUI

/// The list's view of the case book: for each case, its cells as shown, its search entry and
/// its sort keys. Built once per change, so that each keystroke only scans bytes.
struct CaseRows {
    struct Entry {
        let id: UUID
        let cells: [String]
        /// What the search looks in.
        let search: SearchIndex.Entry
        let sortKeys: [String]
    }

    static let columnCount = 7

    private(set) var entries: [Entry]

    init(book: CaseBook, catalog: Catalog, reference: Reference, today: CalendarDate) {
        entries = book.cases.values.map { item in
            let profile = item.profile
            let name = profile.fullName
            let age = profile.age(on: today).map(String.init) ?? "?"
            let sex = profile.sex.map { catalog.text("sex.short.\($0.rawValue)") } ?? "?"
            let category = profile.category.map { catalog.text("category.short.\($0.rawValue)") } ?? ""
            let region = reference.region(profile.region)?.name ?? profile.region
            let cercle = reference.cercle(profile.cercle)?.cercle.name
            let place = cercle.map { "\(region)/\($0)" } ?? region
            let status = catalog.text("status.\(item.status.rawValue)")
            return Entry(
                id: item.id,
                cells: [item.number, name, "\(sex) \(age)", category, place, status, profile.assignedTo],
                search: SearchIndex.Entry(item),
                sortKeys: [item.number, Fold.key(name), String(format: "%03d", profile.age(on: today) ?? 999),
                           category, Fold.key(place), status, Fold.key(profile.assignedTo)]
            )
        }
    }

    static func columns(_ catalog: Catalog) -> [Column] {
        [
            Column(catalog.text("column.number"), .fixed(10)),
            Column(catalog.text("column.name"), .flexible(weight: 3, minimum: 12)),
            Column(catalog.text("column.sexAge"), .fixed(5)),
            Column(catalog.text("column.category"), .fixed(9)),
            Column(catalog.text("column.place"), .flexible(weight: 2, minimum: 10)),
            Column(catalog.text("column.status"), .fixed(10)),
            Column(catalog.text("column.worker"), .flexible(weight: 1, minimum: 6)),
        ]
    }

    mutating func sort(by column: Int, ascending: Bool) {
        entries.sort { first, second in
            let a = first.sortKeys[column], b = second.sortKeys[column]
            if a == b { return first.sortKeys[0] < second.sortKeys[0] }
            return ascending ? a < b : a > b
        }
    }

    /// Positions of the entries that `query` matches, in display order.
    func matching(_ query: CaseQuery) -> [Int] {
        guard !query.isEmpty else { return Array(entries.indices) }
        return entries.indices.filter { query.matches(entries[$0].search) }
    }
}
