import Foundation
import Testing

/// The control protocol as any language (or `socat`) sees it.
@Suite(.timeLimit(.minutes(1)))
struct ProtocolTests {
    let directory = TestDirectory()
    let hello = #"{"jsonrpc":"2.0","id":0,"method":"hello","params":{"protocol_version":1}}"# + "\n"

    @Test func badFramesGetErrorsAndTheConnectionLivesOn() async throws {
        try await withDaemon(directory) { daemon in
            let connection = try RawConnection(path: directory.socket)
            connection.send(#"{"jsonrpc":"2.0","id":1,"method":"status"}"# + "\n")
            #expect(try await connection.receive().errorCode == -32000)  // hello first

            connection.send(hello)
            let greeting = try await connection.receive()
            #expect((greeting["result"] as? [String: Any])?["protocol_version"] as? Int == 1)

            connection.send("this is not json\n")
            let parseError = try await connection.receive()
            #expect(parseError.errorCode == -32700)
            #expect(parseError["id"] is NSNull)

            connection.send(#"{"jsonrpc":"2.0","id":2,"method":"frobnicate"}"# + "\n")
            #expect(try await connection.receive().errorCode == -32601)

            connection.send(#"{"jsonrpc":"2.0","id":3,"method":"submit","params":{"tasks":[{"job":"sleep","args":{"seconds":-1}}]}}"# + "\n")
            let invalid = try await connection.receive()
            #expect(invalid.errorCode == -32011)
            #expect(invalid["id"] as? Int == 3)

            connection.send(#"{"jsonrpc":"2.0","id":"s","method":"submit","params":{"tasks":[{"job":"noop"}]}}"# + "\n")
            let submitted = try await connection.receive()
            #expect(submitted["id"] as? String == "s")
            #expect((submitted["result"] as? [String: Any])?["ids"] as? [Int] == [1])
        }
    }

    @Test func anOversizedFrameIsRefusedAndTheNextOneServed() async throws {
        try await withDaemon(directory, arguments: ["--max-frame-bytes", "1024"]) { daemon in
            let connection = try RawConnection(path: directory.socket)
            connection.send(hello)
            _ = try await connection.receive()
            connection.send(String(repeating: "x", count: 5000) + "\n")
            #expect(try await connection.receive().errorCode == -32002)
            connection.send(#"{"jsonrpc":"2.0","id":9,"method":"status","params":{"limit":0}}"# + "\n")
            let status = try await connection.receive()
            #expect(status["id"] as? Int == 9 && status["result"] != nil)
        }
    }

    /// `wait` is answered by pushes as tasks finish, then the done/pending answer.
    @Test func waitPushesEachTaskThenAnswers() async throws {
        try await withDaemon(directory) { daemon in
            let connection = try RawConnection(path: directory.socket)
            connection.send(hello)
            _ = try await connection.receive()
            connection.send(#"{"jsonrpc":"2.0","id":1,"method":"submit","params":{"tasks":[{"job":"sleep","args":{"seconds":0.2}},{"job":"noop"}]}}"# + "\n")
            _ = try await connection.receive()
            connection.send(#"{"jsonrpc":"2.0","id":2,"method":"wait","params":{"ids":[1,2]}}"# + "\n")
            let accepted = try await connection.receive()
            #expect(accepted["method"] as? String == "wait.accepted")
            #expect((accepted["params"] as? [String: Any])?["ids"] as? [Int] == [1, 2])
            let first = try await connection.receive()
            let second = try await connection.receive()
            let answer = try await connection.receive()
            #expect(first["method"] as? String == "task.finished" && second["method"] as? String == "task.finished")
            let finished = [first, second].compactMap { (($0["params"] as? [String: Any])?["task"] as? [String: Any])?["id"] as? Int }
            #expect(Set(finished) == [1, 2])
            #expect((answer["result"] as? [String: Any])?["pending"] as? [Int] == [])
        }
    }
}
