import StepmarkCore

/// `softmax`: turns scores into probabilities, showing the max-shift, the exponentials, their
/// sum and the quotient.
enum SoftmaxDirective: Directive {
    static let name = "softmax"
    static let summary = "softmax of a vector or of each row of a matrix, step by step"
    static let body = "a vector or matrix literal, a name, or any expression"
    static let arguments: [ArgumentSpec] = [
        ArgumentSpec("temperature", "1", "divides the shifted scores: < 1 sharpens, > 1 flattens"),
        ArgumentSpec("axis", "row", "row: each row sums to 1; col: each column does", choices: ["row", "col"]),
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
        let x = try context.tensor(context.evaluate(lines), .numbers, at: lines[0].position) { "softmax needs numbers, but this is \($0)" }
        let t = try context.args.positiveNumber("temperature", default: 1)
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
