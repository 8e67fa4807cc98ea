import Foundation
import RetourTUI

/// The terminal as the case manager and its sign-in screen read it while a guided tour runs:
/// the real one, with the keys of "show me" (`GuidedTour.nextScriptedKey`) put in among its
/// events, one per tick, so that they take the very path a trainee's keys take. A key of the
/// trainee's own (other than the trainer's keys) ends the demonstration.
final class TourTerminal: Terminal {
    let inner: Terminal
    let tour: GuidedTour
    /// The pause between two keys of "show me".
    let tick: TimeInterval
    private let now: () -> Date
    private var nextTick: Date
    /// In tests: the run ends once nothing is queued and nothing is being shown.
    private let endWhenIdle: Bool
    private var ended = false

    init(_ inner: Terminal, tour: GuidedTour, tick: TimeInterval, endWhenIdle: Bool = false, now: @escaping () -> Date = Date.init) {
        self.inner = inner
        self.tour = tour
        self.tick = tick
        self.endWhenIdle = endWhenIdle
        self.now = now
        nextTick = now()
    }

    /// `RETOUR_TOUR_TICK_MS` (50 to 5000), else 700 ms.
    static func tick(_ environment: [String: String]) -> TimeInterval {
        let milliseconds = environment["RETOUR_TOUR_TICK_MS"].flatMap(Int.init).flatMap { (50...5000).contains($0) ? $0 : nil } ?? 700
        return TimeInterval(milliseconds) / 1000
    }

    var size: Size { inner.size }
    var terminationRequested: Bool { inner.terminationRequested || ended }
    /// While "show me" plays, each of its keys is drawn.
    var hasPendingInput: Bool { !tour.isPlaying && inner.hasPendingInput }

    func present(_ canvas: Canvas) {
        inner.present(canvas)
    }

    func nextEvent(timeoutMilliseconds: Int) -> Event? {
        if tour.isPlaying {
            let wait = nextTick.timeIntervalSince(now())
            if wait <= 0 {
                if let key = tour.nextScriptedKey() {
                    nextTick = now().addingTimeInterval(tick)
                    return .key(key)
                }
                // Over: the box shows the lesson's state again.
                return .resize(inner.size)
            }
            let event = inner.nextEvent(timeoutMilliseconds: min(timeoutMilliseconds, Int(wait * 1000) + 1))
            if case .key(let key)? = event, KeyMap.action(for: key, in: .tour) == nil { tour.stop() }
            return event
        }
        let event = inner.nextEvent(timeoutMilliseconds: timeoutMilliseconds)
        if event == nil && endWhenIdle && !tour.isPlaying { ended = true }
        return event
    }
}
