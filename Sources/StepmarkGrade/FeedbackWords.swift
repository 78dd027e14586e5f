import StepmarkLesson

/// Every word of grading feedback, in the key's language (SPEC §8: `lang` chooses the language
/// of everything stepmark writes, feedback included). One table per language; adding a
/// sentence means adding it to both, which `FeedbackWordsTests` checks by rendering every
/// sentence in each language.
public struct FeedbackWords: Sendable {
    public let language: LessonLanguage

    public static func of(_ language: LessonLanguage) -> FeedbackWords { FeedbackWords(language: language) }
    public static let english = FeedbackWords(language: .english)
    public static let korean = FeedbackWords(language: .korean)

    private var ko: Bool { language == .korean }

    // MARK: what an answer should be

    /// "a 3×3 matrix", "a list of 4 numbers", "a number", "a list of 5 quoted tokens", "text".
    public func describe(_ v: Value) -> String {
        switch v {
        case .tensor(let t):
            switch t.rank {
            case 0: return ko ? "숫자 하나" : "one number"
            case 1: return ko ? "숫자 \(t.count)개의 목록" : "a list of \(t.count) number\(t.count == 1 ? "" : "s")"
            default:
                // A 1×1 matrix is answered with one number (the comparison is lenient there).
                if t.count == 1 { return ko ? "숫자 하나" : "one number" }
                return ko ? "\(t.shape[0])×\(t.shape[1]) 행렬" : "a \(t.shape[0])×\(t.shape[1]) matrix"
            }
        case .tokens(let l):
            return ko ? "따옴표로 묶은 토큰 \(l.tokens.count)개의 목록" : "a list of \(l.tokens.count) quoted token\(l.tokens.count == 1 ? "" : "s")"
        case .text: return ko ? "따옴표로 묶은 텍스트 하나" : "one \"quoted\" text"
        case .table(let t):
            return ko ? "\(t.rows.count)행 × \(t.columns.count)열의 표(\(t.columns.joined(separator: ", "))) 또는 그 숫자 열만"
                : "a table of \(t.rows.count) row\(t.rows.count == 1 ? "" : "s") × \(t.columns.count) columns (\(t.columns.joined(separator: ", "))), or only its number columns"
        case .network: return ko ? "network (답으로 쓸 수 없는 값)" : "a network (which cannot be written as an answer)"
        }
    }

    /// What the student wrote, by shape: "a number", "a list of 3", "a 2×2 matrix", "text".
    public func summary(_ a: AnswerLiteral) -> String {
        switch a.shape.count {
        case 0:
            if case .text = a.cells.first { return ko ? "텍스트" : "text" }
            return ko ? "숫자 하나" : "a number"
        case 1: return ko ? "\(a.shape[0])개의 목록" : "a list of \(a.shape[0])"
        default: return ko ? "\(a.shape[0])×\(a.shape[1]) 행렬" : "a \(a.shape[0])×\(a.shape[1]) matrix"
        }
    }

    // MARK: feedback sentences

