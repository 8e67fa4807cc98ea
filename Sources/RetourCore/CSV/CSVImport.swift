import Foundation

/// Importing people from a spreadsheet's CSV.
///
/// `plan` reads and validates without touching any file: each row becomes a `ProfileDraft`
/// checked by `ProfileDraft.parse` (the one home of the registration rules), then compared
/// with the store and the rows above it for possible duplicates; the optional track column
/// names the tracks to enrol the person in. `apply` commits one `Change.register` per
/// accepted row through `Store.commit`, each followed by one `Change.enrol` per track (a plan
/// from the track's template, enrolled on the day of the import). `run` does both for a
/// file, with the options of the command line.
///
/// Rows are numbered as a spreadsheet shows them: the header is row 1, a record with line
/// breaks inside quotes is one row, and empty rows are skipped but still counted.
public enum CSVImport {
    public struct Options: Hashable, Sendable {
        /// Import the valid rows and write the others to `FILE.rejected.csv`; by default one
        /// invalid row stops the whole import.
        public var skipInvalid: Bool
        /// Import possible duplicates anyway (they are still reported).
        public var allowDuplicates: Bool
        /// Validate and report only; write nothing.
        public var dryRun: Bool

        public init(skipInvalid: Bool = false, allowDuplicates: Bool = false, dryRun: Bool = false) {
            self.skipInvalid = skipInvalid
            self.allowDuplicates = allowDuplicates
            self.dryRun = dryRun
        }
    }

    /// Reads and validates the bytes of a file: the entry point for bytes from anywhere (a
    /// fuzzer included). Throws only for what stops every row, as one line: a `CSVText.Failure`
    /// (not UTF-8, empty, a limit of `CSVReader.Limits` passed, a quote never closed) or a
    /// `CSVColumns.Failure` (a header without a required column).
    /// Tracks, vulnerabilities and document types are named by code, or by their label in the
    /// languages of `trackLabels`.
    public static func plan(data: Data, reference: Reference, book: CaseBook, today: CalendarDate,
                            options: Options = Options(), trackLabels: [Catalog] = []) throws -> ImportPlan {
        try plan(reader: CSVReader(data: data), reference: reference, book: book, today: today, options: options,
                 trackLabels: trackLabels)
    }

    /// As `plan(data:…)`, reading the records from `reader` (a file, read as a stream).
    /// `progress` is told, after each record, how many bytes of the input were read.
    public static func plan(reader: CSVReader, reference: Reference, book: CaseBook, today: CalendarDate,
                            options: Options = Options(), trackLabels: [Catalog] = [],
                            progress: (Int) -> Void = { _ in }) throws -> ImportPlan {
        guard let header = try reader.next()?.fields, !isEmpty(header) else { throw CSVText.Failure.empty }
        let columns: CSVColumns
        do {
            columns = try CSVColumns(header: header)
        } catch {
            // A file that is not UTF-8 (or not readable) is said so first: that is what to fix.
            while try reader.next() != nil {}
            throw error
        }

        var warnings = unknownColumnsWarning(columns.unknown).map { [$0] } ?? []
        if !columns.managed.isEmpty {
            warnings.append(Message("import.warning.managedColumns", ["columns": columns.managed.joined(separator: ", ")]))
        }

        let trackNames = TrackNames(tracks: reference.tracks, catalogs: trackLabels)
        let enrolmentRules = reference.tracks.enrolmentRules
        let codeLabels = CodeLabels(reference: reference, catalogs: trackLabels)
        var rows: [ImportRow] = []
        // Valid rows so far, by what duplicates share.
        var earlier: [DuplicateKey: [(row: Int, profile: CaseProfile)]] = [:]
        while let next = try reader.next() {
            let record = next.fields, number = next.row
            progress(reader.bytesRead)
            if isEmpty(record) { continue }
            var row = ImportRow(row: number, record: record)
            if record.count > header.count, !isEmpty(Array(record[header.count...])) {
                row.problems.append(ImportProblem(row: number, column: nil, reason: Message("import.problem.extraValues")))
            }
            var trackProblem: ImportProblem?
            switch trackNames.parse(columns.trackCell(record)) {
            case .success(let tracks): row.tracks = tracks
            case .failure(let problem): trackProblem = ImportProblem(row: number, column: columns.trackHeader, reason: problem.message)
            }
            var draft = columns.draft(record)
            codeLabels.translate(&draft)
            switch draft.parse(reference: reference, today: today) {
            case .failure(let invalid):
                row.problems += invalid.issues.map { issue in
                    ImportProblem(row: number, column: columns.column(of: issue.field) ?? "@" + issue.field.labelKey,
                                  reason: issue.message)
                }
                if let trackProblem { row.problems.append(trackProblem) }
            case .success(let profile):
                row.profile = profile
                if let trackProblem { row.problems.append(trackProblem) }
                // A file has no column for a reason: an enrolment outside a track's rules is a row problem.
                for track in row.tracks {
                    row.problems += enrolmentRules.violations(for: track, profile: profile, on: today).map {
                        ImportProblem(row: number, column: columns.trackHeader, reason: $0.message)
                    }
                }
                let key = DuplicateKey(profile)
                row.duplicates = book.possibleDuplicates(of: profile, key: key).map { $0.member == nil ? .existing(number: $0.digest.number) : .member(of: $0.digest.number) }
                    + (earlier[key] ?? []).filter { DuplicateKey.birthYearsClose($0.profile, profile) }.map { .row($0.row) }
                let duplicateProblems = row.duplicates.map { ImportProblem(row: number, column: nil, reason: $0.message) }
                if options.allowDuplicates {
                    row.notes = duplicateProblems
                } else {
                    row.problems += duplicateProblems
                }
                if row.problems.isEmpty { earlier[key, default: []].append((number, profile)) }
            }
            rows.append(row)
        }
        return ImportPlan(separator: reader.separator, columns: columns, warnings: warnings, rows: rows, options: options,
                          today: today)
    }

