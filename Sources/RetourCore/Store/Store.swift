#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A data directory: a JSON-lines snapshot of every case, its index (each case's digest and
/// where its line lies), an append-only JSON-lines journal of the changes made since, a lock
/// file, rotated backups of the snapshot, and in an encrypted directory its key file.
///
/// Opening reads the index, not the cases; a case is decoded from its line when it is opened
/// or changed. A change is durable once its journal line is fsync'd (a batch: its lines, with
/// one fsync; sessions saving at one instant share fsyncs, `confirm`), so committing costs the
/// same with 100 cases as with 100 000. The snapshot is
/// rewritten atomically when the journal is compacted, unchanged lines copied as they are.
/// A file that fails to parse is never written to. Every file operation goes through `disk`,
/// and every line through `sealing`.
///
/// Several writers. Any number of sessions (and commands) may write to one directory. Each
/// holds presence (`retour.sessions`, shared) from opening to closing, and takes the commit
/// lock (`retour.lock`, exclusive) only for the time of one commit, on one path for every
/// writer, alone or not: lock → read what others appended (`catchUp`) → allocate case numbers
/// and check the change against the book as it now stands → append → unlock → fsync.
/// A save applies at once only the lines of others its check needs (numbers, people, users);
/// the rest wait in the book, folded into their case when it is read (`CaseBook.deferred`),
/// and are applied, digests included, at the session's next idle moment (`refresh`), before a
/// compaction, or after a save once many wait.
/// A failed append is cut back under the lock, only to where this writer's own line began.
/// The snapshot's identity is its generation: a compaction by whoever commits past
/// `compactionThreshold` writes the new snapshot without the commit lock, then under it swaps
/// in the snapshot and a journal of the lines committed meanwhile (`compactAlongside`); the
/// last writer closing compacts under the lock and empties the journal. Every other session
/// notices the snapshot it reads is no longer the one on disk: having applied every change it
/// holds, it keeps its book and applies only the journal's lines after its own
/// (`followCompaction`); else it reads the new one with the journal from its start. No line is
/// applied twice or missed. Between commits a session reads others' lines with `refresh()`
/// (the commit lock taken shared), and tells what came in `takeOutsideChanges()`.
public final class Store {
    public enum Files {
        public static let snapshot = "snapshot.jsonl"
        public static let journal = "journal.jsonl"
        public static let index = "snapshot.index"
        /// The commit lock: held only while a change is appended and made durable.
        public static let lock = "retour.lock"
        /// Presence: every writing session holds it shared and names itself in it (`FileLock`).
        public static let sessions = "retour.sessions"
        /// Present only in an encrypted directory: the data key, wrapped by the passphrase.
        public static let key = KeyFile.fileName
        public static let backups = "backups"
    }

    /// How many snapshots are kept in `backups/`.
    public static let backupsKept = 5

    public let directory: URL
    /// `directory`'s path, built once: every commit names the snapshot and the journal.
    private let directoryPath: String
    /// Every file operation goes through it (tests put faults under it).
    let disk: FileSystem
    /// How lines are stored: plain, or sealed with the directory's data key.
    private(set) var sealing: LineSealing
    public private(set) var book: CaseBook
    /// The tracks' rules every new enrolment is held to (`CaseBook.check`); kept across
    /// re-reads of the files. `Session.openStore` sets them from the reference data.
    public var enrolmentRules = EnrolmentRules() {
        didSet { book.enrolmentRules = enrolmentRules }
    }
    /// Nil when this session may write; else why it may only read.
    public private(set) var readOnlyReason: StoreError?
    /// Bytes of an incomplete last journal line (a crash during a save) dropped when opening.
    public private(set) var droppedTornBytes = 0
    /// Journal lines not yet folded into the snapshot.
    public private(set) var journalLines = 0

    /// What the files looked like when last read (inode, size, modification time), to notice
    /// another session's changes.
    private var loadedSnapshot: [Int]?
    private var loadedJournal: [Int]?
    /// The inode of the journal the last full reading read (nil when there was none).
    private var loadedJournalInode: Int?
    /// The inode of the snapshot the book reads from (held open, so never reused): when the
    /// snapshot on disk is another, someone compacted, and everything is read again.
    private var loadedSnapshotInode: Int?

    private var lock: SessionLock?
    /// How deep `underLock` calls are nested, and whether the commit lock is held exclusively.
    private var lockDepth = 0
    private var exclusive = false
    private var journalFD: Int32 = -1 {
        didSet {
            journalFDInode = journalFD >= 0 ? disk.inode(journalFD) : nil
            preparedUpTo = 0
        }
    }
    /// The file `journalFD` is open on (a descriptor's file never changes: asked once).
    private var journalFDInode: Int?
    private var journalLength: Int = 0
    /// A failed save whose line could not be cut off: where it began and what was written.
    /// The next save under the lock cuts it first, when nothing else follows it.
    private var journalCut: (start: Int, bytes: [UInt8])?
    /// The journal's changes since the snapshot (to complete the history before compacting).
    private(set) var sinceSnapshot: [JournalEntry] = []
    /// Whether changes of other sessions were read since opening.
    private var readOthers = false
    /// Others' changes read and not yet taken by `takeOutsideChanges`.
    private var outside = OutsideChanges()
    /// Refreshes in a row that found the commit lock taken.
    private var refreshesMissed = 0
    /// After that many, `refresh` waits for the lock (at a refresh every quarter second, the
    /// changes show within a second however busy the writers). One: with 8 writers committing
    /// one after another at 100 000 cases, two misses made the slowest changes show after
    /// 1.06–1.16 s (`retour-bench writers`).
    static let refreshesMissedBeforeWaiting = 1

    /// What other sessions changed, read by `refresh` or before a commit.
    public struct OutsideChanges: Sendable {
        /// Their changes, in order.
        public var entries: [JournalEntry] = []
        /// Whether everything was read again (after someone compacted): any case may have changed.
        public var reloaded = false
        public var isEmpty: Bool { entries.isEmpty && !reloaded }
    }

    /// When the journal grows past this many bytes, whoever commits folds it into a new
    /// snapshot (besides the last writer, when it closes). The setting
    /// `compactionThresholdMB` of `Assets/settings.json` (`Session.configure`).
    public var compactionThreshold = Settings().compactionThresholdBytes
    /// Sequence number of the snapshot on disk (names its backup).
    private var snapshotSeq = 0
    /// The history's head the snapshot recorded when it was written (nil before there was one).
    public private(set) var recordedHistoryHead: HistoryHead?
    /// Changes durable in the journal whose history entry could not be written yet: written
    /// before the journal is folded into a snapshot, or compaction waits.
    private var unrecorded: [JournalEntry] = []

    public var isReadOnly: Bool { readOnlyReason != nil }
    public var isEncrypted: Bool { sealing.isEncrypted }
    /// An encrypted directory still holding lines in clear (`Store.plainFiles`): written
    /// before it was encrypted, or left by a crash while encrypting. `seal(with:)` seals them.
    public var holdsPlainData: Bool { sealing.isEncrypted && !plainFiles().isEmpty }

