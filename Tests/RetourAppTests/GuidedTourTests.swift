import Foundation
import Testing
@testable import RetourApp
@testable import RetourCore
import RetourDemo
import RetourTUI

/// A demonstration office made for a test, and the case manager run over it as `retour demo`
/// runs it: sign-in screen, case manager, sign-out, next sign-in, with the guided tour going
/// on through all of them. Keys go in through an in-memory terminal; "show me" puts its keys
/// in through the tour's terminal, with no pause between them.
final class TourOffice {
    static let cheap = ScryptParameters(logN: 4, r: 1, p: 1)
    let directory: URL
    let session: Session
    private(set) var store: Store
    private(set) var tour: GuidedTour
    /// Every frame drawn, in order.
    private(set) var frames: [[String]] = []
    let terminal: RecordingTerminal

    init(language: Language = .en, cases: Int = 120, width: Int = 80, height: Int = 24) throws {
        let fixtures = try Fixtures.get()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("retour-tour-\(UUID().uuidString)")
        session = Session(dataDirectory: directory, author: "trainer", catalog: fixtures.catalog(language),
                          reference: fixtures.reference)
        store = try Store(directory: directory)
        try DemoOffice.fill(store, mark: DemoMark(seed: 1, cases: cases), reference: fixtures.reference, assets: Assets.locate(),
                            today: testToday, pinParameters: TourOffice.cheap)
        tour = try #require(GuidedTour.make(store: store, visible: true))
        terminal = RecordingTerminal(width: width, height: height)
    }

