import Foundation
import Testing
@testable import RetourCore
import RetourTestSupport

/// The long loops of export, check and encryption tell their progress through a callback: a
/// count that grows, step by step, up to the total known before the step began. No clock: what
/// is checked is what is counted, not when.
@Suite("Progress of the long core work")
struct CoreProgressTests {
    typealias F = CSVFixtures

    /// More than two rounds of cases read in parallel (2 048 each).
    static let count = 5_000

    /// A directory of `count` distinct people, imported in one batch and compacted.
    func directory(_ root: URL) throws -> URL {
        let data = root.appendingPathComponent("data")
        let families = ["Maïga", "Touré", "Cissé", "Haïdara", "Dicko", "Diallo", "Traoré", "Kounta"]
        let rows = (0..<Self.count).map { row in
            "\(families[row % families.count]);Aïssata \(row);F;19\(50 + row % 50)-0\(1 + row % 9)-1\(row % 10);PDI retourné;Gao"
        }
        let plan = try F.plan(["nom;prénoms;sexe;date_naissance;catégorie;région"] + rows,
                              options: .init(skipInvalid: true, allowDuplicates: true, dryRun: false))
        let store = try Store(directory: data)
        var result = try CSVImport.run(plan, store: store, reference: F.reference, catalog: F.english,
                                       clearance: .anyone("awa"), rejectedFile: nil)
        try CSVImport.close(store, after: &result)
        #expect(result.imported.count == Self.count)
        return data
    }

    /// Whether `counts` start at 0, never go back, and end at `total`, in at least `calls` calls.
    func grows(_ counts: [Int], to total: Int, calls: Int = 3) -> Bool {
        counts.count >= calls && counts.first == 0 && zip(counts, counts.dropFirst()).allSatisfy { $0 <= $1 } && counts.last == total
    }

    /// A history's steps count once per chunk read (4 MiB in a store): these small histories
    /// are one chunk, told at 0 and at its end. Smaller chunks below.
    func grows(_ step: ProgressStep, _ counts: [Int]) -> Bool {
        grows(counts, to: step.total, calls: step.unit == .bytes ? 2 : 3)
    }

    /// The steps reported, in order, each with the counts told for it.
    func steps(_ reports: [(ProgressStep, Int)]) -> [(step: ProgressStep, counts: [Int])] {
        var steps: [(step: ProgressStep, counts: [Int])] = []
        for (step, done) in reports {
            if steps.last?.step == step { steps[steps.count - 1].counts.append(done) } else { steps.append((step, [done])) }
        }
        return steps
    }

