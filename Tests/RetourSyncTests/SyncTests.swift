import Foundation
import Testing
@testable import RetourCore
import RetourSync
import RetourTestSupport

/// Sites synchronising through one real PostgreSQL server (a throwaway cluster on the
/// loopback interface): what each site receives, what conflicts, and what a cut leaves.
@Suite(.serialized)
struct SyncTests {
    @Test func disjointWorkMergesAndEachSiteReceivesOnlyItsTeamsCases() throws {
        let network = try Network()
        let gao = try Site("GAO-A", team: "gao"), mopti = try Site("MPT-A", team: "mopti"), coordination = try Site("BKO", team: nil)
        let fatou = try gao.register("Haidara")
        try mopti.register("Kouyate", region: "ML05")
        for site in [gao, mopti] { _ = try site.sync(network) }
        _ = try coordination.sync(network)
        _ = try gao.sync(network)

        #expect(coordination.familyNames == ["Haidara", "Kouyate"])
        #expect(gao.familyNames == ["Haidara"])
        #expect(mopti.familyNames == ["Kouyate"])
        #expect(mopti.familyNames == ["Kouyate"])
        // Never received, so never written: not in any of the Gao office's files.
        #expect(try !gao.holds("Kouyate"))
        // Numbers given before the site joined stay; those given after carry its code.
        #expect(gao[fatou]?.number == "GAO-000001")
        #expect(gao[try gao.register("Sangaré")]?.number == "GAO-A-000001")

        // Notes at two sites on one case: both kept, no conflict.
        try gao.note(fatou, "Visite à domicile")
        try coordination.note(fatou, "Appel de suivi", as: coordination.admin)
        _ = try gao.sync(network)
        let report = try coordination.sync(network)
        #expect(report.received.held == 0)
        _ = try gao.sync(network)
        for site in [gao, coordination] {
            #expect(Set(site[fatou]?.notes.map(\.text) ?? []) == ["Visite à domicile", "Appel de suivi"])
            #expect(site[fatou]?.isInSiteConflict == false)
        }
        for site in [gao, mopti, coordination] {
            try site.reopen()
            #expect(site.check().isOK, "\(site.name): \(site.check().findings)")
        }
        #expect(coordination.familyNames == ["Haidara", "Kouyate", "Sangaré"])
    }

