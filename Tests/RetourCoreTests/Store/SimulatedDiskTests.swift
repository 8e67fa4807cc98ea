#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import RetourCore
import RetourTestSupport

/// The simulated disk keeps what a kernel and a disk keep: the crash tests are only as good as it.
@Suite("SimulatedDisk: durability, power cuts and faults")
struct SimulatedDiskTests {
    let bytes = Array("0123456789".utf8)

    /// A disk with `/d` made durable.
    func disk() throws -> SimulatedDisk {
        let disk = SimulatedDisk()
        try disk.makeDirectory("/d", name: "d")
        try disk.syncDirectory("/", name: "/")
        return disk
    }

    func durable(_ writes: SimulatedDisk.UnsyncedWrites = .dropped,
                 _ entries: SimulatedDisk.UnsyncedEntries = .undone) -> SimulatedDisk.Crash {
        .init(writes: writes, entries: entries)
    }

    @Test func aWriteIsDurableOnlyOnceSynced() throws {
        let disk = try disk()
        let fd = try disk.open("/d/f", .create, name: "f")
        try disk.syncDirectory("/d", name: "d")
        try disk.write(fd, bytes, name: "f")
        #expect(disk.files["/d/f"] == bytes)
        #expect(disk.crash(durable(.dropped)).files["/d/f"] == [])
        #expect(disk.crash(durable(.kept)).files["/d/f"] == bytes)
        #expect(disk.crash(durable(.tornLast(.half))).files["/d/f"] == Array(bytes.prefix(5)))
        #expect(disk.crash(durable(.tornLast(.allButLastByte))).files["/d/f"] == Array(bytes.prefix(9)))
        #expect(disk.crash(durable(.tornLast(.firstByte))).files["/d/f"] == Array(bytes.prefix(1)))
        try disk.sync(fd, name: "f")
        #expect(disk.crash(durable(.dropped)).files["/d/f"] == bytes)
        #expect(disk.possibleCrashes == [durable()])
    }

    @Test func onlyTheLastWriteIsTorn() throws {
        let disk = try disk()
        let fd = try disk.open("/d/f", .append, name: "f")
        try disk.syncDirectory("/d", name: "d")
        try disk.write(fd, Array("abc".utf8), name: "f")
        try disk.write(fd, Array("defg".utf8), name: "f")
        #expect(disk.crash(durable(.tornLast(.half))).files["/d/f"] == Array("abcde".utf8))
        try disk.truncate(fd, to: 2, name: "f")
        #expect(disk.files["/d/f"] == Array("ab".utf8))
        // Tearing a write drops what followed it in that file.
        #expect(disk.crash(durable(.tornLast(.half))).files["/d/f"] == Array("abcde".utf8))
        #expect(disk.crash(durable(.kept)).files["/d/f"] == Array("ab".utf8))
    }

    @Test func aNewFileNeedsItsDirectorySynced() throws {
        let disk = try disk()
        let fd = try disk.open("/d/f", .create, name: "f")
        try disk.write(fd, bytes, name: "f")
        try disk.sync(fd, name: "f")
        #expect(disk.crash(durable()).files["/d/f"] == nil)
        #expect(disk.crash(durable(.dropped, .kept)).files["/d/f"] == bytes)
        try disk.syncDirectory("/d", name: "d")
        #expect(disk.crash(durable()).files["/d/f"] == bytes)
    }

    @Test func aRenameIsUndoneOrKept() throws {
        let disk = try disk()
        try disk.place(Array("old".utf8), at: "/d/target")
        let fd = try disk.open("/d/new", .create, name: "new")
        try disk.write(fd, Array("new".utf8), name: "new")
        try disk.sync(fd, name: "new")
        try disk.rename("/d/new", to: "/d/target", name: "target")
        #expect(disk.files == ["/d/target": Array("new".utf8)])
        #expect(disk.unsyncedEntryCount == 2)
        #expect(disk.crash(durable()).files == ["/d/target": Array("old".utf8)])
        // The creation reached the disk, the rename did not.
        #expect(disk.crash(durable(.dropped, .oldest(1))).files == ["/d/target": Array("old".utf8), "/d/new": Array("new".utf8)])
        #expect(disk.crash(durable(.dropped, .kept)).files == ["/d/target": Array("new".utf8)])
        try disk.syncDirectory("/d", name: "d")
        #expect(disk.crash(durable()).files == ["/d/target": Array("new".utf8)])
    }

