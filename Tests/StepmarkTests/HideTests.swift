import Foundation
import Testing
import StepmarkCore
@testable import StepmarkGrade
@testable import StepmarkLesson
@testable import StepmarkRender

/// `hide=source|values|all` on any directive (SPEC §8): the step runs and defines its names,
/// and every output leaves out what the author hid; an error is never hidden.
@Suite struct HideTests {
    static let lesson = """
        # Hide

        ```let hide=source
        secret_source = 41
        ```

        ```let hide=values
        v = [1, 2, 3]
        ```

        ```softmax hide=all
        [1, 2]
        ```

        ```let
        w = v + 1
        s = output
        ```
        """

    @Test func everyFormatLeavesOutWhatIsHidden() throws {
        let report = runLesson(Self.lesson)
        #expect(report.ok)
        // The hidden steps still define their names: w = v + 1, s = softmax([1, 2]).
        let last = try #require(report.steps.last)
        #expect(last.value(named: "w")?.value.tensor?.data == [2, 3, 4])
        // softmax([1, 2]) = [1, e] / (1 + e) = [0.268941, 0.731059] (hand calculation).
        #expect(abs((last.value(named: "s")?.value.tensor?.data[1] ?? 0) - 0.7310585786) < 1e-9)

        let md = MarkdownRenderer().render(report)
        #expect(!md.contains("secret_source = 41\n```") && md.contains("`secret_source = 41` = 41\n"), "hide=source keeps the values")
        #expect(md.contains("```let hide=values\nv = [1, 2, 3]\n```") && !md.contains("**v**"), "hide=values keeps the source")
        #expect(!md.contains("softmax") && !md.contains("[1, 2]\n"), "hide=all leaves nothing")

        let html = HTMLRenderer().render(report)
        #expect(!html.contains("secret_source = 41</code>") && html.contains("data-name=\"secret_source\""))
        #expect(html.contains("v = [1, 2, 3]") && !html.contains("data-name=\"v\""))
        #expect(!html.contains("data-directive=\"softmax\""))

        let json = try #require(try JSONSerialization.jsonObject(with: Data(JSONRenderer.render(report).utf8)) as? [String: Any])
        let steps = try #require(json["steps"] as? [[String: Any]])
        #expect(steps.map { $0["hide"] as? String } == ["source", "values", "all", nil])
        #expect(steps.map { ($0["values"] as? [Any])?.count } == [1, 0, 0, 2])

        let terminal = TerminalRenderer(color: false).render(report)
        #expect(!terminal.contains("softmax hide=all") && !terminal.contains("1.0000  2.0000  3.0000"))
    }

    /// A hidden step that fails still shows its error and its source; an exercise on a
    /// `hide=values` step is graded against the values nobody sees.
    @Test func errorsAndExercisesSurviveHiding() {
        let failing = runLesson("```let hide=all\nbad = nothere\n```\n")
        let md = MarkdownRenderer().render(failing)
        #expect(md.contains("bad = nothere") && md.contains("undefined name 'nothere'"))
        let key = runLesson("```softmax hide=values exercise=e\n[0, 0]\n```\n\n```answer e\n[0.5, 0.5]\n```\n")
        #expect(Exercises.check(key).exercises.first?.passed == true)
        let bad = runLesson("```let hide=everything\nx = 1\n```\n")
        #expect(bad.steps.first?.error?.message == "hide= must be one of source, values, all, got everything")
    }
}
