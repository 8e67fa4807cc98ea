import Foundation
import Testing
@testable import RetourCore

/// Files a form anyone can fill in may produce: stray quotes, Excel's `sep=` line, KoboToolbox
/// group prefixes, giant fields and headers. Each gets one clear line, in bounded time.
@Suite("CSV import: hostile and unusual files")
struct CSVHostileInputTests {
    typealias F = CSVFixtures

    static let english = "family_name;given_names;sex;category;region"

    /// The one-line text of what `body` throws, in English.
    func refusal(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let error as UserFacingError {
            return F.english.text(error.message)
        } catch {
            return "not a user-facing error: \(error)"
        }
    }

    @Test func excelsSeparatorLineIsReadAndIsNotTheHeader() throws {
        let semicolons = try F.plan(["sep=;", Self.english, "Maïga;Aïssata;F;idp_returnee;Gao"])
        #expect(semicolons.separator == ";")
        #expect(semicolons.warnings.isEmpty)
        #expect(semicolons.problems.isEmpty)
        // The header is row 1 as the spreadsheet shows it: the sep= line is not a row.
        #expect(semicolons.accepted.map(\.row) == [2])
        // Excel writes sep=, too; here it overrides a header that holds more semicolons.
        let commas = try F.plan(["SEP=,", "family_name,given_names,sex,category,region", "Maïga,\"A;b;c;d;e;f\",F,idp_returnee,Gao"],
                                bom: true, crlf: true)
        #expect(commas.separator == ",")
        #expect(commas.accepted.first?.profile?.givenNames == "A;b;c;d;e;f")
    }

    @Test func koboGroupPrefixesAreMatchedByTheirLastName() throws {
        let plan = try F.plan([
            "identification/nom;identification/prenoms;group_x/sexe;group_x/categorie;lieu/region;_uuid",
            "Maïga;Aïssata;F;PDI retourné;Gao;abc",
        ])
        #expect(plan.problems.isEmpty, "\(plan.problems)")
        #expect(plan.accepted.first?.profile?.familyName == "Maïga")
        #expect(plan.columns.column(of: .givenNames) == "identification/prenoms")
        #expect(plan.warnings.count == 1)  // _uuid
    }

    @Test func twoGroupsGivingTheSameFieldSayToExportWithoutGroupNames() {
        let text = refusal {
            _ = try F.plan(["chef/nom;conjoint/nom;prenoms;sexe;categorie;region", "Maïga;Touré;Awa;F;PDI retourné;Gao"])
        }
        #expect(text == "Columns chef/nom and conjoint/nom both give the Family name. Export from KoboToolbox without group names in the headers, or keep one; nothing was imported.")
    }

    @Test func anUnterminatedQuoteIsReportedWhereItOpened() {
        let text = refusal {
            _ = try F.plan([
                Self.english,
                "Maïga;\"Aïssata;F;idp_returnee;Gao",
                "Touré;Hamadoun;M;idp_returnee;Gao",
            ])
        }
        #expect(text == "row 2, column given_names: a quote opened here is never closed; nothing was imported.")
    }

    @Test func rowsAreCountedAsTheSpreadsheetShowsThemBeforeAnUnterminatedQuote() {
        let text = refusal {
            _ = try F.plan([
                Self.english,
                "Maïga;Aïssata;F;idp_returnee;\"Gao",
                "\"",  // the quoted region spans two lines: still row 2
                "",
                "Touré;Hamadoun;M;idp_returnee;Gao;\"en trop",
            ])
        }
        #expect(text == "row 4, column 6: a quote opened here is never closed; nothing was imported.")
    }

    @Test func textAfterAClosingQuoteIsKept() throws {
        let plan = try F.plan([Self.english, "Maïga;\"Ami\"nata;F;idp_returnee;Gao", "\"Tou\"\"ré\" ;Awa;F;idp_returnee;Gao"])
        #expect(plan.problems.isEmpty)
        #expect(plan.accepted.map { $0.profile?.givenNames } == ["Aminata", "Awa"])
        #expect(plan.accepted.last?.profile?.familyName == "Tou\"ré")
    }

    @Test func theRejectedFileKeepsEveryByteOfTheRejectedCells() throws {
        let cells: [[String]] = [
            ["Ma\"ïga", "Aminata", "X", "idp_returnee", "Gao", " deux  espaces "],
            ["Cisse\u{301}", "ligne\nsuivante\r\nencore\rfin", "?", "idp_returnee", "Gao", "a;b"],
            ["'=1+1", "\u{FEFF}Oumou", "", "idp_returnee", "Gao", "\"\"", "en trop"],
        ]
        let lines = [Self.english + ";remark",
                     "Ma\"ïga;\"Ami\"nata;X;idp_returnee;Gao; deux  espaces ",
                     "Cisse\u{301};\"ligne\nsuivante\r\nencore\rfin\";?;idp_returnee;Gao;\"a;b\"",
                     "'=1+1;\u{FEFF}Oumou;;idp_returnee;Gao;\"\"\"\"\"\";en trop"]
        let plan = try F.plan(lines, options: .init(skipInvalid: true))
        #expect(plan.rejected.map { $0.record.map { Array($0.utf8) } } == cells.map { $0.map { Array($0.utf8) } })
        let rejected = try CSVImport.rejectedCSV(plan, catalog: F.english)
        let again = try CSVImport.plan(data: rejected, reference: F.reference, book: CaseBook(), today: F.today)
        #expect(again.rows.map { $0.record.prefix(6).map { Array($0.utf8) } } == cells.map { $0.prefix(6).map { Array($0.utf8) } })
        #expect(again.rows.last.map { Array($0.record.last!.utf8) } == Array("en trop".utf8))
    }

