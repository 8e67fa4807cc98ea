import Foundation

/// The one pass over the digests behind `ProgrammeFigures`: plain counters in flat arrays,
/// indexed by region, category, criterion, track and step positions worked out once, so that
/// a case costs comparisons and additions, no allocation.
struct FigureCounter {
    // `allCases` makes a new array on every call: these are made once.
    static let categoryList = Category.allCases
    static let bandList = AgeBand.allCases
    static let statusList = CaseStatus.allCases

    let targets: ProgrammeTargets
    let reference: Reference
    let today: CalendarDate
    let period: DaySpan
    let utcOffset: Int

    // Days, as days since 1970 (registration, closure) or YYYYMMDD (steps, ratings).
    private let endDay: Int
    private let startDay: Int
    private let endNumber: Int32
    private let startNumber: Int32
    private let programmeStartNumber: Int32
    private let todayNumber: Int32
    private let ageDay: CalendarDate
    /// Period end, this quarter's end, the previous quarter's end (YYYYMMDD).
    private let gapDays: [Int32]
    private let lastGapDay: Int32
    private let quarterSpan: DaySpan
    private let previousQuarterSpan: DaySpan
    private let months: [DaySpan]
    private let monthFirstDays: [Int]

    private let regions: [String]
    private let criteria: [CodeFingerprint]
    private let trackPrints: [CodeFingerprint]
    /// Per track, its steps' fingerprints and whether they record a kit.
    private let stepPrints: [[CodeFingerprint]]
    private let kitSteps: [[Bool]]
    private let targetMatches: [[(track: CodeFingerprint?, step: CodeFingerprint)]]

    // Counters.
    private var registered = 0
    private var categoryRegion: [Int]       // (regions + 1) × (categories + 1)
    private var sexAge: [Int]               // 3 × bands
    private var regionSex: [Int]            // (regions + 1) × 3
    private var statuses: [Int]
    private var monthRegistered: [Int]
    private var monthClosed: [Int]
    private var achieved: [Int]
    private var achievedInPeriod: [Int]
    private var enrolled: [Int]
    private var late: [Int]
    private var stepDone: [[Int]]
    private var stepDoneInPeriod: [[Int]]
    private var kits = 0
    private var kitsInPeriod = 0
    private var access: [Int]               // criteria × 3 (full, partial, none)
    /// gap slot (3) × (regions + 1, the last all) × 3 categories × criteria × 2 (full, rated).
    private var gaps: [Int]
    /// Per criterion, scratch: the latest access index at each gap slot for the current case.
    private var latest: [Int8]

    init(targets: ProgrammeTargets, reference: Reference, today: CalendarDate, period: DaySpan, utcOffset: Int) {
        self.targets = targets
        self.reference = reference
        self.today = today
        self.period = period
        self.utcOffset = utcOffset
        endDay = period.last.daysSinceEpoch
        startDay = period.first.daysSinceEpoch
        endNumber = CaseDigest.dayNumber(period.last)
        startNumber = CaseDigest.dayNumber(period.first)
        programmeStartNumber = CaseDigest.dayNumber(targets.start)
        todayNumber = CaseDigest.dayNumber(today)
        ageDay = min(period.last, today)
        quarterSpan = DaySpan.quarter(of: period.last)
        previousQuarterSpan = DaySpan.quarter(of: quarterSpan.first.adding(days: -1))
        gapDays = [period.last, quarterSpan.last, previousQuarterSpan.last].map(CaseDigest.dayNumber)
        lastGapDay = gapDays.max()!
        months = period.months
        monthFirstDays = months.map(\.first.daysSinceEpoch)
        regions = reference.regions.map(\.pcode)
        let tracks = reference.tracks
        criteria = tracks.criteria.map(CodeFingerprint.init)
        trackPrints = tracks.tracks.map { CodeFingerprint($0.code) }
        stepPrints = tracks.tracks.map { $0.steps.map { CodeFingerprint($0.code) } }
        kitSteps = tracks.tracks.map { $0.steps.map { $0.records == "given" } }
        targetMatches = targets.targets.map { target in
            target.counts.map { (track: $0.track.map(CodeFingerprint.init), step: CodeFingerprint($0.step)) }
        }
        let categoryCount = FigureCounter.categoryList.count
        categoryRegion = Array(repeating: 0, count: (regions.count + 1) * (categoryCount + 1))
        sexAge = Array(repeating: 0, count: 3 * FigureCounter.bandList.count)
        regionSex = Array(repeating: 0, count: (regions.count + 1) * 3)
        statuses = Array(repeating: 0, count: FigureCounter.statusList.count)
        monthRegistered = Array(repeating: 0, count: months.count)
        monthClosed = Array(repeating: 0, count: months.count)
        achieved = Array(repeating: 0, count: targets.targets.count)
        achievedInPeriod = achieved
        enrolled = Array(repeating: 0, count: tracks.tracks.count)
        late = enrolled
        stepDone = stepPrints.map { Array(repeating: 0, count: $0.count) }
        stepDoneInPeriod = stepDone
        access = Array(repeating: 0, count: criteria.count * 3)
        gaps = Array(repeating: 0, count: 3 * (regions.count + 1) * categoryCount * criteria.count * 2)
        latest = Array(repeating: -1, count: criteria.count * 3)
    }

