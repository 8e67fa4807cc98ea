import ArgumentParser
import Foundation
import RetourCore

/// `retour export`: every case with its follow-up. JSON is one array of whole cases, to a file
/// or stdout. CSV is one table per kind of record, linked by case number, written into a
/// folder; without `--out`, only `cases.csv` goes to stdout.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write every case, with its follow-up, as CSV files or JSON.",
        discussion: """
        --format csv --out DIR writes six files into the folder DIR (created if missing), UTF-8 \
        with BOM, comma, CRLF, each row starting with the case number: cases.csv (the profiles; it \
        re-imports as is), steps.csv (one row per step of each plan), assessments.csv (one row per \
        criterion rated), referrals.csv, notes.csv and members.csv (the household members). --format csv without --out writes cases.csv \
        only, to stdout. cases.csv ends with the status, the closure reason and time (of a closed \
        case), and who registered and last changed each case, when.

        --labels writes the headers and values as the screens show them, in the interface language \
        (Sexe: Femme, Statut: Clôturé, dates DD/MM/YYYY in French), for people reading the files in \
        a spreadsheet; without it, codes, YYYY-MM-DD dates and UTC times, for programs and re-import.

        --format json writes one JSON array of the cases as stored (plans, assessments, referrals, \
        notes, closure and timeline included), to the file --out names or to stdout.

        Folders are created readable by you only, files too, each replaced whole.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "csv or json.")
    var format: CSVExport.Format = .csv

    @Option(help: "CSV separator: semicolon (what French spreadsheets expect) or comma. Default: semicolon in French, comma in English.")
    var separator: Separator?

    enum Separator: String, ExpressibleByArgument, CaseIterable {
        case comma, semicolon
        var character: Character { self == .comma ? "," : ";" }
    }

    @Option(help: "csv: the folder for the five CSV files; json: the file. Default: stdout (csv: cases.csv only).")
    var out: String?

    @Flag(help: "csv: headers and values as the screens show them, in the interface language (not for re-import).")
    var labels = false

    func run() throws {
        let session = try global.session()
        if labels && format == .json { throw CommandError("export.error.labelsJSON") }
        let wording: ExportWording = labels ? .labels(session.catalog) : .codes
        let store = try openForReading(session)
        let reader = try session.reader(of: store)
        // Cases read (on every core), then cases written: one line after the other.
        let progress = ProgressLines(catalog: session.catalog)
        defer { progress.finish() }
        let reading = ProgressStep(task: "progress.task.read", unit: .cases, total: reader.digests.count)
        let cases = try reader.allCases { progress.report(reading, $0) }
        try store.recordEvent(.export(scope: reader.seesEverything ? "all" : "caseload", count: cases.count),
                              by: reader.clearance.login)
        let today = CalendarDate.today()
        let writing = ProgressStep(task: "progress.task.export", unit: .cases, total: cases.count)
        // From a demonstration office: every file's name and first line say so.
        let banner = store.book.isDemo ? session.catalog.text("demo.banner") : nil
        func marked(_ data: Data) throws -> Data {
            guard let banner else { return data }
            switch format {
            case .csv: return DemoMarking.csv(data, banner: banner, separator: separatorCharacter(session))
            case .json: return try DemoMarking.json(data, banner: banner)
            }
        }
        guard let out else {
            let data = try CSVExport.data(cases, format: format, reference: session.reference, today: today,
                                          separator: separatorCharacter(session), wording: wording,
                                          forTerminal: Output.isTerminal, progress: { progress.report(writing, $0) })
            // Erased before the data, which may go to the same terminal.
            progress.finish()
            Output.data(try marked(data))
            return
        }
        var url = URL(fileURLWithPath: out)
        switch format {
        case .json:
            let data = try marked(CSVExport.json(cases) { progress.report(writing, $0) })
            progress.finish()
            if banner != nil { url = DemoMarking.fileURL(url) }
            try PrivateFile.write(data, to: url)
            Output.line(session.catalog.counted("export.summary", cases.count, ["file": url.path]))
        case .csv:
            if !FileManager.default.fileExists(atPath: url.path), url.pathExtension.lowercased() == "csv" {
                throw PrivateFile.FolderFailure.looksLikeAFile(out)
            }
            var files = try CSVExport.tables(cases, reference: session.reference, today: today,
                                             separator: separatorCharacter(session), wording: wording,
                                             progress: { progress.report(writing, $0) })
            progress.finish()
            if banner != nil {
                files = try files.map { (name: DemoMarking.fileName($0.name), data: try marked($0.data)) }
            }
            try PrivateFile.write(files, into: url)
            Output.line(session.catalog.counted("export.summary.folder", cases.count,
                                                ["folder": url.path, "files": files.map(\.name).joined(separator: ", ")]))
        }
    }
}

extension ExportCommand {
    func separatorCharacter(_ session: Session) -> Character {
        separator?.character ?? CSVText.spreadsheetSeparator(for: session.catalog.language)
    }
}

extension CSVExport.Format: ExpressibleByArgument {}
