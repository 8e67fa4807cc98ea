#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import RetourCore
import RetourTestSupport

/// Every save is run once on a `SimulatedDisk` to count its file operations, then again with the
/// power cut after each of them (0 to all), and with each way a power cut may leave what was not
/// yet durable; then again with each operation failing. The data directory must always open,
/// to exactly the state before the save or exactly the state after it (after, once the save was
/// confirmed), and stay usable.
///
/// The saves are driven through the store's public API only, so these tests hold whatever
/// files and operations a save uses.
@Suite("Store: a crash or a fault at every operation of a save")
struct CrashAtEveryOperationTests {
    /// A save to put faults under.
    struct Scenario {
        var name: String
        /// The disk before the save (copied for every run).
        var base: SimulatedDisk
        var directory = Simulated.directory
        /// How the store keeps its lines (plain, or sealed with a data key).
        var sealing: LineSealing = PlainLines()
        /// Whether the save changes the book (compaction alone does not).
        var changesBook = true
        /// Whether a failed save leaves every file as it was, byte for byte (a failed compaction
        /// may leave a backup or a temporary file; its snapshot and journal still read the same).
        var failureKeepsBytes = true
        /// Makes the save on a store opened on the disk; calls `confirmed` once it would have
        /// told the user that the change is saved. Run again on the same store after a fault,
        /// it must make the same change.
        var save: (Store, _ confirmed: () -> Void) throws -> Void
    }

    struct Tally {
        var crashes = 0
        var failures = 0
        var operations: [String: Int] = [:]
    }

    @Test func everyOperationOfEverySave() throws {
        var tally = Tally()
        for scenario in try scenarios() {
            try crashAtEveryOperation(scenario, tally: &tally)
            try failAtEveryOperation(scenario, tally: &tally)
        }
        let counts = tally.operations.map { "\($0.key) \($0.value)" }.sorted().joined(separator: ", ")
        print("fault injection points exercised: \(tally.crashes + tally.failures)"
              + " (\(tally.crashes) crash outcomes, \(tally.failures) failed operations; operations per save: \(counts))")
        #expect(tally.crashes > 100)
    }

    // MARK: The saves

