import ArgumentParser
import FoundationEssentials
import StepmarkCore
import StepmarkGrade
import StepmarkLesson
import StepmarkRender

enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case terminal, md, html, json
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Evaluate lessons and print their reports.",
        discussion: """
            Every directive runs top to bottom; a step that fails records its error \
            (file:line:column) and the run goes on. Several files print one report each \
            (a JSON array with --format json).

            Examples:
              stepmark run lessons/en/01-attention.md
              stepmark run lessons/en/*.md --format json > course.json
            """
    )

    @Argument(help: "Lesson files (Markdown).", completion: .file(extensions: ["md"]))
    var files: [String]

    @Option(name: .shortAndLong, help: "How to print the report.")
    var format: ReportFormat = .terminal

    @OptionGroup(title: "Limits (SPEC §7; raise them for trusted lessons) and models") var limits: LimitOptions

    func run() throws {
        var reports: [Report] = []
        var unreadable = false
        /// Each lesson's report, or nil (its file could not be read; the error is printed).
        func report(of file: String) -> Report? {
            do {
                let lesson = try LessonParser.read(path: file, limits: limits.limits)
                let report = Exercises.check(Runner(limits: limits.limits).run(lesson))
                // An assignment shows what a handout shows: no exercise's values (SPEC §4).
                return report.isAssignment ? StudentView.apply(report) : report
            } catch {
                printError("error: \(error)")
                unreadable = true
                return nil
            }
        }
        if format == .json {
            let failed = runJSON(report(of:))
            if unreadable { throw ExitCode(2) }
            if failed { throw ExitCode(1) }
            return
        }
        for file in files {
            if let report = report(of: file) { reports.append(report) }
        }
        var output = ""
        switch format {
        case .json:
            break  // runJSON
        case .md:
            output = reports.map { MarkdownRenderer().render($0) }.joined(separator: "\n---\n\n")
        case .html:
            output = reports.map { HTMLRenderer().render($0) }.joined()
        case .terminal:
            let renderer = TerminalRenderer(color: useColor)
            output = reports.map { renderer.render($0) }.joined(separator: "\n")
        }
        StandardStream.output(output)
        // Warnings (a misspelt directive on a fence) on standard error in every format: the
        // exit status stays what the errors make it.
        for report in reports {
            problemLines(report).warnings.forEach(printError)
        }
        if format != .terminal {
            for report in reports {
                problemLines(report).errors.forEach(printError)
            }
        }
        if unreadable { throw ExitCode(2) }
        if reports.contains(where: { !$0.ok }) { throw ExitCode(1) }
    }

    /// A report's warnings and errors as compiler-style `FILE:L:C: warning: …` lines.
    func problemLines(_ report: Report) -> (warnings: [String], errors: [String]) {
        (report.warnings.map { problemLine(report.lessonPath, $0, "warning", report.language) },
         report.errors.map { problemLine(report.lessonPath, $0, "error", report.language) })
    }

    /// `--format json`: each lesson's report is written as it is made, and only its problems
    /// are kept for standard error, so several lessons of hundreds of MB of values each never
    /// sit in memory together (two took 522 MB). The bytes are those of one JSON array (or of
    /// one report, for one readable file).
    /// - Returns: whether a lesson has errors.
    func runJSON(_ report: (String) -> Report?) -> Bool {
        var warnings: [String] = [], errors: [String] = []
        var failed = false
        var written = 0
        func note(_ report: Report) {
            let lines = problemLines(report)
            warnings += lines.warnings
            errors += lines.errors
            if !report.ok { failed = true }
        }
        if files.count == 1 {
            if let one = report(files[0]) {
                JSONRenderer.write([one], asArray: false) { StandardStream.output($0) }
                note(one)
            } else {
                StandardStream.output("[]\n")
            }
        } else {
            StandardStream.output("[")
            for file in files {
                guard let next = report(file) else { continue }
                if written > 0 { StandardStream.output(",") }
                JSONRenderer.encode(next).serialize { StandardStream.output($0) }
                written += 1
                note(next)
            }
            StandardStream.output("]\n")
        }
        // Every lesson's warnings, then every lesson's errors, as the other formats print them.
        for line in warnings + errors { printError(line) }
        return failed
    }
}
