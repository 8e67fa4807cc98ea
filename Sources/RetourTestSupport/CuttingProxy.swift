#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A TCP proxy on 127.0.0.1 that forwards every connection to a port of the same machine, and
/// cuts connections on demand: to see what a client does when its server goes away in the
/// middle of a conversation (a network failure, not a server stop).
///
/// `cut(afterBytes:direction:)` arms a limit: once that many bytes in that direction have
/// passed (counted over every connection, from the call), the connection that reached it is
/// closed on both sides, and every later connection is accepted then closed at once, until
/// `heal()`. Bytes up to the limit are delivered, none after it: an open connection that tries
/// to send more in that direction is cut too. The other direction keeps flowing.
///
/// One thread accepts, two threads per connection copy bytes (one per direction), with
/// blocking calls: simple, and tests open few connections. Linux only (Glibc).
public final class CuttingProxy: @unchecked Sendable {
    public enum Direction: Sendable {
        /// From the client (who connected to the proxy) to the server (the target port).
        case toServer
        /// From the server to the client.
        case toClient
    }

    /// The port clients connect to, on 127.0.0.1.
    public let port: Int
    /// The port on 127.0.0.1 every connection is forwarded to.
    public let targetPort: Int

    private let listener: Int32
    private let lock = NSLock()
    private let acceptEnded = DispatchSemaphore(value: 0)
    // Guarded by `lock`.
    private var links: [ObjectIdentifier: Link] = [:]
    private var limit: (bytes: Int, direction: Direction)?
    private var passedSinceCut = 0
    private var refusing = false
    private var stopped = false
    private var toServer = 0
    private var toClient = 0

    /// Starts listening on a free port of 127.0.0.1 at once; connections are forwarded to
    /// `targetPort` when they arrive (a target that is down: the connection is closed).
    public init(targetPort: Int) throws {
        // A peer that has gone must fail our send with EPIPE, not kill the test process.
        signal(SIGPIPE, SIG_IGN)
        self.targetPort = targetPort
        (listener, port) = try Loopback.listen()
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "CuttingProxy :\(port) accept"
        thread.start()
    }

    /// Bytes forwarded from clients to the server since the proxy started.
    public var bytesToServer: Int {
        lock.lock(); defer { lock.unlock() }
        return toServer
    }

    /// Bytes forwarded from the server to clients since the proxy started.
    public var bytesToClient: Int {
        lock.lock(); defer { lock.unlock() }
        return toClient
    }

    /// Whether a cut happened and new connections are refused (until `heal()`).
    public var isRefusing: Bool {
        lock.lock(); defer { lock.unlock() }
        return refusing
    }

    /// Arms a cut after `afterBytes` more bytes in `direction`, counted from zero now across all
    /// connections (0: at once, every new connection is refused). `nil` heals.
    /// A new call replaces the previous limit.
    public func cut(afterBytes: Int?, direction: Direction) {
        lock.lock(); defer { lock.unlock() }
        guard let afterBytes else {
            limit = nil
            passedSinceCut = 0
            refusing = false
            return
        }
        limit = (max(afterBytes, 0), direction)
        passedSinceCut = 0
        refusing = afterBytes <= 0
    }

    /// Forgets any cut: new connections are forwarded again.
    public func heal() {
        cut(afterBytes: nil, direction: .toServer)
    }

    /// Closes the listener and every connection. The port is closed when this returns.
    public func stop() {
        lock.lock()
        let first = !stopped
        stopped = true
        let open = Array(links.values)
        lock.unlock()
        guard first else { return }
        // Wakes the blocked accept (EINVAL on Linux); the accept thread closes the listener.
        shutdown(listener, Int32(SHUT_RDWR))
        for link in open { link.cut() }
        _ = acceptEnded.wait(timeout: .now() + 5)
    }

    // MARK: - Threads

    private func acceptLoop() {
        defer {
            close(listener)
            acceptEnded.signal()
        }
        while true {
            let client = accept(listener, nil, nil)
            // Not inherited by a program a test starts (Glibc's module has no accept4).
            if client >= 0 { _ = fcntl(client, F_SETFD, FD_CLOEXEC) }
            lock.lock()
            let (isStopped, isRefusing) = (stopped, refusing)
            lock.unlock()
            if client < 0 {
                if isStopped { return }
                // EINTR, ECONNABORTED, or out of descriptors: wait a little rather than spin.
                if errno != EINTR && errno != ECONNABORTED { usleep(10_000) }
                continue
            }
            if isStopped || isRefusing {
                Loopback.closeNow(client)
                if isStopped { return }
                continue
            }
            guard let server = Loopback.connect(port: targetPort) else {
                // The target is down: the client sees its connection closed, as with a cut.
                Loopback.closeNow(client)
                continue
            }
            Loopback.noDelay(client)
            Loopback.noDelay(server)
            let link = Link(client: client, server: server)
            lock.lock()
            links[ObjectIdentifier(link)] = link
            lock.unlock()
            for direction in [Direction.toServer, .toClient] {
                let thread = Thread { [self] in pump(link, direction) }
                thread.name = "CuttingProxy :\(port) \(direction)"
                thread.start()
            }
        }
    }

