import ArgumentParser
import Foundation
import RetourCore

/// `retour-bench`: builds a data directory per size, measures it in fresh processes, prints
/// one table row per size.
@main
struct RetourBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retour-bench",
        abstract: "Measure the case manager on fictitious data of several sizes; prints figures, asserts nothing.",
        discussion: "Progress and the time of each phase go to stderr; the table goes to stdout.",
        subcommands: [Probe.self, ImportBench.self, FiguresProbe.self, WritersBench.self, WriterProbe.self, DecodeBench.self, SyncBench.self]
    )

    @Option(help: ArgumentHelp("Numbers of cases, separated by commas.", valueName: "n,n,…"))
    var sizes = "1000,10000,100000"

    @Option(help: ArgumentHelp("Keep the data directories in this directory (one per size) instead of removing them.", valueName: "dir"))
    var keep: String?

    /// Probes per size that only open the data directory; one more measures everything.
    static let openOnlyProbes = 2
    static let pythonRuns = 3

    func validate() throws {
        if (try? parsedSizes())?.isEmpty ?? true {
            throw ValidationError("--sizes takes positive whole numbers separated by commas, e.g. 1000,10000")
        }
    }

    func parsedSizes() throws -> [Int] {
        try sizes.split(separator: ",").map { part in
            guard let value = Int(part.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "")),
                  value > 0 else { throw ValidationError("not a size: \(part)") }
            return value
        }
    }

    func run() throws {
        let counts = try parsedSizes()
        let assets = try Assets.locate()
        let reference = try Reference(assets: assets)
        let python = Runner.pythonExecutable()
        let root: URL
        if let keep {
            root = URL(fileURLWithPath: keep)
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        } else {
            root = try Runner.temporaryDirectory()
            Log.line("working in \(root.path) (removed at the end)")
        }
        defer {
            if keep == nil { try? FileManager.default.removeItem(at: root) }
        }

        let table = Table()
        var printedHeader = false
        var people: [PeopleBench.Row] = []
        var figures: [FiguresBench.Row] = []
        for count in counts {
            let directory = root.appendingPathComponent("cases-\(count)")
            if FileManager.default.fileExists(atPath: directory.path) {
                throw BenchError(description: "\(directory.path) already exists: remove it or keep elsewhere")
            }
            Log.line("\(count) cases: generating and committing (one fsync per change)…")
            let phases = try SyntheticData.build(count: count, in: directory, assets: assets, reference: reference)
            Log.line(String(format: "  build %.1f s: generate %.2f s, check %.2f s, commit %.1f s (%d changes, %.2f ms each), compact %.2f s; %d cases",
                            phases.total, phases.generate, phases.plan, phases.commit, phases.changes,
                            phases.commit * 1000 / Double(max(1, phases.changes)), phases.compact, phases.registered))

            let files = [Store.Files.snapshot, Store.Files.journal].map { directory.appendingPathComponent($0).path }
            let dataBytes = files.map(Measure.fileSize).reduce(0, +)

            var opens: [Runner.ProbeRun] = []
            for run in 0...RetourBench.openOnlyProbes {
                let openOnly = run < RetourBench.openOnlyProbes
                Log.line("  probe \(run + 1)/\(RetourBench.openOnlyProbes + 1)\(openOnly ? " (open only)" : "")…")
                opens.append(try Runner.probe(directory: directory, openOnly: openOnly))
            }
            let full = opens[opens.count - 1].report
            Log.probeDetails(opens, full: full)

            var pythonTimes: [Double] = []
            if let python {
                let existing = files.filter { FileManager.default.fileExists(atPath: $0) }
                for _ in 0..<RetourBench.pythonRuns { pythonTimes.append(try Runner.pythonLoad(python, files: existing)) }
                Log.line(String(format: "  python load: %@ s", pythonTimes.map { String(format: "%.3f", $0) }.joined(separator: ", ")))
            }

            let row = Table.Row(
                cases: count,
                dataMB: Double(dataBytes) / 1e6,
                listReady: Measure.median(opens.map(\.listReady)),
                keystrokeMedian: Measure.median(full.keystrokes),
                keystrokeP99: Measure.percentile(full.keystrokes, 99),
                commitMedian: Measure.median(full.commits),
                peakMB: Double(full.peak) / 1e6,
                pythonLoad: python == nil ? nil : Measure.median(pythonTimes)
            )
            if !printedHeader {
                print(table.header)
                printedHeader = true
            }
            print(table.line(row))
            fflush(nil)  // Each row as soon as it is known.
            // Before the people: `retour report` then runs without users, signed in by nothing.
            Log.line("  figures: computed in this process, then retour report as a process…")
            figures.append(try FiguresBench.measure(count: count, directory: directory, assets: assets, reference: reference))
            Log.line("  people: users, a case worker's caseload, the history…")
            people.append(try PeopleBench.measure(count: count, directory: directory))
        }
        print("")
        print("targets: list ready ≤ 1 s; keystroke ≤ 16 ms median, ≤ 50 ms p99; commit ≤ 5 ms median; peak ≤ 2 × data size at 100 000")
        print("")
        print("Signed in: a case worker given one case in a hundred (scope), and the administrator")
        print(PeopleBench.header)
        for row in people { print(PeopleBench.line(row)) }
        print("")
        print("targets: sign-in 0.1–0.5 s (the slow hash, on purpose); list, keystroke and commit as above; check chain ≥ 50 MB/s")
        print("")
        print("Supervisors' figures (every case; quarter of today, whole programme)")
        print(FiguresBench.header)
        for row in figures { print(FiguresBench.line(row)) }
        print("")
        print("target: figures for a period ≤ 200 ms at 100 000")
        fflush(nil)
        if keep != nil { Log.line("data kept in \(root.path)") }
    }
}

