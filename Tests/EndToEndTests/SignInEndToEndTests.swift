import Foundation
import Testing

/// An office set up as the README tells: the administrator created on the first start, two
/// case workers and a supervisor added from the command line, each signing in in turn.
@Suite(.serialized)
struct SignInEndToEndTests {
    /// Four people: two in Gao (one for each Gao worker), one in Tombouctou, one unassigned.
    static let people: [UInt8] = Array("""
        family_name,given_names,sex,category,region,assigned_to
        Maïga,Aïssata,F,refugee_returnee,Gao,a.maiga
        Cissé,Fatou,F,idp_returnee,Gao,k.diarra
        Touré,Hamadoun,M,idp_returnee,Tombouctou,b.toure
        Dicko,Boubacar,M,idp_returnee,Mopti,

        """.utf8)

    static let pins = ["admin": "admin-2026", "a.maiga": "maiga-2026", "k.diarra": "diarra-2026",
                       "b.toure": "toure-2026", "s.diallo": "diallo-2026"]

    static func asUser(_ login: String, pin: String? = nil, newPIN: String? = nil) -> [String: String] {
        var environment = ["RETOUR_USER": login, "RETOUR_PIN": pin ?? pins[login]!]
        if let newPIN { environment["RETOUR_NEW_PIN"] = newPIN }
        return environment
    }

    @Test(.enabled(if: TmuxSession.available))
    func anOfficeIsSetUpAndEachPersonSeesTheirCaseload() throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let csv = try harness.write("people.csv", Self.people)
        let imported = try harness.run(["import", csv.path])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stderr.contains("no users yet"), "said once: \(imported.stderr)")

        // The first start: the administrator.
        let first = try TmuxSession(harness: harness, arguments: [], language: "C.UTF-8")
        defer { first.kill() }
        first.waitFor("First start")
        try first.type("admin")
        try first.keys("Tab")
        try first.type("Awa Traoré")
        try first.keys("Tab")
        try first.type(Self.pins["admin"]!)
        try first.keys("Tab")
        try first.type(Self.pins["admin"]!)
        try first.keys("Enter")
        first.waitFor("Cases (4)")
        #expect(first.screen.contains("Awa Traoré"))
        try first.keys("q")
        first.waitFor("Sign in")
        try first.keys("F10")
        #expect(first.waitForExit() == 0)

        // The others, from the command line.
        for (login, role, team) in [("a.maiga", "case_worker", "gao"), ("k.diarra", "case_worker", "gao"),
                                    ("b.toure", "case_worker", "tombouctou"), ("s.diallo", "supervisor", "gao")] {
            let added = try harness.run(["users", "add", login, "--name", login.uppercased(), "--role", role, "--team", team],
                                        environment: Self.asUser("admin", newPIN: Self.pins[login]!))
            #expect(added.status == 0, "\(login): \(added.stderr)")
        }
        let refused = try harness.run(["users", "add", "x.intrus", "--name", "X", "--role", "administrator"],
                                      environment: Self.asUser("a.maiga", newPIN: "whatever-1"))
        #expect(refused.status == 1 && refused.stderr.contains("Only an administrator manages users"), "\(refused.stderr)")

        // Each person's caseload, in the list command and in the case manager.
        let caseloads = ["a.maiga": ["GAO-000001"], "k.diarra": ["GAO-000002"], "b.toure": ["TBK-000001"],
                         "s.diallo": ["GAO-000001", "GAO-000002"], "admin": ["GAO-000001", "GAO-000002", "MPT-000001", "TBK-000001"]]
        for (login, numbers) in caseloads.sorted(by: { $0.key < $1.key }) {
            let list = try harness.run(["list"], environment: Self.asUser(login))
            let listed = list.stdout.split(separator: "\n").dropFirst().map { String($0.split(separator: "\t")[0]) }
            #expect(listed == numbers, "\(login): \(list.stdout) \(list.stderr)")
            let tmux = try TmuxSession(harness: harness, arguments: [], language: "C.UTF-8")
            defer { tmux.kill() }
            tmux.waitFor("Sign in")
            try tmux.keys("C-u")
            try tmux.type(login)
            try tmux.keys("Tab")
            try tmux.type(Self.pins[login]!)
            try tmux.keys("Enter")
            tmux.waitFor("Cases (\(numbers.count))")
            // Rows are drawn after the title: each expected one waited for before absences are read.
            for number in numbers { tmux.waitFor(number) }
            for number in ["GAO-000001", "GAO-000002", "MPT-000001", "TBK-000001"] {
                #expect(tmux.screen.contains(number) == numbers.contains(number), "\(login), \(number):\n\(tmux.screen)")
            }
            try tmux.keys("q")
            tmux.waitFor("Sign in")
            try tmux.keys("F10")
            #expect(tmux.waitForExit() == 0)
        }
        let outside = try harness.run(["show", "TBK-000001"], environment: Self.asUser("a.maiga"))
        #expect(outside.status == 1 && outside.stderr.contains("not in your caseload") && outside.stdout.isEmpty, "\(outside.stderr)")

        // Five wrong PINs lock the login, in the case manager as on the command line.
        let tmux = try TmuxSession(harness: harness, arguments: [], language: "C.UTF-8")
        defer { tmux.kill() }
        tmux.waitFor("Sign in")
        try tmux.keys("C-u")
        try tmux.type("k.diarra")
        try tmux.keys("Tab")
        for attempt in 1...5 {
            try tmux.type("wrong-\(attempt)")
            try tmux.keys("Enter")
            tmux.waitFor(attempt < 5 ? "minutes: \(5 - attempt)." : "is locked for")
        }
        try tmux.type(Self.pins["k.diarra"]!)
        try tmux.keys("Enter")
        tmux.waitFor("is locked for 5 more minutes")
        try tmux.keys("F10")
        #expect(tmux.waitForExit() == 0)
        let locked = try harness.run(["list"], environment: Self.asUser("k.diarra"))
        #expect(locked.status == 1 && locked.stderr.contains("is locked for"), "\(locked.stderr)")
        let unlocked = try harness.run(["users", "unlock", "k.diarra"], environment: Self.asUser("admin"))
        #expect(unlocked.status == 0, "\(unlocked.stderr)")
        #expect(try harness.run(["list"], environment: Self.asUser("k.diarra")).status == 0)

        // And everything is in the history, chained.
        let check = try harness.run(["check"])
        #expect(check.status == 0 && check.stdout.contains("chain intact"), "\(check.stdout)")
        let audit = try harness.run(["audit", "--kind", "lockout"], environment: Self.asUser("admin"))
        #expect(audit.stdout.contains("k.diarra  lockout"), "\(audit.stdout)")
    }
}
