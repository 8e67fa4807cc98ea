import Foundation
import RetourCore
import RetourTUI

/// The list's view of the case book: every case's digest in display order. Built once when the
/// list opens and updated one case at a change, so that each keystroke only scans bytes.
///
/// The alerts column reads without colour: "L2 G3" (in French "R2 M3") is two steps overdue
/// and three rights criteria with no or partial access; blank when there is neither. The
/// list says it in words under the table (`legend`).
///
/// The place column is the cercle: the region is already in the case number (GAO-000042).
struct CaseRows {
    static let columnCount = 8

    /// Every case's digest, in display order. A row's cells are made only when it is drawn,
    /// so that opening the list costs the same whatever the number of cases.
    private(set) var entries: [CaseDigest]
    private let catalog: Catalog
    private let reference: Reference
    private let today: CalendarDate
    /// Cercle names by code: few distinct values, folded once.
    private var places: [String: (text: String, key: String)] = [:]

    init(reader: CaseReader, catalog: Catalog, reference: Reference, today: CalendarDate) {
        entries = reader.digests
        self.catalog = catalog
        self.reference = reference
        self.today = today
    }

    /// The cells of one row, as shown; the status in full when `layout` has room for it.
    func cells(_ digest: CaseDigest, layout: Layout) -> [String] {
        let age = digest.age(on: today).map(String.init) ?? "?"
        let sex = digest.sex.map { catalog.text("sex.short.\($0.rawValue)") } ?? "?"
        let category = digest.category.map { catalog.text("filters.category.\($0.rawValue)") } ?? ""
        return [digest.number, digest.fullName, "\(sex) \(age)", category, place(digest).text,
                catalog.text((layout.fullStatus ? "status." : "status.short.") + digest.status.rawValue),
                CaseRows.alerts(late: digest.overdueSteps(on: today), gaps: digest.gaps.count, catalog: catalog),
                digest.assignedTo]
    }

    /// The cercle's name in the gazetteer (its code when the gazetteer does not know it).
    private func place(_ digest: CaseDigest) -> (text: String, key: String) {
        if let known = places[digest.cercle] { return known }
        let text = reference.cercle(digest.cercle)?.cercle.name ?? digest.cercle
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

    /// The columns' widths for a table `width` cells wide (separators included), and whether
    /// the status is shown in full.
    struct Layout: Equatable {
        let widths: [Int]
        let fullStatus: Bool
    }

    /// At 80 columns: number, name, sex/age, category, cercle, short status, alerts, and 12
    /// cells of worker (a login is up to 32: cut with …). Wider, the room goes first to what
    /// was cut — name, worker, cercle, the whole status — then the rest to the name.
    static func layout(_ catalog: Catalog, reference: Reference, width: Int) -> Layout {
        func widest(_ texts: [String]) -> Int { texts.map(CellWidth.of).max() ?? 0 }
        let short = widest(CaseStatus.allCases.map { catalog.text("status.short.\($0.rawValue)") })
        let full = widest(CaseStatus.allCases.map { catalog.text("status.\($0.rawValue)") })
        let cercle = min(20, widest(reference.regions.flatMap(\.cercles).map(\.name)))
        var widths = [10, 13, 5, 4, 10, short, 6, 12]
        var spare = width - widths.reduce(0, +) - (widths.count - 1)
        let growth = [(1, 24), (7, 20), (4, cercle), (5, full), (1, 32), (7, 32)]
        for (column, limit) in growth where spare > 0 {
            let added = min(spare, max(0, limit - widths[column]))
            widths[column] += added
            spare -= added
        }
        // The rest to the name; narrower than 80, the name and the cercle give up room first.
        widths[1] += spare
        for column in [1, 4] where widths[column] < 4 {
            let needed = 4 - widths[column]
            widths[column] = 4
            let donor = column == 1 ? 4 : 7
            widths[donor] = max(1, widths[donor] - needed)
        }
        return Layout(widths: widths, fullStatus: widths[5] >= full)
    }

    static func columns(_ catalog: Catalog, layout: Layout) -> [Column] {
        let titles = [catalog.text("column.number"), catalog.text("column.name"), catalog.text("column.sexAge"),
                      catalog.text("filters.column.category"), catalog.text("column.place"), catalog.text("column.status"),
                      catalog.text("filters.column.alerts"), catalog.text("column.worker")]
        return zip(titles, layout.widths).map { Column($0, .fixed($1)) }
    }

    /// The line under the table: the selected case's alerts in words ("L5 G2: 5 steps late ·
    /// 2 rights gaps"), or what the letters of the alerts column mean.
    func legend(_ digest: CaseDigest?) -> String {
        let late = digest?.overdueSteps(on: today) ?? 0, gaps = digest?.gaps.count ?? 0
        guard late > 0 || gaps > 0 else { return catalog.text("list.alerts.legend") }
        var words: [String] = []
        if late > 0 { words.append(catalog.counted("list.alerts.late", late)) }
        if gaps > 0 { words.append(catalog.counted("list.alerts.gaps", gaps)) }
        return catalog.text("list.alerts.selected", ["alerts": CaseRows.alerts(late: late, gaps: gaps, catalog: catalog),
                                                     "words": words.joined(separator: " · ")])
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
        for digest in entries where places[digest.cercle] == nil { places[digest.cercle] = place(digest) }
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
