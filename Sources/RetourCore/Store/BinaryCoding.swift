import Foundation

/// A compact binary encoding for the index file: variable-length integers and
/// length-prefixed UTF-8. Reading it is an order of magnitude faster than JSON, which is
/// what the index is for.
struct BinaryWriter {
    private(set) var buffer: [UInt8] = []

    mutating func int(_ value: Int) {
        var rest = UInt64(bitPattern: Int64(value))
        while rest >= 0x80 {
            buffer.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        buffer.append(UInt8(rest))
    }

    mutating func bytes<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        int(bytes.count)
        buffer.append(contentsOf: bytes)
    }

    mutating func string(_ text: String) {
        bytes(text.utf8)
    }

    mutating func strings(_ texts: [String]) {
        int(texts.count)
        for text in texts { string(text) }
    }

    mutating func uuid(_ id: UUID) {
        withUnsafeBytes(of: id.uuid) { buffer.append(contentsOf: $0) }
    }
}

/// Reads what `BinaryWriter` wrote; every read checks bounds and throws `Malformed`.
struct BinaryReader {
    struct Malformed: Error {}

    private let data: [UInt8]
    private var position: Int

    init(_ bytes: [UInt8], from position: Int = 0) {
        data = bytes
        self.position = position
    }

    var remaining: Int { data.count - position }
    var isAtEnd: Bool { position >= data.count }

    mutating func int() throws -> Int {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < data.count, shift < 64 else { throw Malformed() }
            let byte = data[position]
            position += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return Int(Int64(bitPattern: result)) }
            shift += 7
        }
    }

    mutating func bytes() throws -> ArraySlice<UInt8> {
        let count = try int()
        guard count >= 0, count <= remaining else { throw Malformed() }
        defer { position += count }
        return data[position..<position + count]
    }

    mutating func string() throws -> String {
        let slice = try bytes()
        return slice.withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) }
    }

    mutating func strings() throws -> [String] {
        let count = try int()
        guard count >= 0, count <= remaining else { throw Malformed() }
        return try (0..<count).map { _ in try string() }
    }

    /// A string enum's case; "" for nil. An unknown value is malformed.
    mutating func code<T: RawRepresentable>(_ type: T.Type) throws -> T? where T.RawValue == String {
        let raw = try string()
        guard !raw.isEmpty else { return nil }
        guard let value = T(rawValue: raw) else { throw Malformed() }
        return value
    }

    mutating func uuid() throws -> UUID {
        guard remaining >= 16 else { throw Malformed() }
        let b = data
        let p = position
        position += 16
        return UUID(uuid: (b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6], b[p + 7],
                           b[p + 8], b[p + 9], b[p + 10], b[p + 11], b[p + 12], b[p + 13], b[p + 14], b[p + 15]))
    }
}
