import Foundation
import RetourCore
import RetourTUI

/// The registration form, also used to edit a case. Text fields are typed; choice fields open
/// a picker. F2 validates every field (the rules are `ProfileDraft.parse`, shared with the
/// import), warns about possible duplicates, then commits one change.
final class CaseFormScreen: Screen {
    enum Kind {
        case text
        case choice(many: Bool)
    }

    static let fields: [(field: ProfileField, kind: Kind, required: Bool)] = [
        (.familyName, .text, true),
        (.givenNames, .text, true),
        (.sex, .choice(many: false), true),
        (.dateOfBirth, .text, false),
        (.age, .text, false),
        (.phone, .text, false),
        (.category, .choice(many: false), true),
        (.householdSize, .text, false),
        (.displacedTo, .text, false),
        (.returnDate, .text, false),
        (.region, .choice(many: false), true),
        (.cercle, .choice(many: false), false),
        (.commune, .text, false),
        (.village, .text, false),
        (.vulnerabilities, .choice(many: true), false),
        (.documentType, .choice(many: false), false),
        (.documentNumber, .text, false),
        (.assignedTo, .text, false),
    ]

    private let editing: Case?
    /// The household member being registered as a case of their own, and their household's case.
    private let member: (member: HouseholdMember, household: Case)?
    private let original: ProfileDraft
    private var draft: ProfileDraft
    private var inputs: [ProfileField: TextField] = [:]
    private var focus = 0
    private var top = 0
    /// Shown once the user has tried to save; then kept up to date as they type.
    private var issues: [ProfileField: String]?
    private var labelWidth = 24
    private var typeAhead = TypeAhead()
    /// Set when this form reopened my values after a conflict (`ConflictScreen`'s Edit): saved
    /// with the edit, so that the history says the conflict was decided so.
    private let decision: ConflictDecision?

    init(app: CaseManagerApp, editing: Case?) {
        self.editing = editing
        member = nil
        decision = nil
        var draft = editing.map { CaseFormScreen.formDraft($0.profile, catalog: app.catalog) } ?? ProfileDraft()
        if editing == nil { draft[.assignedTo] = app.clearance.login }
        original = draft
        self.draft = draft
        for entry in CaseFormScreen.fields {
            if case .text = entry.kind { inputs[entry.field] = TextField(draft[entry.field]) }
        }
    }

    /// The edit form on `editing` as it now stands, filled with `draft` (my values after a
    /// conflict); saving journals `decision` with the edit.
    init(app: CaseManagerApp, editing: Case, draft: ProfileDraft, decision: ConflictDecision) {
        self.editing = editing
        member = nil
        self.decision = decision
        original = CaseFormScreen.formDraft(editing.profile, catalog: app.catalog)
        self.draft = draft
        // On the first field in conflict: what is to be looked at again.
        focus = CaseFormScreen.fields.firstIndex { decision.fields.contains($0.field.rawValue) } ?? 0
        for entry in CaseFormScreen.fields {
            if case .text = entry.kind { inputs[entry.field] = TextField(draft[entry.field]) }
        }
    }

    /// A profile as the edit form shows it (dates in the user's form).
    static func formDraft(_ profile: CaseProfile, catalog: Catalog) -> ProfileDraft {
        var draft = ProfileDraft(profile)
        if let date = profile.dateOfBirth { draft[.dateOfBirth] = catalog.date(date) }
        if let date = profile.returnDate { draft[.returnDate] = catalog.date(date) }
        return draft
    }

    /// The registration form filled from what `household` says of `member`: their names, sex
    /// and birth, and the household's place, category, return and case worker. Saving registers
    /// the case and links it to the member, together.
    init(app: CaseManagerApp, registering member: HouseholdMember, of household: Case) {
        editing = nil
        decision = nil
        self.member = (member, household)
        var profile = household.profile
        profile.familyName = member.familyName(in: household)
        profile.givenNames = member.givenNames
        profile.sex = member.sex
        profile.dateOfBirth = member.dateOfBirth
        profile.yearOfBirth = member.yearOfBirth
        profile.ageEstimate = member.ageEstimate
        profile.vulnerabilities = member.vulnerabilities
        profile.phone = ""
        profile.document = nil
        profile.householdSize = 1
        var draft = ProfileDraft(profile)
        draft[.householdSize] = ""
        if let date = member.dateOfBirth { draft[.dateOfBirth] = app.catalog.date(date) }
        if member.ageEstimate != nil, member.dateOfBirth == nil, member.yearOfBirth == nil, let age = member.age(on: app.today) {
            draft[.age] = String(age)
        }
        if let date = household.profile.returnDate { draft[.returnDate] = app.catalog.date(date) }
        if draft[.assignedTo].isEmpty { draft[.assignedTo] = app.clearance.login }
        original = draft
        self.draft = draft
        for entry in CaseFormScreen.fields {
            if case .text = entry.kind { inputs[entry.field] = TextField(draft[entry.field]) }
        }
    }

