#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// `history.jsonl`: every committed change, sign-in, failed sign-in, lockout, unlock, case
/// viewed, export and report, one entry per line, in the order they were appended, never
/// rewritten. Each entry holds the link of the one before (`HistoryChain`), so that an edited,
/// removed or moved entry shows; a head written down elsewhere (`HistoryHead`) also shows a
/// tail cut or a history rewritten whole.
///
///     {"at":"2016-04-07T03:33:20Z","by":"awa","event":{"kind":"signIn","login":"awa"},"position":1,"previous":""}
///     {"at":"2016-04-07T03:34:02Z","by":"awa","event":{"caseNumber":"GAO-000001","kind":"view"},"position":2,"previous":"5be1…"}
///
/// In an encrypted directory each line is sealed (`LineSealing`, bound to this file's name)
/// and the links are HMACs under the chain key.
///
/// Several processes may append at once: each append takes an exclusive lock of the file,
/// reads the head from its end, and writes its entries with one write and one fsync. Nothing
/// reads the whole file into memory: `head()` and `recent(since:)` read backward from the end,
/// `forEach` and `verify` forward in chunks, and every line is bounded by `lineLimit`.
///
///     let history = HistoryFile(directory: store.directory, disk: disk, sealing: sealing)
///     try history.append([(by: "awa", at: Date(), event: .signIn(login: "awa"))])
///     let failures = try history.recent(since: Date() - 900).filter { $0.event == .signInFailed(login: "awa") }
///     let report = try history.verify(expected: header.history)   // report.problem?.message
public final class HistoryFile {
    public static let fileName = "history.jsonl"
    /// No entry is this long (a change's texts are bounded far below it); a longer line is
    /// damage, refused before it is allocated whole.
    public static let defaultLineLimit = 4 << 20

    public let path: String
    let disk: FileSystem
    let sealing: LineSealing
    let chain: HistoryChain
    /// The longest stored line, newline excluded.
    let lineLimit: Int
    /// Bytes per read: forward (`forEach`, `verify`) and backward (`head`, `recent`).
    let forwardChunk: Int
    let backwardChunk: Int
    /// Whether this file's name was made durable by this instance (`append`).
    private var directorySynced = false
    /// The descriptors appends write and read through, kept between appends (a save appends at
    /// every commit, under the commit lock); opened again when the path names another file.
    private var appendFiles: (output: Int32, input: Int32)?
    /// What this instance's last append left: the file (inode) and its length then, and its
    /// head. The next append goes on from that head, unread, when the file is still so long.
    private var lastAppend: (inode: Int, size: Int, head: HistoryHead)?
    private let directory: URL

    /// `sealing` is the directory's (`Store.sealing`): this file binds it to its own name.
    public convenience init(directory: URL, disk: FileSystem, sealing: LineSealing) {
        self.init(directory: directory, disk: disk, sealing: sealing, lineLimit: HistoryFile.defaultLineLimit)
    }

    /// Smaller limits and chunks are for tests (chunk edges, long lines).
    init(directory: URL, disk: FileSystem, sealing: LineSealing, lineLimit: Int,
         forwardChunk: Int = 4 << 20, backwardChunk: Int = 64 << 10) {
        self.directory = directory
        path = directory.appendingPathComponent(HistoryFile.fileName).path
        self.disk = disk
        self.sealing = sealing.bound(to: HistoryFile.fileName)
        chain = HistoryChain(key: sealing.chainKey)
        self.lineLimit = lineLimit
        self.forwardChunk = max(1, forwardChunk)
        self.backwardChunk = max(1, backwardChunk)
    }

    private var name: String { HistoryFile.fileName }

    // MARK: Appending

    /// Appends `events` after the last entry, in order, under the file's exclusive lock, with
    /// one write and (when `durable`) one fsync; returns the new head. A torn last line (a crash
    /// mid-append: bytes after the last newline) is cut first: what it held was never
    /// acknowledged. Refuses to go on from a last entry it cannot read (the chain could not
    /// continue). On failure nothing new stays in the file.
    ///
    /// `durable: false` leaves the fsync to a later `sync()` (or another durable append): for
    /// entries that are also durable elsewhere (changes, in the journal) until then.
    /// `turn`: the lock taken already (`takeTurn`), let go once the entries are written.
    @discardableResult
    public func append(_ events: [(by: String, at: Date, event: HistoryEvent)], durable: Bool = true,
                       in turn: Turn? = nil) throws -> HistoryHead {
        let turn = try turn ?? takeTurn()
        defer { disk.unlock(turn.output) }
        return try write(events, durable: durable, in: turn)
    }

