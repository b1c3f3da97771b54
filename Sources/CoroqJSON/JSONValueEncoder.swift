/// Encodes an `Encodable` value straight into a `JSONValue`, without going through JSON text.
///
/// Containers write into shared nodes (classes), because a nested container outlives the call that
/// created it; the tree of nodes becomes a `JSONValue` at the end.
enum JSONValueEncoder {
    static func encode(_ value: some Encodable) throws -> JSONValue {
        if let value = value as? JSONValue { return value }
        let root = EncodingNode()
        try encodeValue(value, into: root, path: [])
        return root.value
    }
}

private final class EncodingNode {
    enum Content {
        case empty
        case value(JSONValue)
        case object([String: EncodingNode])
        case array([EncodingNode])
    }

    var content = Content.empty

    var value: JSONValue {
        switch content {
        case .empty: .object([:])
        case .value(let value): value
        case .object(let members): .object(members.mapValues(\.value))
        case .array(let elements): .array(elements.map(\.value))
        }
    }

    func setMember(_ key: String, _ child: EncodingNode) {
        if case .object(var members) = content {
            content = .empty  // keeps `members` uniquely referenced while it grows
            members[key] = child
            content = .object(members)
        } else {
            content = .object([key: child])
        }
    }

    func appendElement(_ child: EncodingNode) {
        if case .array(var elements) = content {
            content = .empty
            elements.append(child)
            content = .array(elements)
        } else {
            content = .array([child])
        }
    }
}

/// Encodes one value into a node: a primitive directly, anything else through its `encode(to:)`.
private func encodeValue<T: Encodable>(_ value: T, into node: EncodingNode, path: [any CodingKey]) throws {
    switch value {
    case let value as JSONValue: node.content = .value(value)
    case let value as String: node.content = .value(.string(value))
    case let value as Bool: node.content = .value(.bool(value))
    case let value as Int: node.content = .value(.int(Int64(value)))
    case let value as Int64: node.content = .value(.int(value))
    case let value as Double: node.content = .value(try finite(value, path))
    // JSONEncoder writes a Float's own shortest text ("0.1", not the double 0.10000000149011612).
    case let value as Float: node.content = .value(try finite(value, path))
    default:
        if let integer = value as? any FixedWidthInteger {
            node.content = .value(try exactInteger(integer, path))
        } else if let special = try FoundationValues.encode(value, path: path) {
            node.content = .value(special)
        } else {
            try value.encode(to: NodeEncoder(node: node, codingPath: path))
        }
    }
}

private func exactInteger(_ integer: some FixedWidthInteger, _ path: [any CodingKey]) throws -> JSONValue {
    if let exact = Int64(exactly: integer) { return .int(exact) }
    if let exact = UInt64(exactly: integer) { return .uint(exact) }
    throw EncodingError.invalidValue(integer, .init(codingPath: path, debugDescription: "\(integer) does not fit in a 64-bit JSON integer."))
}

/// Non-finite numbers have no JSON form; JSONEncoder refuses them with the same error.
private func finite<F: BinaryFloatingPoint & LosslessStringConvertible>(_ number: F, _ path: [any CodingKey]) throws -> JSONValue {
    guard number.isFinite else {
        let name = number.isNaN ? "nan" : number < 0 ? "-infinity" : "infinity"
        throw EncodingError.invalidValue(number, .init(codingPath: path, debugDescription: "Unable to encode \(F.self).\(name) directly in JSON."))
    }
    if let double = number as? Double { return .double(double) }
    return .double(Double(number.description)!)
}

private struct NodeEncoder: Encoder {
    let node: EncodingNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object = node.content {} else { node.content = .object([:]) }
        return KeyedEncodingContainer(KeyedContainer<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array = node.content {} else { node.content = .array([]) }
        return UnkeyedContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueContainer(node: node, codingPath: codingPath)
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: EncodingNode
    let codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws {
        let child = EncodingNode()
        child.content = .value(.null)
        node.setMember(key.stringValue, child)
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        let child = EncodingNode()
        try encodeValue(value, into: child, path: codingPath + [key])
        node.setMember(key.stringValue, child)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let child = EncodingNode()
        node.setMember(key.stringValue, child)
        return NodeEncoder(node: child, codingPath: codingPath + [key]).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = EncodingNode()
        node.setMember(key.stringValue, child)
        return NodeEncoder(node: child, codingPath: codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        let child = EncodingNode()
        node.setMember("super", child)
        return NodeEncoder(node: child, codingPath: codingPath + [SuperKey()])
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let child = EncodingNode()
        node.setMember(key.stringValue, child)
        return NodeEncoder(node: child, codingPath: codingPath + [key])
    }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let node: EncodingNode
    let codingPath: [any CodingKey]
    private(set) var count = 0

    init(node: EncodingNode, codingPath: [any CodingKey]) {
        self.node = node
        self.codingPath = codingPath
    }

    private mutating func nextChild() -> EncodingNode {
        let child = EncodingNode()
        node.appendElement(child)
        count += 1
        return child
    }

    mutating func encodeNil() throws {
        nextChild().content = .value(.null)
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let path = codingPath + [ElementKey(count)]
        try encodeValue(value, into: nextChild(), path: path)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let path = codingPath + [ElementKey(count)]
        return NodeEncoder(node: nextChild(), codingPath: path).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let path = codingPath + [ElementKey(count)]
        return NodeEncoder(node: nextChild(), codingPath: path).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        let path = codingPath + [ElementKey(count)]
        return NodeEncoder(node: nextChild(), codingPath: path)
    }
}

private struct ElementKey: CodingKey {
    var intValue: Int?
    var stringValue: String { "\(intValue!)" }
    init(_ index: Int) { intValue = index }
    init?(intValue: Int) { self.intValue = intValue }
    init?(stringValue: String) { nil }
}

private struct SingleValueContainer: SingleValueEncodingContainer {
    let node: EncodingNode
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws {
        node.content = .value(.null)
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try encodeValue(value, into: node, path: codingPath)
    }
}
