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
        // Spaces copied from a PDF or a word processor are spaces (a no-break space before 0.5
        // gave "' 0' is not a value").
        #expect(try literal("\u{00A0}0.5") == AnswerLiteral(shape: [], cells: [.number(0.5)]))
        #expect(try literal("[0.5,\u{3000}1,\u{202F}?\u{2009}]\u{FEFF}") == AnswerLiteral(shape: [3], cells: [.number(0.5), .number(1), .blank]))
        #expect(parseError("[1\u{00A0}2]") != nil, "a space between numbers still needs a comma")
        // After a number too (a red-team pass: "'1 ' is not a number").
        #expect(try literal("[1\u{00A0}, 2\u{2009}, 3\u{3000}]\u{FEFF}") == AnswerLiteral(shape: [3], cells: [.number(1), .number(2), .number(3)]))
        #expect(try literal("0.5\u{00A0}") == AnswerLiteral(shape: [], cells: [.number(0.5)]))
        #expect(try literal("[inf\u{00A0}, 1]") == AnswerLiteral(shape: [2], cells: [.number(.infinity), .number(1)]))
        #expect(parseError("[1, 3\u{3000}\u{3000}x]")?.message.contains("�") == false)
    }

    @Test func errorsSayWhatAndWhere() throws {
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
        // Quotes a word processor or a habit put in (a student first-hour review): the advice
        // was `write text in double quotes ("“강아지”")`, which keeps the curly marks.
        let curly = parseError("[“강아지”, “##는”]")
        #expect(curly?.position == SourcePosition(line: 10, column: 2))
        #expect(curly?.message == "the text 강아지 is in curly quotes (“); write it in straight double quotes: \"강아지\"")
        #expect(parseError("['cat', 'dog']")?.message == "the text cat is in single quotes ('); write it in straight double quotes: \"cat\"")
        #expect(parseError("‘0.25’")?.message == "the number 0.25 is in quotes (‘); write it without quotes: 0.25")
        #expect(parseError("'")?.message.hasPrefix("unexpected") == true)
        #expect(try literal("[\"it's\", \"“ok”\"]") == AnswerLiteral(shape: [2], cells: [.text("it's"), .text("“ok”")]))
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

/// A key that never reads `variant` is run once, whatever variants the files declare; one that
/// reads it is run for each (a red-team pass found lesson 07 run once per declared variant).
@Suite struct VariantRerunTests {
    @Test func aKeyThatIgnoresTheVariantRunsOnce() {
        let plain = Grader(key: LessonParser.parse("```let exercise=e1\nx = 2\n```\n\n```answer e1\n2\n```\n", path: "key.md"))
        for v in [3, 4, 5] {
            let o = plain.grade(submissionText: "---\nvariant: \(v)\n---\n\n```answer e1\n2\n```\n", path: "s\(v).md")
            #expect(o.allPassed, "variant \(v)")
        }
        #expect(plain.variants.count == 0)
        let varying = Grader(key: LessonParser.parse("```let exercise=e1\nx = variant + 1\n```\n\n```answer e1\n1\n```\n", path: "key.md"))
        let o = varying.grade(submissionText: "---\nvariant: 4\n---\n\n```answer e1\n5\n```\n", path: "s.md")
        #expect(o.allPassed && varying.variants.count == 1)
    }
}

/// An answer fence right under an HTML tag is HTML to cmark: the grade says where and why, as
/// the student's own check does (it said only "no answer"; a red-team pass).
@Suite struct AnswerInHTMLBlockTests {
    @Test func theGradeSaysTheAnswerIsInsideHTML() {
        let grader = Grader(key: LessonParser.parse("```let exercise=e1\nx = 2\n```\n\n```answer e1\n2\n```\n", path: "key.md"))
        let o = grader.grade(submissionText: "<div>\n```answer e1\n2\n```\n</div>\n", path: "s.md")
        #expect(!o.allPassed)
        #expect(o.lessonErrors.map(\.description) == ["2:1: " + LessonParser.answerInHTML])
        #expect(LessonParser.answerInHTML == "this ```answer block is inside an HTML block, so it is not read, by stepmark check or by the grader; leave a blank line after the HTML tag above it")
        // With the blank line it is read.
        #expect(grader.grade(submissionText: "<div>\n\n```answer e1\n2\n```\n\n</div>\n", path: "s.md").allPassed)
    }
}

@Suite struct CompareTests {
    let matrix = Value.tensor(.matrix([[1, 0, 0], [0.330238, 0.669762, 0], [0.248255, 0.248255, 0.50349]]))

    @Test func correctAnswersPassWithinTolerance() throws {
        let r = try grade(matrix, "[[1, 0, 0], [0.33, 0.67, 0], [0.248, 0.248, 0.503]]", spec(points: 3))
        #expect(r.passed && r.score == 3)
        #expect(r.feedback == "Correct: all 9 entries are within 0.01 of the expected value.")
        // |0.5 - 0.49| = 0.01 is within tol=0.01 (the bound is inclusive, on the decimals as
        // written: in binary 0.51 − 0.5 is 0.010000000000000009 > 0.01, and a red-team pass found
        // 0.51 and 0.49 marked wrong, and 0.4 wrong but 0.2 right against 0.3 ± 0.1).
        for (expected, answer, tol) in [(0.5, "0.49", 0.01), (0.5, "0.51", 0.01), (0.3, "0.4", 0.1), (0.3, "0.2", 0.1),
                                        (-2.5, "-2.25", 0.25), (1000.5, "1000.6", 0.1), (0.669762, "0.679762", 0.01)] {
            #expect(try grade(.tensor(.scalar(expected)), answer, spec(tol: tol)).passed, "\(answer) vs \(expected) ± \(tol)")
        }
        // The slack is never more than a billionth of tol: tol=0 is exact, and a huge value gives
        // no room a student could use (a red-team pass: 1e16 + 8 passed with tol=0).
        for (expected, answer, tol) in [(0.5, "0.4", 0.01), (0.5, "0.5101", 0.01), (0.5, "0.48999999", 0.01), (0.3, "0.40000001", 0.1),
                                        (1e16, "10000000000000008", 0), (1, "1.0000000000000009", 0), (-1e20, "-100000000000000065536", 0.5),
                                        (1e300, "1.0000000000000007e300", 1e-300)] {
            #expect(try !grade(.tensor(.scalar(expected)), answer, spec(tol: tol)).passed, "\(answer) vs \(expected) ± \(tol)")
        }
        // Lesson 1's l1-weights: row 1 is (0.5, 0.5), and 0.51 / 0.49 are within 0.01.
        #expect(try grade(.tensor(.matrix([[0.5, 0.5], [0.330238, 0.669762]])), "[[0.51, 0.49], [0.3302, 0.6698]]", spec(points: 3)).score == 3)
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

    /// A ranking (labelled rows: token, score) answered as GRADING.md shows, `[["dog", 0.99],
    /// …]`, has its tokens checked too (a red-team pass found them ignored: only the scores
    /// were graded); the scores alone, best first, still answer it.
    @Test func aRankingsTokensAreChecked() throws {
        let ranking = Value.tensor(Tensor(shape: [2, 1], data: [0.9939, 0.9701], rowLabels: ["dog", "pet"], colLabels: ["cosine"]))
        #expect(try grade(ranking, "[[\"dog\", 0.9939], [\"pet\", 0.9701]]").passed)
        #expect(try grade(ranking, "[0.9939, 0.9701]").passed)
        let swapped = try grade(ranking, "[[\"pet\", 0.9939], [\"dog\", 0.9701]]", spec(points: 4, partial: true))
        #expect(!swapped.passed && swapped.score == 2, "the two scores right, the two tokens wrong")
        #expect(swapped.feedback.hasPrefix("Expected a table of 2 rows × 2 columns (token, cosine), or only its number columns. 2 of 4 entries"), "\(swapped.feedback)")
        #expect(!swapped.feedback.contains("dog") && !swapped.feedback.contains("0.99"))
        #expect(try grade(ranking, "[[\"dog\", 0.9939, 1], [\"pet\", 0.9701, 1]]").feedback.hasPrefix("Wrong shape"))
    }

    /// Found by an audit: a bare `?` for a list was "the answer is a number"; --reveal left the
    /// expected value out when the answer could not be read; `tol=0` revealed four decimals,
    /// themselves a wrong answer; a huge tolerance was written with 309 digits.
    @Test func blanksRevealsAndTolerancesAreWrittenPlainly() throws {
        let v = Value.tensor(.vector([1.0 / 3, 0.5]))
        #expect(try grade(v, "?").feedback == "No answer given: the answer is still ?. Expected a list of 2 numbers.")
        #expect(try grade(.tokens(TokenList(["the", "cat"])), "?").feedback.hasPrefix("No answer given"))
        let unreadable = Exercises.grade(expected: v, spec: spec(), answer: .unreadable(LessonError("'nan' is not a number", at: SourcePosition(line: 3, column: 2))), reveal: true)
        #expect(unreadable.feedback.hasSuffix("\nExpected: [0.3333, 0.5]."), "\(unreadable.feedback)")
        let missing = Exercises.grade(expected: v, spec: spec(), answer: nil, reveal: true)
        #expect(missing.feedback.hasSuffix("\nExpected: [0.3333, 0.5]."), "\(missing.feedback)")
        let exact = try grade(v, "[0.3333, 0.5]", spec(tol: 0), reveal: true)
        #expect(exact.feedback.hasSuffix("Expected: [0.3333333333333333, 0.5]."), "\(exact.feedback)")
        #expect(try grade(v, "[0.3333333333333333, 0.5]", spec(tol: 0)).passed, "what is revealed passes")
        #expect(try grade(v, "[1, 1]", spec(tol: 1e308)).feedback == "Correct: all 2 entries are within 1e+308 of the expected value.")
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
        // The number column alone, as a column or a list, stands for the table.
        #expect(try grade(table, "[[0.9], [0.5]]").passed)
        #expect(try grade(table, "[0.9, 0.5]").passed)
        #expect(try !grade(table, "[[0.9], [0.6]]").passed)
        #expect(try grade(table, "[0.9]").feedback.hasPrefix("Wrong shape: expected a table of 2 rows × 2 columns (token, score), or only its number columns"))
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

    /// A student deletes an answer's closing fence: the block takes in the prose and the next
    /// step's opening line (which closes nothing) up to that step's closing fence. The self-check
    /// said "unexpected 'The'" and blamed "the lesson" for the next exercise; both checks now
    /// name the missing fence, and the self-check points at the student's edit.
    @Test func aDeletedClosingFenceIsNamedNotTheProseItSwallowed() throws {
        let key = "```let exercise=a\nx = 2\n```\n\n```answer a\n2\n```\n\nThe next step.\n\n```let\nk = 3\n```\n\n```let exercise=b\ny = k + 1\n```\n\n```answer b\n4\n```\n"
        let made = Assignment.make(keyText: key, path: "key.md")
        #expect(made.keyErrors.isEmpty)
        let copy = made.text.replacingOccurrences(of: "```answer a\n?\n```\n", with: "```answer a\n2\n")
        #expect(copy != made.text)
        let lines = copy.split(separator: "\n", omittingEmptySubsequences: false)
        let answerLine = try #require(lines.firstIndex { $0 == "```answer a" }) + 1
        let swallowedFence = try #require(lines.firstIndex { $0 == "```let" }) + 1
        let expected = "this ```answer block is not closed before line \(swallowedFence), so it takes in the text after the answer; put a line of ``` right after the answer"

        let own = Exercises.check(runLesson(copy, path: "copy.md"))
        #expect(own.errors.contains { $0.message == expected && $0.position.line == answerLine }, "\(own.errors.map(\.message))")
        #expect(own.exercises.first { $0.id == "b" }?.feedback == "The exercise's own step did not run in this copy, so it cannot be checked here; the file's other errors say why: a change outside the answer blocks (a deleted ``` or line), or this machine (a missing model, the time limit).")

        let graded = Grader(key: LessonParser.parse(key, path: "key.md")).grade(submissionText: copy, path: "copy.md")
        #expect(graded.exercises.first { $0.id == "a" }?.feedback.contains(expected) == true, "\(graded.exercises.map(\.feedback))")
    }

    /// An assignment whose `variant:` line was deleted reads as a key: its own check then says
    /// once, at 1:1, why every answer is "the key's own answer" and what to put back. A key
    /// with one real answer and one `?` names the one.
    @Test func aDeletedVariantLineIsExplainedByTheSelfCheck() throws {
        let key = "```let exercise=a\nx = 2\n```\n\n```answer a\n2\n```\n\n```let exercise=b\ny = 3\n```\n\n```answer b\n3\n```\n"
        let copy = Assignment.make(keyText: key, path: "key.md").text
        let lines = copy.split(separator: "\n", omittingEmptySubsequences: false)
        let withoutVariant = lines.filter { !$0.hasPrefix("variant: ") }.joined(separator: "\n")
        #expect(withoutVariant != copy)
        let checked = Exercises.check(runLesson(withoutVariant, path: "copy.md"))
        let first = try #require(checked.errors.first)
        #expect(first.position == SourcePosition(line: 1, column: 1))
        #expect(first.message == "every answer is still ?, as in an assignment, but the front matter has no variant: line, so this file is checked as a teacher's key (with the key's own numbers); if it is your assignment, put back the variant: line of the file you were given")
        let halfDone = Exercises.check(runLesson(key.replacingOccurrences(of: "```answer b\n3", with: "```answer b\n?"), path: "key.md"))
        #expect(halfDone.errors.contains { $0.message.hasPrefix("the answers to b are still ?") }, "\(halfDone.errors.map(\.message))")
        #expect(!Exercises.check(runLesson(key, path: "key.md")).errors.contains { $0.message.contains("variant: line") })
        // Filled in, then the line deleted, in a lesson that reads variant: its answers are its
        // own numbers, not variant 0's (a review found only "the key's own answer … does not pass").
        let perStudent = "```let exercise=v\nx = variant + 1\n```\n\n```answer v\n5\n```\n"
        let filled = Exercises.check(runLesson(perStudent, path: "copy.md")).errors.map(\.message)
        #expect(filled.first == "this lesson reads variant and its front matter has no variant: line, so its answers are checked against variant 0's numbers, the teacher's key's; a student's copy needs the variant: line it was handed out with", "\(filled)")
    }

    /// A student's own check of their copy reads the answers the grader reads, wherever they
    /// stand: it said "not read" of an answer in a list item that the grade then counted. An
    /// answer read where a page cannot show it blanked gets a warning that says so (a page of
    /// the copy is then its messages alone).
    @Test func aStudentsCheckCountsWhatTheGraderCounts() throws {
        let key = "```let exercise=a\nx = 2\n```\n\n```answer a\n2\n```\n\n```let exercise=b\ny = 3\n```\n\n```answer b\n3\n```\n"
        let copy = Assignment.make(keyText: key, path: "key.md").text
            .replacingOccurrences(of: "```answer b\n?\n```", with: "```answer b\n3\n```")
        #expect(copy.contains("```answer a\n?\n```"))
        let grader = Grader(key: LessonParser.parse(key, path: "key.md"))
        let read = "stepmark check and the grader read it, but a page of this file shows only its messages while it is there"
        let inItem = "this ```answer block is inside a list item: \(read); write it at the top level, not indented"
        let inHTML = "this ```answer block is inside an HTML block: \(read); leave a blank line after the HTML tag above it"
        let above = "this ```answer block is part of the block above it for Markdown: \(read); close that block, or leave a blank line before this one"
        let notRead = "so it is not read, by stepmark check or by the grader"
        // (where the answer stands, whether it counts, the message both give)
        let shapes: [(String, Bool, String?)] = [
            ("- my answer:\n\n  ```answer a\n  2\n  ```", true, inItem),
            ("- my answer:\n  ```answer a\n  2\n  ```", true, inItem),
            ("1. my answer:\n\n   ```answer a\n   2\n   ```", true, inItem),
            ("<span>\n```answer a\n2\n```\n</span>", true, inHTML),
            // Found by a red-team pass: an HTML block in a list item, a code block left open in one.
            ("- <details>\n  ```answer a\n  2\n  ```\n  </details>", true, inHTML),
            ("- item\n  ```text\n  foo\n\n```\n```answer a\n2\n```", true, above),
            ("- ```answer a\n  2\n  ```", false, "this ```answer block is inside a list item or a quote, \(notRead); write it at the top level, not after > or a list marker"),
            ("> ```answer a\n> 2\n> ```", false, "this ```answer block is inside a list item or a quote, \(notRead); write it at the top level, not after > or a list marker"),
            ("<details>\n```answer a\n2\n```\n</details>", false, "this ```answer block is inside an HTML block, \(notRead); leave a blank line after the HTML tag above it"),
            // A top-level answer comes first in both: the one in the list item above it is a
            // second answer, and the one that counts is named.
            ("- again:\n\n  ```answer a\n  2\n  ```\n\n```answer a\n3\n```", false, "a second answer for exercise 'a'; the one at line 14 counts, not this one"),
            // Found by a red-team pass: a third, below the one that counts, is not told "only
            // the first counts" (the first in the file is the list item's, which does not).
            ("- again:\n\n  ```answer a\n  2\n  ```\n\n```answer a\n3\n```\n\n- more:\n\n  ```answer a\n  2\n  ```", false,
             "a second answer for exercise 'a'; the one at line 14 counts, not this one"),
            // Found by a red-team pass: an answer in an indented code block, at the top level or
            // in a list item, or in an HTML block inside a list item, got only "No answer".
            ("Text:\n\n    ```answer a\n    2\n    ```", false, LessonParser.indentedAnswer),
            ("- my answer:\n\n        ```answer a\n        2\n        ```", false, LessonParser.indentedAnswer),
            ("- my answer:\n\n  <div>\n  ```answer a\n  2\n  ```\n  </div>", false,
             "this ```answer block is inside an HTML block, \(notRead); leave a blank line after the HTML tag above it"),
            // Indented by a tab in a list item (no marker before it): the advice says indented.
            ("- my answer:\n\n\t```answer a\n\t2\n\t```", false, "this ```answer block is inside a list item or a quote, \(notRead); write it at the top level, not indented"),
        ]
        for (shape, counts, message) in shapes {
            let text = copy.replacingOccurrences(of: "```answer a\n?\n```", with: shape)
            let own = Exercises.check(runLesson(text, path: "copy.md"))
            let graded = grader.grade(submissionText: text, path: "copy.md")
            #expect(own.exercises.map(\.score) == [counts ? 1 : 0, 1], "\(shape): \(own.exercises.map(\.feedback)) \(own.errors.map(\.message))")
            #expect(graded.exercises.map(\.score) == [counts ? 1 : 0, 1], "\(shape): \(graded.exercises.map(\.feedback))")
            if let message {
                // An answer that counts is a warning (check passes or fails as the grade does);
                // one that does not is an error.
                let said = counts || message.contains(read) ? own.warnings : own.errors
                #expect(said.map(\.message).contains(message), "\(shape): \(said.map(\.message))")
            }
            #expect(own.errors.isEmpty == (counts || message?.contains(read) == true), "\(shape): \(own.errors.map(\.message))")
            if message?.hasPrefix("a second answer") == true {
                #expect(graded.lessonErrors.map(\.message).contains(message!), "\(shape): \(graded.lessonErrors.map(\.message))")
            }
        }
        // The grade names the indented one too, at the same place.
        let indented = copy.replacingOccurrences(of: "```answer a\n?\n```", with: "Text:\n\n    ```answer a\n    2\n    ```")
        let indentedErrors = grader.grade(submissionText: indented, path: "copy.md").lessonErrors
        #expect(indentedErrors.map(\.message) == [LessonParser.indentedAnswer]
                && indentedErrors.map(\.position) == Exercises.check(runLesson(indented, path: "copy.md")).errors.filter { $0.message == LessonParser.indentedAnswer }.map(\.position),
                "\(indentedErrors)")
        // In a key, an indented one reaches students as written: a warning (an example of the
        // syntax is shown so on purpose; a second red-team pass found the error false). One in
        // an HTML block in a list item or a quote is an error, as in a top-level one.
        let keyReport = Exercises.check(runLesson(key + "\nText:\n\n    ```answer a\n    ?\n    ```\n\n- b:\n\n  <div>\n  ```answer b\n  3\n  ```\n  </div>\n\n> <div>\n> ```answer b\n> 3\n> ```\n> </div>\n", path: "key.md"))
        let keyErrors = keyReport.errors.map(\.message)
        #expect(keyReport.warnings.map(\.message).contains("this ```answer block is indented four spaces or more, so Markdown does not read it as a block: it is no answer, and students see it as it is written; write it at the top level if it is one"), "\(keyReport.warnings)")
        #expect(keyReport.errors.filter { $0.message == "this ```answer block is inside an HTML block, so it is not read and cannot be blanked in the assignment; leave a blank line after the HTML tag above it" }.map(\.line) == [26, 32], "\(keyErrors)")
        // One that holds values would hand them out: the key's error (a third red-team pass).
        let valued = Exercises.check(runLesson(key + "\n1. Fill in:\n\n        ```answer b\n        3\n        ```\n", path: "key.md")).errors.map(\.message)
        #expect(valued.contains("this ```answer block is indented four spaces or more, so Markdown does not read it as a block: it cannot be blanked, and students would read its values as written; write it at the top level, not indented"), "\(valued)")
        // Tokens are values too (only digits counted); `?`, brackets and commas are not.
        let tokens = Exercises.check(runLesson(key + "\nText:\n\n    ```answer b\n    [\"c\", \"a\"]\n    ```\n", path: "key.md")).errors.map(\.message)
        #expect(tokens.contains { $0.contains("students would read its values as written") }, "\(tokens)")
        #expect(!LessonParser.holdsValues(after: 1, lines: ["    ```answer a", "    [?, ?; ?, ?]", "    | ? | ? |", "    |---|---|", "    ```"]))
        // The key's example, copied to the student as it was, is none of theirs: the check and
        // the grade say nothing of it.
        let example = copy.replacingOccurrences(of: "```answer a\n?\n```", with: "```answer a\n2\n```\n\nText:\n\n    ```answer a\n    ?\n    ```")
        #expect(Exercises.check(runLesson(example, path: "copy.md")).errors.isEmpty && grader.grade(submissionText: example, path: "copy.md").lessonErrors.isEmpty)
        // Commented out, or in a solution region, it never reaches students: nothing is said.
        for quiet in ["- b:\n\n  <!-- old:\n  ```answer b\n  3\n  ```\n  -->\n", "<!--\n```answer b\n3\n```\n-->\n", "1. <!--\n   ```answer b\n   3\n   ```\n   -->\n",
                      "<!-- solution -->\n    ```answer b\n    3\n    ```\n\n<details>\n```answer b\n3\n```\n</details>\n<!-- end solution -->\n"] {
            let r = Exercises.check(runLesson(key + "\n" + quiet, path: "key.md"))
            #expect(r.errors.isEmpty && r.warnings.isEmpty, "\(quiet): \(r.errors.map(\.message)) \(r.warnings.map(\.message))")
        }
        // A student's first try, commented out, is no answer and no problem, for either.
        let tried = copy.replacingOccurrences(of: "```answer a\n?\n```", with: "```answer a\n2\n```\n\n- first try:\n\n  <!--\n  ```answer a\n  3\n  ```\n  -->")
        #expect(Exercises.check(runLesson(tried, path: "copy.md")).errors.isEmpty && grader.grade(submissionText: tried, path: "copy.md").lessonErrors.isEmpty)
        // On the list marker's line too (`- <!--`): both counted it, though the page hides it.
        let onMarker = copy.replacingOccurrences(of: "```answer a\n?\n```", with: "- <!--\n  ```answer a\n  2\n  ```\n  -->")
        #expect(Exercises.check(runLesson(onMarker, path: "copy.md")).exercises.map(\.score) == [0, 1])
        #expect(grader.grade(submissionText: onMarker, path: "copy.md").exercises.map(\.score) == [0, 1])
        // In a quote too: the grade said "inside a list item or a quote" of it, the check nothing.
        let quoted = copy.replacingOccurrences(of: "```answer a\n?\n```", with: "```answer a\n2\n```\n\n> <!--\n> ```answer a\n> 3\n> ```\n> -->")
        #expect(Exercises.check(runLesson(quoted, path: "copy.md")).errors.isEmpty && grader.grade(submissionText: quoted, path: "copy.md").lessonErrors.isEmpty,
                "\(grader.grade(submissionText: quoted, path: "copy.md").lessonErrors)")
        // Right after a line of text, an indented one is that text's for Markdown; both say so.
        let lazy = copy.replacingOccurrences(of: "```answer a\n?\n```", with: "My answer:\n    ```answer a\n    2\n    ```")
        #expect(grader.grade(submissionText: lazy, path: "copy.md").lessonErrors.map(\.message) == [LessonParser.indentedAnswer])
        #expect(Exercises.check(runLesson(lazy, path: "copy.md")).errors.map(\.message).contains(LessonParser.indentedAnswer))
        // On a line of its own in a list item (a tab, four spaces), the grade names it too, in
        // the check's words.
        for item in ["- item\n\n\t```answer a\n\t2\n\t```", "- item\n\n    ```answer a\n    2\n    ```"] {
            let text = copy.replacingOccurrences(of: "```answer a\n?\n```", with: item)
            let own = Exercises.check(runLesson(text, path: "copy.md")).errors.filter { $0.message.contains("inside a list item or a quote") }
            let graded = grader.grade(submissionText: text, path: "copy.md").lessonErrors
            #expect(own.count == 1 && graded.map(\.description) == own.map(\.description), "\(item): \(own) \(graded)")
        }
        // An example of the syntax in a fence of four backticks is no such answer.
        #expect(runLesson(key + "\n````markdown\n    ```answer a\n    2\n    ```\n````\n", path: "key.md").errors.isEmpty)
        // An answer in a list item that does not count (a second answer) is not told that check
        // and the grader read it; its page is still its messages alone.
        let second = copy.replacingOccurrences(of: "```answer a\n?\n```", with: "- again:\n\n  ```answer a\n  2\n  ```\n\n```answer a\n3\n```\n\n- more:\n\n  ```answer a\n  2\n  ```")
        let secondWarnings = Exercises.check(runLesson(second, path: "copy.md")).warnings.map(\.message)
        let notOnPage = "this ```answer block is inside a list item: a page of this file shows only its messages while it is there; write it at the top level, not indented"
        #expect(secondWarnings.filter { $0 == notOnPage }.count == 2 && !secondWarnings.contains { $0.contains(read) }, "\(secondWarnings)")
        #expect(Exercises.check(runLesson(second, path: "copy.md")).errors.filter { $0.message.contains("line 14 counts") }.count == 2)
        #expect(grader.grade(submissionText: second, path: "copy.md").lessonErrors.filter { $0.message.contains("line 14 counts") }.count == 2)
        // An answer fence in the front matter's YAML is no answer, for either.
        let yaml = copy.replacingOccurrences(of: "variant: 0\n", with: "variant: 0\nnote: |\n  ```answer a\n  2\n  ```\n")
        #expect(yaml != copy)
        #expect(Exercises.check(runLesson(yaml, path: "copy.md")).exercises.map(\.score) == [0, 1])
        #expect(grader.grade(submissionText: yaml, path: "copy.md").exercises.map(\.score) == [0, 1])
        // A page of a copy with an answer in a list item is its messages alone; one says why.
        let item = copy.replacingOccurrences(of: "```answer a\n?\n```", with: "- my answer:\n\n  ```answer a\n  2\n  ```")
        let ran = StudentView.apply(Exercises.check(runLesson(item, path: "copy.md")))
        #expect(ran.blocks.isEmpty && ran.warnings.map(\.message).contains(inItem))
        // The student's own check says so too, on standard error, as run does; it still passes.
        let folder = try temporaryFolder(["copy.md": item])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let checked = try stepmark(["check", "copy.md"], in: folder)
        #expect(checked.status == 0 && checked.stderr.contains("copy.md:\(ran.warnings[0].line):3: warning: \(inItem)"), "\(checked.stderr)")
        // A copy's check passes or fails as its grade does: a wrong second answer in a list item,
        // or a YAML slip in its front matter, is reported but fails neither (the check exited 1
        // on answers the grade passed; a red-team pass). A step that failed still fails it.
        let keyFile = try temporaryFolder(["key.md": key])
        defer { try? FileManager.default.removeItem(atPath: keyFile) }
        // But an answer for an exercise the copy lacks (its step deleted) fails it: the check
        // cannot tell a right answer from a wrong one there, and passed a wrong one the grade
        // failed (a third red-team pass). The grade, from the key, still grades it.
        let stepless = copy.replacingOccurrences(of: "```let exercise=a\nx = 2\n```", with: "```let\nx = 2\n```").replacingOccurrences(of: "```answer a\n?\n```", with: "```answer a\n2\n```")
        #expect(stepless != copy)
        let copies = ["stepless.md": stepless, "wrong.md": copy.replacingOccurrences(of: "```answer a\n?\n```", with: "- first:\n\n  ```answer a\n  7\n  ```\n\n```answer a\n2\n```"),
                      "yaml.md": copy.replacingOccurrences(of: "```answer a\n?\n```", with: "```answer a\n2\n```").replacingOccurrences(of: "variant: 0\n", with: "variant: 0\ntitle: a: b\n"),
                      "step.md": copy.replacingOccurrences(of: "```answer a\n?\n```", with: "```answer a\n2\n```").replacingOccurrences(of: "y = 3", with: "y = 3 +")]
        for (name, text) in copies.sorted(by: { $0.key < $1.key }) {
            try text.write(toFile: keyFile + "/" + name, atomically: true, encoding: .utf8)
            let own = try stepmark(["check", name], in: keyFile)
            let graded = try stepmark(["check", name, "--key", "key.md"], in: keyFile)
            let fails = name == "step.md" || name == "stepless.md"
            #expect(own.status == (fails ? 1 : 0) && graded.status == 0, "\(name): \(own.status) \(graded.status) \(own.stdout)")
            #expect(fails || own.stdout.contains("total: 2/2"), "\(name): \(own.stdout)")
        }
        // The teacher's key keeps the teacher's reason: its answer could not be blanked.
        let teacher = Exercises.check(runLesson(key + "\n- b:\n\n  ```answer a\n  2\n  ```\n", path: "key.md")).errors.map(\.message)
        #expect(teacher.contains { $0.contains("cannot be blanked in the assignment") }, "\(teacher)")
    }

    /// An answer block's second word or argument is reported and ignored by the check as by
    /// the grade, and the answer still counts (a red-team pass: `answer a x=1` scored 0 in the
    /// check, 1 in the grade; `answer b exercise=z points=50` made a check total of 2/52).
    @Test func anAnswersExtraWordsAreIgnoredByCheckAndGradeAlike() throws {
        let key = "```let exercise=a\nx = 2\n```\n\n```answer a\n2\n```\n\n```let exercise=b\ny = 3\n```\n\n```answer b\n3\n```\n"
        let copy = Assignment.make(keyText: key, path: "key.md").text
            .replacingOccurrences(of: "```answer a\n?", with: "```answer a x=1\n2")
            .replacingOccurrences(of: "```answer b\n?", with: "```answer b c exercise=z points=50\n3")
        let own = Exercises.check(runLesson(copy, path: "copy.md"))
        let graded = Grader(key: LessonParser.parse(key, path: "key.md")).grade(submissionText: copy, path: "copy.md")
        #expect(own.exercises.map(\.score) == [1, 1] && own.exercises.map(\.points) == [1, 1], "\(own.exercises)")
        #expect(graded.exercises.map(\.score) == [1, 1])
        let messages = ["answer takes only the exercise id; 'x=' is ignored: points and tolerances come from the key",
                        "answer takes one exercise id, found a second word 'c'; it is ignored",
                        "answer takes only the exercise id; 'exercise=' is ignored: points and tolerances come from the key"]
        // Warnings in the copy: the answers count, so check passes as the grade does.
        #expect(own.errors.isEmpty && own.warnings.map(\.message) == messages, "\(own.errors.map(\.message)) \(own.warnings.map(\.message))")
        #expect(graded.lessonErrors.map(\.message) == messages, "\(graded.lessonErrors.map(\.message))")
    }

    /// A copy whose front matter the YAML reader cannot read (a title's closing quote lost)
    /// still declares its variant, as the grader reads it: the check ran it as a key, with
    /// variant 0's numbers, while the grade used the copy's. A front matter never closed
    /// declares none (a key opening with a --- rule would become an assignment).
    @Test func aCopyWithBrokenFrontMatterKeepsItsVariant() throws {
        let key = "```let exercise=a\nx = variant + 1\n```\n\n```answer a\n1\n```\n"
        let grader = Grader(key: LessonParser.parse(key, path: "key.md"))
        for broken in ["---\nvariant: 5\ntitle: \"oops\n---\n", "---\nvariant: 5\n{title: x}\n---\n"] {
            let copy = broken + "```let exercise=a\nx = variant + 1\n```\n\n```answer a\n6\n```\n"
            let own = Exercises.check(runLesson(copy, path: "copy.md"))
            #expect(own.isAssignment && own.exercises.map(\.score) == [1], "\(broken): \(own.exercises.map(\.feedback)) \(own.errors.map(\.message))")
            #expect(own.errors.contains { $0.message.hasPrefix("the front matter") }, "\(own.errors.map(\.message))")
            #expect(grader.grade(submissionText: copy, path: "copy.md").exercises.map(\.score) == [1])
        }
        let rule = "---\n\n# Key\n\nvariant: 2 is a word here.\n\n" + key
        #expect(!runLesson(rule, path: "key.md").isAssignment)
        // Its lang: line is read as the variant line is, so a Korean copy checks in Korean, as
        // its grade's feedback is written (a red-team pass).
        let korean = "---\nvariant: 5\nlang: ko\ntitle: \"oops\n---\n```let exercise=a\nx = variant + 1\n```\n\n```answer a\n7\n```\n"
        let own = Exercises.check(runLesson(korean, path: "copy.md"))
        #expect(own.language == .korean && own.exercises.map(\.score) == [0], "\(own.exercises.map(\.feedback))")
        #expect(FrontMatter.parse(["---", "lang: ko", "lang: en", "a: \"", "---"]).0?.lang == nil, "two lang: lines name none")
        #expect(FrontMatter.parse(["---", "lang: \"ko\"", "a: \"", "---"]).0?.lang == "ko")
        #expect(FrontMatter.parse(["---", "lang: k o", "a: \"", "---"]).0?.lang == nil)
        #expect(FrontMatter.parse(["---", "lang: ko  # Korean", "a: \"", "---"]).0?.lang == "ko")
        #expect(FrontMatter.parse(["---", "\"lang\": ko", "a: \"", "---"]).0?.lang == "ko")
        // A variant line the grade refuses is not graded by the check either: it showed 1/1
        // beside the error, and the grade gave 0.
        let hiddenLine = "---\nvariant: 0\ntitle: \"S\nvariant: 5\"\n---\n```let exercise=a\nx = variant + 1\n```\n\n```answer a\n1\n```\n"
        let folder = try temporaryFolder(["copy.md": hiddenLine, "key.md": key])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let checked = try stepmark(["check", "copy.md", "--format", "json"], in: folder)
        let graded = try stepmark(["check", "copy.md", "--key", "key.md", "--format", "json"], in: folder)
        #expect(checked.status == 1 && checked.stdout.contains("\"score\": 0.0,") && checked.stdout.contains("is not a variant"), "\(checked.stdout)")
        #expect(graded.stdout.contains("\"score\": 0.0,") && graded.stdout.contains("is not a variant"), "\(graded.stdout)")
        // Found by a red-team pass: a valid title quoted over lines, one of which starts
        // `variant:`, is part of the title for YAML but a variant line for the grader. The
        // check says so at that line, and fails, whatever YAML's own variant is.
        for front in ["---\ntitle: \"a\nvariant: 5\"\nvariant: 3\n---\n", "---\ntitle: \"a\nvariant: 5\"\n---\n"] {
            let copy = front + "```let exercise=a\nx = variant + 1\n```\n\n```answer a\n4\n```\n"
            let checked = Exercises.check(runLesson(copy, path: "copy.md"))
            #expect(checked.errors.contains { $0.position == SourcePosition(line: 3, column: 1) && $0.message.hasPrefix("YAML reads this line as part of another value, but the grader reads it as the variant: line") },
                    "\(checked.errors.map(\.message))")
            #expect(!checked.ok)
        }
        // Past line 200 of a closed front matter the grade reads the variant line too (it read
        // 200 lines: the check gave 1/1, the grade "no variant: line").
        let far = "---\n" + (1...205).map { "k\($0): v" }.joined(separator: "\n") + "\nvariant: 5\n---\n```let exercise=a\nx = variant + 1\n```\n\n```answer a\n6\n```\n"
        #expect(Exercises.check(runLesson(far, path: "copy.md")).exercises.map(\.score) == [1])
        #expect(grader.grade(submissionText: far, path: "copy.md").exercises.map(\.score) == [1])
        #expect(FrontMatter.declaredVariant(in: "---\n" + String(repeating: "k: v\n", count: 205) + "variant: 5\n") == .none, "never closed: the first 200 lines")
        // The line YAML reads as the variant is no such line, indented or not.
        #expect(FrontMatter.parse(["---", "variant: 3", "title: x", "---"]).1.isEmpty)
        #expect(FrontMatter.parse(["---", "  title: x", "  variant: 3", "---"]).1.isEmpty)
        #expect(FrontMatter.parse(["---", "title: x", "description: |", "  variant: 5", "---"]).1.isEmpty, "indented inside a value: the grader does not read it")
    }

    /// In a key, an argument on an answer block is the teacher's error, with where it belongs
    /// (it said "points and tolerances come from the key" to the key's own author).
    @Test func anArgumentOnAKeysAnswerSaysWhereItBelongs() throws {
        let key = "```let exercise=a\nx = 2\n```\n\n```answer a points=5\n2\n```\n"
        let report = Exercises.check(runLesson(key, path: "key.md"))
        #expect(report.errors.map(\.message) == ["answer takes only the exercise id; 'points=' is ignored: an exercise's arguments go on its step (```let exercise=ID points=2 tol=0.01```)"], "\(report.errors.map(\.message))")
        #expect(report.exercises.map(\.score) == [1])
    }

    /// An answer block's extra words and arguments never reach a handout, even with --force:
    /// ```answer a 0.787 note="expected 3"``` was copied as written (a red-team pass).
    @Test func anAnswersExtraWordsStayOutOfHandouts() throws {
        let key = "```let exercise=a\nx = 3\n```\n\n```answer a 0.787 note=\"expected 3\"\n3\n```\n"
        let folder = try temporaryFolder(["key.md": key])
        #expect(try stepmark(["assign", "key.md", "--out", "as"], in: folder).status != 0)
        _ = try stepmark(["assign", "key.md", "--out", "as", "--force"], in: folder)
        let copy = try String(contentsOfFile: folder + "/as/key.md", encoding: .utf8)
        #expect(copy.contains("```answer a\n?\n```") && !copy.contains("0.787") && !copy.contains("expected 3"), "\(copy)")
        _ = try stepmark(["render", "key.md", "--out", "st", "--format", "md,html", "--student"], in: folder)
        for file in ["st/key.md", "st/key.html"] {
            let page = try String(contentsOfFile: folder + "/" + file, encoding: .utf8)
            #expect(!page.contains("0.787") && !page.contains("expected 3"), "\(file): \(page)")
        }
    }

    /// An answer over the entry limit, in a submission: the feedback does not tell the student
    /// to raise --max-entries (a flag of the teacher's grader, not theirs).
    @Test func anOversizedSubmittedAnswerNamesNoFlag() throws {
        var limits = Limits()
        limits.maxEntries = 5
        let grader = Grader(key: LessonParser.parse("```let exercise=a\nx = 2\n```\n\n```answer a\n2\n```\n", path: "key.md"), limits: limits)
        let o = grader.grade(submissionText: "```answer a\n[1, 2, 3, 4, 5, 6, 7]\n```\n", path: "s.md")
        #expect(o.exercises.first?.feedback.contains("the answer has more than 5 entries, more than any answer here needs") == true, "\(o.exercises.map(\.feedback))")
        #expect(!(o.exercises.first?.feedback.contains("--max-entries") ?? true))
        #expect(!o.lessonErrors.contains { $0.message.contains("--max-entries") }, "\(o.lessonErrors)")
        // A file over the size limit: the teacher's gradebook keeps the flag, what the student
        // reads (feedback, Gradescope's results) does not.
        var small = Limits()
        small.maxFileBytes = 64
        let folder = try temporaryFolder(["big.md": "```answer a\n" + String(repeating: "1", count: 100) + "\n```\n"])
        let big = Grader(key: LessonParser.parse("```let exercise=a\nx = 2\n```\n\n```answer a\n2\n```\n", path: "key.md"), limits: small)
            .grade(submissionPath: folder + "/big.md")
        #expect(big.problem?.contains("--max-file-bytes") == true, "\(big.problem ?? "")")
        #expect(big.problemForStudent?.contains("--max-") == false, "\(big.problemForStudent ?? "")")
        let shown = big.gradescope().serialized(pretty: false) + FeedbackPage.markdown(big, name: "big")
        #expect(!shown.contains("max\\-file") && !shown.contains("max-file"), "\(shown)")
    }

    /// Only a fence that could have closed the block shows it was left open: a shorter one or
    /// one of the other kind is the block's own text (a review found "not closed" said of
    /// closed blocks), and the advice names the block's own fence.
    @Test func onlyAFenceOfTheSameKindShowsAnAnswerLeftOpen() throws {
        func message(_ answer: String) -> String? {
            Exercises.check(runLesson("```let exercise=a\nx = 2\n```\n\n" + answer, path: "c.md")).errors.first { $0.position.line >= 5 }?.message
        }
        #expect(message("````answer a\n```\n2\n````\n")?.contains("not closed") == false)
        #expect(message("```answer a\n~~~\n2\n```\n")?.contains("not closed") == false)
        #expect(message("~~~answer a\n2\n\nnext\n\n~~~let\ny = 1\n~~~\n")
                == "this ~~~answer block is not closed before line 10, so it takes in the text after the answer; put a line of ~~~ right after the answer")
        // The next exercise's step taken in: its answer is not "for an unknown exercise".
        let swallowed = Exercises.check(runLesson("---\nvariant: 3\n---\n```let exercise=a\nx = 2\n```\n\n```answer a\n2\n\n```let exercise=t\ny = 3\n```\n\n```answer t\n3\n```\n", path: "c.md"))
        #expect(swallowed.errors.map(\.message).contains("the answer for 't' is not checked: its exercise's step is inside the answer block at line 8, which is not closed; close that block first"),
                "\(swallowed.errors.map(\.message))")
    }

    /// Quotes around a number list, an apostrophe inside a number, nan in quotes, and a quoted
    /// word where numbers belong (a review of this stop's change).
    @Test func quotedAnswersGetAdviceThatLeadsToARightAnswer() throws {
        func parseError(_ body: String) -> String? {
            if case .failure(let e) = LessonParser.parse("```answer a\n\(body)\n```\n", path: "a.md").answers[0].literal { return e.message }
            return nil
        }
        #expect(parseError("'[0.25, 0.75]'") == "the list [0.25, 0.75] is in quotes ('); write it without quotes: [0.25, 0.75]")
        #expect(parseError("'nan'")?.hasPrefix("the text nan is in single quotes") == true)
        #expect(parseError("[1'000, 0.75]")?.hasPrefix("unexpected") == true)
        #expect(parseError("“" + String(repeating: "가", count: 200) + "”")?.hasPrefix("the text") == false)
        let key = "```let exercise=a\nx = [1, 2]\n```\n\n```answer a\n[1, 2]\n```\n"
        let graded = Grader(key: LessonParser.parse(key, path: "key.md")).grade(submissionText: "```answer a\n“cat”\n```\n", path: "s.md")
        #expect(graded.lessonErrors.map(\.message) == ["'cat' is not a value; this answer takes numbers"])
    }

    /// A word where a number belongs: the student's own check lists the problem as the grader
    /// does, without the parser's advice to quote the word (which GRADING.md promises; the
    /// self-check said `write text in double quotes ("hello")`).
    @Test func theSelfCheckListsABareWordAsTheGraderDoes() throws {
        let key = "```let exercise=a\nx = 2\n```\n\n```answer a\n2\n```\n\n```let exercise=t\nw = \"cat\"\n```\n\n```answer t\n\"cat\"\n```\n"
        let copy = Assignment.make(keyText: key, path: "key.md").text
            .replacingOccurrences(of: "```answer a\n?\n```", with: "```answer a\nhello\n```")
            .replacingOccurrences(of: "```answer t\n?\n```", with: "```answer t\ndog\n```")
        let own = Exercises.check(runLesson(copy, path: "copy.md")).errors.map(\.message)
        let graded = Grader(key: LessonParser.parse(key, path: "key.md")).grade(submissionText: copy, path: "copy.md").lessonErrors.map(\.message)
        #expect(own.contains("'hello' is not a value; this answer takes numbers"), "\(own)")
        #expect(own == graded, "\(own) vs \(graded)")
        // Where text is expected, the advice to quote stays.
        #expect(own.contains { $0.hasPrefix("'dog' is not a literal: write text in double quotes") }, "\(own)")
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
        #expect(o.exercises[0].feedback == "Wrong shape: expected one number, but the answer is a list of 2.")
        // A call where numbers belong: what kind of answer is expected, not the parser's advice.
        #expect(o.exercises[1].feedback == "The answer could not be read: 'softmax' is not a value (line 25, column 1). Expected a list of 3 numbers, written as [?, ?, ?] with a number in place of each ?.")
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
        #expect(b.problem == "line 4, column 2: invalid UTF-8 at byte 24; lessons must be UTF-8 text")
        #expect(b.score == 0)

        let missing = grader.grade(submissionPath: (folder as NSString).appendingPathComponent("none.md"))
        #expect(missing.problem == "no such file")
    }

    /// An answer block after a quote's `>` or a list marker is not read (cmark would put it in
    /// the quote or item); the student is told where, not only "No answer" (a red-team pass).
    @Test func anAnswerInAQuoteOrListSaysWhere() {
        let text = "> ```answer g-dot\n> 1\n> ```\n\n```let\n> ```answer g-dot\n```\n\n12) ~~~answer g-dot\n\n- ```answer g-dot\n  1\n  ```\n\n*\t```answer g-dot\n\n> ``` answer g-dot\n\n> ````answer g-dot\n\n> ```answers\n"
        let o = grader.grade(submissionText: text, path: "q.md")
        #expect(o.lessonErrors.map { "\($0.line):\($0.column)" } == ["1:3", "9:5", "11:3", "15:3", "17:3", "19:3"], "not the line inside a code block")
        #expect(o.lessonErrors.first?.message == "this ```answer block is inside a list item or a quote, so it is not read, by stepmark check or by the grader; write it at the top level, not after > or a list marker")
        #expect(!o.exercises[0].passed)
    }

    /// The grader reads every answer the student's own `check` reads (a red-team pass: the
    /// fence scanner alone ran an HTML comment, a `<pre>` or a fence left open in a list item on
    /// to the end of the file, and took `<!note` for an HTML block, so later answers scored 0
    /// while `check` counted them). Each prefix is checked against cmark-gfm's own reading too:
    /// `run` of the same file finds the answer block.
    @Test(arguments: ["- my notes\n  <!-- todo\n", "- my notes\n  ~~~\n", "- my notes\n  <pre>\n", "<!note\n", "1. notes\n   <script>\n"])
    func theGraderReadsWhatTheSelfCheckReads(_ prefix: String) throws {
        let text = prefix + "\n```answer g-dot\n1.0\n```\n"
        let lesson = LessonParser.parse(text, path: "s.md")
        #expect(lesson.blocks.contains { if case .answer(let a) = $0 { a.id == "g-dot" } else { false } },
                "cmark reads the block at the top level")
        let o = grader.grade(submissionText: text, path: "s.md")
        #expect(scores(o)["g-dot"] == 1, "\(o.exercises[0].feedback)")
        #expect(o.lessonErrors.isEmpty, "\(o.lessonErrors.map(\.message))")
    }

    /// Arguments on a submission's answer block change nothing and say so (they were ignored
    /// silently); the answer still counts.
    @Test func argumentsOnAnAnswerBlockAreNamedAndIgnored() {
        let o = grader.grade(submissionText: "```answer g-dot tol=100 points=50\n1.0\n```\n", path: "s.md")
        #expect(scores(o)["g-dot"] == 1 && o.maxScore == 8)
        #expect(o.lessonErrors.map { "\($0.line):\($0.column) \($0.message)" }
                == ["1:17 answer takes only the exercise id; 'tol=' is ignored: points and tolerances come from the key"])
    }

    /// What only the scanner reads (a fence cmark puts in a list item's continuation) still
    /// counts, after cmark's blocks: a duplicate keeps cmark's reading first.
    @Test func theScannersLenientReadingStillCounts() {
        let lenient = grader.grade(submissionText: "<span>\n```answer g-dot\n1.0\n```\n", path: "s.md")
        #expect(scores(lenient)["g-dot"] == 1)
        let both = grader.grade(submissionText: "<span>\n```answer g-dot\n2.0\n```\n\n```answer g-dot\n1.0\n```\n", path: "s.md")
        #expect(scores(both)["g-dot"] == 1, "\(both.exercises[0].feedback)")
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
        #expect(json.hasPrefix("{\"score\":4.0,\"execution_time\":"))
        #expect(json.contains(",\"output_format\":\"md\",\"test_output_format\":\"md\",\"visibility\":\"visible\",\"tests\":[{\"name\":\"g-dot\",\"score\":0.0,\"max_score\":1.0,\"status\":\"failed\""))
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
        // An exercise whose step failed (tol=5%) is named as such, not as unknown.
        let failed = Exercises.check(runLesson("```softmax exercise=e4 tol=5%\n[1, 2]\n```\n\n```answer e4\n[0.3, 0.7]\n```\n"))
        #expect(failed.errors.map(\.message).contains("the answer for 'e4' is not checked: its exercise's ```softmax step at line 1 failed; fix that step's error first"), "\(failed.errors)")
        #expect(!failed.errors.contains { $0.message.contains("unknown exercise") })
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
        // SPEC §4: an exercise step shows none of its values (shifted is the answer's logarithm).
        #expect(report.step(1)?.values.isEmpty == true)
        #expect(report.step(1)?.hidden == .exercise(id: "s"))
        #expect(report.step(2)?.block.source == "```answer s\n[?, ?]\n```")
        #expect(report.step(2)?.values.isEmpty == true)
    }
}

