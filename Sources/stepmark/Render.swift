import ArgumentParser
import FoundationEssentials
import StepmarkCore
import StepmarkGrade
import StepmarkLesson
import StepmarkPreview
import StepmarkRender

struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Write one report per lesson, and an index, into a folder.",
        discussion: """
            Folders are searched for .md lessons; the output mirrors the input tree. Files are \
            written atomically and only when their content changed.

            Examples:
              stepmark render lessons --out output --format md,html
              stepmark render lessons --out output --check     # exit 1 when output/ is stale
              stepmark render lessons --out handouts --student # hide exercise results and solutions
              stepmark render lessons/en/01-attention.md --out print --format pdf

            PDF is the HTML page printed by headless Chromium (Debian's package chromium; the \
            program chromium or chromium-browser on PATH), A4, without network.
            """
    )

    @Argument(help: "Lesson files or folders.", completion: .file())
    var paths: [String]

    @Option(help: "The output folder.")
    var out: String

    @Option(help: "Comma-separated formats: md, html, json, pdf (printed by Chromium), ipynb.")
    var format: String = "md,html"

    @Flag(help: "Student handouts: exercise results and solutions hidden.")
    var student = false

    @Flag(help: "Write nothing; exit 1 and name the files that differ from what would be rendered.")
    var check = false

    @Flag(help: "Keep running and re-render a lesson when it or a file it reads changes (inotify).")
    var watch = false

    @Flag(help: "Replace files in --out that stepmark did not write (or that were edited since); without it render refuses and names them. A lesson is never replaced: an input, or a Markdown file in --out with directive or answer blocks.")
    var overwrite = false

    @Option(help: ArgumentHelp("How many lessons run at once (default: one per core). The pages are the same for any number; --jobs 1 runs one lesson after another.", valueName: "n"))
    var jobs: Int?

    @OptionGroup(title: "Limits (SPEC §7; raise them for trusted lessons) and models") var limits: LimitOptions

    func validate() throws {
        if out.isEmpty { throw ValidationError("--out needs a folder name, not an empty one") }
        if let jobs, !(1...256).contains(jobs) { throw ValidationError("--jobs must be a whole number from 1 to 256") }
        if let unknown = OutputFormat.list(pageFormats).unknown {
            throw ValidationError("unknown format '\(unknown)' in --format; use md, html, json, pdf and/or ipynb")
        }
        if check && watch {
            throw ValidationError("--check and --watch cannot go together: --check compares the output once and writes nothing, --watch keeps writing it")
        }
        if check && formats.contains(.pdf) {
            throw ValidationError("--check compares md, html and json files; a PDF differs on every print, so leave pdf out of --format")
        }
    }

    /// The page formats (`ipynb` is exported beside them, by StepmarkExport).
    var pageFormats: String { format.split(separator: ",").map { $0.trimmingWhitespace() }.filter { $0 != "ipynb" }.joined(separator: ",") }
    var formats: [OutputFormat] { OutputFormat.list(pageFormats).formats }
    var wantsNotebooks: Bool { format.split(separator: ",").contains { $0.trimmingWhitespace() == "ipynb" } }

    func run() throws {
        if formats.contains(.pdf) && PDFPrinter.browser() == nil {
            printError("error: \(PDFPrinter.missingBrowser)")
            throw ExitCode(2)
        }
        var renderer = Course(formats: formats, student: student, limits: limits.limits)
        renderer.jobs = jobs ?? max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        let plan: CoursePlan
        do {
            plan = try CoursePlan.make(paths: paths, out: out)
            // The course's index pages are index.md and index.html at the top of --out: a
            // lesson there named index would be written over by them (and the index linked to
            // itself), so it is refused before anything is written.
            if let clash = plan.lessons.first(where: { $0.relative == "index" }) {
                throw ReadError(path: clash.source, message: "would be written where the course's index page goes (index.md, index.html at the top of \(out)); rename the lesson")
            }
            // Nothing to render is a mistake (a wrong folder, or lessons inside --out, which
            // are skipped), said as grade says it; --watch may start empty and wait.
            if plan.lessons.isEmpty && !watch {
                printError("error: no lessons found in \(paths.joined(separator: ", ")): a lesson is a .md file (not README.md, not hidden, not inside --out \(out))")
                throw ExitCode(2)
            }
        } catch let e as ReadError {
            printError("error: \(e)")
            throw ExitCode(2)
        }
        // Each lesson's pages are written as soon as they are rendered (Course.renderStreaming);
        // its problems are printed after the read errors, as before.
        var problems: [Report] = []
        let result: Course.StreamedRender
        do {
            result = try renderer.renderStreaming(plan, allowUnowned: overwrite, checkOnly: check) { report in
                // Only what printProblems reads is kept: the lesson's path, errors and warnings.
                if !report.errors.isEmpty || !report.warnings.isEmpty {
                    var kept = report
                    kept.diagnostics = report.errors
                    kept.blocks = []
                    kept.exercises = []
                    problems.append(kept)
                }
            }
        } catch let e as ReadError {
            printError("error: \(e)")
            throw ExitCode(2)
        }
        for e in result.readErrors { printError("error: \(e)") }
        // With --watch, the first render's problems go where the re-renders' go: standard output.
        for report in problems { printProblems(report, onStandardOutput: watch) }
        if check {
            for f in result.stale { printError("stale: \(f)") }
            if !result.stale.isEmpty {
                let stale = result.stale.count == 1 ? "1 file in \(out) differs" : "\(result.stale.count) files in \(out) differ"
                printError("\(stale) from the lessons; render again without --check to update them")
                throw ExitCode(1)
            }
            say(result.files == 1 ? "1 file in \(out) is up to date" : "\(result.files) files in \(out) are up to date")
        } else {
            do {
                var changed = result.written
                if wantsNotebooks {
                    let notebooks = try renderNotebooks(plan, limits: limits.limits, student: student, allowUnowned: overwrite)
                    changed += notebooks.changed
                    say("exported \(notebooks.count) notebook\(notebooks.count == 1 ? "" : "s") into \(out)")
                }
                say("rendered \(result.lessons) lesson\(result.lessons == 1 ? "" : "s") into \(out) (\(changed) file\(changed == 1 ? "" : "s") changed)")
            } catch let e as ReadError {
                printError("error: \(e)")
                throw ExitCode(2)
            }
        }
        if watch {
            try watchLoop(plan: plan, renderer: renderer)
        }
        if !result.readErrors.isEmpty { throw ExitCode(2) }
        if !result.ok { throw ExitCode(1) }
    }

    /// Re-renders on inotify events (no polling): a changed lesson, the lessons that read a
    /// changed file (`load()`, `from=`, images), and new or deleted lessons, which re-render
    /// the course with its index. Ctrl-C stops.
    func watchLoop(plan: CoursePlan, renderer: Course) throws {
        unblockStopSignals()
        let watcher: FileWatcher
        do {
            watcher = try FileWatcher()
            let folders = plan.roots.isEmpty ? Array(Set(plan.lessons.map { FilePathText.parent($0.source) })) : plan.roots
            for folder in folders.sorted() { try watcher.watchTree(folder.isEmpty ? "." : folder) }
        } catch {
            printError("error: \(error)")
            throw ExitCode(2)
        }
        let course = WatchedCourse(plan: plan, overwrite: overwrite)
        say("watching \(plan.lessons.count) lesson\(plan.lessons.count == 1 ? "" : "s") and the files they read; Ctrl-C stops")
        watcher.start { changed in course.update(changed, renderer: renderer) }
        while true { sleep(3600) }
    }
}

