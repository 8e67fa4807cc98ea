#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import RetourCore

@Suite("Snapshot index and hand-edited snapshots")
struct SnapshotIndexTests {
    typealias F = CSVFixtures

    /// A closed data directory with three cases, one of them changed after registration.
    func directory(_ root: URL) throws -> URL {
        let data = root.appendingPathComponent("data")
        let store = try Store(directory: data)
        _ = try F.register(store, F.profile("Maïga", "Aïssata", cercle: "ML0701"))
        _ = try F.register(store, F.profile("Touré", "Hamadoun", region: "ML06", cercle: "ML0602"), prefix: "TBK")
        _ = try F.register(store, F.profile("Cissé", "Oumar"))
        let first = try #require(store.book.find(number: "GAO-000001"))
        var profile = first.profile
        profile.village = "Bourem"
        try store.commit(.editProfile(id: first.id, expectedVersion: first.version, profile: profile), as: .anyone("awa"))
        try store.close()
        return data
    }

    func text(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }

    @Test func theIndexNamesItsSnapshotAndOpensTheSameBook() throws {
        try F.withDirectory { root throws in
            let data = try directory(root)
            let index = data.appendingPathComponent(Store.Files.index)
            #expect(Posix.mode(index.path) == 0o600)
            let header = try text(data.appendingPathComponent(Store.Files.snapshot)).split(separator: "\n")[0]
            let generation = try #require(try LineDecoder().decode(SnapshotFile.Header.self, from: Data(header.utf8)).generation)
            #expect(try Data(contentsOf: index).prefix(300).range(of: Data(generation.utf8)) != nil)

            let fromIndex = try Store(directory: data, write: false)
            // Open again without the index: the whole snapshot is decoded; same book.
            try FileManager.default.removeItem(at: index)
            let decoded = try Store(directory: data, write: false)
            #expect(fromIndex.book.digests == decoded.book.digests)
            #expect(try fromIndex.book.allCases() == decoded.book.allCases())
            #expect(fromIndex.book.find(number: "GAO-000001")?.profile.village == "Bourem")
            #expect(!FileManager.default.fileExists(atPath: index.path), "a reader never writes")
            // A writer writes it again when it finds none.
            try Store(directory: data).close()
            #expect(FileManager.default.fileExists(atPath: index.path))
        }
    }

    @Test func anIndexOfAnotherSnapshotOrDamagedIsIgnored() throws {
        try F.withDirectory { root throws in
            let data = try directory(root)
            let index = data.appendingPathComponent(Store.Files.index)
            let good = try Data(contentsOf: index)
            // An index left from an earlier snapshot: another generation.
            let store = try Store(directory: data)
            _ = try F.register(store, F.profile("Dicko", "Moussa"))
            try store.close()
            try good.write(to: index)
            let reopened = try Store(directory: data, write: false)
            #expect(reopened.book.count == 4)
            #expect(reopened.book.find(number: "GAO-000003")?.profile.familyName == "Dicko")
            // An index cut short, or with bytes flipped in its body.
            let current = try Data(contentsOf: data.appendingPathComponent(Store.Files.index))
            for damaged in [current.prefix(current.count - 7), current.prefix(current.count - 40) + Data(repeating: 0xFF, count: 40)] {
                try Data(damaged).write(to: index)
                let again = try Store(directory: data, write: false)
                #expect(again.book.count == 4)
                #expect(try again.book.allCases().map(\.profile.familyName).sorted() == ["Cissé", "Dicko", "Maïga", "Touré"])
            }
        }
    }

