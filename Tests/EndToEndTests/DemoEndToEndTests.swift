import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `retour demo`: the office made and reopened, refused where real data lies, and marked in
/// everything that comes out of it.
@Suite("retour demo, end to end", .serialized)
struct DemoEndToEndTests {
    static let banner = "DEMO — fictitious data"
    static let signedIn = ["RETOUR_USER": "admin", "RETOUR_PIN": "demo1234"]

    /// Runs `retour ARGUMENTS` without the harness's `--data`, with `environment` added.
    private func run(_ arguments: [String], environment: [String: String]) throws -> Harness.Output {
        let process = Process()
        process.executableURL = Harness.binary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["LANG"] = "C.UTF-8"
        env["LC_ALL"] = nil
        env["LC_MESSAGES"] = nil
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Harness.Output(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                              stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Every file under `directory` (relative path → bytes).
    private func files(_ directory: URL) -> [String: Data] {
        var found: [String: Data] = [:]
        let paths = FileManager.default.subpaths(atPath: directory.path) ?? []
        for path in paths {
            let url = directory.appendingPathComponent(path)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                found[path] = try? Data(contentsOf: url)
            } else {
                found[path + "/"] = Data()
            }
        }
        return found
    }

    @Test func aScriptMakesTheOfficeSaysWhereAndEveryCommandOnItSaysItIsADemo() throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let made = try harness.run(["demo", "--cases", "40", "--seed", "3"], environment: [:])
        #expect(made.status == 0, "\(made.stderr)")
        #expect(made.stdout.contains(harness.data.path), "\(made.stdout)")
        #expect(made.stdout.contains("40 fictitious cases"))
        #expect(made.stdout.contains("demo1234") && made.stdout.contains("admin"))
        #expect(made.stderr.contains(Self.banner))
        // The mark is a field of the snapshot's header, not the directory's name.
        let header = try String(contentsOf: harness.data.appendingPathComponent("snapshot.jsonl"), encoding: .utf8)
            .prefix { $0 != "\n" }
        #expect(header.contains("\"demo\""), "\(header)")

        let list = try harness.run(["list"], environment: Self.signedIn)
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stderr.contains(Self.banner))
        let french = try harness.run(["list", "--lang", "fr"], environment: Self.signedIn)
        #expect(french.stderr.contains("DÉMO — données fictives"))

