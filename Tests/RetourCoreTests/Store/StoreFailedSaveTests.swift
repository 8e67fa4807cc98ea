#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import RetourCore

@Suite("Store: a save that fails")
struct StoreFailedSaveTests {
    /// A write cut short (here by a file-size limit, as a full disk would) leaves no partial
    /// line behind: the failed change is not kept, and the next one is saved cleanly. Runs in a
    /// child process, since the limit applies to the whole process.
    @Test func partialLineIsTakenBack() async {
        await #expect(processExitsWith: .success) {
            signal(SIGXFSZ, SIG_IGN)
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("retour-test-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: root) }
            func check(_ condition: Bool, _ code: Int32) {
                guard !condition else { return }
                try? FileManager.default.removeItem(at: root)  // exit() skips the defer.
                exit(code)
            }

            let store = try Store(directory: root)
            try store.commit(.register(id: UUID(), number: "GAO-000001", profile: sampleProfile()), as: .anyone("awa"))
            let journal = fileURL(root, Store.Files.journal)
            let saved = try bytes(journal)

            var limit = rlimit()
            getrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &limit)
            let unlimited = limit
            limit.rlim_cur = rlim_t(saved.count + 40)
            check(setrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &limit) == 0, 10)
            let refused = UUID()
            do {
                try store.commit(.register(id: refused, number: "GAO-000002", profile: sampleProfile()), as: .anyone("awa"))
                check(false, 11)
            } catch let error as FileError {
                check(error.operation == .write && error.file == Store.Files.journal && error.code == EFBIG, 12)
            }
            check(try bytes(journal) == saved, 13)
            check(store.book.count == 1 && store.book.seq == 1 && store.book[refused] == nil, 14)
            check(store.journalLines == 1, 15)

            limit = unlimited
            check(setrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &limit) == 0, 16)
            let entry = try store.commit(.register(id: UUID(), number: "GAO-000002", profile: sampleProfile()), as: .anyone("awa"))
            check(entry.seq == 2, 17)
            check(try lines(journal).count == 2, 18)
            let reader = try Store(directory: root, write: false)
            check(reader.book.count == 2 && reader.droppedTornBytes == 0, 19)
            try store.close()
        }
    }
}
