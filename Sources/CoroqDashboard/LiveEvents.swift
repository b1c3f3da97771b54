import CoroqServer
import CoroqStore
import Hummingbird
import NIOCore
import ServiceLifecycle

/// Server-sent events: a page's live part, rendered again after the database changed (`ChangeSignal`,
/// raised by each committed write batch) and sent when it differs from the last one sent. At most one
/// render per `interval` per open page, however many commits, and pages showing the same thing share a
/// render made since the last commit (`RenderCache`); a comment every 15 s finds closed pages.
/// Ends at the daemon's graceful shutdown.
enum LiveEvents {
    /// The least time between two renders for one open page. The first change after a quiet spell is
    /// rendered at once; under a steady stream of commits a page is brought up to date once a second.
    static let interval: Duration = .seconds(1)

    /// A page with nothing new to send for this long gets a comment, so that a closed one is found.
    static let heartbeat: Duration = .seconds(15)

    /// The page's stream consumes the change signals itself: while it waits out `interval` after a render,
    /// further signals only replace the one buffered (no task is woken per commit), so a busy daemon pays
    /// one wake per open page per `interval`. The dashboard raises the signal every `heartbeat` too
    /// (`DashboardService`).
    static func response(changes: ChangeSignal, render: @escaping @Sendable () async -> String?) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody { writer in
                let (token, signals) = changes.watch()
                defer { changes.unwatch(token) }
                try? await withGracefulShutdownHandler {
                    try await stream(signals: signals, render: render, writer: &writer)
                } onGracefulShutdown: {
                    changes.unwatch(token)
                }
                try? await writer.finish(nil)
            })
    }

    private static func stream(
        signals: AsyncStream<Void>, render: @Sendable () async -> String?, writer: inout any ResponseBodyWriter
    ) async throws {
        try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
        // What changed between the page's own render and this connection is sent at once.
        var last = await render() ?? ""
        try await writer.write(ByteBuffer(string: event("page", last)))
        var lastWrite = ContinuousClock.now
        for await _ in signals {
            try Task.checkCancellation()
            guard let html = await render() else { return }
            if html != last {
                try await writer.write(ByteBuffer(string: event("page", html)))
                last = html
                lastWrite = .now
            } else if lastWrite.duration(to: .now) >= heartbeat {
                try await writer.write(ByteBuffer(string: ": still here\n\n"))
                lastWrite = .now
            }
            try await Task.sleep(for: interval)
        }
    }

    /// One event: each line of `data` as its own `data:` line (the browser joins them with newlines).
    static func event(_ name: String, _ data: String) -> String {
        var text = "event: \(name)\n"
        for line in data.split(separator: "\n", omittingEmptySubsequences: false) {
            text += "data: \(line.hasSuffix("\r") ? line.dropLast() : line)\n"
        }
        return text + "\n"
    }

    /// A task's log: what the file holds, then what is written as it is written (the output hub's wakes),
    /// as `log` events of JSON strings; an `end` event once the task finished and the file is sent whole.
    static func log(view: DaemonView, id: Int64) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody { writer in
                let (wakes, stop) = view.logActivity(id)
                defer { stop() }
                try? await withGracefulShutdownHandler {
                    var offset: Int64 = 0
                    try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
                    var finished = false
                    var iterator = wakes.makeAsyncIterator()
                    repeat {
                        finished = (try? await view.task(id))?.state.isFinal ?? true
                        while true {
                            let (text, end) = await view.log(id, from: offset, final: finished)
                            guard end > offset else { break }
                            try await writer.write(ByteBuffer(string: event("log", jsonString(text))))
                            offset = end
                        }
                        if finished { break }
                    } while await iterator.next() != nil
                    try await writer.write(ByteBuffer(string: event("end", "{}")))
                } onGracefulShutdown: {
                    stop()
                }
                try? await writer.finish(nil)
            })
    }

    /// `text` as a JSON string literal (for `JSON.parse` in the page).
    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if scalar.value < 0x20 {
                    out += "\\u" + String(scalar.value, radix: 16).leftPadded(to: 4)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
