import Foundation
import Testing
@testable import RetourCore

@Suite("CSV import: file format")
struct CSVImportFormatTests {
    typealias F = CSVFixtures

    @Test func frenchSpreadsheetWithByteOrderMarkSemicolonsAndCRLF() throws {
        let plan = try F.plan([F.header, "Maïga;Aïssata;F;12/03/1985;PDI retourné;Gao;Ansongo;Ouatagouna"],
                              bom: true, crlf: true)
        #expect(plan.separator == ";")
        #expect(plan.warnings.isEmpty)
        #expect(plan.problems.isEmpty)
        let profile = try #require(plan.accepted.first?.profile)
        #expect(profile.familyName == "Maïga")  // not "\u{FEFF}Maïga": the mark is not data
        #expect(profile.givenNames == "Aïssata")
        #expect(profile.dateOfBirth == CalendarDate(year: 1985, month: 3, day: 12))
        #expect(profile.region == "ML07")
        #expect(profile.cercle == "ML0701")
        #expect(profile.village == "Ouatagouna")  // no stray "\r"
    }

    @Test func commasLineFeedsAndNoByteOrderMark() throws {
        let plan = try F.plan(["family_name,given_names,sex,category,region", "Touré,Hamadoun,M,idp_returnee,Gao"])
        #expect(plan.separator == ",")
        #expect(plan.accepted.first?.profile?.familyName == "Touré")
        #expect(plan.accepted.first?.profile?.sex == .male)
    }

    @Test func headerIsMatchedIgnoringCaseAccentsAndSpacing() throws {
        let plan = try F.plan(["NOM;Prenoms;SEXE;Categorie;Région;Taille_Ménage", "Cissé;Oumar;M;host_community;Mopti;5"])
        #expect(plan.accepted.first?.profile?.householdSize == 5)
    }

    @Test func quotedSeparatorsDoubledQuotesAndLineBreaks() throws {
        let plan = try F.plan([
            F.header,
            "Maïga;Aïssata;F;;PDI retourné;Gao;;\"Bara; quartier 2\"",
            "Touré;Hamadoun;M;;PDI retourné;Gao;;\"Le \"\"Château\"\"\"",
            "Cissé;Oumar;M;;PDI retourné;Gao;;\"Gadeye\r\nprès du marché\"",
        ], crlf: true)
        #expect(plan.accepted.map { $0.profile?.village } == ["Bara; quartier 2", "Le \"Château\""])
        #expect(plan.accepted.map(\.row) == [2, 3])
        // The line break is read inside its field, and a place is one line: the row says so.
        #expect(plan.problems.map { [String($0.row), $0.column ?? "", $0.reason.key] } == [["4", "village", "invalid.control"]])
    }

    @Test func aRecordWithLineBreaksIsOneRow() throws {
        let plan = try F.plan([
            F.header,
            "Maïga;Aïssata;F;;PDI retourné;Gao;;\"première ligne",
            "deuxième ligne",
            "troisième ligne\"",
            "Touré;Hamadoun;X;;PDI retourné;Gao;;Bamba",
        ])
        // The line breaks stay in their field (a place is one line: refused there), and the next
        // record is the spreadsheet's row 3, not the file's line 5.
        #expect(plan.problems.map { [String($0.row), $0.column ?? ""] } == [["2", "village"], ["3", "sexe"]])
    }

    @Test func emptyRowsAreSkippedButCounted() throws {
        let plan = try F.plan([F.header, ";;;;;;;", "", " ; ;;;;;;", "Touré;Hamadoun;Z;;PDI retourné;Gao;;"])
        #expect(plan.rows.count == 1)
        #expect(plan.problems.map(\.row) == [5])
    }

