import Foundation

/// The programme's dates and targets, from `Assets/targets.json`. Changing a figure, a date or
/// what a target counts, or adding a target, is a change of that file, not of the code:
///
///     { "programme": { "start": "2025-01-01", "end": "2027-12-31" },
///       "targets": [
///         { "id": "youth_trained",
///           "label": { "fr": "Jeunes formés…", "en": "Young people trained…" },
///           "figure": 500,
///           "counts": [ { "track": "youth_entrepreneurship", "step": "training" } ],
///           "age": { "minimum": 15, "maximum": 35 } } ] }
///
/// A target counts people (cases), each once: a case counts when one of its active plans has
/// a step done that one of `counts` names (`track` left out: in a plan of any track), and, when
/// `age` is given, the person's age on the day that step was done is within it (both ends
/// included); `sex` (`"F"`/`"M"`), when given, must be the person's.
public struct ProgrammeTargets: Sendable, Equatable {
    /// First and last day of the programme, both included.
    public let start: CalendarDate
    public let end: CalendarDate
    public let targets: [Target]

    /// One step that counts for a target: `step` done in a plan of `track` (nil: any track).
    public struct StepMatch: Sendable, Hashable {
        public let track: String?
        public let step: String

        public init(track: String?, step: String) {
            self.track = track
            self.step = step
        }
    }

    public struct Target: Sendable, Hashable, Identifiable {
        /// A stable code (`youth_trained`): in report files and for the screens.
        public let id: String
        /// The label by language; every language of the interface has one.
        public let labels: [Language: String]
        /// The number to reach.
        public let figure: Int
        public let counts: [StepMatch]
        /// Ages allowed on the day the step was done, both ends included; nil: any age.
        public let ages: ClosedRange<Int>?
        public let sex: Sex?

        public init(id: String, labels: [Language: String], figure: Int, counts: [StepMatch],
                    ages: ClosedRange<Int>? = nil, sex: Sex? = nil) {
            self.id = id
            self.labels = labels
            self.figure = figure
            self.counts = counts
            self.ages = ages
            self.sex = sex
        }

        public func label(_ language: Language) -> String {
            labels[language] ?? id
        }
    }

    public init(start: CalendarDate, end: CalendarDate, targets: [Target]) {
        self.start = start
        self.end = end
        self.targets = targets
    }

    /// Reads and checks `Assets/targets.json` against `reference` (its tracks and steps).
    public init(assets: Assets, reference: Reference) throws {
        guard let data = try? Data(contentsOf: assets.url(ProgrammeTargets.file)) else {
            throw TargetsError("targets.error.unreadable", [:])
        }
        try self.init(json: data, reference: reference)
    }

    static let file = "targets.json"

    /// Reads and checks a targets file's contents; refuses it with a `TargetsError` that names
    /// the target and what is wrong.
    public init(json data: Data, reference: Reference) throws {
        struct File: Decodable {
            struct Programme: Decodable { let start: String; let end: String }
            struct Match: Decodable { let track: String?; let step: String }
            struct Ages: Decodable { let minimum: Int?; let maximum: Int? }
            struct Entry: Decodable {
                let id: String
                let label: [String: String]
                let figure: Int
                let counts: [Match]
                let age: Ages?
                let sex: String?
            }
            let programme: Programme
            let targets: [Entry]
        }
        let file: File
        do { file = try LineDecoder().decode(File.self, from: data) } catch {
            throw TargetsError("targets.error.shape", [:])
        }
        guard let start = CalendarDate(parsing: file.programme.start), let end = CalendarDate(parsing: file.programme.end),
              start < end else {
            throw TargetsError("targets.error.dates", ["start": file.programme.start, "end": file.programme.end])
        }
        let tracks = reference.tracks
        var seen = Set<String>()
        var targets: [Target] = []
        for entry in file.targets {
            let id = entry.id
            func refuse(_ problem: String, _ arguments: [String: String] = [:]) -> TargetsError {
                TargetsError("targets.error.\(problem)", arguments.merging(["id": id]) { $1 })
            }
            guard !id.isEmpty, id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                throw TargetsError("targets.error.id", ["id": id])
            }
            guard seen.insert(id).inserted else { throw refuse("duplicate") }
            var labels: [Language: String] = [:]
            for language in Language.allCases {
                guard let label = entry.label[language.rawValue]?.trimmingCharacters(in: .whitespaces), !label.isEmpty,
                      !label.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                    throw refuse("label", ["language": language.rawValue])
                }
                labels[language] = label
            }
            guard entry.figure > 0 else { throw refuse("figure") }
            guard !entry.counts.isEmpty else { throw refuse("counts") }
            for match in entry.counts {
                if let code = match.track {
                    guard let track = tracks.track(code) else { throw refuse("track", ["track": code]) }
                    guard track.steps.contains(where: { $0.code == match.step }) else {
                        throw refuse("stepOfTrack", ["track": code, "step": match.step])
                    }
                } else {
                    guard tracks.stepCodes.contains(match.step) else { throw refuse("step", ["step": match.step]) }
                }
            }
            var ages: ClosedRange<Int>?
            if let age = entry.age {
                let low = age.minimum ?? 0, high = age.maximum ?? 200
                guard low >= 0, low <= high else { throw refuse("age") }
                ages = low...high
            }
            var sex: Sex?
            if let code = entry.sex {
                guard let found = Sex(rawValue: code) else { throw refuse("sex", ["sex": code]) }
                sex = found
            }
            targets.append(Target(id: id, labels: labels, figure: entry.figure,
                                  counts: entry.counts.map { StepMatch(track: $0.track, step: $0.step) }, ages: ages, sex: sex))
        }
        try ProgrammeTargets.checkFingerprints(reference)
        self.init(start: start, end: end, targets: targets)
    }

    /// The figures hold codes as fingerprints (`CodeFingerprint`): two codes of the reference
    /// that shared one would be counted together. Refused, naming both.
    static func checkFingerprints(_ reference: Reference) throws {
        let tracks = reference.tracks
        let codes = Set(tracks.tracks.map(\.code) + tracks.stepCodes + tracks.criteria + tracks.closureReasons)
        var byPrint: [CodeFingerprint: String] = [:]
        for code in codes.sorted() {
            if let other = byPrint.updateValue(code, forKey: CodeFingerprint(code)) {
                throw TargetsError("targets.error.fingerprint", ["code": code, "other": other])
            }
        }
    }
}

/// `Assets/targets.json` cannot be used: which target, and why (catalogue keys `targets.error.*`).
public struct TargetsError: UserFacingError, Equatable {
    public let message: Message

    init(_ key: String, _ arguments: [String: String]) {
        message = Message(key, arguments)
    }
}
