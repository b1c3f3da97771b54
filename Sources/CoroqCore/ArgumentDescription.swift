import CoroqJSON
import Foundation

/// One argument of a job as `coroq jobs` shows it: its name, its JSON type, and whether it may be left out.
public struct ArgumentDescription: Sendable, Equatable {
    public var name: String
    /// `string`, `integer`, `number`, `boolean`, `object`, `array`, `date`, `data`, `url` or `any`; a nested
    /// object's members are listed after it as `parent.member`.
    public var type: String
    public var optional: Bool

    public init(name: String, type: String, optional: Bool = false) {
        self.name = name
        self.type = type
        self.optional = optional
    }

    /// The arguments `type` decodes, read off its `Decodable` conformance: a decoder that answers every
    /// request with a placeholder and notes what was asked for. Nil when the type cannot be described that
    /// way (its decoding checks values, or takes a single value such as `JSONValue`): a job then says what
    /// it takes in `JobDefinition.arguments`.
    public static func of<Arguments: Decodable>(_ type: Arguments.Type) -> [ArgumentDescription]? {
        let recorder = ArgumentRecorder()
        do {
            _ = try Arguments(from: recorder.decoder(path: []))
        } catch {
            return nil
        }
        return recorder.keyed ? recorder.arguments : nil
    }
}

/// What a describing decode noted.
private final class ArgumentRecorder {
    var arguments: [ArgumentDescription] = []
    /// True once the top level asked for a keyed container (arguments are a JSON object).
    var keyed = false
    /// The key whose `decodeNil` was just asked: the standard `decodeIfPresent` of `String`, `Int`, `Double`
    /// and the other basic types asks it right before decoding, so that key is optional.
    var askedNil: String?

    func decoder(path: [String]) -> DescribingDecoder { DescribingDecoder(recorder: self, path: path) }

    func note(_ path: [String], _ key: CodingKey, _ type: String, optional: Bool) {
        let name = Self.name(path, key)
        let optional = optional || askedNil == name
        askedNil = nil
        guard !arguments.contains(where: { $0.name == name }) else { return }
        arguments.append(ArgumentDescription(name: name, type: type, optional: optional))
    }

    static func name(_ path: [String], _ key: CodingKey) -> String {
        (path + [key.stringValue]).joined(separator: ".")
    }

    static func typeName(_ type: Any.Type) -> String? {
        switch type {
        case is String.Type, is Character.Type: "string"
        case is Bool.Type: "boolean"
        case is Int.Type, is Int8.Type, is Int16.Type, is Int32.Type, is Int64.Type,
             is UInt.Type, is UInt8.Type, is UInt16.Type, is UInt32.Type, is UInt64.Type: "integer"
        case is Double.Type, is Float.Type, is Decimal.Type: "number"
        case is Date.Type: "date"
        case is Data.Type: "data"
        case is URL.Type: "url"
        case is JSONValue.Type: "any"
        default: nil
        }
    }
}

/// A placeholder value of a type, for the describing decode.
private protocol Placeholder { static var placeholder: Self { get } }
extension String: Placeholder { static var placeholder: String { "" } }
extension Bool: Placeholder { static var placeholder: Bool { false } }
extension Int: Placeholder { static var placeholder: Int { 0 } }
extension Int8: Placeholder { static var placeholder: Int8 { 0 } }
extension Int16: Placeholder { static var placeholder: Int16 { 0 } }
extension Int32: Placeholder { static var placeholder: Int32 { 0 } }
extension Int64: Placeholder { static var placeholder: Int64 { 0 } }
extension UInt: Placeholder { static var placeholder: UInt { 0 } }
extension UInt8: Placeholder { static var placeholder: UInt8 { 0 } }
extension UInt16: Placeholder { static var placeholder: UInt16 { 0 } }
extension UInt32: Placeholder { static var placeholder: UInt32 { 0 } }
extension UInt64: Placeholder { static var placeholder: UInt64 { 0 } }
extension Double: Placeholder { static var placeholder: Double { 0 } }
extension Float: Placeholder { static var placeholder: Float { 0 } }
extension Decimal: Placeholder { static var placeholder: Decimal { 0 } }
extension Date: Placeholder { static var placeholder: Date { Date(timeIntervalSince1970: 0) } }
extension Data: Placeholder { static var placeholder: Data { Data() } }
extension URL: Placeholder { static var placeholder: URL { URL(fileURLWithPath: "/") } }
extension JSONValue: Placeholder { static var placeholder: JSONValue { .null } }

