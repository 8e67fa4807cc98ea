import Foundation
import RetourCore
import RetourTUI

/// One line of the dashboard: a section's heading, a figure (a label, a bar, the figure in
/// words), or a line of explanation. A figure about cases names them, so that Enter opens them.
struct DashboardLine: Equatable {
    enum Kind: Equatable { case heading, figure, note }

    let kind: Kind
    let label: String
    /// The share the bar shows, one fraction per part (full, partial, none); empty: no bar.
    var bar: [Double] = []
    var value: String = ""
    /// The cases behind the figure.
    var cases: NamedFigure?
    /// Drawn as a warning (a target behind its pace).
    var isWarning = false

    static func heading(_ label: String) -> DashboardLine { DashboardLine(kind: .heading, label: label) }
    static func note(_ label: String) -> DashboardLine { DashboardLine(kind: .note, label: label) }
}

/// The dashboard's figures in words, section after section: what the screen draws and its
/// tests read. Built once per period from `ProgrammeFigures`; drawing only lays them out.
enum DashboardLines {
    static func make(_ figures: ProgrammeFigures, catalog: Catalog, reference: Reference) -> [DashboardLine] {
        var lines: [DashboardLine] = []
        lines += targets(figures, catalog)
        lines += caseload(figures, catalog, reference)
        lines += reintegration(figures, catalog)
        lines += rights(figures, catalog)
        lines += solutions(figures, catalog, reference)
        return lines
    }

    /// "62 %"; "–" when there is nothing to divide by.
    static func percent(_ value: Double?, _ catalog: Catalog) -> String {
        guard let value, value.isFinite else { return "–" }
        return catalog.text("dashboard.percent", ["value": String(Int(value.rounded()))])
    }

    /// "+3 pts", "−2 pts", "0 pt".
    static func points(_ value: Double?, _ catalog: Catalog) -> String {
        guard let value, value.isFinite else { return "–" }
        let rounded = Int(value.rounded())
        let sign = rounded > 0 ? "+" : rounded < 0 ? "−" : ""
        return catalog.counted("dashboard.points", abs(rounded), ["sign": sign])
    }

    private static func figure(_ label: String, _ count: FigureCount, of total: Int, value: String? = nil,
                               name: String? = nil) -> DashboardLine {
        DashboardLine(kind: .figure, label: label, bar: [total > 0 ? Double(count.count) / Double(total) : 0],
                      value: value ?? String(count.count), cases: NamedFigure(name: name ?? label, filter: count.filter))
    }

    // MARK: Sections

    private static func targets(_ figures: ProgrammeFigures, _ catalog: Catalog) -> [DashboardLine] {
        guard !figures.targets.isEmpty else { return [] }
        var lines = [DashboardLine.heading(catalog.text("dashboard.targets", ["date": catalog.date(figures.period.last)]))]
        for target in figures.targets {
            let label = target.target.labels[catalog.language] ?? target.target.labels.values.first ?? target.target.id
            let pace = target.onTrack
                ? catalog.text("dashboard.target.onTrack")
                : catalog.text("dashboard.target.behind", ["expected": String(Int(target.expected.rounded()))])
            var line = DashboardLine(kind: .figure, label: label, bar: [target.percent / 100],
                                     value: catalog.text("dashboard.target.value", [
                                         "achieved": String(target.achieved.count), "figure": String(target.target.figure),
                                         "percent": percent(target.percent, catalog), "pace": pace]),
                                     cases: NamedFigure(name: label, filter: target.achieved.filter))
            line.isWarning = !target.onTrack
            lines.append(line)
        }
        return lines
    }

