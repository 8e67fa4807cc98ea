import Foundation
import RetourCore

/// Where commands write: results on stdout (for scripts), everything else on stderr.
enum Output {
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    static func data(_ data: Data) {
        FileHandle.standardOutput.write(data)
    }

    /// Whether a person reads stdout on a terminal, rather than a file or a program: data
    /// written there must show its control characters instead of sending them.
    static var isTerminal: Bool { isatty(STDOUT_FILENO) == 1 }
}

/// A command's refusal, said with a catalogue message (never personal data).
struct CommandError: UserFacingError {
    let message: Message

    init(_ key: String, _ arguments: [String: String] = [:]) {
        message = Message(key, arguments)
    }
}

/// The store of `session`, read-only: it never writes or takes the lock. A directory that
/// does not exist is an error rather than an empty list (a mistyped `--data`, say), and so is
/// one that is not the user's alone or that the user cannot read (`Disk`).
func openForReading(_ session: Session) throws -> Store {
    let disk = try Disk(dataDirectory: session.dataDirectory.path)
    guard disk.exists(disk.directory) else {
        throw CommandError("check.missing", ["path": session.dataDirectory.path])
    }
    return try session.openStore(write: false)
}
