import Foundation

/// The snapshot's format: a header line, then one case per line (JSON lines, so that a
/// damaged line can be named and cases can be decoded independently).
///
///     {"count":2,"format":"retour-snapshot","schemaVersion":1,"seq":57}
///     {"id":"…","number":"GAO-000001",…}
///     {"id":"…","number":"GAO-000002",…}
enum SnapshotFile {
    static let format = "retour-snapshot"

    struct Header: Codable {
        var format: String
        var schemaVersion: Int
        var seq: Int
        var count: Int
        /// Names this very file, so that the index written beside it can be matched to it.
        var generation: String?
        /// Whether its case lines are sealed with the directory's data key.
        var sealed: Bool?
        /// Which data key sealed them (`LineSealing.keyID`).
        var key: String?
        /// The users (`Users`, a JSON array), sealed like a case line; nil before the first.
        var users: String?
        /// The history's head when this snapshot was written: `retour check` finds the history
        /// still holding it, so that a cut or rewritten history shows.
        var history: HistoryHead?
        /// Set in a demonstration office (`Change.markDemo`): kept by every compaction.
        var demo: DemoMark?
        /// Set once the directory joined a network of sites (`Change.joinSite`).
        var site: SiteMark?

        var isSealed: Bool { sealed == true }
    }

    /// Where and why a file does not parse. Line numbers count from 1.
    struct Failure: Error {
        let line: Int
        let reason: String
        var detail: String = ""
        var isSequenceGap = false
        var newerSchema: Int?

        func storeError(file: String, newestBackup: String?) -> StoreError {
            if let newerSchema { return .newerSchema(file: file, found: newerSchema) }
            return .unreadable(file: file, line: line, reason: reason, detail: detail, newestBackup: newestBackup)
        }
    }

    /// What a snapshot holds, as the book needs it.
    struct Contents {
        var header: Header
        var digests: [CaseDigest] = []
        var locations: [UUID: SnapshotLines.Location] = [:]
        var setAside: [SetAsideLine] = []
    }

    /// Writes `book` as a new snapshot: changed cases encoded, the others' lines copied as
    /// they are from the snapshot they were read from, set-aside lines last. `progress(done)`
    /// counts the lines after the header written (of `book.count + book.setAside.count`),
    /// told every few hundred.
    static func write(_ book: CaseBook, to fd: Int32, on disk: FileSystem, name: String,
                      sealing: LineSealing, history: HistoryHead? = nil, writeBackStep: Int = 8 << 20,
                      progress: (Int) -> Void = { _ in }) throws -> Contents {
        let header = Header(format: format, schemaVersion: Schema.version, seq: book.seq,
                            count: book.count + book.setAside.count, generation: UUID().uuidString,
                            sealed: sealing.isEncrypted ? true : nil, key: sealing.keyID,
                            users: try sealedUsers(book.users, sealing: sealing), history: history, demo: book.demo,
                            site: book.site)
        var contents = Contents(header: header)
        contents.locations.reserveCapacity(book.count)
        var buffer = try Store.encoder.bytes(header)
        buffer.append(0x0A)
        var written = 0
        // Hundreds of megabytes at 100 000 cases: handed to the disk as they are written rather
        // than all at the final fsync, which would make other sessions' commits wait behind them.
        var handedToDisk = 0
        // Lines read from a snapshot sealed the same way are copied as they are; a plain
        // snapshot being encrypted has each line sealed on the way.
        let resealing = book.snapshot.map { $0.sealing.isEncrypted != sealing.isEncrypted } ?? false
        func copy(_ stored: [UInt8]) throws -> [UInt8] {
            guard resealing, let source = book.snapshot else { return stored }
            return try sealing.seal(source.sealing.open(stored[...]))
        }
        var lineNumber = 1
        progress(0)
        func add(_ line: [UInt8]) throws -> SnapshotLines.Location {
            lineNumber += 1
            if (lineNumber - 1) % 256 == 0 { progress(lineNumber - 1) }
            let location = SnapshotLines.Location(offset: written + buffer.count, length: line.count, line: lineNumber)
            buffer.append(contentsOf: line)
            buffer.append(0x0A)
            if buffer.count > 1 << 20 {
                try disk.write(fd, buffer, name: name)
                written += buffer.count
                buffer.removeAll(keepingCapacity: true)
                if written - handedToDisk >= writeBackStep {
                    try disk.writeBack(fd, name: name)
                    handedToDisk = written
                }
            }
            return location
        }
        // A change waiting to be applied would be left out of the case's line.
        precondition(!book.hasDeferred, "a snapshot written with changes deferred")
        for digest in book.digests {
            let line: [UInt8]
            if let item = book.changed[digest.id] {
                line = try sealing.seal(Store.encoder.bytes(item))
            } else if let snapshot = book.snapshot {
                line = try copy(snapshot.storedLine(digest.id))
            } else {
                throw Failure(line: 0, reason: "error.parse.rules")
            }
            contents.locations[digest.id] = try add(line)
        }
        for aside in book.setAside {
            guard let snapshot = book.snapshot else { break }
            let location = try add(copy(snapshot.storedLine(at: aside.location)))
            contents.setAside.append(SetAsideLine(number: aside.number, reason: aside.reason, detail: aside.detail, location: location))
        }
        try disk.write(fd, buffer, name: name)
        progress(lineNumber - 1)
        contents.digests = book.digests
        return contents
    }

