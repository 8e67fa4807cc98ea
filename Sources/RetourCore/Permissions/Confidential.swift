/// What of a case only its worker, the team's supervisors and administrators see.
public enum Confidential {
    /// The vulnerabilities shown to them only.
    public static let vulnerabilities: Set<String> = ["survivor_of_violence"]
    /// What everyone else reads in their place: one code, whatever was withheld.
    public static let placeholder = "confidential"

    /// `codes` with the confidential ones replaced by the placeholder (once).
    static func withheld(_ codes: [String]) -> [String] {
        guard codes.contains(where: vulnerabilities.contains) else { return codes }
        var shown = codes.filter { !vulnerabilities.contains($0) && $0 != placeholder }
        shown.append(placeholder)
        return shown
    }

    /// The codes an edit by someone who did not see them saves: the confidential ones kept as
    /// they were, whatever the form sent back (the placeholder, or nothing).
    static func restored(_ edited: [String], from current: [String]) -> [String] {
        edited.filter { !vulnerabilities.contains($0) && $0 != placeholder } + current.filter(vulnerabilities.contains)
    }
}
