import Foundation
import Testing
@testable import RetourApp
@testable import RetourCore
import RetourTUI

@Suite("Case list")
struct ListScreenTests {
    @Test("the list shows every case with its number and name, and the list's keys")
    func listAndFooter() throws {
        let harness = try Harness()
        #expect(harness.titleBar.hasPrefix(" Retour · Cases (5)"))
        #expect(harness.titleBar.hasSuffix("awa.traore"))
        #expect(harness.rows[1] == " Search: press / and type a name, number, phone, village, commune or cercle")
        let header = harness.rows[2]
        for title in ["Number", "Name", "S/age", "Cat.", "Cercle", "Status", "Alerts", "Worker"] {
            #expect(header.contains(title), "header lacks \(title): \(header)")
        }
        let rows = harness.listRows
        #expect(rows.count == 5)
        let expected = [("GAO-000001", "Maïga Aïssata"), ("GAO-000002", "Haïdara Zeïnabou"),
                        ("KDL-000001", "Ag Mohamed Moussa"), ("MPT-000001", "Cissé Fatoumata"),
                        ("TBK-000001", "Touré Hamadoun")]
        for (row, (number, name)) in zip(rows, expected) {
            #expect(row.contains(number) && row.contains(name), "row: \(row)")
        }
        #expect(rows[0].hasPrefix("> GAO-000001 Maïga Aïssata"))
        #expect(rows[0].contains("F 30"))
        #expect(rows[0].contains(" Gao "))
        #expect(rows[4].contains(" Goundam "))
        #expect(harness.terminal.cursor == Point(x: 0, y: 3))
        let footer = harness.footer
        for hint in ["Enter Open", "/ Search", "n New", "q/F10 Quit"] {
            #expect(footer.contains(hint), "footer lacks \(hint): \(footer)")
        }
    }

    @Test("in French the title and the footer are French")
    func french() throws {
        let harness = try Harness(language: .fr)
        #expect(harness.titleBar.hasPrefix(" Retour · Dossiers (5)"))
        #expect(harness.footer.contains("Entrée Ouvrir"))
        #expect(harness.footer.contains("q/F10 Quitter"))
        #expect(!harness.footer.contains("Open"))
        #expect(harness.rows[1].hasPrefix(" Recherche :"))
        #expect(harness.listRows.count == 5)
    }

    @Test("the list moves with the arrows and j/k, and stops at the ends")
    func movement() throws {
        let harness = try Harness()
        harness.send(.down, .down)
        #expect(harness.selectedListRow?.contains("KDL-000001") == true)
        #expect(harness.terminal.cursor == Point(x: 0, y: 5))
        harness.type("k")
        #expect(harness.selectedListRow?.contains("GAO-000002") == true)
        harness.send(.end)
        #expect(harness.selectedListRow?.contains("TBK-000001") == true)
        harness.send(.down)
        #expect(harness.selectedListRow?.contains("TBK-000001") == true)
        harness.send(.home)
        #expect(harness.selectedListRow?.contains("GAO-000001") == true)
    }

    @Test("typing a search narrows the list at each key, ignoring accents; Esc brings every case back")
    func searchNarrows() throws {
        let harness = try Harness()
        harness.type("/maiga")
        #expect(harness.titleBar.contains("Cases (1 of 5)"))
        #expect(harness.listRows.count == 1)
        #expect(harness.listRows.first?.contains("Maïga Aïssata") == true)
        #expect(harness.rows[1].hasPrefix(" Search: maiga"))
        // The real cursor is in the search field, after what was typed.
        #expect(harness.terminal.cursor == Point(x: 14, y: 1))

        harness.send(.escape)
        #expect(harness.titleBar.contains("Cases (5)"))
        #expect(harness.listRows.count == 5)
        #expect(harness.rows[1].contains("press / and type"))

        harness.type("/ha")
        #expect(harness.titleBar.contains("Cases (3 of 5)"))
        let three = harness.listRows.joined(separator: "\n")
        #expect(three.contains("Haïdara") && three.contains("Hamadoun") && three.contains("Ag Mohamed"))
        #expect(!three.contains("Maïga") && !three.contains("Cissé"))
        harness.type("i")
        #expect(harness.titleBar.contains("Cases (1 of 5)"))
        #expect(harness.listRows.count == 1)
        #expect(harness.listRows.first?.contains("Haïdara Zeïnabou") == true)
        harness.send(.backspace)
        #expect(harness.titleBar.contains("Cases (3 of 5)"))

        harness.send(.escape)
        #expect(harness.listRows.count == 5)
        #expect(harness.titleBar.contains("Cases (5)"))
    }

