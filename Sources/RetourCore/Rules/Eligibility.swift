import Foundation

/// Who a track is meant for, as `Assets/tracks.json` says (`"eligibility": {"sex": "F"}`,
/// `{"minimumAge": 15, "maximumAge": 35}`): data, so that a programme changing its rules
/// changes that file, not the code. A track without it is open to everyone.
public struct Eligibility: Codable, Hashable, Sendable {
    public var sex: Sex?
    public var minimumAge: Int?
    public var maximumAge: Int?

    public init(sex: Sex? = nil, minimumAge: Int? = nil, maximumAge: Int? = nil) {
        self.sex = sex
        self.minimumAge = minimumAge
        self.maximumAge = maximumAge
    }

    /// What this rule says about `profile` enrolled on `date` (age on that day, from the date of
    /// birth, the year of birth or the estimate). An unknown sex or age is no violation — the
    /// person may well belong — but it is said (`.unknownAge`, `.unknownSex`) so that the case
    /// worker checks.
    public func findings(for track: String, profile: CaseProfile, on date: CalendarDate) -> [EligibilityFinding] {
        var found: [EligibilityFinding] = []
        if let sex {
            if let actual = profile.sex {
                if actual != sex { found.append(.sex(track: track, required: sex)) }
            } else {
                found.append(.unknownSex(track: track, required: sex))
            }
        }
        if minimumAge != nil || maximumAge != nil {
            if let age = profile.age(on: date) {
                if age < (minimumAge ?? Int.min) || age > (maximumAge ?? Int.max) {
                    found.append(.age(track: track, minimum: minimumAge, maximum: maximumAge, age: age, on: date))
                }
            } else {
                found.append(.unknownAge(track: track, minimum: minimumAge, maximum: maximumAge))
            }
        }
        return found
    }
}

/// One thing an enrolment rule says about a person: a violation (an enrolment outside the rules
/// needs a reason) or a notice (sex or age unknown: nothing is required).
public enum EligibilityFinding: Hashable, Sendable {
    case sex(track: String, required: Sex)
    case age(track: String, minimum: Int?, maximum: Int?, age: Int, on: CalendarDate)
    case unknownSex(track: String, required: Sex)
    case unknownAge(track: String, minimum: Int?, maximum: Int?)

    public var isViolation: Bool {
        switch self {
        case .sex, .age: return true
        case .unknownSex, .unknownAge: return false
        }
    }

    /// In words, naming the track and the rule: "The Women's AGR track is for women only."
    public var message: Message {
        switch self {
        case .sex(let track, let required):
            return Message("eligibility.sex.\(required.rawValue)", ["track": "@track.\(track)"])
        case .unknownSex(let track, let required):
            return Message("eligibility.unknownSex.\(required.rawValue)", ["track": "@track.\(track)"])
        case .age(let track, let minimum, let maximum, let age, _):
            var arguments = EligibilityFinding.bounds(track, minimum, maximum)
            arguments["age"] = String(age)
            return Message("eligibility.age.\(EligibilityFinding.range(minimum, maximum))", arguments)
        case .unknownAge(let track, let minimum, let maximum):
            return Message("eligibility.unknownAge.\(EligibilityFinding.range(minimum, maximum))",
                           EligibilityFinding.bounds(track, minimum, maximum))
        }
    }

    private static func range(_ minimum: Int?, _ maximum: Int?) -> String {
        switch (minimum, maximum) {
        case (_?, _?): return "between"
        case (_?, nil): return "from"
        default: return "upTo"
        }
    }

    private static func bounds(_ track: String, _ minimum: Int?, _ maximum: Int?) -> [String: String] {
        var arguments = ["track": "@track.\(track)"]
        if let minimum { arguments["minimum"] = String(minimum) }
        if let maximum { arguments["maximum"] = String(maximum) }
        return arguments
    }
}

/// The enrolment rules of every track, by track code: what `CaseBook.check` holds each new
/// enrolment to, and what the enrolment form and the import say before it.
public struct EnrolmentRules: Hashable, Sendable {
    public var byTrack: [String: Eligibility]

    public init(_ byTrack: [String: Eligibility] = [:]) {
        self.byTrack = byTrack
    }

    public func findings(for track: String, profile: CaseProfile, on date: CalendarDate) -> [EligibilityFinding] {
        byTrack[track]?.findings(for: track, profile: profile, on: date) ?? []
    }

    public func violations(for track: String, profile: CaseProfile, on date: CalendarDate) -> [EligibilityFinding] {
        findings(for: track, profile: profile, on: date).filter(\.isViolation)
    }
}
