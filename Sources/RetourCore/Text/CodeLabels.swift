import Foundation

/// Reads the labels a spreadsheet may hold instead of codes — "Handicap", "Personne âgée",
/// "Carte de réfugié" — for the fields whose pickers show labels: vulnerabilities and the type
/// of identity document. Matching ignores case, accents and a trailing "(…)" ("(60+)").
struct CodeLabels {
    private var vulnerabilities: [String: String] = [:]
    private var documents: [String: String] = [:]
    private let vulnerabilityCodes: Set<String>

    init(reference: Reference, catalogs: [Catalog]) {
        vulnerabilityCodes = Set(reference.vulnerabilities.map(\.code))
        for catalog in catalogs {
            for vulnerability in reference.vulnerabilities {
                for key in CodeLabels.keys(catalog.text("vulnerability.\(vulnerability.code)")) {
                    vulnerabilities[key] = vulnerability.code
                }
            }
            for type in reference.idDocumentTypes {
                for key in CodeLabels.keys(catalog.text("document.\(type)")) { documents[key] = type }
            }
        }
    }

    /// Replaces labels by codes in `draft`; anything else is left for the rules to judge.
    func translate(_ draft: inout ProfileDraft) {
        if !draft[.documentType].isEmpty, let code = documents[Fold.key(draft[.documentType])] { draft[.documentType] = code }
        let cell = draft[.vulnerabilities]
        if cell.isEmpty { return }
        if let code = vulnerabilities[Fold.key(cell)] {
            draft[.vulnerabilities] = code
            return
        }
        let pieces = cell.split(whereSeparator: { $0 == "|" || $0 == "," || $0 == ";" })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let codes = pieces.map { vulnerabilities[Fold.key($0)] ?? (vulnerabilityCodes.contains($0) ? $0 : nil) }
        // Only when every piece is a label or a code; codes separated by spaces stay as they are.
        if !codes.isEmpty, codes.allSatisfy({ $0 != nil }) {
            draft[.vulnerabilities] = codes.compactMap { $0 }.joined(separator: " ")
        }
    }

    /// A label folded, with and without its trailing parenthesis.
    private static func keys(_ label: String) -> [String] {
        var keys = [Fold.key(label)]
        if let open = label.lastIndex(of: "(") {
            keys.append(Fold.key(String(label[..<open])))
        }
        return keys
    }
}

