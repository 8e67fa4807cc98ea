#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Which cases to show: a search text and filters, as the list screen and `retour list` take them.
///
///     let index = SearchIndex(book: store.book)            // once per change of the book
///     var query = CaseQuery(search: "maiga gao", region: "ML07", status: .active)
///     query.track = "youth_entrepreneurship"               // every filter is a plain property
///     query.overdue = true                                 // as of `query.today`
///     let ids = query.filter(index)                        // per keystroke
///
/// The search is folded like every match in Retour (case, accents, apostrophes, spacing:
/// "maiga" finds "Maïga"); each of its words must occur somewhere in the case's number,
/// names, phone or village, in any order. A word of digits also matches the phone's digits
/// without spaces or `+`.
///
/// Filters are nil for "any"; a case must pass every filter that is set, and the search.
/// - `region`, `cercle`: P-codes. `category`, `status`: codes.
/// - `track`: enrolled in this track (a code of `Tracks`).
/// - `stepStatus`: has at least one step, in any plan, in this status.
/// - `overdue`: true keeps the cases with a step overdue on `today` (planned before that day,
///   neither done nor not applicable: `Step.isOverdue`); false keeps those with none.
/// - `gap`: a criterion code whose current access (its latest rating) is none or partial:
///   `Case.gaps(criteria:)`.
/// - `worker`: the case worker, compared folded ("Awa Traoré" = "awa traore"); "" keeps the
///   cases assigned to nobody.
public struct CaseQuery: Hashable, Sendable {
    public var search: String {
        didSet { words = CaseQuery.words(search) }
    }
    /// A region P-code.
    public var region: String?
    /// A cercle P-code.
    public var cercle: String?
    public var category: Category?
    public var status: CaseStatus?
    /// A track code.
    public var track: String?
    public var stepStatus: StepStatus?
    public var overdue: Bool?
    /// A criterion code.
    public var gap: String?
    public var worker: String? {
        didSet { workerKey = worker.map(Fold.key) }
    }
    /// The day `overdue` is decided on.
    public var today: CalendarDate

    /// The folded words of `search`, NUL-terminated for `strstr`.
    private var words: [[CChar]]
    private var workerKey: String?

    public init(search: String = "", region: String? = nil, cercle: String? = nil, category: Category? = nil,
                status: CaseStatus? = nil, track: String? = nil, stepStatus: StepStatus? = nil,
                overdue: Bool? = nil, gap: String? = nil, worker: String? = nil,
                today: CalendarDate = .today()) {
        self.search = search
        self.region = region
        self.cercle = cercle
        self.category = category
        self.status = status
        self.track = track
        self.stepStatus = stepStatus
        self.overdue = overdue
        self.gap = gap
        self.worker = worker
        self.today = today
        words = CaseQuery.words(search)
        workerKey = worker.map(Fold.key)
    }

    /// No search and no filter: every case matches.
    public var isEmpty: Bool { words.isEmpty && !hasFilters }

    /// Whether any filter (not counting the search) is set.
    public var hasFilters: Bool { filterCount > 0 }

    /// How many filters are set (not counting the search).
    public var filterCount: Int {
        let set: [Bool] = [region != nil, cercle != nil, category != nil, status != nil, track != nil,
                           stepStatus != nil, overdue != nil, gap != nil, worker != nil]
        return set.filter { $0 }.count
    }

    /// This query with every filter cleared, the search and `today` kept.
    public var withoutFilters: CaseQuery {
        CaseQuery(search: search, today: today)
    }

    public func matches(_ entry: SearchIndex.Entry) -> Bool {
        if let status, entry.status != status { return false }
        if let category, entry.category != category { return false }
        if let region, entry.region != region { return false }
        if let cercle, entry.cercle != cercle { return false }
        if let stepStatus, !entry.hasStep(in: stepStatus) { return false }
        if let overdue, entry.isOverdue(on: today) != overdue { return false }
        if let track, !entry.tracks.contains(track) { return false }
        if let gap, !entry.gaps.contains(gap) { return false }
        if let workerKey, entry.worker != workerKey { return false }
        guard !words.isEmpty else { return true }
        return entry.text.withUnsafeBufferPointer { text in
            words.allSatisfy { word in
                word.withUnsafeBufferPointer { strstr(text.baseAddress!, $0.baseAddress!) != nil }
            }
        }
    }

    /// Computes `item`'s entry on the spot (its text only when there is a search); for many
    /// cases, build a `SearchIndex` once.
    public func matches(_ item: Case) -> Bool {
        if let region, item.profile.region != region { return false }
        if let category, item.profile.category != category { return false }
        if let status, item.status != status { return false }
        return matches(SearchIndex.Entry(item, foldingText: !words.isEmpty))
    }

    /// The ids of the matching cases, in the index's order.
    public func filter(_ index: SearchIndex) -> [UUID] {
        guard !isEmpty else { return index.entries.map(\.id) }
        return index.entries.compactMap { matches($0) ? $0.id : nil }
    }

