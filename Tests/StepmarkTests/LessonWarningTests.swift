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

/// A lesson titled only in its front matter shows Quarto's title block (title, subtitle,
/// authors, date as written); a lesson with its own `# heading` does not get a second title.
@Suite struct TitleBlockTests {
    @Test func frontMatterTitleBlock() {
        let lesson = "---\ntitle: \"Softmax <by> hand\"\nsubtitle: A first look\nauthor: [Kim, Lee]\ndate: 2026-12-05\n---\n\nIntro.\n"
        let report = runLesson(lesson, path: "t.md")
        let md = MarkdownRenderer().render(report)
        #expect(md.hasPrefix("# Softmax &lt;by&gt; hand\n\n*A first look*\n\nKim · Lee · 2026-12-05\n\nIntro."), "\(md)")
        let html = HTMLRenderer().render(report)
        #expect(html.contains("<header class=\"title-block\"><h1>Softmax &lt;by&gt; hand</h1><p class=\"subtitle\">A first look</p><p class=\"byline\">Kim · Lee · 2026-12-05</p></header>"))
        let headed = runLesson("---\ntitle: Other\n---\n\n# My heading\n", path: "t.md")
        #expect(!HTMLRenderer().render(headed).contains("<header class=\"title-block\">") && !MarkdownRenderer().render(headed).contains("# Other"))
        #expect(headed.title == "Other", "the front matter's title still names the page")
    }
}
