import ArgumentParser
import Foundation
import RetourCore

/// `retour list`: the cases as a tab-separated table for scripts. The header line names the
/// columns with the import's stable column names; names and places are never translated.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List cases, one per line, columns separated by a tab."
    )

    static let header = ["number", "family_name", "given_names", "sex", "age", "category", "region", "cercle",
                         "status", "assigned_to"]

    @OptionGroup var global: GlobalOptions

    @Option(help: "Words to find in the number, names, phone or village (case and accents ignored).")
    var search: String?

    @Option(help: "Region: name, usual spelling or P-code.")
    var region: String?

    @Option(help: "Category code: idp_returnee, refugee_returnee or host_community.")
    var category: String?

    @Option(help: "Status code: registered, active, closure_requested or closed.")
    var status: String?

    func run() throws {
        let session = try global.session()
        let query = try makeQuery(reference: session.reference)
        let store = try openForReading(session)
        let today = CalendarDate.today()
        let reference = session.reference
        var text = ListCommand.header.joined(separator: "\t") + "\n"
        for item in store.book.cases.values where query.matches(item) {
            let profile = item.profile
            let cells = [
                item.number, profile.familyName, profile.givenNames, profile.sex?.rawValue ?? "",
                profile.age(on: today).map(String.init) ?? "", profile.category?.rawValue ?? "",
                reference.region(profile.region)?.name ?? profile.region,
                reference.cercle(profile.cercle)?.cercle.name ?? profile.cercle,
                item.status.rawValue, profile.assignedTo,
            ]
            text += cells.map(ListCommand.cell).joined(separator: "\t") + "\n"
            if text.utf8.count > 1 << 16 {
                Output.data(Data(text.utf8))
                text = ""
            }
        }
        Output.data(Data(text.utf8))
    }

    func makeQuery(reference: Reference) throws -> CaseQuery {
        var regionCode: String?
        if let region {
            guard let found = reference.findRegion(region) else {
                throw CommandError("list.error.region", ["value": region,
                                                         "choices": reference.regions.map(\.name).joined(separator: ", ")])
            }
            regionCode = found.pcode
        }
        var categoryCode: RetourCore.Category?
        if let category {
            guard let found = RetourCore.Category(rawValue: category) else {
                throw CommandError("list.error.category", ["value": category,
                                                           "choices": RetourCore.Category.allCases.map(\.rawValue).joined(separator: ", ")])
            }
            categoryCode = found
        }
        var statusCode: CaseStatus?
        if let status {
            guard let found = CaseStatus(rawValue: status) else {
                throw CommandError("list.error.status", ["value": status,
                                                         "choices": CaseStatus.allCases.map(\.rawValue).joined(separator: ", ")])
            }
            statusCode = found
        }
        return CaseQuery(search: search ?? "", region: regionCode, category: categoryCode, status: statusCode)
    }

    /// One line per case: tabs and line breaks inside a value become spaces.
    static func cell(_ value: String) -> String {
        String(value.map { $0 == "\t" || $0.isNewline ? " " : $0 })
    }
}
