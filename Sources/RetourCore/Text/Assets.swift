import Foundation

public struct AssetError: UserFacingError {
    public let file: String
    public let reason: String

    public init(file: String, reason: String) {
        self.file = file
        self.reason = reason
    }

    public var message: Message { Message("error.asset", ["file": file, "reason": reason]) }

    /// The one text not taken from `Assets/`: when they cannot be read there is no catalogue
    /// to say it with, so it is said in English and French at once.
    public var untranslated: String {
        let file = TerminalText.visible(self.file)
        switch reason {
        case Self.notFound:
            return "Retour's Assets folder (translations, places, codes) was not found: set RETOUR_ASSETS to it. / "
                + "Le dossier Assets de Retour (traductions, lieux, codes) est introuvable\u{a0}: indiquez-le par RETOUR_ASSETS."
        case Self.notAssets:
            return "RETOUR_ASSETS=\(file) is not Retour's Assets folder (translations, places, codes). / "
                + "RETOUR_ASSETS=\(file) n'est pas le dossier Assets de Retour (traductions, lieux, codes)."
        default:
            return "Retour's Assets: \(file) \(TerminalText.visible(reason))."
        }
    }

    static let notFound = "not found; set RETOUR_ASSETS"
    static let notAssets = "is not an Assets directory"
}

/// The `Assets/` directory: locales, gazetteer, codes. Found from any working directory:
/// `RETOUR_ASSETS` if set, else the nearest `Assets/` above the executable (a build folder
/// inside the checkout), else `share/retour/Assets` beside an installed binary, else the
/// checkout this file was compiled from.
public struct Assets: Sendable {
    public let root: URL

    public init(root: URL) {
        self.root = root
    }

    public func url(_ relativePath: String) -> URL {
        root.appendingPathComponent(relativePath)
    }

    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Assets {
        if let explicit = environment["RETOUR_ASSETS"], !explicit.isEmpty {
            let root = URL(fileURLWithPath: explicit)
            guard isAssets(root) else { throw AssetError(file: explicit, reason: AssetError.notAssets) }
            return Assets(root: root)
        }
        for candidate in candidates() where isAssets(candidate) {
            return Assets(root: candidate)
        }
        throw AssetError(file: "Assets", reason: AssetError.notFound)
    }

    static func candidates() -> [URL] {
        var result: [URL] = []
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        var directory = executable.deletingLastPathComponent()
        result.append(directory.appendingPathComponent("../share/retour/Assets").standardizedFileURL)
        while directory.path != "/" && !directory.path.isEmpty {
            result.append(directory.appendingPathComponent("Assets"))
            directory = directory.deletingLastPathComponent()
        }
        let source = URL(fileURLWithPath: #filePath)
        result.append(source.deletingLastPathComponent().appendingPathComponent("../../../Assets").standardizedFileURL)
        return result
    }

    static func isAssets(_ url: URL) -> Bool {
        FileManager.default.fileExists(atPath: url.appendingPathComponent("locales/en").path)
            && FileManager.default.fileExists(atPath: url.appendingPathComponent("gazetteer.json").path)
    }
}
