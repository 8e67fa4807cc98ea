import Foundation

/// One lesson of the guided tour of a demonstration office, as `Assets/tour.json` lists them:
/// its texts are the catalogue's `tour.<id>.title`, `tour.<id>.do` and `tour.<id>.keys`, and
/// `done` the state of the case manager that completes it (checked by the case manager).
public struct TourLesson: Decodable, Hashable, Sendable {
    /// What the case manager shows once the lesson is done.
    public enum Completion: String, Decodable, Hashable, Sendable {
        /// Text typed in the list's search.
        case searchTyped = "search_typed"
        /// A case open.
        case caseOpen = "case_open"
        /// The dashboard open.
        case dashboardOpen = "dashboard_open"
    }

    public let id: String
    public let done: Completion

    public var titleKey: String { "tour.\(id).title" }
    public var instructionKey: String { "tour.\(id).do" }
    public var keysKey: String { "tour.\(id).keys" }

    public static let file = "tour.json"

    /// The lessons, in order.
    public static func load(assets: Assets) throws -> [TourLesson] {
        struct File: Decodable { let lessons: [TourLesson] }
        guard let data = try? Data(contentsOf: assets.url(file)) else { throw AssetError(file: file, reason: "cannot be read") }
        guard let lessons = try? JSONDecoder().decode(File.self, from: data).lessons, !lessons.isEmpty else {
            throw AssetError(file: file, reason: "is not valid")
        }
        return lessons
    }
}