    /// Copies bytes one way until either side ends or the link is cut.
    private func pump(_ link: Link, _ direction: Direction) {
        let (source, destination) = direction == .toServer ? (link.client, link.server) : (link.server, link.client)
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count < 0 {
                link.cut()
                break
            }
            if count == 0 {
                // End of stream one way: pass the half-close on, the other way may still talk.
                shutdown(destination, Int32(SHUT_WR))
                break
            }
            let (allowed, cutNow) = admit(count, direction)
            let sent = allowed == 0 || buffer.withUnsafeBytes { Loopback.sendAll(destination, $0.baseAddress!, allowed) }
            if !sent || cutNow {
                link.cut()
                break
            }
        }
        if link.pumpEnded() {
            lock.lock()
            links[ObjectIdentifier(link)] = nil
            lock.unlock()
        }
    }

    /// How many of `count` bytes may pass in `direction`, and whether the link must be cut after them.
    private func admit(_ count: Int, _ direction: Direction) -> (allowed: Int, cut: Bool) {
        lock.lock(); defer { lock.unlock() }
        var allowed = count
        var cutNow = false
        if let limit, limit.direction == direction {
            allowed = refusing ? 0 : min(count, limit.bytes - passedSinceCut)
            passedSinceCut += allowed
            if passedSinceCut >= limit.bytes {
                refusing = true
                cutNow = true
            }
        }
        switch direction {
        case .toServer: toServer += allowed
        case .toClient: toClient += allowed
        }
        return (allowed, cutNow)
    }
}

/// The two sockets of one forwarded connection.
private final class Link: @unchecked Sendable {
    let client: Int32
    let server: Int32
    private let lock = NSLock()
    private var isCut = false
    private var pumpsRunning = 2

    init(client: Int32, server: Int32) {
        self.client = client
        self.server = server
    }

    /// Ends both sides at once. `shutdown` rather than `close`: it wakes the other pump's
    /// blocked read, and its descriptor stays valid until that pump has left.
    func cut() {
        lock.lock(); defer { lock.unlock() }
        guard !isCut else { return }
        isCut = true
        shutdown(client, Int32(SHUT_RDWR))
        shutdown(server, Int32(SHUT_RDWR))
    }

    /// Called by each pump as it leaves; the last one closes the sockets (true).
    func pumpEnded() -> Bool {
        lock.lock(); defer { lock.unlock() }
        pumpsRunning -= 1
        guard pumpsRunning == 0 else { return false }
        close(client)
        close(server)
        return true
    }
}

/// TCP sockets on 127.0.0.1, for the proxy and for picking a free port.
enum Loopback {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func address(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port)).bigEndian
        address.sin_addr = in_addr(s_addr: UInt32(0x7F00_0001).bigEndian)
        return address
    }

    /// A TCP socket closed on exec: a server started by a test must not inherit it.
    static func newSocket() throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        return fd
    }

    /// A socket bound to 127.0.0.1 on a port the kernel chose, and that port.
    static func bindAny() throws -> (fd: Int32, port: Int) {
        let fd = try newSocket()
        var on: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        var address = address(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw Failure(description: "bind 127.0.0.1:0: \(message)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// A listening socket on a free port.
    static func listen() throws -> (fd: Int32, port: Int) {
        let (fd, port) = try bindAny()
        guard Glibc.listen(fd, 128) == 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw Failure(description: "listen: \(message)")
        }
        return (fd, port)
    }

    /// A port free right now (another process may still take it before it is used).
    static func freePort() throws -> Int {
        let (fd, port) = try bindAny()
        close(fd)
        return port
    }

    /// A connected socket to 127.0.0.1:`port`, or nil if nothing listens there.
    static func connect(port: Int) -> Int32? {
        guard let fd = try? newSocket() else { return nil }
        var address = address(port: port)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(fd)
            return nil
        }
        return fd
    }

    /// Small protocol messages go out at once rather than waiting for Nagle's algorithm.
    static func noDelay(_ fd: Int32) {
        var on: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
    }

    static func sendAll(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Bool {
        var offset = 0
        while offset < count {
            let sent = send(fd, bytes + offset, count - offset, Int32(MSG_NOSIGNAL))
            if sent < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += sent
        }
        return true
    }

    static func closeNow(_ fd: Int32) {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }
}
