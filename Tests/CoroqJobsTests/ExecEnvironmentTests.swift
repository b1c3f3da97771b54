import CoroqCore
@testable import CoroqJobs
import Testing

/// What an exec command gets in its environment: a few of the daemon's variables, never the others.
struct ExecEnvironmentTests {
    let daemon = ["PATH": "/opt/bin:/usr/bin", "HOME": "/home/d", "API_TOKEN": "secret", "EXTRA": "x", "LANG": "C.UTF-8"]

    @Test func theDaemonsSecretsStayWithTheDaemon() {
        let variables = ExecEnvironment(daemon: daemon).variables(for: .init(argv: ["true"]), context: makeContext(5, attempt: 2))
        #expect(variables == [
            "PATH": "/opt/bin:/usr/bin", "HOME": "/home/d", "LANG": "C.UTF-8", "COROQ_TASK_ID": "5", "COROQ_ATTEMPT": "2",
        ])
    }

    @Test func configuredNamesArePassedOnAndTheTasksOwnWin() {
        let environment = ExecEnvironment(daemon: daemon, alsoPassing: ["EXTRA", "ABSENT"])
        let variables = environment.variables(
            for: .init(argv: ["true"], env: ["HOME": "/tmp", "MODE": "fast", "COROQ_TASK_ID": "forged"]), context: makeContext(5))
        #expect(variables["EXTRA"] == "x" && variables["ABSENT"] == nil && variables["API_TOKEN"] == nil)
        #expect(variables["HOME"] == "/tmp" && variables["MODE"] == "fast")
        #expect(variables["COROQ_TASK_ID"] == "5")
    }

    @Test func clearEnvKeepsOnlyTheTasksVariables() {
        let variables = ExecEnvironment(daemon: daemon).variables(
            for: .init(argv: ["true"], env: ["PATH": "/submitter/bin"], clearEnv: true), context: makeContext(1))
        #expect(variables == ["PATH": "/submitter/bin", "COROQ_TASK_ID": "1", "COROQ_ATTEMPT": "1"])
    }

    @Test func theDaemonsOwnCLIIsFoundAtTheEndOfPath() {
        let environment = ExecEnvironment(daemon: daemon, cliDirectory: "/srv/coroq/bin")
        #expect(environment.variables(for: .init(argv: ["true"]), context: makeContext(1))["PATH"] == "/opt/bin:/usr/bin:/srv/coroq/bin")
        let already = ExecEnvironment(daemon: daemon, cliDirectory: "/usr/bin")
        #expect(already.variables(for: .init(argv: ["true"]), context: makeContext(1))["PATH"] == "/opt/bin:/usr/bin")
    }

    @Test func anOnDoneCommandGetsTheSameFewVariablesAndItsTasksOwn() {
        let environment = ExecEnvironment(daemon: daemon, alsoPassing: ["EXTRA"], controlSocket: "/run/c.sock", cliDirectory: "/srv/bin")
        let variables = environment.variables(forCallback: ["COROQ_TASK_ID": "7", "COROQ_TASK_STATE": "failed", "HOME": "forged"])
        #expect(variables == [
            "PATH": "/opt/bin:/usr/bin:/srv/bin", "HOME": "forged", "LANG": "C.UTF-8", "EXTRA": "x",
            "COROQ_SOCKET": "/run/c.sock", "COROQ_TASK_ID": "7", "COROQ_TASK_STATE": "failed",
        ])
        let callback = CallbackEnvironment(daemon: daemon, controlSocket: nil).variables(task: "3", state: "succeeded", result: "{}")
        #expect(callback["API_TOKEN"] == nil && callback["COROQ_SOCKET"] == nil)
        #expect(callback["COROQ_TASK_ID"] == "3" && callback["COROQ_TASK_STATE"] == "succeeded" && callback["COROQ_TASK_RESULT"] == "{}")
    }

    @Test func aDaemonWithoutPathStillFindsCommands() {
        #expect(ExecEnvironment(daemon: [:]).base == ["PATH": ExecEnvironment.fallbackPath])
    }

    @Test func badNamesAreRefusedAtValidation() {
        #expect(throws: InvalidArguments.self) {
            try ExecJob(logDirectory: "/tmp").validate(.init(argv: ["true"], env: ["A=B": "c"]))
        }
    }
}
