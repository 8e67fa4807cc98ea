import Foundation
import Testing
@testable import RetourCore

@Suite("The progress line of long commands")
struct ProgressLineTests {
    typealias F = CSVFixtures

    /// A line on a fake clock, writing into `written`.
    final class Probe {
        var time: TimeInterval = 100
        var written: [String] = []
        var line: ProgressLine!

        init(isTerminal: Bool, total: Int = 100_000, unit: ProgressLine.Unit = .rows, catalog: Catalog = F.english) {
            line = ProgressLine(task: "progress.task.check", unit: unit, total: total, catalog: catalog, isTerminal: isTerminal,
                                now: { [unowned self] in self.time }, write: { [unowned self] in self.written.append($0) })
        }
    }

    @Test func nothingAtAllWhenStderrIsNotATerminal() {
        let probe = Probe(isTerminal: false)
        for step in 1...50 {
            probe.time += 0.5
            probe.line.update(step * 1_000)
        }
        probe.line.finish()
        #expect(probe.written.isEmpty)
    }

    @Test func shownOnlyAfterASecondThenRedrawnInPlaceAtMostTenTimesASecond() {
        let probe = Probe(isTerminal: true)
        probe.time += 0.9
        probe.line.update(18_000)
        #expect(probe.written.isEmpty, "a short command shows nothing")
        probe.time += 0.1
        probe.line.update(20_000)
        #expect(probe.written == ["\rChecking: 20 000 / 100 000 rows · 20 000 rows/s · 4 s left\u{1B}[K"])
        for _ in 1...20 {
            probe.time += 0.01
            probe.line.update(20_100)
        }
        #expect((2...3).contains(probe.written.count), "one or two more redraws in 0.2 s, not twenty")
        #expect(probe.written.allSatisfy { $0.hasPrefix("\r") && $0.hasSuffix("\u{1B}[K") && !$0.contains("\n") })
        probe.line.finish()
        #expect(probe.written.last == "\r\u{1B}[K")
        probe.line.finish()
        #expect(probe.written.filter { $0 == "\r\u{1B}[K" }.count == 1, "erased once")
    }

    @Test func aCommandDoneWithinTheSecondWritesNothingEvenWhenFinished() {
        let probe = Probe(isTerminal: true)
        probe.time += 0.5
        probe.line.update(100_000)
        probe.line.finish()
        #expect(probe.written.isEmpty)
    }

    @Test func frenchWordsMegabytesAndMinutesLeft() {
        let probe = Probe(isTerminal: true, total: 300_000_000, unit: .bytes, catalog: F.french)
        probe.time += 2
        probe.line.update(3_000_000)
        #expect(probe.written == ["\rVérification : 3.0 / 300.0 Mo · 1.5 Mo/s · encore 3 min 18 s\u{1B}[K"])
    }
}
