import Testing
@testable import RetourTUI

@Suite("Help: key lines wrapped under their label")
struct HelpLinesTests {
    @Test func longLabelsWrapUnderThemselvesAndLoseNoWord() {
        let hints = [
            KeyHint(keys: "Entrée", label: "Nouvelle ligne (le formulaire s'enregistre avec F2, Tab passe au champ suivant)"),
            KeyHint(keys: "↑/↓", label: "Ligne au-dessus / en dessous ; de la première ou de la dernière, le champ précédent ou suivant"),
            KeyHint(keys: "F2", label: "Enregistrer"),
        ]
        let lines = KeyHint.helpLines(hints, width: 50)
        #expect(lines.allSatisfy { CellWidth.of($0) <= 50 }, "\(lines)")
        #expect(lines.first?.hasPrefix("Entrée  Nouvelle ligne") == true)
        // Continuation lines start under the label, not under the keys.
        #expect(lines[1].hasPrefix("        ") && !lines[1].hasPrefix("         "))
        let words = lines.flatMap { $0.split(separator: " ") }.map(String.init)
        for hint in hints {
            for word in hint.label.split(separator: " ") { #expect(words.contains(String(word)), "\(word) lost") }
        }
        #expect(lines.last == "F2      Enregistrer")
    }
}
