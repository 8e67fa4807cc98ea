import Foundation
import RetourCore
import RetourTUI

/// The household tab's forms: a member added or edited, and a member removed (after a question;
/// the removal stays in the timeline).
enum HouseholdForms {
    /// `values`: what to fill it with instead of the member's (my values after a conflict),
    /// and `decision`, journaled with the save.
    static func member(_ existing: HouseholdMember?, item: Case, app: CaseManagerApp,
                       onSaved: @escaping FollowUpForms.Saved, values filled: FieldForm.Values? = nil,
                       decision: ConflictDecision? = nil) -> FieldForm {
        let catalog = app.catalog
        let reference = app.session.reference
        let sexes = [Picker.Option(value: "", label: catalog.text("household.field.sexUnknown"))]
            + Sex.allCases.map { Picker.Option(value: $0.rawValue, label: catalog.text("sex.\($0.rawValue)")) }
        let relationships = Relationship.allCases.map {
            Picker.Option(value: $0.rawValue, label: catalog.text("relationship.\($0.rawValue)"))
        }
        let vulnerabilities = [Picker.Option(value: "", label: catalog.text("household.field.noVulnerability"))]
            + reference.vulnerabilities.map { Picker.Option(value: $0.code, label: catalog.text("vulnerability.\($0.code)")) }
        let fields = [
            FormField("given", catalog.text("household.field.givenNames"), required: true),
            FormField("family", catalog.text("household.field.familyName"), placeholder: item.profile.familyName),
            FormField("relationship", catalog.text("household.field.relationship"), .choice(relationships), required: true),
            FormField("sex", catalog.text("household.field.sex"), .choice(sexes)),
            FormField("born", catalog.text("household.field.born")),
            FormField("age", catalog.text("household.field.age")),
            FormField("vulnerability", catalog.text("household.field.vulnerability"), .choice(vulnerabilities)),
            FormField("note", catalog.text("household.field.note"), lines: .several),
        ]
        let values = existing.map { memberValues($0, catalog: catalog) } ?? [
            "given": "", "family": "", "relationship": Relationship.child.rawValue, "sex": "", "born": "", "age": "",
            "vulnerability": "", "note": "",
        ]
        let initial = values
        let form = FieldForm(
            catalog: catalog,
            title: "\(item.number) · " + catalog.text(existing == nil ? "household.newTitle" : "household.editTitle"),
            intro: [catalog.text("household.intro", ["family": item.profile.familyName])],
            fields: fields,
            values: values,
            validate: { values in
                var issues: [String: String] = [:]
                if case .failure(let message) = birth(values, today: app.today) { issues[message.field] = catalog.text(message.key) }
                for (id, limit) in [("given", HouseholdMember.maximumNameLength), ("family", HouseholdMember.maximumNameLength),
                                    ("note", HouseholdMember.maximumNoteLength)] where (values[id] ?? "").count > limit {
                    issues[id] = catalog.text("invalid.tooLong", ["maximum": String(limit)])
                }
                return issues
            },
            submit: { form, values, app in
                guard let member = memberFrom(values, existing: existing, id: existing?.id ?? UUID(), item: item, today: app.today)
                else { return }
                let change = Change.saveMember(id: item.id, member: member)
                let saved = FollowUpForms.save(change, on: item, decision: decision, app: app) {
                    guard let existing else { return }
                    memberConflict(existing, item: item, base: initial, mine: form.values, refused: change, app: app,
                                   onSaved: onSaved).show(app, origin: form)
                }
                guard saved else { return }
                form.finish(app, saying: catalog.text(existing == nil ? "household.added" : "household.updated",
                                                      ["name": member.givenNames]))
                onSaved(.member(member.id))
            })
        if let filled { form.fill(filled) }
        return form
    }

    static let memberFields = ["given", "family", "relationship", "sex", "born", "age", "vulnerability", "note"]

    /// A member's values as the form shows them.
    static func memberValues(_ member: HouseholdMember, catalog: Catalog) -> FieldForm.Values {
        ["given": member.givenNames, "family": member.familyName, "relationship": member.relationship.rawValue,
         "sex": member.sex?.rawValue ?? "",
         "born": member.dateOfBirth.map(catalog.date) ?? member.yearOfBirth.map(String.init) ?? "",
         "age": member.ageEstimate.map { String($0.years) } ?? "",
         "vulnerability": member.vulnerabilities.first ?? "", "note": member.note]
    }