    @Test("a search finds part of a case number")
    func searchByNumber() throws {
        let harness = try Harness()
        harness.type("/000001")
        #expect(harness.titleBar.contains("Cases (4 of 5)"))
        #expect(!harness.listRows.joined().contains("GAO-000002"))
        harness.send(.escape)
        harness.type("/kdl")
        #expect(harness.listRows.count == 1)
        #expect(harness.listRows.first?.contains("KDL-000001") == true)
        harness.send(.escape)
        harness.type("/gao-000002")
        #expect(harness.listRows.count == 1)
        #expect(harness.listRows.first?.contains("Haïdara") == true)
    }

    @Test("a search finds the village, and says when nothing matches")
    func searchByVillage() throws {
        let harness = try Harness()
        harness.type("/sevare")
        #expect(harness.listRows.count == 1)
        #expect(harness.listRows.first?.contains("Cissé Fatoumata") == true)
        harness.type("x")
        #expect(harness.titleBar.contains("Cases (0 of 5)"))
        #expect(harness.text.contains("No case matches this search. Esc clears it."))
        harness.send(.escape)
        #expect(harness.listRows.count == 5)
    }

    @Test("the search box takes the rest of its row: a long search shows whole at 80 columns")
    func searchUsesTheRow() throws {
        let harness = try Harness()
        let words = "aissata maiga wabaria ansongo gao 76 11 22 33 tombouctou"
        harness.type("/" + words)
        #expect(harness.rows[1] == " Search: " + words, "\(harness.text)")
    }

    @Test("letters typed in the search are not commands")
    func searchTakesLetters() throws {
        let harness = try Harness()
        harness.type("/nqj")
        #expect(harness.rows[1].hasPrefix(" Search: nqj"))
        #expect(harness.titleBar.contains("Cases (0 of 5)"))
        #expect(harness.app.screens.count == 1)
        #expect(harness.app.isRunning)
    }

    @Test("Enter on the search opens the one case that matches; Esc comes back to the list, the search kept")
    func enterOpensTheOnlyMatch() throws {
        let harness = try Harness()
        harness.type("/toure")
        // The footer says what Enter will do: open the one match.
        #expect(harness.footer.contains("Enter Open") && !harness.footer.contains("Back to the list"), "\(harness.footer)")
        harness.send(.enter)
        #expect(harness.titleBar.contains("TBK-000001 · Touré Hamadoun"))
        harness.send(.escape)
        #expect(harness.titleBar.contains("Cases (1 of 5)"))
        #expect(harness.rows[1].hasPrefix(" Search: toure"))
        // Back on the list, not in the search: the cursor is on the row.
        #expect(harness.terminal.cursor == Point(x: 0, y: 3))
        harness.send(.escape)
        #expect(harness.titleBar.contains("Cases (5)"))
    }

    @Test("Enter on the search with several matches goes to the list; Enter there opens the selected one")
    func enterWithSeveralMatchesGoesToTheList() throws {
        let harness = try Harness()
        harness.type("/ha")
        #expect(harness.footer.contains("Enter Back to the list"), "\(harness.footer)")
        harness.send(.enter)
        #expect(harness.titleBar.contains("Cases (3 of 5)"))
        #expect(harness.terminal.cursor == Point(x: 0, y: 3))
        harness.send(.down, .enter)
        #expect(harness.app.screens.count == 2)
        harness.send(.escape)
        #expect(harness.titleBar.contains("Cases (3 of 5)"))
        // None: Enter leaves the search too, and opens nothing.
        harness.type("/x")
        harness.send(.enter)
        #expect(harness.titleBar.contains("Cases (0 of 5)"))
        #expect(harness.app.screens.count == 1)
    }

    @Test("a search finds the cercle, folded, and the commune")
    func searchByCercleAndCommune() throws {
        let harness = try Harness()
        harness.type("/GOUNDAM")
        #expect(harness.listRows.count == 1)
        #expect(harness.listRows.first?.contains("Touré Hamadoun") == true)
        harness.send(.escape)
        harness.type("/ansongo")
        #expect(harness.listRows.count == 1)
        #expect(harness.listRows.first?.contains("Haïdara Zeïnabou") == true)
    }

