import ArgumentParser
import FoundationEssentials
import StepmarkCore
import StepmarkGrade
import StepmarkLesson
import StepmarkRender

struct Grade: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grade",
        abstract: "Grade many submissions against a teacher's key.",
        discussion: """
            Questions, points and tolerances come from the key, which runs once; only the answer \
            blocks are read from each submission (as literals, never run). Writes OUT/gradebook.csv \
            (one row per submission, one column per exercise, the total) and, per submission, \
            OUT/<name>/results.json (Gradescope's format), OUT/<name>/feedback.html and \
            OUT/<name>/feedback.md. A submission that cannot be read (missing, over the size \
            limit, not UTF-8) scores zero with the reason and the batch goes on.

            With --roster and --format canvas or moodle, OUT/canvas-import.csv or \
            OUT/moodle-import.csv holds one row per student with the total, ready for the LMS's \
            gradebook import. --late-policy 10%/day,max=50% takes a share of the earned score off \
            per started day late, with the times from the submission_metadata.json next to each \
            submission (Gradescope's format). docs/GRADING.md has the details.

            Exit status: 0 every submission was graded and every answer passed; 1 some answer \
            failed or a submission was not graded for its content (the files are written all the \
            same); 2 bad usage, a key that cannot be read or does not run clean, a submission \
            that cannot be read (every other one is still graded), or output that cannot be \
            written.

            Examples:
              stepmark grade --key lessons/en/01-attention.md submissions/*.md --out grades
              stepmark grade --key key.md submissions/ --out grades   # every .md under the folder
              stepmark grade --key key.md @submissions.txt --out grades # one path per line

            An argument starting with @ names a list file: one submission file or folder per \
            line (blank lines skipped, relative paths from the current folder). Write ./@name \
            for a submission whose name starts with @. Folders and list files keep the command \
            line short, which matters for thousands of submissions.
            """
    )

    @Option(help: "The teacher's key (the lesson with exercises and answers).", completion: .file(extensions: ["md"]))
    var key: String

    @Argument(help: "Submission files, folders searched for .md files, or @FILE lists of them.", completion: .file())
    var submissions: [String]

    @Option(help: "The output folder.")
    var out: String

    @Flag(help: "Show the expected values of failed exercises in the feedback.")
    var reveal = false

    @Option(help: ArgumentHelp("The class roster used with assign --variants: each submission found under a student's folder (or named by the id) must hold that student's own variant.", valueName: "roster.csv"))
    var roster: String?

    @Option(help: ArgumentHelp("A late policy such as 10%/day,max=50%: a percentage of the earned score taken off per started day (or hour) after the due date, read from the submission_metadata.json next to each submission (Gradescope's format).", valueName: "policy"))
    var latePolicy: String?

    @Option(help: ArgumentHelp("Also write a gradebook to import into an LMS: canvas (OUT/canvas-import.csv) or moodle (OUT/moodle-import.csv); needs --roster. csv writes only OUT/gradebook.csv.", valueName: "format"))
    var format: GradeFormat = .csv

    @Option(help: ArgumentHelp("The assignment's column name in the LMS file (default: the key's file name without .md). For Canvas, use the name with its id as the gradebook export shows it: \"Attention (12345)\".", valueName: "name"))
    var assignment: String?

    @OptionGroup(title: "Limits (SPEC §7; raise them for trusted lessons) and models") var limits: LimitOptions

    func validate() throws {
        if format != .csv && roster == nil { throw ValidationError("--format \(format.rawValue) needs --roster: the LMS file has one row per student of the roster") }
        if let latePolicy {
            do { _ = try LatePolicy(parsing: latePolicy) } catch { throw ValidationError("\(error)") }
        }
        if submissions.isEmpty { throw ValidationError("name at least one submission file or folder") }
        if out.isEmpty { throw ValidationError("--out needs a folder name, not an empty one") }
    }

    func run() throws {
        let grader: Grader
        do {
            grader = try Grader(keyPath: key, limits: limits.limits)
        } catch let e as ReadError {
            printError("error: the key \(e)")
            throw ExitCode(2)
        }
        try requireGradable(grader, key: key, reveal: reveal)
        for problem in grader.keySelfCheck { printError(problemLine(key, problem, "warning", grader.language)) }
        var paths: [String]
        // The folder each path was found in, for the roster (`Roster.student(forSubmission:root:)`).
        var roots: [String: String] = [:]
        do {
            var ownPages: [String] = []
            paths = try SubmissionFiles.expand(submissions, maxListBytes: limits.maxFileBytes, skipping: out, roots: &roots, ownPages: &ownPages)
            if !ownPages.isEmpty {
                // Said, not silent: a student's own file may be named feedback.md.
                printError("warning: skipped \(ownPages.count) feedback.md file\(ownPages.count == 1 ? "" : "s") beside a results.json, taken for grade's own pages (\(ownPages.prefix(3).joined(separator: ", "))\(ownPages.count > 3 ? ", …" : "")); name a file on the command line to grade it")
            }
            // A file named twice (a folder and a file in it, a list and an argument) is graded once.
            var seen = Set<String>()
            let named = paths.count
            paths = paths.filter { seen.insert(URL(fileURLWithPath: $0).standardizedFileURL.path).inserted }
            if paths.count < named { printError("warning: \(named - paths.count) submission\(named - paths.count == 1 ? " was" : "s were") named more than once; each is graded once") }
        } catch let e as ReadError {
            printError("error: the submission list \(e)")
            throw ExitCode(2)
        }
        if paths.isEmpty {
            printError("error: no .md submissions found in \(submissions.joined(separator: ", "))")
            throw ExitCode(2)
        }
        if paths.contains(where: { SubmissionFiles.same($0, key) }) {
            printError("warning: the key itself is among the submissions")
        }
        let progress: (@Sendable (Int, Int) -> Void)? = isTerminal(2) ? SubmissionFiles.progressLine() : nil
        var gradebook = Gradebook(grader: grader, out: out)
        gradebook.latePolicy = try latePolicy.map { try LatePolicy(parsing: $0) }
        var students: Roster? = nil
        if let roster {
            do {
                let read = try Roster.read(path: roster, limits: limits.limits)
                students = read
                // Each submission's student, found once: for its expected variant, and to say
                // which files no student owns.
                var owners: [String: Roster.Student] = [:]
                for path in paths { owners[path] = read.student(forSubmission: path, root: roots[path]) }
                let found = owners
                gradebook.expectedVariant = { found[$0]?.variant }
                // Said, not silent, as check --roster says it: a file in no student's folder
                // and named by no id is graded against the variant it declares itself.
                let unmatched = paths.filter { owners[$0] == nil }
                if !unmatched.isEmpty {
                    printError("warning: \(unmatched.count) submission\(unmatched.count == 1 ? "" : "s") match no student of \(roster) (by folder or file name, letter case included): graded against the variant the file declares (\(unmatched.prefix(3).joined(separator: ", "))\(unmatched.count > 3 ? ", …" : ""))")
                }
            } catch let e as ReadError {
                printError("error: \(e)")
                throw ExitCode(2)
            }
        }
        let result = gradebook.run(submissions: paths, reveal: reveal, progress: progress)
        if progress != nil { StandardStream.errorControl("\r\u{1B}[K") }
        for s in result.submissions {
            // `not graded:` stays English, as `error:` does; the reason is in the key's language.
            if let problem = s.outcome.problemForTeacher { printError("\(s.path): not graded: \(problem)") }
        }
        var writeFailed = !result.writeErrors.isEmpty
        if let file = format.lms.fileName, let students, result.writeErrors.allSatisfy({ !$0.path.hasSuffix(Gradebook.csvName) }) {
            let name = assignment ?? FilePathText.removingExtension(FilePathText.lastComponent(key))
            let export = Gradebook.lmsExport(format.lms, roster: students, submissions: result.submissions, assignment: name, roots: roots)
            for w in export.warnings { printError("warning: \(w)") }
            let path = FilePathText.join(out, file)
            do {
                try Gradebook.writeFile(export.text, to: path)
                say("\(format.rawValue) gradebook import: \(path)")
            } catch {
                printError("error: \(error)")
                writeFailed = true
            }
        }
        for e in result.writeErrors { printError("error: \(e)") }
        let n = result.submissions.count
        // The gradebook is named only when it was written (a folder that could not be made
        // said "gradebook: out/gradebook.csv" under its error).
        let gradebookWritten = result.writeErrors.allSatisfy { !$0.path.hasSuffix(Gradebook.csvName) && $0.path != out }
        say("graded \(n) submission\(n == 1 ? "" : "s") into \(out): \(result.allPassed) all correct, "
              + "\(result.graded - result.allPassed) with answers to revisit, \(result.notGraded) not graded; "
              + (gradebookWritten ? "gradebook: \(FilePathText.join(out, Gradebook.csvName))" : "no gradebook was written"))
        // SPEC §5: 2 for unreadable input (a mistyped path, a folder, a file that is not
        // UTF-8), after every readable submission is graded and written; 1 for wrong answers.
        if writeFailed || result.submissions.contains(where: \.outcome.fileUnreadable) { throw ExitCode(2) }
        if result.allPassed < n { throw ExitCode(1) }
    }
}

