import Foundation
import FuzzSupport
import StepmarkCore
@testable import StepmarkLesson

/// Names an expression may use: a scalar, a vector, a labelled matrix, text and tokens.
let environment: Environment = {
    var env = Environment()
    env.define("x", .tensor(.scalar(2)))
    env.define("v", .tensor(.vector([1, -2, 3])))
    env.define("M", .tensor(Tensor.matrix(rows: 2, cols: 3, data: [1, 2, 3, 4, 5, 6]).labelled(rows: ["a", "b"])))
    env.define("Z", .tensor(.filled(0, shape: [2, 2])))
    env.define("s", .text("강가"))
    env.define("t", .tokens(TokenList(["the", "cat"])))
    return env
}()

/// Expressions over several lines: lex, parse, evaluate. Every error must point into the text,
/// and a number that comes out must not be NaN unless the input could make one.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = fuzzText(data, size)
    let raw = LessonParser.lines(of: text)
    // Lines as a let block's body would give them: line k+2 (after the fence), column 1.
    let lines = raw.enumerated().map { BodyLine(text: $1, position: SourcePosition(line: $0 + 2, column: 1)) }
    let fileLines = ["```let"] + raw
    for allowUnanswered in [false, true] {
        do {
            let expr = try ExprParser.parse(lines, maxNesting: fuzzLimits.maxNesting, allowUnanswered: allowUnanswered)
            let value = try Evaluator(environment: environment, limits: fuzzLimits,
                                      baseDirectory: "/nonexistent-stepmark-fuzz").evaluate(expr)
            _ = value.summary
        } catch let e as LessonError {
            requirePositioned(e, in: fileLines, "expression \(text.debugDescription)")
            requireMessage(e, "expression")
        } catch {
            fatalError("expression threw a non-LessonError: \(error)")
        }
    }
    return 0
}

@_cdecl("FuzzExpression_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in
        guard let data else { return 0 }
        return fuzz(data, size)
    }
}
