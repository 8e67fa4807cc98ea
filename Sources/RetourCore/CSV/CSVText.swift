import Foundation

/// CSV as spreadsheets write it: what stops a file from being read (`Failure`), and the
/// writer of the export and of the rejected rows. `CSVReader` reads.
public enum CSVText {
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// Why a file cannot be read as CSV: each is one line, and nothing is imported.
    public enum Failure: UserFacingError, Equatable {
        /// Not UTF-8, typically a spreadsheet saved as "CSV (Windows)".
        case notUTF8
        case empty
        /// A folder, a device (`/dev/zero`), a pipe: refused before reading.
        case notRegularFile(file: String)
        case tooLarge(limit: Int)
        /// More rows than `limit` after the header.
        case tooManyRows(limit: Int)
        case tooManyColumns(row: Int, limit: Int)
        case recordTooLong(row: Int, limit: Int)
        case fieldTooLong(row: Int, column: String, limit: Int)
        /// A quoted field ran past the field limit: most likely its quote is never closed.
        case quoteNotClosedWithin(row: Int, column: String, limit: Int)
        /// The file ends inside the quoted field opened at `row`, `column`.
        case unclosedQuote(row: Int, column: String)
        /// A first line `sep=X` naming a separator other than `,` or `;`.
        case separatorLine(String)

        public var message: Message {
            switch self {
            case .notUTF8: return Message("import.error.notUTF8")
            case .empty: return Message("import.error.empty")
            case .notRegularFile(let file): return Message("import.reader.notRegularFile", ["file": file])
            case .tooLarge(let limit): return Message("import.reader.tooLarge", ["limit": String(limit)])
            case .tooManyRows(let limit): return Message("import.reader.tooManyRows", ["limit": String(limit)])
            case .tooManyColumns(let row, let limit):
                return Message("import.reader.tooManyColumns", ["row": String(row), "limit": String(limit)])
            case .recordTooLong(let row, let limit):
                return Message("import.reader.recordTooLong", ["row": String(row), "limit": String(limit)])
            case .fieldTooLong(let row, let column, let limit):
                return Message("import.reader.fieldTooLong", ["row": String(row), "column": column, "limit": String(limit)])
            case .quoteNotClosedWithin(let row, let column, let limit):
                return Message("import.reader.quoteNotClosedWithin", ["row": String(row), "column": column, "limit": String(limit)])
            case .unclosedQuote(let row, let column):
                return Message("import.reader.unclosedQuote", ["row": String(row), "column": column])
            case .separatorLine(let line): return Message("import.reader.separatorLine", ["line": line])
            }
        }
    }

    /// A column name as messages show it: at most 40 characters, so that a hostile header
    /// cannot flood a line.
    static func shown(_ name: String) -> String {
        name.count <= 40 ? name : name.prefix(39) + "…"
    }

    /// The separator a spreadsheet of `language` splits columns on: `;` in French (the comma
    /// writes decimals there), `,` in English.
    public static func spreadsheetSeparator(for language: Language) -> Character {
        language == .fr ? ";" : ","
    }

    /// `records` as CSV: CRLF line ends, a field quoted (its quotes doubled) when it holds the
    /// separator, a quote or a line break, a final line end, and a byte-order mark when asked
    /// (spreadsheets then read the accents right). Every byte of every field is kept.
    public static func encode(_ records: [[String]], separator: Character, byteOrderMark: Bool) -> Data {
        let separatorByte = separator.asciiValue!
        let quote = UInt8(ascii: "\""), carriageReturn = UInt8(ascii: "\r"), lineFeed = UInt8(ascii: "\n")
        var bytes: [UInt8] = byteOrderMark ? CSVText.byteOrderMark : []
        for (index, record) in records.enumerated() {
            if index > 0 { bytes += [carriageReturn, lineFeed] }
            for (column, field) in record.enumerated() {
                if column > 0 { bytes.append(separatorByte) }
                let utf8 = field.utf8
                if utf8.contains(where: { $0 == separatorByte || $0 == quote || $0 == carriageReturn || $0 == lineFeed }) {
                    bytes.append(quote)
                    for byte in utf8 {
                        bytes.append(byte)
                        if byte == quote { bytes.append(quote) }
                    }
                    bytes.append(quote)
                } else {
                    bytes += utf8
                }
            }
        }
        if !records.isEmpty { bytes += [carriageReturn, lineFeed] }
        return Data(bytes)
    }
}
