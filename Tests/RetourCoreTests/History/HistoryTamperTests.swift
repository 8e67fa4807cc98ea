import Crypto
import Foundation
import Testing
@testable import RetourCore
import RetourTestSupport

private typealias F = HistoryFixture

/// Every way of changing `history.jsonl` behind Retour's back shows in `verify`, at the right
/// position: one byte, a line removed, two swapped, the end cut, the last entry replaced, a
/// chain recomputed without the key.
@Suite("History: tampering is detected")
struct HistoryTamperTests {
    /// Ten entries, plain or sealed, and the head an administrator wrote down.
    private func ten(_ sealing: LineSealing) throws -> (SimulatedDisk, HistoryFile, HistoryHead) {
        let (disk, file) = try F.history(10, sealing)
        let head = try file.head()
        #expect(head.count == 10)
        #expect(try file.verify(expected: head) == HistoryVerification(head: head, problem: nil, tornBytes: 0))
        return (disk, file, head)
    }

    private func problem(_ file: HistoryFile, expected: HistoryHead? = nil) throws -> HistoryProblem? {
        try file.verify(expected: expected).problem
    }

    @Test func oneByteChangedInAPlainLine() throws {
        let (disk, file, head) = try ten(PlainLines())
        var lines = F.lines(disk)
        // "fatoumata.maiga" → "fatoumata.maigA": still a well-formed entry, so only the link
        // entry 6 holds gives it away.
        let by = Array(#""by":"fatoumata.maiga""#.utf8)
        let start = try #require((0..<lines[4].count).first { lines[4][$0...].starts(with: by) })
        lines[4][start + by.count - 2] = UInt8(ascii: "A")
        try F.write(lines, to: disk)
        #expect(try problem(file) == .edited(position: 6))
        #expect(try problem(file, expected: head) == .edited(position: 6))
        #expect(HistoryProblem.edited(position: 6).message
            == Message("history.problem.edited", ["file": "history.jsonl", "position": "6", "previous": "5"]))
        // The edited line still decodes: the listing shows it, the check says it was changed.
        #expect(throws: Never.self) { try file.forEach { _ in true } }
    }

    @Test func oneByteChangedInTheTailOfAPlainLine() throws {
        let (disk, file, _) = try ten(PlainLines())
        let original = F.lines(disk)
        var lines = original
        let tail = try #require(HistoryLine.tail(lines[4][...]))
        // A digit of its `previous`: entry 5 no longer follows entry 4.
        let digit = tail.previous.upperBound - 1
        lines[4][digit] = lines[4][digit] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
        try F.write(lines, to: disk)
        #expect(try problem(file) == .edited(position: 5))
        // Its position: 5 becomes 4, the chain otherwise intact up to it.
        lines = original
        let position = tail.previous.lowerBound - ",\"previous\":\"".utf8.count - 1
        #expect(lines[4][position] == UInt8(ascii: "5"))
        lines[4][position] = UInt8(ascii: "4")
        try F.write(lines, to: disk)
        #expect(try problem(file) == .edited(position: 5))
    }

    @Test func oneByteChangedInASealedLine() throws {
        let (disk, file, head) = try ten(F.sealed())
        var lines = F.lines(disk)
        lines[4][10] = lines[4][10] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        try F.write(lines, to: disk)
        #expect(try problem(file) == .unreadable(position: 5))
        #expect(try problem(file, expected: head) == .unreadable(position: 5))
        #expect(throws: HistoryError.unreadable(position: 5)) { try file.forEach { _ in true } }
    }

    @Test(arguments: [false, true])
    func aLineRemoved(sealed: Bool) throws {
        let (disk, file, head) = try ten(sealed ? F.sealed() : PlainLines())
        var lines = F.lines(disk)
        lines.remove(at: 4)
        try F.write(lines, to: disk)
        #expect(try problem(file) == .edited(position: 5))
        #expect(try problem(file, expected: head) == .edited(position: 5))
        #expect(try file.verify().head.count == 9)
        // The first one: the history no longer starts at its start.
        lines = F.lines(disk)
        lines.removeFirst()
        try F.write(lines, to: disk)
        #expect(try problem(file) == .edited(position: 1))
        #expect(HistoryProblem.edited(position: 1).message == Message("history.problem.start", ["file": "history.jsonl"]))
    }

    @Test(arguments: [false, true])
    func twoLinesSwapped(sealed: Bool) throws {
        let (disk, file, head) = try ten(sealed ? F.sealed() : PlainLines())
        var lines = F.lines(disk)
        lines.swapAt(3, 6)
        try F.write(lines, to: disk)
        #expect(try problem(file) == .edited(position: 4))
        #expect(try problem(file, expected: head) == .edited(position: 4))
        // Two neighbours.
        lines.swapAt(3, 6)
        lines.swapAt(7, 8)
        try F.write(lines, to: disk)
        #expect(try problem(file) == .edited(position: 8))
    }

