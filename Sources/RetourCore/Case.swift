import Foundation

/// Who did something, and when.
public struct Stamp: Codable, Hashable, Sendable {
    public var by: String
    public var at: Date

    public init(by: String, at: Date) {
        self.by = by
        self.at = at
    }
}

/// An age given instead of a date of birth, and the day it was given.
public struct AgeEstimate: Codable, Hashable, Sendable {
    public var years: Int
    public var asOf: CalendarDate

    public init(years: Int, asOf: CalendarDate) {
        self.years = years
        self.asOf = asOf
    }
}

public struct IdentityDocument: Codable, Hashable, Sendable {
    /// A code of `Reference.idDocumentTypes`.
    public var type: String
    public var number: String

    public init(type: String, number: String) {
        self.type = type
        self.number = number
    }
}

/// Everything a case worker types on the registration form: the person and their situation.
public struct CaseProfile: Codable, Hashable, Sendable {
    public var familyName: String = ""
    public var givenNames: String = ""
    public var sex: Sex?
    public var dateOfBirth: CalendarDate?
    public var ageEstimate: AgeEstimate?
    public var phone: String = ""
    public var document: IdentityDocument?
    public var householdSize: Int = 1
    public var category: Category?
    /// Where the person was displaced to, or their country of asylum.
    public var displacedTo: String = ""
    public var returnDate: CalendarDate?
    /// P-codes from the gazetteer.
    public var region: String = ""
    public var cercle: String = ""
    /// Free text, or a gazetteer name.
    public var commune: String = ""
    public var village: String = ""
    /// Codes of `Reference.vulnerabilities`, in the reference order.
    public var vulnerabilities: [String] = []
    public var assignedTo: String = ""

    public init() {}

    /// Year of birth, exact or estimated.
    public var birthYear: Int? {
        if let dateOfBirth { return dateOfBirth.year }
        if let ageEstimate { return ageEstimate.asOf.year - ageEstimate.years }
        return nil
    }

    public func age(on date: CalendarDate) -> Int? {
        if let dateOfBirth { return dateOfBirth.years(until: date) }
        if let ageEstimate { return ageEstimate.years + (date.year - ageEstimate.asOf.year) }
        return nil
    }

    public var fullName: String {
        [familyName, givenNames].filter { !$0.isEmpty }.joined(separator: " ")
    }
}

/// One person followed by the programme.
public struct Case: Codable, Hashable, Sendable, Identifiable {
    public var id: UUID
    /// Human number, unique in a data directory: region prefix and a sequence (`GAO-000042`).
    public var number: String
    public var profile: CaseProfile
    public var status: CaseStatus
    public var created: Stamp
    public var updated: Stamp
    /// Incremented by every change applied to this case; lets concurrent edits be detected.
    public var version: Int

    public init(id: UUID, number: String, profile: CaseProfile, status: CaseStatus,
                created: Stamp, updated: Stamp, version: Int) {
        self.id = id
        self.number = number
        self.profile = profile
        self.status = status
        self.created = created
        self.updated = updated
        self.version = version
    }
}
