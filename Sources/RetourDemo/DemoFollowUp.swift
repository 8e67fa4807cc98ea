import Foundation
import RetourCore

/// One change of a fictitious person's follow-up, as their case worker would have made it.
public struct DemoChange: Hashable, Sendable {
    public let by: String
    public let at: Date
    public let change: Change
}

/// A fictitious person's follow-up: registered on a day in the past, then the changes that
/// followed, oldest first. Identifiers come from the seed too, so that the same seed and
/// day always give the same cases.
public struct DemoHistory: Hashable, Sendable {
    public let caseID: UUID
    public let registeredBy: String
    public let registeredAt: Date
    public let changes: [DemoChange]
}

extension DemoPeople {
    /// Registers the rows `plan` would import (a plan made from `Batch.csv`) and commits
    /// the history of each person, in the order of time, in batches of `batchSize` changes
    /// (`Store.commitBatch`, one fsync each), every change under its own author and time:
    /// case numbers follow the days of registration. The numbers are returned in that
    /// order.
    /// `progress` is told how many changes of how many were committed.
    public static func run(_ plan: ImportPlan, histories: [DemoHistory], store: Store,
                           reference: Reference, progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }) throws -> ImportResult {
        var result = ImportResult(plan: plan)
        guard !plan.options.dryRun, !plan.isBlocked else { return result }
        if let reason = store.readOnlyReason { throw reason }

        struct Pending {
            let at: Date
            let person: Int
            let order: Int
            let row: ImportRow
            let change: DemoChange?
        }
        var pending: [Pending] = []
        let rows = plan.toImport.filter { $0.profile != nil && (2..<histories.count + 2).contains($0.row) }
        for (person, row) in rows.enumerated() {
            let history = histories[row.row - 2]
            pending.append(Pending(at: history.registeredAt, person: person, order: 0, row: row, change: nil))
            for (index, change) in history.changes.enumerated() {
                pending.append(Pending(at: change.at, person: person, order: index + 1, row: row, change: change))
            }
        }
        pending.sort { ($0.at, $0.person, $0.order) < ($1.at, $1.person, $1.order) }

        // Committed in large batches, each with one fsync (one per change made a big office
        // take minutes): a batch is all or nothing, each change keeps its author and time.
        var numbers = [String?](repeating: nil, count: rows.count)
        var saved: [String] = []
        var start = 0
        while start < pending.count {
            let end = min(pending.count, start + DemoPeople.batchSize)
            progress(start, pending.count)
            var row = pending[start].row.row
            var inBatch: [(person: Int, number: String)] = []
            var registeredInBatch = Set<Int>()
            do {
                try store.commitBatch(as: Clearance.withoutUsers(DemoPeople.batchAuthor, book: store.book), at: pending[start].at) { batch in
                    for item in pending[start..<end] {
                        row = item.row.row
                        let history = histories[item.row.row - 2]
                        if let change = item.change {
                            guard numbers[item.person] != nil || registeredInBatch.contains(item.person) else { continue }
                            try batch.add(change.change, as: Clearance.withoutUsers(change.by, book: batch.book), at: change.at)
                        } else {
                            guard let profile = item.row.profile, let region = reference.region(profile.region) else { continue }
                            let entry = try batch.add(.register(id: history.caseID,
                                                                number: CaseBook.numberToAllocate(prefix: region.prefix), profile: profile),
                                                      as: Clearance.withoutUsers(history.registeredBy, book: batch.book),
                                                      at: history.registeredAt)
                            guard case .register(_, let number, _) = entry.change else { continue }
                            inBatch.append((item.person, number))
                            registeredInBatch.insert(item.person)
                        }
                    }
                }
            } catch {
                throw CSVImport.Interrupted(row: row, imported: saved, underlying: error)
            }
            for (person, number) in inBatch {
                numbers[person] = number
                saved.append(number)
            }
            start = end
        }
        progress(pending.count, pending.count)
        result.imported = saved
        return result
    }

    /// What happened to `draft`'s person since registration, up to the day before `today`:
    /// about seven in ten are enrolled (women's AGR for women of working age, youth
    /// entrepreneurship for the young, durable solutions for returnees), with the steps
    /// mostly done in time and some stalled, blocked or overdue; rights assessments with
    /// gaps and the referrals they call for; notes; and a few closures.
    func history(of draft: ProfileDraft, using random: inout SeededGenerator, reference: Reference,
                 today: CalendarDate) -> DemoHistory {
        let worker = draft[.assignedTo]
        let caseID = DemoPeople.uuid(&random)
        let last = today.adding(days: -1)
        var registered = today.adding(days: -Int.random(in: 20...600, using: &random))
        if let returned = CalendarDate(parsing: draft[.returnDate]), returned > registered {
            registered = min(returned, last)
        }
        let registeredAt = DemoPeople.moment(registered, minutes: 8 * 60 + Int.random(in: 0...90, using: &random))
        guard let texts = lists.followUp else {
            return DemoHistory(caseID: caseID, registeredBy: worker, registeredAt: registeredAt, changes: [])
        }

        // Who decides the worker's closures: the supervisor of their team in a demonstration
        // office, else one of the supervisors.
        let team = lists.users?.first { $0.login == worker }?.teams ?? []
        let supervisor = lists.users?.first { $0.role == .supervisor && !$0.teams.filter(team.contains).isEmpty }?.login
        var builder = HistoryBuilder(caseID: caseID, worker: worker, registered: registered, last: last,
                                     texts: texts, reference: reference, supervisor: supervisor)
        builder.alone = (Int(draft[.householdSize]) ?? 1) <= 1
        builder.notes(using: &random)
        let female = draft[.sex] == Sex.female.rawValue
        let age = CalendarDate(parsing: draft[.dateOfBirth]).map { $0.years(until: today) } ?? Int(draft[.age]) ?? 30
        let returnee = draft[.category] != Category.hostCommunity.rawValue
        let vulnerabilities = Set(draft[.vulnerabilities].split(separator: "|").map(String.init))
        if !returnee && Int.random(in: 0..<100, using: &random) < 70 {
            // Host-community members are assessed too: the benchmark of the durable-solutions gap
            // (before any closure, which their gaps hold back as anyone's).
            let day = builder.day(from: registered, to: min(registered.adding(days: 30), last), using: &random)
            builder.assess(on: day, previous: nil, vulnerabilities: vulnerabilities, benchmark: true, using: &random)
        }
        if Int.random(in: 0..<100, using: &random) < 70 {
            var tracks: [String] = []
            if female && (18...59).contains(age) && Int.random(in: 0..<100, using: &random) < 55 {
                tracks.append("women_agr")
            } else if (17...35).contains(age) && Int.random(in: 0..<100, using: &random) < 75 {
                // 17, not the track's 15: enrolment may come up to two years before today, and
                // the track's rules hold on the day of enrolment.
                tracks.append("youth_entrepreneurship")
            }
            if returnee && (tracks.isEmpty || Int.random(in: 0..<100, using: &random) < 30) {
                tracks.append("durable_solutions")
            }
            builder.follow(tracks: tracks.filter { reference.tracks.track($0) != nil },
                           vulnerabilities: vulnerabilities, using: &random)
        } else if returnee && Int.random(in: 0..<100, using: &random) < 20 {
            // Assessed at registration, not (yet) enrolled.
            let day = builder.day(from: registered, to: min(registered.adding(days: 10), last), using: &random)
            builder.assess(on: day, previous: nil, vulnerabilities: vulnerabilities, using: &random)
        }
        builder.rewriteNotesOutsideThePlans()
        return DemoHistory(caseID: caseID, registeredBy: worker, registeredAt: registeredAt,
                           changes: builder.changes(registeredAt: registeredAt, using: &random))
    }

    /// A random version-4 UUID from the seeded generator.
    static func uuid(_ random: inout SeededGenerator) -> UUID {
        var bytes = [UInt8](repeating: 0, count: 16)
        for half in 0..<2 {
            var value = random.next()
            for index in 0..<8 {
                bytes[half * 8 + index] = UInt8(truncatingIfNeeded: value)
                value >>= 8
            }
        }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }

    /// `minutes` after midnight (UTC, Mali's time) on `date`.
    static func moment(_ date: CalendarDate, minutes: Int) -> Date {
        Date(timeIntervalSince1970: TimeInterval(date.daysSinceEpoch * 86_400 + minutes * 60))
    }
}

