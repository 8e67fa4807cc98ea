import CNCurses
import Foundation

/// The real terminal, through ncursesw. Owns the terminal from `init` until `restore()`,
/// which runs exactly once: on quit, on a termination signal (read by the event loop) and,
/// from the signal handler, on a crash.
public final class CursesTerminal: Terminal {
    public private(set) var size: Size
    private var shown: Canvas?
    private let colors: Bool

    /// Sets up the terminal. `monochrome` (NO_COLOR) keeps attributes only.
    public init(monochrome: Bool) {
        TerminalLocale.ensureUTF8()
        retour_install_signal_handlers()
        initscr()
        raw()
        noecho()
        nonl()
        keypad(retour_stdscr(), true)
        set_escdelay(25)
        if retour_define_paste_keys(CursesTerminal.pasteStart, CursesTerminal.pasteEnd) != 0 { retour_bracketed_paste(1) }
        colors = !monochrome && has_colors()
        if colors {
            start_color()
            use_default_colors()
            init_pair(Int16(Style.Color.accent.rawValue), Int16(COLOR_CYAN), -1)
            init_pair(Int16(Style.Color.error.rawValue), Int16(COLOR_RED), -1)
            init_pair(Int16(Style.Color.warning.rawValue), Int16(COLOR_YELLOW), -1)
            init_pair(Int16(Style.Color.success.rawValue), Int16(COLOR_GREEN), -1)
            init_pair(Int16(Style.Color.muted.rawValue), -1, -1)
        }
        size = Size(width: Int(retour_cols()), height: Int(retour_lines()))
    }

    public var terminationRequested: Bool { retour_pending_termination() != 0 }

    public var hasPendingInput: Bool {
        var input = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        return poll(&input, 1, 0) > 0
    }

    public func present(_ canvas: Canvas) {
        if shown?.size != canvas.size {
            clear()
            shown = nil
        }
        for y in 0..<canvas.size.height {
            for x in 0..<canvas.size.width {
                let cell = canvas[x, y]
                if cell.text.isEmpty { continue }  // Second half of a wide glyph.
                if let shown, shown[x, y] == cell { continue }
                draw(cell, x: x, y: y)
            }
        }
        shown = canvas
        if let cursor = canvas.cursor, cursor.x < size.width, cursor.y < size.height {
            curs_set(1)
            move(Int32(cursor.y), Int32(cursor.x))
        } else {
            curs_set(0)
        }
        refresh()
    }

    public func nextEvent(timeoutMilliseconds: Int) -> Event? {
        timeout(Int32(timeoutMilliseconds))
        var code: wint_t = 0
        let kind = get_wch(&code)
        if kind == retour_err() { return nil }
        if kind == retour_key_code_yes() {
            if Int32(code) == KEY_RESIZE {
                noteResize()
                return .resize(size)
            }
            if Int32(code) == CursesTerminal.pasteStart { return .paste(readPaste()) }
            if Int32(code) == CursesTerminal.pasteEnd { return nil }  // The end of a paste cut short.
            return CursesTerminal.key(function: Int32(code)).map(Event.key)
        }
        return CursesTerminal.key(character: UInt32(code)).map(Event.key)
    }

    /// Gives the terminal back as it was. Safe to call more than once.
    public func restore() {
        if !isendwin() {
            curs_set(1)
            endwin()
            retour_bracketed_paste(0)
        }
    }

    /// The key codes curses gives for the terminal's marks around pasted text.
    private static let pasteStart: Int32 = 0x1F00, pasteEnd: Int32 = 0x1F01

    private func noteResize() {
        size = Size(width: Int(retour_cols()), height: Int(retour_lines()))
        shown = nil
    }

    /// The text of a paste, up to its end mark: the characters as curses gives them, waiting
    /// up to a second for the next part (a slow link) and no longer (an end mark lost). What
    /// curses reads as a key inside it (an arrow's escape sequence) is left out; beyond
    /// `Event.pasteLimit` characters the rest is read and dropped, never taken as keys.
    private func readPaste() -> String {
        timeout(1000)
        var text = String.UnicodeScalarView()
        var count = 0
        while true {
            var code: wint_t = 0
            let kind = get_wch(&code)
            if kind == retour_err() { break }
            if kind == retour_key_code_yes() {
                if Int32(code) == CursesTerminal.pasteEnd { break }
                if Int32(code) == KEY_RESIZE { noteResize() }
                continue
            }
            if count < Event.pasteLimit, let scalar = Unicode.Scalar(UInt32(code)) {
                text.append(scalar)
                count += 1
            }
        }
        return String(text)
    }

    private func draw(_ cell: Cell, x: Int, y: Int) {
        var attributes = retour_a_normal()
        if cell.style.bold { attributes |= retour_a_bold() }
        if cell.style.reverse { attributes |= retour_a_reverse() }
        if cell.style.underline { attributes |= retour_a_underline() }
        if cell.style.dim && !colors { attributes |= retour_a_dim() }
        let pair = colors ? Int16(cell.style.color?.rawValue ?? 0) : 0
        for (offset, part) in CursesTerminal.parts(of: cell.text).enumerated() where x + offset < size.width {
            var wide = Array(part.unicodeScalars.prefix(5).map { wchar_t(bitPattern: $0.value) })
            wide.append(0)
            // The bottom-right cell scrolls some terminals when written; curses reports ERR there, harmlessly.
            _ = retour_put_cell(Int32(y), Int32(x + offset), wide, attributes, pair)
        }
    }

    /// What curses is given for a cell's grapheme cluster: one string per terminal cell from the
    /// cluster's own. `setcchar` keeps a first scalar and the zero-width ones after it, and
    /// counts that scalar's `wcwidth`; a cluster it would cut (a flag's second letter) or count
    /// otherwise than the canvas (❤️ as one cell) would shift the rest of the row. Such a
    /// cluster goes in parts that curses and the terminal count alike: a flag as its two
    /// letters, which the terminal joins again; anything else as its first scalar, padded with
    /// blanks to the cells the canvas gave it.
    static func parts(of text: String) -> [String] {
        let scalars = Array(text.unicodeScalars)
        guard let first = scalars.first, scalars.count > 1 else { return [text] }
        let cells = CellWidth.of(text)
        let kept = 1 + scalars.dropFirst().prefix { CellWidth.scalarWidth($0) == 0 }.count
        if kept == scalars.count && CellWidth.scalarWidth(first) == cells { return [text] }
        if scalars.count == 2 && CellWidth.isRegionalIndicator(first) && CellWidth.isRegionalIndicator(scalars[1]) {
            return [String(first), String(scalars[1])]
        }
        return [String(first)] + Array(repeating: " ", count: max(0, cells - CellWidth.scalarWidth(first)))
    }

    static func key(function code: Int32) -> Key? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_ENTER: return .enter
        case KEY_BACKSPACE: return .backspace
        case KEY_DC: return .delete
        case KEY_BTAB: return .backTab
        case KEY_F0 + 1...KEY_F0 + 12: return .function(Int(code - KEY_F0))
        default: return nil
        }
    }

    static func key(character value: UInt32) -> Key? {
        switch value {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 1...26: return .control(Character(Unicode.Scalar(value + 96)!))
        default:
            guard let scalar = Unicode.Scalar(value), value >= 32 else { return nil }
            return .character(Character(scalar))
        }
    }
}
