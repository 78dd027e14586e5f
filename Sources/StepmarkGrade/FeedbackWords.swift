import StepmarkLesson

/// Every word of grading feedback, in the key's language (SPEC §8: `lang` chooses the language
/// of everything stepmark writes, feedback included). The words are the `fb…` entries of the
/// one strings table (`StringKey`, complete in both languages, which `StringsTests` checks);
/// this type only chooses among them: which sentence, which plural, which form of a shape.
public struct FeedbackWords: Sendable {
    public let language: LessonLanguage

    public static func of(_ language: LessonLanguage) -> FeedbackWords { FeedbackWords(language: language) }
    public static let english = FeedbackWords(language: .english)
    public static let korean = FeedbackWords(language: .korean)

    private var words: Strings { Strings(language) }

    // MARK: what an answer should be

    /// "a 3×3 matrix", "a list of 4 numbers", "a number", "a list of 5 quoted tokens", "text".
    public func describe(_ v: Value) -> String {
        switch v {
        case .tensor(let t):
            switch t.rank {
            case 0: return words[.fbOneNumber]
            case 1: return words.count(t.count, one: .fbNumbersOne, many: .fbNumbersMany)
            default:
                // A 1×1 matrix is answered with one number (the comparison is lenient there).
                if t.count == 1 { return words[.fbOneNumber] }
                return words(.fbMatrix, t.shape[0], t.shape[1])
            }
        case .tokens(let l): return words.count(l.tokens.count, one: .fbTokensOne, many: .fbTokensMany)
        case .text: return words[.fbOneText]
        case .table(let t):
            return words.count(t.rows.count, one: .fbTableOne, many: .fbTableMany, t.columns.count, t.columns.joined(separator: ", "))
        case .network: return words[.fbNetwork]
        }
    }

    /// What the student wrote, by shape: "a number", "a list of 3", "a 2×2 matrix", "text".
    public func summary(_ a: AnswerLiteral) -> String {
        switch a.shape.count {
        case 0:
            if case .text = a.cells.first { return words[.fbWrittenText] }
            return words[.fbWrittenNumber]
        case 1: return words(.fbWrittenList, a.shape[0])
        default: return words(.fbMatrix, a.shape[0], a.shape[1])
        }
    }

    // MARK: feedback sentences

    func noAnswer(id: String, shape: String) -> String { words(.fbNoAnswer, id, shape) }
    func unreadable(_ message: String, line: Int, column: Int, shape: String) -> String {
        words(.fbUnreadable, message, position(line: line, column: column), shape)
    }
    func shapeProblem(expected: String, given: String) -> String { words(.fbShapeProblem, expected, given) }
    func wrongShape(_ problem: String) -> String { words(.fbWrongShape, problem) }
    func expectedValue(_ brief: String) -> String { words(.fbExpectedValue, brief) }

    /// What a correct answer is: within a tolerance of the expected numbers, or equal to the
    /// expected tokens, text or entries.
    enum Criterion {
        case within(tolerance: String)
        /// Numbers with tol=0 ("within 0 of the expected value" read oddly).
        case exact
        case equal(Value)
    }
    /// "within 0.01 of the expected value" / "equal to the expected tokens".
    func criterion(_ c: Criterion) -> String {
        switch c {
        case .within(let tolerance): words(.fbWithinTolerance, tolerance)
        case .exact: words[.fbExactly]
        case .equal(let v): words(.fbEqualTo, kind(v))
        }
    }
    /// "The answer is not within 0.01 of the expected value" (one entry).
    func notWithin(_ c: Criterion) -> String {
        switch c {
        case .within(let tolerance): words(.fbNotWithinTolerance, tolerance)
        case .exact: words[.fbNotExactly]
        case .equal(let v): words(.fbNotEqualTo, kind(v))
        }
    }
    /// What the entries of an expected value are called.
    private func kind(_ v: Value) -> String {
        switch v {
        case .tokens: words[.fbKindTokens]
        case .text: words[.fbKindText]
        default: words[.fbKindEntries]
        }
    }
    func correct(total: Int, criterion: String) -> String {
        total == 1 ? words[.fbCorrect] : words(.fbAllCorrect, total, criterion)
    }
    func expectedShape(_ shape: String) -> String { words(.fbExpectedShape, shape) }
    func countWithin(correct: Int, total: Int, criterion: String) -> String { words(.fbCountWithin, total, correct, criterion) }
    func blanks(_ n: Int) -> String { words(.fbBlanks, n) }
    func misplaced(_ n: Int, numeric: Bool) -> String {
        numeric ? words.count(n, one: .fbTextForNumberOne, many: .fbTextForNumberMany)
            : words.count(n, one: .fbNumberForTextOne, many: .fbNumberForTextMany)
    }
    func wrongEntries(matrix: Bool) -> String { words[matrix ? .fbWrongCells : .fbWrongPositions] }
    func inAll(_ n: Int) -> String { words(.fbInAll, n) }
    var stepDidNotRun: String { words[.fbStepDidNotRun] }
    var keyStepDidNotRun: String { words[.fbKeyStepDidNotRun] }
    var copyStepDidNotRun: String { words[.fbCopyStepDidNotRun] }