    /// Appends one event, durably.
    @discardableResult
    public func append(_ event: HistoryEvent, by: String, at time: Date = Date()) throws -> HistoryHead {
        try append([(by: by, at: time, event: event)])
    }

    /// The file's exclusive lock, held from now until an `append` in it: a save takes it before
    /// letting the commit lock go, so that changes reach the history in the journal's order, and
    /// so that whoever reads the history under the commit lock to complete it waits for them.
    public struct Turn {
        fileprivate let output: Int32
        fileprivate let input: Int32
        fileprivate let inode: Int
        /// The file's length when the lock was taken: nobody appends while it is held.
        fileprivate let size: Int
    }

    /// Takes the file's exclusive lock (`Turn`).
    public func takeTurn() throws -> Turn {
        // A file renamed over this one meanwhile (re-sealed when the directory is encrypted)
        // would take the entries to an unnamed inode: lock, check it is still the file, retry.
        for _ in 0..<8 {
            guard let (output, input) = try openForAppending() else { continue }
            try disk.lockExclusively(output, name: name)
            if let locked = disk.inode(output), let signature = disk.signature(path), signature[0] == locked {
                return Turn(output: output, input: input, inode: locked, size: signature[1])
            }
            disk.unlock(output)
            closeAppendFiles()
        }
        throw FileError(operation: .lock, file: name, code: EAGAIN)
    }

    /// Lets the lock go with nothing appended.
    public func giveBack(_ turn: Turn) {
        disk.unlock(turn.output)
    }

    /// Makes every entry appended so far durable, the file's name included (nothing to do when
    /// there is no file).
    public func sync() throws {
        guard let input = try openForReading() else { return }
        defer { disk.close(input) }
        try disk.sync(input, name: name)
        try disk.syncDirectory(directory.path, name: directory.path)
        directorySynced = true
    }

    private func write(_ events: [(by: String, at: Date, event: HistoryEvent)], durable: Bool, in turn: Turn) throws -> HistoryHead {
        let (output, input, size) = (turn.output, turn.input, turn.size)
        let start: Int
        var head = HistoryHead.empty
        if let last = lastAppend, last.inode == turn.inode, last.size == size {
            // Nobody appended since this instance did.
            start = size
            head = last.head
        } else {
            // Its last line alone is read, a few kilobytes rather than 64.
            var lines = try BackwardLines(self, input, firstChunk: 4 << 10)
            start = lines.dataEnd
            if let last = try lines.next() {
                guard let tail = try? opened(last), let position = HistoryLine.tail(tail[...])?.position else {
                    throw HistoryError.unreadable(position: nil)
                }
                head = HistoryHead(count: position, link: String(decoding: chain.link(last), as: UTF8.self))
            }
        }
        lastAppend = nil

        var bytes: [UInt8] = []
        for event in events {
            let entry = HistoryEntry(position: head.count + 1, at: HistoryEntry.wholeSeconds(event.at), by: event.by,
                                     event: event.event.inWholeSeconds, previous: head.link)
            let json = try Store.encoder.bytes(entry)
            // Why: `verify` and `head` read only the end of a line; a line they could not read
            // so must never be written.
            guard let tail = HistoryLine.tail(json[...]), tail.position == entry.position,
                  json[tail.previous].elementsEqual(entry.previous.utf8) else {
                throw HistoryError.unreadable(position: entry.position)
            }
            let stored = try sealing.seal(json)
            guard stored.count <= lineLimit else { throw HistoryError.entryTooLong(limit: lineLimit) }
            head = HistoryHead(count: entry.position, link: String(decoding: chain.link(stored[...]), as: UTF8.self))
            bytes += stored
            bytes.append(0x0A)
        }
        guard !bytes.isEmpty else { return head }

        if start < size { try disk.truncate(output, to: start, name: name) }
        do {
            try disk.write(output, bytes, name: name)
            if durable {
                try disk.sync(output, name: name)
                // A new file's name must be durable too: synced when the file was empty, and
                // once per instance (an earlier append may have crashed before doing it).
                if !directorySynced || start == 0 {
                    try disk.syncDirectory(directory.path, name: directory.path)
                    directorySynced = true
                }
            }
        } catch {
            // Take back what reached the file, so that no entry stays that was not acknowledged.
            // Should that fail too, the next append cuts a torn line (but not whole ones).
            try? disk.truncate(output, to: start, name: name)
            throw error
        }
        lastAppend = (turn.inode, start + bytes.count, head)
        return head
    }

