import FoundationEssentials
import StepmarkCore
import StepmarkLesson
import StepmarkRender

/// The result of grading one submission.
public struct GradeOutcome: Sendable {
    public var submission: String
    public var exercises: [ExerciseResult]
    /// Why the submission could not be graded at all (it then scores zero everywhere).
    public var problem: String?
    /// True when the file itself could not be read (missing, not a regular file, over the size
    /// limit, not UTF-8): unreadable input, which `grade` reports with exit status 2 (SPEC §5)
    /// once every other submission is graded.
    public var fileUnreadable = false
    /// Problems in the submission's answer blocks (or, when checking a lesson by itself, in
    /// the lesson), with positions. At most `Grader.maxReportedErrors` are kept.
    public var lessonErrors: [LessonError]
    /// How many problems were found beyond those kept in `lessonErrors`.
    public var moreErrors: Int
    /// The body of each exercise's answer block as the student wrote it (shortened), for the
    /// feedback page.
    public var answerSources: [String: String]
    /// The key's language: the feedback and the feedback page are written in it.
    public var language: LessonLanguage = .english
    /// Each exercise's title: the nearest heading above its step in the key (absent when the
    /// key has no heading above it).
    public var titles: [String: String] = [:]
    /// Wall time of grading this submission, in seconds (results.json `execution_time`).
    public var executionTime: Double?
    /// The late policy's verdict, when one was applied (or could not be).
    public var late: LateOutcome?
    /// The key's file name (JUnit's `classname`).
    public var keyName: String = ""
    /// Exercises whose answer could not be read or whose step did not run (JUnit errors, not
    /// failures).
    public var unreadable: Set<String> = []
    /// Seconds spent grading each exercise.
    public var exerciseTimes: [String: Double] = [:]
    /// Exercises graded but not reported (`withholdingHidden`): only what a student may know
    /// of them before their results are shown.
    public var withheld: [(id: String, points: Double, visibility: ExerciseVisibility)] = []

    public init(submission: String, exercises: [ExerciseResult], problem: String?, lessonErrors: [LessonError],
                moreErrors: Int = 0, answerSources: [String: String] = [:]) {
        self.submission = submission
        self.exercises = exercises
        self.problem = problem
        self.lessonErrors = lessonErrors
        self.moreErrors = moreErrors
        self.answerSources = answerSources
    }

    /// The points earned before any late deduction.
    public var earnedScore: Double { exercises.reduce(0) { $0 + $1.score } }
    /// The points earned less the late deduction (never below 0).
    public var score: Double {
        late == nil ? earnedScore : CSV.rounded(max(0, earnedScore - lateDeduction))
    }
    /// The points a late policy takes off, to the gradebook's four decimals, so that every
    /// output says the same (7 points at 30% off were 4.8999999999999995 in results.json, and
    /// 99.9999% off left 1.0000000000287557e-06 there but 0 in the gradebook).
    public var lateDeduction: Double { CSV.rounded(min(earnedScore, max(0, earnedScore * (late?.fraction ?? 0)))) }

    /// The outcome a student may see before the results are released: every exercise whose
    /// `visibility` is not `visible` is taken out of `exercises` (its score, feedback and
    /// pass or fail, and so the total and the exit status) and only named in `withheld`, as a
    /// feedback page shows it. `check` of an assignment without the key gives this: the
    /// student's own copy would otherwise be an oracle for the hidden exercises.
    public func withholdingHidden() -> GradeOutcome {
        var o = self
        o.withheld = exercises.filter { $0.visibility != .visible }.map { ($0.id, $0.points, $0.visibility) }
        o.exercises = exercises.filter { $0.visibility == .visible }
        let shown = Set(o.exercises.map(\.id))
        o.unreadable = unreadable.filter(shown.contains)
        o.exerciseTimes = exerciseTimes.filter { shown.contains($0.key) }
        return o
    }

    /// "l1-weights · Scores, scaling, softmax", or the id alone when the exercise has no title.
    public func label(_ id: String) -> String {
        guard let t = titles[id], !t.isEmpty else { return id }
        return "\(id) · \(t)"
    }

    /// The late policy's sentence for the student, with the points taken off (without points
    /// when an exercise's result is withheld: they would give it away).
    public var lateLine: String? {
        guard let late else { return nil }
        return late.sentence(FeedbackWords.of(language), earned: earnedScore, deducted: lateDeduction,
                             withheld: !withheld.isEmpty || exercises.contains { $0.visibility != .visible })
    }
    public var maxScore: Double { exercises.reduce(0) { $0 + $1.points } }
    public var allPassed: Bool { problem == nil && exercises.allSatisfy(\.passed) }

