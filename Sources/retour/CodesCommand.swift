import ArgumentParser
import Foundation
import RetourCore

/// `retour codes`: the codes a spreadsheet or a filter may use, each with its label in the
/// interface language. Reads the reference data only: no data directory, no sign-in.
struct CodesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "codes",
        abstract: "List the codes a spreadsheet or a filter may use (regions, cercles, categories, tracks…) with their labels.",
        discussion: """
        Text: one section per kind of code (cercles per region, steps per track), each code then \
        its label. --format csv writes kind, code, label, parent (the region of a cercle, the \
        track of a step), separated as the export separates them; --format json an array of \
        objects. No data directory is read.
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, csv, json
    }

    @OptionGroup var global: GlobalOptions

    @Option(help: "text, csv or json.")
    var format: Format = .text

    func run() throws {
        let session = try global.session()
        let list = CodeList(reference: session.reference, catalog: session.catalog)
        switch format {
        case .text:
            Output.data(Data(list.text().utf8))
        case .csv:
            Output.dataShownOnTerminal(list.csv(separator: CSVText.spreadsheetSeparator(for: session.catalog.language)))
        case .json:
            Output.dataShownOnTerminal(try list.json())
        }
    }
}