    @Test func textThatIsNotUTF8IsRefusedWhole() {
        // "Cissé" as Windows-1252 writes it.
        let latin1 = Data(Array("nom;prénoms\n".utf8) + [0x43, 0x69, 0x73, 0x73, 0xE9, 0x3B, 0x41, 0x0A])
        #expect(throws: CSVText.Failure.notUTF8) {
            try CSVImport.plan(data: latin1, reference: F.reference, book: CaseBook(), today: F.today)
        }
        #expect(F.english.text(CSVText.Failure.notUTF8.message).contains("CSV UTF-8"))
    }

    @Test func emptyFileIsRefused() {
        #expect(throws: CSVText.Failure.empty) {
            try CSVImport.plan(data: Data([0xEF, 0xBB, 0xBF]), reference: F.reference, book: CaseBook(), today: F.today)
        }
    }

    @Test func headerWithoutARequiredColumnStopsBeforeAnyRow() throws {
        #expect(throws: CSVColumns.Failure.missing([.sex, .category])) {
            try F.plan(["nom;prénoms;région", "Maïga;Aïssata;Gao"])
        }
        let text = F.french.text(CSVColumns.Failure.missing([.sex]).message)
        #expect(text == "Il manque à l'en-tête des colonnes obligatoires : sex/sexe. Rien n'a été importé.")
    }

    @Test func aFieldGivenByTwoColumnsIsRefused() {
        #expect(throws: CSVColumns.Failure.twice(field: .familyName, first: "nom", second: "family_name")) {
            try F.plan(["nom;prénoms;sexe;catégorie;région;family_name"])
        }
    }

    @Test func unknownColumnsAreIgnoredWithAWarning() throws {
        let plan = try F.plan(["nom;prénoms;sexe;catégorie;région;Remarque", "Maïga;Aïssata;F;PDI retourné;Gao;à revoir"])
        #expect(plan.warnings == [Message("import.warning.unknownColumn", ["column": "Remarque"])])
        #expect(plan.accepted.count == 1)
    }

    @Test func moreValuesThanColumnsIsAProblem() throws {
        let plan = try F.plan(["nom;prénoms;sexe;catégorie;région", "Maïga;Aïssata;F;PDI retourné;Gao;en trop"])
        #expect(plan.problems == [ImportProblem(row: 2, column: nil, reason: Message("import.problem.extraValues"))])
    }
}

@Suite("CSV import: the registration rules, row by row")
struct CSVImportRuleTests {
    typealias F = CSVFixtures

    static let header = "nom;prénoms;sexe;date_naissance;age;catégorie;région;cercle;taille_menage;date_retour;vulnerabilites"

    /// A valid row with some cells replaced, by column.
    static func row(_ changes: [String: String]) -> String {
        var cells = ["Maïga", "Aïssata", "F", "12/03/1985", "", "PDI retourné", "Gao", "Ansongo", "4", "2016-02-15", ""]
        let columns = header.split(separator: ";").map(String.init)
        for (column, value) in changes { cells[columns.firstIndex(of: column)!] = value }
        return cells.joined(separator: ";")
    }

    @Test(arguments: [
        ("nom", "", "invalid.required"),
        ("prénoms", "  ", "invalid.required"),
        ("sexe", "", "invalid.required"),
        ("sexe", "X", "invalid.sex"),
        ("date_naissance", "31/02/1985", "invalid.noSuchDay"),
        ("date_naissance", "1985-13-01", "invalid.noSuchDay"),
        ("date_naissance", "01/07/2016", "invalid.future"),
        ("date_retour", "2017-01-01", "invalid.future"),
        ("taille_menage", "0", "invalid.household"),
        ("taille_menage", "51", "invalid.household"),
        ("catégorie", "déplacé", "invalid.category"),
        ("région", "Paris", "invalid.region"),
        ("région", "", "invalid.required"),
        ("cercle", "Bamako", "invalid.cercle"),
        ("cercle", "Goundam", "invalid.cercleRegion"),
        ("vulnerabilites", "disability hungry", "invalid.vulnerability"),
    ])
    func invalidCellIsReportedByRowAndColumn(column: String, value: String, key: String) throws {
        let plan = try F.plan([Self.header, Self.row(["nom": "Touré"]), Self.row([column: value])])
        #expect(plan.problems.count == 1)
        let problem = try #require(plan.problems.first)
        #expect(problem.row == 3)
        #expect(problem.column == column)
        #expect(problem.reason.key == key)
        #expect(plan.isBlocked)
        #expect(plan.toImport.isEmpty)
    }

