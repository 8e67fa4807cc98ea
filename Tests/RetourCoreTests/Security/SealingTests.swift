#if canImport(Glibc)
import Glibc
#endif
import Crypto
import _CryptoExtras
import Foundation
import Testing
@testable import RetourCore

/// Small scrypt costs keep the tests fast; `ScryptParameters.standard` is for real files.
private let fast = ScryptParameters(logN: 10, r: 8, p: 1)
private let passphrase = "sable du fleuve Niger"

/// Whether `needle` occurs in `haystack` as consecutive bytes.
private func contains(_ haystack: [UInt8], _ needle: String) -> Bool {
    let needle = Array(needle.utf8)
    guard !needle.isEmpty, haystack.count >= needle.count else { return false }
    return (0...(haystack.count - needle.count)).contains { start in
        haystack[start..<(start + needle.count)].elementsEqual(needle)
    }
}

private func json(_ bytes: [UInt8]) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
}

private func bytes(_ object: [String: Any]) throws -> [UInt8] {
    [UInt8](try JSONSerialization.data(withJSONObject: object))
}

@Suite("Sealing: encrypted lines, key file, passphrase")
struct SealingTests {
    let line = Array(#"{"id":"7f3c","familyName":"Maïga","givenNames":"Fatoumata","phone":"+223 76 12 34 56"}"#.utf8)

    // MARK: Lines

    @Test func sealedLinesRoundTrip() throws {
        let sealing = SealedLines(key: SymmetricKey(size: .bits256))
        #expect(sealing.isEncrypted)
        let samples: [[UInt8]] = [line, [], Array("é".utf8), [UInt8](repeating: 0x41, count: 100_000), [0x00, 0xFF, 0x0A]]
        for sample in samples {
            let stored = try sealing.seal(sample)
            #expect(stored != sample)
            #expect(!stored.contains(UInt8(ascii: "\n")))
            #expect(!stored.contains(UInt8(ascii: "\r")))
            #expect(stored.first != UInt8(ascii: "{"))
            // Nonce and tag around the ciphertext, in base64.
            #expect(stored.count == (sample.count + SealedLines.overhead + 2) / 3 * 4)
            #expect(try sealing.open(stored[...]) == sample)
        }
        // A random nonce each time: the same line twice is stored differently.
        #expect(try sealing.seal(line) != sealing.seal(line))
        // A slice inside a larger buffer, as a reader splitting a file on newlines has.
        let file = try sealing.seal(line) + [UInt8(ascii: "\n")] + sealing.seal(Array("second".utf8)) + [UInt8(ascii: "\n")]
        let parts = file.split(separator: UInt8(ascii: "\n"))
        #expect(try parts.map { try sealing.open($0) } == [line, Array("second".utf8)])
    }

    @Test func plainLinesAreTheLinesThemselves() throws {
        let plain = PlainLines()
        #expect(!plain.isEncrypted)
        #expect(try plain.seal(line) == line)
        #expect(try plain.open(line[3...]) == Array(line[3...]))
    }

    @Test func aSealedLineHoldsNoPlaintext() throws {
        let sealing = SealedLines(key: SymmetricKey(size: .bits256))
        #expect(contains(line, "Maïga"))  // the search finds it where it is
        let stored = try sealing.seal(line)
        let decoded = try #require(Base64.decode(stored[...]))
        for needle in ["Maïga", "Fatoumata", "familyName", "76 12 34"] {
            #expect(!contains(stored, needle), "\(needle) in the stored line")
            #expect(!contains(decoded, needle), "\(needle) in the decoded bytes")
        }
        // Nor does the plaintext appear base64-encoded in it.
        #expect(!contains(stored, Base64.encodeString(Array("Maïga".utf8)).replacingOccurrences(of: "=", with: "")))
    }

    @Test func anAlteredLineIsDamaged() throws {
        let sealing = SealedLines(key: SymmetricKey(size: .bits256))
        let stored = try sealing.seal(line)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        // Every character replaced by another valid base64 character: the nonce, ciphertext
        // and tag are all covered by the authentication.
        for index in stored.indices {
            var altered = stored
            let other = alphabet[(alphabet.firstIndex(of: stored[index]).map { $0 + 1 } ?? 0) % alphabet.count]
            altered[index] = other
            #expect(throws: SealingError.damaged, "character \(index)") { try sealing.open(altered[...]) }
        }
        // Cut short, lengthened, empty, not base64, or a plain JSON line.
        for altered in [Array(stored.dropLast(4)), stored + Array("AAAA".utf8), [], Array("not base64!".utf8), line,
                        Array(stored.prefix(36))] {
            #expect(throws: SealingError.damaged) { try sealing.open(altered[...]) }
        }
    }

    @Test func anotherKeyCannotOpenALine() throws {
        let stored = try SealedLines(key: SymmetricKey(size: .bits256)).seal(line)
        #expect(throws: SealingError.damaged) {
            try SealedLines(key: SymmetricKey(size: .bits256)).open(stored[...])
        }
    }

