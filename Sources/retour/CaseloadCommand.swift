import ArgumentParser
import Foundation
import RetourCore
import RetourTUI

/// `retour caseload`: the caseload review of the case manager's `w` screen (`Caseload`), one
/// line per case worker in the signed-in supervisor's scope (an administrator: everyone) and a
/// totals line. Text for people (columns aligned, in the interface language), CSV and JSON for
/// programs (stable column names: `Caseload.Column`).
struct CaseloadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "caseload",
        abstract: "Review the case workers' open cases: late steps, no contact, rights gaps, closures waiting (supervisors and administrators).",
        discussion: """
        One row per case worker in your scope, then the totals. Open cases only (not closed): \
        open, active, overdue steps, cases with nothing recorded for the programme's days \
        without contact (Assets/settings.json), cases with a rights gap, closure requests \
        waiting for approval. CSV: a first column `row` says worker, nobody (cases assigned to \
        no one) or total. JSON: {"no_contact_days": N, "workers": [...], "totals": {...}}.
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, csv, json
    }

    @OptionGroup var global: GlobalOptions

    @Option(help: "Only the case workers of this team.")
    var team: String?

    @Option(help: "text, csv or json.")
    var format: Format = .text

    func run() throws {
        let session = try global.session()
        let store = try openForReading(session)
        let reader = try session.reader(of: store)
        if let team {
            let teams = Set(store.book.users.all.flatMap(\.teams))
            guard teams.contains(team) else {
                throw CommandError("caseload.error.team", ["value": team, "choices": teams.sorted().joined(separator: ", ")])
            }
        }
        let days = session.reference.settings.noContactDays
        let load = try Caseload(reader: reader, today: .today(), idleDays: days, team: team)
        switch format {
        case .text:
            Output.data(Data(CaseloadCommand.text(load, catalog: session.catalog).utf8))
        case .csv:
            Output.dataShownOnTerminal(CSVText.encode(CaseloadCommand.records(load), separator: ",", byteOrderMark: false))
        case .json:
            Output.dataShownOnTerminal(try CaseloadCommand.json(load, noContactDays: days))
        }
    }

    static let figures = Array(Caseload.Column.allCases.dropFirst())

    /// Columns aligned (names left, figures right), in the catalogue's language; names shown
    /// with their control characters neutralised.
    static func text(_ load: Caseload, catalog: Catalog) -> String {
        let header = Caseload.Column.allCases.map { catalog.text("caseload.column.\($0.rawValue)") }
        var lines = [header]
        for row in load.rows {
            let name = row.worker.isEmpty ? catalog.text("caseload.nobody")
                : row.login == nil ? catalog.text("caseload.notUser", ["name": row.name])
                : row.isActiveUser ? TerminalText.visible(row.name, layout: .flattened) + " (" + row.worker + ")"
                : catalog.text("caseload.disabled", ["name": row.name + " (" + row.worker + ")"])
            lines.append([name] + figures.map { String(row.counts[$0]) })
        }
        lines.append([catalog.text("caseload.totals")] + figures.map { String(load.totals[$0]) })
        let widths = header.indices.map { column in lines.map { CellWidth.of($0[column]) }.max() ?? 0 }
        return lines.map { cells in
            cells.indices.map { column in
                let pad = String(repeating: " ", count: widths[column] - CellWidth.of(cells[column]))
                return column == 0 ? cells[column] + pad : pad + cells[column]
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }.joined(separator: "\n") + "\n"
    }

    static func records(_ load: Caseload) -> [[String]] {
        let header = ["row", "worker", "name"] + figures.map(\.rawValue)
        let rows = load.rows.map { row in
            [row.worker.isEmpty ? "nobody" : "worker", row.worker, row.name] + figures.map { String(row.counts[$0]) }
        }
        return [header] + rows + [["total", "", ""] + figures.map { String(load.totals[$0]) }]
    }

    static func json(_ load: Caseload, noContactDays: Int) throws -> Data {
        func counts(_ counts: Caseload.Counts) -> [String: Any] {
            Dictionary(uniqueKeysWithValues: figures.map { ($0.rawValue, counts[$0]) })
        }
        let workers: [[String: Any]] = load.rows.map { row in
            let who: [String: Any] = ["worker": row.worker, "name": row.name, "login": row.login ?? NSNull(),
                                      "active_user": row.isActiveUser]
            return counts(row.counts).merging(who) { $1 }
        }
        let object: [String: Any] = ["no_contact_days": noContactDays, "workers": workers, "totals": counts(load.totals)]
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted]) + Data("\n".utf8)
    }
}
