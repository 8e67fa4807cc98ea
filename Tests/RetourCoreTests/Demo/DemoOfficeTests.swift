import Foundation
import Testing
@testable import RetourCore
@testable import RetourDemo

@Suite("Demonstration office")
struct DemoOfficeTests {
    typealias F = CSVFixtures

    /// Cheap PIN hashes: the tests check the office, not scrypt.
    static let cheap = ScryptParameters(logN: 4, r: 1, p: 1)

    private func office(_ count: Int, seed: UInt64, in directory: URL) throws -> Store {
        let store = try Store(directory: directory)
        try DemoOffice.fill(store, mark: DemoMark(seed: seed, cases: count), reference: F.reference, assets: F.assets,
                            today: F.today, pinParameters: DemoOfficeTests.cheap)
        return store
    }

    @Test func theSameSeedAndDayGiveTheSameOffice() throws {
        try F.withDirectory { root throws in
            let first = try office(60, seed: 7, in: root.appendingPathComponent("a"))
            let second = try office(60, seed: 7, in: root.appendingPathComponent("b"))
            let other = try office(60, seed: 8, in: root.appendingPathComponent("c"))
            #expect(first.book.count == 60)
            #expect(try first.book.allCases() == second.book.allCases())
            #expect(try first.book.allCases() != other.book.allCases())
            #expect(first.book.users.all.map(\.login) == second.book.users.all.map(\.login))
            for store in [first, second, other] { try store.close() }
        }
    }

