import ArgumentParser
import Foundation
import RetourCore
import RetourDemo

/// `retour-bench import`: a checked import of generated people, as `retour import FILE.csv
/// --skip-invalid` does it — the file read from disk, every row checked (all the rules and
/// the duplicate search), the valid rows saved as one batch, the store closed (compacted) —
/// into a new data directory. Prints rows a second for the check and for the whole import.
struct ImportBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Measure a checked import of generated rows (rows a second); prints figures, asserts nothing."
    )

    @Option(help: "Rows of the generated file.")
    var rows = 100_000

    @Option(help: "Times the file is checked (the median is printed).")
    var runs = 3

    func run() throws {
        let assets = try Assets.locate()
        let reference = try Reference(assets: assets)
        let labels = try Language.allCases.map { try Catalog(language: $0, assets: assets) }
        let today = CalendarDate.today()
        let root = try Runner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let file = root.appendingPathComponent("people.csv")
        let (csv, generating) = try Measure.timed {
            try DemoPeople(assets: assets).csv(count: rows, seed: 1, reference: reference, today: today)
        }
        try csv.write(to: file)
        Log.line(String(format: "generated %d rows (%.1f MB) in %.2f s", rows, Double(csv.count) / 1e6, generating))

        let options = CSVImport.Options(skipInvalid: true)
        var checks: [Double] = []
        var plan: ImportPlan?
        for run in 1...max(1, runs) {
            let (made, seconds) = try Measure.timed {
                try CSVImport.plan(reader: CSVReader(file: file), reference: reference, book: CaseBook(), today: today,
                                   options: options, trackLabels: labels)
            }
            Log.line(String(format: "  check %d: %.2f s, %.0f rows/s", run, seconds, Double(rows) / seconds))
            checks.append(seconds)
            plan = made
        }
        guard let plan else { return }
        let check = Measure.median(checks)
        let store = try Store(directory: root.appendingPathComponent("data"), user: "bench")
        let ((), saving) = try Measure.timed {
            _ = try CSVImport.apply(plan, to: store, reference: reference, as: Clearance.withoutUsers("bench", book: store.book))
            try store.close()
        }
        print("rows\tvalid\tduplicates\tcheck s\tchecked rows/s\tsave s\timport rows/s")
        print(String(format: "%d\t%d\t%d\t%.2f\t%.0f\t%.2f\t%.0f", rows, plan.accepted.count, plan.duplicateCount,
                     check, Double(rows) / check, saving, Double(rows) / (check + saving)))
        fflush(nil)
    }
}
