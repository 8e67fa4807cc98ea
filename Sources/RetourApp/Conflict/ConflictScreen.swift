import Foundation
import RetourCore
import RetourTUI

/// One field of a conflict: what I typed beside what the other person saved.
struct ConflictRow: Equatable {
    let label: String
    let mine: String
    let theirs: String
}

/// What a conflict is about (a profile, a step): how it reads on the case as it now stands,
/// and what each choice commits. The form that was refused stays under the conflict screen,
/// holding what was typed, until a choice is saved.
protocol ConflictSubject {
    var caseID: UUID { get }
    /// My change as it was refused, on the version my form showed (`baseVersion`).
    var refused: Change { get }
    var baseVersion: Int { get }
    /// "… saved this person's profile on …" for `who` and `when`.
    func intro(current: Case, who: String, when: String, catalog: Catalog) -> String
    /// The fields in conflict on `current`.
    func rows(current: Case, app: CaseManagerApp) -> [ConflictRow]
    /// Said under the rows: my other changes, applied whatever the choice (a merge).
    func mergedNote(current: Case, app: CaseManagerApp) -> String?
    /// What keeping `choice` commits on `current` (the decision journaled last); nil when my
    /// values cannot be saved as they are (then Edit says why, field by field).
    func changes(_ choice: ConflictDecision.Choice, current: Case, with who: String, app: CaseManagerApp) -> [Change]?
    /// The form, on `current`, filled with my values, that saves with the decision "edited".
    func editForm(current: Case, with who: String, app: CaseManagerApp) -> Screen
    /// Why keeping mine is not offered on `current` (a status change theirs made pointless,
    /// say), or nil when it is: shown on the screen and said on Keep mine.
    func cannotKeepMine(current: Case, who: String, app: CaseManagerApp) -> String?
}

extension ConflictSubject {
    func cannotKeepMine(current: Case, who: String, app: CaseManagerApp) -> String? { nil }
}

/// The conflict screen: the case, who saved the other version and when, each field we both
/// changed with what I typed and what they saved, and the choice: keep theirs (mine is kept
/// in the case's history), keep mine (saved over theirs), or edit mine on theirs. Read afresh
/// from the store at each drawing, so that a further change by someone else shows at once.
final class ConflictScreen: Screen {
    let subject: ConflictSubject
    /// The refused form under this screen: left with it once a choice is saved.
    private weak var origin: Screen?
    private var top = 0
    private var lineCount = 0
    private var visibleLines = 10

    init(subject: ConflictSubject, origin: Screen?) {
        self.subject = subject
        self.origin = origin
    }

    var context: KeyContext { .conflict }
    var helpKey: String { "help.conflict" }

    func title(_ app: CaseManagerApp) -> String {
        let number = app.reader[subject.caseID]?.number ?? ""
        return app.catalog.text("conflict.title", ["number": number])
    }

    /// Who saved the version now shown (the last change that goes against mine), and when.
    private func other(_ current: Case) -> TimelineEvent? {
        (try? CaseBook.clashes(of: subject.refused, on: current, since: subject.baseVersion))?.last
    }

    func handle(_ action: Action?, key: Key, app: CaseManagerApp) {
        switch action {
        case .keepTheirs?: choose(.theirs, app)
        case .keepMine?: choose(.mine, app)
        case .editMine?: choose(.edited, app)
        case .back?: app.pop()
        case .move(let movement)?:
            let last = max(0, lineCount - visibleLines)
            switch movement {
            case .up: top = max(0, top - 1)
            case .down: top = min(last, top + 1)
            case .pageUp: top = max(0, top - visibleLines)
            case .pageDown: top = min(last, top + visibleLines)
            case .first: top = 0
            case .last: top = last
            }
        default: break
        }
    }

    private func leave(_ app: CaseManagerApp) {
        if app.top === self { app.pop() }
        if let origin, app.top === origin { app.pop() }
    }

    private func choose(_ choice: ConflictDecision.Choice, _ app: CaseManagerApp) {
        let catalog = app.catalog
        guard let current = app.reader[subject.caseID] else { return }
        let who = other(current)?.by ?? ""
        if choice == .edited {
            leave(app)
            app.push(subject.editForm(current: current, with: who, app: app))
            app.say(catalog.text("conflict.editing", ["who": who]))
            return
        }
        // Why is on the screen; the status line, short, says what else to do.
        if choice == .mine, subject.cannotKeepMine(current: current, who: who, app: app) != nil {
            app.say(catalog.text("conflict.cannotKeepMine"), .error)
            return
        }
        guard let changes = subject.changes(choice, current: current, with: who, app: app) else {
            app.say(catalog.text("conflict.cannotSave"), .error)
            return
        }
        // Under the commit lock: decided on the version shown, or shown again.
        let saved = app.commit(changes, recheck: ConflictScreen.unchanged(since: current, as: subject.refused))
        guard saved else { return }
        leave(app)
        app.say(catalog.text(choice == .mine ? "conflict.keptMine" : "conflict.keptTheirs",
                             ["number": current.number, "who": who]), .success)
    }

