import Testing
@testable import StepmarkLesson

/// Malformed input of many kinds: each gives one clear error at the right line and column, and
/// the steps around it still run.
@Suite struct ErrorPositionTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var lesson: String
        var line: Int
        var column: Int
        var message: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "bad literal", lesson: "```let\nx = [1, 2,, 3]\n```\n", line: 2, column: 11,
             message: "expected a number, a name, '(' or '[', found ','"),
        Case(name: "ragged matrix", lesson: "```let\nx = [[1, 2], [3]]\n```\n", line: 2, column: 14,
             message: "ragged matrix: row 2 has 1 entry but row 1 has 2"),
        Case(name: "unknown argument", lesson: "```attend maks=causal\nQ = [[1]]\nK = Q\nV = Q\n```\n", line: 1, column: 11,
             message: "unknown argument 'maks' for attend; did you mean 'mask'?"),
        Case(name: "undefined name", lesson: "```let\nx = 1\ny = z + x\n```\n", line: 3, column: 5,
             message: "undefined name 'z' (defined so far: x)"),
        Case(name: "shape mismatch", lesson: "```let\na = [[1, 2, 3]]\nb = [[1, 2]]\nc = a @ b\n```\n", line: 4, column: 7,
             message: "shape mismatch in @: [1, 3] @ [1, 2] (inner dimensions 3 and 1 differ)"),
        Case(name: "bad scale", lesson: "```attend scale=fast\nQ = [[1]]\nK = Q\nV = Q\n```\n", line: 1, column: 17,
             message: "scale= expects a number, got fast"),
        Case(name: "heads do not divide d", lesson: "```attend heads=2\nQ = [[1, 2, 3]]\nK = Q\nV = Q\n```\n", line: 1, column: 17,
             message: "heads=2 must divide the number of columns of Q and K (3) and of V (3)"),
        Case(name: "unterminated string", lesson: "```let\nt = [\"강가, \"의\"]\n```\n", line: 2, column: 13,
             message: "unterminated string: the quote opened here is never closed on this line"),
        Case(name: "unterminated list", lesson: "```let\nx = [1, 2\n```\n", line: 2, column: 5,
             message: "unterminated list: '[' at 2:5 is never closed"),
        Case(name: "unknown function", lesson: "```let\nx = sofmax([1, 2])\n```\n", line: 2, column: 5,
             message: "unknown function 'sofmax'; did you mean 'softmax'?"),
        Case(name: "missing equals", lesson: "```let\nx 1\n```\n", line: 2, column: 3,
             message: "expected '=' after 'x' (each line is NAME = EXPRESSION)"),
        Case(name: "division by zero", lesson: "```let\nx = 1 / (2 - 2)\n```\n", line: 2, column: 7, message: "division by zero"),
        Case(name: "log of negative", lesson: "```let\nx = log(-1)\n```\n", line: 2, column: 9,
             message: "log(-1) is undefined: log needs positive numbers"),
        Case(name: "bad mask", lesson: "```attend mask=future\nQ = [[1]]\nK = Q\nV = Q\n```\n", line: 1, column: 16,
             message: "mask= must be one of none, causal, got future"),
        Case(name: "wrong value kind", lesson: "```let\nt = [\"a\"]\nx = t + 1\n```\n", line: 3, column: 5,
             message: "'+' needs numbers, but this is a token list of 1"),
        Case(name: "question mark outside answers", lesson: "```let\nx = [1, ?]\n```\n", line: 2, column: 9,
             message: "'?' marks an unanswered entry and is only allowed in answer blocks"),
        Case(name: "softmax empty body", lesson: "```softmax\n```\n", line: 1, column: 4,
             message: "softmax needs a vector, a matrix or a name in its body"),
        Case(name: "non-positive temperature", lesson: "```softmax temperature=0\n[1, 2]\n```\n", line: 1, column: 24,
             message: "temperature= must be a positive number, got 0"),
        Case(name: "attend assigns other names", lesson: "```attend\nW = [[1]]\n```\n", line: 2, column: 1,
             message: "attend's body assigns only Q, K and V; 'W' belongs in a let block"),
        Case(name: "exercise keys without exercise", lesson: "```let points=2\nx = 1\n```\n", line: 1, column: 15,
             message: "points= only makes sense together with exercise=ID"),
    ]

    @Test(arguments: cases) func errorIsPositioned(_ c: Case) {
        let report = runLesson(c.lesson)
        let error = report.errors.first
        #expect(error?.line == c.line, "\(String(describing: error))")
        #expect(error?.column == c.column, "\(String(describing: error))")
        #expect(error?.message.hasPrefix(c.message) == true, "\(String(describing: error))")
    }

    @Test func threeBrokenStepsAmongGoodOnes() {
        let report = runLesson("""
            # Mixed

            ```let
            a = [[1, 2], [3, 4]]
            ```

            ```let
            b = a @ [[1, 2, 3]]
            ```

            ```softmax
            a
            ```

            ```attend heads=3
            Q = a
            K = a
            V = a
            ```

            ```let
            c = a.T
            ```

            ```let
            d = nothing
            ```

            ```show
            c
            ```
            """)
        #expect(report.steps.count == 7)
        #expect(report.steps.map(\.ok) == [true, false, true, false, true, false, true])
        #expect(report.errors.map(\.line) == [8, 15, 26])
        #expect(close(report.tensor(step: 5, "c"), [[1, 3], [2, 4]]))
        #expect(!report.ok)
    }
}
