import Foundation

// The follow-up of a case: plans (tracks and their steps), rights assessments against the
// eight IASC criteria, referrals, notes and the case's lifecycle. Codes come from
// `Assets/tracks.json`; labels from the locales.

public enum StepStatus: String, Codable, CaseIterable, Sendable {
    case notStarted = "not_started"
    case inProgress = "in_progress"
    case done
    case blocked
    case notApplicable = "not_applicable"
}

/// One step of a plan, as it stands.
public struct Step: Codable, Hashable, Sendable {
    public var code: String
    public var status: StepStatus
    public var plannedOn: CalendarDate
    public var doneOn: CalendarDate?
    /// Who did it (or is doing it).
    public var by: String
    public var note: String
    /// Why it is blocked (status `blocked`).
    public var blockedReason: String
    /// For a kit or grant: what was given.
    public var given: String

    public init(code: String, plannedOn: CalendarDate) {
        self.code = code
        status = .notStarted
        self.plannedOn = plannedOn
        by = ""
        note = ""
        blockedReason = ""
        given = ""
    }

    /// Planned date passed and neither done nor not applicable. Screens and commands ask the
    /// case (`Case.isLate`), which also knows whether it is closed.
    func isOverdue(on today: CalendarDate) -> Bool {
        plannedOn < today && status != .done && status != .notApplicable
    }

    /// Still to do: neither done nor not applicable.
    public var isOpen: Bool { status != .done && status != .notApplicable }
}

extension Step {
    /// The characters of a reason the timeline keeps: the step holds it whole; the timeline,
    /// read a row at a time, need not hold a second copy of a long one.
    public static let reasonKeptInTimeline = 500

    /// `reason`, cut to `reasonKeptInTimeline` characters and an ellipsis when longer.
    static func shortened(_ reason: String) -> String {
        reason.count <= reasonKeptInTimeline ? reason : String(reason.prefix(reasonKeptInTimeline)) + "…"
    }

    /// The fields that differ in `other`, by the names the step's form gives them (status,
    /// planned, done, by, blocked, given, note), in that order.
    public func changedFields(to other: Step) -> [String] {
        let fields: [(String, Bool)] = [
            ("status", status != other.status), ("planned", plannedOn != other.plannedOn), ("done", doneOn != other.doneOn),
            ("by", by != other.by), ("blocked", blockedReason != other.blockedReason), ("given", given != other.given),
            ("note", note != other.note),
        ]
        return fields.filter(\.1).map(\.0)
    }
}

/// A case's enrolment in a track, with its steps in the template's order.
public struct Plan: Codable, Hashable, Sendable, Identifiable {
    public var id: UUID
    public var track: String
    public var enrolledOn: CalendarDate
    public var steps: [Step]
    /// Why the person was enrolled although the track's rules say otherwise (`Eligibility`);
    /// nil within the rules (and in plans written before rules existed).
    public var exception: String?
    /// Set when the enrolment was withdrawn as a mistake: the plan is kept, to be read, and
    /// counts in no figure (`Case.activePlans`).
    public var withdrawal: Withdrawal?

    /// The longest reason for an exception or a withdrawal, in characters.
    public static let maximumReasonLength = 1000

    public init(id: UUID, track: String, enrolledOn: CalendarDate, steps: [Step], exception: String? = nil) {
        self.id = id
        self.track = track
        self.enrolledOn = enrolledOn
        self.steps = steps
        self.exception = exception
    }

    public var isWithdrawn: Bool { withdrawal != nil }

    /// Steps done out of the steps that apply.
    public var progress: (done: Int, applicable: Int) {
        let applicable = steps.filter { $0.status != .notApplicable }
        return (applicable.filter { $0.status == .done }.count, applicable.count)
    }
}

/// Why, by whom and when an enrolment was withdrawn.
public struct Withdrawal: Codable, Hashable, Sendable {
    public var reason: String
    public var by: String
    public var at: Date

    public init(reason: String, by: String, at: Date) {
        self.reason = reason
        self.by = by
        self.at = at
    }
}

