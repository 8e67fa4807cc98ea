import Foundation
import RetourCore
import RetourTUI

/// One input of a `FieldForm`: typed text, or a choice made in a picker.
struct FormField {
    enum Kind {
        case text
        /// One of `options`; an option whose value is "" stands for "nothing chosen".
        case choice([Picker.Option])
    }

    let id: String
    let label: String
    let kind: Kind
    let required: Bool
    /// Drawn on the row of the field before it, after it (an assessment's note beside its rating).
    let sameRow: Bool
    /// Cells of a field that shares its row with the next one.
    let width: Int?
    /// Shown, dimmed, while the field is empty.
    let placeholder: String
    /// Whether the text may hold tabs and line breaks (a note) or not (a name).
    let lines: PlainText.Lines

    init(_ id: String, _ label: String, _ kind: Kind = .text, required: Bool = false, sameRow: Bool = false,
         width: Int? = nil, placeholder: String = "", lines: PlainText.Lines = .one) {
        self.id = id
        self.lines = lines
        self.label = label
        self.kind = kind
        self.required = required
        self.sameRow = sameRow
        self.width = width
        self.placeholder = placeholder
    }

    func optionLabel(_ value: String) -> String? {
        guard case .choice(let options) = kind else { return nil }
        return options.first { $0.value == value }?.label
    }
}

/// A small form over the case screen: rows of text and choice fields, the problems written
/// under the fields they concern, F2 saves, Esc cancels (asking first if anything changed).
/// What the form means lives in its closures: `validate` says what is wrong (by field id,
/// "" for the form as a whole), `submit` commits and calls `finish` when it is saved.
final class FieldForm: Screen {
    typealias Values = [String: String]

    /// The key of a problem about the form as a whole rather than one field.
    static let formIssue = ""

    let fields: [FormField]
    private let titleText: String
    private let intro: [String]
    let helpKey: String
    private let initial: Values
    private(set) var values: Values
    private var inputs: [String: TextField] = [:]
    private let validateValues: (Values) -> [String: String]
    private let onChange: (String, inout Values) -> Void
    private let submit: (FieldForm, Values, CaseManagerApp) -> Void
    private(set) var focus = 0
    private var top = 0
    /// Shown once the user has tried to save; then kept up to date as they type.
    private(set) var issues: [String: String]?

    init(catalog: Catalog, title: String, intro: [String], fields: [FormField], values: Values, helpKey: String = "tabs.help.form",
         validate: @escaping (Values) -> [String: String] = { _ in [:] },
         onChange: @escaping (String, inout Values) -> Void = { _, _ in },
         submit: @escaping (FieldForm, Values, CaseManagerApp) -> Void) {
        titleText = title
        self.intro = intro
        self.fields = fields
        self.helpKey = helpKey
        var filled = values
        for field in fields where filled[field.id] == nil { filled[field.id] = "" }
        initial = filled
        self.values = filled
        validateValues = validate
        requiredText = catalog.text("invalid.required")
        controlText = catalog.text(PlainText.refusalKey)
        self.onChange = onChange
        self.submit = submit
        for field in fields {
            if case .text = field.kind { inputs[field.id] = TextField(filled[field.id] ?? "") }
        }
    }

    var context: KeyContext { .form }
    var hasUnsavedInput: Bool { values != initial }

    func title(_ app: CaseManagerApp) -> String { titleText }

    private var focused: FormField { fields[focus] }

    func handle(_ action: Action?, key: Key, app: CaseManagerApp) {
        switch action {
        case .nextField?: focus = min(focus + 1, fields.count - 1)
        case .previousField?: focus = max(focus - 1, 0)
        case .move(.pageDown)?: focus = min(focus + 6, fields.count - 1)
        case .move(.pageUp)?: focus = max(focus - 6, 0)
        case .choose?:
            if case .choice = focused.kind { openPicker(app) } else { focus = min(focus + 1, fields.count - 1) }
        case .save?: save(app)
        case .back?: app.leaveTopScreen()
        default:
            switch focused.kind {
            case .text:
                guard var input = inputs[focused.id], input.handle(key) else { return }
                inputs[focused.id] = input
                set(focused.id, input.text)
            case .choice:
                if key == .character(" ") { openPicker(app) }
            }
        }
    }

