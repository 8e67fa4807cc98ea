import Foundation

/// `ProgrammeFigures` as a report for partners: aggregated figures only (no name, no case
/// number, no date of birth), every count from 1 to 4 shown as `<5` (`SmallCounts`), in every
/// format. Texts come from the catalogue; codes and P-codes stay as they are.
///
/// - `text`: titled tables with aligned columns, for a terminal.
/// - `md`: a Markdown document (title, period, scope, tables).
/// - `csv`: one long table, a row per figure (`FiguresReport.csvColumns`); with `hxl`, a row
///   of HXL hashtags under the header.
/// - `json`: `{"title", "period": {"from", "to"}, "scope", "tables": [{"id", "title",
///   "columns", "rows": [{column: value}]}]}`, a hidden count as the string `"<5"`.
public struct FiguresReport: Sendable {
    public enum Format: String, CaseIterable, Sendable {
        case text, md, csv, json
    }

    /// One value of a table, before the small-counts rule and formatting.
    public enum Value: Sendable, Hashable {
        case text(String)
        case count(Int)
        /// A share in percent of `base` people (nil: no one to share).
        case percent(Double?, base: Int)
        /// Percentage points between shares whose smallest base is `base`.
        case points(Double?, base: Int)
        case yesNo(Bool)
    }

    public struct Table: Sendable {
        public let id: String
        public let title: String
        public let columns: [(key: String, header: String)]
        public let rows: [[Value]]
    }

    public let figures: ProgrammeFigures
    public let catalog: Catalog
    public let reference: Reference
    /// Counts from 1 to its threshold, written `<5`.
    public var smallCounts: SmallCounts { SmallCounts(threshold: reference.settings.smallCountThreshold) }
    /// Who and what the figures cover, as the reader should read it (already translated).
    public let scope: String
    public let tables: [Table]

    public init(_ figures: ProgrammeFigures, catalog: Catalog, reference: Reference, scope: String) {
        self.figures = figures
        self.catalog = catalog
        self.reference = reference
        self.scope = scope
        tables = FiguresReport.tables(figures, catalog: catalog, reference: reference)
    }

    public var title: String { catalog.text("report.title") }

    public var periodText: String {
        catalog.text("report.period", ["from": catalog.date(figures.period.first), "to": catalog.date(figures.period.last)])
    }

    // MARK: Values as shown

    /// A value as every format shows it: a hidden count as `<5`, a share to one decimal.
    public func shown(_ value: Value) -> String {
        switch value {
        case .text(let text): return text
        case .count(let count): return smallCounts.hides(count) ? smallCounts.hidden : String(count)
        case .percent(let share, let base):
            if smallCounts.hides(base) { return smallCounts.hidden }
            return share.map { String(format: "%.1f", $0) } ?? ""
        case .points(let points, let base):
            if smallCounts.hides(base) { return smallCounts.hidden }
            return points.map { String(format: "%+.1f", $0) } ?? ""
        case .yesNo(let yes): return catalog.text(yes ? "report.yes" : "report.no")
        }
    }

    /// A value as a person reads it (text and Markdown): `shown`, with a decimal comma in French.
    public func displayed(_ value: Value) -> String {
        let text = shown(value)
        switch value {
        case .percent, .points: return catalog.language == .fr ? text.replacingOccurrences(of: ".", with: ",") : text
        default: return text
        }
    }

    // MARK: Formats

    public func render(_ format: Format, hxl: Bool = false) throws -> Data {
        switch format {
        case .text: return Data(text().utf8)
        case .md: return Data(markdown().utf8)
        case .csv: return Data(csv(hxl: hxl).utf8)
        case .json: return try json()
        }
    }