    // MARK: One case

    mutating func add(_ entry: UnsafePointer<CaseDigest>) {
        let digest = entry
        let figures = entry.pointee.figures
        let regionIndex = regions.firstIndex(of: digest.pointee.region) ?? regions.count
        let categoryIndex = digest.pointee.category.map { FigureCounter.categoryList.firstIndex(of: $0)! }

        // Caseload.
        let registeredDay = FigureDays.day(figures.registeredAt, utcOffset: utcOffset)
        if registeredDay <= endDay {
            registered += 1
            categoryRegion[regionIndex * (FigureCounter.categoryList.count + 1) + (categoryIndex ?? FigureCounter.categoryList.count)] += 1
            let sexIndex = digest.pointee.sex.map { $0 == .female ? 0 : 1 } ?? 2
            let band = AgeBand(digest.pointee.age(on: ageDay))
            sexAge[sexIndex * FigureCounter.bandList.count + FigureCounter.bandList.firstIndex(of: band)!] += 1
            regionSex[regionIndex * 3 + sexIndex] += 1
            statuses[FigureCounter.statusList.firstIndex(of: digest.pointee.status)!] += 1
        }
        if registeredDay >= startDay && registeredDay <= endDay, let month = monthIndex(registeredDay) {
            monthRegistered[month] += 1
        }
        if digest.pointee.status == .closed, let closedAt = figures.closedAt {
            let closedDay = FigureDays.day(closedAt, utcOffset: utcOffset)
            if closedDay >= startDay && closedDay <= endDay, let month = monthIndex(closedDay) { monthClosed[month] += 1 }
        }

        // Targets: each person once, on their first matching step.
        for target in targetMatches.indices {
            var first: Int32 = .max
            for step in figures.steps where step.isDone && step.day < first && step.day >= programmeStartNumber
                && step.day <= endNumber && matchesTarget(target, step, digest) {
                first = step.day
            }
            if first != .max {
                achieved[target] += 1
                if first >= startNumber { achievedInPeriod[target] += 1 }
            }
        }

        // Reintegration: a plan's steps are all in `figures.steps`, which tells its track.
        if !figures.steps.isEmpty {
            var lateTracks: UInt64 = 0
            var enrolledTracks: UInt64 = 0
            for step in figures.steps {
                guard let track = trackPrints.firstIndex(of: step.track), track < 64 else { continue }
                enrolledTracks |= 1 << UInt64(track)
                if step.isDone {
                    guard step.day <= endNumber, let position = stepPrints[track].firstIndex(of: step.step) else { continue }
                    stepDone[track][position] += 1
                    let within = step.day >= startNumber
                    if within { stepDoneInPeriod[track][position] += 1 }
                    if kitSteps[track][position] {
                        kits += 1
                        if within { kitsInPeriod += 1 }
                    }
                } else if step.isOpen && step.day < todayNumber && digest.pointee.status != .closed {
                    lateTracks |= 1 << UInt64(track)
                }
            }
            for track in trackPrints.indices where track < 64 {
                if lateTracks & (1 << UInt64(track)) != 0 { late[track] += 1 }
                if enrolledTracks & (1 << UInt64(track)) != 0 { enrolled[track] += 1 }
            }
        }

        // Rights and the durable-solutions gap: the latest access per criterion at each day.
        guard !figures.ratings.isEmpty else { return }
        for index in latest.indices { latest[index] = -1 }
        for packed in figures.ratings {
            let day = RatingPacking.day(packed)
            guard day <= lastGapDay, let criterion = criteria.firstIndex(of: RatingPacking.criterion(packed)) else { continue }
            let level = Int8(RatingPacking.accessIndex(packed))
            for slot in 0..<3 where day <= gapDays[slot] { latest[slot * criteria.count + criterion] = level }
        }
        // full, partial, none are the first three of `Access.allCases`.
        for criterion in criteria.indices {
            let level = latest[criterion]
            if level >= 0 && level < 3 { access[criterion * 3 + Int(level)] += 1 }
        }
        guard let categoryIndex else { return }
        let categoryCount = FigureCounter.categoryList.count
        // Counted in the case's region (when the gazetteer knows it) and in all regions.
        let regionSlots = regionIndex < regions.count ? 2 : 1
        for slot in 0..<3 {
            for criterion in criteria.indices {
                let level = latest[slot * criteria.count + criterion]
                guard level >= 0 && level < 3 else { continue }
                for regionSlot in 0..<regionSlots {
                    let region = regionSlot == 0 ? regions.count : regionIndex
                    let base = ((((slot * (regions.count + 1)) + region) * categoryCount + categoryIndex) * criteria.count + criterion) * 2
                    gaps[base + 1] += 1
                    if level == 0 { gaps[base] += 1 }
                }
            }
        }
    }

