/// How a cell looks. Meaning is always carried by text or attributes (bold, reverse,
/// underline) first; `color` only adds to it where the terminal has colours, so every screen
/// reads the same in monochrome (`TERM=vt100`, `NO_COLOR`).
public struct Style: Hashable, Sendable {
    public enum Color: Int, Sendable, CaseIterable {
        case accent = 1, error, warning, success, muted
    }

    public var bold = false
    public var reverse = false
    public var underline = false
    public var dim = false
    public var color: Color?

    public init(bold: Bool = false, reverse: Bool = false, underline: Bool = false, dim: Bool = false, color: Color? = nil) {
        self.bold = bold
        self.reverse = reverse
        self.underline = underline
        self.dim = dim
        self.color = color
    }

    public static let plain = Style()
    public static let bold = Style(bold: true)
    public static let title = Style(bold: true, color: .accent)
    public static let header = Style(bold: true, underline: true)
    public static let selected = Style(reverse: true)
    public static let bar = Style(reverse: true)
    public static let key = Style(bold: true)
    public static let error = Style(bold: true, color: .error)
    public static let warning = Style(bold: true, color: .warning)
    public static let success = Style(color: .success)
    public static let muted = Style(dim: true, color: .muted)
    public static let field = Style(underline: true)
}
