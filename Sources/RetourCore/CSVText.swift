import CSV
import Foundation

/// CSV as spreadsheets write it: UTF-8 with or without a byte-order mark, `,` or `;` between
/// fields (French spreadsheets use `;`), CRLF or LF, quoted fields holding separators, doubled
/// quotes and line breaks. Records are read with CSV.swift's reader and written with its writer.
public enum CSVText {
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// Why bytes cannot be read as CSV text.
    public enum Failure: UserFacingError, Equatable {
        /// Not UTF-8, typically a spreadsheet saved as "CSV (Windows)".
        case notUTF8
        case empty

        public var message: Message {
            switch self {
            case .notUTF8: return Message("import.error.notUTF8")
            case .empty: return Message("import.error.empty")
            }
        }
    }

    /// The text of `data` without its byte-order mark.
    public static func decode(_ data: Data) throws -> String {
        var bytes = [UInt8](data)
        if bytes.starts(with: byteOrderMark) { bytes.removeFirst(byteOrderMark.count) }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw Failure.notUTF8 }
        return text
    }

    /// `;` when the header line (up to the first line break outside quotes) holds more
    /// semicolons than commas outside quotes, else `,`.
    public static func separator(of text: String) -> Character {
        var commas = 0
        var semicolons = 0
        var quoted = false
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": quoted.toggle()
            case "," where !quoted: commas += 1
            case ";" where !quoted: semicolons += 1
            case "\n", "\r":
                if !quoted { return semicolons > commas ? ";" : "," }
            default: break
            }
        }
        return semicolons > commas ? ";" : ","
    }

    /// Every record of `text`, header included. A record spanning several lines (line breaks
    /// inside quotes) is one record, as it is one row of a spreadsheet.
    public static func records(of text: String, separator: Character) throws -> [[String]] {
        let reader = try CSVReader(string: text, hasHeaderRow: false, trimFields: false,
                                   delimiter: separator.unicodeScalars.first!)
        var records: [[String]] = []
        while let record = reader.next() {
            records.append(record)
        }
        return records
    }

    /// `records` as CSV: CRLF line ends, fields quoted where needed, a final line end, and a
    /// byte-order mark when asked (spreadsheets then read the accents right).
    public static func encode(_ records: [[String]], separator: Character, byteOrderMark: Bool) throws -> Data {
        let stream = OutputStream(toMemory: ())
        stream.open()
        do {
            let writer = try CSVWriter(stream: stream, delimiter: String(separator), newline: .crlf)
            for record in records {
                try writer.write(row: record)
            }
        }
        stream.close()
        var data = Data(byteOrderMark ? CSVText.byteOrderMark : [])
        guard let written = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data else {
            throw CSVError.cannotWriteStream
        }
        data.append(written)
        if !records.isEmpty { data.append(contentsOf: [0x0D, 0x0A]) }
        return data
    }
}
