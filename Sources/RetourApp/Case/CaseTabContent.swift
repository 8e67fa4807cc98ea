import Foundation
import RetourCore
import RetourTUI

/// One line of a tab's table: a heading (a plan's title) or an item the cursor can rest on.
struct TabRow {
    /// What an item stands for, so that a key acts on it.
    enum Target: Hashable {
        case step(plan: UUID, code: String)
        case criterion(String)
        case referral(UUID)
        case note(UUID)
        case member(UUID)
        case event(Int)
        /// An enrolment withdrawn as a mistake: read only.
        case withdrawn(plan: UUID)
    }

    let cells: [String]
    let isHeading: Bool
    let target: Target?
    /// Shown under the table while the row is selected: what the cells cut short.
    let details: [String]
    /// Needs action (overdue step, rights gap): said in words in the cells, and may be coloured.
    let attention: Bool
    /// What the row is, as the title of its details read whole (Space): its first cell, or
    /// `named` when that cell is a flag ("! late").
    let title: String

    static func heading(_ text: String) -> TabRow {
        TabRow(cells: [text], isHeading: true, target: nil, details: [], attention: false, title: text)
    }

    static func item(_ cells: [String], _ target: Target, details: [String], attention: Bool = false,
                     named: String? = nil) -> TabRow {
        TabRow(cells: cells, isHeading: false, target: target, details: details, attention: attention,
               title: named ?? cells.first { !$0.isEmpty } ?? "")
    }
}

/// A tab's table: a line that sums it up, its columns and its rows.
struct TabTable {
    let summary: String
    let columns: [Column]
    let rows: [TabRow]
}

/// A line of the profile tab: a section title, or a label and its value.
struct ProfileLine: Hashable {
    let label: String
    let value: String
    let isHeading: Bool
}

/// What each tab of the case screen shows, in the user's language, computed from the case.
struct CaseTabContent {
    let item: Case
    let catalog: Catalog
    let reference: Reference
    let today: CalendarDate
    /// The cases this one is tied to through households (`CaseReader.links(of:)`).
    var links: HouseholdLinks = .none

    private func date(_ date: CalendarDate?) -> String { date.map(catalog.date) ?? "" }

    // MARK: Profile

    /// The profile as `CaseSummary` writes it, without the follow-up (which has its tabs), and
    /// a line that sums the follow-up up at the end of the case's section.
    func profile() -> [ProfileLine] {
        let summary = CaseSummary(item, catalog: catalog, reference: reference, today: today, links: links)
        let followUp = FollowUpSections(item, catalog: catalog, reference: reference, today: today).sections
        var lines: [ProfileLine] = []
        for (index, section) in summary.sections.filter({ !followUp.contains($0) }).enumerated() {
            lines.append(ProfileLine(label: section.title, value: "", isHeading: true))
            for line in section.lines {
                var value = line.value.isEmpty ? "—" : line.shown
                // The household's case is a key away: say which.
                if let household = links.household, line.value == catalog.text("summary.memberOf", ["number": household.number]) {
                    value += " " + catalog.text("household.openHousehold")
                }
                lines.append(ProfileLine(label: line.label, value: value, isHeading: false))
            }
            if index == 0, let glance = followUpGlance() {
                lines.append(ProfileLine(label: catalog.text("tabs.profile.followUp"), value: glance, isHeading: false))
            }
        }
        return lines
    }

    /// "3/11 steps done · 1 overdue · 2 rights gaps · 1 open referral", when there is a follow-up.
    func followUpGlance() -> String? {
        let plans = item.activePlans
        guard !plans.isEmpty || !item.assessments.isEmpty || !item.referrals.isEmpty else { return nil }
        var parts: [String] = []
        if !plans.isEmpty {
            let done = plans.reduce(0) { $0 + $1.progress.done }
            let applicable = plans.reduce(0) { $0 + $1.progress.applicable }
            parts.append(catalog.counted("tabs.profile.stepsDone", applicable, ["done": String(done)]))
        }
        let overdue = item.overdueSteps(on: today).count
        if overdue > 0 { parts.append(catalog.counted("tabs.profile.overdue", overdue)) }
        let gaps = item.gaps(criteria: reference.tracks.criteria).count
        if !item.assessments.isEmpty { parts.append(catalog.counted("tabs.profile.gaps", gaps)) }
        let open = item.openReferrals.count
        if open > 0 { parts.append(catalog.counted("tabs.profile.openReferrals", open)) }
        return parts.joined(separator: " · ")
    }