    /// An index whose checksum matches but whose body names a place no snapshot has (an
    /// offset and a length whose sum does not fit in an integer: written by hand, or by a
    /// neighbour): ignored, as any damaged index, instead of stopping on an overflow.
    @Test func anIndexNamingAPlaceBeyondAnyFileIsIgnored() throws {
        try F.withDirectory { root throws in
            let data = try directory(root)
            let index = data.appendingPathComponent(Store.Files.index)
            let good = try Array(Data(contentsOf: index))
            let end = try #require(good.firstIndex(of: 0x0A))
            var header = try LineDecoder().decode(IndexFile.Header.self, from: Data(good[..<end]))
            let book = try Store(directory: data, write: false).book
            for (offset, length) in [(Int.max, Int.max), (1, Int.max), (Int.max - 1, 2), (-1, 10), (10, Int.min)] {
                var body = BinaryWriter()
                body.int(book.digests.count)
                for digest in book.digests {
                    digest.write(to: &body)
                    body.int(offset)
                    body.int(length)
                    body.int(2)
                }
                body.int(0)
                header.checksum = IndexFile.checksum(body.buffer[...])
                try Data(Array(Store.encoder.encode(header)) + [0x0A] + body.buffer).write(to: index)
                let reopened = try Store(directory: data, write: false)
                #expect(try reopened.book.allCases() == book.allCases(), "offset \(offset), length \(length)")
            }
        }
    }

    /// A digest in an index whose count of planned days is negative: malformed (the index is
    /// then ignored), instead of stopping on a range that ends before it starts.
    @Test func aDigestWithANegativeCountIsMalformed() {
        for count in [-1, Int.min] {
            var bytes = BinaryWriter()
            bytes.uuid(UUID())
            for text in ["GAO-000001", "Maïga", "Awa", "F"] { bytes.string(text) }
            for _ in 0..<3 { bytes.int(0) }
            for text in ["idp_returnee", "ML07", "", "active", "", "", "", "", ""] { bytes.string(text) }
            bytes.strings([])
            bytes.strings([])
            bytes.int(0)
            bytes.int(count)
            var input = BinaryReader(bytes.buffer)
            #expect(throws: BinaryReader.Malformed.self, "\(count)") { try CaseDigest(from: &input) }
        }
    }

    @Test func casesAreReadFromTheSnapshotOnlyWhenAsked() throws {
        try F.withDirectory { root throws in
            let data = try directory(root)
            let store = try Store(directory: data, write: false)
            // Damage the line of one case after opening: the list still has its digest, and
            // reading that case says the file changed instead of crashing.
            let snapshot = data.appendingPathComponent(Store.Files.snapshot)
            var lines = try text(snapshot).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            lines[2] = String(lines[2].map { $0 == "\"" ? "'" : $0 })
            let fd = open(snapshot.path, O_WRONLY)
            let bytes = Array(lines.joined(separator: "\n").utf8)
            #expect(pwrite(fd, bytes, bytes.count, 0) == bytes.count)
            close(fd)
            let second = store.book.digests[1]
            #expect(second.number == "TBK-000001")
            #expect(store.book[second.id] == nil)
            #expect(store.book[store.book.digests[0].id]?.profile.village == "Bourem")
        }
    }

    @Test func compactionCopiesUnchangedLinesAsTheyAre() throws {
        try F.withDirectory { root throws in
            let data = try directory(root)
            let snapshot = data.appendingPathComponent(Store.Files.snapshot)
            let before = try text(snapshot).split(separator: "\n").dropFirst()
            let store = try Store(directory: data)
            let tbk = try #require(store.book.find(number: "TBK-000001"))
            try store.commit(.addNote(id: tbk.id, note: Note(id: UUID(), text: "Visite", by: "awa", at: Date())), as: .anyone("awa"))
            try store.close()
            let after = try text(snapshot).split(separator: "\n").dropFirst()
            #expect(after.count == 3)
            #expect(after[after.startIndex] == before[before.startIndex])
            #expect(after[after.startIndex + 2] == before[before.startIndex + 2])
            #expect(after[after.startIndex + 1] != before[before.startIndex + 1])
            #expect(try Store(directory: data, write: false).book.find(number: "TBK-000001")?.notes.count == 1)
        }
    }

