import Foundation
import Testing

/// `export`, `check` and `init --encrypt` on many cases: on a terminal the progress line shows
/// and is erased at the end; through a pipe none of it is written.
@Suite(.serialized)
struct LongCommandProgressTests {
    /// Cases enough for each command to last over the second after which the line shows.
    static let rows = 30_000

    private func importPeople(_ harness: Harness) throws {
        let families = ["Maïga", "Touré", "Cissé", "Haïdara", "Dicko", "Diallo", "Traoré", "Kounta"]
        var lines = ["nom;prenoms;sexe;date_naissance;categorie;region"]
        for row in 0..<Self.rows {
            lines.append("\(families[row % families.count]);Aïssata \(row);F;19\(50 + row % 50)-0\(1 + row % 9)-1\(row % 10);PDI retourné;Gao")
        }
        let file = try harness.write("people.csv", Array((lines.joined(separator: "\n") + "\n").utf8))
        let imported = try harness.run(["import", file.path])
        try #require(imported.status == 0, "\(imported.stderr.prefix(500))")
    }

    /// Nothing of a progress line: no carriage return, no escape, none of its words.
    private func noProgress(_ stderr: String) -> Bool {
        !stderr.contains("\r") && !stderr.contains("\u{1B}")
            && !["Reading", "Exporting", "Checking", "Encrypting", " MB/s", "cases/s"].contains { stderr.contains($0) }
    }

    @Test(.enabled(if: TmuxSession.available))
    func shownOnATerminalAndErasedNothingThroughAPipe() throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        try importPeople(harness)

        // A line first, so that the progress line is not the screen's first.
        let out = harness.root.appendingPathComponent("out")
        let session = try TmuxSession(harness: harness, arguments: ["export", "--out", out.path], language: "en_US.UTF-8",
                                      runAs: ["/bin/sh", "-c", "echo Export; exec \"$@\"", "sh"])
        defer { session.kill() }
        #expect(session.waitFor(" cases/s", timeout: 60), "the line shows on a terminal: \(session.screen)")
        #expect(session.waitForExit(timeout: 120) == 0)
        #expect(!session.screen.contains("cases/s") && !session.screen.contains("Exporting"), "erased: \(session.screen)")
        #expect(session.screen.contains("\(Self.rows) cases written"))

        let export = try harness.run(["export", "--out", out.path])
        #expect(export.status == 0 && noProgress(export.stderr), "\(export.stderr)")
        let check = try harness.run(["check"])
        #expect(check.status == 0 && noProgress(check.stderr), "\(check.stderr)")
        let encrypt = try harness.run(["init", "--encrypt"], environment: ["RETOUR_PASSPHRASE": "sable chaud de Gao"])
        #expect(encrypt.status == 0 && noProgress(encrypt.stderr), "\(encrypt.stderr)")
        #expect(encrypt.stdout.contains("\(Self.rows) cases"), "\(encrypt.stdout)")
    }
}
