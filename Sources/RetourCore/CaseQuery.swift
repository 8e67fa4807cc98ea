#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Which cases to show: a search text and filters, as the list screen and `retour list` take them.
///
///     let index = SearchIndex(book: store.book)            // once per change of the book
///     let query = CaseQuery(search: "maiga gao", region: "ML07", status: .registered)
///     let ids = query.filter(index)                        // per keystroke
///
/// The search is folded like every match in Retour (case, accents, apostrophes, spacing:
/// "maiga" finds "Maïga"); each of its words must occur somewhere in the case's number,
/// names, phone or village, in any order. A word of digits also matches the phone's digits
/// without spaces or `+`. Filters compare codes: region P-code, category, status.
public struct CaseQuery: Hashable, Sendable {
    public let search: String
    /// A region P-code.
    public let region: String?
    public let category: Category?
    public let status: CaseStatus?
    /// The folded words of `search`, NUL-terminated for `strstr`.
    private let words: [[CChar]]

    public init(search: String = "", region: String? = nil, category: Category? = nil, status: CaseStatus? = nil) {
        self.search = search
        self.region = region
        self.category = category
        self.status = status
        words = Fold.key(search).split(separator: " ").map { SearchIndex.Entry.cString($0) }
    }

    /// No search and no filter: every case matches.
    public var isEmpty: Bool { words.isEmpty && region == nil && category == nil && status == nil }

    public func matches(_ entry: SearchIndex.Entry) -> Bool {
        if let region, entry.region != region { return false }
        if let category, entry.category != category { return false }
        if let status, entry.status != status { return false }
        guard !words.isEmpty else { return true }
        return entry.text.withUnsafeBufferPointer { text in
            words.allSatisfy { word in
                word.withUnsafeBufferPointer { strstr(text.baseAddress!, $0.baseAddress!) != nil }
            }
        }
    }

    /// Folds `item` on the spot (only when there is a search); for many cases, build a
    /// `SearchIndex` once.
    public func matches(_ item: Case) -> Bool {
        if let region, item.profile.region != region { return false }
        if let category, item.profile.category != category { return false }
        if let status, item.status != status { return false }
        return words.isEmpty || matches(SearchIndex.Entry(item))
    }

    /// The ids of the matching cases, in the index's order.
    public func filter(_ index: SearchIndex) -> [UUID] {
        guard !isEmpty else { return index.entries.map(\.id) }
        return index.entries.compactMap { matches($0) ? $0.id : nil }
    }
}

/// What a `CaseQuery` looks at in each case, folded once so that filtering 100 000 cases
/// scans bytes only. Kept in the book's order; `update` after a change to one case.
public struct SearchIndex: Sendable {
    public struct Entry: Sendable {
        public let id: UUID
        public let region: String
        public let category: Category?
        public let status: CaseStatus
        /// Folded number, names, phone and village, separated by newlines (which a folded
        /// query word never holds), NUL-terminated.
        let text: [CChar]

        public init(_ item: Case) {
            id = item.id
            region = item.profile.region
            category = item.profile.category
            status = item.status
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
            text = Entry.cString(parts.joined(separator: "\n"))
        }

        static func cString<S: StringProtocol>(_ text: S) -> [CChar] {
            text.utf8.compactMap { $0 == 0 ? nil : CChar(bitPattern: $0) } + [0]
        }
    }

    public private(set) var entries: [Entry]
    private var positions: [UUID: Int]

    public init(book: CaseBook) {
        entries = book.cases.values.map(Entry.init)
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
