import Foundation

/// One change to the case book. Every modification, from the form, an import or the command
/// line, is one of these values, applied by `CaseBook.apply` and journaled by `Store.commit`.
public enum Change: Codable, Hashable, Sendable {
    /// A new case. Its number is allocated under the commit lock: `CaseBook.numberToAllocate`,
    /// replaced by the store with the region's next one (or `CaseBook.nextNumber` in a batch).
    case register(id: UUID, number: String, profile: CaseProfile)
    /// New values for the profile of an existing case. `expectedVersion` is the version the
    /// editor started from: a case changed meanwhile by someone else is refused, not overwritten.
    case editProfile(id: UUID, expectedVersion: Int, profile: CaseProfile)
    /// Enrolment in a track: the plan holds its steps as made from the template then, and the
    /// reason for an enrolment outside the track's rules (`Plan.exception`).
    case enrol(id: UUID, plan: Plan)
    /// An enrolment made by mistake, withdrawn: the plan stays, marked, and counts no more.
    case withdrawEnrolment(id: UUID, plan: UUID, reason: String)
    /// New state of one step of a plan.
    case updateStep(id: UUID, plan: UUID, step: Step)
    /// A new rights assessment (never changed afterwards).
    case assess(id: UUID, assessment: Assessment)
    /// A new referral, or a referral's new status and outcome.
    case saveReferral(id: UUID, referral: Referral)
    case addNote(id: UUID, note: Note)
    /// A new household member, or a member's new details (known by their id).
    case saveMember(id: UUID, member: HouseholdMember)
    /// A member who no longer lives in the household; kept in the case's timeline.
    case removeMember(id: UUID, member: UUID)
    /// A case worker asks for the case to be closed: why, in words, and the closure reason
    /// (a code of `closureReasons`) the case will close with once approved. Requests made
    /// before approvals existed have no code.
    case requestClosure(id: UUID, reason: String, code: String? = nil)
    /// A supervisor closing the case directly, with a reason of their own.
    case close(id: UUID, closure: Closure)
    /// A supervisor approving a closure request: the case closes with the requested reason.
    /// `expectedVersion` is the case as the supervisor saw it: a case changed meanwhile is
    /// refused, so that nobody approves what they have not read.
    case approveClosure(id: UUID, expectedVersion: Int, comment: String)
    /// A supervisor returning a closure request to the worker with a comment: the case goes
    /// back to work, the comment shown on it.
    case returnClosure(id: UUID, expectedVersion: Int, comment: String)
    /// The case given to case worker `to` (a login), by a supervisor or an administrator.
    case assign(id: UUID, to: String)
    case reopen(id: UUID, reason: String)
    /// A new user; the first of a directory must be an administrator, and turns sign-in on.
    case addUser(User)
    /// Disabling, enabling, a new role, teams or PIN for user `login`.
    case updateUser(login: String, update: UserUpdate)
    /// Marks the directory as a demonstration office of fictitious people (`retour demo`): the
    /// first change of a new directory, never undone; its snapshot's header keeps it.
    case markDemo(DemoMark)
    /// A case worker's choice on a change refused as a conflict (`ConflictDecision`): theirs
    /// kept, mine saved over it, or mine edited on the current version. Never conflicts.
    case resolveConflict(id: UUID, decision: ConflictDecision)
    /// The directory joins a network of sites as site `code` (`retour sync --site`): cases
    /// registered from then on are numbered with it. Once, never undone; its snapshot's header
    /// keeps it (`SiteMark`).
    case joinSite(code: String, directory: UUID)
    /// A supervisor's decision on a conflict between sites (`SiteConflict`): its `versions`
    /// settled, with the change pulled from the other site `taken` (made again, in the same
    /// batch, by the supervisor) or the version here kept. Syncs as any change does, and
    /// settles the same conflict at every site that flagged it.
    case settleSiteConflict(id: UUID, versions: [String], taken: Bool)

