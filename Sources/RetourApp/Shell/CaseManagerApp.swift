import Foundation
import RetourCore
import RetourTUI

/// The case manager: a stack of screens over one store, with at most one overlay. Keys come in
/// through `handle`, the screen goes out through `render`; `run` connects both to a terminal.
final class CaseManagerApp {
    static let minimumSize = Size(width: 80, height: 24)

    let session: Session
    let store: Store
    /// Who signed in: every read and change goes through it.
    let clearance: Clearance
    let today: CalendarDate
    private(set) var screens: [Screen] = []
    var overlay: Overlay?
    var status: StatusMessage?
    private(set) var isRunning = true
    /// The user signed out (rather than quit): the sign-in screen comes back for the next one.
    private(set) var signedOut = false
    /// After this long without a key the screen locks (signed-in users only).
    let lockAfter: TimeInterval
    private var lastKey: Date
    /// Set while the screen is locked: nothing of any case shows until the PIN is given again.
    private(set) var lock: ScreenLock?
    /// Closure requests the user may decide (`ApprovalQueue.decidableCount`), said in the
    /// title bar when not zero; counted again each time the book changes, not on each key.
    private(set) var toApprove = 0
    /// Cases in conflict between sites that the supervisor reaches (the title bar counts them).
    private(set) var inSiteConflict = 0
    /// The dashboard's period, kept while the case manager runs (back from the cases of a figure).
    var dashboardPeriod: FiguresPeriod = .quarter
    /// The clock: the idle lock, and the pause that ends a type-ahead prefix.
    let now: () -> Date
    /// In a demonstration office, the guided tour (F9 shows and hides it); nil elsewhere.
    private(set) var tour: GuidedTour?

    var catalog: Catalog { session.catalog }

    /// `showTour`: in a demonstration office, the guided tour's box shows from the start.
    /// `tour`: the tour of an earlier sign-in of the same run, carried on (else one is made).
    init(session: Session, store: Store, clearance: Clearance, today: CalendarDate = .today(),
         lockAfter: TimeInterval = CaseManagerApp.lockAfter(ProcessInfo.processInfo.environment),
         now: @escaping () -> Date = Date.init, showTour: Bool = false, tour: GuidedTour? = nil) {
        self.session = session
        self.store = store
        // Every enrolment made here is held to the tracks' rules, whatever opened the store.
        store.enrolmentRules = session.reference.tracks.enrolmentRules
        self.clearance = clearance
        self.lockAfter = lockAfter
        self.now = now
        lastKey = now()
        self.today = today
        screens = [CaseListScreen(app: self)]
        self.tour = tour ?? GuidedTour.make(store: store, visible: showTour)
        bookDidChange()
        if let notice = store.readOnlyReason {
            status = StatusMessage(text: catalog.text(notice), kind: .error)
        } else if !store.book.setAside.isEmpty {
            status = StatusMessage(text: catalog.counted("status.setAside", store.book.setAside.count), kind: .error)
        } else if store.droppedTornBytes > 0 {
            status = StatusMessage(text: catalog.text("status.tornDropped"), kind: .info)
        }
        self.tour?.observe(self)
    }

    var top: Screen { screens[screens.count - 1] }

    /// Whether the signed-in user closes and reopens cases (`CaseBook.check` decides; this only
    /// spares a case worker a form that would be refused).
    var mayClose: Bool { store.book.users.isEmpty || clearance.role >= .supervisor }

    /// A signed-in supervisor or administrator: their list's footer offers the caseloads and
    /// assigning (without users, the keys work and the help lists them).
    var supervising: Bool { clearance.isSignedIn && clearance.role >= .supervisor }

    /// The cases the signed-in user may read, as the store stands now.
    var reader: CaseReader { store.reader(for: clearance) }

    /// What others did to the user's cases since their previous sign-in (`SignInNotices`),
    /// shown once, in a panel that Enter or Esc closes. Nothing when there is nothing to say.
    func announceSignInNotices() {
        guard clearance.isSignedIn else { return }
        do {
            let since = try SignIn.previousSignIn(of: clearance.login, store: store)
            let notices = SignInNotices(reader: reader, since: since)
            guard !notices.isEmpty else { return }
            let lines = SignInNoticeText.lines(notices, catalog: catalog, users: store.book.users, width: 70)
            show(.help(TextPanel(title: catalog.text("notices.title"), lines: lines)))
        } catch {
            say(catalog.text(error), .error)
        }
    }