    /// Sets a field's value as if typed or chosen.
    func set(_ id: String, _ value: String) {
        values[id] = value
        onChange(id, &values)
        // The hook may have filled other fields (a date when a step is marked done).
        for (other, var input) in inputs where input.text != values[other] {
            input.set(values[other] ?? "")
            inputs[other] = input
        }
        if issues != nil { issues = problems() }
    }

    private func openPicker(_ app: CaseManagerApp) {
        guard case .choice(let options) = focused.kind else { return }
        let id = focused.id
        let picker = Picker(title: focused.label, options: options, allowsMany: false, current: [values[id] ?? ""])
        app.show(.picker(picker) { [weak self] chosen in
            guard let self, let value = chosen.first else { return }
            self.set(id, value)
        })
    }

    /// Texts holding a control character, required fields left empty, then what `validate` finds.
    private func problems() -> [String: String] {
        var found = validateValues(values)
        for field in fields {
            guard case .text = field.kind else { continue }
            if !PlainText.isAcceptable(values[field.id] ?? "", lines: field.lines) { found[field.id] = controlText }
        }
        for field in fields where field.required && found[field.id] == nil {
            if (values[field.id] ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                found[field.id] = requiredText
            }
        }
        return found
    }

    private let requiredText: String
    private let controlText: String

