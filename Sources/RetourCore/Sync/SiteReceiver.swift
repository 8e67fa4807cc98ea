import Foundation

/// How changes of other sites enter this directory: through a batch of the store (one fsync,
/// all or none), each one checked against the book as it then stands. The rule of conflicts
/// is the one of sessions (`CaseBook.clashes`), applied to what the change's site had not
/// seen: a change that goes against such a version, or that the rules refuse here, is kept
/// on its case (`SiteConflict`), never applied over the other and never dropped.
extension Store.Batch {
    /// `pushedUpTo`: the last `seq` of this site that the server holds; later ones were seen
    /// by nobody else.
    mutating func receive(_ pulled: PulledChange, pushedUpTo: Int, into reception: inout Reception) throws {
        guard let site = book.site else { throw SyncError.notJoined }
        let origin = pulled.origin
        guard origin.site != site.code, let id = pulled.entry.change.caseID else {
            reception.skipped += 1
            return
        }
        let current = try book.read(id)
        if case .register = pulled.entry.change, current != nil {
            reception.skipped += 1
            return
        }
        if let current, let done = current.pulled, done >= origin.global {
            reception.skipped += 1
            return
        }
        var entry = JournalEntry(seq: book.seq + 1, by: pulled.entry.by, at: pulled.entry.at,
                                 change: pulled.entry.change.made(onVersion: current?.version ?? 1), origin: origin,
                                 seen: pulled.entry.seen)
        if let current {
            let unseen = current.timeline.filter { event in
                if let other = event.origin { return other.site != origin.site && other.global > pulled.seen }
                return pulled.unseenHere.contains(event.seq) || event.seq > pushedUpTo
            }
            let clashing = CaseBook.clashes(of: entry.change, on: current, among: unseen)
            if !clashing.isEmpty {
                entry.held = clashing.map { $0.origin?.key ?? SyncOrigin.key(site: site.code, seq: $0.seq) }
            } else if (try? book.checkPulled(entry)) == nil, !entry.texts.contains(where: { !PlainText.isAcceptable($0.text, lines: $0.lines) }) {
                // What the rules refuse here (a step of a case closed meanwhile…) waits for a person.
                entry.held = []
            }
        }
        try add(pulled: entry)
        if entry.held != nil {
            reception.held += 1
            reception.conflicted.insert(id)
        } else {
            reception.applied += 1
        }
    }
}

extension Change {
    /// The change as if made on version `version` of its case: versions count changes in one
    /// directory, so a version of another site means nothing here (sites' conflicts are told
    /// by `SiteReceiver` instead).
    public func made(onVersion version: Int) -> Change {
        switch self {
        case .editProfile(let id, _, let profile): return .editProfile(id: id, expectedVersion: version, profile: profile)
        case .approveClosure(let id, _, let comment): return .approveClosure(id: id, expectedVersion: version, comment: comment)
        case .returnClosure(let id, _, let comment): return .returnClosure(id: id, expectedVersion: version, comment: comment)
        default: return self
        }
    }
}

extension Store {
    /// Journals `pulled`, the changes of other sites, in one batch: all or none. `clearance`
    /// is whoever synchronises (the history names them; each change keeps its own author).
    @discardableResult
    public func receive(_ pulled: [PulledChange], pushedUpTo: Int, as clearance: Clearance) throws -> Reception {
        var reception = Reception()
        try commitBatch(as: clearance) { batch in
            for change in pulled { try batch.receive(change, pushedUpTo: pushedUpTo, into: &reception) }
        }
        return reception
    }
}