/// Checks that HTML has only the tags the feedback page writes, no event-handler attributes
/// and no links that leave the page.
/// Gradescope's Markdown feedback shows a student's text exactly as written: rendered by
/// cmark-gfm (GFM autolinks and tables included), every hostile line comes back as text.
@Test func gradescopeMarkdownShowsTextAsWritten() {
    let hostile = [
        "<script>alert(1)</script> & &amp; <b>bold</b>",
        "[link](javascript:alert(1)) ![img](x.png) <http://x.org> www.example.com https://e.vil",
        "*em* __strong__ `code` ~~del~~ $x$ | a | b |",
        "# heading", "1. list", "- item", "> quote", "===", "    indented four", "\\ trailing backslash \\",
        "✓ ✗ ? 고양이 (row, column): 0.01; 50% \"quoted\" 'single'",
        "an answer for 'foo@evil.example' and x@y.z",
    ]
    let text = hostile.joined(separator: "\n") + "\n\nA second paragraph."
    let html = renderMarkdownSafely(FeedbackPage.markdownText(text))
    assertInert(html, fragment: true)
    #expect(!html.contains("<a ") && !html.contains("<img") && !html.contains("<h1") && !html.contains("<ol")
            && !html.contains("<ul") && !html.contains("<blockquote") && !html.contains("<pre") && !html.contains("<em")
            && !html.contains("<table") && !html.contains("<del"), "\(html)")
    // Undo the HTML: the paragraphs' text, line by line, is what was written.
    let shown = html.replacingOccurrences(of: "<br />\n", with: "\n").replacingOccurrences(of: "</p>\n<p>", with: "\n\n")
        .replacingOccurrences(of: "<p>", with: "").replacingOccurrences(of: "</p>\n", with: "")
        .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
        .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
        .replacingOccurrences(of: "\u{00A0}", with: " ").replacingOccurrences(of: "\u{2060}", with: "")
    #expect(shown == text, "\(html)")
}

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

