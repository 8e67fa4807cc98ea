#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import RetourCore
import RetourTestSupport

/// Two writing sessions on one `SimulatedDisk`, their appends, their reading of each other's
/// lines (`refresh`, and the catching up every commit does) and their compactions (asked for,
/// by size, by the last one closing) interleaved; with the power cut after every operation, a
/// `kill -9` of one session at each of its operations while the other goes on, and one
/// session's disk full.
@Suite("Store: two writers, crashes, kills and a full disk")
struct TwoWritersFaultTests {
    /// The changes of the scenarios, each with an id to find it again.
    struct Changes {
        let data: Simulated.DataDisk
        let notes = (0..<8).map { _ in UUID() }
        let people = (0..<8).map { _ in UUID() }

        func note(_ index: Int, by author: String) -> Change {
            .addNote(id: data.followed, note: Note(id: notes[index], text: "Note \(index)", by: author, at: Simulated.time))
        }

        func register(_ index: Int) -> Change {
            .register(id: people[index], number: CaseBook.numberToAllocate(prefix: "GAO"),
                      profile: sampleProfile("Keïta", "Bintou\(index)"))
        }
    }

    /// A step of a scenario: which session (0 or 1) makes it, and what.
    typealias Step = (session: Int, run: ([Store]) throws -> Void)

    static func commit(_ session: Int, _ change: Change) -> Step {
        (session, { stores in
            try stores[session].commit(change, as: .anyone(session == 0 ? Simulated.author : "moussa"), at: Simulated.time)
        })
    }

    static func refresh(_ session: Int) -> Step { (session, { try $0[session].refresh() }) }
    static func compact(_ session: Int) -> Step { (session, { try $0[session].compact() }) }
    static func close(_ session: Int) -> Step { (session, { try $0[session].close() }) }
    /// The next commit of `session` passes the compaction threshold.
    static func tinyThreshold(_ session: Int) -> Step { (session, { $0[session].compactionThreshold = 1 }) }

    /// Appends, notices and compactions of both sessions, interleaved.
    static func interleaved(_ changes: Changes) -> [Step] {
        [
            commit(0, changes.note(0, by: Simulated.author)),
            refresh(1),
            commit(1, changes.register(0)),
            compact(0),
            commit(1, changes.note(1, by: "moussa")),
            refresh(0),
            tinyThreshold(1),
            commit(1, changes.register(1)),
            commit(0, changes.note(2, by: Simulated.author)),
            refresh(1),
            commit(0, changes.register(2)),
            close(0),
            commit(1, changes.note(3, by: "moussa")),
            close(1),
        ]
    }

    // MARK: Power cut

    /// The power cut after every operation of the interleaved scenario, with every way it may
    /// leave what was not yet durable: the disk opens to the state after the last confirmed
    /// step (or the step under way), and the next commit works.
    @Test func aPowerCutAtEveryOperationOfAppendNoticeAndCompaction() throws {
        let changes = Changes(data: try Simulated.dataDisk(closedSessions: 2, openChanges: 1))
        let data = changes.data
        let steps = Self.interleaved(changes)
        func run(_ disk: SimulatedDisk, confirmed: (Int) -> Void) throws {
            let stores = [try Simulated.open(disk), try Store(directory: Simulated.directory, user: "moussa", fileSystem: disk)]
            for (index, step) in steps.enumerated() {
                try step.run(stores)
                confirmed(index)
            }
        }
        let dry = data.disk.copy()
        var states: [BookState] = [try BookState(Simulated.open(data.disk.copy(), write: false).book)]
        try run(dry) { _ in states.append(try! BookState(Simulated.open(dry.copy(), write: false).book)) }
        let count = dry.operationCount
        #expect(states.count == steps.count + 1)
        #expect(states.last!.seq == states.first!.seq + 7)
        #expect(dry.operations.filter { $0.hasPrefix("rename snapshot.jsonl.tmp") }.count == 3, "\(dry.operations)")
        let scenario = CrashAtEveryOperationTests.Scenario(name: "append, notice, compaction", base: data.disk) { _, _ in }
        var crashes = 0
        for k in 0...count {
            let disk = data.disk.copy()
            disk.crashAt(k)
            var done = -1
            do {
                try run(disk) { done = $0 }
            } catch {
                if !disk.isStopped { Issue.record("crash after operation \(k): \(error) before the crash") }
            }
            disk.stop()
            let allowed = [states[done + 1], states[min(done + 2, states.count - 1)]]
            for crash in disk.possibleCrashes {
                crashes += 1
                CrashAtEveryOperationTests().check(disk.crash(crash),
                                                   "crash after operation \(k) of \(count) (\(disk.operations.last ?? "")), \(crash)",
                                                   scenario: scenario, allowed: allowed)
            }
        }
        print("two writers, append/notice/compaction: \(count) operations, \(crashes) crash outcomes checked")
        #expect(crashes > 200)
    }

