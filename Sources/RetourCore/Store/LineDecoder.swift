import Foundation

/// Decodes the JSON of Retour's files straight from their bytes.
///
/// Foundation's decoder builds a dictionary of every object's keys, as new strings, before it
/// reads one field; reading a case that way was the most of what a commit beside other
/// writers costs. This one parses a line once into a flat list of tokens, then finds a field
/// by comparing the bytes of its key, and reads strings, numbers, instants and identifiers
/// from the bytes where they lie. It reads what `Store.encoder` writes, and any other valid
/// JSON: instants in another ISO 8601 form go to the standard parser.
///
/// Errors are `DecodingError`s with the coding path of the value, as Foundation's are; the
/// messages never quote a value (they end up in error lines).
public struct LineDecoder: Sendable {
    /// Deeper nesting is refused rather than followed (as Foundation's decoder does).
    static let depthLimit = 512

    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try data.withUnsafeBytes { raw in
            try decode(type, bytes: UnsafeBufferPointer(start: raw.baseAddress?.assumingMemoryBound(to: UInt8.self), count: raw.count))
        }
    }

    public func decode<T: Decodable>(_ type: T.Type, from bytes: ArraySlice<UInt8>) throws -> T {
        try bytes.withUnsafeBufferPointer { try decode(type, bytes: $0) }
    }

    public func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try bytes.withUnsafeBufferPointer { try decode(type, bytes: $0) }
    }

    /// The document lives only during this call: its tokens point into `bytes`.
    private func decode<T: Decodable>(_ type: T.Type, bytes: UnsafeBufferPointer<UInt8>) throws -> T {
        let document = try JSONDocument(parsing: bytes)
        return try document.value(T.self, at: 0)
    }
}

// MARK: - Tokens

/// One JSON value of a parsed line. Containers are followed by their members (an object's as
/// key, value, key, value…), so that a value's subtree is the tokens up to its `end`.
struct JSONToken {
    enum Kind: UInt8 { case null, bool, number, string, array, object }

    var kind: Kind
    /// A string with a backslash escape (to unescape), or a `true` (for a bool).
    var flag: Bool
    /// Strings, numbers: the first byte (after the quote). Containers: the number of members.
    var start: Int32
    /// Strings, numbers: the byte after the last (before the quote). Containers: the index
    /// of the first token after the subtree.
    var end: Int32
    /// The container this value is in (-1 for the top).
    var parent: Int32
}

/// A parsed line: its bytes and its tokens.
final class JSONDocument {
    let bytes: UnsafeBufferPointer<UInt8>
    let tokens: [JSONToken]

    struct Malformed: Error { let offset: Int }

