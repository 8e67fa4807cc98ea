#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Opt-in encryption at rest of a data directory. An encrypted directory has a key file
/// (`key.json`): a random data key, wrapped by a key derived from the passphrase with scrypt.
/// Every line of the snapshot, the journal and the index is sealed with the data key
/// (`SealedLines`), so the backups, which are copies of snapshots, are sealed too.
public enum Encryption {
    /// Whether `directory` has a key file.
    public static func isEncrypted(_ directory: URL) -> Bool {
        Posix.exists(directory.appendingPathComponent(Store.Files.key).path)
    }

    /// The key file of `directory`. Damaged or newer: a clear error, the file left as it is.
    /// Read as every file of the directory is (`Disk`): never through a link.
    public static func keyFile(in directory: URL) throws -> KeyFile {
        let disk = try Disk(dataDirectory: directory.path)
        let fd = try disk.open(disk.path(of: Store.Files.key), .read, name: Store.Files.key)
        defer { disk.close(fd) }
        return try KeyFile.decode(try disk.readAll(fd, name: Store.Files.key))
    }

    /// How the lines of `directory` are stored: plain when it has no key file; else sealed with
    /// the data key that the passphrase `passphrase()` unlocks (asked only then).
    public static func sealing(for directory: URL, passphrase: () throws -> String) throws -> LineSealing {
        guard isEncrypted(directory) else { return PlainLines() }
        let keyFile = try keyFile(in: directory)
        return SealedLines(key: try keyFile.unlock(passphrase: passphrase()))
    }

    /// What `protect` did.
    public struct Protected: Sendable {
        public let cases: Int
        public let removedBackups: Int
    }

    /// Encrypts `directory` (created when missing) with `passphrase`: writes the key file, then
    /// seals what the directory already holds into a new snapshot and removes the plain
    /// backups. Takes the session lock: refused while another session works on it.
    ///
    /// The key file is written first. A crash after it leaves a directory that opens with the
    /// passphrase and still holds plain lines, which the next session that writes seals.
    @discardableResult
    public static func protect(_ directory: URL, passphrase: String, user: String,
                               parameters: ScryptParameters = .standard) throws -> Protected {
        try Passphrase.validate(passphrase)
        if isEncrypted(directory) { throw StoreError.alreadyEncrypted }
        let store = try Store(directory: directory, user: user)
        if case .readOnly(let holder)? = store.readOnlyReason { throw StoreError.busy(holder: holder) }
        // Lines set aside must be corrected by hand, which sealed lines no longer allow.
        if !store.book.setAside.isEmpty { throw StoreError.setAsideLines(count: store.book.setAside.count) }
        let backups = store.backups().count
        let (keyFile, key) = try KeyFile.create(passphrase: passphrase, parameters: parameters)
        try PrivateFile.write(Data(keyFile.encoded()), to: directory.appendingPathComponent(Store.Files.key))
        try store.encrypt(with: SealedLines(key: key))
        let cases = store.book.count
        try store.close()
        return Protected(cases: cases, removedBackups: backups)
    }

    /// Changes the passphrase: the data key is wrapped again, no data is rewritten.
    public static func changePassphrase(of directory: URL, from old: String, to new: String) throws {
        try Passphrase.validate(new)
        guard new != old else { throw SealingError.samePassphrase }
        let keyFile = try keyFile(in: directory)
        let rewrapped = try keyFile.rewrapped(oldPassphrase: old, newPassphrase: new)
        try PrivateFile.write(Data(rewrapped.encoded()), to: directory.appendingPathComponent(Store.Files.key))
    }
}
