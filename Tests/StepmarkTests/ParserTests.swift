import Testing
@testable import StepmarkLesson

/// The lesson parser, tested the swift-markdown way: a dump of the block tree with source
/// positions compared with the expected text.
@Suite struct ParserTests {
    func dump(_ lesson: Lesson) -> String {
        lesson.blocks.map(dump).joined(separator: "\n")
    }

    func dump(_ block: LessonBlock) -> String {
            switch block {
            case .prose(let p): return "prose \(p.line)-\(p.endLine)"
            case .answer(let a):
                return dump(.directive(a.block))
            case .directive(let d):
                return "directive \(d.name) @\(d.position) info@\(d.infoPosition) lines \(d.position.line)-\(d.endLine)"
                    + (d.isClosed ? "" : " unclosed")
                    + d.body.map { "\n  body @\($0.position) \($0.text)" }.joined()
            }
    }

    @Test func blocksWithPositions() {
        let lesson = LessonParser.parse("""
            # Attention

            Some *prose*.

            ```attend mask=causal
            Q = [[1]]
            ```

            ```python
            print("not a directive")
            ```

            - a list
              ```let
              x = 1
              ```

            ~~~~  let
              y = 2
            ~~~~
            """, path: "l.md")
        #expect(lesson.title == "Attention")
        #expect(dump(lesson) == """
            prose 1-3
            directive attend @5:1 info@5:4 lines 5-7
              body @6:1 Q = [[1]]
            prose 9-16
            directive let @18:1 info@18:7 lines 18-20
              body @19:1   y = 2
            """)
    }

    /// SPEC §8: "The title defaults to the first heading", of any level; the file name only
    /// when there is none; the front matter's title before all.
    /// A forgotten closing fence: the next step's fence line sits inside the block, where it
    /// closes nothing; a warning says so at that line (only "unexpected character '.'" was said).
    @Test func aForgottenClosingFenceIsNamed() {
        let lesson = LessonParser.parse("# F\n\n```softmax\n[1, 2]\n\nSome prose.\n\n  ```let\nA = 1\n```\n\nMore.\n", path: "f.md")
        #expect(lesson.warnings.map(\.description) == ["8:3: this line is inside the ```softmax block opened at line 3, so it starts no ```let step (a fence line with a word after it closes nothing); is the closing ``` of the block above missing?"])
        // A fence of code (not a directive) inside a block is no such slip.
        #expect(LessonParser.parse("```let\nx = 1\n```\n\n```corpus\n```python\n```\n", path: "g.md").warnings.isEmpty)
    }

    @Test func titleIsTheFirstHeadingOfAnyLevel() {
        #expect(LessonParser.parse("Intro\n\n## Sub *heading*\n\n# Main\n", path: "dir/t1.md").title == "Sub heading")
        #expect(LessonParser.parse("### Only this\n", path: "t.md").title == "Only this")
        #expect(LessonParser.parse("Setext\n------\n\n# Main\n", path: "t.md").title == "Setext")
        #expect(LessonParser.parse("No heading at all.\n", path: "dir/nh.md").title == "nh.md")
        #expect(LessonParser.parse("---\ntitle: Given\n---\n## Sub\n", path: "t.md").title == "Given")
        // Never from a solution region: a handout would be named after the answer (found by a
        // red-team pass right after the rule above came in).
        let key = "Intro.\n\n<!-- solution -->\n### The answer is 42\n<!-- end solution -->\n\n```let\nx = 42\n```\n\n## Part two\n"
        #expect(LessonParser.parse(key, path: "t.md").title == "Part two")
    }

    /// SPEC §1: a quoted value takes `\"` and `\\`. cmark-gfm applies Markdown's backslash
    /// escapes to the info string first, so stepmark reads the fence line as written (a
    /// red-team pass: `title="a\"b"` was an error, `"c\\d"` an unknown escape).
    @Test func infoStringEscapesAreTheSpecs() {
        let report = runLesson("```plot title=\"a \\\"b\\\" c\\\\d\" tags=[\"x\\\"y\"]\ny\n```\n")
        let args = report.steps[0].arguments
        #expect(args.first { $0.key == "title" }?.value == .string("a \"b\" c\\d"))
        #expect(args.first { $0.key == "tags" }?.value == .list([.string("x\"y")]))
    }

    @Test func proseIsKeptVerbatimWithItsHTML() {
        let lesson = LessonParser.parse("Text with <script>alert(1)</script> and | a | table |\n", path: "l.md")
        guard case .prose(let p) = lesson.blocks.first else { Issue.record("no prose"); return }
        #expect(p.markdown == "Text with <script>alert(1)</script> and | a | table |")
        #expect(!p.html.contains("<script>"))
    }

    /// cmark-gfm ends a one-line HTML comment block on the line before it starts; the closing
    /// marker of a solution region just above a directive must still be kept.
    @Test func oneLineCommentBeforeADirectiveIsKept() {
        let lesson = LessonParser.parse("text\n\n<!-- solution -->\nsecret\n<!-- end solution -->\n\n```let\nx = 1\n```\n", path: "l.md")
        guard case .prose(let p) = lesson.blocks.first else { Issue.record("no prose"); return }
        #expect(p.markdown == "text\n\n<!-- solution -->\nsecret\n<!-- end solution -->")
        #expect(p.endLine == 5)
    }

    @Test func unclosedFenceIsReported() {
        let lesson = LessonParser.parse("# T\n\n```let\nx = 1\n", path: "l.md")
        #expect(lesson.directives.first?.isClosed == false)
        #expect(lesson.diagnostics.first?.position == SourcePosition(line: 3, column: 1))
        // The step still runs.
        #expect(Runner().run(lesson).tensor(step: 1, "x")?.scalarValue == 1)
    }

    @Test func lineEndingsAndBOM() throws {
        for ending in ["\r\n", "\r"] {
            let lesson = LessonParser.parse(["# T", "", "```let", "x = 1", "y = x +", "```"].joined(separator: ending), path: "l.md")
            let report = Runner().run(lesson)
            #expect(report.errors.first?.position == SourcePosition(line: 5, column: 8), "\(ending.debugDescription)")
        }
        let text = try LessonParser.decode(.init([0xEF, 0xBB, 0xBF] + Array("# Hi\n".utf8)), path: "x.md")
        #expect(text == "# Hi\n")
        #expect(throws: ReadError.self) { try LessonParser.decode(.init([0x41, 0x0A, 0xFF, 0x41]), path: "x.md") }
    }

    @Test func infoStringValues() throws {
        let info = try InfoString.parse(#"attend mask=causal scale=0.5 labels="강가 \"의\" \\" list=[1, "a b", [2]] layers=2,3,1"#,
                                        at: SourcePosition(line: 3, column: 4))
        #expect(info.name == "attend")
        #expect(info.arguments.map(\.key) == ["mask", "scale", "labels", "list", "layers"])
        #expect(info.arguments[0].value == .word("causal"))
        #expect(info.arguments[1].value == .number(0.5, text: "0.5"))
        #expect(info.arguments[2].value == .string(#"강가 "의" \"#))
        #expect(info.arguments[3].value == .list([.number(1, text: "1"), .string("a b"), .list([.number(2, text: "2")])]))
        #expect(info.arguments[4].value == .word("2,3,1"))
        #expect(info.arguments[1].position == SourcePosition(line: 3, column: 23))
        #expect(info.arguments[1].valuePosition == SourcePosition(line: 3, column: 29))
        let answer = try InfoString.parse("answer ex1", at: SourcePosition(line: 1, column: 4))
        #expect(answer.positional.map(\.text) == ["ex1"])
    }

    @Test func infoStringErrors() {
        func error(_ s: String) -> LessonError? {
            do { _ = try InfoString.parse(s, at: SourcePosition(line: 1, column: 4)); return nil } catch let e as LessonError { return e } catch { return nil }
        }
        #expect(error(#"let a="open"#) == LessonError(StringLiteral.unterminated, at: SourcePosition(line: 1, column: 10)))
        #expect(error("let a=[1, 2")?.message.hasPrefix("unterminated list") == true)
        #expect(error("let a= b=1")?.message == "'a=' has no value")
        #expect(error("let a=1 a=2")?.message == "'a' is given twice")
        #expect(error(#"let a="x\q""#)?.message.hasPrefix("unknown escape") == true)
    }
}
