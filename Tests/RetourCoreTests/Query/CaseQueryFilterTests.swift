import Foundation
import Testing
@testable import RetourCore

/// The follow-up filters of `CaseQuery` (track, step status, overdue, rights gap, cercle, case
/// worker), on cases whose plans and assessments were recorded as changes through a store.
@Suite("Case query: follow-up filters")
struct CaseQueryFilterTests {
    typealias F = CSVFixtures

    static let march1 = CalendarDate(year: 2016, month: 3, day: 1)!
    static let march10 = CalendarDate(year: 2016, month: 3, day: 10)!

    /// Three cases, in this order:
    /// - GAO-000001 Maïga, Gao/Ansongo, worker "Awa Traoré": youth entrepreneurship from 1 January
    ///   2016 (profiling done; training and business plan overdue on 1 March), documentation none,
    ///   livelihoods partial, safety full.
    /// - TBK-000001 Touré, Tombouctou, no worker: durable solutions from 20 February (rights
    ///   assessment blocked, planned 5 March); documentation none then full, housing partial.
    /// - GAO-000002 Cissé, Gao, worker "awa traore": registered only.
    struct Book {
        let store: Store
        let maiga: UUID, toure: UUID, cisse: UUID

        var book: CaseBook { store.book }
    }

    static func withBook<T>(_ body: (Book) throws -> T) throws -> T {
        try withTemporaryDirectory { directory in
            let store = try Store(directory: directory)
            let tracks = F.reference.tracks
            let at = Date(timeIntervalSince1970: 1_450_000_000)

            var first = F.profile("Maïga", "Aïssata", region: "ML07", cercle: "ML0701")
            first.assignedTo = "Awa Traoré"
            let maiga = try register(store, first).id
            let youth = try #require(tracks.plan(track: "youth_entrepreneurship", id: UUID(),
                                                 enrolledOn: CalendarDate(year: 2016, month: 1, day: 1)!))
            try store.commit(.enrol(id: maiga, plan: youth), as: .anyone("awa"), at: at)
            var profiling = youth.steps[0]
            profiling.status = .done
            profiling.doneOn = CalendarDate(year: 2016, month: 1, day: 7)
            try store.commit(.updateStep(id: maiga, plan: youth.id, step: profiling), as: .anyone("awa"), at: at)
            try store.commit(.assess(id: maiga, assessment: Assessment(
                id: UUID(), date: CalendarDate(year: 2016, month: 1, day: 10)!, assessor: "awa",
                ratings: ["documentation": Rating(access: .none), "livelihoods": Rating(access: .partial),
                          "safety": Rating(access: .full)])), as: .anyone("awa"), at: at)