    /// Every entry of the answer is still `?`.
    func noAnswerGiven(shape: String) -> String { words(.fbNoAnswerGiven, shape) }
    /// How a numeric answer of this shape is written: the template's form with `?`, or words
    /// for one number, never a value.
    func numberForm(_ v: Value) -> String {
        guard case .tensor(let t) = v, t.count != 1 else { return words[.fbDigits] }
        func row(_ n: Int) -> String { "[" + Array(repeating: "?", count: min(n, 3)).joined(separator: ", ") + (n > 3 ? ", …]" : "]") }
        let form = t.rank == 1 ? row(t.count) : "[" + row(t.shape[1]) + ", " + row(t.shape[1]) + (t.shape[0] > 2 ? ", …" : "") + "]"
        return words(.fbForm, form)
    }

    /// An answer that is a bare word or an expression where numbers belong: what kind of
    /// answer is expected, without suggesting a value (the parser's advice to quote the word
    /// would suggest a wrong answer).
    func notALiteral(_ found: String, line: Int, column: Int, shape: String, form: String) -> String {
        words(.fbNotALiteral, found, position(line: line, column: column), shape, form)
    }

    /// The problem line for a bare word where numbers belong.
    func bareWordProblem(_ word: String) -> String { words(.fbBareWord, word) }

    // MARK: late policy

    var onTime: String { words[.fbOnTime] }
    /// "Submitted 2 days late: 20% of the 5 points earned is taken off (-1)." Without the
    /// points (`earned` nil) when some exercise's result is not shown yet: the points earned
    /// would give it away.
    func lateDeduction(periods: String, day: Bool, percent: String, earned: String?, deducted: String) -> String {
        let one = periods == "1"
        guard let earned else {
            return words(day ? (one ? .fbLateDayOne : .fbLateDayMany) : (one ? .fbLateHourOne : .fbLateHourMany), periods, percent)
        }
        let key: StringKey = day ? (one ? .fbLateDayOnePoints : .fbLateDayManyPoints) : (one ? .fbLateHourOnePoints : .fbLateHourManyPoints)
        return words(key, periods, percent, earned, deducted)
    }
    func lateNotApplied(_ why: String) -> String { words(.fbLateNotApplied, why) }
    func lateMetadataUnreadable(_ why: String) -> String { words(.fbMetadataUnreadable, why) }
    func lateMetadataTooLarge(_ n: Int) -> String { words(.fbMetadataTooLarge, n) }
    var lateMetadataNotJSON: String { words[.fbMetadataNotJSON] }
    func lateFieldMissing(_ field: String) -> String { words(.fbMetadataField, field) }

    // MARK: the feedback page

    var feedbackTitle: String { words[.fbFeedbackTitle] }
    var submission: String { words[.fbSubmission] }
    var score: String { words[.fbScore] }
    var notGraded: String { words[.fbNotGraded] }
    var exerciseColumn: String { words[.fbExerciseColumn] }
    var resultColumn: String { words[.fbResultColumn] }
    var scoreColumn: String { words[.fbScoreColumn] }
    var passed: String { words[.fbPassed] }
    var notYet: String { words[.fbNotYet] }
    var yourAnswer: String { words[.fbYourAnswer] }
    func position(line: Int, column: Int) -> String { words(.fbPosition, line, column) }
    func moreProblems(_ n: Int) -> String { words.count(n, one: .fbMoreProblemsOne, many: .fbMoreProblemsMany) }
    var problems: String { words[.fbProblems] }
    var shownLater: String { words[.fbShownLater] }
    /// A student's own check of their copy: it grades nothing, so it does not say "graded".
    var ownCheckShownLater: String { words[.fbOwnCheckShownLater] }
    /// Why a result is not shown: a feedback page's words, or with `ownCheck` a student's own
    /// check's (it grades nothing, so it does not say "graded").
    func withheld(_ v: ExerciseVisibility, ownCheck: Bool = false) -> String {
        switch v {
        case .visible: ""
        case .hidden: words[ownCheck ? .fbOwnCheckWithheldHidden : .fbWithheldHidden]
        case .afterDueDate: words[ownCheck ? .fbOwnCheckWithheldDue : .fbWithheldDue]
        case .afterPublished: words[ownCheck ? .fbOwnCheckWithheldPublished : .fbWithheldPublished]
        }
    }
}
