import Foundation
import Testing
@testable import RetourCore

@Suite("Household members: rules, size, timeline, duplicates, counts")
struct HouseholdTests {
    private let today = CalendarDate(year: 2025, month: 6, day: 15)!

    private func child(_ name: String = "Aminata", born: Int = 2015, sex: Sex = .female) -> HouseholdMember {
        HouseholdMember(id: UUID(), givenNames: name, sex: sex, yearOfBirth: born, relationship: .child)
    }

    @Test func membersMakeTheHouseholdSizeAndLeaveATrace() throws {
        var book = FollowUpBook()
        let id = try book.register()
        let first = child(), second = child("Moussa", born: 2018, sex: .male)
        try book.apply(.saveMember(id: id, member: first))
        try book.apply(.saveMember(id: id, member: second))
        #expect(book[id].members.map(\.givenNames) == ["Aminata", "Moussa"])
        #expect(book[id].profile.householdSize == 3)
        var edited = second
        edited.note = "Scolarisé à Gao"
        try book.apply(.saveMember(id: id, member: edited))
        #expect(book[id].members.count == 2 && book[id].members[1].note == "Scolarisé à Gao")
        try book.apply(.removeMember(id: id, member: first.id))
        #expect(book[id].members.map(\.givenNames) == ["Moussa"])
        #expect(book[id].profile.householdSize == 2)
        #expect(book[id].timeline.map(\.kind).suffix(4) == ["timeline.memberAdded", "timeline.memberAdded",
                                                              "timeline.memberEdited", "timeline.memberRemoved"])
        #expect(book[id].timeline.last?.details["name"] == "Aminata")
    }

    @Test func aProfileEditCannotContradictTheListedMembers() throws {
        var book = FollowUpBook()
        let id = try book.register()
        try book.apply(.saveMember(id: id, member: child()))
        var profile = book[id].profile
        profile.householdSize = 9
        try book.apply(.editProfile(id: id, expectedVersion: book[id].version, profile: profile))
        #expect(book[id].profile.householdSize == 2)
    }

    @Test func badMembersAreRefused() throws {
        var book = FollowUpBook()
        let id = try book.register()
        #expect(throws: ChangeError.missingText(number: "GAO-000001")) {
            try book.apply(.saveMember(id: id, member: child(" ")))
        }
        #expect(throws: ChangeError.unknownMember(number: "GAO-000001")) {
            try book.apply(.removeMember(id: id, member: UUID()))
        }
        #expect(throws: ChangeError.controlCharacter(number: "GAO-000001")) {
            try book.apply(.saveMember(id: id, member: child("Awa\u{1B}[2J")))
        }
        var linked = child()
        linked.ownCase = UUID()
        #expect(throws: ChangeError.unknownCase) { try book.apply(.saveMember(id: id, member: linked)) }
        for _ in 0..<HouseholdMember.maximumCount { try book.apply(.saveMember(id: id, member: child())) }
        #expect(throws: ChangeError.householdFull(number: "GAO-000001")) {
            try book.apply(.saveMember(id: id, member: child()))
        }
        #expect(book[id].members.count == HouseholdMember.maximumCount)
    }

    @Test func theDuplicateCheckKnowsMembers() throws {
        var book = FollowUpBook()
        let id = try book.register()
        let family = book[id].profile.familyName
        try book.apply(.saveMember(id: id, member: child("Mariam", born: 2001)))
        var profile = sampleProfile()
        profile.familyName = family
        profile.givenNames = "Mariam"
        profile.dateOfBirth = nil
        profile.yearOfBirth = 2002
        let found = book.book.possibleDuplicates(of: profile)
        #expect(found.count == 1)
        #expect(found.first?.digest.id == id && found.first?.member?.fullName == "\(family) Mariam")
        profile.yearOfBirth = 1990
        #expect(book.book.possibleDuplicates(of: profile).isEmpty)
    }

    @Test func aMemberRegisteredAsACaseIsLinkedBothWays() throws {
        var book = FollowUpBook()
        let household = try book.register()
        var member = child("Mariam", born: 2001)
        try book.apply(.saveMember(id: household, member: member))
        var profile = sampleProfile()
        profile.givenNames = "Mariam"
        profile.familyName = book[household].profile.familyName
        let own = try book.register(profile)
        member.ownCase = own
        try book.apply(.saveMember(id: household, member: member))
        #expect(book.book.household(of: own) == household)
        // The member is now found as their own case, not twice.
        let found = book.book.possibleDuplicates(of: profile)
        #expect(found.map(\.digest.id) == [own] && found.allSatisfy { $0.member == nil })
        try book.apply(.removeMember(id: household, member: member.id))
        #expect(book.book.household(of: own) == nil)
    }

    @Test func aCaseIsTheOwnCaseOfOneMemberOnly() throws {
        var book = FollowUpBook()
        let household = try book.register()
        let other = try book.register()
        let own = try book.register()
        var first = child("Mariam", born: 2001)
        first.ownCase = own
        try book.apply(.saveMember(id: household, member: first))
        var second = child("Awa", born: 2003)
        second.ownCase = own
        #expect(throws: ChangeError.alreadyInHousehold(number: "GAO-000003")) {
            try book.apply(.saveMember(id: household, member: second))
        }
        #expect(throws: ChangeError.alreadyInHousehold(number: "GAO-000003")) {
            try book.apply(.saveMember(id: other, member: second))
        }
        // The member linked may still be edited, and once removed their case is free again.
        first.note = "En formation"
        try book.apply(.saveMember(id: household, member: first))
        try book.apply(.removeMember(id: household, member: first.id))
        try book.apply(.saveMember(id: other, member: second))
        #expect(book.book.household(of: own) == other)
    }

    @Test func linksAreReadByNumberAndShownOnBothCases() throws {
        var book = FollowUpBook()
        let household = try book.register()
        let own = try book.register()
        var member = child("Mariam", born: 2001)
        member.ownCase = own
        try book.apply(.saveMember(id: household, member: member))
        let reader = CaseReader(book: book.book, clearance: .anyone("awa"))
        #expect(reader.links(of: book[household]).ownCases[member.id]?.number == "GAO-000002")
        #expect(reader.links(of: book[household]).household == nil)
        #expect(reader.links(of: book[own]).household?.number == "GAO-000001")
        #expect(reader.links(of: book[own]).ownCases.isEmpty)
        let reference = CSVFixtures.reference
        for language in [Language.fr, .en] {
            let catalog = try Catalog(language: language, assets: Assets.locate())
            let ofHousehold = CaseSummary(book[household], catalog: catalog, reference: reference, today: today,
                                          links: reader.links(of: book[household])).text
            #expect(ofHousehold.contains(language == .fr ? "dossier GAO-000002" : "case GAO-000002"), "\(ofHousehold)")
            let ofMember = CaseSummary(book[own], catalog: catalog, reference: reference, today: today,
                                       links: reader.links(of: book[own])).text
            #expect(ofMember.contains(language == .fr ? "dans le ménage du dossier GAO-000001"
                                                      : "in the household of case GAO-000001"), "\(ofMember)")
        }
    }

    @Test func aMemberWithACaseOfTheirOwnIsCountedOnce() throws {
        var book = FollowUpBook()
        let household = try book.register()
        let own = try book.register()
        var member = child("Mariam", born: 2001)
        member.ownCase = own
        try book.apply(.saveMember(id: household, member: member))
        #expect(IndividualCounts(book.book.digests, on: today).total == 2)
        // Counted among the household's when their own case is not among those counted.
        #expect(IndividualCounts(book.book.digests.filter { $0.id == household }, on: today).total == 2)
        #expect(IndividualCounts(book.book.digests.filter { $0.id == own }, on: today).total == 1)
    }

    @Test func individualsAreCountedBySexAndAgeBand() throws {
        var book = FollowUpBook()
        let id = try book.register()
        try book.apply(.saveMember(id: id, member: child("Awa", born: 2022)))
        try book.apply(.saveMember(id: id, member: child("Ali", born: 2010, sex: .male)))
        var unknown = child("Sans âge")
        unknown.yearOfBirth = nil
        unknown.sex = nil
        try book.apply(.saveMember(id: id, member: unknown))
        let counts = IndividualCounts(book.book.digests, on: today)
        #expect(counts.total == 4)
        #expect(counts.count(sex: .female, band: 0) == 1)
        #expect(counts.count(sex: .male, band: 2) == 1)
        #expect(counts.count(sex: nil, band: nil) == 1)
        let person = book[id].profile
        #expect(counts.count(sex: person.sex, band: IndividualCounts.band(of: person.age(on: today))) == 1)
    }

    @Test func membersSurviveTheIndexAndTheSnapshot() throws {
        try withTemporaryDirectory { root in
            let data = root.appendingPathComponent("data")
            let store = try Store(directory: data)
            let id = UUID()
            try store.commit(.register(id: id, number: "GAO-000001", profile: sampleProfile()), as: .anyone("awa"))
            try store.commit(.saveMember(id: id, member: child()), as: .anyone("awa"))
            try store.close()
            // Once from the snapshot (the index is written then), once from the index.
            for _ in 0..<2 {
                let reopened = try Store(directory: data, write: false)
                #expect(reopened.book.digests.first?.members.map(\.compactGivenNames) == ["aminata"])
                #expect(reopened.book[id]?.members.count == 1)
                #expect(reopened.book.possibleDuplicates(of: {
                    var profile = sampleProfile()
                    profile.givenNames = "Aminata"
                    profile.dateOfBirth = nil
                    return profile
                }()).first?.member != nil)
                try reopened.close()
            }
        }
    }

    @Test func theSummaryListsTheMembers() throws {
        var book = FollowUpBook()
        let id = try book.register()
        var member = child("Aminata", born: 2015)
        member.note = "Scolarisée"
        try book.apply(.saveMember(id: id, member: member))
        let reference = CSVFixtures.reference
        for language in [Language.fr, .en] {
            let catalog = try Catalog(language: language, assets: Assets.locate())
            let text = CaseSummary(book[id], catalog: catalog, reference: reference, today: today).text
            #expect(text.contains(language == .fr ? "Ménage : 1 membre" : "Household: 1 member"), "\(text)")
            #expect(text.contains("Maïga Aminata"))
            #expect(text.contains(language == .fr ? "enfant · Femme · né(e) en 2015"
                                                  : "child · Female · born in 2015"), "\(text)")
            #expect(text.contains("Scolarisée"))
        }
    }

    /// A member's birth reads as it was given: a date whole, an age as an age, never a made-up year.
    @Test func theSummarySaysABirthAsItWasGiven() throws {
        var book = FollowUpBook()
        let id = try book.register()
        try book.apply(.saveMember(id: id, member: HouseholdMember(id: UUID(), givenNames: "Ali", sex: .male,
                                                                   dateOfBirth: CalendarDate(year: 1985, month: 6, day: 1), relationship: .spouse)))
        try book.apply(.saveMember(id: id, member: HouseholdMember(id: UUID(), givenNames: "Awa", sex: .female,
                                                                   ageEstimate: AgeEstimate(years: 17, asOf: today), relationship: .child)))
        let catalog = try Catalog(language: .en, assets: Assets.locate())
        let text = CaseSummary(book[id], catalog: catalog, reference: CSVFixtures.reference, today: today).text
        #expect(text.contains("spouse · Male · 1985-06-01 (40 years)"), "\(text)")
        #expect(text.contains("child · Female · about 17 years (age given on 2025-06-15)"), "\(text)")
        #expect(!text.contains("2008"))
    }
}

