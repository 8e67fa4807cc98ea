#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A data directory: a JSON-lines snapshot of every case, an append-only JSON-lines journal
/// of the changes made since, a lock file and rotated backups of the snapshot.
///
/// A change is durable once its journal line is fsync'd, so committing costs the same with
/// 100 cases as with 100 000. The snapshot is rewritten atomically when the journal is
/// compacted (on close). A file that fails to parse is never written to.
public final class Store {
    public enum Files {
        public static let snapshot = "snapshot.jsonl"
        public static let journal = "journal.jsonl"
        public static let lock = "retour.lock"
        public static let backups = "backups"
    }

    /// How many snapshots are kept in `backups/`.
    public static let backupsKept = 5

    public let directory: URL
    public private(set) var book: CaseBook
    /// Nil when this session may write; else why it may only read.
    public private(set) var readOnlyReason: StoreError?
    /// Bytes of an incomplete last journal line (a crash during a save) dropped when opening.
    public private(set) var droppedTornBytes = 0
    /// Journal lines not yet folded into the snapshot.
    public private(set) var journalLines = 0

    /// What the files looked like when last read, to notice another session's changes.
    private var loadedSignature: [Int] = []

    private var lock: FileLock?
    private var journalFD: Int32 = -1
    private var journalLength: Int = 0
    /// A failed save whose partial line could not be cut off yet: the next save must cut it
    /// first, or its line would be glued to the partial one.
    private var journalNeedsCut = false
    /// Sequence number of the snapshot on disk (names its backup).
    private var snapshotSeq = 0

    public var isReadOnly: Bool { readOnlyReason != nil }

    /// Opens `directory`, creating it (0700) when `write` is asked and it does not exist.
    /// A writer takes the session lock; when another session holds it, the store opens
    /// read-only and says why in `readOnlyReason`.
    /// `user` is who the lock file names as holder, for the notice other sessions show.
    public init(directory: URL, write: Bool = true,
                user: String = Session.author(explicit: nil, environment: ProcessInfo.processInfo.environment)) throws {
        self.directory = directory
        self.book = CaseBook()
        let path = directory.path
        if Posix.exists(path) && !Posix.isDirectory(path) { throw StoreError.notADirectory(path) }
        if write {
            let created = !Posix.exists(path)
            try Posix.makeDirectory(path, name: path)
            if created {
                // The new directory's entry must reach the disk before the files inside it matter.
                try Posix.syncDirectory(directory.deletingLastPathComponent().path, name: path)
            }
            if let mode = Posix.mode(path), mode != Posix.directoryMode { chmod(path, Posix.directoryMode) }
            let lock = try FileLock(path: file(Files.lock), name: Files.lock, user: user)
            if lock.acquired {
                self.lock = lock
            } else {
                readOnlyReason = .readOnly(holder: lock.holder)
            }
        } else {
            readOnlyReason = .readOnly(holder: nil)
        }
        guard Posix.isDirectory(path) else { return }
        try load()
        if !isReadOnly {
            let journalPath = file(Files.journal)
            let created = !Posix.exists(journalPath)
            journalFD = try Posix.open(journalPath, O_WRONLY | O_APPEND | O_CREAT, name: Files.journal)
            if created {
                // Without this, fsync'd lines may sit in a file that a power cut leaves unnamed.
                try Posix.syncDirectory(path, name: path)
            }
        }
    }

    deinit {
        if journalFD >= 0 { Glibc.close(journalFD) }
    }

