import Foundation
import Testing
@testable import RetourApp
@testable import RetourCore
import RetourTUI

@Suite("Registration form")
struct FormScreenTests {
    /// Fills the required fields of a new registration: names typed, sex, category and region
    /// chosen in their pickers by moving down `sexDown`, `categoryDown` and `regionDown` lines.
    /// Leaves the focus on the region.
    private func fillRequired(_ harness: Harness, family: String, given: String, dateOfBirth: String = "",
                              sexDown: Int = 0, categoryDown: Int = 0, regionDown: Int = 1) {
        harness.type(family)
        harness.send(.tab)
        harness.type(given)
        harness.send(.tab, .enter)
        harness.send(.down, times: sexDown)
        harness.send(.enter, .tab)
        harness.type(dateOfBirth)
        harness.send(.tab, times: 3)
        harness.send(.enter)
        harness.send(.down, times: categoryDown)
        harness.send(.enter)
        harness.send(.tab, times: 4)
        harness.send(.enter)
        harness.send(.down, times: regionDown)
        harness.send(.enter)
    }

    @Test("F2 on an empty form says which fields are required, under each of them")
    func requiredFields() throws {
        let harness = try Harness()
        harness.type("n")
        #expect(harness.titleBar.hasPrefix(" Retour · New registration"))
        #expect(harness.rows[1].contains("* required."))
        let familyRow = try #require(harness.formRow("Family name *"))
        #expect(harness.terminal.cursor?.y == familyRow)

        harness.send(.function(2))
        for label in ["Family name", "Given names", "Sex", "Category", "Region"] {
            #expect(harness.issue(under: label) == "Required.", "\(label): \(harness.text)")
        }
        #expect(harness.issue(under: "Date of birth") == nil)
        #expect(harness.issue(under: "Phone") == nil)
        #expect(harness.statusLine == " ! 5 fields to correct: see the messages under the fields.")
        #expect(harness.terminal.cursor?.y == harness.formRow("Family name *"))
        // The form is still there and nothing was saved.
        #expect(harness.titleBar.contains("New registration"))
        #expect(harness.store.book.count == 5)
    }

    @Test("a date that does not exist and a household of 0 are explained; the cursor follows the field")
    func badValues() throws {
        let harness = try Harness()
        harness.type("n")
        harness.send(.function(2))
        harness.send(.tab, times: 3)
        let dateRow = try #require(harness.formRow("Date of birth"))
        #expect(harness.terminal.cursor?.y == dateRow)
        let fieldX = try #require(harness.terminal.cursor?.x)
        harness.type("31/02/2020")
        // Once the user has tried to save, messages follow the typing.
        #expect(harness.issue(under: "Date of birth") == "No such day: check the day and the month.")
        #expect(harness.terminal.cursor == Point(x: fieldX + 10, y: harness.formRow("Date of birth") ?? -1))
        #expect(harness.formValue("Date of birth") == "31/02/2020")

        harness.send(.tab, times: 4)
        harness.type("0")
        #expect(harness.issue(under: "Household size") == "Household size must be a number from 1 to 50.")
        #expect(harness.terminal.cursor?.y == harness.formRow("Household size"))

        harness.send(.function(2))
        #expect(harness.statusLine == " ! 7 fields to correct: see the messages under the fields.")
        #expect(harness.terminal.cursor?.y == harness.formRow("Family name *"))

        // Corrected, the messages go away.
        harness.send(.tab, times: 3)
        harness.send(.control("u"))
        harness.type("28/02/2020")
        #expect(harness.issue(under: "Date of birth") == nil)
        harness.send(.tab, times: 4)
        harness.send(.backspace)
        harness.type("3")
        #expect(harness.issue(under: "Household size") == nil)
        #expect(harness.issue(under: "Family name") == "Required.")
        #expect(harness.store.book.count == 5)
    }

