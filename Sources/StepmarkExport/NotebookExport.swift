import FoundationEssentials
import StepmarkCore
import StepmarkLesson
import StepmarkRender

/// A lesson as a Jupyter notebook (nbformat 4.5) whose numpy code recomputes every sub-step.
///
/// The notebook holds, in order: a title cell, the prelude (the shared helper functions, one
/// per directive, with stepmark's conventions), then the lesson's prose as Markdown cells and
/// one code cell per directive that calls its helper with the directive's arguments and body
/// and prints each sub-step under its SPEC §3 name. An exercise becomes an answer cell for the
/// student and a check cell that compares with the tolerance and prints which entries are off
/// (no `assert`, so a wrong answer never stops the notebook). Teacher-only solution regions
/// and the key's `answer` blocks are left out.
///
/// With the environment variable `STEPMARK_NOTEBOOK_TRACE` set to a file, every recorded value
/// is also appended to that file as one JSON line with full precision — the hook that
/// `Tests/notebooks/check.py` uses to compare the notebook with stepmark's JSON.
public enum NotebookExport {
    /// The words the first cell starts with, by which `export` knows its own notebooks.
    public static let marker = "Exported by stepmark from"

    /// The notebook's JSON text for a lesson and the report of running it.
    /// - Parameter dataFolder: where the notebook finds the files the lesson loads (`load()`,
    ///   `from=`), relative to the notebook's folder: the lesson's folder, usually.
    /// - Parameter modelFolder: the `--model-dir` given to stepmark (relative to the notebook's
    ///   folder, or absolute), which the notebook then searches first for a `model` as stepmark
    ///   did; nil when none was given.
    public static func notebook(lesson: Lesson, report: Report, dataFolder: String = ".", modelFolder: String? = nil) -> String {
        // Solution regions are the teacher's working and stay out of every notebook (CHOICES):
        // their steps go, and a later step that reads what they defined shows its source and
        // the note, as in `step` without --teacher (its code would fail on the missing name).
        let report = StudentView.withoutSolutionSteps(report)
        var cells: [JSON] = []
        let intro = "_\(marker) \(codeSpan(FilePathText.lastComponent(lesson.path))). "
            + "Every code cell recomputes its step with plain numpy (the first cell defines the helpers) "
            + "and prints each intermediate value under the name stepmark gives it._"
        let firstProse = report.blocks.lazy.compactMap { if case .prose(let p) = $0 { p.markdown } else { nil } }.first ?? ""
        let startsWithTitle = firstProse.trimmingWhitespace().hasPrefix("# ")
        cells.append(markdown((startsWithTitle ? "" : "# \(report.title)\n\n") + intro))
        cells.append(code(Prelude.source, sourceHidden: true))
        if lesson.lines.contains(where: { $0.contains("load(") || $0.contains("from=") }) {
            cells.append(code("LESSON_DIR = \(Python.string(dataFolder))  # where load() and from= find the lesson's files"))
        }
        if let modelFolder, report.blocks.contains(where: { if case .step(let s) = $0 { s.directive == "model" } else { false } }) {
            cells.append(code("MODEL_DIR = \(Python.string(modelFolder))  # the --model-dir stepmark was given"))
        }
        if lesson.lines.contains(where: { $0.contains("variant") }) {
            // The number a lesson reads as `variant` (SPEC §4): an assignment's own, 0 in a key.
            cells.append(code("variant = \(lesson.frontMatter?.variant ?? 0)  # this copy's own numbers (0 in the teacher's key)"))
        }
        for block in report.blocks {
            switch block {
            case .prose(let prose):
                let text = prose.handoutMarkdown.trimmingWhitespace()
                if !text.isEmpty { cells.append(markdown(text)) }
            case .step(let step):
                guard step.directive != "answer" else { continue }
                if let hidden = step.hidden {
                    // A handout's notebook (an assignment, render --student) does not compute
                    // what the handout hides: code that computes an exercise's value would show
                    // it to anyone who runs or reads the cell. Its source and the note stay;
                    // no later shown step reads what it defines, so nothing else needs it.
                    // The author's hide= still holds: no source with hide=source, nothing with hide=all.
                    let note = "_" + hidden.note(report.language) + "_"
                    if !step.isHiddenEntirely { cells.append(markdown(step.showsSource ? fenced(step.block.source) + "\n\n" + note : note)) }
                    if let exercise = step.exercise { cells += exerciseCells(step, exercise, checkable: false) }
                    continue
                }
                // hide= (CHOICES: every format): the cell always runs, since later cells read
                // what it defines; Jupyter's own metadata folds its source (source, all) and its
                // output (all), and with values or all it prints no value (stepCode).
                cells.append(code(stepCode(step), sourceHidden: !step.showsSource, outputsHidden: step.isHiddenEntirely))
                if let exercise = step.exercise { cells += exerciseCells(step, exercise) }
            }
        }
        // nbformat 4.5 gives every cell an id.
        let identified: [JSON] = cells.enumerated().map { k, cell in
            guard case .object(let fields) = cell else { return cell }
            return .object([("id", .string("cell-\(k + 1)"))] + fields)
        }
        let notebook: JSON = .object([
            ("cells", .array(identified)),
            ("metadata", .object([
                ("kernelspec", .object([("display_name", .string("Python 3")), ("language", .string("python")), ("name", .string("python3"))])),
                ("language_info", .object([("name", .string("python"))])),
                ("title", .string(report.title)),
            ])),
            ("nbformat", .int(4)),
            ("nbformat_minor", .int(5)),
        ])
        return notebook.serialized(pretty: true) + "\n"
    }

