import Foundation

/// Every case of a data directory, in registration order, the indexes kept beside them, and
/// the users who sign in. The only place where a change is decided (`check`: the rules of the
/// lifecycle and the permissions of the acting user) and applied.
///
/// Each case is known by its digest (what lists, searches and numbering need); the whole case
/// is read from the snapshot when asked for, and kept here once a change has touched it.
public struct CaseBook: Sendable {
    /// Every case's digest, in registration order. Read through `CaseReader`, which keeps to
    /// the signed-in user's caseload.
    private(set) var digests: [CaseDigest] = []
    /// Sequence number of the last change applied.
    public private(set) var seq: Int = 0
    /// Lines of the snapshot that break the model's rules (a second case with a number already
    /// taken): kept in the file as they are, left out of the book, reported by `retour check`.
    public private(set) var setAside: [SetAsideLine] = []
    /// Who signs in; empty until the first administrator is created.
    public private(set) var users = Users()
    /// Set when the directory is a demonstration office of fictitious people (`Change.markDemo`).
    public private(set) var demo: DemoMark?
    public var isDemo: Bool { demo != nil }
    /// Set once the directory joined a network of sites (`Change.joinSite`).
    public private(set) var site: SiteMark?
    /// Cases registered or changed since the snapshot was read: the next snapshot encodes
    /// these and copies the others' lines as they are.
    private(set) var changed: [UUID: Case] = [:]
    /// Other sessions' changes read while this one saved, not applied yet (`replay(_:deferring:)`):
    /// each case's, in order. Reading a case folds its own in; `settle` applies them, digests
    /// included (all when the session is idle, the oldest after a save once many wait). A save
    /// then pays for the lines others appended before it only their decoding, not the decoding
    /// of every case they touched.
    private(set) var deferred: [UUID: [JournalEntry]] = [:]
    /// Where the other cases are read from.
    private(set) var snapshot: SnapshotLines?
    private var positions: [UUID: Int] = [:]
    private var idByNumber: [String: UUID] = [:]
    private var highestSerial: [String: Int] = [:]
    /// The people of each duplicate key: a case's person, or one of its household members.
    private var peopleByDuplicateKey: [DuplicateKey: [Person]] = [:]
    /// Case registered from a household member → the case whose household lists them.
    private var households: [UUID: UUID] = [:]

    /// A person known to the duplicate check: case `id`'s person, or its member `member`.
    struct Person: Hashable, Sendable {
        let id: UUID
        let member: UUID?
    }

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
    init(digests: [CaseDigest], snapshot: SnapshotLines?, setAside: [SetAsideLine], seq: Int, users: Users,
         demo: DemoMark? = nil, site: SiteMark? = nil) {
        self.seq = seq
        self.users = users
        self.demo = demo
        self.site = site
        self.snapshot = snapshot
        self.setAside = setAside
        self.digests.reserveCapacity(digests.count)
        positions.reserveCapacity(digests.count)
        idByNumber.reserveCapacity(digests.count)
        for digest in digests { insert(digest) }
    }

    public var count: Int { digests.count }

    /// Decodes ahead of need the cases of `ids` that are read from the snapshot (`SnapshotLines.prepare`).
    func prepare(_ ids: [UUID]) {
        snapshot?.prepare(ids.filter { changed[$0] == nil })
    }

    /// Case `id`, read from the snapshot unless a change touched it; nil when there is no such
    /// case or its line cannot be read any more.
    subscript(id: UUID) -> Case? { try? read(id) }

    func digest(_ id: UUID) -> CaseDigest? {
        positions[id].map { digests[$0] }
    }

    /// The cases and households that may hold the person `profile` describes
    /// (`possibleDuplicates`), except case `excluding` and the household of `member`: what a
    /// form warned about, compared under the commit lock with what is there now.
    public func possibleDuplicateIDs(of profile: CaseProfile, excluding: UUID? = nil, member: UUID? = nil) -> Set<UUID> {
        Set(possibleDuplicates(of: profile, excluding: excluding).filter { member == nil || $0.member?.id != member }.map(\.digest.id))
    }

    /// The number of the case `id` (nil when there is none): a case registered with
    /// `numberToAllocate` learns its number from it once committed.
    public func number(of id: UUID) -> String? {
        digest(id)?.number
    }

    /// The version of case `id` as the book now stands (nil when there is none).
    public func version(of id: UUID) -> Int? {
        (try? read(id))?.version
    }

    /// The changes others made to case `id` since `version` that `change`, made on that
    /// version, goes against (`clashes(of:on:since:)`): who and when only, for a conflict to
    /// be said and decided on the case as it now stands.
    public func clashes(of change: Change, on id: UUID, since version: Int) -> [TimelineEvent] {
        guard let item = try? read(id) else { return [] }
        return (try? CaseBook.clashes(of: change, on: item, since: version)) ?? []
    }

    func find(number: String) -> Case? {
        find(numberOf: number).flatMap { self[$0] }
    }

    /// The id of the case numbered `number` (any case).
    func find(numberOf number: String) -> UUID? {
        idByNumber[number.uppercased()]
    }

    /// Case `id` (nil when there is none), or why its line cannot be read. With the changes
    /// deferred for it. `keeping`: a case read from the snapshot stays decoded there for the
    /// next reading (`SnapshotLines.read`).
    func read(_ id: UUID, keeping: Bool = true) throws -> Case? {
        guard let item = try stored(id, keeping: keeping) else { return nil }
        guard let entries = deferred[id] else { return item }
        return try folding(entries, into: item)
    }

