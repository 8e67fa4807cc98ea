import Foundation
import RetourCore
import RetourTUI

/// The guided tour of a demonstration office: lessons (`TourLesson`, from `Assets/tour.json`)
/// taught by doing. The case manager tells it of every event it handled (`observe`), and a
/// lesson is done when the office or the case manager shows it, however the trainee got there.
/// A box above the status line says the lesson, its number, what to do, how to get back when
/// the trainee wandered off, and the trainer's keys (`KeyMap`'s `.tour` context): previous,
/// next, restart the lesson, show me, hide.
///
/// One tour lives through every sign-in of a `retour demo` run (the sign-in screen shows its
/// box too), and its progress is kept in the office (`Store.saveTourProgress`), so that a
/// trainee can stop and go on later. Restarting a lesson puts the office back as it was when
/// the lesson began (`Store.saveDemoCopy`, `Store.restoreDemoCopy`).
final class GuidedTour {
    let lessons: [TourLesson]
    let cast: TourLesson.Cast
    let store: Store
    private(set) var current = 0
    /// The lessons done, by id.
    private(set) var done: Set<String> = []
    private(set) var visible: Bool
    /// The case of the worker's the lessons find, read and reassign (chosen once).
    private(set) var person: UUID?
    /// The newcomer the trainee registers, of the person's name (found once registered).
    private(set) var subject: UUID?
    /// The tabs of the person's case shown so far (`CaseTab` raw values).
    private(set) var tabsShown: Set<Int> = []
    /// The case manager now running, nil on the sign-in screen.
    weak var app: CaseManagerApp?
    /// "Show me" playing: the keys still to press.
    private(set) var script: TourScript?
    /// The key "show me" pressed last (the box names it in the user's language).
    private(set) var pressed: Key?
    /// Lazy steps expanded since the last key: a bound, so that a step that cannot reach its
    /// goal ends the demonstration rather than loop.
    private var lazyBudget = 0
    /// How many times each such step was expanded in this demonstration.
    private var lazyKeys: [String: Int] = [:]
    /// The book's version the newcomer was last looked for in.
    private var searchedAt = -1
    /// Why the last restart failed, said in the box.
    private(set) var problem: String?

    /// The box's height: a title row, two rows of instructions, a row of state, the trainer's keys.
    static let height = 5

    init(lessons: [TourLesson], cast: TourLesson.Cast, store: Store, visible: Bool) {
        self.lessons = lessons
        self.cast = cast
        self.store = store
        self.visible = visible
        load()
    }

    /// The tour of `store` when it is a demonstration office, else nil.
    static func make(store: Store, visible: Bool) -> GuidedTour? {
        guard store.book.isDemo, let tour = try? TourLesson.loadTour(assets: Assets.locate()) else { return nil }
        return GuidedTour(lessons: tour.lessons, cast: tour.cast, store: store, visible: visible)
    }

    var lesson: TourLesson { lessons[current] }
    var isPlaying: Bool { script != nil }
    func isDone(_ index: Int) -> Bool { done.contains(lessons[index].id) }

    // MARK: Progress

    private struct Progress: Codable {
        var lesson: String
        var done: [String]
        var person: UUID?
        var subject: UUID?
        var tabs: [Int]
        var visible: Bool
    }

    private func load() {
        guard let data = store.readTourProgress(),
              let progress = try? LineDecoder().decode(Progress.self, from: data) else { return }
        current = lessons.firstIndex { $0.id == progress.lesson } ?? 0
        done = Set(progress.done).intersection(lessons.map(\.id))
        person = progress.person
        subject = progress.subject
        tabsShown = Set(progress.tabs.filter { CaseTab(rawValue: $0) != nil })
        visible = visible || progress.visible
    }

    /// Keeps the progress in the office; a failure is not the trainee's concern (the tour goes on).
    private func save() {
        let progress = Progress(lesson: lesson.id, done: lessons.map(\.id).filter(done.contains), person: person,
                                subject: subject, tabs: tabsShown.sorted(), visible: visible)
        guard let data = try? JSONEncoder().encode(progress) else { return }
        try? store.saveTourProgress(data)
    }

    // MARK: Observing

