import Foundation
import Testing
import StepmarkCore
@testable import StepmarkLesson

/// The `let` expression language (SPEC §2), each result worked by hand or with numpy.
@Suite struct ExpressionTests {
    func value(_ expression: String, setup: String = "") -> Tensor? {
        let report = runLesson((setup.isEmpty ? "" : "```let\n\(setup)\n```\n\n") + "```let\nresult = \(expression)\n```\n")
        return report.steps.last?.value(named: "result")?.value.tensor
    }

    func error(_ lesson: String) -> LessonError? { runLesson(lesson).errors.first }

    /// A string that ends in an escaped backslash closes with its quote: the line's brackets
    /// are balanced and the next line is a line of its own (a red-team pass: `["\\"]` kept a
    /// bracket open, swallowed `c = 1` and failed at 5:1).
    @Test func aBackslashAtAStringsEndClosesIt() {
        let report = runLesson("```let\nb = [\"\\\\\"]\nc = 1\nd = [\"a\\\"]\", \"]\"]\n```\n")
        #expect(report.errors.isEmpty, "\(report.errors)")
        #expect(report.steps.last?.value(named: "c")?.value.tensor?.scalarValue == 1)
        guard case .tokens(let b)? = report.steps.last?.value(named: "b")?.value, case .tokens(let d)? = report.steps.last?.value(named: "d")?.value else {
            Issue.record("b and d are token lists"); return
        }
        #expect(b.tokens == ["\\"] && d.tokens == ["a\"]", "]"])
        // Still one expression over two lines while a bracket is open.
        #expect(value("[1,\n 2]")?.shape == [2])
    }

    @Test func arithmeticAndPrecedence() {
        #expect(value("1 + 2 * 3")?.scalarValue == 7)
        #expect(value("(1 + 2) * 3")?.scalarValue == 9)
        #expect(value("-2 * 3 + 1")?.scalarValue == -5)
        #expect(value("8 / 4 / 2")?.scalarValue == 1)           // left-associative
        #expect(value("2 - -3")?.scalarValue == 5)
        #expect(value("1e-3 * 1000")?.scalarValue == 1)
        #expect(value("2 − 1")?.scalarValue == 1)              // U+2212 minus sign
    }

    /// numpy: a = [[1, 2], [3, 4]], b = [10, 20]: a + b = [[11, 22], [13, 24]], a * b = [[10, 40], [30, 80]].
    @Test func broadcasting() {
        let setup = "a = [[1, 2], [3, 4]]\nb = [10, 20]"
        #expect(close(value("a + b", setup: setup), [[11, 22], [13, 24]]))
        #expect(close(value("a * b", setup: setup), [[10, 40], [30, 80]]))
        #expect(close(value("a / b", setup: setup), [[0.1, 0.1], [0.3, 0.2]]))
        #expect(close(value("a * 2 - 1", setup: setup), [[1, 3], [5, 7]]))
        #expect(close(value("[[1], [2]] + a", setup: setup), [[2, 3], [5, 6]]))   // column broadcast
    }

    @Test func matrixProductAndTranspose() {
        let setup = "a = [[1, 2], [3, 4]]"
        #expect(close(value("a @ a.T", setup: setup), [[5, 11], [11, 25]]))
        #expect(close(value("a.T", setup: setup), [[1, 3], [2, 4]]))
        #expect(close(value("[1, 1] @ a", setup: setup), [4, 6]))                   // vector on the left is a row
        #expect(close(value("a @ [1, 0]", setup: setup), [1, 3]))                   // on the right a column
        #expect(value("[1, 2, 3] @ [4, 5, 6]")?.scalarValue == 32)
        #expect(value("a.T.T @ [1, 1]", setup: setup).map { close($0, [3, 7]) } == true)
    }

    @Test func functions() {
        // sigmoid(x) = 1/(1+e^−x), tanh: numpy values for x = [-1, 0, 2].
        #expect(close(value("sigmoid([-1, 0, 2])"), [0.2689414213699951, 0.5, 0.8807970779778823], tolerance: 1e-15))
        #expect(close(value("tanh([-1, 0, 2])"), [-0.7615941559557649, 0, 0.9640275800758169], tolerance: 1e-15))
        #expect(close(value("relu([-1, 0, 2])"), [0, 0, 2]))
        #expect(close(value("exp([0, 1])"), [1, M_E], tolerance: 1e-15))
        #expect(close(value("log([1, 100])"), [0, 4.605170185988092], tolerance: 1e-15))
        #expect(close(value("sqrt([4, 2])"), [2, 1.4142135623730951]))
        #expect(value("sum([[1, 2], [3, 4]])")?.scalarValue == 10)
        #expect(value("mean([[1, 2], [3, 4]])")?.scalarValue == 2.5)
        #expect(value("norm([3, 4])")?.scalarValue == 5)
        #expect(abs(value("norm([[1, 2], [3, 4]])")!.scalarValue! - 5.477225575051661) < 1e-15)  // Frobenius
        #expect(close(value("normalize([3, 4])"), [0.6, 0.8]))
        #expect(close(value("normalize([[3, 4], [0, 2]])"), [[0.6, 0.8], [0, 1]]))
        // cos([1,2,3], [4,5,6]) = 32 / (√14 · √77)
        #expect(abs(value("cosine([1, 2, 3], [4, 5, 6])")!.scalarValue! - 0.9746318461970762) < 1e-15)
        #expect(close(value("zeros(2, 3)"), [[0, 0, 0], [0, 0, 0]]))
        #expect(close(value("ones(3)"), [1, 1, 1]))
        #expect(close(value("eye(2)"), [[1, 0], [0, 1]]))
        #expect(close(value("softmax([0, 0])"), [0.5, 0.5]))
        #expect(close(value("softmax([2, 0], temperature=2)"), [0.7310585786300049, 0.2689414213699951], tolerance: 1e-15))
    }

