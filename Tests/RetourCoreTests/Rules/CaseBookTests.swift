import Foundation
import Testing
@testable import RetourCore

@Suite("CaseBook: rules and duplicates")
struct CaseBookTests {
    let time = Date(timeIntervalSince1970: 1_750_000_000)

    private func entry(_ book: CaseBook, _ change: Change, seq: Int? = nil) -> JournalEntry {
        JournalEntry(seq: seq ?? book.seq + 1, by: "awa", at: time, change: change)
    }

    @discardableResult
    private func add(_ book: inout CaseBook, _ profile: CaseProfile, prefix: String = "GAO") throws -> UUID {
        let id = UUID()
        try book.apply(entry(book, .register(id: id, number: book.nextNumber(prefix: prefix), profile: profile)))
        return id
    }

    @Test func registrationAndEdit() throws {
        var book = CaseBook()
        let id = try add(&book, sampleProfile())
        let item = try #require(book[id])
        #expect(item.number == "GAO-000001")
        #expect(item.version == 1)
        #expect(item.status == .registered)
        #expect(item.created == Stamp(by: "awa", at: time))
        var profile = item.profile
        profile.householdSize = 7
        try book.apply(JournalEntry(seq: 2, by: "moussa", at: time + 60, change: .editProfile(id: id, expectedVersion: 1, profile: profile)))
        let edited = try #require(book[id])
        #expect(edited.version == 2)
        #expect(edited.profile.householdSize == 7)
        #expect(edited.created == Stamp(by: "awa", at: time))
        #expect(edited.updated == Stamp(by: "moussa", at: time + 60))
        #expect(book.seq == 2)
        #expect(book.count == 1)
    }

    @Test func numbersFollowEachRegionPrefix() throws {
        var book = CaseBook()
        #expect(book.nextNumber(prefix: "GAO") == "GAO-000001")
        try add(&book, sampleProfile(), prefix: "GAO")
        try add(&book, sampleProfile(), prefix: "GAO")
        try add(&book, sampleProfile(region: "ML06"), prefix: "TBK")
        #expect(book.nextNumber(prefix: "GAO") == "GAO-000003")
        #expect(book.nextNumber(prefix: "TBK") == "TBK-000002")
        #expect(book.nextNumber(prefix: "KDL") == "KDL-000001")
        // A number given explicitly (an import) moves the series past it.
        try book.apply(entry(book, .register(id: UUID(), number: "GAO-000041", profile: sampleProfile())))
        #expect(book.nextNumber(prefix: "GAO") == "GAO-000042")
        #expect(book.find(number: "gao-000041") != nil)
        #expect(book.find(number: "GAO-000099") == nil)
    }

