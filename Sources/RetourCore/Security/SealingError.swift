/// Why an encrypted data directory cannot be opened, or a passphrase not accepted. Never
/// carries a passphrase, a key or the content of a line.
public enum SealingError: UserFacingError, Equatable {
    /// The passphrase does not unlock the key file (or its wrapped key was altered).
    case wrongPassphrase
    /// A sealed line was altered, cut, or sealed with another key.
    case damaged
    /// The key file is not a Retour key file, or it is damaged.
    case keyFileUnreadable
    /// The key file was written by a newer version of Retour.
    case keyFileNewer(found: Int)
    /// A new passphrase shorter than `Passphrase.minimumLength` characters.
    case passphraseTooShort
    /// A new passphrase of only spaces (or other blank characters).
    case passphraseBlank
    /// The new passphrase and its confirmation differ.
    case passphrasesDiffer
    /// There is no terminal to ask for the passphrase, and `RETOUR_PASSPHRASE` is not set.
    case noTerminal(variable: String)
    /// The new passphrase is the current one.
    case samePassphrase
    /// The user pressed Ctrl-C or Ctrl-D at the passphrase prompt.
    case cancelled

    public var message: Message {
        switch self {
        case .wrongPassphrase:
            return Message("crypto.error.wrongPassphrase", ["file": KeyFile.fileName])
        case .damaged:
            return Message("crypto.error.damaged")
        case .keyFileUnreadable:
            return Message("crypto.error.keyFileUnreadable", ["file": KeyFile.fileName])
        case .keyFileNewer(let found):
            return Message("crypto.error.keyFileNewer",
                           ["file": KeyFile.fileName, "found": String(found), "known": String(KeyFile.version)])
        case .passphraseTooShort:
            return Message("crypto.error.passphraseTooShort", ["minimum": String(Passphrase.minimumLength)])
        case .passphraseBlank:
            return Message("crypto.error.passphraseBlank")
        case .passphrasesDiffer:
            return Message("crypto.error.passphrasesDiffer")
        case .samePassphrase:
            return Message("crypto.error.samePassphrase")
        case .noTerminal(let variable):
            return Message("crypto.error.noTerminal", ["variable": variable])
        case .cancelled:
            return Message("crypto.error.cancelled")
        }
    }
}
