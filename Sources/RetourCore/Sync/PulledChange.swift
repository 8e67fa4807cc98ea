import Foundation

/// A change of another site, as the server hands it over: the entry as its site journaled it
/// (its `seq` is the site's), where it comes from, and what is needed to tell whether it goes
/// against a change made here.
public struct PulledChange: Sendable {
    public var entry: JournalEntry
    public var origin: SyncOrigin
    /// The changes of this site to its case that its site had not seen when it was made (by
    /// their `seq` here), as the server tells from its order of every site's changes.
    public var unseenHere: Set<Int>

    public init(entry: JournalEntry, origin: SyncOrigin, unseenHere: Set<Int>) {
        self.entry = entry
        self.origin = origin
        self.unseenHere = unseenHere
    }

    /// How far its site had pulled when it was made (`JournalEntry.seen`).
    public var seen: Int { entry.seen ?? 0 }
}

/// A change made here, ready to be pushed: its entry, its payload (the entry's line, sealed
/// with the data key in an encrypted directory) and the teams its case belongs to now, which
/// decide the sites it reaches.
public struct OutgoingChange: Sendable {
    public var entry: JournalEntry
    public var payload: [UInt8]
    /// Nil for a change without a case, or whose worker is not a user here.
    public var teams: [String]?
    /// The case's number, for a registration: numbers given before the site joined are checked
    /// against the other sites' on the first push.
    public var number: String?
}

/// What became of the changes of one pull.
public struct Reception: Equatable, Sendable {
    public var applied = 0
    /// Kept on their case as conflicts (`SiteConflict`).
    public var held = 0
    /// Already here: their own site's, or a case's history sent again.
    public var skipped = 0
    /// The cases that received a conflict.
    public var conflicted: Set<UUID> = []

    public init() {}
}
