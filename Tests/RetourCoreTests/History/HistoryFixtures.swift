import Crypto
import Foundation
import Testing
@testable import RetourCore
import RetourTestSupport

/// Histories on a `SimulatedDisk`, and the bytes of their lines to tamper with.
enum HistoryFixture {
    static let directory = URL(fileURLWithPath: "/retour/data")
    static let path = directory.appendingPathComponent(HistoryFile.fileName).path
    /// Whole seconds: what is read back equals what was appended.
    static let start = Date(timeIntervalSince1970: 1_460_000_000)

    /// A disk holding an empty data directory, durable.
    static func disk() throws -> SimulatedDisk {
        let disk = SimulatedDisk()
        try disk.makeDirectory(directory.path, name: directory.path)
        try disk.syncDirectory("/", name: "/")
        try disk.syncDirectory("/retour", name: "/retour")
        return disk
    }

    static func sealed() -> SealedLines { SealedLines(key: SymmetricKey(size: .bits256)) }

    static func file(_ disk: SimulatedDisk, _ sealing: LineSealing = PlainLines(), lineLimit: Int = HistoryFile.defaultLineLimit,
                     chunk: Int? = nil) -> HistoryFile {
        if let chunk {
            return HistoryFile(directory: directory, disk: disk, sealing: sealing, lineLimit: lineLimit,
                               forwardChunk: chunk, backwardChunk: chunk)
        }
        return HistoryFile(directory: directory, disk: disk, sealing: sealing, lineLimit: lineLimit)
    }

    /// The `index`-th event of a sample history, a minute after the one before: every kind in turn.
    static func event(_ index: Int) -> (by: String, at: Date, event: HistoryEvent) {
        let at = start.addingTimeInterval(Double(index) * 60)
        let event: HistoryEvent
        switch index % 8 {
        case 0: event = .signIn(login: "fatoumata.maiga")
        case 1:
            event = .change(JournalEntry(seq: index, by: "fatoumata.maiga", at: at,
                                         change: .register(id: id(index), number: "GAO-\(100_000 + index)",
                                                           profile: sampleProfile("Maïga", "Aminata"))))
        case 2: event = .view(caseNumber: "GAO-\(100_000 + index)")
        case 3: event = .signInFailed(login: "moussa.keita")
        case 4: event = .lockout(login: "moussa.keita", until: at.addingTimeInterval(900))
        case 5: event = .unlock(login: "moussa.keita")
        case 6: event = .export(scope: "region ML07", count: 12)
        default: event = .report(name: "monthly", scope: "cercle Gao", count: 3)
        }
        return ("fatoumata.maiga", at, event)
    }

    /// The same id for the same index, so that events compare equal across histories.
    static func id(_ index: Int) -> UUID {
        UUID(uuidString: "00000000-0000-4000-8000-" + String(format: "%012d", index))!
    }

    static func events(_ range: Range<Int>) -> [(by: String, at: Date, event: HistoryEvent)] {
        range.map(event)
    }

    /// A history of `count` entries appended in batches of 3.
    static func history(_ count: Int, _ sealing: LineSealing = PlainLines()) throws -> (SimulatedDisk, HistoryFile) {
        let disk = try disk()
        let file = file(disk, sealing)
        for start in stride(from: 0, to: count, by: 3) {
            try file.append(events(start..<min(count, start + 3)))
        }
        return (disk, file)
    }

    static func bytes(_ disk: SimulatedDisk) -> [UInt8] { disk.files[path] ?? [] }

    /// The file's complete lines, without newlines.
    static func lines(_ disk: SimulatedDisk) -> [[UInt8]] {
        bytes(disk).split(separator: 0x0A, omittingEmptySubsequences: false).dropLast().map(Array.init)
    }

    static func write(_ lines: [[UInt8]], to disk: SimulatedDisk, torn: [UInt8] = []) throws {
        try disk.place(lines.flatMap { $0 + [0x0A] } + torn, at: path)
    }

    static func sha256(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    /// A plain line for `entry`, as `HistoryFile` writes it.
    static func line(_ entry: HistoryEntry) throws -> [UInt8] {
        Array(try Store.encoder.encode(entry))
    }

    /// Whether `needle` occurs in `haystack`.
    static func contains(_ haystack: [UInt8], _ needle: String) -> Bool {
        let needle = Array(needle.utf8)
        guard haystack.count >= needle.count else { return false }
        return (0...(haystack.count - needle.count)).contains { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}