    // MARK: Household

    func household() -> TabTable {
        let columns = [
            Column(catalog.text("household.column.name"), .flexible(weight: 1, minimum: 16)),
            Column(catalog.text("household.column.relationship"), .fixed(16)),
            Column(catalog.text("household.column.sex"), .fixed(6)),
            Column(catalog.text("household.column.born"), .fixed(11)),
            Column(catalog.text("household.column.ownCase"), .fixed(11)),
        ]
        let rows = item.members.map { member -> TabRow in
            let own = links.ownCases[member.id]
            // An age given is no birth year: its year is marked as reckoned ("~2009").
            let born = member.dateOfBirth.map(catalog.date) ?? member.yearOfBirth.map(String.init)
                ?? member.birthYear.map { "~\($0)" } ?? "?"
            var details = [member.fullName(in: item) + " · " + catalog.text("relationship.\(member.relationship.rawValue)")]
            if let age = member.age(on: today) { details[0] += " · " + catalog.counted("summary.years", age) }
            if !member.vulnerabilities.isEmpty {
                details.append(member.vulnerabilities.map { catalog.text("vulnerability.\($0)") }.joined(separator: ", "))
            }
            details.append(own.map { catalog.text("household.ownCase", ["number": $0.number]) } ?? catalog.text("household.noOwnCase"))
            if !member.note.isEmpty { details.append(member.note) }
            return .item([member.fullName(in: item), catalog.text("relationship.\(member.relationship.rawValue)"),
                          member.sex.map(\.rawValue) ?? "?", born, own?.number ?? ""],
                         .member(member.id), details: details)
        }
        let summary = item.members.isEmpty
            ? catalog.text("household.empty", ["size": String(item.profile.householdSize)])
            : catalog.counted("household.summary", item.individuals)
        return TabTable(summary: summary, columns: columns, rows: rows)
    }

    // MARK: Plan

