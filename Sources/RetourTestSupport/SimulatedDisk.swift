#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import RetourCore

/// An in-memory file system that keeps what a kernel and a disk keep, for tests that cut the
/// power at any point of a save or make an operation fail.
///
/// Each file has *durable* content (what a power cut leaves) and *visible* content (what
/// reads return: the durable content plus the writes and truncations not yet fsync'd).
/// Directory entries (a file created, renamed, linked or removed, a directory made) are
/// visible at once but durable only once their directory is synced with `syncDirectory`.
///
/// `crash(_:)` returns the disk a power cut leaves: the durable state, plus what the chosen
/// `Crash` keeps of what was not yet durable. `crashAt(_:)` stops the world after a number of
/// operations, as a power cut in the middle of a save would; `failAt(_:with:)` and
/// `fail(_:with:)` make operations throw as a full or failing disk does.
///
/// Only the mutating operations (see `Operation`) are counted: a test runs a save once to learn
/// how many it makes (`operationCount` before and after), then crashes or fails at each one.
public final class SimulatedDisk: FileSystem {
    /// The operations that change the disk: the points where a crash or a fault is injected.
    public enum Operation: String, CaseIterable, Sendable {
        case write, sync, truncate, rename, link, remove, syncDirectory
        /// Opening a file that does not exist yet (`.create`, or `.append` on a missing file),
        /// or making a directory.
        case create
    }

    /// What a power cut leaves of the file contents that were written but not yet fsync'd.
    public enum UnsyncedWrites: Equatable, Sendable, CustomStringConvertible {
        /// Nothing: every file holds what its last fsync made durable.
        case dropped
        /// All of it, as if the kernel had written everything back just before the cut.
        case kept
        /// All of it except the last write made, of which only the first bytes reached the disk.
        case tornLast(Tear)

        public var description: String {
            switch self {
            case .dropped: return "unsynced writes dropped"
            case .kept: return "unsynced writes kept"
            case .tornLast(let tear): return "last unsynced write torn (\(tear))"
            }
        }
    }

    /// How much of a torn write reached the disk.
    public enum Tear: String, CaseIterable, Sendable {
        case firstByte, half, allButLastByte

        func kept(of count: Int) -> Int {
            switch self {
            case .firstByte: return min(1, count)
            case .half: return count / 2
            case .allButLastByte: return max(0, count - 1)
            }
        }
    }

    /// What a power cut leaves of the directory entries not yet made durable by
    /// `syncDirectory`. File systems that journal their metadata write it in order, so what
    /// survives is the oldest `count` of them.
    public enum UnsyncedEntries: Equatable, Sendable, CustomStringConvertible {
        /// None: a rename not yet synced is undone, a new file not yet synced is gone.
        case undone
        /// All of them.
        case kept
        /// The oldest `count` of them.
        case oldest(Int)

        func count(of pending: Int) -> Int {
            switch self {
            case .undone: return 0
            case .kept: return pending
            case .oldest(let count): return min(max(0, count), pending)
            }
        }

        public var description: String {
            switch self {
            case .undone: return "unsynced entries undone"
            case .kept: return "unsynced entries kept"
            case .oldest(let count): return "oldest \(count) unsynced entries kept"
            }
        }
    }

    /// One way a power cut may leave the disk.
    public struct Crash: Equatable, Sendable, CustomStringConvertible {
        public var writes: UnsyncedWrites
        public var entries: UnsyncedEntries

        public init(writes: UnsyncedWrites, entries: UnsyncedEntries) {
            self.writes = writes
            self.entries = entries
        }

        public var description: String { "\(writes), \(entries)" }
    }

    /// The locks of a session on a simulated directory: the commit lock is a mutex of the disk
    /// (several `Store`s on one disk, on several threads, take turns), and presence a list of
    /// the sessions in. Nothing is written for them: a crash leaves no session in.
    public final class Lock: SessionLock {
        public let acquired = true
        public let holder: String? = nil
        private weak var disk: SimulatedDisk?
        private let token = UUID()
        private let user: String
        private var released = false

        init(disk: SimulatedDisk, user: String) {
            self.disk = disk
            self.user = user
            disk.sessionsMutex.lock()
            disk.sessions[token] = user
            disk.sessionsMutex.unlock()
        }

