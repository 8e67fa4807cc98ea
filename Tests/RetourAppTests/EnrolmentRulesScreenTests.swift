import Foundation
import Testing
@testable import RetourApp
@testable import RetourCore
import RetourTUI

/// The enrolment form says a track's rules in words next to the track, and asks a reason for
/// an enrolment outside them; the plan tab withdraws an enrolment made by mistake.
@Suite("Case tabs: enrolment rules and withdrawal")
struct EnrolmentRulesScreenTests {
    /// The warning under a form field ("! " then its wrapped lines), joined; nil when none.
    private func notice(_ harness: Harness, under label: String) -> String? {
        guard let row = harness.formRow(label) else { return nil }
        let rows = harness.rows
        for index in (row + 1)..<rows.count {
            guard let mark = rows[index].range(of: "! ") else { continue }
            let column = rows[index].distance(from: rows[index].startIndex, to: mark.lowerBound)
            var parts = [String(rows[index][mark.upperBound...]).trimmingCharacters(in: .whitespaces)]
            for next in rows[(index + 1)...] {
                guard next.count > column + 2, next.prefix(column + 2).allSatisfy({ $0 == " " }),
                      next.dropFirst(column + 2).first != " " else { break }
                parts.append(String(next.dropFirst(column + 2)).trimmingCharacters(in: .whitespaces))
            }
            return parts.joined(separator: " ")
        }
        return nil
    }

    @Test("a man in the women's track: the form says why in words, whole at 80x24, and requires a reason",
          arguments: [Language.en, .fr])
    func manInTheWomensTrack(language: Language) throws {
        let harness = try Harness(language: language)
        let catalog = harness.catalog
        let track = catalog.text("tabs.enrol.track") + " *"
        let reason = catalog.text("tabs.enrol.exception")
        let warning = catalog.text("eligibility.sex.F", ["track": catalog.label("track", "women_agr")])
        harness.open("TBK-000001")
        harness.type("2n")
        #expect(notice(harness, under: track) == nil)
        harness.pick(down: 1)
        #expect(harness.formValue(track) == catalog.label("track", "women_agr"))
        // Said at once, before any save, whole (wrapped, never cut) on an 80x24 screen.
        #expect(notice(harness, under: track) == warning, "\(harness.text)")
        #expect(harness.terminal.size == Size(width: 80, height: 24))
        #expect(harness.formRow(reason) != nil, "\(harness.text)")
        // The reason is said to be required before F2 too.
        #expect(notice(harness, under: reason) == catalog.text("tabs.enrol.exceptionNeeded"), "\(harness.text)")

        harness.send(.function(2))
        #expect(harness.wrappedIssue(under: reason) == catalog.text("tabs.enrol.exceptionRequired"), "\(harness.text)")
        #expect(try harness.stored("TBK-000001").plans.isEmpty)
        // The cursor went to the reason; it takes several lines.
        #expect(harness.terminal.cursor?.y == harness.formRow(reason))
        harness.type("Seul soutien de sa mere veuve;")
        harness.send(.enter)
        harness.type("accord de la superviseure")
        harness.send(.function(2))

        let saved = try harness.stored("TBK-000001")
        #expect(saved.plans.map(\.track) == ["women_agr"])
        #expect(saved.plans.first?.exception == "Seul soutien de sa mere veuve;\naccord de la superviseure")
        #expect(saved.status == .active)
        // The plan tab and the timeline say it.
        let exception = catalog.text("tabs.plan.exception", ["reason": "Seul soutien de sa mere veuve;"])
        #expect(harness.details.contains { $0.hasPrefix(exception) }, "\(harness.details)")
        harness.type("6")
        let event = catalog.text("timeline.enrolException", [
            "track": catalog.label("track", "women_agr"), "reason": "Seul soutien de sa mere veuve; accord de la superviseure",
        ])
        // Wrapped whole under the timeline.
        #expect(harness.details.joined(separator: " ").hasPrefix(event), "\(harness.details)")
    }

