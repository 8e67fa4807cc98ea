import Foundation
import Testing
@testable import RetourCore
import RetourTestSupport

/// Every committed change stays in the history, after compaction too, and `retour check`
/// names the first entry edited, removed, moved or cut.
@Suite("History: every change, kept and checked")
struct StoreHistoryTests {
    typealias F = CSVFixtures

    static func changes(in store: Store) throws -> [Int] {
        var seqs: [Int] = []
        try store.history.forEach { entry in
            if case .change(let journal) = entry.event { seqs.append(journal.seq) }
            return true
        }
        return seqs
    }

    @Test func everyChangeIsInTheHistoryAfterCompactionToo() throws {
        try F.withDirectory { root in
            let directory = root.appendingPathComponent("data")
            let store = try Store(directory: directory)
            for name in ["A", "B", "C"] { try F.register(store, F.profile(name, "X")) }
            try store.close()
            let reopened = try Store(directory: directory)
            try F.register(reopened, F.profile("D", "X"))
            #expect(try Self.changes(in: reopened) == [1, 2, 3, 4])
            #expect(reopened.recordedHistoryHead?.count == 3)
            try reopened.close()
            let check = DataCheck.run(directory: directory, reference: F.reference)
            #expect(check.isOK, "\(check.findings)")
            #expect(check.historyHead?.count == 4)
        }
    }

    /// A crash between the journal's fsync and the history's write: the next opening puts the
    /// change into the history.
    @Test func aChangeTheHistoryMissedIsAddedWhenOpening() throws {
        try F.withDirectory { root in
            let directory = root.appendingPathComponent("data")
            do {
                // A session that ends without closing (a power cut).
                let store = try Store(directory: directory)
                for name in ["A", "B"] { try F.register(store, F.profile(name, "X")) }
            }
            // The last entry lost, as by a power cut before its fsync.
            let path = directory.appendingPathComponent(HistoryFile.fileName)
            var lines = try String(contentsOf: path, encoding: .utf8).split(separator: "\n")
            lines.removeLast()
            try (lines.joined(separator: "\n") + "\n").write(to: path, atomically: false, encoding: .utf8)
            let reopened = try Store(directory: directory, user: "other")
            #expect(try Self.changes(in: reopened) == [1, 2])
            #expect(try reopened.history.verify().isIntact)
        }
    }

    enum Tampering: String, CaseIterable {
        case byteChanged, lineRemoved, linesSwapped, tailCut, headReplaced
    }

