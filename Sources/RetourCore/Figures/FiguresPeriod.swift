import Foundation

/// Days from `first` to `last`, both included.
public struct DaySpan: Sendable, Hashable, CustomStringConvertible {
    public let first: CalendarDate
    public let last: CalendarDate

    public init(first: CalendarDate, last: CalendarDate) {
        self.first = first
        self.last = min(max(first, last), CalendarDate(year: 9999, month: 12, day: 31)!)
    }

    public func contains(_ day: CalendarDate) -> Bool {
        first <= day && day <= last
    }

    public var description: String { "\(first.iso)…\(last.iso)" }

    /// The calendar month of `day`.
    public static func month(of day: CalendarDate) -> DaySpan {
        let first = CalendarDate(year: day.year, month: day.month, day: 1)!
        return DaySpan(first: first, last: DaySpan.nextMonth(first).adding(days: -1))
    }

    /// The calendar quarter (January–March, April–June…) of `day`.
    public static func quarter(of day: CalendarDate) -> DaySpan {
        let firstMonth = (day.month - 1) / 3 * 3 + 1
        let first = CalendarDate(year: day.year, month: firstMonth, day: 1)!
        let next = firstMonth == 10 ? CalendarDate(year: day.year + 1, month: 1, day: 1) : CalendarDate(year: day.year, month: firstMonth + 3, day: 1)
        return DaySpan(first: first, last: next?.adding(days: -1) ?? CalendarDate(year: 9999, month: 12, day: 31)!)
    }

    /// The calendar year of `day`.
    public static func year(of day: CalendarDate) -> DaySpan {
        DaySpan(first: CalendarDate(year: day.year, month: 1, day: 1)!, last: CalendarDate(year: day.year, month: 12, day: 31)!)
    }

    /// The calendar months this span touches, each cut to the span.
    public var months: [DaySpan] {
        var result: [DaySpan] = []
        var start = first
        while start <= last {
            let month = DaySpan.month(of: start)
            result.append(DaySpan(first: start, last: min(month.last, last)))
            guard month.last < last, month.last.year < 9999 || month.last.month < 12 else { break }
            start = month.last.adding(days: 1)
        }
        return result
    }

    private static func nextMonth(_ first: CalendarDate) -> CalendarDate {
        if first.month == 12 {
            return CalendarDate(year: first.year + 1, month: 1, day: 1) ?? CalendarDate(year: 9999, month: 12, day: 31)!
        }
        return CalendarDate(year: first.year, month: first.month + 1, day: 1)!
    }
}

/// The period figures are asked for, as a supervisor says it.
public enum FiguresPeriod: Sendable, Hashable {
    /// The calendar month, quarter or year of today.
    case month, quarter, year
    /// The programme, from its start to its end (`ProgrammeTargets`).
    case programme
    /// Two days, both included (given in either order).
    case between(CalendarDate, CalendarDate)

    public func span(today: CalendarDate, programme: ProgrammeTargets) -> DaySpan {
        switch self {
        case .month: return .month(of: today)
        case .quarter: return .quarter(of: today)
        case .year: return .year(of: today)
        case .programme: return DaySpan(first: programme.start, last: programme.end)
        case .between(let a, let b): return DaySpan(first: min(a, b), last: max(a, b))
        }
    }
}
