import Foundation
import Testing
@testable import RetourCore

/// The tracks' rules (`Assets/tracks.json`), held by `CaseBook.check` for every new enrolment:
/// "a man enrolled in the women's track without a word" cannot happen again.
@Suite("Enrolment rules of the tracks")
struct EnrolmentRulesTests {
    typealias F = CSVFixtures

    private func day(_ text: String) -> CalendarDate {
        FollowUpBook.day(text)
    }

    /// A book holding the real tracks' rules, and a case registered with `profile`.
    private func book(_ profile: CaseProfile) throws -> (FollowUpBook, UUID) {
        var book = FollowUpBook()
        book.book.enrolmentRules = FollowUpBook.tracks.enrolmentRules
        let id = try book.register(profile)
        return (book, id)
    }

    private func man(born year: Int? = 1980) -> CaseProfile {
        var profile = sampleProfile("Touré", "Hamadoun", birthYear: year)
        profile.sex = .male
        return profile
    }

    private func plan(_ track: String, on date: String = "2016-01-25", exception: String? = nil) throws -> Plan {
        var plan = try #require(FollowUpBook.tracks.plan(track: track, id: UUID(), enrolledOn: day(date)))
        plan.exception = exception
        return plan
    }

    private func expectRefused(_ change: Change, in book: inout FollowUpBook, _ error: ChangeError,
                               sourceLocation: SourceLocation = #_sourceLocation) throws {
        let before = try book.book.allCases()
        let seq = book.book.seq
        #expect(throws: error, sourceLocation: sourceLocation) { try book.apply(change) }
        #expect(try book.book.allCases() == before, sourceLocation: sourceLocation)
        #expect(book.book.seq == seq, sourceLocation: sourceLocation)
    }

    @Test func theRulesAreDataInTheTracksFile() {
        let rules = FollowUpBook.tracks.enrolmentRules.byTrack
        #expect(rules["women_agr"] == Eligibility(sex: .female))
        #expect(rules["youth_entrepreneurship"] == Eligibility(minimumAge: 15, maximumAge: 35))
        #expect(rules["durable_solutions"] == nil)
    }

    @Test func aManIsNotEnrolledInTheWomensTrackWithoutAReason() throws {
        var (book, id) = try self.book(man())
        try expectRefused(.enrol(id: id, plan: plan("women_agr")), in: &book,
                          .outsideTrackRules(number: "GAO-000001", track: "women_agr"))
        try expectRefused(.enrol(id: id, plan: plan("women_agr", exception: " \n ")), in: &book,
                          .outsideTrackRules(number: "GAO-000001", track: "women_agr"))
        // The refusal is said in both languages.
        let error = ChangeError.outsideTrackRules(number: "GAO-000001", track: "women_agr")
        #expect(F.english.text(error.message).contains("Women's income-generating activity (AGR)"))
        #expect(F.french.text(error.message).contains("AGR des femmes"))
        #expect(!F.french.text(error.message).contains("error."))
    }

    @Test func withAReasonTheEnrolmentIsKeptWithItAndTheTimelineSaysIt() throws {
        var (book, id) = try self.book(man())
        let reason = "Seul soutien d'une famille de veuves ;\nvalidé par la superviseure."
        try book.apply(.enrol(id: id, plan: plan("women_agr", exception: reason)))
        let item = book[id]
        #expect(item.status == .active)
        #expect(item.plans.first?.exception == reason)
        let event = try #require(item.timeline.last)
        #expect(event.kind == "timeline.enrolException")
        #expect(event.details == ["track": "women_agr", "reason": reason])
    }

    @Test func aWomanIsEnrolledInTheWomensTrackAsBefore() throws {
        var (book, id) = try self.book(sampleProfile())
        try book.apply(.enrol(id: id, plan: plan("women_agr")))
        #expect(book[id].plans.first?.exception == nil)
        #expect(book[id].timeline.last?.kind == "timeline.enrol")
        // A blank reason is no exception for the timeline either.
        try book.apply(.enrol(id: id, plan: plan("durable_solutions", exception: " \n")))
        #expect(book[id].timeline.last?.kind == "timeline.enrol")
    }

    @Test func ageIsTakenOnTheDayOfEnrolment() throws {
        // Born 14/03/1980: 35 until 13/03/2016, 36 from 14/03/2016.
        var (book, id) = try self.book(man(born: 1980))
        try expectRefused(.enrol(id: id, plan: plan("youth_entrepreneurship", on: "2016-03-14")), in: &book,
                          .outsideTrackRules(number: "GAO-000001", track: "youth_entrepreneurship"))
        try book.apply(.enrol(id: id, plan: plan("youth_entrepreneurship", on: "2016-03-13")))
    }

