import CoroqJSON
import CoroqProtocol
import NIOCore
import Testing

/// Lines read as JSON-RPC 2.0 says (sections 4–6), once, straight from the buffer.
@Suite struct RPCRequestDecoderTests {
    private func decodeAll(_ text: String, maximumFrameLength: Int = 1024) throws -> [RPCInbound] {
        var decoder = RPCRequestDecoder(maximumFrameLength: maximumFrameLength)
        var buffer = ByteBuffer(string: text)
        var messages: [RPCInbound] = []
        while let message = try decoder.decode(buffer: &buffer) { messages.append(message) }
        while let message = try decoder.decodeLast(buffer: &buffer, seenEOF: true) { messages.append(message) }
        return messages
    }

    private func single(_ text: String) throws -> RPCCall {
        let messages = try decodeAll(text + "\n")
        guard messages.count == 1, case .single(let call) = messages[0] else {
            Issue.record("expected one call from \(text)")
            return .invalid(id: .null, error: RPCError(.internalError, ""))
        }
        return call
    }

    private func errorCode(_ call: RPCCall) -> (JSONValue, RPCErrorCode?)? {
        guard case .invalid(let id, let error) = call else { return nil }
        return (id, error.knownCode)
    }

    @Test func aRequestIsReadOnceWithItsParams() throws {
        guard case .request(let request) = try single(#"{"jsonrpc":"2.0","id":"a","method":"get","params":{"id":4}}"#) else {
            Issue.record("not a request")
            return
        }
        #expect(request.id == "a" && request.method == "get")
        #expect(try request.params(GetParams.self)?.id == 4)
    }

    @Test func aNotificationHasNoID() throws {
        guard case .request(let request) = try single(#"{"jsonrpc": "2.0", "method": "foobar"}"#) else {
            Issue.record("not a request")
            return
        }
        #expect(request.id == nil)
        guard case .request(let nullID) = try single(#"{"jsonrpc":"2.0","method":"status","id":null}"#) else {
            Issue.record("not a request")
            return
        }
        #expect(nullID.id == .null, "an explicit null id is a request, answered with id null")
    }

    @Test(arguments: [
        // The specification's examples (section 7).
        (#"{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]"#, RPCErrorCode.parseError, JSONValue.null),
        (#"{"jsonrpc": "2.0", "method": 1, "params": "bar"}"#, .invalidRequest, .null),
        (#"[{"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},{"jsonrpc": "2.0", "method""#, .parseError, .null),
        ("[]", .invalidRequest, .null),
        // And ours: not an object, no version, a bad id, a method that is not a string, params neither
        // object nor array. An id that could be read is kept.
        ("1", .invalidRequest, .null),
        (#""hello""#, .invalidRequest, .null),
        (#"{"id":1,"method":"status"}"#, .invalidRequest, 1),
        (#"{"jsonrpc":"2.0","id":{"a":1},"method":"status"}"#, .invalidRequest, .null),
        (#"{"jsonrpc":"2.0","id":7,"method":2}"#, .invalidRequest, 7),
        (#"{"jsonrpc":"2.0","id":"x","method":"status","params":"bar"}"#, .invalidRequest, "x"),
    ])
    func malformedLinesAreAnsweredWithTheSpecsCode(line: String, code: RPCErrorCode, id: JSONValue) throws {
        let call = try single(line)
        let (answeredID, found) = try #require(errorCode(call))
        #expect(found == code)
        #expect(answeredID == id)
    }

    @Test func aBatchIsAnArrayOfCallsEachJudgedOnItsOwn() throws {
        let messages = try decodeAll(#"[1,{"jsonrpc":"2.0","method":"status","id":"1"},{"foo":"boo"}]"# + "\n")
        guard messages.count == 1, case .batch(let calls) = messages[0] else {
            Issue.record("expected one batch")
            return
        }
        #expect(calls.count == 3)
        #expect(errorCode(calls[0])?.1 == .invalidRequest)
        guard case .request(let request) = calls[1] else {
            Issue.record("the second call is valid")
            return
        }
        #expect(request.method == "status" && request.id == "1")
        #expect(errorCode(calls[2])?.1 == .invalidRequest)
    }

    @Test func blankLinesAreSkippedAndOversizedOnesReported() throws {
        let messages = try decodeAll("\n  \n" + String(repeating: "x", count: 60) + "\n" + #"{"jsonrpc":"2.0","method":"status"}"#,
                                     maximumFrameLength: 40)
        #expect(messages.count == 2)
        guard case .oversized = messages[0], case .single(.request(let last)) = messages[1] else {
            Issue.record("expected oversized, then the last line without its newline")
            return
        }
        #expect(last.method == "status")
    }
}