enum GradeFormat: String, ExpressibleByArgument, CaseIterable {
    case csv, canvas, moodle
    var lms: LMSFormat { LMSFormat(rawValue: rawValue) ?? .csv }
}

enum SubmissionFiles {
    /// Files as given; folders become the .md files under them, sorted; `@LIST` becomes the
    /// entries of the file LIST, one per line, each expanded the same way (a list inside a list
    /// is a path, not a list: no recursion).
    /// - Throws: `ReadError` when a list file is missing, not a regular file, over
    ///   `maxListBytes` (checked before reading) or not UTF-8.
    /// A folder's walk skips `skipping` (grade's `--out`) where it lies inside: a second run
    /// with `--out` among the submissions graded its own feedback files.
    /// `roots` hears, for each path found in a folder named, that folder (a file named on its
    /// own has none: its own folder is read).
    static func expand(_ arguments: [String], maxListBytes: Int, skipping: String? = nil, roots: inout [String: String],
                       ownPages: inout [String]) throws -> [String] {
        var out: [String] = []
        for a in arguments {
            if a.hasPrefix("@") {
                for entry in try listEntries(String(a.dropFirst()), maxBytes: maxListBytes) {
                    expand(entry, into: &out, skipping: skipping, roots: &roots, ownPages: &ownPages)
                }
            } else {
                expand(a, into: &out, skipping: skipping, roots: &roots, ownPages: &ownPages)
            }
        }
        return out
    }

