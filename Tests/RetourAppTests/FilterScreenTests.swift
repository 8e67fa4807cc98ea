import Foundation
import Testing
@testable import RetourApp
@testable import RetourCore
import RetourTUI

/// The case list's alerts column and filters, on the standard people with a follow-up
/// recorded as changes (the screen tests run on 29 November 2026):
/// - GAO-000001 Maïga: youth entrepreneurship from 1 September, 5 steps overdue; documentation
///   none and livelihoods partial → "L5 G2".
/// - TBK-000001 Touré: youth entrepreneurship from 20 November, profiling overdue → "L1".
/// - GAO-000002 Haïdara (Gao/Ansongo): durable solutions from 1 November, the rights assessment
///   overdue and blocked; documentation none → "L1 G1".
/// - MPT-000001 Cissé: documentation full, no plan → nothing. KDL-000001: nothing.
@Suite("Case list: alerts and filters")
struct FilterScreenTests {
    static func harness(language: Language = .en, seeds: [Seed] = Seed.standard) throws -> Harness {
        let harness = try Harness(language: language, seeds: seeds)
        let tracks = harness.session.reference.tracks
        let app = harness.app
        func id(_ number: String) throws -> UUID { try #require(harness.seeded[number]) }
        func day(_ month: Int, _ day: Int) -> CalendarDate { CalendarDate(year: 2026, month: month, day: day)! }
        func enrol(_ number: String, _ track: String, on date: CalendarDate) throws -> Plan {
            let plan = try #require(tracks.plan(track: track, id: UUID(), enrolledOn: date))
            try #require(app.commit(.enrol(id: try id(number), plan: plan)) != nil)
            return plan
        }
        func assess(_ number: String, _ ratings: [String: Access]) throws {
            let assessment = Assessment(id: UUID(), date: day(11, 2), assessor: Harness.author,
                                        ratings: ratings.mapValues { Rating(access: $0) })
            try #require(app.commit(.assess(id: try id(number), assessment: assessment)) != nil)
        }
        _ = try enrol("GAO-000001", "youth_entrepreneurship", on: day(9, 1))
        try assess("GAO-000001", ["documentation": .none, "livelihoods": .partial, "safety": .full])
        _ = try enrol("TBK-000001", "youth_entrepreneurship", on: day(11, 20))
        let durable = try enrol("GAO-000002", "durable_solutions", on: day(11, 1))
        var rights = durable.steps[0]
        rights.status = .blocked
        rights.blockedReason = "Road closed"
        try #require(app.commit(.updateStep(id: try id("GAO-000002"), plan: durable.id, step: rights)) != nil)
        try assess("GAO-000002", ["documentation": .none])
        try assess("MPT-000001", ["documentation": .full])
        harness.send()
        return harness
    }

    func numbers(_ harness: Harness) -> [String] {
        harness.listRows.compactMap { row in row.split(separator: " ").first { $0.contains("-0") }.map(String.init) }
    }

    /// Opens the filters (from the list), moves to `field` and chooses the option `down` lines
    /// below "(any)".
    func choose(_ harness: Harness, _ field: FilterField, down: Int) {
        let position = FilterField.allCases.firstIndex(of: field)!
        harness.send(.home)
        harness.send(.down, times: position)
        harness.send(.enter)
        harness.send(.home)  // the picker opens on the current value
        harness.send(.down, times: down)
        harness.send(.enter)
    }

    @Test("the alerts column counts overdue steps and rights gaps in words, without colour")
    func alertsColumn() throws {
        let harness = try Self.harness()
        let header = harness.rows[2]
        #expect(header.contains("Alerts"))
        let rows = harness.listRows
        func row(_ number: String) -> String { rows.first { $0.contains(number) } ?? "" }
        #expect(row("GAO-000001").contains(" L5 G2 "))
        #expect(row("TBK-000001").contains(" L1 "))
        #expect(row("GAO-000002").contains(" L1 G1 "))
        #expect(!row("MPT-000001").contains(" G1") && !row("MPT-000001").contains(" L"))
        // Aligned under its header, whatever the name's length.
        let column = try #require(header.range(of: "Alerts").map { CellWidth.of(String(header[..<$0.lowerBound])) })
        let cell = try #require(row("GAO-000001").range(of: "L5 G2").map { CellWidth.of(String(row("GAO-000001")[..<$0.lowerBound])) })
        #expect(cell == column)
        for line in rows { #expect(CellWidth.of(line) <= 80) }
        // Monochrome: the alerts cells carry no colour.
        let y = try #require(harness.row(containing: "L5 G2"))
        let x = try #require(harness.rows[y].range(of: "L5 G2").map { CellWidth.of(String(harness.rows[y][..<$0.lowerBound])) })
        #expect(harness.terminal.screen[x, y].style.color == nil)
    }

    @Test("f opens the filters; a track and a rights gap narrow the list, which names them; a search combines; X clears")
    func trackGapSearchAndClear() throws {
        let harness = try Self.harness()
        #expect(harness.footer.contains("f Filters"))
        harness.type("f")
        #expect(harness.titleBar.hasPrefix(" Retour · Filters · 5 of 5 cases"))
        #expect(harness.text.contains("Track"))
        #expect(harness.text.contains("Rights gap"))
        #expect(harness.footer.contains("Enter Choose"))
        #expect(harness.footer.contains("x/Del Clear"))
        #expect(harness.footer.contains("X Clear all"))
        #expect(harness.footer.contains("Esc/q Back"))

        choose(harness, .track, down: 1)
        #expect(harness.titleBar.contains("Filters · 2 of 5 cases"))
        let trackRow = try #require(harness.row(containing: "Track"))
        #expect(harness.rows[trackRow].contains("* Youth entrepreneurship"))

        // The gap picker offers "at least one criterion", then the eight criteria; documentation
        // is the fifth.
        let gapPosition = FilterField.allCases.firstIndex(of: .gap)!
        harness.send(.home)
        harness.send(.down, times: gapPosition)
        harness.send(.enter)
        #expect(harness.text.contains("No or partial access to"))
        #expect(harness.text.contains("At least one criterion"))
        #expect(harness.text.contains("Personal documentation"))
        harness.send(.down, times: 6)
        harness.send(.enter)
        #expect(harness.titleBar.contains("Filters · 1 of 5 cases"))
        #expect(harness.rows[try #require(harness.row(containing: "Rights gap"))].contains("* Personal documentation"))

        harness.send(.escape)
        #expect(harness.titleBar.contains("Cases (1 of 5)"))
        #expect(harness.rows[1].contains("Filters: Youth entrepreneurship, gap: Documents"))
        #expect(numbers(harness) == ["GAO-000001"])

        // The search combines with the filters.
        harness.type("/toure")
        #expect(harness.titleBar.contains("Cases (0 of 5)"))
        #expect(harness.rows[1].contains("toure"))
        #expect(harness.rows[1].contains("Filters: Youth entrepreneurship, gap: Documents"))
        #expect(harness.text.contains("No case matches. Esc clears the search, F clears the filters."))
        harness.send(.escape)
        #expect(numbers(harness) == ["GAO-000001"])
        harness.type("/aissata")
        harness.send(.enter)  // the one match opens
        #expect(harness.titleBar.contains("GAO-000001 ·"))
        harness.send(.escape)
        #expect(numbers(harness) == ["GAO-000001"])

        // The filter panel names the search, and x clears the filter under the cursor.
        harness.type("f")
        #expect(harness.text.contains("Search: aissata"))
        harness.send(.down, times: gapPosition)
        harness.send(.delete)
        #expect(harness.rows[try #require(harness.row(containing: "Rights gap"))].contains("(any)"))
        #expect(harness.titleBar.contains("Filters · 1 of 5 cases"))
        harness.send(.escape)
        #expect(harness.rows[1].contains("Filters: Youth entrepreneurship"))
        #expect(!harness.rows[1].contains("gap"))

        harness.type("f")
        harness.type("X")
        #expect(harness.titleBar.contains("Filters · 1 of 5 cases"))  // the search remains
        harness.send(.escape)
        #expect(!harness.rows[1].contains("Filters:"))
        harness.send(.escape)
        #expect(harness.titleBar.contains("Cases (5)"))
        #expect(harness.listRows.count == 5)
    }

    @Test("overdue, step status and case status filters; F on the list clears them all")
    func overdueStepStatusAndStatus() throws {
        let harness = try Self.harness()
        harness.type("f")
        choose(harness, .overdue, down: 1)  // yes
        #expect(harness.titleBar.contains("3 of 5"))
        choose(harness, .stepStatus, down: 4)  // not started, in progress, done, blocked
        #expect(harness.titleBar.contains("1 of 5"))
        harness.send(.escape)
        #expect(harness.rows[1].contains("Filters: step: Blocked, overdue"))
        #expect(numbers(harness) == ["GAO-000002"])

        harness.type("F")
        #expect(harness.titleBar.contains("Cases (5)"))
        #expect(harness.statusLine.contains("Filters cleared"))

        harness.type("f")
        choose(harness, .overdue, down: 2)  // no
        #expect(harness.titleBar.contains("2 of 5"))
        choose(harness, .status, down: 1)  // registered
        harness.send(.escape)
        #expect(harness.rows[1].contains("Filters: not overdue, Registered"))
        #expect(numbers(harness) == ["KDL-000001", "MPT-000001"])
    }

    @Test("a region then one of its cercles; the cercle alone asks for the region first")
    func regionThenCercle() throws {
        let harness = try Self.harness()
        harness.type("f")
        let cercle = FilterField.allCases.firstIndex(of: .cercle)!
        harness.send(.down, times: cercle)
        #expect(harness.rows[try #require(harness.row(containing: "Cercle"))].contains("(choose a region first)"))
        harness.send(.enter)
        #expect(harness.statusLine.contains("Choose a region first"))

        // Regions in the gazetteer's order: Tombouctou, Gao…; the cercle picker follows.
        choose(harness, .region, down: 2)
        #expect(harness.text.contains("Cercle of Gao"))
        #expect(harness.text.contains("(all cercles of Gao)"))
        #expect(harness.titleBar.contains("2 of 5"))
        harness.send(.down)  // Ansongo
        harness.send(.enter)
        #expect(harness.titleBar.contains("1 of 5"))
        harness.send(.escape)
        #expect(harness.rows[1].contains("Filters: Gao/Ansongo"))
        #expect(numbers(harness) == ["GAO-000002"])

        // Another region drops the cercle; Esc on its cercle picker keeps the whole region.
        harness.type("f")
        choose(harness, .region, down: 1)
        harness.send(.escape)
        harness.send(.escape)
        #expect(harness.rows[1].contains("Filters: Tombouctou"))
        #expect(numbers(harness) == ["TBK-000001"])
    }

    @Test("the case worker picker offers the workers in the data, and nobody")
    func caseWorker() throws {
        let seeds = Seed.standard.enumerated().map { index, seed in
            Seed(number: seed.number, values: seed.values.merging([.assignedTo: ["Awa Traoré", "moussa.diarra", ""][index % 3]]) { $1 })
        }
        let harness = try Self.harness(seeds: seeds)
        harness.type("f")
        let worker = FilterField.allCases.firstIndex(of: .worker)!
        harness.send(.down, times: worker)
        harness.send(.enter)
        let text = harness.text
        #expect(text.contains("(no case worker)") && text.contains("Awa Traoré") && text.contains("moussa.diarra"))
        // (any), (no case worker), Awa Traoré, moussa.diarra
        harness.send(.down, times: 2)
        harness.send(.enter)
        harness.send(.escape)
        #expect(harness.rows[1].contains("Filters: worker: Awa Traoré"))
        #expect(numbers(harness) == ["GAO-000001", "KDL-000001"])
        harness.type("f")
        choose(harness, .worker, down: 1)
        harness.send(.escape)
        #expect(harness.rows[1].contains("Filters: no worker"))
        #expect(numbers(harness) == ["MPT-000001"])
    }

    @Test("in French: column, markers, filters and their summary")
    func french() throws {
        let harness = try Self.harness(language: .fr)
        #expect(harness.rows[2].contains("Alerte"))
        #expect(harness.listRows.first { $0.contains("GAO-000001") }?.contains(" R5 M2 ") == true)
        #expect(harness.footer.contains("f Filtres"))
        #expect(harness.footer.contains("q/F10 Quitter"))
        harness.type("f")
        #expect(harness.titleBar.contains("Filtres · 5 sur 5 dossiers"))
        #expect(harness.text.contains("Parcours") && harness.text.contains("Manque d'accès"))
        #expect(harness.text.contains("(indifférent)"))
        choose(harness, .track, down: 1)
        choose(harness, .gap, down: 6)
        choose(harness, .overdue, down: 1)
        // One case: the noun follows the number of cases, never "1 dossiers".
        #expect(harness.titleBar.contains("Filtres · 1 sur 5 dossiers"))
        harness.send(.escape)
        #expect(harness.titleBar.contains("Dossiers (1 sur 5)"))
        #expect(harness.rows[1].contains("Filtres : Entrepreneuriat des jeunes, en retard, manque : Documents"))
        #expect(numbers(harness) == ["GAO-000001"])
    }

    @Test("a step done, chosen by its name's first letters, keeps the cases where it is done; with a track, in that track")
    func stepDone() throws {
        let harness = try Self.harness()
        let id = try #require(harness.seeded["TBK-000001"])
        let plan = try #require(harness.store.book[id]?.plans.first)
        var training = try #require(plan.steps.first { $0.code == "training" })
        training.status = .done
        try #require(harness.app.commit(.updateStep(id: id, plan: plan.id, step: training)) != nil)
        harness.type("f")
        let position = FilterField.allCases.firstIndex(of: .stepDone)!
        harness.send(.down, times: position)
        #expect(harness.rows[try #require(harness.terminal.cursor).y].contains("Step done"))
        harness.send(.enter)
        #expect(harness.text.contains("With this step done"))
        #expect(harness.text.contains("Kit or grant delivered"))  // the steps of every track
        harness.type("tr")
        harness.send(.enter)
        #expect(harness.titleBar.contains("Filters · 1 of 5 cases"))
        #expect(harness.rows[try #require(harness.terminal.cursor).y].contains("* Training"))
        choose(harness, .track, down: 1)  // youth entrepreneurship: TBK's training is in it
        #expect(harness.titleBar.contains("Filters · 1 of 5 cases"))
        choose(harness, .track, down: 2)  // women's AGR: no one
        #expect(harness.titleBar.contains("Filters · 0 of 5 cases"))
        choose(harness, .track, down: 0)
        harness.send(.escape)
        #expect(harness.rows[1].contains("Filters: done: Training"))
        #expect(numbers(harness) == ["TBK-000001"])
    }

    @Test("a gap on any criterion, and no activity for a number of days, named on the list in both languages")
    func anyGapAndIdle() throws {
        for language in Language.allCases {
            let harness = try Self.harness(language: language)
            // A case registered two months before the day of the tests, and nothing since.
            let old = UUID()
            var profile = CaseProfile()
            profile.familyName = "Dicko"
            profile.givenNames = "Hama"
            profile.region = "ML05"
            try harness.store.commit(.register(id: old, number: "MPT-000002", profile: profile),
                                     as: .anyone(Harness.author), at: CalendarDate(year: 2026, month: 9, day: 29)!.start())
            for screen in harness.app.screens { screen.storeDidChange(harness.app, changed: old) }
            harness.type("f")
            choose(harness, .gap, down: 1)
            #expect(harness.text.contains(language == .fr ? "* Au moins un critère" : "* At least one criterion"))
            harness.send(.escape)
            #expect(harness.rows[1].contains(language == .fr ? "Filtres : un manque d'accès" : "Filters: a rights gap"))
            #expect(numbers(harness) == ["GAO-000001", "GAO-000002"])

            harness.type("F")
            harness.type("f")
            choose(harness, .idle, down: 3)  // 7, 14, 30 days
            #expect(harness.text.contains(language == .fr ? "* 30 jours ou plus" : "* 30 days or more"))
            harness.send(.escape)
            #expect(harness.rows[1].contains(language == .fr ? "Filtres : sans activité depuis 30 jours"
                                                             : "Filters: no activity for 30 days"))
            #expect(numbers(harness) == ["MPT-000002"])
            harness.type("f")
            choose(harness, .idle, down: 6)  // 180 days
            harness.send(.escape)
            #expect(numbers(harness) == [])
        }
    }

    @Test("the help names the filter keys and explains the alerts")
    func help() throws {
        let harness = try Self.harness()
        harness.type("?")
        #expect(harness.text.contains("L2\u{00A0}=\u{00A0}2 steps overdue"))
        #expect(harness.text.contains("Filters"))
        harness.send(.escape)
        harness.type("f?")
        #expect(harness.text.contains("Filters of the case list."))
        harness.send(.escape)
        #expect(harness.titleBar.contains("Filters ·"))
    }

    @Test("a change to a case while filtered keeps the filters and updates the markers")
    func changeWhileFiltered() throws {
        let harness = try Self.harness()
        harness.type("f")
        choose(harness, .gap, down: 6)
        harness.send(.escape)
        #expect(numbers(harness) == ["GAO-000001", "GAO-000002"])
        let id = try #require(harness.seeded["GAO-000002"])
        let assessment = Assessment(id: UUID(), date: testToday, assessor: Harness.author,
                                    ratings: ["documentation": Rating(access: .full)])
        try #require(harness.app.commit(.assess(id: id, assessment: assessment)) != nil)
        harness.send()
        #expect(numbers(harness) == ["GAO-000001"])
        #expect(harness.rows[1].contains("Filters: gap: Documents"))
    }
}
