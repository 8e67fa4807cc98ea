import Foundation
import RetourCore
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A long import on a terminal shows its progress on stderr; Ctrl-C during it leaves the data
/// directory as it was and the terminal clean. Through a pipe, the same import writes no
/// progress at all.
@Suite(.serialized)
struct ImportInterruptTests {
    /// Rows enough for the check to last well over the second after which the line shows.
    static let rows = 30_000

    /// Distinct people (no duplicate, no problem: stderr stays short through a pipe).
    private func peopleFile(_ harness: Harness) throws -> URL {
        let families = ["Maïga", "Touré", "Cissé", "Haïdara", "Dicko", "Diallo", "Traoré", "Kounta"]
        var lines = ["nom;prenoms;sexe;date_naissance;categorie;region"]
        for row in 0..<Self.rows {
            lines.append("\(families[row % families.count]);Aïssata \(row);F;19\(50 + row % 50)-0\(1 + row % 9)-1\(row % 10);PDI retourné;Gao")
        }
        return try harness.write("people.csv", Array((lines.joined(separator: "\n") + "\n").utf8))
    }

    /// The files of the data directory, with their sizes, and the cases `retour check` counts.
    private func state(_ harness: Harness) throws -> [String: Int] {
        var files: [String: Int] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: harness.data.path) {
            let attributes = try FileManager.default.attributesOfItem(atPath: harness.data.appendingPathComponent(name).path)
            // Presence names the sessions in: a killed one leaves its line (its flock gone), dropped
            // by the next session that finds itself alone. Not data: only that it exists counts.
            files[name] = name == Store.Files.sessions ? 0 : (attributes[.size] as? Int) ?? -1
        }
        return files
    }

    /// Whether process `pid` has ended (gone, or a zombie not yet reaped).
    private func ended(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return true }
        return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
    }

    /// The process named `name` among the descendants of `pid` (the pane's shell runs sh, which
    /// runs the program).
    private func descendant(of pid: Int32, named name: String) -> Int32? {
        var queue = [pid]
        while !queue.isEmpty {
            let next = queue.removeFirst()
            let comm = (try? String(contentsOfFile: "/proc/\(next)/comm", encoding: .utf8)) ?? ""
            if comm.trimmingCharacters(in: .whitespacesAndNewlines) == name { return next }
            let children = (try? String(contentsOfFile: "/proc/\(next)/task/\(next)/children", encoding: .utf8)) ?? ""
            queue += children.split(separator: " ").compactMap { Int32($0) }
        }
        return nil
    }

    @Test(.enabled(if: TmuxSession.available))
    func ctrlCDuringTheCheckLeavesNothingAndErasesTheProgressLine() throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let one = try harness.write("one.csv", Array("nom;prenoms;sexe;categorie;region\nMaïga;Aïssata;F;PDI retourné;Gao\n".utf8))
        #expect(try harness.run(["import", one.path]).status == 0)
        let file = try peopleFile(harness)
        let before = try state(harness)

        // A line first, so that the progress line is not the screen's first (where tmux would
        // write over it); sh then becomes the program (exec).
        let session = try TmuxSession(harness: harness, arguments: ["import", file.path], language: "en_US.UTF-8",
                                      runAs: ["/bin/sh", "-c", "echo Import; exec \"$@\"", "sh"], unblockingSignals: true)
        defer { session.kill() }
        #expect(session.waitFor("Checking: ", timeout: 60))
        #expect(session.screen.contains(" MB/s"))
        // What Ctrl-C sends to the program (a shell in front of it would take the key too).
        let pid = try #require(session.pid.flatMap { descendant(of: $0, named: "retour") })
        Glibc.kill(pid, SIGINT)
        #expect(session.waitForExit(timeout: 10) == 130, "ended by SIGINT, at once")
        #expect(ended(pid))
        // The line was erased: nothing of it is left on the screen.
        #expect(!session.screen.contains("Checking"), "\(session.screen)")
        let after = try state(harness)
        #expect(after == before, "nothing written, no temporary file left")
        #expect(!FileManager.default.fileExists(atPath: harness.root.appendingPathComponent("people.rejected.csv").path))
        let check = try harness.run(["check"])
        #expect(check.status == 0, "\(check.stderr)")
        let list = try harness.run(["list"])
        #expect(list.stdout.split(separator: "\n").count == 2, "the one case imported before")

        // The same import through a pipe runs to the end and writes no progress at all (only
        // when nothing was imported above: 30 000 duplicates would fill the pipe).
        guard after == before else { return }
        let piped = try harness.run(["import", file.path])
        #expect(piped.status == 0, "\(piped.stderr.prefix(500))")
        #expect(!piped.stderr.contains("\r") && !piped.stderr.contains("\u{1B}"))
        #expect(!piped.stderr.contains("Checking"))
    }
}