    private func matchesTarget(_ target: Int, _ step: FiguresDigest.StepFigure, _ digest: UnsafePointer<CaseDigest>) -> Bool {
        guard targetMatches[target].contains(where: { $0.step == step.step && ($0.track == nil || $0.track == step.track) }) else {
            return false
        }
        let rule = targets.targets[target]
        if let sex = rule.sex, digest.pointee.sex != sex { return false }
        if let ages = rule.ages {
            guard let day = CaseDigest.date(dayNumber: step.day), let age = digest.pointee.age(on: day), ages.contains(age) else {
                return false
            }
        }
        return true
    }

    private func monthIndex(_ day: Int) -> Int? {
        var found: Int?
        for (index, first) in monthFirstDays.enumerated() where first <= day { found = index }
        return found
    }

    // MARK: The figures

    func figures(total: Int) -> ProgrammeFigures {
        let base = FigureFilter.base(utcOffset: utcOffset)
        let categories = FigureCounter.categoryList
        var registeredFilter = base
        registeredFilter.registeredBy = period.last

        // Targets.
        let programme = DaySpan(first: targets.start, last: targets.end)
        let paceDay = min(today, period.last, targets.end)
        let totalDays = Double(targets.start.days(until: targets.end) + 1)
        let elapsed = Double(min(max(targets.start.days(until: paceDay) + 1, 0), Int(totalDays)))
        let targetFigures = targets.targets.enumerated().map { index, target in
            var achievedFilter = base
            achievedFilter.stepDone = .init(matches: target.counts, from: targets.start, through: period.last, ages: target.ages)
            if let sex = target.sex { achievedFilter.sex = .some(sex) }
            // The first matching step within the period.
            var inPeriodFilter = achievedFilter
            inPeriodFilter.stepDone?.firstOnOrAfter = period.first
            return TargetFigure(target: target, achieved: FigureCount(count: achieved[index], filter: achievedFilter),
                                inPeriod: FigureCount(count: achievedInPeriod[index], filter: inPeriodFilter),
                                expected: Double(target.figure) * elapsed / totalDays, paceDay: paceDay)
        }

        // Caseload.
        let unknownRegion = categoryRegion[(regions.count * (categories.count + 1))...].contains { $0 > 0 }
        let unknownCategory = regions.indices.contains { categoryRegion[$0 * (categories.count + 1) + categories.count] > 0 }
            || categoryRegion[regions.count * (categories.count + 1) + categories.count] > 0
        let regionRows = regions + (unknownRegion ? [""] : [])
        let categoryColumns: [Category?] = categories.map { $0 } + (unknownCategory ? [nil] : [])
        var cells: [CaseloadFigures.Cell] = []
        for (regionIndex, region) in regionRows.enumerated() {
            for category in categoryColumns {
                let column = category.map { categories.firstIndex(of: $0)! } ?? categories.count
                var filter = registeredFilter
                filter.region = region
                filter.knownRegions = regions
                filter.categories = category.map { [$0] } ?? []
                cells.append(.init(region: region, category: category,
                                   count: FigureCount(count: categoryRegion[regionIndex * (categories.count + 1) + column], filter: filter)))
            }
        }
        var sexAgeCells: [CaseloadFigures.SexAge] = []
        for (sexIndex, sex) in [Sex.female, Sex.male, nil].enumerated() {
            for (bandIndex, band) in FigureCounter.bandList.enumerated() {
                var filter = registeredFilter
                filter.sex = .some(sex)
                filter.ageBand = band
                filter.ageOn = ageDay
                sexAgeCells.append(.init(sex: sex, band: band,
                                         count: FigureCount(count: sexAge[sexIndex * FigureCounter.bandList.count + bandIndex], filter: filter)))
            }
        }
        var regionSexCells: [CaseloadFigures.RegionSex] = []
        for (regionIndex, region) in regionRows.enumerated() {
            for (sexIndex, sex) in [Sex.female, Sex.male, nil].enumerated() {
                var filter = registeredFilter
                filter.region = region
                filter.knownRegions = regions
                filter.sex = .some(sex)
                regionSexCells.append(.init(region: region, sex: sex,
                                            count: FigureCount(count: regionSex[regionIndex * 3 + sexIndex], filter: filter)))
            }
        }
        let byStatus = FigureCounter.statusList.enumerated().map { index, status in
            var filter = registeredFilter
            filter.status = status
            return (status: status, count: FigureCount(count: statuses[index], filter: filter))
        }
        let monthFigures = months.enumerated().map { index, span in
            var registeredIn = base
            registeredIn.registeredIn = span
            var closedIn = base
            closedIn.closedIn = span
            return CaseloadFigures.Month(span: span, registered: FigureCount(count: monthRegistered[index], filter: registeredIn),
                                         closed: FigureCount(count: monthClosed[index], filter: closedIn))
        }
        let caseload = CaseloadFigures(registered: FigureCount(count: registered, filter: registeredFilter),
                                       byCategoryAndRegion: cells, bySexAndAge: sexAgeCells, byRegionAndSex: regionSexCells, byStatus: byStatus,
                                       months: monthFigures, regions: regionRows)

        // Reintegration.
        var kitMatches: [ProgrammeTargets.StepMatch] = []
        let tracks = reference.tracks.tracks.enumerated().map { trackIndex, track in
            var enrolledFilter = base
            enrolledFilter.enrolledIn = track.code
            var lateFilter = base
            lateFilter.lateOn = today
            lateFilter.lateTrack = track.code
            let steps = track.steps.enumerated().map { stepIndex, step in
                let match = ProgrammeTargets.StepMatch(track: track.code, step: step.code)
                if step.records == "given" { kitMatches.append(match) }
                var done = base
                done.stepDone = .init(matches: [match], from: nil, through: period.last)
                var within = done
                within.stepDone?.from = period.first
                return ReintegrationFigures.StepCount(step: step.code, done: FigureCount(count: stepDone[trackIndex][stepIndex], filter: done),
                                                      doneInPeriod: FigureCount(count: stepDoneInPeriod[trackIndex][stepIndex], filter: within),
                                                      isKit: step.records == "given")
            }
            return ReintegrationFigures.Track(track: track.code, enrolled: FigureCount(count: enrolled[trackIndex], filter: enrolledFilter),
                                              steps: steps, late: FigureCount(count: late[trackIndex], filter: lateFilter))
        }
        var kitFilter = base
        kitFilter.stepDone = .init(matches: kitMatches, from: nil, through: period.last)
        var kitInPeriodFilter = kitFilter
        kitInPeriodFilter.stepDone?.from = period.first
        let reintegration = ReintegrationFigures(tracks: tracks, kitsDelivered: FigureCount(count: kits, filter: kitFilter),
                                                 kitsDeliveredInPeriod: FigureCount(count: kitsInPeriod, filter: kitInPeriodFilter))

        // Rights.
        let codes = reference.tracks.criteria
        let rights = codes.enumerated().map { index, code in
            let rated = access[index * 3] + access[index * 3 + 1] + access[index * 3 + 2]
            func share(_ level: Access, _ offset: Int) -> FigureShare {
                var filter = base
                filter.access = .init(criterion: code, levels: [level], asOf: period.last)
                return FigureShare(count: FigureCount(count: access[index * 3 + offset], filter: filter), of: rated)
            }
            return CriterionAccess(criterion: code, full: share(.full, 0), partial: share(.partial, 1), none: share(.none, 2))
        }

        // Durable solutions.
        let asOf = [period.last, quarterSpan.last, previousQuarterSpan.last]
        let tables = (0..<3).map { slot in
            GapTable(asOf: asOf[slot], criteria: gapRow(slot: slot, region: nil, base: base, asOf: asOf[slot]),
                     regions: regions.indices.map { (regions[$0], gapRow(slot: slot, region: $0, base: base, asOf: asOf[slot])) })
        }
        let solutions = SolutionsFigures(atPeriodEnd: tables[0], quarter: tables[1], previousQuarter: tables[2],
                                         quarterSpan: quarterSpan, previousQuarterSpan: previousQuarterSpan)
        return ProgrammeFigures(period: period, programme: programme, today: today,
                                cases: FigureCount(count: total, filter: base), targets: targetFigures, caseload: caseload,
                                reintegration: reintegration, rights: rights, solutions: solutions)
    }