    /// The longest header read: users make it grow, a line that never ends must not.
    static let maximumHeaderLength = 16 << 20

    /// The header of the snapshot open at `fd`: its first 64 KiB, more only when the users
    /// in it need more.
    static func readHeader(_ fd: Int32, size: Int, on disk: FileSystem, name: String) throws -> (Header, length: Int) {
        var count = min(size, 1 << 16)
        while true {
            let bytes = try disk.read(fd, at: 0, count: count, name: name)
            let limit = min(size, maximumHeaderLength)
            if bytes.contains(0x0A) || count >= limit { return try header(bytes) }
            count = min(limit, count * 16)
        }
    }

    private static func sealedUsers(_ users: Users, sealing: LineSealing) throws -> String? {
        guard !users.isEmpty else { return nil }
        return String(decoding: try sealing.seal(Store.encoder.bytes(users)), as: UTF8.self)
    }

    /// The users a header holds.
    static func users(of header: Header, sealing: LineSealing) throws -> Users {
        guard let stored = header.users else { return Users() }
        do {
            return try LineDecoder().decode(Users.self, from: Data(try sealing.open(Array(stored.utf8)[...])))
        } catch {
            throw Failure(line: 1, reason: "error.parse.users")
        }
    }

    /// The header (first line) of a snapshot, from its first bytes.
    static func header(_ bytes: [UInt8]) throws -> (Header, length: Int) {
        guard !bytes.isEmpty else { throw Failure(line: 1, reason: "error.parse.empty") }
        guard let end = bytes.firstIndex(of: 0x0A) else { throw Failure(line: 1, reason: "error.parse.truncated") }
        let line = bytes[..<end]
        let header: Header
        do {
            header = try LineDecoder().decode(Header.self, from: Data(line))
        } catch {
            // A newer program may have changed the header's shape: say so rather than "damaged".
            if let found = newerSchema(in: line) { throw Failure(line: 1, reason: "", newerSchema: found) }
            throw Failure(line: 1, reason: "error.parse.header")
        }
        guard header.format == format, header.count >= 0 else { throw Failure(line: 1, reason: "error.parse.header") }
        guard header.schemaVersion <= Schema.version else {
            throw Failure(line: 1, reason: "", newerSchema: header.schemaVersion)
        }
        return (header, end + 1)
    }

