import Foundation

/// How an export writes its header and values: as codes, ISO dates and UTC times, for a
/// program or a re-import (the default); or as the screens show them — labels, dates and
/// times of the user's language — for a person reading a spreadsheet (`export --labels`).
public struct ExportWording {
    /// Nil when writing codes.
    private let catalog: Catalog?
    private let timestamp: DateFormatter?
    private let isoTimestamp = ISO8601DateFormatter()

    private init(catalog: Catalog?) {
        self.catalog = catalog
        timestamp = catalog?.dateTimeFormatter()
    }

    public static var codes: ExportWording { ExportWording(catalog: nil) }

    public static func labels(_ catalog: Catalog) -> ExportWording { ExportWording(catalog: catalog) }

    /// A column's name: a profile field by the form's label, any other column by its own.
    func header(_ name: String) -> String {
        guard let catalog else { return name }
        if let field = ProfileField(rawValue: name) { return catalog.text(field.labelKey) }
        return catalog.text("export.column.\(name)")
    }

    /// A code of `kind` (`sex`, `track`, `stepStatus`…) as the screens name it.
    func code(_ kind: String, _ code: String) -> String {
        guard let catalog, !code.isEmpty else { return code }
        return catalog.label(kind, code)
    }

    /// Vulnerabilities: codes joined by `|` (what the importer splits on), labels as the case
    /// screen lists them.
    func vulnerabilities(_ codes: [String]) -> String {
        catalog == nil ? codes.joined(separator: "|") : codes.map { code("vulnerability", $0) }.joined(separator: ", ")
    }

    func date(_ date: CalendarDate?) -> String {
        guard let date else { return "" }
        return catalog?.date(date) ?? date.iso
    }

    func time(_ moment: Date?) -> String {
        guard let moment else { return "" }
        return timestamp?.string(from: moment) ?? isoTimestamp.string(from: moment)
    }

    func yesNo(_ value: Bool) -> String {
        guard let catalog else { return value ? "yes" : "no" }
        return catalog.text(value ? "export.value.yes" : "export.value.no")
    }

    /// What stands for a note the reader may not see.
    var withheldNote: String {
        catalog?.text("tabs.notes.withheld") ?? Confidential.placeholder
    }
}
