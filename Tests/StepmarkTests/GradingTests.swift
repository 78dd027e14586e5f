import Foundation
import Testing
import StepmarkCore
@testable import StepmarkGrade
@testable import StepmarkLesson

/// The grading fixtures: a four-exercise key and sample submissions.
let gradingFixtures = (repositoryRoot as NSString).appendingPathComponent("Tests/StepmarkTests/Fixtures/grading")
func gradingFixture(_ name: String) -> String { (gradingFixtures as NSString).appendingPathComponent(name) }

/// Expected values of the fixture key, computed with numpy (see the key's prose):
/// g-dot: [1, 2]·[3, -1] = 1.
/// g-soft: softmax([2, 1, 0.1]) = [0.659001, 0.242433, 0.098566].
/// g-weights: causal attention weights of Q = K = [[1,0],[0,1],[1,1]], scale 1/sqrt(2):
///   [[1, 0, 0], [0.330238, 0.669762, 0], [0.248255, 0.248255, 0.50349]].
/// g-out: weights [[0.669762, 0.330238], [0.330238, 0.669762]] · [[10, 0], [0, 10]]
///   = [[6.697615, 3.302385], [3.302385, 6.697615]].
let fixtureExpected: [String: [Double]] = [
    "g-dot": [1],
    "g-soft": [0.659001, 0.242433, 0.098566],
    "g-weights": [1, 0, 0, 0.330238, 0.669762, 0, 0.248255, 0.248255, 0.50349],
    "g-out": [6.697615, 3.302385, 3.302385, 6.697615],
]

func literal(_ text: String, limits: Limits = .init()) throws -> AnswerLiteral {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map {
        BodyLine(text: String($0.element), position: SourcePosition(line: 10 + $0.offset, column: 1))
    }
    return try AnswerParser.literal(lines, limits: limits, at: SourcePosition(line: 9, column: 11))
}

func parseError(_ text: String, limits: Limits = .init()) -> LessonError? {
    do { _ = try literal(text, limits: limits); return nil } catch let e as LessonError { return e } catch { return nil }
}

func spec(_ id: String = "ex", points: Double = 1, tol: Double = 0.01, partial: Bool = false) -> ExerciseSpec {
    ExerciseSpec(id: id, points: points, tolerance: tol, check: nil, partial: partial, position: SourcePosition(line: 1, column: 1))
}

func grade(_ expected: Value, _ answer: String, _ s: ExerciseSpec = spec(), reveal: Bool = false) throws -> ExerciseResult {
    Exercises.grade(expected: expected, spec: s, answer: .literal(try literal(answer)), reveal: reveal)
}

@Suite struct AnswerParserTests {
    @Test func scalarsVectorsMatricesTokensAndBlanks() throws {
        #expect(try literal("2") == AnswerLiteral(shape: [], cells: [.number(2)]))
        #expect(try literal("-0.5e1") == AnswerLiteral(shape: [], cells: [.number(-5)]))
        #expect(try literal("[1, ?, −2]") == AnswerLiteral(shape: [3], cells: [.number(1), .blank, .number(-2)]))
        #expect(try literal("[[1, 2],\n [?, -inf]]  # a comment")
                == AnswerLiteral(shape: [2, 2], cells: [.number(1), .number(2), .blank, .number(-.infinity)]))
        #expect(try literal("[\"강가\", ?, \"은\\\"행\"]") == AnswerLiteral(shape: [3], cells: [.text("강가"), .blank, .text("은\"행")]))
        #expect(try literal("[[\"cat\", 0.9], [\"dog\", ?]]").shape == [2, 2])
        #expect(try literal("[]") == AnswerLiteral(shape: [0], cells: []))
        #expect(try literal("[1, 2,]").shape == [2])
        #expect(try literal("∞") == AnswerLiteral(shape: [], cells: [.number(.infinity)]))
    }

    @Test func errorsSayWhatAndWhere() {
        // Lines are numbered from 10 in `literal`; columns count characters.
        let call = parseError("softmax([1, 2])")
        #expect(call?.position == SourcePosition(line: 10, column: 1))
        #expect(call?.message.contains("is a call") == true)
        let name = parseError("[1, x]")
        #expect(name?.position == SourcePosition(line: 10, column: 5))
        #expect(name?.message.contains("double quotes") == true)
        let ragged = parseError("[[1, 2],\n [3]]")
        #expect(ragged?.position == SourcePosition(line: 11, column: 2))
        #expect(ragged?.message == "row 2 has 1 entry, but row 1 has 2; every row needs the same number")
        let unquoted = parseError("[\"a, \"b\"]")
        #expect(unquoted?.position == SourcePosition(line: 10, column: 7))
        #expect(unquoted?.message == "'b' is not a literal: write text in double quotes (\"b\"); names are not allowed in an answer")
        #expect(parseError("[1 2]")?.message == "expected ',' or ']' here, found a number")
        let string = parseError("[\"강가]")
        #expect(string?.position == SourcePosition(line: 10, column: 2))
        #expect(string?.message.contains("never closed") == true)
        let deep = parseError("[[[1]]]")
        #expect(deep?.position == SourcePosition(line: 10, column: 3))
        #expect(deep?.message.contains("at most two levels") == true)
        let op = parseError("1 + 2")
        #expect(op?.position == SourcePosition(line: 10, column: 3))
        #expect(parseError("[1, 2")?.message == "the '[' opened here is never closed")
        let long = parseError(String(repeating: "9", count: 100))
        #expect(long?.message.contains("too long") == true)
        let empty = parseError("   \n  # only a comment")
        #expect(empty?.position == SourcePosition(line: 9, column: 11))
        #expect(empty?.message.contains("the answer is empty") == true)
        var small = Limits()
        small.maxEntries = 3
        #expect(parseError("[1, 2, 3, 4]", limits: small)?.message.contains("more than 3 entries") == true)
    }

    @Test func theRunnerAcceptsAnswerBlocks() {
        let report = runLesson("```answer ex\n[\"a\", ?]\n```\n")
        #expect(report.ok)
        #expect(report.step(1)?.result == .tokens(TokenList(["a", "?"])))
    }
}

