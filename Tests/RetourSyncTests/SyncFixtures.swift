import Foundation
import Testing
@testable import RetourCore
import RetourSync
import RetourTestSupport

/// A network for one test: a database of its own on the shared throwaway cluster, with
/// Retour's tables, and the address sites reach it by (directly, or through a proxy).
final class Network {
    let cluster: PostgresCluster
    let database: String

    /// `cluster`: a cluster of the test's own, for a test that stops it; else the shared one.
    init(cluster: PostgresCluster? = nil) throws {
        self.cluster = try cluster ?? PostgresCluster.shared()
        database = "retour_" + UUID().uuidString.prefix(8).lowercased()
        try self.cluster.createDatabase(named: database)
        let server = try connect()
        defer { server.close() }
        try ServerSchema.initialise(server)
    }

    deinit { cluster.dropDatabase(named: database) }

    func address(port: Int? = nil) throws -> ServerAddress {
        try ServerAddress(cluster.url(database: database, port: port) + "?sslmode=disable")
    }

    func connect(port: Int? = nil, password: String? = nil) throws -> ServerConnection {
        try ServerConnection.open(try address(port: port), password: password ?? cluster.password, timeout: 5, statementTimeout: 60)
    }

    func sql(_ statement: String) throws -> String {
        try cluster.psql(statement, database: database).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// How many changes the server holds, by site.
    func changes(of site: String) throws -> Int {
        Int(try sql("SELECT count(*) FROM retour.changes WHERE site = '\(site)'")) ?? -1
    }
}

/// One office's data directory: an administrator, a case worker and a supervisor of team
/// `team` (no users at all for `team == nil`: a directory of every team).
final class Site {
    static let quickHash = ScryptParameters(logN: 4, r: 1, p: 1)

    let directory: URL
    let name: String
    let team: String?
    private(set) var store: Store

    /// `keyOf`: an encrypted site whose data key is that site's: its `key.json` copied into the
    /// new directory, as an administrator gives the key to another office (`encrypted`: a new key).
    init(_ name: String, team: String?, encrypted: Bool = false, keyOf other: Site? = nil) throws {
        self.name = name
        self.team = team
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("retour-site-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if let other {
            try FileManager.default.copyItem(at: other.directory.appendingPathComponent(KeyFile.fileName),
                                             to: directory.appendingPathComponent(KeyFile.fileName))
        } else if encrypted {
            try Encryption.protect(directory, passphrase: Site.passphrase, user: "admin", parameters: Site.quickHash)
        }
        store = try Site.open(directory)
        guard let team else { return }
        try store.commit(.addUser(Site.user("admin", .administrator, [team])), as: .anyone("setup"))
        try store.commit(.addUser(Site.user("w.\(team)", .caseWorker, [team])), as: clearance("admin"))
        try store.commit(.addUser(Site.user("s.\(team)", .supervisor, [team])), as: clearance("admin"))
    }

    deinit {
        try? store.close()
        try? FileManager.default.removeItem(at: directory)
    }

    static func user(_ login: String, _ role: Role, _ teams: [String]) -> User {
        User(login: login, name: login.uppercased(), role: role, teams: teams, pin: try! PINHash.make("pin-\(login)", parameters: quickHash))
    }

    func clearance(_ login: String) -> Clearance {
        guard let user = store.book.users[login] else { return .anyone(login) }
        return Clearance(login: login, user: user)
    }

    var admin: Clearance { team == nil ? .anyone("coord") : clearance("admin") }
    var worker: Clearance { team.map { clearance("w.\($0)") } ?? admin }
    var supervisor: Clearance { team.map { clearance("s.\($0)") } ?? admin }

    /// Registers a person for the site's case worker; returns the case's id.
    @discardableResult
    func register(_ familyName: String, _ givenNames: String = "Awa", region: String = "ML07",
                  assignedTo: String? = nil) throws -> UUID {
        var profile = CaseProfile()
        profile.familyName = familyName
        profile.givenNames = givenNames
        profile.sex = .female
        profile.yearOfBirth = 1990
        profile.category = .idpReturnee
        profile.region = region
        profile.assignedTo = assignedTo ?? team.map { "w.\($0)" } ?? ""
        let id = UUID()
        // Given to someone else, as an import does: by the administrator.
        try store.commit(.register(id: id, number: CaseBook.numberToAllocate(prefix: String(name.prefix(3))), profile: profile),
                         as: assignedTo == nil ? worker : admin)
        return id
    }

    func note(_ id: UUID, _ text: String, as clearance: Clearance? = nil) throws {
        let who = clearance ?? worker
        try store.commit(.addNote(id: id, note: Note(id: UUID(), text: text, by: who.login, at: Date())), as: who)
    }

    func setPhone(_ id: UUID, _ phone: String, as clearance: Clearance? = nil) throws {
        let item = try #require(store.book[id])
        var profile = item.profile
        profile.phone = phone
        try store.commit(.editProfile(id: id, expectedVersion: item.version, profile: profile), as: clearance ?? worker)
    }

    func sync(_ network: Network, port: Int? = nil, code: String? = nil,
              as clearance: Clearance? = nil) throws -> Synchroniser.Report {
        let server = try network.connect(port: port)
        defer { server.close() }
        let synchroniser = Synchroniser(store: store, server: server, clearance: clearance ?? admin)
        synchroniser.pageSize = pageSize
        synchroniser.pullPageSize = pullPageSize
        return try synchroniser.run(site: code ?? (store.book.site == nil ? name : nil), teams: team.map { [$0] })
    }

    var pageSize = 2000
    /// Changes per batch received; nil: the synchroniser's default (ten pages sent).
    var pullPageSize: Int?

    subscript(_ id: UUID) -> Case? { store.book[id] }

    /// The cases this site holds, by family name.
    var familyNames: [String] {
        store.reader(for: admin).digests.map(\.familyName).sorted()
    }

    /// Closes and opens the directory again, as the next session would read it.
    func reopen() throws {
        try store.close()
        store = try Site.open(directory)
    }

    static let passphrase = "sable chaud de Gao"

    /// The store of `directory`, opened with the sites' passphrase when it is encrypted.
    static func open(_ directory: URL) throws -> Store {
        try Encryption.openStore(directory, write: true) { passphrase }
    }

    /// Every byte the directory holds, for what must never be in it.
    func holds(_ text: String) throws -> Bool {
        let names = try FileManager.default.subpathsOfDirectory(atPath: directory.path)
        return try names.contains { name in
            var isDirectory: ObjCBool = false
            let path = directory.appendingPathComponent(name).path
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { return false }
            return try Data(contentsOf: URL(fileURLWithPath: path)).range(of: Data(text.utf8)) != nil
        }
    }

    /// What `retour check` says of the directory.
    func check() -> DataCheck {
        DataCheck.run(directory: directory, reference: Site.reference) { Site.passphrase }
    }

    static let reference: Reference = try! Reference(assets: try! Assets.locate())
}
