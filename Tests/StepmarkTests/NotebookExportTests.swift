import Foundation
import Testing
import StepmarkLesson
@testable import StepmarkExport

/// `stepmark export --format ipynb` (issue 21): the notebook's structure, the translation of
/// expressions, and — run with python3 and numpy — the values its cells print, against numbers
/// worked out by hand. (Tests/notebooks/check.py compares every lesson of the course with
/// stepmark's JSON; `make check-notebooks`.)
@Suite struct NotebookExportTests {
    static let lesson = """
        # Softmax by hand

        Some prose with **bold** text.

        ```softmax exercise=ex1 points=2 tol=0.001
        [2, 0, 0]
        ```

        <!-- solution -->
        e² = 7.389, so the answer is (0.7870, 0.1065, 0.1065).
        <!-- end solution -->

        ```answer ex1
        [0.7870, 0.1065, 0.1065]
        ```

        ```let
        lambda = [1, 2] @ [[1, 0], [0, 1]].T
        ```

        ```attend
        Q = [[1, 0], [0, 1]]
        K = Q
        V = [[1, 2], [3, 4]]
        ```
        """

    static func notebook(_ markdown: String = lesson) throws -> [String: Any] {
        let lesson = LessonParser.parse(markdown, path: "lesson.md")
        let text = NotebookExport.notebook(lesson: lesson, report: Runner().run(lesson))
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    static func cells(_ notebook: [String: Any]) -> [(type: String, source: String)] {
        (notebook["cells"] as? [[String: Any]] ?? []).map {
            ($0["cell_type"] as? String ?? "", ($0["source"] as? [String] ?? []).joined())
        }
    }

    @Test func isAnNbformat4NotebookWithProseCodeAndExerciseCells() throws {
        let nb = try Self.notebook()
        #expect(nb["nbformat"] as? Int == 4)
        #expect(nb["nbformat_minor"] as? Int == 5)
        let cells = Self.cells(nb)
        let ids = (nb["cells"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        #expect(ids.count == cells.count && Set(ids).count == ids.count)
        #expect(cells[1].type == "code" && cells[1].source.contains("def softmax_rows"))
        #expect(cells.contains { $0.type == "markdown" && $0.source.contains("Some prose with **bold** text.") })
        // One code cell per directive (softmax, let, attend), none for the key's answer.
        let directiveCells = cells.filter { $0.type == "code" && $0.source.hasPrefix("# ```") }
        #expect(directiveCells.map { $0.source.contains("begin(1, \"softmax\")") } == [true, false, false])
        #expect(!cells.contains { $0.source.contains("0.7870, 0.1065") }, "the key's answer and the solution stay out")
        #expect(cells.contains { $0.source.hasPrefix("answer_ex1 = None") })
        #expect(cells.contains { $0.source == "check(answer_ex1, expected[\"ex1\"], tol=0.001)" })
        #expect(!cells.contains { $0.source.contains("assert ") })
    }

    @Test func expressionsBecomeNumpy() throws {
        func python(_ text: String) throws -> String {
            let lesson = LessonParser.parse("```let\nx = \(text)\n```\n", path: "l.md")
            let step = try #require(Runner().run(lesson).steps.first)
            return try #require(try StepSource(step: step).assignments().first?.python)
        }
        #expect(try python("[1, 2] @ X.T") == "(np.array([1.0, 2.0]) @ T(X))")
        #expect(try python("-a * 2") == "((-a) * np.float64(2.0))")
        #expect(try python("label([[1], [2]], rows=[\"강\", \"가\"])") == "label(np.array([[1.0], [2.0]]), rows=[\"강\", \"가\"])")
        #expect(try python("sum(lambda)") == "np.sum(lambda_)")
        // The renaming is one-to-one: a lesson's own `np_` does not become the renamed `np`
        // (a red-team pass found the notebook printing np_ = [1, 2] for a lesson's [10, 20]).
        #expect(try python("np + np_ + np__ + snp_") == "(((np_ + np__) + np___) + snp_)")
        // Builtins the prelude calls, names Python folds in NFKC, and answer-cell names stay
        // apart (red-team pass: isinstance = 2 broke the prelude, 𝑥 became x, ｎｐ became np).
        #expect(try python("isinstance + result + 강가 + θ") == "(((isinstance_ + result_) + 강가) + θ)")
        #expect(Python.name("𝑥") == "spelt__1d465" && Python.name("ｎｐ") == "spelt__ff4e_ff50")
        #expect(Python.name("answer_ex1") == "spelt__61_6e_73_77_65_72_5f_65_78_31")
        #expect(Python.answerVariable("a-b") == "answer_a_2d_b" && Python.answerVariable("a_b") == "answer_a__b")
        // Names the generated cells or IPython assign (red-team pass: tokens, trained, _, _i).
        #expect(["tokens", "trained", "_i", "_i5", "_5", "In"].map(Python.name) == ["tokens_", "trained_", "_i_", "_i5_", "_5_", "In_"])
        #expect(Python.name("_") == "spelt__5f" && Python.name("__") == "spelt__5f_5f" && Python.name("_x") == "_x")
        #expect(try python("[[1, 2]][0, -1] + [[1, 2]][0:1, :][0][1:][0]") == "(np.array([[1.0, 2.0]])[0, -1] + np.array([[1.0, 2.0]])[0:1, :][0][1:][0])")
        #expect(try python("[1, 2][(1 - 1)]") == "np.array([1.0, 2.0])[int((np.float64(1.0) - np.float64(1.0)))]")
        #expect(try python("max([[1, 2]], axis=row) + len([1], axis=col) + sum([1]) + mean([1], axis=\"col\")")
                == "(((reduce_axis(\"max\", np.array([[1.0, 2.0]]), axis=\"row\") + length(np.array([1.0]), axis=\"col\")) + np.sum(np.array([1.0]))) + reduce_axis(\"mean\", np.array([1.0]), axis=\"col\"))")
        #expect(try python("[[1, 2]].shape + row(label([[1, 2]], rows=[\"a\"]), \"a\")") == "(shape_of(np.array([[1.0, 2.0]])) + row_labelled(label(np.array([[1.0, 2.0]]), rows=[\"a\"]), \"a\"))")
        // Every expression function has a translation.
        #expect(Set(ExpressionFunctions.names).subtracting(ExpressionTranslator.functions).isEmpty)
        #expect(Python.string("a\"b\\c\nd\u{1}") == "\"a\\\"b\\\\c\\nd\\u0001\"")
        // Bidirectional controls are escaped too (they would reorder the line a reader sees).
        #expect(Python.string("m\u{202E}x\u{2066}") == "\"m\\u202ex\\u2066\"")
        #expect(Python.name("softmax") == "softmax_" && Python.name("은행") == "은행")
    }

    @Test func aFailedLetKeepsItsGoodLinesInTheNotebook() throws {
        let lesson = LessonParser.parse("```let\na = 1\nb = [2,\n  3] * a\nc = (a +\n  nope)\nd = 4\n```\n", path: "l.md")
        let step = try #require(Runner().run(lesson).steps.first)
        #expect(step.error != nil)
        let code = NotebookExport.stepCode(step)
        #expect(code.contains("a = np.float64(1.0)") || code.contains("a = 1.0"))
        #expect(code.contains("record(\"b\", b)"))
        #expect(!code.contains("record(\"c\""))
        #expect(code.contains("stepmark reports an error here (line 6, column 3)"))
    }

    @Test func dataFolderIsRelativeToTheNotebook() {
        #expect(NotebookExport.relativePath(from: "/a/notebooks", to: "/a/lessons/en") == "../lessons/en")
        #expect(NotebookExport.relativePath(from: "/a/b", to: "/a/b") == ".")
    }

    /// The code cells run in order by python3 (numpy only), printing through the trace hook.
    @Test func cellsRecomputeTheLectureNumbers() throws {
        let run = try NotebookRedTeamTests.run(try Self.notebook()) { !$0.hasPrefix("answer_") && !$0.hasPrefix("check(") }
        #expect(run.status == 0, "\(run.printed)")
        func data(_ step: Int, _ name: String) -> [Double] { run.numbers(step, name) }
        // softmax([2, 0, 0]): shifted (0, −2, −2), sum 1 + 2e⁻², output (e², 1, 1) / (e² + 2).
        let e2 = exp(2.0)
        #expect(Self.near(data(1, "shifted"), [0, -2, -2]))
        #expect(Self.near(data(1, "sum"), [1 + 2 / e2]))
        #expect(Self.near(data(1, "output"), [e2 / (e2 + 2), 1 / (e2 + 2), 1 / (e2 + 2)]))
        // [1, 2] · Iᵀ = [1, 2].
        #expect(Self.near(data(3, "lambda"), [1, 2]))
        // Q = I: scores = I, scaled = I/√2, weights rows (e^s, 1)/(e^s + 1) with s = 1/√2.
        let s = 1 / 2.0.squareRoot(), p = exp(s) / (exp(s) + 1)
        #expect(Self.near(data(4, "scaled"), [s, 0, 0, s]))
        #expect(Self.near(data(4, "weights"), [p, 1 - p, 1 - p, p]))
        #expect(Self.near(data(4, "output"), [p + 3 * (1 - p), 2 * p + 4 * (1 - p), (1 - p) + 3 * p, 2 * (1 - p) + 4 * p]))
    }

    @Test func aDirectiveWithoutATranslationIsAnAnnouncedGap() throws {
        let lesson = LessonParser.parse("```show\nx\n```\n", path: "l.md")
        var step = try #require(Runner().run(lesson).steps.first)
        step.error = nil
        // Every registered directive has a translation now; a future one without a coder
        // still gets an announced gap.
        step.directive = "future_directive"
        #expect(NotebookExport.stepCode(step).contains("known_gap(\"the future_directive directive has no numpy translation yet\")"))
    }

    static func near(_ a: [Double], _ b: [Double]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= 1e-12 }
    }
}

/// The command lines of SPEC §5.
@Suite(.serialized) struct NotebookExportCLITests {
    @Test func exportWritesTheNotebookAndRenderWritesOnePerLesson() throws {
        let folder = try temporaryFolder(["lessons/one.md": "# One\n\n```softmax\n[1, 2]\n```\n",
                                          "lessons/sub/two.md": "# Two\n\n```let\nx = 2\n```\n"])
        let export = try stepmark(["export", "lessons/one.md", "--format", "ipynb", "--out", "nb"], in: folder)
        #expect(export.status == 0)
        let text = try String(contentsOfFile: (folder as NSString).appendingPathComponent("nb/one.ipynb"), encoding: .utf8)
        #expect(text.contains("softmax_step(np.array([1.0, 2.0])"))
        let render = try stepmark(["render", "lessons", "--out", "out", "--format", "md,ipynb"], in: folder)
        #expect(render.status == 0)
        for path in ["out/one.ipynb", "out/sub/two.ipynb", "out/one.md"] {
            #expect(FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent(path)), "\(path)")
        }
    }

