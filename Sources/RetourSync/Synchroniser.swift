import Foundation
import PostgresNIO
import RetourCore

/// One synchronisation of a data directory with the server: the site joins on its first
/// (`Change.joinSite`), pushes the changes made here that the server lacks, then pulls the
/// changes of other sites to the cases of its teams and journals them through the store's one
/// path (`Store.receive`). Each page is one transaction on the server and one batch here, so
/// a connection cut at any moment leaves whole pages only: the next sync resumes where the
/// server and the journal say, and nothing is applied twice (a change is known by its site
/// and its place there).
public final class Synchroniser {
    public struct Report: Sendable {
        public var site = ""
        public var pushed = 0
        /// Bytes of the pushed changes as they travel: payloads and their columns.
        public var bytesPushed = 0
        public var received = Reception()
        /// Cases pulled now that may be the same person as a case of another site: both numbers.
        public var duplicates: [(pulled: String, here: String)] = []
        /// The numbers of the cases that received a conflict.
        public var conflicts: [String] = []
    }

    private let store: Store
    private let server: ServerConnection
    private let clearance: Clearance
    /// Changes per transaction sent.
    public var pageSize = 2000
    /// Changes per batch received (each batch is one fsync and one pass over the book's cases):
    /// ten pages sent, unless set.
    public var pullPageSize: Int?

    public init(store: Store, server: ServerConnection, clearance: Clearance) {
        self.store = store
        self.server = server
        self.clearance = clearance
    }

    /// Joins as `site` when the directory has not yet, then pushes and pulls the cases of
    /// `teams` (nil: every team, for a coordination).
    public func run(site requested: String?, teams: [String]?) throws -> Report {
        guard !store.book.isDemo else { throw SyncError.demo }
        if let requested, !SiteMark.isValidCode(requested) { throw SyncError.badSite(requested) }
        try ServerSchema.check(server)
        _ = try store.refresh()
        // Folding the journal into a new snapshot rewrites every case: once, when the sync is
        // over (the next commit or closing does it), not at every few pages received.
        let threshold = store.compactionThreshold
        store.compactionThreshold = .max
        defer { store.compactionThreshold = threshold }
        var report = Report()
        let site = try join(requested)
        report.site = site.code
        let pushedUpTo = try push(site, teams: teams, into: &report)
        try pull(site, pushedUpTo: pushedUpTo, teams: teams, into: &report)
        try server.run("UPDATE retour.sites SET synced_at = now() WHERE code = \(site.code)")
        return report
    }

    // MARK: Joining

    /// The site this directory is, registered on the server; joined now when it was not.
    private func join(_ requested: String?) throws -> SiteMark {
        let keyID = store.keyID ?? ""
        if let site = store.book.site {
            if let requested, requested != site.code { throw SyncError.otherSite(joined: site.code, asked: requested) }
            try register(site, keyID: keyID)
            return site
        }
        guard let code = requested else { throw SyncError.noSite }
        // Everything that would refuse the join is asked before anything is written.
        if try !server.rows("SELECT 1 FROM retour.sites WHERE code = \(code)", { _ in 1 }).isEmpty {
            throw SyncError.siteTaken(code)
        }
        try checkKey(keyID)
        let numbers = store.caseNumbers
        if let taken = try server.rows("SELECT number FROM retour.cases WHERE number = ANY(\(numbers)) LIMIT 1", {
            try $0.decode(String.self)
        }).first {
            throw SyncError.numberTaken(number: taken)
        }
        try store.commit(.joinSite(code: code, directory: UUID()), as: clearance)
        guard let site = store.book.site else { throw SyncError.notJoined }
        try register(site, keyID: keyID)
        return site
    }

    /// The site's row on the server: made when missing (a first sync, or one cut just after
    /// the join was journaled here), refused when another directory holds the code.
    private func register(_ site: SiteMark, keyID: String) throws {
        let holders = try server.rows("SELECT directory FROM retour.sites WHERE code = \(site.code)") { try $0.decode(UUID.self) }
        if let holder = holders.first {
            guard holder == site.directory else { throw SyncError.siteTaken(site.code) }
            try checkKey(keyID)
            return
        }
        try checkKey(keyID)
        try server.run("""
            INSERT INTO retour.sites (code, directory, key_id) VALUES (\(site.code), \(site.directory), \(keyID))
            ON CONFLICT (code) DO NOTHING
            """)
        let now = try server.rows("SELECT directory FROM retour.sites WHERE code = \(site.code)") { try $0.decode(UUID.self) }
        guard now.first == site.directory else { throw SyncError.siteTaken(site.code) }
    }