    /// Commits the rows `plan` would import, in file order, numbering each case in its
    /// region and enrolling it, right after its registration, in the tracks of its row
    /// (enrolled on the plan's day). Returns the numbers given. All or nothing: the rows are
    /// one batch, so a full disk or a crash part way saves none of them.
    @discardableResult
    public static func apply(_ plan: ImportPlan, to store: Store, reference: Reference,
                             as clearance: Clearance, at time: Date = Date(),
                             progress: (Int) -> Void = { _ in }) throws -> [String] {
        var numbers: [String] = []
        numbers.reserveCapacity(plan.toImport.count)
        try store.commitBatch(as: clearance, at: time) { batch in
            for row in plan.toImport {
                guard let profile = row.profile, let region = reference.region(profile.region) else { continue }
                let number = batch.book.nextNumber(prefix: region.prefix)
                let id = UUID()
                try batch.add(.register(id: id, number: number, profile: profile))
                numbers.append(number)
                progress(numbers.count)
                for track in row.tracks {
                    guard let newPlan = reference.tracks.plan(track: track, id: UUID(), enrolledOn: plan.today) else { continue }
                    try batch.add(.enrol(id: id, plan: newPlan))
                }
            }
        }
        return numbers
    }

    /// Validates `file` and, unless this is a dry run or a row stops the import, writes the
    /// rejected rows (with `skipInvalid`) then imports the others into `store`. Tracks are
    /// named by code or by their label in the languages of `trackLabels` (by default, `catalog`'s).
    public static func run(file: URL, store: Store, reference: Reference, catalog: Catalog,
                           clearance: Clearance, today: CalendarDate, options: Options,
                           trackLabels: [Catalog]? = nil) throws -> ImportResult {
        let plan = try plan(reader: CSVReader(file: file), reference: reference, book: store.book, today: today,
                            options: options, trackLabels: trackLabels ?? [catalog])
        return try run(plan, store: store, reference: reference, catalog: catalog, clearance: clearance,
                       rejectedFile: rejectedFile(for: file))
    }

    /// Closes `store` once the import of `result` is done. When rows were saved, a failed
    /// compaction (a full disk) does not make the import fail — running it again would find
    /// every row a duplicate — it becomes `result.closingWarning`; otherwise it is thrown.
    public static func close(_ store: Store, after result: inout ImportResult) throws {
        do {
            try store.close()
        } catch let error as StoreError {
            guard case .notCompacted = error, !result.imported.isEmpty else { throw error }
            result.closingWarning = error
        }
    }

    /// The warning for the columns an import does not know: one line, naming the first few.
    static func unknownColumnsWarning(_ names: [String]) -> Message? {
        let named = 5
        let shown = names.prefix(named).map(CSVText.shown).joined(separator: ", ")
        switch names.count {
        case 0: return nil
        case 1: return Message("import.warning.unknownColumn", ["column": shown])
        case ...named: return Message("import.warning.unknownColumns", ["count": String(names.count), "columns": shown])
        default:
            return Message("import.warning.unknownColumnsMore",
                           ["count": String(names.count), "columns": shown, "more": String(names.count - named)])
        }
    }

