import Foundation
import Testing
@testable import RetourApp
@testable import RetourCore
import RetourTUI

@Suite("Passphrase screen of an encrypted directory")
struct PassphrasePromptTests {
    struct Refused: UserFacingError {
        var message: Message { SealingError.wrongPassphrase.message }
    }

    /// Accepts "sable chaud de Gao" only; records every passphrase tried.
    final class Lock {
        var tried: [String] = []
        func unlock(_ passphrase: String) throws -> String {
            tried.append(passphrase)
            guard passphrase == "sable chaud de Gao" else { throw Refused() }
            return "unlocked"
        }
    }

    @Test func theRightPassphraseOpensAndNothingTypedIsShown() throws {
        let fixtures = try Fixtures.get()
        let terminal = MemoryTerminal(width: 80, height: 24)
        let prompt = PassphrasePrompt(catalog: fixtures.english, directory: "/srv/retour")
        let lock = Lock()
        terminal.type("sable chaud de Gao")
        terminal.send(.backspace)
        terminal.type("o")
        terminal.send(.enter)
        #expect(prompt.run(on: terminal, unlock: lock.unlock) == "unlocked")
        #expect(lock.tried == ["sable chaud de Gao"])
        let screen = prompt.render(size: Size(width: 80, height: 24))
        #expect(!screen.rows.joined().contains("sable"))
    }

    @Test(arguments: [Language.en, .fr])
    func aWrongPassphraseIsSaidUnderTheFieldAndTheFieldEmptied(language: Language) throws {
        let fixtures = try Fixtures.get()
        let terminal = MemoryTerminal(width: 80, height: 24)
        let prompt = PassphrasePrompt(catalog: fixtures.catalog(language), directory: "/srv/retour")
        let lock = Lock()
        terminal.type("sable froid")
        terminal.send(.enter, .escape)
        #expect(prompt.run(on: terminal, unlock: lock.unlock) == nil)
        #expect(lock.tried == ["sable froid"])
        let text = terminal.text
        let label = fixtures.catalog(language).text("crypto.label")
        let fieldRow = try #require(terminal.rows.firstIndex { $0.contains(label) })
        #expect(!terminal.rows[fieldRow].contains("*"), "the field is emptied after a refusal")
        #expect(terminal.rows[fieldRow + 1].contains(language == .fr ? "Phrase secrète incorrecte" : "Wrong passphrase"))
        #expect(terminal.cursor?.y == fieldRow, "the cursor stays on the field")
        #expect(text.contains(language == .fr ? "Entrée Ouvrir" : "Enter Open"))
    }

    @Test func starsShowHowManyCharactersWereTypedAndEscQuits() throws {
        let fixtures = try Fixtures.get()
        let terminal = MemoryTerminal(width: 80, height: 24)
        let prompt = PassphrasePrompt(catalog: fixtures.english, directory: "/srv/retour")
        let lock = Lock()
        terminal.type("Maïga")
        terminal.send(.escape)
        #expect(prompt.run(on: terminal, unlock: lock.unlock) == nil)
        #expect(lock.tried.isEmpty)
        #expect(terminal.rows.contains { $0.contains("Passphrase: *****") })
        #expect(!terminal.text.contains("Maïga"))
    }

    @Test func ctrlCAndTerminationQuitWithoutTrying() throws {
        let fixtures = try Fixtures.get()
        let lock = Lock()
        let terminal = MemoryTerminal(width: 80, height: 24)
        terminal.type("sable chaud de Gao")
        terminal.send(.control("c"), .enter)
        #expect(PassphrasePrompt(catalog: fixtures.english, directory: "/srv").run(on: terminal, unlock: lock.unlock) == nil)
        let stopped = MemoryTerminal(width: 80, height: 24)
        stopped.terminationRequested = true
        #expect(PassphrasePrompt(catalog: fixtures.english, directory: "/srv").run(on: stopped, unlock: lock.unlock) == nil)
        #expect(lock.tried.isEmpty)
    }
}
