import Foundation
import Testing
@testable import RetourApp
@testable import RetourCore
import RetourTUI

/// Type-ahead in pickers and choice fields, Ctrl-U, multi-line fields, and the keys that
/// footers and help name.
@Suite("Keys and fields")
struct KeysAndFieldsTests {
    /// The highlighted line of the open picker, without its marker and box.
    private func highlighted(_ harness: Harness) -> String? {
        guard let row = harness.rows.first(where: { $0.contains("│>") }) else { return nil }
        return row.components(separatedBy: "│>").last?.components(separatedBy: "│").first?
            .trimmingCharacters(in: .whitespaces)
    }

    /// The lines of the help overlay, scrolled or not.
    /// The help's lines, a label wrapped under itself joined back to its key's line.
    private func helpLines(_ harness: Harness) -> [String] {
        guard case .help(let panel)? = harness.app.overlay else { return [] }
        var lines: [String] = []
        for line in panel.lines {
            if line.hasPrefix("  "), let last = lines.last, !last.isEmpty {
                lines[lines.count - 1] = last + " " + line.trimmingCharacters(in: .whitespaces)
            } else {
                lines.append(line)
            }
        }
        return lines
    }

    @Test("letters jump to the first choice that starts with them, folded; a pause starts again; no match tries the letter alone")
    func typeAheadInPicker() throws {
        let harness = try Harness(language: .fr)
        harness.type("n")
        harness.send(.tab, times: 10)
        #expect(harness.terminal.cursor?.y == harness.formRow("Région *"))
        harness.send(.enter)
        #expect(highlighted(harness) == "Gao" || highlighted(harness) == "Tombouctou")
        harness.type("t")
        #expect(highlighted(harness) == "Tombouctou")
        harness.wait(2)
        harness.type("G")
        #expect(highlighted(harness) == "Gao")
        harness.send(.enter)
        #expect(harness.formValue("Région *") == "Gao")
        harness.send(.tab)
        harness.send(.enter)
        harness.type("me")
        #expect(highlighted(harness) == "Ménaka")
        harness.wait(0.5)
        // "meb" starts nothing: "b" alone does.
        harness.type("b")
        #expect(highlighted(harness) == "Bourem")
        harness.wait(1.5)
        // Letters do not move the cursor as j/k would.
        harness.type("j")
        #expect(highlighted(harness) == "Bourem")
        harness.wait(1.5)
        harness.type("a")
        #expect(highlighted(harness) == "Ansongo")
        harness.wait(0.9)
        // Within the pause, still one prefix: "ag" starts nothing, then "g" alone.
        harness.type("g")
        #expect(highlighted(harness) == "Gao")
        harness.send(.enter)
        #expect(harness.formValue("Cercle") == "Gao")
    }

    @Test("in the vulnerabilities, letters move the cursor and Space still ticks")
    func typeAheadInMultiPicker() throws {
        let harness = try Harness(language: .fr)
        harness.type("n")
        harness.send(.tab, times: 14)
        harness.send(.enter)
        harness.type("s")
        #expect(highlighted(harness)?.hasSuffix("Survivant(e) de violences") == true)
        harness.type("a")
        #expect(highlighted(harness)?.hasSuffix("Sans abri") == true)
        harness.send(.character(" "))
        #expect(highlighted(harness) == "[x] Sans abri")
        harness.wait(3)
        harness.type("pe")
        #expect(highlighted(harness) == "[ ] Personne âgée (60+)")
        harness.send(.character(" "), .enter)
        #expect(harness.formValue("Vulnérabilités") == "Personne âgée (60+), Sans abri")
    }

    @Test("on a closed choice field, letters choose at once; Enter still opens the choices")
    func typeAheadInChoiceField() throws {
        let harness = try Harness(language: .fr)
        harness.type("n")
        harness.send(.tab, .tab)
        harness.type("h")
        #expect(harness.formValue("Sexe *") == "Homme")
        harness.wait(2)
        harness.type("F")
        #expect(harness.formValue("Sexe *") == "Femme")
        // A small form's choice field too: the step's status.
        try FollowUpSeed.record(harness)
        harness.send(.escape, .right, .enter)
        harness.open("GAO-000001")
        harness.type("2")
        harness.send(.enter)
        harness.wait(2)
        harness.type("bl")
        #expect(harness.formValue("Statut *") == "Bloquée")
        #expect(harness.footer.contains("Entrée Choisir"))
        harness.send(.function(1))
        #expect(helpLines(harness).contains { $0.hasPrefix("a-z") }, "\(helpLines(harness))")
    }

