import ArgumentParser
import FoundationEssentials
import StepmarkCore
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
            are read from FILE. Exit status: 0 every answer passed, 1 an answer or a step failed, \
            2 bad usage or a file that cannot be read (a submission that cannot be read still gets \
            its zero with the reason, in every format).
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

    @Option(help: ArgumentHelp("A late policy such as 10%/day,max=50%: a percentage of the earned score taken off per started day (or hour) after the due date, capped. Needs --submission-metadata.", valueName: "policy"))
    var latePolicy: String?

    @Option(help: ArgumentHelp("Gradescope's submission_metadata.json: the submission time (created_at) and the due date (assignment.due_date) for --late-policy.", valueName: "file"), completion: .file(extensions: ["json"]))
    var submissionMetadata: String?

    @Option(help: ArgumentHelp("A roster (columns id, name, and email when ids are not Gradescope's student ids): with --key and --submission-metadata, the file must hold the numbers of the student who submitted it (Gradescope's users: sid, else email), as grade --roster checks.", valueName: "file"), completion: .file(extensions: ["csv"]))
    var roster: String?

    @OptionGroup(title: "Limits (SPEC §7; raise them for trusted lessons) and models") var limits: LimitOptions

    func validate() throws {
        if let latePolicy {
            do { _ = try LatePolicy(parsing: latePolicy) } catch { throw ValidationError("\(error)") }
            if submissionMetadata == nil { throw ValidationError("--late-policy needs --submission-metadata FILE: the submission time and the due date come from it") }
        } else if submissionMetadata != nil && roster == nil {
            throw ValidationError("--submission-metadata is only read with --late-policy or --roster")
        }
        if roster != nil {
            if key == nil { throw ValidationError("--roster needs --key: the key gives each student's numbers") }
            if submissionMetadata == nil { throw ValidationError("--roster needs --submission-metadata FILE: who submitted comes from it") }
        }
    }

    /// With --roster: the variant of the student who submitted (Gradescope's metadata), so
    /// that a copy of another student's file is a problem, not a grade (the file cannot prove
    /// whose it is; the metadata can). Of a group, the member whose variant the file says, else
    /// the first. Nil, with a warning, when no one on the roster submitted it.
    func submittersVariant() throws -> Int? {
        guard let roster, let submissionMetadata else { return nil }
        let students = try Roster.read(path: roster, limits: limits.limits)
        let metadata: SubmissionMetadata
        switch SubmissionMetadata.read(path: submissionMetadata) {
        case .success(let m): metadata = m
        case .failure(let problem):
            printError("warning: \(submissionMetadata): \(problem.teacherNote); the file's own variant is graded")
            return nil
        }
        let variants = metadata.users.compactMap { students.student(for: [$0])?.variant }
        guard let first = variants.first else {
            printError("warning: no student of \(roster) submitted this (submission_metadata.json's users, by sid or email); the file's own variant is graded")
            return nil
        }
        if variants.count > 1, let text = try? LessonParser.readText(path: file, limits: limits.limits),
           case .number(let declared) = Variant.declaration(in: text), variants.contains(declared) {
            return declared
        }
        return first
    }

    func run() throws {
        var outcome: GradeOutcome
        let started = Date()
        do {
            if let key {
                let grader = try Grader(keyPath: key, limits: limits.limits)
                // As grade (it reported "total: 0/0" and passed, and Gradescope's autograder
                // runs this).
                try requireGradable(grader, key: key, reveal: reveal)
                outcome = grader.grade(submissionPath: file, reveal: reveal, expectedVariant: try submittersVariant())
            } else {
                let lesson = try LessonParser.read(path: file, limits: limits.limits)
                if reveal && lesson.isAssignment {
                    printError("error: \(file) is an assignment (its front matter has variant:), so --reveal would show the answers; check it against the key instead: stepmark check \(file) --key KEY.md --reveal")
                    throw ExitCode(2)
                }
                let report = Exercises.check(Runner(limits: limits.limits).run(lesson), reveal: reveal, limits: limits.limits)
                // A README or an empty file checked by mistake passes with 0/0 (SPEC §5: every
                // answer passed); say that nothing was checked, so it is not taken for a pass.
                if report.exercises.isEmpty && report.errors.isEmpty && !report.steps.contains(where: { $0.answer != nil }) {
                    printError("warning: " + Phrasebook.message("\(file) has no exercises and no answer blocks, so nothing was checked; is it the right file?", report.language))
                }
                // An assignment's errors are what its handout shows: none that quotes a hidden
                // value (StudentView); its exercises are still checked as they are.
                let shown = report.isAssignment ? StudentView.apply(report) : report
                let errors = shown.errors
                // Warnings (an answer counted where a page of the copy cannot show it blanked) on
                // standard error, as run prints them; the exit status stays the check's.
                for warning in shown.warnings { printError(problemLine(file, warning, "warning", report.language)) }
                var own = GradeOutcome(submission: file, exercises: report.exercises, problem: nil, lessonErrors: errors)
                // A key's or a lesson's problems fail its check (SPEC §5). A student's copy
                // fails where its grade would: a step that failed, an answer that did not pass;
                // the problems of its answer blocks or its front matter alone (a second answer,
                // a YAML slip) are reported, as the grade reports them, and pass with it.
                // An answer for an exercise the copy lacks (its step deleted or commented out)
                // still fails: the grade, from the key, finds that exercise unanswered.
                let frontMatterLines = report.frontMatter?.lineCount ?? 0
                func passesWithTheGrade(_ e: LessonError) -> Bool {
                    e.line <= frontMatterLines || e.message.hasPrefix("a second answer for exercise") || e.message.hasPrefix("this ```answer block is")
                }
                own.failedStepsFail = !report.isAssignment || report.steps.contains { $0.error != nil && $0.answer == nil }
                    || !errors.allSatisfy(passesWithTheGrade)
                own.language = report.language
                own.titles = ExerciseTitles.of(report)
                own.keyName = FilePathText.lastComponent(file)
                own.unreadable = Exercises.erroredIDs(report)
                // A student checking their own assignment sees what a feedback page shows: a
                // hidden exercise's result waits for its release (a red-team pass found its
                // right and wrong entries here, an oracle to search the answer with).
                outcome = report.isAssignment ? own.withholdingHidden() : own
                // A variant line the grade refuses (two of them, one hidden in a quoted title):
                // the grade scores nothing, so the check shows no score it would take away.
                if case .invalid(let written) = Variant.declaration(in: lesson.lines.prefix(lesson.frontMatter?.lineCount ?? 201).joined(separator: "\n")) {
                    outcome = outcome.notGraded(Grader.notAVariant(written))
                }
            }
        } catch let e as ReadError {
            printError("error: \(e)")
            throw ExitCode(2)
        }
        if outcome.executionTime == nil { outcome.executionTime = Date().timeIntervalSince(started) }
        if let latePolicy, let submissionMetadata {
            outcome.late = try LatePolicy(parsing: latePolicy).apply(metadataAt: submissionMetadata)
        }
        let output: String
        switch format {
        case .text: output = outcome.text(path: file)
        case .json: output = outcome.json().serialized(pretty: true) + "\n"
        case .gradescope: output = outcome.gradescope().serialized(pretty: true) + "\n"
        case .junit: output = outcome.junit()
        }
        StandardStream.output(output)
        // A submission that cannot be read is unreadable input (exit 2, SPEC §5), as in grade;
        // the zero with its reason is still printed, for Gradescope's results.json.
        if outcome.fileUnreadable { throw ExitCode(2) }
        // Without --key the lesson itself ran: a failed step fails the check too (SPEC §5).
        if !outcome.passed { throw ExitCode(1) }
    }
}
