import ArgumentParser
import Foundation
import RetourApp
import RetourCore
import RetourTUI

/// What one probe process measured, written as one JSON line for the parent.
struct ProbeReport: Codable {
    /// `CLOCK_MONOTONIC` readings, in nanoseconds: when the command started running (after
    /// process start, runtime start and argument parsing) and when the list was ready.
    var startedAt: UInt64 = 0
    var readyAt: UInt64 = 0
    /// From the process's start time in `/proc/self/stat` (10 ms ticks) to the list being ready.
    var readySinceProcessStart: Double?
    /// Phases of opening, in seconds.
    var session = 0.0
    var storeOpen = 0.0
    var listFirstRender = 0.0
    var cases = 0
    var peakAtReady = 0
    var openOnly = false

    /// Drawing the list again after a key that changes nothing, in milliseconds.
    var renderMedian = 0.0
    /// One incremental-search keystroke (key, filter, draw), in milliseconds.
    var keystrokes: [Double] = []
    /// The caseload review (`Caseload`) over the clearance's reader, in milliseconds.
    var caseloads: [Double] = []
    /// `*` on the list (every case shown marked, then unmarked), in milliseconds.
    var markAll: [Double] = []
    /// Through the screens, key to drawn: `d` (the dashboard, figures of the quarter), `p`
    /// (the next period) and `w` (the caseloads), in milliseconds.
    var dashboardOpen: [Double] = []
    var dashboardPeriod: [Double] = []
    var caseloadScreen: [Double] = []
    /// The title row once the first name was typed: shows that the search narrowed the list.
    var searchTitle = ""
    /// `Store.commit` of one profile edit, in milliseconds.
    var commits: [Double] = []
    /// F2 in the edit form until the case is shown again (commit, list rebuilt, draw), in milliseconds.
    var formSaves: [Double] = []
    /// `Store.close` (the journal folded into a new snapshot, as on quitting), in seconds.
    var close = 0.0
    var peakBeforeClose = 0
    var peak = 0
    /// Signing in (`--login`): the PIN's slow hash and the history's recent entries, in seconds.
    var signIn: Double?
    /// The cases the signed-in user reads.
    var scope = 0
}