    init(parsing bytes: UnsafeBufferPointer<UInt8>) throws {
        guard bytes.count < Int(Int32.max) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "The data is too large."))
        }
        self.bytes = bytes
        var tokens: [JSONToken] = []
        tokens.reserveCapacity(bytes.count / 12 + 4)
        var parser = Parser(bytes: bytes)
        do {
            parser.skipSpace()
            try parser.value(into: &tokens, parent: -1, depth: 0)
            parser.skipSpace()
            guard parser.position == bytes.count else { throw Malformed(offset: parser.position) }
        } catch let failure as Malformed {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "The given data was not valid JSON (byte \(failure.offset))."))
        }
        self.tokens = tokens
    }

    /// The JSON grammar of RFC 8259, each value appended as a token.
    private struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        mutating func skipSpace() {
            while position < bytes.count {
                switch bytes[position] {
                case 0x20, 0x0A, 0x0D, 0x09: position += 1
                default: return
                }
            }
        }

        func peek() throws -> UInt8 {
            guard position < bytes.count else { throw Malformed(offset: position) }
            return bytes[position]
        }

        mutating func expect(_ literal: StaticString) throws {
            let count = literal.utf8CodeUnitCount
            guard bytes.count - position >= count else { throw Malformed(offset: position) }
            let text = literal.utf8Start
            for index in 0..<count where bytes[position + index] != text[index] { throw Malformed(offset: position) }
            position += count
        }

        mutating func value(into tokens: inout [JSONToken], parent: Int32, depth: Int) throws {
            switch try peek() {
            case 0x7B: try container(into: &tokens, kind: .object, close: 0x7D, parent: parent, depth: depth)
            case 0x5B: try container(into: &tokens, kind: .array, close: 0x5D, parent: parent, depth: depth)
            case 0x22: tokens.append(try string(parent: parent))
            case 0x74:
                try expect("true")
                tokens.append(JSONToken(kind: .bool, flag: true, start: 0, end: 0, parent: parent))
            case 0x66:
                try expect("false")
                tokens.append(JSONToken(kind: .bool, flag: false, start: 0, end: 0, parent: parent))
            case 0x6E:
                try expect("null")
                tokens.append(JSONToken(kind: .null, flag: false, start: 0, end: 0, parent: parent))
            default: tokens.append(try number(parent: parent))
            }
        }

        mutating func container(into tokens: inout [JSONToken], kind: JSONToken.Kind, close: UInt8,
                                parent: Int32, depth: Int) throws {
            guard depth < LineDecoder.depthLimit else { throw Malformed(offset: position) }
            let index = tokens.count
            tokens.append(JSONToken(kind: kind, flag: false, start: 0, end: 0, parent: parent))
            position += 1
            skipSpace()
            var members: Int32 = 0
            if try peek() != close {
                while true {
                    if kind == .object {
                        guard try peek() == 0x22 else { throw Malformed(offset: position) }
                        tokens.append(try string(parent: Int32(index)))
                        skipSpace()
                        guard try peek() == 0x3A else { throw Malformed(offset: position) }
                        position += 1
                        skipSpace()
                    }
                    try value(into: &tokens, parent: Int32(index), depth: depth + 1)
                    members += 1
                    skipSpace()
                    let next = try peek()
                    position += 1
                    if next == close { break }
                    guard next == 0x2C else { throw Malformed(offset: position - 1) }
                    skipSpace()
                }
            } else {
                position += 1
            }
            tokens[index].start = members
            tokens[index].end = Int32(tokens.count)
        }

        /// A string's bytes are checked here: valid UTF-8, escapes well formed, no control
        /// character. Reading it then needs no other check.
        mutating func string(parent: Int32) throws -> JSONToken {
            position += 1
            let start = position
            var escaped = false
            while true {
                guard position < bytes.count else { throw Malformed(offset: position) }
                let byte = bytes[position]
                if byte == 0x22 { break }
                if byte < 0x20 { throw Malformed(offset: position) }
                if byte == 0x5C {
                    escaped = true
                    guard position + 1 < bytes.count else { throw Malformed(offset: position) }
                    switch bytes[position + 1] {
                    case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74: position += 2
                    case 0x75:
                        // A surrogate only as a pair, high then low, as UTF-16 writes it.
                        guard let unit = hex4(position + 2), !(0xDC00..<0xE000).contains(unit) else { throw Malformed(offset: position) }
                        position += 6
                        if (0xD800..<0xDC00).contains(unit) {
                            guard position + 1 < bytes.count, bytes[position] == 0x5C, bytes[position + 1] == 0x75,
                                  let low = hex4(position + 2), (0xDC00..<0xE000).contains(low) else { throw Malformed(offset: position) }
                            position += 6
                        }
                    default: throw Malformed(offset: position)
                    }
                } else if byte < 0x80 {
                    position += 1
                } else {
                    guard let length = JSONDocument.utf8Length(bytes, at: position) else { throw Malformed(offset: position) }
                    position += length
                }
            }
            let end = position
            position += 1
            return JSONToken(kind: .string, flag: escaped, start: Int32(start), end: Int32(end), parent: parent)
        }

        func hex4(_ at: Int) -> UInt32? {
            guard at + 4 <= bytes.count else { return nil }
            var value: UInt32 = 0
            for offset in 0..<4 {
                guard let digit = JSONDocument.hexValue(bytes[at + offset]) else { return nil }
                value = value << 4 | digit
            }
            return value
        }

        /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
        mutating func number(parent: Int32) throws -> JSONToken {
            let start = position
            func isDigit(_ at: Int) -> Bool { at < bytes.count && bytes[at] >= 0x30 && bytes[at] <= 0x39 }
            if position < bytes.count && bytes[position] == 0x2D { position += 1 }
            guard isDigit(position) else { throw Malformed(offset: position) }
            if bytes[position] == 0x30 {
                position += 1
            } else {
                while isDigit(position) { position += 1 }
            }
            if position < bytes.count && bytes[position] == 0x2E {
                position += 1
                guard isDigit(position) else { throw Malformed(offset: position) }
                while isDigit(position) { position += 1 }
            }
            if position < bytes.count && (bytes[position] == 0x65 || bytes[position] == 0x45) {
                position += 1
                if position < bytes.count && (bytes[position] == 0x2B || bytes[position] == 0x2D) { position += 1 }
                guard isDigit(position) else { throw Malformed(offset: position) }
                while isDigit(position) { position += 1 }
            }
            return JSONToken(kind: .number, flag: false, start: Int32(start), end: Int32(position), parent: parent)
        }
    }

    static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case 0x30...0x39: return UInt32(byte - 0x30)
        case 0x41...0x46: return UInt32(byte - 0x41 + 10)
        case 0x61...0x66: return UInt32(byte - 0x61 + 10)
        default: return nil
        }
    }
}

