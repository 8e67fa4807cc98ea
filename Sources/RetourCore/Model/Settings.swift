import Foundation

/// The programme's settings, from `Assets/settings.json`: changing one is a data change.
public struct Settings: Codable, Sendable, Equatable {
    /// A case with no change, note or step recorded for this many days has had "no contact"
    /// (the supervisors' caseload).
    public var noContactDays: Int
    /// Counts below this (from 1) are shown as `<N` in reports for partners, so that nobody
    /// can be singled out.
    public var smallCountThreshold: Int
    /// When the journal grows past this many megabytes (2²⁰ bytes each),
    /// whoever commits folds it into a new snapshot, other sessions still open
    /// (`Store.compactionThreshold`); the last session to close always does.
    public var compactionThresholdMB: Int

    public init(noContactDays: Int = 60, smallCountThreshold: Int = 5, compactionThresholdMB: Int = 64) {
        self.noContactDays = noContactDays
        self.smallCountThreshold = smallCountThreshold
        self.compactionThresholdMB = compactionThresholdMB
    }

    private enum CodingKeys: String, CodingKey {
        case noContactDays, smallCountThreshold, compactionThresholdMB
    }

    /// A settings file written before a setting existed gets its default.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = Settings()
        noContactDays = try container.decodeIfPresent(Int.self, forKey: .noContactDays) ?? defaults.noContactDays
        smallCountThreshold = try container.decodeIfPresent(Int.self, forKey: .smallCountThreshold) ?? defaults.smallCountThreshold
        compactionThresholdMB = try container.decodeIfPresent(Int.self, forKey: .compactionThresholdMB)
            ?? defaults.compactionThresholdMB
    }

    /// `compactionThresholdMB` in bytes.
    public var compactionThresholdBytes: Int { compactionThresholdMB << 20 }

    /// Refuses values that would make the figures meaningless.
    func validated() throws -> Settings {
        guard (1...3650).contains(noContactDays) else { throw AssetError(file: "settings.json", reason: "noContactDays must be 1 to 3650") }
        guard (1...100).contains(smallCountThreshold) else {
            throw AssetError(file: "settings.json", reason: "smallCountThreshold must be 1 to 100")
        }
        guard (1...4096).contains(compactionThresholdMB) else {
            throw AssetError(file: "settings.json", reason: "compactionThresholdMB must be 1 to 4096")
        }
        return self
    }
}
