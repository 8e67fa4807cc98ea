import Foundation
import Testing
@testable import RetourCore
import RetourSync
import RetourTestSupport

/// What a sync leaves when something goes wrong: the connection cut at any byte, input the
/// server or the program refuses, a server that stops. Each change reaches the server once and
/// each site once, a cut leaves whole pages only, and what is refused is refused before
/// anything is written on either side.
@Suite(.serialized)
struct SyncFaultTests {
    // MARK: Cuts

    /// A push is cut at bytes spread over the whole conversation (connecting, the schema check,
    /// the join, each page of three changes, the last update), one way then the other: the
    /// server then holds whole pages only, and the next sync, direct, sends the rest once.
    @Test func aPushCutAtAnyByteLeavesWholePagesAndTheNextSyncSendsTheRestOnce() async throws {
        await Self.cutEverywhere(.push)
    }

    /// The same for a pull: the coordination's directory holds whole pages only after a cut
    /// (read again, as the next session would, it checks whole), and the next sync brings the
    /// rest: each case and each note once, no conflict.
    @Test func aPullCutAtAnyByteLeavesWholeBatchesAndTheNextSyncBringsTheRestOnce() async throws {
        await Self.cutEverywhere(.pull)
    }

    /// Cuts the sync of `phase` at each of `Offices.cutPoints`, one way then the other, in child
    /// processes (exit tests): a cut at the wrong moment can stop the process (a precondition of
    /// the PostgreSQL client, a failure here), and must not take the other tests with it. After
    /// such a crash, another child goes on from the next cut.
    private static func cutEverywhere(_ phase: Offices.Phase, sourceLocation: SourceLocation = #_sourceLocation) async {
        var progress: Set<Int> = []
        // postgres-nio 1.33.2 may stop the process (RowStreamStateMachine.swift:94, "How can we
        // receive a body part, after a channelReadComplete…") when the link drops while a
        // result's rows arrive; Retour collects rows whole, which made it rare, not impossible.
        // Known, and only that: any other issue of the cuts (a change lost or applied twice, a
        // directory that does not check) still fails the test.
        await withKnownIssue("postgres-nio traps when the link drops while rows arrive", isIntermittent: true,
                             sourceLocation: sourceLocation) {
            for toServer in [true, false] {
                var from = 0
                while let child = await cutInAProcessOfItsOwn(pushing: phase == .push, toServer: toServer, from: from,
                                                              sourceLocation: sourceLocation) {
                    progress.formUnion(child.progress)
                    guard let crashed = child.crashedAt, crashed + 1 < child.points else { break }
                    from = crashed + 1
                }
            }
        } matching: { issue in
            let said = String(describing: issue)
            // The child's exit status, and what the parent records of it (its last words may be lost).
            return said.contains("SIGILL") || said.contains("RowStreamStateMachine") || said.contains("the process ended during")
        }
        // The cuts fell before, between and after every page.
        #expect(progress == [0, 3, 6, 9, 10], "\(phase): \(progress.sorted())", sourceLocation: sourceLocation)
    }

    /// What a child process said of its cuts (`cutEach`): how many there are, how far each sync
    /// went, and the cut during which it crashed.
    private struct ChildReport {
        var points = 0
        var progress: Set<Int> = []
        var crashedAt: Int?
    }

