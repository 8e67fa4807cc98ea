import Foundation
import Testing
@testable import RetourApp
@testable import RetourCore
import RetourDemo

/// Who other sessions are told is in: the person signed in, and once they sign out, the
/// system account again, not them.
@Suite("Presence of a case manager")
struct PresenceTests {
    @Test func signingOutTellsOthersThePersonLeft() throws {
        let office = try TourOffice(cases: 30)
        let other = try Store(directory: office.directory, user: "other")
        defer { try? other.close() }

        office.run(typed("a.maiga") + [.enter] + typed(DemoMark.pin) + [.enter, .escape])
        #expect(try other.othersInside().map { $0.hasPrefix("a.maiga (") } == [true])

        office.run(typed("a.maiga") + [.enter] + typed(DemoMark.pin) + [.enter, .escape, .character("q")])
        let inside = try other.othersInside()
        // The account the case manager runs under (`--user`, else `$USER`).
        #expect(inside.map { $0.hasPrefix("\(office.session.author) (") } == [true], "\(inside)")
    }
}