    // MARK: Navigation

    func push(_ screen: Screen) {
        screens.append(screen)
    }

    /// Back to the list, every other screen and any overlay closed (the tour restarting a lesson).
    func backToList() {
        screens.removeLast(screens.count - 1)
        overlay = nil
        overlayUnderHelp = nil
    }

    /// The store's files were put back (the tour restarting a lesson): every screen reads it
    /// again, and what the store noted as read from outside is dropped.
    func storeWasReplaced() {
        _ = store.takeOutsideChanges()
        bookDidChange()
        for screen in screens { screen.storeDidChange(self, changed: nil) }
    }

    /// Leaves the top screen (never the list).
    func pop() {
        if screens.count > 1 { screens.removeLast() }
    }

    /// Back to the list, showing the cases behind `figure` (from the dashboard).
    func showCases(_ figure: NamedFigure) {
        screens.removeLast(screens.count - 1)
        guard let list = screens.first as? CaseListScreen else { return }
        list.show(figure)
        say(catalog.counted("dashboard.casesShown", list.matchCount, ["name": figure.name]))
    }

    func show(_ overlay: Overlay) {
        self.overlay = overlay
    }

    func say(_ text: String, _ kind: StatusMessage.Kind = .info) {
        status = StatusMessage(text: text, kind: kind)
    }

    /// Leaves the top screen, asking first when it holds typed text.
    func leaveTopScreen() {
        guard top.hasUnsavedInput else {
            pop()
            return
        }
        confirm(title: catalog.text("dialog.discard.title"), lines: [catalog.text("dialog.discard.form")],
                yes: catalog.text("dialog.discard.yes"), no: catalog.text("dialog.discard.no")) { [weak self] in
            self?.pop()
        }
    }

    /// Quits (or, `signOut`, leaves the screen to the next person), asking first when a form
    /// holds typed text.
    func requestQuit(signOut: Bool = false) {
        guard screens.contains(where: \.hasUnsavedInput) else {
            isRunning = false
            signedOut = signOut
            return
        }
        confirm(title: catalog.text("dialog.discard.title"), lines: [catalog.text("dialog.discard.quit")],
                yes: catalog.text("dialog.discard.yes"), no: catalog.text("dialog.discard.no")) { [weak self] in
            self?.isRunning = false
            self?.signedOut = signOut
        }
    }

    /// `RETOUR_LOCK_MINUTES` (a whole number of minutes, 1 to 480), else 15.
    static func lockAfter(_ environment: [String: String]) -> TimeInterval {
        let minutes = environment["RETOUR_LOCK_MINUTES"].flatMap(Int.init).flatMap { (1...480).contains($0) ? $0 : nil } ?? 15
        return TimeInterval(minutes * 60)
    }

    /// Locks the screen when no key came for `lockAfter`. Returns whether it just locked.
    @discardableResult
    func lockIfIdle() -> Bool {
        guard clearance.isSignedIn, lock == nil, now().timeIntervalSince(lastKey) >= lockAfter else { return false }
        lock = ScreenLock()
        return true
    }

    /// A key on the locked screen: the PIN and Enter unlock; F10 signs out (twice when a form
    /// holds typed text, which signing out loses).
    private func handleLocked(_ key: Key, _ current: ScreenLock) {
        var current = current
        switch KeyMap.action(for: key, in: .locked) {
        case .open?:
            do {
                _ = try SignIn.unlockScreen(clearance, pin: current.field.text, store: store, now: now())
                lock = nil
                lastKey = now()
                return
            } catch {
                current.problem = catalog.text(error)
                current.field.set("")
            }
        case .quit?:
            if screens.contains(where: \.hasUnsavedInput) && !current.confirmingSignOut {
                current.confirmingSignOut = true
                current.problem = catalog.text("signin.locked.unsaved")
            } else {
                isRunning = false
                signedOut = true
            }
        default:
            let wasFull = current.field.isFull
            if current.field.handle(key) {
                current.problem = current.field.isFull
                    ? (wasFull ? current.problem : catalog.fieldFull(capacity: current.field.capacity)) : nil
            }
            current.confirmingSignOut = false
        }
        lock = current
    }

    /// Asks a yes/no question; `then` runs on yes. "No" is focused, so Enter is the safe answer.
    func confirm(title: String, lines: [String], yes: String, no: String, then: @escaping () -> Void) {
        show(.dialog(Dialog(title: title, lines: lines, buttons: [no, yes], focused: 0)) { answer in
            if answer == 1 { then() }
        })
    }