    // MARK: kill -9 of one session

    /// What a scenario's changes became: each confirmed one is there once, the one under way
    /// when its session was killed at most once, the others not at all; the sequence counts
    /// exactly the changes there; case numbers are unique and gapless; `retour check` is happy.
    static func expectWhole(_ disk: SimulatedDisk, _ changes: Changes, confirmed: Set<UUID>, underWay: UUID?,
                            baseSeq: Int, _ label: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> BookState {
        let store = try Simulated.open(disk, write: false)
        let state = try BookState(store.book)
        let notes = try #require(try store.book.read(changes.data.followed)).notes.map(\.id)
        var present = 0
        for id in changes.notes + changes.people {
            let times = changes.notes.contains(id) ? notes.filter { $0 == id }.count : (store.book[id] == nil ? 0 : 1)
            present += times
            if confirmed.contains(id) {
                #expect(times == 1, "\(label): a confirmed change is there \(times) times", sourceLocation: sourceLocation)
            } else if id == underWay {
                #expect(times <= 1, "\(label): the change under way is there \(times) times", sourceLocation: sourceLocation)
            } else {
                #expect(times == 0, "\(label): a change never made is there", sourceLocation: sourceLocation)
            }
        }
        #expect(state.seq == baseSeq + present, "\(label): seq \(state.seq) for \(present) changes", sourceLocation: sourceLocation)
        for prefix in ["GAO", "TBK", "MPT"] {
            let serials = state.cases.map(\.number).filter { $0.hasPrefix(prefix + "-") }.compactMap { Int($0.dropFirst(4)) }.sorted()
            #expect(serials == Array(stride(from: 1, through: serials.count, by: 1)), "\(label): \(prefix) \(serials)",
                    sourceLocation: sourceLocation)
        }
        let check = DataCheck.run(directory: Simulated.directory, reference: CSVFixtures.reference, fileSystem: disk) { "" }
        #expect(check.isOK, "\(label): \(check.findings)", sourceLocation: sourceLocation)
        return state
    }

