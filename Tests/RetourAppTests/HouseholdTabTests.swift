import Foundation
import Testing
@testable import RetourApp
@testable import RetourCore
import RetourTUI

/// The household tab with the keyboard only: a member added, edited and removed.
@Suite("Case tabs: the household")
struct HouseholdTabTests {
    @Test("a member added by typing makes the household size; removed after a question, kept in the timeline")
    func addEditRemove() throws {
        let harness = try Harness()
        harness.open("GAO-000001")
        harness.type("7")
        #expect(harness.tabBar.contains("[7 Household]"))
        #expect(harness.footer.contains("n Add"))
        harness.type("n")
        #expect(harness.titleBar.contains("GAO-000001 · New household member"))
        harness.type("Aminata")
        harness.send(.tab)
        harness.send(.tab)
        harness.send(.tab)
        harness.type("f")
        harness.send(.tab)
        harness.type("vers 2015")
        harness.send(.function(2))
        #expect(harness.statusLine == " Aminata added to the household.")
        #expect(harness.text.contains("Household of 2 people"))
        #expect(harness.selectedRow?.contains("Maïga Aminata") == true)
        var saved = try harness.stored("GAO-000001")
        #expect(saved.members.map(\.givenNames) == ["Aminata"])
        #expect(saved.members.first?.yearOfBirth == 2015 && saved.members.first?.sex == .female)
        #expect(saved.members.first?.relationship == .child && saved.members.first?.familyName == "")
        #expect(saved.profile.householdSize == 2)

        // A birth that is no date says so under the field and saves nothing.
        harness.send(.enter)
        harness.send(.tab)
        harness.send(.tab)
        harness.send(.tab)
        harness.send(.tab)
        harness.send(.control("u"))
        harness.type("l'an dernier")
        harness.send(.function(2))
        #expect(harness.text.contains("↳ Write a date (DD/MM/YYYY) or a year (2015, about"))
        #expect(try harness.stored("GAO-000001").members.first?.yearOfBirth == 2015)
        harness.send(.control("u"))
        harness.type("12/05/2016")
        harness.send(.function(2))
        #expect(harness.statusLine == " Aminata saved.")
        #expect(try harness.stored("GAO-000001").members.first?.dateOfBirth == CalendarDate(year: 2016, month: 5, day: 12))

        harness.type("d")
        #expect(harness.text.contains("Remove Maïga Aminata from the household of case GAO-000001?"))
        // A button's first letter chooses it: k keeps her.
        harness.type("k")
        #expect(harness.app.overlay == nil)
        #expect(try harness.stored("GAO-000001").members.count == 1)
        harness.type("d")
        harness.send(.right)
        harness.send(.enter)
        saved = try harness.stored("GAO-000001")
        #expect(saved.members.isEmpty)
        #expect(saved.timeline.last?.kind == "timeline.memberRemoved")
        harness.type("6")
        #expect(harness.text.contains("Household member removed: Aminata (child)"))
    }
}

