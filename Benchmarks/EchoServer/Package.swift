// swift-tools-version: 6.2
import PackageDescription

// The ceiling for coroq's control protocol on this machine: a bare SwiftNIO server on a Unix socket that
// answers each newline-terminated line with itself. `scripts/bench` (W1 echo) builds and drives it with the
// same clients and request lines as coroq's "8 clients" case. Not part of the root package's build.
let package = Package(
    name: "EchoServer",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
    ],
    targets: [
        .executableTarget(
            name: "echo-server",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Sources/EchoServer"
        ),
    ]
)
