/// Texts a terminal would obey, as a public form or a hand-edited file may bring them: each
/// must be refused at input and never reach a terminal raw.
public enum HostileText {
    /// A name holding each sequence, with a label for test messages.
    public static let names: [(label: String, text: String)] = [
        ("OSC 52 (writes the clipboard)", "Ami\u{1b}]52;c;SGVsbG8=\u{07}nata"),
        ("OSC 0 (window title)", "\u{1b}]0;pwned\u{07}Maïga"),
        ("CSI 2J (clears the screen)", "Maïga\u{1b}[2J"),
        ("C1 CSI", "Ma\u{9b}31mïga"),
        ("NUL", "Ma\u{0}ïga"),
        ("BS", "Maïga\u{8}\u{8}XY"),
        ("CR", "Maïga\rTouré"),
        ("RLO (bidi override)", "\u{202e}agïaM"),
    ]

    /// The scalars of `text` a terminal would take as commands or that reorder what follows;
    /// tabs and line feeds, the layout of an output, are allowed when `layout` says so.
    /// Written out here rather than taken from the code under test.
    public static func rawControls(in text: String, layout: Bool = true) -> [Unicode.Scalar] {
        text.unicodeScalars.filter { scalar in
            if layout && (scalar == "\n" || scalar == "\t") { return false }
            switch scalar.value {
            case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: return true
            default: return false
            }
        }
    }
}
