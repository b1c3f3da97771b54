import Foundation
import Testing

/// The examples of the JSON-RPC 2.0 specification (section 7, https://www.jsonrpc.org/specification), sent
/// as the specification gives them to a real coroqd. Method names are the specification's where the point
/// is that the method does not exist, and ours where a call must succeed; coroq's own rule that `hello`
/// comes first is kept (a batch may start with it).
@Suite(.timeLimit(.minutes(1)))
struct JSONRPCSpecificationTests {
    let directory = TestDirectory()

    /// Sends `line`, then a request of ours: the next answer being the latter proves `line` got none.
    private func expectNoAnswer(to line: String, on connection: RawConnection) async throws {
        connection.send(line + "\n")
        connection.send(#"{"jsonrpc":"2.0","method":"frobnicate","id":"sync"}"# + "\n")
        let next = try await connection.receive()
        #expect(next["id"] as? String == "sync", "\(line) was answered: \(next)")
    }

    private func errors(_ answer: Any) -> [(id: Any?, code: Int?)] {
        (answer as? [[String: Any]] ?? []).map { ($0["id"], $0.errorCode) }
    }

    @Test func theSpecificationsSingleCalls() async throws {
        try await withDaemon(directory) { daemon in
            let connection = try RawConnection(path: directory.socket)
            // rpc call of non-existent method (before hello: an unknown method is unknown either way).
            connection.send(#"{"jsonrpc": "2.0", "method": "foobar", "id": "1"}"# + "\n")
            let missing = try await connection.receive()
            #expect(missing.errorCode == -32601 && missing["id"] as? String == "1")
            // rpc call with positional parameters: not a method of ours either.
            connection.send(#"{"jsonrpc": "2.0", "method": "subtract", "params": [42, 23], "id": 1}"# + "\n")
            let subtract = try await connection.receive()
            #expect(subtract.errorCode == -32601 && subtract["id"] as? Int == 1)
            // rpc call with invalid JSON.
            connection.send(#"{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]"# + "\n")
            let parse = try await connection.receive()
            #expect(parse.errorCode == -32700 && parse["id"] is NSNull)
            // rpc call with invalid Request object.
            connection.send(#"{"jsonrpc": "2.0", "method": 1, "params": "bar"}"# + "\n")
            let invalid = try await connection.receive()
            #expect(invalid.errorCode == -32600 && invalid["id"] is NSNull)
            // a Notification.
            try await expectNoAnswer(to: #"{"jsonrpc": "2.0", "method": "update", "params": [1,2,3,4,5]}"#, on: connection)
            try await expectNoAnswer(to: #"{"jsonrpc": "2.0", "method": "foobar"}"#, on: connection)
        }
    }

    @Test func theSpecificationsBatches() async throws {
        try await withDaemon(directory) { daemon in
            let connection = try RawConnection(path: directory.socket)
            // rpc call Batch, invalid JSON.
            connection.send(#"[{"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},{"jsonrpc": "2.0", "method""# + "\n")
            let parse = try await connection.receive()
            #expect(parse.errorCode == -32700 && parse["id"] is NSNull)
            // rpc call with an empty Array: one error, not an array.
            connection.send("[]\n")
            let empty = try await connection.receiveJSON() as? [String: Any]
            #expect(empty?.errorCode == -32600 && empty?["id"] is NSNull)
            // rpc call with an invalid Batch (but not empty).
            connection.send("[1]\n")
            let one = errors(try await connection.receiveJSON())
            #expect(one.count == 1 && one[0].code == -32600 && one[0].id is NSNull)
            // rpc call with invalid Batch.
            connection.send("[1,2,3]\n")
            let three = errors(try await connection.receiveJSON())
            #expect(three.count == 3 && three.allSatisfy { $0.code == -32600 && $0.id is NSNull })
            // rpc call Batch: the specification's, with methods of ours where a call must succeed, hello
            // first, and a streaming method (refused in a batch).
            connection.send("""
                [{"jsonrpc": "2.0", "method": "hello", "params": {"protocol_version": 1}, "id": "0"},
                 {"jsonrpc": "2.0", "method": "status", "params": {"limit": 0}, "id": "1"},
                 {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]},
                 {"jsonrpc": "2.0", "method": "submit", "params": {"tasks": [{"job": "noop"}]}, "id": "2"},
                 {"foo": "boo"},
                 {"jsonrpc": "2.0", "method": "foo.get", "params": {"name": "myself"}, "id": "5"},
                 {"jsonrpc": "2.0", "method": "get", "params": [9], "id": "9"},
                 {"jsonrpc": "2.0", "method": "wait", "params": {"all": true}, "id": "w"}]
                """.replacingOccurrences(of: "\n", with: "") + "\n")
            let answers = try #require(try await connection.receiveJSON() as? [[String: Any]])
            #expect(answers.count == 7, "\(answers)")
            let byID = Dictionary(answers.compactMap { answer in (answer["id"] as? String).map { ($0, answer) } }) { first, _ in first }
            #expect((byID["0"]?["result"] as? [String: Any])?["protocol_version"] as? Int == 1)
            #expect(byID["1"]?["result"] != nil)
            #expect((byID["2"]?["result"] as? [String: Any])?["ids"] as? [Int] == [1])
            #expect(byID["5"]?.errorCode == -32601)
            #expect(byID["9"]?.errorCode == -32602)
            #expect(byID["w"]?.errorCode == -32600)
            #expect(answers.filter { $0["id"] is NSNull }.map(\.errorCode) == [-32600])
            // rpc call Batch (all notifications): nothing comes back.
            try await expectNoAnswer(
                to: #"[{"jsonrpc": "2.0", "method": "notify_sum", "params": [1,2,4]},{"jsonrpc": "2.0", "method": "notify_hello", "params": [7]}]"#,
                on: connection)
        }
    }
}
