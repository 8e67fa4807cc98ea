import Foundation
import Testing
@testable import RetourCore

/// Every programme figure against five people whose answers are worked out by hand below.
///
/// Programme 2016-01-01 … 2016-12-31 (366 days); period 2016-04-01 … 2016-06-30 (Q2);
/// today 2016-07-15. Regions: Gao ML07, Tombouctou ML06.
///
/// | case | sex, born    | category | region | registered | follow-up |
/// |------|--------------|----------|--------|------------|-----------|
/// | A    | F 1995-03-14 | IDP      | Gao    | 2016-04-10 | youth from 01-25: training done 03-01 (age 20), kit 05-05 |
/// | B    | M 1975-03-14 | refugee  | Gao    | 2016-05-02 | youth from 05-01: training done 05-20 (age 41) |
/// | C    | M 2000-06-01 | host     | Tbk    | 2016-06-15 | youth from 07-10: training done 06-10 (age 16), kit 07-05 |
/// | D    | F 1980-03-14 | IDP      | Tbk    | 2016-01-20 | women's AGR from 02-01: kit 04-02, activity 04-20; closed 06-20 |
/// | E    | F 1950-03-14 | host     | Gao    | 2016-07-10 | none |
///
/// Safety ratings: A none 03-10, full 05-10 (livelihoods unknown 05-10); B partial 05-15;
/// C full 02-01; D none 06-01, full 07-05; E full 03-01, partial 06-25.
@Suite("Programme figures: targets, caseload, reintegration, rights, durable solutions")
struct ProgrammeFiguresTests {
    static let reference = CSVFixtures.reference
    static let today = day("2016-07-15")
    static let period = FiguresPeriod.between(day("2016-04-01"), day("2016-06-30"))

    static func day(_ text: String) -> CalendarDate { CalendarDate(parsing: text)! }

    static let targetsJSON = """
    { "programme": { "start": "2016-01-01", "end": "2016-12-31" },
      "targets": [
        { "id": "youth_trained", "label": { "fr": "Jeunes formés", "en": "Youth trained" }, "figure": 10,
          "counts": [ { "track": "youth_entrepreneurship", "step": "training" } ], "age": { "minimum": 15, "maximum": 35 } },
        { "id": "insertion_kits", "label": { "fr": "Kits", "en": "Kits" }, "figure": 4,
          "counts": [ { "step": "insertion_kit" }, { "track": "women_agr", "step": "kit_or_grant" } ] },
        { "id": "women_agr", "label": { "fr": "AGR", "en": "AGR" }, "figure": 2,
          "counts": [ { "track": "women_agr", "step": "activity_started" } ] } ] }
    """

    static func targets() throws -> ProgrammeTargets {
        try ProgrammeTargets(json: Data(targetsJSON.utf8), reference: reference)
    }

