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
        harness.send(.right)
        harness.send(.enter)
        saved = try harness.stored("GAO-000001")
        #expect(saved.members.isEmpty)
        #expect(saved.timeline.last?.kind == "timeline.memberRemoved")
        harness.type("6")
        #expect(harness.text.contains("Household member removed: Aminata (child)"))
    }
}
