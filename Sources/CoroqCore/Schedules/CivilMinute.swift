import CoroqJSON
import Foundation

/// A wall-clock minute — year, month, day, hour, minute — with no time zone: what a cron expression matches.
/// Arithmetic on the proleptic Gregorian calendar, in days since 1970-01-01 (`CivilDate`).
struct CivilMinute: Sendable, Equatable, Comparable, CustomStringConvertible {
    var year: Int
    var month: Int  // 1…12
    var day: Int  // 1…31
    var hour: Int  // 0…23
    var minute: Int  // 0…59

    /// The wall-clock minute that `seconds` since 1970 (UTC) falls in, shifted by `offset` seconds.
    init(secondsSince1970 seconds: Int, offset: Int) {
        let local = seconds + offset
        let days = Int((Double(local) / 86400).rounded(.down))
        let secondOfDay = local - days * 86400
        (year, month, day) = CivilDate.date(fromDays: days)
        hour = secondOfDay / 3600
        minute = (secondOfDay % 3600) / 60
    }

    init(year: Int, month: Int, day: Int, hour: Int, minute: Int) {
        (self.year, self.month, self.day, self.hour, self.minute) = (year, month, day, hour, minute)
    }

    /// Seconds since 1970 of this wall time read as UTC (subtract a zone's offset to get the instant).
    var naiveSeconds: Int { CivilDate.days(year: year, month: month, day: day) * 86400 + hour * 3600 + minute * 60 }

    /// 0 = Sunday … 6 = Saturday.
    var weekday: Int {
        let days = CivilDate.days(year: year, month: month, day: day)
        return ((days % 7) + 7 + 4) % 7  // 1970-01-01 was a Thursday
    }

    var daysInMonth: Int { Self.daysIn(month: month, year: year) }

    static func < (a: CivilMinute, b: CivilMinute) -> Bool { a.naiveSeconds < b.naiveSeconds }

    var description: String {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(year)-\(two(month))-\(two(day)) \(two(hour)):\(two(minute))"
    }

    mutating func nextMinute() {
        minute += 1
        if minute == 60 { minute = 0; nextHour() }
    }

    /// The start of the next hour.
    mutating func nextHour() {
        minute = 0
        hour += 1
        if hour == 24 { hour = 0; nextDay() }
    }

    /// Midnight of the next day.
    mutating func nextDay() {
        (hour, minute) = (0, 0)
        day += 1
        if day > daysInMonth { day = 1; nextMonth() }
    }

    /// Midnight of the first of the next month.
    mutating func nextMonth() {
        (day, hour, minute) = (1, 0, 0)
        month += 1
        if month == 13 { month = 1; year += 1 }
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