    deinit {
        try? store.close()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs the case manager from its sign-in screen until `keys` (and any "show me" they
    /// start) are all handled.
    func run(_ keys: [Key]) {
        terminal.memory.send(keys)
        let tourTerminal = TourTerminal(terminal, tour: tour, tick: 0, endWhenIdle: true)
        CaseManager.serve(session: session, store: store, tour: tour, on: tourTerminal, today: testToday)
    }

    /// The store closed and opened again, and a new tour read from the office (a new run).
    func reopen() throws {
        try store.close()
        store = try Store(directory: directory)
        tour = try #require(GuidedTour.make(store: store, visible: false))
    }

    /// What the lessons name, as `login` sees it.
    func values(as login: String) throws -> [String: String] {
        let clearance = try SignIn.attempt(login: login, pin: DemoMark.pin, store: store)
        return tour.values(reader: store.reader(for: clearance), reference: session.reference)
    }

    func digest(_ id: UUID?) -> CaseDigest? {
        id.flatMap { store.book.digest($0) }
    }

    var rows: [String] { terminal.memory.rows }
}

/// An in-memory terminal that keeps every frame.
final class RecordingTerminal: Terminal {
    let memory: MemoryTerminal
    private(set) var frames: [[String]] = []

    init(width: Int, height: Int) {
        memory = MemoryTerminal(width: width, height: height)
    }

    var size: Size { memory.size }
    var terminationRequested: Bool { memory.terminationRequested }
    var hasPendingInput: Bool { memory.hasPendingInput }
    func present(_ canvas: Canvas) {
        memory.present(canvas)
        frames.append(memory.rows)
    }
    func nextEvent(timeoutMilliseconds: Int) -> Event? { memory.nextEvent(timeoutMilliseconds: timeoutMilliseconds) }
}

extension MemoryTerminal {
    func send(_ keys: [Key]) {
        for key in keys { send(key) }
    }
}

func typed(_ text: String) -> [Key] { text.map { Key.character($0) } }
func pick(_ down: Int) -> [Key] { [.enter, .home] + Array(repeating: .down, count: down) + [.enter] }

/// The guided tour of a demonstration office: its lessons as data in both languages, each done
/// when the office or the case manager shows it, by the trainee's keys or by "show me" alone;
/// a lesson started again puts the office back; the progress kept in the office.
@Suite("Guided tour")
struct GuidedTourTests {
    @Test func everyLessonHasItsTextsInBothLanguagesAndTheSameLessons() throws {
        let fixtures = try Fixtures.get()
        let lessons = try TourLesson.load(assets: Assets.locate())
        #expect(lessons.count == 13)
        #expect(Set(lessons.map(\.done)) == Set(TourLesson.Completion.allCases), "each completion once")
        for lesson in lessons {
            #expect(!lesson.show.isEmpty, "\(lesson.id) has its show-me keys")
            for key in [lesson.titleKey, lesson.instructionKey, lesson.keysKey] {
                for catalog in [fixtures.english, fixtures.french] {
                    #expect(catalog.text(key) != key, "\(key) in \(catalog.language)")
                }
                #expect(fixtures.english.text(key) != fixtures.french.text(key), "\(key) translated")
            }
        }
        // The two lesson files hold the same keys.
        func keys(_ language: String) throws -> Set<String> {
            let url = try Assets.locate().url("locales/\(language)/tour.json")
            let map = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: String] ?? [:]
            return Set(map.keys)
        }
        #expect(try keys("en") == keys("fr"))
        #expect(try keys("en").count > 13 * 3)
    }

    /// What to do holds in the box's two rows, a state or keys in one, at 80 columns, with
    /// long names, in both languages.
    @Test func theTextsFitTheBox() throws {
        let fixtures = try Fixtures.get()
        let values = ["worker": "a.maiga", "supervisor": "s.coulibaly", "pin": DemoMark.pin, "search": "wale int",
                      "personName": "Walet Intalla Rokia Fatou", "personNumber": "MPT-000007", "given": "Rokia Fatou",
                      "family": "Walet Intalla", "birth": "2005-06-15", "name": "Walet Intalla Rokia Fatou",
                      "number": "MPT-000007", "login": "s.coulibaly", "key": "Shift-Tab", "count": "13"]
        for catalog in [fixtures.english, fixtures.french] {
            let values = values.merging(GuidedTour.labels(catalog)) { own, _ in own }
            for lesson in try TourLesson.load(assets: Assets.locate()) {
                let lines = Dialog.wrap(catalog.text(lesson.instructionKey, values), width: 76)
                #expect(lines.count <= 2, "\(catalog.language) \(lesson.id): \(lines)")
                #expect(CellWidth.of(catalog.text(lesson.keysKey, values)) <= 76, "\(catalog.language) \(lesson.id)")
            }
            for key in ["tour.back.signIn", "tour.back.case", "tour.back.caseSelected", "tour.back.signInHere", "tour.back.list", "tour.back.noNewcomer", "tour.box.showing",
                        "tour.box.done", "tour.box.finished", "tour.restart.failed"] {
                #expect(CellWidth.of(catalog.text(key, values)) <= 74, "\(catalog.language) \(key)")
            }
            let keys = KeyMap.footer(.tour, catalog: catalog).map { $0.keys + " " + $0.label }.joined(separator: " · ")
            #expect(CellWidth.of(keys) <= 76, "\(keys)")
        }
    }

    @Test func scriptWordsBecomeKeys() throws {
        let catalog = try Fixtures.get().english
        let script = TourScript(words: ["Tab*3", "pick:2", "type:{x}!", "F2", "n", "list", "nonsense"], values: ["x": "ab"],
                                catalog: catalog)
        #expect(script.steps == [.key(.tab), .key(.tab), .key(.tab), .key(.enter), .key(.home), .key(.down), .key(.down),
                                 .key(.enter), .key(.character("a")), .key(.character("b")), .key(.character("!")),
                                 .key(.function(2)), .key(.character("n")), .lazy("list")])
    }

    /// The keys a trainee presses, lesson by lesson, each lesson done by them (F8 goes on).
    @Test func everyLessonIsDoneByTheTraineesKeys() throws {
        let office = try TourOffice()
        let tour = office.tour
        #expect(tour.current == 0 && tour.done.isEmpty)
        // 1. Signing in as the worker.
        office.run(typed("a.maiga") + [.enter] + typed(DemoMark.pin) + [.enter, .escape, .function(8)])
        #expect(tour.isDone(0))
        #expect(tour.current == 1)
        let person = try #require(office.digest(tour.person))
        #expect(person.assignedTo == "a.maiga")
        var values = try office.values(as: "a.maiga")
        let search = try #require(values["search"])

        // 2 to 10, as the worker.
        var keys = typed("a.maiga") + [.enter] + typed(DemoMark.pin) + [.enter, .escape]
        keys += [.character("/")] + typed(search) + [.function(8)]                                     // 2
        keys += [.escape, .character("/")] + typed(person.number) + [.enter]                           // 3
        keys += typed("234567") + [.function(8)]
        keys += [.escape, .escape, .character("n")]                                                     // 4
        keys += typed(values["family"]!) + [.tab] + typed(values["given"]!) + [.tab] + pick(Int(values["sex"]!)!)
        keys += [.tab] + typed(values["birth"]!) + Array(repeating: .tab, count: 3) + pick(0)
        keys += Array(repeating: .tab, count: 4) + pick(Int(values["region"]!)!) + [.function(2)]
        keys += [.right, .right, .enter]                                                                // Save anyway
        office.run(keys)
        for index in 1...3 { #expect(tour.isDone(index), "lesson \(index + 1): \(office.rows.joined(separator: "\n"))") }
        // The duplicate warning named the person of the same name.
        #expect(office.terminal.frames.contains { frame in
            frame.contains { $0.contains("Possible duplicates") } && frame.contains { $0.contains(person.number) }
        })
        let subject = try #require(office.digest(tour.subject))
        #expect(subject.familyName == person.familyName && subject.id != person.id)
        values = try office.values(as: "a.maiga")

        keys = typed("a.maiga") + [.enter] + typed(DemoMark.pin) + [.enter, .escape, .function(8)]
        keys += [.character("/")] + typed(subject.number) + [.enter]
        keys += [.character("2"), .character("n")] + pick(0) + [.function(2), .function(8)]            // 5
        keys += [.down, .enter] + pick(2) + [.function(2), .function(8)]                               // 6
        keys += [.character("3"), .character("n"), .tab, .tab] + pick(1) + Array(repeating: .tab, count: 4) + pick(3)   // 7
        keys += [.tab] + typed("No work") + Array(repeating: .tab, count: 3) + pick(2) + [.function(2), .function(8)]
        keys += [.home, .enter] + pick(7) + [.function(2), .function(8)]                               // 8
        keys += [.character("5"), .character("n")] + typed("Visit") + [.function(2), .function(8)]     // 9
        keys += [.character("c")] + pick(1) + [.tab] + typed("Moved") + [.function(2), .function(8)]   // 10
        office.run(keys)
        for index in 4...9 {
            #expect(tour.isDone(index), "lesson \(index + 1): \(office.rows.joined(separator: "\n"))")
        }
        #expect(tour.current == 10)

        // 11 to 13, as the supervisor: the newcomer's request among those waiting.
        let supervisor = try SignIn.attempt(login: "s.coulibaly", pin: DemoMark.pin, store: office.store)
        let queue = try ApprovalQueue(reader: office.store.reader(for: supervisor), criteria: office.session.reference.tracks.criteria,
                                      today: testToday)
        let position = try #require(queue.items.firstIndex { $0.id == subject.id })
        keys = typed("s.coulibaly") + [.enter] + typed(DemoMark.pin) + [.enter, .escape, .character("A")]
        keys += Array(repeating: .down, count: position) + [.character("y")] + typed("Checked") + [.function(2), .right, .enter]
        keys += [.function(8), .escape, .character("d"), .tab, .tab, .tab, .tab, .tab, .tab, .function(8)]   // 12
        keys += [.escape, .character("/")] + typed(person.number) + [.enter, .escape, .character("a"), .down, .enter]
        office.run(keys)
        if !tour.isDone(10) {
            for frame in office.terminal.frames.suffix(80) { print(frame.joined(separator: "\n")) }
        }
        for index in 10...12 {
            #expect(tour.isDone(index), "lesson \(index + 1): \(office.rows.joined(separator: "\n"))")
        }
        #expect(office.digest(tour.subject)?.status == .closed)
        #expect(office.digest(tour.person)?.assignedTo != "a.maiga")
        #expect(office.rows.contains { $0.contains("Done: that was the last lesson.") }, "\(office.rows.joined(separator: "\n"))")
    }

    /// "Show me" alone, lesson after lesson, from the sign-in screen: every lesson done, and
    /// every frame drawn on the way shows the demonstration's banner on its first row.
    /// Each lesson names the labels its screens show, from the catalogue, in both languages;
    /// the first lesson's keys are the sign-in screen's (where F10 quits).
    @Test(arguments: [Language.en, .fr])
    func theLessonsNameTheScreensOwnLabels(language: Language) throws {
        let fixtures = try Fixtures.get()
        let catalog = language == .en ? fixtures.english : fixtures.french
        let values = GuidedTour.labels(catalog).merging(["worker": "a.maiga", "pin": DemoMark.pin]) { $1 }
        let assess = catalog.text("tour.assess.do", values)
        for label in ["tabs.criterion.safety", "tabs.criterion.livelihoods", "tabs.criterion.documentation",
                      "access.full", "access.none", "access.partial", "tabs.tab.rights"] {
            #expect(assess.contains(catalog.text(label)), "\(label): \(assess)")
        }
        let training = catalog.text("tour.training.do", values)
        #expect(training.contains(catalog.text("stepStatus.done") + ",") || training.contains(catalog.text("stepStatus.done") + " ,"),
                "\(training)")
        #expect(training.contains(catalog.text("step.training")))
        #expect(catalog.text("tour.refer.do", values).contains(catalog.text("service.livelihoods")))
        #expect(catalog.text("tour.enrol.do", values).contains(catalog.text("track.youth_entrepreneurship")))
        // The first lesson, on the sign-in screen: its footer's keys, F10 quits.
        let signIn = catalog.text("tour.sign_in.do", values) + " " + catalog.text("tour.sign_in.keys", values)
        let footer = KeyMap.footer(.signIn, catalog: catalog)
        #expect(footer.contains { $0.keys == catalog.text("key.tab") })
        #expect(signIn.contains(catalog.text("key.tab")) && signIn.contains(catalog.text("key.enter")), "\(signIn)")
        let quit = catalog.text("action.quit").lowercased()
        #expect(catalog.text("tour.sign_in.keys", values).lowercased().contains("f10 " + quit), "\(signIn)")
    }

    /// "Show me" names the keys it presses as the footer does, in the user's language.
    @Test func showMeNamesTheKeysInTheUsersLanguage() throws {
        let office = try TourOffice(language: .fr)
        office.run([.function(5)])
        let frames = office.terminal.frames
        let catalog = office.session.catalog
        let enter = catalog.text("tour.box.showing", ["key": catalog.text("key.enter")])
        #expect(frames.contains { $0.contains { $0.contains(String(enter.prefix(24))) } }, "\(enter)")
        #expect(!frames.contains { $0.contains { $0.contains("touche Enter") || $0.contains("touche Home") } })
    }

    /// On the sign-in screen, the box says who to sign in as for the current lesson.
    @Test func theSignInScreenSaysWhoToSignInAsForTheLesson() throws {
        let office = try TourOffice()
        office.run(Array(repeating: Key.function(8), count: 7))
        #expect(office.tour.current == 7)
        #expect(office.rows.contains { $0.contains("→ Sign in as a.maiga: a.maiga, Tab, PIN demo1234, Enter.") },
                "\(office.rows.joined(separator: "\n"))")
        office.run(Array(repeating: Key.function(8), count: 3))
        #expect(office.rows.contains { $0.contains("→ Sign in as s.coulibaly: s.coulibaly, Tab, PIN demo1234, Enter.") },
                "\(office.rows.joined(separator: "\n"))")
    }

    /// On the sign-in screen, before anyone signed in, no lesson's box shows a name it cannot
    /// know yet as a raw placeholder.
    @Test(arguments: [Language.en, .fr])
    func theSignInScreenShowsNoPlaceholder(language: Language) throws {
        let office = try TourOffice(language: language)
        for _ in 0..<13 {
            #expect(!office.rows.contains { $0.contains("{") || $0.contains("}") }, "\(office.rows.joined(separator: "\n"))")
            office.run([.function(8)])
        }
    }

    /// The case the lesson wants is selected in the list (after a restart, say): Enter opens it.
    @Test func theWayBackFitsACaseSelectedInTheList() throws {
        let office = try TourOffice()
        office.run([.function(5), .function(8), .function(8)])
        let values = try office.values(as: "a.maiga")
        let number = try #require(values["personNumber"])
        office.run(typed("a.maiga") + [.enter] + typed(DemoMark.pin) + [.enter, .escape, .character("/")] + typed(number)
                   + [.enter, .function(6)])
        #expect(office.rows.contains { $0.contains("→ Open \(number)") && $0.contains("selected, press Enter.") },
                "\(office.rows.joined(separator: "\n"))")
        #expect(!office.rows.contains { $0.contains("Esc, /\(number)") })
    }

    @Test(arguments: [Language.en, .fr])
    func everyLessonIsDoneByShowMeAlone(language: Language) throws {
        let office = try TourOffice(language: language)
        let tour = office.tour
        office.run([.function(5)] + Array(repeating: [Key.function(8), .function(5)], count: 12).flatMap { $0 })
        for index in tour.lessons.indices {
            #expect(tour.isDone(index), "lesson \(index + 1) \(tour.lessons[index].id): \(office.rows.joined(separator: "\n"))")
        }
        #expect(office.digest(tour.subject)?.status == .closed)
        #expect(office.digest(tour.person)?.assignedTo != "a.maiga")
        let banner = office.session.catalog.text("demo.banner")
        let frames = office.terminal.frames
        #expect(frames.count > 150)
        for frame in frames {
            #expect(frame[0].hasPrefix(" " + banner), "\(frame.joined(separator: "\n"))")
        }
        // The box showed each key as it was pressed.
        let showing = String(office.session.catalog.text("tour.box.showing", ["key": "Tab"]).prefix(12))
        #expect(frames.contains { $0.contains { $0.contains(showing) } })
    }

    /// Restarting a lesson undoes what was done in it: the newcomer registered in lesson 4 is
    /// gone, from memory and from the files, and the lesson is to do again.
    @Test func restartingALessonPutsTheOfficeBackAsItBegan() throws {
        let office = try TourOffice()
        let tour = office.tour
        office.run([.function(5), .function(8), .function(8), .function(8)])
        #expect(tour.current == 3)
        let before = office.store.book.count
        let seq = office.store.book.seq
        office.run(typed("a.maiga") + [.enter] + typed(DemoMark.pin) + [.enter, .escape])
        let countBefore = try #require(office.rows[0].firstMatch(of: /Cases \((\d+)\)/)?.1)
        office.run(typed("a.maiga") + [.enter] + typed(DemoMark.pin) + [.enter, .escape, .function(5)])
        #expect(tour.isDone(3))
        #expect(office.store.book.count == before + 1)
        let registered = try #require(tour.subject)

        office.run(typed("a.maiga") + [.enter] + typed(DemoMark.pin) + [.enter, .escape, .function(6)])
        #expect(!tour.isDone(3), "\(office.rows.joined(separator: "\n"))")
        #expect(tour.subject == nil)
        #expect(office.store.book.count == before)
        #expect(office.store.book.digest(registered) == nil)
        #expect(office.rows.contains { $0.contains("Lesson 4 starts again") }, "\(office.rows.joined(separator: "\n"))")
        // The list shows the office as restored.
        #expect(office.rows[0].contains("Cases (\(countBefore))"), "\(office.rows[0])")
        // What a new session reads.
        try office.reopen()
        #expect(office.store.book.count == before)
        #expect(office.store.book.seq == seq)
        #expect(office.store.book.digest(registered) == nil)
        // And the lesson can be done again.
        office.run(typed("a.maiga") + [.enter] + typed(DemoMark.pin) + [.enter, .escape, .function(5)])
        #expect(office.tour.isDone(3))
        #expect(office.store.book.count == before + 1)
    }

    /// The progress is kept in the office (0600, in a folder 0700): a new run goes on where
    /// the last one stopped; erasing the office (`retour demo --reset`) clears it; a link in
    /// its place is never followed.
    @Test func progressIsKeptAndClearedByAReset() throws {
        let office = try TourOffice()
        office.run([.function(5), .function(8), .function(8)])
        #expect(office.tour.current == 2)
        let file = office.directory.appendingPathComponent("tour/progress.json")
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let folder = try FileManager.default.attributesOfItem(atPath: office.directory.appendingPathComponent("tour").path)
        #expect((folder[.posixPermissions] as? Int) == 0o700)
        let person = office.tour.person
        try office.reopen()
        #expect(office.tour.current == 2)
        #expect(office.tour.isDone(0) && !office.tour.isDone(1))
        #expect(office.tour.person == person)

        // A link in place of the file: not followed, the tour starts from the first lesson.
        let elsewhere = office.directory.appendingPathComponent("elsewhere.json")
        try FileManager.default.moveItem(at: file, to: elsewhere)
        try FileManager.default.createSymbolicLink(at: file, withDestinationURL: elsewhere)
        try office.reopen()
        #expect(office.tour.current == 0 && office.tour.done.isEmpty)
        try FileManager.default.removeItem(at: file)
        try FileManager.default.moveItem(at: elsewhere, to: file)
        // Too large: not read.
        let saved = try Data(contentsOf: file)
        try Data(count: Store.tourProgressLimit + 1).write(to: file)
        try office.reopen()
        #expect(office.tour.current == 0)
        try saved.write(to: file)
        try office.reopen()
        #expect(office.tour.current == 2)

        try office.store.eraseDemo()
        #expect(!FileManager.default.fileExists(atPath: file.path))
        #expect(!FileManager.default.fileExists(atPath: office.directory.appendingPathComponent("tour/lesson-1/complete").path))
        // No empty folder of a lesson is left behind, nor the tour's folder.
        #expect(!FileManager.default.fileExists(atPath: office.directory.appendingPathComponent("tour/lesson-1").path))
        #expect(!FileManager.default.fileExists(atPath: office.directory.appendingPathComponent("tour").path))
    }

    @Test func theBoxSaysHowToGetBackAndTheHelpListsTheTrainersKeys() throws {
        let office = try TourOffice()
        office.run([.function(5), .function(8), .function(8)])
        // Lesson 3 wants the person's case; the trainee is on the dashboard.
        office.run(typed("a.maiga") + [.enter] + typed(DemoMark.pin) + [.enter, .escape, .character("d")])
        let values = try office.values(as: "a.maiga")
        #expect(office.rows.contains { $0.contains("→ Open \(values["personNumber"]!)") && $0.contains(values["personName"]!) },
                "\(office.rows.joined(separator: "\n"))")
        // The trainer's keys in the box and in the help.
        #expect(office.rows.contains { $0.contains("F5 Show me · F6 Restart · F7 Previous · F8 Next · F9 Hide") })
        office.run(typed("a.maiga") + [.enter] + typed(DemoMark.pin) + [.enter, .escape, .character("?"), .end])
        #expect(office.rows.contains { $0.contains("The guided tour") }, "\(office.rows.joined(separator: "\n"))")
        #expect(office.rows.contains { $0.contains("F6") && $0.contains("Restart") })
        // Hidden, then shown.
        office.run(typed("a.maiga") + [.enter] + typed(DemoMark.pin) + [.enter, .escape, .function(9)])
        #expect(!office.rows.contains { $0.contains("Lesson 3 of 13") })
        office.run(typed("a.maiga") + [.enter] + typed(DemoMark.pin) + [.enter, .escape, .function(9)])
        #expect(office.rows.contains { $0.contains("Lesson 3 of 13") })
    }

    /// Signed in as someone else than the lesson's user: the box says who to sign in as.
    @Test func theWrongUserIsToldWhoToSignInAs() throws {
        let office = try TourOffice()
        office.run(typed("admin") + [.enter] + typed(DemoMark.pin) + [.enter, .escape])
        #expect(!office.tour.isDone(0))
        #expect(office.rows.contains { $0.contains("→ Sign in as a.maiga: F10 signs out, then a.maiga, PIN demo1234.") },
                "\(office.rows.joined(separator: "\n"))")
    }

    @Test func inFrenchOnTheSignInScreenAndNeverOutsideADemo() throws {
        let french = try TourOffice(language: .fr)
        french.run([])
        #expect(french.rows.contains { $0.contains("Leçon 1 sur 13") && $0.contains("Se connecter comme agent") },
                "\(french.rows.joined(separator: "\n"))")
        #expect(french.rows.contains { $0.contains("F5 Montre-moi") })
        let real = try Harness(language: .en)
        real.send(.function(9))
        #expect(real.app.tour == nil)
        #expect(!real.rows.contains { $0.contains("Lesson 1") })
    }

    /// Too small a terminal: the box is not drawn, the banner still is, and a trainer's key
    /// changes nothing unseen.
    @Test func tooSmallAScreen() throws {
        let office = try TourOffice(width: 60, height: 20)
        office.run(typed("a.maiga") + [.enter] + typed(DemoMark.pin) + [.enter, .function(8)])
        let banner = office.session.catalog.text("demo.banner")
        #expect(office.rows.contains { $0.contains(banner) }, "\(office.rows.joined(separator: "\n"))")
        #expect(!office.rows.contains { $0.contains("Lesson ") })
        #expect(office.tour.current == 0)
    }
}
