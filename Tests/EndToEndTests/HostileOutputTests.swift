import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import RetourCore
import RetourTestSupport

/// Data written before the input rules, by hand or by another site, may hold control
/// characters: no command sends them to a terminal raw.
@Suite("Hostile text never reaches a terminal")
struct HostileOutputTests {
    /// A data directory whose one case holds every hostile sequence, planted in its journal as
    /// a hand-edited file would (the store itself refuses them).
    private func plantedDirectory() throws -> (Harness, UUID) {
        let harness = try Harness()
        let id = UUID()
        var profile = CaseProfile()
        profile.familyName = "Maïga"
        profile.givenNames = "Aïssata"
        profile.sex = .female
        profile.category = .idpReturnee
        profile.region = "ML07"
        do {
            let store = try Store(directory: harness.data, user: "awa")
            try store.commit(.register(id: id, number: "GAO-000001", profile: profile), as: .anyone("awa"))
        }
        let names = HostileText.names.map(\.text)
        profile.familyName = names[0]
        profile.givenNames = names[1]
        profile.village = names[2] + "\n\tsuite"
        profile.commune = names[3]
        profile.displacedTo = names[4] + names[5]
        profile.assignedTo = names[6]
        profile.phone = names[7]
        profile.cercle = "\u{1b}]0;cercle\u{07}"
        let at = Date(timeIntervalSince1970: 1_750_000_000)
        let entries = [
            JournalEntry(seq: 2, by: "\u{1b}]0;by\u{07}", at: at, change: .editProfile(id: id, expectedVersion: 1, profile: profile)),
            JournalEntry(seq: 3, by: "awa", at: at, change: .addNote(id: id, note: Note(id: UUID(), text: names.joined(separator: " "),
                                                                                          by: "awa", at: at))),
        ]
        let handle = try FileHandle(forWritingTo: harness.data.appendingPathComponent(Store.Files.journal))
        handle.seekToEndOfFile()
        for entry in entries { handle.write(try Store.encoder.encode(entry) + Data([0x0A])) }
        try handle.close()
        return (harness, id)
    }

