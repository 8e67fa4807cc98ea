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
    /// Puts what was written to `fd` so far on the disk (its data; `sync` still makes the file
    /// durable): a large file written in steps this way never holds more than a few megabytes
    /// waiting, so that other sessions' fsyncs do not queue behind hundreds of them. Its
    /// failure is the write's: the error would not be told again by the `sync` after it.
    func writeBack(_ fd: Int32, name: String) throws
    func truncate(_ fd: Int32, to length: Int, name: String) throws
    /// Makes a rename, a link or a new file in `directory` durable.
    func syncDirectory(_ directory: String, name: String) throws
    func rename(_ source: String, to target: String, name: String) throws
    /// A hard link; false when the file system has none (FAT, exFAT sticks).
    func link(_ source: String, to target: String) -> Bool
    func remove(_ path: String)
    /// Removes the directory `path` when it is empty (never a link, never what it holds).
    func removeEmptyDirectory(_ path: String)
    func exists(_ path: String) -> Bool
    func isDirectory(_ path: String) -> Bool
    /// Whether `path` is itself a symbolic link (never followed).
    func isSymbolicLink(_ path: String) -> Bool
    /// Creates `path` 0700 unless it exists; when it does, takes away what group and others
    /// may do with it (never adding anything, never on a link).
    func makeDirectory(_ path: String, name: String) throws
    /// Whether files can be made and changed in the directory `path` (false on a read-only
    /// disk, or when its permissions do not let this user write).
    func isWritable(_ path: String) -> Bool
    func contents(of directory: String) -> [String]
    /// Identity and version of a file (inode, size, modification time); nil when missing.
    func signature(_ path: String) -> [Int]?
    /// The inode behind an open file, to notice that a path now names another file.
    func inode(_ fd: Int32) -> Int?
    /// The locks of a writing session on a data directory: `path` is the commit lock file;
    /// presence is kept beside it (`Store.Files.sessions`).
    func lock(_ path: String, name: String, user: String) throws -> SessionLock
    /// Waits until this open file is this process's alone (`flock(LOCK_EX)`), so that several
    /// processes can append to the same file (the history) one after the other.
    func lockExclusively(_ fd: Int32, name: String) throws
    /// Releases `lockExclusively` (closing the file releases it too).
    func unlock(_ fd: Int32)
}

public enum OpenMode: Sendable {
    case read
    /// Read and written, writes going to the end; the file is created 0600 when missing.
    case append
    /// A new file, 0600; fails when it exists.
    case create
    /// An existing file, to cut it short.
    case write
}

/// A writing session's locks on a data directory (`FileLock`): the short commit lock, and
/// presence, which tells whether other writing sessions are open.
public protocol SessionLock: AnyObject {
    /// Whether this session is in (presence taken).
    var acquired: Bool { get }
    /// Who holds it when it could not be taken: "user (start time)".
    var holder: String? { get }
    /// Waits for the commit lock, exclusive: while a change is appended and made durable.
    /// While another session holds it, `whileWaiting` is called about every millisecond (to
    /// read ahead what the sessions before this one append); without it, the wait is the
    /// kernel's alone (no thread beside, woken as soon as the lock is free).
    func lockCommit(whileWaiting: (() -> Void)?) throws
    /// Takes the commit lock shared, without waiting: to read what others appended. False
    /// when a writer holds it (try again later).
    func tryLockShared() -> Bool
    /// Waits for the commit lock, shared: to read what others appended when `tryLockShared`
    /// kept finding it taken (writers committing one after another).
    func lockShared() throws
    /// Releases `lockCommit` or `tryLockShared`.
    func unlockCommit()
    /// Names this session in the presence file (under the commit lock).
    func enter()
    /// The other writing sessions open on the directory, "user (start time)" each; empty
    /// when this one is alone (under the commit lock).
    func othersInside() -> [String]
    /// Takes this session's name out of the presence file (under the commit lock).
    func leave()
    /// Names `user` as this session's in the presence file, in place of the name it opened
    /// with (under the commit lock): the person signed in rather than the system account.
    func rename(user: String)
    /// Takes the compaction lock, without waiting: only one session at a time writes a new
    /// snapshot (the others keep committing meanwhile). False when another holds it.
    func tryLockCompaction() -> Bool
    /// Releases `tryLockCompaction`.
    func unlockCompaction()
    /// Leaves for good: every lock released.
    func release()
}

