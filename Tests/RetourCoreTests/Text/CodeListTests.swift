import Foundation
import Testing
@testable import RetourCore

@Suite("Code list: what `retour codes` prints")
struct CodeListTests {
    typealias F = CSVFixtures

    @Test func everyKindOfCodeIsListedWithItsLabelFromTheReferenceData() {
        let list = CodeList(reference: F.reference, catalog: F.french)
        func codes(_ kind: String) -> [String] { list.entries.filter { $0.kind == kind }.map(\.code) }
        #expect(Set(list.entries.map(\.kind)) == Set(CodeList.kinds))
        #expect(codes("region") == F.reference.regions.map(\.pcode))
        #expect(codes("cercle").count == F.reference.regions.map(\.cercles.count).reduce(0, +))
        #expect(codes("sex") == ["F", "M"])
        #expect(codes("category") == ["idp_returnee", "refugee_returnee", "host_community"])
        #expect(codes("status") == ["registered", "active", "closure_requested", "closed"])
        #expect(codes("vulnerability") == F.reference.vulnerabilities.map(\.code))
        #expect(codes("document") == F.reference.idDocumentTypes)
        #expect(codes("relationship") == ["head", "spouse", "child", "parent", "sibling", "other_relative", "other"])
        #expect(list.entries.contains(.init(kind: "relationship", code: "sibling", label: "frère ou sœur", parent: nil)))
        #expect(codes("track") == ["youth_entrepreneurship", "women_agr", "durable_solutions"])
        #expect(codes("criterion") == F.reference.tracks.criteria)
        #expect(codes("service") == F.reference.tracks.services)
        #expect(codes("closureReason") == F.reference.tracks.closureReasons)
        #expect(codes("stepStatus") == StepStatus.allCases.map(\.rawValue))
        #expect(codes("access") == Access.allCases.map(\.rawValue))
        #expect(codes("referralStatus") == ReferralStatus.allCases.map(\.rawValue))
        #expect(list.entries.contains(.init(kind: "cercle", code: "ML0704", label: "Ménaka", parent: "ML07")))
        #expect(list.entries.contains(.init(kind: "step", code: "kit_or_grant", label: "Kit ou subvention remis",
                                            parent: "women_agr")))
        #expect(list.entries.contains(.init(kind: "criterion", code: "justice", label: "Recours et accès à la justice",
                                            parent: nil)))
        // Every label is a translation: a missing one would show the code itself.
        for entry in list.entries where !["region", "cercle"].contains(entry.kind) {
            #expect(entry.label != entry.code, "\(entry.kind) \(entry.code)")
        }
    }

    @Test(arguments: [(Language.fr, "Cercles de Gao", "  F  Femme", "Étapes du parcours AGR des femmes (women_agr)"),
                      (Language.en, "Cercles of Gao", "  F  Female", "Steps of the track Women's income-generating activity (AGR) (women_agr)")])
    func theTextIsInTheUsersLanguage(language: Language, cercles: String, female: String, steps: String) throws {
        let catalog = language == .fr ? F.french : F.english
        let lines = CodeList(reference: F.reference, catalog: catalog).text().components(separatedBy: "\n")
        #expect(lines[0] == catalog.text("codes.intro"))
        #expect(lines.contains { $0.hasPrefix(cercles + " (") })
        #expect(lines.contains(female))
        #expect(lines.contains(steps))
        // Codes are aligned within a section.
        let regions = try #require(lines.firstIndex(of: catalog.text("codes.kind.region")))
        #expect(lines[(regions + 1)...(regions + 4)] == ["  ML06  Tombouctou", "  ML07  Gao", "  ML05  Mopti", "  ML08  Kidal"])
        #expect(lines.contains("  idp_returnee      " + catalog.label("category", "idp_returnee")))
    }

    @Test func aLabelIsShownNeverSentToTheTerminal() {
        let hostile = Catalog(language: .en, texts: ["sex.F": "Female\u{1B}]52;c;aGk=\u{07}", "codes.intro": "Codes"])
        let text = CodeList(reference: F.reference, catalog: hostile).text()
        #expect(!text.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" })
        #expect(text.contains("  F  Female\\u001b]52;c;aGk=\\u0007"))
    }

    @Test func csvAndJsonHoldOneRowPerCode() throws {
        let list = CodeList(reference: F.reference, catalog: F.english)
        let csv = list.csv(separator: ";")
        #expect(Array(csv.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let lines = String(decoding: csv.dropFirst(3), as: UTF8.self).components(separatedBy: "\r\n")
        #expect(lines[0] == "kind;code;label;parent")
        #expect(lines[1] == "region;ML06;Tombouctou;")
        #expect(lines.contains("cercle;ML0601;Diré;ML06"))
        #expect(lines.contains("step;profiling;Profiling;youth_entrepreneurship"))
        #expect(lines.count == list.entries.count + 2)
        let objects = try #require(try JSONSerialization.jsonObject(with: list.json()) as? [[String: String]])
        #expect(objects.count == list.entries.count)
        #expect(objects[0] == ["kind": "region", "code": "ML06", "label": "Tombouctou"])
        #expect(objects.contains(["kind": "cercle", "code": "ML0501", "label": "Bandiagara", "parent": "ML05"]))
    }
}