    private func expectClean(_ output: Harness.Output, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for (stream, text) in [("stdout", output.stdout), ("stderr", output.stderr)] {
            let raw = HostileText.rawControls(in: text)
            #expect(raw.isEmpty, "\(what) \(stream): \(raw.map { String($0.value, radix: 16) }) in \(text.debugDescription)",
                    sourceLocation: sourceLocation)
        }
    }

    @Test("list, show, show --format json and check show every control, never send it")
    func readingCommands() throws {
        let (harness, _) = try plantedDirectory()
        defer { harness.cleanUp() }

        let list = try harness.run(["list"])
        #expect(list.status == 0, "\(list.stderr)")
        expectClean(list, "list")
        // One line per case, and as many tabs on it as on the header.
        let lines = list.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 3 && lines[2].isEmpty, "\(list.stdout.debugDescription)")
        #expect(lines[1].filter { $0 == "\t" }.count == lines[0].filter { $0 == "\t" }.count)
        #expect(lines[1].contains("Ami\\u001b]52;c;SGVsbG8=\\u0007nata"))

        let show = try harness.run(["show", "GAO-000001"])
        #expect(show.status == 0, "\(show.stderr)")
        expectClean(show, "show")
        #expect(show.stdout.contains("\\u001b]0;pwned\\u0007Maïga"))
        // A line break and a tab in a field of one line are shown: the field cannot pass for two.
        #expect(show.stdout.contains("\\u000a\\u0009suite"), "\(show.stdout)")
        #expect(!show.stdout.contains("\t"), "\(show.stdout.debugDescription)")

        let check = try harness.run(["check"])
        expectClean(check, "check")
        #expect(check.stdout.contains("\\u001b]0;cercle\\u0007"), "\(check.stdout)")

        // For a script (a pipe), JSON keeps the data as stored: the JSON escapes are the encoder's.
        let json = try harness.run(["show", "GAO-000001", "--format", "json"])
        #expect(json.status == 0)
        let decoded = try LineDecoder().decode(Case.self, from: Data(json.stdout.utf8))
        #expect(decoded.profile.familyName == HostileText.names[0].text)
    }

    @Test("approvals shows every control in text, never sends it; JSON to a script keeps the data as stored")
    func approvalsCommand() throws {
        let (harness, id) = try plantedDirectory()
        defer { harness.cleanUp() }
        let hostile = HostileText.names.map(\.text).joined(separator: " ")
        let entry = JournalEntry(seq: 4, by: "\u{1b}]0;by\u{07}", at: Date(timeIntervalSince1970: 1_750_000_100),
                                 change: .requestClosure(id: id, reason: hostile, code: "moved_away"))
        let handle = try FileHandle(forWritingTo: harness.data.appendingPathComponent(Store.Files.journal))
        handle.seekToEndOfFile()
        handle.write(try Store.encoder.encode(entry) + Data([0x0A]))
        try handle.close()

        let text = try harness.run(["approvals"])
        #expect(text.status == 0, "\(text.stderr)")
        expectClean(text, "approvals")
        let lines = text.stdout.split(separator: "\n")
        #expect(lines.count == 2 && lines[1].filter { $0 == "\t" }.count == lines[0].filter { $0 == "\t" }.count, "\(text.stdout)")
        #expect(lines[1].contains("Ami\\u001b]52;c;SGVsbG8=\\u0007nata") && lines[1].contains("\\u001b]0;by\\u0007"), "\(text.stdout)")

        let json = try harness.run(["approvals", "--format", "json"])
        #expect(json.status == 0, "\(json.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(rows.first?["family_name"] as? String == HostileText.names[0].text)
        #expect(rows.first?["requested_by"] as? String == "\u{1b}]0;by\u{07}")
    }

    @Test("in tmux, show and list leave the pane's title alone and the screen as written", .enabled(if: TmuxSession.available))
    func inTmux() throws {
        let (harness, _) = try plantedDirectory()
        defer { harness.cleanUp() }
        for arguments in [["show", "GAO-000001"], ["list"]] {
            let tmux = try TmuxSession(harness: harness, arguments: arguments, language: "C.UTF-8", width: 200, height: 50)
            defer { tmux.kill() }
            #expect(tmux.waitForExit() == 0)
            let title = try tmux.tmux(["display-message", "-p", "-t", tmux.name, "#{pane_title}"])
            #expect(!title.contains("pwned") && !title.contains("cercle") && !title.contains("by"), "\(arguments): \(title)")
            #expect(tmux.screen.contains("\\u001b]0;pwned\\u0007"), "\(arguments): \(tmux.screen)")
        }
    }

    @Test("export to a pipe keeps the data as stored; to a terminal it shows the controls")
    func exportToATerminal() throws {
        let (harness, _) = try plantedDirectory()
        defer { harness.cleanUp() }
        let piped = try harness.run(["export"])
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(piped.stdout.contains(HostileText.names[0].text))

        for format in ["csv", "json"] {
            // `script` gives the command a terminal and copies what it writes there.
            let command = ([Harness.binary.path, "export", "--format", format, "--data", harness.data.path])
                .map { "'\($0)'" }.joined(separator: " ")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
            process.arguments = ["-qec", command, "/dev/null"]
            process.environment = ["LANG": "C.UTF-8", "PATH": "/usr/bin:/bin", "TERM": "xterm"]
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            // The terminal turns every line feed into CRLF; CSV rows end with CRLF already.
            let text = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\r\r\n", with: "\n")
                .replacingOccurrences(of: "\r\n", with: "\n")
            #expect(text.contains("Ami\\u001b]52;c;SGVsbG8=\\u0007nata") || text.contains("Ami\\u001B]52;c;SGVsbG8=\\u0007nata"),
                    "\(format): \(text.debugDescription)")
            let raw = HostileText.rawControls(in: text)
            #expect(raw.isEmpty, "\(format): \(raw.map { String($0.value, radix: 16) }) in \(text.debugDescription)")
        }
    }

    @Test("the names of the sessions in, read from retour.sessions, reach retour check escaped")
    func lockHolderNotice() throws {
        let (harness, _) = try plantedDirectory()
        defer { harness.cleanUp() }
        // Before several writers, a command run while another held retour.lock was refused and
        // named the holder; now commands run beside other sessions, and `check` names who is in.
        let sessions = harness.data.appendingPathComponent(Store.Files.sessions)
        try Data("token \u{1b}]0;pwned\u{07}\u{1b}[2Jmallory (2026-12-02 07:00) pid 1\n".utf8).write(to: sessions)
        let fd = open(sessions.path, O_RDWR)
        #expect(fd >= 0)
        defer { close(fd) }
        #expect(flock(fd, LOCK_SH | LOCK_NB) == 0)
        let csv = try harness.write("people.csv", Array("nom;prénoms;sexe;catégorie;région\nTouré;Hamadoun;M;PDI retourné;Gao\n".utf8))
        let imported = try harness.run(["import", csv.path])
        #expect(imported.status == 0, "\(imported.stderr)")
        expectClean(imported, "import beside another session")
        let check = try harness.run(["check"])
        expectClean(check, "check while another session is in")
        #expect(check.stdout.contains("\\u001b]0;pwned\\u0007\\u001b[2Jmallory"), "\(check.stdout)")
    }

    @Test("--user or $USER with controls: one line on stderr, non-zero exit, nothing written")
    func userWithControls() throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let csv = try harness.write("people.csv", Array("nom;prénoms;sexe;catégorie;région\nTouré;Hamadoun;M;PDI retourné;Gao\n".utf8))
        // A NUL cannot be passed in an argument or the environment: the others can.
        for (label, text) in HostileText.names where !text.contains("\u{0}") {
            for run in [try harness.run(["import", csv.path, "--user", text]),
                        try harness.run(["import", csv.path], environment: ["USER": text])] {
                #expect(run.status != 0, "\(label)")
                #expect(run.stderr == "retour: --user (or $USER) holds a control character: give a plain name with --user NAME.\n",
                        "\(label): \(run.stderr.debugDescription)")
                expectClean(run, label)
            }
        }
        #expect(!FileManager.default.fileExists(atPath: harness.data.appendingPathComponent(Store.Files.journal).path))
    }

    @Test("a value typed on the command line is shown, not obeyed, in the error that names it")
    func argumentsInErrors() throws {
        let (harness, _) = try plantedDirectory()
        defer { harness.cleanUp() }
        let status = try harness.run(["list", "--status", "\u{1b}]0;pwned\u{07}"])
        #expect(status.status != 0)
        expectClean(status, "list --status")
        let lang = try harness.run(["list", "--lang", "\u{1b}]0;pwned\u{07}"])
        #expect(lang.status != 0)
        expectClean(lang, "list --lang")
        let unknown = try harness.run(["show", "\u{9b}2J"])
        #expect(unknown.status != 0)
        expectClean(unknown, "show unknown")
    }
}