    var context: KeyContext {
        switch focused.kind {
        case .text: return .form(.line)
        case .choice(let many): return .form(many ? .choices : .choice)
        }
    }
    var helpKey: String { "help.form" }
    var hasUnsavedInput: Bool { draft != original }

    func title(_ app: CaseManagerApp) -> String {
        if let member {
            return app.catalog.text("household.registerTitle", ["number": member.household.number])
        }
        return editing.map { app.catalog.text("form.editTitle", ["number": $0.number]) } ?? app.catalog.text("form.newTitle")
    }

    private var focused: (field: ProfileField, kind: Kind, required: Bool) { CaseFormScreen.fields[focus] }

    func handle(_ action: Action?, key: Key, app: CaseManagerApp) {
        switch action {
        case .nextField?: focus = min(focus + 1, CaseFormScreen.fields.count - 1)
        case .previousField?: focus = max(focus - 1, 0)
        case .move(.pageDown)?: focus = min(focus + 6, CaseFormScreen.fields.count - 1)
        case .move(.pageUp)?: focus = max(focus - 6, 0)
        case .choose? where !(key == .character(" ") && typeAhead.isTyping(at: app.now())): openPicker(app)
        case .typeAhead?, .choose?:
            guard case .character(let character) = key, case .choice(let many) = focused.kind,
                  let options = options(for: focused.field, app) else { return }
            if many {
                // Several choices are ticked in the picker: the letters move its cursor there.
                openPicker(app)
                if case .picker(var picker, let onChoose)? = app.overlay {
                    picker.typeAhead(character, at: app.now(), fold: Fold.key)
                    app.show(.picker(picker, onChoose: onChoose))
                }
            } else if let index = typeAhead.find(character, at: app.now(), in: options.map(\.label), fold: Fold.key) {
                update(focused.field, options[index].value, app)
            }
        case .save?: save(app)
        case .back?: app.leaveTopScreen()
        case .editText?, nil:
            guard var input = inputs[focused.field], input.handle(key) else { return }
            inputs[focused.field] = input
            // A character refused by a full field changes nothing: the field says so (see `draw`).
            if !input.isFull { update(focused.field, input.text, app) }
        default: break
        }
    }

    private func update(_ field: ProfileField, _ value: String, _ app: CaseManagerApp) {
        draft[field] = value
        if field == .region, let region = app.session.reference.region(value),
           app.session.reference.findCercle(draft[.cercle], in: region) == nil {
            draft[.cercle] = ""
        }
        if field == .documentType && value.isEmpty {
            draft[.documentNumber] = ""
            inputs[.documentNumber] = TextField("")
        }
        if issues != nil { validate(app) }
    }

    /// The choices of `field`; nil (and says why) for the cercle before a region.
    private func options(for field: ProfileField, _ app: CaseManagerApp) -> [Picker.Option]? {
        let catalog = app.catalog
        let reference = app.session.reference
        let options: [Picker.Option]
        switch field {
        case .sex:
            options = Sex.allCases.map { Picker.Option(value: $0.rawValue, label: catalog.text("sex.\($0.rawValue)")) }
        case .category:
            options = Category.allCases.map { Picker.Option(value: $0.rawValue, label: catalog.text("category.\($0.rawValue)")) }
        case .region:
            options = reference.regions.map { Picker.Option(value: $0.pcode, label: $0.name) }
        case .cercle:
            guard let region = reference.region(draft[.region]) else {
                app.say(catalog.text("form.regionFirst"), .error)
                return nil
            }
            options = [Picker.Option(value: "", label: catalog.text("form.none"))]
                + region.cercles.map { Picker.Option(value: $0.pcode, label: $0.name) }
        case .vulnerabilities:
            options = reference.vulnerabilities.map { Picker.Option(value: $0.code, label: catalog.text("vulnerability.\($0.code)")) }
        case .documentType:
            options = [Picker.Option(value: "", label: catalog.text("form.none"))]
                + reference.idDocumentTypes.map { Picker.Option(value: $0, label: catalog.text("document.\($0)")) }
        default:
            return nil
        }
        return options
    }

