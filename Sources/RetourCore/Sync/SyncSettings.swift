import Foundation

/// What `retour sync` remembers in the data directory after a first sync (`sync.json`, 0600,
/// replaced whole): the server's address, never its password. The site's code is in the
/// journal (`Change.joinSite`), where every session reads it.
public struct SyncSettings: Codable, Equatable, Sendable {
    /// `postgres://user@host:port/database?sslmode=…`, without a password.
    public var server: String
    /// The teams whose cases the site receives, as its administrator set them on the first
    /// sync (by default the teams of its users then); nil for a coordination, which receives
    /// the cases of every team.
    public var teams: [String]?

    public init(server: String, teams: [String]?) {
        self.server = server
        self.teams = teams
    }

    /// The teams of the active users of `users`: a new office's scope.
    public static func teams(of users: Users) -> [String] {
        Array(Set(users.all.filter(\.active).flatMap(\.teams))).sorted()
    }

    public static let fileName = "sync.json"
    static let sizeLimit = 4 << 10
}

extension Store {
    /// The settings of the last sync, nil before the first (or when the file is not one: a
    /// link, a directory, too long, not JSON).
    public func readSyncSettings() -> SyncSettings? {
        let path = file(SyncSettings.fileName)
        guard !disk.isSymbolicLink(path), disk.exists(path), !disk.isDirectory(path),
              let fd = try? disk.open(path, .read, name: SyncSettings.fileName) else { return nil }
        defer { disk.close(fd) }
        guard let size = try? disk.size(fd, name: SyncSettings.fileName), size <= SyncSettings.sizeLimit,
              let bytes = try? disk.read(fd, at: 0, count: size, name: SyncSettings.fileName) else { return nil }
        return try? LineDecoder().decode(SyncSettings.self, from: Data(bytes))
    }

    public func saveSyncSettings(_ settings: SyncSettings) throws {
        if let readOnlyReason { throw readOnlyReason }
        guard settings != readSyncSettings() else { return }
        try writeWhole(try Store.encoder.bytes(settings) + [0x0A], to: SyncSettings.fileName)
    }
}
