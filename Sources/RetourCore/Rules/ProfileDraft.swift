import Foundation

/// The fields of a case profile, as typed on the form or read from a CSV column.
/// Their labels are the catalogue keys `field.<rawValue>`.
public enum ProfileField: String, CaseIterable, Sendable {
    case familyName = "family_name"
    case givenNames = "given_names"
    case sex
    case dateOfBirth = "date_of_birth"
    case age
    case phone
    case documentType = "document_type"
    case documentNumber = "document_number"
    case householdSize = "household_size"
    case category
    case displacedTo = "displaced_to"
    case returnDate = "return_date"
    case region
    case cercle
    case commune
    case village
    case vulnerabilities
    case assignedTo = "assigned_to"

    public var labelKey: String { "field.\(rawValue)" }
}

/// A problem with one field, said in words.
public struct FieldIssue: Hashable, Sendable {
    public let field: ProfileField
    public let message: Message

    public init(_ field: ProfileField, _ key: String, _ arguments: [String: String] = [:]) {
        self.init(field, Message(key, arguments))
    }

    public init(_ field: ProfileField, _ message: Message) {
        self.field = field
        self.message = message
    }
}

/// The problems found in a draft, in the order of the fields.
public struct InvalidProfile: Error, Hashable, Sendable {
    public let issues: [FieldIssue]
}

/// A profile as text, field by field: what a form holds or a CSV row says. `parse` turns it
/// into a `CaseProfile` or says, field by field, what is wrong. The one place where the
/// rules of a registration live, for the form and the import alike.
public struct ProfileDraft: Hashable, Sendable {
    public var values: [ProfileField: String]

    public init(_ values: [ProfileField: String] = [:]) {
        self.values = values
    }

    public subscript(field: ProfileField) -> String {
        get { values[field] ?? "" }
        set { values[field] = newValue }
    }

    /// The text of every field of `profile`, as the form shows it.
    public init(_ profile: CaseProfile) {
        var draft = ProfileDraft()
        draft[.familyName] = profile.familyName
        draft[.givenNames] = profile.givenNames
        draft[.sex] = profile.sex?.rawValue ?? ""
        draft[.dateOfBirth] = profile.dateOfBirth?.iso ?? profile.yearOfBirth.map(String.init) ?? ""
        draft[.age] = profile.dateOfBirth == nil && profile.yearOfBirth == nil ? (profile.ageEstimate.map { String($0.years) } ?? "") : ""
        draft[.phone] = profile.phone
        draft[.documentType] = profile.document?.type ?? ""
        draft[.documentNumber] = profile.document?.number ?? ""
        draft[.householdSize] = String(profile.householdSize)
        draft[.category] = profile.category?.rawValue ?? ""
        draft[.displacedTo] = profile.displacedTo
        draft[.returnDate] = profile.returnDate?.iso ?? ""
        draft[.region] = profile.region
        draft[.cercle] = profile.cercle
        draft[.commune] = profile.commune
        draft[.village] = profile.village
        draft[.vulnerabilities] = profile.vulnerabilities.joined(separator: " ")
        draft[.assignedTo] = profile.assignedTo
        self = draft
    }

