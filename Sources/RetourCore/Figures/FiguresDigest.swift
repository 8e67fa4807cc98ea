import Foundation

/// What the programme figures (`ProgrammeFigures`) need of a case beyond the rest of its
/// digest: when it was registered and closed, the steps of its active plans with their dates,
/// and its rights assessments. Kept in memory for every case, as `CaseDigest.figures`, and in
/// the index file, so that the figures never decode a case.
///
/// Kept compact (100 000 cases): codes (tracks, steps, criteria, closure reasons) are held as
/// their `CodeFingerprint`, never as strings, and each rating is one `UInt64`. The index file
/// stores the codes themselves, so that it does not depend on the fingerprint function.
public struct FiguresDigest: Sendable, Equatable {
    /// A step of an active plan: done (with the day it was done), open or not applicable (with
    /// its planned day). Every step is here, so that the plans' tracks are too.
    public struct StepFigure: Sendable, Equatable {
        public let track: CodeFingerprint
        public let step: CodeFingerprint
        /// YYYYMMDD: the day the step was done when `isDone`, else its planned day. A step
        /// marked done without a date is taken as done on its planned day.
        public let day: Int32
        /// 0 open, 1 done, 2 not applicable.
        let state: UInt8

        public var isDone: Bool { state == 1 }
        public var isOpen: Bool { state == 0 }
    }

    /// When the case was registered, in whole seconds since 1970 (an instant, as
    /// `CaseDigest.lastActivityAt`: the day depends on the time zone of the reader).
    public let registeredAt: Int64
    /// When the case was closed (its latest closing), for a case whose status is closed; nil
    /// otherwise (a reopened case is not closed).
    public let closedAt: Int64?
    /// The closure reason of a closed case; `CodeFingerprint.none` otherwise.
    public let closureReason: CodeFingerprint
    /// The steps of the active plans (withdrawn enrolments left out), in plan order.
    public let steps: [StepFigure]
    /// Every rating of every assessment, oldest assessment first (by date, then as recorded),
    /// each packed as `Rating.pack`: the latest rating of a criterion as of a day is the last
    /// one of it dated on or before that day.
    public let ratings: [UInt64]

    init(_ item: Case) {
        registeredAt = FiguresDigest.seconds(item.created.at)
        if item.status == .closed {
            let closing = item.timeline.last { $0.kind == "timeline.closed" }?.at ?? item.updated.at
            closedAt = FiguresDigest.seconds(closing)
            closureReason = CodeFingerprint(item.closure?.reason ?? "")
        } else {
            closedAt = nil
            closureReason = .none
        }
        var steps: [StepFigure] = []
        for plan in item.activePlans {
            let track = CodeFingerprint(plan.track)
            for step in plan.steps {
                let done = step.status == .done
                let day = done ? (step.doneOn ?? step.plannedOn) : step.plannedOn
                steps.append(StepFigure(track: track, step: CodeFingerprint(step.code), day: CaseDigest.dayNumber(day),
                                        state: done ? 1 : step.status == .notApplicable ? 2 : 0))
            }
        }
        self.steps = steps
        let ordered = item.assessments.enumerated()
            .sorted { ($0.element.date, $0.offset) < ($1.element.date, $1.offset) }.map(\.element)
        var ratings: [UInt64] = []
        for assessment in ordered {
            let day = CaseDigest.dayNumber(assessment.date)
            // Sorted by code within an assessment: the same case gives the same digest.
            for (criterion, rating) in assessment.ratings.sorted(by: { $0.key < $1.key }) {
                ratings.append(RatingPacking.pack(day: day, criterion: CodeFingerprint(criterion), access: rating.access))
            }
        }
        self.ratings = ratings
    }

    init(registeredAt: Int64, closedAt: Int64?, closureReason: CodeFingerprint, steps: [StepFigure], ratings: [UInt64]) {
        self.registeredAt = registeredAt
        self.closedAt = closedAt
        self.closureReason = closureReason
        self.steps = steps
        self.ratings = ratings
    }

    /// The access of `criterion` at its latest rating dated on or before `day` (YYYYMMDD);
    /// nil when it was never rated by then.
    public func access(_ criterion: CodeFingerprint, asOf day: Int32) -> Access? {
        var found: Access?
        for packed in ratings {
            guard RatingPacking.day(packed) <= day else { break }
            if RatingPacking.criterion(packed) == criterion { found = RatingPacking.access(packed) }
        }
        return found
    }

    static func seconds(_ time: Date) -> Int64 {
        let seconds = time.timeIntervalSince1970
        return seconds.isFinite ? Int64(min(max(seconds, -1e17), 1e17).rounded(.down)) : 0
    }
}

