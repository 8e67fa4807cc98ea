#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The session lock: `flock` on a separate file (the snapshot's inode changes at every
/// rename). The kernel releases it when the process dies, even by `kill -9`.
final class FileLock {
    private var fd: Int32
    /// Whether this process holds the lock.
    let acquired: Bool
    /// Who holds it, as written by the holder: user name and start time.
    let holder: String?

    init(path: String, name: String) throws {
        fd = try Posix.open(path, O_RDWR | O_CREAT, name: name, operation: .lock)
        if flock(fd, LOCK_EX | LOCK_NB) == 0 {
            acquired = true
            holder = nil
            let formatter = ISO8601DateFormatter()
            let user = ProcessInfo.processInfo.environment["USER"] ?? "?"
            let text = "\(user) \(formatter.string(from: Date())) pid \(getpid())\n"
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
            let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            holder = text.isEmpty ? nil : text
            close(fd)
            fd = -1
        }
    }

    func release() {
        guard fd >= 0 else { return }
        flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }

    deinit { release() }
}