    /// Commits a change through the store; on failure says why and returns nil, the change
    /// still in the caller's hands.
    /// `refused` is told the error after it is said (a stale approval refreshes its queue).
    /// `version`: the version of the case the change was made on (the case as its form showed
    /// it): a change that others' changes since go against is refused, theirs kept.
    /// `recheck`: run under the commit lock on the book as it then stands (`Store.commit`).
    func commit(_ change: Change, on version: Int? = nil, recheck: ((CaseBook) throws -> Void)? = nil,
                refused: ((any Error) -> Void)? = nil) -> JournalEntry? {
        do {
            let entry = try store.commit(change, as: clearance, on: version, recheck: recheck)
            // Before this commit, the store read what other sessions appended: shown too.
            showOutsideChanges()
            bookDidChange()
            for screen in screens { screen.storeDidChange(self, changed: change.caseID) }
            return entry
        } catch {
            say(catalog.text(error), .error)
            refused?(error)
            return nil
        }
    }

    /// What the title bar says from the whole book, computed when the book changes only.
    private func bookDidChange() {
        toApprove = clearance.isSignedIn ? ApprovalQueue.decidableCount(reader: reader) : 0
        inSiteConflict = clearance.role >= .supervisor ? reader.inSiteConflict.count : 0
    }

    /// Commits `changes` together, all or none (a case registered from a household member and
    /// its link); says why when refused. Whether they were committed.
    func commit(_ changes: [Change], recheck: ((CaseBook) throws -> Void)? = nil) -> Bool {
        guard changes.count > 1 else { return changes.first.map { commit($0, recheck: recheck) != nil } ?? true }
        do {
            try store.commitBatch(as: clearance) { batch in
                try recheck?(batch.book)
                for change in changes { try batch.add(change) }
            }
            let ids = Set(changes.compactMap(\.caseID))
            showOutsideChanges()
            bookDidChange()
            for screen in screens {
                // Many cases (a reassignment of hundreds): the screens read the store again once,
                // rather than once per case.
                if ids.count > 64 {
                    screen.storeDidChange(self, changed: nil)
                } else {
                    for id in ids { screen.storeDidChange(self, changed: id) }
                }
            }
            return true
        } catch {
            say(catalog.text(error), .error)
            return false
        }
    }

    /// Keeps the opening of `item` in the history; a failure is said, and the case still shows.
    func recordView(of item: Case) {
        do {
            try store.recordEvent(.view(caseNumber: item.number), by: clearance.login)
        } catch {
            say(catalog.text(error), .error)
        }
    }

    // MARK: Input

    func handle(_ event: Event) {
        switch event {
        case .resize: return  // The next render uses the new size.
        case .key(let key): handle(key)
        case .paste(let text): paste(text)
        }
        // The one path every event takes: the tour sees what it changed.
        tour?.observe(self)
    }

    /// Text pasted is text, never keys: typed into the field being edited, a character at a
    /// time as if typed; refused anywhere else (where its letters would be commands).
    private func paste(_ text: String) {
        let context = lock != nil ? KeyContext.locked : overlay?.context ?? top.context
        guard let lines = context.pastedLines else {
            say(catalog.text("paste.notInAField"), .error)
            return
        }
        for character in PlainText.pasted(text, lines: lines) { handle(.character(character)) }
    }

    func handle(_ key: Key) {
        if key == .control("c") {
            requestQuit()
            return
        }
        if let lock {
            handleLocked(key, lock)
            return
        }
        if lockIfIdle() { return }
        lastKey = now()
        if isTooSmall {
            // Nothing is visible, so nothing may change unseen: only quitting works.
            if key == .function(10) { requestQuit() }
            return
        }
        if let tour, tour.handle(key, app: self, catalog: catalog) { return }
        if let overlay {
            handleOverlay(overlay, key: key)
            return
        }
        let action = KeyMap.action(for: key, in: top.context)
        if let action, action.changesData, let reason = store.readOnlyReason {
            // Say it before anything is typed, not after a whole form.
            say(catalog.text(reason), .error)
            return
        }
        if let action, action.supervisorsOnly, !mayClose {
            let reason = action.closesOrReopens ? "error.access.closeOrReopenAny"
                : action == .approvals ? "approvals.error.notAllowed"
                : action == .siteConflicts ? "error.access.siteConflict" : "error.access.caseloadReview"
            say(catalog.text(reason), .error)
            return
        }
        switch action {
        case .quit?: requestQuit(signOut: clearance.isSignedIn)
        case .help?: showHelp()
        default:
            status = nil
            top.handle(action, key: key, app: self)
        }
    }

