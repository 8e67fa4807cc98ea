import Foundation

/// What the list, the search, the filters, duplicate detection and case numbering need of a
/// case, kept in memory for every case. The whole case (plans, notes, timeline…) stays in the
/// snapshot and is read when it is opened: that is what lets 100 000 cases open in a second.
///
/// Everything costly to compute (folding for search and sort) is computed once here and kept
/// in the index file beside the snapshot, so opening does not fold anything again.
public struct CaseDigest: Sendable, Equatable {
    public let id: UUID
    public let number: String
    public let familyName: String
    public let givenNames: String
    public let sex: Sex?
    public let dateOfBirth: CalendarDate?
    public let yearOfBirth: Int?
    public let ageEstimate: AgeEstimate?
    public let category: Category?
    /// P-codes.
    public let region: String
    public let cercle: String
    public let status: CaseStatus
    /// The case worker, as typed.
    public let assignedTo: String
    /// The case worker, folded.
    public let worker: String
    /// Who registered the case (a login once users exist): with `assignedTo`, decides who
    /// may see it (`Scope`) without reading the case.
    public let registeredBy: String
    /// The full name, folded (the list sorts on it).
    public let nameKey: String
    /// Family and given names folded without spaces or apostrophes (duplicate detection).
    public let compactFamilyName: String
    public let compactGivenNames: String
    /// Codes of the tracks the case is enrolled in (withdrawn enrolments left out).
    public let tracks: [String]
    /// The household's members: for the duplicate check and the counts of individuals.
    public let members: [MemberDigest]
    /// Criteria whose current access is none or partial, in code order.
    public let gaps: [String]
    /// The steps done, each with its plan's track, in plan order.
    public let doneSteps: [DoneStep]
    /// When the latest change was recorded on the case (a note, a step, an edit…), in whole
    /// seconds since 1970: an instant, so that the index means the same in every time zone;
    /// "no activity for N days" compares it with one instant computed per query.
    private(set) var lastActivityAt: Int64
    /// One bit per `StepStatus` (its position in `allCases`) that at least one step is in.
    let stepStatuses: UInt8
    /// Planned dates of the open steps (neither done nor not applicable) as YYYYMMDD,
    /// ascending: overdue on any day is a comparison with the first.
    let openPlanned: [Int32]
    /// Who asked for the case to be closed while the request waits ("" otherwise): nobody
    /// approves their own request but an administrator.
    public let closureRequestedBy: String
    /// The latest reassignment of the case, and the latest decision on a closure request
    /// (approved or returned): what its worker is told at their next sign-in.
    public let lastAssignment: RecordedAct?
    public let lastClosureDecision: RecordedAct?
    /// Folded number, names, phone, village and commune, separated by newlines (which a folded
    /// query word never holds), NUL-terminated for `strstr`.
    let text: [CChar]
    /// What the programme figures need (dates of registration, closure, steps and ratings).
    public let figures: FiguresDigest

    public init(_ item: Case) {
        let profile = item.profile
        id = item.id
        number = item.number
        familyName = profile.familyName
        givenNames = profile.givenNames
        sex = profile.sex
        dateOfBirth = profile.dateOfBirth
        yearOfBirth = profile.yearOfBirth
        ageEstimate = profile.ageEstimate
        category = profile.category
        region = profile.region
        cercle = profile.cercle
        status = item.status
        assignedTo = profile.assignedTo
        registeredBy = item.created.by
        // A withdrawn enrolment counts in no figure: not in tracks, step statuses or lateness.
        let plans = item.activePlans
        tracks = plans.map(\.track)
        members = item.members.map { MemberDigest($0, in: item) }
        var statuses: UInt8 = 0
        var planned: [Int32] = []
        var done: [DoneStep] = []
        for plan in plans {
            for step in plan.steps {
                statuses |= CaseDigest.bit(step.status)
                if step.isOpen { planned.append(CaseDigest.dayNumber(step.plannedOn)) }
                if step.status == .done { done.append(DoneStep(track: plan.track, step: step.code)) }
            }
        }
        doneSteps = done
        lastActivityAt = CaseDigest.lastActivity(of: item)
        stepStatuses = statuses
        openPlanned = planned.sorted()
        closureRequestedBy = item.status == .closureRequested ? item.closureRequestedBy ?? "" : ""
        lastAssignment = item.timeline.last { $0.kind == RecordedAct.assigned }.map(RecordedAct.init)
        lastClosureDecision = item.timeline.last { RecordedAct.closureDecisions.contains($0.kind) }.map(RecordedAct.init)
        if item.assessments.isEmpty {
            gaps = []
        } else {
            let criteria = Set(item.assessments.flatMap(\.ratings.keys)).sorted()
            gaps = item.gaps(criteria: criteria)
        }
        // One fold for every field (folding costs per call and per character); the separator
        // is a control character that folding keeps.
        let folded = Fold.key([item.number, profile.familyName, profile.givenNames, profile.phone, profile.village,
                               profile.assignedTo, profile.commune].joined(separator: "\u{1}"))
            .split(separator: "\u{1}", omittingEmptySubsequences: false).map(String.init)
        func compact(_ text: String) -> String { String(text.filter { $0 != " " && $0 != "'" }) }
        let field = { (index: Int) in index < folded.count ? folded[index] : "" }
        worker = field(5)
        nameKey = [field(1), field(2)].filter { !$0.isEmpty }.joined(separator: " ")
        compactFamilyName = compact(field(1))
        compactGivenNames = compact(field(2))
        // "gao000042" for "GAO-000042", "agmohamedahmed" for "Ag Mohamed Ahmed".
        let parts = folded.prefix(5) + [field(6), compact(field(0)), compactFamilyName + compactGivenNames,
                                        profile.phone.filter { $0.isASCII && $0.isNumber }]
        text = CaseDigest.cString(parts.joined(separator: "\n"))
        figures = FiguresDigest(item)
    }