    private func gapRow(slot: Int, region: Int?, base: FigureFilter, asOf: CalendarDate) -> [CriterionGap] {
        let categories = FigureCounter.categoryList
        let regionSlot = region ?? regions.count
        return reference.tracks.criteria.enumerated().map { criterion, code in
            func group(_ members: [Category]) -> GroupAccess {
                var full = 0, rated = 0
                for category in members {
                    let index = ((((slot * (regions.count + 1)) + regionSlot) * categories.count
                                  + categories.firstIndex(of: category)!) * criteria.count + criterion) * 2
                    full += gaps[index]
                    rated += gaps[index + 1]
                }
                var filter = base
                filter.categories = members
                if let region { filter.region = regions[region] }
                filter.access = .init(criterion: code, levels: [.full], asOf: asOf)
                return GroupAccess(categories: members, full: FigureShare(count: FigureCount(count: full, filter: filter), of: rated))
            }
            return CriterionGap(criterion: code, idps: group([.idpReturnee]), refugees: group([.refugeeReturnee]),
                                displaced: group([.idpReturnee, .refugeeReturnee]), host: group([.hostCommunity]))
        }
    }
}

extension FigureFilter {
    static func base(utcOffset: Int) -> FigureFilter {
        var filter = FigureFilter()
        filter.utcOffset = utcOffset
        return filter
    }
}

extension ProgrammeFigures {
    init(period: DaySpan, programme: DaySpan, today: CalendarDate, cases: FigureCount, targets: [TargetFigure],
         caseload: CaseloadFigures, reintegration: ReintegrationFigures, rights: [CriterionAccess], solutions: SolutionsFigures) {
        self.period = period
        self.programme = programme
        self.today = today
        self.cases = cases
        self.targets = targets
        self.caseload = caseload
        self.reintegration = reintegration
        self.rights = rights
        self.solutions = solutions
    }
}
