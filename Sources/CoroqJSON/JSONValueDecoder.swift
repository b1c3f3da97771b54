/// A decoder that reads a `JSONValue`: a type with many optional members can ask it which are present
/// (`allKeys` builds an array of keys through the container's type-erasing box, each time).
public protocol JSONValueSource {
    /// The value being decoded.
    var value: JSONValue { get }
}

/// Decodes a `Decodable` type straight from a `JSONValue`, without going through JSON text.
///
/// Errors are the standard `DecodingError`s with their coding paths, as `JSONDecoder` gives, so
/// `DecodingError.explanation` reads the same.
struct JSONValueDecoder: Decoder, JSONValueSource {
    let value: JSONValue
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        try primitive(type, value, [])
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = value else {
            throw mismatch([String: Any].self, value, codingPath)
        }
        return KeyedDecodingContainer(KeyedContainer<Key>(members: members, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = value else { throw mismatch([Any].self, value, codingPath) }
        return UnkeyedContainer(elements: elements, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleValueContainer(value: value, codingPath: codingPath)
    }
}

func mismatch(_ type: Any.Type, _ value: JSONValue, _ path: [any CodingKey]) -> DecodingError {
    if case .null = value {
        return .valueNotFound(type, .init(codingPath: path, debugDescription: "Expected \(type) value but found null instead."))
    }
    return .typeMismatch(type, .init(codingPath: path, debugDescription: "Expected to decode \(type) but found \(value.kindName) instead."))
}

/// The conversions from a JSON value to Swift's primitive types, shared by the three containers.
private func primitive<T: Decodable>(_ type: T.Type, _ value: JSONValue, _ path: [any CodingKey]) throws -> T {
    switch (type, value) {
    case (is String.Type, .string(let text)): return text as! T
    case (is Bool.Type, .bool(let flag)): return flag as! T
    case (is Double.Type, .double(let number)): return number as! T
    case (is Double.Type, .int(let number)): return Double(number) as! T
    case (is Double.Type, .uint(let number)): return Double(number) as! T
    case (is Float.Type, .double), (is Float.Type, .int), (is Float.Type, .uint): return try float(value, path) as! T
    case (is JSONValue.Type, _): return value as! T
    default: break
    }
    if let integerType = type as? any FixedWidthInteger.Type {
        return try integer(integerType, value, path) as! T
    }
    // JSONDecoder calls a null where a Bool belongs a type mismatch (and, for every other type, a missing value).
    if T.self == Bool.self, case .null = value {
        throw DecodingError.typeMismatch(type, .init(codingPath: path, debugDescription: "Expected to decode Bool but found null instead."))
    }
    if T.self == String.self || T.self == Bool.self || T.self == Double.self || T.self == Float.self {
        throw mismatch(type, value, path)
    }
    if let special = try FoundationValues.decode(type, from: value, path: path) { return special }
    return try T(from: JSONValueDecoder(value: value, codingPath: path))
}

/// As JSONDecoder: any number with an exact value of the type, "2.0" and "1e2" included.
private func integer<I: FixedWidthInteger>(_ type: I.Type, _ value: JSONValue, _ path: [any CodingKey]) throws -> I {
    let exact: I?
    switch value {
    case .int(let number): exact = I(exactly: number)
    case .uint(let number): exact = I(exactly: number)
    case .double(let number): exact = I(exactly: number)
    default: throw mismatch(type, value, path)
    }
    guard let exact else { throw doesNotFit(type, value, path) }
    return exact
}

/// As JSONDecoder, which reads a `Float` from the number's text: from the shortest text of the double (the
/// original text for anything a `Float` or a person wrote), so no double rounding; out of range is refused.
private func float(_ value: JSONValue, _ path: [any CodingKey]) throws -> Float {
    let number: Float? = switch value {
    case .int(let integer): Float(exactly: integer) ?? Float(String(integer))
    case .uint(let integer): Float(exactly: integer) ?? Float(String(integer))
    case .double(let double): Float(double.description)
    default: nil
    }
    // JSONDecoder refuses what overflows to infinity and what underflows to zero (1e-50).
    guard let number, number.isFinite, number != 0 || value.isZero else { throw doesNotFit(Float.self, value, path) }
    return number
}

private func doesNotFit(_ type: Any.Type, _ value: JSONValue, _ path: [any CodingKey]) -> DecodingError {
    .dataCorrupted(.init(codingPath: path, debugDescription: "Parsed JSON number <\(value.jsonText)> does not fit in \(type)."))
}

private struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let members: [String: JSONValue]
    let codingPath: [any CodingKey]

    var allKeys: [Key] { members.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { members[key.stringValue] != nil }

    private func member(_ key: Key) throws -> JSONValue {
        guard let value = members[key.stringValue] else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "No value associated with key \(key.stringValue)."))
        }
        return value
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        if case .null = try member(key) { return true }
        return false
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try primitive(type, try member(key), codingPath + [key])
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        // As JSONDecoder: a missing member and a null one both decode as nil.
        guard let value = members[key.stringValue], value != .null else { return nil }
        return try primitive(type, value, codingPath + [key])
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try JSONValueDecoder(value: try member(key), codingPath: codingPath + [key]).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try JSONValueDecoder(value: try member(key), codingPath: codingPath + [key]).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        JSONValueDecoder(value: members["super"] ?? .null, codingPath: codingPath + [SuperKey()])
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        JSONValueDecoder(value: members[key.stringValue] ?? .null, codingPath: codingPath + [key])
    }
}

