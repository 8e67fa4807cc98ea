import ArgumentParser
import Foundation
import RetourCore

/// `retour show NUMBER`: one case's profile, one labelled line per filled field, in the
/// interface language; or the case as stored, with `--format json`.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one case, by number (GAO-000042) or identifier."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text
        case json
    }

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Case number or identifier.")
    var number: String

    @Option(help: "text or json.")
    var format: Format = .text

    func run() throws {
        let session = try global.session()
        let store = try openForReading(session)
        let wanted = number.trimmingCharacters(in: .whitespaces)
        guard let item = store.book.find(number: wanted) ?? UUID(uuidString: wanted).flatMap({ store.book[$0] }) else {
            throw CommandError("show.error.unknown", ["number": wanted])
        }
        switch format {
        case .json: Output.data(try CSVExport.json(item))
        case .text: Output.line(ShowCommand.text(item, catalog: session.catalog, reference: session.reference, today: CalendarDate.today()))
        }
    }

    static func text(_ item: Case, catalog: Catalog, reference: Reference, today: CalendarDate) -> String {
        let profile = item.profile
        var lines: [(String, String)] = []
        func add(_ label: String, _ value: String) {
            if !value.isEmpty { lines.append((label, value)) }
        }
        func field(_ field: ProfileField, _ value: String) {
            add(catalog.text(field.labelKey), value)
        }
        add(catalog.text("show.number"), item.number)
        add(catalog.text("show.status"), catalog.text("status.\(item.status.rawValue)"))
        field(.familyName, profile.familyName)
        field(.givenNames, profile.givenNames)
        field(.sex, profile.sex.map { catalog.text("sex.\($0.rawValue)") } ?? "")
        if let born = profile.dateOfBirth {
            let age = profile.age(on: today).map { " (" + catalog.counted("show.years", $0) + ")" } ?? ""
            field(.dateOfBirth, catalog.date(born) + age)
        } else if let estimate = profile.ageEstimate, let age = profile.age(on: today) {
            add(catalog.text("show.age"), catalog.counted("show.ageEstimate", age, ["date": catalog.date(estimate.asOf)]))
        }
        field(.phone, profile.phone)
        if let document = profile.document {
            field(.documentType, catalog.text("document.\(document.type)"))
            field(.documentNumber, document.number)
        }
        field(.householdSize, String(profile.householdSize))
        field(.category, profile.category.map { catalog.text("category.\($0.rawValue)") } ?? "")
        field(.displacedTo, profile.displacedTo)
        field(.returnDate, profile.returnDate.map(catalog.date) ?? "")
        field(.region, reference.region(profile.region)?.name ?? profile.region)
        field(.cercle, reference.cercle(profile.cercle)?.cercle.name ?? profile.cercle)
        field(.commune, profile.commune)
        field(.village, profile.village)
        field(.vulnerabilities, profile.vulnerabilities.map { catalog.text("vulnerability.\($0)") }.joined(separator: ", "))
        field(.assignedTo, profile.assignedTo)
        add(catalog.text("show.created"), stamp(item.created, catalog))
        if item.updated != item.created { add(catalog.text("show.updated"), stamp(item.updated, catalog)) }

        let width = lines.map(\.0.count).max() ?? 0
        return lines.map { label, value in
            let padded = label + String(repeating: " ", count: width - label.count)
            // Values typed with line breaks stay on their own line.
            let flat = value.split(whereSeparator: \.isNewline).joined(separator: " ")
            return catalog.text("show.line", ["label": padded, "value": flat])
        }.joined(separator: "\n")
    }

    private static func stamp(_ stamp: Stamp, _ catalog: Catalog) -> String {
        catalog.text("show.stamp", ["when": catalog.dateTime(stamp.at), "by": stamp.by])
    }
}
