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

    /// What kind of field this is, for the keys.
    var focusKind: FieldFocus {
        switch kind {
        case .text: return lines == .several ? .lines : .line
        case .choice: return .choice
        }
    }

    func optionLabel(_ value: String) -> String? {
        guard case .choice(let options) = kind else { return nil }
        return options.first { $0.value == value }?.label
    }
}

/// A small form over the case screen: rows of text and choice fields, the problems written
/// under the fields they concern, F2 saves, Esc cancels (asking first if anything changed).
/// A text that may hold line breaks is typed in a field of several lines (`TextArea`), where
/// Enter starts a line; letters on a choice field choose the first option they start.
/// What the form means lives in its closures: `validate` says what is wrong (by field id,
/// "" for the form as a whole), `submit` commits and calls `finish` when it is saved.
final class FieldForm: Screen {
    typealias Values = [String: String]

    /// The key of a problem about the form as a whole rather than one field.
    static let formIssue = ""

    let fields: [FormField]
    private let titleText: String
    private let intro: [String]
    /// Text shown read-only above the fields (the note being corrected), wrapped whole.
    private let quote: (label: String, text: String)?
    let helpKey: String
    private let initial: Values
    private(set) var values: Values
    private var inputs: [String: TextField] = [:]
    private var areas: [String: TextArea] = [:]
    private var typeAhead = TypeAhead()
    private let validateValues: (Values) -> [String: String]
    /// Warnings under fields, shown as the values change, before any save: what is allowed
    /// but worth a look (an enrolment outside the track's rules).
    private let noticeValues: (Values) -> [String: [String]]
    private let onChange: (String, inout Values) -> Void
    private let submit: (FieldForm, Values, CaseManagerApp) -> Void
    private(set) var focus = 0
    private var top = 0
    /// Shown once the user has tried to save; then kept up to date as they type.
    private(set) var issues: [String: String]?

    /// `focus`: the id of the field the cursor starts on (the first one when nil).
    init(catalog: Catalog, title: String, intro: [String], quote: (label: String, text: String)? = nil, fields: [FormField],
         values: Values, focus: String? = nil, helpKey: String = "tabs.help.form",
         validate: @escaping (Values) -> [String: String] = { _ in [:] },
         notices: @escaping (Values) -> [String: [String]] = { _ in [:] },
         onChange: @escaping (String, inout Values) -> Void = { _, _ in },
         submit: @escaping (FieldForm, Values, CaseManagerApp) -> Void) {
        titleText = title
        self.intro = intro
        self.quote = quote
        self.focus = focus.flatMap { id in fields.firstIndex { $0.id == id } } ?? 0
        self.fields = fields
        self.helpKey = helpKey
        var filled = values
        for field in fields where filled[field.id] == nil { filled[field.id] = "" }
        initial = filled
        self.values = filled
        validateValues = validate
        noticeValues = notices
        requiredText = catalog.text("invalid.required")
        controlText = catalog.text(PlainText.refusalKey)
        self.onChange = onChange
        self.submit = submit
        for field in fields {
            switch field.focusKind {
            case .line: inputs[field.id] = TextField(filled[field.id] ?? "")
            case .lines: areas[field.id] = TextArea(filled[field.id] ?? "")
            case .choice, .choices: break
            }
        }
    }

    var context: KeyContext { .form(focused.focusKind) }
    var hasUnsavedInput: Bool { values != initial }

    func title(_ app: CaseManagerApp) -> String { titleText }

    private var focused: FormField { fields[focus] }

    /// Puts the cursor on the field `id` (the first field in conflict, when a form opens again
    /// after one).
    func focus(on id: String) {
        if let index = fields.firstIndex(where: { $0.id == id }) { focus = index }
    }