    /// After a note on the case, which changes nothing else a digest holds: its texts are not
    /// folded again (most of the cost of building one). Not for a closed case, whose figures
    /// may take its closing time from its latest change.
    mutating func noteActivity(of item: Case) {
        lastActivityAt = CaseDigest.lastActivity(of: item)
    }

    /// Every change stamps `updated` and adds to the timeline; the latest of them all, so that
    /// a change recorded with an earlier date does not hide a later one.
    private static func lastActivity(of item: Case) -> Int64 {
        let latest = item.timeline.reduce(max(item.created.at, item.updated.at)) { max($0, $1.at) }
        // A file edited by hand may hold any date: kept within what an Int64 holds.
        let seconds = latest.timeIntervalSince1970
        return seconds.isFinite ? Int64(min(max(seconds, -1e17), 1e17).rounded(.down)) : 0
    }

    /// Where case `id` is in `digests`, without copying them.
    public static func position(of id: UUID, in digests: [CaseDigest]) -> Int? {
        digests.withUnsafeBufferPointer { buffer in
            guard let first = buffer.baseAddress else { return nil }
            return buffer.indices.first { (first + $0).pointee.id == id }
        }
    }

    public var fullName: String {
        [familyName, givenNames].filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// Year of birth, exact or estimated.
    public var birthYear: Int? {
        CaseProfile.birthYear(dateOfBirth, yearOfBirth, ageEstimate)
    }

    public func age(on date: CalendarDate) -> Int? {
        CaseProfile.age(on: date, dateOfBirth, yearOfBirth, ageEstimate)
    }

    /// Whether a step of the case is in `status`.
    public func hasStep(in status: StepStatus) -> Bool {
        stepStatuses & CaseDigest.bit(status) != 0
    }

    /// Whether a step is overdue on `today`: planned before it and still open, in a case not
    /// closed (as `Case.isLate`).
    public func isOverdue(on today: CalendarDate) -> Bool {
        guard status != .closed, let earliest = openPlanned.first else { return false }
        return earliest < CaseDigest.dayNumber(today)
    }

    /// The day (local time) of the latest change recorded on the case (for tests: a date
    /// outside years 1–9999, from a damaged file, has no such day).
    var lastActivity: CalendarDate {
        CalendarDate(Date(timeIntervalSince1970: TimeInterval(lastActivityAt)))
    }

    /// Whether nothing was recorded on the case for `days` days or more before `today`: its
    /// latest change is on `today` minus `days` or earlier.
    public func isIdle(days: Int, on today: CalendarDate) -> Bool {
        lastActivityAt < CaseDigest.idleBefore(days: days, on: today)
    }

    /// The instant a case's latest change must precede to be idle `days` days on `today`: the
    /// start of the next day after `today` minus `days`, in local time.
    static func idleBefore(days: Int, on today: CalendarDate) -> Int64 {
        let days = max(0, days)
        // Further back than the calendar goes: no case is that idle.
        guard days <= today.daysSinceEpoch - CaseDigest.firstDay.daysSinceEpoch else { return .min }
        return Int64(today.adding(days: 1 - days).start().timeIntervalSince1970.rounded(.down))
    }

    private static let firstDay = CalendarDate(year: 1, month: 1, day: 2)!

    /// Whether step `code` is done, in a plan of `track` when a track is given.
    public func hasDone(step code: String, track: String? = nil) -> Bool {
        doneSteps.contains { $0.step == code && (track == nil || $0.track == track) }
    }

    /// How many steps are overdue on `today`.
    public func overdueSteps(on today: CalendarDate) -> Int {
        guard status != .closed else { return 0 }
        let day = CaseDigest.dayNumber(today)
        var count = 0
        for planned in openPlanned {
            guard planned < day else { break }
            count += 1
        }
        return count
    }

    static func dayNumber(_ date: CalendarDate) -> Int32 {
        Int32(date.year * 10_000 + date.month * 100 + date.day)
    }

    static func date(dayNumber: Int32) -> CalendarDate? {
        let value = Int(dayNumber)
        return CalendarDate(year: value / 10_000, month: value / 100 % 100, day: value % 100)
    }

    static func bit(_ status: StepStatus) -> UInt8 {
        1 << UInt8(StepStatus.allCases.firstIndex(of: status)!)
    }

    static func cString<S: StringProtocol>(_ text: S) -> [CChar] {
        text.utf8.compactMap { $0 == 0 ? nil : CChar(bitPattern: $0) } + [0]
    }
}

// MARK: The index file's encoding

extension CaseDigest {
    func write(to out: inout BinaryWriter) {
        out.uuid(id)
        out.string(number)
        out.string(familyName)
        out.string(givenNames)
        out.string(sex?.rawValue ?? "")
        out.int(dateOfBirth.map { Int(CaseDigest.dayNumber($0)) } ?? 0)
        out.int(yearOfBirth ?? 0)
        out.int(ageEstimate.map { $0.years + 1 } ?? 0)
        out.int(ageEstimate.map { Int(CaseDigest.dayNumber($0.asOf)) } ?? 0)
        out.string(category?.rawValue ?? "")
        out.string(region)
        out.string(cercle)
        out.string(status.rawValue)
        out.string(assignedTo)
        out.string(worker)
        out.string(registeredBy)
        out.string(nameKey)
        out.string(compactFamilyName)
        out.string(compactGivenNames)
        out.strings(tracks)
        out.int(members.count)
        for member in members { member.write(to: &out) }
        out.strings(gaps)
        out.int(doneSteps.count)
        for done in doneSteps {
            out.string(done.track)
            out.string(done.step)
        }
        out.int(Int(lastActivityAt))
        out.int(Int(stepStatuses))
        out.int(openPlanned.count)
        for day in openPlanned { out.int(Int(day)) }
        out.string(closureRequestedBy)
        RecordedAct.write(lastAssignment, to: &out)
        RecordedAct.write(lastClosureDecision, to: &out)
        out.bytes(text.dropLast().map { UInt8(bitPattern: $0) })
        figures.write(to: &out)
    }

