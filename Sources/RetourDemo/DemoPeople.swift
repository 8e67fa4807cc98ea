import Foundation
import RetourCore

/// Fictitious people for demonstrations, training and benchmarks, drawn from the name lists
/// of `Assets/demo-names.json` and the gazetteer. The same seed always gives the same people.
/// They are produced as an import file, so that they enter the store by the import's path,
/// each with a history of follow-up (`DemoHistory`): plans with steps done, in progress,
/// blocked or overdue, rights assessments with gaps, referrals, notes and a few closures.
public struct DemoPeople: Sendable {
    /// The most people `retour import --generate` makes: the benchmark's largest size (the
    /// whole batch is made in memory before it is saved).
    public static let maximumCount = 100_000
    /// How many changes of a new office are committed together (one fsync each batch).
    static let batchSize = 5_000
    /// The name a batch is committed under (each change in it keeps its own author).
    static let batchAuthor = "demo"

    struct Lists: Decodable, Sendable {
        let familyNames: [String]
        let femaleGivenNames: [String]
        let maleGivenNames: [String]
        /// By cercle P-code.
        let villages: [String: [String]]
        /// By category code.
        let displacedTo: [String: [String]]
        let caseWorkers: [String]
        /// Texts of the follow-up; without them, people get no history.
        let followUp: FollowUpLists?
        /// The users of a demonstration office (`DemoOffice`): whose supervisor decides on a
        /// case worker's closures.
        let users: [DemoOffice.Member]?
    }

    struct FollowUpLists: Decodable, Sendable {
        /// By service code.
        let providers: [String: [String]]
        let notes: [String]
        /// Notes that fit a step done (never "absent at the visit"); `notes` when missing.
        let stepNotes: [String]?
        let corrections: [String]
        let blockedReasons: [String]
        /// By step code.
        let given: [String: [String]]
        /// Outcomes of completed referrals, by service code.
        let completed: [String: [String]]
        /// Outcomes of declined referrals.
        let declined: [String]
        /// By criterion code.
        let ratingNotes: [String: [String]]
        let closureRequests: [String]
        let lostContact: [String]
        let closureNotes: [String]
        let reopenReasons: [String]
        /// Who approves closures.
        let supervisors: [String]
    }

    /// Fictitious people as an import file, and the follow-up of each, in the same order.
    public struct Batch: Sendable {
        public let csv: Data
        public let histories: [DemoHistory]
    }

    public static let file = "demo-names.json"
    let lists: Lists

    public init(assets: Assets) throws {
        guard let data = try? Data(contentsOf: assets.url(DemoPeople.file)) else {
            throw AssetError(file: DemoPeople.file, reason: "cannot be read")
        }
        do {
            lists = try LineDecoder().decode(Lists.self, from: data)
        } catch {
            throw AssetError(file: DemoPeople.file, reason: "is not valid")
        }
        guard !lists.familyNames.isEmpty, !lists.femaleGivenNames.isEmpty, !lists.maleGivenNames.isEmpty,
              !lists.caseWorkers.isEmpty else {
            throw AssetError(file: DemoPeople.file, reason: "is not valid")
        }
    }

    /// `count` people as an import file (UTF-8, `,`), with the export's column names.
    public func csv(count: Int, seed: UInt64, reference: Reference, today: CalendarDate) throws -> Data {
        try batch(count: count, seed: seed, reference: reference, today: today, withHistories: false).csv
    }

    /// `count` people as an import file, and their follow-up up to the day before `today`.
    /// The people are those `csv` gives for the same seed; the histories come from a second
    /// generator, so that adding to them never changes the people.
    public func batch(count: Int, seed: UInt64, reference: Reference, today: CalendarDate,
                      withHistories: Bool = true) throws -> Batch {
        var generator = SeededGenerator(seed: seed)
        var followUpGenerator = SeededGenerator(seed: seed ^ 0x0F01_10DA_7E5E_ED00)
        var records = [CSVExport.profileColumns.map(\.rawValue)]
        records.reserveCapacity(count + 1)
        var histories: [DemoHistory] = []
        for _ in 0..<count {
            let draft = person(using: &generator, reference: reference, today: today)
            records.append(CSVExport.profileColumns.map { draft[$0] })
            if withHistories {
                histories.append(history(of: draft, using: &followUpGenerator, reference: reference, today: today))
            }
        }
        return Batch(csv: CSVText.encode(records, separator: ",", byteOrderMark: false), histories: histories)
    }