    /// Session 0 killed after each of its operations (and in the middle of each of its
    /// writes), at any point of its appends, its catching up, its compactions (asked for and
    /// by size) and its closing, while session 1 goes on: session 1's next commit works (it
    /// cuts what the dead one left half written), nothing confirmed by either is lost or there
    /// twice, the change under way is whole or absent, and after session 1 closes the directory
    /// reads the same, also after a power cut, and takes a new commit.
    @Test func oneSessionKilledAtEveryOperationWhileTheOtherGoesOn() throws {
        let changes = Changes(data: try Simulated.dataDisk(closedSessions: 2, openChanges: 1))
        let data = changes.data
        let baseSeq = try Simulated.open(data.disk.copy(), write: false).book.seq
        let victimSteps: [Step] = [
            Self.commit(0, changes.note(0, by: Simulated.author)),
            Self.commit(1, changes.register(0)),
            Self.refresh(0),
            Self.commit(0, changes.register(1)),
            Self.compact(0),
            Self.commit(1, changes.note(1, by: "moussa")),
            Self.tinyThreshold(0),
            Self.commit(0, changes.note(2, by: Simulated.author)),
            Self.commit(1, changes.register(2)),
            Self.commit(0, changes.register(3)),
            Self.close(0),
        ]
        let afterwards: [Step] = [
            Self.refresh(1),
            Self.commit(1, changes.note(3, by: "moussa")),
            Self.commit(1, changes.register(4)),
        ]
        /// The id of the change a step commits, if it does.
        func changeID(_ index: Int) -> UUID? {
            [changes.notes[0], changes.people[0], nil, changes.people[1], nil, changes.notes[1], nil, changes.notes[2],
             changes.people[2], changes.people[3], nil][index]
        }
        let dry = data.disk.copy()
        let dryVictim = SessionDisk(dry)
        do {
            let stores = [try Store(directory: Simulated.directory, user: Simulated.author, fileSystem: dryVictim),
                          try Store(directory: Simulated.directory, user: "moussa", fileSystem: dry)]
            for step in victimSteps + afterwards { try step.run(stores) }
            try stores[1].close()
        }
        let count = dryVictim.operationCount
        #expect(count > 20)
        var outcomes = 0, cutByTheOther = 0
        for k in 0...count {
            for torn in k == 0 ? [false] : [false, true] {
                let disk = data.disk.copy()
                let victim = SessionDisk(disk)
                let label = "session killed after its operation \(k) of \(count)\(torn ? " (in the middle of a write)" : "")"
                var confirmed = Set<UUID>()
                var underWay: UUID?
                do {
                    victim.killAt(k, tornWrite: torn)
                    let first = try? Store(directory: Simulated.directory, user: Simulated.author, fileSystem: victim)
                    let second = try Store(directory: Simulated.directory, user: "moussa", fileSystem: disk)
                    for (index, step) in victimSteps.enumerated() {
                        if step.session == 0 {
                            guard let first, !victim.isKilled else { continue }
                            do {
                                try step.run([first, second])
                                if let id = changeID(index) { confirmed.insert(id) }
                            } catch {
                                if !victim.isKilled { Issue.record("\(label): \(error) before the kill") }
                                underWay = changeID(index)
                            }
                        } else {
                            try step.run([second, second])
                            if let id = changeID(index) { confirmed.insert(id) }
                        }
                    }
                    let tornBefore = disk.files[Simulated.directory.appendingPathComponent(Store.Files.journal).path]
                        .map { !$0.isEmpty && $0.last != 0x0A } ?? false
                    for step in afterwards { try step.run([second, second]) }
                    confirmed.insert(changes.notes[3])
                    confirmed.insert(changes.people[4])
                    if tornBefore { cutByTheOther += 1 }
                    try second.close()
                    withExtendedLifetime(first) {}
                } catch {
                    Issue.record("\(label): the session left alive failed: \(error)")
                    continue
                }
                outcomes += 1
                let state = try Self.expectWhole(disk.copy(), changes, confirmed: confirmed, underWay: underWay,
                                                 baseSeq: baseSeq, label)
                let durable = disk.crash(.init(writes: .dropped, entries: .undone))
                #expect(try BookState(Simulated.open(durable.copy(), write: false).book) == state, "\(label): after a power cut")
                let scenario = CrashAtEveryOperationTests.Scenario(name: "kill", base: data.disk) { _, _ in }
                CrashAtEveryOperationTests().check(durable, label, scenario: scenario, allowed: [state])
            }
        }
        print("one of two writers killed: \(outcomes) outcomes checked (\(count) operations of the killed session, "
              + "\(cutByTheOther) half lines cut by the other)")
        #expect(cutByTheOther > 0)
    }

    // MARK: A full disk for one session

