/// Standard base64 (RFC 4648, `+` `/`, `=` padding) on bytes, for sealed lines and the key
/// file. Decoding is strict: no whitespace, padding required, unused bits zero, so that every
/// value has exactly one encoding and an altered character is never silently ignored.
enum Base64 {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let padding = UInt8(ascii: "=")
    private static let invalid: UInt8 = 0xFF

    /// Each byte's value in the alphabet, or `invalid`.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: invalid, count: 256)
        for (index, character) in alphabet.enumerated() { table[Int(character)] = UInt8(index) }
        return table
    }()

    static func encode<Bytes: Collection>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        if let encoded = bytes.withContiguousStorageIfAvailable({ encode(UnsafeRawBufferPointer($0)) }) {
            return encoded
        }
        return Array(bytes).withUnsafeBytes { encode($0) }
    }

    static func encodeString<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        String(decoding: encode(bytes), as: UTF8.self)
    }

    private static func encode(_ input: UnsafeRawBufferPointer) -> [UInt8] {
        let outputCount = (input.count + 2) / 3 * 4
        return [UInt8](unsafeUninitializedCapacity: outputCount) { output, initialized in
            alphabet.withUnsafeBufferPointer { symbols in
                var index = 0, written = 0
                while index + 3 <= input.count {
                    let group = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
                    output[written] = symbols[Int(group >> 18 & 63)]
                    output[written + 1] = symbols[Int(group >> 12 & 63)]
                    output[written + 2] = symbols[Int(group >> 6 & 63)]
                    output[written + 3] = symbols[Int(group & 63)]
                    index += 3
                    written += 4
                }
                let rest = input.count - index
                if rest > 0 {
                    let group = UInt32(input[index]) << 16 | (rest == 2 ? UInt32(input[index + 1]) << 8 : 0)
                    output[written] = symbols[Int(group >> 18 & 63)]
                    output[written + 1] = symbols[Int(group >> 12 & 63)]
                    output[written + 2] = rest == 2 ? symbols[Int(group >> 6 & 63)] : padding
                    output[written + 3] = padding
                }
            }
            initialized = outputCount
        }
    }

    /// The bytes `text` encodes, or nil when it is not canonical base64.
    static func decode(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        let count = text.count
        guard count % 4 == 0 else { return nil }
        if count == 0 { return [] }
        return text.withUnsafeBufferPointer { input -> [UInt8]? in
            values.withUnsafeBufferPointer { table -> [UInt8]? in
                var padded = 0
                if input[count - 1] == padding { padded = input[count - 2] == padding ? 2 : 1 }
                let outputCount = count / 4 * 3 - padded
                var valid = true
                let output = [UInt8](unsafeUninitializedCapacity: outputCount) { output, initialized in
                    initialized = 0
                    var index = 0, written = 0
                    // Every group but the last has no padding.
                    let whole = padded == 0 ? count : count - 4
                    while index < whole {
                        let a = table[Int(input[index])], b = table[Int(input[index + 1])]
                        let c = table[Int(input[index + 2])], d = table[Int(input[index + 3])]
                        guard (a | b | c | d) & 0xC0 == 0 else { valid = false; return }
                        let group = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                        output[written] = UInt8(truncatingIfNeeded: group >> 16)
                        output[written + 1] = UInt8(truncatingIfNeeded: group >> 8)
                        output[written + 2] = UInt8(truncatingIfNeeded: group)
                        index += 4
                        written += 3
                    }
                    if padded > 0 {
                        let a = table[Int(input[index])], b = table[Int(input[index + 1])]
                        guard (a | b) & 0xC0 == 0 else { valid = false; return }
                        output[written] = a << 2 | b >> 4
                        if padded == 2 {
                            // The unused low bits must be zero.
                            guard b & 0x0F == 0 else { valid = false; return }
                        } else {
                            let c = table[Int(input[index + 2])]
                            guard c & 0xC0 == 0, c & 0x03 == 0 else { valid = false; return }
                            output[written + 1] = b << 4 | c >> 2
                        }
                    }
                    initialized = outputCount
                }
                return valid ? output : nil
            }
        }
    }

    static func decode(_ text: String) -> [UInt8]? {
        decode(Array(text.utf8)[...])
    }
}
