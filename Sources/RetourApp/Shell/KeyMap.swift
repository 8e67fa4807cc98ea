import RetourCore
import RetourTUI

/// What a key asks for. Screens act on these, never on raw keys, except for text typed into a
/// field.
enum Action: Hashable {
    case move(Movement)
    case open, back, quit, help
    case search, newCase, edit
    case sortNext, sortReverse, sortPrevious
    case nextField, previousField, choose, save
    case toggle
    /// A key the focused text field edits with (typing is not bound at all).
    case editText
    /// Letters over a list of choices: jump to the first that starts with them.
    case typeAhead
    case filters, clearFilter, clearFilters
    // The case screen's tabs and what is done from them.
    case nextTab, previousTab, showTab(Int)
    case enrol, withdrawEnrolment, updateStep, assess, refer, updateReferral, addNote, correctNote
    case addMember, editMember, removeMember
    /// A household member's own case: opened, or registered from the member.
    case memberCase
    /// The case whose household lists this case's person.
    case householdCase
    /// The selected row's details, whole, in a panel (what the pane under the table cuts).
    case readDetails
    /// A key of a tab's changes pressed on a closed case: said so rather than ignored.
    case closedCase
    case requestClosure, closeCase, reopen
    // Signing in; the history.
    case withoutUsers, audit
    // Supervision from the list: the caseloads, marking cases and assigning them.
    case caseload, mark, markAll, assign
    /// The closure requests waiting for a decision; approving one, returning one with a comment.
    case approvals, approve, returnRequest
    // The dashboard: its periods and sections.
    case dashboard, nextPeriod, previousPeriod, choosePeriod, nextSection, previousSection
    // The guided tour of a demonstration office: the trainer's keys, on every screen.
    case tourShowMe, tourRestart, tourPrevious, tourNext, tourToggle
    /// The conflict screen: keep the other person's values, save mine over them, or edit mine
    /// on theirs.
    case keepTheirs, keepMine, editMine
    /// The conflicts between sites (supervisors): opened, and each kept here, taken from the
    /// other site, or kept here with the case opened to edit it.
    case siteConflicts, keepHere, takeTheirs, keepHereAndEdit
}

extension Action {
    /// Closing and reopening: a supervisor's or an administrator's, not a case worker's.
    var closesOrReopens: Bool { self == .closeCase || self == .reopen }

    /// A supervisor's or an administrator's only: closing, reopening, the caseloads, marking,
    /// assigning and the closure requests to approve (a case worker is neither offered them in
    /// the footer nor let through).
    var supervisorsOnly: Bool {
        closesOrReopens || isSupervision || self == .mark || self == .markAll || self == .approvals || self == .siteConflicts
    }

    /// The caseloads and assigning: in the footer of a signed-in supervisor or administrator only.
    var isSupervision: Bool { self == .caseload || self == .assign }

    /// Actions that lead to a change of the data, refused up front in a read-only session.
    var changesData: Bool {
        switch self {
        case .newCase, .edit, .save: return true
        case .enrol, .withdrawEnrolment, .updateStep, .assess, .refer, .updateReferral, .addNote, .correctNote,
             .addMember, .editMember, .removeMember, .requestClosure, .closeCase, .reopen, .assign, .approve, .returnRequest: return true
        case .keepTheirs, .keepMine, .editMine, .keepHere, .takeTheirs, .keepHereAndEdit: return true
        default: return false
        }
    }
}

/// What kind of field has the focus in a form: its keys differ.
enum FieldFocus: Hashable, CaseIterable {
    /// A line of text: Enter goes to the next field.
    case line
    /// Text on several lines: Enter starts a new line, ↑/↓ move by line.
    case lines
    /// One choice, or several, made in a picker; letters choose by their first letters.
    case choice, choices
}

/// Where the keyboard is: each context has its own bindings.
enum KeyContext: Hashable {
    /// What the field being edited holds, where text may be pasted; nil where letters act on
    /// something else (a list, a choice, a question). The sign-in and passphrase prompts, which
    /// read their own events, take a paste into their one-line fields themselves.
    var pastedLines: PlainText.Lines? {
        switch self {
        case .search, .searchOneMatch, .form(.line), .locked: return .one
        case .form(.lines): return .several
        default: return nil
        }
    }

