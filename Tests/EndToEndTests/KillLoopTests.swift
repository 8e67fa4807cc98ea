import Foundation
import RetourCore
import RetourDemo
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `kill -9` at random points of the real binary's work, then what is on disk.
///
/// The command-line loop runs `retour import` on one data directory again and again (a new
/// directory every 40 rounds), each time killing it after a random delay spread over its whole
/// run: start-up, the commit (all its registrations and enrolments, one batch written with one
/// fsync) and the compaction it does on exit. After each round: `retour check` exits 0, the
/// lock is free, the modes are 0700/0600, every import that finished (exit 0) is there whole,
/// a killed import left all of its rows or none (`CSVImport.apply` is all or nothing), and
/// nothing seen once ever disappears.
///
/// The case manager loop registers a person in tmux, waits for "registered", then kills the
/// program while the next person is typed, while it is saved, or while the program quits
/// (compacting); the person confirmed must be there, the one being saved whole or absent.
///
/// The random generator has a fixed seed (`RETOUR_KILL_SEED` replaces it), printed with the
/// round in every failure; `RETOUR_KILL_ROUNDS` sets the number of command-line rounds.
@Suite(.serialized)
struct KillLoopTests {
    /// The same on every machine, so a failure can be replayed from its seed.
    typealias Generator = SeededGenerator

    static let environment = ProcessInfo.processInfo.environment
    static let seed: UInt64 = environment["RETOUR_KILL_SEED"].flatMap { UInt64($0) } ?? 20_160_301
    static let cliRounds: Int = environment["RETOUR_KILL_ROUNDS"].flatMap { Int($0) }.map { max(1, $0) } ?? 30
    static let tuiRounds = 6

    // MARK: The command line

    /// One row of an import file, and what its case must hold.
    struct Person {
        let given: String
        let sex: String
        let category: String
        let region: (name: String, pcode: String, prefix: String)
        let household: Int
        let tracks: [String]

        var csv: String {
            "Kill,\(given),\(sex),\(category),\(region.name),\(household),\(tracks.joined(separator: "|"))"
        }
    }

    static let regions: [(name: String, pcode: String, prefix: String)] = [
        ("Gao", "ML07", "GAO"), ("Mopti", "ML05", "MPT"), ("Tombouctou", "ML06", "TBK"), ("Kidal", "ML08", "KDL"),
    ]
    static let categories = ["idp_returnee", "refugee_returnee", "host_community"]
    static let tracks = ["youth_entrepreneurship", "women_agr", "durable_solutions"]

    /// `count` rows (by default 1 to 40), a quarter of them with tracks.
    static func people(round: Int, count: Int? = nil, _ random: inout Generator) -> [Person] {
        (1...(count ?? Int.random(in: 1...40, using: &random))).map { row in
            let trackCount = Int.random(in: 0...3, using: &random) == 0 ? Int.random(in: 1...3, using: &random) : 0
            let drawn = Person(given: "R\(round) N\(row)", sex: Bool.random(using: &random) ? "F" : "M",
                               category: categories.randomElement(using: &random)!,
                               region: regions.randomElement(using: &random)!,
                               household: Int.random(in: 1...12, using: &random),
                               tracks: Array(tracks.shuffled(using: &random).prefix(trackCount)))
            // The women's track is for women (Assets/tracks.json): a man's row would stop the import.
            return Person(given: drawn.given, sex: drawn.sex, category: drawn.category, region: drawn.region,
                          household: drawn.household, tracks: drawn.tracks.filter { $0 != "women_agr" || drawn.sex == "F" })
        }
    }

    /// What a case read back from `retour export --format json` holds.
    struct Seen {
        let number: String
        let family: String
        let given: String
        let sex: String?
        let category: String?
        let region: String?
        let household: Int?
        let tracks: [String]
    }

    static func cases(_ harness: Harness, _ context: String) throws -> [Seen] {
        let export = try harness.run(["export", "--format", "json"])
        try #require(export.status == 0, "\(context): export failed: \(export.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(export.stdout.utf8))
        let items = try #require(json as? [[String: Any]], "\(context): export is not an array of cases")
        return items.map { item in
            let profile = item["profile"] as? [String: Any] ?? [:]
            let plans = item["plans"] as? [[String: Any]] ?? []
            return Seen(number: item["number"] as? String ?? "", family: profile["familyName"] as? String ?? "",
                        given: profile["givenNames"] as? String ?? "", sex: profile["sex"] as? String,
                        category: profile["category"] as? String, region: profile["region"] as? String,
                        household: profile["householdSize"] as? Int, tracks: plans.compactMap { $0["track"] as? String })
        }
    }

