import Foundation

/// When a schedule fires: a cron expression in a time zone, or a fixed interval.
public enum FiringRule: Sendable, Equatable, CustomStringConvertible {
    case cron(CronExpression, TimeZone)
    /// Every `seconds`, counted from `anchor` (the schedule's creation): firings at anchor + k × seconds.
    case interval(seconds: Double, anchor: Date)

    /// The first firing strictly after `instant`; nil when there is none (a cron date that never comes,
    /// such as `0 0 30 2 *`).
    public func nextFiring(after instant: Date) -> Date? {
        switch self {
        case .cron(let expression, let zone):
            return CronSearch(expression: expression, zone: zone).next(after: instant)
        case .interval(let seconds, let anchor):
            guard seconds > 0 else { return nil }
            let elapsed = instant.timeIntervalSince(anchor)
            let periods = elapsed < 0 ? 0 : (elapsed / seconds).rounded(.down) + 1
            return anchor.addingTimeInterval(periods * seconds)
        }
    }

    public var description: String {
        switch self {
        case .cron(let expression, let zone): "cron '\(expression)' (\(zone.identifier))"
        case .interval(let seconds, _): "every \(Self.describe(seconds))"
        }
    }

    static func describe(_ seconds: Double) -> String {
        if seconds >= 86400, seconds.truncatingRemainder(dividingBy: 86400) == 0 { return "\(Int(seconds / 86400))d" }
        if seconds >= 3600, seconds.truncatingRemainder(dividingBy: 3600) == 0 { return "\(Int(seconds / 3600))h" }
        if seconds >= 60, seconds.truncatingRemainder(dividingBy: 60) == 0 { return "\(Int(seconds / 60))m" }
        if seconds == seconds.rounded() { return "\(Int(seconds))s" }
        return "\(Int((seconds * 1000).rounded()))ms"
    }
}

/// The next wall-clock minute a cron expression matches, turned into an instant in a zone.
///
/// Daylight saving: a minute that does not exist (skipped when clocks go forward) fires at the moment the
/// clocks jump — once, however many of its minutes matched; a minute that happens twice (clocks go back)
/// fires at its first occurrence only (searching on wall time from the last firing skips the repeat).
struct CronSearch {
    let expression: CronExpression
    let zone: TimeZone

    /// Enough steps for any expression that can match (a leap day is at most 8 years away, each step
    /// skips a minute, an hour, a day or a month); an expression that never matches gives up here.
    static let maximumSteps = 100_000

    func next(after instant: Date) -> Date? {
        let seconds = Int(instant.timeIntervalSince1970.rounded(.down))
        var wall = CivilMinute(secondsSince1970: seconds, offset: zone.secondsFromGMT(for: instant))
        wall.nextMinute()
        for _ in 0..<Self.maximumSteps {
            if !expression.months.contains(wall.month) {
                wall.nextMonth()
            } else if !expression.matchesDay(wall) {
                wall.nextDay()
            } else if !expression.hours.contains(wall.hour) {
                wall.nextHour()
            } else if !expression.minutes.contains(wall.minute) {
                wall.nextMinute()
            } else {
                if let firing = instants(of: wall).first(where: { $0 > instant }) { return firing }
                wall.nextMinute()
            }
        }
        return nil
    }

    /// The instants at which `wall` is the local time: one, two (clocks went back), or none (clocks went
    /// forward over it: then the moment of the jump).
    func instants(of wall: CivilMinute) -> [Date] {
        let naive = wall.naiveSeconds
        let before = zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(naive - 86400)))
        let after = zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(naive + 86400)))
        let valid = Set([before, after]).compactMap { offset -> Int? in
            let instant = naive - offset
            return zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(instant))) == offset ? instant : nil
        }.sorted()
        if !valid.isEmpty { return valid.map { Date(timeIntervalSince1970: Double($0)) } }
        return [Date(timeIntervalSince1970: Double(transition(from: naive - 86400, to: naive + 86400)))]
    }

    /// The first second in `low…high` whose offset is that of `high` (one transition in between).
    private func transition(from low: Int, to high: Int) -> Int {
        let target = zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(high)))
        var (low, high) = (low, high)
        while high - low > 1 {
            let middle = (low + high) / 2
            if zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(middle))) == target {
                high = middle
            } else {
                low = middle
            }
        }
        return high
    }
}

extension UInt64 {
    func contains(_ value: Int) -> Bool { self & (1 << UInt64(value)) != 0 }
}
