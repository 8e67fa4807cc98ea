#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import RetourCore

@Suite("Store: commit, reopen, compaction")
struct StoreTests {
    @Test func commitsSurviveCloseAndReopen() throws {
        try withTemporaryDirectory { root in
            let directory = root.appendingPathComponent("data")
            let store = try Store(directory: directory)
            #expect(!store.isReadOnly)
            #expect(store.readOnlyReason == nil)
            let first = try register(store, sampleProfile("Maïga", "Fatoumata"), prefix: "GAO", by: "awa")
            let second = try register(store, sampleProfile("Cissé", "Oumar"), prefix: "GAO", by: "moussa")
            let third = try register(store, sampleProfile("Ag Mohamed", "Ahmed", region: "ML06"), prefix: "TBK", by: "awa")
            #expect([first.number, second.number, third.number] == ["GAO-000001", "GAO-000002", "TBK-000001"])
            var edited = first.profile
            edited.phone = "+223 76 12 34 56"
            try store.commit(.editProfile(id: first.id, expectedVersion: 1, profile: edited), as: .anyone("moussa"))
            #expect(store.journalLines == 4)

            // Each commit is one journal line on disk, before any close.
            let journal = try lines(fileURL(directory, Store.Files.journal))
            let entries = try journal.map { try LineDecoder().decode(JournalEntry.self, from: Data($0.utf8)) }
            #expect(entries.map(\.seq) == [1, 2, 3, 4])
            #expect(entries.map(\.by) == ["awa", "moussa", "awa", "moussa"])
            #expect(entries.last?.change == .editProfile(id: first.id, expectedVersion: 1, profile: edited))
            #expect(!Posix.exists(fileURL(directory, Store.Files.snapshot).path))

            let before = store.book
            try store.close()

            // Closing folds the journal into the snapshot and empties the journal.
            #expect(try bytes(fileURL(directory, Store.Files.journal)).isEmpty)
            let snapshot = try lines(fileURL(directory, Store.Files.snapshot))
            #expect(snapshot.count == 4)
            let header = try LineDecoder().decode(SnapshotFile.Header.self, from: Data(snapshot[0].utf8))
            #expect(header.format == "retour-snapshot")
            #expect(header.seq == 4)
            #expect(header.count == 3)
            #expect(header.schemaVersion == Schema.version)

            let reopened = try Store(directory: directory)
            #expect(try reopened.book.allCases() == before.allCases())
            #expect(reopened.book.digests.map(\.id) == [first.id, second.id, third.id])
            #expect(reopened.book.seq == 4)
            #expect(reopened.journalLines == 0)
            #expect(reopened.droppedTornBytes == 0)
            let reread = try #require(reopened.book[first.id])
            #expect(reread.version == 2)
            #expect(reread.profile.phone == "+223 76 12 34 56")
            #expect(reread.created.by == "awa")
            #expect(reread.updated.by == "moussa")
            #expect(reopened.book[second.id]?.version == 1)
            #expect(reopened.book.find(number: "tbk-000001")?.id == third.id)
            #expect(reopened.book.nextNumber(prefix: "GAO") == "GAO-000003")
            #expect(reopened.book.nextNumber(prefix: "TBK") == "TBK-000002")
            #expect(reopened.book.nextNumber(prefix: "MPT") == "MPT-000001")
            try reopened.close()
        }
    }

    @Test func journalAloneRestoresTheSameState() throws {
        try withTemporaryDirectory { root in
            let directory = root.appendingPathComponent("data")
            let store = try Store(directory: directory)
            // A time with a fraction of a second: the journal keeps whole seconds, and the
            // state in memory must be the state read back.
            let time = Date(timeIntervalSince1970: 1_750_000_000.625)
            let id = UUID()
            let entry = try store.commit(.register(id: id, number: "GAO-000001", profile: sampleProfile()), as: .anyone("awa"), at: time)
            var edited = sampleProfile()
            edited.village = "Château"
            try store.commit(.editProfile(id: id, expectedVersion: 1, profile: edited), as: .anyone("awa"), at: time + 61)
            let inMemory = store.book
            let journalLine = try lines(fileURL(directory, Store.Files.journal))[0]
            #expect(try LineDecoder().decode(JournalEntry.self, from: Data(journalLine.utf8)) == entry)

            // Read by another session while this one still holds the lock.
            let reader = try Store(directory: directory, write: false)
            #expect(try reader.book.allCases() == inMemory.allCases())
            #expect(reader.book.seq == 2)
            #expect(reader.journalLines == 2)
            try store.close()
            let reopened = try Store(directory: directory)
            #expect(try reopened.book.allCases() == inMemory.allCases())
        }
    }