    private func handleOverlay(_ overlay: Overlay, key: Key) {
        let action = KeyMap.action(for: key, in: overlay.context)
        switch overlay {
        case .help(var panel):
            if case .move(let movement)? = action {
                panel.move(movement, visible: helpVisibleLines)
                self.overlay = .help(panel)
            } else if action == .back {
                self.overlay = overlayUnderHelp
                overlayUnderHelp = nil
            }
        case .picker(var picker, let onChoose):
            switch action {
            case .move(let movement)?: picker.move(movement)
            case .toggle?: picker.toggle()
            case .typeAhead?:
                if case .character(let character) = key { picker.typeAhead(character, at: now(), fold: Fold.key) }
            case .choose?:
                self.overlay = nil
                onChoose(picker.result)
                return
            case .back?:
                self.overlay = nil
                return
            case .help?:
                showHelp()
                return
            default: break
            }
            self.overlay = .picker(picker, onChoose: onChoose)
        case .dialog(var dialog, let onAnswer):
            switch action {
            case .move(.down)?: dialog.focusNext()
            case .move(.up)?: dialog.focusPrevious()
            case .choose?:
                self.overlay = nil
                onAnswer(dialog.focused)
                return
            case .back?:
                self.overlay = nil
                onAnswer(nil)
                return
            case .typeAhead?:
                // The first letter of one button alone chooses it; a letter two share does nothing.
                guard case .character(let letter) = key else { break }
                let matching = dialog.buttons.indices.filter { Fold.key(dialog.buttons[$0]).hasPrefix(Fold.key(String(letter))) }
                guard matching.count == 1 else { break }
                self.overlay = nil
                onAnswer(matching[0])
                return
            default: break
            }
            self.overlay = .dialog(dialog, onAnswer: onAnswer)
        }
    }

    private var helpVisibleLines = 10
    /// The picker the help was opened from, shown again when the help closes.
    private var overlayUnderHelp: Overlay?

    private func showHelp() {
        let context = overlay?.context ?? top.context
        var lines = Dialog.wrap(catalog.text(top.helpKey), width: 70)
        lines.append("")
        lines += KeyHint.helpLines(KeyMap.help(context, catalog: catalog, quitSignsOut: clearance.isSignedIn, mayClose: mayClose),
                                   width: 70)
        if tour != nil {
            lines.append("")
            lines.append(catalog.text("tour.help.title"))
            lines += KeyHint.helpLines(KeyMap.help(.tour, catalog: catalog), width: 70)
        }
        lines.append("")
        lines += Dialog.wrap(catalog.text("help.everywhere"), width: 70)
        overlayUnderHelp = overlay
        overlay = .help(TextPanel(title: catalog.text("help.title"), lines: lines))
    }

    // MARK: Output

    /// Whether the last screen drawn was below the minimum size.
    private var isTooSmall = false

