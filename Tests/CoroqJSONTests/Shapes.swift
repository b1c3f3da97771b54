import Foundation

// The Codable shapes a user's job may take for its arguments and results, for the differential tests
// against Foundation. Each is Equatable so the two decoders' results can be compared.

/// Every primitive and Foundation type that JSONEncoder treats in its own way.
struct Leaves: Codable, Equatable {
    var i8: Int8, i16: Int16, i32: Int32, i64: Int64, int: Int
    var u8: UInt8, u16: UInt16, u32: UInt32, u64: UInt64, uint: UInt
    var float: Float, double: Double, bool: Bool, string: String
    var data: Data, date: Date, decimal: Decimal, url: URL
}

/// Containers: nested structs, arrays, dictionaries with String, Int and other keys, optionals.
struct Containers: Codable, Equatable {
    struct Inner: Codable, Equatable {
        var name: String
        var values: [Int16]
        var maybe: Double?
    }
    var inner: Inner
    var inners: [Inner]
    var byName: [String: Inner]
    var byNumber: [Int: [String]]
    var byMode: [Mode: Int]  // not CodingKeyRepresentable: an array of alternating keys and values
    var optionalList: [Int?]
    var nestedArrays: [[UInt8]]
    var absent: String?
    var empty: [String: Int]
    var emptyList: [Bool]
}

enum Mode: String, Codable, CaseIterable { case fast, slow, ünïcode = "ü/\"" }
enum Level: Int, Codable, CaseIterable { case low = -1, middle = 0, high = 7 }

/// Synthesised Codable of enums with associated values.
enum Shape: Codable, Equatable {
    case circle(radius: Double)
    case rect(width: Int, height: Int)
    case labelled(String, Level)
    case tagged(mode: Mode, Data?)
    case empty
}

/// A custom `encode(to:)` with nested containers, an explicit null and a skipped nil.
struct Custom: Codable, Equatable {
    var title: String
    var point: (x: Int, y: Int)
    var note: String?
    var explicitNull: Bool

    enum Keys: String, CodingKey { case title, point, note, marker, list }
    enum PointKeys: String, CodingKey { case x, y }

    init(title: String, point: (x: Int, y: Int), note: String?, explicitNull: Bool) {
        (self.title, self.point, self.note, self.explicitNull) = (title, point, note, explicitNull)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(title, forKey: .title)
        var point = container.nestedContainer(keyedBy: PointKeys.self, forKey: .point)
        try point.encode(self.point.x, forKey: .x)
        try point.encode(self.point.y, forKey: .y)
        try container.encodeIfPresent(note, forKey: .note)
        if explicitNull { try container.encodeNil(forKey: .marker) }
        var list = container.nestedUnkeyedContainer(forKey: .list)
        try list.encode(title.count)
        try list.encodeNil()
        var inner = list.nestedContainer(keyedBy: PointKeys.self)
        try inner.encode(self.point.y, forKey: .y)
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        title = try container.decode(String.self, forKey: .title)
        let point = try container.nestedContainer(keyedBy: PointKeys.self, forKey: .point)
        self.point = (try point.decode(Int.self, forKey: .x), try point.decode(Int.self, forKey: .y))
        note = try container.decodeIfPresent(String.self, forKey: .note)
        explicitNull = try container.contains(.marker) && container.decodeNil(forKey: .marker)
        var list = try container.nestedUnkeyedContainer(forKey: .list)
        _ = try list.decode(Int.self)
        guard try list.decodeNil() else { throw DecodingError.dataCorruptedError(in: list, debugDescription: "expected null") }
        _ = try list.nestedContainer(keyedBy: PointKeys.self)
    }

    static func == (a: Custom, b: Custom) -> Bool {
        a.title == b.title && a.point == b.point && a.note == b.note && a.explicitNull == b.explicitNull
    }
}

/// A class hierarchy through `superEncoder()`, `superEncoder(forKey:)` and an unkeyed super encoder.
class Base: Codable, Equatable {
    var id: Int64
    var label: String?

    init(id: Int64, label: String?) { (self.id, self.label) = (id, label) }

    static func == (a: Base, b: Base) -> Bool { a.isEqual(to: b) }
    func isEqual(to other: Base) -> Bool { type(of: self) == type(of: other) && id == other.id && label == other.label }
}

final class Derived: Base {
    var extra: [String]
    var keyedSuper: Bool

    enum Keys: String, CodingKey { case extra, keyedSuper, parent }

    init(id: Int64, label: String?, extra: [String], keyedSuper: Bool) {
        (self.extra, self.keyedSuper) = (extra, keyedSuper)
        super.init(id: id, label: label)
    }

    override func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(extra, forKey: .extra)
        try container.encode(keyedSuper, forKey: .keyedSuper)
        try super.encode(to: keyedSuper ? container.superEncoder(forKey: .parent) : container.superEncoder())
    }

    required init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        extra = try container.decode([String].self, forKey: .extra)
        keyedSuper = try container.decode(Bool.self, forKey: .keyedSuper)
        try super.init(from: keyedSuper ? container.superDecoder(forKey: .parent) : container.superDecoder())
    }

    override func isEqual(to other: Base) -> Bool {
        guard let other = other as? Derived else { return false }
        return super.isEqual(to: other) && extra == other.extra && keyedSuper == other.keyedSuper
    }
}

/// A pair written through an unkeyed container's `superEncoder()`.
struct UnkeyedSuper: Codable, Equatable {
    var base: Base
    var tail: Int

    func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try base.encode(to: container.superEncoder())
        try container.encode(tail)
    }

    init(base: Base, tail: Int) { (self.base, self.tail) = (base, tail) }

    init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        base = try Base(from: container.superDecoder())
        tail = try container.decode(Int.self)
    }
}

/// Everything at once: what a differential case encodes.
struct Payload: Codable, Equatable {
    var leaves: Leaves
    var containers: Containers
    var shapes: [Shape]
    var custom: Custom
    var derived: Derived
    var unkeyedSuper: UnkeyedSuper
    var mode: Mode
    var level: Level?
}
