import Foundation
import Testing
import StepmarkCore
@testable import StepmarkLesson
@testable import StepmarkRender
@testable import StepmarkExport

/// `plot` (issue 17 part 4): the `series` table against numbers computed independently (numpy
/// in python3, or by hand), the chart role, the SVG and terminal drawings, the notebook
/// translation, and hostile inputs.
@Suite struct PlotDirectiveTests {
    /// Three learning rates on x = 2, y = 3 from w = 0.5, as lesson 03 plots them.
    static let threeRates = """
        ```train x=2 y=3 w=0.5 lr=0.1 steps=10 history=fast
        ```

        ```train x=2 y=3 w=0.5 lr=0.01 steps=10 history=slow
        ```

        ```train x=2 y=3 w=0.5 lr=0.3 steps=10 history=wild
        ```

        ```plot title="Loss per step" log=true
        lr=0.1: fast.loss
        lr=0.01: slow.loss   # ten times smaller
        lr=0.3: wild.loss
        ```

        """

    /// python3 + numpy, printing numbers separated by whitespace.
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

    static func series(_ report: Report, step: Int) -> Table? {
        guard case .table(let t)? = report.step(step)?.value(named: "series")?.value else { return nil }
        return t
    }

    static func numbers(_ table: Table, _ column: Int) -> [Double] {
        table.rows.map { if case .number(let x) = $0[column] { x } else { .nan } }
    }

    static func labels(_ table: Table) -> [String] {
        table.rows.map { if case .text(let s) = $0[0] { s } else { "" } }
    }

