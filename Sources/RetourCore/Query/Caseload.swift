import Foundation

/// A supervisor's review of caseloads: one row per case worker in the reader's scope, with
/// what needs attention in their open cases. Computed from the digests alone (no case is
/// decoded), in one pass over them.
///
///     let reader = store.reader(for: clearance)
///     var load = try Caseload(reader: reader, today: .today(), idleDays: reference.settings.noContactDays)
///     load.sort(by: .overdueSteps, ascending: false)     // the most late steps first
///     // load.rows[0].name, load.rows[0].counts.open…, load.totals.open…
///
/// Who has a row:
/// - every active user with the case worker role in scope (a supervisor's: the users who share
///   one of their teams; an administrator's: every user), even with no case;
/// - everyone else who holds an open case in scope: a disabled user, a supervisor, a name typed
///   before users existed;
/// - nobody (`worker == ""`): the open cases assigned to no one, when there are any. A case is
///   grouped by its `assigned_to` only, as the list's worker filter (`CaseQuery.worker`) reads
///   it, so that a row and the list filtered on its worker show the same cases.
///
/// What is counted, over the open cases (every status but closed) of each row:
/// - `open`; `active` (enrolled, status active); `closureRequests` (status closure requested,
///   waiting for a supervisor's decision);
/// - `overdueSteps`: steps planned before `today` and neither done nor not applicable
///   (`CaseDigest.overdueSteps(on:)`), summed over the cases;
/// - `idle`: cases with nothing recorded for `idleDays` days or more (`CaseDigest.isIdle`);
/// - `withGaps`: cases with at least one rights criterion with no or partial access.
///
/// A case worker is refused (`ChangeError.forbidden(.caseloadReview)`): the review is a
/// supervisor's and an administrator's; a directory without users counts as an administrator's.
public struct Caseload: Sendable, Equatable {
    /// The figures of a row, or of them all.
    public struct Counts: Sendable, Equatable {
        public var open = 0
        public var active = 0
        public var overdueSteps = 0
        public var idle = 0
        public var withGaps = 0
        public var closureRequests = 0

        public init(open: Int = 0, active: Int = 0, overdueSteps: Int = 0, idle: Int = 0, withGaps: Int = 0,
                    closureRequests: Int = 0) {
            self.open = open
            self.active = active
            self.overdueSteps = overdueSteps
            self.idle = idle
            self.withGaps = withGaps
            self.closureRequests = closureRequests
        }

        public subscript(column: Column) -> Int {
            switch column {
            case .worker: return 0
            case .open: return open
            case .active: return active
            case .overdueSteps: return overdueSteps
            case .idle: return idle
            case .withGaps: return withGaps
            case .closureRequests: return closureRequests
            }
        }

        mutating func add(_ other: Counts) {
            open += other.open
            active += other.active
            overdueSteps += other.overdueSteps
            idle += other.idle
            withGaps += other.withGaps
            closureRequests += other.closureRequests
        }
    }

    /// One case worker's open cases.
    public struct Row: Sendable, Equatable {
        /// What the list's worker filter takes to show this row's cases (`CaseQuery.worker`): the
        /// login of a user, the name as recorded otherwise; "" for the cases assigned to nobody.
        public let worker: String
        /// The user's name, or the name as recorded; "" for nobody. Data: neutralise before
        /// printing (`TerminalText`).
        public let name: String
        /// The user's login; nil for a name that is no user's (or nobody).
        public let login: String?
        /// Whether the worker is an active user (false for a disabled user, a name that is no
        /// user's, and nobody).
        public let isActiveUser: Bool
        public var counts: Counts
    }

    /// The columns, in the order they are shown; each sorts the rows.
    public enum Column: String, CaseIterable, Sendable {
        case worker, open, active, overdueSteps = "overdue_steps", idle, withGaps = "gaps",
             closureRequests = "closure_requests"
    }

    public private(set) var rows: [Row]
    public let totals: Counts
    public private(set) var sortColumn: Column = .worker
    public private(set) var ascending = true

