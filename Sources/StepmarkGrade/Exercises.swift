import Foundation
import StepmarkCore
import StepmarkLesson

/// How one answer compares with the expected value, entry by entry.
public struct AnswerComparison: Sendable, Equatable {
    /// Entries compared (1 for a scalar).
    public var total: Int
    /// Entries within tolerance (or equal tokens).
    public var correct: Int
    /// 0-based (row, column) of each wrong or blank entry (column 0 for vectors' rows… see `isMatrix`).
    public var wrong: [(Int, Int)]
    /// Entries left as `?`.
    public var blank: Int
    /// Set when the shapes or kinds differ; no entry was compared.
    public var shapeProblem: String?

    public static func == (a: AnswerComparison, b: AnswerComparison) -> Bool {
        a.total == b.total && a.correct == b.correct && a.blank == b.blank && a.shapeProblem == b.shapeProblem
            && a.wrong.map(\.0) == b.wrong.map(\.0) && a.wrong.map(\.1) == b.wrong.map(\.1)
    }

    public var allCorrect: Bool { shapeProblem == nil && correct == total }
}

public enum Exercises {
    /// Fills in `report.exercises` from the report's own `answer` blocks (a teacher key, or a
    /// student's completed copy). Duplicate exercise ids and answers for unknown ids become
    /// positioned diagnostics.
    public static func check(_ report: Report, reveal: Bool = false) -> Report {
        var report = report
        let (exercises, problems) = collectExercises(report)
        report.diagnostics.append(contentsOf: problems)
        var answers: [String: Step] = [:]
        for step in report.steps where step.directive == "answer" {
            guard let id = step.positional.first else { continue }
            if !exercises.contains(where: { $0.spec.id == id }) {
                report.diagnostics.append(LessonError("answer for unknown exercise '\(id)'; exercises here: \(exercises.map(\.spec.id).joined(separator: ", "))", at: step.position))
                continue
            }
            if answers[id] != nil {
                report.diagnostics.append(LessonError("a second answer for exercise '\(id)'; only the first counts", at: step.position))
                continue
            }
            answers[id] = step
        }
        report.exercises = exercises.map { grade($0.step, spec: $0.spec, answer: answers[$0.spec.id], reveal: reveal) }
        return report
    }

    /// The exercises of a report in file order, with diagnostics for repeated ids.
    public static func collectExercises(_ report: Report) -> ([(step: Step, spec: ExerciseSpec)], [LessonError]) {
        var seen: Set<String> = []
        var out: [(Step, ExerciseSpec)] = []
        var problems: [LessonError] = []
        for step in report.steps {
            guard let spec = step.exercise else { continue }
            if seen.contains(spec.id) {
                problems.append(LessonError("exercise id '\(spec.id)' is used twice; ids must be unique", at: spec.position))
                continue
            }
            seen.insert(spec.id)
            out.append((step, spec))
        }
        return (out, problems)
    }

    /// The value an exercise expects: the `check=` sub-step or the step's result.
    public static func expectedValue(_ step: Step, spec: ExerciseSpec) -> Value? {
        if let name = spec.check { return step.value(named: name)?.value }
        return step.result
    }

    /// Grades one answer step against an exercise step.
    public static func grade(_ step: Step, spec: ExerciseSpec, answer: Step?, reveal: Bool) -> ExerciseResult {
        func result(_ score: Double, _ feedback: String) -> ExerciseResult {
            ExerciseResult(id: spec.id, points: spec.points, score: score, passed: score >= spec.points && spec.points >= 0 && feedback.hasPrefix("Correct"), feedback: feedback)
        }
        guard step.ok, let expected = expectedValue(step, spec: spec) else {
            return result(0, "The exercise's own step did not run, so it cannot be graded (this is a problem in the lesson, not in the answer).")
        }
        guard let answer else { return result(0, "No answer: add an ```answer \(spec.id)``` block.") }
        if let error = answer.error { return result(0, "The answer could not be read: \(error.message) (line \(error.line), column \(error.column)).") }
        guard let given = answer.result else { return result(0, "The answer is empty.") }
        let comparison = compare(expected: expected, answer: given, tolerance: spec.tolerance)
        let feedback = Feedback.text(comparison, expected: expected, answer: given, tolerance: spec.tolerance, reveal: reveal)
        if comparison.allCorrect { return result(spec.points, feedback) }
        let score = spec.partial && comparison.total > 0 && comparison.shapeProblem == nil
            ? spec.points * Double(comparison.correct) / Double(comparison.total) : 0
        return ExerciseResult(id: spec.id, points: spec.points, score: score, passed: false, feedback: feedback)
    }

