#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import RetourCore
import RetourTestSupport

/// Several writing sessions on one data directory: each commit takes the commit lock, reads
/// what the others appended, allocates numbers and checks under it.
@Suite("Store: several writers")
struct StoreWritersTests {
    static func registration(_ index: Int, prefix: String = "GAO") -> Change {
        .register(id: UUID(), number: CaseBook.numberToAllocate(prefix: prefix),
                  profile: sampleProfile("Writer\(index / 1000)", "Case\(index % 1000)"))
    }

    static func note(_ text: String) -> Note {
        Note(id: UUID(), text: text, by: "awa", at: Date())
    }

    /// `body(writer, index)` `each` times on each of `writers` threads at once; what it threw,
    /// described ("writer/index: error").
    static func onThreads(_ writers: Int, _ each: Int, _ body: @escaping @Sendable (Int, Int) throws -> Void) -> [String] {
        nonisolated(unsafe) var failures: [String] = []
        let mutex = NSLock()
        DispatchQueue.concurrentPerform(iterations: writers) { writer in
            for index in 0..<each {
                do {
                    try body(writer, index)
                } catch {
                    mutex.lock()
                    failures.append("\(writer)/\(index): \(error)")
                    mutex.unlock()
                }
            }
        }
        return failures
    }

    /// Threads, each with its own store (its own open files, as another process), registering
    /// cases and adding notes to one case at once: every change is there once, in one order
    /// every session sees, and the numbers are unique and gapless.
    @Test func writersOnThreadsCommitDisjointAndSameCaseChanges() throws {
        try withTemporaryDirectory { root in
            let setup = try Store(directory: root)
            let shared = try register(setup)
            try setup.close()
            let writers = 4, each = 20
            nonisolated(unsafe) let stores = try (0..<writers).map { try Store(directory: root, user: "writer\($0)") }
            let failures = Self.onThreads(writers, each) { writer, index in
                try stores[writer].commit(Self.registration(writer * 1000 + index), as: .anyone("writer\(writer)"))
                try stores[writer].commit(.addNote(id: shared.id, note: Self.note("w\(writer) n\(index)")), as: .anyone("writer\(writer)"))
            }
            #expect(failures.isEmpty, "\(failures)")
            for store in stores { try store.refresh() }
            let total = 1 + writers * each
            let numbers = try stores[0].book.allCases().map(\.number).sorted()
            #expect(numbers == (1...total).map { String(format: "GAO-%06d", $0) })
            let reference = try BookState(stores[0].book)
            #expect(reference.seq == 1 + 2 * writers * each)
            for store in stores.dropFirst() { #expect(try BookState(store.book) == reference) }
            let notes = try #require(try stores[0].book.read(shared.id)).notes
            #expect(notes.count == writers * each)
            #expect(Set(notes.map(\.text)).count == writers * each)
            for store in stores { try store.close() }
            let reopened = try Store(directory: root, write: false)
            #expect(try BookState(reopened.book) == reference)
            #expect(reopened.journalLines == 0)
        }
    }

    /// Threads committing while two of them fold the journal whenever it passes a few lines:
    /// a compaction completes the history with the changes it read (`historyBeforeCompacting`)
    /// while their writers may be recording them. Each change reaches the history once, in
    /// the journal's order.
    @Test func compactionsAmongWritersRecordEachChangeOnce() throws {
        try withTemporaryDirectory { root in
            let writers = 4, each = 25
            nonisolated(unsafe) let stores = try (0..<writers).map { try Store(directory: root, user: "writer\($0)") }
            for store in stores.prefix(2) { store.compactionThreshold = 2_000 }
            let failures = Self.onThreads(writers, each) { writer, index in
                try stores[writer].commit(Self.registration(writer * 1000 + index), as: .anyone("writer\(writer)"))
            }
            #expect(failures.isEmpty, "\(failures)")
            for store in stores { try store.close() }
            let reopened = try Store(directory: root, write: false)
            #expect(try StoreHistoryTests.changes(in: reopened) == Array(1...(writers * each)))
        }
    }

    /// The time of a change is taken before its save waits for the lock, so the history's
    /// times may go back a little (a later save taken first). Completing the history at an
    /// opening still finds the changes it holds: none is written twice.
    @Test func completingTheHistoryFindsChangesWhoseTimesGoBack() throws {
        try withTemporaryDirectory { root in
            let first = try Store(directory: root, user: "awa")
            let now = Date()
            try first.commit(Self.registration(1), as: .anyone("awa"), at: now + 30)
            try first.commit(Self.registration(2), as: .anyone("awa"), at: now)
            try first.recordEvent(.signIn(login: "moussa"), by: "moussa", at: now - 1)
            try first.commit(Self.registration(3), as: .anyone("awa"), at: now)
            let second = try Store(directory: root, user: "moussa")
            #expect(try StoreHistoryTests.changes(in: second) == [1, 2, 3])
            try second.close()
            try first.close()
        }
    }

    /// A session that was away while another saved many lines reads them a batch at a time
    /// (the lock let go between batches, so that writers do not wait for them all): every
    /// line once, in order, whatever the number.
    @Test(arguments: [Store.linesPerSharedRead - 1, Store.linesPerSharedRead, Store.linesPerSharedRead + 1, 3 * Store.linesPerSharedRead + 5])
    func manyLinesAreReadInBatchesEachOnce(_ count: Int) throws {
        try withTemporaryDirectory { root in
            let first = try Store(directory: root, user: "awa")
            let second = try Store(directory: root, user: "moussa")
            let shared = try register(first)
            #expect(try second.refresh())
            _ = second.takeOutsideChanges()
            for index in 0..<count {
                try first.commit(.addNote(id: shared.id, note: Self.note("n\(index)")), as: .anyone("awa"))
            }
            #expect(try second.refresh())
            #expect(second.takeOutsideChanges().entries.map(\.seq) == Array(2...(count + 1)))
            #expect(second.book[shared.id]?.notes.map(\.text) == (0..<count).map { "n\($0)" })
            #expect(try second.refresh() == false)
            try second.close()
            try first.close()
        }
    }

    @Test func theEndOfTheFirstLines() {
        let bytes = Array("a\nbb\n\nccc\nd".utf8)
        #expect(Store.end(ofLines: 1, in: bytes) == 2)
        #expect(Store.end(ofLines: 2, in: bytes) == 5)
        #expect(Store.end(ofLines: 4, in: bytes) == 10)
        #expect(Store.end(ofLines: 5, in: bytes) == nil)
    }

    /// Processes: `retour`-less, the test binary cannot fork a store; threads with separate
    /// open files are what the kernel's flock sees as separate sessions. Here a compaction by
    /// one writer while another is open: the other follows the new snapshot, applies nothing twice.
    @Test func aCompactionWhileAnotherSessionIsOpen() throws {
        try withTemporaryDirectory { root in
            let first = try Store(directory: root, user: "awa")
            let second = try Store(directory: root, user: "moussa")
            try first.commit(Self.registration(1), as: .anyone("awa"))
            try second.commit(Self.registration(2), as: .anyone("moussa"))
            #expect(second.takeOutsideChanges().entries.map(\.seq) == [1])
            try first.compact()
            #expect(first.journalLines == 0)
            // The second still reads from the snapshot it opened, notices the new one, and having
            // read everything it holds, takes it as its own without reading it.
            #expect(try second.refresh() == false)
            #expect(second.takeOutsideChanges().isEmpty)
            #expect(second.book.count == 2 && second.book.seq == 2)
            try second.commit(Self.registration(3), as: .anyone("moussa"))
            try first.commit(Self.registration(4), as: .anyone("awa"))
            #expect(first.book.count == 4 && first.book.seq == 4)
            #expect(try first.book.allCases().map(\.number).sorted() == (1...4).map { String(format: "GAO-%06d", $0) })
            // By size: a tiny threshold makes the next commit fold the journal.
            second.compactionThreshold = 1
            try second.commit(Self.registration(5), as: .anyone("moussa"))
            #expect(second.journalLines == 0)
            try first.commit(.addNote(id: try #require(second.book.find(numberOf: "GAO-000005")), note: Self.note("vu")),
                             as: .anyone("awa"))
            #expect(first.book.seq == 6)
            let state = try BookState(first.book)
            try first.close()
            try second.close()
            #expect(try BookState(Store(directory: root, write: false).book) == state)
        }
    }

    /// A save beside another session that saved meanwhile writes its line and its history
    /// entry, and makes the line durable: nothing more (no file opened again, no directory
    /// synced, as when a compaction is followed), before and after the other compacted.
    @Test func aSaveAfterAnothersWritesOnlyItsLineAndItsHistory() throws {
        let data = try Simulated.dataDisk(closedSessions: 1, openChanges: 1)
        let first = try Simulated.open(data.disk)
        let second = try Simulated.open(data.disk)
        func expectOnlyItsOwnWrites(_ sourceLocation: SourceLocation = #_sourceLocation) throws {
            try first.commit(.addNote(id: data.followed, note: Self.note("De awa.")), as: .anyone(Simulated.author))
            let before = data.disk.operations.count
            try second.commit(.addNote(id: data.registered, note: Self.note("De moussa.")), as: .anyone("moussa"))
            #expect(data.disk.operations.dropFirst(before).map { $0.split(separator: " ").prefix(2).joined(separator: " ") }
                    == ["write journal.jsonl", "write history.jsonl", "sync journal.jsonl"], sourceLocation: sourceLocation)
        }
        try expectOnlyItsOwnWrites()
        try first.compact()
        try second.refresh()
        try expectOnlyItsOwnWrites()
        try second.compact()
        try first.refresh()
        try expectOnlyItsOwnWrites()
    }

    /// A number chosen before another session registered is not the one saved: the store
    /// allocates it under the lock. An explicit number already taken is still refused.
    @Test func numbersAreAllocatedUnderTheLock() throws {
        try withTemporaryDirectory { root in
            let first = try Store(directory: root, user: "awa")
            let second = try Store(directory: root, user: "moussa")
            let entry1 = try first.commit(Self.registration(1), as: .anyone("awa"))
            let entry2 = try second.commit(Self.registration(2), as: .anyone("moussa"))
            guard case .register(let id1, let number1, _) = entry1.change,
                  case .register(let id2, let number2, _) = entry2.change else { Issue.record("not registrations"); return }
            #expect(number1 == "GAO-000001" && number2 == "GAO-000002")
            #expect(second.book.number(of: id1) == "GAO-000001" && second.book.number(of: id2) == "GAO-000002")
            #expect(throws: ChangeError.self) {
                try first.commit(.register(id: UUID(), number: "GAO-000002", profile: sampleProfile("Autre", "Personne")),
                                 as: .anyone("awa"))
            }
        }
    }

