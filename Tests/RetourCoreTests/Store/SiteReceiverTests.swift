import Foundation
import Testing
@testable import RetourCore

/// Changes of other sites entering a directory (`Store.receive`), without a server: what is
/// applied, what is kept as a conflict, what is skipped, and that replaying the journal
/// decides the same.
@Suite struct SiteReceiverTests {
    /// A directory that joined as BKO, holding one case registered at GAO-A (its change 1,
    /// global 1), pulled.
    static func joined(_ directory: URL) throws -> (Store, UUID) {
        let store = try Store(directory: directory)
        try store.commit(.joinSite(code: "BKO", directory: UUID()), as: .anyone("admin"))
        let id = UUID()
        let register = JournalEntry(seq: 1, by: "w.gao", at: Date(timeIntervalSince1970: 1_800_000_000),
                                    change: .register(id: id, number: "GAO-A-000001", profile: sampleProfile()))
        try store.receive([pulled(register, seq: 1, global: 1)], pushedUpTo: store.book.seq, as: .anyone("admin"))
        return (store, id)
    }

    static func pulled(_ entry: JournalEntry, site: String = "GAO-A", seq: Int, global: Int, unseen: Set<Int> = []) -> PulledChange {
        PulledChange(entry: entry, origin: SyncOrigin(site: site, seq: seq, global: global), unseenHere: unseen)
    }

    static func phoneEdit(_ id: UUID, _ phone: String, seq: Int, seen: Int) -> JournalEntry {
        var profile = sampleProfile()
        profile.phone = phone
        return JournalEntry(seq: seq, by: "w.gao", at: Date(timeIntervalSince1970: 1_800_000_100),
                            change: .editProfile(id: id, expectedVersion: 7, profile: profile), seen: seen)
    }

    @Test func aChangeAgainstAnUnseenVersionHereIsKeptNotApplied() throws {
        try withTemporaryDirectory { directory in
            let (store, id) = try Self.joined(directory)
            var mine = sampleProfile()
            mine.phone = "66 00 00 02"
            try store.commit(.editProfile(id: id, expectedVersion: 1, profile: mine), as: .anyone("admin"))
            let here = store.book.seq
            // GAO-A edited the phone having pulled up to global 1: it never saw the edit here,
            // which is not even pushed yet (its seq is after `pushedUpTo`).
            let reception = try store.receive([Self.pulled(Self.phoneEdit(id, "76 00 00 01", seq: 2, seen: 1), seq: 2, global: 5)],
                                              pushedUpTo: here - 1, as: .anyone("admin"))
            #expect(reception.held == 1)
            let item = try #require(store.book[id])
            #expect(item.profile.phone == "66 00 00 02")
            #expect(item.siteConflicts?.first?.against == ["BKO:\(here)"])
            #expect(item.siteConflicts?.first?.versions == ["BKO:\(here)", "GAO-A:2"])
            #expect(store.book.site?.conflicts == [id])
            #expect(store.book.site?.pulled == 5)

            // Sent again (a sync cut before it knew): skipped, not held twice.
            let again = try store.receive([Self.pulled(Self.phoneEdit(id, "76 00 00 01", seq: 2, seen: 1), seq: 2, global: 5)],
                                          pushedUpTo: here, as: .anyone("admin"))
            #expect(again.skipped == 1)

            // Read back from the journal, the same decision.
            try store.close()
            let reopened = try Store(directory: directory)
            #expect(try #require(reopened.book[id]).siteConflicts?.count == 1)
            #expect(reopened.book.site?.conflicts == [id])
        }
    }

    @Test func aChangeMadeAfterSeeingTheVersionHereIsApplied() throws {
        try withTemporaryDirectory { directory in
            let (store, id) = try Self.joined(directory)
            var mine = sampleProfile()
            mine.phone = "66 00 00 02"
            try store.commit(.editProfile(id: id, expectedVersion: 1, profile: mine), as: .anyone("admin"))
            // Pushed as global 3, which GAO-A had pulled (seen 3) before its own edit.
            let reception = try store.receive([Self.pulled(Self.phoneEdit(id, "76 00 00 01", seq: 2, seen: 3), seq: 2, global: 4)],
                                              pushedUpTo: store.book.seq, as: .anyone("admin"))
            #expect(reception.applied == 1)
            #expect(store.book[id]?.profile.phone == "76 00 00 01")
            #expect(store.book[id]?.isInSiteConflict == false)
        }
    }

    @Test func notesOfTwoSitesMergeAndAStepOnACaseClosedHereWaits() throws {
        try withTemporaryDirectory { directory in
            let (store, id) = try Self.joined(directory)
            try store.commit(.addNote(id: id, note: Note(id: UUID(), text: "ici", by: "admin", at: Date())), as: .anyone("admin"))
            try store.commit(.requestClosure(id: id, reason: "moved", code: "moved_away"), as: .anyone("admin"))
            try store.commit(.close(id: id, closure: Closure(reason: "moved_away", note: "", confirmedOpenItems: true)), as: .anyone("admin"))
            let note = JournalEntry(seq: 2, by: "w.gao", at: Date(), change: .addNote(id: id, note: Note(id: UUID(), text: "là-bas", by: "w.gao", at: Date())))
            let reopen = JournalEntry(seq: 3, by: "w.gao", at: Date(), change: .requestClosure(id: id, reason: "done", code: nil))
            let reception = try store.receive([Self.pulled(note, seq: 2, global: 2), Self.pulled(reopen, seq: 3, global: 3)],
                                              pushedUpTo: 0, as: .anyone("admin"))
            #expect(reception.applied == 1)
            #expect(reception.held == 1)
            let item = try #require(store.book[id])
            #expect(Set(item.notes.map(\.text)) == ["ici", "là-bas"])
            #expect(item.status == .closed)
        }
    }

    @Test func aPulledChangeHoldingAControlCharacterIsRefusedWhole() throws {
        try withTemporaryDirectory { directory in
            let (store, id) = try Self.joined(directory)
            let before = store.book.seq
            let hostile = JournalEntry(seq: 2, by: "w.gao", at: Date(),
                                       change: .addNote(id: id, note: Note(id: UUID(), text: "\u{1B}[2J", by: "w.gao", at: Date())))
            #expect(throws: ChangeError.self) {
                try store.receive([Self.pulled(hostile, seq: 2, global: 2)], pushedUpTo: 0, as: .anyone("admin"))
            }
            #expect(store.book.seq == before)
        }
    }

    @Test func settlingAtAnotherSiteSettlesHere() throws {
        try withTemporaryDirectory { directory in
            let (store, id) = try Self.joined(directory)
            var mine = sampleProfile()
            mine.phone = "1"
            try store.commit(.editProfile(id: id, expectedVersion: 1, profile: mine), as: .anyone("admin"))
            let here = store.book.seq
            try store.receive([Self.pulled(Self.phoneEdit(id, "2", seq: 2, seen: 1), seq: 2, global: 5)], pushedUpTo: here - 1,
                              as: .anyone("admin"))
            let settle = JournalEntry(seq: 3, by: "s.gao", at: Date(),
                                      change: .settleSiteConflict(id: id, versions: ["BKO:\(here)", "GAO-A:2"], taken: false), seen: 5)
            try store.receive([Self.pulled(settle, seq: 3, global: 6)], pushedUpTo: here, as: .anyone("admin"))
            #expect(store.book[id]?.isInSiteConflict == false)
            #expect(store.book.site?.conflicts.isEmpty == true)
            #expect(store.book[id]?.profile.phone == "1")
        }
    }
}
