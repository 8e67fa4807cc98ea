import Foundation
import Testing

/// Names holding emoji sequences in the real case manager, in tmux: each drawn whole, the
/// columns after it where they belong.
@Suite(.serialized)
struct EmojiEndToEndTests {
    @Test(.enabled(if: TmuxSession.available))
    func aFlagIsDrawnWholeAndTheColumnsStayAligned() throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let csv = try harness.write("people.csv", Array("""
            nom;prénoms;sexe;catégorie;région;cercle;village
            Maïga;Aïssata 🇲🇱;F;PDI retourné;Gao;Ansongo;Wabaria
            Touré;Hamadoun;M;PDI retourné;Gao;Ansongo;Kabara

            """.utf8))
        let imported = try harness.run(["import", csv.path, "--user", "awa"])
        #expect(imported.status == 0, "\(imported.stderr)")
        let tmux = try TmuxSession(harness: harness, arguments: ["--user", "awa"], language: "C.UTF-8")
        defer { tmux.kill() }
        try tmux.goOnWithoutUsers()
        tmux.waitFor("Cases (2)")
        // The title may be drawn before the rows (a loaded machine).
        tmux.waitFor("Hamadoun")
        tmux.waitFor("Aïssata")
        let rows = tmux.screen.split(separator: "\n").map(String.init)
        let flagRow = try #require(rows.first { $0.contains("Aïssata") }, "\(tmux.screen)")
        let plainRow = try #require(rows.first { $0.contains("Hamadoun") }, "\(tmux.screen)")
        #expect(flagRow.contains("Aïssata 🇲🇱"), "\(flagRow)")
        // Cells before the cercle's name: tmux draws the flag in two cells, as one character.
        func cell(of text: String, in row: String) -> Int? {
            guard let found = row.range(of: text) else { return nil }
            let before = row[..<found.lowerBound]
            return before.count + before.filter { $0 == "🇲🇱" }.count
        }
        #expect(cell(of: "Ansongo", in: flagRow) != nil, "\(flagRow)")
        #expect(cell(of: "Ansongo", in: flagRow) == cell(of: "Ansongo", in: plainRow), "\(flagRow)\n\(plainRow)")
    }
}