    /// `export --model-dir` reaches the notebook (red-team: its Python looked only in
    /// `$STEPMARK_MODEL_DIR` and `.cache/models`): a `MODEL_DIR` cell, relative to the notebook
    /// for a relative flag, which `model_folder` searches before the variable, as stepmark does.
    @Test func exportModelDirReachesTheNotebook() throws {
        let folder = try temporaryFolder(["lessons/m.md": "# M\n\n```model from=tiny\n```\n",
                                          "weights/tiny/config.json": "{}",
                                          "elsewhere/tiny/config.json": "{}"])
        _ = try stepmark(["export", "lessons/m.md", "--out", "nb", "--model-dir", "weights"], in: folder)
        _ = try stepmark(["render", "lessons", "--out", "out/deep", "--format", "ipynb", "--model-dir", "/opt/models"], in: folder)
        let nb = try NotebookExportTests.cells(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/nb/m.ipynb"))) as! [String: Any])
        #expect(nb.contains { $0.source.hasPrefix("MODEL_DIR = \"../weights\"") }, "\(nb.map(\.source))")
        let rendered = try NotebookExportTests.cells(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/out/deep/m.ipynb"))) as! [String: Any])
        #expect(rendered.contains { $0.source.hasPrefix("MODEL_DIR = \"/opt/models\"") })
        // Without the flag there is no such cell, and a lesson without `model` never has one.
        _ = try stepmark(["export", "lessons/m.md", "--out", "plain"], in: folder)
        let plain = try NotebookExportTests.cells(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/plain/m.ipynb"))) as! [String: Any])
        #expect(!plain.contains { $0.source.hasPrefix("MODEL_DIR =") })
        let other = try NotebookExportTests.cells(NotebookExportTests.notebook())
        #expect(!other.contains { $0.source.hasPrefix("MODEL_DIR =") })
        // The notebook's own search, run by Python from the notebook's folder: the exported
        // folder first, then $STEPMARK_MODEL_DIR.
        let prelude = try #require(nb.first { $0.source.contains("def model_folder") }).source
        let cell = try #require(nb.first { $0.source.hasPrefix("MODEL_DIR =") }).source
        let script = prelude + "\n" + cell + "\nprint(model_folder('tiny'))\n"
        try script.write(toFile: folder + "/nb/search.py", atomically: true, encoding: .utf8)
        for (environment, expected) in [("", "../weights/tiny"), ("STEPMARK_MODEL_DIR=../elsewhere ", "../weights/tiny")] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            p.arguments = ["-c", "cd '\(folder)/nb' && \(environment)python3 search.py"]
            let pipe = Pipe()
            p.standardOutput = pipe
            try p.run()
            p.waitUntilExit()
            let printed = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(printed.trimmingWhitespace() == expected, "\(printed)")
        }
    }

    /// The notebook of an assignment, or of `render --student`, does not compute what the
    /// handout hides (a red-team pass found it printing the exercise's softmax and values
    /// derived from it). The key's own export still checks itself.
    @Test func aHandoutsNotebookComputesNoAnswer() throws {
        let key = "# K\n\n```let\nx = [1, 2]\n```\n\n```softmax exercise=e1 as=p\nx\n```\n\n```answer e1\n[0.2689, 0.7311]\n```\n\n```let\nq = p * 100\nr = x * 3\n```\n\n```let\nz = x + 1\n```\n"
        let folder = try temporaryFolder(["lessons/key.md": key])
        #expect(try stepmark(["assign", "lessons/key.md", "--out", "asg"], in: folder).status == 0)
        #expect(try stepmark(["export", "asg/key.md", "--out", "nb"], in: folder).status == 0)
        #expect(try stepmark(["render", "lessons", "--student", "--out", "st", "--format", "ipynb"], in: folder).status == 0)
        #expect(try stepmark(["export", "lessons/key.md", "--out", "teacher"], in: folder).status == 0)
        func text(_ path: String) throws -> String { try String(contentsOfFile: (folder as NSString).appendingPathComponent(path), encoding: .utf8) }
        for path in ["nb/key.ipynb", "st/key.ipynb"] {
            let notebook = try text(path)
            for leak in ["0.7311", "0.2689", "result = softmax_step(", "begin(2,", "begin(4,", "expected[\\\"e1\\\"]", "check(answer_e1"] {
                #expect(!notebook.contains(leak), "\(leak) in \(path)")
            }
            #expect(notebook.contains("The values of exercise e1 are hidden until the answers are published."))
            #expect(notebook.contains("answer_e1 = None"))
            #expect(notebook.contains("z = (x + np.float64(1.0))"), "a step that reads no exercise value still runs")
        }
        let teacher = try text("teacher/key.ipynb")
        #expect(teacher.contains("result = softmax_step(") && teacher.contains("begin(4,") && teacher.contains("check(answer_e1"))
    }

    /// The prompt says what counts as right for the exercise's kind: a token exercise spoke of
    /// "entries within 0.01". A handout, which does not compute the step, names both rules.
    @Test func theExercisePromptSaysWhatCountsAsRight() throws {
        let key = "# K\n\n```tokenize exercise=t1\nthe cat\n```\n\n```answer t1\n[\"the\", \"cat\"]\n```\n\n```softmax exercise=n1 tol=0.05\n[1, 2]\n```\n\n```answer n1\n[0.27, 0.73]\n```\n"
        let teacher = NotebookExportTests.cells(try NotebookExportTests.notebook(key)).filter { $0.type == "markdown" && $0.source.hasPrefix("**Exercise") }
        #expect(teacher.count == 2)
        #expect(teacher[0].source.contains("the tokens must be exactly the same") && !teacher[0].source.contains("within"))
        #expect(teacher[1].source.contains("entries within 0.05 count as correct") && !teacher[1].source.contains("tokens"))
        let folder = try temporaryFolder(["lessons/key.md": key])
        #expect(try stepmark(["assign", "lessons/key.md", "--out", "asg"], in: folder).status == 0)
        #expect(try stepmark(["export", "asg/key.md", "--out", "nb"], in: folder).status == 0)
        let handout = try String(contentsOfFile: (folder as NSString).appendingPathComponent("nb/key.ipynb"), encoding: .utf8)
        #expect(handout.contains("numbers within 0.05 count as correct, tokens and text must be exactly the same"))
        // tol=0 reads as a sentence (it said "entries exact count as correct").
        let exact = NotebookExportTests.cells(try NotebookExportTests.notebook("# K\n\n```let exercise=d tol=0\nx = 2\n```\n\n```answer d\n2\n```\n"))
            .filter { $0.type == "markdown" && $0.source.hasPrefix("**Exercise") }
        #expect(exact.first?.source.contains("; every entry must be exactly right.") == true, "\(exact.map(\.source))")
    }

    /// Notebooks are owned as pages are: a hand-edited or foreign notebook in --out is not
    /// replaced without --overwrite (render rewrote it silently), stepmark's own is.
    @Test func renderKeepsNotebooksItDidNotWrite() throws {
        let folder = try temporaryFolder(["l/a.md": "# A\n\n```let\nx = 1\n```\n", "o/a.ipynb": "{\"mine\": true}\n"])
        let refused = try stepmark(["render", "l", "--out", "o", "--format", "ipynb"], in: folder)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("o/a.ipynb: exists and is not stepmark's own earlier output"))
        func text() throws -> String { try String(contentsOfFile: (folder as NSString).appendingPathComponent("o/a.ipynb"), encoding: .utf8) }
        #expect(try text() == "{\"mine\": true}\n")
        #expect(try stepmark(["render", "l", "--out", "o", "--format", "ipynb", "--overwrite"], in: folder).status == 0)
        #expect(try stepmark(["render", "l", "--out", "o", "--format", "ipynb"], in: folder).status == 0, "its own notebook is replaced")
        try (try text() + " ").write(toFile: (folder as NSString).appendingPathComponent("o/a.ipynb"), atomically: true, encoding: .utf8)
        #expect(try stepmark(["render", "l", "--out", "o", "--format", "ipynb"], in: folder).status == 2, "an edited one is not")
    }

    /// export replaces its own notebook but not one it did not write (red-team pass: a user's
    /// notebook of the same name was replaced without a word).
    @Test func exportKeepsANotebookItDidNotWrite() throws {
        let folder = try temporaryFolder(["a.md": "# A\n\n```let\nx = 1\n```\n", "nb/a.ipynb": "{\"my\": \"own notebook\"}\n"])
        let refused = try stepmark(["export", "a.md", "--out", "nb"], in: folder)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("nb/a.ipynb: exists and is not a notebook stepmark exported"))
        #expect(try String(contentsOfFile: folder + "/nb/a.ipynb", encoding: .utf8) == "{\"my\": \"own notebook\"}\n")
        #expect(try stepmark(["export", "a.md", "--out", "nb", "--overwrite"], in: folder).status == 0)
        #expect(try stepmark(["export", "a.md", "--out", "nb"], in: folder).status == 0, "its own notebook is replaced")
    }