            var second = F.profile("Touré", "Hamadoun", region: "ML06")
            second.category = .refugeeReturnee
            let toure = try register(store, second, prefix: "TBK").id
            let durable = try #require(tracks.plan(track: "durable_solutions", id: UUID(),
                                                   enrolledOn: CalendarDate(year: 2016, month: 2, day: 20)!))
            try store.commit(.enrol(id: toure, plan: durable), as: .anyone("awa"), at: at)
            var rights = durable.steps[0]
            rights.status = .blocked
            rights.blockedReason = "Road closed"
            try store.commit(.updateStep(id: toure, plan: durable.id, step: rights), as: .anyone("awa"), at: at)
            try store.commit(.assess(id: toure, assessment: Assessment(
                id: UUID(), date: CalendarDate(year: 2016, month: 2, day: 1)!, assessor: "awa",
                ratings: ["documentation": Rating(access: .full), "housing_land_property": Rating(access: .partial)])),
                as: .anyone("awa"), at: at)
            // Recorded later, dated earlier: the February assessment stays the current one.
            try store.commit(.assess(id: toure, assessment: Assessment(
                id: UUID(), date: CalendarDate(year: 2016, month: 1, day: 5)!, assessor: "awa",
                ratings: ["documentation": Rating(access: .none)])), as: .anyone("awa"), at: at)

            var third = F.profile("Cissé", "Fatoumata", region: "ML07")
            third.assignedTo = "awa traore"
            let cisse = try register(store, third).id
            return try body(Book(store: store, maiga: maiga, toure: toure, cisse: cisse))
        }
    }

    func numbers(_ book: Book, _ query: CaseQuery) -> [String] {
        query.filter(book.book).compactMap { book.book[$0]?.number }
    }

    @Test func trackKeepsTheCasesEnrolledInIt() throws {
        try Self.withBook { book in
            #expect(numbers(book, CaseQuery(track: "youth_entrepreneurship")) == ["GAO-000001"])
            #expect(numbers(book, CaseQuery(track: "durable_solutions")) == ["TBK-000001"])
            #expect(numbers(book, CaseQuery(track: "women_agr")).isEmpty)
        }
    }

    @Test func stepStatusKeepsTheCasesWithAStepInIt() throws {
        try Self.withBook { book in
            #expect(numbers(book, CaseQuery(stepStatus: .done)) == ["GAO-000001"])
            #expect(numbers(book, CaseQuery(stepStatus: .blocked)) == ["TBK-000001"])
            #expect(numbers(book, CaseQuery(stepStatus: .notStarted)) == ["GAO-000001", "TBK-000001"])
            #expect(numbers(book, CaseQuery(stepStatus: .inProgress)).isEmpty)
        }
    }

    @Test func overdueIsDecidedOnTheQuerysDay() throws {
        try Self.withBook { book in
            // 1 March: training (31 January) and business plan (15 February) are overdue; the kit
            // is planned that very day, so not yet; the blocked assessment is planned on 5 March.
            #expect(numbers(book, CaseQuery(overdue: true, today: Self.march1)) == ["GAO-000001"])
            #expect(numbers(book, CaseQuery(overdue: false, today: Self.march1)) == ["TBK-000001", "GAO-000002"])
            #expect(numbers(book, CaseQuery(overdue: true, today: Self.march10)) == ["GAO-000001", "TBK-000001"])
            #expect(numbers(book, CaseQuery(overdue: true, today: CalendarDate(year: 2016, month: 1, day: 8)!)).isEmpty)

            let entry = try #require(book.book.digest(book.maiga))
            #expect(entry.overdueSteps(on: Self.march1) == 2)
            #expect(entry.overdueSteps(on: Self.march10) == 3)
            #expect(entry.overdueSteps(on: CalendarDate(year: 2017, month: 1, day: 1)!) == 6)
        }
    }

    @Test func aStepDoneOrNotApplicableIsNoLongerOverdue() throws {
        try Self.withBook { book in
            let item = try #require(book.book[book.maiga])
            let plan = item.plans[0]
            var training = plan.steps[1], businessPlan = plan.steps[2]
            training.status = .done
            businessPlan.status = .notApplicable
            try book.store.commit(.updateStep(id: item.id, plan: plan.id, step: training), as: .anyone("awa"))
            #expect(numbers(book, CaseQuery(overdue: true, today: Self.march1)) == ["GAO-000001"])
            try book.store.commit(.updateStep(id: item.id, plan: plan.id, step: businessPlan), as: .anyone("awa"))
            #expect(numbers(book, CaseQuery(overdue: true, today: Self.march1)).isEmpty)
            // In progress is still open.
            businessPlan.status = .inProgress
            try book.store.commit(.updateStep(id: item.id, plan: plan.id, step: businessPlan), as: .anyone("awa"))
            #expect(numbers(book, CaseQuery(overdue: true, today: Self.march1)) == ["GAO-000001"])
        }
    }

    @Test func aClosedCasesStepsAreNoLongerLate() throws {
        try Self.withBook { book in
            try book.store.commit(.requestClosure(id: book.maiga, reason: "Parti"), as: .anyone("awa"))
            #expect(numbers(book, CaseQuery(overdue: true, today: Self.march1)) == ["GAO-000001"])
            try book.store.commit(.close(id: book.maiga, closure: Closure(reason: "moved_away", note: "",
                                                                          confirmedOpenItems: true)), as: .anyone("awa"))
            #expect(numbers(book, CaseQuery(overdue: true, today: Self.march1)).isEmpty)
            #expect(numbers(book, CaseQuery(overdue: false, today: Self.march1)) == ["GAO-000001", "TBK-000001", "GAO-000002"])
            let entry = try #require(book.book.digest(book.maiga))
            #expect(entry.overdueSteps(on: Self.march10) == 0)
            let item = try #require(book.book[book.maiga])
            #expect(item.overdueSteps(on: Self.march10).isEmpty)
            #expect(!item.isLate(item.plans[0].steps[1], on: Self.march10))
            let summary = CaseSummary(item, catalog: F.english, reference: F.reference, today: Self.march10)
            #expect(!summary.text.lowercased().contains("overdue"), "\(summary.text)")
            #expect(!summary.sections.flatMap(\.lines).contains { $0.attention && $0.value.hasPrefix("Not started") })
            // Reopened, they are late again.
            try book.store.commit(.reopen(id: book.maiga, reason: "Revenu"), as: .anyone("awa"))
            #expect(numbers(book, CaseQuery(overdue: true, today: Self.march1)) == ["GAO-000001"])
        }
    }

    @Test func gapFollowsTheLatestRatingOfEachCriterion() throws {
        try Self.withBook { book in
            #expect(numbers(book, CaseQuery(gap: "documentation")) == ["GAO-000001"])
            #expect(numbers(book, CaseQuery(gap: "livelihoods")) == ["GAO-000001"])  // partial is a gap
            #expect(numbers(book, CaseQuery(gap: "housing_land_property")) == ["TBK-000001"])
            #expect(numbers(book, CaseQuery(gap: "safety")).isEmpty)  // full access
            #expect(numbers(book, CaseQuery(gap: "justice")).isEmpty)  // never assessed

            // A new assessment closes the gap.
            try book.store.commit(.assess(id: book.maiga, assessment: Assessment(
                id: UUID(), date: CalendarDate(year: 2016, month: 4, day: 1)!, assessor: "awa",
                ratings: ["documentation": Rating(access: .full)])), as: .anyone("awa"))
            #expect(numbers(book, CaseQuery(gap: "documentation")).isEmpty)
            #expect(numbers(book, CaseQuery(gap: "livelihoods")) == ["GAO-000001"])
        }
    }

    @Test func aGapOnAnyCriterionKeepsEveryCaseWithAGap() throws {
        try Self.withBook { book in
            // Maïga: documentation none, livelihoods partial; Touré: housing partial; Cissé: never assessed.
            #expect(numbers(book, CaseQuery(gap: CaseQuery.anyCriterion)) == ["GAO-000001", "TBK-000001"])
            try book.store.commit(.assess(id: book.toure, assessment: Assessment(
                id: UUID(), date: CalendarDate(year: 2016, month: 4, day: 1)!, assessor: "awa",
                ratings: ["housing_land_property": Rating(access: .full)])), as: .anyone("awa"))
            #expect(numbers(book, CaseQuery(gap: CaseQuery.anyCriterion)) == ["GAO-000001"])
        }
    }

    @Test func aStepDoneInAnyPlanOrInTheTracksPlan() throws {
        try Self.withBook { book in
            // Maïga's profiling is done; nobody's training yet.
            #expect(numbers(book, CaseQuery(stepDone: "profiling")) == ["GAO-000001"])
            #expect(numbers(book, CaseQuery(stepDone: "training")).isEmpty)
            // Cissé is enrolled in women's AGR and trained there: training done in any plan, but
            // not in a plan of youth entrepreneurship.
            let agr = try #require(F.reference.tracks.plan(track: "women_agr", id: UUID(),
                                                           enrolledOn: CalendarDate(year: 2016, month: 1, day: 1)!))
            try book.store.commit(.enrol(id: book.cisse, plan: agr), as: .anyone("awa"))
            var training = try #require(agr.steps.first { $0.code == "training" })
            training.status = .done
            try book.store.commit(.updateStep(id: book.cisse, plan: agr.id, step: training), as: .anyone("awa"))
            #expect(numbers(book, CaseQuery(stepDone: "training")) == ["GAO-000002"])
            #expect(numbers(book, CaseQuery(track: "youth_entrepreneurship", stepDone: "training")).isEmpty)
            #expect(numbers(book, CaseQuery(track: "women_agr", stepDone: "training")) == ["GAO-000002"])
            // In progress is not done.
            let maiga = try #require(book.book[book.maiga])
            var youthTraining = maiga.plans[0].steps[1]
            youthTraining.status = .inProgress
            try book.store.commit(.updateStep(id: book.maiga, plan: maiga.plans[0].id, step: youthTraining), as: .anyone("awa"))
            #expect(numbers(book, CaseQuery(track: "youth_entrepreneurship", stepDone: "training")).isEmpty)
            youthTraining.status = .done
            try book.store.commit(.updateStep(id: book.maiga, plan: maiga.plans[0].id, step: youthTraining), as: .anyone("awa"))
            #expect(numbers(book, CaseQuery(track: "youth_entrepreneurship", stepDone: "training")) == ["GAO-000001"])
            #expect(CaseQuery(stepDone: "training").filterCount == 1)
        }
    }

    @Test func idleDaysCountFromTheLatestChangeRecorded() throws {
        try withTemporaryDirectory { directory in
            let store = try Store(directory: directory)
            let day = { (month: Int, date: Int) in CalendarDate(year: 2016, month: month, day: date)!.start() }
            // Registered 1 March; a note 10 March. Another registered 1 March, nothing since.
            let noted = UUID(), quiet = UUID()
            try store.commit(.register(id: noted, number: "GAO-000001", profile: F.profile("Maïga", "Aïssata")),
                             as: .anyone("awa"), at: day(3, 1))
            try store.commit(.register(id: quiet, number: "GAO-000002", profile: F.profile("Cissé", "Fatoumata")),
                             as: .anyone("awa"), at: day(3, 1))
            try store.commit(.addNote(id: noted, note: Note(id: UUID(), text: "Visite", by: "awa", at: day(3, 10))),
                             as: .anyone("awa"), at: day(3, 10))
            let numbers = { (query: CaseQuery) in query.filter(store.book).compactMap { store.book[$0]?.number } }
            let march31 = CalendarDate(year: 2016, month: 3, day: 31)!
            #expect(try #require(store.book.digest(noted)).lastActivity == CalendarDate(year: 2016, month: 3, day: 10))
            #expect(numbers(CaseQuery(idleDays: 21, today: march31)) == ["GAO-000001", "GAO-000002"])
            #expect(numbers(CaseQuery(idleDays: 22, today: march31)) == ["GAO-000002"])
            #expect(numbers(CaseQuery(idleDays: 30, today: march31)) == ["GAO-000002"])
            #expect(numbers(CaseQuery(idleDays: 31, today: march31)).isEmpty)
            #expect(numbers(CaseQuery(idleDays: 0, today: march31)).count == 2)
            // Further back than any calendar: no case, and no crash.
            #expect(numbers(CaseQuery(idleDays: Int.max, today: march31)).isEmpty)
            #expect(numbers(CaseQuery(idleDays: 800_000, today: march31)).isEmpty)
        }
    }

    @Test func theSearchFindsTheCommuneAndTheCercleFolded() throws {
        try Self.withBook { book in
            var profile = F.profile("Dicko", "Hama", region: "ML05", cercle: "ML0503")
            profile.commune = "Kona Ségué"
            try F.register(book.store, profile, prefix: "MPT")
            #expect(numbers(book, CaseQuery(search: "segue")) == ["MPT-000001"])
            #expect(numbers(book, CaseQuery(search: "KONA dicko")) == ["MPT-000001"])
            // The cercle's name comes from the gazetteer, given to the query.
            var query = CaseQuery(search: "ANSONGO")
            #expect(numbers(book, query).isEmpty)
            query.cercleNames = F.reference.cercleSearchNames
            #expect(numbers(book, query) == ["GAO-000001"])
            query.search = "djenne hama"  // Djenné
            #expect(numbers(book, query) == ["MPT-000001"])
            query.search = "jenné"  // an alias
            #expect(numbers(book, query) == ["MPT-000001"])
            query.search = "ansongo hama"
            #expect(numbers(book, query).isEmpty)
            #expect(query.withoutFilters.cercleNames == query.cercleNames)
        }
    }

    @Test func placeWorkerAndStatus() throws {
        try Self.withBook { book in
            #expect(numbers(book, CaseQuery(cercle: "ML0701")) == ["GAO-000001"])
            #expect(numbers(book, CaseQuery(region: "ML07")) == ["GAO-000001", "GAO-000002"])
            #expect(numbers(book, CaseQuery(region: "ML06", cercle: "ML0701")).isEmpty)
            #expect(numbers(book, CaseQuery(worker: "AWA TRAORE")) == ["GAO-000001", "GAO-000002"])
            #expect(numbers(book, CaseQuery(worker: "awa")).isEmpty)  // the whole name, not a part
            #expect(numbers(book, CaseQuery(worker: "")) == ["TBK-000001"])  // assigned to nobody
            #expect(numbers(book, CaseQuery(status: .active)) == ["GAO-000001", "TBK-000001"])
            #expect(numbers(book, CaseQuery(status: .registered)) == ["GAO-000002"])
        }
    }

    @Test func filtersCombineWithEachOtherAndWithTheSearch() throws {
        try Self.withBook { book in
            var query = CaseQuery(today: Self.march10)
            query.overdue = true
            #expect(numbers(book, query) == ["GAO-000001", "TBK-000001"])
            query.gap = "documentation"
            #expect(numbers(book, query) == ["GAO-000001"])
            query.search = "toure"
            #expect(numbers(book, query).isEmpty)
            query.search = "aissata"
            #expect(numbers(book, query) == ["GAO-000001"])
            query.track = "durable_solutions"
            #expect(numbers(book, query).isEmpty)
            #expect(query.filterCount == 3)
            #expect(query.hasFilters)

            let cleared = query.withoutFilters
            #expect(!cleared.hasFilters && cleared.search == "aissata" && cleared.today == Self.march10)
            #expect(numbers(book, cleared) == ["GAO-000001"])
            #expect(CaseQuery(today: Self.march1).isEmpty)
            #expect(!CaseQuery(overdue: false).isEmpty)
            #expect(!CaseQuery(worker: "").isEmpty)
        }
    }

    @Test func aCaseMatchedDirectlyAgreesWithItsIndexEntry() throws {
        try Self.withBook { book in
            let criteria = F.reference.tracks.criteria
            let index = book.book
            for entry in index.digests {
                let item = try #require(book.book[entry.id])
                for day in [Self.march1, Self.march10] {
                    #expect(entry.overdueSteps(on: day) == item.overdueSteps(on: day).count)
                    #expect(entry.isOverdue(on: day) == !item.overdueSteps(on: day).isEmpty)
                }
                #expect(Set(entry.gaps) == Set(item.gaps(criteria: criteria)))
            }
            let queries = [
                CaseQuery(overdue: true, today: Self.march1), CaseQuery(gap: "documentation"),
                CaseQuery(search: "maiga", track: "youth_entrepreneurship", stepStatus: .done),
                CaseQuery(region: "ML07", worker: "awa traoré"), CaseQuery(cercle: "ML0701", overdue: false, today: Self.march1),
                CaseQuery(gap: CaseQuery.anyCriterion), CaseQuery(stepDone: "profiling"),
                CaseQuery(track: "durable_solutions", stepDone: "profiling"), CaseQuery(idleDays: 1),
            ]
            for query in queries {
                let direct = try book.book.allCases().filter(query.matches).map(\.id)
                #expect(direct == query.filter(index))
            }
        }
    }

    @Test func updatingAnEntryRefreshesItsFollowUp() throws {
        try Self.withBook { book in
            #expect(CaseQuery(track: "women_agr").filter(book.book).isEmpty)
            let plan = try #require(F.reference.tracks.plan(track: "women_agr", id: UUID(),
                                                             enrolledOn: CalendarDate(year: 2016, month: 1, day: 1)!))
            try book.store.commit(.enrol(id: book.cisse, plan: plan), as: .anyone("awa"))
            let index = book.book
            #expect(CaseQuery(track: "women_agr").filter(index) == [book.cisse])
            #expect(CaseQuery(overdue: true, today: Self.march1).filter(index) == [book.maiga, book.cisse])
            #expect(CaseQuery(status: .active).filter(index).count == 3)
        }
    }

    @Test func filteringAHundredThousandFollowedCasesIsQuick() throws {
        let stamp = Stamp(by: "awa", at: Date())
        let tracks = F.reference.tracks
        let names = ["Maïga", "Touré", "Cissé", "Haïdara", "Dicko", "Diallo", "Traoré", "Kounta"]
        let access: [Access] = [.full, .partial, .none, .unknown]
        // A thousand cases with plans and assessments, repeated: building entries is the index's
        // cost, paid once per change; the filters then compare codes and numbers.
        let distinct = (0..<1_000).map { index -> CaseDigest in
            var item = Case(id: UUID(), number: String(format: "GAO-%06d", index + 1),
                            profile: F.profile(names[index % names.count], "Given \(index)", region: "ML07",
                                               cercle: index % 2 == 0 ? "ML0701" : "ML0703"),
                            status: .active, created: stamp, updated: stamp, version: 1)
            item.profile.assignedTo = ["Awa Traoré", "Moussa Diarra", ""][index % 3]
            let track = tracks.tracks[index % tracks.tracks.count].code
            let enrolled = CalendarDate(year: 2016, month: 1, day: 1)!.adding(days: index % 200)
            item.plans = [tracks.plan(track: track, id: UUID(), enrolledOn: enrolled)!]
            item.assessments = [Assessment(id: UUID(), date: enrolled, assessor: "awa", ratings: Dictionary(
                uniqueKeysWithValues: tracks.criteria.enumerated().map { ($1, Rating(access: access[(index + $0) % access.count])) }))]
            return CaseDigest(item)
        }
        let index = Array((0..<100).map { _ in distinct }.joined())
        #expect(index.count == 100_000)
        let clock = ContinuousClock()
        var query = CaseQuery(track: "youth_entrepreneurship", overdue: true, gap: "documentation",
                              today: CalendarDate(year: 2016, month: 3, day: 1)!)
        var found: [UUID] = []
        let filters = clock.measure { found = query.filter(index) }
        #expect(!found.isEmpty && found.count < 100_000)
        query.search = "toure"
        query.worker = "awa traore"
        var narrower: [UUID] = []
        let withSearch = clock.measure { narrower = query.filter(index) }
        #expect(!narrower.isEmpty && narrower.count < found.count)
        print("Filtering 100 000 entries: track + overdue + gap \(filters) (\(found.count) found); "
              + "with a search and a worker \(withSearch) (\(narrower.count) found)")
    }
}