@Suite struct CompareTests {
    let matrix = Value.tensor(.matrix([[1, 0, 0], [0.330238, 0.669762, 0], [0.248255, 0.248255, 0.50349]]))

    @Test func correctAnswersPassWithinTolerance() throws {
        let r = try grade(matrix, "[[1, 0, 0], [0.33, 0.67, 0], [0.248, 0.248, 0.503]]", spec(points: 3))
        #expect(r.passed && r.score == 3)
        #expect(r.feedback == "Correct: all 9 entries are within 0.01 of the expected value.")
        // |0.5 - 0.49| = 0.01 is within tol=0.01 (the bound is inclusive), 0.4 is not.
        #expect(try grade(.tensor(.scalar(0.5)), "0.49", spec(tol: 0.0100001)).passed)
        #expect(try !grade(.tensor(.scalar(0.5)), "0.4").passed)
    }

    @Test func offByMoreThanToleranceFailsAndNamesTheEntries() throws {
        let r = try grade(matrix, "[[1, 0, 0], [0.35, 0.67, 0], [0.248, 0.248, 0.503]]", spec(points: 3))
        #expect(!r.passed && r.score == 0)
        #expect(r.feedback == """
            Expected a 3×3 matrix. 8 of 9 entries are within 0.01 of the expected value.
            Wrong entries (row, column): (2, 1)
            ✓ ✓ ✓
            ✗ ✓ ✓
            ✓ ✓ ✓
            """)
    }

    @Test func shapeMismatchesAndBlanksFailWithFeedback() throws {
        let wrongShape = try grade(matrix, "[[1, 0], [0.33, 0.67]]")
        #expect(!wrongShape.passed && wrongShape.score == 0)
        #expect(wrongShape.feedback == "Wrong shape: expected a 3×3 matrix, but the answer is a 2×2 matrix.")
        let blanks = try grade(.tensor(.vector([0.659001, 0.242433, 0.098566])), "[0.659, ?, ?]")
        #expect(!blanks.passed)
        #expect(blanks.feedback == """
            Expected a list of 3 numbers. 1 of 3 entries are within 0.01 of the expected value; 2 left blank (?).
            Wrong entries (position): 2, 3
            ✓ ? ?
            """)
        let missing = Exercises.grade(expected: matrix, spec: spec("w"), answer: nil, reveal: false)
        #expect(missing.feedback == "No answer: add an ```answer w``` block holding a 3×3 matrix.")
        let text = try grade(.tensor(.scalar(1)), "\"one\"")
        #expect(text.feedback.contains("\"text\" where a number belongs"))
    }

    @Test func lenientWhereTheMeaningIsPlain() throws {
        #expect(try grade(.tensor(.matrix([[0.5]])), "0.5").passed)
        #expect(try grade(.tensor(.matrix([[1, 2, 3]])), "[1, 2, 3]").passed)
        #expect(try grade(.tensor(.vector([1, 2])), "[[1], [2]]").passed)
        #expect(try !grade(.tensor(.matrix([[1, 2], [3, 4]])), "[1, 2, 3, 4]").passed)
        // -inf (a masked score) must be written as -inf.
        #expect(try grade(.tensor(.vector([-.infinity, 1])), "[-inf, 1]").passed)
        #expect(try !grade(.tensor(.vector([-.infinity, 1])), "[-1000, 1]").passed)
    }

    @Test func tokensTextAndTables() throws {
        let tokens = Value.tokens(TokenList(["강가", "의", "은행"]))
        // A decomposed 강 (U+1100 U+1161 U+11BC) equals the precomposed one.
        #expect(try grade(tokens, "[\"\u{1100}\u{1161}\u{11BC}가\", \"의\", \"은행\"]").passed)
        let r = try grade(tokens, "[\"강가\", ?, \"bank\"]")
        #expect(r.feedback.hasPrefix("Expected a list of 3 quoted tokens. 1 of 3 entries are equal to the expected tokens; 1 left blank (?)."))
        #expect(try grade(.text("hello world"), "\" hello world \"").passed)
        let table = Value.table(Table(columns: ["token", "score"], rows: [[.text("cat"), .number(0.9)], [.text("dog"), .number(0.5)]]))
        #expect(try grade(table, "[[\"cat\", 0.9], [\"dog\", 0.5]]").passed)
        #expect(try grade(table, "[[\"cat\", 0.9], [\"dog\", 0.7]]", spec(points: 4, partial: true)).score == 3)
    }

    @Test func partialCreditIsTheFractionOfRightEntries() throws {
        // 6 of 9 right (2 wrong, 1 blank) of 3 points: 3 * 6 / 9 = 2.
        let r = try grade(matrix, "[[1, 0, 0], [0.5, 0.5, 0], [0.25, ?, 0.5]]", spec(points: 3, partial: true))
        #expect(!r.passed && r.score == 2)
        // Wrong shape: nothing, even with partial credit.
        #expect(try grade(matrix, "[1, 0, 0]", spec(points: 3, partial: true)).score == 0)
        // All or nothing without partial=true.
        #expect(try grade(matrix, "[[1, 0, 0], [0.5, 0.5, 0], [0.25, ?, 0.5]]", spec(points: 3)).score == 0)
    }

    @Test func expectedValuesStayHiddenUnlessRevealed() throws {
        let wrong = "[[1, 0, 0], [0.5, 0.5, 0], [0.25, 0.25, 0.25]]"
        let hidden = try grade(matrix, wrong)
        for secret in ["0.3302", "0.6698", "0.2483", "0.5035", "0.33", "0.67"] { #expect(!hidden.feedback.contains(secret)) }
        let shown = try grade(matrix, wrong, reveal: true)
        #expect(shown.feedback.hasSuffix("Expected: [[1, 0, 0], [0.3302, 0.6698, 0], [0.2483, 0.2483, 0.5035]]."))
        let shape = try grade(matrix, "[1]")
        #expect(!shape.feedback.contains("0.33"))
    }
}

@Suite struct GraderTests {
    let grader: Grader

    init() throws { grader = try Grader(keyPath: gradingFixture("key.md")) }

    func scores(_ o: GradeOutcome) -> [String: Double] { Dictionary(uniqueKeysWithValues: o.exercises.map { ($0.id, $0.score) }) }

    @Test func theKeyRunsCleanAndPassesItsOwnCheck() throws {
        #expect(grader.keyErrors.isEmpty)
        #expect(grader.exercises.map(\.spec.id) == ["g-dot", "g-soft", "g-weights", "g-out"])
        #expect(grader.keyCheck.allSatisfy { $0.passed })
        for ex in grader.exercises {
            guard case .tensor(let t)? = ex.expected else { Issue.record("no expected value for \(ex.spec.id)"); continue }
            #expect(close(t, fixtureExpected[ex.spec.id]!, tolerance: 1e-6), "\(ex.spec.id)")
        }
    }

    @Test func correctSubmissionScoresFull() {
        let o = grader.grade(submissionPath: gradingFixture("correct.md"))
        #expect(o.allPassed && o.score == 8 && o.maxScore == 8)
        #expect(o.lessonErrors.isEmpty)
    }

    @Test func partlyWrongSubmission() {
        let o = grader.grade(submissionPath: gradingFixture("partly-wrong.md"))
        // g-dot 1.02 is 0.02 off (tol 0.01): 0/1; g-soft right: 2/2; g-weights 6 of 9 with
        // partial credit: 3 * 6/9 = 2; g-out has no block: 0/2.
        #expect(scores(o) == ["g-dot": 0, "g-soft": 2, "g-weights": 2, "g-out": 0])
        #expect(o.score == 4 && !o.allPassed)
        #expect(o.exercises[3].feedback == "No answer: add an ```answer g-out``` block holding a 2×2 matrix.")
    }

    @Test func editingTheQuestionChangesNothing() throws {
        // The copy changes the inputs, tolerances, points and an exercise id; only its
        // answer blocks count, so it is graded exactly like a file holding just those blocks.
        let edited = grader.grade(submissionPath: gradingFixture("edited-question.md"))
        #expect(edited.maxScore == 8)
        #expect(scores(edited) == ["g-dot": 0, "g-soft": 0, "g-weights": 0, "g-out": 0])
        let text = try String(contentsOfFile: gradingFixture("edited-question.md"), encoding: .utf8)
        let blocksOnly = AnswerExtractor.answers(in: text, path: "x.md", limits: .init()).answers
            .map { "```answer \($0.id)\n\($0.source)\n```\n" }.joined(separator: "\n")
        let plain = grader.grade(submissionText: blocksOnly, path: "x.md")
        #expect(plain.exercises.map(\.feedback) == edited.exercises.map(\.feedback))
        #expect(plain.exercises.map(\.score) == edited.exercises.map(\.score))
        #expect(edited.lessonErrors.map(\.message) == ["an answer for 'g-extra', which is not an exercise of this assignment"])
    }

    @Test func malformedAnswersScoreZeroWithReasonsAndPositions() {
        let o = grader.grade(submissionPath: gradingFixture("malformed.md"))
        #expect(o.score == 0 && o.problem == nil)
        #expect(o.exercises[0].feedback == "Wrong shape: expected a number, but the answer is a list of 2.")
        #expect(o.exercises[1].feedback.hasPrefix("The answer could not be read: 'softmax(…)' is a call"))
        #expect(o.exercises[2].feedback.hasPrefix("The answer could not be read: row 2 has 2 entries, but row 1 has 3"))
        let positions = o.lessonErrors.map { "\($0.line):\($0.column)" }
        #expect(positions == ["25:1", "39:2", "52:3", "55:11", "59:11", "63:4"])
        #expect(o.lessonErrors[3].message == "a second answer for exercise 'g-out'; only the first counts")
        #expect(o.lessonErrors[5].message == "this answer block names no exercise: write ```answer ID")
    }

    @Test func unreadableOversizedAndInvalidUTF8SubmissionsScoreZero() throws {
        let folder = try temporaryFolder()
        let big = (folder as NSString).appendingPathComponent("big.md")
        // 10 MB of digits plus one byte: over the default 10,000,000-byte limit.
        try Data(repeating: UInt8(ascii: "7"), count: 10_000_001).write(to: URL(fileURLWithPath: big))
        let o = grader.grade(submissionPath: big)
        #expect(o.score == 0 && o.problem == "the file is larger than the limit of 10000000 bytes (raise it with --max-file-bytes)")
        #expect(o.exercises.allSatisfy { $0.feedback.hasPrefix("Not graded: the file is larger") })

        let bad = (folder as NSString).appendingPathComponent("bad.md")
        try Data("```answer g-dot\n1\n```\n\u{00E9}".utf8 + [0xFF, 0xFE] + Array("x".utf8)).write(to: URL(fileURLWithPath: bad))
        let b = grader.grade(submissionPath: bad)
        #expect(b.problem == "line 4: invalid UTF-8 at byte 24; lessons must be UTF-8 text")
        #expect(b.score == 0)

        let missing = grader.grade(submissionPath: (folder as NSString).appendingPathComponent("none.md"))
        #expect(missing.problem == "no such file")
    }

    @Test func hugeNumbersAndManyBlocksAreGradedQuickly() throws {
        // 9 MB of digits inside an answer block (under the file limit): rejected, not parsed.
        let digits = "```answer g-dot\n" + String(repeating: "9", count: 9_000_000) + "\n```\n"
        let o = grader.grade(submissionText: digits, path: "digits.md")
        #expect(o.exercises[0].feedback.hasPrefix("The answer could not be read: a number of 9000000 characters is too long (at most 64)"))
        // 10,000 answer blocks: the first per exercise counts; problems are capped at 20.
        let many = String(repeating: "```answer g-dot\n1\n```\n\n", count: 10_000)
        let start = Date()
        let m = grader.grade(submissionText: many, path: "many.md")
        #expect(Date().timeIntervalSince(start) < 10)
        #expect(m.exercises[0].passed && m.score == 1)
        #expect(m.lessonErrors.count == Grader.maxReportedErrors)
        #expect(m.moreErrors == 9_999 - Grader.maxReportedErrors)
        #expect(m.errorLines.last == "… and 9979 more problems")
    }

    @Test func feedbackPagesOfAHostileSubmissionAreInert() throws {
        let o = grader.grade(submissionPath: gradingFixture("hostile.md"))
        #expect(o.problem == nil)
        #expect(o.exercises.map(\.score) == [0, 0, 0, 2])
        let html = FeedbackPage.html(o, name: "<b>hostile</b>")
        assertInert(html)
        let markdown = FeedbackPage.markdown(o, name: "<b>hostile</b>")
        // Rendered as Markdown (cmark-gfm, safe mode), the feedback is inert too.
        assertInert(renderMarkdownSafely(markdown), fragment: true)
        #expect(!markdown.contains("<b>"))
    }

    @Test func gradescopeAndJUnitOutputs() throws {
        let o = grader.grade(submissionPath: gradingFixture("partly-wrong.md"))
        let json = o.gradescope().serialized()
        #expect(json.hasPrefix("{\"score\":4.0,\"visibility\":\"visible\",\"tests\":[{\"name\":\"g-dot\",\"score\":0.0,\"max_score\":1.0,\"status\":\"failed\""))
        let zero = grader.zero("x.md", "no such file").gradescope().serialized()
        #expect(zero.contains("{\"name\":\"submission\",\"score\":0.0,\"max_score\":0.0,\"status\":\"failed\",\"output\":\"no such file\""))
        let junit = o.junit()
        #expect(junit.contains("<testsuite name=\"") && junit.contains("tests=\"4\" failures=\"3\""))
        #expect(XMLText.clean("a\u{1}b") == "a\u{FFFD}b")
    }

    @Test func aLessonChecksItsOwnAnswers() {
        let report = Exercises.check(runLesson("""
            ```softmax exercise=s points=2
            [0, 0]
            ```

            ```answer s
            [0.5, 0.5]
            ```

            ```answer t
            1
            ```
            """))
        #expect(report.exercises == [ExerciseResult(id: "s", points: 2, score: 2, passed: true, feedback: "Correct: all 2 entries are within 0.01 of the expected value.")])
        #expect(report.diagnostics.map(\.position) == [SourcePosition(line: 9, column: 1)])
        #expect(report.diagnostics.first?.message.hasPrefix("answer for unknown exercise 't'") == true)
    }

    @Test func studentViewHidesTheAnswers() {
        let report = Exercises.studentView(Exercises.check(runLesson("""
            ```softmax exercise=s check=exp
            [0, 1]
            ```

            ```answer s
            [1, 2.7183]
            ```
            """)))
        #expect(report.exercises.isEmpty)
        #expect(report.step(1)?.values.map(\.name) == ["input", "shifted"])
        #expect(report.step(2)?.block.source == "```answer s\n[?, ?]\n```")
        #expect(report.step(2)?.values.isEmpty == true)
    }
}

/// Checks that HTML has only the tags the feedback page writes, no event-handler attributes
/// and no links that leave the page.
func assertInert(_ html: String, fragment: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) {
    let allowed: Set<String> = ["!doctype", "html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "code",
                                "strong", "em", "small", "table", "thead", "tbody", "tr", "th", "td", "a", "section", "pre",
                                "details", "summary", "ul", "ol", "li", "br", "hr", "blockquote"]
    let tag = try! NSRegularExpression(pattern: "<(/?)([A-Za-z!][A-Za-z0-9]*)([^>]*)>")
    let ns = html as NSString
    for m in tag.matches(in: html, range: NSRange(location: 0, length: ns.length)) {
        let name = ns.substring(with: m.range(at: 2)).lowercased()
        let attributes = ns.substring(with: m.range(at: 3)).lowercased()
        #expect(allowed.contains(name), "unexpected tag <\(name)>", sourceLocation: sourceLocation)
        #expect(attributes.range(of: #"\son[a-z]+\s*="#, options: .regularExpression) == nil, "event handler in <\(name)\(attributes)>", sourceLocation: sourceLocation)
        if let r = attributes.range(of: #"(href|src)\s*=\s*"([^"]*)""#, options: .regularExpression) {
            let value = attributes[r]
            #expect(value.contains("\"#") || value.contains("=\"#"), "link leaves the page: \(value)", sourceLocation: sourceLocation)
        }
    }
    #expect(!html.lowercased().contains("<script"), sourceLocation: sourceLocation)
    if !fragment {
        #expect(html.contains("Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\""), sourceLocation: sourceLocation)
    }
}