    /// Runs the cuts of one direction from the `from`th in a child process, which starts a
    /// cluster of its own (stopped here if it crashed); nil if it said nothing.
    private static func cutInAProcessOfItsOwn(pushing: Bool, toServer: Bool, from: Int,
                                              sourceLocation: SourceLocation) async -> ChildReport? {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("retour-cuts-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let ended = await #expect(processExitsWith: .success, "\(pushing ? "push" : "pull") \(toServer ? "toServer" : "toClient")",
                                  sourceLocation: sourceLocation) { [pushing, toServer, from, scratch = scratch as String] in
            // What the process says, a crash's last words included, kept for the parent.
            let said = open(scratch + "/said", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            if said >= 0 { dup2(said, STDERR_FILENO) }
            let cluster = try PostgresCluster.shared()
            try cluster.directory.path.write(toFile: scratch + "/cluster", atomically: false, encoding: .utf8)
            try SyncFaultTests.cutEach(pushing ? .push : .pull, toServer ? .toServer : .toClient, from: from)
        } != nil
        // Not all of it is text: a crash's report, bytes written as the process ends.
        guard let bytes = FileManager.default.contents(atPath: scratch + "/said") else { return nil }
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n")
        func said(_ key: String) -> [[Substring]] {
            lines.filter { $0.hasPrefix(key + " ") }.map { $0.dropFirst(key.count + 1).split(separator: " ", maxSplits: 1) }
        }
        var report = ChildReport()
        report.points = said("points").first.flatMap { Int($0[0]) } ?? 0
        report.progress = Set(said("left").compactMap { $0.count == 2 ? Int($0[1]) : nil })
        guard !ended else { return report }

        let last = said("cut").last
        report.crashedAt = last.flatMap { Int($0[0]) }
        let fatal = lines.first { $0.contains("Fatal error") } ?? "no fatal error said"
        Issue.record("the process ended during the \(last.map { String($0.last ?? "") } ?? "dry run"): \(fatal)",
                     sourceLocation: sourceLocation)
        // Its cluster, which it could not stop: ended at once (`SIGQUIT`, as `pg_ctl stop -m
        // immediate`) and removed.
        if let directory = try? String(contentsOfFile: scratch + "/cluster", encoding: .utf8),
           FileManager.default.fileExists(atPath: directory) {
            let pids = (try? String(contentsOfFile: directory + "/data/postmaster.pid", encoding: .utf8)) ?? ""
            if let first = pids.split(separator: "\n").first, let pid = pid_t(first), pid > 1 {
                kill(pid, SIGQUIT)
                for _ in 0..<50 where kill(pid, 0) == 0 { usleep(100_000) }
            }
            try? FileManager.default.removeItem(atPath: directory)
        }
        return report
    }

    /// In a child process: the sync of `phase` cut at each of `Offices.cutPoints` in `direction`
    /// from the `from`th, each on offices of their own, then run again direct. What it does is
    /// said on its standard error, one line each: `points N`, `cut I LABEL`, `left I CHANGES`.
    private static func cutEach(_ phase: Offices.Phase, _ direction: CuttingProxy.Direction, from: Int) throws {
        func say(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }
        let proxy = try CuttingProxy(targetPort: try PostgresCluster.shared().port)
        defer { proxy.stop() }
        // A dry run says how long the conversation is, that way.
        let dry = try Offices()
        try dry.prepare(phase)
        let before = direction == .toServer ? proxy.bytesToServer : proxy.bytesToClient
        _ = try dry.site(phase).sync(dry.network, port: proxy.port)
        let total = (direction == .toServer ? proxy.bytesToServer : proxy.bytesToClient) - before
        try dry.finish(phase)
        try expectWhole(dry, "dry run")

        let points = Offices.cutPoints(total: total)
        say("points \(points.count)")
        for (index, bytes) in points.enumerated() where index >= from {
            let label = "\(phase) cut after \(bytes) of \(total) bytes \(direction)"
            let offices = try Offices()
            try offices.prepare(phase)
            let site = offices.site(phase)
            say("cut \(index) \(label)")
            proxy.cut(afterBytes: bytes, direction: direction)
            // Not kept by a sync left waiting: the directory is removed with the site.
            let outcome = within(patience) { [unowned site, network = offices.network] in try site.sync(network, port: proxy.port) }
            proxy.heal()
            if let outcome {
                var completed = false
                switch outcome {
                case .success: completed = true
                case .failure(SyncError.connectionLost), .failure(SyncError.unreachable): break
                case .failure(let error): Issue.record("\(label): \(error)")
                }
                // Cut before the last few bytes (the goodbye), the sync cannot have ended well;
                // not cut at all, it must have.
                if bytes < total - 8 { #expect(!completed, "\(label): completed") }
                if bytes > total { #expect(completed, "\(label): did not complete") }
            } else {
                // Given up, as a person would end it: it never touches the directory again.
                Issue.record("\(label): the sync had not ended \(Int(patience)) s after the cut")
            }

            // What the cut left, as the next session reads it: whole pages on the server, whole
            // batches in the directory.
            try site.reopen()
            let check = site.check()
            #expect(check.isOK, "\(label): \(check.findings)")
            let done = try offices.progress(phase)
            #expect(done % Offices.pageSize == 0 || done == Offices.gaoChanges, "\(label): \(done) changes")
            say("left \(index) \(done)")
            if phase == .pull {
                #expect([0, Offices.coordinationChanges].contains(try offices.network.changes(of: "BKO")), "\(label)")
            }

            _ = try site.sync(offices.network)
            try offices.finish(phase)
            try expectWhole(offices, label)
        }
    }

    /// After every sync: each site's changes on the server once, each case and note once at the
    /// coordination, no conflict anywhere, and both directories whole when read again.
    private static func expectWhole(_ offices: Offices, _ label: String) throws {
        let network = offices.network, gao = offices.gao, coordination = offices.coordination
        let total = Offices.gaoChanges + Offices.coordinationChanges
        #expect(try network.sql("SELECT count(*) || ' ' || count(DISTINCT (site, seq)) FROM retour.changes") == "\(total) \(total)",
                "\(label)")
        #expect(try network.changes(of: "GAO-A") == Offices.gaoChanges, "\(label)")
        #expect(try network.changes(of: "BKO") == Offices.coordinationChanges, "\(label)")

        #expect(coordination.familyNames == (Offices.gaoNames + Offices.coordinationNames).sorted(), "\(label)")
        #expect(gao.familyNames == Offices.gaoNames.sorted(), "\(label)")
        for id in offices.gaoCases {
            #expect(coordination[id]?.notes.map(\.text) == gao[id]?.notes.map(\.text), "\(label)")
            #expect(coordination[id]?.profile == gao[id]?.profile, "\(label)")
        }
        let pulled = Offices.pulled(by: coordination)
        #expect(pulled.count == Offices.gaoChanges && Set(pulled).count == pulled.count, "\(label): \(pulled)")
        for site in [gao, coordination] {
            #expect(site.store.book.digests.allSatisfy { site[$0.id]?.isInSiteConflict == false }, "\(label): \(site.name)")
            try site.reopen()
            let check = site.check()
            #expect(check.isOK, "\(label): \(site.name): \(check.findings)")
        }
    }

    // MARK: Refusals

    /// A wrong password, or no server where the address says: said at once, nothing written.
    @Test func aWrongPasswordOrNoServerIsSaidAtOnceAndNothingIsWritten() throws {
        let network = try Network()
        let gao = try Site("GAO-A", team: "gao")
        try gao.register("Haidara")
        try expectRefused(.wrongPassword(user: "postgres"), gao, network) {
            _ = try Self.run(gao, on: try network.connect(password: "wrong"))
        }
        // A port nothing listens on: a proxy's, once stopped.
        let gone = try CuttingProxy(targetPort: network.cluster.port)
        gone.stop()
        try expectRefused(.unreachable(host: "127.0.0.1:\(gone.port)"), gao, network) {
            _ = try gao.sync(network, port: gone.port)
        }
        #expect(gao.store.book.site == nil)
    }

    /// A server whose schema this program does not know, newer or absent, is refused before the
    /// directory joins or sends anything.
    @Test func aServerWithANewerSchemaOrNoneIsRefusedBeforeAnythingIsWritten() throws {
        let network = try Network()
        let gao = try Site("GAO-A", team: "gao")
        try gao.register("Haidara")
        _ = try network.sql("UPDATE retour.version SET version = 99")
        try expectRefused(.serverNewer(found: 99, known: ServerSchema.version), gao, network) {
            _ = try gao.sync(network)
        }

        let cluster = network.cluster
        let bare = "retour_bare_" + UUID().uuidString.prefix(8).lowercased()
        try cluster.createDatabase(named: bare)
        defer { cluster.dropDatabase(named: bare) }
        let before = try Self.files(of: gao)
        #expect(throws: SyncError.serverNotInitialised) {
            let address = try ServerAddress(cluster.url(database: bare) + "?sslmode=disable")
            _ = try Self.run(gao, on: try ServerConnection.open(address, password: cluster.password, timeout: 5))
        }
        #expect(try Self.files(of: gao) == before)
        #expect(try cluster.psql("SELECT count(*) FROM pg_namespace WHERE nspname = 'retour'", database: bare) == "0")
        #expect(gao.store.book.site == nil)
    }

    /// A site code another directory holds, one that is not a code, and a demonstration office:
    /// each refused with its own error, and the directory does not join.
    @Test func aTakenOrInvalidSiteCodeOrADemoIsRefusedBeforeJoining() throws {
        let network = try Network()
        let gao = try Site("GAO-A", team: "gao")
        try gao.register("Haidara")
        _ = try gao.sync(network)

        // Another directory asking for the same code.
        let impostor = try Site("GAO-A", team: "gao")
        try impostor.register("Touré", region: "ML05")
        try expectRefused(.siteTaken("GAO-A"), impostor, network) { _ = try impostor.sync(network) }
        try impostor.reopen()
        #expect(impostor.store.book.site == nil)

        let office = try Site("MPT-A", team: "mopti")
        try office.register("Kouyaté", region: "ML05")
        try expectRefused(.badSite("gao a"), office, network) { _ = try office.sync(network, code: "gao a") }

        // A demonstration: its first change marks it so.
        let demo = try Site("DEMO", team: nil)
        try demo.store.commit(.markDemo(DemoMark(seed: 1, cases: 1)), as: .anyone("setup"))
        try demo.register("Fictive")
        try expectRefused(.demo, demo, network) { _ = try demo.sync(network) }
        for site in [office, demo] {
            try site.reopen()
            #expect(site.store.book.site == nil, "\(site.name)")
        }
    }

    /// Two offices of one region number their first cases alike before joining (`GAO-000001`):
    /// the second to sync is told which number is taken, and neither joins nor sends anything.
    @Test func aCaseNumberAnotherSiteHoldsStopsTheFirstSyncBeforeJoining() throws {
        let network = try Network()
        let gao = try Site("GAO-A", team: "gao"), gao2 = try Site("GAO-B", team: "gao")
        try gao.register("Haidara")
        _ = try gao.sync(network)
        try gao2.register("Touré")
        try expectRefused(.numberTaken(number: "GAO-000001"), gao2, network) { _ = try gao2.sync(network) }
        try gao2.reopen()
        #expect(gao2.store.book.site == nil)
        #expect(try network.changes(of: "GAO-B") == 0)
    }

    /// An address is a `postgres://` URL without a password, of one short printable line, with
    /// known settings only: anything else is refused as one error, before connecting.
    @Test func anAddressWithAPasswordOrMalformedIsRefused() throws {
        let refused = [
            "postgres://u:secret@h/db",
            "postgresql://u:@h/db",
            "http://u@h/db",
            "h:5432/db",
            "postgres:///db",
            "postgres://u@h/db?sslmode=allow",
            "postgres://u@h/db?sslmode=",
            "postgres://u@h/db?password=secret",
            "postgres://u@h:70000/db",
            "postgres://u@h/" + String(repeating: "d", count: 2000),
            "postgres://u@h/db\u{1B}[2J",
            "postgres://u@h/db\nsslmode=disable",
            "",
        ]
        for text in refused {
            #expect(throws: SyncError.badAddress, "\(text.prefix(40).debugDescription)") { _ = try ServerAddress(text) }
        }
        let address = try ServerAddress("postgres://gao_a@sync.example.org:5433/retour?sslmode=verify-full")
        #expect(address.text == "postgres://gao_a@sync.example.org:5433/retour?sslmode=verify-full")
    }

    // MARK: A server that stops

    /// The server stopped between two syncs: unreachable, nothing written here; stopped with a
    /// sync's connection open: the connection is lost, nothing written here; started again:
    /// the next sync sends and brings everything once.
    @Test func aStoppedServerIsSaidAndTheSyncAfterItsRestartSendsEverythingOnce() throws {
        // A cluster of its own: stopping the shared one would break the other tests.
        let cluster = try PostgresCluster()
        defer { try? cluster.stop() }
        let network = try Network(cluster: cluster)
        let gao = try Site("GAO-A", team: "gao"), coordination = try Site("BKO", team: nil)
        let haidara = try gao.register("Haidara")
        _ = try gao.sync(network)
        _ = try coordination.sync(network)

        try gao.note(haidara, "Visite à domicile")
        try gao.setPhone(haidara, "76 00 00 01")
        let toure = try gao.register("Touré")
        try gao.note(toure, "Premier entretien")
        let before = try Self.files(of: gao)
        try cluster.stop()
        #expect(throws: SyncError.unreachable(host: "127.0.0.1:\(cluster.port)")) { _ = try gao.sync(network) }
        #expect(try Self.files(of: gao) == before)

        try cluster.start()
        let open = try network.connect()
        try cluster.stop()
        switch Self.within(Self.patience, { try Self.run(gao, on: open) }) {
        case .failure(SyncError.connectionLost)?: #expect(try Self.files(of: gao) == before)
        case let outcome?: Issue.record("a sync on a connection the server closed: \(outcome), not connectionLost")
        case nil:
            Issue.record("a sync on a connection the server closed had not ended after \(Int(Self.patience)) s")
            // Given up, as a person would end it: it never touches the directory again.
            try gao.reopen()
        }

        try cluster.start()
        let sent = try gao.sync(network)
        #expect(sent.pushed == 4)
        let received = try coordination.sync(network)
        #expect(received.received.applied == 4)
        #expect(try network.sql("SELECT count(*) || ' ' || count(DISTINCT (site, seq)) FROM retour.changes") == "5 5")
        #expect(coordination.familyNames == ["Haidara", "Touré"])
        for id in [haidara, toure] {
            #expect(coordination[id]?.notes.map(\.text) == gao[id]?.notes.map(\.text))
            #expect(coordination[id]?.profile == gao[id]?.profile)
            #expect(coordination[id]?.isInSiteConflict == false)
        }
        for site in [gao, coordination] {
            try site.reopen()
            #expect(site.check().isOK, "\(site.name): \(site.check().findings)")
        }
    }

    // MARK: A connection lost inside a transaction

    /// A transaction whose connection is cut part way ends with `connectionLost` at once: the
    /// server rolls it back by itself; nothing must wait for an answer that cannot come.
    @Test func aTransactionWhoseConnectionIsCutEndsWithConnectionLost() throws {
        let network = try Network()
        let proxy = try CuttingProxy(targetPort: network.cluster.port)
        defer { proxy.stop() }
        let server = try network.connect(port: proxy.port)
        let outcome = Self.within(Self.patience) {
            try server.transaction {
                try server.run("SELECT 1")
                // The next bytes sent end the connection.
                proxy.cut(afterBytes: 0, direction: .toServer)
                try server.run("SELECT 2")
            }
        }
        switch outcome {
        case .failure(SyncError.connectionLost)?: break
        case let outcome?: Issue.record("\(outcome), not connectionLost")
        case nil: Issue.record("the transaction had not ended \(Int(Self.patience)) s after its connection was cut")
        }
    }

    // MARK: Helpers

    /// Far more than a sync of these few changes takes (under a second).
    static let patience: Double = 5

    /// Runs `body` on a thread of its own, waiting for it at most `seconds`: nil if it has not
    /// ended by then (it is left waiting, with whatever it holds).
    static func within<T>(_ seconds: Double, _ body: @escaping () throws -> T) -> Result<T, Error>? {
        let handoff = Handoff(body)
        Thread {
            handoff.result = Result { try handoff.body() }
            handoff.done.signal()
        }.start()
        guard handoff.done.wait(timeout: .now() + seconds) == .success else { return nil }
        return handoff.result
    }

    /// `attempt` must stop with `expected`, the directory's files and the server's tables as
    /// they were.
    private func expectRefused(_ expected: SyncError, _ site: Site, _ network: Network,
                               sourceLocation: SourceLocation = #_sourceLocation, _ attempt: () throws -> Void) throws {
        let files = try Self.files(of: site), server = try Self.written(on: network)
        #expect(throws: expected, sourceLocation: sourceLocation) { try attempt() }
        #expect(try Self.files(of: site) == files, "\(expected): the directory changed", sourceLocation: sourceLocation)
        #expect(try Self.written(on: network) == server, "\(expected): the server changed", sourceLocation: sourceLocation)
    }

    /// The bytes of the directory's files (the lock and the sessions' list aside: not data).
    static func files(of site: Site) throws -> [String: Data] {
        var found: [String: Data] = [:]
        for name in try FileManager.default.subpathsOfDirectory(atPath: site.directory.path)
        where name != Store.Files.lock && name != Store.Files.sessions {
            var isDirectory: ObjCBool = false
            let path = site.directory.appendingPathComponent(name).path
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            found[name] = try Data(contentsOf: URL(fileURLWithPath: path))
        }
        return found
    }

    /// Everything a site writes on the server, as one line.
    static func written(on network: Network) throws -> String {
        try network.sql("""
            SELECT (SELECT count(*) FROM retour.changes) || ' changes, ' || (SELECT count(*) FROM retour.cases) || ' cases; '
                || coalesce((SELECT string_agg(code || ' ' || directory || ' ' || teams::text || ' ' || every_team || ' '
                                               || coalesce(synced_at::text, '-'), ', ' ORDER BY code) FROM retour.sites), '')
            """)
    }

    /// One sync on a connection already open (closed after), as `Site.sync` runs it.
    static func run(_ site: Site, on server: ServerConnection) throws -> Synchroniser.Report {
        defer { server.close() }
        let synchroniser = Synchroniser(store: site.store, server: server, clearance: site.admin)
        synchroniser.pageSize = site.pageSize
        synchroniser.pullPageSize = site.pullPageSize
        return try synchroniser.run(site: site.store.book.site == nil ? site.name : nil, teams: site.team.map { [$0] })
    }
}

/// What a thread started by `SyncFaultTests.within` hands back: written once before `done`
/// is signalled, read once after.
private final class Handoff<T>: @unchecked Sendable {
    let body: () throws -> T
    var result: Result<T, Error>?
    let done = DispatchSemaphore(value: 0)