    /// Reads a whole snapshot, decoding every case on every core. A line that breaks the
    /// model's rules (an id or a number seen on an earlier line) is set aside, not refused:
    /// the others must open.
    static func read(_ bytes: [UInt8], sealing: LineSealing) throws -> Contents {
        let (header, _) = try Self.header(bytes)
        let caseLines = Array(Lines(bytes).dropFirst())
        if let cut = caseLines.first(where: { !$0.complete }) {
            throw Failure(line: cut.number, reason: "error.parse.truncated")
        }
        guard caseLines.count == header.count else {
            throw Failure(line: min(caseLines.count, header.count) + 1, reason: "error.parse.count",
                          detail: " (\(caseLines.count)/\(header.count))")
        }
        // A line that is JSON but not a case as this version knows it (an unknown category,
        // say) is set aside like a number used twice; any other damage refuses the file.
        let decoded = try inParallel(caseLines.count) { index -> Result<CaseDigest, Failure> in
            let line = caseLines[index]
            do {
                return .success(CaseDigest(try decodeCase(bytes[line.range], sealing: sealing, line: line.number)))
            } catch let failure as Failure where failure.reason == "error.parse.field" {
                return .failure(failure)
            }
        }
        var contents = Contents(header: header)
        contents.locations.reserveCapacity(decoded.count)
        contents.digests.reserveCapacity(decoded.count)
        var numbers = Set<String>()
        for (result, line) in zip(decoded, caseLines) {
            let location = SnapshotLines.Location(offset: line.range.lowerBound, length: line.range.count, line: line.number)
            let digest: CaseDigest
            switch result {
            case .failure(let failure):
                let number = numberIn(try sealing.open(bytes[line.range])[...]) ?? "?"
                contents.setAside.append(SetAsideLine(number: number, reason: "check.setAside.invalid",
                                                      detail: failure.detail, location: location))
                continue
            case .success(let found):
                digest = found
            }
            let reason: String?
            if contents.locations[digest.id] != nil {
                reason = "check.setAside.duplicateID"
            } else if !numbers.insert(digest.number).inserted {
                reason = "check.setAside.duplicateNumber"
            } else {
                reason = nil
            }
            if let reason {
                contents.setAside.append(SetAsideLine(number: digest.number, reason: reason, detail: "", location: location))
            } else {
                contents.locations[digest.id] = location
                contents.digests.append(digest)
            }
        }
        return contents
    }

    /// The case number of a line that does not decode as a case, when it has one.
    private static func numberIn(_ plain: ArraySlice<UInt8>) -> String? {
        struct Probe: Decodable { let number: String }
        return try? LineDecoder().decode(Probe.self, from: Data(plain)).number
    }

    /// One case line: unsealed, then decoded.
    static func decodeCase(_ stored: ArraySlice<UInt8>, sealing: LineSealing, line: Int) throws -> Case {
        let plain: [UInt8]
        do {
            plain = try sealing.open(stored)
        } catch {
            throw Failure(line: line, reason: "error.parse.sealed")
        }
        return try decode(Case.self, from: plain[...], line: line)
    }

    /// `body(i)` for every i in 0..<count, on every core when there are many; the error of the
    /// lowest failing i is thrown. Given `progress`, the work goes in rounds of a few thousand,
    /// and `progress(done)` is called on the calling thread after each: the cores never share
    /// a counter, and the callback needs no lock.
    static func inParallel<T>(_ count: Int, progress: ((Int) -> Void)? = nil, _ body: (Int) throws -> T) throws -> [T] {
        guard let progress else { return try allAtOnce(count, body) }
        return try inRounds(count, progress: progress, body)
    }

    /// `inParallel` in rounds, `progress(done)` told after each.
    static func inRounds<T>(_ count: Int, progress: (Int) -> Void, _ body: (Int) throws -> T) throws -> [T] {
        let round = 2_048
        progress(0)
        var values: [T] = []
        values.reserveCapacity(count)
        for start in stride(from: 0, to: count, by: round) {
            let end = min(count, start + round)
            values += try allAtOnce(end - start) { try body(start + $0) }
            progress(end)
        }
        return values
    }

