/// Counting days between civil dates, without a calendar object: fast enough for the
/// thousands of dates of a generated follow-up.
extension CalendarDate {
    /// Days since 1970-01-01 (negative before).
    public var daysSinceEpoch: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Days from this date to `date` (negative when `date` is earlier).
    public func days(until date: CalendarDate) -> Int {
        date.daysSinceEpoch - daysSinceEpoch
    }
}
