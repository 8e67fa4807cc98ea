import Foundation

/// An administrative place of the gazetteer. Names are matched ignoring case and accents,
/// and usual spellings are listed as aliases (Timbuktu for Tombouctou).
public struct Place: Decodable, Hashable, Sendable {
    public let pcode: String
    public let name: String
    public let aliases: [String]
    /// P-code, name and aliases, folded once.
    private let keys: Set<String>

    private enum CodingKeys: String, CodingKey { case pcode, name, aliases }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        pcode = try container.decode(String.self, forKey: .pcode)
        name = try container.decode(String.self, forKey: .name)
        aliases = try container.decodeIfPresent([String].self, forKey: .aliases) ?? []
        keys = Set(([pcode, name] + aliases).map(Fold.key))
    }

    func matches(folded: String) -> Bool {
        keys.contains(folded)
    }
}

public struct Region: Decodable, Hashable, Sendable {
    /// The region as a place: its P-code, name and aliases.
    public let place: Place
    /// Prefix of the case numbers registered in this region (`GAO`).
    public let prefix: String
    public let cercles: [Place]

    public var pcode: String { place.pcode }
    public var name: String { place.name }

    private enum CodingKeys: String, CodingKey { case prefix, cercles }

    public init(from decoder: Decoder) throws {
        place = try Place(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        prefix = try container.decode(String.self, forKey: .prefix)
        cercles = try container.decode([Place].self, forKey: .cercles)
    }
}

public struct Vulnerability: Codable, Hashable, Sendable {
    public let code: String
    /// Shown only to those who need it (survivor of violence).
    public let sensitive: Bool

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        code = try container.decode(String.self, forKey: .code)
        sensitive = try container.decodeIfPresent(Bool.self, forKey: .sensitive) ?? false
    }
}

/// Reference data from `Assets/`: the gazetteer, the code lists and the plan templates. Growing it (a region,
/// a cercle, a vulnerability) is a data change.
public struct Reference: Sendable {
    public let regions: [Region]
    public let vulnerabilities: [Vulnerability]
    public let idDocumentTypes: [String]
    /// Plan templates, criteria, services and closure reasons.
    public let tracks: Tracks
    public let settings: Settings
    /// The programme's dates and targets (`Assets/targets.json`); nil for reference data made
    /// in code (tests), which then has no targets to show.
    public let targets: ProgrammeTargets?

    public init(regions: [Region], vulnerabilities: [Vulnerability], idDocumentTypes: [String], tracks: Tracks,
                settings: Settings = Settings(), targets: ProgrammeTargets? = nil) {
        self.regions = regions
        self.vulnerabilities = vulnerabilities
        self.idDocumentTypes = idDocumentTypes
        self.tracks = tracks
        self.settings = settings
        self.targets = targets
    }

    public init(assets: Assets) throws {
        struct GazetteerFile: Decodable { let regions: [Region] }
        struct CodesFile: Decodable {
            let vulnerabilities: [Vulnerability]
            let idDocumentTypes: [String]
        }
        let gazetteer: GazetteerFile = try Reference.load("gazetteer.json", from: assets)
        let codes: CodesFile = try Reference.load("codes.json", from: assets)
        let settings: Settings = try Reference.load("settings.json", from: assets)
        let base = Reference(regions: gazetteer.regions, vulnerabilities: codes.vulnerabilities,
                             idDocumentTypes: codes.idDocumentTypes, tracks: try Tracks(assets: assets), settings: try settings.validated())
        // The targets name tracks and steps: checked against the reference they belong to.
        self.init(regions: base.regions, vulnerabilities: base.vulnerabilities, idDocumentTypes: base.idDocumentTypes,
                  tracks: base.tracks, settings: base.settings, targets: try ProgrammeTargets(assets: assets, reference: base))
    }

    public func region(_ pcode: String) -> Region? {
        regions.first { $0.pcode == pcode }
    }

    public func cercle(_ pcode: String) -> (region: Region, cercle: Place)? {
        for region in regions {
            if let cercle = region.cercles.first(where: { $0.pcode == pcode }) { return (region, cercle) }
        }
        return nil
    }

    /// The region named by a P-code, a name or an alias, ignoring case and accents.
    public func findRegion(_ text: String) -> Region? {
        let folded = Fold.key(text)
        return regions.first { $0.place.matches(folded: folded) }
    }

    /// The cercle of `region` named by a P-code, a name or an alias.
    public func findCercle(_ text: String, in region: Region) -> Place? {
        let folded = Fold.key(text)
        return region.cercles.first { $0.matches(folded: folded) }
    }

    /// The cercle named `text` in any region (to explain a cercle given with the wrong region).
    public func findCercleAnywhere(_ text: String) -> (region: Region, cercle: Place)? {
        let folded = Fold.key(text)
        for region in regions {
            if let cercle = region.cercles.first(where: { $0.matches(folded: folded) }) { return (region, cercle) }
        }
        return nil
    }

    /// Every cercle's folded name and aliases by P-code, for `CaseQuery.cercleNames`.
    public var cercleSearchNames: [String: String] {
        var names: [String: String] = [:]
        for region in regions {
            for cercle in region.cercles { names[cercle.pcode] = ([cercle.name] + cercle.aliases).map(Fold.key).joined(separator: "\n") }
        }
        return names
    }

    public func isVulnerability(_ code: String) -> Bool {
        vulnerabilities.contains { $0.code == code }
    }

    private static func load<T: Decodable>(_ file: String, from assets: Assets) throws -> T {
        guard let data = try? Data(contentsOf: assets.url(file)) else {
            throw AssetError(file: file, reason: "cannot be read")
        }
        do { return try LineDecoder().decode(T.self, from: data) } catch {
            throw AssetError(file: file, reason: "is not valid")
        }
    }
}
