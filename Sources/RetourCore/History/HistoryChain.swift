import Crypto
import Foundation

/// How the entries of the history are linked: the link of an entry is a digest of its stored
/// line (the bytes on disk, without the newline), and the next entry holds it as `previous`.
/// Editing, removing or moving a line then breaks the link that follows it.
///
/// In a plain directory the digest is SHA-256: anyone can recompute the chain, so only a head
/// written down elsewhere (`HistoryHead`) catches a history rewritten whole. In an encrypted
/// directory it is HMAC-SHA256 under `LineSealing.chainKey`: without the passphrase no one can
/// make a chain that verifies.
struct HistoryChain {
    /// The HMAC with its key already taken in, copied for each line (setting up the key costs
    /// more than hashing a short line); nil: plain SHA-256.
    private let keyed: HMAC<SHA256>?

    init(key: SymmetricKey?) {
        keyed = key.map { HMAC<SHA256>(key: $0) }
    }

    /// Length of a link in hex.
    static let linkLength = 64

    /// The link of a stored line: 64 lowercase hex digits, as ASCII bytes.
    func link(_ stored: ArraySlice<UInt8>) -> [UInt8] {
        stored.withUnsafeBytes { bytes in
            if var mac = keyed {
                mac.update(data: bytes)
                return HistoryChain.hex(mac.finalize())
            }
            return HistoryChain.hex(SHA256.hash(data: bytes))
        }
    }

    private static let digits = Array("0123456789abcdef".utf8)

    private static func hex<Bytes: ContiguousBytes>(_ digest: Bytes) -> [UInt8] {
        digest.withUnsafeBytes { bytes in
            var result = [UInt8](repeating: 0, count: bytes.count * 2)
            for (index, byte) in bytes.enumerated() {
                result[2 * index] = digits[Int(byte >> 4)]
                result[2 * index + 1] = digits[Int(byte & 0x0F)]
            }
            return result
        }
    }
}

/// The last bytes of an entry's JSON, read without decoding it: sorted keys put `position` and
/// `previous` last, `…,"position":12,"previous":"9f…"}`.
enum HistoryLine {
    /// The position and the range of `previous`'s value (0 or 64 lowercase hex digits) in
    /// `line`; nil when the line does not end that way.
    static func tail(_ line: ArraySlice<UInt8>) -> (position: Int, previous: Range<Int>)? {
        var end = line.endIndex
        /// Whether `literal` ends at `end`; moves `end` before it.
        func drop(_ literal: StaticString) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard end - line.startIndex >= count else { return false }
            let matches = literal.withUTF8Buffer { line[(end - count)..<end].elementsEqual($0) }
            if matches { end -= count }
            return matches
        }
        guard drop("\"}") else { return nil }
        let valueEnd = end
        while end > line.startIndex, valueEnd - end < HistoryChain.linkLength, isLowerHex(line[end - 1]) { end -= 1 }
        let previous = end..<valueEnd
        guard previous.isEmpty || previous.count == HistoryChain.linkLength, drop(",\"previous\":\"") else { return nil }
        let digitsEnd = end
        while end > line.startIndex, digitsEnd - end < 18, isDigit(line[end - 1]) { end -= 1 }
        let digits = line[end..<digitsEnd]
        guard let first = digits.first, first != UInt8(ascii: "0"), drop(",\"position\":") else { return nil }
        let position = digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        return (position, previous)
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private static func isLowerHex(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f"))
    }
}

/// What `HistoryFile.verify` found.
public struct HistoryVerification: Equatable, Sendable {
    /// The file as it is: how many complete lines it holds, and the link of the last one
    /// (what `HistoryFile.head()` returns), whether or not the chain holds.
    public var head: HistoryHead
    /// The first problem, in the order of the file; nil when the chain holds (and, given an
    /// expected head, the file still holds it).
    public var problem: HistoryProblem?
    /// Bytes after the last newline: an append a crash interrupted, never acknowledged, cut at
    /// the next append. Not a problem.
    public var tornBytes: Int

    public var isIntact: Bool { problem == nil }
}

/// Why a history cannot be trusted, naming entries by position (their line number) and never
/// their content.
public enum HistoryProblem: UserFacingError, Equatable, Sendable {
    /// The line does not open (altered, or sealed with another key) or does not end as an entry.
    case unreadable(position: Int)
    /// The line is longer than any entry may be.
    case tooLong(position: Int, limit: Int)
    /// A line in clear in an encrypted directory: written by someone without the data key.
    case inClear(position: Int)
    /// Entry `position` does not follow the one before it: one of the two was edited, or
    /// entries between them were removed or moved. For position 1: entries before it removed.
    case edited(position: Int)
    /// The file holds fewer entries than the head written down: its end was cut.
    case cut(expected: Int, found: Int)
    /// Entry `position` (the last one the head written down counts) is not the one recorded:
    /// the history was rewritten, or the head replaced.
    case rewritten(position: Int)

    /// The entry named, when there is one.
    public var position: Int? {
        switch self {
        case .unreadable(let position), .tooLong(let position, _), .inClear(let position), .edited(let position),
             .rewritten(let position):
            return position
        case .cut:
            return nil
        }
    }

    public var message: Message {
        let file = HistoryFile.fileName
        switch self {
        case .unreadable(let position):
            return Message("error.history.unreadable", ["file": file, "position": String(position)])
        case .tooLong(let position, let limit):
            return Message("error.history.tooLong", ["file": file, "position": String(position), "limit": String(limit)])
        case .inClear(let position):
            return Message("history.problem.inClear", ["file": file, "position": String(position)])
        case .edited(let position) where position == 1:
            return Message("history.problem.start", ["file": file])
        case .edited(let position):
            return Message("history.problem.edited",
                           ["file": file, "position": String(position), "previous": String(position - 1)])
        case .cut(let expected, let found):
            return Message("history.problem.cut", ["file": file, "expected": String(expected), "found": String(found)])
        case .rewritten(let position):
            return Message("history.problem.rewritten", ["file": file, "position": String(position)])
        }
    }
}

/// Why the history cannot be read or added to. Names the file and positions only.
public enum HistoryError: UserFacingError, Equatable {
    /// Entry `position` does not open or decode; nil: the last entry (read from the end, its
    /// position is what could not be read).
    case unreadable(position: Int?)
    /// A line longer than `limit` bytes: the file is damaged (no entry is that long).
    case tooLong(position: Int?, limit: Int)
    /// An entry to append would be longer than `limit` bytes once stored; nothing was written.
    case entryTooLong(limit: Int)

    public var message: Message {
        let file = HistoryFile.fileName
        switch self {
        case .unreadable(let position?):
            return Message("error.history.unreadable", ["file": file, "position": String(position)])
        case .unreadable(nil):
            return Message("error.history.unreadableLast", ["file": file])
        case .tooLong(let position?, let limit):
            return Message("error.history.tooLong", ["file": file, "position": String(position), "limit": String(limit)])
        case .tooLong(nil, let limit):
            return Message("error.history.tooLongLast", ["file": file, "limit": String(limit)])
        case .entryTooLong(let limit):
            return Message("error.history.entryTooLong", ["file": file, "limit": String(limit)])
        }
    }
}
