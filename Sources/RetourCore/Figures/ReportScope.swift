import Foundation

extension CaseReader {
    /// The teams of the directory's users, sorted (for `retour report --team` and its error).
    public var teams: [String] {
        Set(book.users.all.flatMap(\.teams)).sorted()
    }

    /// The digests in scope of the cases whose worker (assigned to, else registered by:
    /// as `Scope` decides) is a user of `team`; nil when no user is in that team.
    public func digests(inTeam team: String) -> [CaseDigest]? {
        let members = Set(book.users.all.filter { $0.teams.contains(team) }.map(\.login))
        guard !members.isEmpty else { return nil }
        return digests.filter { members.contains(Scope.worker(assignedTo: $0.assignedTo, registeredBy: $0.registeredBy)) }
    }
}

/// The rule of every aggregated figure given to partners: a count from 1 to `threshold - 1`
/// is shown as `<5` (for the default threshold), so that no figure points at a few people. A
/// share (or a gap) whose base is such a count is shown so too. The threshold is a programme
/// setting (`smallCountThreshold` in `Assets/settings.json`).
public struct SmallCounts: Sendable {
    public let threshold: Int

    public init(threshold: Int) {
        self.threshold = threshold
    }

    public var hidden: String { "<\(threshold)" }

    /// Whether `count` is to be hidden.
    public func hides(_ count: Int) -> Bool {
        count > 0 && count < threshold
    }
}