    @Test func linesOpenOnSeveralThreads() async throws {
        let sealing = SealedLines(key: SymmetricKey(size: .bits256))
        let lines = (0..<2_000).map { Array(#"{"n":\#($0),"name":"Maïga"}"#.utf8) }
        let stored = try lines.map { try sealing.seal($0) }
        var opened = [[UInt8]](repeating: [], count: lines.count)
        try await withThrowingTaskGroup(of: (Int, [[UInt8]]).self) { group in
            for part in 0..<4 {
                let range = (part * 500)..<((part + 1) * 500)
                group.addTask { (part, try range.map { try sealing.open(stored[$0][...]) }) }
            }
            for try await (part, result) in group {
                opened.replaceSubrange((part * 500)..<((part + 1) * 500), with: result)
            }
        }
        #expect(opened == lines)
    }

    // MARK: Base64

    @Test func base64IsStrictAndCanonical() {
        for count in 0..<40 {
            let sample = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            let encoded = Base64.encode(sample)
            #expect(encoded == Array(Data(sample).base64EncodedString().utf8), "\(count)")
            #expect(Base64.decode(encoded[...]) == sample, "\(count)")
        }
        // Unused bits set, misplaced padding, whitespace, missing padding.
        for text in ["QR==", "QUF=", "Q===", "QU=B", "QU FB", "QUFB\n", "QUE", "=QUF", "QUFB===="] {
            #expect(Base64.decode(text) == nil, "\(text)")
        }
        #expect(Base64.decode("QQ==") == Array("A".utf8))
        #expect(Base64.decode("QUE=") == Array("AA".utf8))
    }

    // MARK: Key file

    @Test func keyFileRoundTrip() throws {
        let (file, key) = try KeyFile.create(passphrase: passphrase, parameters: fast)
        #expect(key.bitCount == 256)
        let encoded = file.encoded()
        #expect(encoded.last == UInt8(ascii: "\n"))
        #expect(encoded.filter { $0 == UInt8(ascii: "\n") }.count == 1)
        #expect(!contains(encoded, passphrase))
        #expect(!contains(encoded, "Niger"))

        let object = try json(encoded)
        #expect(object["format"] as? String == "retour-key")
        #expect(object["version"] as? Int == 1)
        let kdf = try #require(object["kdf"] as? [String: Any])
        #expect(kdf["name"] as? String == "scrypt")
        #expect(kdf["logN"] as? Int == 10)
        #expect(kdf["r"] as? Int == 8)
        #expect(kdf["p"] as? Int == 1)
        let saltText = try #require(kdf["salt"] as? String)
        let salt = try #require(Data(base64Encoded: saltText))
        #expect(salt.count >= 16)
        let wrappedText = try #require(object["wrappedKey"] as? String)
        let wrapped = try #require(Data(base64Encoded: wrappedText))
        #expect(wrapped.count == 12 + 32 + 16)
        #expect(Set(object.keys) == ["format", "version", "kdf", "wrappedKey"])

        let decoded = try KeyFile.decode(encoded)
        #expect(decoded == file)
        #expect(decoded.parameters == fast)
        #expect(decoded.salt == [UInt8](salt))
        let unlocked = try decoded.unlock(passphrase: passphrase)
        #expect(unlocked == key)
        let stored = try SealedLines(key: key).seal(line)
        #expect(try SealedLines(key: unlocked).open(stored[...]) == line)

        // Whitespace and field order are the JSON's business, not the key file's.
        let reordered = try bytes(object)
        #expect(try KeyFile.decode(reordered) == file)
    }

    @Test func everyKeyFileHasItsOwnKeyAndSalt() throws {
        let (first, firstKey) = try KeyFile.create(passphrase: passphrase, parameters: fast)
        let (second, secondKey) = try KeyFile.create(passphrase: passphrase, parameters: fast)
        #expect(firstKey != secondKey)
        #expect(first.salt != second.salt)
        #expect(first.encoded() != second.encoded())
    }

    @Test func aWrongPassphraseIsRefused() throws {
        let (file, _) = try KeyFile.create(passphrase: passphrase, parameters: fast)
        for wrong in ["sable du fleuve niger", "sable du fleuve Niger ", "", "x", "autre phrase secrète"] {
            #expect(throws: SealingError.wrongPassphrase, "\(wrong.count) characters") {
                try file.unlock(passphrase: wrong)
            }
        }
    }

    @Test func accentsTypedEitherWayUnlock() throws {
        let composed = "café crème à Gao"          // é and à as one code point each
        let decomposed = composed.decomposedStringWithCanonicalMapping
        #expect(Array(composed.utf8) != Array(decomposed.utf8))
        let (file, key) = try KeyFile.create(passphrase: composed, parameters: fast)
        #expect(try file.unlock(passphrase: decomposed) == key)
        #expect(throws: SealingError.wrongPassphrase) { try file.unlock(passphrase: "cafe creme a Gao") }
    }

    @Test func rewrappingKeepsTheDataKey() throws {
        let (file, key) = try KeyFile.create(passphrase: passphrase, parameters: fast)
        let stored = try SealedLines(key: key).seal(line)
        let newPassphrase = "Tombouctou, la ville aux 333 saints"
        let rewrapped = try file.rewrapped(oldPassphrase: passphrase, newPassphrase: newPassphrase)
        #expect(rewrapped.salt != file.salt)
        #expect(rewrapped.wrappedKey != file.wrappedKey)
        #expect(rewrapped.parameters == fast)

        let reread = try KeyFile.decode(rewrapped.encoded())
        let unlocked = try reread.unlock(passphrase: newPassphrase)
        #expect(unlocked == key)
        #expect(try SealedLines(key: unlocked).open(stored[...]) == line)
        // The old passphrase no longer opens the new file, nor the new one the old file.
        #expect(throws: SealingError.wrongPassphrase) { try reread.unlock(passphrase: passphrase) }
        #expect(throws: SealingError.wrongPassphrase) { try file.unlock(passphrase: newPassphrase) }
        // Rewrapping needs the current passphrase, and a new one long enough.
        #expect(throws: SealingError.wrongPassphrase) {
            try file.rewrapped(oldPassphrase: newPassphrase, newPassphrase: "encore une autre")
        }
        #expect(throws: SealingError.passphraseTooShort) {
            try file.rewrapped(oldPassphrase: passphrase, newPassphrase: "court")
        }
        // New parameters when asked, same key still.
        let stronger = ScryptParameters(logN: 11, r: 8, p: 1)
        let upgraded = try file.rewrapped(oldPassphrase: passphrase, newPassphrase: passphrase, parameters: stronger)
        #expect(upgraded.parameters == stronger)
        #expect(try KeyFile.decode(upgraded.encoded()).unlock(passphrase: passphrase) == key)
    }

    @Test func theStoredScryptParametersAreTheOnesUsed() throws {
        let parameters = ScryptParameters(logN: 9, r: 4, p: 2)
        let (file, key) = try KeyFile.create(passphrase: passphrase, parameters: parameters)
        let object = try json(file.encoded())
        let kdf = try #require(object["kdf"] as? [String: Any])
        #expect(kdf["logN"] as? Int == 9)
        #expect(kdf["r"] as? Int == 4)
        #expect(kdf["p"] as? Int == 2)

        // Unwrapping by hand, as the file describes it, with swift-crypto directly.
        let saltText = try #require(kdf["salt"] as? String)
        let salt = try #require(Data(base64Encoded: saltText))
        let wrappedText = try #require(object["wrappedKey"] as? String)
        let wrapped = try #require(Data(base64Encoded: wrappedText))
        func unwrap(logN: Int, r: Int, p: Int) throws -> SymmetricKey? {
            let derived = try KDF.Scrypt.deriveKey(from: Array(passphrase.utf8), salt: salt, outputByteCount: 32,
                                                   rounds: 1 << logN, blockSize: r, parallelism: p)
            guard let data = try? AES.GCM.open(try AES.GCM.SealedBox(combined: wrapped), using: derived) else { return nil }
            return SymmetricKey(data: data)
        }
        #expect(try unwrap(logN: 9, r: 4, p: 2) == key)
        #expect(try unwrap(logN: 10, r: 4, p: 2) == nil)
        #expect(try unwrap(logN: 9, r: 8, p: 2) == nil)
        #expect(try unwrap(logN: 9, r: 4, p: 1) == nil)

        // Parameters changed in the file change the derived key: the passphrase no longer works.
        var edited = object
        edited["kdf"] = kdf.merging(["logN": 10]) { $1 }
        #expect(throws: SealingError.wrongPassphrase) { try KeyFile.decode(try bytes(edited)).unlock(passphrase: passphrase) }
    }

    @Test func standardParameters() {
        #expect(ScryptParameters.standard == ScryptParameters(logN: 15, r: 8, p: 1))
        #expect(ScryptParameters.standard.rounds == 32_768)
        #expect(ScryptParameters.standard.isSupported)
        #expect(fast.isSupported)
        #expect(!ScryptParameters(logN: 30, r: 8, p: 1).isSupported)
        #expect(!ScryptParameters(logN: 20, r: 16, p: 1).isSupported)  // 2 GiB
        #expect(!ScryptParameters(logN: 0, r: 8, p: 1).isSupported)
        #expect(!ScryptParameters(logN: 10, r: 0, p: 1).isSupported)
    }

    @Test func aDamagedKeyFileIsRefused() throws {
        let (file, _) = try KeyFile.create(passphrase: passphrase, parameters: fast)
        let encoded = file.encoded()
        let object = try json(encoded)
        let kdf = try #require(object["kdf"] as? [String: Any])
        let salt = try #require(kdf["salt"] as? String)
        let wrapped = try #require(object["wrappedKey"] as? String)

        var damaged: [(String, [UInt8])] = [
            ("empty", []),
            ("not JSON", Array("retour-key".utf8)),
            ("cut short", Array(encoded.prefix(encoded.count / 2))),
            ("an array", Array("[1,2]".utf8)),
        ]
        func with(_ name: String, _ change: (inout [String: Any]) -> Void) throws {
            var copy = object
            change(&copy)
            damaged.append((name, try bytes(copy)))
        }
        func withKDF(_ name: String, _ value: Any?) throws {
            try with(name) { $0["kdf"] = { var k = kdf; k[name] = value; return k }() }
        }
        try with("another format") { $0["format"] = "retour-snapshot" }
        try with("no format") { $0["format"] = nil }
        try with("version 0") { $0["version"] = 0 }
        try with("version as text") { $0["version"] = "1" }
        try with("no wrapped key") { $0["wrappedKey"] = nil }
        try with("wrapped key not base64") { $0["wrappedKey"] = "%%%%" }
        try with("wrapped key too short") { $0["wrappedKey"] = String(wrapped.dropLast(4)) }
        try with("no kdf") { $0["kdf"] = nil }
        try withKDF("name", "argon2id")
        try withKDF("salt", String(salt.prefix(12)))  // 9 bytes
        try withKDF("salt", nil)
        try withKDF("logN", 40)
        try withKDF("logN", -1)
        try withKDF("r", 0)
        try withKDF("p", nil)
        for (name, bytes) in damaged {
            #expect(throws: SealingError.keyFileUnreadable, "\(name)") { try KeyFile.decode(bytes) }
        }
        // The unaltered file still decodes: the failures above are the alterations'.
        #expect(try KeyFile.decode(try bytes(object)) == file)
    }

    @Test func aNewerKeyFileSaysSo() throws {
        let (file, _) = try KeyFile.create(passphrase: passphrase, parameters: fast)
        var object = try json(file.encoded())
        object["version"] = 2
        #expect(throws: SealingError.keyFileNewer(found: 2)) { try KeyFile.decode(try bytes(object)) }
        // Whatever else a newer version writes.
        let future = Array(#"{"format":"retour-key","version":7,"kdf":{"name":"argon2id","m":65536},"keys":[]}"#.utf8)
        #expect(throws: SealingError.keyFileNewer(found: 7)) { try KeyFile.decode(future) }
    }

    // MARK: Passphrases

    @Test func shortPassphrasesAreRefused() throws {
        for short in ["", "1234567", "ééééééé", "       "] {
            #expect(throws: SealingError.passphraseTooShort, "\(short.count) characters") {
                try Passphrase.validate(short)
            }
            #expect(throws: SealingError.passphraseTooShort) { try KeyFile.create(passphrase: short, parameters: fast) }
        }
        // Characters are counted, not bytes: eight accented letters are enough.
        for long in ["12345678", "éééééééé", "Maïga à Gao"] {
            try Passphrase.validate(long)
        }
    }

    @Test func passphrasesOfOnlySpacesAreRefused() throws {
        let missing = "/nonexistent/retour-test-tty"
        /// The catalogue key of the error `body` throws; nil when it does not throw.
        func refusal(_ body: () throws -> Void) -> String? {
            do {
                try body()
                return nil
            } catch let error as UserFacingError {
                return error.message.key
            } catch {
                return "\(error)"
            }
        }
        let (file, _) = try KeyFile.create(passphrase: "sable chaud de Gao", parameters: fast)
        for blank in ["        ", "\t\t\t\t\t\t\t\t", "  \u{00A0}\u{3000}    ", "          \n"] {
            let blankKey = "crypto.error.passphraseBlank"
            let context = "\(blank.unicodeScalars.map(\.value))"
            #expect(refusal { try Passphrase.validate(blank) } == blankKey, "\(context)")
            #expect(refusal { _ = try KeyFile.create(passphrase: blank, parameters: fast) } == blankKey, "\(context)")
            #expect(refusal { _ = try file.rewrapped(oldPassphrase: "sable chaud de Gao", newPassphrase: blank) } == blankKey)
            for variable in [Passphrase.variable, Passphrase.newVariable] {
                #expect(refusal {
                    _ = try Passphrase.readNew(prompt: "?", confirm: "?", environment: [variable: blank],
                                               variable: variable, terminal: missing)
                } == blankKey, "\(context) in \(variable)")
            }
        }
        // Spaces among other characters are part of a passphrase.
        try Passphrase.validate("  sable chaud  ")
        try Passphrase.validate("       .")
    }

    @Test func theVariableIsUsedWhenSet() throws {
        let missing = "/nonexistent/retour-test-tty"
        #expect(try Passphrase.read(prompt: "?", environment: ["RETOUR_PASSPHRASE": "from the script"],
                                    variable: Passphrase.variable, terminal: missing) == "from the script")
        #expect(try Passphrase.readNew(prompt: "?", confirm: "?", environment: ["RETOUR_NEW_PASSPHRASE": "new one here"],
                                       variable: Passphrase.newVariable, terminal: missing) == "new one here")
        #expect(throws: SealingError.passphraseTooShort) {
            try Passphrase.readNew(prompt: "?", confirm: "?", environment: ["RETOUR_PASSPHRASE": "short"],
                                   variable: Passphrase.variable, terminal: missing)
        }
        // No variable (or an empty one) and no terminal.
        for environment in [[:], ["RETOUR_PASSPHRASE": ""], ["RETOUR_NEW_PASSPHRASE": "for another variable"]] {
            #expect(throws: SealingError.noTerminal(variable: Passphrase.variable)) {
                try Passphrase.read(prompt: "?", environment: environment, variable: Passphrase.variable, terminal: missing)
            }
        }
        // A file that is not a terminal.
        #expect(throws: SealingError.noTerminal(variable: Passphrase.variable)) {
            try Passphrase.read(prompt: "?", environment: [:], variable: Passphrase.variable, terminal: "/dev/null")
        }
    }

    @Test func aPassphraseIsTypedWithoutEcho() throws {
        let terminal = try PseudoTerminal()
        let path = terminal.path
        let reading = OnThread {
            try Passphrase.read(prompt: "Phrase secrète : ", environment: [:], variable: Passphrase.variable, terminal: path)
        }
        try terminal.waitFor("Phrase secrète : ")
        #expect(!terminal.echoes)  // off while the prompt waits
        // Typed with a mistake corrected by Backspace (an accented letter: two bytes, one key).
        terminal.type("sable é\u{7F}du Niger\r")
        #expect(try reading.result() == "sable du Niger")
        try terminal.waitFor("\n")
        #expect(!contains(terminal.output, "sable"), "the passphrase was echoed")
        #expect(!contains(terminal.output, "Niger"), "the passphrase was echoed")
        #expect(terminal.echoes)  // and back on afterwards
        #expect(terminal.isCanonical)
    }

    @Test func ctrlCCancelsAndRestoresTheTerminal() throws {
        let terminal = try PseudoTerminal()
        let path = terminal.path
        let reading = OnThread {
            try Passphrase.read(prompt: "> ", environment: [:], variable: Passphrase.variable, terminal: path)
        }
        try terminal.waitFor("> ")
        terminal.type("secret\u{03}")
        #expect(throws: SealingError.cancelled) { try reading.result() }
        #expect(terminal.echoes)
        #expect(terminal.isCanonical)
        try terminal.waitFor("\n")
        #expect(!contains(terminal.output, "secret"))

        let second = OnThread {
            try Passphrase.read(prompt: "> ", environment: [:], variable: Passphrase.variable, terminal: path)
        }
        try terminal.waitFor("> ")
        terminal.type("\u{04}")  // Ctrl-D on an empty line
        #expect(throws: SealingError.cancelled) { try second.result() }
        #expect(terminal.echoes)
    }

    @Test func aNewPassphraseIsAskedTwice() throws {
        let terminal = try PseudoTerminal()
        let path = terminal.path
        let ask = { @Sendable in
            try Passphrase.readNew(prompt: "New: ", confirm: "Again: ", environment: [:],
                                   variable: Passphrase.variable, terminal: path)
        }
        let matching = OnThread(ask)
        try terminal.waitFor("New: ")
        terminal.type("Maïga à Gao\r")
        try terminal.waitFor("Again: ")
        terminal.type("Maïga à Gao\r")
        #expect(try matching.result() == "Maïga à Gao")
        try terminal.waitFor("\n")

        let differing = OnThread(ask)
        try terminal.waitFor("New: ")
        terminal.type("Maïga à Gao\r")
        try terminal.waitFor("Again: ")
        terminal.type("Maïga a Gao\r")
        #expect(throws: SealingError.passphrasesDiffer) { try differing.result() }
        try terminal.waitFor("\n")

        // Too short: refused before the confirmation is asked.
        let short = OnThread(ask)
        try terminal.waitFor("New: ")
        let mark = terminal.output.endIndex
        terminal.type("court\r")
        #expect(throws: SealingError.passphraseTooShort) { try short.result() }
        try terminal.waitFor("\n")
        terminal.drain()
        #expect(!contains(Array(terminal.output[mark...]), "Again"))
        #expect(!contains(terminal.output, "Ma"))
        #expect(terminal.echoes)
    }

    // MARK: Messages

    @Test(arguments: Language.allCases)
    func everyErrorHasAText(language: Language) throws {
        let catalog = try Catalog(language: language, assets: try Assets.locate())
        let errors: [SealingError] = [.wrongPassphrase, .damaged, .keyFileUnreadable, .keyFileNewer(found: 2),
                                      .passphraseTooShort, .passphrasesDiffer, .noTerminal(variable: Passphrase.variable), .cancelled]
        var texts: Set<String> = []
        for error in errors {
            #expect(catalog.keys.contains(error.message.key), "\(error)")
            let text = catalog.text(error)
            #expect(!text.contains("{") && !text.contains("}"), "\(language) \(error): \(text)")
            texts.insert(text)
        }
        #expect(texts.count == errors.count)
        #expect(catalog.text(SealingError.keyFileNewer(found: 2)).contains("key.json"))
        #expect(catalog.text(SealingError.passphraseTooShort).contains("8"))
        #expect(catalog.text(SealingError.noTerminal(variable: Passphrase.variable)).contains("RETOUR_PASSPHRASE"))
        for key in ["crypto.reason.damaged", "crypto.prompt.passphrase", "crypto.prompt.newPassphrase", "crypto.prompt.confirm"] {
            #expect(catalog.keys.contains(key), "\(key)")
        }
    }
}

