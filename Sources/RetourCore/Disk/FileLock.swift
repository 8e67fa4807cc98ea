#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The session lock: `flock` on a separate file (the snapshot's inode changes at every
/// rename). The kernel releases it when the process dies, even by `kill -9`.
final class FileLock: SessionLock {
    private var fd: Int32
    /// Whether this process holds the lock.
    public let acquired: Bool
    /// Who holds it, as written by the holder: user name and start time.
    public let holder: String?

    /// Takes the lock for `user` on the lock file `fd` (opened read-write, and owned from
    /// now on) if it is free; else reads who holds it.
    init(fd: Int32, name: String, user: String) throws {
        self.fd = fd
        if flock(fd, LOCK_EX | LOCK_NB) == 0 {
            acquired = true
            holder = nil
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.dateFormat = "yyyy-MM-dd HH:mm"
            let text = "\(user) (\(formatter.string(from: Date())))\npid \(getpid())\n"
            _ = ftruncate(fd, 0)
            _ = pwrite(fd, text, text.utf8.count, 0)
        } else {
            let code = errno
            guard code == EWOULDBLOCK || code == EAGAIN else {
                close(fd)
                throw FileError(operation: .lock, file: name, code: code)
            }
            acquired = false
            let bytes = (try? Posix.readAll(fd, name: name)) ?? []
            holder = FileLock.holder(in: bytes)
            close(fd)
            self.fd = -1
        }
    }

    public func release() {
        guard fd >= 0 else { return }
        flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }

    deinit { release() }

    /// The first line of a lock file: "user (start time)".
    static func holder(in bytes: [UInt8]) -> String? {
        let line = String(decoding: bytes, as: UTF8.self).split(separator: "\n").first
        return line.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
    }
}
