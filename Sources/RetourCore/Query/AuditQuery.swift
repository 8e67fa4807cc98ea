import Foundation

/// A selection of the history for the audit (screen and `retour audit`): by person, case,
/// kind and dates, within what the clearance may audit — a supervisor the entries of their
/// team's people and about their team's cases, an administrator all. Entries are read once;
/// nothing is kept but what matches.
public struct AuditQuery: Sendable {
    public var user: String?
    public var caseNumber: String?
    public var kind: String?
    public var since: CalendarDate?
    public var until: CalendarDate?

    public init(user: String? = nil, caseNumber: String? = nil, kind: String? = nil,
                since: CalendarDate? = nil, until: CalendarDate? = nil) {
        self.user = user
        self.caseNumber = caseNumber
        self.kind = kind
        self.since = since
        self.until = until
    }

    /// One entry as the audit shows it: no PIN or passphrase is ever in one, and the details
    /// of a change are its kind and case, not its contents.
    public struct Line: Sendable, Equatable {
        public let position: Int
        public let at: Date
        public let by: String
        public let kind: String
        public let caseNumber: String
        /// What happened, in codes and numbers: the change's kind, the login signed in, the
        /// scope and count of an export.
        public let detail: String
        /// The change's kind (`register`, `editProfile`…) when the entry is a change: its
        /// label is `audit.change.<kind>` in the catalogue.
        public var change: String? = nil
    }

    /// Why an audit is refused.
    public enum Refusal: UserFacingError, Equatable {
        case notAllowed
        case unknownKind(String)

        public var message: Message {
            switch self {
            case .notAllowed: return Message("audit.error.notAllowed")
            case .unknownKind(let kind):
                return Message("audit.error.kind", ["kind": kind, "kinds": HistoryEvent.kinds.joined(separator: ", ")])
            }
        }
    }

    /// The matching entries of `store`'s history, oldest first. Case workers may not audit.
    public func lines(in store: Store, for clearance: Clearance) throws -> [Line] {
        let book = store.book
        let scope = Scope(clearance, users: book.users)
        guard book.users.isEmpty || scope.clearance.role >= .supervisor else { throw Refusal.notAllowed }
        if let kind, !HistoryEvent.kinds.contains(kind) { throw Refusal.unknownKind(kind) }
        // A supervisor audits the people of their teams (themselves included).
        let team: Set<String>? = scope.reachesEverything ? nil
            : Set(book.users.all.filter { scope.mayAssign(to: $0.login) }.map(\.login))
        let wantedCase = caseNumber?.uppercased()
        var lines: [Line] = []
        // From a first day, the history is read backward from its end to that day only.
        let entries: (((HistoryEntry) throws -> Bool) throws -> Void) = { body in
            if let since = self.since {
                for entry in try store.history.recent(since: since.start()) where try !body(entry) { return }
            } else {
                try store.history.forEach(body)
            }
        }
        try entries { entry in
            let day = CalendarDate(entry.at)
            if let since, day < since { return true }
            if let until, day > until { return true }
            if let kind, entry.event.kind != kind { return true }
            if let user, entry.by != user && entry.event.login != user { return true }
            let line = AuditQuery.line(entry, book: book)
            if let team, !team.contains(entry.by), !AuditQuery.isAbout(line.caseNumber, in: scope, book: book) { return true }
            if let wantedCase, line.caseNumber != wantedCase { return true }
            lines.append(line)
            return true
        }
        return lines
    }

    /// Whether `number` names a case of the scope (an administrator's change of a team case).
    static func isAbout(_ number: String, in scope: Scope, book: CaseBook) -> Bool {
        guard !number.isEmpty, let id = book.find(numberOf: number), let digest = book.digest(id) else { return false }
        return scope.contains(digest)
    }

    static func line(_ entry: HistoryEntry, book: CaseBook) -> Line {
        var number = entry.event.caseNumber ?? ""
        let detail: String
        switch entry.event {
        case .change(let journal):
            if number.isEmpty, let id = journal.change.caseID { number = book.digest(id)?.number ?? "" }
            switch journal.change {
            case .addUser(let user): detail = "addUser \(user.login) \(user.role.rawValue)"
            case .updateUser(let login, let update):
                // A new PIN is said as such, its hash never shown.
                let what: String
                switch update {
                case .disable: what = "disable"
                case .enable: what = "enable"
                case .role(let role): what = "role \(role.rawValue)"
                case .teams(let teams): what = "teams \(teams.joined(separator: ","))"
                case .pin: what = "pin"
                }
                detail = "updateUser \(login) \(what)"
            default: detail = journal.change.name
            }
        case .signIn(let login), .signInFailed(let login), .unlock(let login): detail = login
        case .lockout(let login, let until): detail = "\(login) \(ISO8601DateFormatter().string(from: until))"
        case .view: detail = ""
        case .export(let scope, let count): detail = "\(scope) \(count)"
        case .report(let name, let scope, let count): detail = "\(name) \(scope) \(count)"
        }
        var change: String?
        if case .change(let journal) = entry.event { change = journal.change.name }
        return Line(position: entry.position, at: entry.at, by: entry.by, kind: entry.event.kind, caseNumber: number, detail: detail,
                    change: change)
    }
}