/// The course `render --watch` keeps up to date; updated on the watcher's thread only.
final class WatchedCourse: @unchecked Sendable {
    private var plan: CoursePlan
    private let out: String
    private let overwrite: Bool

    init(plan: CoursePlan, overwrite: Bool) {
        self.plan = plan
        self.overwrite = overwrite
        out = URL(fileURLWithPath: plan.out).standardizedFileURL.path
    }

    func update(_ changed: Set<String>, renderer: Course) {
        // What render itself writes (an --out inside the lesson folder) is never an input.
        let inputs = changed.filter { !URL(fileURLWithPath: $0).standardizedFileURL.path.hasPrefix(out + "/") }
        let lessons = plan.lessons.map { ChangeScope.Lesson(source: $0.source, relative: $0.relative) }
        let scope = ChangeScope.of(changed: inputs, lessons: lessons, roots: plan.roots)
        guard !scope.isEmpty else { return }
        let known = Set(lessons.map(\.relative))
        let added = scope.render.filter { !known.contains($0.relative) }
        let targets: CoursePlan
        if added.isEmpty && scope.removed.isEmpty {
            let changedNames = Set(scope.render.map(\.relative))
            targets = CoursePlan(lessons: plan.lessons.filter { changedNames.contains($0.relative) }, out: plan.out, roots: plan.roots)
        } else {
            // Lessons came or went: the folder listing is the truth, and the index changes.
            guard let fresh = try? CoursePlan.make(paths: plan.roots, out: plan.out) else { return }
            plan = fresh
            targets = fresh
        }
        let result = renderer.render(targets, includeIndex: !(added.isEmpty && scope.removed.isEmpty))
        do { _ = try result.write(allowUnowned: overwrite) } catch { printError("error: \(error)") }
        // A lesson that can no longer be read (not UTF-8, gone, too large) is said where the
        // re-renders are; its last good pages stay until it reads again (a red-team pass found
        // the watch silent).
        for e in result.readErrors { say("error: \(e)") }
        for report in result.reports {
            let errors = report.errors.count
            say("re-rendered \(report.lessonPath)" + (errors > 0 ? " (\(errors) error\(errors == 1 ? "" : "s"))" : ""))
            printProblems(report, onStandardOutput: true)
        }
        for relative in scope.removed { say("removed \(relative) from the index") }
    }
}

/// Each error and warning of a report as `file:line:column: error: message` (or `warning:`),
/// in file order, so an editor or a terminal can jump to it: on standard error, or, for
/// `render --watch`, on standard output right after the "re-rendered" line it belongs to (one
/// stream in order, which a log of the watch keeps whole).
func printProblems(_ report: Report, onStandardOutput: Bool = false) {
    let problems = report.errors.map { ($0, "error") } + report.warnings.map { ($0, "warning") }
    for (e, kind) in problems.sorted(by: { $0.0.position < $1.0.position }) {
        let line = problemLine(report.lessonPath, e, kind, report.language)
        if onStandardOutput { say(line) } else { printError(line) }
    }
}
