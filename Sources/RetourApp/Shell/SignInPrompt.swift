import Foundation
import RetourCore
import RetourTUI

/// The case manager's first screen (after the passphrase of an encrypted directory): the
/// login, typed or picked among the active users, and the PIN, shown as stars; why a sign-in
/// was refused is said under the fields. On a directory with no users it offers to create
/// the administrator instead, or to go on without users. F10 quits (Esc does not: on an
/// office terminal, quitting may close the connection).
final class SignInPrompt {
    private let catalog: Catalog
    private let store: Store
    /// Who is at the terminal (`$USER`): the name of their changes when they go on without users.
    private let author: String
    private let now: () -> Date
    /// Login, PIN (signing in); login, name, PIN, PIN again (creating the administrator).
    private var fields: [TextField]
    private var focus = 0
    private var problem: String?
    private var picker: Picker?
    private let creatingAdministrator: Bool
    /// A demonstration office's guided tour: its box and the trainer's keys show here too.
    private let tour: GuidedTour?

    init(catalog: Catalog, store: Store, author: String, login: String = "", now: @escaping () -> Date = Date.init,
         tour: GuidedTour? = nil) {
        self.tour = tour
        self.catalog = catalog
        self.store = store
        self.author = author
        self.now = now
        creatingAdministrator = store.book.users.isEmpty
        if creatingAdministrator {
            fields = [TextField(), TextField(), TextField(), TextField()]
        } else {
            let known = store.book.users[login]?.active == true ? login : ""
            fields = [TextField(known), TextField()]
            focus = known.isEmpty ? 0 : 1
        }
    }

    private var context: KeyContext { creatingAdministrator ? .firstUser : .signIn }
    private var pinFields: Set<Int> { creatingAdministrator ? [2, 3] : [1] }

    /// The clearance of whoever signs in (or goes on without users); nil when they quit.
    func run(on terminal: Terminal) -> Clearance? {
        var needsDraw = true
        while !terminal.terminationRequested {
            if needsDraw {
                terminal.present(render(size: terminal.size))
                needsDraw = false
            }
            guard let event = terminal.nextEvent(timeoutMilliseconds: 250) else { continue }
            needsDraw = true
            if case .paste(let text) = event {
                // Typed into the field, never taken as keys (Enter included); not into the list of users.
                if picker == nil { for character in PlainText.pasted(text, lines: .one) { _ = handle(.character(character)) } }
                continue
            }
            guard case .key(let key) = event else { continue }
            if key == .control("c") { return nil }
            switch handle(key) {
            case .quit: return nil
            case .signedIn(let clearance): return clearance
            case nil: continue
            }
        }
        return nil
    }

    enum Outcome {
        case quit
        case signedIn(Clearance)
    }

    /// One key; an outcome when it ends the prompt.
    func handle(_ key: Key) -> Outcome? {
        if let tour, tour.handle(key, app: nil, catalog: catalog) { return nil }
        if var open = picker {
            switch KeyMap.action(for: key, in: .picker) {
            case .move(let movement)?: open.move(movement); picker = open
            case .typeAhead?:
                if case .character(let character) = key { open.typeAhead(character, at: now(), fold: Fold.key) }
                picker = open
            case .choose?, .open?, .save?:
                if let login = open.result.first { fields[0].set(login); focus = 1 }
                picker = nil
            case .back?, .quit?: picker = nil
            default: break
            }
            return nil
        }
        switch KeyMap.action(for: key, in: context) {
        case .quit?: return .quit
        case .nextField?: focus = (focus + 1) % fields.count
        case .previousField?: focus = (focus + fields.count - 1) % fields.count
        case .choose?:
            if !creatingAdministrator { openPicker() } else { focus = (focus + 1) % fields.count }
        case .withoutUsers?:
            if creatingAdministrator, let clearance = try? Clearance.withoutUsers(author, book: store.book) {
                return .signedIn(clearance)
            }
        case .open?:
            if focus < fields.count - 1 && fields[focus + 1].text.isEmpty {
                focus += 1
                return nil
            }
            return submit()
        default:
            let wasFull = fields[focus].isFull
            if fields[focus].handle(key) {
                problem = fields[focus].isFull ? (wasFull ? problem : catalog.fieldFull(capacity: fields[focus].capacity)) : nil
            }
        }
        return nil
    }