        // Opened again: the same office, not a new one.
        let again = try harness.run(["demo"], environment: [:])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("40 fictitious cases") && again.stdout.contains("seed 3"), "\(again.stdout)")

        // Nothing generated goes into it: it holds cases already.
        let generate = try harness.run(["import", "--generate", "5"], environment: Self.signedIn)
        #expect(generate.status != 0)
    }

    @Test func exportsAndReportsFromADemoAreMarkedInTheirNameAndFirstLine() throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        #expect(try harness.run(["demo", "--cases", "30"], environment: [:]).status == 0)

        let folder = harness.root.appendingPathComponent("export")
        let csv = try harness.run(["export", "--out", folder.path], environment: Self.signedIn)
        #expect(csv.status == 0, "\(csv.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(!names.isEmpty && names.allSatisfy { $0.hasPrefix("DEMO-") }, "\(names)")
        for name in names {
            let text = String(decoding: try Data(contentsOf: folder.appendingPathComponent(name)), as: UTF8.self)
            #expect(text.hasPrefix("\u{FEFF}" + Self.banner + "\r\n"), "\(name): \(text.prefix(60))")
        }
        let stdout = try harness.run(["export"], environment: Self.signedIn)
        #expect(stdout.stdout.hasPrefix("\u{FEFF}" + Self.banner + "\r\n") || stdout.stdout.hasPrefix(Self.banner + "\r\n"),
                "\(stdout.stdout.prefix(60))")

        let json = harness.root.appendingPathComponent("cases.json")
        #expect(try harness.run(["export", "--format", "json", "--out", json.path], environment: Self.signedIn).status == 0)
        #expect(!FileManager.default.fileExists(atPath: json.path))
        let marked = try Data(contentsOf: harness.root.appendingPathComponent("DEMO-cases.json"))
        let object = try JSONSerialization.jsonObject(with: marked) as? [String: Any]
        #expect(object?["demo"] as? String == Self.banner)
        #expect((object?["cases"] as? [Any])?.count == 30)

        for format in ["text", "md", "csv", "json"] {
            let out = harness.root.appendingPathComponent("report.\(format)")
            let report = try harness.run(["report", "--format", format, "--out", out.path], environment: Self.signedIn)
            #expect(report.status == 0, "\(report.stderr)")
            let text = try String(contentsOf: harness.root.appendingPathComponent("DEMO-report.\(format)"), encoding: .utf8)
            let first = text.prefix { $0 != "\n" && $0 != "\r" }
            #expect(first.contains(Self.banner), "\(format): \(first)")
        }
        let shown = try harness.run(["report"], environment: Self.signedIn)
        #expect(shown.stdout.hasPrefix(Self.banner + "\n"), "\(shown.stdout.prefix(80))")
        // Nothing of a real directory is marked.
        let real = try Harness()
        defer { real.cleanUp() }
        #expect(try real.run(["import", "--generate", "5"]).status == 0)
        let plain = try real.run(["report"])
        #expect(!plain.stdout.contains("DEMO") && !plain.stderr.contains("DEMO"))
    }

    @Test func resetPutsTheOfficeBackToItsSeed() throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        #expect(try harness.run(["demo", "--cases", "25", "--seed", "9"], environment: [:]).status == 0)
        let before = try harness.run(["export", "--format", "json"], environment: Self.signedIn).stdout
        // A training adds to it…
        let folder = harness.root.appendingPathComponent("x")
        #expect(try harness.run(["export", "--out", folder.path], environment: Self.signedIn).status == 0)
        #expect(try harness.run(["audit"], environment: Self.signedIn).stdout.contains("export"))
        let reset = try harness.run(["demo", "--reset"], environment: [:])
        #expect(reset.status == 0, "\(reset.stderr)")
        #expect(reset.stdout.contains("25 fictitious cases") && reset.stdout.contains("seed 9"), "\(reset.stdout)")
        // Said on stderr, in one line, before the case manager would open.
        #expect(reset.stderr.contains("Demonstration office put back to its seed (25 people)."), "\(reset.stderr)")
        // …and the reset forgets it.
        #expect(!(try harness.run(["audit"], environment: Self.signedIn).stdout.contains("export")))
        let after = try harness.run(["export", "--format", "json"], environment: Self.signedIn).stdout
        #expect(before == after)
        #expect(!before.isEmpty)
    }

    @Test func aDirectoryOfRealDataIsRefusedAndLeftAsItWas() throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        #expect(try harness.run(["import", "--generate", "5"]).status == 0)
        let before = files(harness.data)
        #expect(!before.isEmpty)
        for arguments in [["demo"], ["demo", "--reset"], ["demo", "--cases", "10", "--seed", "2"]] {
            let refused = try harness.run(arguments, environment: [:])
            #expect(refused.status == 1, "\(arguments)")
            #expect(refused.stderr.contains("holds real data"), "\(refused.stderr)")
            #expect(!refused.stderr.contains(Self.banner))
            #expect(files(harness.data) == before, "\(arguments)")
        }
        // Not even a folder of other files.
        let other = harness.root.appendingPathComponent("papers")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        try Data("budget".utf8).write(to: other.appendingPathComponent("budget.txt"))
        #expect(try run(["demo", "--data", other.path], environment: [:]).status == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: other.path) == ["budget.txt"])
    }

    @Test func theDefaultOfficeIsBesideTheDataDirectoryNeverInIt() throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let real = harness.root.appendingPathComponent("retour")
        let environment = ["RETOUR_DATA": real.path]
        let made = try run(["demo", "--cases", "12"], environment: environment)
        #expect(made.status == 0, "\(made.stderr)")
        let demo = harness.root.appendingPathComponent("demo")
        #expect(FileManager.default.fileExists(atPath: demo.appendingPathComponent("snapshot.jsonl").path))
        #expect(!FileManager.default.fileExists(atPath: real.path))
        #expect(made.stdout.contains(demo.path))
        // The real directory itself, even empty, never becomes a demo.
        let refused = try run(["demo", "--data", real.path], environment: environment)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("data directory of real cases"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: real.path))
    }

    @Test func onATerminalTheDemoOpensWithItsBannerAndPIN() throws {
        guard TmuxSession.available else { return }
        let harness = try Harness()
        defer { harness.cleanUp() }
        let tmux = try TmuxSession(harness: harness, arguments: ["demo", "--cases", "20", "--user", "admin", "--tour"],
                                   language: "C.UTF-8")
        defer { tmux.kill() }
        #expect(tmux.waitFor("demo1234", timeout: 60))
        #expect(tmux.screen.split(separator: "\n").first?.contains(Self.banner) == true, "\(tmux.screen)")
        try tmux.type("demo1234")
        try tmux.keys("Enter")
        #expect(tmux.waitFor("Cases (20)"))
        #expect(tmux.screen.split(separator: "\n").first?.contains(Self.banner) == true, "\(tmux.screen)")
        // The guided tour, shown from the start (--tour): its first lesson asks for a case
        // worker, and says how to get back to it.
        #expect(tmux.waitFor("Lesson 1 of 13"))
        #expect(tmux.waitFor("Sign in as a case worker"))
        try tmux.keys("F9")
        try tmux.keys("d")
        #expect(tmux.waitFor("Dashboard — "))
        #expect(tmux.screen.split(separator: "\n").first?.contains(Self.banner) == true, "\(tmux.screen)")
        try tmux.keys("Escape")
        // Signing out gives the sign-in screen, with the banner and the PIN, back; F10 there quits.
        try tmux.keys("F10")
        #expect(tmux.waitFor("demo1234"))
        #expect(tmux.screen.split(separator: "\n").first?.contains(Self.banner) == true, "\(tmux.screen)")
        try tmux.keys("F10")
        #expect(tmux.waitForExit(timeout: 30) == 0)
    }
}