    func person(using random: inout SeededGenerator, reference: Reference, today: CalendarDate) -> ProfileDraft {
        var draft = ProfileDraft()
        let female = Int.random(in: 0..<100, using: &random) < 52
        draft[.sex] = female ? "F" : "M"
        draft[.familyName] = DemoPeople.familyName(lists.familyNames.randomElement(using: &random)!, female: female)
        let givenNames = female ? lists.femaleGivenNames : lists.maleGivenNames
        let first = givenNames.randomElement(using: &random)!
        draft[.givenNames] = first
        if Int.random(in: 0..<100, using: &random) < 15 {
            // A second given name, never the first one again.
            draft[.givenNames] += " " + givenNames.filter { $0 != first }.randomElement(using: &random)!
        }

        let age = DemoPeople.age(using: &random)
        var born: CalendarDate?
        if Int.random(in: 0..<100, using: &random) < 70 {
            born = CalendarDate(year: today.year - age - 1, month: Int.random(in: 1...12, using: &random),
                                day: Int.random(in: 1...28, using: &random))
            draft[.dateOfBirth] = born?.iso ?? ""
        } else {
            draft[.age] = String(age)
        }

        let categoryRoll = Int.random(in: 0..<100, using: &random)
        let category: Category = categoryRoll < 55 ? .idpReturnee : categoryRoll < 85 ? .refugeeReturnee : .hostCommunity
        draft[.category] = category.rawValue
        if category != .hostCommunity {
            draft[.displacedTo] = lists.displacedTo[category.rawValue]?.randomElement(using: &random) ?? ""
            let year = Int.random(in: 2013...min(2017, today.year), using: &random)
            if let returned = CalendarDate(year: year, month: Int.random(in: 1...12, using: &random),
                                           day: Int.random(in: 1...28, using: &random)),
               returned <= today, born.map({ $0 <= returned }) ?? (today.year - age < year) {
                draft[.returnDate] = returned.iso
            }
        }

        let region = reference.regions.randomElement(using: &random)!
        draft[.region] = region.name
        if let cercle = region.cercles.randomElement(using: &random) {
            draft[.cercle] = cercle.name
            draft[.village] = lists.villages[cercle.pcode]?.randomElement(using: &random) ?? cercle.name
        }
        draft[.householdSize] = String(age < 18 ? 1 : DemoPeople.householdSize(using: &random))
        if Int.random(in: 0..<100, using: &random) < 60 {
            draft[.phone] = String(format: "+223 00 %02d %02d %02d", Int.random(in: 0...99, using: &random),
                                   Int.random(in: 0...99, using: &random), Int.random(in: 0...99, using: &random))
        }
        if Int.random(in: 0..<100, using: &random) < 40 {
            draft[.documentType] = reference.idDocumentTypes.first ?? ""
            draft[.documentNumber] = String(Int.random(in: 100_000_000...999_999_999, using: &random))
        }
        // Born in the year before `age` years ago: the person may be a year older today.
        let ageToday = born.map { $0.years(until: today) } ?? age
        draft[.vulnerabilities] = vulnerabilities(female: female, age: age, ageToday: ageToday, using: &random,
                                                  reference: reference)
            .joined(separator: "|")
        draft[.assignedTo] = lists.caseWorkers.randomElement(using: &random)!
        return draft
    }

    /// A few vulnerabilities that fit the person (no older person of 30, no pregnant man); a
    /// child is registered alone only when unaccompanied or separated, and most people over 60
    /// are counted as older persons. A vulnerability of children only while the person is
    /// under 18 today (`ageToday`), whatever their age when registered.
    private func vulnerabilities(female: Bool, age: Int, ageToday: Int, using random: inout SeededGenerator,
                                 reference: Reference) -> [String] {
        reference.vulnerabilities.map(\.code).filter { code in
            switch code {
            case "female_head_of_household": guard female && age >= 18 else { return false }
            case "pregnant_or_lactating": guard female && (15...45).contains(age) else { return false }
            case "older_person":
                guard age >= 60 else { return false }
                return Int.random(in: 0..<100, using: &random) < 80
            case "unaccompanied_child": return age < 18 && ageToday < 18
            case "single_parent": guard age >= 18 else { return false }
            default: break
            }
            return Int.random(in: 0..<100, using: &random) < 8
        }
    }

    /// `name` as a man or a woman of that family bears it: among Tamasheq and Arab families
    /// a son is "Ag …" or "Ould …", a daughter "Walet …" or "Mint …".
    static func familyName(_ name: String, female: Bool) -> String {
        let forms = female ? [("Ag ", "Walet "), ("Ould ", "Mint ")] : [("Walet ", "Ag "), ("Mint ", "Ould ")]
        for (other, own) in forms where name.hasPrefix(other) { return own + name.dropFirst(other.count) }
        return name
    }

    /// The age of a person registered as a case, in the shape of a returnee caseload: mostly
    /// adults of working age (who come to the office for their household), about one in ten
    /// over 60, and a few children of 12 to 17, registered alone because unaccompanied or
    /// separated (other children are members of a household).
    static func age(using random: inout SeededGenerator) -> Int {
        switch Int.random(in: 0..<100, using: &random) {
        case ..<4: return Int.random(in: 12...17, using: &random)
        case ..<34: return Int.random(in: 18...29, using: &random)
        case ..<69: return Int.random(in: 30...44, using: &random)
        case ..<89: return Int.random(in: 45...59, using: &random)
        default: return Int.random(in: 60...85, using: &random)
        }
    }

    /// A household's size, around six as in northern Mali: few alone, few above twelve.
    static func householdSize(using random: inout SeededGenerator) -> Int {
        // Percent of households of 1, 2, 3… people.
        let shares = [4, 6, 9, 12, 14, 14, 12, 10, 7, 5, 3, 2, 1, 1]
        var roll = Int.random(in: 0..<shares.reduce(0, +), using: &random)
        for (index, share) in shares.enumerated() {
            if roll < share { return index + 1 }
            roll -= share
        }
        return shares.count
    }
}

/// SplitMix64: small, fast and the same on every platform, unlike the system generator (the
/// demo people, and the tests that must replay a failure from its seed).
public struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
