import Foundation
import StepmarkCore
import StepmarkLesson
import StepmarkRender

/// The result of grading one submission.
public struct GradeOutcome: Sendable {
    public var submission: String
    public var exercises: [ExerciseResult]
    /// Why the submission could not be graded at all (it then scores zero everywhere).
    public var problem: String?
    /// Problems in the submission's answer blocks (or, when checking a lesson by itself, in
    /// the lesson), with positions. At most `Grader.maxReportedErrors` are kept.
    public var lessonErrors: [LessonError]
    /// How many problems were found beyond those kept in `lessonErrors`.
    public var moreErrors: Int
    /// The body of each exercise's answer block as the student wrote it (shortened), for the
    /// feedback page.
    public var answerSources: [String: String]
    /// The key's language: the feedback and the feedback page are written in it.
    public var language: LessonLanguage = .english

    public init(submission: String, exercises: [ExerciseResult], problem: String?, lessonErrors: [LessonError],
                moreErrors: Int = 0, answerSources: [String: String] = [:]) {
        self.submission = submission
        self.exercises = exercises
        self.problem = problem
        self.lessonErrors = lessonErrors
        self.moreErrors = moreErrors
        self.answerSources = answerSources
    }

    public var score: Double { exercises.reduce(0) { $0 + $1.score } }
    public var maxScore: Double { exercises.reduce(0) { $0 + $1.points } }
    public var allPassed: Bool { problem == nil && exercises.allSatisfy(\.passed) }

    /// The problems as lines: `line L, column C: message`.
    public var errorLines: [String] {
        let w = FeedbackWords.of(language)
        return lessonErrors.map { "\(w.position(line: $0.line, column: $0.column)): \($0.message)" }
            + (moreErrors > 0 ? [w.moreProblems(moreErrors)] : [])
    }

    /// A plain-text summary, one line per exercise, feedback indented below.
    public func text(path: String) -> String {
        var out = ""
        if let problem { out += "\(path): not graded: \(problem)\n" }
        for e in lessonErrors { out += "\(path):\(e.line):\(e.column): \(e.message)\n" }
        if moreErrors > 0 { out += "\(path): … and \(moreErrors) more problem\(moreErrors == 1 ? "" : "s")\n" }
        for e in exercises {
            out += "\(e.passed ? "✓" : "✗") \(e.id)  \(Feedback.trim(e.score))/\(Feedback.trim(e.points))\n"
            out += e.feedback.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n") + "\n"
        }
        out += "total: \(Feedback.trim(score))/\(Feedback.trim(maxScore))\n"
        return out
    }

    public func json() -> JSON {
        .object([
            ("submission", .string(submission)),
            ("score", .number(score)),
            ("max_score", .number(maxScore)),
            ("passed", .bool(allPassed)),
            ("problem", problem.map { .string($0) } ?? .null),
            ("errors", .array(lessonErrors.map(JSONRenderer.encode))),
            ("exercises", .array(exercises.map(JSONRenderer.encode))),
        ])
    }

    /// Gradescope's `results.json`: the total score and one test per exercise, with the
    /// exercise's `visibility` and `tags` (Gradescope hides a test's score and output until
    /// then; the total still counts it). A submission that could not be graded gets a first test
    /// named "submission" (worth 0 points) that says why. `output_format` is plain `text`, so a
    /// student's answer quoted in feedback is never read as HTML or Markdown.
    public func gradescope() -> JSON {
        var tests: [JSON] = exercises.map { e in
            var test: [(String, JSON)] = [
                ("name", .string(e.id)),
                ("score", .number(e.score)),
                ("max_score", .number(e.points)),
                ("status", .string(e.passed ? "passed" : "failed")),
                ("output", .string(e.feedback)),
                ("output_format", .string("text")),
                ("visibility", .string(e.visibility.rawValue)),
            ]
            if !e.tags.isEmpty { test.append(("tags", .array(e.tags.map { .string($0) }))) }
            return .object(test)
        }
        var pairs: [(String, JSON)] = [("score", .number(score))]
        if let problem {
            tests.insert(.object([("name", .string("submission")), ("score", .number(0)), ("max_score", .number(0)),
                                  ("status", .string("failed")), ("output", .string(problem)),
                                  ("visibility", .string("visible"))]), at: 0)
            pairs.append(("output", .string("\(FeedbackWords.of(language).notGraded): \(problem)")))
        } else if !lessonErrors.isEmpty {
            pairs.append(("output", .string(FeedbackWords.of(language).problems + ":\n" + errorLines.joined(separator: "\n"))))
        }
        pairs.append(("output_format", .string("text")))
        pairs.append(("test_output_format", .string("text")))
        pairs.append(("visibility", .string("visible")))
        pairs.append(("tests", .array(tests)))
        return .object(pairs)
    }