/// A code (track, step, criterion, closure reason) as a 32-bit FNV-1a fingerprint of its
/// UTF-8 bytes: what the digests hold instead of strings. Two codes of the reference never
/// share one (`ProgrammeTargets` checks it on load); 0 is no code.
public struct CodeFingerprint: Hashable, Sendable {
    public let value: UInt32

    public static let none = CodeFingerprint(value: 0)

    public init(value: UInt32) {
        self.value = value
    }

    public init(_ code: String) {
        self = code.isEmpty ? .none : CodeFingerprint(utf8: code.utf8)
    }

    init<C: Collection>(utf8 bytes: C) where C.Element == UInt8 {
        var hash: UInt32 = 2_166_136_261
        for byte in bytes {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        // 0 means no code.
        value = hash == 0 ? 1 : hash
    }
}

/// One rating in a `UInt64`: day (YYYYMMDD, 27 bits) · criterion fingerprint (32 bits) ·
/// access (3 bits). Packed values of one case sort by day.
enum RatingPacking {
    /// `Access.allCases`, made once (`allCases` makes an array per call).
    static let levels = Access.allCases

    static func pack(day: Int32, criterion: CodeFingerprint, access: Access) -> UInt64 {
        UInt64(UInt32(bitPattern: max(0, day)) & 0x7FF_FFFF) << 35
            | UInt64(criterion.value) << 3
            | UInt64(RatingPacking.levels.firstIndex(of: access)!)
    }

    static func day(_ packed: UInt64) -> Int32 { Int32(truncatingIfNeeded: packed >> 35) }
    static func criterion(_ packed: UInt64) -> CodeFingerprint { CodeFingerprint(value: UInt32(truncatingIfNeeded: packed >> 3)) }
    static func accessIndex(_ packed: UInt64) -> Int { Int(packed & 7) }
    static func access(_ packed: UInt64) -> Access {
        let index = accessIndex(packed)
        return index < RatingPacking.levels.count ? RatingPacking.levels[index] : .unknown
    }
}

// MARK: The index file's encoding

extension FiguresDigest {
    /// Codes are written as their fingerprints: the index is a cache, and a change of the
    /// fingerprint function would bump `IndexFile.version`.
    func write(to out: inout BinaryWriter) {
        out.int(Int(registeredAt))
        out.int(closedAt == nil ? 0 : 1)
        out.int(Int(closedAt ?? 0))
        out.int(Int(closureReason.value))
        out.int(steps.count)
        for step in steps {
            out.int(Int(step.track.value))
            out.int(Int(step.step.value))
            out.int(Int(step.day) << 2 | Int(step.state))
        }
        out.int(ratings.count)
        for packed in ratings { out.int(Int(Int64(bitPattern: packed))) }
    }

    /// Reads what `write` wrote; throws on anything out of shape.
    init(from input: inout BinaryReader) throws {
        registeredAt = Int64(try input.int())
        let isClosed = try input.int()
        let closed = try input.int()
        guard isClosed == 0 || isClosed == 1 else { throw BinaryReader.Malformed() }
        closedAt = isClosed == 1 ? Int64(closed) : nil
        closureReason = try FiguresDigest.code(&input)
        let stepCount = try input.int()
        guard stepCount >= 0, stepCount <= input.remaining else { throw BinaryReader.Malformed() }
        var steps: [StepFigure] = []
        steps.reserveCapacity(stepCount)
        for _ in 0..<stepCount {
            let track = try FiguresDigest.code(&input)
            let step = try FiguresDigest.code(&input)
            let value = try input.int()
            guard value >= 0, value >> 2 <= 99_991_231, value & 3 < 3 else { throw BinaryReader.Malformed() }
            steps.append(StepFigure(track: track, step: step, day: Int32(value >> 2), state: UInt8(value & 3)))
        }
        self.steps = steps
        let ratingCount = try input.int()
        guard ratingCount >= 0, ratingCount <= input.remaining else { throw BinaryReader.Malformed() }
        var ratings: [UInt64] = []
        ratings.reserveCapacity(ratingCount)
        var previous: Int32 = 0
        for _ in 0..<ratingCount {
            let packed = UInt64(bitPattern: Int64(try input.int()))
            let day = RatingPacking.day(packed)
            // In day order, with a known access: what `init(_ item:)` makes.
            guard day >= previous, RatingPacking.accessIndex(packed) < RatingPacking.levels.count else {
                throw BinaryReader.Malformed()
            }
            previous = day
            ratings.append(packed)
        }
        self.ratings = ratings
    }

    private static func code(_ input: inout BinaryReader) throws -> CodeFingerprint {
        let value = try input.int()
        guard value >= 0, value <= Int(UInt32.max) else { throw BinaryReader.Malformed() }
        return CodeFingerprint(value: UInt32(value))
    }
}
