import Foundation
import RetourCore
import RetourTUI

/// What "show me" presses for a lesson, written as words in `Assets/tour.json` (`show`):
///
///     ["list", "/", "type:{search}", "Tab*2", "pick:1", "F2"]
///
/// - a key's name (`Enter`, `Esc`, `Tab`, `BackTab`, `Up`, `Down`, `Left`, `Right`, `Home`,
///   `End`, `Space`, `Backspace`, `F1`…`F12`), or one character (`n`, `/`, `2`), with `*N` to
///   press it N times;
/// - `type:TEXT`: the text, one key per character; `type:@KEY`: the catalogue's text of KEY;
/// - `pick:N`: a choice in a picker: Enter, Home, Down N times, Enter;
/// - `{name}` anywhere: a value of the tour's cast (`GuidedTour.values`), such as `{worker}`;
/// - steps that look at the screen when their turn comes (`TourScript.Step.lazy`): `signout`
///   (F10, when someone is signed in), `signin:worker` or `signin:supervisor` (login, PIN on
///   the sign-in screen), `dismiss` (closes a panel shown at sign-in), `list` (Esc until the
///   list), `case:person` or `case:subject` (that case opened from the list by its number),
///   `step:CODE` (that step selected in the plan), `seek:subject` (the newcomer's request
///   selected among the closures to approve), `tabs` (Tab until every tab was shown),
///   `section:last` (Tab until the dashboard's last section).
struct TourScript {
    enum Step: Equatable {
        case key(Key)
        case lazy(String)
    }

    private(set) var steps: [Step]

    /// The words of `show`, with `values` put in and `catalog` read for `@KEY`.
    init(words: [String], values: [String: String], catalog: Catalog) {
        steps = words.flatMap { TourScript.steps(of: TourScript.fill($0, values), values: values, catalog: catalog) }
    }

    init(steps: [Step]) {
        self.steps = steps
    }

    var isEmpty: Bool { steps.isEmpty }

    mutating func removeFirst() -> Step? {
        steps.isEmpty ? nil : steps.removeFirst()
    }

    mutating func prepend(_ more: [Step]) {
        steps.insert(contentsOf: more, at: 0)
    }

    static func fill(_ word: String, _ values: [String: String]) -> String {
        var result = word
        for (name, value) in values { result = result.replacingOccurrences(of: "{\(name)}", with: value) }
        return result
    }

    static let lazyWords: Set<String> = ["signout", "dismiss", "list", "tabs"]
    static let lazyPrefixes = ["signin:", "case:", "step:", "seek:", "section:"]

    static func steps(of word: String, values: [String: String], catalog: Catalog) -> [Step] {
        if word.hasPrefix("type:") {
            var text = String(word.dropFirst(5))
            if text.hasPrefix("@") { text = fill(catalog.text(String(text.dropFirst())), values) }
            return text.map { .key(.character($0)) }
        }
        if word.hasPrefix("pick:"), let count = Int(word.dropFirst(5)) {
            return [.key(.enter), .key(.home)] + Array(repeating: .key(.down), count: max(0, count)) + [.key(.enter)]
        }
        if lazyWords.contains(word) || lazyPrefixes.contains(where: word.hasPrefix) { return [.lazy(word)] }
        var name = word, times = 1
        if let star = word.lastIndex(of: "*"), word.count > 1, let count = Int(word[word.index(after: star)...]) {
            name = String(word[..<star])
            times = count
        }
        guard let key = key(named: name) else { return [] }
        return Array(repeating: .key(key), count: max(0, times))
    }

    static func key(named name: String) -> Key? {
        switch name {
        case "Enter": return .enter
        case "Esc": return .escape
        case "Tab": return .tab
        case "BackTab": return .backTab
        case "Up": return .up
        case "Down": return .down
        case "Left": return .left
        case "Right": return .right
        case "Home": return .home
        case "End": return .end
        case "Space": return .character(" ")
        case "Backspace": return .backspace
        default:
            if name.count == 1, let character = name.first { return .character(character) }
            if name.hasPrefix("F"), let number = Int(name.dropFirst()), (1...12).contains(number) { return .function(number) }
            return nil
        }
    }

    /// How the box names a key as it is pressed: as the footer names it, from the catalogue
    /// (`key.*`), in the user's language.
    static func label(of key: Key, catalog: Catalog) -> String {
        switch key {
        case .character(" "): return catalog.text("key.space")
        case .character(let character): return String(character)
        case .control(let character): return "^" + String(character).uppercased()
        case .up: return catalog.text("key.up")
        case .down: return catalog.text("key.down")
        case .left: return "←"
        case .right: return "→"
        case .pageUp: return catalog.text("key.pageUp")
        case .pageDown: return catalog.text("key.pageDown")
        case .home: return catalog.text("key.home")
        case .end: return catalog.text("key.end")
        case .enter: return catalog.text("key.enter")
        case .escape: return catalog.text("key.esc")
        case .tab: return catalog.text("key.tab")
        case .backTab: return catalog.text("key.backTab")
        case .backspace: return "⌫"
        case .delete: return catalog.text("tour.key.delete")
        case .function(let number): return "F\(number)"
        }
    }
}
