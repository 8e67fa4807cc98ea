#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A throwaway PostgreSQL server for tests: a data directory of its own in a temporary
/// directory, on a free port of 127.0.0.1, with password authentication (scram-sha-256) and
/// no fsync (nothing in it must survive a power cut).
///
/// The server programs come from `$RETOUR_PG_BIN`, else the newest `/usr/lib/postgresql/*/bin`
/// (Debian's `postgresql` package). PostgreSQL refuses to run as root: as root, the server runs
/// as the `postgres` account (through `runuser`). Every cluster started is stopped and its
/// directory removed when the process exits.
public final class PostgresCluster: @unchecked Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    public let host = "127.0.0.1"
    public let port: Int
    public let user = "postgres"
    public let password: String
    /// Where `initdb`, `pg_ctl` (and usually `psql`) are.
    public let binDirectory: URL
    /// The temporary directory: `data`, `log`, and the server's Unix socket.
    public let directory: URL

    private let server: Server
    private let psqlPath: String
    /// Serialises `stop` and `start`.
    private let lock = NSLock()

    // MARK: - Shared cluster

    private static let registry = Registry()

    /// The cluster of this test process, started on first use (by whichever test comes first,
    /// the others wait). A failure to start is remembered: every later call throws it at once.
    /// Tests share it: give each its own database, and stop only a cluster of your own (`init`).
    public static func shared() throws -> PostgresCluster {
        try registry.shared { try PostgresCluster() }.get()
    }

    /// Starts a cluster of its own (about a second): for a test that stops the server, which
    /// would break the others on the shared one.
    public init() throws {
        let bin = try Self.findBinDirectory()
        let account = try Account.current()
        directory = try Self.makeTemporaryDirectory(owner: account)
        server = Server(bin: bin, directory: directory, account: account)
        binDirectory = bin
        let bundledPsql = bin.appendingPathComponent("psql").path
        psqlPath = FileManager.default.isExecutableFile(atPath: bundledPsql) ? bundledPsql : "/usr/bin/psql"
        password = Self.randomPassword()
        do {
            try server.initialise(password: password)
            port = try server.startOnFreePort()
        } catch {
            // Half started (pg_ctl timed out): take it down before removing its directory.
            server.stopImmediately()
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
        Self.registry.add(self)
    }

    // MARK: - Using it

    /// A connection URL: `postgres://postgres@127.0.0.1:PORT/DATABASE`, with the password only
    /// when asked (`postgres://postgres:PASSWORD@…`). `port`: another port, a proxy's.
    public func url(database: String, port: Int? = nil, password: Bool = false) -> String {
        let credentials = password ? "\(user):\(self.password)" : user
        let safe = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
        let name = database.addingPercentEncoding(withAllowedCharacters: safe) ?? database
        return "postgres://\(credentials)@\(host):\(port ?? self.port)/\(name)"
    }

    public func createDatabase(named name: String) throws {
        _ = try psql("CREATE DATABASE \(Self.quoted(name))", database: "postgres")
    }

    /// Drops the database even if sessions are still connected to it; errors are ignored
    /// (for `defer`: a server stopped by the test, a database never created).
    public func dropDatabase(named name: String) {
        _ = try? psql("DROP DATABASE IF EXISTS \(Self.quoted(name)) WITH (FORCE)", database: "postgres")
    }

    /// Runs `sql` with `psql -At` (unaligned, tuples only) and returns its output without the
    /// last newline; throws with psql's error output if it fails. `port`: another port, a proxy's.
    public func psql(_ sql: String, database: String, port: Int? = nil) throws -> String {
        let arguments = ["-X", "-At", "-v", "ON_ERROR_STOP=1", "-h", host, "-p", String(port ?? self.port),
                         "-U", user, "-d", database, "-c", sql]
        let output = try Command.run(psqlPath, arguments, environment: ["PGPASSWORD": password, "PGCONNECT_TIMEOUT": "10"])
        guard output.status == 0 else {
            throw Failure("psql -d \(database) -c \(sql): exit \(output.status): \(output.stderr)")
        }
        var text = output.stdout
        if text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    /// Stops the server (`pg_ctl stop -m fast`: sessions are ended, then it shuts down cleanly).
    public func stop() throws {
        lock.lock(); defer { lock.unlock() }
        try server.stop()
    }

    /// Starts the server again on the same port (fails if another process took it meanwhile).
    public func start() throws {
        lock.lock(); defer { lock.unlock() }
        try server.start(port: port)
    }

    // MARK: - Setting up

    static func findBinDirectory() throws -> URL {
        let fileManager = FileManager.default
        func holdsServer(_ bin: URL) -> Bool {
            ["initdb", "pg_ctl"].allSatisfy { fileManager.isExecutableFile(atPath: bin.appendingPathComponent($0).path) }
        }
        if let custom = ProcessInfo.processInfo.environment["RETOUR_PG_BIN"], !custom.isEmpty {
            let bin = URL(fileURLWithPath: custom, isDirectory: true)
            guard holdsServer(bin) else { throw Failure("RETOUR_PG_BIN=\(custom) holds no initdb and pg_ctl") }
            return bin
        }
        let root = URL(fileURLWithPath: "/usr/lib/postgresql", isDirectory: true)
        let versions = (try? fileManager.contentsOfDirectory(atPath: root.path)) ?? []
        // Numeric order: 15 is newer than 9.6.
        for version in versions.sorted(by: { $0.compare($1, options: .numeric) == .orderedDescending }) {
            let bin = root.appendingPathComponent(version).appendingPathComponent("bin")
            if holdsServer(bin) { return bin }
        }
        throw Failure("PostgreSQL server not installed: apt-get install postgresql (or set RETOUR_PG_BIN)")
    }

    /// A new directory, 0700 (mkdtemp), owned by the account that runs the server.
    static func makeTemporaryDirectory(owner: Account) throws -> URL {
        let template = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("retour-pg-XXXXXX").path
        var path = Array(template.utf8CString)
        guard mkdtemp(&path) != nil else {
            throw Failure("mkdtemp \(template): \(String(cString: strerror(errno)))")
        }
        let directory = path.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        if let postgres = owner.postgres, chown(directory, postgres.uid, postgres.gid) != 0 {
            let message = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: directory)
            throw Failure("chown \(directory) to postgres: \(message)")
        }
        return URL(fileURLWithPath: directory, isDirectory: true)
    }

    /// Letters and digits only: it goes into URLs and command lines unescaped.
    static func randomPassword() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        return String((0..<32).map { _ in alphabet.randomElement()! })
    }

    static func quoted(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// At exit: `-m immediate`, nothing in it is worth a clean shutdown.
    fileprivate func tearDownAtExit() {
        server.stopImmediately()
        try? FileManager.default.removeItem(at: directory)
    }
}