    /// Reads what `write` wrote; throws on anything out of shape.
    init(from input: inout BinaryReader) throws {
        id = try input.uuid()
        number = try input.string()
        familyName = try input.string()
        givenNames = try input.string()
        sex = try input.code(Sex.self)
        dateOfBirth = try CaseDigest.optionalDate(input.int())
        let year = try input.int()
        yearOfBirth = year == 0 ? nil : year
        let years = try input.int()
        let asOf = try CaseDigest.optionalDate(input.int())
        ageEstimate = years > 0 ? asOf.map { AgeEstimate(years: years - 1, asOf: $0) } : nil
        category = try input.code(Category.self)
        region = try input.string()
        cercle = try input.string()
        guard let status = try input.code(CaseStatus.self) else { throw BinaryReader.Malformed() }
        self.status = status
        assignedTo = try input.string()
        worker = try input.string()
        registeredBy = try input.string()
        nameKey = try input.string()
        compactFamilyName = try input.string()
        compactGivenNames = try input.string()
        tracks = try input.strings()
        let memberCount = try input.int()
        guard memberCount >= 0, memberCount <= input.remaining else { throw BinaryReader.Malformed() }
        var members: [MemberDigest] = []
        for _ in 0..<memberCount { members.append(try MemberDigest(from: &input)) }
        self.members = members
        gaps = try input.strings()
        let doneCount = try input.int()
        guard doneCount >= 0, doneCount <= input.remaining else { throw BinaryReader.Malformed() }
        var done: [DoneStep] = []
        for _ in 0..<doneCount { done.append(DoneStep(track: try input.string(), step: try input.string())) }
        doneSteps = done
        lastActivityAt = Int64(try input.int())
        stepStatuses = UInt8(truncatingIfNeeded: try input.int())
        let count = try input.int()
        guard count >= 0, count <= input.remaining else { throw BinaryReader.Malformed() }
        var planned: [Int32] = []
        planned.reserveCapacity(count)
        for _ in 0..<count { planned.append(Int32(truncatingIfNeeded: try input.int())) }
        openPlanned = planned
        closureRequestedBy = try input.string()
        lastAssignment = try RecordedAct.read(from: &input)
        lastClosureDecision = try RecordedAct.read(from: &input)
        text = try input.bytes().map { CChar(bitPattern: $0) } + [0]
        figures = try FiguresDigest(from: &input)
    }

