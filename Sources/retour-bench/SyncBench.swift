#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Foundation
import RetourCore
import RetourDemo
import RetourSync
import RetourTestSupport

/// `retour-bench sync`: an office of N cases synchronised with the central server. Prints the
/// time of its first sync to an empty server (with the changes sent, per second, and the
/// bytes each took against the office's own journal lines), of a new coordination pulling
/// every case, and of the office's incremental syncs of a hundred changes: with the session
/// that made them still open, and as `retour sync` runs after the case manager closed (the
/// journal folded into the snapshot, the directory opened again). The server is a throwaway
/// PostgreSQL cluster on loopback (no fsync), or `--server`'s.
struct SyncBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Measure synchronisation with the central server; prints figures, asserts nothing.",
        discussion: """
        Without --server, a throwaway PostgreSQL cluster is started on 127.0.0.1 (the programs of \
        /usr/lib/postgresql/*/bin or $RETOUR_PG_BIN; fsync off) and removed at the end. With \
        --server, its database must hold no site yet (createdb a new one): the bench creates \
        Retour's tables there when missing (as `retour server init`) and fills them; the \
        password comes from PGPASSWORD (or ~/.pgpass).
        """
    )

    @Option(help: "Cases of the office.")
    var cases = 100_000

    @Option(help: "A directory to keep the office in (office-N, never synchronised, built when missing and copied for each run), and the last run's directories (last-run).")
    var data: String?

    @Option(help: "An existing server to use instead of a throwaway cluster: postgres://USER@HOST:PORT/DATABASE[?sslmode=…].")
    var server: String?

    @Option(help: "Incremental syncs measured (the median is printed).")
    var runs = 5

    @Option(help: "Notes added at the office before each incremental sync.")
    var changes = 100

    @Option(help: "Changes per transaction and per batch (default: the synchroniser's).")
    var pageSize: Int?

    @Option(help: "Journal size in MB past which a commit of the office or the coordination folds it into the snapshot (default: the settings').")
    var compactionMb: Int?

    static let office = "BENCH-A"
    static let coordination = "BENCH-COORD"

    func validate() throws {
        guard cases > 0, runs > 0, changes > 0 else { throw ValidationError("--cases, --runs and --changes take positive numbers") }
        if let pageSize, pageSize <= 0 { throw ValidationError("--page-size takes a positive number") }
        if let compactionMb, compactionMb <= 0 { throw ValidationError("--compaction-mb takes a positive number") }
    }

    func run() throws {
        let assets = try Assets.locate()
        let reference = try Reference(assets: assets)
        let temporary = try Runner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temporary) }
        let keep = data.map { URL(fileURLWithPath: $0) }
        let root = keep ?? temporary
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)

        // The office as built, never synchronised: each run syncs a copy of it.
        let pristine = root.appendingPathComponent("office-\(cases)")
        var built: Double?
        if FileManager.default.fileExists(atPath: pristine.appendingPathComponent(Store.Files.snapshot).path) {
            Log.line("reusing \(pristine.path)")
        } else {
            built = try SyncOffice.build(count: cases, in: pristine, assets: assets, reference: reference)
        }
        let work = keep.map { $0.appendingPathComponent("last-run") } ?? temporary.appendingPathComponent("run")
        try? FileManager.default.removeItem(at: work)
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let officeDirectory = work.appendingPathComponent("office"), coordinationDirectory = work.appendingPathComponent("coordination")
        let ((), copying) = try Measure.timed { try FileManager.default.copyItem(at: pristine, to: officeDirectory) }
        Log.line(String(format: "copied the office to %@ in %.1f s", officeDirectory.path, copying))

        let server = try BenchServer.start(given: self.server)
        Log.line("server: \(server.description)")

        // The office as it stands before its first sync.
        let historyPath = officeDirectory.appendingPathComponent(HistoryFile.fileName).path
        let historyBytes = Measure.fileSize(historyPath)
        let historyLines = try SyncBench.lines(historyPath)
        let (openedOffice, opening) = try Measure.timed { try Store(directory: officeDirectory, user: "bench") }
        var office = openedOffice
        defer { try? office.close() }
        setThreshold(office)
        if let reason = office.readOnlyReason { throw reason }
        let caseCount = office.book.count
        var admin = try SignIn.attempt(login: SyncOffice.administrator, pin: SyncOffice.pin, store: office)
        let officeTeams = SyncSettings.teams(of: office.book.users)
        Log.line(String(format: "office: %d cases, %d users (teams %@), history %d lines, %.1f MB; opened in %.2f s",
                        caseCount, office.book.users.all.count, officeTeams.joined(separator: ", "), historyLines,
                        Double(historyBytes) / 1e6, opening))

        // 1. The office's first sync, to an empty server.
        Log.line("first sync of the office…")
        let first = try sync(office, as: admin, site: SyncBench.office, teams: officeTeams, server: server)
        let pushed = first.report.pushed
        Log.line(String(format: "  %.1f s (connect %.3f s), client CPU %.1f s; sent %d changes, %d bytes; applied %d, held %d, skipped %d",
                        first.seconds, first.connect, first.cpu, pushed, first.report.bytesPushed,
                        first.report.received.applied, first.report.received.held, first.report.received.skipped))
        let serverBytes = try server.changesTableBytes()

        // 2. A coordination, new, pulling every case.
        Log.line("a new coordination pulls every case…")
        let coordination = try Store(directory: coordinationDirectory, user: "coord")
        defer { try? coordination.close() }
        setThreshold(coordination)
        let anyone = try Clearance.withoutUsers("coord", book: coordination.book)
        let pull = try sync(coordination, as: anyone, site: SyncBench.coordination, teams: nil, server: server)
        let received = pull.report.received
        Log.line(String(format: "  %.1f s (connect %.3f s), client CPU %.1f s; applied %d, held %d, skipped %d; %d cases, %d possible duplicates said",
                        pull.seconds, pull.connect, pull.cpu, received.applied, received.held, received.skipped,
                        coordination.book.count, pull.report.duplicates.count))

        // 3. Incremental syncs of the office: notes on random cases, then a sync. First with
        // the session that made the notes still open (its journal in memory); then as
        // `retour sync` runs after the case manager: the notes' session closed (which folds its
        // journal into the snapshot), the directory opened again for the sync.
        let ids = office.reader(for: admin).digests.map(\.id)
        var generator = SystemRandomNumberGenerator()
        func addNotes(_ run: String) throws {
            for index in 0..<changes {
                let id = ids[Int.random(in: 0..<ids.count, using: &generator)]
                let note = Note(id: UUID(), text: "bench sync \(run)-\(index)", by: admin.login, at: Date())
                try office.commit(.addNote(id: id, note: note), as: admin)
            }
        }
        var open: [Timed] = []
        for run in 1...runs {
            try addNotes("open \(run)")
            let timed = try sync(office, as: admin, site: nil, teams: officeTeams, server: server)
            Log.line(String(format: "  incremental, session open %d/%d: %.3f s (connect %.3f s), client CPU %.3f s; sent %d changes, %d bytes",
                            run, runs, timed.seconds, timed.connect, timed.cpu, timed.report.pushed, timed.report.bytesPushed))
            open.append(timed)
        }
        var reopened: [(sync: Timed, open: Double, close: Double)] = []
        for run in 1...runs {
            try addNotes("closed \(run)")
            try office.close()
            let (store, opening) = try Measure.timed { try Store(directory: officeDirectory, user: "bench") }
            office = store
            setThreshold(office)
            admin = try SignIn.attempt(login: SyncOffice.administrator, pin: SyncOffice.pin, store: office)
            let timed = try sync(office, as: admin, site: nil, teams: officeTeams, server: server)
            let ((), closing) = try Measure.timed { try office.close() }
            office = try Store(directory: officeDirectory, user: "bench")
            setThreshold(office)
            admin = try SignIn.attempt(login: SyncOffice.administrator, pin: SyncOffice.pin, store: office)
            Log.line(String(format: "  incremental, directory opened again %d/%d: %.3f s (connect %.3f s), client CPU %.3f s; sent %d changes, %d bytes; "
                            + "opening before it %.2f s, closing after it %.2f s",
                            run, runs, timed.seconds, timed.connect, timed.cpu, timed.report.pushed, timed.report.bytesPushed, opening, closing))
            reopened.append((timed, opening, closing))
        }

        let ((), closing) = try Measure.timed { try coordination.close() }
        Log.line(String(format: "coordination closed (compaction) in %.1f s", closing))

        let lineBytes = Double(historyBytes) / Double(max(1, historyLines))
        let perChange = Double(first.report.bytesPushed) / Double(max(1, pushed))
        let times = open.map(\.seconds), again = reopened.map(\.sync.seconds)
        func list(_ values: [Double]) -> String { values.map { String(format: "%.3f", $0) }.joined(separator: ", ") }
        var lines = [
            String(format: "office: %d cases, %d changes in its history (%.0f MB, %.0f bytes per line)%@; %@",
                   caseCount, historyLines, Double(historyBytes) / 1e6, lineBytes,
                   built.map { String(format: ", built in %.0f s", $0) } ?? "", server.description),
            String(format: "first sync of the office to an empty server: %.1f s (target ≤ 60 s; this process's CPU %.1f s), %.0f changes/s; "
                   + "%d changes sent, %.0f bytes per change (journal line %.0f bytes)",
                   first.seconds, first.cpu, Double(pushed) / first.seconds, pushed, perChange, lineBytes),
            String(format: "a new coordination pulling every case: %.1f s (target ≤ 60 s; this process's CPU %.1f s), %.0f changes/s; "
                   + "%d applied, %d held, %d skipped",
                   pull.seconds, pull.cpu, Double(received.applied + received.held + received.skipped) / pull.seconds,
                   received.applied, received.held, received.skipped),
            String(format: "incremental sync of %d changes at the office, their session open: median %.3f s (target ≤ 1 s) over %d runs: %@",
                   changes, Measure.median(times), runs, list(times)),
            String(format: "incremental sync of %d changes at the office, their session closed and the directory opened again: "
                   + "median %.3f s (target ≤ 1 s) over %d runs: %@; besides, opening %.2f s and closing %.2f s (medians)",
                   changes, Measure.median(again), runs, list(again),
                   Measure.median(reopened.map(\.open)), Measure.median(reopened.map(\.close))),
        ]
        if let serverBytes {
            lines.append(String(format: "server: retour.changes holds %.0f MB after the first sync (%.0f bytes per change, indexes included)",
                                Double(serverBytes) / 1e6, Double(serverBytes) / Double(max(1, pushed))))
        }
        for line in lines { print(line) }
        fflush(nil)
        if keep != nil { Log.line("kept: \(pristine.path) (the office, never synchronised), \(work.path) (this run's directories)") }
    }

    /// A sync and what it took: wall seconds from connecting to the end, of which connecting,
    /// and this process's CPU seconds meanwhile (the rest is the server's, or waiting).
    struct Timed {
        var report: Synchroniser.Report
        var seconds: Double
        var connect: Double
        var cpu: Double
    }

    func sync(_ store: Store, as clearance: Clearance, site: String?, teams: [String]?, server: BenchServer) throws -> Timed {
        let cpuBefore = SyncBench.cpuSeconds()
        let start = Measure.monotonicNanoseconds()
        let connection = try server.connect()
        defer { connection.close() }
        let connected = Measure.monotonicNanoseconds()
        let synchroniser = Synchroniser(store: store, server: connection, clearance: clearance)
        if let pageSize { synchroniser.pageSize = pageSize }
        let report = try synchroniser.run(site: site, teams: teams)
        let end = Measure.monotonicNanoseconds()
        return Timed(report: report, seconds: Double(end - start) / 1e9, connect: Double(connected - start) / 1e9,
                     cpu: SyncBench.cpuSeconds() - cpuBefore)
    }

    func setThreshold(_ store: Store) {
        if let compactionMb { store.compactionThreshold = compactionMb << 20 }
    }

    /// User and system CPU time of this process (every thread), in seconds.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// Lines of a file (its newlines).
    static func lines(_ path: String) throws -> Int {
        guard let handle = FileHandle(forReadingAtPath: path) else { return 0 }
        defer { try? handle.close() }
        var count = 0
        while let chunk = try handle.read(upToCount: 4 << 20), !chunk.isEmpty {
            count += chunk.reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }
        }
        return count
    }
}