/// Collects one person's changes, each on a day, then dates them in order.
private struct HistoryBuilder {
    struct Event {
        let day: CalendarDate
        let by: String
        let change: Change
    }

    let caseID: UUID
    let worker: String
    let registered: CalendarDate
    /// The last day anything may happen: the day before today.
    let last: CalendarDate
    let texts: DemoPeople.FollowUpLists
    let reference: Reference
    /// Who decides this worker's closures; nil: one of `texts.supervisors`.
    let supervisor: String?
    /// A household of one (an unaccompanied child, a person alone): no note speaks of their
    /// household, children or spouse.
    var alone = false
    /// The latest rating of each criterion: a closure for a durable solution waits until no
    /// gap is left.
    var latestAccess: [String: Access] = [:]
    var events: [Event] = []
    /// The steps of the tracks the case is enrolled in.
    var plannedSteps: Set<String> = []

    init(caseID: UUID, worker: String, registered: CalendarDate, last: CalendarDate,
         texts: DemoPeople.FollowUpLists, reference: Reference, supervisor: String? = nil) {
        self.caseID = caseID
        self.worker = worker
        self.registered = registered
        self.last = last
        self.texts = texts
        self.reference = reference
        self.supervisor = supervisor
    }

    /// Which service a gap in each criterion is referred to.
    static let serviceFor = [
        "safety": "peace_committee", "standard_of_living": "health", "livelihoods": "livelihoods",
        "housing_land_property": "land_commission", "documentation": "civil_registry",
        "family_reunification": "psychosocial", "participation": "other", "justice": "legal_aid",
    ]

