import Foundation

/// Who is acting, and what their role allows. Every read (`CaseReader`) and every change
/// (`CaseBook.check`) takes one, so that no screen or command decides on its own. Only
/// signing in (`SignIn`) makes one for a directory with users; a directory without users
/// gives one to whoever is at the terminal (`Clearance.withoutUsers`).
public struct Clearance: Sendable, Hashable {
    /// The login of a signed-in user, or the name of whoever is at the terminal.
    public let login: String
    /// Nil in a directory with no users yet.
    public let user: User?

    init(login: String, user: User?) {
        self.login = login
        self.user = user
    }

    public var isSignedIn: Bool { user != nil }

    /// Without users, everyone may do everything, as before sign-in existed.
    public var role: Role { user?.role ?? .administrator }

    public var displayName: String { user?.name ?? login }
}

/// The cases a clearance reaches, decided from a case's digest alone (no case is decoded):
/// made once per book state by `CaseReader` (and per change by `CaseBook.check`), then asked
/// for every case.
struct Scope: Sendable {
    let clearance: Clearance
    /// For a supervisor: the logins of the users who share one of their teams.
    private let team: Set<String>
    private let everything: Bool
    private let nothing: Bool

    /// The user is taken as `users` holds them now: a role, teams or a disabling changed since
    /// sign-in count at once. A clearance without a user reaches everything only in a
    /// directory without users, and nothing once one exists.
    init(_ clearance: Clearance, users: Users) {
        let current = users.isEmpty ? nil : clearance.user.flatMap { users[$0.login] }.flatMap { $0.active ? $0 : nil }
        self.clearance = current.map { Clearance(login: $0.login, user: $0) } ?? clearance
        everything = users.isEmpty || current?.role == .administrator
        nothing = !users.isEmpty && current == nil
        if let current, current.role == .supervisor {
            let own = Set(current.teams)
            team = Set(users.all.filter { !own.isDisjoint(with: $0.teams) }.map(\.login))
        } else {
            team = []
        }
    }

    /// Whether every case is in scope (no case needs to be asked about).
    var reachesEverything: Bool { everything }

    /// The login responsible for a case: the user it is assigned to, else who registered it.
    static func worker(assignedTo: String, registeredBy: String) -> String {
        let assigned = assignedTo.trimmingCharacters(in: .whitespaces)
        return assigned.isEmpty ? registeredBy : assigned.lowercased()
    }

    /// Whether the case is the clearance's to see and change.
    func contains(assignedTo: String, registeredBy: String) -> Bool {
        if everything { return true }
        if nothing { return false }
        let login = clearance.login
        if registeredBy == login || assignedTo == login { return true }
        let worker = Scope.worker(assignedTo: assignedTo, registeredBy: registeredBy)
        return worker == login || team.contains(worker)
    }

    func contains(_ digest: CaseDigest) -> Bool {
        contains(assignedTo: digest.assignedTo, registeredBy: digest.registeredBy)
    }

    /// Whether the clearance sees what is confidential in the case (a survivor of violence, a
    /// confidential note): its worker, the team's supervisors and administrators.
    func seesConfidential(assignedTo: String, registeredBy: String) -> Bool {
        if everything { return true }
        if nothing { return false }
        let worker = Scope.worker(assignedTo: assignedTo, registeredBy: registeredBy)
        return worker == clearance.login || (clearance.role == .supervisor && team.contains(worker))
    }

    /// Whether a case may be assigned to `login`: a case worker keeps their cases (or leaves
    /// them unassigned), a supervisor assigns within the team, an administrator to anyone.
    func mayAssign(to login: String) -> Bool {
        if everything { return true }
        if nothing { return false }
        let worker = login.trimmingCharacters(in: .whitespaces).lowercased()
        if worker.isEmpty || worker == clearance.login { return true }
        return clearance.role == .supervisor && team.contains(worker)
    }
}

extension Clearance {
    /// Whoever is at the terminal of a directory with no users yet, under `name` (`$USER`):
    /// everything is theirs, as before sign-in existed. Refused once a user exists.
    public static func withoutUsers(_ name: String, book: CaseBook) throws -> Clearance {
        guard book.users.isEmpty else { throw ChangeError.forbidden(.signInRequired) }
        return Clearance(login: name, user: nil)
    }

    /// For tests of a directory without users.
    static func anyone(_ name: String) -> Clearance { Clearance(login: name, user: nil) }
}
