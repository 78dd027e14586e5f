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
            and prints them under the same names; exercises become answer and check cells.
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

    @OptionGroup(title: "Limits (SPEC §7; raise them for trusted lessons)") var limits: LimitOptions

    func validate() throws {
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
                let report = Runner(limits: limits.limits).run(lesson)
                let name = FilePathText.removingExtension(FilePathText.lastComponent(file)) + ".ipynb"
                let data = NotebookExport.relativePath(from: out, to: FilePathText.parent(file))
                try AtomicFile.write(NotebookExport.notebook(lesson: lesson, report: report, dataFolder: data),
                                     to: FilePathText.join(out, name))
                for e in report.errors { printError("\(file):\(e.line):\(e.column): error: \(e.message)") }
                failed = failed || !report.ok
                print("wrote \(FilePathText.join(out, name))")
            } catch let e as ReadError {
                printError("error: \(e)")
                unreadable = true
            }
        }
        if unreadable { throw ExitCode(2) }
        if failed { throw ExitCode(1) }
    }
}

/// `render --format ipynb`: one notebook per lesson of the plan, mirroring the input tree.
/// Returns the number of notebooks written.
func renderNotebooks(_ plan: CoursePlan, limits: Limits) throws -> Int {
    var written = 0
    for entry in plan.lessons {
        let lesson = try LessonParser.read(path: entry.source, limits: limits)
        let report = Runner(limits: limits).run(lesson)
        let path = FilePathText.join(plan.out, entry.relative + ".ipynb")
        let data = NotebookExport.relativePath(from: FilePathText.parent(path),
                                               to: FilePathText.parent(entry.source))
        try AtomicFile.write(NotebookExport.notebook(lesson: lesson, report: report, dataFolder: data), to: path)
        written += 1
    }
    return written
}