        public func lockCommit(whileWaiting: (() -> Void)?) throws {
            guard let disk, !disk.commitLock.try() else { return }
            whileWaiting?()
            disk.commitLock.lock()
        }
        public func tryLockShared() -> Bool { disk?.commitLock.try() ?? true }
        public func lockShared() throws { disk?.commitLock.lock() }
        public func unlockCommit() { disk?.commitLock.unlock() }
        public func tryLockCompaction() -> Bool {
            guard let disk else { return true }
            disk.sessionsMutex.lock()
            defer { disk.sessionsMutex.unlock() }
            guard disk.compacting == nil else { return false }
            disk.compacting = token
            return true
        }
        public func unlockCompaction() {
            guard let disk else { return }
            disk.sessionsMutex.lock()
            if disk.compacting == token { disk.compacting = nil }
            disk.sessionsMutex.unlock()
        }
        public func enter() {}
        public func othersInside() -> [String] {
            guard let disk else { return [] }
            disk.sessionsMutex.lock()
            defer { disk.sessionsMutex.unlock() }
            return disk.sessions.filter { $0.key != token }.map(\.value).sorted()
        }
        public func leave() {}
        public func rename(user: String) {
            guard let disk else { return }
            disk.sessionsMutex.lock()
            defer { disk.sessionsMutex.unlock() }
            if disk.sessions[token] != nil { disk.sessions[token] = user }
        }
        public func release() {
            guard !released, let disk else { return }
            released = true
            disk.sessionsMutex.lock()
            disk.sessions[token] = nil
            if disk.compacting == token { disk.compacting = nil }
            disk.sessionsMutex.unlock()
        }
        deinit { release() }
    }

    /// The commit lock of the simulated directory, and the writing sessions in it.
    fileprivate let commitLock = NSLock()
    fileprivate let sessionsMutex = NSLock()
    /// The session holding the compaction lock (guarded by `sessionsMutex`).
    fileprivate var compacting: UUID?
    fileprivate var sessions: [UUID: String] = [:]

    // MARK: State

    private enum Entry: Equatable {
        case file(Int)
        case directory
    }

    private enum DataChange {
        case write(offset: Int, bytes: [UInt8], order: Int)
        case truncate(Int)

        func apply(to bytes: inout [UInt8]) {
            switch self {
            case .write(let offset, let data, _):
                if bytes.count < offset { bytes += [UInt8](repeating: 0, count: offset - bytes.count) }
                let end = offset + data.count
                if bytes.count < end { bytes += [UInt8](repeating: 0, count: end - bytes.count) }
                bytes.replaceSubrange(offset..<end, with: data)
            case .truncate(let length):
                if bytes.count > length {
                    bytes.removeLast(bytes.count - length)
                } else {
                    bytes += [UInt8](repeating: 0, count: length - bytes.count)
                }
            }
        }
    }

    private struct Node {
        var durable: [UInt8] = []
        var visible: [UInt8] = []
        /// Writes and truncations since the last fsync, oldest first.
        var pending: [DataChange] = []
        /// Bumped at every change, as a modification time would be.
        var version = 0
    }

    /// A directory operation not yet durable: the entries it set (nil: removed).
    private struct EntryChange {
        var label: String
        var entries: [(path: String, entry: Entry?)]
    }

    private struct Handle {
        var node: Int
        var mode: OpenMode
        var position = 0
    }

    private var entries: [String: Entry] = ["/": .directory]
    private var durableEntries: [String: Entry] = ["/": .directory]
    private var pendingEntries: [EntryChange] = []
    private var nodes: [Int: Node] = [:]
    private var nextNode = 1
    private var handles: [Int32: Handle] = [:]
    private var nextHandle: Int32 = 3
    private var writeOrder = 0

    /// Whether `link` makes hard links; when false it fails, as on FAT or exFAT.
    public let hardLinks: Bool

    /// A disk mounted read-only: no directory is writable, and every mutating operation fails
    /// with EROFS (counted, as any fault).
    public var readOnly = false

    // MARK: Faults

    /// Mutating operations made since the disk was made (failed ones included).
    public private(set) var operationCount = 0
    /// The mutating operations made, described ("rename snapshot.jsonl.tmp → snapshot.jsonl").
    public private(set) var operations: [String] = []
    /// Whether the world stopped (`crashAt`, `stop`): every later operation throws.
    public private(set) var isStopped = false
    private var stopAfter: Int?
    private var failures: [Int: (code: Int32, partialWrite: Bool)] = [:]
    private var persistentFaults: [Operation: Int32] = [:]

    /// An empty disk: only the root directory, durable.
    public init(hardLinks: Bool = true) {
        self.hardLinks = hardLinks
    }