    /// What kind of change it is, as a stable code (`register`, `editProfile`, `addUser`…):
    /// what the audit shows and filters on.
    public var name: String {
        switch self {
        case .register: return "register"
        case .editProfile: return "editProfile"
        case .enrol: return "enrol"
        case .withdrawEnrolment: return "withdrawEnrolment"
        case .updateStep: return "updateStep"
        case .assess: return "assess"
        case .saveReferral: return "saveReferral"
        case .addNote: return "addNote"
        case .saveMember: return "saveMember"
        case .removeMember: return "removeMember"
        case .requestClosure: return "requestClosure"
        case .close: return "close"
        case .approveClosure: return "approveClosure"
        case .returnClosure: return "returnClosure"
        case .assign: return "assign"
        case .reopen: return "reopen"
        case .addUser: return "addUser"
        case .updateUser: return "updateUser"
        case .markDemo: return "markDemo"
        case .resolveConflict: return "resolveConflict"
        case .joinSite: return "joinSite"
        case .settleSiteConflict: return "settleSiteConflict"
        }
    }

    /// Whether applying the change reads and writes its case alone: nothing the book keeps
    /// across cases (numbers, people for the duplicate check, households, users) depends on it,
    /// so it may wait to be applied (`CaseBook.replay(_:deferring:)`).
    var touchesItsCaseAlone: Bool {
        switch self {
        case .enrol, .withdrawEnrolment, .updateStep, .assess, .saveReferral, .addNote, .requestClosure, .close,
             .approveClosure, .returnClosure, .assign, .reopen, .resolveConflict:
            return true
        // A settled conflict leaves the site's list of cases in conflict (`SiteMark.conflicts`).
        case .register, .editProfile, .saveMember, .removeMember, .addUser, .updateUser, .markDemo, .joinSite,
             .settleSiteConflict:
            return false
        }
    }

    /// The case the change is about; nil for a change of users.
    public var caseID: UUID? {
        switch self {
        case .register(let id, _, _), .editProfile(let id, _, _), .enrol(let id, _), .withdrawEnrolment(let id, _, _), .updateStep(let id, _, _),
             .assess(let id, _), .saveReferral(let id, _), .addNote(let id, _), .saveMember(let id, _), .removeMember(let id, _), .requestClosure(let id, _, _),
             .close(let id, _), .approveClosure(let id, _, _), .returnClosure(let id, _, _), .assign(let id, _), .reopen(let id, _),
             .resolveConflict(let id, _), .settleSiteConflict(let id, _, _):
            return id
        case .addUser, .updateUser, .markDemo, .joinSite:
            return nil
        }
    }
}

extension JournalEntry {
    /// Every text this entry writes, with whether it may hold several lines (a note) or not
    /// (a name, a code): what `CaseBook.check` holds to `PlainText`.
    var texts: [(text: String, lines: PlainText.Lines)] {
        func one(_ texts: String...) -> [(text: String, lines: PlainText.Lines)] { texts.map { ($0, .one) } }
        func several(_ texts: String...) -> [(text: String, lines: PlainText.Lines)] { texts.map { ($0, .several) } }
        func profile(_ profile: CaseProfile) -> [(text: String, lines: PlainText.Lines)] {
            one(profile.familyName, profile.givenNames, profile.phone, profile.document?.type ?? "",
                profile.document?.number ?? "", profile.displacedTo, profile.region, profile.cercle, profile.commune,
                profile.village, profile.assignedTo) + profile.vulnerabilities.flatMap { one($0) }
        }
        func step(_ step: Step) -> [(text: String, lines: PlainText.Lines)] {
            one(step.code, step.by) + several(step.note, step.blockedReason, step.given)
        }
        var texts = one(by)
        switch change {
        case .register(_, let number, let value): texts += one(number) + profile(value)
        case .editProfile(_, _, let value): texts += profile(value)
        case .enrol(_, let plan): texts += one(plan.track) + plan.steps.flatMap(step) + several(plan.exception ?? "")
        case .withdrawEnrolment(_, _, let reason): texts += several(reason)
        case .updateStep(_, _, let value): texts += step(value)
        case .assess(_, let assessment):
            texts += one(assessment.assessor)
                + assessment.ratings.flatMap { criterion, rating in one(criterion) + several(rating.note) }
        case .saveReferral(_, let referral):
            texts += one(referral.service, referral.provider, referral.criterion ?? "") + several(referral.outcome)
        case .addNote(_, let note): texts += one(note.by) + several(note.text)
        case .saveMember(_, let member):
            texts += one(member.givenNames, member.familyName) + member.vulnerabilities.flatMap { one($0) } + several(member.note)
        case .removeMember: break
        case .requestClosure(_, let reason, let code): texts += several(reason) + one(code ?? "")
        case .reopen(_, let reason): texts += several(reason)
        case .approveClosure(_, _, let comment), .returnClosure(_, _, let comment): texts += several(comment)
        case .assign(_, let login): texts += one(login)
        case .close(_, let closure): texts += one(closure.reason) + several(closure.note)
        case .addUser(let user): texts += one(user.login, user.name) + user.teams.flatMap { one($0) }
        case .updateUser(let login, let update):
            texts += one(login)
            if case .teams(let teams) = update { texts += teams.flatMap { one($0) } }
        case .markDemo: break
        case .joinSite(let code, _): texts += one(code)
        case .settleSiteConflict(_, let versions, _): texts += versions.flatMap { one($0) }
        case .resolveConflict(_, let decision):
            texts += one(decision.with, decision.step ?? "") + decision.fields.flatMap { one($0) }
                + decision.dropped.flatMap { one($0.key) + several($0.value) }
        }
        return texts
    }
}

