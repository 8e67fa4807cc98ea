#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import RetourCore

@Suite("Data directory check")
struct DataCheckTests {
    typealias F = CSVFixtures

    /// A data directory with two good cases, closed (snapshot written, journal empty).
    func healthy(_ root: URL) throws -> URL {
        let data = root.appendingPathComponent("data")
        let store = try Store(directory: data)
        try F.register(store, F.profile("Maïga", "Aïssata", cercle: "ML0701"))
        try F.register(store, F.profile("Touré", "Hamadoun", region: "ML06", cercle: "ML0602"), prefix: "TBK")
        try store.close()
        return data
    }

    func keys(_ check: DataCheck) -> [String] {
        check.findings.map(\.message.key)
    }

    @Test func aHealthyDirectoryIsOK() throws {
        try F.withDirectory { root throws in
            let check = DataCheck.run(directory: try healthy(root), reference: F.reference)
            #expect(check.findings.isEmpty, "\(check.findings)")
            #expect(check.isOK)
            #expect(check.caseCount == 2)
        }
    }

    @Test func aFileReadableByOthersIsAProblem() throws {
        try F.withDirectory { root throws in
            let data = try healthy(root)
            chmod(data.appendingPathComponent(Store.Files.snapshot).path, 0o644)
            let check = DataCheck.run(directory: data, reference: F.reference)
            #expect(check.findings == [DataCheck.Finding(.problem, Message("check.mode", [
                "file": Store.Files.snapshot, "mode": "0644", "expected": "0600",
            ]))])
            #expect(!check.isOK)
            #expect(F.english.text(check.findings[0].message) == "snapshot.jsonl has permissions 0644; it must be 0600 (readable by its owner only).")
        }
    }

    @Test func anOpenDirectoryAndABackupReadableByOthersAreProblems() throws {
        try F.withDirectory { root throws in
            let data = try healthy(root)
            // A second session that writes makes a backup of the first snapshot.
            let store = try Store(directory: data)
            try F.register(store, F.profile("Cissé", "Oumar"))
            try store.close()
            let backup = try #require(Store.backups(in: data).first)
            chmod(data.appendingPathComponent("backups/\(backup)").path, 0o640)
            chmod(data.path, 0o755)
            let check = DataCheck.run(directory: data, reference: F.reference)
            #expect(check.findings.map { $0.message.arguments["file"] } == [DataDirectory.resolved(data.path), "backups/\(backup)"], "the directory named by its path")
            #expect(keys(check) == ["check.mode", "check.mode"])
        }
    }

    @Test func codesOutsideTheReferenceAreNamedByCaseNumber() throws {
        try F.withDirectory { root throws in
            let data = root.appendingPathComponent("data")
            let store = try Store(directory: data)
            try F.register(store, F.profile("Maïga", "Aïssata", region: "ML07", cercle: "ML0602"))  // Goundam is in Tombouctou
            var unknown = F.profile("Touré", "Hamadoun", region: "ML99")
            unknown.vulnerabilities = ["disability", "hungry"]
            try F.register(store, unknown)
            try store.close()
            let check = DataCheck.run(directory: data, reference: F.reference)
            #expect(check.findings == [
                DataCheck.Finding(.problem, Message("check.case.cercleRegion", ["number": "GAO-000001", "cercle": "ML0602", "region": "ML07"])),
                DataCheck.Finding(.problem, Message("check.case.region", ["number": "GAO-000002", "region": "ML99"])),
                DataCheck.Finding(.problem, Message("check.case.vulnerability", ["number": "GAO-000002", "codes": "hungry"])),
            ])
            #expect(!check.isOK)
            // Cases are named by number, never by name.
            let text = check.findings.map { F.french.text($0.message) }.joined()
            #expect(!text.contains("Maïga") && !text.contains("Touré"))
        }
    }

    @Test func anIncompleteLastChangeIsAWarningAndIsLeftAlone() throws {
        try F.withDirectory { root throws in
            let data = try healthy(root)
            let journal = data.appendingPathComponent(Store.Files.journal)
            let torn = Data("{\"seq\":3,\"by\":\"aw".utf8)
            try torn.write(to: journal)
            chmod(journal.path, 0o600)
            let check = DataCheck.run(directory: data, reference: F.reference)
            #expect(check.findings == [DataCheck.Finding(.warning, Message("check.tornJournal", ["file": "journal.jsonl", "count": "17"]))])
            #expect(check.isOK)
            #expect(try Data(contentsOf: journal) == torn)
        }
    }

    @Test func anUnreadableSnapshotIsAProblemWithTheStoresMessage() throws {
        try F.withDirectory { root throws in
            let data = try healthy(root)
            let snapshot = data.appendingPathComponent(Store.Files.snapshot)
            try Data("not json\n".utf8).write(to: snapshot)
            chmod(snapshot.path, 0o600)
            let check = DataCheck.run(directory: data, reference: F.reference)
            #expect(keys(check) == ["error.store.unreadableNoBackup"], "no backup yet: no restoring advised")
            #expect(check.findings.first?.message.arguments["file"] == "snapshot.jsonl")
            #expect(!check.isOK)
            #expect(check.caseCount == nil)
        }
    }

    @Test func twoSessionsAreSaidInThePlural() throws {
        try F.withDirectory { root throws in
            let data = try healthy(root)
            let first = try Store(directory: data), second = try Store(directory: data)
            let check = DataCheck.run(directory: data, reference: F.reference)
            let message = try #require(check.findings.first?.message)
            #expect(message.arguments["count"] == "2")
            #expect(F.french.text(message).hasPrefix("2 autres sessions de Retour utilisent"), "\(F.french.text(message))")
            #expect(F.english.text(message).hasPrefix("2 other Retour sessions are using"), "\(F.english.text(message))")
            try second.close()
            try first.close()
        }
    }

    @Test func aSessionHoldingTheLockIsInformation() throws {
        try F.withDirectory { root throws in
            let data = try healthy(root)
            let session = try Store(directory: data)
            let check = DataCheck.run(directory: data, reference: F.reference)
            #expect(keys(check) == ["check.lockedBy"])
            #expect(check.findings.first?.severity == .info)
            #expect(check.isOK)
            try session.close()
            #expect(DataCheck.run(directory: data, reference: F.reference).findings.isEmpty)
        }
    }

    @Test func aMissingDirectoryIsAProblemAndIsNotCreated() throws {
        try F.withDirectory { root throws in
            let data = root.appendingPathComponent("nowhere")
            let check = DataCheck.run(directory: data, reference: F.reference)
            #expect(check.findings == [DataCheck.Finding(.problem, Message("check.missing", ["path": data.path]))])
            #expect(!FileManager.default.fileExists(atPath: data.path))
        }
    }

    @Test func checkCreatesNoFile() throws {
        try F.withDirectory { root throws in
            let data = root.appendingPathComponent("data")
            try FileManager.default.createDirectory(at: data, withIntermediateDirectories: false,
                                                    attributes: [.posixPermissions: 0o700])
            let check = DataCheck.run(directory: data, reference: F.reference)
            #expect(check.isOK)
            #expect(check.caseCount == 0)
            #expect(try FileManager.default.contentsOfDirectory(atPath: data.path).isEmpty)
        }
    }
}
