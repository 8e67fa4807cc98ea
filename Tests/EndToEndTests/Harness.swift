import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Runs the real `retour` binary, directly or inside tmux, on a data directory of its own.
struct Harness {
    let root: URL
    let data: URL

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("retour-e2e-\(UUID().uuidString)")
        data = root.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    /// The binary built beside the test bundle.
    static let binary: URL = {
        var directory = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("retour")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: "retour")
    }()

    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs `retour ARGUMENTS --data DATA` to completion.
    @discardableResult
    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Output {
        let process = Process()
        process.executableURL = Harness.binary
        process.arguments = arguments + ["--data", data.path]
        var env = ProcessInfo.processInfo.environment
        env["LANG"] = "C.UTF-8"
        env["LC_ALL"] = nil
        env["LC_MESSAGES"] = nil
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    func write(_ name: String, _ bytes: [UInt8]) throws -> URL {
        let url = root.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    func cleanUp() {
        try? FileManager.default.removeItem(at: root)
    }
}

/// A tmux server of its own, with the case manager in an 80x24 window.
final class TmuxSession {
    let socket = "retour-e2e-\(UUID().uuidString.prefix(8))"
    let name = "retour"

    static var available: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") }

    /// Starts `retour` in a shell that prints its exit status when it ends (`exit status N`).
    /// `runAs`: a command that runs it as another account (`setpriv …`), before the binary.
    init(harness: Harness, arguments: [String], language: String, width: Int = 80, height: Int = 24,
         data: URL? = nil, runAs: [String] = [], binary: URL = Harness.binary, unblockingSignals: Bool = false,
         environment: [String: String] = [:]) throws {
        let extra = environment.sorted { $0.key < $1.key }.map { "'\($0.key)=\($0.value)' " }.joined()
        let command = "env LANG=\(language) LC_ALL= TERM=xterm-256color " + extra
            + (runAs + [binary.path]).map { "'\($0)'" }.joined(separator: " ") + " "
            + (arguments + ["--data", (data ?? harness.data).path]).map { "'\($0)'" }.joined(separator: " ")
            + "; echo \"exit status $?\""
        try startServer(["new-session", "-d", "-s", name, "-x", String(width), "-y", String(height), command],
                        unblockingSignals: unblockingSignals)
        try tmux(["set-option", "-t", name, "remain-on-exit", "on"])
    }

    @discardableResult
    func tmux(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/tmux")
        process.arguments = ["-L", socket, "-f", "/dev/null"] + arguments
        process.standardInput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// Starts the tmux server with `posix_spawn` and `waitpid`: the server daemonises and would
    /// keep Foundation's process-watching descriptors open, so `Process` would wait forever.
    private func startServer(_ arguments: [String], unblockingSignals: Bool) throws {
        let argv = ["/usr/bin/tmux", "-L", socket, "-f", "/dev/null"] + arguments
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for descriptor: Int32 in 0...2 {
            posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        // With `unblockingSignals`, the signals the test runner's thread blocks are not the
        // program's: a Ctrl-C (SIGINT) sent to it acts as it does at a shell.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        if unblockingSignals {
            var none = sigset_t()
            sigemptyset(&none)
            posix_spawnattr_setsigmask(&attributes, &none)
            posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, &attributes, &cArguments, environ)
        guard spawned == 0 else { throw CocoaError(.executableLoad) }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }

    var screen: String {
        (try? tmux(["capture-pane", "-p", "-t", name])) ?? ""
    }

    /// Sends tmux key names (`Enter`, `Escape`, `F2`, `Tab`) or literal text (`-l`).
    func keys(_ names: String...) throws {
        try tmux(["send-keys", "-t", name] + names)
    }

    func type(_ text: String) throws {
        try tmux(["send-keys", "-t", name, "-l", text])
    }

    /// Waits until the screen shows `text` (never a fixed sleep); fails with the screen.
    @discardableResult
    func waitFor(_ text: String, timeout: TimeInterval = 15, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if screen.contains(text) { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        Issue.record("screen never showed \"\(text)\":\n\(screen)", sourceLocation: sourceLocation)
        return false
    }

    /// On a directory without users the case manager first offers to create the administrator:
    /// goes on without users (F2), as a directory did before sign-in existed.
    func goOnWithoutUsers(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline && !(screen.contains("First start") || screen.contains("Premier démarrage")) {
            Thread.sleep(forTimeInterval: 0.05)
        }
        guard screen.contains("F2") else {
            Issue.record("no first-start screen:\n\(screen)", sourceLocation: sourceLocation)
            return
        }
        try keys("F2")
    }

    /// Waits until `retour` has exited; returns its exit status, as the shell printed it.
    func waitForExit(timeout: TimeInterval = 15) -> Int? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            // A killed program leaves the screen as it was: the line may be printed anywhere,
            // even wrapped at the right edge (`-J` joins wrapped lines).
            let text = (try? tmux(["capture-pane", "-p", "-J", "-t", name])) ?? ""
            if let found = text.range(of: "exit status ", options: .backwards) {
                return Int(text[found.upperBound...].prefix { $0.isNumber })
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return nil
    }

    /// The process id of `retour` (the child of the pane's shell).
    var pid: Int32? {
        guard let shell = (try? tmux(["display-message", "-p", "-t", name, "#{pane_pid}"]))
            .flatMap({ Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) else { return nil }
        let children = (try? String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)) ?? ""
        return children.split(separator: " ").first.flatMap { Int32($0) }
    }

    /// Ends the program (if still running) and the tmux server.
    func kill() {
        if let pid { Glibc.kill(pid, SIGKILL) }
        let server = (try? tmux(["display-message", "-p", "#{pid}"])).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        _ = try? tmux(["kill-server"])
        // A server started from a test process does not always exit on kill-server.
        if let server { Glibc.kill(server, SIGKILL) }
    }
}
