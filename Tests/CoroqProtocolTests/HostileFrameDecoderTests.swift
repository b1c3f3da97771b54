import CoroqFuzzSupport
import CoroqJSON
import CoroqProtocol
import NIOCore
import NIOEmbedded
import Testing

/// Seeded hostile frames through the server's real inbound pipeline (`ByteToMessageHandler` around
/// `RPCRequestDecoder`, in an `EmbeddedChannel`), written in pieces cut at random: every line that is not
/// blank comes out as exactly one message, in order, an oversized one as `.oversized`, nothing throws and
/// the channel stays open. `COROQ_FUZZ_SEED=<seed>` replays a run (the seed is printed).
@Suite struct HostileFrameDecoderTests {
    static let limit = 4096

    @Test func everyLineBecomesOneMessage() throws {
        var random = SeededGenerator.fromEnvironment("HostileFrameDecoderTests")
        var frames = HostileFrames(maximumFrameLength: Self.limit, scratchDirectory: "/nonexistent")
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(RPCRequestDecoder(maximumFrameLength: Self.limit)))
        defer { _ = try? channel.finish() }
        try channel.connect(to: SocketAddress(unixDomainSocketPath: "/coroq-fuzz.sock")).wait()
        for round in 0 ..< SeededGenerator.rounds(standard: 1000) {
            let write = frames.write(mostFrames: 8, using: &random)
            var bytes = Array(write.map(\.bytes).joined(separator: [UInt8(ascii: "\n")]))
            bytes.append(UInt8(ascii: "\n"))
            // Cut the write into pieces, as a socket may deliver it.
            var cuts = (0 ..< Int.random(in: 0 ... 3, using: &random)).map { _ in Int.random(in: 0 ... bytes.count, using: &random) }
            cuts = ([0] + cuts.sorted() + [bytes.count])
            for (start, end) in zip(cuts, cuts.dropFirst()) where start < end {
                try channel.writeInbound(ByteBuffer(bytes: bytes[start ..< end]))
            }
            var messages: [RPCInbound] = []
            while let message = try channel.readInbound(as: RPCInbound.self) { messages.append(message) }
            let expected = write.filter { !$0.isBlank || $0.isOversized(limit: Self.limit) }
            let context = "seed \(random.seed), round \(round): \(write)"
            try #require(messages.count == expected.count, "\(messages.count) messages for \(expected.count) lines; \(context)")
            for (frame, message) in zip(expected, messages) {
                check(message, for: frame, context: context)
            }
            #expect(channel.isActive, "\(context)")
        }
    }

    /// An oversized line is `.oversized`; a valid request is that request; anything else is answered with
    /// a parse or invalid-request error, or is a request whose params the handler will judge.
    private func check(_ message: RPCInbound, for frame: HostileFrame, context: String) {
        switch (frame.isOversized(limit: Self.limit), message) {
        case (true, .oversized): return
        case (true, _), (false, .oversized):
            Issue.record("oversized and not, or not and oversized: \(frame); \(context)")
        case (false, .single(.request(let request))):
            if frame.kind == .valid { #expect(request.id != nil, "\(context)") }
        case (false, .single(.invalid(_, let error))):
            #expect(frame.kind != .valid, "a valid request refused: \(error.message); \(context)")
            #expect(error.knownCode == .parseError || error.knownCode == .invalidRequest, "\(error.code); \(context)")
        case (false, .batch(let calls)):
            #expect(!calls.isEmpty, "\(context)")
        }
    }
}