    func plan() -> TabTable {
        let columns = [
            // The late marker has a column of its own, first, as the rights tab's gap marker.
            Column("", .fixed(CaseTabContent.lateMarkWidth(catalog))),
            Column(catalog.text("tabs.plan.column.step"), .flexible(weight: 1, minimum: 16)),
            // As wide as the language's longest status and a date: the rest goes to the step.
            Column(catalog.text("tabs.plan.column.status"),
                   .fixed(StepStatus.allCases.map { CellWidth.of(catalog.text("stepStatus.\($0.rawValue)")) }.max() ?? 14)),
            Column(catalog.text("tabs.plan.column.planned"), .fixed(10)),
            Column(catalog.text("tabs.plan.column.done"), .fixed(10)),
        ]
        var rows: [TabRow] = []
        let plans = item.activePlans
        for plan in plans {
            let progress = plan.progress
            rows.append(.heading(catalog.counted("tabs.plan.heading", progress.applicable, [
                "track": catalog.label("track", plan.track), "done": String(progress.done),
                "date": date(plan.enrolledOn),
            ])))
            for step in plan.steps {
                let overdue = item.isLate(step, on: today)
                let name = catalog.label("step", step.code)
                rows.append(.item([overdue ? catalog.text("tabs.plan.late") : "", name,
                                   catalog.text("stepStatus.\(step.status.rawValue)"), date(step.plannedOn), date(step.status == .done ? step.doneOn : nil)],
                                  .step(plan: plan.id, code: step.code),
                                  details: stepDetails(step, track: plan.track)
                                    + (plan.exception.map { [catalog.text("tabs.plan.exception", ["reason": $0])] } ?? [])
                                    + (item.status == .closed ? [] : [catalog.text("tabs.plan.withdrawHint")]),
                                  attention: overdue || step.status == .blocked, named: name))
            }
        }
        // Withdrawn enrolments last: said so, with why, who and when; their steps are no work.
        let withdrawn = item.plans.filter(\.isWithdrawn)
        for plan in withdrawn {
            guard let withdrawal = plan.withdrawal else { continue }
            // Who and when are in the details: the heading must fit 80 columns.
            rows.append(.heading(catalog.text("tabs.plan.withdrawnHeading", [
                "track": catalog.label("track", plan.track), "date": date(plan.enrolledOn),
            ])))
            let reason = catalog.text("tabs.plan.withdrawnReason", ["reason": withdrawal.reason])
            var details = [reason, catalog.text("tabs.timeline.stamp", ["when": catalog.dateTime(withdrawal.at), "who": withdrawal.by])]
            if let exception = plan.exception { details.append(catalog.text("tabs.plan.exception", ["reason": exception])) }
            rows.append(.item(["", reason, "", "", ""], .withdrawn(plan: plan.id), details: details))
        }
        let summary: String
        if plans.isEmpty && withdrawn.isEmpty {
            summary = catalog.text(item.status == .closed ? "tabs.plan.emptyClosed" : "tabs.plan.empty")
        } else {
            var parts = plans.isEmpty ? [catalog.text(item.status == .closed ? "tabs.plan.emptyClosed" : "tabs.plan.empty")]
                : [catalog.counted("tabs.plan.count", plans.count)]
            let late = item.overdueSteps(on: today).count
            if late > 0 { parts.append(catalog.counted("tabs.plan.overdue", late)) }
            let blocked = plans.reduce(0) { $0 + $1.steps.filter { $0.status == .blocked }.count }
            if blocked > 0 { parts.append(catalog.counted("tabs.plan.blocked", blocked)) }
            if !withdrawn.isEmpty { parts.append(catalog.counted("tabs.plan.withdrawnCount", withdrawn.count)) }
            summary = parts.joined(separator: " · ")
        }
        return TabTable(summary: summary, columns: columns, rows: rows)
    }

    private func stepDetails(_ step: Step, track: String) -> [String] {
        let status = catalog.text("stepStatus.\(step.status.rawValue)")
        var first = catalog.text("tabs.step.state", [
            "step": catalog.label("step", step.code), "track": catalog.label("track", track),
            "status": status, "planned": date(step.plannedOn),
        ])
        if step.status == .done, let doneOn = step.doneOn {
            first += " · " + catalog.text("tabs.step.doneOn", ["date": date(doneOn)])
        }
        var lines = [first]
        if item.isLate(step, on: today) {
            lines.append(catalog.counted("tabs.step.overdue", step.plannedOn.days(until: today)))
        }
        if step.status == .blocked {
            lines.append(catalog.text("tabs.step.blocked", ["reason": step.blockedReason]))
        }
        var parts: [String] = []
        if !step.by.isEmpty { parts.append(catalog.text("tabs.step.by", ["who": step.by])) }
        if !step.given.isEmpty { parts.append(catalog.text("tabs.step.given", ["given": step.given])) }
        if !step.note.isEmpty { parts.append(catalog.text("tabs.step.note", ["note": step.note])) }
        if !parts.isEmpty { lines.append(parts.joined(separator: " · ")) }
        return lines
    }

    // MARK: Rights