    @Test("Ctrl-U clears the whole field wherever the cursor is; the footer and the help say so", arguments: [Language.en, .fr])
    func controlU(language: Language) throws {
        let harness = try Harness(language: language)
        let catalog = harness.catalog
        harness.type("n")
        harness.type("Maïga")
        harness.send(.left, .left)
        harness.send(.control("u"))
        let label = catalog.text(ProfileField.familyName.labelKey) + " *"
        #expect(harness.formValue(label) == "", "\(harness.text)")
        #expect(harness.footer.contains("^U " + catalog.text("action.clearField.short")), "\(harness.footer)")
        harness.send(.function(1))
        #expect(helpLines(harness).contains { $0.hasPrefix("^U") && $0.hasSuffix(catalog.text("action.clearField")) })
        harness.send(.escape, .escape)
        if harness.app.overlay != nil { harness.send(.right, .enter) }
        // The search field of the list too.
        harness.type("/maiga")
        harness.send(.left, .control("u"))
        #expect(harness.app.top is CaseListScreen)
        #expect((harness.app.top as? CaseListScreen)?.searchText == "")
        #expect(harness.footer.contains("^U"), "\(harness.footer)")
    }

    @Test("a note is typed on several lines: wrapped at words, Enter starts a line, ↑/↓ move by line, F2 saves")
    func multiLineNote() throws {
        let harness = try Harness()
        harness.open("GAO-000001")
        harness.type("5n")
        let row = try #require(harness.formRow("Note *"))
        let start = try #require(harness.terminal.cursor)
        #expect(start.y == row)
        #expect(harness.footer.contains("Enter New line"), "\(harness.footer)")
        #expect(harness.footer.contains("F2 Save"), "\(harness.footer)")
        let first = "Home visit with the family: the father works as a porter at the market of Gao and the mother sells"
        harness.type(first)
        // Wrapped at a word: the field grew to two lines, each a whole word at its end.
        let line1 = harness.rows[row]
        let line2 = harness.rows[row + 1]
        #expect(line1.hasSuffix("works as a porter at"), "\(line1)")
        #expect(line2.hasSuffix(" the market of Gao and the mother sells"), "\(line2)")
        #expect(harness.terminal.cursor?.y == row + 1)
        harness.send(.enter)
        harness.type("漢字 café")
        #expect(harness.rows[row + 2].hasSuffix("漢字 café"), "\(harness.rows[row + 2])")
        // Wide characters take two cells: the cursor is after the last one.
        #expect(harness.terminal.cursor == Point(x: start.x + 9, y: row + 2))
        harness.send(.up)
        #expect(harness.terminal.cursor?.y == row + 1)
        harness.send(.up)
        #expect(harness.terminal.cursor?.y == row)
        // From the first line, ↑ leaves the field; ↓ comes back, and from the last line goes on.
        harness.send(.up)
        #expect(harness.app.top is FieldForm)
        harness.send(.down, .down, .down, .down)
        #expect(harness.terminal.cursor?.y == harness.formRow("Confidential *"))
        harness.send(.function(2))
        let note = try #require(try harness.stored("GAO-000001").notes.last)
        #expect(note.text == first + "\n漢字 café")
    }

    @Test("a long text grows the field to six lines, then scrolls inside it")
    func multiLineScrolls() throws {
        let harness = try Harness()
        harness.open("GAO-000001")
        harness.type("5n")
        let row = try #require(harness.formRow("Note *"))
        for number in 1...9 {
            harness.type("line \(number)")
            if number < 9 { harness.send(.enter) }
        }
        #expect(harness.rows[row + 5].hasSuffix("line 9"), "\(harness.text)")
        #expect(!harness.text.contains("line 3"))
        #expect(harness.formRow("Confidential *") == row + 6)
        #expect(harness.terminal.cursor?.y == row + 5)
        harness.send(.up, times: 8)
        #expect(harness.rows[row].hasSuffix("line 1"))
        #expect(harness.terminal.cursor?.y == row)
    }

    @Test("every multi-line text of the follow-up forms takes Enter as a new line; a line field goes on to the next")
    func whichFieldsAreMultiLine() throws {
        let harness = try Harness()
        try FollowUpSeed.record(harness)
        harness.open("GAO-000001")
        harness.type("4")
        harness.send(.enter)
        harness.send(.tab, times: 5)
        #expect(harness.terminal.cursor?.y == harness.formRow("Outcome"))
        harness.type("Seen")
        harness.send(.enter)
        harness.type("twice")
        #expect(harness.terminal.cursor?.y == (harness.formRow("Outcome") ?? -9) + 1)
        harness.send(.backTab)
        harness.send(.enter)
        // Enter in a line field moves on, as before.
        #expect(harness.app.overlay != nil || harness.terminal.cursor?.y == harness.formRow("Outcome"))
    }

    @Test("the referral update form starts on its status; a correction starts empty, the old text shown above")
    func smallForms() throws {
        let harness = try Harness()
        try FollowUpSeed.record(harness)
        harness.open("GAO-000001")
        harness.type("4")
        harness.send(.enter)
        #expect(harness.terminal.cursor?.y == harness.formRow("Status *"))
        harness.send(.escape)
        harness.type("5")
        harness.send(.enter)
        #expect(harness.titleBar.contains("Correct"))
        #expect(harness.formValue("Note *") == "")
        #expect(harness.text.contains("Home visit: the family of six lives in a rented room."), "\(harness.text)")
        harness.type("Home visit: the family of six lives in a rented room.")
        harness.send(.function(2))
        #expect(ValidationMessagesTests.flattened(harness.rows).contains(harness.catalog.text("tabs.note.unchanged")), "\(harness.text)")
        // The old note is kept as it was.
        #expect(try harness.stored("GAO-000001").notes.count == 2)
    }

