#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Whether a data directory belongs to the user running Retour alone, checked as OpenSSH's
/// StrictModes checks `~/.ssh` before anything in it is read or written: the directory must be
/// owned by the effective user and writable by nobody else, and every directory above it owned
/// by that user or by root and writable by nobody else — except a root-owned directory with the
/// sticky bit (`/tmp`), where nobody can rename or remove another user's entries. Anyone who
/// can write to one of them could swap the data directory or plant files and links in it.
///
/// Nothing is ever changed here: a directory that fails is refused with what to do.
public enum DataDirectory {
    /// Why a directory cannot be used as a data directory. Paths are the ones of this
    /// machine (never personal data); owners are account names.
    public enum Refusal: UserFacingError, Equatable {
        /// The data directory is owned by another account.
        case ownedByOther(path: String, owner: String, user: String)
        /// The data directory, owned by the user, can be written by group or others.
        case writableByOthers(path: String, mode: String)
        /// A directory above the data directory is owned by an account other than root and the user.
        case parentOwnedByOther(path: String, owner: String)
        /// A directory above the data directory can be written by others (and is not root's with the sticky bit).
        case parentWritableByOthers(path: String, mode: String)
        /// A file in the data directory is owned by another account.
        case fileOwnedByOther(file: String, owner: String, user: String, path: String)
        /// A name in the data directory is not a regular file (a device, a pipe, a directory).
        case notAFile(file: String)
        /// `init` or a first write on a directory holding other files than Retour's.
        case notEmpty(path: String)

        public var message: Message {
            switch self {
            case .ownedByOther(let path, let owner, let user):
                return Message("error.dir.owner", ["path": path, "owner": owner, "user": user])
            case .writableByOthers(let path, let mode):
                return Message("error.dir.writable", ["path": path, "mode": mode])
            case .parentOwnedByOther(let path, let owner):
                return Message("error.dir.parentOwner", ["path": path, "owner": owner])
            case .parentWritableByOthers(let path, let mode):
                return Message("error.dir.parentWritable", ["path": path, "mode": mode])
            case .fileOwnedByOther(let file, let owner, let user, let path):
                return Message("error.dir.fileOwner", ["file": file, "owner": owner, "user": user, "path": path])
            case .notAFile(let file):
                return Message("error.dir.notAFile", ["file": file])
            case .notEmpty(let path):
                return Message("error.dir.notEmpty", ["path": path])
            }
        }
    }

    /// The names Retour keeps in a data directory: a directory holding one of them is a data
    /// directory, one holding only other names is not to be made one.
    static let ownNames: Set<String> = [
        Store.Files.snapshot, Store.Files.journal, Store.Files.index, Store.Files.lock, Store.Files.sessions, Store.Files.key,
        Store.Files.backups, Store.Files.snapshot + ".tmp", Store.Files.index + ".tmp", Store.Files.journal + ".tmp",
        HistoryFile.fileName,
        HistoryFile.fileName + ".tmp",
    ]

    /// Whether `names` (a directory's entries) make a directory Retour may write in: empty, or
    /// holding at least one of Retour's files.
    static func mayBecomeDataDirectory(_ names: [String]) -> Bool {
        names.isEmpty || names.contains(where: ownNames.contains)
    }

    /// `path` with every symbolic link resolved, once (`realpath`); the part that does not
    /// exist yet is kept as it is, under the resolved part that does.
    public static func resolved(_ path: String) -> String {
        var existing = URL(fileURLWithPath: path).standardizedFileURL
        var missing: [String] = []
        while true {
            if let real = realpath(existing.path, nil) {
                defer { free(real) }
                var result = URL(fileURLWithPath: String(cString: real))
                for component in missing.reversed() { result.appendPathComponent(component) }
                return result.path
            }
            let parent = existing.deletingLastPathComponent()
            if parent.path == existing.path { return path }
            missing.append(existing.lastPathComponent)
            existing = parent
        }
    }

    /// Refuses `path` (already resolved) unless it and every existing directory above it may
    /// hold the data of the effective user alone. A missing data directory is checked through
    /// the directories above it, where it would be made.
    public static func verify(_ path: String) throws {
        let user = geteuid()
        var info = stat()
        if lstat(path, &info) == 0 {
            try verifyOwn(info, path: path, user: user)
        }
        var above = (path as NSString).deletingLastPathComponent
        var previous = path
        while !above.isEmpty && above != previous {
            if lstat(above, &info) == 0 {
                if info.st_uid != 0 && info.st_uid != user {
                    throw Refusal.parentOwnedByOther(path: above, owner: accountName(info.st_uid))
                }
                let sticky = info.st_uid == 0 && info.st_mode & S_ISVTX != 0
                if info.st_mode & 0o022 != 0 && !sticky {
                    throw Refusal.parentWritableByOthers(path: above, mode: modeText(info.st_mode))
                }
            }
            previous = above
            above = (above as NSString).deletingLastPathComponent
        }
    }

    /// The data directory itself (from `stat`/`fstat`): owned by `user`, writable by nobody else.
    static func verifyOwn(_ info: stat, path: String, user: uid_t = geteuid()) throws {
        if info.st_uid != user {
            throw Refusal.ownedByOther(path: path, owner: accountName(info.st_uid), user: accountName(user))
        }
        if info.st_mode & 0o022 != 0 {
            throw Refusal.writableByOthers(path: path, mode: modeText(info.st_mode))
        }
    }

    /// Every entry of the data directory open at `fd`, and of its `backups/`, belongs to the
    /// user: one another account placed there (or was given) stops every command, whether
    /// or not the command would use it; `check` names them all. Links are not followed, only
    /// their owner looked at (Retour refuses a link where it would use one).
    static func verifyEntries(at fd: Int32, path: String, user: uid_t = geteuid()) throws {
        func verify(_ directory: Int32, prefix: String) throws {
            for name in entries(of: directory) {
                var info = stat()
                guard fstatat(directory, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
                let relative = prefix + name
                if info.st_uid != user {
                    throw Refusal.fileOwnedByOther(file: relative, owner: accountName(info.st_uid), user: accountName(user),
                                                   path: path + "/" + relative)
                }
                if prefix.isEmpty && name == Store.Files.backups && info.st_mode & S_IFMT == S_IFDIR {
                    let backups = openat(directory, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                    guard backups >= 0 else { continue }
                    defer { _ = Glibc.close(backups) }
                    try verify(backups, prefix: name + "/")
                }
            }
        }
        try verify(fd, prefix: "")
    }

    /// The names in the directory open at `fd` (which stays open), "." and ".." aside.
    private static func entries(of fd: Int32) -> [String] {
        let copy = dup(fd)
        guard copy >= 0, let stream = fdopendir(copy) else {
            if copy >= 0 { _ = Glibc.close(copy) }
            return []
        }
        defer { closedir(stream) }
        rewinddir(stream)
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// A file opened in the data directory (from `fstat`): a regular file owned by the user.
    static func verifyFile(_ info: stat, name: String, directory: String) throws {
        guard info.st_mode & S_IFMT == S_IFREG else { throw Refusal.notAFile(file: name) }
        let user = geteuid()
        if info.st_uid != user {
            throw Refusal.fileOwnedByOther(file: name, owner: accountName(info.st_uid), user: accountName(user),
                                           path: directory + "/" + name)
        }
    }

    /// The account name of `uid`, or the number when it has none.
    static func accountName(_ uid: uid_t) -> String {
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return String(uid) }
        return String(cString: name)
    }

    static func modeText(_ mode: mode_t) -> String {
        String(format: "%04o", mode & 0o7777)
    }
}