    /// Whether a failed step fails the check: a lesson checked against itself (`check FILE`
    /// without `--key`, SPEC §5), where the steps are the lesson's own. Against a key, a
    /// submission's problems are reported and its answers still graded.
    public var failedStepsFail = false

    /// What the exit status says: every answer passed and, when `failedStepsFail`, every step
    /// ran. The JSON's `passed` (it said true for a lesson whose steps failed, exit 1).
    public var passed: Bool { allPassed && !(failedStepsFail && !lessonErrors.isEmpty) }

    /// This outcome as the grade gives it when it grades nothing: every exercise 0, with the
    /// reason (a student's own check of a file the grade would refuse).
    public func notGraded(_ reason: String) -> GradeOutcome {
        var outcome = self
        let shown = Self.withoutLimitFlag(Phrasebook.message(reason, language))
        outcome.exercises = exercises.map {
            var e = $0
            e.score = 0
            e.passed = false
            e.feedback = "\(FeedbackWords.of(language).notGraded): \(shown)"
            return e
        }
        outcome.problem = reason
        return outcome
    }

    /// Why the submission was not graded, in the key's language: what the student reads (the
    /// JSON and the teacher's text report keep `problem` as written).
    public var problemForStudent: String? { problem.map { Self.withoutLimitFlag(Phrasebook.message($0, language)) } }

    /// Why the submission was not graded, in the key's language, with its advice to raise a
    /// limit: what the teacher reads after `not graded:` on stderr and in gradebook.csv (a
    /// Korean key's gradebook gave the reasons in English).
    public var problemForTeacher: String? { problem.map { Phrasebook.message($0, language) } }

    /// A message (English or translated) without its advice to raise a limit (`(raise it with
    /// --max-file-bytes)`, `(--max-seconds로 한도를 올릴 수 있습니다)`): the limits are the
    /// grader's, set by the teacher; a student reading their feedback cannot take that advice
    /// (a review found it in feedback.md). The teacher's gradebook keeps it.
    static func withoutLimitFlag(_ message: String) -> String {
        message.replacing(/\ ?\([^()]*--max-[a-z-]+[^()]*\)/, with: "")
    }

    /// The problems as lines, in the key's language: `line L, column C: message`.
    public var errorLines: [String] {
        let w = FeedbackWords.of(language)
        return lessonErrors.map { "\(w.position(line: $0.line, column: $0.column)): \(Self.withoutLimitFlag(Phrasebook.message($0.message, language)))" }
            + (moreErrors > 0 ? [w.moreProblems(moreErrors)] : [])
    }

    /// A plain-text summary, one line per exercise, feedback indented below, in the key's
    /// language (`stepmark check` shows it to the student who checks their answers).
    public func text(path: String) -> String {
        let words = Strings(language), feedback = FeedbackWords.of(language)
        var out = ""
        if let problem = problemForStudent { out += words(.fbTextNotGraded, path, problem) + "\n" }
        for e in lessonErrors { out += "\(path):\(e.line):\(e.column): \(Phrasebook.message(e.message, language))\n" }
        if moreErrors > 0 { out += "\(path): \(feedback.moreProblems(moreErrors))\n" }
        for e in exercises {
            out += "\(e.passed ? "✓" : "✗") \(label(e.id))  \(Feedback.trim(e.score))/\(Feedback.trim(e.points))\n"
            // The first line already says why nothing was graded; each exercise's copy of it
            // is for the formats that show exercises one by one (Gradescope's tests).
            if problemForStudent != nil { continue }
            out += e.feedback.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n") + "\n"
        }
        // Only a student's own check withholds (`withholdingHidden`): it grades nothing, so it
        // does not say "graded" (it did, as a feedback page of the grade does).
        for w in withheld {
            out += "· \(label(w.id))  ?/\(Feedback.trim(w.points))\n    \(feedback.withheld(w.visibility, ownCheck: true))\n"
        }
        if let lateLine { out += lateLine + "\n" }
        out += words(.fbTextTotal, Feedback.trim(score), Feedback.trim(maxScore)) + (withheld.isEmpty ? "" : feedback.ownCheckShownLater) + "\n"
        return out
    }

