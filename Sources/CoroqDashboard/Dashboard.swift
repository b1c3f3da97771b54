import CoroqServer
import CoroqStore
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

/// The dashboard and `/metrics` as services of the daemon (`DaemonConfiguration.extraServices`): made
/// only when `[http]` / `[metrics]` (or `--http`) is set.
public enum Dashboard {
    /// The registry `/metrics` shows; swift-metrics reaches it once `bootstrapMetrics()` ran.
    private static let registry = PrometheusCollectorRegistry()

    /// Sends this process's swift-metrics to the Prometheus registry and turns task metrics on. Call once,
    /// before the daemon starts (swift-metrics allows one bootstrap per process).
    public static func bootstrapMetrics() {
        MetricsSystem.bootstrap(MetricsEndpoint.factory(registry))
        TaskMetrics.shared.enable()
    }

    /// The services for these settings: the dashboard (with `/metrics`) on `http`, `/metrics` alone on
    /// `metrics`. Each reads (or creates) the token file beside the socket when it starts.
    public static func services(
        http: HTTPSetting?, metrics: HTTPSetting?, logger: Logger
    ) -> [@Sendable (DaemonView) async throws -> any Service] {
        var made: [@Sendable (DaemonView) async throws -> any Service] = []
        if let http {
            made.append { view in
                let token = try TokenFile.load(socket: view.socketPath)
                let router = Router(context: BasicRequestContext.self)
                router.add(middleware: TokenMiddleware(access: AccessCheck(token: token)))
                DashboardRoutes(view: view, metrics: MetricsEndpoint(view: view, registry: registry)).register(on: router)
                return DashboardService(
                    name: "dashboard", setting: http, router: router, urlFile: TokenFile.urlPath(socket: view.socketPath),
                    heartbeat: { view.changes.signal() }, logger: logger)
            }
        }
        if let metrics {
            made.append { view in
                let token = try TokenFile.load(socket: view.socketPath)
                let router = Router(context: BasicRequestContext.self)
                router.add(middleware: TokenMiddleware(access: AccessCheck(token: token), bearerOnly: true))
                let endpoint = MetricsEndpoint(view: view, registry: registry)
                router.get("/metrics") { _, _ in await endpoint.response() }
                return DashboardService(name: "metrics", setting: metrics, router: router, urlFile: nil, heartbeat: nil, logger: logger)
            }
        }
        return made
    }
}

/// One HTTP listener (hummingbird) as a Service; the dashboard's writes its address to `SOCKET.url` while
/// it serves, for `coroq dashboard`, and removes it when it stops.
struct DashboardService: Service {
    let app: any Service
    let urlFile: String?
    /// Raised every `LiveEvents.heartbeat`, so that open pages with nothing new find out whether they
    /// are still open.
    let heartbeat: (@Sendable () -> Void)?

    init(
        name: String, setting: HTTPSetting, router: Router<BasicRequestContext>, urlFile: String?,
        heartbeat: (@Sendable () -> Void)?, logger: Logger
    ) {
        self.urlFile = urlFile
        self.heartbeat = heartbeat
        app = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(setting.host, port: setting.port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                let host = setting.host.contains(":") ? "[\(setting.host)]" : setting.host
                let url = "http://\(host):\(port)"
                if let urlFile {
                    do {
                        try TokenFile.write(url + "\n", to: urlFile)
                    } catch {
                        logger.error("could not write the dashboard's address", metadata: ["error": "\(error)"])
                    }
                }
                logger.notice("\(name) listening", metadata: ["url": "\(url)", "remote": "\(!setting.isLoopback)"])
            },
            logger: logger)
    }

    func run() async throws {
        defer { if let urlFile { unlink(urlFile) } }
        guard let heartbeat else { return try await app.run() }
        let ticker = Task {
            while !Task.isCancelled {
                do { try await Task.sleep(for: LiveEvents.heartbeat) } catch { return }
                heartbeat()
            }
        }
        defer { ticker.cancel() }
        try await app.run()
    }
}
