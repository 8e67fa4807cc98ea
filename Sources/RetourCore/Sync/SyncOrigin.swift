import Foundation

/// Where a change pulled from the synchronisation server was made: its site, its place in that
/// site's journal, and its place in the server's order of every site's changes. A change made
/// here has none; a pulled one keeps it in its journal line and in its case's timeline.
public struct SyncOrigin: Codable, Hashable, Sendable {
    /// The site's code (`SiteMark.code`).
    public var site: String
    /// The change's `seq` in its site's journal.
    public var seq: Int
    /// The server's global sequence: the order in which every site's changes reached it.
    public var global: Int

    public init(site: String, seq: Int, global: Int) {
        self.site = site
        self.seq = seq
        self.global = global
    }

    /// Names one change of the whole network: `GAO-A:42`.
    public static func key(site: String, seq: Int) -> String { "\(site):\(seq)" }

    public var key: String { SyncOrigin.key(site: site, seq: seq) }
}