    public func json() -> JSON {
        .object([
            ("submission", .string(submission)),
            ("score", .number(score)),
            ("max_score", .number(maxScore)),
            ("passed", .bool(passed)),
            ("problem", problem.map { .string($0) } ?? .null),
            ("errors", .array(lessonErrors.map { JSONRenderer.encode($0, language: language) })),
            ("exercises", .array(exercises.map(JSONRenderer.encode))),
        ] + (withheld.isEmpty ? [] : [("withheld", .array(withheld.map {
            .object([("id", .string($0.id)), ("points", .number($0.points)), ("visibility", .string($0.visibility.rawValue))])
        }))]) + (late == nil ? [] : [("late_deduction", .number(lateDeduction)), ("late", .string(lateLine ?? ""))]))
    }

    /// Gradescope's `results.json`: the total score and one test per exercise, with the
    /// exercise's `visibility` and `tags` (Gradescope hides a test's score and output until
    /// then; the total still counts it). A submission that could not be graded gets a first test
    /// named "submission" (worth 0 points) that says why. `output_format` is `md` (Gradescope's
    /// Markdown), and every output is `FeedbackPage.markdownText` of the feedback: each character
    /// that Markdown or HTML would read is escaped, so a student's answer quoted in feedback
    /// shows as written and is never read as a link, an image or HTML; lines stay lines.
    public func gradescope() -> JSON {
        var tests: [JSON] = exercises.map { e in
            var test: [(String, JSON)] = [
                ("name", .string(label(e.id))),
                ("score", .number(e.score)),
                ("max_score", .number(e.points)),
                ("status", .string(e.passed ? "passed" : "failed")),
                ("output", .string(FeedbackPage.markdownText(e.feedback))),
                ("output_format", .string("md")),
                ("visibility", .string(e.visibility.rawValue)),
            ]
            if !e.tags.isEmpty { test.append(("tags", .array(e.tags.map { .string($0) }))) }
            return .object(test)
        }
        var pairs: [(String, JSON)] = [("score", .number(score))]
        if let executionTime, executionTime.isFinite { pairs.append(("execution_time", .number(max(0, executionTime)))) }
        var output: [String] = []
        if let problem = problemForStudent {
            tests.insert(.object([("name", .string("submission")), ("score", .number(0)), ("max_score", .number(0)),
                                  ("status", .string("failed")), ("output", .string(FeedbackPage.markdownText(problem))),
                                  ("visibility", .string("visible"))]), at: 0)
            output.append("\(FeedbackWords.of(language).notGraded): \(problem)")
        } else if !lessonErrors.isEmpty {
            output.append(FeedbackWords.of(language).problems + ":\n" + errorLines.joined(separator: "\n"))
        }
        if let lateLine { output.append(lateLine) }
        if !output.isEmpty { pairs.append(("output", .string(FeedbackPage.markdownText(output.joined(separator: "\n\n"))))) }
        pairs.append(("output_format", .string("md")))
        pairs.append(("test_output_format", .string("md")))
        pairs.append(("visibility", .string("visible")))
        pairs.append(("tests", .array(tests)))
        return .object(pairs)
    }

    /// JUnit XML: one test suite named after the submission, with the score and the points as
    /// `<properties>`, and one test case per exercise (`classname` the key's file name, `time`
    /// the seconds spent grading it). A wrong or missing answer is a `<failure>`; an answer that
    /// could not be read, an exercise whose step did not run and a submission that could not
    /// be graded at all are `<error>`s.
    public func junit() -> String {
        func x(_ s: String) -> String { HTML.escape(XMLText.clean(s)) }
        func seconds(_ t: Double?) -> String {
            guard let t, t.isFinite, t >= 0 else { return "0" }
            return DecimalFormat.fixed(t, digits: 6)
        }
        let classname = x(keyName)
        var errors = exercises.filter { !$0.passed && unreadable.contains($0.id) }.count
        let failures = exercises.filter { !$0.passed && !unreadable.contains($0.id) }.count
        if problem != nil { errors += 1 }
        let tests = exercises.count + (problem == nil ? 0 : 1)
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuite name=\"\(x(submission))\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"\(errors)\" time=\"\(seconds(executionTime))\">\n"
        out += "  <properties>\n"
        out += "    <property name=\"score\" value=\"\(x(Feedback.trim(score)))\"/>\n"
        out += "    <property name=\"max_score\" value=\"\(x(Feedback.trim(maxScore)))\"/>\n"
        if late != nil { out += "    <property name=\"late_deduction\" value=\"\(x(Feedback.trim(lateDeduction)))\"/>\n" }
        out += "  </properties>\n"
        if let problem {
            out += "  <testcase classname=\"\(classname)\" name=\"submission\" time=\"0\"><error message=\"\(x(problem))\" type=\"not graded\"/></testcase>\n"
        }
        for e in exercises {
            out += "  <testcase classname=\"\(classname)\" name=\"\(x(label(e.id)))\" time=\"\(seconds(exerciseTimes[e.id]))\">"
            if !e.passed {
                let message = x("\(Feedback.trim(e.score))/\(Feedback.trim(e.points))")
                let tag = unreadable.contains(e.id) ? "error" : "failure"
                let type = unreadable.contains(e.id) ? "unreadable" : "wrong answer"
                out += "<\(tag) message=\"\(message)\" type=\"\(type)\">\(x(e.feedback))</\(tag)>"
            }
            out += "</testcase>\n"
        }
        return out + "</testsuite>\n"
    }
}

