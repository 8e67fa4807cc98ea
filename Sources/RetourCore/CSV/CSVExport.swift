import Foundation

/// Every case as CSV or JSON. The CSV's header uses the column names the importer reads, so
/// an export can be imported again; the columns Retour sets itself come after.
///
/// The follow-up goes to CSV as one table per kind of record, each row starting with the
/// case number: `cases.csv` (the profile, as above), `steps.csv` (one row per step of each
/// plan), `assessments.csv` (one row per criterion rated), `referrals.csv` and `notes.csv`.
/// JSON holds each case whole, follow-up included.
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

    /// `forTerminal`: for a person reading a terminal rather than a file or a program, every
    /// control character a field may hold is shown (`TerminalText`) instead of sent; the rows
    /// and the quoting stay as they are, and JSON stays JSON with the same data.
    public static func data(_ cases: [Case], format: Format, reference: Reference, today: CalendarDate,
                            separator: Character = ",", forTerminal: Bool = false) throws -> Data {
        switch format {
        case .csv: return try csv(.cases, cases, reference: reference, today: today, separator: separator, forTerminal: forTerminal)
        case .json:
            let data = try json(cases)
            return forTerminal ? Data(TerminalText.visible(String(decoding: data, as: UTF8.self), layout: .kept).utf8) : data
        }
    }

    /// UTF-8 with a byte-order mark, `,`, CRLF. Region and cercle by gazetteer name,
    /// vulnerabilities as codes joined by `|`, dates as YYYY-MM-DD, times as ISO 8601 (UTC).
    /// An age is given (as of `today`) only when the date of birth is not known.
    public static func csv(_ cases: [Case], reference: Reference, today: CalendarDate) throws -> Data {
        try csv(.cases, cases, reference: reference, today: today)
    }

    private static func casesRecords(_ cases: [Case], reference: Reference, today: CalendarDate) -> [[String]] {
        let timestamp = ISO8601DateFormatter()
        var records = [header]
        records.reserveCapacity(cases.count + 1)
        for item in cases {
            let profile = item.profile
            var draft = ProfileDraft(profile)
            draft[.age] = profile.dateOfBirth == nil && profile.yearOfBirth == nil ? (profile.age(on: today).map(String.init) ?? "") : ""
            draft[.region] = reference.region(profile.region)?.name ?? profile.region
            draft[.cercle] = reference.cercle(profile.cercle)?.cercle.name ?? profile.cercle
            draft[.vulnerabilities] = profile.vulnerabilities.joined(separator: "|")
            let cells = [item.number] + profileColumns.map { draft[$0] } + [
                item.status.rawValue,
                timestamp.string(from: item.created.at), item.created.by,
                timestamp.string(from: item.updated.at), item.updated.by,
            ]
            records.append(cells)
        }
        return records
    }

    /// The tables of the follow-up, in file order; `cases.csv` first.
    public enum Table: String, CaseIterable, Sendable {
        case cases
        case steps
        case assessments
        case referrals
        case notes

        public var fileName: String { "\(rawValue).csv" }

        public var header: [String] {
            switch self {
            case .cases: return CSVExport.header
            case .steps:
                return ["number", "track", "enrolled_on", "step", "status", "planned_on", "done_on", "overdue", "by",
                        "blocked_reason", "given", "note"]
            case .assessments: return ["number", "assessment_id", "date", "assessor", "criterion", "access", "note"]
            case .referrals:
                return ["number", "referral_id", "date", "service", "provider", "criterion", "status", "outcome"]
            case .notes: return ["number", "note_id", "at", "by", "text", "corrects"]
            }
        }
    }

    /// The records of `table` for `cases`, header first, cells as written (not yet guarded).
    /// Codes stay codes; dates are YYYY-MM-DD, times ISO 8601 (UTC); `overdue` is `yes` or
    /// `no` as of `today`. Assessment rows follow the reference order of the criteria (codes
    /// it does not know come after, sorted).
    public static func records(_ table: Table, _ cases: [Case], reference: Reference, today: CalendarDate) -> [[String]] {
        if table == .cases { return casesRecords(cases, reference: reference, today: today) }
        let timestamp = ISO8601DateFormatter()
        var records = [table.header]
        for item in cases {
            switch table {
            case .cases: break
            case .steps:
                for plan in item.plans {
                    for step in plan.steps {
                        records.append([
                            item.number, plan.track, plan.enrolledOn.iso, step.code, step.status.rawValue,
                            step.plannedOn.iso, step.doneOn?.iso ?? "", item.isLate(step, on: today) ? "yes" : "no",
                            step.by, step.blockedReason, step.given, step.note,
                        ])
                    }
                }
            case .assessments:
                for assessment in item.assessments {
                    let known = reference.tracks.criteria.filter { assessment.ratings[$0] != nil }
                    let others = assessment.ratings.keys.filter { !reference.tracks.criteria.contains($0) }.sorted()
                    for criterion in known + others {
                        let rating = assessment.ratings[criterion]!
                        records.append([
                            item.number, assessment.id.uuidString, assessment.date.iso, assessment.assessor, criterion,
                            rating.access.rawValue, rating.note,
                        ])
                    }
                }
            case .referrals:
                for referral in item.referrals {
                    records.append([
                        item.number, referral.id.uuidString, referral.date.iso, referral.service, referral.provider,
                        referral.criterion ?? "", referral.status.rawValue, referral.outcome,
                    ])
                }
            case .notes:
                for note in item.notes {
                    records.append([
                        item.number, note.id.uuidString, timestamp.string(from: note.at), note.by,
                        note.isWithheld ? Confidential.placeholder : note.text,
                        note.corrects?.uuidString ?? "",
                    ])
                }
            }
        }
        return records
    }

    /// One table as a CSV file: UTF-8 with a byte-order mark, `separator` (`;` for French
    /// spreadsheets), CRLF, fields quoted where they hold a separator, a quote or a line break,
    /// formulas defused.
    public static func csv(_ table: Table, _ cases: [Case], reference: Reference, today: CalendarDate,
                           separator: Character = ",", forTerminal: Bool = false) throws -> Data {
        let records = records(table, cases, reference: reference, today: today)
        func cell(_ value: String) -> String { guarded(forTerminal ? TerminalText.visible(value) : value) }
        return CSVText.encode([records[0]] + records.dropFirst().map { $0.map(cell) }, separator: separator,
                              byteOrderMark: true)
    }

    /// Every table, as files to write into one folder.
    public static func tables(_ cases: [Case], reference: Reference, today: CalendarDate,
                              separator: Character = ",") throws -> [(name: String, data: Data)] {
        try Table.allCases.map { ($0.fileName, try csv($0, cases, reference: reference, today: today, separator: separator)) }
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
