import Foundation
import Testing
@testable import RetourCore

/// `Assets/examples/personnes.csv`, the file the README's first session imports: it must keep
/// importing whole as the rules grow.
@Suite("The sample file of fictitious people")
struct SampleFileTests {
    typealias F = CSVFixtures

    static let sample = F.assets.url("examples/personnes.csv")

    @Test func itIsAFrenchSpreadsheetFile() throws {
        let data = try Data(contentsOf: Self.sample)
        #expect(Array(data.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: data.dropFirst(3), as: UTF8.self)
        #expect(text.hasPrefix("nom;prénoms;sexe;"))
        #expect(text.hasSuffix("\r\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
    }

    @Test func everyRowImportsWithoutAProblemOrAWarning() throws {
        let plan = try CSVImport.plan(reader: CSVReader(file: Self.sample), reference: F.reference, book: CaseBook(),
                                      today: F.today, trackLabels: [F.french, F.english])
        #expect(plan.problems.isEmpty, "\(plan.problems)")
        #expect(plan.warnings.isEmpty, "\(plan.warnings)")
        #expect(plan.accepted.count == 21)
        #expect(plan.enrolmentCount == 18)
        let regions = Set(plan.accepted.compactMap(\.profile?.region))
        #expect(regions == ["ML05", "ML06", "ML07"])
        #expect(plan.accepted.allSatisfy { $0.profile?.cercle.isEmpty == false })
    }
}