    func render(size: Size) -> Canvas {
        var canvas = Canvas(size: size)
        isTooSmall = size.width < CaseManagerApp.minimumSize.width || size.height < CaseManagerApp.minimumSize.height
        guard !isTooSmall else {
            drawTooSmall(into: &canvas)
            return canvas
        }
        let width = size.width
        canvas.fill(Rect(x: 0, y: 0, width: width, height: 1), style: .bar)
        let who = TerminalText.visible(clearance.displayName)
        if let lock {
            drawLocked(lock, into: &canvas, who: who)
            return canvas
        }
        // The screen's title comes first: on a narrow terminal the user's name gives way.
        // A demonstration's banner comes before it, on the one row nothing covers.
        let title = (demoBanner.map { $0 + " · " } ?? "") + "Retour · " + top.title(self)
        let count = (toApprove > 0 ? [catalog.counted("approvals.titleCount", toApprove)] : [])
            + (inSiteConflict > 0 ? [catalog.counted("siteConflict.titleCount", inSiteConflict)] : [])
        let readOnly = store.isReadOnly ? [catalog.text("title.readOnly")] : []
        let full = (count + [who] + readOnly).joined(separator: " · ")
        let short = (count + readOnly).joined(separator: " · ")
        let right = CellWidth.of(title) + CellWidth.of(full) + 4 <= width || short.isEmpty ? full : short
        let rightWidth = CellWidth.of(right)
        canvas.put(CellWidth.fit(title, width - rightWidth - 4), x: 1, y: 0, width: width - rightWidth - 4, style: Style(bold: true, reverse: true))
        canvas.put(right, x: width - rightWidth - 1, y: 0, style: Style(bold: store.isReadOnly, reverse: true))
        let body = Rect(x: 0, y: 1, width: width, height: size.height - 3)
        canvas.cursor = top.draw(into: &canvas, area: body, app: self)
        tour?.draw(into: &canvas, catalog: catalog)
        if let status {
            let style: Style = status.kind == .error ? .error : (status.kind == .success ? .success : .plain)
            let prefix = status.kind == .error ? "! " : ""
            canvas.put(CellWidth.fit(prefix + status.text, width - 2), x: 1, y: size.height - 2, width: width - 2, style: style)
        }
        let context = overlay?.context ?? top.context
        Footer.draw(KeyMap.footer(context, catalog: catalog, readOnly: store.isReadOnly, quitSignsOut: clearance.isSignedIn,
                                  mayClose: mayClose, supervising: supervising),
                    into: &canvas, y: size.height - 1)
        if let overlay {
            canvas.cursor = drawOverlay(overlay, into: &canvas, area: body)
        }
        return canvas
    }

    /// "DEMO — fictitious data" on a demonstration office (`CaseBook.demo`), else nil.
    var demoBanner: String? { store.book.isDemo ? catalog.text("demo.banner") : nil }

    private func drawOverlay(_ overlay: Overlay, into canvas: inout Canvas, area: Rect) -> Point? {
        switch overlay {
        case .help(let panel):
            // As tall as its lines (a short notice leaves the screen, and a tour's box, in sight).
            let frame = area.centred(Size(width: min(76, area.width - 2), height: min(area.height, panel.lines.count + 3)))
            // The rows the panel covers are hidden across the whole width (a panel as tall as
            // the screen hides it whole): no piece of a row shows beside the frame.
            canvas.fill(Rect(x: area.x, y: frame.y, width: area.width, height: frame.height))
            // Arrows said only when there is more than the panel shows.
            let scrolls = panel.lines.count > frame.height - 3
            helpVisibleLines = panel.draw(into: &canvas, area: frame, hint: catalog.text(scrolls ? "help.hint" : "help.hintClose"))
            return Point(x: frame.x + 2, y: frame.y + 1)
        case .picker(var picker, let onChoose):
            let hint = catalog.text(picker.allowsMany ? "picker.hintMany" : "picker.hintOne")
            let cursor = picker.draw(into: &canvas, area: area, hint: hint)
            self.overlay = .picker(picker, onChoose: onChoose)
            return cursor
        case .dialog(let dialog, _):
            return dialog.draw(into: &canvas, area: area)
        }
    }

    /// The locked screen: who is signed in and the PIN field, nothing of any case.
    private func drawLocked(_ lock: ScreenLock, into canvas: inout Canvas, who: String) {
        let size = canvas.size
        var lock = lock
        canvas.put((demoBanner.map { $0 + " · " } ?? "") + "Retour · " + catalog.text("signin.locked.title"), x: 1, y: 0, width: size.width - 2, style: Style(bold: true, reverse: true))
        var y = 2
        for line in Dialog.wrap(catalog.text("signin.locked.explain", ["name": who, "login": clearance.login]),
                                width: size.width - 4) where y < size.height - 6 {
            canvas.put(line, x: 2, y: y, width: size.width - 4)
            y += 1
        }
        y += 1
        let label = catalog.text("signin.label.pin") + " "
        let labelWidth = canvas.put(label, x: 2, y: y, style: .bold)
        canvas.cursor = lock.field.draw(into: &canvas, x: 2 + labelWidth, y: y, width: max(8, min(32, size.width - labelWidth - 6)), mask: "*")
        if let problem = lock.problem {
            for line in Dialog.wrap(problem, width: size.width - 4) where y < size.height - 3 {
                y += 1
                canvas.put(line, x: 2, y: y, width: size.width - 4, style: .error)
            }
        }
        self.lock = lock
        Footer.draw(KeyMap.footer(.locked, catalog: catalog), into: &canvas, y: size.height - 1)
    }

