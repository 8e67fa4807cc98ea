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
    /// Cases held decoded: those decoded ahead of need (`prepare`) and the last ones read one at
    /// a time (`read`), so that saving the case a screen shows does not decode it again. The
    /// file never changes, so a case held stays true to its line.
    private var held: [UUID: Case] = [:]
    private let heldLock = NSLock()
    /// At most this many cases are held decoded.
    static let heldLimit = 512

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
        let wanted = ids.filter { id in contains(id) && !isHeld(id) }
        guard !wanted.isEmpty else { return }
        var decoded: [UUID: Case] = [:]
        for id in wanted.prefix(SnapshotLines.heldLimit) {
            if let item = try? decode(id) { decoded[id] = item }
        }
        hold(decoded)
    }

    /// Whether case `id` is held decoded (`held`).
    func isHeld(_ id: UUID) -> Bool {
        heldLock.withLock { held[id] != nil }
    }

    /// Case `id`, decoded from its line. `keeping`: held decoded for the next reading (a case
    /// read one at a time; not so when every case is read, which would only churn them).
    func read(_ id: UUID, keeping: Bool = true) throws -> Case {
        if let item = heldLock.withLock({ held[id] }) { return item }
        let item = try decode(id)
        if keeping { hold([id: item]) }
        return item
    }

    private func hold(_ cases: [UUID: Case]) {
        heldLock.withLock {
            // Dropped all at once when full: which were read last is not worth tracking.
            if held.count + cases.count > SnapshotLines.heldLimit { held = [:] }
            held.merge(cases) { _, new in new }
        }
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
