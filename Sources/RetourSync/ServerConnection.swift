import Foundation
import PostgresNIO
import RetourCore

/// One connection to the synchronisation server, used as the rest of Retour is: one call after
/// another. Each call starts postgres-nio's query on its event loop and waits for the answer
/// on the calling thread (never on Swift's task pool, which a test or a caller may be using
/// whole); the rows are decoded into plain values there. Every failure becomes a `SyncError`
/// of one line.
public final class ServerConnection {
    public let address: ServerAddress
    private let connection: PostgresConnection
    private let logger: Logger
    /// How long one statement may wait for the server's answer: a link that drops without a
    /// word (no reset reaches us) would otherwise hold the sync for ever. A page of changes on a
    /// slow link takes a while; the connection is closed when this passes.
    public var statementTimeout: TimeInterval

    private init(address: ServerAddress, connection: PostgresConnection, logger: Logger, statementTimeout: TimeInterval) {
        self.address = address
        self.connection = connection
        self.logger = logger
        self.statementTimeout = statementTimeout
    }

    /// Connects as `address.user` with `password`; throws `unreachable`, `wrongPassword`, `tls`…
    public static func open(_ address: ServerAddress, password: String?, timeout: TimeInterval = 15,
                            statementTimeout: TimeInterval = 300) throws -> ServerConnection {
        var logger = Logger(label: "retour.sync")
        // Nothing of the server's conversation is printed: it may carry personal data.
        logger.logLevel = .critical
        var configuration = PostgresConnection.Configuration(
            host: address.host, port: address.port, username: address.user, password: password,
            database: address.database, tls: try tls(for: address))
        configuration.options.connectTimeout = .seconds(Int64(timeout))
        let opened = logger, configured = configuration
        do {
            let connection = try waiting(timeout: timeout + 1) {
                PostgresConnection.connect(on: PostgresConnection.defaultEventLoopGroup.any(), configuration: configured,
                                           id: 1, logger: opened)
            }
            return ServerConnection(address: address, connection: connection, logger: logger, statementTimeout: statementTimeout)
        } catch {
            throw ServerConnection.syncError(error, address: address, connecting: true)
        }
    }

    private static func tls(for address: ServerAddress) throws -> PostgresConnection.Configuration.TLS {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch address.tls {
        case .disable: return .disable
        case .prefer, .require:
            // As libpq: encrypted, the certificate not checked (`verify-full` checks it).
            configuration.certificateVerification = .none
        case .verifyFull:
            configuration.certificateVerification = .fullVerification
            if let root = address.rootCertificate { configuration.trustRoots = .file(root) }
        }
        do {
            let context = try NIOSSLContext(configuration: configuration)
            return address.tls == .prefer ? .prefer(context) : .require(context)
        } catch {
            throw SyncError.tls
        }
    }

    /// Runs `query`, returning its rows as `decode` makes them.
    @discardableResult
    public func rows<T: Sendable>(_ query: PostgresQuery, _ decode: @escaping @Sendable (PostgresRow) throws -> T) throws -> [T] {
        let connection = self.connection, logger = self.logger
        // A statement written on a closed connection is never answered: said at once.
        guard !connection.isClosed else { throw SyncError.connectionLost }
        do {
            return try ServerConnection.waiting(timeout: statementTimeout, onTimeout: { let closing: EventLoopFuture<Void> = connection.close(); _ = closing }) {
                // The rows collected whole, not streamed: postgres-nio 1.33's row stream traps
                // when the connection drops while rows arrive, which would end the process.
                let answer: EventLoopFuture<PostgresQueryResult> = connection.query(query, logger: logger)
                return answer.flatMapThrowing { try $0.map(decode) }
            }
        } catch {
            throw ServerConnection.syncError(error, address: address, connecting: false)
        }
    }

    public func run(_ query: PostgresQuery) throws {
        try rows(query) { _ in () }
    }

    /// `body` in one transaction: all of it or nothing, on the server too.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try run("BEGIN")
        do {
            let result = try body()
            try run("COMMIT")
            return result
        } catch SyncError.connectionLost {
            // The server rolls back what a lost connection left open.
            throw SyncError.connectionLost
        } catch {
            try? run("ROLLBACK")
            throw error
        }
    }

    public func close() {
        let connection = self.connection
        _ = try? ServerConnection.waiting(timeout: 5) { () -> EventLoopFuture<Void> in connection.close() }
    }

    /// The error as one line: what the user can act on, naming no data.
    static func syncError(_ error: Error, address: ServerAddress, connecting: Bool) -> Error {
        if error is SyncError { return error }
        guard let error = error as? PSQLError else { return connecting ? SyncError.unreachable(host: address.place) : SyncError.connectionLost }
        switch error.code {
        case .server:
            let state = error.serverInfo?[.sqlState] ?? ""
            switch state {
            case "28P01", "28000": return SyncError.wrongPassword(user: address.user)
            case "42501": return SyncError.forbidden
            case "3F000", "42P01": return SyncError.serverNotInitialised
            case "57P01", "57P02", "57P03": return connecting ? SyncError.unreachable(host: address.place) : SyncError.connectionLost
            default: return SyncError.server(code: String(state.prefix(5)))
            }
        case .sslUnsupported, .failedToAddSSLHandler, .receivedUnencryptedDataAfterSSLRequest:
            return SyncError.tls
        case .authMechanismRequiresPassword, .saslError:
            return SyncError.wrongPassword(user: address.user)
        default:
            if connecting, error.underlying is NIOSSLError { return SyncError.tls }
            return connecting ? SyncError.unreachable(host: address.place) : SyncError.connectionLost
        }
    }

    /// Waits for the future `start` makes, at most `timeout` seconds; then `onTimeout` (closing
    /// the connection, which fails what waits on it) and `SyncError.connectionLost`.
    static func waiting<T>(timeout: TimeInterval, onTimeout: () -> Void = {},
                           _ start: () -> EventLoopFuture<T>) throws -> T {
        let outcome = Outcome<T>()
        let done = DispatchSemaphore(value: 0)
        start().whenComplete { result in
            outcome.set(result)
            done.signal()
        }
        guard done.wait(timeout: .now() + timeout) == .success else {
            onTimeout()
            throw SyncError.connectionLost
        }
        return try outcome.get()
    }
}

/// What a future left for the thread waiting on it (`ServerConnection.waiting`): written once
/// on the event loop before the semaphore is signalled, read once after.
private final class Outcome<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<T, Error>?

    func set(_ result: Result<T, Error>) {
        lock.withLock { self.result = result }
    }

    func get() throws -> T {
        guard let result = lock.withLock({ self.result }) else { throw SyncError.connectionLost }
        return try result.get()
    }
}