    /// SplitMix64 with seed 5, uniform u = (z >> 11)·2⁻⁵³, entries 2u − 1 row-major; computed in
    /// Python with 64-bit masking.
    @Test func randomFollowsSplitMix64() {
        #expect(close(value("random(2, 3, seed=5)"), [
            [-0.226463908032132, 0.5046140316764478, -0.5345816686450764],
            [-0.801321177346795, -0.6240797565951557, -0.23878214476275694]], tolerance: 0))
        #expect(value("random(2, 2)") == value("random(2, 2, seed=0)"))
    }

    @Test func literalsMakeTokenListsAndLabels() {
        let report = runLesson("""
            ```let
            t = ["강가", "의"]
            x = label([[1, 2], [3, 4]], rows=t, cols=["a", "b"])
            m = [[1, 2],
                 [3, 4]]   # a matrix may continue on the next line
            ```
            """)
        #expect(report.ok, "\(report.errors)")
        #expect(report.step(1)?.value(named: "t")?.value == .tokens(TokenList(["강가", "의"])))
        #expect(report.tensor(step: 1, "x")?.rowLabels == ["강가", "의"])
        #expect(report.tensor(step: 1, "x")?.colLabels == ["a", "b"])
        #expect(close(report.tensor(step: 1, "m"), [[1, 2], [3, 4]]))
    }

    @Test func loadReadsNpyAndCsvBesideTheLesson() throws {
        // np.save of [[1.5, -2.0], [0.25, 4.0]] (float64, C order), byte for byte.
        let header = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }"
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
        let padded = header + String(repeating: " ", count: 128 - 10 - header.utf8.count - 1) + "\n"
        bytes += [UInt8(padded.utf8.count & 0xFF), UInt8(padded.utf8.count >> 8)] + Array(padded.utf8)
        for x in [1.5, -2.0, 0.25, 4.0] { withUnsafeBytes(of: x.bitPattern.littleEndian) { bytes += $0 } }
        let folder = try temporaryFolder(["data.csv": "1,2\n3,4\n", "lesson.md": "```let\nw = load(\"w.npy\")\nc = load(\"data.csv\")\n```\n"])
        try Data(bytes).write(to: URL(fileURLWithPath: folder + "/w.npy"))
        let report = Runner().run(try LessonParser.read(path: folder + "/lesson.md"))
        #expect(report.ok, "\(report.errors)")
        #expect(close(report.tensor(step: 1, "w"), [[1.5, -2.0], [0.25, 4.0]], tolerance: 0))
        #expect(close(report.tensor(step: 1, "c"), [[1, 2], [3, 4]], tolerance: 0))
    }

    @Test func laterLinesSeeEarlierOnes() {
        let report = runLesson("```let\nx = 2\ny = x * x\n```\n\n```let\nz = y + x\n```\n")
        #expect(report.tensor(step: 2, "z")?.scalarValue == 6)
    }

    @Test func sizeLimitIsCheckedBeforeAllocating() {
        let e = error("```let\nbig = zeros(100000, 100000)\n```\n")
        #expect(e?.message.contains("--max-entries") == true)
        let e2 = error("```let\nv = ones(2000, 1)\nbig = v @ v.T\n```\n")
        #expect(e2?.message.contains("--max-entries") == true)
        #expect(e2?.line == 3)
    }

    @Test func deepNestingIsRefusedNotAStackOverflow() {
        let deep = String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000)
        #expect(error("```let\nx = \(deep)\n```\n")?.message.contains("nested") == true)
        let lists = String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)
        #expect(error("```let\nx = \(lists)\n```\n") != nil)
        let minus = String(repeating: "-", count: 100000) + "1"
        #expect(error("```let\nx = \(minus)\n```\n")?.message.contains("nested") == true)
    }
}
