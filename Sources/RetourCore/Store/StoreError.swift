/// Why a data directory cannot be opened or changed. Files are named by their place in the
/// data directory; contents are never quoted, since they are personal data.
public enum StoreError: UserFacingError, Equatable {
    /// A file that does not parse. It is left untouched.
    /// `reason` is a catalogue key; `detail` a field path or counts, never a value.
    case unreadable(file: String, line: Int, reason: String, detail: String, newestBackup: String?)
    /// A file written by a newer version of Retour.
    case newerSchema(file: String, found: Int)
    /// Another session holds the lock; this one may only read.
    case readOnly(holder: String?)
    /// The data directory cannot be written (a read-only disk, or permissions that let this
    /// user only read it): the session only reads.
    case readOnlyDirectory
    case notADirectory(String)
    /// The directory has a key file: it opens only with its passphrase.
    case encrypted
    /// Lines are sealed but the key file that opens them is missing.
    case keyMissing(file: String)
    /// The key file opens with its passphrase but is not the one that sealed this data.
    case keyMismatch(file: String)
    /// Another session works on the directory: a command that must have it alone waits.
    case busy(holder: String?)
    /// Encrypting while lines of the snapshot are set aside (they must be corrected first).
    case setAsideLines(count: Int)
    /// `retour init --encrypt` on a directory that already is.
    case alreadyEncrypted
    /// An encrypted directory whose `files` can still be read without the passphrase: its
    /// encryption was interrupted (a crash, a full disk), and `retour init --encrypt` finishes it.
    case encryptionUnfinished(files: [String])
    /// Folding the journal into a new snapshot failed on closing (the file error says why);
    /// every change is still in the journal.
    case notCompacted(FileError)
    /// A change was written to the journal, but its fsync failed (the file error says why):
    /// other sessions may have read it, so it stays; it may be lost if the machine stops, and
    /// the session saves nothing more (the disk is not to be trusted).
    case unconfirmed(FileError)
    /// Changes saved in the journal could not be written to the history (a full disk, a
    /// damaged history): the journal keeps them, and is not folded into a snapshot until the
    /// history holds them.
    case historyBehind

    public var message: Message {
        switch self {
        case .unreadable(let file, let line, let reason, let detail, let backup):
            var arguments = ["file": file, "line": String(line), "reason": "@" + reason, "detail": detail]
            guard let backup else { return Message("error.store.unreadableNoBackup", arguments) }
            arguments["backup"] = backup
            return Message("error.store.unreadable", arguments)
        case .newerSchema(let file, let found):
            return Message("error.store.newerSchema", ["file": file, "found": String(found), "known": String(Schema.version)])
        case .readOnly(let holder):
            return Message(holder == nil ? "error.store.readOnly" : "error.store.readOnlyHolder", ["holder": holder ?? ""])
        case .readOnlyDirectory:
            return Message("error.store.readOnlyDirectory")
        case .notADirectory(let path):
            return Message("error.store.notADirectory", ["path": path])
        case .encrypted:
            return Message("error.store.encrypted")
        case .keyMissing(let file):
            return Message("error.store.keyMissing", ["file": file])
        case .keyMismatch(let file):
            return Message("error.store.keyMismatch", ["file": file])
        case .busy(let holder):
            return Message("error.store.busy", ["holder": holder ?? "?"])
        case .setAsideLines(let count):
            return Message("error.store.setAside", ["count": String(count)])
        case .alreadyEncrypted:
            return Message("error.store.alreadyEncrypted")
        case .encryptionUnfinished(let files):
            return Message("error.store.encryptionUnfinished", ["files": files.joined(separator: ", ")])
        case .historyBehind:
            return Message("error.store.historyBehind", ["file": HistoryFile.fileName])
        case .notCompacted(let error):
            return Message("error.store.notCompacted", ["file": error.file, "reason": error.message.arguments["reason"] ?? ""])
        case .unconfirmed(let error):
            return Message("error.store.unconfirmed", ["file": error.file, "reason": error.message.arguments["reason"] ?? ""])
        }
    }
}