    func chance(_ percent: Int, _ random: inout SeededGenerator) -> Bool {
        Int.random(in: 0..<100, using: &random) < percent
    }

    func pick(_ list: [String]?, _ random: inout SeededGenerator) -> String {
        list?.randomElement(using: &random) ?? ""
    }

    /// A day from `first` to `second`; `first` when they are the other way round.
    func day(from first: CalendarDate, to second: CalendarDate, using random: inout SeededGenerator) -> CalendarDate {
        let span = first.days(until: second)
        return span <= 0 ? first : first.adding(days: Int.random(in: 0...span, using: &random))
    }

    mutating func add(_ day: CalendarDate, _ change: Change, by: String? = nil) {
        events.append(Event(day: day, by: by ?? worker, change: change))
    }

    /// The steps a note speaks of (a training, a kit), any of which the case must be enrolled
    /// for; nil for a note that fits any case.
    static func stepsSpokenOf(_ text: String) -> Set<String>? {
        let lowered = text.lowercased()
        if lowered.contains("formation") || lowered.contains("training") { return ["training"] }
        if lowered.contains("kit") { return ["insertion_kit", "kit_or_grant"] }
        return nil
    }

    /// Rewrites the notes of a training or a kit the case's tracks do not have as one of the
    /// notes that fit any case (the notes are written before the enrolments are drawn). Drawn
    /// from the note's own id, not from the generator: every other person of the seed, and
    /// every time of this one's history, stays the same.
    mutating func rewriteNotesOutsideThePlans() {
        let steps = plannedSteps
        let fitting = texts.notes.filter { text in
            HistoryBuilder.stepsSpokenOf(text) == nil && (!alone || !HistoryBuilder.speaksOfAHousehold(text))
        }
        guard !fitting.isEmpty else { return }
        for (index, event) in events.enumerated() {
            guard case .addNote(let id, var note) = event.change, let spoken = HistoryBuilder.stepsSpokenOf(note.text),
                  spoken.isDisjoint(with: steps) else { continue }
            note.text = fitting[Int(note.id.uuid.15) % fitting.count]
            events[index] = Event(day: event.day, by: event.by, change: .addNote(id: id, note: note))
        }
    }

