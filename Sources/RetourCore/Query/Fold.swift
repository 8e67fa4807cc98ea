/// Folding for search and matching: case, accents, apostrophes and spacing are ignored,
/// so that "maiga" finds "Maïga" and "N’Tillit" matches "n'tillit".
public enum Fold {
    /// Lower case, without diacritics, with every run of spaces, hyphens, dots and underscores
    /// turned into one space, apostrophes unified, trimmed.
    public static func key(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        var pendingSpace = false
        func add(_ scalar: Unicode.Scalar) {
            if scalar.properties.generalCategory == .nonspacingMark { return }
            if scalar.properties.isWhitespace || separators.contains(scalar) {
                pendingSpace = !result.isEmpty
                return
            }
            if pendingSpace {
                result.append(" ")
                pendingSpace = false
            }
            if apostrophes.contains(scalar) {
                result.append("'")
            } else {
                // One scalar at a time: `append(contentsOf:)` costs the length of the result.
                for lower in scalar.properties.lowercaseMapping.unicodeScalars { result.append(lower) }
            }
        }
        // Each scalar is decomposed alone: decomposing a whole text at once costs the square
        // of its length here, and the marks that reordering would move are dropped anyway.
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                add(scalar)
            } else {
                for part in String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars { add(part) }
            }
        }
        return String(result)
    }

    /// Like `key`, with no spaces or apostrophes at all: "Ag Mohamed" = "Agmohamed".
    public static func compact(_ text: String) -> String {
        key(text).filter { $0 != " " && $0 != "'" }
    }

    private static let separators: Set<Unicode.Scalar> = ["-", "_", ".", "\u{2010}", "\u{2013}"]
    private static let apostrophes: Set<Unicode.Scalar> = ["'", "\u{2019}", "\u{2018}", "`", "\u{00B4}", "\u{02BC}"]
}