    /// Case `id` as last applied: in memory once changed, else from the snapshot.
    private func stored(_ id: UUID, keeping: Bool) throws -> Case? {
        if let item = changed[id] { return item }
        guard positions[id] != nil, let snapshot else { return nil }
        do {
            return try snapshot.read(id, keeping: keeping)
        } catch let failure as SnapshotFile.Failure {
            throw failure.storeError(file: Store.Files.snapshot, newestBackup: nil)
        }
    }

    /// `item` after `entries`, each held to the model's rules as a replayed line is.
    private func folding(_ entries: [JournalEntry], into item: Case) throws -> Case {
        var item = item
        for entry in entries {
            if entry.held == nil { try check(entry, on: item) }
            item = updated(item, by: entry)
        }
        return item
    }

    /// Whether changes read from others wait to be applied (`settle`).
    public var hasDeferred: Bool { !deferred.isEmpty }

    /// How many changes wait to be applied.
    private(set) var deferredCount = 0

    /// Applies the deferred changes, the oldest cases' first, until at most `keeping` wait:
    /// each case they touch is read once, brought up to date, and its digest replaced. Returns
    /// them in the order they were made. A change the model's rules refuse throws (the journal
    /// was not written by Retour): the book is then to be read again.
    mutating func settle(keeping: Int = 0) throws -> [JournalEntry] {
        var settled: [JournalEntry] = []
        let oldestFirst = deferred.sorted { $0.value[0].seq < $1.value[0].seq }
        for (id, entries) in oldestFirst where deferredCount > keeping {
            guard let stored = try stored(id, keeping: false) else { throw ChangeError.unknownCase }
            let item = try folding(entries, into: stored)
            replace(CaseDigest(item))
            changed[id] = item
            deferred[id] = nil
            deferredCount -= entries.count
            settled += entries
        }
        return settled.sorted { $0.seq < $1.seq }
    }

    /// Every case, in registration order, read on every core.
    func allCases() throws -> [Case] {
        try cases(digests.map(\.id))
    }

    /// The cases `ids`, in that order, read on every core.
    func cases(_ ids: [UUID], progress: ((Int) -> Void)? = nil) throws -> [Case] {
        try SnapshotFile.inParallel(ids.count, progress: progress) { index in
            guard let item = try read(ids[index], keeping: false) else { throw ChangeError.unknownCase }
            return item
        }
    }

    /// The book after its snapshot was rewritten: every case is now read from `snapshot`.
    mutating func rebase(on snapshot: SnapshotLines, setAside: [SetAsideLine]) {
        self.snapshot = snapshot
        self.setAside = setAside
        changed = [:]
    }

    /// The version of each case held in memory (`changed`): what `rebase(…keepingChangesSince:)`
    /// is given when the snapshot is written from the book as it stands now.
    var changedVersions: [UUID: Int] {
        changed.mapValues(\.version)
    }

    /// The book after its snapshot was rewritten from the book as it stood at `versions`
    /// (`changedVersions` then), changes applied since: the cases changed since are kept in
    /// memory, every other one is read from `snapshot`.
    mutating func rebase(on snapshot: SnapshotLines, setAside: [SetAsideLine], keepingChangesSince versions: [UUID: Int]) {
        self.snapshot = snapshot
        self.setAside = setAside
        changed = changed.filter { id, item in versions[id] != item.version }
    }

    /// The next free case number for a region: its prefix and the next serial (`GAO-000043`).
    /// Only under the commit lock is it still free when the case is saved (`Store.commitBatch`);
    /// a form registers with `numberToAllocate` instead.
    /// In a directory that joined a network of sites, the site's code replaces the region's
    /// (`GAO-A-000042`): numbers stay unique across sites without asking the server.
    public func nextNumber(prefix: String) -> String {
        let prefix = site?.code ?? prefix
        return String(format: "%@-%06d", prefix, (highestSerial[prefix] ?? 0) + 1)
    }

    /// The number to register a case with when its number is to be chosen by the store, under
    /// its commit lock, from the history as it then is (`GAO-000000`): with several writers, a
    /// number chosen earlier may have been taken since. The committed entry holds the real one.
    public static func numberToAllocate(prefix: String) -> String {
        prefix + "-000000"
    }

    /// The region prefix of a `numberToAllocate`, nil for any other number.
    static func prefixToAllocate(_ number: String) -> String? {
        guard number.hasSuffix("-000000"), number.count > 7 else { return nil }
        return String(number.dropLast(7))
    }

    /// Throws unless `entry` can be applied to the current state. Changes nothing.
    /// The rules of the case lifecycle live here: only an explicit action changes a status.
    /// Returns the change with the case it applies to as it stands, so that applying it reads
    /// nothing again (and cannot fail once the change is durable).
    /// A new change must also hold text only (`PlainText`): no form lets a control character
    /// through, and this refuses one made any other way before it can be journaled. And it
    /// must be `clearance`'s to make (`permit`).
    @discardableResult
    public func check(_ entry: JournalEntry, as clearance: Clearance) throws -> CheckedChange {
        let checked = try keepingConfidential(checkRules(entry), for: clearance)
        try permit(checked, to: clearance)
        try checkNewRules(checked)
        if entry.texts.contains(where: { !PlainText.isAcceptable($0.text, lines: $0.lines) }) {
            switch entry.change {
            case .addUser(let user): throw ChangeError.invalidUser(.controlCharacter, login: String(user.login.prefix(32)))
            case .updateUser(let login, _): throw ChangeError.invalidUser(.controlCharacter, login: String(login.prefix(32)))
            case .register(_, let number, _): throw ChangeError.controlCharacter(number: number)
            default: throw ChangeError.controlCharacter(number: checked.current?.number ?? "")
            }
        }
        return checked
    }

