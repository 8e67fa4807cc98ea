#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import RetourCore

@Suite("Export of the follow-up: JSON and a folder of CSV files")
struct FollowUpExportTests {
    typealias F = CSVFixtures

    static func cases() throws -> [Case] {
        try FollowUpBook.followed().book.book.allCases()
    }

    /// The lines of a table as written: without the byte-order mark, split at CRLF.
    private func lines(_ data: Data) -> [String] {
        #expect(Array(data.prefix(3)) == [0xEF, 0xBB, 0xBF])
        var lines = String(decoding: data.dropFirst(3), as: UTF8.self).components(separatedBy: "\r\n")
        #expect(lines.last == "")
        lines.removeLast()
        return lines
    }

    @Test func jsonHoldsEachCaseWholeWithItsFollowUp() throws {
        let cases = try Self.cases()
        let data = try CSVExport.json(cases)
        #expect(try LineDecoder().decode([Case].self, from: data) == cases)
        let objects = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        let followed = objects[0]
        for key in ["plans", "assessments", "referrals", "notes", "timeline"] {
            #expect((followed[key] as? [Any])?.isEmpty == false, "\(key)")
        }
        let plan = try #require((followed["plans"] as? [[String: Any]])?.first)
        #expect(plan["track"] as? String == "youth_entrepreneurship")
        #expect((plan["steps"] as? [[String: Any]])?.first?["status"] as? String == "done")
        #expect((followed["assessments"] as? [[String: Any]])?.count == 2)
        #expect((followed["referrals"] as? [[String: Any]])?.count == 2)
        #expect((followed["notes"] as? [[String: Any]])?.count == 2)
        // A case closed then shows why.
        var closed = cases[0]
        closed.status = .closed
        closed.closure = Closure(reason: "moved_away", note: "Bamako", confirmedOpenItems: true)
        let one = try #require(try JSONSerialization.jsonObject(with: CSVExport.json(closed)) as? [String: Any])
        #expect((one["closure"] as? [String: Any])?["reason"] as? String == "moved_away")
    }

