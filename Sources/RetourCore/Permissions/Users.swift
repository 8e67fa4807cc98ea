import Foundation

/// The people who sign in to a data directory, by login. Part of the book: changed only by
/// `Change` values, kept in the snapshot's header (sealed in an encrypted directory).
public struct Users: Sendable, Hashable {
    private var byLogin: [String: User] = [:]

    public init() {}

    public init(_ users: [User]) {
        for user in users { byLogin[user.login] = user }
    }

    /// No user yet: sign-in is off and whoever is at the terminal may do everything.
    public var isEmpty: Bool { byLogin.isEmpty }
    public var count: Int { byLogin.count }

    public subscript(login: String) -> User? { byLogin[login] }

    /// Every user, by login.
    public var all: [User] { byLogin.values.sorted { $0.login < $1.login } }

    /// The users who may sign in, by login.
    public var active: [User] { all.filter(\.active) }

    /// The user a case's `assigned_to` names: its login, in any letter case (names typed
    /// before users existed become a user's cases when that login is created).
    func user(assignedTo name: String) -> User? {
        if let user = byLogin[name] { return user }
        guard !name.isEmpty else { return nil }
        return byLogin[name.trimmingCharacters(in: .whitespaces).lowercased()]
    }

    /// The name to show for `login`: the user's display name, else the login as written.
    public func displayName(_ login: String) -> String {
        user(assignedTo: login)?.name ?? login
    }

    mutating func add(_ user: User) {
        byLogin[user.login] = user
    }

    mutating func update(_ login: String, _ update: UserUpdate) {
        guard var user = byLogin[login] else { return }
        switch update {
        case .disable: user.active = false
        case .enable: user.active = true
        case .role(let role): user.role = role
        case .teams(let teams): user.teams = teams
        case .pin(let pin): user.pin = pin
        }
        byLogin[login] = user
    }
}

extension Users: Codable {
    public init(from decoder: Decoder) throws {
        self.init(try [User](from: decoder))
    }

    public func encode(to encoder: Encoder) throws {
        try all.encode(to: encoder)
    }
}

/// A change of one user, made by an administrator.
public enum UserUpdate: Codable, Hashable, Sendable {
    case disable
    case enable
    case role(Role)
    case teams([String])
    case pin(PINHash)
}
