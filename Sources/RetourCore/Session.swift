import Foundation

/// What every command needs to know about where it runs: the data directory, who is working,
/// the interface language and the reference data.
public struct Session: Sendable {
    public let dataDirectory: URL
    public let author: String
    public let catalog: Catalog
    public let reference: Reference

    public init(dataDirectory: URL, author: String, catalog: Catalog, reference: Reference) {
        self.dataDirectory = dataDirectory
        self.author = author
        self.catalog = catalog
        self.reference = reference
    }

    /// `--data DIR`, else `RETOUR_DATA`, else `$XDG_DATA_HOME/retour`, else `~/.local/share/retour`.
    public static func dataDirectory(explicit: String?, environment: [String: String]) -> URL {
        if let explicit, !explicit.isEmpty { return URL(fileURLWithPath: explicit).standardizedFileURL }
        if let fromEnvironment = environment["RETOUR_DATA"], !fromEnvironment.isEmpty {
            return URL(fileURLWithPath: fromEnvironment).standardizedFileURL
        }
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") {
            return URL(fileURLWithPath: xdg).appendingPathComponent("retour")
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return URL(fileURLWithPath: home).appendingPathComponent(".local/share/retour")
    }

    /// `--user LOGIN`, else `$RETOUR_USER`, else `$USER`, else the login name of the process.
    public static func author(explicit: String?, environment: [String: String]) -> String {
        for candidate in [explicit, environment["RETOUR_USER"], environment["USER"], environment["LOGNAME"]] {
            if let name = candidate?.trimmingCharacters(in: .whitespaces), !name.isEmpty { return name }
        }
        return NSUserName().isEmpty ? "unknown" : NSUserName()
    }

    /// `author`, refused when it holds a control character: the name is journaled and shown
    /// to other people (the lock notice), so it must be text, not terminal commands.
    public static func checkedAuthor(explicit: String?, environment: [String: String]) throws -> String {
        let name = author(explicit: explicit, environment: environment)
        guard PlainText.isAcceptable(name, lines: .one) else { throw InvalidAuthor() }
        return name
    }

    /// Why the name given for the changes cannot be used.
    public struct InvalidAuthor: UserFacingError {
        public init() {}
        public var message: Message { Message("error.user.control") }
    }

    /// `--lang`, else the language of the environment's locale variables.
    public static func language(explicit: Language?, environment: [String: String]) -> Language {
        explicit ?? Language.from(environment: environment)
    }
}

extension Session {
    /// The data directory's store. An encrypted directory is opened with its passphrase,
    /// taken from `RETOUR_PASSPHRASE` or asked on the terminal without echo.
    /// Its new enrolments are held to the tracks' rules of `reference`.
    public func openStore(write: Bool, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Store {
        let store = try Encryption.openStore(dataDirectory, write: write, user: author) {
            try Passphrase.read(prompt: catalog.text("crypto.prompt.passphrase"), environment: environment)
        }
        configure(store)
        return store
    }

    /// Gives `store` what the reference data decides for it: the tracks' enrolment rules and
    /// the journal size past which a commit compacts (`Settings.compactionThresholdMB`).
    public func configure(_ store: Store) {
        store.enrolmentRules = reference.tracks.enrolmentRules
        store.compactionThreshold = reference.settings.compactionThresholdBytes
    }
}