/// A household member registered as a case of their own, from the household tab.
@Suite("Case tabs: a member's own case")
struct MemberOwnCaseTests {
    @Test("o registers the selected member from what the household says of them; both cases show the link and open each other")
    func registerAMemberAsACase() throws {
        let harness = try Harness()
        harness.open("GAO-000001")
        harness.type("7")
        harness.type("n")
        harness.type("Moussa")
        harness.send(.tab, .tab, .tab)
        harness.type("m")
        harness.send(.tab)
        harness.type("2006")
        harness.send(.function(2))
        #expect(harness.statusLine == " Moussa added to the household.")
        #expect(harness.text.contains("No case of their own: o registers them as a case"))
        harness.type("?")
        #expect(harness.text.contains("Open the member's own case, or register them as a case"))
        harness.send(.escape)

        harness.type("o")
        #expect(harness.titleBar.contains("New case for a household member of GAO-000001"))
        #expect(harness.formValue("Family name") == "Maïga")
        #expect(harness.formValue("Given names") == "Moussa")
        #expect(harness.formValue("Sex") == "Male")
        #expect(harness.formValue("Date of birth") == "2006")
        #expect(harness.formValue("Region") == "Gao")
        #expect(harness.formValue("Village / quarter") == "Wabaria")
        // The member is no duplicate of themselves: F2 saves at once.
        harness.send(.function(2))
        #expect(harness.statusLine == " Case GAO-000003 registered and linked to the household of case GAO-000001.")
        #expect(harness.titleBar.contains("GAO-000003 · Maïga Moussa"))
        let household = try harness.stored("GAO-000001")
        let own = try harness.stored("GAO-000003")
        #expect(household.members.first?.ownCase == own.id)
        #expect(own.profile.yearOfBirth == 2006 && own.profile.sex == .male && own.profile.householdSize == 1)
        #expect(harness.text.contains("Household              in the household of case GAO-000001 (o opens it)"))

        // Each case opens the other; the household's timeline says the member has a case of their own.
        harness.type("o")
        #expect(harness.titleBar.contains("GAO-000001 · Maïga Aïssata"))
        harness.type("6")
        #expect(harness.text.contains("Household member registered as case GAO-000003: Moussa"))
        harness.type("7")
        #expect(harness.selectedRow?.contains("GAO-000003") == true)
        #expect(harness.text.contains("Registered as case GAO-000003: o opens it."))
        harness.type("o")
        #expect(harness.titleBar.contains("GAO-000003 · Maïga Moussa"))
        // Going back and forth does not pile the cases up: Esc twice reaches the list.
        harness.send(.escape, .escape)
        #expect(harness.titleBar.contains("Cases ("), "\(harness.titleBar)")
    }

    @Test("in French the link reads whole at 80 columns")
    func frenchLink() throws {
        let harness = try Harness(language: .fr)
        harness.open("GAO-000001")
        harness.type("7")
        harness.type("n")
        harness.type("Moussa")
        harness.send(.tab, .tab, .tab)
        harness.type("h")
        harness.send(.function(2))
        harness.type("o")
        #expect(harness.titleBar.contains("Nouveau dossier d'un membre du ménage de GAO-000001"))
        harness.send(.function(2))
        #expect(harness.statusLine.contains("Dossier GAO-000003 enregistré et lié au ménage du dossier GAO-000001."))
        // Wrapped under itself, never cut.
        let row = try #require(harness.row(containing: "dans le ménage du dossier GAO-000001 (o"))
        #expect(harness.rows[row + 1].trimmingCharacters(in: .whitespaces) == "l'ouvre)")
    }
}

@Suite("Case tabs: the help names every tab")
struct CaseTabsHelpTests {
    @Test("? on a case names each tab by its number and its keys reach the last", arguments: [Language.en, .fr])
    func helpNamesEveryTab(language: Language) throws {
        let harness = try Harness(language: language, height: 60)
        harness.open("GAO-000001")
        harness.type("?")
        // The panel's lines joined, so that a wrapped phrase reads whole.
        let help = harness.rows.map { $0.replacingOccurrences(of: "│", with: " ").trimmingCharacters(in: .whitespaces) }
            .joined(separator: " ").split(separator: " ").joined(separator: " ")
        for tab in CaseTab.allCases {
            #expect(help.contains("\(tab.number) \(harness.catalog.text(tab.labelKey))"), "\(tab) missing: \(help)")
        }
        let last = CaseTab.allCases.count
        #expect(help.contains("1-\(last)") || help.contains("1…\(last)"), "\(help)")
        #expect(!help.contains("1-\(last - 1)") && !help.contains("1…\(last - 1)"))
    }
}

@Suite("Case tabs: the household size once members are listed")
struct HouseholdSizeTests {
    @Test("editing the profile cannot change a size the members make: said under the field, nothing saved")
    func sizeFollowsMembers() throws {
        let harness = try Harness()
        harness.open("GAO-000001")
        harness.type("7")
        harness.type("n")
        harness.type("Moussa")
        harness.send(.function(2))
        #expect(try harness.stored("GAO-000001").profile.householdSize == 2)
        harness.type("e")
        #expect(harness.formValue("Household size") == "2")
        harness.send(.tab, times: 7)
        harness.send(.control("u"))
        harness.type("5")
        harness.send(.function(2))
        #expect(harness.issue(under: "Household size")?.hasPrefix("The size follows the members listed (2 people)") == true)
        #expect(try harness.stored("GAO-000001").profile.householdSize == 2)
        harness.send(.control("u"))
        harness.type("2")
        harness.send(.function(2))
        #expect(harness.statusLine.contains("saved"))
    }
}
