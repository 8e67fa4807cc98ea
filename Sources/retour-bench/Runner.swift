#if canImport(Glibc)
import Glibc
#endif
import Foundation
import RetourCore

struct BenchError: Error, CustomStringConvertible {
    let description: String
}

/// Child processes: the probe (this program again) and the Python reference.
enum Runner {
    /// A probe's report, with its times counted from the moment the parent spawned it.
    struct ProbeRun {
        let report: ProbeReport
        /// Spawn to the list ready to draw, in seconds.
        let listReady: Double
        /// Spawn to the probe command starting (process start, runtime, argument parsing), in seconds.
        let toCommand: Double
    }

    /// Runs `retour-bench probe` in a new process and reads its one-line report.
    /// `login`: signed in as that user with `pin`.
    static func probe(directory: URL, openOnly: Bool, login: String? = nil, pin: String = "") throws -> ProbeRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = ["probe", "--data", directory.path] + (openOnly ? ["--open-only"] : [])
            + (login.map { ["--login", $0] } ?? [])
        var environment = ProcessInfo.processInfo.environment
        environment[PIN.variable] = pin
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        let spawnedAt = Measure.monotonicNanoseconds()
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchError(description: "the probe of \(directory.path) failed (status \(process.terminationStatus))")
        }
        let line = data.split(separator: 0x0A).last ?? Data()
        let report = try JSONDecoder().decode(ProbeReport.self, from: Data(line))
        return ProbeRun(report: report,
                        listReady: Double(report.readyAt &- spawnedAt) / 1e9,
                        toCommand: Double(report.startedAt &- spawnedAt) / 1e9)
    }

    /// The Python interpreter itself, not a wrapper script in front of it (version managers put
    /// shell scripts named `python3` on the PATH, whose start would be counted). Nil without Python.
    static func pythonExecutable() -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import sys; print(sys.executable)"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let path = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
              !path.isEmpty else {
            Log.line("python3 not found: the python column stays empty")
            return nil
        }
        return path
    }

    /// Wall time, in seconds, of a whole Python process that parses every line of `files`.
    static func pythonLoad(_ python: String, files: [String]) throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", "import json, sys\nfor p in sys.argv[1:]: [json.loads(l) for l in open(p, encoding='utf-8')]"] + files
        process.standardOutput = FileHandle.nullDevice
        let start = Measure.monotonicNanoseconds()
        try process.run()
        process.waitUntilExit()
        let seconds = Double(Measure.monotonicNanoseconds() - start) / 1e9
        guard process.terminationStatus == 0 else {
            throw BenchError(description: "python3 could not load the data (status \(process.terminationStatus))")
        }
        return seconds
    }

    /// A new private directory under the system's temporary directory.
    static func temporaryDirectory() throws -> URL {
        var template = Array(FileManager.default.temporaryDirectory.appendingPathComponent("retour-bench-XXXXXX").path.utf8CString)
        guard let path = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw BenchError(description: "cannot create a temporary directory")
        }
        return URL(fileURLWithPath: String(cString: path))
    }
}
