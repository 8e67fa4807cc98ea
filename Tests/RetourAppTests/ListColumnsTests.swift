import Foundation
import Testing
@testable import RetourApp
@testable import RetourCore
import RetourTUI

/// The list's columns at 80 and 132 columns, in both languages: the cercle (the region is in
/// the number), a short status, a worker column wide enough for a login, the alerts explained
/// in words under the table, and the room of a wider terminal given to what was cut.
@Suite("Case list: columns")
struct ListColumnsTests {
    /// A login of 32 characters, the longest there is.
    static let longLogin = "fatoumata.walet.ahmed.haidara.01"

    static func seeds() -> [Seed] {
        Seed.standard.map { seed in
            guard seed.number == "GAO-000002" else { return seed }
            var values = seed.values
            values[.assignedTo] = longLogin
            return Seed(number: seed.number, values: values)
        }
    }

    func row(_ harness: Harness, _ number: String) -> String {
        harness.listRows.first { $0.contains(number) } ?? ""
    }

    @Test("at 80 columns: the cercle, a short status, the login cut with …, the alerts legend",
          arguments: [Language.en, .fr])
    func eighty(language: Language) throws {
        #expect(Self.longLogin.count == 32)
        let harness = try Harness(language: language, seeds: Self.seeds())
        let fr = language == .fr
        let header = harness.rows[2]
        #expect(header.contains("Cercle"), "\(header)")
        #expect(!header.contains(fr ? "Région" : "Region"), "\(header)")
        #expect(row(harness, "GAO-000002").contains(" Ansongo "), "\(row(harness, "GAO-000002"))")
        #expect(!row(harness, "GAO-000002").contains("Gao/"))
        #expect(row(harness, "TBK-000001").contains(" Goundam "))
        let short = fr ? " Enreg. " : " Regist. "
        for line in harness.listRows { #expect(line.contains(short), "\(line)") }
        // The worker column holds 12 cells: a login of 10 whole, one of 32 cut with ….
        #expect(row(harness, "GAO-000001").hasSuffix(" awa.traore"), "\(row(harness, "GAO-000001"))")
        #expect(row(harness, "GAO-000002").hasSuffix(" " + Self.longLogin.prefix(11) + "…"), "\(row(harness, "GAO-000002"))")
        for line in harness.rows { #expect(CellWidth.of(line) <= 80) }
        // Under the table, the alerts column said in words.
        let legend = harness.rows[harness.terminal.size.height - 3]
        #expect(legend.contains(fr ? "R = étapes en retard" : "L = steps late"), "\(legend)")
        #expect(legend.contains(fr ? "M = manques d'accès" : "G = rights gaps"), "\(legend)")
    }

    @Test("the legend says the selected case's alerts in words", arguments: [Language.en, .fr])
    func legendOfTheSelectedCase(language: Language) throws {
        let harness = try FilterScreenTests.harness(language: language)
        let fr = language == .fr
        let legend = harness.rows[harness.terminal.size.height - 3]
        #expect(harness.selectedListRow?.contains("GAO-000001") == true)
        #expect(legend.contains(fr ? "R5 M2 : 5 étapes en retard · 2 manques d'accès aux droits"
                                   : "L5 G2: 5 steps late · 2 rights gaps"), "\(legend)")
    }

    @Test("at 132 columns the room goes to what was cut: whole status, whole login, longer names",
          arguments: [Language.en, .fr])
    func wide(language: Language) throws {
        let harness = try Harness(language: language, seeds: Self.seeds(), width: 132, height: 40)
        let fr = language == .fr
        let full = fr ? " Enregistré " : " Registered "
        for line in harness.listRows { #expect(line.contains(full), "\(line)") }
        #expect(row(harness, "GAO-000002").hasSuffix(" " + Self.longLogin), "\(row(harness, "GAO-000002"))")
        for line in harness.rows { #expect(CellWidth.of(line) <= 132) }
        let columns = CaseRows.layout(harness.catalog, reference: harness.session.reference, width: 130)
        let narrow = CaseRows.layout(harness.catalog, reference: harness.session.reference, width: 78)
        #expect(columns.widths.reduce(0, +) + columns.widths.count - 1 == 130)
        #expect(narrow.widths.reduce(0, +) + narrow.widths.count - 1 == 78)
        for (wide, small) in zip(columns.widths, narrow.widths) { #expect(wide >= small) }
        // The name, the cercle and the worker all grew, not the name alone.
        for column in [1, 4, 7] { #expect(columns.widths[column] > narrow.widths[column], "column \(column)") }
        // At 200 columns, still every column at most what it can use but the name.
        let huge = CaseRows.layout(harness.catalog, reference: harness.session.reference, width: 198)
        #expect(huge.widths[7] == 32)
    }

    @Test("short statuses are distinct and fit their column, in both languages", arguments: [Language.en, .fr])
    func shortStatuses(language: Language) throws {
        let catalog = try Fixtures.get().catalog(language)
        let labels = CaseStatus.allCases.map { catalog.text("status.short.\($0.rawValue)") }
        #expect(Set(labels).count == CaseStatus.allCases.count, "\(labels)")
        #expect(Set(labels.map(Fold.key)).count == CaseStatus.allCases.count, "\(labels)")
        let width = CaseRows.layout(catalog, reference: try Fixtures.get().reference, width: 78).widths[5]
        for label in labels { #expect(CellWidth.of(label) <= width, "\(label)") }
    }
}
