import Foundation

/// Proving who one is: a login and its PIN, checked against the user's slow hash. Every
/// attempt is kept in the history; five wrong PINs in a row lock the login for five minutes,
/// on the command line and in the case manager alike, and the lock survives a restart
/// because it is read back from the history.
public enum SignIn {
    public static let attemptsBeforeLockout = 5
    public static let lockoutDuration: TimeInterval = 5 * 60
    /// How far back failed attempts count as "in a row": a wrong PIN typed yesterday does not
    /// bring today's lockout nearer.
    static let attemptWindow: TimeInterval = 60 * 60
    /// The history's events a lockout is decided on (`lockedUntil`, `failuresInARow`).
    static let accessKinds: Set<String> = ["signIn", "signInFailed", "lockout", "unlock"]

    /// Why a sign-in is refused. Never says anything of the PIN.
    public enum Refusal: UserFacingError, Equatable {
        case unknownUser(login: String)
        case disabled(login: String)
        case wrongPIN(login: String, attemptsLeft: Int)
        case locked(login: String, until: Date)

        public var message: Message {
            switch self {
            case .unknownUser(let login): return Message("signin.error.unknown", ["login": login])
            case .disabled(let login): return Message("signin.error.disabled", ["login": login])
            case .wrongPIN(let login, let left): return Message("signin.error.wrongPIN", ["login": login, "left": String(left)])
            case .locked(let login, let until):
                let minutes = max(1, Int((until.timeIntervalSinceNow / 60).rounded(.up)))
                return Message("signin.error.locked", ["login": login, "count": String(minutes)])
            }
        }
    }

    /// The clearance of `login` once `pin` is proved, the sign-in recorded. A wrong PIN is
    /// recorded too, and the fifth in a row records a lockout.
    public static func attempt(login: String, pin: String, store: Store, now: Date = Date()) throws -> Clearance {
        // A login no user can have is refused before anything is read or recorded: what was
        // typed may be anything, of any length.
        guard User.isValidLogin(login) else { throw Refusal.unknownUser(login: String(login.prefix(32))) }
        let history = store.history
        let recent = try history.recent(since: now - attemptWindow, kinds: accessKinds)
        if let until = lockedUntil(login, in: recent, now: now) { throw Refusal.locked(login: login, until: until) }
        guard let user = store.book.users[login] else {
            try record(.signInFailed(login: HistoryEvent.unknownLogin), by: HistoryEvent.unknownLogin, store: store, now: now)
            throw Refusal.unknownUser(login: login)
        }
        guard user.active else { throw Refusal.disabled(login: login) }
        guard user.pin.matches(pin) else {
            try record(.signInFailed(login: login), by: login, store: store, now: now)
            let failures = failuresInARow(login, in: recent) + 1
            if failures >= attemptsBeforeLockout {
                let until = now + lockoutDuration
                try record(.lockout(login: login, until: until), by: login, store: store, now: now)
                throw Refusal.locked(login: login, until: until)
            }
            throw Refusal.wrongPIN(login: login, attemptsLeft: attemptsBeforeLockout - failures)
        }
        try record(.signIn(login: login), by: login, store: store, now: now)
        try store.announce(user.login)
        return Clearance(login: user.login, user: user)
    }

    /// The same user proving their PIN again at the locked screen: nothing but the PIN is
    /// checked, and failures count towards the lockout as at sign-in.
    public static func unlockScreen(_ clearance: Clearance, pin: String, store: Store, now: Date = Date()) throws -> Clearance {
        try attempt(login: clearance.login, pin: pin, store: store, now: now)
    }

    /// Until when `login` is locked out, from the history's recent entries; nil when it is not.
    static func lockedUntil(_ login: String, in recent: [HistoryEntry], now: Date) -> Date? {
        for entry in recent.reversed() {
            switch entry.event {
            case .lockout(let locked, let until) where locked == login: return until > now ? until : nil
            case .unlock(let unlocked) where unlocked == login: return nil
            case .signIn(let signedIn) where signedIn == login: return nil
            default: continue
            }
        }
        return nil
    }