    case list, search, picker, multiPicker, dialog, help
    /// The search line when it finds exactly one case: Enter opens it.
    case searchOneMatch
    /// A form, by the kind of field that has the focus.
    case form(FieldFocus)
    /// The case screen: its bindings depend on the tab, on what the case's status allows, and
    /// on whether changes made at two sites wait for a supervisor.
    case detail(CaseTab, CaseStatus, inSiteConflict: Bool)
    case filters
    /// The passphrase of an encrypted data directory, asked before it opens.
    case passphrase
    /// Signing in; creating the first user (the administrator); the screen locked after
    /// a while without a key.
    case signIn, firstUser, locked
    /// The history (supervisors and administrators).
    case audit
    /// The caseloads of the workers (supervisors and administrators).
    case caseload
    /// The closure requests to approve (supervisors and administrators).
    case approvals
    /// The programme's figures.
    case dashboard
    /// The guided tour's keys, above every other context while a demonstration office runs.
    case tour
    /// A change refused because someone else saved the same thing meanwhile: the choice.
    case conflict
    /// Changes made at two sites, waiting for a supervisor's decision.
    case siteConflict
}

/// A key binding: the keys, how the footer and help name them (catalogue key), the action and
/// what it does (catalogue key).
struct Binding {
    let keys: [Key]
    let keysLabel: String
    let action: Action
    let label: String
    /// Shown in the footer (all bindings are listed in the help).
    let inFooter: Bool
    /// Shorter names for the footer, where 80 columns must hold every action of a screen.
    var footerKeys: String? = nil
    var footerLabel: String? = nil
    /// Also bound to every letter and digit no other binding takes (type-ahead).
    var letters = false
    /// Left out of a signed-in supervisor's footer, to make room for the caseloads and
    /// assigning (what it does is said elsewhere on the screen, and in the help).
    var givesWayToSupervision = false
}