/// Each exercise's title: the nearest section heading above its step in the lesson (levels 2
/// to 6, ATX `##` or a setext `---` underline, in the prose blocks, outside code fences, HTML
/// comments and solution regions), with inline code marks and emphasis stars dropped. A
/// level-1 heading is the lesson's own title: it names no exercise, and exercises after it
/// have no title until the next section heading.
public enum ExerciseTitles {
    public static func of(_ report: Report) -> [String: String] {
        var current: String? = nil
        var titles: [String: String] = [:]
        for block in report.blocks {
            switch block {
            case .prose(let p):
                // The parser's regions decide, line by line, as for the handout (a marker after
                // text on its line, which this scan does not see, named an exercise after a
                // heading in the region: a red-team pass). Markers included, so the scan's own
                // region state stays closed: prose starting at a marker was taken as starting
                // inside a region, whose end it never read, and headings after it named nothing.
                let teacherOnly = { (line: Int) in report.solutionLines.contains { $0.contains(line) } }
                if let h = lastHeading(p.markdown, firstLine: p.line, teacherOnly: teacherOnly) { current = h.text }
            case .step(let step):
                if let spec = step.exercise, let current, titles[spec.id] == nil { titles[spec.id] = current }
            }
        }
        return titles
    }

    /// The last heading of a piece of Markdown: its text, or nil text for a level-1 heading.
    static func lastHeading(_ markdown: String, startsInSolution: Bool = false, firstLine: Int = 1,
                            teacherOnly: (Int) -> Bool = { _ in false }) -> (text: String?, level: Int)? {
        var last: (text: String?, level: Int)? = nil
        var fence: Substring? = nil
        var inComment = false, inSolution = startsInSolution
        var previous: Substring = ""
        var lineNumber = firstLine - 1
        for raw in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            if teacherOnly(lineNumber) { previous = ""; continue }
            let line = raw.drop { $0 == " " }
            defer { previous = fence == nil && !inComment && !inSolution ? line : "" }
            if let f = fence {
                if line.hasPrefix(f) && line.drop(while: { $0 == f.first }).allSatisfy(\.isWhitespace) { fence = nil }
                continue
            }
            if inComment {
                if line.contains("-->") { inComment = false }
                continue
            }
            if line.hasPrefix("```") || line.hasPrefix("~~~") {
                fence = line.prefix { $0 == line.first }
                continue
            }
            let squeezed = line.lowercased().filter { !$0.isWhitespace }
            if inSolution {
                if squeezed.hasPrefix("<!--endsolution-->") { inSolution = false }
                continue
            }
            if squeezed.hasPrefix("<!--solution-->") { inSolution = true; continue }
            if line.hasPrefix("<!--") {
                if !line.contains("-->") { inComment = true }
                continue
            }
            if line.hasPrefix("#") {
                let hashes = line.prefix { $0 == "#" }
                let rest = line.dropFirst(hashes.count)
                guard hashes.count <= 6, rest.isEmpty || rest.first == " " || rest.first == "\t" else { continue }
                var text = rest.trimmingHorizontalWhitespace()
                while text.hasSuffix("#") { text.removeLast() }
                if let t = clean(text) { last = (hashes.count == 1 ? nil : t, hashes.count) }
                continue
            }
            let trimmed = line.trimmingHorizontalWhitespace()
            if !trimmed.isEmpty, trimmed.allSatisfy({ $0 == "=" }) || (trimmed.allSatisfy({ $0 == "-" }) && trimmed.count >= 2),
               !previous.trimmingHorizontalWhitespace().isEmpty, !previous.hasPrefix("#") {
                if let t = clean(String(previous)) { last = trimmed.first == "=" ? (nil, 1) : (t, 2) }
            }
        }
        return last
    }

    /// Inline marks dropped, white space collapsed, at most 120 characters; nil when empty.
    static func clean(_ s: String) -> String? {
        var t = s.replacing( "`", with: "").replacing( "**", with: "")
        t = t.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        if t.count > 120 { t = String(t.prefix(120)) + "…" }
        return t.isEmpty ? nil : t
    }
}