    /// The tracks' rules, as `Assets/tracks.json` gives them (`Store.enrolmentRules` sets them):
    /// a new enrolment outside them needs a reason. Empty: no rule (a book made in a test).
    public var enrolmentRules = EnrolmentRules()

    /// Rules that hold for new changes only, never for what the journal already holds (an
    /// enrolment made before the tracks had rules still opens): the tracks' rules, bounded reasons.
    private func checkNewRules(_ checked: CheckedChange) throws {
        guard let item = checked.current else { return }
        func bounded(_ text: String) throws {
            if text.count > Plan.maximumReasonLength {
                throw ChangeError.textTooLong(number: item.number, maximum: Plan.maximumReasonLength)
            }
        }
        switch checked.entry.change {
        case .enrol(_, let plan):
            let reason = (plan.exception ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            try bounded(reason)
            if reason.isEmpty && !enrolmentRules.violations(for: plan.track, profile: item.profile, on: plan.enrolledOn).isEmpty {
                throw ChangeError.outsideTrackRules(number: item.number, track: plan.track)
            }
        case .withdrawEnrolment(_, _, let reason), .requestClosure(_, let reason, _),
             .approveClosure(_, _, let reason), .returnClosure(_, _, let reason):
            try bounded(reason)
        default: break
        }
    }

    /// An edit of a profile by someone who was not shown its confidential vulnerabilities
    /// (`CaseReader`) keeps them as they were: what comes back from their form is the
    /// placeholder, never a choice about them.
    private func keepingConfidential(_ checked: CheckedChange, for clearance: Clearance) -> CheckedChange {
        if case .register(let id, let number, var profile) = checked.entry.change,
           profile.vulnerabilities.contains(Confidential.placeholder), let item = checked.current {
            profile.vulnerabilities.removeAll { $0 == Confidential.placeholder }
            var entry = checked.entry
            entry.change = .register(id: id, number: number, profile: profile)
            return CheckedChange(entry: entry, current: Case(id: item.id, number: item.number, profile: profile, status: item.status,
                                                             created: item.created, updated: item.updated, version: item.version))
        }
        guard case .editProfile(let id, let version, var profile) = checked.entry.change, let item = checked.current else {
            return checked
        }
        let scope = Scope(clearance, users: users)
        if scope.seesConfidential(assignedTo: item.profile.assignedTo, registeredBy: item.created.by) {
            profile.vulnerabilities.removeAll { $0 == Confidential.placeholder }
        } else {
            profile.vulnerabilities = Confidential.restored(profile.vulnerabilities, from: item.profile.vulnerabilities)
        }
        var entry = checked.entry
        entry.change = .editProfile(id: id, expectedVersion: version, profile: profile)
        return CheckedChange(entry: entry, current: item)
    }

    /// Throws unless `clearance` may make the change: who sees and does what, decided here once.
    /// The user's role and teams are taken as they are now, not as they were at sign-in.
    private func permit(_ checked: CheckedChange, to clearance: Clearance) throws {
        let change = checked.entry.change
        if users.isEmpty {
            // Before the first user, anyone at the terminal; that user turns sign-in on.
            if case .addUser(let user) = change, user.role != .administrator {
                throw ChangeError.forbidden(.firstUserNotAdministrator)
            }
            return
        }
        guard let signedIn = clearance.user, let user = users[signedIn.login] else { throw ChangeError.forbidden(.signInRequired) }
        guard user.active else { throw ChangeError.forbidden(.disabled) }
        let scope = Scope(Clearance(login: user.login, user: user), users: users)
        switch change {
        case .addUser, .updateUser, .markDemo, .joinSite:
            guard user.role == .administrator else { throw ChangeError.forbidden(.manageUsers) }
        case .register(_, let number, let profile):
            guard scope.mayAssign(to: profile.assignedTo) else { throw ChangeError.forbidden(.assignOutsideCaseload, number: number) }
        default:
            guard let item = checked.current else { return }
            guard scope.contains(assignedTo: item.profile.assignedTo, registeredBy: item.created.by) else {
                throw ChangeError.forbidden(.outsideCaseload, number: item.number)
            }
            if case .editProfile(_, _, let profile) = change, profile.assignedTo != item.profile.assignedTo,
               user.role == .caseWorker || !scope.mayAssign(to: profile.assignedTo) {
                throw ChangeError.forbidden(.assignOutsideCaseload, number: item.number)
            }
            switch change {
            case .settleSiteConflict:
                if user.role == .caseWorker { throw ChangeError.forbidden(.siteConflict, number: item.number) }
            case .close, .reopen, .approveClosure, .returnClosure:
                if user.role == .caseWorker { throw ChangeError.forbidden(.closeOrReopen, number: item.number) }
            default: break
            }
            switch change {
            case .close, .approveClosure:
                // Nobody decides their own request alone, except an administrator.
                if item.closureRequestedBy == user.login && user.role != .administrator {
                    throw ChangeError.forbidden(.approveOwnRequest, number: item.number)
                }
            case .assign(_, let login):
                guard user.role >= .supervisor else { throw ChangeError.forbidden(.assignOutsideCaseload, number: item.number) }
                // Only to someone who can take the case: an active case worker (or supervisor)
                // the assigner's scope reaches.
                guard let worker = users[login], worker.active, worker.role != .administrator || user.role == .administrator,
                      scope.mayAssign(to: login) else {
                    throw ChangeError.forbidden(.assignOutsideCaseload, number: item.number)
                }
            default: break
            }
        }
    }

    /// A change read back from the journal: the rules of the model, but not the text rule of new
    /// changes, so that what an older version or a hand stored still opens (outputs show it safely).
    /// `deferring`: a change that touches its case alone (`Change.touchesItsCaseAlone`) is kept
    /// for later (`deferred`), its rules checked when it is applied. Returns whether it was.
    @discardableResult
    mutating func replay(_ entry: JournalEntry, deferring: Bool = false) throws -> Bool {
        // A pulled change moves the site's mark (`SiteMark.pulled`): applied at once.
        if deferring, entry.change.touchesItsCaseAlone, entry.origin == nil, entry.seq == seq + 1,
           let id = entry.change.caseID, positions[id] != nil {
            deferred[id, default: []].append(entry)
            deferredCount += 1
            seq = entry.seq
            return true
        }
        apply(try checkRules(entry))
        return false
    }

    /// A change pulled from another site (`Store.receive`), as this book would apply it: the
    /// rules of the model and of texts, not the permissions, which its site decided.
    func checkPulled(_ entry: JournalEntry) throws -> CheckedChange {
        let checked = try checkRules(entry)
        if entry.texts.contains(where: { !PlainText.isAcceptable($0.text, lines: $0.lines) }) {
            throw ChangeError.controlCharacter(number: checked.current?.number ?? "")
        }
        return checked
    }

    private func checkRules(_ entry: JournalEntry) throws -> CheckedChange {
        guard entry.seq == seq + 1 else { throw ChangeError.outOfSequence(expected: seq + 1, found: entry.seq) }
        switch entry.change {
        case .addUser(let user):
            try checkUser(user)
            guard users[user.login] == nil else { throw ChangeError.invalidUser(.loginTaken, login: user.login) }
            return CheckedChange(entry: entry, current: nil)
        case .updateUser(let login, let update):
            guard let user = users[login] else { throw ChangeError.invalidUser(.unknownLogin, login: login) }
            var after = users
            after.update(login, update)
            try checkUser(after[login]!)
            // Someone must always be able to manage users.
            if user.active && user.role == .administrator && !after.all.contains(where: { $0.active && $0.role == .administrator }) {
                throw ChangeError.invalidUser(.lastAdministrator, login: login)
            }
            return CheckedChange(entry: entry, current: nil)
        case .markDemo:
            // Only the first change of a directory: fictitious people never join real ones.
            guard seq == 0, digests.isEmpty, setAside.isEmpty, users.isEmpty, demo == nil, site == nil else {
                throw ChangeError.forbidden(.demoOnRealData)
            }
            return CheckedChange(entry: entry, current: nil)
        case .joinSite(let code, _):
            // Fictitious people never reach a server; a site's code, once its numbers are given, stays.
            guard demo == nil else { throw ChangeError.forbidden(.demoOnRealData) }
            guard site == nil, SiteMark.isValidCode(code) else { throw ChangeError.forbidden(.siteJoined) }
            return CheckedChange(entry: entry, current: nil)
        default: break
        }
        if entry.held != nil {
            // Kept on its case, not applied: no rule of the change is asked.
            guard entry.origin != nil, let id = entry.change.caseID, let item = try read(id) else { throw ChangeError.unknownCase }
            return CheckedChange(entry: entry, current: item)
        }
        if case .register(let id, let number, let profile) = entry.change {
            guard positions[id] == nil else { throw ChangeError.duplicateID }
            guard idByNumber[number] == nil else { throw ChangeError.duplicateNumber(number) }
            let stamp = Stamp(by: entry.by, at: entry.at)
            return CheckedChange(entry: entry, current: Case(id: id, number: number, profile: profile, status: .registered,
                                                             created: stamp, updated: stamp, version: 1))
        }
        guard let id = entry.change.caseID, let item = try read(id) else { throw ChangeError.unknownCase }
        try check(entry, on: item)
        return CheckedChange(entry: entry, current: item)
    }

    private func checkUser(_ user: User) throws {
        guard User.isValidLogin(user.login) else { throw ChangeError.invalidUser(.badLogin, login: user.login) }
        guard !user.name.trimmingCharacters(in: .whitespaces).isEmpty else { throw ChangeError.invalidUser(.emptyName, login: user.login) }
        guard user.name.count <= User.maximumNameLength else { throw ChangeError.invalidUser(.nameTooLong, login: user.login) }
        guard user.teams.count <= User.maximumTeams else { throw ChangeError.invalidUser(.badTeam, login: user.login) }
        guard user.teams.allSatisfy(User.isValidTeam) else { throw ChangeError.invalidUser(.badTeam, login: user.login) }
    }

    private func check(_ entry: JournalEntry, on item: Case) throws {
        let number = item.number
        func require(_ text: String) throws {
            // As `trimmingCharacters(in:)` would find it empty, without making the trimmed copy.
            if text.unicodeScalars.allSatisfy({ CharacterSet.whitespacesAndNewlines.contains($0) }) {
                throw ChangeError.missingText(number: number)
            }
        }
        func requireStatus(_ allowed: Set<CaseStatus>) throws {
            if !allowed.contains(item.status) { throw ChangeError.notAllowed(number: number, status: item.status) }
        }
        // A profile edit and a closure decision carry their own version, checked below.
        let ownVersion: Bool
        switch entry.change {
        case .editProfile, .approveClosure, .returnClosure: ownVersion = true
        default: ownVersion = false
        }
        if let expected = entry.expectedVersion, expected != item.version, !ownVersion {
            if let clash = try CaseBook.clash(of: entry.change, on: item, since: expected) {
                throw ChangeError.conflict(number: number, by: clash.by)
            }
        }
        switch entry.change {
        case .register, .addUser, .updateUser, .markDemo, .joinSite: break
        case .settleSiteConflict(_, let versions, _):
            guard versions.count <= 64, versions.allSatisfy({ $0.count <= 64 }) else {
                throw ChangeError.textTooLong(number: number, maximum: 64)
            }
        case .resolveConflict(_, let decision):
            let maximum = ConflictDecision.maximumTextLength
            guard decision.fields.count <= 64, decision.with.count <= 64,
                  decision.dropped.allSatisfy({ $0.key.count <= 64 && $0.value.count <= maximum }) else {
                throw ChangeError.textTooLong(number: number, maximum: maximum)
            }
            if let planID = decision.plan {
                guard let plan = item.plans.first(where: { $0.id == planID }),
                      plan.steps.contains(where: { $0.code == decision.step }) else { throw ChangeError.unknownPlanOrStep(number: number) }
            }
            if let member = decision.member, !item.members.contains(where: { $0.id == member }) {
                throw ChangeError.unknownMember(number: number)
            }
        case .editProfile(_, let expectedVersion, _):
            // The edit carries the whole profile, not only the fields typed: after another
            // change to the profile it would undo it, so it is refused; after a note, a step…
            // it goes through.
            if expectedVersion != item.version, try CaseBook.clash(of: entry.change, on: item, since: expectedVersion) != nil {
                throw ChangeError.staleVersion(number: number)
            }
        case .enrol(_, let plan):
            try requireStatus([.registered, .active, .closureRequested])
            // A withdrawn enrolment does not count: the track may be chosen again.
            if item.activePlans.contains(where: { $0.track == plan.track }) {
                throw ChangeError.alreadyEnrolled(number: number, track: plan.track)
            }
            if item.plans.contains(where: { $0.id == plan.id }) { throw ChangeError.duplicateID }
            if plan.withdrawal != nil { throw ChangeError.enrolmentWithdrawn(number: number, track: plan.track) }
        case .withdrawEnrolment(_, let planID, let reason):
            try requireStatus([.registered, .active, .closureRequested])
            guard let plan = item.plans.first(where: { $0.id == planID }) else { throw ChangeError.unknownPlanOrStep(number: number) }
            if plan.isWithdrawn { throw ChangeError.enrolmentWithdrawn(number: number, track: plan.track) }
            try require(reason)
        case .updateStep(_, let planID, let step):
            guard let plan = item.plans.first(where: { $0.id == planID }),
                  plan.steps.contains(where: { $0.code == step.code }) else {
                throw ChangeError.unknownPlanOrStep(number: number)
            }
            if plan.isWithdrawn { throw ChangeError.enrolmentWithdrawn(number: number, track: plan.track) }
            if step.status == .blocked { try require(step.blockedReason) }
        case .assess(_, let assessment):
            if assessment.ratings.isEmpty { throw ChangeError.missingText(number: number) }
            if item.assessments.contains(where: { $0.id == assessment.id }) { throw ChangeError.duplicateID }
        case .saveReferral(_, let referral):
            try require(referral.service)
        case .addNote(_, let note):
            try require(note.text)
            if item.notes.contains(where: { $0.id == note.id }) { throw ChangeError.duplicateID }
        case .saveMember(_, let member):
            try requireStatus([.registered, .active, .closureRequested])
            try require(member.givenNames)
            let isNew = !item.members.contains { $0.id == member.id }
            if isNew && item.members.count >= HouseholdMember.maximumCount { throw ChangeError.householdFull(number: number) }
            guard [member.givenNames, member.familyName].allSatisfy({ $0.count <= HouseholdMember.maximumNameLength }),
                  member.note.count <= HouseholdMember.maximumNoteLength else { throw ChangeError.missingText(number: number) }
            if let own = member.ownCase {
                if own == item.id || positions[own] == nil { throw ChangeError.unknownCase }
                // One person, one household: a case already registered from another member stays theirs.
                let heldElsewhere = households[own].map { $0 != item.id } ?? false
                if heldElsewhere || item.members.contains(where: { $0.ownCase == own && $0.id != member.id }) {
                    throw ChangeError.alreadyInHousehold(number: digest(own)?.number ?? "")
                }
            }
        case .removeMember(_, let memberID):
            try requireStatus([.registered, .active, .closureRequested])
            if !item.members.contains(where: { $0.id == memberID }) { throw ChangeError.unknownMember(number: number) }
        case .requestClosure(_, let reason, _):
            try requireStatus([.registered, .active])
            try require(reason)
        case .close(_, let closure):
            try requireStatus([.closureRequested])
            try require(closure.reason)
        case .approveClosure(_, let expectedVersion, _):
            try requireStatus([.closureRequested])
            guard item.version == expectedVersion else { throw ChangeError.staleVersion(number: number) }
        case .returnClosure(_, let expectedVersion, let comment):
            try requireStatus([.closureRequested])
            guard item.version == expectedVersion else { throw ChangeError.staleVersion(number: number) }
            try require(comment)
        case .assign(_, let login):
            // Any status: a closed case keeps a worker too (who would reopen it).
            if !User.isValidLogin(login) { throw ChangeError.invalidUser(.unknownLogin, login: String(login.prefix(32))) }
        case .reopen(_, let reason):
            try requireStatus([.closed])
            try require(reason)
        }
    }

    /// The first change made to `item` since version `version` that `change`, made on that
    /// version, would go against; nil when none does. The conflict rule:
    /// - never: a new note, assessment, enrolment, referral or member, a case registered;
    /// - a step: another change to the same step of the same track, or the plan withdrawn;
    /// - a referral or a member already there: another change to it (known by the service,
    ///   or the given names, the timeline names them by);
    /// - a status change (a closure asked, made, approved or returned, a reopening, a
    ///   withdrawal): another status change, or a withdrawal of the same plan;
    /// - an assignment: another assignment;
    /// - a profile edit: another profile edit or an assignment (the profile holds who is
    ///   assigned).
    /// Changes since are the case's last timeline events, one per version. Throws
    /// `staleVersion` when they cannot be told (a version not yet reached, a timeline shorter).
    public static func clash(of change: Change, on item: Case, since version: Int) throws -> TimelineEvent? {
        try clashes(of: change, on: item, since: version).first
    }

    /// Every change made to `item` since version `version` that `change` would go against, in
    /// order (`clash`): the last says who saved the version the conflict screen shows.
    public static func clashes(of change: Change, on item: Case, since version: Int) throws -> [TimelineEvent] {
        guard version < item.version, version >= 1, item.timeline.count >= item.version - version else {
            throw ChangeError.staleVersion(number: item.number)
        }
        return clashes(of: change, on: item, among: Array(item.timeline.suffix(item.version - version)))
    }

    /// Those of `events` (changes made to `item`) that `change` would go against: the same
    /// field, step, referral or member, or the case's status. The rule of conflicts, for
    /// sessions of one directory (`clashes(of:on:since:)`) and for sites (`Store.receive`).
    static func clashes(of change: Change, on item: Case, among since: [TimelineEvent]) -> [TimelineEvent] {
        let statusKinds: Set<String> = ["timeline.closureRequested", "timeline.closed", "timeline.closureApproved",
                                        "timeline.closureReturned", "timeline.reopened"]
        let memberKinds: Set<String> = ["timeline.memberEdited", "timeline.memberOwnCase", "timeline.memberRemoved"]
        func track(_ plan: UUID) -> String? { item.plans.first { $0.id == plan }?.track }
        func all(_ matches: (TimelineEvent) -> Bool) -> [TimelineEvent] { since.filter(matches) }
        switch change {
        case .register, .addUser, .updateUser, .markDemo, .addNote, .assess, .enrol, .resolveConflict, .joinSite,
             .settleSiteConflict: return []
        case .updateStep(_, let plan, let step):
            let track = track(plan)
            return all { ($0.kind == "timeline.step" && $0.details["track"] == track && $0.details["step"] == step.code)
                || ($0.kind == "timeline.enrolmentWithdrawn" && $0.details["track"] == track) }
        case .saveReferral(_, let referral):
            guard let current = item.referrals.first(where: { $0.id == referral.id }) else { return [] }
            return all { ($0.kind == "timeline.referralUpdated" || $0.kind == "timeline.referral")
                && $0.details["service"] == current.service }
        case .saveMember(_, let member):
            guard let current = item.members.first(where: { $0.id == member.id }) else { return [] }
            return all { memberKinds.contains($0.kind) && $0.details["name"] == current.givenNames }
        case .removeMember(_, let memberID):
            let name = item.members.first { $0.id == memberID }?.givenNames
            return all { memberKinds.contains($0.kind) && $0.details["name"] == name }
        case .requestClosure, .close, .approveClosure, .returnClosure, .reopen:
            return all { statusKinds.contains($0.kind) || $0.kind == "timeline.enrolmentWithdrawn" }
        case .withdrawEnrolment(_, let plan, _):
            let track = track(plan)
            return all { statusKinds.contains($0.kind) || ($0.kind == "timeline.enrolmentWithdrawn" && $0.details["track"] == track) }
        case .assign:
            return all { $0.kind == "timeline.assigned" }
        case .editProfile:
            return all { $0.kind == "timeline.edit" || $0.kind == "timeline.assigned" }
        }
    }

    public mutating func apply(_ entry: JournalEntry, as clearance: Clearance) throws {
        apply(try check(entry, as: clearance))
    }

    /// Applies a change `check` accepted on this very state.
    mutating func apply(_ checked: CheckedChange) {
        let entry = checked.entry
        switch entry.change {
        case .addUser(let user):
            users.add(user)
            seq = entry.seq
            return
        case .updateUser(let login, let update):
            users.update(login, update)
            seq = entry.seq
            return
        case .markDemo(let mark):
            demo = mark
            seq = entry.seq
            return
        case .joinSite(let code, let directory):
            site = SiteMark(code: code, directory: directory)
            seq = entry.seq
            return
        default: break
        }
        if let origin = entry.origin, var mark = site {
            mark.pulled = max(mark.pulled, origin.global)
            site = mark
        }
        guard let current = checked.current, let id = entry.change.caseID else { return }
        let item = updated(current, by: entry)
        // `current` was read with them: they are in `item` now, and in its digest below.
        let folded = deferred.removeValue(forKey: id)
        deferredCount -= folded?.count ?? 0
        if var mark = site, item.isInSiteConflict != mark.conflicts.contains(id) {
            if item.isInSiteConflict { mark.conflicts.insert(id) } else { mark.conflicts.remove(id) }
            site = mark
        }
        if case .register = entry.change {
            insert(CaseDigest(item))
        } else if case .addNote = entry.change, folded == nil, item.status != .closed, let position = positions[id] {
            digests[position].noteActivity(of: item)
        } else {
            replace(CaseDigest(item))
        }
        changed[id] = item
        seq = entry.seq
    }

    /// `item` after `entry`, a change `check` accepted on it: its fields, its timeline, its
    /// version. The case alone; the book's indexes are the caller's.
    private func updated(_ item: Case, by entry: JournalEntry) -> Case {
        var item = item
        let stamp = Stamp(by: entry.by, at: entry.at)
        func event(_ kind: String, _ details: [String: String] = [:]) -> TimelineEvent {
            TimelineEvent(seq: entry.seq, by: entry.by, at: entry.at, kind: kind, details: details, origin: entry.origin)
        }
        if let origin = entry.origin { item.pulled = max(item.pulled ?? 0, origin.global) }
        if let against = entry.held, let origin = entry.origin {
            let conflict = SiteConflict(change: entry.change, by: entry.by, at: entry.at, origin: origin, against: against)
            item.siteConflicts = (item.siteConflicts ?? []) + [conflict]
            item.timeline.append(event("timeline.siteConflict", ["site": origin.site, "change": entry.change.name]))
            item.updated = stamp
            item.version += 1
            return item
        }
        if case .register = entry.change {
            item.timeline = [event("timeline.register")]
            return item
        }
        switch entry.change {
        case .register, .addUser, .updateUser, .markDemo, .joinSite: break
        case .settleSiteConflict(_, let versions, let taken):
            let settled = Set(versions)
            let remaining = (item.siteConflicts ?? []).filter { $0.versions.isDisjoint(with: settled) }
            item.siteConflicts = remaining.isEmpty ? nil : remaining
            item.timeline.append(event(taken ? "timeline.siteConflictTaken" : "timeline.siteConflictKept"))
        case .resolveConflict(_, let decision):
            var details = ["with": decision.with, "fields": decision.fields.joined(separator: " ")]
            if let planID = decision.plan, let plan = item.plans.first(where: { $0.id == planID }), let step = decision.step {
                details["track"] = plan.track
                details["step"] = step
                details["fields"] = nil
            }
            // A referral by its service, a member by their given names, as the timeline names them.
            if let referral = decision.referral, let service = item.referrals.first(where: { $0.id == referral })?.service {
                details["service"] = service
                details["fields"] = nil
            }
            if let member = decision.member, let name = item.members.first(where: { $0.id == member })?.givenNames {
                details["name"] = name
                details["fields"] = nil
            }
            // What was typed and not kept, each field's value, so that the timeline shows it.
            let typed = (decision.fields + decision.dropped.keys.sorted()).reduce(into: [String]()) { order, field in
                if decision.dropped[field] != nil && !order.contains(field) { order.append(field) }
            }
            if !typed.isEmpty {
                details["typed"] = typed.joined(separator: " ")
                for field in typed { details["typed.\(field)"] = decision.dropped[field] }
            }
            item.timeline.append(event("timeline.conflict.\(decision.choice.rawValue)", details))
        case .editProfile(_, _, let profile):
            let before = ProfileDraft(item.profile), after = ProfileDraft(profile)
            let changed = ProfileField.allCases.filter { before[$0] != after[$0] }.map(\.rawValue)
            item.profile = profile
            // Listed members make the household size; a typed one would contradict them.
            if !item.members.isEmpty { item.profile.householdSize = item.individuals }
            item.timeline.append(event("timeline.edit", ["fields": changed.joined(separator: " ")]))
        case .enrol(_, let plan):
            item.plans.append(plan)
            if item.status == .registered { item.status = .active }
            if let reason = plan.exception, !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                item.timeline.append(event("timeline.enrolException", ["track": plan.track, "reason": reason]))
            } else {
                item.timeline.append(event("timeline.enrol", ["track": plan.track]))
            }
        case .withdrawEnrolment(_, let planID, let reason):
            let index = item.plans.firstIndex { $0.id == planID }!
            item.plans[index].withdrawal = Withdrawal(reason: reason, by: entry.by, at: entry.at)
            // Enrolment made the case active; without an enrolment left it is registered again.
            if item.status == .active && item.activePlans.isEmpty { item.status = .registered }
            item.timeline.append(event("timeline.enrolmentWithdrawn", ["track": item.plans[index].track, "reason": reason]))
        case .updateStep(_, let planID, let step):
            let planIndex = item.plans.firstIndex { $0.id == planID }!
            let stepIndex = item.plans[planIndex].steps.firstIndex { $0.code == step.code }!
            let before = item.plans[planIndex].steps[stepIndex]
            item.plans[planIndex].steps[stepIndex] = step
            var details = ["track": item.plans[planIndex].track, "step": step.code, "status": step.status.rawValue]
            // Its status unchanged, the timeline says what did change (a note, a date).
            if before.status == step.status { details["changed"] = before.changedFields(to: step).joined(separator: " ") }
            // Why it is blocked, and when it moves on why it was (its reason then goes): kept in
            // the timeline, also for a step blocked before reasons were.
            if step.status == .blocked && !step.blockedReason.isEmpty { details["reason"] = Step.shortened(step.blockedReason) }
            if before.status == .blocked && step.status != .blocked && !before.blockedReason.isEmpty {
                details["wasBlocked"] = Step.shortened(before.blockedReason)
            }
            item.timeline.append(event("timeline.step", details))
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
        case .saveMember(_, let member):
            if let index = item.members.firstIndex(where: { $0.id == member.id }) {
                let linked = item.members[index].ownCase == nil ? member.ownCase.flatMap(digest)?.number : nil
                item.members[index] = member
                if let linked {
                    item.timeline.append(event("timeline.memberOwnCase", ["name": member.givenNames, "number": linked]))
                } else {
                    item.timeline.append(event("timeline.memberEdited", ["name": member.givenNames]))
                }
            } else {
                item.members.append(member)
                item.timeline.append(event("timeline.memberAdded", ["name": member.givenNames,
                                                                    "relationship": member.relationship.rawValue]))
            }
            item.profile.householdSize = item.individuals
        case .removeMember(_, let memberID):
            let member = item.members.first { $0.id == memberID }!
            item.members.removeAll { $0.id == memberID }
            item.timeline.append(event("timeline.memberRemoved", ["name": member.givenNames,
                                                                  "relationship": member.relationship.rawValue]))
            // The size typed before members were listed stays as it is once the last leaves.
            if !item.members.isEmpty { item.profile.householdSize = item.individuals }
        case .requestClosure(_, let reason, let code):
            item.status = .closureRequested
            item.closureRequest = reason
            item.closureRequestReason = code
            item.closureRequestedBy = entry.by
            item.closureReturn = nil
            item.timeline.append(event("timeline.closureRequested", ["reason": reason]))
        case .close(_, let closure):
            item.status = .closed
            item.closure = closure
            item.timeline.append(event("timeline.closed", ["reason": closure.reason,
                                                           "confirmed": closure.confirmedOpenItems ? "yes" : "no"]))
        case .approveClosure(_, _, let comment):
            let closure = Closure(reason: item.closureRequestReason ?? Closure.unspecifiedReason, note: comment,
                                  confirmedOpenItems: true)
            item.status = .closed
            item.closure = closure
            item.timeline.append(event("timeline.closureApproved", ["reason": closure.reason, "comment": comment,
                                                                    "requestedBy": item.closureRequestedBy ?? ""]))
        case .returnClosure(_, _, let comment):
            item.status = item.activePlans.isEmpty ? .registered : .active
            item.closureReturn = ClosureReturn(comment: comment, by: entry.by, at: entry.at)
            item.timeline.append(event("timeline.closureReturned", ["comment": comment,
                                                                    "requestedBy": item.closureRequestedBy ?? ""]))
            item.closureRequest = nil
            item.closureRequestReason = nil
            item.closureRequestedBy = nil
        case .assign(_, let login):
            let before = item.profile.assignedTo
            item.profile.assignedTo = login
            item.timeline.append(event("timeline.assigned", ["from": before, "to": login]))
        case .reopen(_, let reason):
            item.status = item.activePlans.isEmpty ? .registered : .active
            item.closureRequest = nil
            item.closureRequestReason = nil
            item.closureRequestedBy = nil
            item.closure = nil
            item.timeline.append(event("timeline.reopened", ["reason": reason]))
        }
        item.updated = stamp
        item.version += 1
        return item
    }

