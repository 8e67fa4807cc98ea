import Foundation
import Testing
@testable import RetourCore
@testable import RetourDemo
import RetourTestSupport

/// Retour's decoder against Foundation's, the reference: the same values from the same lines,
/// the same refusals, and errors that name the same field.
@Suite("Line decoder")
struct LineDecoderTests {
    typealias F = CSVFixtures

    static var foundation: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    /// Every line of a demonstration office (cases with plans, assessments, referrals, notes,
    /// closures; the journal's changes; the users) reads as Foundation reads it.
    @Test func readsEveryLineOfAnOfficeAsFoundationDoes() throws {
        try F.withDirectory { directory throws in
            let store = try Store(directory: directory)
            try DemoOffice.fill(store, mark: DemoMark(seed: 11, cases: 150), reference: F.reference, assets: F.assets,
                                today: F.today, pinParameters: DemoOfficeTests.cheap)
            let journal = try lines(fileURL(directory, Store.Files.journal))
            #expect(journal.count > 300)
            for line in journal {
                let entry = try LineDecoder().decode(JournalEntry.self, from: Data(line.utf8))
                #expect(entry == (try Self.foundation.decode(JournalEntry.self, from: Data(line.utf8))))
            }
            try store.close()
            let snapshot = try lines(fileURL(directory, Store.Files.snapshot))
            let cases = snapshot.dropFirst()
            #expect(cases.count == 150)
            for line in cases {
                let item = try LineDecoder().decode(Case.self, from: Data(line.utf8))
                #expect(item == (try Self.foundation.decode(Case.self, from: Data(line.utf8))))
                // And what the store writes back reads as the same case.
                #expect(try LineDecoder().decode(Case.self, from: Store.encoder.encode(item)) == item)
            }
            let header = try LineDecoder().decode(SnapshotFile.Header.self, from: Data(snapshot[0].utf8))
            let users = try #require(header.users)
            #expect(try LineDecoder().decode([User].self, from: Data(users.utf8))
                    == (try Self.foundation.decode([User].self, from: Data(users.utf8))))
        }
    }

    struct Texts: Codable, Equatable {
        var text: String
        var texts: [String]
        var details: [String: String]
    }

    @Test func readsEveryFormOfString() throws {
        let tricky = ["", "Maïga", "Tombouctou — Ber", "😀 family", "a\"b\\c/d", "tab\tnew\nline\r",
                      "\u{1b}[2J", "\u{0}", "\u{7f}\u{9b}", "\u{202e}", "e\u{301}", "日本語"] + HostileText.names.map(\.text)
        let value = Texts(text: tricky.joined(), texts: tricky, details: Dictionary(uniqueKeysWithValues: tricky.enumerated().map { ("\($0.offset)\($0.element)", $0.element) }))
        #expect(try LineDecoder().decode(Texts.self, from: Store.encoder.encode(value)) == value)
        // Escapes Retour's encoder does not write, but JSON allows.
        let escaped = #"{"text":"\u00e9\u00C9\/\b\f\ud83d\ude00","texts":["\u0000"],"details":{"\u0041":"\"\\"}}"#
        #expect(try LineDecoder().decode(Texts.self, from: Data(escaped.utf8))
                == (try Self.foundation.decode(Texts.self, from: Data(escaped.utf8))))
        #expect(try LineDecoder().decode(Texts.self, from: Data(escaped.utf8)).text == "éÉ/\u{8}\u{c}😀")
    }

    /// Text that is not JSON is refused, as Foundation refuses it.
    @Test(arguments: [
        "", " ", "{", "}", "[,1]", #"{"a" 1}"#, #"{a:1}"#, "{'a':1}", "[1 2]", "01", "1.", ".5", "-",
        "+1", "1e", "1e+", "0x10", "NaN", "Infinity", "tru", "nul", "[1]x", #""abc"#, "\"\u{1}\"", "\"a\nb\"",
        #""\x""#, #""\u12""#, #""\u12G4""#, #""\ud800""#, #""\udc00""#, #""\ud800\u0041""#, #""\"#,
    ])
    func refusesWhatIsNotJSON(_ text: String) {
        #expect(throws: DecodingError.self) { try LineDecoder().decode(JSONAny.self, from: Data(text.utf8)) }
        #expect(throws: DecodingError.self) { try Self.foundation.decode(JSONAny.self, from: Data(text.utf8)) }
    }

    /// Foundation tolerates a comma before the end of an array or object; RFC 8259 does not,
    /// and neither does Retour (its own files never hold one).
    @Test(arguments: ["[1,]", #"{"a":1,}"#])
    func refusesATrailingComma(_ text: String) {
        #expect(throws: DecodingError.self) { try LineDecoder().decode(JSONAny.self, from: Data(text.utf8)) }
    }

    @Test(arguments: [[0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
                      [0xF8, 0x88, 0x80, 0x80, 0x80], [0xC3], [0xE2, 0x82], [0x80], [0xFF]] as [[UInt8]])
    func refusesInvalidUTF8InAString(_ invalid: [UInt8]) {
        let line = Array(#"{"text":"a"#.utf8) + invalid + Array(#"b","texts":[],"details":{}}"#.utf8)
        #expect(throws: DecodingError.self) { try LineDecoder().decode(Texts.self, from: line) }
    }

    @Test func readsValidUTF8OfEveryLength() throws {
        let line = #"{"text":"a\#u{e9}\#u{20ac}\#u{1f600}\#u{10ffff}","texts":[],"details":{}}"#
        #expect(try LineDecoder().decode(Texts.self, from: Array(line.utf8)).text == "a\u{e9}\u{20ac}\u{1f600}\u{10ffff}")
    }

    @Test func refusesNestingDeeperThanItsLimitWithoutExhaustingTheStack() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: DecodingError.self) { try LineDecoder().decode(JSONAny.self, from: Data(deep.utf8)) }
        let fine = String(repeating: "[", count: 400) + String(repeating: "]", count: 400)
        #expect(throws: Never.self) { try LineDecoder().decode(JSONAny.self, from: Data(fine.utf8)) }
    }

    struct Numbers: Codable, Equatable {
        var int: Int
        var small: Int8
        var unsigned: UInt32
        var double: Double
        var optional: Int?
    }

    @Test func readsNumbersAsFoundationDoes() throws {
        for line in [#"{"int":-9223372036854775808,"small":-128,"unsigned":4294967295,"double":-1.5e-3,"optional":null}"#,
                     #"{"int":9223372036854775807,"small":127,"unsigned":0,"double":12,"optional":7}"#,
                     #"{"int":1.0,"small":1e2,"unsigned":10,"double":0.1}"#] {
            #expect(try LineDecoder().decode(Numbers.self, from: Data(line.utf8))
                    == (try Self.foundation.decode(Numbers.self, from: Data(line.utf8))))
        }
        for line in [#"{"int":9223372036854775808,"small":0,"unsigned":0,"double":0}"#,
                     #"{"int":0,"small":128,"unsigned":0,"double":0}"#,
                     #"{"int":0,"small":0,"unsigned":-1,"double":0}"#,
                     #"{"int":1.5,"small":0,"unsigned":0,"double":0}"#,
                     #"{"int":"1","small":0,"unsigned":0,"double":0}"#,
                     #"{"int":null,"small":0,"unsigned":0,"double":0}"#,
                     #"{"small":0,"unsigned":0,"double":0}"#] {
            #expect(throws: DecodingError.self) { try LineDecoder().decode(Numbers.self, from: Data(line.utf8)) }
            #expect(throws: DecodingError.self) { try Self.foundation.decode(Numbers.self, from: Data(line.utf8)) }
        }
    }

    @Test func readsIdentifiersAndInstantsInEveryForm() throws {
        struct Stamped: Codable, Equatable { var id: UUID; var at: Date; var day: CalendarDate }
        for line in [#"{"id":"58DA53B8-8429-4628-81C6-D95C9FBCB71D","at":"2026-12-07T04:13:12Z","day":"2026-12-07"}"#,
                     #"{"id":"58da53b8-8429-4628-81c6-d95c9fbcb71d","at":"2026-12-07T05:13:12+01:00","day":"07/12/2026"}"#] {
            #expect(try LineDecoder().decode(Stamped.self, from: Data(line.utf8))
                    == (try Self.foundation.decode(Stamped.self, from: Data(line.utf8))))
        }
        for line in [#"{"id":"58DA53B8-8429-4628-81C6-D95C9FBCB71","at":"2026-12-07T04:13:12Z","day":"2026-12-07"}"#,
                     #"{"id":"58DA53B8x8429-4628-81C6-D95C9FBCB71D","at":"2026-12-07T04:13:12Z","day":"2026-12-07"}"#,
                     #"{"id":"58DA53B8-8429-4628-81C6-D95C9FBCB7GD","at":"2026-12-07T04:13:12Z","day":"2026-12-07"}"#,
                     #"{"id":"58DA53B8-8429-4628-81C6-D95C9FBCB71D","at":"2026-12-07T04:13:12Z","day":"2026-02-30"}"#] {
            #expect(throws: DecodingError.self) { try LineDecoder().decode(Stamped.self, from: Data(line.utf8)) }
        }
    }

    /// The store's messages name the field that failed (`profile.sex`): the paths must be
    /// Foundation's, for a missing key, a wrong type and a bad value, inside arrays too.
    @Test func errorsNameTheFieldAsFoundationDoes() throws {
        let item = try #require(try F.withDirectory { directory throws -> Case? in
            let store = try Store(directory: directory)
            try DemoOffice.fill(store, mark: DemoMark(seed: 3, cases: 40), reference: F.reference, assets: F.assets,
                                today: F.today, pinParameters: DemoOfficeTests.cheap)
            defer { try? store.close() }
            return try store.book.allCases().first { $0.notes.count >= 2 && !$0.plans.isEmpty }
        })
        let line = String(decoding: try Store.encoder.encode(item), as: UTF8.self)
        let breakages: [(String, String)] = [
            (#""sex":""#, #""sex":"X"#),
            (#""number":"#, #""numberX":"#),
            (#""version":"#, #""version":"1","old":"#),
            (#""text":"#, #""text":12,"old":"#),
            (#""householdSize":"#, #""householdSize":null,"old":"#),
        ]
        for (find, replace) in breakages {
            let broken = line.replacingOccurrences(of: find, with: replace, options: [], range: line.range(of: find))
            #expect(broken != line)
            func path(_ decoder: (Data) throws -> Case) -> [String]? {
                do {
                    _ = try decoder(Data(broken.utf8))
                    return nil
                } catch let error as DecodingError {
                    let context: DecodingError.Context
                    switch error {
                    case .dataCorrupted(let c), .typeMismatch(_, let c), .valueNotFound(_, let c): context = c
                    case .keyNotFound(let key, let c): return (c.codingPath + [key]).map { $0.intValue.map(String.init) ?? $0.stringValue }
                    @unknown default: return nil
                    }
                    return context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }
                } catch {
                    return nil
                }
            }
            let ours = path { try LineDecoder().decode(Case.self, from: $0) }
            #expect(ours != nil, "\(find)")
            #expect(ours == path { try Self.foundation.decode(Case.self, from: $0) }, "\(find)")
        }
    }

    /// Lines cut or changed at random bytes: never a crash, and accepted exactly when
    /// Foundation accepts them.
    @Test func agreesWithFoundationOnDamagedLines() throws {
        let item = try F.withDirectory { directory throws -> Case in
            let store = try Store(directory: directory)
            try DemoOffice.fill(store, mark: DemoMark(seed: 5, cases: 20), reference: F.reference, assets: F.assets,
                                today: F.today, pinParameters: DemoOfficeTests.cheap)
            defer { try? store.close() }
            return try #require(try store.book.allCases().max { $0.timeline.count < $1.timeline.count })
        }
        let line = Array(try Store.encoder.encode(item))
        var random = SeededGenerator(seed: 2026)
        let alphabet = Array(#"{}[]":,\ -.0123456789eEtrufalsn"#.utf8) + [0x00, 0x1F, 0x80, 0xC3, 0xFF]
        for round in 0..<3_000 {
            var damaged = line
            switch round % 3 {
            case 0: damaged = Array(damaged.prefix(Int.random(in: 0..<damaged.count, using: &random)))
            case 1:
                for _ in 0...Int.random(in: 0..<3, using: &random) {
                    damaged[Int.random(in: 0..<damaged.count, using: &random)] = alphabet.randomElement(using: &random)!
                }
            default: damaged.remove(at: Int.random(in: 0..<damaged.count, using: &random))
            }
            let ours = Result { try LineDecoder().decode(Case.self, from: damaged) }
            let theirs = Result { try Self.foundation.decode(Case.self, from: Data(damaged)) }
            switch (ours, theirs) {
            case (.success(let mine), .success(let reference)): #expect(mine == reference, "round \(round)")
            case (.failure, .failure): break
            case (.success, .failure(let error)), (.failure(let error), .success):
                Issue.record("round \(round): only one decoder accepts \(zip(line, damaged).enumerated().filter { $0.element.0 != $0.element.1 }.map { "\($0.offset): \(String(decoding: line[max(0, $0.offset - 20)..<min(line.count, $0.offset + 5)], as: UTF8.self)) \($0.element.0)→\($0.element.1)" }) \(error)")
            }
        }
    }
}

/// Any JSON value, to check the grammar alone.
private struct JSONAny: Decodable {
    init(from decoder: Decoder) throws {
        if let container = try? decoder.singleValueContainer() {
            if container.decodeNil() { return }
            if (try? container.decode(Bool.self)) != nil || (try? container.decode(Double.self)) != nil
                || (try? container.decode(String.self)) != nil { return }
        }
        if var array = try? decoder.unkeyedContainer() {
            while !array.isAtEnd { _ = try array.decode(JSONAny.self) }
            return
        }
        let object = try decoder.container(keyedBy: JSONKey.self)
        for key in object.allKeys { _ = try object.decode(JSONAny.self, forKey: key) }
    }
}
