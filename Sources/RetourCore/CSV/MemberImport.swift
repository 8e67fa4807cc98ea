import Foundation

/// Importing household members from a second CSV, linked to their cases by case number:
/// `retour import --members members.csv`. The columns are those `retour export` writes in
/// `members.csv`, so that an export re-imports; French names and labels are read too.
///
/// `plan` reads with `CSVReader` and checks each row as the household form does, then as the
/// change it makes (`Change.saveMember`, through `CaseBook.check`) on a copy of the book that
/// already holds the rows above it: an unknown case, a case outside the importer's caseload,
/// a closed case or a household past `HouseholdMember.maximumCount` members is a row problem.
/// `apply` commits the members as one batch; `run` does both with the command line's options
/// (all or nothing, `skipInvalid`, `dryRun`) and writes `FILE.rejected.csv` as the case
/// import does.
public enum MemberImport {
    /// The fields of a member row.
    public enum Field: String, CaseIterable, Sendable {
        case caseNumber = "case_number"
        case givenNames = "given_names"
        case familyName = "family_name"
        case sex
        case dateOfBirth = "date_of_birth"
        case birthYear = "birth_year"
        case age
        case relationship
        case vulnerabilities
        case note
    }

    /// English names first: they are the export's header.
    public static let names: [Field: [String]] = [
        .caseNumber: ["case_number", "numero_dossier", "numero de dossier", "dossier", "case"],
        .givenNames: ["given_names", "prenoms", "prenom", "first name", "first names"],
        .familyName: ["family_name", "nom", "nom de famille", "last name", "surname"],
        .sex: ["sex", "sexe", "genre", "gender"],
        .dateOfBirth: ["date_of_birth", "date_naissance", "date de naissance", "birth date", "ne le", "nee le"],
        .birthYear: ["birth_year", "annee_naissance", "annee de naissance", "year of birth"],
        .age: ["age"],
        .relationship: ["relationship", "lien", "lien de parente", "lien avec le chef"],
        .vulnerabilities: ["vulnerabilities", "vulnerabilites"],
        .note: ["note", "remarque"],
    ]

    /// Columns a member row cannot do without.
    public static let required: [Field] = [.caseNumber, .givenNames, .relationship]

    /// Written by the export, set by Retour on import: a member gets a new id, and is linked
    /// to an own case only from the household tab.
    public static let managedNames = ["member_id", "own_case"]

    /// The columns of a member file.
    public struct Columns: Sendable {
        public let header: [String]
        let fields: [Field?]
        public let unknown: [String]
        public let managed: [String]

        /// Why a header cannot be imported.
        public enum Failure: UserFacingError, Equatable {
            case missing([Field])
            case twice(first: String, second: String)

            public var message: Message {
                switch self {
                case .missing(let fields):
                    let names = fields.map { MemberImport.names[$0]!.prefix(2).joined(separator: "/") }
                    return Message("import.members.missingColumns", ["columns": names.joined(separator: ", ")])
                case .twice(let first, let second):
                    return Message("import.members.columnTwice", ["first": CSVText.shown(first), "second": CSVText.shown(second)])
                }
            }
        }

        public init(header: [String]) throws {
            var byName: [String: Field] = [:]
            for (field, names) in MemberImport.names { for name in names { byName[Fold.key(name)] = field } }
            let managedFolded = Set(MemberImport.managedNames.map(Fold.key))
            var fields: [Field?] = [], unknown: [String] = [], managed: [String] = []
            var columnOf: [Field: String] = [:]
            for name in header {
                let folded = Fold.key(name)
                guard let field = byName[folded] else {
                    fields.append(nil)
                    if managedFolded.contains(folded) { managed.append(name) } else if !folded.isEmpty { unknown.append(name) }
                    continue
                }
                if let first = columnOf[field] { throw Failure.twice(first: first, second: name) }
                columnOf[field] = name
                fields.append(field)
            }
            let missing = MemberImport.required.filter { columnOf[$0] == nil }
            guard missing.isEmpty else { throw Failure.missing(missing) }
            self.header = header
            self.fields = fields
            self.unknown = unknown
            self.managed = managed
        }

        /// The header of the column giving `field`, as written (`@…` for a field without one).
        func column(_ field: Field) -> String {
            fields.firstIndex(of: field).map { header[$0] } ?? "@import.members.field.\(field.rawValue)"
        }