    /// The profile of `seen` is the one of `person`, whole.
    static func expectWhole(_ seen: Seen, _ person: Person, _ context: String) {
        #expect(seen.family == "Kill" && seen.sex == person.sex && seen.category == person.category
                    && seen.region == person.region.pcode && seen.household == person.household
                    && seen.number.hasPrefix(person.region.prefix + "-"),
                "\(context): \(person.given) read back as \(seen)")
    }

    /// Rounds on one data directory: a long run starts a new one after so many, so that its
    /// rounds take the same time from the first to the last.
    static let roundsPerDirectory = 40

    @Test func importKilledAtRandomPoints() throws {
        var harness = try Harness()
        defer { harness.cleanUp() }
        var random = Generator(seed: Self.seed)
        /// Every case seen or confirmed so far, by given names, with its tracks: must stay as is.
        var known: [String: (person: Person, tracks: [String])] = [:]
        /// How long imports that ran to their end took, by their number of commits.
        var timings: [(commits: Int, seconds: Double)] = []
        var finished = 0, beforeCommit = 0, afterCommit = 0, midCompaction = 0
        var survived = 0, directories = 1

        // In each directory, rounds 0 and 1, then one in eight, are never killed: they create
        // the directory and measure how long an import runs (of 40 rows, of 1 row, then of any
        // number as the directory grows), so that each kill can be spread over the whole run.
        var round = -1, killRounds = 0
        while killRounds < Self.cliRounds {
            round += 1
            let inDirectory = round % Self.roundsPerDirectory
            if round > 0 && inDirectory == 0 {
                harness.cleanUp()
                harness = try Harness()
                known = [:]
                timings = []
                directories += 1
            }
            let uncut = inDirectory < 2 || inDirectory % 8 == 0
            if !uncut { killRounds += 1 }
            let context = "seed \(Self.seed) round \(round)"
            let people = Self.people(round: round, count: [40, 1].dropFirst(inDirectory).first, &random)
            let commits = people.count + people.reduce(0) { $0 + $1.tracks.count }
            let csv = try harness.write("round.csv", Array((["family_name,given_names,sex,category,region,household_size,track"]
                + people.map(\.csv)).joined(separator: "\n").utf8))
            // Start-up takes most of a run and compaction a small part at the end: one kill in
            // four lands anywhere, two after the start-up (what an import of no row would take),
            // one around the end (the last commits, the compaction, the exit).
            var delay: Double?
            if !uncut {
                let predicted = Self.predict(commits, timings.suffix(8))
                let window: Range<Double>
                switch Int.random(in: 0..<4, using: &random) {
                case 0: window = 0..<predicted * 1.25
                case 3: window = predicted * 0.75..<predicted * 1.1
                default: window = min(Self.predict(0, timings.suffix(8)), predicted * 0.6)..<predicted * 1.25
                }
                delay = Double.random(in: window, using: &random)
            }
            let temporaryBefore = Self.identity(harness.data.appendingPathComponent("snapshot.jsonl.tmp"))
            let run = try Self.runKilled(["import", csv.path, "--user", "kill", "--data", harness.data.path],
                                         after: delay, in: harness.root)
            let status: String
            switch run.outcome {
            case .exited(0):
                timings.append((commits, run.seconds))
                if !uncut { finished += 1 }
                status = "finished"
            case .killed:
                status = "killed after \(Int(delay! * 1000)) ms"
            case .exited(let code):
                Issue.record("\(context): import exited \(code): \(run.stderr)")
                return
            case .signaled(let signal):
                Issue.record("\(context): import died of signal \(signal): \(run.stderr)")
                return
            }
            let context2 = "\(context) (\(status), \(people.count) rows)"
            // A new temporary snapshot left behind: killed while compacting.
            let temporary = Self.identity(harness.data.appendingPathComponent("snapshot.jsonl.tmp"))
            if temporary != nil && temporary != temporaryBefore { midCompaction += 1 }

            let check = try harness.run(["check"])
            #expect(check.status == 0, "\(context2): check: \(check.stdout) \(check.stderr)")
            #expect(Self.lockIsFree(harness.data), "\(context2): retour.lock is still held")
            Self.expectModes(harness.data, context2)

            let seen = try Self.cases(harness, context2)
            var byName: [String: Seen] = [:]
            for item in seen {
                #expect(byName[item.given] == nil, "\(context2): \(item.given) is there twice")
                byName[item.given] = item
            }
            // Nothing seen before is lost or changed.
            for (given, before) in known {
                guard let now = byName[given] else {
                    Issue.record("\(context2): \(given) was there and is gone")
                    continue
                }
                #expect(now.tracks == before.tracks, "\(context2): \(given) had \(before.tracks), now \(now.tracks)")
                Self.expectWhole(now, before.person, context2)
            }
            // This round's rows: an import is one batch, so all of them or none.
            let present = people.filter { byName[$0.given] != nil }.count
            #expect(present == 0 || present == people.count,
                    "\(context2): \(present) of \(people.count) rows are there: an import is all or nothing")
            if run.outcome == .exited(0) {
                #expect(present == people.count, "\(context2): the import said it finished, only \(present) rows are there")
            }
            for person in people {
                guard let now = byName[person.given] else { continue }
                Self.expectWhole(now, person, context2)
                #expect(now.tracks == person.tracks, "\(context2): \(person.given) should be in \(person.tracks), is in \(now.tracks)")
                known[person.given] = (person, now.tracks)
            }
            // Nothing else, and case numbers without a gap in each region, in file order.
            #expect(seen.count == known.count, "\(context2): \(seen.count) cases, \(known.count) expected")
            for region in Self.regions {
                let serials = seen.filter { $0.number.hasPrefix(region.prefix + "-") }
                    .compactMap { Int($0.number.dropFirst(region.prefix.count + 1)) }.sorted()
                #expect(serials == Array(stride(from: 1, through: serials.count, by: 1)),
                        "\(context2): \(region.prefix) numbers \(serials)")
                let thisRound = people.prefix(present).filter { $0.region.prefix == region.prefix }
                    .compactMap { byName[$0.given]?.number }
                #expect(thisRound == thisRound.sorted(), "\(context2): numbers not in file order: \(thisRound)")
            }
            if run.outcome == .killed {
                if present == 0 {
                    beforeCommit += 1
                } else {
                    afterCommit += 1
                }
                survived += 1
            }
        }
        print("kill -9 rounds survived: \(survived) (seed \(Self.seed)): killed \(beforeCommit) times before the import's "
              + "batch was durable (no row kept), \(afterCommit) after (every row kept; \(midCompaction) mid-compaction); "
              + "\(finished) of \(Self.cliRounds) imports finished before their kill; \(round + 1) imports "
              + "in \(directories) data \(directories == 1 ? "directory" : "directories")")
    }

    /// How long an import of `commits` commits should run: a least-squares line through the
    /// timings of imports that ran to their end.
    static func predict(_ commits: Int, _ timings: ArraySlice<(commits: Int, seconds: Double)>) -> Double {
        let count = Double(timings.count)
        let meanX = timings.reduce(0) { $0 + Double($1.commits) } / count
        let meanY = timings.reduce(0) { $0 + $1.seconds } / count
        let spread = timings.reduce(0) { $0 + (Double($1.commits) - meanX) * (Double($1.commits) - meanX) }
        let slope = spread > 0 ? timings.reduce(0) { $0 + (Double($1.commits) - meanX) * ($1.seconds - meanY) } / spread : 0
        let predicted = meanY + max(0, slope) * (Double(commits) - meanX)
        return max(predicted, 0.01)
    }

    // MARK: The case manager

    @Test(.enabled(if: TmuxSession.available))
    func caseManagerKilledWhileTypingSavingOrQuitting() throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        var random = Generator(seed: Self.seed ^ 0x5455_4900)
        var confirmed: [String] = []
        var count = 0
        var survived = 0, savesKept = 0, savesLost = 0
        for round in 1...Self.tuiRounds {
            let mode = ["typing", "saving", "quitting"][(round - 1) % 3]
            let context = "seed \(Self.seed) case manager round \(round) (\(mode))"
            let tmux = try TmuxSession(harness: harness, arguments: ["--user", "oumar"], language: "C.UTF-8")
            defer { tmux.kill() }
            try tmux.goOnWithoutUsers()
            try #require(tmux.waitFor("Cases (\(count))"), "\(context)")
            #expect(!tmux.screen.contains("READ-ONLY"), "\(context): a killed session left the lock held")
            let saved = "T\(round) A", unsaved = "T\(round) B"
            try Self.fill(tmux, given: saved)
            try tmux.keys("F2")
            try #require(tmux.waitFor(String(format: "MPT-%06d registered", count + 1)), "\(context)")
            confirmed.append(saved)
            try tmux.keys("Escape")
            try #require(tmux.waitFor("Search"), "\(context)")
            let pid = try #require(tmux.pid, "\(context): no retour process")
            let delay: Double
            switch mode {
            case "typing":
                try tmux.keys("n")
                try #require(tmux.waitFor("New registration"), "\(context)")
                try tmux.type(String(unsaved.prefix(Int.random(in: 1...unsaved.count, using: &random))))
                delay = Double.random(in: 0..<0.05, using: &random)
            case "saving":
                try Self.fill(tmux, given: unsaved)
                try tmux.keys("F2")
                // The save takes about a millisecond once the key is read.
                delay = Double.random(in: 0..<0.008, using: &random)
            default:
                try tmux.keys("q")
                delay = Double.random(in: 0..<0.02, using: &random)
            }
            Thread.sleep(forTimeInterval: delay)
            kill(pid, SIGKILL)
            let status = tmux.waitForExit()
            #expect(status == 128 + Int(SIGKILL) || (mode == "quitting" && status == 0),
                    "\(context): exit status \(String(describing: status)):\n\(tmux.screen)")
            let context2 = "\(context), killed after \(Int(delay * 1000)) ms"

            let check = try harness.run(["check"])
            #expect(check.status == 0, "\(context2): check: \(check.stdout) \(check.stderr)")
            #expect(Self.lockIsFree(harness.data), "\(context2): retour.lock is still held")
            Self.expectModes(harness.data, context2)
            let seen = try Self.cases(harness, context2)
            let names = seen.map(\.given)
            for given in confirmed {
                #expect(names.filter { $0 == given }.count == 1, "\(context2): \(given) was registered, cases: \(names)")
            }
            for item in seen {
                #expect(item.family == "Kill" && item.sex == "F" && item.category == "idp_returnee" && item.region == "ML05",
                        "\(context2): \(item) is not whole")
            }
            if names.contains(unsaved) {
                // Only a save cut short may or may not have reached the disk.
                #expect(mode == "saving", "\(context2): \(unsaved) was never saved, yet it is there")
                confirmed.append(unsaved)
                savesKept += 1
            } else if mode == "saving" {
                savesLost += 1
            }
            #expect(seen.count == confirmed.count, "\(context2): \(names), expected \(confirmed)")
            let serials = seen.compactMap { Int($0.number.dropFirst(4)) }.sorted()
            #expect(serials == Array(stride(from: 1, through: seen.count, by: 1)), "\(context2): numbers \(serials)")
            count = seen.count
            if status == 128 + Int(SIGKILL) { survived += 1 }
        }
        print("kill -9 rounds survived in the case manager: \(survived) (seed \(Self.seed)): kills right after F2: "
              + "\(savesKept) saved whole, \(savesLost) not saved; \(count) cases")
    }

    /// Opens the registration form and fills it: `Kill`, `given`, female, returned IDP, Mopti.
    static func fill(_ tmux: TmuxSession, given: String) throws {
        try tmux.keys("n")
        tmux.waitFor("New registration")
        try tmux.type("Kill")
        try tmux.keys("Tab")
        try tmux.type(given)
        try tmux.keys("Tab", "Enter", "Enter")  // Female
        for _ in 0..<4 { try tmux.keys("Tab") }
        try tmux.keys("Enter", "Enter")  // Returned IDP
        for _ in 0..<4 { try tmux.keys("Tab") }
        try tmux.keys("Enter", "Down", "Down", "Enter")  // Mopti
        tmux.waitFor("Mopti")
    }

    // MARK: The directory

    /// Inode and modification time of a file, if it exists.
    static func identity(_ file: URL) -> [Int]? {
        var info = stat()
        guard stat(file.path, &info) == 0 else { return nil }
        return [Int(info.st_ino), Int(info.st_mtim.tv_sec), Int(info.st_mtim.tv_nsec)]
    }

    /// Neither the commit lock nor presence is held: the killed session left nothing locked.
    static func lockIsFree(_ data: URL) -> Bool {
        ["retour.lock", "retour.sessions"].allSatisfy { name in
            let fd = open(data.appendingPathComponent(name).path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return errno == ENOENT }
            defer { close(fd) }
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { return false }
            flock(fd, LOCK_UN)
            return true
        }
    }

    /// The directory and `backups/` 0700, every file 0600.
    static func expectModes(_ data: URL, _ context: String) {
        func mode(_ path: String) -> mode_t? {
            var info = stat()
            return lstat(path, &info) == 0 ? info.st_mode & 0o7777 : nil
        }
        #expect(mode(data.path) == 0o700, "\(context): the data directory is \(String(describing: mode(data.path)))")
        for folder in [data, data.appendingPathComponent("backups")] {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] {
                let path = folder.appendingPathComponent(name).path
                let wanted: mode_t = name == "backups" && folder == data ? 0o700 : 0o600
                #expect(mode(path) == wanted, "\(context): \(name) is \(String(format: "%o", mode(path) ?? 0))")
            }
        }
    }

    // MARK: Spawning and killing

    enum Outcome: Equatable {
        case exited(Int32)
        case killed
        case signaled(Int32)
    }

    struct Run {
        let outcome: Outcome
        let seconds: Double
        let stderr: String
        /// When `reached` first held (seconds after the start), if it did.
        var reachedAt: Double?
    }

    /// Runs the binary with `posix_spawn` (its pid is known at once) and sends it SIGKILL
    /// `delay` seconds after it was spawned, unless it ended before; without a delay, waits
    /// for its end (at most a minute). Its output goes to files under `directory`.
    /// Given `reached` (a moment of its work seen from outside, a file appearing), the delay
    /// counts from when it first holds, polled every 0.2 ms; `extra` is added to its environment.
    static func runKilled(_ arguments: [String], after delay: Double?, in directory: URL,
                          environment extra: [String: String] = [:], reached: (() -> Bool)? = nil) throws -> Run {
        let stdoutPath = directory.appendingPathComponent("stdout").path
        let stderrPath = directory.appendingPathComponent("stderr").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var environment = ProcessInfo.processInfo.environment
        environment["LANG"] = "C.UTF-8"
        environment["LC_ALL"] = nil
        environment["LC_MESSAGES"] = nil
        environment.merge(extra) { $1 }
        let argv = [Harness.binary.path] + arguments
        var cArguments = argv.map { strdup($0) } + [nil]
        var cEnvironment = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArguments.forEach { free($0) }
            cEnvironment.forEach { free($0) }
        }
        let clock = ContinuousClock()
        let start = clock.now
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, &cArguments, &cEnvironment)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EINVAL) }

        var status: Int32 = 0
        var reachedAt: Double?
        var exited = false
        func watch() -> Bool {
            if reachedAt == nil, let reached, reached() { reachedAt = seconds(clock.now - start) }
            let reaped = waitpid(pid, &status, WNOHANG)
            exited = reaped == pid || (reaped < 0 && errno != EINTR)
            return exited
        }
        if let delay {
            if reached != nil {
                while reachedAt == nil && !watch() { usleep(200) }
            }
            if !exited {
                // Killing a process that has already exited (a zombie until reaped) does nothing:
                // its status then says it finished.
                let remaining = delay - (seconds(clock.now - start) - (reachedAt ?? 0))
                if remaining > 0 { usleep(useconds_t(remaining * 1_000_000)) }
                kill(pid, SIGKILL)
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            }
        } else {
            while true {
                if watch() { break }
                if seconds(clock.now - start) > 60 {
                    kill(pid, SIGKILL)
                    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                    break
                }
                usleep(reached == nil ? 1000 : 200)
            }
        }
        let elapsed = seconds(clock.now - start)
        let signal = status & 0x7F
        let outcome: Outcome = signal == 0 ? .exited((status >> 8) & 0xFF)
            : signal == SIGKILL && delay != nil ? .killed : .signaled(signal)
        let stderr = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
        return Run(outcome: outcome, seconds: elapsed, stderr: stderr, reachedAt: reachedAt)
    }

    static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