@Suite("Household members: members.csv")
struct HouseholdExportTests {
    @Test func membersAreExportedOneRowEach() throws {
        var book = FollowUpBook()
        let id = try book.register()
        let other = try book.register()
        var member = HouseholdMember(id: UUID(), givenNames: "Aminata", sex: .female, yearOfBirth: 2015, relationship: .child,
                                     vulnerabilities: ["disability"], note: "=cmd", ownCase: other)
        try book.apply(.saveMember(id: id, member: member))
        member = HouseholdMember(id: UUID(), givenNames: "Ali", familyName: "Touré", sex: .male,
                                 dateOfBirth: CalendarDate(year: 1970, month: 1, day: 2), relationship: .spouse)
        try book.apply(.saveMember(id: id, member: member))
        let cases = try book.book.allCases()
        let today = CalendarDate(year: 2025, month: 6, day: 15)!
        let records = CSVExport.records(.members, cases, reference: CSVFixtures.reference, today: today)
        #expect(records.count == 3)
        #expect(records[0].first == "case_number")
        #expect(records[1] == ["GAO-000001", records[1][1], "Aminata", "", "F", "2015", "", "child", "disability", "=cmd", "GAO-000002"])
        #expect(records[2][2...7] == ["Ali", "Touré", "M", "1970-01-02", "", "spouse"])
        let labels = CSVExport.records(.members, cases, reference: CSVFixtures.reference, today: today,
                                       wording: .labels(try Catalog(language: .fr, assets: Assets.locate())))
        #expect(labels[0][7] == "Lien" && labels[1][7] == "enfant")
        // A formula typed in a note is defused in the file.
        let file = String(decoding: try CSVExport.csv(.members, cases, reference: CSVFixtures.reference, today: today), as: UTF8.self)
        #expect(!file.contains(",=cmd"))
    }
}
