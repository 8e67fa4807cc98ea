import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `retour import` given what is not a spreadsheet (a device, a pipe, a folder) or asked for
/// more fictitious people than it makes: one line, in bounded time and memory.
@Suite("Import: bounded whatever the input", .serialized)
struct ImportBoundsTests {
    /// What a run of the real binary took.
    struct Measured {
        let status: Int32
        let stderr: String
        let seconds: Double
        /// Peak resident memory of the child, in MB (10⁶ bytes).
        let peakMB: Double
        /// Killed for running past the time or memory allowed.
        let killed: Bool
    }

    /// Runs `retour ARGUMENTS --data DATA` with its own rusage (wait4), killed once it passes
    /// `seconds` or 1 GB of memory so that a failing test cannot exhaust the machine.
    static func measure(_ harness: Harness, _ arguments: [String], seconds limit: Double = 30,
                        environment extra: [String: String] = [:]) throws -> Measured {
        let errors = harness.root.appendingPathComponent("stderr-\(UUID().uuidString)")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, errors.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = [Harness.binary.path] + arguments + ["--data", harness.data.path, "--lang", "en"]
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var environment = ProcessInfo.processInfo.environment
        environment["LANG"] = "C.UTF-8"
        environment.merge(extra) { _, new in new }
        var cEnvironment = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { cEnvironment.forEach { free($0) } }
        var pid: pid_t = 0
        let started = Date()
        let spawned = posix_spawn(&pid, Harness.binary.path, &actions, nil, &cArguments, &cEnvironment)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EINVAL) }
        var status: Int32 = 0
        var usage = rusage()
        var killed = false
        // The peak is read from the child's own memory (VmHWM) while it runs: wait4's ru_maxrss
        // starts from the parent's peak, since posix_spawn shares the parent's memory until exec,
        // and so grows with the test runner rather than with the command measured.
        var peak = 0.0
        while true {
            peak = max(peak, memoryMB(pid, "VmHWM:"))
            let waited = wait4(pid, &status, WNOHANG, &usage)
            if waited == pid { break }
            if !killed && (Date().timeIntervalSince(started) > limit || memoryMB(pid, "VmRSS:") > 1_000) {
                kill(pid, SIGKILL)
                killed = true
            }
            // Often at first: a refusal takes a few milliseconds, and its peak is read only while it runs.
            usleep(Date().timeIntervalSince(started) < 0.1 ? 1_000 : 20_000)
        }
        let exited = (status & 0x7f) == 0
        return Measured(status: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f),
                        stderr: (try? String(contentsOf: errors, encoding: .utf8)) ?? "",
                        seconds: Date().timeIntervalSince(started),
                        peakMB: peak, killed: killed)
    }

    /// A running process's resident memory (`VmRSS:`) or its peak (`VmHWM:`), from /proc, in MB.
    static func memoryMB(_ pid: pid_t, _ field: String) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field) }),
              let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kilobytes * 1024 / 1e6
    }

    /// One line on stderr, a failure status, within seconds and 200 MB.
    static func expectOneLineRefusal(_ run: Measured, containing text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!run.killed, "killed after \(run.seconds) s, \(run.peakMB) MB", sourceLocation: sourceLocation)
        #expect(run.status == 1, "status \(run.status): \(run.stderr)", sourceLocation: sourceLocation)
        #expect(run.stderr.split(separator: "\n").count == 1, "\(run.stderr.prefix(2_000))", sourceLocation: sourceLocation)
        #expect(run.stderr.contains(text), "\(run.stderr.prefix(2_000))", sourceLocation: sourceLocation)
        #expect(run.seconds < 10, sourceLocation: sourceLocation)
        #expect(run.peakMB < 200, "\(run.peakMB) MB", sourceLocation: sourceLocation)
        // Read while it ran: a process gone within the first reading leaves none.
        #expect(run.peakMB > 1 || run.seconds < 0.05, "no peak read in \(run.seconds) s", sourceLocation: sourceLocation)
    }

    @Test(arguments: ["/dev/zero", "/dev/urandom"])
    func aDeviceIsRefusedBeforeReading(device: String) throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let run = try Self.measure(harness, ["import", device])
        Self.expectOneLineRefusal(run, containing: "retour: \(device) is not a regular file")
        #expect(!FileManager.default.fileExists(atPath: harness.data.path))
    }

    @Test func aPipeIsRefusedWithoutWaitingForAWriter() throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let fifo = harness.root.appendingPathComponent("people.csv")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        let run = try Self.measure(harness, ["import", fifo.path])
        Self.expectOneLineRefusal(run, containing: "is not a regular file")
    }

    @Test func aFolderIsRefused() throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let run = try Self.measure(harness, ["import", harness.root.path])
        Self.expectOneLineRefusal(run, containing: "is not a regular file")
    }

    @Test func aNameOfOneMegabyteIsOneLineNamingItsRow() throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let file = try harness.write("people.csv", Array("nom;prénoms;sexe;catégorie;région\n".utf8)
            + [UInt8](repeating: UInt8(ascii: "A"), count: 1 << 20) + Array(";Awa;F;PDI retourné;Gao\n".utf8))
        let run = try Self.measure(harness, ["import", file.path])
        Self.expectOneLineRefusal(run, containing: "retour: row 2, column nom: a field longer than 131072 bytes")
    }

    @Test(arguments: [["0"], ["-5"], ["--generate=-5"], ["100001"], ["99999999999"], ["99999999999999999999"], ["abc"],
                      ["--generate=1e3"], ["--generate"]])
    func generateOutsideItsRangeIsOneLine(value: [String]) throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let arguments = value[0].hasPrefix("--") ? ["import"] + value : ["import", "--generate"] + value
        let run = try Self.measure(harness, arguments)
        Self.expectOneLineRefusal(run, containing: "retour: --generate needs a number of people from 1 to 100000.")
        #expect(!FileManager.default.fileExists(atPath: harness.data.path))
    }

    /// Fictitious people go only into a data directory without users (everyone reads them):
    /// into one with users but no cases yet, the refusal is one line and nothing is saved.
    @Test func generatingIntoADirectoryWithUsersIsOneLine() throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let added = try harness.run(["users", "add", "admin", "--name", "Admin", "--role", "administrator", "--team", "gao"],
                                    environment: ["RETOUR_NEW_PIN": "pin12345"])
        #expect(added.status == 0, "\(added.stderr)")
        let journal = harness.data.appendingPathComponent("journal.jsonl")
        let before = try Data(contentsOf: journal)
        let run = try Self.measure(harness, ["import", "--generate", "50"],
                                   environment: ["RETOUR_USER": "admin", "RETOUR_PIN": "pin12345"])
        Self.expectOneLineRefusal(run, containing: "retour: Fictitious people can only be generated into an empty data directory")
        #expect(try Data(contentsOf: journal) == before)
    }

    /// A file refused whole writes nothing: no data directory is made for it.
    @Test(arguments: [
        ("a header without the required columns", "name,village\nAwa,Bara\n", "lacks required columns"),
        ("a quote never closed", "nom;prénoms;sexe;catégorie;région\nMaïga;\"Awa;F;PDI retourné;Gao\n", "never closed"),
        ("a control character", "nom;prénoms;sexe;catégorie;région\nMa\u{1B}]0;x\u{7}ïga;Awa;F;PDI retourné;Gao\n", "control character"),
    ])
    func aRefusedImportMakesNoDataDirectory(label: String, file: String, said: String) throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let csv = try harness.write("people.csv", Array(file.utf8))
        let run = try Self.measure(harness, ["import", csv.path])
        #expect(run.status == 1, "\(label): \(run.stderr)")
        #expect(run.stderr.contains(said), "\(label): \(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: harness.data.path), "\(label): the data directory was made")
    }
}
