import Foundation
import Testing
@testable import RetourApp
@testable import RetourCore
import RetourTUI

/// A demonstration office shows its banner on every screen, on the one row no overlay covers;
/// a real directory never shows it.
@Suite("Demo banner")
struct DemoBannerTests {
    /// Every screen and overlay the keys reach from the list, each drawn at 80x24 (with how it
    /// was reached, to name a failure).
    private func everyScreen(_ harness: Harness) -> [(String, [String])] {
        var seen: [(String, [String])] = []
        func look(_ name: String) { seen.append((name, harness.rows)) }
        look("list")
        harness.send(.character("?")); look("help"); harness.send(.escape)
        harness.send(.character("f")); look("filters"); harness.send(.escape)
        harness.send(.character("/")); look("search"); harness.send(.escape)
        harness.send(.character("d")); look("dashboard"); harness.send(.escape)
        harness.send(.character("w")); look("caseload"); harness.send(.escape)
        harness.send(.character("A")); look("approvals"); harness.send(.escape)
        harness.send(.character("h")); look("audit"); harness.send(.escape)
        harness.send(.character("a")); look("assign"); harness.send(.escape)
        harness.send(.character("n")); look("new case form"); harness.send(.function(10)); look("discard or quit")
        harness.send(.escape)
        harness.send(.enter); look("case")
        for tab in 2...7 {
            harness.send(.character(Character(String(tab)))); look("case tab \(tab)")
        }
        harness.send(.character("e")); look("case edit")
        harness.send(.escape)
        harness.send(.escape)
        harness.resize(width: 60, height: 20); look("too small")
        harness.resize(width: 80, height: 24)
        return seen
    }

    @Test(arguments: [Language.en, .fr])
    func everyScreenOfADemoShowsTheBanner(language: Language) throws {
        let harness = try Harness(language: language, demo: true)
        let banner = harness.catalog.text("demo.banner")
        #expect(banner == (language == .fr ? "DÉMO — données fictives" : "DEMO — fictitious data"))
        let screens = everyScreen(harness)
        #expect(screens.count > 15)
        for (name, rows) in screens {
            #expect(rows.contains { $0.contains(banner) }, "\(name):\n\(rows.joined(separator: "\n"))")
        }
        // On the title bar, which overlays never cover: the same row on every screen but the too-small one.
        for (name, rows) in screens where name != "too small" {
            #expect(rows[0].hasPrefix(" " + banner), "\(name): \(rows[0])")
        }
    }

    /// The conflict screen, reached only when another session saved the same field.
    @Test(arguments: [Language.en, .fr])
    func theConflictScreenOfADemoShowsTheBanner(language: Language) throws {
        let harness = try Harness(language: language, secondSession: true, demo: true)
        try ConflictScreenTests.editWhileTheyEdit(harness)
        #expect(harness.rows[0].hasPrefix(" " + harness.catalog.text("demo.banner")), "\(harness.rows[0])")
        #expect(harness.rows.joined().contains("65 99 99 99"), "\(harness.text)")
    }

    @Test func aRealDirectoryShowsNoBanner() throws {
        let harness = try Harness(language: .en)
        for (name, rows) in everyScreen(harness) {
            #expect(!rows.contains { $0.contains("DEMO") }, "\(name)")
        }
    }

    /// A demo with users: the sign-in screen shows the banner and the demo PIN (the one place a
    /// PIN is shown), the locked screen the banner; a real directory's sign-in shows no PIN.
    @Test(arguments: [Language.en, .fr])
    func theSignInAndLockedScreensOfADemo(language: Language) throws {
        let fixtures = try Fixtures.get()
        let catalog = fixtures.catalog(language)
        let banner = catalog.text("demo.banner")
        for demo in [true, false] {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("retour-demo-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let store = try Store(directory: directory)
            let setUp = Clearance.anyone("setup")
            if demo { try store.commit(.markDemo(DemoMark(seed: 1, cases: 0)), as: setUp) }
            let hash = try PINHash.make(DemoMark.pin, parameters: SignInScreenTests.quickHash)
            try store.commit(.addUser(User(login: "admin", name: "Awa Diarra", role: .administrator, teams: [], pin: hash)), as: setUp)
            let prompt = SignInPrompt(catalog: catalog, store: store, author: "admin")
            let signIn = prompt.render(size: Size(width: 80, height: 24)).rows
            #expect(signIn[0].contains(banner) == demo, "\(signIn[0])")
            #expect(signIn.contains { $0.contains(DemoMark.pin) } == demo, "\(signIn.joined(separator: "\n"))")

            let clearance = try SignIn.attempt(login: "admin", pin: DemoMark.pin, store: store)
            final class Clock { var now = Date() }
            let clock = Clock()
            let app = CaseManagerApp(session: Session(dataDirectory: directory, author: "admin", catalog: catalog,
                                                      reference: fixtures.reference),
                                     store: store, clearance: clearance, today: testToday, lockAfter: 60, now: { clock.now })
            let terminal = MemoryTerminal(width: 80, height: 24)
            app.runUntilIdle(on: terminal)
            clock.now += 61
            #expect(app.lockIfIdle())
            terminal.present(app.render(size: terminal.size))
            #expect(terminal.rows[0].contains(banner) == demo, "\(terminal.rows[0])")
            #expect(!terminal.text.contains(DemoMark.pin))
            try store.close()
        }
    }
}