/// A pseudo-terminal: the test types on its master side; `Passphrase` opens the slave by path.
private final class PseudoTerminal {
    let master: Int32
    /// The test's own descriptor on the slave side, to read its settings (and so that the
    /// terminal stays open between two readings).
    let slave: Int32
    let path: String
    /// Everything the program wrote to the terminal (and the terminal echoed) so far.
    private(set) var output: [UInt8] = []
    /// Where the next `waitFor` starts looking.
    private var consumed = 0

    init() throws {
        // Not declared by the Glibc module (they need _XOPEN_SOURCE): looked up in libc.
        let posixOpenpt = cFunction("posix_openpt", as: (@convention(c) (Int32) -> Int32).self)
        let grantpt = cFunction("grantpt", as: (@convention(c) (Int32) -> Int32).self)
        let unlockpt = cFunction("unlockpt", as: (@convention(c) (Int32) -> Int32).self)
        let ptsnameR = cFunction("ptsname_r", as: (@convention(c) (Int32, UnsafeMutablePointer<CChar>, Int) -> Int32).self)
        master = posixOpenpt(O_RDWR | O_NOCTTY)
        guard master >= 0, grantpt(master) == 0, unlockpt(master) == 0 else { throw POSIXError(.EIO) }
        var name = [CChar](repeating: 0, count: 128)
        guard ptsnameR(master, &name, name.count) == 0 else { throw POSIXError(.EIO) }
        path = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        slave = open(path, O_RDWR | O_NOCTTY)
        guard slave >= 0 else { throw POSIXError(.EIO) }
    }

