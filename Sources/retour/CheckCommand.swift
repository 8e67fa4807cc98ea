import ArgumentParser
import Foundation
import RetourCore

/// `retour check`: verifies a data directory without changing it. Prints its findings and
/// exits 1 when one of them is a problem (warnings and information keep exit 0).
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a data directory: permissions, files that parse, lock, codes of the cases."
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("expect-head"),
            help: ArgumentHelp("A head written down before (from retour audit --head): the history must still hold it.",
                               valueName: "COUNT LINK"))
    var expectedHead: String?

    func run() throws {
        let session = try global.session()
        let catalog = session.catalog
        let expected = try expectedHead.map { text -> HistoryHead in
            let parts = text.split(whereSeparator: { $0 == " " || $0 == ":" }).map(String.init)
            guard parts.count == 2, let count = Int(parts[0]), count > 0, parts[1].count == 64 else {
                throw CommandError("check.error.expectHead")
            }
            return HistoryHead(count: count, link: parts[1].lowercased())
        }
        let progress = ProgressLines(catalog: catalog)
        let check = DataCheck.run(directory: session.dataDirectory, reference: session.reference, expectedHead: expected,
                                  passphrase: {
            try Passphrase.read(prompt: catalog.text("crypto.prompt.passphrase"), environment: ProcessInfo.processInfo.environment)
        }, progress: progress.report)
        progress.finish()
        for finding in check.findings {
            let line = Message("check.severity.\(finding.severity.rawValue)", ["text": catalog.text(finding.message)])
            Output.line(catalog.text(line))
        }
        let path = session.dataDirectory.path
        if check.caseCount != nil || check.encrypted {
            let kind = !check.encrypted ? "check.kind.plain" : check.encryptionUnfinished ? "check.kind.unfinished" : "check.kind.encrypted"
            Output.line(catalog.text(kind, ["file": Store.Files.key]))
        }
        if let head = check.historyHead, head.count > 0 {
            Output.line(catalog.text(Message("check.historyHead", ["file": HistoryFile.fileName, "count": String(head.count),
                                                                   "head": head.link])))
        }
        if check.isOK {
            Output.line(catalog.counted("check.summary.ok", check.caseCount ?? 0, ["path": path]))
        } else {
            let problems = check.findings.filter { $0.severity == .problem }.count
            Output.line(catalog.counted("check.summary.problems", problems, ["path": path]))
            throw ExitCode(1)
        }
    }
}
