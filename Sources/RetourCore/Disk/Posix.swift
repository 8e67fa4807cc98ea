#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A failed system call on a file of the data directory. Names the file by its place in the
/// directory and says what went wrong in words; never carries the data being written.
public struct FileError: UserFacingError, Equatable {
    public enum Operation: String, Sendable { case open, read, write, sync, rename, lock, create, remove, permissions }
    public let operation: Operation
    public let file: String
    public let code: Int32

    public init(operation: Operation, file: String, code: Int32) {
        self.operation = operation
        self.file = file
        self.code = code
    }

    public var message: Message {
        let reason: String
        switch code {
        case ENOSPC, EDQUOT: reason = "@error.io.full"
        case EACCES, EPERM: reason = "@error.io.permission"
        case EROFS: reason = "@error.io.readOnlyDisk"
        case EIO: reason = "@error.io.device"
        case ENOENT: reason = "@error.io.missing"
        case ENOTDIR, EISDIR: reason = "@error.io.wrongKind"
        case ELOOP: reason = "@error.io.link"
        default: reason = "errno \(code)"
        }
        return Message("error.io.\(operation.rawValue)", ["file": file, "reason": reason])
    }
}

/// Thin wrappers over the system calls the store relies on for durability. Files are created
/// 0600 and directories 0700 whatever the umask.
enum Posix {
    static let fileMode: mode_t = 0o600
    static let directoryMode: mode_t = 0o700

    /// Opens `path`, relative to the directory `directory` when given; a file it may create is
    /// made 0600, and that is checked.
    static func open(_ path: String, _ flags: Int32, at directory: Int32 = AT_FDCWD, name: String,
                     operation: FileError.Operation = .open) throws -> Int32 {
        let fd = retrying { openat(directory, path, flags | O_CLOEXEC, fileMode) }
        guard fd >= 0 else { throw FileError(operation: operation, file: name, code: errno) }
        if flags & O_CREAT != 0 && fchmod(fd, fileMode) != 0 {
            let code = errno
            close(fd)
            throw FileError(operation: .permissions, file: name, code: code)
        }
        return fd
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8], name: String) throws {
        try bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw FileError(operation: .write, file: name, code: errno)
                }
                offset += written
            }
        }
    }

    static func sync(_ fd: Int32, name: String) throws {
        guard fsync(fd) == 0 else { throw FileError(operation: .sync, file: name, code: errno) }
    }

    /// Makes a rename or a new file in `directory` durable.
    static func syncDirectory(_ directory: String, name: String) throws {
        let fd = Glibc.open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError(operation: .sync, file: name, code: errno) }
        defer { close(fd) }
        try sync(fd, name: name)
    }

    static func readAll(_ fd: Int32, name: String) throws -> [UInt8] {
        var result: [UInt8] = []
        var info = stat()
        if fstat(fd, &info) == 0 { result.reserveCapacity(Int(info.st_size)) }
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileError(operation: .read, file: name, code: errno)
            }
            if count == 0 { break }
            result.append(contentsOf: chunk[0..<count])
        }
        return result
    }

    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    static func mode(_ path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & 0o777
    }

    static func inode(_ path: String) -> ino_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_ino
    }

    static func inode(_ fd: Int32) -> ino_t? {
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        return info.st_ino
    }

    /// Creates `path` 0700 (and missing parents with the usual mode) unless it exists.
    static func makeDirectory(_ path: String, name: String) throws {
        if isDirectory(path) { return }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty && parent != path && !exists(parent) {
            do {
                try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            } catch {
                throw FileError(operation: .create, file: name, code: EACCES)
            }
        }
        guard mkdir(path, directoryMode) == 0 || errno == EEXIST else {
            throw FileError(operation: .create, file: name, code: errno)
        }
        guard chmod(path, directoryMode) == 0 else { throw FileError(operation: .permissions, file: name, code: errno) }
    }

    private static func retrying(_ call: () -> Int32) -> Int32 {
        while true {
            let result = call()
            if result >= 0 || errno != EINTR { return result }
        }
    }
}
