import Foundation

/// Letters typed over a list jump to the first choice whose label starts with them, as in a file
/// manager or a spreadsheet: letters typed less than `pause` apart make one prefix, a pause
/// starts a new one, and a prefix that no label starts with is tried again from its newest
/// letter alone. The time comes from the caller, so that tests need not wait.
public struct TypeAhead: Hashable, Sendable {
    public static let pause: TimeInterval = 1

    private var typed = ""
    private var last: Date?

    public init() {}

    /// Whether letters are being typed (the last less than `pause` before `time`): a space then
    /// belongs to the prefix ("accès p"), not to the key it is otherwise.
    public func isTyping(at time: Date) -> Bool {
        guard let last, !typed.isEmpty else { return false }
        return time >= last && time.timeIntervalSince(last) < TypeAhead.pause
    }

    /// The index of the first of `labels` that starts with what was typed, both folded with
    /// `fold` (case and accents, say); nil when none does.
    public mutating func find(_ character: Character, at time: Date, in labels: [String],
                              fold: (String) -> String) -> Int? {
        let continues = last.map { time >= $0 && time.timeIntervalSince($0) < TypeAhead.pause } ?? false
        last = time
        let keys = labels.map(fold)
        func first(_ prefix: String) -> Int? {
            let folded = fold(prefix)
            guard !folded.isEmpty else { return nil }
            return keys.firstIndex { $0.hasPrefix(folded) }
        }
        if continues, let index = first(typed + String(character)) {
            typed.append(character)
            return index
        }
        typed = String(character)
        return first(typed)
    }
}