/// Text made safe for XML 1.0: characters XML forbids (most control characters) become U+FFFD.
enum XMLText {
    static func clean(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: forbidden) else { return s }
        return String(String.UnicodeScalarView(s.unicodeScalars.map { forbidden($0) ? "\u{FFFD}" : $0 }))
    }
    static func forbidden(_ c: Unicode.Scalar) -> Bool {
        (c.value < 0x20 && c != "\n" && c != "\r" && c != "\t") || c.value == 0xFFFE || c.value == 0xFFFF
    }
}

/// One exercise of a key, with its expected value computed once.
public struct KeyExercise: Sendable {
    public var spec: ExerciseSpec
    /// Nil when the exercise's own step failed in the key.
    public var expected: Value?
}

/// Grades submissions against a teacher's key. The key is run once; from a submission only
/// the `answer` blocks are read (as literals, never evaluated), so a student cannot change a
/// question, a tolerance or the points.
public struct Grader: Sendable {
    public let keyPath: String
    public var limits: Limits
    /// The key's exercises in file order with their expected values.
    public let exercises: [KeyExercise]
    /// Problems in the key itself (failed steps, repeated exercise ids).
    public let keyErrors: [LessonError]
    /// The key's exercises that have an answer block in the key, checked against it (a failure
    /// means the key is wrong).
    public let keyCheck: [ExerciseResult]
    /// What the key's check of itself found (SPEC §4): an own answer that fails, an exercise
    /// without an answer block, an answer for no exercise. `run` of the key calls these errors;
    /// grading uses the key's computed values, not its answers, so `grade` warns.
    public let keySelfCheck: [LessonError]
    /// The key's language (front matter `lang`, else its folder): feedback is written in it.
    public let language: LessonLanguage
    /// Each exercise's title: the nearest heading above its step in the key.
    public let titles: [String: String]

    /// At most this many problems per submission are reported one by one.
    public static let maxReportedErrors = 20

    /// - Throws: `ReadError` when the key cannot be read.
    public init(keyPath: String, limits: Limits = .init()) throws {
        let lesson = try LessonParser.read(path: keyPath, limits: limits)
        self.init(key: lesson, limits: limits)
    }

    /// The variant the key was run with (0 unless grading a variant).
    public let variant: Int
    /// The key's lesson and the keys of other variants, computed once each when a submission
    /// asks for them (shared by the copies the batch's threads hold).
    private let keyLesson: Lesson
    let variants: VariantKeys
    /// Whether some step of the key reads `variant`: then its numbers differ per student, and
    /// a submission must say whose they are.
    public let usesVariant: Bool
    /// True when the "key" is an assignment (`Lesson.isAssignment`): a student's file, whose
    /// expected values `--reveal` must not print.
    public var keyIsAssignment: Bool { keyLesson.isAssignment }

    public init(key lesson: Lesson, limits: Limits = .init(), variant: Int = 0) {
        self.init(key: lesson, limits: limits, variant: variant, variants: VariantKeys())
    }

    private init(key lesson: Lesson, limits: Limits, variant: Int, variants: VariantKeys) {
        self.keyPath = lesson.path
        self.limits = limits
        self.variant = variant
        self.keyLesson = lesson
        self.variants = variants
        let report = Runner(limits: limits, variant: variant).run(lesson)
        self.usesVariant = report.steps.contains { $0.reads.contains("variant") }
        self.language = report.language
        self.titles = ExerciseTitles.of(report)
        let (exercises, problems) = Exercises.collectExercises(report)
        self.exercises = exercises.map { KeyExercise(spec: $0.spec, expected: Exercises.expectedValue($0.step, spec: $0.spec)) }
        self.keyErrors = (report.errors + problems).sorted { $0.position < $1.position }
        // Only exercises the key answers itself can be checked against the key.
        let answered = Set(report.steps.filter { $0.answer != nil }.compactMap(\.positional.first))
        let checked = Exercises.check(report, limits: limits)
        self.keyCheck = checked.exercises.filter { answered.contains($0.id) }
        self.keySelfCheck = checked.diagnostics.dropFirst(report.diagnostics.count).sorted { $0.position < $1.position }
    }

