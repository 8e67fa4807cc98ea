import Foundation
import Testing
@testable import RetourApp
@testable import RetourCore
import RetourTUI

/// The fixed day every screen test runs on.
let testToday = CalendarDate(year: 2026, month: 11, day: 29)!

/// Catalogues and reference data, read once from the real assets.
struct Fixtures: Sendable {
    let english: Catalog
    let french: Catalog
    let reference: Reference

    static let loaded: Result<Fixtures, any Error> = Result {
        let assets = try Assets.locate()
        return Fixtures(english: try Catalog(language: .en, assets: assets),
                        french: try Catalog(language: .fr, assets: assets),
                        reference: try Reference(assets: assets))
    }

    static func get() throws -> Fixtures { try loaded.get() }

    func catalog(_ language: Language) -> Catalog { language == .fr ? french : english }
}

/// A person to register before the app starts, as a form or an import would type it.
struct Seed {
    let number: String
    let values: [ProfileField: String]

    /// Five people in four regions, registered in this order. Maïga and Touré are young enough
    /// for the youth track (15–35), in which the follow-up tests enrol them.
    static let standard: [Seed] = [
        Seed(number: "GAO-000001", values: [
            .familyName: "Maïga", .givenNames: "Aïssata", .sex: "F", .dateOfBirth: "1996-03-14",
            .phone: "76 11 22 33", .category: "idp_returnee", .householdSize: "6", .region: "Gao",
            .cercle: "Gao", .village: "Wabaria", .assignedTo: "awa.traore",
        ]),
        Seed(number: "TBK-000001", values: [
            .familyName: "Touré", .givenNames: "Hamadoun", .sex: "M", .age: "30",
            .category: "refugee_returnee", .region: "Tombouctou", .cercle: "Goundam", .village: "Kabara",
            .assignedTo: "awa.traore",
        ]),
        Seed(number: "MPT-000001", values: [
            .familyName: "Cissé", .givenNames: "Fatoumata", .sex: "F", .dateOfBirth: "1992-07-01",
            .category: "idp_returnee", .region: "Mopti", .village: "Sévaré", .assignedTo: "awa.traore",
        ]),
        Seed(number: "KDL-000001", values: [
            .familyName: "Ag Mohamed", .givenNames: "Moussa", .sex: "M", .dateOfBirth: "1975-05-05",
            .category: "host_community", .region: "Kidal", .village: "Etambar", .assignedTo: "awa.traore",
        ]),
        Seed(number: "GAO-000002", values: [
            .familyName: "Haïdara", .givenNames: "Zeïnabou", .sex: "F", .dateOfBirth: "2001-01-20",
            .phone: "65 40 50 60", .category: "idp_returnee", .region: "Gao", .cercle: "Ansongo",
            .village: "Sossokoira", .assignedTo: "awa.traore",
        ]),
    ]
}

/// A clock that stands still until moved.
final class TestClock: @unchecked Sendable {
    var now = Date(timeIntervalSince1970: 1_800_000_000)
}

/// One case manager over a store of its own in a new temporary directory, driven by scripted
/// keys into an in-memory terminal.
final class Harness {
    static let author = "awa.traore"

    let directory: URL
    let session: Session
    let store: Store
    let app: CaseManagerApp
    let terminal: MemoryTerminal
    /// A first session that holds the directory, when the app is the second one.
    let firstSession: Store?
    private(set) var seeded: [String: UUID] = [:]
    /// The app's clock: it moves only when a test says so (`wait`).
    let clock = TestClock()

