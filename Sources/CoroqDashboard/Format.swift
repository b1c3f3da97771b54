import CoroqJSON
import CoroqProtocol
import Foundation

/// Small pieces every page uses: states, times, excerpts, progress bars.
enum Format {
    static func state(_ state: TaskInfo.State) -> String {
        "<span class=\"state state-\(HTML.escape(state.rawValue))\">\(HTML.escape(state.rawValue))</span>"
    }

    /// A time as UTC `2026-12-01 19:40:05`.
    static func time(_ seconds: Double?) -> String {
        guard let seconds else { return "<span class=\"muted\">–</span>" }
        let date = Date(timeIntervalSince1970: seconds)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ n: Int?) -> String { String(n ?? 0).leftPadded(to: 2) }
        return "\(c.year ?? 0)-\(two(c.month))-\(two(c.day)) \(two(c.hour)):\(two(c.minute)):\(two(c.second))"
    }

    static func duration(from start: Double?, to end: Double?) -> String {
        guard let start, let end, end >= start else { return "" }
        let seconds = end - start
        if seconds < 1 { return "\(Int(seconds * 1000)) ms" }
        if seconds < 120 { return String(format: "%.1f s", seconds) }
        return "\(Int(seconds / 60)) min"
    }

    /// JSON text, escaped; cut to `limit` characters with an ellipsis.
    static func json(_ value: JSONValue?, limit: Int = 200) -> String {
        guard let value else { return "" }
        let text = value.jsonText
        return HTML.escape(text.count > limit ? String(text.prefix(limit)) + "…" : text)
    }

    static func progress(_ progress: ProgressInfo?) -> String {
        guard let progress else { return "<span class=\"muted\">–</span>" }
        let note = progress.note.map { " <span class=\"muted\">\(HTML.escape($0))</span>" } ?? ""
        guard let fraction = progress.fraction else { return note }
        let percent = Int((min(max(fraction, 0), 1) * 100).rounded())
        return "<span class=\"bar\" role=\"progressbar\" aria-valuenow=\"\(percent)\"><span style=\"width:\(percent)%\"></span></span> \(percent)%\(note)"
    }

    static func taskLink(_ id: Int64) -> String { "<a href=\"/tasks/\(id)\">#\(id)</a>" }
}
