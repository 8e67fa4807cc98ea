import ArgumentParser
import Foundation
import RetourCore

/// `retour export`: every case, as CSV (re-importable) or JSON, to a file or stdout.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write every case as CSV (UTF-8, comma, CRLF) or JSON, to a file or stdout."
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "csv or json.")
    var format: CSVExport.Format = .csv

    @Option(help: "File to write (created readable by you only). Default: stdout.")
    var out: String?

    func run() throws {
        let session = try global.session()
        let store = try openForReading(session)
        let cases = Array(store.book.cases.values)
        let data = try CSVExport.data(cases, format: format, reference: session.reference, today: CalendarDate.today())
        guard let out else {
            Output.data(data)
            return
        }
        let url = URL(fileURLWithPath: out)
        try PrivateFile.write(data, to: url)
        Output.line(session.catalog.counted("export.summary", cases.count, ["file": url.path]))
    }
}

extension CSVExport.Format: ExpressibleByArgument {}
