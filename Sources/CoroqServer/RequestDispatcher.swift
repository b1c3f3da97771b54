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
            try await dispatch(method, frame: frame, id: id, session: &session, replier: replier)
        } catch {
            await replier.fail(id, error)
        }
    }

    private func dispatch(
        _ method: RPCMethod, frame: Data, id: JSONValue?, session: inout Session, replier: Replier
    ) async throws(RPCError) {
        switch method {
        case .hello:
            let params = try Self.params(HelloParams.self, from: frame, required: true)!
            guard params.protocolVersion == coroqProtocolVersion else {
                throw RPCError(.unsupportedVersion,
                    "this coroqd speaks protocol version \(coroqProtocolVersion), the client \(params.protocolVersion); use matching versions of coroq and coroqd")
            }
            session.greeted = true
            await reply(id, HelloResult(server: "coroqd \(coroqVersion)", jobs: jobNames), replier)
        case .submit:
            let params = try Self.params(SubmitParams.self, from: frame, required: true)!
            await reply(id, try await submit.submit(params), replier)
        case .wait:
            let params = try Self.params(WaitParams.self, from: frame, required: true)!
            await reply(id, try await wait.wait(params, replier: replier), replier)
        case .status:
            let params = try Self.params(StatusParams.self, from: frame, required: false) ?? StatusParams()
            await reply(id, try await status.status(params), replier)
        case .get:
            let params = try Self.params(GetParams.self, from: frame, required: true)!
            await reply(id, try await status.get(params), replier)
        case .show:
            let params = try Self.params(TaskParams.self, from: frame, required: true)!
            await reply(id, try await control.show(params), replier)
        case .cancel:
            let params = try Self.params(CancelParams.self, from: frame, required: true)!
            await reply(id, try await control.cancel(params), replier)
        case .retry:
            let params = try Self.params(TaskParams.self, from: frame, required: true)!
            await reply(id, try await control.retry(params), replier)
        case .clean:
            let params = try Self.params(CleanParams.self, from: frame, required: true)!
            await reply(id, try await maintenance.clean(params), replier)
        case .backup:
            let params = try Self.params(BackupParams.self, from: frame, required: true)!
            await reply(id, try await maintenance.backup(params), replier)
        }
    }

    private func reply(_ id: JSONValue?, _ result: some Encodable & Sendable, _ replier: Replier) async {
        guard let id else { return }
        await replier.send(RPCResponse(id: id, result: result))
    }

    private static func params<P: Decodable>(
        _ type: P.Type, from frame: Data, required: Bool
    ) throws(RPCError) -> P? {
        let params: P?
        do {
            params = try RPCPayload.params(P.self, from: frame)
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