    /// Carries out `plan` as `run(file:…)` does; `rejectedFile` is where rejected rows go.
    /// `store` may be nil only when the plan imports no row (a data directory not made yet
    /// is not made for nothing).
    /// `progress` is told how many rows were added to the batch, before it is written.
    public static func run(_ plan: ImportPlan, store: Store?, reference: Reference, catalog: Catalog,
                           clearance: Clearance, rejectedFile: URL?,
                           progress: (Int) -> Void = { _ in }) throws -> ImportResult {
        precondition(store != nil || plan.toImport.isEmpty, "rows to import need a store")
        var result = ImportResult(plan: plan)
        guard !plan.options.dryRun, !plan.isBlocked else { return result }
        if plan.options.skipInvalid, !plan.rejected.isEmpty, let rejectedFile {
            if let reason = store?.readOnlyReason { throw reason }
            try PrivateFile.write(try rejectedCSV(plan, catalog: catalog), to: rejectedFile)
            result.rejectedFile = rejectedFile
        }
        if let store { result.imported = try apply(plan, to: store, reference: reference, as: clearance, progress: progress) }
        return result
    }

    /// `people.csv` → `people.rejected.csv`, in the same directory.
    public static func rejectedFile(for input: URL) -> URL {
        let base = input.pathExtension.isEmpty ? input : input.deletingPathExtension()
        return base.deletingLastPathComponent().appendingPathComponent(base.lastPathComponent + ".rejected.csv")
    }

    /// The rejected rows with every original column and a `reason` column (the translated
    /// problems joined with "; "): UTF-8 with a byte-order mark, the input's separator.
    public static func rejectedCSV(_ plan: ImportPlan, catalog: Catalog) throws -> Data {
        rejectedCSV(header: plan.columns.header, rows: plan.rejected.map { ($0.record, $0.problems) },
                    separator: plan.separator, catalog: catalog)
    }

    /// The rejected-rows file of any import: `header` and a `reason` column, then each row's
    /// cells with its problems (also the member import's).
    static func rejectedCSV(header: [String], rows: [(record: [String], problems: [ImportProblem])],
                            separator: Character, catalog: Catalog) -> Data {
        let width = header.count
        var records = [header + ["reason"]]
        for row in rows {
            var record = Array(row.record.prefix(width))
            record += Array(repeating: "", count: width - record.count)
            record.append(row.problems.map { $0.reasonText(catalog) }.joined(separator: "; "))
            record += row.record.dropFirst(width)
            records.append(record)
        }
        return CSVText.encode(records, separator: separator, byteOrderMark: true)
    }

    /// The import stopped part way (a full disk, say). The cases listed were saved.
    public struct Interrupted: UserFacingError {
        public let row: Int
        public let imported: [String]
        public let underlying: any Error

        public init(row: Int, imported: [String], underlying: any Error) {
            self.row = row
            self.imported = imported
            self.underlying = underlying
        }

        public var message: Message {
            Message("import.error.interrupted", ["row": String(row), "count": String(imported.count),
                                                 "numbers": CSVImport.ranges(imported)])
        }
    }

    /// Case numbers as ranges per region prefix, in first-seen order: `GAO-000001 … GAO-000012`.
    public static func ranges(_ numbers: [String]) -> String {
        var order: [String] = []
        var byPrefix: [String: [String]] = [:]
        for number in numbers {
            let prefix = CaseBook.split(number: number)?.0 ?? number
            if byPrefix[prefix] == nil { order.append(prefix) }
            byPrefix[prefix, default: []].append(number)
        }
        return order.map { prefix in
            let list = byPrefix[prefix]!
            return list.count == 1 ? list[0] : "\(list.first!) … \(list.last!)"
        }.joined(separator: ", ")
    }

    static func isEmpty(_ record: [String]) -> Bool {
        record.allSatisfy { $0.unicodeScalars.allSatisfy(ProfileDraft.isWhiteSpace) }
    }
}

/// One problem of one row of an import file.
public struct ImportProblem: Hashable, Sendable {
    /// The spreadsheet row (the header is row 1).
    public let row: Int
    /// The column's header as written in the file (or `@field.*` for a field without a
    /// column); nil when the problem is the whole row's.
    public let column: String?
    public let reason: Message