    private static func words(_ search: String) -> [[CChar]] {
        Fold.key(search).split(separator: " ").map { SearchIndex.Entry.cString($0) }
    }
}

/// What a `CaseQuery` looks at in each case, computed once so that filtering 100 000 cases
/// compares codes, small numbers and bytes only. Kept in the book's order; `update` after a
/// change to one case.
public struct SearchIndex: Sendable {
    public struct Entry: Sendable {
        public let id: UUID
        public let region: String
        public let cercle: String
        public let category: Category?
        public let status: CaseStatus
        /// The case worker, folded.
        public let worker: String
        /// Codes of the tracks the case is enrolled in.
        public let tracks: [String]
        /// Criteria whose current access is none or partial, in code order.
        public let gaps: [String]
        /// One bit per `StepStatus` (its position in `allCases`) that at least one step is in.
        let stepStatuses: UInt8
        /// Planned dates of the open steps (neither done nor not applicable) as YYYYMMDD,
        /// ascending: overdue on any day is a comparison with the first.
        let openPlanned: [Int32]
        /// Folded number, names, phone and village, separated by newlines (which a folded
        /// query word never holds), NUL-terminated.
        let text: [CChar]

        public init(_ item: Case) {
            self.init(item, foldingText: true)
        }

        /// `foldingText`: false leaves the search text empty (for filters without a search).
        init(_ item: Case, foldingText: Bool) {
            let profile = item.profile
            id = item.id
            region = profile.region
            cercle = profile.cercle
            category = profile.category
            status = item.status
            worker = Fold.key(profile.assignedTo)
            tracks = item.plans.map(\.track)
            var statuses: UInt8 = 0
            var planned: [Int32] = []
            for plan in item.plans {
                for step in plan.steps {
                    statuses |= Entry.bit(step.status)
                    if step.isOpen { planned.append(Entry.dayNumber(step.plannedOn)) }
                }
            }
            stepStatuses = statuses
            openPlanned = planned.sorted()
            if item.assessments.isEmpty {
                gaps = []
            } else {
                let criteria = Set(item.assessments.flatMap(\.ratings.keys)).sorted()
                gaps = item.gaps(criteria: criteria)
            }
            text = foldingText ? Entry.searchText(item) : [0]
        }

        /// Whether a step of the case is in `status`.
        public func hasStep(in status: StepStatus) -> Bool {
            stepStatuses & Entry.bit(status) != 0
        }

        /// Whether a step is overdue on `today`: planned before it and still open.
        public func isOverdue(on today: CalendarDate) -> Bool {
            guard let earliest = openPlanned.first else { return false }
            return earliest < Entry.dayNumber(today)
        }

        /// How many steps are overdue on `today`.
        public func overdueSteps(on today: CalendarDate) -> Int {
            let day = Entry.dayNumber(today)
            var count = 0
            for planned in openPlanned {
                guard planned < day else { break }
                count += 1
            }
            return count
        }

        static func dayNumber(_ date: CalendarDate) -> Int32 {
            Int32(date.year * 10_000 + date.month * 100 + date.day)
        }

        static func bit(_ status: StepStatus) -> UInt8 {
            1 << UInt8(StepStatus.allCases.firstIndex(of: status)!)
        }

        private static func searchText(_ item: Case) -> [CChar] {
            let profile = item.profile
            // One fold for all the fields (folding costs per call and per character); the
            // separator is a control character that folding keeps.
            let folded = Fold.key([item.number, profile.familyName, profile.givenNames, profile.phone, profile.village]
                .joined(separator: "\u{1}")).split(separator: "\u{1}", omittingEmptySubsequences: false)
            func compact(_ text: Substring) -> String { String(text.filter { $0 != " " && $0 != "'" }) }
            var parts = folded.map(String.init)
            if folded.count == 5 {
                // "gao000042" for "GAO-000042", "agmohamedahmed" for "Ag Mohamed Ahmed".
                parts.append(compact(folded[0]))
                parts.append(compact(folded[1]) + compact(folded[2]))
            }
            parts.append(profile.phone.filter { $0.isASCII && $0.isNumber })
            return cString(parts.joined(separator: "\n"))
        }

        static func cString<S: StringProtocol>(_ text: S) -> [CChar] {
            text.utf8.compactMap { $0 == 0 ? nil : CChar(bitPattern: $0) } + [0]
        }
    }

    public private(set) var entries: [Entry]
    private var positions: [UUID: Int]

    public init(book: CaseBook) {
        entries = book.cases.values.map { Entry($0) }
        positions = Dictionary(uniqueKeysWithValues: entries.enumerated().map { ($1.id, $0) })
    }

    init(entries: [Entry]) {
        self.entries = entries
        positions = Dictionary(entries.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Refreshes the entry of `item`, or appends it when it is new.
    public mutating func update(_ item: Case) {
        if let position = positions[item.id] {
            entries[position] = Entry(item)
        } else {
            positions[item.id] = entries.count
            entries.append(Entry(item))
        }
    }
}
