import Foundation
import RetourCore
import RetourTUI

/// The household tab's forms: a member added or edited, and a member removed (after a question;
/// the removal stays in the timeline).
enum HouseholdForms {
    static func member(_ existing: HouseholdMember?, item: Case, app: CaseManagerApp,
                       onSaved: @escaping FollowUpForms.Saved) -> FieldForm {
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
        let born = existing.map { member in
            member.dateOfBirth.map(catalog.date) ?? member.yearOfBirth.map(String.init) ?? ""
        } ?? ""
        let values: FieldForm.Values = [
            "given": existing?.givenNames ?? "", "family": existing?.familyName ?? "",
            "relationship": (existing?.relationship ?? .child).rawValue, "sex": existing?.sex?.rawValue ?? "",
            "born": born, "age": existing?.ageEstimate.map { String($0.years) } ?? "",
            "vulnerability": existing?.vulnerabilities.first ?? "", "note": existing?.note ?? "",
        ]
        return FieldForm(
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
                guard case .success(let birth) = birth(values, today: app.today),
                      let relationship = Relationship(rawValue: values["relationship"] ?? "") else { return }
                let text = { (id: String) in (values[id] ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
                let vulnerability = text("vulnerability")
                var kept = existing?.vulnerabilities.dropFirst().map { $0 } ?? []
                kept.removeAll { $0 == vulnerability }
                let member = HouseholdMember(
                    id: existing?.id ?? UUID(), givenNames: text("given"),
                    familyName: Fold.key(text("family")) == Fold.key(item.profile.familyName) ? "" : text("family"),
                    sex: Sex(rawValue: text("sex")), dateOfBirth: birth.date, yearOfBirth: birth.year, ageEstimate: birth.estimate,
                    relationship: relationship, vulnerabilities: (vulnerability.isEmpty ? [] : [vulnerability]) + kept,
                    note: text("note"), ownCase: existing?.ownCase)
                guard app.commit(.saveMember(id: item.id, member: member), on: item.version) != nil else { return }
                form.finish(app, saying: catalog.text(existing == nil ? "household.added" : "household.updated",
                                                      ["name": member.givenNames]))
                onSaved(.member(member.id))
            })
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
