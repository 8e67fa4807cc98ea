import Crypto
import _CryptoExtras
import Foundation

/// The cost of deriving a key from a passphrase with scrypt: N = 2^logN rounds, block size r,
/// parallelism p. Memory used is about 128 × r × N × p bytes (32 MiB for `standard`).
public struct ScryptParameters: Hashable, Sendable {
    public let logN: Int
    public let r: Int
    public let p: Int

    public init(logN: Int, r: Int, p: Int) {
        self.logN = logN
        self.r = r
        self.p = p
    }

    /// What new key files use: logN 15, r 8, p 1.
    public static let standard = ScryptParameters(logN: 15, r: 8, p: 1)

    public var rounds: Int { 1 << logN }

    /// Parameters this version derives keys with. A key file asking for more (a damaged or
    /// hostile one) is refused rather than allowed to claim gigabytes of memory.
    public var isSupported: Bool {
        guard (1...20).contains(logN), (1...16).contains(r), (1...16).contains(p) else { return false }
        // BoringSSL requires N < 2^(16 r).
        guard logN < 16 * r else { return false }
        return 128 * r * rounds * p <= 1 << 30
    }
}

/// The data directory's key file, `key.json`: the random 256-bit data key that seals every
/// line, itself sealed (AES-256-GCM) with a key derived from the passphrase by scrypt.
/// Changing the passphrase rewrites this file only; the data stays sealed with the same key.
///
///     {"format":"retour-key","version":1,
///      "kdf":{"name":"scrypt","logN":15,"r":8,"p":1,"salt":"<base64>"},
///      "wrappedKey":"<base64 of nonce + sealed data key + tag>"}
public struct KeyFile: Hashable, Sendable {
    public static let fileName = "key.json"
    public static let format = "retour-key"
    /// The newest key file format this version reads and the one it writes.
    public static let version = 1
    static let kdfName = "scrypt"
    static let saltSize = 16
    static let dataKeySize = 32
    static let wrappedKeySize = 12 + dataKeySize + 16

    public let parameters: ScryptParameters
    public let salt: [UInt8]
    let wrappedKey: [UInt8]

    init(parameters: ScryptParameters, salt: [UInt8], wrappedKey: [UInt8]) {
        self.parameters = parameters
        self.salt = salt
        self.wrappedKey = wrappedKey
    }

    /// A new key file for a new random data key, sealed with `passphrase`.
    /// Throws what `Passphrase.validate` refuses a passphrase for.
    public static func create(passphrase: String, parameters: ScryptParameters = .standard) throws -> (KeyFile, SymmetricKey) {
        try Passphrase.validate(passphrase)
        let dataKey = SymmetricKey(size: .bits256)
        return (try wrapping(dataKey, passphrase: passphrase, parameters: parameters), dataKey)
    }

    /// The data key. Throws `SealingError.wrongPassphrase` when `passphrase` does not open it.
    public func unlock(passphrase: String) throws -> SymmetricKey {
        // scrypt is not given an empty passphrase (and no key file was made with one).
        guard !passphrase.isEmpty else { throw SealingError.wrongPassphrase }
        let passphraseKey = try Self.derive(passphrase, salt: salt, parameters: parameters)
        guard let box = try? AES.GCM.SealedBox(combined: wrappedKey),
              let dataKey = try? AES.GCM.open(box, using: passphraseKey),
              dataKey.count == Self.dataKeySize
        else { throw SealingError.wrongPassphrase }
        return SymmetricKey(data: dataKey)
    }

    /// The same data key sealed with `newPassphrase`, under a new salt: nothing sealed with
    /// the data key needs sealing again. Keeps this file's scrypt parameters unless told.
    public func rewrapped(oldPassphrase: String, newPassphrase: String,
                          parameters newParameters: ScryptParameters? = nil) throws -> KeyFile {
        let dataKey = try unlock(passphrase: oldPassphrase)
        try Passphrase.validate(newPassphrase)
        return try Self.wrapping(dataKey, passphrase: newPassphrase, parameters: newParameters ?? parameters)
    }

    /// The file's bytes: one line of JSON, fields in a fixed order, then a newline.
    public func encoded() -> [UInt8] {
        let text = #"{"format":"\#(Self.format)","version":\#(Self.version),"#
            + #""kdf":{"name":"\#(Self.kdfName)","logN":\#(parameters.logN),"r":\#(parameters.r),"p":\#(parameters.p),"#
            + #""salt":"\#(Base64.encodeString(salt))"},"wrappedKey":"\#(Base64.encodeString(wrappedKey))"}"#
            + "\n"
        return Array(text.utf8)
    }

    /// Reads a key file. Throws `SealingError.keyFileNewer` for a newer format version, and
    /// `SealingError.keyFileUnreadable` for anything that is not a complete key file.
    public static func decode(_ bytes: [UInt8]) throws -> KeyFile {
        let data = Data(bytes)
        let decoder = LineDecoder()
        // The version first: a newer file may have fields this version does not know.
        guard let header = try? decoder.decode(Header.self, from: data), header.format == format else {
            throw SealingError.keyFileUnreadable
        }
        guard header.version <= version else { throw SealingError.keyFileNewer(found: header.version) }
        guard header.version == version,
              let body = try? decoder.decode(Body.self, from: data),
              body.kdf.name == kdfName,
              let salt = Base64.decode(body.kdf.salt), salt.count >= saltSize,
              let wrappedKey = Base64.decode(body.wrappedKey), wrappedKey.count == wrappedKeySize
        else { throw SealingError.keyFileUnreadable }
        let parameters = ScryptParameters(logN: body.kdf.logN, r: body.kdf.r, p: body.kdf.p)
        guard parameters.isSupported else { throw SealingError.keyFileUnreadable }
        return KeyFile(parameters: parameters, salt: salt, wrappedKey: wrappedKey)
    }

    private struct Header: Decodable {
        let format: String
        let version: Int
    }

    private struct Body: Decodable {
        struct KDFEntry: Decodable {
            let name: String
            let logN: Int
            let r: Int
            let p: Int
            let salt: String
        }
        let kdf: KDFEntry
        let wrappedKey: String
    }

    private static func wrapping(_ dataKey: SymmetricKey, passphrase: String, parameters: ScryptParameters) throws -> KeyFile {
        precondition(parameters.isSupported, "unsupported scrypt parameters")
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<saltSize).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let passphraseKey = try derive(passphrase, salt: salt, parameters: parameters)
        let box = try dataKey.withUnsafeBytes { try AES.GCM.seal($0, using: passphraseKey) }
        guard let wrappedKey = box.combined else { throw SealingError.keyFileUnreadable }
        return KeyFile(parameters: parameters, salt: salt, wrappedKey: [UInt8](wrappedKey))
    }

    /// The key scrypt derives from `passphrase`, in Unicode normalization form C, so that
    /// "é" typed as one code point or as "e" plus an accent gives the same key.
    static func derive(_ passphrase: String, salt: [UInt8], parameters: ScryptParameters) throws -> SymmetricKey {
        let bytes = Array(passphrase.precomposedStringWithCanonicalMapping.utf8)
        do {
            return try KDF.Scrypt.deriveKey(from: bytes, salt: salt, outputByteCount: dataKeySize,
                                            rounds: parameters.rounds, blockSize: parameters.r,
                                            parallelism: parameters.p)
        } catch {
            // Only parameters BoringSSL refuses, or memory it cannot get, fail here.
            throw SealingError.keyFileUnreadable
        }
    }
}
