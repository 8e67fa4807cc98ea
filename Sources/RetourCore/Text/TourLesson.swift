import Foundation

/// One lesson of the guided tour of a demonstration office, as `Assets/tour.json` lists them:
/// its texts are the catalogue's `tour.<id>.title`, `tour.<id>.do` and `tour.<id>.keys`, `done`
/// the state of the office or of the case manager that completes it (checked by the case
/// manager), and `show` the keys "show me" presses, one every tick (`TourScript`).
public struct TourLesson: Decodable, Hashable, Sendable {
    /// What the office, or the case manager, shows once the lesson is done. "The worker", "the
    /// supervisor": the tour's cast (`TourCast`); "the person": a case of the worker's the
    /// tour chose; "the newcomer": the person the trainee registers, of the same name.
    public enum Completion: String, Decodable, Hashable, Sendable, CaseIterable {
        /// Signed in as the worker.
        case signedInWorker = "signed_in_worker"
        /// The list's search finds the person.
        case personFound = "person_found"
        /// Every tab of the person's case shown.
        case tabsRead = "tabs_read"
        /// The newcomer registered.
        case registered
        /// The newcomer enrolled in the youth entrepreneurship track.
        case enrolled
        /// The newcomer's training step done.
        case trainingDone = "training_done"
        /// The newcomer's rights assessed, with at least two gaps.
        case twoGaps = "two_gaps"
        /// The newcomer referred for one of their gaps.
        case referredForGap = "referred_for_gap"
        /// A note on the newcomer's case.
        case noteWritten = "note_written"
        /// The newcomer's closure requested.
        case closureRequested = "closure_requested"
        /// The newcomer's case closed on the supervisor's approval.
        case closureApproved = "closure_approved"
        /// The dashboard open at its durable-solutions gap.
        case solutionsGap = "solutions_gap"
        /// The person's case given to another worker.
        case reassigned
    }

    public let id: String
    public let done: Completion
    /// "Show me": the lesson's keys as words (`TourScript`).
    public let show: [String]

    public var titleKey: String { "tour.\(id).title" }
    public var instructionKey: String { "tour.\(id).do" }
    public var keysKey: String { "tour.\(id).keys" }

    public static let file = "tour.json"

    /// Who the lessons sign in as (logins of `Assets/demo-names.json`).
    public struct Cast: Decodable, Hashable, Sendable {
        public let worker: String
        public let supervisor: String
    }

    /// The lessons, in order, and their cast.
    public static func loadTour(assets: Assets) throws -> (lessons: [TourLesson], cast: Cast) {
        struct File: Decodable {
            let cast: Cast
            let lessons: [TourLesson]
        }
        guard let data = try? Data(contentsOf: assets.url(file)) else { throw AssetError(file: file, reason: "cannot be read") }
        guard let tour = try? LineDecoder().decode(File.self, from: data), !tour.lessons.isEmpty,
              Set(tour.lessons.map(\.id)).count == tour.lessons.count else {
            throw AssetError(file: file, reason: "is not valid")
        }
        return (tour.lessons, tour.cast)
    }

    /// The lessons, in order.
    public static func load(assets: Assets) throws -> [TourLesson] {
        try loadTour(assets: assets).lessons
    }
}
