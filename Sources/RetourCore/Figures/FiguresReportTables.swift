import Foundation

/// The tables of a report, the same for every format but CSV: targets, caseload (region ×
/// category, sex × age, status, months), reintegration (tracks, steps), rights access, the
/// durable-solutions gap and its change over the quarter.
extension FiguresReport {
    static func tables(_ figures: ProgrammeFigures, catalog: Catalog, reference: Reference) -> [Table] {
        func header(_ key: String) -> (key: String, header: String) { (key, catalog.text("report.column.\(key)")) }
        func regionName(_ code: String) -> String {
            code.isEmpty ? catalog.text("report.region.other") : reference.region(code)?.name ?? code
        }
        var tables: [Table] = []

        tables.append(Table(
            id: "targets", title: catalog.text("report.table.targets"),
            columns: ["target", "label", "achieved", "in_period", "figure", "percent", "expected", "on_track"].map(header),
            rows: figures.targets.map { target in
                [.text(target.target.id), .text(target.target.label(catalog.language)), .count(target.achieved.count),
                 .count(target.inPeriod.count), .text(String(target.target.figure)),
                 .percent(target.percent, base: target.achieved.count == 0 ? target.target.figure : target.achieved.count),
                 .text(String(Int(target.expected.rounded()))), .yesNo(target.onTrack)]
            }))

        let caseload = figures.caseload
        let categories: [Category?] = Category.allCases.map { $0 }
            + (caseload.byCategoryAndRegion.contains { $0.category == nil } ? [nil] : [])
        tables.append(Table(
            id: "caseload_region", title: catalog.text("report.table.caseloadRegion"),
            columns: [header("region"), header("region_pcode")]
                + categories.map { ($0?.rawValue ?? "unknown", $0.map { catalog.label("category", $0.rawValue) } ?? catalog.text("report.unknown")) }
                + [header("total")],
            rows: caseload.regions.map { region in
                let cells = categories.map { caseload.count(region: region, category: $0) }
                return [.text(regionName(region)), .text(region)] + cells.map { .count($0) } + [.count(cells.reduce(0, +))]
            }))

        let bands = AgeBand.allCases
        tables.append(Table(
            id: "caseload_sex_age", title: catalog.text("report.table.caseloadSexAge"),
            columns: [header("sex")] + bands.map { ($0.rawValue, catalog.text("report.age.\($0.rawValue)")) } + [header("total")],
            rows: [Sex.female, Sex.male, nil].map { sex in
                let cells = bands.map { band in
                    caseload.bySexAndAge.first { $0.sex == sex && $0.band == band }?.count.count ?? 0
                }
                let name = sex.map { catalog.label("sex", $0.rawValue) } ?? catalog.text("report.unknown")
                return [.text(name)] + cells.map { .count($0) } + [.count(cells.reduce(0, +))]
            }))

        tables.append(Table(
            id: "caseload_status", title: catalog.text("report.table.caseloadStatus"),
            columns: [header("status"), header("count")],
            rows: caseload.byStatus.map { [.text(catalog.label("status", $0.status.rawValue)), .count($0.count.count)] }))

        tables.append(Table(
            id: "months", title: catalog.text("report.table.months"),
            columns: [header("month"), header("registered"), header("closed")],
            rows: caseload.months.map { month in
                [.text(String(format: "%04d-%02d", month.span.first.year, month.span.first.month)),
                 .count(month.registered.count), .count(month.closed.count)]
            }))

        let reintegration = figures.reintegration
        tables.append(Table(
            id: "tracks", title: catalog.text("report.table.tracks"),
            columns: ["track", "enrolled", "late", "kits"].map(header),
            rows: reintegration.tracks.map { track in
                [.text(catalog.label("track", track.track)), .count(track.enrolled.count), .count(track.late.count),
                 .count(track.steps.filter(\.isKit).reduce(0) { $0 + $1.done.count })]
            } + [[.text(catalog.text("report.total")), .text(""), .text(""), .count(reintegration.kitsDelivered.count)]]))

        tables.append(Table(
            id: "steps", title: catalog.text("report.table.steps"),
            columns: ["track", "step", "done", "done_in_period"].map(header),
            rows: reintegration.tracks.flatMap { track in
                track.steps.map { step in
                    [.text(catalog.label("track", track.track)), .text(catalog.label("step", step.step)),
                     .count(step.done.count), .count(step.doneInPeriod.count)]
                }
            }))

        tables.append(Table(
            id: "rights", title: catalog.text("report.table.rights"),
            columns: ["criterion", "assessed", "full", "partial", "none"].map(header),
            rows: figures.rights.map { criterion in
                [.text(catalog.label("criterion", criterion.criterion)), .count(criterion.assessed),
                 .percent(criterion.full.percent, base: criterion.assessed), .percent(criterion.partial.percent, base: criterion.assessed),
                 .percent(criterion.none.percent, base: criterion.assessed)]
            }))

        let solutions = figures.solutions
        let gapColumns = ["region", "criterion", "idps", "refugees", "host", "gap_idps", "gap_refugees", "gap_displaced"].map(header)
        func gapRows(_ table: GapTable) -> [[Value]] {
            let groups = [(catalog.text("report.region.all"), table.criteria)] + table.regions.map { (regionName($0.region), $0.criteria) }
            return groups.flatMap { region, criteria in
                criteria.map { gap in
                    [.text(region), .text(catalog.label("criterion", gap.criterion)),
                     .percent(gap.idps.percent, base: gap.idps.full.of), .percent(gap.refugees.percent, base: gap.refugees.full.of),
                     .percent(gap.host.percent, base: gap.host.full.of),
                     .points(gap.idpGap, base: base(gap.idps, gap.host)), .points(gap.refugeeGap, base: base(gap.refugees, gap.host)),
                     .points(gap.displacedGap, base: base(gap.displaced, gap.host))]
                }
            }
        }
        tables.append(Table(id: "solutions", title: catalog.text("report.table.solutions", ["date": catalog.date(solutions.atPeriodEnd.asOf)]),
                            columns: gapColumns, rows: gapRows(solutions.atPeriodEnd)))

        tables.append(Table(
            id: "solutions_change",
            title: catalog.text("report.table.solutionsChange", ["quarter": catalog.date(solutions.quarter.asOf),
                                                                 "previous": catalog.date(solutions.previousQuarter.asOf)]),
            columns: ["region", "criterion", "gap_previous", "gap_quarter", "change"].map(header),
            rows: ([nil] + solutions.quarter.regions.map(\.region)).flatMap { region in
                reference.tracks.criteria.map { criterion -> [Value] in
                    let now = solutions.quarter.criterion(criterion, region: region)
                    let before = solutions.previousQuarter.criterion(criterion, region: region)
                    let nowBase = now.map { base($0.displaced, $0.host) } ?? 0
                    let beforeBase = before.map { base($0.displaced, $0.host) } ?? 0
                    let smallest = [nowBase, beforeBase].filter { $0 > 0 }.min() ?? 0
                    return [.text(region.map(regionName) ?? catalog.text("report.region.all")), .text(catalog.label("criterion", criterion)),
                            .points(before?.displacedGap, base: beforeBase), .points(now?.displacedGap, base: nowBase),
                            .points(solutions.change(criterion, region: region), base: smallest)]
                }
            }))
        return tables
    }
}
