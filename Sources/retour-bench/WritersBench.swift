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

        // The watcher measures its idle cost once every session is open, and the writers start
        // after it: opening 100 000 cases in nine processes at once takes seconds on 2 cores.
        let watcher = try WriterProbe.spawn(["--data", data.path, "--watch", "--expect", String(processes * commits),
                                             "--idle-seconds", String(idleSeconds)])
        let writers = try (0..<processes).map { index in
            try WriterProbe.spawn(["--data", data.path, "--commits", String(commits),
                                   "--seed", String(index + 1), "--pause-ms", String(pauseMs)])
        }
        try WriterProbe.go([watcher] + writers, writersAfter: idleSeconds)
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
        if pacedCommits > 0 {
            print(try caseManagers(data, inStep: true))
            print(try caseManagers(data, inStep: false))
        }
        print(try compactionPause(data))
    }

    /// Sessions saving at a pace, as case managers do: between two saves each reads the others'
    /// changes every quarter second on a clock of its own (the case manager's idle refresh), so
    /// that a save reads only what came since its last refresh. `inStep`: every session saves
    /// at the same instants, all eight at once each time (the worst moment of an office);
    /// otherwise each session's first save comes at a random moment of the first pause, as
    /// people's do. The commit times are what a user waits for after pressing save.
    func caseManagers(_ data: URL, inStep: Bool) throws -> String {
        let writers = try (0..<processes).map { index in
            try WriterProbe.spawn(["--data", data.path, "--commits", String(pacedCommits),
                                   "--seed", String(200 + index), "--pause-ms", String(pacedMs)] + (inStep ? ["--in-step"] : []))
        }
        try WriterProbe.go(writers, writersAfter: 0)
        var commitTimes: [Double] = []
        for writer in writers { commitTimes += try WriterProbe.report(of: writer).commits }
        return String(format: "%d case managers x %d saves every %d ms, %@, reading others' changes every %d ms: "
                      + "commit median %.2f ms, p99 %.2f ms, longest %.0f ms",
                      processes, pacedCommits, pacedMs, inStep ? "all at the same instants" : "each from a moment of its own",
                      Int(WriterProbe.refreshInterval / 1000),
                      Measure.median(commitTimes), Measure.percentile(commitTimes, 99), commitTimes.max() ?? 0)
    }

    /// Sessions committing every 20 ms for 6 s while another, opened beside them, compacts
    /// 3 s in (the journal then holds their lines): the compaction's time, and the others'
    /// longest commit from its start to 1 s after its end (the wait for the lock, then the
    /// reading of the new snapshot), against their median commit outside that window.
    func compactionPause(_ data: URL) throws -> String {
        let writers = try (0..<compactionWriters).map { index in
            try WriterProbe.spawn(["--data", data.path, "--for-ms", "6000", "--pause-ms", "20", "--seed", String(100 + index)])
        }
        let compactor = try WriterProbe.spawn(["--data", data.path, "--compact-after-ms", "3000"])
        try WriterProbe.go(writers + [compactor], writersAfter: 0)
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
    /// When each commit began, in milliseconds of the monotonic clock (writers with `--for-ms`).
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

    @Option(help: "Which cases to pick.")
    var seed = 1

    @Option(help: "Milliseconds to keep committing for (instead of --commits).")
    var forMs = 0

    @Option(help: "Milliseconds to wait between commits.")
    var pauseMs = 0

    @Flag(help: "Save at the same instants as every other session started with it (each pause ends on a common tick).")
    var inStep = false

    @Option(help: "Milliseconds after the start at which to compact (and do nothing else).")
    var compactAfterMs = 0

    /// How often the case manager reads others' changes while idle.
    static let refreshInterval: useconds_t = 250_000

    func run() throws {
        let store = try Store(directory: URL(fileURLWithPath: data), user: watch ? "watcher" : "writer\(seed)")
        let writing = !watch && compactAfterMs == 0
        let clearance = writing ? try benchClearance(store, name: "writer\(seed)") : nil
        let ids = clearance.map { store.reader(for: $0).digests.map(\.id) } ?? []
        let start = try Self.ready()
        var report = WriterReport()
        if watch {
            report = try watchChanges(store)
        } else if compactAfterMs > 0 {
            Self.sleep(until: start + UInt64(compactAfterMs) * 1_000_000)
            let began = Measure.monotonicNanoseconds()
            try store.compact()
            report.compaction = [Double(began) / 1e6, Double(Measure.monotonicNanoseconds()) / 1e6]
        } else if let clearance {
            var generator = SystemRandomNumberGenerator()
            Self.sleep(until: start)
            let until = forMs > 0 ? start + UInt64(forMs) * 1_000_000 : 0
            // The case manager's refresh clock, started at a moment of its own.
            var nextRefresh = start + UInt64.random(in: 0..<UInt64(Self.refreshInterval) * 1000, using: &generator)
            // Saves a pause apart begin at a moment of their own too, unless in step: people do
            // not press save together, and sessions started in step stay in step, every save a queue.
            if pauseMs > 0 && !inStep {
                try pause(store, until: start + UInt64(Int.random(in: 0..<pauseMs, using: &generator)) * 1_000_000,
                          nextRefresh: &nextRefresh)
            }
            // The case whose note is saved next is on screen before the save: its screen has read it.
            func caseOnScreen() throws -> UUID {
                let id = ids[Int.random(in: 0..<ids.count, using: &generator)]
                _ = try store.reader(for: clearance).read(id)
                return id
            }
            var index = 0
            var id = try caseOnScreen()
            while until > 0 ? Measure.monotonicNanoseconds() < until : index < commits {
                let began = Measure.monotonicNanoseconds()
                let note = Note(id: UUID(), text: "bench \(began) \(seed)-\(index)", by: "writer\(seed)", at: Date())
                try store.commit(.addNote(id: id, note: note), as: clearance)
                report.commits.append(Double(Measure.monotonicNanoseconds() - began) / 1e6)
                if until > 0 { report.starts.append(Double(began) / 1e6) }
                index += 1
                guard pauseMs > 0 else {
                    id = try caseOnScreen()
                    continue
                }
                let pause = UInt64(pauseMs) * 1_000_000
                let now = Measure.monotonicNanoseconds()
                let next = inStep ? start + UInt64(index) * pause : now + pause
                // The next case is opened a while after this save, as people do: halfway to the next save.
                try self.pause(store, until: now + (next > now ? (next - now) / 2 : 0), nextRefresh: &nextRefresh)
                id = try caseOnScreen()
                try self.pause(store, until: next, nextRefresh: &nextRefresh)
            }
        }
        try store.close()
        print(String(decoding: try JSONEncoder().encode(report), as: UTF8.self))
    }

    /// Tells the bench this session is open, and waits for the moment to start (CLOCK_MONOTONIC
    /// nanoseconds, one line on standard input).
    private static func ready() throws -> UInt64 {
        FileHandle.standardOutput.write(Data("ready\n".utf8))
        guard let line = readLine(), let start = UInt64(line) else { throw BenchError(description: "no start given") }
        return start
    }

    private static func sleep(until moment: UInt64) {
        while Measure.monotonicNanoseconds() < moment { usleep(1_000) }
    }

    /// Waits until `end`, reading others' changes on the case manager's clock meanwhile:
    /// every `refreshInterval`, on ticks of its own that saves do not move (`nextRefresh`).
    private func pause(_ store: Store, until end: UInt64, nextRefresh: inout UInt64) throws {
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

    /// A session of the bench, started: it says when it is open (`go` waits for that).
    struct Child {
        let process: Process
        let input: Pipe
        let output: Pipe
    }

    static func spawn(_ arguments: [String]) throws -> Child {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = ["writer-probe"] + arguments
        let child = Child(process: process, input: Pipe(), output: Pipe())
        process.standardInput = child.input
        process.standardOutput = child.output
        try process.run()
        return child
    }

    /// Once every one of `children` is open, starts them together: the watcher at once (its
    /// idle measure), the others `writersAfter` seconds and half a second later.
    static func go(_ children: [Child], writersAfter seconds: Double) throws {
        for child in children {
            var line: [UInt8] = []
            while line.last != 0x0A {
                let byte = child.output.fileHandleForReading.readData(ofLength: 1)
                guard let first = byte.first else {
                    throw BenchError(description: "a writer-probe ended before it was open (status \(child.process.terminationStatus))")
                }
                line.append(first)
            }
        }
        let start = Measure.monotonicNanoseconds() + UInt64((seconds + 0.5) * 1e9)
        for child in children {
            child.input.fileHandleForWriting.write(Data("\(start)\n".utf8))
            try child.input.fileHandleForWriting.close()
        }
    }

    static func report(of child: Child) throws -> WriterReport {
        let data = child.output.fileHandleForReading.readDataToEndOfFile()
        child.process.waitUntilExit()
        guard child.process.terminationStatus == 0 else {
            throw BenchError(description: "a writer-probe failed (status \(child.process.terminationStatus))")
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