    /// Marks the current lesson done when the office or the case manager shows it; notes the
    /// person, the newcomer and the tabs shown; keeps the office as the lesson began.
    /// A hidden tour follows nothing (and keeps nothing in the office) until F9 shows it.
    func observe(_ app: CaseManagerApp) {
        self.app = app
        guard visible else { return }
        let before = (done, person, subject, tabsShown)
        if person == nil, app.clearance.login == cast.worker { person = choosePerson(app) }
        if subject == nil, let person, store.book.seq != searchedAt {
            searchedAt = store.book.seq
            subject = findNewcomer(app, like: person)
        }
        if let person, let detail = app.top as? CaseDetailScreen, detail.caseID == person {
            tabsShown.insert(detail.tab.rawValue)
        }
        keepStart(app)
        if !isDone(current), holds(lesson.done, in: app) { done.insert(lesson.id) }
        if before != (done, person, subject, tabsShown) { save() }
    }

    /// A case of the worker's to find, of someone young enough for the youth track once a
    /// year younger (the newcomer is), with a date of birth to say; the first by number.
    private func choosePerson(_ app: CaseManagerApp) -> UUID? {
        let year = app.today.year
        return app.reader.digests
            .filter { digest in
                guard digest.assignedTo == cast.worker, [.registered, .active].contains(digest.status),
                      let born = digest.dateOfBirth?.year, (17...32).contains(year - born),
                      !digest.familyName.isEmpty, !digest.givenNames.isEmpty,
                      app.session.reference.regions.contains(where: { $0.pcode == digest.region }) else { return false }
                return true
            }
            .min { $0.number < $1.number }?.id
    }

    /// The newcomer: a case of the person's names, born a year later, registered after them.
    private func findNewcomer(_ app: CaseManagerApp, like person: UUID) -> UUID? {
        guard let model = app.reader.digest(person), let born = model.dateOfBirth?.year else { return nil }
        let family = Fold.key(model.familyName), given = Fold.key(model.givenNames)
        return app.reader.digests.first { digest in
            digest.id != person && digest.dateOfBirth?.year == born + 1
                && Fold.key(digest.familyName) == family && Fold.key(digest.givenNames) == given
        }?.id
    }

    func holds(_ completion: TourLesson.Completion, in app: CaseManagerApp) -> Bool {
        let reader = app.reader
        let newcomer = subject.flatMap(reader.digest)
        switch completion {
        case .signedInWorker:
            return app.clearance.login == cast.worker
        case .personFound:
            guard let person, let list = app.top as? CaseListScreen, !list.searchText.isEmpty else { return false }
            return list.matches(person)
        case .tabsRead:
            return tabsShown.count == CaseTab.allCases.count
        case .registered:
            return newcomer != nil
        case .enrolled:
            return newcomer?.tracks.contains("youth_entrepreneurship") == true
        case .trainingDone:
            return newcomer?.doneSteps.contains(DoneStep(track: "youth_entrepreneurship", step: "training")) == true
        case .twoGaps:
            return (newcomer?.gaps.count ?? 0) >= 2
        case .referredForGap:
            guard let subject, let item = reader[subject] else { return false }
            let gaps = Set(item.gaps(criteria: app.session.reference.tracks.criteria))
            return item.referrals.contains { $0.criterion.map(gaps.contains) ?? false }
        case .noteWritten:
            guard let subject, let item = reader[subject] else { return false }
            return !item.notes.isEmpty
        case .closureRequested:
            return newcomer.map { [.closureRequested, .closed].contains($0.status) } ?? false
        case .closureApproved:
            return newcomer?.status == .closed && app.clearance.login == cast.supervisor
        case .solutionsGap:
            return (app.top as? DashboardScreen)?.inLastSection == true
        case .reassigned:
            guard let person, let digest = reader.digest(person) else { return false }
            return digest.assignedTo != cast.worker
        }
    }

    // MARK: Where the trainee should be

    /// Who the current lesson is done as.
    var signInAs: String {
        switch lesson.done {
        case .closureApproved, .solutionsGap, .reassigned: return cast.supervisor
        default: return cast.worker
        }
    }

