#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import RetourCore

@Suite("Store: commit lock and presence")
struct StoreLockTests {
    /// Before several writers, a second session could only read: now both write, each reading
    /// what the other appended before its own commit.
    @Test func secondSessionInTheSameProcessAlsoWrites() throws {
        try withTemporaryDirectory { root in
            let first = try Store(directory: root, user: "awa")
            #expect(!first.isReadOnly)
            try register(first)
            // flock locks belong to an open file description: a second store in one process is
            // another session, as another process would be.
            let second = try Store(directory: root, user: "amadou")
            #expect(!second.isReadOnly)
            #expect(second.book.count == 1)
            #expect(try second.othersInside().map { $0.hasPrefix("awa (") } == [true])
            #expect(try first.othersInside().map { $0.hasPrefix("amadou (") } == [true])
            let text = try #require(try first.othersInside().first)
            #expect(text.range(of: #"^\S+ \(\d{4}-\d{2}-\d{2} \d{2}:\d{2}\)$"#, options: .regularExpression) != nil)

            // Numbers allocated under the lock: the first's book is one case behind.
            try second.commit(StoreWritersTests.registration(2), as: .anyone("amadou"))
            try first.commit(StoreWritersTests.registration(3), as: .anyone("awa"))
            #expect(first.book.count == 3 && second.book.count == 2)
            #expect(try second.refresh())
            #expect(second.book.count == 3)
            #expect(second.takeOutsideChanges().entries.map(\.seq) == [3])

            // The first to close is not the last writer: it leaves the journal as it is.
            try first.close()
            #expect(!Posix.exists(fileURL(root, Store.Files.snapshot).path))
            #expect(try second.othersInside().isEmpty)
            try second.close()
            #expect(Posix.exists(fileURL(root, Store.Files.snapshot).path))
            let reopened = try Store(directory: root, write: false)
            #expect(reopened.book.count == 3)
            #expect(reopened.journalLines == 0)
        }
    }

    @Test func droppingAStoreReleasesItsLock() throws {
        try withTemporaryDirectory { root in
            try commitWithoutClosing(root, count: 1)
            let store = try Store(directory: root)
            #expect(!store.isReadOnly)
            #expect(try store.othersInside().isEmpty)
            try store.close()
        }
    }

    /// A process killed while it holds the commit lock: the kernel releases it, and the commit
    /// waiting for it goes through.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/flock")))
    func commitLockOfAKilledProcessIsReleased() throws {
        try withTemporaryDirectory { root in
            let store = try Store(directory: root)
            let lock = fileURL(root, Store.Files.lock).path
            let ready = fileURL(root, "holder-ready").path
            // The shell opens the lock file, flock(1) locks that open file, and the shell
            // becomes `sleep`, which keeps it: killing that one process must free the lock.
            let child = Process()
            child.executableURL = URL(fileURLWithPath: "/bin/sh")
            child.arguments = ["-c", #"exec 9>>"$1" && /usr/bin/flock -n 9 && : > "$2" && exec sleep 60"#, "sh", lock, ready]
            try child.run()
            defer {
                if child.isRunning { kill(child.processIdentifier, SIGKILL) }
            }
            let deadline = Date().addingTimeInterval(5)
            while !Posix.exists(ready) && child.isRunning && Date() < deadline { usleep(5_000) }
            try #require(Posix.exists(ready), "the helper process did not take the lock")

            let done = DispatchSemaphore(value: 0)
            nonisolated(unsafe) var outcome: Result<Void, Error>?
            nonisolated(unsafe) let waiting = store
            Thread.detachNewThread {
                outcome = Result { try register(waiting) }
                done.signal()
            }
            // It waits for the lock rather than write beside the holder.
            #expect(done.wait(timeout: .now() + 0.3) == .timedOut)
            #expect(kill(child.processIdentifier, SIGKILL) == 0)
            child.waitUntilExit()
            #expect(child.terminationReason == .uncaughtSignal)
            #expect(done.wait(timeout: .now() + 5) == .success)
            #expect(throws: Never.self) { try outcome?.get() }
            #expect(store.book.count == 1)
            try register(store)
            try store.close()
            #expect(try Store(directory: root, write: false).book.count == 2)
        }
    }

    /// A session waiting for the commit lock to save reads the lines the holder appends only
    /// once it holds it, and decodes none of their cases: its save defers them
    /// (`CaseBook.deferred`), so that the lock, which every other session waits for, is held
    /// for its own change.
    @Test func aSessionWaitingForTheLockDecodesNoneOfTheHoldersCases() throws {
        try withTemporaryDirectory { root in
            let setup = try Store(directory: root)
            let first = try register(setup), second = try register(setup)
            try setup.close()  // Both cases in the snapshot.
            let store = try Store(directory: root)

            // This test holds the commit lock, as another session committing would.
            let lockFD = open(fileURL(root, Store.Files.lock).path, O_RDWR | O_CLOEXEC)
            defer { close(lockFD) }
            try #require(lockFD >= 0 && flock(lockFD, LOCK_EX) == 0)
            let done = DispatchSemaphore(value: 0)
            nonisolated(unsafe) var outcome: Result<JournalEntry, Error>?
            nonisolated(unsafe) let waiting = store
            Thread.detachNewThread {
                outcome = Result { try waiting.commit(.addNote(id: second.id, note: StoreWritersTests.note("mine")), as: .anyone("awa")) }
                done.signal()
            }
            #expect(done.wait(timeout: .now() + 0.1) == .timedOut)
            // The holder's line, appended while the session waits.
            let line = JournalEntry(seq: 3, by: "moussa", at: Store.wholeSeconds(Date()),
                                    change: .addNote(id: first.id, note: StoreWritersTests.note("theirs")))
            let journal = open(fileURL(root, Store.Files.journal).path, O_WRONLY | O_APPEND | O_CLOEXEC)
            try #require(journal >= 0)
            let bytes = Array(try Store.encoder.encode(line)) + [0x0A]
            #expect(write(journal, bytes, bytes.count) == bytes.count)
            close(journal)
            #expect(done.wait(timeout: .now() + 0.2) == .timedOut)

            flock(lockFD, LOCK_UN)
            #expect(done.wait(timeout: .now() + 5) == .success)
            #expect(try outcome?.get().seq == 4)
            #expect(store.book.snapshot?.isHeld(first.id) == false)
            #expect(store.book[first.id]?.notes.map(\.text) == ["theirs"])
            #expect(store.book[second.id]?.notes.map(\.text) == ["mine"])
            try store.close()
        }
    }
}