/// A change as committed: numbered, attributed and dated. One line of the journal.
public struct JournalEntry: Codable, Hashable, Sendable {
    /// Schema of the data this entry was written with.
    public var schemaVersion: Int
    /// Position in the history of the data directory, from 1, without gaps.
    public var seq: Int
    public var by: String
    public var at: Date
    public var change: Change
    /// For a change committed with others (`Store.commitBatch`): the `seq` of the batch's last
    /// entry. Replaying applies a batch only once its last line is read, so a batch cut short
    /// by a crash leaves nothing.
    public var batchEnd: Int?
    /// The version of the case the change was made on (what the form showed), when the one
    /// who made it says: checked under the commit lock, a change that others' changes since
    /// then touch the same thing is refused (`CaseBook.check`), never applied over theirs.
    /// Omitted from the line when nil; a program that ignores it loses nothing of the data.
    public var expectedVersion: Int?
    /// For a change pulled from another site: where it was made. Nil for a change made here.
    public var origin: SyncOrigin?
    /// For a pulled change not applied but kept on its case as a conflict (`SiteConflict`):
    /// the versions here it goes against (empty: refused by the rules). Decided once, when it
    /// was pulled, so that every replay of the journal decides the same.
    public var held: [String]?
    /// For a change made here in a directory that joined a network of sites: how far it had
    /// pulled from the server then (`SiteMark.pulled`). The changes of other sites after that
    /// were not seen by whoever made this one: those it goes against are conflicts.
    public var seen: Int?

    public init(schemaVersion: Int = Schema.version, seq: Int, by: String, at: Date, change: Change, batchEnd: Int? = nil,
                expectedVersion: Int? = nil, origin: SyncOrigin? = nil, held: [String]? = nil, seen: Int? = nil) {
        self.schemaVersion = schemaVersion
        self.seq = seq
        self.by = by
        self.at = at
        self.change = change
        self.batchEnd = batchEnd
        self.expectedVersion = expectedVersion
        self.origin = origin
        self.held = held
        self.seen = seen
    }
}

public enum Schema {
    /// Version of the files this program writes. Files with a higher number are refused.
    /// 2 added plans, assessments, referrals, notes, closure and the timeline to cases.
    /// 3 added household members, a plan's exception to its track's rules and its withdrawal:
    /// a program that knows only 2 would drop them on its next snapshot, so it must refuse.
    /// 4 added closure approval (the requested reason, who asked, a returned request's
    /// comment) and reassignment.
    /// 5 added the decision on a conflict (`Change.resolveConflict`): a program that knows only
    /// 4 cannot read that line, so it must refuse the files rather than set it aside.
    /// 6 added sites (`Change.joinSite`, `Change.settleSiteConflict`, a pulled change's origin
    /// and conflicts between sites): a program that knows only 5 would renumber and lose them.
    public static let version = 6
}

