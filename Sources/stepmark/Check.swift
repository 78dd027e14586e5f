import ArgumentParser
import Foundation
import StepmarkGrade
import StepmarkLesson
import StepmarkRender

enum CheckFormat: String, ExpressibleByArgument, CaseIterable { case text, json, gradescope, junit }

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the answers in a lesson (against itself, or against a teacher key).",
        discussion: """
            Without --key the file's own exercises are checked against its own answer blocks. With \
            --key, questions, points and tolerances come from the key and only the answer blocks \
            are read from FILE.
            """
    )

    @Argument(help: "A lesson or a student's submission.", completion: .file(extensions: ["md"]))
    var file: String

    @Option(help: "The teacher's key (the lesson with exercises).", completion: .file(extensions: ["md"]))
    var key: String?

    @Option(name: .shortAndLong, help: "How to print the results.")
    var format: CheckFormat = .text

    @Flag(help: "Show the expected values of failed exercises in the feedback.")
    var reveal = false

    @OptionGroup(title: "Limits (SPEC §7; raise them for trusted lessons)") var limits: LimitOptions

    func run() throws {
        let outcome: GradeOutcome
        do {
            if let key {
                let grader = try Grader(keyPath: key, limits: limits.limits)
                outcome = grader.grade(submissionPath: file, reveal: reveal)
            } else {
                let lesson = try LessonParser.read(path: file, limits: limits.limits)
                if reveal && lesson.isAssignment {
                    printError("error: \(file) is an assignment (its front matter has variant:), so --reveal would show the answers; check it against the key instead: stepmark check \(file) --key KEY.md --reveal")
                    throw ExitCode(2)
                }
                let report = Exercises.check(Runner(limits: limits.limits).run(lesson), reveal: reveal, limits: limits.limits)
                outcome = GradeOutcome(submission: file, exercises: report.exercises, problem: nil, lessonErrors: report.errors)
            }
        } catch let e as ReadError {
            printError("error: \(e)")
            throw ExitCode(2)
        }
        let output: String
        switch format {
        case .text: output = outcome.text(path: file)
        case .json: output = outcome.json().serialized(pretty: true) + "\n"
        case .gradescope: output = outcome.gradescope().serialized(pretty: true) + "\n"
        case .junit: output = outcome.junit()
        }
        FileHandle.standardOutput.write(Data(output.utf8))
        // Without --key the lesson itself ran: a failed step fails the check too (SPEC §5).
        if !outcome.allPassed || (key == nil && !outcome.lessonErrors.isEmpty) { throw ExitCode(1) }
    }
}
