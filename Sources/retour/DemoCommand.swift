import ArgumentParser
import Foundation
import RetourApp
import RetourCore
import RetourDemo

/// `retour demo`: a demonstration office of fictitious people for training (`DemoOffice`),
/// made when missing, put back to its seed with `--reset`, then opened in the case manager on
/// a terminal; without one (a script) it says where the office is and exits 0. It is never
/// the data directory of real cases, and it refuses a directory that holds anything else
/// than a demo, leaving it byte for byte as it was.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Make or open a demonstration office of fictitious people, for training.",
        discussion: """
        The office is the folder --data names, else `demo` beside the default data directory \
        ($RETOUR_DATA, else $XDG_DATA_HOME/retour, else ~/.local/share/retour): never the default \
        data directory itself, and never a folder that holds real data. Its files mark it as a \
        demo: every screen shows a banner, every command on it says so on stderr, every export and \
        report from it is marked in its file name and first line.

        The people, their follow-up and the users (admin, supervisors and case workers of the \
        teams gao and tombouctou, every PIN demo1234) are made from --seed, relative to today: the \
        same seed on the same day gives the same office. --reset makes them again, from the \
        office's own seed unless --seed is given.
        """
    )

    @OptionGroup var global: GlobalOptions

    // Text, so that every value outside the range gets the same one line.
    @Option(name: .customLong("cases"), parsing: .unconditional,
            help: ArgumentHelp("How many fictitious people a new or reset office holds (1 to 100000; default 300).", valueName: "N"))
    var cases: String?

    @Option(help: "The seed of a new or reset office (default: the office's own, else 1).")
    var seed: UInt64?

    @Flag(help: "Put the office back to the state of its seed, as of today.")
    var reset = false

    @Flag(help: "Start with the guided tour shown (F9 shows and hides it).")
    var tour = false

    /// `demo` beside the default data directory.
    static func defaultDirectory(environment: [String: String]) -> URL {
        Session.dataDirectory(explicit: nil, environment: environment).deletingLastPathComponent().appendingPathComponent("demo")
    }

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let count = try cases.map { text in
            guard let count = Int(text), (1...DemoPeople.maximumCount).contains(count) else {
                throw CommandError("demo.error.casesRange", ["maximum": String(DemoPeople.maximumCount)])
            }
            return count
        }
        let directory = global.data.map { URL(fileURLWithPath: $0).standardizedFileURL }
            ?? DemoCommand.defaultDirectory(environment: environment)
        let session = try global.session(dataDirectory: directory, announcingDemo: false)
        let realDefault = Session.dataDirectory(explicit: nil, environment: environment)
        if DataDirectory.resolved(directory.path) == DataDirectory.resolved(realDefault.path) {
            throw CommandError("demo.error.defaultDirectory", ["path": directory.path])
        }

        // Decided from the files alone, before anything is opened: a refused directory keeps
        // every byte (not even a lock file is made).
        let existing = DemoMark.read(directory: directory)
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        if existing == nil && !entries.isEmpty {
            throw CommandError("demo.error.realData", ["path": directory.path])
        }
        Output.error(session.catalog.text("demo.banner"))

        let mark = DemoMark(seed: seed ?? existing?.seed ?? 1, cases: count ?? existing?.cases ?? DemoOffice.defaultCases)
        var made = false
        if existing == nil || reset {
            if existing != nil {
                let old = try session.openStore(write: true, environment: environment)
                do {
                    try old.eraseDemo()
                } catch {
                    try? old.close()
                    throw error
                }
            }
            try make(mark, session: session)
            made = true
            if existing != nil {
                Output.error(session.catalog.counted("demo.reset.done", mark.cases))
            }
        }

        if isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1 {
            try CaseManager.run(session: session, showTour: tour)
            return
        }
        let office = DemoMark.read(directory: directory) ?? mark
        let catalog = session.catalog
        Output.line(catalog.counted(made ? "demo.summary.created" : "demo.summary.opened", office.cases,
                                    ["path": directory.path, "seed": String(office.seed)]))
        let logins = try DemoOffice.members(assets: Assets.locate()).map(\.login)
        Output.line(catalog.text("demo.summary.users", ["logins": logins.joined(separator: ", "), "pin": DemoOffice.pin]))
    }

    /// Makes the office `mark` describes in the session's (empty) directory.
    private func make(_ mark: DemoMark, session: Session) throws {
        let store = try session.openStore(write: true)
        if let reason = store.readOnlyReason { throw reason }
        do {
            var progress: ProgressLine?
            defer { progress?.finish() }
            try DemoOffice.fill(store, mark: mark, reference: session.reference, assets: Assets.locate(),
                                today: CalendarDate.today()) { done, total in
                if progress == nil {
                    progress = ProgressLine.standardError(task: "progress.task.generate", unit: .changes, total: total,
                                                          catalog: session.catalog)
                }
                progress?.update(done)
            }
        } catch {
            try? store.close()
            throw error
        }
        let saving = ProgressLine.standardError(task: "progress.task.closing", unit: .cases, total: store.compactionLines,
                                                catalog: session.catalog)
        defer { saving.finish() }
        try store.close { saving.update($0) }
    }
}
