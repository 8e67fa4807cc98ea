import Foundation
import RetourCore
import RetourDemo
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `kill -9` of several writing processes at once on one data directory.
///
/// Each round starts `processes` imports together (`retour import`, each its own session and
/// its own batch), and kills each after a delay of its own drawn over the run of an import
/// (start-up, the wait for the commit lock, the batch under it, the compaction of the last one
/// to close), or lets it finish. The first round of each directory is never killed: it measures
/// how long a round of imports runs. After each round: `retour check` exits 0, neither lock is
/// held, modes are 0700/0600, every import that said it finished is there whole, a killed one
/// whole or absent, nothing seen before is lost, and each region's numbers are unique and
/// gapless.
///
/// The seed is `KillLoopTests.seed` (`RETOUR_KILL_SEED`); `RETOUR_WRITERS_KILL_ROUNDS` sets
/// the number of rounds.
@Suite(.serialized)
struct WritersKillLoopTests {
    static let rounds = KillLoopTests.environment["RETOUR_WRITERS_KILL_ROUNDS"].flatMap { Int($0) }.map { max(1, $0) } ?? 8
    static let processes = 4

    /// A process started with `posix_spawn`, its output in files.
    struct Child {
        let pid: pid_t
        let stderr: URL
        var deadline: Double?
        var outcome: KillLoopTests.Outcome?
        var seconds = 0.0
    }

