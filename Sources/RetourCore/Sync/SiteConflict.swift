import Foundation

/// A change pulled from another site that is not applied here, kept on its case until a
/// supervisor settles it (`Change.settleSiteConflict`): either it goes against versions made
/// without its site having seen them (the same field, step, referral, member or status,
/// changed in two sites: `against` names them), or the rules refuse it on the case as it
/// stands here (`against` is empty: a step updated at one site on a case closed at another).
/// Nothing is applied over the other silently, and nothing is discarded.
public struct SiteConflict: Codable, Hashable, Sendable {
    /// The change as its site made it.
    public var change: Change
    public var by: String
    public var at: Date
    public var origin: SyncOrigin
    /// The keys (`SyncOrigin.key`) of the versions here that it goes against.
    public var against: [String]

    public init(change: Change, by: String, at: Date, origin: SyncOrigin, against: [String]) {
        self.change = change
        self.by = by
        self.at = at
        self.origin = origin
        self.against = against
    }

    /// Every change of the network the conflict is between: each site that flags the same
    /// conflict names the same set, so settling it at one site settles it at all.
    public var versions: Set<String> { Set(against).union([origin.key]) }
}