    /// Every site seals its changes with the same data key, or none does: a site that could not
    /// open the others' changes, or would send its own in clear among sealed ones, is refused.
    private func checkKey(_ keyID: String) throws {
        let keys = try server.rows("SELECT DISTINCT key_id FROM retour.sites") { try $0.decode(String.self) }
        if keys.contains(where: { $0 != keyID }) { throw SyncError.keyMismatch }
    }

    // MARK: Pushing

    /// Sends the changes made here after the last the server holds; returns the last `seq`
    /// the server now holds.
    private func push(_ site: SiteMark, teams siteTeams: [String]?, into report: inout Report) throws -> Int {
        var pushedUpTo = try server.rows("SELECT coalesce(max(seq), 0) FROM retour.changes WHERE site = \(site.code)") {
            try $0.decode(Int.self)
        }.first ?? 0
        let outgoing = try store.outgoing(after: pushedUpTo, siteTeams: siteTeams)
        let plain = !store.isEncrypted
        while true {
            let page = try outgoing.next(limit: pageSize)
            guard let last = page.last else { break }
            var cases: [UUID: (number: String?, teams: String?)] = [:]
            for change in page {
                guard let id = change.entry.change.caseID else { continue }
                let known = cases[id]
                cases[id] = (change.number ?? known?.number, change.teams.map { $0.joined(separator: ",") } ?? known?.teams)
            }
            let seqs = page.map { Int64($0.entry.seq) }, seen = page.map { Int64($0.entry.seen ?? 0) }
            let times = page.map(\.entry.at), ids = page.map { $0.entry.change.caseID ?? UUID() }
            // Arrays of the server's protocol hold no null here: "" and "*" stand for none.
            let authors = page.map { plain ? $0.entry.by : "" }
            let payloads = page.map { ByteBuffer(bytes: $0.payload) }
            let caseIDs = Array(cases.keys), numbers = caseIDs.map { cases[$0]?.number ?? "" }
            let teams = caseIDs.map { cases[$0]?.teams ?? "*" }
            try server.transaction {
                // Pushes one at a time: a change's global sequence is then never below one
                // already read by a site, which would miss it.
                try server.run("SELECT pg_advisory_xact_lock(7270112)")
                try server.run("""
                    INSERT INTO retour.changes (site, seq, seen, at, case_id, by_login, payload)
                    SELECT \(site.code), s, n, a, c, NULLIF(b, ''), p FROM unnest(\(seqs)::bigint[], \(seen)::bigint[], \(times)::timestamptz[],
                                                       \(ids)::uuid[], \(authors)::text[], \(payloads)::bytea[]) AS given (s, n, a, c, b, p)
                    ON CONFLICT (site, seq) DO NOTHING
                    """)
                try server.run("""
                    INSERT INTO retour.cases (case_id, number, teams)
                    SELECT id, NULLIF(number, ''), coalesce(string_to_array(NULLIF(teams, '*'), ','), '{}')
                    FROM unnest(\(caseIDs)::uuid[], \(numbers)::text[], \(teams)::text[]) AS given (id, number, teams)
                    ON CONFLICT (case_id) DO NOTHING
                    """)
                // A case whose worker's teams changed moves to the sites of its new teams,
                // which receive its whole history at their next sync.
                try server.run("""
                    UPDATE retour.cases k SET teams = string_to_array(given.teams, ','),
                                               moved = (SELECT max(global) FROM retour.changes)
                    FROM unnest(\(caseIDs)::uuid[], \(teams)::text[]) AS given (id, teams)
                    WHERE k.case_id = given.id AND given.teams <> '*'
                      AND k.teams IS DISTINCT FROM string_to_array(given.teams, ',')
                    """)
            }
            pushedUpTo = last.entry.seq
            report.pushed += page.count
            // The columns beside the payload: site, seq, seen, time, case, global (about 60 bytes).
            report.bytesPushed += page.reduce(0) { $0 + $1.payload.count + 60 + ($1.entry.by.utf8.count) }
        }
        return pushedUpTo
    }

    // MARK: Pulling

