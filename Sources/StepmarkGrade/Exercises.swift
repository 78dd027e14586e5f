import FoundationEssentials
import StepmarkCore
import StepmarkLesson

/// How one entry of an answer fared.
public enum EntryMark: Sendable, Equatable {
    case right, wrong, blank
    /// Wrong because of its kind: text where a number belongs, or a number where text does.
    case wrongKind
}

/// How one answer compares with the expected value, entry by entry.
public struct AnswerComparison: Sendable, Equatable {
    /// Entries compared (1 for a scalar).
    public var total: Int
    /// Entries within tolerance (or equal tokens).
    public var correct: Int
    /// One mark per expected entry, row-major (empty when the shape was wrong).
    public var marks: [EntryMark]
    /// The expected shape the marks are laid out in (`[]`, `[n]` or `[rows, cols]`).
    public var shape: [Int]
    /// Set when the shapes or kinds differ; no entry was compared.
    public var shapeProblem: String?

    public var blank: Int { marks.reduce(0) { $1 == .blank ? $0 + 1 : $0 } }
    public var misplacedText: Int { marks.reduce(0) { $1 == .wrongKind ? $0 + 1 : $0 } }
    /// 0-based (row, column) of each wrong or blank entry; vectors and scalars are row 0.
    public var wrong: [(row: Int, column: Int)] {
        let cols = shape.count == 2 ? max(shape[1], 1) : max(marks.count, 1)
        return marks.enumerated().compactMap { $0.element == .right ? nil : ($0.offset / cols, $0.offset % cols) }
    }

    public var allCorrect: Bool { shapeProblem == nil && correct == total }
}

/// An answer as the grader received it.
public enum GivenAnswer: Sendable, Equatable {
    case literal(AnswerLiteral)
    /// The block could not be parsed: the reason, at its position in the submission.
    case unreadable(LessonError)

    /// The answer of a block, as parsed when its lesson was read.
    public init(_ block: AnswerBlock) {
        switch block.literal {
        case .success(let l): self = .literal(l)
        case .failure(let e): self = .unreadable(e)
        }
    }
}

