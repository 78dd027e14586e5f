import Foundation
import StepmarkGrade
import Testing
@testable import StepmarkLesson

/// The linear fence scanner that reads submissions must find exactly the answer blocks
/// cmark-gfm finds (same positions, bodies, closing), on every input where CommonMark's
/// list and type-7 HTML rules do not apply, and must stay linear on inputs that make cmark-gfm
/// 0.29 quadratic.
@Suite struct FenceScannerTests {
    /// The answer blocks LessonParser (cmark-gfm) finds, as comparable text.
    static func viaCmark(_ text: String) -> [String] {
        let lesson = LessonParser.parse(text, path: "s.md")
        return lesson.answers.map { describe($0.block) }
            + lesson.diagnostics.filter { !$0.message.contains("inside a list item or a quote") && !$0.message.contains("inside an HTML block")
                && !$0.message.contains("indented four spaces or more") && !isProseMarkup($0) }.map { "\($0)" }
    }

    /// The teacher's prose HTML and formulas are checked by the lesson parser only (a
    /// submission's prose is never rendered).
    static func isProseMarkup(_ e: LessonError) -> Bool {
        e.message.contains("not allowed in prose") || e.message.contains("in prose carries no attributes")
            || e.message.contains("cannot read this formula")
    }

    static func viaScanner(_ text: String) -> [String] {
        let scanned = FenceScanner.scan(text)
        return scanned.blocks.filter { $0.name == "answer" }.map(describe) + scanned.diagnostics.map { "\($0)" }
    }

    static func describe(_ b: DirectiveBlock) -> String {
        "\(b.name)|\(b.info)|\(b.infoPosition)|\(b.position)|\(b.endLine)|\(b.isClosed)|"
            + b.body.map { "\($0.position)=\($0.text)" }.joined(separator: "¶") + "|" + b.source
    }

    static let handWritten: [String] = [
        "```answer a\n1\n```\n",
        "```answer a\n1\n```",
        "  ```answer a\n   1\n  2\n  ```\n",
        "   ~~~~answer  a b\n1\n~~~\n~~~~\n",
        "```answer a\n1\n",                       // unclosed, ends with a newline
        "```answer a\n1\n\n\n",                   // unclosed with blank lines
        "```answer a",                            // a fence and nothing else
        "```answer a\r[1,\t2]\r```\r",            // lone CRs
        "```answer a\r\n1\r\n```\r\n",
        "text\n```answer a\n1\n```\nmore",        // a fence interrupts a paragraph
        "    ```answer a\n1\n```\n",              // indented code: not a fence
        "\t```answer a\n1\n",                      // a tab is four columns
        "```answer `a`\n1\n```\n",                // a backtick in a backtick info string
        "~~~answer `a`\n1\n~~~\n",                // allowed with tildes
        "```python\n```answer a\n```\n```answer b\n2\n```\n",
        "<!-- note\n```answer a\n1\n```\n-->\n```answer b\n2\n```\n",
        "<!-- one line -->\n```answer a\n1\n```\n",
        "<div>\n```answer a\n1\n```\n\n```answer b\n2\n```\n",
        "<script>\n```answer a\n</script>\n```answer b\n1\n```\n",
        "> ```answer a\n> 1\n> ```\n```answer b\n2\n```\n",
        "- ```answer a\n  1\n  ```\n",
        "```answer a\n1\n``` x\n```\n",           // a closing fence takes nothing after it
        "```answer a\n1\n  ```  \n",
        "   ```answer a\n\t```\n  \tx\n```\n",   // a tab cut by the fence's indentation
        "````answer a\n```\n````\n",
        "```answer\\_x a\n1\n```\n",             // an escape in the info string
        "```answer a\n\u{0}1\n```\n",
        "```answer 강가\n[\"은행\"]\n```\n",
        "# Title\n\n| a | b |\n| - | - |\n| 1 | 2 |\n```answer a\n1\n```\n",
        "```let\na = 1\n```\n```answer a\n1\n```\n```attend\n",
        "``\n```answer a\n1\n```\n",
        "``` answer a\n1\n```\n",
        "```answer\n1\n```\n",
        "<?php\n```answer a\n?>\n```answer b\n1\n```\n",
        "<![CDATA[\n```answer a\n]]>\n```answer b\n1\n```\n",
        "<!DOCTYPE x\n```answer a\n>\n```answer b\n1\n```\n",
        "</div>\n```answer a\n1\n```\n",
    ]

    @Test(arguments: handWritten) func agreesWithCmark(_ text: String) {
        #expect(Self.viaScanner(text) == Self.viaCmark(text), "\(text.debugDescription)")
    }

