import CoroqCore

/// A command as coroqd.toml's `[jobs.NAME]` writes it: an argv whose words may hold `{name}` placeholders,
/// filled from a task's arguments. Never run through a shell unless the template itself says so; and then
/// a value is never put into the script, only passed as a positional parameter (`"$1"`), so that a value
/// such as `$(rm -rf ~)` stays text.
///
/// ```toml
/// [jobs.sync]
/// command = ["rsync", "-a", "{source}/", "{target}"]
/// [jobs.archive]
/// command = ["sh", "-c", "tar czf \"$1\" -C \"$2\" .", "archive", "{file}", "{directory}"]
/// ```
public struct CommandTemplate: Sendable, Equatable {
    public let words: [String]
    /// Every placeholder name, in order of first use.
    public let placeholders: [String]

    public init(_ words: [String]) throws(InvalidArguments) {
        guard let command = words.first, !command.isEmpty else {
            throw InvalidArguments("command needs at least the program to run, e.g. command = [\"rsync\", \"-a\", \"{source}\", \"{target}\"]")
        }
        guard !Self.parts(command).contains(where: \.isPlaceholder) else {
            throw InvalidArguments("the program itself (\(command)) cannot be a placeholder: name the program in the template")
        }
        var names: [String] = []
        for (index, word) in words.enumerated() {
            for case .placeholder(let name) in Self.parts(word) {
                guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }), !name.isEmpty else {
                    throw InvalidArguments("placeholder {\(name)} in word \(index + 1): a name is letters, digits, '_' and '-'")
                }
                if Self.isShellScript(words, at: index) {
                    throw InvalidArguments(
                        "placeholder {\(name)} is inside a shell script (word \(index + 1)): a value put into a script could run as code; pass it as a positional parameter instead: [\"sh\", \"-c\", \"… \\\"$1\\\" …\", \"sh\", \"{\(name)}\"]")
                }
                if !names.contains(name) { names.append(name) }
            }
        }
        self.words = words
        placeholders = names
    }

    /// The argv with each placeholder replaced by its value, as text, within its word. Refuses a missing
    /// value and a value for no placeholder (a misspelt name).
    public func argv(_ values: [String: String]) throws(InvalidArguments) -> [String] {
        if let missing = placeholders.first(where: { values[$0] == nil }) {
            throw InvalidArguments("no value for {\(missing)}: give \(placeholders.map { "\($0)=…" }.joined(separator: " "))")
        }
        if let unknown = values.keys.sorted().first(where: { !placeholders.contains($0) }) {
            let known = placeholders.isEmpty ? "it takes none" : "it takes \(placeholders.joined(separator: ", "))"
            throw InvalidArguments("'\(unknown)' is not a placeholder of this job's command; \(known)")
        }
        return words.map { word in
            Self.parts(word).map { part in
                switch part {
                case .text(let text): text
                case .placeholder(let name): values[name]!
                }
            }.joined()
        }
    }

    enum Part: Equatable {
        case text(String)
        case placeholder(String)

        var isPlaceholder: Bool {
            if case .placeholder = self { return true }
            return false
        }
    }

    /// `a{b}c` as text `a`, placeholder `b`, text `c`. `{{` and `}}` stand for a brace.
    static func parts(_ word: String) -> [Part] {
        var parts: [Part] = []
        var text = ""
        var index = word.startIndex
        while index < word.endIndex {
            let character = word[index]
            let next = word.index(after: index)
            if character == "{", next < word.endIndex, word[next] == "{" {
                text.append("{")
                index = word.index(after: next)
            } else if character == "}", next < word.endIndex, word[next] == "}" {
                text.append("}")
                index = word.index(after: next)
            } else if character == "{", let close = word[next...].firstIndex(of: "}") {
                if !text.isEmpty { parts.append(.text(text)) }
                text = ""
                parts.append(.placeholder(String(word[next..<close])))
                index = word.index(after: close)
            } else {
                text.append(character)
                index = next
            }
        }
        if !text.isEmpty || parts.isEmpty { parts.append(.text(text)) }
        return parts
    }

    /// True when word `index` is the script of a shell's `-c` (`sh -c SCRIPT`, `bash -lc SCRIPT`, also
    /// after `env` or `/usr/bin/env`).
    static func isShellScript(_ words: [String], at index: Int) -> Bool {
        let shells: Set<String> = ["sh", "bash", "dash", "zsh", "ksh", "fish", "busybox"]
        var start = 0
        while start < words.count, ["env", "/usr/bin/env", "/bin/env"].contains(words[start]) { start += 1 }
        guard start < words.count, shells.contains(String(words[start].split(separator: "/").last ?? "")) else { return false }
        // The script is the first word after an option cluster that contains `c`.
        var position = start + 1
        while position < words.count, words[position].hasPrefix("-") {
            if words[position].dropFirst().contains("c") && !words[position].hasPrefix("--") {
                return index == position + 1
            }
            position += 1
        }
        return false
    }
}