@Suite struct AssignTests {
    @Test func answerBodiesBlankedSolutionsRemovedAllElseByteForByte() {
        let key = "\u{FEFF}# Key\r\n\r\n```softmax exercise=a\r\n[0, 0]\r\n```\r\n\r\n```answer a\r\n[0.5, 0.5]\r\n```\r\n"
            + "Text before.\r\n<!-- solution -->\r\nSecret: both are one half.\r\n<!-- end solution -->\r\n\r\n"
            + "```let exercise=b\r\nM = [[1, 2], [3, 4]]\r\n```\r\n  ```answer b\r\n  [[1, 2],\r\n   [3, 4]]\r\n  ```\r\n"
        // SPEC §4: the assignment's front matter carries its variant (after the byte-order mark,
        // with the key's own line endings); the rest is the key byte for byte.
        let expected = "\u{FEFF}---\r\nvariant: 0\r\n---\r\n# Key\r\n\r\n```softmax exercise=a\r\n[0, 0]\r\n```\r\n\r\n```answer a\r\n[?, ?]\r\n```\r\n"
            + "Text before.\r\n\r\n"
            + "```let exercise=b\r\nM = [[1, 2], [3, 4]]\r\n```\r\n  ```answer b\r\n  [[?, ?],\r\n   [?, ?]]\r\n  ```\r\n"
        let a = Assignment.make(keyText: key, path: "key.md")
        #expect(a.keyErrors.isEmpty)
        #expect(a.warnings.isEmpty)
        #expect(Array(a.text.utf8) == Array(expected.utf8))
    }

