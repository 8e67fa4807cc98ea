import Foundation
import RetourCore
import RetourTUI

/// The filters of the case list, in the order the filter panel lists them: what each is
/// called, its value in words, its choices, and how a choice sets the `CaseQuery`.
enum FilterField: CaseIterable {
    case track, stepStatus, stepDone, overdue, idle, gap, status, category, region, cercle, worker, figure

    /// The choices of "no activity for N days": a panel of choices, not a number to type.
    static let idleChoices = [7, 14, 30, 60, 90, 180]

    var labelKey: String { "filters.field.\(self)" }

    func isSet(in query: CaseQuery) -> Bool {
        switch self {
        case .track: return query.track != nil
        case .stepStatus: return query.stepStatus != nil
        case .stepDone: return query.stepDone != nil
        case .overdue: return query.overdue != nil
        case .idle: return query.idleDays != nil
        case .gap: return query.gap != nil
        case .status: return query.status != nil
        case .category: return query.category != nil
        case .region: return query.region != nil
        case .cercle: return query.cercle != nil
        case .worker: return query.worker != nil
        case .figure: return query.figure != nil
        }
    }

    /// Clears this filter; clearing the region clears its cercle too.
    func clear(in query: inout CaseQuery) {
        switch self {
        case .track: query.track = nil
        case .stepStatus: query.stepStatus = nil
        case .stepDone: query.stepDone = nil
        case .overdue: query.overdue = nil
        case .idle: query.idleDays = nil
        case .gap: query.gap = nil
        case .status: query.status = nil
        case .category: query.category = nil
        case .region:
            query.region = nil
            query.cercle = nil
        case .cercle: query.cercle = nil
        case .worker: query.worker = nil
        case .figure: query.figure = nil
        }
    }

    /// The picker's value for the current setting ("" for any).
    func pickerValue(in query: CaseQuery) -> String {
        switch self {
        case .track: return query.track ?? FilterField.any
        case .stepStatus: return query.stepStatus?.rawValue ?? FilterField.any
        case .stepDone: return query.stepDone ?? FilterField.any
        case .overdue: return query.overdue.map { $0 ? "yes" : "no" } ?? FilterField.any
        case .idle: return query.idleDays.map(String.init) ?? FilterField.any
        case .gap: return query.gap ?? FilterField.any
        case .status: return query.status?.rawValue ?? FilterField.any
        case .category: return query.category?.rawValue ?? FilterField.any
        case .region: return query.region ?? FilterField.any
        case .cercle: return query.cercle ?? FilterField.any
        case .worker: return query.worker.map { FilterField.worker($0) } ?? FilterField.any
        case .figure: return query.figure == nil ? FilterField.any : FilterField.figureValue
        }
    }

    /// Sets this filter from a picker's value; `FilterField.any` clears it. Choosing another
    /// region clears a cercle that is not in it.
    func set(_ value: String, in query: inout CaseQuery, reference: Reference) {
        guard value != FilterField.any else {
            clear(in: &query)
            return
        }
        switch self {
        case .track: query.track = value
        case .stepStatus: query.stepStatus = StepStatus(rawValue: value)
        case .stepDone: query.stepDone = value
        case .overdue: query.overdue = value == "yes"
        case .idle: query.idleDays = Int(value)
        case .gap: query.gap = value
        case .status: query.status = CaseStatus(rawValue: value)
        case .category: query.category = Category(rawValue: value)
        case .region:
            if query.region != value, let cercle = query.cercle, reference.cercle(cercle)?.region.pcode != value {
                query.cercle = nil
            }
            query.region = value
        case .cercle:
            query.cercle = value
            if let region = reference.cercle(value)?.region.pcode { query.region = region }
        case .worker: query.worker = String(value.dropFirst(FilterField.workerPrefix.count))
        // Only the dashboard sets a figure: its one choice keeps it.
        case .figure: break
        }
    }

    /// The choices of this filter, "any" first. `workers`: the case workers in the data.
    func options(query: CaseQuery, catalog: Catalog, reference: Reference, workers: [String]) -> [Picker.Option] {
        var options = [Picker.Option(value: FilterField.any, label: catalog.text("filters.any"))]
        switch self {
        case .track:
            options += reference.tracks.tracks.map { Picker.Option(value: $0.code, label: catalog.label("track", $0.code)) }
        case .stepStatus:
            options += StepStatus.allCases.map { Picker.Option(value: $0.rawValue, label: catalog.text("stepStatus.\($0.rawValue)")) }
        case .stepDone:
            options += reference.tracks.stepCodes.map { Picker.Option(value: $0, label: catalog.text("step.\($0)")) }
        case .overdue:
            options += [Picker.Option(value: "yes", label: catalog.text("filters.overdue.yes")),
                        Picker.Option(value: "no", label: catalog.text("filters.overdue.no"))]
        case .idle:
            options += FilterField.idleChoices.map {
                Picker.Option(value: String($0), label: catalog.counted("filters.idle.choice", $0))
            }
        case .gap:
            options.append(Picker.Option(value: CaseQuery.anyCriterion, label: catalog.text("filters.gap.anyCriterion")))
            options += reference.tracks.criteria.map { Picker.Option(value: $0, label: catalog.text("criterion.\($0)")) }
        case .status:
            options += CaseStatus.allCases.map { Picker.Option(value: $0.rawValue, label: catalog.text("status.\($0.rawValue)")) }
        case .category:
            options += Category.allCases.map { Picker.Option(value: $0.rawValue, label: catalog.text("category.\($0.rawValue)")) }
        case .region:
            options += reference.regions.map { Picker.Option(value: $0.pcode, label: $0.name) }
        case .cercle:
            guard let region = query.region.flatMap(reference.region) else { return options }
            options = [Picker.Option(value: FilterField.any, label: catalog.text("filters.allCercles", ["region": region.name]))]
                + region.cercles.map { Picker.Option(value: $0.pcode, label: $0.name) }
        case .worker:
            options += workers.map { name in
                Picker.Option(value: FilterField.worker(name), label: name.isEmpty ? catalog.text("filters.worker.none") : name)
            }
        case .figure:
            if let figure = query.figure { options.append(Picker.Option(value: FilterField.figureValue, label: figure.name)) }
        }
        return options
    }

