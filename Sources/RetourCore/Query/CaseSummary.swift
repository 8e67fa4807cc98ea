/// A case as labelled lines in the user's language: what `retour show` prints and the case
/// screen displays. The profile first, then the follow-up: each plan, the current rights
/// status, the open referrals (`FollowUpSections`).
public struct CaseSummary {
    public struct Line: Hashable, Sendable {
        public let label: String
        public let value: String
        /// Needs action: an overdue or blocked step, a rights gap. Said in words in `value`
        /// too; a screen may also show it in colour.
        public let attention: Bool
        /// Holds text typed on several lines (a note, a reason): its line breaks are one space
        /// each when shown. A field of one line shows them, as any control, in `\u000a`
        /// notation: a name holding one (written by hand, or by an older version) can never
        /// pass for a second field.
        public let severalLines: Bool

        public init(label: String, value: String, attention: Bool = false, severalLines: Bool = false) {
            self.label = label
            self.value = value
            self.attention = attention
            self.severalLines = severalLines
        }

        /// The value as a terminal or a screen shows it: on one line, no control sent.
        public var shown: String {
            TerminalText.visible(value, layout: severalLines ? .flattened : .shown)
        }
    }

    public struct Section: Hashable, Sendable {
        public let title: String
        public let lines: [Line]

        public init(title: String, lines: [Line]) {
            self.title = title
            self.lines = lines
        }
    }

    public let sections: [Section]

    /// `links`: the cases `item` is tied to through households (`CaseReader.links(of:)`).
    public init(_ item: Case, catalog: Catalog, reference: Reference, today: CalendarDate, links: HouseholdLinks = .none) {
        let profile = item.profile
        func line(_ field: ProfileField, _ value: String) -> Line {
            Line(label: catalog.text(field.labelKey), value: value)
        }
        func label(_ prefix: String, _ code: String?) -> String {
            code.map { catalog.text("\(prefix).\($0)") } ?? ""
        }
        var birth = ""
        if let date = profile.dateOfBirth {
            birth = catalog.date(date) + " (" + catalog.counted("summary.years", date.years(until: today)) + ")"
        } else if let year = profile.yearOfBirth, let age = profile.age(on: today) {
            birth = catalog.counted("summary.yearOfBirth", age, ["year": String(year)])
        } else if let estimate = profile.ageEstimate, let age = profile.age(on: today) {
            birth = catalog.counted("summary.ageEstimate", age, ["date": catalog.date(estimate.asOf)])
        }
        let document = profile.document.map { "\(catalog.text("document.\($0.type)")) \($0.number)" } ?? ""
        let region = reference.region(profile.region)
        let cercle = reference.cercle(profile.cercle)?.cercle
        let vulnerabilities = profile.vulnerabilities.map { catalog.text("vulnerability.\($0)") }.joined(separator: ", ")
        func stamp(_ stamp: Stamp) -> String {
            catalog.text("summary.stamp", ["who": stamp.by, "when": catalog.dateTime(stamp.at)])
        }
        var closure: [Line] = []
        if item.status == .closureRequested, let reason = item.closureRequest {
            // The reason the case will close with once approved, then the worker's words.
            let code = item.closureRequestReason.map { catalog.text("closureReason.\($0)") }
            closure.append(Line(label: catalog.text("followup.summary.closureRequested"),
                                value: code.map { reason.isEmpty ? $0 : "\($0) — \(reason)" } ?? reason, severalLines: true))
            if let by = item.closureRequestedBy {
                closure.append(Line(label: catalog.text("followup.summary.requestedBy"), value: by))
            }
        }
        if item.status != .closureRequested && item.status != .closed, let back = item.closureReturn {
            // A returned request's comment stays on the case until the next request.
            closure.append(Line(label: catalog.text("followup.summary.returned"),
                                value: catalog.text("followup.summary.returnedValue", ["who": back.by, "when": catalog.dateTime(back.at)]),
                                attention: true))
            closure.append(Line(label: catalog.text("followup.summary.returnComment"), value: back.comment, attention: true,
                                severalLines: true))
        }
        if item.status == .closed, let closed = item.closure {
            let reason = catalog.text("closureReason.\(closed.reason)")
            closure.append(Line(label: catalog.text("followup.summary.closed"),
                                value: closed.note.isEmpty ? reason : "\(reason) — \(closed.note)", severalLines: true))
        }
        let followUp = FollowUpSections(item, catalog: catalog, reference: reference, today: today)
        sections = [
            Section(title: catalog.text("summary.case"), lines: [
                Line(label: catalog.text("summary.number"), value: item.number),
                Line(label: catalog.text("summary.status"), value: catalog.text("status.\(item.status.rawValue)")),
            ] + closure + [
                line(.category, label("category", profile.category?.rawValue)),
                line(.assignedTo, profile.assignedTo),
            ]),
            Section(title: catalog.text("summary.person"), lines: [
                line(.familyName, profile.familyName),
                line(.givenNames, profile.givenNames),
                line(.sex, label("sex", profile.sex?.rawValue)),
                Line(label: catalog.text("summary.birth"), value: birth),
                line(.phone, profile.phone),
                line(.documentType, document),
                line(.householdSize, String(profile.householdSize)),
            ] + (links.household.map { household in
                [Line(label: catalog.text("summary.householdOf"), value: catalog.text("summary.memberOf", ["number": household.number]))]
            } ?? []) + [
                line(.vulnerabilities, vulnerabilities),
            ]),
            Section(title: catalog.text("summary.displacement"), lines: [
                line(.displacedTo, profile.displacedTo),
                line(.returnDate, profile.returnDate.map(catalog.date) ?? ""),
                line(.region, region.map { "\($0.name) (\($0.pcode))" } ?? profile.region),
                line(.cercle, cercle.map { "\($0.name) (\($0.pcode))" } ?? profile.cercle),
                line(.commune, profile.commune),
                line(.village, profile.village),
            ]),
        ] + CaseSummary.household(item, catalog: catalog, today: today, links: links) + followUp.sections + [
            Section(title: catalog.text("summary.record"), lines: [
                Line(label: catalog.text("summary.created"), value: stamp(item.created)),
                Line(label: catalog.text("summary.updated"), value: stamp(item.updated)),
            ]),
        ]
    }

