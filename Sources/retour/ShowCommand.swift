import ArgumentParser
import Foundation
import RetourCore

/// `retour show NUMBER`: one case as the case screen shows it (`CaseSummary`), in the
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
        let reader = try session.reader(of: store)
        let wanted = number.trimmingCharacters(in: .whitespaces)
        guard let id = reader.find(numberOrID: wanted), let item = try reader.read(id) else {
            throw CommandError("show.error.unknown", ["number": wanted])
        }
        try store.recordEvent(.view(caseNumber: item.number), by: reader.clearance.login)
        switch format {
        case .json:
            let json = try CSVExport.json(item)
            Output.data(Output.isTerminal ? Data(TerminalText.visible(String(decoding: json, as: UTF8.self), layout: .kept).utf8) : json)
        case .text:
            let summary = CaseSummary(item, catalog: session.catalog, reference: session.reference, today: .today(),
                                      links: reader.links(of: item))
            Output.line(TerminalText.visible(summary.text, layout: .kept))
        }
    }
}
