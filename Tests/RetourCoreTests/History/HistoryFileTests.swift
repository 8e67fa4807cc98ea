#if canImport(Glibc)
import Glibc
#endif
import Crypto
import Foundation
import Testing
@testable import RetourCore
import RetourTestSupport

private typealias F = HistoryFixture

@Suite("History: appending and reading history.jsonl")
struct HistoryFileTests {
    private func all(_ file: HistoryFile) throws -> [HistoryEntry] {
        var entries: [HistoryEntry] = []
        try file.forEach { entries.append($0); return true }
        return entries
    }

    @Test func theLineFormat() throws {
        let disk = try F.disk()
        let file = F.file(disk)
        try file.append(.signIn(login: "awa"), by: "awa", at: F.start.addingTimeInterval(0.75))
        try file.append(.view(caseNumber: "GAO-000001"), by: "awa", at: F.start.addingTimeInterval(42))
        let lines = F.lines(disk)
        #expect(lines.count == 2)
        #expect(String(decoding: lines[0], as: UTF8.self)
            == #"{"at":"2016-04-07T03:33:20Z","by":"awa","event":{"kind":"signIn","login":"awa"},"position":1,"previous":""}"#)
        // The link of line 1 is the SHA-256 of its bytes, in a plain directory.
        #expect(String(decoding: lines[1], as: UTF8.self)
            == #"{"at":"2016-04-07T03:34:02Z","by":"awa","event":{"caseNumber":"GAO-000001","kind":"view"},"position":2,"previous":""#
            + F.sha256(lines[0]) + #""}"#)
        #expect(try file.head() == HistoryHead(count: 2, link: F.sha256(lines[1])))
    }

    @Test(arguments: [false, true])
    func appendAndReadBack(sealed: Bool) throws {
        let sealing: LineSealing = sealed ? F.sealed() : PlainLines()
        let disk = try F.disk()
        let file = F.file(disk, sealing)
        var head = HistoryHead.empty
        for start in stride(from: 0, to: 20, by: 4) {
            head = try file.append(F.events(start..<(start + 4)))
        }
        #expect(head.count == 20)
        #expect(try file.head() == head)
        let entries = try all(file)
        #expect(entries.map(\.position) == Array(1...20))
        #expect(entries.map(\.event) == F.events(0..<20).map(\.event))
        #expect(entries.map(\.at) == F.events(0..<20).map(\.at))
        #expect(entries.allSatisfy { $0.by == "fatoumata.maiga" })
        #expect(Set(entries.map(\.event.kind)) == Set(HistoryEvent.kinds))
        #expect(entries[0].previous == "")
        // Another instance (another process) reads what this one wrote, and continues it.
        let other = F.file(disk, sealing)
        #expect(try other.head() == head)
        try other.append(.signIn(login: "awa"), by: "awa", at: F.start)
        #expect(try file.head().count == 21)
        let verification = try file.verify(expected: head)
        #expect(verification.problem == nil)
        #expect(verification.head == (try file.head()))

        let bytes = F.bytes(disk)
        for text in ["fatoumata", "Maïga", "Aminata", "moussa", "GAO-", "signIn", "monthly"] {
            #expect(F.contains(bytes, text) == !sealed, "\(text)")
        }
        if sealed {
            // Every line sealed; a plain reader of the same file finds nothing it can read.
            #expect(F.lines(disk).allSatisfy { $0.first != UInt8(ascii: "{") })
            #expect(try F.file(disk).verify().problem == .unreadable(position: 1))
        }
    }

    @Test func fractionsOfSecondsAreDropped() throws {
        let disk = try F.disk()
        let file = F.file(disk)
        let at = F.start.addingTimeInterval(0.9)
        try file.append(.lockout(login: "moussa.keita", until: at.addingTimeInterval(900)), by: "system", at: at)
        let entries = try all(file)
        #expect(entries.map(\.at) == [F.start])
        #expect(entries.map(\.event) == [.lockout(login: "moussa.keita", until: F.start.addingTimeInterval(900))])
    }

    @Test func kindsAndCaseNumbers() {
        let entry = JournalEntry(seq: 1, by: "awa", at: F.start,
                                 change: .register(id: UUID(), number: "GAO-000007", profile: sampleProfile()))
        #expect(HistoryEvent.change(entry).kind == "change")
        #expect(HistoryEvent.change(entry).caseNumber == "GAO-000007")
        #expect(HistoryEvent.view(caseNumber: "TBK-000002").caseNumber == "TBK-000002")
        #expect(HistoryEvent.signInFailed(login: "awa").caseNumber == nil)
        #expect(HistoryEvent.signInFailed(login: "awa").login == "awa")
        #expect(HistoryEvent.kinds.sorted() == (0..<8).map { F.event($0).event.kind }.sorted())
    }

