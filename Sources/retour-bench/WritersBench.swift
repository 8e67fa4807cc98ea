#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Foundation
import RetourCore

/// `retour-bench writers`: several processes committing at once on one data directory (each
/// its own `Store`, as case managers on one machine), and one more that only watches. Prints
/// the commit times (median, p99) over every writer, how long the watcher took to see each
/// change (median, p99), and the share of a core the watcher used while nothing changed.
/// Then one more session compacts while others keep committing at a case worker's pace: how
/// long the compaction took, and how long the others' commits waited meanwhile and just after
/// (when they read the new snapshot).
struct WritersBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "writers",
        abstract: "Measure several processes committing at once on one directory; prints figures, asserts nothing."
    )

    @Option(help: "Cases in the generated directory.")
    var cases = 100_000

    @Option(help: "Writing processes.")
    var processes = 8

    @Option(help: "Commits per writing process.")
    var commits = 200

    @Option(help: "Seconds the watcher is measured idle.")
    var idleSeconds = 5.0

    @Option(help: "Milliseconds each writing process waits between its commits (0: one after another, as fast as it can).")
    var pauseMs = 0

    @Option(help: "Milliseconds between the saves of each session in the case managers' row (they read others' changes every quarter second meanwhile, as the case manager does).")
    var pacedMs = 500

    @Option(help: "Saves per session in the case managers' row (0: no such row).")
    var pacedCommits = 60

    @Option(help: "Sessions committing while another compacts.")
    var compactionWriters = 4

    @Option(help: "A data directory to use and keep: built there when missing (at 100 000 cases the build takes most of the run), reused as it is otherwise (its notes grow at each run).")
    var data: String?

    func run() throws {
        let assets = try Assets.locate()
        let reference = try Reference(assets: assets)
        let root = try Runner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let data = self.data.map { URL(fileURLWithPath: $0) } ?? root.appendingPathComponent("data")
        if FileManager.default.fileExists(atPath: data.appendingPathComponent(Store.Files.snapshot).path) {
            Log.line("reusing \(data.path)")
        } else {
            let (_, building) = try Measure.timed { try SyntheticData.build(count: self.cases, in: data, assets: assets, reference: reference) }
            Log.line(String(format: "built %d cases in %.1f s", self.cases, building))
        }
        let cases = try Store(directory: data, write: false).book.count

        // Writers start together a little after the watcher has been idle for `idleSeconds`.
        let start = Measure.monotonicNanoseconds() + UInt64((idleSeconds + 3) * 1e9)
        let watcher = try WriterProbe.spawn(["--data", data.path, "--watch", "--expect", String(processes * commits),
                                             "--idle-seconds", String(idleSeconds)])
        let writers = try (0..<processes).map { index in
            try WriterProbe.spawn(["--data", data.path, "--commits", String(commits), "--start", String(start),
                                   "--seed", String(index + 1), "--pause-ms", String(pauseMs)])
        }
        var commitTimes: [Double] = []
        for writer in writers { commitTimes += try WriterProbe.report(of: writer).commits }
        let watched = try WriterProbe.report(of: watcher)
        let lines = [
            String(format: "%d processes x %d commits on %d cases, %@: commit median %.2f ms, p99 %.2f ms, longest %.0f ms",
                   processes, commits, cases, pauseMs == 0 ? "one after another" : "\(pauseMs) ms apart",
                   Measure.median(commitTimes), Measure.percentile(commitTimes, 99), commitTimes.max() ?? 0),
            String(format: "another session shows each change: median %.0f ms, p99 %.0f ms (%d of %d seen)",
                   Measure.median(watched.seen), Measure.percentile(watched.seen, 99), watched.seen.count, processes * commits),
            String(format: "an idle session watching: %.2f %% of a core", watched.idleCorePercent),
        ]
        for line in lines { print(line) }
        if pacedCommits > 0 { print(try caseManagers(data)) }
        print(try compactionPause(data))
    }

    /// Sessions saving at a pace, as case managers do: between two saves each reads the others'
    /// changes every quarter second on a clock of its own (the case manager's idle refresh), so
    /// that a save reads only what came since its last refresh. Each session's first save comes at
    /// a random moment of the first pause, as people's do. The commit times are what a user waits for after pressing save.
    func caseManagers(_ data: URL) throws -> String {
        let start = Measure.monotonicNanoseconds() + UInt64(3e9)
        let writers = try (0..<processes).map { index in
            try WriterProbe.spawn(["--data", data.path, "--commits", String(pacedCommits), "--start", String(start),
                                   "--seed", String(200 + index), "--pause-ms", String(pacedMs)])
        }
        var commitTimes: [Double] = []
        for writer in writers { commitTimes += try WriterProbe.report(of: writer).commits }
        return String(format: "%d case managers x %d saves, each %d ms apart from a moment of its own, reading others' changes every %d ms: "
                      + "commit median %.2f ms, p99 %.2f ms, longest %.0f ms",
                      processes, pacedCommits, pacedMs, Int(WriterProbe.refreshInterval / 1000),
                      Measure.median(commitTimes), Measure.percentile(commitTimes, 99), commitTimes.max() ?? 0)
    }

    /// Sessions committing every 20 ms for 6 s while another, opened beside them, compacts
    /// 3 s in (the journal then holds their lines): the compaction's time, and the others'
    /// longest commit from its start to 1 s after its end (the wait for the lock, then the
    /// reading of the new snapshot), against their median commit outside that window.
    func compactionPause(_ data: URL) throws -> String {
        let begin = Measure.monotonicNanoseconds() + 2_000_000_000
        let compactAt = begin + 3_000_000_000, end = begin + 6_000_000_000
        let writers = try (0..<compactionWriters).map { index in
            try WriterProbe.spawn(["--data", data.path, "--start", String(begin), "--until", String(end),
                                   "--pause-ms", "20", "--seed", String(100 + index)])
        }
        let compactor = try WriterProbe.spawn(["--data", data.path, "--compact-at", String(compactAt)])
        var commits: [(start: Double, ms: Double)] = []
        for writer in writers {
            let report = try WriterProbe.report(of: writer)
            commits += zip(report.starts, report.commits).map { ($0, $1) }
        }
        let compaction = try WriterProbe.report(of: compactor).compaction
        guard compaction.count == 2 else { throw BenchError(description: "the compaction was not timed") }
        let window = compaction[0]...(compaction[1] + 1000)
        let during = commits.filter { window.contains($0.start) || window.contains($0.start + $0.ms) }.map(\.ms)
        let outside = commits.filter { !window.contains($0.start) && !window.contains($0.start + $0.ms) }.map(\.ms)
        return String(format: "compaction with %d sessions committing: %.0f ms; their longest commit meanwhile and 1 s after "
                      + "%.0f ms (%d commits; median outside %.2f ms)",
                      compactionWriters, compaction[1] - compaction[0], during.max() ?? 0, during.count, Measure.median(outside))
    }
}

