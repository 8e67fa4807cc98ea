import Foundation
import Testing
import RetourCore

/// `retour report` with the real binary, on the sample file (21 people, 7 per region): its
/// JSON is the core's figures under the small-counts rule, its CSV carries HXL hashtags and no
/// name, it is recorded in the history, and a supervisor's report counts their team only.
@Suite("retour report: figures for partners")
struct ReportCommandTests {
    static let sample = try! Assets.locate().url("examples/personnes.csv").path
    static let period = ["--from", "2000-01-01", "--to", CalendarDate.today().iso]

    /// The sample imported into a fresh directory.
    static func imported() throws -> Harness {
        let harness = try Harness()
        let imported = try harness.run(["import", sample])
        #expect(imported.status == 0, "\(imported.stderr)")
        return harness
    }

    /// The default threshold of `Assets/settings.json`.
    static let small = SmallCounts(threshold: 5)

    static func shown(_ count: Int) -> AnyHashable {
        small.hides(count) ? AnyHashable(small.hidden) : AnyHashable(count)
    }

    @Test func theJSONReportIsTheCoresFiguresWithSmallCountsHidden() throws {
        let harness = try Self.imported()
        defer { harness.cleanUp() }
        let run = try harness.run(["report", "--format", "json"] + Self.period)
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let tables = try #require(json["tables"] as? [[String: Any]])
        func rows(_ id: String) -> [[String: Any]] {
            tables.first { $0["id"] as? String == id }?["rows"] as? [[String: Any]] ?? []
        }

        // The same figures, computed here from the directory the command read.
        let assets = try Assets.locate()
        let reference = try Reference(assets: assets)
        let store = try Store(directory: harness.data, write: false)
        let figures = ProgrammeFigures(store.reader(for: try Clearance.withoutUsers("me", book: store.book)).digests,
                                       targets: try ProgrammeTargets(assets: assets, reference: reference), reference: reference,
                                       today: .today(), period: .between(CalendarDate(year: 2000, month: 1, day: 1)!, .today()))
        #expect(figures.caseload.registered.count == 21)
        let regionRows = rows("caseload_region")
        #expect(regionRows.map { $0["region_pcode"] as? String } == figures.caseload.regions)
        for row in regionRows {
            let region = try #require(row["region_pcode"] as? String)
            for category in RetourCore.Category.allCases {
                let expected = Self.shown(figures.caseload.count(region: region, category: category))
                #expect((row[category.rawValue] as? AnyHashable).map { "\($0)" } == "\(expected)", "\(region) \(category)")
            }
            let total = figures.caseload.byCategoryAndRegion.filter { $0.region == region }.reduce(0) { $0 + $1.count.count }
            #expect("\(row["total"] ?? "")" == "\(Self.shown(total))")
        }
        // Gao: 7 people (shown); its 4 IDPs hidden; Kidal: none.
        let gao = try #require(regionRows.first { $0["region_pcode"] as? String == "ML07" })
        #expect(gao["total"] as? Int == 7)
        #expect(gao["idp_returnee"] as? String == "<5")
        #expect(regionRows.first { $0["region_pcode"] as? String == "ML08" }?["total"] as? Int == 0)
        // Targets and tracks, as the core counts them.
        for (row, target) in zip(rows("targets"), figures.targets) {
            #expect(row["target"] as? String == target.target.id)
            #expect("\(row["achieved"] ?? "")" == "\(Self.shown(target.achieved.count))")
        }
        for (row, track) in zip(rows("tracks"), figures.reintegration.tracks) {
            #expect("\(row["enrolled"] ?? "")" == "\(Self.shown(track.enrolled.count))")
            #expect("\(row["late"] ?? "")" == "\(Self.shown(track.late.count))")
        }
        let status = rows("caseload_status")
        #expect(status.count == figures.caseload.byStatus.count)
        for (row, count) in zip(status, figures.caseload.byStatus) {
            #expect("\(row["count"] ?? "")" == "\(Self.shown(count.count.count))")
        }
        // The caseload's statuses add up to the 21 people imported, each at most once.
        #expect(figures.caseload.byStatus.map(\.count.count).reduce(0, +) == 21)
    }