    /// Compares an answer with the expected value: same kind and shape, then each entry within
    /// `tolerance` (absolute). `?` (NaN in the parsed answer) counts as blank and wrong.
    public static func compare(expected: Value, answer: Value, tolerance: Double) -> AnswerComparison {
        switch (expected, answer) {
        case (.tensor(let e), .tensor(let a)):
            var a = a
            // A one-entry answer may stand for a scalar and vice versa; a vector for a 1×n row.
            if e.count == 1 && a.count == 1 { a = e.isScalar ? .scalar(a.data[0]) : a.reshaped(e.shape) }
            if e.isMatrix && e.rows == 1 && a.isVector && a.count == e.cols { a = a.reshaped(e.shape) }
            guard e.shape == a.shape else {
                return AnswerComparison(total: e.count, correct: 0, wrong: [], blank: 0,
                                        shapeProblem: "expected \(Value.tensor(e).summary) (shape \(e.shapeDescription)), but the answer is \(Value.tensor(a).summary) (shape \(a.shapeDescription))")
            }
            var correct = 0, blank = 0
            var wrong: [(Int, Int)] = []
            let c = e.isMatrix ? e.cols : max(e.count, 1)
            for i in 0..<e.count {
                let x = a.data[i], y = e.data[i]
                if x.isNaN { blank += 1; wrong.append((i / c, i % c)); continue }
                let ok = y.isFinite ? abs(x - y) <= tolerance : x == y
                if ok { correct += 1 } else { wrong.append((i / c, i % c)) }
            }
            return AnswerComparison(total: e.count, correct: correct, wrong: wrong, blank: blank, shapeProblem: nil)
        case (.tokens(let e), .tokens(let a)):
            guard e.tokens.count == a.tokens.count else {
                return AnswerComparison(total: e.tokens.count, correct: 0, wrong: [], blank: 0,
                                        shapeProblem: "expected \(e.tokens.count) tokens, but the answer has \(a.tokens.count)")
            }
            var wrong: [(Int, Int)] = []
            for (i, (x, y)) in zip(a.tokens, e.tokens).enumerated() where x.precomposedForComparison != y.precomposedForComparison {
                wrong.append((0, i))
            }
            return AnswerComparison(total: e.tokens.count, correct: e.tokens.count - wrong.count, wrong: wrong, blank: 0, shapeProblem: nil)
        case (.text(let e), .text(let a)):
            let ok = e.trimmingWhitespace().precomposedForComparison == a.trimmingWhitespace().precomposedForComparison
            return AnswerComparison(total: 1, correct: ok ? 1 : 0, wrong: ok ? [] : [(0, 0)], blank: 0, shapeProblem: nil)
        case (.text(let e), .tokens(let a)) where a.tokens.count == 1:
            return compare(expected: .text(e), answer: .text(a.tokens[0]), tolerance: tolerance)
        default:
            return AnswerComparison(total: 1, correct: 0, wrong: [], blank: 0,
                                    shapeProblem: "expected \(expected.summary), but the answer is \(answer.summary)")
        }
    }
}

extension String {
    /// NFC form, so that a decomposed 한 in an answer equals a precomposed one in the key.
    var precomposedForComparison: String { precomposedStringWithCanonicalMapping }
}

/// Feedback that teaches: what shape was expected, which entries are wrong (as a grid of ✓ and
/// ✗), and the expected values only when revealed.
public enum Feedback {
    public static func text(_ c: AnswerComparison, expected: Value, answer: Value, tolerance: Double, reveal: Bool) -> String {
        if let problem = c.shapeProblem {
            return "Wrong shape: \(problem)." + (reveal ? " Expected: \(brief(expected))." : "")
        }
        if c.allCorrect {
            return c.total == 1 ? "Correct." : "Correct: all \(c.total) entries are within \(trim(tolerance))."
        }
        var lines: [String] = []
        var head = "\(c.correct) of \(c.total) entr\(c.total == 1 ? "y is" : "ies are") within \(trim(tolerance))"
        if c.blank > 0 { head += "; \(c.blank) left blank (?)" }
        lines.append(head + ".")
        if case .tensor(let e) = expected, e.count > 1 {
            lines.append("Wrong entries (row, column): " + c.wrong.prefix(12).map { e.isMatrix ? "(\($0.0 + 1), \($0.1 + 1))" : "(\($0.1 + 1))" }.joined(separator: ", ")
                         + (c.wrong.count > 12 ? ", …" : ""))
            lines.append(grid(c, shape: e.shape))
        } else if case .tokens(let e) = expected, e.tokens.count > 1 {
            lines.append("Wrong tokens at positions: " + c.wrong.map { String($0.1 + 1) }.joined(separator: ", "))
        }
        if reveal { lines.append("Expected: \(brief(expected)).") }
        return lines.joined(separator: "\n")
    }

    /// A small grid with ✓ for correct and ✗ for wrong entries.
    static func grid(_ c: AnswerComparison, shape: [Int]) -> String {
        let rows = shape.count == 2 ? shape[0] : 1
        let cols = shape.count == 2 ? shape[1] : (shape.first ?? 1)
        guard rows * cols <= 400 else { return "" }
        let wrong = Set(c.wrong.map { $0.0 * cols + $0.1 })
        return (0..<rows).map { r in (0..<cols).map { wrong.contains(r * cols + $0) ? "✗" : "✓" }.joined(separator: " ") }
            .joined(separator: "\n")
    }

    static func brief(_ v: Value) -> String {
        switch v {
        case .tensor(let t):
            if t.isScalar { return Format4.number(t.data[0]) }
            if t.isVector { return "[" + t.data.map(Format4.number).joined(separator: ", ") + "]" }
            return "[" + (0..<t.rows).map { r in "[" + (0..<t.cols).map { Format4.number(t[r, $0]) }.joined(separator: ", ") + "]" }.joined(separator: ", ") + "]"
        case .tokens(let l): return "[" + l.tokens.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
        case .text(let s): return "\"\(s)\""
        default: return v.summary
        }
    }

    static func trim(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : "\(x)" }
}

enum Format4 {
    static func number(_ x: Double) -> String {
        if !x.isFinite { return x.isNaN ? "?" : (x > 0 ? "∞" : "−∞") }
        var s = String(format: "%.4f", x)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s == "-0" ? "0" : s
    }
}