    private static func caseload(_ figures: ProgrammeFigures, _ catalog: Catalog, _ reference: Reference) -> [DashboardLine] {
        let caseload = figures.caseload
        let total = caseload.registered.count
        var lines = [DashboardLine.heading(catalog.text("dashboard.caseload")),
                     figure(catalog.text("dashboard.caseload.registered", ["date": catalog.date(figures.period.last)]),
                            caseload.registered, of: total)]
        lines.append(.note(catalog.text("dashboard.caseload.byStatus")))
        for (status, count) in caseload.byStatus {
            lines.append(figure("  " + catalog.text("status.\(status.rawValue)"), count, of: total,
                                name: catalog.text("status.\(status.rawValue)")))
        }
        lines.append(.note(catalog.text("dashboard.caseload.byCategoryAndRegion")))
        for cell in caseload.byCategoryAndRegion where cell.count.count > 0 {
            let region = cell.region.isEmpty ? catalog.text("dashboard.region.other") : reference.region(cell.region)?.name ?? cell.region
            let category = cell.category.map { catalog.text("category.\($0.rawValue)") } ?? catalog.text("dashboard.notRecorded")
            let label = "\(region) · \(category)"
            lines.append(figure("  " + label, cell.count, of: total, name: label))
        }
        lines.append(.note(catalog.text("dashboard.caseload.bySexAndAge")))
        for cell in caseload.bySexAndAge where cell.count.count > 0 {
            let sex = cell.sex.map { catalog.text("dashboard.sex.\($0.rawValue)") } ?? catalog.text("dashboard.notRecorded")
            let label = "\(sex) · \(catalog.text("dashboard.ageBand.\(cell.band.rawValue)"))"
            lines.append(figure("  " + label, cell.count, of: total, name: label))
        }
        lines.append(.note(catalog.text("dashboard.caseload.months")))
        let busiest = caseload.months.map { max($0.registered.count, $0.closed.count) }.max() ?? 0
        for month in caseload.months {
            let name = catalog.text("dashboard.month", ["month": catalog.text("dashboard.monthName.\(month.span.first.month)"),
                                                        "year": String(month.span.first.year)])
            var line = figure("  " + name, month.registered, of: busiest,
                              value: catalog.text("dashboard.caseload.monthValue", [
                                  "registered": String(month.registered.count), "closed": String(month.closed.count)]),
                              name: catalog.text("dashboard.caseload.registeredIn", ["month": name]))
            line.bar = [busiest > 0 ? Double(month.registered.count) / Double(busiest) : 0]
            lines.append(line)
        }
        return lines
    }

    private static func reintegration(_ figures: ProgrammeFigures, _ catalog: Catalog) -> [DashboardLine] {
        let reintegration = figures.reintegration
        var lines = [DashboardLine.heading(catalog.text("dashboard.reintegration"))]
        for track in reintegration.tracks {
            let name = catalog.label("track", track.track)
            let enrolled = track.enrolled.count
            lines.append(DashboardLine(kind: .figure, label: name, value: catalog.counted("dashboard.track.enrolled", enrolled),
                                       cases: NamedFigure(name: name, filter: track.enrolled.filter)))
            for step in track.steps {
                let stepName = catalog.label("step", step.step)
                lines.append(figure("  " + stepName, step.done, of: enrolled,
                                    value: catalog.text("dashboard.step.done", ["count": String(step.done.count),
                                                                                "period": String(step.doneInPeriod.count)]),
                                    name: "\(name) · \(stepName)"))
            }
            var late = figure("  " + catalog.text("dashboard.track.late"), track.late, of: enrolled,
                              name: "\(name) · \(catalog.text("dashboard.track.late"))")
            late.isWarning = track.late.count > 0
            lines.append(late)
        }
        lines.append(DashboardLine(kind: .figure, label: catalog.text("dashboard.kits"),
                                   value: catalog.text("dashboard.step.done", [
                                       "count": String(reintegration.kitsDelivered.count),
                                       "period": String(reintegration.kitsDeliveredInPeriod.count)]),
                                   cases: NamedFigure(name: catalog.text("dashboard.kits"), filter: reintegration.kitsDelivered.filter)))
        return lines
    }

