import Foundation
import Testing
@testable import RetourCore
import RetourDemo

@Suite("Demo people")
struct DemoPeopleTests {
    typealias F = CSVFixtures

    @Test func generatedPeopleAreValidAndTheSameForTheSameSeed() throws {
        let people = try DemoPeople(assets: F.assets)
        let first = try people.csv(count: 300, seed: 7, reference: F.reference, today: F.today)
        #expect(try people.csv(count: 300, seed: 7, reference: F.reference, today: F.today) == first)
        #expect(try people.csv(count: 300, seed: 8, reference: F.reference, today: F.today) != first)
        let plan = try CSVImport.plan(data: first, reference: F.reference, book: CaseBook(), today: F.today,
                                      options: .init(allowDuplicates: true))
        #expect(plan.problems.isEmpty, "\(plan.problems.prefix(3))")
        #expect(plan.accepted.count == 300)
        #expect(Set(plan.accepted.compactMap { $0.profile?.region }).count == 4)
    }
}

@Suite("Command-line texts")
struct CommandLineTextTests {
    @Test func frenchAndEnglishDefineTheSameKeys() throws {
        func keys(_ language: String) throws -> Set<String> {
            let data = try Data(contentsOf: CSVFixtures.assets.url("locales/\(language)/cli.json"))
            return Set(try LineDecoder().decode([String: String].self, from: data).keys)
        }
        let french = try keys("fr")
        #expect(french.count > 50)
        #expect(french == (try keys("en")))
        // Merged with the other files of the folder without a key defined twice.
        #expect(CSVFixtures.french.keys.isSuperset(of: french))
        #expect(CSVFixtures.english.keys.isSuperset(of: french))
    }

    @Test func labelsAsThePickersShowThemAreRead() throws {
        let plan = try CSVImport.plan(data: CSVFixtures.file([
            "nom;prénoms;sexe;catégorie;région;vulnérabilités;type_pièce;numéro_pièce",
            "Maïga;Aïssata;F;PDI retourné;Gao;Handicap | Personne âgée;Carte de réfugié;HCR-1",
            "Touré;Awa;F;PDI retourné;Gao;Disability, older_person;Refugee card;HCR-2",
            "Cissé;Oumou;F;PDI retourné;Gao;Handicap|marchande;;",
        ]), reference: CSVFixtures.reference, book: CaseBook(), today: CSVFixtures.today, trackLabels: [CSVFixtures.french, CSVFixtures.english])
        #expect(plan.rows[0].profile?.vulnerabilities == ["disability", "older_person"])
        #expect(plan.rows[0].profile?.document == IdentityDocument(type: "refugee_card", number: "HCR-1"))
        #expect(plan.rows[1].profile?.vulnerabilities == ["disability", "older_person"])
        #expect(plan.rows[1].profile?.document?.type == "refugee_card")
        // A word that is neither a label nor a code is refused.
        #expect(plan.rows[2].profile == nil)
        #expect(plan.rows[2].problems.map(\.reason.key) == ["invalid.vulnerability"])
    }
}
