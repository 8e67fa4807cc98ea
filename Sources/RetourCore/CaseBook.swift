import OrderedCollections
import Foundation

/// Every case of a data directory, in registration order, and the indexes kept beside them.
/// The only place where a change modifies cases.
public struct CaseBook: Sendable {
    public private(set) var cases: OrderedDictionary<UUID, Case> = [:]
    /// Sequence number of the last change applied.
    public private(set) var seq: Int = 0
    private var idByNumber: [String: UUID] = [:]
    private var highestSerial: [String: Int] = [:]
    private var idsByDuplicateKey: [DuplicateKey: [UUID]] = [:]

    public init() {}

    /// A book holding `cases` as of change `seq` (as read from a snapshot).
    public init(cases: [Case], seq: Int) throws {
        self.seq = seq
        for item in cases {
            guard self.cases[item.id] == nil else { throw ChangeError.duplicateID }
            guard idByNumber[item.number] == nil else { throw ChangeError.duplicateNumber(item.number) }
            insert(item)
        }
    }

    public var count: Int { cases.count }

    public subscript(id: UUID) -> Case? { cases[id] }

    public func find(number: String) -> Case? {
        idByNumber[number.uppercased()].flatMap { cases[$0] }
    }

    /// The next free case number for a region: its prefix and the next serial (`GAO-000043`).
    public func nextNumber(prefix: String) -> String {
        String(format: "%@-%06d", prefix, (highestSerial[prefix] ?? 0) + 1)
    }