    /// Grades a submission file. Unreadable, oversized or non-UTF-8 files score zero with the
    /// reason; nothing is thrown.
    public func grade(submissionPath: String, reveal: Bool = false, expectedVariant: Int? = nil) -> GradeOutcome {
        let started = Date()
        var outcome = read(submissionPath: submissionPath, reveal: reveal, expectedVariant: expectedVariant)
        outcome.executionTime = Date().timeIntervalSince(started)
        return outcome
    }

    private func read(submissionPath: String, reveal: Bool, expectedVariant: Int?) -> GradeOutcome {
        // A notebook handed in (the exported handout, filled in) is not read as Markdown: the
        // student is told where the graded answers go (a teacher's first-hour review).
        if submissionPath.lowercased().hasSuffix(".ipynb") {
            var outcome = zero(submissionPath, "the file is a Jupyter notebook; only the ```answer blocks of the assignment's Markdown file are graded: copy your answers into them and hand in the .md file")
            outcome.fileUnreadable = true
            return outcome
        }
        // A link is not followed: it could stand for the key (full marks) or for another
        // student's file (a red-team pass; an unzipped LMS export keeps links). Gradescope's
        // run_autograder finds only regular files, too.
        var info = stat()
        if lstat(submissionPath, &info) == 0, info.st_mode & S_IFMT == S_IFLNK {
            var outcome = zero(submissionPath, "the file is a symbolic link, not a regular file; a submission is read only as a regular file (a link could point at the key or at another student's file)")
            outcome.fileUnreadable = true
            return outcome
        }
        let text: String
        do {
            text = try LessonParser.readText(path: submissionPath, limits: limits)
        } catch let e as ReadError {
            let m = e.message
            var outcome = zero(submissionPath, m.hasPrefix("is ") || m.hasPrefix("cannot") ? "the file \(m)" : m)
            outcome.fileUnreadable = true
            return outcome
        } catch {
            var outcome = zero(submissionPath, "the file cannot be read: \(error)")
            outcome.fileUnreadable = true
            return outcome
        }
        return grade(submissionText: text, path: submissionPath, reveal: reveal, expectedVariant: expectedVariant)
    }

    /// The key recomputed for `variant` (this grader when it is its own).
    public func forVariant(_ variant: Int) -> Grader {
        if variant == self.variant { return self }
        // The cached grader gets a cache of its own: sharing this one would make a cycle
        // (cache → grader → cache) that is never freed (found by make sanitize).
        return variants.grader(variant) {
            Grader(key: keyLesson, limits: limits, variant: variant, variants: VariantKeys())
        }
    }

