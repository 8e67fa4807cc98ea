import Foundation
import RetourCore
import RetourTUI

/// Entry point of the interactive case manager.
public enum CaseManager {
    /// Opens the store (a failure is thrown before the terminal is touched), runs the screens
    /// on the real terminal, then restores the terminal and closes the store, whatever ended
    /// the session: quit, Ctrl-C, SIGTERM or SIGHUP.
    public static func run(session: Session) throws {
        let store = try Store(directory: session.dataDirectory, user: session.author)
        let environment = ProcessInfo.processInfo.environment
        let monochrome = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        let terminal = CursesTerminal(monochrome: monochrome)
        let app = CaseManagerApp(session: session, store: store)
        app.run(on: terminal)
        terminal.restore()
        try store.close()
    }
}