    public init(row: Int, column: String?, reason: Message) {
        self.row = row
        self.column = column
        self.reason = reason
    }

    /// `row N, column X: reason`, in the catalogue's language.
    public func text(_ catalog: Catalog) -> String {
        var arguments = ["row": String(row), "reason": catalog.text(reason)]
        if let column { arguments["column"] = column }
        return catalog.text(Message(column == nil ? "import.problem.row" : "import.problem.cell", arguments))
    }

    /// `X: reason`, for the `reason` column of the rejected rows.
    public func reasonText(_ catalog: Catalog) -> String {
        guard let column else { return catalog.text(reason) }
        return catalog.text(Message("import.problem.inColumn", ["column": column, "reason": catalog.text(reason)]))
    }
}

/// Another registration a row may duplicate.
public enum DuplicateMatch: Hashable, Sendable {
    case existing(number: String)
    /// A member of that case's household.
    case member(of: String)
    case row(Int)

    public var message: Message {
        switch self {
        case .existing(let number): return Message("import.problem.duplicateCase", ["number": number])
        case .member(let number): return Message("import.problem.duplicateMember", ["number": number])
        case .row(let row): return Message("import.problem.duplicateRow", ["other": String(row)])
        }
    }
}

/// One non-empty row of an import file and what validation made of it.
public struct ImportRow: Sendable {
    public let row: Int
    /// The cells as read, for the rejected-rows file.
    public let record: [String]
    /// The validated profile; nil when a field is invalid.
    public internal(set) var profile: CaseProfile?
    /// What stops this row from being imported.
    public internal(set) var problems: [ImportProblem] = []
    /// Possible duplicates, whether or not they are allowed.
    public internal(set) var duplicates: [DuplicateMatch] = []
    /// Possible duplicates allowed by the options: reported, not blocking.
    public internal(set) var notes: [ImportProblem] = []
    /// Codes of the tracks to enrol the person in, in the cell's order.
    public internal(set) var tracks: [String] = []

    init(row: Int, record: [String]) {
        self.row = row
        self.record = record
    }

    public var isValid: Bool { problems.isEmpty && profile != nil }
}

/// What an import file holds, validated, before anything is written.
public struct ImportPlan: Sendable {
    public let separator: Character
    public let columns: CSVColumns
    /// About the file as a whole (unknown columns): reported, not blocking.
    public let warnings: [Message]
    /// Non-empty rows, in file order.
    public let rows: [ImportRow]
    public let options: CSVImport.Options
    /// The day the file was checked against; enrolments are dated this day.
    public let today: CalendarDate

    public var accepted: [ImportRow] { rows.filter(\.isValid) }
    public var rejected: [ImportRow] { rows.filter { !$0.isValid } }
    /// Every blocking problem, in row order.
    public var problems: [ImportProblem] { rows.flatMap(\.problems) }
    /// Allowed duplicates, in row order.
    public var notes: [ImportProblem] { rows.flatMap(\.notes) }
    /// Rows that may duplicate a case or another row.
    public var duplicateCount: Int { rows.filter { !$0.duplicates.isEmpty }.count }
    /// Nothing may be imported: a row is invalid and the import is all-or-nothing.
    public var isBlocked: Bool { !options.skipInvalid && rows.contains { !$0.isValid } }
    /// The rows an import would register.
    public var toImport: [ImportRow] { isBlocked ? [] : accepted }
    /// The enrolments an import would make.
    public var enrolmentCount: Int { toImport.reduce(0) { $0 + $1.tracks.count } }
}

/// What an import did, for the command line to print.
public struct ImportResult: Sendable {
    public let plan: ImportPlan
    /// Numbers of the cases registered, in file order; empty for a dry run or a blocked import.
    public var imported: [String] = []
    /// Where the rejected rows were written, if they were.
    public internal(set) var rejectedFile: URL?
    /// The rows are saved, but closing the store could not fold the journal into a new
    /// snapshot (a full disk): to be said after the summary.
    public internal(set) var closingWarning: StoreError?

    public init(plan: ImportPlan) {
        self.plan = plan
    }

    public var warnings: [Message] { plan.warnings }
    public var problems: [ImportProblem] { plan.problems }
    public var notes: [ImportProblem] { plan.notes }
    public var rejectedCount: Int { plan.rejected.count }
    public var duplicateCount: Int { plan.duplicateCount }
    public var validCount: Int { plan.accepted.count }
}