    private func openPicker() {
        let users = store.book.users.active
        guard !users.isEmpty else { return }
        // The names in one column after the longest login.
        let column = users.map { CellWidth.of($0.login) }.max() ?? 0
        picker = Picker(title: catalog.text("signin.pickUser"),
                        options: users.map {
                            let padding = String(repeating: " ", count: column - CellWidth.of($0.login))
                            return Picker.Option(value: $0.login, label: "\($0.login)\(padding)  \(TerminalText.visible($0.name))")
                        },
                        allowsMany: false, current: [fields[0].text])
    }

    private func submit() -> Outcome? {
        let login = fields[0].text.trimmingCharacters(in: .whitespaces)
        do {
            if creatingAdministrator {
                let pin = fields[2].text
                try PIN.validate(pin)
                guard pin == fields[3].text else { throw PIN.Problem.differ }
                let administrator = User(login: login, name: fields[1].text.trimmingCharacters(in: .whitespaces),
                                         role: .administrator, teams: [], pin: try PINHash.make(pin))
                try store.commit(.addUser(administrator), as: Clearance.withoutUsers(login, book: store.book))
            }
            let pin = creatingAdministrator ? fields[2].text : fields[1].text
            return .signedIn(try SignIn.attempt(login: login, pin: pin, store: store, now: now()))
        } catch {
            problem = catalog.text(error)
            for index in pinFields { fields[index].set("") }
            focus = creatingAdministrator ? (error is PIN.Problem ? 2 : 0) : 1
            return nil
        }
    }

    func render(size: Size) -> Canvas {
        var canvas = Canvas(size: size)
        let width = size.width
        canvas.fill(Rect(x: 0, y: 0, width: width, height: 1), style: .bar)
        let title = catalog.text(creatingAdministrator ? "signin.firstUser.title" : "signin.title")
        let banner = store.book.isDemo ? catalog.text("demo.banner") + " · " : ""
        canvas.put(banner + "Retour · " + title, x: 1, y: 0, width: width - 2, style: Style(bold: true, reverse: true))
        var y = 2
        let explanation = catalog.text(creatingAdministrator ? "signin.firstUser.explain" : "signin.explain")
        for line in Dialog.wrap(explanation, width: width - 4) where y < size.height - 8 {
            canvas.put(line, x: 2, y: y, width: width - 4)
            y += 1
        }
        if store.book.isDemo, !creatingAdministrator {
            // A demonstration's PINs are no secret: the one place a PIN is shown.
            let administrator = store.book.users.active.first { $0.role == .administrator }?.login ?? ""
            y += 1
            for line in Dialog.wrap(catalog.text("demo.signin.pin", ["pin": DemoMark.pin, "admin": administrator]),
                                    width: width - 4) where y < size.height - 8 {
                canvas.put(line, x: 2, y: y, width: width - 4, style: .bold)
                y += 1
            }
        }
        y += 1
        let labels = (creatingAdministrator ? ["signin.label.login", "signin.label.name", "signin.label.pin", "signin.label.pinAgain"]
                                            : ["signin.label.login", "signin.label.pin"]).map { catalog.text($0) }
        let labelWidth = (labels.map(CellWidth.of).max() ?? 0) + 2
        let fieldWidth = max(8, min(32, width - labelWidth - 6))
        var cursor: Point?
        for (index, label) in labels.enumerated() where y < size.height - 3 {
            canvas.put(label, x: 2, y: y, width: labelWidth, style: index == focus ? .bold : .plain)
            let at = fields[index].draw(into: &canvas, x: 2 + labelWidth, y: y, width: fieldWidth,
                                        mask: pinFields.contains(index) ? "*" : nil)
            if index == focus { cursor = at }
            y += 1
        }
        if let problem {
            y += 1
            for line in Dialog.wrap(problem, width: width - 4) where y < size.height - 2 {
                canvas.put(line, x: 2, y: y, width: width - 4, style: .error)
                y += 1
            }
        }
        canvas.cursor = cursor
        tour?.draw(into: &canvas, catalog: catalog)
        if var open = picker {
            canvas.cursor = open.draw(into: &canvas, area: Rect(x: 0, y: 1, width: width, height: size.height - 2),
                                      hint: catalog.text("signin.pickHint"))
            picker = open
        }
        Footer.draw(KeyMap.footer(picker == nil ? context : .picker, catalog: catalog), into: &canvas, y: size.height - 1)
        return canvas
    }
}
