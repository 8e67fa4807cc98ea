import Foundation
import RetourCore

/// A timeline event in words: its catalogue text with the codes of its details turned into
/// labels (track, step, status, service, closure reason, profile fields, dates).
enum TimelineText {
    static func describe(_ event: TimelineEvent, catalog: Catalog) -> String {
        var arguments: [String: String] = [:]
        for (name, value) in event.details {
            switch name {
            case "track": arguments[name] = catalog.label("track", value)
            case "step": arguments[name] = catalog.label("step", value)
            case "status":
                // Steps and referrals both have a status; the kind of event says which.
                let prefix = event.kind == "timeline.step" ? "stepStatus" : "referralStatus"
                arguments[name] = catalog.text("\(prefix).\(value)")
            case "service": arguments[name] = catalog.text("service.\(value)")
            case "relationship": arguments[name] = catalog.text("relationship.\(value)")
            case "reason":
                // A closure's reason is a code; a request's or a reopening's is typed text.
                let isCode = event.kind == "timeline.closed" || event.kind == "timeline.closureApproved"
                arguments[name] = isCode ? catalog.text("closureReason.\(value)") : value
            case "from", "to": arguments[name] = value.isEmpty ? catalog.text("timeline.nobody") : value
            case "fields":
                let labels = value.split(separator: " ").map { code in
                    ProfileField(rawValue: String(code)).map { catalog.text($0.labelKey) } ?? String(code)
                }
                arguments[name] = labels.isEmpty ? catalog.text("tabs.timeline.noField") : labels.joined(separator: ", ")
            case "date": arguments[name] = CalendarDate(parsing: value).map(catalog.date) ?? value
            case "change": arguments[name] = catalog.text("audit.change.\(value)")
            case "gaps":
                // Counted: the text says "1 gap", "2 gaps" (`timeline.assess.one`/`.other`).
                arguments[name] = value
                arguments["count"] = value
            default: arguments[name] = value
            }
        }
        if event.kind.hasPrefix("timeline.conflict.") {
            // What the conflict was about: the profile's fields, or a step of a track.
            if let step = arguments["step"], let track = arguments["track"] {
                arguments["on"] = catalog.text("timeline.conflictOnStep", ["step": step, "track": track])
            } else if let service = arguments["service"] {
                arguments["on"] = catalog.text("timeline.conflictOnReferral", ["service": service])
            } else if let name = arguments["name"] {
                arguments["on"] = catalog.text("timeline.conflictOnMember", ["name": name])
            } else if event.details["fields"] == "status" {
                arguments["on"] = catalog.text("timeline.conflictOnStatus")
            } else {
                arguments["on"] = arguments["fields"] ?? ""
            }
        }
        var text = event.kind == "timeline.step" ? stepText(event, arguments, catalog) : catalog.text(event.kind, arguments)
        if event.kind.hasPrefix("timeline.conflict."), let typed = event.details["typed"] {
            let values = typed.split(separator: " ").compactMap { field in
                event.details["typed.\(field)"].map { typedValue(String(field), $0, event: event, catalog: catalog) }
            }
            text += " — " + catalog.text("timeline.conflict.typed", ["values": values.joined(separator: " · ")])
        }
        if event.kind == "timeline.closed" && event.details["confirmed"] == "yes" {
            text += " — " + catalog.text("tabs.timeline.confirmedOpenItems")
        }
        if event.kind == "timeline.closureApproved", let comment = event.details["comment"], !comment.isEmpty {
            text += " — " + comment
        }
        // Made at another site and received by synchronisation: says where.
        if let origin = event.origin, event.kind != "timeline.siteConflict" {
            text += " — " + catalog.text("timeline.fromSite", ["site": origin.site])
        }
        // Typed reasons may hold line breaks: one line per event.
        return text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    /// A step saved: its new status, or, the status unchanged, which fields changed; with why
    /// it is blocked, or why it was when it moves on.
    private static func stepText(_ event: TimelineEvent, _ arguments: [String: String], _ catalog: Catalog) -> String {
        var arguments = arguments
        var text: String
        if let changed = event.details["changed"], !changed.isEmpty {
            arguments["fields"] = changed.split(separator: " ").map { catalog.text("tabs.step.field.\($0)") }.joined(separator: ", ")
            text = catalog.text("timeline.stepEdited", arguments)
        } else {
            text = catalog.text("timeline.step", arguments)
        }
        if let reason = arguments["reason"] { text += " — " + reason }
        if let reason = arguments["wasBlocked"] { text += " — " + catalog.text("timeline.stepWasBlocked", ["reason": reason]) }
        return text
    }

    /// A value typed in a conflict and not kept, as the form showed it: a status or a code by
    /// its label, any other field as typed.
    private static func typedValue(_ field: String, _ value: String, event: TimelineEvent, catalog: Catalog) -> String {
        switch field {
        case "status" where event.details["step"] != nil: return catalog.text("stepStatus.\(value)")
        case "status" where event.details["service"] != nil: return catalog.text("referralStatus.\(value)")
        case "sex", "category": return catalog.text("\(field).\(value)")
        default: return value
        }
    }
}