    /// An exact copy, pending changes included, without open files and faults.
    public func copy() -> SimulatedDisk {
        return locked {
            let copy = SimulatedDisk(hardLinks: hardLinks)
            copy.entries = entries
            copy.durableEntries = durableEntries
            copy.pendingEntries = pendingEntries
            copy.nodes = nodes
            copy.nextNode = nextNode
            copy.writeOrder = writeOrder
            return copy
        }
    }

    /// Stops the world after `count` more mutating operations (at once when 0): every later
    /// one throws an I/O error and changes nothing, so that whatever used the disk is abandoned
    /// as a power cut would leave it. Then `crash(_:)` gives the disk after the restart.
    ///
    /// Reads still answer from what is visible: they change nothing, and a process stopped by a
    /// real power cut never sees them fail, so a failure there would test what cannot happen.
    public func crashAt(_ count: Int) {
        locked {
            if count <= 0 { isStopped = true } else { stopAfter = operationCount + count }
        }
    }

    /// Stops the world now.
    public func stop() {
        locked {
            isStopped = true
        }
    }

    /// Makes the `k`-th mutating operation from now (1 is the next one) fail once with `code`,
    /// doing nothing; a write given `partialWrite` first writes half of its bytes, as a write
    /// loop that fills the disk does.
    public func failAt(_ k: Int, with code: Int32, partialWrite: Bool = false) {
        locked {
            failures[operationCount + k] = (code, partialWrite)
        }
    }

    /// Makes every operation of the given kinds fail with `code` until `clearFaults()`, as a
    /// full disk (ENOSPC on writes) or a failing one (EIO) does.
    public func fail(_ kinds: Set<Operation>, with code: Int32) {
        locked {
            for kind in kinds { persistentFaults[kind] = code }
        }
    }

    /// Removes every fault not yet injected (the disk is "freed").
    public func clearFaults() {
        locked {
            failures = [:]
            persistentFaults = [:]
            stopAfter = nil
        }
    }

    // MARK: Crashing

    /// How many directory operations are not yet durable.
    public var unsyncedEntryCount: Int { pendingEntries.count }

    /// Whether some file holds writes not yet fsync'd.
    public var hasUnsyncedWrites: Bool {
        nodes.values.contains { $0.pending.contains { if case .write = $0 { return true } else { return false } } }
    }

    /// Every distinct way a power cut may leave this disk now.
    public var possibleCrashes: [Crash] {
        var writes: [UnsyncedWrites] = [.dropped]
        if nodes.values.contains(where: { !$0.pending.isEmpty }) { writes.append(.kept) }
        if hasUnsyncedWrites { writes += Tear.allCases.map { .tornLast($0) } }
        var kept: [UnsyncedEntries] = [.undone]
        if pendingEntries.count > 1 { kept += (1..<pendingEntries.count).map { .oldest($0) } }
        if !pendingEntries.isEmpty { kept.append(.kept) }
        return writes.flatMap { write in kept.map { Crash(writes: write, entries: $0) } }
    }

    /// The disk after a power cut now and a restart: everything durable, and what `crash`
    /// keeps of the rest. Files no entry names any more are gone.
    public func crash(_ crash: Crash) -> SimulatedDisk {
        return locked {
            var namespace = durableEntries
            for change in pendingEntries.prefix(crash.entries.count(of: pendingEntries.count)) {
                for (path, entry) in change.entries { namespace[path] = entry }
            }
            // An entry whose directory did not survive is unreachable.
            for path in namespace.keys.sorted(by: { depth($0) < depth($1) }) where path != "/" {
                if let parent = SimulatedDisk.parent(of: path), namespace[parent] != .directory { namespace[path] = nil }
            }
            var torn: (node: Int, index: Int, tear: Tear)?
            if case .tornLast(let tear) = crash.writes {
                var newest = -1
                for (id, node) in nodes {
                    for (index, change) in node.pending.enumerated() {
                        if case .write(_, _, let order) = change, order > newest {
                            newest = order
                            torn = (id, index, tear)
                        }
                    }
                }
            }
            let result = SimulatedDisk(hardLinks: hardLinks)
            result.nextNode = nextNode
            for (path, entry) in namespace {
                if case .file(let id) = entry, result.nodes[id] == nil, let node = nodes[id] {
                    var bytes = node.durable
                    switch crash.writes {
                    case .dropped:
                        break
                    case .kept:
                        bytes = node.visible
                    case .tornLast:
                        for (index, change) in node.pending.enumerated() {
                            if let torn, torn.node == id, index >= torn.index {
                                if index == torn.index, case .write(let offset, let data, let order) = change {
                                    let kept = Array(data.prefix(torn.tear.kept(of: data.count)))
                                    DataChange.write(offset: offset, bytes: kept, order: order).apply(to: &bytes)
                                }
                                continue
                            }
                            change.apply(to: &bytes)
                        }
                    }
                    result.nodes[id] = Node(durable: bytes, visible: bytes, pending: [], version: node.version + 1)
                }
                result.entries[path] = entry
            }
            result.durableEntries = result.entries
            return result
        }
    }