    /// Throws unless `entry` can be applied to the current state. Changes nothing.
    /// The rules of the case lifecycle live here: only an explicit action changes a status.
    public func check(_ entry: JournalEntry) throws {
        guard entry.seq == seq + 1 else { throw ChangeError.outOfSequence(expected: seq + 1, found: entry.seq) }
        if case .register(let id, let number, _) = entry.change {
            guard cases[id] == nil else { throw ChangeError.duplicateID }
            guard idByNumber[number] == nil else { throw ChangeError.duplicateNumber(number) }
            return
        }
        guard let item = cases[entry.change.caseID] else { throw ChangeError.unknownCase }
        let number = item.number
        func require(_ text: String) throws {
            if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw ChangeError.missingText(number: number) }
        }
        func requireStatus(_ allowed: Set<CaseStatus>) throws {
            if !allowed.contains(item.status) { throw ChangeError.notAllowed(number: number, status: item.status) }
        }
        switch entry.change {
        case .register: break
        case .editProfile(_, let expectedVersion, _):
            guard item.version == expectedVersion else { throw ChangeError.staleVersion(number: number) }
        case .enrol(_, let plan):
            try requireStatus([.registered, .active, .closureRequested])
            if item.plans.contains(where: { $0.track == plan.track }) {
                throw ChangeError.alreadyEnrolled(number: number, track: plan.track)
            }
            if item.plans.contains(where: { $0.id == plan.id }) { throw ChangeError.duplicateID }
        case .updateStep(_, let planID, let step):
            guard let plan = item.plans.first(where: { $0.id == planID }),
                  plan.steps.contains(where: { $0.code == step.code }) else {
                throw ChangeError.unknownPlanOrStep(number: number)
            }
            if step.status == .blocked { try require(step.blockedReason) }
        case .assess(_, let assessment):
            if assessment.ratings.isEmpty { throw ChangeError.missingText(number: number) }
            if item.assessments.contains(where: { $0.id == assessment.id }) { throw ChangeError.duplicateID }
        case .saveReferral(_, let referral):
            try require(referral.service)
        case .addNote(_, let note):
            try require(note.text)
            if item.notes.contains(where: { $0.id == note.id }) { throw ChangeError.duplicateID }
        case .requestClosure(_, let reason):
            try requireStatus([.registered, .active])
            try require(reason)
        case .close(_, let closure):
            try requireStatus([.closureRequested])
            try require(closure.reason)
        case .reopen(_, let reason):
            try requireStatus([.closed])
            try require(reason)
        }
    }

    public mutating func apply(_ entry: JournalEntry) throws {
        try check(entry)
        let stamp = Stamp(by: entry.by, at: entry.at)
        func event(_ kind: String, _ details: [String: String] = [:]) -> TimelineEvent {
            TimelineEvent(seq: entry.seq, by: entry.by, at: entry.at, kind: kind, details: details)
        }
        if case .register(let id, let number, let profile) = entry.change {
            var item = Case(id: id, number: number, profile: profile, status: .registered,
                            created: stamp, updated: stamp, version: 1)
            item.timeline = [event("timeline.register")]
            insert(item)
            seq = entry.seq
            return
        }
        let id = entry.change.caseID
        var item = cases[id]!
        switch entry.change {
        case .register: break
        case .editProfile(_, _, let profile):
            let before = ProfileDraft(item.profile), after = ProfileDraft(profile)
            let changed = ProfileField.allCases.filter { before[$0] != after[$0] }.map(\.rawValue)
            removeFromDuplicateIndex(item)
            item.profile = profile
            idsByDuplicateKey[DuplicateKey(item.profile), default: []].append(id)
            item.timeline.append(event("timeline.edit", ["fields": changed.joined(separator: " ")]))
        case .enrol(_, let plan):
            item.plans.append(plan)
            if item.status == .registered { item.status = .active }
            item.timeline.append(event("timeline.enrol", ["track": plan.track]))
        case .updateStep(_, let planID, let step):
            let planIndex = item.plans.firstIndex { $0.id == planID }!
            let stepIndex = item.plans[planIndex].steps.firstIndex { $0.code == step.code }!
            item.plans[planIndex].steps[stepIndex] = step
            item.timeline.append(event("timeline.step", ["track": item.plans[planIndex].track, "step": step.code,
                                                         "status": step.status.rawValue]))
        case .assess(_, let assessment):
            item.assessments.append(assessment)
            let gaps = assessment.ratings.filter { $0.value.access.isGap }.count
            item.timeline.append(event("timeline.assess", ["gaps": String(gaps), "date": assessment.date.iso]))
        case .saveReferral(_, let referral):
            if let index = item.referrals.firstIndex(where: { $0.id == referral.id }) {
                item.referrals[index] = referral
                item.timeline.append(event("timeline.referralUpdated", ["service": referral.service, "status": referral.status.rawValue]))
            } else {
                item.referrals.append(referral)
                item.timeline.append(event("timeline.referral", ["service": referral.service, "status": referral.status.rawValue]))
            }
        case .addNote(_, var note):
            // The journal keeps whole seconds: keep the note as it will be read back.
            note.at = Date(timeIntervalSince1970: note.at.timeIntervalSince1970.rounded(.down))
            item.notes.append(note)
            item.timeline.append(event(note.corrects == nil ? "timeline.note" : "timeline.noteCorrection"))
        case .requestClosure(_, let reason):
            item.status = .closureRequested
            item.closureRequest = reason
            item.timeline.append(event("timeline.closureRequested", ["reason": reason]))
        case .close(_, let closure):
            item.status = .closed
            item.closure = closure
            item.timeline.append(event("timeline.closed", ["reason": closure.reason,
                                                           "confirmed": closure.confirmedOpenItems ? "yes" : "no"]))
        case .reopen(_, let reason):
            item.status = item.plans.isEmpty ? .registered : .active
            item.closureRequest = nil
            item.closure = nil
            item.timeline.append(event("timeline.reopened", ["reason": reason]))
        }
        item.updated = stamp
        item.version += 1
        cases[id] = item
        seq = entry.seq
    }

    /// Cases that may be the same person as `profile` (same folded names, same region,
    /// birth years within one year when both are known), except `excluding`.
    public func possibleDuplicates(of profile: CaseProfile, excluding: UUID? = nil) -> [Case] {
        (idsByDuplicateKey[DuplicateKey(profile)] ?? [])
            .filter { $0 != excluding }
            .compactMap { cases[$0] }
            .filter { DuplicateKey.birthYearsClose($0.profile, profile) }
    }

    private mutating func insert(_ item: Case) {
        cases[item.id] = item
        idByNumber[item.number] = item.id
        if let (prefix, serial) = CaseBook.split(number: item.number) {
            highestSerial[prefix] = max(highestSerial[prefix] ?? 0, serial)
        }
        idsByDuplicateKey[DuplicateKey(item.profile), default: []].append(item.id)
    }

    private mutating func removeFromDuplicateIndex(_ item: Case) {
        let key = DuplicateKey(item.profile)
        idsByDuplicateKey[key]?.removeAll { $0 == item.id }
        if idsByDuplicateKey[key]?.isEmpty == true { idsByDuplicateKey[key] = nil }
    }

    static func split(number: String) -> (String, Int)? {
        guard let dash = number.lastIndex(of: "-"), let serial = Int(number[number.index(after: dash)...]) else {
            return nil
        }
        return (String(number[..<dash]), serial)
    }
}

/// What two registrations of the same person share, spelled however they were typed.
public struct DuplicateKey: Hashable, Sendable {
    let familyName: String
    let givenNames: String
    let region: String

    public init(_ profile: CaseProfile) {
        familyName = Fold.compact(profile.familyName)
        givenNames = Fold.compact(profile.givenNames)
        region = profile.region
    }

    /// Birth years within one year of each other; an unknown year matches any.
    public static func birthYearsClose(_ a: CaseProfile, _ b: CaseProfile) -> Bool {
        guard let first = a.birthYear, let second = b.birthYear else { return true }
        return abs(first - second) <= 1
    }
}