    init(_ body: @escaping () throws -> T) { self.body = body }
}

/// Two offices with enough work for a sync to span several pages of three changes, sent and
/// received: Gao registers four people, writes five notes and edits a profile (ten changes to
/// push); the coordination registers two and writes a note (three), and pulls Gao's ten.
private final class Offices {
    enum Phase: CustomStringConvertible {
        /// Gao's first sync: joins, pushes four pages, pulls nothing.
        case push
        /// The coordination's first sync, Gao's work on the server: joins, pushes one page, pulls four.
        case pull

        var description: String { self == .push ? "push" : "pull" }
    }

    static let pageSize = 3
    static let gaoNames = ["Haidara", "Touré", "Maïga", "Cissé"]
    static let coordinationNames = ["Kouyaté", "Diarra"]
    static let gaoChanges = 10
    static let coordinationChanges = 3

    let network: Network
    let gao: Site
    let coordination: Site
    private(set) var gaoCases: [UUID] = []

    init() throws {
        network = try Network()
        gao = try Site("GAO-A", team: "gao")
        coordination = try Site("BKO", team: nil)
        for site in [gao, coordination] {
            site.pageSize = Offices.pageSize
            site.pullPageSize = Offices.pageSize
        }
        for name in Offices.gaoNames { gaoCases.append(try gao.register(name)) }
        for (index, id) in gaoCases.enumerated() { try gao.note(id, "Visite \(index + 1)") }
        try gao.note(gaoCases[0], "Appel de suivi")
        try gao.setPhone(gaoCases[1], "76 00 00 01")
        let kouyate = try coordination.register("Kouyaté", region: "ML05")
        try coordination.register("Diarra", region: "ML05")
        try coordination.note(kouyate, "Orientation")
    }

