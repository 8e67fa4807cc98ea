import Foundation
import Testing
@testable import RetourCore
import RetourDemo

/// The instants of Retour's files read without Foundation's parser: the same instant as the
/// standard ISO 8601 reading, for every form Retour writes; anything else left to it.
@Suite("Instants in files")
struct InstantTextTests {
    @Test func readsWhatTheStandardParserReads() throws {
        var generator = SeededGenerator(seed: 20261207)
        let formatter = ISO8601DateFormatter()
        for _ in 0..<5_000 {
            let instant = Date(timeIntervalSince1970: TimeInterval(Int64.random(in: -2_208_988_800...4_102_444_800, using: &generator)))
            let text = formatter.string(from: instant)
            #expect(InstantText.parse(text) == instant, "\(text)")
        }
        for text in ["2024-02-29T23:59:59Z", "2000-02-29T00:00:00Z", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59Z"] {
            #expect(InstantText.parse(text) == formatter.date(from: text), "\(text)")
        }
    }

    @Test(arguments: ["2023-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-12-07T24:00:00Z", "2026-12-07T03:60:00Z",
                      "2026-12-07T03:00:00+01:00", "2026-12-07T03:00:00.5Z", "2026-12-07 03:00:00Z", "２026-12-07T03:00:00Z",
                      "", "2026-12-07"])
    func leavesEveryOtherFormToTheStandardParser(_ text: String) {
        #expect(InstantText.parse(text) == nil)
    }

    @Test func theDecoderStillReadsOtherFormsAndRefusesNonsense() throws {
        struct Stamp: Decodable { let at: Date }
        let decoder = LineDecoder()
        let offset = try decoder.decode(Stamp.self, from: Data(#"{"at":"2026-12-07T04:00:00+01:00"}"#.utf8))
        #expect(offset.at == InstantText.parse("2026-12-07T03:00:00Z"))
        #expect(throws: DecodingError.self) { try decoder.decode(Stamp.self, from: Data(#"{"at":"yesterday"}"#.utf8)) }
    }
}
