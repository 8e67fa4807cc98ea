import Foundation
import RetourCore
import RetourTUI

/// Entry point of the interactive case manager.
public enum CaseManager {
    /// Opens the store (a failure is thrown before the terminal is touched), runs the screens
    /// on the real terminal, then restores the terminal and closes the store, whatever ended
    /// the session: quit, Ctrl-C, SIGTERM or SIGHUP.
    /// `showTour`: in a demonstration office, the guided tour shows from the start.
    public static func run(session: Session, showTour: Bool = false) throws {
        // Without a terminal, curses would read end-of-file for ever.
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { throw NoTerminal() }
        let environment = ProcessInfo.processInfo.environment
        let monochrome = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        let directory = session.dataDirectory
        let store: Store
        let terminal: CursesTerminal
        if Encryption.isEncrypted(directory) && (environment[Passphrase.variable] ?? "").isEmpty {
            // A damaged key file is said on stderr before the screen is taken over.
            let keyFile = try Encryption.keyFile(in: directory)
            terminal = CursesTerminal(monochrome: monochrome)
            let prompt = PassphrasePrompt(catalog: session.catalog, directory: directory.path)
            guard let sealing = prompt.run(on: terminal, unlock: { SealedLines(key: try keyFile.unlock(passphrase: $0)) }) else {
                terminal.restore()
                return
            }
            do {
                store = try Encryption.openStore(directory, write: true, user: session.author, sealing: sealing)
                session.configure(store)
            } catch {
                terminal.restore()
                throw error
            }
        } else {
            store = try session.openStore(write: true, environment: environment)
            terminal = CursesTerminal(monochrome: monochrome)
        }
        let tour = GuidedTour.make(store: store, visible: showTour)
        serve(session: session, store: store, tour: tour,
              on: tour.map { TourTerminal(terminal, tour: $0, tick: TourTerminal.tick(environment)) } ?? terminal)
        terminal.restore()
        // Closing folds the journal into a new snapshot: at 100 000 cases a second or two,
        // said on stderr once the screen is given back (nothing when stderr is not a terminal).
        let saving = ProgressLine.standardError(task: "progress.task.closing", unit: .cases, total: store.compactionLines,
                                                catalog: session.catalog)
        defer { saving.finish() }
        try store.close { saving.update($0) }
    }
}

extension CaseManager {
    /// Each person signs in, works, signs out; the next one signs in on the same screen, until
    /// someone quits from the sign-in screen (or the terminal is closed). A demonstration
    /// office's `tour` goes on from one sign-in to the next.
    static func serve(session: Session, store: Store, tour: GuidedTour?, on terminal: Terminal,
                      today: CalendarDate = .today()) {
        var login = session.author
        while let clearance = signIn(session: session, store: store, login: login, on: terminal, tour: tour) {
            let app = CaseManagerApp(session: session, store: store, clearance: clearance, today: today, tour: tour)
            app.announceSignInNotices()
            app.run(on: terminal)
            tour?.app = nil
            guard app.signedOut else { break }
            // Others are no longer told this person is in.
            try? store.announce(session.author)
            // The next person is someone else: nothing of the last one is offered.
            login = ""
        }
    }

    /// Who works next: the sign-in screen, or the offer to create the administrator. A
    /// directory without users that cannot be written (read-only) is opened as it always was.
    static func signIn(session: Session, store: Store, login: String, on terminal: Terminal, tour: GuidedTour? = nil) -> Clearance? {
        if store.book.users.isEmpty && store.isReadOnly {
            return try? Clearance.withoutUsers(session.author, book: store.book)
        }
        return SignInPrompt(catalog: session.catalog, store: store, author: session.author, login: login, tour: tour).run(on: terminal)
    }
}

/// The case manager was started with its input or output not a terminal (a script, a pipe).
public struct NoTerminal: UserFacingError {
    public var message: Message { Message("app.error.noTerminal") }
}
