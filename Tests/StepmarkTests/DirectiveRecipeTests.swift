import Foundation
import Testing
import StepmarkCore
@testable import StepmarkLesson
@testable import StepmarkRender

/// A directive compiled only into the tests, written as docs/DEVELOPING.md says a new one is:
/// one type with its teaching logic, recording values with roles. Layer norm of each row
/// (biased variance, ε = 1e-5, no affine, as SPEC §3).
enum LayerNormTestDirective: Directive {
    static let name = "layernorm"
    static let summary = "normalise each row of a matrix to mean 0 and variance 1"
    static let body = "a matrix literal or a name"
    static let arguments: [ArgumentSpec] = []
    static let subSteps = "mean, var, normalized"
    static let example = """
        ```layernorm
        [[1, 2, 3], [2, 4, 8]]
        ```
        """

    static func run(_ context: StepContext) throws {
        let lines = context.block.contentLines
        guard !lines.isEmpty else {
            throw LessonError("layernorm needs a matrix or a name in its body", at: context.block.infoPosition)
        }
        let x = try context.tensor(context.evaluate(lines), .matrix, at: lines[0].position) { "layernorm needs a matrix, but this is \($0)" }
        let n = Double(x.cols)
        let means = (0..<x.rows).map { r in (0..<x.cols).reduce(0) { $0 + x[r, $1] } / n }
        let variances = (0..<x.rows).map { r in (0..<x.cols).reduce(0) { $0 + (x[r, $1] - means[r]) * (x[r, $1] - means[r]) } / n }
        var normalized: [Double] = []
        for r in 0..<x.rows {
            for c in 0..<x.cols { normalized.append((x[r, c] - means[r]) / (variances[r] + 1e-5).squareRoot()) }
        }
        try context.record("mean", .tensor(Tensor(shape: [x.rows], data: means)), formula: "mean = Σⱼ x / n")
        try context.record("var", .tensor(Tensor(shape: [x.rows], data: variances)), formula: "var = Σⱼ (x − mean)² / n")
        let result = Tensor(shape: x.shape, data: normalized, rowLabels: x.rowLabels, colLabels: x.colLabels)
        try context.record("normalized", result, formula: "normalized = (x − mean) / √(var + 0.00001)")
        context.setResult(.tensor(result), recorded: "normalized", storeAs: "normalized")
    }
}

@Suite struct DirectiveRecipeTests {
    static let directives = DirectiveRegistry.all + [LayerNormTestDirective.self]

    static func run(_ markdown: String) -> Report {
        Runner(directives: directives).run(LessonParser.parse(markdown, path: "lessons/en/ln.md", directives: directives))
    }

