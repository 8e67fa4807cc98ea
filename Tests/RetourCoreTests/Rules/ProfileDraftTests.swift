import Foundation
import Testing
@testable import RetourCore

@Suite("ProfileDraft: registration rules")
struct ProfileDraftTests {
    let reference: Reference
    let today = CalendarDate(year: 2025, month: 6, day: 15)!

    init() throws {
        let assets = try Assets.locate()
        reference = try Reference(assets: assets)
    }

    /// A draft that passes every rule.
    private var valid: ProfileDraft {
        ProfileDraft([
            .familyName: "Maïga", .givenNames: "Fatoumata", .sex: "F", .dateOfBirth: "14/03/1980",
            .category: "idp_returnee", .region: "Gao", .cercle: "Ansongo",
        ])
    }

    private func with(_ changes: [ProfileField: String]) -> ProfileDraft {
        var draft = valid
        for (field, value) in changes { draft[field] = value }
        return draft
    }

    private func parse(_ draft: ProfileDraft) -> Result<CaseProfile, InvalidProfile> {
        draft.parse(reference: reference, today: today)
    }

    private func issues(_ draft: ProfileDraft) -> [FieldIssue] {
        if case .failure(let invalid) = parse(draft) { return invalid.issues }
        return []
    }

    private func profile(_ draft: ProfileDraft, sourceLocation: SourceLocation = #_sourceLocation) throws -> CaseProfile {
        switch parse(draft) {
        case .success(let profile): return profile
        case .failure(let invalid):
            Issue.record("refused: \(invalid.issues.map { "\($0.field): \($0.message)" })", sourceLocation: sourceLocation)
            throw invalid
        }
    }

    private func expectIssue(_ draft: ProfileDraft, _ field: ProfileField, _ key: String,
                             sourceLocation: SourceLocation = #_sourceLocation) {
        let found = issues(draft)
        #expect(found.map(\.field) == [field], "\(found)", sourceLocation: sourceLocation)
        #expect(found.first?.message.key == key, "\(found)", sourceLocation: sourceLocation)
    }

    @Test func validDraft() throws {
        let result = try profile(valid)
        #expect(result.familyName == "Maïga")
        #expect(result.givenNames == "Fatoumata")
        #expect(result.sex == .female)
        #expect(result.dateOfBirth == CalendarDate(year: 1980, month: 3, day: 14))
        #expect(result.ageEstimate == nil)
        #expect(result.householdSize == 1)
        #expect(result.category == .idpReturnee)
        #expect(result.region == "ML07")
        #expect(result.cercle == "ML0701")
        #expect(result.vulnerabilities.isEmpty)
        #expect(result.document == nil)
    }

    @Test func requiredFields() {
        let found = issues(ProfileDraft([.familyName: "  ", .phone: "76 12 34 56"]))
        #expect(found.map(\.field) == [.familyName, .givenNames, .sex, .category, .region])
        #expect(found.allSatisfy { $0.message.key == "invalid.required" })
    }

    @Test func textIsTrimmedAndComposed() throws {
        let result = try profile(with([.familyName: "  Mai\u{0308}ga\t", .givenNames: "Fatoumata ", .village: " Château "]))
        #expect(result.familyName == "Maïga")
        #expect(result.familyName.unicodeScalars.count == 5)
        #expect(result.givenNames == "Fatoumata")
        #expect(result.village == "Château")
    }

    @Test(arguments: ["F", "f", "Femme", "FEMME", "female", "Féminin", " f "])
    func femaleWords(text: String) throws {
        #expect(try profile(with([.sex: text])).sex == .female)
    }

    @Test(arguments: ["M", "m", "Homme", "male", "MALE", "masculin", "Masculin"])
    func maleWords(text: String) throws {
        #expect(try profile(with([.sex: text])).sex == .male)
    }

    @Test(arguments: ["X", "fem", "femmes", "0"])
    func unknownSex(text: String) {
        expectIssue(with([.sex: text]), .sex, "invalid.sex")
    }

    @Test func datesInBothForms() throws {
        let iso = try profile(with([.dateOfBirth: "1980-03-14"])).dateOfBirth
        let dayFirst = try profile(with([.dateOfBirth: "14/03/1980"])).dateOfBirth
        #expect(iso == CalendarDate(year: 1980, month: 3, day: 14))
        #expect(dayFirst == iso)
        #expect(try profile(with([.dateOfBirth: "29/02/2020"])).dateOfBirth == CalendarDate(year: 2020, month: 2, day: 29))
        #expect(try profile(with([.dateOfBirth: "2025-06-15"])).dateOfBirth == today)
        #expect(try profile(with([.dateOfBirth: ""])).dateOfBirth == nil)
    }

