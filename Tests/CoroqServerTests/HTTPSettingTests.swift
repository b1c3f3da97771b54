import CoroqServer
import Testing

/// `[http]` and `[metrics]`: a loopback address unless remote listening is allowed in so many words.
@Suite struct HTTPSettingTests {
    @Test func theTablesAreRead() throws {
        let settings = try DaemonSettings(toml: """
            [http]
            listen = "127.0.0.1:8765"

            [metrics]
            listen = "[::1]:9100"
            """)
        #expect(settings.http == HTTPSetting(host: "127.0.0.1", port: 8765))
        #expect(settings.metrics == HTTPSetting(host: "::1", port: 9100))
        #expect(settings.metrics?.authority == "[::1]:9100")
    }

    @Test func anAddressBeyondLoopbackNeedsAllowRemote() throws {
        #expect(throws: ConfigError.self) { try DaemonSettings(toml: "[http]\nlisten = \"0.0.0.0:8765\"\n") }
        do {
            _ = try DaemonSettings(toml: "[http]\nlisten = \"0.0.0.0:8765\"\n")
        } catch {
            #expect(error.key == "http.listen" && error.message.contains("allow_remote = true") && error.message.contains("TLS"))
        }
        let allowed = try DaemonSettings(toml: "[http]\nlisten = \"0.0.0.0:8765\"\nallow_remote = true\n")
        #expect(allowed.http?.allowRemote == true && allowed.http?.isLoopback == false)
    }

    @Test func badTablesAreRefusedNamingTheKey() {
        let cases: [(String, String)] = [
            ("[http]\nlisten = \"127.0.0.1\"\n", "http.listen"),
            ("[http]\nlisten = \"127.0.0.1:99999\"\n", "http.listen"),
            ("[http]\nport = 8765\n", "http.port"),
            ("[http]\nallow_remote = true\n", "http.listen"),
            ("[metrics]\nlisten = 9100\n", "metrics.listen"),
            ("http = \"127.0.0.1:8765\"\n", "http"),
        ]
        for (text, key) in cases {
            do {
                _ = try DaemonSettings(toml: text)
                Issue.record("accepted: \(text)")
            } catch {
                #expect(error.key == key, "\(text): \(error)")
            }
        }
    }

    @Test func theFlagsFormIsCheckedToo() throws {
        #expect(try HTTPSetting(listen: "localhost:8765").isLoopback)
        #expect(throws: HTTPSettingError.self) { try HTTPSetting(listen: "example.org:80") }
        #expect(try HTTPSetting(listen: "example.org:80", allowRemote: true).host == "example.org")
    }
}
