import Foundation

// libFuzzer harness: CoroqJSON's parser against Foundation's two parsers on the same bytes.
// - accepts/refuses: must agree with JSONSerialization (fragments allowed) and with JSONDecoder;
// - values: must equal what JSONDecoder reads (numbers compared as numbers, strings scalar by scalar).
// Documented differences, skipped rather than reported:
// - UTF-16/UTF-32 text (Foundation detects it; coroq's wire and database are UTF-8 only);
// - nesting deeper than JSONParser.maximumDepth (512), refused on purpose;
// - a trailing comma ("[1,]", "{"a":1,}"), which both Foundation parsers take and CoroqJSON refuses (RFC 8259);
// - text that only one of Foundation's parsers accepts, printed (JSONDecoder skips the number of a repeated
//   member unchecked: {"a":1,"a":01});
// - an integer beyond 2^53 written with a fraction or exponent: the nearest double here, exact in JSONDecoder;
// - a repeated member name: JSONSerialization keeps the last value, JSONDecoder and CoroqJSON the first,
//   which is why values are compared with JSONDecoder's reading.
// Built and run by scripts/fuzz-json.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONParser(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: start, count: count)
    if isWideUnicode(bytes) { return 0 }
    let data = Data(bytes)
    let ours = Result<JSONValue, JSONSyntaxError>(catching: { () throws(JSONSyntaxError) in try JSONParser.parse(bytes) })
    if case .failure(let error) = ours, error.message.contains("nested deeper") || error.message.contains("trailing comma") { return 0 }
    let serialization = Result(catching: { try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) })
    let decoder = Result(catching: { try JSONDecoder().decode(Oracle.self, from: data) })
    // Text CoroqJSON reads must be read by both; text it refuses must not be read by both. One of them alone
    // reading it is printed, not a finding: JSONSerialization is looser on Linux, and JSONDecoder never
    // checks a number it skips ({"a":1,"a":01}).
    switch (ours, serialization, decoder) {
    case (.success, .failure(let error), _): fail("only JSONSerialization refuses: \(error)", data)
    case (.success, _, .failure(let error)): fail("only JSONDecoder refuses: \(error)", data)
    case (.failure(let error), .success, .success): fail("only CoroqJSON refuses: \(error)", data)
    case (.failure, .success, .failure), (.failure, .failure, .success): noteLooseFoundation(data)
    default: break
    }
    if case .success(let value) = ours, case .success(let oracle) = decoder, !same(value, oracle) {
        fail("values differ; \(firstDifference)", data)
    }
    return 0
}

nonisolated(unsafe) private var looseCount = 0

private func noteLooseFoundation(_ data: Data) {
    looseCount += 1
    if looseCount <= 5 || looseCount.nonzeroBitCount == 1 {
        print("note \(looseCount): one Foundation parser alone accepts \(String(decoding: data.prefix(200), as: UTF8.self))")
    }
}

private func fail(_ message: String, _ data: Data) -> Never {
    fatalError("\(message)\ninput: \(Array(data))\n\(String(decoding: data, as: UTF8.self))")
}

/// What Foundation would read as UTF-16 or UTF-32: a byte order mark of those, or a zero byte among the first
/// four (JSON text in UTF-8 never starts with one).
private func isWideUnicode(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    if bytes.count >= 2 && ((bytes[0] == 0xFE && bytes[1] == 0xFF) || (bytes[0] == 0xFF && bytes[1] == 0xFE)) { return true }
    return bytes.prefix(4).contains(0)
}

/// Any JSON value as JSONDecoder reads it.
indirect enum Oracle: Decodable, CustomStringConvertible {
    case null, bool(Bool), integer(Int64), unsigned(UInt64), double(Double), string(String), array([Oracle]), object([String: Oracle])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode(Int64.self) { self = .integer(value) }
        else if let value = try? container.decode(UInt64.self) { self = .unsigned(value) }
        else if let value = try? container.decode(Double.self) { self = .double(value) }
        else if let value = try? container.decode([Oracle].self) { self = .array(value) }
        else { self = .object(try container.decode([String: Oracle].self)) }
    }

    var description: String {
        switch self {
        case .null: "null"
        case .bool(let value): "\(value)"
        case .integer(let value): "\(value)"
        case .unsigned(let value): "\(value)u"
        case .double(let value): "\(value)d"
        case .string(let value): "\(value.unicodeScalars.map { $0.value })"
        case .array(let value): "\(value)"
        case .object(let value): "\(value)"
        }
    }
}

nonisolated(unsafe) private var firstDifference = ""

private func same(_ value: JSONValue, _ oracle: Oracle) -> Bool {
    let equal = sameNode(value, oracle)
    if !equal && firstDifference.isEmpty { firstDifference = "first difference: ours \(value), JSONDecoder \(oracle)" }
    return equal
}

private func sameNode(_ value: JSONValue, _ oracle: Oracle) -> Bool {
    switch (value, oracle) {
    case (.null, .null): return true
    case (.bool(let a), .bool(let b)): return a == b
    case (.string(let a), .string(let b)): return a.unicodeScalars.elementsEqual(b.unicodeScalars)
    case (.array(let a), .array(let b)): return a.count == b.count && zip(a, b).allSatisfy(same)
    case (.object(let a), .object(let b)):
        return a.count == b.count && a.allSatisfy { key, member in b[key].map { same(member, $0) } ?? false }
    case (.int(let a), .integer(let b)): return a == b
    case (.uint(let a), .unsigned(let b)): return a == b
    // JSONDecoder reads "2.0" and "1e2" as integers too, and "-0" as 0 before trying a Double.
    // Beyond 2^53 an integer written with a fraction or an exponent ("184467203685420.5E+3") is a double
    // here, the nearest one; JSONDecoder reads it as the exact integer (a documented difference).
    case (.double(let a), .integer(let b)): return Int64(exactly: a) == b || nearest(a, Double(b))
    case (.double(let a), .unsigned(let b)): return UInt64(exactly: a) == b || nearest(a, Double(b))
    case (.double(let a), .double(let b)): return a == b
    default: return false
    }
}

private func nearest(_ a: Double, _ b: Double) -> Bool {
    a.magnitude >= 0x1p53 && (a - b).magnitude <= a.ulp
}