// MARK: - Reading values

extension JSONDocument {
    func token(_ index: Int) -> JSONToken { tokens[index] }

    /// The first token after the value at `index`.
    func next(after index: Int) -> Int {
        let token = tokens[index]
        return token.kind == .array || token.kind == .object ? Int(token.end) : index + 1
    }

    func raw(_ token: JSONToken) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes[Int(token.start)..<Int(token.end)])
    }

    /// The value of a `Decodable` type at token `index`: the types Foundation's decoder reads
    /// in a way of its own (instants, identifiers, data, addresses) and the common scalars
    /// directly, everything else through its `init(from:)`.
    func value<T: Decodable>(_ type: T.Type, at index: Int) throws -> T {
        if T.self == String.self { return unsafeBitCast(try string(at: index), to: T.self) }
        if T.self == Int.self { return unsafeBitCast(try integer(Int.self, at: index), to: T.self) }
        if T.self == Date.self { return unsafeBitCast(try date(at: index), to: T.self) }
        if T.self == UUID.self { return unsafeBitCast(try uuid(at: index), to: T.self) }
        if T.self == Bool.self { return unsafeBitCast(try bool(at: index), to: T.self) }
        // The details of every timeline event: built here rather than through keyed containers.
        if T.self == [String: String].self { return unsafeBitCast(try texts(at: index), to: T.self) }
        if T.self == Data.self {
            guard let data = Data(base64Encoded: try string(at: index)) else {
                throw corrupted(at: index, "Encountered Data is not valid Base64.")
            }
            return data as! T
        }
        if T.self == URL.self {
            guard let url = URL(string: try string(at: index)) else { throw corrupted(at: index, "Invalid URL string.") }
            return url as! T
        }
        if T.self == Decimal.self {
            let token = try expect(.number, Decimal.self, at: index)
            guard let decimal = Decimal(string: String(decoding: raw(token), as: UTF8.self)) else {
                throw corrupted(at: index, "Parsed JSON number does not fit in Decimal.")
            }
            return decimal as! T
        }
        return try T(from: JSONValueDecoder(document: self, index: index))
    }

    func isNull(_ index: Int) -> Bool { index < 0 || tokens[index].kind == .null }

    func expect(_ kind: JSONToken.Kind, _ type: Any.Type, at index: Int) throws -> JSONToken {
        guard index >= 0 else {
            throw DecodingError.valueNotFound(type, .init(codingPath: codingPath(to: index), debugDescription: "Expected \(type) value but found null instead."))
        }
        let token = tokens[index]
        guard token.kind == kind else {
            if token.kind == .null {
                throw DecodingError.valueNotFound(type, .init(codingPath: codingPath(to: index), debugDescription: "Expected \(type) value but found null instead."))
            }
            throw DecodingError.typeMismatch(type, .init(codingPath: codingPath(to: index), debugDescription: "Expected to decode \(type) but found \(token.kind) instead."))
        }
        return token
    }

    func corrupted(at index: Int, _ description: String) -> DecodingError {
        DecodingError.dataCorrupted(.init(codingPath: codingPath(to: index), debugDescription: description))
    }

    func bool(at index: Int) throws -> Bool {
        try expect(.bool, Bool.self, at: index).flag
    }

    func string(at index: Int) throws -> String {
        let token = try expect(.string, String.self, at: index)
        return token.flag ? unescaped(raw(token)) : String(decoding: raw(token), as: UTF8.self)
    }

    /// A string's text with its escapes replaced (the parser checked them, surrogates too).
    private func unescaped(_ raw: UnsafeBufferPointer<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var position = 0
        func hex4(_ at: Int) -> UInt32 {
            (at..<at + 4).reduce(0) { $0 << 4 | JSONDocument.hexValue(raw[$1])! }
        }
        while position < raw.count {
            let byte = raw[position]
            guard byte == 0x5C else {
                out.append(byte)
                position += 1
                continue
            }
            let escape = raw[position + 1]
            position += 2
            switch escape {
            case 0x62: out.append(0x08)
            case 0x66: out.append(0x0C)
            case 0x6E: out.append(0x0A)
            case 0x72: out.append(0x0D)
            case 0x74: out.append(0x09)
            case 0x75:
                var scalar = hex4(position)
                position += 4
                if (0xD800..<0xDC00).contains(scalar) {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (hex4(position + 2) - 0xDC00)
                    position += 6
                }
                out.append(contentsOf: UTF8.encode(Unicode.Scalar(scalar)!)!)
            default: out.append(escape)  // " \ /
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The length of the UTF-8 sequence at `position` (a byte of 0x80 or more) when it is
    /// valid (RFC 3629: shortest form, no surrogate, nothing above U+10FFFF), nil otherwise.
    static func utf8Length(_ bytes: UnsafeBufferPointer<UInt8>, at position: Int) -> Int? {
        func continuation(_ offset: Int) -> Bool {
            position + offset < bytes.count && bytes[position + offset] & 0xC0 == 0x80
        }
        let lead = bytes[position]
        switch lead {
        case 0xC2...0xDF:
            return continuation(1) ? 2 : nil
        case 0xE0...0xEF:
            guard continuation(1), continuation(2) else { return nil }
            let second = bytes[position + 1]
            if lead == 0xE0 && second < 0xA0 { return nil }  // Overlong.
            if lead == 0xED && second > 0x9F { return nil }  // Surrogate.
            return 3
        case 0xF0...0xF4:
            guard continuation(1), continuation(2), continuation(3) else { return nil }
            let second = bytes[position + 1]
            if lead == 0xF0 && second < 0x90 { return nil }  // Overlong.
            if lead == 0xF4 && second > 0x8F { return nil }  // Above U+10FFFF.
            return 4
        default: return nil
        }
    }

    func integer<I: FixedWidthInteger>(_ type: I.Type, at index: Int) throws -> I {
        let token = try expect(.number, I.self, at: index)
        let text = raw(token)
        var negative = false
        var position = 0
        if text[0] == 0x2D {
            negative = true
            position = 1
        }
        var value: I = 0
        var whole = true
        while position < text.count {
            let digit = text[position]
            guard digit >= 0x30 && digit <= 0x39 else {
                whole = false
                break
            }
            let (times, overflowTen) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowDigit) = negative
                ? times.subtractingReportingOverflow(I(digit - 0x30))
                : times.addingReportingOverflow(I(digit - 0x30))
            guard !overflowTen, !overflowDigit else {
                throw corrupted(at: index, "Number does not fit in \(I.self).")
            }
            value = sum
            position += 1
        }
        if whole { return value }
        // `1.0`, `1e3`: a whole number written otherwise.
        guard let double = Double(String(decoding: text, as: UTF8.self)), let exact = I(exactly: double) else {
            throw corrupted(at: index, "Number is not a whole \(I.self).")
        }
        return exact
    }

    func floatingPoint<F: BinaryFloatingPoint & LosslessStringConvertible>(_ type: F.Type, at index: Int) throws -> F {
        let token = try expect(.number, F.self, at: index)
        guard let value = F(String(decoding: raw(token), as: UTF8.self)), value.isFinite else {
            throw corrupted(at: index, "Number does not fit in \(F.self).")
        }
        return value
    }

    func texts(at index: Int) throws -> [String: String] {
        let object = try expect(.object, [String: String].self, at: index)
        var texts: [String: String] = [:]
        guard object.start > 0 else { return texts }
        texts.reserveCapacity(Int(object.start))
        var member = index + 1
        while member < Int(object.end) {
            texts[key(at: member)] = try string(at: member + 1)
            member = next(after: member + 1)
        }
        return texts
    }

    func date(at index: Int) throws -> Date {
        let token = try expect(.string, Date.self, at: index)
        if !token.flag, let instant = InstantText.parse(raw(token)) { return instant }
        // Any other form of ISO 8601 (a file written by hand), as the standard parser reads it.
        guard let instant = try? Date(try string(at: index), strategy: .iso8601) else {
            throw corrupted(at: index, "Expected date string to be ISO8601-formatted.")
        }
        return instant
    }

    func uuid(at index: Int) throws -> UUID {
        let token = try expect(.string, UUID.self, at: index)
        let text = raw(token)
        // The usual form, 8-4-4-4-12 hexadecimal digits, read here; any other goes to `UUID`.
        if text.count == 36, text[8] == 0x2D, text[13] == 0x2D, text[18] == 0x2D, text[23] == 0x2D {
            var bytes = [UInt8](repeating: 0, count: 16)
            var out = 0
            var position = 0
            var valid = true
            while position < 36 && valid {
                if position == 8 || position == 13 || position == 18 || position == 23 {
                    position += 1
                    continue
                }
                if let high = JSONDocument.hexValue(text[position]), let low = JSONDocument.hexValue(text[position + 1]) {
                    bytes[out] = UInt8(high << 4 | low)
                    out += 1
                    position += 2
                } else {
                    valid = false
                }
            }
            if valid {
                return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                                   bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
            }
        }
        guard let id = UUID(uuidString: try string(at: index)) else {
            throw corrupted(at: index, "Attempted to decode UUID from invalid UUID string.")
        }
        return id
    }

    /// The text of key token `index`.
    func key(at index: Int) -> String {
        let token = tokens[index]
        return token.flag ? unescaped(raw(token)) : String(decoding: raw(token), as: UTF8.self)
    }

    /// The value token of the member of object `object` whose key spells `key`, or nil. The
    /// key's bytes are taken once, then compared with each member's by length, then content.
    func member(of object: Int, named key: String) -> Int? {
        var key = key
        return key.withUTF8 { wanted -> Int? in
            var member = object + 1
            let end = Int(tokens[object].end)
            while member < end {
                let token = tokens[member]
                if token.flag {
                    if self.key(at: member).utf8.elementsEqual(wanted) { return member + 1 }
                } else if Int(token.end - token.start) == wanted.count
                            && (wanted.count == 0 || memcmp(wanted.baseAddress!, bytes.baseAddress! + Int(token.start), wanted.count) == 0) {
                    return member + 1
                }
                member = next(after: member + 1)
            }
            return nil
        }
    }

    /// The keys and array positions from the top to token `index` (-1: a value that is not
    /// there, whose path the caller completes). Computed only for errors.
    func codingPath(to index: Int) -> [CodingKey] {
        var path: [CodingKey] = []
        var child = index
        while child >= 0 {
            let parent = Int(tokens[child].parent)
            guard parent >= 0 else { break }
            var member = parent + 1
            var position = 0
            let end = Int(tokens[parent].end)
            if tokens[parent].kind == .object {
                // `child` is a member's value, or its key (a dictionary's key that failed).
                while member < end && member != child && member + 1 != child {
                    member = next(after: member + 1)
                }
                guard member < end else { break }
                path.append(JSONKey(stringValue: self.key(at: member)))
            } else {
                while member < end && member != child {
                    member = next(after: member)
                    position += 1
                }
                path.append(JSONKey(intValue: position))
            }
            child = parent
        }
        return path.reversed()
    }
}

/// A coding key of a path: an object's key or an array's position.
struct JSONKey: CodingKey {
    var stringValue: String
    var intValue: Int?

    init(stringValue: String) {
        self.stringValue = stringValue
        intValue = nil
    }

    init(intValue: Int) {
        stringValue = "Index \(intValue)"
        self.intValue = intValue
    }
}

// MARK: - The Decoder protocols

/// A value of the document, as `init(from:)` sees it. Index -1 stands for a value that is not
/// there (a `superDecoder` of a missing key), read as null.
struct JSONValueDecoder: Decoder, SingleValueDecodingContainer {
    let document: JSONDocument
    let index: Int
    /// The path of a missing value, which has no token to find it from.
    var missingPath: [CodingKey] = []

    var codingPath: [CodingKey] { index < 0 ? missingPath : document.codingPath(to: index) }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        _ = try document.expect(.object, [String: Any].self, at: index)
        return KeyedDecodingContainer(JSONObjectReader<Key>(document: document, index: index))
    }

    func unkeyedContainer() throws -> UnkeyedDecodingContainer {
        _ = try document.expect(.array, [Any].self, at: index)
        return JSONArrayReader(document: document, index: index)
    }

    func singleValueContainer() throws -> SingleValueDecodingContainer { self }

    func decodeNil() -> Bool { document.isNull(index) }
    func decode(_ type: Bool.Type) throws -> Bool { try document.bool(at: index) }
    func decode(_ type: String.Type) throws -> String { try document.string(at: index) }
    func decode(_ type: Double.Type) throws -> Double { try document.floatingPoint(Double.self, at: index) }
    func decode(_ type: Float.Type) throws -> Float { try document.floatingPoint(Float.self, at: index) }
    func decode(_ type: Int.Type) throws -> Int { try document.integer(Int.self, at: index) }
    func decode(_ type: Int8.Type) throws -> Int8 { try document.integer(Int8.self, at: index) }
    func decode(_ type: Int16.Type) throws -> Int16 { try document.integer(Int16.self, at: index) }
    func decode(_ type: Int32.Type) throws -> Int32 { try document.integer(Int32.self, at: index) }
    func decode(_ type: Int64.Type) throws -> Int64 { try document.integer(Int64.self, at: index) }
    func decode(_ type: UInt.Type) throws -> UInt { try document.integer(UInt.self, at: index) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try document.integer(UInt8.self, at: index) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try document.integer(UInt16.self, at: index) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try document.integer(UInt32.self, at: index) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try document.integer(UInt64.self, at: index) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try document.value(T.self, at: index) }
}

