/// A case as labelled lines in the user's language: what `retour show` prints and the case
/// screen displays.
public struct CaseSummary {
    public struct Line: Hashable, Sendable {
        public let label: String
        public let value: String
    }

    public struct Section: Hashable, Sendable {
        public let title: String
        public let lines: [Line]
    }

    public let sections: [Section]

    public init(_ item: Case, catalog: Catalog, reference: Reference, today: CalendarDate) {
        let profile = item.profile
        func line(_ field: ProfileField, _ value: String) -> Line {
            Line(label: catalog.text(field.labelKey), value: value)
        }
        func label(_ prefix: String, _ code: String?) -> String {
            code.map { catalog.text("\(prefix).\($0)") } ?? ""
        }
        var birth = ""
        if let date = profile.dateOfBirth {
            birth = catalog.text("summary.birthDate", ["date": catalog.date(date), "age": String(date.years(until: today))])
        } else if let age = profile.age(on: today) {
            birth = catalog.text("summary.estimatedAge", ["age": String(age)])
        }
        let document = profile.document.map { "\(catalog.text("document.\($0.type)")) \($0.number)" } ?? ""
        let region = reference.region(profile.region)
        let cercle = reference.cercle(profile.cercle)?.cercle
        let vulnerabilities = profile.vulnerabilities.map { catalog.text("vulnerability.\($0)") }.joined(separator: ", ")
        func stamp(_ stamp: Stamp) -> String {
            catalog.text("summary.stamp", ["who": stamp.by, "when": catalog.dateTime(stamp.at)])
        }
        sections = [
            Section(title: catalog.text("summary.case"), lines: [
                Line(label: catalog.text("summary.number"), value: item.number),
                Line(label: catalog.text("summary.status"), value: catalog.text("status.\(item.status.rawValue)")),
                line(.category, label("category", profile.category?.rawValue)),
                line(.assignedTo, profile.assignedTo),
            ]),
            Section(title: catalog.text("summary.person"), lines: [
                line(.familyName, profile.familyName),
                line(.givenNames, profile.givenNames),
                line(.sex, label("sex", profile.sex?.rawValue)),
                Line(label: catalog.text("summary.birth"), value: birth),
                line(.phone, profile.phone),
                line(.documentType, document),
                line(.householdSize, String(profile.householdSize)),
                line(.vulnerabilities, vulnerabilities),
            ]),
            Section(title: catalog.text("summary.displacement"), lines: [
                line(.displacedTo, profile.displacedTo),
                line(.returnDate, profile.returnDate.map(catalog.date) ?? ""),
                line(.region, region.map { "\($0.name) (\($0.pcode))" } ?? profile.region),
                line(.cercle, cercle.map { "\($0.name) (\($0.pcode))" } ?? profile.cercle),
                line(.commune, profile.commune),
                line(.village, profile.village),
            ]),
            Section(title: catalog.text("summary.record"), lines: [
                Line(label: catalog.text("summary.created"), value: stamp(item.created)),
                Line(label: catalog.text("summary.updated"), value: stamp(item.updated)),
            ]),
        ]
    }

    /// Plain text: a title line per section, then `label: value` lines, labels aligned.
    public func text(labelWidth: Int = 24) -> [String] {
        sections.flatMap { section in
            [section.title] + section.lines.map { line in
                let padding = String(repeating: " ", count: max(1, labelWidth - line.label.count))
                return "  " + line.label + padding + (line.value.isEmpty ? "—" : line.value)
            }
        }
    }
}