    @Test func anUnknownKindDoesNotDecode() throws {
        let line = #"{"at":"2016-04-07T03:33:20Z","by":"awa","event":{"kind":"teleport","login":"awa"},"position":1,"previous":""}"#
        let disk = try F.disk()
        try F.write([Array(line.utf8)], to: disk)
        #expect(throws: HistoryError.unreadable(position: 1)) { try F.file(disk).forEach { _ in true } }
        // The chain itself holds: only decoding refuses it.
        #expect(try F.file(disk).verify().problem == nil)
    }

    @Test func headOfAMissingOrEmptyFile() throws {
        let disk = try F.disk()
        let file = F.file(disk)
        #expect(try file.head() == .empty)
        #expect(try file.recent(since: .distantPast) == [])
        #expect(try all(file) == [])
        #expect(try file.verify() == HistoryVerification(head: .empty, problem: nil, tornBytes: 0))
        #expect(!disk.exists(F.path), "reading makes no file")
        try disk.place([], at: F.path)
        #expect(try file.head() == .empty)
        #expect(try file.verify().problem == nil)
        // Only a torn line: nothing was ever acknowledged.
        try disk.place(Array(#"{"at":"2016-04"#.utf8), at: F.path)
        #expect(try file.head() == .empty)
        #expect(try file.verify() == HistoryVerification(head: .empty, problem: nil, tornBytes: 14))
        #expect(try file.append(F.events(0..<1)).count == 1)
        #expect(F.lines(disk).count == 1)
        #expect(try file.verify() == HistoryVerification(head: try file.head(), problem: nil, tornBytes: 0))
    }

    @Test(arguments: [false, true])
    func aTornLastLineIsCutAtTheNextAppend(sealed: Bool) throws {
        let sealing: LineSealing = sealed ? F.sealed() : PlainLines()
        let (disk, file) = try F.history(5, sealing)
        let before = try file.head()
        // A crash in the middle of the next append: half of its line reached the disk.
        let line = try sealing.bound(to: HistoryFile.fileName).seal(Array(#"{"at":"2016","by":"x","event":{}}"#.utf8))
        let torn = Array(line.prefix(line.count / 2))
        try F.write(F.lines(disk), to: disk, torn: torn)
        #expect(try file.head() == before)
        let verification = try file.verify(expected: before)
        #expect(verification.problem == nil)
        #expect(verification.tornBytes == torn.count)
        #expect(verification.head == before)

        let head = try file.append(F.events(5..<7))
        #expect(head.count == 7)
        #expect(F.lines(disk).count == 7)
        #expect(F.bytes(disk).last == 0x0A)
        #expect(try file.verify(expected: before) == HistoryVerification(head: head, problem: nil, tornBytes: 0))
        #expect(try all(file).map(\.position) == Array(1...7))
    }

    /// A power cut at each operation of an append, keeping or losing or tearing what was not
    /// fsync'd: the history then holds the entries before, or those and the new ones, and the
    /// next append continues a chain that verifies.
    @Test func aPowerCutAtEveryOperationOfAnAppend() throws {
        let (disk, file) = try F.history(4)
        let before = try file.head()
        let probe = disk.copy()
        let count = probe.operationCount
        try F.file(probe).append(F.events(4..<7))
        let operations = probe.operationCount - count
        #expect(operations >= 2, "a write and a sync at least")
        var cases = 0
        var counts = Set<Int>()
        for k in 1...operations {
            let running = disk.copy()
            running.crashAt(k)
            _ = try? F.file(running).append(F.events(4..<7))
            for crash in running.possibleCrashes {
                let after = running.crash(crash)
                let history = F.file(after)
                let head = try history.head()
                counts.insert(head.count)
                // Whole lines of an append cut short may stay (a prefix of it, chained): never
                // a broken chain, and the torn one is cut at the next append.
                #expect((4...7).contains(head.count), "\(k) \(crash)")
                var events: [HistoryEvent] = []
                try history.forEach { events.append($0.event); return true }
                #expect(events == F.events(0..<head.count).map(\.event), "\(k) \(crash)")
                #expect(try history.verify(expected: before).problem == nil, "\(k) \(crash)")
                #expect(try history.append(F.events(7..<8)).count == head.count + 1, "\(k) \(crash)")
                let verification = try history.verify(expected: before)
                #expect(verification.problem == nil && verification.tornBytes == 0, "\(k) \(crash)")
                cases += 1
            }
        }
        #expect(cases > operations)
        #expect(counts == [4, 5, 6, 7], "every outcome reached")
        _ = file
    }

    /// Entries appended without an fsync (changes, durable in the journal meanwhile) are lost
    /// by a power cut until `sync()`; those before them are not.
    @Test func appendsLeftToALaterSync() throws {
        let (disk, file) = try F.history(3)
        let operations = disk.operationCount
        try file.append(F.events(3..<5), durable: false)
        #expect(disk.operations.suffix(disk.operationCount - operations).map { $0.split(separator: " ")[0] } == ["write"])
        let lost = disk.crash(.init(writes: .dropped, entries: .undone))
        #expect(try F.file(lost).head().count == 3)
        #expect(try F.file(lost).verify().problem == nil)
        try file.sync()
        let kept = disk.crash(.init(writes: .dropped, entries: .undone))
        #expect(try F.file(kept).head() == (try file.head()))
        #expect(try F.file(kept).head().count == 5)
        // A new file: `sync` makes its name durable too.
        let fresh = try F.disk()
        try F.file(fresh).append(F.events(0..<1), durable: false)
        try F.file(fresh).sync()
        #expect(try F.file(fresh.crash(.init(writes: .dropped, entries: .undone))).head().count == 1)
        try F.file(try F.disk()).sync()
    }

    @Test func aFailedWriteLeavesNothing() throws {
        let (disk, file) = try F.history(4)
        let before = F.bytes(disk)
        disk.failAt(1, with: ENOSPC, partialWrite: true)
        #expect(throws: FileError(operation: .write, file: HistoryFile.fileName, code: ENOSPC)) {
            try file.append(F.events(4..<6))
        }
        #expect(F.bytes(disk) == before)
        disk.failAt(2, with: EIO)
        #expect(throws: FileError(operation: .sync, file: HistoryFile.fileName, code: EIO)) {
            try file.append(F.events(4..<6))
        }
        #expect(F.bytes(disk) == before)
        #expect(try file.append(F.events(4..<6)).count == 6)
        #expect(try file.verify().problem == nil)
    }

    /// An instance goes on from the head its last append left, unread, only while nobody else
    /// appended: two instances taking turns (two sessions) keep one chain, each position once.
    @Test func twoAppendersTakingTurnsKeepOneChain() throws {
        let disk = try F.disk()
        let first = F.file(disk), second = F.file(disk)
        for index in 0..<6 {
            let (file, login) = index % 3 == 2 ? (second, "moussa") : (first, "awa")
            try file.append(.signIn(login: login), by: login, at: F.start.addingTimeInterval(Double(index)))
        }
        let entries = try all(first)
        #expect(entries.map(\.position) == Array(1...6))
        #expect(entries.map(\.by) == ["awa", "awa", "moussa", "awa", "awa", "moussa"])
        #expect(try first.verify(expected: nil).problem == nil)
        #expect(try second.head() == first.head())
    }

    /// The changes recorded are read back to the first change numbered below the asked one
    /// and older than the asked time, at every chunk size, sealed or not: a change taken
    /// first but timed later does not stop the reading, and what lies before the stop (here
    /// unreadable) is never read.
    @Test(arguments: [false, true])
    func recordedChangesStopAtTheFirstChangeBelowInNumberAndTime(sealed: Bool) throws {
        let sealing: LineSealing = sealed ? F.sealed() : PlainLines()
        let disk = try F.disk()
        let writer = F.file(disk, sealing)
        func change(_ seq: Int, minute: Double) -> (by: String, at: Date, event: HistoryEvent) {
            let at = F.start.addingTimeInterval(minute * 60)
            return ("awa", at, .change(JournalEntry(seq: seq, by: "awa", at: at,
                                                       change: .addNote(id: F.id(seq), note: Note(id: F.id(100 + seq), text: "n", by: "awa", at: at)))))
        }
        try writer.append([F.event(0), change(1, minute: 1), change(2, minute: 2), change(3, minute: 5),
                           F.event(3), change(4, minute: 3), change(5, minute: 4)])
        var lines = F.lines(disk)
        lines[0] = Array("garbage".utf8)
        try F.write(lines, to: disk)
        for chunk in [1, 7, 50, 1 << 16] {
            let file = F.file(disk, sealing, chunk: chunk)
            // Change 3 is below 4 in number but not older than 3 minutes: 2 stops the reading.
            #expect(try file.recordedChanges(downTo: 4, before: F.start.addingTimeInterval(180)) == [3, 4, 5], "chunk \(chunk)")
            #expect(try file.recordedChanges(downTo: 6, before: F.start.addingTimeInterval(600)) == [], "chunk \(chunk)")
            #expect(throws: HistoryError.self, "chunk \(chunk)") { try file.recordedChanges(downTo: 1, before: F.start) }
        }
    }

    @Test func recentStopsAtTheFirstOlderEntry() throws {
        let (disk, _) = try F.history(10)
        // Line 1 made unreadable: reading back to it would throw.
        var lines = F.lines(disk)
        lines[0] = Array("garbage".utf8)
        try F.write(lines, to: disk)
        for chunk in [1, 7, 50, 1 << 16] {
            let file = F.file(disk, chunk: chunk)
            let recent = try file.recent(since: F.event(5).at)
            #expect(recent.map(\.position) == [6, 7, 8, 9, 10], "chunk \(chunk)")
            #expect(recent.map(\.event) == F.events(5..<10).map(\.event))
            #expect(try file.recent(since: F.event(9).at.addingTimeInterval(1)) == [])
            #expect(throws: HistoryError.unreadable(position: 1), "chunk \(chunk)") { try file.recent(since: .distantPast) }
        }
    }

    /// With `kinds`, the entries of those kinds only, the same as filtering every entry, sealed
    /// or not; a change's line that does not decode as a change is not read whole, but a line
    /// that is not an entry at all still stops the reading.
    @Test func recentOfSomeKindsIsTheFilteredRecent() throws {
        let sealings: [LineSealing] = [PlainLines(), F.sealed()]
        for sealing in sealings {
            let (disk, whole) = try F.history(24, sealing)
            let kinds: Set<String> = ["signIn", "signInFailed", "lockout", "unlock"]
            for chunk in [1, 61, 1 << 16] {
                let file = HistoryFile(directory: F.directory, disk: disk, sealing: whole.sealing, lineLimit: 1 << 20,
                                       forwardChunk: chunk, backwardChunk: chunk)
                for since in [Date.distantPast, F.event(10).at] {
                    let expected = try file.recent(since: since).filter { kinds.contains($0.event.kind) }
                    #expect(!expected.isEmpty)
                    #expect(try file.recent(since: since, kinds: kinds) == expected, "chunk \(chunk)")
                }
            }
        }
        let (disk, _) = try F.history(10)
        var lines = F.lines(disk)
        // Line 10 (a change) with an entry that no longer decodes; line 1 not an entry at all.
        lines[9] = Array(String(decoding: lines[9], as: UTF8.self).replacingOccurrences(of: "\"seq\"", with: "\"seq_\"").utf8)
        lines[0] = Array("garbage".utf8)
        try F.write(lines, to: disk)
        let file = F.file(disk, chunk: 1 << 16)
        #expect(try file.recent(since: F.event(5).at, kinds: ["signIn", "unlock"]).map(\.position) == [6, 9])
        #expect(throws: HistoryError.self) { try file.recent(since: F.event(5).at) }
        #expect(throws: HistoryError.unreadable(position: 1)) { try file.recent(since: .distantPast, kinds: ["signIn"]) }
    }

    @Test func everyReaderGivesTheSameAtEveryChunkSize() throws {
        let (disk, whole) = try F.history(9, F.sealed())
        let sealing = whole.sealing
        let entries = try all(whole)
        let verification = try whole.verify()
        #expect(verification.problem == nil && verification.head.count == 9)
        for chunk in [1, 2, 3, 61, 200, 1 << 20] {
            let file = HistoryFile(directory: F.directory, disk: disk, sealing: sealing, lineLimit: 1 << 20,
                                   forwardChunk: chunk, backwardChunk: chunk)
            #expect(try all(file) == entries, "chunk \(chunk)")
            #expect(try file.verify() == verification, "chunk \(chunk)")
            #expect(try file.head() == verification.head, "chunk \(chunk)")
            #expect(try file.recent(since: .distantPast) == entries, "chunk \(chunk)")
        }
        var seen: [Int] = []
        try whole.forEach { seen.append($0.position); return $0.position < 3 }
        #expect(seen == [1, 2, 3])
    }

    /// A line of more than 4 MiB is refused with its position, never read whole into memory
    /// as an entry.
    @Test func aHugeLineIsRefused() throws {
        let (disk, file) = try F.history(3)
        let limit = HistoryFile.defaultLineLimit
        let huge = [UInt8](repeating: UInt8(ascii: "x"), count: limit + 1)
        var lines = F.lines(disk)
        try F.write(lines + [huge] + [lines[0]], to: disk)
        #expect(try file.verify().problem == .tooLong(position: 4, limit: limit))
        #expect(HistoryProblem.tooLong(position: 4, limit: limit).message
            == Message("error.history.tooLong", ["file": "history.jsonl", "position": "4", "limit": String(limit)]))
        #expect(throws: HistoryError.tooLong(position: 4, limit: limit)) { try file.forEach { _ in true } }
        // Last: from the end its position is what cannot be read.
        lines.append(huge)
        try F.write(lines, to: disk)
        #expect(throws: HistoryError.tooLong(position: nil, limit: limit)) { try file.head() }
        #expect(throws: HistoryError.tooLong(position: nil, limit: limit)) { try file.append(F.events(3..<4)) }
        #expect(throws: HistoryError.tooLong(position: nil, limit: limit)) { try file.recent(since: .distantPast) }
        // Alone in the file: no newline before it either.
        try F.write([huge], to: disk)
        #expect(throws: HistoryError.tooLong(position: nil, limit: limit)) { try file.head() }
        #expect(try file.verify().problem == .tooLong(position: 1, limit: limit))
        // As a torn tail too.
        try F.write(Array(lines.dropLast()), to: disk, torn: huge)
        #expect(throws: HistoryError.tooLong(position: nil, limit: limit)) { try file.head() }
        #expect(try file.verify().problem == .tooLong(position: 4, limit: limit))
        // A line exactly at the limit is still framed (and refused as unreadable, not too long).
        try F.write(Array(lines.dropLast()) + [Array(huge.dropLast())], to: disk)
        #expect(try file.verify().problem == .unreadable(position: 4))
        #expect(throws: HistoryError.unreadable(position: nil)) { try file.head() }
    }

    @Test func anEntryOverTheLimitIsNotWritten() throws {
        let disk = try F.disk()
        let file = F.file(disk, lineLimit: 200)
        try file.append(.signIn(login: "awa"), by: "awa", at: F.start)
        let before = F.bytes(disk)
        #expect(throws: HistoryError.entryTooLong(limit: 200)) {
            try file.append([(by: "awa", at: F.start, event: .signIn(login: "awa")),
                             (by: "awa", at: F.start, event: .export(scope: String(repeating: "r", count: 300), count: 1))])
        }
        #expect(F.bytes(disk) == before)
    }

