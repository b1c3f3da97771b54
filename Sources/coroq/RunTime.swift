import ArgumentParser
import CoroqJSON
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `--at TIME` (and a `--batch` line's `"at"`): a moment as a person writes it, as seconds since 1970.
enum RunTime {
    /// The forms `parse` reads, for its error message.
    static let expected = "HH:MM (today, local time), YYYY-MM-DD HH:MM[:SS] (local time) or ISO 8601 with an offset such as 2026-12-24T18:00:00+01:00 or 2026-12-24T17:00:00Z"

    /// Reads `text`; throws a `ValidationError` naming the forms it takes.
    static func parse(_ text: String, now: Date) throws -> Double {
        guard let seconds = seconds(text, now: now) else {
            throw ValidationError("--at \(text): expected \(expected)")
        }
        return seconds
    }

    static func seconds(_ text: String, now: Date) -> Double? {
        let text = String(text.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
        if let clock = clockTime(Substring(text)) {  // HH:MM[:SS] today
            let today = localDate(of: now)
            return local(year: today.year, month: today.month, day: today.day, clock)
        }
        let separator = text.firstIndex { $0 == " " || $0 == "T" }
        guard let separator, let day = civilDay(text[..<separator]) else { return nil }
        var rest = text[text.index(after: separator)...]
        var offset: Int?
        if rest.hasSuffix("Z") {
            offset = 0
            rest = rest.dropLast()
        } else if let sign = rest.lastIndex(where: { $0 == "+" || $0 == "-" }) {
            guard let parsed = offsetSeconds(rest[sign...]) else { return nil }
            offset = parsed
            rest = rest[..<sign]
        }
        guard let clock = clockTime(rest) else { return nil }
        guard let offset else { return local(year: day.year, month: day.month, day: day.day, clock) }
        let days = CivilDate.days(year: day.year, month: day.month, day: day.day)
        return Double(days * 86400 + clock.hour * 3600 + clock.minute * 60 - offset) + clock.second
    }

    /// `HH:MM` or `HH:MM:SS[.fff]`.
    private static func clockTime(_ text: Substring) -> (hour: Int, minute: Int, second: Double)? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, parts[0].count == 2, parts[1].count == 2,
              let hour = Int(parts[0]), let minute = Int(parts[1]), (0..<24).contains(hour), (0..<60).contains(minute)
        else { return nil }
        var second = 0.0
        if parts.count == 3 {
            guard parts[2].count >= 2, parts[2].allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
                  let value = Double(parts[2]), value >= 0, value < 61 else { return nil }
            second = value
        }
        return (hour, minute, second)
    }

    /// `YYYY-MM-DD`, a real day.
    private static func civilDay(_ text: Substring) -> (year: Int, month: Int, day: Int)? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) else { return nil }
        let date = CivilDate.date(fromDays: CivilDate.days(year: year, month: month, day: day))
        guard date.year == year, date.month == month, date.day == day else { return nil }
        return (year, month, day)
    }

    /// `+01:00`, `-0530`, `+01`.
    private static func offsetSeconds(_ text: Substring) -> Int? {
        let sign = text.first == "-" ? -1 : 1
        let digits = text.dropFirst().filter { $0 != ":" }
        guard digits.count == 2 || digits.count == 4, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              let hours = Int(digits.prefix(2)), let minutes = Int(digits.dropFirst(2).isEmpty ? "0" : String(digits.dropFirst(2))),
              hours < 24, minutes < 60 else { return nil }
        return sign * (hours * 3600 + minutes * 60)
    }

    /// The local calendar day of `date` (the zone in `TZ`, else /etc/localtime).
    private static func localDate(of date: Date) -> (year: Int, month: Int, day: Int) {
        var time = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        localtime_r(&time, &parts)
        return (Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday))
    }

    /// A local wall-clock time as seconds since 1970 (`mktime`, which knows the zone's daylight saving).
    private static func local(year: Int, month: Int, day: Int, _ clock: (hour: Int, minute: Int, second: Double)) -> Double? {
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(clock.hour)
        parts.tm_min = Int32(clock.minute)
        parts.tm_sec = 0
        parts.tm_isdst = -1
        let seconds = mktime(&parts)
        guard seconds != -1 else { return nil }
        return Double(seconds) + clock.second
    }
}