    @Test("a future date, a bad phone and a bad age are refused")
    func otherRules() throws {
        let harness = try Harness()
        harness.type("n")
        harness.send(.tab, times: 3)
        harness.type("2027-01-01")
        harness.send(.tab, .tab)
        harness.type("12")
        harness.send(.function(2))
        #expect(harness.issue(under: "Date of birth") == "This date is in the future.")
        #expect(harness.issue(under: "Phone") == "Phone: 6 to 15 digits; spaces, + - . ( ) allowed.")
        harness.send(.tab, times: 3)
        harness.send(.control("u"))
        harness.send(.tab)
        harness.type("130")
        #expect(harness.issue(under: "Age (if no date)") == "Age must be a whole number from 0 to 120.")
    }

    @Test("a full registration through pickers is saved, shown, and listed")
    func fullRegistration() throws {
        let harness = try Harness()
        let before = harness.store.book.count
        harness.type("n")
        harness.type("Coulibaly")
        harness.send(.tab)
        harness.type("Mariam")
        harness.send(.tab)

        harness.send(.enter)
        #expect(harness.text.contains("Female"))
        #expect(harness.text.contains("Male"))
        #expect(harness.footer.contains("Enter Confirm"))
        harness.send(.enter)
        #expect(harness.formValue("Sex") == "Female")

        harness.send(.tab)
        harness.type("12/04/1985")
        harness.send(.tab, .tab)
        harness.type("76 12 34 56")
        harness.send(.tab, .enter, .down, .enter)
        #expect(harness.formValue("Category") == "Repatriated refugee")
        harness.send(.tab)
        harness.type("5")
        harness.send(.tab)
        harness.type("Niamey")
        harness.send(.tab)
        harness.type("2024-03-01")
        harness.send(.tab)

        // Region, then the cercles of that region only.
        harness.send(.enter)
        for region in ["Tombouctou", "Gao", "Mopti", "Kidal"] {
            #expect(harness.text.contains(region), "picker lacks \(region)")
        }
        harness.send(.down, .enter)
        #expect(harness.formValue("Region") == "Gao")
        harness.send(.tab, .enter)
        let picker = harness.text
        for cercle in ["(none)", "Ansongo", "Bourem", "Gao", "Ménaka"] {
            #expect(picker.contains(cercle), "picker lacks \(cercle)")
        }
        for elsewhere in ["Goundam", "Diré", "Bandiagara", "Tessalit"] {
            #expect(!picker.contains(elsewhere), "picker shows \(elsewhere)")
        }
        harness.send(.down, .down, .enter)
        #expect(harness.formValue("Cercle") == "Bourem")

        harness.send(.tab)
        harness.type("Bourem")
        harness.send(.tab)
        harness.type("Hamakouladji")
        harness.send(.tab, .enter)
        #expect(harness.footer.contains("Space Tick"))
        harness.type(" ")
        harness.send(.down, .down)
        harness.type(" ")
        #expect(harness.text.contains("[x] Female head of household"))
        #expect(harness.text.contains("[x] Disability"))
        #expect(harness.text.contains("[ ] Single parent"))
        harness.send(.enter)
        #expect(harness.formValue("Vulnerabilities") == "Female head of household, Disability")
        #expect(harness.terminal.cursor?.y == harness.formRow("Vulnerabilities"))

        harness.send(.function(2))
        #expect(harness.titleBar.hasPrefix(" Retour · GAO-000003 · Coulibaly Mariam"))
        #expect(harness.statusLine == " GAO-000003 registered.")
        #expect(harness.text.contains("76 12 34 56"))
        #expect(harness.text.contains("Repatriated refugee"))

        #expect(harness.store.book.count == before + 1)
        let saved = try #require(harness.store.book.find(number: "GAO-000003"))
        #expect(saved.created.by == Harness.author)
        #expect(saved.profile.familyName == "Coulibaly")
        #expect(saved.profile.sex == .female)
        #expect(saved.profile.dateOfBirth == CalendarDate(year: 1985, month: 4, day: 12))
        #expect(saved.profile.category == .refugeeReturnee)
        #expect(saved.profile.householdSize == 5)
        #expect(saved.profile.region == "ML07")
        #expect(harness.session.reference.cercle(saved.profile.cercle)?.cercle.name == "Bourem")
        #expect(saved.profile.village == "Hamakouladji")
        #expect(saved.profile.vulnerabilities == ["female_head_of_household", "disability"])
        #expect(saved.profile.assignedTo == Harness.author)

        harness.send(.escape)
        #expect(harness.titleBar.contains("Cases (6)"))
        let selected = try #require(harness.selectedListRow)
        #expect(selected.contains("GAO-000003"))
        #expect(selected.contains("Coulibaly Mariam"))
        #expect(selected.contains(" Bourem "))

        // What was saved is on disk: another store reading the directory sees it.
        try harness.store.close()
        let reopened = try Store(directory: harness.directory)
        #expect(reopened.book.find(number: "GAO-000003")?.profile.familyName == "Coulibaly")
    }

