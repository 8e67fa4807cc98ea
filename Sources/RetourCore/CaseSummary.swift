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
            birth = catalog.date(date) + " (" + catalog.counted("summary.years", date.years(until: today)) + ")"
        } else if let estimate = profile.ageEstimate, let age = profile.age(on: today) {
            birth = catalog.counted("summary.ageEstimate", age, ["date": catalog.date(estimate.asOf)])
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

    /// Plain text for a terminal or a script: a title line per section, then the filled
    /// `label  value` lines, labels aligned; values typed with line breaks stay on one line.
    public var text: String {
        let filled = sections.map { section in (section.title, section.lines.filter { !$0.value.isEmpty }) }
        let width = filled.flatMap { $0.1 }.map(\.label.count).max() ?? 0
        return filled.filter { !$0.1.isEmpty }.map { title, lines in
            ([title] + lines.map { line in
                let padding = String(repeating: " ", count: width - line.label.count + 2)
                return "  " + line.label + padding + line.value.split(whereSeparator: \.isNewline).joined(separator: " ")
            }).joined(separator: "\n")
        }.joined(separator: "\n\n")
    }
}
