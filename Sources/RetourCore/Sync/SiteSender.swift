import Foundation

/// The changes made here that the server lacks, read in order, page by page: from memory when
/// they were all made since the last snapshot, else from the history, which keeps every change
/// ever committed, in one pass over it.
public final class OutgoingChanges {
    private let store: Store
    private var after: Int
    private var memory: ArraySlice<JournalEntry>?
    private var history: HistoryFile.Changes?
    private let siteTeams: [String]?

    /// The changes after `seq` (the last the server holds). Refresh the store first to include
    /// other sessions' latest changes. `siteTeams`: the teams of the site, which a case whose
    /// worker is no user here belongs to (nil for a coordination: such a case keeps its teams).
    init(_ store: Store, after seq: Int, siteTeams: [String]?) throws {
        self.store = store
        self.siteTeams = siteTeams
        after = seq
        let since = store.sinceSnapshot
        if let first = since.first?.seq, first <= seq + 1 {
            memory = since[...]
        } else if since.isEmpty && seq >= store.book.seq {
            memory = []
        } else if seq > 0, let recent = try store.history.changes(after: seq, limit: OutgoingChanges.readBackwardAtMost) {
            // Most of the history is on the server: only its end is read.
            memory = recent[...]
        } else {
            history = try store.history.changes()
        }
    }

    /// Read from the end of the history when there are no more than this many to send.
    static let readBackwardAtMost = 100_000

    /// At most `limit` more, in the order they were made; empty at the end.
    public func next(limit: Int) throws -> [OutgoingChange] {
        var own: [JournalEntry] = []
        while own.count < limit, let entry = try nextEntry() {
            // Users stay with their office; a case's changes travel.
            if entry.seq > after && entry.origin == nil && entry.change.caseID != nil { own.append(entry) }
        }
        if let last = own.last { after = max(after, last.seq) }
        let payloads = store.sealing.bound(to: Store.syncPayloadContext)
        return try own.map { entry in
            var number: String?
            if case .register(_, let registered, _) = entry.change { number = registered }
            return OutgoingChange(entry: entry, payload: try payloads.seal(try Store.encoder.bytes(entry)),
                                  teams: store.teams(of: entry.change.caseID) ?? siteTeams, number: number)
        }
    }

    private func nextEntry() throws -> JournalEntry? {
        if let memory {
            defer { self.memory = memory.dropFirst() }
            return memory.first
        }
        return try history?.next()
    }
}

extension Store {
    /// The changes made here after `seq`, page by page (`OutgoingChanges.next`).
    public func outgoing(after seq: Int, siteTeams: [String]?) throws -> OutgoingChanges {
        try OutgoingChanges(self, after: seq, siteTeams: siteTeams)
    }

    /// What sealed payloads are bound to: a payload opens as a change of the network, nowhere else.
    static let syncPayloadContext = "sync"

    /// A payload pulled from the server, opened and decoded: throws when it was altered, sealed
    /// with another key, or is not a change.
    public func openPayload(_ payload: [UInt8]) throws -> JournalEntry {
        let line = try sealing.bound(to: Store.syncPayloadContext).open(payload[...])
        return try LineDecoder().decode(JournalEntry.self, from: Data(line))
    }

    /// The teams of the case's worker as users here know them: the sites that receive it. Nil
    /// when the worker is no user here (the case then keeps the teams it had on the server).
    func teams(of id: UUID?) -> [String]? {
        guard let id, let digest = book.digest(id) else { return nil }
        let worker = Scope.worker(assignedTo: digest.assignedTo, registeredBy: digest.registeredBy)
        return book.users[worker]?.teams
    }

    /// Names the data key sealing the directory's lines, nil when plain (`LineSealing.keyID`).
    public var keyID: String? { sealing.keyID }

    /// Every case number of the directory (checked against other sites' on the first push).
    public var caseNumbers: [String] { book.digests.map(\.number) }
}
