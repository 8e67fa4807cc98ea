import Foundation

/// Every case as CSV or JSON. The CSV's header uses the column names the importer reads, so
/// an export can be imported again; the columns Retour sets itself come after.
///
/// The follow-up goes to CSV as one table per kind of record, each row starting with the
/// case number: `cases.csv` (the profile, as above), `steps.csv` (one row per step of each
/// plan that counts), `assessments.csv` (one row per criterion rated), `referrals.csv` and
/// `notes.csv`. An enrolment withdrawn as a mistake is in `withdrawals.csv` alone, never in
/// `steps.csv`: counting enrolments or steps there never counts it.
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

    /// The columns of `cases.csv` Retour sets itself, after the profile: an import ignores them.
    public static let managedColumns = [
        "status", "closure_reason", "closed_at", "created_at", "created_by", "updated_at", "updated_by",
    ]

    public static var header: [String] {
        ["number"] + profileColumns.map(\.rawValue) + managedColumns
    }

    /// `forTerminal`: for a person reading a terminal rather than a file or a program, every
    /// control character a field may hold is shown (`TerminalText`) instead of sent; the rows
    /// and the quoting stay as they are, and JSON stays JSON with the same data.
    /// `wording` applies to CSV only: JSON holds the cases as stored.
    public static func data(_ cases: [Case], format: Format, reference: Reference, today: CalendarDate,
                            separator: Character = ",", wording: ExportWording = .codes,
                            forTerminal: Bool = false, progress: (Int) -> Void = { _ in }) throws -> Data {
        switch format {
        case .csv:
            return try csv(.cases, cases, reference: reference, today: today, separator: separator, wording: wording,
                           forTerminal: forTerminal, progress: progress)
        case .json:
            let data = try json(cases, progress: progress)
            return forTerminal ? Data(TerminalText.visible(String(decoding: data, as: UTF8.self), layout: .kept).utf8) : data
        }
    }

    /// UTF-8 with a byte-order mark, `,`, CRLF. Region and cercle by gazetteer name,
    /// vulnerabilities as codes joined by `|`, dates as YYYY-MM-DD, times as ISO 8601 (UTC).
    /// An age is given (as of `today`) only when the date of birth is not known.
    public static func csv(_ cases: [Case], reference: Reference, today: CalendarDate) throws -> Data {
        try csv(.cases, cases, reference: reference, today: today)
    }

    private static func casesRecords(_ cases: [Case], reference: Reference, today: CalendarDate,
                                     wording: ExportWording) -> [[String]] {
        var records = [header]
        records.reserveCapacity(cases.count + 1)
        for item in cases {
            let profile = item.profile
            var draft = ProfileDraft(profile)
            draft[.sex] = wording.code("sex", draft[.sex])
            draft[.dateOfBirth] = profile.yearOfBirth.map(String.init) ?? wording.date(profile.dateOfBirth)
            draft[.age] = profile.dateOfBirth == nil && profile.yearOfBirth == nil ? (profile.age(on: today).map(String.init) ?? "") : ""
            draft[.documentType] = wording.code("document", draft[.documentType])
            draft[.category] = wording.code("category", draft[.category])
            draft[.returnDate] = wording.date(profile.returnDate)
            draft[.region] = reference.region(profile.region)?.name ?? profile.region
            draft[.cercle] = reference.cercle(profile.cercle)?.cercle.name ?? profile.cercle
            draft[.vulnerabilities] = wording.vulnerabilities(profile.vulnerabilities)
            // A reopened case keeps its closure in the timeline only: these say how it stands now.
            let closure = item.status == .closed ? item.closure : nil
            let closedAt = closure == nil ? nil : item.timeline.last { $0.kind == "timeline.closed" }?.at
            let cells = [item.number] + profileColumns.map { draft[$0] } + [
                wording.code("status", item.status.rawValue),
                wording.code("closureReason", closure?.reason ?? ""), wording.time(closedAt),
                wording.time(item.created.at), item.created.by,
                wording.time(item.updated.at), item.updated.by,
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
        /// Household members, in the columns `import --members` is to read.
        case members
        /// Enrolments withdrawn as mistakes: one row each, out of every count.
        case withdrawals

        public var fileName: String { "\(rawValue).csv" }

        public var header: [String] {
            switch self {
            case .cases: return CSVExport.header
            case .steps:
                return ["number", "track", "enrolled_on", "step", "status", "planned_on", "done_on", "overdue", "by",
                        "blocked_reason", "given", "note", "exception"]
            case .assessments: return ["number", "assessment_id", "date", "assessor", "criterion", "access", "note"]
            case .referrals:
                return ["number", "referral_id", "date", "service", "provider", "criterion", "status", "outcome"]
            case .notes: return ["number", "note_id", "at", "by", "text", "corrects"]
            case .members:
                return ["case_number", "member_id", "given_names", "family_name", "sex", "date_of_birth", "age",
                        "relationship", "vulnerabilities", "note", "own_case"]
            case .withdrawals:
                return ["number", "track", "enrolled_on", "exception", "withdrawn_at", "withdrawn_by", "reason"]
            }
        }
    }

    /// The records of `table` for `cases`, header first, cells as written (not yet guarded).
    /// With `.codes`, codes stay codes; dates are YYYY-MM-DD, times ISO 8601 (UTC); `overdue`
    /// is `yes` or `no` as of `today`. With `.labels`, each is written as the screens show it.
    /// Assessment rows follow the reference order of the criteria (codes it does not know
    /// come after, sorted).
    public static func records(_ table: Table, _ cases: [Case], reference: Reference, today: CalendarDate,
                               wording: ExportWording = .codes) -> [[String]] {
        let records = codedRecords(table, cases, reference: reference, today: today, wording: wording)
        return [records[0].map(wording.header)] + records.dropFirst()
    }

    /// `numbers`: the case numbers members' own cases are named by (`ownCaseNumbers`), when
    /// `cases` are only some of the cases exported.
    private static func codedRecords(_ table: Table, _ cases: [Case], reference: Reference, today: CalendarDate,
                                     wording: ExportWording, numbers: [UUID: String]? = nil) -> [[String]] {
        if table == .cases { return casesRecords(cases, reference: reference, today: today, wording: wording) }
        var records = [table.header]
        let numbers = table == .members ? numbers ?? ownCaseNumbers(cases) : [:]
        for item in cases {
            switch table {
            case .cases: break
            case .steps:
                for plan in item.activePlans {
                    for step in plan.steps {
                        records.append([
                            item.number, wording.code("track", plan.track), wording.date(plan.enrolledOn),
                            wording.code("step", step.code), wording.code("stepStatus", step.status.rawValue),
                            wording.date(step.plannedOn), wording.date(step.doneOn), wording.yesNo(item.isLate(step, on: today)),
                            step.by, step.blockedReason, step.given, step.note, plan.exception ?? "",
                        ])
                    }
                }
            case .withdrawals:
                for plan in item.plans {
                    guard let withdrawal = plan.withdrawal else { continue }
                    records.append([
                        item.number, wording.code("track", plan.track), wording.date(plan.enrolledOn), plan.exception ?? "",
                        wording.time(withdrawal.at), withdrawal.by, withdrawal.reason,
                    ])
                }
            case .assessments:
                for assessment in item.assessments {
                    let known = reference.tracks.criteria.filter { assessment.ratings[$0] != nil }
                    let others = assessment.ratings.keys.filter { !reference.tracks.criteria.contains($0) }.sorted()
                    for criterion in known + others {
                        let rating = assessment.ratings[criterion]!
                        records.append([
                            item.number, assessment.id.uuidString, wording.date(assessment.date), assessment.assessor,
                            wording.code("criterion", criterion), wording.code("access", rating.access.rawValue), rating.note,
                        ])
                    }
                }
            case .referrals:
                for referral in item.referrals {
                    records.append([
                        item.number, referral.id.uuidString, wording.date(referral.date),
                        wording.code("service", referral.service), referral.provider,
                        wording.code("criterion", referral.criterion ?? ""),
                        wording.code("referralStatus", referral.status.rawValue), referral.outcome,
                    ])
                }
            case .notes:
                for note in item.notes {
                    records.append([
                        item.number, note.id.uuidString, wording.time(note.at), note.by,
                        note.isWithheld ? wording.withheldNote : note.text,
                        note.corrects?.uuidString ?? "",
                    ])
                }
            case .members:
                for member in item.members {
                    records.append([
                        item.number, member.id.uuidString, member.givenNames, member.familyName,
                        wording.code("sex", member.sex?.rawValue ?? ""),
                        member.yearOfBirth.map(String.init) ?? wording.date(member.dateOfBirth),
                        member.ageEstimate == nil ? "" : member.age(on: today).map(String.init) ?? "",
                        wording.code("relationship", member.relationship.rawValue),
                        wording.vulnerabilities(member.vulnerabilities), member.note,
                        member.ownCase.flatMap { numbers[$0] } ?? "",
                    ])
                }
            }
        }
        return records
    }

    /// A member's own case is named by its number (read once for all cases, not per member).
    private static func ownCaseNumbers(_ cases: [Case]) -> [UUID: String] {
        guard cases.contains(where: { $0.members.contains { $0.ownCase != nil } }) else { return [:] }
        return Dictionary(cases.map { ($0.id, $0.number) }, uniquingKeysWith: { first, _ in first })
    }

    /// One table as a CSV file: UTF-8 with a byte-order mark, `separator` (`;` for French
    /// spreadsheets), CRLF, fields quoted where they hold a separator, a quote or a line break,
    /// formulas defused. `progress(done)` is told every few hundred cases written.
    public static func csv(_ table: Table, _ cases: [Case], reference: Reference, today: CalendarDate,
                           separator: Character = ",", wording: ExportWording = .codes,
                           forTerminal: Bool = false, progress: (Int) -> Void = { _ in }) throws -> Data {
        files([table], cases, reference: reference, today: today, separator: separator, wording: wording,
              forTerminal: forTerminal, progress: progress)[0]
    }

    /// Every table, as files to write into one folder. `progress(done)` counts the cases whose
    /// rows are in every table, told every few hundred.
    public static func tables(_ cases: [Case], reference: Reference, today: CalendarDate,
                              separator: Character = ",", wording: ExportWording = .codes,
                              progress: (Int) -> Void = { _ in }) throws -> [(name: String, data: Data)] {
        let files = files(Table.allCases, cases, reference: reference, today: today, separator: separator,
                          wording: wording, forTerminal: false, progress: progress)
        return zip(Table.allCases, files).map { ($0.fileName, $1) }
    }

    /// `tables` as CSV files, built a few hundred cases at a time with every table's rows of
    /// those cases, so that a count of cases written means something whatever the table. The
    /// bytes are those of one pass per table: the header once, then each part's rows.
    private static func files(_ tables: [Table], _ cases: [Case], reference: Reference, today: CalendarDate,
                              separator: Character, wording: ExportWording, forTerminal: Bool,
                              progress: (Int) -> Void) -> [Data] {
        func cell(_ value: String) -> String { guarded(forTerminal ? TerminalText.visible(value) : value) }
        let numbers = tables.contains(.members) ? ownCaseNumbers(cases) : [:]
        var files = tables.map { CSVText.encode([$0.header.map(wording.header)], separator: separator, byteOrderMark: true) }
        let part = 256
        progress(0)
        for start in stride(from: 0, to: cases.count, by: part) {
            let some = Array(cases[start..<min(cases.count, start + part)])
            for (index, table) in tables.enumerated() {
                let rows = codedRecords(table, some, reference: reference, today: today, wording: wording, numbers: numbers)
                files[index].append(CSVText.encode(rows.dropFirst().map { $0.map(cell) }, separator: separator,
                                                   byteOrderMark: false))
            }
            progress(start + some.count)
        }
        return files
    }

    /// A JSON array of the cases as the store writes them (sorted keys), one case per line.
    /// `progress(done)` is told every few hundred cases written.
    public static func json(_ cases: [Case], progress: (Int) -> Void = { _ in }) throws -> Data {
        var data = Data("[".utf8)
        progress(0)
        for (index, item) in cases.enumerated() {
            data.append(contentsOf: Array((index == 0 ? "\n" : ",\n").utf8))
            data.append(try Store.encoder.encode(item))
            if (index + 1) % 256 == 0 || index + 1 == cases.count { progress(index + 1) }
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
