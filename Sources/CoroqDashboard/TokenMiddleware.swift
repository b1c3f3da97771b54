import HTTPTypes
import Hummingbird

/// Puts `AccessCheck` in front of every route: refuses without the token, turns a token in the URL into
/// the cookie (a 303 to the same address without it, so it leaves the address bar and the history), and
/// refuses actions from another origin.
struct TokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let access: AccessCheck
    /// Only `Authorization: Bearer` (the metrics-only listener).
    var bearerOnly = false

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let query = HTML.form(request.uri.query ?? "")
        let check = AccessCheck.Request(
            method: request.method.rawValue,
            queryToken: bearerOnly ? nil : query["token"],
            cookieHeader: bearerOnly ? nil : request.headers[.cookie],
            authorization: request.headers[.authorization],
            origin: request.headers[.origin],
            secFetchSite: request.headers[HTTPField.Name("Sec-Fetch-Site")!],
            host: request.head.authority)
        switch access.decide(check) {
        case .allow:
            return try await next(request, context)
        case .allowSettingCookie:
            let rest = query.filter { $0.key != "token" }.sorted { $0.key < $1.key }
                .map { "\(HTML.query($0.key))=\(HTML.query($0.value))" }.joined(separator: "&")
            var response = Response(status: .seeOther, headers: [.location: request.uri.path + (rest.isEmpty ? "" : "?" + rest)])
            response.headers[.setCookie] = access.setCookie
            response.headers[.cacheControl] = "no-store"
            return response
        case .refuse(let status, let reason):
            if bearerOnly {
                return Response(status: HTTPResponse.Status(code: status), headers: [.contentType: "text/plain; charset=utf-8", .wwwAuthenticate: "Bearer"],
                                body: ResponseBody(byteBuffer: ByteBuffer(string: reason + "\n")))
            }
            return DashboardRoutes.html(Layout.message(status == 401 ? "Token needed" : "Refused", reason), status: HTTPResponse.Status(code: status))
        }
    }
}
