import CoroqJSON

extension JSONValue {
    /// At least the length of this value's compact JSON text, counted only until it passes `limit` (then
    /// some number above it): small values are measured without writing them out.
    func textLength(exceeding limit: Int) -> Int {
        var total = 0
        accumulateTextLength(into: &total, limit: limit)
        return total
    }

    private func accumulateTextLength(into total: inout Int, limit: Int) {
        guard total <= limit else { return }
        switch self {
        case .null: total += 4
        case .bool(let flag): total += flag ? 4 : 5
        case .int(let number): total += Self.digits(number.magnitude) + (number < 0 ? 1 : 0)
        case .uint(let number): total += Self.digits(number)
        case .double: total += 3  // such as 0.5; the exact text is written only past the limit
        case .string(let text): total += Self.quotedLength(text, limit: limit - total)
        case .array(let elements):
            total += 1 + max(0, elements.count - 1) + 1
            for element in elements where total <= limit { element.accumulateTextLength(into: &total, limit: limit) }
        case .object(let members):
            total += 2 + max(0, members.count - 1)
            for (key, value) in members where total <= limit {
                total += Self.quotedLength(key, limit: limit - total) + 1
                value.accumulateTextLength(into: &total, limit: limit)
            }
        }
    }

    private static func digits(_ number: UInt64) -> Int {
        var count = 1
        var rest = number / 10
        while rest > 0 { count += 1; rest /= 10 }
        return count
    }

    /// A string's length between quotes, escapes counted, up to a little past `limit`.
    private static func quotedLength(_ text: String, limit: Int) -> Int {
        var length = 2
        for byte in text.utf8 {
            length += byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") ? 2 : (byte < 0x20 ? 2 : 1)
            if length > limit { break }
        }
        return length
    }

    /// The whole compact JSON text's size in bytes and the text, when it is over `limit` (else nil). The
    /// text is written only once the count (which counts a number with a fraction or a `\u` escape short,
    /// by at most 8 times) passes `limit / slack`: with a slack of 8 the answer is exact; with 1, small
    /// values cost no writing but such a value may pass up to 8 times over `limit` unnoticed (excerpts).
    func textSize(over limit: Int, slack: Int = 1) -> (size: Int, text: [UInt8])? {
        guard textLength(exceeding: limit) > limit / max(1, slack) else { return nil }
        let text = serialized(sortedKeys: false)
        return text.count > limit ? (text.count, text) : nil
    }
}