    @Test func aYearOfBirthOrAnEstimateIsAnAgeToo() throws {
        var young = man(born: nil)
        young.yearOfBirth = 2002  // 14 during 2016
        var (book, id) = try self.book(young)
        try expectRefused(.enrol(id: id, plan: plan("youth_entrepreneurship", on: "2016-06-01")), in: &book,
                          .outsideTrackRules(number: "GAO-000001", track: "youth_entrepreneurship"))
        var estimated = man(born: nil)
        estimated.ageEstimate = AgeEstimate(years: 40, asOf: day("2015-01-10"))
        let other = try book.register(estimated)
        let findings = FollowUpBook.tracks.enrolmentRules.findings(for: "youth_entrepreneurship", profile: estimated,
                                                                   on: day("2016-06-01"))
        #expect(findings == [.age(track: "youth_entrepreneurship", minimum: 15, maximum: 35, age: 41, on: day("2016-06-01"))])
        #expect(throws: ChangeError.outsideTrackRules(number: "GAO-000002", track: "youth_entrepreneurship")) {
            try book.apply(.enrol(id: other, plan: plan("youth_entrepreneurship", on: "2016-06-01")))
        }
    }

    @Test func anUnknownAgeIsNoViolationButIsSaid() throws {
        var (book, id) = try self.book(man(born: nil))
        let findings = FollowUpBook.tracks.enrolmentRules.findings(for: "youth_entrepreneurship", profile: man(born: nil),
                                                                   on: day("2016-01-25"))
        #expect(findings == [.unknownAge(track: "youth_entrepreneurship", minimum: 15, maximum: 35)])
        #expect(!findings[0].isViolation)
        #expect(F.english.text(findings[0].message)
                == "Age unknown: the Youth entrepreneurship track is for people aged 15 to 35. Check before enrolling.")
        try book.apply(.enrol(id: id, plan: plan("youth_entrepreneurship")))
        #expect(book[id].plans.count == 1)
    }

    @Test func aReasonIsBoundedAndHoldsNoControlCharacter() throws {
        var (book, id) = try self.book(man())
        try expectRefused(.enrol(id: id, plan: plan("women_agr", exception: String(repeating: "a", count: 1001))), in: &book,
                          .textTooLong(number: "GAO-000001", maximum: 1000))
        try expectRefused(.enrol(id: id, plan: plan("women_agr", exception: "Validé\u{1B}]52;c;")), in: &book,
                          .controlCharacter(number: "GAO-000001"))
    }

    /// What the journal already holds is read as it is: an enrolment made before the rules
    /// existed still opens, and an old line without `exception` decodes.
    @Test func anOldJournalLineStillReads() throws {
        var (book, id) = try self.book(man())
        let line = #"""
        {"at":"2016-01-25T09:00:00Z","by":"awa","change":{"enrol":{"id":"\#(id.uuidString)","plan":{"enrolledOn":"2016-01-25","id":"6F9619FF-8B86-D011-B42D-00C04FC964FF","steps":[{"blockedReason":"","by":"","code":"vulnerability_assessment","given":"","note":"","plannedOn":"2016-02-01","status":"not_started"}],"track":"women_agr"}}},"schemaVersion":2,"seq":\#(book.book.seq + 1)}
        """#
        let entry = try LineDecoder().decode(JournalEntry.self, from: Data(line.utf8))
        guard case .enrol(_, let plan) = entry.change else { Issue.record("not an enrolment"); return }
        #expect(plan.exception == nil)
        #expect(plan.withdrawal == nil)
        try book.book.replay(entry)
        #expect(book[id].plans.map(\.track) == ["women_agr"])
        #expect(book[id].status == .active)
    }

    @Test func aCaseWithoutSexRecordedIsNoViolation() throws {
        var profile = man()
        profile.sex = nil
        let findings = FollowUpBook.tracks.enrolmentRules.findings(for: "women_agr", profile: profile, on: day("2016-01-25"))
        #expect(findings == [.unknownSex(track: "women_agr", required: .female)])
        #expect(F.french.text(findings[0].message) == "Sexe non renseigné : le parcours AGR des femmes est réservé aux femmes.")
    }

    @Test func theStoreHoldsItsRulesAcrossReads() throws {
        try withTemporaryDirectory { directory in
            let store = try Store(directory: directory)
            store.enrolmentRules = FollowUpBook.tracks.enrolmentRules
            let item = try register(store, man())
            #expect(throws: ChangeError.outsideTrackRules(number: item.number, track: "women_agr")) {
                try store.commit(.enrol(id: item.id, plan: plan("women_agr")), as: .anyone("awa"))
            }
            try store.close()
            let reopened = try Store(directory: directory)
            reopened.enrolmentRules = FollowUpBook.tracks.enrolmentRules
            #expect(throws: ChangeError.outsideTrackRules(number: item.number, track: "women_agr")) {
                try reopened.commit(.enrol(id: item.id, plan: plan("women_agr")), as: .anyone("awa"))
            }
            try reopened.commit(.enrol(id: item.id, plan: plan("women_agr", exception: "Décision du comité")), as: .anyone("awa"))
            #expect(reopened.book[item.id]?.plans.first?.exception == "Décision du comité")
        }
    }
}