    /// None to three notes on random days, now and then one correcting the note before.
    mutating func notes(using random: inout SeededGenerator) {
        let count = [0, 0, 1, 1, 1, 2, 2, 3].randomElement(using: &random)!
        var previous: (id: UUID, day: CalendarDate, text: String)?
        let fitting = alone ? texts.notes.filter { !HistoryBuilder.speaksOfAHousehold($0) } : texts.notes
        for _ in 0..<count {
            let id = DemoPeople.uuid(&random)
            var text = pick(fitting, &random)
            var corrects: UUID?
            var noteDay = day(from: registered, to: last, using: &random)
            // A correction corrects what the note before said (a visit, the children).
            let corrections = previous.map { before in
                texts.corrections.filter { text in ["visite", "enfants"].contains { text.contains($0) && before.text.contains($0) } }
            } ?? []
            if let previous, chance(15, &random), !corrections.isEmpty {
                text = pick(corrections, &random)
                corrects = previous.id
                noteDay = day(from: previous.day, to: last, using: &random)
            }
            guard !text.isEmpty else { continue }
            // The note's time is set when the history is dated.
            add(noteDay, .addNote(id: caseID, note: Note(id: id, text: text, by: worker, at: Date(timeIntervalSince1970: 0),
                                                         corrects: corrects)))
            previous = (id, noteDay, text)
        }
    }

    /// Enrolments in `tracks` soon after registration, their steps, the assessments and
    /// referrals of durable solutions, then perhaps a closure.
    mutating func follow(tracks: [String], vulnerabilities: Set<String>, using random: inout SeededGenerator) {
        guard !tracks.isEmpty else { return }
        let firstEnrolment = min(registered.adding(days: Int.random(in: 0...10, using: &random)), last)
        var finished = true
        var access: [String: Access]?
        var assessedOn = firstEnrolment
        for (index, code) in tracks.enumerated() {
            let enrolledOn = index == 0 ? firstEnrolment
                : min(firstEnrolment.adding(days: Int.random(in: 0...20, using: &random)), last)
            guard let plan = reference.tracks.plan(track: code, id: DemoPeople.uuid(&random), enrolledOn: enrolledOn),
                  let track = reference.tracks.track(code) else { continue }
            add(enrolledOn, .enrol(id: caseID, plan: plan))
            plannedSteps.formUnion(plan.steps.map(\.code))
            let diligent = chance(75, &random)
            var previous = enrolledOn
            var complete = true
            for (template, planned) in zip(track.steps, plan.steps) {
                var step = planned
                // Steps planned well ahead are not reached yet.
                guard step.plannedOn <= last.adding(days: 10) else { complete = false; break }
                if template.code.hasPrefix("follow_up_6") && chance(6, &random) {
                    step.status = .notApplicable
                    step.by = worker
                    add(max(previous, min(step.plannedOn, last)), .updateStep(id: caseID, plan: plan.id, step: step))
                    continue
                }
                if chance(diligent ? 93 : 70, &random) {
                    let done = min(max(step.plannedOn.adding(days: Int.random(in: -6...14, using: &random)), previous), last)
                    step.status = .done
                    step.doneOn = done
                    step.by = worker
                    if template.records == "given" { step.given = pick(texts.given[template.code], &random) }
                    if chance(15, &random) { step.note = pick(texts.stepNotes ?? texts.notes, &random) }
                    add(done, .updateStep(id: caseID, plan: plan.id, step: step))
                    previous = done
                    if template.code == "rights_assessment" {
                        access = assess(on: done, previous: nil, vulnerabilities: vulnerabilities, using: &random)
                        assessedOn = done
                    } else if template.code == "referrals", let access {
                        refer(access, from: assessedOn, to: done, using: &random)
                    } else if template.code == "follow_up_assessment" {
                        access = assess(on: done, previous: access, vulnerabilities: vulnerabilities, using: &random)
                    }
                } else {
                    // The plan stalls here: blocked, in progress, or not started (overdue
                    // once its day has passed).
                    complete = false
                    let roll = Int.random(in: 0..<100, using: &random)
                    if roll < 20 {
                        step.status = .blocked
                        step.blockedReason = pick(texts.blockedReasons, &random)
                        step.by = worker
                        if !step.blockedReason.isEmpty {
                            add(day(from: previous, to: last, using: &random), .updateStep(id: caseID, plan: plan.id, step: step))
                        }
                    } else if roll < 50 {
                        step.status = .inProgress
                        step.by = worker
                        let from = min(max(previous, step.plannedOn.adding(days: -10)), last)
                        let started = day(from: from, to: last, using: &random)
                        add(started, .updateStep(id: caseID, plan: plan.id, step: step))
                        if template.code == "referrals", let access {
                            refer(access, from: max(assessedOn, started), to: last, using: &random)
                        }
                    }
                    break
                }
            }
            finished = finished && complete
        }
        close(finished: finished, gaps: latestAccess.values.contains { $0.isGap }, using: &random)
    }

