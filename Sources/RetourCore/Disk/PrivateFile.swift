#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Writes a file of personal data outside the data directory (an export, rejected rows):
/// readable by its owner only (0600), and complete or absent — a temp file in the same
/// directory, created with O_EXCL, fsync'd, renamed over the target, then the directory
/// fsync'd. `Data.write(options: .atomic)` keeps neither the mode nor the directory entry.
public enum PrivateFile {
    /// Why an output file cannot be written. Names the file by the path the user gave.
    public enum Failure: UserFacingError, Equatable {
        case noDirectory(String)

        public var message: Message {
            switch self {
            case .noDirectory(let path): return Message("output.error.noDirectory", ["path": path])
            }
        }
    }

    public static func write(_ data: Data, to url: URL) throws {
        let target = url.standardizedFileURL
        let directory = target.deletingLastPathComponent().path
        let name = target.lastPathComponent
        guard Posix.isDirectory(directory) else { throw Failure.noDirectory(directory) }
        let temporary = "\(directory)/.\(name).\(UUID().uuidString.prefix(8)).tmp"
        let fd = try Posix.open(temporary, O_WRONLY | O_CREAT | O_EXCL, name: name, operation: .create)
        do {
            defer { close(fd) }
            try Posix.writeAll(fd, [UInt8](data), name: name)
            try Posix.sync(fd, name: name)
        } catch {
            unlink(temporary)
            throw error
        }
        guard rename(temporary, target.path) == 0 else {
            let code = errno
            unlink(temporary)
            throw FileError(operation: .rename, file: name, code: code)
        }
        try Posix.syncDirectory(directory, name: directory)
    }
}