// MARK: - The server's programs

/// Who runs the server: ourselves, or the `postgres` account through `runuser` when we are root.
struct Account: Sendable {
    struct Postgres: Sendable {
        let uid: uid_t
        let gid: gid_t
        let runuser: String
    }

    /// Set when we are root.
    let postgres: Postgres?

    static func current() throws -> Account {
        guard getuid() == 0 else { return Account(postgres: nil) }
        guard let entry = getpwnam("postgres") else {
            throw PostgresCluster.Failure("running as root, and there is no postgres account to run the server (PostgreSQL refuses root)")
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let runuser = path.split(separator: ":").map { "\($0)/runuser" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let runuser else {
            throw PostgresCluster.Failure("running as root, and runuser (util-linux) is not in PATH to run the server as postgres")
        }
        return Account(postgres: Postgres(uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid, runuser: runuser))
    }

    /// The command line running `program` as this account.
    func commandLine(_ program: String, _ arguments: [String]) -> [String] {
        guard let postgres else { return [program] + arguments }
        return [postgres.runuser, "-u", "postgres", "--", program] + arguments
    }
}

/// `initdb` and `pg_ctl` on one data directory.
private struct Server: Sendable {
    let bin: URL
    let directory: URL
    let account: Account

    var data: String { directory.appendingPathComponent("data").path }
    var log: String { directory.appendingPathComponent("log").path }

    func tool(_ name: String, _ arguments: [String], environment: [String: String] = [:]) throws -> Command.Output {
        let line = account.commandLine(bin.appendingPathComponent(name).path, arguments)
        return try Command.run(line[0], Array(line.dropFirst()), environment: environment, directory: directory)
    }

    func initialise(password: String) throws {
        let passwordFile = directory.appendingPathComponent("password").path
        guard FileManager.default.createFile(atPath: passwordFile, contents: Data((password + "\n").utf8),
                                             attributes: [.posixPermissions: 0o600]) else {
            throw PostgresCluster.Failure("cannot write \(passwordFile)")
        }
        defer { try? FileManager.default.removeItem(atPath: passwordFile) }
        if let postgres = account.postgres { chown(passwordFile, postgres.uid, postgres.gid) }
        let common = ["-D", data, "-A", "scram-sha-256", "--pwfile=\(passwordFile)", "-U", "postgres", "-E", "UTF8"]
        var output = try tool("initdb", common + ["--locale=C.UTF-8"])
        if output.status != 0 {
            // No C.UTF-8 locale (older C libraries): the C locale, which takes any encoding.
            try? FileManager.default.removeItem(atPath: data)
            let first = output.stderr
            output = try tool("initdb", common, environment: ["LC_ALL": "C", "LANG": "C"])
            guard output.status == 0 else {
                throw PostgresCluster.Failure("initdb failed:\n\(first)\nand without --locale:\n\(output.stderr)")
            }
        }
    }

    /// Starts on a free port; if another process takes that port first, on another one.
    func startOnFreePort() throws -> Int {
        var attempt = 0
        while true {
            attempt += 1
            let port = try Loopback.freePort()
            do {
                try start(port: port)
                return port
            } catch let error as PostgresCluster.Failure where attempt < 3 && error.description.contains("already in use") {
                continue
            }
        }
    }

    func start(port: Int) throws {
        // pg_ctl passes -o through a shell: the socket directory is quoted.
        let options = "-c listen_addresses=127.0.0.1 -p \(port) -k '\(directory.path)' -c fsync=off"
        let output = try tool("pg_ctl", ["-D", data, "-o", options, "-l", log, "-w", "start"])
        guard output.status == 0 else {
            throw PostgresCluster.Failure("pg_ctl start failed: \(output.stderr)\(output.stdout)\nserver log:\n\(logTail())")
        }
    }

    func stop() throws {
        let output = try tool("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"])
        guard output.status == 0 else {
            throw PostgresCluster.Failure("pg_ctl stop failed: \(output.stderr)\(output.stdout)")
        }
    }

    /// `pg_ctl -m immediate stop`, output discarded, no thread started: also at exit.
    func stopImmediately() {
        guard FileManager.default.fileExists(atPath: data + "/postmaster.pid") else { return }
        let line = account.commandLine(bin.appendingPathComponent("pg_ctl").path, ["-D", data, "-m", "immediate", "-w", "stop"])
        guard let pid = try? Command.spawn(line, directory: directory) else { return }
        _ = Command.wait(pid, timeout: 30)
    }

    func logTail() -> String {
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(20).joined(separator: "\n")
    }
}

// MARK: - Child processes

/// Child processes through posix_spawn rather than Foundation's Process: on Linux, Process
/// learns that a child ended from a socket the child inherits, and `pg_ctl start` leaves a
/// server behind holding it, so Process would wait for the server's end. Here the child
/// keeps only its standard input and outputs, and its end is learnt from waitpid.
enum Command {
    struct Output: Sendable {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs a program to its end (at most `timeout` seconds, then killed and an error), with
    /// the environment minus PG* variables (a developer's PGHOST must not redirect the tests).
    static func run(_ program: String, _ arguments: [String], environment: [String: String] = [:],
                    directory: URL? = nil, timeout: TimeInterval = 60) throws -> Output {
        let description = ([program] + arguments).joined(separator: " ")
        let out = try makePipe()
        let err: (read: Int32, write: Int32)
        do { err = try makePipe() } catch {
            [out.read, out.write].forEach { _ = close($0) }
            throw error
        }
        let pid: pid_t
        do {
            pid = try spawn([program] + arguments, environment: environment, directory: directory,
                            stdout: out.write, stderr: err.write)
        } catch {
            [out.read, out.write, err.read, err.write].forEach { _ = close($0) }
            throw error
        }
        close(out.write)
        close(err.write)

        // Both pipes drain on threads of their own while the child runs: a child that fills
        // one pipe while we wait on it or on the other would never finish.
        let captured = Captured()
        let readers = DispatchGroup()
        for (index, fd) in [out.read, err.read].enumerated() {
            readers.enter()
            Thread.detachNewThread {
                captured.drain(fd, into: index)
                readers.leave()
            }
        }
        guard let status = wait(pid, timeout: timeout) else {
            kill(pid, SIGTERM)
            if wait(pid, timeout: 5) == nil {
                kill(pid, SIGKILL)
                _ = wait(pid, timeout: .infinity)
            }
            _ = readers.wait(timeout: .now() + 5)
            throw PostgresCluster.Failure("\(description): still running after \(Int(timeout)) s, killed; stderr: \(captured.text(1))")
        }
        // A grandchild holding the pipes (it should not: the server writes to its log) must
        // not hang the test: what was read by then is returned.
        _ = readers.wait(timeout: .now() + 10)
        return Output(status: status, stdout: captured.text(0), stderr: captured.text(1))
    }

