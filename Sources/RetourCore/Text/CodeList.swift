import Foundation

/// The codes a spreadsheet, a filter or a file may hold, each with its label in one language:
/// what `retour codes` lists. Built from the reference data and the catalogue only, so a new
/// region, track or service in `Assets/` shows here without a change of code.
///
/// ```swift
/// let list = CodeList(reference: reference, catalog: catalog)
/// list.entries.first   // Entry(kind: "region", code: "ML06", label: "Tombouctou", parent: nil)
/// print(list.text())   // one section per kind, then per region (cercles) and per track (steps)
/// ```
public struct CodeList: Sendable {
    public struct Entry: Hashable, Sendable {
        /// What the code names: `region`, `cercle`, `sex`, `track`, `step`, `criterion`…
        public let kind: String
        public let code: String
        public let label: String
        /// The region of a cercle, the track of a step (their codes); nil for the others.
        public let parent: String?
    }

    /// In the order of the text: where a person lives, who they are, then the follow-up.
    public static let kinds = [
        "region", "cercle", "sex", "category", "status", "vulnerability", "document", "relationship", "track", "step",
        "stepStatus", "criterion", "access", "service", "referralStatus", "closureReason",
    ]

    public let entries: [Entry]
    private let catalog: Catalog
    private let reference: Reference

    public init(reference: Reference, catalog: Catalog) {
        self.reference = reference
        self.catalog = catalog
        func labelled(_ kind: String, _ codes: [String]) -> [Entry] {
            codes.map { Entry(kind: kind, code: $0, label: catalog.label(kind, $0), parent: nil) }
        }
        let tracks = reference.tracks
        var entries = reference.regions.map { Entry(kind: "region", code: $0.pcode, label: $0.name, parent: nil) }
        for region in reference.regions {
            entries += region.cercles.map { Entry(kind: "cercle", code: $0.pcode, label: $0.name, parent: region.pcode) }
        }
        entries += labelled("sex", Sex.allCases.map(\.rawValue))
        entries += labelled("category", Category.allCases.map(\.rawValue))
        entries += labelled("status", CaseStatus.allCases.map(\.rawValue))
        entries += labelled("vulnerability", reference.vulnerabilities.map(\.code))
        entries += labelled("document", reference.idDocumentTypes)
        entries += labelled("relationship", Relationship.allCases.map(\.rawValue))
        entries += labelled("track", tracks.tracks.map(\.code))
        for track in tracks.tracks {
            entries += track.steps.map { Entry(kind: "step", code: $0.code, label: catalog.label("step", $0.code), parent: track.code) }
        }
        entries += labelled("stepStatus", StepStatus.allCases.map(\.rawValue))
        entries += labelled("criterion", tracks.criteria)
        entries += labelled("access", Access.allCases.map(\.rawValue))
        entries += labelled("service", tracks.services)
        entries += labelled("referralStatus", ReferralStatus.allCases.map(\.rawValue))
        entries += labelled("closureReason", tracks.closureReasons)
        self.entries = entries
    }

    /// For a person: a line of introduction, then one titled section per kind (per region for
    /// the cercles, per track for the steps), one `code  label` line per code. Every value is
    /// shown, never sent, to the terminal.
    public func text() -> String {
        var sections: [(title: String, entries: [Entry])] = []
        for kind in CodeList.kinds {
            let ofKind = entries.filter { $0.kind == kind }
            var parents: [String?] = []
            for entry in ofKind where !parents.contains(entry.parent) { parents.append(entry.parent) }
            for parent in parents {
                sections.append((title(kind, parent: parent), ofKind.filter { $0.parent == parent }))
            }
        }
        var lines = [catalog.text("codes.intro")]
        for section in sections {
            lines.append("")
            lines.append(section.title)
            let width = section.entries.map(\.code.count).max() ?? 0
            for entry in section.entries {
                let code = TerminalText.visible(entry.code)
                lines.append("  " + code + String(repeating: " ", count: width - entry.code.count + 2)
                             + TerminalText.visible(entry.label))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func title(_ kind: String, parent: String?) -> String {
        switch kind {
        case "cercle":
            let region = parent.flatMap(reference.region)?.name ?? parent ?? ""
            return catalog.text("codes.kind.cercle", ["region": region])
        case "step":
            return catalog.text("codes.kind.step", ["track": catalog.label("track", parent ?? ""), "code": parent ?? ""])
        default:
            return catalog.text("codes.kind.\(kind)")
        }
    }

    /// One row per code (`kind`, `code`, `label`, `parent`), as an export writes a table.
    public func csv(separator: Character) -> Data {
        let rows = entries.map { [$0.kind, $0.code, $0.label, $0.parent ?? ""].map(CSVExport.guarded) }
        return CSVText.encode([["kind", "code", "label", "parent"]] + rows, separator: separator, byteOrderMark: true)
    }

    /// A JSON array, one object per code and per line (sorted keys; `parent` only when there is one).
    public func json() throws -> Data {
        var text = "["
        for (index, entry) in entries.enumerated() {
            var object = ["kind": entry.kind, "code": entry.code, "label": entry.label]
            if let parent = entry.parent { object["parent"] = parent }
            let line = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            text += (index == 0 ? "\n" : ",\n") + String(decoding: line, as: UTF8.self)
        }
        text += entries.isEmpty ? "]\n" : "\n]\n"
        return Data(text.utf8)
    }
}
