import Foundation

/// What a case worker chose when their change was refused because someone else had changed
/// the same thing meanwhile (`ChangeError.conflict`, or a profile edit on a stale version):
/// journaled with `Change.resolveConflict`, so that the history says who chose what, and what
/// was typed and not kept is still there to read.
public struct ConflictDecision: Codable, Hashable, Sendable {
    public enum Choice: String, Codable, Sendable, CaseIterable {
        /// The other person's values kept; mine dropped (kept in `dropped`).
        case theirs
        /// My values saved over theirs (theirs stay in the journal, in their own line).
        case mine
        /// My values edited on the current version, then saved.
        case edited
    }

    public var choice: Choice
    /// Login of who saved the other version.
    public var with: String
    /// The profile fields in conflict (`ProfileField` codes), or the step's fields.
    public var fields: [String]
    /// For a step in conflict: its plan and code; nil for the profile.
    public var plan: UUID?
    public var step: String?
    /// For a referral or a household member in conflict: its id; nil otherwise.
    public var referral: UUID?
    public var member: UUID?
    /// What was typed and not kept (choosing theirs), by field: nothing typed is lost.
    public var dropped: [String: String]

    /// The longest text a decision keeps for one field (a household member's note is 2 000).
    public static let maximumTextLength = 10_000

    public init(choice: Choice, with: String, fields: [String], plan: UUID? = nil, step: String? = nil,
                referral: UUID? = nil, member: UUID? = nil, dropped: [String: String] = [:]) {
        self.choice = choice
        self.with = with
        self.fields = fields
        self.plan = plan
        self.step = step
        self.referral = referral
        self.member = member
        self.dropped = dropped
    }
}

/// Two edits of one profile made on the same version: mine and theirs (already saved).
/// Fields only one of us changed combine without asking (a merge); fields we both changed
/// to different values are a conflict, for the user to decide.
public struct ProfileMerge: Hashable, Sendable {
    /// Fields I changed and they changed too, to another value: the conflict.
    public let conflicts: [ProfileField]
    /// Fields I changed (from the version I started from).
    public let mine: [ProfileField]
    /// Theirs with my changes applied, mine winning on the fields in conflict.
    public let keepingMine: ProfileDraft
    /// Theirs with my changes applied except on the fields in conflict, which stay theirs.
    public let keepingTheirs: ProfileDraft
    /// Fields I changed that are not in conflict and that they did not change as I did: what
    /// my save adds whatever the choice.
    public let addedByMe: [ProfileField]

    /// `base`: the profile as my form opened it; `mine`: what I typed; `theirs`: the profile
    /// as it is now saved. All three as the same form writes them (dates in one format).
    public init(base: ProfileDraft, mine: ProfileDraft, theirs: ProfileDraft) {
        let changedByMe = ProfileField.allCases.filter { mine[$0] != base[$0] }
        let changedByThem = Set(ProfileField.allCases.filter { theirs[$0] != base[$0] })
        let conflicts = changedByMe.filter { changedByThem.contains($0) && mine[$0] != theirs[$0] }
        self.conflicts = conflicts
        self.mine = changedByMe
        var keepingMine = theirs, keepingTheirs = theirs
        for field in changedByMe {
            keepingMine[field] = mine[field]
            if !conflicts.contains(field) { keepingTheirs[field] = mine[field] }
        }
        self.keepingMine = keepingMine
        self.keepingTheirs = keepingTheirs
        addedByMe = changedByMe.filter { mine[$0] != theirs[$0] && !conflicts.contains($0) }
    }

    public var isConflict: Bool { !conflicts.isEmpty }
}
