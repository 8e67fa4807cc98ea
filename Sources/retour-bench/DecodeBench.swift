import ArgumentParser
import Foundation
import RetourCore

/// `retour-bench decode`: how fast the cases of a snapshot are read, by Retour's decoder and,
/// for comparison, by Foundation's. Reading the cases others changed is most of what a commit
/// beside other writers costs.
struct DecodeBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Measure how fast the cases of a plain (unencrypted) data directory are decoded; prints figures, asserts nothing."
    )

    @Option(help: "The data directory whose snapshot is read.")
    var data: String

    @Option(help: "Case lines decoded (from the top of the snapshot).")
    var cases = 20_000

    @Flag(help: "Measure Retour's decoder only (to profile it).")
    var retourOnly = false

    func run() throws {
        let path = URL(fileURLWithPath: data).appendingPathComponent(Store.Files.snapshot).path
        guard let handle = FileHandle(forReadingAtPath: path) else { throw BenchError(description: "cannot read \(path)") }
        defer { try? handle.close() }
        var lines: [[UInt8]] = []
        var pending: [UInt8] = []
        // Line 1 is the header; cases follow.
        reading: while lines.count < cases + 1, let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            pending.append(contentsOf: chunk)
            var start = pending.startIndex
            while let end = pending[start...].firstIndex(of: 0x0A) {
                lines.append(Array(pending[start..<end]))
                start = end + 1
                if lines.count == cases + 1 { break reading }
            }
            pending.removeSubrange(..<start)
        }
        let caseLines = Array(lines.dropFirst())
        guard !caseLines.isEmpty else { throw BenchError(description: "no case in \(path)") }
        let bytes = caseLines.reduce(0) { $0 + $1.count }

        let retour = LineDecoder()
        let foundation = JSONDecoder()
        foundation.dateDecodingStrategy = .iso8601
        // Both read the same cases: the figures compare like with like.
        for line in caseLines.prefix(100) where try retour.decode(Case.self, from: line) != foundation.decode(Case.self, from: Data(line)) {
            throw BenchError(description: "the two decoders disagree on a case")
        }
        print("decoder     cases   µs/case   MB/s")
        for (name, decode) in [("Retour", { (line: [UInt8]) in _ = try retour.decode(Case.self, from: line) }),
                               ("Foundation", { (line: [UInt8]) in _ = try foundation.decode(Case.self, from: Data(line)) })] {
            if retourOnly && name != "Retour" { continue }
            let (_, seconds) = try Measure.timed { for line in caseLines { try decode(line) } }
            print(String(format: "%-10@ %6d %9.1f %6.0f", name, caseLines.count, seconds * 1e6 / Double(caseLines.count), Double(bytes) / seconds / 1e6))
        }
    }
}