/// The one place where keys are mapped. Footer and help are drawn from the same table, so
/// what they say is always what the keys do.
enum KeyMap {
    static func bindings(_ context: KeyContext) -> [Binding] {
        switch context {
        case .tour:
            return [
                Binding(keys: [.function(5)], keysLabel: "tour.key.f5", action: .tourShowMe, label: "tour.action.showMe", inFooter: true,
                        footerLabel: "tour.action.showMe.short"),
                Binding(keys: [.function(6)], keysLabel: "tour.key.f6", action: .tourRestart, label: "tour.action.restart", inFooter: true,
                        footerLabel: "tour.action.restart.short"),
                Binding(keys: [.function(7)], keysLabel: "tour.key.f7", action: .tourPrevious, label: "tour.action.previous", inFooter: true,
                        footerLabel: "tour.action.previous.short"),
                Binding(keys: [.function(8)], keysLabel: "tour.key.f8", action: .tourNext, label: "tour.action.next", inFooter: true,
                        footerLabel: "tour.action.next.short"),
                Binding(keys: [.function(9)], keysLabel: "tour.key.f9", action: .tourToggle, label: "tour.action.toggle", inFooter: true,
                        footerLabel: "tour.action.toggle.short"),
            ]
        case .list:
            return [
                Binding(keys: [.enter], keysLabel: "key.enter", action: .open, label: "action.open", inFooter: true),
                // A supervisor's footer names the caseloads and assigning instead: the search line
                // says how to search, and the help how to register.
                Binding(keys: [.character("/")], keysLabel: "key.slash", action: .search, label: "action.search", inFooter: true,
                        givesWayToSupervision: true),
                Binding(keys: [.character("n")], keysLabel: "key.n", action: .newCase, label: "action.new", inFooter: true,
                        givesWayToSupervision: true),
                Binding(keys: [.character("f")], keysLabel: "filters.key.f", action: .filters, label: "filters.action.open", inFooter: true),
                Binding(keys: [.character("F")], keysLabel: "filters.key.F", action: .clearFilters, label: "filters.action.clearAllFromList", inFooter: false),
                Binding(keys: [.character("s")], keysLabel: "key.s", action: .sortNext, label: "action.sort", inFooter: false),
                Binding(keys: [.character("S")], keysLabel: "key.S", action: .sortReverse, label: "action.sortReverse", inFooter: false),
                Binding(keys: [.character("?"), .function(1)], keysLabel: "key.help", action: .help, label: "action.help", inFooter: true),
                Binding(keys: [.character("q"), .function(10)], keysLabel: "key.quit", action: .quit, label: "action.quit", inFooter: true),
                Binding(keys: [.escape], keysLabel: "key.esc", action: .back, label: "action.clearSearch", inFooter: false),
                Binding(keys: [.character("a")], keysLabel: "list.key.a", action: .assign, label: "list.action.assign", inFooter: true,
                        footerLabel: "list.action.assign.short"),
                Binding(keys: [.character("w")], keysLabel: "caseload.key.w", action: .caseload, label: "caseload.action.open", inFooter: true,
                        footerLabel: "caseload.action.open.short"),
                Binding(keys: [.character(" ")], keysLabel: "key.space", action: .mark, label: "list.action.mark", inFooter: false),
                Binding(keys: [.character("*")], keysLabel: "list.key.star", action: .markAll, label: "list.action.markAll", inFooter: false),
                Binding(keys: [.character("h")], keysLabel: "audit.key.h", action: .audit, label: "audit.action.open", inFooter: false),
                // Not in the footer, which 80 columns of French fill: the title bar's count of
                // requests to approve names the key, and the help lists it.
                Binding(keys: [.character("A")], keysLabel: "approvals.key.A", action: .approvals, label: "approvals.action.open",
                        inFooter: false),
                Binding(keys: [.character("d")], keysLabel: "dashboard.key.d", action: .dashboard, label: "dashboard.action.open", inFooter: false),
                // As approvals: the title bar's count of conflicts names the key.
                Binding(keys: [.character("x")], keysLabel: "siteConflict.key.x", action: .siteConflicts, label: "siteConflict.action.open",
                        inFooter: false),
            ] + navigation(letters: true)
        case .search, .searchOneMatch:
            return [
                Binding(keys: [.enter, .tab], keysLabel: "key.enter", action: .open,
                        label: context == .searchOneMatch ? "action.open" : "action.keepSearch", inFooter: true),
                Binding(keys: [.escape], keysLabel: "key.esc", action: .back, label: "action.clearSearch", inFooter: true),
                Binding(keys: [.function(1)], keysLabel: "key.f1", action: .help, label: "action.help", inFooter: true),
                Binding(keys: [.function(10)], keysLabel: "key.f10", action: .quit, label: "action.quit", inFooter: false),
                clearField,
                Binding(keys: [.left, .right, .backspace, .delete, .control("a"), .control("e")], keysLabel: "key.editingSearch",
                        action: .editText, label: "action.editText", inFooter: false),
            ] + navigation(letters: false)
        case .detail(let tab, let status, let inSiteConflict):
            let bindings = detailBindings(tab, status)
            guard inSiteConflict else { return bindings }
            // Not in the footer, which 80 columns fill: the title says "in conflict (x)".
            return [Binding(keys: [.character("x")], keysLabel: "siteConflict.key.x", action: .siteConflicts,
                            label: "siteConflict.action.open", inFooter: false)] + bindings
        case .passphrase:
            return [
                Binding(keys: [.enter], keysLabel: "key.enter", action: .open, label: "crypto.action.unlock", inFooter: true),
                Binding(keys: [.escape, .function(10)], keysLabel: "crypto.key.quit", action: .quit, label: "action.quit", inFooter: true),
                clearField,
            ] + editing
        case .signIn:
            return [
                Binding(keys: [.enter], keysLabel: "key.enter", action: .open, label: "signin.action.signIn", inFooter: true),
                Binding(keys: [.tab], keysLabel: "key.tab", action: .nextField, label: "action.nextField", inFooter: true),
                Binding(keys: [.backTab, .up], keysLabel: "key.previousField", action: .previousField, label: "action.previousField", inFooter: false),
                Binding(keys: [.down, .function(4)], keysLabel: "signin.key.pick", action: .choose, label: "signin.action.pickUser", inFooter: true),
                Binding(keys: [.function(10)], keysLabel: "key.f10", action: .quit, label: "action.quit", inFooter: true),
                clearField,
            ] + editing
        case .firstUser:
            return [
                Binding(keys: [.enter], keysLabel: "key.enter", action: .open, label: "signin.action.create", inFooter: true),
                Binding(keys: [.tab, .down], keysLabel: "key.nextField", action: .nextField, label: "action.nextField", inFooter: true),
                Binding(keys: [.backTab, .up], keysLabel: "key.previousField", action: .previousField, label: "action.previousField", inFooter: false),
                Binding(keys: [.function(2)], keysLabel: "key.f2", action: .withoutUsers, label: "signin.action.withoutUsers", inFooter: true),
                Binding(keys: [.function(10)], keysLabel: "key.f10", action: .quit, label: "action.quit", inFooter: true),
                clearField,
            ] + editing
        case .audit:
            return [
                Binding(keys: [.character("f")], keysLabel: "filters.key.f", action: .filters, label: "audit.action.filter", inFooter: true),
                Binding(keys: [.escape, .character("q")], keysLabel: "key.back", action: .back, label: "action.back", inFooter: true),
                Binding(keys: [.character("?"), .function(1)], keysLabel: "key.help", action: .help, label: "action.help", inFooter: true),
                Binding(keys: [.function(10)], keysLabel: "key.f10", action: .quit, label: "action.quit", inFooter: false),
            ] + navigation(letters: true)
        case .caseload:
            return [
                Binding(keys: [.enter], keysLabel: "key.enter", action: .open, label: "caseload.action.theirCases", inFooter: true,
                        footerLabel: "caseload.action.theirCases.short"),
                Binding(keys: [.character("s"), .right], keysLabel: "caseload.key.sortColumns", action: .sortNext,
                        label: "caseload.action.sortColumn", inFooter: true, footerKeys: "key.s", footerLabel: "caseload.action.sort.short"),
                Binding(keys: [.left], keysLabel: "caseload.key.sortColumns", action: .sortPrevious,
                        label: "caseload.action.sortColumn", inFooter: false),
                Binding(keys: [.character("S")], keysLabel: "caseload.key.S", action: .sortReverse, label: "caseload.action.sortReverse", inFooter: true),
                Binding(keys: [.escape, .character("q")], keysLabel: "key.back", action: .back, label: "action.back", inFooter: true),
                Binding(keys: [.character("?"), .function(1)], keysLabel: "key.help", action: .help, label: "action.help", inFooter: true),
                Binding(keys: [.function(10)], keysLabel: "key.f10", action: .quit, label: "action.quit", inFooter: false),
            ] + navigation(letters: true)
        case .approvals:
            // Approving is y (yes) or o (oui) in either language; each names its own.
            return [
                Binding(keys: [.character("y"), .character("o")], keysLabel: "approvals.key.approve", action: .approve,
                        label: "approvals.action.approve", inFooter: true),
                Binding(keys: [.character("r")], keysLabel: "approvals.key.r", action: .returnRequest,
                        label: "approvals.action.return", inFooter: true),
                Binding(keys: [.enter], keysLabel: "key.enter", action: .open, label: "approvals.action.openCase", inFooter: true),
                Binding(keys: [.escape, .character("q")], keysLabel: "key.back", action: .back, label: "action.back", inFooter: true,
                        footerKeys: "key.q"),
                Binding(keys: [.character("?"), .function(1)], keysLabel: "key.help", action: .help, label: "action.help", inFooter: true,
                        footerKeys: "key.question"),
                Binding(keys: [.function(10)], keysLabel: "key.f10", action: .quit, label: "action.quit", inFooter: false),
            ] + navigation(letters: true)
        case .dashboard:
            return [
                Binding(keys: [.enter], keysLabel: "key.enter", action: .open, label: "dashboard.action.cases", inFooter: true,
                        footerLabel: "dashboard.action.cases.short"),
                Binding(keys: [.character("p")], keysLabel: "dashboard.key.p", action: .nextPeriod, label: "dashboard.action.nextPeriod",
                        inFooter: true, footerLabel: "dashboard.action.period.short"),
                Binding(keys: [.character("P")], keysLabel: "dashboard.key.P", action: .previousPeriod,
                        label: "dashboard.action.previousPeriod", inFooter: false),
                Binding(keys: [.character("t")], keysLabel: "dashboard.key.t", action: .choosePeriod, label: "dashboard.action.dates",
                        inFooter: true, footerLabel: "dashboard.action.dates.short"),
                Binding(keys: [.tab], keysLabel: "key.tab", action: .nextSection, label: "dashboard.action.nextSection",
                        inFooter: true, footerLabel: "dashboard.action.section.short"),
                Binding(keys: [.backTab], keysLabel: "key.backTab", action: .previousSection, label: "dashboard.action.previousSection",
                        inFooter: false),
                Binding(keys: [.character(" ")], keysLabel: "key.space", action: .readDetails, label: "dashboard.action.read",
                        inFooter: false),
                Binding(keys: [.escape, .character("q")], keysLabel: "key.back", action: .back, label: "action.back", inFooter: true),
                Binding(keys: [.character("?"), .function(1)], keysLabel: "key.help", action: .help, label: "action.help", inFooter: true),
                Binding(keys: [.function(10)], keysLabel: "key.f10", action: .quit, label: "action.quit", inFooter: false),
            ] + navigation(letters: false)
        case .locked:
            return [
                Binding(keys: [.enter], keysLabel: "key.enter", action: .open, label: "signin.action.unlock", inFooter: true),
                Binding(keys: [.function(10)], keysLabel: "key.f10", action: .quit, label: "signin.action.signOut", inFooter: true),
                clearField,
            ] + editing
        case .form(let focus):
            return formBindings(focus)
        case .picker, .multiPicker:
            let toggle = context == .multiPicker
                ? [Binding(keys: [.character(" ")], keysLabel: "key.space", action: .toggle, label: "action.toggle", inFooter: true)]
                : []
            return toggle + [
                Binding(keys: [.enter], keysLabel: "key.enter", action: .choose, label: "action.confirm", inFooter: true),
                Binding(keys: [.escape], keysLabel: "key.esc", action: .back, label: "action.cancel", inFooter: true),
                Binding(keys: [.function(1), .character("?")], keysLabel: "key.help", action: .help, label: "action.help", inFooter: false),
                typeAhead(inFooter: true),
            ] + navigation(letters: false)
        case .dialog:
            return [
                Binding(keys: [.right, .tab], keysLabel: "key.leftRight", action: .move(.down), label: "action.otherButton", inFooter: true),
                Binding(keys: [.left, .backTab], keysLabel: "key.leftRight", action: .move(.up), label: "action.otherButton", inFooter: false),
                Binding(keys: [.enter], keysLabel: "key.enter", action: .choose, label: "action.confirm", inFooter: true),
                Binding(keys: [.escape], keysLabel: "key.esc", action: .back, label: "action.cancel", inFooter: true),
                Binding(keys: [], keysLabel: "key.letters", action: .typeAhead, label: "action.buttonLetter", inFooter: false, letters: true),
            ]
        case .filters:
            return [
                Binding(keys: [.enter, .right], keysLabel: "key.enter", action: .choose, label: "action.choose", inFooter: true),
                Binding(keys: [.character("x"), .delete, .backspace], keysLabel: "filters.key.x", action: .clearFilter, label: "filters.action.clear", inFooter: true),
                Binding(keys: [.character("X")], keysLabel: "filters.key.X", action: .clearFilters, label: "filters.action.clearAll", inFooter: true),
                Binding(keys: [.escape, .left, .character("q"), .character("f")], keysLabel: "key.back", action: .back, label: "action.back", inFooter: true),
                Binding(keys: [.character("?"), .function(1)], keysLabel: "key.help", action: .help, label: "action.help", inFooter: true),
                Binding(keys: [.function(10)], keysLabel: "key.f10", action: .quit, label: "action.quit", inFooter: false),
            ] + navigation(letters: true)
        case .conflict:
            // Theirs is t (theirs) or l (la leur), mine m in both languages, edit e.
            return [
                Binding(keys: [.character("t"), .character("l")], keysLabel: "conflict.key.theirs", action: .keepTheirs,
                        label: "conflict.action.theirs", inFooter: true, footerLabel: "conflict.action.theirs.short"),
                Binding(keys: [.character("m")], keysLabel: "conflict.key.m", action: .keepMine, label: "conflict.action.mine", inFooter: true,
                        footerLabel: "conflict.action.mine.short"),
                Binding(keys: [.character("e")], keysLabel: "conflict.key.e", action: .editMine, label: "conflict.action.edit", inFooter: true,
                        footerLabel: "conflict.action.edit.short"),
                Binding(keys: [.escape], keysLabel: "key.esc", action: .back, label: "conflict.action.back", inFooter: true,
                        footerLabel: "conflict.action.back.short"),
                Binding(keys: [.character("?"), .function(1)], keysLabel: "key.help", action: .help, label: "action.help", inFooter: true),
                Binding(keys: [.function(10)], keysLabel: "key.f10", action: .quit, label: "action.quit", inFooter: false),
            ] + navigation(letters: false)
        case .siteConflict:
            // Here is h (here) or i (ici), theirs t, edit e, in both languages.
            return [
                Binding(keys: [.character("h"), .character("i")], keysLabel: "siteConflict.key.here", action: .keepHere,
                        label: "siteConflict.action.here", inFooter: true, footerLabel: "siteConflict.action.here.short"),
                Binding(keys: [.character("t")], keysLabel: "siteConflict.key.t", action: .takeTheirs, label: "siteConflict.action.theirs",
                        inFooter: true, footerLabel: "siteConflict.action.theirs.short"),
                Binding(keys: [.character("e")], keysLabel: "siteConflict.key.e", action: .keepHereAndEdit, label: "siteConflict.action.edit",
                        inFooter: true, footerLabel: "siteConflict.action.edit.short"),
                Binding(keys: [.right, .character("n")], keysLabel: "siteConflict.key.next", action: .nextSection,
                        label: "siteConflict.action.next", inFooter: false),
                Binding(keys: [.left, .character("p")], keysLabel: "siteConflict.key.previous", action: .previousSection,
                        label: "siteConflict.action.previous", inFooter: false),
                Binding(keys: [.enter], keysLabel: "key.enter", action: .open, label: "siteConflict.action.case", inFooter: false),
                Binding(keys: [.escape, .character("q")], keysLabel: "key.back", action: .back, label: "action.back", inFooter: true),
                Binding(keys: [.character("?"), .function(1)], keysLabel: "key.help", action: .help, label: "action.help", inFooter: true),
                Binding(keys: [.function(10)], keysLabel: "key.f10", action: .quit, label: "action.quit", inFooter: false),
            ] + navigation(letters: false)
        case .help:
            return [
                Binding(keys: [.escape, .enter, .character("q"), .character("?"), .function(1)], keysLabel: "key.esc", action: .back, label: "action.close", inFooter: true),
            ] + navigation(letters: true)
        }
    }