    @Test(arguments: ["14-03-1980", "1980/03/14", "14/03/80", "1899-12-31", "abc", "14.03.1980"])
    func invalidDates(text: String) {
        expectIssue(with([.dateOfBirth: text]), .dateOfBirth, "invalid.date")
    }

    /// Well written, but no such day: said differently, so the reader checks the numbers.
    @Test(arguments: ["31/02/2020", "2020-02-30", "29/02/2021", "31/04/2000", "00/01/2000", "2000-13-01"])
    func daysThatDoNotExist(text: String) {
        expectIssue(with([.dateOfBirth: text]), .dateOfBirth, "invalid.noSuchDay")
    }

    @Test func futureDates() {
        expectIssue(with([.dateOfBirth: "2025-06-16"]), .dateOfBirth, "invalid.future")
        expectIssue(with([.dateOfBirth: "01/01/2030"]), .dateOfBirth, "invalid.future")
        expectIssue(with([.returnDate: "16/06/2025"]), .returnDate, "invalid.future")
    }

    @Test func returnDate() throws {
        #expect(try profile(with([.returnDate: "2024-11-02"])).returnDate == CalendarDate(year: 2024, month: 11, day: 2))
        expectIssue(with([.returnDate: "01/01/1979"]), .returnDate, "invalid.beforeBirth")
    }

    @Test func ageInsteadOfDate() throws {
        let zero = try profile(with([.dateOfBirth: "", .age: "0"]))
        #expect(zero.ageEstimate == AgeEstimate(years: 0, asOf: today))
        #expect(zero.dateOfBirth == nil)
        let old = try profile(with([.dateOfBirth: "", .age: " 120 "]))
        #expect(old.ageEstimate?.years == 120)
        #expect(old.birthYear == 1905)
        for text in ["121", "-1", "abc", "4.5", "1000"] {
            expectIssue(with([.dateOfBirth: "", .age: text]), .age, "invalid.age")
        }
        // With a date of birth, an age that agrees (within a year) is kept out; one that does not is refused.
        let born = with([:])[.dateOfBirth]
        #expect(!born.isEmpty)
        let years = try #require(CalendarDate(parsing: born)).years(until: today)
        #expect(try profile(with([.age: String(years)])).ageEstimate == nil)
        expectIssue(with([.age: String(years + 5)]), .age, "invalid.ageMismatch")
        expectIssue(with([.age: "200"]), .age, "invalid.age")
        // A bad date is the only complaint about the date; the age is not judged against it.
        expectIssue(with([.dateOfBirth: "31/02/2020", .age: "30"]), .dateOfBirth, "invalid.noSuchDay")
    }

    @Test func phone() throws {
        for text in ["+223 76 12 34 56", "76-12-34-56", "(+223) 76.12.34.56", "123456", "123456789012345"] {
            #expect(try profile(with([.phone: text])).phone == text)
        }
        for text in ["12345", "1234567890123456", "76 12 34 5a", "76/12/34/56", "٧٦١٢٣٤٥٦"] {
            expectIssue(with([.phone: text]), .phone, "invalid.phone")
        }
    }

    @Test func identityDocument() throws {
        let result = try profile(with([.documentType: "passport", .documentNumber: "AA123456"]))
        #expect(result.document == IdentityDocument(type: "passport", number: "AA123456"))
        for type in reference.idDocumentTypes {
            #expect(try profile(with([.documentType: type, .documentNumber: "1"])).document?.type == type)
        }
        expectIssue(with([.documentType: "passport"]), .documentNumber, "invalid.documentNumber")
        expectIssue(with([.documentNumber: "AA123456"]), .documentType, "invalid.documentType")
        expectIssue(with([.documentType: "visa", .documentNumber: "1"]), .documentType, "invalid.code")
    }

    @Test func householdSize() throws {
        #expect(try profile(with([.householdSize: ""])).householdSize == 1)
        #expect(try profile(with([.householdSize: "1"])).householdSize == 1)
        #expect(try profile(with([.householdSize: " 50 "])).householdSize == 50)
        for text in ["0", "51", "-3", "two", "2.5"] {
            expectIssue(with([.householdSize: text]), .householdSize, "invalid.household")
        }
    }

