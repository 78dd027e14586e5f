import StepmarkCore

/// `let`: assigns names, one `NAME = EXPR` per line; each later line sees the earlier ones.
enum LetDirective: Directive {
    static let name = "let"
    static let summary = "assign names: one NAME = EXPRESSION per line"
    static let body = "NAME = EXPR lines (an expression may continue while brackets are open)"
    static let arguments: [ArgumentSpec] = []
    static let subSteps = "one value per assigned name"
    static let example = """
        ```let
        x = [1, 2, 3]
        W = [[1, 0], [0, 1], [1, 1]]
        y = x @ W          # a vector of 2
        ```
        """

    static func run(_ context: StepContext) throws {
        let assignments = try context.assignments()
        guard !assignments.isEmpty else {
            throw LessonError("this let block assigns nothing; write NAME = EXPRESSION lines", at: context.block.infoPosition)
        }
        // Parse everything first so that a syntax error anywhere is reported before any name
        // changes; then evaluate line by line so later lines see earlier ones.
        var last: (String, Value)?
        for a in assignments {
            let value = try context.evaluateAndDefine(a.name, a.expr)
            try context.record(a.name, value, formula: "\(a.name) = \(a.source)", formulaRepeatsSource: true)
            last = (a.name, value)
        }
        if let (name, value) = last { context.setResult(value, recorded: name, storeAs: nil) }
    }
}