    @Test("an unknown age is said under the track, and no reason is asked")
    func unknownAge() throws {
        let seeds = [Seed(number: "GAO-000001", values: [
            .familyName: "Diallo", .givenNames: "Oumar", .sex: "M", .category: "idp_returnee", .region: "Gao",
            .assignedTo: "awa.traore",
        ])]
        let harness = try Harness(seeds: seeds)
        harness.open("GAO-000001")
        harness.type("2n")
        harness.pick(down: 0)
        #expect(notice(harness, under: "Track *")
                == "Age unknown: the Youth entrepreneurship track is for people aged 15 to 35. Check before enrolling.",
                "\(harness.text)")
        harness.send(.function(2))
        #expect(try harness.stored("GAO-000001").plans.map(\.track) == ["youth_entrepreneurship"])
    }

    @Test("within the rules nothing is said and no reason is asked; a typed one is refused as needless")
    func womanInTheWomensTrack() throws {
        let harness = try Harness()
        harness.open("GAO-000001")
        harness.type("2n")
        harness.pick(down: 1)
        #expect(harness.formValue("Track *") == "Women's income-generating activity (AGR)")
        #expect(notice(harness, under: "Track *") == nil, "\(harness.text)")
        harness.send(.tab, .tab)
        harness.type("just in case")
        harness.send(.function(2))
        #expect(harness.wrappedIssue(under: "Reason for the exception")
                == "Within the track's rules: no reason is needed, clear this field (Ctrl-U).")
        harness.send(.control("u"))
        harness.send(.function(2))
        #expect(try harness.stored("GAO-000001").plans.first?.exception == nil)
    }

    @Test("w withdraws the selected step's enrolment with a reason; the track may be chosen again")
    func withdraw() throws {
        let harness = try Harness()
        harness.open("GAO-000001")
        harness.type("2n")
        harness.pick(down: 0)
        harness.send(.function(2))
        #expect(harness.titleBar.contains("Active"))
        #expect(harness.selectedRow?.contains("Profiling") == true)
        #expect(harness.details.contains("w withdraws this enrolment in the track, if it was made by mistake."))

        harness.type("w")
        #expect(harness.titleBar.contains("GAO-000001 · Withdraw an enrolment made by mistake"))
        #expect(harness.text.contains("Withdraw the enrolment in Youth entrepreneurship of 2026-11-29"))
        harness.send(.function(2))
        #expect(harness.wrappedIssue(under: "Why withdrawn") == harness.catalog.text("invalid.required"))
        #expect(try harness.stored("GAO-000001").plans[0].withdrawal == nil)
        harness.type("Enrolled in the wrong track")
        harness.send(.function(2))

        #expect(harness.statusLine == " Enrolment in Youth entrepreneurship withdrawn.")
        let saved = try harness.stored("GAO-000001")
        #expect(saved.plans[0].withdrawal?.reason == "Enrolled in the wrong track")
        #expect(saved.plans[0].withdrawal?.by == Harness.author)
        #expect(saved.status == .registered)
        #expect(harness.titleBar.contains("Registered"))
        #expect(harness.text.contains("Youth entrepreneurship — WITHDRAWN (enrolled 2026-11-29)"), "\(harness.text)")
        // The withdrawn enrolment is selected; its details say why, who and when.
        #expect(harness.selectedRow?.contains("Why withdrawn") == true, "\(harness.text)")
        #expect(harness.details.contains { $0.hasPrefix("On ") && $0.hasSuffix("by awa.traore") }, "\(harness.details)")
        #expect(harness.text.contains("Why withdrawn: Enrolled in the wrong track"))
        #expect(!harness.text.contains("! late"))
        // A withdrawn enrolment is not withdrawn twice.
        harness.type("w")
        #expect(harness.statusLine == " ! This enrolment is already withdrawn.")

        // The help lists the key.
        harness.type("?")
        #expect(harness.text.contains("Withdraw the selected step's enrolment (made by mistake)"), "\(harness.text)")
        harness.send(.escape)

        harness.type("6")
        #expect(harness.details.joined(separator: " ")
                .hasPrefix("Enrolment in Youth entrepreneurship withdrawn — reason: Enrolled in the wrong track"), "\(harness.details)")

        harness.type("2n")
        harness.pick(down: 0)
        #expect(harness.formValue("Track *") == "Youth entrepreneurship")
        harness.send(.function(2))
        let again = try harness.stored("GAO-000001")
        #expect(again.plans.count == 2)
        #expect(again.activePlans.count == 1)
        #expect(again.status == .active)
    }

    @Test("in French the withdrawal form and the plan tab say it in French")
    func withdrawInFrench() throws {
        let harness = try Harness(language: .fr)
        harness.open("GAO-000001")
        harness.type("2n")
        harness.pick(down: 0)
        harness.send(.function(2))
        harness.type("w")
        #expect(harness.titleBar.contains("Retrait d'une inscription faite par erreur"))
        harness.type("Mauvais parcours")
        harness.send(.function(2))
        #expect(harness.statusLine == " Inscription à Entrepreneuriat des jeunes retirée.")
        #expect(harness.text.contains("Entrepreneuriat des jeunes — RETIRÉ (inscription le 29/11/2026)"), "\(harness.text)")
        #expect(harness.text.contains("Motif du retrait : Mauvais parcours"))
    }
}