    /// The non-blank lines of a list file (`\n`, `\r\n` or `\r`), surrounding spaces kept: a
    /// path may hold them.
    static func listEntries(_ path: String, maxBytes: Int) throws -> [String] {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw ReadError(path: path, message: "cannot be read: \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & S_IFMT == S_IFREG else { throw ReadError(path: path, message: "is not a regular file") }
        guard Int(info.st_size) <= maxBytes else {
            throw ReadError(path: path, message: "is \(info.st_size) bytes, over the limit of \(maxBytes) (raise it with --max-file-bytes)")
        }
        guard let data = FileManager.default.contents(atPath: path), data.count <= maxBytes else {
            throw ReadError(path: path, message: "cannot be read")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw ReadError(path: path, message: "is not UTF-8 text") }
        // "\r\n" is one Character in Swift: split on every kind of line end.
        return text.split(whereSeparator: \.isNewline).compactMap { line in
            line.allSatisfy(\.isWhitespace) ? nil : String(line)
        }
    }

    /// A file as given; a folder as the .md files under it, sorted, but none under `skipping`,
    /// and its notebooks (.ipynb), which the grader refuses with the reason: a student who
    /// handed in the exported notebook is told so, not left out of the gradebook.
    /// - Parameter ownPages: the feedback pages skipped (see `isFeedback`), for a warning.
    static func expand(_ a: String, into out: inout [String], skipping: String? = nil, roots: inout [String: String],
                       ownPages: inout [String]) {
        let fm = FileManager.default
        var isDirectory = false
        guard fm.fileExists(atPath: a, isDirectory: &isDirectory), isDirectory else {
            out.append(a)  // a missing file is graded as unreadable, with the reason
            return
        }
        let first = out.count
        defer { for path in out[first...] where roots[path] == nil { roots[path] = a } }
        let skipped = skipping.flatMap { OutputOwnership.relativePath($0, in: a) }.map { $0 + "/" }
        // A feedback page beside its results.json is grade's own output, wherever --out was:
        // with --out the submissions folder itself, a second run graded them (a red-team pass).
        func isFeedback(_ sub: String) -> Bool {
            FilePathText.lastComponent(sub) == "feedback.md"
                && fm.fileExists(atPath: FilePathText.join(a, FilePathText.join(FilePathText.parent(sub), "results.json")))
        }
        let markdown = ((try? fm.subpathsOfDirectory(atPath: a)) ?? [])
            .filter { ($0.lowercased().hasSuffix(".md") || $0.lowercased().hasSuffix(".ipynb")) && !(skipped.map($0.hasPrefix) ?? false) }
            .sorted()
        for sub in markdown {
            if isFeedback(sub) { ownPages.append(FilePathText.join(a, sub)) } else { out.append(FilePathText.join(a, sub)) }
        }
    }

    static func same(_ a: String, _ b: String) -> Bool {
        URL(fileURLWithPath: a).standardizedFileURL.resolvingSymlinksInPath().path
            == URL(fileURLWithPath: b).standardizedFileURL.resolvingSymlinksInPath().path
    }

    /// A progress reporter that rewrites one stderr line at most ten times a second.
    static func progressLine() -> @Sendable (Int, Int) -> Void {
        let state = ProgressState()
        return { done, total in
            guard state.shouldPrint(done: done, total: total) else { return }
            StandardStream.errorControl("\rgrading \(done)/\(total)…")
        }
    }
}

final class ProgressState: @unchecked Sendable {
    private let lock = ThreadLock()
    private var last = Date.distantPast
    func shouldPrint(done: Int, total: Int) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard done == total || now.timeIntervalSince(last) >= 0.1 else { return false }
        last = now
        return true
    }
}