    /// One writer's append fails and even taking it back fails: the next writer, under the
    /// lock, cuts the incomplete line; the first never cuts the other's line.
    @Test func aFailedAppendIsCutOnlyToWhereItsOwnLineBegan() throws {
        let data = try Simulated.dataDisk(closedSessions: 1, openChanges: 1)
        let disk = data.disk
        let first = try Simulated.open(disk)
        let second = try Simulated.open(disk)
        disk.failAt(1, with: ENOSPC, partialWrite: true)
        disk.fail([.truncate], with: EIO)
        #expect(throws: FileError.self) {
            try first.commit(.addNote(id: data.followed, note: Self.note("Refusée.")), as: .anyone(Simulated.author))
        }
        disk.clearFaults()
        try second.commit(.addNote(id: data.registered, note: Self.note("De moussa.")), as: .anyone("moussa"))
        try first.commit(.addNote(id: data.followed, note: Self.note("Reprise.")), as: .anyone(Simulated.author))
        try first.refresh()  // What its save deferred of the other's, applied as when idle.
        let state = try BookState(first.book)
        try second.refresh()
        #expect(try BookState(second.book) == state)
        let texts = state.cases.flatMap(\.notes).map(\.text)
        #expect(texts.contains("De moussa.") && texts.contains("Reprise.") && !texts.contains("Refusée."))
        for reopened in [disk.copy(), disk.crash(.init(writes: .dropped, entries: .undone))] {
            let store = try Simulated.open(reopened)
            #expect(store.droppedTornBytes == 0)
            #expect(try BookState(store.book) == state)
        }
    }

    /// A case read one at a time (a case screen) stays decoded, so that its save does not
    /// decode it again; reading every case (an export) keeps none of them.
    @Test func aCaseReadAloneStaysDecodedForItsSave() throws {
        try withTemporaryDirectory { root in
            let setup = try Store(directory: root)
            let shown = try register(setup), other = try register(setup)
            try setup.close()  // Both cases in the snapshot.
            let store = try Store(directory: root, user: "awa")
            let snapshot = try #require(store.book.snapshot)
            #expect(!snapshot.isHeld(shown.id))
            _ = try store.reader(for: .anyone("awa")).allCases()
            #expect(!snapshot.isHeld(shown.id) && !snapshot.isHeld(other.id))
            #expect(try store.reader(for: .anyone("awa")).read(shown.id)?.id == shown.id)
            #expect(snapshot.isHeld(shown.id))
            try store.commit(.addNote(id: shown.id, note: Self.note("seen")), as: .anyone("awa"))
            #expect(store.book[shown.id]?.notes.map(\.text) == ["seen"])
            try store.close()
        }
    }

    /// A save reads the lines others appended before it and defers what its check does not
    /// need: their cases are not decoded; reading such a case folds the change in; the
    /// session's next idle moment applies them, digests included, and tells them in order.
    @Test func aSaveDefersOthersChangesToTheirCases() throws {
        try withTemporaryDirectory { root in
            let setup = try Store(directory: root)
            let theirs = try register(setup), mine = try register(setup)
            try setup.close()  // Both cases in the snapshot.
            let other = try Store(directory: root, user: "moussa"), store = try Store(directory: root, user: "awa")
            let before = try #require(store.book.digest(theirs.id))
            try other.commit(.addNote(id: theirs.id, note: Self.note("theirs")), as: .anyone("moussa"), at: Date(timeIntervalSince1970: 2_000_000_000))
            try store.commit(.addNote(id: mine.id, note: Self.note("mine")), as: .anyone("awa"))

            #expect(store.book.hasDeferred)
            #expect(store.book.snapshot?.isHeld(theirs.id) == false)
            #expect(store.book.digest(theirs.id) == before)
            #expect(store.book[theirs.id]?.notes.map(\.text) == ["theirs"])
            #expect(store.book.version(of: theirs.id) == theirs.version + 1)
            #expect(store.takeOutsideChanges().isEmpty)

            #expect(try store.refresh())
            #expect(!store.book.hasDeferred)
            #expect(store.book.digest(theirs.id) != before)
            #expect(store.takeOutsideChanges().entries.map(\.seq) == [3])
            try other.refresh()
            #expect(try BookState(store.book) == BookState(other.book))
            #expect(try !store.refresh())
            try other.close()
            try store.close()
        }
    }

    /// A session that saves and is never idle keeps at most `deferredAtMost` changes of others
    /// waiting: after a save, the oldest cases' are applied until no more wait.
    @Test func aSessionNeverIdleAppliesTheOldestDeferredAfterASave() throws {
        try withTemporaryDirectory { root in
            let setup = try Store(directory: root)
            let older = try register(setup), newer = try register(setup), mine = try register(setup)
            try setup.close()
            let other = try Store(directory: root, user: "moussa"), store = try Store(directory: root, user: "awa")
            let count = Store.deferredAtMost / 2 + 10
            for id in [older.id, newer.id] {
                try other.commitBatch(as: .anyone("moussa")) { batch in
                    for index in 0..<count { try batch.add(.addNote(id: id, note: Self.note("n\(index)"))) }
                }
            }
            let newerBefore = store.book.digest(newer.id)
            try store.commit(.addNote(id: mine.id, note: Self.note("mine")), as: .anyone("awa"))
            #expect(store.book.deferredCount == count)
            #expect(store.book.deferred[older.id] == nil && store.book.deferred[newer.id]?.count == count)
            #expect(store.book.changed[older.id]?.notes.count == count)
            #expect(store.book.digest(newer.id) == newerBefore)
            #expect(store.takeOutsideChanges().entries.map(\.seq) == Array(4...(3 + count)))
            try other.close()
            try store.close()
        }
    }

    /// A change of another session, deferred by a save, then made on the same case by this one:
    /// the check sees it (a conflict on the same step), and nothing is applied twice.
    @Test func aDeferredChangeIsSeenByTheNextSaveOnItsCase() throws {
        try withTemporaryDirectory { root in
            let setup = try Store(directory: root)
            let item = try register(setup), elsewhere = try register(setup)
            try setup.close()
            let other = try Store(directory: root, user: "moussa"), store = try Store(directory: root, user: "awa")
            let version = item.version
            try other.commit(.assign(id: item.id, to: "moussa"), as: .anyone("moussa"), on: version)
            try store.commit(.addNote(id: elsewhere.id, note: Self.note("mine")), as: .anyone("awa"))
            #expect(store.book.hasDeferred)
            #expect(throws: ChangeError.self) {
                try store.commit(.assign(id: item.id, to: "awa"), as: .anyone("awa"), on: version)
            }
            try store.commit(.addNote(id: item.id, note: Self.note("after")), as: .anyone("awa"), on: version)
            let now = try #require(store.book[item.id])
            #expect(now.profile.assignedTo == "moussa" && now.notes.map(\.text) == ["after"] && now.version == version + 2)
            try store.refresh()
            try other.refresh()
            #expect(try BookState(store.book) == BookState(other.book))
            try other.close()
            try store.close()
        }
    }

    /// A session holding deferred changes compacts (past the threshold, or the last to close):
    /// the snapshot holds them.
    @Test(arguments: [false, true])
    func aCompactionWritesTheDeferredChanges(closing: Bool) throws {
        try withTemporaryDirectory { root in
            let setup = try Store(directory: root)
            let theirs = try register(setup), mine = try register(setup)
            try setup.close()
            let other = try Store(directory: root, user: "moussa"), store = try Store(directory: root, user: "awa")
            try other.commit(.addNote(id: theirs.id, note: Self.note("theirs")), as: .anyone("moussa"))
            try other.close()
            try store.commit(.addNote(id: mine.id, note: Self.note("mine")), as: .anyone("awa"))
            #expect(store.book.hasDeferred)
            if closing {
                try store.close()
            } else {
                try store.compact()
                #expect(!store.book.hasDeferred)
                try store.close()
            }
            let reopened = try Store(directory: root, write: false)
            #expect(reopened.book[theirs.id]?.notes.map(\.text) == ["theirs"])
            #expect(reopened.book[mine.id]?.notes.map(\.text) == ["mine"])
        }
    }

    /// A line no Retour would write (a note on a case, its id that of a note already there),
    /// deferred by a save: applying it refuses it, and the session reads the files again,
    /// as opening them would, rather than keep a book the journal contradicts.
    @Test func aDeferredLineTheRulesRefuseMakesTheSessionReadAgain() throws {
        try withTemporaryDirectory { root in
            let setup = try Store(directory: root)
            let theirs = try register(setup), mine = try register(setup)
            let note = Self.note("once")
            try setup.commit(.addNote(id: theirs.id, note: note), as: .anyone("awa"))
            try setup.close()
            let store = try Store(directory: root, user: "awa")
            let line = JournalEntry(seq: store.book.seq + 1, by: "moussa", at: Store.wholeSeconds(Date()),
                                    change: .addNote(id: theirs.id, note: note))
            let journal = open(fileURL(root, Store.Files.journal).path, O_WRONLY | O_APPEND | O_CLOEXEC)
            try #require(journal >= 0)
            let bytes = Array(try Store.encoder.encode(line)) + [0x0A]
            #expect(write(journal, bytes, bytes.count) == bytes.count)
            close(journal)
            try store.commit(.addNote(id: mine.id, note: Self.note("mine")), as: .anyone("awa"))
            #expect(store.book.hasDeferred)
            #expect(throws: (any Error).self) { try Store(directory: root, write: false) }
            #expect(throws: (any Error).self) { try store.refresh() }
        }
    }

    /// Two sessions on one disk, their commits and closings interleaved (the first to close
    /// does not compact, the last does), with the power cut after every operation: the disk
    /// opens to the state after the last confirmed step (or the step under way), and stays usable.
    @Test func twoWritersWithACrashAtEveryOperation() throws {
        let data = try Simulated.dataDisk(closedSessions: 2, openChanges: 1)
        let ids = (0..<3).map { _ in UUID() }
        let noteIDs = (0..<3).map { _ in UUID() }
        func note(_ index: Int) -> Note {
            Note(id: noteIDs[index], text: "Note \(index)", by: Simulated.author, at: Simulated.time)
        }
        func register(_ index: Int) -> Change {
            .register(id: ids[index], number: CaseBook.numberToAllocate(prefix: "GAO"), profile: sampleProfile("Keïta", "Bintou\(index)"))
        }
        // Each step on one of the two stores; `confirmed(step)` once it returned.
        func run(_ disk: SimulatedDisk, confirmed: (Int) -> Void) throws {
            let first = try Simulated.open(disk)
            let second = try Simulated.open(disk)
            let steps: [() throws -> Void] = [
                { try first.commit(.addNote(id: data.followed, note: note(0)), as: .anyone(Simulated.author), at: Simulated.time) },
                { try second.commit(register(0), as: .anyone("moussa"), at: Simulated.time) },
                { try first.commit(register(1), as: .anyone(Simulated.author), at: Simulated.time) },
                { try second.commit(.addNote(id: data.followed, note: note(1)), as: .anyone("moussa"), at: Simulated.time) },
                { try first.close() },
                { try second.commit(register(2), as: .anyone("moussa"), at: Simulated.time) },
                { try second.close() },
            ]
            for (index, step) in steps.enumerated() {
                try step()
                confirmed(index)
            }
        }
        let dry = data.disk.copy()
        var states: [BookState] = [try BookState(Simulated.open(data.disk.copy(), write: false).book)]
        try run(dry) { _ in states.append(try! BookState(Simulated.open(dry.copy(), write: false).book)) }
        let count = dry.operationCount
        #expect(states.count == 8)
        #expect(try states.last!.cases.map(\.number).filter { $0.hasPrefix("GAO") }.sorted().suffix(3)
                == ["GAO-000003", "GAO-000004", "GAO-000005"])
        let scenario = CrashAtEveryOperationTests.Scenario(name: "two writers", base: data.disk) { _, _ in }
        var crashes = 0
        for k in 0...count {
            let disk = data.disk.copy()
            disk.crashAt(k)
            var done = -1
            do {
                try run(disk) { done = $0 }
            } catch {
                if !disk.isStopped { Issue.record("crash after operation \(k): \(error) before the crash") }
            }
            disk.stop()
            // Closing changes nothing a reader sees: the state after a step is also that of the next close.
            let allowed = [states[done + 1], states[min(done + 2, states.count - 1)]]
            for crash in disk.possibleCrashes {
                crashes += 1
                CrashAtEveryOperationTests().check(disk.crash(crash), "two writers: crash after operation \(k) of \(count), \(crash)",
                                                   scenario: scenario, allowed: allowed)
            }
        }
        #expect(crashes > 50)
    }
}
