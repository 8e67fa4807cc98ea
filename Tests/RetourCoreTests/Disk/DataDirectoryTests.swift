import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import RetourCore
import RetourTestSupport

/// Which directories may hold the data (owned by the user alone, as OpenSSH's StrictModes asks
/// of `~/.ssh`), and how the store meets a directory it may not make or may only read.
@Suite struct DataDirectoryTests {
    private func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("retour-dir-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        chmod(url.path, 0o755)
        return url
    }

    private func mode(_ url: URL) -> mode_t {
        var info = stat()
        lstat(url.path, &info)
        return info.st_mode & 0o7777
    }

    @Test func ownDirectoryWritableByOthersIsRefusedAndLeftAsItIs() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let data = root.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        chmod(data.path, 0o770)
        #expect(throws: DataDirectory.Refusal.writableByOthers(path: data.path, mode: "0770")) {
            try Store(directory: data)
        }
        #expect(mode(data) == 0o770)
        #expect(try FileManager.default.contentsOfDirectory(atPath: data.path).isEmpty)
    }

    @Test func aDirectoryAboveThatOthersCanWriteIsRefusedUnlessRootsAndSticky() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let parent = root.appendingPathComponent("open")
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        chmod(parent.path, 0o777)
        let data = parent.appendingPathComponent("data")
        #expect(throws: DataDirectory.Refusal.parentWritableByOthers(path: parent.path, mode: "0777")) {
            try Store(directory: data)
        }
        #expect(!FileManager.default.fileExists(atPath: data.path))
        // The system's temporary directory (root's, sticky) is fine: nobody can swap our entries.
        try DataDirectory.verify(root.path)
    }

    @Test func aFolderOfOtherFilesIsNotMadeADataDirectory() throws {
        let disk = try Simulated.emptyDisk()
        try disk.makeDirectory(Simulated.directory.path, name: "data")
        try disk.place(Array("letter".utf8), at: Simulated.directory.appendingPathComponent("letter.txt").path)
        let before = disk.operationCount
        #expect(throws: DataDirectory.Refusal.notEmpty(path: Simulated.directory.path)) {
            try Simulated.open(disk)
        }
        #expect(disk.operationCount == before)
        #expect(disk.files.keys.sorted() == [Simulated.directory.appendingPathComponent("letter.txt").path])
        // Reading it is harmless: an empty book.
        #expect(try Simulated.open(disk, write: false).book.count == 0)
    }

    @Test func aReadOnlyDiskOpensReadOnlyWithoutWritingAnything() throws {
        let disk = try Simulated.emptyDisk()
        let writer = try Simulated.open(disk)
        try register(writer, sampleProfile())
        try writer.close()
        disk.readOnly = true
        let before = disk.operationCount
        let store = try Simulated.open(disk)
        #expect(store.readOnlyReason == .readOnlyDirectory)
        #expect(store.book.count == 1)
        #expect(disk.operationCount == before)
        #expect(throws: StoreError.readOnlyDirectory) { try register(store, sampleProfile("Touré", "Awa")) }
        try store.close()
        #expect(disk.operationCount == before)
    }

    @Test func theDiskNeverFollowsALinkInTheDataDirectory() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let data = root.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        chmod(data.path, 0o700)
        let target = root.appendingPathComponent("precious")
        try Data("precious".utf8).write(to: target)
        let link = data.appendingPathComponent(Store.Files.journal)
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: target.path)
        let disk = try Disk(dataDirectory: data.path)
        #expect(disk.isSymbolicLink(link.path))
        for mode in [OpenMode.read, .append, .write] {
            #expect(throws: FileError(operation: mode == .read ? .read : .open, file: Store.Files.journal, code: ELOOP)) {
                try disk.open(link.path, mode, name: Store.Files.journal)
            }
        }
        #expect(throws: FileError(operation: .open, file: Store.Files.journal, code: ELOOP)) { try Store(directory: data) }
        // Replaced or removed, the link goes, never what it points to.
        let fd = try disk.open(data.appendingPathComponent("new").path, .create, name: "new")
        disk.close(fd)
        try disk.rename(data.appendingPathComponent("new").path, to: link.path, name: Store.Files.journal)
        #expect(!disk.isSymbolicLink(link.path))
        try FileManager.default.removeItem(at: link)
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: target.path)
        disk.remove(link.path)
        #expect(!FileManager.default.fileExists(atPath: link.path))
        #expect(try Data(contentsOf: target) == Data("precious".utf8))
    }

    @Test func backupsThatIsALinkIsNeitherMadeNorListed() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let data = root.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        chmod(data.path, 0o700)
        let elsewhere = root.appendingPathComponent("photos")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        chmod(elsewhere.path, 0o755)
        try Data("x".utf8).write(to: elsewhere.appendingPathComponent("snapshot-000000001-x.jsonl"))
        let backups = data.appendingPathComponent(Store.Files.backups)
        try FileManager.default.createSymbolicLink(atPath: backups.path, withDestinationPath: elsewhere.path)
        let disk = try Disk(dataDirectory: data.path)
        #expect(!disk.isDirectory(backups.path))
        #expect(disk.contents(of: backups.path).isEmpty)
        #expect(throws: FileError(operation: .create, file: Store.Files.backups, code: ELOOP)) {
            try disk.makeDirectory(backups.path, name: Store.Files.backups)
        }
        disk.remove(backups.path + "/snapshot-000000001-x.jsonl")
        #expect(mode(elsewhere) == 0o755)
        #expect(FileManager.default.fileExists(atPath: elsewhere.appendingPathComponent("snapshot-000000001-x.jsonl").path))
    }
}