    private struct Row: Sendable {
        var global: Int
        var site: String
        var seq: Int
        var payload: [UInt8]
        var unseen: [Int]
    }

    /// Receives the other sites' changes to the cases of the site's teams: first the whole
    /// history of cases that moved to them since the last pull, then what came after it.
    private func pull(_ site: SiteMark, pushedUpTo: Int, teams scope: [String]?, into report: inout Report) throws {
        let everyTeam = scope == nil, teams = scope ?? []
        let batch = pullPageSize ?? pageSize * 10
        try server.run("UPDATE retour.sites SET teams = \(teams), every_team = \(everyTeam) WHERE code = \(site.code)")
        let cursor = site.pulled
        var after = 0
        // Cases moved here: their changes up to the cursor, which this site never received.
        while true {
            let rows = try fetch(site: site.code, teams: teams, everyTeam: everyTeam, after: after, movedSince: cursor)
            try receive(rows, pushedUpTo: pushedUpTo, into: &report)
            guard rows.count == batch, let last = rows.last else { break }
            after = last.global
        }
        after = cursor
        while true {
            let rows = try fetch(site: site.code, teams: teams, everyTeam: everyTeam, after: after, movedSince: nil)
            try receive(rows, pushedUpTo: pushedUpTo, into: &report)
            guard rows.count == batch, let last = rows.last else { break }
            after = last.global
        }
    }

    private func fetch(site: String, teams: [String], everyTeam: Bool, after: Int, movedSince: Int?) throws -> [Row] {
        let batch = pullPageSize ?? pageSize * 10
        // For each change: this site's changes to its case that its site had not seen when it
        // was made (later than what it had pulled, and not made after seeing it).
        let unseen: PostgresQuery = """
            SELECT c.global, c.site, c.seq, c.payload,
                   ARRAY(SELECT o.seq FROM retour.changes o
                         WHERE o.case_id = c.case_id AND o.site = \(site) AND o.global > c.seen
                           AND (o.global < c.global OR o.seen < c.global))
            FROM retour.changes c JOIN retour.cases k ON k.case_id = c.case_id
            WHERE c.site <> \(site) AND c.global > \(after) AND (\(everyTeam) OR k.teams && \(teams)::text[])
              AND (\(movedSince ?? -1) < 0 OR (k.moved > \(movedSince ?? 0) AND c.global <= \(movedSince ?? 0)))
            ORDER BY c.global LIMIT \(batch)
            """
        return try server.rows(unseen) { row in
            let (global, site, seq, payload, unseen) = try row.decode((Int, String, Int, ByteBuffer, [Int]).self)
            return Row(global: global, site: site, seq: seq, payload: Array(buffer: payload), unseen: unseen)
        }
    }

    private func receive(_ rows: [Row], pushedUpTo: Int, into report: inout Report) throws {
        guard !rows.isEmpty else { return }
        let pulled = try rows.map { row -> PulledChange in
            // A payload that does not open, or that is not the change its columns say, is refused whole.
            guard let entry = try? store.openPayload(row.payload), entry.seq == row.seq, entry.origin == nil else {
                throw SyncError.damaged(site: row.site, seq: row.seq)
            }
            return PulledChange(entry: entry, origin: SyncOrigin(site: row.site, seq: row.seq, global: row.global),
                                unseenHere: Set(row.unseen))
        }
        let reception = try store.receive(pulled, pushedUpTo: pushedUpTo, as: clearance)
        report.received.applied += reception.applied
        report.received.held += reception.held
        report.received.skipped += reception.skipped
        report.received.conflicted.formUnion(reception.conflicted)
        report.conflicts = report.received.conflicted.compactMap { store.book.number(of: $0) }.sorted()
        let thisSite = store.book.site?.code, reader = store.reader(for: clearance)
        for change in pulled {
            guard case .register(let id, let number, let profile) = change.entry.change else { continue }
            for other in store.book.possibleDuplicateIDs(of: profile, excluding: id) {
                // Between sites only: the site a case was registered at, from its first event.
                let registeredAt = reader[other]?.timeline.first?.origin?.site ?? thisSite
                guard registeredAt != change.origin.site else { continue }
                guard let here = store.book.number(of: other), !report.duplicates.contains(where: { Set([$0.pulled, $0.here]) == Set([number, here]) })
                else { continue }
                report.duplicates.append((number, here))
            }
        }
    }
}
