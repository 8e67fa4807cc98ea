#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import RetourCore
import RetourTestSupport

/// A disk that is full (ENOSPC) or failing (EIO) for as long as the test says: the save is
/// refused with a message that names the file and the problem in words, nothing changes in
/// memory or on disk, and once the disk is freed the same change is saved.
@Suite("Store: a full or failing disk")
struct StoreDiskFaultTests {
    let english: Catalog
    let french: Catalog

    init() throws {
        let assets = try Assets.locate()
        english = try Catalog(language: .en, assets: assets)
        french = try Catalog(language: .fr, assets: assets)
    }

    struct Fault: Sendable, CustomTestStringConvertible {
        let operation: SimulatedDisk.Operation
        let code: Int32
        var testDescription: String { "\(operation) \(code == ENOSPC ? "ENOSPC" : "EIO")" }
    }

    /// The words each error names the problem with.
    func reasons(_ code: Int32) -> (english: String, french: String) {
        code == ENOSPC ? ("the disk is full", "le disque est plein")
            : ("input/output error (the disk may be failing)", "erreur d'entrée/sortie (le disque est peut-être défaillant)")
    }

    func note(_ text: String = "Visite du 12 avril.") -> Note {
        Note(id: UUID(), text: text, by: Simulated.author, at: Simulated.time)
    }

    /// Expects `body` to throw a `FileError` and returns it.
    func fileError(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> FileError? {
        do {
            try body()
            Issue.record("nothing was thrown", sourceLocation: sourceLocation)
        } catch let error as FileError {
            return error
        } catch {
            Issue.record("\(error) is not a FileError", sourceLocation: sourceLocation)
        }
        return nil
    }

    // MARK: Commit

    @Test(arguments: [Fault(operation: .write, code: ENOSPC), Fault(operation: .write, code: EIO)])
    func commitIsRefusedThenSavedOnceTheDiskIsFreed(fault: Fault) throws {
        let data = try Simulated.dataDisk(closedSessions: 2, openChanges: 1)
        let disk = data.disk
        let store = try Simulated.open(disk)
        let before = try BookState(store.book)
        let files = disk.files
        let change = Change.addNote(id: data.followed, note: note())

        disk.fail([fault.operation], with: fault.code)
        for _ in 0..<2 {
            let error = try #require(fileError { try store.commit(change, as: .anyone(Simulated.author), at: Simulated.time) })
            #expect(error == FileError(operation: fault.operation == .write ? .write : .sync, file: Store.Files.journal,
                                       code: fault.code))
            let (englishReason, frenchReason) = reasons(fault.code)
            if fault.operation == .write {
                #expect(english.text(error) == "Could not write journal.jsonl: \(englishReason). Nothing was saved; try again.")
                #expect(french.text(error) == "Impossible d'écrire journal.jsonl : \(frenchReason). Rien n'a été enregistré ; réessayez.")
            } else {
                #expect(english.text(error) == "Could not save journal.jsonl to disk: \(englishReason). Nothing was saved; try again.")
                #expect(french.text(error) == "Impossible d'enregistrer journal.jsonl sur le disque : \(frenchReason). Rien n'a été enregistré ; réessayez.")
            }
            #expect(try BookState(store.book) == before)
            #expect(differingFiles(files, disk.files) == [])
            #expect(try BookState(Simulated.open(disk.copy()).book) == before)
        }

