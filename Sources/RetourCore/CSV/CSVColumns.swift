/// The columns of an import file: which profile field each header names, in English or French,
/// ignoring case, accents, spaces and underscores; and the optional column of the tracks to
/// enrol each person in. A KoboToolbox export with group names in its headers
/// (`identification/nom`) is read by the last part of each name.
public struct CSVColumns: Sendable {
    /// The header as written in the file.
    public let header: [String]
    /// The field read from each column; nil for a column that is ignored.
    public let fields: [ProfileField?]
    /// The position of the track column, if the file has one.
    public let trackColumn: Int?
    /// Columns the importer does not know, as written.
    public let unknown: [String]
    /// Columns of an export that an import ignores: Retour sets them itself.
    public let managed: [String]

    /// English names first: they are the export's header, so an export can be re-imported.
    public static let names: [ProfileField: [String]] = [
        .familyName: ["family_name", "nom", "nom de famille", "last name", "surname"],
        .givenNames: ["given_names", "prenoms", "prenom", "first name", "first names", "given name"],
        .sex: ["sex", "sexe", "genre", "gender"],
        .dateOfBirth: ["date_of_birth", "date_naissance", "date de naissance", "birth date", "ddn"],
        .age: ["age"],
        .phone: ["phone", "telephone", "tel"],
        .documentType: ["document_type", "type_piece", "type de piece"],
        .documentNumber: ["document_number", "numero_piece", "numero de piece"],
        .householdSize: ["household_size", "taille_menage", "taille du menage"],
        .category: ["category", "categorie"],
        .displacedTo: ["displaced_to", "lieu_deplacement", "lieu de deplacement", "pays d'asile"],
        .returnDate: ["return_date", "date_retour", "date de retour"],
        .region: ["region"],
        .cercle: ["cercle"],
        .commune: ["commune"],
        .village: ["village", "quartier", "village quartier"],
        .vulnerabilities: ["vulnerabilities", "vulnerabilites"],
        .assignedTo: ["assigned_to", "agent", "case worker", "agent charge"],
    ]

    /// Names of the column holding the tracks (programmes) to enrol each person in.
    public static let trackNames = ["track", "programme", "tracks", "programmes", "program", "parcours"]

    /// Columns a registration cannot do without.
    public static let required: [ProfileField] = [.familyName, .givenNames, .sex, .category, .region]

    /// Written by the export, set by Retour on import.
    public static let managedNames = ["number"] + CSVExport.managedColumns

    private static let fieldByFoldedName: [String: ProfileField] = {
        var result: [String: ProfileField] = [:]
        for (field, names) in names {
            for name in names { result[Fold.key(name)] = field }
        }
        return result
    }()

    /// Why a header cannot be imported.
    public enum Failure: UserFacingError, Equatable {
        /// Required fields without a column, by their English column names.
        case missing([ProfileField])
        /// Two columns give the same field.
        case twice(field: ProfileField, first: String, second: String)
        /// Two columns give the tracks.
        case trackTwice(first: String, second: String)
        /// Two columns of different groups (`chef/nom`, `conjoint/nom`) give the same field.
        case groupedTwice(field: ProfileField, first: String, second: String)

        public var message: Message {
            switch self {
            case .missing(let fields):
                let names = fields.map { field in
                    CSVColumns.names[field]!.prefix(2).joined(separator: "/")
                }
                return Message("import.error.missingColumns", ["columns": names.joined(separator: ", ")])
            case .twice(let field, let first, let second):
                return Message("import.error.columnTwice",
                               ["first": first, "second": second, "field": "@" + field.labelKey])
            case .trackTwice(let first, let second):
                return Message("import.error.columnTwice", ["first": first, "second": second, "field": "@import.field.track"])
            case .groupedTwice(let field, let first, let second):
                return Message("import.error.groupedColumnTwice",
                               ["first": first, "second": second, "field": "@" + field.labelKey])
            }
        }
    }

    public init(header: [String]) throws {
        var fields: [ProfileField?] = []
        var unknown: [String] = []
        var managed: [String] = []
        var columnOf: [ProfileField: String] = [:]
        var trackColumn: Int?
        let managedFolded = Set(CSVColumns.managedNames.map(Fold.key))
        let trackFolded = Set(CSVColumns.trackNames.map(Fold.key))
        let known = Set(CSVColumns.fieldByFoldedName.keys).union(managedFolded).union(trackFolded)
        for (index, name) in header.enumerated() {
            let folded = CSVColumns.folded(name, known: known)
            guard let field = CSVColumns.fieldByFoldedName[folded] else {
                fields.append(nil)
                if trackFolded.contains(folded) {
                    if let first = trackColumn { throw Failure.trackTwice(first: header[first], second: name) }
                    trackColumn = index
                } else if managedFolded.contains(folded) {
                    managed.append(name)
                } else if !folded.isEmpty {
                    unknown.append(name)
                }
                continue
            }
            if let first = columnOf[field] {
                throw first.contains("/") || name.contains("/")
                    ? Failure.groupedTwice(field: field, first: first, second: name)
                    : Failure.twice(field: field, first: first, second: name)
            }
            columnOf[field] = name
            fields.append(field)
        }
        let missing = CSVColumns.required.filter { columnOf[$0] == nil }
        guard missing.isEmpty else { throw Failure.missing(missing) }
        self.header = header
        self.fields = fields
        self.trackColumn = trackColumn
        self.unknown = unknown
        self.managed = managed
    }

    /// `name` folded; when that is not a name the importer knows, its last `/` part folded
    /// (KoboToolbox writes `group/question` unless told to export without group names).
    private static func folded(_ name: String, known: Set<String>) -> String {
        let whole = Fold.key(name)
        guard !known.contains(whole), let slash = name.lastIndex(of: "/") else { return whole }
        let last = Fold.key(String(name[name.index(after: slash)...]))
        return last.isEmpty ? whole : last
    }

    /// The header of the column giving `field`, as written, if any.
    public func column(of field: ProfileField) -> String? {
        fields.firstIndex(of: field).map { header[$0] }
    }

    /// The header of the track column, as written, if any.
    public var trackHeader: String? {
        trackColumn.map { header[$0] }
    }

    /// The text of the track cell of a record; empty without a track column or cell.
    public func trackCell(_ record: [String]) -> String {
        guard let trackColumn, trackColumn < record.count else { return "" }
        return CSVColumns.unguarded(record[trackColumn])
    }

    /// The draft a record gives. Missing trailing cells count as empty.
    public func draft(_ record: [String]) -> ProfileDraft {
        var draft = ProfileDraft()
        for (index, field) in fields.enumerated() {
            guard let field, index < record.count else { continue }
            draft[field] = CSVColumns.unguarded(record[index])
        }
        return draft
    }

    /// Undoes the export's guard against spreadsheet formulas (a leading `'`).
    static func unguarded(_ value: String) -> String {
        guard value.hasPrefix("'"), let next = value.dropFirst().first, CSVColumns.formulaStarts.contains(next) else {
            return value
        }
        return String(value.dropFirst())
    }

    static let formulaStarts: Set<Character> = ["=", "+", "-", "@", "\t", "\r"]
}
