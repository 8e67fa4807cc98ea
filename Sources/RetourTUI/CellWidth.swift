import CNCurses
import Foundation

/// Terminal cells taken by text, as the terminal itself counts them (`wcwidth`): é is 1,
/// a combining accent 0, a CJK ideograph 2. Never `String.count`, never UTF-8 bytes.
public enum CellWidth {
    /// Cells taken by one grapheme: the width of its first scalar, combining marks adding none.
    public static func of(_ character: Character) -> Int {
        TerminalLocale.ensureUTF8()
        guard let first = character.unicodeScalars.first else { return 0 }
        if first.value < 0x20 || first.value == 0x7F { return 1 }  // Shown as a replacement.
        let width = Int(wcwidth(wchar_t(bitPattern: first.value)))
        return width < 0 ? 1 : width
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