    /// The five cases, by letter.
    static func book() throws -> (book: FollowUpBook, ids: [String: UUID]) {
        var book = FollowUpBook()
        var ids: [String: UUID] = [:]
        func person(_ letter: String, _ sex: Sex, _ born: String, _ category: RetourCore.Category, _ region: String,
                    registered: String) throws {
            var profile = sampleProfile("Name\(letter)", "Given", region: region, birthYear: nil)
            profile.sex = sex
            profile.dateOfBirth = day(born)
            profile.category = category
            // Registered at noon UTC that day (figures computed with a UTC offset of 0).
            book.clock = day(registered).start(in: TimeZone(identifier: "UTC")!) + 12 * 3600 - 60
            ids[letter] = try book.register(profile, prefix: region == "ML07" ? "GAO" : "TBK")
        }
        func done(_ id: UUID, _ plan: Plan, _ step: String, _ on: String) throws {
            try book.update(id, plan, step) {
                $0.status = .done
                $0.doneOn = day(on)
            }
        }
        try person("D", .female, "1980-03-14", .idpReturnee, "ML06", registered: "2016-01-20")
        try person("A", .female, "1995-03-14", .idpReturnee, "ML07", registered: "2016-04-10")
        try person("B", .male, "1975-03-14", .refugeeReturnee, "ML07", registered: "2016-05-02")
        try person("C", .male, "2000-06-01", .hostCommunity, "ML06", registered: "2016-06-15")
        try person("E", .female, "1950-03-14", .hostCommunity, "ML07", registered: "2016-07-10")
        let a = ids["A"]!, b = ids["B"]!, c = ids["C"]!, d = ids["D"]!, e = ids["E"]!

        let youthA = try book.enrol(a, "youth_entrepreneurship", on: "2016-01-25")
        try done(a, youthA, "training", "2016-03-01")
        try done(a, youthA, "insertion_kit", "2016-05-05")
        let youthB = try book.enrol(b, "youth_entrepreneurship", on: "2016-05-01")
        try done(b, youthB, "training", "2016-05-20")
        let youthC = try book.enrol(c, "youth_entrepreneurship", on: "2016-07-10")
        try done(c, youthC, "training", "2016-06-10")
        try done(c, youthC, "insertion_kit", "2016-07-05")
        let women = try book.enrol(d, "women_agr", on: "2016-02-01")
        try done(d, women, "kit_or_grant", "2016-04-02")
        try done(d, women, "activity_started", "2016-04-20")
        try book.apply(.requestClosure(id: d, reason: "Solution durable"))
        book.clock = day("2016-06-20").start(in: TimeZone(identifier: "UTC")!) + 10 * 3600
        try book.apply(.close(id: d, closure: Closure(reason: "durable_solution", note: "", confirmedOpenItems: true)))

        try book.assess(a, on: "2016-03-10", ["safety": .none])
        try book.assess(a, on: "2016-05-10", ["safety": .full, "livelihoods": .unknown])
        try book.assess(b, on: "2016-05-15", ["safety": .partial])
        try book.assess(c, on: "2016-02-01", ["safety": .full])
        try book.assess(d, on: "2016-06-01", ["safety": .none])
        try book.assess(d, on: "2016-07-05", ["safety": .full])
        try book.assess(e, on: "2016-03-01", ["safety": .full])
        try book.assess(e, on: "2016-06-25", ["safety": .partial])
        return (book, ids)
    }

    static func figures() throws -> (figures: ProgrammeFigures, digests: [CaseDigest], ids: [String: UUID]) {
        let (book, ids) = try book()
        let digests = book.book.digests
        let figures = ProgrammeFigures(digests, targets: try targets(), reference: reference, today: today,
                                       period: period, utcOffset: 0)
        return (figures, digests, ids)
    }

    /// The letters of the cases a filter finds.
    static func letters(_ count: FigureCount, _ digests: [CaseDigest], _ ids: [String: UUID]) -> String {
        let byID = Dictionary(uniqueKeysWithValues: ids.map { ($1, $0) })
        return count.filter.ids(in: digests).compactMap { byID[$0] }.sorted().joined()
    }

    @Test func targetsCountPeopleFromTheProgrammesStartToThePeriodsEndAndTheirPace() throws {
        let (figures, digests, ids) = try Self.figures()
        #expect(figures.period == DaySpan(first: Self.day("2016-04-01"), last: Self.day("2016-06-30")))
        let youth = figures.targets[0], kits = figures.targets[1], women = figures.targets[2]
        // Youth: A (20 on 03-01) and C (16 on 06-10); B was 41. In the period: C only.
        #expect(youth.achieved.count == 2)
        #expect(Self.letters(youth.achieved, digests, ids) == "AC")
        #expect(youth.inPeriod.count == 1)
        #expect(Self.letters(youth.inPeriod, digests, ids) == "C")
        #expect(youth.percent == 20)
        // Pace on 2016-06-30 (before today): 182 of 366 days.
        #expect(youth.paceDay == Self.day("2016-06-30"))
        #expect(abs(youth.expected - 10.0 * 182 / 366) < 1e-9)
        #expect(!youth.onTrack)
        // Kits: A's insertion kit (05-05) and D's kit or grant (04-02); C's (07-05) is after the end.
        #expect(kits.achieved.count == 2)
        #expect(Self.letters(kits.achieved, digests, ids) == "AD")
        #expect(kits.inPeriod.count == 2)
        #expect(kits.percent == 50)
        #expect(kits.onTrack)  // 2 ≥ 4 × 182 / 366 = 1.99
        #expect(women.achieved.count == 1 && women.inPeriod.count == 1)
        #expect(women.onTrack)  // 1 ≥ 2 × 182 / 366 = 0.99
        #expect(Self.letters(women.achieved, digests, ids) == "D")
    }

