import Foundation

/// Every case as CSV or JSON. The CSV's header uses the column names the importer reads, so
/// an export can be imported again; the columns Retour sets itself come after.
public enum CSVExport {
    public enum Format: String, CaseIterable, Sendable {
        case csv
        case json
    }

    public static let profileColumns: [ProfileField] = [
        .familyName, .givenNames, .sex, .dateOfBirth, .age, .phone, .documentType, .documentNumber,
        .householdSize, .category, .displacedTo, .returnDate, .region, .cercle, .commune, .village,
        .vulnerabilities, .assignedTo,
    ]

    public static var header: [String] {
        ["number"] + profileColumns.map(\.rawValue) + ["status", "created_at", "created_by", "updated_at", "updated_by"]
    }

    public static func data(_ cases: [Case], format: Format, reference: Reference, today: CalendarDate) throws -> Data {
        switch format {
        case .csv: return try csv(cases, reference: reference, today: today)
        case .json: return try json(cases)
        }
    }

    /// UTF-8 with a byte-order mark, `,`, CRLF. Region and cercle by gazetteer name,
    /// vulnerabilities as codes joined by `|`, dates as YYYY-MM-DD, times as ISO 8601 (UTC).
    /// An age is given (as of `today`) only when the date of birth is not known.
    public static func csv(_ cases: [Case], reference: Reference, today: CalendarDate) throws -> Data {
        let timestamp = ISO8601DateFormatter()
        var records = [header]
        records.reserveCapacity(cases.count + 1)
        for item in cases {
            let profile = item.profile
            var draft = ProfileDraft(profile)
            draft[.age] = profile.dateOfBirth == nil ? (profile.age(on: today).map(String.init) ?? "") : ""
            draft[.region] = reference.region(profile.region)?.name ?? profile.region
            draft[.cercle] = reference.cercle(profile.cercle)?.cercle.name ?? profile.cercle
            draft[.vulnerabilities] = profile.vulnerabilities.joined(separator: "|")
            let cells = [item.number] + profileColumns.map { draft[$0] } + [
                item.status.rawValue,
                timestamp.string(from: item.created.at), item.created.by,
                timestamp.string(from: item.updated.at), item.updated.by,
            ]
            records.append(cells.map(guarded))
        }
        return try CSVText.encode(records, separator: ",", byteOrderMark: true)
    }

    /// A JSON array of the cases as the store writes them (sorted keys), one case per line.
    public static func json(_ cases: [Case]) throws -> Data {
        var data = Data("[".utf8)
        for (index, item) in cases.enumerated() {
            data.append(contentsOf: Array((index == 0 ? "\n" : ",\n").utf8))
            data.append(try Store.encoder.encode(item))
        }
        data.append(contentsOf: Array((cases.isEmpty ? "]\n" : "\n]\n").utf8))
        return data
    }

    /// One case as the store writes it (sorted keys), on one line.
    public static func json(_ item: Case) throws -> Data {
        var data = try Store.encoder.encode(item)
        data.append(0x0A)
        return data
    }

    /// A spreadsheet runs a cell starting with `=`, `+`, `-` or `@` as a formula: such text
    /// (a name typed as `=HYPERLINK(…)`) is written with a leading `'`, which the importer
    /// removes. Phone numbers (`+223 …`) and dates stay as they are.
    static func guarded(_ value: String) -> String {
        guard let first = value.first, CSVColumns.formulaStarts.contains(first) else { return value }
        if first == "+" || first == "-", value.dropFirst().allSatisfy({ ($0.isASCII && $0.isNumber) || " .()-".contains($0) }) {
            return value
        }
        return "'" + value
    }
}