    @Test func seriesOfThreeTrainingRunsMatchNumpy() throws {
        let report = runLesson(Self.threeRates)
        #expect(report.ok, "\(report.errors)")
        let table = try #require(Self.series(report, step: 4))
        #expect(table.columns == ["series", "x", "y"])
        #expect(Self.labels(table) == Array(repeating: "lr=0.1", count: 11) + Array(repeating: "lr=0.01", count: 11) + Array(repeating: "lr=0.3", count: 11))
        // x is each history's step column: 0 … 10.
        #expect(Self.numbers(table, 1) == Array(repeating: (0...10).map(Double.init), count: 3).flatMap { $0 })
        let expected = try Self.numpy("""
            for lr in (0.1, 0.01, 0.3):
                w = 0.5
                for k in range(11):
                    print(repr(float((w * 2 - 3) ** 2)))
                    w = w - lr * np.mean(2 * (w * 2 - 3) * 2)
            """)
        #expect(expected.count == 33)
        let ys = Self.numbers(table, 2)
        for (a, b) in zip(ys, expected) { #expect(abs(a - b) <= 1e-12 * max(1, abs(b)), "\(a) vs \(b)") }
        // By hand: the first update with lr = 0.1 moves w to 1.3, so the loss is (2.6 − 3)² = 0.16.
        #expect(abs(ys[1] - 0.16) < 1e-12)
        let value = try #require(report.step(4)?.value(named: "series"))
        #expect(value.role == .chart(kind: .line, title: "Loss per step", xlabel: "step", ylabel: "loss", log: true))
        #expect(value.role.name == "chart")
    }

    @Test func vectorsDefaultToTheIndexAndXNamesAVector() throws {
        let report = runLesson("""
            ```let
            a = [3, 1, 2]
            t = [0.5, 1, 1.5]
            b = [1, 4]
            ```

            ```plot kind=scatter
            a
            ```

            ```plot x=t xlabel="time (s)" ylabel=metres
            a
            second: b
            ```
            """)
        #expect(report.ok, "\(report.errors)")
        let first = try #require(Self.series(report, step: 2))
        #expect(Self.numbers(first, 1) == [0, 1, 2] && Self.numbers(first, 2) == [3, 1, 2])
        #expect(Self.labels(first) == ["a", "a", "a"])
        #expect(report.step(2)?.value(named: "series")?.role == .chart(kind: .scatter, title: "", xlabel: "", ylabel: "", log: false))
        // A shorter line series takes the first x values.
        let second = try #require(Self.series(report, step: 3))
        #expect(Self.numbers(second, 1) == [0.5, 1, 1.5, 0.5, 1])
        #expect(Self.numbers(second, 2) == [3, 1, 2, 1, 4])
        #expect(report.step(3)?.value(named: "series")?.role == .chart(kind: .line, title: "", xlabel: "time (s)", ylabel: "metres", log: false))
    }

    @Test func columnsOfLabelledMatricesAndTables() throws {
        let report = runLesson("""
            ```let
            m = label([[10, 1], [20, 4], [15, 9]], cols=["a", "b"])
            ```

            ```plot kind=bar
            m.b
            ```

            ```corpus
            low low low lower lowest
            ```

            ```bpe merges=2
            low low low lower lowest
            ```

            ```plot kind=bar
            merges.count
            ```
            """)
        #expect(report.ok, "\(report.errors)")
        // m's first column does not rise strictly, so b is drawn against 0, 1, 2.
        let bars = try #require(Self.series(report, step: 2))
        #expect(Self.numbers(bars, 1) == [0, 1, 2] && Self.numbers(bars, 2) == [1, 4, 9])
        // A table's number column (bpe's merges: left, right, count), against the index.
        let merges = try #require(Self.series(report, step: 5))
        guard case .table(let source)? = report.step(4)?.value(named: "merges")?.value else { Issue.record("merges"); return }
        #expect(Self.numbers(merges, 2) == Self.numbers(source, 2))
        #expect(Self.numbers(merges, 1) == (0..<source.rows.count).map(Double.init))
    }

    @Test func positionedErrors() throws {
        func error(_ body: String, _ info: String = "plot") -> LessonError? {
            let report = runLesson("""
                ```let
                loss = [4, 1, 0.25]
                v = [1, 0, 2]
                ```

                ```train x=2 y=3 steps=4 history=h
                ```

                ```\(info)
                \(body)
                ```
                """)
            return report.step(3)?.error
        }
        // Empty body: at the info string.
        let empty = try #require(error(""))
        #expect(empty.position == SourcePosition(line: 9, column: 4) && empty.message.contains("at least one series"))
        // Unknown name: did-you-mean, at the name.
        let unknown = try #require(error("curve: los"))
        #expect(unknown.position == SourcePosition(line: 10, column: 8) && unknown.message.contains("did you mean 'loss'"))
        // Unknown column: did-you-mean, at the column.
        let column = try #require(error("h.los"))
        #expect(column.position == SourcePosition(line: 10, column: 3) && column.message.contains("did you mean 'h.loss'"))
        // A matrix without a column: the columns are listed.
        let matrix = try #require(error("h"))
        #expect(matrix.message.contains("not a vector") && matrix.message.contains("h.w"))
        // log=true with a value ≤ 0: at the series, naming the value and its index.
        let log = try #require(error("v", "plot log=true"))
        #expect(log.position == SourcePosition(line: 10, column: 1) && log.message.contains("0 at index 1"))
        // Two series with one label.
        let twice = try #require(error("a: loss\na: v"))
        #expect(twice.position == SourcePosition(line: 11, column: 4) && twice.message.contains("labelled 'a'"))
        // x= too short for a scatter series.
        let short = try #require(error("v", "plot kind=scatter x=h.step"))
        #expect(short.message.contains("one point per x"))
        // An empty label.
        let noLabel = try #require(error(": loss"))
        #expect(noLabel.position == SourcePosition(line: 10, column: 1))
        let empty2 = runLesson("```let\ne = []\n```\n\n```plot\nnone: e\n```\n").step(2)?.error
        #expect(empty2?.position == SourcePosition(line: 6, column: 7) && empty2?.message.contains("nothing to plot") == true)
        let kind = try #require(error("loss", "plot kind=pie"))
        #expect(kind.message.contains("line, scatter, bar"))
    }

    @Test func nonFiniteValuesAreAnErrorAtTheSeries() throws {
        // lr = 1e10 overflows: the history ends in ∞ (train says so and stops).
        let report = runLesson("""
            ```train x=2 y=3 lr=1e10 steps=40 history=h
            ```

            ```plot
            blown: h.loss
            ```
            """)
        let error = try #require(report.step(2)?.error)
        #expect(error.position == SourcePosition(line: 5, column: 8))
        #expect(error.message.contains("∞ at index") && error.message.contains("finite numbers only"))
    }

    @Test func hostileSizesStopBeforeAnythingIsBuilt() throws {
        // 10,000 series lines: refused at line 13 (the first past the cap) without a lookup.
        let lines = (0..<10_000).map { "s\($0): v" }.joined(separator: "\n")
        let start = Date()
        let many = runLesson("```let\nv = [1, 2]\n```\n\n```plot\n" + lines + "\n```\n")
        let error = try #require(many.step(2)?.error)
        #expect(error.position.line == 6 + PlotDirective.maxSeries && error.message.contains("at most \(PlotDirective.maxSeries) series"))
        #expect(Date().timeIntervalSince(start) < 5)
        // A 10⁶-point vector fits the value limit, but its series (3 entries a point) does not.
        let huge = runLesson("```let\nv = ones(1000000)\n```\n\n```plot\nv\n```\n")
        let limit = try #require(huge.step(2)?.error)
        #expect(limit.position == SourcePosition(line: 6, column: 1) && limit.message.contains("--max-entries"))
        // The limit counts every series together.
        var small = Limits()
        small.maxEntries = 30
        let two = runLesson("```let\nv = ones(6)\n```\n\n```plot\na: v\nb: v\n```\n", limits: small)
        #expect(two.step(2)?.error?.position == SourcePosition(line: 7, column: 4))
    }

    @Test func svgIsAnAccessibleImageWithALegendAndLogTicks() throws {
        let lesson = Self.threeRates.replacingOccurrences(of: "lr=0.3: wild.loss", with: "<script>alert(1)</script>: wild.loss")
        let report = runLesson(lesson)
        #expect(report.ok, "\(report.errors)")
        let html = HTMLRenderer().render(report)
        let svg = try #require(html.range(of: "<svg class=\"chart plot line\"").map { String(html[$0.lowerBound...].prefix { _ in true }) })
        let end = try #require(svg.range(of: "</svg>"))
        let chart = String(svg[..<end.upperBound])
        #expect(chart.contains("role=\"img\""))
        #expect(chart.contains("<title id=") && chart.contains(">Loss per step</title>"))
        #expect(chart.contains("<desc id="))
        // One legend entry per series, each with its own colour/dash classes and marker.
        let legend = try #require(chart.range(of: "<g class=\"plot-legend\">")).upperBound
        let entries = chart[legend...].components(separatedBy: "<g class=\"s c").count - 1
        #expect(entries == 3)
        #expect(chart.contains("s c0 d0") && chart.contains("s c1 d1") && chart.contains("s c2 d2"))
        // Log ticks are decades, labelled by their values.
        #expect(chart.contains("class=\"ticks log\""))
        for tick in [">1e-14<", ">0.01<", ">10<", ">10000<"] { #expect(chart.contains(tick), "\(tick)") }
        // The hostile label is text, never markup.
        #expect(!html.contains("<script>alert(1)"))
        #expect(chart.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        // The numbers follow as a table, and the page carries the series styles.
        #expect(html.contains("<th scope=\"col\">series</th>"))
        #expect(html.contains("svg.plot .c0{--c:"))
    }

    @Test func ticksAreNiceAndAOneStepRunIsNotDrawnOnZeroToOne() {
        // Whole-number x (steps) keep whole-number ticks.
        let one = Axis.linear(0, 1, count: 6, whole: true)
        #expect(one.labels == ["0", "1"])
        let steps = Axis.linear(0, 500, count: 6, whole: true)
        #expect(steps.ticks == [0, 100, 200, 300, 400, 500])
        let fine = Axis.linear(0.13, 0.92, count: 5, whole: false)
        #expect(fine.ticks.first == 0 && fine.ticks.last == 1 && fine.labels.contains("0.2"))
        // A single point gets a range around it.
        let single = Axis.linear(4, 4, count: 5, whole: false)
        #expect(single.lo < 4 && single.hi > 4)
        let log = Axis.logarithmic(0.003, 40)
        #expect(log.ticks == [0.001, 0.01, 0.1, 1, 10, 100])
        #expect(log.labels == ["0.001", "0.01", "0.1", "1", "10", "100"])
        let narrow = Axis.logarithmic(2, 30)
        #expect(narrow.ticks == [1, 2, 5, 10, 20, 50, 100])
        #expect(Axis.powerLabel(1e-7) == "1e-07" && Axis.powerLabel(2e8) == "2e+08")
    }

    @Test func terminalChartFitsTheWidth() throws {
        let report = runLesson(Self.threeRates)
        let value = try #require(report.step(4)?.value(named: "series"))
        for width in [40, 60, 80, 132] {
            let text = TerminalRenderer(color: false).renderValue(value, width: width)
            let chartPart = text.components(separatedBy: "\n  series")[0]
            for line in chartPart.split(separator: "\n").dropFirst(2) {
                #expect(Format.displayWidth(String(line)) <= width, "\(width): \(line)")
            }
            #expect(text.contains("* lr=0.1") && text.contains("o lr=0.01") && text.contains("+ lr=0.3"))
            #expect(text.contains("(log scale)") && text.contains("x 0 … 10"))
        }
        // With colour the glyphs are coloured, and the plain text is the same.
        let coloured = TerminalRenderer(color: true).renderValue(value, width: 80)
        #expect(coloured.contains("\u{1B}[34m*"))
    }

    @Test func jsonGivesTheTableAndTheRole() throws {
        let report = runLesson(Self.threeRates)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(JSONRenderer.render(report).utf8)) as? [String: Any])
        let steps = try #require(json["steps"] as? [[String: Any]])
        let value = try #require((steps[3]["values"] as? [[String: Any]])?.first)
        #expect(value["kind"] as? String == "table" && value["role"] as? String == "chart")
        #expect(value["columns"] as? [String] == ["series", "x", "y"])
        let chart = try #require(value["chart"] as? [String: Any])
        #expect(chart["kind"] as? String == "line" && chart["log"] as? Bool == true && chart["ylabel"] as? String == "loss")
        // Markdown: the series table.
        let markdown = MarkdownRenderer().render(report)
        #expect(markdown.contains("| series | x | y |") || markdown.contains("| series |"))
    }