    /// Makes `change` durable, then applies it. On failure nothing changes, in memory or on
    /// disk, and the caller still holds the change to try again.
    @discardableResult
    public func commit(_ change: Change, by author: String, at time: Date = Date()) throws -> JournalEntry {
        if let readOnlyReason { throw readOnlyReason }
        // The journal keeps whole seconds: the entry kept in memory is the one read back.
        let time = Date(timeIntervalSince1970: time.timeIntervalSince1970.rounded(.down))
        let entry = JournalEntry(seq: book.seq + 1, by: author, at: time, change: change)
        try book.check(entry)
        var line = try Store.encoder.encode(entry)
        line.append(0x0A)
        if journalNeedsCut {
            guard ftruncate(journalFD, off_t(journalLength)) == 0 else {
                throw FileError(operation: .write, file: Files.journal, code: errno)
            }
            journalNeedsCut = false
        }
        do {
            try Posix.writeAll(journalFD, Array(line), name: Files.journal)
            try Posix.sync(journalFD, name: Files.journal)
        } catch {
            // Take back whatever part of the line reached the file, so the next save starts clean.
            if ftruncate(journalFD, off_t(journalLength)) != 0 { journalNeedsCut = true }
            throw error
        }
        journalLength += line.count
        journalLines += 1
        try! book.apply(entry)  // Checked above; applying cannot fail.
        return entry
    }

    /// Folds the journal into a new snapshot: temp file 0600 → fsync → backup link of the old
    /// snapshot → rename → fsync directory → empty the journal. A crash at any point leaves
    /// either the old snapshot with the full journal or the new snapshot (whose sequence
    /// number makes the old journal lines skipped).
    public func compact() throws {
        if let readOnlyReason { throw readOnlyReason }
        let snapshotPath = file(Files.snapshot)
        if journalLines == 0 && Posix.exists(snapshotPath) { return }
        let temporary = file(Files.snapshot + ".tmp")
        unlink(temporary)
        let fd = try Posix.open(temporary, O_WRONLY | O_CREAT | O_EXCL, name: Files.snapshot + ".tmp", operation: .create)
        do {
            defer { Glibc.close(fd) }
            try SnapshotFile.write(book, to: fd, name: Files.snapshot + ".tmp")
            try Posix.sync(fd, name: Files.snapshot + ".tmp")
        } catch {
            unlink(temporary)
            throw error
        }
        try keepBackup(of: snapshotPath)
        guard rename(temporary, snapshotPath) == 0 else {
            let code = errno
            unlink(temporary)
            throw FileError(operation: .rename, file: Files.snapshot, code: code)
        }
        try Posix.syncDirectory(directory.path, name: directory.path)
        snapshotSeq = book.seq
        guard ftruncate(journalFD, 0) == 0 else { throw FileError(operation: .write, file: Files.journal, code: errno) }
        journalLength = 0
        journalLines = 0
        journalNeedsCut = false
        try Posix.sync(journalFD, name: Files.journal)
    }

    /// Compacts (when this session may write) and releases the lock.
    public func close() throws {
        defer {
            if journalFD >= 0 { Glibc.close(journalFD) }
            journalFD = -1
            lock?.release()
            lock = nil
        }
        if !isReadOnly && journalFD >= 0 { try compact() }
    }

    /// For a read-only session: reads the files again when another session changed them, so
    /// that what it shows stays current. Returns whether anything was read.
    public func reloadIfChanged() throws -> Bool {
        guard isReadOnly, fileSignature() != loadedSignature else { return false }
        try load()
        return true
    }

    private func fileSignature() -> [Int] {
        [Files.snapshot, Files.journal].flatMap { name -> [Int] in
            var info = stat()
            guard stat(file(name), &info) == 0 else { return [-1] }
            return [Int(info.st_ino), Int(info.st_size), Int(info.st_mtim.tv_sec), Int(info.st_mtim.tv_nsec)]
        }
    }

    /// The newest snapshot backup, relative to the data directory.
    public func newestBackup() -> String? {
        Store.backups(in: directory).last.map { "\(Files.backups)/\($0)" }
    }