    /// The household members, one line each ("child · F · born in 2015 (10 years)"), when listed.
    static func household(_ item: Case, catalog: Catalog, today: CalendarDate, links: HouseholdLinks) -> [Section] {
        guard !item.members.isEmpty else { return [] }
        let lines = item.members.map { member -> Line in
            var parts = [catalog.text("relationship.\(member.relationship.rawValue)")]
            if let sex = member.sex { parts.append(catalog.text("sex.\(sex.rawValue)")) }
            // As it was given: a date, a year alone, or an age (no birth year is made up).
            if let date = member.dateOfBirth {
                parts.append(catalog.date(date) + " (" + catalog.counted("summary.years", date.years(until: today)) + ")")
            } else if let year = member.yearOfBirth, let age = member.age(on: today) {
                parts.append(catalog.counted("summary.memberBorn", age, ["year": String(year)]))
            } else if let estimate = member.ageEstimate, let age = member.age(on: today) {
                parts.append(catalog.counted("summary.ageEstimate", age, ["date": catalog.date(estimate.asOf)]))
            }
            if !member.vulnerabilities.isEmpty {
                parts.append(member.vulnerabilities.map { catalog.text("vulnerability.\($0)") }.joined(separator: ", "))
            }
            if let own = links.ownCases[member.id] { parts.append(catalog.text("summary.memberOwnCase", ["number": own.number])) }
            if !member.note.isEmpty { parts.append(member.note) }
            return Line(label: member.fullName(in: item), value: parts.joined(separator: " · "), severalLines: true)
        }
        return [Section(title: catalog.counted("summary.household", item.members.count), lines: lines)]
    }

    /// Plain text for a terminal or a script: a title line per section, then the filled
    /// `label  value` lines, labels aligned within the section, each value on its line
    /// (`Line.shown`).
    public var text: String {
        let filled = sections.map { section in (section.title, section.lines.filter { !$0.value.isEmpty }) }
        return filled.filter { !$0.1.isEmpty }.map { title, lines in
            let width = lines.map(\.label.count).max() ?? 0
            return ([title] + lines.map { line in
                let padding = String(repeating: " ", count: width - line.label.count + 2)
                return "  " + line.label + padding + line.shown
            }).joined(separator: "\n")
        }.joined(separator: "\n\n")
    }
}

/// The follow-up of a case as sections of `CaseSummary`: one per plan (its progress, then each
/// step with its status, planned and done dates, and the word "overdue" when it is), the
/// current rights status (each assessed criterion, gaps first, with its change since the
/// assessment before), and the open referrals. Sections without content are left out.
public struct FollowUpSections {
    public let sections: [CaseSummary.Section]

