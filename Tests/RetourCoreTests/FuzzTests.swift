import Foundation
import Testing
@testable import RetourCore
import RetourDemo

/// Mutated and truncated snapshots, journals and CSV files, from a fixed seed: the readers
/// never crash or hang, always say what is wrong in a user-facing message, and never write to
/// a file they could not read.
@Suite("Fuzzing the readers")
struct FuzzTests {
    /// The same on every machine, so a failure can be replayed from its seed.
    typealias Generator = SeededGenerator

    /// One random damage: flipped, deleted, inserted or duplicated bytes, a cut, a swapped line.
    static func mutate(_ bytes: [UInt8], _ random: inout Generator) -> [UInt8] {
        guard !bytes.isEmpty else { return [UInt8.random(in: 0...255, using: &random)] }
        var result = bytes
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            let at = Int.random(in: 0..<max(1, result.count), using: &random)
            switch Int.random(in: 0..<7, using: &random) {
            case 0: if at < result.count { result[at] ^= UInt8(1 << Int.random(in: 0..<8, using: &random)) }
            case 1: if at < result.count { result.remove(at: at) }
            case 2: result.insert(UInt8.random(in: 0...255, using: &random), at: at)
            case 3: result = Array(result.prefix(at))
            case 4: result.insert(contentsOf: Array("\"{}[],:;\n\r".utf8).shuffled(using: &random).prefix(3), at: at)
            case 5:
                let end = min(result.count, at + Int.random(in: 1...40, using: &random))
                result.insert(contentsOf: result[at..<end], at: at)
            default:
                var lines = result.split(separator: 0x0A, omittingEmptySubsequences: false)
                if lines.count > 2 {
                    let a = Int.random(in: 0..<lines.count, using: &random), b = Int.random(in: 0..<lines.count, using: &random)
                    lines.swapAt(a, b)
                    result = Array(lines.joined(separator: [0x0A]))
                }
            }
        }
        return result
    }

    /// A data directory with a snapshot of three cases and a journal of two more changes.
    static func seedDirectory(_ root: URL) throws -> (snapshot: [UInt8], journal: [UInt8]) {
        let store = try Store(directory: root)
        for index in 0..<3 { try register(store, sampleProfile("Family\(index)", "Aïssata")) }
        try store.close()
        let again = try Store(directory: root)
        let first = try #require(try again.book.allCases().first)
        var profile = first.profile
        profile.phone = "76 12 34 56"
        try again.commit(.editProfile(id: first.id, expectedVersion: first.version, profile: profile), as: .anyone("awa"))
        try register(again, sampleProfile("Touré", "Hamadoun"))
        withExtendedLifetime(again) {}
        return (try bytes(fileURL(root, Store.Files.snapshot)), try bytes(fileURL(root, Store.Files.journal)))
    }

    @Test func damagedSnapshotsAndJournalsAreRefusedInWordsAndLeftAlone() throws {
        var random = Generator(seed: 20_161_129)
        var refused = 0, opened = 0
        try withTemporaryDirectory { root in
            let original = try Self.seedDirectory(root)
            for round in 0..<1_500 {
                let damageSnapshot = round % 2 == 0
                let snapshot = damageSnapshot ? Self.mutate(original.snapshot, &random) : original.snapshot
                let journal = damageSnapshot ? original.journal : Self.mutate(original.journal, &random)
                let directory = root.appendingPathComponent("round")
                try? FileManager.default.removeItem(at: directory)
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                try write(snapshot, to: fileURL(directory, Store.Files.snapshot))
                try write(journal, to: fileURL(directory, Store.Files.journal))
                do {
                    let store = try Store(directory: directory)
                    opened += 1
                    // What opened must be whole: every case decodes to a consistent book.
                    #expect(try store.book.count == store.book.allCases().count)
                    #expect(try bytes(fileURL(directory, Store.Files.snapshot)) == snapshot)
                    // The journal may only lose an incomplete last line.
                    let after = try bytes(fileURL(directory, Store.Files.journal))
                    #expect(Array(journal.prefix(after.count)) == after)
                } catch let error as UserFacingError {
                    refused += 1
                    #expect(!error.message.key.isEmpty)
                    #expect(try bytes(fileURL(directory, Store.Files.snapshot)) == snapshot, "round \(round)")
                    #expect(try bytes(fileURL(directory, Store.Files.journal)) == journal, "round \(round)")
                } catch {
                    Issue.record("round \(round): not a user-facing error: \(type(of: error))")
                }
            }
        }
        // Both outcomes happen: the mutations are neither all harmless nor all fatal.
        #expect(refused > 100)
        #expect(opened > 100)
    }

    @Test func damagedIndexesAreIgnoredAndTheSnapshotIsReadInstead() throws {
        var random = Generator(seed: 20_261_129)
        try withTemporaryDirectory { root in
            _ = try Self.seedDirectory(root)
            try Store(directory: root).close()
            let good = try Store(directory: root, write: false)
            let digests = good.book.digests
            let cases = try good.book.allCases()
            let index = try bytes(fileURL(root, Store.Files.index))
            for round in 0..<1_000 {
                try write(Self.mutate(index, &random), to: fileURL(root, Store.Files.index))
                do {
                    let store = try Store(directory: root, write: false)
                    #expect(store.book.digests == digests, "round \(round)")
                    #expect(try store.book.allCases() == cases, "round \(round)")
                } catch {
                    Issue.record("round \(round): a damaged index stopped the opening: \(error)")
                }
            }
        }
    }

    @Test func damagedEncryptedFilesAreRefusedInWordsAndLeftAlone() throws {
        var random = Generator(seed: 8_151_994)
        var refused = 0, opened = 0
        try withTemporaryDirectory { root in
            let seeded = root.appendingPathComponent("seed")
            _ = try Self.seedDirectory(seeded)
            try Encryption.protect(seeded, passphrase: "sable chaud de Gao", user: "awa",
                                   parameters: ScryptParameters(logN: 10, r: 8, p: 1))
            let sealing = try Encryption.sealing(for: seeded) { "sable chaud de Gao" }
            // A journal line too, sealed.
            let store = try Store(directory: seeded, sealing: sealing)
            try register(store, sampleProfile("Cissé", "Oumar"))
            withExtendedLifetime(store) {}
            let snapshot = try bytes(fileURL(seeded, Store.Files.snapshot))
            let journal = try bytes(fileURL(seeded, Store.Files.journal))
            let key = try bytes(fileURL(seeded, Store.Files.key))
            for round in 0..<600 {
                let damageSnapshot = round % 2 == 0
                let mutatedSnapshot = damageSnapshot ? Self.mutate(snapshot, &random) : snapshot
                let mutatedJournal = damageSnapshot ? journal : Self.mutate(journal, &random)
                let directory = root.appendingPathComponent("round")
                try? FileManager.default.removeItem(at: directory)
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                try write(mutatedSnapshot, to: fileURL(directory, Store.Files.snapshot))
                try write(mutatedJournal, to: fileURL(directory, Store.Files.journal))
                try write(key, to: fileURL(directory, Store.Files.key))
                do {
                    let store = try Store(directory: directory, sealing: sealing)
                    opened += 1
                    #expect(try store.book.count == store.book.allCases().count)
                    #expect(try bytes(fileURL(directory, Store.Files.snapshot)) == mutatedSnapshot)
                } catch let error as UserFacingError {
                    refused += 1
                    #expect(!error.message.key.isEmpty)
                    #expect(try bytes(fileURL(directory, Store.Files.snapshot)) == mutatedSnapshot, "round \(round)")
                    #expect(try bytes(fileURL(directory, Store.Files.journal)) == mutatedJournal, "round \(round)")
                } catch {
                    Issue.record("round \(round): not a user-facing error: \(type(of: error))")
                }
            }
        }
        #expect(refused > 100)
        #expect(opened > 50)
    }

    @Test func damagedCSVFilesNeverCrashTheImporter() throws {
        var random = Generator(seed: 2016)
        let good = Array(CSVFixtures.file([
            "nom;prénoms;sexe;date_naissance;catégorie;région;cercle;village;track",
            "Maïga;Aïssata;F;12/03/1990;PDI retourné;Gao;Ansongo;\"Quartier; 4\";youth_entrepreneurship",
            "Touré;Hamadoun;M;1982-06-05;Réfugié rapatrié;Tombouctou;Diré;Kirchamba;",
            "\"Ag Mohamed\";\"Moussa\";M;;Communauté hôte;Timbuktu;Goundam;\"ligne\nsur deux\";durable_solutions",
        ], bom: true, crlf: true))
        var planned = 0, refused = 0
        for round in 0..<2_000 {
            let data = Data(Self.mutate(good, &random))
            do {
                let plan = try CSVImport.plan(data: data, reference: CSVFixtures.reference, book: CaseBook(),
                                              today: CSVFixtures.today)
                planned += 1
                for problem in plan.problems { #expect(!problem.text(CSVFixtures.french).isEmpty) }
            } catch let error as UserFacingError {
                refused += 1
                #expect(!CSVFixtures.english.text(error.message).isEmpty, "round \(round)")
            } catch {
                Issue.record("round \(round): not a user-facing error: \(type(of: error))")
            }
        }
        #expect(planned + refused == 2_000)
        #expect(planned > 100)
    }
}
