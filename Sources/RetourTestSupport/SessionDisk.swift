#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import RetourCore

/// One process's view of a shared `SimulatedDisk`, for tests of several writers: every call
/// goes to the shared disk, but this process alone can be killed (`kill -9`) after a number of
/// its own mutating operations, or see its own writes fail (its quota full).
///
/// A kill is not a power cut: what the process wrote stays visible to the others (the kernel
/// keeps it), it simply makes no further call, and the kernel drops its locks. Here every later
/// call throws, so that the store using it is abandoned where it stood; its presence is taken
/// out at once and its commit lock is released as the error unwinds (the kernel would do both).
public final class SessionDisk: FileSystem {
    public let shared: SimulatedDisk
    /// Mutating operations this process made on the shared disk.
    public private(set) var operationCount = 0
    /// Whether it was killed: every call from now on fails.
    public private(set) var isKilled = false
    private var killAfter: Int?
    private var writeFault: Int32?
    private var locks: [SessionLock] = []

    public init(_ shared: SimulatedDisk) {
        self.shared = shared
    }

    private var tearLastWrite = false

    /// Kills the process after `count` more of its mutating operations (at once when 0).
    /// `tornWrite`: when that last operation is a write, the process dies in the middle of it
    /// and only its first half reaches the file.
    public func killAt(_ count: Int, tornWrite: Bool = false) {
        if count <= 0 { kill() } else { killAfter = operationCount + count }
        tearLastWrite = tornWrite
    }

    public func kill() {
        isKilled = true
        killAfter = nil
        for lock in locks { lock.release() }
    }

    /// Every write of this process fails with `code` (ENOSPC: its disk or quota is full), after
    /// writing half its bytes, until `clearFaults`.
    public func failWrites(with code: Int32) {
        writeFault = code
    }

    public func clearFaults() {
        writeFault = nil
    }

    /// Times `writeBack` was asked for.
    public private(set) var writeBacks = 0
    /// Every `writeBack` fails with this code (a disk that reports an error on its way).
    public var writeBackFault: Int32?

    public func writeBack(_ fd: Int32, name: String) throws {
        try alive(.sync, name)
        writeBacks += 1
        if let writeBackFault { throw FileError(operation: .sync, file: name, code: writeBackFault) }
        try shared.writeBack(fd, name: name)
    }

    private func alive(_ operation: FileError.Operation, _ name: String) throws {
        if isKilled { throw FileError(operation: operation, file: name, code: EIO) }
    }

    /// Runs a call that may change the shared disk, and counts it when it did.
    private func mutating<T>(_ operation: FileError.Operation, _ name: String, _ body: () throws -> T) throws -> T {
        try alive(operation, name)
        let before = shared.operationCount
        defer {
            if shared.operationCount > before {
                operationCount += shared.operationCount - before
                if let killAfter, operationCount >= killAfter { kill() }
            }
        }
        return try body()
    }

    public func open(_ path: String, _ mode: OpenMode, name: String) throws -> Int32 {
        try mutating(.open, name) { try shared.open(path, mode, name: name) }
    }

    public func close(_ fd: Int32) {
        shared.close(fd)
    }

    public func write(_ fd: Int32, _ bytes: [UInt8], name: String) throws {
        try mutating(.write, name) {
            if tearLastWrite, let killAfter, operationCount + 1 == killAfter, bytes.count > 1 {
                try shared.write(fd, Array(bytes.prefix(bytes.count / 2)), name: name)
                return
            }
            if let writeFault {
                if bytes.count > 1 { try shared.write(fd, Array(bytes.prefix(bytes.count / 2)), name: name) }
                throw FileError(operation: .write, file: name, code: writeFault)
            }
            try shared.write(fd, bytes, name: name)
        }
    }

    public func read(_ fd: Int32, at offset: Int, count: Int, name: String) throws -> [UInt8] {
        try alive(.read, name)
        return try shared.read(fd, at: offset, count: count, name: name)
    }

    public func readAll(_ fd: Int32, name: String) throws -> [UInt8] {
        try alive(.read, name)
        return try shared.readAll(fd, name: name)
    }

    public func size(_ fd: Int32, name: String) throws -> Int {
        try alive(.read, name)
        return try shared.size(fd, name: name)
    }

    public func sync(_ fd: Int32, name: String) throws {
        try mutating(.sync, name) { try shared.sync(fd, name: name) }
    }

    public func truncate(_ fd: Int32, to length: Int, name: String) throws {
        try mutating(.write, name) { try shared.truncate(fd, to: length, name: name) }
    }

    public func syncDirectory(_ directory: String, name: String) throws {
        try mutating(.sync, name) { try shared.syncDirectory(directory, name: name) }
    }

    public func rename(_ source: String, to target: String, name: String) throws {
        try mutating(.rename, name) { try shared.rename(source, to: target, name: name) }
    }

    public func link(_ source: String, to target: String) -> Bool {
        (try? mutating(.create, target) { shared.link(source, to: target) }) ?? false
    }

    public func remove(_ path: String) {
        _ = try? mutating(.remove, path) { shared.remove(path) }
    }

    public func exists(_ path: String) -> Bool { shared.exists(path) }
    public func isDirectory(_ path: String) -> Bool { shared.isDirectory(path) }
    public func isSymbolicLink(_ path: String) -> Bool { shared.isSymbolicLink(path) }

    public func makeDirectory(_ path: String, name: String) throws {
        try mutating(.create, name) { try shared.makeDirectory(path, name: name) }
    }

    public func isWritable(_ path: String) -> Bool { !isKilled && shared.isWritable(path) }
    public func contents(of directory: String) -> [String] { shared.contents(of: directory) }
    public func signature(_ path: String) -> [Int]? { shared.signature(path) }
    public func inode(_ fd: Int32) -> Int? { shared.inode(fd) }

    public func lock(_ path: String, name: String, user: String) throws -> SessionLock {
        try alive(.lock, name)
        let lock = try shared.lock(path, name: name, user: user)
        locks.append(lock)
        return InterleavedLock(lock, session: self)
    }

    /// Run once, just before this process next waits for the commit lock: what another
    /// process does in between (a commit, a compaction) while this one works without it.
    public var beforeNextCommitLock: (() throws -> Void)?

    /// A session's lock that runs `beforeNextCommitLock` first.
    private final class InterleavedLock: SessionLock {
        let lock: SessionLock
        weak var session: SessionDisk?
        init(_ lock: SessionLock, session: SessionDisk) {
            self.lock = lock
            self.session = session
        }
        var acquired: Bool { lock.acquired }
        var holder: String? { lock.holder }
        func lockCommit(whileWaiting: (() -> Void)?) throws {
            if let hook = session?.beforeNextCommitLock {
                session?.beforeNextCommitLock = nil
                try hook()
            }
            try lock.lockCommit(whileWaiting: whileWaiting)
        }
        func tryLockShared() -> Bool { lock.tryLockShared() }
        func lockShared() throws { try lock.lockShared() }
        func unlockCommit() { lock.unlockCommit() }
        func tryLockCompaction() -> Bool { lock.tryLockCompaction() }
        func unlockCompaction() { lock.unlockCompaction() }
        func enter() { lock.enter() }
        func othersInside() -> [String] { lock.othersInside() }
        func leave() { lock.leave() }
        func rename(user: String) { lock.rename(user: user) }
        func release() { lock.release() }
    }

    public func lockExclusively(_ fd: Int32, name: String) throws {
        try alive(.lock, name)
        try shared.lockExclusively(fd, name: name)
    }

    public func unlock(_ fd: Int32) { shared.unlock(fd) }
}
