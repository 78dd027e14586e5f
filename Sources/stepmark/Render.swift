import ArgumentParser
import Foundation
import StepmarkGrade
import StepmarkLesson
import StepmarkRender

struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write one report per lesson, and an index, into a folder.",
        discussion: """
            Folders are searched for .md lessons; the output mirrors the input tree. Files are \
            written atomically and only when their content changed.

            Examples:
              stepmark render lessons --out output --format md,html
              stepmark render lessons --out output --check     # exit 1 when output/ is stale
              stepmark render lessons --out handouts --student # hide exercise results and solutions
            """
    )

    @Argument(help: "Lesson files or folders.", completion: .file())
    var paths: [String]

    @Option(help: "The output folder.")
    var out: String

    @Option(help: "Comma-separated formats: md, html, json.")
    var format: String = "md,html"

    @Flag(help: "Student handouts: exercise results and solutions hidden.")
    var student = false

    @Flag(help: "Write nothing; exit 1 and name the files that differ from what would be rendered.")
    var check = false

    @Flag(help: "Keep running and re-render a lesson when it changes.")
    var watch = false

    @OptionGroup(title: "Limits (SPEC §7; raise them for trusted lessons)") var limits: LimitOptions

    func validate() throws {
        if out.isEmpty { throw ValidationError("--out needs a folder name, not an empty one") }
        for f in formats where !["md", "html", "json"].contains(f) {
            throw ValidationError("unknown format '\(f)' in --format; use md, html and/or json")
        }
    }

    var formats: [String] { format.split(separator: ",").map { $0.trimmingWhitespace() } }

    func run() throws {
        // Teacher pages show each exercise checked against the key's own answers; student
        // handouts hide what an exercise asks for and blank the key's answers to templates.
        let postprocess: @Sendable (Report) -> Report
        if student {
            postprocess = { report in Exercises.studentView(report) }
        } else {
            postprocess = { report in Exercises.check(report, reveal: false) }
        }
        let renderer = CourseRenderer(formats: formats, student: student, limits: limits.limits, postprocess: postprocess)
        let plan: CoursePlan
        do {
            plan = try CoursePlan.make(paths: paths, out: out)
        } catch let e as ReadError {
            printError("error: \(e)")
            throw ExitCode(2)
        }
        let result = renderer.render(plan)
        for e in result.readErrors { printError("error: \(e)") }
        for report in result.reports {
            for e in report.errors { printError("\(report.lessonPath):\(e.line):\(e.column): error: \(e.message)") }
        }
        if check {
            let stale = result.files.filter { !$0.isCurrent }
            for f in stale { printError("stale: \(f.path)") }
            if !stale.isEmpty {
                printError("\(stale.count) file\(stale.count == 1 ? "" : "s") in \(out) differ from the lessons; run 'make handouts'")
                throw ExitCode(1)
            }
            print("\(result.files.count) files in \(out) are up to date")
        } else {
            do {
                let written = try result.write()
                print("rendered \(result.reports.count) lesson\(result.reports.count == 1 ? "" : "s") into \(out) (\(written) file\(written == 1 ? "" : "s") changed)")
            } catch let e as ReadError {
                printError("error: \(e)")
                throw ExitCode(2)
            }
        }
        if watch {
            try watchLoop(plan: plan, renderer: renderer)
        }
        if !result.readErrors.isEmpty { throw ExitCode(2) }
        if result.reports.contains(where: { !$0.ok }) { throw ExitCode(1) }
    }

    /// Polls the lessons' modification times twice a second and re-renders what changed.
    func watchLoop(plan: CoursePlan, renderer: CourseRenderer) throws {
        print("watching \(plan.lessons.count) lesson\(plan.lessons.count == 1 ? "" : "s"); Ctrl-C stops")
        var stamps = plan.lessons.map { modificationDate($0.source) }
        while true {
            Thread.sleep(forTimeInterval: 0.5)
            for (i, lesson) in plan.lessons.enumerated() {
                let stamp = modificationDate(lesson.source)
                guard stamp != stamps[i] else { continue }
                stamps[i] = stamp
                let single = CoursePlan(lessons: [lesson], out: plan.out, roots: plan.roots)
                let result = renderer.render(single, includeIndex: false)
                _ = try? result.write()
                let errors = result.reports.flatMap(\.errors).count
                print("re-rendered \(lesson.source)" + (errors > 0 ? " (\(errors) error\(errors == 1 ? "" : "s"))" : ""))
            }
        }
    }

    func modificationDate(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }
}