    /// One session's writes fail (its disk or quota is full): its commit fails with the
    /// message it has today and changes nothing; the other session commits meanwhile; once
    /// the space is back the first one's commit goes through, and both see the same cases.
    @Test func aFullDiskFailsOneSessionsCommitAndTheOtherGoesOn() throws {
        let changes = Changes(data: try Simulated.dataDisk(closedSessions: 1, openChanges: 1))
        let disk = changes.data.disk
        let full = SessionDisk(disk)
        let first = try Store(directory: Simulated.directory, user: Simulated.author, fileSystem: full)
        let second = try Store(directory: Simulated.directory, user: "moussa", fileSystem: disk)
        let before = try BookState(first.book)
        let journal = Simulated.directory.appendingPathComponent(Store.Files.journal).path
        full.failWrites(with: ENOSPC)
        let catalog = try Catalog(language: .en, assets: Assets.locate())
        for attempt in 0..<2 {
            let bytes = disk.files[journal]
            do {
                try first.commit(changes.note(0, by: Simulated.author), as: .anyone(Simulated.author), at: Simulated.time)
                Issue.record("attempt \(attempt): a commit on a full disk went through")
            } catch let error as FileError {
                #expect(error.code == ENOSPC && error.file == Store.Files.journal)
                #expect(catalog.text(error) == "Could not write journal.jsonl: the disk is full. Nothing was saved; try again.")
            }
            // Nothing of it anywhere; what the other saved before was read all the same.
            #expect(disk.files[journal] == bytes, "attempt \(attempt): the failed line was left in the journal")
            #expect(try BookState(first.book) == BookState(second.book))
            #expect(try first.book.read(changes.data.followed)?.notes.contains { $0.id == changes.notes[0] } == false)
            // The other session commits meanwhile, and reads nothing of the failed one.
            try second.commit(changes.register(attempt), as: .anyone("moussa"), at: Simulated.time)
            #expect(second.book[changes.people[attempt]] != nil)
            #expect(try second.book.read(changes.data.followed)?.notes.contains { $0.id == changes.notes[0] } == false)
        }
        full.clearFaults()
        try first.commit(changes.note(0, by: Simulated.author), as: .anyone(Simulated.author), at: Simulated.time)
        #expect(first.book.count == before.cases.count + 2)
        try second.refresh()
        let state = try BookState(second.book)
        #expect(try BookState(first.book) == state)
        try first.close()
        try second.close()
        _ = try Self.expectWhole(disk.copy(), changes, confirmed: [changes.notes[0], changes.people[0], changes.people[1]],
                                 underWay: nil, baseSeq: before.seq, "full disk")
        #expect(try BookState(Simulated.open(disk.crash(.init(writes: .dropped, entries: .undone)), write: false).book) == state)
    }
}

/// A writing session opens by reading the files without the commit lock (others' commits do
/// not wait through it), then, under the lock, reads what was appended meanwhile.
@Suite("Store: opening while another session writes")
struct OpeningBesideWritersTests {
    typealias Changes = TwoWritersFaultTests.Changes

    /// Another session commits between the opening's reading and its lock; then its commit
    /// leaves a half line and dies; then it compacts. Each time the opening ends on every
    /// committed change, once, without a half line, and its next commit is numbered after them.
    @Test(arguments: ["commit", "torn line", "compaction"])
    func anotherSessionWritesWhileTheOpeningReads(_ what: String) throws {
        let changes = Changes(data: try Simulated.dataDisk(closedSessions: 1, openChanges: 1))
        let disk = changes.data.disk.copy()
        let other = try Store(directory: Simulated.directory, user: "moussa", fileSystem: disk)
        try other.commit(changes.register(0), as: .anyone("moussa"), at: Simulated.time)
        let opening = SessionDisk(disk)
        let victim = SessionDisk(disk)
        let dying = what == "torn line" ? try Store(directory: Simulated.directory, user: "awa", fileSystem: victim) : nil
        opening.beforeNextCommitLock = {
            switch what {
            case "commit":
                try other.commit(changes.register(1), as: .anyone("moussa"), at: Simulated.time)
            case "torn line":
                victim.killAt(1, tornWrite: true)
                _ = try? dying?.commit(changes.register(1), as: .anyone("awa"), at: Simulated.time)
                #expect(victim.isKilled)
            default:
                try other.commit(changes.register(1), as: .anyone("moussa"), at: Simulated.time)
                try other.compact()
                try other.commit(changes.register(2), as: .anyone("moussa"), at: Simulated.time)
            }
        }
        let opened = try Store(directory: Simulated.directory, user: Simulated.author, fileSystem: opening)
        #expect(opening.beforeNextCommitLock == nil)
        try other.refresh()
        #expect(try BookState(opened.book) == BookState(other.book))
        let journal = try #require(disk.files[Simulated.directory.appendingPathComponent(Store.Files.journal).path])
        #expect(journal.isEmpty || journal.last == 0x0A)
        let entry = try opened.commit(changes.register(3), as: .anyone(Simulated.author), at: Simulated.time)
        guard case .register(_, let number, _) = entry.change else { Issue.record("not a registration"); return }
        let numbers = try other.book.allCases().map(\.number)
        #expect(!numbers.contains(number))
        try other.refresh()
        #expect(try BookState(opened.book) == BookState(other.book))
        try opened.close()
        try other.close()
        withExtendedLifetime(dying) {}
        #expect(try BookState(Simulated.open(disk.copy(), write: false).book) == BookState(other.book))
    }
}
