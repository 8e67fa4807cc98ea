#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The line a long command redraws in place on stderr: what it does, done / total, the rate
/// and the time left (`Checking: 12 000 / 100 000 rows · 21 000/s · 4 s left`).
///
/// Only for a person at a terminal: when stderr is not one, nothing is ever written, so that
/// scripts and logs stay clean. Only once the work has run for `delay` (a short command shows
/// nothing), at most once every `interval`, each time `\r` + the line + clear to the end of
/// the line; `finish` erases it. The clock and the writer are injected, for tests.
///
/// ```swift
/// let progress = ProgressLine.standardError(task: "progress.task.check", unit: .rows, total: rows.count, catalog: catalog)
/// for (index, row) in rows.enumerated() { check(row); progress.update(index + 1) }
/// progress.finish()
/// ```
public final class ProgressLine {
    /// What the numbers count.
    public enum Unit: String, Sendable {
        case rows, cases, members, lines, changes
        /// Shown in megabytes.
        case bytes
    }

    public let total: Int
    private let task: String
    private let unit: Unit
    private let catalog: Catalog
    private let enabled: Bool
    private let now: () -> TimeInterval
    private let write: (String) -> Void
    private let delay: TimeInterval
    private let interval: TimeInterval
    private let started: TimeInterval
    private var lastDrawn: TimeInterval?
    private(set) var isShown = false

    /// `task` is a catalogue key (`progress.task.check`); `isTerminal` says whether a person
    /// reads `write`'s output.
    public init(task: String, unit: Unit, total: Int, catalog: Catalog, isTerminal: Bool,
                delay: TimeInterval = 1, interval: TimeInterval = 0.1,
                now: @escaping () -> TimeInterval = ProgressLine.monotonic, write: @escaping (String) -> Void) {
        self.task = task
        self.unit = unit
        self.total = max(0, total)
        self.catalog = catalog
        self.enabled = isTerminal
        self.delay = delay
        self.interval = interval
        self.now = now
        self.write = write
        started = now()
    }

    /// A line on this process's stderr, shown only when stderr is a terminal. `delay`: shorter
    /// for a step that follows another of the same command (the work has run that long already).
    public static func standardError(task: String, unit: Unit, total: Int, catalog: Catalog,
                                     delay: TimeInterval = 1) -> ProgressLine {
        let line = ProgressLine(task: task, unit: unit, total: total, catalog: catalog, isTerminal: isatty(STDERR_FILENO) == 1,
                                delay: delay) { text in
            FileHandle.standardError.write(Data(text.utf8))
        }
        if line.enabled { ProgressLine.eraseOnInterrupt() }
        return line
    }

    /// Seconds from an arbitrary start that never go back (not the wall clock).
    public static func monotonic() -> TimeInterval {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return TimeInterval(time.tv_sec) + TimeInterval(time.tv_nsec) / 1e9
    }

    /// `done` of `total` are done: redraws the line when it is due. Cheap to call often.
    public func update(_ done: Int) {
        guard enabled else { return }
        let time = now()
        guard time - started >= delay else { return }
        if let lastDrawn, time - lastDrawn < interval { return }
        lastDrawn = time
        isShown = true
        write("\r" + text(done: done, elapsed: time - started) + "\u{1B}[K")
    }

    /// Erases the line, if it was drawn: what follows starts on a clean line.
    public func finish() {
        guard isShown else { return }
        isShown = false
        write("\r\u{1B}[K")
    }

    /// The line's words, without the redraw around them.
    func text(done: Int, elapsed: TimeInterval) -> String {
        let done = min(max(0, done), total)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        var arguments = ["task": catalog.text(task), "unit": catalog.text("progress.unit.\(unit.rawValue)"),
                         "done": amount(Double(done)), "total": amount(Double(total)), "rate": amount(rate)]
        if rate > 0 {
            let seconds = Int((Double(total - done) / rate).rounded(.up))
            arguments["left"] = seconds < 60
                ? catalog.text("progress.left.seconds", ["seconds": String(seconds)])
                : catalog.text("progress.left.minutes", ["minutes": String(seconds / 60), "seconds": String(seconds % 60)])
            return catalog.text("progress.line", arguments)
        }
        return catalog.text("progress.lineStarting", arguments)
    }

    /// A count with thin groups (`12 000`), or megabytes with one decimal (`12.3`).
    private func amount(_ value: Double) -> String {
        if unit == .bytes { return String(format: "%.1f", value / 1_000_000) }
        var digits = String(Int(value.rounded()))
        var grouped = ""
        while digits.count > 3 {
            grouped = " " + digits.suffix(3) + grouped
            digits.removeLast(3)
        }
        return digits + grouped
    }

    /// On Ctrl-C, the line is erased before the process ends as the signal says (SIGINT's
    /// default: at once, as a kill; what is saved is whole or absent either way).
    private static func eraseOnInterrupt() {
        signal(SIGINT) { signal in
            let erase: StaticString = "\r\u{1B}[K"
            _ = Glibc.write(STDERR_FILENO, erase.utf8Start, erase.utf8CodeUnitCount)
            Glibc.signal(signal, SIG_DFL)
            raise(signal)
        }
    }
}
