/// How each line of a data file (snapshot, journal, index) is stored on disk: as it is, or
/// sealed with the directory's data key. Lines in and out carry no newline.
public protocol LineSealing: Sendable {
    /// Whether lines are encrypted (what `retour check` reports).
    var isEncrypted: Bool { get }
    func seal(_ line: [UInt8]) throws -> [UInt8]
    /// Throws `SealingError.damaged` when the line was altered or sealed with another key.
    func open(_ stored: ArraySlice<UInt8>) throws -> [UInt8]
}

/// Lines stored as they are: a plain data directory.
public struct PlainLines: LineSealing {
    public init() {}
    public var isEncrypted: Bool { false }
    public func seal(_ line: [UInt8]) throws -> [UInt8] { line }
    public func open(_ stored: ArraySlice<UInt8>) throws -> [UInt8] { Array(stored) }
}