/// Grade's own reading of its submission arguments. swift-argument-parser matches each
/// positional value with linear searches over the remaining arguments, so 10,000 submission
/// paths took seconds (quadratic). Before the parser runs, every submission after the first is
/// taken out of the command line here (one pass), and put back into `Grade.submissions` after
/// it: the parser still sees one submission, so its usage errors and help stay as they were.
enum GradeCommandLine {
    /// Grade's options that take a value as the next argument (`--key K`); `--key=K` is one
    /// argument. A test compares this list with `stepmark grade --help`.
    static let valueOptions: Set<String> = ["--key", "--out", "--roster", "--late-policy", "--format", "--assignment", "--max-entries", "--max-steps", "--max-tokens",
                                            "--max-file-bytes", "--max-seconds", "--model-dir"]

    /// The arguments (without the program name) for the parser, and the submissions taken out,
    /// in order. Only a command line that starts with `grade` is changed.
    static func split(_ arguments: [String]) -> (forParser: [String], laterSubmissions: [String]) {
        guard arguments.first == "grade" else { return (arguments, []) }
        var forParser = ["grade"], later: [String] = []
        var seenSubmission = false, afterTerminator = false
        var i = 1
        while i < arguments.count {
            let a = arguments[i]
            if afterTerminator || !a.hasPrefix("-") || a == "-" {
                if seenSubmission { later.append(a) } else { forParser.append(a); seenSubmission = true }
            } else {
                forParser.append(a)
                if a == "--" {
                    afterTerminator = true
                } else if valueOptions.contains(a), i + 1 < arguments.count {
                    forParser.append(arguments[i + 1])
                    i += 1
                }
            }
            i += 1
        }
        return (forParser, later)
    }
}

/// A key grades nobody when it does not run clean or asks nothing: `grade` and `check --key`
/// both stop here with exit status 2 and the key's errors.
func requireGradable(_ grader: Grader, key: String, reveal: Bool) throws {
    // A student holds the assignment: passed as the key, --reveal would print every expected
    // value (their own variant's too), the answers `check --reveal` refuses to show of it.
    if reveal && grader.keyIsAssignment {
        printError("error: \(key) is an assignment (its front matter has variant:), not a key, so --reveal would show the answers; grade against the teacher's key instead")
        throw ExitCode(2)
    }
    if !grader.keyErrors.isEmpty {
        for e in grader.keyErrors { printError(problemLine(key, e, "error", grader.language)) }
        printError("error: the key does not run clean; fix it (stepmark check \(key)) before grading against it")
        throw ExitCode(2)
    }
    if grader.exercises.isEmpty {
        printError("error: the key \(key) has no exercises (add exercise=ID to a directive)")
        throw ExitCode(2)
    }
}
