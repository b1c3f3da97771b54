import Foundation

/// Hostile request lines for coroqd's framing and dispatch, from a seeded generator: random bytes, truncated
/// and mutated valid requests for every method, a wrong type in every param, huge numbers, deep nesting,
/// invalid UTF-8, NULs, lines near and above the frame limit. A frame never holds a newline (the writer joins
/// them with one); `kind` names how it was made, for the failure message.
public struct HostileFrame: Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, CaseIterable {
        case valid, randomBytes, truncated, mutated, wrongType, hugeNumber, deepNesting, invalidUTF8, nul
        case nearLimit, overLimit, batch
    }

    public var kind: Kind
    public var bytes: [UInt8]

    /// The decoder's view: a line over the limit is skipped and answered `frame_too_large`.
    public func isOversized(limit: Int) -> Bool { bytes.count > limit }

    /// Blank lines (spaces and tabs, a trailing `\r` dropped) are skipped without an answer.
    public var isBlank: Bool {
        var line = bytes[...]
        if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
        return line.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
    }

    public var description: String {
        let head = bytes.prefix(160).map { $0 >= 0x20 && $0 < 0x7F ? String(UnicodeScalar($0)) : "\\x\(String($0, radix: 16))" }
        return "\(kind) (\(bytes.count) bytes): \(head.joined())\(bytes.count > 160 ? "…" : "")"
    }
}

/// Makes `HostileFrame`s. Requests that would act outside the daemon are kept harmless: `backup`'s path is
/// inside `scratchDirectory` and is never mutated byte by byte, submits run `noop` and carry no `on_done`.
public struct HostileFrames: Sendable {
    public let maximumFrameLength: Int
    let templates: [(method: String, params: [(String, String)]?)]
    private var nextID = 0