    @Test func paceIsTakenOnTodayWhenThePeriodEndsLater() throws {
        let (book, _) = try Self.book()
        let figures = ProgrammeFigures(book.book.digests, targets: try Self.targets(), reference: Self.reference,
                                       today: Self.day("2016-03-31"), period: .programme, utcOffset: 0)
        let youth = figures.targets[0]
        // Up to 2016-12-31 every training counts but B's: A, C. Pace on 03-31: 91 of 366 days,
        // 2.49 expected: behind.
        #expect(youth.achieved.count == 2)
        #expect(youth.paceDay == Self.day("2016-03-31"))
        #expect(abs(youth.expected - 10.0 * 91 / 366) < 1e-9)
        #expect(!youth.onTrack)
        // Kits: A, C and D by the programme's end; 3 ≥ 4 × 91 / 366 = 0.99: on track.
        #expect(figures.targets[1].achieved.count == 3)
        #expect(figures.targets[1].onTrack)
        #expect(figures.period == DaySpan(first: Self.day("2016-01-01"), last: Self.day("2016-12-31")))
    }

    @Test func caseloadCountsTheCasesRegisteredByThePeriodsEnd() throws {
        let (figures, digests, ids) = try Self.figures()
        let caseload = figures.caseload
        // E was registered after the period: A, B, C, D.
        #expect(caseload.registered.count == 4)
        #expect(Self.letters(caseload.registered, digests, ids) == "ABCD")
        #expect(caseload.count(region: "ML07", category: .idpReturnee) == 1)
        #expect(caseload.count(region: "ML07", category: .refugeeReturnee) == 1)
        #expect(caseload.count(region: "ML07", category: .hostCommunity) == 0)
        #expect(caseload.count(region: "ML06", category: .idpReturnee) == 1)
        #expect(caseload.count(region: "ML06", category: .hostCommunity) == 1)
        #expect(caseload.count(region: "ML05", category: .idpReturnee) == 0)
        #expect(caseload.byCategoryAndRegion.count == 4 * 3)  // Four regions × three categories, none unknown.
        let tbkHost = try #require(caseload.byCategoryAndRegion.first { $0.region == "ML06" && $0.category == .hostCommunity })
        #expect(Self.letters(tbkHost.count, digests, ids) == "C")
        // Ages on 2016-06-30: A 21, B 41, C 16, D 36.
        func sexAge(_ sex: Sex?, _ band: AgeBand) -> Int {
            caseload.bySexAndAge.first { $0.sex == sex && $0.band == band }!.count.count
        }
        #expect(sexAge(.female, .youth) == 1)
        #expect(sexAge(.female, .adults) == 1)
        #expect(sexAge(.male, .adults) == 1)
        #expect(sexAge(.male, .children) == 1)
        #expect(caseload.bySexAndAge.map(\.count.count).reduce(0, +) == 4)
        let children = try #require(caseload.bySexAndAge.first { $0.sex == .male && $0.band == .children })
        #expect(Self.letters(children.count, digests, ids) == "C")
        #expect(caseload.byRegionAndSex.first { $0.region == "ML07" && $0.sex == .female }?.count.count == 1)
        // Statuses now: D closed, the others active.
        let statuses = Dictionary(uniqueKeysWithValues: caseload.byStatus.map { ($0.status, $0.count.count) })
        #expect(statuses == [.registered: 0, .active: 3, .closureRequested: 0, .closed: 1])
        // Per month: A in April, B in May, C in June registered; D closed in June.
        #expect(caseload.months.map(\.span.first) == ["2016-04-01", "2016-05-01", "2016-06-01"].map(Self.day))
        #expect(caseload.months.map(\.registered.count) == [1, 1, 1])
        #expect(caseload.months.map(\.closed.count) == [0, 0, 1])
        #expect(Self.letters(caseload.months[2].closed, digests, ids) == "D")
        #expect(Self.letters(caseload.months[1].registered, digests, ids) == "B")
    }