    /// The action `key` asks for in `context`; nil when it is not bound (typed text, say).
    /// A letter or digit no binding names goes to the binding that takes letters, if any.
    static func action(for key: Key, in context: KeyContext) -> Action? {
        let bindings = bindings(context)
        if let bound = bindings.first(where: { $0.keys.contains(key) }) { return bound.action }
        guard case .character(let character) = key, character.isLetter || character.isNumber else { return nil }
        return bindings.first(where: \.letters)?.action
    }

    /// Ctrl-U, in every context with a text field.
    private static let clearField = Binding(keys: [.control("u")], keysLabel: "key.ctrlU", action: .editText,
                                            label: "action.clearField", inFooter: true, footerLabel: "action.clearField.short")

    /// The other keys a text field edits with (named in the help only).
    private static let editing = [
        Binding(keys: [.left, .right, .home, .end, .backspace, .delete, .control("a"), .control("e")], keysLabel: "key.editing",
                action: .editText, label: "action.editText", inFooter: false),
    ]

    private static func typeAhead(inFooter: Bool) -> Binding {
        Binding(keys: [], keysLabel: "key.letters", action: .typeAhead, label: "action.typeAhead", inFooter: inFooter,
                footerLabel: "action.typeAhead.short", letters: true)
    }

    /// A form: moving between fields, saving and cancelling, and what the focused field does
    /// with Enter, ↑/↓ and letters. Saving comes early so that the footer always shows it.
    private static func formBindings(_ focus: FieldFocus) -> [Binding] {
        var bindings: [Binding] = []
        switch focus {
        case .lines:
            bindings += [
                Binding(keys: [.tab], keysLabel: "key.tab", action: .nextField, label: "action.nextField", inFooter: true,
                        footerLabel: "action.nextField.short"),
                Binding(keys: [.backTab], keysLabel: "key.backTab", action: .previousField, label: "action.previousField", inFooter: false),
                Binding(keys: [.enter], keysLabel: "key.enter", action: .editText, label: "action.newLine", inFooter: true,
                        footerLabel: "action.newLine.short"),
                Binding(keys: [.up], keysLabel: "key.upDown", action: .move(.up), label: "action.lineUpDown", inFooter: false),
                Binding(keys: [.down], keysLabel: "key.upDown", action: .move(.down), label: "action.lineUpDown", inFooter: false),
            ]
        case .line, .choice, .choices:
            bindings += [
                Binding(keys: [.tab, .down], keysLabel: "key.nextField", action: .nextField, label: "action.nextField", inFooter: true),
                Binding(keys: [.backTab, .up], keysLabel: "key.previousField", action: .previousField, label: "action.previousField", inFooter: false),
            ]
            if focus == .line {
                bindings.append(Binding(keys: [.enter], keysLabel: "key.enter", action: .nextField, label: "action.nextField", inFooter: false))
            } else {
                bindings.append(Binding(keys: [.enter, .character(" ")], keysLabel: "key.enterSpace", action: .choose,
                                        label: "action.choose", inFooter: true, footerKeys: "key.enter"))
            }
        }
        if focus == .line || focus == .lines { bindings.append(clearField) }
        bindings += [
            Binding(keys: [.function(2), .control("s")], keysLabel: "key.save", action: .save, label: "action.save", inFooter: true,
                    footerKeys: "key.f2"),
            Binding(keys: [.escape], keysLabel: "key.esc", action: .back, label: "action.cancel", inFooter: true),
            Binding(keys: [.function(1)], keysLabel: "key.f1", action: .help, label: "action.help", inFooter: true),
            Binding(keys: [.function(10)], keysLabel: "key.f10", action: .quit, label: "action.quit", inFooter: false),
            Binding(keys: [.pageUp], keysLabel: "key.pageUp", action: .move(.pageUp), label: "action.pageUp", inFooter: false),
            Binding(keys: [.pageDown], keysLabel: "key.pageDown", action: .move(.pageDown), label: "action.pageDown", inFooter: false),
        ]
        switch focus {
        case .line, .lines: bindings += editing
        case .choice, .choices: bindings.append(typeAhead(inFooter: false))
        }
        return bindings
    }

