import Foundation
import Testing
import RetourCore
import RetourTestSupport

/// The check behind every "no name in clear" test: a name in clear is found, a name that the
/// base64 of a sealed line happens to spell is not (a search for the bare bytes once failed CI).
@Suite struct ReadableNameTests {
    @Test func aNameInAJSONLineOrInTheIndexIsReadable() {
        #expect(ReadableName.appears("Diarra", in: Array(#"{"familyName":"Diarra","givenNames":"Awa"}"#.utf8)))
        // The index: each string after its length (a varint), the next length after it.
        #expect(ReadableName.appears("Diarra", in: [0x10, 0x06] + Array("Diarra".utf8) + [0x03] + Array("Awa".utf8)))
        #expect(ReadableName.appears("Sangaré", in: Array("Sangaré".utf8)))
    }

    @Test func aNameSpelledByASealedLineIsNotReadable() {
        let sealed = "3q2+7wAAAAAAAAAAQlx0yDiarraK9mZ0cGwrWlKc5u1y0oN4Hv/q2Zb+E1Ek"
        #expect(!ReadableName.appears("Diarra", in: Array(sealed.utf8)))
        #expect(!ReadableName.appears("Diarra", in: Array("Diarra\(sealed)\n".utf8)), "at the start of a sealed line")
        #expect(!ReadableName.appears("Diarra", in: Array("\(sealed)Diarra==\n".utf8)), "at its end")
        #expect(!ReadableName.appears("Diarra", in: Array("Diallo Traoré".utf8)))
    }
}
