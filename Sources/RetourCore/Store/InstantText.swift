import Foundation

/// The instants of Retour's files, as written (`2026-12-07T03:00:00Z`, whole seconds, UTC),
/// read without Foundation's ISO 8601 parser: reading a case holds many of them, and that
/// parser was about a quarter of the time spent decoding one.
enum InstantText {
    /// The instant `text` names when it has exactly that form, nil otherwise (for the general
    /// parser to read, or refuse).
    static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { parse($0) }
    }

    /// The same, from the bytes of the text.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        guard bytes.count == 20, bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x54, bytes[13] == 0x3A,
              bytes[16] == 0x3A, bytes[19] == 0x5A else { return nil }
        func number(_ start: Int, _ count: Int) -> Int? {
            var value = 0
            for index in start..<start + count {
                let digit = Int(bytes[index]) - 0x30
                guard digit >= 0 && digit <= 9 else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
              let date = CalendarDate(year: year, month: month, day: day),
              let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
              hour < 24, minute < 60, second < 60 else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(date.daysSinceEpoch * 86_400 + hour * 3600 + minute * 60 + second))
    }

    /// `instant` as Retour's files write it (whole seconds, the fraction dropped, as Foundation's
    /// ISO 8601 encoding drops it); outside years 1583–9999, Foundation's own writing.
    static func format(_ instant: Date) -> String {
        let seconds = instant.timeIntervalSince1970.rounded(.down)
        let whole = Int(exactly: seconds) ?? 0
        let days = whole >= 0 ? whole / 86_400 : (whole - 86_399) / 86_400
        // Before 1583 Foundation counts in the Julian calendar: its own writing then.
        guard seconds.magnitude < 1e15, let date = CalendarDate(daysSinceEpoch: days), date.year > 1582 else {
            return instant.formatted(.iso8601)
        }
        let time = whole - days * 86_400
        func digits(_ value: Int, _ count: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, count - text.count)) + text
        }
        return digits(date.year, 4) + "-" + digits(date.month, 2) + "-" + digits(date.day, 2) + "T"
            + digits(time / 3600, 2) + ":" + digits(time / 60 % 60, 2) + ":" + digits(time % 60, 2) + "Z"
    }
}