    private func drawTooSmall(into canvas: inout Canvas) {
        let size = canvas.size
        let lines = [
            catalog.text("tooSmall.line1", ["width": String(size.width), "height": String(size.height)]),
            catalog.text("tooSmall.line2", ["width": String(CaseManagerApp.minimumSize.width),
                                            "height": String(CaseManagerApp.minimumSize.height)]),
            catalog.text("tooSmall.line3"),
        ] + (demoBanner.map { [$0] } ?? [])
        // A blank line between them; a line wrapped on a narrow terminal pushes the next down.
        var y = 0
        for line in lines {
            for part in Dialog.wrap(line, width: max(1, size.width)) {
                canvas.put(part, x: 0, y: y, width: size.width)
                y += 1
            }
            y += 1
        }
        canvas.cursor = Point(x: 0, y: 0)
    }

    // MARK: Running

    /// Runs until the user quits or a termination signal arrives. Redraws only after an event.
    func run(on terminal: Terminal) {
        var needsDraw = true
        var drawn = ContinuousClock.now
        while isRunning && !terminal.terminationRequested {
            // Keys already waiting (a paste) are handled before drawing again, though not for
            // more than a tenth of a second: the screen keeps up with what arrives.
            if needsDraw && (!terminal.hasPendingInput || drawn.duration(to: .now) >= .milliseconds(100)) {
                terminal.present(render(size: terminal.size))
                needsDraw = false
                drawn = .now
            }
            if let event = terminal.nextEvent(timeoutMilliseconds: 250) {
                handle(event)
                needsDraw = true
            } else if lockIfIdle() {
                needsDraw = true
            } else if lock == nil && refreshFromDisk() {
                needsDraw = true
            }
        }
    }

    /// Shows what other sessions saved: called while idle (every quarter second), it reads
    /// the lines they appended (a read-only session reads the files again) and lets the
    /// screens update, keeping the cursor and the selection. Returns whether anything changed.
    @discardableResult
    func refreshFromDisk() -> Bool {
        do {
            guard try store.reloadIfChanged() else { return false }
        } catch {
            say(catalog.text(error), .error)
            return true
        }
        if store.isReadOnly {
            bookDidChange()
            for screen in screens { screen.storeDidChange(self, changed: nil) }
            return true
        }
        return showOutsideChanges()
    }

    /// Tells the screens which cases other sessions changed, and says discreetly on the status
    /// line how many changes and by whom ("2 changes by a.maiga"), unless it shows an error.
    /// Returns whether there were any.
    @discardableResult
    private func showOutsideChanges() -> Bool {
        let outside = store.takeOutsideChanges()
        guard !outside.isEmpty else { return false }
        bookDidChange()
        let ids = Set(outside.entries.compactMap(\.change.caseID))
        for screen in screens {
            if outside.reloaded || ids.count > 64 {
                screen.storeDidChange(self, changed: nil)
            } else {
                for id in ids { screen.storeDidChange(self, changed: id) }
            }
        }
        // Only changes to cases this user may read: others' work elsewhere is none of theirs.
        let seen = outside.entries.filter { $0.change.caseID.map { reader.digest($0) != nil } ?? false }
        if !seen.isEmpty && status?.kind != .error {
            var authors: [String] = []
            for entry in seen where !authors.contains(entry.by) { authors.append(entry.by) }
            // A decision on a conflict saved with the change it decided is part of that change.
            let decisions = zip(seen, seen.dropFirst()).filter { change, decision in
                if case .resolveConflict = decision.change, decision.seq == change.seq + 1, decision.by == change.by,
                   decision.change.caseID == change.change.caseID { return true }
                return false
            }.count
            say(catalog.counted("status.outsideChanges", seen.count - decisions, ["who": authors.joined(separator: ", ")]), .info)
        }
        return true
    }

    /// For tests: handles every queued event, drawing after each as the real loop does.
    func runUntilIdle(on terminal: MemoryTerminal) {
        terminal.present(render(size: terminal.size))
        while isRunning, let event = terminal.nextEvent(timeoutMilliseconds: 0) {
            handle(event)
            terminal.present(render(size: terminal.size))
        }
    }
}

/// The state of the locked screen.
struct ScreenLock {
    var field = TextField()
    var problem: String?
    /// F10 was pressed once with a form holding typed text: a second press signs out.
    var confirmingSignOut = false
}