    public func text() -> String {
        var out = "\(title)\n\(periodText)\n\(scope)\n"
        for table in tables {
            out += "\n\(table.title)\n"
            let cells = [table.columns.map(\.header)] + table.rows.map { $0.map(displayed) }
            let widths = table.columns.indices.map { column in cells.map { FiguresReport.width($0[column]) }.max() ?? 0 }
            for (index, row) in cells.enumerated() {
                out += row.enumerated().map { column, cell in
                    cell + String(repeating: " ", count: max(0, widths[column] - FiguresReport.width(cell)))
                }.joined(separator: "  ").trimmingTrailingSpaces() + "\n"
                if index == 0 { out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n" }
            }
        }
        return out
    }

    public func markdown() -> String {
        func cell(_ text: String) -> String {
            text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "|", with: "\\|")
        }
        var out = "# \(cell(title))\n\n- \(cell(periodText))\n- \(cell(scope))\n"
        for table in tables {
            out += "\n## \(cell(table.title))\n\n"
            out += "| " + table.columns.map { cell($0.header) }.joined(separator: " | ") + " |\n"
            out += "|" + table.columns.map { _ in " --- |" }.joined() + "\n"
            for row in table.rows {
                out += "| " + row.map { cell(displayed($0)) }.joined(separator: " | ") + " |\n"
            }
        }
        return out
    }

    public func json() throws -> Data {
        func value(_ value: Value) -> Any {
            switch value {
            case .count(let count): return smallCounts.hides(count) ? smallCounts.hidden : count
            case .percent(let share, let base), .points(let share, let base):
                if smallCounts.hides(base) { return smallCounts.hidden }
                return share.map { ($0 * 10).rounded() / 10 } ?? NSNull()
            case .yesNo(let yes): return yes
            case .text(let text): return text
            }
        }
        let object: [String: Any] = [
            "title": title,
            "period": ["from": figures.period.first.iso, "to": figures.period.last.iso],
            "today": figures.today.iso,
            "scope": scope,
            "tables": tables.map { table in
                [
                    "id": table.id,
                    "title": table.title,
                    "columns": table.columns.map(\.key),
                    "rows": table.rows.map { row in
                        Dictionary(uniqueKeysWithValues: zip(table.columns.map(\.key), row.map(value)))
                    },
                ] as [String: Any]
            },
        ]
        return try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    }

    // MARK: CSV and HXL

    /// The long table's columns: key and HXL hashtag (HXL standard 1.1: places by P-code
    /// and name, population counts `#affected` of the IDPs, refugees, women and men,
    /// `#reached` and `#targeted`, and the figure itself as `#indicator+num` beside its name).
    public static let csvColumns: [(key: String, hxl: String)] = [
        ("indicator_code", "#indicator+code"), ("indicator", "#indicator+name"),
        ("region", "#adm1+name"), ("region_pcode", "#adm1+code"),
        ("cercle", "#adm2+name"), ("cercle_pcode", "#adm2+code"),
        ("idps", "#affected+idps"), ("refugees", "#affected+refugees"),
        ("female", "#affected+f"), ("male", "#affected+m"),
        ("reached", "#reached"), ("targeted", "#targeted"), ("value", "#indicator+num"),
    ]