    /// A key under `ko/` is Korean by its folder (SPEC §8); its assignment is written into
    /// another folder, so it says `lang: ko` itself, or the student's copy would turn English.
    /// A key whose front matter says its language, or that lies in no language folder, gets no
    /// such line.
    @Test func anAssignmentKeepsTheLanguageOfItsKeysFolder() throws {
        let key = "# 키\n\n```softmax exercise=a\n[0, 0]\n```\n\n```answer a\n[0.5, 0.5]\n```\n"
        let korean = Assignment.make(keyText: key, path: "lessons/ko/key.md").text
        #expect(korean.hasPrefix("---\nvariant: 0\nlang: ko\n---\n# 키\n"), "\(korean)")
        let withFrontMatter = Assignment.make(keyText: "---\ntitle: T\n---\n" + key, path: "lessons/ko/key.md").text
        #expect(withFrontMatter.hasPrefix("---\nvariant: 0\nlang: ko\ntitle: T\n---\n"), "\(withFrontMatter)")
        let english = Assignment.make(keyText: key, path: "lessons/en/key.md").text
        #expect(english.hasPrefix("---\nvariant: 0\nlang: en\n---\n"), "\(english)")
        let said = Assignment.make(keyText: "---\nlang: en\n---\n" + key, path: "lessons/ko/key.md").text
        #expect(said.hasPrefix("---\nvariant: 0\nlang: en\n---\n"), "\(said)")
        #expect(Assignment.make(keyText: key, path: "key.md").text.hasPrefix("---\nvariant: 0\n---\n"))
        // End to end: the copy in hw/ checks in Korean.
        let root = try temporaryFolder(["ko/key.md": key])
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(try stepmark(["assign", "ko/key.md", "--out", "hw"], in: root).status == 0)
        let check = try stepmark(["check", "hw/key.md"], in: root)
        #expect(check.stdout.contains("답을 적지 않았습니다"), "\(check.stdout)")
        // The folder counts however the path is written: from inside ko/ too.
        let inside = try stepmark(["run", "key.md"], in: root + "/ko")
        #expect(inside.stdout.contains("단계"), "\(inside.stdout)")
    }