    @Test(arguments: [false, true])
    func theTailCut(sealed: Bool) throws {
        let (disk, file, head) = try ten(sealed ? F.sealed() : PlainLines())
        let lines = F.lines(disk)
        try F.write(Array(lines.prefix(7)), to: disk)
        // Without a head written down, a shorter history is indistinguishable from a younger one.
        #expect(try problem(file) == nil)
        #expect(try problem(file, expected: head) == .cut(expected: 10, found: 7))
        #expect(HistoryProblem.cut(expected: 10, found: 7).message
            == Message("history.problem.cut", ["file": "history.jsonl", "expected": "10", "found": "7"]))
        // Every entry gone, the file too.
        disk.remove(F.path)
        #expect(try problem(file, expected: head) == .cut(expected: 10, found: 0))
        #expect(try problem(file) == nil)
        // A head taken earlier still holds when entries were only added since.
        try F.write(Array(lines.prefix(7)), to: disk)
        let seven = try file.head()
        try F.write(lines, to: disk)
        #expect(try problem(file, expected: seven) == nil)
        #expect(try problem(file, expected: HistoryHead(count: 7, link: head.link)) == .rewritten(position: 7))
    }

    @Test func theLastEntryReplaced() throws {
        let (disk, file, head) = try ten(PlainLines())
        var lines = F.lines(disk)
        // A plausible last entry, linked properly: the chain holds, only the head catches it.
        var entries: [HistoryEntry] = []
        try file.forEach { entries.append($0); return true }
        var last = entries[9]
        last.event = .signIn(login: "someone.else")
        lines[9] = try F.line(last)
        try F.write(lines, to: disk)
        #expect(try problem(file) == nil)
        #expect(try problem(file, expected: head) == .rewritten(position: 10))
        // And when more entries were appended since the head was written down.
        try file.append(F.events(10..<12))
        #expect(try problem(file, expected: head) == .rewritten(position: 10))
        #expect(HistoryProblem.rewritten(position: 10).message
            == Message("history.problem.rewritten", ["file": "history.jsonl", "position": "10"]))
    }

    @Test func theWholeChainRecomputedInAPlainDirectory() throws {
        let (disk, file, head) = try ten(PlainLines())
        // Entry 3 changed, every link after it recomputed with SHA-256: anyone can do that in a
        // plain directory, so only the head written down shows it.
        var entries: [HistoryEntry] = []
        try file.forEach { entries.append($0); return true }
        entries[2].by = "someone.else"
        var lines: [[UInt8]] = []
        for var entry in entries {
            entry.previous = lines.last.map(F.sha256) ?? ""
            lines.append(try F.line(entry))
        }
        try F.write(lines, to: disk)
        #expect(try problem(file) == nil)
        #expect(try problem(file, expected: head) == .rewritten(position: 10))
    }

    /// In an encrypted directory, rewriting history needs the passphrase: a chain recomputed
    /// with SHA-256 and written in clear is refused at its first line, and so is one sealed with
    /// another key.
    @Test func aRecomputedChainInAnEncryptedDirectory() throws {
        let sealing = F.sealed()
        let (disk, file, head) = try ten(sealing)
        var entries: [HistoryEntry] = []
        try file.forEach { entries.append($0); return true }
        entries[2].by = "someone.else"
        var lines: [[UInt8]] = []
        for var entry in entries {
            entry.previous = lines.last.map(F.sha256) ?? ""
            lines.append(try F.line(entry))
        }
        try F.write(lines, to: disk)
        #expect(try problem(file) == .inClear(position: 1))
        #expect(try problem(file, expected: head) == .inClear(position: 1))
        #expect(HistoryProblem.inClear(position: 1).message
            == Message("history.problem.inClear", ["file": "history.jsonl", "position": "1"]))
        #expect(throws: HistoryError.unreadable(position: nil)) { try file.head() }
        #expect(throws: HistoryError.unreadable(position: nil)) { try file.append(F.events(10..<11)) }
        // Only the lines after the change in clear.
        let genuine = F.lines(try F.history(10, sealing).0)
        try F.write(Array(genuine.prefix(2)) + lines.suffix(8), to: disk)
        #expect(try problem(file) == .inClear(position: 3))

        // Sealed with another key (someone's own key file), chained under it.
        let (other, _) = try F.history(10, F.sealed())
        try disk.place(F.bytes(other), at: F.path)
        #expect(try problem(file) == .unreadable(position: 1))
        #expect(throws: HistoryError.unreadable(position: nil)) { try file.head() }
    }

    @Test func aGarbledLine() throws {
        let (disk, file, _) = try ten(PlainLines())
        var lines = F.lines(disk)
        lines[6] = Array(#"{"at":"2016-04-07T03:33:20Z"}"#.utf8)
        try F.write(lines, to: disk)
        #expect(try problem(file) == .unreadable(position: 7))
        lines[6] = []
        try F.write(lines, to: disk)
        #expect(try problem(file) == .unreadable(position: 7))
        #expect(HistoryProblem.unreadable(position: 7).message
            == Message("error.history.unreadable", ["file": "history.jsonl", "position": "7"]))
    }

    @Test func theTailParser() {
        let hex = String(repeating: "ab", count: 32)
        func tail(_ text: String) -> Int? { HistoryLine.tail(Array(text.utf8)[...])?.position }
        #expect(tail(#"{"a":1,"position":12,"previous":""}"#) == 12)
        #expect(tail(#"{"a":1,"position":3,"previous":"\#(hex)"}"#) == 3)
        #expect(tail(#"{"a":1,"position":3,"previous":"\#(hex.dropLast())"}"#) == nil)
        #expect(tail(#"{"a":1,"position":3,"previous":"\#(hex.uppercased())"}"#) == nil)
        #expect(tail(#"{"a":1,"position":3,"previous":"a\#(hex)"}"#) == nil)
        #expect(tail(#"{"a":1,"position":03,"previous":""}"#) == nil)
        #expect(tail(#"{"a":1,"position":0,"previous":""}"#) == nil)
        #expect(tail(#"{"a":1,"position":,"previous":""}"#) == nil)
        #expect(tail(#"{"a":1,"position":1234567890123456789,"previous":""}"#) == nil)
        #expect(tail(#"{"a":1,"position":3,"previous":""} "#) == nil)
        #expect(tail(#""position":3,"previous":""}"#) == nil)
        #expect(tail(#"","previous":""}"#) == nil)
        #expect(tail("") == nil)
    }
}