    /// JUnit XML, one test case per exercise.
    public func junit() -> String {
        func x(_ s: String) -> String { HTML.escape(XMLText.clean(s)) }
        let failures = exercises.filter { !$0.passed }.count + (problem == nil ? 0 : 1)
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuite name=\"\(x(submission))\" tests=\"\(exercises.count + (problem == nil ? 0 : 1))\" failures=\"\(failures)\">\n"
        if let problem { out += "  <testcase name=\"submission\"><failure message=\"\(x(problem))\"/></testcase>\n" }
        for e in exercises {
            out += "  <testcase name=\"\(x(e.id))\">"
            if !e.passed { out += "<failure message=\"\(x(Feedback.trim(e.score)))/\(x(Feedback.trim(e.points)))\">\(x(e.feedback))</failure>" }
            out += "</testcase>\n"
        }
        return out + "</testsuite>\n"
    }
}

/// Text made safe for XML 1.0: characters XML forbids (most control characters) become U+FFFD.
enum XMLText {
    static func clean(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: forbidden) else { return s }
        return String(String.UnicodeScalarView(s.unicodeScalars.map { forbidden($0) ? "\u{FFFD}" : $0 }))
    }
    static func forbidden(_ c: Unicode.Scalar) -> Bool {
        (c.value < 0x20 && c != "\n" && c != "\r" && c != "\t") || c.value == 0xFFFE || c.value == 0xFFFF
    }
}

/// One exercise of a key, with its expected value computed once.
public struct KeyExercise: Sendable {
    public var spec: ExerciseSpec
    /// Nil when the exercise's own step failed in the key.
    public var expected: Value?
}

/// Grades submissions against a teacher's key. The key is run once; from a submission only
/// the `answer` blocks are read (as literals, never evaluated), so a student cannot change a
/// question, a tolerance or the points.
public struct Grader: Sendable {
    public let keyPath: String
    public var limits: Limits
    /// The key's exercises in file order with their expected values.
    public let exercises: [KeyExercise]
    /// Problems in the key itself (failed steps, repeated exercise ids).
    public let keyErrors: [LessonError]
    /// The key's exercises that have an answer block in the key, checked against it (a failure
    /// means the key is wrong).
    public let keyCheck: [ExerciseResult]
    /// The key's language (front matter `lang`, else its folder): feedback is written in it.
    public let language: LessonLanguage

    /// At most this many problems per submission are reported one by one.
    public static let maxReportedErrors = 20

    /// - Throws: `ReadError` when the key cannot be read.
    public init(keyPath: String, limits: Limits = .init()) throws {
        let lesson = try LessonParser.read(path: keyPath, limits: limits)
        self.init(key: lesson, limits: limits)
    }

    /// The variant the key was run with (0 unless grading a variant).
    public let variant: Int
    /// The key's lesson and the keys of other variants, computed once each when a submission
    /// asks for them (shared by the copies the batch's threads hold).
    private let keyLesson: Lesson
    private let variants: VariantKeys

    public init(key lesson: Lesson, limits: Limits = .init(), variant: Int = 0) {
        self.init(key: lesson, limits: limits, variant: variant, variants: VariantKeys())
    }