    @Test func badUsageAndUnreadableFilesExitTwo() throws {
        let folder = try temporaryFolder(["one.md": "# One\n"])
        #expect(try stepmark(["export", "one.md", "--format", "pdf", "--out", "nb"], in: folder).status == 2)
        let missing = try stepmark(["export", "missing.md", "--out", "nb"], in: folder)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("missing.md"))
        let twice = try stepmark(["export", "one.md", "./one.md", "--out", "nb"], in: folder)
        #expect(twice.status == 2)
        #expect(twice.stderr.contains("would both be written as one.ipynb"))
    }
}

/// Defects a red-team pass found by running exported notebooks and comparing them with
/// `stepmark run --format json`: each lesson is exported and every code cell run in order by
/// python3, as Jupyter would.
@Suite struct NotebookRedTeamTests {
    struct Run {
        var status: Int32
        var printed: String
        /// The trace hook's lines: one recorded value each (step, name, kind, data, rows, cols).
        var entries: [[String: Any]]

        func entry(_ step: Int, _ name: String) -> [String: Any]? {
            entries.first { $0["step"] as? Int == step && $0["name"] as? String == name }
        }

        func numbers(_ step: Int, _ name: String) -> [Double] {
            let raw = entry(step, name)?["data"]
            if let x = raw as? Double { return [x] }
            if let v = raw as? [Double] { return v }
            return (raw as? [[Double]] ?? []).flatMap { $0 }
        }
    }

