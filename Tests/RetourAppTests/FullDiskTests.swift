#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import RetourApp
@testable import RetourCore
import RetourTestSupport
import RetourTUI

@Suite("Saving on a full or failing disk")
struct FullDiskTests {
    /// A new registration with its required fields filled: Coulibaly Mariam, female, displaced
    /// returnee, in Gao.
    private func fillRegistration(_ harness: Harness) {
        harness.type("n")
        harness.type("Coulibaly")
        harness.send(.tab)
        harness.type("Mariam")
        harness.send(.tab, .enter, .enter, .tab)
        harness.type("12/04/1985")
        harness.send(.tab, times: 3)
        harness.send(.enter, .enter)
        harness.send(.tab, times: 4)
        harness.send(.enter, .down, .enter)
    }

    private func journal(_ harness: Harness) -> String {
        harness.directory.appendingPathComponent(Store.Files.journal).path
    }

    @Test("a registration refused by a full disk stays in its form with the reason; saved once the disk is freed")
    func registrationOnAFullDisk() throws {
        let disk = SimulatedDisk()
        let harness = try Harness(width: 100, fileSystem: disk)
        fillRegistration(harness)
        #expect(harness.formValue("Region") == "Gao")
        let journal = disk.files[journal(harness)]

        disk.fail([.write], with: ENOSPC)
        harness.send(.function(2))
        #expect(harness.statusLine == " ! Could not write journal.jsonl: the disk is full. Nothing was saved; try again.")
        // The form is still there, with what was typed.
        #expect(harness.titleBar.hasPrefix(" Retour · New registration"))
        #expect(harness.formValue("Family name") == "Coulibaly")
        #expect(harness.formValue("Given names") == "Mariam")
        #expect(harness.formValue("Sex") == "Female")
        #expect(harness.formValue("Date of birth") == "12/04/1985")
        #expect(harness.formValue("Region") == "Gao")
        #expect(harness.store.book.count == 5)
        #expect(disk.files[self.journal(harness)] == journal)

        // Still full: refused again, still in the form.
        harness.send(.function(2))
        #expect(harness.statusLine.contains("the disk is full"))
        #expect(harness.titleBar.hasPrefix(" Retour · New registration"))

        disk.clearFaults()
        harness.send(.function(2))
        #expect(harness.statusLine == " GAO-000003 registered.")
        #expect(harness.titleBar.hasPrefix(" Retour · GAO-000003 · Coulibaly Mariam"))
        #expect(harness.store.book.count == 6)
        // Saved once, durably: what a power cut now leaves holds it.
        let reopened = try Store(directory: harness.directory, write: false,
                                 fileSystem: disk.crash(.init(writes: .dropped, entries: .undone)))
        #expect(reopened.book.count == 6)
        #expect(reopened.book.find(number: "GAO-000003")?.profile.familyName == "Coulibaly")
    }

    @Test("in French, the status line says the disk is full in French")
    func registrationOnAFullDiskInFrench() throws {
        let disk = SimulatedDisk()
        let harness = try Harness(language: .fr, width: 110, fileSystem: disk)
        fillRegistration(harness)
        disk.fail([.write], with: ENOSPC)
        harness.send(.function(2))
        #expect(harness.statusLine
            == " ! Impossible d'écrire journal.jsonl : le disque est plein. Rien n'a été enregistré ; réessayez.")
        #expect(harness.store.book.count == 5)
        disk.clearFaults()
        harness.send(.function(2))
        #expect(harness.statusLine == " GAO-000003 enregistré.")
        #expect(harness.store.book.count == 6)
    }

    @Test("an I/O error when the save is made durable: the change is written, said to be unconfirmed, and nothing more is saved")
    func registrationOnAFailingDisk() throws {
        let disk = SimulatedDisk()
        let harness = try Harness(width: 120, fileSystem: disk)
        fillRegistration(harness)
        disk.fail([.sync], with: EIO)
        harness.send(.function(2))
        #expect(harness.statusLine.hasPrefix(" ! The change is written in journal.jsonl, but the disk did not confirm it:"
            + " input/output error"))
        #expect(harness.store.book.count == 6)
        #expect(harness.store.isReadOnly)
        disk.clearFaults()
        harness.send(.function(2))
        #expect(harness.statusLine.hasPrefix(" ! The change is written in journal.jsonl"))
        #expect(harness.store.book.count == 6)
        let reopened = try Store(directory: harness.directory, write: false, fileSystem: disk.copy())
        #expect(reopened.book.count == 6)
    }
}
