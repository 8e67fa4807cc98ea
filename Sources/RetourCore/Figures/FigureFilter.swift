import Foundation

/// The cases behind one figure: every count of `ProgrammeFigures` carries the filter that
/// finds exactly the cases it counted, so that a screen can open them as a list:
///
///     let figures = ProgrammeFigures(reader.digests, targets: targets, reference: reference,
///                                    today: today, period: .quarter)
///     let behind = figures.caseload.byStatus[0].filter.ids(in: reader.digests)
///
/// Fields are nil for "any"; a case must pass every field that is set. Dates are civil days;
/// registration and closure instants become days with `utcOffset` (seconds east of UTC, taken
/// once when the figures were computed).
public struct FigureFilter: Sendable, Hashable {
    /// Registered on or before this day.
    public var registeredBy: CalendarDate?
    /// Registered on a day of this span.
    public var registeredIn: DaySpan?
    /// Closed (status closed now) on a day of this span.
    public var closedIn: DaySpan?
    /// One of these categories (an empty list: no category recorded).
    public var categories: [Category]?
    /// A region P-code; `""`: a region that is none of `FigureFilter.knownRegions`.
    public var region: String?
    /// The gazetteer's regions, for `region == ""`.
    public var knownRegions: [String] = []
    /// `.some(nil)`: sex not recorded.
    public var sex: Sex??
    /// Age band on `ageOn`.
    public var ageBand: AgeBand?
    public var ageOn: CalendarDate?
    public var status: CaseStatus?
    /// Enrolled (an active plan) in this track.
    public var enrolledIn: String?
    /// A step done as `StepDone` says.
    public var stepDone: StepDone?
    /// A step overdue on this day (planned before it, still open, case not closed), in a plan
    /// of `lateTrack` when set.
    public var lateOn: CalendarDate?
    public var lateTrack: String?
    /// The latest rating of a criterion as of a day is one of some access levels.
    public var access: AccessAsOf?
    public var utcOffset: Int = 0

    public init() {}

    public struct StepDone: Sendable, Hashable {
        public var matches: [ProgrammeTargets.StepMatch]
        /// Done on or after this day (nil: any day before `through`).
        public var from: CalendarDate?
        public var through: CalendarDate
        /// The person's age on the day the step was done.
        public var ages: ClosedRange<Int>?
        /// The earliest such step (from `from`) was done on or after this day: the people who
        /// first reached the step within a period.
        public var firstOnOrAfter: CalendarDate?

        public init(matches: [ProgrammeTargets.StepMatch], from: CalendarDate?, through: CalendarDate, ages: ClosedRange<Int>? = nil) {
            self.matches = matches
            self.from = from
            self.through = through
            self.ages = ages
        }
    }

    public struct AccessAsOf: Sendable, Hashable {
        public var criterion: String
        public var levels: [Access]
        public var asOf: CalendarDate

        public init(criterion: String, levels: [Access], asOf: CalendarDate) {
            self.criterion = criterion
            self.levels = levels
            self.asOf = asOf
        }
    }

    /// Whether the case passes every field that is set. Reads the digest only.
    public func matches(_ digest: CaseDigest) -> Bool {
        let figures = digest.figures
        if registeredBy != nil || registeredIn != nil {
            let day = FigureDays.day(figures.registeredAt, utcOffset: utcOffset)
            if let registeredBy, day > registeredBy.daysSinceEpoch { return false }
            if let registeredIn, !FigureDays.contains(registeredIn, day) { return false }
        }
        if let closedIn {
            guard digest.status == .closed, let closed = figures.closedAt,
                  FigureDays.contains(closedIn, FigureDays.day(closed, utcOffset: utcOffset)) else { return false }
        }
        if let categories {
            if let category = digest.category {
                guard categories.contains(category) else { return false }
            } else if !categories.isEmpty {
                return false
            }
        }
        if let region {
            if region.isEmpty {
                if knownRegions.contains(digest.region) { return false }
            } else if digest.region != region {
                return false
            }
        }
        if let sex, digest.sex != sex { return false }
        if let ageBand, AgeBand(digest.age(on: ageOn ?? .today())) != ageBand { return false }
        if let status, digest.status != status { return false }
        if let enrolledIn, !figures.steps.contains(where: { $0.track == CodeFingerprint(enrolledIn) }) { return false }
        if let stepDone {
            let from = stepDone.from.map(CaseDigest.dayNumber) ?? 0
            let through = CaseDigest.dayNumber(stepDone.through)
            let prints = stepDone.matches.map { (track: $0.track.map(CodeFingerprint.init), step: CodeFingerprint($0.step)) }
            var earliest: Int32?
            for step in figures.steps where step.isDone && step.day >= from && step.day <= through
                && prints.contains(where: { $0.step == step.step && ($0.track == nil || $0.track == step.track) }) {
                if let ages = stepDone.ages {
                    guard let day = CaseDigest.date(dayNumber: step.day), let age = digest.age(on: day), ages.contains(age) else { continue }
                }
                earliest = min(earliest ?? .max, step.day)
            }
            guard let earliest else { return false }
            if let first = stepDone.firstOnOrAfter, earliest < CaseDigest.dayNumber(first) { return false }
        }
        if let lateOn {
            guard digest.status != .closed else { return false }
            let day = CaseDigest.dayNumber(lateOn)
            let track = lateTrack.map(CodeFingerprint.init)
            guard figures.steps.contains(where: { $0.isOpen && $0.day < day && (track == nil || $0.track == track) }) else { return false }
        }
        if let access {
            guard let found = figures.access(CodeFingerprint(access.criterion), asOf: CaseDigest.dayNumber(access.asOf)),
                  access.levels.contains(found) else { return false }
        }
        return true
    }

    /// The ids of the cases of `digests` this filter keeps, in their order.
    public func ids(in digests: [CaseDigest]) -> [UUID] {
        digests.filter(matches).map(\.id)
    }
}

/// The age bands of the caseload figures.
public enum AgeBand: String, CaseIterable, Sendable, Hashable {
    case children = "0_17"
    case youth = "18_35"
    case adults = "36_59"
    case older = "60_plus"
    case unknown

    public init(_ age: Int?) {
        guard let age, age >= 0 else { self = .unknown; return }
        switch age {
        case ..<18: self = .children
        case ..<36: self = .youth
        case ..<60: self = .adults
        default: self = .older
        }
    }
}

/// Days as whole days since 1970, from the digests' instants and civil dates.
enum FigureDays {
    static func day(_ seconds: Int64, utcOffset: Int) -> Int {
        let shifted = seconds + Int64(utcOffset)
        return Int(shifted >= 0 ? shifted / 86_400 : (shifted - 86_399) / 86_400)
    }

    static func contains(_ span: DaySpan, _ day: Int) -> Bool {
        span.first.daysSinceEpoch <= day && day <= span.last.daysSinceEpoch
    }
}
