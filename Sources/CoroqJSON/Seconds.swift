/// Limits for a number of seconds given by a user (a sleep, a timeout, a grace period).
public enum Seconds {
    /// About 31 years. `Duration` and `Task.sleep` trap on values far above this (near 9.2e18 s), so every
    /// user-given duration is checked against it before it reaches them.
    public static let maximum: Double = 1e9

    /// True for a finite number from 0 to `maximum`.
    public static func isValid(_ value: Double) -> Bool {
        value.isFinite && value >= 0 && value <= maximum
    }

    /// The value as a `Duration`, clamped to 0…`maximum` (a stored value from an older build, or a
    /// deadline computed from the clock, can fall outside).
    public static func duration(_ value: Double) -> Duration {
        guard value.isFinite else { return value > 0 ? .seconds(maximum) : .zero }
        return .seconds(min(max(value, 0), maximum))
    }

    /// A `Duration` as a number of seconds, fractions included.
    public static func of(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Reads a duration written for people: `90`, `1.5s`, `30m`, `12h`, `7d`, `2w` (seconds when no unit).
    public static func parse(_ text: String) -> Double? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604_800]
        var number = Substring(trimmingBlanks(text))
        var factor = 1.0
        if let last = number.last, let unit = units[last] {
            factor = unit
            number = number.dropLast()
        }
        guard let value = Double(number) else { return nil }
        let seconds = value * factor
        return isValid(seconds) ? seconds : nil
    }

    /// `text` without leading and trailing blanks: tabs and Unicode space separators (category Zs), as
    /// Foundation's `CharacterSet.whitespaces`, which is not in FoundationEssentials.
    private static func trimmingBlanks(_ text: String) -> String {
        func isBlank(_ scalar: Unicode.Scalar) -> Bool {
            scalar == "\t" || scalar.properties.generalCategory == .spaceSeparator
        }
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isBlank($0) }),
              let last = scalars.lastIndex(where: { !isBlank($0) }) else { return "" }
        return String(scalars[first...last])
    }
}
