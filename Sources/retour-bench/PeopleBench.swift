import Foundation
import RetourCore

/// The figures of signing in and of caseloads: users added to a directory the bench built,
/// a case worker given one case in a hundred, the history (one entry per change of the
/// build, about eight per case) verified whole, then the case manager probed as that case
/// worker and as the administrator.
enum PeopleBench {
    struct Row {
        let cases: Int
        let historyEntries: Int
        let historyMB: Double
        let chainMBPerSecond: Double
        let signIn: Double
        let workerScope: Int
        let worker: Runner.ProbeRun
        let administrator: Runner.ProbeRun
    }

    static let worker = "bench.worker"
    static let administrator = "bench.admin"
    static let pin = "bench-pin-2026"

    static func measure(count: Int, directory: URL) throws -> Row {
        let store = try Store(directory: directory)
        let setUp = try Clearance.withoutUsers("bench", book: store.book)
        try store.commit(.addUser(User(login: administrator, name: "Administrator", role: .administrator, teams: ["gao"],
                                       pin: try PINHash.make(pin))), as: setUp)
        let admin = try SignIn.attempt(login: administrator, pin: pin, store: store)
        try store.commit(.addUser(User(login: worker, name: "Case worker", role: .caseWorker, teams: ["gao"],
                                       pin: try PINHash.make(pin))), as: admin)
        // One case in a hundred becomes the case worker's, in one batch.
        let reader = store.reader(for: admin)
        let chosen = stride(from: 0, to: reader.digests.count, by: 100).map { reader.digests[$0].id }
        let cases = try reader.cases(chosen)
        try store.commitBatch(as: admin) { batch in
            for item in cases {
                var profile = item.profile
                profile.assignedTo = worker
                try batch.add(.editProfile(id: item.id, expectedVersion: item.version, profile: profile))
            }
        }
        try store.close()

        let readOnly = try Store(directory: directory, write: false)
        let historyBytes = Measure.fileSize(directory.appendingPathComponent(HistoryFile.fileName).path)
        let (verification, verifyTime) = try Measure.timed { try readOnly.history.verify(expected: readOnly.recordedHistoryHead) }
        guard verification.isIntact else { throw BenchError(description: "the history does not verify: \(verification)") }
        Log.line(String(format: "  history: %d entries, %.1f MB, chain verified in %.2f s", verification.head.count,
                        Double(historyBytes) / 1e6, verifyTime))
        Log.line("  probe as the case worker…")
        let asWorker = try Runner.probe(directory: directory, openOnly: false, login: worker, pin: pin)
        Log.probeDetails([asWorker], full: asWorker.report)
        Log.line("  probe as the administrator…")
        let asAdministrator = try Runner.probe(directory: directory, openOnly: false, login: administrator, pin: pin)
        Log.probeDetails([asAdministrator], full: asAdministrator.report)
        return Row(cases: count, historyEntries: verification.head.count, historyMB: Double(historyBytes) / 1e6,
                   chainMBPerSecond: Double(historyBytes) / 1e6 / verifyTime, signIn: asWorker.report.signIn ?? .nan,
                   workerScope: asWorker.report.scope, worker: asWorker, administrator: asAdministrator)
    }

    static let headers = ["N", "history entries", "history MB", "check chain MB/s", "sign-in s", "scope",
                          "list ready s", "keystroke median ms", "keystroke p99 ms", "commit median ms",
                          "admin list ready s", "admin keystroke median ms", "admin commit median ms"]

    static func line(_ row: Row) -> String {
        let worker = row.worker.report, admin = row.administrator.report
        return line([
            String(row.cases), String(row.historyEntries), String(format: "%.1f", row.historyMB),
            String(format: "%.0f", row.chainMBPerSecond), String(format: "%.3f", row.signIn), String(row.workerScope),
            String(format: "%.3f", row.worker.listReady), String(format: "%.2f", Measure.median(worker.keystrokes)),
            String(format: "%.2f", Measure.percentile(worker.keystrokes, 99)), String(format: "%.2f", Measure.median(worker.commits)),
            String(format: "%.3f", row.administrator.listReady), String(format: "%.2f", Measure.median(admin.keystrokes)),
            String(format: "%.2f", Measure.median(admin.commits)),
        ])
    }

    static var header: String { line(headers) }

    private static func line(_ cells: [String]) -> String {
        zip(cells, headers.map { max($0.count, 8) }).map { cell, width in
            String(repeating: " ", count: max(0, width - cell.count)) + cell
        }.joined(separator: "  ")
    }
}