    private func openPicker(_ app: CaseManagerApp) {
        let field = focused.field
        let catalog = app.catalog
        guard let options = options(for: field, app) else { return }
        let many: Bool
        if case .choice(let allowsMany) = focused.kind { many = allowsMany } else { many = false }
        let current = draft[field].split(separator: " ").map(String.init)
        let picker = Picker(title: catalog.text(field.labelKey), options: options, allowsMany: many, current: current)
        app.show(.picker(picker) { [weak self, weak app] chosen in
            guard let self, let app else { return }
            self.update(field, chosen.joined(separator: " "), app)
        })
    }

    @discardableResult
    private func validate(_ app: CaseManagerApp) -> CaseProfile? {
        var found: [ProfileField: String] = [:]
        var parsed: CaseProfile?
        switch draft.parse(reference: app.session.reference, today: app.today) {
        case .success(let profile):
            parsed = profile
        case .failure(let invalid):
            for issue in invalid.issues where found[issue.field] == nil {
                found[issue.field] = app.catalog.text(issue.message)
            }
        }
        // Listed members make the household size: a typed one would be silently replaced.
        if let editing, !editing.members.isEmpty, found[.householdSize] == nil,
           parsed.map({ $0.householdSize != editing.individuals }) ?? (Int(draft[.householdSize].trimmingCharacters(in: .whitespaces)) != editing.individuals) {
            found[.householdSize] = app.catalog.counted("form.householdSizeFromMembers", editing.individuals)
            parsed = nil
        }
        issues = found
        return parsed
    }

    private func save(_ app: CaseManagerApp) {
        guard let profile = validate(app) else {
            let count = issues?.count ?? 0
            if let first = CaseFormScreen.fields.firstIndex(where: { issues?[$0.field] != nil }) { focus = first }
            app.say(app.catalog.counted("form.fixFields", count), .error)
            return
        }
        let duplicates = app.reader.possibleDuplicates(of: profile, excluding: editing?.id).filter { found in
            // The member being registered is no duplicate of themselves.
            !(found.id == member?.household.id && found.member?.id == member?.member.id)
        }
        guard duplicates.isEmpty else {
            warnAboutDuplicates(duplicates, profile: profile, app: app)
            return
        }
        commit(profile, app, known: [])
    }

    /// Names the possible duplicates: one outside the user's caseload by its number, region
    /// and worker only, and it cannot be opened from here.
    private func warnAboutDuplicates(_ duplicates: [PossibleDuplicate], profile: CaseProfile, app: CaseManagerApp) {
        let catalog = app.catalog
        let shown = Array(duplicates.prefix(4))
        var lines = [catalog.text("duplicates.intro")]
        for item in shown {
            let place = app.session.reference.region(item.region)?.name ?? ""
            if let member = item.member {
                let year = member.birthYear.map(String.init) ?? "?"
                lines.append(catalog.text("duplicates.member", ["number": item.number, "name": member.fullName,
                                                                "year": year, "place": place]))
            } else if let person = item.person {
                let year = person.birthYear.map(String.init) ?? "?"
                lines.append("\(item.number)  \(person.fullName), \(year), \(place)")
            } else {
                // A member of that case's household, or its person: said, without naming them.
                lines.append(catalog.text(item.isMember ? "duplicates.memberOutsideCaseload" : "duplicates.outsideCaseload",
                                          ["number": item.number, "place": place, "worker": item.assignedTo]))
            }
        }
        if duplicates.count > shown.count {
            lines.append(catalog.counted("duplicates.more", duplicates.count - shown.count))
        }
        let first = shown[0]
        let mayOpen = first.person != nil
        var buttons = [catalog.text("duplicates.back")]
        if mayOpen { buttons.append(catalog.text("duplicates.open", ["number": first.number])) }
        buttons.append(catalog.text("duplicates.saveAnyway"))
        app.show(.dialog(Dialog(title: catalog.text("duplicates.title"), lines: lines, buttons: buttons)) { [weak self, weak app] answer in
            guard let self, let app, let answer, answer > 0 else { return }
            if mayOpen && answer == 1 {
                app.pop()
                app.push(CaseDetailScreen(caseID: first.id))
                app.say(catalog.text("duplicates.opened", ["number": first.number]))
            } else {
                self.commit(profile, app, known: Set(duplicates.map(\.id)))
            }
        })
    }