    @Test(arguments: [
        ("idp_returnee", Category.idpReturnee), ("refugee_returnee", .refugeeReturnee), ("host_community", .hostCommunity),
        ("Returned IDP", .idpReturnee), ("Repatriated refugee", .refugeeReturnee), ("Host community", .hostCommunity),
        ("IDP returnee", .idpReturnee), ("PDI", .idpReturnee), ("PDI retournée", .idpReturnee),
        ("Réfugié rapatrié", .refugeeReturnee), ("réfugiée rapatriée", .refugeeReturnee),
        ("Communauté hôte", .hostCommunity), ("COMMUNAUTE HOTE", .hostCommunity),
    ])
    func categoryCodesAndLabels(text: String, expected: Category) throws {
        #expect(try profile(with([.category: text])).category == expected)
    }

    @Test func unknownCategory() {
        expectIssue(with([.category: "tourist"]), .category, "invalid.category")
    }

    /// Every label the interface shows for a category reads back as that category.
    @Test func catalogueLabelsReadBack() throws {
        let assets = try Assets.locate()
        for language in Language.allCases {
            let catalog = try Catalog(language: language, assets: assets)
            for category in Category.allCases {
                let label = catalog.text("category.\(category.rawValue)")
                #expect(ProfileDraft.category(label) == category, "\(language): \(label)")
            }
            for sex in Sex.allCases {
                #expect(ProfileDraft.sex(catalog.text("sex.\(sex.rawValue)")) == sex)
                #expect(ProfileDraft.sex(catalog.text("sex.short.\(sex.rawValue)")) == sex)
            }
        }
    }

    @Test func regionsByNameCodeAndAlias() throws {
        #expect(try profile(with([.region: "ML07", .cercle: ""])).region == "ML07")
        #expect(try profile(with([.region: "GAO", .cercle: ""])).region == "ML07")
        for name in ["Timbuktu", "Tombouctou", "tomboctou", "ML06"] {
            #expect(try profile(with([.region: name, .cercle: ""])).region == "ML06", "\(name)")
        }
        #expect(try profile(with([.region: "Timbuktu", .cercle: "Timbuktu"])).cercle == "ML0605")
        #expect(try profile(with([.region: "Tombouctou", .cercle: "Dire"])).cercle == "ML0601")
        // Ménaka is a cercle of Gao in this gazetteer, not a region: the message says so.
        expectIssue(with([.region: "Ménaka", .cercle: ""]), .region, "invalid.regionIsCercle")
        expectIssue(with([.region: "Bamako", .cercle: ""]), .region, "invalid.region")
        for name in ["Menaka", "Ménaka", "MENAKA", "ML0704"] {
            #expect(try profile(with([.region: "Gao", .cercle: name])).cercle == "ML0704", "\(name)")
        }
    }

    @Test func cercleOfAnotherRegionNamesTheRightOne() {
        let found = issues(with([.region: "Timbuktu", .cercle: "Menaka"]))
        #expect(found.map(\.field) == [.cercle])
        #expect(found.first?.message == Message("invalid.cercleRegion", ["cercle": "Ménaka", "region": "Gao"]))
        let other = issues(with([.region: "Kidal", .cercle: "Djenne"]))
        #expect(other.first?.message == Message("invalid.cercleRegion", ["cercle": "Djenné", "region": "Mopti"]))
    }

    @Test func unknownPlaces() {
        expectIssue(with([.region: "Bamako", .cercle: "Ansongo"]), .region, "invalid.region")
        expectIssue(with([.cercle: "Nowhere"]), .cercle, "invalid.cercle")
    }

    @Test(arguments: ["disability older_person", "disability|older_person", "disability, older_person",
                      "older_person,disability", " DISABILITY | Older_Person ", "disability disability older_person"])
    func vulnerabilityLists(text: String) throws {
        #expect(try profile(with([.vulnerabilities: text])).vulnerabilities == ["disability", "older_person"])
    }

    @Test func vulnerabilitiesKeepTheReferenceOrder() throws {
        let all = reference.vulnerabilities.map(\.code)
        let result = try profile(with([.vulnerabilities: all.reversed().joined(separator: "|")]))
        #expect(result.vulnerabilities == all)
    }

    @Test func unknownVulnerabilities() {
        let found = issues(with([.vulnerabilities: "disability flying swimming"]))
        #expect(found.map(\.field) == [.vulnerabilities])
        #expect(found.first?.message == Message("invalid.vulnerability", ["codes": "flying swimming"]))
        // Free text is never repeated: it may say something personal.
        let text = issues(with([.vulnerabilities: "disability Aïcha;sick"]))
        #expect(text.first?.message == Message("invalid.vulnerabilityText"))
    }

