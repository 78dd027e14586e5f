import ArgumentParser
import FoundationEssentials
import StepmarkCore
import StepmarkExport
import StepmarkGrade
import StepmarkLesson
import StepmarkRender

/// `stepmark export FILE --format ipynb --out DIR` (SPEC §5).
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a lesson as a Jupyter notebook whose numpy code recomputes every sub-step.",
        discussion: """
            The notebook (DIR/NAME.ipynb) holds the lesson's prose as Markdown cells and one code \
            cell per directive that recomputes its sub-steps with plain numpy (no stepmark needed) \
            and prints them under the same names; exercises become answer and check cells. \
            A key's notebook computes every answer: for students, export the assignment \
            (stepmark assign KEY --out DIR, then export DIR/NAME.md), whose notebook computes none.
            Examples:
              stepmark export lessons/en/01-attention.md --format ipynb --out notebooks
              stepmark render lessons --out output --format ipynb
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case ipynb }

    @Argument(help: "Lesson files (Markdown).", completion: .file(extensions: ["md"]))
    var files: [String]

    @Option(help: "The notebook format.")
    var format: Format = .ipynb

    @Option(help: "The output folder.")
    var out: String

    @Flag(help: "Replace a notebook in --out that stepmark did not export (one you wrote or edited elsewhere).")
    var overwrite = false

    @OptionGroup(title: "Limits (SPEC §7; raise them for trusted lessons) and models") var limits: LimitOptions

    /// Whether `path` may be written: nothing there yet, or a notebook stepmark exported (its
    /// first cell says so), unless --overwrite. Jupyter users keep notes in notebooks; one of
    /// theirs in --out is never replaced silently.
    func mayWrite(_ path: String) -> Bool {
        OutputOwnership.mayReplace(path, allowUnowned: overwrite, maxBytes: 64 << 20) {
            String(decoding: $0.prefix(4096), as: UTF8.self).contains(NotebookExport.marker)
        } == .allowed
    }

    func validate() throws {
        // As grade, render and assign: "" would write into the working folder unasked.
        if out.isEmpty { throw ValidationError("--out needs a folder name, not an empty one") }
        // Notebooks are named after their lessons, so two lessons with one name would collide.
        var seen: [String: String] = [:]
        for file in files {
            let name = FilePathText.removingExtension(FilePathText.lastComponent(file))
            if let earlier = seen[name] {
                throw ValidationError("\(earlier) and \(file) would both be written as \(name).ipynb; export them into different --out folders (or use render --format ipynb, which mirrors the folders)")
            }
            seen[name] = file
        }
    }

    func run() throws {
        var unreadable = false, failed = false
        for file in files {
            do {
                let lesson = try LessonParser.read(path: file, limits: limits.limits)
                let report = notebookView(Runner(limits: limits.limits).run(lesson), student: false)
                let name = FilePathText.removingExtension(FilePathText.lastComponent(file)) + ".ipynb"
                guard mayWrite(FilePathText.join(out, name)) else {
                    throw ReadError(path: FilePathText.join(out, name), message: "exists and is not a notebook stepmark exported; refusing to overwrite it. Choose another --out folder, or pass --overwrite to replace it")
                }
                let data = NotebookExport.relativePath(from: out, to: FilePathText.parent(file))
                let models = NotebookExport.modelFolder(from: out, given: limits.limits.modelDirectory)
                try AtomicFile.write(NotebookExport.notebook(lesson: lesson, report: report, dataFolder: data, modelFolder: models),
                                     to: FilePathText.join(out, name))
                // A key's own answers are checked as run checks them (SPEC §4); the notebook
                // itself is made from the run (its check cells compare them for the reader).
                let checked = Exercises.check(report)
                for e in checked.errors { printError(problemLine(file, e, "error", report.language)) }
                failed = failed || !checked.ok
                say("wrote \(FilePathText.join(out, name))")
            } catch let e as ReadError {
                printError("error: \(e)")
                unreadable = true
            }
        }
        if unreadable { throw ExitCode(2) }
        if failed { throw ExitCode(1) }
    }
}

/// What a notebook of this report may compute: an assignment's, or any with `--student`, is
/// the handout's view (SPEC §4), whose hidden steps the notebook does not compute at all.
func notebookView(_ report: Report, student: Bool) -> Report {
    student || report.isAssignment ? StudentView.apply(report) : report
}

/// `render --format ipynb`: one notebook per lesson of the plan, mirroring the input tree.
/// Like the pages, a notebook already in `--out` is replaced only when it is stepmark's own
/// (recorded in the manifest and not edited since) or with `--overwrite`: every notebook is
/// made first, and nothing is written when one would replace a file that is not.
/// Returns the number of notebooks, and of those whose file changed.
func renderNotebooks(_ plan: CoursePlan, limits: Limits, student: Bool, allowUnowned: Bool) throws -> (count: Int, changed: Int) {
    var planned: [(path: String, content: String)] = []
    for entry in plan.lessons {
        let lesson = try LessonParser.read(path: entry.source, limits: limits)
        let report = notebookView(Runner(limits: limits).run(lesson), student: student)
        let path = FilePathText.join(plan.out, entry.relative + ".ipynb")
        let data = NotebookExport.relativePath(from: FilePathText.parent(path),
                                               to: FilePathText.parent(entry.source))
        let models = NotebookExport.modelFolder(from: FilePathText.parent(path), given: limits.modelDirectory)
        planned.append((path, NotebookExport.notebook(lesson: lesson, report: report, dataFolder: data, modelFolder: models)))
    }
    var manifest = RenderManifest.load(outFolder: plan.out)
    let refused = OutputOwnership.refusals(planned: planned, outFolder: plan.out, manifest: manifest, allowUnowned: allowUnowned)
    if let first = refused.first {
        for e in refused.dropFirst() { printError("error: \(e)") }
        throw first
    }
    var changed = 0
    for (path, content) in planned {
        if !OutputOwnership.holds(path, content) {
            try AtomicFile.write(content, to: path)
            changed += 1
        }
        if let relative = OutputOwnership.relativePath(path, in: plan.out) { manifest.record(relative, content: content) }
    }
    if !planned.isEmpty { try manifest.write(outFolder: plan.out) }
    return (planned.count, changed)
}
