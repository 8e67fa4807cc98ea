/// Whether a text typed or imported may be kept: text is data, and a terminal obeys the control
/// characters it is sent (ESC ] 52 writes the clipboard, ESC ] 0 the window title, ESC [ 2 J
/// clears the screen, U+009B starts a command too, U+202E reverses what follows). The one rule
/// for every text that enters: the registration form and the import (`ProfileDraft.parse`), the
/// follow-up forms, `--user`, and `CaseBook.check` as the last guard before the journal.
///
/// Refused: C0 controls (U+0000–U+001F) and DEL (U+007F), C1 controls (U+0080–U+009F), the
/// bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), and the
/// line and paragraph separators (U+2028, U+2029), which break a line as a line feed does. A
/// field of several lines (a note, a reason) takes tabs and line breaks (U+0009, U+000A,
/// U+2028, U+2029); a carriage return is refused everywhere, since it lets what follows
/// overwrite what is shown. Kept: every script, combining marks, ZWJ and ZWNJ (U+200D,
/// U+200C), which Arabic, Persian and emoji need.
public enum PlainText {
    /// What a field may hold besides plain text.
    public enum Lines: Sendable {
        /// A name, a place, a number: no tab, no line break.
        case one
        /// A note, a reason, an outcome: tabs and line feeds allowed.
        case several
    }

    /// The catalogue key of the refusal, said next to the field.
    public static let refusalKey = "invalid.control"

    /// Why `text` cannot be kept in a field of `lines`, or nil when it can.
    public static func problem(in text: String, lines: Lines) -> Message? {
        isAcceptable(text, lines: lines) ? nil : Message(refusalKey)
    }

    public static func isAcceptable(_ text: String, lines: Lines) -> Bool {
        !text.unicodeScalars.contains { isControl($0) && !(lines == .several && isLayout($0)) }
    }

    /// A scalar a terminal may take as a command or that reorders or breaks what is shown.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069, 0x2028, 0x2029: return true
        default: return false
        }
    }

    /// Text pasted into a field of `lines`, made plain: its line breaks (CR LF, CR, LF) and tabs
    /// kept in a text of several lines and made spaces in one; every other control left out,
    /// so that an escape sequence in it shows as the letters it held and does nothing.
    public static func pasted(_ text: String, lines: Lines) -> String {
        var plain = String.UnicodeScalarView()
        var afterReturn = false
        for scalar in text.unicodeScalars {
            defer { afterReturn = scalar == "\r" }
            if scalar == "\n" && afterReturn { continue }
            switch scalar {
            case "\r", "\n": plain.append(lines == .several ? "\n" : " ")
            case "\t": plain.append(lines == .several ? "\t" : " ")
            default: if !isControl(scalar) { plain.append(scalar) }
            }
        }
        return String(plain)
    }

    /// Tab and line feeds: the layout a text of several lines may hold.
    static func isLayout(_ scalar: Unicode.Scalar) -> Bool {
        [0x09, 0x0A, 0x2028, 0x2029].contains(scalar.value)
    }
}