    func handle(_ action: Action?, key: Key, app: CaseManagerApp) {
        switch action {
        case .nextField?: focus = min(focus + 1, fields.count - 1)
        case .previousField?: focus = max(focus - 1, 0)
        case .move(.pageDown)?: focus = min(focus + 6, fields.count - 1)
        case .move(.pageUp)?: focus = max(focus - 6, 0)
        case .move(let movement)?:
            // ↑/↓ in a field of several lines: by line, leaving the field from its first or last.
            let delta = movement == .up ? -1 : 1
            if var area = areas[focused.id] {
                if area.moveLine(by: delta) {
                    areas[focused.id] = area
                    return
                }
            }
            focus = min(max(focus + delta, 0), fields.count - 1)
        case .choose? where !(key == .character(" ") && typeAhead.isTyping(at: app.now())): openPicker(app)
        case .typeAhead?, .choose?:
            guard case .character(let character) = key, case .choice(let options) = focused.kind,
                  let index = typeAhead.find(character, at: app.now(), in: options.map(\.label), fold: Fold.key) else { return }
            set(focused.id, options[index].value)
        case .save?: save(app)
        case .back?: app.leaveTopScreen()
        case .editText?, nil:
            // A character refused by a full field changes nothing: the field says so (see `draw`).
            if var input = inputs[focused.id], input.handle(key) {
                inputs[focused.id] = input
                if !input.isFull { set(focused.id, input.text) }
            } else if var area = areas[focused.id], area.handle(key) {
                areas[focused.id] = area
                if !area.isFull { set(focused.id, area.text) }
            }
        default: break
        }
    }