    /// The variant line joins the key's front matter as YAML: indented as its keys are, and a
    /// front matter it cannot join (a flow mapping on one line) stops assign, since without
    /// its variant the file would not be an assignment and run would show its values.
    @Test func theVariantLineJoinsAnyFrontMatter() {
        let body = "# K\n\n```let exercise=e1\nx = [1, 2]\n```\n\n```answer e1\n[1, 2]\n```\n"
        let indented = Assignment.make(keyText: "---\n  title: x\n  author: y\n---\n" + body, path: "key.md")
        #expect(indented.keyErrors.isEmpty)
        #expect(indented.text.hasPrefix("---\n  variant: 0\n  title: x\n"), "\(indented.text)")
        #expect(LessonParser.parse(indented.text, path: "a.md").frontMatter?.variant == 0)
        let commented = Assignment.make(keyText: "---\n# the course\n\n    title: x\n---\n" + body, path: "key.md", variant: 7)
        #expect(LessonParser.parse(commented.text, path: "a.md").frontMatter?.variant == 7, "\(commented.text)")
        let flow = Assignment.make(keyText: "---\n{title: \"Flow\", lang: en}\n---\n" + body, path: "key.md")
        #expect(flow.keyErrors.map(\.description) == ["2:1: the front matter cannot take the assignment's variant: line; write it as key: value lines, one key a line (not {…} on one line)"])
        #expect(!flow.readsAsAssignment)
        // A key that names lang (even as ~) keeps its own: a second lang: made the YAML invalid.
        for written in ["lang: ~", "lang: null", "\"lang\": en", "lang : fr"] {
            let named = Assignment.make(keyText: "---\n\(written)\n---\n" + body, path: "lessons/ko/key.md")
            #expect(named.readsAsAssignment && named.keyErrors.isEmpty, "\(written): \(named.keyErrors)")
            #expect(named.text.hasPrefix("---\nvariant: 0\n\(written)\n---\n"), "\(named.text)")
        }
    }

    /// Not even --force writes an assignment that would not read as one: run of it would show
    /// every exercise's values (red-team round two).
    @Test func forceNeverWritesWhatWouldNotReadAsAnAssignment() throws {
        let body = "# K\n\n```let exercise=e1\nx = [1, 2]\n```\n\n```answer e1\n[1, 2]\n```\n"
        let root = try temporaryFolder(["key.md": "---\n{title: Flow}\n---\n" + body])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let forced = try stepmark(["assign", "key.md", "--out", "hw", "--force"], in: root)
        #expect(forced.status == 1 && forced.stderr.contains("its assignment would not read as one (its values would show); not writing it, even with --force"), "\(forced.stderr)")
        #expect(!FileManager.default.fileExists(atPath: root + "/hw/key.md"))
    }

    @Test func templatesFollowTheExpectedShapeNotTheKeysLiteral() {
        // The key writes a 1×3 row as a list and a token answer; the templates follow the
        // expected values: a 1×3 matrix and three tokens.
        let key = """
            ```let exercise=r
            r = [[1, 2, 3]]
            ```

            ```answer r
            [1, 2, 3]
            ```

            ```tokenize exercise=t
            the cat sat
            ```

            ```answer t
            ["the", "cat", "sat"]
            ```

            ```softmax exercise=u
            [1, 1]
            ```

            """
        let a = Assignment.make(keyText: key, path: "key.md")
        #expect(a.text.contains("```answer r\n[[?, ?, ?]]\n```"))
        #expect(a.text.contains("```answer t\n[?, ?, ?]\n```"))
        // SPEC §4: an exercise without its answer block is the key's error, and assign refuses
        // it (a red-team pass found ```Answer u shipped to students with the key's answer).
        #expect(a.warnings.isEmpty)
        #expect(a.keyErrors.map(\.message) == ["exercise 'u' has no ```answer u``` block: a key holds the right answer to every exercise, so that it checks itself and `assign` can blank it"])
        #expect(a.keyErrors.first?.line == 17)
    }

    @Test func brokenKeysAndUnclosedSolutionsAreReported() {
        let key = "```softmax exercise=a\n[0, 0]\n```\n\n```answer a\n[0.9, 0.1]\n```\n\n<!-- solution -->\nsecret\n"
        let a = Assignment.make(keyText: key, path: "key.md")
        #expect(a.keyErrors.map(\.position) == [SourcePosition(line: 1, column: 21)])
        #expect(a.keyErrors.first?.message.hasPrefix("the key's own answer to 'a' does not pass") == true)
        // The error stands at the exercise (line 1) and names the answer block's line (5); it
        // never quotes the expected [0.5, 0.5], which a student handout of this key would show.
        #expect(a.keyErrors.first?.message.hasSuffix(" (the answer block at line 5)") == true)
        let checked = Exercises.check(runLesson(key, path: "key.md"))
        #expect(checked.errors.map(\.message).contains { $0.hasPrefix("the key's own answer to 'a' does not pass: ") && $0.hasSuffix(" (the answer block at line 5)") && !$0.contains("0.5") },
                "\(checked.errors.map(\.message))")
        #expect(a.warnings == ["line 9: a <!-- solution --> region is never closed with <!-- end solution -->; everything after it is left out of the assignment"])
        #expect(!a.text.contains("secret"))
    }

    @Test func theFixtureAssignmentHoldsNoExpectedValue() throws {
        let a = try Assignment.make(keyPath: gradingFixture("key.md"))
        #expect(a.keyErrors.isEmpty)
        let bytes = Array(a.text.utf8)
        for (id, values) in fixtureExpected {
            for v in values where v != v.rounded() {
                for digits in 2...4 {
                    let needle = Array(String(format: "%.\(digits)f", v).utf8)
                    #expect(!contains(bytes, needle), "\(id): \(String(format: "%.\(digits)f", v)) is in the assignment")
                }
            }
        }
        // Every answer body is only ?, brackets, commas and spaces.
        for block in LessonParser.parse(a.text, path: "a.md").answers.map(\.block) {
            #expect(block.bodyText.allSatisfy { "?[], \n".contains($0) }, "\(block.bodyText)")
        }
        #expect(!a.text.contains("Multiply entry by entry") && !a.text.contains("solution"))
        // The assignment runs: its answers are all blank, so check fails but nothing errors.
        let report = Exercises.check(runLesson(a.text))
        #expect(report.ok)
        #expect(report.exercises.allSatisfy { !$0.passed && $0.score == 0 })
    }

    func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if Array(haystack[i..<(i + needle.count)]) == needle { return true }
        }
        return false
    }
}

