#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The passphrase of an encrypted data directory: its rules, and how it is asked for, on the
/// command line and in the case manager before the screen is taken over.
public enum Passphrase {
    /// The fewest characters a new passphrase may have.
    public static let minimumLength = 8
    /// For scripts: the passphrase, instead of asking on the terminal. Less safe: the
    /// environment of a process can be read by the same user, and lands in shell histories.
    public static let variable = "RETOUR_PASSPHRASE"
    /// For scripts that change the passphrase: the new one (`variable` holds the current one).
    public static let newVariable = "RETOUR_NEW_PASSPHRASE"
    /// Where the passphrase is asked: the controlling terminal, even when input or output
    /// are redirected.
    static let terminalPath = "/dev/tty"

    /// Refuses a new passphrase shorter than `minimumLength` characters (an empty one included),
    /// or made of spaces only (tabs, line breaks, no-break and ideographic spaces too).
    public static func validate(_ passphrase: String) throws {
        guard passphrase.count >= minimumLength else { throw SealingError.passphraseTooShort }
        guard !passphrase.allSatisfy(\.isWhitespace) else { throw SealingError.passphraseBlank }
    }

    /// The passphrase from `$RETOUR_PASSPHRASE` (or the `variable` given) when it is set and
    /// not empty, else typed on the terminal after `prompt`, without echo. Throws
    /// `SealingError.noTerminal` when there is neither, `SealingError.cancelled` on Ctrl-C
    /// or Ctrl-D. Does not check the length: an existing passphrase is what it is.
    public static func read(prompt: String, environment: [String: String], variable: String = variable) throws -> String {
        try read(prompt: prompt, environment: environment, variable: variable, terminal: terminalPath)
    }

    /// A new passphrase: from `variable` when it is set and not empty (checked once), else
    /// typed twice on the terminal. Throws what `validate` refuses it for (before asking for
    /// the confirmation), `SealingError.passphrasesDiffer` when the
    /// two differ. A command changing the passphrase passes `variable: Passphrase.newVariable`.
    /// A PIN passes its own `validate` and `mismatch`.
    public static func readNew(prompt: String, confirm: String, environment: [String: String],
                               variable: String = variable, validate: (String) throws -> Void = validate,
                               mismatch: Error = SealingError.passphrasesDiffer) throws -> String {
        try readNew(prompt: prompt, confirm: confirm, environment: environment, variable: variable, terminal: terminalPath,
                    validate: validate, mismatch: mismatch)
    }

    static func read(prompt: String, environment: [String: String], variable: String, terminal path: String) throws -> String {
        if let given = environment[variable], !given.isEmpty { return given }
        let terminal = try Terminal(path: path, variable: variable)
        defer { terminal.close() }
        return try terminal.readHidden(prompt: prompt)
    }

    static func readNew(prompt: String, confirm: String, environment: [String: String], variable: String,
                        terminal path: String, validate: (String) throws -> Void = validate,
                        mismatch: Error = SealingError.passphrasesDiffer) throws -> String {
        if let given = environment[variable], !given.isEmpty {
            try validate(given)
            return given
        }
        let terminal = try Terminal(path: path, variable: variable)
        defer { terminal.close() }
        let first = try terminal.readHidden(prompt: prompt)
        try validate(first)
        let second = try terminal.readHidden(prompt: confirm)
        guard first == second else { throw mismatch }
        return first
    }
}

/// A terminal opened to ask a passphrase without echo.
private struct Terminal {
    let fd: Int32

    /// `variable` is the one that would have spared the terminal, named when there is none.
    init(path: String, variable: String) throws {
        let fd = openTerminal(path)
        guard fd >= 0 else { throw SealingError.noTerminal(variable: variable) }
        var settings = termios()
        guard tcgetattr(fd, &settings) == 0 else {
            closeTerminal(fd)
            throw SealingError.noTerminal(variable: variable)
        }
        self.fd = fd
    }

    func close() { closeTerminal(fd) }

    /// Writes `prompt`, reads one line with echo, line editing and signal keys turned off,
    /// then puts the terminal back as it was, whatever happens, and ends the prompt's line.
    /// Handles Backspace and Ctrl-U itself; Ctrl-C, or Ctrl-D on an empty line, cancels.
    func readHidden(prompt: String) throws -> String {
        var saved = termios()
        guard tcgetattr(fd, &saved) == 0 else { throw SealingError.noTerminal(variable: Passphrase.variable) }
        var quiet = saved
        // With ISIG off, Ctrl-C arrives as a byte instead of killing the process with echo
        // still off; the loop below cancels on it after the terminal is restored.
        quiet.c_lflag &= ~tcflag_t(ECHO | ECHONL | ICANON | ISIG | IEXTEN)
        withUnsafeMutableBytes(of: &quiet.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        guard setAttributes(fd, &quiet) else { throw SealingError.noTerminal(variable: Passphrase.variable) }
        defer {
            _ = setAttributes(fd, &saved)
            writeAll(fd, Array("\n".utf8))
        }
        writeAll(fd, Array(prompt.utf8))

        let (interrupt, endOfFile, erase, kill) = withUnsafeBytes(of: saved.c_cc) { cc in
            (cc[Int(VINTR)], cc[Int(VEOF)], cc[Int(VERASE)], cc[Int(VKILL)])
        }
        var typed: [UInt8] = []
        defer { for index in typed.indices { typed[index] = 0 } }
        while true {
            guard let byte = readByte(fd) else { throw SealingError.cancelled }
            switch byte {
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                return String(decoding: typed, as: UTF8.self)
            case interrupt, 0x03:
                throw SealingError.cancelled
            case endOfFile, 0x04:
                if typed.isEmpty { throw SealingError.cancelled }
                return String(decoding: typed, as: UTF8.self)
            case erase, 0x7F, 0x08:
                // One character back: its UTF-8 continuation bytes, then its first byte.
                while let last = typed.last, last & 0xC0 == 0x80 { typed.removeLast() }
                if !typed.isEmpty { typed.removeLast() }
            case kill, 0x15:
                for index in typed.indices { typed[index] = 0 }
                typed.removeAll()
            case 0..<0x20:
                continue  // other control keys are not part of a passphrase
            default:
                typed.append(byte)
            }
        }
    }
}

// System calls, outside `Passphrase` so that `read` means the C function here.

private func openTerminal(_ path: String) -> Int32 {
    while true {
        let fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC)
        if fd >= 0 || errno != EINTR { return fd }
    }
}

private func closeTerminal(_ fd: Int32) {
    _ = close(fd)
}

private func setAttributes(_ fd: Int32, _ settings: inout termios) -> Bool {
    while true {
        if tcsetattr(fd, TCSAFLUSH, &settings) == 0 { return true }
        if errno != EINTR { return false }
    }
}

/// The next byte, or nil at the end of input or on an error (the terminal went away).
private func readByte(_ fd: Int32) -> UInt8? {
    var byte: UInt8 = 0
    while true {
        let count = read(fd, &byte, 1)
        if count == 1 { return byte }
        if count < 0 && errno == EINTR { continue }
        return nil
    }
}

/// Best effort: a prompt that cannot be written does not stop the passphrase being read.
private func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
    bytes.withUnsafeBytes { buffer in
        var offset = 0
        while offset < buffer.count {
            let written = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { return }
            offset += written
        }
    }
}