    @Test("the form's count says in words what it counts", arguments: [Language.en, .fr])
    func formCount(language: Language) throws {
        let harness = try Harness(language: language)
        harness.type("n")
        harness.send(.function(2))
        let top = harness.rows[1]
        #expect(top.range(of: #"\d+/\d+"#, options: .regularExpression) == nil, "\(top)")
        let words = harness.catalog.text("form.fieldsShown", ["first": "1", "last": "", "total": "18"])
        let head = words.components(separatedBy: "1")[0]
        #expect(top.contains(head) && top.contains("18"), "\(top)")
    }

    @Test("the footer of every case tab names the actions that work from it, e, c and r included", arguments: [Language.en, .fr])
    func caseTabFooters(language: Language) throws {
        let harness = try Harness(language: language)
        let catalog = harness.catalog
        for status in CaseStatus.allCases {
            for tab in CaseTab.allCases {
                for inSiteConflict in [false, true] {
                    let context = KeyContext.detail(tab, status, inSiteConflict: inSiteConflict)
                    let hints = KeyMap.footer(context, catalog: catalog)
                    #expect(Footer.fitting(hints, width: 80) == hints.count, "\(language) \(tab) \(status): \(hints)")
                    let actions = KeyMap.bindings(context).filter(\.inFooter).map(\.action)
                    #expect(KeyMap.bindings(context).contains { $0.action == .siteConflicts } == inSiteConflict, "\(tab) \(status)")
                    #expect(actions.contains(.edit), "\(tab) \(status)")
                    #expect(actions.contains(status == .closed ? .reopen : (status == .closureRequested ? .closeCase : .requestClosure)))
                }
            }
        }
        // And on the screen, from the notes tab.
        harness.open("GAO-000001")
        harness.type("5")
        #expect(harness.footer.contains("e " + catalog.text("action.edit")), "\(harness.footer)")
        #expect(harness.footer.contains("c "), "\(harness.footer)")
    }

    @Test("every footer fits at 80 columns, in both languages")
    func everyFooterFits() throws {
        let fixtures = try Fixtures.get()
        let contexts: [KeyContext] = [.list, .search, .picker, .multiPicker, .dialog, .help, .filters, .passphrase, .signIn,
                                      .firstUser, .locked, .audit, .caseload, .approvals] + FieldFocus.allCases.map { KeyContext.form($0) }
        for language in [Language.en, .fr] {
            for context in contexts {
                let hints = KeyMap.footer(context, catalog: fixtures.catalog(language))
                #expect(Footer.fitting(hints, width: 80) == hints.count, "\(language) \(context): \(hints)")
            }
            // A signed-in supervisor's list (signing out rather than quitting): the caseloads
            // and assigning in place of search and registration.
            let supervisor = KeyMap.footer(.list, catalog: fixtures.catalog(language), quitSignsOut: true, supervising: true)
            #expect(Footer.fitting(supervisor, width: 80) == supervisor.count, "\(language): \(supervisor)")
            #expect(supervisor.contains { $0.keys == "a" } && supervisor.contains { $0.keys == "w" })
            let worker = KeyMap.footer(.list, catalog: fixtures.catalog(language), quitSignsOut: true, mayClose: false)
            #expect(!worker.contains { $0.keys == "a" || $0.keys == "w" })
        }
    }

    @Test("the help lists every key of its context: the editing keys of a field, letters in a picker")
    func helpListsEveryKey() throws {
        let harness = try Harness()
        harness.type("n")
        harness.send(.function(1))
        for key in ["action.clearField", "action.editText", "action.save", "action.cancel"] {
            #expect(helpLines(harness).contains { $0.hasSuffix(harness.catalog.text(key)) }, "\(key)")
        }
        harness.send(.escape)
        harness.send(.tab, .tab, .enter)
        harness.type("?")
        #expect(helpLines(harness).contains { $0.hasSuffix(harness.catalog.text("action.typeAhead")) })
        #expect(!helpLines(harness).contains { $0.hasPrefix("↑/k") })
    }
}

@Suite("Type-ahead across a space")
struct TypeAheadSpaceTests {
    /// "Accès total" and "Accès partiel" differ after a space: typed quickly, the space belongs
    /// to the prefix; alone, it still opens the choices.
    @Test func aSpaceTypedWithinAPrefixIsPartOfIt() throws {
        let harness = try Harness(language: .fr)
        harness.open("GAO-000001")
        harness.type("3")
        harness.type("n")
        harness.send(.tab, .tab)
        harness.type("acces p")
        #expect(harness.app.overlay == nil)
        #expect(harness.text.contains("Accès partiel"), "\(harness.text)")
        harness.wait(2)
        harness.type(" ")
        guard case .picker? = harness.app.overlay else {
            Issue.record("Space alone opens the choices")
            return
        }
    }
}