    /// Fills the fields with `filled` as typed elsewhere (my values after a conflict), without
    /// the hooks; what the form opened with stays its starting point, so Esc asks first.
    func fill(_ filled: Values) {
        for field in fields { values[field.id] = filled[field.id] ?? values[field.id] }
        for (id, var input) in inputs {
            input.set(values[id] ?? "")
            inputs[id] = input
        }
        for (id, var area) in areas {
            area.set(values[id] ?? "")
            areas[id] = area
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
        for (other, var area) in areas where area.text != values[other] {
            area.set(values[other] ?? "")
            areas[other] = area
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

    /// What the field `id` says when the last character typed in it did not fit.
    private func fullText(of id: String, _ catalog: Catalog) -> String? {
        if let input = inputs[id], input.isFull { return catalog.fieldFull(capacity: input.capacity) }
        if let area = areas[id], area.isFull { return catalog.fieldFull(capacity: area.capacity) }
        return nil
    }

    private func save(_ app: CaseManagerApp) {
        let found = problems()
        issues = found
        guard found.isEmpty else {
            if let first = fields.firstIndex(where: { found[$0.id] != nil }) { focus = first }
            let fieldCount = found.keys.filter { $0 != FieldForm.formIssue }.count
            app.say(found[FieldForm.formIssue]
                    ?? app.catalog.counted("form.fixFields", fieldCount), .error)
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

    /// The most lines a field of several lines grows to; beyond, it scrolls inside.
    static let maximumLines = 6

    /// A line of the form: text above the fields, a row of fields (`part` 0 holds the labels,
    /// the next parts the further lines of their multi-line fields), or a problem under them.
    private enum Line {
        case text(String, Style)
        case fields([Int], part: Int)
        case issue(String, x: Int)
        case notice(String, x: Int)

        var fieldIndexes: [Int] {
            if case .fields(let indexes, _) = self { return indexes }
            return []
        }
    }

    func draw(into canvas: inout Canvas, area: Rect, app: CaseManagerApp) -> Point? {
        let catalog = app.catalog
        let rowStarts = fields.indices.filter { !fields[$0].sameRow }
        let labelWidth = min(32, (rowStarts.map { CellWidth.of(fields[$0].label) + 2 }.max() ?? 10) + 1)
        let inputX = 2 + labelWidth
        let right = area.width - 1
        // Where each field is drawn on its row, and how many lines it takes.
        var frames: [Int: (x: Int, width: Int, height: Int)] = [:]
        var lines: [Line] = []
        let notices = noticeValues(values)
        if let quote {
            lines.append(.text(quote.label, .bold))
            for paragraph in quote.text.split(separator: "\n", omittingEmptySubsequences: false) {
                lines += Dialog.wrap(String(paragraph), width: area.width - 6).map { .text("  " + $0, .muted) }
            }
            lines.append(.text("", .plain))
        }
        for (position, start) in rowStarts.enumerated() {
            let end = position + 1 < rowStarts.count ? rowStarts[position + 1] : fields.count
            var x = inputX
            var rowHeight = 1
            for index in start..<end {
                let isLast = index == end - 1
                // The last field of a row takes the rest of it; a choice needs no more than its labels.
                var width = isLast ? right - x : (fields[index].width ?? 16)
                if isLast, case .choice(let options) = fields[index].kind {
                    width = min(width, max(20, (options.map { CellWidth.of($0.label) }.max() ?? 0) + 3))
                }
                width = max(1, min(width, right - x))
                var height = 1
                if let text = areas[fields[index].id] {
                    // A field of its own row shows two lines at least, so that it reads as one of
                    // several; beside another field (an assessment's note) one, so that the rows fit.
                    let least = end - start == 1 ? 2 : 1
                    height = min(FieldForm.maximumLines, max(least, text.lineCount(width: width)))
                }
                frames[index] = (x, width, height)
                rowHeight = max(rowHeight, height)
                x += width + 1
            }
            for part in 0..<rowHeight { lines.append(.fields(Array(start..<end), part: part)) }
            for index in start..<end {
                // Warnings first, wrapped whole under the field ("! " then the text).
                let x = frames[index]?.x ?? inputX
                for notice in notices[fields[index].id] ?? [] {
                    for (number, part) in Dialog.wrap(notice, width: max(10, right - x - 2)).enumerated() {
                        lines.append(.notice((number == 0 ? "! " : "  ") + part, x: x))
                    }
                }
                // What saving found (the field's own limit) before the capacity of the keyboard.
                guard let issue = issues?[fields[index].id] ?? fullText(of: fields[index].id, catalog) else { continue }
                // Under its field, wrapped rather than cut: "↳ " then the text, aligned.
                for (number, part) in Dialog.wrap(issue, width: max(10, right - x - 2)).enumerated() {
                    lines.append(.issue((number == 0 ? "↳ " : "  ") + part, x: x))
                }
            }
        }
        // Above the fields: the introduction, then a problem about the whole form (wrapped whole).
        var y = area.y
        // At most a third of the area (three lines at least), so that the fields keep room.
        for line in intro.flatMap({ Dialog.wrap($0, width: area.width - 4) }).prefix(max(3, area.height / 3)) {
            canvas.put(line, x: 2, y: y, width: area.width - 4, style: .muted)
            y += 1
        }
        if let issue = issues?[FieldForm.formIssue] {
            for (number, part) in Dialog.wrap(issue, width: area.width - 6).enumerated() {
                canvas.put((number == 0 ? "! " : "  ") + part, x: 2, y: y, width: area.width - 4, style: .error)
                y += 1
            }
        }
        y += 1
        let height = max(1, area.maxY - y)
        let focusLine = lines.firstIndex { $0.fieldIndexes.contains(focus) } ?? 0
        var focusBottom = focusLine
        while focusBottom + 1 < lines.count {
            if case .fields(let indexes, let part) = lines[focusBottom + 1], part == 0 || !indexes.contains(focus) { break }
            if case .text = lines[focusBottom + 1] { break }
            focusBottom += 1
        }
        // From the top whenever the focused field fits there (the quote and intro then show).
        if focusBottom < height { top = 0 }
        if focusLine < top { top = focusLine }
        if focusBottom >= top + height { top = focusBottom - height + 1 }
        top = max(0, min(top, max(0, lines.count - height)))
        let shown = lines.dropFirst(top).prefix(height)
        if lines.count > height {
            // Which fields are in view, in words: "fields 1 to 9 of 18".
            let visible = shown.flatMap(\.fieldIndexes)
            let words = catalog.text("form.fieldsShown", ["first": String((visible.min() ?? 0) + 1),
                                                          "last": String((visible.max() ?? 0) + 1), "total": String(fields.count)])
            canvas.put(words, x: area.width - 1 - CellWidth.of(words), y: y - 1, style: .muted)
        }
        var cursor: Point?
        for (row, line) in shown.enumerated() {
            let lineY = y + row
            switch line {
            case .text(let text, let style):
                canvas.put(text, x: 2, y: lineY, width: area.width - 4, style: style)
            case .issue(let text, let x):
                canvas.put(text, x: x, y: lineY, width: right - x, style: .error)
            case .notice(let text, let x):
                canvas.put(text, x: x, y: lineY, width: right - x, style: .warning)
            case .fields(let indexes, let part):
                let isFocused = indexes.contains(focus)
                if part == 0 {
                    let first = fields[indexes[0]]
                    canvas.put(isFocused ? ">" : " ", x: 0, y: lineY, style: .bold)
                    let label = first.label + (indexes.contains { fields[$0].required } ? " *" : "")
                    canvas.put(label, x: 2, y: lineY, width: labelWidth - 1, style: isFocused ? .bold : .plain)
                }
                for index in indexes {
                    guard let frame = frames[index], part < frame.height else { continue }
                    let point = drawField(index, into: &canvas, x: frame.x, y: lineY - part, width: frame.width,
                                          height: frame.height, part: part, catalog: catalog)
                    if index == focus, let point { cursor = point }
                }
            }
        }
        return cursor ?? Point(x: 0, y: y)
    }

    /// Draws line `part` of field `index`, whose first line is at `y`. Returns the cursor when it is on that line.
    private func drawField(_ index: Int, into canvas: inout Canvas, x: Int, y: Int, width: Int, height: Int, part: Int,
                           catalog: Catalog) -> Point? {
        let field = fields[index]
        let value = values[field.id] ?? ""
        let showsPlaceholder = value.isEmpty && !field.placeholder.isEmpty && index != focus
        if var area = areas[field.id] {
            let point = area.draw(into: &canvas, x: x, y: y, width: width, height: height, clip: part..<(part + 1))
            areas[field.id] = area
            // More text above or below the box: an arrow just right of it, on its first or last row.
            switch (part == 0 && area.moreAbove, part == height - 1 && area.moreBelow) {
            case (true, true): canvas.put("↕", x: x + width, y: y + part, style: .muted)
            case (true, false): canvas.put("↑", x: x + width, y: y + part, style: .muted)
            case (false, true): canvas.put("↓", x: x + width, y: y + part, style: .muted)
            case (false, false): break
            }
            if showsPlaceholder && part == 0 {
                canvas.put(field.placeholder, x: x, y: y, width: width, style: Style(underline: true, dim: true))
            }
            return point
        }
        guard part == 0 else { return nil }
        switch field.kind {
        case .text:
            guard var input = inputs[field.id] else { return Point(x: x, y: y) }
            let point = input.draw(into: &canvas, x: x, y: y, width: width)
            inputs[field.id] = input
            if showsPlaceholder {
                canvas.put(field.placeholder, x: x, y: y, width: width, style: Style(underline: true, dim: true))
            }
            return point
        case .choice:
            let shown = field.optionLabel(value).flatMap { value.isEmpty ? nil : $0 } ?? ""
            let empty = field.placeholder.isEmpty ? FieldForm.choosePrompt(catalog, width: width - 2) : field.placeholder
            canvas.fill(Rect(x: x, y: y, width: width, height: 1), style: .field)
            canvas.put(shown.isEmpty ? empty : shown, x: x, y: y, width: width - 2,
                       style: shown.isEmpty ? Style(underline: true, dim: true) : .field)
            canvas.put("▾", x: x + width - 1, y: y, style: .field)
            return Point(x: x, y: y)
        }
    }

    /// What an empty choice field says: "(Enter to choose)", or "(Enter)" where that does not
    /// fit, rather than a cut phrase.
    static func choosePrompt(_ catalog: Catalog, width: Int) -> String {
        let prompt = catalog.text("form.choose")
        return CellWidth.of(prompt) <= width ? prompt : catalog.text("form.chooseShort")
    }
}
