import OrderedCollections
import Foundation

/// Every case of a data directory, in registration order, and the indexes kept beside them.
/// The only place where a change modifies cases.
public struct CaseBook: Sendable {
    public private(set) var cases: OrderedDictionary<UUID, Case> = [:]
    /// Sequence number of the last change applied.
    public private(set) var seq: Int = 0
    private var idByNumber: [String: UUID] = [:]
    private var highestSerial: [String: Int] = [:]
    private var idsByDuplicateKey: [DuplicateKey: [UUID]] = [:]

    public init() {}

    /// A book holding `cases` as of change `seq` (as read from a snapshot).
    public init(cases: [Case], seq: Int) throws {
        self.seq = seq
        for item in cases {
            guard self.cases[item.id] == nil else { throw ChangeError.duplicateID }
            guard idByNumber[item.number] == nil else { throw ChangeError.duplicateNumber(item.number) }
            insert(item)
        }
    }

    public var count: Int { cases.count }

    public subscript(id: UUID) -> Case? { cases[id] }

    public func find(number: String) -> Case? {
        idByNumber[number.uppercased()].flatMap { cases[$0] }
    }

    /// The next free case number for a region: its prefix and the next serial (`GAO-000043`).
    public func nextNumber(prefix: String) -> String {
        String(format: "%@-%06d", prefix, (highestSerial[prefix] ?? 0) + 1)
    }

    /// Throws unless `entry` can be applied to the current state. Changes nothing.
    public func check(_ entry: JournalEntry) throws {
        guard entry.seq == seq + 1 else { throw ChangeError.outOfSequence(expected: seq + 1, found: entry.seq) }
        switch entry.change {
        case .register(let id, let number, _):
            guard cases[id] == nil else { throw ChangeError.duplicateID }
            guard idByNumber[number] == nil else { throw ChangeError.duplicateNumber(number) }
        case .editProfile(let id, let expectedVersion, _):
            guard let item = cases[id] else { throw ChangeError.unknownCase }
            guard item.version == expectedVersion else { throw ChangeError.staleVersion(number: item.number) }
        }
    }

    public mutating func apply(_ entry: JournalEntry) throws {
        try check(entry)
        let stamp = Stamp(by: entry.by, at: entry.at)
        switch entry.change {
        case .register(let id, let number, let profile):
            insert(Case(id: id, number: number, profile: profile, status: .registered,
                        created: stamp, updated: stamp, version: 1))
        case .editProfile(let id, _, let profile):
            var item = cases[id]!
            removeFromDuplicateIndex(item)
            item.profile = profile
            item.updated = stamp
            item.version += 1
            cases[id] = item
            idsByDuplicateKey[DuplicateKey(item.profile), default: []].append(id)
        }
        seq = entry.seq
    }

    /// Cases that may be the same person as `profile` (same folded names, same region,
    /// birth years within one year when both are known), except `excluding`.
    public func possibleDuplicates(of profile: CaseProfile, excluding: UUID? = nil) -> [Case] {
        (idsByDuplicateKey[DuplicateKey(profile)] ?? [])
            .filter { $0 != excluding }
            .compactMap { cases[$0] }
            .filter { DuplicateKey.birthYearsClose($0.profile, profile) }
    }

    private mutating func insert(_ item: Case) {
        cases[item.id] = item
        idByNumber[item.number] = item.id
        if let (prefix, serial) = CaseBook.split(number: item.number) {
            highestSerial[prefix] = max(highestSerial[prefix] ?? 0, serial)
        }
        idsByDuplicateKey[DuplicateKey(item.profile), default: []].append(item.id)
    }

    private mutating func removeFromDuplicateIndex(_ item: Case) {
        let key = DuplicateKey(item.profile)
        idsByDuplicateKey[key]?.removeAll { $0 == item.id }
        if idsByDuplicateKey[key]?.isEmpty == true { idsByDuplicateKey[key] = nil }
    }

    static func split(number: String) -> (String, Int)? {
        guard let dash = number.lastIndex(of: "-"), let serial = Int(number[number.index(after: dash)...]) else {
            return nil
        }
        return (String(number[..<dash]), serial)
    }
}

/// What two registrations of the same person share, spelled however they were typed.
public struct DuplicateKey: Hashable, Sendable {
    let familyName: String
    let givenNames: String
    let region: String

    public init(_ profile: CaseProfile) {
        familyName = Fold.compact(profile.familyName)
        givenNames = Fold.compact(profile.givenNames)
        region = profile.region
    }

    /// Birth years within one year of each other; an unknown year matches any.
    public static func birthYearsClose(_ a: CaseProfile, _ b: CaseProfile) -> Bool {
        guard let first = a.birthYear, let second = b.birthYear else { return true }
        return abs(first - second) <= 1
    }
}
