import Foundation
import Testing
@testable import RetourApp
@testable import RetourCore
import RetourTUI

/// The conflicts between sites, as a supervisor decides them: the title counts them, x opens
/// them, and each choice is one change that settles the conflict.
@Suite("Conflicts between sites")
struct SiteConflictScreenTests {
    /// A directory that joined as BKO; the phone of GAO-000001 changed here and, without seeing
    /// it, at GAO-A.
    static func conflicted(_ language: Language) throws -> Harness {
        let harness = try Harness(language: language)
        let store = harness.store
        let id = try #require(harness.seeded["GAO-000001"])
        try store.commit(.joinSite(code: "BKO", directory: UUID()), as: .anyone(Harness.author))
        let item = try #require(store.book[id])
        var mine = item.profile
        mine.phone = "66 00 00 02"
        try store.commit(.editProfile(id: id, expectedVersion: item.version, profile: mine), as: .anyone(Harness.author))
        var theirs = item.profile
        theirs.phone = "76 99 88 77"
        let entry = JournalEntry(seq: 4, by: "w.gao", at: Date(timeIntervalSince1970: 1_800_000_000),
                                 change: .editProfile(id: id, expectedVersion: 2, profile: theirs), seen: 0)
        try store.receive([PulledChange(entry: entry, origin: SyncOrigin(site: "GAO-A", seq: 4, global: 9), unseenHere: [])],
                          pushedUpTo: 0, as: .anyone(Harness.author))
        harness.app.storeWasReplaced()
        harness.app.runUntilIdle(on: harness.terminal)
        return harness
    }

    @Test("the title counts them, x shows both versions, t takes the other site's", arguments: [Language.en, .fr])
    func takeTheirs(language: Language) throws {
        let harness = try Self.conflicted(language)
        let catalog = harness.catalog
        #expect(harness.titleBar.contains(catalog.counted("siteConflict.titleCount", 1)), "\(harness.titleBar)")
        harness.type("x")
        #expect(harness.titleBar.contains(catalog.text("siteConflict.title", ["position": "1", "count": "1"])), "\(harness.text)")
        #expect(harness.text.contains("66 00 00 02"))
        #expect(harness.text.contains("76 99 88 77"))
        #expect(harness.text.contains("GAO-A"))
        harness.type("t")
        let id = try #require(harness.seeded["GAO-000001"])
        let item = try #require(harness.store.book[id])
        #expect(item.profile.phone == "76 99 88 77")
        #expect(!item.isInSiteConflict)
        #expect(harness.statusLine.contains("GAO-000001"), "\(harness.statusLine)")
        #expect(!harness.titleBar.contains(catalog.counted("siteConflict.titleCount", 1)))
    }

    @Test("from the case: its title says so, x opens it, h keeps the version here")
    func keepHere() throws {
        let harness = try Self.conflicted(.en)
        harness.open("GAO-000001")
        #expect(harness.titleBar.contains(harness.catalog.text("siteConflict.badge")), "\(harness.titleBar)")
        harness.type("x")
        harness.type("h")
        let id = try #require(harness.seeded["GAO-000001"])
        let item = try #require(harness.store.book[id])
        #expect(item.profile.phone == "66 00 00 02")
        #expect(!item.isInSiteConflict)
        #expect(item.timeline.last?.kind == "timeline.siteConflictKept")
    }

    @Test("the screen keeps its manners at 80x24 and when small")
    func layout() throws {
        let harness = try Self.conflicted(.fr)
        harness.type("x")
        #expect(harness.footer.contains("i"), "\(harness.footer)")
        harness.resize(width: 50, height: 14)
        harness.resize(width: 80, height: 24)
        #expect(harness.text.contains("GAO-A"))
    }
}
