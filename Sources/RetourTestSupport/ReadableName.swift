/// Whether a name can be read in the bytes of a file: the test every "no name in clear" claim
/// is checked with.
///
/// A sealed line is base64, and base64 of random bytes spells a short name now and then
/// (seen once in CI: "Diarra" inside a sealed index). A name in clear is bounded on both sides
/// by bytes base64 never holds (JSON quotes, the length bytes of the index), so only such an
/// occurrence counts: within a sealed line at least one neighbour is base64, since a sealed
/// line (40 characters at least) is longer than any name these tests look for.
public enum ReadableName {
    public static func appears(_ name: String, in bytes: some Collection<UInt8>) -> Bool {
        let bytes = Array(bytes), name = Array(name.utf8)
        guard !name.isEmpty, bytes.count >= name.count else { return false }
        for start in 0...(bytes.count - name.count) where bytes[start..<(start + name.count)].elementsEqual(name) {
            let before = start > 0 ? bytes[start - 1] : nil
            let after = start + name.count < bytes.count ? bytes[start + name.count] : nil
            if !isBase64(before) && !isBase64(after) { return true }
        }
        return false
    }

    /// Whether `byte` may stand in base64 text (`=` only ends it, so it never precedes a name).
    private static func isBase64(_ byte: UInt8?) -> Bool {
        guard let byte else { return false }
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "/"): return true
        default: return false
        }
    }
}