public enum Exercises {
    /// Fills in `report.exercises` from the report's own `answer` blocks (a teacher key, or a
    /// student's completed copy). Duplicate exercise ids and answers for unknown ids become
    /// positioned diagnostics.
    /// `limits` is kept for callers; answers were parsed, within the lesson's limits, when it was read.
    public static func check(_ report: Report, reveal: Bool = false, limits: Limits = .init()) -> Report {
        var report = report
        let (exercises, problems) = collectExercises(report)
        report.diagnostics.append(contentsOf: problems)
        var answers: [String: GivenAnswer] = [:]
        var answerLines: [String: Int] = [:]
        // Exercises refused above (points past the total) are reported there; their answers are
        // no "unknown exercise" too.
        let refused = Set(report.steps.compactMap { $0.exercise?.id })
        // A step that says exercise=ID but failed before its exercise was set up (a bad tol=):
        // its answer is not "for an unknown exercise" (a teacher's first-hour review).
        var failedExercise: [String: Step] = [:]
        for step in report.steps where step.error != nil && step.exercise == nil {
            for a in step.arguments where a.key == "exercise" {
                if case .word(let id) = a.value, failedExercise[id] == nil { failedExercise[id] = step }
            }
        }
        let words = FeedbackWords.of(report.language)
        var plainerErrors: [Int: LessonError] = [:]
        let unclosedAnswer = report.steps.first { $0.answer?.isLeftOpen == true }?.position
        // Each exercise's first answer in the file, top-level or not (`secondAnswer`).
        var firstLines: [String: Int] = [:]
        for step in report.steps { if step.answer != nil, let id = step.positional.first { firstLines[id] = min(firstLines[id] ?? .max, step.position.line) } }
        if report.isAssignment {
            for extra in report.extraAnswers { if let id = extra.id { firstLines[id] = min(firstLines[id] ?? .max, extra.block.position.line) } }
        }
        for step in report.steps {
            guard let answer = step.answer, let id = step.positional.first else { continue }
            guard let exercise = exercises.first(where: { $0.spec.id == id }) else {
                if refused.contains(id) { continue }
                if let failed = failedExercise[id] {
                    report.diagnostics.append(LessonError("the answer for '\(id)' is not checked: its exercise's ```\(failed.directive) step at line \(failed.position.line) failed; fix that step's error first", at: step.position))
                    continue
                }
                // An answer block left open above took in this exercise's step (a deleted closing
                // fence): say so, not "unknown exercise" (a review of this stop's change).
                if let open = unclosedAnswer, open.line < step.position.line {
                    report.diagnostics.append(LessonError("the answer for '\(id)' is not checked: its exercise's step is inside the answer block at line \(open.line), which is not closed; close that block first", at: step.position))
                    continue
                }
                report.diagnostics.append(LessonError("answer for unknown exercise '\(id)'; \(knownExercises(exercises))", at: step.position))
                continue
            }
            if answers[id] != nil {
                report.diagnostics.append(secondAnswer(id, counted: answerLines[id], first: firstLines[id], at: step.position))
                continue
            }
            // An answer step that failed (over a limit) counts as unreadable, with its error.
            answers[id] = step.error.map { .unreadable($0) } ?? GivenAnswer(answer)
            answerLines[id] = step.position.line
            // A bare word where numbers belong: the problem list says what the grader's says.
            if let e = step.error, let plainer = Feedback.plainerProblem(e, expected: expectedValue(exercise.step, spec: exercise.spec), words: words) {
                plainerErrors[step.index] = plainer
            }
        }
        // A student's copy: the answers the grader reads beyond the top-level blocks (one in a
        // list item) count here as in the grade, after the top-level ones as there, and with
        // the grader's words for one it cannot use.
        if report.isAssignment {
            for extra in report.extraAnswers {
                let info: InfoString
                do {
                    info = Runner.answerInfo(try InfoString.parse(extra.block.info, at: extra.block.infoPosition), inCopy: true, problems: &report.warnings)
                } catch let e as LessonError {
                    report.diagnostics.append(e)
                    continue
                } catch {
                    continue
                }
                guard let first = info.positional.first else {
                    report.diagnostics.append(LessonError("this answer block names no exercise: write ```answer ID", at: extra.block.infoPosition))
                    continue
                }
                let id = first.text, at = first.position
                guard let exercise = exercises.first(where: { $0.spec.id == id }) else {
                    if refused.contains(id) { continue }
                    report.diagnostics.append(LessonError("answer for unknown exercise '\(id)'; \(knownExercises(exercises))", at: at))
                    continue
                }
                if answers[id] != nil {
                    report.diagnostics.append(secondAnswer(id, counted: answerLines[id], first: firstLines[id], at: at))
                    continue
                }
                answers[id] = GivenAnswer(extra)
                answerLines[id] = extra.block.position.line
                if case .failure(let e) = extra.literal {
                    report.diagnostics.append(Feedback.plainerProblem(e, expected: expectedValue(exercise.step, spec: exercise.spec), words: words) ?? e)
                }
            }
        }
        if !plainerErrors.isEmpty {
            report.blocks = report.blocks.map { block in
                guard case .step(var step) = block, let plainer = plainerErrors[step.index] else { return block }
                step.error = plainer
                return .step(step)
            }
        }
        report.exercises = exercises.map { exercise in
            // A student's copy whose exercise step fails: the key ran it (assign refuses a key
            // that does not), so the cause is the student's edit or their machine (a missing
            // model, the time limit), not "the lesson".
            if report.isAssignment && expectedValue(exercise.step, spec: exercise.spec) == nil {
                return ExerciseResult(spec: exercise.spec, score: 0, passed: false, feedback: words.copyStepDidNotRun)
            }
            return grade(exercise.step, spec: exercise.spec, answer: answers[exercise.spec.id], reveal: reveal, words: words)
        }
        // A teacher's key checks itself (SPEC §4): its own answer to every exercise must pass.
        // An assignment or a student's copy is not a key: its answers are the student's.
        if !report.isAssignment && !report.isStudentView {
            var blankIDs: [String] = []
            var failedOwn = false
            for (exercise, result) in zip(exercises, report.exercises) where !result.passed && exercise.step.ok {
                let id = exercise.spec.id
                if answers[id] == nil {
                    report.diagnostics.append(missingAnswer(id, at: exercise.spec.position))
                } else if case .unreadable? = answers[id] {
                    continue  // the answer block's own error is reported where it is
                } else {
                    report.diagnostics.append(ownAnswerFails(id, feedback: result.feedback, answerLine: answerLines[id], at: exercise.spec.position))
                    failedOwn = true
                    if case .literal(let given)? = answers[id], !given.cells.isEmpty, given.cells.allSatisfy({ $0 == .blank }) { blankIDs.append(id) }
                }
            }
            // Answers still `?` without a variant line: most likely a student's assignment whose
            // `variant:` line was deleted, now checked as a key with variant 0's numbers (a
            // student first-hour review saw only "the key's own answer … does not pass").
            if !blankIDs.isEmpty {
                let which = blankIDs.count == exercises.count ? "every answer is" : "the answers to \(blankIDs.joined(separator: ", ")) are"
                report.diagnostics.append(LessonError("\(which) still ?, as in an assignment, but the front matter has no variant: line, so this file is checked as a teacher's key (with the key's own numbers); if it is your assignment, put back the variant: line of the file you were given", at: SourcePosition(line: 1, column: 1)))
            } else if failedOwn, report.steps.contains(where: { $0.reads.contains("variant") }) {
                // Filled in, then its variant: line deleted: its numbers are now variant 0's.
                report.diagnostics.append(LessonError("this lesson reads variant and its front matter has no variant: line, so its answers are checked against variant 0's numbers, the teacher's key's; a student's copy needs the variant: line it was handed out with", at: SourcePosition(line: 1, column: 1)))
            }
        }
        return report
    }


