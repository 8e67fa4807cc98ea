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
                // What `add` does, without the Unicode property lookups: an import folds every cell.
                let value = scalar.value
                if value == 0x20 || (0x09...0x0D).contains(value) || value == 0x2D || value == 0x5F || value == 0x2E {
                    pendingSpace = !result.isEmpty
                    continue
                }
                if pendingSpace {
                    result.append(" ")
                    pendingSpace = false
                }
                if value == 0x27 || value == 0x60 {
                    result.append("'")
                } else if (0x41...0x5A).contains(value) {
                    result.append(Unicode.Scalar(UInt8(value + 0x20)))
                } else {
                    result.append(scalar)
                }
            } else if let parts = latin[scalar] {
                for part in parts { add(part) }
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

    /// The canonical decompositions of the Latin letters with accents (U+00C0–U+024F), made
    /// once: names in French, Fulfulde or Tamasheq spelling are mostly these.
    private static let latin: [Unicode.Scalar: [Unicode.Scalar]] = {
        var table: [Unicode.Scalar: [Unicode.Scalar]] = [:]
        for value in UInt32(0xC0)...0x24F {
            guard let scalar = Unicode.Scalar(value) else { continue }
            table[scalar] = Array(String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars)
        }
        return table
    }()

    private static let separators: Set<Unicode.Scalar> = ["-", "_", ".", "\u{2010}", "\u{2013}"]
    private static let apostrophes: Set<Unicode.Scalar> = ["'", "\u{2019}", "\u{2018}", "`", "\u{00B4}", "\u{02BC}"]
}