    @Test func aNumberUsedTwiceBySomeoneEditingTheFileIsSetAsideNotLost() throws {
        try F.withDirectory { root throws in
            let data = try directory(root)
            let snapshot = data.appendingPathComponent(Store.Files.snapshot)
            try FileManager.default.removeItem(at: data.appendingPathComponent(Store.Files.index))
            // Someone gives the third case the first one's number, by hand.
            var lines = try text(snapshot).split(separator: "\n").map(String.init)
            lines[3] = lines[3].replacingOccurrences(of: "GAO-000002", with: "GAO-000001")
            let edited = lines.joined(separator: "\n") + "\n"
            try Data(edited.utf8).write(to: snapshot)

            let store = try Store(directory: data)
            #expect(store.book.count == 2)
            #expect(store.book.setAside.map(\.number) == ["GAO-000001"])
            #expect(store.book.setAside.map(\.reason) == ["check.setAside.duplicateNumber"])
            // The others work as usual, and saving keeps the set-aside line as it was typed.
            _ = try F.register(store, F.profile("Dicko", "Moussa"))
            try store.close()
            let kept = try text(snapshot).split(separator: "\n").map(String.init)
            #expect(kept.contains(lines[3]))

            let check = DataCheck.run(directory: data, reference: F.reference)
            #expect(!check.isOK)
            let problems = check.findings.filter { $0.severity == .problem }
            #expect(problems.map(\.message.key) == ["check.setAside.duplicateNumber"])
            #expect(F.english.text(problems[0].message).hasPrefix("Case GAO-000001: snapshot.jsonl holds two cases with this number."))
            // Opening from the index written since keeps it aside too.
            let reopened = try Store(directory: data, write: false)
            #expect(reopened.book.setAside.map(\.number) == ["GAO-000001"])
            #expect(reopened.book.count == 3)
        }
    }

