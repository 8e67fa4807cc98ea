import Foundation
import Testing
@testable import RetourCore

@Suite("Import: the track column")
struct TrackImportTests {
    typealias F = CSVFixtures

    static let labels = [F.french, F.english]

    private func plan(_ lines: [String], options: CSVImport.Options = .init()) throws -> ImportPlan {
        try CSVImport.plan(data: F.file(lines), reference: F.reference, book: CaseBook(), today: F.today, options: options,
                           trackLabels: Self.labels)
    }

    private func row(_ track: String, header: String = "programme") throws -> ImportRow {
        let plan = try plan(["nom;prénoms;sexe;catégorie;région;\(header)", "Maïga;Aïssata;F;PDI retourné;Gao;\(track)"])
        return try #require(plan.rows.first)
    }

    @Test func aTrackEnrolsTheCaseRightAfterItsRegistrationOnTheDayOfTheImport() throws {
        try F.withDirectory { root throws in
            let store = try Store(directory: root)
            let plan = try plan([
                "nom;prénoms;sexe;catégorie;région;track",
                "Maïga;Aïssata;F;PDI retourné;Gao;women_agr",
                "Touré;Hamadoun;M;PDI retourné;Tombouctou;",
            ])
            #expect(plan.enrolmentCount == 1)
            let numbers = try CSVImport.apply(plan, to: store, reference: F.reference, as: .anyone("awa"))
            #expect(numbers == ["GAO-000001", "TBK-000001"])
            let enrolled = try #require(store.book.find(number: "GAO-000001"))
            #expect(enrolled.status == .active)
            #expect(enrolled.plans.count == 1)
            let expected = try #require(F.reference.tracks.plan(track: "women_agr", id: enrolled.plans[0].id, enrolledOn: F.today))
            #expect(enrolled.plans[0] == expected)
            // Registration then enrolment, one after the other, by the importer.
            #expect(enrolled.timeline.map(\.kind) == ["timeline.register", "timeline.enrol"])
            #expect(enrolled.timeline.map(\.seq) == [1, 2])
            #expect(enrolled.timeline.map(\.by) == ["awa", "awa"])
            let other = try #require(store.book.find(number: "TBK-000001"))
            #expect(other.status == .registered)
            #expect(other.plans.isEmpty)
            #expect(other.timeline.map(\.seq) == [3])
            #expect(store.journalLines == 3)
        }
    }

    @Test(arguments: [
        "women_agr|durable_solutions", "women_agr durable_solutions", " women_agr | durable_solutions ",
        "women_agr, durable_solutions", "WOMEN_AGR|Durable_Solutions",
    ])
    func severalTracksInOneCell(cell: String) throws {
        let row = try row(cell)
        #expect(row.problems.isEmpty, "\(row.problems)")
        #expect(row.tracks == ["women_agr", "durable_solutions"])
    }

    @Test(arguments: [
        ("AGR des femmes", ["women_agr"]),
        ("Entrepreneuriat des jeunes", ["youth_entrepreneurship"]),
        ("solutions DURABLES", ["durable_solutions"]),
        ("Solutions durables | AGR des femmes", ["durable_solutions", "women_agr"]),
        ("Solutions durables AGR des femmes", ["durable_solutions", "women_agr"]),
        ("Durable solutions", ["durable_solutions"]),
        ("Women's income-generating activity (AGR)", ["women_agr"]),
        ("Youth entrepreneurship|entrepreneuriat des jeunes", nil),
    ] as [(String, [String]?)])
    func trackLabelsInFrenchOrEnglish(cell: String, tracks: [String]?) throws {
        let row = try row(cell)
        if let tracks {
            #expect(row.problems.isEmpty, "\(row.problems)")
            #expect(row.tracks == tracks)
        } else {
            // Both name the same track.
            #expect(row.problems.map(\.reason) == [Message("import.problem.trackTwice", ["track": "youth_entrepreneurship"])])
        }
    }

    @Test(arguments: ["track", "Track", "programme", "Programmes", "parcours", "PROGRAM"])
    func theColumnIsFoundByItsUsualNames(header: String) throws {
        let row = try row("durable_solutions", header: header)
        #expect(row.tracks == ["durable_solutions"])
    }