    @Test func reintegrationCountsStepsDoneByThePeriodsEndAndLateCasesToday() throws {
        let (figures, digests, ids) = try Self.figures()
        let tracks = figures.reintegration.tracks
        #expect(tracks.map(\.track) == ["youth_entrepreneurship", "women_agr", "durable_solutions"])
        let youth = tracks[0], women = tracks[1]
        #expect(youth.enrolled.count == 3)
        func step(_ track: ReintegrationFigures.Track, _ code: String) -> ReintegrationFigures.StepCount {
            track.steps.first { $0.step == code }!
        }
        #expect(step(youth, "training").done.count == 3)
        #expect(step(youth, "training").doneInPeriod.count == 2)
        #expect(Self.letters(step(youth, "training").doneInPeriod, digests, ids) == "BC")
        #expect(step(youth, "insertion_kit").done.count == 1)
        #expect(step(youth, "profiling").done.count == 0)
        // Late on 07-15: A (profiling planned 02-01), B (profiling planned 05-08); C's first open
        // step is planned 07-17; D is closed.
        #expect(youth.late.count == 2)
        #expect(Self.letters(youth.late, digests, ids) == "AB")
        #expect(women.enrolled.count == 1)
        #expect(women.late.count == 0)
        #expect(step(women, "kit_or_grant").done.count == 1)
        #expect(step(women, "activity_started").doneInPeriod.count == 1)
        #expect(tracks[2].enrolled.count == 0)
        #expect(figures.reintegration.kitsDelivered.count == 2)
        #expect(figures.reintegration.kitsDeliveredInPeriod.count == 2)
        #expect(Self.letters(figures.reintegration.kitsDelivered, digests, ids) == "AD")
    }

    @Test func rightsAccessReadsEachPersonsLatestRatingAsOfThePeriodsEnd() throws {
        let (figures, digests, ids) = try Self.figures()
        let safety = try #require(figures.rights.first { $0.criterion == "safety" })
        // On 06-30: A full, B partial, C full, D none (its full is 07-05), E partial (06-25).
        #expect(safety.assessed == 5)
        #expect(safety.full.count.count == 2 && safety.full.percent == 40)
        #expect(safety.partial.count.count == 2 && safety.partial.percent == 40)
        #expect(safety.none.count.count == 1 && safety.none.percent == 20)
        #expect(Self.letters(safety.none.count, digests, ids) == "D")
        #expect(Self.letters(safety.full.count, digests, ids) == "AC")
        // Livelihoods was rated "unknown" only: no one assessed, no share.
        let livelihoods = try #require(figures.rights.first { $0.criterion == "livelihoods" })
        #expect(livelihoods.assessed == 0 && livelihoods.full.percent == nil)
        #expect(figures.rights.map(\.criterion) == Self.reference.tracks.criteria)
    }