    /// numpy, run in python3, computes the expected numbers independently.
    static func numpy(_ script: String) throws -> [Double] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import numpy as np\n" + script]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(whereSeparator: \.isWhitespace).compactMap { Double($0) }
    }

    @Test("a new directive gets its numbers, its heat map and its formulas with no renderer change")
    func testOnlyDirectiveRendersAHeatMap() throws {
        let report = Self.run("""
            # Layer norm

            ```layernorm
            [[1, 2, 3], [2, 4, 8]]
            ```
            """)
        #expect(report.ok, "\(report.errors)")
        let step = try #require(report.steps.first)
        #expect(step.values.map(\.name) == ["mean", "var", "normalized"])
        let expected = try Self.numpy("""
            x = np.array([[1., 2, 3], [2, 4, 8]])
            m = x.mean(axis=1, keepdims=True); v = x.var(axis=1, keepdims=True)
            print(*m.ravel(), *v.ravel(), *((x - m) / np.sqrt(v + 1e-5)).ravel())
            """)
        #expect(expected.count == 10)
        let ours = step.values.flatMap { $0.value.tensor?.data ?? [] }
        #expect(ours.count == expected.count)
        for (a, b) in zip(ours, expected) { #expect(abs(a - b) < 1e-12, "\(a) vs \(b)") }

        // The HTML: a diverging heat map (normalised rows have both signs), with its legend,
        // and the formula in MathML — all from the generic renderer.
        let html = HTMLRenderer().render(report)
        #expect(html.contains("data-directive=\"layernorm\""))
        #expect(html.contains("<caption>normalized · 2×3"))
        #expect(html.contains("<td class=\"n\" style=\"--h:"))
        #expect(html.contains("<td class=\"p\" style=\"--h:"))
        #expect(html.contains("<div class=\"legend div\""))
        #expect(html.contains("<span class=\"formula\"><math>"))
        // The Markdown has the three tables too.
        let md = MarkdownRenderer().render(report)
        #expect(md.contains("**normalized** — `normalized = (x − mean) / √(var + 0.00001)`"))
    }

    @Test("a test-only directive's errors are positioned like any other's")
    func testOnlyDirectiveErrors() {
        let report = Self.run("# L\n\n```layernorm\n\"text\"\n```\n")
        #expect(report.errors.map(\.description) == ["4:1: layernorm needs a matrix, but this is text"])
    }

    /// The recipe's checklist, per registered directive: each missing piece is named with where
    /// it goes, so that adding a directive and running the tests says what is left to do.
    @Test("every registered directive has its example, corpus case, fuzz keyword and a test")
    func everyDirectiveFollowsTheRecipe() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let corpus = try FileManager.default.contentsOfDirectory(atPath: root + "/Tests/StepmarkTests/Fixtures/malformed")
        let dictionary = try String(contentsOfFile: root + "/Fuzz/stepmark.dict", encoding: .utf8)
        let testsFolder = root + "/Tests/StepmarkTests"
        let tests = try FileManager.default.contentsOfDirectory(atPath: testsFolder).filter { $0.hasSuffix(".swift") && $0 != "DirectiveRecipeTests.swift" }
            .map { try String(contentsOfFile: testsFolder + "/" + $0, encoding: .utf8) }.joined()
        var missing: [String] = []
        for d in DirectiveRegistry.all {
            let n = d.name
            if d.summary.isEmpty { missing.append("\(n): no summary (for `stepmark directives`)") }
            if !d.example.contains("```" + n) { missing.append("\(n): the example has no ```\(n) block (`stepmark directives \(n)` shows it)") }
            if n != "let", !corpus.contains(where: { $0.hasPrefix("dir-\(n)-") && $0.hasSuffix(".md") }) {
                missing.append("\(n): no malformed-corpus case Tests/StepmarkTests/Fixtures/malformed/dir-\(n)-WHAT.md (+ .expected)")
            }
            if !dictionary.contains("\"```\(n)\"") { missing.append("\(n): no \"```\(n)\" line in Fuzz/stepmark.dict") }
            if !tests.contains("```\(n)") { missing.append("\(n): no test in Tests/StepmarkTests runs a ```\(n) block") }
        }
        #expect(missing.isEmpty, "directives missing parts of the recipe (docs/DEVELOPING.md, 'Adding a directive'):\n\(missing.joined(separator: "\n"))")
    }

    /// A name a directive records once names one value: `check=NAME` grades it and the
    /// notebook's `step_values[NAME]` keeps the last. `attend heads=1 wo=` recorded `output`
    /// twice (the head's, then concat·Wo), and `check=output` graded the first (a red-team pass
    /// found it). Every directive's example, the attention variants and the course's lessons:
    /// only `let` and `show` may repeat a name (a name assigned twice).
    @Test func noDirectiveRecordsANameTwice() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        var lessons: [String] = []
        for d in DirectiveRegistry.all { lessons.append(d.example) }
        let qkv = "Q = [[1, 0], [0, 1], [1, 1]]\nK = Q\nV = [[1, 2], [3, 4], [5, 6]]\n```\n"
        lessons.append("```let\nWo = [[2, 0], [0, 10]]\nT = [[1, 1], [1, 1], [1, 1]]\n```\n\n"
                       + ["", "wo=Wo", "heads=2", "heads=2 wo=Wo", "wo=Wo target=T", "heads=2 wo=Wo target=T jacobian_row=1", "mask=causal wo=Wo grad=T"]
                           .map { "```attend \($0)\n" + qkv }.joined(separator: "\n"))
        for folder in ["en", "ko"] {
            let dir = root + "/lessons/" + folder
            for file in try FileManager.default.contentsOfDirectory(atPath: dir).sorted() where file.hasSuffix(".md") {
                lessons.append(try String(contentsOfFile: dir + "/" + file, encoding: .utf8))
            }
        }
        var repeated: [String] = []
        for lesson in lessons {
            for step in runLesson(lesson, path: root + "/lessons/en/x.md").steps where !["let", "show"].contains(step.directive) {
                var seen = Set<String>()
                for name in (step.values + step.hiddenValues).map(\.name) where !seen.insert(name).inserted {
                    repeated.append("\(step.directive) \(step.arguments.map { "\($0.key)=…" }.joined(separator: " ")): \(name)")
                }
            }
        }
        #expect(repeated.isEmpty, "\(repeated)")
    }
}