    /// Every criterion: gaps first, then the others assessed, then those never assessed.
    func rights() -> TabTable {
        let criteria = reference.tracks.criteria
        let columns = [
            Column("", .fixed(CaseTabContent.gapMarkWidth(catalog))),
            Column(catalog.text("tabs.rights.column.criterion"), .flexible(weight: 1, minimum: 14)),
            Column(catalog.text("tabs.rights.column.access"), .fixed(14)),
            Column(catalog.text("tabs.rights.column.change"), .fixed(17)),
            Column(catalog.text("tabs.rights.column.date"), .fixed(10)),
        ]
        let current = item.currentRights(criteria: criteria)
        let byCriterion = Dictionary(uniqueKeysWithValues: current.map { ($0.criterion, $0) })
        let gaps = current.filter { $0.rating.access.isGap }.map(\.criterion)
        let others = current.filter { !$0.rating.access.isGap }.map(\.criterion)
        let unassessed = criteria.filter { byCriterion[$0] == nil }
        let rows: [TabRow] = (gaps + others + unassessed).map { criterion in
            let label = catalog.text("tabs.criterion.\(criterion)")
            guard let status = byCriterion[criterion] else {
                return .item(["", label, catalog.text("tabs.rights.notAssessed"), "", ""], .criterion(criterion),
                             details: [catalog.text("criterion.\(criterion)"), catalog.text("tabs.rights.neverAssessed")])
            }
            let access = status.rating.access
            let mark = access.isGap ? catalog.text("tabs.rights.gap") : ""
            return .item([mark, label, catalog.text("access.\(access.rawValue)"), change(status), date(status.date)],
                         .criterion(criterion), details: rightsDetails(status), attention: access.isGap)
        }
        let summary: String
        if let latest = item.assessments.enumerated().max(by: { ($0.element.date, $0.offset) < ($1.element.date, $1.offset) })?.element {
            summary = [catalog.counted("tabs.rights.assessments", item.assessments.count),
                       catalog.text("tabs.rights.latest", ["date": date(latest.date), "who": latest.assessor]),
                       catalog.counted("tabs.rights.gaps", gaps.count)].joined(separator: " · ")
        } else {
            summary = catalog.text("tabs.rights.empty")
        }
        return TabTable(summary: summary, columns: columns, rows: rows)
    }

    /// Wide enough for the gap mark in this language.
    static func lateMarkWidth(_ catalog: Catalog) -> Int {
        max(4, CellWidth.of(catalog.text("tabs.plan.late")))
    }

    static func gapMarkWidth(_ catalog: Catalog) -> Int {
        max(4, CellWidth.of(catalog.text("tabs.rights.gap")))
    }

    /// "none → partial", "unchanged", or "first rating".
    private func change(_ status: Case.CriterionStatus) -> String {
        guard let previous = status.previous else { return catalog.text("tabs.rights.first") }
        if previous == status.rating.access { return catalog.text("tabs.rights.unchanged") }
        return catalog.text("tabs.access.short.\(previous.rawValue)") + " → "
            + catalog.text("tabs.access.short.\(status.rating.access.rawValue)")
    }

    private func rightsDetails(_ status: Case.CriterionStatus) -> [String] {
        var lines = [catalog.text("criterion.\(status.criterion)") + " — " + catalog.text("access.\(status.rating.access.rawValue)")]
        var assessed = catalog.text("tabs.rights.assessedBy", ["date": date(status.date), "who": status.assessor])
        if !status.rating.note.isEmpty { assessed += " · " + catalog.text("tabs.step.note", ["note": status.rating.note]) }
        lines.append(assessed)
        let ordered = item.assessments.enumerated()
            .sorted { ($0.element.date, $0.offset) < ($1.element.date, $1.offset) }.map(\.element)
        let history = ordered.compactMap { assessment in
            assessment.ratings[status.criterion].map { date(assessment.date) + " " + catalog.text("tabs.access.short.\($0.access.rawValue)") }
        }
        if history.count > 1 {
            lines.append(catalog.text("tabs.rights.history", ["history": history.joined(separator: " · ")]))
        }
        return lines
    }

    // MARK: Referrals