    /// Validates every field against the reference data, as of `today`.
    public func parse(reference: Reference, today: CalendarDate) -> Result<CaseProfile, InvalidProfile> {
        var issues: [FieldIssue] = []
        var profile = CaseProfile()
        // A value too long is only said so (below): normalising it would cost more than its length.
        let tooLong = Set(ProfileField.allCases.filter { self[$0].unicodeScalars.count > ProfileDraft.maximumLength[$0, default: 0] })
        // Each field normalised once (an import checks every field of every row).
        var normalisedValues: [ProfileField: String] = [:]
        for field in ProfileField.allCases where !tooLong.contains(field) {
            normalisedValues[field] = ProfileDraft.normalised(self[field])
        }
        func normalised(_ field: ProfileField) -> String { normalisedValues[field] ?? "" }
        // Text, not terminal commands: a field holding a control character is said so and read
        // as empty, so that no other rule speaks of it.
        var refused: Set<ProfileField> = []
        for field in ProfileField.allCases where !tooLong.contains(field) {
            if let problem = PlainText.problem(in: normalised(field), lines: .one) {
                issues.append(FieldIssue(field, problem))
                refused.insert(field)
            }
        }
        func text(_ field: ProfileField) -> String {
            refused.contains(field) || tooLong.contains(field) ? "" : normalised(field)
        }
        func required(_ field: ProfileField) -> String? {
            let value = text(field)
            if value.isEmpty && !refused.contains(field) { issues.append(FieldIssue(field, "invalid.required")) }
            return value.isEmpty ? nil : value
        }
        func pastDate(_ field: ProfileField) -> CalendarDate? {
            let value = text(field)
            guard !value.isEmpty else { return nil }
            guard let date = CalendarDate(parsing: value) else {
                // Written in a known form but not a real day (31/02) deserves its own words.
                let wellFormed = value.range(of: #"^(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{4})$"#, options: .regularExpression) != nil
                issues.append(FieldIssue(field, wellFormed ? "invalid.noSuchDay" : "invalid.date"))
                return nil
            }
            guard date.year >= 1900 else {
                issues.append(FieldIssue(field, "invalid.date"))
                return nil
            }
            guard date <= today else {
                issues.append(FieldIssue(field, "invalid.future"))
                return nil
            }
            return date
        }

        profile.familyName = required(.familyName) ?? ""
        profile.givenNames = required(.givenNames) ?? ""
        if let sex = required(.sex) {
            profile.sex = ProfileDraft.sex(sex)
            if profile.sex == nil { issues.append(FieldIssue(.sex, "invalid.sex")) }
        }
        if let year = ProfileDraft.yearAlone(text(.dateOfBirth)) {
            if (1900...today.year).contains(year) {
                profile.yearOfBirth = year
            } else {
                issues.append(FieldIssue(.dateOfBirth, year > today.year ? "invalid.future" : "invalid.date"))
            }
        } else {
            profile.dateOfBirth = pastDate(.dateOfBirth)
        }
        let age = text(.age)
        if !age.isEmpty {
            if let years = Int(age), (0...120).contains(years) {
                if let born = profile.age(on: today) {
                    // Both given: they must agree (within a year), else one of them is wrong.
                    if abs(born - years) > 1 { issues.append(FieldIssue(.age, "invalid.ageMismatch")) }
                } else if !issues.contains(where: { $0.field == .dateOfBirth }) {
                    profile.ageEstimate = AgeEstimate(years: years, asOf: today)
                }
            } else {
                issues.append(FieldIssue(.age, "invalid.age"))
            }
        }
        profile.phone = text(.phone)
        if !profile.phone.isEmpty {
            let digits = profile.phone.filter { $0.isASCII && $0.isNumber }.count
            let allowed = profile.phone.allSatisfy { ($0.isASCII && $0.isNumber) || " +-.()".contains($0) }
            if !allowed || !(6...15).contains(digits) { issues.append(FieldIssue(.phone, "invalid.phone")) }
        }
        let documentType = text(.documentType)
        let documentNumber = text(.documentNumber)
        if !documentType.isEmpty {
            if !reference.idDocumentTypes.contains(documentType) {
                issues.append(FieldIssue(.documentType, "invalid.code"))
            } else if documentNumber.isEmpty {
                issues.append(FieldIssue(.documentNumber, "invalid.documentNumber"))
            } else {
                profile.document = IdentityDocument(type: documentType, number: documentNumber)
            }
        } else if !documentNumber.isEmpty {
            issues.append(FieldIssue(.documentType, "invalid.documentType"))
        }
        let household = text(.householdSize)
        if household.isEmpty {
            profile.householdSize = 1
        } else if let size = Int(household), (1...50).contains(size) {
            profile.householdSize = size
        } else {
            issues.append(FieldIssue(.householdSize, "invalid.household"))
        }
        if let category = required(.category) {
            profile.category = ProfileDraft.category(category)
            if profile.category == nil { issues.append(FieldIssue(.category, "invalid.category")) }
        }
        profile.displacedTo = text(.displacedTo)
        profile.returnDate = pastDate(.returnDate)
        if let returned = profile.returnDate, let born = profile.dateOfBirth, returned < born {
            issues.append(FieldIssue(.returnDate, "invalid.beforeBirth"))
        }
        if let regionText = required(.region) {
            if let region = reference.findRegion(regionText) {
                profile.region = region.pcode
                let cercleText = text(.cercle)
                if !cercleText.isEmpty {
                    if let cercle = reference.findCercle(cercleText, in: region) {
                        profile.cercle = cercle.pcode
                    } else if let elsewhere = reference.findCercleAnywhere(cercleText) {
                        issues.append(FieldIssue(.cercle, "invalid.cercleRegion",
                                                 ["cercle": elsewhere.cercle.name, "region": elsewhere.region.name]))
                    } else {
                        issues.append(FieldIssue(.cercle, "invalid.cercle",
                                                 ["region": region.name, "cercles": region.cercles.map(\.name).joined(separator: ", ")]))
                    }
                }
            } else if let cercle = reference.findCercleAnywhere(regionText) {
                // Ménaka and Taoudénit became regions in 2016; the gazetteer may still list them as cercles.
                issues.append(FieldIssue(.region, "invalid.regionIsCercle", ["cercle": cercle.cercle.name, "region": cercle.region.name]))
            } else {
                issues.append(FieldIssue(.region, "invalid.region", ["regions": reference.regions.map(\.name).joined(separator: ", ")]))
            }
        }
        profile.commune = text(.commune)
        profile.village = text(.village)
        // The placeholder of what the reader may not see comes back from the form as it was shown.
        let vulnerabilities = ProfileDraft.vulnerabilities(text(.vulnerabilities), reference: reference,
                                                           also: Confidential.placeholder)
        if let problem = vulnerabilities.problem { issues.append(FieldIssue(.vulnerabilities, problem)) }
        profile.vulnerabilities = vulnerabilities.codes
        profile.assignedTo = text(.assignedTo)
        if !tooLong.isEmpty {
            // Said alone: what else is wrong with such a value matters less than its length.
            issues = issues.filter { !tooLong.contains($0.field) }
                + tooLong.map { FieldIssue($0, "invalid.tooLong", ["maximum": String(ProfileDraft.maximumLength[$0]!)]) }
        }
        // In the order of the fields, as the form shows them; a field's own issues keep their order.
        if issues.count > 1 {
            let order = Dictionary(uniqueKeysWithValues: ProfileField.allCases.enumerated().map { ($1, $0) })
            issues = issues.enumerated().sorted { (order[$0.element.field]!, $0.offset) < (order[$1.element.field]!, $1.offset) }.map(\.element)
        }
        return issues.isEmpty ? .success(profile) : .failure(InvalidProfile(issues: issues))
    }

    /// `text` in NFC, trimmed of white space (Unicode's, as `.whitespacesAndNewlines`). ASCII,
    /// most cells of a file, is already in NFC and is trimmed without Foundation.
    static func normalised(_ text: String) -> String {
        let trimmed = Self.trimmed(text)
        // Below U+0300 (ASCII, the Latin letters with accents) every text is already in NFC.
        return trimmed.unicodeScalars.allSatisfy { $0.value < 0x300 } ? trimmed
            : trimmed.precomposedStringWithCanonicalMapping.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `text` without the white space at either end.
    static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isWhiteSpace($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !isWhiteSpace($0) })!
        if first == scalars.startIndex && scalars.index(after: last) == scalars.endIndex { return text }
        return String(scalars[first...last])
    }