    /// Starts `argv` with /dev/null as input, and as outputs where none is given.
    static func spawn(_ argv: [String], environment: [String: String] = [:], directory: URL? = nil,
                      stdout: Int32? = nil, stderr: Int32? = nil) throws -> pid_t {
        var merged = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") }
        merged.merge(environment) { $1 }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        for (target, source) in [(Int32(1), stdout), (Int32(2), stderr)] {
            if let source {
                posix_spawn_file_actions_adddup2(&actions, source, target)
            } else {
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", O_WRONLY, 0)
            }
        }
        if let directory, let addchdir = Extensions.addchdir {
            _ = directory.path.withCString { addchdir(&actions, $0) }
        }
        closeInheritedDescriptors(&actions)

        // Signals the test process ignores (SIGPIPE, for the proxy) are not the child's business.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let arguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        let variables: [UnsafeMutablePointer<CChar>?] = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            arguments.forEach { free($0) }
            variables.forEach { free($0) }
        }
        var pid = pid_t()
        let result = posix_spawn(&pid, argv[0], &actions, &attributes, arguments, variables)
        guard result == 0 else {
            throw PostgresCluster.Failure("cannot run \(argv[0]): \(String(cString: strerror(result)))")
        }
        return pid
    }

    /// The exit status of `pid` once it ends (128+N if killed by signal N), or nil after `timeout`.
    static func wait(_ pid: pid_t, timeout: TimeInterval) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        var pause: useconds_t = 1_000
        while true {
            var status: Int32 = 0
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid {
                let signal = status & 0x7F
                return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
            }
            if result < 0 && errno != EINTR { return 255 }  // ECHILD: reaped elsewhere, status lost
            if Date() >= deadline { return nil }
            usleep(pause)
            pause = min(pause * 2, 20_000)
        }
    }