    private static func allAtOnce<T>(_ count: Int, _ body: (Int) throws -> T) throws -> [T] {
        let parts = count < 2_000 ? 1 : max(1, min(8, ProcessInfo.processInfo.activeProcessorCount))
        let size = (count + parts - 1) / max(1, parts)
        let results = ParallelResults<T>(parts)
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let body = body
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let range = min(count, part * size)..<min(count, (part + 1) * size)
                var values: [T] = []
                values.reserveCapacity(range.count)
                for index in range {
                    do {
                        values.append(try body(index))
                    } catch {
                        results.failures[part] = (index, error)
                        break
                    }
                }
                results.values[part] = values
            }
        }
        if let (_, error) = results.failures.compactMap({ $0 }).min(by: { $0.0 < $1.0 }) { throw error }
        return results.values.flatMap { $0 }
    }

    static func decode<T: Decodable>(_ type: T.Type, from bytes: ArraySlice<UInt8>, line: Int) throws -> T {
        do {
            return try LineDecoder().decode(T.self, from: bytes)
        } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
            throw Failure(line: line, reason: "error.parse.json")  // Not JSON at all.
        } catch let error as DecodingError {
            throw Failure(line: line, reason: "error.parse.field", detail: " (\(fieldPath(error)))")
        } catch {
            throw Failure(line: line, reason: "error.parse.json")
        }
    }

    /// The `schemaVersion` of a JSON object that does not decode as expected, when it is
    /// newer than this program's: its other fields may have changed shape.
    static func newerSchema(in bytes: ArraySlice<UInt8>) -> Int? {
        struct Probe: Decodable { let schemaVersion: Int }
        guard let probe = try? LineDecoder().decode(Probe.self, from: Data(bytes)),
              probe.schemaVersion > Schema.version else { return nil }
        return probe.schemaVersion
    }

    static func ruleDetail(_ error: ChangeError) -> String {
        switch error {
        case .duplicateNumber(let number), .staleVersion(let number): return " (\(number))"
        case .outOfSequence(let expected, let found): return " (\(expected) ≠ \(found))"
        default: return ""
        }
    }

    /// The coding path of a decoding error (`profile.sex`), never the offending value.
    private static func fieldPath(_ error: DecodingError) -> String {
        let context: DecodingError.Context
        var last: String?
        switch error {
        case .dataCorrupted(let c): context = c
        case .keyNotFound(let key, let c): context = c; last = key.stringValue
        case .typeMismatch(_, let c), .valueNotFound(_, let c): context = c
        @unknown default: return "?"
        }
        if context.codingPath.isEmpty && last == nil && context.underlyingError != nil { return "JSON" }
        let names = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue } + (last.map { [$0] } ?? [])
        return names.isEmpty ? "JSON" : names.joined(separator: ".")
    }
}

/// What the parts of `SnapshotFile.inParallel` produce; each part writes only its own slot.
private final class ParallelResults<T>: @unchecked Sendable {
    var values: [[T]]
    var failures: [(Int, Error)?]

    init(_ parts: Int) {
        values = Array(repeating: [], count: parts)
        failures = Array(repeating: nil, count: parts)
    }
}

/// The lines of a JSON-lines file, each with whether it ends with a newline: a last line
/// without one was cut short by a crash.
struct Lines: Sequence {
    struct Line {
        let range: Range<Int>
        let complete: Bool
        /// Line number in the file, from 1, counting blank lines.
        let number: Int
    }

    private let bytes: [UInt8]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    func makeIterator() -> AnyIterator<Line> {
        var start = 0
        var number = 0
        let bytes = self.bytes
        return AnyIterator {
            while start < bytes.count {
                number += 1
                guard let end = bytes[start...].firstIndex(of: 0x0A) else {
                    defer { start = bytes.count }
                    return Line(range: start..<bytes.count, complete: false, number: number)
                }
                defer { start = end + 1 }
                if end > start { return Line(range: start..<end, complete: true, number: number) }
            }
            return nil
        }
    }

