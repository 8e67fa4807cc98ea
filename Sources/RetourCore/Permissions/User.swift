import Crypto
import _CryptoExtras
import Foundation

/// What a person may do in Retour. Each role does everything the one before it does.
public enum Role: String, Codable, CaseIterable, Sendable, Comparable {
    /// Registers people and follows the cases assigned to them or registered by them.
    case caseWorker = "case_worker"
    /// Everything a case worker does, on every case of their teams; reassigns, closes, reopens.
    case supervisor
    /// Everything, on every case; manages users and teams.
    case administrator

    private var rank: Int { Role.allCases.firstIndex(of: self)! }
    public static func < (a: Role, b: Role) -> Bool { a.rank < b.rank }
}

/// A person who signs in: a case worker, a supervisor or an administrator.
public struct User: Codable, Hashable, Sendable {
    /// Short, typed at sign-in, unique (`a.maiga`); what cases' `assigned_to` names.
    public var login: String
    public var name: String
    public var role: Role
    /// The groups the user works in (an office, a project); a supervisor supervises the case
    /// workers who share one of them.
    public var teams: [String]
    /// A disabled user cannot sign in; their cases stay, and show their name.
    public var active: Bool
    public var pin: PINHash

    public init(login: String, name: String, role: Role, teams: [String], active: Bool = true, pin: PINHash) {
        self.login = login
        self.name = name
        self.role = role
        self.teams = teams
        self.active = active
        self.pin = pin
    }

    public static let maximumNameLength = 100
    public static let maximumTeams = 20

    /// Lower-case letters, digits, `.`, `-`, `_`, starting with a letter, at most 32: a login
    /// is typed on a terminal and written in files, so nothing that needs quoting.
    public static func isValidLogin(_ login: String) -> Bool {
        guard let first = login.unicodeScalars.first, ("a"..."z").contains(first), login.unicodeScalars.count <= 32 else {
            return false
        }
        return login.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || ".-_".unicodeScalars.contains($0) }
    }

    /// A team's name follows the rule of a login.
    public static func isValidTeam(_ team: String) -> Bool { isValidLogin(team) }
}

/// A PIN or passphrase kept only as a salted scrypt hash: the cost is paid once per sign-in
/// (a fraction of a second, on purpose), so that a copied file does not give the PINs away.
public struct PINHash: Codable, Hashable, Sendable {
    public static let minimumLength = 6
    /// Bytes: a PIN is typed, never pasted from a file.
    public static let maximumLength = 256

    let logN: Int
    let r: Int
    let p: Int
    let salt: String
    let hash: String

    /// The parameters of new hashes: those of the key file's passphrase.
    public static let standard = ScryptParameters.standard

    /// A new hash of `pin`, with a salt of its own. Tests give cheaper `parameters`.
    public static func make(_ pin: String, parameters: ScryptParameters = standard) throws -> PINHash {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let hash = try KeyFile.derive(pin, salt: salt, parameters: parameters).withUnsafeBytes { Array($0) }
        return PINHash(logN: parameters.logN, r: parameters.r, p: parameters.p,
                       salt: Base64.encodeString(salt), hash: Base64.encodeString(hash))
    }

    /// Whether `pin` is the one hashed. Hashes whose parameters this version does not accept
    /// (a damaged or hostile file) match nothing.
    public func matches(_ pin: String) -> Bool {
        let parameters = ScryptParameters(logN: logN, r: r, p: p)
        guard parameters.isSupported, let salt = Base64.decode(salt), let expected = Base64.decode(hash), !pin.isEmpty,
              let derived = try? KeyFile.derive(pin, salt: salt, parameters: parameters) else { return false }
        let actual = derived.withUnsafeBytes { Array($0) }
        // Compared in constant time: how long a wrong PIN takes says nothing of the right one.
        guard actual.count == expected.count else { return false }
        return zip(actual, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
