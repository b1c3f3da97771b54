import CoroqFuzzSupport
import Foundation
import Testing

/// Seeded hostile frames (`HostileFrames`: random bytes, truncated and mutated requests of every method, wrong
/// types, huge numbers, deep nesting, invalid UTF-8, NULs, lines near and over the limit, batches, several
/// frames per write) sent to a real coroqd over its socket. After each write a request of ours (`sync`) is
/// sent: the answers before it are well-formed JSON-RPC responses with a typed error or a result, one per line
/// that must be answered and none for a blank line; the connection survives; the daemon stays up and answers
/// `coroq status`; the only tasks are the ones whose submit was acknowledged (less those an answered `clean`
/// deleted), and nothing but an acknowledged
/// backup lands in the scratch directory. `COROQ_FUZZ_SEED=<seed>` replays a run (the seed is printed).
@Suite(.timeLimit(.minutes(2)))
struct HostileFrameTests {
    let directory = TestDirectory()
    static let limit = 4096

    @Test func everyFrameIsAnsweredAndTheDaemonLivesOn() async throws {
        var random = SeededGenerator.fromEnvironment("HostileFrameTests")
        let scratch = directory.file("scratch")
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        var frames = HostileFrames(maximumFrameLength: Self.limit, scratchDirectory: scratch)
        var tally = Tally()
        try await withDaemon(directory, arguments: ["--max-frame-bytes", "\(Self.limit)"]) { daemon in
            let connection = try RawConnection(path: directory.socket)
            connection.send(#"{"jsonrpc":"2.0","id":0,"method":"hello","params":{"protocol_version":1}}"# + "\n")
            _ = try await connection.receive()
            let clock = ContinuousClock()
            let started = clock.now
            var round = 0
            // 300 writes (about 1 s on a quiet machine), or 8 s under the load of the whole suite, whichever
            // comes first: the fuzz keeps both cores busy, and other suites' timing must not suffer from it.
            let rounds = SeededGenerator.rounds(standard: 300)
            let bound: Duration = rounds > 300 ? .seconds(3600) : .seconds(8)
            while round < rounds && clock.now - started < bound {
                round += 1
                let write = frames.write(mostFrames: 6, using: &random)
                for frame in write { Self.countNotifications(frame, into: &tally) }
                let context = "seed \(random.seed), round \(round): \(write)"
                var bytes = Array(write.map(\.bytes).joined(separator: [UInt8(ascii: "\n")]))
                bytes += Array("\n{\"jsonrpc\":\"2.0\",\"id\":\"sync-\(round)\",\"method\":\"jobs\"}\n".utf8)
                connection.send(bytes: bytes)
                let answers = try await answers(until: "sync-\(round)", on: connection, tally: &tally, context: context)
                let mustAnswer = write.filter { Self.mustBeAnswered($0) }.count
                let mayAnswer = write.filter { !$0.isBlank || $0.isOversized(limit: Self.limit) }.count
                #expect(answers >= mustAnswer && answers <= mayAnswer,
                        "\(answers) answers for \(mustAnswer)…\(mayAnswer) lines; \(context)")
                try #require(kill(daemon.pid, 0) == 0, "coroqd is gone; \(context)")
            }
            print("HostileFrameTests: \(round) writes in \(clock.now - started), \(tally.errors) errors, \(tally.results) results")
            let status = try await daemon.coroq("status", "--json")
            try #require(status.exitCode == 0, "\(status.stderr)")
            let counts = try #require((try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])?["counts"] as? [String: Int])
            // `clean` may have been sent an older_than of 0 (a wrong type that is a number): its answer counts.
            // A submit or clean that lost its "id" to a mutation is a notification: carried out, not answered.
            let tasks = counts.values.reduce(0, +)
            let answered = tally.acknowledged.count - tally.deleted
            let context = "tasks \(counts), acknowledged \(tally.acknowledged.count), cleaned \(tally.deleted), notifications \(tally.notified)"
            #expect(tasks <= answered + tally.notified["submit", default: 0], "\(context)")
            if tally.notified["clean"] == nil { #expect(tasks >= answered, "\(context)") }
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: scratch)
        #expect(left == (tally.backedUp ? ["backup.db"] : []), "in the scratch directory: \(left)")
    }

    /// What the run saw.
    struct Tally {
        var errors = 0
        var results = 0
        var acknowledged: Set<Int> = []
        var deleted = 0
        /// Notifications (no "id") sent, by method: they run but are not answered.
        var notified: [String: Int] = [:]
        var backedUp = false
    }

    /// Reads lines up to the answer with `id`: each must be a JSON-RPC response (or a notification the
    /// daemon pushes); returns how many responses came before it.
    private func answers(until id: String, on connection: RawConnection, tally: inout Tally, context: String) async throws -> Int {
        var count = 0
        while true {
            let line = try await connection.receiveRaw()
            let value = try JSONSerialization.jsonObject(with: line, options: [.fragmentsAllowed])
            if let object = value as? [String: Any], object["id"] as? String == id {
                return count
            }
            if let object = value as? [String: Any], object["method"] != nil, object["id"] == nil { continue }
            let responses = (value as? [Any]) ?? [value]
            #expect(!responses.isEmpty, "an empty array; \(context)")
            for response in responses {
                check(response, tally: &tally, context: "\(String(decoding: line.prefix(300), as: UTF8.self)); \(context)")
            }
            count += 1
        }
    }

    private func check(_ response: Any, tally: inout Tally, context: String) {
        guard let object = response as? [String: Any], object["jsonrpc"] as? String == "2.0", object.keys.contains("id") else {
            Issue.record("not a JSON-RPC response: \(context)")
            return
        }
        if let error = object["error"] as? [String: Any] {
            tally.errors += 1
            let typed = error["code"] is Int && !((error["message"] as? String) ?? "").isEmpty
                && (error["data"] as? [String: Any])?["reason"] is String
            #expect(typed && object["result"] == nil, "an untyped error: \(context)")
            #expect(error["code"] as? Int != -32603, "an internal error: \(context)")
            return
        }
        guard let result = object["result"] else {
            Issue.record("neither result nor error: \(context)")
            return
        }
        tally.results += 1
        if let fields = result as? [String: Any] {
            tally.acknowledged.formUnion((fields["ids"] as? [Int]) ?? [])
            tally.deleted += (fields["deleted"] as? Int) ?? 0
            if fields["path"] != nil && fields["bytes"] != nil { tally.backedUp = true }
        }
    }

    /// Counts the calls of `frame` that Foundation reads as notifications, by method.
    static func countNotifications(_ frame: HostileFrame, into tally: inout Tally) {
        guard !frame.isOversized(limit: limit),
              let value = try? JSONSerialization.jsonObject(with: Data(frame.bytes), options: [.fragmentsAllowed]) else { return }
        for case let call as [String: Any] in (value as? [Any]) ?? [value] where call["id"] == nil {
            if let method = call["method"] as? String { tally.notified[method, default: 0] += 1 }
        }
    }

    /// A line that is not blank, and not (as Foundation reads it) a notification or a batch of them, which
    /// get no answer.
    static func mustBeAnswered(_ frame: HostileFrame) -> Bool {
        if frame.isOversized(limit: limit) { return true }
        if frame.isBlank { return false }
        guard let value = try? JSONSerialization.jsonObject(with: Data(frame.bytes), options: [.fragmentsAllowed]) else { return true }
        let members = (value as? [Any]) ?? [value]
        return members.isEmpty || members.contains { ($0 as? [String: Any])?.keys.contains("id") != false }
    }
}