    /// Every code cell of the notebook (those `keeping` keeps), in order, as one python3 script
    /// (stderr joins stdout, so an exception shows in `printed`).
    static func run(_ notebook: [String: Any], keeping: (String) -> Bool = { _ in true }) throws -> Run {
        let code = NotebookExportTests.cells(notebook).filter { $0.type == "code" && keeping($0.source) }.map(\.source).joined(separator: "\n\n")
        let folder = try temporaryFolder(["notebook.py": code])
        let trace = (folder as NSString).appendingPathComponent("trace.jsonl")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", (folder as NSString).appendingPathComponent("notebook.py")]
        process.environment = ProcessInfo.processInfo.environment.merging(["STEPMARK_NOTEBOOK_TRACE": trace]) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let printed = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let lines = (try? String(contentsOfFile: trace, encoding: .utf8)) ?? ""
        let entries = lines.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        return Run(status: process.terminationStatus, printed: printed, entries: entries)
    }

    static func run(_ markdown: String) throws -> Run { try run(try NotebookExportTests.notebook(markdown)) }

    /// A key's exercise whose step failed has no expected value: its check cell said so with a
    /// KeyError, which stopped the notebook; it now prints why and the notebook runs on.
    @Test func aFailedExerciseStepsCheckCellRunsOn() throws {
        let run = try Self.run("# K\n\n```softmax exercise=e1\n[1, \"x\"]\n```\n\n```answer e1\n[0.5, 0.5]\n```\n\n```let\ny = 2\n```\n")
        #expect(run.status == 0, "\(run.printed)")
        #expect(run.printed.contains("exercise e1 has no expected value: its step failed in stepmark"))
        #expect(Self.near(run.numbers(3, "y"), [2]), "the cells after it run")
    }