    /// Whether a note or a rating's note speaks of a household, children or a spouse: never
    /// of a person registered alone (an unaccompanied child, a household of one).
    static func speaksOfAHousehold(_ text: String) -> Bool {
        ["ménage", "enfant", "Conjoint", "conjoint"].contains { text.contains($0) }
    }

    /// A rating of every criterion: from the person's situation the first time, then each
    /// gap improving one time in two.
    /// `benchmark`: a host-community member, who more often has full access than the displaced.
    @discardableResult
    mutating func assess(on day: CalendarDate, previous: [String: Access]?, vulnerabilities: Set<String>,
                         benchmark: Bool = false, using random: inout SeededGenerator) -> [String: Access] {
        var ratings: [String: Rating] = [:]
        for criterion in reference.tracks.criteria {
            var access: Access
            if let before = previous?[criterion] {
                switch before {
                case .none: access = chance(50, &random) ? .partial : .none
                case .partial: access = chance(50, &random) ? .full : .partial
                case .unknown: access = [.full, .partial, .none].randomElement(using: &random)!
                case .full, .notApplicable: access = before
                }
            } else if criterion == "family_reunification" && chance(40, &random) {
                access = .notApplicable
            } else if (criterion == "documentation" && vulnerabilities.contains("lost_documents"))
                        || (criterion == "housing_land_property" && vulnerabilities.contains("no_shelter")) {
                access = .none
            } else {
                let roll = Int.random(in: 0..<100, using: &random)
                access = benchmark ? (roll < 60 ? .full : roll < 85 ? .partial : roll < 96 ? .none : .unknown)
                                   : (roll < 30 ? .full : roll < 62 ? .partial : roll < 88 ? .none : .unknown)
            }
            let notes = texts.ratingNotes[criterion]?.filter { !alone || !HistoryBuilder.speaksOfAHousehold($0) }
            let note = access.isGap && chance(30, &random) ? pick(notes, &random) : ""
            ratings[criterion] = Rating(access: access, note: note)
        }
        add(day, .assess(id: caseID, assessment: Assessment(id: DemoPeople.uuid(&random), date: day, assessor: worker,
                                                            ratings: ratings)))
        latestAccess = ratings.mapValues(\.access)
        return latestAccess
    }