    @Test(arguments: Tampering.allCases)
    func checkNamesTheEntryTamperedWith(_ tampering: Tampering) throws {
        try F.withDirectory { root in
            let directory = root.appendingPathComponent("data")
            let store = try Store(directory: directory)
            for name in ["A", "B", "C", "D", "E"] { try F.register(store, F.profile(name, "X")) }
            try store.close()  // The snapshot records the head: 5 entries.
            let path = directory.appendingPathComponent(HistoryFile.fileName)
            var lines = try String(contentsOf: path, encoding: .utf8).split(separator: "\n").map(String.init)
            let expected: String
            switch tampering {
            case .byteChanged:
                lines[2] = lines[2].replacingOccurrences(of: "\"C\"", with: "\"Z\"")
                expected = "history.problem.edited"
            case .lineRemoved:
                lines.remove(at: 1)
                expected = "history.problem.edited"
            case .linesSwapped:
                lines.swapAt(1, 2)
                expected = "history.problem.edited"
            case .tailCut:
                lines.removeLast(2)
                expected = "history.problem.cut"
            case .headReplaced:
                lines[4] = lines[4].replacingOccurrences(of: "\"E\"", with: "\"Z\"")
                expected = "history.problem.rewritten"
            }
            try (lines.joined(separator: "\n") + "\n").write(to: path, atomically: false, encoding: .utf8)
            let check = DataCheck.run(directory: directory, reference: F.reference)
            #expect(!check.isOK)
            let problem = try #require(check.findings.first { $0.message.key.hasPrefix("history.problem") })
            #expect(problem.message.key == expected, "\(check.findings)")
            if tampering == .byteChanged { #expect(problem.message.arguments["position"] == "4") }
            if tampering == .linesSwapped { #expect(problem.message.arguments["position"] == "2") }
        }
    }

    /// In an encrypted directory the chain is an HMAC under a key derived from the data key: a
    /// history rewritten with a plain SHA-256 chain (and in clear) is refused.
    @Test func anEncryptedHistoryRecomputedWithoutTheKeyIsRefused() throws {
        try F.withDirectory { root in
            let directory = root.appendingPathComponent("data")
            let store = try Store(directory: directory)
            for name in ["A", "B"] { try F.register(store, F.profile(name, "X")) }
            try store.close()
            _ = try Encryption.protect(directory, passphrase: "sable froid du matin", user: "awa",
                                       parameters: ScryptParameters(logN: 4, r: 1, p: 1))
            let sealed = DataCheck.run(directory: directory, reference: F.reference) { "sable froid du matin" }
            #expect(sealed.isOK, "\(sealed.findings)")
            // Someone without the passphrase writes a history of their own, chained with SHA-256.
            let forged = HistoryFile(directory: directory, disk: try Disk(dataDirectory: directory.path), sealing: PlainLines())
            let path = directory.appendingPathComponent(HistoryFile.fileName)
            try FileManager.default.removeItem(at: path)
            try forged.append([(by: "awa", at: Date(), event: .signIn(login: "awa")), (by: "awa", at: Date(), event: .view(caseNumber: "GAO-000001"))])
            chmod(path.path, 0o600)
            let check = DataCheck.run(directory: directory, reference: F.reference) { "sable froid du matin" }
            #expect(!check.isOK)
            #expect(check.findings.contains { $0.message.key.hasPrefix("history.problem") || $0.message.key == "error.store.encryptionUnfinished" },
                    "\(check.findings)")
        }
    }
}

@Suite("History: a head written down, and the audit's scope")
struct HistoryHeadAndAuditTests {
    typealias F = CSVFixtures

    /// A head written down (`retour audit --head`) still matches later, however many entries
    /// came since, until the history before it is rewritten.
    @Test func aHeadWrittenDownIsCheckedLater() throws {
        try F.withDirectory { root in
            let directory = root.appendingPathComponent("data")
            let store = try Store(directory: directory)
            for name in ["A", "B", "C"] { try F.register(store, F.profile(name, "X")) }
            let written = try store.history.head()
            for name in ["D", "E"] { try F.register(store, F.profile(name, "X")) }
            try store.close()
            #expect(DataCheck.run(directory: directory, reference: F.reference, expectedHead: written).isOK)
            let forged = HistoryHead(count: written.count, link: String(repeating: "0", count: 64))
            let check = DataCheck.run(directory: directory, reference: F.reference, expectedHead: forged)
            #expect(!check.isOK && check.findings.contains { $0.message.key == "history.problem.rewritten" }, "\(check.findings)")
        }
    }

    /// A supervisor's audit holds what their team's people did and what was done to their
    /// team's cases (an administrator's reassignment), nothing else.
    @Test func aSupervisorAuditsTheirTeamsPeopleAndCases() throws {
        try F.withDirectory { root in
            let office = try Office(root.appendingPathComponent("data"))
            let admin = try office.clearance("admin")
            for name in ["A", "B"] {
                let item = try #require(office.store.book[try office.id(name)])
                var profile = item.profile
                profile.phone = "76 00 00 0\(name == "A" ? 1 : 2)"
                try office.store.commit(.editProfile(id: item.id, expectedVersion: item.version, profile: profile), as: admin)
            }
            let lines = try AuditQuery(kind: "change").lines(in: office.store, for: try office.clearance("s.gao"))
            let edits = lines.filter { $0.detail == "editProfile" }.map(\.caseNumber)
            #expect(edits.contains(office.numbers["A"]!))
            #expect(!edits.contains(office.numbers["B"]!))
            #expect(throws: AuditQuery.Refusal.notAllowed) {
                try AuditQuery().lines(in: office.store, for: try office.clearance("w.gao"))
            }
        }
    }
}
