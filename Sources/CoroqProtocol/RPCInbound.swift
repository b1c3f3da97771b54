import CoroqJSON

/// What a server reads from one line, decoded once in the channel pipeline (`RPCRequestDecoder`): one call,
/// a batch of calls (JSON-RPC 2.0 section 6), or the news that the line was over the frame cap.
public enum RPCInbound: Sendable {
    case single(RPCCall)
    /// A non-empty array of calls, answered by one array of the responses (none for notifications).
    case batch([RPCCall])
    /// A line longer than the frame cap; it was skipped.
    case oversized
}

/// One call of a line or a batch: a well-formed request, or what to answer a malformed one with.
public enum RPCCall: Sendable {
    case request(RPCIncomingRequest)
    /// Not a request: answered with `error` under `id` (null when the id could not be read).
    case invalid(id: JSONValue, error: RPCError)

    /// Reads one request object as JSON-RPC 2.0 section 4 defines it.
    public init(_ value: JSONValue) {
        guard case .object(let members) = value else {
            self = .invalid(id: .null, error: RPCError(.invalidRequest, "a request must be a JSON object"))
            return
        }
        let id = members["id"]
        let usableID: JSONValue
        switch id {
        case nil, .null, .string, .int, .double: usableID = id ?? .null
        default:
            self = .invalid(id: .null, error: RPCError(.invalidRequest, #""id" must be a string, a number or null"#))
            return
        }
        guard members["jsonrpc"] == .string("2.0"), case .string(let method) = members["method"] else {
            self = .invalid(id: usableID, error: RPCError(
                .invalidRequest, #"a request needs "jsonrpc": "2.0" and a "method" that is a string"#))
            return
        }
        let params = members["params"]
        switch params {
        case nil, .object, .array: break
        default:
            self = .invalid(id: usableID, error: RPCError(.invalidRequest, #""params" must be an object or an array"#))
            return
        }
        self = .request(RPCIncomingRequest(id: id, method: method, params: params))
    }
}

/// A well-formed request: its `params` are decoded into the method's own type by the handler, from the
/// value parsed once.
public struct RPCIncomingRequest: Sendable {
    /// Nil for a notification (no `"id"` member): it runs but gets no answer, not even an error.
    public var id: JSONValue?
    public var method: String
    public var params: JSONValue?

    public init(id: JSONValue?, method: String, params: JSONValue?) {
        self.id = id
        self.method = method
        self.params = params
    }

    /// The request's `params` decoded as `P`, or nil when it has none.
    public func params<P: Decodable>(_ type: P.Type) throws -> P? {
        guard let params else { return nil }
        return try params.decode(as: P.self)
    }
}

extension RPCInbound {
    /// Reads one line of JSON text: `nil` for a blank line.
    public init?(line bytes: UnsafeRawBufferPointer) {
        if bytes.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { return nil }
        let value: JSONValue
        do {
            value = try JSONValue(parsing: bytes)
        } catch {
            self = .single(.invalid(id: .null, error: RPCError(.parseError, "not valid JSON: \(error)")))
            return
        }
        guard case .array(let elements) = value else {
            self = .single(RPCCall(value))
            return
        }
        guard !elements.isEmpty else {
            self = .single(.invalid(id: .null, error: RPCError(.invalidRequest, "an empty batch: send at least one request")))
            return
        }
        self = .batch(elements.map(RPCCall.init))
    }
}