    func historySize(_ data: URL) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: data.appendingPathComponent(HistoryFile.fileName).path)[.size] as? Int)
    }

    /// Quitting after an edit folds the journal into a new snapshot: the case manager says how far.
    @Test func closingCountsTheSnapshotLinesWritten() throws {
        try F.withDirectory { root in
            let data = try directory(root)
            let store = try Store(directory: data)
            let first = try #require(store.book.digests.first)
            var profile = try #require(store.book[first.id]).profile
            profile.village = "Château"
            try store.commit(.editProfile(id: first.id, expectedVersion: try #require(store.book[first.id]).version, profile: profile),
                             as: .anyone("awa"))
            var counts: [Int] = []
            let total = store.compactionLines
            try store.close { counts.append($0) }
            #expect(total == Self.count)
            #expect(counts.count > 2 && counts == counts.sorted() && counts.last == total, "\(counts.prefix(5))…\(counts.suffix(2))")
        }
    }

    @Test func readingEveryCaseCountsRoundsUpToTheTotal() throws {
        try F.withDirectory { root throws in
            let store = try Store(directory: try directory(root), write: false)
            var counts: [Int] = []
            let cases = try store.reader(for: .anyone("awa")).allCases { counts.append($0) }
            #expect(cases.count == Self.count)
            #expect(grows(counts, to: Self.count), "\(counts)")
            #expect(try store.reader(for: .anyone("awa")).allCases() == cases, "the same cases, with or without a count")
        }
    }

    @Test func exportCountsCasesWrittenAndWritesTheSameBytes() throws {
        try F.withDirectory { root throws in
            let store = try Store(directory: try directory(root), write: false)
            let cases = try store.book.allCases()
            var counts: [Int] = []
            let files = try CSVExport.tables(cases, reference: F.reference, today: F.today, separator: ";") { counts.append($0) }
            #expect(grows(counts, to: Self.count), "\(counts)")
            // What one pass per table writes, as before the tables were built part by part.
            for (table, file) in zip(CSVExport.Table.allCases, files) {
                let records = CSVExport.records(table, cases, reference: F.reference, today: F.today)
                let whole = CSVText.encode([records[0]] + records.dropFirst().map { $0.map(CSVExport.guarded) }, separator: ";",
                                           byteOrderMark: true)
                #expect(file.data == whole, "\(table)")
            }
            counts = []
            _ = try CSVExport.json(cases) { counts.append($0) }
            #expect(grows(counts, to: Self.count), "\(counts)")
        }
    }

    @Test func checkCountsCasesThenHistoryBytes() throws {
        try F.withDirectory { root throws in
            let data = try directory(root)
            let size = try historySize(data)
            var reports: [(ProgressStep, Int)] = []
            let check = DataCheck.run(directory: data, reference: F.reference, progress: { reports.append(($0, $1)) })
            #expect(check.isOK, "\(check.findings)")
            let steps = steps(reports)
            #expect(steps.map(\.step) == [DataCheck.casesStep(Self.count), HistoryFile.verifyStep(size)])
            for (step, counts) in steps { #expect(grows(step, counts), "\(step.task): \(counts)") }

            // Read twice against a head written down: one step, twice the bytes.
            reports = []
            let head = try #require(check.historyHead)
            _ = DataCheck.run(directory: data, reference: F.reference, expectedHead: head, progress: { reports.append(($0, $1)) })
            let twice = self.steps(reports)
            #expect(twice.map(\.step) == [DataCheck.casesStep(Self.count), HistoryFile.verifyStep(2 * size)])
            #expect(grows(twice.last?.counts ?? [], to: 2 * size, calls: 4), "\(twice.last?.counts ?? [])")
        }
    }

    @Test func encryptingCountsHistoryVerifiedAndSealedThenCasesSealed() throws {
        try F.withDirectory { root throws in
            let data = try directory(root)
            let size = try historySize(data)
            var reports: [(ProgressStep, Int)] = []
            try Encryption.protect(data, passphrase: EncryptedStoreTests.passphrase, user: "awa",
                                   parameters: EncryptedStoreTests.fast, progress: { reports.append(($0, $1)) })
            let steps = steps(reports)
            #expect(steps.map(\.step) == [HistoryFile.verifyStep(size), HistoryFile.resealStep(size), Encryption.casesStep(Self.count)])
            for (step, counts) in steps { #expect(grows(step, counts), "\(step.task): \(counts)") }
            let check = DataCheck.run(directory: data, reference: F.reference) { EncryptedStoreTests.passphrase }
            #expect(check.isOK && check.caseCount == Self.count, "\(check.findings)")
        }
    }

    @Test func everyStepIsWordedInBothLanguages() {
        let steps = [DataCheck.casesStep(1), HistoryFile.verifyStep(1), HistoryFile.resealStep(1), Encryption.casesStep(1)]
        for catalog in [F.english, F.french] {
            for task in steps.map(\.task) + ["progress.task.read", "progress.task.export"] {
                #expect(catalog.text(task) != task, "\(task)")
            }
        }
    }

    @Test func theHistoryIsCountedChunkByChunkWhenVerifiedAndSealedAgain() throws {
        let (disk, written) = try HistoryFixture.history(40)
        let size = HistoryFixture.bytes(disk).count
        let file = HistoryFixture.file(disk, chunk: 200)
        var counts: [Int] = [], totals: Set<Int> = []
        let verification = try file.verify { done, total in
            totals.insert(total)
            counts.append(done)
        }
        #expect(verification.problem == nil && totals == [size])
        // Once per chunk that ends a line: most of them here.
        #expect(grows(counts, to: size, calls: size / 1_000), "\(counts)")
        #expect(try written.verify() == file.verify(), "the same verification with or without a count")

        counts = []
        totals = []
        try HistoryFixture.file(disk, HistoryFixture.sealed(), chunk: 200).reseal { done, total in
            totals.insert(total)
            counts.append(done)
        }
        #expect(totals == [size])
        #expect(grows(counts, to: size, calls: size / 1_000), "\(counts)")
    }
}
