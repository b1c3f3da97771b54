import CoroqJSON
import Testing

/// Civil dates to day counts and back, the arithmetic the CLI's timestamps and the cron search share.
struct CivilDateTests {
    @Test(arguments: [
        (1970, 1, 1, 0), (1969, 12, 31, -1), (2000, 3, 1, 11017), (2026, 12, 1, 20788), (2028, 2, 29, 21243),
        (1600, 1, 1, -135140),
    ])
    func daysAndBack(year: Int, month: Int, day: Int, days: Int) {
        #expect(CivilDate.days(year: year, month: month, day: day) == days)
        let date = CivilDate.date(fromDays: days)
        #expect(date.year == year && date.month == month && date.day == day)
    }

    @Test func everyDayOfFourCenturiesRoundTrips() {
        for days in -146_097...146_097 {
            let date = CivilDate.date(fromDays: days)
            #expect(CivilDate.days(year: date.year, month: date.month, day: date.day) == days)
        }
    }
}