    /// Opens `directory`, creating it (0700) when `write` is asked and it does not exist.
    /// A writer takes the session lock; when another session holds it, or the directory cannot
    /// be written (a read-only disk), the store opens read-only and says why in `readOnlyReason`.
    /// A writer makes a data directory only of a directory that is new, empty or already
    /// Retour's. `user` is who the lock file names as holder, for the notice other sessions show.
    /// Without `fileSystem`, the real disk: `directory` resolved once and refused when another
    /// user owns it or can change it (`Disk`).
    public init(directory: URL, write: Bool = true,
                user: String = Session.author(explicit: nil, environment: ProcessInfo.processInfo.environment),
                fileSystem: FileSystem? = nil, sealing: LineSealing = PlainLines()) throws {
        if let fileSystem {
            self.disk = fileSystem
            self.directory = directory
        } else {
            let disk = try Disk(dataDirectory: directory.path)
            self.disk = disk
            self.directory = URL(fileURLWithPath: disk.directory)
        }
        self.sealing = sealing
        self.book = CaseBook()
        let path = self.directory.path
        directoryPath = path.hasSuffix("/") ? String(path.dropLast()) : path
        let directory = self.directory
        if disk.exists(path) && !disk.isDirectory(path) { throw StoreError.notADirectory(path) }
        // A link at one of Retour's names is refused before anything is read or written (each
        // file is also opened without following one, whatever happens in between).
        for name in DataDirectory.ownNames.sorted() where disk.isSymbolicLink(file(name)) {
            throw FileError(operation: .open, file: name, code: ELOOP)
        }
        // Before anything is written, the lock included.
        let hasKey = disk.exists(file(Files.key))
        if hasKey && !sealing.isEncrypted { throw StoreError.encrypted }
        if !hasKey && sealing.isEncrypted { throw StoreError.keyMissing(file: Files.key) }
        if let header = snapshotHeader(), header.isSealed {
            if !hasKey { throw StoreError.keyMissing(file: Files.key) }
            if let key = header.key, key != sealing.keyID { throw StoreError.keyMismatch(file: Files.key) }
        }
        var write = write
        if write && disk.isDirectory(path) {
            if !disk.isWritable(path) {
                readOnlyReason = .readOnlyDirectory
                write = false
            } else if !DataDirectory.mayBecomeDataDirectory(disk.contents(of: path)) {
                throw DataDirectory.Refusal.notEmpty(path: path)
            }
        }
        if write {
            // The directories made here (the data directory and any missing parent), and the
            // data directory of an opening that failed before making its journal, must reach the
            // disk before the files inside them matter: each by a sync of its parent.
            var made: [URL] = []
            var missing = directory
            while !disk.exists(missing.path) && missing.path != missing.deletingLastPathComponent().path {
                made.append(missing)
                missing = missing.deletingLastPathComponent()
            }
            if made.isEmpty && disk.isDirectory(path) && !disk.exists(file(Files.journal)) { made.append(directory) }
            try disk.makeDirectory(path, name: path)
            for directory in made.reversed() {
                try disk.syncDirectory(directory.deletingLastPathComponent().path, name: path)
            }
            // Higher up, best effort: a parent made by an earlier opening that failed before its
            // own parent was synced cannot be told from an old one, so every ancestor is synced.
            var ancestor = directory.deletingLastPathComponent().deletingLastPathComponent()
            while ancestor.path != ancestor.deletingLastPathComponent().path {
                try? disk.syncDirectory(ancestor.path, name: ancestor.path)
                ancestor = ancestor.deletingLastPathComponent()
            }
            let lock = try disk.lock(file(Files.lock), name: Files.lock, user: user)
            if lock.acquired {
                self.lock = lock
            } else {
                readOnlyReason = .readOnly(holder: lock.holder)
            }
        } else if readOnlyReason == nil {
            readOnlyReason = .readOnly(holder: nil)
        }
        guard disk.isDirectory(path) else { return }
        // Read as a reader does, without the commit lock (at 100 000 cases this takes most of a
        // second, which every other session's commits would wait through); then, under it, what
        // was appended meanwhile.
        sinceSnapshot = try load()
        guard !isReadOnly else { return }
        try underLock {
            lock?.enter()
            journalFD = try disk.open(file(Files.journal), .append, name: Files.journal)
            journalFDInode = disk.inode(journalFD)  // Set in an initializer, `journalFD` tells no observer.
            // Without this, fsync'd lines may sit in a file that a power cut leaves unnamed. At
            // every opening, not only when the journal is made: an opening that failed right
            // after making it left it perhaps not durable.
            try disk.syncDirectory(path, name: path)
            if journalFDInode != loadedJournalInode || currentInode(file(Files.snapshot)) != loadedSnapshotInode {
                // Compacted meanwhile (or made just now).
                try readAllAgain()
            } else {
                try catchUp()
            }
            outside = OutsideChanges()
            // A damaged history does not stop the work: `retour check` names the damage, and
            // compaction waits until the history holds every change.
            try? completeHistory(sinceSnapshot)
        }
    }

    deinit {
        if journalFD >= 0 { disk.close(journalFD) }
    }

    /// Makes `change` durable, then applies it. On failure nothing changes, in memory or on
    /// disk, and the caller still holds the change to try again. `clearance` is who makes it:
    /// `CaseBook.check` decides whether they may.
    /// Under the commit lock, after reading what others appended: a new case's number is the
    /// region's next one as the history then stands (the committed entry says which).
    /// `version`: the version of the case the change was made on (what the form showed): a
    /// change others' changes since then go against is refused (`ChangeError.conflict`).
    /// `recheck`: run under the lock on the book as it then stands, before the change is
    /// checked (the duplicate warning run again, say); what it throws refuses the change.
    @discardableResult
    public func commit(_ change: Change, as clearance: Clearance, at time: Date = Date(), on version: Int? = nil,
                       recheck: ((CaseBook) throws -> Void)? = nil) throws -> JournalEntry {
        if let readOnlyReason { throw readOnlyReason }
        // Its case decoded before the lock, which every other session waits for.
        if let id = change.caseID { book.prepare([id]) }
        let (checked, turn) = try underLock(preparing: false) { () throws -> (CheckedChange, HistoryFile.Turn?) in
            try catchUp(deferring: true)
            try recheck?(book)
            let change = Store.allocatingNumber(change, in: book)
            let entry = JournalEntry(seq: book.seq + 1, by: clearance.login, at: Store.wholeSeconds(time), change: change,
                                     expectedVersion: version, seen: book.site?.pulled)
            let checked = try book.check(entry, as: clearance)
            try append([checked.entry])
            // The history's lock is taken before the commit lock is let go, and the entry
            // written after: the next save does its work meanwhile.
            guard let turn = try? history.takeTurn() else {
                record([checked.entry])
                return (checked, nil)
            }
            return (checked, turn)
        }
        if let turn { record([checked.entry], in: turn) }
        // Applied once the others may go on: only this session changes its book, and the
        // journal's end already counts the line as read.
        book.apply(checked)
        sinceSnapshot.append(checked.entry)
        try confirm()
        settleIfMany()
        compactIfLarge()
        return checked.entry
    }

    /// `change` with, when it registers a case numbered `CaseBook.numberToAllocate` (`GAO-000000`),
    /// the region's next free number in `book`.
    static func allocatingNumber(_ change: Change, in book: CaseBook) -> Change {
        guard case .register(let id, let number, let profile) = change,
              let prefix = CaseBook.prefixToAllocate(number) else { return change }
        return .register(id: id, number: book.nextNumber(prefix: prefix), profile: profile)
    }

    /// Changes made together, all or none (an import): `build` adds them to a `Batch`, which
    /// checks and applies each to a copy of the book; they are then written with one fsync,
    /// each line naming the batch's last one, so that a crash part way leaves none of them.
    @discardableResult
    public func commitBatch(as clearance: Clearance, at time: Date = Date(),
                            _ build: (inout Batch) throws -> Void) throws -> [JournalEntry] {
        if let readOnlyReason { throw readOnlyReason }
        let entries = try underLock(preparing: false) { () throws -> [JournalEntry] in
            try catchUp(deferring: true)
            var batch = Batch(book: book, clearance: clearance, time: Store.wholeSeconds(time))
            try build(&batch)
            guard let last = batch.entries.last?.seq else { return [] }
            let entries = batch.entries.count == 1 ? batch.entries : batch.entries.map { entry -> JournalEntry in
                var entry = entry
                entry.batchEnd = last
                return entry
            }
            try append(entries)
            book = batch.book
            sinceSnapshot += entries
            record(entries)
            return entries
        }
        if !entries.isEmpty { try confirm() }
        settleIfMany()
        compactIfLarge()
        return entries
    }

    /// Runs `body` holding the commit lock exclusively (taken once however deep the calls).
    /// `preparing`: the cases of the lines the sessions ahead append meanwhile are decoded while
    /// waiting, before this one holds the lock (a save, which defers them, need not).
    private func underLock<T>(preparing: Bool = true, _ body: () throws -> T) throws -> T {
        guard let lock, !isReadOnly else { return try body() }
        if lockDepth == 0 {
            try lock.lockCommit(whileWaiting: preparing ? { self.prepareOthersCases() } : nil)
            exclusive = true
        }
        lockDepth += 1
        defer {
            lockDepth -= 1
            if lockDepth == 0 {
                exclusive = false
                lock.unlockCommit()
            }
        }
        return try body()
    }

    /// Reads what other sessions appended since this one last read, under the commit lock:
    /// their lines are applied in order; after a compaction (the snapshot on disk is not the
    /// one read), everything is read again. Holding the lock exclusively, it also cuts what a
    /// session killed while appending, or this one failing to, left at the end.
    /// Given `linesAtMost`, applies at most that many of the lines appended, and returns
    /// whether more follow (to read under another holding of the lock). `deferring`: a save's
    /// reading, which leaves for later what its check does not need (`CaseBook.deferred`).
    @discardableResult
    private func catchUp(linesAtMost limit: Int? = nil, deferring: Bool = false) throws -> Bool {
        guard journalFD >= 0 else { return false }
        if currentInode(file(Files.snapshot)) != loadedSnapshotInode
            || journalFDInode != currentInode(file(Files.journal)) {
            if readRestOfReplacedJournal(), try followCompaction() { return false }
            try readAllAgain()
            return false
        }
        var size = try disk.size(journalFD, name: Files.journal)
        if size < journalLength {
            try readAllAgain()
            return false
        }
        if let cut = journalCut, exclusive {
            // Only this writer's own line, and only when nothing follows it.
            if size > cut.start && size <= cut.start + cut.bytes.count,
               try readJournal(from: cut.start, count: size - cut.start) == Array(cut.bytes.prefix(size - cut.start)) {
                try cutJournal(to: cut.start)
                try disk.sync(journalFD, name: Files.journal)
                size = cut.start
            }
            journalCut = nil
        }
        guard size > journalLength else { return false }
        var bytes = try readJournal(from: journalLength, count: size - journalLength)
        var more = false
        if let limit, let end = Store.end(ofLines: limit, in: bytes), end < bytes.count {
            bytes.removeSubrange(end...)
            more = true
        }
        let replay = try JournalFile.replay(bytes, onto: &book, sealing: sealing.bound(to: Files.journal), deferring: deferring)
        advance(by: replay)
        if replay.goodLength < bytes.count && exclusive {
            // Never confirmed: its writer died or failed while holding the lock.
            try cutJournal(to: journalLength)
            try disk.sync(journalFD, name: Files.journal)
        }
        return more
    }