    /// The visible files: path → content.
    public var files: [String: [UInt8]] {
        var result: [String: [UInt8]] = [:]
        for (path, entry) in entries {
            if case .file(let id) = entry { result[path] = nodes[id]?.visible }
        }
        return result
    }

    /// The visible directories.
    public var directories: Set<String> {
        Set(entries.compactMap { $0.value == .directory ? $0.key : nil })
    }

    /// Writes `bytes` as the whole durable content of `path` (its directory must exist), for
    /// tests that start from given files.
    public func place(_ bytes: [UInt8], at path: String) throws {
        try locked {
            let path = SimulatedDisk.normalized(path)
            guard let parent = SimulatedDisk.parent(of: path), entries[parent] == .directory else {
                throw FileError(operation: .create, file: path, code: ENOENT)
            }
            let id: Int
            if case .file(let existing)? = entries[path] {
                id = existing
            } else {
                id = nextNode
                nextNode += 1
            }
            nodes[id] = Node(durable: bytes, visible: bytes, pending: [], version: (nodes[id]?.version ?? 0) + 1)
            entries[path] = .file(id)
            durableEntries[path] = .file(id)
        }
    }

    // MARK: FileSystem

    public func open(_ path: String, _ mode: OpenMode, name: String) throws -> Int32 {
        return try locked {
            let path = SimulatedDisk.normalized(path)
            let failure: FileError.Operation = mode == .read ? .read : (mode == .create ? .create : .open)
            let existing = entries[path]
            if existing == .directory { throw FileError(operation: failure, file: name, code: EISDIR) }
            let id: Int
            switch (mode, existing) {
            case (.read, .file(let node)?), (.write, .file(let node)?), (.append, .file(let node)?):
                id = node
            case (.create, .file?):
                try begin(.create, "create \(name)", failure, name)
                throw FileError(operation: failure, file: name, code: EEXIST)
            case (.create, nil), (.append, nil):
                try begin(.create, "create \(name)", failure, name)
                guard let parent = SimulatedDisk.parent(of: path), entries[parent] == .directory else {
                    throw FileError(operation: failure, file: name, code: ENOENT)
                }
                id = nextNode
                nextNode += 1
                nodes[id] = Node()
                setEntries("create \(name)", [(path, .file(id))])
            default:
                throw FileError(operation: failure, file: name, code: ENOENT)
            }
            let fd = nextHandle
            nextHandle += 1
            handles[fd] = Handle(node: id, mode: mode)
            return fd
        }
    }

    public func close(_ fd: Int32) {
        locked {
            handles[fd] = nil
        }
    }

    public func write(_ fd: Int32, _ bytes: [UInt8], name: String) throws {
        try locked {
            var handle = try self.handle(fd, .write, name)
            guard handle.mode != .read else { throw FileError(operation: .write, file: name, code: EBADF) }
            let offset = handle.mode == .append ? nodes[handle.node]!.visible.count : handle.position
            do {
                try begin(.write, "write \(name) (\(bytes.count) bytes)", .write, name)
            } catch let failure as InjectedFailure {
                if failure.partialWrite && bytes.count > 1 {
                    // The part written moves the file position, as a short write(2) does.
                    let part = Array(bytes.prefix(bytes.count / 2))
                    apply(.write(offset: offset, bytes: part, order: nextWriteOrder()), to: handle.node)
                    handle.position = offset + part.count
                    handles[fd] = handle
                }
                throw failure.error
            }
            apply(.write(offset: offset, bytes: bytes, order: nextWriteOrder()), to: handle.node)
            handle.position = offset + bytes.count
            handles[fd] = handle
        }
    }

    public func read(_ fd: Int32, at offset: Int, count: Int, name: String) throws -> [UInt8] {
        return try locked {
            let handle = try self.handle(fd, .read, name)
            let bytes = nodes[handle.node]!.visible
            guard offset < bytes.count else { return [] }
            return Array(bytes[offset..<min(bytes.count, offset + count)])
        }
    }

