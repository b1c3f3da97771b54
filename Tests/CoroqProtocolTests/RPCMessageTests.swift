import CoroqJSON
import CoroqProtocol
import Foundation
import Testing

@Suite struct RPCMessageTests {
    @Test func aRequestRoundTripsThroughItsEnvelopeAndParams() throws {
        let frame = try RPCRequest(id: 3, method: "submit", params: SubmitParams(tasks: [
            TaskSpec(job: "sleep", args: ["seconds": 1.5], onDone: "echo hi"),
        ])).encodedFrame()
        #expect(frame.last == UInt8(ascii: "\n"))
        let envelope = try RPCEnvelope(frame: frame)
        #expect(envelope.jsonrpc == "2.0" && envelope.id == 3 && envelope.method == "submit")
        let params = try #require(try envelope.params(SubmitParams.self))
        #expect(params.tasks == [TaskSpec(job: "sleep", args: ["seconds": 1.5], onDone: "echo hi")])
    }

    @Test(arguments: ["{", "not json", #"{"id": }"#, "[1,"])
    func malformedJSONIsAnError(text: String) {
        #expect(throws: (any Error).self) { try RPCEnvelope(frame: Data(text.utf8)) }
    }

    @Test func anErrorCarriesAStableReason() throws {
        let error = RPCError(.unknownJob, "unknown job 'x'", data: ["index": 0])
        let decoded = try JSONDecoder().decode(RPCErrorResponse.self, from: try RPCErrorResponse(id: 1, error: error).encodedFrame())
        #expect(decoded.error.code == -32010)
        #expect(decoded.error.knownCode == .unknownJob)
        #expect(decoded.error.data?["reason"] == "unknown_job")
        #expect(decoded.error.data?["index"] == 0)
    }

    @Test func errorCodesAreDistinctAndReasonsUnique() {
        let codes = RPCErrorCode.allCases
        #expect(Set(codes.map(\.rawValue)).count == codes.count)
        #expect(Set(codes.map(\.reason)).count == codes.count)
    }

    @Test func socketLocationPrefersFlagThenEnvironment() {
        #expect(SocketLocation.resolve(explicit: "/a.sock", environment: ["COROQ_SOCKET": "/b.sock"]) == "/a.sock")
        #expect(SocketLocation.resolve(explicit: nil, environment: ["COROQ_SOCKET": "/b.sock", "XDG_RUNTIME_DIR": "/run/user/1"]) == "/b.sock")
        #expect(SocketLocation.resolve(explicit: nil, environment: ["XDG_RUNTIME_DIR": "/run/user/1"]) == "/run/user/1/coroq/coroqd.sock")
        #expect(SocketLocation.resolve(explicit: nil, environment: [:]).hasSuffix("/coroqd.sock"))
    }

    @Test func theCLIFallsBackToTheSystemDaemon() {
        let user = ["XDG_RUNTIME_DIR": "/run/user/1"]
        let userSocket = "/run/user/1/coroq/coroqd.sock"
        #expect(SocketLocation.forClient(explicit: nil, environment: user) { $0 == SocketLocation.system } == SocketLocation.system)
        #expect(SocketLocation.forClient(explicit: nil, environment: user) { _ in true } == userSocket)
        #expect(SocketLocation.forClient(explicit: nil, environment: user) { _ in false } == userSocket)
        #expect(SocketLocation.forClient(explicit: "/x.sock", environment: user) { $0 == SocketLocation.system } == "/x.sock")
        #expect(SocketLocation.forClient(explicit: nil, environment: ["COROQ_SOCKET": "/y.sock"]) { $0 == SocketLocation.system } == "/y.sock")
    }
}