    /// A read-only session is not offered what it would refuse.
    /// When `quitSignsOut` (someone signed in), quitting is named for what it does: the next
    /// person gets the sign-in screen.
    /// Nor is a case worker offered closing or reopening (`mayClose` false). The caseloads and
    /// assigning are offered to a signed-in supervisor or administrator only (`supervising`),
    /// whose footer leaves out what gives way to them.
    static func footer(_ context: KeyContext, catalog: Catalog, readOnly: Bool = false, quitSignsOut: Bool = false,
                       mayClose: Bool = true, supervising: Bool = false) -> [KeyHint] {
        bindings(context).filter { binding in
            binding.inFooter && !(readOnly && binding.action.changesData) && !(!mayClose && binding.action.supervisorsOnly)
                && (supervising ? !binding.givesWayToSupervision : !binding.action.isSupervision)
        }
            .map { binding in
                let label = quitSignsOut && binding.action == .quit ? label(of: binding, quitSignsOut: true)
                    : binding.footerLabel ?? binding.label
                return KeyHint(keys: catalog.text(binding.footerKeys ?? binding.keysLabel), label: catalog.text(label))
            }
    }

    private static func label(of binding: Binding, quitSignsOut: Bool) -> String {
        quitSignsOut && binding.action == .quit && binding.label == "action.quit" ? "signin.action.signOut" : binding.label
    }