    /// Everything before the sync to cut.
    func prepare(_ phase: Phase) throws {
        if phase == .pull { _ = try gao.sync(network) }
    }

    /// Everything after it: the coordination receives Gao's work.
    func finish(_ phase: Phase) throws {
        if phase == .push { _ = try coordination.sync(network) }
    }

    /// The site whose sync is cut.
    func site(_ phase: Phase) -> Site { phase == .push ? gao : coordination }

    /// How far the cut sync went: Gao's changes on the server (a push), or received by the
    /// coordination (a pull).
    func progress(_ phase: Phase) throws -> Int {
        phase == .push ? try network.changes(of: "GAO-A") : Offices.pulled(by: coordination).count
    }

    /// The changes of other sites a site holds, by their key (`GAO-A:7`), as its cases' timelines say.
    static func pulled(by site: Site) -> [String] {
        site.store.book.digests.flatMap { site[$0.id]?.timeline.compactMap(\.origin?.key) ?? [] }
    }

    /// Where to cut a conversation of `total` bytes: closely at its start, where connecting,
    /// the schema check and the join are short, then evenly; and once beyond its end.
    static func cutPoints(total: Int) -> [Int] {
        let early = [1, 24, 96, 200, 320, 480, 640, 800, 1000]
        let even = (1...14).map { total * $0 / 15 }
        return Set((early + even).filter { $0 < total } + [total - 1, total + 64]).sorted()
    }
}