    @Test("Enter opens the selected case; Esc comes back to the list, same selection")
    func openCase() throws {
        let harness = try Harness()
        harness.send(.down, .enter)
        #expect(harness.titleBar.hasPrefix(" Retour · GAO-000002 · Haïdara Zeïnabou"))
        let text = harness.text
        #expect(text.contains("GAO-000002"))
        #expect(harness.row(containing: "Family name")
            .map { harness.rows[$0].contains("Haïdara") } == true)
        #expect(harness.row(containing: "Given names")
            .map { harness.rows[$0].contains("Zeïnabou") } == true)
        #expect(text.contains("Gao (ML07)"))
        // The last lines are below the screen until scrolled to.
        #expect(!text.contains("Sossokoira"))
        harness.send(.end)
        #expect(harness.text.contains("Sossokoira"))
        #expect(harness.titleBar.hasPrefix(" Retour · GAO-000002"))
        #expect(!text.contains("Maïga"))
        #expect(harness.footer.contains("e Edit"))
        #expect(harness.footer.contains("q Back"))

        harness.send(.escape)
        #expect(harness.titleBar.contains("Cases (5)"))
        #expect(harness.selectedListRow?.contains("GAO-000002") == true)
    }

    @Test("a terminal too small says so and draws nothing else; enlarged, the list is back as it was")
    func tooSmall() throws {
        let harness = try Harness()
        harness.send(.down, .down)
        harness.resize(width: 60, height: 20)
        let rows = harness.rows
        #expect(rows.count == 20)
        #expect(rows[0] == "The terminal is too small: 60×20.")
        #expect(rows[2] == "Retour needs at least 80×24.")
        #expect(rows[4] == "Enlarge the window (F10 quits).")
        #expect(rows.enumerated().allSatisfy { [0, 2, 4].contains($0.offset) || $0.element.isEmpty })
        #expect(harness.terminal.cursor == Point(x: 0, y: 0))

        // Narrow, each sentence wraps whole: none is drawn over another.
        harness.resize(width: 14, height: 20)
        let words = harness.rows.joined(separator: " ").split(separator: " ").joined(separator: " ")
        #expect(words == "The terminal is too small: 14×20. Retour needs at least 80×24. Enlarge the window (F10 quits).",
                "\(harness.text)")

        for (width, height) in [(1, 1), (0, 0), (79, 24), (80, 23), (12, 3)] {
            harness.resize(width: width, height: height)
            #expect(harness.terminal.screen.size == Size(width: width, height: height))
            #expect(!harness.text.contains("Cases"))
        }

        harness.resize(width: 80, height: 24)
        #expect(harness.titleBar.contains("Cases (5)"))
        #expect(harness.listRows.count == 5)
        #expect(harness.selectedListRow?.contains("KDL-000001") == true)
        #expect(harness.footer.contains("Enter Open"))
    }

    @Test("a bigger terminal gives the list more room")
    func biggerTerminal() throws {
        let harness = try Harness(width: 120, height: 40)
        #expect(harness.rows.count == 40)
        #expect(harness.listRows.count == 5)
        #expect(harness.footer.contains("q/F10 Quit"))
        #expect(harness.listRows[0].contains("awa.traore"))
    }

    @Test("? shows the help with the list's keys; Esc closes it")
    func help() throws {
        let harness = try Harness()
        harness.type("?")
        let text = harness.text
        #expect(text.contains(" Help "))
        #expect(text.contains("The case list."))
        #expect(text.contains("Enter  Open"))
        #expect(text.contains("Clear the search"))
        #expect(text.contains("Reverse the order"))
        #expect(harness.footer.contains("Esc Close"))
        #expect(!harness.footer.contains("Enter Open"))
        // Nothing of the list shows beside the help's frame.
        for row in harness.rows.dropFirst().dropLast(2) {
            #expect(row.allSatisfy { $0 == " " } || row.hasPrefix("  ┌") || row.hasPrefix("  │") || row.hasPrefix("  └"), "\(row)")
        }

        harness.send(.escape)
        #expect(!harness.text.contains("Reverse the order"))
        #expect(harness.footer.contains("Enter Open"))
        #expect(harness.listRows.count == 5)

        harness.send(.function(1))
        #expect(harness.text.contains("Clear the search"))
        harness.send(.function(1))
        #expect(!harness.text.contains("Clear the search"))
    }

    @Test("long accented names are cut with … at their column and the next columns stay aligned")
    func accentedColumns() throws {
        let long: [Seed] = [
            Seed(number: "GAO-000001", values: [
                .familyName: "Haïdara", .givenNames: "Zeïnabou Aminata Ténin", .sex: "F", .age: "30",
                .category: "idp_returnee", .region: "Gao", .cercle: "Ménaka",
            ]),
            Seed(number: "GAO-000002", values: [
                .familyName: "Dicko", .givenNames: "Aïchatou", .sex: "F", .age: "25",
                .category: "idp_returnee", .region: "Gao",
            ]),
            Seed(number: "TBK-000001", values: [
                .familyName: "Ould Sidi Mohamed", .givenNames: "Aliou", .sex: "M", .age: "52",
                .category: "refugee_returnee", .region: "Tombouctou", .cercle: "Gourma-Rharous",
                .assignedTo: "Fatoumata Coulibaly",
            ]),
            Seed(number: "MPT-000001", values: [
                .familyName: "Cisse\u{0301}", .givenNames: "Ibrahima Se\u{0301}kou Hame\u{0300}ye", .sex: "M",
                .age: "41", .category: "host_community", .region: "Mopti", .cercle: "Djenné",
            ]),
        ]
        // The last name is kept decomposed (letter + combining accent), as an old file may hold it.
        let harness = try Harness(seeds: long) { profile in
            if profile.region == "ML05" {
                profile.familyName = profile.familyName.decomposedStringWithCanonicalMapping
                profile.givenNames = profile.givenNames.decomposedStringWithCanonicalMapping
            }
        }
        let rows = harness.listRows
        #expect(rows.count == 4)
        #expect(rows[0].contains("Haïdara Zeïnabou…"))
        #expect(!rows[0].contains("Aminata"))
        #expect(rows[1].contains("Dicko Aïchatou"))
        #expect(rows[2].contains("Cisse\u{0301} Ibrahima S…"))
        #expect(rows[3].contains("Ould Sidi Mohame…"))
        #expect(rows[3].contains("Gourma-Rh…"))
        #expect(rows[3].hasSuffix("Fatoumata C…"))

        let header = harness.rows[2]
        let statusColumn = try #require(header.range(of: "Status").map { CellWidth.of(String(header[..<$0.lowerBound])) })
        let placeColumn = try #require(header.range(of: "Cercle").map { CellWidth.of(String(header[..<$0.lowerBound])) })
        #expect(statusColumn == 53)
        for row in rows {
            let status = try #require(row.range(of: "Regist."), "no status in \(row)")
            #expect(CellWidth.of(String(row[..<status.lowerBound])) == statusColumn, "misaligned: \(row)")
            if let place = row.range(of: "Ménaka") ?? row.range(of: "Gourma") ?? row.range(of: "Djenné") {
                #expect(CellWidth.of(String(row[..<place.lowerBound])) == placeColumn, "misaligned: \(row)")
            } else {
                #expect(row.contains("GAO-000002"), "no cercle in \(row)")
            }
            #expect(CellWidth.of(row) <= 80)
        }
    }
}