    /// Every binding of `context`, once per keys and label, for the help overlay.
    /// What a case worker may not do (`mayClose` false) is left out, as in the footer.
    static func help(_ context: KeyContext, catalog: Catalog, quitSignsOut: Bool = false, mayClose: Bool = true) -> [KeyHint] {
        var seen = Set<String>()
        return bindings(context).compactMap { binding in
            guard mayClose || !binding.action.supervisorsOnly else { return nil }
            guard seen.insert(binding.keysLabel + "\u{0}" + binding.label).inserted else { return nil }
            return KeyHint(keys: catalog.text(binding.keysLabel), label: catalog.text(label(of: binding, quitSignsOut: quitSignsOut)))
        }
    }

    /// The case screen: tabs, the current tab's actions, the profile edit, and the lifecycle
    /// actions the case's status allows (the others are not offered at all).
    private static func detailBindings(_ tab: CaseTab, _ status: CaseStatus) -> [Binding] {
        var bindings = [
            Binding(keys: [.tab, .right], keysLabel: "tabs.key.tabs", action: .nextTab, label: "tabs.action.nextTab", inFooter: true,
                    footerKeys: "key.tab", footerLabel: "tabs.action.nextTab.short"),
            Binding(keys: [.backTab, .left], keysLabel: "tabs.key.backTab", action: .previousTab, label: "tabs.action.previousTab", inFooter: false),
        ]
        for candidate in CaseTab.allCases {
            let digit = Character(String(candidate.number))
            bindings.append(Binding(keys: [.character(digit)], keysLabel: "tabs.key.digits", action: .showTab(candidate.number),
                                    label: "tabs.action.showTab", inFooter: false))
        }
        switch tab {
        case .profile:
            bindings.append(Binding(keys: [.character("o")], keysLabel: "household.key.o", action: .householdCase,
                                    label: "household.action.householdCase", inFooter: false))
        case .plan:
            if status != .closed {
                bindings.append(Binding(keys: [.character("n")], keysLabel: "key.n", action: .enrol, label: "tabs.action.enrol", inFooter: true))
            }
            bindings.append(Binding(keys: [.enter], keysLabel: "key.enter", action: .updateStep, label: "tabs.action.updateStep", inFooter: true,
                                    footerLabel: "tabs.action.updateStep.short"))
            if status != .closed {
                // Not in the footer: at 80 columns it already holds what every tab needs (in
                // French, one more hint does not fit). The help lists it; a selected step says it.
                bindings.append(Binding(keys: [.character("w")], keysLabel: "tabs.key.w", action: .withdrawEnrolment,
                                        label: "tabs.action.withdraw", inFooter: false))
            } else {
                bindings.append(closedCase([.character("n"), .character("w")], "tabs.key.nw"))
            }
        case .rights:
            bindings.append(Binding(keys: [.character("n")], keysLabel: "key.n", action: .assess, label: "tabs.action.assess", inFooter: true))
            bindings.append(Binding(keys: [.enter], keysLabel: "key.enter", action: .refer, label: "tabs.action.referCriterion", inFooter: true,
                                    footerLabel: "tabs.action.referCriterion.short"))
        case .referrals:
            bindings.append(Binding(keys: [.character("n")], keysLabel: "key.n", action: .refer, label: "tabs.action.refer", inFooter: true))
            bindings.append(Binding(keys: [.enter], keysLabel: "key.enter", action: .updateReferral, label: "tabs.action.updateReferral", inFooter: true,
                                    footerLabel: "tabs.action.updateReferral.short"))
        case .notes:
            bindings.append(Binding(keys: [.character("n")], keysLabel: "key.n", action: .addNote, label: "tabs.action.addNote", inFooter: true,
                                    footerLabel: "tabs.action.addNote.short"))
            bindings.append(Binding(keys: [.enter], keysLabel: "key.enter", action: .correctNote, label: "tabs.action.correctNote", inFooter: true))
        case .timeline:
            break
        case .household:
            if status != .closed {
                bindings.append(Binding(keys: [.character("n")], keysLabel: "key.n", action: .addMember, label: "household.action.add", inFooter: true,
                                        footerLabel: "household.action.add.short"))
                bindings.append(Binding(keys: [.enter], keysLabel: "key.enter", action: .editMember, label: "household.action.edit", inFooter: false))
                bindings.append(Binding(keys: [.character("d"), .delete], keysLabel: "household.key.d", action: .removeMember,
                                        label: "household.action.remove", inFooter: true, footerKeys: "household.key.dShort",
                                        footerLabel: "household.action.remove.short"))
            } else {
                bindings.append(closedCase([.character("n"), .character("d"), .delete], "tabs.key.nd"))
            }
            // Not in the footer, which 80 columns of French fill: the selected member's details
            // say what o does for them, and the help lists it.
            bindings.append(Binding(keys: [.character("o")], keysLabel: "household.key.o", action: .memberCase,
                                    label: "household.action.memberCase", inFooter: false))
        }
        if tab != .profile {
            bindings.append(Binding(keys: [.character(" ")], keysLabel: "key.space", action: .readDetails,
                                    label: "tabs.action.readDetails", inFooter: false))
        }
        // Editing the profile and the lifecycle work from every tab, so every footer says so.
        bindings.append(Binding(keys: [.character("e")], keysLabel: "key.e", action: .edit, label: "action.edit", inFooter: true))
        switch status {
        case .registered, .active:
            bindings.append(Binding(keys: [.character("c")], keysLabel: "tabs.key.c", action: .requestClosure,
                                    label: "tabs.action.requestClosure", inFooter: true, footerLabel: "tabs.action.requestClosure.short"))
        case .closureRequested:
            bindings.append(Binding(keys: [.character("c")], keysLabel: "tabs.key.c", action: .closeCase,
                                    label: "tabs.action.closeCase", inFooter: true))
        case .closed:
            bindings.append(Binding(keys: [.character("r")], keysLabel: "tabs.key.r", action: .reopen,
                                    label: "tabs.action.reopen", inFooter: true))
        }
        return bindings + [
            Binding(keys: [.character("?"), .function(1)], keysLabel: "key.help", action: .help, label: "action.help", inFooter: true,
                    footerKeys: "key.question"),
            Binding(keys: [.escape, .character("q")], keysLabel: "key.back", action: .back, label: "action.back", inFooter: true,
                    footerKeys: "key.q"),
            Binding(keys: [.function(10)], keysLabel: "key.f10", action: .quit, label: "action.quit", inFooter: false),
        ] + navigation(letters: true)
    }