    /// Where the first `count` lines of `bytes` end (after their newlines); nil when it holds fewer.
    static func end(ofLines count: Int, in bytes: [UInt8]) -> Int? {
        var seen = 0
        for (index, byte) in bytes.enumerated() where byte == 0x0A {
            seen += 1
            if seen == count { return index + 1 }
        }
        return nil
    }

    /// Before the commit lock is taken: the cases changed by the lines others appended since
    /// this session last read are decoded from the snapshot now (`CaseBook.prepare`), so that
    /// applying those lines under the lock, which every other session waits for, costs little
    /// (decoding a case is most of it). The lines are read without the lock, only to learn which
    /// cases: a line not yet whole or cut back later merely prepares a case for nothing.
    private func prepareOthersCases() {
        // Lines already looked at (while waiting for the lock, every millisecond) are not read again.
        let start = max(journalLength, preparedUpTo)
        guard journalFD >= 0, let size = try? disk.size(journalFD, name: Files.journal), size > start,
              size - start <= Store.preparedBytesLimit,
              let bytes = try? disk.read(journalFD, at: start, count: size - start, name: Files.journal)
        else { return }
        let lineSealing = sealing.bound(to: Files.journal)
        var ids: [UUID] = []
        for line in Lines(bytes) where line.complete {
            preparedUpTo = start + line.range.upperBound + 1
            guard let entry = try? JournalFile.decode(bytes[line.range], line: line.number, sealing: lineSealing),
                  entry.seq > book.seq, let id = entry.change.caseID else { continue }
            ids.append(id)
        }
        book.prepare(ids)
    }

    /// Lines appended by others beyond this many bytes are not prepared ahead (an import).
    static let preparedBytesLimit = 1 << 20
    /// Where the lines of the open journal looked at by `prepareOthersCases` end.
    private var preparedUpTo = 0

    /// After another session compacted, the lines this session had not read yet of the journal
    /// the compaction replaced, read through the descriptor still open on it: nobody appends to
    /// it any more, and with them read this session is not behind the new snapshot, so it can
    /// follow it rather than read every case again.
    /// False when they cannot be read: everything is then read again.
    private func readRestOfReplacedJournal() -> Bool {
        guard let size = try? disk.size(journalFD, name: Files.journal) else { return false }
        guard size > journalLength else { return true }
        guard let bytes = try? disk.read(journalFD, at: journalLength, count: size - journalLength, name: Files.journal),
              let replay = try? JournalFile.replay(bytes, onto: &book, sealing: sealing.bound(to: Files.journal))
        else { return false }
        advance(by: replay)
        return true
    }

    /// The journal's lines `replay` read after `journalLength` counted as read, and the changes
    /// it applied as others'.
    private func advance(by replay: JournalFile.Replay) {
        journalLength += replay.goodLength
        journalLines += replay.lines
        if !replay.applied.isEmpty {
            sinceSnapshot += replay.applied
            // The deferred ones are told once applied (`settleDeferred`).
            let waiting = Set(replay.deferred.map(\.seq))
            outside.entries += waiting.isEmpty ? replay.applied : replay.applied.filter { !waiting.contains($0.seq) }
            readOthers = true
        }
    }

    /// Applies the changes of others that saves deferred (`CaseBook.settle`), to be told by
    /// `takeOutsideChanges`. Returns whether there were any. One the model's rules refuse (a
    /// journal not written by Retour) makes the session read everything again, as at opening.
    @discardableResult
    private func settleDeferred(keeping: Int = 0) throws -> Bool {
        guard book.deferredCount > keeping else { return false }
        do {
            let settled = try book.settle(keeping: keeping)
            outside.entries = (outside.entries + settled).sorted { $0.seq < $1.seq }
        } catch {
            try underLock { try readAllAgain() }
        }
        return true
    }

    /// After a save, when others' changes deferred by saves have piled up (sessions saving one
    /// after another, none idle): the oldest applied now, after the lock, a few at each save
    /// rather than all at once, so that no save waits for hundreds.
    private func settleIfMany() {
        _ = try? settleDeferred(keeping: Store.deferredAtMost)
    }

    /// The most changes of others a session keeps deferred between two idle moments.
    static let deferredAtMost = 256

    /// After another session compacted: when this session has applied every change the new
    /// snapshot holds, and the journal holds the lines after it, keeps its book — the cases it
    /// read from the previous snapshot are read from that file still, held open — and applies
    /// only the journal's lines it has not. Reading every case again, under the commit lock,
    /// would hold up every other session. False when it cannot (it is behind the snapshot, or
    /// the files are not what it expects): everything is then read again. Under the commit lock.
    private func followCompaction() throws -> Bool {
        let snapshotPath = file(Files.snapshot), journalPath = file(Files.journal)
        guard journalFD >= 0, let fd = try? disk.open(snapshotPath, .read, name: Files.snapshot) else { return false }
        let snapshotInode = disk.inode(fd)
        let header = (try? disk.size(fd, name: Files.snapshot)).flatMap { size in
            try? SnapshotFile.readHeader(fd, size: size, on: disk, name: Files.snapshot).0
        }
        disk.close(fd)
        guard let header, header.seq <= book.seq, header.isSealed == sealing.isEncrypted else { return false }
        let bytes: [UInt8], journalInode: Int?
        do {
            let fd = try disk.open(journalPath, .read, name: Files.journal)
            defer { disk.close(fd) }
            journalInode = disk.inode(fd)
            bytes = try disk.readAll(fd, name: Files.journal)
        } catch {
            return false
        }
        // Lines up to this session's are skipped; a gap after it fails the replay. Applied in
        // place (a copy of the book costs tens of milliseconds at 100 000 cases, under the
        // lock): lines applied before a failure are read again by the full reading that follows.
        let before = book.seq
        guard let replay = try? JournalFile.replay(bytes, onto: &book, sealing: sealing.bound(to: Files.journal)),
              max(header.seq, replay.lastSeq ?? header.seq) >= before else { return false }
        if journalFDInode != journalInode {
            let reopened = try disk.open(journalPath, .append, name: Files.journal)
            disk.close(journalFD)
            journalFD = reopened
            // The compactor's rename may not be durable yet if its last sync failed: lines
            // appended to this file must not be left in one a power cut unnames.
            try disk.syncDirectory(directory.path, name: directory.path)
        }
        sinceSnapshot = sinceSnapshot.filter { $0.seq > header.seq } + replay.applied
        snapshotSeq = header.seq
        recordedHistoryHead = header.history
        loadedSnapshotInode = snapshotInode
        loadedSnapshot = disk.signature(snapshotPath)
        loadedJournal = disk.signature(journalPath)
        journalLength = replay.goodLength
        journalLines = replay.lines
        journalCut = nil
        if !replay.applied.isEmpty {
            outside.entries += replay.applied
            readOthers = true
        }
        if replay.goodLength < bytes.count && exclusive {
            // Never confirmed: its writer died or failed while holding the lock.
            try cutJournal(to: journalLength)
            try disk.sync(journalFD, name: Files.journal)
        }
        return true
    }

    private func readAllAgain() throws {
        sinceSnapshot = try load()
        if journalFD >= 0 && journalFDInode != currentInode(file(Files.journal)) {
            disk.close(journalFD)
            journalFD = -1
            journalFD = try disk.open(file(Files.journal), .append, name: Files.journal)
            try disk.syncDirectory(directory.path, name: directory.path)
        }
        outside.reloaded = true
        readOthers = true
    }

    /// Through the session's own descriptor, which `catchUp` has just found to be the journal
    /// the directory names (a save reads others' lines with no file opened).
    private func readJournal(from offset: Int, count: Int) throws -> [UInt8] {
        try disk.read(journalFD, at: offset, count: count, name: Files.journal)
    }

    /// Folds the journal when it grew past `compactionThreshold`, after the commit lock is
    /// released (`compactAlongside`). The commit is already durable: a compaction that fails
    /// is tried again at the next commit or closing.
    private func compactIfLarge() {
        guard journalLength > compactionThreshold else { return }
        try? compactAlongside()
    }

    /// Reads what other sessions changed since the last call (cheap when nothing did: two
    /// `stat`s), without waiting for one that is committing. Returns whether anything was read;
    /// `takeOutsideChanges` tells what. A read-only session reads the files again instead.
    @discardableResult
    public func refresh() throws -> Bool {
        guard let lock, journalFD >= 0, !isReadOnly else { return try reloadIfChanged() }
        let journal = disk.signature(file(Files.journal))
        if currentInode(file(Files.snapshot)) == loadedSnapshotInode, let journal, journal[0] == journalFDInode,
           journal[1] == journalLength {
            return try settleDeferred()
        }
        let before = outside.entries.count, reloaded = outside.reloaded
        if lockDepth == 0 {
            prepareOthersCases()
            if lock.tryLockShared() {
                refreshesMissed = 0
            } else {
                // Writers committing one after another may keep it taken: after a few misses,
                // wait for it rather than show their changes late.
                refreshesMissed += 1
                guard refreshesMissed >= Store.refreshesMissedBeforeWaiting else { return false }
                try lock.lockShared()
                refreshesMissed = 0
            }
            // Many lines (sessions saving one after another) are read a batch at a time, the
            // lock let go between batches: writers wait for one batch, not for them all.
            while true {
                lockDepth = 1
                let more: Bool
                do {
                    more = try catchUp(linesAtMost: Store.linesPerSharedRead)
                } catch {
                    lockDepth = 0
                    lock.unlockCommit()
                    throw error
                }
                lockDepth = 0
                lock.unlockCommit()
                guard more else { break }
                prepareOthersCases()
                try lock.lockShared()
            }
        } else {
            try catchUp()
        }
        try settleDeferred()
        return outside.entries.count != before || outside.reloaded != reloaded
    }