    @Test func issuesComeInFieldOrder() {
        let found = issues(with([.region: "Atlantis", .householdSize: "0", .sex: "?", .familyName: ""]))
        #expect(found.map(\.field) == [.familyName, .sex, .householdSize, .region])
    }

    @Test func draftOfAProfileReadsBackTheSame() throws {
        let original = try profile(with([
            .phone: "+223 76 12 34 56", .documentType: "national_id", .documentNumber: "NINA-1", .householdSize: "6",
            .displacedTo: "Niamey", .returnDate: "2024-11-02", .commune: "Ansongo", .village: "Quartier 3",
            .vulnerabilities: "lost_documents disability", .assignedTo: "awa.traore",
        ]))
        #expect(try profile(ProfileDraft(original)) == original)
        var estimated = original
        estimated.dateOfBirth = nil
        estimated.ageEstimate = AgeEstimate(years: 44, asOf: today)
        estimated.returnDate = nil
        #expect(try profile(ProfileDraft(estimated)) == estimated)
    }
}

@Suite("ProfileDraft: a year of birth alone")
struct YearOfBirthTests {
    let reference: Reference
    let today = CalendarDate(year: 2025, month: 6, day: 15)!

    init() throws {
        reference = try Reference(assets: Assets.locate())
    }

    private func parse(_ born: String, age: String = "") -> Result<CaseProfile, InvalidProfile> {
        ProfileDraft([.familyName: "Maïga", .givenNames: "Awa", .sex: "F", .dateOfBirth: born, .age: age,
                      .category: "idp_returnee", .region: "Gao"]).parse(reference: reference, today: today)
    }

    @Test(arguments: ["1996", "vers 1996", "Vers 1996", "about 1996", "~1996", "env. 1996"])
    func aYearIsAcceptedAsAYearOfBirth(_ text: String) throws {
        let profile = try parse(text).get()
        #expect(profile.yearOfBirth == 1996)
        #expect(profile.dateOfBirth == nil && profile.ageEstimate == nil)
        #expect(profile.birthYear == 1996)
        #expect(profile.age(on: today) == 29)
        // It reads back as the year it is.
        #expect(ProfileDraft(profile)[.dateOfBirth] == "1996")
        #expect(try ProfileDraft(profile).parse(reference: reference, today: today).get() == profile)
    }

    @Test func aYearInTheFutureOrTooOldIsSaid() {
        guard case .failure(let future) = parse("2030"), case .failure(let old) = parse("1850") else {
            Issue.record("accepted")
            return
        }
        #expect(future.issues.map(\.message.key) == ["invalid.future"])
        #expect(old.issues.map(\.message.key) == ["invalid.date"])
    }

    @Test func anAgeMustAgreeWithTheYear() {
        guard case .failure(let invalid) = parse("1996", age: "50") else {
            Issue.record("accepted")
            return
        }
        #expect(invalid.issues.map(\.message.key) == ["invalid.ageMismatch"])
        #expect((try? parse("1996", age: "29").get())?.yearOfBirth == 1996)
    }

    @Test func theDuplicateCheckUsesTheYear() throws {
        var profile = try parse("1996").get()
        var book = CaseBook()
        try book.apply(JournalEntry(seq: 1, by: "t", at: Date(), change: .register(id: UUID(), number: "GAO-000001", profile: profile)),
                       as: .anyone("t"))
        profile.yearOfBirth = 1997
        #expect(book.possibleDuplicates(of: profile).count == 1)
        profile.yearOfBirth = 1990
        #expect(book.possibleDuplicates(of: profile).isEmpty)
    }

    @Test func theProfileSaysItIsAYearOnly() throws {
        let item = Case(id: UUID(), number: "GAO-000001", profile: try parse("vers 1996").get(), status: .registered,
                        created: Stamp(by: "t", at: Date()), updated: Stamp(by: "t", at: Date()), version: 1)
        for language in [Language.fr, .en] {
            let catalog = try Catalog(language: language, assets: Assets.locate())
            let lines = CaseSummary(item, catalog: catalog, reference: reference, today: today).sections.flatMap(\.lines)
            let born = lines.first { $0.label == catalog.text("summary.birth") }?.value ?? ""
            #expect(born.contains("1996") && born.contains("29"), "\(born)")
            #expect(born.contains(language == .fr ? "année seule" : "year only"), "\(born)")
        }
    }
}
