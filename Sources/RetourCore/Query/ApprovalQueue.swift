import Foundation

/// The closure requests waiting for a supervisor's decision: the cases in the reader's scope
/// whose status is closure requested, found from the digests, then each read for its details
/// (the queue is small). A case worker has no queue (`Refusal.notAllowed`).
///
///     let queue = try ApprovalQueue(reader: store.reader(for: clearance), criteria: reference.tracks.criteria, today: .today())
///     for item in queue.items where item.mayDecide { … .approveClosure(id: item.id, expectedVersion: item.version, comment: "") }
///
/// `ApprovalQueue.decidableCount(reader:)` is what the title bar says: digests only, no case read.
public struct ApprovalQueue: Sendable {
    public enum Refusal: UserFacingError, Equatable {
        case notAllowed

        public var message: Message { Message("approvals.error.notAllowed") }
    }

    /// One request, as the supervisor reads it before deciding.
    public struct Item: Sendable, Equatable {
        public let id: UUID
        public let number: String
        public let familyName: String
        public let givenNames: String
        /// The case worker responsible for the case (assigned, else who registered it).
        public let worker: String
        public let requestedBy: String
        /// A code of `closureReasons`; nil for a request made before approvals existed.
        public let reasonCode: String?
        /// Why, in the worker's words.
        public let explanation: String
        /// When the request was made (nil when the timeline does not say).
        public let requestedAt: Date?
        /// The case's version as read now: the approval is refused if the case changes meanwhile.
        public let version: Int
        public let openSteps: Int
        public let overdueSteps: Int
        /// Criteria with no or partial access, in the order of `criteria`.
        public let gaps: [String]
        public let openReferrals: Int
        /// False for the reader's own request (unless an administrator): another decides it.
        public let mayDecide: Bool

        public var fullName: String { [familyName, givenNames].filter { !$0.isEmpty }.joined(separator: " ") }

        /// Whole days the request has waited on `today` (0 on the day it was made).
        public func daysWaiting(on today: CalendarDate) -> Int {
            guard let requestedAt else { return 0 }
            return max(0, CalendarDate(requestedAt).days(until: today))
        }
    }

    public let items: [Item]

    /// Throws `Refusal.notAllowed` for a case worker.
    public init(reader: CaseReader, criteria: [String], today: CalendarDate) throws {
        guard ApprovalQueue.decides(reader.clearance, book: reader.book) else { throw Refusal.notAllowed }
        let waiting = reader.digests.filter { $0.status == .closureRequested }.map(\.id)
        let clearance = reader.clearance
        items = try reader.cases(waiting).map { item in
            let requestedBy = item.closureRequestedBy ?? ""
            return Item(id: item.id, number: item.number, familyName: item.profile.familyName, givenNames: item.profile.givenNames,
                        worker: Scope.worker(assignedTo: item.profile.assignedTo, registeredBy: item.created.by),
                        requestedBy: requestedBy, reasonCode: item.closureRequestReason, explanation: item.closureRequest ?? "",
                        requestedAt: item.timeline.last { $0.kind == "timeline.closureRequested" }?.at,
                        version: item.version, openSteps: item.openSteps, overdueSteps: item.overdueSteps(on: today).count,
                        gaps: item.gaps(criteria: criteria), openReferrals: item.openReferrals.count,
                        mayDecide: ApprovalQueue.mayDecide(requestedBy: requestedBy, clearance))
        }
    }

    /// How many requests in the reader's scope the reader may decide (their own left out, but
    /// for an administrator); 0 for a case worker. From the digests alone.
    public static func decidableCount(reader: CaseReader) -> Int {
        guard decides(reader.clearance, book: reader.book) else { return 0 }
        let clearance = reader.clearance
        return reader.digests.reduce(0) { count, digest in
            digest.status == .closureRequested && mayDecide(requestedBy: digest.closureRequestedBy, clearance) ? count + 1 : count
        }
    }

    /// Supervisors and administrators decide closure requests (anyone, in a directory without users).
    static func decides(_ clearance: Clearance, book: CaseBook) -> Bool {
        book.users.isEmpty || clearance.role >= .supervisor
    }

    /// What `CaseBook.check` holds to: nobody approves their own request but an administrator.
    static func mayDecide(requestedBy: String, _ clearance: Clearance) -> Bool {
        requestedBy != clearance.login || clearance.role == .administrator
    }
}
