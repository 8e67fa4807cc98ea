import Foundation
import RetourCore

/// Where the synchronisation server is: a `postgres://user@host:port/database` address, with
/// `sslmode` (`disable`, `prefer` — the default, as libpq's —, `require`, `verify-full`) and
/// `sslrootcert` (the authority that signed the server's certificate, for `verify-full`).
/// The password is never part of it: it comes from `PGPASSWORD`, `~/.pgpass` or the terminal.
public struct ServerAddress: Equatable, Sendable {
    public enum TLSMode: String, Sendable {
        case disable, prefer, require
        case verifyFull = "verify-full"
    }

    public var user: String
    public var host: String
    public var port: Int
    public var database: String
    public var tls: TLSMode
    public var rootCertificate: String?

    /// Longer is not an address (a pasted file, say).
    static let lengthLimit = 1024

    /// Throws `SyncError.badAddress` for anything else than such an address, and for one that
    /// holds a password (it would be seen in the list of processes, and remembered).
    public init(_ text: String) throws {
        guard text.utf8.count <= ServerAddress.lengthLimit, PlainText.isAcceptable(text, lines: .one),
              let components = URLComponents(string: text),
              components.scheme == "postgres" || components.scheme == "postgresql",
              let host = components.host, !host.isEmpty, components.password == nil else { throw SyncError.badAddress }
        self.host = host
        port = components.port ?? 5432
        guard (1...65535).contains(port) else { throw SyncError.badAddress }
        user = components.user ?? ProcessInfo.processInfo.environment["PGUSER"] ?? "retour"
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? user : path
        var mode = TLSMode.prefer
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let value = item.value, let parsed = TLSMode(rawValue: value) else { throw SyncError.badAddress }
                mode = parsed
            case "sslrootcert":
                rootCertificate = item.value
            default:
                throw SyncError.badAddress
            }
        }
        tls = mode
    }

    /// The address as remembered and shown: never a password.
    public var text: String {
        var components = URLComponents()
        components.scheme = "postgres"
        components.user = user
        components.host = host
        components.port = port
        components.path = "/" + database
        var items = [URLQueryItem(name: "sslmode", value: tls.rawValue)]
        if let rootCertificate { items.append(URLQueryItem(name: "sslrootcert", value: rootCertificate)) }
        components.queryItems = items
        return components.string ?? ""
    }

    /// `host:port`, for messages.
    public var place: String { "\(host):\(port)" }

    /// The password from `PGPASSWORD`, else from the password file (`PGPASSFILE`, else
    /// `~/.pgpass`) as libpq reads it: `host:port:database:user:password` lines, `*` matching
    /// anything, a file others may read ignored. Nil when neither has one.
    public func password(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let password = environment["PGPASSWORD"], !password.isEmpty { return password }
        let home = environment["HOME"] ?? NSHomeDirectory()
        let path = environment["PGPASSFILE"] ?? home + "/.pgpass"
        var info = stat()
        // As libpq: a regular file, not readable by group or others, read to a bounded size.
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_mode & 0o077 == 0, info.st_size <= 64 << 10,
              let contents = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        for line in contents.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            let fields = ServerAddress.passwordFileFields(String(line))
            guard fields.count == 5 else { continue }
            let wanted = [host, String(port), database, user]
            if zip(fields, wanted).allSatisfy({ $0 == "*" || $0 == $1 }) { return fields[4] }
        }
        return nil
    }

    /// The fields of a `.pgpass` line: `:` separates, `\:` and `\\` escape.
    static func passwordFileFields(_ line: String) -> [String] {
        var fields: [String] = [], field = "", escaped = false
        for character in line {
            if escaped {
                field.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == ":" && fields.count < 4 {
                fields.append(field)
                field = ""
            } else {
                field.append(character)
            }
        }
        fields.append(field)
        return fields
    }
}
