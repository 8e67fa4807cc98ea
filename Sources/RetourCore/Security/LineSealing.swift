import Crypto

/// How each line of a data file (snapshot, journal, index) is stored on disk: as it is, or
/// sealed with the directory's data key. Lines in and out carry no newline.
public protocol LineSealing: Sendable {
    /// Whether lines are encrypted (what `retour check` reports).
    var isEncrypted: Bool { get }
    /// Names the data key without revealing it (written in the snapshot's header), so that a
    /// key file from another directory is recognised as such; nil when plain.
    var keyID: String? { get }
    func seal(_ line: [UInt8]) throws -> [UInt8]
    /// Throws `SealingError.damaged` when the line was altered or sealed with another key.
    func open(_ stored: ArraySlice<UInt8>) throws -> [UInt8]
    /// The same sealing, with lines bound to the file they belong to: a line moved from one
    /// file into another (a journal line into the snapshot, say) no longer opens.
    func bound(to file: String) -> LineSealing
    /// The key that links the entries of `history.jsonl` (HMAC-SHA256), derived from the data
    /// key; nil when plain, where a plain SHA-256 links them. Why: a history chain that
    /// anyone could recompute would prove nothing in an encrypted directory.
    var chainKey: SymmetricKey? { get }
}

/// Lines stored as they are: the JSON itself.
public struct PlainLines: LineSealing {
    public init() {}

    public var isEncrypted: Bool { false }
    public var keyID: String? { nil }

    public func seal(_ line: [UInt8]) throws -> [UInt8] { line }

    public func open(_ stored: ArraySlice<UInt8>) throws -> [UInt8] { Array(stored) }

    public func bound(to file: String) -> LineSealing { self }

    public var chainKey: SymmetricKey? { nil }
}

/// Lines sealed with AES-256-GCM under the directory's data key: each stored line is the
/// base64 of nonce (12 bytes, random) + ciphertext + tag (16 bytes), `AES.GCM.SealedBox.combined`.
/// Base64 keeps the JSON-lines framing (no newline) and never starts with `{`, so a reader
/// tells a sealed file from a plain one by its first byte.
///
/// Each line is sealed on its own, so lines can be read in any order and on several threads.
/// Nothing ties a line to its place: sealing keeps the content secret and detects an altered
/// line, but not a whole line removed, repeated or moved by someone who can write the files.
public struct SealedLines: LineSealing {
    /// Nonce and tag around the ciphertext of every sealed line.
    static let overhead = 12 + 16

    private let key: DataKey
    /// `chainKey`: HKDF-SHA256 of the data key, so that it reveals nothing of the key itself.
    private let chain: DataKey
    public let keyID: String?
    /// Authenticated with every line, not stored in it: the file the line belongs to.
    private var context: [UInt8] = []

    /// `key` must be a 256-bit key: the one `KeyFile.unlock` returns.
    public init(key: SymmetricKey) {
        precondition(key.bitCount == 256, "the data key is 256 bits")
        self.key = DataKey(key: key)
        chain = DataKey(key: HKDF<SHA256>.deriveKey(inputKeyMaterial: key, info: Array("retour history chain".utf8),
                                                     outputByteCount: 32))
        // An HMAC of a fixed text: says which key it is, and nothing about the key.
        keyID = HMAC<SHA256>.authenticationCode(for: Array("retour data key".utf8), using: key)
            .prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    public var isEncrypted: Bool { true }

    public var chainKey: SymmetricKey? { chain.key }

    /// Whether a stored line is in clear: JSON starts with `{`, base64 never does.
    static func isClear(_ stored: ArraySlice<UInt8>) -> Bool {
        stored.first == UInt8(ascii: "{")
    }

    public func seal(_ line: [UInt8]) throws -> [UInt8] {
        let box = try AES.GCM.seal(line, using: key.key, authenticating: context)
        // `combined` is nil only for nonces of another size than the default 12 bytes.
        guard let combined = box.combined else { throw SealingError.damaged }
        return Base64.encode(combined)
    }

    public func open(_ stored: ArraySlice<UInt8>) throws -> [UInt8] {
        guard let combined = Base64.decode(stored), combined.count >= Self.overhead,
              let box = try? AES.GCM.SealedBox(combined: combined),
              let plain = try? AES.GCM.open(box, using: key.key, authenticating: context)
        else { throw SealingError.damaged }
        return [UInt8](plain)
    }

    public func bound(to file: String) -> LineSealing {
        var bound = self
        bound.context = Array(file.utf8)
        return bound
    }
}

/// swift-crypto 3 does not declare `SymmetricKey` Sendable. It is immutable once made (its
/// bytes are only ever read), so sharing it between threads is safe.
private struct DataKey: @unchecked Sendable {
    let key: SymmetricKey
}
