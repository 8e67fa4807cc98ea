/// How an import file names tracks: by code (`women_agr`) or by label in French or English
/// (`AGR des femmes`, `Durable solutions`), ignoring case, accents, spaces and underscores.
/// A cell may name several tracks, separated by `|`, `,` or spaces.
public struct TrackNames: Sendable {
    /// Track codes in the reference order.
    public let codes: [String]
    /// Folded code or label → code.
    private let codeByName: [String: String]
    /// Words in the longest name, so that a cell is matched word by word, longest first.
    private let longestName: Int

    public init(tracks: Tracks, catalogs: [Catalog]) {
        var codeByName: [String: String] = [:]
        for track in tracks.tracks {
            codeByName[Fold.key(track.code)] = track.code
            for catalog in catalogs {
                let label = catalog.label("track", track.code)
                if label != "track.\(track.code)" { codeByName[Fold.key(label)] = track.code }
            }
        }
        self.codes = tracks.tracks.map(\.code)
        self.codeByName = codeByName
        longestName = codeByName.keys.map { $0.split(separator: " ").count }.max() ?? 1
    }

    /// The codes a cell names, in the cell's order; empty for an empty cell. A track named
    /// twice, or a word that is no track, is a problem (said without repeating free text:
    /// the cell may hold anything).
    public func parse(_ cell: String) -> Result<[String], Problem> {
        var result: [String] = []
        for segment in cell.split(whereSeparator: { $0 == "|" || $0 == "," }) {
            let words = segment.split(whereSeparator: \.isWhitespace).map(String.init)
            var start = 0
            while start < words.count {
                var found: (code: String, end: Int)?
                for end in stride(from: min(words.count, start + longestName), to: start, by: -1) {
                    if let code = codeByName[Fold.key(words[start..<end].joined(separator: " "))] {
                        found = (code, end)
                        break
                    }
                }
                guard let found else { return .failure(.unknown(words[start], choices: codes)) }
                if result.contains(found.code) { return .failure(.twice(found.code)) }
                result.append(found.code)
                start = found.end
            }
        }
        return .success(result)
    }

    public enum Problem: Error, Hashable, Sendable {
        /// `word` starts no track name.
        case unknown(String, choices: [String])
        case twice(String)

        public var message: Message {
            switch self {
            case .unknown(let word, let choices):
                // Repeat the word only when it reads as a mistyped code: a cell may hold a name.
                let looksLikeCode = word.count <= 40 && word.contains("_")
                    && word.allSatisfy { ($0.isASCII && $0.isLowercase) || $0 == "_" }
                let list = choices.joined(separator: ", ")
                return looksLikeCode
                    ? Message("import.problem.unknownTrack", ["value": word, "choices": list])
                    : Message("import.problem.notATrack", ["choices": list])
            case .twice(let code):
                return Message("import.problem.trackTwice", ["track": code])
            }
        }
    }
}
