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

    /// `data` as is to a file or a program; on a terminal, its control characters shown
    /// instead of sent (its lines kept).
    static func dataShownOnTerminal(_ data: Data) {
        self.data(isTerminal ? Data(TerminalText.visible(String(decoding: data, as: UTF8.self), layout: .kept).utf8) : data)
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

extension Session {
    /// Who runs this command. In a directory with users: the user `author` names (`--user`,
    /// `RETOUR_USER`, `$USER`), signed in with their PIN (`RETOUR_PIN`, else typed without
    /// echo); a refusal is one line and a non-zero exit, before anything is read or written.
    /// In a directory without users: whoever is at the terminal, told on stderr that anyone
    /// can read everything and how to create the administrator.
    func clearance(for store: Store, warnWithoutUsers: Bool = true) throws -> Clearance {
        if store.book.users.isEmpty {
            if warnWithoutUsers { Output.error("retour: " + catalog.text("signin.warning.noUsers")) }
            return try Clearance.withoutUsers(author, book: store.book)
        }
        let pin = try PIN.read(prompt: catalog.text("signin.prompt.pin", ["login": TerminalText.visible(author)]),
                               environment: ProcessInfo.processInfo.environment)
        return try SignIn.attempt(login: author, pin: pin, store: store)
    }

    /// The cases this command's user may read.
    func reader(of store: Store) throws -> CaseReader {
        store.reader(for: try clearance(for: store))
    }
}