    /// Every submission in the malformed corpus.
    @Test func agreesOnTheCorpus() throws {
        let folder = MalformedCorpusTests.folder
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) where name.hasSuffix(".md") {
            guard let data = FileManager.default.contents(atPath: folder + "/" + name),
                  let text = try? LessonParser.decode(data, path: name) else { continue }
            #expect(Self.viaScanner(text) == Self.viaCmark(text), "\(name)")
        }
    }

    /// Random documents built from fence-like lines (no lists, no type-7 HTML): the two agree.
    @Test func agreesOnRandomFenceSoup() {
        let pieces = ["```answer a", "```answer b", "~~~answer c", "````answer d", "```", "````", "~~~", "~~~~",
                      "  ```", "   ```answer e", "    ```answer f", "1", "[1, 2]", "", "  ", "text", "> quote",
                      "```python", "<!--", "-->", "<div>", "\t```", "``` x", "```answer `g`", "# h"]
        var soup = Soup(seed: 0x5EED)
        func next() -> Int { soup.next() }
        for _ in 0..<400 {
            let count = 1 + next() % 12
            var lines: [String] = []
            for _ in 0..<count { lines.append(pieces[next() % pieces.count]) }
            let text = lines.joined(separator: ["\n", "\r\n", "\r"][next() % 3]) + (next() % 2 == 0 ? "\n" : "")
            #expect(Self.viaScanner(text) == Self.viaCmark(text), "\(text.debugDescription)")
        }
    }

    /// The shape caps pass over a line as code only where cmark-gfm reads code: a line they
    /// skip that cmark parses as prose is a way around every cap (red-team round two found two:
    /// a fence inside an HTML block, and one in a list item that has ended).
    @Test func theShapeCapsSkipOnlyWhatCmarkReadsAsCode() {
        let pieces = ["```", "~~~", "  ```", "```let", "text", "", "<!--", "-->", "<div>", "</div>", "<b>x</b> y", "<span>",
                      "- item", "  code", "> quote", "<script>", "</script>", "<?x", "?>", "<!X", ">", "# h", "    ```", "| a |", "<details>", "1. one",
                      "<![CDATA[", "]]>", "<pre>", "</style>", "<source>"]
        var soup = Soup(seed: 0xC0DE)
        func next() -> Int { soup.next() }
        for _ in 0..<5000 {
            let count = 1 + next() % 14
            let text = (0..<count).map { _ in pieces[next() % pieces.count] }.joined(separator: "\n") + "\n"
            let skipped = MarkdownShape.skippedLines(text)
            let code = MarkdownDocument(text).codeBlockLines()
            #expect(skipped.isSubset(of: code), "\(text.debugDescription): skipped \(skipped.sorted()), cmark's code \(code.sorted())")
        }
    }

    /// Inputs that make cmark-gfm 0.29 slow (issue 15) are scanned in linear time: doubling the
    /// input at most about doubles the time.
    @Test(arguments: ["| a |" + String(repeating: " b |", count: 1) + "\n", "![[]()", ">", "a*", "[", "<!--"])
    func staysLinear(_ unit: String) {
        func time(_ n: Int) -> Double {
            let text = String(repeating: unit, count: n) + "\n```answer a\n1\n```\n"
            var best = Double.infinity
            for _ in 0..<3 {
                let start = Date()
                let found = FenceScanner.scan(text).blocks.filter { $0.name == "answer" }
                best = min(best, Date().timeIntervalSince(start))
                #expect(found.count == (unit == "<!--" ? 0 : 1))
            }
            return best
        }
        let small = time(25_000), large = time(200_000)
        // Linear: 8× the input costs about 8× the time; quadratic would be 64×. The margin
        // absorbs a busy machine.
        #expect(large < small * 24 + 0.05, "\(small) s for 25,000 units, \(large) s for 200,000")
    }

    /// An 18 KB wide table and 600 KB of `![[]()` (each took cmark-gfm seconds) grade fast.
    @Test func hostileSubmissionsGradeQuickly() throws {
        let key = LessonParser.parse("```let exercise=a\na = 1\n```\n", path: "key.md")
        let grader = Grader(key: key)
        let wide = "|" + String(repeating: " x |", count: 4_500) + "\n|" + String(repeating: "-|", count: 4_500) + "\n"
        let images = String(repeating: "![[]()", count: 100_000)
        let quotes = String(repeating: ">", count: 50_000) + String(repeating: "a*", count: 50_000)
        for body in [wide, images, quotes] {
            let start = Date()
            let outcome = grader.grade(submissionText: body + "\n```answer a\n1\n```\n", path: "s.md")
            #expect(Date().timeIntervalSince(start) < 2)
            #expect(outcome.exercises.map(\.passed) == [true])
        }
    }
}

/// The random numbers of the soup tests: a 64-bit linear congruential generator (Knuth's
/// MMIX constants), its high bits, so that a failure is repeated by its seed.
struct Soup {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> Int {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Int(truncatingIfNeeded: state >> 33)
    }
}
