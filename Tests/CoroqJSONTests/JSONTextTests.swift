import Foundation
import Testing
@testable import CoroqJSON

@Suite("JSON text: parser and writer")
struct JSONTextTests {
    @Test("parses every kind of value", arguments: [
        ("null", JSONValue.null), ("true", .bool(true)), ("false", .bool(false)),
        ("0", .int(0)), ("-12", .int(-12)), ("9223372036854775807", .int(.max)), ("-9223372036854775808", .int(.min)),
        ("9223372036854775808", .uint(9223372036854775808)), ("18446744073709551616", .double(18446744073709551616)), ("1.5", .double(1.5)), ("-2e3", .double(-2000)),
        ("1E-2", .double(0.01)), (#""a\"b\\c\/d\n\t\u00e9\ud83d\ude00""#, .string("a\"b\\c/d\n\té😀")),
        (" [1, [], {} ,\"x\"] ", .array([1, [], [:], "x"])), (#"{"b": {"c": [null]}, "a": 1}"#, ["a": 1, "b": ["c": [nil]]]),
    ] as [(String, JSONValue)])
    func parses(text: String, value: JSONValue) throws {
        #expect(try JSONValue(parsing: text) == value)
        #expect(try JSONValue(parsing: Data(text.utf8)) == value)
    }

    @Test("refuses what is not JSON, saying where", arguments: [
        "", "nul", "01", "1.", "-", "1e", "[1,]", "{\"a\" 1}", "{a:1}", "\"abc", "\"\u{01}\"", #""\x""#,
        #""\ud800""#, #""\udc00""#, "[1] 2", "{\"a\":1,}", "NaN", "+1",
    ])
    func refuses(text: String) {
        #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: text) }
    }

    @Test("bounds nesting so hostile input cannot exhaust the stack")
    func boundsNesting() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let error = try #require(throws: JSONSyntaxError.self) { try JSONValue(parsing: deep) }
        #expect(error.message.contains("nested deeper"))
        let fine = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        #expect(throws: Never.self) { try JSONValue(parsing: fine) }
    }

    @Test("writes compact text with sorted keys and the escapes JSON needs")
    func writes() throws {
        let value: JSONValue = ["b": [1, 2.5, nil, true], "a": "q\"\\/\n\u{01}é", "c": [:]]
        #expect(value.jsonText == #"{"a":"q\"\\/\n\u0001é","b":[1,2.5,null,true],"c":{}}"#)
        #expect(JSONValue.double(2).jsonText == "2.0")
        #expect(JSONValue.int(-7).jsonText == "-7")
    }

    @Test("what is written reads back equal, and matches Foundation's reading of it")
    func roundTrips() throws {
        let value: JSONValue = [
            "argv": ["sh", "-c", "echo \"hi\"\ttab"], "n": 12345678901, "x": -0.125, "nested": ["deep": [[], [:], ""]],
            "unicode": "日本語 😀", "control": "\u{0}\u{1f}\u{7f}",
        ]
        let text = value.jsonText
        #expect(try JSONValue(parsing: text) == value)
        let foundation = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        #expect(foundation?["unicode"] as? String == "日本語 😀")
        #expect(foundation?["control"] as? String == "\u{0}\u{1f}\u{7f}")
    }
}

@Suite("JSONValue encoder and decoder")
struct JSONValueCodingTests {
    struct Arguments: Codable, Equatable {
        var name: String
        var count: Int
        var ratio: Double?
        var tags: [String]
        var nested: [String: Int]
        var mode: Mode
        enum Mode: String, Codable { case fast, slow }
    }

    @Test("encodes and decodes a Codable type without JSON text")
    func roundTrip() throws {
        let arguments = Arguments(name: "n", count: 3, ratio: nil, tags: ["a"], nested: ["k": 1], mode: .slow)
        let value = try JSONValue(encoding: arguments)
        #expect(value == ["name": "n", "count": 3, "tags": ["a"], "nested": ["k": 1], "mode": "slow"])
        #expect(try value.decode(as: Arguments.self) == arguments)
    }

    @Test("decoding errors carry the path, as JSONDecoder's do", arguments: [
        (#"{"name": "n", "tags": [], "nested": {}, "mode": "fast"}"#, "missing argument 'count'"),
        (#"{"name": 1, "count": 1, "tags": [], "nested": {}, "mode": "fast"}"#, "'name' must be a string"),
        (#"{"name": "n", "count": 1.5, "tags": [], "nested": {}, "mode": "fast"}"#, "'count': Parsed JSON number <1.5> does not fit in Int."),
        (#"{"name": "n", "count": null, "tags": [], "nested": {}, "mode": "fast"}"#, "'count' must be an integer, not null"),
        (#"{"name": "n", "count": 1, "tags": [2], "nested": {}, "mode": "fast"}"#, "'tags.[0]' must be a string"),
        (#"[1]"#, "the arguments must be an object"),
    ])
    func explainsErrors(text: String, explanation: String) throws {
        let value = try JSONValue(parsing: text)
        let error = try #require(throws: DecodingError.self) { try value.decode(as: Arguments.self) }
        #expect(error.explanation == explanation)
    }

    @Test("refuses numbers JSON cannot hold")
    func refusesNonFinite() {
        #expect(throws: EncodingError.self) { try JSONValue(encoding: ["x": Double.infinity]) }
        #expect(throws: EncodingError.self) { try JSONValue(encoding: [Float.nan]) }
        #expect(throws: EncodingError.self) { try JSONValue(encoding: [Int128.max]) }
    }
}

@Suite("JSONValue decoder: optionals as JSONDecoder reads them")
struct JSONValueOptionalTests {
    struct Spec: Decodable, Equatable {
        var job: String
        var args: JSONValue?
    }

    @Test("a missing and a null member both decode as nil", arguments: [#"{"job":"noop"}"#, #"{"job":"noop","args":null}"#])
    func nullIsAbsent(text: String) throws {
        #expect(try JSONValue(parsing: text).decode(as: Spec.self) == Spec(job: "noop", args: nil))
        #expect(try JSONDecoder().decode(Spec.self, from: Data(text.utf8)) == Spec(job: "noop", args: nil))
    }
}
