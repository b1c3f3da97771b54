import CoroqCore
import CoroqJSON
import CoroqProtocol
import Foundation
import Logging
import NIOCore

/// Answers the calls of one decoded line: checks the method and the `hello` gate, and hands each request to
/// its handler.
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
    let steps: StepHandler
    let schedules: ScheduleHandler
    let futures: FutureHandler
    let children: ChildrenHandler
    let messages: MessageHandler
    let progress: ProgressHandler
    /// The jobs (`hello` names them, `jobs` describes them); config jobs change with a reload.
    let registry: JobRegistry
    let queues: QueueHandler
    let maximumFrameLength: Int
    /// Every refused request is logged here once, with its cause (`RefusalLog.swift`).
    let logger: Logger

    /// Answers one line: a call, or a batch of calls with one array of responses (none at all when every
    /// call of the batch is a notification).
    func handle(_ inbound: RPCInbound, session: inout Session, replier: Replier) async {
        switch inbound {
        case .oversized:
            let error = RPCError(.frameTooLarge, "request line longer than \(maximumFrameLength) bytes; it was skipped")
            logRefusal(method: nil, error)
            await replier.fail(.null, error)
        case .single(let call):
            guard var response = await respond(to: call, inBatch: false, session: &session, replier: replier) else { return }
            response.append(UInt8(ascii: "\n"))
            await replier.send(frames: response)
        case .batch(let calls):
            var responses: [UInt8] = [UInt8(ascii: "[")]
            for call in calls {
                guard let response = await respond(to: call, inBatch: true, session: &session, replier: replier) else { continue }
                if responses.count > 1 { responses.append(UInt8(ascii: ",")) }
                responses.append(contentsOf: response)
            }
            guard responses.count > 1 else { return }  // only notifications: nothing is sent back
            responses.append(contentsOf: [UInt8(ascii: "]"), UInt8(ascii: "\n")])
            await replier.send(frames: responses)
        }
    }

    /// The response to one call as JSON text, or nil for a notification.
    private func respond(
        to call: RPCCall, inBatch: Bool, session: inout Session, replier: Replier
    ) async -> [UInt8]? {
        switch call {
        case .invalid(let id, let error):
            logRefusal(method: nil, error)
            return Self.encoded(RPCErrorResponse(id: id, error: error))
        case .request(let request):
            do {
                let method = try method(of: request, inBatch: inBatch, session: session)
                return try await dispatch(method, request, session: &session, replier: replier)
            } catch {
                logRefusal(method: request.method, error)
                return request.id.map { Self.encoded(RPCErrorResponse(id: $0, error: error)) }
            }
        }
    }

    /// The request's method, once it passed the gates: known, `hello` first, no streaming in a batch.
    private func method(of request: RPCIncomingRequest, inBatch: Bool, session: Session) throws(RPCError) -> RPCMethod {
        guard let method = RPCMethod(rawValue: request.method) else {
            throw RPCError(.methodNotFound,
                "unknown method '\(request.method)'; methods: \(RPCMethod.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard session.greeted || method == .hello else {
            throw RPCError(.helloRequired,
                #"say hello first: {"jsonrpc":"2.0","id":0,"method":"hello","params":{"protocol_version":1}}"#)
        }
        if inBatch && method.streams {
            throw RPCError(.invalidRequest, "'\(method.rawValue)' pushes notifications while it runs; send it on its own line, not in a batch")
        }
        return method
    }

    private func dispatch(
        _ method: RPCMethod, _ request: RPCIncomingRequest, session: inout Session, replier: Replier
    ) async throws(RPCError) -> [UInt8]? {
        switch method {
        case .hello:
            let params = try Self.params(HelloParams.self, from: request, required: true)!
            guard params.protocolVersion == coroqProtocolVersion else {
                throw RPCError(.unsupportedVersion,
                    "this coroqd speaks protocol version \(coroqProtocolVersion), the client \(params.protocolVersion); use matching versions of coroq and coroqd")
            }
            session.greeted = true
            return Self.response(request.id, HelloResult(server: "coroqd \(coroqVersion)", jobs: registry.names))
        case .submit: return try await answer(request) { (params: SubmitParams) throws(RPCError) in try await submit.submit(params) }
        case .wait: return try await answer(request) { (params: WaitParams) throws(RPCError) in try await wait.wait(params, replier: replier) }
        case .status:
            let params = try Self.params(StatusParams.self, from: request, required: false) ?? StatusParams()
            return Self.response(request.id, try await status.status(params))
        case .get: return try await answer(request) { (params: GetParams) throws(RPCError) in try await status.get(params) }
        case .show: return try await answer(request) { (params: TaskParams) throws(RPCError) in try await control.show(params) }
        case .cancel: return try await answer(request) { (params: CancelParams) throws(RPCError) in try await control.cancel(params) }
        case .retry: return try await answer(request) { (params: TaskParams) throws(RPCError) in try await control.retry(params) }
        case .clean: return try await answer(request) { (params: CleanParams) throws(RPCError) in try await maintenance.clean(params) }
        case .logs: return try await answer(request) { (params: LogsParams) throws(RPCError) in try await logs.logs(params, replier: replier) }
        case .backup: return try await answer(request) { (params: BackupParams) throws(RPCError) in try await maintenance.backup(params) }
        case .jobs: return Self.response(request.id, JobsResult(jobs: registry.descriptions.map(JobInfo.init)))
        case .stepGet: return try await answer(request) { (params: StepParams) throws(RPCError) in try await steps.get(params) }
        case .stepRecord: return try await answer(request) { (params: StepRecordParams) throws(RPCError) in try await steps.record(params) }
        case .scheduleAdd: return try await answer(request) { (params: ScheduleAddParams) throws(RPCError) in try await schedules.add(params) }
        case .scheduleList: return Self.response(request.id, try await schedules.list())
        case .scheduleRemove: return try await answer(request) { (params: ScheduleNameParams) throws(RPCError) in try await schedules.remove(params) }
        case .schedulePause: return try await answer(request) { (params: ScheduleNameParams) throws(RPCError) in try await schedules.setPaused(params, true) }
        case .scheduleResume: return try await answer(request) { (params: ScheduleNameParams) throws(RPCError) in try await schedules.setPaused(params, false) }
        case .queueList: return Self.response(request.id, try await queues.list())
        case .queueSet: return try await answer(request) { (params: QueueSetParams) throws(RPCError) in try await queues.set(params) }
        case .queuePause: return try await answer(request) { (params: QueueNameParams) throws(RPCError) in try await queues.setPaused(params, true) }
        case .queueResume: return try await answer(request) { (params: QueueNameParams) throws(RPCError) in try await queues.setPaused(params, false) }
        case .futureCreate:
            let params = try Self.params(FutureCreateParams.self, from: request, required: false) ?? FutureCreateParams()
            return Self.response(request.id, try await futures.create(params))
        case .futureResolve: return try await answer(request) { (params: FutureResolveParams) throws(RPCError) in try await futures.resolve(params) }
        case .spawn: return try await answer(request) { (params: SpawnParams) throws(RPCError) in try await children.spawn(params) }
        case .send: return try await answer(request) { (params: SendParams) throws(RPCError) in try await messages.send(params) }
        case .receive: return try await answer(request) { (params: ReceiveParams) throws(RPCError) in try await messages.receive(params) }
        case .progress: return try await answer(request) { (params: ProgressParams) throws(RPCError) in try await progress.report(params) }
        }
    }

    /// Decodes the request's required params, runs `handler`, and encodes its result as the response.
    private func answer<Params: Decodable, Result: Encodable & Sendable>(
        _ request: RPCIncomingRequest, _ handler: (Params) async throws(RPCError) -> Result
    ) async throws(RPCError) -> [UInt8]? {
        let params = try Self.params(Params.self, from: request, required: true)!
        return Self.response(request.id, try await handler(params))
    }

    private static func response(_ id: JSONValue?, _ result: some Encodable & Sendable) -> [UInt8]? {
        guard let id else { return nil }
        return encoded(RPCResponse(id: id, result: result))
    }

    /// A response as JSON text. Our own result types always encode; if one ever did not, that is a bug in
    /// coroqd, and the client still gets an answer.
    private static func encoded(_ message: some Encodable) -> [UInt8] {
        do {
            return try message.encodedJSON()
        } catch {
            return Array(#"{"jsonrpc":"2.0","id":null,"error":{"code":-32603,"message":"coroqd could not encode its answer","data":{"reason":"internal_error"}}}"#.utf8)
        }
    }

    private static func params<P: Decodable>(
        _ type: P.Type, from request: RPCIncomingRequest, required: Bool
    ) throws(RPCError) -> P? {
        let params: P?
        do {
            params = try request.params(P.self)
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