/// The real file system, for one data directory.
///
/// The data directory is resolved once (`realpath`) and checked (`DataDirectory.verify`) when
/// the disk is made, then opened once (`O_DIRECTORY | O_NOFOLLOW`) as soon as it exists: every
/// path under it is reached from that descriptor with the `*at` calls, each name without
/// following a symbolic link (`O_NOFOLLOW`, `AT_SYMLINK_NOFOLLOW`), so neither the directory
/// nor a file in it can be swapped for a link to somewhere else. Every file opened is checked
/// (`fstat`): a regular file owned by this user. Paths outside the data directory (the
/// directories above it, made or synced when it is created) are used as they are.
extension FileSystem {
    /// A simulated disk keeps no pages waiting: nothing to put on it before `sync`.
    public func writeBack(_ fd: Int32, name: String) throws {}

    /// A file system that keeps no directories of its own (a simulated one): as `remove`.
    public func removeEmptyDirectory(_ path: String) { remove(path) }
}

public final class Disk: FileSystem, @unchecked Sendable {
    /// The data directory, resolved.
    public let directory: String
    /// The data directory's descriptor, once it exists; guarded by `mutex`.
    private var anchor: Int32 = -1
    private let mutex = NSLock()

    /// Whether an entry of another account refuses the directory (`DataDirectory.verifyEntries`).
    private let refusesForeignEntries: Bool

    /// Refuses a data directory that another user owns or can change, or that holds an entry of
    /// another account (`DataDirectory.Refusal`), or that this user cannot open. `check` opens
    /// it with `refusingForeignEntries: false`, to name every such entry rather than the first.
    public init(dataDirectory: String, refusingForeignEntries: Bool = true) throws {
        directory = DataDirectory.resolved(dataDirectory)
        refusesForeignEntries = refusingForeignEntries
        try DataDirectory.verify(directory)
        try openAnchor()
    }

    deinit {
        if anchor >= 0 { _ = Glibc.close(anchor) }
    }

    /// The path of `name` in the data directory.
    public func path(of name: String) -> String {
        directory == "/" ? "/" + name : directory + "/" + name
    }

