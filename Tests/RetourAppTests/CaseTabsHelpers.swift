import Foundation
import Testing
@testable import RetourApp
@testable import RetourCore
import RetourTUI

/// Reading and driving the case screen's tabs.
extension Harness {
    /// Opens the case `number` from the list (its number searched matches it alone; Enter opens it).
    func open(_ number: String) {
        type("/" + number)
        // The number matches one case: Enter on the search opens it.
        send(.enter)
    }

    var detail: CaseDetailScreen? { app.top as? CaseDetailScreen }

    /// The second row: the tab bar.
    var tabBar: String { rows[1] }

    /// The row marked as selected in a tab's table.
    var selectedRow: String? {
        rows.dropFirst(2).dropLast(2).first { $0.hasPrefix(">") }
    }

    /// The rows of the current tab's table (under its header, above the details' rule).
    var tableRows: [String] {
        guard let rule = rows.firstIndex(where: { $0.hasPrefix(" ───") }) else { return [] }
        return Array(rows[4..<rule]).filter { !$0.isEmpty }
    }

    /// The details of the selected row, under the rule.
    var details: [String] {
        guard let rule = rows.firstIndex(where: { $0.hasPrefix(" ───") }) else { return [] }
        return Array(rows[(rule + 1)..<(terminal.size.height - 2)]).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
    }

    /// Moves the selection down until the selected row contains `text`.
    func select(_ text: String) {
        for _ in 0..<40 where selectedRow?.contains(text) != true { send(.down) }
    }

    /// The problem written under a form field, its wrapped lines joined.
    func wrappedIssue(under label: String) -> String? {
        guard let row = issueRow(under: label).map({ $0 - 1 }), let arrow = rows[row + 1].range(of: "↳ ") else { return nil }
        let column = rows[row + 1].distance(from: rows[row + 1].startIndex, to: arrow.lowerBound)
        var parts = [String(rows[row + 1][arrow.upperBound...])]
        for next in rows[(row + 2)...] {
            // A continuation is indented to the text after the arrow.
            guard next.count > column + 2, next.prefix(column + 2).allSatisfy({ $0 == " " }),
                  next.dropFirst(column + 2).first != " " else { break }
            parts.append(String(next.dropFirst(column + 2)))
        }
        return parts.joined(separator: " ")
    }

    /// The case `number` as stored.
    func stored(_ number: String) throws -> Case {
        try #require(store.book.find(number: number))
    }

    /// Chooses the option `down` lines under the first one in the picker of the focused field.
    func pick(down: Int) {
        send(.enter, .home)
        send(.down, times: down)
        send(.enter)
    }
}

/// A follow-up recorded through `app.commit`, as other screens or an import would: one case
/// with a plan whose first steps are overdue, two assessments, a referral, a note and its
/// correction.
enum FollowUpSeed {
    static func record(_ harness: Harness, number: String = "GAO-000001") throws {
        let app = harness.app
        let id = try #require(harness.seeded[number])
        let plan = try #require(harness.session.reference.tracks.plan(track: "youth_entrepreneurship", id: UUID(),
                                                                      enrolledOn: CalendarDate(year: 2026, month: 9, day: 1)!))
        try #require(app.commit(.enrol(id: id, plan: plan)) != nil)
        var profiling = plan.steps[0]
        profiling.status = .done
        profiling.doneOn = CalendarDate(year: 2026, month: 9, day: 9)
        profiling.by = "awa.traore"
        try #require(app.commit(.updateStep(id: id, plan: plan.id, step: profiling)) != nil)
        var training = plan.steps[1]
        training.status = .blocked
        training.blockedReason = "Trainer not available until January; the session at the youth centre was cancelled"
        try #require(app.commit(.updateStep(id: id, plan: plan.id, step: training)) != nil)
        let first = Assessment(id: UUID(), date: CalendarDate(year: 2026, month: 9, day: 2)!, assessor: "awa.traore",
                               ratings: ["documentation": Rating(access: .none), "livelihoods": Rating(access: .none),
                                         "safety": Rating(access: .full)])
        try #require(app.commit(.assess(id: id, assessment: first)) != nil)
        let second = Assessment(id: UUID(), date: CalendarDate(year: 2026, month: 11, day: 2)!, assessor: "moussa.cisse",
                                ratings: ["livelihoods": Rating(access: .partial, note: "Sells vegetables at the market twice a week")])
        try #require(app.commit(.assess(id: id, assessment: second)) != nil)
        let referral = Referral(id: UUID(), service: "civil_registry", provider: "Mairie de Gao — service de l'état civil",
                                date: CalendarDate(year: 2026, month: 9, day: 10)!, criterion: "documentation")
        try #require(app.commit(.saveReferral(id: id, referral: referral)) != nil)
        let note = Note(id: UUID(), text: "Home visit: the family of six lives in a borrowed room; the father works as a porter.",
                        by: "awa.traore", at: Date())
        try #require(app.commit(.addNote(id: id, note: note)) != nil)
        let correction = Note(id: UUID(), text: "Home visit: the family of six lives in a rented room.", by: "awa.traore",
                              at: Date(), corrects: note.id)
        try #require(app.commit(.addNote(id: id, note: correction)) != nil)
        harness.send()
    }
}