    /// "exercises here: a, b, c": the first twenty ids, then how many in all (a copy of
    /// thousands of answers for unknown ids listed every id each time: 130 MB of output).
    static func knownExercises(_ exercises: [(step: Step, spec: ExerciseSpec)]) -> String {
        guard !exercises.isEmpty else { return "this lesson has no exercises" }
        let shown = exercises.prefix(20).map(\.spec.id).joined(separator: ", ")
        return "exercises here: " + shown + (exercises.count > 20 ? ", … (\(exercises.count) in all)" : "")
    }

    /// A second answer for one exercise. The grader reads the top-level answers first, so the
    /// one that counts may stand further down the file: then it is named (the message said
    /// "only the first counts" of the first in the file, which did not).
    /// `first` is the line of the exercise's first answer in the file: when that one is not
    /// the one that counts (an answer in a list item above a top-level one), "the first" would
    /// name the wrong one, so the line is named.
    public static func secondAnswer(_ id: String, counted line: Int?, first: Int? = nil, at position: SourcePosition) -> LessonError {
        if let line, line > position.line || (first.map { $0 < line } ?? false) {
            return LessonError("a second answer for exercise '\(id)'; the one at line \(line) counts, not this one", at: position)
        }
        return LessonError("a second answer for exercise '\(id)'; only the first counts", at: position)
    }

