@testable import CoroqJSON

/// One random change deep inside a JSON value: a member dropped, or a value replaced by one of another
/// kind or by a number that is out of range, fractional or negative for the type that expects it.
enum Mutation {
    static let replacements: [JSONValue] = [
        .null, .bool(true), .string(""), .string("AQID"), .string("not base64!"), .string("https://x.org/"), .string("1"),
        .int(0), .int(-1), .int(128), .int(256), .int(65536), .int(-129), .int(.max), .int(.min), .uint(.max), .uint(1 << 63),
        .double(1.5), .double(-0.0), .double(2.0), .double(1e39), .double(3.4028236e38), .double(1e300), .double(1e-50),
        .double(18446744073709551616.0), .array([]), .array([.int(1)]), .object([:]), .object(["_0": .string("x")]),
    ]

    static func apply(to value: JSONValue, _ rng: inout SplitMix) -> JSONValue {
        switch value {
        case .object(var members) where !members.isEmpty && Int.random(in: 0..<4, using: &rng) > 0:
            let key = members.keys.sorted()[Int.random(in: 0..<members.count, using: &rng)]
            if Int.random(in: 0..<6, using: &rng) == 0 {
                members[key] = nil
            } else {
                members[key] = apply(to: members[key]!, &rng)
            }
            return .object(members)
        case .array(var elements) where !elements.isEmpty && Int.random(in: 0..<4, using: &rng) > 0:
            let index = Int.random(in: 0..<elements.count, using: &rng)
            if Int.random(in: 0..<6, using: &rng) == 0 {
                elements.remove(at: index)
            } else {
                elements[index] = apply(to: elements[index], &rng)
            }
            return .array(elements)
        default:
            return replacements[Int.random(in: 0..<replacements.count, using: &rng)]
        }
    }
}
