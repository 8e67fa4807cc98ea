import Foundation
import Testing

/// Two case managers at 80x24 on one data directory, the real binary in tmux: each sees what
/// the other registers, the same phone edited by both opens the conflict screen for the
/// second, a `kill -9` of one while the other saves loses nothing, and `retour check` passes.
@Suite(.serialized)
struct ConflictEndToEndTests {
    /// Registers a woman, returned IDP, in the region `down` lines under the first (Kidal):
    /// the English form's keys; `name` and `given` typed.
    static func register(_ tmux: TmuxSession, _ name: String, _ given: String, regionDown: Int) throws {
        try tmux.keys("n")
        try tmux.type(name)
        try tmux.keys("Tab")
        try tmux.type(given)
        try tmux.keys("Tab", "Enter", "Enter")  // Female (first in the picker)
        for _ in 0..<4 { try tmux.keys("Tab") }
        try tmux.keys("Enter", "Enter")  // Returned IDP
        for _ in 0..<4 { try tmux.keys("Tab") }
        try tmux.keys("Enter")
        for _ in 0..<regionDown { try tmux.keys("Down") }
        try tmux.keys("Enter", "F2")
    }

    /// Opens the profile edit of the one case `search` finds and types `phone` in its Phone field.
    static func editPhone(_ tmux: TmuxSession, search: String, phone: String, formTitle: String) throws {
        try tmux.keys("/")
        try tmux.type(search)
        try tmux.keys("Enter")
        try tmux.keys("e")
        tmux.waitFor(formTitle)
        for _ in 0..<5 { try tmux.keys("Tab") }
        try tmux.keys("C-u")
        try tmux.type(phone)
        tmux.waitFor(phone)
    }

    @Test(.enabled(if: TmuxSession.available))
    func twoCaseManagersRegisterSeeEachOtherAndDecideAConflict() throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let first = try TmuxSession(harness: harness, arguments: ["--user", "awa"], language: "C.UTF-8")
        defer { first.kill() }
        try first.goOnWithoutUsers()
        first.waitFor("Cases (0)")
        let second = try TmuxSession(harness: harness, arguments: ["--user", "oumar"], language: "fr_FR.UTF-8")
        defer { second.kill() }
        try second.goOnWithoutUsers()
        second.waitFor("Dossiers (0)")

        // Each registers a person; the other's list shows it within a second or so, idle.
        try Self.register(first, "Guindo", "Awa", regionDown: 2)  // Mopti
        first.waitFor("MPT-000001 registered")
        try first.keys("Escape")
        first.waitFor("Cases (1)")
        #expect(second.waitFor("Guindo Awa", timeout: 3))
        #expect(second.waitFor("1 modification par awa", timeout: 3))
        try Self.register(second, "Diarra", "Fanta", regionDown: 1)  // Gao
        second.waitFor("GAO-000001 enregistré")
        try second.keys("Escape")
        second.waitFor("Dossiers (2)")
        #expect(first.waitFor("Diarra Fanta", timeout: 3))
        #expect(first.waitFor("Cases (2)", timeout: 3))

        // Both edit Guindo Awa's phone; the first saves, then the second.
        try Self.editPhone(first, search: "guindo", phone: "70 00 00 01", formTitle: "Edit MPT-000001")
        try Self.editPhone(second, search: "guindo", phone: "65 99 99 99", formTitle: "MPT-000001")
        try first.keys("F2")
        first.waitFor("Changes to MPT-000001 saved.")
        try second.keys("F2")
        #expect(second.waitFor("MPT-000001 · Conflit"))
        // The title comes first; on a loaded machine the rest of the screen may follow later.
        second.waitFor("awa a enregistré\u{A0}:")
        #expect(second.screen.contains("Vous avez tapé\u{A0}:") && second.screen.contains("65 99 99 99"), "\(second.screen)")
        #expect(second.screen.contains("awa a enregistré\u{A0}:") && second.screen.contains("70 00 00 01"), "\(second.screen)")
        // Keep mine.
        try second.keys("m")
        #expect(second.waitFor("votre version remplace celle faite par awa"))
        #expect(first.waitFor("65 99 99 99", timeout: 3), "\(first.screen)")

        // kill -9 of the first while the second saves a note: the note is saved.
        try second.keys("5", "n")
        second.waitFor("Nouvelle note")
        try second.type("Appel : la famille confirme le numéro")
        let pid = try #require(first.pid)
        try second.keys("F2")
        #expect(kill(pid, SIGKILL) == 0)
        #expect(second.waitFor("Note ajoutée."))
        #expect(first.waitForExit() == 128 + Int(SIGKILL))
        try second.keys("Escape")
        try second.keys("q")
        #expect(second.waitForExit() == 0)

        let check = try harness.run(["check"])
        #expect(check.status == 0, "check: \(check.stdout) \(check.stderr)")
        let shown = try harness.run(["show", "MPT-000001"])
        #expect(shown.stdout.contains("65 99 99 99"), "\(shown.stdout)")
        // The note and the decision are in the files (the journal, or the snapshot it was folded into).
        let files = try ["snapshot.jsonl", "journal.jsonl"].map { name -> String in
            let url = harness.data.appendingPathComponent(name)
            return FileManager.default.fileExists(atPath: url.path) ? try String(contentsOf: url, encoding: .utf8) : ""
        }.joined()
        #expect(files.contains("Appel : la famille confirme le numéro"))
        #expect(files.contains("timeline.conflict.mine"))
    }
}