    @Test func duplicateNumberIsRefused() throws {
        var book = CaseBook()
        try add(&book, sampleProfile())
        let before = try book.allCases()
        #expect(throws: ChangeError.duplicateNumber("GAO-000001")) {
            try book.apply(entry(book, .register(id: UUID(), number: "GAO-000001", profile: sampleProfile())))
        }
        #expect(try book.allCases() == before)
        #expect(book.seq == 1)
    }

    @Test func duplicateIdentifierIsRefused() throws {
        var book = CaseBook()
        let id = try add(&book, sampleProfile())
        #expect(throws: ChangeError.duplicateID) {
            try book.apply(entry(book, .register(id: id, number: "GAO-000002", profile: sampleProfile())))
        }
    }

    @Test func staleVersionIsRefused() throws {
        var book = CaseBook()
        let id = try add(&book, sampleProfile())
        var first = sampleProfile()
        first.phone = "76 00 00 01"
        var second = sampleProfile()
        second.phone = "76 00 00 02"
        // Two editors started from version 1: the first to save wins, the second is refused.
        try book.apply(entry(book, .editProfile(id: id, expectedVersion: 1, profile: first)))
        #expect(throws: ChangeError.staleVersion(number: "GAO-000001")) {
            try book.apply(entry(book, .editProfile(id: id, expectedVersion: 1, profile: second)))
        }
        #expect(book[id]?.profile.phone == "76 00 00 01")
        #expect(book[id]?.version == 2)
        #expect(book.seq == 2)
    }

    @Test func unknownCaseIsRefused() throws {
        var book = CaseBook()
        try add(&book, sampleProfile())
        #expect(throws: ChangeError.unknownCase) {
            try book.apply(entry(book, .editProfile(id: UUID(), expectedVersion: 1, profile: sampleProfile())))
        }
    }

    @Test(arguments: [0, 1, 3, 10])
    func outOfSequenceIsRefused(seq: Int) throws {
        var book = CaseBook()
        try add(&book, sampleProfile())
        #expect(throws: ChangeError.outOfSequence(expected: 2, found: seq)) {
            try book.apply(entry(book, .register(id: UUID(), number: "GAO-000002", profile: sampleProfile()), seq: seq))
        }
        #expect(book.count == 1)
    }

    @Test func snapshotContentsAreChecked() throws {
        let stamp = Stamp(by: "awa", at: time)
        let one = Case(id: UUID(), number: "GAO-000001", profile: sampleProfile(), status: .active, created: stamp, updated: stamp, version: 3)
        var sameNumber = one
        sameNumber.id = UUID()
        #expect(throws: ChangeError.duplicateNumber("GAO-000001")) { try CaseBook(cases: [one, sameNumber], seq: 5) }
        var sameID = one
        sameID.number = "GAO-000002"
        #expect(throws: ChangeError.duplicateID) { try CaseBook(cases: [one, sameID], seq: 5) }
        let book = try CaseBook(cases: [one], seq: 5)
        #expect(book.seq == 5)
        #expect(book.nextNumber(prefix: "GAO") == "GAO-000002")
        #expect(book.possibleDuplicates(of: sampleProfile("MAIGA")).map(\.digest.id) == [one.id])
    }

    @Test func duplicatesIgnoreAccentsCaseAndSpacing() throws {
        var book = CaseBook()
        let maiga = try add(&book, sampleProfile("Maïga", "Fatoumata"))
        let agMohamed = try add(&book, sampleProfile("Ag Mohamed", "Ahmed Ould"))
        try add(&book, sampleProfile("Touré", "Fatoumata"))

        #expect(book.possibleDuplicates(of: sampleProfile("MAIGA", "fatoumata")).map(\.digest.id) == [maiga])
        #expect(book.possibleDuplicates(of: sampleProfile("  maïga ", "FATOUMATA")).map(\.digest.id) == [maiga])
        #expect(book.possibleDuplicates(of: sampleProfile("Agmohamed", "Ahmed-Ould")).map(\.digest.id) == [agMohamed])
        #expect(book.possibleDuplicates(of: sampleProfile("AG  MOHAMED", "ahmed ould")).map(\.digest.id) == [agMohamed])
        #expect(book.possibleDuplicates(of: sampleProfile("Maïga", "Aminata")).isEmpty)
        #expect(book.possibleDuplicates(of: sampleProfile("Maïga", "Fatoumata"), excluding: maiga).isEmpty)
    }

    @Test func duplicatesRespectRegionAndBirthYear() throws {
        var book = CaseBook()
        let id = try add(&book, sampleProfile("Maïga", "Fatoumata", region: "ML07", birthYear: 1980))
        #expect(book.possibleDuplicates(of: sampleProfile("Maiga", "Fatoumata", region: "ML06", birthYear: 1980)).isEmpty)
        for year in [1979, 1980, 1981] {
            #expect(book.possibleDuplicates(of: sampleProfile("Maiga", "Fatoumata", birthYear: year)).map(\.digest.id) == [id], "\(year)")
        }
        for year in [1978, 1982] {
            #expect(book.possibleDuplicates(of: sampleProfile("Maiga", "Fatoumata", birthYear: year)).isEmpty, "\(year)")
        }
        // An unknown birth year matches any.
        #expect(book.possibleDuplicates(of: sampleProfile("Maiga", "Fatoumata", birthYear: nil)).map(\.digest.id) == [id])
        // An age estimate counts as a birth year.
        var estimated = sampleProfile("Maiga", "Fatoumata", birthYear: nil)
        estimated.ageEstimate = AgeEstimate(years: 44, asOf: CalendarDate(year: 2025, month: 1, day: 1)!)
        #expect(book.possibleDuplicates(of: estimated).map(\.digest.id) == [id])
        estimated.ageEstimate = AgeEstimate(years: 30, asOf: CalendarDate(year: 2025, month: 1, day: 1)!)
        #expect(book.possibleDuplicates(of: estimated).isEmpty)
    }

    @Test func duplicatesFollowEdits() throws {
        var book = CaseBook()
        let id = try add(&book, sampleProfile("Maïga", "Fatoumata"))
        try book.apply(entry(book, .editProfile(id: id, expectedVersion: 1, profile: sampleProfile("Cissé", "Fatoumata"))))
        #expect(book.possibleDuplicates(of: sampleProfile("Maiga", "Fatoumata")).isEmpty)
        #expect(book.possibleDuplicates(of: sampleProfile("CISSE", "Fatoumata")).map(\.digest.id) == [id])
        try book.apply(entry(book, .editProfile(id: id, expectedVersion: 2, profile: sampleProfile("Cissé", "Fatoumata", region: "ML06"))))
        #expect(book.possibleDuplicates(of: sampleProfile("Cisse", "Fatoumata")).isEmpty)
        #expect(book.possibleDuplicates(of: sampleProfile("Cisse", "Fatoumata", region: "ML06")).map(\.digest.id) == [id])
    }
}
