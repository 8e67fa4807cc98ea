import ArgumentParser
import Foundation
import RetourCore
import RetourSync

/// `retour sync`: sends this office's changes to the central server and receives those of
/// other sites to its teams' cases. Supervisors and administrators; the first sync, which
/// names the site, an administrator.
struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Synchronise with the central PostgreSQL server (supervisors and administrators).",
        discussion: """
        The first sync names the site (--site GAO-A: 2 to 16 upper-case letters, digits and hyphens): \
        cases registered from then on are numbered with it (GAO-A-000042). The server's address \
        (postgres://USER@HOST:PORT/DATABASE?sslmode=require) comes from --server, else $RETOUR_SERVER, \
        else the last sync; both are remembered in the data directory. The password comes from \
        PGPASSWORD or ~/.pgpass, else is asked; it is never stored. A sync cut short is resumed by \
        the next one. Changes made at two sites to the same thing are both kept and the case is \
        flagged for a supervisor (retour list --conflicts).
        """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "The server: postgres://USER@HOST:PORT/DATABASE[?sslmode=disable|prefer|require|verify-full].")
    var server: String?

    @Option(help: "This site's code, on its first sync (e.g. GAO-A).")
    var site: String?

    @Option(help: "The teams whose cases this site receives, separated by commas (default: those of its users on the first sync).")
    var teams: String?

    @Flag(help: "A coordination: receive the cases of every team.")
    var everyTeam = false

    func run() throws {
        let session = try global.session()
        let catalog = session.catalog
        let store = try session.openStore(write: true)
        defer { try? store.close() }
        if let reason = store.readOnlyReason { throw reason }
        if store.book.isDemo { throw SyncError.demo }
        let remembered = store.readSyncSettings()
        let environment = ProcessInfo.processInfo.environment
        guard let given = server ?? environment["RETOUR_SERVER"].flatMap({ $0.isEmpty ? nil : $0 }) ?? remembered?.server else {
            throw SyncError.noServer
        }
        let address = try ServerAddress(given)
        let clearance = try session.clearance(for: store)
        if !store.book.users.isEmpty && clearance.role < .supervisor { throw ChangeError.forbidden(.caseloadReview) }
        let connection = try SyncCommand.connect(address, catalog: catalog, environment: environment)
        defer { connection.close() }
        let scope = try self.scope(remembered: remembered, users: store.book.users)
        let report = try Synchroniser(store: store, server: connection, clearance: clearance).run(site: site, teams: scope)
        try store.saveSyncSettings(SyncSettings(server: address.text, teams: scope))
        try store.close()
        Output.line(catalog.text("sync.done", [
            "site": report.site, "server": address.place, "sent": String(report.pushed),
            "bytes": String(report.bytesPushed), "applied": String(report.received.applied),
            "held": String(report.received.held), "skipped": String(report.received.skipped),
        ]))
        for number in report.conflicts { Output.line(catalog.text("sync.conflict", ["number": number])) }
        for pair in report.duplicates {
            Output.line(catalog.text("sync.duplicate", ["pulled": pair.pulled, "here": pair.here]))
        }
    }

    /// The teams to receive: as given, else as remembered, else every team for a directory
    /// without users, else its users' teams.
    private func scope(remembered: SyncSettings?, users: Users) throws -> [String]? {
        if everyTeam { return nil }
        if let teams {
            let given = teams.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !given.isEmpty, given.count <= 100, given.allSatisfy(User.isValidTeam) else { throw SyncError.badTeams }
            return Array(Set(given)).sorted()
        }
        if let remembered { return remembered.teams }
        return users.isEmpty ? nil : SyncSettings.teams(of: users)
    }

    /// Connects with the password of `PGPASSWORD` or `~/.pgpass`; without one, first as the
    /// server may allow (a local `trust`), then asking for it on the terminal.
    static func connect(_ address: ServerAddress, catalog: Catalog, environment: [String: String]) throws -> ServerConnection {
        if let password = address.password(environment: environment) {
            return try ServerConnection.open(address, password: password)
        }
        do {
            return try ServerConnection.open(address, password: nil)
        } catch SyncError.wrongPassword {
            let password = try Passphrase.read(prompt: catalog.text("sync.prompt.password", ["user": address.user, "host": address.place]),
                                               environment: environment, variable: "PGPASSWORD")
            return try ServerConnection.open(address, password: password)
        }
    }
}

/// `retour server init`: prepares the central server (run once by its administrator, and again
/// after an update of Retour to migrate it).
struct ServerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Prepare the central PostgreSQL server for synchronisation.",
        subcommands: [Init.self]
    )

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Create or migrate Retour's tables on the server and the office role.",
            discussion: """
            Run as the owner of the database (or a superuser). Creates the schema "retour" (or migrates \
            it to this version of Retour) and the role retour_office, which may read and add changes but \
            never alter or remove one. Grant it to each office's login: --office gao_a --office mpt_a, or \
            GRANT retour_office TO gao_a in psql.
            """
        )

        @OptionGroup var global: GlobalOptions

        @Option(help: "The server: postgres://OWNER@HOST:PORT/DATABASE[?sslmode=…].")
        var server: String?

        @Option(help: "An office's login to grant the office role to (repeatable).")
        var office: [String] = []

        func run() throws {
            let session = try global.session(announcingDemo: false)
            let environment = ProcessInfo.processInfo.environment
            guard let given = server ?? environment["RETOUR_SERVER"].flatMap({ $0.isEmpty ? nil : $0 }) else { throw SyncError.noServer }
            let address = try ServerAddress(given)
            let connection = try SyncCommand.connect(address, catalog: session.catalog, environment: environment)
            defer { connection.close() }
            let before = try ServerSchema.initialise(connection, offices: office)
            let key = before == 0 ? "server.created" : before < ServerSchema.version ? "server.migrated" : "server.current"
            Output.line(session.catalog.text(key, ["version": String(ServerSchema.version), "before": String(before),
                                                   "role": ServerSchema.officeRole, "server": address.place]))
        }
    }
}
