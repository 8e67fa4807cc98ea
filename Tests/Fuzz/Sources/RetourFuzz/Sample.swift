import Foundation
@testable import RetourCore
import RetourDemo
import RetourTestSupport

/// A data directory on a simulated disk, as sessions left it: a snapshot of generated people
/// with their follow-up, its index, and a journal of changes made since (six people: every
/// kind of line, and few enough to decode fast). Built once; every input is read from a copy
/// with one of its files replaced.
struct Sample {
    static let directory = URL(fileURLWithPath: "/fuzz/data")
    static let assets = try! Assets.locate()
    static let reference = try! Reference(assets: assets)
    static let catalog = try! Catalog(language: .en, assets: assets)
    static let today = CalendarDate(year: 2026, month: 6, day: 30)!
    static let plain = try! Sample(encrypted: false)
    /// With a key file: what a sealed target seals its input with is its data key.
    static let sealed = try! Sample(encrypted: true)

    let sealing: LineSealing
    /// The directory, its journal holding the changes of a session not closed.
    let disk: SimulatedDisk
    /// The book the closed sessions saved (what the journal applies to).
    let book: CaseBook
    let snapshot: [UInt8]
    let journal: [UInt8]
    let index: [UInt8]

    init(encrypted: Bool) throws {
        disk = SimulatedDisk()
        try disk.makeDirectory("/fuzz", name: "/fuzz")
        try disk.makeDirectory(Self.directory.path, name: "data")
        if encrypted {
            let (keyFile, key) = try KeyFile.create(passphrase: KeyFileTarget.passphrase,
                                                    parameters: ScryptParameters(logN: 4, r: 8, p: 1))
            try disk.place(keyFile.encoded(), at: Self.file(Store.Files.key))
            sealing = SealedLines(key: key)
        } else {
            sealing = PlainLines()
        }
        let people = try DemoPeople(assets: Self.assets)
        // Two closed sessions (a snapshot and its index), then one left open (a journal).
        for (seed, closes) in [(1, true), (2, true), (3, false)] as [(UInt64, Bool)] {
            let store = try Store(directory: Self.directory, user: "fuzz", fileSystem: disk, sealing: sealing)
            let batch = try people.batch(count: 2, seed: seed, reference: Self.reference, today: Self.today)
            let plan = try CSVImport.plan(data: batch.csv, reference: Self.reference, book: store.book, today: Self.today,
                                          options: .init(skipInvalid: true, allowDuplicates: true))
            _ = try DemoPeople.run(plan, histories: batch.histories, store: store, reference: Self.reference)
            if closes { try store.close() } else { withExtendedLifetime(store) {} }
        }
        snapshot = try Self.read(Store.Files.snapshot, on: disk)
        journal = try Self.read(Store.Files.journal, on: disk)
        index = try Self.read(Store.Files.index, on: disk)
        let emptied = disk.copy()
        emptied.remove(Self.file(Store.Files.journal))
        book = try Store(directory: Self.directory, write: false, user: "fuzz", fileSystem: emptied, sealing: sealing).book
    }

    /// The store this sample's directory opens to, read-only, as `retour list` opens it.
    func open(_ disk: SimulatedDisk? = nil, write: Bool = false) throws -> Store {
        try Store(directory: Self.directory, write: write, user: "fuzz", fileSystem: disk ?? self.disk, sealing: sealing)
    }

    static func file(_ name: String) -> String { directory.appendingPathComponent(name).path }

    static func read(_ name: String, on disk: SimulatedDisk) throws -> [UInt8] {
        disk.files[file(name)] ?? []
    }

    // MARK: Lines in clear of the sealed sample (the sealed targets' inputs)

    var indexBody: [UInt8] { Array(index[(index.firstIndex(of: 0x0A)! + 1)...]) }

    var openedSnapshot: [UInt8] {
        var lines = Lines(snapshot).map { Array(snapshot[$0.range]) }
        for position in lines.indices.dropFirst() {
            lines[position] = (try? sealing.bound(to: Store.Files.snapshot).open(lines[position][...])) ?? lines[position]
        }
        return Array(lines.joined(separator: [0x0A])) + [0x0A]
    }

    var openedJournal: [UInt8] {
        let lines = Lines(journal).map { (try? sealing.bound(to: Store.Files.journal).open(journal[$0.range])) ?? [] }
        return Array(lines.joined(separator: [0x0A])) + [0x0A]
    }

    var openedIndexBody: [UInt8] {
        (try? sealing.bound(to: Store.Files.index).open(indexBody[...])) ?? []
    }
}
