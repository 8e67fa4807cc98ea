import Foundation

/// Opt-in encryption at rest of a data directory. An encrypted directory has a key file
/// (`key.json`): a random data key, wrapped by a key derived from the passphrase with scrypt.
/// Every line of the snapshot, the journal and the index is sealed with the data key
/// (`SealedLines`), so the backups, which are copies of snapshots, are sealed too.
public enum Encryption {
    /// Whether `directory` has a key file.
    public static func isEncrypted(_ directory: URL, on disk: FileSystem? = nil) -> Bool {
        guard let (disk, directory) = try? place(directory, on: disk) else { return false }
        return disk.exists(directory.appendingPathComponent(Store.Files.key).path)
    }

    /// Where `directory` lies: on `disk` when one is given (tests), else on the real disk, the
    /// directory resolved once and refused when another user owns it or can change it (`Disk`),
    /// so that its key file is never read through a link.
    static func place(_ directory: URL, on disk: FileSystem?) throws -> (disk: FileSystem, directory: URL) {
        if let disk { return (disk, directory) }
        let real = try Disk(dataDirectory: directory.path)
        return (real, URL(fileURLWithPath: real.directory))
    }

    /// The key file of `directory`. Damaged or newer: a clear error, the file left as it is.
    public static func keyFile(in directory: URL, on disk: FileSystem? = nil) throws -> KeyFile {
        let (disk, directory) = try place(directory, on: disk)
        let fd = try disk.open(directory.appendingPathComponent(Store.Files.key).path, .read, name: Store.Files.key)
        defer { disk.close(fd) }
        return try KeyFile.decode(try disk.readAll(fd, name: Store.Files.key))
    }

    /// How the lines of `directory` are stored: plain when it has no key file; else sealed with
    /// the data key that the passphrase `passphrase()` unlocks (asked only then).
    public static func sealing(for directory: URL, on disk: FileSystem? = nil,
                               passphrase: () throws -> String) throws -> LineSealing {
        guard isEncrypted(directory, on: disk) else { return PlainLines() }
        let keyFile = try keyFile(in: directory, on: disk)
        return SealedLines(key: try keyFile.unlock(passphrase: passphrase()))
    }

    /// The store of `directory`, its lines sealed with the data key `passphrase()` unlocks
    /// when it is encrypted (asked only then).
    /// `user` is who the lock file names (see `Store.init`).
    public static func openStore(_ directory: URL, write: Bool,
                                 user: String = Session.author(explicit: nil, environment: ProcessInfo.processInfo.environment),
                                 on disk: FileSystem? = nil, passphrase: () throws -> String) throws -> Store {
        try openStore(directory, write: write, user: user, on: disk,
                      sealing: sealing(for: directory, on: disk, passphrase: passphrase))
    }

    /// The store of `directory`, its lines stored with `sealing`. A session that may write on
    /// an encrypted directory first finishes an encryption a crash interrupted
    /// (`readableFiles`), and makes durable one whose last sync failed.
    public static func openStore(_ directory: URL, write: Bool,
                                 user: String = Session.author(explicit: nil, environment: ProcessInfo.processInfo.environment),
                                 on disk: FileSystem? = nil, sealing: LineSealing) throws -> Store {
        let (disk, directory) = try place(directory, on: disk)
        let store = try Store(directory: directory, write: write, user: user, fileSystem: disk, sealing: sealing)
        if store.isEncrypted && !store.isReadOnly { try store.seal(with: sealing) }
        return store
    }

    /// Whether `directory` is encrypted whole: it has a key file and no file readable without
    /// it. When so, first makes that durable (what a sealing whose last sync failed left may
    /// be visible only), so that saying it is encrypted stays true after a power cut.
    public static func isSealed(_ directory: URL, on disk: FileSystem? = nil) throws -> Bool {
        let (disk, directory) = try place(directory, on: disk)
        guard isEncrypted(directory, on: disk), readableFiles(in: directory, on: disk).isEmpty else { return false }
        try Store.syncEntries(in: directory, on: disk)
        return true
    }