/// What one writing or watching process measured, one JSON line for the parent.
struct WriterReport: Codable {
    /// Each commit, in milliseconds (writers).
    var commits: [Double] = []
    /// For each change seen, from its commit starting to this session showing it, in milliseconds (watcher).
    var seen: [Double] = []
    /// CPU time over wall time while idle, in percent of one core (watcher).
    var idleCorePercent = 0.0
    /// When each commit began, in milliseconds of the monotonic clock (writers with `--until`).
    var starts: [Double] = []
    /// When the compaction began and ended, in milliseconds of the monotonic clock (compactor).
    var compaction: [Double] = []
}

/// `retour-bench writer-probe`: one writing (or, with `--watch`, watching) session of the
/// writers bench, in a process of its own.
struct WriterProbe: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "writer-probe",
        abstract: "One session of the writers bench (used by the bench itself).",
        shouldDisplay: false
    )

    @Option(help: "The data directory.")
    var data: String

    @Flag(help: "Only watch: refresh as the case manager does while idle, and time each change seen.")
    var watch = false

    @Option(help: "Changes the watcher waits for.")
    var expect = 0

    @Option(help: "Seconds the watcher is measured idle first.")
    var idleSeconds = 5.0

    @Option(help: "Commits to make.")
    var commits = 0

    @Option(help: "CLOCK_MONOTONIC nanoseconds at which to start committing.")
    var start: UInt64 = 0

    @Option(help: "Which cases to pick.")
    var seed = 1

    @Option(help: "CLOCK_MONOTONIC nanoseconds until which to keep committing (instead of --commits).")
    var until: UInt64 = 0

    @Option(help: "Milliseconds to wait between commits.")
    var pauseMs = 0

    @Option(help: "CLOCK_MONOTONIC nanoseconds at which to compact (and do nothing else).")
    var compactAt: UInt64 = 0

    /// How often the case manager reads others' changes while idle.
    static let refreshInterval: useconds_t = 250_000

    func run() throws {
        let store = try Store(directory: URL(fileURLWithPath: data), user: watch ? "watcher" : "writer\(seed)")
        var report = WriterReport()
        if watch {
            report = try watchChanges(store)
        } else if compactAt > 0 {
            while Measure.monotonicNanoseconds() < compactAt { usleep(1_000) }
            let began = Measure.monotonicNanoseconds()
            try store.compact()
            report.compaction = [Double(began) / 1e6, Double(Measure.monotonicNanoseconds()) / 1e6]
        } else {
            let clearance = try benchClearance(store, name: "writer\(seed)")
            let ids = store.reader(for: clearance).digests.map(\.id)
            var generator = SystemRandomNumberGenerator()
            while Measure.monotonicNanoseconds() < start { usleep(1_000) }
            // The case manager's refresh clock, started at a moment of its own.
            var nextRefresh = start + UInt64.random(in: 0..<UInt64(Self.refreshInterval) * 1000, using: &generator)
            // Saves a pause apart begin at a moment of their own too: people do not press save
            // together, and sessions started in step would stay in step, every save a queue.
            if pauseMs > 0 { try pause(store, milliseconds: Int.random(in: 0..<pauseMs, using: &generator), nextRefresh: &nextRefresh) }
            var index = 0
            while until > 0 ? Measure.monotonicNanoseconds() < until : index < commits {
                let id = ids[Int.random(in: 0..<ids.count, using: &generator)]
                let began = Measure.monotonicNanoseconds()
                let note = Note(id: UUID(), text: "bench \(began) \(seed)-\(index)", by: "writer\(seed)", at: Date())
                try store.commit(.addNote(id: id, note: note), as: clearance)
                report.commits.append(Double(Measure.monotonicNanoseconds() - began) / 1e6)
                if until > 0 { report.starts.append(Double(began) / 1e6) }
                index += 1
                if pauseMs > 0 { try pause(store, milliseconds: pauseMs, nextRefresh: &nextRefresh) }
            }
        }
        try store.close()
        print(String(decoding: try JSONEncoder().encode(report), as: UTF8.self))
    }

    /// Waits `milliseconds`, reading others' changes on the case manager's clock meanwhile:
    /// every `refreshInterval`, on ticks of its own that saves do not move (`nextRefresh`).
    private func pause(_ store: Store, milliseconds: Int, nextRefresh: inout UInt64) throws {
        let end = Measure.monotonicNanoseconds() + UInt64(milliseconds) * 1_000_000
        let interval = UInt64(Self.refreshInterval) * 1000
        while true {
            let now = Measure.monotonicNanoseconds()
            guard now < end else { return }
            if nextRefresh <= now {
                try store.refresh()
                _ = store.takeOutsideChanges()
                while nextRefresh <= now { nextRefresh += interval }
                continue
            }
            usleep(useconds_t((min(end, nextRefresh) - now) / 1000))
        }
    }

    private func watchChanges(_ store: Store) throws -> WriterReport {
        var report = WriterReport()
        func cpuSeconds() -> Double {
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        }
        let cpuBefore = cpuSeconds(), wallBefore = Measure.monotonicNanoseconds()
        let idleEnd = wallBefore + UInt64(idleSeconds * 1e9)
        while Measure.monotonicNanoseconds() < idleEnd {
            try store.refresh()
            _ = store.takeOutsideChanges()
            usleep(Self.refreshInterval)
        }
        report.idleCorePercent = (cpuSeconds() - cpuBefore) / (Double(Measure.monotonicNanoseconds() - wallBefore) / 1e9) * 100
        let deadline = Measure.monotonicNanoseconds() + 300_000_000_000
        while report.seen.count < expect && Measure.monotonicNanoseconds() < deadline {
            try store.refresh()
            let now = Measure.monotonicNanoseconds()
            for entry in store.takeOutsideChanges().entries {
                guard case .addNote(_, let note) = entry.change else { continue }
                let parts = note.text.split(separator: " ")
                if parts.count == 3, parts[0] == "bench", let began = UInt64(parts[1]) {
                    report.seen.append(Double(now &- began) / 1e6)
                }
            }
            usleep(Self.refreshInterval)
        }
        return report
    }

    static func spawn(_ arguments: [String]) throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = ["writer-probe"] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        return (process, output)
    }

    static func report(of child: (Process, Pipe)) throws -> WriterReport {
        let data = child.1.fileHandleForReading.readDataToEndOfFile()
        child.0.waitUntilExit()
        guard child.0.terminationStatus == 0 else {
            throw BenchError(description: "a writer-probe failed (status \(child.0.terminationStatus))")
        }
        return try JSONDecoder().decode(WriterReport.self, from: Data(data.split(separator: 0x0A).last ?? Data()))
    }
}

/// Who commits in the bench: whoever is at the terminal of a directory without users, or the
/// administrator the people's bench adds (a directory it built and kept holds users).
func benchClearance(_ store: Store, name: String) throws -> Clearance {
    guard !store.book.users.isEmpty else { return try Clearance.withoutUsers(name, book: store.book) }
    return try SignIn.attempt(login: PeopleBench.administrator, pin: PeopleBench.pin, store: store)
}
