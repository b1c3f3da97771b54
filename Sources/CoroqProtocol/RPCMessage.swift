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

/// One inbound frame, parsed once: the fields that tell requests, responses and notifications apart, and
/// the whole message for reading its typed `params` or `result`.
public struct RPCEnvelope: Sendable {
    public var jsonrpc: String?
    public var id: JSONValue?
    public var method: String?
    public var error: RPCError?
    /// The frame's top-level members.
    public var members: [String: JSONValue]

    /// Reads one frame. Not JSON, or not a JSON object, throws.
    public init(frame: Data) throws {
        guard case .object(let members) = try JSONValue(parsing: frame) else {
            throw DecodingError.typeMismatch(
                [String: JSONValue].self, .init(codingPath: [], debugDescription: "a message must be a JSON object"))
        }
        self.members = members
        jsonrpc = try members["jsonrpc"].flatMap { try $0 == .null ? nil : $0.decode(as: String.self) }
        id = members["id"]
        method = try members["method"].flatMap { try $0 == .null ? nil : $0.decode(as: String.self) }
        error = try members["error"].flatMap { try $0 == .null ? nil : $0.decode(as: RPCError.self) }
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

/// Decoding the typed `params` or `result` of a frame.
public enum RPCPayload {
    /// The frame's `params`, or nil when it has none.
    public static func params<P: Decodable>(_ type: P.Type, from frame: Data) throws -> P? {
        try RPCEnvelope(frame: frame).params(type)
    }

    /// The frame's `result`.
    public static func result<R: Decodable>(_ type: R.Type, from frame: Data) throws -> R {
        try RPCEnvelope(frame: frame).result(type)
    }
}

extension Encodable {
    /// This message as one frame: compact JSON followed by a newline.
    public func encodedFrame() throws -> Data {
        var bytes = try JSONValue(encoding: self).serialized(sortedKeys: false)
        bytes.append(0x0A)
        return Data(bytes)
    }
}

/// The release of coroq (daemon and CLI), reported by `hello` and `coroq version`.
public let coroqVersion = "0.1.0"
