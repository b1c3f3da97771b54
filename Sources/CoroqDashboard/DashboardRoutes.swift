import CoroqJSON
import CoroqProtocol
import CoroqServer
import CoroqStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The dashboard's routes: pages (GET), live events (GET, server-sent), actions (POST only, then a 303
/// back to the page), the two static files and `/metrics`. Every route is behind `TokenMiddleware`.
struct DashboardRoutes: Sendable {
    let view: DaemonView
    let metrics: MetricsEndpoint?
    let renders: RenderCache

    init(view: DaemonView, metrics: MetricsEndpoint?) {
        self.view = view
        self.metrics = metrics
        renders = RenderCache(changes: view.changes)
    }

    func register(on router: Router<BasicRequestContext>) {
        router.get("/") { _, _ in await self.overview() }
        router.get("/tasks") { request, _ in await self.tasks(request) }
        router.get("/tasks/:id") { request, context in await self.task(context.parameters.get("id"), notice: request.uri.queryParameters["notice"].map { String($0) }) }
        router.get("/schedules") { _, _ in await self.schedules() }
        router.get("/live/overview") { _, _ in
            LiveEvents.response(changes: self.view.changes) {
                await self.renders.render("overview") { await self.overviewData().map(OverviewPage.live) }
            }
        }
        router.get("/live/tasks") { request, _ in
            let parameters = Self.parameters(request)
            guard let query = try? TasksPage.query(from: parameters) else { return Response(status: .badRequest) }
            return LiveEvents.response(changes: self.view.changes) {
                await self.renders.render("tasks?" + TasksPage.filterQuery(query)) {
                    guard let (tasks, floor) = try? await self.view.tasks(query) else { return nil }
                    return TasksPage.list(TasksPage.Data(query: query, tasks: tasks, floor: floor))
                }
            }
        }
        router.get("/live/task/:id") { _, context in
            guard let id = context.parameters.get("id").flatMap(Int64.init) else { return Response(status: .notFound) }
            return LiveEvents.response(changes: self.view.changes) {
                await self.renders.render("task/\(id)") {
                    guard let detail = try? await self.view.show(id) else { return nil }
                    return TaskPage.live(detail)
                }
            }
        }
        router.get("/live/schedules") { _, _ in
            LiveEvents.response(changes: self.view.changes) {
                await self.renders.render("schedules") { await self.schedulesData().map(SchedulesPage.live) }
            }
        }
        router.get("/live/log/:id") { _, context in
            guard let id = context.parameters.get("id").flatMap(Int64.init) else { return Response(status: .notFound) }
            return LiveEvents.log(view: self.view, id: id)
        }
        router.post("/tasks/:id/:action") { request, context in
            await self.act(request, id: context.parameters.get("id"), action: context.parameters.get("action"))
        }
        router.post("/queues/:name/:action") { _, context in
            let name = context.parameters.get("name") ?? ""
            let paused = context.parameters.get("action") == "pause"
            do {
                _ = try await QueueControl.setPaused(self.view, queue: HTML.percentDecoded(name), paused: paused)
                return Self.seeOther("/schedules")
            } catch {
                return Self.html(Layout.message("Not done", "\(error)"), status: .conflict)
            }
        }
        router.get("/assets/dashboard.css") { _, _ in Self.asset(Assets.css, type: "text/css; charset=utf-8") }
        router.get("/assets/dashboard.js") { _, _ in Self.asset(Assets.js, type: "text/javascript; charset=utf-8") }
        if let metrics {
            router.get("/metrics") { _, _ in await metrics.response() }
        }
    }

    // MARK: Pages

    func overviewData() async -> OverviewPage.Data? {
        guard let counts = try? await view.counts(), let running = try? await view.running() else { return nil }
        return OverviewPage.Data(
            counts: counts, queues: await QueueControl.summaries(view, counts: counts),
            minutes: TaskMetrics.shared.recentMinutes.lastHour(now: Date()), running: running)
    }

    func overview() async -> Response {
        guard let data = await overviewData() else { return Self.unavailable() }
        return Self.html(OverviewPage.page(data))
    }

