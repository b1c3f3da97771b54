import CoroqCore
import CoroqJobs
import Testing

/// Command templates of coroqd.toml's `[jobs.NAME]`: values fill placeholders as text, one word each,
/// and never go into a shell script (issue 11, item 8).
struct CommandTemplateTests {
    @Test func valuesFillTheirWordsAsText() throws {
        let template = try CommandTemplate(["rsync", "-a", "{source}/", "--bwlimit={limit}", "{target}", "{{literal}}"])
        #expect(template.placeholders == ["source", "limit", "target"])
        let argv = try template.argv(["source": "$(rm -rf ~); ;|&", "limit": "10m", "target": "a b"])
        #expect(argv == ["rsync", "-a", "$(rm -rf ~); ;|&/", "--bwlimit=10m", "a b", "{literal}"])
    }

    @Test func aMissingOrUnknownValueIsRefusedWithWhatItTakes() throws {
        let template = try CommandTemplate(["cp", "{from}", "{to}"])
        #expect { _ = try template.argv(["from": "a"]) } throws: { "\($0)".contains("no value for {to}: give from=… to=…") }
        #expect { _ = try template.argv(["from": "a", "to": "b", "too": "c"]) } throws: {
            "\($0)".contains("'too' is not a placeholder of this job's command; it takes from, to")
        }
    }

    @Test(arguments: [
        ["sh", "-c", "echo {x}"], ["bash", "-lc", "tar czf {out} ."], ["/usr/bin/env", "sh", "-c", "rm {path}"],
        ["/bin/dash", "-ec", "{script}"],
    ])
    func aPlaceholderInsideAShellScriptIsRefused(words: [String]) {
        #expect { _ = try CommandTemplate(words) } throws: { "\($0)".contains("inside a shell script") }
    }

    @Test func aShellScriptTakesValuesAsPositionalParameters() throws {
        let template = try CommandTemplate(["sh", "-c", #"printf '%s' "$1""#, "sh", "{x}"])
        #expect(try template.argv(["x": "`id`"]) == ["sh", "-c", #"printf '%s' "$1""#, "sh", "`id`"])
    }

    @Test(arguments: [[String](), [""], ["{program}", "x"], ["ls", "{a b}"]])
    func aTemplateThatCannotRunIsRefused(words: [String]) {
        #expect(throws: InvalidArguments.self) { try CommandTemplate(words) }
    }
}