    /// The history's two descriptors, opened once; nil when the file was replaced between
    /// their openings (to try again).
    private func openForAppending() throws -> (output: Int32, input: Int32)? {
        if let files = appendFiles { return files }
        let output = try disk.open(path, .append, name: name)
        // The append descriptor is write-only on the real disk: reads need their own.
        let input: Int32
        do { input = try disk.open(path, .read, name: name) } catch {
            disk.close(output)
            throw error
        }
        guard let inode = disk.inode(output), disk.inode(input) == inode else {
            disk.close(output)
            disk.close(input)
            return nil
        }
        appendFiles = (output, input)
        return (output, input)
    }

    private func closeAppendFiles() {
        guard let files = appendFiles else { return }
        disk.close(files.output)
        disk.close(files.input)
        appendFiles = nil
        lastAppend = nil
    }

    deinit { closeAppendFiles() }

    // MARK: Progress

    /// The step of verifying the chain (`verify`), `bytes` in all.
    public static func verifyStep(_ bytes: Int) -> ProgressStep {
        ProgressStep(task: "progress.task.history", unit: .bytes, total: bytes)
    }

    /// The step of sealing it again (`reseal`), `bytes` in all.
    public static func resealStep(_ bytes: Int) -> ProgressStep {
        ProgressStep(task: "progress.task.encryptHistory", unit: .bytes, total: bytes)
    }

    // MARK: Sealing again

