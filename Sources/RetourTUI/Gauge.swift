/// A bar of characters for a figure: readable without colour, so that a share is seen from
/// the bar's length and read from the figure printed beside it.
///
///     Gauge.bar(0.62, width: 10)                       // "██████░░░░"
///     Gauge.stacked([0.4, 0.35, 0.25], width: 20)      // "████████▓▓▓▓▓▓▓░░░░░"
public enum Gauge {
    /// The glyphs of the parts of a stacked bar, in order; the rest of the width is `empty`.
    public static let parts: [Character] = ["█", "▓", "▒"]
    public static let empty: Character = "░"

    /// `fraction` (0…1, clamped) of `width` cells filled. A fraction above zero fills at least
    /// one cell, so that "a few" never looks like "none".
    public static func bar(_ fraction: Double, width: Int) -> String {
        stacked([fraction], width: width)
    }

    /// Several fractions one after the other (each 0…1, their sum at most 1), each with its
    /// glyph of `parts`; rounded so that the cells add up to the rounded total.
    public static func stacked(_ fractions: [Double], width: Int) -> String {
        guard width > 0 else { return "" }
        var text = ""
        var used = 0
        var cumulative = 0.0
        for (index, raw) in fractions.enumerated() {
            let fraction = raw.isFinite ? min(max(raw, 0), 1) : 0
            cumulative = min(1, cumulative + fraction)
            var end = Int((cumulative * Double(width)).rounded())
            if fraction > 0 && end == used && used < width { end = used + 1 }
            let cells = max(0, min(width, end) - used)
            text += String(repeating: parts[index % parts.count], count: cells)
            used += cells
        }
        return text + String(repeating: empty, count: width - used)
    }
}
