import Foundation

/// What a case worker is told when they sign in: what others did to their cases since their
/// previous sign-in — cases given to them, closure requests approved or returned (with the
/// supervisor's comment). Read from the digests; only the few returned cases are opened, for
/// their comment.
///
///     let since = try SignIn.previousSignIn(of: clearance.login, store: store)
///     let notices = SignInNotices(reader: store.reader(for: clearance), since: since)
///     // notices.assigned == [.init(by: "s.coulibaly", count: 3)]
public struct SignInNotices: Equatable, Sendable {
    /// Cases given to the user by one person.
    public struct Assigned: Equatable, Sendable {
        public let by: String
        public let count: Int
    }

    /// A closure request of the user's that a supervisor returned.
    public struct Returned: Equatable, Sendable {
        public let number: String
        public let by: String
        public let comment: String
    }

    /// Who gave the user cases, most cases first.
    public private(set) var assigned: [Assigned] = []
    /// Numbers of the user's cases whose closure was approved, in registration order.
    public private(set) var approved: [String] = []
    public private(set) var returned: [Returned] = []

    public var isEmpty: Bool { assigned.isEmpty && approved.isEmpty && returned.isEmpty }

    /// The acts of others on the reader's own cases from `since` on (nil: ever); the history keeps
    /// whole seconds, so an act in the second of the previous sign-in counts.
    public init(reader: CaseReader, since: Date?) {
        let login = reader.clearance.login
        let after = since.map { Int64($0.timeIntervalSince1970.rounded(.down)) } ?? .min
        var givers: [String: Int] = [:]
        var returnedIDs: [UUID] = []
        for digest in reader.digests where Scope.worker(assignedTo: digest.assignedTo, registeredBy: digest.registeredBy) == login {
            if let act = digest.lastAssignment, act.at >= after, act.by != login, act.to == login {
                givers[act.by, default: 0] += 1
            }
            if let act = digest.lastClosureDecision, act.at >= after, act.by != login {
                if act.isApproval && digest.status == .closed {
                    approved.append(digest.number)
                } else if !act.isApproval && digest.status != .closed && digest.status != .closureRequested {
                    returnedIDs.append(digest.id)
                }
            }
        }
        assigned = givers.map { Assigned(by: $0.key, count: $0.value) }.sorted { ($0.count, $1.by) > ($1.count, $0.by) }
        returned = returnedIDs.compactMap { id in
            guard let item = reader[id], let back = item.closureReturn else { return nil }
            return Returned(number: item.number, by: back.by, comment: back.comment)
        }
    }
}