    /// What the box says when the trainee is not where the lesson happens; nil when they are.
    /// On the sign-in screen (`app` nil): who to sign in as, with that screen's keys.
    func wayBack(_ app: CaseManagerApp?, catalog: Catalog) -> String? {
        let labels = GuidedTour.labels(catalog)
        guard let app else {
            // The first lesson's own keys are the sign-in screen's.
            if lesson.done == .signedInWorker { return nil }
            return catalog.text("tour.back.signInHere", labels.merging(["login": signInAs, "pin": DemoMark.pin]) { $1 })
        }
        let values = self.values(app).merging(labels) { own, _ in own }
        let signInAs = self.signInAs
        if app.clearance.login != signInAs {
            return catalog.text("tour.back.signIn", ["login": signInAs, "pin": DemoMark.pin])
        }
        if lesson.done == .signedInWorker || lesson.done == .closureApproved { return nil }
        let onList = app.top is CaseListScreen
        switch lesson.done {
        case .personFound, .reassigned:
            return onList ? nil : catalog.text("tour.back.list")
        case .registered:
            return onList || app.top is CaseFormScreen ? nil : catalog.text("tour.back.list")
        case .solutionsGap:
            return onList || app.top is DashboardScreen ? nil : catalog.text("tour.back.list")
        case .tabsRead:
            guard let person else { return nil }
            return open(person, name: values["personName"], number: values["personNumber"], app: app, values: values)
        default:
            guard let subject else { return catalog.text("tour.back.noNewcomer") }
            return open(subject, name: values["subjectName"], number: values["subjectNumber"], app: app, values: values)
        }
    }

    /// How to open the case `id` from where the trainee is: Enter when the list shows it
    /// selected, else back to the list and a search for its number; nil when it is open.
    private func open(_ id: UUID, name: String?, number: String?, app: CaseManagerApp, values: [String: String]) -> String? {
        if app.screens.contains(where: { ($0 as? CaseDetailScreen)?.caseID == id }) { return nil }
        var values = values
        values["name"] = name ?? ""
        values["number"] = number ?? ""
        if let list = app.top as? CaseListScreen, app.overlay == nil, list.selectedID == id {
            return app.catalog.text("tour.back.caseSelected", values)
        }
        return app.catalog.text("tour.back.case", values)
    }

    /// The labels and key names the lessons' texts name, as the screens show them in the
    /// catalogue's language: the form's criteria and ratings, a step's status, the track, the
    /// service, the tabs, and the keys as the footer names them.
    static func labels(_ catalog: Catalog) -> [String: String] {
        [
            "safety": catalog.text("tabs.criterion.safety"),
            "livelihoods": catalog.text("tabs.criterion.livelihoods"),
            "documentation": catalog.text("tabs.criterion.documentation"),
            "full": catalog.text("access.full"),
            "partial": catalog.text("access.partial"),
            "none": catalog.text("access.none"),
            "doneStatus": catalog.text("stepStatus.done"),
            "training": catalog.text("step.training"),
            "youthTrack": catalog.text("track.youth_entrepreneurship"),
            "livelihoodsService": catalog.text("service.livelihoods"),
            "plan": catalog.text("tabs.tab.plan"),
            "rights": catalog.text("tabs.tab.rights"),
            "enter": catalog.text("key.enter"),
            "tab": catalog.text("key.tab"),
            "esc": catalog.text("key.esc"),
        ]
    }

    /// What the lessons' texts and keys name: logins, the PIN, the person and the newcomer.
    /// On the sign-in screen (no case manager), the names as last read by one.
    func values(_ app: CaseManagerApp?) -> [String: String] {
        guard let app else { return lastValues }
        lastValues = values(reader: app.reader, reference: app.session.reference)
        return lastValues
    }

    private lazy var lastValues = ["worker": cast.worker, "supervisor": cast.supervisor, "pin": DemoMark.pin]

    /// The same, read with `reader` (what its user may see).
    func values(reader: CaseReader, reference: Reference) -> [String: String] {
        var values = ["worker": cast.worker, "supervisor": cast.supervisor, "pin": DemoMark.pin]
        if let person, let digest = reader.digest(person) {
            values["personName"] = TerminalText.visible(digest.fullName)
            values["personNumber"] = digest.number
            values["family"] = TerminalText.visible(digest.familyName)
            values["given"] = TerminalText.visible(digest.givenNames)
            values["search"] = String(Fold.key(digest.familyName).prefix(4)) + " " + String(Fold.key(digest.givenNames).prefix(3))
            if let born = digest.dateOfBirth?.year { values["birth"] = String(format: "%04d-06-15", born + 1) }
            values["sex"] = String(digest.sex.flatMap { Sex.allCases.firstIndex(of: $0) } ?? 0)
            values["region"] = String(reference.regions.firstIndex { $0.pcode == digest.region } ?? 0)
        }
        if let subject, let digest = reader.digest(subject) {
            values["subjectName"] = TerminalText.visible(digest.fullName)
            values["subjectNumber"] = digest.number
        }
        return values
    }

    // MARK: The office as each lesson began

    private func copyName(_ index: Int) -> String { "lesson-\(index + 1)" }

