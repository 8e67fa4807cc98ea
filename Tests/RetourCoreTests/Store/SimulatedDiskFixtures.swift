import Foundation
import Testing
@testable import RetourCore
import RetourTestSupport

/// Data directories on a `SimulatedDisk`, for the crash and fault tests.
enum Simulated {
    /// The data directory's parent, present (and durable) on every disk made here.
    static let root = URL(fileURLWithPath: "/retour")
    static let directory = root.appendingPathComponent("data")
    static let author = "awa"
    /// A time of day for the changes these tests save (the journal keeps whole seconds).
    static let time = Date(timeIntervalSince1970: 1_460_000_000)

    /// A disk holding only the data directory's parent.
    static func emptyDisk(hardLinks: Bool = true) throws -> SimulatedDisk {
        let disk = SimulatedDisk(hardLinks: hardLinks)
        try disk.makeDirectory(root.path, name: root.path)
        try disk.syncDirectory("/", name: "/")
        return disk
    }

    struct DataDisk {
        let disk: SimulatedDisk
        /// How its lines are stored.
        let sealing: LineSealing
        /// A case with a plan, assessments, referrals and notes.
        let followed: UUID
        /// A case only registered.
        let registered: UUID
    }

    /// A data directory saved by `closedSessions` sessions (1 or more) that each closed, so
    /// that there are a snapshot and `closedSessions - 1` backups, then by one left open with
    /// `openChanges` changes in the journal. The first session saves the followed case of
    /// `FollowUpBook.followed()`; later ones register a case each.
    /// `encrypted`: with a key file, every line sealed with its data key.
    static func dataDisk(closedSessions: Int, openChanges: Int, hardLinks: Bool = true,
                         encrypted: Bool = false) throws -> DataDisk {
        let disk = try emptyDisk(hardLinks: hardLinks)
        let sealing: LineSealing = try encrypted ? encrypt(disk) : PlainLines()
        let (followUp, followed, registered) = try FollowUpBook.followed()
        let first = try open(disk, sealing: sealing)
        for entry in followUp.entries {
            try first.commit(entry.change, as: .anyone(entry.by), at: entry.at)
        }
        #expect(try first.book.allCases() == followUp.book.allCases())
        try first.close()
        for session in 1..<max(1, closedSessions) {
            let store = try open(disk, sealing: sealing)
            try register(store, sampleProfile("Diarra", "Session\(session)"))
            try store.close()
        }
        let last = try open(disk, sealing: sealing)
        for index in 0..<openChanges {
            try register(last, sampleProfile("Sangaré", "Open\(index)", region: "ML06"), prefix: "TBK")
        }
        withExtendedLifetime(last) {}
        return DataDisk(disk: disk, sealing: sealing, followed: followed, registered: registered)
    }

    /// Writes a key file (durable) into the data directory, made if missing, and returns how
    /// lines are sealed with its data key.
    static func encrypt(_ disk: SimulatedDisk) throws -> LineSealing {
        let (keyFile, key) = try KeyFile.create(passphrase: "sable chaud de Gao", parameters: ScryptParameters(logN: 10, r: 8, p: 1))
        try disk.makeDirectory(directory.path, name: directory.path)
        try disk.syncDirectory(root.path, name: root.path)
        try disk.place(keyFile.encoded(), at: directory.appendingPathComponent(Store.Files.key).path)
        return SealedLines(key: key)
    }

    static func open(_ disk: SimulatedDisk, at directory: URL = directory, write: Bool = true,
                     sealing: LineSealing = PlainLines()) throws -> Store {
        try Store(directory: directory, write: write, user: author, fileSystem: disk, sealing: sealing)
    }
}

/// What a book holds, compared whole: every case, in order, as read back in full, with the
/// digests lists and searches use, the lines set aside and the sequence number.
struct BookState: Equatable, CustomStringConvertible {
    let seq: Int
    let cases: [Case]
    let digests: [CaseDigest]
    let setAside: [SetAsideLine]

    init(_ book: CaseBook) throws {
        seq = book.seq
        cases = try book.allCases()
        digests = book.digests
        setAside = book.setAside
    }

    var description: String { "seq \(seq), \(cases.count) case(s)" }
}

/// The files added, removed or changed (byte for byte) between two views of a disk, to say
/// which ones without printing their contents.
func differingFiles(_ before: [String: [UInt8]], _ after: [String: [UInt8]]) -> [String] {
    Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }.sorted()
}
