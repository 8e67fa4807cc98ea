import RetourCore
import RetourTUI

extension Catalog {
    /// Said next to a text field when a character typed did not fit (`TextField.isFull`).
    func fieldFull(capacity: Int) -> String {
        text("field.full", ["maximum": String(capacity)])
    }
}