    func scenarios() throws -> [Scenario] {
        let noteID = UUID()
        let newID = UUID()
        let note = Note(id: noteID, text: "Appel du 3 mars : la famille est rentrée.", by: Simulated.author, at: Simulated.time)
        func addNote(to id: UUID) -> (Store, () -> Void) throws -> Void {
            { store, confirmed in
                try store.commit(.addNote(id: id, note: note), as: .anyone(Simulated.author), at: Simulated.time)
                confirmed()
            }
        }
        func registerNew(_ store: Store, _ confirmed: () -> Void) throws {
            // The number is taken from the book as it stands: a retry after a fault takes the same.
            try store.commit(.register(id: newID, number: store.book.nextNumber(prefix: "GAO"),
                                       profile: sampleProfile("Keïta", "Bintou")),
                             as: .anyone(Simulated.author), at: Simulated.time)
            confirmed()
        }

        var result: [Scenario] = []
        let edited = try Simulated.dataDisk(closedSessions: 2, openChanges: 2)
        result.append(Scenario(name: "commit a note", base: edited.disk, save: addNote(to: edited.followed)))

        let profileEdit = try Simulated.dataDisk(closedSessions: 1, openChanges: 0)
        result.append(Scenario(name: "commit a profile edit", base: profileEdit.disk) { store, confirmed in
            let current = try #require(store.book[profileEdit.registered])
            var profile = current.profile
            profile.phone = "+223 66 00 11 22"
            profile.village = "Bourem-Inaly"
            try store.commit(.editProfile(id: current.id, expectedVersion: current.version, profile: profile),
                             as: .anyone(Simulated.author), at: Simulated.time)
            confirmed()
        })

        // An import: three people and an enrolment, one batch. A crash that keeps some of its
        // lines (a torn write cut between two lines) must leave none of them.
        let importIDs = [UUID(), UUID(), UUID()]
        let importPlan = try #require(CSVFixtures.reference.tracks.plan(track: "youth_entrepreneurship", id: UUID(),
                                                                      enrolledOn: CalendarDate(year: 2016, month: 2, day: 1)!))
        result.append(Scenario(name: "import (one batch)", base: profileEdit.disk) { store, confirmed in
            try store.commitBatch(as: .anyone(Simulated.author), at: Simulated.time) { batch in
                for (index, id) in importIDs.enumerated() {
                    try batch.add(.register(id: id, number: batch.book.nextNumber(prefix: "TBK"),
                                            profile: sampleProfile(["Sangaré", "Dembélé", "Guindo"][index], "Awa")))
                }
                try batch.add(.enrol(id: importIDs[1], plan: importPlan))
            }
            confirmed()
        })

        result.append(Scenario(name: "first commit in a new directory", base: try Simulated.emptyDisk(), save: registerNew))
        result.append(Scenario(name: "first commit in a new nested directory", base: try Simulated.emptyDisk(),
                               directory: Simulated.root.appendingPathComponent("new/data"), save: registerNew))

        // A journal whose last line a crash cut short: opening cuts it off, then the save.
        let torn = try Simulated.dataDisk(closedSessions: 1, openChanges: 2)
        let journal = Simulated.directory.appendingPathComponent(Store.Files.journal).path
        let fd = try torn.disk.open(journal, .append, name: Store.Files.journal)
        try torn.disk.write(fd, Array(#"{"at":"2016-04-07T00:00:00Z","by":"awa","cha"#.utf8), name: Store.Files.journal)
        try torn.disk.sync(fd, name: Store.Files.journal)
        torn.disk.close(fd)
        result.append(Scenario(name: "commit after a torn save", base: torn.disk, save: addNote(to: torn.followed)))

        // The same in an encrypted directory (every line sealed).
        let sealed = try Simulated.dataDisk(closedSessions: 2, openChanges: 2, encrypted: true)
        result.append(Scenario(name: "commit a note (encrypted)", base: sealed.disk, sealing: sealed.sealing,
                               save: addNote(to: sealed.followed)))
        result.append(Scenario(name: "commit then close (encrypted)", base: sealed.disk, sealing: sealed.sealing,
                               failureKeepsBytes: false) { store, confirmed in
            try addNote(to: sealed.followed)(store, confirmed)
            try store.close()
        })
        // Encrypting (`retour init --encrypt`): see `everyOperationOfInitEncrypt`.

        // Compaction over a snapshot, a full set of backups (one is pruned) and a journal.
        for hardLinks in [true, false] {
            let full = try Simulated.dataDisk(closedSessions: Store.backupsKept + 2, openChanges: 3, hardLinks: hardLinks)
            let kind = hardLinks ? "" : " (backups copied: no hard links)"
            result.append(Scenario(name: "close" + kind, base: full.disk, changesBook: false, failureKeepsBytes: false) { store, _ in
                try store.close()
            })
        }
        // A directory with a journal and no snapshot yet: the first compaction.
        let fresh = try Simulated.emptyDisk()
        let store = try Simulated.open(fresh)
        for index in 0..<3 { try register(store, sampleProfile("Coulibaly", "Journal\(index)")) }
        withExtendedLifetime(store) {}
        result.append(Scenario(name: "first close (no snapshot yet)", base: fresh, changesBook: false,
                               failureKeepsBytes: false) { store, _ in
            try store.close()
        })

        let busy = try Simulated.dataDisk(closedSessions: 3, openChanges: 2)
        result.append(Scenario(name: "commit then close", base: busy.disk, failureKeepsBytes: false) { store, confirmed in
            try addNote(to: busy.followed)(store, confirmed)
            try store.close()
        })
        result.append(Scenario(name: "compact then commit", base: busy.disk, failureKeepsBytes: false) { store, confirmed in
            try store.compact()
            try registerNew(store, confirmed)
        })
        return result
    }

    // MARK: Crashes

    /// Cuts the power after each operation of the save, and restarts with every outcome.
    func crashAtEveryOperation(_ scenario: Scenario, tally: inout Tally) throws {
        let before = try BookState(Simulated.open(scenario.base.copy(), at: scenario.directory, write: false, sealing: scenario.sealing).book)
        let dry = scenario.base.copy()
        var confirmedDry = false
        do {
            let store = try Simulated.open(dry, at: scenario.directory, sealing: scenario.sealing)
            try scenario.save(store) { confirmedDry = true }
        }
        let count = dry.operationCount
        tally.operations[scenario.name] = count
        let after = try BookState(Simulated.open(dry.copy(), at: scenario.directory, write: false, sealing: scenario.sealing).book)
        #expect(count > 0, "\(scenario.name)")
        if scenario.changesBook {
            #expect(confirmedDry, "\(scenario.name)")
            #expect(after != before, "\(scenario.name): the save changed nothing")
        } else {
            #expect(after == before, "\(scenario.name)")
        }

        for k in 0...count {
            let disk = scenario.base.copy()
            disk.crashAt(k)
            var confirmed = false
            do {
                let store = try Simulated.open(disk, at: scenario.directory, sealing: scenario.sealing)
                try scenario.save(store) { confirmed = true }
            } catch {
                if !disk.isStopped { Issue.record("\(scenario.name): crash after operation \(k): \(error) before the crash") }
            }
            if k == count { #expect(confirmed || !scenario.changesBook, "\(scenario.name): made more operations than counted") }
            disk.stop()
            let point = "\(scenario.name): crash after operation \(k) of \(count) (\(disk.operations.last ?? "none"))"
            for crash in disk.possibleCrashes {
                tally.crashes += 1
                check(disk.crash(crash), "\(point), \(crash)", scenario: scenario,
                      allowed: confirmed ? [after] : [before, after])
            }
        }
    }

    /// A restarted disk opens to one of `allowed`, and stays usable: a new change is saved,
    /// closed, and read back, also after a power cut that keeps only what is durable.
    func check(_ disk: SimulatedDisk, _ label: String, scenario: Scenario, allowed: [BookState],
               sourceLocation: SourceLocation = #_sourceLocation) {
        let store: Store
        do {
            store = try Simulated.open(disk, at: scenario.directory, sealing: scenario.sealing)
        } catch {
            Issue.record("\(label): the directory does not open: \(error)", sourceLocation: sourceLocation)
            return
        }
        let state: BookState
        do {
            state = try BookState(store.book)
        } catch {
            Issue.record("\(label): the cases do not read: \(error)", sourceLocation: sourceLocation)
            return
        }
        if !allowed.contains(state) {
            let what = allowed.count == 1 ? "a confirmed change was lost" : "neither the state before nor the state after"
            Issue.record("\(label): \(what): \(state), expected \(allowed.map(\.description).joined(separator: " or "))",
                         sourceLocation: sourceLocation)
        }
        do {
            try register(store, sampleProfile("Traoré", "Après"), prefix: "MPT")
            let expected = try BookState(store.book)
            try store.close()
            #expect(try BookState(Simulated.open(disk.copy(), at: scenario.directory, sealing: scenario.sealing).book) == expected,
                    "\(label): reopened", sourceLocation: sourceLocation)
            let durable = disk.crash(.init(writes: .dropped, entries: .undone))
            #expect(try BookState(Simulated.open(durable, at: scenario.directory, sealing: scenario.sealing).book) == expected,
                    "\(label): a closed session is durable", sourceLocation: sourceLocation)
        } catch {
            Issue.record("\(label): the directory is not usable after the restart: \(error)", sourceLocation: sourceLocation)
        }
    }

    // MARK: Failures

    static func fileError(_ error: Error) -> FileError? {
        if let error = error as? FileError { return error }
        if case StoreError.notCompacted(let error)? = error as? StoreError { return error }
        if case StoreError.unconfirmed(let error)? = error as? StoreError { return error }
        return nil
    }

    /// Makes each operation of the save fail in turn (a full disk writing half a line, an I/O
    /// error): the error is a `FileError`, nothing changes in memory or on disk for a save not
    /// confirmed, and once the fault is gone the same save goes through.
    /// Except the fsync of the journal, made after the commit lock is let go, when other
    /// sessions may have read the line: the change stays, in memory and in the journal, the
    /// session saves nothing more (`StoreError.unconfirmed`), and a power cut may take it.
    func failAtEveryOperation(_ scenario: Scenario, tally: inout Tally) throws {
        let before = try BookState(Simulated.open(scenario.base.copy(), at: scenario.directory, write: false, sealing: scenario.sealing).book)
        let dry = scenario.base.copy()
        let count = try {
            let store = try Simulated.open(dry, at: scenario.directory, sealing: scenario.sealing)
            try scenario.save(store) {}
            return dry.operationCount
        }()
        let after = try BookState(Simulated.open(dry.copy(), at: scenario.directory, write: false, sealing: scenario.sealing).book)
        for k in 1...count {
            for (code, partial) in [(ENOSPC, true), (EIO, false)] {
                tally.failures += 1
                let disk = scenario.base.copy()
                disk.failAt(k, with: code, partialWrite: partial)
                let label = "\(scenario.name): \(code == ENOSPC ? "ENOSPC" : "EIO") at operation \(k) of \(count)"
                var store: Store?
                var confirmed = false
                var failed = false
                var unconfirmed = false
                var filesBefore = disk.files
                do {
                    let opened = try Simulated.open(disk, at: scenario.directory, sealing: scenario.sealing)
                    store = opened
                    filesBefore = disk.files
                    try scenario.save(opened) { confirmed = true }
                } catch let caught where Self.fileError(caught) != nil {
                    // Closing says every change is in the journal; the file error says why.
                    let error = Self.fileError(caught)!
                    failed = true
                    if case StoreError.unconfirmed? = caught as? StoreError { unconfirmed = true }
                    #expect(error.code == code, "\(label): \(error)")
                    let failed = disk.operations.last ?? ""
                    if let store, unconfirmed {
                        #expect(failed.hasPrefix("sync") && failed.contains(Store.Files.journal), "\(label) (\(failed)): unconfirmed")
                        #expect(try BookState(store.book) == after, "\(label) (\(failed)): the change left memory")
                        #expect(store.isReadOnly, "\(label) (\(failed)): the session still saves")
                    } else if let store {
                        #expect(try BookState(store.book) == (confirmed ? after : before), "\(label) (\(failed)): the book in memory changed")
                        if !confirmed && scenario.failureKeepsBytes {
                            #expect(differingFiles(filesBefore, disk.files) == [], "\(label) (\(failed)): the files changed")
                        }
                    }
                    // What reads it now, or after a power cut, finds the state before or after.
                    let allowed = confirmed ? [after] : [before, after]
                    for (view, copy) in [("now", disk.copy()), ("after a power cut", disk.crash(.init(writes: .dropped, entries: .undone)))] {
                        do {
                            let state = try BookState(Simulated.open(copy, at: scenario.directory, write: false, sealing: scenario.sealing).book)
                            #expect(allowed.contains(state), "\(label) (\(failed)), read \(view): \(state)")
                        } catch {
                            Issue.record("\(label) (\(failed)), read \(view): does not open: \(error)")
                        }
                    }
                } catch {
                    failed = true
                    Issue.record("\(label): \(error) is not a FileError")
                }
                // The disk is freed: the same save goes through (unless it already did: the
                // operation that failed may be one whose failure costs nothing).
                disk.clearFaults()
                if unconfirmed {
                    // The line is in the journal: reopened, the change is there; a power cut
                    // may have taken it, never half of it.
                    store = nil
                    do {
                        let reopened = try BookState(Simulated.open(disk.copy(), at: scenario.directory, sealing: scenario.sealing).book)
                        #expect(reopened == after, "\(label): reopened after an unconfirmed save \(reopened), expected \(after)")
                        let cut = disk.crash(.init(writes: .dropped, entries: .undone))
                        let survived = try BookState(Simulated.open(cut, at: scenario.directory, sealing: scenario.sealing).book)
                        #expect([before, after].contains(survived), "\(label): after an unconfirmed save and a power cut \(survived)")
                    } catch {
                        Issue.record("\(label): does not open after an unconfirmed save: \(error)")
                    }
                    continue
                }
                do {
                    if failed && !confirmed {
                        let retry = try store ?? Simulated.open(disk, at: scenario.directory, sealing: scenario.sealing)
                        try scenario.save(retry) { confirmed = true }
                    }
                    store = nil
                    let reopened = try BookState(Simulated.open(disk.copy(), at: scenario.directory, sealing: scenario.sealing).book)
                    #expect(reopened == after, "\(label): after the retry \(reopened), expected \(after)")
                    // What the retry confirmed is durable.
                    let durable = disk.crash(.init(writes: .dropped, entries: .undone))
                    let survived = try BookState(Simulated.open(durable, at: scenario.directory, sealing: scenario.sealing).book)
                    #expect(survived == after, "\(label): after the retry and a power cut \(survived), expected \(after)")
                    if scenario.changesBook { #expect(confirmed, "\(label): the retry was not confirmed") }
                } catch {
                    Issue.record("\(label): the retry failed: \(error)")
                }
            }
        }
    }

    // MARK: Encrypting

    static let passphrase = "sable chaud de Gao"
    /// Quick to derive: the test derives thousands of keys.
    static let quickKeys = ScryptParameters(logN: 4, r: 8, p: 1)
    /// Names the plain directory's cases hold (family and given names of every session).
    static let names = ["Fatoumata", "Diarra", "Sangaré"]

    /// The files of `disk` in which one of `names` can be read.
    static func filesShowingNames(_ disk: SimulatedDisk) -> [String] {
        disk.files.filter { _, bytes in names.contains { ReadableName.appears($0, in: bytes) } }.keys.sorted()
    }

    /// `retour init --encrypt` with the passphrase given (the command asks it twice for a plain
    /// directory, once for one whose encryption is unfinished).
    static func initEncrypt(_ disk: SimulatedDisk) throws -> Encryption.Protected {
        try Encryption.protect(Simulated.directory, passphrase: passphrase, user: Simulated.author,
                               parameters: quickKeys, on: disk)
    }

    /// Whether `path` is the history, only shorter or longer at its end (entries lost by a power
    /// cut before their fsync, or added back from the journal).
    static func isCompletedHistory(_ path: String, base: [String: [UInt8]], now: [String: [UInt8]]) -> Bool {
        guard path.hasSuffix("/" + HistoryFile.fileName) else { return false }
        let before = base[path] ?? [], after = now[path] ?? []
        return after.starts(with: before) || before.starts(with: after)
    }

    /// `retour check` with the passphrase given.
    static func check(_ disk: SimulatedDisk) -> DataCheck {
        DataCheck.run(directory: Simulated.directory, reference: CSVFixtures.reference, fileSystem: disk) { passphrase }
    }

    /// The cases of an encrypted or plain directory, opened read-only with the passphrase.
    static func state(_ disk: SimulatedDisk) throws -> BookState {
        try BookState(Encryption.openStore(Simulated.directory, write: false, user: Simulated.author, on: disk) { passphrase }.book)
    }

    /// `retour init --encrypt` on a directory holding cases, journal lines and plain backups,
    /// cut by a power cut at every operation (with every way it may leave what was not yet
    /// durable), then made to fail at every operation; and the same for an `init --encrypt`
    /// run again over a directory whose encryption a crash left unfinished. After each:
    /// `retour check` never says the directory is encrypted while a name can be read in one of
    /// its files; the directory is either exactly as it was (plain, no key file) or unfinished
    /// (check says so, exit 1), and the next command — `init --encrypt` again, or a session
    /// opened with the passphrase — seals it whole: no name in any file, also after another
    /// power cut, and every case as it was.
    @Test func everyOperationOfInitEncrypt() throws {
        let plain = try Simulated.dataDisk(closedSessions: 3, openChanges: 2).disk
        let before = try Self.state(plain)
        #expect(Self.check(plain).isOK, "\(Self.check(plain).findings)")
        #expect(!Self.filesShowingNames(plain).isEmpty)
        // A crash right after the key file was written: nothing sealed yet.
        let unfinished = plain.copy()
        let (keyFile, _) = try KeyFile.create(passphrase: Self.passphrase, parameters: Self.quickKeys)
        try Encryption.write(keyFile, in: Simulated.directory, on: unfinished)

        var outcomes = 0
        for (name, base) in [("init --encrypt", plain), ("init --encrypt again, over an unfinished encryption", unfinished)] {
            let dry = base.copy()
            let done = try Self.initEncrypt(dry)
            #expect(done.cases == before.cases.count)
            let count = dry.operationCount
            expectSealed(dry, "\(name), uncut", before: before)
            for k in 0...count {
                let disk = base.copy()
                disk.crashAt(k)
                do {
                    _ = try Self.initEncrypt(disk)
                } catch {
                    if !disk.isStopped { Issue.record("\(name): crash after operation \(k): \(error) before the crash") }
                }
                disk.stop()
                for crash in disk.possibleCrashes {
                    outcomes += 1
                    expectNoFalseClaim(disk.crash(crash), "\(name): crash after operation \(k) of \(count) (\(disk.operations.last ?? "none")), \(crash)",
                                       base: base, before: before)
                }
            }
            for k in 1...count {
                for (code, partial) in [(ENOSPC, true), (EIO, false)] {
                    outcomes += 1
                    let disk = base.copy()
                    disk.failAt(k, with: code, partialWrite: partial)
                    let label = "\(name): \(code == ENOSPC ? "ENOSPC" : "EIO") at operation \(k) of \(count)"
                    do {
                        _ = try Self.initEncrypt(disk)
                    } catch {
                        #expect(error is UserFacingError, "\(label): \(error)")
                    }
                    disk.clearFaults()
                    let failed = "\(label) (\(disk.operations.last ?? ""))"
                    expectNoFalseClaim(disk.copy(), failed + ", read now", base: base, before: before)
                    expectNoFalseClaim(disk.crash(.init(writes: .dropped, entries: .undone)), failed + ", after a power cut",
                                       base: base, before: before)
                }
            }
        }
        print("init --encrypt: \(outcomes) crash and fault outcomes checked")
    }

    /// What `retour check` says of `disk` after a crash or a fault while encrypting: never
    /// "encrypted" over a readable name; then the next command seals it.
    func expectNoFalseClaim(_ disk: SimulatedDisk, _ label: String, base: SimulatedDisk, before: BookState,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        let check = Self.check(disk)
        let readable = Self.filesShowingNames(disk)
        if check.encrypted && check.isOK {
            #expect(readable == [], "\(label): check says encrypted, names readable in", sourceLocation: sourceLocation)
        }
        if Encryption.isEncrypted(Simulated.directory, on: disk) {
            if !readable.isEmpty {
                #expect(!check.isOK && check.findings.map(\.message.key).contains("error.store.encryptionUnfinished"),
                        "\(label): names readable, check says \(check.findings)", sourceLocation: sourceLocation)
            }
        } else {
            // Not begun: exactly as it was (a key file's temp file, which holds no data, aside; and
            // the history, whose changes not yet fsync'd a power cut may take, and which opening
            // completes again from the journal).
            let changed = differingFiles(base.files, disk.files).filter { !Self.isKeyTemporary($0) }
                .filter { !Self.isCompletedHistory($0, base: base.files, now: disk.files) }
            #expect(changed == [], "\(label): no key file, and these files changed", sourceLocation: sourceLocation)
            #expect(check.isOK && !check.encrypted, "\(label): \(check.findings)", sourceLocation: sourceLocation)
        }
        do {
            #expect(try Self.state(disk) == before, "\(label): the cases changed", sourceLocation: sourceLocation)
        } catch {
            Issue.record("\(label): the directory does not open: \(error)", sourceLocation: sourceLocation)
        }

        // The next command: init --encrypt again.
        let again = disk.copy()
        do {
            _ = try Self.initEncrypt(again)
        } catch StoreError.alreadyEncrypted where readable.isEmpty {
            // Sealed already, and said so.
        } catch {
            Issue.record("\(label): init --encrypt again: \(error)", sourceLocation: sourceLocation)
        }
        expectSealed(again, "\(label), then init --encrypt", before: before, sourceLocation: sourceLocation)

        // Or a session opened with the passphrase, which then quits.
        guard Encryption.isEncrypted(Simulated.directory, on: disk) else { return }
        let reopened = disk.copy()
        do {
            let store = try Encryption.openStore(Simulated.directory, write: true, user: Simulated.author, on: reopened) { Self.passphrase }
            #expect(Self.filesShowingNames(reopened) == [], "\(label): a session is open with names readable in",
                    sourceLocation: sourceLocation)
            try store.close()
        } catch {
            Issue.record("\(label): a session with the passphrase: \(error)", sourceLocation: sourceLocation)
        }
        expectSealed(reopened, "\(label), then a session", before: before, sourceLocation: sourceLocation)
    }

    /// `disk` is encrypted whole, says so, holds `before`, and stays so after a power cut.
    func expectSealed(_ disk: SimulatedDisk, _ label: String, before: BookState,
                      sourceLocation: SourceLocation = #_sourceLocation) {
        for (view, copy) in [("", disk), (", after a power cut", disk.crash(.init(writes: .dropped, entries: .undone)))] {
            #expect(Self.filesShowingNames(copy) == [], "\(label)\(view): names readable in", sourceLocation: sourceLocation)
            let check = Self.check(copy)
            #expect(check.isOK && check.encrypted, "\(label)\(view): \(check.findings)", sourceLocation: sourceLocation)
            do {
                #expect(try Self.state(copy) == before, "\(label)\(view): the cases changed", sourceLocation: sourceLocation)
            } catch {
                Issue.record("\(label)\(view): does not open: \(error)", sourceLocation: sourceLocation)
            }
        }
    }

    static func isKeyTemporary(_ path: String) -> Bool {
        let name = URL(fileURLWithPath: path).lastPathComponent
        return name.hasPrefix("." + Store.Files.key + ".") && name.hasSuffix(".tmp")
    }
}