    @Test func theSameFieldChangedAtTwoSitesIsFlaggedAtBothAndSettledOnce() throws {
        let network = try Network()
        let gao = try Site("GAO-A", team: "gao"), coordination = try Site("BKO", team: nil)
        let id = try gao.register("Touré")
        _ = try gao.sync(network)
        _ = try coordination.sync(network)
        // Offline at both: the same field, two values.
        try gao.setPhone(id, "76 00 00 01")
        try coordination.setPhone(id, "66 00 00 02", as: coordination.admin)
        _ = try gao.sync(network)
        let atCoordination = try coordination.sync(network)
        let atGao = try gao.sync(network)
        #expect(atCoordination.received.held == 1)
        #expect(atGao.received.held == 1)
        for site in [gao, coordination] { #expect(site[id]?.isInSiteConflict == true) }
        // Each keeps its own until a person decides; the other's is on the case, not lost.
        #expect(gao[id]?.profile.phone == "76 00 00 01")
        #expect(coordination[id]?.siteConflicts?.first?.origin.site == "GAO-A")

        // The Gao supervisor takes the coordination's number: one decision, for both sites.
        let conflict = try #require(gao[id]?.siteConflicts?.first)
        guard case .editProfile(_, _, let theirs) = conflict.change else { Issue.record("not a profile edit"); return }
        let current = try #require(gao[id])
        try gao.store.commitBatch(as: gao.supervisor) { batch in
            try batch.add(.editProfile(id: id, expectedVersion: current.version, profile: theirs))
            try batch.add(.settleSiteConflict(id: id, versions: conflict.versions.sorted(), taken: true))
        }
        _ = try gao.sync(network)
        let settled = try coordination.sync(network)
        #expect(settled.received.held == 0)
        for site in [gao, coordination] {
            #expect(site[id]?.isInSiteConflict == false)
            #expect(site[id]?.profile.phone == "66 00 00 02")
            try site.reopen()
            #expect(site.check().isOK)
        }
    }

    @Test func aCaseReassignedToAnotherOfficesTeamMovesThereWithItsHistory() throws {
        let network = try Network()
        let gao = try Site("GAO-A", team: "gao"), mopti = try Site("MPT-A", team: "mopti")
        // The Mopti worker, known at Gao so that a case can be given to them.
        try gao.store.commit(.addUser(Site.user("w.mopti", .caseWorker, ["mopti"])), as: gao.admin)
        let id = try gao.register("Cissé")
        try gao.note(id, "Kit d'insertion remis")
        _ = try gao.sync(network)
        _ = try mopti.sync(network)
        #expect(mopti[id] == nil)

        try gao.store.commit(.assign(id: id, to: "w.mopti"), as: gao.admin)
        _ = try gao.sync(network)
        _ = try mopti.sync(network)
        let moved = try #require(mopti[id])
        #expect(moved.notes.map(\.text) == ["Kit d'insertion remis"])
        #expect(moved.profile.assignedTo == "w.mopti")
        #expect(moved.timeline.count == 3)

        // From now on its changes reach Mopti, and Gao no longer receives them.
        try mopti.note(id, "Suivi à Mopti", as: mopti.clearance("w.mopti").isSignedIn ? mopti.clearance("w.mopti") : mopti.admin)
        _ = try mopti.sync(network)
        _ = try gao.sync(network)
        #expect(gao[id]?.notes.count == 1)
        for site in [gao, mopti] {
            try site.reopen()
            #expect(site.check().isOK)
        }
    }

    @Test func threeSitesFlagTheSameConflict() throws {
        let network = try Network()
        let gao = try Site("GAO-A", team: "gao"), gao2 = try Site("GAO-B", team: "gao"), coordination = try Site("BKO", team: nil)
        let id = try gao.register("Diallo")
        _ = try gao.sync(network)
        _ = try gao2.sync(network)
        _ = try coordination.sync(network)
        try gao.setPhone(id, "1")
        try gao2.setPhone(id, "2", as: gao2.admin)
        for site in [gao, gao2, coordination, gao, gao2] { _ = try site.sync(network) }
        for site in [gao, gao2, coordination] {
            #expect(site[id]?.siteConflicts?.count == 1, "\(site.name)")
            #expect(site[id]?.siteConflicts?.first.map { Set($0.versions) } == coordination[id]?.siteConflicts?.first.map { Set($0.versions) })
        }
    }

    @Test func sealedSitesShareTheirChangesAndTheServerReadsNoneOfThem() throws {
        let network = try Network()
        let gao = try Site("GAO-A", team: "gao", encrypted: true)
        let coordination = try Site("BKO", team: nil, keyOf: gao)
        let id = try gao.register("Maïga-Sealed")
        try gao.note(id, "Visite confidentielle")
        _ = try gao.sync(network)
        _ = try coordination.sync(network)
        #expect(coordination[id]?.notes.map(\.text) == ["Visite confidentielle"])
        // What the server holds: sealed payloads, no author, no name.
        let stored = try network.sql("SELECT string_agg(encode(payload, 'escape'), '') FROM retour.changes")
        #expect(!stored.contains("Maïga-Sealed") && !stored.contains("Maiga") && !stored.contains("Visite"))
        #expect(try network.sql("SELECT count(*) FROM retour.changes WHERE by_login IS NOT NULL") == "0")

        // A directory in clear, or sealed with another key, cannot join them.
        let plain = try Site("MPT-A", team: "mopti")
        #expect(throws: SyncError.keyMismatch) { _ = try plain.sync(network) }
        let other = try Site("TBK-A", team: "tbk", encrypted: true)
        #expect(throws: SyncError.keyMismatch) { _ = try other.sync(network) }
        #expect(plain.store.book.site == nil && other.store.book.site == nil)
        for site in [gao, coordination] {
            try site.reopen()
            #expect(site.check().isOK)
            #expect(try !site.holds("Maïga-Sealed"))
        }
    }

    /// An import names workers who are no users of the office (yet): its cases are still its
    /// teams', and what other sites change in them comes back to it.
    @Test func aCaseOfAWorkerUnknownHereStaysWithTheSiteThatRegisteredIt() throws {
        let network = try Network()
        let gao = try Site("GAO-A", team: "gao"), coordination = try Site("BKO", team: nil)
        let id = try gao.register("Bocoum", assignedTo: "a.maiga")
        _ = try gao.sync(network)
        _ = try coordination.sync(network)
        try coordination.note(id, "Vu à Bamako", as: coordination.admin)
        _ = try coordination.sync(network)
        _ = try gao.sync(network)
        #expect(gao[id]?.notes.map(\.text) == ["Vu à Bamako"])
    }

    /// Possible duplicates are said after a sync only between sites: those of one site were
    /// already its own supervisors' to see.
    @Test func duplicatesAreSaidAcrossSitesOnly() throws {
        let network = try Network()
        let gao = try Site("GAO-A", team: "gao"), mopti = try Site("MPT-A", team: "mopti"), coordination = try Site("BKO", team: nil)
        try gao.register("Traoré", "Salif")
        try gao.register("Traoré", "Salif")
        _ = try gao.sync(network)
        _ = try mopti.sync(network)
        try mopti.register("Traore", "Salif")
        _ = try mopti.sync(network)
        let report = try coordination.sync(network)
        #expect(report.duplicates.count == 2, "\(report.duplicates)")
        #expect(report.duplicates.allSatisfy { $0.pulled.hasPrefix("MPT") != $0.here.hasPrefix("MPT") })
    }
}