    /// Exercises that could not be graded for a reason other than a wrong answer: the step
    /// did not run, or the answer block could not be read (JUnit errors).
    public static func erroredIDs(_ report: Report) -> Set<String> {
        var ids = Set(collectExercises(report).0.filter { expectedValue($0.step, spec: $0.spec) == nil }.map(\.spec.id))
        for step in report.steps {
            guard let answer = step.answer, let id = step.positional.first else { continue }
            if step.error != nil { ids.insert(id); continue }
            if case .failure = answer.literal { ids.insert(id) }
        }
        // A copy's answers read beyond the top-level blocks (JUnit's <error> as the grader's).
        if report.isAssignment {
            let answered = Set(report.steps.compactMap { $0.answer != nil ? $0.positional.first : nil })
            for extra in report.extraAnswers {
                if case .failure = extra.literal, let id = extra.id, !answered.contains(id) { ids.insert(id) }
            }
        }
        return ids
    }

    /// The most points a lesson's exercises may add up to: far above any course's needs, and
    /// small enough that every total and every partial score is an exact, finite number.
    public static let maxTotalPoints = 1_000_000.0

    /// The exercises of a report in file order, with diagnostics for repeated ids and for
    /// points that push the total over `maxTotalPoints`.
    public static func collectExercises(_ report: Report) -> ([(step: Step, spec: ExerciseSpec)], [LessonError]) {
        var seen: Set<String> = []
        var out: [(Step, ExerciseSpec)] = []
        var problems: [LessonError] = []
        var total = 0.0
        for step in report.steps {
            guard let spec = step.exercise else { continue }
            if seen.contains(spec.id) {
                problems.append(LessonError("exercise id '\(spec.id)' is used twice; ids must be unique", at: spec.position))
                continue
            }
            seen.insert(spec.id)
            // Scores are sums of points: keep every total exact and finite (points=1e308 twice
            // is ∞, which results.json can only write as null).
            // A refused exercise adds nothing: the ones after it are judged on what is kept.
            if total + spec.points > maxTotalPoints {
                let at = step.arguments.first { $0.key == "points" }?.valuePosition ?? spec.position
                problems.append(LessonError("points=\(Runner.format(spec.points)) brings the lesson's total to more than \(Runner.format(maxTotalPoints)) points; use smaller points", at: at))
                continue
            }
            total += spec.points
            out.append((step, spec))
        }
        return (out, problems)
    }

    /// The value an exercise expects: the `check=` sub-step or the step's result.
    public static func expectedValue(_ step: Step, spec: ExerciseSpec) -> Value? { step.expectedAnswer }

    /// Grades one answer against an exercise step.
    public static func grade(_ step: Step, spec: ExerciseSpec, answer: GivenAnswer?, reveal: Bool,
                             words: FeedbackWords = .english) -> ExerciseResult {
        guard let expected = expectedValue(step, spec: spec) else {
            return ExerciseResult(spec: spec, score: 0, passed: false, feedback: words.stepDidNotRun)
        }
        return grade(expected: expected, spec: spec, answer: answer, reveal: reveal, words: words)
    }

    /// Grades one answer against an expected value.
    public static func grade(expected: Value, spec: ExerciseSpec, answer: GivenAnswer?, reveal: Bool,
                             words: FeedbackWords = .english) -> ExerciseResult {
        // Revealed, a failed exercise's feedback ends with the expected value, whatever failed
        // (an unreadable or missing answer too: an audit found those without it).
        func failed(_ feedback: String) -> ExerciseResult {
            let shown = reveal ? feedback + "\n" + Feedback.revealed(expected, tolerance: spec.tolerance, words: words) : feedback
            return ExerciseResult(spec: spec, score: 0, passed: false, feedback: shown)
        }
        let shape = words.describe(expected)
        switch answer {
        case nil:
            return failed(words.noAnswer(id: spec.id, shape: shape))
        case .unreadable(let e)?:
            // A bare word (`hello`) or an expression where a number belongs: the parser's advice
            // to quote it would suggest an answer that is wrong anyway. Say what kind of answer
            // is expected instead.
            if Feedback.isNumeric(expected), let word = Feedback.bareWord(e.message) {
                return failed(words.notALiteral(word, line: e.line, column: e.column, shape: shape, form: words.numberForm(expected)))
            }
            return failed(words.unreadable(Phrasebook.message(e.message, words.language), line: e.line, column: e.column, shape: shape))
        case .literal(let given)?:
            let expected = withRowLabels(expected, answeredAs: given) ?? expected
            let comparison = compare(expected: expected, answer: given, tolerance: spec.tolerance, words: words)
            let feedback = Feedback.text(comparison, expected: expected, tolerance: spec.tolerance, reveal: reveal, words: words)
            if comparison.allCorrect {
                return ExerciseResult(spec: spec, score: spec.points, passed: true, feedback: feedback)
            }
            let score = spec.partial && comparison.total > 0 && comparison.shapeProblem == nil
                ? spec.points * Double(comparison.correct) / Double(comparison.total) : 0
            return ExerciseResult(spec: spec, score: score, passed: false, feedback: feedback)
        }
    }