/// A real office of N cases (not a demonstration: those refuse to sync): the bench's
/// fictitious people and their follow-up (`SyntheticData`), then the users of the demo's two
/// teams, whose case workers the cases are assigned to: an administrator of both teams, a
/// supervisor and three case workers in each.
enum SyncOffice {
    static let administrator = "admin"
    static let pin = PeopleBench.pin

    /// Builds it in `directory` (made whole under another name, then renamed: an interrupted
    /// build is never taken for an office); returns the seconds it took.
    static func build(count: Int, in directory: URL, assets: Assets, reference: Reference) throws -> Double {
        let building = directory.deletingLastPathComponent().appendingPathComponent(directory.lastPathComponent + ".building")
        try? FileManager.default.removeItem(at: building)
        Log.line("\(count) cases: generating and committing the office (one fsync per change)…")
        let (phases, seconds) = try Measure.timed { () -> SyntheticData.Phases in
            let phases = try SyntheticData.build(count: count, in: building, assets: assets, reference: reference)
            let store = try Store(directory: building, user: "bench")
            guard store.book.users.isEmpty else { throw BenchError(description: "\(building.path) holds users already") }
            let members = try DemoOffice.members(assets: assets)
            guard members.first?.login == administrator else { throw BenchError(description: "the demo's administrator is not \(administrator)") }
            // One hash with the real parameters, shared (as the demo does).
            let hash = try PINHash.make(pin)
            let users = members.map { User(login: $0.login, name: $0.name, role: $0.role, teams: $0.teams, pin: hash) }
            try store.commit(.addUser(users[0]), as: Clearance.withoutUsers(administrator, book: store.book))
            let signedIn = try SignIn.attempt(login: administrator, pin: pin, store: store)
            try store.commitBatch(as: signedIn) { batch in
                for user in users.dropFirst() { try batch.add(.addUser(user)) }
            }
            try store.close()
            return phases
        }
        try FileManager.default.moveItem(at: building, to: directory)
        Log.line(String(format: "  built in %.1f s: generate %.2f s, check %.2f s, commit %.1f s, compact %.2f s, users; %d cases",
                        seconds, phases.generate, phases.plan, phases.commit, phases.compact, phases.registered))
        return seconds
    }
}