    /// One row per figure: the caseload per region (IDPs, refugees, women, men), each target
    /// (reached, targeted, percent), each track's enrolment, late cases, steps done and kits,
    /// each criterion's full access, and the durable-solutions gap per region.
    public func csvRows() -> [[String: Value]] {
        var rows: [[String: Value]] = []
        let caseload = figures.caseload
        let places: [String] = [""] + caseload.regions.filter { !$0.isEmpty }
        for region in places {
            var row = place(region)
            row["indicator_code"] = .text("caseload")
            row["indicator"] = .text(catalog.text("report.csv.caseload"))
            let cells = caseload.byCategoryAndRegion.filter { region.isEmpty || $0.region == region }
            row["idps"] = .count(cells.filter { $0.category == .idpReturnee }.reduce(0) { $0 + $1.count.count })
            row["refugees"] = .count(cells.filter { $0.category == .refugeeReturnee }.reduce(0) { $0 + $1.count.count })
            let sexes = caseload.byRegionAndSex.filter { region.isEmpty || $0.region == region }
            row["female"] = .count(sexes.filter { $0.sex == .female }.reduce(0) { $0 + $1.count.count })
            row["male"] = .count(sexes.filter { $0.sex == .male }.reduce(0) { $0 + $1.count.count })
            row["value"] = .count(cells.reduce(0) { $0 + $1.count.count })
            rows.append(row)
        }
        for target in figures.targets {
            rows.append(["indicator_code": .text("target.\(target.target.id)"), "indicator": .text(target.target.label(catalog.language)),
                         "reached": .count(target.achieved.count), "targeted": .count(target.target.figure),
                         "value": .percent(target.percent, base: target.achieved.count == 0 ? target.target.figure : target.achieved.count)])
        }
        for track in figures.reintegration.tracks {
            let name = catalog.label("track", track.track)
            rows.append(["indicator_code": .text("enrolled.\(track.track)"), "indicator": .text(catalog.text("report.csv.enrolled", ["track": name])),
                         "value": .count(track.enrolled.count)])
            rows.append(["indicator_code": .text("late.\(track.track)"), "indicator": .text(catalog.text("report.csv.late", ["track": name])),
                         "value": .count(track.late.count)])
            for step in track.steps {
                rows.append(["indicator_code": .text("done.\(track.track).\(step.step)"),
                             "indicator": .text(catalog.text("report.csv.done", ["track": name, "step": catalog.label("step", step.step)])),
                             "value": .count(step.done.count)])
            }
        }
        rows.append(["indicator_code": .text("kits_delivered"), "indicator": .text(catalog.text("report.csv.kits")),
                     "reached": .count(figures.reintegration.kitsDelivered.count), "value": .count(figures.reintegration.kitsDelivered.count)])
        for criterion in figures.rights {
            rows.append(["indicator_code": .text("full_access.\(criterion.criterion)"),
                         "indicator": .text(catalog.text("report.csv.fullAccess", ["criterion": catalog.label("criterion", criterion.criterion)])),
                         "reached": .count(criterion.full.count.count), "value": .percent(criterion.full.percent, base: criterion.assessed)])
        }
        let table = figures.solutions.atPeriodEnd
        for (region, criteria) in [("", table.criteria)] + table.regions.map({ ($0.region, $0.criteria) }) {
            for gap in criteria {
                var row = place(region)
                row["indicator_code"] = .text("gap_displaced.\(gap.criterion)")
                row["indicator"] = .text(catalog.text("report.csv.gap", ["criterion": catalog.label("criterion", gap.criterion)]))
                row["value"] = .points(gap.displacedGap, base: FiguresReport.base(gap.displaced, gap.host))
                rows.append(row)
            }
        }
        return rows
    }

    public func csv(hxl: Bool) -> String {
        let columns = FiguresReport.csvColumns
        var lines = [columns.map(\.key)]
        if hxl { lines.append(columns.map(\.hxl)) }
        for row in csvRows() {
            lines.append(columns.map { row[$0.key].map(shown) ?? "" })
        }
        // No byte-order mark: HXL tools read the first bytes as the header.
        return String(decoding: CSVText.encode(lines.map { $0.map(CSVExport.guarded) }, separator: ",", byteOrderMark: false),
                      as: UTF8.self)
    }

    /// Columns of the text tables line up by characters: every text of a report is a label
    /// from the catalogue, a code or a number (Latin letters, precomposed accents).
    static func width(_ text: String) -> Int {
        text.count
    }

    private func place(_ region: String) -> [String: Value] {
        guard !region.isEmpty else { return [:] }
        return ["region": .text(reference.region(region)?.name ?? region), "region_pcode": .text(region)]
    }

    /// The smallest base of two shares that are not empty: the one the small-counts rule
    /// reads for a gap between them.
    static func base(_ a: GroupAccess, _ b: GroupAccess) -> Int {
        let bases = [a.full.of, b.full.of].filter { $0 > 0 }
        return bases.min() ?? 0
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var text = self
        while text.hasSuffix(" ") { text.removeLast() }
        return text
    }
}