    /// The lesson's file name sits in a code span of the first cell; a name with a backtick
    /// closed the span and the rest (an `<img onerror=…>`) was live HTML in Jupyter.
    @Test func theFileNameStaysInsideItsCodeSpan() throws {
        let lesson = LessonParser.parse("```let\nx = 1\n```\n", path: "dir/x` <img src=x onerror=alert(1)> ``.md")
        let text = NotebookExport.notebook(lesson: lesson, report: Runner().run(lesson))
        let notebook = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let first = NotebookExportTests.cells(notebook)[0].source
        #expect(first.contains("from ``` x` <img src=x onerror=alert(1)> ``.md ```. "), "\(first)")
        #expect(NotebookExport.codeSpan("plain.md") == "` plain.md `")
        #expect(NotebookExport.codeSpan("a\n\nb") == "` a  b `", "a blank line would end the paragraph and the span")
    }

    /// The key's notebook exported the steps inside solution regions (closed or not) as code;
    /// CHOICES says solution regions are always left out. A later step that reads what one
    /// defined shows its source and stepmark's note instead of failing on the missing name.
    @Test func solutionRegionsStayOutOfTheKeysNotebook() throws {
        let key = "# K\n\n```let\na = 1\n```\n\n<!-- solution -->\n```let\nhidden_solution = 424242\n```\n<!-- end solution -->\n\n```let\nb = a + 1\n```\n\n```let\nc = hidden_solution + 1\n```\n\n```let\nd = a + 2\n```\n\n<!-- solution -->\n```let\nother_secret = 777\n```\n"
        let notebook = try NotebookExportTests.notebook(key)
        let text = NotebookExportTests.cells(notebook).map(\.source).joined(separator: "\n")
        for leak in ["424242", "424243", "777", "hidden_solution ="] { #expect(!text.contains(leak), "\(leak)") }
        #expect(text.contains("this step uses hidden_solution, computed in a solution"))
        let run = try Self.run(notebook)
        #expect(run.status == 0, "\(run.printed)")
        #expect(Self.near(run.numbers(3, "b"), [2]) && Self.near(run.numbers(5, "d"), [3]))
        #expect(run.entry(4, "c") == nil)
    }

    /// `show` takes one name or expression per line; the notebook recorded an expression as a
    /// name (`record("X[0] + 1", spelt__58_5b…)`) and stopped with a NameError.
    @Test func showComputesItsExpressions() throws {
        let run = try Self.run("```let\nX = [[1, 2], [3, 4]]\n```\n\n```show as=s\nX[0] + 1  # the first row, shifted\nX.shape\nX\nsum(X)\n```\n\n```let\nt = s * 2\n```\n")
        #expect(run.status == 0, "\(run.printed)")
        #expect(Self.near(run.numbers(2, "X[0] + 1"), [2, 3]))
        #expect(Self.near(run.numbers(2, "X.shape"), [2, 2]))
        #expect(Self.near(run.numbers(2, "X"), [1, 2, 3, 4]))
        #expect(Self.near(run.numbers(2, "sum(X)"), [10]))
        #expect(Self.near(run.numbers(3, "t"), [20]), "as= stores the last line's value")
    }

    /// A `nearest` query that is a table token but no expression (`##ing`, `3d`, `'''""`) is
    /// ranked as stepmark ranks it; the notebook printed "not reproduced in numpy".
    @Test func nearestTakesATokenThatIsNoExpression() throws {
        let lesson = #"""
            ```embeddings
            ##ing: [1, 0]
            3d: [0.6, 0.8]
            '''"": [0, 1]
            cat: [0.8, 0.6]
            ```

            ```nearest k=2
            ##ing
            ```

            ```nearest k=2
            3d
            ```

            ```nearest k=1
            '''""
            ```
            """#
        let report = Runner().run(LessonParser.parse(lesson, path: "l.md"))
        #expect(report.ok && report.steps.count == 4, "\(report.errors)")
        let run = try Self.run(lesson)
        #expect(run.status == 0 && !run.printed.contains("not reproduced"), "\(run.printed)")
        for step in report.steps.dropFirst() {
            guard case .tensor(let ranking)? = step.value(named: "ranking")?.value else { Issue.record("no ranking"); continue }
            #expect(Self.near(run.numbers(step.index, "ranking"), ranking.data), "step \(step.index)")
            #expect(run.entry(step.index, "ranking")?["rows"] as? [String] == ranking.rowLabels, "step \(step.index)")
        }
    }

    /// hide= applies to every format (CHOICES): the notebook printed the values of a
    /// hide=values step and showed all of a hide=all one. Each cell still runs (later cells
    /// read its names); Jupyter's metadata folds what the author hid.
    @Test func hideFoldsTheCellAndPrintsNoHiddenValue() throws {
        let lesson = """
            # H

            ```let hide=values
            a = [1, 2]
            ```

            ```let hide=all
            b = a * 20
            ```

            ```let hide=source
            c = b + 1
            ```

            ```let hide=all
            d = c + nope
            ```
            """
        let notebook = try NotebookExportTests.notebook(lesson)
        let cells = try #require(notebook["cells"] as? [[String: Any]])
        func cell(_ step: Int) throws -> [String: Any] {
            try #require(cells.first { ($0["source"] as? [String] ?? []).joined().contains("begin(\(step), ") })
        }
        func folded(_ step: Int) throws -> [String: Bool] {
            ((try cell(step))["metadata"] as? [String: Any])?["jupyter"] as? [String: Bool] ?? [:]
        }
        #expect(try folded(1) == [:])
        #expect(try folded(2) == ["source_hidden": true, "outputs_hidden": true])
        #expect(try folded(3) == ["source_hidden": true])
        #expect(try folded(4) == [:], "a failed hide=all step shows its source and error")
        let run = try Self.run(notebook)
        #expect(run.status == 0, "\(run.printed)")
        #expect(!run.printed.contains("a =") && !run.printed.contains("b =") && run.printed.contains("c =\n[21. 41.]"), "\(run.printed)")
        #expect(run.printed.contains("stepmark reports an error here"))
        // Computed all the same: the trace (the checker's hook, not an output) has them.
        #expect(Self.near(run.numbers(1, "a"), [1, 2]) && Self.near(run.numbers(2, "b"), [20, 40]) && Self.near(run.numbers(3, "c"), [21, 41]))
    }

    /// A handout's notebook (`--student`, an assignment) keeps hide= on the steps it shows only
    /// as source and note: hide=source left the fenced source there, hide=all the whole step.
    @Test func aHandoutsHiddenStepKeepsItsHide() throws {
        let key = "# K\n\n```softmax exercise=s1 hide=source\n[1, 2]\n```\n\n```answer s1\n[0.27, 0.73]\n```\n\n```softmax exercise=s2 hide=all\n[3, 4]\n```\n\n```answer s2\n[0.27, 0.73]\n```\n\n```let hide=values\nz = [5, 6]\n```\n"
        let lesson = LessonParser.parse(key, path: "k.md")
        let text = NotebookExport.notebook(lesson: lesson, report: StudentView.apply(Runner().run(lesson)))
        let notebook = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let cells = NotebookExportTests.cells(notebook)
        #expect(!text.contains("[1, 2]") && !text.contains("[3, 4]"), "\(cells.map(\.source))")
        #expect(cells.contains { $0.source == "_The values of exercise s1 are hidden until the answers are published._" })
        #expect(!cells.contains { $0.source.contains("exercise s2 are hidden") })
        #expect(cells.contains { $0.source.hasPrefix("answer_s1 = None") } && cells.contains { $0.source.hasPrefix("answer_s2 = None") })
        let run = try Self.run(notebook)
        #expect(run.status == 0 && !run.printed.contains("z ="), "\(run.printed)")
        #expect(Self.near(run.numbers(5, "z"), [5, 6]))
    }

    /// row() on a value made from a labelled matrix (a slice, .T, arithmetic, softmax, …): the
    /// notebook's Labelled dropped the labels in every operation, so row() stopped with
    /// "the value has no row labels in this notebook". They are carried now as stepmark carries
    /// them; every value and its row and column labels agree with stepmark's.
    @Test func labelsFollowTheOperationsAsInStepmark() throws {
        let lesson = """
            ```let
            X = label([[1,5],[4,2],[7,8]], rows=["a","b","c"], cols=["p","q"])
            v = label([3, 4], rows=["p", "q"])
            a = row(X[1:3], "b")
            b = row(X.T, "q")
            c = row(X + 1, "a")
            d = row(-X, "a")
            e = row(softmax(X), "a")
            f = row(normalize(X), "a")
            g = row(row(X, "c"), "q")
            h = X @ X.T
            i = row(X[:, 1], "c") + row(X[0, 0:2], "q")
            k = [10, 20] + v * 2
            m = X * [1, 2] - [[1], [2], [3]]
            n = X @ v
            o = v @ X.T
            p = sum(X, axis=row) + mean(X.T, axis=col)
            r = max(v, axis=col)
            s = cosine(X, X)
            t = cosine(v, X)
            u = relu(X - 3) + sigmoid(X) + exp(X / 10) + abs(-X)
            w = label(X, cols=["P", "Q"])
            y = row(transpose(X), "p")
            z = row(h, "c")
            ```
            """
        let report = Runner().run(LessonParser.parse(lesson, path: "l.md"))
        #expect(report.ok, "\(report.errors)")
        let run = try Self.run(lesson)
        #expect(run.status == 0, "\(run.printed)")
        let values = try #require(report.steps.first?.values)
        #expect(values.count == 23)
        for named in values {
            guard case .tensor(let t) = named.value else { Issue.record("\(named.name) is no tensor"); continue }
            let entry = run.entry(1, named.name)
            #expect(Self.near(run.numbers(1, named.name), t.data), "\(named.name)")
            #expect(entry?["rows"] as? [String] == t.rowLabels && entry?["cols"] as? [String] == t.colLabels,
                    "\(named.name): \(String(describing: entry?["rows"])) \(String(describing: entry?["cols"])) vs \(String(describing: t.rowLabels)) \(String(describing: t.colLabels))")
        }
    }

    static func near(_ a: [Double], _ b: [Double], _ tolerance: Double = 1e-9) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($1)) }
    }
}
