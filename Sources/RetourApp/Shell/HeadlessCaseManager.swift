import RetourCore
import RetourTUI

/// Drives the case manager without a real terminal: for measurements. Each key is handled and
/// the screen drawn into an in-memory terminal, as the real loop does after every event.
///
///     let manager = HeadlessCaseManager(session: session, store: store, clearance: clearance)  // draws the list
///     manager.press(.character("/"))
///     print(manager.rows[0])
public final class HeadlessCaseManager {
    private let app: CaseManagerApp
    private let terminal: MemoryTerminal

    /// Builds the screens over `store` for `clearance` and draws the first one, as the case
    /// manager does once someone has signed in, before it waits for the first key.
    public init(session: Session, store: Store, clearance: Clearance, width: Int = 80, height: Int = 24) {
        terminal = MemoryTerminal(width: width, height: height)
        app = CaseManagerApp(session: session, store: store, clearance: clearance)
        terminal.present(app.render(size: terminal.size))
    }

    /// Handles `key`, then draws the screen.
    public func press(_ key: Key) {
        app.handle(.key(key))
        terminal.present(app.render(size: terminal.size))
    }

    /// The screen's text rows, trailing spaces removed.
    public var rows: [String] { terminal.rows }
}
