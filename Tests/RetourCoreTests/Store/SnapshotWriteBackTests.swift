import Foundation
import Testing
@testable import RetourCore
import RetourTestSupport

/// A large snapshot is put on the disk in steps as it is written (`FileSystem.writeBack`), so
/// that other sessions' fsyncs do not wait behind all of it; a step that fails fails the write.
@Suite("Snapshot: written back to the disk in steps")
struct SnapshotWriteBackTests {
    static func book(cases count: Int) throws -> CaseBook {
        let stamp = Stamp(by: "awa", at: Date(timeIntervalSince1970: 1_790_000_000))
        let cases = (0..<count).map { index in
            Case(id: UUID(), number: String(format: "GAO-%06d", index + 1), profile: sampleProfile("Keïta", "Bintou\(index)"),
                 status: .registered, created: stamp, updated: stamp, version: 1)
        }
        return try CaseBook(cases: cases, seq: count)
    }

    @Test func aLargeSnapshotIsWrittenBackInSteps() throws {
        let disk = SimulatedDisk()
        let session = SessionDisk(disk)
        try disk.makeDirectory("/data", name: "data")
        let book = try Self.book(cases: 6_000)
        let fd = try session.open("/data/snapshot.jsonl.tmp", .create, name: "snapshot.jsonl.tmp")
        let contents = try SnapshotFile.write(book, to: fd, on: session, name: "snapshot.jsonl.tmp", sealing: PlainLines(),
                                              writeBackStep: 1 << 20)
        let size = try session.size(fd, name: "snapshot.jsonl.tmp")
        #expect(size > 3 << 20)
        #expect(session.writeBacks >= size / (2 << 20))
        #expect(contents.digests.count == 6_000)
        let read = try SnapshotFile.read(try session.read(fd, at: 0, count: size, name: "snapshot.jsonl.tmp"), sealing: PlainLines())
        #expect(read.digests.map(\.number) == contents.digests.map(\.number))
    }

    @Test func aStepThatFailsFailsTheWrite() throws {
        let disk = SimulatedDisk()
        let session = SessionDisk(disk)
        try disk.makeDirectory("/data", name: "data")
        let fd = try session.open("/data/snapshot.jsonl.tmp", .create, name: "snapshot.jsonl.tmp")
        let book = try Self.book(cases: 6_000)
        session.writeBackFault = EIO
        #expect(throws: FileError(operation: .sync, file: "snapshot.jsonl.tmp", code: EIO)) {
            try SnapshotFile.write(book, to: fd, on: session, name: "snapshot.jsonl.tmp", sealing: PlainLines(), writeBackStep: 1 << 20)
        }
    }
}