    /// Run under the commit lock: refuses, as a conflict, when someone changed again what
    /// `refused` is about since `shown` (a note meanwhile goes through).
    static func unchanged(since shown: Case, as refused: Change) -> (CaseBook) throws -> Void {
        let id = shown.id, number = shown.number, version = shown.version
        return { book in
            guard let now = book.version(of: id), now != version,
                  let last = book.clashes(of: refused, on: id, since: version).last else { return }
            throw ChangeError.conflict(number: number, by: last.by)
        }
    }

    // MARK: Drawing

    /// `lines` from line `top` on, two columns in, as many as `area` holds, with a word at the
    /// top right when there are more than it shows. Returns where the cursor rests.
    static func put(_ lines: [(String, Style)], from top: Int, into canvas: inout Canvas, area: Rect, catalog: Catalog) -> Point {
        let visible = max(1, area.height)
        for (row, line) in lines.dropFirst(top).prefix(visible).enumerated() {
            canvas.put(line.0, x: 2, y: area.y + row, width: area.width - 4, style: line.1)
        }
        if lines.count > visible {
            let more = catalog.text("conflict.scroll")
            canvas.put(more, x: area.width - 1 - CellWidth.of(more), y: area.y, style: .muted)
        }
        return Point(x: 2, y: area.y)
    }

    func draw(into canvas: inout Canvas, area: Rect, app: CaseManagerApp) -> Point? {
        let catalog = app.catalog
        guard let current = app.reader[subject.caseID] else { return nil }
        let width = area.width - 4
        let event = other(current)
        let who = event?.by ?? "?"
        let when = event.map { catalog.dateTime($0.at) } ?? ""
        var lines: [(String, Style)] = []
        let person = TerminalText.visible("\(current.profile.familyName) \(current.profile.givenNames)")
        lines.append((current.number + " · " + person, .bold))
        lines += Dialog.wrap(subject.intro(current: current, who: who, when: when, catalog: catalog), width: width).map { ($0, .plain) }
        lines.append(("", .plain))
        let rows = subject.rows(current: current, app: app)
        let labels = [catalog.text("conflict.mine"), catalog.text("conflict.theirs", ["who": who])]
        let labelWidth = min(28, (labels.map(CellWidth.of).max() ?? 10) + 2)
        let valueWidth = max(10, width - labelWidth - 2)
        let empty = catalog.text("conflict.empty")
        if rows.isEmpty { lines.append((catalog.text("conflict.noDifference"), .muted)) }
        for row in rows {
            lines.append(("▸ " + row.label, .bold))
            for (label, value, style) in [(labels[0], row.mine, Style.plain), (labels[1], row.theirs, Style.plain)] {
                let shown = value.isEmpty ? [empty] : value.split(separator: "\n", omittingEmptySubsequences: false)
                    .flatMap { Dialog.wrap(TerminalText.visible(String($0)), width: valueWidth) }
                for (index, part) in shown.enumerated() {
                    let prefix = index == 0 ? label : ""
                    lines.append(("  " + prefix.padding(toLength: labelWidth, withPad: " ", startingAt: 0) + part, style))
                }
            }
        }
        if let note = subject.mergedNote(current: current, app: app) {
            lines.append(("", .plain))
            lines += Dialog.wrap(note, width: width).map { ($0, .muted) }
        }
        lines.append(("", .plain))
        if let why = subject.cannotKeepMine(current: current, who: who, app: app) {
            // Mine cannot follow theirs: the choices left, said in place of the three.
            lines += Dialog.wrap(why, width: width).map { ($0, .bold) }
            lines += Dialog.wrap(catalog.text("conflict.chooseBack"), width: width).map { ($0, .plain) }
        } else {
            lines += Dialog.wrap(catalog.text("conflict.choose"), width: width).map { ($0, .plain) }
        }
        lineCount = lines.count
        visibleLines = max(1, area.height)
        top = max(0, min(top, lineCount - visibleLines))
        return ConflictScreen.put(lines, from: top, into: &canvas, area: area, catalog: catalog)
    }
}
