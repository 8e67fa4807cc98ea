import Foundation
import Testing
@testable import RetourCore

/// The caseload review (`Caseload`): one row per case worker in scope, counted from the
/// digests of the open cases, with the totals; sorted by any column.
@Suite("Supervision: caseload review")
struct CaseloadReviewTests {
    typealias F = CSVFixtures
    typealias Counts = Caseload.Counts

    /// `Office`, with: a second active Gao worker with no case (w.gao2); A enrolled in 2016 (its
    /// steps all late now); B assessed with no access to documents (a gap); D's closure asked
    /// by its worker; G, a Gao case of the disabled w.gone; H closed (counted nowhere).
    private func office(_ root: URL) throws -> (office: Office, late: Int) {
        let office = try Office(root.appendingPathComponent("data"))
        let admin = try office.clearance("admin")
        try office.store.commit(.addUser(Office.user("w.gao2", .caseWorker, ["gao"])), as: admin)
        let plan = try #require(F.reference.tracks.plan(track: "durable_solutions", id: UUID(),
                                                        enrolledOn: CalendarDate(year: 2016, month: 1, day: 25)!))
        try office.store.commit(.enrol(id: try office.id("A"), plan: plan), as: admin)
        let assessment = Assessment(id: UUID(), date: CalendarDate(year: 2016, month: 2, day: 1)!, assessor: "admin",
                                    ratings: ["documentation": Rating(access: .none), "safety": Rating(access: .full)])
        try office.store.commit(.assess(id: try office.id("B"), assessment: assessment), as: admin)
        try office.store.commit(.requestClosure(id: try office.id("D"), reason: "Solution durable.", code: nil),
                                as: try office.clearance("w.gao"))
        for (name, worker) in [("G", "w.gone"), ("H", "w.gao")] {
            var profile = F.profile("Name\(name)", "Given", region: "ML07")
            profile.assignedTo = worker
            let id = UUID()
            try office.store.commit(.register(id: id, number: office.store.book.nextNumber(prefix: "GAO"), profile: profile), as: admin)
            if name == "H" {
                try office.store.commit(.requestClosure(id: id, reason: "Parti.", code: "moved_away"), as: admin)
                try office.store.commit(.approveClosure(id: id, expectedVersion: try #require(office.store.book[id]).version,
                                                        comment: ""), as: admin)
            }
        }
        #expect(office.store.book.digests.last?.status == .closed)
        let late = plan.steps.filter { $0.isOpen }.count
        #expect(late > 0)
        return (office, late)
    }

    private func load(_ office: Office, _ login: String, today: CalendarDate = .today(), team: String? = nil) throws -> Caseload {
        try Caseload(reader: office.store.reader(for: try office.clearance(login)), today: today, idleDays: 60, team: team)
    }

    private func table(_ load: Caseload) -> [String: Counts] {
        Dictionary(uniqueKeysWithValues: load.rows.map { ($0.worker, $0.counts) })
    }

    @Test func anAdministratorSeesEveryWorkerAndTheCasesOfNobody() throws {
        try F.withDirectory { root in
            let (office, late) = try office(root)
            let load = try load(office, "admin")
            #expect(load.rows.map(\.worker) == ["w.gao", "w.gao2", "w.gone", "w.tbk", ""])
            let rows = table(load)
            #expect(rows["w.gao"] == Counts(open: 2, active: 1, overdueSteps: late, idle: 0, withGaps: 0, closureRequests: 1))
            #expect(rows["w.gao2"] == Counts())
            #expect(rows["w.gone"] == Counts(open: 1))
            #expect(rows["w.tbk"] == Counts(open: 2, withGaps: 1))
            #expect(rows[""] == Counts(open: 2))
            #expect(load.totals == Counts(open: 7, active: 1, overdueSteps: late, idle: 0, withGaps: 1, closureRequests: 1))
            // Who they are: the user's name, whether they may still sign in.
            #expect(load.rows[0].name == "W.GAO" && load.rows[0].isActiveUser)
            #expect(load.rows[2].name == "W.GONE" && !load.rows[2].isActiveUser)
            // The same cases as the list's worker filter.
            for row in load.rows {
                let query = CaseQuery(worker: row.worker)
                let open = office.store.book.digests.filter { query.matches($0) && $0.status != .closed }
                #expect(open.count == row.counts.open, "\(row.worker)")
            }
        }
    }

    @Test func casesWithoutContactForTheSettingsDays() throws {
        try F.withDirectory { root in
            let (office, _) = try office(root)
            let later = CalendarDate.today().adding(days: 61)
            let rows = table(try load(office, "admin", today: later))
            #expect(rows["w.gao"]?.idle == 2)
            #expect(rows["w.tbk"]?.idle == 2)
            #expect(rows[""]?.idle == 2)
            #expect(table(try load(office, "admin", today: CalendarDate.today().adding(days: 59)))["w.gao"]?.idle == 0)
        }
    }

    @Test func aSupervisorSeesTheirTeamOnlyACaseWorkerIsRefused() throws {
        try F.withDirectory { root in
            let (office, late) = try office(root)
            let load = try load(office, "s.gao")
            // w.tbk (Tombouctou) is not theirs; the disabled w.gone holds a Gao case.
            #expect(load.rows.map(\.worker) == ["w.gao", "w.gao2", "w.gone", ""])
            #expect(load.totals == Counts(open: 4, active: 1, overdueSteps: late, withGaps: 0, closureRequests: 1))
            #expect(table(load)[""] == Counts(open: 1))  // C, registered by w.gao and assigned to no one
            #expect(throws: ChangeError.forbidden(.caseloadReview)) { try self.load(office, "w.gao") }
            // What a supervisor may assign to: the active case workers of the team.
            #expect(office.store.reader(for: try office.clearance("s.gao")).assignableWorkers.map(\.login) == ["w.gao", "w.gao2"])
            #expect(office.store.reader(for: try office.clearance("w.gao")).assignableWorkers.isEmpty)
        }
    }

    @Test func oneTeam() throws {
        try F.withDirectory { root in
            let (office, _) = try office(root)
            let load = try load(office, "admin", team: "tombouctou")
            #expect(load.rows.map(\.worker) == ["w.tbk"])
            #expect(load.totals == Counts(open: 2, withGaps: 1))
        }
    }

    @Test func sortedByEachColumnNobodyLast() throws {
        try F.withDirectory { root in
            let (office, _) = try office(root)
            var load = try load(office, "admin")
            load.sort(by: .worker, ascending: false)
            #expect(load.rows.map(\.worker) == ["w.tbk", "w.gone", "w.gao2", "w.gao", ""])
            load.sort(by: .overdueSteps, ascending: false)
            #expect(load.rows.first?.worker == "w.gao")
            load.sort(by: .withGaps, ascending: false)
            #expect(load.rows.first?.worker == "w.tbk")
            load.sort(by: .open, ascending: true)
            // Ties by name: w.gao2 (0), w.gone (1), then w.gao and w.tbk (2); nobody last.
            #expect(load.rows.map(\.worker) == ["w.gao2", "w.gone", "w.gao", "w.tbk", ""])
            for column in Caseload.Column.allCases.dropFirst() {
                load.sort(by: column, ascending: false)
                let figures = load.rows.dropLast().map { $0.counts[column] }
                #expect(figures == figures.sorted(by: >), "\(column)")
            }
        }
    }
}
