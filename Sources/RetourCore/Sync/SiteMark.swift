import Foundation

/// Set when the directory joined a network of sites (`Change.joinSite`): its site code, which
/// numbers the cases registered here from then on (`GAO-A-000042`), so that numbers stay unique
/// across sites without asking the server; and how far it has pulled from the server. Kept by
/// every snapshot, as the demonstration mark is.
public struct SiteMark: Codable, Hashable, Sendable {
    public var code: String
    /// Names this directory to the server, so that another directory cannot take its code.
    public var directory: UUID
    /// The server's global sequence (`SyncOrigin.global`) of the latest change pulled: the
    /// next pull asks for what came after. Moves with the journal, so a pull cut short resumes
    /// from what was really applied.
    public var pulled: Int
    /// The cases in conflict between sites (`Case.isInSiteConflict`): few, and found without
    /// reading every case (the supervisors' list of what waits for them).
    public var conflicts: Set<UUID>

    public init(code: String, directory: UUID, pulled: Int = 0, conflicts: Set<UUID> = []) {
        self.code = code
        self.directory = directory
        self.pulled = pulled
        self.conflicts = conflicts
    }

    private enum CodingKeys: String, CodingKey { case code, directory, pulled, conflicts }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        code = try container.decode(String.self, forKey: .code)
        directory = try container.decode(UUID.self, forKey: .directory)
        pulled = try container.decode(Int.self, forKey: .pulled)
        conflicts = Set(try container.decodeIfPresent([UUID].self, forKey: .conflicts) ?? [])
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(code, forKey: .code)
        try container.encode(directory, forKey: .directory)
        try container.encode(pulled, forKey: .pulled)
        // Sorted, so that the same book writes the same header.
        if !conflicts.isEmpty { try container.encode(conflicts.sorted { $0.uuidString < $1.uuidString }, forKey: .conflicts) }
    }

    /// Upper-case letters, digits and inner hyphens, 2 to 16, starting with a letter (`GAO-A`,
    /// `BKO-COORD`): typed on a command line, printed in case numbers and sent to the server.
    public static func isValidCode(_ code: String) -> Bool {
        let scalars = Array(code.unicodeScalars)
        guard (2...16).contains(scalars.count), let first = scalars.first, ("A"..."Z").contains(first),
              scalars.last != "-", !code.contains("--") else { return false }
        return scalars.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}
