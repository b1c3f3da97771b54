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

    /// Reads a duration written for people: `90` or `1.5` (seconds), `500ms`, `30s`, `5m`, `2h`, `1d`, `2w`,
    /// and sums of them such as `1h30m` or `2m30s`. Nil for anything else, or beyond `maximum`.
    public static func parse(_ text: String) -> Double? {
        let text = trimmingBlanks(text)
        if let plain = Double(text), !text.contains(where: \.isLetter) {
            return isValid(plain) ? plain : nil
        }
        var rest = Substring(text)
        var total = 0.0
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { $0.isASCII && $0.isLetter }
            rest = rest.dropFirst(unit.count)
            guard let value = Double(number), let factor = unitSeconds[String(unit)] else { return nil }
            total += value * factor
        }
        return isValid(total) ? total : nil
    }

    /// What `parse` takes, for an error message: "expected a duration such as …".
    public static let expected = "a duration such as 500ms, 30s, 5m, 2h, 1d, 1h30m or a number of seconds"

    /// `parse`, throwing `DurationSyntaxError` (for an argument parser's `transform`).
    public static func parsing(_ text: String) throws -> Double {
        guard let seconds = parse(text) else { throw DurationSyntaxError(text: text) }
        return seconds
    }

    private static let unitSeconds: [String: Double] = [
        "ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604_800,
    ]

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


/// A duration that `Seconds.parse` does not read.
public struct DurationSyntaxError: Error, CustomStringConvertible {
    public let text: String

    public init(text: String) {
        self.text = text
    }

    public var description: String {
        "'\(text)' is not a duration: expected \(Seconds.expected), up to \(Int(Seconds.maximum)) seconds"
    }
}