    func referrals() -> TabTable {
        let columns = [
            Column(catalog.text("tabs.referrals.column.service"), .flexible(weight: 3, minimum: 14)),
            Column(catalog.text("tabs.referrals.column.provider"), .flexible(weight: 2, minimum: 10)),
            Column(catalog.text("tabs.referrals.column.date"), .fixed(10)),
            Column(catalog.text("tabs.referrals.column.status"), .fixed(9)),
            Column(catalog.text("tabs.referrals.column.criterion"), .fixed(13)),
        ]
        let rows: [TabRow] = item.referrals.map { referral in
            let criterion = referral.criterion.map { catalog.text("criterion.short.\($0)") } ?? ""
            var details = [catalog.text("service.\(referral.service)")
                + (referral.provider.isEmpty ? "" : " — " + referral.provider)]
            var state = catalog.text("tabs.referral.state", [
                "date": date(referral.date), "status": catalog.text("referralStatus.\(referral.status.rawValue)"),
            ])
            if let code = referral.criterion {
                state += " · " + catalog.text("tabs.referral.for", ["criterion": catalog.text("criterion.\(code)")])
            }
            details.append(state)
            if !referral.outcome.isEmpty { details.append(catalog.text("tabs.referral.outcome", ["outcome": referral.outcome])) }
            return .item([catalog.text("service.\(referral.service)"), referral.provider, date(referral.date),
                          catalog.text("referralStatus.\(referral.status.rawValue)"), criterion],
                         .referral(referral.id), details: details)
        }
        let summary = item.referrals.isEmpty
            ? catalog.text("tabs.referrals.empty")
            : catalog.counted("tabs.referrals.summary", item.referrals.count, ["open": String(item.openReferrals.count)])
        return TabTable(summary: summary, columns: columns, rows: rows)
    }

    // MARK: Notes

    /// Oldest first, as written; a corrected note says so, and so does its correction.
    func notes() -> TabTable {
        let columns = [
            Column(catalog.text("tabs.notes.column.when"), .fixed(16)),
            Column(catalog.text("tabs.notes.column.by"), .fixed(authorWidth(item.notes.map(\.by)))),
            Column(catalog.text("tabs.notes.column.text"), .flexible(weight: 1, minimum: 20)),
        ]
        let byID = Dictionary(item.notes.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let rows: [TabRow] = item.notes.map { note in
            let correction = item.notes.last { $0.corrects == note.id }
            let oneLine = note.isWithheld ? catalog.text("tabs.notes.withheld")
                : note.text.split(whereSeparator: \.isNewline).joined(separator: " ")
            var text = note.isConfidential && !note.isWithheld ? catalog.text("tabs.notes.confidential") + " " + oneLine : oneLine
            var details: [String] = []
            if let correction {
                text = catalog.text("tabs.notes.corrected") + " " + oneLine
                details.append(catalog.text("tabs.notes.correctedBy", ["when": catalog.dateTime(correction.at), "who": correction.by]))
            }
            if let corrected = note.corrects {
                text = catalog.text("tabs.notes.correction") + " " + text
                let original = byID[corrected].map { catalog.dateTime($0.at) } ?? "?"
                details.append(catalog.text("tabs.notes.corrects", ["when": original]))
            }
            // The details keep the note's lines as written (the row has room for one only).
            details.append(note.isWithheld ? oneLine : note.text)
            return .item([catalog.dateTime(note.at), note.by, text], .note(note.id), details: details)
        }
        let summary = item.notes.isEmpty
            ? catalog.text("tabs.notes.empty")
            : catalog.counted("tabs.notes.summary", item.notes.count)
        return TabTable(summary: summary, columns: columns, rows: rows)
    }

    /// As wide as the longest name in `authors` (within reason), so that the text gets the rest.
    private func authorWidth(_ authors: [String]) -> Int {
        min(16, max(6, authors.map { CellWidth.of($0) }.max() ?? 0))
    }

    // MARK: Timeline

    func timeline() -> TabTable {
        let columns = [
            Column(catalog.text("tabs.timeline.column.when"), .fixed(16)),
            Column(catalog.text("tabs.timeline.column.by"), .fixed(authorWidth(item.timeline.map(\.by)))),
            Column(catalog.text("tabs.timeline.column.what"), .flexible(weight: 1, minimum: 20)),
        ]
        let rows: [TabRow] = item.timeline.map { event in
            let text = TimelineText.describe(event, catalog: catalog)
            return .item([catalog.dateTime(event.at), event.by, text], .event(event.seq), details: [
                text, catalog.text("tabs.timeline.stamp", ["when": catalog.dateTime(event.at), "who": event.by]),
            ])
        }
        return TabTable(summary: catalog.counted("tabs.timeline.summary", item.timeline.count), columns: columns, rows: rows)
    }
}
