import ArgumentParser
import Foundation
import RetourCore

/// `retour users …`: the people who sign in. Administrators only, except the very first
/// `add`, which must create an administrator and turns sign-in on for good.
struct UsersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "List and manage the people who sign in (administrators only).",
        discussion: """
        The first user of a data directory must be an administrator: creating it turns \
        sign-in on. A new PIN (6 characters or more) is typed twice without echo, or taken \
        from RETOUR_NEW_PIN; the administrator's own PIN from RETOUR_PIN, else typed.
        """,
        subcommands: [List.self, Add.self, Disable.self, Enable.self, SetRole.self, SetTeam.self, ResetPIN.self, Unlock.self]
    )

    /// Opens the store for writing and signs the administrator in; `body` makes the change.
    static func administering(_ global: GlobalOptions, _ body: (Session, Store, Clearance) throws -> Void) throws {
        let session = try global.session()
        let store = try session.openStore(write: true)
        defer { try? store.close() }
        if let reason = store.readOnlyReason { throw reason }
        // No warning before the first user: this is how it gets created.
        let clearance = try session.clearance(for: store, warnWithoutUsers: false)
        try body(session, store, clearance)
        try store.close()
    }

    /// Commits one change of users and says what was done.
    static func change(_ global: GlobalOptions, _ make: (Session, Store) throws -> Change, done: String,
                       _ arguments: [String: String]) throws {
        try administering(global) { session, store, clearance in
            try store.commit(try make(session, store), as: clearance)
            Output.line(session.catalog.text(Message(done, arguments)))
        }
    }

    static func newPIN(_ session: Session, login: String) throws -> PINHash {
        let pin = try PIN.readNew(prompt: session.catalog.text("users.prompt.newPIN", ["login": login]),
                                  confirm: session.catalog.text("users.prompt.confirmPIN"),
                                  environment: ProcessInfo.processInfo.environment)
        return try PINHash.make(pin)
    }

    static func teams(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One line per user: login, name, role, teams, state (tab-separated).")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let session = try global.session()
            let store = try openForReading(session)
            let clearance = try session.clearance(for: store)
            guard clearance.role == .administrator else { throw ChangeError.forbidden(.manageUsers) }
            let catalog = session.catalog
            var text = ["login", "name", "role", "teams", "state"].joined(separator: "\t") + "\n"
            for user in store.book.users.all {
                let locked = (try? SignIn.isLocked(user.login, store: store)) == true
                let state = !user.active ? "disabled" : locked ? "locked" : "active"
                text += [user.login, user.name, user.role.rawValue, user.teams.joined(separator: ","), state]
                    .map(ListCommand.cell).joined(separator: "\t") + "\n"
            }
            Output.data(Data(text.utf8))
            if store.book.users.isEmpty { Output.error("retour: " + catalog.text("users.none")) }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user; the first must be an administrator.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Login: lower-case letters, digits, '.', '-', '_' (e.g. a.maiga).") var login: String
        @Option(help: "Display name.") var name: String
        @Option(help: "case_worker, supervisor or administrator.") var role: Role
        @Option(help: "Team, or teams separated by commas (e.g. gao).") var team: String = ""

        func run() throws {
            try UsersCommand.change(global, { session, _ in
                guard User.isValidLogin(login) else { throw ChangeError.invalidUser(.badLogin, login: TerminalText.visible(login)) }
                return .addUser(User(login: login, name: name.trimmingCharacters(in: .whitespaces), role: role,
                                     teams: UsersCommand.teams(team), pin: try UsersCommand.newPIN(session, login: login)))
            }, done: "users.done.added", ["login": login, "role": "@role.\(role.rawValue)"])
        }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop a user from signing in; their cases stay.")
        @OptionGroup var global: GlobalOptions
        @Argument var login: String
        func run() throws {
            try UsersCommand.change(global, { _, _ in .updateUser(login: login, update: .disable) },
                                    done: "users.done.disabled", ["login": login])
        }
    }

    struct Enable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Let a disabled user sign in again.")
        @OptionGroup var global: GlobalOptions
        @Argument var login: String
        func run() throws {
            try UsersCommand.change(global, { _, _ in .updateUser(login: login, update: .enable) },
                                    done: "users.done.enabled", ["login": login])
        }
    }

    struct SetRole: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set-role", abstract: "Change a user's role.")
        @OptionGroup var global: GlobalOptions
        @Argument var login: String
        @Argument(help: "case_worker, supervisor or administrator.") var role: Role
        func run() throws {
            try UsersCommand.change(global, { _, _ in .updateUser(login: login, update: .role(role)) },
                                    done: "users.done.role", ["login": login, "role": "@role.\(role.rawValue)"])
        }
    }

    struct SetTeam: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set-team", abstract: "Change a user's team (or teams, separated by commas).")
        @OptionGroup var global: GlobalOptions
        @Argument var login: String
        @Argument var team: String
        func run() throws {
            try UsersCommand.change(global, { _, _ in .updateUser(login: login, update: .teams(UsersCommand.teams(team))) },
                                    done: "users.done.team", ["login": login, "team": team])
        }
    }

    struct ResetPIN: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "reset-pin", abstract: "Give a user a new PIN.")
        @OptionGroup var global: GlobalOptions
        @Argument var login: String
        func run() throws {
            try UsersCommand.change(global, { session, store in
                guard store.book.users[login] != nil else { throw ChangeError.invalidUser(.unknownLogin, login: TerminalText.visible(login)) }
                return .updateUser(login: login, update: .pin(try UsersCommand.newPIN(session, login: login)))
            }, done: "users.done.pin", ["login": login])
        }
    }

    struct Unlock: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Lift the lockout of a user after too many wrong PINs.")
        @OptionGroup var global: GlobalOptions
        @Argument var login: String
        /// It only adds to the history, which any session may: it works while the case manager is open.
        func run() throws {
            let session = try global.session()
            let store = try openForReading(session)
            let clearance = try session.clearance(for: store, warnWithoutUsers: false)
            let wasLocked = try SignIn.unlock(login, by: clearance, store: store)
            Output.line(session.catalog.text(Message(wasLocked ? "users.done.unlocked" : "users.done.notLocked", ["login": login])))
        }
    }
}

extension Role: ExpressibleByArgument {}
