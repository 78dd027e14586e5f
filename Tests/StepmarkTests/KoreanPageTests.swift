import Foundation
import Testing
import StepmarkCore
@testable import StepmarkLesson
@testable import StepmarkRender
@testable import StepmarkGrade

/// Issue 17's acceptance test: a ko lesson with front matter, math, an image, a plot and an
/// exercise renders with no English word from stepmark on the page. Each output's text, less
/// the lesson's own words (its prose, its blocks, what its steps record), is checked for ASCII
/// words; what may stay is `StringsTests.fixedWords` (maths, names, file names) and
/// identifiers (one letter, or with a digit or an underscore).
@Suite struct KoreanPageTests {
    /// A 1×1 PNG (made on each use: a global Data decoded from Base64 keeps a box that
    /// LeakSanitizer reports in `make sanitize`).
    static var png: Data { Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")! }

    static let lesson = """
        ---
        title: 한국어 시험 강의
        lang: ko
        author: 선생님
        ---

        # 한국어 시험 강의

        점수 $s_i = q \\cdot k_i$ 를 소프트맥스로 바꿉니다:

        $$w_i = \\frac{e^{s_i}}{\\sum_j e^{s_j}}$$

        ![점 하나](dot.png)

        ```attend as=ctx
        Q = [[1, 0], [0, 1], [1, 1]]
        K = Q
        V = [[1, 2], [3, 4], [5, 6]]
        ```

        ```softmax exercise=ex1 points=2
        [1, 2, 3]
        ```

        ```answer ex1
        [0.0900, 0.2447, 0.6652]
        ```

        ```train x=2 y=3 w=0.5 lr=0.1 steps=10 history=fast
        ```

        ```train x=2 y=3 w=0.5 lr=0.3 steps=10 history=slow
        ```

        ```plot title="단계마다 손실" log=true
        작은 학습률: fast.loss
        큰 학습률: slow.loss
        ```

        """

    /// The lesson's own words: every ASCII word of its file, and of what its steps record.
    static func ownWords(_ report: Report, lesson: Lesson) -> Set<String> {
        var words = StringsTests.identifiers(of: lesson, report: report)
        var run = ""
        for scalar in Self.lesson.unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" {
                run.unicodeScalars.append(scalar)
            } else {
                if !run.isEmpty { words.insert(run) }
                run = ""
            }
        }
        return words
    }

    /// The text a reader sees (and hears) on an HTML page: the content without the style,
    /// the scripts, the MathML's TeX annotations and the data URIs, plus the attributes
    /// a screen reader reads (`aria-label`, `title`, `alt`).
    static func visibleText(_ html: String) -> String {
        var text = html
        for (open, close) in [("<style", "</style>"), ("<script", "</script>"), ("<annotation", "</annotation>")] {
            while let start = text.range(of: open), let end = text.range(of: close, range: start.upperBound..<text.endIndex) {
                text.removeSubrange(start.lowerBound..<end.upperBound)
            }
        }
        var spoken = ""
        for attribute in ["aria-label=\"", "title=\"", "alt=\"", "aria-roledescription=\""] {
            var rest = text[...]
            while let start = rest.range(of: attribute) {
                let value = rest[start.upperBound...].prefix { $0 != "\"" }
                spoken += " " + value
                rest = rest[start.upperBound...]
            }
        }
        for (entity, character) in [("&quot;", "\""), ("&#39;", "'"), ("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&")] {
            text = text.replacingOccurrences(of: entity, with: " \(character) ")
        }
        var out = ""
        var inTag = false
        for c in text {
            if c == "<" { inTag = true; out += " " } else if c == ">" { inTag = false } else if !inTag { out.append(c) }
        }
        return out + " " + spoken
    }

    func render() throws -> (report: Report, lesson: Lesson, folder: String) {
        let folder = try temporaryFolder(["kurs/lesson.md": Self.lesson])
        try Self.png.write(to: URL(fileURLWithPath: folder + "/kurs/dot.png"))
        let path = folder + "/kurs/lesson.md"
        let lesson = try LessonParser.read(path: path)
        let report = try Course(formats: [.md, .html], student: false, limits: Limits()).report(for: path)
        return (report, lesson, folder)
    }

    @Test func theLessonIsKoreanAndRuns() throws {
        let (report, lesson, _) = try render()
        #expect(lesson.language == .korean)  // front matter, not the folder
        #expect(report.ok, "\(report.errors)")
        #expect(report.exercises.map(\.passed) == [true])
        #expect(lesson.blocks.contains { if case .prose(let p) = $0 { return !p.images.isEmpty && !p.math.isEmpty } else { return false } })
    }

    @Test func markdownHasNoEnglishWordOfStepmark() throws {
        let (report, lesson, _) = try render()
        let page = MarkdownRenderer().render(report)
        let left = StringsTests.englishWords(page, allowed: Self.ownWords(report, lesson: lesson))
        #expect(left.isEmpty, "\(left)\n\(page)")
        #expect(page.contains("### 연습 문제"))
    }

    @Test func terminalHasNoEnglishWordOfStepmark() throws {
        let (report, lesson, _) = try render()
        let text = TerminalRenderer(color: false).render(report)
        let left = StringsTests.englishWords(text, allowed: Self.ownWords(report, lesson: lesson).union(Self.pathWords(report)))
        #expect(left.isEmpty, "\(left)")
        #expect(text.contains("단계가 모두 오류 없이 실행되었습니다"))
    }

    @Test func stepThroughHasNoEnglishWordOfStepmark() throws {
        let (report, lesson, folder) = try render()
        let result = try stepmark(["step", "kurs/lesson.md"], input: "", in: folder)
        let left = StringsTests.englishWords(result.stdout, allowed: Self.ownWords(report, lesson: lesson).union(Self.pathWords(report)))
        #expect(left.isEmpty, "\(left)")
        #expect(result.stdout.contains("단계 1 / 6"))
    }

    /// SPEC §8: "every word stepmark itself writes", the JSON's formulas, messages and feedback
    /// too, and the compiler-style lines on standard error (an audit found both English); names,
    /// keys and the `error:` label stay as programs read them.
    @Test func jsonAndStandardErrorAreKorean() throws {
        let (report, lesson, folder) = try render()
        let json = try #require(try JSONSerialization.jsonObject(with: Data(JSONRenderer.render(report).utf8)) as? [String: Any])
        var written: [String] = []
        func collect(_ any: Any) {
            if let object = any as? [String: Any] {
                for (key, value) in object {
                    if ["formula", "message", "feedback", "hidden"].contains(key), let text = value as? String { written.append(text) }
                    if key == "warnings", let texts = value as? [String] { written += texts }
                    collect(value)
                }
            } else if let array = any as? [Any] {
                array.forEach(collect)
            }
        }
        collect(json)
        #expect(written.count > 5)
        let left = StringsTests.englishWords(written.joined(separator: "\n"), allowed: Self.ownWords(report, lesson: lesson))
        #expect(left.isEmpty, "\(left)")
        try Data("---\nlang: ko\n---\n\n```let\ny = nope\n```\n".utf8).write(to: URL(fileURLWithPath: folder + "/kurs/broken.md"))
        let result = try stepmark(["run", "kurs/broken.md", "--format", "json"], in: folder)
        #expect(result.status == 1)
        let broken = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let message = try #require(((broken["steps"] as? [[String: Any]])?.first?["error"] as? [String: Any])?["message"] as? String)
        #expect(message.contains("nope") && !message.contains("undefined name") && message.unicodeScalars.contains { (0xAC00...0xD7A3).contains($0.value) }, "\(message)")
        #expect(result.stderr.contains("kurs/broken.md:6:5: error: " + message), "\(result.stderr)")
        // An English lesson's JSON is as it was.
        #expect(JSONRenderer.render(runLesson("```let\ny = nope\n```\n")).contains("undefined name 'nope'"))
    }

    @Test func htmlHasNoEnglishWordOfStepmark() throws {
        let (report, lesson, _) = try render()
        let page = HTMLRenderer().render(report)
        #expect(page.contains("<html lang=\"ko\">"))
        #expect(page.contains("<img") && page.contains("<math") && page.contains("<svg"))
        let text = Self.visibleText(page)
        let left = StringsTests.englishWords(text, allowed: Self.ownWords(report, lesson: lesson).union(Self.pathWords(report)))
        #expect(left.isEmpty, "\(left)")
        #expect(text.contains("합은"))  // MathML writes the spaces of "각 행의 합은 1" as U+00A0
    }

    @Test func theIndexOfAKoreanCourseIsKorean() throws {
        let folder = try temporaryFolder(["kurs/ko/01-a.md": "# 가\n\n```softmax\n[1, 2]\n```\n", "kurs/ko/02-b.md": "# 나\n\n```softmax\n[1, x]\n```\n"])
        let plan = try CoursePlan.make(paths: [folder + "/kurs"], out: folder + "/out")
        let result = Course(formats: [.md, .html], student: false, limits: Limits()).render(plan)
        for file in result.files where file.path.contains("/index.") {
            let text = file.path.hasSuffix(".html") ? Self.visibleText(file.content) : file.content
            let left = StringsTests.englishWords(text, allowed: ["ko", "md", "html", "a", "b"])
            #expect(left.isEmpty, "\(file.path): \(left)")
            #expect(text.contains("stepmark 강의") && text.contains("오류 있음"))
        }
    }

    /// A Korean course with no `course.yml` and no `ko/` section folder (its lessons say
    /// `lang: ko`, or `render` is given the `ko` folder itself) gets a Korean index too.
    @Test func theIndexOfKoreanLessonsIsKoreanWithoutACourseFile() throws {
        let folder = try temporaryFolder(["a/01.md": "---\nlang: ko\n---\n# 가\n\n```softmax\n[1, 2]\n```\n",
                                          "b/ko/01.md": "# 나\n\n```softmax\n[1, 2]\n```\n",
                                          "c/01.md": "---\nlang: ko\n---\n# 다\n", "c/02.md": "# Three\n"])
        for (path, korean) in [("a", true), ("b/ko", true), ("c", false)] {
            let plan = try CoursePlan.make(paths: [folder + "/" + path], out: folder + "/out-" + path)
            let result = Course(formats: [.md, .html], student: false, limits: Limits()).render(plan)
            let html = try #require(result.files.first { $0.path.hasSuffix("/index.html") }?.content)
            #expect(html.contains(korean ? "<html lang=\"ko\">" : "<html lang=\"en\">"), "\(path)")
            #expect(html.contains(korean ? "stepmark 강의" : "stepmark course"), "\(path)")
        }
    }

    /// A token list is announced in the page's language.
    @Test func aTokenListIsAnnouncedInKorean() throws {
        let folder = try temporaryFolder(["ko/t.md": "# 토큰\n\n```let\nt = [\"가\", \"나\", \"다\"]\n```\n\n```let\nu = [\"가\"]\n```\n"])
        let report = try Course(formats: [.html], student: false, limits: Limits()).report(for: folder + "/ko/t.md")
        let page = HTMLRenderer().render(report)
        #expect(page.contains("aria-label=\"토큰 3개\"") && page.contains("aria-label=\"토큰 1개\""))
        #expect(!page.contains("3 tokens") && !page.contains("1 token"))
    }

    /// The words of the lesson's path, which the terminal prints.
    static func pathWords(_ report: Report) -> Set<String> {
        Set(report.lessonPath.split { !$0.isLetter && !$0.isNumber }.map(String.init))
    }
}