    /// `keys` of a tab's changes on a closed case: refused in words (a closed case is reopened first).
    private static func closedCase(_ keys: [Key], _ keysLabel: String) -> Binding {
        Binding(keys: keys, keysLabel: keysLabel, action: .closedCase, label: "tabs.action.closedCase", inFooter: false)
    }

    private static func navigation(letters: Bool) -> [Binding] {
        [
            Binding(keys: [.up] + (letters ? [.character("k")] : []), keysLabel: letters ? "key.upK" : "key.up", action: .move(.up), label: "action.up", inFooter: false),
            Binding(keys: [.down] + (letters ? [.character("j")] : []), keysLabel: letters ? "key.downJ" : "key.down", action: .move(.down), label: "action.down", inFooter: false),
            Binding(keys: [.pageUp], keysLabel: "key.pageUp", action: .move(.pageUp), label: "action.pageUp", inFooter: false),
            Binding(keys: [.pageDown], keysLabel: "key.pageDown", action: .move(.pageDown), label: "action.pageDown", inFooter: false),
            Binding(keys: [.home], keysLabel: "key.home", action: .move(.first), label: "action.first", inFooter: false),
            Binding(keys: [.end], keysLabel: "key.end", action: .move(.last), label: "action.last", inFooter: false),
        ]
    }
}