        /// The cells of a record by field, trimmed and in NFC; missing trailing cells are empty.
        func cells(_ record: [String]) -> [Field: String] {
            var cells: [Field: String] = [:]
            for (index, field) in fields.enumerated() {
                guard let field, index < record.count else { continue }
                cells[field] = CSVColumns.unguarded(record[index])
            }
            return cells
        }
    }

    /// One non-empty row of a member file and what checking made of it.
    public struct Row: Sendable {
        public let row: Int
        /// The cells as read, for the rejected-rows file.
        public let record: [String]
        /// The case the member joins, and its number.
        public internal(set) var caseID: UUID?
        public internal(set) var caseNumber: String?
        public internal(set) var member: HouseholdMember?
        public internal(set) var problems: [ImportProblem] = []

        public var isValid: Bool { problems.isEmpty && member != nil && caseID != nil }
    }

    /// A member file, checked, before anything is written.
    public struct Plan: Sendable {
        public let separator: Character
        public let columns: Columns
        public let warnings: [Message]
        public let rows: [Row]
        public let options: CSVImport.Options

        public var accepted: [Row] { rows.filter(\.isValid) }
        public var rejected: [Row] { rows.filter { !$0.isValid } }
        public var problems: [ImportProblem] { rows.flatMap(\.problems) }
        public var isBlocked: Bool { !options.skipInvalid && rows.contains { !$0.isValid } }
        public var toImport: [Row] { isBlocked ? [] : accepted }
    }

    /// What an import of members did.
    public struct Result: Sendable {
        public let plan: Plan
        /// The members added, in file order; empty for a dry run or a blocked import.
        public internal(set) var imported: [HouseholdMember] = []
        /// The numbers of the cases they joined, each once, in file order.
        public internal(set) var cases: [String] = []
        public internal(set) var rejectedFile: URL?
    }

    /// Reads and checks the member rows `reader` gives against `book`, as `clearance` would
    /// save them at `time`. Throws only for what stops every row (a header without a required
    /// column, a `CSVText.Failure`). `progress` is told, after each record, how many bytes of
    /// the input were read.
    public static func plan(reader: CSVReader, reference: Reference, book: CaseBook, clearance: Clearance,
                            today: CalendarDate, options: CSVImport.Options = .init(), labels: [Catalog] = [],
                            at time: Date = Date(), progress: (Int) -> Void = { _ in }) throws -> Plan {
        guard let header = try reader.next()?.fields,
              !header.allSatisfy({ $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }) else {
            throw CSVText.Failure.empty
        }
        let columns: Columns
        do {
            columns = try Columns(header: header)
        } catch {
            while try reader.next() != nil {}
            throw error
        }
        var warnings = CSVImport.unknownColumnsWarning(columns.unknown).map { [$0] } ?? []
        if !columns.managed.isEmpty {
            warnings.append(Message("import.warning.managedColumns", ["columns": columns.managed.joined(separator: ", ")]))
        }
        let codeLabels = CodeLabels(reference: reference, catalogs: labels)
        let relationships = relationshipNames(labels)
        // The rows above are applied to this copy, so that the household bound counts them.
        var working = book
        let stamp = Store.wholeSeconds(time)
        var rows: [Row] = []
        while let next = try reader.next() {
            progress(reader.bytesRead)
            let record = next.fields
            if CSVImport.isEmpty(record) { continue }
            var row = Row(row: next.row, record: record)
            func problem(_ field: Field?, _ reason: Message) {
                row.problems.append(ImportProblem(row: next.row, column: field.map(columns.column), reason: reason))
            }
            if record.count > header.count,
               !CSVImport.isEmpty(Array(record[header.count...])) {
                problem(nil, Message("import.problem.extraValues"))
            }
            let draft = memberDraft(columns.cells(record), relationships: relationships, codeLabels: codeLabels,
                                    reference: reference, today: today)
            for (field, reason) in draft.problems { problem(field, reason) }
            let number = draft.caseNumber
            if !number.isEmpty, draft.problems.allSatisfy({ $0.field != .caseNumber }) {
                if let id = working.find(numberOf: number) {
                    row.caseID = id
                    row.caseNumber = working.digest(id)?.number ?? number
                } else {
                    // The number is repeated only when it looks like one: a cell may hold anything.
                    let looksLikeNumber = number.count <= 20 && number.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" }
                    problem(.caseNumber, looksLikeNumber ? Message("import.members.unknownCase", ["number": number])
                                                         : Message("import.members.unknownCaseText"))
                }
            }
            if row.problems.isEmpty, let id = row.caseID, let member = draft.member {
                // The rules of the change itself: the case's status, its household's bound, the
                // importer's caseload. Said on the row; the batch checks them again when saved.
                let entry = JournalEntry(seq: working.seq + 1, by: clearance.login, at: stamp,
                                         change: .saveMember(id: id, member: member))
                do {
                    working.apply(try working.check(entry, as: clearance))
                    row.member = member
                } catch let error as ChangeError {
                    problem(nil, error.message)
                } catch let error as StoreError {
                    problem(nil, error.message)
                }
            }
            rows.append(row)
        }
        return Plan(separator: reader.separator, columns: columns, warnings: warnings, rows: rows, options: options)
    }