        disk.clearFaults()
        let entry = try store.commit(change, as: .anyone(Simulated.author), at: Simulated.time)
        #expect(entry.seq == before.seq + 1)
        let after = try BookState(store.book)
        #expect(after.cases.first { $0.id == data.followed }?.notes.last?.text == "Visite du 12 avril.")
        #expect(try BookState(Simulated.open(disk.copy()).book) == after)
        #expect(try BookState(Simulated.open(disk.crash(.init(writes: .dropped, entries: .undone))).book) == after)
    }

    /// The journal's fsync, made once the commit lock is let go, fails: other sessions may have
    /// read the line, so it stays, in the journal and in memory; the error says the change may
    /// be lost if the machine stops, and the session saves nothing more.
    @Test(arguments: [ENOSPC, EIO])
    func aFailedFsyncKeepsTheChangeAndStopsTheSession(code: Int32) throws {
        let data = try Simulated.dataDisk(closedSessions: 2, openChanges: 1)
        let disk = data.disk
        let store = try Simulated.open(disk)
        let before = try BookState(store.book)
        disk.fail([.sync], with: code)
        let change = Change.addNote(id: data.followed, note: note())
        #expect(throws: StoreError.unconfirmed(FileError(operation: .sync, file: Store.Files.journal, code: code))) {
            try store.commit(change, as: .anyone(Simulated.author), at: Simulated.time)
        }
        let (englishReason, frenchReason) = reasons(code)
        let error = StoreError.unconfirmed(FileError(operation: .sync, file: Store.Files.journal, code: code))
        #expect(english.text(error) == "The change is written in journal.jsonl, but the disk did not confirm it: \(englishReason). "
            + "It may be lost if the machine stops. This session saves nothing more: check the disk, then open Retour again.")
        #expect(french.text(error) == "La modification est écrite dans journal.jsonl, mais le disque ne l'a pas confirmée\u{A0}: \(frenchReason). "
            + "Elle peut être perdue si la machine s'arrête. Cette session n'enregistre plus rien\u{A0}: vérifiez le disque, puis rouvrez Retour.")
        let after = try BookState(store.book)
        #expect(after.seq == before.seq + 1)
        #expect(store.isReadOnly)
        disk.clearFaults()
        #expect(throws: StoreError.self) { try store.commit(change, as: .anyone(Simulated.author), at: Simulated.time) }
        #expect(try BookState(Simulated.open(disk.copy()).book) == after)
        #expect(try BookState(Simulated.open(disk.crash(.init(writes: .dropped, entries: .undone))).book) == before)
    }

    /// A write cut short on a full disk leaves half a line; it is taken back at once.
    @Test func halfALineWrittenIsTakenBack() throws {
        let data = try Simulated.dataDisk(closedSessions: 1, openChanges: 2)
        let disk = data.disk
        let store = try Simulated.open(disk)
        let files = disk.files
        disk.failAt(1, with: ENOSPC, partialWrite: true)
        let change = Change.addNote(id: data.followed, note: note())
        let error = try #require(fileError { try store.commit(change, as: .anyone(Simulated.author)) })
        #expect(english.text(error).contains("the disk is full"))
        #expect(disk.operations.suffix(2).map { $0.components(separatedBy: " ").first } == ["write", "truncate"])
        #expect(differingFiles(files, disk.files) == [])
        try store.commit(change, as: .anyone(Simulated.author))
        #expect(store.droppedTornBytes == 0)
        let reopened = try Simulated.open(disk.copy())
        #expect(reopened.droppedTornBytes == 0)
        #expect(try BookState(reopened.book) == BookState(store.book))
    }

    /// When even taking back the failed line fails, the next save cuts it first: the line of the
    /// refused change is never glued to, or kept before, the next one.
    @Test func aLineThatCouldNotBeTakenBackIsCutBeforeTheNextSave() throws {
        let data = try Simulated.dataDisk(closedSessions: 1, openChanges: 1)
        let disk = data.disk
        let store = try Simulated.open(disk)
        let before = try BookState(store.book)
        disk.failAt(1, with: ENOSPC, partialWrite: true)
        disk.fail([.truncate], with: EIO)
        let refused = Change.addNote(id: data.followed, note: note("Refusée."))
        let error = try #require(fileError { try store.commit(refused, as: .anyone(Simulated.author)) })
        #expect(error.operation == .write && error.code == ENOSPC)
        #expect(try BookState(store.book) == before)
        // Still failing: the cut is refused too, and nothing is written.
        let other = Change.addNote(id: data.registered, note: note("Autre."))
        let files = disk.files
        #expect(fileError { try store.commit(other, as: .anyone(Simulated.author)) }?.code == EIO)
        #expect(differingFiles(files, disk.files) == [])

        disk.clearFaults()
        try store.commit(other, as: .anyone(Simulated.author))
        let after = try BookState(store.book)
        #expect(after.seq == before.seq + 1)
        #expect(after.cases.flatMap(\.notes).map(\.text).contains("Refusée.") == false)
        for reopened in [disk.copy(), disk.crash(.init(writes: .dropped, entries: .undone))] {
            let store = try Simulated.open(reopened)
            #expect(store.droppedTornBytes == 0)
            #expect(try BookState(store.book) == after)
        }
    }

    // MARK: Compaction

    @Test(arguments: [Fault(operation: .write, code: ENOSPC), Fault(operation: .sync, code: EIO),
                      Fault(operation: .rename, code: EIO), Fault(operation: .syncDirectory, code: EIO),
                      Fault(operation: .create, code: EIO)])
    func compactionIsRefusedThenDoneOnceTheDiskIsFreed(fault: Fault) throws {
        let data = try Simulated.dataDisk(closedSessions: 3, openChanges: 3)
        let disk = data.disk
        let store = try Simulated.open(disk)
        let before = try BookState(store.book)
        let snapshot = Simulated.directory.appendingPathComponent(Store.Files.snapshot).path
        let journal = Simulated.directory.appendingPathComponent(Store.Files.journal).path
        let files = disk.files

        disk.fail([fault.operation], with: fault.code)
        let error = try #require(fileError { try store.compact() })
        #expect(error.code == fault.code)
        let (englishReason, frenchReason) = reasons(fault.code)
        #expect(english.text(error).contains(englishReason), "\(english.text(error))")
        #expect(french.text(error).contains(frenchReason), "\(french.text(error))")
        #expect(english.text(error).contains(error.file))
        #expect(try BookState(store.book) == before)
        if fault.operation != .truncate && fault.operation != .syncDirectory {
            // Failed before the new snapshot took the old one's place: both files as they were.
            #expect(!differingFiles(files, disk.files).contains(snapshot))
            #expect(!differingFiles(files, disk.files).contains(journal))
        }
        // No temporary file is left behind.
        #expect(!disk.files.keys.contains(snapshot + ".tmp"))
        // The old snapshot and journal (or the new snapshot and the old journal) read the same,
        // now and after a power cut.
        #expect(try BookState(Simulated.open(disk.copy()).book) == before)
        for crash in disk.possibleCrashes {
            #expect(try BookState(Simulated.open(disk.crash(crash)).book) == before, "\(crash)")
        }

        disk.clearFaults()
        try store.compact()
        #expect(disk.files[journal]?.isEmpty == true)
        #expect(try BookState(store.book) == before)
        try store.commit(.addNote(id: data.followed, note: note()), as: .anyone(Simulated.author))
        let after = try BookState(store.book)
        try store.close()
        #expect(try BookState(Simulated.open(disk.crash(.init(writes: .dropped, entries: .undone))).book) == after)
    }

    /// Closing on a full disk: the error reaches the caller, the lock is released, and every
    /// change is still in the journal for the next session.
    @Test func closeOnAFullDiskKeepsTheJournal() throws {
        let data = try Simulated.dataDisk(closedSessions: 2, openChanges: 2)
        let disk = data.disk
        let store = try Simulated.open(disk)
        try store.commit(.addNote(id: data.followed, note: note()), as: .anyone(Simulated.author))
        let before = try BookState(store.book)
        disk.fail([.write], with: ENOSPC)
        var thrown: Error?
        do { try store.close() } catch { thrown = error }
        let error = try #require(thrown as? StoreError)
        #expect(error == .notCompacted(FileError(operation: .write, file: Store.Files.snapshot + ".tmp", code: ENOSPC)))
        #expect(english.text(error.message) == "Every change is saved in journal.jsonl, but snapshot.jsonl.tmp could not be rewritten: the disk is full. Nothing is lost; it will be tried again when Retour next closes.")
        disk.clearFaults()
        let next = try Simulated.open(disk.crash(.init(writes: .dropped, entries: .undone)))
        #expect(next.journalLines == 3)
        #expect(try BookState(next.book) == before)
    }
}