    /// Grades submission text (already decoded). Only its `answer` blocks are read. A
    /// submission whose front matter declares a `variant:` (an assignment made with
    /// `assign --variants`) is graded against the key recomputed for that variant;
    /// `expectedVariant`, when the grader knows the student (a roster), must agree with it.
    public func grade(submissionText text: String, path: String, reveal: Bool = false,
                      expectedVariant: Int? = nil) -> GradeOutcome {
        let declared: Int?
        switch Variant.declaration(in: text) {
        case .none:
            // Graded as variant 0 before, silently: a file without its variant: line (retyped,
            // or the front matter dropped) would be checked against someone else's numbers.
            if usesVariant && expectedVariant == nil {
                return zero(path, "this file has no variant: line in its front matter, but this assignment gives every student their own numbers: submit the assignment file as it was handed out")
            }
            declared = nil
        case .number(let n): declared = n
        case .invalid(let written):
            // Graded as variant 0 before, silently: the student would get someone else's numbers.
            return (expectedVariant.map(forVariant) ?? self).zero(path, Self.notAVariant(written))
        }
        // Only a key that reads `variant` gives students different numbers: for any other key,
        // whose file it is does not matter (a roster made every file of such a key score 0).
        if usesVariant, let expectedVariant, declared != expectedVariant {
            guard let declared else {
                // Most likely the line was deleted: say which line puts it right (it said "made
                // for no variant", a student first-hour review).
                return forVariant(expectedVariant).zero(path, "this file has no variant: line, but this student's assignment is variant \(expectedVariant): put back the line variant: \(expectedVariant) in its front matter, or submit the assignment file as it was handed out")
            }
            return forVariant(expectedVariant).zero(path, "this file was made for variant \(declared), but this student's assignment is variant \(expectedVariant): submit your own assignment file")
        }
        // A key that never reads `variant` gives every variant the same numbers: it is not run
        // again for each one a file declares (60 files of distinct variants ran lesson 07 sixty
        // times; a red-team pass).
        let target = usesVariant ? declared ?? variant : variant
        if target != variant {
            return forVariant(target).grade(submissionText: text, path: path, reveal: reveal)
        }
        let started = Date()
        let extracted = AnswerExtractor.answers(in: text, path: path, limits: limits)
        // SPEC §7's wall-time limit applies per submission too. Answers are only parsed (in
        // linear time), so this is a backstop: a submission over the limit scores zero.
        let elapsed = Date().timeIntervalSince(started)
        if elapsed > limits.maxSeconds {
            return zero(path, "reading the answers took \(DecimalFormat.fixed(elapsed, digits: 1)) s, over the limit of \(Runner.format(limits.maxSeconds)) s (raise it with --max-seconds)")
        }
        var errors = extracted.errors
        var byID: [String: GivenAnswer] = [:]
        var sources: [String: String] = [:]
        var lines: [String: Int] = [:]
        let known = Set(exercises.map(\.spec.id))
        var firstLines: [String: Int] = [:]
        for answer in extracted.answers { firstLines[answer.id] = min(firstLines[answer.id] ?? .max, answer.position.line) }
        for answer in extracted.answers {
            guard known.contains(answer.id) else {
                errors.append(LessonError("an answer for '\(Snippet.quote(answer.id))', which is not an exercise of this assignment", at: answer.position))
                continue
            }
            if byID[answer.id] != nil {
                errors.append(Exercises.secondAnswer(answer.id, counted: lines[answer.id], first: firstLines[answer.id], at: answer.position))
                continue
            }
            byID[answer.id] = answer.given
            lines[answer.id] = answer.position.line
            sources[answer.id] = answer.source
            if case .unreadable(let e) = answer.given {
                // A bare word where numbers belong: say only that numbers are expected.
                let expected = exercises.first(where: { $0.spec.id == answer.id })?.expected
                errors.append(Feedback.plainerProblem(e, expected: expected, words: FeedbackWords.of(language)) ?? e)
            }
        }
        errors.sort { $0.position < $1.position }
        let kept = Array(errors.prefix(Grader.maxReportedErrors))
        let words = FeedbackWords.of(language)
        var times: [String: Double] = [:]
        var unreadable: Set<String> = []
        let results = exercises.map { ex -> ExerciseResult in
            let t0 = Date()
            defer { times[ex.spec.id] = Date().timeIntervalSince(t0) }
            guard let expected = ex.expected else {
                unreadable.insert(ex.spec.id)
                return ExerciseResult(spec: ex.spec, score: 0, passed: false, feedback: words.keyStepDidNotRun)
            }
            if case .unreadable? = byID[ex.spec.id] { unreadable.insert(ex.spec.id) }
            return Exercises.grade(expected: expected, spec: ex.spec, answer: byID[ex.spec.id], reveal: reveal, words: words)
        }
        var outcome = GradeOutcome(submission: path, exercises: results, problem: nil, lessonErrors: kept,
                                   moreErrors: errors.count - kept.count, answerSources: sources)
        outcome.language = language
        outcome.titles = titles
        outcome.keyName = FilePathText.lastComponent(keyPath)
        outcome.unreadable = unreadable
        outcome.exerciseTimes = times
        outcome.executionTime = Date().timeIntervalSince(started)
        return outcome
    }

    /// Why a file whose front matter's variant line does not read as a variant is not graded
    /// (a student's own check says the same).
    public static func notAVariant(_ written: String) -> String {
        "the front matter says variant: '\(Snippet.quote(written))', which is not a variant (a whole number from 0 to 999999, as stepmark assign wrote it): submit the assignment file as it was handed out"
    }

    /// A zero on every exercise, with the reason.
    public func zero(_ path: String, _ reason: String) -> GradeOutcome {
        let results = exercises.map { ExerciseResult(spec: $0.spec, score: 0, passed: false, feedback: "") }
        var outcome = GradeOutcome(submission: path, exercises: results, problem: nil, lessonErrors: [])
        outcome.language = language
        outcome.titles = titles
        outcome.keyName = FilePathText.lastComponent(keyPath)
        outcome.executionTime = 0
        // The reason's words, as a student's own check gives them (`notGraded`).
        return outcome.notGraded(reason)
    }
}