    @Test func theDurableSolutionsGapComparesTheDisplacedWithTheHostCommunity() throws {
        let (figures, digests, ids) = try Self.figures()
        let table = figures.solutions.atPeriodEnd
        #expect(table.asOf == Self.day("2016-06-30"))
        let safety = try #require(table.criterion("safety"))
        // IDPs: A full, D none → 50 %. Refugees: B partial → 0 %. Both: 1 of 3. Host: C full, E partial → 50 %.
        #expect(safety.idps.percent == 50)
        #expect(safety.refugees.percent == 0)
        #expect(abs(safety.displaced.percent! - 100.0 / 3) < 1e-9)
        #expect(safety.host.percent == 50)
        #expect(safety.idpGap == 0)
        #expect(safety.refugeeGap == 50)
        #expect(abs(safety.displacedGap! - (50 - 100.0 / 3)) < 1e-9)
        #expect(Self.letters(safety.displaced.full.count, digests, ids) == "A")
        #expect(Self.letters(safety.host.full.count, digests, ids) == "C")
        // Gao: IDPs A 100 %, refugees B 0 %, both 50 %; host E partial 0 % → gap −50.
        let gao = try #require(table.criterion("safety", region: "ML07"))
        #expect(gao.idps.percent == 100 && gao.refugees.percent == 0 && gao.displaced.percent == 50)
        #expect(gao.host.percent == 0)
        #expect(gao.displacedGap == -50)
        // Tombouctou: IDP D none 0 %; host C full 100 % → gap 100.
        let tombouctou = try #require(table.criterion("safety", region: "ML06"))
        #expect(tombouctou.displacedGap == 100)
        #expect(Self.letters(tombouctou.host.full.count, digests, ids) == "C")
        // Criteria no one was rated on: no share, no gap.
        #expect(table.criterion("justice")?.displacedGap == nil)
    }

    @Test func theGapsChangeFromTheQuarterBeforeToTheQuarterOfThePeriodsEnd() throws {
        let (figures, _, _) = try Self.figures()
        let solutions = figures.solutions
        #expect(solutions.quarterSpan == DaySpan(first: Self.day("2016-04-01"), last: Self.day("2016-06-30")))
        #expect(solutions.previousQuarterSpan == DaySpan(first: Self.day("2016-01-01"), last: Self.day("2016-03-31")))
        // On 03-31: A none (IDP); host C full, E full. Displaced 0 %, host 100 %: gap 100.
        let before = try #require(solutions.previousQuarter.criterion("safety"))
        #expect(before.displaced.percent == 0 && before.host.percent == 100)
        #expect(before.displacedGap == 100)
        // On 06-30: gap 50 − 33.3 = 16.7; change 16.7 − 100 = −83.3 points.
        let change = try #require(solutions.change("safety"))
        #expect(abs(change - ((50 - 100.0 / 3) - 100)) < 1e-9)
        // Gao on 03-31: A none (0 %), E full (100 %): gap 100; on 06-30: −50; change −150.
        #expect(solutions.change("safety", region: "ML07") == -150)
        #expect(solutions.change("justice") == nil)
    }

    @Test func everyCountsFilterFindsExactlyTheCasesItCounted() throws {
        let (figures, digests, _) = try Self.figures()
        var counts: [FigureCount] = [figures.cases, figures.caseload.registered]
        counts += figures.targets.flatMap { [$0.achieved, $0.inPeriod] }
        counts += figures.caseload.byCategoryAndRegion.map(\.count) + figures.caseload.bySexAndAge.map(\.count)
        counts += figures.caseload.byRegionAndSex.map(\.count) + figures.caseload.byStatus.map(\.count)
        counts += figures.caseload.months.flatMap { [$0.registered, $0.closed] }
        counts += figures.reintegration.tracks.flatMap { [$0.enrolled, $0.late] + $0.steps.flatMap { [$0.done, $0.doneInPeriod] } }
        counts += figures.rights.flatMap { [$0.full.count, $0.partial.count, $0.none.count] }
        for table in [figures.solutions.atPeriodEnd, figures.solutions.quarter, figures.solutions.previousQuarter] {
            for gap in table.criteria + table.regions.flatMap(\.criteria) {
                counts += [gap.idps, gap.refugees, gap.displaced, gap.host].map(\.full.count)
            }
        }
        #expect(counts.count > 200)
        for count in counts {
            #expect(count.filter.ids(in: digests).count == count.count, "\(count.filter)")
        }
    }

