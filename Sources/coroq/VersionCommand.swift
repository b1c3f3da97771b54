import ArgumentParser
import CoroqProtocol

struct VersionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version", abstract: "Print the versions of coroq, of the daemon, and of their protocol.")

    @OptionGroup var options: ClientOptions

    func run() async throws {
        let hello = try await options.withClient { try await $0.hello() }
        if options.json {
            Output.jsonLine([
                "client": "coroq \(coroqVersion)", "daemon": hello.server,
                "protocol": "\(hello.protocolVersion)",
            ])
        } else {
            Output.line("coroq \(coroqVersion)\n\(hello.server)\nprotocol \(hello.protocolVersion)")
        }
    }
}
