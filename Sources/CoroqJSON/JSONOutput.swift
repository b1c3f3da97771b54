/// JSON text written piece by piece into one growing byte array: for hot wire messages whose shape is known
/// (a `task.finished` notification), written straight from their fields instead of through a `JSONValue`
/// tree. Values are written exactly as `JSONValue.serialized(sortedKeys: false)` writes them.
///
/// - Important: the caller is responsible for the structure (commas, colons, brackets); `member(_:)` and
///   `separator()` help with the common cases.
public struct JSONOutput {
    private var writer: JSONWriter

    public init(capacity: Int = 256) {
        writer = JSONWriter(sortedKeys: false, capacity: capacity)
    }

    /// The text written so far.
    public var bytes: [UInt8] { writer.bytes }

    /// Appends ASCII punctuation or a fixed fragment (`{"jsonrpc":"2.0",`), as is.
    public mutating func raw(_ text: StaticString) {
        writer.bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Appends one byte, as is (a `,`, `}` or newline).
    public mutating func raw(_ byte: UInt8) {
        writer.bytes.append(byte)
    }

    /// Appends `"key":`.
    public mutating func key(_ name: StaticString) {
        raw(UInt8(ascii: "\""))
        raw(name)
        raw("\":")
    }

    public mutating func string(_ text: String) { writer.write(.string(text)) }
    public mutating func int(_ number: Int64) { writer.write(.int(number)) }
    public mutating func double(_ number: Double) { writer.write(.double(number)) }
    public mutating func bool(_ flag: Bool) { writer.write(.bool(flag)) }
    public mutating func value(_ value: JSONValue) { writer.write(value) }
}

extension JSONValue {
    /// Parses JSON text held in raw memory (a network buffer), without copying it first.
    public init(parsing bytes: UnsafeRawBufferPointer) throws {
        self = try JSONParser.parse(bytes.bindMemory(to: UInt8.self))
    }
}