    @Test func theHXLCSVHasItsHashtagRowAndNoNameAndIsRecordedInTheHistory() throws {
        let harness = try Self.imported()
        defer { harness.cleanUp() }
        let out = harness.root.appendingPathComponent("figures.csv")
        let run = try harness.run(["report", "--format", "csv", "--hxl", "--out", out.path] + Self.period)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("figures.csv"))
        let text = try String(contentsOf: out, encoding: .utf8)
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines[1].hasPrefix("#indicator+code,#indicator+name,#adm1+name,#adm1+code,#adm2+name,#adm2+code,"))
        #expect(lines[1].contains("#affected+idps,#affected+refugees,#affected+f,#affected+m,#reached,#targeted,#indicator+num"))
        #expect(lines.contains { $0.hasPrefix("caseload,Cases registered,Gao,ML07,,,<5,<5,<5,<5,,,7") })
        // Readable by its owner only.
        let mode = try FileManager.default.attributesOfItem(atPath: out.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        // No name, no case number, no date of birth from the sample.
        let sample = try String(contentsOfFile: Self.sample, encoding: .utf8)
        for line in sample.split(separator: "\n").dropFirst() {
            let cells = line.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
            for value in [cells[0], cells[1], cells[3]] where !value.isEmpty {
                #expect(!text.contains(value), "\(value)")
            }
        }
        #expect(!text.contains("GAO-0"))
        // One history entry, naming the report.
        let store = try Store(directory: harness.data, write: false)
        var reports: [HistoryEvent] = []
        try store.history.forEach { entry in
            if case .report = entry.event { reports.append(entry.event) }
            return true
        }
        #expect(reports.count == 1)
        if case .report(let name, let scope, let count) = reports.first {
            #expect(name.hasPrefix("programme 2000-01-01.."))
            #expect(name.hasSuffix(" csv"))
            #expect(scope == "all")
            #expect(count == 21)
        }
    }

    @Test func aSupervisorsReportCountsTheirTeamAndBadOptionsAreRefused() throws {
        let harness = try Self.imported()
        defer { harness.cleanUp() }
        func asUser(_ login: String) -> [String: String] { ["RETOUR_USER": login, "RETOUR_PIN": "pin-\(login)-2026"] }
        let first = try harness.run(["users", "add", "admin", "--name", "Admin", "--role", "administrator"],
                                    environment: ["RETOUR_USER": "admin", "RETOUR_NEW_PIN": "pin-admin-2026"])
        #expect(first.status == 0, "\(first.stderr)")
        for (login, role, team) in [("s.gao", "supervisor", "gao"), ("a.maiga", "case_worker", "gao"), ("k.diarra", "case_worker", "gao")] {
            let added = try harness.run(["users", "add", login, "--name", login, "--role", role, "--team", team],
                                        environment: asUser("admin").merging(["RETOUR_NEW_PIN": "pin-\(login)-2026"]) { $1 })
            #expect(added.status == 0, "\(added.stderr)")
        }
        // The sample's agents a.maiga and k.diarra (team gao) hold 6 of the 21 cases.
        let store = try Store(directory: harness.data, write: false)
        let team = store.reader(for: try SignIn.attempt(login: "admin", pin: "pin-admin-2026", store: store)).digests.filter { ["a.maiga", "k.diarra"].contains($0.assignedTo.lowercased()) }
        #expect(team.count == 6)
        let run = try harness.run(["report", "--format", "json"] + Self.period, environment: asUser("s.gao"))
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let tables = try #require(json["tables"] as? [[String: Any]])
        let status = tables.first { $0["id"] as? String == "caseload_status" }?["rows"] as? [[String: Any]] ?? []
        #expect(status.count == CaseStatus.allCases.count)
        for (row, code) in zip(status, CaseStatus.allCases) {
            #expect("\(row["count"] ?? "")" == "\(Self.shown(team.filter { $0.status == code }.count))", "\(code)")
        }
        let regions = tables.first { $0["id"] as? String == "caseload_region" }?["rows"] as? [[String: Any]] ?? []
        #expect(regions.first { $0["region_pcode"] as? String == "ML07" }?["total"] as? Int == 6)
        #expect(regions.first { $0["region_pcode"] as? String == "ML06" }?["total"] as? Int == 0)
        #expect((json["scope"] as? String)?.contains("s.gao") == true)
        // The administrator, narrowed to the team, counts the same six.
        let byTeam = try harness.run(["report", "--format", "json", "--team", "gao"] + Self.period, environment: asUser("admin"))
        #expect(byTeam.status == 0, "\(byTeam.stderr)")
        let teamJSON = try #require(try JSONSerialization.jsonObject(with: Data(byTeam.stdout.utf8)) as? [String: Any])
        let teamTables = try #require(teamJSON["tables"] as? [[String: Any]])
        let teamRegions = teamTables.first { $0["id"] as? String == "caseload_region" }?["rows"] as? [[String: Any]] ?? []
        #expect(teamRegions.compactMap { $0["total"] as? Int }.reduce(0, +) == 6)

        let badTeam = try harness.run(["report", "--team", "nulle-part"], environment: asUser("s.gao"))
        #expect(badTeam.status != 0)
        #expect(badTeam.stderr == "retour: Unknown team \"nulle-part\". Teams: gao.\n")
        let badRegion = try harness.run(["report", "--region", "Atlantis"], environment: asUser("s.gao"))
        #expect(badRegion.status != 0)
        #expect(badRegion.stderr.hasPrefix("retour: Unknown region \"Atlantis\". Regions: Tombouctou, Gao"))
        let badHXL = try harness.run(["report", "--hxl"], environment: asUser("s.gao"))
        #expect(badHXL.status != 0)
        #expect(badHXL.stderr.contains("--hxl"))
    }
}