    @Test(arguments: [
        ["taille_menage": "1"], ["taille_menage": "50"], ["taille_menage": ""],
        ["région": "Timbuktu", "cercle": ""], ["région": "ml07"], ["cercle": "menaka"],
        ["date_naissance": "1985-03-12"], ["date_naissance": "30/06/2016", "date_retour": ""],
        ["date_naissance": "", "age": "34"],
        ["vulnerabilites": "disability|older_person"], ["vulnerabilites": "disability older_person"],
        ["catégorie": "Réfugié rapatrié"], ["catégorie": "Communauté hôte"], ["catégorie": "refugee_returnee"],
        ["sexe": "m"],
    ])
    func acceptedValues(changes: [String: String]) throws {
        let plan = try F.plan([Self.header, Self.row(changes)])
        #expect(plan.problems.isEmpty, "\(plan.problems)")
        #expect(plan.accepted.count == 1)
    }

    @Test func frenchCategoryLabelsGiveTheirCodes() throws {
        let plan = try F.plan([
            Self.header, Self.row(["catégorie": "PDI retourné"]),
            Self.row(["catégorie": "Réfugié rapatrié", "nom": "Touré"]),
            Self.row(["catégorie": "Communauté hôte", "nom": "Cissé"]),
        ])
        #expect(plan.accepted.map { $0.profile?.category } == [.idpReturnee, .refugeeReturnee, .hostCommunity])
    }

    @Test func timbuktuIsTombouctou() throws {
        let plan = try F.plan(["nom;prénoms;sexe;catégorie;région;cercle", "Touré;Hamadoun;M;PDI retourné;Timbuktu;Goundam"])
        #expect(plan.accepted.first?.profile?.region == "ML06")
        #expect(plan.accepted.first?.profile?.cercle == "ML0602")
    }

    @Test func ageStandsForAnUnknownDateOfBirth() throws {
        let plan = try F.plan([Self.header, Self.row(["date_naissance": "", "age": "34"])])
        let profile = try #require(plan.accepted.first?.profile)
        #expect(profile.dateOfBirth == nil)
        #expect(profile.ageEstimate == AgeEstimate(years: 34, asOf: F.today))
    }

    @Test func problemsReadAsRowColumnReasonInBothLanguages() throws {
        let plan = try F.plan([Self.header, Self.row(["sexe": "X"]), Self.row(["cercle": "Goundam", "nom": "Touré"])])
        #expect(plan.problems.map { $0.text(F.english) } == [
            "row 2, column sexe: Sex must be F or M.",
            "row 3, column cercle: Goundam is a cercle of Tombouctou, not of the region given.",
        ])
        #expect(plan.problems.map { $0.text(F.french) } == [
            "ligne 2, colonne sexe : Le sexe doit être F ou M.",
            "ligne 3, colonne cercle : Goundam est un cercle de Tombouctou, pas de la région indiquée.",
        ])
    }

    @Test func aProblemOfAFieldWithoutColumnNamesTheField() throws {
        let plan = try F.plan(["nom;prénoms;sexe;catégorie;région;numero_piece", "Maïga;Aïssata;F;PDI retourné;Gao;123"])
        #expect(plan.problems.map { $0.text(F.english) } == ["row 2, column ID document: Choose the type of document."])
    }
}

@Suite("CSV import: duplicates")
struct CSVImportDuplicateTests {
    typealias F = CSVFixtures

    @Test func possibleDuplicateOfAStoredCaseIsReportedWithItsNumber() throws {
        try F.withDirectory { root throws in
            let store = try Store(directory: root.appendingPathComponent("data"))
            try F.register(store, F.profile("Cissé", "Oumar"))
            let existing = try F.register(store, F.profile("Maïga", "Aïssata", born: 1985))
            let plan = try F.plan([
                "nom;prénoms;sexe;date_naissance;catégorie;région",
                "MAIGA;aissata;F;1986-01-01;PDI retourné;Gao",  // same person, spelled otherwise
                "Maïga;Aïssata;F;1990-01-01;PDI retourné;Gao",  // birth years too far apart
                "Maïga;Aïssata;F;1985-01-01;PDI retourné;Mopti",  // another region
            ], book: store.book)
            #expect(plan.problems == [ImportProblem(row: 2, column: nil, reason: Message("import.problem.duplicateCase", ["number": existing.number]))])
            #expect(plan.problems.first?.text(F.english).hasPrefix("row 2: Possible duplicate of case GAO-000002") == true)
            #expect(plan.duplicateCount == 1)
            #expect(plan.isBlocked)
        }
    }

