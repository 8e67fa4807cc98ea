#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import RetourCore
import RetourTestSupport

/// A compaction while other sessions are open: the snapshot is written without the commit
/// lock (the others keep committing), and a session that has read everything the new
/// snapshot holds keeps its book rather than reading every case again.
@Suite("Store: compaction alongside other sessions")
struct CompactionAlongsideTests {
    static func register(_ index: Int, id: UUID = UUID()) -> Change {
        .register(id: id, number: CaseBook.numberToAllocate(prefix: "GAO"), profile: sampleProfile("Keïta", "Bintou\(index)"))
    }

    /// Whether the commit lock of `root` can be taken right now by another open file.
    static func commitLockIsFree(_ root: URL) -> Bool {
        let fd = open(root.appendingPathComponent(Store.Files.lock).path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { return false }
        _ = flock(fd, LOCK_UN)
        return true
    }

    /// Two writing sessions (awa, moussa) on a new directory, closed after `body` if it did not.
    static func withTwoSessions(_ body: (URL, Store, Store) throws -> Void) throws {
        try withTemporaryDirectory { root in
            let first = try Store(directory: root, user: "awa")
            let second = try Store(directory: root, user: "moussa")
            try body(root, first, second)
            try first.close()
            try second.close()
        }
    }

    /// Every session in `sessions` holds what a fresh reading of the directory holds (returned).
    @discardableResult
    static func expectAsFresh(_ sessions: [Store], in root: URL, sourceLocation: SourceLocation = #_sourceLocation) throws -> BookState {
        let fresh = try BookState(Store(directory: root, write: false).book)
        for session in sessions { #expect(try BookState(session.book) == fresh, sourceLocation: sourceLocation) }
        return fresh
    }

    @Test func aSessionCaughtUpFollowsAnotherCompactionWithoutReadingAgain() throws {
        try Self.withTwoSessions { root, first, second in
            try first.commit(Self.register(1), as: .anyone("awa"))
            try second.commit(Self.register(2), as: .anyone("moussa"))
            try first.commit(Self.register(3), as: .anyone("awa"))
            try second.refresh()
            _ = second.takeOutsideChanges()
            try first.compact()
            #expect(first.journalLines == 0)
            // Nothing new for the second: it only takes the new files as its own.
            #expect(try second.refresh() == false)
            #expect(second.takeOutsideChanges().isEmpty)
            try first.commit(Self.register(4), as: .anyone("awa"))
            try second.commit(Self.register(5), as: .anyone("moussa"))
            let outside = second.takeOutsideChanges()
            #expect(!outside.reloaded)
            #expect(outside.entries.map(\.seq) == [4])
            #expect(second.journalLines == 2)
            #expect(try first.refresh())
            #expect(!first.takeOutsideChanges().reloaded)
            let fresh = try BookState(Store(directory: root, write: false).book)
            #expect(fresh.seq == 5)
            #expect(try BookState(second.book) == fresh)
            #expect(try BookState(first.book) == fresh)
            // Its cases still read from the snapshot it opened, renamed over since.
            let numbers = try second.book.allCases().map(\.number).sorted()
            #expect(numbers == (1...5).map { String(format: "GAO-%06d", $0) })
            try first.close()
            try second.close()
            #expect(try BookState(Store(directory: root, write: false).book) == fresh)
        }
    }

    /// Behind the new snapshot, a session reads what it missed from the journal the compaction
    /// replaced (still open) and follows, rather than reading every case again under the lock.
    @Test func aSessionBehindTheNewSnapshotReadsTheRestOfTheReplacedJournal() throws {
        try Self.withTwoSessions { root, first, second in
            try second.commit(Self.register(1), as: .anyone("moussa"))
            try first.commit(Self.register(2), as: .anyone("awa"))
            try first.compact()
            #expect(try second.refresh())
            let outside = second.takeOutsideChanges()
            #expect(!outside.reloaded)
            #expect(outside.entries.map(\.seq) == [2])
            #expect(try BookState(second.book) == BookState(first.book))
            try second.commit(Self.register(3), as: .anyone("moussa"))
            #expect(try first.refresh())
            let fresh = try Self.expectAsFresh([first, second], in: root)
            #expect(fresh.seq == 3)
            try first.close()
            try second.close()
            #expect(try BookState(Store(directory: root, write: false).book) == fresh)
        }
    }

    /// Cases decoded ahead of the commit lock (those others' lines change) are the snapshot's,
    /// handed out once, and a commit that uses them ends on the same book as a fresh reading.
    @Test func casesPreparedAheadOfTheLockAreTheSnapshotsOwn() throws {
        try withTemporaryDirectory { root in
            let ids = (0..<3).map { _ in UUID() }
            let setup = try Store(directory: root, user: "awa")
            for (index, id) in ids.enumerated() { try setup.commit(Self.register(index, id: id), as: .anyone("awa")) }
            try setup.close()
            let first = try Store(directory: root, user: "awa")
            let second = try Store(directory: root, user: "moussa")
            let snapshot = try #require(first.book.snapshot)
            let decoded = try ids.map { try snapshot.read($0) }
            first.book.prepare(ids + [UUID()])
            #expect(try ids.map { try snapshot.read($0) } == decoded)
            for id in ids {
                try second.commit(.addNote(id: id, note: Note(id: UUID(), text: "seen", by: "moussa", at: Date())),
                                  as: .anyone("moussa"))
            }
            try first.commit(Self.register(9), as: .anyone("awa"))
            // The save deferred the other's notes (their cases' digests still show the time
            // before them): applied when idle, as here.
            try first.refresh()
            try second.refresh()
            try Self.expectAsFresh([first, second], in: root)
            #expect(try first.book.read(ids[0])?.notes.map(\.text) == ["seen"])
            try first.close()
            try second.close()
        }
    }

    /// Two compactions behind, the lines between them are in neither file it holds: it reads
    /// everything again.
    @Test func aSessionTwoCompactionsBehindReadsEverythingAgain() throws {
        try Self.withTwoSessions { root, first, second in
            try second.commit(Self.register(1), as: .anyone("moussa"))
            try first.commit(Self.register(2), as: .anyone("awa"))
            try first.compact()
            try first.commit(Self.register(3), as: .anyone("awa"))
            try first.compact()
            #expect(try second.refresh())
            #expect(second.takeOutsideChanges().reloaded)
            #expect(try BookState(second.book) == BookState(first.book))
        }
    }

    /// Others commit while the snapshot is written: the commit lock is free meanwhile, their
    /// changes land in the new journal, and everyone, fresh or open, sees each once.
    @Test func commitsByAnotherSessionDuringTheSnapshotWriteAreKept() throws {
        try withTemporaryDirectory { root in
            let first = try Store(directory: root, user: "awa")
            let second = try Store(directory: root, user: "moussa")
            for index in 1...3 { try first.commit(Self.register(index), as: .anyone("awa")) }
            try second.refresh()
            var lockFree: [Bool] = []
            try first.compact { _ in
                guard lockFree.isEmpty else { return }
                lockFree.append(Self.commitLockIsFree(root))
                guard lockFree == [true] else { return }
                for index in 4...6 { try? second.commit(Self.register(index), as: .anyone("moussa")) }
            }
            #expect(lockFree == [true])
            #expect(second.book.seq == 6)
            // The new journal holds exactly the lines after the snapshot.
            #expect(first.journalLines == 3)
            #expect(first.book.seq == 6)
            let journal = try Data(contentsOf: root.appendingPathComponent(Store.Files.journal))
            let seqs = try journal.split(separator: 0x0A).map { try LineDecoder().decode(JournalEntry.self, from: Data($0)).seq }
            #expect(seqs == [4, 5, 6])
            #expect(try second.refresh() == false)
            try second.commit(Self.register(7), as: .anyone("moussa"))
            #expect(!second.takeOutsideChanges().reloaded)
            let fresh = try BookState(Store(directory: root, write: false).book)
            #expect(fresh.seq == 7)
            #expect(try BookState(second.book) == fresh)
            try first.refresh()
            #expect(try BookState(first.book) == fresh)
            try first.close()
            try second.close()
            let closed = try Store(directory: root, write: false)
            #expect(try BookState(closed.book) == fresh)
            #expect(closed.journalLines == 0)
        }
    }

    /// A crash after the new snapshot is renamed in and before the journal is: the old
    /// journal's lines up to the snapshot's sequence number are skipped on opening.
    @Test func journalLinesAlreadyInTheSnapshotAreSkippedOnOpening() throws {
        try withTemporaryDirectory { root in
            let store = try Store(directory: root, user: "awa")
            for index in 1...3 { try store.commit(Self.register(index), as: .anyone("awa")) }
            let journalPath = root.appendingPathComponent(Store.Files.journal)
            let oldJournal = try Data(contentsOf: journalPath)
            try store.compact()
            try store.close()
            let fd = open(journalPath.path, O_WRONLY | O_TRUNC | O_CLOEXEC)
            #expect(fd >= 0)
            _ = oldJournal.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
            let reopened = try Store(directory: root, user: "awa")
            #expect(reopened.book.seq == 3 && reopened.book.count == 3)
            try reopened.commit(Self.register(4), as: .anyone("awa"))
            let state = try BookState(reopened.book)
            try reopened.close()
            #expect(try BookState(Store(directory: root, write: false).book) == state)
        }
    }

    /// Two sessions; one compacts while the other commits in the middle of the snapshot's
    /// write; the power cut after every operation: the disk opens to every confirmed change
    /// once, and stays usable.
    @Test func aCompactionAlongsideACommitWithACrashAtEveryOperation() throws {
        let data = try Simulated.dataDisk(closedSessions: 2, openChanges: 1)
        let ids = (0..<4).map { _ in UUID() }
        func register(_ index: Int) -> Change { Self.register(index, id: ids[index]) }
        // `confirmed(step)` once a step returned; `inner()` once the commit made during the
        // compaction returned.
        func run(_ disk: SimulatedDisk, inner: @escaping () -> Void, confirmed: (Int) -> Void) throws {
            let first = try Simulated.open(disk)
            let second = try Simulated.open(disk)
            var committed = false
            var failure: Error?
            let steps: [() throws -> Void] = [
                { try first.commit(register(0), as: .anyone(Simulated.author), at: Simulated.time) },
                { try second.commit(register(1), as: .anyone("moussa"), at: Simulated.time) },
                {
                    try first.compact { _ in
                        guard !committed, failure == nil else { return }
                        do {
                            try second.commit(register(2), as: .anyone("moussa"), at: Simulated.time)
                            committed = true
                            inner()
                        } catch {
                            failure = error
                        }
                    }
                    if let failure { throw failure }
                },
                { try second.commit(register(3), as: .anyone("moussa"), at: Simulated.time) },
                { try first.close() },
                { try second.close() },
            ]
            for (index, step) in steps.enumerated() {
                try step()
                confirmed(index)
            }
        }
        let dry = data.disk.copy()
        var states: [BookState] = [try BookState(Simulated.open(data.disk.copy(), write: false).book)]
        var innerState: BookState?
        try run(dry, inner: { innerState = try! BookState(Simulated.open(dry.copy(), write: false).book) }) { _ in
            states.append(try! BookState(Simulated.open(dry.copy(), write: false).book))
        }
        let count = dry.operationCount
        #expect(states.count == 7)
        #expect(innerState == states[3])
        #expect(states[3].seq == states[2].seq + 1)
        let scenario = CrashAtEveryOperationTests.Scenario(name: "compaction alongside", base: data.disk) { _, _ in }
        var crashes = 0
        for k in 0...count {
            let disk = data.disk.copy()
            disk.crashAt(k)
            var done = -1, innerDone = false
            do {
                try run(disk, inner: { innerDone = true }) { done = $0 }
            } catch {
                if !disk.isStopped { Issue.record("crash after operation \(k): \(error) before the crash") }
            }
            disk.stop()
            var allowed = [states[done + 1], states[min(done + 2, states.count - 1)]]
            // The commit made during the compaction was confirmed: it must be there.
            if innerDone && done == 1 { allowed = [states[3]] }
            for crash in disk.possibleCrashes {
                crashes += 1
                CrashAtEveryOperationTests().check(disk.crash(crash), "compaction alongside: crash after operation \(k) of \(count), \(crash)",
                                                   scenario: scenario, allowed: allowed)
            }
        }
        #expect(crashes > 50)
    }
}