    private static func rights(_ figures: ProgrammeFigures, _ catalog: Catalog) -> [DashboardLine] {
        var lines = [DashboardLine.heading(catalog.text("dashboard.rights", ["date": catalog.date(figures.period.last)])),
                     .note(catalog.text("dashboard.rights.legend", [
                         "full": String(Gauge.parts[0]), "partial": String(Gauge.parts[1]), "none": String(Gauge.parts[2])]))]
        for criterion in figures.rights {
            let name = catalog.text("criterion.\(criterion.criterion)")
            // Enter opens the people without full access: those the criterion asks to act for.
            var gap = criterion.none.count.filter
            if var access = gap.access {
                access.levels = [.partial, .none]
                gap.access = access
            }
            lines.append(DashboardLine(
                kind: .figure, label: name,
                bar: [criterion.full.percent ?? 0, criterion.partial.percent ?? 0, criterion.none.percent ?? 0].map { $0 / 100 },
                value: catalog.text("dashboard.rights.value", [
                    "full": percent(criterion.full.percent, catalog), "partial": percent(criterion.partial.percent, catalog),
                    "none": percent(criterion.none.percent, catalog), "count": String(criterion.assessed)]),
                cases: NamedFigure(name: catalog.text("dashboard.rights.gapName", ["criterion": name]), filter: gap)))
        }
        return lines
    }

    private static func solutions(_ figures: ProgrammeFigures, _ catalog: Catalog, _ reference: Reference) -> [DashboardLine] {
        let solutions = figures.solutions
        var lines = [DashboardLine.heading(catalog.text("dashboard.solutions", ["date": catalog.date(solutions.atPeriodEnd.asOf)])),
                     .note(catalog.text("dashboard.solutions.explain", [
                         "quarter": quarterName(solutions.quarterSpan, catalog),
                         "previous": quarterName(solutions.previousQuarterSpan, catalog)]))]
        func gapLines(_ criteria: [CriterionGap], region: String?, indent: String) -> [DashboardLine] {
            criteria.flatMap { gap -> [DashboardLine] in
                let name = catalog.text("criterion.short.\(gap.criterion)")
                let groups: [(category: Category, access: GroupAccess, gap: Double?, path: KeyPath<CriterionGap, GroupAccess>)] = [
                    (.idpReturnee, gap.idps, gap.idpGap, \.idps), (.refugeeReturnee, gap.refugees, gap.refugeeGap, \.refugees),
                ]
                return groups.map { group in
                    let label = "\(indent)\(name) · \(catalog.text("category.short.\(group.category.rawValue)"))"
                    let change = solutions.change(gap.criterion, region: region, group: group.path)
                    return DashboardLine(
                        kind: .figure, label: label, bar: [(group.access.percent ?? 0) / 100],
                        value: catalog.text("dashboard.solutions.value", [
                            "share": percent(group.access.percent, catalog), "host": percent(gap.host.percent, catalog),
                            "gap": points(group.gap, catalog), "change": points(change, catalog)]),
                        cases: NamedFigure(name: label.trimmingCharacters(in: .whitespaces), filter: group.access.full.count.filter),
                        isWarning: (group.gap ?? 0) > 0)
                }
            }
        }
        lines += gapLines(solutions.atPeriodEnd.criteria, region: nil, indent: "")
        for (region, criteria) in solutions.atPeriodEnd.regions
        where criteria.contains(where: { $0.displaced.full.of > 0 || $0.host.full.of > 0 }) {
            lines.append(.note(catalog.text("dashboard.solutions.region", ["region": reference.region(region)?.name ?? region])))
            lines += gapLines(criteria.filter { $0.displaced.full.of > 0 || $0.host.full.of > 0 }, region: region, indent: "  ")
        }
        return lines
    }

    /// "T4 2026" / "Q4 2026".
    static func quarterName(_ span: DaySpan, _ catalog: Catalog) -> String {
        catalog.text("dashboard.quarter", ["quarter": String((span.first.month - 1) / 3 + 1), "year": String(span.first.year)])
    }
}
