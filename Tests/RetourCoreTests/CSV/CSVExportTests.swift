import Foundation
import Testing
@testable import RetourCore

@Suite("CSV and JSON export")
struct CSVExportTests {
    typealias F = CSVFixtures

    static func cases() -> [Case] {
        let stamp = Stamp(by: "awa", at: Date(timeIntervalSince1970: 1_450_000_000))
        var first = F.profile("Maïga", "Aïssata, dite \"Tata\"", region: "ML07", cercle: "ML0701")
        first.phone = "+223 76 12 34 56"
        first.vulnerabilities = ["female_head_of_household", "single_parent"]
        first.village = "Gadeye\nprès du marché"
        first.returnDate = CalendarDate(year: 2016, month: 2, day: 15)
        first.document = IdentityDocument(type: "national_id", number: "NINA 123")
        first.householdSize = 6
        first.displacedTo = "Niger"
        first.assignedTo = "a.maiga"
        var second = F.profile("Ag Mohamed", "Ahmed", region: "ML06", cercle: "ML0602", born: nil)
        second.sex = .male
        second.category = .refugeeReturnee
        second.ageEstimate = AgeEstimate(years: 40, asOf: F.today)
        var third = F.profile("=HYPERLINK(\"x\")", "-Oumar", region: "ML05")
        third.sex = .male
        return [
            Case(id: UUID(), number: "GAO-000001", profile: first, status: .registered, created: stamp, updated: stamp, version: 1),
            Case(id: UUID(), number: "TBK-000001", profile: second, status: .active, created: stamp,
                 updated: Stamp(by: "moussa", at: Date(timeIntervalSince1970: 1_460_000_000)), version: 3),
            Case(id: UUID(), number: "MPT-000001", profile: third, status: .registered, created: stamp, updated: stamp, version: 1),
        ]
    }

    @Test func csvHasAByteOrderMarkCommasCRLFAndTheImportersColumnNames() throws {
        let data = try CSVExport.csv(Self.cases(), reference: F.reference, today: F.today)
        #expect(Array(data.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: data.dropFirst(3), as: UTF8.self)
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines[0] == "number,family_name,given_names,sex,date_of_birth,age,phone,document_type,document_number,household_size,category,displaced_to,return_date,region,cercle,commune,village,vulnerabilities,assigned_to,status,closure_reason,closed_at,created_at,created_by,updated_at,updated_by")
        #expect(lines[1] == "GAO-000001,Maïga,\"Aïssata, dite \"\"Tata\"\"\",F,1980-05-01,,+223 76 12 34 56,national_id,NINA 123,6,idp_returnee,Niger,2016-02-15,Gao,Ansongo,,\"Gadeye\nprès du marché\",female_head_of_household|single_parent,a.maiga,registered,,,2015-12-13T09:46:40Z,awa,2015-12-13T09:46:40Z,awa")
        #expect(lines[2] == "TBK-000001,Ag Mohamed,Ahmed,M,,40,,,,1,refugee_returnee,,,Tombouctou,Goundam,,,,,active,,,2015-12-13T09:46:40Z,awa,2016-04-07T03:33:20Z,moussa")
        // Cells a spreadsheet would run as formulas are defused.
        #expect(lines[3].hasPrefix("MPT-000001,\"'=HYPERLINK(\"\"x\"\")\",'-Oumar,M,"))
        #expect(lines[4] == "")
        #expect(lines.count == 5)
    }

    @Test func anExportImportsAgainAsTheSameProfiles() throws {
        var cases = Self.cases()
        // A place is one line now (a line break is refused at input, `PlainText`).
        cases[0].profile.village = "Gadeye, près du marché"
        let data = try CSVExport.csv(cases, reference: F.reference, today: F.today)
        let plan = try CSVImport.plan(data: data, reference: F.reference, book: CaseBook(), today: F.today)
        #expect(plan.problems.isEmpty, "\(plan.problems)")
        #expect(plan.warnings == [Message("import.warning.managedColumns",
                                          ["columns": "number, status, closure_reason, closed_at, created_at, created_by, updated_at, updated_by"])])
        #expect(plan.accepted.compactMap(\.profile) == cases.map(\.profile))
    }

    @Test func jsonIsAnArrayOfTheCasesAsStored() throws {
        let cases = Self.cases()
        let data = try CSVExport.json(cases)
        let decoded = try LineDecoder().decode([Case].self, from: data)
        #expect(decoded == cases)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.hasPrefix("[\n{\"assessments\":[],\"created\":{\"at\":\"2015-12-13T09:46:40Z\",\"by\":\"awa\"},\"id\":"))
        #expect(text.split(separator: "\n").count == 5)
        #expect(String(decoding: try CSVExport.json([]), as: UTF8.self) == "[]\n")
    }

    @Test func outputFileIsPrivateAndReplacedWhole() throws {
        try F.withDirectory { root throws in
            let target = root.appendingPathComponent("export.csv")
            try Data("old, readable by all".utf8).write(to: target)
            chmod(target.path, 0o644)
            try PrivateFile.write(Data("new".utf8), to: target)
            #expect(try Data(contentsOf: target) == Data("new".utf8))
            #expect(F.mode(target.path) == 0o600)
            #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["export.csv"])
        }
    }

    @Test func outputIntoAMissingFolderIsRefused() throws {
        try F.withDirectory { root throws in
            let target = root.appendingPathComponent("missing/export.csv")
            #expect(throws: PrivateFile.Failure.noDirectory(root.appendingPathComponent("missing").path)) {
                try PrivateFile.write(Data("x".utf8), to: target)
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).isEmpty)
        }
    }
}