    static func spawn(_ arguments: [String], output: URL) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, output.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var environment = ProcessInfo.processInfo.environment
        environment["LANG"] = "C.UTF-8"
        environment["LC_ALL"] = nil
        environment["LC_MESSAGES"] = nil
        let argv = [Harness.binary.path] + arguments
        var cArguments = argv.map { strdup($0) } + [nil]
        var cEnvironment = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArguments.forEach { free($0) }
            cEnvironment.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, &cArguments, &cEnvironment)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EINVAL) }
        return pid
    }

    /// Starts every import at once, kills each at its deadline (seconds after the start)
    /// unless it ended before, and reaps them all (at most a minute).
    static func runTogether(_ imports: [[String]], deadlines: [Double?], in directory: URL) throws -> [Child] {
        let clock = ContinuousClock()
        let start = clock.now
        var children = try imports.enumerated().map { index, arguments in
            let stderr = directory.appendingPathComponent("stderr\(index)")
            return Child(pid: try spawn(arguments, output: stderr), stderr: stderr, deadline: deadlines[index])
        }
        while children.contains(where: { $0.outcome == nil }) {
            let now = KillLoopTests.seconds(clock.now - start)
            for index in children.indices where children[index].outcome == nil {
                var status: Int32 = 0
                if let deadline = children[index].deadline, now >= deadline || now > 60 {
                    kill(children[index].pid, SIGKILL)
                } else if now > 60 {
                    kill(children[index].pid, SIGKILL)
                }
                let reaped = waitpid(children[index].pid, &status, WNOHANG)
                guard reaped == children[index].pid else { continue }
                let signal = status & 0x7F
                children[index].seconds = now
                children[index].outcome = signal == 0 ? .exited((status >> 8) & 0xFF)
                    : signal == SIGKILL && children[index].deadline != nil ? .killed : .signaled(signal)
            }
            usleep(500)
        }
        return children
    }

    @Test func severalImportsKilledAtOnce() throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        var random = KillLoopTests.Generator(seed: KillLoopTests.seed ^ 0x5752_4954)
        var known: [String: KillLoopTests.Person] = [:]
        var roundSeconds = 1.0
        var finished = 0, killedKept = 0, killedNone = 0, midCompaction = 0
        for round in 0..<Self.rounds {
            let context = "seed \(KillLoopTests.seed) writers round \(round)"
            var people: [[KillLoopTests.Person]] = []
            var imports: [[String]] = []
            var deadlines: [Double?] = []
            for process in 0..<Self.processes {
                let drawn = KillLoopTests.people(round: round, count: Int.random(in: 1...6, using: &random), &random).map {
                    KillLoopTests.Person(given: "\($0.given) P\(process)", sex: $0.sex, category: $0.category, region: $0.region,
                                         household: $0.household, tracks: $0.tracks)
                }
                people.append(drawn)
                let csv = try harness.write("round\(process).csv", Array((["family_name,given_names,sex,category,region,household_size,track"]
                    + drawn.map(\.csv)).joined(separator: "\n").utf8))
                imports.append(["import", csv.path, "--allow-duplicates", "--user", "kill\(process)", "--data", harness.data.path])
                // One in four finishes; the others die somewhere in a round's run, half of them
                // near its end (the batches under the lock, the last one's compaction).
                let window = Bool.random(using: &random) ? roundSeconds * 0.1..<roundSeconds : roundSeconds * 0.6..<roundSeconds * 1.05
                deadlines.append(round == 0 || Int.random(in: 0..<4, using: &random) == 0
                                 ? nil : Double.random(in: window, using: &random))
            }
            let temporaryBefore = KillLoopTests.identity(harness.data.appendingPathComponent("snapshot.jsonl.tmp"))
            let children = try Self.runTogether(imports, deadlines: deadlines, in: harness.root)
            if round == 0 { roundSeconds = max(0.05, children.map(\.seconds).max() ?? 1) }
            let temporary = KillLoopTests.identity(harness.data.appendingPathComponent("snapshot.jsonl.tmp"))
            if temporary != nil && temporary != temporaryBefore { midCompaction += 1 }
            for (index, child) in children.enumerated() {
                switch child.outcome {
                case .exited(0)?, .killed?:
                    break
                default:
                    let stderr = (try? String(contentsOf: child.stderr, encoding: .utf8)) ?? ""
                    Issue.record("\(context): import \(index) ended \(String(describing: child.outcome)): \(stderr)")
                }
            }

            let check = try harness.run(["check"])
            #expect(check.status == 0, "\(context): check: \(check.stdout) \(check.stderr)")
            #expect(KillLoopTests.lockIsFree(harness.data), "\(context): a lock is still held")
            KillLoopTests.expectModes(harness.data, context)

            let seen = try KillLoopTests.cases(harness, context)
            var byName: [String: KillLoopTests.Seen] = [:]
            for item in seen {
                #expect(byName[item.given] == nil, "\(context): \(item.given) is there twice")
                byName[item.given] = item
            }
            for (given, before) in known {
                guard let now = byName[given] else {
                    Issue.record("\(context): \(given) was there and is gone")
                    continue
                }
                KillLoopTests.expectWhole(now, before, context)
            }
            for (index, child) in children.enumerated() {
                let rows = people[index]
                let present = rows.filter { byName[$0.given] != nil }.count
                #expect(present == 0 || present == rows.count,
                        "\(context): import \(index): \(present) of \(rows.count) rows: an import is all or nothing")
                if child.outcome == .exited(0) {
                    finished += 1
                    #expect(present == rows.count, "\(context): import \(index) said it finished, \(present) rows are there")
                } else if present == 0 {
                    killedNone += 1
                } else {
                    killedKept += 1
                }
                for person in rows {
                    guard let now = byName[person.given] else { continue }
                    KillLoopTests.expectWhole(now, person, context)
                    #expect(now.tracks == person.tracks, "\(context): \(person.given) in \(now.tracks), not \(person.tracks)")
                    known[person.given] = person
                }
            }
            #expect(seen.count == known.count, "\(context): \(seen.count) cases, \(known.count) expected")
            for region in KillLoopTests.regions {
                let serials = seen.filter { $0.number.hasPrefix(region.prefix + "-") }
                    .compactMap { Int($0.number.dropFirst(region.prefix.count + 1)) }.sorted()
                #expect(serials == Array(stride(from: 1, through: serials.count, by: 1)), "\(context): \(region.prefix) \(serials)")
            }
        }
        print("several writers killed at once (seed \(KillLoopTests.seed)): \(Self.rounds) rounds of \(Self.processes) imports; "
              + "\(finished) finished, \(killedKept) killed after their batch was durable, \(killedNone) killed before; "
              + "\(midCompaction) rounds left a compaction's temporary snapshot; \(known.count) cases")
        #expect(killedKept + killedNone > 0)
    }
}
