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
    /// the lesson), with positions.
    public var lessonErrors: [LessonError]

    public init(submission: String, exercises: [ExerciseResult], problem: String?, lessonErrors: [LessonError]) {
        self.submission = submission
        self.exercises = exercises
        self.problem = problem
        self.lessonErrors = lessonErrors
    }

    public var score: Double { exercises.reduce(0) { $0 + $1.score } }
    public var maxScore: Double { exercises.reduce(0) { $0 + $1.points } }
    public var allPassed: Bool { problem == nil && exercises.allSatisfy(\.passed) }

    /// A plain-text summary, one line per exercise, feedback indented below.
    public func text(path: String) -> String {
        var out = ""
        if let problem { out += "\(path): not graded: \(problem)\n" }
        for e in lessonErrors { out += "\(path):\(e.line):\(e.column): \(e.message)\n" }
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
            ("problem", problem.map { .string($0) } ?? .null),
            ("errors", .array(lessonErrors.map(JSONRenderer.encode))),
            ("exercises", .array(exercises.map(JSONRenderer.encode))),
        ])
    }

    /// Gradescope's `results.json`: total score and one test per exercise.
    public func gradescope() -> JSON {
        var tests: [JSON] = exercises.map { e in
            .object([
                ("name", .string(e.id)),
                ("score", .number(e.score)),
                ("max_score", .number(e.points)),
                ("status", .string(e.passed ? "passed" : "failed")),
                ("output", .string(e.feedback)),
                ("visibility", .string("visible")),
            ])
        }
        var pairs: [(String, JSON)] = [("score", .number(score))]
        if let problem {
            tests.insert(.object([("name", .string("submission")), ("score", .number(0)), ("max_score", .number(0)),
                                  ("status", .string("failed")), ("output", .string(problem)),
                                  ("visibility", .string("visible"))]), at: 0)
            pairs.append(("output", .string("Not graded: \(problem)")))
        } else if !lessonErrors.isEmpty {
            pairs.append(("output", .string(lessonErrors.map { "line \($0.line), column \($0.column): \($0.message)" }.joined(separator: "\n"))))
        }
        pairs.append(("visibility", .string("visible")))
        pairs.append(("tests", .array(tests)))
        return .object(pairs)
    }

    /// JUnit XML, one test case per exercise.
    public func junit() -> String {
        func x(_ s: String) -> String { HTML.escape(s) }
        let failures = exercises.filter { !$0.passed }.count + (problem == nil ? 0 : 1)
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuite name=\"\(x(submission))\" tests=\"\(exercises.count)\" failures=\"\(failures)\">\n"
        if let problem { out += "  <testcase name=\"submission\"><failure message=\"\(x(problem))\"/></testcase>\n" }
        for e in exercises {
            out += "  <testcase name=\"\(x(e.id))\">"
            if !e.passed { out += "<failure message=\"\(x(Feedback.trim(e.score)))/\(x(Feedback.trim(e.points)))\">\(x(e.feedback))</failure>" }
            out += "</testcase>\n"
        }
        return out + "</testsuite>\n"
    }
}

/// Grades submissions against a teacher's key. The key is run once; from a submission only
/// the `answer` blocks are read (as literals, never evaluated), so a student cannot change a
/// question, a tolerance or the points.
public struct Grader: Sendable {
    public let keyPath: String
    public let limits: Limits
    /// The key's exercises with their expected values.
    public let exercises: [(spec: ExerciseSpec, step: Step)]
    /// Problems in the key itself.
    public let keyErrors: [LessonError]

    public init(keyPath: String, limits: Limits = .init()) throws {
        self.keyPath = keyPath
        self.limits = limits
        let lesson = try LessonParser.read(path: keyPath, limits: limits)
        let report = Runner(limits: limits).run(lesson)
        let (exercises, problems) = Exercises.collectExercises(report)
        self.exercises = exercises.map { ($0.spec, $0.step) }
        self.keyErrors = report.errors + problems
    }

    /// Grades a submission file. Unreadable, oversized or non-UTF-8 files score zero with the
    /// reason; nothing is thrown.
    public func grade(submissionPath: String, reveal: Bool = false) -> GradeOutcome {
        let text: String
        do {
            text = try LessonParser.readText(path: submissionPath, limits: limits)
        } catch let e as ReadError {
            return zero(submissionPath, e.message)
        } catch {
            return zero(submissionPath, "\(error)")
        }
        return grade(submissionText: text, path: submissionPath, reveal: reveal)
    }

    public func grade(submissionText text: String, path: String, reveal: Bool = false) -> GradeOutcome {
        let answers = AnswerExtractor.answers(in: text, path: path, limits: limits)
        var errors = answers.errors
        var byID: [String: Step] = [:]
        let known = Set(exercises.map(\.spec.id))
        for step in answers.steps {
            guard let id = step.positional.first else { continue }
            guard known.contains(id) else {
                errors.append(LessonError("answer for unknown exercise '\(id)'", at: step.position))
                continue
            }
            if byID[id] != nil {
                errors.append(LessonError("a second answer for exercise '\(id)'; only the first counts", at: step.position))
                continue
            }
            byID[id] = step
        }
        let results = exercises.map { Exercises.grade($0.step, spec: $0.spec, answer: byID[$0.spec.id], reveal: reveal) }
        return GradeOutcome(submission: path, exercises: results, problem: nil, lessonErrors: errors)
    }

    func zero(_ path: String, _ reason: String) -> GradeOutcome {
        let results = exercises.map { ExerciseResult(id: $0.spec.id, points: $0.spec.points, score: 0, passed: false, feedback: "Not graded: \(reason)") }
        return GradeOutcome(submission: path, exercises: results, problem: reason, lessonErrors: [])
    }
}

/// Reads only the `answer` blocks of a submission.
public enum AnswerExtractor {
    /// The submission's answer blocks as steps (value `answer`), parsed as literals.
    public static func answers(in text: String, path: String, limits: Limits) -> (steps: [Step], errors: [LessonError]) {
        let lesson = LessonParser.parse(text, path: path)
        var steps: [Step] = []
        var errors: [LessonError] = []
        for block in lesson.directives where block.name == "answer" {
            var step = Step(index: steps.count + 1, block: block)
            do {
                let info = try InfoString.parse(block.info, at: block.infoPosition)
                guard let id = info.positional.first else {
                    throw LessonError("answer needs the exercise id: ```answer ID", at: block.infoPosition)
                }
                step.positional = [id.text]
                let value = try AnswerParser.parse(block.contentLines, limits: limits, at: id.position)
                step.values = [NamedValue(name: "answer", value: value)]
                step.result = value
                step.resultName = "answer"
            } catch let e as LessonError {
                step.error = e
                if step.positional.isEmpty { errors.append(e) }
            } catch {
                step.error = LessonError("\(error)", at: block.position)
            }
            steps.append(step)
        }
        return (steps, errors)
    }
}
