import Foundation
import FuzzSupport
import StepmarkCore
import StepmarkGrade
@testable import StepmarkLesson

/// A key with one exercise of every kind of expected value: number, vector, matrix, tokens,
/// text, table.
let key = """
    # Key

    ```let exercise=num
    a = 0.5
    ```

    ```let exercise=vec tol=0.1 partial=true
    b = [1, 2, 3]
    ```

    ```softmax exercise=mat check=output
    [[1, 2], [3, 4]]
    ```

    ```tokenize method=char exercise=tok
    강가의
    ```

    ```corpus exercise=txt
    the cat sat
    ```

    ```bpe merges=2 exercise=tab check=merges
    low low lower
    ```
    """

let grader = Grader(key: LessonParser.parse(key, path: "key.md"), limits: fuzzLimits)

/// A submission: every answer block is extracted and parsed as a literal (never evaluated),
/// then graded. Also the whole input as one answer body.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    precondition(grader.keyErrors.isEmpty, "the fuzz key itself has errors: \(grader.keyErrors)")
    let text = fuzzText(data, size)
    let lines = LessonParser.lines(of: text)
    let outcome = grader.grade(submissionText: text, path: "submission.md", reveal: true)
    for e in outcome.lessonErrors { requirePositioned(e, in: lines, "submission") }
    _ = outcome.json()
    _ = outcome.gradescope()
    _ = outcome.text(path: "submission.md")
    // The whole input as the body of one answer block starting on line 2.
    let body = lines.enumerated().map { BodyLine(text: $1, position: SourcePosition(line: $0 + 2, column: 1)) }
    do {
        let literal = try AnswerParser.literal(body, limits: fuzzLimits, at: SourcePosition(line: 1, column: 11))
        precondition(literal.cells.count == literal.shape.reduce(1, *),
                     "answer shape \(literal.shape) does not match \(literal.cells.count) cells")
        for ex in grader.exercises {
            if let expected = ex.expected {
                _ = Exercises.compare(expected: expected, answer: literal, tolerance: ex.spec.tolerance)
            }
        }
        _ = literal.value
    } catch let e as LessonError {
        requirePositioned(e, in: ["```answer x"] + lines, "answer body")
    } catch {
        fatalError("AnswerParser threw a non-LessonError: \(error)")
    }
    return 0
}

@_cdecl("FuzzAnswer_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in
        guard let data else { return 0 }
        return fuzz(data, size)
    }
}
