import CoroqJSON
import Testing

/// Durations written the human way, as every flag, config key and `sleep` argument takes them (issue 11).
struct SecondsParseTests {
    @Test(arguments: [
        ("90", 90.0), ("1.5", 1.5), ("0", 0), ("500ms", 0.5), ("30s", 30), ("5m", 300), ("2h", 7200),
        ("1d", 86400), ("2w", 1_209_600), ("1h30m", 5400), ("2m30s", 150), ("1.5h", 5400), (" 10s\t", 10),
        ("1m500ms", 60.5),
    ])
    func readsHumanDurations(text: String, seconds: Double) {
        #expect(Seconds.parse(text) == seconds)
    }

    @Test(arguments: ["", "s", "-1", "-5s", "5x", "5 m", "m5", "1e3", "inf", "nan", "5mm", "1..5s", "2y", "99999999999"])
    func refusesWhatIsNotADuration(text: String) {
        #expect(Seconds.parse(text) == nil)
    }
}