/// The keys of the variants met so far, each run once, shared by every copy of a grader.
final class VariantKeys: @unchecked Sendable {
    private var graders: [Int: Grader] = [:]
    private let lock = ThreadLock()

    func grader(_ variant: Int, make: () -> Grader) -> Grader {
        lock.lock()
        defer { lock.unlock() }
        if let g = graders[variant] { return g }
        let g = make()
        graders[variant] = g
        return g
    }

    /// How many variants' keys were run (for tests).
    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return graders.count
    }
}

/// One answer block found in a submission.
public struct ExtractedAnswer: Sendable {
    public var id: String
    public var position: SourcePosition
    public var given: GivenAnswer
    /// The block's body, shortened to `AnswerExtractor.maxSourceLength` characters.
    public var source: String
}

/// Reads only the `answer` blocks of a submission; everything else in it is ignored.
public enum AnswerExtractor {
    public static let maxSourceLength = 2_000
    static let entriesFlagHint = " (raise the limit with --max-entries)"

    /// The submission's answer blocks, parsed as literals, and problems with blocks that name
    /// no exercise.
    public static func answers(in text: String, path: String, limits: Limits) -> (answers: [ExtractedAnswer], errors: [LessonError]) {
        // One reading with the student's own `check` of a copy (SubmissionAnswerFences).
        let reading = SubmissionAnswerFences.read(text)
        let blocks = reading.blocks
        var answers: [ExtractedAnswer] = []
        // An unclosed fence swallows the rest of the file: say so, as for a lesson.
        var errors: [LessonError] = reading.unclosed
        // In the words of the student's own check (`LessonParser`).
        let lines = reading.nested.isEmpty && reading.inIndentedCode.isEmpty ? [] : LessonParser.lines(of: text)
        for position in reading.nested {
            errors.append(LessonError(LessonParser.nestedAnswerMessage(position.line <= lines.count ? lines[position.line - 1] : "", column: position.column), at: position))
        }
        for position in reading.inHTML {
            errors.append(LessonError(LessonParser.answerInHTML, at: position))
        }
        // An example of the syntax copied from the key (`[?, ?]`) is no one's answer.
        for position in reading.inIndentedCode where LessonParser.holdsValues(after: position.line, lines: lines) {
            errors.append(LessonError(LessonParser.indentedAnswer, at: position))
        }
        for block in blocks {
            // Parsed once, as a lesson's answer block is (linear in the body, never evaluated).
            let answer = AnswerBlock(block, limits: limits)
            let id: String
            let position: SourcePosition
            do {
                let info = try InfoString.parse(block.info, at: block.infoPosition)
                guard let first = info.positional.first else {
                    throw LessonError("this answer block names no exercise: write ```answer ID", at: block.infoPosition)
                }
                id = first.text
                position = first.position
                // What a copy's own check says of the same block (`Runner.answerInfo`).
                _ = Runner.answerInfo(info, inCopy: true, quote: { Snippet.quote($0) }, problems: &errors)
            } catch let e as LessonError {
                errors.append(e)
                continue
            } catch {
                errors.append(LessonError("\(error)", at: block.infoPosition))
                continue
            }
            var source = block.bodyText
            if source.count > maxSourceLength { source = String(source.prefix(maxSourceLength)) + "…" }
            var given = GivenAnswer(answer)
            // The limit's flag is the teacher's: in a student's feedback (Gradescope's page) it
            // is advice they cannot take.
            if case .unreadable(let e) = given, e.message.hasSuffix(Self.entriesFlagHint) {
                given = .unreadable(LessonError(String(e.message.dropLast(Self.entriesFlagHint.count)) + ", more than any answer here needs", at: e.position))
            }
            answers.append(ExtractedAnswer(id: id, position: position, given: given, source: source))
        }
        return (answers, errors)
    }
}

/// Short, printable quotes of untrusted text for messages.
enum Snippet {
    static func quote(_ s: String, max: Int = 40) -> String {
        var out = String(s.unicodeScalars.prefix(max).map { $0.value < 0x20 || $0.value == 0x7F ? "\u{FFFD}" : Character($0) })
        if s.unicodeScalars.count > max { out += "…" }
        return out
    }
}
