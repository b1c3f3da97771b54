/// Who may use the dashboard: the holder of the daemon's token (a 0600 file beside the socket, so only
/// the daemon's user can read it). The token arrives once in the URL (`/?token=…`), which answers with an
/// HttpOnly SameSite=Strict cookie; every later request carries the cookie (or, for a scraper of
/// `/metrics`, `Authorization: Bearer TOKEN`). An action (POST) needs the token AND a same-origin request:
/// an `Origin` equal to the dashboard's own, or (without Origin) `Sec-Fetch-Site: same-origin`; no action is
/// ever taken on a GET.
struct AccessCheck: Sendable {
    static let cookieName = "coroq_token"

    let token: String

    /// What the request carried, as plain values (so the decision is testable without a server).
    struct Request: Sendable {
        var method: String
        var queryToken: String?
        var cookieHeader: String?
        var authorization: String?
        var origin: String?
        var secFetchSite: String?
        var host: String?
    }

    enum Decision: Equatable, Sendable {
        /// Allowed.
        case allow
        /// Allowed by the URL's token: answer with the cookie (and drop the token from the address bar).
        case allowSettingCookie
        /// Refused with this status and reason.
        case refuse(status: Int, reason: String)
    }

    func decide(_ request: Request) -> Decision {
        let byQuery = request.queryToken.map(matches) ?? false
        let byCookie = cookie(in: request.cookieHeader).map(matches) ?? false
        let byBearer = bearer(request.authorization).map(matches) ?? false
        guard byQuery || byCookie || byBearer else {
            return .refuse(status: 401, reason: "this needs the dashboard's token: open the URL `coroq dashboard` prints")
        }
        if request.method != "GET" && request.method != "HEAD" {
            guard byCookie || byBearer else {
                return .refuse(status: 403, reason: "an action needs the dashboard's cookie, not a token in the URL")
            }
            guard Self.sameOrigin(origin: request.origin, secFetchSite: request.secFetchSite, host: request.host) else {
                return .refuse(status: 403, reason: "cross-origin request refused: actions are taken only from the dashboard's own pages")
            }
        }
        return byQuery && !byCookie ? .allowSettingCookie : .allow
    }

    /// True for a request from the dashboard's own pages: an `Origin` naming the `Host` it was sent to, or
    /// with no `Origin` header, a browser's `Sec-Fetch-Site: same-origin`. A request with neither is refused.
    static func sameOrigin(origin: String?, secFetchSite: String?, host: String?) -> Bool {
        if let origin, origin != "null" {
            guard let host else { return false }
            return origin == "http://\(host)" || origin == "https://\(host)"
        }
        return secFetchSite == "same-origin"
    }

    /// Compares in time that depends on the lengths only, not on where the first difference is.
    func matches(_ candidate: some StringProtocol) -> Bool {
        Self.constantTimeEqual(Array(candidate.utf8), Array(token.utf8))
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(a.count == b.count ? 0 : 1)
        let count = max(a.count, b.count)
        for index in 0..<count {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= x ^ y
        }
        return difference == 0
    }

    /// The value of our cookie in a `Cookie:` header.
    func cookie(in header: String?) -> Substring? {
        guard let header else { return nil }
        for part in header.split(separator: ";") {
            let trimmed = part.drop { $0 == " " }
            if trimmed.hasPrefix(Self.cookieName + "=") { return trimmed.dropFirst(Self.cookieName.count + 1) }
        }
        return nil
    }

    func bearer(_ header: String?) -> Substring? {
        guard let header, header.lowercased().hasPrefix("bearer ") else { return nil }
        return header.dropFirst("bearer ".count).drop { $0 == " " }
    }

    /// The `Set-Cookie` value: HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it).
    var setCookie: String {
        "\(Self.cookieName)=\(token); Path=/; HttpOnly; SameSite=Strict"
    }
}