/// The server the bench syncs with: a throwaway cluster of its own, or the one given.
struct BenchServer {
    let address: ServerAddress
    let password: String?
    /// Kept for as long as the bench runs (stopped at exit).
    let cluster: PostgresCluster?

    var description: String {
        cluster == nil ? "server \(address.place)/\(address.database)"
            : "throwaway PostgreSQL cluster on \(address.place) (fsync off)"
    }

    static func start(given: String?) throws -> BenchServer {
        let server: BenchServer
        if let given {
            let address = try ServerAddress(given)
            server = BenchServer(address: address, password: address.password(), cluster: nil)
        } else {
            let cluster = try PostgresCluster()
            let database = "retour_bench"
            try cluster.createDatabase(named: database)
            server = BenchServer(address: try ServerAddress(cluster.url(database: database) + "?sslmode=disable"),
                                 password: cluster.password, cluster: cluster)
        }
        let connection = try server.connect()
        defer { connection.close() }
        try ServerSchema.initialise(connection)
        let sites = try connection.rows("SELECT count(*) FROM retour.sites") { try $0.decode(Int.self) }.first ?? 0
        if sites > 0 {
            throw BenchError(description: "\(server.address.place)/\(server.address.database) holds \(sites) sites already: give an empty database")
        }
        return server
    }

    func connect() throws -> ServerConnection {
        try ServerConnection.open(address, password: password)
    }

    /// Bytes of the changes' table with its indexes and TOAST; nil when the server will not say.
    func changesTableBytes() throws -> Int? {
        let connection = try connect()
        defer { connection.close() }
        return try? connection.rows("SELECT pg_total_relation_size('retour.changes')") { try $0.decode(Int.self) }.first
    }
}
