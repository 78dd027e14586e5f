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

    /// Runs the lines in order, so later lines see earlier ones. The first line that fails
    /// (to parse or to evaluate) is the step's error; the lines above it keep their names for
    /// the steps below (SPEC §1: errors never cascade), and the names of it and the lines after
    /// it are remembered as what the failed step was to define.
    /// A number written as an integer (`d = 64`, `n = -3`) is shown as one, `64` rather than
    /// `64.0000`, unless the step asks for digits with `precision=`. Only the display changes:
    /// JSON writes every number the same way.
    static func shownAsInteger(_ value: Value, source: String, _ context: StepContext) -> Bool {
        guard case .tensor(let t) = value, t.isScalar, !context.args.has("precision") else { return false }
        var text = Substring(source.trimmingHorizontalWhitespace())
        if text.first == "-" || text.first == "−" || text.first == "+" { text = text.dropFirst() }
        return !text.isEmpty && text.count <= 15 && text.allSatisfy { $0.isASCII && $0.isNumber }
    }

    static func run(_ context: StepContext) throws {
        let (assignments, failure) = context.assignmentsUntilError()
        guard !assignments.isEmpty || failure != nil else {
            throw LessonError("this let block assigns nothing; write NAME = EXPRESSION lines", at: context.block.infoPosition)
        }
        var last: (String, Value)?
        for a in assignments {
            do {
                // Recorded before it is defined: a value the lesson's limits refuse is not left
                // readable, nor held (a red-team pass: 600 one-line lets of a million entries
                // each, every one refused, kept 8 MB apiece until the process aborted).
                let value = try context.evaluate(assigning: a.name, a.expr)
                do {
                    try context.record(a.name, value, formula: "\(a.name) = \(a.source)", formulaRepeatsSource: true,
                                       digits: shownAsInteger(value, source: a.source, context) ? 0 : nil)
                } catch var limit as LessonError where limit.position == context.block.infoPosition {
                    // A limit on what the lesson records is met at this line, not at the fence.
                    limit.position = a.line.position(at: 0)
                    throw limit
                }
                context.define(a.name, value)
                last = (a.name, value)
            } catch {
                let lineIndex = context.block.body.firstIndex(of: a.line) ?? 0
                let later = context.assignedNames(from: lineIndex + 1).filter { $0 != a.name && !context.definedSet.contains($0) }
                context.wouldDefine = [a.name] + later
                throw error
            }
        }
        if let failure {
            context.wouldDefine = context.assignedNames(from: failure.bodyIndex).filter { !context.definedSet.contains($0) }
            throw failure.error
        }
        if let (name, value) = last { context.setResult(value, recorded: name, storeAs: nil) }
    }
}
