import Foundation
import Testing

/// `retour caseload` and the `w` screen of the real binary, on the office of the sign-in tests:
/// two Gao case workers and a supervisor, a Tombouctou worker, an unassigned Mopti case.
@Suite(.serialized)
struct CaseloadEndToEndTests {
    typealias Office = SignInEndToEndTests

    /// The office: people imported, then the administrator and the others added on the command line.
    static func office() throws -> Harness {
        let harness = try Harness()
        let csv = try harness.write("people.csv", Office.people)
        let imported = try harness.run(["import", csv.path])
        #expect(imported.status == 0, "\(imported.stderr)")
        for (login, role, team) in [("admin", "administrator", ""), ("a.maiga", "case_worker", "gao"), ("k.diarra", "case_worker", "gao"),
                                    ("b.toure", "case_worker", "tombouctou"), ("s.diallo", "supervisor", "gao")] {
            let added = try harness.run(["users", "add", login, "--name", login.uppercased(), "--role", role]
                                            + (team.isEmpty ? [] : ["--team", team]),
                                        environment: Office.asUser("admin", newPIN: Office.pins[login]!))
            #expect(added.status == 0, "\(login): \(added.stderr)")
        }
        return harness
    }

    @Test func csvJSONAndTextOfTheSameTable() throws {
        let harness = try Self.office()
        defer { harness.cleanUp() }
        let supervisor = try harness.run(["caseload", "--format", "csv"], environment: Office.asUser("s.diallo"))
        #expect(supervisor.status == 0, "\(supervisor.stderr)")
        // CSV lines end with CRLF (RFC 4180), as every CSV Retour writes.
        #expect(supervisor.stdout.replacingOccurrences(of: "\r\n", with: "\n") == """
            row,worker,name,open,active,overdue_steps,idle,gaps,closure_requests
            worker,a.maiga,A.MAIGA,1,0,0,0,0,0
            worker,k.diarra,K.DIARRA,1,0,0,0,0,0
            total,,,2,0,0,0,0,0

            """, "\(supervisor.stdout)")

        let admin = try harness.run(["caseload", "--format", "json"], environment: Office.asUser("admin"))
        #expect(admin.status == 0, "\(admin.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(admin.stdout.utf8)) as? [String: Any])
        let workers = try #require(object["workers"] as? [[String: Any]])
        #expect(workers.map { $0["worker"] as? String } == ["a.maiga", "b.toure", "k.diarra", ""], "\(admin.stdout)")
        #expect((object["totals"] as? [String: Any])?["open"] as? Int == 4)
        #expect(object["no_contact_days"] as? Int == 60)

        let team = try harness.run(["caseload", "--team", "tombouctou"], environment: Office.asUser("admin"))
        let lines = team.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(team.stdout)")
        #expect(lines[0].hasPrefix("Worker") && lines[0].hasSuffix("Closures"), "\(team.stdout)")
        #expect(lines[1].hasPrefix("B.TOURE (b.toure)") && lines[2].hasPrefix("Total"), "\(team.stdout)")
        // Aligned: every line ends at the same column.
        #expect(Set(lines.map(\.count)).count == 1, "\(team.stdout)")

        let unknown = try harness.run(["caseload", "--team", "nowhere"], environment: Office.asUser("admin"))
        #expect(unknown.status != 0 && unknown.stdout.isEmpty, "\(unknown.stdout)")
        #expect(unknown.stderr.contains("Unknown team: nowhere. Teams: gao, tombouctou."), "\(unknown.stderr)")
        #expect(unknown.stderr.split(separator: "\n").count == 1)

        let worker = try harness.run(["caseload"], environment: Office.asUser("k.diarra"))
        #expect(worker.status != 0 && worker.stderr.contains("Only a supervisor or an administrator reviews caseloads"),
                "\(worker.stderr)")
    }

    @Test(.enabled(if: TmuxSession.available))
    func theSupervisorsCaseloadScreen() throws {
        let harness = try Self.office()
        defer { harness.cleanUp() }
        let tmux = try TmuxSession(harness: harness, arguments: [], language: "fr_FR.UTF-8")
        defer { tmux.kill() }
        tmux.waitFor("Connexion")
        try tmux.keys("C-u")
        try tmux.type("s.diallo")
        try tmux.keys("Tab")
        try tmux.type(Office.pins["s.diallo"]!)
        try tmux.keys("Enter")
        tmux.waitFor("Dossiers (2)")
        // The footer is drawn last: waited for, not read at once (a loaded machine shows a frame half drawn).
        #expect(tmux.waitFor("w Charges"), "\(tmux.screen)")
        try tmux.keys("w")
        #expect(tmux.waitFor("2 agents"), "\(tmux.screen)")
        #expect(tmux.screen.contains("K.DIARRA") && tmux.screen.contains("Total"), "\(tmux.screen)")
        try tmux.keys("Down", "Enter")
        // (tmux shows the no-break space before the colon as a space.)
        #expect(tmux.waitFor("Dossiers (1 sur 2)"), "\(tmux.screen)")
        #expect(tmux.screen.contains("Filtres") && tmux.screen.contains("k.diarra"), "\(tmux.screen)")
        #expect(tmux.screen.contains("GAO-000002") && !tmux.screen.contains("GAO-000001"), "\(tmux.screen)")
    }
}