    static func optionalDate(_ value: Int) throws -> CalendarDate? {
        guard value != 0 else { return nil }
        guard let date = CaseDigest.date(dayNumber: Int32(truncatingIfNeeded: value)) else { throw BinaryReader.Malformed() }
        return date
    }
}

/// Something done to a case that its worker is told about (a reassignment, a decision on a
/// closure request): its timeline kind, who and when.
public struct RecordedAct: Sendable, Equatable {
    static let assigned = "timeline.assigned"
    static let approved = "timeline.closureApproved"
    static let returned = "timeline.closureReturned"
    static let closureDecisions: Set<String> = [approved, returned]

    /// The timeline kind (`timeline.assigned`, `timeline.closureApproved`…).
    public let kind: String
    public let by: String
    /// Whole seconds since 1970.
    let at: Int64
    /// For a reassignment, who the case was given to.
    public let to: String

    init(_ event: TimelineEvent) {
        kind = event.kind
        by = event.by
        let seconds = event.at.timeIntervalSince1970
        at = seconds.isFinite ? Int64(min(max(seconds, -1e17), 1e17).rounded(.down)) : 0
        to = event.details["to"] ?? ""
    }

    private init(kind: String, by: String, at: Int64, to: String) {
        self.kind = kind
        self.by = by
        self.at = at
        self.to = to
    }

    public var date: Date { Date(timeIntervalSince1970: TimeInterval(at)) }
    public var isApproval: Bool { kind == RecordedAct.approved }

    static func write(_ act: RecordedAct?, to out: inout BinaryWriter) {
        out.string(act?.kind ?? "")
        guard let act else { return }
        out.string(act.by)
        out.int(Int(act.at))
        out.string(act.to)
    }

    static func read(from input: inout BinaryReader) throws -> RecordedAct? {
        let kind = try input.string()
        guard !kind.isEmpty else { return nil }
        guard kind == assigned || closureDecisions.contains(kind) else { throw BinaryReader.Malformed() }
        return RecordedAct(kind: kind, by: try input.string(), at: Int64(try input.int()), to: try input.string())
    }
}

/// A step done, and the track of its plan (`training` is a step of two tracks).
public struct DoneStep: Sendable, Equatable {
    public let track: String
    public let step: String

    public init(track: String, step: String) {
        self.track = track
        self.step = step
    }
}

/// What the duplicate check and the counts need of a household member.
public struct MemberDigest: Sendable, Equatable {
    public let id: UUID
    /// The member's full name, their family name the case's when they have none of their own.
    public let fullName: String
    public let compactFamilyName: String
    public let compactGivenNames: String
    public let sex: Sex?
    public let birthYear: Int?
    /// The member's own case, once registered.
    public let ownCase: UUID?

    init(_ member: HouseholdMember, in item: Case) {
        id = member.id
        fullName = member.fullName(in: item)
        compactFamilyName = Fold.compact(member.familyName(in: item))
        compactGivenNames = Fold.compact(member.givenNames)
        sex = member.sex
        birthYear = member.birthYear
        ownCase = member.ownCase
    }

    func write(to out: inout BinaryWriter) {
        out.uuid(id)
        out.string(fullName)
        out.string(compactFamilyName)
        out.string(compactGivenNames)
        out.string(sex?.rawValue ?? "")
        out.int(birthYear ?? 0)
        out.string(ownCase?.uuidString ?? "")
    }

    init(from input: inout BinaryReader) throws {
        id = try input.uuid()
        fullName = try input.string()
        compactFamilyName = try input.string()
        compactGivenNames = try input.string()
        sex = try input.code(Sex.self)
        let year = try input.int()
        birthYear = year == 0 ? nil : year
        let own = try input.string()
        guard own.isEmpty || UUID(uuidString: own) != nil else { throw BinaryReader.Malformed() }
        ownCase = UUID(uuidString: own)
    }
}
