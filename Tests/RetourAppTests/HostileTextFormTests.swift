import Foundation
import Testing
@testable import RetourApp
@testable import RetourCore
import RetourTestSupport
import RetourTUI

@Suite("Forms refuse control characters, under the field")
struct HostileTextFormTests {
    @Test("a name holding a terminal command is refused under its field; shown as dots, never sent")
    func registrationForm() throws {
        for (label, text) in HostileText.names {
            let harness = try Harness()
            harness.type("n")
            harness.type(text)
            harness.send(.function(2))
            #expect(harness.issue(under: "Family name") == "Holds a control character.", "\(label): \(harness.text)")
            #expect(harness.store.book.count == 5)
            // The screen itself never holds them.
            #expect(HostileText.rawControls(in: harness.text).isEmpty, "\(label)")
        }
    }

    @Test("French: the same words as the import")
    func registrationFormInFrench() throws {
        let harness = try Harness(language: .fr)
        harness.type("n")
        harness.type(HostileText.names[0].text)
        harness.send(.function(2))
        #expect(harness.issue(under: "Nom") == "Contient un caractère de contrôle.", "\(harness.text)")
    }

    @Test("a note, a referral's provider, a reason for closure: every follow-up text is checked the same way")
    func followUpForms() throws {
        let harness = try Harness()
        harness.open("GAO-000001")
        harness.type("5n")
        harness.type("Visite \u{1b}]52;c;SGVsbG8=\u{07}")
        harness.send(.function(2))
        #expect(harness.issue(under: "Note *") == "Holds a control character.", "\(harness.text)")
        #expect(try harness.stored("GAO-000001").notes.isEmpty)

        let referral = try Harness()
        referral.open("GAO-000001")
        referral.type("4n")
        #expect(referral.titleBar.contains("referral"), "\(referral.text)")
        referral.send(.enter, .enter, .tab)
        referral.type("AMSS\u{9b}")
        referral.send(.function(2))
        #expect(referral.issue(under: "Provider") == "Holds a control character.", "\(referral.text)")
        #expect(try referral.stored("GAO-000001").referrals.isEmpty)

        let closure = try Harness()
        closure.open("GAO-000001")
        closure.type("c")
        #expect(closure.titleBar.contains("Request closure"), "\(closure.text)")
        closure.pick(down: 1)
        closure.send(.tab)
        closure.type("Parti \u{202e}ailamoS")
        closure.send(.function(2))
        #expect(closure.issue(under: "Why *") == "Holds a control character.", "\(closure.text)")
        #expect(try closure.stored("GAO-000001").status == .registered)
    }
}