    /// The caseload of the workers `reader` reaches, as of `today`; with `team`, only the users
    /// of that team (names that are no user's and unassigned cases left out).
    public init(reader: CaseReader, today: CalendarDate, idleDays: Int, team: String? = nil) throws {
        if reader.book.users.isEmpty == false, reader.scope.clearance.role < .supervisor {
            throw ChangeError.forbidden(.caseloadReview)
        }
        let users = reader.book.users
        var byKey: [String: User] = [:]
        for user in users.all { byKey[Fold.key(user.login)] = user }
        let inTeam: (User) -> Bool = { user in team.map { user.teams.contains($0) } ?? true }
        // Positions of the rows by folded worker, in `counts` and `order`.
        var positions: [String: Int] = [:]
        var keys: [String] = []
        var firstNames: [String] = []
        var counts: [Counts] = []
        func position(_ key: String, name: String) -> Int {
            if let known = positions[key] { return known }
            positions[key] = keys.count
            keys.append(key)
            firstNames.append(name)
            counts.append(Counts())
            return keys.count - 1
        }
        for user in users.active where user.role == .caseWorker && inTeam(user) && reader.scope.mayAssign(to: user.login) {
            _ = position(Fold.key(user.login), name: user.login)
        }
        let day = CaseDigest.dayNumber(today)
        let idleBefore = CaseDigest.idleBefore(days: idleDays, on: today)
        let everything = reader.seesEverything
        let scope = reader.scope
        // The last worker seen: cases come in runs of the same worker, and a hash costs more
        // than a comparison.
        var lastKey = "\u{0}", lastPosition = -1
        reader.book.digests.withUnsafeBufferPointer { buffer in
            guard let first = buffer.baseAddress else { return }
            for index in buffer.indices {
                let digest = first + index
                guard digest.pointee.status != .closed else { continue }
                if !everything && !scope.contains(assignedTo: digest.pointee.assignedTo, registeredBy: digest.pointee.registeredBy) {
                    continue
                }
                let key = digest.pointee.worker
                let row: Int
                if key == lastKey {
                    row = lastPosition
                } else {
                    if let team {
                        // Only that team's users.
                        guard let user = byKey[key], user.teams.contains(team) else {
                            lastKey = key
                            lastPosition = -1
                            continue
                        }
                    }
                    row = position(key, name: digest.pointee.assignedTo)
                    lastKey = key
                    lastPosition = row
                }
                guard row >= 0 else { continue }
                counts[row].open += 1
                switch digest.pointee.status {
                case .active: counts[row].active += 1
                case .closureRequested: counts[row].closureRequests += 1
                default: break
                }
                for planned in digest.pointee.openPlanned {
                    guard planned < day else { break }
                    counts[row].overdueSteps += 1
                }
                if digest.pointee.lastActivityAt < idleBefore { counts[row].idle += 1 }
                if !digest.pointee.gaps.isEmpty { counts[row].withGaps += 1 }
            }
        }
        var total = Counts()
        rows = keys.indices.map { index in
            total.add(counts[index])
            let key = keys[index]
            if key.isEmpty {
                return Row(worker: "", name: "", login: nil, isActiveUser: false, counts: counts[index])
            }
            if let user = byKey[key] {
                return Row(worker: user.login, name: user.name, login: user.login, isActiveUser: user.active, counts: counts[index])
            }
            let name = firstNames[index].trimmingCharacters(in: .whitespaces)
            return Row(worker: name, name: name, login: nil, isActiveUser: false, counts: counts[index])
        }
        totals = total
        sort(by: .worker, ascending: true)
    }

    /// Orders the rows by `column` (names folded; figures, ties by name); the cases assigned to
    /// nobody always last.
    public mutating func sort(by column: Column, ascending: Bool) {
        sortColumn = column
        self.ascending = ascending
        let keyed = rows.map { (row: $0, name: Fold.key($0.name.isEmpty ? $0.worker : $0.name)) }
        rows = keyed.sorted { first, second in
            if first.row.worker.isEmpty != second.row.worker.isEmpty { return second.row.worker.isEmpty }
            if column != .worker {
                let a = first.row.counts[column], b = second.row.counts[column]
                if a != b { return ascending ? a < b : a > b }
                return first.name < second.name
            }
            if first.name != second.name { return ascending ? first.name < second.name : first.name > second.name }
            return first.row.worker < second.row.worker
        }.map(\.row)
    }
}

extension CaseReader {
    /// The users a case may be given to from this reader's caseload: the active case workers it
    /// may assign to (a supervisor's teams; everyone for an administrator), by login. Empty for
    /// a case worker and in a directory without users. `CaseBook.check` decides each change.
    public var assignableWorkers: [User] {
        guard scope.clearance.role >= .supervisor else { return [] }
        return book.users.active.filter { $0.role == .caseWorker && scope.mayAssign(to: $0.login) }
    }
}