    static func isWhiteSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII ? scalar.value == 0x20 || (0x09...0x0D).contains(scalar.value) : scalar.properties.isWhitespace
    }

    /// The vulnerability codes of `text` (codes separated by spaces, `|` or `,`), in the
    /// reference's order, `also` last when written; and what is wrong with the others. What was
    /// typed is repeated only when it looks like a code: free text may be personal.
    static func vulnerabilities(_ text: String, reference: Reference,
                                also extra: String? = nil) -> (codes: [String], problem: Message?) {
        if text.isEmpty { return ([], nil) }
        let codes = text.split(whereSeparator: { $0 == "|" || $0 == "," || $0.isWhitespace }).map { $0.lowercased() }
        let unknown = codes.filter { !reference.isVulnerability($0) && $0 != extra }
        var problem: Message?
        if !unknown.isEmpty {
            let looksLikeCodes = unknown.allSatisfy { $0.count <= 40 && $0.allSatisfy { ($0.isASCII && $0.isLetter) || $0 == "_" } }
            problem = looksLikeCodes ? Message("invalid.vulnerability", ["codes": unknown.joined(separator: " ")])
                : Message("invalid.vulnerabilityText")
        }
        let known = reference.vulnerabilities.map(\.code).filter(codes.contains)
        return (known + (extra.map { codes.contains($0) ? [$0] : [] } ?? []), problem)
    }

    /// The longest text each field takes, in Unicode scalars (a letter typed with a separate
    /// accent counts two): room for the longest real names and
    /// places, and for every vulnerability label of the form; no more, so that a cell of a
    /// hostile file cannot fill a screen, a list or an export.
    public static let maximumLength: [ProfileField: Int] = [
        .familyName: 100, .givenNames: 100, .sex: 20, .dateOfBirth: 20, .age: 10, .phone: 30,
        .documentType: 60, .documentNumber: 60, .householdSize: 10, .category: 60, .displacedTo: 100,
        .returnDate: 20, .region: 60, .cercle: 60, .commune: 100, .village: 100, .vulnerabilities: 1_000,
        .assignedTo: 100,
    ]

    /// The year of "1996", "vers 1996", "about 1996", "~1996": a year of birth known alone.
    public static func yearAlone(_ text: String) -> Int? {
        // Digits and dashes alone (2015, 1985-03-12), as most cells are: a year when they hold
        // one group of four digits, as the words below would find.
        if text.utf8.allSatisfy({ (0x30...0x39).contains($0) || $0 == 0x2D }) {
            let groups = text.utf8.split(separator: 0x2D)
            guard groups.count == 1, groups[0].count == 4 else { return nil }
            return Int(text.filter { $0 != "-" })
        }
        let words = Fold.key(text).replacingOccurrences(of: "~", with: " ").split(separator: " ")
        guard let last = words.last, last.count == 4, last.allSatisfy(\.isASCII), let year = Int(last) else { return nil }
        let before = words.dropLast().joined(separator: " ")
        return ["", "vers", "env", "env.", "environ", "about", "around", "circa", "ca", "ca.", "c."].contains(before) ? year : nil
    }

    /// F or M, or the word in French or English.
    static func sex(_ text: String) -> Sex? {
        switch Fold.key(text) {
        case "f", "femme", "female", "feminin", "w": return .female
        case "m", "homme", "male", "masculin", "h": return .male
        default: return nil
        }
    }

    /// A category code, or its French or English label, with or without the feminine "(e)".
    public static func category(_ text: String) -> Category? {
        switch Fold.key(text.utf8.contains(UInt8(ascii: "(")) ? text.replacingOccurrences(of: "(e)", with: "") : text) {
        case "idp returnee", "pdi retourne", "pdi retournee", "returned idp", "pdi": return .idpReturnee
        case "refugee returnee", "refugie rapatrie", "refugiee rapatriee", "repatriated refugee", "refugie": return .refugeeReturnee
        case "host community", "communaute hote", "host community member", "membre de la communaute hote": return .hostCommunity
        default: return nil
        }
    }
}