    /// Keeps the office as the current lesson begins, once (not on the sign-in screen).
    private func keepStart(_ app: CaseManagerApp) {
        guard !store.isReadOnly, !store.hasDemoCopy(named: copyName(current)) else { return }
        try? store.saveDemoCopy(named: copyName(current))
    }

    /// Puts the office back as the current lesson began: what the trainee did in it and in
    /// the lessons after is undone, and those lessons are no longer done. The case manager
    /// goes back to its list.
    func restart(_ app: CaseManagerApp) {
        stop()
        problem = nil
        do {
            try store.restoreDemoCopy(named: copyName(current))
        } catch {
            problem = app.catalog.text("tour.restart.failed")
            return
        }
        for index in current..<lessons.count { done.remove(lessons[index].id) }
        let first = current
        store.removeDemoCopies { name in
            guard name.hasPrefix("lesson-"), let number = Int(name.dropFirst(7)) else { return false }
            return number > first + 1
        }
        // What the restored office no longer holds is forgotten.
        if let subject, app.reader.digest(subject) == nil { self.subject = nil }
        if lessons[current].done == .tabsRead { tabsShown = [] }
        app.backToList()
        app.storeWasReplaced()
        app.say(app.catalog.text("tour.restart.done", ["number": String(current + 1)]), .success)
        observe(app)
        save()
    }

    // MARK: Trainer's keys

    /// The trainer's keys (`KeyMap`, `.tour`): whether `key` was one of them. `app` is nil on
    /// the sign-in screen, where a lesson cannot be restarted.
    func handle(_ key: Key, app: CaseManagerApp?, catalog: Catalog) -> Bool {
        guard let action = KeyMap.action(for: key, in: .tour) else { return false }
        switch action {
        case .tourPrevious: go(to: current - 1)
        case .tourNext: go(to: current + 1)
        case .tourToggle:
            visible.toggle()
            save()
        case .tourRestart:
            if let app { restart(app) }
        case .tourShowMe:
            visible = true
            showMe(catalog: catalog)
        default: return false
        }
        if let app { observe(app) }
        return true
    }

    private func go(to index: Int) {
        guard lessons.indices.contains(index), index != current else { return }
        stop()
        problem = nil
        current = index
        save()
    }

    /// Starts "show me": the lesson's keys, pressed one per tick through the terminal
    /// (`TourTerminal`), as the trainee would.
    func showMe(catalog: Catalog) {
        problem = nil
        script = TourScript(words: lesson.show, values: values(app), catalog: catalog)
        pressed = nil
        lazyBudget = 0
        lazyKeys = [:]
    }

    /// Ends "show me" (the script ran out, or the trainee pressed a key of their own).
    func stop() {
        script = nil
        pressed = nil
    }

    /// The next key "show me" presses, its steps that look at the screen expanded now; nil
    /// when the demonstration is over (it then stops).
    func nextScriptedKey() -> Key? {
        while var playing = script {
            guard let step = playing.removeFirst() else {
                script = nil
                return nil
            }
            switch step {
            case .key(let key):
                script = playing
                pressed = key
                lazyBudget = 0
                return key
            case .lazy(let word):
                lazyBudget += 1
                lazyKeys[word, default: 0] += 1
                // A step that does not reach its goal ends the demonstration rather than loop.
                guard lazyBudget < 40, lazyKeys[word, default: 0] <= 30 else {
                    stop()
                    return nil
                }
                playing.prepend(expand(word))
                script = playing
            }
        }
        return nil
    }