/// Progress and details on stderr, so that stdout holds only the table.
enum Log {
    static func line(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    static func probeDetails(_ runs: [Runner.ProbeRun], full: ProbeReport) {
        for (index, run) in runs.enumerated() {
            let report = run.report
            let proc = report.readySinceProcessStart.map { String(format: "%.3f", $0) } ?? "?"
            line(String(format: "  open %d: list ready %.3f s after spawn (%@ s after the /proc start time): to the command %.3f s, session %.3f s, store open %.3f s, list + first draw %.3f s; peak %.0f MB",
                        index + 1, run.listReady, proc, run.toCommand, report.session, report.storeOpen,
                        report.listFirstRender, Double(report.peakAtReady) / 1e6))
        }
        let title = full.searchTitle.split(separator: " ").joined(separator: " ")
        line("  title after typing the first name: \(title)")
        line(String(format: "  redraw only %.2f ms; keystrokes n=%d median %.2f p90 %.2f p99 %.2f max %.2f ms",
                    full.renderMedian, full.keystrokes.count, Measure.median(full.keystrokes),
                    Measure.percentile(full.keystrokes, 90), Measure.percentile(full.keystrokes, 99), full.keystrokes.max() ?? .nan))
        line(String(format: "  Store.commit n=%d median %.2f p99 %.2f ms; form save (F2) n=%d median %.1f max %.1f ms",
                    full.commits.count, Measure.median(full.commits), Measure.percentile(full.commits, 99),
                    full.formSaves.count, Measure.median(full.formSaves), full.formSaves.max() ?? .nan))
        line(String(format: "  caseload review n=%d median %.2f max %.2f ms; * (mark or unmark every case shown) n=%d median %.2f max %.2f ms",
                    full.caseloads.count, Measure.median(full.caseloads), full.caseloads.max() ?? .nan,
                    full.markAll.count, Measure.median(full.markAll), full.markAll.max() ?? .nan))
        line(String(format: "  screens, key to drawn: d (dashboard) n=%d median %.1f max %.1f ms; p (next period) n=%d median %.1f max %.1f ms; w (caseloads) n=%d median %.1f max %.1f ms",
                    full.dashboardOpen.count, Measure.median(full.dashboardOpen), full.dashboardOpen.max() ?? .nan,
                    full.dashboardPeriod.count, Measure.median(full.dashboardPeriod), full.dashboardPeriod.max() ?? .nan,
                    full.caseloadScreen.count, Measure.median(full.caseloadScreen), full.caseloadScreen.max() ?? .nan))
        line(String(format: "  close (compaction) %.2f s; peak %.0f MB before close, %.0f MB after",
                    full.close, Double(full.peakBeforeClose) / 1e6, Double(full.peak) / 1e6))
    }
}
