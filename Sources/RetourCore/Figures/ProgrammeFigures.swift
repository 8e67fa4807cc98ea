import Foundation

/// A count, and the filter that finds the cases behind it (`FigureFilter.ids(in:)`).
public struct FigureCount: Sendable, Hashable {
    public let count: Int
    public let filter: FigureFilter

    public init(count: Int, filter: FigureFilter) {
        self.count = count
        self.filter = filter
    }
}

/// `count` out of `of`, with the share in percent (nil when `of` is 0).
public struct FigureShare: Sendable, Hashable {
    public let count: FigureCount
    public let of: Int

    public var percent: Double? { of == 0 ? nil : Double(count.count) * 100 / Double(of) }
}

/// The supervisors' figures for the cases one reader sees, over one period: what the
/// dashboard draws and `retour report` prints. Computed from the digests alone, in one pass:
///
///     let targets = try ProgrammeTargets(assets: assets, reference: reference)
///     let figures = ProgrammeFigures(reader.digests, targets: targets, reference: reference,
///                                    today: .today(), period: .quarter)
///     figures.targets[0].achieved.count          // youth trained up to the quarter's end
///     figures.solutions.atPeriodEnd.criteria[0]  // safety: displaced vs host community
///
/// What each figure means:
/// - Targets (`TargetFigure`): `achieved` counts the people with a matching step done from
///   the programme's start up to the period's end — cumulative, so that a period's figure is
///   "where we stood at its end" (for the whole programme: the same thing); `inPeriod` counts
///   those whose first matching step was done within the period. `expected` is the figure
///   pro rata of the programme's days elapsed on `paceDay` = the earliest of today, the
///   period's end and the programme's end; on track when `achieved ≥ expected`.
/// - Caseload: the cases registered on or before the period's end, by their current
///   category, region, sex, status, and age band on the period's end (today when earlier);
///   registrations and closures (of cases closed now) per month of the period.
/// - Reintegration: per track, the cases enrolled now; per step, those with it done up to the
///   period's end (and within it); late: the cases with a step of the track overdue today
///   (`CaseDigest.isOverdue`); kits: steps whose template records what was given
///   (`insertion_kit`, `kit_or_grant`), done up to the period's end.
/// - Rights: per criterion, the latest rating as of the period's end of every assessed case.
/// - Durable solutions (`SolutionsFigures`): per criterion, full access among returned IDPs,
///   repatriated refugees and both, beside the host community; the gap is the host share minus
///   the displaced share, in percentage points (positive: the displaced are behind).
///
/// A step done without a date counts as done on its planned day. Registration and closure
/// instants become days in the local time zone's offset of `today`.
public struct ProgrammeFigures: Sendable {
    public let period: DaySpan
    public let programme: DaySpan
    public let today: CalendarDate
    /// Every case the reader sees.
    public let cases: FigureCount
    public let targets: [TargetFigure]
    public let caseload: CaseloadFigures
    public let reintegration: ReintegrationFigures
    public let rights: [CriterionAccess]
    public let solutions: SolutionsFigures

    public init(_ digests: [CaseDigest], targets: ProgrammeTargets, reference: Reference, today: CalendarDate,
                period: FiguresPeriod, utcOffset: Int? = nil) {
        self.init(digests, targets: targets, reference: reference, today: today,
                  span: period.span(today: today, programme: targets), utcOffset: utcOffset)
    }

    public init(_ digests: [CaseDigest], targets: ProgrammeTargets, reference: Reference, today: CalendarDate,
                span: DaySpan, utcOffset: Int? = nil) {
        var counter = FigureCounter(targets: targets, reference: reference, today: today, period: span,
                                    utcOffset: utcOffset ?? TimeZone.current.secondsFromGMT(for: today.start()))
        digests.withUnsafeBufferPointer { buffer in
            for index in buffer.indices { counter.add(buffer.baseAddress! + index) }
        }
        self = counter.figures(total: digests.count)
    }
}

public struct TargetFigure: Sendable, Hashable {
    public let target: ProgrammeTargets.Target
    /// From the programme's start to the period's end.
    public let achieved: FigureCount
    /// People whose first matching step was done within the period.
    public let inPeriod: FigureCount
    /// The figure pro rata of the programme's time elapsed on `paceDay`.
    public let expected: Double
    public let paceDay: CalendarDate

    /// Achieved, in percent of the target's figure.
    public var percent: Double { Double(achieved.count) * 100 / Double(target.figure) }
    public var onTrack: Bool { Double(achieved.count) >= expected }
}

public struct CaseloadFigures: Sendable {
    public struct Cell: Sendable, Hashable {
        /// A region P-code; "" for a region the gazetteer does not know (or none).
        public let region: String
        /// nil: no category recorded.
        public let category: Category?
        public let count: FigureCount
    }

    public struct SexAge: Sendable, Hashable {
        public let sex: Sex?
        public let band: AgeBand
        public let count: FigureCount
    }

    public struct RegionSex: Sendable, Hashable {
        public let region: String
        public let sex: Sex?
        public let count: FigureCount
    }

