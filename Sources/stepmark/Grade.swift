import ArgumentParser
import Foundation
import StepmarkGrade
import StepmarkLesson
import StepmarkRender

struct Grade: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Grade many submissions against a teacher's key.",
        discussion: """
            Questions, points and tolerances come from the key, which runs once; only the answer \
            blocks are read from each submission (as literals, never run). Writes OUT/gradebook.csv \
            (one row per submission, one column per exercise, the total) and, per submission, \
            OUT/<name>/results.json (Gradescope's format), OUT/<name>/feedback.html and \
            OUT/<name>/feedback.md. A submission that cannot be read (missing, over the size \
            limit, not UTF-8) scores zero with the reason and the batch goes on.

            Exit status: 0 every submission was graded and every answer passed; 1 some answer \
            failed or some submission could not be graded (the files are written all the same); \
            2 bad usage, a key that cannot be read or does not run clean, or output that cannot \
            be written.

            Examples:
              stepmark grade --key lessons/en/01-attention.md submissions/*.md --out grades
              stepmark grade --key key.md submissions/ --out grades   # every .md under the folder
            """
    )

    @Option(help: "The teacher's key (the lesson with exercises and answers).", completion: .file(extensions: ["md"]))
    var key: String

    @Argument(help: "Submission files, or folders searched for .md files.", completion: .file())
    var submissions: [String]

    @Option(help: "The output folder.")
    var out: String

    @Flag(help: "Show the expected values of failed exercises in the feedback.")
    var reveal = false

    @OptionGroup(title: "Limits (SPEC §7; raise them for trusted lessons)") var limits: LimitOptions

    func validate() throws {
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
        if !grader.keyErrors.isEmpty {
            for e in grader.keyErrors { printError("\(key):\(e.line):\(e.column): error: \(e.message)") }
            printError("error: the key does not run clean; fix it (stepmark check \(key)) before grading")
            throw ExitCode(2)
        }
        if grader.exercises.isEmpty {
            printError("error: the key \(key) has no exercises (add exercise=ID to a directive)")
            throw ExitCode(2)
        }
        for r in grader.keyCheck where !r.passed {
            printError("warning: the key's own answer to '\(r.id)' does not pass: \(r.feedback.split(separator: "\n").first ?? "")")
        }
        let paths = SubmissionFiles.expand(submissions)
        if paths.isEmpty {
            printError("error: no .md submissions found in \(submissions.joined(separator: ", "))")
            throw ExitCode(2)
        }
        if paths.contains(where: { SubmissionFiles.same($0, key) }) {
            printError("warning: the key itself is among the submissions")
        }
        let progress: (@Sendable (Int, Int) -> Void)? = isTerminal(2) ? SubmissionFiles.progressLine() : nil
        let result = Gradebook(grader: grader, out: out).run(submissions: paths, reveal: reveal, progress: progress)
        if progress != nil { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        for s in result.submissions {
            if let problem = s.outcome.problem { printError("\(s.path): not graded: \(problem)") }
        }
        for e in result.writeErrors { printError("error: \(e)") }
        let n = result.submissions.count
        print("graded \(n) submission\(n == 1 ? "" : "s") into \(out): \(result.allPassed) all correct, "
              + "\(result.graded - result.allPassed) with answers to revisit, \(result.notGraded) not graded; "
              + "gradebook: \((out as NSString).appendingPathComponent(Gradebook.csvName))")
        if !result.writeErrors.isEmpty { throw ExitCode(2) }
        if result.allPassed < n { throw ExitCode(1) }
    }
}

enum SubmissionFiles {
    /// Files as given; folders become the .md files under them, sorted.
    static func expand(_ arguments: [String]) -> [String] {
        var out: [String] = []
        let fm = FileManager.default
        for a in arguments {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: a, isDirectory: &isDirectory), isDirectory.boolValue else {
                out.append(a)  // a missing file is graded as unreadable, with the reason
                continue
            }
            let found = (fm.enumerator(atPath: a)?.compactMap { $0 as? String } ?? [])
                .filter { $0.lowercased().hasSuffix(".md") }
                .sorted()
                .map { (a as NSString).appendingPathComponent($0) }
            out += found
        }
        return out
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
            FileHandle.standardError.write(Data("\rgrading \(done)/\(total)…".utf8))
        }
    }
}

final class ProgressState: @unchecked Sendable {
    private let lock = NSLock()
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
