import CoroqServer
import CoroqStore
import Foundation
import Testing

@Suite struct DaemonSettingsTests {
    static var exampleConfig: String {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try! String(contentsOf: repository.appendingPathComponent("config/coroqd.toml"), encoding: .utf8)
    }

    @Test func noSettingsMeansDefaults() throws {
        #expect(try DaemonSettings(toml: "") == DaemonSettings())
        #expect(try DaemonSettings(toml: "# only comments\n\n") == DaemonSettings())
    }

    /// The shipped example sets every key to the default the daemon uses without it.
    @Test func theExampleConfigSetsEveryKeyToItsDefault() throws {
        let settings = try DaemonSettings(toml: Self.exampleConfig)
        var expected = DaemonSettings()
        expected.synchronous = .normal
        expected.concurrency = 100_000
        expected.shutdownGrace = 5
        expected.retention = 7 * 86400
        expected.busyTimeout = 5
        expected.logLevel = "info"
        expected.maxFrameBytes = 16 * 1024 * 1024
        expected.socketMode = 0o600
        expected.maxConnections = 1000
        expected.idleTimeout = 600
        expected.maxTaskBytes = 1 << 20
        expected.execPassEnv = []
        #expect(settings == expected)
    }

    @Test func theLimitsAreParsedAndChecked() throws {
        let settings = try DaemonSettings(toml: "max_connections = 10\nidle_timeout = \"30s\"\nmax_task_bytes = 4096\n")
        #expect(settings.maxConnections == 10 && settings.idleTimeout == 30 && settings.maxTaskBytes == 4096)
        #expect(throws: ConfigError.self) { try DaemonSettings(toml: "max_connections = 0") }
        #expect(throws: ConfigError.self) { try DaemonSettings(toml: "max_task_bytes = 10") }
        #expect(throws: ConfigError.self) { try DaemonSettings(toml: "idle_timeout = \"soon\"") }
    }

    @Test func everyKeyIsParsed() throws {
        let settings = try DaemonSettings(toml: """
            socket = "/run/x.sock"
            database = "/var/lib/x.db"
            synchronous = "full"
            concurrency = 8
            shutdown_grace = 2.5
            retention = "12h"
            busy_timeout = 1
            log_level = "debug"
            max_frame_bytes = 4096
            socket_mode = "0660"
            socket_group = "coroq"
            allowed_users = ["alice", "bob"]
            allowed_groups = ["ops"]
            exec_pass_env = ["AWS_PROFILE"]
            """)
        #expect(settings.execPassEnv == ["AWS_PROFILE"])
        #expect(settings.socketMode == 0o660 && settings.socketGroup == "coroq")
        #expect(settings.allowedUsers == ["alice", "bob"] && settings.allowedGroups == ["ops"])
        #expect(settings.socket == "/run/x.sock" && settings.database == "/var/lib/x.db")
        #expect(settings.synchronous == .full && settings.concurrency == 8 && settings.shutdownGrace == 2.5)
        #expect(settings.retention == 43_200 && settings.busyTimeout == 1 && settings.logLevel == "debug")
        #expect(settings.maxFrameBytes == 4096)
    }

    static let refusals: [(String, ConfigError)] = [
        ("exec_pass_env = [\"A=B\"]\n", ConfigError(key: "exec_pass_env", line: 1, message: "expected names of environment variables, got \"A=B\"")),
        ("concurrency = 4\nconcurency = 8\n", ConfigError(key: "concurency", line: 2, message: "")),
        ("\n\nconcurrency = \"many\"\n", ConfigError(key: "concurrency", line: 3, message: "expected an integer, got a string")),
        ("retention = true\n", ConfigError(key: "retention", line: 1, message: "")),
        ("synchronous = \"sometimes\"\n", ConfigError(key: "synchronous", line: 1, message: "expected \"normal\" or \"full\", got \"sometimes\"")),
        ("log_level = \"loud\"\n", ConfigError(key: "log_level", line: 1, message: "")),
        ("[groups]\nfast = 1\n", ConfigError(key: "groups", line: 1, message: "")),
        ("[queues]\nfast = 1\n", ConfigError(key: "queues.fast", line: 1, message: "expected a table: [queues.fast] with concurrency, rate or paused")),
        ("concurrency = \n", ConfigError(key: nil, line: 1, message: "")),
        ("socket_mode = \"0066\"\n", ConfigError(key: "socket_mode", line: 1, message: "")),
        ("socket_mode = 660\n", ConfigError(key: "socket_mode", line: 1, message: "expected a string, got an integer")),
        ("allowed_users = \"alice\"\n", ConfigError(key: "allowed_users", line: 1, message: "expected an array of strings, got a string")),
    ]

