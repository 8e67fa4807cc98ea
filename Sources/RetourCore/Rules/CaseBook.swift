import Foundation

/// Every case of a data directory, in registration order, and the indexes kept beside them.
/// The only place where a change modifies cases.
/// Every case of a data directory, in registration order, and the indexes kept beside them.
/// The only place where a change modifies cases.
///
/// Each case is known by its digest (what lists, searches and numbering need); the whole case
/// is read from the snapshot when asked for, and kept here once a change has touched it.
public struct CaseBook: Sendable {
    /// Every case's digest, in registration order.
    public private(set) var digests: [CaseDigest] = []
    /// Sequence number of the last change applied.
    public private(set) var seq: Int = 0
    /// Lines of the snapshot that break the model's rules (a second case with a number already
    /// taken): kept in the file as they are, left out of the book, reported by `retour check`.
    public private(set) var setAside: [SetAsideLine] = []
    /// Cases registered or changed since the snapshot was read: the next snapshot encodes
    /// these and copies the others' lines as they are.
    private(set) var changed: [UUID: Case] = [:]
    /// Where the other cases are read from.
    private(set) var snapshot: SnapshotLines?
    private var positions: [UUID: Int] = [:]
    private var idByNumber: [String: UUID] = [:]
    private var highestSerial: [String: Int] = [:]
    private var idsByDuplicateKey: [DuplicateKey: [UUID]] = [:]

    public init() {}

    /// A book holding `cases` as of change `seq`, all in memory.
    public init(cases: [Case], seq: Int) throws {
        self.seq = seq
        for item in cases {
            guard positions[item.id] == nil else { throw ChangeError.duplicateID }
            guard idByNumber[item.number] == nil else { throw ChangeError.duplicateNumber(item.number) }
            insert(CaseDigest(item))
            changed[item.id] = item
        }
    }

    /// A book whose cases are in `snapshot`, known by their digests (already checked to have
    /// distinct ids and numbers).
    init(digests: [CaseDigest], snapshot: SnapshotLines?, setAside: [SetAsideLine], seq: Int) {
        self.seq = seq
        self.snapshot = snapshot
        self.setAside = setAside
        self.digests.reserveCapacity(digests.count)
        positions.reserveCapacity(digests.count)
        idByNumber.reserveCapacity(digests.count)
        for digest in digests { insert(digest) }
    }

    public var count: Int { digests.count }

    /// Case `id`, read from the snapshot unless a change touched it; nil when there is no such
    /// case or its line cannot be read any more.
    public subscript(id: UUID) -> Case? { try? read(id) }

    public func digest(_ id: UUID) -> CaseDigest? {
        positions[id].map { digests[$0] }
    }

    public func find(number: String) -> Case? {
        find(numberOf: number).flatMap { self[$0] }
    }

    /// The id of the case numbered `number` (any case).
    public func find(numberOf number: String) -> UUID? {
        idByNumber[number.uppercased()]
    }

    /// Case `id` (nil when there is none), or why its line cannot be read.
    public func read(_ id: UUID) throws -> Case? {
        if let item = changed[id] { return item }
        guard positions[id] != nil, let snapshot else { return nil }
        do {
            return try snapshot.read(id)
        } catch let failure as SnapshotFile.Failure {
            throw failure.storeError(file: Store.Files.snapshot, newestBackup: nil)
        }
    }

    /// Every case, in registration order, read on every core.
    public func allCases() throws -> [Case] {
        try cases(digests.map(\.id))
    }

    /// The cases `ids`, in that order, read on every core.
    public func cases(_ ids: [UUID]) throws -> [Case] {
        try SnapshotFile.inParallel(ids.count) { index in
            guard let item = try read(ids[index]) else { throw ChangeError.unknownCase }
            return item
        }
    }

    /// The book after its snapshot was rewritten: every case is now read from `snapshot`.
    mutating func rebase(on snapshot: SnapshotLines, setAside: [SetAsideLine]) {
        self.snapshot = snapshot
        self.setAside = setAside
        changed = [:]
    }

    /// The next free case number for a region: its prefix and the next serial (`GAO-000043`).
    public func nextNumber(prefix: String) -> String {
        String(format: "%@-%06d", prefix, (highestSerial[prefix] ?? 0) + 1)
    }

    /// Throws unless `entry` can be applied to the current state. Changes nothing.
    /// The rules of the case lifecycle live here: only an explicit action changes a status.
    /// Returns the change with the case it applies to as it stands, so that applying it reads
    /// nothing again (and cannot fail once the change is durable).
    /// A new change must also hold text only (`PlainText`): no form lets a control character
    /// through, and this refuses one made any other way before it can be journaled.
    @discardableResult
    public func check(_ entry: JournalEntry) throws -> CheckedChange {
        let checked = try checkRules(entry)
        if entry.texts.contains(where: { !PlainText.isAcceptable($0.text, lines: $0.lines) }) {
            let number: String
            if case .register(_, let registered, _) = entry.change { number = registered } else { number = checked.current.number }
            throw ChangeError.controlCharacter(number: number)
        }
        return checked
    }

