import Foundation
import RetourCore
import RetourTUI

/// A full screen of the case manager: the list, a case, the form. Screens are stacked;
/// Esc pops the top one.
protocol Screen: AnyObject {
    /// Which key bindings apply now.
    var context: KeyContext { get }
    /// The title bar's text.
    func title(_ app: CaseManagerApp) -> String
    /// Catalogue key of the help text that explains this screen.
    var helpKey: String { get }
    /// Acts on a key: `action` is what the key map says it means, nil for an unbound key.
    func handle(_ action: Action?, key: Key, app: CaseManagerApp)
    /// Draws into `area` and returns where the cursor goes.
    func draw(into canvas: inout Canvas, area: Rect, app: CaseManagerApp) -> Point?
    /// Called after a change was committed, so the screen shows it. `changed` is the case
    /// it touched; nil when anything may have changed (files read again from disk).
    func storeDidChange(_ app: CaseManagerApp, changed: UUID?)
    /// Whether leaving would lose typed text (the app then asks first).
    var hasUnsavedInput: Bool { get }
}

extension Screen {
    func storeDidChange(_ app: CaseManagerApp, changed: UUID?) {}
    var hasUnsavedInput: Bool { false }
}

/// Something shown over the screen, that takes the keys until it closes.
enum Overlay {
    case help(TextPanel)
    case picker(Picker, onChoose: ([String]) -> Void)
    case dialog(Dialog, onAnswer: (Int?) -> Void)

    var context: KeyContext {
        switch self {
        case .help: return .help
        case .picker(let picker, _): return picker.allowsMany ? .multiPicker : .picker
        case .dialog: return .dialog
        }
    }
}

/// The line above the footer: what just happened, in words.
struct StatusMessage {
    enum Kind { case info, success, error }
    let text: String
    let kind: Kind
}