    /// `known`: the possible duplicates the user saw and saved anyway. Under the commit lock
    /// the warning runs again: a person another session saved since is refused, and the
    /// warning shown again with them.
    private func commit(_ profile: CaseProfile, _ app: CaseManagerApp, known: Set<UUID>) {
        let catalog = app.catalog
        var newDuplicate = false
        let excluding = editing?.id, memberID = member?.member.id
        let recheck: (CaseBook) throws -> Void = { book in
            let found = book.possibleDuplicateIDs(of: profile, excluding: excluding, member: memberID).subtracting(known)
            if let first = found.first {
                newDuplicate = true
                throw ChangeError.newDuplicate(number: book.number(of: first) ?? "")
            }
        }
        defer { if newDuplicate { save(app) } }
        if let editing {
            let change = Change.editProfile(id: editing.id, expectedVersion: editing.version, profile: profile)
            if let decision {
                guard app.commit([change, .resolveConflict(id: editing.id, decision: decision)], recheck: recheck) else {
                    if app.store.book.version(of: editing.id) != editing.version { refusedAsStale(app) }
                    return
                }
            } else {
                var stale = false
                guard app.commit(change, recheck: recheck, refused: { error in
                    if let error = error as? ChangeError, case .staleVersion = error { stale = true }
                }) != nil else {
                    if stale { refusedAsStale(app) }
                    return
                }
            }
            app.pop()
            app.say(catalog.text("form.updated", ["number": editing.number]), .success)
            return
        }
        guard let region = app.session.reference.region(profile.region) else { return }
        let id = UUID()
        var changes = [Change.register(id: id, number: CaseBook.numberToAllocate(prefix: region.prefix), profile: profile)]
        if var member {
            member.member.ownCase = id
            changes.append(.saveMember(id: member.household.id, member: member.member))
        }
        guard app.commit(changes, recheck: recheck) else { return }
        // Allocated under the commit lock: another session may have taken the number expected.
        let number = app.store.book.number(of: id) ?? ""
        app.pop()
        (app.top as? CaseListScreen)?.select(id)
        app.push(CaseDetailScreen(caseID: id))
        if let member {
            app.say(catalog.text("household.registered", ["number": number, "household": member.household.number]), .success)
        } else {
            app.say(catalog.text("form.registered", ["number": number]), .success)
        }
    }

    /// My edit was refused: someone saved this profile since the form opened. Fields only one
    /// of us changed are combined and saved at once; fields we both changed go to the conflict
    /// screen, this form (and what it holds) staying under it.
    private func refusedAsStale(_ app: CaseManagerApp) {
        guard let editing, let current = app.reader[editing.id] else { return }
        let subject = ProfileConflict(base: editing, baseDraft: original, mine: draft)
        let merge = subject.merge(current: current, catalog: app.catalog)
        let who = (try? CaseBook.clashes(of: subject.refused, on: current, since: editing.version))?.last?.by ?? ""
        guard !merge.isConflict else {
            app.push(ConflictScreen(subject: subject, origin: self))
            app.say(app.catalog.counted("conflict.found", merge.conflicts.count, ["who": who]), .error)
            return
        }
        // A merge: my fields on their version, saved without asking.
        guard case .success(let profile) = merge.keepingMine.parse(reference: app.session.reference, today: app.today) else {
            app.pop()
            app.push(subject.editForm(current: current, with: who, app: app))
            app.say(app.catalog.text("conflict.editing", ["who": who]))
            return
        }
        var changes = [Change.editProfile(id: current.id, expectedVersion: current.version, profile: profile)]
        if let decision { changes.append(.resolveConflict(id: current.id, decision: decision)) }
        guard app.commit(changes) else { return }
        app.pop()
        app.say(app.catalog.text("form.merged", ["number": current.number, "who": who]), .success)
    }

    // MARK: Drawing