    /// The most lines `refresh` applies under one holding of the shared lock.
    static let linesPerSharedRead = 64

    /// The changes of other sessions read since the last call, and forgets them.
    public func takeOutsideChanges() -> OutsideChanges {
        defer { outside = OutsideChanges() }
        return outside
    }

    /// Names `login`, signed in, as who this session is in what other sessions are told
    /// (`othersInside`): several people may work under one system account.
    public func announce(_ login: String) throws {
        guard let lock, !isReadOnly else { return }
        try underLock { lock.rename(user: login) }
    }

    /// The other writing sessions open on this directory ("user (start time)"); empty when
    /// this one is alone. A read-only session does not count them.
    public func othersInside() throws -> [String] {
        guard let lock, !isReadOnly else { return [] }
        return try underLock { lock.othersInside() }
    }

    /// Puts changes made durable in the journal into the history. Not fsync'd: until the
    /// journal is compacted it holds them, and opening completes a history a crash left behind
    /// (`completeHistory`). A failure (a full disk) is tried again before compaction.
    /// `turn`: the history's lock, taken under the commit lock (the history then keeps the
    /// journal's order, and `completeHistory` under the commit lock waits for this append).
    /// Without it the entries are written under the commit lock.
    private func record(_ entries: [JournalEntry], in turn: HistoryFile.Turn? = nil) {
        guard unrecorded.isEmpty else {
            // Another session may have completed the history with those since they failed.
            try? completeHistory(entries, in: turn)
            return
        }
        do {
            try history.append(entries.map { (by: $0.by, at: $0.at, event: .change($0)) }, durable: false, in: turn)
        } catch {
            unrecorded = entries
        }
    }

    /// Makes the history hold each of `entries` and of the changes not recorded yet
    /// (`unrecorded`) once, in sequence: a crash may have come between a journal's fsync and
    /// the history's write. What is missing is appended under the history's lock, read again
    /// under it, so that no append of the same change comes between the reading and the
    /// writing (a save holds that lock from under the commit lock until its entry is written).
    /// Without `turn`, the history is read first without the lock, which saves wait for:
    /// whatever it holds then stays, and most often nothing is missing. What cannot be written
    /// stays `unrecorded`.
    private func completeHistory(_ entries: [JournalEntry], in turn: HistoryFile.Turn? = nil) throws {
        let known = Set(unrecorded.map(\.seq))
        var pending = (unrecorded + entries.filter { !known.contains($0.seq) }).sorted { $0.seq < $1.seq }
        unrecorded = pending
        if turn == nil {
            pending = try notRecorded(pending)
            unrecorded = pending
            guard !pending.isEmpty else { return }
        }
        let turn = try turn ?? history.takeTurn()
        let missing: [JournalEntry]
        do {
            missing = try notRecorded(pending)
        } catch {
            history.giveBack(turn)
            throw error
        }
        unrecorded = missing
        guard !missing.isEmpty else {
            history.giveBack(turn)
            return
        }
        try history.append(missing.map { (by: $0.by, at: $0.at, event: .change($0)) }, durable: false, in: turn)
        unrecorded = []
    }

    /// Those of `entries` (in sequence) the history does not hold: it is read back from its end
    /// to the first of them.
    private func notRecorded(_ entries: [JournalEntry]) throws -> [JournalEntry] {
        guard let first = entries.first, let earliest = entries.map(\.at).min() else { return [] }
        let recorded = try history.recordedChanges(downTo: first.seq, before: earliest)
        return entries.filter { !recorded.contains($0.seq) }
    }

    /// A batch being built: changes checked and applied to the batch's own copy of the book.
    public struct Batch {
        /// The book with the changes added so far (case numbers come from it).
        public private(set) var book: CaseBook
        fileprivate private(set) var entries: [JournalEntry] = []
        let clearance: Clearance
        let time: Date

        init(book: CaseBook, clearance: Clearance, time: Date) {
            self.book = book
            self.clearance = clearance
            self.time = time
        }

        public var count: Int { entries.count }

        public mutating func add(_ change: Change) throws {
            try add(change, as: clearance, at: time)
        }

        /// A change of its own author and time (a demonstration office's history, made in a
        /// few batches rather than one fsync per change). Returns it as committed (with the
        /// number a registration was given).
        @discardableResult
        public mutating func add(_ change: Change, as clearance: Clearance, at time: Date) throws -> JournalEntry {
            let change = Store.allocatingNumber(change, in: book)
            let entry = JournalEntry(seq: book.seq + 1, by: clearance.login, at: Store.wholeSeconds(time), change: change,
                                     seen: book.site?.pulled)
            let checked = try book.check(entry, as: clearance)
            book.apply(checked)
            entries.append(checked.entry)
            return checked.entry
        }

        /// A change pulled from another site, journaled as `SiteReceiver` decided (applied, or
        /// held on its case as a conflict): numbered here, its rules checked, not its permissions.
        mutating func add(pulled entry: JournalEntry) throws {
            var entry = entry
            entry.seq = book.seq + 1
            let checked = try book.checkPulled(entry)
            book.apply(checked)
            entries.append(checked.entry)
        }
    }

    /// The history of the directory (`history.jsonl`), read and appended through this store's
    /// disk and sealing: one instance, so that its file's name is made durable once.
    public var history: HistoryFile {
        if let kept = historyFile, kept.sealing.keyID == sealing.keyID { return kept }
        let made = HistoryFile(directory: directory, disk: disk, sealing: sealing)
        historyFile = made
        return made
    }
    private var historyFile: HistoryFile?

    /// Keeps `event` (a sign-in, a case viewed, an export) in the history, by `login`. Any
    /// session may, a read-only one too; on a disk that cannot be written it cannot, and the
    /// event goes unrecorded rather than stopping the work.
    public func recordEvent(_ event: HistoryEvent, by login: String, at time: Date = Date()) throws {
        do {
            try history.append(event, by: login, at: time)
        } catch {
            if !mayWriteDirectory { return }
            throw error
        }
    }

    /// Whether files can be made in the directory at all (a read-only disk or a 0500
    /// directory cannot); a session that only reads may still append to the history.
    public var mayWriteDirectory: Bool { disk.isWritable(directory.path) }

    /// The cases `clearance` may read, as the book stands now (make a new one after a change).
    public func reader(for clearance: Clearance) -> CaseReader {
        CaseReader(book: book, clearance: clearance)
    }

    /// Writes `entries` at the end of the journal with one write, under the commit lock after
    /// `catchUp` (the journal ends where this session read it); `confirm` makes them durable
    /// once the lock is let go. On failure (a full disk), takes back what reached the file —
    /// only this writer's own bytes — so that the next save starts clean.
    private func append(_ entries: [JournalEntry]) throws {
        var bytes: [UInt8] = []
        for entry in entries {
            bytes += try sealing.bound(to: Files.journal).seal(Store.encoder.bytes(entry))
            bytes.append(0x0A)
        }
        let start = journalLength
        do {
            try disk.write(journalFD, bytes, name: Files.journal)
        } catch {
            do { try cutJournal(to: start) } catch { journalCut = (start, bytes) }
            throw error
        }
        journalLength += bytes.count
        journalLines += entries.count
    }

    /// Makes this session's lines durable, after the commit lock is let go. Sessions that save
    /// at the same instant fsync together, and the file system's journal commits their lines
    /// at once: the group commit is the kernel's.
    /// Others may have read the lines already, so a failed fsync cannot take them back: the
    /// session then saves nothing more, and says the change may be lost if the machine stops
    /// (`StoreError.unconfirmed`).
    private func confirm() throws {
        do {
            try disk.sync(journalFD, name: Files.journal)
        } catch let error as FileError {
            readOnlyReason = .unconfirmed(error)
            throw StoreError.unconfirmed(error)
        }
    }

    /// Cuts the journal back to `length` (lines never confirmed), under the commit lock.
    private func cutJournal(to length: Int) throws {
        try disk.truncate(journalFD, to: length, name: Files.journal)
    }

    /// The journal keeps whole seconds: the entry kept in memory is the one read back.
    static func wholeSeconds(_ time: Date) -> Date {
        Date(timeIntervalSince1970: time.timeIntervalSince1970.rounded(.down))
    }

    /// Folds the journal into a new snapshot (under the commit lock, `compactLocked`): temp file
    /// 0600 → fsync → backup link of the old snapshot → rename → fsync directory → empty the
    /// journal. With others open, `compactAlongside`. A crash at any point leaves
    /// either the old snapshot with the full journal or the new snapshot (whose sequence
    /// number makes the old journal lines skipped). Unchanged cases are copied line for line,
    /// so compacting costs about a copy of the file whatever the number of cases.
    /// The lines a compaction writes: what its `progress` counts to.
    public var compactionLines: Int { book.count + book.setAside.count }

