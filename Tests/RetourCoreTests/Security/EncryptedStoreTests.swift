import Foundation
import Testing
@testable import RetourCore

@Suite("Encrypted data directories")
struct EncryptedStoreTests {
    typealias F = CSVFixtures

    static let fast = ScryptParameters(logN: 10, r: 8, p: 1)
    static let passphrase = "sable chaud de Gao"
    static let names = ["Maïga", "Aïssata", "Touré", "Hamadoun", "Cissé", "Bourem"]

    /// A plain directory with three cases, two compactions (so a backup), one change in the journal.
    func plainDirectory(_ root: URL) throws -> URL {
        let data = root.appendingPathComponent("data")
        var store = try Store(directory: data)
        _ = try F.register(store, F.profile("Maïga", "Aïssata", cercle: "ML0701"))
        _ = try F.register(store, F.profile("Touré", "Hamadoun", region: "ML06", cercle: "ML0602"), prefix: "TBK")
        try store.close()
        store = try Store(directory: data)
        _ = try F.register(store, F.profile("Cissé", "Oumar"))
        try store.close()
        store = try Store(directory: data)
        let first = try #require(store.book.find(number: "GAO-000001"))
        var profile = first.profile
        profile.village = "Bourem"
        try store.commit(.editProfile(id: first.id, expectedVersion: first.version, profile: profile), as: .anyone("awa"))
        return data
    }