    @Test func stepsHaveOneRowPerStepOfEachPlan() throws {
        let records = CSVExport.records(.steps, try Self.cases(), reference: F.reference, today: F.today)
        #expect(records[0] == ["number", "track", "enrolled_on", "step", "status", "planned_on", "done_on", "overdue", "by",
                               "blocked_reason", "given", "note", "exception"])
        #expect(records.count == 1 + 7)
        #expect(records[1] == ["GAO-000001", "youth_entrepreneurship", "2016-01-25", "profiling", "done", "2016-02-01",
                               "2016-02-03", "no", "awa", "", "", "", ""])
        #expect(records[2] == ["GAO-000001", "youth_entrepreneurship", "2016-01-25", "training", "blocked", "2016-02-24", "",
                               "yes", "moussa", "Route coupée", "", "", ""])
        #expect(records.dropFirst().map { $0[7] } == ["no", "yes", "yes", "yes", "yes", "no", "no"])
        #expect(records[7][4] == "not_applicable")
    }

    @Test func assessmentsHaveOneRowPerCriterionRatedInTheCriteriaOrder() throws {
        let cases = try Self.cases()
        let records = CSVExport.records(.assessments, cases, reference: F.reference, today: F.today)
        #expect(records[0] == ["number", "assessment_id", "date", "assessor", "criterion", "access", "note"])
        #expect(records.count == 1 + 5 + 3)
        let first = cases[0].assessments[0].id.uuidString
        #expect(records[1] == ["GAO-000001", first, "2016-02-10", "awa", "safety", "none", ""])
        #expect(records.dropFirst().prefix(5).map { $0[4] } == ["safety", "livelihoods", "documentation",
                                                                "family_reunification", "justice"])
        #expect(records[7] == ["GAO-000001", cases[0].assessments[1].id.uuidString, "2016-03-01", "awa", "documentation",
                               "none", "Pièces perdues"])
    }

    @Test func referralsAndNotesHaveOneRowEach() throws {
        let cases = try Self.cases()
        let referrals = CSVExport.records(.referrals, cases, reference: F.reference, today: F.today)
        #expect(referrals[0] == ["number", "referral_id", "date", "service", "provider", "criterion", "status", "outcome"])
        #expect(referrals.dropFirst().map { Array($0[2...]) } == [
            ["2016-03-02", "civil_registry", "Centre d'état civil", "documentation", "referred", ""],
            ["2016-03-05", "health", "CSCOM", "", "completed", "Soins reçus."],
        ])
        let notes = CSVExport.records(.notes, cases, reference: F.reference, today: F.today)
        #expect(notes[0] == ["number", "note_id", "at", "by", "text", "corrects"])
        #expect(notes.count == 3)
        #expect(notes[1][0] == "GAO-000001")
        #expect(notes[1][1] == cases[0].notes[0].id.uuidString)
        #expect(notes[1][2] == ISO8601DateFormatter().string(from: cases[0].notes[0].at))
        #expect(Array(notes[1][3...]) == ["awa", "Visite à domicile.", ""])
        #expect(notes[2][5] == cases[0].notes[0].id.uuidString)
    }

    @Test func aFolderGetsFivePrivateFilesLinkedByCaseNumber() throws {
        try F.withDirectory { root throws in
            let folder = root.appendingPathComponent("export")
            let cases = try Self.cases()
            try PrivateFile.write(try CSVExport.tables(cases, reference: F.reference, today: F.today), into: folder)
            #expect(F.mode(folder.path) == 0o700)
            let names = ["assessments.csv", "cases.csv", "members.csv", "notes.csv", "referrals.csv", "steps.csv", "withdrawals.csv"]
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == names)
            var rows: [String: [String]] = [:]
            for name in names {
                let url = folder.appendingPathComponent(name)
                #expect(F.mode(url.path) == 0o600, "\(name)")
                rows[name] = lines(try Data(contentsOf: url))
            }
            #expect(rows["cases.csv"]?.first == CSVExport.header.joined(separator: ","))
            #expect(rows["cases.csv"]?.count == 3)
            #expect(rows["steps.csv"]?.first == "number,track,enrolled_on,step,status,planned_on,done_on,overdue,by,blocked_reason,given,note,exception")
            #expect(rows["steps.csv"]?.count == 8)
            #expect(rows["steps.csv"]?[1] == "GAO-000001,youth_entrepreneurship,2016-01-25,profiling,done,2016-02-01,2016-02-03,no,awa,,,,")
            #expect(rows["withdrawals.csv"] == ["number,track,enrolled_on,exception,withdrawn_at,withdrawn_by,reason"])
            #expect(rows["assessments.csv"]?.first == "number,assessment_id,date,assessor,criterion,access,note")
            #expect(rows["assessments.csv"]?.count == 9)
            #expect(rows["referrals.csv"]?.first == "number,referral_id,date,service,provider,criterion,status,outcome")
            #expect(rows["referrals.csv"]?[1].hasSuffix(",2016-03-02,civil_registry,Centre d'état civil,documentation,referred,") == true)
            #expect(rows["notes.csv"]?.first == "number,note_id,at,by,text,corrects")
            // A note a spreadsheet would run as a formula is defused.
            #expect(rows["notes.csv"]?[2].contains(",awa,'=Correction : la veille.,") == true)
            // Every row of every table names a case of cases.csv.
            let numbers = Set(cases.map(\.number))
            for name in names {
                #expect(rows[name]!.dropFirst().allSatisfy { numbers.contains(String($0.prefix(10))) }, "\(name)")
            }
        }
    }

    @Test func aSecondExportReplacesTheFilesWholeAndLeavesNothingElse() throws {
        try F.withDirectory { root throws in
            let folder = root.appendingPathComponent("export")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
            chmod(folder.path, 0o755)
            let old = folder.appendingPathComponent("steps.csv")
            try Data("old, readable by all".utf8).write(to: old)
            chmod(old.path, 0o644)
            try Data("kept".utf8).write(to: folder.appendingPathComponent("readme.txt"))
            try PrivateFile.write(try CSVExport.tables(try Self.cases(), reference: F.reference, today: F.today), into: folder)
            // An existing folder keeps its mode: it is the user's.
            #expect(F.mode(folder.path) == 0o755)
            #expect(F.mode(old.path) == 0o600)
            #expect(lines(try Data(contentsOf: old)).count == 8)
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == [
                "assessments.csv", "cases.csv", "members.csv", "notes.csv", "readme.txt", "referrals.csv", "steps.csv",
                "withdrawals.csv",
            ])
        }
    }

    @Test func aFileWhereTheFolderShouldBeIsRefused() throws {
        try F.withDirectory { root throws in
            let file = root.appendingPathComponent("cases.csv")
            try Data("x".utf8).write(to: file)
            #expect(throws: PrivateFile.FolderFailure.notAFolder(file.path)) {
                try PrivateFile.write([("cases.csv", Data("y".utf8))], into: file)
            }
            #expect(try Data(contentsOf: file) == Data("x".utf8))
        }
    }

    @Test func aFolderInAMissingFolderIsRefused() throws {
        try F.withDirectory { root throws in
            let folder = root.appendingPathComponent("missing/export")
            #expect(throws: PrivateFile.Failure.noDirectory(root.appendingPathComponent("missing").path)) {
                try PrivateFile.write([("cases.csv", Data("y".utf8))], into: folder)
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).isEmpty)
        }
    }

    @Test func noCasesGiveSixFilesWithTheirHeadersOnly() throws {
        let tables = try CSVExport.tables([], reference: F.reference, today: F.today)
        #expect(tables.map(\.name) == ["cases.csv", "steps.csv", "assessments.csv", "referrals.csv", "notes.csv", "members.csv",
                                       "withdrawals.csv"])
        for (table, file) in zip(CSVExport.Table.allCases, tables) {
            #expect(lines(file.data) == [table.header.joined(separator: ",")])
        }
    }

    @Test func theCasesFileIsTheSingleFileExportAndStillImports() throws {
        let cases = try Self.cases()
        let tables = try CSVExport.tables(cases, reference: F.reference, today: F.today)
        #expect(tables[0].data == (try CSVExport.data(cases, format: .csv, reference: F.reference, today: F.today)))
        let plan = try CSVImport.plan(data: tables[0].data, reference: F.reference, book: CaseBook(), today: F.today)
        #expect(plan.accepted.compactMap(\.profile) == cases.map(\.profile))
    }

    @Test func theFolderMessagesReadInBothLanguages() {
        #expect(F.english.text(PrivateFile.FolderFailure.looksLikeAFile("out.csv").message)
                == "With --format csv, --out names a folder for cases.csv, steps.csv, assessments.csv, referrals.csv and notes.csv; out.csv looks like a file name. Nothing was written.")
        #expect(F.french.text(PrivateFile.FolderFailure.notAFolder("x").message)
                == "x est un fichier : avec --format csv, --out désigne un dossier. Rien n'a été écrit.")
    }
}