    public init(_ item: Case, catalog: Catalog, reference: Reference, today: CalendarDate) {
        typealias Line = CaseSummary.Line
        var sections: [CaseSummary.Section] = []

        for plan in item.plans {
            var lines: [Line] = []
            if let exception = plan.exception, !exception.isEmpty {
                lines.append(Line(label: catalog.text("followup.plan.exception"), value: exception, severalLines: true))
            }
            if let withdrawal = plan.withdrawal {
                // Withdrawn as a mistake: said so, with why, who and when; its steps are no work to do.
                let title = catalog.text("followup.plan.withdrawnTitle", [
                    "track": catalog.label("track", plan.track), "date": catalog.date(plan.enrolledOn),
                ])
                lines.append(Line(label: catalog.text("followup.plan.withdrawn"),
                                  value: catalog.text("followup.plan.withdrawnValue", [
                                      "when": catalog.dateTime(withdrawal.at), "who": withdrawal.by, "reason": withdrawal.reason,
                                  ]), severalLines: true))
                sections.append(CaseSummary.Section(title: title, lines: lines))
                continue
            }
            let progress = plan.progress
            let title = catalog.counted("followup.plan.title", progress.applicable, [
                "track": catalog.label("track", plan.track), "done": String(progress.done),
                "date": catalog.date(plan.enrolledOn),
            ])
            lines += plan.steps.map { step in
                Line(label: catalog.label("step", step.code),
                     value: FollowUpSections.describe(step, late: item.isLate(step, on: today), catalog: catalog, today: today),
                     attention: item.isLate(step, on: today) || step.status == .blocked, severalLines: true)
            }
            sections.append(CaseSummary.Section(title: title, lines: lines))
        }

        let rights = item.currentRights(criteria: reference.tracks.criteria)
        if !rights.isEmpty {
            let gaps = rights.filter { $0.rating.access.isGap }
            let latest = rights.map(\.date).max()!
            let title = catalog.counted("followup.rights.title", gaps.count, ["date": catalog.date(latest)])
            let lines = (gaps + rights.filter { !$0.rating.access.isGap }).map { status in
                Line(label: catalog.text("criterion.\(status.criterion)"),
                     value: FollowUpSections.describe(status, catalog: catalog),
                     attention: status.rating.access.isGap, severalLines: true)
            }
            sections.append(CaseSummary.Section(title: title, lines: lines))
        }

        let open = item.openReferrals
        if !open.isEmpty {
            let lines = open.map { referral in
                Line(label: catalog.text("service.\(referral.service)"), value: FollowUpSections.describe(referral, catalog: catalog),
                     severalLines: true)
            }
            sections.append(CaseSummary.Section(title: catalog.counted("followup.referrals.title", open.count), lines: lines))
        }
        self.sections = sections
    }

    /// `Done on 2016-02-03 (planned 2016-02-01)`, `Not started, planned 2016-03-10 — OVERDUE
    /// by 112 days`, `Not applicable`; then the reason it is blocked, what was given, who, the
    /// note.
    static func describe(_ step: Step, late: Bool, catalog: Catalog, today: CalendarDate) -> String {
        let status = catalog.text("stepStatus.\(step.status.rawValue)")
        let planned = catalog.date(step.plannedOn)
        var text: String
        if step.status == .notApplicable {
            text = status
        } else if step.status == .done, let doneOn = step.doneOn {
            text = catalog.text("followup.step.doneOn", ["done": catalog.date(doneOn), "planned": planned])
        } else {
            text = catalog.text("followup.step.state", ["status": status, "planned": planned])
        }
        if late {
            text += " — " + catalog.counted("followup.step.overdue", step.plannedOn.days(until: today))
        }
        var details: [String] = []
        if step.status == .blocked && !step.blockedReason.isEmpty {
            details.append(catalog.text("followup.step.blockedReason", ["reason": step.blockedReason]))
        }
        if !step.given.isEmpty { details.append(catalog.text("followup.step.given", ["given": step.given])) }
        if !step.by.isEmpty { details.append(catalog.text("followup.step.by", ["who": step.by])) }
        if !step.note.isEmpty { details.append(step.note) }
        return ([text] + details).joined(separator: " — ")
    }

    /// `No access → Partial access — assessed 2016-03-12 by a.maiga`, with the assessor's
    /// note if any.
    static func describe(_ status: Case.CriterionStatus, catalog: Catalog) -> String {
        let access = catalog.text("access.\(status.rating.access.rawValue)")
        var text: String
        if let previous = status.previous {
            text = previous == status.rating.access
                ? catalog.text("followup.rights.unchanged", ["access": access])
                : catalog.text("followup.rights.change", ["before": catalog.text("access.\(previous.rawValue)"), "access": access])
        } else {
            text = access
        }
        text += " — " + catalog.text("followup.rights.assessed", ["date": catalog.date(status.date), "who": status.assessor])
        if !status.rating.note.isEmpty { text += " — " + status.rating.note }
        return text
    }

    /// `Accepted (referred 2016-03-12) — CSCOM du village — for: Documents`, with the
    /// outcome if any.
    static func describe(_ referral: Referral, catalog: Catalog) -> String {
        var parts = [catalog.text("followup.referral.since", [
            "status": catalog.text("referralStatus.\(referral.status.rawValue)"), "date": catalog.date(referral.date),
        ])]
        if !referral.provider.isEmpty { parts.append(referral.provider) }
        if let criterion = referral.criterion {
            parts.append(catalog.text("followup.referral.for", ["criterion": catalog.text("criterion.short.\(criterion)")]))
        }
        if !referral.outcome.isEmpty { parts.append(referral.outcome) }
        return parts.joined(separator: " — ")
    }
}