    public func readAll(_ fd: Int32, name: String) throws -> [UInt8] {
        return try locked {
            var handle = try self.handle(fd, .read, name)
            let bytes = nodes[handle.node]!.visible
            let start = min(handle.position, bytes.count)
            handle.position = bytes.count
            handles[fd] = handle
            return Array(bytes[start...])
        }
    }

    public func size(_ fd: Int32, name: String) throws -> Int {
        return try locked {
            let handle = try self.handle(fd, .read, name)
            return nodes[handle.node]!.visible.count
        }
    }

    public func sync(_ fd: Int32, name: String) throws {
        try locked {
            let handle = try self.handle(fd, .sync, name)
            try begin(.sync, "sync \(name)", .sync, name)
            nodes[handle.node]!.durable = nodes[handle.node]!.visible
            nodes[handle.node]!.pending = []
        }
    }

    public func truncate(_ fd: Int32, to length: Int, name: String) throws {
        try locked {
            let handle = try self.handle(fd, .write, name)
            guard handle.mode != .read else { throw FileError(operation: .write, file: name, code: EINVAL) }
            try begin(.truncate, "truncate \(name) to \(length)", .write, name)
            apply(.truncate(length), to: handle.node)
        }
    }

    public func syncDirectory(_ directory: String, name: String) throws {
        try locked {
            let directory = SimulatedDisk.normalized(directory)
            try begin(.syncDirectory, "sync directory \(directory)", .sync, name)
            guard entries[directory] == .directory else { throw FileError(operation: .sync, file: name, code: ENOENT) }
            for index in pendingEntries.indices {
                pendingEntries[index].entries.removeAll { SimulatedDisk.parent(of: $0.path) == directory }
            }
            pendingEntries.removeAll { $0.entries.isEmpty }
            for path in Set(entries.keys).union(durableEntries.keys) where SimulatedDisk.parent(of: path) == directory {
                durableEntries[path] = entries[path]
            }
        }
    }

    public func rename(_ source: String, to target: String, name: String) throws {
        try locked {
            let source = SimulatedDisk.normalized(source)
            let target = SimulatedDisk.normalized(target)
            try begin(.rename, "rename \(SimulatedDisk.lastComponent(source)) → \(name)", .rename, name)
            guard let entry = entries[source] else { throw FileError(operation: .rename, file: name, code: ENOENT) }
            guard let parent = SimulatedDisk.parent(of: target), entries[parent] == .directory else {
                throw FileError(operation: .rename, file: name, code: ENOENT)
            }
            if entries[target] == .directory { throw FileError(operation: .rename, file: name, code: EISDIR) }
            guard source != target else { return }
            setEntries("rename \(SimulatedDisk.lastComponent(source)) → \(name)", [(source, nil), (target, entry)])
        }
    }

    public func link(_ source: String, to target: String) -> Bool {
        return locked {
            let source = SimulatedDisk.normalized(source)
            let target = SimulatedDisk.normalized(target)
            let label = "link \(SimulatedDisk.lastComponent(source)) → \(SimulatedDisk.lastComponent(target))"
            guard (try? begin(.link, label, .create, target)) != nil, hardLinks else { return false }
            guard case .file(let id)? = entries[source], entries[target] == nil,
                  let parent = SimulatedDisk.parent(of: target), entries[parent] == .directory else { return false }
            setEntries(label, [(target, .file(id))])
            return true
        }
    }

    public func remove(_ path: String) {
        locked {
            let path = SimulatedDisk.normalized(path)
            let label = "remove \(SimulatedDisk.lastComponent(path))"
            guard (try? begin(.remove, label, .remove, path)) != nil, case .file? = entries[path] else { return }
            setEntries(label, [(path, nil)])
        }
    }

    public func exists(_ path: String) -> Bool {
        return locked {
            entries[SimulatedDisk.normalized(path)] != nil
        }
    }

    public func isDirectory(_ path: String) -> Bool {
        return locked {
            entries[SimulatedDisk.normalized(path)] == .directory
        }
    }

    /// It has no symbolic links.
    public func isSymbolicLink(_ path: String) -> Bool { false }

    public func isWritable(_ path: String) -> Bool {
        return locked {
            !readOnly && entries[SimulatedDisk.normalized(path)] == .directory
        }
    }

