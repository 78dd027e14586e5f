import StepmarkCore

/// `answer ID`: a student's answer to exercise ID — a literal of the expected shape, with `?`
/// for entries not answered. Answers are parsed as data, never evaluated as code that could
/// read names or files.
enum AnswerDirective: Directive {
    static let name = "answer"
    static let summary = "a student's answer to an exercise (a literal; ? marks a blank entry)"
    static let body = "a number, a [list], a [[matrix]] or a [\"token\", \"list\"]; ? for blanks"
    static let arguments: [ArgumentSpec] = []
    static let subSteps = "answer (the parsed literal)"
    static let example = """
        ```answer ex1
        [[0.5, ?], [?, 0.5]]
        ```
        """

    static func run(_ context: StepContext) throws {
        guard let id = context.args.info.positional.first else {
            throw LessonError("answer needs the exercise id: ```answer ID", at: context.block.infoPosition)
        }
        if context.args.info.positional.count > 1 {
            let extra = context.args.info.positional[1]
            throw LessonError("answer takes one exercise id, found a second word '\(extra.text)'", at: extra.position)
        }
        let value = try AnswerParser.parse(context.block.contentLines, limits: context.limits, at: id.position)
        try context.record("answer", value)
        context.setResult(value, recorded: "answer", storeAs: nil)
    }
}

/// Parses answer literals. Only literals are accepted: numbers, `?`, signs, lists and strings;
/// names, operators and calls are refused so that nothing a student writes is evaluated.
public enum AnswerParser {
    public static func parse(_ lines: [BodyLine], limits: Limits, at position: SourcePosition) throws -> Value {
        guard !lines.isEmpty else {
            throw LessonError("the answer is empty; write a number, a list or a matrix (? for a blank entry)", at: position)
        }
        let expr = try ExprParser.parse(lines, maxNesting: min(limits.maxNesting, 8), allowUnanswered: true)
        try checkLiteral(expr)
        return try Evaluator(environment: Environment(), limits: limits).evaluate(expr)
    }

    static func checkLiteral(_ e: Expr) throws {
        switch e {
        case .number, .string, .unanswered: return
        case .negate(.number, _): return
        case .list(let items, _): for item in items { try checkLiteral(item) }
        default:
            throw LessonError("an answer must be a literal (numbers, ?, lists, strings); names, operators and calls are not allowed", at: e.start)
        }
    }
}