    @Test func duplicatesWithinTheFileNameTheOtherRow() throws {
        let plan = try F.plan([
            "nom;prénoms;sexe;age;catégorie;région",
            "Ag Mohamed;Ahmed;M;40;PDI retourné;Kidal",
            "Touré;Hamadoun;M;30;PDI retourné;Kidal",
            "Agmohamed;Ahmed;M;41;PDI retourné;Kidal",
        ])
        #expect(plan.problems == [ImportProblem(row: 4, column: nil, reason: Message("import.problem.duplicateRow", ["other": "2"]))])
        #expect(plan.accepted.map(\.row) == [2, 3])
    }

    @Test func allowDuplicatesImportsThemAndStillReportsThem() throws {
        let plan = try F.plan([
            "nom;prénoms;sexe;age;catégorie;région",
            "Ag Mohamed;Ahmed;M;40;PDI retourné;Kidal",
            "Ag Mohamed;Ahmed;M;40;PDI retourné;Kidal",
        ], options: CSVImport.Options(allowDuplicates: true))
        #expect(plan.problems.isEmpty)
        #expect(plan.notes.map(\.row) == [3])
        #expect(plan.duplicateCount == 1)
        #expect(plan.toImport.map(\.row) == [2, 3])
    }
}

@Suite("CSV import: writing to the store")
struct CSVImportRunTests {
    typealias F = CSVFixtures

    static let lines = [
        "nom;prénoms;sexe;catégorie;région;Remarque",
        "Maïga;Aïssata;F;PDI retourné;Gao;",
        "Touré;Hamadoun;X;PDI retourné;Tombouctou;\"dit \"\"Hama\"\"; à revoir\"",
        "Cissé;Oumar;M;Réfugié rapatrié;Timbuktu;",
        "Dicko;;M;Réfugié rapatrié;Mopti;",
    ]

    func run(_ root: URL, _ options: CSVImport.Options, catalog: Catalog = CSVFixtures.french) throws -> (Store, ImportResult, URL) {
        let input = root.appendingPathComponent("people.csv")
        try F.file(Self.lines, bom: true, crlf: true).write(to: input)
        let store = try Store(directory: root.appendingPathComponent("data"))
        let result = try CSVImport.run(file: input, store: store, reference: F.reference, catalog: catalog,
                                       clearance: .anyone("awa"), today: F.today, options: options)
        return (store, result, input)
    }

    @Test func allOrNothingByDefault() throws {
        try F.withDirectory { root throws in
            let (store, result, _) = try run(root, CSVImport.Options())
            #expect(store.book.count == 0)
            #expect(store.journalLines == 0)
            #expect(result.imported.isEmpty)
            #expect(result.rejectedCount == 2)
            #expect(result.problems.map(\.row) == [3, 5])
            #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("people.rejected.csv").path))
        }
    }