/// The member `superDecoder()` and `superEncoder()` use, and the key they add to the coding path, as Foundation.
struct SuperKey: CodingKey {
    var stringValue: String { "super" }
    var intValue: Int? { nil }
    init() {}
    init?(stringValue: String) { nil }
    init?(intValue: Int) { nil }
}

private struct IndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String { "\(intValue!)" }
    init(_ index: Int) { intValue = index }
    init?(intValue: Int) { self.intValue = intValue }
    init?(stringValue: String) { nil }
}

private struct UnkeyedContainer: UnkeyedDecodingContainer {
    let elements: [JSONValue]
    let codingPath: [any CodingKey]
    var currentIndex = 0

    init(elements: [JSONValue], codingPath: [any CodingKey]) {
        self.elements = elements
        self.codingPath = codingPath
    }

    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    /// The current element; the index moves on only once it has been decoded (`advance`), so a failed
    /// `try? decode(A.self)` can be followed by `decode(B.self)` of the same element, as with JSONDecoder.
    private func peek(_ type: Any.Type) throws -> (JSONValue, [any CodingKey]) {
        let path = codingPath + [IndexKey(currentIndex)]
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(type, .init(codingPath: path, debugDescription: "Unkeyed container is at end."))
        }
        return (elements[currentIndex], path)
    }

    private mutating func next<R>(_ type: Any.Type, _ body: (JSONValue, [any CodingKey]) throws -> R) throws -> R {
        let (value, path) = try peek(type)
        let result = try body(value, path)
        currentIndex += 1
        return result
    }

    /// At the end this throws, as JSONDecoder's does, rather than answering false.
    mutating func decodeNil() throws -> Bool {
        guard case .null = try peek(Never.self).0 else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try next(type) { value, path in try primitive(type, value, path) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next([String: JSONValue].self) { value, path in
            try JSONValueDecoder(value: value, codingPath: path).container(keyedBy: type)
        }
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try next([JSONValue].self) { value, path in try JSONValueDecoder(value: value, codingPath: path).unkeyedContainer() }
    }

    mutating func superDecoder() throws -> any Decoder {
        try next(JSONValue.self) { value, path in JSONValueDecoder(value: value, codingPath: path) }
    }
}

private struct SingleValueContainer: SingleValueDecodingContainer {
    let value: JSONValue
    let codingPath: [any CodingKey]

    func decodeNil() -> Bool {
        if case .null = value { return true }
        return false
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try primitive(type, value, codingPath)
    }
}

extension JSONValue {
    fileprivate var isZero: Bool {
        switch self {
        case .int(let number): number == 0
        case .double(let number): number == 0
        default: false
        }
    }

    /// What kind of JSON value this is, for error messages.
    var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .uint, .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