    public init(maximumFrameLength: Int, scratchDirectory: String) {
        self.maximumFrameLength = maximumFrameLength
        templates = [
            ("hello", [("protocol_version", "1"), ("client", #""fuzz""#)]),
            ("submit", [("tasks", #"[{"job":"noop","args":{"n":1}}]"#)]),
            ("wait", [("ids", "[1]")]),
            ("status", [("limit", "5")]),
            ("status", nil),
            ("get", [("id", "1")]),
            ("show", [("id", "1")]),
            ("cancel", [("id", "1"), ("reason", #""fuzz""#)]),
            ("retry", [("id", "1")]),
            ("clean", [("older_than", "86400"), ("states", #"["succeeded"]"#)]),
            ("backup", [("path", "\"\(scratchDirectory)/backup.db\"")]),
            ("logs", [("id", "1")]),
            ("jobs", nil),
            ("step.get", [("task", "1"), ("name", #""s""#)]),
            ("step.record", [("task", "1"), ("name", #""s""#), ("exit_status", "0"), ("started_at", "1"), ("finished_at", "2")]),
        ]
    }

    /// One frame of a kind chosen at random.
    public mutating func frame(using random: inout SeededGenerator) -> HostileFrame {
        let kind = HostileFrame.Kind.allCases.randomElement(using: &random)!
        return HostileFrame(kind: kind, bytes: bytes(of: kind, using: &random))
    }

    /// 1 to `most` frames for one write (joined by newlines, with the last newline), or once in 20 a burst
    /// of 40 to 80 short broken ones (whose answers are short errors, so that a client that reads only
    /// after writing does not stall against the daemon's backpressure).
    public mutating func write(mostFrames most: Int, using random: inout SeededGenerator) -> [HostileFrame] {
        guard Int.random(in: 0 ..< 20, using: &random) != 0 else {
            return (0 ..< Int.random(in: 40 ... 80, using: &random)).map { _ in
                let kind = Bool.random(using: &random) ? HostileFrame.Kind.randomBytes : .truncated
                return HostileFrame(kind: kind, bytes: bytes(of: kind, using: &random))
            }
        }
        return (0 ..< Int.random(in: 1 ... most, using: &random)).map { _ in frame(using: &random) }
    }

    private mutating func bytes(of kind: HostileFrame.Kind, using random: inout SeededGenerator) -> [UInt8] {
        let index = Int.random(in: 0 ..< templates.count, using: &random)
        switch kind {
        case .valid: return request(index)
        case .randomBytes: return (0 ..< Int.random(in: 0 ... 300, using: &random)).map { _ in Self.notNewline(&random) }
        case .truncated:
            let whole = request(index)
            return Array(whole.prefix(Int.random(in: 0 ..< whole.count, using: &random)))
        case .mutated: return mutated(request(mutable(index)), using: &random)
        case .wrongType: return wrongType(index, using: &random)
        case .hugeNumber: return hugeNumber(index, using: &random)
        case .deepNesting: return deepNesting(index, using: &random)
        case .invalidUTF8: return invalidUTF8(index, using: &random)
        case .nul: return nul(index, using: &random)
        case .nearLimit: return padded(request(index), to: maximumFrameLength - Int.random(in: 0 ... 2, using: &random))
        case .overLimit: return padded(request(index), to: maximumFrameLength + Int.random(in: 1 ... 3000, using: &random))
        case .batch: return batch(using: &random)
        }
    }

    /// The template's request with a fresh id (a number or a string).
    private mutating func request(_ index: Int, params override: [(String, String)]? = nil, method: String? = nil) -> [UInt8] {
        nextID += 1
        let template = templates[index]
        let id = nextID % 3 == 0 ? "\"f\(nextID)\"" : "\(nextID)"
        var text = #"{"jsonrpc":"2.0","id":\#(id),"method":"\#(method ?? template.method)""#
        if let params = override ?? template.params {
            text += #","params":{"# + params.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
        }
        return Array((text + "}").utf8)
    }

    /// `backup` is not mutated byte by byte: a changed path could name a file outside the scratch directory.
    private func mutable(_ index: Int) -> Int {
        templates[index].method == "backup" ? 0 : index
    }

    private func mutated(_ bytes: [UInt8], using random: inout SeededGenerator) -> [UInt8] {
        var bytes = bytes
        for _ in 0 ..< Int.random(in: 1 ... 4, using: &random) {
            let at = Int.random(in: 0 ..< max(1, bytes.count), using: &random)
            switch Int.random(in: 0 ..< 3, using: &random) {
            case 0 where !bytes.isEmpty: bytes[at] = Self.notNewline(&random)
            case 1: bytes.insert(Self.notNewline(&random), at: min(at, bytes.count))
            default: if !bytes.isEmpty { bytes.remove(at: at) }
            }
        }
        return bytes
    }

    /// One param (or the whole `params`) replaced by a value of another JSON type.
    private mutating func wrongType(_ index: Int, using random: inout SeededGenerator) -> [UInt8] {
        guard var params = templates[index].params, !params.isEmpty, Bool.random(using: &random) else {
            let whole = ["1", #""params""#, "true", "null"].randomElement(using: &random)!
            var text = String(decoding: request(index, params: []), as: UTF8.self)
            text = text.replacingOccurrences(of: #""params":{}"#, with: #""params":\#(whole)"#)
            return Array(text.utf8)
        }
        let member = Int.random(in: 0 ..< params.count, using: &random)
        let original = params[member].1
        let candidates = ["true", "null", "-1", "1.5", "0", "\"x\"", "[]", "{}", "[1,\"a\"]", #"{"a":[null]}"#, "1e400"]
            .filter { $0.first != original.first && !(original.first == "\"" && $0.first == "\"") }
        params[member].1 = candidates.randomElement(using: &random)!
        return request(index, params: params)
    }

    private mutating func hugeNumber(_ index: Int, using random: inout SeededGenerator) -> [UInt8] {
        let huge = ["9223372036854775808", "-9223372036854775809", "1e308", "1e309", "-1e309", "123456789012345678901234567890",
                    "0.0000000000000000000000000001", "4294967296", "2147483648", "-0", "1E+2", String(repeating: "9", count: 2000)]
            .randomElement(using: &random)!
        var params = templates[index].params ?? [("id", "1")]
        params[Int.random(in: 0 ..< params.count, using: &random)].1 = huge
        if Bool.random(using: &random) {  // the request's id itself
            let text = String(decoding: request(index, params: params), as: UTF8.self)
            return Array(text.replacingOccurrences(of: #""id":"#, with: #""id":\#(huge),"x":"#).utf8)
        }
        return request(index, params: params)
    }

    private mutating func deepNesting(_ index: Int, using random: inout SeededGenerator) -> [UInt8] {
        let depth = [64, 512, 1000, 5000, 100_000].randomElement(using: &random)!
        let open = Bool.random(using: &random) ? "[" : #"{"a":"#
        let close = open == "[" ? "]" : "}"
        let nested = String(repeating: open, count: depth) + "1" + String(repeating: close, count: depth)
        switch Int.random(in: 0 ..< 3, using: &random) {
        case 0: return Array(nested.utf8)
        case 1:
            var params = templates[index].params ?? [("x", "1")]
            params[Int.random(in: 0 ..< params.count, using: &random)].1 = nested
            return request(index, params: params)
        default: return Array(String(repeating: open, count: depth).utf8)  // never closed
        }
    }

    private mutating func invalidUTF8(_ index: Int, using random: inout SeededGenerator) -> [UInt8] {
        let bad: [[UInt8]] = [[0xFF], [0xC3, 0x28], [0xE2, 0x82], [0xF0, 0x9F, 0x98], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xF8, 0x88, 0x80, 0x80, 0x80]]
        var bytes = request(mutable(index))
        // Inside a string when there is one (the method name, a param), else anywhere.
        let quotes = bytes.indices.filter { bytes[$0] == UInt8(ascii: "\"") }
        let at = quotes.count > 1 && Bool.random(using: &random) ? quotes.randomElement(using: &random)! + 1
            : Int.random(in: 0 ... bytes.count, using: &random)
        bytes.insert(contentsOf: bad.randomElement(using: &random)!, at: min(at, bytes.count))
        return bytes
    }

    private mutating func nul(_ index: Int, using random: inout SeededGenerator) -> [UInt8] {
        var bytes = request(mutable(index))
        let at = Int.random(in: 0 ... bytes.count, using: &random)
        bytes.insert(contentsOf: Bool.random(using: &random) ? [0] : Array(#"\u0000"#.utf8), at: at)
        return bytes
    }

    /// A request whose `client`/`reason`-like padding member makes the line exactly `length` bytes long
    /// (padding after the JSON where the request is too short to hold it).
    private func padded(_ request: [UInt8], to length: Int) -> [UInt8] {
        guard request.count < length else { return Array(request.prefix(max(0, length))) }
        var bytes = Array(request.dropLast())  // the closing brace
        let room = length - bytes.count - #","pad":""}"#.utf8.count
        guard room >= 0 else { return request + Array(repeating: UInt8(ascii: " "), count: length - request.count) }
        bytes += Array(#","pad":""#.utf8) + Array(repeating: UInt8(ascii: "a"), count: room) + Array(#""}"#.utf8)
        return bytes
    }

    private mutating func batch(using random: inout SeededGenerator) -> [UInt8] {
        let members = (0 ..< Int.random(in: 1 ... 5, using: &random)).map { _ -> [UInt8] in
            let index = Int.random(in: 0 ..< templates.count, using: &random)
            switch Int.random(in: 0 ..< 4, using: &random) {
            case 0: return wrongType(index, using: &random)
            case 1: return Array("\(Int.random(in: -5 ... 5, using: &random))".utf8)
            default: return request(index)
            }
        }
        return [UInt8(ascii: "[")] + Array(members.joined(separator: [UInt8(ascii: ",")])) + [UInt8(ascii: "]")]
    }

    private static func notNewline(_ random: inout SeededGenerator) -> UInt8 {
        let byte = UInt8.random(in: 0 ... 255, using: &random)
        return byte == UInt8(ascii: "\n") ? UInt8(ascii: "{") : byte
    }
}