    @Test("the cercle picker asks for the region first; changing the region clears a cercle of another")
    func cercleNeedsRegion() throws {
        let harness = try Harness()
        harness.type("n")
        harness.send(.tab, times: 11)
        harness.send(.enter)
        #expect(harness.statusLine == " ! Choose the region first.")
        #expect(!harness.text.contains("Ansongo"))

        harness.send(.up, .enter, .down, .enter, .tab, .enter, .down, .enter)
        #expect(harness.formValue("Region") == "Gao")
        #expect(harness.formValue("Cercle") == "Ansongo")
        harness.send(.up, .enter, .home, .enter)
        #expect(harness.formValue("Region") == "Tombouctou")
        #expect(harness.formValue("Cercle") == "(Enter to choose)")
    }

    @Test("help opened from a picker closes back onto the picker")
    func helpFromPicker() throws {
        let harness = try Harness()
        harness.type("n")
        harness.send(.tab, times: 10)
        harness.send(.enter, .down)
        #expect(harness.text.contains("Kidal"))
        harness.send(.function(1))
        #expect(harness.text.contains("Registration form."))
        #expect(harness.footer.contains("Esc Close"))
        harness.send(.escape)
        #expect(harness.text.contains("Kidal"))
        #expect(harness.footer.contains("Enter Confirm"))
        harness.send(.enter)
        #expect(harness.formValue("Region") == "Gao")
    }

    @Test("a person already registered is flagged; the three answers do what they say")
    func duplicates() throws {
        let harness = try Harness()
        harness.type("n")
        fillRequired(harness, family: "MAIGA", given: "aissata", dateOfBirth: "1997-06-01", regionDown: 1)
        harness.send(.function(2))
        let dialog = harness.text
        #expect(dialog.contains(" Possible duplicates "))
        #expect(dialog.contains("GAO-000001  Maïga Aïssata, 1996, Gao"))
        #expect(dialog.contains("[ Back to the form ]"))
        #expect(dialog.contains("Open GAO-000001"))
        #expect(dialog.contains("Save anyway"))
        #expect(!dialog.contains("GAO-000002  "))
        #expect(harness.store.book.count == 5)

        // Back to the form: what was typed is still there.
        harness.send(.enter)
        #expect(harness.titleBar.contains("New registration"))
        #expect(harness.formValue("Family name") == "MAIGA")
        #expect(!harness.text.contains("Possible duplicates"))
        #expect(harness.store.book.count == 5)

        // Open the existing case: nothing saved, the form is gone.
        harness.send(.function(2))
        harness.send(.right)
        #expect(harness.text.contains("[ Open GAO-000001 ]"))
        harness.send(.enter)
        #expect(harness.titleBar.hasPrefix(" Retour · GAO-000001 · Maïga Aïssata"))
        #expect(harness.statusLine == " Opened GAO-000001; the new registration was not saved.")
        #expect(harness.store.book.count == 5)
        harness.send(.escape)
        #expect(harness.titleBar.contains("Cases (5)"))
        #expect(harness.app.screens.count == 1)

        // Save anyway.
        harness.type("n")
        fillRequired(harness, family: "MAIGA", given: "aissata", dateOfBirth: "1997-06-01", regionDown: 1)
        harness.send(.function(2))
        harness.send(.right, .right)
        #expect(harness.text.contains("[ Save anyway ]"))
        harness.send(.enter)
        #expect(harness.store.book.count == 6)
        #expect(harness.titleBar.hasPrefix(" Retour · GAO-000003 · MAIGA aissata"))
        harness.send(.escape)
        #expect(harness.titleBar.contains("Cases (6)"))
    }