/// Not a real decode: it gives every key a placeholder value and notes the key and its type.
private struct DescribingDecoder: Decoder {
    let recorder: ArgumentRecorder
    let path: [String]
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        if path.isEmpty { recorder.keyed = true }
        return KeyedDecodingContainer(DescribingKeyedContainer<Key>(recorder: recorder, path: path))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer { EmptyUnkeyedContainer() }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw DecodingError.typeMismatch(Any.self, .init(codingPath: [], debugDescription: "not described by its keys"))
    }
}

private struct DescribingKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let recorder: ArgumentRecorder
    let path: [String]
    var codingPath: [any CodingKey] { [] }
    var allKeys: [Key] { [] }

    func contains(_ key: Key) -> Bool { true }

    func decodeNil(forKey key: Key) throws -> Bool {
        recorder.askedNil = ArgumentRecorder.name(path, key)
        return false
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try value(type, forKey: key, optional: false)
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        try value(type, forKey: key, optional: true)
    }

    private func value<T: Decodable>(_ type: T.Type, forKey key: Key, optional: Bool) throws -> T {
        if let simple = ArgumentRecorder.typeName(type), let placeholder = (type as? any Placeholder.Type)?.placeholder as? T {
            recorder.note(path, key, simple, optional: optional)
            return placeholder
        }
        // A nested type: an array (its unkeyed container is empty) or an object (its keys are noted under it).
        let probe = ProbeDecoder()
        if (try? T(from: probe)) != nil, probe.askedForUnkeyed {
            recorder.note(path, key, "array", optional: optional)
            return try T(from: EmptyArrayDecoder())
        }
        recorder.note(path, key, "object", optional: optional)
        return try T(from: recorder.decoder(path: path + [key.stringValue]))
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        recorder.note(path, key, "object", optional: false)
        return KeyedDecodingContainer(DescribingKeyedContainer<NestedKey>(recorder: recorder, path: path + [key.stringValue]))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        recorder.note(path, key, "array", optional: false)
        return EmptyUnkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { recorder.decoder(path: path) }
    func superDecoder(forKey key: Key) throws -> any Decoder { recorder.decoder(path: path + [key.stringValue]) }
}

/// Tells whether a type decodes from an array: it asks for an unkeyed container first.
private final class ProbeDecoder: Decoder {
    var askedForUnkeyed = false
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        throw DecodingError.typeMismatch(Any.self, .init(codingPath: [], debugDescription: "probe"))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        askedForUnkeyed = true
        return EmptyUnkeyedContainer()
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw DecodingError.typeMismatch(Any.self, .init(codingPath: [], debugDescription: "probe"))
    }
}

/// Decodes any array type as an empty array.
private struct EmptyArrayDecoder: Decoder {
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        throw DecodingError.typeMismatch(Any.self, .init(codingPath: [], debugDescription: "an array"))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer { EmptyUnkeyedContainer() }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw DecodingError.typeMismatch(Any.self, .init(codingPath: [], debugDescription: "an array"))
    }
}

private struct EmptyUnkeyedContainer: UnkeyedDecodingContainer {
    var codingPath: [any CodingKey] { [] }
    var count: Int? { 0 }
    var isAtEnd: Bool { true }
    var currentIndex: Int { 0 }

    mutating func decodeNil() throws -> Bool { false }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        throw DecodingError.valueNotFound(type, .init(codingPath: [], debugDescription: "empty"))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        throw DecodingError.valueNotFound(Any.self, .init(codingPath: [], debugDescription: "empty"))
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.valueNotFound(Any.self, .init(codingPath: [], debugDescription: "empty"))
    }

    mutating func superDecoder() throws -> any Decoder {
        throw DecodingError.valueNotFound(Any.self, .init(codingPath: [], debugDescription: "empty"))
    }
}
