import Foundation
import Testing
@testable import RetourCore
@testable import RetourDemo

/// A note changes a digest's latest activity alone: the book updates that field rather than
/// building the digest again, and must end where building it again would.
@Suite("Digest after a note")
struct DigestAfterNoteTests {
    typealias F = CSVFixtures

    @Test("after a note on any case of an office (plans, assessments, closures), the digest is the one the whole case gives")
    func noteKeepsTheDigestOfTheWholeCase() throws {
        try F.withDirectory { directory throws in
            let store = try Store(directory: directory)
            try DemoOffice.fill(store, mark: DemoMark(seed: 7, cases: 60), reference: F.reference, assets: F.assets,
                                today: F.today, pinParameters: DemoOfficeTests.cheap)
            let admin = try #require(store.book.users.all.first { $0.role == .administrator })
            let clearance = Clearance(login: admin.login, user: admin)
            // Later than any change of the office, so that the latest activity moves.
            let later = Date(timeIntervalSince1970: 1_900_000_000)
            let ids = store.book.digests.map(\.id)
            for (index, id) in ids.enumerated() {
                let note = Note(id: UUID(), text: "Visite \(index)", by: admin.login, at: later)
                try store.commit(.addNote(id: id, note: note), as: clearance, at: later + Double(index))
                let item = try #require(store.book[id])
                #expect(store.book.digest(id) == CaseDigest(item), "\(item.number) \(item.status)")
            }
            #expect(Set(ids.compactMap { store.book[$0]?.status }).count >= 3)
        }
    }
}
