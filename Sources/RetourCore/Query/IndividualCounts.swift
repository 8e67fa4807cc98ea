import Foundation

/// How many individuals — the people registered and their household members — by sex and age
/// band: what programmes report besides the count of cases.
public struct IndividualCounts: Equatable, Sendable {
    /// The age bands of humanitarian reporting, in years, the last open-ended.
    public static let ageBands: [ClosedRange<Int>] = [0...4, 5...11, 12...17, 18...59, 60...150]

    /// Individuals per sex (nil: not said) and band (nil: age not known).
    public private(set) var counts: [Sex?: [Int?: Int]] = [:]
    public private(set) var total = 0

    public init() {}

    /// Counts the people of `digests` (each case's person and members) as of `today`. A member
    /// registered as a case of their own is counted once: as that case's person when it is
    /// among `digests`, else as a member.
    public init(_ digests: [CaseDigest], on today: CalendarDate) {
        let counted = digests.contains { $0.members.contains { $0.ownCase != nil } } ? Set(digests.map(\.id)) : []
        for digest in digests {
            add(sex: digest.sex, age: digest.age(on: today))
            for member in digest.members where !(member.ownCase.map(counted.contains) ?? false) {
                add(sex: member.sex, age: member.birthYear.map { today.year - $0 })
            }
        }
    }

    public func count(sex: Sex?, band: Int?) -> Int {
        counts[sex]?[band] ?? 0
    }

    public func count(sex: Sex?) -> Int {
        counts[sex]?.values.reduce(0, +) ?? 0
    }

    /// The band `age` falls in (an index of `ageBands`).
    public static func band(of age: Int?) -> Int? {
        guard let age else { return nil }
        return ageBands.firstIndex { $0.contains(age) }
    }

    private mutating func add(sex: Sex?, age: Int?) {
        counts[sex, default: [:]][IndividualCounts.band(of: age), default: 0] += 1
        total += 1
    }
}