    /// A change read back from the journal: the rules of the model, but not the text rule of new
    /// changes, so that what an older version or a hand stored still opens (outputs show it safely).
    mutating func replay(_ entry: JournalEntry) throws {
        apply(try checkRules(entry))
    }

    private func checkRules(_ entry: JournalEntry) throws -> CheckedChange {
        guard entry.seq == seq + 1 else { throw ChangeError.outOfSequence(expected: seq + 1, found: entry.seq) }
        if case .register(let id, let number, let profile) = entry.change {
            guard positions[id] == nil else { throw ChangeError.duplicateID }
            guard idByNumber[number] == nil else { throw ChangeError.duplicateNumber(number) }
            let stamp = Stamp(by: entry.by, at: entry.at)
            return CheckedChange(entry: entry, current: Case(id: id, number: number, profile: profile, status: .registered,
                                                             created: stamp, updated: stamp, version: 1))
        }
        guard let item = try read(entry.change.caseID) else { throw ChangeError.unknownCase }
        try check(entry, on: item)
        return CheckedChange(entry: entry, current: item)
    }

    private func check(_ entry: JournalEntry, on item: Case) throws {
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
        apply(try check(entry))
    }

    /// Applies a change `check` accepted on this very state.
    mutating func apply(_ checked: CheckedChange) {
        let entry = checked.entry
        var item = checked.current
        let stamp = Stamp(by: entry.by, at: entry.at)
        func event(_ kind: String, _ details: [String: String] = [:]) -> TimelineEvent {
            TimelineEvent(seq: entry.seq, by: entry.by, at: entry.at, kind: kind, details: details)
        }
        if case .register = entry.change {
            item.timeline = [event("timeline.register")]
            insert(CaseDigest(item))
            changed[item.id] = item
            seq = entry.seq
            return
        }
        let id = entry.change.caseID
        switch entry.change {
        case .register: break
        case .editProfile(_, _, let profile):
            let before = ProfileDraft(item.profile), after = ProfileDraft(profile)
            let changed = ProfileField.allCases.filter { before[$0] != after[$0] }.map(\.rawValue)
            item.profile = profile
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
        replace(CaseDigest(item))
        changed[id] = item
        seq = entry.seq
    }

    /// Cases that may be the same person as `profile` (same folded names, same region,
    /// birth years within one year when both are known), except `excluding`.
    public func possibleDuplicates(of profile: CaseProfile, excluding: UUID? = nil) -> [Case] {
        let year = profile.birthYear
        return (idsByDuplicateKey[DuplicateKey(profile)] ?? [])
            .filter { $0 != excluding }
            .compactMap(digest)
            .filter { DuplicateKey.birthYearsClose($0.birthYear, year) }
            .compactMap { self[$0.id] }
    }

    private mutating func insert(_ digest: CaseDigest) {
        positions[digest.id] = digests.count
        digests.append(digest)
        idByNumber[digest.number] = digest.id
        if let (prefix, serial) = CaseBook.split(number: digest.number) {
            highestSerial[prefix] = max(highestSerial[prefix] ?? 0, serial)
        }
        idsByDuplicateKey[DuplicateKey(digest), default: []].append(digest.id)
    }

    private mutating func replace(_ digest: CaseDigest) {
        let position = positions[digest.id]!
        let before = DuplicateKey(digests[position])
        let after = DuplicateKey(digest)
        if before != after {
            idsByDuplicateKey[before]?.removeAll { $0 == digest.id }
            if idsByDuplicateKey[before]?.isEmpty == true { idsByDuplicateKey[before] = nil }
            idsByDuplicateKey[after, default: []].append(digest.id)
        }
        digests[position] = digest
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

    init(_ digest: CaseDigest) {
        familyName = digest.compactFamilyName
        givenNames = digest.compactGivenNames
        region = digest.region
    }

    /// Birth years within one year of each other; an unknown year matches any.
    public static func birthYearsClose(_ a: CaseProfile, _ b: CaseProfile) -> Bool {
        birthYearsClose(a.birthYear, b.birthYear)
    }

    static func birthYearsClose(_ a: Int?, _ b: Int?) -> Bool {
        guard let a, let b else { return true }
        return abs(a - b) <= 1
    }
}

/// A change `CaseBook.check` accepted, with the case it applies to as it stood (the new case
/// for a registration).
public struct CheckedChange: Sendable {
    public let entry: JournalEntry
    let current: Case
}

/// A line of the snapshot left out of the book because it breaks the model's rules; copied as
/// it is into every later snapshot so that nothing typed is ever lost.
public struct SetAsideLine: Sendable, Equatable {
    /// The case number the line holds, as far as it could be read.
    public let number: String
    /// A catalogue key saying why.
    public let reason: String
    /// What does not fit, when the line is not a case as this version knows it: a field
    /// path such as " (profile.category)", never a value.
    public let detail: String
    let location: SnapshotLines.Location
}
