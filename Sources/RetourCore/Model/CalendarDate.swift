import Foundation

/// A civil date (no time, no time zone), stored as `YYYY-MM-DD`.
public struct CalendarDate: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Returns nil unless the three numbers name a real day of the Gregorian calendar.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              (1...CalendarDate.daysIn(month: month, year: year)).contains(day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD` (ISO) or `DD/MM/YYYY` (as French spreadsheets write dates).
    public init?(parsing text: String) {
        if let iso = CalendarDate(isoBytes: text) {
            self = iso
            return
        }
        // Spaces and tabs (`.whitespaces`), trimmed without Foundation: an import parses every date.
        let isSpace = { (scalar: Unicode.Scalar) in
            scalar == " " || scalar == "\t" || (!scalar.isASCII && scalar.properties.generalCategory == .spaceSeparator)
        }
        let scalars = text.unicodeScalars
        var start = scalars.startIndex, end = scalars.endIndex
        while start < end, isSpace(scalars[start]) { start = scalars.index(after: start) }
        while end > start, isSpace(scalars[scalars.index(before: end)]) { end = scalars.index(before: end) }
        let trimmed = String(scalars[start..<end])
        if let parts = CalendarDate.numbers(trimmed, separator: "-"), parts.count == 3, parts[0].digits == 4 {
            self.init(year: parts[0].value, month: parts[1].value, day: parts[2].value)
        } else if let parts = CalendarDate.numbers(trimmed, separator: "/"), parts.count == 3, parts[2].digits == 4 {
            self.init(year: parts[2].value, month: parts[1].value, day: parts[0].value)
        } else {
            return nil
        }
    }

    /// `YYYY-MM-DD` exactly, as the files hold it, read from its bytes: every case holds
    /// dates, and the general parse above walks characters.
    private init?(isoBytes text: String) {
        let bytes = text.utf8
        guard bytes.count == 10 else { return nil }
        var values = (0, 0, 0)
        for (offset, byte) in bytes.enumerated() {
            if offset == 4 || offset == 7 {
                guard byte == 0x2D else { return nil }
                continue
            }
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            let digit = Int(byte - 0x30)
            switch offset {
            case 0..<4: values.0 = values.0 * 10 + digit
            case 5..<7: values.1 = values.1 * 10 + digit
            default: values.2 = values.2 * 10 + digit
            }
        }
        self.init(year: values.0, month: values.1, day: values.2)
    }

    public static func today(in timeZone: TimeZone = .current) -> CalendarDate {
        CalendarDate(Date(), in: timeZone)
    }

    /// The first moment of this day in `timeZone`.
    public func start(in timeZone: TimeZone = .current) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar.date(from: DateComponents(year: year, month: month, day: day))!
    }

    /// The day `moment` falls on in `timeZone`.
    public init(_ moment: Date, in timeZone: TimeZone = .current) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: moment)
        self.init(year: parts.year!, month: parts.month!, day: parts.day!)!
    }

    /// `YYYY-MM-DD`: the form used in files and on the command line.
    public var iso: String {
        String(format: "%04d-%02d-%02d", year, month, day)
    }

    /// `DD/MM/YYYY`: the form French readers expect.
    public var dayFirst: String {
        String(format: "%02d/%02d/%04d", day, month, year)
    }

    public var description: String { iso }

    /// Whole years between this date and `date` (an age when this is a birth date).
    public func years(until date: CalendarDate) -> Int {
        var years = date.year - year
        if (date.month, date.day) < (month, day) { years -= 1 }
        return years
    }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = CalendarDate(parsing: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a date: \(text)")
        }
        self = date
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2:
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            return leap ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private static func numbers(_ text: String, separator: Character) -> [(value: Int, digits: Int)]? {
        let parts = text.split(separator: separator, omittingEmptySubsequences: false)
        var result: [(value: Int, digits: Int)] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 4, part.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let value = Int(part) else { return nil }
            result.append((value, part.count))
        }
        return result
    }
}
