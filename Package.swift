// swift-tools-version: 6.2
import PackageDescription

// Module arrows point down only (docs/ARCHITECTURE.md):
//   coroqd → CoroqDaemon → CoroqDashboard → CoroqServer → CoroqRuntime, CoroqStore, CoroqJobs → CoroqCore → CoroqJSON
//                        → CoroqProtocol → CoroqJSON
// (CoroqDaemon → CoroqServer too; CoroqDashboard is the HTTP dashboard and /metrics, an extra Service
// the daemon runs only when enabled.)
//   coroq  → CoroqClient → CoroqProtocol → CoroqJSON
// CoroqProtocol never imports CoroqCore, so the wire format does not move when the model does. CoroqServer
// reaches the jobs only through `JobRegistry` (built-ins from `JobRegistry.builtins`).
// Each target lists every module it imports (its own dependencies, not its dependencies' dependencies), and
// `make test` fails otherwise: `scripts/check-imports` refuses any import not listed here, and the build
// runs with `--explicit-target-dependency-import-check error`, SwiftPM's refusal of an import of a target
// outside the importer's dependencies (an arrow pointing up or sideways).
let package = Package(
    name: "coroq",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "coroqd", targets: ["coroqd"]),
        .executable(name: "coroq", targets: ["coroq"]),
        // For a daemon with jobs of its own (docs/WRITING-JOBS.md): jobs are written against CoroqCore and
        // run by CoroqDaemon. No target of these carries unsafeFlags, so a package may depend on them by version.
        .library(name: "CoroqDaemon", targets: ["CoroqDaemon"]),
        .library(name: "CoroqCore", targets: ["CoroqCore"]),
        // JSONValue, which jobs' untyped spawns, results and futures carry.
        .library(name: "CoroqJSON", targets: ["CoroqJSON"]),
        .library(name: "CoroqServer", targets: ["CoroqServer"]),
        .library(name: "CoroqClient", targets: ["CoroqClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        // Heap: the scheduler's timer heap of sleeping attempts (already resolved, for NIO).
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        // FilePath for swift-subprocess's API (already a dependency of swift-subprocess).
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        // config/coroqd.toml, read into a Sendable value with clear errors.
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        // The dashboard's HTTP server (CoroqDashboard); traits off: no swift-configuration, no full Foundation.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        // HTTPField names for the headers hummingbird does not name (already a dependency of hummingbird).
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0", traits: []),
        // Counters, gauges and histograms recorded where things happen (CoroqStore, CoroqServer) …
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        // … and exposed in Prometheus's text format on /metrics (CoroqDashboard).
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // Tests only: the differential property tests of CoroqJSON against Foundation.
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        // A JSON value type shared by the model and the wire format (no I/O).
        .target(name: "CoroqJSON"),
        // The model: task states and their transitions, job registry, the scheduler's state machine. No I/O.
        .target(
            name: "CoroqCore",
            dependencies: [
                "CoroqJSON",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),
        // The executor of the core's scheduler: performs its actions (store writes, attempts as child
        // tasks, the one timer) as a swift-service-lifecycle Service.
        .target(
            name: "CoroqRuntime",
            dependencies: [
                "CoroqCore", "CoroqJSON",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),
        // The only place that speaks SQL.
        .target(
            name: "CoroqStore",
            dependencies: [
                "CoroqCore", "CoroqJSON", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // Built-in jobs: noop, sleep, exec.
        .target(
            name: "CoroqJobs",
            dependencies: [
                "CoroqCore", "CoroqJSON",
                .product(name: "Logging", package: "swift-log"),
                // NIOThreadPool: task logs are written off the cooperative thread pool.
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // Wire types and framing, shared by daemon and CLI.
        .target(
            name: "CoroqProtocol",
            dependencies: ["CoroqJSON", .product(name: "NIOCore", package: "swift-nio")]
        ),
        // The daemon as a library: what coroqd runs, and what tests boot in-process.
        .target(
            name: "CoroqServer",
            dependencies: [
                "CoroqCore", "CoroqRuntime", "CoroqStore", "CoroqJobs", "CoroqProtocol", "CoroqJSON",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // The HTTP dashboard (pages, server-sent events, token and cookie auth) and /metrics, run by the
        // daemon as one more Service when `[http]` or `[metrics]` is configured.
        .target(
            name: "CoroqDashboard",
            dependencies: [
                "CoroqServer", "CoroqCore", "CoroqStore", "CoroqProtocol", "CoroqJSON",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .target(
            name: "CoroqClient",
            dependencies: [
                "CoroqProtocol", "CoroqJSON",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // coroqd's command line as a library: a user's own daemon is `CoroqDaemonMain.main` plus its jobs.
        .target(
            name: "CoroqDaemon",
            dependencies: [
                "CoroqServer", "CoroqDashboard", "CoroqStore", "CoroqCore", "CoroqProtocol", "CoroqJSON",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(name: "coroqd", dependencies: ["CoroqDaemon"]),
        .executableTarget(
            name: "coroq",
            dependencies: [
                "CoroqClient", "CoroqProtocol", "CoroqJSON",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // Release builds of the CLI are fully static: no dynamic loader, no libstdc++.so and its
            // initialisers, no relocations to apply at start-up; ~1 ms less per call (issue 5).
            // Of glibc's dynamic parts it can reach only NSS, for a `~user` path given to `coroq backup`.
            // The -l flags name what the static FoundationEssentials needs: a build without
            // --static-swift-stdlib compiles the modules for the shared libraries, which list none of it.
            linkerSettings: [
                .unsafeFlags(
                    ["-static-executable", "-l_FoundationCollections", "-l_FoundationCShims", "-lswiftSynchronization"],
                    .when(platforms: [.linux], configuration: .release)),
            ]
        ),
        .testTarget(
            name: "CoroqJSONTests",
            dependencies: ["CoroqJSON", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        .testTarget(
            name: "CoroqCoreTests",
            dependencies: ["CoroqCore", "CoroqJSON", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "CoroqRuntimeTests",
            dependencies: [
                "CoroqRuntime", "CoroqCore", "CoroqJSON",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "CoroqStoreTests",
            dependencies: ["CoroqStore", "CoroqCore", "CoroqJSON", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // The seeded generator of hostile request lines that the protocol and end-to-end fuzz tests share.
        .target(name: "CoroqFuzzSupport", path: "Tests/CoroqFuzzSupport"),
        .testTarget(
            name: "CoroqProtocolTests",
            dependencies: [
                "CoroqProtocol", "CoroqJSON", "CoroqFuzzSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "CoroqJobsTests",
            dependencies: [
                "CoroqJobs", "CoroqCore", "CoroqJSON",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Subprocess", package: "swift-subprocess"),
            ]
        ),
        // The daemon in-process on a temporary socket, driven by the client library.
        .testTarget(
            name: "CoroqServerTests",
            dependencies: [
                "CoroqServer", "CoroqClient", "CoroqProtocol", "CoroqJSON", "CoroqStore", "CoroqCore",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The dashboard's pure parts: token and origin checks, escaping, pages, query parsing.
        .testTarget(
            name: "CoroqDashboardTests",
            dependencies: ["CoroqDashboard", "CoroqStore", "CoroqProtocol", "CoroqJSON", "CoroqCore"]
        ),
        // Starts the built coroqd and coroq binaries (the dependency makes `swift test` build them).
        .testTarget(
            name: "CoroqEndToEndTests",
            dependencies: [
                "coroqd", "coroq", "CoroqFuzzSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
    ]
)
