import Foundation
import RetourCore
import RetourTUI

/// The list's view of the case book: for each case, its cells as shown, its search entry and
/// its sort keys. Built once when the list opens and updated one case at a change, so that each
/// keystroke only scans bytes.
///
/// The alerts column reads without colour: "L2 G3" (in French "R2 M3") is two steps overdue
/// and three rights criteria with no or partial access; blank when there is neither.
struct CaseRows {
    struct Entry {
        let id: UUID
        let cells: [String]
        /// What the search looks in.
        let search: SearchIndex.Entry
        let sortKeys: [String]
    }

    static let columnCount = 8

    private(set) var entries: [Entry]

    init(book: CaseBook, catalog: Catalog, reference: Reference, today: CalendarDate) {
        entries = book.cases.values.map { CaseRows.entry($0, catalog: catalog, reference: reference, today: today) }
    }

    /// The row of one case.
    static func entry(_ item: Case, catalog: Catalog, reference: Reference, today: CalendarDate) -> Entry {
        let profile = item.profile
        let name = profile.fullName
        let age = profile.age(on: today).map(String.init) ?? "?"
        let sex = profile.sex.map { catalog.text("sex.short.\($0.rawValue)") } ?? "?"
        let category = profile.category.map { catalog.text("filters.category.\($0.rawValue)") } ?? ""
        let region = reference.region(profile.region)?.name ?? profile.region
        let cercle = reference.cercle(profile.cercle)?.cercle.name
        let place = cercle.map { "\(region)/\($0)" } ?? region
        let status = catalog.text("status.\(item.status.rawValue)")
        let search = SearchIndex.Entry(item)
        let late = search.overdueSteps(on: today), gaps = search.gaps.count
        return Entry(
            id: item.id,
            cells: [item.number, name, "\(sex) \(age)", category, place, status,
                    CaseRows.alerts(late: late, gaps: gaps, catalog: catalog), profile.assignedTo],
            search: search,
            sortKeys: [item.number, Fold.key(name), String(format: "%03d", profile.age(on: today) ?? 999),
                       category, Fold.key(place), status, String(format: "%03d%03d", late, gaps),
                       Fold.key(profile.assignedTo)]
        )
    }

    /// Puts `entry` in place of the row of the same case (or adds it), at its sorted position.
    mutating func update(_ entry: Entry, sortedBy column: Int, ascending: Bool) {
        entries.removeAll { $0.id == entry.id }
        let position = entries.partitionPoint { !CaseRows.precedes($0, entry, column: column, ascending: ascending) }
        entries.insert(entry, at: position)
    }

    static func columns(_ catalog: Catalog) -> [Column] {
        [
            Column(catalog.text("column.number"), .fixed(10)),
            Column(catalog.text("column.name"), .flexible(weight: 3, minimum: 13)),
            Column(catalog.text("column.sexAge"), .fixed(5)),
            Column(catalog.text("filters.column.category"), .fixed(4)),
            Column(catalog.text("column.place"), .flexible(weight: 2, minimum: 10)),
            Column(catalog.text("column.status"), .fixed(10)),
            Column(catalog.text("filters.column.alerts"), .fixed(6)),
            Column(catalog.text("column.worker"), .flexible(weight: 1, minimum: 4)),
        ]
    }

    /// "L2 G3": overdue steps and rights gaps, each left out when there is none.
    static func alerts(late: Int, gaps: Int, catalog: Catalog) -> String {
        var parts: [String] = []
        if late > 0 { parts.append(catalog.text("filters.alert.late", ["count": String(late)])) }
        if gaps > 0 { parts.append(catalog.text("filters.alert.gaps", ["count": String(gaps)])) }
        return parts.joined(separator: " ")
    }

    mutating func sort(by column: Int, ascending: Bool) {
        entries.sort { CaseRows.precedes($0, $1, column: column, ascending: ascending) }
    }

    /// The list's order: by `column`, then by case number.
    static func precedes(_ first: Entry, _ second: Entry, column: Int, ascending: Bool) -> Bool {
        let a = first.sortKeys[column], b = second.sortKeys[column]
        if a == b { return first.sortKeys[0] < second.sortKeys[0] }
        return ascending ? a < b : a > b
    }

    /// Positions of the entries that `query` matches, in display order.
    func matching(_ query: CaseQuery) -> [Int] {
        guard !query.isEmpty else { return Array(entries.indices) }
        return entries.indices.filter { query.matches(entries[$0].search) }
    }
}

fileprivate extension Array {
    /// The first index whose element satisfies `belongs`, which must be false then true along
    /// the array (a binary search).
    func partitionPoint(where belongs: (Element) -> Bool) -> Int {
        var low = 0, high = count
        while low < high {
            let middle = (low + high) / 2
            if belongs(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