    public func makeDirectory(_ path: String, name: String) throws {
        try locked {
            let path = SimulatedDisk.normalized(path)
            switch entries[path] {
            case .directory?:
                break
            case .file?:
                try begin(.create, "make directory \(name)", .create, name)
                throw FileError(operation: .create, file: name, code: EEXIST)
            case nil:
                try begin(.create, "make directory \(name)", .create, name)
                // Missing parents are made too, as the real one does.
                var missing: [String] = []
                var current: String? = path
                while let next = current, entries[next] == nil {
                    missing.append(next)
                    current = SimulatedDisk.parent(of: next)
                }
                if let current, entries[current] != .directory {
                    throw FileError(operation: .create, file: name, code: ENOTDIR)
                }
                setEntries("make directory \(name)", missing.reversed().map { ($0, .directory) })
            }
        }
    }

    public func contents(of directory: String) -> [String] {
        return locked {
            let directory = SimulatedDisk.normalized(directory)
            guard entries[directory] == .directory else { return [] }
            return entries.keys.filter { SimulatedDisk.parent(of: $0) == directory && $0 != directory }
                .map(SimulatedDisk.lastComponent).sorted()
        }
    }

    public func signature(_ path: String) -> [Int]? {
        return locked {
            switch entries[SimulatedDisk.normalized(path)] {
            case .file(let id)?:
                let node = nodes[id]!
                return [id, node.visible.count, node.version, 0]
            case .directory?:
                return [0, 0, 0, 0]
            case nil:
                return nil
            }
        }
    }

    public func inode(_ fd: Int32) -> Int? {
        return locked {
            handles[fd]?.node
        }
    }

    public func lock(_ path: String, name: String, user: String) throws -> SessionLock {
        Lock(disk: self, user: user)
    }

    /// Nothing to wait for: one process owns the disk.
    public func lockExclusively(_ fd: Int32, name: String) throws {}

    public func unlock(_ fd: Int32) {}

    // MARK: Helpers

    /// Every public entry point holds it: snapshot lines are read from several threads.
    private let mutex = NSLock()

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        mutex.lock()
        defer { mutex.unlock() }
        return try body()
    }

    private struct InjectedFailure: Error {
        let error: FileError
        let partialWrite: Bool
    }

    /// Counts a mutating operation, then throws when the world stopped or a fault is due
    /// (an `InjectedFailure`, which `write` unwraps; `FileError` otherwise).
    private func begin(_ kind: Operation, _ label: String, _ failure: FileError.Operation, _ name: String) throws {
        try checkStopped(failure, name)
        operationCount += 1
        operations.append(label)
        if let stopAfter, operationCount >= stopAfter {
            // This operation is the last one made before the power cut.
            isStopped = true
            self.stopAfter = nil
        }
        if let fault = failures.removeValue(forKey: operationCount) {
            let error = FileError(operation: failure, file: name, code: fault.code)
            if kind == .write { throw InjectedFailure(error: error, partialWrite: fault.partialWrite) }
            throw error
        }
        if let code = persistentFaults[kind] ?? (readOnly ? EROFS : nil) {
            let error = FileError(operation: failure, file: name, code: code)
            if kind == .write { throw InjectedFailure(error: error, partialWrite: false) }
            throw error
        }
    }

    private func checkStopped(_ failure: FileError.Operation, _ name: String) throws {
        if isStopped { throw FileError(operation: failure, file: name, code: EIO) }
    }

    private func handle(_ fd: Int32, _ failure: FileError.Operation, _ name: String) throws -> Handle {
        guard let handle = handles[fd] else { throw FileError(operation: failure, file: name, code: EBADF) }
        return handle
    }

    private func nextWriteOrder() -> Int {
        writeOrder += 1
        return writeOrder
    }

    private func apply(_ change: DataChange, to id: Int) {
        change.apply(to: &nodes[id]!.visible)
        nodes[id]!.pending.append(change)
        nodes[id]!.version += 1
    }

    private func setEntries(_ label: String, _ changes: [(path: String, entry: Entry?)]) {
        for (path, entry) in changes { entries[path] = entry }
        pendingEntries.append(EntryChange(label: label, entries: changes))
    }

    private func depth(_ path: String) -> Int {
        path.split(separator: "/").count
    }

    static func normalized(_ path: String) -> String {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        return "/" + parts.joined(separator: "/")
    }

    static func parent(of path: String) -> String? {
        guard path != "/", let slash = path.lastIndex(of: "/") else { return nil }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func lastComponent(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? "/"
    }
}