@Suite struct GradebookTests {
    @Test func csvFieldsAreEscapedAndGuardedAgainstFormulas() {
        #expect(CSV.field("plain") == "plain")
        #expect(CSV.field("a,b") == "\"a,b\"")
        #expect(CSV.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSV.field("two\nlines") == "\"two\nlines\"")
        #expect(CSV.field("=HYPERLINK(\"http://x\")") == "\"'=HYPERLINK(\"\"http://x\"\")\"")
        // A signed plain number is no formula and stays as written (a roster id `-3` must still
        // match in the LMS); anything more after the sign is guarded.
        #expect(CSV.field("+1") == "+1" && CSV.field("-2") == "-2" && CSV.field("-3.5") == "-3.5")
        for guarded in ["-2+3", "+1e3", "-", "-1.2.3", "+A1", "-2;cmd"] { #expect(CSV.field(guarded) == "'" + guarded, "\(guarded)") }
        #expect(CSV.field("@SUM(A1)") == "'@SUM(A1)")
        #expect(CSV.number(2.0 / 3.0) == "0.6667")
        #expect(CSV.number(3) == "3")
    }

    @Test func folderNamesAreUniqueAndSafe() {
        #expect(Gradebook.names(for: ["a/alice.md", "b/bob.md"]) == ["alice", "bob"])
        #expect(Gradebook.names(for: ["alice/lesson.md", "bob/lesson.md", "x/../bob/lesson.md"]) == ["alice-lesson", "bob-lesson", "bob-lesson-2"])
        #expect(Gradebook.names(for: ["../../etc/passwd", "gradebook.csv", ".hidden.md", "한글.md"]) == ["passwd", "gradebook.csv-2", "_hidden", "__"])
    }
}

/// Validates JSON files against the Gradescope schema kept with the fixtures, with python3's
/// jsonschema; returns its report (empty when every file is valid).
func validateGradescope(_ files: [String]) throws -> (ok: Bool, report: String) {
    let script = """
        import json, sys, jsonschema
        schema = json.load(open(sys.argv[1]))
        jsonschema.Draft202012Validator.check_schema(schema)
        validator = jsonschema.Draft202012Validator(schema)
        bad = 0
        for path in sys.argv[2:]:
            for error in validator.iter_errors(json.load(open(path))):
                bad += 1
                print(path, list(error.path), error.message)
        sys.exit(1 if bad else 0)
        """
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script, gradingFixture("gradescope-results.schema.json")] + files
    let out = Pipe()
    process.standardOutput = out
    process.standardError = out
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus == 0, String(decoding: data, as: UTF8.self))
}

@Suite(.serialized) struct GradingCLITests {

    /// assign records what it wrote (OUT/.stepmark-assignments): a file still as written is
    /// replaced, also after the key changed; one changed since, anywhere (a student's notes in
    /// the prose, their name in the front matter), is not (a red-team pass found such work
    /// overwritten while the answers were still ?).
    @Test func assignReplacesOnlyWhatItWroteUnchanged() throws {
        let key = "# B\n\n```let exercise=e1\ny = [1, 2, 3]\n```\n\n```answer e1\n[1, 2, 3]\n```\n"
        let folder = try temporaryFolder(["base.md": key, "r.csv": "id,name\ns1,A\n"])
        func at(_ path: String) -> String { (folder as NSString).appendingPathComponent(path) }
        #expect(try stepmark(["assign", "base.md", "--out", "o"], in: folder).status == 0)
        let record = try String(contentsOfFile: at("o/.stepmark-assignments"), encoding: .utf8)
        let written = try Data(contentsOf: URL(fileURLWithPath: at("o/base.md")))
        #expect(record == AssignmentRecord.fingerprint(Array(written)) + "  base.md\n")
        try (key.replacingOccurrences(of: "# B", with: "# B, changed")).write(toFile: at("base.md"), atomically: true, encoding: .utf8)
        #expect(try stepmark(["assign", "base.md", "--out", "o"], in: folder).status == 0, "untouched: replaced after a key change")
        let notes = try String(contentsOfFile: at("o/base.md"), encoding: .utf8).replacingOccurrences(of: "# B, changed", with: "# B, changed\n\nMy notes (Alice): subtract the max")
        try notes.write(toFile: at("o/base.md"), atomically: true, encoding: .utf8)
        let refused = try stepmark(["assign", "base.md", "--out", "o"], in: folder)
        #expect(refused.status == 2 && refused.stderr.contains("was changed after stepmark assign wrote it"))
        #expect(try String(contentsOfFile: at("o/base.md"), encoding: .utf8) == notes)
        #expect(try stepmark(["assign", "base.md", "--variants", "r.csv", "--out", "v"], in: folder).status == 0)
        // An id that would take the record's own name is refused before anything is written
        // (it once made a folder there and dropped the record silently).
        try "id,name\n.stepmark-assignments,A\n".write(toFile: at("dot.csv"), atomically: true, encoding: .utf8)
        let dot = try stepmark(["assign", "base.md", "--variants", "dot.csv", "--out", "d"], in: folder)
        #expect(dot.status == 2 && dot.stderr.contains("would be a folder named .stepmark-assignments") && !FileManager.default.fileExists(atPath: at("d")), "\(dot.stderr)")
        try "id,name\nVariants.CSV,A\n".write(toFile: at("dot2.csv"), atomically: true, encoding: .utf8)
        let cased2 = try stepmark(["assign", "base.md", "--variants", "dot2.csv", "--out", "d2"], in: folder)
        #expect(cased2.status == 2 && cased2.stderr.contains("would be a folder named variants.csv"), "\(cased2.stderr)")
        try "id,name\nAlice,A\nalice,B\n".write(toFile: at("case.csv"), atomically: true, encoding: .utf8)
        let cased = try stepmark(["assign", "base.md", "--variants", "case.csv", "--out", "c"], in: folder)
        #expect(cased.status == 0 && cased.stderr.contains("warning: the ids 'Alice' and 'alice' differ only in letter case"), "\(cased.stderr)")
        try (try String(contentsOfFile: at("v/s1/base.md"), encoding: .utf8)).replacingOccurrences(of: "---\n", with: "---\nstudent: Alice Kim\n", options: [], range: nil)
            .write(toFile: at("v/s1/base.md"), atomically: true, encoding: .utf8)
        #expect(try stepmark(["assign", "base.md", "--variants", "r.csv", "--out", "v"], in: folder).status == 2)
        #expect(try stepmark(["assign", "base.md", "--variants", "r.csv", "--out", "v", "--overwrite"], in: folder).status == 0)
        // A run that stops part-way (a missing second key) records what it replaced: the next
        // run does not call those files a student's (a red-team pass).
        try key.replacingOccurrences(of: "# B", with: "# B again").write(toFile: at("base.md"), atomically: true, encoding: .utf8)
        #expect(try stepmark(["assign", "base.md", "missing.md", "--variants", "r.csv", "--out", "v"], in: folder).status == 2)
        #expect(try stepmark(["assign", "base.md", "--variants", "r.csv", "--out", "v"], in: folder).status == 0)
        // The record of a folder above counts too (a file --variants wrote into v is listed as
        // s1/base.md in v's record), and names with a leading space or a line break are stored.
        try (try String(contentsOfFile: at("v/s1/base.md"), encoding: .utf8) + "\nnotes\n").write(toFile: at("v/s1/base.md"), atomically: true, encoding: .utf8)
        #expect(try stepmark(["assign", "base.md", "--out", "v/s1"], in: folder).status == 2)
        try key.write(toFile: at(" odd\nname.md"), atomically: true, encoding: .utf8)
        #expect(try stepmark(["assign", " odd\nname.md", "--out", "w"], in: folder).status == 0)
        #expect(AssignmentRecord.read(folder: at("w")).hashes.keys.sorted() == [" odd\nname.md"])
        try "changed".write(toFile: at("w/ odd\nname.md"), atomically: true, encoding: .utf8)
        #expect(try stepmark(["assign", " odd\nname.md", "--out", "w"], in: folder).status == 2)
    }

