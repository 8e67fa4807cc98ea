import ArgumentParser
import Foundation
import RetourCore

/// `retour list`: the cases as a tab-separated table for scripts. The header line names the
/// columns with the import's stable column names; names and places are never translated.
/// The last two columns, after those of the first versions so that scripts keep working, are
/// the number of steps overdue today and the criteria with a rights gap (codes, space-separated).
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List cases, one per line, columns separated by a tab."
    )

    static let header = ["number", "family_name", "given_names", "sex", "age", "category", "region", "cercle",
                         "status", "assigned_to", "overdue_steps", "gaps"]

    @OptionGroup var global: GlobalOptions

    @Option(help: "Words to find in the number, names, phone, village, commune or cercle (case and accents ignored).")
    var search: String?

    @Option(help: "Region: name, usual spelling or P-code.")
    var region: String?

    @Option(help: "Category code: idp_returnee, refugee_returnee or host_community.")
    var category: String?

    @Option(help: "Status code: registered, active, closure_requested or closed.")
    var status: String?

    @Option(help: "Cercle: name, usual spelling or P-code (in --region when it is given).")
    var cercle: String?

    @Option(help: "Track the case is enrolled in: code (youth_entrepreneurship, women_agr, durable_solutions) or name.")
    var track: String?

    @Option(name: .customLong("step-status"),
            help: "Cases with a step in this status: not_started, in_progress, done, blocked or not_applicable.")
    var stepStatus: String?

    @Flag(help: "Only cases with a step overdue today (planned date passed, neither done nor not applicable).")
    var overdue = false

    @Option(help: "Criterion with no or partial access, by code (documentation, livelihoods…), or any.")
    var gap: String?

    @Option(name: .customLong("step-done"),
            help: "Cases with this step done: code (training, insertion_kit…) or name; in a plan of --track when it is given.")
    var stepDone: String?

    @Option(name: .customLong("idle-days"),
            help: "Cases with nothing recorded (no change, note or step) for this many days or more.")
    var idleDays: Int?

    @Option(help: "Case worker, as recorded (case, accents and spaces ignored).")
    var worker: String?

    @Flag(help: "Only cases whose changes made at two sites wait for a supervisor (retour sync).")
    var conflicts = false

    func run() throws {
        let session = try global.session()
        let today = CalendarDate.today()
        var query = try makeQuery(reference: session.reference, catalogs: [session.catalog], today: today)
        query.cercleNames = session.reference.cercleSearchNames
        let store = try openForReading(session)
        let reference = session.reference
        let criteria = reference.tracks.criteria
        var text = ListCommand.header.joined(separator: "\t") + "\n"
        // Sorted by case number, as the case list shows them at first. Every column is in the
        // digests: no case is decoded, whatever the number of cases.
        let reader = try session.reader(of: store)
        for digest in (conflicts ? reader.inSiteConflict : reader.digests).filter(query.matches).sorted(by: { $0.number < $1.number }) {
            let cells = [
                digest.number, digest.familyName, digest.givenNames, digest.sex?.rawValue ?? "",
                digest.age(on: today).map(String.init) ?? "", digest.category?.rawValue ?? "",
                reference.region(digest.region)?.name ?? digest.region,
                reference.cercle(digest.cercle)?.cercle.name ?? digest.cercle,
                digest.status.rawValue, digest.assignedTo,
                String(digest.overdueSteps(on: today)), criteria.filter(digest.gaps.contains).joined(separator: " "),
            ]
            text += cells.map(ListCommand.cell).joined(separator: "\t") + "\n"
            if text.utf8.count > 1 << 16 {
                Output.data(Data(text.utf8))
                text = ""
            }
        }
        Output.data(Data(text.utf8))
    }

    /// The query the options describe; a value that names nothing is an error naming the choices.
    /// `catalogs` are the languages whose track names are accepted besides the codes.
    func makeQuery(reference: Reference, catalogs: [Catalog] = [], today: CalendarDate = .today()) throws -> CaseQuery {
        var foundRegion: Region?
        if let region {
            guard let found = reference.findRegion(region) else {
                throw CommandError("list.error.region", ["value": region,
                                                         "choices": reference.regions.map(\.name).joined(separator: ", ")])
            }
            foundRegion = found
        }
        var cercleCode: String?
        if let cercle {
            if let region = foundRegion {
                guard let found = reference.findCercle(cercle, in: region) else {
                    if let elsewhere = reference.findCercleAnywhere(cercle) {
                        throw CommandError("filters.error.cercleRegion", ["cercle": elsewhere.cercle.name,
                                                                          "region": elsewhere.region.name])
                    }
                    throw CommandError("filters.error.cercle", ["value": cercle])
                }
                cercleCode = found.pcode
            } else {
                guard let found = reference.findCercleAnywhere(cercle) else {
                    throw CommandError("filters.error.cercle", ["value": cercle])
                }
                cercleCode = found.cercle.pcode
            }
        }
        var trackCode: String?
        if let track {
            guard let found = reference.tracks.findTrack(track, catalogs: catalogs) else {
                throw CommandError("filters.error.track", ["value": track,
                                                           "choices": reference.tracks.tracks.map(\.code).joined(separator: ", ")])
            }
            trackCode = found.code
        }
        var stepStatusCode: StepStatus?
        if let stepStatus {
            guard let found = StepStatus(rawValue: stepStatus) else {
                throw CommandError("filters.error.stepStatus", ["value": stepStatus,
                                                                "choices": StepStatus.allCases.map(\.rawValue).joined(separator: ", ")])
            }
            stepStatusCode = found
        }
        var gapCode: String?
        if let gap, Fold.key(gap) == "any" || gap == CaseQuery.anyCriterion {
            gapCode = CaseQuery.anyCriterion
        } else if let gap {
            guard let found = reference.tracks.criteria.first(where: { $0 == gap || Fold.key($0) == Fold.key(gap) }) else {
                throw CommandError("filters.error.gap", ["value": gap,
                                                         "choices": (reference.tracks.criteria + ["any"]).joined(separator: ", ")])
            }
            gapCode = found
        }
        var stepCode: String?
        if let stepDone {
            // A code, or its name in a language of the interface ("Formation").
            let folded = Fold.key(stepDone)
            let codes = reference.tracks.stepCodes
            guard let found = codes.first(where: { $0 == stepDone || Fold.key($0) == folded })
                    ?? codes.first(where: { code in catalogs.contains { Fold.key($0.text("step.\(code)")) == folded } }) else {
                throw CommandError("filters.error.stepDone", ["value": stepDone, "choices": codes.joined(separator: ", ")])
            }
            stepCode = found
        }
        if let idleDays, idleDays < 0 {
            throw CommandError("filters.error.idleDays", ["value": String(idleDays)])
        }
        var categoryCode: RetourCore.Category?
        if let category {
            guard let found = ProfileDraft.category(category) else {
                throw CommandError("list.error.category", ["value": category,
                                                           "choices": RetourCore.Category.allCases.map(\.rawValue).joined(separator: ", ")])
            }
            categoryCode = found
        }
        var statusCode: CaseStatus?
        if let status {
            // A code, or its label in the interface language ("Enregistré").
            let folded = Fold.key(status)
            guard let found = CaseStatus(rawValue: status)
                    ?? CaseStatus.allCases.first(where: { code in catalogs.contains { Fold.key($0.text("status.\(code.rawValue)")) == folded } }) else {
                throw CommandError("list.error.status", ["value": status,
                                                         "choices": CaseStatus.allCases.map(\.rawValue).joined(separator: ", ")])
            }
            statusCode = found
        }
        return CaseQuery(search: search ?? "", region: foundRegion?.pcode, cercle: cercleCode, category: categoryCode,
                         status: statusCode, track: trackCode, stepStatus: stepStatusCode, overdue: overdue ? true : nil,
                         gap: gapCode, stepDone: stepCode, idleDays: idleDays, worker: worker, today: today)
    }

    /// One line per case: a tab, a line break or any other control character inside a value is
    /// shown as `\u0009`, `\u000a`… (`TerminalText`), so a value never splits its line or its
    /// columns and never reaches a terminal raw.
    static func cell(_ value: String) -> String {
        TerminalText.visible(value)
    }
}