    /// A bad file names the key and the line; an unknown key lists the known ones.
    @Test(arguments: refusals)
    func badSettingsAreRefusedWithKeyAndLine(text: String, expected: ConfigError) {
        #expect {
            try DaemonSettings(toml: text)
        } throws: { error in
            guard let error = error as? ConfigError else { return false }
            return error.key == expected.key && error.line == expected.line
                && (expected.message.isEmpty || error.message == expected.message)
        }
    }

    @Test func anUnknownKeyListsTheKnownOnes() {
        #expect {
            try DaemonSettings(toml: "colour = 1\n")
        } throws: { error in
            "\(error)".hasPrefix("line 1, key 'colour': unknown key; the keys are allowed_groups, allowed_users, busy_timeout,")
        }
    }

    /// Flags over the file, the file over defaults; every key is listed and compared.
    @Test func mergingListingAndComparing() throws {
        var flags = DaemonSettings()
        flags.concurrency = 3
        flags.allowedUsers = ["alice"]
        let file = try DaemonSettings(toml: "concurrency = 8\nretention = \"1d\"\n")
        let merged = flags.over(file)
        #expect(merged.concurrency == 3 && merged.retention == 86400 && merged.allowedUsers == ["alice"])
        #expect(flags.keysSet == ["concurrency", "allowed_users"])
        #expect(merged.keysDiffering(from: file) == ["concurrency", "allowed_users"])
        #expect(merged.keysDiffering(from: merged).isEmpty)
        var everything = try DaemonSettings(toml: Self.exampleConfig)
        everything.socket = "/s"
        everything.database = "/d"
        everything.socketGroup = "g"
        everything.allowedUsers = []
        everything.allowedGroups = []
        everything.schedules = []
        everything.jobs = []
        everything.http = HTTPSetting(host: "127.0.0.1", port: 8765)
        everything.metrics = HTTPSetting(host: "127.0.0.1", port: 9100)
        everything.queues = []
        #expect(everything.keysSet.count == 22, "a settings property is missing from DaemonSettings.fields")
    }
}

/// `[schedules.NAME]` tables: read with their task, refused with the schedule and key at fault.
@Suite struct ScheduleSettingsTests {
    @Test func aScheduleTableIsReadWithItsTask() throws {
        let settings = try DaemonSettings(toml: """
            [schedules.nightly]
            cron = "30 2 * * *"
            time_zone = "Europe/Berlin"
            catch_up = "all"
            job = "exec"
            args = { argv = ["backup", "--full"] }
            on_done = "echo done"
            """)
        let schedule = try #require(settings.schedules?.first)
        #expect(schedule.name == "nightly" && schedule.cron == "30 2 * * *" && schedule.timeZone == "Europe/Berlin")
        #expect(schedule.catchUp == .all)
        #expect(schedule.task == ["job": "exec", "args": ["argv": ["backup", "--full"]], "on_done": "echo done"])
    }

    @Test(arguments: [
        ("[schedules.a]\ncron = \"61 * * * *\"\njob = \"noop\"\n", "line 1, key 'schedules.a'", "minute field"),
        ("[schedules.a]\nevery = \"5m\"\n", "key 'schedules.a.job'", "give the job"),
        ("[schedules.a]\nevery = \"5m\"\njob = \"noop\"\nwhen = 3\n", "key 'schedules.a.when'", "unknown key"),
        ("[schedules.a]\nevery = \"5m\"\njob = \"noop\"\ncatch_up = \"most\"\n", "key 'schedules.a.catch_up'", "\"none\", \"last\" or \"all\""),
        ("[schedules.a]\ncron = \"@daily\"\ntime_zone = \"Nowhere/City\"\njob = \"noop\"\n", "schedules.a", "unknown time zone"),
        ("[schedules.\"a b\"]\nevery = \"5m\"\njob = \"noop\"\n", "schedules.a b", "letters, digits"),
    ])
    func aBadScheduleNamesItsPlace(toml: String, place: String, says: String) {
        #expect { _ = try DaemonSettings(toml: toml) } throws: { error in
            "\(error)".contains(place) && "\(error)".contains(says)
        }
    }
}

/// `[jobs.NAME]` tables: command templates read whole, refused with the job and key at fault.
@Suite struct JobSettingsTests {
    @Test func aJobTableIsReadWithItsTemplate() throws {
        let settings = try DaemonSettings(toml: """
            [jobs.sync]
            command = ["rsync", "-a", "{source}/", "{target}"]
            description = "Copies a directory"
            cwd = "/srv"
            no_repeat = true
            """)
        let job = try #require(settings.jobs?.first)
        #expect(job.name == "sync" && job.template.placeholders == ["source", "target"])
        #expect(job.description == "Copies a directory" && job.directory == "/srv" && job.noRepeat)
    }

    @Test(arguments: [
        ("[jobs.a]\ncommand = [\"sh\", \"-c\", \"echo {x}\"]\n", "jobs.a.command", "inside a shell script"),
        ("[jobs.a]\ndescription = \"x\"\n", "jobs.a.command", "expected an array of strings"),
        ("[jobs.a]\ncommand = [\"true\"]\nretry = 3\n", "jobs.a.retry", "unknown key"),
        ("[jobs.a]\ncommand = [\"true\"]\ncwd = \"srv\"\n", "jobs.a.cwd", "absolute path"),
        ("[jobs.\"a b\"]\ncommand = [\"true\"]\n", "jobs.a b", "letters, digits"),
    ])
    func aBadJobNamesItsPlace(toml: String, place: String, says: String) {
        #expect { _ = try DaemonSettings(toml: toml) } throws: { error in
            "\(error)".contains(place) && "\(error)".contains(says)
        }
    }
}
