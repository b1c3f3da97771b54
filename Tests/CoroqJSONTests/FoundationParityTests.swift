import Foundation
import Testing
@testable import CoroqJSON

/// One test per divergence from JSONEncoder/JSONDecoder that the differential tests found and that is now
/// fixed, each checked against Foundation itself.
@Suite("CoroqJSON as Foundation: regressions")
struct FoundationParityTests {
    struct Box<Value: Codable & Equatable>: Codable, Equatable { var v: Value }

    private func foundationText<Value: Codable>(_ value: Value) throws -> String {
        String(decoding: try Differential.foundationEncoder.encode(value), as: UTF8.self)
    }

    @Test("Data is a base64 string, also at the top level; bad base64 is refused by both")
    func data() throws {
        let box = Box(v: Data([0, 1, 254, 255]))
        #expect(try JSONValue(encoding: box).jsonText == #"{"v":"AAH+/w=="}"#)
        #expect(try foundationText(box) == #"{"v":"AAH+/w=="}"#)
        #expect(try JSONValue(encoding: Data([1, 2, 3])) == "AQID")
        #expect(try JSONValue(parsing: #"{"v":"AAH+/w=="}"#).decode(as: Box<Data>.self) == box)
        Differential.checkDecoding(Box<Data>.self, Data(#"{"v":"AQI"}"#.utf8))
        Differential.checkDecoding(Box<Data>.self, Data(#"{"v":[1,2]}"#.utf8))
    }

    @Test("URL is its absolute string")
    func url() throws {
        let box = Box(v: URL(string: "https://example.org/a?b=c")!)
        #expect(try JSONValue(encoding: box).jsonText == #"{"v":"https://example.org/a?b=c"}"#)
        #expect(try foundationText(box) == #"{"v":"https://example.org/a?b=c"}"#)
        #expect(try JSONValue(encoding: box).decode(as: Box<URL>.self) == box)
        Differential.checkDecoding(Box<URL>.self, Data(#"{"v":""}"#.utf8))
    }

    @Test("Decimal is a plain number, read back from a number only", arguments: ["0.25", "-12.5", "1e40", "123456789012345", "0"])
    func decimal(text: String) throws {
        let box = Box(v: Decimal(string: text)!)
        let ours = try JSONValue(encoding: box)
        #expect(Differential.same(ours, try JSONValue(parsing: foundationText(box))))
        #expect(try ours.decode(as: Box<Decimal>.self) == box)
        Differential.checkDecoding(Box<Decimal>.self, Data(#"{"v":"1"}"#.utf8))
    }

    @Test("a number beyond Decimal's range is refused, as Foundation refuses it", arguments: ["1e300", "-1e200", "1e165"])
    func decimalRange(text: String) {
        Differential.checkDecoding(Box<Decimal>.self, Data(#"{"v":\#(text)}"#.utf8))
    }

    @Test("documented: a Decimal beyond 15 significant digits keeps a double's precision, Foundation all 38")
    func decimalPrecision() throws {
        let box = Box(v: Decimal(string: "3.14159265358979323846")!)
        let ours = try JSONValue(encoding: box).decode(as: Box<Decimal>.self)
        #expect(ours.v == Decimal(string: "3.141592653589793"))
        #expect(try JSONDecoder().decode(Box<Decimal>.self, from: Differential.foundationEncoder.encode(box)) == box)
    }

    @Test("UInt64 above Int64.max is an exact integer both ways")
    func bigUnsigned() throws {
        let box = Box(v: UInt64.max)
        #expect(try JSONValue(encoding: box).jsonText == #"{"v":18446744073709551615}"#)
        #expect(try foundationText(box) == #"{"v":18446744073709551615}"#)
        #expect(try JSONValue(parsing: "18446744073709551615") == .uint(.max))
        #expect(try JSONValue(parsing: "9223372036854775808") == .uint(1 << 63))
        #expect(try JSONValue(parsing: #"{"v":18446744073709551615}"#).decode(as: Box<UInt64>.self) == box)
        Differential.checkDecoding(Box<Int64>.self, Data(#"{"v":9223372036854775808}"#.utf8))
        Differential.checkDecoding(Box<Double>.self, Data(#"{"v":18446744073709551615}"#.utf8))
    }

    @Test("a Float is written with its own shortest text")
    func floatText() throws {
        #expect(try JSONValue(encoding: Box(v: Float(0.1))).jsonText == #"{"v":0.1}"#)
        #expect(try foundationText(Box(v: Float(0.1))) == #"{"v":0.1}"#)
    }

    @Test("a Float out of range is refused, as Foundation refuses it", arguments: ["1e39", "-3.4028236e38", "1e300", "1e-50", "3.4028235e38"])
    func floatRange(text: String) {
        Differential.checkDecoding(Box<Float>.self, Data(#"{"v":\#(text)}"#.utf8))
    }

    @Test("integers read from integral numbers in any notation", arguments: ["2.0", "1e2", "-0", "1.5", "1e19", "-1e0"])
    func integralNotation(text: String) {
        Differential.checkDecoding(Box<Int64>.self, Data(#"{"v":\#(text)}"#.utf8))
        Differential.checkDecoding(Box<UInt64>.self, Data(#"{"v":\#(text)}"#.utf8))
    }

    @Test("-0 is a negative zero, as JSONDecoder reads it")
    func negativeZero() throws {
        let value = try JSONValue(parsing: "-0").decode(as: Double.self)
        #expect(value == 0 && value.sign == .minus)
        #expect(try JSONDecoder().decode(Double.self, from: Data("-0".utf8)).sign == .minus)
    }

    @Test("null where a value is required: the same error kind as Foundation for each type")
    func nullValues() {
        let text = Data(#"{"v":null}"#.utf8)
        Differential.checkDecoding(Box<Bool>.self, text)
        Differential.checkDecoding(Box<String>.self, text)
        Differential.checkDecoding(Box<Int8>.self, text)
        Differential.checkDecoding(Box<UInt64>.self, text)
        Differential.checkDecoding(Box<Double>.self, text)
        Differential.checkDecoding(Box<Float>.self, text)
        Differential.checkDecoding(Box<Data>.self, text)
        Differential.checkDecoding(Box<URL>.self, text)
        Differential.checkDecoding(Box<Decimal>.self, text)
        Differential.checkDecoding(Box<[Int]>.self, text)
        Differential.checkDecoding(Box<[String: Int]>.self, text)
        Differential.checkDecoding(Box<Mode>.self, text)
    }

    @Test("decodeNil() at the end of an unkeyed container throws, as JSONDecoder's does")
    func decodeNilAtEnd() throws {
        struct NilThenEnd: Decodable, Equatable {
            init(from decoder: any Decoder) throws {
                var container = try decoder.unkeyedContainer()
                _ = try container.decodeNil()
            }
        }
        #expect(throws: DecodingError.self) { try JSONValue(parsing: "[]").decode(as: NilThenEnd.self) }
        Differential.checkDecoding(NilThenEnd.self, Data("[]".utf8))
    }

    @Test("a repeated member name keeps its first value, as JSONDecoder does")
    func duplicateKeys() throws {
        #expect(try JSONValue(parsing: #"{"v":1,"v":2}"#) == ["v": 1])
        Differential.checkDecoding(Box<Int>.self, Data(#"{"v":1,"v":2}"#.utf8))
    }

    @Test("a UTF-8 byte order mark is ignored")
    func byteOrderMark() throws {
        let text = Data([0xEF, 0xBB, 0xBF] + Array(#"{"v":1}"#.utf8))
        #expect(try JSONValue(parsing: text) == ["v": 1])
        Differential.checkDecoding(Box<Int>.self, text)
    }

    @Test("a failed decode in an unkeyed container leaves the element for the next attempt")
    func unkeyedRetry() throws {
        struct Either: Decodable, Equatable {
            var values: [String]
            init(from decoder: any Decoder) throws {
                var container = try decoder.unkeyedContainer()
                values = []
                while !container.isAtEnd {
                    if let number = try? container.decode(Int.self) { values.append("int \(number)") }
                    else { values.append("string " + (try container.decode(String.self))) }
                }
            }
        }
        #expect(try JSONValue(parsing: #"[1,"a",2]"#).decode(as: Either.self).values == ["int 1", "string a", "int 2"])
        Differential.checkDecoding(Either.self, Data(#"[1,"a",2]"#.utf8))
    }
}
