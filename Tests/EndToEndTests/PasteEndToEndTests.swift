import Foundation
import Testing

/// A paste through a real terminal: tmux marks it (bracketed paste, as xterm and PuTTY do)
/// once Retour asks for it, and an escape sequence inside it is never read as keys.
@Suite("Paste end to end")
struct PasteEndToEndTests {
    @Test(.enabled(if: TmuxSession.available))
    func anEscapeInAPasteIsTextNotAKey() throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let tmux = try TmuxSession(harness: harness, arguments: ["--user", "awa"], language: "C.UTF-8")
        defer { tmux.kill() }
        try tmux.goOnWithoutUsers()
        tmux.waitFor("Cases (0)")
        try tmux.type("/")
        tmux.waitFor("Search:")
        // Unmarked, the escape would clear the search and the letters after it would be
        // commands of the list: `n` a new registration, `s` the sort, `q` signing out.
        try tmux.tmux(["set-buffer", "-b", "hostile", "Maiga\u{1b}\u{1b}[2J nsq"])
        try tmux.tmux(["paste-buffer", "-p", "-d", "-b", "hostile", "-t", tmux.name])
        tmux.waitFor("Search: Maiga[2J nsq")
        #expect(!tmux.screen.contains("New registration"), "\(tmux.screen)")
        try tmux.keys("Escape")
        try tmux.keys("F10")
        #expect(tmux.waitForExit() == 0, "\(tmux.screen)")
    }
}