    var first: Line? { makeIterator().next() }
}

/// Replays the journal onto a book.
enum JournalFile {
    struct Replay {
        /// Complete lines read.
        var lines = 0
        /// Length of the journal up to the end of its last complete line.
        var goodLength = 0
        /// The entries applied (those after the snapshot), in order: what the history must hold.
        var applied: [JournalEntry] = []
        /// Those of `applied` kept for later (`CaseBook.deferred`).
        var deferred: [JournalEntry] = []
        /// The sequence number of the last complete line read, applied or not.
        var lastSeq: Int?
    }

    /// The entry a journal line holds (`line`: its number, for the error), opened when sealed.
    static func decode(_ stored: ArraySlice<UInt8>, line lineNumber: Int, sealing: LineSealing) throws -> JournalEntry {
        let plain: [UInt8]
        if SealedLines.isClear(stored) {
            // Written before the directory was encrypted: sealed at the next compaction.
            plain = Array(stored)
        } else {
            do {
                plain = try sealing.open(stored)
            } catch {
                throw SnapshotFile.Failure(line: lineNumber, reason: "error.parse.sealed")
            }
        }
        let entry: JournalEntry
        do {
            entry = try SnapshotFile.decode(JournalEntry.self, from: plain[...], line: lineNumber)
        } catch let failure as SnapshotFile.Failure {
            // A newer program may have added kinds of change this one cannot decode.
            if let found = SnapshotFile.newerSchema(in: plain[...]) {
                throw SnapshotFile.Failure(line: lineNumber, reason: "", newerSchema: found)
            }
            throw failure
        }
        guard entry.schemaVersion <= Schema.version else {
            throw SnapshotFile.Failure(line: lineNumber, reason: "", newerSchema: entry.schemaVersion)
        }
        return entry
    }

    /// Applies every complete line whose sequence number follows the book's. An incomplete
    /// last line is left out of `goodLength`; a complete line that does not parse is an error.
    /// `deferring`: changes that may wait are kept for later (`CaseBook.replay(_:deferring:)`).
    static func replay(_ bytes: [UInt8], onto book: inout CaseBook, sealing: LineSealing,
                       deferring: Bool = false) throws -> Replay {
        var replay = Replay()
        var pending: [(entry: JournalEntry, line: Int)] = []
        for line in Lines(bytes) {
            let lineNumber = line.number
            guard line.complete else { break }
            let entry = try decode(bytes[line.range], line: lineNumber, sealing: sealing)
            // The lines of a batch are applied together once its last one is read.
            if let end = entry.batchEnd {
                guard entry.seq <= end, pending.allSatisfy({ $0.entry.batchEnd == end }) else {
                    throw SnapshotFile.Failure(line: lineNumber, reason: "error.parse.rules")
                }
                pending.append((entry, lineNumber))
                guard entry.seq == end else { continue }
            } else {
                guard pending.isEmpty else { throw SnapshotFile.Failure(line: lineNumber, reason: "error.parse.rules") }
                pending = [(entry, lineNumber)]
            }
            for (entry, lineNumber) in pending where entry.seq > book.seq {  // Others are in the snapshot.
                do {
                    if try book.replay(entry, deferring: deferring) { replay.deferred.append(entry) }
                    replay.applied.append(entry)
                } catch let error as ChangeError {
                    var failure = SnapshotFile.Failure(line: lineNumber, reason: "error.parse.rules", detail: SnapshotFile.ruleDetail(error))
                    if case .outOfSequence = error { failure.isSequenceGap = true }
                    throw failure
                }
            }
            replay.lines += pending.count
            replay.lastSeq = pending.last?.entry.seq
            replay.goodLength = line.range.upperBound + 1
            pending = []
        }
        // A batch whose last line is missing was cut short by a crash: like an incomplete
        // line, it was never confirmed, and it is left out of `goodLength`.
        // Blank lines only after the last complete line (or a file of only NUL bytes from a
        // crash) count as part of the torn tail.
        return replay
    }
}
