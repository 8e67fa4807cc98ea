/// A key press, as the toolkit sees it whatever the terminal sent.
public enum Key: Hashable, Sendable {
    case character(Character)
    case control(Character)  // Ctrl-A … Ctrl-Z, as the lower-case letter
    case up, down, left, right
    case pageUp, pageDown, home, end
    case enter, escape, tab, backTab, backspace, delete
    case function(Int)
}

/// What a terminal reports: a key, a new size, or text pasted (which the terminal marks as
/// such: it is text, never keys, whatever it holds).
public enum Event: Hashable, Sendable {
    case key(Key)
    case resize(Size)
    /// At most `Event.pasteLimit` characters: the rest of a longer paste is read and dropped.
    case paste(String)

    public static let pasteLimit = 1 << 16
}

/// A terminal the application draws on and reads keys from: the real one through curses, or
/// an in-memory one for tests.
public protocol Terminal: AnyObject {
    var size: Size { get }
    /// Shows `canvas`, writing only what changed, and puts the cursor where it says.
    func present(_ canvas: Canvas)
    /// The next event, or nil after `timeoutMilliseconds` without one.
    func nextEvent(timeoutMilliseconds: Int) -> Event?
    /// Whether more input is already waiting (a paste arriving a character at a time): the
    /// application reads it before drawing again.
    var hasPendingInput: Bool { get }
    /// Whether a termination was requested (SIGTERM, SIGINT, SIGHUP).
    var terminationRequested: Bool { get }
}
