import ArgumentParser
import Foundation
import RetourCore

/// `retour approvals`: the closure requests waiting for a decision in the signed-in
/// supervisor's (or administrator's) caseload, for scripts. Names are given, as `retour list`
/// gives them to whoever may read the cases.
struct ApprovalsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approvals",
        abstract: "List the closure requests waiting for a decision (supervisors and administrators).",
        discussion: """
        One request per case, by case number: number, family_name, given_names, assigned_to (the case \
        worker), requested_by, reason (code), reason_label, requested_at (UTC), days_waiting, \
        open_steps, gaps (count of rights gaps), may_decide (no for one's own request, which another \
        supervisor or an administrator decides). --format text (the default) separates columns with a \
        tab, under a header line; csv as the export separates them; json an array of objects.
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, csv, json
    }

    static let header = ["number", "family_name", "given_names", "assigned_to", "requested_by", "reason", "reason_label",
                         "requested_at", "days_waiting", "open_steps", "gaps", "may_decide"]

    @OptionGroup var global: GlobalOptions

    @Option(help: "text, csv or json.")
    var format: Format = .text

    func run() throws {
        let session = try global.session()
        let store = try openForReading(session)
        let today = CalendarDate.today()
        let queue = try ApprovalQueue(reader: try session.reader(of: store), criteria: session.reference.tracks.criteria, today: today)
        let time = ISO8601DateFormatter()
        let items = queue.items.sorted { $0.number < $1.number }
        func label(_ item: ApprovalQueue.Item) -> String {
            item.reasonCode.map { session.catalog.text("closureReason.\($0)") } ?? ""
        }
        func record(_ item: ApprovalQueue.Item) -> [String] {
            return [item.number, item.familyName, item.givenNames, item.worker, item.requestedBy, item.reasonCode ?? "", label(item),
                    item.requestedAt.map { time.string(from: $0) } ?? "", String(item.daysWaiting(on: today)), String(item.openSteps),
                    String(item.gaps.count), item.mayDecide ? "yes" : "no"]
        }
        switch format {
        case .text:
            let lines = [ApprovalsCommand.header] + items.map(record)
            Output.data(Data(lines.map { $0.map(ListCommand.cell).joined(separator: "\t") + "\n" }.joined().utf8))
        case .csv:
            let separator = CSVText.spreadsheetSeparator(for: session.catalog.language)
            Output.dataShownOnTerminal(CSVText.encode([ApprovalsCommand.header] + items.map(record), separator: separator,
                                                      byteOrderMark: false))
        case .json:
            let objects: [[String: Any]] = items.map { item in
                var object: [String: Any] = [
                    "number": item.number, "family_name": item.familyName, "given_names": item.givenNames, "assigned_to": item.worker,
                    "requested_by": item.requestedBy, "reason_label": label(item), "days_waiting": item.daysWaiting(on: today),
                    "open_steps": item.openSteps, "gaps": item.gaps.count, "may_decide": item.mayDecide,
                ]
                object["reason"] = item.reasonCode ?? NSNull()
                object["requested_at"] = item.requestedAt.map { time.string(from: $0) } ?? NSNull()
                return object
            }
            var data = try JSONSerialization.data(withJSONObject: objects, options: [.sortedKeys])
            data.append(UInt8(ascii: "\n"))
            Output.dataShownOnTerminal(data)
        }
    }
}
