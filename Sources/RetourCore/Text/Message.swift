/// Something to tell the user, before translation: a catalogue key and the values it names.
/// Core code speaks in messages; only `Catalog` turns them into French or English.
public struct Message: Hashable, Sendable, CustomStringConvertible {
    public let key: String
    public let arguments: [String: String]

    public init(_ key: String, _ arguments: [String: String] = [:]) {
        self.key = key
        self.arguments = arguments
    }

    public var description: String {
        arguments.isEmpty ? key : "\(key) \(arguments.sorted { $0.key < $1.key })"
    }
}

/// An error whose explanation is meant for the user. Its message never holds personal data.
public protocol UserFacingError: Error {
    var message: Message { get }
}
