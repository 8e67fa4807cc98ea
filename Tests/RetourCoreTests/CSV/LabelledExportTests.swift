import Foundation
import Testing
@testable import RetourCore

/// `cases.csv`'s closure columns, and `export --labels`: headers and values as the screens
/// show them, in French and in English.
@Suite("Export: closure columns and labels")
struct LabelledExportTests {
    typealias F = CSVFixtures

    /// The followed case closed (after a request), and the registered one left as it is.
    static func closedAndOpen() throws -> (cases: [Case], closedAt: Date) {
        var (book, followed, _) = try FollowUpBook.followed()
        try book.apply(.requestClosure(id: followed, reason: "Installée à Bamako"))
        try book.apply(.close(id: followed, closure: Closure(reason: "moved_away", note: "", confirmedOpenItems: true)))
        return (try book.book.allCases(), book.clock)
    }

    @Test func casesEndWithTheClosureReasonAndTimeOfAClosedCaseOnly() throws {
        let (cases, closedAt) = try Self.closedAndOpen()
        let records = CSVExport.records(.cases, cases, reference: F.reference, today: F.today)
        #expect(Array(records[0].suffix(7)) == ["status", "closure_reason", "closed_at", "created_at", "created_by",
                                                "updated_at", "updated_by"])
        let closed = records[1], open = records[2]
        #expect(closed[0] == "GAO-000001")
        #expect(Array(closed.suffix(7).prefix(3)) == ["closed", "moved_away", ISO8601DateFormatter().string(from: closedAt)])
        #expect(Array(open.suffix(7).prefix(3)) == ["registered", "", ""])
    }

    @Test func aReopenedCaseHasNoClosureColumns() throws {
        var (book, followed, _) = try FollowUpBook.followed()
        try book.apply(.requestClosure(id: followed, reason: "Décédée"))
        try book.apply(.close(id: followed, closure: Closure(reason: "deceased", note: "", confirmedOpenItems: true)))
        try book.apply(.reopen(id: followed, reason: "Erreur de saisie"))
        let records = CSVExport.records(.cases, try book.book.allCases(), reference: F.reference, today: F.today)
        #expect(Array(records[1].suffix(7).prefix(3)) == ["active", "", ""])
    }

    @Test func theDefaultStaysCodesAndReimportsWithTheNewColumnsIgnored() throws {
        let (cases, _) = try Self.closedAndOpen()
        let data = try CSVExport.csv(.cases, cases, reference: F.reference, today: F.today)
        let plan = try CSVImport.plan(data: data, reference: F.reference, book: CaseBook(), today: F.today)
        #expect(plan.problems.isEmpty, "\(plan.problems)")
        #expect(plan.accepted.compactMap(\.profile) == cases.map(\.profile))
    }

    @Test func frenchLabelsAreWhatTheScreensShow() throws {
        let (cases, closedAt) = try Self.closedAndOpen()
        let wording = ExportWording.labels(F.french)
        let records = CSVExport.records(.cases, cases, reference: F.reference, today: F.today, wording: wording)
        #expect(records[0] == [
            "Numéro du dossier", "Nom", "Prénoms", "Sexe", "Date de naissance", "Âge (sans date)", "Téléphone",
            "Pièce d'identité", "Numéro de la pièce", "Taille du ménage", "Catégorie", "Lieu de déplacement / asile",
            "Date de retour", "Région", "Cercle", "Commune", "Village / quartier", "Vulnérabilités", "Agent chargé",
            "Statut", "Motif de clôture", "Clôturé le", "Enregistré le", "Enregistré par", "Modifié le", "Modifié par",
        ])
        let row = Dictionary(uniqueKeysWithValues: zip(records[0], records[1]))
        #expect(row["Sexe"] == "Femme")
        #expect(row["Date de naissance"] == "14/03/1980")
        #expect(row["Catégorie"] == "PDI retourné(e)")
        #expect(row["Région"] == "Gao")
        #expect(row["Statut"] == "Clôturé")
        #expect(row["Motif de clôture"] == "Parti(e) ailleurs")
        #expect(row["Clôturé le"] == F.french.dateTime(closedAt))
        #expect(row["Clôturé le"]?.hasPrefix("13/12/2015") == true)
        let steps = CSVExport.records(.steps, cases, reference: F.reference, today: F.today, wording: wording)
        #expect(steps[0] == ["Numéro du dossier", "Parcours", "Inscrit le", "Étape", "Statut", "Prévue le", "Faite le",
                             "En retard", "Par", "Motif du blocage", "Remis", "Note", "Motif hors règles"])
        #expect(steps[1] == ["GAO-000001", "Entrepreneuriat des jeunes", "25/01/2016", "Profilage", "Faite", "01/02/2016",
                             "03/02/2016", "non", "awa", "", "", "", ""])
        // The case is closed: its open steps are no longer late.
        #expect(steps[2][3...7] == ["Formation", "Bloquée", "24/02/2016", "", "non"])
        let assessments = CSVExport.records(.assessments, cases, reference: F.reference, today: F.today, wording: wording)
        #expect(assessments[1][4...5] == ["Sûreté, sécurité et liberté de circulation", "Aucun accès"])
        let referrals = CSVExport.records(.referrals, cases, reference: F.reference, today: F.today, wording: wording)
        #expect(referrals[1][2...6] == ["02/03/2016", "État civil / documents", "Centre d'état civil",
                                        "Documents personnels", "Orienté"])
    }

    @Test func englishLabelsAreWhatTheScreensShow() throws {
        var (cases, closedAt) = try Self.closedAndOpen()
        cases[1].profile.vulnerabilities = ["older_person", "disability"]
        let wording = ExportWording.labels(F.english)
        let records = CSVExport.records(.cases, cases, reference: F.reference, today: F.today, wording: wording)
        #expect(records[0].prefix(4) == ["Case number", "Family name", "Given names", "Sex"])
        #expect(records[0].suffix(7) == ["Status", "Closure reason", "Closed on", "Registered on", "Registered by",
                                         "Last changed on", "Last changed by"])
        let closed = Dictionary(uniqueKeysWithValues: zip(records[0], records[1]))
        #expect(closed["Sex"] == "Female")
        #expect(closed["Date of birth"] == "1980-03-14")
        #expect(closed["Category"] == "Returned IDP")
        #expect(closed["Status"] == "Closed")
        #expect(closed["Closure reason"] == "Moved away")
        #expect(closed["Closed on"] == F.english.dateTime(closedAt))
        let open = Dictionary(uniqueKeysWithValues: zip(records[0], records[2]))
        #expect(open["Sex"] == "Male")
        #expect(open["Status"] == "Registered")
        #expect(open["Vulnerabilities"] == "Older person (60+), Disability")
        #expect(open["Closure reason"] == "" && open["Closed on"] == "")
        let steps = CSVExport.records(.steps, cases, reference: F.reference, today: F.today, wording: wording)
        #expect(steps[1][1...7] == ["Youth entrepreneurship", "2016-01-25", "Profiling", "Done", "2016-02-01", "2016-02-03", "no"])
    }

    @Test func labelsKeepTheGuardAgainstFormulasAndTheConfidentialNotesHidden() throws {
        var (cases, _) = try Self.closedAndOpen()
        cases[1].profile.familyName = "=HYPERLINK(\"x\")"
        cases[0].notes[0].text = ""
        cases[0].notes[0].confidential = true
        let data = try CSVExport.csv(.cases, cases, reference: F.reference, today: F.today, separator: ";",
                                     wording: .labels(F.french))
        let lines = String(decoding: data.dropFirst(3), as: UTF8.self).components(separatedBy: "\r\n")
        #expect(lines[2].hasPrefix("TBK-000001;\"'=HYPERLINK(\"\"x\"\")\";"))
        let notes = CSVExport.records(.notes, cases, reference: F.reference, today: F.today, wording: .labels(F.french))
        #expect(notes[1][4] == F.french.text("tabs.notes.withheld"))
        #expect(notes[1][4] != "")
    }
}
