import Foundation
import Testing
@testable import RetourCore

@Suite("Case query and digests")
struct CaseQueryTests {
    typealias F = CSVFixtures

    static func book() throws -> CaseBook {
        let stamp = Stamp(by: "awa", at: Date(timeIntervalSince1970: 1_450_000_000))
        var first = F.profile("Maïga", "Aïssata", region: "ML07")
        first.phone = "+223 76 12 34 56"
        first.village = "N'Tillit"
        var second = F.profile("Ag Mohamed", "Ahmed", region: "ML06")
        second.category = .refugeeReturnee
        second.village = "Tonka"
        var third = F.profile("Touré", "Hamadoun Maïga", region: "ML07")
        third.phone = "66 00 11 22"
        return try CaseBook(cases: [
            Case(id: UUID(), number: "GAO-000001", profile: first, status: .registered, created: stamp, updated: stamp, version: 1),
            Case(id: UUID(), number: "TBK-000001", profile: second, status: .active, created: stamp, updated: stamp, version: 1),
            Case(id: UUID(), number: "GAO-000002", profile: third, status: .registered, created: stamp, updated: stamp, version: 1),
        ], seq: 3)
    }

    func numbers(_ query: CaseQuery) throws -> [String] {
        let book = try Self.book()
        return query.filter(book).compactMap { book[$0]?.number }
    }

    @Test func searchFoldsCaseAndAccents() throws {
        #expect(try numbers(CaseQuery(search: "maiga")) == ["GAO-000001", "GAO-000002"])
        #expect(try numbers(CaseQuery(search: "MAÏGA aïssata")) == ["GAO-000001"])
        #expect(try numbers(CaseQuery(search: "aissata maiga")) == ["GAO-000001"])  // any order
        #expect(try numbers(CaseQuery(search: "toure")) == ["GAO-000002"])
        #expect(try numbers(CaseQuery(search: "agmohamed")) == ["TBK-000001"])
        #expect(try numbers(CaseQuery(search: "maiga zzz")).isEmpty)
    }

    @Test func searchFindsNumbersPhonesAndVillages() throws {
        #expect(try numbers(CaseQuery(search: "gao-000002")) == ["GAO-000002"])
        #expect(try numbers(CaseQuery(search: "tbk")) == ["TBK-000001"])
        #expect(try numbers(CaseQuery(search: "76123456")) == ["GAO-000001"])
        #expect(try numbers(CaseQuery(search: "+223 76 12")) == ["GAO-000001"])
        #expect(try numbers(CaseQuery(search: "66001122")) == ["GAO-000002"])
        #expect(try numbers(CaseQuery(search: "n’tillit")) == ["GAO-000001"])
        #expect(try numbers(CaseQuery(search: "TONKA")) == ["TBK-000001"])
    }

    @Test func filtersCompareCodes() throws {
        #expect(try numbers(CaseQuery(region: "ML07")) == ["GAO-000001", "GAO-000002"])
        #expect(try numbers(CaseQuery(category: .refugeeReturnee)) == ["TBK-000001"])
        #expect(try numbers(CaseQuery(status: .registered)) == ["GAO-000001", "GAO-000002"])
        #expect(try numbers(CaseQuery(search: "maiga", region: "ML06")).isEmpty)
        #expect(try numbers(CaseQuery()) == ["GAO-000001", "TBK-000001", "GAO-000002"])
        #expect(CaseQuery(search: "  ").isEmpty)
        #expect(!CaseQuery(status: .closed).isEmpty)
    }

    @Test func aChangeRefreshesOneDigest() throws {
        var book = try Self.book()
        let changed = try #require(book.find(number: "TBK-000001"))
        var profile = changed.profile
        profile.village = "Essakane"
        try book.apply(JournalEntry(seq: 4, by: "awa", at: Date(), change: .editProfile(id: changed.id, expectedVersion: 1, profile: profile)))
        #expect(CaseQuery(search: "essakane").filter(book) == [changed.id])
        #expect(CaseQuery(search: "tonka").filter(book).isEmpty)
        #expect(book.digests.count == 3)
        let added = UUID()
        try book.apply(JournalEntry(seq: 5, by: "awa", at: Date(),
                                    change: .register(id: added, number: "MPT-000001", profile: F.profile("Dicko", "Moussa", region: "ML05"))))
        #expect(CaseQuery(search: "dicko").filter(book) == [added])
        #expect(book.digests.last?.id == added)
    }

    @Test func matchingACaseDirectlyAgreesWithTheIndex() throws {
        let book = try Self.book()
        let query = CaseQuery(search: "hamadoun", status: .registered)
        #expect(try book.allCases().filter(query.matches).map(\.number) == ["GAO-000002"])
    }

    @Test func filteringAHundredThousandCasesIsQuick() throws {
        let stamp = Stamp(by: "awa", at: Date())
        let names = ["Maïga", "Touré", "Cissé", "Haïdara", "Dicko", "Diallo", "Traoré", "Kounta"]
        // A thousand folded cases, repeated: folding is the index's cost, paid once per change.
        let distinct = (0..<1_000).map { index in
            var profile = F.profile(names[index % names.count], "Given \(index)")
            profile.village = "Village \(index % 97)"
            return CaseDigest(Case(id: UUID(), number: String(format: "GAO-%06d", index + 1), profile: profile,
                                          status: .registered, created: stamp, updated: stamp, version: 1))
        }
        let index = Array((0..<100).map { _ in distinct }.joined())
        #expect(index.count == 100_000)
        let clock = ContinuousClock()
        var found: [UUID] = []
        let elapsed = clock.measure { found = CaseQuery(search: "kounta given").filter(index) }
        #expect(found.count == 12_500)
        // A timing is printed, not asserted: it depends on the machine and on its load.
        print("Searching 100 000 entries: \(elapsed)")
    }
}
