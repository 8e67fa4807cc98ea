import Foundation
import Testing
@testable import RetourCore
import RetourTestSupport

@Suite("Text is data: control characters refused at input")
struct PlainTextInputTests {
    typealias F = CSVFixtures
    let today = CalendarDate(year: 2025, month: 6, day: 15)!

    private var valid: ProfileDraft {
        ProfileDraft([
            .familyName: "Maïga", .givenNames: "Fatoumata", .sex: "F", .dateOfBirth: "14/03/1980",
            .category: "idp_returnee", .region: "Gao", .cercle: "Ansongo",
        ])
    }

    private func issues(_ draft: ProfileDraft) -> [FieldIssue] {
        if case .failure(let invalid) = draft.parse(reference: F.reference, today: today) { return invalid.issues }
        return []
    }

    @Test("each hostile sequence in a name or a place is refused, next to its field, and nothing else is said of it")
    func hostileTextInEveryTextField() {
        for (label, text) in HostileText.names {
            for field in [ProfileField.familyName, .givenNames, .village, .commune, .displacedTo, .assignedTo, .phone, .cercle] {
                var draft = valid
                draft[field] = text
                let found = issues(draft)
                #expect(found.map(\.field) == [field], "\(label) in \(field): \(found)")
                #expect(found.first?.message.key == "invalid.control", "\(label) in \(field): \(found)")
            }
        }
        #expect(F.english.text("invalid.control").hasPrefix("Holds a control character"))
        #expect(F.french.text("invalid.control").hasPrefix("Contient un caractère de contrôle"))
    }

    @Test("no tab and no line break in a name; several-line texts take them, never a carriage return")
    func layoutOnlyWhereTextsHaveSeveralLines() {
        for text in ["Maïga\tTouré", "Maïga\nTouré", "Maïga\u{2028}Touré", "Maïga\u{85}Touré"] {
            var draft = valid
            draft[.familyName] = text
            #expect(issues(draft).map(\.message.key) == ["invalid.control"], "\(text.debugDescription)")
            #expect(!PlainText.isAcceptable(text, lines: .one))
        }
        #expect(PlainText.isAcceptable("Visite :\n\t- la famille va bien", lines: .several))
        #expect(!PlainText.isAcceptable("Visite\r\nsuite", lines: .several))
        #expect(!PlainText.isAcceptable("Visite \u{1b}[2J", lines: .several))
        #expect(PlainText.problem(in: "Visite", lines: .several) == nil)
        #expect(PlainText.problem(in: "Vi\u{7f}site", lines: .several) == Message("invalid.control"))
    }

    @Test("every script, combining marks, ZWJ and ZWNJ are kept, and the text is normalised to NFC")
    func scriptsAreKept() throws {
        let names = ["مايغا", "ⵎⴰⵢⴳⴰ", "ߡߊߦߌߜߊ", "Cissé", "می\u{200C}خواهم", "👨\u{200D}👩\u{200D}👧", "🇲🇱", "❤\u{FE0F}"]
        for name in names {
            var draft = valid
            draft[.familyName] = name
            #expect(issues(draft).isEmpty, "\(name): \(issues(draft))")
        }
        var draft = valid
        draft[.familyName] = "Mai\u{0308}ga"
        let profile = try draft.parse(reference: F.reference, today: today).get()
        #expect(profile.familyName == "Maïga")
        #expect(profile.familyName.unicodeScalars.count == 5)
    }

    @Test("the import refuses the same texts with its row-and-column message")
    func importRefusesHostileText() throws {
        for (label, text) in HostileText.names {
            let record = [text, "Aïssata", "F", "", "PDI retourné", "Gao", "", "Wabaria"]
            let quoted = record.map { "\"\($0)\"" }.joined(separator: ";")
            let plan = try F.plan([F.header, quoted])
            #expect(plan.accepted.isEmpty, "\(label)")
            #expect(plan.problems.map { $0.text(F.english) } == ["row 2, column nom: Holds a control character."],
                    "\(label): \(plan.problems.map { $0.text(F.english) })")
        }
        let plan = try F.plan([F.header, "Maïga;Aïssata;F;;PDI retourné;Gao;;\"Wa\u{1b}]0;x\u{07}baria\""])
        #expect(plan.problems.map { $0.text(F.french) } == ["ligne 2, colonne village : Contient un caractère de contrôle."])
    }

    @Test("--user or $USER holding a control character is refused")
    func authorWithControls() {
        for (label, text) in HostileText.names {
            #expect(throws: Session.InvalidAuthor.self, "\(label)") {
                try Session.checkedAuthor(explicit: text, environment: [:])
            }
            #expect(throws: Session.InvalidAuthor.self, "\(label)") {
                try Session.checkedAuthor(explicit: nil, environment: ["USER": text])
            }
        }
        #expect((try? Session.checkedAuthor(explicit: "awa.traoré", environment: [:])) == "awa.traoré")
        #expect(F.english.text(Session.InvalidAuthor().message).contains("--user"))
    }
}