    /// A step that looks at the screen, turned into the keys it needs now followed by itself
    /// when it needs more, or nothing when its goal is reached.
    private func expand(_ word: String) -> [TourScript.Step] {
        let values = self.values(app)
        guard let app else {
            // The sign-in screen.
            if word.hasPrefix("signin:") {
                let login = word == "signin:supervisor" ? cast.supervisor : cast.worker
                // Tab between the fields, as the lesson and the footer say.
                return (login + "\t" + DemoMark.pin).map { $0 == "\t" ? .key(.tab) : .key(.character($0)) } + [.key(.enter)]
            }
            return []
        }
        if let overlay = app.overlay, word != "seek:subject" {
            // A panel, picker or question left open: closed first.
            if case .help = overlay { return [.key(.escape), .lazy(word)] }
            if word == "list" || word.hasPrefix("case:") || word == "signout" { return [.key(.escape), .lazy(word)] }
        }
        switch word {
        case "signout":
            return app.clearance.isSignedIn ? [.key(.function(10))] : []
        case "dismiss":
            if case .help? = app.overlay { return [.key(.escape)] }
            return []
        case "list":
            if let list = app.top as? CaseListScreen {
                // The list, its search cleared.
                return [.search, .searchOneMatch].contains(list.context) || !list.searchText.isEmpty ? [.key(.escape), .lazy(word)] : []
            }
            if app.top.hasUnsavedInput { return [.key(.escape), .key(.right), .key(.enter), .lazy(word)] }
            return [.key(.escape), .lazy(word)]
        case "tabs":
            guard let detail = app.top as? CaseDetailScreen, detail.caseID == person,
                  tabsShown.count < CaseTab.allCases.count else { return [] }
            return [.key(.tab), .lazy(word)]
        case "case:person", "case:subject":
            let id = word == "case:person" ? person : subject
            let number = values[word == "case:person" ? "personNumber" : "subjectNumber"]
            guard let id, let number else { return [] }
            if let detail = app.top as? CaseDetailScreen, detail.caseID == id { return [] }
            return [.lazy("list"), .key(.character("/"))] + number.map { .key(.character($0)) } + [.key(.enter)]
        case "seek:subject":
            guard let subject, let approvals = app.top as? ApprovalsScreen, let selected = approvals.selected,
                  selected.id != subject, approvals.contains(subject) else { return [] }
            return [.key(approvals.isBelow(subject) ? .down : .up), .lazy(word)]
        case "section:last":
            guard let dashboard = app.top as? DashboardScreen, !dashboard.inLastSection else { return [] }
            return [.key(.tab), .lazy(word)]
        default:
            guard word.hasPrefix("step:"), let detail = app.top as? CaseDetailScreen else { return [] }
            let code = String(word.dropFirst(5).filter { $0 != "#" })
            if case .step(_, let selected)? = detail.selectedTarget(app), selected == code { return [] }
            // From the top (Home once: the word then ends with "#"), then down until the step.
            if word.hasSuffix("#") { return [.key(.down), .lazy(word)] }
            return [.key(.home), .lazy(word + "#")]
        }
    }

    // MARK: Drawing

    /// Draws the box above the status line, or at the top of the body when the focused row
    /// (the cursor) would be under it.
    func draw(into canvas: inout Canvas, catalog: Catalog) {
        guard visible else { return }
        let size = canvas.size
        guard size.height >= GuidedTour.height + 4 else { return }
        var top = size.height - 2 - GuidedTour.height
        if let cursor = canvas.cursor, (top..<(top + GuidedTour.height)).contains(cursor.y) { top = 1 }
        let width = size.width
        let values = self.values(app).merging(GuidedTour.labels(catalog)) { own, _ in own }
        canvas.fill(Rect(x: 0, y: top, width: width, height: GuidedTour.height))
        canvas.fill(Rect(x: 0, y: top, width: width, height: 1), style: .bar)
        let position = catalog.text("tour.box.position", ["number": String(current + 1), "count": String(lessons.count)])
        let positionWidth = CellWidth.of(position)
        canvas.put(catalog.text(lesson.titleKey, values), x: 1, y: top, width: width - positionWidth - 4, style: Style(bold: true, reverse: true))
        canvas.put(position, x: width - positionWidth - 1, y: top, style: .bar)
        var instruction = catalog.text(lesson.instructionKey, values)
        // A name only a signed-in user may read (a fresh start on the sign-in screen).
        if instruction.contains("{") { instruction = catalog.text("tour.box.afterSignIn") }
        for (offset, line) in Dialog.wrap(instruction, width: width - 4).prefix(2).enumerated() {
            canvas.put(line, x: 2, y: top + 1 + offset, width: width - 4)
        }
        let state: String
        let style: Style
        if let problem {
            (state, style) = ("! " + problem, .error)
        } else if isPlaying {
            (state, style) = (catalog.text("tour.box.showing", ["key": pressed.map { TourScript.label(of: $0, catalog: catalog) } ?? "…"]), .bold)
        } else if isDone(current) {
            (state, style) = (catalog.text(current == lessons.count - 1 ? "tour.box.finished" : "tour.box.done"), .success)
        } else if let back = wayBack(app, catalog: catalog) {
            (state, style) = ("→ " + back, .error)
        } else {
            (state, style) = (catalog.text(lesson.keysKey, values), .key)
        }
        canvas.put(state, x: 2, y: top + 3, width: width - 4, style: style)
        let keys = KeyMap.footer(.tour, catalog: catalog).map { $0.keys + " " + $0.label }.joined(separator: " · ")
        canvas.put(keys, x: 2, y: top + 4, width: width - 4, style: .key)
    }
}