    /// People who may be `profile`'s (same folded names, same region, birth years within one
    /// year when both are known), registered as a case or listed in a household, except case
    /// `excluding`, and members already registered as their own case (their case is found):
    /// every case, whoever asks (`CaseReader` says what of them may be shown).
    /// `key` is `DuplicateKey(profile)`, when the caller has it already.
    func possibleDuplicates(of profile: CaseProfile, key: DuplicateKey? = nil,
                            excluding: UUID? = nil) -> [(digest: CaseDigest, member: MemberDigest?)] {
        let year = profile.birthYear
        return (peopleByDuplicateKey[key ?? DuplicateKey(profile)] ?? []).compactMap { person in
            guard person.id != excluding, let found = self.digest(person.id) else { return nil }
            guard let memberID = person.member else {
                return DuplicateKey.birthYearsClose(found.birthYear, year) ? (found, nil) : nil
            }
            guard let member = found.members.first(where: { $0.id == memberID }), member.ownCase == nil,
                  DuplicateKey.birthYearsClose(member.birthYear, year) else { return nil }
            return (found, member)
        }
    }

    /// The case whose household lists case `id`'s person, when they were registered from it.
    func household(of id: UUID) -> UUID? {
        households[id]
    }

    private mutating func insert(_ digest: CaseDigest) {
        positions[digest.id] = digests.count
        digests.append(digest)
        idByNumber[digest.number] = digest.id
        if let (prefix, serial) = CaseBook.split(number: digest.number) {
            highestSerial[prefix] = max(highestSerial[prefix] ?? 0, serial)
        }
        index(people: digest)
    }