    /// A matrix with labelled rows (`nearest`'s ranking: token, score) answered with its labels,
    /// as rows `["cat", 0.93]` (GRADING.md's ranking answer): the same rows as a table whose
    /// first column is the labels, so that the labels are checked too. Nil for any other answer
    /// (the scores alone, best first, still answer it).
    static func withRowLabels(_ expected: Value, answeredAs a: AnswerLiteral) -> Value? {
        guard case .tensor(let e) = expected, let labels = e.rowLabels, e.shape.count == 2, labels.count == e.shape[0],
              a.shape == [e.shape[0], e.shape[1] + 1] else { return nil }
        let rows = (0..<e.shape[0]).map { r in [Table.Cell.text(labels[r])] + (0..<e.shape[1]).map { Table.Cell.number(e[r, $0]) } }
        return .table(Table(columns: ["token"] + (0..<e.shape[1]).map { e.colLabels?[$0] ?? "value" }, rows: rows))
    }

    /// A key's exercise without its answer block (SPEC §4: an error of the key).
    /// The key's own answer to `id` fails: the first line of its feedback, and the answer
    /// block's line, since the error stands at the exercise's step (a teacher with a long
    /// lesson looks for both). The expected value is not quoted: a student handout rendered
    /// from a failing key shows this error.
    public static func ownAnswerFails(_ id: String, feedback: String, answerLine: Int?, at position: SourcePosition) -> LessonError {
        let why = feedback.split(separator: "\n").first.map(String.init) ?? ""
        let line = answerLine.map { " (the answer block at line \($0))" } ?? ""
        return LessonError("the key's own answer to '\(id)' does not pass: \(why)\(line)", at: position)
    }

    public static func missingAnswer(_ id: String, at position: SourcePosition) -> LessonError {
        LessonError("exercise '\(id)' has no ```answer \(id)``` block: a key holds the right answer to every exercise, so that it checks itself and `assign` can blank it", at: position)
    }

    /// |x − y| ≤ tol, where the tolerance is read as the decimal the teacher wrote: 0.51 against
    /// 0.5 with tol 0.01 is right, though in binary 0.51 − 0.5 is 0.010000000000000009 and 0.01
    /// is 0.01000000000000000021. The slack, four units in the last place of the largest of the
    /// three, covers the rounding of each to binary and of the subtraction; it is never more than
    /// a billionth of the tolerance, so `tol=0` is exact and a huge expected value gives no
    /// room a student could use (GRADING.md).
    public static func within(_ x: Double, _ y: Double, tolerance: Double) -> Bool {
        abs(x - y) <= tolerance + min(4 * max(abs(x), abs(y), tolerance).ulp, tolerance * 1e-9)
    }