    /// Failed attempts of `login` since its last sign-in, unlock or lockout.
    static func failuresInARow(_ login: String, in recent: [HistoryEntry]) -> Int {
        var count = 0
        for entry in recent.reversed() {
            switch entry.event {
            case .signInFailed(let failed) where failed == login: count += 1
            case .signIn(let other) where other == login: return count
            case .unlock(let other) where other == login: return count
            case .lockout(let other, _) where other == login: return count
            default: continue
            }
        }
        return count
    }

    /// When `login` signed in before the sign-in just made (nil: never): what the user is told
    /// about is what others did to their cases since then (`SignInNotices`).
    public static func previousSignIn(of login: String, store: Store) throws -> Date? {
        var seen = 0
        return try store.history.latest { entry in
            guard case .signIn(let signedIn) = entry.event, signedIn == login else { return false }
            seen += 1
            return seen == 2
        }?.at
    }

    /// Whether `login` is locked out now.
    public static func isLocked(_ login: String, store: Store, now: Date = Date()) throws -> Bool {
        try lockedUntil(login, in: store.history.recent(since: now - attemptWindow, kinds: accessKinds), now: now) != nil
    }

    /// Lifts the lockout of `login`: an administrator's act, recorded. Returns false (and
    /// records nothing) when the login was not locked.
    @discardableResult
    public static func unlock(_ login: String, by clearance: Clearance, store: Store, now: Date = Date()) throws -> Bool {
        guard store.book.users.isEmpty || store.book.users[clearance.login]?.role == .administrator else {
            throw ChangeError.forbidden(.manageUsers)
        }
        guard store.book.users[login] != nil else { throw ChangeError.invalidUser(.unknownLogin, login: login) }
        guard try isLocked(login, store: store, now: now) else { return false }
        try record(.unlock(login: login), by: clearance.login, store: store, now: now)
        return true
    }

    private static func record(_ event: HistoryEvent, by login: String, store: Store, now: Date) throws {
        try store.recordEvent(event, by: login, at: now)
    }
}

/// Reading a PIN: from `RETOUR_PIN` (`RETOUR_NEW_PIN` for a new one) when set, for scripts
/// (less safe: other processes of the same account may read a process's environment), else
/// typed on the terminal without echo.
public enum PIN {
    public static let variable = "RETOUR_PIN"
    public static let newVariable = "RETOUR_NEW_PIN"

    public enum Problem: UserFacingError, Equatable {
        case tooShort
        case tooLong
        case differ
        case noTerminal(variable: String)
        case cancelled

        public var message: Message {
            switch self {
            case .tooShort: return Message("signin.error.pinTooShort", ["minimum": String(PINHash.minimumLength)])
            case .tooLong: return Message("signin.error.pinTooLong", ["maximum": String(PINHash.maximumLength)])
            case .differ: return Message("signin.error.pinsDiffer")
            case .noTerminal(let variable): return Message("signin.error.noTerminal", ["variable": variable])
            case .cancelled: return Message("signin.error.cancelled")
            }
        }
    }

    /// Refuses a new PIN shorter than `PINHash.minimumLength` or made of spaces only.
    public static func validate(_ pin: String) throws {
        guard pin.count >= PINHash.minimumLength, !pin.allSatisfy(\.isWhitespace) else { throw Problem.tooShort }
        guard pin.utf8.count <= PINHash.maximumLength else { throw Problem.tooLong }
    }

    public static func read(prompt: String, environment: [String: String]) throws -> String {
        try speakingOfPINs { try Passphrase.read(prompt: prompt, environment: environment, variable: variable) }
    }

    /// A new PIN, typed twice.
    public static func readNew(prompt: String, confirm: String, environment: [String: String]) throws -> String {
        try speakingOfPINs {
            try Passphrase.readNew(prompt: prompt, confirm: confirm, environment: environment, variable: newVariable,
                                   validate: validate, mismatch: Problem.differ)
        }
    }

    /// The terminal is the passphrase's: its refusals are said again of a PIN.
    private static func speakingOfPINs(_ body: () throws -> String) throws -> String {
        do {
            return try body()
        } catch SealingError.noTerminal(let variable) {
            throw Problem.noTerminal(variable: variable)
        } catch SealingError.cancelled {
            throw Problem.cancelled
        }
    }
}
