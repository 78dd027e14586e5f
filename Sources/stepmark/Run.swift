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
        for file in files {
            do {
                let lesson = try LessonParser.read(path: file, limits: limits.limits)
                let report = Exercises.check(Runner(limits: limits.limits).run(lesson))
                // An assignment shows what a handout shows: no exercise's values (SPEC §4).
                reports.append(report.isAssignment ? StudentView.apply(report) : report)
            } catch let e as ReadError {
                printError("error: \(e)")
                unreadable = true
            }
        }
        var output = ""
        switch format {
        case .json:
            // Written as it is made: a lesson's recorded values may be hundreds of MB of JSON.
            JSONRenderer.write(reports, asArray: !(files.count == 1 && reports.count == 1)) { StandardStream.output($0) }
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
            for w in report.warnings { printError("\(report.lessonPath):\(w.line):\(w.column): warning: \(w.message)") }
        }
        if format != .terminal {
            for report in reports {
                for e in report.errors { printError("\(report.lessonPath):\(e.line):\(e.column): error: \(e.message)") }
            }
        }
        if unreadable { throw ExitCode(2) }
        if reports.contains(where: { !$0.ok }) { throw ExitCode(1) }
    }
}
