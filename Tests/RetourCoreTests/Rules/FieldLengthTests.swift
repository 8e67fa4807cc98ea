import Foundation
import Testing
@testable import RetourCore

@Suite("Registration rules: field lengths")
struct FieldLengthTests {
    typealias F = CSVFixtures

    static func draft(_ changes: [ProfileField: String]) -> ProfileDraft {
        var draft = ProfileDraft([.familyName: "Maïga", .givenNames: "Aïssata", .sex: "F", .category: "idp_returnee",
                                  .region: "Gao"])
        for (field, value) in changes { draft[field] = value }
        return draft
    }

    func issues(_ changes: [ProfileField: String]) -> [FieldIssue] {
        switch Self.draft(changes).parse(reference: F.reference, today: F.today) {
        case .success: return []
        case .failure(let invalid): return invalid.issues
        }
    }

    @Test func everyFieldHasAMaximumLength() {
        for field in ProfileField.allCases {
            #expect((ProfileDraft.maximumLength[field] ?? 0) > 0, "\(field)")
        }
        #expect(ProfileDraft.maximumLength[.familyName] == 100)
        #expect(ProfileDraft.maximumLength[.givenNames] == 100)
    }

    @Test(arguments: [ProfileField.familyName, .givenNames, .village, .commune, .displacedTo, .assignedTo, .region,
                      .phone, .documentNumber, .vulnerabilities])
    func aValueOverTheMaximumIsItsFieldsOnlyIssue(field: ProfileField) {
        let maximum = ProfileDraft.maximumLength[field]!
        var changes: [ProfileField: String] = [field: String(repeating: "é", count: maximum + 1)]
        if field == .documentNumber { changes[.documentType] = "passport" }
        #expect(issues(changes) == [FieldIssue(field, "invalid.tooLong", ["maximum": String(maximum)])])
        #expect(F.french.text(Message("invalid.tooLong", ["maximum": "100"])) == "Au plus 100 caractères.")
    }

    @Test func namesOfTheMaximumLengthAreAccepted() {
        let name = String(repeating: "é", count: 100)
        #expect(issues([.familyName: name, .givenNames: name, .village: name]).isEmpty)
    }
}
