// swift-tools-version: 6.2
import PackageDescription

// A daemon with jobs of its own: coroqd plus two jobs, in a few lines of main (docs/WRITING-JOBS.md).
// It depends on coroq by path, from inside the repository; a package of your own names it by URL and
// version instead: .package(url: "https://github.com/OWNER/coroq", from: "0.1.0").
let package = Package(
    name: "custom-daemon",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "coroq", path: "../.."),
        // JobContext's logger (tests make one).
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // The jobs, in a library of their own so that tests can run them without a daemon.
        .target(
            name: "GreetingJobs",
            dependencies: [.product(name: "CoroqCore", package: "coroq"), .product(name: "CoroqJSON", package: "coroq")]),
        // The daemon: coroqd's flags, config file, socket and systemd support, plus the jobs above.
        .executableTarget(
            name: "greetd",
            dependencies: [
                "GreetingJobs",
                .product(name: "CoroqCore", package: "coroq"),
                .product(name: "CoroqDaemon", package: "coroq"),
            ]),
        .testTarget(
            name: "GreetingJobsTests",
            dependencies: [
                "GreetingJobs", .product(name: "CoroqCore", package: "coroq"),
                .product(name: "Logging", package: "swift-log"),
            ]),
    ]
)
