import Foundation
import Testing
@testable import CoroqJSON

/// The own stack (JSONValue encoder, writer, parser, decoder) against Foundation's JSONEncoder/JSONDecoder.
///
/// Documented differences, normalised here and nowhere else:
/// - Number text: Foundation writes an integral Double without ".0" ("2", "-0"), CoroqJSON keeps it ("2.0",
///   "-0.0") so it reads back as a double; a Float or a Decimal is written by Foundation with its own text,
///   by CoroqJSON as the double of that text ("1.6777216e+07" vs "16777216.0"). Same numbers.
/// - Errors: Foundation's "number does not fit in Int8" error has an empty coding path; ours names the member.
/// - Slashes: Foundation escapes "/" unless `.withoutEscapingSlashes`; the comparison uses that option.
enum Differential {
    static let foundationEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// Equal JSON values, numbers compared as numbers (an integer equals the same integral double).
    static func same(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy(same)
        case (.object(let x), .object(let y)):
            return x.count == y.count && x.allSatisfy { key, value in y[key].map { same(value, $0) } ?? false }
        default:
            if let x = number(a), let y = number(b) { return x == y }
            return a == b
        }
    }

    /// A number as (value, sign, exact integer if any), so 2 == 2.0 but -0.0 != 0.
    private static func number(_ value: JSONValue) -> String? {
        switch value {
        case .int(let n): return "\(n)"
        case .uint(let n): return "\(n)"
        case .double(let d):
            if d == d.rounded(), let n = Int64(exactly: d), n != 0 { return "\(n)" }
            if d == d.rounded(), let n = UInt64(exactly: d), n != 0 { return "\(n)" }
            return "\(d)"
        default: return nil
        }
    }

    /// Our text with Foundation's number formatting where the two legitimately differ (integral doubles).
    static func normalisingIntegralDoubles(_ text: String) -> String {
        text.replacing(/(?<digit>[0-9])\.0(?=[,\]}]|$)/) { $0.output.digit + "" }
    }

    /// Encodes with both and decodes each output with both; every pair must agree.
    static func check<T: Codable & Equatable>(_ value: T, roundTrips: Bool = true, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let ours = try JSONValue(encoding: value)
        let foundationText = try foundationEncoder.encode(value)
        let foundation = try JSONValue(parsing: foundationText)
        #expect(same(ours, foundation), "encoders differ:\n ours \(ours.jsonText)\n Foundation \(String(decoding: foundationText, as: UTF8.self))", sourceLocation: sourceLocation)
        let ourText = Data(ours.serialized(sortedKeys: true))
        #expect(try JSONValue(parsing: ourText) == ours, "our text does not read back as our value", sourceLocation: sourceLocation)

        for text in [ourText, foundationText] {
            let decodedByUs = try JSONValue(parsing: text).decode(as: T.self)
            let decodedByFoundation = try JSONDecoder().decode(T.self, from: text)
            #expect(decodedByUs == decodedByFoundation, "decoders differ on \(String(decoding: text, as: UTF8.self))", sourceLocation: sourceLocation)
            if roundTrips { #expect(decodedByUs == value, sourceLocation: sourceLocation) }
        }
    }

    /// Both decoders on the same text: the same value, or errors of the same kind at the same path.
    static func checkDecoding<T: Decodable & Equatable>(_ type: T.Type, _ text: Data, sourceLocation: SourceLocation = #_sourceLocation) {
        let ours = Result(catching: { try JSONValue(parsing: text).decode(as: T.self) })
        let foundation = Result(catching: { try JSONDecoder().decode(T.self, from: text) })
        let context = String(decoding: text, as: UTF8.self)
        switch (ours, foundation) {
        case (.success(let a), .success(let b)):
            #expect(a == b, "decoders differ on \(context)", sourceLocation: sourceLocation)
        case (.failure(let a), .failure(let b)):
            // Foundation's "number does not fit" error has lost its coding path; ours keeps it.
            if case .dataCorrupted(let context)? = b as? DecodingError, context.codingPath.isEmpty, case .dataCorrupted? = a as? DecodingError { return }
            #expect(describe(a) == describe(b), "errors differ on \(context)", sourceLocation: sourceLocation)
        case (.success, .failure(let error)):
            Issue.record("only Foundation refuses \(context): \(error)", sourceLocation: sourceLocation)
        case (.failure(let error), .success):
            Issue.record("only CoroqJSON refuses \(context): \(error)", sourceLocation: sourceLocation)
        }
    }

    /// An error's kind and coding path (the messages are allowed to differ).
    static func describe(_ error: any Error) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error as? DecodingError {
        case .keyNotFound(let key, let context)?: return "keyNotFound \(key.stringValue) at \(path(context))"
        case .typeMismatch(_, let context)?: return "typeMismatch at \(path(context))"
        case .valueNotFound(_, let context)?: return "valueNotFound at \(path(context))"
        case .dataCorrupted(let context)?: return "dataCorrupted at \(path(context))"
        default: return "\(type(of: error))"
        }
    }
}
