import Foundation
import Testing
@testable import RetourCore
@testable import RetourDemo
import RetourTestSupport

/// Retour's encoder against Foundation's, the reference: byte for byte the same lines, so that
/// files written before and after it read and chain alike.
@Suite("Line encoder")
struct LineEncoderTests {
    typealias F = CSVFixtures

    static var foundation: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    static func expectSameBytes<T: Encodable>(_ value: T, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let mine = String(decoding: try LineEncoder().bytes(value), as: UTF8.self)
        let theirs = String(decoding: try foundation.encode(value), as: UTF8.self)
        #expect(mine == theirs, sourceLocation: sourceLocation)
    }

    /// Every line of a demonstration office (cases with plans, assessments, referrals, notes,
    /// closures; every kind of change in the journal; the history; the users; the headers).
    @Test func writesEveryLineOfAnOfficeAsFoundationDoes() throws {
        try F.withDirectory { directory throws in
            let store = try Store(directory: directory)
            try DemoOffice.fill(store, mark: DemoMark(seed: 12, cases: 150), reference: F.reference, assets: F.assets,
                                today: F.today, pinParameters: DemoOfficeTests.cheap)
            let journal = try lines(fileURL(directory, Store.Files.journal))
            #expect(journal.count > 300)
            for line in journal {
                let entry = try LineDecoder().decode(JournalEntry.self, from: Data(line.utf8))
                try Self.expectSameBytes(entry)
                // What was written reads back to the very line.
                #expect(String(decoding: try LineEncoder().bytes(entry), as: UTF8.self) == line)
            }
            let history = try lines(fileURL(directory, HistoryFile.fileName))
            #expect(history.count >= journal.count)
            for line in history {
                let entry = try LineDecoder().decode(HistoryEntry.self, from: Data(line.utf8))
                try Self.expectSameBytes(entry)
            }
            try store.close()
            let snapshot = try lines(fileURL(directory, Store.Files.snapshot))
            for line in snapshot.dropFirst() {
                try Self.expectSameBytes(try LineDecoder().decode(Case.self, from: Data(line.utf8)))
            }
            let header = try LineDecoder().decode(SnapshotFile.Header.self, from: Data(snapshot[0].utf8))
            try Self.expectSameBytes(header)
            let users = try #require(header.users)
            try Self.expectSameBytes(try LineDecoder().decode([User].self, from: Data(users.utf8)))
        }
    }

    struct Texts: Codable {
        var text: String
        var texts: [String]
        var details: [String: String]
        var missing: String?
        var present: Int?
        var optionals: [Int?]
    }

    /// Every control character, the escapes, text of every script and hostile names; keys that
    /// sort differently by case, digits and punctuation.
    @Test func escapesAndSortsAsFoundationDoes() throws {
        let controls = (0..<0x20).map { String(UnicodeScalar(UInt8($0))) } + ["\u{7f}", "\u{9b}", "\u{2028}", "\u{2029}"]
        let tricky = ["", "Maïga", "Tombouctou — Ber", "😀 family", "a\"b\\c/d", "e\u{301}", "日本語", "\u{202e}"]
            + controls + HostileText.names.map(\.text)
        let keys = ["b", "A", "a", "B", "a10", "a9", "aB", "ab", "_x", "Z", "é", "e", "f", "a-b", "a_b", "aa", "", " ", "1", "\u{1}"]
        let value = Texts(text: tricky.joined(), texts: tricky,
                          details: Dictionary(uniqueKeysWithValues: (keys + tricky.map { "k" + $0 }).map { ($0, $0) }),
                          missing: nil, present: 7, optionals: [1, nil, -3])
        try Self.expectSameBytes(value)
        try Self.expectSameBytes(tricky)
        try Self.expectSameBytes(["": [String: Int]()])
        try Self.expectSameBytes([[Int]]())
    }

    /// Instants: whole and fractional seconds, before 1970, leap days, the ends of the years
    /// the format can write, and a thousand drawn with a fixed seed.
    @Test func writesInstantsAsFoundationDoes() throws {
        var instants: [Double] = [0, 0.999, -0.5, -1, -86_400, -86_401, 951_782_400, 951_868_799.75, 1_798_761_599,
                                  -62_135_596_800, 253_402_300_799, 4_102_444_800.25, -2_208_988_800]
        var generator = SeededGenerator(seed: 2026)
        instants += (0..<1000).map { _ in Double.random(in: -62_135_596_800..<253_402_300_799, using: &generator).rounded(.down) }
        instants += (0..<200).map { _ in Double.random(in: 0..<4_102_444_800, using: &generator) }
        for seconds in instants {
            try Self.expectSameBytes([Date(timeIntervalSince1970: seconds)])
        }
    }

    @Test func writesIdentifiersAsFoundationDoes() throws {
        var ids = [UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
                   UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255))]
        var generator = SeededGenerator(seed: 7)
        ids += (0..<500).map { _ in
            var bytes = [UInt8](repeating: 0, count: 16)
            for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255, using: &generator) }
            return bytes.withUnsafeBytes { $0.load(as: UUID.self) }
        }
        try Self.expectSameBytes(ids)
    }

    /// Numbers of every width, and the floating-point ones Retour's files do not hold yet.
    @Test func writesNumbersAsFoundationDoes() throws {
        struct Numbers: Codable {
            var int = Int.min, int8 = Int8.min, int16 = Int16.max, int32 = Int32.min, int64 = Int64.max
            var uint = UInt.max, uint8 = UInt8.max, uint16 = UInt16.max, uint32 = UInt32.max, uint64 = UInt64.max
            var flags = [true, false]
            var double = 1.5, float: Float = 0.1, whole = 3.0, tiny = 1e-7
            var list: [Int64] = [0, -1, 42]
        }
        try Self.expectSameBytes(Numbers())
    }

    /// A value that encodes nothing at the top is refused, as Foundation refuses it; nested, it
    /// is an empty object, as there.
    @Test func aValueEncodingNothing() throws {
        struct Nothing: Encodable { func encode(to encoder: Encoder) throws {} }
        #expect(throws: EncodingError.self) { try LineEncoder().bytes(Nothing()) }
        #expect(throws: EncodingError.self) { try Self.foundation.encode(Nothing()) }
        try Self.expectSameBytes(["a": Nothing()])
    }

    @Test func daysSinceTheEpochNameTheirDate() throws {
        for days in stride(from: -719_162, through: 2_932_896, by: 997) + [-719_162, -1, 0, 1, 59, 60, 2_932_896] {
            let date = try #require(CalendarDate(daysSinceEpoch: days))
            #expect(date.daysSinceEpoch == days)
        }
        #expect(CalendarDate(daysSinceEpoch: -719_163) == nil)
        #expect(CalendarDate(daysSinceEpoch: 2_932_897) == nil)
    }
}
