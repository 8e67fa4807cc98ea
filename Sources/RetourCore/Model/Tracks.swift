import Foundation

/// Plan templates and the codes of the follow-up, from `Assets/tracks.json`. A new track or
/// step is a change of that file, not of the code.
public struct Tracks: Sendable {
    public struct StepTemplate: Codable, Hashable, Sendable {
        public let code: String
        /// Days from enrolment to the step's planned date.
        public let delayDays: Int
        /// `given` for a kit or grant, whose delivery records what was given.
        public let records: String?
    }

    public struct Track: Codable, Hashable, Sendable {
        public let code: String
        public let steps: [StepTemplate]
        /// Who the track is for; nil: everyone.
        public let eligibility: Eligibility?

        public init(code: String, steps: [StepTemplate], eligibility: Eligibility? = nil) {
            self.code = code
            self.steps = steps
            self.eligibility = eligibility
        }
    }

    public let tracks: [Track]
    /// The eight IASC criteria, in their order.
    public let criteria: [String]
    public let services: [String]
    public let closureReasons: [String]

    /// Every step code of the tracks, each once, in the order of the tracks and their steps
    /// (`training` is a step of two tracks).
    public var stepCodes: [String] {
        var seen = Set<String>()
        return tracks.flatMap(\.steps).map(\.code).filter { seen.insert($0).inserted }
    }

    public init(tracks: [Track], criteria: [String], services: [String], closureReasons: [String]) {
        self.tracks = tracks
        self.criteria = criteria
        self.services = services
        self.closureReasons = closureReasons
    }

    public init(assets: Assets) throws {
        struct File: Decodable {
            let tracks: [Track]
            let criteria: [String]
            let services: [String]
            let closureReasons: [String]
        }
        guard let data = try? Data(contentsOf: assets.url("tracks.json")) else {
            throw AssetError(file: "tracks.json", reason: "cannot be read")
        }
        guard let file = try? LineDecoder().decode(File.self, from: data) else {
            throw AssetError(file: "tracks.json", reason: "is not valid")
        }
        self.init(tracks: file.tracks, criteria: file.criteria, services: file.services, closureReasons: file.closureReasons)
    }

    /// Every track's eligibility, for `CaseBook.check` (through `Store.enrolmentRules`).
    public var enrolmentRules: EnrolmentRules {
        EnrolmentRules(Dictionary(tracks.compactMap { track in track.eligibility.map { (track.code, $0) } },
                                  uniquingKeysWith: { first, _ in first }))
    }

    public func track(_ code: String) -> Track? {
        tracks.first { $0.code == code }
    }

    /// A new plan for `track`, its steps planned from `enrolledOn` and the template's delays.
    public func plan(track code: String, id: UUID, enrolledOn: CalendarDate) -> Plan? {
        guard let track = track(code) else { return nil }
        let steps = track.steps.map { Step(code: $0.code, plannedOn: enrolledOn.adding(days: $0.delayDays)) }
        return Plan(id: id, track: code, enrolledOn: enrolledOn, steps: steps)
    }

    /// The track code named by a code or a label in either language.
    public func findTrack(_ text: String, catalogs: [Catalog]) -> Track? {
        let folded = Fold.key(text)
        return tracks.first { track in
            Fold.key(track.code) == folded || catalogs.contains { Fold.key($0.text("track.\(track.code)")) == folded }
        }
    }
}

extension CalendarDate {
    /// This date moved by `days` (negative goes back).
    public func adding(days: Int) -> CalendarDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let start = calendar.date(from: DateComponents(year: year, month: month, day: day))!
        let moved = calendar.date(byAdding: .day, value: days, to: start)!
        let parts = calendar.dateComponents([.year, .month, .day], from: moved)
        return CalendarDate(year: parts.year!, month: parts.month!, day: parts.day!)!
    }
}