    @Test func theMarkIsInTheDirectorysOwnFilesAndSurvivesCompaction() throws {
        try F.withDirectory { root throws in
            let directory = root.appendingPathComponent("renamed-anything")
            let store = try office(30, seed: 2, in: directory)
            #expect(store.book.demo == DemoMark(seed: 2, cases: 30))
            // Before compaction: the journal's first line.
            #expect(DemoMark.read(directory: directory) == DemoMark(seed: 2, cases: 30))
            try store.close()
            // After: the snapshot's header.
            #expect(try String(contentsOf: directory.appendingPathComponent(Store.Files.snapshot), encoding: .utf8)
                .prefix(while: { $0 != "\n" }).contains("\"demo\""))
            #expect(DemoMark.read(directory: directory) == DemoMark(seed: 2, cases: 30))
            // A later session's compaction keeps it.
            let again = try Store(directory: directory)
            #expect(again.book.isDemo)
            let admin = try SignIn.attempt(login: "admin", pin: DemoOffice.pin, store: again)
            let id = try #require(again.reader(for: admin).digests.first?.id)
            try again.commit(.addNote(id: id, note: Note(id: UUID(), text: "Note de formation.", by: "admin", at: Date())), as: admin)
            try again.close()
            #expect(DemoMark.read(directory: directory) == DemoMark(seed: 2, cases: 30))
            #expect(try Store(directory: directory, write: false).book.isDemo)
        }
    }

    @Test func aRealDirectoryIsNeitherMarkedNorReadAsADemo() throws {
        try F.withDirectory { root throws in
            let store = try Store(directory: root)
            let anyone = try Clearance.withoutUsers("agent", book: store.book)
            try store.commit(.register(id: UUID(), number: "GAO-000001", profile: F.profile("Maïga", "Aïssata")), as: anyone)
            #expect(throws: ChangeError.forbidden(.demoOnRealData)) {
                try store.commit(.markDemo(DemoMark(seed: 1, cases: 1)), as: anyone)
            }
            #expect(throws: ChangeError.forbidden(.demoOnRealData)) { try store.eraseDemo() }
            try store.close()
            #expect(DemoMark.read(directory: root) == nil)
            #expect(try !Store(directory: root, write: false).book.isDemo)
        }
    }

    @Test func aDemoIsMarkedOnlyOnce() throws {
        try F.withDirectory { root throws in
            let store = try Store(directory: root)
            let anyone = try Clearance.withoutUsers("agent", book: store.book)
            try store.commit(.markDemo(DemoMark(seed: 1, cases: 1)), as: anyone)
            #expect(throws: ChangeError.forbidden(.demoOnRealData)) {
                try store.commit(.markDemo(DemoMark(seed: 2, cases: 1)), as: anyone)
            }
            try store.close()
        }
    }

    @Test func twoTeamsOfUsersWithTheDemoPINAndWorkForTheirSupervisors() throws {
        try F.withDirectory { root throws in
            let store = try office(200, seed: 1, in: root)
            let users = store.book.users.all
            #expect(users.first { $0.login == "admin" }?.role == .administrator)
            for team in ["gao", "tombouctou"] {
                #expect(users.contains { $0.role == .supervisor && $0.teams == [team] })
                #expect(users.filter { $0.role == .caseWorker && $0.teams == [team] }.count >= 2)
            }
            for user in users { #expect(user.pin.matches(DemoOffice.pin), "\(user.login)") }
            // Every case is assigned to a demo case worker.
            let admin = try SignIn.attempt(login: "admin", pin: DemoOffice.pin, store: store)
            let digests = store.reader(for: admin).digests
            let workers = Set(users.filter { $0.role == .caseWorker }.map(\.login))
            #expect(digests.allSatisfy { workers.contains($0.assignedTo) })
            // Closure requests wait in both supervisors' queues, each with a reason code.
            for supervisor in ["s.coulibaly", "k.sangare"] {
                let clearance = try SignIn.attempt(login: supervisor, pin: DemoOffice.pin, store: store)
                #expect(ApprovalQueue.decidableCount(reader: store.reader(for: clearance)) > 0, "\(supervisor)")
            }
            let requested = try store.book.allCases().filter { $0.status == .closureRequested }
            #expect(!requested.isEmpty)
            #expect(requested.allSatisfy { $0.closureRequestReason != nil })
            // A few reassignments, each within a team.
            #expect(digests.contains { $0.lastAssignment != nil })
            try store.close()
        }
    }

    @Test func marksOnFilesFromADemo() throws {
        let banner = "DEMO — fictitious data"
        #expect(DemoMarking.fileName("cases.csv") == "DEMO-cases.csv")
        #expect(DemoMarking.fileName("DEMO-cases.csv") == "DEMO-cases.csv")
        #expect(DemoMarking.fileURL(URL(fileURLWithPath: "/tmp/r.md")).path == "/tmp/DEMO-r.md")
        let csv = DemoMarking.csv(Data(CSVText.byteOrderMark) + Data("a;b\r\n1;2\r\n".utf8), banner: banner, separator: ";")
        #expect(csv == Data(CSVText.byteOrderMark) + Data("\(banner)\r\na;b\r\n1;2\r\n".utf8))
        #expect(String(decoding: DemoMarking.text(Data("Figures\n".utf8), banner: banner), as: UTF8.self) == "\(banner)\nFigures\n")
        let object = try DemoMarking.json(Data("{\n  \"title\" : \"x\"\n}".utf8), banner: banner)
        let decoded = try JSONSerialization.jsonObject(with: object) as? [String: Any]
        #expect(decoded?["demo"] as? String == banner)
        #expect(decoded?["title"] as? String == "x")
        #expect(String(decoding: object, as: UTF8.self).hasPrefix("{\"demo\":\"\(banner)\""))
        let array = try DemoMarking.json(Data("[\n{\"id\":1}\n]\n".utf8), banner: banner)
        let wrapped = try JSONSerialization.jsonObject(with: array) as? [String: Any]
        #expect(wrapped?["demo"] as? String == banner)
        #expect((wrapped?["cases"] as? [Any])?.count == 1)
        let empty = try DemoMarking.json(Data("{}".utf8), banner: banner)
        #expect((try JSONSerialization.jsonObject(with: empty) as? [String: Any])?["demo"] as? String == banner)
    }
}
