import Foundation
import Testing
@testable import RetourCore

@Suite("CalendarDate")
struct CalendarDateTests {
    @Test func onlyRealDaysExist() {
        #expect(CalendarDate(year: 2024, month: 2, day: 29) != nil)
        #expect(CalendarDate(year: 2000, month: 2, day: 29) != nil)
        #expect(CalendarDate(year: 2023, month: 2, day: 29) == nil)
        #expect(CalendarDate(year: 1900, month: 2, day: 29) == nil)
        #expect(CalendarDate(year: 2023, month: 4, day: 31) == nil)
        #expect(CalendarDate(year: 2023, month: 12, day: 31) != nil)
        #expect(CalendarDate(year: 2023, month: 13, day: 1) == nil)
        #expect(CalendarDate(year: 2023, month: 0, day: 1) == nil)
        #expect(CalendarDate(year: 2023, month: 1, day: 0) == nil)
        #expect(CalendarDate(year: 0, month: 1, day: 1) == nil)
        #expect(CalendarDate(year: 10000, month: 1, day: 1) == nil)
    }

    @Test(arguments: [
        ("2020-02-29", CalendarDate(year: 2020, month: 2, day: 29)),
        ("29/02/2020", CalendarDate(year: 2020, month: 2, day: 29)),
        (" 07/03/2025 ", CalendarDate(year: 2025, month: 3, day: 7)),
        ("7/3/2025", CalendarDate(year: 2025, month: 3, day: 7)),
        ("2025-3-7", CalendarDate(year: 2025, month: 3, day: 7)),
        ("31/02/2020", nil), ("2020-02-30", nil), ("2021-02-29", nil), ("31/04/2025", nil),
        ("2020-13-01", nil), ("00/01/2020", nil), ("07/03/25", nil), ("25-03-07", nil), ("2025/03/07", nil),
        ("07-03-2025", nil), ("2025-03", nil), ("2025-03-07-01", nil), ("", nil), ("2025-03-O7", nil),
        ("+2025-03-07", nil), ("12025-03-07", nil), ("2025-٠٣-07", nil), ("2025 03 07", nil),
    ] as [(String, CalendarDate?)])
    func parsing(text: String, expected: CalendarDate?) {
        #expect(CalendarDate(parsing: text) == expected)
    }

    @Test func formats() {
        let date = CalendarDate(year: 987, month: 3, day: 7)!
        #expect(date.iso == "0987-03-07")
        #expect(date.dayFirst == "07/03/0987")
        #expect(date.description == "0987-03-07")
        let recent = CalendarDate(year: 2025, month: 11, day: 29)!
        #expect(CalendarDate(parsing: recent.iso) == recent)
        #expect(CalendarDate(parsing: recent.dayFirst) == recent)
    }

    @Test func ordering() {
        let dates = ["2025-01-02", "2024-12-31", "2025-01-01", "2024-02-29"].compactMap { CalendarDate(parsing: $0) }
        #expect(dates.sorted().map(\.iso) == ["2024-02-29", "2024-12-31", "2025-01-01", "2025-01-02"])
        #expect(CalendarDate(year: 2025, month: 2, day: 1)! > CalendarDate(year: 2025, month: 1, day: 31)!)
    }

    @Test func wholeYearsBetweenDates() {
        let born = CalendarDate(year: 1980, month: 3, day: 14)!
        #expect(born.years(until: CalendarDate(year: 2025, month: 3, day: 13)!) == 44)
        #expect(born.years(until: CalendarDate(year: 2025, month: 3, day: 14)!) == 45)
        #expect(born.years(until: CalendarDate(year: 2025, month: 12, day: 31)!) == 45)
        #expect(born.years(until: born) == 0)
        let leapling = CalendarDate(year: 2000, month: 2, day: 29)!
        #expect(leapling.years(until: CalendarDate(year: 2001, month: 2, day: 28)!) == 0)
        #expect(leapling.years(until: CalendarDate(year: 2001, month: 3, day: 1)!) == 1)
    }

    @Test func codableAsAnISOString() throws {
        let date = CalendarDate(year: 2020, month: 2, day: 29)!
        let encoded = try JSONEncoder().encode([date])
        #expect(String(decoding: encoded, as: UTF8.self) == #"["2020-02-29"]"#)
        #expect(try LineDecoder().decode([CalendarDate].self, from: encoded) == [date])
        #expect(throws: DecodingError.self) { try LineDecoder().decode([CalendarDate].self, from: Data(#"["2020-02-30"]"#.utf8)) }
        #expect(throws: DecodingError.self) { try LineDecoder().decode([CalendarDate].self, from: Data("[20200229]".utf8)) }
    }

    @Test func todayInATimeZone() throws {
        var calendar = Calendar(identifier: .gregorian)
        let zone = try #require(TimeZone(identifier: "Africa/Bamako"))
        calendar.timeZone = zone
        let before = calendar.dateComponents([.year, .month, .day], from: Date())
        let today = CalendarDate.today(in: zone)
        let after = calendar.dateComponents([.year, .month, .day], from: Date())
        let candidates = [before, after].compactMap { CalendarDate(year: $0.year!, month: $0.month!, day: $0.day!) }
        #expect(candidates.contains(today))
    }
}
