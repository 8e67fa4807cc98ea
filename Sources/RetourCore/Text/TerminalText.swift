/// Text made safe for a terminal: every control character `PlainText` refuses at input is shown
/// as `\u` and four hexadecimal digits (ESC as `\u001b`, U+009B as `\u009b`, U+202E as `\u202e`)
/// instead of being sent. Data written by an older version, by hand or by another site may hold
/// them; every human-readable output goes through here (`Catalog` for every message, `show`,
/// `list`, `check`, `export` to a terminal). The notation is JSON's: JSON printed this way is
/// still JSON, with the same data. Applying it twice changes nothing more.
public enum TerminalText {
    /// What becomes of tabs and line feeds (U+0009, U+000A, U+2028, U+2029), the layout of a
    /// text of several lines. A carriage return is always shown: it lets what follows
    /// overwrite what is shown.
    public enum Layout: Sendable {
        /// Shown like the other controls: a value that must stay on its line and in its column
        /// (a field of `retour list`, of a CSV printed on a terminal).
        case shown
        /// Kept: a page of several lines (`retour show`, JSON).
        case kept
        /// One space each: a message, which is one line.
        case flattened
    }

    public static func visible(_ text: String, layout: Layout = .shown) -> String {
        guard text.unicodeScalars.contains(where: PlainText.isControl) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if !PlainText.isControl(scalar) {
                result.append(scalar)
            } else if PlainText.isLayout(scalar) && layout == .kept {
                result.append(scalar)
            } else if PlainText.isLayout(scalar) && layout == .flattened {
                result.append(" ")
            } else {
                let hex = String(scalar.value, radix: 16)
                result.append(contentsOf: "\\u\(String(repeating: "0", count: max(0, 4 - hex.count)))\(hex)".unicodeScalars)
            }
        }
        return String(result)
    }
}
