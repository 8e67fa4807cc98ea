import Foundation
import Testing
import RetourCore

/// What a newcomer runs first, with the real binary: the sample file imported, the codes
/// listed without a data directory, an export read in a spreadsheet.
@Suite("Newcomer: sample file, codes, export with labels")
struct NewcomerCommandsTests {
    static let sample = try! Assets.locate().url("examples/personnes.csv").path

    @Test func theSampleFileImportsWholeIntoAFreshDataDirectory() throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let imported = try harness.run(["import", Self.sample])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.hasPrefix("21 cases imported (GAO-000001 … GAO-000007, TBK-000001 … TBK-000007, MPT-000001 … MPT-000007)."))
        let listed = try harness.run(["list"])
        #expect(listed.stdout.split(separator: "\n").count == 1 + 21)
        #expect(try harness.run(["check"]).status == 0)
    }

    @Test func codesNeedNoDataDirectoryAndSpeakTheUsersLanguage() throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let english = try harness.run(["codes"])
        #expect(english.status == 0, "\(english.stderr)")
        #expect(english.stderr == "")
        #expect(english.stdout.contains("\n  ML0704  Ménaka\n"))
        #expect(english.stdout.contains("\n  women_agr               Women's income-generating activity (AGR)\n"))
        let french = try harness.run(["codes"], environment: ["LANG": "fr_FR.UTF-8"])
        #expect(french.stdout.contains("\n  idp_returnee      PDI retourné(e)\n"))
        #expect(french.stdout.contains("\nCritères IASC des solutions durables (list --gap)\n"))
        let csv = try harness.run(["codes", "--format", "csv", "--lang", "fr"])
        #expect(csv.stdout.contains("\r\ncercle;ML0503;Djenné;ML05\r\n"))
        let json = try harness.run(["codes", "--format", "json"])
        let objects = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: String]]
        #expect(objects?.contains(["kind": "track", "code": "durable_solutions", "label": "Durable solutions"]) == true)
        // Nothing was made where the data directory would be.
        #expect(!FileManager.default.fileExists(atPath: harness.data.path))
    }

    @Test func exportWithLabelsReadsAsTheScreensInFrenchAndEnglish() throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        #expect(try harness.run(["import", Self.sample]).status == 0)
        let french = try harness.run(["export", "--labels"], environment: ["LANG": "fr_FR.UTF-8"])
        #expect(french.status == 0, "\(french.stderr)")
        let frenchLines = french.stdout.dropFirst().components(separatedBy: "\r\n")
        #expect(frenchLines[0].hasPrefix("Numéro du dossier;Nom;Prénoms;Sexe;Date de naissance;"))
        #expect(frenchLines[0].hasSuffix(";Statut;Motif de clôture;Clôturé le;Enregistré le;Enregistré par;Modifié le;Modifié par"))
        #expect(frenchLines[1].hasPrefix("GAO-000001;Maïga;Aïssata;Femme;12/03/1984;;76 41 22 18;;;6;PDI retourné(e);Bamako;15/02/2016;Gao;Gao;"))
        #expect(frenchLines[1].contains(";Femme cheffe de ménage;a.maiga;Actif;;;"))
        let english = try harness.run(["export", "--labels", "--lang", "en"])
        let englishLines = english.stdout.dropFirst().components(separatedBy: "\r\n")
        #expect(englishLines[0].hasPrefix("Case number,Family name,Given names,Sex,Date of birth,"))
        #expect(englishLines[1].hasPrefix("GAO-000001,Maïga,Aïssata,Female,1984-03-12,,76 41 22 18,,,6,Returned IDP,"))
        // Without --labels: codes, as before, and the new columns.
        let codes = try harness.run(["export", "--lang", "en"])
        let codeLines = codes.stdout.dropFirst().components(separatedBy: "\r\n")
        #expect(codeLines[0].hasSuffix(",status,closure_reason,closed_at,created_at,created_by,updated_at,updated_by"))
        #expect(codeLines[1].hasPrefix("GAO-000001,Maïga,Aïssata,F,1984-03-12,,76 41 22 18,,,6,idp_returnee,"))
    }

    @Test func labelsAreRefusedForJSON() throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        #expect(try harness.run(["import", Self.sample]).status == 0)
        let refused = try harness.run(["export", "--labels", "--format", "json"])
        #expect(refused.status == 1)
        #expect(refused.stdout == "")
        #expect(refused.stderr.hasSuffix("retour: --labels writes CSV only; JSON holds the cases as stored. Nothing was written.\n"))
    }

    /// Without its Assets (translations, places, codes) nothing can be said in the user's
    /// language: one plain line in both, naming what to set, never a catalogue key.
    @Test func missingAssetsAreOnePlainLineNamingWhatToSet() throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        for assets in ["/nonexistent-assets", harness.root.path] {
            let result = try harness.run(["list"], environment: ["RETOUR_ASSETS": assets])
            #expect(result.status != 0)
            #expect(result.stdout == "")
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(result.stderr)")
            #expect(result.stderr.contains("RETOUR_ASSETS") && result.stderr.contains(assets), "\(result.stderr)")
            #expect(!result.stderr.contains("error.asset") && !result.stderr.contains("(key:"), "\(result.stderr)")
        }
    }
}