/// An object's members, found by their keys' bytes.
struct JSONObjectReader<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let document: JSONDocument
    let index: Int

    var codingPath: [CodingKey] { document.codingPath(to: index) }

    var allKeys: [Key] {
        var keys: [Key] = []
        var member = index + 1
        let end = Int(document.token(index).end)
        while member < end {
            if let key = Key(stringValue: document.key(at: member)) { keys.append(key) }
            member = document.next(after: member + 1)
        }
        return keys
    }

    /// The token of the value of `key`, or nil when the object has no such member.
    func find(_ key: Key) -> Int? {
        document.member(of: index, named: key.stringValue)
    }

    func require(_ key: Key) throws -> Int {
        guard let value = find(key) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "No value associated with key \(key.stringValue)."))
        }
        return value
    }

    func contains(_ key: Key) -> Bool { find(key) != nil }

    func decodeNil(forKey key: Key) throws -> Bool { document.isNull(try require(key)) }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try document.value(T.self, at: try require(key))
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let value = find(key), !document.isNull(value) else { return nil }
        return try document.value(T.self, at: value)
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try document.bool(at: try require(key)) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try document.string(at: try require(key)) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try document.integer(Int.self, at: try require(key)) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try document.floatingPoint(Double.self, at: try require(key)) }

    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
        guard let value = find(key), !document.isNull(value) else { return nil }
        return try document.string(at: value)
    }

    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
        guard let value = find(key), !document.isNull(value) else { return nil }
        return try document.integer(Int.self, at: value)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try JSONValueDecoder(document: document, index: try require(key)).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> UnkeyedDecodingContainer {
        try JSONValueDecoder(document: document, index: try require(key)).unkeyedContainer()
    }

    func superDecoder() throws -> Decoder { try superDecoder(named: JSONKey(stringValue: "super")) }

    func superDecoder(forKey key: Key) throws -> Decoder { try superDecoder(named: key) }

    private func superDecoder(named key: CodingKey) throws -> Decoder {
        if let value = document.member(of: index, named: key.stringValue) { return JSONValueDecoder(document: document, index: value) }
        return JSONValueDecoder(document: document, index: -1, missingPath: codingPath + [key])
    }
}

