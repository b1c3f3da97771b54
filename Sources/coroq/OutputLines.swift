#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Lines for stdout gathered and written together: `coroq wait` prints a line per finished task, and a
/// write(2) each cost more than the rest of the line's handling. Flush whenever nothing more is at hand.
struct OutputLines {
    private var text = ""

    mutating func append(_ line: String) {
        text += line
        text += "\n"
        if text.utf8.count >= 64 * 1024 { flush() }
    }

    mutating func flush() {
        guard !text.isEmpty else { return }
        StandardIO.write(text, to: STDOUT_FILENO)
        text = ""
    }
}