    @Test func unknownColumnsAreOneWarningLine() throws {
        let unknown = (0..<10_000).map { "extra\($0)" }
        let plan = try F.plan([([Self.english] + unknown).joined(separator: ";"), "Maïga;Aïssata;F;idp_returnee;Gao"])
        #expect(plan.warnings.count == 1)
        let text = try F.english.text(#require(plan.warnings.first))
        #expect(text == "10000 columns are not known and were ignored: extra0, extra1, extra2, extra3, extra4 and 9995 more.")
        #expect(plan.accepted.count == 1)
    }

    @Test func aHeaderOfAMillionColumnsGivesOneLine() throws {
        let header = Array(Self.english.utf8) + Array(String(repeating: ";x", count: 1_000_000).utf8)
        let started = Date()
        var warnings: [Message] = []
        let text = refusal {
            warnings = try CSVImport.plan(data: Data(header + Array("\nMaïga;Aïssata;F;idp_returnee;Gao\n".utf8)),
                                          reference: F.reference, book: CaseBook(), today: F.today).warnings
        }
        #expect(warnings.count == 0)
        #expect(text == "row 1: more than 16384 columns; nothing was imported.")
        #expect(Date().timeIntervalSince(started) < 20)
    }

    @Test func aNameOfOneMegabyteIsRefusedQuicklyWithItsRow() throws {
        let name = String(repeating: "A", count: 1 << 20)
        let started = Date()
        let text = refusal {
            _ = try F.plan([Self.english, "Touré;Awa;F;idp_returnee;Gao", "\(name);Awa;F;idp_returnee;Gao"])
        }
        #expect(text == "row 3, column family_name: a field longer than 131072 bytes; nothing was imported.")
        #expect(Date().timeIntervalSince(started) < 20)
    }

    @Test func aLongNameUnderTheFieldLimitIsARowProblemFoundInLinearTime() throws {
        let name = String(repeating: "Ā", count: 60_000)  // 120 000 bytes
        let started = Date()
        let plan = try F.plan([Self.english, "\(name);Awa;F;idp_returnee;Gao", "Touré;\(name);F;idp_returnee;Gao"])
        #expect(plan.problems.map(\.row) == [2, 3])
        #expect(plan.problems.map { $0.text(F.english) } == [
            "row 2, column family_name: At most 100 characters.",
            "row 3, column given_names: At most 100 characters.",
        ])
        #expect(Date().timeIntervalSince(started) < 20)
    }

    /// Folding a name for the duplicate check once took a time growing with the square of its
    /// length (about 70 s for 1 MB).
    @Test func foldingIsLinear() {
        let name = String(repeating: "Maïga ", count: 200_000)  // 1.4 MB
        let started = Date()
        let folded = Fold.key(name)
        #expect(folded.hasPrefix("maiga maiga"))
        #expect(Date().timeIntervalSince(started) < 30)
    }
}

@Suite("CSV import: every column long at once")
struct CSVLongCellsTests {
    typealias F = CSVFixtures

    /// Cells just under the reader's field limit in every column the rules read, in several
    /// scripts and with separate accents: each is a row problem, found in bounded time.
    @Test func longCellsInEveryColumnAreRowProblemsFoundQuickly() throws {
        let header = "nom;prénoms;sexe;date_naissance;age;téléphone;type_piece;numero_piece;taille_menage;catégorie;lieu_deplacement;date_retour;région;cercle;commune;village;vulnerabilites;agent;track"
        let columns = header.split(separator: ";").count
        // About 100 000 bytes each: 19 of them fit in a record (2 MiB).
        let long = [String(repeating: "Maïga ", count: 14_000), String(repeating: "e\u{301}", count: 32_000),
                    String(repeating: "مرحبا ", count: 9_000), "e" + String(repeating: "\u{301}", count: 49_000)]
        let lines = [header] + long.map { cell in Array(repeating: cell, count: columns).joined(separator: ";") }
        let started = Date()
        let plan = try CSVImport.plan(data: F.file(lines), reference: F.reference, book: CaseBook(), today: F.today,
                                      trackLabels: [F.french, F.english])
        #expect(plan.rows.count == 4)
        #expect(plan.accepted.isEmpty)
        for row in plan.rows {
            #expect(row.problems.filter { $0.reason.key == "invalid.tooLong" }.count == columns - 1, "row \(row.row)")
        }
        #expect(Date().timeIntervalSince(started) < 120)
    }
}
