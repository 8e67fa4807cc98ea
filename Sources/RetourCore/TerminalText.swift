/// Text made safe for a terminal: every control character `PlainText` refuses at input is shown
/// as `\u` and four hexadecimal digits (ESC as `\u001b`, U+009B as `\u009b`, U+202E as `\u202e`)
/// instead of being sent. Data written by an older version, by hand or by another site may hold
/// them; every human-readable output goes through here (`Catalog` for every message, `show`,
/// `list`, `check`, `export` to a terminal). The notation is JSON's: JSON printed this way is
/// still JSON, with the same data. Applying it twice changes nothing more.
public enum TerminalText {
    /// `text` with its controls shown; `keepingLayout` keeps tabs and line feeds as they are
    /// (a whole page of text such as `retour show`), never a carriage return.
    public static func visible(_ text: String, keepingLayout: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: PlainText.isControl) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if !PlainText.isControl(scalar) || (keepingLayout && PlainText.isLayout(scalar)) {
                result.append(scalar)
                continue
            }
            let hex = String(scalar.value, radix: 16)
            result.append(contentsOf: "\\u\(String(repeating: "0", count: max(0, 4 - hex.count)))\(hex)".unicodeScalars)
        }
        return String(result)
    }
}