    /// Compares an answer with the expected value: same kind and shape, then each entry within
    /// `tolerance` (absolute); tokens and text must be equal (after Unicode NFC). A blank (`?`)
    /// counts as wrong. Lenient where the meaning is plain: one entry stands for a scalar, and a
    /// list of n for a 1×n or n×1 matrix (and the other way round).
    public static func compare(expected: Value, answer a: AnswerLiteral, tolerance: Double,
                               words: FeedbackWords = .english) -> AnswerComparison {
        func shapeProblem(_ total: Int, _ shape: [Int]) -> AnswerComparison {
            AnswerComparison(total: total, correct: 0, marks: [], shape: shape,
                             shapeProblem: words.shapeProblem(expected: words.describe(expected), given: words.summary(a)))
        }
        func marked(_ shape: [Int], _ marks: [EntryMark]) -> AnswerComparison {
            AnswerComparison(total: marks.count, correct: marks.reduce(0) { $1 == .right ? $0 + 1 : $0 },
                             marks: marks, shape: shape, shapeProblem: nil)
        }
        func number(_ cell: AnswerLiteral.Cell, _ y: Double) -> EntryMark {
            switch cell {
            case .blank: return .blank
            case .text: return .wrongKind
            case .number(let x):
                if x.isNaN { return .blank }
                return (y.isFinite ? within(x, y, tolerance: tolerance) : x == y) ? .right : .wrong
            }
        }
        func text(_ cell: AnswerLiteral.Cell, _ y: String) -> EntryMark {
            switch cell {
            case .blank: return .blank
            case .number: return .wrongKind
            case .text(let x): return x.precomposedForComparison == y.precomposedForComparison ? .right : .wrong
            }
        }
        // A bare `?` leaves the whole answer blank, whatever shape it calls for: "no answer
        // given", not "the answer is a number" (an audit found that wording).
        if a.shape.isEmpty, a.cells.count == 1, case .blank = a.cells[0] {
            let shape = answerShape(of: expected)
            return marked(shape, Array(repeating: .blank, count: max(1, shape.reduce(1, *))))
        }
        switch expected {
        case .tensor(let e):
            guard compatible(e.shape, a.shape) else { return shapeProblem(e.count, e.shape) }
            return marked(e.shape, zip(a.cells, e.data).map { number($0, $1) })
        case .tokens(let e):
            let n = e.tokens.count
            guard a.shape == [n] || (n == 1 && a.shape.isEmpty) else { return shapeProblem(n, [n]) }
            return marked([n], zip(a.cells, e.tokens).map { text($0, $1) })
        case .text(let e):
            guard a.shape.isEmpty else { return shapeProblem(1, []) }
            let cell: AnswerLiteral.Cell = if case .text(let s) = a.cells[0] { .text(s.trimmingWhitespace()) } else { a.cells[0] }
            return marked([], [text(cell, e.trimmingWhitespace())])
        case .table(let t):
            var t = t
            // A table's number columns alone stand for the table (a ranking's scores, best
            // first, without the tokens): as rows of those columns, or as a list for one column.
            let numeric = t.columns.indices.filter { j in t.rows.allSatisfy { if case .number = $0[j] { return true } else { return false } } }
            let n = t.rows.count
            if !numeric.isEmpty, numeric.count < t.columns.count,
               a.shape == [n, numeric.count] || (numeric.count == 1 && a.shape == [n]) {
                t = Table(columns: numeric.map { t.columns[$0] }, rows: t.rows.map { row in numeric.map { row[$0] } })
            }
            let shape = [n, t.columns.count]
            guard compatible(shape, a.shape) else {
                return shapeProblem(shape[0] * shape[1], [n, t.columns.count])
            }
            let expectedCells = t.rows.flatMap { $0 }
            return marked(shape, zip(a.cells, expectedCells).map { cell, y in
                switch y {
                case .number(let v): return number(cell, v)
                case .text(let s): return text(cell, s)
                }
            })
        case .network:
            return shapeProblem(1, [])
        }
    }