    private init(key lesson: Lesson, limits: Limits, variant: Int, variants: VariantKeys) {
        self.keyPath = lesson.path
        self.limits = limits
        self.variant = variant
        self.keyLesson = lesson
        self.variants = variants
        let report = Runner(limits: limits, variant: variant).run(lesson)
        self.language = report.language
        let (exercises, problems) = Exercises.collectExercises(report)
        self.exercises = exercises.map { KeyExercise(spec: $0.spec, expected: Exercises.expectedValue($0.step, spec: $0.spec)) }
        self.keyErrors = (report.errors + problems).sorted { $0.position < $1.position }
        // Only exercises the key answers itself can be checked against the key.
        let answered = Set(report.steps.filter { $0.answer != nil }.compactMap(\.positional.first))
        self.keyCheck = Exercises.check(report, limits: limits).exercises.filter { answered.contains($0.id) }
    }

    /// Grades a submission file. Unreadable, oversized or non-UTF-8 files score zero with the
    /// reason; nothing is thrown.
    public func grade(submissionPath: String, reveal: Bool = false, expectedVariant: Int? = nil) -> GradeOutcome {
        let text: String
        do {
            text = try LessonParser.readText(path: submissionPath, limits: limits)
        } catch let e as ReadError {
            let m = e.message
            return zero(submissionPath, m.hasPrefix("is ") || m.hasPrefix("cannot") ? "the file \(m)" : m)
        } catch {
            return zero(submissionPath, "the file cannot be read: \(error)")
        }
        return grade(submissionText: text, path: submissionPath, reveal: reveal, expectedVariant: expectedVariant)
    }

    /// The key recomputed for `variant` (this grader when it is its own).
    public func forVariant(_ variant: Int) -> Grader {
        if variant == self.variant { return self }
        // The cached grader gets a cache of its own: sharing this one would make a cycle
        // (cache → grader → cache) that is never freed (found by make sanitize).
        return variants.grader(variant) {
            Grader(key: keyLesson, limits: limits, variant: variant, variants: VariantKeys())
        }
    }

    /// Grades submission text (already decoded). Only its `answer` blocks are read. A
    /// submission whose front matter declares a `variant:` (an assignment made with
    /// `assign --variants`) is graded against the key recomputed for that variant;
    /// `expectedVariant`, when the grader knows the student (a roster), must agree with it.
    public func grade(submissionText text: String, path: String, reveal: Bool = false,
                      expectedVariant: Int? = nil) -> GradeOutcome {
        let declared = Variant.declared(in: text)
        if let expectedVariant, declared != expectedVariant {
            let found = declared.map { "variant \($0)" } ?? "no variant"
            return forVariant(expectedVariant).zero(path, "this file was made for \(found), but this student's assignment is variant \(expectedVariant): submit your own assignment file")
        }
        let target = declared ?? variant
        if target != variant {
            return forVariant(target).grade(submissionText: text, path: path, reveal: reveal)
        }
        let started = Date()
        let extracted = AnswerExtractor.answers(in: text, path: path, limits: limits)
        // SPEC §7's wall-time limit applies per submission too. Answers are only parsed (in
        // linear time), so this is a backstop: a submission over the limit scores zero.
        let elapsed = Date().timeIntervalSince(started)
        if elapsed > limits.maxSeconds {
            return zero(path, "reading the answers took \(DecimalFormat.fixed(elapsed, digits: 1)) s, over the limit of \(Runner.format(limits.maxSeconds)) s (raise it with --max-seconds)")
        }
        var errors = extracted.errors
        var byID: [String: GivenAnswer] = [:]
        var sources: [String: String] = [:]
        let known = Set(exercises.map(\.spec.id))
        for answer in extracted.answers {
            guard known.contains(answer.id) else {
                errors.append(LessonError("an answer for '\(Snippet.quote(answer.id))', which is not an exercise of this assignment", at: answer.position))
                continue
            }
            if byID[answer.id] != nil {
                errors.append(LessonError("a second answer for exercise '\(answer.id)'; only the first counts", at: answer.position))
                continue
            }
            byID[answer.id] = answer.given
            sources[answer.id] = answer.source
            if case .unreadable(let e) = answer.given { errors.append(e) }
        }
        errors.sort { $0.position < $1.position }
        let kept = Array(errors.prefix(Grader.maxReportedErrors))
        let words = FeedbackWords.of(language)
        let results = exercises.map { ex -> ExerciseResult in
            guard let expected = ex.expected else {
                return ExerciseResult(spec: ex.spec, score: 0, passed: false, feedback: words.keyStepDidNotRun)
            }
            return Exercises.grade(expected: expected, spec: ex.spec, answer: byID[ex.spec.id], reveal: reveal, words: words)
        }
        var outcome = GradeOutcome(submission: path, exercises: results, problem: nil, lessonErrors: kept,
                                   moreErrors: errors.count - kept.count, answerSources: sources)
        outcome.language = language
        return outcome
    }

