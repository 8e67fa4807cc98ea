#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import RetourCore
import RetourTestSupport

/// An import saved as one batch, then closing folds the journal into a new snapshot; when
/// that fails (a full disk), the rows are imported all the same and the result says both.
@Suite("Import: compaction after the batch")
struct ImportCompactionTests {
    typealias F = CSVFixtures

    @Test func aFullDiskWhenClosingKeepsTheImportAndWarns() throws {
        let disk = try Simulated.emptyDisk()
        let store = try Simulated.open(disk)
        let plan = try F.plan(["nom;prénoms;sexe;catégorie;région", "Maïga;Aïssata;F;PDI retourné;Gao",
                               "Touré;Hamadoun;M;PDI retourné;Tombouctou"])
        var result = try CSVImport.run(plan, store: store, reference: F.reference, catalog: F.english, clearance: .anyone("awa"),
                                       rejectedFile: nil)
        #expect(result.imported == ["GAO-000001", "TBK-000001"])
        disk.fail([.write], with: ENOSPC)
        try CSVImport.close(store, after: &result)
        #expect(result.imported == ["GAO-000001", "TBK-000001"])
        let warning = try #require(result.closingWarning)
        #expect(F.english.text(warning.message).hasPrefix("Every change is saved in journal.jsonl, but snapshot.jsonl.tmp could not be rewritten: the disk is full."))
        // Saved: the next session has both, and importing the file again finds them.
        disk.clearFaults()
        let next = try Simulated.open(disk.crash(.init(writes: .dropped, entries: .undone)))
        #expect(next.book.count == 2)
        let again = try F.plan(["nom;prénoms;sexe;catégorie;région", "Maïga;Aïssata;F;PDI retourné;Gao"], book: next.book)
        #expect(again.duplicateCount == 1)
    }

    @Test func withNothingImportedAFailedCloseIsAnError() throws {
        let disk = try Simulated.emptyDisk()
        let store = try Simulated.open(disk)
        let plan = try F.plan(["nom;prénoms;sexe;catégorie;région", "Maïga;;F;PDI retourné;Gao"])
        var result = try CSVImport.run(plan, store: store, reference: F.reference, catalog: F.english, clearance: .anyone("awa"),
                                       rejectedFile: nil)
        #expect(result.imported.isEmpty)
        disk.fail([.write], with: ENOSPC)
        #expect(throws: StoreError.self) { try CSVImport.close(store, after: &result) }
        #expect(result.closingWarning == nil)
    }

    @Test func aCloseThatWorksLeavesNoWarning() throws {
        let disk = try Simulated.emptyDisk()
        let store = try Simulated.open(disk)
        let plan = try F.plan(["nom;prénoms;sexe;catégorie;région", "Maïga;Aïssata;F;PDI retourné;Gao"])
        var result = try CSVImport.run(plan, store: store, reference: F.reference, catalog: F.english, clearance: .anyone("awa"),
                                       rejectedFile: nil)
        try CSVImport.close(store, after: &result)
        #expect(result.closingWarning == nil)
        #expect(result.imported == ["GAO-000001"])
    }
}
