import ArgumentParser
import Foundation
import RetourCore

/// `retour audit`: who did what, from the history. Supervisors see their team's entries,
/// administrators everything; `--head` prints the history's head to write down.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "List the history: changes, sign-ins, lockouts, cases viewed, exports (supervisors and administrators).",
        discussion: """
        Text is one entry per line: position, time (UTC), login, kind, case number, detail. \
        --head prints the number of entries and the link of the last one: write it down, \
        and `retour check` or a later --head shows whether the history was rewritten since.
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, csv, json
    }

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("person"), help: "Only entries by (or about) this login (--user is who signs in).")
    var person: String?
    @Option(name: .customLong("case"), help: "Only entries about this case number.")
    var caseNumber: String?
    @Option(help: "Only this kind: change, signIn, signInFailed, lockout, unlock, view, export, report.")
    var kind: String?
    @Option(help: "From this day (YYYY-MM-DD).")
    var since: String?
    @Option(help: "Until this day, included (YYYY-MM-DD).")
    var until: String?
    @Option(help: "text, csv or json.")
    var format: Format = .text
    @Flag(help: "Print the history's head (entries and last link) and nothing else.")
    var head = false

    func run() throws {
        func day(_ text: String?, _ option: String) throws -> CalendarDate? {
            guard let text else { return nil }
            guard let date = CalendarDate(parsing: text) else { throw CommandError("audit.error.date", ["option": option]) }
            return date
        }
        let query = AuditQuery(user: person, caseNumber: caseNumber, kind: kind,
                               since: try day(since, "--since"), until: try day(until, "--until"))
        let session = try global.session()
        let store = try openForReading(session)
        let clearance = try session.clearance(for: store)
        if head {
            guard store.book.users.isEmpty || clearance.role >= .supervisor else { throw AuditQuery.Refusal.notAllowed }
            Output.line(try store.history.head().description)
            return
        }
        let lines = try query.lines(in: store, for: clearance)
        let time = ISO8601DateFormatter()
        var text = ""
        switch format {
        case .text:
            for line in lines {
                let fields = [String(line.position), time.string(from: line.at), line.by, line.kind, line.caseNumber, line.detail]
                text += fields.map { $0.isEmpty ? "-" : $0 }.joined(separator: "  ") + "\n"
            }
            text = TerminalText.visible(text, layout: .kept)
        case .csv:
            let records = [["position", "at", "by", "kind", "case_number", "detail"]] + lines.map { line in
                [String(line.position), time.string(from: line.at), line.by, line.kind, line.caseNumber, line.detail]
            }
            Output.data(CSVText.encode(records, separator: ",", byteOrderMark: false))
            return
        case .json:
            for line in lines {
                let object: [String: Any] = ["position": line.position, "at": time.string(from: line.at), "by": line.by,
                                             "kind": line.kind, "caseNumber": line.caseNumber, "detail": line.detail]
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                text += String(decoding: data, as: UTF8.self) + "\n"
            }
        }
        Output.data(Data(text.utf8))
    }
}
