import CoroqJSON
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The protocol's version, exchanged in `hello`. Bumped only for incompatible changes.
public let coroqProtocolVersion = 1

/// A JSON-RPC 2.0 request as sent: `{"jsonrpc":"2.0","id":…,"method":…,"params":…}`.
public struct RPCRequest<Params: Encodable & Sendable>: Encodable, Sendable {
    public let jsonrpc = "2.0"
    public var id: JSONValue
    public var method: String
    public var params: Params

    public init(id: JSONValue, method: String, params: Params) {
        self.id = id
        self.method = method
        self.params = params
    }
}

/// A successful JSON-RPC response.
public struct RPCResponse<Result: Encodable & Sendable>: Encodable, Sendable {
    public let jsonrpc = "2.0"
    public var id: JSONValue
    public var result: Result

    public init(id: JSONValue, result: Result) {
        self.id = id
        self.result = result
    }
}

/// A failed JSON-RPC response. `id` is null when the request could not be read at all.
public struct RPCErrorResponse: Codable, Sendable {
    public var jsonrpc = "2.0"
    public var id: JSONValue
    public var error: RPCError

    public init(id: JSONValue, error: RPCError) {
        self.id = id
        self.error = error
    }
}

/// A message the daemon pushes without being asked (no `id`), e.g. `task.finished` during a `wait`.
public struct RPCNotification<Params: Encodable & Sendable>: Encodable, Sendable {
    public let jsonrpc = "2.0"
    public var method: String
    public var params: Params

    public init(method: String, params: Params) {
        self.method = method
        self.params = params
    }
}

/// One message a client reads, parsed once: the fields that tell responses and notifications apart, and
/// the parsed members for reading its typed `params` or `result` without parsing the text again.
public struct RPCEnvelope: Sendable {
    public var jsonrpc: String?
    public var id: JSONValue?
    public var method: String?
    public var error: RPCError?
    /// The message's top-level members.
    public var members: [String: JSONValue]

    /// Reads one message from its JSON text. Not JSON, or not a JSON object, throws.
    public init(frame: UnsafeRawBufferPointer) throws {
        try self.init(value: try JSONValue(parsing: frame))
    }

    /// Reads one message from its JSON text. Not JSON, or not a JSON object, throws.
    public init(frame: Data) throws {
        try self.init(value: try JSONValue(parsing: frame))
    }

    private init(value: JSONValue) throws {
        guard case .object(let members) = value else {
            throw DecodingError.typeMismatch(
                [String: JSONValue].self, .init(codingPath: [], debugDescription: "a message must be a JSON object"))
        }
        self.members = members
        jsonrpc = try Self.string(members["jsonrpc"], "jsonrpc")
        id = members["id"]
        method = try Self.string(members["method"], "method")
        error = try members["error"].flatMap { try $0 == .null ? nil : $0.decode(as: RPCError.self) }
    }

    /// A string member read without a decoder (every frame has one or two); nil when absent or null.
    private static func string(_ value: JSONValue?, _ key: String) throws -> String? {
        switch value {
        case nil, .null: return nil
        case .string(let text): return text
        default:
            throw DecodingError.typeMismatch(String.self, .init(codingPath: [], debugDescription: "'\(key)' must be a string"))
        }
    }

    /// The message's `params` decoded as `P`, or nil when it has none.
    public func params<P: Decodable>(_ type: P.Type) throws -> P? {
        guard let params = members["params"], params != .null || P.self == JSONValue.self else { return nil }
        return try params.decode(as: P.self)
    }

    /// The message's `result` decoded as `R`.
    public func result<R: Decodable>(_ type: R.Type) throws -> R {
        guard let result = members["result"] else {
            throw DecodingError.keyNotFound(
                RPCResultKey.result, .init(codingPath: [], debugDescription: "the response has no 'result'"))
        }
        return try result.decode(as: R.self)
    }

    private enum RPCResultKey: CodingKey { case result }
}

extension Encodable {
    /// This message as compact JSON text (no newline): an element of a batch's answer.
    public func encodedJSON() throws -> [UInt8] {
        try JSONValue(encoding: self).serialized(sortedKeys: false)
    }

    /// This message as one frame: compact JSON followed by a newline.
    public func encodedFrame() throws -> Data {
        var bytes = try encodedJSON()
        bytes.append(0x0A)
        return Data(bytes)
    }
}

/// The release of coroq (daemon and CLI), reported by `hello` and `coroq version`.
public let coroqVersion = "0.1.0"
