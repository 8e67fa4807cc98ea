import Foundation

/// What marks a file made from a demonstration office (`DemoMark`), so that no export or report
/// of fictitious people can pass for real figures: its name starts with `DEMO-`, and its first
/// line or row is the banner ("DEMO — fictitious data").
///
///     DemoMarking.fileName("report.csv")          // "DEMO-report.csv"
///     DemoMarking.csv(data, banner: banner, separator: ";")
public enum DemoMarking {
    public static let prefix = "DEMO-"

    /// `name` with the demo prefix (once).
    public static func fileName(_ name: String) -> String {
        name.hasPrefix(prefix) ? name : prefix + name
    }

    /// `url` with the demo prefix on its last component.
    public static func fileURL(_ url: URL) -> URL {
        url.deletingLastPathComponent().appendingPathComponent(fileName(url.lastPathComponent))
    }

    /// A CSV file with the banner as its first row (after the byte-order mark, when it has one).
    /// A file so marked does not import: its first row is no header.
    public static func csv(_ data: Data, banner: String, separator: Character) -> Data {
        let row = CSVText.encode([[banner]], separator: separator, byteOrderMark: false)
        let bom = Data(CSVText.byteOrderMark)
        if data.starts(with: bom) { return bom + row + data.dropFirst(bom.count) }
        return row + data
    }

    /// Text with the banner as its first line.
    public static func text(_ data: Data, banner: String) -> Data {
        Data((banner + "\n").utf8) + data
    }

    /// A Markdown document with the banner, in bold, as its first line.
    public static func markdown(_ data: Data, banner: String) -> Data {
        Data(("**" + banner + "**\n\n").utf8) + data
    }

    /// A JSON document with the banner as its first member, `"demo"`: an object gets the member
    /// first; anything else (an array of cases) becomes the `"cases"` member of such an object.
    public static func json(_ data: Data, banner: String) throws -> Data {
        let member = String(decoding: try JSONEncoder().encode(["demo": banner]), as: UTF8.self).dropLast()
        guard let start = data.firstIndex(where: { !" \n\r\t".utf8.contains($0) }) else { return data }
        if data[start] == UInt8(ascii: "{") {
            let rest = data[(start + 1)...]
            let empty = rest.first(where: { !" \n\r\t".utf8.contains($0) }) == UInt8(ascii: "}")
            return Data((member + (empty ? "" : ",")).utf8) + rest
        }
        var marked = Data((member + ",\"cases\":").utf8)
        marked.append(data)
        while let last = marked.last, " \n\r\t".utf8.contains(last) { marked.removeLast() }
        marked.append(contentsOf: Array("}\n".utf8))
        return marked
    }
}