@Suite("Case list: letters outside the search")
struct ListLettersTests {
    /// A letter no key takes neither searches nor moves: on a slow link a search typed before
    /// `/` would otherwise be read key by key as commands. The status line says how to search.
    @Test("a letter typed outside the search changes nothing and says how to search", arguments: [Language.en, .fr])
    func unboundLetter(language: Language) throws {
        let harness = try Harness(language: language)
        harness.send(.down)
        let before = harness.listRows
        harness.type("z")
        #expect(harness.listRows == before)
        #expect(harness.statusLine == " " + harness.catalog.text("list.lettersDoNothing", ["key": "z"]))
        #expect(harness.statusLine.contains("z"))
        #expect((harness.app.top as? CaseListScreen)?.searchText == "")
        // The search line names what the search finds, whole at 80 columns.
        #expect(harness.rows[1].hasSuffix(language == .fr ? "commune ou cercle" : "commune or cercle"))
        // The next key that does something clears the message.
        harness.send(.down)
        #expect(harness.statusLine.trimmingCharacters(in: .whitespaces).isEmpty)
    }
}

@Suite("Title bar")
struct TitleBarTests {
    @Test("a title too long for the bar ends with … rather than in the middle of a word")
    func aLongTitleIsCutWithAnEllipsis() throws {
        let harness = try Harness(language: .fr, demo: true, adjust: { $0.givenNames = "Aïssata Kadidiatou Mariam" })
        harness.send(.enter)
        harness.send(.character("2"), .character("n"))
        let bar = harness.rows[0]
        #expect(bar.contains("…"), "\(bar)")
        #expect(!bar.contains("Inscription dans u "), "\(bar)")
    }
}