    /// Whether an answer of shape `a` can stand for an expected value of shape `e`.
    static func compatible(_ e: [Int], _ a: [Int]) -> Bool {
        if e == a { return true }
        let ec = e.reduce(1, *), ac = a.reduce(1, *)
        guard ec == ac else { return false }
        if ec == 1 { return true }
        // A list for a one-row or one-column matrix, or a one-row/one-column matrix for a list.
        if e.count == 2 && a.count == 1 { return e[0] == 1 || e[1] == 1 }
        if e.count == 1 && a.count == 2 { return a[0] == 1 || a[1] == 1 }
        return false
    }

    /// The shape of the answer an expected value calls for (`[]`, `[n]` or `[rows, cols]`).
    public static func answerShape(of expected: Value) -> [Int] { StudentView.answerShape(of: expected) }

    /// A report for a student handout (see `StudentView.apply`, the one owner of what students see).
    public static func studentView(_ report: Report) -> Report { StudentView.apply(report) }
}

extension String {
    /// NFC form, so that a decomposed 한 in an answer equals a precomposed one in the key.
    var precomposedForComparison: String { canonicallyComposed }
}

/// Feedback that teaches: what shape was expected, which entries are wrong (as a grid of ✓,
/// ✗ and ? for blanks), and the expected values only when revealed.
public enum Feedback {
    public static func text(_ c: AnswerComparison, expected: Value, tolerance: Double, reveal: Bool,
                            words: FeedbackWords = .english) -> String {
        if let problem = c.shapeProblem {
            return words.wrongShape(problem) + (reveal ? "\n" + revealed(expected, tolerance: tolerance, words: words) : "")
        }
        let criterion: FeedbackWords.Criterion = !isNumeric(expected) ? .equal(expected) : tolerance == 0 ? .exact : .within(tolerance: trim(tolerance))
        let what = words.criterion(criterion)
        if c.allCorrect { return words.correct(total: c.total, criterion: what) }
        if c.total > 0 && c.blank == c.total {
            return words.noAnswerGiven(shape: words.describe(expected)) + (reveal ? "\n" + revealed(expected, tolerance: tolerance, words: words) : "")
        }
        var lines: [String] = []
        var head = words.expectedShape(words.describe(expected))
        head += c.total == 1 ? words.notWithin(criterion) : words.countWithin(correct: c.correct, total: c.total, criterion: what)
        if c.blank > 0 { head += words.blanks(c.blank) }
        if c.misplacedText > 0 { head += words.misplaced(c.misplacedText, numeric: isNumeric(expected)) }
        lines.append(head + ".")
        if c.total > 1 {
            let wrong = c.wrong
            let list = wrong.prefix(12).map { c.shape.count == 2 ? "(\($0.row + 1), \($0.column + 1))" : "\($0.column + 1)" }
            lines.append(words.wrongEntries(matrix: c.shape.count == 2)
                         + list.joined(separator: ", ") + (wrong.count > 12 ? words.inAll(wrong.count) : ""))
            let g = grid(c)
            if !g.isEmpty { lines.append(g) }
        }
        if reveal { lines.append(revealed(expected, tolerance: tolerance, words: words)) }
        return lines.joined(separator: "\n")
    }

    /// "a 3×3 matrix", "a list of 4 numbers", "a number", "a list of 5 tokens", "text" (English;
    /// `FeedbackWords.describe` in the lesson's language).
    public static func describe(_ v: Value) -> String { FeedbackWords.english.describe(v) }

    static func isNumeric(_ v: Value) -> Bool { if case .tensor = v { return true } else { return false } }

    /// An unreadable answer's error as the problem list says it: a bare word where numbers
    /// belong is `'hello' is not a value; this answer takes numbers`, not the parser's advice
    /// to quote it, which would only be another wrong answer (a student first-hour review).
    /// Nil when the error stays as it is. One wording for `check` and `grade`.
    static func plainerProblem(_ e: LessonError, expected: Value?, words: FeedbackWords) -> LessonError? {
        guard let expected, isNumeric(expected), let word = bareWord(e.message) else { return nil }
        return LessonError(words.bareWordProblem(word), at: e.position)
    }