    func draw(into canvas: inout Canvas, area: Rect, app: CaseManagerApp) -> Point? {
        let catalog = app.catalog
        labelWidth = min(30, (CaseFormScreen.fields.map { CellWidth.of(catalog.text($0.field.labelKey)) }.max() ?? 20) + 3)
        let inputX = 2 + labelWidth
        let inputWidth = min(44, area.width - inputX - 2)
        // Rows: one per field, plus the lines of its problem under it, wrapped rather than cut.
        var layout: [(index: Int, issue: String?)] = []
        for index in CaseFormScreen.fields.indices {
            layout.append((index, nil))
            let field = CaseFormScreen.fields[index].field
            let full = inputs[field].flatMap { $0.isFull ? catalog.fieldFull(capacity: $0.capacity) : nil }
            // What saving found (the field's own limit) before the capacity of the keyboard.
            guard let issue = issues?[field] ?? full else { continue }
            for (number, part) in Dialog.wrap(issue, width: max(10, area.width - inputX - 3)).enumerated() {
                layout.append((index, (number == 0 ? "↳ " : "  ") + part))
            }
        }
        let height = area.height - 1
        let focusRow = layout.firstIndex { $0.index == focus && $0.issue == nil } ?? 0
        let focusBottom = layout.lastIndex { $0.index == focus } ?? focusRow
        if focusRow < top { top = focusRow }
        if focusBottom >= top + height { top = focusBottom - height + 1 }
        top = max(0, min(top, max(0, layout.count - height)))
        canvas.put(catalog.text("form.requiredNote"), x: 2, y: area.y, width: area.width - 4, style: .muted)
        var cursor: Point?
        for (row, entry) in layout.dropFirst(top).prefix(height).enumerated() {
            let y = area.y + 1 + row
            let (field, kind, required) = CaseFormScreen.fields[entry.index]
            if let issue = entry.issue {
                canvas.put(issue, x: inputX, y: y, width: area.width - inputX - 1, style: .error)
                continue
            }
            let isFocused = entry.index == focus
            let label = catalog.text(field.labelKey) + (required ? " *" : "")
            canvas.put(isFocused ? ">" : " ", x: 0, y: y, style: .bold)
            canvas.put(label, x: 2, y: y, width: labelWidth - 1, style: isFocused ? .bold : .plain)
            switch kind {
            case .text:
                guard var input = inputs[field] else { continue }
                let point = input.draw(into: &canvas, x: inputX, y: y, width: inputWidth)
                inputs[field] = input
                if isFocused { cursor = point }
            case .choice:
                let shown = choiceLabel(field, app)
                canvas.fill(Rect(x: inputX, y: y, width: inputWidth, height: 1), style: .field)
                canvas.put(shown.isEmpty ? FieldForm.choosePrompt(catalog, width: inputWidth - 2) : shown, x: inputX, y: y, width: inputWidth - 2,
                           style: shown.isEmpty ? Style(underline: true, dim: true) : .field)
                canvas.put("▾", x: inputX + inputWidth - 1, y: y, style: .field)
                if isFocused { cursor = Point(x: inputX, y: y) }
            }
        }
        if layout.count > height {
            // Which fields are in view, in words: "fields 1 to 15 of 18".
            let visible = layout.dropFirst(top).prefix(height).map(\.index)
            let words = catalog.text("form.fieldsShown", ["first": String((visible.min() ?? 0) + 1),
                                                          "last": String((visible.max() ?? 0) + 1),
                                                          "total": String(CaseFormScreen.fields.count)])
            canvas.put(words, x: area.width - 1 - CellWidth.of(words), y: area.y, style: .muted)
        }
        return cursor
    }

    private func choiceLabel(_ field: ProfileField, _ app: CaseManagerApp) -> String {
        CaseFormScreen.label(field, draft[field], app)
    }

    /// A field's value as the form shows it: the label of a choice, typed text as it is.
    static func label(_ field: ProfileField, _ value: String, _ app: CaseManagerApp) -> String {
        guard !value.isEmpty else { return "" }
        let catalog = app.catalog
        let reference = app.session.reference
        switch field {
        case .sex: return catalog.text("sex.\(value)")
        case .category: return catalog.text("category.\(value)")
        case .region: return reference.region(value)?.name ?? value
        case .cercle: return reference.cercle(value)?.cercle.name ?? value
        case .documentType: return catalog.text("document.\(value)")
        case .vulnerabilities:
            return value.split(separator: " ").map { catalog.text("vulnerability.\($0)") }.joined(separator: ", ")
        default: return value
        }
    }
}
