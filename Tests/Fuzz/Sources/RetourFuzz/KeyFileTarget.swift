import RetourCore

/// `key.json`: decoded, then unlocked with a passphrase when the scrypt parameters it names
/// cost little (unlocking with the standard ones takes a tenth of a second: too slow to fuzz,
/// and bounded by `ScryptParameters.isSupported` whatever the file says).
enum KeyFileTarget {
    static let passphrase = "sable chaud de Gao"

    static func run(_ input: [UInt8]) {
        guard let keyFile = try? KeyFile.decode(input) else { return }
        let parameters = keyFile.parameters
        if parameters.rounds * parameters.r * parameters.p <= 1 << 12 {
            _ = try? keyFile.unlock(passphrase: passphrase)
        }
        _ = keyFile.encoded()
    }

    static func seeds() throws -> [[UInt8]] {
        let cheap = try KeyFile.create(passphrase: passphrase, parameters: ScryptParameters(logN: 4, r: 8, p: 1)).0
        let standard = try KeyFile.create(passphrase: passphrase).0
        return [cheap.encoded(), standard.encoded()]
    }
}
