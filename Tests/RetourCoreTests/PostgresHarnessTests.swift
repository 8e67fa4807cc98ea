import Foundation
import Testing
import RetourTestSupport

/// The test harness itself: a real PostgreSQL server of the test process, and a proxy that
/// cuts connections, before tests of synchronisation rely on them.
@Suite("PostgreSQL harness: throwaway server and cutting proxy")
struct PostgresHarnessTests {
    static func databaseName() -> String {
        "harness_" + UUID().uuidString.prefix(8).lowercased()
    }

    @Test func theSharedClusterRunsQueries() throws {
        let cluster = try PostgresCluster.shared()
        let database = Self.databaseName()
        try cluster.createDatabase(named: database)
        defer { cluster.dropDatabase(named: database) }
        #expect(try cluster.psql("SELECT 1+1", database: database) == "2")
        #expect(cluster.url(database: database) == "postgres://postgres@127.0.0.1:\(cluster.port)/\(database)")
        #expect(cluster.url(database: database, port: 1, password: true)
            == "postgres://postgres:\(cluster.password)@127.0.0.1:1/\(database)")
    }

    @Test func aFailingStatementThrowsWithTheServersMessage() throws {
        let cluster = try PostgresCluster.shared()
        let error = #expect(throws: PostgresCluster.Failure.self) {
            try cluster.psql("SELECT * FROM nowhere", database: "postgres")
        }
        #expect(error?.description.contains("nowhere") == true)
    }

    @Test func theProxyForwardsCutsAndHeals() throws {
        let cluster = try PostgresCluster.shared()
        let proxy = try CuttingProxy(targetPort: cluster.port)
        defer { proxy.stop() }

        #expect(try cluster.psql("SELECT 40+2", database: "postgres", port: proxy.port) == "42")
        #expect(proxy.bytesToServer > 0)
        #expect(proxy.bytesToClient > 0)

        proxy.cut(afterBytes: 0, direction: .toClient)
        #expect(proxy.isRefusing)
        #expect(throws: PostgresCluster.Failure.self) {
            try cluster.psql("SELECT 1", database: "postgres", port: proxy.port)
        }

        proxy.heal()
        #expect(try cluster.psql("SELECT 40+2", database: "postgres", port: proxy.port) == "42")
    }

    /// A cut in the middle of a conversation: the server's first reply gets through, partly.
    @Test func aCutAfterSomeBytesEndsThatConnectionAndRefusesTheNext() throws {
        let cluster = try PostgresCluster.shared()
        let proxy = try CuttingProxy(targetPort: cluster.port)
        defer { proxy.stop() }

        proxy.cut(afterBytes: 10, direction: .toClient)
        #expect(!proxy.isRefusing)
        #expect(throws: PostgresCluster.Failure.self) {
            try cluster.psql("SELECT 1", database: "postgres", port: proxy.port)
        }
        #expect(proxy.bytesToClient == 10)
        #expect(proxy.isRefusing)

        proxy.cut(afterBytes: nil, direction: .toClient)
        #expect(try cluster.psql("SELECT 1", database: "postgres", port: proxy.port) == "1")
    }

    @Test func aClusterOfItsOwnStopsAndStartsOnTheSamePort() throws {
        let cluster = try PostgresCluster()
        let port = cluster.port
        try cluster.stop()
        #expect(throws: PostgresCluster.Failure.self) {
            try cluster.psql("SELECT 1", database: "postgres")
        }
        try cluster.start()
        #expect(cluster.port == port)
        #expect(try cluster.psql("SELECT 1", database: "postgres") == "1")
    }
}