    func noAnswer(id: String, shape: String) -> String {
        ko ? "답이 없습니다. ```answer \(id)``` 블록에 답을 적으세요(필요한 형태: \(shape))."
            : "No answer: add an ```answer \(id)``` block holding \(shape)."
    }
    func unreadable(_ message: String, line: Int, column: Int, shape: String) -> String {
        ko ? "답을 읽을 수 없습니다: \(message) (\(line)행 \(column)열). 필요한 형태: \(shape)."
            : "The answer could not be read: \(message) (line \(line), column \(column)). Expected \(shape)."
    }
    func shapeProblem(expected: String, given: String) -> String {
        ko ? "필요한 형태는 \(expected)인데, 답은 \(given)입니다" : "expected \(expected), but the answer is \(given)"
    }
    func wrongShape(_ problem: String) -> String { ko ? "형태가 다릅니다: \(problem)." : "Wrong shape: \(problem)." }
    func expectedValue(_ brief: String) -> String { ko ? "기댓값: \(brief)." : "Expected: \(brief)." }
    /// "within 0.01 of the expected value" / "equal to the expected tokens".
    func criterion(numeric: Bool, tolerance: String, kind: String) -> String {
        if numeric { return ko ? "기댓값과의 차이가 \(tolerance) 이내" : "within \(tolerance) of the expected value" }
        return ko ? "기댓값과 일치하는 항목" : "equal to the expected \(kind)"
    }
    func correct(total: Int, criterion: String) -> String {
        if total == 1 { return ko ? "정답입니다." : "Correct." }
        return ko ? "정답입니다: \(total)개 항목이 모두 \(criterion)입니다." : "Correct: all \(total) entries are \(criterion)."
    }
    func expectedShape(_ shape: String) -> String { ko ? "필요한 형태: \(shape). " : "Expected \(shape). " }
    func notWithin(_ criterion: String) -> String {
        ko ? "답이 \(criterion)\(criterion.hasSuffix("이내") ? "가" : "이") 아닙니다" : "The answer is not \(criterion)"
    }
    func countWithin(correct: Int, total: Int, criterion: String) -> String {
        ko ? "\(total)개 중 \(correct)개 항목이 \(criterion)입니다" : "\(correct) of \(total) entries are \(criterion)"
    }
    func blanks(_ n: Int) -> String { ko ? "; \(n)개는 비어 있습니다(?)" : "; \(n) left blank (?)" }
    func misplaced(_ n: Int, numeric: Bool) -> String {
        if ko { return numeric ? "; \(n)개는 숫자 자리에 \"텍스트\"가 있습니다" : "; \(n)개는 따옴표 텍스트 자리에 숫자가 있습니다" }
        return "; \(n) \(n == 1 ? "is" : "are") \(numeric ? "\"text\" where a number belongs" : "a number where quoted text belongs")"
    }
    func wrongEntries(matrix: Bool) -> String {
        ko ? (matrix ? "틀린 항목 (행, 열): " : "틀린 항목 (위치): ")
            : (matrix ? "Wrong entries (row, column): " : "Wrong entries (position): ")
    }
    func inAll(_ n: Int) -> String { ko ? ", … (모두 \(n)개)" : ", … (\(n) in all)" }
    var stepDidNotRun: String {
        ko ? "이 연습 문제의 단계가 실행되지 않아 채점할 수 없습니다(답이 아니라 수업 파일의 문제입니다)."
            : "The exercise's own step did not run, so it cannot be graded (this is a problem in the lesson, not in the answer)."
    }
    var keyStepDidNotRun: String {
        ko ? "이 연습 문제의 단계가 정답 파일에서 실행되지 않아 채점할 수 없습니다(답이 아니라 정답 파일의 문제입니다)."
            : "The exercise's own step did not run in the key, so it cannot be graded (a problem in the key, not in the answer)."
    }

    /// Every entry of the answer is still `?`.
    func noAnswerGiven(shape: String) -> String {
        ko ? "답을 적지 않았습니다(아직 ?로 남아 있습니다). 필요한 형태: \(shape)."
            : "No answer given: the answer is still ?. Expected \(shape)."
    }
    /// How a numeric answer of this shape is written: the template's form with `?`, or words
    /// for one number, never a value.
    func numberForm(_ v: Value) -> String {
        guard case .tensor(let t) = v, t.count != 1 else {
            return ko ? "숫자로 적으세요(필요하면 부호, 소수점, e-3 같은 지수; 음의 무한대는 -inf)"
                : "written in digits (with a sign, a decimal point or an exponent such as e-3 if needed; -inf for minus infinity)"
        }
        func row(_ n: Int) -> String { "[" + Array(repeating: "?", count: min(n, 3)).joined(separator: ", ") + (n > 3 ? ", …]" : "]") }
        let form = t.rank == 1 ? row(t.count) : "[" + row(t.shape[1]) + ", " + row(t.shape[1]) + (t.shape[0] > 2 ? ", …" : "") + "]"
        return ko ? "\(form) 꼴로, 각 ? 자리에 숫자를 적으세요" : "written as \(form) with a number in place of each ?"
    }

    /// An answer that is a bare word or an expression where numbers belong: what kind of
    /// answer is expected, without suggesting a value (the parser's advice to quote the word
    /// would suggest a wrong answer).
    func notALiteral(_ found: String, line: Int, column: Int, shape: String, form: String) -> String {
        ko ? "답을 읽을 수 없습니다: '\(found)'은(는) 값이 아닙니다(\(position(line: line, column: column))). 필요한 형태: \(shape). \(form)."
            : "The answer could not be read: '\(found)' is not a value (\(position(line: line, column: column))). Expected \(shape), \(form)."
    }

    /// The problem line for a bare word where numbers belong.
    func bareWordProblem(_ word: String) -> String {
        ko ? "'\(word)'은(는) 값이 아닙니다. 이 답에는 숫자를 적어야 합니다" : "'\(word)' is not a value; this answer takes numbers"
    }

    // MARK: late policy

    var onTime: String { ko ? "기한 안에 제출했습니다. 감점은 없습니다." : "Submitted on time: nothing is taken off." }
    /// "Submitted 2 days late: 20% of the 5 points earned is taken off (-1)." Without the
    /// points (`earned` nil) when some exercise's result is not shown yet: the points earned
    /// would give it away.
    func lateDeduction(periods: String, day: Bool, percent: String, earned: String?, deducted: String) -> String {
        if ko {
            let head = "마감보다 \(periods)\(day ? "일" : "시간") 늦게 제출했습니다: "
            guard let earned else { return head + "얻은 점수의 \(percent)%를 감점합니다." }
            return head + "얻은 \(earned)점의 \(percent)%를 감점합니다(-\(deducted))."
        }
        let unit = day ? (periods == "1" ? "day" : "days") : (periods == "1" ? "hour" : "hours")
        guard let earned else { return "Submitted \(periods) \(unit) late: \(percent)% of the points earned is taken off." }
        return "Submitted \(periods) \(unit) late: \(percent)% of the \(earned) points earned is taken off (-\(deducted))."
    }
    func lateNotApplied(_ why: String) -> String {
        ko ? "지각 감점을 적용하지 못했습니다(감점 없음): \(why)." : "The late policy was not applied (nothing is taken off): \(why)."
    }
    func lateMetadataUnreadable(_ why: String) -> String {
        ko ? "제출 정보 파일(submission_metadata.json)을 읽을 수 없습니다(\(why))" : "the submission metadata (submission_metadata.json) cannot be read (\(why))"
    }
    func lateMetadataTooLarge(_ n: Int) -> String {
        ko ? "제출 정보 파일(submission_metadata.json)이 \(n)바이트보다 큽니다" : "the submission metadata (submission_metadata.json) is larger than \(n) bytes"
    }
    var lateMetadataNotJSON: String {
        ko ? "제출 정보 파일(submission_metadata.json)이 JSON 객체가 아닙니다" : "the submission metadata (submission_metadata.json) is not a JSON object"
    }
    func lateFieldMissing(_ field: String) -> String {
        ko ? "제출 정보에 \(field) 항목이 없거나 ISO 8601 시각이 아닙니다" : "the submission metadata has no \(field), or it is not an ISO 8601 time"
    }

    // MARK: the feedback page

    var feedbackTitle: String { ko ? "피드백" : "Feedback" }
    var submission: String { ko ? "제출물" : "Submission" }
    var score: String { ko ? "점수" : "Score" }
    var notGraded: String { ko ? "채점하지 못했습니다" : "Not graded" }
    var exerciseColumn: String { ko ? "연습 문제" : "exercise" }
    var resultColumn: String { ko ? "결과" : "result" }
    var scoreColumn: String { ko ? "점수" : "score" }
    var passed: String { ko ? "✓ 통과" : "✓ passed" }
    var notYet: String { ko ? "✗ 아직" : "✗ not yet" }
    var yourAnswer: String { ko ? "내 답" : "Your answer" }
    func position(line: Int, column: Int) -> String { ko ? "\(line)행 \(column)열" : "line \(line), column \(column)" }
    func moreProblems(_ n: Int) -> String { ko ? "… 그 밖에 문제 \(n)개" : "… and \(n) more problem\(n == 1 ? "" : "s")" }
    var problems: String { ko ? "답 블록의 문제" : "Problems in the answer blocks" }
    var shownLater: String { ko ? " (나머지 연습 문제는 채점되었고 나중에 공개됩니다)" : " (more exercises are graded and shown later)" }
    func withheld(_ v: ExerciseVisibility) -> String {
        switch v {
        case .visible: ""
        case .hidden: ko ? "채점됨. 결과는 공개되지 않습니다" : "graded; the result is not shown"
        case .afterDueDate: ko ? "채점됨. 결과는 마감 후 공개됩니다" : "graded; the result is shown after the due date"
        case .afterPublished: ko ? "채점됨. 결과는 성적 공개 때 보입니다" : "graded; the result is shown when grades are published"
        }
    }
}