    deinit {
        close(slave)
        close(master)
    }

    private var settings: termios {
        var settings = termios()
        tcgetattr(slave, &settings)
        return settings
    }

    var echoes: Bool { settings.c_lflag & tcflag_t(ECHO) != 0 }
    var isCanonical: Bool { settings.c_lflag & tcflag_t(ICANON) != 0 }

    func type(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(master, $0.baseAddress!, $0.count) }
    }

    /// Reads what the program wrote until `text` appears after the previous wait's (5 s at most).
    func waitFor(_ text: String) throws {
        let needle = Array(text.utf8)
        let deadline = Date().addingTimeInterval(5)
        while true {
            if let found = firstRange(of: needle, from: consumed) {
                consumed = found
                return
            }
            guard Date() < deadline else { throw POSIXError(.ETIMEDOUT) }
            readAvailable(waiting: 100)
        }
    }

    /// Reads whatever is still pending.
    func drain() {
        while readAvailable(waiting: 50) {}
    }

    @discardableResult
    private func readAvailable(waiting milliseconds: Int32) -> Bool {
        var poller = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, milliseconds) > 0 else { return false }
        var chunk = [UInt8](repeating: 0, count: 256)
        let count = read(master, &chunk, chunk.count)
        guard count > 0 else { return false }
        output += chunk[0..<count]
        return true
    }

    /// The index just after the first occurrence of `needle` at or after `start`.
    private func firstRange(of needle: [UInt8], from start: Int) -> Int? {
        guard output.count - start >= needle.count else { return nil }
        for index in start...(output.count - needle.count)
        where output[index..<(index + needle.count)].elementsEqual(needle) {
            return index + needle.count
        }
        return nil
    }
}

/// The C function `name` of the process, as `type`.
private func cFunction<T>(_ name: String, as type: T.Type) -> T {
    let symbol = dlsym(dlopen(nil, RTLD_NOW), name)
    precondition(symbol != nil, "\(name) not found")
    return unsafeBitCast(symbol, to: type)
}

/// Runs `body` on a thread of its own (it blocks on a terminal), for the result later.
private final class OnThread<T: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var outcome: Result<T, Error>?

    init(_ body: @escaping @Sendable () throws -> T) {
        let thread = Thread { [self] in
            outcome = Result { try body() }
            done.signal()
        }
        thread.start()
    }

    /// The result, waiting 5 s at most.
    func result() throws -> T {
        guard done.wait(timeout: .now() + 5) == .success, let outcome else { throw POSIXError(.ETIMEDOUT) }
        return try outcome.get()
    }
}