    /// Referrals for about two gaps in three, made from `first` to `second`; older ones have
    /// been answered since.
    mutating func refer(_ access: [String: Access], from first: CalendarDate, to second: CalendarDate,
                        using random: inout SeededGenerator) {
        for criterion in reference.tracks.criteria where access[criterion]?.isGap == true && chance(65, &random) {
            var service = HistoryBuilder.serviceFor[criterion] ?? "other"
            if !reference.tracks.services.contains(service) { service = reference.tracks.services.last ?? service }
            let date = min(day(from: first, to: second, using: &random), last)
            var referral = Referral(id: DemoPeople.uuid(&random), service: service,
                                    provider: pick(texts.providers[service], &random), date: date, criterion: criterion)
            add(date, .saveReferral(id: caseID, referral: referral))
            let age = date.days(until: last)
            let roll = Int.random(in: 0..<100, using: &random)
            let answer: ReferralStatus
            if age > 60 {
                answer = roll < 55 ? .completed : roll < 70 ? .declined : roll < 85 ? .accepted : .referred
            } else if age > 20 {
                answer = roll < 20 ? .completed : roll < 60 ? .accepted : .referred
            } else {
                answer = .referred
            }
            guard answer != .referred else { continue }
            referral.status = answer
            switch answer {
            case .completed: referral.outcome = pick(texts.completed[service], &random)
            case .declined: referral.outcome = pick(texts.declined, &random)
            case .referred, .accepted: break
            }
            let answered = min(date.adding(days: Int.random(in: 5...min(60, max(5, age)), using: &random)), last)
            add(answered, .saveReferral(id: caseID, referral: referral))
        }
    }

    /// Finished plans without a rights gap left are often put forward for closure ("every
    /// step done": never with gaps open), and some of those closed (some reopened
    /// later); now and then a stalled case is put forward for lost contact, half of those
    /// closed. The others wait for their supervisor's decision.
    mutating func close(finished: Bool, gaps: Bool, using random: inout SeededGenerator) {
        let reasons = reference.tracks.closureReasons
        guard let lastDay = events.map(\.day).max() else { return }
        let supervisor = self.supervisor ?? texts.supervisors.randomElement(using: &random) ?? worker
        if finished && !gaps && chance(70, &random) && reasons.contains("durable_solution") {
            let requested = lastDay.adding(days: Int.random(in: 3...20, using: &random))
            guard requested <= last else { return }
            add(requested, .requestClosure(id: caseID, reason: pick(texts.closureRequests, &random), code: "durable_solution"))
            guard chance(45, &random) else { return }
            let closed = requested.adding(days: Int.random(in: 1...15, using: &random))
            guard closed <= last else { return }
            add(closed, .close(id: caseID, closure: Closure(reason: "durable_solution", note: pick(texts.closureNotes, &random),
                                                           confirmedOpenItems: false)), by: supervisor)
            guard chance(40, &random) else { return }
            let reopened = closed.adding(days: Int.random(in: 15...60, using: &random))
            guard reopened <= last else { return }
            add(reopened, .reopen(id: caseID, reason: pick(texts.reopenReasons, &random)), by: supervisor)
        } else if !finished && chance(8, &random) && reasons.contains("lost_contact") {
            let requested = lastDay.adding(days: Int.random(in: 90...150, using: &random))
            guard requested <= last else { return }
            add(requested, .requestClosure(id: caseID, reason: pick(texts.lostContact, &random), code: "lost_contact"))
            guard chance(50, &random) else { return }
            let closed = requested.adding(days: Int.random(in: 1...10, using: &random))
            guard closed <= last else { return }
            add(closed, .close(id: caseID, closure: Closure(reason: "lost_contact", note: pick(texts.closureNotes, &random),
                                                           confirmedOpenItems: true)), by: supervisor)
        }
    }

    /// The events in order of day (in the order they were added within a day), each at a
    /// time of the office day after the one before; a note's own time is its change's.
    func changes(registeredAt: Date, using random: inout SeededGenerator) -> [DemoChange] {
        let ordered = events.enumerated().sorted { ($0.element.day, $0.offset) < ($1.element.day, $1.offset) }.map(\.element)
        var result: [DemoChange] = []
        result.reserveCapacity(ordered.count)
        var previous = registeredAt
        for event in ordered {
            var at = DemoPeople.moment(event.day, minutes: 8 * 60 + Int.random(in: 0...120, using: &random))
            if at <= previous { at = previous + TimeInterval(60 * Int.random(in: 5...40, using: &random)) }
            previous = at
            var change = event.change
            if case .addNote(let id, var note) = change {
                note.at = at
                change = .addNote(id: id, note: note)
            }
            result.append(DemoChange(by: event.by, at: at, change: change))
        }
        return result
    }
}
