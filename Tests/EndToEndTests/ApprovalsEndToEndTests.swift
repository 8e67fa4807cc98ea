import Foundation
import Testing

/// Closure approval with the real binary: a case worker asks, the supervisor approves from
/// the queue, the worker is told at their next sign-in; `retour approvals` in between.
@Suite(.serialized)
struct ApprovalsEndToEndTests {
    static let pins = ["admin": "admin-2026", "k.diarra": "diarra-2026", "s.diallo": "diallo-2026"]

    static func asUser(_ login: String, newPIN: String? = nil) -> [String: String] {
        var environment = ["RETOUR_USER": login, "RETOUR_PIN": pins[login]!]
        if let newPIN { environment["RETOUR_NEW_PIN"] = newPIN }
        return environment
    }

    /// Signs `login` in on the sign-in screen.
    static func signIn(_ tmux: TmuxSession, _ login: String) throws {
        tmux.waitFor("Sign in")
        try tmux.keys("C-u")
        try tmux.type(login)
        try tmux.keys("Tab")
        try tmux.type(pins[login]!)
        try tmux.keys("Enter")
    }

    @Test(.enabled(if: TmuxSession.available))
    func aWorkerRequestsTheSupervisorApprovesTheWorkerIsTold() throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let csv = try harness.write("people.csv", SignInEndToEndTests.people)
        #expect(try harness.run(["import", csv.path]).status == 0)
        for (login, name, role, team) in [("admin", "Admin Keita", "administrator", ""), ("k.diarra", "Kadiatou Diarra", "case_worker", "gao"),
                                          ("s.diallo", "Awa Maïga", "supervisor", "gao")] {
            let added = try harness.run(["users", "add", login, "--name", name, "--role", role] + (team.isEmpty ? [] : ["--team", team]),
                                        environment: login == "admin" ? ["RETOUR_NEW_PIN": Self.pins[login]!]
                                                                      : Self.asUser("admin", newPIN: Self.pins[login]!))
            #expect(added.status == 0, "\(login): \(added.stderr)")
        }

        // The worker asks for the closure of their case, and signs out.
        let worker = try TmuxSession(harness: harness, arguments: [], language: "C.UTF-8")
        defer { worker.kill() }
        try Self.signIn(worker, "k.diarra")
        worker.waitFor("Cases (1)")
        try worker.keys("Enter")
        worker.waitFor("GAO-000002 ·")
        try worker.keys("c")
        worker.waitFor("Closure reason")
        try worker.keys("Enter")
        worker.waitFor("Moved away")
        try worker.keys("Down", "Enter", "Tab")
        try worker.type("Family moved to Bamako")
        try worker.keys("F2")
        worker.waitFor("Closure of GAO-000002 requested.")
        try worker.keys("q")
        worker.waitFor("Cases (1)")
        try worker.keys("q")
        try worker.keys("F10")
        #expect(worker.waitForExit() == 0)

        // The queue for scripts: the supervisor's, not the worker's.
        let listed = try harness.run(["approvals", "--format", "json"], environment: Self.asUser("s.diallo"))
        #expect(listed.status == 0, "\(listed.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 1)
        #expect(rows.first?["number"] as? String == "GAO-000002")
        #expect(rows.first?["reason"] as? String == "moved_away")
        #expect(rows.first?["reason_label"] as? String == "Moved away")
        #expect(rows.first?["requested_by"] as? String == "k.diarra")
        #expect(rows.first?["assigned_to"] as? String == "k.diarra")
        #expect(rows.first?["may_decide"] as? Bool == true)
        #expect(rows.first?["days_waiting"] as? Int == 0)
        let refused = try harness.run(["approvals"], environment: Self.asUser("k.diarra"))
        #expect(refused.status == 1 && refused.stderr.contains("Only supervisors and administrators"), "\(refused.stderr)")

        // The supervisor sees the count, opens the queue and approves.
        let supervisor = try TmuxSession(harness: harness, arguments: [], language: "C.UTF-8")
        defer { supervisor.kill() }
        try Self.signIn(supervisor, "s.diallo")
        supervisor.waitFor("1 to approve")
        try supervisor.keys("A")
        supervisor.waitFor("1 closure request to decide")
        #expect(supervisor.screen.contains("Explanation: Family moved to Bamako"), "\(supervisor.screen)")
        try supervisor.keys("y")
        supervisor.waitFor("Approve closure")
        try supervisor.type("Seen with the chief")
        try supervisor.keys("F2")
        supervisor.waitFor("Yes, approve")
        try supervisor.keys("y")
        supervisor.waitFor("Closure of GAO-000002 approved")
        #expect(!supervisor.screen.contains("to approve"), "\(supervisor.screen)")
        try supervisor.keys("q")
        try supervisor.keys("q")
        supervisor.waitFor("Sign in")
        try supervisor.keys("F10")
        #expect(supervisor.waitForExit() == 0)

        // The worker is told once, and finds the case closed.
        let again = try TmuxSession(harness: harness, arguments: [], language: "C.UTF-8")
        defer { again.kill() }
        try Self.signIn(again, "k.diarra")
        again.waitFor("Closure approved: GAO-000002")
        try again.keys("Enter")
        let deadline = Date().addingTimeInterval(10)
        while again.screen.contains("Closure approved") && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(!again.screen.contains("Closure approved"), "dismissed: \(again.screen)")
        try again.keys("Enter")
        again.waitFor("GAO-000002 ·")
        #expect(again.screen.contains("· Closed"), "\(again.screen)")
        try again.keys("q")
        try again.keys("q")
        again.waitFor("Sign in")
        try again.keys("F10")
        #expect(again.waitForExit() == 0)
    }
}