    /// A zero on every exercise, with the reason.
    public func zero(_ path: String, _ reason: String) -> GradeOutcome {
        let words = FeedbackWords.of(language)
        let results = exercises.map { ExerciseResult(spec: $0.spec, score: 0, passed: false, feedback: "\(words.notGraded): \(reason)") }
        var outcome = GradeOutcome(submission: path, exercises: results, problem: reason, lessonErrors: [])
        outcome.language = language
        return outcome
    }
}

/// The keys of the variants met so far, each run once, shared by every copy of a grader.
final class VariantKeys: @unchecked Sendable {
    private var graders: [Int: Grader] = [:]
    private let lock = NSLock()

    func grader(_ variant: Int, make: () -> Grader) -> Grader {
        lock.lock()
        defer { lock.unlock() }
        if let g = graders[variant] { return g }
        let g = make()
        graders[variant] = g
        return g
    }
}

/// One answer block found in a submission.
public struct ExtractedAnswer: Sendable {
    public var id: String
    public var position: SourcePosition
    public var given: GivenAnswer
    /// The block's body, shortened to `AnswerExtractor.maxSourceLength` characters.
    public var source: String
}

/// Reads only the `answer` blocks of a submission; everything else in it is ignored.
public enum AnswerExtractor {
    public static let maxSourceLength = 2_000

    /// The submission's answer blocks, parsed as literals, and problems with blocks that name
    /// no exercise.
    public static func answers(in text: String, path: String, limits: Limits) -> (answers: [ExtractedAnswer], errors: [LessonError]) {
        // A submission is untrusted Markdown: it never reaches cmark-gfm (see FenceScanner).
        let scanned = FenceScanner.scan(text)
        var answers: [ExtractedAnswer] = []
        // An unclosed fence swallows the rest of the file: say so, as for a lesson.
        var errors: [LessonError] = scanned.diagnostics
        for block in scanned.blocks where block.name == "answer" {
            // Parsed once, as a lesson's answer block is (linear in the body, never evaluated).
            let answer = AnswerBlock(block, limits: limits)
            let id: String
            let position: SourcePosition
            do {
                let info = try InfoString.parse(block.info, at: block.infoPosition)
                guard let first = info.positional.first else {
                    throw LessonError("this answer block names no exercise: write ```answer ID", at: block.infoPosition)
                }
                id = first.text
                position = first.position
                if info.positional.count > 1 {
                    let extra = info.positional[1]
                    errors.append(LessonError("answer takes one exercise id, found a second word '\(Snippet.quote(extra.text))'; it is ignored", at: extra.position))
                }
            } catch let e as LessonError {
                errors.append(e)
                continue
            } catch {
                errors.append(LessonError("\(error)", at: block.infoPosition))
                continue
            }
            var source = block.bodyText
            if source.count > maxSourceLength { source = String(source.prefix(maxSourceLength)) + "…" }
            answers.append(ExtractedAnswer(id: id, position: position, given: GivenAnswer(answer), source: source))
        }
        return (answers, errors)
    }
}

/// Short, printable quotes of untrusted text for messages.
enum Snippet {
    static func quote(_ s: String, max: Int = 40) -> String {
        var out = String(s.unicodeScalars.prefix(max).map { $0.value < 0x20 || $0.value == 0x7F ? "\u{FFFD}" : Character($0) })
        if s.unicodeScalars.count > max { out += "…" }
        return out
    }
}
