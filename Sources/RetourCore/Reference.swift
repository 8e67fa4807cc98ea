import Foundation

/// An administrative place of the gazetteer. Names are matched ignoring case and accents,
/// and usual spellings are listed as aliases (Timbuktu for Tombouctou).
public struct Place: Codable, Hashable, Sendable {
    public let pcode: String
    public let name: String
    public let aliases: [String]

    func matches(folded: String) -> Bool {
        folded == Fold.key(pcode) || folded == Fold.key(name) || aliases.contains { Fold.key($0) == folded }
    }
}

public struct Region: Codable, Hashable, Sendable {
    public let pcode: String
    public let name: String
    /// Prefix of the case numbers registered in this region (`GAO`).
    public let prefix: String
    public let aliases: [String]
    public let cercles: [Place]

    var place: Place { Place(pcode: pcode, name: name, aliases: aliases) }
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

/// Reference data from `Assets/`: the gazetteer and the code lists. Growing it (a region,
/// a cercle, a vulnerability) is a data change.
public struct Reference: Sendable {
    public let regions: [Region]
    public let vulnerabilities: [Vulnerability]
    public let idDocumentTypes: [String]

    public init(regions: [Region], vulnerabilities: [Vulnerability], idDocumentTypes: [String]) {
        self.regions = regions
        self.vulnerabilities = vulnerabilities
        self.idDocumentTypes = idDocumentTypes
    }

    public init(assets: Assets) throws {
        struct GazetteerFile: Decodable { let regions: [Region] }
        struct CodesFile: Decodable {
            let vulnerabilities: [Vulnerability]
            let idDocumentTypes: [String]
        }
        let gazetteer: GazetteerFile = try Reference.load("gazetteer.json", from: assets)
        let codes: CodesFile = try Reference.load("codes.json", from: assets)
        self.init(regions: gazetteer.regions, vulnerabilities: codes.vulnerabilities,
                  idDocumentTypes: codes.idDocumentTypes)
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

    public func isVulnerability(_ code: String) -> Bool {
        vulnerabilities.contains { $0.code == code }
    }

    private static func load<T: Decodable>(_ file: String, from assets: Assets) throws -> T {
        guard let data = try? Data(contentsOf: assets.url(file)) else {
            throw AssetError(file: file, reason: "cannot be read")
        }
        do { return try JSONDecoder().decode(T.self, from: data) } catch {
            throw AssetError(file: file, reason: "is not valid")
        }
    }
}
