import Foundation

/// Where each case of a snapshot lies in its file, to read one case when it is needed
/// (opening it, changing it) and to copy unchanged cases as they are into the next snapshot.
///
/// Holds the snapshot open: the store replaces the file by renaming a new one over it, and
/// this one keeps reading the file it opened. Read-only after creation; reads use `pread`,
/// which is safe from several threads.
public final class SnapshotLines: @unchecked Sendable {
    /// A case's stored line: its first byte, its length without the newline, and its number
    /// in the file (from 1, the header being line 1), for messages.
    public struct Location: Sendable, Equatable {
        public let offset: Int
        public let length: Int
        public let line: Int
    }

    let disk: FileSystem
    let fd: Int32
    let name: String
    let sealing: LineSealing
    private let locations: [UUID: Location]
    /// Cases decoded ahead of need (`prepare`), each handed out once by `read`.
    private var prepared: [UUID: Case] = [:]
    private let preparedLock = NSLock()
    /// At most this many cases are held prepared.
    static let preparedLimit = 512

    init(disk: FileSystem, fd: Int32, name: String, sealing: LineSealing, locations: [UUID: Location]) {
        self.disk = disk
        self.fd = fd
        self.name = name
        self.sealing = sealing
        self.locations = locations
    }

    deinit { disk.close(fd) }

    func contains(_ id: UUID) -> Bool { locations[id] != nil }

    /// The line of case `id` as stored (sealed when the directory is encrypted).
    func storedLine(_ id: UUID) throws -> [UInt8] {
        guard let location = locations[id] else { throw SnapshotFile.Failure(line: 0, reason: "error.parse.rules") }
        return try storedLine(at: location)
    }

    func storedLine(at location: Location) throws -> [UInt8] {
        let bytes = try disk.read(fd, at: location.offset, count: location.length, name: name)
        guard bytes.count == location.length else {
            throw SnapshotFile.Failure(line: location.line, reason: "error.parse.truncated")
        }
        return bytes
    }

    /// Decodes the cases `ids` now, so that `read` hands them out without decoding: done
    /// before the commit lock is taken, for the cases the lines others appended change.
    /// Unreadable lines are left for `read` to report.
    func prepare(_ ids: [UUID]) {
        let wanted = ids.filter { id in contains(id) && preparedLock.withLock { prepared[id] == nil } }
        guard !wanted.isEmpty else { return }
        var decoded: [UUID: Case] = [:]
        for id in wanted.prefix(SnapshotLines.preparedLimit) {
            if let item = try? decode(id) { decoded[id] = item }
        }
        preparedLock.withLock {
            if prepared.count + decoded.count > SnapshotLines.preparedLimit { prepared = [:] }
            prepared.merge(decoded) { _, new in new }
        }
    }

    /// Whether case `id` is held decoded, ahead of its reading.
    func isPrepared(_ id: UUID) -> Bool {
        preparedLock.withLock { prepared[id] != nil }
    }

    /// Case `id`, decoded from its line.
    func read(_ id: UUID) throws -> Case {
        if let item = preparedLock.withLock({ prepared.removeValue(forKey: id) }) { return item }
        return try decode(id)
    }

    private func decode(_ id: UUID) throws -> Case {
        guard let location = locations[id] else { throw SnapshotFile.Failure(line: 0, reason: "error.parse.rules") }
        let stored = try storedLine(at: location)
        let item = try SnapshotFile.decodeCase(stored[...], sealing: sealing, line: location.line)
        // The index said this line holds this case; anything else means the file changed
        // under the index.
        guard item.id == id else { throw SnapshotFile.Failure(line: location.line, reason: "error.parse.changing") }
        return item
    }
}
