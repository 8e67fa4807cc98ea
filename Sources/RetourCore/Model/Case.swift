import Foundation

/// Who did something, and when.
public struct Stamp: Codable, Hashable, Sendable {
    public var by: String
    public var at: Date

    public init(by: String, at: Date) {
        self.by = by
        self.at = at
    }
}

/// An age given instead of a date of birth, and the day it was given.
public struct AgeEstimate: Codable, Hashable, Sendable {
    public var years: Int
    public var asOf: CalendarDate

    public init(years: Int, asOf: CalendarDate) {
        self.years = years
        self.asOf = asOf
    }
}

public struct IdentityDocument: Codable, Hashable, Sendable {
    /// A code of `Reference.idDocumentTypes`.
    public var type: String
    public var number: String

    public init(type: String, number: String) {
        self.type = type
        self.number = number
    }
}

/// Everything a case worker types on the registration form: the person and their situation.
public struct CaseProfile: Codable, Hashable, Sendable {
    public var familyName: String = ""
    public var givenNames: String = ""
    public var sex: Sex?
    public var dateOfBirth: CalendarDate?
    /// A year of birth known without the day ("1996", "vers 1996").
    public var yearOfBirth: Int?
    public var ageEstimate: AgeEstimate?
    public var phone: String = ""
    public var document: IdentityDocument?
    public var householdSize: Int = 1
    public var category: Category?
    /// Where the person was displaced to, or their country of asylum.
    public var displacedTo: String = ""
    public var returnDate: CalendarDate?
    /// P-codes from the gazetteer.
    public var region: String = ""
    public var cercle: String = ""
    /// Free text, or a gazetteer name.
    public var commune: String = ""
    public var village: String = ""
    /// Codes of `Reference.vulnerabilities`, in the reference order.
    public var vulnerabilities: [String] = []
    public var assignedTo: String = ""

    public init() {}

    /// Year of birth, exact or estimated.
    public var birthYear: Int? {
        CaseProfile.birthYear(dateOfBirth, yearOfBirth, ageEstimate)
    }

    public func age(on date: CalendarDate) -> Int? {
        CaseProfile.age(on: date, dateOfBirth, yearOfBirth, ageEstimate)
    }

    static func birthYear(_ dateOfBirth: CalendarDate?, _ yearOfBirth: Int?, _ ageEstimate: AgeEstimate?) -> Int? {
        if let dateOfBirth { return dateOfBirth.year }
        if let yearOfBirth { return yearOfBirth }
        if let ageEstimate { return ageEstimate.asOf.year - ageEstimate.years }
        return nil
    }

    /// Whole years on `date`; from a year alone, the age reached during `date`'s year.
    static func age(on date: CalendarDate, _ dateOfBirth: CalendarDate?, _ yearOfBirth: Int?, _ ageEstimate: AgeEstimate?) -> Int? {
        if let dateOfBirth { return dateOfBirth.years(until: date) }
        if let yearOfBirth { return date.year - yearOfBirth }
        if let ageEstimate { return ageEstimate.years + (date.year - ageEstimate.asOf.year) }
        return nil
    }

    public var fullName: String {
        [familyName, givenNames].filter { !$0.isEmpty }.joined(separator: " ")
    }
}

/// One person followed by the programme.
public struct Case: Codable, Hashable, Sendable, Identifiable {
    public var id: UUID
    /// Human number, unique in a data directory: region prefix and a sequence (`GAO-000042`).
    public var number: String
    public var profile: CaseProfile
    public var status: CaseStatus
    public var created: Stamp
    public var updated: Stamp
    /// Incremented by every change applied to this case; lets concurrent edits be detected.
    public var version: Int
    /// The people living with the person registered; when listed, they make the household size.
    public var members: [HouseholdMember] = []
    public var plans: [Plan] = []
    /// Oldest first; never changed once recorded.
    public var assessments: [Assessment] = []
    public var referrals: [Referral] = []
    /// Oldest first; never edited.
    public var notes: [Note] = []
    /// Why closure was requested (status `closure_requested`).
    public var closureRequest: String?
    /// The closure reason requested (a code of `closureReasons`); nil for a request made
    /// before approvals existed, which a supervisor closes with a reason of their own.
    public var closureRequestReason: String?
    /// Who requested closure: approving one's own request needs the administrator role.
    public var closureRequestedBy: String?
    /// The latest closure request returned to the worker, with the supervisor's comment;
    /// shown on the case until the next request.
    public var closureReturn: ClosureReturn?
    /// How the case was closed (status `closed`).
    public var closure: Closure?
    /// What happened to the case, oldest first.
    public var timeline: [TimelineEvent] = []
    /// Changes pulled from other sites and kept, not applied, until a supervisor settles them
    /// (`SiteConflict`); nil when none (the line holds nothing then).
    public var siteConflicts: [SiteConflict]?
    /// The server's global sequence of the latest change pulled into this case: a case that
    /// comes back to this site's teams is sent again whole, and what it already holds is skipped.
    public var pulled: Int?

    /// Whether changes made at two sites wait for a supervisor's decision.
    public var isInSiteConflict: Bool { !(siteConflicts ?? []).isEmpty }

