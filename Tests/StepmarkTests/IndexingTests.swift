import Foundation
import Testing
import StepmarkCore
@testable import StepmarkLesson

/// Indexing, `.shape`, `row()` and the reductions with `axis=` (SPEC §2), checked against numpy
/// run by python3, or worked by hand where noted.
@Suite struct IndexingTests {
    static let matrix = "X = label([[1, 5, 3], [4, 2, 6], [-1, 7, 0]], rows=[\"a\", \"b\", \"c\"], cols=[\"x\", \"y\", \"z\"])"
    static let numpyMatrix = "X = np.array([[1, 5, 3], [4, 2, 6], [-1, 7, 0]], dtype=float)"

    func result(_ expression: String, setup: String = matrix) -> Value? {
        let report = runLesson("```let\n\(setup)\n```\n\n```let\nresult = \(expression)\n```\n")
        return report.steps.last?.value(named: "result")?.value
    }

    func tensor(_ expression: String, setup: String = matrix) -> Tensor? { result(expression, setup: setup)?.tensor }

    /// The error of the second step, with its position.
    func error(_ expression: String, setup: String = matrix) -> LessonError? {
        let report = runLesson("```let\n\(setup)\n```\n\n```let\nresult = \(expression)\n```\n")
        return report.steps.last?.error
    }

