#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The Foundation types that `JSONEncoder` and `JSONDecoder` (default strategies) write and read in their own
/// way rather than through the type's `Codable` conformance: `Data` as a base64 string, `URL` as its absolute
/// string, `Decimal` as a plain JSON number. `Date` needs no case: the default strategy is the type's own
/// (seconds since 2001-01-01 as a number).
enum FoundationValues {
    /// The JSON form of `value` when it is one of these types; nil for any other type.
    static func encode(_ value: some Encodable, path: [any CodingKey]) throws -> JSONValue? {
        switch value {
        case let data as Data:
            return .string(data.base64EncodedString())
        case let url as URL:
            return .string(url.absoluteString)
        case let decimal as Decimal:
            // JSONEncoder writes the decimal's text as a number; reading that text gives what a reader sees.
            let text = decimal.description
            guard decimal.isFinite, let number = try? JSONValue(parsing: text) else {
                throw EncodingError.invalidValue(decimal, .init(codingPath: path, debugDescription: "Unable to encode Decimal.\(text) directly in JSON."))
            }
            return number
        default:
            return nil
        }
    }

    /// `type` read from `value` when it is one of these types; nil for any other type.
    static func decode<T>(_ type: T.Type, from value: JSONValue, path: [any CodingKey]) throws -> T? {
        if type == Data.self {
            guard case .string(let text) = value else { throw mismatch(String.self, value, path) }
            guard let data = Data(base64Encoded: text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: "Encountered Data is not valid Base64."))
            }
            return (data as! T)
        }
        if type == URL.self {
            guard case .string(let text) = value else { throw mismatch(String.self, value, path) }
            guard let url = URL(string: text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: "Invalid URL string."))
            }
            return (url as! T)
        }
        if type == Decimal.self {
            return (try decimal(value, path) as! T)
        }
        return nil
    }

    private static func decimal(_ value: JSONValue, _ path: [any CodingKey]) throws -> Decimal {
        switch value {
        case .int(let number): return Decimal(number)
        case .uint(let number): return Decimal(number)
        // The shortest text that reads back as this double: the digits its JSON text had, up to 15 of them.
        case .double(let number):
            // Beyond Decimal's range (about 1e165) JSONDecoder refuses the number.
            guard let decimal = Decimal(string: number.description), decimal.isFinite, number.magnitude < 1e166 else {
                throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: "Parsed JSON number <\(number)> does not fit in Decimal."))
            }
            return decimal
        default: throw mismatch(Decimal.self, value, path)
        }
    }
}
