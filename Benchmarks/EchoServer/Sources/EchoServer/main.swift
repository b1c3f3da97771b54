#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOPosix

// echo-server SOCKET [handler|async]
//   handler: a channel handler on the event loop (the ceiling of NIO itself);
//   async:   NIOAsyncChannel, a child task per connection reading frames and writing them back — the shape of
//            coroq's ControlServer (frames decoded in the pipeline, answered from Swift concurrency).
// Prints "ready" on stdout once the socket accepts connections; runs until killed.

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    print("usage: echo-server SOCKET [handler|async]")
    exit(64)
}
let path = arguments[1]
let mode = arguments.count > 2 ? arguments[2] : "handler"
unlink(path)

/// Tells the runner the socket is ready (stdout is a pipe there: flush at once).
func announceReady() {
    let line: [UInt8] = Array("ready\n".utf8)
    _ = line.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
}

switch mode {
case "handler":
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .childChannelInitializer { channel in
            channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(LineEchoHandler()) }
        }
        .bind(unixDomainSocketPath: path).get()
    announceReady()
    try await channel.closeFuture.get()
case "async":
    typealias Connection = NIOAsyncChannel<ByteBuffer, ByteBuffer>
    let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .bind(unixDomainSocketPath: path) { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineDecoder()))
                return try Connection(wrappingChannelSynchronously: channel)
            }
        }
    announceReady()
    try await withThrowingDiscardingTaskGroup { group in
        try await listener.executeThenClose { incoming in
            for try await connection in incoming {
                group.addTask {
                    try? await connection.executeThenClose { inbound, outbound in
                        let newline = ByteBuffer(integer: UInt8(ascii: "\n"))
                        for try await var line in inbound {
                            line.writeImmutableBuffer(newline)
                            try await outbound.write(line)
                        }
                    }
                }
            }
        }
    }
default:
    print("unknown mode \(mode): handler or async")
    exit(64)
}