    @Test("a person another session registers while the form is open: the duplicate warning runs again under the lock")
    func duplicateSavedByAnotherSession() throws {
        let harness = try Harness(secondSession: true)
        let other = try #require(harness.firstSession)
        harness.type("n")
        fillRequired(harness, family: "TRAORE", given: "kadidia", dateOfBirth: "1996-06-01", regionDown: 1)
        // Meanwhile another case worker registers the same person.
        var profile = try harness.stored("GAO-000001").profile
        profile.familyName = "Traoré"
        profile.givenNames = "Kadidia"
        let entry = try other.commit(.register(id: UUID(), number: CaseBook.numberToAllocate(prefix: "GAO"), profile: profile),
                                     as: .anyone("a.maiga"))
        guard case .register(_, let number, _) = entry.change else { Issue.record("not a registration"); return }
        harness.send(.function(2))
        // Refused under the lock, and the warning shown with the other's case.
        #expect(harness.text.contains(" Possible duplicates "), "\(harness.text)")
        #expect(harness.text.contains("\(number)  Traoré Kadidia"), "\(harness.text)")
        #expect(harness.store.book.count == 6)
        harness.send(.right, .right)
        #expect(harness.text.contains("[ Save anyway ]"))
        harness.send(.enter)
        #expect(harness.store.book.count == 7)
        #expect(harness.titleBar.contains("TRAORE kadidia"))
    }

    @Test("Esc in the duplicates box goes back to the form; different people are not flagged")
    func notDuplicates() throws {
        let harness = try Harness()
        harness.type("n")
        fillRequired(harness, family: "Maïga", given: "Aïssata", dateOfBirth: "1997-06-01", regionDown: 1)
        harness.send(.function(2))
        #expect(harness.text.contains("Possible duplicates"))
        harness.send(.escape)
        #expect(harness.titleBar.contains("New registration"))
        #expect(harness.store.book.count == 5)
        harness.send(.escape)
        #expect(harness.text.contains(" Discard? "))
        harness.send(.right, .enter)

        // Same names, born three years apart: another person.
        harness.type("n")
        fillRequired(harness, family: "Maïga", given: "Aïssata", dateOfBirth: "1983-06-01", regionDown: 1)
        harness.send(.function(2))
        #expect(!harness.text.contains("Possible duplicates"))
        #expect(harness.store.book.count == 6)

        // Same names and year, another region: another person.
        harness.send(.escape)
        harness.type("n")
        fillRequired(harness, family: "Maiga", given: "Aissata", dateOfBirth: "1996-01-01", regionDown: 0)
        harness.send(.function(2))
        #expect(!harness.text.contains("Possible duplicates"))
        #expect(harness.store.book.count == 7)
        #expect(harness.titleBar.contains("TBK-000002"))
    }

