extension Catalog {
    /// The text of `key.one` or `key.other` as the language counts (French: 0 and 1 are
    /// singular; English: only 1), with `{count}` set to `count`.
    public func counted(_ key: String, _ count: Int, _ arguments: [String: String] = [:]) -> String {
        var arguments = arguments
        arguments["count"] = String(count)
        return text(Message("\(key).\(isSingular(count) ? "one" : "other")", arguments))
    }

    /// Whether `count` takes the singular in this language.
    public func isSingular(_ count: Int) -> Bool {
        language == .fr ? count <= 1 : count == 1
    }
}