    /// Opens the data directory when it exists and is not open yet. A directory that exists
    /// but cannot be opened (no permission to read it) is an error, never an empty one.
    private func openAnchor() throws {
        try mutex.withLock {
            guard anchor < 0 else { return }
            let fd = Glibc.open(directory, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard fd >= 0 else {
                let code = errno
                // Missing: made later, or read as empty. A file: the store says so.
                if code == ENOENT || code == ENOTDIR { return }
                throw FileError(operation: .open, file: directory, code: code)
            }
            var info = stat()
            guard fstat(fd, &info) == 0 else {
                let code = errno
                _ = Glibc.close(fd)
                throw FileError(operation: .open, file: directory, code: code)
            }
            do {
                try DataDirectory.verifyOwn(info, path: directory)
                if refusesForeignEntries { try DataDirectory.verifyEntries(at: fd, path: directory) }
            } catch {
                _ = Glibc.close(fd)
                throw error
            }
            anchor = fd
        }
    }

    private var anchorDescriptor: Int32 { mutex.withLock { anchor } }

    /// Where `path` lies: the data directory itself, a name under it, or elsewhere.
    private enum Place {
        case data
        case inside([String])
        case outside
    }

    /// Asked at every save and every idle check: compared byte by byte.
    private func place(_ path: String) -> Place {
        if path == directory { return .data }
        let prefix = directory == "/" ? "/" : directory + "/"
        guard path.utf8.starts(with: prefix.utf8) else { return .outside }
        let components = path.utf8.dropFirst(prefix.utf8.count).split(separator: UInt8(ascii: "/"))
            .map { String(decoding: $0, as: UTF8.self) }
        return components.isEmpty ? .data : .inside(components)
    }

    /// Runs `body` with the directory descriptor and the name that reach `path` without
    /// following a link: under the data directory, from its descriptor, each directory on the
    /// way opened `O_NOFOLLOW`; elsewhere, the path as it is. Fails with ENOENT when the data
    /// directory does not exist yet.
    private func reaching<T>(_ path: String, at place: Place? = nil, _ body: (Int32, String) throws -> T) throws -> T {
        switch place ?? self.place(path) {
        case .outside:
            return try body(AT_FDCWD, path)
        case .data:
            return try body(AT_FDCWD, path)
        case .inside(let components):
            var current = anchorDescriptor
            guard current >= 0 else { throw FileError(operation: .open, file: path, code: ENOENT) }
            var opened: [Int32] = []
            defer { for fd in opened { _ = Glibc.close(fd) } }
            for component in components.dropLast() {
                let next = try Disk.openDirectory(component, at: current, name: component, failure: .open)
                opened.append(next)
                current = next
            }
            return try body(current, components[components.count - 1])
        }
    }

    /// `fstatat` without following a link; nil when the name cannot be reached.
    public func status(_ path: String) -> stat? {
        let place = place(path)
        if case .data = place {
            // Made since (by another process): opened, and checked, now.
            try? openAnchor()
            if anchorDescriptor >= 0 {
                var info = stat()
                return fstat(anchorDescriptor, &info) == 0 ? info : nil
            }
        }
        return try? reaching(path, at: place) { directory, name -> stat? in
            var info = stat()
            return fstatat(directory, name, &info, AT_SYMLINK_NOFOLLOW) == 0 ? info : nil
        }
    }

    /// A descriptor of the directory `path`, opened without following a link, for `body`.
    private func withDirectory<T>(_ path: String, name: String, failure: FileError.Operation,
                                  _ body: (Int32) throws -> T) throws -> T {
        let fd: Int32
        if case .data = place(path), anchorDescriptor >= 0 {
            fd = try Disk.openDirectory(".", at: anchorDescriptor, name: name, failure: failure)
        } else {
            fd = try reaching(path) { try Disk.openDirectory($1, at: $0, name: name, failure: failure) }
        }
        defer { _ = Glibc.close(fd) }
        return try body(fd)
    }

    /// Opens the directory `entry` of `directory` without following a link: a link there fails
    /// as one (ELOOP), not as "not a directory".
    private static func openDirectory(_ entry: String, at directory: Int32, name: String,
                                      failure: FileError.Operation) throws -> Int32 {
        let fd = openat(directory, entry, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd < 0 else { return fd }
        var code = errno
        var info = stat()
        if code == ENOTDIR && fstatat(directory, entry, &info, AT_SYMLINK_NOFOLLOW) == 0 && info.st_mode & S_IFMT == S_IFLNK {
            code = ELOOP
        }
        throw FileError(operation: failure, file: name, code: code)
    }

    public func open(_ path: String, _ mode: OpenMode, name: String) throws -> Int32 {
        switch mode {
        case .read: return try openFile(path, O_RDONLY, name: name, operation: .read)
        case .append: return try openFile(path, O_RDWR | O_APPEND | O_CREAT, name: name, operation: .open)
        case .create: return try openFile(path, O_WRONLY | O_CREAT | O_EXCL, name: name, operation: .create)
        case .write: return try openFile(path, O_WRONLY, name: name, operation: .open)
        }
    }

    /// Opens a file of the data directory without following a link (a pipe or a device planted
    /// there does not block: `O_NONBLOCK`, then refused), and checks what was opened.
    private func openFile(_ path: String, _ flags: Int32, name: String, operation: FileError.Operation) throws -> Int32 {
        let fd = try reaching(path) { directory, entry in
            try Posix.open(entry, flags | O_NOFOLLOW | O_NONBLOCK, at: directory, name: name, operation: operation)
        }
        var info = stat()
        do {
            guard fstat(fd, &info) == 0 else { throw FileError(operation: operation, file: name, code: errno) }
            try DataDirectory.verifyFile(info, name: name, directory: directory)
            // Back to blocking reads and writes, as every other descriptor.
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        } catch {
            _ = Glibc.close(fd)
            throw error
        }
        return fd
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

    public func writeBack(_ fd: Int32, name: String) throws {
        guard fdatasync(fd) == 0 else { throw FileError(operation: .sync, file: name, code: errno) }
    }

    public func truncate(_ fd: Int32, to length: Int, name: String) throws {
        guard ftruncate(fd, off_t(length)) == 0 else { throw FileError(operation: .write, file: name, code: errno) }
    }

    public func syncDirectory(_ directory: String, name: String) throws {
        if case .outside = place(directory) {
            try Posix.syncDirectory(directory, name: name)
            return
        }
        try withDirectory(directory, name: name, failure: .sync) { try Posix.sync($0, name: name) }
    }

    public func rename(_ source: String, to target: String, name: String) throws {
        try reaching(source) { sourceDirectory, sourceName in
            try reaching(target) { targetDirectory, targetName in
                guard renameat(sourceDirectory, sourceName, targetDirectory, targetName) == 0 else {
                    throw FileError(operation: .rename, file: name, code: errno)
                }
            }
        }
    }

    public func link(_ source: String, to target: String) -> Bool {
        (try? reaching(source) { sourceDirectory, sourceName in
            try reaching(target) { targetDirectory, targetName in
                // Flags 0: a link planted at the source is linked as a link, never followed.
                linkat(sourceDirectory, sourceName, targetDirectory, targetName, 0) == 0
            }
        }) ?? false
    }

    /// Removes the name itself: a link, never what it points to.
    public func remove(_ path: String) {
        _ = try? reaching(path) { unlinkat($0, $1, 0) }
    }

    public func removeEmptyDirectory(_ path: String) {
        guard isDirectory(path), !isSymbolicLink(path) else { return }
        _ = try? reaching(path) { unlinkat($0, $1, AT_REMOVEDIR) }
    }

    public func exists(_ path: String) -> Bool { status(path) != nil }

    public func isDirectory(_ path: String) -> Bool {
        guard let info = status(path) else { return false }
        return info.st_mode & S_IFMT == S_IFDIR
    }

    public func isSymbolicLink(_ path: String) -> Bool {
        guard let info = status(path) else { return false }
        return info.st_mode & S_IFMT == S_IFLNK
    }

    public func isWritable(_ path: String) -> Bool {
        (try? withDirectory(path, name: path, failure: .open) { fd -> Bool in
            var volume = statvfs()
            if fstatvfs(fd, &volume) == 0 && volume.f_flag & UInt(ST_RDONLY) != 0 { return false }
            // A directory whose owner (the user: verified) took away its own write permission
            // is read-only, also for root, whom permissions do not stop: the owner meant it.
            var info = stat()
            if fstat(fd, &info) == 0 && info.st_mode & S_IWUSR == 0 { return false }
            return faccessat(fd, ".", W_OK, AT_EACCESS) == 0
        }) ?? false
    }

    public func makeDirectory(_ path: String, name: String) throws {
        switch place(path) {
        case .outside:
            try Posix.makeDirectory(path, name: name)
        case .data:
            if anchorDescriptor < 0 {
                try Posix.makeDirectory(path, name: name)
                try openAnchor()
            }
            try withDirectory(path, name: name, failure: .create) { try Disk.keepPrivate($0, name: name) }
        case .inside:
            try reaching(path) { directory, entry in
                guard mkdirat(directory, entry, Posix.directoryMode) == 0 || errno == EEXIST else {
                    throw FileError(operation: .create, file: name, code: errno)
                }
            }
            try withDirectory(path, name: name, failure: .create) { fd in
                var info = stat()
                guard fstat(fd, &info) == 0 else { throw FileError(operation: .create, file: name, code: errno) }
                if info.st_uid != geteuid() {
                    throw DataDirectory.Refusal.fileOwnedByOther(file: name, owner: DataDirectory.accountName(info.st_uid),
                                                                  user: DataDirectory.accountName(geteuid()), path: path)
                }
                try Disk.keepPrivate(fd, name: name)
            }
        }
    }

    /// Takes away what group and others may do with the directory `fd` (checked), never adding.
    private static func keepPrivate(_ fd: Int32, name: String) throws {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw FileError(operation: .permissions, file: name, code: errno) }
        let mode = info.st_mode & 0o7777
        guard mode & 0o077 != 0 else { return }
        guard fchmod(fd, mode & 0o700) == 0 else { throw FileError(operation: .permissions, file: name, code: errno) }
    }

    public func contents(of directory: String) -> [String] {
        (try? withDirectory(directory, name: directory, failure: .read) { fd -> [String] in
            // The listing gets a descriptor of its own (closedir closes it).
            let own = dup(fd)
            guard own >= 0, let stream = fdopendir(own) else {
                if own >= 0 { _ = Glibc.close(own) }
                return []
            }
            defer { closedir(stream) }
            var names: [String] = []
            while let entry = readdir(stream) {
                let name = withUnsafePointer(to: &entry.pointee.d_name) {
                    String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
                }
                if name != "." && name != ".." { names.append(name) }
            }
            return names
        }) ?? []
    }

    public func signature(_ path: String) -> [Int]? {
        guard let info = status(path) else { return nil }
        return [Int(info.st_ino), Int(info.st_size), Int(info.st_mtim.tv_sec), Int(info.st_mtim.tv_nsec)]
    }

    public func inode(_ fd: Int32) -> Int? { Posix.inode(fd).map { Int($0) } }

    public func lock(_ path: String, name: String, user: String) throws -> SessionLock {
        let presence = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(Store.Files.sessions).path
        let commitFD = try openFile(path, O_RDWR | O_CREAT, name: name, operation: .lock)
        let presenceFD: Int32
        do {
            presenceFD = try openFile(presence, O_RDWR | O_CREAT, name: Store.Files.sessions, operation: .lock)
        } catch {
            _ = Glibc.close(commitFD)
            throw error
        }
        // The compaction lock is the data directory itself, opened once more: no file to make,
        // and the kernel drops it when the process dies.
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try FileLock(commitFD: commitFD, presenceFD: presenceFD, presenceName: Store.Files.sessions, user: user,
                            compactionPath: directory)
    }

    public func lockExclusively(_ fd: Int32, name: String) throws {
        while flock(fd, LOCK_EX) != 0 {
            if errno == EINTR { continue }
            throw FileError(operation: .lock, file: name, code: errno)
        }
    }

    public func unlock(_ fd: Int32) { _ = flock(fd, LOCK_UN) }
}
