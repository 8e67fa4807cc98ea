import Foundation
import Testing
@testable import RetourCore

@Suite("Catalog: translations and language choice")
struct CatalogTests {
    let assets: Assets

    init() throws {
        assets = try Assets.locate()
    }

    private func placeholders(_ text: String) -> Set<String> {
        var names: Set<String> = []
        var rest = text[...]
        while let open = rest.firstIndex(of: "{") {
            let after = rest[rest.index(after: open)...]
            guard let close = after.firstIndex(of: "}") else { break }
            names.insert(String(after[..<close]))
            rest = after[after.index(after: close)...]
        }
        return names
    }

    private func keysByFile(_ language: Language) throws -> [String: Set<String>] {
        let folder = assets.url("locales/\(language.rawValue)")
        var result: [String: Set<String>] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".json") {
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            result[name] = Set(try LineDecoder().decode([String: String].self, from: data).keys)
        }
        return result
    }

    @Test func frenchAndEnglishHaveTheSameKeys() throws {
        let french = try Catalog(language: .fr, assets: assets)
        let english = try Catalog(language: .en, assets: assets)
        #expect(french.language == .fr)
        #expect(english.language == .en)
        #expect(!english.keys.isEmpty)
        #expect(english.keys.subtracting(french.keys).sorted() == [], "missing in French")
        #expect(french.keys.subtracting(english.keys).sorted() == [], "missing in English")
        // And file by file, so that a key is looked for where it belongs.
        let frenchFiles = try keysByFile(.fr)
        let englishFiles = try keysByFile(.en)
        #expect(frenchFiles.keys.sorted() == englishFiles.keys.sorted())
        for (file, keys) in englishFiles {
            #expect(frenchFiles[file] == keys, "\(file)")
        }
    }

    @Test(arguments: Language.allCases)
    func noTextIsEmpty(language: Language) throws {
        let catalog = try Catalog(language: language, assets: assets)
        for key in catalog.keys.sorted() {
            let text = catalog.text(key)
            #expect(!text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(language) \(key)")
            #expect(text != key, "\(language) \(key)")
        }
    }

    /// A login may start with a vowel: "de a.maiga" is not French, and the text cannot elide
    /// what it does not know. Texts name a person by a login after "par", "avec", or in brackets.
    @Test func noFrenchTextPutsDeBeforeALogin() throws {
        let catalog = try Catalog(language: .fr, assets: assets)
        for key in catalog.keys.sorted() {
            let text = catalog.text(key)
            for login in ["{who}", "{with}", "{login}", "{by}"] {
                #expect(!text.contains("de " + login) && !text.contains("De " + login), "\(key): \(text)")
            }
        }
    }

    @Test func placeholdersAgree() throws {
        let french = try Catalog(language: .fr, assets: assets)
        let english = try Catalog(language: .en, assets: assets)
        var checked = 0
        for key in english.keys.sorted() {
            let inEnglish = placeholders(english.text(key))
            let inFrench = placeholders(french.text(key))
            #expect(inEnglish.subtracting(inFrench).isEmpty, "\(key): French lacks \(inEnglish.subtracting(inFrench).sorted())")
            #expect(inFrench.subtracting(inEnglish).isEmpty, "\(key): French adds \(inFrench.subtracting(inEnglish).sorted())")
            checked += inEnglish.count
        }
        #expect(checked > 10)
    }

    @Test func everyCodeHasALabel() throws {
        let reference = try Reference(assets: assets)
        for language in Language.allCases {
            let keys = try Catalog(language: language, assets: assets).keys
            var needed = Sex.allCases.map { "sex.\($0.rawValue)" }
                + Category.allCases.map { "category.\($0.rawValue)" }
                + CaseStatus.allCases.map { "status.\($0.rawValue)" }
                + ProfileField.allCases.map(\.labelKey)
            needed += reference.vulnerabilities.map { "vulnerability.\($0.code)" }
            needed += reference.idDocumentTypes.map { "document.\($0)" }
            #expect(Set(needed).subtracting(keys).sorted() == [], "\(language)")
        }
    }

    @Test func textFillsPlaceholdersAndTranslatesKeyArguments() {
        let catalog = Catalog(language: .en, texts: [
            "greeting": "Hello {name}, {name}!",
            "error": "Cannot read {file}: {reason}.",
            "reason.full": "the disk is full",
        ])
        #expect(catalog.text("greeting", ["name": "Awa"]) == "Hello Awa, Awa!")
        #expect(catalog.text(Message("error", ["file": "journal.jsonl", "reason": "@reason.full"]))
                == "Cannot read journal.jsonl: the disk is full.")
        // A missing key shows itself.
        #expect(catalog.text("no.such.key") == "no.such.key")
        #expect(catalog.text(CocoaError(.fileNoSuchFile)) == "error.unexpected")
    }

    @Test(arguments: Language.allCases)
    func noTextHedgesAPluralWithParentheses(language: Language) throws {
        // "1 field(s)": a count says its noun in the singular or the plural (`.one`/`.other`).
        let catalog = try Catalog(language: language, assets: assets)
        let hedged = catalog.keys.sorted().filter { catalog.text($0).contains("(s)") }
        #expect(hedged == [], "\(language)")
    }

    @Test func aCountChoosesTheSingularOrThePluralText() {
        let texts = ["fields.one": "{count} field to correct", "fields.other": "{count} fields to correct",
                     "plain": "{count} x"]
        let english = Catalog(language: .en, texts: texts)
        let french = Catalog(language: .fr, texts: texts)
        #expect(english.counted("fields", 1) == "1 field to correct")
        #expect(english.counted("fields", 0) == "0 fields to correct")
        #expect(french.counted("fields", 0) == "0 field to correct")
        // A message of the core names its count; the catalogue chooses the form.
        #expect(english.text(Message("fields", ["count": "1"])) == "1 field to correct")
        #expect(english.text(Message("fields", ["count": "2"])) == "2 fields to correct")
        #expect(french.text(Message("fields", ["count": "1"])) == "1 field to correct")
        #expect(english.text(Message("plain", ["count": "1"])) == "1 x")
    }

    @Test func datesFollowTheLanguage() {
        let date = CalendarDate(year: 2025, month: 3, day: 7)!
        #expect(Catalog(language: .fr, texts: [:]).date(date) == "07/03/2025")
        #expect(Catalog(language: .en, texts: [:]).date(date) == "2025-03-07")
    }

    @Test func aKeyDefinedTwiceIsAnError() throws {
        try withTemporaryDirectory { root in
            let folder = root.appendingPathComponent("locales/en")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(#"{"a": "A", "b": "B"}"#.utf8).write(to: folder.appendingPathComponent("one.json"))
            let loaded = try Catalog(language: .en, assets: Assets(root: root))
            #expect(loaded.keys == ["a", "b"])
            try Data(#"{"b": "other B"}"#.utf8).write(to: folder.appendingPathComponent("two.json"))
            #expect(throws: AssetError.self) { try Catalog(language: .en, assets: Assets(root: root)) }
            try Data(#"{"c": 3}"#.utf8).write(to: folder.appendingPathComponent("two.json"))
            #expect(throws: AssetError.self) { try Catalog(language: .en, assets: Assets(root: root)) }
            #expect(throws: AssetError.self) { try Catalog(language: .fr, assets: Assets(root: root)) }
        }
    }

    @Test(arguments: [
        (["LANG": "fr_FR.UTF-8"], Language.fr),
        (["LANG": "C.UTF-8"], .en),
        (["LANG": "en_US.UTF-8"], .en),
        (["LANG": "fr"], .fr),
        (["LANG": "FR_ml.utf8"], .fr),
        ([:], .en),
        (["LC_ALL": "C.UTF-8", "LC_MESSAGES": "fr_FR.UTF-8", "LANG": "fr_FR.UTF-8"], .en),
        (["LC_ALL": "fr_FR.UTF-8", "LC_MESSAGES": "en_US.UTF-8", "LANG": "en_US.UTF-8"], .fr),
        (["LC_MESSAGES": "fr_FR.UTF-8", "LANG": "en_US.UTF-8"], .fr),
        (["LC_MESSAGES": "en_GB.UTF-8", "LANG": "fr_FR.UTF-8"], .en),
        (["LC_ALL": "", "LC_MESSAGES": "", "LANG": "fr_FR.UTF-8"], .fr),
        (["LC_ALL": "", "LANG": ""], .en),
        (["LC_CTYPE": "fr_FR.UTF-8"], .en),
    ] as [([String: String], Language)])
    func languageFromEnvironment(environment: [String: String], expected: Language) {
        #expect(Language.from(environment: environment) == expected)
    }
}