    /// check --roster with Gradescope's metadata: the file must hold the numbers of whoever
    /// submitted it. A copy of another student's whole file passed check and the autograder
    /// (only grade --roster caught it); now the metadata says whose it must be.
    @Test func checkWithARosterKnowsWhoseFileItMustBe() throws {
        let key = "# V\n\n```let exercise=e1\na = variant + 1\n```\n\n```answer e1\n1\n```\n"
        let folder = try temporaryFolder(["key.md": key, "roster.csv": "id,name,email\ns1,Ann,ann@x.edu\ns2,Bob,bob@x.edu\n",
                                          "ann.json": #"{"users": [{"email": "ANN@x.edu", "sid": null}]}"#,
                                          "bob.json": #"{"users": [{"email": "bob@x.edu", "sid": "s2"}]}"#,
                                          "group.json": #"{"users": [{"sid": "s1"}, {"sid": "s2"}]}"#,
                                          "eve.json": #"{"users": [{"email": "eve@x.edu"}]}"#])
        #expect(try stepmark(["assign", "key.md", "--variants", "roster.csv", "--out", "hw"], in: folder).status == 0)
        let bob = Variant.of(studentID: "s2")
        let path = (folder as NSString).appendingPathComponent("hw/s2/key.md")
        try (try String(contentsOfFile: path, encoding: .utf8)).replacingOccurrences(of: "\n?\n", with: "\n\(bob + 1)\n")
            .write(toFile: path, atomically: true, encoding: .utf8)
        func check(_ meta: String) throws -> CommandResult {
            try stepmark(["check", "hw/s2/key.md", "--key", "key.md", "--roster", "roster.csv", "--submission-metadata", meta], in: folder)
        }
        #expect(try check("bob.json").status == 0)
        #expect(try check("group.json").status == 0, "a group member's own file")
        let copied = try check("ann.json")
        #expect(copied.status == 1 && copied.stdout.contains("this file was made for variant \(bob), but this student's assignment is variant \(Variant.of(studentID: "s1"))"))
        let stranger = try check("eve.json")
        #expect(stranger.status == 0 && stranger.stderr.contains("warning: no student of roster.csv submitted this"))
        #expect(try stepmark(["check", "hw/s2/key.md", "--roster", "roster.csv", "--submission-metadata", "bob.json"], in: folder).status == 2, "--roster needs --key")
        // A key without per-student numbers: whose file it is does not matter (a red-team pass
        // found every file scoring 0 once the autograder held a roster).
        try "# P\n\n```let exercise=e1\na = 2\n```\n\n```answer e1\n2\n```\n".write(toFile: (folder as NSString).appendingPathComponent("plain.md"), atomically: true, encoding: .utf8)
        try "---\nvariant: 0\n---\n# P\n\n```let exercise=e1\na = 2\n```\n\n```answer e1\n2\n```\n".write(toFile: (folder as NSString).appendingPathComponent("mine.md"), atomically: true, encoding: .utf8)
        #expect(try stepmark(["check", "mine.md", "--key", "plain.md", "--roster", "roster.csv", "--submission-metadata", "ann.json"], in: folder).status == 0)
    }

    /// grade's --out inside the submissions folder is not walked: a second run graded its own
    /// feedback files (a red-team pass found `feedback.md` in the gradebook and exit 1).
    @Test func gradeSkipsItsOwnOutputFolder() throws {
        let key = "# K\n\n```let exercise=t1\na = 0.5\n```\n\n```answer t1\n0.5\n```\n"
        let folder = try temporaryFolder(["key.md": key, "class/alice.md": "---\nvariant: 0\n---\n" + key])
        for _ in 0..<2 {
            let run = try stepmark(["grade", "--key", "key.md", "class", "--out", "class/grades"], in: folder)
            #expect(run.status == 0, "\(run.stderr)")
        }
        let book = try String(contentsOfFile: (folder as NSString).appendingPathComponent("class/grades/gradebook.csv"), encoding: .utf8)
        #expect(book.split(separator: "\n").count == 2 && !book.contains("feedback"), "\(book)")
    }

    /// An output folder that cannot be made: exit 2 with the reason, and the summary does not
    /// name a gradebook that was never written (it did).
    @Test func anUnmakableOutFolderNamesNoGradebook() throws {
        let folder = try temporaryFolder(["blocker": "a file", "s.md": "```answer g-dot\n1\n```\n"])
        let r = try stepmark(["grade", "--key", gradingFixture("key.md"), "s.md", "--out", "blocker/x"], in: folder)
        #expect(r.status == 2)
        #expect(r.stderr.contains("error: blocker/x: cannot create the folder: Not a directory"), "\(r.stderr)")
        #expect(r.stdout.hasSuffix("no gradebook was written\n") && !r.stdout.contains("gradebook.csv"), "\(r.stdout)")
    }

    /// The same with --out the submissions folder itself: its feedback pages (each beside a
    /// results.json) are not submissions; a file named feedback.md without one still is.
    @Test func gradeSkipsItsOwnFeedbackInTheSubmissionsFolder() throws {
        let key = "# K\n\n```let exercise=t1\na = 0.5\n```\n\n```answer t1\n0.5\n```\n"
        let folder = try temporaryFolder(["key.md": key, "class/alice.md": "---\nvariant: 0\n---\n" + key,
                                          "class/bob/feedback.md": "---\nvariant: 0\n---\n" + key])
        for _ in 0..<2 {
            let run = try stepmark(["grade", "--key", "key.md", "class", "--out", "class"], in: folder)
            #expect(run.status == 0 && run.stdout.hasPrefix("graded 2 submissions"), "\(run.stdout)\(run.stderr)")
        }
        let book = try String(contentsOfFile: (folder as NSString).appendingPathComponent("class/gradebook.csv"), encoding: .utf8)
        #expect(book.split(separator: "\n").count == 3, "\(book)")
    }

    /// A student's `check` of their own assignment (no key) withholds what a feedback page
    /// withholds: a red-team pass found a hidden exercise's right and wrong entries printed, an
    /// oracle to binary-search its answer with. The exit status counts only what is shown.
    @Test func checkOfAnAssignmentWithholdsHiddenResults() throws {
        let key = "# V\n\n```let exercise=h1 visibility=hidden tol=0.001\nsecret = [1.25, 2.5, 3.75]\n```\n\n```answer h1\n[1.25, 2.5, 3.75]\n```\n\n```let exercise=v1\npub = 2\n```\n\n```answer v1\n2\n```\n"
        let folder = try temporaryFolder(["key.md": key])
        #expect(try stepmark(["assign", "key.md", "--out", "as"], in: folder).status == 0)
        let path = (folder as NSString).appendingPathComponent("as/key.md")
        let blank = try String(contentsOfFile: path, encoding: .utf8)
        try blank.replacingOccurrences(of: "[?, ?, ?]", with: "[1.25, 9, 3.75]").replacingOccurrences(of: "```answer v1\n?", with: "```answer v1\n2")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let text = try stepmark(["check", "as/key.md"], in: folder)
        #expect(text.status == 0, "the one shown exercise passed")
        // It grades nothing, so it does not say "graded" (it did, in a feedback page's words).
        #expect(text.stdout.contains("· h1  ?/1\n    not shown by this check; your grade does not show it either"), "\(text.stdout)")
        #expect(text.stdout.contains("total: 1/1 (more exercises count; this check does not show their results)"), "\(text.stdout)")
        #expect(!text.stdout.contains("graded"), "\(text.stdout)")
        let json = try stepmark(["check", "as/key.md", "--format", "json"], in: folder).stdout
        for leak in ["2 of 3", "within 0.001", "\"h1\",\n      \"points\": 1.0,\n      \"score\""] { #expect(!json.contains(leak), "\(leak)") }
        #expect(json.contains("\"withheld\"") && json.contains("\"visibility\": \"hidden\""))
        // The teacher's check against the key still shows everything.
        let teacher = try stepmark(["check", "as/key.md", "--key", "key.md"], in: folder)
        #expect(teacher.status == 1 && teacher.stdout.contains("2 of 3 entries"))
    }

    /// A lesson checked against itself fails when a step fails (SPEC §5), and its JSON says so
    /// as the exit status does (it said "passed": true with exit 1); against a key, a
    /// submission's own errors do not fail its answers.
    @Test func checkJSONPassedAgreesWithTheExitStatus() throws {
        let folder = try temporaryFolder(["a.md": "```let\nb = [1, 2] @ [[1, 2, 3]]\n```\n",
                                          "key.md": "```let exercise=e1\nx = 1\n```\n\n```answer e1\n1\n```\n",
                                          "s.md": "```let\ny = nope\n```\n\n```answer e1\n1\n```\n"])
        let own = try stepmark(["check", "a.md", "--format", "json"], in: folder)
        #expect(own.status == 1 && own.stdout.contains("\"passed\": false"), "\(own.stdout)")
        let graded = try stepmark(["check", "s.md", "--key", "key.md", "--format", "json"], in: folder)
        #expect(graded.status == 0 && graded.stdout.contains("\"passed\": true"), "\(graded.stdout)")
    }
    let key = gradingFixture("key.md")

    @Test func checkTextJSONGradescopeJUnitAndReveal() throws {
        let ok = try stepmark(["check", key])
        #expect(ok.status == 0)
        #expect(ok.stdout.hasSuffix("total: 8/8\n"))
        let wrong = try stepmark(["check", gradingFixture("partly-wrong.md"), "--key", key])
        #expect(wrong.status == 1)
        #expect(wrong.stdout.contains("✗ g-weights  2/3\n    Expected a 3×3 matrix. 6 of 9 entries are within 0.01 of the expected value; 1 left blank (?).\n"))
        #expect(!wrong.stdout.contains("0.3302"))
        let revealed = try stepmark(["check", gradingFixture("partly-wrong.md"), "--key", key, "--reveal"])
        #expect(revealed.stdout.contains("Expected: [[1, 0, 0], [0.3302, 0.6698, 0], [0.2483, 0.2483, 0.5035]]."))
        let gs = try stepmark(["check", gradingFixture("partly-wrong.md"), "--key", key, "--format", "gradescope"])
        #expect(gs.status == 1)
        let folder = try temporaryFolder(["results.json": gs.stdout])
        let valid = try validateGradescope([(folder as NSString).appendingPathComponent("results.json")])
        #expect(valid.ok, "\(valid.report)")
        let json = try stepmark(["check", gradingFixture("correct.md"), "--key", key, "--format", "json"])
        #expect(json.status == 0 && json.stdout.contains("\"score\": 8.0"))
        let junit = try stepmark(["check", gradingFixture("malformed.md"), "--key", key, "--format", "junit"])
        #expect(junit.stdout.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite"))
        #expect(try stepmark(["check", key, "--format", "xml"]).status == 2)
        // Without --key, a failing step fails the check even when every answer passes.
        let lesson = try temporaryFolder(["l.md": "```softmax exercise=a\n[0, 0]\n```\n\n```answer a\n[0.5, 0.5]\n```\n\n```let\nx = nope\n```\n"])
        let failing = try stepmark(["check", (lesson as NSString).appendingPathComponent("l.md")])
        #expect(failing.status == 1)
        #expect(failing.stdout.contains("l.md:10:5: "))
        #expect(try stepmark(["check", gradingFixture("correct.md"), "--key", "/nonexistent/key.md"]).status == 2)
        // A key that does not run clean (a misspelt exercise=) or asks nothing grades nobody,
        // as in grade: it printed "total: 0/0" and passed (red-team pass).
        let bad = try temporaryFolder(["k.md": "# K\n\n```let exercize=e1\nx = 2\n```\n\n```answer e1\n2\n```\n",
                                       "none.md": "# K\n\n```let\nx = 2\n```\n", "s.md": "```answer e1\n2\n```\n"])
        for k in ["k.md", "none.md"] {
            for format in ["text", "gradescope"] {
                let r = try stepmark(["check", "s.md", "--key", k, "--format", format], in: bad)
                #expect(r.status == 2, "\(k) \(format)")
            }
        }
        #expect(try stepmark(["check", "s.md", "--key", "k.md"], in: bad).stderr.contains("k.md:3:8: error: unknown argument 'exercize'"))
    }

    @Test func assignWritesTheAssignmentAndNeverTheKey() throws {
        let folder = try temporaryFolder(["key.md": try String(contentsOfFile: key, encoding: .utf8)])
        let copy = (folder as NSString).appendingPathComponent("key.md")
        let before = try Data(contentsOf: URL(fileURLWithPath: copy))
        let refused = try stepmark(["assign", copy, "--out", folder])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("would overwrite the key"))
        let refusedRelative = try stepmark(["assign", "key.md", "--out", "."], in: folder)
        #expect(refusedRelative.status == 2)
        #expect(try Data(contentsOf: URL(fileURLWithPath: copy)) == before)

        let out = (folder as NSString).appendingPathComponent("student")
        let written = try stepmark(["assign", copy, "--out", out])
        #expect(written.status == 0)
        let text = try String(contentsOfFile: (out as NSString).appendingPathComponent("key.md"), encoding: .utf8)
        #expect(text == Assignment.make(keyText: String(decoding: before, as: UTF8.self), path: copy).text)
        #expect(text.contains("```answer g-out\n[[?, ?],\n [?, ?]]\n```"))

        // Another lesson at the target (the Korean key of the same name) is kept; the earlier
        // assignment is replaced; --overwrite replaces anything (a red-team pass found the
        // Korean key replaced by the English assignment).
        let korean = "# 한국어 키\n\n```let exercise=e1\na = 2\n```\n\n```answer e1\n2\n```\n"
        try FileManager.default.createDirectory(atPath: (folder as NSString).appendingPathComponent("ko"), withIntermediateDirectories: true)
        try korean.write(toFile: (folder as NSString).appendingPathComponent("ko/key.md"), atomically: true, encoding: .utf8)
        let kept = try stepmark(["assign", copy, "--out", (folder as NSString).appendingPathComponent("ko")])
        #expect(kept.status == 2)
        #expect(kept.stderr.contains("exists and is not an assignment stepmark wrote"))
        #expect(try String(contentsOfFile: (folder as NSString).appendingPathComponent("ko/key.md"), encoding: .utf8) == korean)
        #expect(try stepmark(["assign", copy, "--out", out]).status == 0, "its own earlier assignment is replaced")
        // Not once a student has filled it in: the OUT/<id>/ folders are where submissions are
        // collected (a red-team pass found a second assign wiping a student's answers).
        let assigned = (out as NSString).appendingPathComponent("key.md")
        let filled = text.replacingOccurrences(of: "[[?, ?],\n [?, ?]]", with: "[[1, ?],\n [?, ?]]")
        try filled.write(toFile: assigned, atomically: true, encoding: .utf8)
        let wiped = try stepmark(["assign", copy, "--out", out])
        #expect(wiped.status == 2 && wiped.stderr.contains("was changed after stepmark assign wrote it"))
        #expect(try String(contentsOfFile: assigned, encoding: .utf8) == filled)
        let ids = try #require(Assignment.answerIDs(ofKey: copy))
        #expect(ids.contains("g-out") && ids.count > 1)
        #expect(Assignment.isUnanswered(text, answerIDs: ids) && !Assignment.isUnanswered(filled, answerIDs: ids))
        // An answer moved where the grader cannot read it, a note in a comment, or a block
        // replaced by prose is the student's work too (a red-team pass found each overwritten).
        let block = "```answer g-out\n[[?, ?],\n [?, ?]]\n```"
        for moved in ["- ```answer g-out\n  [[1, 2], [3, 4]]\n  ```", "> ```answer g-out\n> [[1, 2], [3, 4]]\n> ```",
                      "    ```answer g-out\n    [[1, 2], [3, 4]]\n    ```", "My answer for g-out: [[1, 2], [3, 4]]",
                      "```answer g-out\n[[?, ?],\n [?, ?]]  # 1, 2, 3, 4\n```"] {
            #expect(!Assignment.isUnanswered(text.replacingOccurrences(of: block, with: moved), answerIDs: ids), "\(moved)")
        }
        #expect(try stepmark(["assign", copy, "--out", (folder as NSString).appendingPathComponent("ko"), "--overwrite"]).status == 0)
        // A roster id that would be a folder named like the variants list is refused up front
        // (it wrote every assignment, then failed to write the list).
        try "id,name\nvariants.csv,X\n".write(toFile: (folder as NSString).appendingPathComponent("roster.csv"), atomically: true, encoding: .utf8)
        let clash = try stepmark(["assign", "key.md", "--variants", "roster.csv", "--out", "v"], in: folder)
        #expect(clash.status == 2)
        #expect(clash.stderr.contains("the id 'variants.csv' would be a folder named variants.csv"))
        #expect(!FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent("v/variants.csv")))

        let broken = try temporaryFolder(["bad.md": "```softmax exercise=a\n[0, 0]\n```\n\n```answer a\n[1, 0]\n```\n"])
        let b = try stepmark(["assign", (broken as NSString).appendingPathComponent("bad.md"), "--out", (broken as NSString).appendingPathComponent("out")])
        #expect(b.status == 1)
        #expect(b.stderr.contains("bad.md:1:21: error: the key's own answer to 'a' does not pass"))
        #expect(!FileManager.default.fileExists(atPath: (broken as NSString).appendingPathComponent("out/bad.md")))
    }

    /// An assignment given to assign as its key: one error, exit 2, nothing written, even with
    /// --force (it printed the blanked answers failing their own check, a front matter "that
    /// cannot take the variant line", exit 1; and with --variants, "wrote 1 assignment per key").
    @Test func assignRefusesAnAssignmentAsItsKeyWithOneError() throws {
        let folder = try temporaryFolder(["key.md": "```let exercise=a\nx = 2\n```\n\n```answer a\n2\n```\n", "roster.csv": "id,name\ns1,A\n"])
        #expect(try stepmark(["assign", "key.md", "--out", "hw"], in: folder).status == 0)
        let again = try stepmark(["assign", "hw/key.md", "--out", "hw2", "--force"], in: folder)
        #expect(again.status == 2)
        #expect(again.stderr == "hw/key.md:1:1: error: this file is already an assignment (its front matter has variant:); make assignments from the teacher's key\n", "\(again.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/hw2/key.md"))
        // The class's list of variants stays as it was (a refused run wrote a header alone).
        #expect(try stepmark(["assign", "key.md", "--out", "v", "--variants", "roster.csv"], in: folder).status == 0)
        let list = try String(contentsOfFile: folder + "/v/variants.csv", encoding: .utf8)
        #expect(list.contains("s1,A,"))
        try FileManager.default.removeItem(atPath: folder + "/v/s1")
        let variants = try stepmark(["assign", "hw/key.md", "--out", "v", "--variants", "roster.csv"], in: folder)
        #expect(variants.status == 2 && variants.stdout.contains("wrote 0 assignments into v"), "\(variants.stdout)\(variants.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/v/s1/key.md"))
        #expect(try String(contentsOfFile: folder + "/v/variants.csv", encoding: .utf8) == list)
    }

    /// A student who checks the wrong file (an empty one, a README) is told nothing was
    /// checked; the exit status stays 0 (SPEC §5: no answer failed).
    @Test func checkOfAFileWithoutExercisesSaysNothingWasChecked() throws {
        let folder = try temporaryFolder(["empty.md": "", "notes.md": "# notes\n\n```let\nx = 1\n```\n", "k.md": "```let exercise=a\nx = 1\n```\n\n```answer a\n1\n```\n"])
        for file in ["empty.md", "notes.md"] {
            let r = try stepmark(["check", file], in: folder)
            #expect(r.status == 0 && r.stdout.contains("total: 0/0"), "\(r.stdout)\(r.stderr)")
            #expect(r.stderr.contains("warning: \(file) has no exercises and no answer blocks, so nothing was checked; is it the right file?"), "\(r.stderr)")
        }
        let k = try stepmark(["check", "k.md"], in: folder)
        #expect(k.status == 0 && !k.stderr.contains("nothing was checked"), "\(k.stderr)")
        // An answer block it cannot read is an error already: no "is it the right file?" beside it.
        try "- a:\n\n  ```answer a\n  1\n  ```\n".write(toFile: folder + "/nested.md", atomically: true, encoding: .utf8)
        let nested = try stepmark(["check", "nested.md"], in: folder)
        #expect(!nested.stderr.contains("nothing was checked") && nested.stdout.contains("inside a list item"), "\(nested.stdout)\(nested.stderr)")
    }

    /// A key that fails its own check still grades (the expected values are computed, not
    /// read from its answers), but each problem is a positioned warning: the own answer that
    /// fails (it had no position and no line) and the exercise without an answer (it said
    /// nothing), as `run` of the key reports them.
    @Test func gradeWarnsOfEveryProblemTheKeysSelfCheckFinds() throws {
        let folder = try temporaryFolder([
            "key.md": "```softmax exercise=a\n[0, 0]\n```\n\n```answer a\n[1, 0]\n```\n\n```let exercise=b\nx = 2\n```\n",
            "s.md": "```answer a\n[0.5, 0.5]\n```\n\n```answer b\n2\n```\n",
        ])
        let r = try stepmark(["grade", "--key", "key.md", "s.md", "--out", "g"], in: folder)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("key.md:1:21: warning: the key's own answer to 'a' does not pass: "), "\(r.stderr)")
        #expect(r.stderr.contains("(the answer block at line 5)"), "\(r.stderr)")
        #expect(r.stderr.contains("key.md:9:17: warning: exercise 'b' has no ```answer b``` block"), "\(r.stderr)")
        let csv = try String(contentsOfFile: (folder as NSString).appendingPathComponent("g/gradebook.csv"), encoding: .utf8)
        #expect(csv.contains("s.md,s,1,1,2,2,"), "\(csv)")
    }

    /// A Korean key's teacher reads why a file was not graded in Korean, on stderr and in the
    /// gradebook, as the student does in their feedback; `not graded:` stays English, as
    /// `error:` does (it gave the reasons in English).
    @Test func aKoreanKeysNotGradedReasonsAreKorean() throws {
        let folder = try temporaryFolder(["key.md": "---\nlang: ko\n---\n```let exercise=a\nx = 2\n```\n\n```answer a\n2\n```\n"])
        try Data([0x63, 0x61, 0x66, 0xE9, 0x0A]).write(to: URL(fileURLWithPath: (folder as NSString).appendingPathComponent("latin1.md")))
        let r = try stepmark(["grade", "--key", "key.md", "latin1.md", "--out", "g"], in: folder)
        let reason = "1번째 줄, 4번째 열: 3번째 바이트부터 올바른 UTF-8이 아닙니다. 파일은 UTF-8 텍스트여야 합니다"
        #expect(r.stderr.contains("latin1.md: not graded: \(reason)"), "\(r.stderr)")
        let csv = try String(contentsOfFile: (folder as NSString).appendingPathComponent("g/gradebook.csv"), encoding: .utf8)
        #expect(csv.hasSuffix("latin1.md,latin1,0,0,1,\"not graded: \(reason)\"\n"), "\(csv)")
    }

    @Test func gradeWritesGradebookResultsAndFeedback() throws {
        let folder = try temporaryFolder(["=1+2.md": "```answer g-dot\n1\n```\n"])
        let formula = (folder as NSString).appendingPathComponent("=1+2.md")
        let invalid = (folder as NSString).appendingPathComponent("latin1.md")
        try Data([0x63, 0x61, 0x66, 0xE9, 0x0A]).write(to: URL(fileURLWithPath: invalid))
        let out = (folder as NSString).appendingPathComponent("grades")
        let names = ["correct", "partly-wrong", "malformed", "hostile", "edited-question"]
        // "=1+2.md" is given relative to the working folder, so its CSV cell starts with "=".
        let r = try stepmark(["grade", "--key", key] + names.map { gradingFixture("\($0).md") } + ["=1+2.md", invalid, "--out", out], in: folder)
        // latin1.md is unreadable input (SPEC §5: exit 2), once the other six are graded.
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("graded 7 submissions into \(out): 1 all correct, 5 with answers to revisit, 1 not graded"))
        #expect(r.stderr.contains("latin1.md: not graded: line 1, column 4: invalid UTF-8 at byte 3; lessons must be UTF-8 text"))
        let csv = try String(contentsOfFile: (out as NSString).appendingPathComponent("gradebook.csv"), encoding: .utf8)
        let rows = csv.split(separator: "\n").map(String.init)
        #expect(rows.first == "submission,folder,g-dot,g-soft,g-weights,g-out,total,max_score,note")
        #expect(rows[1] == "\(gradingFixture("correct.md")),correct,1,2,3,2,8,8,")
        #expect(rows[2] == "\(gradingFixture("partly-wrong.md")),partly-wrong,0,2,2,0,4,8,")
        #expect(rows[3].hasSuffix(",malformed,0,0,0,0,0,8,6 problems in the answer blocks"))
        #expect(rows[4].hasSuffix(",hostile,0,0,0,2,2,8,2 problems in the answer blocks"))
        #expect(rows[6] == "'=1+2.md,_1_2,1,0,0,0,1,8,")
        #expect(FileManager.default.fileExists(atPath: formula))
        #expect(rows[7].hasSuffix(",latin1,0,0,0,0,0,8,\"not graded: line 1, column 4: invalid UTF-8 at byte 3; lessons must be UTF-8 text\""))

        let results = (names + ["_1_2", "latin1"]).map { (out as NSString).appendingPathComponent("\($0)/results.json") }
        let valid = try validateGradescope(results)
        #expect(valid.ok, "\(valid.report)")
        for name in names + ["_1_2", "latin1"] {
            let html = try String(contentsOfFile: (out as NSString).appendingPathComponent("\(name)/feedback.html"), encoding: .utf8)
            assertInert(html)
            let md = try String(contentsOfFile: (out as NSString).appendingPathComponent("\(name)/feedback.md"), encoding: .utf8)
            #expect(md.hasPrefix("# Feedback: "))
        }
        let hostile = try String(contentsOfFile: (out as NSString).appendingPathComponent("hostile/feedback.html"), encoding: .utf8)
        #expect(hostile.contains("&lt;script&gt;alert(4)&lt;/script&gt;"))

        let allRight = try stepmark(["grade", "--key", key, gradingFixture("correct.md"), "--out", out])
        #expect(allRight.status == 0)
        // A key that does not run clean, or a missing key, is bad input.
        let brokenKey = try temporaryFolder(["key.md": "```softmax exercise=a\nnope\n```\n"])
        #expect(try stepmark(["grade", "--key", (brokenKey as NSString).appendingPathComponent("key.md"), gradingFixture("correct.md"), "--out", out]).status == 2)
        #expect(try stepmark(["grade", "--key", "/nonexistent.md", gradingFixture("correct.md"), "--out", out]).status == 2)
        #expect(try stepmark(["grade", "--key", key, "--out", out]).status == 2)
    }

