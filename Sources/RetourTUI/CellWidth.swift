import CNCurses
import Foundation

/// Terminal cells taken by text, as the terminal itself counts them (`wcwidth`): é is 1,
/// a combining accent 0, a CJK ideograph 2. Never `String.count`, never UTF-8 bytes.
/// Text is measured, cut and drawn by grapheme cluster (`Character`), never by scalar.
public enum CellWidth {
    /// Cells taken by one grapheme cluster: two for an emoji sequence (`isEmojiSequence`), else
    /// the width of its first scalar, combining marks adding none.
    public static func of(_ character: Character) -> Int {
        TerminalLocale.ensureUTF8()
        guard let first = character.unicodeScalars.first else { return 0 }
        if isControl(first) { return 1 }  // Shown as a replacement.
        if isEmojiSequence(character) { return 2 }
        return scalarWidth(first)
    }

    /// The width `wcwidth` gives one scalar (what curses counts), a non-printable one taking 1.
    static func scalarWidth(_ scalar: Unicode.Scalar) -> Int {
        TerminalLocale.ensureUTF8()
        let width = Int(wcwidth(wchar_t(bitPattern: scalar.value)))
        return width < 0 ? 1 : width
    }

    /// An emoji that terminals draw as one picture two cells wide, though `wcwidth` of its first
    /// scalar may say one: a flag (two regional indicators, 🇲🇱), a symbol with the emoji
    /// variation selector U+FE0F (❤️, 1️⃣), a sequence of emoji joined by ZWJ (👨‍👩‍👧).
    static func isEmojiSequence(_ character: Character) -> Bool {
        // Most clusters are one scalar: answered without building anything.
        let scalars = character.unicodeScalars
        var rest = scalars.makeIterator()
        guard let first = rest.next(), let second = rest.next() else { return false }
        if isRegionalIndicator(first) && isRegionalIndicator(second) { return true }
        guard first.properties.isEmoji else { return false }
        return scalars.contains("\u{FE0F}") || scalars.contains("\u{200D}")
    }

    static func isRegionalIndicator(_ scalar: Unicode.Scalar) -> Bool {
        (0x1F1E6...0x1F1FF).contains(scalar.value)
    }

    /// A control character, drawn as a dot rather than sent: C0 and DEL, C1, the bidirectional
    /// embeddings, overrides and isolates, the line and paragraph separators. The same set as
    /// `PlainText` refuses at input (the toolkit knows nothing of the domain).
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069, 0x2028, 0x2029: return true
        default: return false
        }
    }

    public static func of(_ text: String) -> Int {
        text.reduce(0) { $0 + of($1) }
    }

    /// The longest prefix of `text` that fits in `width` cells, never splitting a wide glyph.
    public static func prefix(_ text: String, fitting width: Int) -> String {
        var used = 0
        var result = ""
        for character in text {
            let cells = of(character)
            if used + cells > width { break }
            used += cells
            result.append(character)
        }
        return result
    }

    /// `text` cut or padded with spaces to exactly `width` cells; an ellipsis marks a cut.
    public static func fit(_ text: String, _ width: Int) -> String {
        guard width > 0 else { return "" }
        let total = of(text)
        if total <= width { return text + String(repeating: " ", count: width - total) }
        let cut = prefix(text, fitting: width - 1) + "…"
        return cut + String(repeating: " ", count: max(0, width - of(cut)))
    }
}

/// The character set of the process. Choosing the interface language is done elsewhere from
/// the environment variables; this only makes sure wide characters work even when the
/// requested locale (say `fr_FR.UTF-8`) is not installed, by falling back to `C.UTF-8`.
public enum TerminalLocale {
    private static let setUp: Bool = {
        if setlocale(LC_ALL, "") == nil || !isUTF8() {
            if setlocale(LC_ALL, "C.UTF-8") == nil { _ = setlocale(LC_ALL, "C.utf8") }
        }
        return true
    }()

    public static func ensureUTF8() {
        _ = setUp
    }

    private static func isUTF8() -> Bool {
        guard let current = setlocale(LC_CTYPE, nil) else { return false }
        let name = String(cString: current).lowercased()
        return name.contains("utf-8") || name.contains("utf8")
    }
}