/// Why a change cannot be applied. No personal data: cases are named by number.
public enum ChangeError: UserFacingError, Equatable {
    case unknownCase
    case duplicateID
    case duplicateNumber(String)
    case staleVersion(number: String)
    /// Case `number` was changed by `by`, since the version the change was made on, on what
    /// the change changes (the same step, referral or member, or its status): refused.
    case conflict(number: String, by: String)
    /// A person who may be the one being registered (case `number`) was saved by another
    /// session after the form's duplicate warning: the warning is to be shown again.
    case newDuplicate(number: String)
    case outOfSequence(expected: Int, found: Int)
    /// The case's status does not allow this action (closing a case that is not waiting for
    /// closure, enrolling a closed case…).
    case notAllowed(number: String, status: CaseStatus)
    case alreadyEnrolled(number: String, track: String)
    /// An enrolment the track's rules (`Eligibility`) do not allow, without a reason.
    case outsideTrackRules(number: String, track: String)
    /// A step changed, or an enrolment withdrawn, in a plan already withdrawn.
    case enrolmentWithdrawn(number: String, track: String)
    /// A reason longer than `maximum` characters.
    case textTooLong(number: String, maximum: Int)
    case unknownPlanOrStep(number: String)
    case unknownMember(number: String)
    /// A household holds at most `HouseholdMember.maximumCount` members besides the person.
    case householdFull(number: String)
    /// Case `number` is already the own case of a household member.
    case alreadyInHousehold(number: String)
    /// A reason, a note or a rating is required and was empty.
    case missingText(number: String)
    /// A text holds a control character (`PlainText`): no form lets one through, so this
    /// guards every other way a change may be made.
    case controlCharacter(number: String)
    /// What the acting user's role or caseload does not allow (`CaseBook.check`): said in
    /// words, naming only the case number or the login concerned.
    case forbidden(Forbidden, number: String = "")
    /// A user change that breaks a rule of users (a login taken, an unknown login, the last
    /// active administrator disabled…).
    case invalidUser(InvalidUser, login: String)

    public enum Forbidden: String, Sendable, Equatable {
        /// A directory with users and no one signed in.
        case signInRequired
        case disabled
        case outsideCaseload
        case assignOutsideCaseload
        case closeOrReopen
        /// Approving (or closing on) one's own closure request, without the administrator role.
        case approveOwnRequest
        case manageUsers
        case firstUserNotAdministrator
        /// Marking as a demonstration a directory that already holds cases or users, or one
        /// already marked.
        case demoOnRealData
        /// Reviewing caseloads (`Caseload`) or reassigning from the list: a supervisor's or an
        /// administrator's.
        case caseloadReview
        /// Joining a network of sites a second time, with a code that is not one, or with a
        /// demonstration office (refused as `demoOnRealData`).
        case siteJoined
        /// Settling a conflict between sites: a supervisor's or an administrator's.
        case siteConflict
    }

    public enum InvalidUser: String, Sendable, Equatable {
        case loginTaken
        case unknownLogin
        case badLogin
        case badTeam
        case emptyName
        case nameTooLong
        case controlCharacter
        case lastAdministrator
    }

    public var message: Message {
        switch self {
        case .unknownCase: return Message("error.change.unknownCase")
        case .duplicateID: return Message("error.change.duplicateID")
        case .duplicateNumber(let number): return Message("error.change.duplicateNumber", ["number": number])
        case .staleVersion(let number): return Message("error.change.stale", ["number": number])
        case .conflict(let number, let by): return Message("error.change.conflict", ["number": number, "by": by])
        case .newDuplicate(let number): return Message("error.change.newDuplicate", ["number": number])
        case .outOfSequence(let expected, let found):
            return Message("error.change.sequence", ["expected": String(expected), "found": String(found)])
        case .notAllowed(let number, let status):
            return Message("error.change.notAllowed", ["number": number, "status": "@status.\(status.rawValue)"])
        case .alreadyEnrolled(let number, let track):
            return Message("error.change.alreadyEnrolled", ["number": number, "track": "@track.\(track)"])
        case .outsideTrackRules(let number, let track):
            return Message("error.change.outsideTrackRules", ["number": number, "track": "@track.\(track)"])
        case .enrolmentWithdrawn(let number, let track):
            return Message("error.change.enrolmentWithdrawn", ["number": number, "track": "@track.\(track)"])
        case .textTooLong(let number, let maximum):
            return Message("error.change.textTooLong", ["number": number, "maximum": String(maximum)])
        case .unknownPlanOrStep(let number): return Message("error.change.unknownStep", ["number": number])
        case .unknownMember(let number): return Message("error.change.unknownMember", ["number": number])
        case .householdFull(let number):
            return Message("error.change.householdFull", ["number": number, "maximum": String(HouseholdMember.maximumCount)])
        case .alreadyInHousehold(let number): return Message("error.change.alreadyInHousehold", ["number": number])
        case .missingText(let number): return Message("error.change.missingText", ["number": number])
        case .controlCharacter(let number): return Message("error.change.control", ["number": number])
        case .forbidden(let reason, let number): return Message("error.access.\(reason.rawValue)", ["number": number])
        case .invalidUser(let reason, let login): return Message("error.user.\(reason.rawValue)", ["login": login])
        }
    }
}