    private mutating func index(people digest: CaseDigest) {
        peopleByDuplicateKey[DuplicateKey(digest), default: []].append(Person(id: digest.id, member: nil))
        for member in digest.members {
            peopleByDuplicateKey[DuplicateKey(member, region: digest.region), default: []]
                .append(Person(id: digest.id, member: member.id))
            if let own = member.ownCase { households[own] = digest.id }
        }
    }

    private mutating func unindex(people digest: CaseDigest) {
        let keys = [DuplicateKey(digest)] + digest.members.map { DuplicateKey($0, region: digest.region) }
        for key in Set(keys) {
            peopleByDuplicateKey[key]?.removeAll { $0.id == digest.id }
            if peopleByDuplicateKey[key]?.isEmpty == true { peopleByDuplicateKey[key] = nil }
        }
        for member in digest.members {
            if let own = member.ownCase, households[own] == digest.id { households[own] = nil }
        }
    }

    private mutating func replace(_ digest: CaseDigest) {
        let position = positions[digest.id]!
        let before = digests[position]
        if DuplicateKey(before) != DuplicateKey(digest) || before.members != digest.members {
            unindex(people: before)
            index(people: digest)
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

    /// A household member lives where the case does.
    init(_ member: MemberDigest, region: String) {
        familyName = member.compactFamilyName
        givenNames = member.compactGivenNames
        self.region = region
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
    /// Nil for a change of users.
    let current: Case?
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
