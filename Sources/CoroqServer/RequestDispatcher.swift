import CoroqCore
import CoroqJSON
import CoroqProtocol
import Foundation
import Logging
import NIOCore

/// Reads one request frame, checks the envelope and the `hello` gate, and hands it to its handler.
struct RequestDispatcher: Sendable {
    /// Per-connection state.
    struct Session {
        var greeted = false
    }

    let submit: SubmitHandler
    let wait: WaitHandler
    let status: StatusHandler
    let control: TaskControlHandler
    let logs: LogsHandler
    let maintenance: MaintenanceHandler
    let jobNames: [String]
    let maximumFrameLength: Int

    func handle(_ bytes: ByteBuffer, session: inout Session, replier: Replier) async {
        let frame = Data(bytes.readableBytesView)
        if frame.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { return }  // blank line
        let envelope: RPCEnvelope
        do {
            envelope = try RPCEnvelope(frame: frame)
        } catch {
            return await replier.fail(.null, RPCError(.parseError, "not valid JSON: \(Self.reason(error))"))
        }
        let id = envelope.id
        guard envelope.jsonrpc == "2.0", let methodName = envelope.method else {
            return await replier.fail(id ?? .null, RPCError(
                .invalidRequest, #"a request needs "jsonrpc": "2.0" and a "method""#))
        }
        guard let method = RPCMethod(rawValue: methodName) else {
            return await replier.fail(id, RPCError(
                .methodNotFound, "unknown method '\(methodName)'; methods: \(RPCMethod.allCases.map(\.rawValue).joined(separator: ", "))"))
        }
        guard session.greeted || method == .hello else {
            return await replier.fail(id, RPCError(
                .helloRequired, #"say hello first: {"jsonrpc":"2.0","id":0,"method":"hello","params":{"protocol_version":1}}"#))
        }
        do {
            try await dispatch(method, envelope: envelope, id: id, session: &session, replier: replier)
        } catch {
            await replier.fail(id, error)
        }
    }

    private func dispatch(
        _ method: RPCMethod, envelope: RPCEnvelope, id: JSONValue?, session: inout Session, replier: Replier
    ) async throws(RPCError) {
        switch method {
        case .hello:
            let params = try Self.params(HelloParams.self, from: envelope, required: true)!
            guard params.protocolVersion == coroqProtocolVersion else {
                throw RPCError(.unsupportedVersion,
                    "this coroqd speaks protocol version \(coroqProtocolVersion), the client \(params.protocolVersion); use matching versions of coroq and coroqd")
            }
            session.greeted = true
            await reply(id, HelloResult(server: "coroqd \(coroqVersion)", jobs: jobNames), replier)
        case .submit: try await answer(envelope, id, replier) { (params: SubmitParams) throws(RPCError) in try await submit.submit(params) }
        case .wait: try await answer(envelope, id, replier) { (params: WaitParams) throws(RPCError) in try await wait.wait(params, replier: replier) }
        case .status:
            let params = try Self.params(StatusParams.self, from: envelope, required: false) ?? StatusParams()
            await reply(id, try await status.status(params), replier)
        case .get: try await answer(envelope, id, replier) { (params: GetParams) throws(RPCError) in try await status.get(params) }
        case .show: try await answer(envelope, id, replier) { (params: TaskParams) throws(RPCError) in try await control.show(params) }
        case .cancel: try await answer(envelope, id, replier) { (params: CancelParams) throws(RPCError) in try await control.cancel(params) }
        case .retry: try await answer(envelope, id, replier) { (params: TaskParams) throws(RPCError) in try await control.retry(params) }
        case .clean: try await answer(envelope, id, replier) { (params: CleanParams) throws(RPCError) in try await maintenance.clean(params) }
        case .logs: try await answer(envelope, id, replier) { (params: LogsParams) throws(RPCError) in try await logs.logs(params, replier: replier) }
        case .backup: try await answer(envelope, id, replier) { (params: BackupParams) throws(RPCError) in try await maintenance.backup(params) }
        }
    }

    /// Decodes the frame's required params, runs `handler`, and answers with its result.
    private func answer<Params: Decodable, Result: Encodable & Sendable>(
        _ envelope: RPCEnvelope, _ id: JSONValue?, _ replier: Replier,
        _ handler: (Params) async throws(RPCError) -> Result
    ) async throws(RPCError) {
        let params = try Self.params(Params.self, from: envelope, required: true)!
        await reply(id, try await handler(params), replier)
    }

    private func reply(_ id: JSONValue?, _ result: some Encodable & Sendable, _ replier: Replier) async {
        guard let id else { return }
        await replier.send(RPCResponse(id: id, result: result))
    }

    private static func params<P: Decodable>(
        _ type: P.Type, from envelope: RPCEnvelope, required: Bool
    ) throws(RPCError) -> P? {
        let params: P?
        do {
            params = try envelope.params(P.self)
        } catch {
            throw RPCError(.invalidParams, "invalid params: \(reason(error))")
        }
        if required && params == nil { throw RPCError(.invalidParams, "this method needs \"params\"") }
        return params
    }

    private static func reason(_ error: any Error) -> String {
        guard let decoding = error as? DecodingError else { return "\(error)" }
        if case .dataCorrupted(let context) = decoding, context.codingPath.isEmpty {
            return (context.underlyingError as? NSError)?.localizedDescription ?? context.debugDescription
        }
        return decoding.explanation.replacingOccurrences(of: "'params.", with: "'")
    }
}
