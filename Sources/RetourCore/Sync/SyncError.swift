import Foundation

/// Why a synchronisation, or the setting up of its server, stops: one line each, naming no
/// person. Nothing is written on either side before these are found, and a sync cut short
/// leaves whole batches only: the next one resumes.
public enum SyncError: UserFacingError, Equatable {
    /// The directory has not joined a network (no `Change.joinSite`).
    case notJoined
    case demo
    case noServer
    /// The first sync names the site: `--site CODE`.
    case noSite
    case badSite(String)
    /// `--teams` names no team, or something that is not a team's name.
    case badTeams
    /// The directory is site `joined`; `--site` named another.
    case otherSite(joined: String, asked: String)
    /// Another directory already synchronises as this site.
    case siteTaken(String)
    case badAddress
    /// The server's schema is newer than this program knows.
    case serverNewer(found: Int, known: Int)
    case serverNotInitialised
    /// The server's schema is older: `retour server init` migrates it.
    case serverOlder(found: Int)
    case wrongPassword(user: String)
    case unreachable(host: String)
    /// The connection broke during the sync: what was sent or applied is whole; run it again.
    case connectionLost
    /// TLS was asked (`sslmode=require` or `verify-full`) and could not be set up.
    case tls
    /// The network's changes are sealed with another data key than this directory's (or some
    /// sites seal them and others do not).
    case keyMismatch
    /// A case number given here before the site joined is already another site's.
    case numberTaken(number: String)
    /// A change from site `site` does not open or decode: altered, or not Retour's.
    case damaged(site: String, seq: Int)
    /// The server refused a statement (its code, `SQLSTATE`, says why to an administrator).
    case server(code: String)
    /// The role the office connects as may not do this (`retour server init` grants what it may).
    case forbidden

    public var message: Message {
        switch self {
        case .notJoined: return Message("sync.error.notJoined")
        case .demo: return Message("sync.error.demo")
        case .noServer: return Message("sync.error.noServer")
        case .noSite: return Message("sync.error.noSite")
        case .badSite(let code): return Message("sync.error.badSite", ["site": code])
        case .badTeams: return Message("sync.error.badTeams")
        case .otherSite(let joined, let asked): return Message("sync.error.otherSite", ["site": joined, "asked": asked])
        case .siteTaken(let code): return Message("sync.error.siteTaken", ["site": code])
        case .badAddress: return Message("sync.error.badAddress")
        case .serverNewer(let found, let known):
            return Message("sync.error.serverNewer", ["found": String(found), "known": String(known)])
        case .serverNotInitialised: return Message("sync.error.serverNotInitialised")
        case .serverOlder(let found): return Message("sync.error.serverOlder", ["found": String(found)])
        case .wrongPassword(let user): return Message("sync.error.wrongPassword", ["user": user])
        case .unreachable(let host): return Message("sync.error.unreachable", ["host": host])
        case .connectionLost: return Message("sync.error.connectionLost")
        case .tls: return Message("sync.error.tls")
        case .keyMismatch: return Message("sync.error.keyMismatch")
        case .numberTaken(let number): return Message("sync.error.numberTaken", ["number": number])
        case .damaged(let site, let seq): return Message("sync.error.damaged", ["site": site, "seq": String(seq)])
        case .server(let code): return Message("sync.error.server", ["code": code])
        case .forbidden: return Message("sync.error.forbidden")
        }
    }
}