    static func backups(in directory: URL) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent(Files.backups).path)) ?? []
        return names.filter { $0.hasPrefix("snapshot-") && $0.hasSuffix(".jsonl") }.sorted()
    }

    func file(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }

    // MARK: Loading

    /// Reads the snapshot then the journal. A reader racing a writer's compaction may see a
    /// new snapshot with an old journal or the reverse; it then simply reads again.
    private func load() throws {
        var attempt = 0
        while true {
            attempt += 1
            do {
                try loadOnce()
                return
            } catch let error as RaceDetected {
                if attempt >= 5 { throw error.underlying }
            }
        }
    }

    private struct RaceDetected: Error { let underlying: Error }

    private func loadOnce() throws {
        loadedSignature = fileSignature()
        let snapshotPath = file(Files.snapshot)
        var snapshotInode: ino_t?
        if Posix.exists(snapshotPath) {
            let fd = try Posix.open(snapshotPath, O_RDONLY, name: Files.snapshot, operation: .read)
            defer { Glibc.close(fd) }
            snapshotInode = Posix.inode(fd)
            let bytes = try Posix.readAll(fd, name: Files.snapshot)
            do {
                book = try SnapshotFile.read(bytes)
            } catch let failure as SnapshotFile.Failure {
                throw failure.storeError(file: Files.snapshot, newestBackup: newestBackup())
            }
        } else {
            book = CaseBook()
        }
        snapshotSeq = book.seq
        let journalPath = file(Files.journal)
        guard Posix.exists(journalPath) else { return }
        let fd = try Posix.open(journalPath, O_RDONLY, name: Files.journal, operation: .read)
        let bytes: [UInt8]
        do {
            defer { Glibc.close(fd) }
            bytes = try Posix.readAll(fd, name: Files.journal)
        }
        let replay: JournalFile.Replay
        do {
            replay = try JournalFile.replay(bytes, onto: &book)
        } catch let failure as SnapshotFile.Failure {
            let error = failure.storeError(file: Files.journal, newestBackup: newestBackup())
            // A gap right after a snapshot may be a writer compacting under our feet.
            if snapshotInode != Posix.inode(snapshotPath) || failure.isSequenceGap { throw RaceDetected(underlying: error) }
            throw error
        }
        if snapshotInode != Posix.inode(snapshotPath) {
            throw RaceDetected(underlying: StoreError.unreadable(file: Files.snapshot, line: 1, reason: "error.parse.changing", detail: "", newestBackup: nil))
        }
        journalLines = replay.lines
        journalLength = replay.goodLength
        droppedTornBytes = bytes.count - replay.goodLength
        if droppedTornBytes > 0 && !isReadOnly {
            // The incomplete line was never confirmed to anyone: drop it for good.
            let fd = try Posix.open(journalPath, O_WRONLY, name: Files.journal)
            defer { Glibc.close(fd) }
            guard ftruncate(fd, off_t(replay.goodLength)) == 0 else {
                throw FileError(operation: .write, file: Files.journal, code: errno)
            }
            try Posix.sync(fd, name: Files.journal)
        }
    }

    private func keepBackup(of snapshotPath: String) throws {
        guard Posix.exists(snapshotPath) else { return }
        let backupsPath = file(Files.backups)
        try Posix.makeDirectory(backupsPath, name: Files.backups)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        // Named by the sequence number first: a clock set back must not make the newest backup
        // sort first and be pruned.
        let name = "snapshot-\(String(format: "%09d", snapshotSeq))-\(formatter.string(from: Date())).jsonl"
        let target = backupsPath + "/" + name
        unlink(target)
        // A hard link costs nothing; file systems without links (FAT, exFAT sticks) get a copy.
        if link(snapshotPath, target) != 0 {
            try copyFile(snapshotPath, to: target, name: Files.backups + "/" + name)
        }
        for old in Store.backups(in: directory).dropLast(Store.backupsKept) {
            unlink(backupsPath + "/" + old)
        }
        try Posix.syncDirectory(backupsPath, name: Files.backups)
    }

    private func copyFile(_ source: String, to target: String, name: String) throws {
        let input = try Posix.open(source, O_RDONLY, name: Files.snapshot, operation: .read)
        let bytes: [UInt8]
        do {
            defer { Glibc.close(input) }
            bytes = try Posix.readAll(input, name: Files.snapshot)
        }
        let output = try Posix.open(target, O_WRONLY | O_CREAT | O_EXCL, name: name, operation: .create)
        defer { Glibc.close(output) }
        do {
            try Posix.writeAll(output, bytes, name: name)
            try Posix.sync(output, name: name)
        } catch {
            unlink(target)
            throw error
        }
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}
