import Foundation
import Testing
@testable import RetourCore

@Suite("Store: torn, damaged and newer files")
struct StoreRecoveryTests {
    // MARK: Torn last line: a crash during a save

    @Test(arguments: [
        Array(#"{"at":"2025-01-01T00:00:00Z","by":"awa","change":{"regis"#.utf8),
        [UInt8](repeating: 0, count: 4096),
        Array("\n\n".utf8),
    ])
    func tornTailIsDroppedAndCutOff(tail: [UInt8]) throws {
        try withTemporaryDirectory { root in
            try commitWithoutClosing(root, count: 3)
            let journal = fileURL(root, Store.Files.journal)
            let complete = try bytes(journal)
            try append(tail, to: journal)

            do {
                let store = try Store(directory: root)
                #expect(store.droppedTornBytes == tail.count)
                #expect(store.droppedTornBytes > 0)
                #expect(store.book.count == 3)
                #expect(store.book.seq == 3)
                #expect(store.journalLines == 3)
                #expect(try bytes(journal) == complete)
                // The next save starts on a line of its own.
                #expect(try register(store).number == "GAO-000004")
                let written = try lines(journal)
                #expect(written.count == 4)
                for line in written {
                    _ = try LineDecoder().decode(JournalEntry.self, from: Data(line.utf8))
                }
            }
            let reopened = try Store(directory: root)
            #expect(reopened.droppedTornBytes == 0)
            #expect(reopened.book.count == 4)
            #expect(reopened.book.seq == 4)
        }
    }

    @Test func aWholeEntryWithoutItsNewlineWasNeverSaved() throws {
        try withTemporaryDirectory { root in
            try commitWithoutClosing(root, count: 4)
            let journal = fileURL(root, Store.Files.journal)
            let complete = try bytes(journal)
            let fourth = try lines(journal)[3]
            // The fourth line lost its newline: its save was never confirmed.
            try write(Array(complete.dropLast()), to: journal)
            let store = try Store(directory: root)
            #expect(store.book.count == 3)
            #expect(store.droppedTornBytes == fourth.utf8.count)
            #expect(try bytes(journal) == Array(complete.prefix(complete.count - fourth.utf8.count - 1)))
            #expect(try lines(journal).count == 3)
        }
    }

    @Test func readerLeavesATornJournalAlone() throws {
        try withTemporaryDirectory { root in
            try commitWithoutClosing(root, count: 3)
            let journal = fileURL(root, Store.Files.journal)
            try append(Array(#"{"at":"2025-01"#.utf8), to: journal)
            ageModificationTime(journal)
            let before = try DirectoryState(root)
            let store = try Store(directory: root, write: false)
            #expect(store.isReadOnly)
            #expect(store.droppedTornBytes == 14)
            #expect(store.book.count == 3)
            #expect(try DirectoryState(root) == before)
        }
    }

    // MARK: Damaged files are refused and left as they are

    @Test func damagedJournalLineInTheMiddle() throws {
        try withTemporaryDirectory { root in
            try commitWithoutClosing(root, count: 3)
            let journal = fileURL(root, Store.Files.journal)
            try replaceLine(2, of: journal, with: #"{"at":"2025-01-01T00:00:00Z","by":"#)
            let error = try expectUntouched(root, write: true)
            #expect(error == .unreadable(file: "journal.jsonl", line: 2, reason: "error.parse.json", detail: "", newestBackup: nil))
            // A reader refuses it too.
            #expect(try expectUntouched(root, write: false) == error)
        }
    }

    @Test func invalidFieldIsNamedWithoutItsValue() throws {
        try withTemporaryDirectory { root in
            try commitWithoutClosing(root, count: 3)
            let journal = fileURL(root, Store.Files.journal)
            let second = try lines(journal)[1]
            let damaged = second.replacingOccurrences(of: #""sex":"F""#, with: #""sex":"Secret""#)
            #expect(damaged != second)
            try replaceLine(2, of: journal, with: damaged)
            let error = try expectUntouched(root, write: true)
            guard case .unreadable(let file, let line, let reason, let detail, _)? = error else {
                Issue.record("unexpected \(String(describing: error))")
                return
            }
            #expect(file == Store.Files.journal)
            #expect(line == 2)
            #expect(reason == "error.parse.field")
            #expect(detail.contains("sex"))
            #expect(!detail.contains("Secret"))
        }
    }

    @Test func blankLinesCountInLineNumbers() throws {
        try withTemporaryDirectory { root in
            try commitWithoutClosing(root, count: 3)
            let journal = fileURL(root, Store.Files.journal)
            var all = try lines(journal)
            all.insert("", at: 1)
            all[2] = "garbage"
            try write(Array((all.joined(separator: "\n") + "\n").utf8), to: journal)
            let error = try expectUntouched(root, write: true)
            #expect(error == .unreadable(file: "journal.jsonl", line: 3, reason: "error.parse.json", detail: "", newestBackup: nil))
        }
    }

    @Test func gapInTheJournalIsRefused() throws {
        try withTemporaryDirectory { root in
            try commitWithoutClosing(root, count: 3)
            let journal = fileURL(root, Store.Files.journal)
            var all = try lines(journal)
            all.remove(at: 1)
            try write(Array((all.joined(separator: "\n") + "\n").utf8), to: journal)
            let error = try expectUntouched(root, write: true)
            #expect(error == .unreadable(file: "journal.jsonl", line: 2, reason: "error.parse.rules", detail: " (2 ≠ 3)", newestBackup: nil))
        }
    }

    /// A data directory with a snapshot of three cases (line 1 the header, lines 2–4 the cases),
    /// an empty journal and, with `backups`, as many older snapshots kept.
    private func snapshotOfThree(_ root: URL, backups: Int = 0) throws -> URL {
        for _ in 0..<backups {
            let store = try Store(directory: root)
            try register(store)
            try store.close()
        }
        let store = try Store(directory: root)
        for index in 0..<3 { try register(store, sampleProfile("Family\(index)", "Given")) }
        try store.close()
        let snapshot = fileURL(root, Store.Files.snapshot)
        #expect(try lines(snapshot).count == 4 + backups)
        return snapshot
    }

    @Test func garbageOnASnapshotLine() throws {
        try withTemporaryDirectory { root in
            let snapshot = try snapshotOfThree(root)
            try replaceLine(3, of: snapshot, with: "}{ not json")
            let error = try expectUntouched(root, write: true)
            #expect(error == .unreadable(file: "snapshot.jsonl", line: 3, reason: "error.parse.json", detail: "", newestBackup: nil))
            #expect(try expectUntouched(root, write: false) == error)
        }
    }

    @Test func refusalNamesTheNewestBackup() throws {
        try withTemporaryDirectory { root in
            let snapshot = try snapshotOfThree(root, backups: 2)
            let newest = try #require(Store.backups(in: root).last)
            #expect(Store.backups(in: root).count == 2)
            try replaceLine(3, of: snapshot, with: "}{ not json")
            let error = try expectUntouched(root, write: true)
            #expect(error == .unreadable(file: "snapshot.jsonl", line: 3, reason: "error.parse.json", detail: "",
                                         newestBackup: "backups/\(newest)"))
            #expect(error?.message.arguments["backup"] == "backups/\(newest)")
            // The backup named is a good copy of the previous state.
            let previous = try SnapshotFile.read(try bytes(fileURL(root, "backups/\(newest)")), sealing: PlainLines())
            #expect(previous.digests.count == 2)
        }
    }

    @Test func snapshotWithFewerCasesThanItsHeaderSays() throws {
        try withTemporaryDirectory { root in
            let snapshot = try snapshotOfThree(root)
            var all = try lines(snapshot)
            all.removeLast()
            try write(Array((all.joined(separator: "\n") + "\n").utf8), to: snapshot)
            let error = try expectUntouched(root, write: true)
            #expect(error == .unreadable(file: "snapshot.jsonl", line: 3, reason: "error.parse.count", detail: " (2/3)", newestBackup: nil))
        }
    }

    @Test(arguments: [Int.max, 1_000_000_000_000_000, -1])
    func snapshotHeaderWithAnAbsurdCount(count: Int) throws {
        try withTemporaryDirectory { root in
            let snapshot = try snapshotOfThree(root)
            try replaceLine(1, of: snapshot, with: #"{"count":\#(count),"format":"retour-snapshot","schemaVersion":1,"seq":3}"#)
            let error = try expectUntouched(root, write: true)
            guard case .unreadable(let file, let line, let reason, _, _)? = error else {
                Issue.record("unexpected \(String(describing: error))")
                return
            }
            #expect(file == "snapshot.jsonl")
            #expect(reason == (count < 0 ? "error.parse.header" : "error.parse.count"))
            #expect(line == (count < 0 ? 1 : 4))
        }
    }

    @Test func snapshotCutShort() throws {
        try withTemporaryDirectory { root in
            let snapshot = try snapshotOfThree(root)
            var all = try bytes(snapshot)
            all.removeLast(10)
            try write(all, to: snapshot)
            let error = try expectUntouched(root, write: true)
            #expect(error == .unreadable(file: "snapshot.jsonl", line: 4, reason: "error.parse.truncated", detail: "", newestBackup: nil))
        }
    }

    @Test(arguments: [
        #"{"count":3,"format":"other-program","schemaVersion":1,"seq":3}"#,
        #"{"count":3,"schemaVersion":1}"#,
        #"[1,2,3]"#,
    ])
    func snapshotWithAWrongHeader(header: String) throws {
        try withTemporaryDirectory { root in
            let snapshot = try snapshotOfThree(root)
            try replaceLine(1, of: snapshot, with: header)
            let error = try expectUntouched(root, write: true)
            #expect(error == .unreadable(file: "snapshot.jsonl", line: 1, reason: "error.parse.header", detail: "", newestBackup: nil))
        }
    }

    @Test func emptySnapshot() throws {
        try withTemporaryDirectory { root in
            let snapshot = try snapshotOfThree(root)
            try write([], to: snapshot)
            let error = try expectUntouched(root, write: true)
            #expect(error == .unreadable(file: "snapshot.jsonl", line: 1, reason: "error.parse.empty", detail: "", newestBackup: nil))
        }
    }

    // MARK: Newer files

    static let newer = Schema.version + 1

    @Test(arguments: [
        #"{"count":3,"format":"retour-snapshot","schemaVersion":\#(newer),"seq":3}"#,
        // A newer header may also have changed shape.
        #"{"format":"retour-snapshot","schemaVersion":\#(newer),"sequence":{"last":3}}"#,
    ])
    func newerSnapshotIsRefused(header: String) throws {
        try withTemporaryDirectory { root in
            let snapshot = try snapshotOfThree(root)
            try replaceLine(1, of: snapshot, with: header)
            let error = try expectUntouched(root, write: true)
            #expect(error == .newerSchema(file: "snapshot.jsonl", found: Self.newer))
            #expect(try expectUntouched(root, write: false) == error)
        }
    }

    @Test func newerJournalEntryIsRefused() throws {
        try withTemporaryDirectory { root in
            try commitWithoutClosing(root, count: 3)
            let journal = fileURL(root, Store.Files.journal)
            let third = try lines(journal)[2]
            try replaceLine(3, of: journal, with: third.replacingOccurrences(of: #""schemaVersion":\#(Schema.version)"#, with: #""schemaVersion":\#(Self.newer)"#))
            let error = try expectUntouched(root, write: true)
            #expect(error == .newerSchema(file: "journal.jsonl", found: Self.newer))
        }
    }

    @Test func newerKindOfChangeIsRefusedAsNewer() throws {
        try withTemporaryDirectory { root in
            try commitWithoutClosing(root, count: 2)
            let journal = fileURL(root, Store.Files.journal)
            let entry = #"{"at":"2030-01-01T00:00:00Z","by":"awa","change":{"closeCase":{"number":"GAO-000001"}},"schemaVersion":\#(Self.newer),"seq":3}"#
            try append(Array((entry + "\n").utf8), to: journal)
            let error = try expectUntouched(root, write: true)
            #expect(error == .newerSchema(file: "journal.jsonl", found: Self.newer))
        }
    }

    @Test func refusalsReadWellInBothLanguages() throws {
        let assets = try #require(testAssets)
        let errors: [StoreError] = [
            .unreadable(file: "snapshot.jsonl", line: 3, reason: "error.parse.json", detail: "", newestBackup: nil),
            .unreadable(file: "journal.jsonl", line: 2, reason: "error.parse.field", detail: " (change.register.profile.sex)",
                        newestBackup: "backups/snapshot-000000007-20250101T000000Z.jsonl"),
            .unreadable(file: "snapshot.jsonl", line: 4, reason: "error.parse.count", detail: " (2/3)", newestBackup: nil),
            .unreadable(file: "snapshot.jsonl", line: 1, reason: "error.parse.header", detail: "", newestBackup: nil),
            .unreadable(file: "snapshot.jsonl", line: 1, reason: "error.parse.empty", detail: "", newestBackup: nil),
            .unreadable(file: "snapshot.jsonl", line: 4, reason: "error.parse.truncated", detail: "", newestBackup: nil),
            .unreadable(file: "journal.jsonl", line: 2, reason: "error.parse.rules", detail: " (2 ≠ 3)", newestBackup: nil),
            .unreadable(file: "snapshot.jsonl", line: 1, reason: "error.parse.changing", detail: "", newestBackup: nil),
            .newerSchema(file: "journal.jsonl", found: Self.newer),
            .readOnly(holder: "awa 2025-01-01T00:00:00Z pid 12"),
            .readOnly(holder: nil),
        ]
        for language in Language.allCases {
            let catalog = try Catalog(language: language, assets: assets)
            for error in errors {
                let text = catalog.text(error)
                #expect(!text.contains("error."), "\(language): \(text)")
                #expect(!text.contains("{"), "\(language): \(text)")
                if case .unreadable(let file, let line, _, _, let backup) = error {
                    #expect(text.contains(file) && text.contains(String(line)), "\(language): \(text)")
                    if let backup { #expect(text.contains(backup), "\(language): \(text)") }
                }
            }
        }
    }

    /// Opens `root`, expects a `StoreError`, and checks that nothing in the directory was
    /// created, removed or changed.
    private func expectUntouched(_ root: URL, write: Bool, sourceLocation: SourceLocation = #_sourceLocation) throws -> StoreError? {
        for name in [Store.Files.snapshot, Store.Files.journal] where Posix.exists(fileURL(root, name).path) {
            ageModificationTime(fileURL(root, name))
        }
        let before = try DirectoryState(root)
        let error = expectStoreError(sourceLocation: sourceLocation) { _ = try Store(directory: root, write: write) }
        let after = try DirectoryState(root)
        #expect(after == before, "before: \(before); after: \(after)", sourceLocation: sourceLocation)
        return error
    }
}
