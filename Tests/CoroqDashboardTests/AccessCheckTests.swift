@testable import CoroqDashboard
import Testing

/// Who may use the dashboard: the token (URL once, then the cookie; bearer for scrapers), actions only
/// by POST from the same origin.
@Suite struct AccessCheckTests {
    let access = AccessCheck(token: "a3f1c2d4e5f60718293a4b5c6d7e8f90a3f1c2d4e5f60718293a4b5c6d7e8f90")
    var token: String { access.token }

    private func request(_ method: String = "GET", query: String? = nil, cookie: String? = nil, bearer: String? = nil,
                         origin: String? = nil, fetchSite: String? = nil) -> AccessCheck.Request {
        AccessCheck.Request(method: method, queryToken: query, cookieHeader: cookie, authorization: bearer.map { "Bearer \($0)" },
                            origin: origin, secFetchSite: fetchSite, host: "127.0.0.1:8765")
    }

    @Test func withoutTheTokenNothingIsAllowed() {
        guard case .refuse(401, _) = access.decide(request()) else { Issue.record("no token must be refused"); return }
        guard case .refuse(401, _) = access.decide(request(query: "wrong")) else { Issue.record("a wrong token must be refused"); return }
        guard case .refuse(401, _) = access.decide(request(cookie: "coroq_token=\(token.dropLast())")) else {
            Issue.record("a token one character short must be refused"); return
        }
    }

    @Test func theURLsTokenBecomesTheCookie() {
        #expect(access.decide(request(query: token)) == .allowSettingCookie)
        #expect(access.decide(request(cookie: "other=1; coroq_token=\(token)")) == .allow)
        #expect(access.decide(request(bearer: token)) == .allow)
        #expect(access.setCookie.contains("HttpOnly") && access.setCookie.contains("SameSite=Strict"))
    }

    @Test func anActionNeedsTheCookieAndTheSameOrigin() {
        #expect(access.decide(request("POST", cookie: "coroq_token=\(token)", origin: "http://127.0.0.1:8765")) == .allow)
        #expect(access.decide(request("POST", cookie: "coroq_token=\(token)", fetchSite: "same-origin")) == .allow)
        guard case .refuse(403, _) = access.decide(request("POST", cookie: "coroq_token=\(token)", origin: "http://evil.example")) else {
            Issue.record("another origin must be refused"); return
        }
        guard case .refuse(403, _) = access.decide(request("POST", cookie: "coroq_token=\(token)", fetchSite: "cross-site")) else {
            Issue.record("a cross-site request must be refused"); return
        }
        guard case .refuse(403, _) = access.decide(request("POST", cookie: "coroq_token=\(token)")) else {
            Issue.record("a POST that says nothing of its origin must be refused"); return
        }
        guard case .refuse(403, _) = access.decide(request("POST", query: token, origin: "http://127.0.0.1:8765")) else {
            Issue.record("an action by the URL's token alone must be refused"); return
        }
    }

    @Test func theComparisonIsExactWhateverTheLengths() {
        #expect(AccessCheck.constantTimeEqual(Array("abc".utf8), Array("abc".utf8)))
        #expect(!AccessCheck.constantTimeEqual(Array("abc".utf8), Array("abd".utf8)))
        #expect(!AccessCheck.constantTimeEqual(Array("abc".utf8), Array("abc\0".utf8)), "a longer candidate padded with zeros differs")
        #expect(!AccessCheck.constantTimeEqual([], Array("a".utf8)))
    }
}
