import Foundation
import RetourCore

/// A demonstration office (`retour demo`): a data directory marked as a demo in its own files
/// (`Change.markDemo`, then its snapshot's header), holding fictitious people with their
/// follow-up (`DemoPeople`), a few reassignments, and the users of two teams, Gao and
/// Tombouctou, all with the PIN `pin`. The same seed and day always give the same cases.
public enum DemoOffice {
    /// Every demo user's PIN: shown on the demo's sign-in screen, the one place a PIN is shown.
    public static let pin = DemoMark.pin
    public static let defaultCases = 300

    /// A demo user, as `Assets/demo-names.json` lists them.
    public struct Member: Decodable, Sendable {
        public let login: String
        public let name: String
        public let role: Role
        public let teams: [String]
    }

    struct Lists: Decodable {
        let users: [Member]
    }

    /// The demo's users, the administrator first.
    public static func members(assets: Assets) throws -> [Member] {
        guard let data = try? Data(contentsOf: assets.url(DemoPeople.file)),
              let lists = try? LineDecoder().decode(Lists.self, from: data),
              let first = lists.users.first, first.role == .administrator else {
            throw AssetError(file: DemoPeople.file, reason: "is not valid")
        }
        return lists.users
    }

    /// Fills `store`, new and empty, with the office `mark` describes, as of `today`: the mark
    /// first, then the people and their follow-up, the reassignments, and the users last (the
    /// follow-up is that of the days before sign-in was turned on). `pinParameters`: tests give
    /// cheaper ones. `progress` is told how many changes of how many were committed.
    public static func fill(_ store: Store, mark: DemoMark, reference: Reference, assets: Assets, today: CalendarDate,
                            pinParameters: ScryptParameters = .standard,
                            progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }) throws {
        let members = try members(assets: assets)
        let administrator = members[0]
        try store.commit(.markDemo(mark), as: Clearance.withoutUsers(administrator.login, book: store.book),
                         at: DemoPeople.moment(today.adding(days: -700), minutes: 7 * 60))
        let people = try DemoPeople(assets: assets)
        let batch = try people.batch(count: mark.cases, seed: mark.seed, reference: reference, today: today)
        let options = CSVImport.Options(skipInvalid: true, allowDuplicates: true, dryRun: false)
        let plan = try CSVImport.plan(data: batch.csv, reference: reference, book: store.book, today: today, options: options)
        _ = try DemoPeople.run(plan, histories: batch.histories, store: store, reference: reference, progress: progress)
        try reassign(store, members: members, seed: mark.seed, today: today, histories: batch.histories)

        // One hash, with the real parameters, shared by every user: the PIN of a demo is no
        // secret (its sign-in screen shows it), so a salt of each user's own would only make
        // the office slower to make (each hash is a fraction of a second, on purpose).
        let hash = try PINHash.make(pin, parameters: pinParameters)
        let users = members.map { User(login: $0.login, name: $0.name, role: $0.role, teams: $0.teams, pin: hash) }
        let madeAt = DemoPeople.moment(today, minutes: 7 * 60)
        try store.commit(.addUser(users[0]), as: Clearance.withoutUsers(administrator.login, book: store.book), at: madeAt)
        let signedIn = try SignIn.attempt(login: administrator.login, pin: pin, store: store, now: madeAt)
        try store.commitBatch(as: signedIn, at: madeAt) { batch in
            for user in users.dropFirst() { try batch.add(.addUser(user)) }
        }
    }

    /// About one open case in twenty-five given by its team's supervisor to another case worker
    /// of the same team, a few days before today.
    static func reassign(_ store: Store, members: [Member], seed: UInt64, today: CalendarDate,
                         histories: [DemoHistory]) throws {
        var random = SeededGenerator(seed: seed ^ 0x5EA5_516E_0000_0001)
        let reader = store.reader(for: try Clearance.withoutUsers("", book: store.book))
        let workers = members.filter { $0.role == .caseWorker }
        var reassignments: [(change: Change, by: String, at: Date)] = []
        for digest in reader.digests where [.registered, .active].contains(digest.status) {
            guard Int.random(in: 0..<100, using: &random) < 4,
                  let current = workers.first(where: { $0.login == digest.assignedTo }),
                  let team = current.teams.first,
                  let supervisor = members.first(where: { $0.role == .supervisor && $0.teams.contains(team) }),
                  let other = workers.filter({ $0.login != current.login && $0.teams.contains(team) })
                      .randomElement(using: &random) else { continue }
            // After everything else on the case, in the evening of one of the last days.
            let day = today.adding(days: -Int.random(in: 1...6, using: &random))
            let at = DemoPeople.moment(day, minutes: 17 * 60 + Int.random(in: 0...50, using: &random))
            guard let item = try reader.read(digest.id), item.updated.at < at else { continue }
            reassignments.append((.assign(id: digest.id, to: other.login), supervisor.login, at))
        }
        guard !reassignments.isEmpty else { return }
        // Together, with one fsync, each under its supervisor's name and time.
        try store.commitBatch(as: Clearance.withoutUsers(members[0].login, book: store.book)) { batch in
            for item in reassignments.sorted(by: { $0.at < $1.at }) {
                try batch.add(item.change, as: Clearance.withoutUsers(item.by, book: batch.book), at: item.at)
            }
        }
    }
}