    @Test func chainKeys() throws {
        #expect(PlainLines().chainKey == nil)
        let key = SymmetricKey(size: .bits256)
        let sealing = SealedLines(key: key)
        let chainKey = try #require(sealing.chainKey)
        let expected = HKDF<SHA256>.deriveKey(inputKeyMaterial: key, info: Array("retour history chain".utf8), outputByteCount: 32)
        #expect(chainKey == expected)
        #expect(chainKey != key)
        #expect(sealing.bound(to: HistoryFile.fileName).chainKey == chainKey)
        #expect(SealedLines(key: SymmetricKey(size: .bits256)).chainKey != chainKey)

        // In an encrypted directory the link is the HMAC, not the SHA-256, of the line.
        let (disk, file) = try F.history(2, sealing)
        let last = try #require(F.lines(disk).last)
        let mac = HMAC<SHA256>.authenticationCode(for: last, using: chainKey).map { String(format: "%02x", $0) }.joined()
        #expect(try file.head().link == mac)
        #expect(mac != F.sha256(last))
    }

    /// Several processes append at once (each a `HistoryFile` on its own descriptors, on the
    /// real disk): the exclusive lock makes them take turns, so the chain holds every entry.
    @Test func concurrentAppendersOnTheRealDiskTakeTurns() throws {
        try withTemporaryDirectory { root in
            let data = root.appendingPathComponent("data")
            try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
            chmod(data.path, 0o700)
            let writers = 6, appends = 40
            DispatchQueue.concurrentPerform(iterations: writers) { writer in
                guard let disk = try? Disk(dataDirectory: data.path) else { return }
                let file = HistoryFile(directory: data, disk: disk, sealing: PlainLines())
                for index in 0..<appends {
                    _ = try? file.append([(by: "w\(writer)", at: F.start, event: .view(caseNumber: "GAO-\(index)")),
                                          (by: "w\(writer)", at: F.start, event: .signIn(login: "w\(writer)"))])
                }
            }
            let file = HistoryFile(directory: data, disk: try Disk(dataDirectory: data.path), sealing: PlainLines())
            let verification = try file.verify()
            #expect(verification.problem == nil)
            #expect(verification.head.count == writers * appends * 2)
            #expect(try file.head() == verification.head)
            var info = stat()
            #expect(stat(data.appendingPathComponent(HistoryFile.fileName).path, &info) == 0)
            #expect(info.st_mode & 0o777 == 0o600)
        }
    }
}