    @Test func filesInADirectoryThatDidNotSurviveAreGone() throws {
        let disk = try disk()
        try disk.makeDirectory("/d/sub/deeper", name: "deeper")
        let fd = try disk.open("/d/sub/deeper/f", .create, name: "f")
        try disk.sync(fd, name: "f")
        try disk.syncDirectory("/d/sub/deeper", name: "deeper")
        try disk.syncDirectory("/d/sub", name: "sub")
        #expect(disk.crash(durable()).files.isEmpty)
        try disk.syncDirectory("/d", name: "d")
        #expect(disk.crash(durable()).files.keys.sorted() == ["/d/sub/deeper/f"])
    }

    @Test func hardLinksShareTheirContent() throws {
        let disk = try disk()
        try disk.place(bytes, at: "/d/f")
        #expect(disk.link("/d/f", to: "/d/g"))
        #expect(!disk.link("/d/f", to: "/d/g"))
        #expect(disk.crash(durable(.dropped, .kept)).files == ["/d/f": bytes, "/d/g": bytes])
        let fat = SimulatedDisk(hardLinks: false)
        try fat.place(bytes, at: "/f")
        #expect(!fat.link("/f", to: "/g"))
    }

    @Test func theWorldStopsAfterTheCountedOperations() throws {
        let disk = try disk()
        let start = disk.operationCount
        disk.crashAt(2)
        let fd = try disk.open("/d/f", .create, name: "f")
        try disk.write(fd, bytes, name: "f")
        #expect(disk.isStopped)
        #expect(throws: FileError(operation: .sync, file: "f", code: EIO)) { try disk.sync(fd, name: "f") }
        #expect(disk.operationCount - start == 2)
        #expect(disk.operations.suffix(2) == ["create f", "write f (10 bytes)"])
        // Reads still answer; nothing changes any more.
        #expect(disk.files["/d/f"] == bytes)
        #expect(!disk.link("/d/f", to: "/d/g"))
        disk.remove("/d/f")
        #expect(disk.exists("/d/f"))
    }

    @Test func faultsAreInjectedWhereAsked() throws {
        let disk = try disk()
        let fd = try disk.open("/d/f", .create, name: "f")
        disk.failAt(2, with: ENOSPC, partialWrite: true)
        try disk.write(fd, Array("ab".utf8), name: "f")
        #expect(throws: FileError(operation: .write, file: "f", code: ENOSPC)) { try disk.write(fd, bytes, name: "f") }
        #expect(disk.files["/d/f"] == Array("ab01234".utf8))
        try disk.write(fd, Array("!".utf8), name: "f")

        disk.fail([.sync, .rename], with: EIO)
        #expect(throws: FileError(operation: .sync, file: "f", code: EIO)) { try disk.sync(fd, name: "f") }
        #expect(throws: FileError(operation: .sync, file: "f", code: EIO)) { try disk.sync(fd, name: "f") }
        #expect(throws: FileError(operation: .rename, file: "g", code: EIO)) { try disk.rename("/d/f", to: "/d/g", name: "g") }
        #expect(disk.crash(durable(.dropped, .kept)).files["/d/f"] == [])
        disk.clearFaults()
        try disk.sync(fd, name: "f")
        try disk.rename("/d/f", to: "/d/g", name: "g")
        #expect(disk.files == ["/d/g": Array("ab01234!".utf8)])
    }

    @Test func aCopyIsIndependent() throws {
        let disk = try disk()
        try disk.place(bytes, at: "/d/f")
        let copy = disk.copy()
        disk.remove("/d/f")
        #expect(copy.files["/d/f"] == bytes)
        #expect(disk.files["/d/f"] == nil)
    }
}
