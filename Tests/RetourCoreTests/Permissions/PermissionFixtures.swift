import Foundation
import Testing
@testable import RetourCore

/// An office: an administrator, two case workers in two teams, a supervisor of the first
/// team, and cases assigned, registered or left unassigned among them.
struct Office {
    typealias F = CSVFixtures

    /// PINs hashed cheaply: the cost of the real parameters is measured by the benchmark.
    static let quickHash = ScryptParameters(logN: 4, r: 1, p: 1)
    static let pins = ["admin": "admin-pin", "w.gao": "gao-pin-1", "w.tbk": "tbk-pin-1", "s.gao": "sup-pin-1",
                       "w.gone": "gone-pin-1", "w.gao2": "gao-pin-2"]

    let store: Store
    /// Case numbers by what they are.
    var numbers: [String: String] = [:]
    /// `w.gone` signed in before an administrator disabled them.
    var disabledBefore: Clearance!

    init(_ directory: URL) throws {
        store = try Store(directory: directory)
        let setUp = Clearance.anyone("setup")
        // Cases made before any user exists: their `assigned_to` names logins to come.
        for (name, assigned, region) in [("A", "w.gao", "ML07"), ("B", "w.tbk", "ML06"), ("D", "W.Gao", "ML07"), ("E", "", "ML07")] {
            var profile = F.profile("Name\(name)", "Given", region: region)
            profile.assignedTo = assigned
            let number = store.book.nextNumber(prefix: region == "ML07" ? "GAO" : "TBK")
            try store.commit(.register(id: UUID(), number: number, profile: profile), as: setUp)
            numbers[name] = number
        }
        try store.commit(.addUser(Office.user("admin", .administrator, [])), as: setUp)
        let admin = try clearance("admin")
        try store.commit(.addUser(Office.user("w.gao", .caseWorker, ["gao"])), as: admin)
        try store.commit(.addUser(Office.user("w.tbk", .caseWorker, ["tombouctou"])), as: admin)
        try store.commit(.addUser(Office.user("s.gao", .supervisor, ["gao"])), as: admin)
        try store.commit(.addUser(Office.user("w.gone", .caseWorker, ["gao"])), as: admin)
        // Registered by the Gao case worker, assigned to nobody: theirs.
        let worker = try clearance("w.gao")
        var profile = F.profile("NameC", "Given")
        profile.assignedTo = ""
        let c = store.book.nextNumber(prefix: "GAO")
        try store.commit(.register(id: UUID(), number: c, profile: profile), as: worker)
        numbers["C"] = c
        // A survivor of violence, registered by the Gao worker for the Tombouctou one.
        var survivor = F.profile("NameF", "Given", region: "ML06")
        survivor.assignedTo = "w.gao"
        survivor.vulnerabilities = ["survivor_of_violence", "single_parent"]
        let f = store.book.nextNumber(prefix: "TBK")
        try store.commit(.register(id: UUID(), number: f, profile: survivor), as: worker)
        numbers["F"] = f
        try store.commit(.editProfile(id: id("F"), expectedVersion: 1, profile: {
            var moved = survivor
            moved.assignedTo = "w.tbk"
            return moved
        }()), as: try clearance("admin"))
        disabledBefore = try clearance("w.gone")
        try store.commit(.updateUser(login: "w.gone", update: .disable), as: try clearance("admin"))
    }

    static func user(_ login: String, _ role: Role, _ teams: [String]) -> User {
        User(login: login, name: login.uppercased(), role: role, teams: teams, pin: try! PINHash.make(pins[login]!, parameters: quickHash))
    }

    /// `login` signed in with their PIN.
    func clearance(_ login: String) throws -> Clearance {
        try SignIn.attempt(login: login, pin: Office.pins[login]!, store: store)
    }

    func id(_ name: String) throws -> UUID {
        try #require(store.book.find(numberOf: numbers[name]!))
    }

    /// The names (A…F) of the cases `clearance` reads.
    func visible(to clearance: Clearance) -> [String] {
        let byNumber = Dictionary(uniqueKeysWithValues: numbers.map { ($1, $0) })
        return store.reader(for: clearance).digests.compactMap { byNumber[$0.number] }.sorted()
    }
}

