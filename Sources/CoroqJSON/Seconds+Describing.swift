extension Seconds {
    /// Seconds as people write them, the way `parse` reads them back: `500ms`, `30s`, `1m30s`, `2h`, `1.5s`.
    public static func describe(_ seconds: Double) -> String {
        if seconds < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
        guard seconds == seconds.rounded(), seconds < maximum else { return "\(seconds)s" }
        var rest = Int(seconds)
        var text = ""
        for (unit, size) in [("d", 86400), ("h", 3600), ("m", 60)] where rest >= size {
            text += "\(rest / size)\(unit)"
            rest %= size
        }
        return rest > 0 || text.isEmpty ? text + "\(rest)s" : text
    }
}