    /// `progress(done)`: the snapshot's lines written, of `compactionLines`. Under the commit
    /// lock, after reading what others appended; other sessions stay open.
    /// The snapshot is written without the commit lock (`compactAlongside`): other sessions
    /// keep committing meanwhile. When another session is compacting, returns at once.
    public func compact(progress: (Int) -> Void = { _ in }) throws {
        if let readOnlyReason { throw readOnlyReason }
        try compactAlongside(progress: progress)
    }

    /// Compacting with other sessions open, which pause only while the files are swapped:
    /// 1. under the compaction lock (one compactor at a time), and under the commit lock: read
    ///    what others appended; the book as it then stands, at sequence number S, is what the
    ///    snapshot will hold, and the journal's length then is where its lines after S begin;
    /// 2. without the commit lock: that book written as `snapshot.jsonl.tmp` and fsync'd, while
    ///    the others commit lines S+1…T;
    /// 3. under the commit lock: read those lines; write them, exactly, as `journal.jsonl.tmp`
    ///    (fsync); keep a backup of the old snapshot; rename the new snapshot in; fsync the
    ///    directory; rename the new journal in; fsync the directory.
    /// A crash before the snapshot's rename leaves the old snapshot with the whole journal; after
    /// it and before the journal's, the new snapshot with the old journal, whose lines up to S
    /// are skipped on reading (their sequence numbers are not above the snapshot's); after both,
    /// the new files. Each opens to every confirmed change exactly once. The other sessions
    /// notice the new snapshot under the commit lock and keep their books (`followCompaction`).
    private func compactAlongside(progress: (Int) -> Void = { _ in }) throws {
        guard let lock, lockDepth == 0 else {
            return try underLock {
                try catchUp()
                try compactLocked(progress: progress)
            }
        }
        guard lock.tryLockCompaction() else { return }
        defer { lock.unlockCompaction() }
        let snapshotPath = file(Files.snapshot), journalPath = file(Files.journal)
        let temporary = file(Files.snapshot + ".tmp"), journalTemporary = file(Files.journal + ".tmp")
        // Not the book itself: holding a second reference to it would make this session's next
        // change copy every case's digest (tens of milliseconds at 100 000 cases, under the lock).
        struct Start {
            let seq: Int
            let changedVersions: [UUID: Int]
            let journalOffset: Int
            let journalInode: Int?
            let snapshotInode: Int?
            let history: HistoryHead
            let encrypting: Bool
        }
        var start: Start?
        prepareOthersCases()
        let completed = completeHistoryAhead()
        try underLock {
            try catchUp()
            // The snapshot is written from the book: every change in it, none waiting.
            try settleDeferred()
            if journalLines == 0 && disk.exists(snapshotPath) && !holdsPlainData { return }
            let history = try historyBeforeCompacting(completedUpTo: completed)
            start = Start(seq: book.seq, changedVersions: book.changedVersions, journalOffset: journalLength, journalInode: journalFDInode,
                          snapshotInode: loadedSnapshotInode, history: history, encrypting: encrypting)
        }
        guard let start else { return }
        // Nothing changes the book meanwhile: compacting runs on the thread that commits.
        guard book.seq == start.seq else { return }
        // What the swap needs of the new snapshot; the rest (its digests, which share the book's
        // storage) is let go before the lock, or the book's next change would copy them all.
        let (index, locations, setAside) = try { () throws -> ([UInt8]?, [UUID: SnapshotLines.Location], [SetAsideLine]) in
            let contents = try writeTemporarySnapshot(of: book, history: start.history, progress: progress)
            // Encoded now from the new file's size and time, which its renaming keeps; written after the swap.
            let signature = disk.signature(temporary) ?? []
            let index = signature.count == 4 ? self.index(of: contents, snapshotSize: signature[1], snapshotModified: Array(signature.suffix(2))) : []
            return (index, contents.locations, contents.setAside)
        }()
        var swapped = false
        defer {
            // The index (tens of megabytes at 100 000 cases) is written after the swap, outside
            // the commit lock: others commit meanwhile. Still under the compaction lock.
            if swapped {
                writeIndex(index)
                pruneBackups()
            }
        }
        prepareOthersCases()
        try underLock {
            try catchUp()
            disk.remove(journalTemporary)
            // Someone put other files in place meanwhile (a demonstration office restored).
            guard loadedSnapshotInode == start.snapshotInode, journalFDInode == start.journalInode,
                  journalLength >= start.journalOffset, book.seq >= start.seq else {
                disk.remove(temporary)
                return
            }
            let after: [UInt8]
            do {
                after = try readJournal(from: start.journalOffset, count: journalLength - start.journalOffset)
                let fd = try disk.open(journalTemporary, .create, name: Files.journal + ".tmp")
                defer { disk.close(fd) }
                if !after.isEmpty { try disk.write(fd, after, name: Files.journal + ".tmp") }
                try disk.sync(fd, name: Files.journal + ".tmp")
            } catch {
                disk.remove(journalTemporary)
                disk.remove(temporary)
                throw error
            }
            do {
                if !start.encrypting { try keepBackup(of: snapshotPath, prune: false) }
                try disk.rename(temporary, to: snapshotPath, name: Files.snapshot)
            } catch {
                disk.remove(temporary)
                disk.remove(journalTemporary)
                throw error
            }
            // From here a failure leaves this session on files it no longer reads: its next
            // commit or refresh notices the new snapshot and follows it.
            do {
                try disk.syncDirectory(directory.path, name: directory.path)
                try disk.rename(journalTemporary, to: journalPath, name: Files.journal)
            } catch {
                disk.remove(journalTemporary)
                throw error
            }
            try disk.syncDirectory(directory.path, name: directory.path)
            let snapshotFD = try disk.open(snapshotPath, .read, name: Files.snapshot)
            let reopened = try disk.open(journalPath, .append, name: Files.journal)
            disk.close(journalFD)
            journalFD = reopened
            // The cases changed since S are kept in memory; the others are read from the new snapshot.
            book.rebase(on: SnapshotLines(disk: disk, fd: snapshotFD, name: Files.snapshot,
                                          sealing: sealing.bound(to: Files.snapshot), locations: locations),
                        setAside: setAside, keepingChangesSince: start.changedVersions)
            snapshotSeq = start.seq
            recordedHistoryHead = start.history
            loadedSnapshotInode = disk.inode(snapshotFD)
            loadedSnapshot = disk.signature(snapshotPath)
            loadedJournal = disk.signature(journalPath)
            journalLength = after.count
            journalLines = after.reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }
            journalCut = nil
            sinceSnapshot = sinceSnapshot.filter { $0.seq > start.seq }
            swapped = true
            if sealing.isEncrypted { try removePlainBackups() }
        }
    }

    /// Whether the snapshot to write seals a snapshot in clear: its copies in backups/ would
    /// keep the names in clear.
    private var encrypting: Bool {
        sealing.isEncrypted && book.snapshot.map { !$0.sealing.isEncrypted } ?? false
    }

    /// Under the commit lock, before the journal is folded: the journal's changes leave it only
    /// once the history holds them, durably. Returns the history's head, for the snapshot.
    /// `completedUpTo`: the changes up to this sequence number were completed already
    /// (`completeHistoryAhead`).
    private func historyBeforeCompacting(completedUpTo: Int = 0) throws -> HistoryHead {
        // A writer killed between its journal's fsync and its history's write left changes
        // only the journal holds.
        let toComplete = readOthers ? sinceSnapshot.filter { $0.seq > completedUpTo } : []
        if !toComplete.isEmpty || !unrecorded.isEmpty { try? completeHistory(toComplete) }
        if !unrecorded.isEmpty { throw StoreError.historyBehind }
        try history.sync()
        return try history.head()
    }

    /// Before a compaction takes the commit lock: the history completed with the changes read
    /// so far, and made durable, so that under the lock only what comes later is looked for
    /// (reading the history back to the snapshot's time takes tens of milliseconds). Each line
    /// read was read under the lock, after its writer had taken the history's lock
    /// (`HistoryFile.Turn`) or died. Returns the last sequence number completed (0 when
    /// nothing could be).
    private func completeHistoryAhead() -> Int {
        guard let last = sinceSnapshot.last?.seq else { return 0 }
        if readOthers || !unrecorded.isEmpty {
            guard (try? completeHistory(readOthers ? sinceSnapshot : [])) != nil else { return 0 }
        }
        guard (try? history.sync()) != nil else { return 0 }
        return last
    }

    /// `book` written as `snapshot.jsonl.tmp`, fsync'd; nothing left behind on failure.
    private func writeTemporarySnapshot(of book: CaseBook, history historyHead: HistoryHead,
                                        progress: (Int) -> Void) throws -> SnapshotFile.Contents {
        let temporary = file(Files.snapshot + ".tmp")
        disk.remove(temporary)
        let fd = try disk.open(temporary, .create, name: Files.snapshot + ".tmp")
        do {
            defer { disk.close(fd) }
            let contents = try SnapshotFile.write(book, to: fd, on: disk, name: Files.snapshot + ".tmp",
                                                  sealing: sealing.bound(to: Files.snapshot), history: historyHead,
                                                  progress: progress)
            try disk.sync(fd, name: Files.snapshot + ".tmp")
            return contents
        } catch let failure as SnapshotFile.Failure {
            disk.remove(temporary)
            throw failure.storeError(file: Files.snapshot, newestBackup: newestBackup())
        } catch {
            disk.remove(temporary)
            throw error
        }
    }

    /// Compacting under the commit lock, start to end: when no other session is open (the last
    /// one closing, a directory being sealed), the journal is then emptied in place.
    private func compactLocked(progress: (Int) -> Void = { _ in }) throws {
        // The snapshot is written from the book: every change in it, none waiting.
        try settleDeferred()
        let snapshotPath = file(Files.snapshot)
        if journalLines == 0 && disk.exists(snapshotPath) && !holdsPlainData { return }
        let historyHead = try historyBeforeCompacting()
        let encrypting = self.encrypting
        let temporary = file(Files.snapshot + ".tmp")
        let contents = try writeTemporarySnapshot(of: book, history: historyHead, progress: progress)
        do {
            if !encrypting { try keepBackup(of: snapshotPath) }
            try disk.rename(temporary, to: snapshotPath, name: Files.snapshot)
        } catch {
            // A whole snapshot left behind would hold space on a disk that may be full.
            disk.remove(temporary)
            throw error
        }
        try disk.syncDirectory(directory.path, name: directory.path)
        snapshotSeq = book.seq
        recordedHistoryHead = historyHead
        let snapshotFD = try disk.open(snapshotPath, .read, name: Files.snapshot)
        loadedSnapshotInode = disk.inode(snapshotFD)
        book.rebase(on: SnapshotLines(disk: disk, fd: snapshotFD, name: Files.snapshot, sealing: sealing.bound(to: Files.snapshot),
                                      locations: contents.locations), setAside: contents.setAside)
        try cutJournal(to: 0)
        journalLength = 0
        journalLines = 0
        journalCut = nil
        sinceSnapshot = []
        try disk.sync(journalFD, name: Files.journal)
        if sealing.isEncrypted { try removePlainBackups() }
        writeIndex(contents, snapshotSize: try disk.size(snapshotFD, name: Files.snapshot))
    }

    /// Seals everything this directory holds with `sealing` (its key file is already written):
    /// a new snapshot with every line sealed, the journal emptied, the plain backups removed,
    /// the index sealed; then the directory synced, so that no power cut can bring back a file
    /// in clear (a rename or a removal not yet durable). Throws `encryptionUnfinished` when a
    /// file still holds lines in clear (one that could not be removed).
    /// Run again on a sealed directory, it only makes that durable.
    /// `progress` is told how far the history is verified and sealed (`HistoryFile.verifyStep`,
    /// `resealStep`) and the snapshot sealed (`Encryption.casesStep`).
    func seal(with sealing: LineSealing, progress: ProgressStep.Report = { _, _ in }) throws {
        if let readOnlyReason { throw readOnlyReason }
        let encrypting = !self.sealing.isEncrypted
        if encrypting {
            // Sealing a damaged history again would hide the damage.
            let verification = try history.verify(expected: recordedHistoryHead) { progress(HistoryFile.verifyStep($1), $0) }
            if let problem = verification.problem { throw problem }
        }
        self.sealing = sealing
        if history.startsInClear() {
            try history.reseal { progress(HistoryFile.resealStep($1), $0) }
        }
        if encrypting || holdsPlainData {
            let lines = Encryption.casesStep(book.count + book.setAside.count)
            // No other session is open (`retour init --encrypt` refuses then): compacted under the lock.
            try underLock {
                try catchUp()
                try compactLocked { progress(lines, $0) }
            }
        }
        try Store.syncEntries(in: directory, on: disk)
        let left = plainFiles()
        if !left.isEmpty { throw StoreError.encryptionUnfinished(files: left) }
    }

    /// Makes durable the renames and removals made in `directory` and its `backups/`: those of
    /// a sealing, or of one whose last sync failed, before the directory is said sealed.
    static func syncEntries(in directory: URL, on disk: FileSystem) throws {
        try disk.syncDirectory(directory.path, name: directory.path)
        let backups = directory.appendingPathComponent(Files.backups).path
        if disk.isDirectory(backups) { try disk.syncDirectory(backups, name: Files.backups) }
    }

    /// The files of this directory whose lines can be read without the data key.
    func plainFiles() -> [String] {
        Store.plainFiles(in: directory, on: disk)
    }

    /// The files of a data directory whose lines can be read without the data key, named by
    /// their place in it. In an encrypted directory: what was written before it was encrypted,
    /// or what a crash while encrypting left (temp files included). Told without the key: the
    /// header of a snapshot or an index says whether its lines are sealed, and a journal line in
    /// clear is JSON while a sealed one is base64 (`SealedLines.isClear`).
    static func plainFiles(in directory: URL, on disk: FileSystem) -> [String] {
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        var found: [String] = []
        for name in [Files.snapshot, Files.snapshot + ".tmp", Files.index, Files.index + ".tmp"]
        where headerInClear(path(name), on: disk) {
            found.append(name)
        }
        if HistoryFile(directory: directory, disk: disk, sealing: PlainLines()).startsInClear() {
            found.append(HistoryFile.fileName)
        }
        for name in [Files.journal, Files.journal + ".tmp"] {
            guard let fd = try? disk.open(path(name), .read, name: name) else { continue }
            defer { disk.close(fd) }
            let bytes = (try? disk.readAll(fd, name: name)) ?? []
            if Lines(bytes).contains(where: { SealedLines.isClear(bytes[$0.range]) }) { found.append(name) }
        }
        for backup in backups(among: disk.contents(of: path(Files.backups)))
        where headerInClear(path(Files.backups + "/" + backup), on: disk) {
            found.append(Files.backups + "/" + backup)
        }
        return found
    }

    /// Whether the file at `path` has a whole first line that does not say its lines are sealed.
    /// A file cut inside its first line holds no case (nor anything else but part of a header).
    private static func headerInClear(_ path: String, on disk: FileSystem) -> Bool {
        guard let fd = try? disk.open(path, .read, name: Files.snapshot) else { return false }
        defer { disk.close(fd) }
        guard let head = try? disk.read(fd, at: 0, count: 1 << 16, name: Files.snapshot),
              let end = head.firstIndex(of: 0x0A) else { return false }
        let header = try? LineDecoder().decode(SealedHeader.self, from: Data(head[..<end]))
        return header?.sealed != true
    }

    /// What the header of a snapshot and the header of an index both say of their lines.
    private struct SealedHeader: Decodable {
        var sealed: Bool?
    }

    /// Removes the backups made before the directory was encrypted. Also run after a crash
    /// in the middle of encrypting: the snapshot is sealed by then, the backups may not be.
    private func removePlainBackups() throws {
        let names = plainFiles().filter { $0.hasPrefix(Files.backups + "/") }
        guard !names.isEmpty else { return }
        for name in names { disk.remove(file(name)) }
        try disk.syncDirectory(file(Files.backups), name: Files.backups)
    }

    /// Writes the index of the snapshot just read or written. The index is a cache: when it
    /// cannot be written the next opening reads the whole snapshot instead, so a failure here
    /// is not worth refusing anything for.
    private func writeIndex(_ contents: SnapshotFile.Contents, snapshotSize: Int) {
        writeIndex(index(of: contents, snapshotSize: snapshotSize, snapshotModified: snapshotModified()))
    }

    /// The index of a snapshot, encoded: nil when none is kept (a read-only session, a snapshot
    /// of an older format); empty when it could not be encoded (the index there is then stale).
    private func index(of contents: SnapshotFile.Contents, snapshotSize: Int, snapshotModified: [Int]) -> [UInt8]? {
        guard !isReadOnly, contents.header.generation != nil else { return nil }
        let sealing: LineSealing = contents.header.isSealed ? self.sealing.bound(to: Files.index) : PlainLines()
        return (try? IndexFile.encode(contents, snapshotSize: snapshotSize, snapshotModified: snapshotModified,
                                      sealing: sealing)) ?? []
    }

    private func writeIndex(_ bytes: [UInt8]?) {
        guard let bytes else { return }
        let path = file(Files.index), temporary = file(Files.index + ".tmp")
        disk.remove(temporary)
        guard !bytes.isEmpty else {
            disk.remove(path)
            return
        }
        do {
            let fd = try disk.open(temporary, .create, name: Files.index)
            defer { disk.close(fd) }
            try disk.write(fd, bytes, name: Files.index)
            try disk.sync(fd, name: Files.index)
            try disk.rename(temporary, to: path, name: Files.index)
        } catch {
            disk.remove(temporary)
            disk.remove(path)
        }
    }

    /// Compacts (when this session may write) and releases the lock.
    /// `progress`: the snapshot's lines written while the journal is folded (`compact`), of
    /// `compactionLines`.
    /// Only the last writing session to close compacts: others may still be appending.
    public func close(progress: (Int) -> Void = { _ in }) throws {
        defer {
            if journalFD >= 0 { disk.close(journalFD) }
            journalFD = -1
            lock?.release()
            lock = nil
            historyFile = nil  // Its descriptors with it.
        }
        guard !isReadOnly && journalFD >= 0 else { return }
        do {
            try underLock {
                let alone = lock?.othersInside().isEmpty ?? true
                lock?.leave()
                guard alone else { return }
                try catchUp()
                try compactLocked(progress: progress)
            }
        } catch let error as FileError {
            // Every change is already in the journal: say so rather than "nothing was saved".
            throw StoreError.notCompacted(error)
        }
    }

    /// Empties a demonstration office (`retour demo --reset`) and releases the lock: its
    /// journal, snapshot, index, history and backups removed, the store unusable afterwards.
    /// Refused for a directory not marked as a demo (`CaseBook.demo`), and for a session that
    /// may not write (another one holds the lock).
    public func eraseDemo() throws {
        guard book.isDemo else { throw ChangeError.forbidden(.demoOnRealData) }
        if let readOnlyReason { throw readOnlyReason }
        if journalFD >= 0 { disk.close(journalFD) }
        journalFD = -1
        historyFile = nil
        for name in [Files.journal, Files.snapshot, Files.index, Files.snapshot + ".tmp", Files.index + ".tmp",
                     HistoryFile.fileName, HistoryFile.fileName + ".tmp"] {
            disk.remove(file(name))
        }
        let backups = file(Files.backups)
        if disk.isDirectory(backups) {
            for name in disk.contents(of: backups) { disk.remove(backups + "/" + name) }
        }
        // The guided tour's progress and the office as each lesson began.
        removeDemoCopies { _ in true }
        if !disk.isSymbolicLink(file(Store.tourFolder)) {
            disk.remove(file(Store.tourProgress))
            disk.removeEmptyDirectory(file(Store.tourFolder))
        }
        try disk.syncDirectory(directory.path, name: directory.path)
        readOnlyReason = .readOnlyDirectory
        lock?.release()
        lock = nil
    }

    /// The folder of a demonstration office's guided tour (`tour/`): its progress, and the
    /// office as it stood when each lesson began (`saveDemoCopy`), to start a lesson again.
    public static let tourFolder = "tour"

    /// Keeps the office's files as they stand now (snapshot, index, the journal up to what
    /// this session read) in `tour/NAME/`, each 0600, for `restoreDemoCopy`. Demonstration
    /// offices only; a name is letters, digits and dashes.
    public func saveDemoCopy(named name: String) throws {
        guard book.isDemo else { throw ChangeError.forbidden(.demoOnRealData) }
        if let readOnlyReason { throw readOnlyReason }
        guard Store.isCopyName(name) else { throw FileError(operation: .create, file: name, code: EINVAL) }
        try underLock {
            try catchUp()
            let folder = Store.tourFolder + "/" + name
            try disk.makeDirectory(file(Store.tourFolder), name: Store.tourFolder)
            try disk.makeDirectory(file(folder), name: folder)
            disk.remove(file(folder + "/" + Store.copyComplete))
            for entry in [Files.snapshot, Files.index, Files.journal] {
                let target = folder + "/" + entry
                disk.remove(file(target))
                guard disk.exists(file(entry)) else { continue }
                let source = try disk.open(file(entry), .read, name: entry)
                let bytes: [UInt8]
                do {
                    defer { disk.close(source) }
                    bytes = entry == Files.journal ? try disk.read(source, at: 0, count: journalLength, name: entry)
                                                   : try disk.readAll(source, name: entry)
                }
                try writeWhole(bytes, to: target)
            }
            // Last: the copy is whole.
            try writeWhole([], to: folder + "/" + Store.copyComplete)
            try disk.syncDirectory(file(folder), name: folder)
        }
    }

    /// The file that says a copy of `saveDemoCopy` is whole (written after the others).
    private static let copyComplete = "complete"

    /// Whether `tour/NAME/` holds a copy `saveDemoCopy` made.
    public func hasDemoCopy(named name: String) -> Bool {
        Store.isCopyName(name) && disk.exists(file(Store.tourFolder + "/" + name + "/" + Store.copyComplete))
            && !disk.isSymbolicLink(file(Store.tourFolder)) && !disk.isSymbolicLink(file(Store.tourFolder + "/" + name))
    }

    /// Puts the office back as `saveDemoCopy(named:)` kept it: each file replaced whole (a new
    /// file renamed over it), then read again as after another session's compaction (the
    /// screens hear of it through `takeOutsideChanges`). Demonstration offices only.
    public func restoreDemoCopy(named name: String) throws {
        guard book.isDemo else { throw ChangeError.forbidden(.demoOnRealData) }
        if let readOnlyReason { throw readOnlyReason }
        guard hasDemoCopy(named: name) else { throw FileError(operation: .open, file: name, code: ENOENT) }
        try underLock {
            let folder = Store.tourFolder + "/" + name
            for entry in [Files.snapshot, Files.index, Files.journal] {
                let kept = folder + "/" + entry
                guard disk.exists(file(kept)) else {
                    disk.remove(file(entry))
                    continue
                }
                let source = try disk.open(file(kept), .read, name: kept)
                let bytes: [UInt8]
                do {
                    defer { disk.close(source) }
                    bytes = try disk.readAll(source, name: kept)
                }
                try writeWhole(bytes, to: entry)
            }
            try disk.syncDirectory(directory.path, name: directory.path)
            try readAllAgain()
        }
    }

    /// Removes the copies `saveDemoCopy` made whose names `remove` picks.
    public func removeDemoCopies(where remove: (String) -> Bool) {
        let tour = file(Store.tourFolder)
        guard disk.isDirectory(tour), !disk.isSymbolicLink(tour) else { return }
        for name in disk.contents(of: tour) where Store.isCopyName(name) && remove(name) {
            let folder = tour + "/" + name
            guard !disk.isSymbolicLink(folder) else { continue }
            for entry in disk.contents(of: folder) { disk.remove(folder + "/" + entry) }
            disk.removeEmptyDirectory(folder)
        }
    }

    /// The tour's progress file, `tour/progress.json`.
    public static let tourProgress = tourFolder + "/progress.json"
    /// A progress file larger than this is not read (it holds a few lines).
    public static let tourProgressLimit = 64 << 10

    /// The guided tour's progress as last saved (`saveTourProgress`), nil when there is none,
    /// when it is larger than `tourProgressLimit`, or when it or its folder is a link (never
    /// followed) or not a regular file.
    public func readTourProgress() -> Data? {
        let path = file(Store.tourProgress)
        guard !disk.isSymbolicLink(file(Store.tourFolder)), !disk.isSymbolicLink(path), disk.exists(path),
              !disk.isDirectory(path), let fd = try? disk.open(path, .read, name: Store.tourProgress) else { return nil }
        defer { disk.close(fd) }
        guard let size = try? disk.size(fd, name: Store.tourProgress), size <= Store.tourProgressLimit,
              let bytes = try? disk.read(fd, at: 0, count: size, name: Store.tourProgress) else { return nil }
        return Data(bytes)
    }

    /// Keeps the guided tour's progress in `tour/progress.json` (0600, replaced whole).
    /// Demonstration offices only.
    public func saveTourProgress(_ data: Data) throws {
        guard book.isDemo else { throw ChangeError.forbidden(.demoOnRealData) }
        if let readOnlyReason { throw readOnlyReason }
        guard data.count <= Store.tourProgressLimit else { throw FileError(operation: .write, file: Store.tourProgress, code: EFBIG) }
        try disk.makeDirectory(file(Store.tourFolder), name: Store.tourFolder)
        try writeWhole([UInt8](data), to: Store.tourProgress)
        try disk.syncDirectory(file(Store.tourFolder), name: Store.tourFolder)
    }

    private static func isCopyName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 40 && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
    }

    /// `bytes` as the file `name` (relative to the directory): a new file written and synced,
    /// renamed over the old one.
    func writeWhole(_ bytes: [UInt8], to name: String) throws {
        let temporary = name + ".tour.tmp"
        disk.remove(file(temporary))
        let fd = try disk.open(file(temporary), .create, name: temporary)
        do {
            defer { disk.close(fd) }
            try disk.write(fd, bytes, name: temporary)
            try disk.sync(fd, name: temporary)
        } catch {
            disk.remove(file(temporary))
            throw error
        }
        try disk.rename(file(temporary), to: file(name), name: name)
    }

    /// For a read-only session: reads the files again when another session changed them, so
    /// that what it shows stays current. Returns whether anything was read.
    public func reloadIfChanged() throws -> Bool {
        guard isReadOnly else { return try refresh() }
        let snapshot = disk.signature(file(Files.snapshot)), journal = disk.signature(file(Files.journal))
        guard snapshot != loadedSnapshot || journal != loadedJournal else { return false }
        if snapshot == loadedSnapshot, let journal, appendedJournalLinesRead(journal) {
            loadedJournal = journal
        } else {
            _ = try load()
        }
        return true
    }

    /// When the writer only appended to the journal (it saved a change), replays the new lines
    /// alone: a reader of 100 000 cases keeps up with each save without opening everything
    /// again. False when anything else changed or went wrong: then everything is read again.
    private func appendedJournalLinesRead(_ journal: [Int]) -> Bool {
        guard journal.first == loadedJournal?.first, journal[1] > journalLength else { return false }
        do {
            let fd = try disk.open(file(Files.journal), .read, name: Files.journal)
            defer { disk.close(fd) }
            let bytes = try disk.read(fd, at: journalLength, count: journal[1] - journalLength, name: Files.journal)
            let replay = try JournalFile.replay(bytes, onto: &book, sealing: sealing.bound(to: Files.journal))
            journalLength += replay.goodLength
            journalLines += replay.lines
            return true
        } catch {
            return false
        }
    }

    /// The newest snapshot backup, relative to the data directory.
    public func newestBackup() -> String? {
        backups().last.map { "\(Files.backups)/\($0)" }
    }

    /// Names of the snapshot backups, oldest first.
    func backups() -> [String] {
        Store.backups(among: disk.contents(of: file(Files.backups)))
    }

    static func backups(in directory: URL) -> [String] {
        guard let disk = try? Disk(dataDirectory: directory.path) else { return [] }
        return backups(among: disk.contents(of: disk.path(of: Files.backups)))
    }

    private static func backups(among names: [String]) -> [String] {
        names.filter { $0.hasPrefix("snapshot-") && $0.hasSuffix(".jsonl") }.sorted()
    }

    func file(_ name: String) -> String {
        directoryPath + "/" + name
    }

    // MARK: Loading

    /// Reads the snapshot then the journal. A reader racing a writer's compaction may see a
    /// new snapshot with an old journal or the reverse; it then simply reads again.
    /// Returns the journal's changes applied after the snapshot.
    @discardableResult
    private func load() throws -> [JournalEntry] {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try loadOnce()
            } catch let error as RaceDetected {
                if attempt >= 5 { throw error.underlying }
            }
        }
    }

    private struct RaceDetected: Error { let underlying: Error }

    private func loadOnce() throws -> [JournalEntry] {
        loadedSnapshot = disk.signature(file(Files.snapshot))
        loadedJournal = disk.signature(file(Files.journal))
        let snapshotPath = file(Files.snapshot)
        var snapshotInode: Int?
        if disk.exists(snapshotPath) {
            let fd = try disk.open(snapshotPath, .read, name: Files.snapshot)
            var kept = false
            defer { if !kept { disk.close(fd) } }
            snapshotInode = disk.inode(fd)
            let size = try disk.size(fd, name: Files.snapshot)
            let contents: SnapshotFile.Contents
            let lineSealing: LineSealing
            let users: Users
            do {
                let (header, _) = try SnapshotFile.readHeader(fd, size: size, on: disk, name: Files.snapshot)
                if header.isSealed && !sealing.isEncrypted { throw StoreError.keyMissing(file: Files.key) }
                // A plain snapshot in an encrypted directory was written before it was encrypted.
                lineSealing = header.isSealed ? sealing.bound(to: Files.snapshot) : PlainLines()
                if let indexed = try readIndex(header, snapshot: fd, size: size,
                                               sealing: header.isSealed ? sealing.bound(to: Files.index) : PlainLines()) {
                    contents = indexed
                } else {
                    contents = try SnapshotFile.read(try disk.readAll(fd, name: Files.snapshot), sealing: lineSealing)
                    writeIndex(contents, snapshotSize: size)
                }
                users = try SnapshotFile.users(of: contents.header, sealing: lineSealing)
            } catch let failure as SnapshotFile.Failure {
                throw failure.storeError(file: Files.snapshot, newestBackup: newestBackup())
            }
            let lines = SnapshotLines(disk: disk, fd: fd, name: Files.snapshot, sealing: lineSealing, locations: contents.locations)
            kept = true
            book = CaseBook(digests: contents.digests, snapshot: lines, setAside: contents.setAside, seq: contents.header.seq,
                            users: users, demo: contents.header.demo, site: contents.header.site)
            book.enrolmentRules = enrolmentRules
            recordedHistoryHead = contents.header.history
        } else {
            book = CaseBook()
            book.enrolmentRules = enrolmentRules
            recordedHistoryHead = nil
        }
        snapshotSeq = book.seq
        loadedSnapshotInode = snapshotInode
        let journalPath = file(Files.journal)
        loadedJournalInode = nil
        guard disk.exists(journalPath) else { return [] }
        let fd = try disk.open(journalPath, .read, name: Files.journal)
        let bytes: [UInt8]
        do {
            defer { disk.close(fd) }
            loadedJournalInode = disk.inode(fd)
            bytes = try disk.readAll(fd, name: Files.journal)
        }
        let replay: JournalFile.Replay
        do {
            replay = try JournalFile.replay(bytes, onto: &book, sealing: sealing.bound(to: Files.journal))
        } catch let failure as SnapshotFile.Failure {
            let error = failure.storeError(file: Files.journal, newestBackup: newestBackup())
            // A gap right after a snapshot may be a writer compacting under our feet.
            if snapshotInode != currentInode(snapshotPath) || failure.isSequenceGap { throw RaceDetected(underlying: error) }
            throw error
        }
        loadedSnapshotInode = snapshotInode
        if snapshotInode != currentInode(snapshotPath) {
            throw RaceDetected(underlying: StoreError.unreadable(file: Files.snapshot, line: 1, reason: "error.parse.changing", detail: "", newestBackup: nil))
        }
        journalLines = replay.lines
        journalLength = replay.goodLength
        droppedTornBytes = bytes.count - replay.goodLength
        if droppedTornBytes > 0 && !isReadOnly && exclusive {
            // The incomplete line was never confirmed to anyone: drop it for good.
            let fd = try disk.open(journalPath, .write, name: Files.journal)
            defer { disk.close(fd) }
            try disk.truncate(fd, to: replay.goodLength, name: Files.journal)
            try disk.sync(fd, name: Files.journal)
        }
        return replay.applied
    }

    /// The snapshot's header (nil when it is missing or unreadable: reading it later says why).
    private func snapshotHeader() -> SnapshotFile.Header? {
        header(of: file(Files.snapshot))
    }

    private func header(of path: String) -> SnapshotFile.Header? {
        guard let fd = try? disk.open(path, .read, name: Files.snapshot) else { return nil }
        defer { disk.close(fd) }
        guard let size = try? disk.size(fd, name: Files.snapshot),
              let (header, _) = try? SnapshotFile.readHeader(fd, size: size, on: disk, name: Files.snapshot) else { return nil }
        return header
    }

    /// The snapshot's contents from the index, when the index belongs to this snapshot.
    private func readIndex(_ header: SnapshotFile.Header, snapshot fd: Int32, size: Int,
                           sealing: LineSealing) throws -> SnapshotFile.Contents? {
        let indexPath = file(Files.index)
        guard disk.exists(indexPath), header.generation != nil else { return nil }
        guard let indexFD = try? disk.open(indexPath, .read, name: Files.index) else { return nil }
        defer { disk.close(indexFD) }
        guard let bytes = try? disk.readAll(indexFD, name: Files.index) else { return nil }
        return IndexFile.decode(bytes, snapshot: header, snapshotSize: size, snapshotModified: snapshotModified(),
                                sealing: sealing)
    }

    /// When the snapshot was last written (seconds and nanoseconds).
    private func snapshotModified() -> [Int] {
        Array(disk.signature(file(Files.snapshot))?.suffix(2) ?? [])
    }

    private func currentInode(_ path: String) -> Int? {
        disk.signature(path)?.first
    }

    private func keepBackup(of snapshotPath: String, prune: Bool = true) throws {
        guard disk.exists(snapshotPath) else { return }
        let backupsPath = file(Files.backups)
        try disk.makeDirectory(backupsPath, name: Files.backups)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        // Named by the sequence number first: a clock set back must not make the newest backup
        // sort first and be pruned.
        let name = "snapshot-\(String(format: "%09d", snapshotSeq))-\(formatter.string(from: Date())).jsonl"
        let target = backupsPath + "/" + name
        disk.remove(target)
        // A hard link costs nothing; file systems without links (FAT, exFAT sticks) get a copy.
        if !disk.link(snapshotPath, to: target) {
            try copyFile(snapshotPath, to: target, name: Files.backups + "/" + name)
        }
        if prune { pruneBackups() }
        try disk.syncDirectory(backupsPath, name: Files.backups)
    }

    /// Removes the backups beyond the newest `backupsKept` (freeing a large file takes a while:
    /// beside other sessions, done after the commit lock is released). Made durable by the
    /// next backup's sync.
    private func pruneBackups() {
        for old in backups().dropLast(Store.backupsKept) {
            disk.remove(file(Files.backups) + "/" + old)
        }
    }

    private func copyFile(_ source: String, to target: String, name: String) throws {
        let input = try disk.open(source, .read, name: Files.snapshot)
        let bytes: [UInt8]
        do {
            defer { disk.close(input) }
            bytes = try disk.readAll(input, name: Files.snapshot)
        }
        let output = try disk.open(target, .create, name: name)
        defer { disk.close(output) }
        do {
            try disk.write(output, bytes, name: name)
            try disk.sync(output, name: name)
        } catch {
            disk.remove(target)
            throw error
        }
    }

    /// How every line of Retour's files is written.
    static let encoder = LineEncoder()

}
