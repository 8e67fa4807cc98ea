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

    static func write(_ book: CaseBook, to fd: Int32, on disk: FileSystem, name: String) throws {
        let header = Header(format: format, schemaVersion: Schema.version, seq: book.seq, count: book.count)
        var buffer = try Store.encoder.encode(header)
        buffer.append(0x0A)
        for item in book.cases.values {
            buffer.append(try Store.encoder.encode(item))
            buffer.append(0x0A)
            if buffer.count > 1 << 20 {
                try disk.write(fd, Array(buffer), name: name)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        try disk.write(fd, Array(buffer), name: name)
    }

    static func read(_ bytes: [UInt8]) throws -> CaseBook {
        let lines = Lines(bytes)
        guard let first = lines.first else { throw Failure(line: 1, reason: "error.parse.empty") }
        guard first.complete else { throw Failure(line: 1, reason: "error.parse.truncated") }
        let header: Header
        do {
            header = try Store.decoder.decode(Header.self, from: Data(bytes[first.range]))
        } catch {
            // A newer program may have changed the header's shape: say so rather than "damaged".
            if let found = newerSchema(in: bytes[first.range]) { throw Failure(line: 1, reason: "", newerSchema: found) }
            throw Failure(line: 1, reason: "error.parse.header")
        }
        guard header.format == format, header.count >= 0 else { throw Failure(line: 1, reason: "error.parse.header") }
        guard header.schemaVersion <= Schema.version else {
            throw Failure(line: 1, reason: "", newerSchema: header.schemaVersion)
        }
        let caseLines = Array(lines.dropFirst())
        if let cut = caseLines.first(where: { !$0.complete }) {
            throw Failure(line: cut.number, reason: "error.parse.truncated")
        }
        let cases = try decodeCases(caseLines, in: bytes)
        guard cases.count == header.count else {
            throw Failure(line: cases.count + 1, reason: "error.parse.count",
                          detail: " (\(cases.count)/\(header.count))")
        }
        do {
            return try CaseBook(cases: cases, seq: header.seq)
        } catch let error as ChangeError {
            throw Failure(line: 1, reason: "error.parse.rules", detail: ruleDetail(error))
        }
    }

    /// Decodes one case per line, on every core for large files: decoding is most of the time
    /// it takes to open a data directory. The first damaged line (the lowest number) is reported.
    static func decodeCases(_ lines: [Lines.Line], in bytes: [UInt8]) throws -> [Case] {
        let parts = lines.count < 2_000 ? 1 : max(1, min(8, ProcessInfo.processInfo.activeProcessorCount))
        let size = (lines.count + parts - 1) / max(1, parts)
        final class Results: @unchecked Sendable {
            // Each part writes only its own slot.
            var cases: [[Case]]
            var failures: [Failure?]
            init(_ parts: Int) {
                cases = Array(repeating: [], count: parts)
                failures = Array(repeating: nil, count: parts)
            }
        }
        let results = Results(parts)
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            var decoded: [Case] = []
            let range = min(lines.count, part * size)..<min(lines.count, (part + 1) * size)
            decoded.reserveCapacity(range.count)
            do {
                for line in lines[range] {
                    decoded.append(try decode(Case.self, from: bytes[line.range], line: line.number, decoder: decoder))
                }
            } catch let failure as Failure {
                results.failures[part] = failure
            } catch {
                results.failures[part] = Failure(line: 0, reason: "error.parse.json")
            }
            results.cases[part] = decoded
        }
        if let failure = results.failures.compactMap({ $0 }).min(by: { $0.line < $1.line }) { throw failure }
        return results.cases.flatMap { $0 }
    }

    static func decode<T: Decodable>(_ type: T.Type, from bytes: ArraySlice<UInt8>, line: Int,
                                     decoder: JSONDecoder = Store.decoder) throws -> T {
        do {
            return try decoder.decode(T.self, from: Data(bytes))
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
        guard let probe = try? Store.decoder.decode(Probe.self, from: Data(bytes)),
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
    }

    /// Applies every complete line whose sequence number follows the book's. An incomplete
    /// last line is left out of `goodLength`; a complete line that does not parse is an error.
    static func replay(_ bytes: [UInt8], onto book: inout CaseBook) throws -> Replay {
        var replay = Replay()
        for line in Lines(bytes) {
            let lineNumber = line.number
            guard line.complete else { break }
            let entry: JournalEntry
            do {
                entry = try SnapshotFile.decode(JournalEntry.self, from: bytes[line.range], line: lineNumber)
            } catch let failure as SnapshotFile.Failure {
                // A newer program may have added kinds of change this one cannot decode.
                if let found = SnapshotFile.newerSchema(in: bytes[line.range]) {
                    throw SnapshotFile.Failure(line: lineNumber, reason: "", newerSchema: found)
                }
                throw failure
            }
            guard entry.schemaVersion <= Schema.version else {
                throw SnapshotFile.Failure(line: lineNumber, reason: "", newerSchema: entry.schemaVersion)
            }
            replay.lines += 1
            replay.goodLength = line.range.upperBound + 1
            if entry.seq <= book.seq { continue }  // Already in the snapshot.
            do {
                try book.apply(entry)
            } catch let error as ChangeError {
                var failure = SnapshotFile.Failure(line: lineNumber, reason: "error.parse.rules", detail: SnapshotFile.ruleDetail(error))
                if case .outOfSequence = error { failure.isSequenceGap = true }
                throw failure
            }
        }
        // Blank lines only after the last complete line (or a file of only NUL bytes from a
        // crash) count as part of the torn tail.
        return replay
    }
}
