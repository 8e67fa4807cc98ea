import Foundation
import Testing

/// Encryption at rest through the real binary: the command line, and the first screen of the
/// case manager in tmux.
@Suite(.serialized)
struct EncryptionEndToEndTests {
    static let passphrase = "sable chaud de Gao"

    /// Every file under the data directory, read whole.
    func contents(_ harness: Harness) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: harness.data.path)
        while let relative = enumerator?.nextObject() as? String {
            let url = harness.data.appendingPathComponent(relative)
            if let data = try? Data(contentsOf: url) { files[relative] = data }
        }
        return files
    }

    @Test func initEncryptHidesEveryNameAndEveryCommandAsksThePassphrase() throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let csv = try harness.write("personnes.csv", CaseManagerEndToEndTests.frenchSpreadsheet())
        #expect(try harness.run(["import", csv.path, "--user", "awa"]).status == 0)
        let plain = try harness.run(["list"])
        let names = plain.stdout.split(separator: "\n").dropFirst().map { String($0.split(separator: "\t")[1]) }
        #expect(names.count == 20)

        let refused = try harness.run(["init", "--encrypt"], environment: ["RETOUR_PASSPHRASE": "court"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("at least 8 characters"))
        let done = try harness.run(["init", "--encrypt"], environment: ["RETOUR_PASSPHRASE": Self.passphrase])
        #expect(done.status == 0, "\(done.stderr)")
        #expect(done.stdout.contains("is now encrypted (20 cases sealed)"))

        for (file, bytes) in try contents(harness) {
            for name in Set(names) {
                #expect(bytes.range(of: Data(name.utf8)) == nil, "\(file) shows a name")
            }
        }

        // No terminal and no variable: one line saying what to do; nothing written.
        let before = try contents(harness)
        let noPassphrase = try harness.run(["list"])
        #expect(noPassphrase.status != 0)
        #expect(noPassphrase.stderr.split(separator: "\n").count == 1)
        #expect(noPassphrase.stderr.contains("RETOUR_PASSPHRASE"))
        let wrong = try harness.run(["show", "GAO-000001"], environment: ["RETOUR_PASSPHRASE": "sable froid de Kidal"])
        #expect(wrong.status != 0)
        #expect(wrong.stderr.hasPrefix("retour: Wrong passphrase"))
        #expect(try contents(harness) == before)

        let list = try harness.run(["list", "--search", "maiga"], environment: ["RETOUR_PASSPHRASE": Self.passphrase])
        #expect(list.status == 0)
        #expect(list.stdout.split(separator: "\n").count == 3)
        let check = try harness.run(["check"], environment: ["RETOUR_PASSPHRASE": Self.passphrase])
        #expect(check.status == 0, "\(check.stdout)")
        #expect(check.stdout.contains("Encrypted data directory (key.json)"))

        // A new passphrase: the old one no longer opens it, the new one does.
        let changed = try harness.run(["passphrase"], environment: ["RETOUR_PASSPHRASE": Self.passphrase,
                                                                   "RETOUR_NEW_PASSPHRASE": "fleuve Niger à Mopti"])
        #expect(changed.status == 0, "\(changed.stderr)")
        #expect(try harness.run(["list"], environment: ["RETOUR_PASSPHRASE": Self.passphrase]).status != 0)
        #expect(try harness.run(["list"], environment: ["RETOUR_PASSPHRASE": "fleuve Niger à Mopti"]).stdout == plain.stdout)
    }

    @Test(.enabled(if: TmuxSession.available))
    func theCaseManagerAsksThePassphraseOnItsFirstScreen() throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let csv = try harness.write("personnes.csv", CaseManagerEndToEndTests.frenchSpreadsheet())
        #expect(try harness.run(["import", csv.path, "--user", "awa"]).status == 0)
        #expect(try harness.run(["init", "--encrypt"], environment: ["RETOUR_PASSPHRASE": Self.passphrase]).status == 0)

        let tmux = try TmuxSession(harness: harness, arguments: ["--lang", "fr"], language: "C.UTF-8")
        defer { tmux.kill() }
        tmux.waitFor("Phrase secrète :")
        try tmux.type("sable froid")
        tmux.waitFor("Phrase secrète : ***********")
        #expect(!tmux.screen.contains("sable"), "the passphrase is never shown")
        try tmux.keys("Enter")
        tmux.waitFor("Phrase secrète incorrecte")
        try tmux.type(Self.passphrase)
        try tmux.keys("Enter")
        tmux.waitFor("Dossiers (20)")
        try tmux.keys("F10")
        #expect(tmux.waitForExit() == 0)
    }
}
