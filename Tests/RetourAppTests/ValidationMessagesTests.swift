import Foundation
import Testing
@testable import RetourApp
@testable import RetourCore
import RetourTUI

/// Every form filled with what each of its rules refuses, at 80×24 in both languages: each
/// message must be read whole on the screen (its wrapped lines joined), never cut.
@Suite("Validation messages are whole at 80 columns")
struct ValidationMessagesTests {
    /// The screen's rows as one text: each row trimmed, the issue arrow dropped, joined by spaces,
    /// so that a message wrapped on several rows reads as one.
    static func flattened(_ rows: [String]) -> String {
        rows.map { row -> String in
            var text = row.trimmingCharacters(in: .whitespaces)
            for mark in ["↳ ", "! ", ">"] where text.hasPrefix(mark) { text = String(text.dropFirst(mark.count)) }
            return text.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// What the form shows as the focus goes through each of its `fields` from the top.
    func screens(_ harness: Harness, fields: Int) -> [String] {
        harness.send(.pageUp, times: 5)
        var seen: [String] = []
        for _ in 0..<fields {
            seen.append(Self.flattened(harness.rows))
            harness.send(.tab)
        }
        seen.append(Self.flattened(harness.rows))
        harness.send(.pageUp, times: 5)
        return seen
    }

    /// Saves, then checks that each of `expected` is seen whole while going through the form,
    /// and that the status line is not cut.
    func check(_ harness: Harness, fields: Int, _ expected: [String], _ context: String) {
        harness.send(.function(2))
        #expect(!harness.statusLine.hasSuffix("…"), "\(context): \(harness.statusLine)")
        let seen = screens(harness, fields: fields)
        for message in expected {
            #expect(seen.contains { $0.contains(message) }, "\(context): «\(message)» not whole in\n\(harness.text)")
        }
    }

    /// Focuses field `index` of the form (from its top) and types `text` in place of its value.
    func set(_ harness: Harness, _ index: Int, _ text: String) {
        harness.send(.pageUp, times: 5)
        harness.send(.tab, times: index)
        harness.send(.end)
        harness.send(.backspace, times: 300)
        harness.type(text)
    }

    @Test("the registration and edit forms", arguments: [Language.en, .fr])
    func registration(language: Language) throws {
        let harness = try Harness(language: language)
        let catalog = harness.catalog
        let fields = CaseFormScreen.fields.count
        harness.type("n")
        check(harness, fields: fields, [catalog.text("invalid.required")], "\(language) empty")
        set(harness, 3, "abc")
        set(harness, 4, "200")
        set(harness, 5, "12")
        set(harness, 7, "0")
        set(harness, 9, "2099-01-01")
        set(harness, 12, String(repeating: "x", count: 101))
        harness.send(.pageUp, times: 5)
        harness.send(.tab, times: 15)
        harness.pick(down: 1)
        check(harness, fields: fields, [
            catalog.text("invalid.date"), catalog.text("invalid.age"), catalog.text("invalid.phone"),
            catalog.text("invalid.household"), catalog.text("invalid.future"), catalog.text("invalid.tooLong", ["maximum": "100"]),
            catalog.text("invalid.documentNumber"),
        ], "\(language) values")
        set(harness, 3, "31/02/2020")
        check(harness, fields: fields, [catalog.text("invalid.noSuchDay")], "\(language) no such day")
        set(harness, 3, "2000-01-01")
        set(harness, 4, "5")
        set(harness, 9, "1990-01-01")
        check(harness, fields: fields, [catalog.text("invalid.ageMismatch"), catalog.text("invalid.beforeBirth")],
              "\(language) mismatch")
        harness.send(.escape)
        if harness.app.overlay != nil { harness.send(.right, .enter) }

        harness.open("GAO-000001")
        harness.type("e")
        set(harness, 5, "12")
        set(harness, 7, "0")
        check(harness, fields: fields, [catalog.text("invalid.phone"), catalog.text("invalid.household")], "\(language) edit")
    }

    @Test("the follow-up forms: enrol, step, assessment, referral, note, closure, reopen", arguments: [Language.en, .fr])
    func followUp(language: Language) throws {
        let harness = try Harness(language: language)
        let catalog = harness.catalog
        try FollowUpSeed.record(harness)
        harness.open("GAO-000001")
        let required = catalog.text("invalid.required")
        func leave() {
            harness.send(.escape)
            if harness.app.overlay != nil { harness.send(.right, .enter) }
            #expect(harness.detail != nil, "\(language): back on the case")
        }

        harness.type("2n")
        set(harness, 1, "")
        check(harness, fields: 2, [required], "\(language) enrol")
        set(harness, 1, "xx")
        check(harness, fields: 2, [catalog.text("invalid.date")], "\(language) enrol date")
        set(harness, 1, "2099-01-01")
        check(harness, fields: 2, [catalog.text("invalid.future")], "\(language) enrol future")
        leave()

        // The first step (profiling) is done.
        harness.type("2")
        harness.send(.enter)
        set(harness, 1, "")
        set(harness, 2, "")
        check(harness, fields: 6, [required, catalog.text("tabs.step.doneRequired")], "\(language) step")
        set(harness, 1, "xx")
        set(harness, 2, "2099-01-01")
        check(harness, fields: 6, [catalog.text("invalid.date"), catalog.text("invalid.future")], "\(language) step dates")
        harness.send(.pageUp, times: 5)
        harness.pick(down: StepStatus.allCases.firstIndex(of: .blocked)!)
        set(harness, 2, "2026-01-01")
        set(harness, 4, "")
        check(harness, fields: 6, [catalog.text("tabs.step.doneOnlyWhenDone"), catalog.text("tabs.step.blockedRequired")],
              "\(language) step blocked")
        leave()

        harness.type("3n")
        set(harness, 0, "xx")
        set(harness, 1, "")
        set(harness, 3, "a note")
        let assessmentFields = 2 + 2 * harness.session.reference.tracks.criteria.count
        check(harness, fields: assessmentFields, [
            catalog.text("invalid.date"), required, catalog.text("tabs.assess.noteWithoutAccess"), catalog.text("tabs.assess.noneRated"),
        ], "\(language) assessment")
        set(harness, 0, "2099-01-01")
        check(harness, fields: assessmentFields, [catalog.text("invalid.future")], "\(language) assessment future")
        leave()

        harness.type("4n")
        set(harness, 2, "xx")
        check(harness, fields: 6, [required, catalog.text("invalid.date")], "\(language) referral")
        set(harness, 2, "2099-01-01")
        check(harness, fields: 6, [catalog.text("invalid.future")], "\(language) referral future")
        leave()

        harness.type("5n")
        check(harness, fields: 2, [required], "\(language) note")
        harness.send(.character("\u{1}"))
        check(harness, fields: 2, [catalog.text(PlainText.refusalKey)], "\(language) note control")
        leave()
        harness.type("5")
        harness.send(.enter)
        set(harness, 0, "Home visit: the family of six lives in a rented room.")
        check(harness, fields: 2, [catalog.text("tabs.note.unchanged")], "\(language) correction")
        leave()

        harness.type("1c")
        check(harness, fields: 1, [required], "\(language) request closure")
        leave()
        let id = try #require(harness.seeded["GAO-000001"])
        try #require(harness.app.commit(.requestClosure(id: id, reason: "Moved")) != nil)
        harness.type("c")
        check(harness, fields: 2, [required], "\(language) close")
        leave()
        try #require(harness.app.commit(.close(id: id, closure: Closure(reason: "moved_away", note: "", confirmedOpenItems: true))) != nil)
        harness.type("r")
        check(harness, fields: 1, [required], "\(language) reopen")
    }

    @Test("signing in and creating the administrator", arguments: [Language.en, .fr])
    func signIn(language: Language) throws {
        let fixtures = try Fixtures.get()
        let catalog = fixtures.catalog(language)
        let (directory, store) = try SignInScreenTests.office()
        defer { try? FileManager.default.removeItem(at: directory) }
        func seen(_ prompt: SignInPrompt) -> String {
            ValidationMessagesTests.flattened(prompt.render(size: Size(width: 80, height: 24)).rows)
        }
        /// Puts the focus on the field labelled `key`.
        func focus(_ prompt: SignInPrompt, _ key: String) {
            let rows = prompt.render(size: Size(width: 80, height: 24)).rows
            let row = rows.firstIndex { $0.hasPrefix("  " + catalog.text(key)) }
            for _ in 0..<4 where prompt.render(size: Size(width: 80, height: 24)).cursor?.y != row { _ = prompt.handle(.tab) }
        }
        func attempt(_ prompt: SignInPrompt, login: String, pin: String) {
            focus(prompt, "signin.label.login")
            _ = prompt.handle(.end)
            for _ in 0..<40 { _ = prompt.handle(.backspace) }
            SignInScreenTests.type(login, into: prompt)
            _ = prompt.handle(.tab)
            SignInScreenTests.type(pin, into: prompt)
            _ = prompt.handle(.enter)
        }
        let prompt = SignInPrompt(catalog: catalog, store: store, author: "k.diarra")
        attempt(prompt, login: "nobody", pin: "whatever")
        #expect(seen(prompt).contains(catalog.text("signin.error.unknown", ["login": "nobody"])), "\(seen(prompt))")
        attempt(prompt, login: "x.gone", pin: "gone-pin")
        #expect(seen(prompt).contains(catalog.text("signin.error.disabled", ["login": "x.gone"])), "\(seen(prompt))")
        attempt(prompt, login: "k.diarra", pin: "wrong-pin")
        #expect(seen(prompt).contains(catalog.text("signin.error.wrongPIN", ["login": "k.diarra", "left": "4"])), "\(seen(prompt))")
        for _ in 0..<5 { attempt(prompt, login: "k.diarra", pin: "wrong-pin") }
        #expect(seen(prompt).contains(catalog.counted("signin.error.locked", 5, ["login": "k.diarra"])), "\(seen(prompt))")

        let emptyDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("retour-first-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: emptyDirectory) }
        let first = SignInPrompt(catalog: catalog, store: try Store(directory: emptyDirectory), author: "awa")
        func create(_ login: String, _ name: String, _ pin: String, _ again: String) {
            let labels = ["signin.label.login", "signin.label.name", "signin.label.pin", "signin.label.pinAgain"]
            for (label, text) in zip(labels, [login, name, pin, again]) {
                focus(first, label)
                _ = first.handle(.end)
                for _ in 0..<300 { _ = first.handle(.backspace) }
                SignInScreenTests.type(text, into: first)
            }
            _ = first.handle(.enter)
        }
        let expected: [(String, String, String, String, String)] = [
            ("admin", "Awa", "abc", "abc", catalog.text("signin.error.pinTooShort", ["minimum": String(PINHash.minimumLength)])),
            ("admin", "Awa", "long-enough", "other-pin", catalog.text("signin.error.pinsDiffer")),
            ("Admin Awa", "Awa", "long-enough", "long-enough", catalog.text("error.user.badLogin", ["login": "Admin Awa"])),
            ("admin", "", "long-enough", "long-enough", catalog.text("error.user.emptyName", ["login": "admin"])),
            ("admin", String(repeating: "n", count: 101), "long-enough", "long-enough",
             catalog.text("error.user.nameTooLong", ["login": "admin"])),
        ]
        for (login, name, pin, again, message) in expected {
            create(login, name, pin, again)
            #expect(seen(first).contains(message), "«\(message)» in\n\(seen(first))")
        }
    }
}