    /// Every file under `directory`, with its bytes.
    func files(_ directory: URL) throws -> [String: Data] {
        var result: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: directory.path)
        while let relative = enumerator?.nextObject() as? String {
            let url = directory.appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                result[relative] = try Data(contentsOf: url)
            }
        }
        return result
    }

    /// Files that hold one of `names` in clear (composed or decomposed, any case).
    func revealing(_ directory: URL) throws -> [String] {
        let needles = Self.names.flatMap { name in
            [name, name.decomposedStringWithCanonicalMapping, Fold.key(name), name.uppercased()].map { Data($0.utf8) }
        }
        return try files(directory).filter { _, bytes in needles.contains { bytes.range(of: $0) != nil } }.keys.sorted()
    }

    func sealing(_ data: URL, _ passphrase: String = passphrase) throws -> LineSealing {
        try Encryption.sealing(for: data) { passphrase }
    }

    @Test func protectingADirectoryLeavesNoNameReadable() throws {
        try F.withDirectory { root throws in
            let data = try plainDirectory(root)
            let before = try Store(directory: data, write: false)
            let cases = try before.book.allCases()
            #expect(try revealing(data).contains(Store.Files.snapshot))
            #expect(!(try files(data).keys.filter { $0.hasPrefix("backups/") }.isEmpty))

            let done = try Encryption.protect(data, passphrase: Self.passphrase, user: "awa", parameters: Self.fast)
            #expect(done.cases == 3)
            #expect(done.removedBackups >= 1)
            #expect(try revealing(data) == [])
            #expect(Posix.mode(data.appendingPathComponent(Store.Files.key).path) == 0o600)

            // Work goes on, sealed: journal lines, then a compaction and its backup.
            let store = try Store(directory: data, user: "awa", sealing: try sealing(data))
            #expect(store.isEncrypted && !store.holdsPlainData)
            #expect(try store.book.allCases() == cases)
            _ = try F.register(store, F.profile("Dicko", "Bourem"))
            let journal = try Data(contentsOf: data.appendingPathComponent(Store.Files.journal))
            #expect(!journal.isEmpty && journal.first != UInt8(ascii: "{"))
            #expect(try revealing(data) == [])
            try store.close()
            #expect(try files(data).keys.contains { $0.hasPrefix("backups/") })
            #expect(try revealing(data) == [])

            let reopened = try Store(directory: data, write: false, sealing: try sealing(data))
            #expect(reopened.book.count == 4)
            #expect(reopened.book.find(number: "GAO-000001")?.profile.village == "Bourem")
            let check = DataCheck.run(directory: data, reference: F.reference) { Self.passphrase }
            #expect(check.isOK && check.encrypted, "\(check.findings)")
        }
    }

    @Test func anEncryptedDirectoryOpensOnlyWithItsPassphrase() throws {
        try F.withDirectory { root throws in
            let data = try plainDirectory(root)
            try Encryption.protect(data, passphrase: Self.passphrase, user: "awa", parameters: Self.fast)
            let untouched = try files(data)
            #expect(throws: StoreError.encrypted) { try Store(directory: data) }
            #expect(throws: SealingError.wrongPassphrase) { try sealing(data, "sable chaud de Kidal") }
            #expect(throws: StoreError.alreadyEncrypted) {
                try Encryption.protect(data, passphrase: Self.passphrase, user: "awa", parameters: Self.fast)
            }
            let check = DataCheck.run(directory: data, reference: F.reference) { "sable chaud de Kidal" }
            #expect(!check.isOK)
            #expect(check.findings.map(\.message.key).contains("crypto.error.wrongPassphrase"))
            #expect(try files(data) == untouched, "nothing written by a refused opening")
        }
    }

    @Test func changingThePassphraseRewritesTheKeyFileOnly() throws {
        try F.withDirectory { root throws in
            let data = try plainDirectory(root)
            try Encryption.protect(data, passphrase: Self.passphrase, user: "awa", parameters: Self.fast)
            var before = try files(data)
            #expect(throws: SealingError.wrongPassphrase) {
                try Encryption.changePassphrase(of: data, from: "pas la bonne phrase", to: "fleuve Niger à Mopti")
            }
            #expect(throws: SealingError.passphraseTooShort) {
                try Encryption.changePassphrase(of: data, from: Self.passphrase, to: "court")
            }
            #expect(try files(data) == before)
            try Encryption.changePassphrase(of: data, from: Self.passphrase, to: "fleuve Niger à Mopti")
            var after = try files(data)
            #expect(after[Store.Files.key] != before[Store.Files.key])
            before[Store.Files.key] = nil
            after[Store.Files.key] = nil
            #expect(after == before)
            #expect(throws: SealingError.wrongPassphrase) { try sealing(data) }
            let store = try Store(directory: data, write: false, sealing: try sealing(data, "fleuve Niger à Mopti"))
            #expect(store.book.count == 3)
        }
    }

    @Test func aCrashBetweenTheKeyFileAndTheSealedSnapshotIsFinishedLater() throws {
        try F.withDirectory { root throws in
            let data = try plainDirectory(root)
            // As if the power went off right after the key file was written.
            let (keyFile, _) = try KeyFile.create(passphrase: Self.passphrase, parameters: Self.fast)
            try PrivateFile.write(Data(keyFile.encoded()), to: data.appendingPathComponent(Store.Files.key))
            // Unfinished, with or without the passphrase: a problem, the files named.
            for check in [DataCheck.run(directory: data, reference: F.reference) { Self.passphrase },
                          DataCheck.run(directory: data, reference: F.reference)] {
                #expect(!check.isOK && check.encryptionUnfinished)
                #expect(check.findings.contains { $0.message.key == "error.store.encryptionUnfinished" })
                #expect(check.readableFiles.contains(Store.Files.snapshot) && check.readableFiles.contains(Store.Files.journal))
            }
            #expect(!Encryption.readableFiles(in: data).isEmpty)
            // A session that may write seals it first.
            let store = try Encryption.openStore(data, write: true, user: "awa", sealing: try sealing(data))
            #expect(!store.holdsPlainData)
            #expect(try revealing(data) == [])
            #expect(store.book.find(number: "GAO-000001")?.profile.village == "Bourem")
            try store.close()
            #expect(try revealing(data) == [])
            #expect(DataCheck.run(directory: data, reference: F.reference) { Self.passphrase }.isOK)
            let reopened = try Store(directory: data, write: false, sealing: try sealing(data))
            #expect(!reopened.holdsPlainData)
            #expect(reopened.book.count == 3)
        }
    }

    @Test func sealedDataWithoutItsKeyFileIsRefusedAndLeftAlone() throws {
        try F.withDirectory { root throws in
            let data = try plainDirectory(root)
            try Encryption.protect(data, passphrase: Self.passphrase, user: "awa", parameters: Self.fast)
            try FileManager.default.removeItem(at: data.appendingPathComponent(Store.Files.key))
            let untouched = try files(data)
            #expect(throws: StoreError.keyMissing(file: Store.Files.key)) { try Store(directory: data) }
            #expect(try files(data) == untouched)
            #expect(F.english.text(StoreError.keyMissing(file: Store.Files.key).message).contains("key.json is missing"))
        }
    }

    @Test func aKeyFileFromAnotherDirectoryIsNamedAsSuch() throws {
        try F.withDirectory { root throws in
            let data = try plainDirectory(root)
            try Encryption.protect(data, passphrase: Self.passphrase, user: "awa", parameters: Self.fast)
            let other = root.appendingPathComponent("other")
            try Encryption.protect(other, passphrase: Self.passphrase, user: "awa", parameters: Self.fast)
            _ = try F.register(try Store(directory: other, sealing: try sealing(other)), F.profile("Dicko", "Moussa"))
            try FileManager.default.removeItem(at: data.appendingPathComponent(Store.Files.key))
            try FileManager.default.copyItem(at: other.appendingPathComponent(Store.Files.key), to: data.appendingPathComponent(Store.Files.key))
            let untouched = try files(data)
            #expect(throws: StoreError.keyMismatch(file: Store.Files.key)) { try Store(directory: data, sealing: try sealing(data)) }
            #expect(try files(data) == untouched)
        }
    }

    @Test func encryptingWaitsForSetAsideLinesAndOtherSessions() throws {
        try F.withDirectory { root throws in
            let data = try plainDirectory(root)
            let holder = try Store(directory: data, user: "moussa")
            #expect(throws: StoreError.busy(holder: nil)) {
                do {
                    try Encryption.protect(data, passphrase: Self.passphrase, user: "awa", parameters: Self.fast)
                } catch StoreError.busy {
                    throw StoreError.busy(holder: nil)
                }
            }
            #expect(!Encryption.isEncrypted(data))
            try holder.close()
            #expect(throws: SealingError.samePassphrase) {
                try Encryption.protect(data, passphrase: Self.passphrase, user: "awa", parameters: Self.fast)
                try Encryption.changePassphrase(of: data, from: Self.passphrase, to: Self.passphrase)
            }
        }
    }

    @Test func aSealedLineOnlyOpensInTheFileItWasSealedFor() throws {
        let (_, key) = try KeyFile.create(passphrase: Self.passphrase, parameters: Self.fast)
        let sealing = SealedLines(key: key)
        let line = Array(#"{"number":"GAO-000001"}"#.utf8)
        let journalLine = try sealing.bound(to: Store.Files.journal).seal(line)
        #expect(try sealing.bound(to: Store.Files.journal).open(journalLine[...]) == line)
        #expect(throws: SealingError.damaged) { try sealing.bound(to: Store.Files.snapshot).open(journalLine[...]) }
        #expect(throws: SealingError.damaged) { try sealing.open(journalLine[...]) }
    }
}