    /// What one row's cells say, before the case is looked up.
    struct Draft {
        var caseNumber = ""
        var member: HouseholdMember?
        var problems: [(field: Field?, reason: Message)] = []
    }

    static func memberDraft(_ cells: [Field: String], relationships: [String: Relationship], codeLabels: CodeLabels,
                            reference: Reference, today: CalendarDate) -> Draft {
        var draft = Draft()
        var refused: Set<Field> = []
        func text(_ field: Field, lines: PlainText.Lines = .one, maximum: Int) -> String {
            let raw = cells[field] ?? ""
            // Too long is only said so: normalising it would cost more than its length.
            if raw.unicodeScalars.count > maximum {
                draft.problems.append((field, Message("invalid.tooLong", ["maximum": String(maximum)])))
                refused.insert(field)
                return ""
            }
            let value = ProfileDraft.normalised(raw)
            if let problem = PlainText.problem(in: value, lines: lines) {
                draft.problems.append((field, problem))
                refused.insert(field)
                return ""
            }
            return value
        }
        draft.caseNumber = text(.caseNumber, maximum: 60).uppercased()
        if draft.caseNumber.isEmpty && !refused.contains(.caseNumber) {
            draft.problems.append((.caseNumber, Message("invalid.required")))
        }
        let given = text(.givenNames, maximum: HouseholdMember.maximumNameLength)
        if given.isEmpty && !refused.contains(.givenNames) { draft.problems.append((.givenNames, Message("invalid.required"))) }
        let family = text(.familyName, maximum: HouseholdMember.maximumNameLength)
        var sex: Sex?
        let sexText = text(.sex, maximum: 20)
        if !sexText.isEmpty {
            sex = ProfileDraft.sex(sexText)
            if sex == nil { draft.problems.append((.sex, Message("invalid.sex"))) }
        }
        var relationship: Relationship?
        let relationshipText = text(.relationship, maximum: 60)
        if relationshipText.isEmpty {
            if !refused.contains(.relationship) { draft.problems.append((.relationship, Message("invalid.required"))) }
        } else {
            relationship = Relationship(rawValue: relationshipText.lowercased()) ?? relationships[Fold.key(relationshipText)]
            if relationship == nil {
                draft.problems.append((.relationship, Message("import.members.relationship",
                                                              ["codes": Relationship.allCases.map(\.rawValue).joined(separator: ", ")])))
            }
        }
        // Born: a date or a year alone in date_of_birth, or a year in birth_year; else an age.
        var date: CalendarDate?, year: Int?, estimate: AgeEstimate?
        var bornProblem = false
        let born = text(.dateOfBirth, maximum: 20), bornYear = text(.birthYear, maximum: 20)
        for (field, value) in [(Field.dateOfBirth, born), (.birthYear, bornYear)] where !value.isEmpty {
            let problemsBefore = draft.problems.count
            if let alone = ProfileDraft.yearAlone(value) {
                if (1900...today.year).contains(alone) {
                    if let other = year ?? date?.year, other != alone {
                        draft.problems.append((field, Message("import.members.bornTwice")))
                    } else {
                        year = date == nil ? alone : nil
                    }
                } else {
                    draft.problems.append((field, Message(alone > today.year ? "invalid.future" : "invalid.date")))
                }
            } else if field == .dateOfBirth, let parsed = CalendarDate(parsing: value) {
                if parsed > today {
                    draft.problems.append((field, Message("invalid.future")))
                } else if parsed.year < 1900 {
                    draft.problems.append((field, Message("invalid.date")))
                } else if let other = year, other != parsed.year {
                    draft.problems.append((field, Message("import.members.bornTwice")))
                } else {
                    date = parsed
                    year = nil
                }
            } else {
                draft.problems.append((field, Message("household.invalid.born")))
            }
            if draft.problems.count > problemsBefore { bornProblem = true }
        }
        let ageText = text(.age, maximum: 10)
        if !ageText.isEmpty {
            if let years = Int(ageText), (0...120).contains(years) {
                if let known = CaseProfile.age(on: today, date, year, nil) {
                    // Both given: they must agree (within a year), else one of them is wrong.
                    if abs(known - years) > 1 { draft.problems.append((.age, Message("invalid.ageMismatch"))) }
                } else if !bornProblem {
                    estimate = AgeEstimate(years: years, asOf: today)
                }
            } else {
                draft.problems.append((.age, Message("invalid.age")))
            }
        }
        var vulnerabilityDraft = ProfileDraft()
        vulnerabilityDraft[.vulnerabilities] = text(.vulnerabilities, maximum: ProfileDraft.maximumLength[.vulnerabilities]!)
        codeLabels.translate(&vulnerabilityDraft)
        let vulnerabilities = ProfileDraft.vulnerabilities(vulnerabilityDraft[.vulnerabilities], reference: reference)
        if let problem = vulnerabilities.problem { draft.problems.append((.vulnerabilities, problem)) }
        let note = text(.note, lines: .several, maximum: HouseholdMember.maximumNoteLength)
        guard draft.problems.isEmpty, let relationship else { return draft }
        draft.member = HouseholdMember(id: UUID(), givenNames: given, familyName: family, sex: sex, dateOfBirth: date,
                                       yearOfBirth: year, ageEstimate: estimate, relationship: relationship,
                                       vulnerabilities: vulnerabilities.codes, note: note)
        return draft
    }

