import Foundation

/// The programme's settings, from `Assets/settings.json`: changing one is a data change.
public struct Settings: Codable, Sendable, Equatable {
    /// A case with no change, note or step recorded for this many days has had "no contact"
    /// (the supervisors' caseload).
    public var noContactDays: Int
    /// Counts below this (from 1) are shown as `<N` in reports for partners, so that nobody
    /// can be singled out.
    public var smallCountThreshold: Int

    public init(noContactDays: Int = 60, smallCountThreshold: Int = 5) {
        self.noContactDays = noContactDays
        self.smallCountThreshold = smallCountThreshold
    }

    /// Refuses values that would make the figures meaningless.
    func validated() throws -> Settings {
        guard (1...3650).contains(noContactDays) else { throw AssetError(file: "settings.json", reason: "noContactDays must be 1 to 3650") }
        guard (1...100).contains(smallCountThreshold) else {
            throw AssetError(file: "settings.json", reason: "smallCountThreshold must be 1 to 100")
        }
        return self
    }
}