    private func save(_ app: CaseManagerApp) {
        let found = problems()
        issues = found
        guard found.isEmpty else {
            if let first = fields.firstIndex(where: { found[$0.id] != nil }) { focus = first }
            let fieldCount = found.keys.filter { $0 != FieldForm.formIssue }.count
            app.say(found[FieldForm.formIssue]
                    ?? app.catalog.text("form.fixFields", ["count": String(fieldCount)]), .error)
            return
        }
        let trimmed = values.mapValues { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        submit(self, trimmed, app)
    }

    /// Closes the form after its change was saved, saying so.
    func finish(_ app: CaseManagerApp, saying message: String) {
        if app.top === self { app.pop() }
        app.say(message, .success)
    }

    // MARK: Drawing

    /// A line of the form: the fields drawn on it, or the problems written under them.
    private enum Line {
        case fields([Int])
        case issue(String, x: Int)
    }

    func draw(into canvas: inout Canvas, area: Rect, app: CaseManagerApp) -> Point? {
        let catalog = app.catalog
        let rowStarts = fields.indices.filter { !fields[$0].sameRow }
        let labelWidth = min(32, (rowStarts.map { CellWidth.of(fields[$0].label) + 2 }.max() ?? 10) + 1)
        let inputX = 2 + labelWidth
        let right = area.width - 1
        // Where each field is drawn on its row.
        var frames: [Int: (x: Int, width: Int)] = [:]
        var lines: [Line] = []
        for (position, start) in rowStarts.enumerated() {
            let end = position + 1 < rowStarts.count ? rowStarts[position + 1] : fields.count
            var x = inputX
            for index in start..<end {
                let isLast = index == end - 1
                // The last field of a row takes the rest of it; a choice needs no more than its labels.
                var width = isLast ? right - x : (fields[index].width ?? 16)
                if isLast, case .choice(let options) = fields[index].kind {
                    width = min(width, max(20, (options.map { CellWidth.of($0.label) }.max() ?? 0) + 3))
                }
                frames[index] = (x, max(1, min(width, right - x)))
                x += width + 1
            }
            lines.append(.fields(Array(start..<end)))
            for index in start..<end {
                guard let issue = issues?[fields[index].id] else { continue }
                // Under its field, wrapped rather than cut: "↳ " then the text, aligned.
                let x = frames[index]?.x ?? inputX
                for (number, part) in Dialog.wrap(issue, width: max(10, right - x - 2)).enumerated() {
                    lines.append(.issue((number == 0 ? "↳ " : "  ") + part, x: x))
                }
            }
        }
        // Above the fields: the introduction, then a problem about the whole form.
        var y = area.y
        // At most a third of the area (three lines at least), so that the fields keep room.
        for line in intro.flatMap({ Dialog.wrap($0, width: area.width - 4) }).prefix(max(3, area.height / 3)) {
            canvas.put(line, x: 2, y: y, width: area.width - 4, style: .muted)
            y += 1
        }
        if let issue = issues?[FieldForm.formIssue] {
            canvas.put("! " + issue, x: 2, y: y, width: area.width - 4, style: .error)
            y += 1
        }
        y += 1
        let height = max(1, area.maxY - y)
        let focusLine = lines.firstIndex { if case .fields(let indexes) = $0 { return indexes.contains(focus) }; return false } ?? 0
        var focusBottom = focusLine
        while focusBottom + 1 < lines.count, case .issue = lines[focusBottom + 1] { focusBottom += 1 }
        if focusLine < top { top = focusLine }
        if focusBottom >= top + height { top = focusBottom - height + 1 }
        top = max(0, min(top, max(0, lines.count - height)))
        if lines.count > height {
            let more = catalog.text("form.more", ["shown": String(min(lines.count, top + height)), "total": String(lines.count)])
            canvas.put(more, x: area.width - 1 - CellWidth.of(more), y: y - 1, style: .muted)
        }
        var cursor: Point?
        for (row, line) in lines.dropFirst(top).prefix(height).enumerated() {
            let lineY = y + row
            switch line {
            case .issue(let text, let x):
                canvas.put(text, x: x, y: lineY, width: right - x, style: .error)
            case .fields(let indexes):
                let first = fields[indexes[0]]
                let isFocused = indexes.contains(focus)
                canvas.put(isFocused ? ">" : " ", x: 0, y: lineY, style: .bold)
                let label = first.label + (indexes.contains { fields[$0].required } ? " *" : "")
                canvas.put(label, x: 2, y: lineY, width: labelWidth - 1, style: isFocused ? .bold : .plain)
                for index in indexes {
                    guard let frame = frames[index] else { continue }
                    let point = drawField(index, into: &canvas, x: frame.x, y: lineY, width: frame.width, catalog: catalog)
                    if index == focus { cursor = point }
                }
            }
        }
        return cursor ?? Point(x: 0, y: y)
    }

    private func drawField(_ index: Int, into canvas: inout Canvas, x: Int, y: Int, width: Int, catalog: Catalog) -> Point {
        let field = fields[index]
        let value = values[field.id] ?? ""
        switch field.kind {
        case .text:
            guard var input = inputs[field.id] else { return Point(x: x, y: y) }
            let point = input.draw(into: &canvas, x: x, y: y, width: width)
            inputs[field.id] = input
            if value.isEmpty && !field.placeholder.isEmpty && index != focus {
                canvas.put(field.placeholder, x: x, y: y, width: width, style: Style(underline: true, dim: true))
            }
            return point
        case .choice:
            let shown = field.optionLabel(value).flatMap { value.isEmpty ? nil : $0 } ?? ""
            let empty = field.placeholder.isEmpty ? catalog.text("form.choose") : field.placeholder
            canvas.fill(Rect(x: x, y: y, width: width, height: 1), style: .field)
            canvas.put(shown.isEmpty ? empty : shown, x: x, y: y, width: width - 2,
                       style: shown.isEmpty ? Style(underline: true, dim: true) : .field)
            canvas.put("▾", x: x + width - 1, y: y, style: .field)
            return Point(x: x, y: y)
        }
    }
}