    /// Relationships by their labels in the languages of `catalogs`, folded.
    static func relationshipNames(_ catalogs: [Catalog]) -> [String: Relationship] {
        var names: [String: Relationship] = [:]
        for relationship in Relationship.allCases {
            names[Fold.key(relationship.rawValue)] = relationship
            for catalog in catalogs { names[Fold.key(catalog.text("relationship.\(relationship.rawValue)"))] = relationship }
        }
        return names
    }

    /// Saves the members `plan` would import as one batch, in file order: a full disk or a
    /// crash part way saves none of them.
    @discardableResult
    public static func apply(_ plan: Plan, to store: Store, as clearance: Clearance, at time: Date = Date(),
                             progress: (Int) -> Void = { _ in }) throws -> [HouseholdMember] {
        var saved: [HouseholdMember] = []
        try store.commitBatch(as: clearance, at: time) { batch in
            for row in plan.toImport {
                guard let id = row.caseID, let member = row.member else { continue }
                try batch.add(.saveMember(id: id, member: member))
                saved.append(member)
                progress(saved.count)
            }
        }
        return saved
    }

    /// Unless this is a dry run or a row stops the import, writes the rejected rows (with
    /// `skipInvalid`) to `rejectedFile`, then saves the others into `store`.
    public static func run(_ plan: Plan, store: Store?, catalog: Catalog, clearance: Clearance,
                           rejectedFile: URL?, at time: Date = Date(), progress: (Int) -> Void = { _ in }) throws -> Result {
        precondition(store != nil || plan.toImport.isEmpty, "rows to import need a store")
        var result = Result(plan: plan)
        guard !plan.options.dryRun, !plan.isBlocked else { return result }
        if plan.options.skipInvalid, !plan.rejected.isEmpty, let rejectedFile {
            if let reason = store?.readOnlyReason { throw reason }
            let data = CSVImport.rejectedCSV(header: plan.columns.header, rows: plan.rejected.map { ($0.record, $0.problems) },
                                             separator: plan.separator, catalog: catalog)
            try PrivateFile.write(data, to: rejectedFile)
            result.rejectedFile = rejectedFile
        }
        if let store, !plan.toImport.isEmpty {
            result.imported = try apply(plan, to: store, as: clearance, at: time, progress: progress)
            var seen = Set<String>()
            result.cases = plan.toImport.compactMap(\.caseNumber).filter { seen.insert($0).inserted }
        }
        return result
    }
}
