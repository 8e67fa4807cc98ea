import Foundation
import Testing
import RetourCore
import RetourDemo
import RetourTestSupport

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
        try tmux.goOnWithoutUsers()
        tmux.waitFor("Dossiers (20)")
        try tmux.keys("F10")
        #expect(tmux.waitForExit() == 0)
    }

    /// The files of the data directory in which one of `names` can be read.
    func revealing(_ harness: Harness, _ names: Set<String>) throws -> [String] {
        try contents(harness).filter { _, bytes in names.contains { ReadableName.appears($0, in: bytes) } }.keys.sorted()
    }

    /// `retour init --encrypt` killed with SIGKILL at random moments of its run (a fixed seed,
    /// `RETOUR_KILL_SEED` replaces it): `retour check` never says "encrypted" while a name can
    /// be read, and says an unfinished encryption is one (exit 1); `init --encrypt` run again,
    /// or a session that writes (an import), finishes it; then no file shows a name and every
    /// case is there.
    @Test func initEncryptKilledAtRandomMomentsIsFinishedByTheNextOne() throws {
        let seed = ProcessInfo.processInfo.environment["RETOUR_KILL_SEED"].flatMap { UInt64($0) } ?? 20_160_302
        var random = SeededGenerator(seed: seed)
        let environment = ["RETOUR_PASSPHRASE": Self.passphrase]
        let spreadsheet = CaseManagerEndToEndTests.frenchSpreadsheet()
        func prepared() throws -> (harness: Harness, list: String, names: Set<String>) {
            let harness = try Harness()
            let csv = try harness.write("personnes.csv", spreadsheet)
            // Two imports: a snapshot, a backup and journal lines to encrypt.
            #expect(try harness.run(["import", csv.path, "--user", "awa"]).status == 0)
            #expect(try harness.run(["import", csv.path, "--user", "awa", "--allow-duplicates"]).status == 0)
            let list = try harness.run(["list"]).stdout
            let names = Set(list.split(separator: "\n").dropFirst().map { String($0.split(separator: "\t")[1]) })
            return (harness, list, names)
        }
        func keyFileWritten(_ harness: Harness) -> () -> Bool {
            { FileManager.default.fileExists(atPath: harness.data.appendingPathComponent("key.json").path) }
        }
        // How long an uncut run takes here, and how long after its key file appears: the kills
        // are spread over the whole run, and (most of them) over the sealing that follows the
        // key file, a few milliseconds at the end.
        let uncut = try prepared()
        defer { uncut.harness.cleanUp() }
        let timed = try KillLoopTests.runKilled(["init", "--encrypt", "--data", uncut.harness.data.path], after: nil,
                                                in: uncut.harness.root, environment: environment,
                                                reached: keyFileWritten(uncut.harness))
        try #require(timed.outcome == .exited(0), "\(timed.stderr)")
        let sealing = timed.seconds - (timed.reachedAt ?? 0)
        var killed = 0, unfinished = 0, byImport = 0
        for round in 1...6 {
            let (harness, list, names) = try prepared()
            defer { harness.cleanUp() }
            // Rounds 1-2 anywhere in the run, 3-4 within a millisecond of key.json appearing (the
            // moment of the reported crash), 5-6 anywhere in the sealing after it.
            let afterKey = round > 2
            let window = round <= 2 ? timed.seconds * 1.1 : round <= 4 ? 0.001 : sealing * 1.1
            let delay = Double.random(in: 0..<window, using: &random)
            let context = "seed \(seed) round \(round), killed \(Int(delay * 1_000_000)) µs after "
                + (afterKey ? "key.json appeared (sealing took \(Int(sealing * 1_000_000)) µs)" : "the start (of \(Int(timed.seconds * 1000)) ms)")
            let run = try KillLoopTests.runKilled(["init", "--encrypt", "--data", harness.data.path], after: delay,
                                                  in: harness.root, environment: environment,
                                                  reached: afterKey ? keyFileWritten(harness) : nil)
            if run.outcome == .killed { killed += 1 }
            let readable = try revealing(harness, names)
            let keyFile = FileManager.default.fileExists(atPath: harness.data.appendingPathComponent("key.json").path)
            let check = try harness.run(["check"], environment: environment)
            if check.status == 0 && check.stdout.contains("names cannot be read") {
                #expect(readable == [], "\(context): check says encrypted, names readable in")
            }
            if keyFile && !readable.isEmpty {
                unfinished += 1
                #expect(check.status == 1 && check.stdout.contains("Encryption of this data directory was interrupted"),
                        "\(context): \(check.stdout)")
                // `init` alone does not say "ready (encrypted)": it says how to finish.
                let ready = try harness.run(["init"], environment: environment)
                #expect(ready.status == 1 && ready.stderr.contains("Run retour init --encrypt to finish it"), "\(context): \(ready.stderr)")
            }
            if !keyFile {
                #expect(check.status == 0 && check.stdout.contains("not encrypted"), "\(context): \(check.stdout)")
            }

            // The next command: init --encrypt again; or, once there is a key file, one round in
            // two, an import (a session that writes, as the case manager is).
            let next: String
            var expected = list
            if keyFile && round % 2 == 0 {
                next = "an import"
                byImport += 1
                let csv = try harness.write("extra.csv", Array("family_name,given_names,sex,category,region,household_size\nDembélé,Oumou,F,idp_returnee,Gao,4\n".utf8))
                let imported = try harness.run(["import", csv.path, "--user", "awa"], environment: environment)
                #expect(imported.status == 0, "\(context): import: \(imported.stderr)")
                expected = try harness.run(["list"], environment: environment).stdout
                #expect(expected.contains("Dembélé") && expected.split(separator: "\n").count == list.split(separator: "\n").count + 1,
                        "\(context): the import")
            } else {
                next = "init --encrypt again"
                let again = try harness.run(["init", "--encrypt"], environment: environment)
                if readable.isEmpty && keyFile {
                    #expect(again.status == 0 || again.stderr.contains("already encrypted"), "\(context): \(again.stderr)")
                } else {
                    #expect(again.status == 0, "\(context): init --encrypt again: \(again.stderr)")
                }
            }
            #expect(try revealing(harness, names.union(["Dembélé"])) == [], "\(context): after \(next), names readable in")
            let sealed = try harness.run(["check"], environment: environment)
            #expect(sealed.status == 0 && sealed.stdout.contains("Encrypted data directory (key.json)"), "\(context): \(sealed.stdout)")
            let now = try harness.run(["list"], environment: environment).stdout
            #expect(now == expected && list.split(separator: "\n").allSatisfy { now.contains($0) }, "\(context): the cases changed")
        }
        print("init --encrypt killed \(killed) times (seed \(seed)), \(unfinished) left unfinished, each finished by the next"
              + " command (\(byImport) of 6 an import, the others init --encrypt);"
              + " a run took \(Int(timed.seconds * 1000)) ms, its sealing \(Int(sealing * 1_000_000)) µs")
    }

    @Test func aPassphraseOfOnlySpacesIsRefused() throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let blank = "        "
        let refused = try harness.run(["init", "--encrypt"], environment: ["RETOUR_PASSPHRASE": blank])
        #expect(refused.status != 0)
        #expect(refused.stderr.split(separator: "\n").count == 1)
        #expect(refused.stderr.contains("only spaces"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: harness.data.appendingPathComponent("key.json").path))

        #expect(try harness.run(["init", "--encrypt"], environment: ["RETOUR_PASSPHRASE": Self.passphrase]).status == 0)
        let key = try Data(contentsOf: harness.data.appendingPathComponent("key.json"))
        let change = try harness.run(["passphrase"], environment: ["RETOUR_PASSPHRASE": Self.passphrase,
                                                                  "RETOUR_NEW_PASSPHRASE": blank])
        #expect(change.status != 0)
        #expect(change.stderr.contains("only spaces"), "\(change.stderr)")
        #expect(try Data(contentsOf: harness.data.appendingPathComponent("key.json")) == key)
    }
}