    @Test func skipInvalidImportsTheRestAndWritesTheRejectedRows() throws {
        try F.withDirectory { root throws in
            let (store, result, _) = try run(root, CSVImport.Options(skipInvalid: true))
            #expect(result.imported == ["GAO-000001", "TBK-000001"])
            #expect(store.book.find(number: "TBK-000001")?.profile.familyName == "Cissé")
            #expect(store.book.find(number: "GAO-000001")?.created.by == "awa")
            let rejected = root.appendingPathComponent("people.rejected.csv")
            #expect(result.rejectedFile == rejected)
            #expect(F.mode(rejected.path) == 0o600)
            let bytes = try Data(contentsOf: rejected)
            #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
            let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
            #expect(text == """
            nom;prénoms;sexe;catégorie;région;Remarque;reason\r
            Touré;Hamadoun;X;PDI retourné;Tombouctou;"dit ""Hama""; à revoir";sexe : Le sexe doit être F ou M.\r
            Dicko;;M;Réfugié rapatrié;Mopti;;prénoms : Obligatoire.\r

            """)
            // The rejected file reads back as an import file with the same rows.
            let again = try CSVImport.plan(data: bytes, reference: F.reference, book: CaseBook(), today: F.today)
            #expect(again.rows.map { $0.record.prefix(6) } == [
                ["Touré", "Hamadoun", "X", "PDI retourné", "Tombouctou", "dit \"Hama\"; à revoir"],
                ["Dicko", "", "M", "Réfugié rapatrié", "Mopti", ""],
            ])
        }
    }

    @Test func rejectedReasonsAreJoinedInTheInterfaceLanguage() throws {
        let plan = try F.plan(["nom;prénoms;sexe;catégorie;région", ";Aïssata;X;PDI retourné;Gao"], options: .init(skipInvalid: true))
        let text = String(decoding: try CSVImport.rejectedCSV(plan, catalog: F.english).dropFirst(3), as: UTF8.self)
        // The reasons hold the separator, so the cell is quoted.
        #expect(text.hasSuffix(";Aïssata;X;PDI retourné;Gao;\"nom: Required.; sexe: Sex must be F or M.\"\r\n"))
    }

    @Test func dryRunWritesNothing() throws {
        try F.withDirectory { root throws in
            let data = root.appendingPathComponent("data")
            try Store(directory: data).close()
            let before = try FileManager.default.contentsOfDirectory(atPath: root.path).sorted()
            let snapshot = try Data(contentsOf: data.appendingPathComponent(Store.Files.snapshot))
            let (store, result, _) = try run(root, CSVImport.Options(skipInvalid: true, dryRun: true))
            #expect(result.validCount == 2)
            #expect(result.imported.isEmpty)
            #expect(result.rejectedFile == nil)
            #expect(store.book.count == 0)
            try store.close()
            #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).sorted() == (before + ["people.csv"]).sorted())
            #expect(try Data(contentsOf: data.appendingPathComponent(Store.Files.snapshot)) == snapshot)
        }
    }

    @Test func readOnlyStoreIsRefused() throws {
        try F.withDirectory { root throws in
            let data = root.appendingPathComponent("data")
            let holder = try Store(directory: data)
            // Another writing session does not make a store read-only any more: one opened to read does.
            let reader = try Store(directory: data, write: false)
            #expect(reader.isReadOnly)
            let plan = try F.plan(["nom;prénoms;sexe;catégorie;région", "Maïga;Aïssata;F;PDI retourné;Gao"])
            #expect(throws: StoreError.self) {
                try CSVImport.apply(plan, to: reader, reference: F.reference, as: .anyone("awa"))
            }
            #expect(holder.book.count == 0)
        }
    }

    @Test func rejectedFileSitsBesideTheInput() {
        #expect(CSVImport.rejectedFile(for: URL(fileURLWithPath: "/tmp/a/people.csv")).path == "/tmp/a/people.rejected.csv")
        #expect(CSVImport.rejectedFile(for: URL(fileURLWithPath: "/tmp/a/people")).path == "/tmp/a/people.rejected.csv")
    }

    @Test func numberRangesAreGroupedByRegion() {
        #expect(CSVImport.ranges(["GAO-000001", "GAO-000002", "GAO-000003", "TBK-000001"]) == "GAO-000001 … GAO-000003, TBK-000001")
    }

    @Test func summaryCountsAreSingularOrPluralByLanguage() {
        #expect(F.french.counted("import.summary.imported", 1, ["numbers": "GAO-000001"]) == "1 dossier importé (GAO-000001).")
        #expect(F.english.counted("import.summary.imported", 2, ["numbers": "x"]) == "2 cases imported (x).")
        #expect(F.english.counted("import.summary.blocked", 3) == "Nothing imported: 3 rows have problems.")
    }
}