    @Test func notebookRecomputesTheSeries() throws {
        let markdown = "# Plot\n\n" + Self.threeRates + """
            ```let
            v = [3, 1, 2]
            t = [10, 20, 30]
            ```

            ```plot kind=bar x=t
            v
            ```
            """
        let lesson = LessonParser.parse(markdown, path: "lesson.md")
        let report = Runner().run(lesson)
        #expect(report.ok, "\(report.errors)")
        let text = NotebookExport.notebook(lesson: lesson, report: report)
        let nb = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let code = (nb["cells"] as? [[String: Any]] ?? []).filter { $0["cell_type"] as? String == "code" }
            .map { ($0["source"] as? [String] ?? []).joined() }
        #expect(!code.joined().contains("known_gap(\""), "plot or train history= has no translation")
        let folder = try temporaryFolder(["nb.py": code.joined(separator: "\n\n")])
        let trace = folder + "/trace.jsonl"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", folder + "/nb.py"]
        process.environment = ProcessInfo.processInfo.environment.merging(["STEPMARK_NOTEBOOK_TRACE": trace]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let entries = try String(contentsOfFile: trace, encoding: .utf8).split(separator: "\n")
            .compactMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .filter { $0["name"] as? String == "series" }
        #expect(entries.count == 2)
        for (entry, step) in zip(entries, [4, 6]) {
            let expected = try #require(Self.series(report, step: step))
            let rows = try #require(entry["rows"] as? [[Any]])
            #expect(rows.count == expected.rows.count)
            for (got, want) in zip(rows, expected.rows) {
                #expect(got[0] as? String == { if case .text(let s) = want[0] { s } else { nil } }())
                for j in 1...2 {
                    guard case .number(let w) = want[j], let g = (got[j] as? NSNumber)?.doubleValue else { Issue.record("row \(got)"); continue }
                    #expect(abs(g - w) <= 1e-9 * max(1, abs(w)))
                }
            }
        }
    }
}