    /// The files of an encrypted `directory` that can still be read without its passphrase,
    /// named by their place in it: its encryption was interrupted (a crash, a full disk), and
    /// `protect` or the next session that writes finishes it. Told without the passphrase.
    /// Empty for a directory without a key file.
    public static func readableFiles(in directory: URL, on disk: FileSystem? = nil) -> [String] {
        guard let (disk, directory) = try? place(directory, on: disk), isEncrypted(directory, on: disk) else { return [] }
        return Store.plainFiles(in: directory, on: disk)
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
    /// The key file is written first, whole and durable; then every file is sealed, and the
    /// directory synced. A crash in between leaves a directory that `readableFiles` names as
    /// unfinished, whatever the moment: never one said encrypted with a name in clear. Run again
    /// on it, `protect` finishes it, `passphrase` being the one given when it began (it unlocks
    /// the key file written then); so does the next session that writes (`openStore`).
    ///
    /// `progress` is told how far the work has got: the history verified and sealed again
    /// (`HistoryFile.verifyStep`, `resealStep`), then the snapshot's lines sealed (`casesStep`).
    @discardableResult
    public static func protect(_ directory: URL, passphrase: String, user: String,
                               parameters: ScryptParameters = .standard, on disk: FileSystem? = nil,
                               progress: ProgressStep.Report = { _, _ in }) throws -> Protected {
        let (disk, directory) = try place(directory, on: disk)
        let begun = isEncrypted(directory, on: disk)
        if begun {
            if try isSealed(directory, on: disk) { throw StoreError.alreadyEncrypted }
        } else {
            try Passphrase.validate(passphrase)
        }
        let sealing = begun ? SealedLines(key: try keyFile(in: directory, on: disk).unlock(passphrase: passphrase)) : nil
        let store = try Store(directory: directory, user: user, fileSystem: disk, sealing: sealing ?? PlainLines())
        if case .readOnly(let holder)? = store.readOnlyReason { throw StoreError.busy(holder: holder) }
        // Sessions open on plain lines would go on writing them: encrypting waits for them to close.
        let others = try store.othersInside()
        if !others.isEmpty {
            try? store.close()
            throw StoreError.busy(holder: others.joined(separator: ", "))
        }
        // Lines set aside must be corrected by hand, which sealed lines no longer allow.
        if !store.book.setAside.isEmpty { throw StoreError.setAsideLines(count: store.book.setAside.count) }
        let backups = store.plainFiles().filter { $0.hasPrefix(Store.Files.backups + "/") }.count
        if let sealing {
            try store.seal(with: sealing, progress: progress)
        } else {
            let (keyFile, key) = try KeyFile.create(passphrase: passphrase, parameters: parameters)
            try write(keyFile, in: directory, on: disk)
            try store.seal(with: SealedLines(key: key), progress: progress)
        }
        let cases = store.book.count
        try store.close()
        return Protected(cases: cases, removedBackups: backups)
    }

    /// The step of sealing the snapshot: its case lines (set-aside lines refuse encryption).
    public static func casesStep(_ lines: Int) -> ProgressStep {
        ProgressStep(task: "progress.task.encrypt", unit: .cases, total: lines)
    }

    /// Changes the passphrase: the data key is wrapped again, no data is rewritten.
    public static func changePassphrase(of directory: URL, from old: String, to new: String,
                                        on disk: FileSystem? = nil) throws {
        let (disk, directory) = try place(directory, on: disk)
        try Passphrase.validate(new)
        guard new != old else { throw SealingError.samePassphrase }
        let keyFile = try keyFile(in: directory, on: disk)
        try write(keyFile.rewrapped(oldPassphrase: old, newPassphrase: new), in: directory, on: disk)
    }

    /// Replaces the key file of `directory` whole: a temp file of its own (two commands writing
    /// at once never share one), fsync'd, renamed over `key.json`, then the directory fsync'd.
    /// A crash leaves the old key file or the new one, and at most a temp file holding no data.
    static func write(_ keyFile: KeyFile, in directory: URL, on disk: FileSystem) throws {
        let name = Store.Files.key
        let temporary = directory.appendingPathComponent(".\(name).\(UUID().uuidString.prefix(8)).tmp").path
        let fd = try disk.open(temporary, .create, name: name)
        do {
            defer { disk.close(fd) }
            try disk.write(fd, keyFile.encoded(), name: name)
            try disk.sync(fd, name: name)
            try disk.rename(temporary, to: directory.appendingPathComponent(name).path, name: name)
        } catch {
            disk.remove(temporary)
            throw error
        }
        try disk.syncDirectory(directory.path, name: directory.path)
    }
}