    @Test("Esc on a form with typed text asks first; keep returns to the text, discard leaves nothing")
    func cancel() throws {
        let harness = try Harness()
        let seq = harness.store.book.seq
        harness.type("n")
        harness.type("Diallo")
        harness.send(.escape)
        let text = harness.text
        #expect(text.contains(" Discard? "))
        #expect(text.contains("What you typed in this form will be lost."))
        #expect(text.contains("[ Keep editing ]"))
        #expect(text.contains("  Discard  "))

        harness.send(.enter)
        #expect(!harness.text.contains("Discard?"))
        #expect(harness.titleBar.contains("New registration"))
        #expect(harness.formValue("Family name") == "Diallo")
        #expect(harness.terminal.cursor?.y == harness.formRow("Family name *"))

        harness.send(.escape, .right)
        #expect(harness.text.contains("[ Discard ]"))
        harness.send(.enter)
        #expect(harness.titleBar.contains("Cases (5)"))
        #expect(harness.app.screens.count == 1)
        #expect(harness.store.book.count == 5)
        #expect(harness.store.book.seq == seq)

        // A new form starts empty, and leaving an untouched form asks nothing.
        harness.type("n")
        #expect(harness.formValue("Family name") == "")
        harness.send(.escape)
        #expect(harness.titleBar.contains("Cases (5)"))
    }

    @Test("quitting with typed text asks first")
    func quitAsks() throws {
        let harness = try Harness()
        harness.type("n")
        harness.type("Diallo")
        harness.send(.function(10))
        #expect(harness.text.contains("A form holds what you typed; quitting loses it."))
        harness.send(.enter)
        #expect(harness.app.isRunning)
        #expect(harness.formValue("Family name") == "Diallo")
        harness.send(.control("c"), .left, .enter)
        #expect(!harness.app.isRunning)
    }

    @Test("e edits the case through the same form; the new phone is shown and the version grows")
    func edit() throws {
        let harness = try Harness()
        let id = try #require(harness.seeded["GAO-000001"])
        #expect(harness.store.book[id]?.version == 1)
        harness.send(.enter)
        #expect(harness.text.contains("76 11 22 33"))
        harness.type("e")
        #expect(harness.titleBar.hasPrefix(" Retour · Edit GAO-000001"))
        #expect(harness.formValue("Family name") == "Maïga")
        #expect(harness.formValue("Date of birth") == "1996-03-14")
        #expect(harness.formValue("Region") == "Gao")
        harness.send(.tab, times: 5)
        #expect(harness.terminal.cursor?.y == harness.formRow("Phone"))
        harness.send(.control("u"))
        harness.type("66 77 88 99")
        #expect(harness.formValue("Phone") == "66 77 88 99")
        harness.send(.function(2))

        #expect(harness.titleBar.hasPrefix(" Retour · GAO-000001 · Maïga Aïssata"))
        #expect(harness.statusLine == " Changes to GAO-000001 saved.")
        #expect(harness.text.contains("66 77 88 99"))
        #expect(!harness.text.contains("76 11 22 33"))
        let edited = try #require(harness.store.book[id])
        #expect(edited.version == 2)
        #expect(edited.profile.phone == "66 77 88 99")
        #expect(edited.profile.dateOfBirth == CalendarDate(year: 1996, month: 3, day: 14))
        #expect(edited.updated.by == Harness.author)
        #expect(harness.store.book.count == 5)

        // The list finds the case by its new phone.
        harness.send(.escape)
        harness.type("/66778899")
        #expect(harness.listRows.count == 1)
        #expect(harness.listRows.first?.contains("GAO-000001") == true)
    }

    @Test("editing in French keeps the French date and saves")
    func editInFrench() throws {
        let harness = try Harness(language: .fr)
        let id = try #require(harness.seeded["GAO-000001"])
        harness.send(.enter)
        harness.type("e")
        #expect(harness.titleBar.hasPrefix(" Retour · Modifier GAO-000001"))
        #expect(harness.text.contains("14/03/1996"))
        harness.send(.function(2))
        #expect(harness.statusLine == " Modifications de GAO-000001 enregistrées.")
        #expect(harness.store.book[id]?.version == 2)
        #expect(harness.store.book[id]?.profile.dateOfBirth == CalendarDate(year: 1996, month: 3, day: 14))
    }
}