    public init(id: UUID, number: String, profile: CaseProfile, status: CaseStatus,
                created: Stamp, updated: Stamp, version: Int) {
        self.id = id
        self.number = number
        self.profile = profile
        self.status = status
        self.created = created
        self.updated = updated
        self.version = version
    }

    private enum CodingKeys: String, CodingKey {
        case id, number, profile, status, created, updated, version
        case members, plans, assessments, referrals, notes, closureRequest, closureRequestReason, closureRequestedBy
        case closureReturn, closure, timeline, siteConflicts, pulled
    }

    /// Reads cases written before plans, assessments, referrals and notes existed.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(UUID.self, forKey: .id)
        number = try container.decode(String.self, forKey: .number)
        profile = try container.decode(CaseProfile.self, forKey: .profile)
        status = try container.decode(CaseStatus.self, forKey: .status)
        created = try container.decode(Stamp.self, forKey: .created)
        updated = try container.decode(Stamp.self, forKey: .updated)
        version = try container.decode(Int.self, forKey: .version)
        members = try container.decodeIfPresent([HouseholdMember].self, forKey: .members) ?? []
        plans = try container.decodeIfPresent([Plan].self, forKey: .plans) ?? []
        assessments = try container.decodeIfPresent([Assessment].self, forKey: .assessments) ?? []
        referrals = try container.decodeIfPresent([Referral].self, forKey: .referrals) ?? []
        notes = try container.decodeIfPresent([Note].self, forKey: .notes) ?? []
        closureRequest = try container.decodeIfPresent(String.self, forKey: .closureRequest)
        closureRequestReason = try container.decodeIfPresent(String.self, forKey: .closureRequestReason)
        closureRequestedBy = try container.decodeIfPresent(String.self, forKey: .closureRequestedBy)
        closureReturn = try container.decodeIfPresent(ClosureReturn.self, forKey: .closureReturn)
        closure = try container.decodeIfPresent(Closure.self, forKey: .closure)
        timeline = try container.decodeIfPresent([TimelineEvent].self, forKey: .timeline) ?? []
        siteConflicts = try container.decodeIfPresent([SiteConflict].self, forKey: .siteConflicts)
        pulled = try container.decodeIfPresent(Int.self, forKey: .pulled)
    }
}

/// A closure request returned to the worker: the supervisor's comment, who and when.
public struct ClosureReturn: Codable, Hashable, Sendable {
    public var comment: String
    public var by: String
    public var at: Date

    public init(comment: String, by: String, at: Date) {
        self.comment = comment
        self.by = by
        self.at = at
    }
}

/// What a case worker needs to see at a glance, computed from the records.
extension Case {
    /// The person registered and their household members.
    public var individuals: Int { 1 + members.count }

    /// The current status of one criterion: the latest assessment that rated it, and the
    /// access it had in the assessment before (to show a change such as none → partial).
    public struct CriterionStatus: Hashable, Sendable {
        public let criterion: String
        public let rating: Rating
        public let date: CalendarDate
        public let assessor: String
        public let previous: Access?
    }

    /// The latest rating of each criterion, in `criteria` order; unassessed criteria are left out.
    public func currentRights(criteria: [String]) -> [CriterionStatus] {
        let ordered = assessments.enumerated().sorted { ($0.element.date, $0.offset) < ($1.element.date, $1.offset) }.map(\.element)
        return criteria.compactMap { criterion in
            let rated = ordered.filter { $0.ratings[criterion] != nil }
            guard let latest = rated.last, let rating = latest.ratings[criterion] else { return nil }
            let previous = rated.dropLast().last?.ratings[criterion]?.access
            return CriterionStatus(criterion: criterion, rating: rating, date: latest.date,
                                   assessor: latest.assessor, previous: previous)
        }
    }

    /// Criteria whose current access is none or partial.
    public func gaps(criteria: [String]) -> [String] {
        currentRights(criteria: criteria).filter { $0.rating.access.isGap }.map(\.criterion)
    }

    /// Whether `step` of this case is late on `today`: overdue, in a case not closed (a closed
    /// case's open steps are history, not work to chase). The one test every screen and
    /// command uses; `CaseDigest.isOverdue` says the same from the digest.
    public func isLate(_ step: Step, on today: CalendarDate) -> Bool {
        status != .closed && step.isOverdue(on: today)
    }

    /// The plans that count: every plan but those withdrawn as mistakes. Every figure (tracks,
    /// steps, overdue, status) reads these; only the plan tab, `show`, the timeline and the
    /// export read `plans`, and say which were withdrawn.
    public var activePlans: [Plan] {
        plans.filter { !$0.isWithdrawn }
    }

    public func overdueSteps(on today: CalendarDate) -> [(plan: Plan, step: Step)] {
        activePlans.flatMap { plan in plan.steps.filter { isLate($0, on: today) }.map { (plan, $0) } }
    }

    public var openSteps: Int {
        activePlans.reduce(0) { $0 + $1.steps.filter(\.isOpen).count }
    }

    public var openReferrals: [Referral] {
        referrals.filter { $0.status.isOpen }
    }
}