    public struct Month: Sendable, Hashable {
        /// The month, cut to the period.
        public let span: DaySpan
        public let registered: FigureCount
        public let closed: FigureCount
    }

    /// Cases registered on or before the period's end.
    public let registered: FigureCount
    /// Every region of the gazetteer (then "" when some case is elsewhere) × every category
    /// (then nil when some case has none): zeros included.
    public let byCategoryAndRegion: [Cell]
    /// Female, male, then not recorded × every age band: zeros included.
    public let bySexAndAge: [SexAge]
    /// The regions of `regions` × female, male, not recorded.
    public let byRegionAndSex: [RegionSex]
    public let byStatus: [(status: CaseStatus, count: FigureCount)]
    public let months: [Month]
    /// The regions of `byCategoryAndRegion`, in order.
    public let regions: [String]

    /// The count of one cell (0 when the table has no such cell).
    public func count(region: String, category: Category?) -> Int {
        byCategoryAndRegion.first { $0.region == region && $0.category == category }?.count.count ?? 0
    }
}

public struct ReintegrationFigures: Sendable {
    public struct StepCount: Sendable, Hashable {
        public let step: String
        /// Done up to the period's end.
        public let done: FigureCount
        /// Done within the period.
        public let doneInPeriod: FigureCount
        /// The template records what was given (a kit or grant).
        public let isKit: Bool
    }

    public struct Track: Sendable, Hashable {
        public let track: String
        /// Enrolled now (an active plan of the track).
        public let enrolled: FigureCount
        public let steps: [StepCount]
        /// With a step of the track overdue today.
        public let late: FigureCount
    }

    public let tracks: [Track]
    /// Kits and grants delivered up to the period's end (one per step done: a person given a
    /// kit in two tracks counts twice); its filter finds the people.
    public let kitsDelivered: FigureCount
    public let kitsDeliveredInPeriod: FigureCount
}

public struct CriterionAccess: Sendable, Hashable {
    public let criterion: String
    /// Full, partial and no access at the latest rating as of the period's end; `of` is every
    /// case so rated (unknown and not applicable left out).
    public let full: FigureShare
    public let partial: FigureShare
    public let none: FigureShare

    public var assessed: Int { full.of }
}

/// Full access in one population (`categories`) for one criterion.
public struct GroupAccess: Sendable, Hashable {
    public let categories: [Category]
    /// `count`: with full access; `of`: rated full, partial or none.
    public let full: FigureShare

    public var percent: Double? { full.percent }
}

public struct CriterionGap: Sendable, Hashable {
    public let criterion: String
    public let idps: GroupAccess
    public let refugees: GroupAccess
    /// Returned IDPs and repatriated refugees together.
    public let displaced: GroupAccess
    public let host: GroupAccess

    /// Host share minus the group's share, in percentage points; nil when either is unknown.
    public func gap(_ group: GroupAccess) -> Double? {
        guard let host = host.percent, let other = group.percent else { return nil }
        return host - other
    }

    public var idpGap: Double? { gap(idps) }
    public var refugeeGap: Double? { gap(refugees) }
    public var displacedGap: Double? { gap(displaced) }
}

/// The durable-solutions comparison as of one day: all regions, then each region.
public struct GapTable: Sendable, Hashable {
    public let asOf: CalendarDate
    public let criteria: [CriterionGap]
    /// Every region of the gazetteer, in its order.
    public let regions: [(region: String, criteria: [CriterionGap])]

    public static func == (lhs: GapTable, rhs: GapTable) -> Bool {
        lhs.asOf == rhs.asOf && lhs.criteria == rhs.criteria && lhs.regions.map(\.region) == rhs.regions.map(\.region)
            && lhs.regions.map(\.criteria) == rhs.regions.map(\.criteria)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(asOf)
        hasher.combine(criteria)
    }

    public func criterion(_ code: String, region: String? = nil) -> CriterionGap? {
        let list = region.map { code in regions.first { $0.region == code }?.criteria ?? [] } ?? criteria
        return list.first { $0.criterion == code }
    }
}

public struct SolutionsFigures: Sendable {
    /// As of the period's end.
    public let atPeriodEnd: GapTable
    /// As of the end of the quarter of the period's end, and of the quarter before.
    public let quarter: GapTable
    public let previousQuarter: GapTable
    public let quarterSpan: DaySpan
    public let previousQuarterSpan: DaySpan

    /// How the displaced's gap for `criterion` (in `region`, or everywhere) moved from the
    /// quarter before to the quarter of the period's end, in percentage points (negative: it
    /// narrowed); nil when either quarter lacks a share.
    public func change(_ criterion: String, region: String? = nil, group: KeyPath<CriterionGap, GroupAccess> = \.displaced) -> Double? {
        guard let now = quarter.criterion(criterion, region: region), let before = previousQuarter.criterion(criterion, region: region),
              let a = now.gap(now[keyPath: group]), let b = before.gap(before[keyPath: group]) else { return nil }
        return a - b
    }
}