/// `retour-bench probe --data DIR`: opens the data directory as the case manager does, measures,
/// and prints a `ProbeReport` as one JSON line. Run by the bench in a fresh process each time.
struct Probe: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Measure one data directory in this process (used by the bench itself).",
        shouldDisplay: false
    )

    @Option(help: "The data directory.")
    var data: String

    @Flag(help: "Stop once the list is ready.")
    var openOnly = false

    @Option(help: "Sign in as this user, with the PIN in RETOUR_PIN (else: a directory without users).")
    var login: String?

    /// Names typed in the search, folded as a case worker types them.
    static let searches = ["maiga", "toure", "cisse", "dicko", "traore"]
    static let searchRounds = 40
    static let commitCount = 50
    static let formSaveCount = 10

    func run() throws {
        var report = ProbeReport()
        report.startedAt = Measure.monotonicNanoseconds()
        report.openOnly = openOnly

        let (session, sessionTime) = try Measure.timed {
            let assets = try Assets.locate()
            return Session(dataDirectory: URL(fileURLWithPath: data), author: SyntheticData.author,
                           catalog: try Catalog(language: .en, assets: assets), reference: try Reference(assets: assets))
        }
        report.session = sessionTime
        let (store, storeTime) = try Measure.timed {
            try Store(directory: session.dataDirectory, user: session.author)
        }
        report.storeOpen = storeTime
        let clearance: Clearance
        if let login {
            let pin = ProcessInfo.processInfo.environment[PIN.variable] ?? ""
            let (signedIn, signInTime) = try Measure.timed { try SignIn.attempt(login: login, pin: pin, store: store) }
            clearance = signedIn
            report.signIn = signInTime
        } else {
            clearance = try Clearance.withoutUsers(session.author, book: store.book)
        }
        let (manager, listTime) = Measure.timed { HeadlessCaseManager(session: session, store: store, clearance: clearance) }
        report.listFirstRender = listTime
        report.readyAt = Measure.monotonicNanoseconds()
        if let start = Measure.processStartSinceBoot() {
            report.readySinceProcessStart = Measure.secondsSinceBoot() - start
        }
        report.cases = store.book.count
        report.scope = store.reader(for: clearance).digests.count
        report.peakAtReady = Measure.peakResidentBytes()
        if openOnly {
            try emit(report)
            return
        }

        report.renderMedian = Measure.median((0..<20).map { _ in milliseconds { manager.press(.function(12)) } })

        for round in 0..<Probe.searchRounds {
            let name = Probe.searches[round % Probe.searches.count]
            let keys = [Key.character("/")] + name.map { Key.character($0) }
                + Array(repeating: Key.backspace, count: name.count)
            for (index, key) in keys.enumerated() {
                report.keystrokes.append(milliseconds { manager.press(key) })
                if round == 0 && index == name.count { report.searchTitle = manager.rows.first ?? "" }
            }
            manager.press(.escape)  // Back to the list, search closed.
        }

        let idleDays = session.reference.settings.noContactDays
        // The caseloads are a supervisor's: a case worker's probe measures the rest.
        let supervises = store.book.users.isEmpty || clearance.role >= .supervisor
        for _ in 0..<(supervises ? 10 : 0) {
            let reader = store.reader(for: clearance)
            try report.caseloads.append(milliseconds {
                _ = try Caseload(reader: reader, today: .today(), idleDays: idleDays)
            })
        }
        for _ in 0..<6 { report.markAll.append(milliseconds { manager.press(.character("*")) }) }
        for _ in 0..<5 {
            report.dashboardOpen.append(milliseconds { manager.press(.character("d")) })
            for _ in 0..<2 { report.dashboardPeriod.append(milliseconds { manager.press(.character("p")) }) }
            manager.press(.escape)
            guard supervises else { continue }
            report.caseloadScreen.append(milliseconds { manager.press(.character("w")) })
            manager.press(.escape)
        }

        var random = SystemRandomNumberGenerator()
        for _ in 0..<Probe.commitCount {
            // The reader is let go before the commit: one kept would share the book's storage,
            // and the commit would copy it whole.
            let item: Case = try {
                let reader = store.reader(for: clearance)
                return try reader.read(reader.digests.randomElement(using: &random)!.id)!
            }()
            var profile = item.profile
            profile.householdSize = profile.householdSize % 12 + 1
            let change = Change.editProfile(id: item.id, expectedVersion: item.version, profile: profile)
            try report.commits.append(milliseconds { try store.commit(change, as: clearance) })
        }

        // Through the screens: open a case, edit, save unchanged with F2. A case with possible
        // duplicates gets a question instead of a save; it is left and another one tried.
        var attempts = 0
        while report.formSaves.count < Probe.formSaveCount && attempts < Probe.formSaveCount * 3 {
            attempts += 1
            for _ in 0..<Int.random(in: 1...15, using: &random) { manager.press(.down) }
            manager.press(.enter)
            manager.press(.character("e"))
            let before = store.journalLines
            let time = milliseconds { manager.press(.function(2)) }
            if store.journalLines > before {
                report.formSaves.append(time)
                manager.press(.escape)
            } else {
                for _ in 0..<3 { manager.press(.escape) }
            }
        }

        report.peakBeforeClose = Measure.peakResidentBytes()
        let ((), closeTime) = try Measure.timed { try store.close() }
        report.close = closeTime
        report.peak = Measure.peakResidentBytes()
        try emit(report)
    }

    private func milliseconds(_ body: () throws -> Void) rethrows -> Double {
        try Measure.timed(body).1 * 1000
    }

    private func emit(_ report: ProbeReport) throws {
        var line = try JSONEncoder().encode(report)
        line.append(0x0A)
        FileHandle.standardOutput.write(line)
    }
}