    /// numpy's value of `expression` (Python syntax) as a flat list and shape.
    func numpy(_ expressions: [String]) throws -> [(shape: [Int], data: [Double])] {
        let script = """
            import json, sys
            import numpy as np
            \(IndexingTests.numpyMatrix)
            for e in sys.argv[1:]:
                v = np.asarray(eval(e), dtype=float)
                print(json.dumps({"shape": list(v.shape), "data": v.ravel().tolist()}))
            """
        let lines = try pythonOutput(script, arguments: expressions).split(separator: "\n")
        return try lines.map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            return ((object["shape"] as! [Int]), (object["data"] as! [Double]))
        }
    }

    @Test("indexing and slicing agree with numpy, shapes included")
    func indexingAgreesWithNumpy() throws {
        let cases: [(String, String)] = [
            ("X[1]", "X[1]"), ("X[-1]", "X[-1]"), ("X[1, 2]", "X[1, 2]"), ("X[-3, -1]", "X[-3, -1]"),
            ("X[:, 1]", "X[:, 1]"), ("X[:, -1]", "X[:, -1]"), ("X[1:]", "X[1:]"), ("X[:2]", "X[:2]"),
            ("X[0:2, 1:3]", "X[0:2, 1:3]"), ("X[-2:, :1]", "X[-2:, :1]"), ("X[1, 1:]", "X[1, 1:]"),
            ("X[1:, 0]", "X[1:, 0]"), ("X[0:100]", "X[0:100]"), ("X[-100:1]", "X[-100:1]"),
            ("X[-0]", "X[-0]"), ("X[2][1]", "X[2][1]"), ("X.T[0]", "X.T[0]"), ("X[0].T", "X[0].reshape(-1, 1)"),
            ("X.shape", "X.shape"), ("X[0].shape", "X[0].shape"), ("X[1:, :].shape", "X[1:, :].shape"),
            ("X[((1))]", "X[1]"), ("X[1 + 1 - 1]", "X[1]"), ("[10, 20, 30][-1]", "np.array([10, 20, 30])[-1]"),
        ]
        let expected = try numpy(cases.map(\.1))
        #expect(expected.count == cases.count)
        for ((ours, _), want) in zip(cases, expected) {
            let t = tensor(ours)
            #expect(t?.shape == want.shape, "\(ours): shape")
            #expect(t?.data == want.data, "\(ours): entries")
        }
    }

    @Test("reductions with and without axis agree with numpy (axis=row is numpy's axis=1)")
    func reductionsAgreeWithNumpy() throws {
        let cases: [(String, String)] = [
            ("max(X)", "X.max()"), ("min(X)", "X.min()"), ("argmax(X)", "X.argmax()"), ("var(X)", "X.var()"),
            ("sum(X)", "X.sum()"), ("mean(X)", "X.mean()"),
            ("max(X, axis=row)", "X.max(axis=1)"), ("max(X, axis=col)", "X.max(axis=0)"),
            ("min(X, axis=row)", "X.min(axis=1)"), ("min(X, axis=col)", "X.min(axis=0)"),
            ("argmax(X, axis=row)", "X.argmax(axis=1)"), ("argmax(X, axis=col)", "X.argmax(axis=0)"),
            ("var(X, axis=row)", "X.var(axis=1)"), ("var(X, axis=col)", "X.var(axis=0)"),
            ("sum(X, axis=row)", "X.sum(axis=1)"), ("mean(X, axis=col)", "X.mean(axis=0)"),
            ("mean(X, axis=\"row\")", "X.mean(axis=1)"),
            ("len(X)", "len(X)"), ("len(X[0])", "len(X[0])"), ("len(X, axis=row)", "X.shape[1]"), ("len(X, axis=col)", "X.shape[0]"),
            ("argmax([3, 9, 9, 1])", "np.argmax([3, 9, 9, 1])"), ("var([1e9 + 1, 1e9 + 2, 1e9 + 3])", "np.var([1e9 + 1, 1e9 + 2, 1e9 + 3])"),
            ("max(X[0], axis=row)", "X[0].max()"), ("max(X[0], axis=col)", "X[0]"),
        ]
        let expected = try numpy(cases.map(\.1))
        #expect(expected.count == cases.count)
        for ((ours, _), want) in zip(cases, expected) {
            let t = tensor(ours)
            #expect(t?.shape == want.shape, "\(ours): shape")
            #expect(close(t, want.data, tolerance: 1e-12), "\(ours): \(t?.data ?? []) vs numpy \(want.data)")
        }
    }

    @Test("labels follow the selection: rows keep row labels, columns column labels")
    func labelsFollowSlicing() {
        #expect(tensor("X[1]")?.rowLabels == ["x", "y", "z"])          // a row is labelled by the columns
        #expect(tensor("X[:, 1]")?.rowLabels == ["a", "b", "c"])       // a column by the rows
        let block = tensor("X[1:, 1:]")
        #expect(block?.rowLabels == ["b", "c"])
        #expect(block?.colLabels == ["y", "z"])
        #expect(tensor("X[0, 1:]")?.rowLabels == ["y", "z"])
        #expect(tensor("X[-2:]")?.rowLabels == ["b", "c"])
        #expect(tensor("max(X, axis=row)")?.rowLabels == ["a", "b", "c"])
        #expect(tensor("argmax(X, axis=col)")?.rowLabels == ["x", "y", "z"])
        // A token list: one index is the token (text), a slice a shorter list.
        if case .text(let s)? = result("[\"le\", \"chat\", \"noir\"][-2]") { #expect(s == "chat") } else { Issue.record("not text") }
        if case .tokens(let l)? = result("[\"le\", \"chat\", \"noir\"][1:]") { #expect(l.tokens == ["chat", "noir"]) } else { Issue.record("not tokens") }
        #expect(tensor("len([\"le\", \"chat\"])")?.scalarValue == 2)
        #expect(tensor("[\"le\", \"chat\"].shape")?.data == [2])
    }

    @Test("row(X, \"token\") is the first row with that label; an absent one lists the labels")
    func rowByLabel() {
        #expect(tensor("row(X, \"b\")")?.data == [4, 2, 6])
        #expect(tensor("row(label([[1, 2], [3, 4], [5, 6]], rows=[\"a\", \"b\", \"a\"]), \"a\")")?.data == [1, 2])
        let e = error("row(X, \"cat\")", setup: "X = label([[1, 2], [3, 4]], rows=[\"cats\", \"dog\"])")
        #expect(e?.message == "no row of 'X' is labelled \"cat\"; did you mean \"cats\"? (row labels: \"cats\", \"dog\")")
        #expect(e?.position == SourcePosition(line: 6, column: 17))
        let unlabelled = error("row(Y, \"a\")", setup: "Y = [[1, 2]]")
        #expect(unlabelled?.message.contains("has no row labels") == true)
        #expect(unlabelled?.position == SourcePosition(line: 6, column: 14))
    }

    @Test("out of range, empty slices and other hostile indices are positioned errors")
    func hostileIndices() {
        // The line of `result = …` is 6; the index token's column is given.
        let outOfRange = error("X[3]")
        #expect(outOfRange?.message == "index 3 is out of range: 'X' has 3 rows (valid: 0 to 2, or −3 to −1 from the end)")
        #expect(outOfRange?.position == SourcePosition(line: 6, column: 12))
        #expect(error("X[0, -4]")?.message == "index -4 is out of range: 'X' has 3 columns (valid: 0 to 2, or −3 to −1 from the end)")
        #expect(error("X[0, -4]")?.position == SourcePosition(line: 6, column: 15))
        // Far beyond Int: compared as a double, never converted.
        #expect(error("X[99999999999999999999]")?.message.hasPrefix("index 1e+20 is out of range") == true)
        #expect(error("X[-99999999999999999999]")?.message.hasPrefix("index -1e+20 is out of range") == true)
        #expect(tensor("X[-99999999999999999999:99999999999999999999, 0]")?.data == [1, 4, -1])   // slices clamp, as numpy's
        #expect(error("X[1:0]")?.message.contains("selects no rows") == true)
        #expect(error("X[1:0]")?.position == SourcePosition(line: 6, column: 12))
        #expect(error("X[0.5]")?.message == "an index 0.5 is not a whole number")
        #expect(error("X[\"a\"]")?.message == "an index must be a whole number, but this is text")
        #expect(error("X[0, 0, 0]")?.message.contains("too many indices") == true)
        #expect(error("X[0, 0][0]")?.message.hasPrefix("cannot index a number") == true)
        #expect(error("X[0][0, 1]")?.message == "the value is a vector and takes one index, not 2")
        #expect(error("X[]")?.message.contains("expected an index") == true)
        #expect(error("X[0:1:2]")?.message.contains("slice steps") == true)
        #expect(error("X[0")?.message.contains("never closed") == true)
        #expect(error("X.shap")?.message == "unknown attribute '.shap'; did you mean '.shape'? (values have .T, the transpose, and .shape)")
        #expect(error("len(3)")?.message.hasPrefix("len() of a number is undefined") == true)
        #expect(error("max([])")?.message == "max() of an empty value is undefined")
        #expect(error("max(X, axis=1)")?.message == "axis=1 is numpy's numbering; here write axis=row (one value per row)")
        #expect(error("max(X, axis=rows)")?.message.contains("did you mean axis=row?") == true)
        #expect(error("max(X, axis=row)", setup: "X = 2")?.message.contains("needs a vector or a matrix") == true)
        // Deeply nested brackets stop at the nesting limit, not the stack.
        let deep = String(repeating: "X[", count: 100) + "0" + String(repeating: "]", count: 100)
        #expect(error(deep)?.message.contains("nested more than") == true)
        let deepIndex = "X[" + String(repeating: "(", count: 100) + "0" + String(repeating: ")", count: 100) + "]"
        #expect(error(deepIndex)?.message.contains("nested more than") == true)
        #expect(tensor("X[(((0)))][((1))]")?.scalarValue == 5)
        // A chain of indices counts as operators (at most 1,000 in an expression, as + and .T).
        #expect(tensor("X" + String(repeating: "[0:2]", count: 200))?.shape == [2, 3])
        #expect(error("X" + String(repeating: "[0]", count: 1001))?.message.hasPrefix("expression too long") == true)
    }

    @Test("every function the evaluator accepts is in the one table, and every listed one is implemented")
    func functionTableCannotDrift() {
        // Listed → implemented: a call never reaches the evaluator's "listed but not implemented".
        for f in ExpressionFunctions.all {
            for args in ["", "X", "X, X", "X, \"a\""] {
                let message = error("\(f.name)(\(args))")?.message ?? ""
                #expect(!message.contains("not implemented"), "\(f.name)(\(args)): \(message)")
                #expect(!message.hasPrefix("unknown function"), "\(f.name)")
            }
        }
        // Not listed → refused: the evaluator checks the table before it dispatches.
        for name in ["maximum", "argmin", "std", "length", "shape", "median"] {
            #expect(error("\(name)(X)")?.message.hasPrefix("unknown function '\(name)'") == true, "\(name)")
        }
        #expect(Set(ExpressionFunctions.names).count == ExpressionFunctions.all.count)
        #expect(Evaluator.functions.map(\.name) == ExpressionFunctions.names)
    }

    @Test("stepmark functions lists every function with its signature")
    func functionsCommand() throws {
        let out = try stepmark(["functions"])
        #expect(out.status == 0)
        for f in ExpressionFunctions.all { #expect(out.stdout.contains(f.signature), "\(f.name)") }
    }
}