@Suite("Text is data: the case book refuses what no form would let through")
struct PlainTextCaseBookTests {
    private func entry(_ book: CaseBook, _ change: Change, by author: String = "awa") -> JournalEntry {
        JournalEntry(seq: book.seq + 1, by: author, at: Date(timeIntervalSince1970: 1_750_000_000), change: change)
    }

    private func registered() throws -> (CaseBook, UUID) {
        var book = CaseBook()
        let id = UUID()
        try book.apply(entry(book, .register(id: id, number: "GAO-000001", profile: sampleProfile())))
        return (book, id)
    }

    @Test("a change whose texts hold controls is refused by check, whatever made it")
    func checkRefusesControls() throws {
        let (book, id) = try registered()
        let hostile = HostileText.names[0].text
        var profile = sampleProfile()
        profile.village = hostile
        let changes: [Change] = [
            .register(id: UUID(), number: "GAO-000002", profile: profile),
            .editProfile(id: id, expectedVersion: 1, profile: profile),
            .addNote(id: id, note: Note(id: UUID(), text: "Visite \(hostile)", by: "awa", at: Date())),
            .addNote(id: id, note: Note(id: UUID(), text: "Visite", by: "awa\u{1b}[2J", at: Date())),
            .saveReferral(id: id, referral: Referral(id: UUID(), service: "legal_aid", provider: "AMSS\u{9b}",
                                                     date: CalendarDate(year: 2025, month: 1, day: 2)!, criterion: nil,
                                                     status: .referred, outcome: "")),
            .requestClosure(id: id, reason: "Parti \u{202e}"),
            .assess(id: id, assessment: Assessment(id: UUID(), date: CalendarDate(year: 2025, month: 1, day: 2)!, assessor: "awa",
                                                   ratings: ["livelihoods": Rating(access: .partial, note: "\u{0}")])),
        ]
        for change in changes {
            // A registration is named by its own number.
            let number = if case .register(_, let number, _) = change { number } else { "GAO-000001" }
            #expect(throws: ChangeError.controlCharacter(number: number), "\(change)") {
                try book.check(entry(book, change))
            }
        }
        #expect(throws: ChangeError.controlCharacter(number: "GAO-000001")) {
            try book.check(entry(book, .requestClosure(id: id, reason: "Parti"), by: "awa\u{7}"))
        }
        // Several lines are a note's right.
        try book.check(entry(book, .addNote(id: id, note: Note(id: UUID(), text: "Visite :\n\tla famille va bien", by: "awa", at: Date()))))
        #expect(CSVFixtures.english.text(ChangeError.controlCharacter(number: "GAO-000001").message)
            == "Case GAO-000001: a text holds a control character; nothing was saved.")
    }

    @Test("a journal written by hand with controls still opens: what is stored is never refused when read")
    func storedControlsStillOpen() throws {
        try withTemporaryDirectory { root in
            let directory = root.appendingPathComponent("data")
            var id = UUID()
            do {
                let store = try Store(directory: directory)
                id = try register(store).id
            }
            let hostile = HostileText.names[1].text
            let line = JournalEntry(seq: 2, by: "awa", at: Date(timeIntervalSince1970: 1_750_000_000),
                                    change: .addNote(id: id, note: Note(id: UUID(), text: hostile, by: "awa",
                                                                        at: Date(timeIntervalSince1970: 1_750_000_000))))
            let handle = try FileHandle(forWritingTo: fileURL(directory, Store.Files.journal))
            handle.seekToEndOfFile()
            handle.write(try Store.encoder.encode(line) + Data([0x0A]))
            try handle.close()
            let reopened = try Store(directory: directory)
            #expect(reopened.book[id]?.notes.first?.text == hostile)
        }
    }
}

@Suite("Text is data: controls made visible at output")
struct TerminalTextTests {
    typealias F = CSVFixtures