    @Test func aNotApplicableStepIsNeverLateAndAWithdrawnEnrolmentCountsNowhere() throws {
        var (book, ids) = try Self.book()
        let e = ids["E"]!
        // E enrolled in durable solutions on 2016-01-01, every step not applicable: enrolled, not late.
        let plan = try book.enrol(e, "durable_solutions", on: "2016-01-01")
        for step in plan.steps { try book.update(e, plan, step.code) { $0.status = .notApplicable } }
        // B's youth enrolment withdrawn as a mistake: B is no longer enrolled, late or trained.
        let youthB = try #require(book[ids["B"]!].plans.first)
        try book.apply(.withdrawEnrolment(id: ids["B"]!, plan: youthB.id, reason: "Erreur de saisie"))
        let figures = ProgrammeFigures(book.book.digests, targets: try Self.targets(), reference: Self.reference,
                                       today: Self.today, period: Self.period, utcOffset: 0)
        let tracks = figures.reintegration.tracks
        #expect(tracks[2].enrolled.count == 1)
        #expect(tracks[2].late.count == 0)
        #expect(Self.letters(tracks[2].enrolled, book.book.digests, ids) == "E")
        #expect(tracks[0].enrolled.count == 2)
        #expect(tracks[0].late.count == 1)
        #expect(tracks[0].steps.first { $0.step == "training" }?.done.count == 2)
    }

    @Test func periodsAreCalendarMonthsQuartersAndYears() throws {
        let targets = try Self.targets()
        let today = Self.day("2016-11-15")
        #expect(FiguresPeriod.month.span(today: today, programme: targets) == DaySpan(first: Self.day("2016-11-01"), last: Self.day("2016-11-30")))
        #expect(FiguresPeriod.quarter.span(today: today, programme: targets) == DaySpan(first: Self.day("2016-10-01"), last: Self.day("2016-12-31")))
        #expect(FiguresPeriod.year.span(today: Self.day("2016-02-29"), programme: targets) == DaySpan(first: Self.day("2016-01-01"), last: Self.day("2016-12-31")))
        #expect(FiguresPeriod.between(Self.day("2016-03-02"), Self.day("2016-01-30")).span(today: today, programme: targets).months.count == 3)
        #expect(DaySpan.month(of: Self.day("2016-02-10")).last == Self.day("2016-02-29"))
    }

    @Test func aSupervisorsFiguresCountOnlyTheirTeamsCases() throws {
        try withTemporaryDirectory { directory in
            let office = try Office(directory)
            let supervisor = try office.clearance("s.gao")
            let reader = office.store.reader(for: supervisor)
            let figures = ProgrammeFigures(reader.digests, targets: try Self.targets(), reference: Self.reference,
                                           today: .today(), period: .between(CalendarDate(year: 2000, month: 1, day: 1)!, .today()))
            // The Gao team's cases: A, C, D (assigned to the Gao worker or registered by them); not B, E, F.
            #expect(office.visible(to: supervisor) == ["A", "C", "D"])
            #expect(figures.cases.count == 3)
            #expect(figures.caseload.registered.count == 3)
            let all = ProgrammeFigures(office.store.reader(for: try office.clearance("admin")).digests, targets: try Self.targets(),
                                       reference: Self.reference, today: .today(), period: .between(CalendarDate(year: 2000, month: 1, day: 1)!, .today()))
            #expect(all.caseload.registered.count == 6)
            // --team: the cases whose worker is in the team.
            #expect(reader.digests(inTeam: "gao")?.count == 3)
            #expect(office.store.reader(for: try office.clearance("admin")).digests(inTeam: "tombouctou")?.count == 2)
            #expect(reader.digests(inTeam: "nowhere") == nil)
        }
    }
}