    @Test func anUnknownTrackOrStepIsReportedWithTheCaseNumber() throws {
        try F.withDirectory { root throws in
            let data = root.appendingPathComponent("data")
            let store = try Store(directory: data)
            _ = try F.register(store, F.profile("Maïga", "Aïssata", cercle: "ML0701"))
            let item = try #require(store.book.find(number: "GAO-000001"))
            let plan = try #require(F.reference.tracks.plan(track: "youth_entrepreneurship", id: UUID(),
                                                            enrolledOn: CalendarDate(year: 2016, month: 1, day: 1)!))
            try store.commit(.enrol(id: item.id, plan: plan), as: .anyone("awa"))
            try store.close()
            let snapshot = data.appendingPathComponent(Store.Files.snapshot)
            let firstStep = try #require(plan.steps.first?.code)
            let edited = try text(snapshot)
                .replacingOccurrences(of: "\"track\":\"youth_entrepreneurship\"", with: "\"track\":\"fishing\"")
            try Data(edited.utf8).write(to: snapshot)
            try FileManager.default.removeItem(at: data.appendingPathComponent(Store.Files.index))
            var check = DataCheck.run(directory: data, reference: F.reference)
            #expect(check.findings.map(\.message) == [Message("check.case.track", ["number": "GAO-000001", "track": "fishing"])])
            let other = edited.replacingOccurrences(of: "\"track\":\"fishing\"", with: "\"track\":\"youth_entrepreneurship\"")
                .replacingOccurrences(of: "\"code\":\"\(firstStep)\"", with: "\"code\":\"juggling\"")
            try Data(other.utf8).write(to: snapshot)
            check = DataCheck.run(directory: data, reference: F.reference)
            #expect(check.findings.map(\.message) == [Message("check.case.step", ["number": "GAO-000001", "track": "youth_entrepreneurship", "step": "juggling"])])
        }
    }

    @Test func anEditByHandOfTheSameSizeMakesTheIndexStale() throws {
        try F.withDirectory { root throws in
            let data = try directory(root)
            let snapshot = data.appendingPathComponent(Store.Files.snapshot)
            let edited = try text(snapshot).replacingOccurrences(of: "Cissé", with: "Cissè")
            Thread.sleep(forTimeInterval: 0.01)  // A later modification time than the index's.
            try Data(edited.utf8).write(to: snapshot)
            let store = try Store(directory: data, write: false)
            #expect(CaseQuery(search: "cisse").filter(store.book).count == 1)
            #expect(store.book.digests.contains { $0.familyName == "Cissè" })
            #expect(DataCheck.run(directory: data, reference: F.reference).isOK)
        }
    }

    @Test func aLineThatIsNotACaseThisVersionKnowsIsSetAsideAndNamedWithItsLine() throws {
        try F.withDirectory { root throws in
            let data = try directory(root)
            let snapshot = data.appendingPathComponent(Store.Files.snapshot)
            try FileManager.default.removeItem(at: data.appendingPathComponent(Store.Files.index))
            var lines = try text(snapshot).split(separator: "\n").map(String.init)
            let number = try #require(lines[2].range(of: "TBK-000001"))
            #expect(!number.isEmpty)
            lines[2] = lines[2].replacingOccurrences(of: "\"category\":\"", with: "\"category\":\"martian_")
            try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: snapshot)

            let store = try Store(directory: data)
            #expect(store.book.count == 2)
            #expect(store.book.setAside.map(\.number) == ["TBK-000001"])
            try store.close()
            let check = DataCheck.run(directory: data, reference: F.reference)
            let problem = try #require(check.findings.first { $0.message.key == "check.setAside.invalid" })
            #expect(F.english.text(problem.message) == "Case TBK-000001: line 3 of snapshot.jsonl is not a case this version of Retour can read (profile.category). It is kept in the file as it is but not opened; correct the file by hand.")
            #expect(try text(snapshot).contains(lines[2]))
        }
    }

    @Test func aLineDamagedAfterOpeningIsNamedByItsLineNumber() throws {
        try F.withDirectory { root throws in
            let data = try directory(root)
            let store = try Store(directory: data, write: false)
            let snapshot = data.appendingPathComponent(Store.Files.snapshot)
            var bytes = Array(try Data(contentsOf: snapshot))
            let lineStarts = [0] + bytes.indices.filter { bytes[$0] == 0x0A }.map { $0 + 1 }
            bytes[lineStarts[3]] = UInt8(ascii: "#")  // Line 4, the third case, is no longer JSON.
            let fd = open(snapshot.path, O_WRONLY)
            #expect(pwrite(fd, bytes, bytes.count, 0) == bytes.count)
            close(fd)
            var thrown: Error?
            do { _ = try store.book.allCases() } catch { thrown = error }
            let error = try #require(thrown as? StoreError)
            #expect(F.english.text(error.message).hasPrefix("Cannot read snapshot.jsonl, line 4: "))
        }
    }

    @Test func aReaderKeepsUpWithEachSaveAndWithACompaction() throws {
        try F.withDirectory { root throws in
            let data = try directory(root)
            let writer = try Store(directory: data, user: "awa")
            let reader = try Store(directory: data, write: false, user: "moussa")
            #expect(reader.isReadOnly)
            #expect(try !reader.reloadIfChanged())
            let tbk = try #require(writer.book.find(number: "TBK-000001"))
            try writer.commit(.addNote(id: tbk.id, note: Note(id: UUID(), text: "Visite", by: "awa", at: Date())), as: .anyone("awa"))
            _ = try F.register(writer, F.profile("Dicko", "Moussa"))
            #expect(try reader.reloadIfChanged())
            #expect(try reader.book.allCases() == writer.book.allCases())
            #expect(reader.journalLines == writer.journalLines)
            try writer.compact()
            _ = try F.register(writer, F.profile("Kané", "Oumou"))
            #expect(try reader.reloadIfChanged())
            #expect(try reader.book.allCases() == writer.book.allCases())
            #expect(try !reader.reloadIfChanged())
        }
    }
}
