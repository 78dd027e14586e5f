import StepmarkCore

/// `softmax`: turns scores into probabilities, showing the max-shift, the exponentials, their
/// sum and the quotient.
enum SoftmaxDirective: Directive {
    static let name = "softmax"
    static let summary = "softmax of a vector or of each row of a matrix, step by step"
    static let body = "a vector or matrix literal, a name, or any expression"
    static let arguments: [ArgumentSpec] = [
        ArgumentSpec("temperature", "1", "divides the shifted scores: < 1 sharpens, > 1 flattens"),
        ArgumentSpec("axis", "row", "row: each row sums to 1; col: each column does"),
    ]
    static let subSteps = "input, shifted, exp, sum, output"
    static let example = """
        ```softmax temperature=1
        [2.0, 1.0, 0.1]
        ```
        """

    static func run(_ context: StepContext) throws {
        let lines = context.block.contentLines
        guard !lines.isEmpty else {
            throw LessonError("softmax needs a vector, a matrix or a name in its body", at: context.block.infoPosition)
        }
        let value = try context.evaluate(lines)
        guard case .tensor(let x) = value else {
            throw LessonError("softmax needs numbers, but this is \(value.summary)", at: lines[0].position)
        }
        let t = try context.args.number("temperature", default: 1)
        guard t > 0 else {
            throw LessonError("temperature= must be a positive number, got \(context.args.raw("temperature")!)", at: context.args.position(of: "temperature"))
        }
        let axis = try context.args.choice("axis", ["row", "col"], default: "row")
        let steps: SoftmaxSteps
        do {
            steps = axis == "row" ? try Softmax.rows(x, temperature: t) : try Softmax.columns(x, temperature: t)
        } catch let e as TensorError {
            throw LessonError(e.message, at: lines[0].position)
        }
        let over = axis == "row" ? "j" : "i"
        let temperature = t == 1 ? "" : " / \(Runner.format(t))"
        try context.record("input", x, formula: "x")
        try context.record("shifted", steps.shifted, formula: "shifted = (x − max\(over == "j" ? "ⱼ" : "ᵢ") x)\(temperature)")
        try context.record("exp", steps.exp, formula: "exp = e^shifted")
        try context.record("sum", steps.sum, formula: "sum = Σ\(over == "j" ? "ⱼ" : "ᵢ") exp")
        try context.record("output", steps.output, formula: "output = exp / sum", role: .distribution)
        context.setResult(.tensor(steps.output), recorded: "output", storeAs: "output")
    }
}
