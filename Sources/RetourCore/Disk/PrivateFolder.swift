#if canImport(Glibc)
import Glibc
#endif
import Foundation

extension PrivateFile {
    /// Why a folder of output files cannot be written. Names it by the path the user gave.
    public enum FolderFailure: UserFacingError, Equatable {
        /// The path exists and is not a folder.
        case notAFolder(String)
        /// The path does not exist and reads as a file name (`cases.csv`): most likely a
        /// command written for a single file.
        case looksLikeAFile(String)

        public var message: Message {
            switch self {
            case .notAFolder(let path): return Message("output.error.notAFolder", ["path": path])
            case .looksLikeAFile(let path): return Message("output.error.looksLikeAFile", ["path": path])
            }
        }
    }

    /// Writes `files` (name → bytes) into the folder `directory`, created 0700 when missing
    /// (its parent must exist). Each file is written as `write(_:to:)` writes one — 0600,
    /// complete or absent — and none replaces an older one unless all were written: every
    /// temp file is written and fsync'd first, then all are renamed.
    public static func write(_ files: [(name: String, data: Data)], into directory: URL) throws {
        let folder = directory.standardizedFileURL.path
        if Posix.exists(folder) {
            guard Posix.isDirectory(folder) else { throw FolderFailure.notAFolder(directory.path) }
        } else {
            let parent = (folder as NSString).deletingLastPathComponent
            guard Posix.isDirectory(parent) else { throw Failure.noDirectory(parent) }
            guard mkdir(folder, Posix.directoryMode) == 0 || errno == EEXIST else {
                throw FileError(operation: .create, file: directory.path, code: errno)
            }
            guard chmod(folder, Posix.directoryMode) == 0 else {
                throw FileError(operation: .permissions, file: directory.path, code: errno)
            }
            try Posix.syncDirectory(parent, name: parent)
        }
        var staged: [(temporary: String, target: String, name: String)] = []
        func removeStaged() {
            for file in staged { unlink(file.temporary) }
        }
        for file in files {
            let temporary = "\(folder)/.\(file.name).\(UUID().uuidString.prefix(8)).tmp"
            do {
                let fd = try Posix.open(temporary, O_WRONLY | O_CREAT | O_EXCL, name: file.name, operation: .create)
                staged.append((temporary, "\(folder)/\(file.name)", file.name))
                defer { close(fd) }
                try Posix.writeAll(fd, [UInt8](file.data), name: file.name)
                try Posix.sync(fd, name: file.name)
            } catch {
                removeStaged()
                throw error
            }
        }
        for (index, file) in staged.enumerated() {
            guard rename(file.temporary, file.target) == 0 else {
                let code = errno
                for rest in staged[index...] { unlink(rest.temporary) }
                throw FileError(operation: .rename, file: file.name, code: code)
            }
        }
        try Posix.syncDirectory(folder, name: directory.path)
    }
}
