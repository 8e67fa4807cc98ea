import Foundation
import Testing
@testable import RetourApp
@testable import RetourCore
import RetourTUI

/// The dashboard (`d`): the figures of `ProgrammeFigures` in words and bars, a period to
/// choose, and Enter opening the cases behind a figure.
@Suite("Dashboard screen")
struct DashboardScreenTests {
    /// Moves the selection down until the selected row holds `text`; false when none does.
    private func select(_ text: String, in harness: Harness) -> Bool {
        for _ in 0..<200 {
            if harness.rows.first(where: { $0.hasPrefix(">") })?.contains(text) == true { return true }
            harness.send(.down)
        }
        return false
    }

    @Test func showsTheFiguresOfTheQuarterWithBarsAndNumbers() throws {
        let harness = try Harness()
        harness.type("d")
        #expect(harness.titleBar.contains("Dashboard — this quarter, 2026-10-01 – 2026-12-31"))
        #expect(harness.rows[1].contains("Every case: 5 cases"))
        #expect(harness.text.contains("Programme targets, as of 2026-12-31"))
        // The seeds: two returned IDPs in Gao, one in Mopti, a refugee in Tombouctou, a host in Kidal.
        let gao = try #require(harness.rows.first { $0.contains("Gao · Returned IDP") })
        #expect(gao.hasSuffix(" 2"))
        #expect(gao.contains("█"), "a bar of characters, readable without colour")
        let registered = try #require(harness.rows.first { $0.contains("Registered by 2026-12-31") })
        #expect(registered.hasSuffix(" 5"))
        #expect(harness.footer.contains("p period"))
        #expect(harness.terminal.cursor?.y == harness.rows.firstIndex { $0.hasPrefix(">") })
    }

    @Test func theScreenSaysWhatTheCoreCounts() throws {
        let harness = try Harness()
        harness.type("d")
        let reference = harness.session.reference
        let figures = ProgrammeFigures(harness.app.reader.digests, targets: try #require(reference.targets), reference: reference,
                                       today: testToday, period: .quarter)
        for target in figures.targets {
            let label = try #require(target.target.labels[.en])
            let row = try #require(harness.rows.first { $0.contains(String(label.prefix(20))) })
            #expect(row.contains("\(target.achieved.count)/\(target.target.figure)"))
        }
        #expect(figures.caseload.count(region: "ML07", category: .idpReturnee) == 2)
    }

    @Test func enterOpensTheCasesBehindAFigure() throws {
        let harness = try Harness()
        harness.type("d")
        #expect(select("Gao · Returned IDP", in: harness))
        harness.send(.enter)
        #expect(harness.titleBar.contains("Cases (2 of 5)"))
        #expect(harness.text.contains("figure: Gao · Returned IDP"))
        #expect(Set(harness.listRows.compactMap { $0.split(separator: " ").first { $0.contains("-0000") } }.map(String.init))
                == ["GAO-000001", "GAO-000002"])
        #expect(harness.statusLine.contains("2 cases behind this figure"))
        // F clears it like any filter; d goes back to the dashboard.
        harness.type("F")
        #expect(harness.titleBar.contains("Cases (5)"))
        harness.type("d")
        #expect(harness.titleBar.contains("Dashboard"))
    }

    @Test func periodsFollowOneAnotherAndTwoDaysCanBeGiven() throws {
        let harness = try Harness()
        harness.type("d")
        harness.type("p")
        #expect(harness.titleBar.contains("this year, 2026-01-01 – 2026-12-31"))
        harness.type("p")
        #expect(harness.titleBar.contains("the whole programme"))
        harness.type("p")
        #expect(harness.titleBar.contains("this month, 2026-11-01 – 2026-11-30"))
        harness.type("P")
        #expect(harness.titleBar.contains("the whole programme"))
        harness.type("t")
        #expect(harness.titleBar.contains("Figures between two days"))
        harness.send(.control("u"))
        harness.type("31/02/2026")
        harness.send(.function(2))
        #expect(harness.issue(under: "From") == "Not a day: type DD/MM/YYYY or YYYY-MM-DD.")
        harness.send(.control("u"))
        harness.type("2026-06-01")
        harness.send(.tab)
        harness.send(.control("u"))
        harness.type("2026-06-30")
        harness.send(.function(2))
        #expect(harness.titleBar.contains("Dashboard — 2026-06-01 – 2026-06-30"))
        // No one was registered by then.
        #expect(harness.rows.first { $0.contains("Registered by 2026-06-30") }?.hasSuffix(" 0") == true)
    }

    @Test func tabGoesFromSectionToSection() throws {
        let harness = try Harness()
        harness.type("d")
        harness.send(.tab)
        #expect(harness.rows.first { $0.hasPrefix(">") }?.contains("Registered by") == true)
        harness.send(.tab, .tab, .tab)
        #expect(harness.text.contains("Durable-solutions gap"))
        harness.send(.backTab)
        #expect(harness.text.contains("Access to rights at the latest assessment"))
    }

    @Test func readsInFrenchAndFitsEverySize() throws {
        let harness = try Harness(language: .fr)
        harness.type("d")
        #expect(harness.titleBar.contains("Tableau de bord — ce trimestre"))
        #expect(harness.text.contains("Objectifs du programme"))
        for (width, height) in [(80, 24), (132, 50), (60, 15), (80, 24)] {
            harness.resize(width: width, height: height)
            #expect(harness.rows.allSatisfy { CellWidth.of($0) <= width })
        }
        #expect(harness.text.contains("Tableau de bord"))
    }
}