    /// The child gets descriptors 0, 1 and 2 only: a server started through it must not keep
    /// a pipe or socket of the test process (or of another child being started) open.
    private static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        if let closefrom = Extensions.addclosefrom {
            _ = closefrom(&actions, 3)
            return
        }
        // glibc before 2.34: close each descriptor open now (one opened meanwhile may slip through).
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for fd in open.compactMap(Int32.init) where fd > 2 {
            posix_spawn_file_actions_addclose(&actions, fd)
        }
    }

    /// A pipe closed on exec (the child gets its ends through dup2 only).
    private static func makePipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw PostgresCluster.Failure("pipe: \(String(cString: strerror(errno)))") }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return (fds[0], fds[1])
    }

    /// glibc's posix_spawn extensions, which the Glibc module does not declare: looked up at run time.
    private enum Extensions {
        typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

        static let addclosefrom: AddCloseFrom? = symbol("posix_spawn_file_actions_addclosefrom_np")
        static let addchdir: AddChdir? = symbol("posix_spawn_file_actions_addchdir_np")

        private static func symbol<T>(_ name: String) -> T? {
            guard let handle = dlopen(nil, RTLD_NOW), let address = dlsym(handle, name) else { return nil }
            return unsafeBitCast(address, to: T.self)
        }
    }

    private final class Captured: @unchecked Sendable {
        private let lock = NSLock()
        private var data = [Data(), Data()]

        /// Reads `fd` to its end, then closes it.
        func drain(_ fd: Int32, into index: Int) {
            var buffer = [UInt8](repeating: 0, count: 16 * 1024)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                lock.lock()
                data[index].append(contentsOf: buffer[0..<count])
                lock.unlock()
            }
            close(fd)
        }

        func text(_ index: Int) -> String {
            lock.lock(); defer { lock.unlock() }
            return String(decoding: data[index], as: UTF8.self)
        }
    }
}

// MARK: - Process-wide state

/// The shared cluster, and every cluster to stop at exit.
private final class Registry: @unchecked Sendable {
    /// Held while the shared cluster starts; `add` is called then, hence a second lock.
    private let sharedLock = NSLock()
    private var sharedCluster: Result<PostgresCluster, any Error>?
    private let listLock = NSLock()
    private var clusters: [PostgresCluster] = []
    private var exitHandlerInstalled = false

    func shared(_ make: () throws -> PostgresCluster) -> Result<PostgresCluster, any Error> {
        sharedLock.lock(); defer { sharedLock.unlock() }
        if let sharedCluster { return sharedCluster }
        let result = Result { try make() }
        sharedCluster = result
        return result
    }

    func add(_ cluster: PostgresCluster) {
        listLock.lock(); defer { listLock.unlock() }
        clusters.append(cluster)
        if !exitHandlerInstalled {
            exitHandlerInstalled = true
            atexit { PostgresCluster.registryTearDown() }
        }
    }

    func takeAll() -> [PostgresCluster] {
        listLock.lock(); defer { listLock.unlock() }
        defer { clusters = [] }
        return clusters
    }
}

extension PostgresCluster {
    /// Called by `atexit`: stops every cluster still there.
    fileprivate static func registryTearDown() {
        for cluster in registry.takeAll() { cluster.tearDownAtExit() }
    }
}