    /// The member `id` of `item` with the values of the form (`existing` as it was, for what
    /// the form does not show); nil when the birth or relationship do not read.
    static func memberFrom(_ values: FieldForm.Values, existing: HouseholdMember?, id: UUID, item: Case,
                           today: CalendarDate) -> HouseholdMember? {
        guard case .success(let birth) = birth(values, today: today),
              let relationship = Relationship(rawValue: values["relationship"] ?? "") else { return nil }
        let text = { (id: String) in (values[id] ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        let vulnerability = text("vulnerability")
        var kept = existing?.vulnerabilities.dropFirst().map { $0 } ?? []
        kept.removeAll { $0 == vulnerability }
        return HouseholdMember(
            id: id, givenNames: text("given"),
            familyName: Fold.key(text("family")) == Fold.key(item.profile.familyName) ? "" : text("family"),
            sex: Sex(rawValue: text("sex")), dateOfBirth: birth.date, yearOfBirth: birth.year, ageEstimate: birth.estimate,
            relationship: relationship, vulnerabilities: (vulnerability.isEmpty ? [] : [vulnerability]) + kept,
            note: text("note"), ownCase: existing?.ownCase)
    }

    /// `existing`, edited in my form from `base` to `mine`, refused: what someone else saved of
    /// them meanwhile, field by field.
    static func memberConflict(_ existing: HouseholdMember, item: Case, base: FieldForm.Values, mine: FieldForm.Values,
                               refused: Change, app: CaseManagerApp, onSaved: @escaping FollowUpForms.Saved) -> FieldsConflict {
        let catalog = app.catalog
        let labels = ["given": "household.field.givenNames", "family": "household.field.familyName",
                      "relationship": "household.field.relationship", "sex": "household.field.sex", "born": "household.field.born",
                      "age": "household.field.age", "vulnerability": "household.field.vulnerability", "note": "household.field.note"]
        func saved(_ current: Case) -> HouseholdMember? { current.members.first { $0.id == existing.id } }
        return FieldsConflict(
            base: item, refused: refused, fields: memberFields, label: { catalog.text(labels[$0] ?? $0) },
            baseValues: base, mine: mine,
            intro: { catalog.text("conflict.intro.member", ["who": $0, "when": $1, "name": existing.givenNames]) },
            merged: { catalog.text("conflict.memberMerged", ["name": existing.givenNames, "who": $0]) },
            theirs: { saved($0).map { memberValues($0, catalog: catalog) } },
            display: { field, value in
                guard !value.isEmpty else { return value }
                switch field {
                case "relationship": return catalog.text("relationship.\(value)")
                case "sex": return catalog.text("sex.\(value)")
                case "vulnerability": return catalog.text("vulnerability.\(value)")
                default: return value
                }
            },
            change: { values, current in
                memberFrom(values, existing: saved(current) ?? existing, id: existing.id, item: current, today: app.today)
                    .map { .saveMember(id: current.id, member: $0) }
            },
            decision: { choice, who, fields, dropped in
                ConflictDecision(choice: choice, with: who, fields: fields, member: existing.id, dropped: dropped)
            },
            form: { current, values, decision in
                member(saved(current) ?? existing, item: current, app: app, onSaved: onSaved, values: values, decision: decision)
            },
            onMerged: { onSaved(.member(existing.id)) })
    }

    /// Asks, then removes `member` from the household.
    static func remove(_ member: HouseholdMember, item: Case, app: CaseManagerApp) {
        let catalog = app.catalog
        let dialog = Dialog(title: catalog.text("household.removeTitle"),
                            lines: [catalog.text("household.removeQuestion", ["name": member.fullName(in: item), "number": item.number])],
                            buttons: [catalog.text("household.keep"), catalog.text("household.remove")])
        app.show(.dialog(dialog) { [weak app] answer in
            guard let app, answer == 1, app.commit(.removeMember(id: item.id, member: member.id), on: item.version) != nil else { return }
            app.say(catalog.text("household.removed", ["name": member.givenNames]))
        })
    }

    struct Birth {
        var date: CalendarDate?
        var year: Int?
        var estimate: AgeEstimate?
    }

    struct Problem: Error {
        let field: String
        let key: String
    }

    /// A date of birth, a year alone ("vers 2010"), or an age: what the member's fields say.
    static func birth(_ values: FieldForm.Values, today: CalendarDate) -> Result<Birth, Problem> {
        let born = (values["born"] ?? "").trimmingCharacters(in: .whitespaces)
        let age = (values["age"] ?? "").trimmingCharacters(in: .whitespaces)
        var birth = Birth()
        if !born.isEmpty {
            if let year = ProfileDraft.yearAlone(born) {
                guard (1900...today.year).contains(year) else { return .failure(Problem(field: "born", key: "invalid.date")) }
                birth.year = year
            } else if let date = CalendarDate(parsing: born) {
                guard date <= today else { return .failure(Problem(field: "born", key: "invalid.future")) }
                guard date.year >= 1900 else { return .failure(Problem(field: "born", key: "invalid.date")) }
                birth.date = date
            } else {
                return .failure(Problem(field: "born", key: "household.invalid.born"))
            }
        }
        if !age.isEmpty {
            guard let years = Int(age), (0...120).contains(years) else { return .failure(Problem(field: "age", key: "invalid.age")) }
            if born.isEmpty { birth.estimate = AgeEstimate(years: years, asOf: today) }
        }
        return .success(birth)
    }
}
