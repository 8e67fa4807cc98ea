import ArgumentParser
import Foundation
import RetourCore

/// The supervisors' figures: `ProgrammeFigures` computed in this process from the digests of
/// a directory the bench built (the store opened, then the computation alone timed, after one
/// run to warm up), and `retour report` as a whole process (start, sign-in of a directory
/// without users, store open, figures, JSON to a pipe, history entry).
enum FiguresBench {
    struct Row {
        let cases: Int
        /// Median of `runs` computations for the calendar quarter, and for the whole programme, in ms.
        let quarterMilliseconds: Double
        let programmeMilliseconds: Double
        /// Median of `reportRuns` runs of `retour report --format json`, in seconds.
        let reportSeconds: Double
    }

    static let runs = 10
    static let reportRuns = 3

    static func measure(count: Int, directory: URL, assets: Assets, reference: Reference) throws -> Row {
        let targets = try ProgrammeTargets(assets: assets, reference: reference)
        let store = try Store(directory: directory, write: false)
        let reader = store.reader(for: try Clearance.withoutUsers("bench", book: store.book))
        let digests = reader.digests
        let today = CalendarDate.today()
        func median(_ period: FiguresPeriod) -> Double {
            _ = ProgrammeFigures(digests, targets: targets, reference: reference, today: today, period: period)
            return Measure.median((0..<runs).map { _ in
                Measure.timed { ProgrammeFigures(digests, targets: targets, reference: reference, today: today, period: period) }.1 * 1000
            })
        }
        let quarter = median(.quarter)
        let programme = median(.programme)
        var reports: [Double] = []
        for _ in 0..<reportRuns { reports.append(try reportProcess(directory)) }
        Log.line(String(format: "  figures: quarter %.1f ms, programme %.1f ms (median of %d); retour report %@ s",
                        quarter, programme, runs, reports.map { String(format: "%.2f", $0) }.joined(separator: ", ")))
        return Row(cases: count, quarterMilliseconds: quarter, programmeMilliseconds: programme,
                   reportSeconds: Measure.median(reports))
    }

    /// `retour report --format json` (the binary beside this one), to a pipe, in seconds.
    static func reportProcess(_ directory: URL) throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("retour")
        process.arguments = ["report", "--format", "json", "--data", directory.path]
        var environment = ProcessInfo.processInfo.environment
        environment["RETOUR_USER"] = "bench"
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        let started = Measure.monotonicNanoseconds()
        try process.run()
        _ = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let seconds = Double(Measure.monotonicNanoseconds() - started) / 1e9
        guard process.terminationStatus == 0 else {
            throw BenchError(description: "retour report on \(directory.path) failed (status \(process.terminationStatus))")
        }
        return seconds
    }

    static let header = "cases    figures quarter ms  figures programme ms  retour report s"

    static func line(_ row: Row) -> String {
        String(format: "%-8d %19.1f %21.1f %16.2f", row.cases, row.quarterMilliseconds, row.programmeMilliseconds, row.reportSeconds)
    }
}

/// `retour-bench figures --data DIR`: the figures of an existing data directory (without
/// users) measured alone, and `retour report` as a process, as the bench does for each size.
struct FiguresProbe: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "figures",
        abstract: "Measure the programme figures of one data directory (without users).",
        shouldDisplay: false
    )

    @Option(help: "The data directory.")
    var data: String

    func run() throws {
        let assets = try Assets.locate()
        let reference = try Reference(assets: assets)
        let row = try FiguresBench.measure(count: 0, directory: URL(fileURLWithPath: data), assets: assets, reference: reference)
        print(FiguresBench.header)
        print(FiguresBench.line(row))
    }
}