    /// `secondSession`: another store on the same directory is opened first and kept open
    /// (`firstSession`): both may write. `readOnly`: the app's store is opened only to read.
    /// `fileSystem`: where the stores keep their files (a `SimulatedDisk` to make saving fail).
    /// `demo`: the directory is marked as a demonstration office before the seeds are registered.
    init(language: Language = .en, seeds: [Seed] = Seed.standard, secondSession: Bool = false, readOnly: Bool = false,
         width: Int = 80, height: Int = 24, fileSystem: FileSystem? = nil, demo: Bool = false,
         adjust: (inout CaseProfile) -> Void = { _ in }) throws {
        let fixtures = try Fixtures.get()
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("retour-screens-\(UUID().uuidString)", isDirectory: true)
        session = Session(dataDirectory: directory, author: Harness.author,
                          catalog: fixtures.catalog(language), reference: fixtures.reference)
        let writer = try Store(directory: directory, fileSystem: fileSystem)
        if demo { try writer.commit(.markDemo(DemoMark(seed: 1, cases: seeds.count)), as: .anyone(Harness.author)) }
        for seed in seeds {
            var profile = try ProfileDraft(seed.values).parse(reference: fixtures.reference, today: testToday).get()
            adjust(&profile)
            let id = UUID()
            try writer.commit(.register(id: id, number: seed.number, profile: profile), as: .anyone(Harness.author))
            seeded[seed.number] = id
        }
        if secondSession || readOnly {
            firstSession = writer
            store = try Store(directory: directory, write: !readOnly, fileSystem: fileSystem)
        } else {
            firstSession = nil
            store = writer
        }
        let clock = self.clock
        app = CaseManagerApp(session: session, store: store, clearance: .anyone(Harness.author), today: testToday,
                             now: { clock.now })
        terminal = MemoryTerminal(width: width, height: height)
        app.runUntilIdle(on: terminal)
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    var catalog: Catalog { session.catalog }

    // MARK: Driving

    func type(_ text: String) {
        terminal.type(text)
        app.runUntilIdle(on: terminal)
    }

    func send(_ keys: Key...) {
        for key in keys { terminal.send(key) }
        app.runUntilIdle(on: terminal)
    }

    func send(_ key: Key, times: Int) {
        for _ in 0..<times { terminal.send(key) }
        app.runUntilIdle(on: terminal)
    }

    /// Lets `seconds` pass on the app's clock.
    func wait(_ seconds: TimeInterval) {
        clock.now += seconds
    }

    func resize(width: Int, height: Int) {
        terminal.resize(width: width, height: height)
        app.runUntilIdle(on: terminal)
    }

    // MARK: Reading the screen

    var rows: [String] { terminal.rows }
    var text: String { terminal.text }
    var titleBar: String { rows[0] }
    var statusLine: String { rows[terminal.size.height - 2] }
    var footer: String { rows[terminal.size.height - 1] }

    /// The rows of the case list's table (under its header, above the alerts legend), empty
    /// ones left out.
    var listRows: [String] {
        Array(rows[3..<(terminal.size.height - 3)]).filter { !$0.isEmpty }
    }

    /// The list row marked as selected.
    var selectedListRow: String? {
        listRows.first { $0.hasPrefix(">") }
    }

    /// Index of the first row containing `text`.
    func row(containing text: String) -> Int? {
        rows.firstIndex { $0.contains(text) }
    }

    /// The row of a form field, found by its label at the start of the row.
    func formRow(_ label: String) -> Int? {
        rows.firstIndex { $0.dropFirst(2).hasPrefix(label) }
    }

    /// The problem written under a form field, if any.
    func issue(under label: String) -> String? {
        guard let row = issueRow(under: label) else { return nil }
        let next = rows[row]
        guard let arrow = next.range(of: "↳ ") else { return nil }
        return String(next[arrow.upperBound...])
    }

    /// The row of the problem under a form field: after the further lines of a field of
    /// several lines, before the next field.
    func issueRow(under label: String) -> Int? {
        guard let row = formRow(label) else { return nil }
        for next in (row + 1)..<min(rows.count, row + 1 + FieldForm.maximumLines) {
            if rows[next].contains("↳ ") { return next }
            // A label: the next field.
            if rows[next].dropFirst(2).first.map({ $0 != " " }) == true { return nil }
        }
        return nil
    }

    func formValue(_ label: String) -> String? {
        guard let row = formRow(label) else { return nil }
        // The value starts after the label column: two spaces past the label's padding.
        let line = rows[row]
        let labelEnd = line.index(line.startIndex, offsetBy: 2 + label.count)
        var rest = line[labelEnd...].trimmingCharacters(in: .whitespaces)
        if rest.hasPrefix("*") { rest.removeFirst() }
        if rest.hasSuffix("▾") { rest.removeLast() }
        return rest.trimmingCharacters(in: .whitespaces)
    }
}
