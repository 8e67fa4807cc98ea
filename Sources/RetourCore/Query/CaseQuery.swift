#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Which cases to show: a search text and filters, as the list screen and `retour list` take them.
///
///     var query = CaseQuery(search: "maiga gao", region: "ML07", status: .active)
///     query.track = "youth_entrepreneurship"               // every filter is a plain property
///     query.overdue = true                                 // as of `query.today`
///     let ids = query.filter(store.book)                   // per keystroke: digests only
///
/// The search is folded like every match in Retour (case, accents, apostrophes, spacing:
/// "maiga" finds "Maïga"); each of its words must occur somewhere in the case's number,
/// names, phone, village or commune, or in the name of its cercle (given `cercleNames`), in
/// any order. A word of digits also matches the phone's digits without spaces or `+`.
///
/// Filters are nil for "any"; a case must pass every filter that is set, and the search.
/// - `region`, `cercle`: P-codes. `category`, `status`: codes.
/// - `track`: enrolled in this track (a code of `Tracks`).
/// - `stepStatus`: has at least one step, in any plan, in this status.
/// - An enrolment withdrawn as a mistake counts for none of `track`, `stepStatus`, `overdue`
///   (`Case.activePlans`: the digest leaves it out).
/// - `overdue`: true keeps the cases with a step overdue on `today` (planned before that day,
///   neither done nor not applicable: `Step.isOverdue`); false keeps those with none.
/// - `gap`: a criterion code whose current access (its latest rating) is none or partial:
///   `Case.gaps(criteria:)`; `CaseQuery.anyCriterion` keeps the cases with such a gap on at
///   least one criterion.
/// - `stepDone`: a step code (`training`) done, in any plan; with `track` set, done in a plan
///   of that track ("youth trained": track `youth_entrepreneurship`, step `training`).
/// - `idleDays`: nothing recorded on the case (no change, note or step) for that many days or
///   more: its latest change is on or before `today` minus `idleDays` days. 0 keeps every case.
/// - `worker`: the case worker, compared folded ("Awa Traoré" = "awa traore"); "" keeps the
///   cases assigned to nobody.
/// - `figure`: the cases behind a figure of the dashboard (`FigureFilter`), under its name.
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
    /// A criterion code, or `CaseQuery.anyCriterion`.
    public var gap: String?
    /// A step code.
    public var stepDone: String?
    /// Days without anything recorded.
    public var idleDays: Int? {
        didSet { idleBefore = CaseQuery.idleBefore(idleDays, today) }
    }
    public var worker: String? {
        didSet { workerKey = worker.map(Fold.key) }
    }
    public var figure: NamedFigure?
    /// The day `overdue` and `idleDays` are decided on.
    public var today: CalendarDate {
        didSet { idleBefore = CaseQuery.idleBefore(idleDays, today) }
    }
    /// Folded names and aliases of the gazetteer's cercles by P-code (`Reference.cercleSearchNames`):
    /// set, a search word also finds the cases of a cercle whose name holds it.
    public var cercleNames: [String: String] = [:] {
        didSet { wordCercles = CaseQuery.wordCercles(words, cercleNames) }
    }

    /// The value of `gap` that means a gap on any criterion.
    public static let anyCriterion = "*"

    /// The folded words of `search`, NUL-terminated for `strstr`.
    private var words: [[CChar]] {
        didSet { wordCercles = CaseQuery.wordCercles(words, cercleNames) }
    }
    /// For each word, the cercles whose name holds it (a few codes, compared per case only
    /// when the word is not in the case's own text).
    private var wordCercles: [[String]] = []
    /// `idleDays` as the instant a case's latest change must precede, computed once per query.
    private var idleBefore: Int64?
    private var workerKey: String?

    public init(search: String = "", region: String? = nil, cercle: String? = nil, category: Category? = nil,
                status: CaseStatus? = nil, track: String? = nil, stepStatus: StepStatus? = nil,
                overdue: Bool? = nil, gap: String? = nil, stepDone: String? = nil, idleDays: Int? = nil,
                worker: String? = nil, today: CalendarDate = .today()) {
        self.search = search
        self.region = region
        self.cercle = cercle
        self.category = category
        self.status = status
        self.track = track
        self.stepStatus = stepStatus
        self.overdue = overdue
        self.gap = gap
        self.stepDone = stepDone
        self.idleDays = idleDays
        self.worker = worker
        self.today = today
        words = CaseQuery.words(search)
        wordCercles = CaseQuery.wordCercles(words, [:])
        idleBefore = CaseQuery.idleBefore(idleDays, today)
        workerKey = worker.map(Fold.key)
    }

    /// No search and no filter: every case matches.
    public var isEmpty: Bool { words.isEmpty && !hasFilters }

    /// Whether any filter (not counting the search) is set.
    public var hasFilters: Bool { filterCount > 0 }

    /// How many filters are set (not counting the search).
    public var filterCount: Int {
        let set: [Bool] = [region != nil, cercle != nil, category != nil, status != nil, track != nil,
                           stepStatus != nil, overdue != nil, gap != nil, stepDone != nil, idleDays != nil,
                           worker != nil, figure != nil]
        return set.filter { $0 }.count
    }

    /// This query with every filter cleared, the search, `today` and `cercleNames` kept.
    public var withoutFilters: CaseQuery {
        var query = CaseQuery(search: search, today: today)
        query.cercleNames = cercleNames
        return query
    }

    /// Filtering 100 000 cases compares codes, small numbers and bytes of their digests only.
    public func matches(_ entry: CaseDigest) -> Bool {
        withUnsafePointer(to: entry) { matches($0) }
    }

    /// Reads the digest where it lies: a digest holds a `UUID`, whose layout Foundation keeps
    /// private, so passing one by value copies it field by field.
    private func matches(_ entry: UnsafePointer<CaseDigest>) -> Bool {
        if let status, entry.pointee.status != status { return false }
        if let category, entry.pointee.category != category { return false }
        if let region, entry.pointee.region != region { return false }
        if let cercle, entry.pointee.cercle != cercle { return false }
        if let stepStatus, !entry.pointee.hasStep(in: stepStatus) { return false }
        if let overdue, entry.pointee.isOverdue(on: today) != overdue { return false }
        if let track, !entry.pointee.tracks.contains(track) { return false }
        if let gap, gap == CaseQuery.anyCriterion ? entry.pointee.gaps.isEmpty : !entry.pointee.gaps.contains(gap) {
            return false
        }
        if let stepDone, !entry.pointee.hasDone(step: stepDone, track: track) { return false }
        if let idleBefore, entry.pointee.lastActivityAt >= idleBefore { return false }
        if let workerKey, entry.pointee.worker != workerKey { return false }
        if let figure, !figure.filter.matches(entry.pointee) { return false }
        guard !words.isEmpty else { return true }
        return entry.pointee.text.withUnsafeBufferPointer { text in
            words.indices.allSatisfy { index in
                words[index].withUnsafeBufferPointer { strstr(text.baseAddress!, $0.baseAddress!) != nil }
                    || (!wordCercles[index].isEmpty && wordCercles[index].contains(entry.pointee.cercle))
            }
        }
    }

    public func matches(_ item: Case) -> Bool {
        matches(CaseDigest(item))
    }

    /// The ids of the matching cases, in the book's order.
    public func filter(_ book: CaseBook) -> [UUID] {
        filter(book.digests)
    }

    public func filter(_ digests: [CaseDigest]) -> [UUID] {
        positions(in: digests).map { digests[$0].id }
    }

    /// Positions in `digests` of the cases this query matches, in order. The one loop every
    /// keystroke runs: it reads the digests in place (copying 100 000 digests would cost more
    /// than comparing them).
    public func positions(in digests: [CaseDigest]) -> [Int] {
        guard !isEmpty else { return Array(digests.indices) }
        return digests.withUnsafeBufferPointer { buffer in
            var found: [Int] = []
            guard let first = buffer.baseAddress else { return found }
            for index in buffer.indices where matches(first + index) { found.append(index) }
            return found
        }
    }

    private static func words(_ search: String) -> [[CChar]] {
        Fold.key(search).split(separator: " ").map { CaseDigest.cString($0) }
    }

    private static func idleBefore(_ days: Int?, _ today: CalendarDate) -> Int64? {
        days.map { CaseDigest.idleBefore(days: $0, on: today) }
    }

    private static func wordCercles(_ words: [[CChar]], _ names: [String: String]) -> [[String]] {
        words.map { word in
            let text = String(decoding: word.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return names.filter { $0.value.contains(text) }.map(\.key).sorted()
        }
    }
}

/// The cases behind one figure of the dashboard, and what the list calls them
/// ("Youth trained (target)", "Gao · returned IDPs").
public struct NamedFigure: Hashable, Sendable {
    public let name: String
    public let filter: FigureFilter

    public init(name: String, filter: FigureFilter) {
        self.name = name
        self.filter = filter
    }
}
