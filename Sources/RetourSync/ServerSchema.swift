import Foundation
import PostgresNIO
import RetourCore

/// The server's tables, in their own schema `retour`, and their version: `retour server init`
/// creates them, or migrates them from an older version, and grants the office role
/// (`officeRole`) what a site needs and nothing more: read, add changes, say its teams. No
/// site may alter or remove a change once on the server.
///
///     retour.version   the schema's version (one row)
///     retour.sites     code, directory, teams, every_team, key_id, joined_at, synced_at
///     retour.changes   global (the server's order), site, seq (the site's), seen, at, case_id,
///                      by_login (plain networks only), payload (the journal line, sealed when
///                      the directory is)
///     retour.cases     case_id, number, teams (which sites receive it), moved (the global
///                      sequence when its teams last changed)
public enum ServerSchema {
    /// The version this program writes and reads. A server with a higher one is refused.
    public static let version = 1
    /// The role to grant to each office's login (`GRANT retour_office TO gao_a`).
    public static let officeRole = "retour_office"

    /// Each version's statements, from nothing; `migrations[n]` brings version n to n + 1.
    static let migrations: [[String]] = [
        [
            "CREATE SCHEMA IF NOT EXISTS retour",
            "CREATE TABLE retour.version (version integer NOT NULL)",
            "INSERT INTO retour.version VALUES (0)",
            """
            CREATE TABLE retour.sites (
                code text PRIMARY KEY CHECK (code ~ '^[A-Z][A-Z0-9-]{1,15}$'),
                directory uuid NOT NULL,
                teams text[] NOT NULL DEFAULT '{}',
                every_team boolean NOT NULL DEFAULT false,
                key_id text NOT NULL DEFAULT '',
                joined_at timestamptz NOT NULL DEFAULT now(),
                synced_at timestamptz)
            """,
            """
            CREATE TABLE retour.changes (
                global bigserial PRIMARY KEY,
                site text NOT NULL REFERENCES retour.sites (code),
                seq bigint NOT NULL,
                seen bigint NOT NULL,
                at timestamptz NOT NULL,
                case_id uuid NOT NULL,
                by_login text,
                payload bytea NOT NULL,
                UNIQUE (site, seq))
            """,
            "CREATE INDEX changes_by_case ON retour.changes (case_id, global)",
            """
            CREATE TABLE retour.cases (
                case_id uuid PRIMARY KEY,
                number text,
                teams text[] NOT NULL DEFAULT '{}',
                moved bigint NOT NULL DEFAULT 0)
            """,
            "CREATE INDEX cases_by_number ON retour.cases (number)",
            "CREATE INDEX cases_by_team ON retour.cases USING gin (teams)",
        ],
    ]

    /// What the office role may do, granted again at every `init` (a role made since).
    static let grants = [
        "GRANT USAGE ON SCHEMA retour TO \(officeRole)",
        "GRANT SELECT ON ALL TABLES IN SCHEMA retour TO \(officeRole)",
        "GRANT INSERT ON retour.sites, retour.changes, retour.cases TO \(officeRole)",
        "GRANT UPDATE (teams, every_team, key_id, synced_at) ON retour.sites TO \(officeRole)",
        "GRANT UPDATE (teams, moved, number) ON retour.cases TO \(officeRole)",
        "GRANT USAGE ON SEQUENCE retour.changes_global_seq TO \(officeRole)",
    ]

    /// The version of the server's schema; 0 when it has none.
    static func installedVersion(on server: ServerConnection) throws -> Int {
        let exists = try server.rows("SELECT to_regclass('retour.version') IS NOT NULL") { try $0.decode(Bool.self) }
        guard exists.first == true else { return 0 }
        return try server.rows("SELECT version FROM retour.version") { try $0.decode(Int.self) }.first ?? 0
    }

    /// Refuses a server this program cannot work with: without the schema, older, or newer.
    public static func check(_ server: ServerConnection) throws {
        let found = try installedVersion(on: server)
        if found == 0 { throw SyncError.serverNotInitialised }
        if found > version { throw SyncError.serverNewer(found: found, known: version) }
        if found < version { throw SyncError.serverOlder(found: found) }
    }

    /// Creates or migrates the schema and grants the office role (made when missing), and the
    /// role to each of `offices` (existing logins). Returns the version found before.
    @discardableResult
    public static func initialise(_ server: ServerConnection, offices: [String] = []) throws -> Int {
        try server.transaction {
            // One `init` at a time: two would both create the tables.
            try server.run("SELECT pg_advisory_xact_lock(7270111)")
            let found = try installedVersion(on: server)
            if found > version { throw SyncError.serverNewer(found: found, known: version) }
            for step in found..<version {
                for statement in migrations[step] { try server.run(PostgresQuery(unsafeSQL: statement)) }
                try server.run("UPDATE retour.version SET version = \(step + 1)")
            }
            try server.run(PostgresQuery(unsafeSQL: """
                DO $$ BEGIN
                    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '\(officeRole)') THEN
                        CREATE ROLE \(officeRole) NOLOGIN;
                    END IF;
                END $$
                """))
            for statement in grants { try server.run(PostgresQuery(unsafeSQL: statement)) }
            for office in offices {
                // A login is an identifier, quoted by the server itself.
                let quoted = try server.rows("SELECT quote_ident(\(office))") { try $0.decode(String.self) }.first ?? ""
                try server.run(PostgresQuery(unsafeSQL: "GRANT \(officeRole) TO \(quoted)"))
            }
            return found
        }
    }
}
