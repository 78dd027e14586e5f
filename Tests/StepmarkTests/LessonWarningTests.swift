import Foundation
import Testing
@testable import StepmarkLesson
@testable import StepmarkRender

/// A lesson's own warnings (a mistyped directive name) reach every teacher-facing output with
/// their positions, and never a student's handout.
@Suite struct LessonWarningTests {
    static let lesson = "# T\n\n```atend\nQ = 1\n```\n\n```let\nx = 1\n```\n"

    @Test func warningsAreShownToTheTeacherOnly() throws {
        let report = runLesson(Self.lesson, path: "t.md")
        #expect(report.ok, "a warning never fails the lesson")
        let message = "'atend' is not a directive, so this block is shown as code and not run; did you mean 'attend'?"
        #expect(report.warnings.map(\.message) == [message] && report.warnings.first?.line == 3)
        #expect(TerminalRenderer().render(report).contains("warning: t.md:3:4: " + message))
        #expect(MarkdownRenderer().render(report).contains("> **Warning** `t.md:3:4` — "))
        #expect(HTMLRenderer().render(report).contains("<p class=\"warning\">Warning: t.md:3:4: &#39;atend&#39;"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(JSONRenderer.render(report).utf8)) as? [String: Any])
        #expect((json["warnings"] as? [[String: Any]])?.first?["column"] as? Int == 4)
        #expect(!MarkdownRenderer(student: true).render(report).contains("Warning"))
        #expect(!HTMLRenderer(student: true).render(report).contains("class=\"warning\""))
    }
}
