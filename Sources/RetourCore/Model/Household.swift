import Foundation

/// How a household member is related to the person registered in the case.
public enum Relationship: String, Codable, CaseIterable, Sendable {
    case head
    case spouse
    case child
    case parent
    case sibling
    case otherRelative = "other_relative"
    case other
}

/// Someone who lives with the person registered: counted among the programme's individuals,
/// known to the duplicate check, and registered as a case of their own when they need one.
public struct HouseholdMember: Codable, Hashable, Sendable, Identifiable {
    public var id: UUID
    public var givenNames: String
    /// Empty when it is the case's family name.
    public var familyName: String
    public var sex: Sex?
    public var dateOfBirth: CalendarDate?
    public var yearOfBirth: Int?
    public var ageEstimate: AgeEstimate?
    public var relationship: Relationship
    /// Codes of `Reference.vulnerabilities`.
    public var vulnerabilities: [String]
    public var note: String
    /// The member's own case, once they are registered as one.
    public var ownCase: UUID?

    public init(id: UUID, givenNames: String, familyName: String = "", sex: Sex?, dateOfBirth: CalendarDate? = nil,
                yearOfBirth: Int? = nil, ageEstimate: AgeEstimate? = nil, relationship: Relationship,
                vulnerabilities: [String] = [], note: String = "", ownCase: UUID? = nil) {
        self.id = id
        self.givenNames = givenNames
        self.familyName = familyName
        self.sex = sex
        self.dateOfBirth = dateOfBirth
        self.yearOfBirth = yearOfBirth
        self.ageEstimate = ageEstimate
        self.relationship = relationship
        self.vulnerabilities = vulnerabilities
        self.note = note
        self.ownCase = ownCase
    }

    /// The family name, the case's when none was given.
    public func familyName(in item: Case) -> String {
        familyName.isEmpty ? item.profile.familyName : familyName
    }

    public func fullName(in item: Case) -> String {
        [familyName(in: item), givenNames].filter { !$0.isEmpty }.joined(separator: " ")
    }

    public var birthYear: Int? {
        CaseProfile.birthYear(dateOfBirth, yearOfBirth, ageEstimate)
    }

    public func age(on date: CalendarDate) -> Int? {
        CaseProfile.age(on: date, dateOfBirth, yearOfBirth, ageEstimate)
    }

    /// The longest given or family name a member takes, as a profile's.
    public static let maximumNameLength = 100
    public static let maximumNoteLength = 2_000
    /// More than a household holds; bounds what a hostile import can add to one case.
    public static let maximumCount = 49
}
