import Foundation
@testable import RetourCore

/// What is fuzzed: each reader of a file that another account, a damaged disk or a hostile
/// form may have written. A target takes any bytes; it may refuse them (a thrown error), never
/// crash, hang or use memory without bound.
enum FuzzTarget: String, CaseIterable {
    /// An import file, read and planned against a book holding cases (duplicates, numbers).
    case csv
    /// `snapshot.jsonl`, then the book it opens to, listed and searched.
    case snapshot
    /// The same, sealed: the input's case lines are sealed with the data key before reading,
    /// so that what lies inside a sealed line is fuzzed too (a line starting with `~` is kept
    /// as is, to fuzz the sealing's own framing).
    case snapshotSealed = "snapshot-sealed"
    /// `journal.jsonl` over a saved snapshot.
    case journal
    case journalSealed = "journal-sealed"
    /// The body of `snapshot.index` under a header that matches the snapshot, so that the body
    /// is believed and read.
    case index
    case indexSealed = "index-sealed"
    /// `key.json`, decoded and, when its scrypt parameters are cheap, unlocked.
    case keyFile = "key-file"

    func run(_ input: [UInt8]) {
        switch self {
        case .csv: CSVTarget.run(input)
        case .snapshot: StoreFileTarget.snapshot(input, sealed: false)
        case .snapshotSealed: StoreFileTarget.snapshot(input, sealed: true)
        case .journal: StoreFileTarget.journal(input, sealed: false)
        case .journalSealed: StoreFileTarget.journal(input, sealed: true)
        case .index: StoreFileTarget.index(input, sealed: false)
        case .indexSealed: StoreFileTarget.index(input, sealed: true)
        case .keyFile: KeyFileTarget.run(input)
        }
    }

    /// First inputs: what a real session writes.
    func seeds() throws -> [[UInt8]] {
        switch self {
        case .csv: try CSVTarget.seeds()
        case .snapshot: [Sample.plain.snapshot]
        case .snapshotSealed: [Sample.sealed.openedSnapshot]
        case .journal: [Sample.plain.journal, []]
        case .journalSealed: [Sample.sealed.openedJournal]
        case .index: [Sample.plain.indexBody]
        case .indexSealed: [Sample.sealed.openedIndexBody]
        case .keyFile: try KeyFileTarget.seeds()
        }
    }
}