    /// The picker's title.
    func pickerTitle(query: CaseQuery, catalog: Catalog, reference: Reference) -> String {
        if self == .cercle {
            let region = query.region.flatMap(reference.region)?.name ?? ""
            return catalog.text("filters.picker.cercle", ["region": region])
        }
        return catalog.text("filters.picker.\(self)")
    }

    /// The value as the filter panel shows it.
    func value(in query: CaseQuery, catalog: Catalog, reference: Reference) -> String {
        switch self {
        case .track: return query.track.map { catalog.label("track", $0) } ?? catalog.text("filters.any")
        case .stepStatus: return query.stepStatus.map { catalog.text("stepStatus.\($0.rawValue)") } ?? catalog.text("filters.any")
        case .stepDone: return query.stepDone.map { catalog.text("step.\($0)") } ?? catalog.text("filters.any")
        case .overdue:
            return query.overdue.map { catalog.text($0 ? "filters.overdue.yes" : "filters.overdue.no") } ?? catalog.text("filters.any")
        case .idle: return query.idleDays.map { catalog.counted("filters.idle.choice", $0) } ?? catalog.text("filters.any")
        case .gap:
            guard let gap = query.gap else { return catalog.text("filters.any") }
            return catalog.text(gap == CaseQuery.anyCriterion ? "filters.gap.anyCriterion" : "criterion.\(gap)")
        case .status: return query.status.map { catalog.text("status.\($0.rawValue)") } ?? catalog.text("filters.any")
        case .category: return query.category.map { catalog.text("category.\($0.rawValue)") } ?? catalog.text("filters.any")
        case .region: return query.region.map { reference.region($0)?.name ?? $0 } ?? catalog.text("filters.any")
        case .cercle:
            if let cercle = query.cercle { return reference.cercle(cercle)?.cercle.name ?? cercle }
            return catalog.text(query.region == nil ? "filters.cercleNeedsRegion" : "filters.any")
        case .worker:
            guard let worker = query.worker else { return catalog.text("filters.any") }
            return worker.isEmpty ? catalog.text("filters.worker.none") : worker
        case .figure: return query.figure?.name ?? catalog.text("filters.figure.none")
        }
    }

    /// The active filters of `query` in words, as the list names them:
    /// "Youth entrepreneurship, overdue, gap: Documents".
    static func summary(of query: CaseQuery, catalog: Catalog, reference: Reference) -> [String] {
        var words: [String] = []
        if let track = query.track { words.append(catalog.label("track", track)) }
        if let status = query.stepStatus {
            words.append(catalog.text("filters.summary.stepStatus", ["status": catalog.text("stepStatus.\(status.rawValue)")]))
        }
        if let step = query.stepDone {
            words.append(catalog.text("filters.summary.stepDone", ["step": catalog.text("step.\(step)")]))
        }
        if let overdue = query.overdue { words.append(catalog.text(overdue ? "filters.summary.overdue" : "filters.summary.notOverdue")) }
        if let days = query.idleDays { words.append(catalog.counted("filters.summary.idle", days)) }
        if let gap = query.gap {
            words.append(gap == CaseQuery.anyCriterion
                ? catalog.text("filters.summary.anyGap")
                : catalog.text("filters.summary.gap", ["criterion": catalog.text("criterion.short.\(gap)")]))
        }
        if let status = query.status { words.append(catalog.text("status.\(status.rawValue)")) }
        if let category = query.category { words.append(catalog.text("category.\(category.rawValue)")) }
        if let cercle = query.cercle {
            let found = reference.cercle(cercle)
            words.append([found?.region.name, found?.cercle.name ?? cercle].compactMap { $0 }.joined(separator: "/"))
        } else if let region = query.region {
            words.append(reference.region(region)?.name ?? region)
        }
        if let worker = query.worker {
            words.append(worker.isEmpty ? catalog.text("filters.summary.noWorker")
                                        : catalog.text("filters.summary.worker", ["worker": worker]))
        }
        if let figure = query.figure { words.append(catalog.text("filters.summary.figure", ["name": figure.name])) }
        return words
    }

    /// The case workers named in the cases `reader` reaches, each once (the first spelling of
    /// each folded name), in folded order; "" first when some cases have none.
    static func workers(in reader: CaseReader) -> [String] {
        var byKey: [String: String] = [:]
        for digest in reader.digests where byKey[digest.worker] == nil {
            byKey[digest.worker] = digest.assignedTo.trimmingCharacters(in: .whitespaces)
        }
        return byKey.sorted { $0.key < $1.key }.map(\.value)
    }

    /// The picker value meaning "any".
    static let any = ""
    /// The value of the dashboard's figure, when one is set.
    private static let figureValue = "figure"
    /// Worker values are prefixed, so that "no case worker" ("") differs from "any".
    private static let workerPrefix = "="
    private static func worker(_ name: String) -> String { workerPrefix + name }
}