    @Test func withoutLabelsOnlyCodesAreRead() throws {
        let lines = ["nom;prénoms;sexe;catégorie;région;track", "Maïga;Aïssata;F;PDI retourné;Gao;Solutions durables"]
        let plan = try CSVImport.plan(data: F.file(lines), reference: F.reference, book: CaseBook(), today: F.today)
        #expect(plan.rows[0].problems.map(\.reason.key) == ["import.problem.notATrack"])
    }

    @Test func anUnknownTrackIsARowProblemThatStopsTheImport() throws {
        let plan = try plan([
            "nom;prénoms;sexe;catégorie;région;track",
            "Maïga;Aïssata;F;PDI retourné;Gao;durable_solution",
            "Touré;Hamadoun;M;PDI retourné;Tombouctou;youth_entrepreneurship",
        ])
        #expect(plan.isBlocked)
        #expect(plan.toImport.isEmpty)
        #expect(plan.enrolmentCount == 0)
        let problem = try #require(plan.problems.first)
        #expect(plan.problems.count == 1)
        #expect(problem.row == 2)
        #expect(problem.column == "track")
        #expect(problem.text(F.english) == "row 2, column track: unknown track durable_solution; the tracks are youth_entrepreneurship, women_agr, durable_solutions (or their names).")
        #expect(problem.text(F.french) == "ligne 2, colonne track : parcours inconnu durable_solution ; les parcours sont youth_entrepreneurship, women_agr, durable_solutions (ou leurs noms).")
    }

    @Test func aTrackProblemIsListedWithTheRowsOtherProblems() throws {
        let plan = try plan(["nom;prénoms;sexe;catégorie;région;programme", "Maïga;;X;PDI retourné;Gao;kit"])
        #expect(plan.problems.map(\.column) == ["prénoms", "sexe", "programme"])
    }

    @Test(arguments: ["Fatoumata Maïga", "Jean", "appeler le 76 00 00 00"])
    func freeTextInTheCellIsNotRepeated(cell: String) throws {
        let row = try row(cell)
        let text = try #require(row.problems.first).text(F.english)
        #expect(text == "row 2, column programme: not a track; write youth_entrepreneurship, women_agr, durable_solutions (or their names), separated by | or spaces.")
    }

    @Test func aTrackGivenTwiceIsARowProblem() throws {
        let row = try row("women_agr|AGR des femmes")
        #expect(row.problems.map { $0.text(F.english) } == ["row 2, column programme: track women_agr is given twice."])
        #expect(!row.isValid)
    }

    @Test func twoTrackColumnsAreRefused() {
        #expect(throws: CSVColumns.Failure.trackTwice(first: "track", second: "programme")) {
            try CSVColumns(header: ["nom", "prenoms", "sexe", "categorie", "region", "track", "programme"])
        }
        let message = CSVColumns.Failure.trackTwice(first: "track", second: "programme").message
        #expect(F.english.text(message) == "Columns track and programme both give the track (programme). Keep one; nothing was imported.")
    }

    @Test func skippedRowsKeepTheirTrackCellAndReason() throws {
        let plan = try plan(["nom;prénoms;sexe;catégorie;région;track", "Maïga;Aïssata;F;PDI retourné;Gao;agr_femmes"],
                            options: .init(skipInvalid: true))
        let text = String(decoding: try CSVImport.rejectedCSV(plan, catalog: F.french).dropFirst(3), as: UTF8.self)
        #expect(text.hasPrefix("nom;prénoms;sexe;catégorie;région;track;reason\r\nMaïga;Aïssata;F;PDI retourné;Gao;agr_femmes;\"track : parcours inconnu agr_femmes ;"))
    }

    @Test func theImportCommandsPathReadsLabelsInBothLanguages() throws {
        try F.withDirectory { root throws in
            let input = root.appendingPathComponent("people.csv")
            try F.file(["family_name,given_names,sex,category,region,track", "Maïga,Aïssata,F,idp_returnee,Gao,AGR des femmes"])
                .write(to: input)
            let store = try Store(directory: root.appendingPathComponent("data"))
            let result = try CSVImport.run(file: input, store: store, reference: F.reference, catalog: F.english,
                                           clearance: .anyone("awa"), today: F.today, options: .init(), trackLabels: Self.labels)
            #expect(result.imported == ["GAO-000001"])
            #expect(store.book.find(number: "GAO-000001")?.plans.map(\.track) == ["women_agr"])
        }
    }
}
