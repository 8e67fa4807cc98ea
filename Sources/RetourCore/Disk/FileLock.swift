#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The locks of a data directory, for one session, on two separate files (never the data
/// files: a rename replaces their inode). The kernel releases both when the process dies,
/// even by `kill -9`.
///
/// - `retour.lock`, the commit lock: held exclusively only while a change is appended (or
///   the snapshot compacted), shared while a session reads what others appended.
/// - `retour.sessions`, presence: every writing session holds it shared from opening to
///   closing and names itself on one line ("token user (start time) pid N"); a session that
///   can take it exclusively is alone (`othersInside`).
final class FileLock: SessionLock {
    private var commitFD: Int32
    private var presenceFD: Int32
    private let presenceName: String
    /// The data directory, opened (read-only) while the compaction lock is held.
    private let compactionPath: String
    private var compactionFD: Int32 = -1
    private let token = UUID().uuidString
    private var line: String
    public let acquired = true
    public let holder: String? = nil

    /// Opens both files (read-write, owned from now on) and takes presence, shared.
    init(commitFD: Int32, presenceFD: Int32, presenceName: String, user: String, compactionPath: String) throws {
        self.compactionPath = compactionPath
        self.commitFD = commitFD
        self.presenceFD = presenceFD
        self.presenceName = presenceName
        line = FileLock.line(token: token, user: user, since: FileLock.minute(Date()))
        while flock(presenceFD, LOCK_SH) != 0 {
            if errno == EINTR { continue }
            let code = errno
            Glibc.close(commitFD)
            Glibc.close(presenceFD)
            throw FileError(operation: .lock, file: presenceName, code: code)
        }
    }

    func lockCommit(whileWaiting: (() -> Void)?) throws {
        if flock(commitFD, LOCK_EX | LOCK_NB) == 0 { return }
        guard errno == EWOULDBLOCK || errno == EINTR else {
            throw FileError(operation: .lock, file: Store.Files.lock, code: errno)
        }
        guard let whileWaiting else {
            while flock(commitFD, LOCK_EX) != 0 {
                guard errno == EINTR else { throw FileError(operation: .lock, file: Store.Files.lock, code: errno) }
            }
            return
        }
        // Another thread waits in `flock` (the lock belongs to the open file, whichever thread
        // takes it) while this one does the caller's work.
        let wait = LockWait()
        let fd = commitFD
        Thread.detachNewThread {
            var code: Int32 = 0
            while flock(fd, LOCK_EX) != 0 {
                if errno == EINTR { continue }
                code = errno
                break
            }
            wait.finish(code)
        }
        while !wait.done.wait(timeout: .now() + .milliseconds(1)).isSuccess { whileWaiting() }
        if wait.code != 0 { throw FileError(operation: .lock, file: Store.Files.lock, code: wait.code) }
    }

    func tryLockShared() -> Bool {
        flock(commitFD, LOCK_SH | LOCK_NB) == 0
    }

    func lockShared() throws {
        while flock(commitFD, LOCK_SH) != 0 {
            if errno == EINTR { continue }
            throw FileError(operation: .lock, file: Store.Files.lock, code: errno)
        }
    }

    func unlockCommit() {
        _ = flock(commitFD, LOCK_UN)
    }

    func tryLockCompaction() -> Bool {
        guard compactionFD < 0 else { return false }
        let fd = Glibc.open(compactionPath, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return false }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            Glibc.close(fd)
            return false
        }
        compactionFD = fd
        return true
    }

    func unlockCompaction() {
        guard compactionFD >= 0 else { return }
        Glibc.close(compactionFD)
        compactionFD = -1
    }

    /// Called under the commit lock.
    func enter() {
        rewritePresence { $0 + [line] }
    }

    /// Called under the commit lock: whether another writing session is open, and who.
    func othersInside() -> [String] {
        // A session opening takes presence before the commit lock: it cannot slip in between.
        if flock(presenceFD, LOCK_EX | LOCK_NB) == 0 {
            _ = flock(presenceFD, LOCK_SH)
            // Alone: lines left by sessions killed before they could leave are dropped.
            rewritePresence { $0.filter { $0 == self.line } }
            return []
        }
        while flock(presenceFD, LOCK_SH) != 0 && errno == EINTR {}
        let others = presenceLines().filter { $0 != line }.compactMap(FileLock.who)
        // A list emptied by killed sessions still says someone is in.
        return others.isEmpty ? ["?"] : others
    }

    /// Called under the commit lock.
    func rename(user: String) {
        let renamed = FileLock.line(token: token, user: user, since: FileLock.minute(Date()))
        rewritePresence { $0.map { $0 == self.line ? renamed : $0 } }
        line = renamed
    }

    /// "token user (since) pid N": `since` is when this name took the session (opened, or
    /// signed in).
    private static func line(token: String, user: String, since: String) -> String {
        "\(token) \(user) (\(since)) pid \(getpid())"
    }

    private static func minute(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
    }

    /// Called under the commit lock.
    func leave() {
        rewritePresence { $0.filter { $0 != self.line } }
    }

    func release() {
        unlockCompaction()
        if commitFD >= 0 { Glibc.close(commitFD) }
        if presenceFD >= 0 { Glibc.close(presenceFD) }
        commitFD = -1
        presenceFD = -1
    }

    deinit { release() }

    private func presenceLines() -> [String] {
        _ = lseek(presenceFD, 0, SEEK_SET)
        return FileLock.lines(in: (try? Posix.readAll(presenceFD, name: presenceName)) ?? [])
    }

    static func lines(in bytes: [UInt8]) -> [String] {
        String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    }

    /// Who is in, from the bytes of a presence file ("user (start time)" each, processes gone
    /// left out).
    static func sessions(in bytes: [UInt8]) -> [String] {
        lines(in: bytes).compactMap(who)
    }

    private func rewritePresence(_ change: ([String]) -> [String]) {
        guard presenceFD >= 0 else { return }
        let text = change(presenceLines()).map { $0 + "\n" }.joined()
        _ = ftruncate(presenceFD, 0)
        _ = text.withCString { pwrite(presenceFD, $0, strlen($0), 0) }
    }

    /// "user (start time)" from a presence line, or nil for a line of a process gone.
    static func who(_ line: String) -> String? {
        let parts = line.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        var text = String(parts[1])
        if let range = text.range(of: " pid ", options: .backwards) {
            if let pid = Int32(text[range.upperBound...]), kill(pid, 0) != 0 && errno == ESRCH { return nil }
            text = String(text[..<range.lowerBound])
        }
        return text
    }
}

/// The outcome of a `flock` waited for on another thread.
private final class LockWait: @unchecked Sendable {
    let done = DispatchSemaphore(value: 0)
    /// Written before `done` is signalled, read after it is waited for.
    private(set) var code: Int32 = 0

    func finish(_ code: Int32) {
        self.code = code
        done.signal()
    }
}

private extension DispatchTimeoutResult {
    var isSuccess: Bool { self == .success }
}
