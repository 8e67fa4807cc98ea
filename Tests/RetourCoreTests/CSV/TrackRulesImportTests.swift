import Foundation
import Testing
@testable import RetourCore

/// The `track` column enrols on the day of the import: a file has no reason column, so an
/// enrolment outside a track's rules is a row problem like any other.
@Suite("Import: the tracks' rules")
struct TrackRulesImportTests {
    typealias F = CSVFixtures

    private func plan(_ lines: [String], options: CSVImport.Options = .init()) throws -> ImportPlan {
        try CSVImport.plan(data: F.file(lines), reference: F.reference, book: CaseBook(), today: F.today, options: options,
                           trackLabels: [F.french, F.english])
    }

    static let rows = [
        "nom;prénoms;sexe;date_naissance;catégorie;région;programme",
        "Maïga;Aïssata;F;1990-02-01;PDI retourné;Gao;AGR des femmes",
        "Touré;Hamadoun;M;1990-02-01;PDI retourné;Gao;women_agr|durable_solutions",
        "Cissé;Moussa;M;1970-05-05;PDI retourné;Gao;youth_entrepreneurship",
        "Dicko;Amadou;M;2001-07-01;PDI retourné;Gao;youth_entrepreneurship",
        "Diallo;Oumar;M;;PDI retourné;Gao;youth_entrepreneurship",
    ]

    @Test func aRowOutsideATracksRulesIsARowProblem() throws {
        let plan = try plan(Self.rows)
        #expect(plan.isBlocked)
        #expect(plan.problems.map { $0.text(F.english) } == [
            "row 3, column programme: The Women's income-generating activity (AGR) track is for women only.",
            "row 4, column programme: The Youth entrepreneurship track is for people aged 15 to 35: this person is 46 on the enrolment date.",
            // Born 01/07/2001: 14 on 30/06/2016, one day short of 15.
            "row 5, column programme: The Youth entrepreneurship track is for people aged 15 to 35: this person is 14 on the enrolment date.",
        ])
        #expect(plan.problems.map { $0.text(F.french) }.first
                == "ligne 3, colonne programme : Le parcours AGR des femmes est réservé aux femmes.")
        #expect(plan.rows[3].problems.count == 1)
        #expect(plan.rows[3].problems.first?.reason.key == "eligibility.age.between")
        // An unknown age is no violation.
        #expect(plan.rows[4].isValid)
        #expect(plan.rows[0].isValid)
    }

    @Test func allOrNothingImportsNoneAndSkipInvalidTheOthers() throws {
        try F.withDirectory { root throws in
            let store = try Store(directory: root)
            store.enrolmentRules = F.reference.tracks.enrolmentRules
            let blocked = try plan(Self.rows)
            #expect(try CSVImport.apply(blocked, to: store, reference: F.reference, as: .anyone("awa")).isEmpty)
            #expect(store.book.count == 0)
            let skipping = try plan(Self.rows, options: .init(skipInvalid: true))
            let numbers = try CSVImport.apply(skipping, to: store, reference: F.reference, as: .anyone("awa"))
            #expect(numbers.count == 2)
            #expect(store.book.find(number: numbers[0])?.plans.map(\.track) == ["women_agr"])
        }
    }
}
