#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The file operations the store makes, and nothing else: the seam under which tests put
/// faults (a crash after any operation, a full disk, an I/O error). `Disk` is the real one.
///
/// Paths are full paths; `name` is how an error names the file to the user (its place in the
/// data directory). Every failure throws a `FileError`.
public protocol FileSystem: AnyObject {
    func open(_ path: String, _ mode: OpenMode, name: String) throws -> Int32
    func close(_ fd: Int32)
    func write(_ fd: Int32, _ bytes: [UInt8], name: String) throws
    /// Up to `count` bytes at `offset` (fewer at the end of the file).
    func read(_ fd: Int32, at offset: Int, count: Int, name: String) throws -> [UInt8]
    func readAll(_ fd: Int32, name: String) throws -> [UInt8]
    func size(_ fd: Int32, name: String) throws -> Int
    func sync(_ fd: Int32, name: String) throws
    func truncate(_ fd: Int32, to length: Int, name: String) throws
    /// Makes a rename, a link or a new file in `directory` durable.
    func syncDirectory(_ directory: String, name: String) throws
    func rename(_ source: String, to target: String, name: String) throws
    /// A hard link; false when the file system has none (FAT, exFAT sticks).
    func link(_ source: String, to target: String) -> Bool
    func remove(_ path: String)
    func exists(_ path: String) -> Bool
    func isDirectory(_ path: String) -> Bool
    /// Creates `path` 0700 unless it exists, and sets it to 0700 when it does.
    func makeDirectory(_ path: String, name: String) throws
    func contents(of directory: String) -> [String]
    /// Identity and version of a file (inode, size, modification time); nil when missing.
    func signature(_ path: String) -> [Int]?
    /// The inode behind an open file, to notice that a path now names another file.
    func inode(_ fd: Int32) -> Int?
    /// The session lock of a data directory.
    func lock(_ path: String, name: String, user: String) throws -> SessionLock
}

public enum OpenMode: Sendable {
    case read
    /// Writes go to the end; the file is created 0600 when missing.
    case append
    /// A new file, 0600; fails when it exists.
    case create
    /// An existing file, to cut it short.
    case write
}

/// Who holds the session lock of a data directory.
public protocol SessionLock: AnyObject {
    /// Whether this process holds it.
    var acquired: Bool { get }
    /// Who holds it when another process does: "user (start time)".
    var holder: String? { get }
    func release()
}

/// The real file system.
public final class Disk: FileSystem, Sendable {
    public static let shared = Disk()

    public init() {}

    public func open(_ path: String, _ mode: OpenMode, name: String) throws -> Int32 {
        switch mode {
        case .read: return try Posix.open(path, O_RDONLY, name: name, operation: .read)
        case .append: return try Posix.open(path, O_WRONLY | O_APPEND | O_CREAT, name: name)
        case .create: return try Posix.open(path, O_WRONLY | O_CREAT | O_EXCL, name: name, operation: .create)
        case .write: return try Posix.open(path, O_WRONLY, name: name)
        }
    }

    public func close(_ fd: Int32) { _ = Glibc.close(fd) }

    public func write(_ fd: Int32, _ bytes: [UInt8], name: String) throws {
        try Posix.writeAll(fd, bytes, name: name)
    }

    public func read(_ fd: Int32, at offset: Int, count: Int, name: String) throws -> [UInt8] {
        var result = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = result.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset + done)) }
            if got < 0 {
                if errno == EINTR { continue }
                throw FileError(operation: .read, file: name, code: errno)
            }
            if got == 0 { break }
            done += got
        }
        if done < count { result.removeLast(count - done) }
        return result
    }

    public func readAll(_ fd: Int32, name: String) throws -> [UInt8] {
        try Posix.readAll(fd, name: name)
    }

    public func size(_ fd: Int32, name: String) throws -> Int {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw FileError(operation: .read, file: name, code: errno) }
        return Int(info.st_size)
    }

    public func sync(_ fd: Int32, name: String) throws { try Posix.sync(fd, name: name) }

    public func truncate(_ fd: Int32, to length: Int, name: String) throws {
        guard ftruncate(fd, off_t(length)) == 0 else { throw FileError(operation: .write, file: name, code: errno) }
    }

    public func syncDirectory(_ directory: String, name: String) throws {
        try Posix.syncDirectory(directory, name: name)
    }

    public func rename(_ source: String, to target: String, name: String) throws {
        guard Glibc.rename(source, target) == 0 else { throw FileError(operation: .rename, file: name, code: errno) }
    }

    public func link(_ source: String, to target: String) -> Bool { Glibc.link(source, target) == 0 }

    public func remove(_ path: String) { unlink(path) }

    public func exists(_ path: String) -> Bool { Posix.exists(path) }

    public func isDirectory(_ path: String) -> Bool { Posix.isDirectory(path) }

    public func makeDirectory(_ path: String, name: String) throws {
        try Posix.makeDirectory(path, name: name)
        if let mode = Posix.mode(path), mode != Posix.directoryMode { chmod(path, Posix.directoryMode) }
    }

    public func contents(of directory: String) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    }

    public func signature(_ path: String) -> [Int]? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return [Int(info.st_ino), Int(info.st_size), Int(info.st_mtim.tv_sec), Int(info.st_mtim.tv_nsec)]
    }

    public func inode(_ fd: Int32) -> Int? { Posix.inode(fd).map { Int($0) } }

    public func lock(_ path: String, name: String, user: String) throws -> SessionLock {
        try FileLock(path: path, name: name, user: user)
    }
}