    @Test func refusedChangeWritesNothing() throws {
        try withTemporaryDirectory { root in
            let store = try Store(directory: root)
            let item = try register(store)
            let journal = fileURL(root, Store.Files.journal)
            let before = try bytes(journal)
            #expect(throws: ChangeError.duplicateNumber("GAO-000001")) {
                try store.commit(.register(id: UUID(), number: "GAO-000001", profile: sampleProfile()), as: .anyone("awa"))
            }
            #expect(throws: ChangeError.staleVersion(number: "GAO-000001")) {
                try store.commit(.editProfile(id: item.id, expectedVersion: 7, profile: sampleProfile()), as: .anyone("awa"))
            }
            #expect(throws: ChangeError.unknownCase) {
                try store.commit(.editProfile(id: UUID(), expectedVersion: 1, profile: sampleProfile()), as: .anyone("awa"))
            }
            #expect(try bytes(journal) == before)
            #expect(store.book.seq == 1)
            #expect(store.journalLines == 1)
            // The next accepted change still gets the next sequence number.
            #expect(try store.commit(.register(id: UUID(), number: "GAO-000002", profile: sampleProfile()), as: .anyone("awa")).seq == 2)
            try store.close()
        }
    }

    @Test func closingANewStoreWritesAnEmptySnapshot() throws {
        try withTemporaryDirectory { root in
            let directory = root.appendingPathComponent("nested/data")
            let store = try Store(directory: directory)
            try store.close()
            let snapshot = try lines(fileURL(directory, Store.Files.snapshot))
            #expect(snapshot.count == 1)
            let reopened = try Store(directory: directory)
            #expect(reopened.book.count == 0)
            #expect(reopened.book.seq == 0)
        }
    }

    @Test func readerOfAMissingDirectoryCreatesNothing() throws {
        try withTemporaryDirectory { root in
            let directory = root.appendingPathComponent("absent")
            let store = try Store(directory: directory, write: false)
            #expect(store.isReadOnly)
            #expect(store.readOnlyReason == .readOnly(holder: nil))
            #expect(store.book.count == 0)
            #expect(!Posix.exists(directory.path))
            #expect(throws: StoreError.readOnly(holder: nil)) { try register(store) }
        }
    }

    @Test func aFileInsteadOfADirectoryIsRefused() throws {
        try withTemporaryDirectory { root in
            let path = fileURL(root, "data")
            try write(Array("x".utf8), to: path)
            #expect(throws: StoreError.notADirectory(path.path)) { try Store(directory: path) }
            #expect(try bytes(path) == Array("x".utf8))
        }
    }

    @Test func filesAndDirectoriesArePrivate() throws {
        let previous = umask(0o022)
        defer { umask(previous) }
        try withTemporaryDirectory { root in
            let directory = root.appendingPathComponent("data")
            let store = try Store(directory: directory)
            #expect(permissions(directory.path) == 0o700)
            try register(store)
            try store.compact()
            try register(store)
            try store.compact()
            try register(store)
            for name in [Store.Files.snapshot, Store.Files.journal, Store.Files.lock] {
                #expect(permissions(fileURL(directory, name).path) == 0o600, "\(name)")
            }
            let backups = fileURL(directory, Store.Files.backups)
            #expect(permissions(backups.path) == 0o700)
            let names = Store.backups(in: directory)
            #expect(names.count == 1)
            for name in names {
                #expect(permissions(backups.appendingPathComponent(name).path) == 0o600, "\(name)")
            }
            try store.close()
            #expect(permissions(fileURL(directory, Store.Files.snapshot).path) == 0o600)
        }
    }

    @Test func anExistingOpenDirectoryIsMadePrivate() throws {
        try withTemporaryDirectory { root in
            let directory = root.appendingPathComponent("data")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false,
                                                    attributes: [.posixPermissions: 0o755])
            #expect(permissions(directory.path) == 0o755)
            let store = try Store(directory: directory)
            #expect(permissions(directory.path) == 0o700)
            try store.close()
        }
    }

    @Test func backupsAreRotated() throws {
        try withTemporaryDirectory { root in
            let store = try Store(directory: root)
            for _ in 0..<8 {
                try register(store)
                try store.compact()
            }
            // Nothing to fold: no new backup.
            try store.compact()
            let names = Store.backups(in: root)
            #expect(names.count == Store.backupsKept)
            let listed = try FileManager.default.contentsOfDirectory(atPath: fileURL(root, Store.Files.backups).path)
            #expect(listed.count == Store.backupsKept)
            var seqs: [Int] = []
            for name in names {
                let contents = try SnapshotFile.read(try bytes(fileURL(root, "\(Store.Files.backups)/\(name)")), sealing: PlainLines())
                #expect(contents.digests.count == contents.header.seq)
                seqs.append(contents.header.seq)
            }
            // The first compaction had no snapshot to keep; the newest backup is the snapshot
            // replaced by the last compaction, and it comes last.
            #expect(seqs == [3, 4, 5, 6, 7])
            #expect(store.newestBackup() == "\(Store.Files.backups)/\(names.last!)")
            #expect(names.last!.hasPrefix("snapshot-000000007-"))
            try store.close()
        }
    }

    @Test func journalOlderThanTheSnapshotIsSkipped() throws {
        try withTemporaryDirectory { root in
            // A session killed after five changes: only the journal holds them.
            try commitWithoutClosing(root, count: 5)
            let journal = fileURL(root, Store.Files.journal)
            let fullJournal = try bytes(journal)
            let firstThree = try lines(journal).prefix(3).joined(separator: "\n") + "\n"

            // A compaction of the first three, then a crash after the snapshot's rename and
            // before the journal was emptied: the journal still holds lines 1 to 5.
            try write(Array(firstThree.utf8), to: journal)
            try Store(directory: root).close()
            #expect(try SnapshotFile.read(try bytes(fileURL(root, Store.Files.snapshot)), sealing: PlainLines()).header.seq == 3)
            try write(fullJournal, to: journal)

            let store = try Store(directory: root)
            #expect(store.book.count == 5)
            #expect(store.book.seq == 5)
            #expect(Set(try store.book.allCases().map(\.number)).count == 5)
            #expect(store.book.nextNumber(prefix: "GAO") == "GAO-000006")
            #expect(store.journalLines == 5)
            #expect(try register(store).number == "GAO-000006")
            try store.close()

            let reopened = try Store(directory: root)
            #expect(reopened.book.count == 6)
            #expect(reopened.book.seq == 6)
            #expect(try bytes(journal).isEmpty)
            try reopened.close()
        }
    }

    @Test func journalEntirelyInTheSnapshotIsSkipped() throws {
        try withTemporaryDirectory { root in
            try commitWithoutClosing(root, count: 3)
            let journal = fileURL(root, Store.Files.journal)
            let old = try bytes(journal)
            try Store(directory: root).close()
            try write(old, to: journal)

            do {
                // Killed again, after one more change appended behind the stale lines.
                let store = try Store(directory: root)
                #expect(store.book.count == 3)
                #expect(store.book.seq == 3)
                #expect(try register(store).number == "GAO-000004")
            }
            let reopened = try Store(directory: root)
            #expect(reopened.book.count == 4)
            #expect(reopened.book.seq == 4)
            #expect(reopened.journalLines == 4)
        }
    }
}
