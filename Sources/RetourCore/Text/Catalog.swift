import Foundation

/// The interface languages. French first: the field offices work in French.
public enum Language: String, CaseIterable, Sendable {
    case fr
    case en

    /// French when LC_ALL, LC_MESSAGES or LANG (the first one set) starts with `fr`.
    public static func from(environment: [String: String]) -> Language {
        for name in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let value = environment[name], !value.isEmpty {
                return value.lowercased().hasPrefix("fr") ? .fr : .en
            }
        }
        return .en
    }
}

/// The one place where text is translated: every string a user reads comes from
/// `Assets/locales/<language>/*.json`, flat maps from keys to texts with `{name}` placeholders.
public struct Catalog: Sendable {
    public let language: Language
    private let texts: [String: String]

    public init(language: Language, texts: [String: String]) {
        self.language = language
        self.texts = texts
    }

    /// Loads every `Assets/locales/<language>/*.json` file. A key defined twice is an error,
    /// so that two files cannot silently disagree.
    public init(language: Language, assets: Assets) throws {
        let folder = "locales/\(language.rawValue)"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: assets.url(folder).path)) ?? []
        var texts: [String: String] = [:]
        for name in names.sorted() where name.hasSuffix(".json") {
            let file = "\(folder)/\(name)"
            guard let data = try? Data(contentsOf: assets.url(file)) else {
                throw AssetError(file: file, reason: "cannot be read")
            }
            guard let part = try? LineDecoder().decode([String: String].self, from: data) else {
                throw AssetError(file: file, reason: "is not a JSON object of strings")
            }
            for (key, value) in part {
                guard texts.updateValue(value, forKey: key) == nil else {
                    throw AssetError(file: file, reason: "defines \(key) twice")
                }
            }
        }
        guard !texts.isEmpty else { throw AssetError(file: folder, reason: "holds no texts") }
        self.init(language: language, texts: texts)
    }

    public var keys: Set<String> { Set(texts.keys) }

    /// The text for `key`, with `{name}` replaced by `arguments[name]`.
    /// A missing key shows itself, so that a gap is visible rather than silent.
    /// Arguments may come from data or from another person (a name, the lock holder, a value
    /// typed on the command line): their control characters are shown, never sent, and their
    /// line breaks become spaces (`TerminalText`), so that a message is one line and can carry
    /// no terminal command.
    /// A key written only in `.one`/`.other` forms takes the form its `count` argument asks
    /// for: core code names a count in a `Message`, and the language says it (`Catalog.counted`).
    public func text(_ key: String, _ arguments: [String: String] = [:]) -> String {
        var result = texts[key] ?? countedForm(key, arguments) ?? key
        for (name, value) in arguments {
            result = result.replacingOccurrences(of: "{\(name)}", with: TerminalText.visible(value, layout: .flattened))
        }
        return result
    }

    /// The label of a code (`label("track", "women_agr")`), or the code itself when it has
    /// none: a file edited by hand may hold codes this version does not know.
    public func label(_ kind: String, _ code: String) -> String {
        texts["\(kind).\(code)"] ?? code
    }

    /// `key.one` or `key.other` as the `count` argument asks, when `key` is written so.
    private func countedForm(_ key: String, _ arguments: [String: String]) -> String? {
        guard let count = arguments["count"].flatMap({ Int($0) }) else { return nil }
        return texts["\(key).\(isSingular(count) ? "one" : "other")"]
    }

    public func text(_ message: Message) -> String {
        text(message.key, message.arguments.mapValues { translateIfKey($0) })
    }

    public func text(_ error: Error) -> String {
        if let error = error as? UserFacingError { return text(error.message) }
        return text("error.unexpected")
    }

    /// A date as this language writes it: DD/MM/YYYY in French, YYYY-MM-DD in English.
    public func date(_ date: CalendarDate) -> String {
        language == .fr ? date.dayFirst : date.iso
    }

    public func dateTime(_ date: Date) -> String {
        dateTimeFormatter().string(from: date)
    }

    /// What `dateTime` writes with, for whoever writes many (an export).
    public func dateTimeFormatter() -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = language == .fr ? "dd/MM/yyyy HH:mm" : "yyyy-MM-dd HH:mm"
        return formatter
    }

    /// Message arguments written `@key` are themselves catalogue keys (a field's label, say).
    private func translateIfKey(_ value: String) -> String {
        value.hasPrefix("@") ? text(String(value.dropFirst())) : value
    }
}
