import Foundation
import RetourCore
import RetourTUI

/// The list's view of the case book: every case's digest in display order. Built once when the
/// list opens and updated one case at a change, so that each keystroke only scans bytes.
///
/// The alerts column reads without colour: "L2 G3" (in French "R2 M3") is two steps overdue
/// and three rights criteria with no or partial access; blank when there is neither.
struct CaseRows {
    static let columnCount = 8

    /// Every case's digest, in display order. A row's cells are made only when it is drawn,
    /// so that opening the list costs the same whatever the number of cases.
    private(set) var entries: [CaseDigest]
    private let catalog: Catalog
    private let reference: Reference
    private let today: CalendarDate
    /// "Gao/Ansongo" by cercle code (or region code when there is no cercle): few distinct
    /// values, folded once.
    private var places: [String: (text: String, key: String)] = [:]

    init(reader: CaseReader, catalog: Catalog, reference: Reference, today: CalendarDate) {
        entries = reader.digests
        self.catalog = catalog
        self.reference = reference
        self.today = today
    }

    /// The cells of one row, as shown.
    func cells(_ digest: CaseDigest) -> [String] {
        let age = digest.age(on: today).map(String.init) ?? "?"
        let sex = digest.sex.map { catalog.text("sex.short.\($0.rawValue)") } ?? "?"
        let category = digest.category.map { catalog.text("filters.category.\($0.rawValue)") } ?? ""
        return [digest.number, digest.fullName, "\(sex) \(age)", category, place(digest).text,
                catalog.text("status.\(digest.status.rawValue)"),
                CaseRows.alerts(late: digest.overdueSteps(on: today), gaps: digest.gaps.count, catalog: catalog),
                digest.assignedTo]
    }

    private func place(_ digest: CaseDigest) -> (text: String, key: String) {
        if let known = places[digest.cercle.isEmpty ? digest.region : digest.cercle] { return known }
        let region = reference.region(digest.region)?.name ?? digest.region
        let text = reference.cercle(digest.cercle).map { "\(region)/\($0.cercle.name)" } ?? region
        return (text, Fold.key(text))
    }

    /// What column `column` sorts on.
    private func sortKey(_ digest: CaseDigest, column: Int) -> String {
        switch column {
        case 0: return digest.number
        case 1: return digest.nameKey
        case 2: return String(1000 + (digest.age(on: today) ?? 999))
        case 3: return digest.category.map { catalog.text("filters.category.\($0.rawValue)") } ?? ""
        case 4: return place(digest).key
        case 5: return catalog.text("status.\(digest.status.rawValue)")
        case 6: return String(1_000_000 + digest.overdueSteps(on: today) * 1000 + digest.gaps.count)
        default: return digest.worker
        }
    }

    /// Puts `digest` in place of the row of the same case (or adds it), at its sorted position.
    mutating func update(_ digest: CaseDigest, sortedBy column: Int, ascending: Bool) {
        if let old = position(of: digest.id) { entries.remove(at: old) }
        let key = sortKey(digest, column: column)
        let position = entries.partitionPoint {
            !CaseRows.precedes((sortKey($0, column: column), $0.number), (key, digest.number), ascending: ascending)
        }
        entries.insert(digest, at: position)
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
        if column == 4 { fillPlaces() }
        let keys = entries.map { (sortKey($0, column: column), $0.number) }
        let order = entries.indices.sorted { CaseRows.precedes(keys[$0], keys[$1], ascending: ascending) }
        entries = order.map { entries[$0] }
    }

    /// Folds each place once before sorting 100 000 rows by place.
    private mutating func fillPlaces() {
        for digest in entries {
            let code = digest.cercle.isEmpty ? digest.region : digest.cercle
            if places[code] == nil { places[code] = place(digest) }
        }
    }

    /// The list's order: by the column's key, then by case number.
    static func precedes(_ first: (key: String, number: String), _ second: (key: String, number: String),
                         ascending: Bool) -> Bool {
        if first.key == second.key { return first.number < second.number }
        return ascending ? first.key < second.key : first.key > second.key
    }

    /// Positions of the entries that `query` matches, in display order.
    func matching(_ query: CaseQuery) -> [Int] {
        query.positions(in: entries)
    }

    /// Where case `id` is in display order.
    func position(of id: UUID) -> Int? {
        CaseDigest.position(of: id, in: entries)
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
