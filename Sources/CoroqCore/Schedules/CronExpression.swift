/// A cron expression as crontab(5) has it: five fields — minute, hour, day of month, month, day of week —
/// each `*`, a number, a range `a-b`, a step `*/n` or `a-b/n`, or a list of those; month and weekday names
/// (`jan`, `mon`); weekday 0 or 7 for Sunday; and the names `@yearly` (`@annually`), `@monthly`, `@weekly`,
/// `@daily` (`@midnight`) and `@hourly`. When both day fields are restricted a day matching either runs
/// (as Vixie cron does). Matching is on wall-clock time in a time zone: `CronSchedule`.
public struct CronExpression: Sendable, Equatable, CustomStringConvertible {
    /// Allowed values per field, as bit sets.
    let minutes: UInt64
    let hours: UInt64
    let days: UInt64
    let months: UInt64
    let weekdays: UInt64
    /// True when the field was `*` (or `*/n`): then only the other day field decides.
    let anyDay: Bool
    let anyWeekday: Bool
    public let description: String

    public init(_ text: String) throws(CronSyntaxError) {
        let trimmed = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let expanded = Self.nicknames[trimmed.lowercased()] ?? trimmed
        if trimmed.hasPrefix("@") && Self.nicknames[trimmed.lowercased()] == nil {
            throw CronSyntaxError(expression: text, field: nil, problem:
                "unknown name \(trimmed): use @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly")
        }
        let fields = expanded.split(separator: " ").map(String.init)
        guard fields.count == 5 else {
            throw CronSyntaxError(expression: text, field: nil, problem:
                "expected 5 fields (minute hour day-of-month month day-of-week), found \(fields.count)")
        }
        minutes = try Self.parse(fields[0], .minute, in: text)
        hours = try Self.parse(fields[1], .hour, in: text)
        days = try Self.parse(fields[2], .dayOfMonth, in: text)
        months = try Self.parse(fields[3], .month, in: text)
        var weekdays = try Self.parse(fields[4], .dayOfWeek, in: text)
        if weekdays & (1 << 7) != 0 { weekdays = (weekdays | 1) & ~(1 << 7) }  // 7 is Sunday too
        self.weekdays = weekdays
        anyDay = fields[2].hasPrefix("*")
        anyWeekday = fields[4].hasPrefix("*")
        description = trimmed
    }

    /// True when the wall-clock minute matches.
    func matches(_ time: CivilMinute) -> Bool {
        minutes.contains(time.minute) && hours.contains(time.hour) && months.contains(time.month) && matchesDay(time)
    }

    func matchesDay(_ time: CivilMinute) -> Bool {
        let day = days.contains(time.day)
        let weekday = weekdays.contains(time.weekday)
        switch (anyDay, anyWeekday) {
        case (true, true): return true
        case (false, true): return day
        case (true, false): return weekday
        case (false, false): return day || weekday
        }
    }

    static let nicknames = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
        "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]

    enum Field: String {
        case minute, hour
        case dayOfMonth = "day of month"
        case month
        case dayOfWeek = "day of week"

        var range: ClosedRange<Int> {
            switch self {
            case .minute: 0...59
            case .hour: 0...23
            case .dayOfMonth: 1...31
            case .month: 1...12
            case .dayOfWeek: 0...7
            }
        }

        var names: [String] {
            switch self {
            case .month: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
            case .dayOfWeek: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
            default: []
            }
        }

        /// The value of a number or a name.
        func value(_ text: Substring) -> Int? {
            if let number = Int(text), range.contains(number) { return number }
            guard let index = names.firstIndex(of: text.lowercased()) else { return nil }
            return self == .month ? index + 1 : index
        }
    }

    private static func parse(_ text: String, _ field: Field, in expression: String) throws(CronSyntaxError) -> UInt64 {
        func fail(_ problem: String) -> CronSyntaxError {
            CronSyntaxError(expression: expression, field: field.rawValue, problem: problem)
        }
        let span = "\(field.range.lowerBound)-\(field.range.upperBound)" + (field.names.isEmpty ? "" : " or a name such as \(field.names[0])")
        var bits: UInt64 = 0
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = part.split(separator: "/", omittingEmptySubsequences: false)
            guard pieces.count <= 2, !pieces[0].isEmpty else { throw fail("'\(part)' is not a value, range or step") }
            var step = 1
            if pieces.count == 2 {
                guard let parsed = Int(pieces[1]), parsed > 0 else { throw fail("step '\(pieces[1])' must be a positive number") }
                step = parsed
            }
            var low: Int
            var high: Int
            if pieces[0] == "*" {
                (low, high) = (field.range.lowerBound, field == .dayOfWeek ? 6 : field.range.upperBound)
            } else {
                let bounds = pieces[0].split(separator: "-", omittingEmptySubsequences: false)
                guard bounds.count <= 2, let first = field.value(bounds[0]) else {
                    throw fail("'\(pieces[0])' is not in \(span)")
                }
                low = first
                high = first
                if bounds.count == 2 {
                    guard let last = field.value(bounds[1]) else { throw fail("'\(bounds[1])' is not in \(span)") }
                    guard last >= first else { throw fail("range '\(pieces[0])' goes backwards") }
                    high = last
                } else if pieces.count == 2 {
                    high = field == .dayOfWeek ? 6 : field.range.upperBound  // `5/15`: from 5 on
                }
            }
            for value in stride(from: low, through: high, by: step) { bits |= 1 << UInt64(value) }
        }
        return bits
    }
}

/// A cron expression that does not parse: where, and what is expected.
public struct CronSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public let expression: String
    /// The field at fault (`minute`, `hour`, `day of month`, `month`, `day of week`), nil for the whole.
    public let field: String?
    public let problem: String

    public var description: String {
        "cron expression '\(expression)'" + (field.map { ", \($0) field" } ?? "") + ": \(problem)"
    }
}
