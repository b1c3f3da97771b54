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

/// The fields every inbound message is first read for, to tell requests, responses and notifications apart.
public struct RPCEnvelope: Decodable, Sendable {
    public var jsonrpc: String?
    public var id: JSONValue?
    public var method: String?
    public var error: RPCError?

    /// Reads the envelope of one frame.
    public init(frame: Data) throws {
        self = try JSONDecoder().decode(RPCEnvelope.self, from: frame)
    }
}

/// Decoding the typed `params` or `result` of a frame whose envelope has been read.
public enum RPCPayload {
    private struct Params<P: Decodable>: Decodable { var params: P? }
    private struct Result<R: Decodable>: Decodable { var result: R }

    /// The frame's `params`, or nil when it has none.
    public static func params<P: Decodable>(_ type: P.Type, from frame: Data) throws -> P? {
        try JSONDecoder().decode(Params<P>.self, from: frame).params
    }

    /// The frame's `result`.
    public static func result<R: Decodable>(_ type: R.Type, from frame: Data) throws -> R {
        try JSONDecoder().decode(Result<R>.self, from: frame).result
    }
}

extension Encodable {
    /// This message as one frame: compact JSON followed by a newline.
    public func encodedFrame() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        var data = try encoder.encode(self)
        data.append(0x0A)
        return data
    }
}

/// The release of coroq (daemon and CLI), reported by `hello` and `coroq version`.
public let coroqVersion = "0.1.0"
