#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import RetourCore

@Suite("Store: session lock")
struct StoreLockTests {
    @Test func secondSessionInTheSameProcessOnlyReads() throws {
        try withTemporaryDirectory { root in
            let firstUser = "awa"
            let first = try Store(directory: root, user: firstUser)
            #expect(!first.isReadOnly)
            try register(first)
            let journal = fileURL(root, Store.Files.journal)
            let journalBefore = try bytes(journal)

            // flock locks belong to an open file description: a second open conflicts even
            // within one process.
            let second = try Store(directory: root, user: "amadou")
            #expect(second.isReadOnly)
            guard case .readOnly(let holder)? = second.readOnlyReason else {
                Issue.record("expected readOnly, got \(String(describing: second.readOnlyReason))")
                return
            }
            // The holder is the first session, named with the time it opened: "awa (2026-11-29 10:42)".
            let text = try #require(holder)
            #expect(text.hasPrefix(firstUser + " ("))
            #expect(text.range(of: #"^\S+ \(\d{4}-\d{2}-\d{2} \d{2}:\d{2}\)$"#, options: .regularExpression) != nil)
            // It reads what the first session saved.
            #expect(second.book.count == 1)
            #expect(second.book.seq == 1)

            #expect(throws: StoreError.self) { try register(second) }
            #expect(throws: StoreError.self) { try second.compact() }
            try second.close()
            #expect(try bytes(journal) == journalBefore)
            #expect(!Posix.exists(fileURL(root, Store.Files.snapshot).path))

            // Closing the read-only session released nothing: the first still holds the lock.
            let third = try Store(directory: root)
            #expect(third.isReadOnly)
            try register(first)
            try first.close()

            let fourth = try Store(directory: root)
            #expect(!fourth.isReadOnly)
            #expect(fourth.book.count == 2)
            try register(fourth)
            try fourth.close()
            #expect(try Store(directory: root, write: false).book.count == 3)
        }
    }

    @Test func droppingAStoreReleasesItsLock() throws {
        try withTemporaryDirectory { root in
            try commitWithoutClosing(root, count: 1)
            let store = try Store(directory: root)
            #expect(!store.isReadOnly)
            try store.close()
        }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/flock")))
    func lockOfAKilledProcessIsReleased() throws {
        try withTemporaryDirectory { root in
            try Store(directory: root).close()
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

            let blocked = try Store(directory: root)
            #expect(blocked.isReadOnly)
            #expect(throws: StoreError.self) { try register(blocked) }

            #expect(kill(child.processIdentifier, SIGKILL) == 0)
            child.waitUntilExit()
            #expect(child.terminationReason == .uncaughtSignal)

            let store = try Store(directory: root)
            #expect(!store.isReadOnly)
            try register(store)
            try store.close()
        }
    }
}