    /// Rewrites the history sealed as this file now is (a directory being encrypted): each
    /// entry in clear is taken as it is, sealed, and chained again under the chain key, into
    /// `history.jsonl.tmp`, fsync'd and renamed over the file, under its lock, so no append is
    /// lost (an appender that opened the old file notices the new one and appends there).
    /// Positions, times, people and events stay; only the links change. The caller has
    /// verified the old chain: resealing a damaged history would hide the damage.
    /// `progress(done, total)`: bytes of the old file read, told once per chunk read.
    public func reseal(progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }) throws {
        let output = try disk.open(path, .append, name: name)
        defer { disk.close(output) }
        try disk.lockExclusively(output, name: name)
        defer { disk.unlock(output) }
        let input = try disk.open(path, .read, name: name)
        defer { disk.close(input) }
        let size = try disk.size(input, name: name)
        let temporaryName = HistoryFile.fileName + ".tmp"
        let temporary = directory.appendingPathComponent(temporaryName).path
        disk.remove(temporary)
        let fd = try disk.open(temporary, .create, name: temporaryName)
        do {
            defer { disk.close(fd) }
            var lines = ForwardLines(self, input)
            var link: [UInt8] = []
            var bytes: [UInt8] = []
            let decoder = LineDecoder()
            var told = 0
            progress(0, size)
            while let (number, line) = try lines.next() {
                if lines.offset != told {
                    told = lines.offset
                    progress(min(told, size), size)
                }
                let plain = SealedLines.isClear(line) ? Array(line) : try opened(line)
                guard var entry = try? decoder.decode(HistoryEntry.self, from: Data(plain)), entry.position == number else {
                    throw HistoryError.unreadable(position: number)
                }
                entry.previous = String(decoding: link, as: UTF8.self)
                let stored = try sealing.seal(Store.encoder.bytes(entry))
                link = chain.link(stored[...])
                bytes += stored
                bytes.append(0x0A)
                if bytes.count >= forwardChunk {
                    try disk.write(fd, bytes, name: temporaryName)
                    bytes = []
                }
            }
            try disk.write(fd, bytes, name: temporaryName)
            try disk.sync(fd, name: temporaryName)
            try disk.rename(temporary, to: path, name: name)
            try disk.syncDirectory(directory.path, name: directory.path)
        } catch {
            disk.remove(temporary)
            throw error
        }
    }

    /// Whether the file starts in clear: written before the directory was encrypted (lines
    /// in clear come first; one in clear after sealed ones is damage, which `verify` names).
    public func startsInClear() -> Bool {
        guard let input = try? openForReading() else { return false }
        defer { disk.close(input) }
        var lines = ForwardLines(self, input)
        guard let (_, line) = (try? lines.next()) ?? nil else { return false }
        return SealedLines.isClear(line)
    }

    // MARK: Reading

    /// The head from the last complete line (count 0, link "" when the file is empty or missing).
    public func head() throws -> HistoryHead {
        guard let input = try openForReading() else { return .empty }
        defer { disk.close(input) }
        var lines = try BackwardLines(self, input)
        guard let last = try lines.next() else { return .empty }
        guard let plain = try? opened(last), let position = HistoryLine.tail(plain[...])?.position else {
            throw HistoryError.unreadable(position: nil)
        }
        return HistoryHead(count: position, link: String(decoding: chain.link(last), as: UTF8.self))
    }

    /// The entries at or after `since`, oldest first, read backward from the end and stopping at
    /// the first entry older than `since` (entries are appended in time order): what a lockout
    /// needs (the failed sign-ins of the last minutes) costs what those minutes hold.
    /// `kinds`: only entries of these kinds (`HistoryEvent.kind`); of the others only the time
    /// and the kind are read, not the whole change a busy hour holds thousands of.
    public func recent(since: Date, kinds: Set<String>? = nil) throws -> [HistoryEntry] {
        guard let input = try openForReading() else { return [] }
        defer { disk.close(input) }
        var lines = try BackwardLines(self, input)
        let decoder = LineDecoder()
        var found: [HistoryEntry] = []
        var lastRead: Int?
        while let line = try lines.next(position: lastRead.map { $0 - 1 }) {
            let expected = lastRead.map { $0 - 1 }
            let plain = Data(try opened(line))
            if let kinds {
                guard let head = try? decoder.decode(EntryHead.self, from: plain) else {
                    throw HistoryError.unreadable(position: expected)
                }
                if head.at < since { break }
                lastRead = head.position
                guard kinds.contains(head.event.kind) else { continue }
            }
            guard let entry = try? decoder.decode(HistoryEntry.self, from: plain) else {
                throw HistoryError.unreadable(position: expected)
            }
            if entry.at < since { break }
            lastRead = entry.position
            found.append(entry)
        }
        return found.reversed()
    }

    /// The sequence numbers of the changes the history holds, read backward from the end down
    /// to the first change numbered below `seq` and older than `time`: changes are appended in
    /// their order, but a save's time is taken before it waits for the commit lock, so times
    /// alone may go back a little. Of each entry only its position, time and kind are read.
    public func recordedChanges(downTo seq: Int, before time: Date) throws -> Set<Int> {
        guard let input = try openForReading() else { return [] }
        defer { disk.close(input) }
        var lines = try BackwardLines(self, input)
        let decoder = LineDecoder()
        var found = Set<Int>()
        var position: Int?
        while let line = try lines.next(position: position) {
            guard let head = try? decoder.decode(ChangeHead.self, from: Data(try opened(line))) else {
                throw HistoryError.unreadable(position: position)
            }
            position = head.position - 1
            guard let change = head.event.entry?.seq else { continue }
            if change < seq && head.at < time { break }
            found.insert(change)
        }
        return found
    }

    /// The changes after `seq`, oldest first, read backward from the end: what a sync sends when
    /// the server already holds most of the history. Nil when more than `limit` of them are
    /// found (read forward instead, with `changes()`). Entries a crash left to be recorded
    /// later (`Store.completeHistory`) may follow later ones: reading goes on `margin` lines
    /// past the first change at or before `seq`.
    public func changes(after seq: Int, limit: Int, margin: Int = 256) throws -> [JournalEntry]? {
        guard let input = try openForReading() else { return [] }
        defer { disk.close(input) }
        var lines = try BackwardLines(self, input)
        let decoder = LineDecoder()
        var found: [JournalEntry] = []
        var position: Int?
        var past: Int?
        while let line = try lines.next(position: position) {
            guard let entry = try? decoder.decode(HistoryEntry.self, from: Data(try opened(line))) else {
                throw HistoryError.unreadable(position: position)
            }
            position = entry.position - 1
            guard case .change(let change) = entry.event else { continue }
            if change.seq > seq {
                found.append(change)
                if found.count > limit { return nil }
            } else {
                past = (past ?? margin) - 1
                if past == 0 { break }
            }
        }
        return found.sorted { $0.seq < $1.seq }
    }

    /// What `recordedChanges` reads of an entry.
    private struct ChangeHead: Decodable {
        struct Event: Decodable {
            struct Entry: Decodable { let seq: Int }
            /// A change's journal entry (no other event has one).
            let entry: Entry?
        }
        let position: Int
        let at: Date
        let event: Event
    }

    /// What `recent(since:kinds:)` reads of an entry it may leave out.
    private struct EntryHead: Decodable {
        struct Event: Decodable { let kind: String }
        let position: Int
        let at: Date
        let event: Event
    }

    /// The latest entry that `matches`, read backward from the end: what a sign-in needs (the
    /// user's previous sign-in) costs the entries since then, not the whole history.
    public func latest(where matches: (HistoryEntry) -> Bool) throws -> HistoryEntry? {
        guard let input = try openForReading() else { return nil }
        defer { disk.close(input) }
        var lines = try BackwardLines(self, input)
        let decoder = LineDecoder()
        var position: Int?
        while let line = try lines.next(position: position) {
            guard let entry = try? decoder.decode(HistoryEntry.self, from: Data(try opened(line))) else {
                throw HistoryError.unreadable(position: position)
            }
            if matches(entry) { return entry }
            position = entry.position - 1
        }
        return nil
    }

    /// Every entry from the first, read forward in chunks and decoded one at a time, for the
    /// audit listing; `body` returns false to stop. Throws at the first line that does not
    /// decode (naming its position); `verify` says whether the chain holds.
    /// The changes of the history, oldest first, read as they are asked for: a reader that
    /// keeps its place (`retour sync` pushes a large history page by page in one pass).
    public final class Changes {
        private let file: HistoryFile
        private let input: Int32?
        private var lines: ForwardLines?
        private let decoder = LineDecoder()

        init(_ file: HistoryFile) throws {
            self.file = file
            input = try file.openForReading()
            lines = input.map { ForwardLines(file, $0) }
        }

        deinit { if let input { file.disk.close(input) } }

        public func next() throws -> JournalEntry? {
            while let (number, line) = try lines?.next() {
                guard let entry = try? decoder.decode(HistoryEntry.self, from: Data(try file.opened(line))) else {
                    throw HistoryError.unreadable(position: number)
                }
                if case .change(let change) = entry.event { return change }
            }
            return nil
        }
    }

    public func changes() throws -> Changes { try Changes(self) }

    public func forEach(_ body: (HistoryEntry) throws -> Bool) throws {
        guard let input = try openForReading() else { return }
        defer { disk.close(input) }
        let decoder = LineDecoder()
        var lines = ForwardLines(self, input)
        while let (number, line) = try lines.next() {
            guard let entry = try? decoder.decode(HistoryEntry.self, from: Data(try opened(line))) else {
                throw HistoryError.unreadable(position: number)
            }
            guard try body(entry) else { return }
        }
    }

    /// Checks the whole chain, reading the file forward in large chunks: each line's
    /// `previous` must be the link of the line before ("" for the first), and its `position`
    /// its line number. Entries are not decoded, only opened (when sealed) and their last bytes
    /// read. Given `expected` (a head written down before), the file must still hold that many
    /// entries, and the last of them must be the one recorded. Throws only when the file cannot
    /// be read at all (an I/O error); everything found in it is in the result.
    /// `progress(done, total)`: bytes read of the file's size, told once per chunk read.
    public func verify(expected: HistoryHead? = nil,
                       progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }) throws -> HistoryVerification {
        var result = HistoryVerification(head: .empty, problem: nil, tornBytes: 0)
        guard let input = try openForReading() else {
            if let expected, expected.count > 0 { result.problem = .cut(expected: expected.count, found: 0) }
            return result
        }
        defer { disk.close(input) }
        let size = try disk.size(input, name: name)
        var lines = ForwardLines(self, input)
        var link: [UInt8] = []
        let expectedLink = expected.map { Array($0.link.utf8) }
        var told = 0
        progress(0, size)
        do {
            while let (number, line) = try lines.next() {
                if lines.offset != told {
                    told = lines.offset
                    progress(min(told, size), size)
                }
                let previous = link
                link = chain.link(line)
                result.head.count = number
                guard result.problem == nil else { continue }
                result.problem = check(line, number: number, previous: previous)
                if result.problem == nil, let expected, let expectedLink, number == expected.count, link != expectedLink {
                    result.problem = .rewritten(position: number)
                }
            }
        } catch HistoryError.tooLong(let position?, let limit) {
            // Nothing after it can be framed: the count stops there.
            if result.problem == nil { result.problem = .tooLong(position: position, limit: limit) }
            result.head.count = position - 1
        }
        result.head.link = String(decoding: link, as: UTF8.self)
        result.tornBytes = lines.tornBytes
        if result.problem == nil, let expected, result.head.count < expected.count {
            result.problem = .cut(expected: expected.count, found: result.head.count)
        }
        return result
    }

    /// The first problem of line `number` given the link of the line before ("" for none).
    private func check(_ line: ArraySlice<UInt8>, number: Int, previous: [UInt8]) -> HistoryProblem? {
        if sealing.isEncrypted {
            if SealedLines.isClear(line) { return .inClear(position: number) }
            guard let plain = try? sealing.open(line) else { return .unreadable(position: number) }
            return check(tail: plain[...], number: number, previous: previous)
        }
        return check(tail: line, number: number, previous: previous)
    }

    private func check(tail line: ArraySlice<UInt8>, number: Int, previous: [UInt8]) -> HistoryProblem? {
        guard let tail = HistoryLine.tail(line) else { return .unreadable(position: number) }
        guard line[tail.previous].elementsEqual(previous), tail.position == number else { return .edited(position: number) }
        return nil
    }

    // MARK: Lines

    /// nil when the file does not exist (an empty history).
    private func openForReading() throws -> Int32? {
        do {
            return try disk.open(path, .read, name: name)
        } catch let error as FileError where error.code == ENOENT {
            return nil
        }
    }

    /// The JSON of a stored line.
    private func opened(_ stored: ArraySlice<UInt8>) throws -> [UInt8] {
        try sealing.open(stored)
    }

    /// Complete lines from the start, read `forwardChunk` bytes at a time; a line longer than
    /// `lineLimit` throws `HistoryError.tooLong` naming its number. Bytes after the last newline
    /// are not a line (`tornBytes`).
    struct ForwardLines {
        let disk: FileSystem
        let fd: Int32
        let name: String
        let limit: Int
        let chunk: Int
        /// Read from `offset` on, not yet returned: `buffer[start...]`.
        private var buffer: [UInt8] = []
        private var start = 0
        /// Bytes read so far.
        private(set) var offset = 0
        private var atEnd = false
        private var number = 0
        private(set) var tornBytes = 0

        init(_ file: HistoryFile, _ fd: Int32) {
            disk = file.disk
            self.fd = fd
            name = file.name
            limit = file.lineLimit
            chunk = file.forwardChunk
        }

        mutating func next() throws -> (number: Int, line: ArraySlice<UInt8>)? {
            while true {
                if let newline = HistoryFile.firstNewline(in: buffer, from: start) {
                    defer { start = newline + 1 }
                    number += 1
                    guard newline - start <= limit else { throw HistoryError.tooLong(position: number, limit: limit) }
                    return (number, buffer[start..<newline])
                }
                guard buffer.count - start <= limit else { throw HistoryError.tooLong(position: number + 1, limit: limit) }
                if atEnd {
                    tornBytes = buffer.count - start
                    return nil
                }
                let bytes = try disk.read(fd, at: offset, count: chunk, name: name)
                offset += bytes.count
                if bytes.isEmpty { atEnd = true }
                // Keep only what is not returned yet, then the new chunk.
                buffer.removeFirst(start)
                start = 0
                buffer += bytes
            }
        }
    }

    /// Complete lines from the end, read `backwardChunk` bytes at a time, holding at most one
    /// line (bounded by `lineLimit`) and one chunk. Bytes after the last newline are skipped (torn).
    struct BackwardLines {
        let disk: FileSystem
        let fd: Int32
        let name: String
        let limit: Int
        /// Bytes per read: `firstChunk` first (the head needs one line), then the file's.
        private var chunk: Int
        private let laterChunk: Int
        let size: Int
        /// Where the complete lines end: after the last newline (0 when there is none).
        private(set) var dataEnd = 0
        /// The file's bytes from `bufferStart` on (at least up to `end`).
        private var buffer: [UInt8] = []
        private var bufferStart: Int
        /// Where the next line returned ends (its newline excluded).
        private var end: Int
        private var done = false

        init(_ file: HistoryFile, _ fd: Int32, firstChunk: Int? = nil) throws {
            disk = file.disk
            self.fd = fd
            name = file.name
            limit = file.lineLimit
            laterChunk = file.backwardChunk
            chunk = min(firstChunk ?? laterChunk, laterChunk)
            size = try disk.size(fd, name: name)
            bufferStart = size
            end = size
            // The torn tail, if any, is at most one line long.
            if let newline = try findNewline(position: nil) {
                dataEnd = newline + 1
                end = newline
            } else {
                done = true
            }
        }

        /// The line before the last one returned; `position` names it in an error (nil: unknown).
        mutating func next(position: Int? = nil) throws -> ArraySlice<UInt8>? {
            guard !done else { return nil }
            let lineEnd = end
            let lineStart: Int
            if let newline = try findNewline(position: position) {
                lineStart = newline + 1
                end = newline
            } else {
                lineStart = 0
                done = true
            }
            return buffer[(lineStart - bufferStart)..<(lineEnd - bufferStart)]
        }

        /// The offset of the last newline before `end`, reading further back as needed; nil
        /// when the file starts before one. More than `limit` bytes without one is an error.
        private mutating func findNewline(position: Int?) throws -> Int? {
            var searched = end
            while true {
                if let index = HistoryFile.lastNewline(in: buffer, before: searched - bufferStart) {
                    let newline = bufferStart + index
                    guard end - newline - 1 <= limit else { throw HistoryError.tooLong(position: position, limit: limit) }
                    return newline
                }
                guard end - bufferStart <= limit else { throw HistoryError.tooLong(position: position, limit: limit) }
                guard bufferStart > 0 else { return nil }
                let from = max(0, bufferStart - chunk)
                let bytes = try disk.read(fd, at: from, count: bufferStart - from, name: name)
                // Shortened meanwhile (it never is, but a read must not be trusted past that).
                guard bytes.count == bufferStart - from else { throw HistoryError.unreadable(position: position) }
                // Lines already returned are dropped: the buffer stays within a line and a chunk.
                buffer = bytes + buffer[..<(end - bufferStart)]
                searched = bufferStart
                bufferStart = from
                chunk = laterChunk
            }
        }
    }

    /// `memchr` over the buffer: the chain is checked at the speed of the disk, not of a loop.
    static func firstNewline(in buffer: [UInt8], from start: Int) -> Int? {
        guard start < buffer.count else { return nil }
        return buffer.withUnsafeBytes { bytes -> Int? in
            guard let found = memchr(bytes.baseAddress! + start, 0x0A, bytes.count - start) else { return nil }
            return UnsafeRawPointer(found) - UnsafeRawPointer(bytes.baseAddress!)
        }
    }

    static func lastNewline(in buffer: [UInt8], before end: Int) -> Int? {
        guard end > 0 else { return nil }
        // No `memrchr` through Glibc; backward reads cover a few lines only.
        return buffer.withUnsafeBufferPointer { bytes -> Int? in
            var index = end - 1
            while index >= 0 {
                if bytes[index] == 0x0A { return index }
                index -= 1
            }
            return nil
        }
    }
}