    @Test func theSchemaRejectsWhatGradescopeWouldReject() throws {
        let folder = try temporaryFolder([
            "bad-status.json": #"{"score": 1, "tests": [{"name": "a", "score": 1, "max_score": 1, "status": "ok", "output": "", "visibility": "visible"}]}"#,
            "missing.json": #"{"score": 1, "tests": [{"name": "a", "score": 1}]}"#,
        ])
        for file in ["bad-status.json", "missing.json"] {
            #expect(try !validateGradescope([(folder as NSString).appendingPathComponent(file)]).ok)
        }
    }

    /// `grade`'s results.json and feedback.html show a submission's C1 and bidirectional
    /// controls as `check --format gradescope` prints them: replaced (a red-team pass found
    /// U+202E and U+0085 written raw into both).
    @Test func gradeFilesCarryNoBidiOrC1Controls() throws {
        let folder = try temporaryFolder(["s.md": "```answer g\u{202E}tod\n1\n```\n\n```answer x\u{85}y\u{2066}\n1\n```\n"])
        let r = try stepmark(["grade", "--key", gradingFixture("key.md"), "s.md", "--out", "g"], in: folder)
        #expect(r.status == 1, "\(r.stderr)")
        for file in ["g/s/results.json", "g/s/feedback.html", "g/s/feedback.md"] {
            let text = try String(contentsOfFile: (folder as NSString).appendingPathComponent(file), encoding: .utf8)
            #expect(text.contains("g\u{FFFD}tod"), "\(file)")
            #expect(!text.unicodeScalars.contains { [0x202E, 0x85, 0x2066].contains($0.value) }, "\(file)")
        }
    }
}

@Suite struct SubmissionTimeLimitTests {
    /// A submission whose answers take longer to read than --max-seconds scores zero with the
    /// limit and its flag named (the key itself runs with the default limit).
    @Test func overTheWallTimeLimitScoresZero() throws {
        var grader = try Grader(keyPath: gradingFixture("key.md"))
        let text = try String(contentsOfFile: gradingFixture("correct.md"), encoding: .utf8)
        #expect(grader.grade(submissionText: text, path: "correct.md").allPassed)
        grader.limits.maxSeconds = 1e-12
        let slow = grader.grade(submissionText: text, path: "correct.md")
        #expect(slow.score == 0)
        #expect(slow.problem?.contains("--max-seconds") == true)
    }
}
