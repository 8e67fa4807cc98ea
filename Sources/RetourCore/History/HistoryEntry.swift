import Foundation

/// What happened, as the history keeps it: a committed change, a sign-in, a failed sign-in, a
/// lockout, an unlock, a case viewed, an export or a report.
///
/// Stored as one flat object whose `kind` says which (`{"kind":"signIn","login":"awa"}`), so
/// that the file reads without knowing Swift's enum encoding, and a kind this version does not
/// know fails to decode instead of being mistaken for another.
public enum HistoryEvent: Codable, Hashable, Sendable {
    /// A change made durable in the journal, as it was written there.
    case change(JournalEntry)
    case signIn(login: String)
    /// A refused sign-in; `login` is `unknownLogin` when it names no user.
    case signInFailed(login: String)
    /// `login` may not sign in before `until` (too many failed sign-ins).
    case lockout(login: String, until: Date)
    /// An administrator lifted the lockout of `login`.
    case unlock(login: String)
    case view(caseNumber: String)
    /// Cases written out of Retour: `scope` says which (the filter, in words), `count` how many.
    case export(scope: String, count: Int)
    case report(name: String, scope: String, count: Int)

    /// Every `kind`, in the order of the cases: the codes an audit filter accepts.
    /// Stands for a login that names no user in a failed sign-in: what was typed is not kept,
    /// since it may be a PIN typed into the wrong field. No login can be written so.
    public static let unknownLogin = "?"

    public static let kinds = ["change", "signIn", "signInFailed", "lockout", "unlock", "view", "export", "report"]

    /// A stable code, written in the file and used by filters.
    public var kind: String {
        switch self {
        case .change: return "change"
        case .signIn: return "signIn"
        case .signInFailed: return "signInFailed"
        case .lockout: return "lockout"
        case .unlock: return "unlock"
        case .view: return "view"
        case .export: return "export"
        case .report: return "report"
        }
    }

    /// The case the event names by number, for filters: a view, or a change registering a case.
    /// Other changes name their case by id only; the caller resolves it with its book.
    public var caseNumber: String? {
        switch self {
        case .view(let number): return number
        case .change(let entry):
            if case .register(_, let number, _) = entry.change { return number }
            return nil
        default: return nil
        }
    }

    /// The login the event is about (who signed in, failed, was locked out or unlocked).
    public var login: String? {
        switch self {
        case .signIn(let login), .signInFailed(let login), .lockout(let login, _), .unlock(let login): return login
        default: return nil
        }
    }

    /// The same event with its dates in whole seconds, as the file keeps them: what is read back
    /// equals what was appended.
    var inWholeSeconds: HistoryEvent {
        if case .lockout(let login, let until) = self { return .lockout(login: login, until: HistoryEntry.wholeSeconds(until)) }
        return self
    }

    private enum CodingKeys: String, CodingKey {
        case kind, entry, login, until, caseNumber, scope, count, name
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try container.decode(String.self, forKey: .kind)
        switch kind {
        case "change": self = .change(try container.decode(JournalEntry.self, forKey: .entry))
        case "signIn": self = .signIn(login: try container.decode(String.self, forKey: .login))
        case "signInFailed": self = .signInFailed(login: try container.decode(String.self, forKey: .login))
        case "lockout":
            self = .lockout(login: try container.decode(String.self, forKey: .login),
                            until: try container.decode(Date.self, forKey: .until))
        case "unlock": self = .unlock(login: try container.decode(String.self, forKey: .login))
        case "view": self = .view(caseNumber: try container.decode(String.self, forKey: .caseNumber))
        case "export":
            self = .export(scope: try container.decode(String.self, forKey: .scope),
                           count: try container.decode(Int.self, forKey: .count))
        case "report":
            self = .report(name: try container.decode(String.self, forKey: .name),
                           scope: try container.decode(String.self, forKey: .scope),
                           count: try container.decode(Int.self, forKey: .count))
        default:
            // A kind from a newer version: refused, never read as something else.
            throw DecodingError.dataCorruptedError(forKey: .kind, in: container, debugDescription: "unknown kind")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        switch self {
        case .change(let entry): try container.encode(entry, forKey: .entry)
        case .signIn(let login), .signInFailed(let login), .unlock(let login): try container.encode(login, forKey: .login)
        case .lockout(let login, let until):
            try container.encode(login, forKey: .login)
            try container.encode(until, forKey: .until)
        case .view(let number): try container.encode(number, forKey: .caseNumber)
        case .export(let scope, let count):
            try container.encode(scope, forKey: .scope)
            try container.encode(count, forKey: .count)
        case .report(let name, let scope, let count):
            try container.encode(name, forKey: .name)
            try container.encode(scope, forKey: .scope)
            try container.encode(count, forKey: .count)
        }
    }
}

/// One line of `history.jsonl`: an event, when, by whom, its place, and the link of the entry
/// before it (`HistoryChain`), which makes the history tamper-evident.
///
/// Written with sorted keys, so `position` and `previous` always close the line
/// (`…,"position":12,"previous":"9f…"}`): the chain is checked from those last bytes without
/// decoding the rest (`HistoryLine.tail`).
public struct HistoryEntry: Codable, Hashable, Sendable {
    /// From 1, without gaps: the entry's line number in the file.
    public var position: Int
    /// Whole seconds (the file keeps no fraction).
    public var at: Date
    /// The login of who did it.
    public var by: String
    public var event: HistoryEvent
    /// The link of the entry before, lowercase hex; "" for the first.
    public var previous: String

    public init(position: Int, at: Date, by: String, event: HistoryEvent, previous: String) {
        self.position = position
        self.at = at
        self.by = by
        self.event = event
        self.previous = previous
    }

    /// `time` without its fraction of a second, as the file keeps it (ISO 8601, whole seconds).
    static func wholeSeconds(_ time: Date) -> Date {
        Date(timeIntervalSince1970: time.timeIntervalSince1970.rounded(.down))
    }
}

/// Where a history ends: how many entries it holds and the link of the last one (count 0 and
/// "" when empty). Written down elsewhere (the snapshot's header, an administrator's notebook),
/// it lets `HistoryFile.verify(expected:)` notice a tail cut or a history rewritten whole.
public struct HistoryHead: Codable, Hashable, Sendable, CustomStringConvertible {
    public var count: Int
    public var link: String

    public init(count: Int, link: String) {
        self.count = count
        self.link = link
    }

    public static let empty = HistoryHead(count: 0, link: "")

    /// "12 9f3a…", short enough to copy by hand.
    public var description: String { "\(count) \(link)" }
}
