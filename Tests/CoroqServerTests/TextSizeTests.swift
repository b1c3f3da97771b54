import CoroqJSON
import Testing
@testable import CoroqServer

@Suite struct TextSizeTests {
    static let values: [JSONValue] = [
        .null, .bool(true), .int(-12345), .uint(UInt64.max), .double(0.125), .string("a\"b\\c\n\u{1}é"),
        .array([.int(1), .string("x"), .object([:])]),
        .object(["pad": .string(String(repeating: "x", count: 300)), "n": .array(Array(repeating: .double(1.0 / 3), count: 50))]),
        .array(Array(repeating: .double(123456.789), count: 40)),
    ]

    /// The count is never more than the text: what it calls small is small.
    @Test(arguments: values)
    func theCountIsALowerBound(value: JSONValue) {
        let text = value.serialized(sortedKeys: false)
        #expect(value.textLength(exceeding: 1 << 20) <= text.count)
    }

    /// With a slack of 8 the size over a limit is exact, whatever the value holds.
    @Test(arguments: values, [10, 100, 500])
    func withSlackTheSizeIsExact(value: JSONValue, limit: Int) {
        let text = value.serialized(sortedKeys: false)
        #expect(value.textSize(over: limit, slack: 8)?.size == (text.count > limit ? text.count : nil))
    }
}
