#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import CoroqProtocol
#if canImport(Glibc)
import Glibc
#endif

/// What stdout is: a person's terminal (colors, a live progress line) or a pipe (plain lines).
enum Terminal {
    static let isInteractive = isatty(STDOUT_FILENO) == 1

    /// Colors only on a terminal, and never with NO_COLOR set (https://no-color.org).
    static let usesColor = isInteractive && (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty

    enum Color: String {
        case red = "31", green = "32", yellow = "33", dim = "2", bold = "1"
    }

    static func paint(_ text: String, _ color: Color) -> String {
        usesColor ? "\u{1B}[\(color.rawValue)m\(text)\u{1B}[0m" : text
    }

    /// A task state, colored by what it means.
    static func state(_ state: TaskInfo.State) -> String {
        switch state {
        case .succeeded: paint(state.rawValue, .green)
        case .failed: paint(state.rawValue, .red)
        case .running, .interrupted: paint(state.rawValue, .yellow)
        case .queued, .blocked, .pending, .scheduled, .cancelled, .unknown: paint(state.rawValue, .dim)
        }
    }

    /// Rewrites the current line (progress): only on a terminal.
    static func progress(_ text: String) {
        guard isInteractive else { return }
        StandardIO.write("\r\u{1B}[2K\(text)", to: STDOUT_FILENO)
    }

    static func clearProgress() {
        guard isInteractive else { return }
        StandardIO.write("\r\u{1B}[2K", to: STDOUT_FILENO)
    }

    /// Length of `text` as shown (without color codes).
    static func visibleCount(_ text: String) -> Int {
        var count = 0
        var inEscape = false
        for character in text {
            if character == "\u{1B}" { inEscape = true } else if inEscape { if character == "m" { inEscape = false } } else { count += 1 }
        }
        return count
    }
}