    /// The word of an answer-parser error about a bare name or a call (`'hello' is not a
    /// literal…`), shortened for quoting; nil for other errors (a number with a unit keeps the
    /// parser's own message, which says so).
    static func bareWord(_ message: String) -> String? {
        // Text in single or curly quotes: where numbers belong, the advice to write it in
        // double quotes is as wrong as quoting a bare word.
        if message.hasPrefix("the text "), let end = message.firstRange(of: " is in single quotes (") ?? message.firstRange(of: " is in curly quotes (") {
            return Snippet.quote(String(message[message.index(message.startIndex, offsetBy: 9)..<end.lowerBound]))
        }
        let markers = ["' is not a literal", "(…)' is a call"]
        guard message.hasPrefix("'"), let m = markers.first(where: { message.contains($0) }),
              let end = message.firstRange(of: m) else { return nil }
        return Snippet.quote(String(message[message.index(after: message.startIndex)..<end.lowerBound]))
    }

    /// A grid with ✓ for correct, ✗ for wrong and ? for blank entries (empty when over 400).
    public static func grid(_ c: AnswerComparison) -> String {
        let rows = c.shape.count == 2 ? c.shape[0] : 1
        let cols = c.shape.count == 2 ? c.shape[1] : max(c.marks.count, 1)
        guard rows * cols <= 400, c.marks.count == rows * cols else { return "" }
        func symbol(_ m: EntryMark) -> String {
            switch m {
            case .right: "✓"
            case .wrong, .wrongKind: "✗"
            case .blank: "?"
            }
        }
        return (0..<rows).map { r in (0..<cols).map { symbol(c.marks[r * cols + $0]) }.joined(separator: " ") }
            .joined(separator: "\n")
    }

    /// The line `--reveal` ends a failed exercise's feedback with: `Expected: …`.
    static func revealed(_ expected: Value, tolerance: Double, words: FeedbackWords) -> String {
        words.expectedValue(brief(expected, tolerance: tolerance))
    }

    /// The expected value written as an answer literal.
    public static func brief(_ v: Value, tolerance: Double) -> String {
        // Four decimals, unless the tolerance is finer than they show (`tol=0`): then every
        // digit, so that what is revealed is itself a right answer.
        let everyDigit = tolerance < 5e-5
        func number(_ x: Double) -> String { everyDigit && x.isFinite ? String(x) : Format4.number(x) }
        func q(_ s: String) -> String {
            "\"" + s.replacing( "\\", with: "\\\\").replacing( "\"", with: "\\\"") + "\""
        }
        switch v {
        case .tensor(let t):
            if t.isScalar { return number(t.data[0]) }
            if t.isVector { return "[" + t.data.map(number).joined(separator: ", ") + "]" }
            return "[" + (0..<t.rows).map { r in "[" + (0..<t.cols).map { number(t[r, $0]) }.joined(separator: ", ") + "]" }.joined(separator: ", ") + "]"
        case .tokens(let l): return "[" + l.tokens.map(q).joined(separator: ", ") + "]"
        case .text(let s): return q(s)
        case .table(let t):
            return "[" + t.rows.map { row in
                "[" + row.map { if case .number(let x) = $0 { return number(x) } else if case .text(let s) = $0 { return q(s) } else { return "?" } }
                    .joined(separator: ", ") + "]"
            }.joined(separator: ", ") + "]"
        case .network: return v.summary
        }
    }

    public static func trim(_ x: Double) -> String {
        if x == x.rounded() && abs(x) < 1e15 { return String(Int(x)) }
        // Very large or very small: as Swift writes it (`1e+308`, `1e-05`), not 309 digits.
        return abs(x) >= 1e-4 && abs(x) < 1e15 ? Format4.number(x) : String(x)
    }
}

enum Format4 {
    static func number(_ x: Double) -> String {
        if !x.isFinite { return x.isNaN ? "?" : (x > 0 ? "inf" : "-inf") }
        return Runner.trimmed(x)
    }
}
