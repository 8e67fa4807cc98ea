import Foundation
import Testing
@testable import RetourApp
@testable import RetourCore
import RetourTUI

/// Every tab and every small form at 80×24, in French and English: nothing wider than the
/// screen, the summary and headings whole, the keys in the footer, the cursor on the
/// selected row or focused field, and meaning carried by words rather than colour.
@Suite("Case tabs: layout at 80×24")
struct CaseTabsLayoutTests {
    static let tabLabels: [Language: [String]] = [
        .en: ["Profile", "Plan", "Rights", "Referrals", "Notes", "Timeline", "Household"],
        .fr: ["Profil", "Plan", "Droits", "Orientations", "Notes", "Historique", "Ménage"],
    ]

    func checkWidths(_ harness: Harness, _ context: String) {
        for (index, row) in harness.rows.enumerated() {
            #expect(CellWidth.of(row) <= 80, "\(context), row \(index) is \(CellWidth.of(row)) cells: \(row)")
        }
    }

    @Test("every tab fits, with its summary, its keys and the cursor on the selected row", arguments: [Language.en, .fr])
    func tabs(language: Language) throws {
        let harness = try Harness(language: language)
        try FollowUpSeed.record(harness)
        harness.open("GAO-000001")
        let item = try harness.stored("GAO-000001")
        let content = CaseTabContent(item: item, catalog: harness.catalog, reference: harness.session.reference, today: testToday)
        let labels = try #require(CaseTabsLayoutTests.tabLabels[language])
        let back = language == .fr ? "q Retour" : "q Back"
        for tab in CaseTab.allCases {
            harness.type(String(tab.number))
            let context = "\(language) \(tab)"
            checkWidths(harness, "\(context)")
            #expect(harness.tabBar.contains("[\(tab.number) \(labels[tab.rawValue])]"), "\(context): \(harness.tabBar)")
            for (index, label) in labels.enumerated() {
                #expect(harness.tabBar.contains("\(index + 1) \(label)"), "\(context): \(harness.tabBar)")
            }
            #expect(harness.footer.hasPrefix("Tab "), "\(context): \(harness.footer)")
            #expect(harness.footer.hasSuffix(back), "\(context): \(harness.footer)")
            let table: TabTable?
            switch tab {
            case .profile: table = nil
            case .plan: table = content.plan()
            case .rights: table = content.rights()
            case .referrals: table = content.referrals()
            case .notes: table = content.notes()
            case .timeline: table = content.timeline()
            case .household: table = content.household()
            }
            guard let table else {
                #expect(harness.terminal.cursor == Point(x: 1, y: 2), "\(context)")
                continue
            }
            #expect(harness.rows[2] == " " + table.summary, "\(context): the summary is whole")
            if table.rows.isEmpty { continue }
            let selected = try #require(harness.rows.firstIndex { $0.hasPrefix(">") }, "\(context): a row is selected")
            #expect(harness.terminal.cursor == Point(x: 0, y: selected), "\(context)")
            // What the cells cut short is said in full under them.
            let shown = harness.details.joined(separator: " ")
            let index = try #require(harness.detail.flatMap { screen in
                table.rows.firstIndex { $0.target == screen.selectedTarget(harness.app) }
            })
            let expected = table.rows[index].details.joined(separator: " ")
            #expect(shown == expected || shown.hasSuffix("…"), "\(context): \(shown) / \(expected)")
        }
    }

    @Test("the plan and the rights say in words what needs attention", arguments: [Language.en, .fr])
    func attentionInWords(language: Language) throws {
        let harness = try Harness(language: language)
        try FollowUpSeed.record(harness)
        harness.open("GAO-000001")
        harness.type("2")
        let fr = language == .fr
        let heading = fr ? "Entrepreneuriat des jeunes · 1/7 étapes faites · inscription le 01/09/2026"
                         : "Youth entrepreneurship · 1/7 done · enrolled 2026-09-01"
        #expect(harness.rows.contains { $0.contains(heading) }, "\(harness.text)")
        let late = fr ? "! retard" : "! late"
        #expect(harness.tableRows.filter { $0.contains(late) }.count == 4)
        let training = try #require(harness.tableRows.first { $0.contains(fr ? "Formation" : "Training") })
        #expect(training.contains(fr ? "Bloquée" : "Blocked"))
        harness.select(fr ? "Formation" : "Training")
        #expect(harness.details.joined(separator: " ").contains(
            "Trainer not available until January; the session at the youth centre was cancelled"))
        harness.type("3")
        let gap = fr ? "! manque" : "! gap"
        #expect(harness.tableRows.prefix(2).allSatisfy { $0.hasPrefix("> \(gap)") || $0.hasPrefix("  \(gap)") })
        #expect(harness.tableRows[0].contains(fr ? "aucun → partiel" : "none → partial"))
        #expect(harness.tableRows[2...].allSatisfy { !$0.contains(gap) })
        // Monochrome: the selected row is marked with ">", the current tab with brackets.
        #expect(harness.selectedRow != nil)
        #expect(harness.tabBar.contains(fr ? "[3 Droits]" : "[3 Rights]"))
    }

    @Test("the plan's late marker has a column of its own, first, at 80 columns and wider",
          arguments: [(Language.en, 80), (.fr, 80), (.en, 120), (.fr, 120)])
    func lateMarkerColumn(language: Language, width: Int) throws {
        let harness = try Harness(language: language, width: width)
        try FollowUpSeed.record(harness)
        harness.open("GAO-000001")
        harness.type("2")
        let fr = language == .fr
        let late = fr ? "! retard" : "! late"
        let steps = harness.tableRows.filter { !$0.contains(fr ? "Entrepreneuriat" : "Youth entrepreneurship") }
        #expect(steps.count == 7, "\(harness.text)")
        // The marker starts each late row, after the selection mark; every step name starts in
        // the same column, late or not.
        let marked = steps.filter { $0.dropFirst(2).hasPrefix(late) }
        #expect(marked.count == 4, "\(harness.text)")
        #expect(steps.allSatisfy { $0.components(separatedBy: late).count <= 2 }, "one marker per row")
        let profiling = try #require(steps.first { $0.contains(fr ? "Profilage" : "Profiling") })
        let column = try #require(profiling.range(of: fr ? "Profilage" : "Profiling")).lowerBound.utf16Offset(in: profiling)
        for row in steps {
            let before = String(row.prefix(column)).dropFirst(2).trimmingCharacters(in: .whitespaces)
            #expect(before == (marked.contains(row) ? late : ""), "\(row)")
            #expect(row.dropFirst(column).first?.isLetter == true, "\(row)")
        }
        // The done column keeps the done date.
        #expect(profiling.contains(fr ? "09/09/2026" : "2026-09-09"))
    }

    @Test("a closed case's steps are not late: list, profile glance, plan tab", arguments: [Language.en, .fr])
    func closedIsNotLate(language: Language) throws {
        let harness = try Harness(language: language)
        try FollowUpSeed.record(harness)
        let fr = language == .fr
        let id = try #require(harness.seeded["GAO-000001"])
        #expect(harness.listRows[0].contains(fr ? "R4" : "L4"), "\(harness.listRows[0])")
        try #require(harness.app.commit(.requestClosure(id: id, reason: "Moved")) != nil)
        try #require(harness.app.commit(.close(id: id, closure: Closure(reason: "moved_away", note: "",
                                                                        confirmedOpenItems: true))) != nil)
        harness.send()
        #expect(!harness.listRows[0].contains(fr ? "R4" : "L4"), "\(harness.listRows[0])")
        harness.open("GAO-000001")
        let glance = try #require(harness.row(containing: fr ? "Suivi" : "Follow-up"))
        #expect(!harness.rows[glance...].prefix(2).joined().contains(fr ? "en retard" : "late"), "\(harness.text)")
        harness.type("2")
        #expect(!harness.tableRows.contains { $0.contains(harness.catalog.text("tabs.plan.late")) }, "\(harness.text)")
        #expect(!harness.rows[2].contains(fr ? "en retard" : "late"), "\(harness.rows[2])")
    }

    @Test("the profile tab sums the follow-up up and wraps long values", arguments: [Language.en, .fr])
    func profile(language: Language) throws {
        let harness = try Harness(language: language) { profile in
            profile.vulnerabilities = ["female_head_of_household", "single_parent", "disability", "chronic_illness", "lost_documents"]
        }
        try FollowUpSeed.record(harness)
        harness.open("GAO-000001")
        let fr = language == .fr
        let glance = try #require(harness.row(containing: fr ? "Suivi" : "Follow-up"))
        let summed = harness.rows[glance...].prefix(2).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        #expect(summed.contains(fr ? "1/7 étapes faites · 4 étapes en retard · 2 manques de droits · 1 orientation en cours"
                                   : "1/7 steps done · 4 steps late · 2 rights gaps · 1 open referral"), "\(summed)")
        checkWidths(harness, "\(language) profile")
        // Five vulnerabilities do not fit one line: they go on under the value, never cut.
        let vulnerabilities = try #require(harness.row(containing: fr ? "Vulnérabilités" : "Vulnerabilities"))
        let next = harness.rows[vulnerabilities + 1]
        #expect(next.hasPrefix(String(repeating: " ", count: 20)))
        let value = (harness.rows[vulnerabilities] + " " + next.trimmingCharacters(in: .whitespaces))
        #expect(value.hasSuffix(fr ? "Documents perdus" : "Lost documents"), "\(value)")
        #expect(!harness.text.contains("…"))
    }

    /// Opens each small form and checks it fits with whole labels and the cursor on the focused field.
    @Test("every small form fits, with whole labels and the cursor on the focused field", arguments: [Language.en, .fr])
    func forms(language: Language) throws {
        let harness = try Harness(language: language)
        try FollowUpSeed.record(harness)
        harness.open("GAO-000001")
        let catalog = harness.catalog
        let forms: [(keys: String, labels: [String])] = [
            ("2n", ["tabs.enrol.track", "tabs.enrol.date"]),
            ("2\r", ["tabs.step.field.status", "tabs.step.field.planned", "tabs.step.field.done", "tabs.step.field.by",
                     "tabs.step.field.blocked", "tabs.step.field.note"]),
            ("3n", ["tabs.assess.date", "tabs.assess.assessor"] + harness.session.reference.tracks.criteria.map { "tabs.criterion.\($0)" }),
            ("3\r", ["tabs.referral.field.service", "tabs.referral.field.criterion"]),
            ("4n", ["tabs.referral.field.service", "tabs.referral.field.provider", "tabs.referral.field.date",
                    "tabs.referral.field.criterion", "tabs.referral.field.status", "tabs.referral.field.outcome"]),
            ("5n", ["tabs.note.field.text"]),
            ("5\r", ["tabs.note.field.text"]),
            ("1c", ["tabs.requestClosure.code", "tabs.requestClosure.reason"]),
        ]
        for (keys, labels) in forms {
            for key in keys { harness.send(key == "\r" ? .enter : .character(key)) }
            let context = "\(language) \(keys)"
            #expect(harness.app.top is FieldForm, "\(context)")
            checkWidths(harness, "\(context)")
            for key in labels {
                let label = catalog.text(key)
                #expect(harness.formRow(label) != nil, "\(context): \(label) is whole")
            }
            #expect(harness.terminal.cursor.map { harness.rows[$0.y].hasPrefix(">") } == true, "\(context)")
            harness.send(.tab)
            #expect(harness.terminal.cursor.map { harness.rows[$0.y].hasPrefix(">") } == true, "\(context)")
            #expect(harness.footer.contains("F2 " + catalog.text("action.save")), "\(context)")
            harness.send(.escape)
            if harness.app.overlay != nil { harness.send(.right, .enter) }
            #expect(harness.detail != nil, "\(context)")
        }
        // The close and reopen forms, reached by the lifecycle.
        let id = try #require(harness.seeded["GAO-000001"])
        try #require(harness.app.commit(.requestClosure(id: id, reason: "Moved")) != nil)
        harness.type("c")
        checkWidths(harness, "\(language) close")
        #expect(harness.formRow(catalog.text("tabs.close.reason")) != nil)
        harness.send(.enter, .enter, .function(2))
        checkWidths(harness, "\(language) close dialog")
        #expect(harness.text.contains(catalog.text("tabs.close.confirmTitle")))
        #expect(harness.text.contains(catalog.counted("tabs.close.openSteps", 6)))
        #expect(harness.text.contains(catalog.counted("tabs.close.gaps", 2)))
        harness.send(.right, .enter)
        #expect(try harness.stored("GAO-000001").closure?.confirmedOpenItems == true)
        harness.type("r")
        checkWidths(harness, "\(language) reopen")
        #expect(harness.formRow(catalog.text("tabs.reopen.reason")) != nil)
    }

    @Test("the help of each tab lists its keys, the lifecycle ones included")
    func help() throws {
        let harness = try Harness()
        harness.open("GAO-000001")
        harness.type("2?")
        let text = harness.text
        #expect(text.contains("Plan: the steps of each track"))
        #expect(text.contains("│ n         Enrol"))
        #expect(text.contains("│ Enter     Update step"))
        #expect(text.contains("│ c         Request closure"))
        #expect(text.contains("Go to tab 1 Profile … 7 Household"))
        harness.send(.escape)
        #expect(harness.tabBar.contains("[2 Plan]"))
    }

    @Test("the tabs go round with Tab, Shift-Tab and the arrows")
    func switching() throws {
        let harness = try Harness()
        harness.open("GAO-000001")
        harness.send(.tab)
        #expect(harness.tabBar.contains("[2 Plan]"))
        harness.send(.right, .right)
        #expect(harness.tabBar.contains("[4 Referrals]"))
        harness.send(.backTab)
        #expect(harness.tabBar.contains("[3 Rights]"))
        harness.type("7")
        harness.send(.tab)
        #expect(harness.tabBar.contains("[1 Profile]"))
        harness.send(.left)
        #expect(harness.tabBar.contains("[7 Household]"))
        harness.send(.escape)
        #expect(harness.titleBar.contains("Cases (1 of 5)"))
    }
}

@Suite("80 columns: one-line texts fit")
struct OneLineTextsFitTests {
    /// Headings and legends are drawn on one row of 78 cells at 80 columns: each must fit whole
    /// for every track, in both languages, with the widest counts and dates.
    @Test(arguments: [Language.en, .fr])
    func headingsAndLegendsFit(language: Language) throws {
        let fixtures = try Fixtures.get()
        let catalog = fixtures.catalog(language)
        let date = catalog.date(CalendarDate(year: 2026, month: 12, day: 31)!)
        for track in fixtures.reference.tracks.tracks {
            for count in [1, 10] {
                let heading = catalog.counted("tabs.plan.heading", count, [
                    "track": catalog.label("track", track.code), "done": String(count), "date": date])
                #expect(CellWidth.of(heading) <= 78, "\(heading)")
            }
            let withdrawn = catalog.text("tabs.plan.withdrawnHeading", ["track": catalog.label("track", track.code), "date": date])
            #expect(CellWidth.of(withdrawn) <= 78, "\(withdrawn)")
        }
        let legend = catalog.text("list.alerts.legend")
        #expect(CellWidth.of(legend) <= 78, "\(legend)")
    }
}