/// Access to one right, as assessed.
public enum Access: String, Codable, CaseIterable, Sendable {
    case full
    case partial
    case none
    case unknown
    case notApplicable = "not_applicable"

    /// No or partial access: something to act on.
    public var isGap: Bool { self == .none || self == .partial }
}

public struct Rating: Codable, Hashable, Sendable {
    public var access: Access
    public var note: String

    public init(access: Access, note: String = "") {
        self.access = access
        self.note = note
    }
}

/// One assessment of the eight criteria. Assessments are kept as a history, never changed.
public struct Assessment: Codable, Hashable, Sendable, Identifiable {
    public var id: UUID
    public var date: CalendarDate
    public var assessor: String
    /// Criterion code → rating. A criterion left out was not assessed this time.
    public var ratings: [String: Rating]

    public init(id: UUID, date: CalendarDate, assessor: String, ratings: [String: Rating]) {
        self.id = id
        self.date = date
        self.assessor = assessor
        self.ratings = ratings
    }
}

public enum ReferralStatus: String, Codable, CaseIterable, Sendable {
    case referred
    case accepted
    case completed
    case declined

    /// Still expecting an answer or a result.
    public var isOpen: Bool { self == .referred || self == .accepted }
}

public struct Referral: Codable, Hashable, Sendable, Identifiable {
    public var id: UUID
    /// A code of `Tracks.services`.
    public var service: String
    public var provider: String
    public var date: CalendarDate
    /// The criterion this referral addresses, if any.
    public var criterion: String?
    public var status: ReferralStatus
    public var outcome: String

    public init(id: UUID, service: String, provider: String, date: CalendarDate, criterion: String?,
                status: ReferralStatus = .referred, outcome: String = "") {
        self.id = id
        self.service = service
        self.provider = provider
        self.date = date
        self.criterion = criterion
        self.status = status
        self.outcome = outcome
    }
}

/// A note. Never edited: a correction is a new note that names the one it corrects.
public struct Note: Codable, Hashable, Sendable, Identifiable {
    public var id: UUID
    public var text: String
    public var by: String
    public var at: Date
    public var corrects: UUID?
    /// Shown only to the case's worker, the team's supervisors and administrators; others
    /// read "confidential" in its place (nil, as in notes written before: not confidential).
    public var confidential: Bool?

    public init(id: UUID, text: String, by: String, at: Date, corrects: UUID? = nil, confidential: Bool = false) {
        self.id = id
        self.text = text
        self.by = by
        self.at = at
        self.corrects = corrects
        self.confidential = confidential ? true : nil
    }

    public var isConfidential: Bool { confidential == true }

    /// The text as a reader who may not see it gets it (`CaseReader`): empty, and marked so.
    public var isWithheld: Bool { isConfidential && text.isEmpty }
}

/// Why a case was closed.
public struct Closure: Codable, Hashable, Sendable {
    /// A code of `Tracks.closureReasons`.
    public var reason: String
    public var note: String
    /// Steps still open or rights gaps remained, and the closer confirmed anyway.
    public var confirmedOpenItems: Bool

    /// The reason of a case closed on a request made before requests named one.
    public static let unspecifiedReason = "other"

    public init(reason: String, note: String, confirmedOpenItems: Bool) {
        self.reason = reason
        self.note = note
        self.confirmedOpenItems = confirmedOpenItems
    }
}

/// One line of a case's timeline: what changed, who, when — derived from the journaled change
/// when it is applied, so the history survives compaction.
public struct TimelineEvent: Codable, Hashable, Sendable {
    public var seq: Int
    public var by: String
    public var at: Date
    /// Catalogue key of what happened (`timeline.register`, `timeline.step`…).
    public var kind: String
    /// Codes and values that complete it (step code and status, fields edited, a reason).
    public var details: [String: String]
    /// For a change pulled from another site: where it was made (`seq` is its place here).
    public var origin: SyncOrigin?

    public init(seq: Int, by: String, at: Date, kind: String, details: [String: String] = [:], origin: SyncOrigin? = nil) {
        self.seq = seq
        self.by = by
        self.at = at
        self.kind = kind
        self.details = details
        self.origin = origin
    }
}