    /// Where a notebook in `folder` finds the `--model-dir` stepmark was given: an absolute
    /// folder as it is (the notebook may move; the models stay), a relative one from the notebook.
    public static func modelFolder(from folder: String, given: String?) -> String? {
        guard let given, !given.isEmpty else { return nil }
        return given.hasPrefix("/") ? given : relativePath(from: folder, to: given)
    }

    /// The path of `target` relative to `folder` (both relative to the working directory or
    /// absolute), for `dataFolder`: `notebooks` → `lessons/en` gives `../lessons/en`.
    public static func relativePath(from folder: String, to target: String) -> String {
        let from = URL(fileURLWithPath: folder).standardizedFileURL.pathComponents
        let to = URL(fileURLWithPath: target).standardizedFileURL.pathComponents
        var common = 0
        while common < min(from.count, to.count), from[common] == to[common] { common += 1 }
        let parts = Array(repeating: "..", count: from.count - common) + to[common...]
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    /// The directives that have a code generator (the others become printed known gaps).
    public static var supportedDirectives: [String] { DirectiveCoders.all.keys.sorted() }

    /// One directive's cell: its source as a comment, then the call of its helper.
    static func stepCode(_ step: Step) -> String {
        var lines = step.block.source.split(separator: "\n", omittingEmptySubsequences: false).map { "# " + $0 }
        while lines.last == "# " { lines.removeLast() }
        // hide=values and hide=all: the values are computed (later cells and the check read
        // them) but not printed; an error still is.
        let valuesShown = step.hide != .values && step.hide != .all
        lines.append("begin(\(step.index), \(Python.string(step.directive))\(valuesShown ? "" : ", values_shown=False"))")
        if let error = step.error {
            // A failed let keeps the names its good lines defined (SPEC §1), here as in stepmark.
            lines += goodLinesOfAFailedLet(step)
            lines.append("print(\(Python.string("stepmark reports an error here (line \(error.line), column \(error.column)): \(error.message)")))")
            return lines.joined(separator: "\n")
        }
        guard let coder = DirectiveCoders.all[step.directive] else {
            lines.append("known_gap(\(Python.string("the \(step.directive) directive has no numpy translation yet")))")
            return lines.joined(separator: "\n")
        }
        do {
            let generated = try coder(StepSource(step: step))
            lines += generated.lines
            if let exercise = step.exercise {
                // Taken when the directive's cell runs, so the check cell compares with this
                // step's value even after later cells ran.
                let checked = exercise.check ?? step.resultName ?? "output"
                lines.append("expected[\(Python.string(exercise.id))] = step_values[\(Python.string(checked))]")
            }
            if let result = generated.result {
                for name in generated.stores { lines.append("\(Python.name(name)) = \(result)") }
                if case .word(let name)? = step.arguments.first(where: { $0.key == "as" })?.value {
                    lines.append("\(Python.name(name)) = \(result)")
                }
            }
        } catch let gap as ExportGap {
            lines.append("known_gap(\(Python.string(gap.message)))")
        } catch {
            lines.append("known_gap(\(Python.string("this step could not be translated: \(error)")))")
        }
        return lines.joined(separator: "\n")
    }

    /// The lines of a failed `let` that ran in stepmark (one recorded value each, in order),
    /// translated; none when they cannot be told apart from the failing line.
    static func goodLinesOfAFailedLet(_ step: Step) -> [String] {
        guard step.directive == "let", let error = step.error, !step.values.isEmpty else { return [] }
        // The body above the error, shortened until its assignments parse (the failing
        // assignment may have started on an earlier line than its error).
        var end = step.block.body.firstIndex { $0.position.line >= error.line } ?? step.block.body.count
        while end > 0 {
            var prefix = step
            prefix.block.body = Array(step.block.body[..<end])
            if let assignments = try? StepSource(step: prefix).assignments(), assignments.count >= step.values.count {
                return assignments.prefix(step.values.count).flatMap { name, python in
                    ["\(Python.name(name)) = \(python)", "record(\(Python.string(name)), \(Python.name(name)))"]
                }
            }
            end -= 1
        }
        return []
    }

    /// `text` as a Markdown code span that nothing in it can close: its fence is longer than any
    /// run of backticks inside, with a space inside each end (CommonMark strips one each side),
    /// and line breaks become spaces, so a file named ``x` <img …> `.md`` stays literal text.
    static func codeSpan(_ text: String) -> String {
        let oneLine = String(text.map { $0.isNewline ? " " : $0 })
        var longest = 0, run = 0
        for c in oneLine { if c == "`" { run += 1; longest = max(longest, run) } else { run = 0 } }
        let fence = String(repeating: "`", count: longest + 1)
        return fence + " " + oneLine + " " + fence
    }

    /// `text` in a Markdown code fence longer than any run of backticks inside it.
    static func fenced(_ text: String) -> String {
        var longest = 0, run = 0
        for c in text { if c == "`" { run += 1; longest = max(longest, run) } else { run = 0 } }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        return fence + "\n" + text + "\n" + fence
    }

    /// The answer cell (filled in by the student) and the check cell of an exercise; without
    /// the check cell when the notebook does not compute the expected value (a handout's).
    static func exerciseCells(_ step: Step, _ exercise: ExerciseSpec, checkable: Bool = true) -> [JSON] {
        let checked = exercise.check ?? step.resultName ?? "output"
        let variable = Python.answerVariable(exercise.id)
        let value = step.value(named: checked)?.value
        let shape = value?.summary ?? "the value of `\(checked)`"
        var hint = "a number, a list like [0.1, 0.2] or a matrix like [[1, 0], [0, 1]]"
        let tolerance = Runner.trimmed(exercise.tolerance)
        // tol=0: "within 0" read oddly (a student first-hour review).
        let exact = exercise.tolerance == 0
        // What counts as right: numbers within the tolerance, tokens and text exactly. A
        // handout does not compute the step, so it does not know which and names both.
        var criterion = exact ? "every entry must be exactly right" : "entries within \(tolerance) count as correct"
        switch value {
        case .tokens?:
            hint = "a list of tokens like [\"token\", \"##piece\"]"
            criterion = "the tokens must be exactly the same"
        case .text?:
            hint = "a text in quotes"
            criterion = "the text must be exactly the same"
        case nil:
            hint += ", a list of tokens like [\"token\", \"##piece\"] or a text in quotes"
            criterion = (exact ? "numbers must be exactly right" : "numbers within \(tolerance) count as correct") + ", tokens and text must be exactly the same"
        default: break
        }
        let points = exercise.points == exercise.points.rounded() ? String(Int(exercise.points)) : "\(exercise.points)"
        guard checkable else {
            return [
                markdown("**Exercise `\(exercise.id)`** (\(points) point\(points == "1" ? "" : "s")): compute `\(checked)` of the step above by hand and write it below; \(criterion). The grader reads the assignment's Markdown file, not this notebook: to be graded, copy your answer into its ```answer \(exercise.id)``` block."),
                code("\(variable) = None  # your answer: \(hint)"),
            ]
        }
        // A step that failed in stepmark has no code in the notebook, so no expected value to
        // check against: the check cell says so instead of stopping the notebook (KeyError).
        let check = step.ok
            ? "check(\(variable), expected[\(Python.string(exercise.id))], tol=\(Python.number(exercise.tolerance)))"
            : "print(\(Python.string("exercise \(exercise.id) has no expected value: its step failed in stepmark (see the error above)")))"
        return [
            markdown("**Exercise `\(exercise.id)`** (\(points) point\(points == "1" ? "" : "s")): compute `\(checked)` of the step above by hand (\(shape)), write it below, then run the check; \(criterion)."),
            code("\(variable) = None  # your answer: \(hint)"),
            code(check),
        ]
    }

    static func markdown(_ text: String) -> JSON {
        .object([("cell_type", .string("markdown")), ("metadata", .object([])), ("source", source(text))])
    }

    /// A code cell; `sourceHidden` and `outputsHidden` fold its input and output with Jupyter's
    /// standard cell metadata (`jupyter.source_hidden`, `jupyter.outputs_hidden`).
    static func code(_ text: String, sourceHidden: Bool = false, outputsHidden: Bool = false) -> JSON {
        var folded: [(String, JSON)] = []
        if sourceHidden { folded.append(("source_hidden", .bool(true))) }
        if outputsHidden { folded.append(("outputs_hidden", .bool(true))) }
        let metadata: JSON = folded.isEmpty ? .object([]) : .object([("jupyter", .object(folded))])
        return .object([
            ("cell_type", .string("code")), ("execution_count", .null), ("metadata", metadata),
            ("outputs", .array([])), ("source", source(text)),
        ])
    }

    /// nbformat stores a cell's text as a list of lines, each but the last ending in "\n".
    static func source(_ text: String) -> JSON {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return .array(lines.enumerated().map { k, line in .string(k == lines.count - 1 ? String(line) : line + "\n") })
    }
}