    func tasks(_ request: Request) async -> Response {
        let query: TaskPageQuery
        do {
            query = try TasksPage.query(from: Self.parameters(request))
        } catch {
            return Self.html(Layout.message("Bad filter", error.description), status: .badRequest)
        }
        do {
            let (tasks, floor) = try await view.tasks(query)
            let counts = (try? await view.counts()) ?? [:]
            let queues = await QueueControl.summaries(view, counts: counts).map(\.name)
            return Self.html(TasksPage.page(TasksPage.Data(query: query, tasks: tasks, floor: floor), queues: queues))
        } catch {
            return Self.html(Layout.message("Cannot list tasks", error.message), status: .internalServerError)
        }
    }

    func task(_ idText: String?, notice: String?) async -> Response {
        guard let idText, let id = Int64(idText) else {
            return Self.html(Layout.message("No such task", "expected a task id such as /tasks/42"), status: .notFound)
        }
        do {
            return Self.html(TaskPage.page(try await view.show(id), notice: notice))
        } catch {
            return Self.html(Layout.message("No such task", error.message), status: error.code == RPCErrorCode.taskNotFound.rawValue ? .notFound : .internalServerError)
        }
    }

    func schedulesData() async -> SchedulesPage.Data? {
        guard let counts = try? await view.counts(), let schedules = try? await view.scheduleList() else { return nil }
        return SchedulesPage.Data(queues: await QueueControl.summaries(view, counts: counts), schedules: schedules)
    }

    func schedules() async -> Response {
        guard let data = await schedulesData() else { return Self.unavailable() }
        return Self.html(SchedulesPage.page(data))
    }

    // MARK: Actions

    /// cancel, retry, send, resolve: done with the same handlers as the CLI's, then back to the task page
    /// with what happened (or the daemon's refusal) as a notice.
    func act(_ request: Request, id idText: String?, action: String?) async -> Response {
        guard let idText, let id = Int64(idText) else { return Response(status: .notFound) }
        var request = request
        let body = (try? await request.collectBody(upTo: 1 << 20)).map { String(buffer: $0) } ?? ""
        let form = HTML.form(body)
        let notice: String
        do {
            switch action {
            case "cancel":
                let task = try await view.cancel(id, reason: "cancelled from the dashboard")
                notice = "task \(id) is \(task.state.rawValue)"
            case "retry":
                let task = try await view.retry(id)
                notice = "task \(id) is \(task.state.rawValue) again"
            case "send":
                let value = try Self.json(form["value"], field: "value")
                let sent = try await view.send(id, value: value)
                notice = "value \(sent.sequence) sent to task \(id)"
            case "resolve":
                let error = form["error"].flatMap { $0.isEmpty ? nil : $0 }
                let value = error == nil ? try Self.json(form["value"], field: "value") : nil
                let task = try await view.resolve(id, value: value, error: error)
                notice = "future \(id) is \(task.state.rawValue)"
            default:
                return Response(status: .notFound)
            }
        } catch let error as RPCError {
            return Self.seeOther("/tasks/\(id)?notice=\(HTML.query("not done: " + error.message))")
        } catch {
            return Self.seeOther("/tasks/\(id)?notice=\(HTML.query("not done: \(error)"))")
        }
        return Self.seeOther("/tasks/\(id)?notice=\(HTML.query(notice))")
    }

    private static func json(_ text: String?, field: String) throws -> JSONValue {
        guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw DashboardError("\(field): expected a JSON value such as {\"ok\":true}, 42 or \"text\"")
        }
        do {
            return try JSONValue(parsing: text)
        } catch {
            throw DashboardError("\(field): not a JSON value (\(error)); strings need quotes: \"text\"")
        }
    }

    // MARK: Responses

    static func parameters(_ request: Request) -> [String: String] {
        HTML.form(request.uri.query ?? "")
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                      .contentSecurityPolicy: "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
                      .xContentTypeOptions: "nosniff", HTTPField.Name("Referrer-Policy")!: "no-referrer"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func asset(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "no-cache", .xContentTypeOptions: "nosniff"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func seeOther(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    static func unavailable() -> Response {
        html(Layout.message("Not available", "coroqd could not read its database just now; reload in a moment"), status: .serviceUnavailable)
    }
}