    @Test("every control is shown as \\u and four hex digits; ZWJ, marks and scripts stay")
    func visibleNotation() {
        #expect(TerminalText.visible("Ami\u{1b}]52;c;SGVsbG8=\u{07}nata") == "Ami\\u001b]52;c;SGVsbG8=\\u0007nata")
        #expect(TerminalText.visible("Ma\u{9b}31m\u{202e}x\u{7f}\u{0}") == "Ma\\u009b31m\\u202ex\\u007f\\u0000")
        #expect(TerminalText.visible("a\tb\nc\rd") == "a\\u0009b\\u000ac\\u000dd")
        #expect(TerminalText.visible("a\tb\nc\rd", layout: .kept) == "a\tb\nc\\u000dd")
        #expect(TerminalText.visible("a\tb\nc\rd", layout: .flattened) == "a b c\\u000dd")
        for kept in ["مايغا", "ⵎⴰⵢⴳⴰ", "ߡߊߦߌߜߊ", "Maïga", "Mai\u{0308}ga", "می\u{200C}خواهم", "👨\u{200D}👩\u{200D}👧"] {
            #expect(TerminalText.visible(kept) == kept)
        }
        for (label, text) in HostileText.names {
            let shown = TerminalText.visible(text)
            #expect(HostileText.rawControls(in: shown, layout: false).isEmpty, "\(label): \(shown.debugDescription)")
            #expect(TerminalText.visible(shown) == shown, "\(label): twice is once")
        }
    }

    @Test("a message never carries its arguments' controls: the lock holder, a value typed on the command line")
    func catalogRendersArguments() {
        for (label, text) in HostileText.names {
            for catalog in [F.english, F.french] {
                let notice = catalog.text(StoreError.readOnly(holder: text).message)
                #expect(HostileText.rawControls(in: notice, layout: false).isEmpty, "\(label): \(notice.debugDescription)")
                let counted = catalog.counted("check.summary.ok", 2, ["path": "/srv/\(text)"])
                #expect(HostileText.rawControls(in: counted, layout: false).isEmpty, "\(label): \(counted.debugDescription)")
            }
        }
        #expect(F.english.text(StoreError.readOnly(holder: "\u{1b}]0;pwned\u{07}").message).contains("\\u001b]0;pwned\\u0007"))
        // A message is one line, whatever its arguments hold.
        #expect(F.english.text("error.store.readOnlyHolder", ["holder": "awa\nmoussa"]) == "Read-only: in use by awa moussa in another session.")
    }

    @Test("CSV for a terminal shows controls in its fields; for a file it keeps them as stored")
    func exportForATerminal() throws {
        var profile = sampleProfile(HostileText.names[0].text, "Aïssata")
        profile.village = "Gadeye\nprès du marché"
        let item = Case(id: UUID(), number: "GAO-000001", profile: profile, status: .registered,
                        created: Stamp(by: "awa", at: Date(timeIntervalSince1970: 1_450_000_000)),
                        updated: Stamp(by: "awa", at: Date(timeIntervalSince1970: 1_450_000_000)), version: 1)
        let stored = String(decoding: try CSVExport.data([item], format: .csv, reference: F.reference, today: F.today), as: UTF8.self)
        #expect(stored.contains(HostileText.names[0].text))
        for format in CSVExport.Format.allCases {
            let shown = String(decoding: try CSVExport.data([item], format: format, reference: F.reference, today: F.today,
                                                           forTerminal: true), as: UTF8.self)
            // Rows end with CRLF, which a terminal only takes as the end of a line.
            let lines = shown.replacingOccurrences(of: "\r\n", with: "\n")
            #expect(HostileText.rawControls(in: lines).isEmpty, "\(format): \(shown.debugDescription)")
        }
        let csv = String(decoding: try CSVExport.data([item], format: .csv, reference: F.reference, today: F.today,
                                                     forTerminal: true), as: UTF8.self)
        #expect(csv.contains("Ami\\u001b]52;c;SGVsbG8=\\u0007nata"))
        #expect(csv.contains(",Gadeye\\u000après du marché,"))
        // JSON shown this way is still JSON, with the same data.
        let json = try CSVExport.data([item], format: .json, reference: F.reference, today: F.today, forTerminal: true)
        let decoded = try LineDecoder().decode([Case].self, from: json)
        #expect(decoded.first?.profile.familyName == HostileText.names[0].text)
    }

    @Test("text pasted keeps its line breaks and tabs in a text of several lines, makes them spaces in one, and loses every other control")
    func pastedText() {
        let pasted = "Visite\u{1b}[2J du 12/11\r\nkit reçu\u{1b}]0;titre\u{7}\rsuite\ttab\n\u{9b}fin\u{202e}"
        #expect(PlainText.pasted(pasted, lines: .several) == "Visite[2J du 12/11\nkit reçu]0;titre\nsuite\ttab\nfin")
        #expect(PlainText.pasted(pasted, lines: .one) == "Visite[2J du 12/11 kit reçu]0;titre suite tab fin")
        #expect(PlainText.isAcceptable(PlainText.pasted(pasted, lines: .several), lines: .several))
        #expect(PlainText.isAcceptable(PlainText.pasted(pasted, lines: .one), lines: .one))
        #expect(PlainText.pasted("a\r\n\r\nb", lines: .several) == "a\n\nb")
    }
}
