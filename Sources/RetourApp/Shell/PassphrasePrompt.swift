import Foundation
import RetourCore
import RetourTUI

/// Asks for the passphrase of an encrypted data directory on the full screen, before the case
/// manager opens it: what is typed shows as dots, and why a passphrase was refused is said
/// under the field. Enter tries it; Esc, F10 or Ctrl-C quits without opening anything.
final class PassphrasePrompt {
    private let catalog: Catalog
    private let directory: String
    private var field = TextField()
    private var problem: String?

    init(catalog: Catalog, directory: String) {
        self.catalog = catalog
        self.directory = directory
    }

    /// What `unlock` returns for the first passphrase it accepts; nil when the user quits.
    func run<Unlocked>(on terminal: Terminal, unlock: (String) throws -> Unlocked) -> Unlocked? {
        var needsDraw = true
        while !terminal.terminationRequested {
            if needsDraw {
                terminal.present(render(size: terminal.size))
                needsDraw = false
            }
            guard let event = terminal.nextEvent(timeoutMilliseconds: 250) else { continue }
            needsDraw = true
            if case .paste(let text) = event {
                // Typed into the field, never taken as keys (Enter included).
                for character in PlainText.pasted(text, lines: .one) { _ = field.handle(.character(character)) }
                continue
            }
            guard case .key(let key) = event else { continue }
            if key == .control("c") { return nil }
            switch KeyMap.action(for: key, in: .passphrase) {
            case .open?:
                do {
                    return try unlock(field.text)
                } catch {
                    problem = catalog.text(error)
                    field.set("")
                }
            case .quit?:
                return nil
            default:
                let wasFull = field.isFull
                if field.handle(key) { problem = field.isFull ? (wasFull ? problem : catalog.fieldFull(capacity: field.capacity)) : nil }
            }
        }
        return nil
    }

    func render(size: Size) -> Canvas {
        var canvas = Canvas(size: size)
        let width = size.width
        canvas.fill(Rect(x: 0, y: 0, width: width, height: 1), style: .bar)
        canvas.put("Retour · " + catalog.text("crypto.title"), x: 1, y: 0, width: width - 2, style: Style(bold: true, reverse: true))
        var y = 2
        for line in Dialog.wrap(catalog.text("crypto.explain", ["path": directory]), width: width - 4) where y < size.height - 4 {
            canvas.put(line, x: 2, y: y, width: width - 4)
            y += 1
        }
        y += 1
        let label = catalog.text("crypto.label") + " "
        let labelWidth = canvas.put(label, x: 2, y: y, style: .bold)
        let fieldWidth = max(8, min(40, width - labelWidth - 5))
        canvas.cursor = field.draw(into: &canvas, x: 2 + labelWidth, y: y, width: fieldWidth, mask: "*")
        if let problem {
            for line in Dialog.wrap(problem, width: width - 4) where y < size.height - 3 {
                y += 1
                canvas.put(line, x: 2, y: y, width: width - 4, style: .error)
            }
        }
        Footer.draw(KeyMap.footer(.passphrase, catalog: catalog), into: &canvas, y: size.height - 1)
        return canvas
    }
}