/// The guided tour in the real program, in French and without colours: the first three
/// lessons done with the trainee's keys, the ten others with "show me" alone; quitting, then
/// `retour demo --reset`, gives the office of its seed back, the tour's progress gone.
@Suite("The guided tour, end to end", .serialized)
struct GuidedTourEndToEndTests {
    static let signedIn = ["RETOUR_USER": "admin", "RETOUR_PIN": "demo1234"]

    /// The first text between « and » on the screen (the search the lesson suggests).
    private func quoted(_ screen: String) -> String? {
        guard let open = screen.range(of: "«"), let close = screen.range(of: "»", range: open.upperBound..<screen.endIndex) else { return nil }
        return screen[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: "\u{00A0}")))
    }

    /// The first case number on the screen's lesson box (below its title row).
    private func caseNumber(after title: String, in screen: String) -> String? {
        guard let start = screen.range(of: title) else { return nil }
        let rest = String(screen[start.upperBound...])
        guard let range = rest.range(of: "[A-Z]{3}-[0-9]{6}", options: .regularExpression) else { return nil }
        return String(rest[range])
    }

    @Test func theTourInFrenchByKeysThenByShowMeAndTheResetBringsTheSeedBack() throws {
        guard TmuxSession.available else { return }
        let harness = try Harness()
        defer { harness.cleanUp() }
        let made = try harness.run(["demo", "--cases", "60", "--seed", "5"], environment: [:])
        #expect(made.status == 0, "\(made.stderr)")
        let seedList = try harness.run(["list"], environment: Self.signedIn)
        #expect(seedList.status == 0, "\(seedList.stderr)")

        let tmux = try TmuxSession(harness: harness, arguments: ["demo", "--tour", "--lang", "fr"], language: "C.UTF-8",
                                   environment: ["RETOUR_TOUR_TICK_MS": "100", "NO_COLOR": "1"])
        defer { tmux.kill() }
        #expect(tmux.waitFor("Leçon 1 sur 13", timeout: 60))
        // 1. Signing in as the worker, by the trainee's keys.
        try tmux.type("a.maiga")
        try tmux.keys("Enter")
        try tmux.type("demo1234")
        try tmux.keys("Enter")
        // What happened since the last sign-in, in a panel over the box: Esc closes it.
        #expect(tmux.waitFor("Dossiers (", timeout: 30))
        try tmux.keys("Escape")
        #expect(tmux.waitFor("Fait. F8", timeout: 30), "\(tmux.screen)")
        try tmux.keys("F8")
        // 2. The search the box suggests.
        #expect(tmux.waitFor("Leçon 2 sur 13"))
        let search = try #require(quoted(tmux.screen), "\(tmux.screen)")
        try tmux.type("/")
        try tmux.type(search)
        #expect(tmux.waitFor("Fait. F8"), "\(tmux.screen)")
        try tmux.keys("F8")
        // 3. The person's case, each tab.
        #expect(tmux.waitFor("Leçon 3 sur 13"))
        let number = try #require(caseNumber(after: "Leçon 3 sur 13", in: tmux.screen), "\(tmux.screen)")
        try tmux.keys("Escape")
        try tmux.type("/")
        try tmux.type(number)
        try tmux.keys("Enter")
        #expect(tmux.waitFor(number + " · "))
        for tab in "234567" { try tmux.type(String(tab)) }
        #expect(tmux.waitFor("Fait. F8"), "\(tmux.screen)")
        // 4 to 13: "show me" alone.
        for lesson in 4...13 {
            try tmux.keys("F8")
            #expect(tmux.waitFor("Leçon \(lesson) sur 13"), "\(tmux.screen)")
            try tmux.keys("F5")
            let done = lesson == 13 ? "c'était la dernière leçon" : "Fait. F8"
            #expect(tmux.waitFor(done, timeout: 90), "lesson \(lesson): \(tmux.screen)")
            #expect(tmux.screen.split(separator: "\n").first?.contains("DÉMO — données fictives") == true, "\(tmux.screen)")
        }
        // Quit: signing out, then F10 on the sign-in screen.
        try tmux.keys("F10")
        #expect(tmux.waitFor("demo1234"))
        try tmux.keys("F10")
        #expect(tmux.waitForExit(timeout: 30) == 0)
        let changed = try harness.run(["list"], environment: Self.signedIn)
        #expect(changed.stdout != seedList.stdout)
        #expect(FileManager.default.fileExists(atPath: harness.data.appendingPathComponent("tour/progress.json").path))
        // The tour's folder is the office's own: the check expects it.
        let check = try harness.run(["check"], environment: Self.signedIn)
        #expect(check.status == 0, "\(check.stderr)")
        #expect(!(check.stdout + check.stderr).contains("unexpected"), "\(check.stdout)\(check.stderr)")

        // The reset: the office of its seed, the tour's progress gone.
        let reset = try harness.run(["demo", "--reset"], environment: [:])
        #expect(reset.status == 0, "\(reset.stderr)")
        let again = try harness.run(["list"], environment: Self.signedIn)
        #expect(again.stdout == seedList.stdout)
        #expect(!FileManager.default.fileExists(atPath: harness.data.appendingPathComponent("tour/progress.json").path))
        // No empty folder of a lesson is left behind.
        let left = (try? FileManager.default.contentsOfDirectory(atPath: harness.data.appendingPathComponent("tour").path)) ?? []
        #expect(!left.contains { $0.hasPrefix("lesson-") }, "\(left)")
    }

    /// A demonstration office is never encrypted: one line, nothing written.
    @Test func encryptingADemoIsRefusedInOneLine() throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        #expect(try harness.run(["demo", "--cases", "5"], environment: [:]).status == 0)
        func files() -> [String: Data] {
            var found: [String: Data] = [:]
            for path in FileManager.default.subpaths(atPath: harness.data.path) ?? [] {
                found[path] = try? Data(contentsOf: harness.data.appendingPathComponent(path))
            }
            return found
        }
        let before = files()
        let refused = try harness.run(["init", "--encrypt"], environment: ["RETOUR_PASSPHRASE": "a long passphrase here"])
        #expect(refused.status == 1)
        #expect(refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
        #expect(refused.stderr.contains("never encrypted"), "\(refused.stderr)")
        #expect(files() == before)
    }
}