/// An array's elements, in order.
struct JSONArrayReader: UnkeyedDecodingContainer {
    let document: JSONDocument
    let index: Int
    private var element: Int
    private(set) var currentIndex = 0

    init(document: JSONDocument, index: Int) {
        self.document = document
        self.index = index
        element = index + 1
    }

    var codingPath: [CodingKey] { document.codingPath(to: index) }
    var count: Int? { Int(document.token(index).start) }
    var isAtEnd: Bool { currentIndex >= Int(document.token(index).start) }

    private mutating func take() throws -> Int {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(Any.self, .init(codingPath: codingPath + [JSONKey(intValue: currentIndex)], debugDescription: "Unkeyed container is at end."))
        }
        let taken = element
        element = document.next(after: element)
        currentIndex += 1
        return taken
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(Any.self, .init(codingPath: codingPath + [JSONKey(intValue: currentIndex)], debugDescription: "Unkeyed container is at end."))
        }
        guard document.isNull(element) else { return false }
        _ = try take()
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let value = try current()
        let decoded = try document.value(T.self, at: value)
        _ = try take()
        return decoded
    }

    /// The element to read, left in place until it has been read (a failed read can be
    /// retried as another type, as with Foundation's decoder).
    private func current() throws -> Int {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(Any.self, .init(codingPath: codingPath + [JSONKey(intValue: currentIndex)], debugDescription: "Unkeyed container is at end."))
        }
        return element
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let container = try JSONValueDecoder(document: document, index: try current()).container(keyedBy: type)
        _ = try take()
        return container
    }

    mutating func nestedUnkeyedContainer() throws -> UnkeyedDecodingContainer {
        let container = try JSONValueDecoder(document: document, index: try current()).unkeyedContainer()
        _ = try take()
        return container
    }

    mutating func superDecoder() throws -> Decoder {
        JSONValueDecoder(document: document, index: try take())
    }
}
