import Dispatch
import FoundationEssentials
import StepmarkCore
import StepmarkLesson
import StepmarkRender

/// One graded submission of a batch and where its files went.
public struct GradedSubmission: Sendable {
    /// The path as given.
    public var path: String
    /// The folder name under the output folder (unique, safe as a file name).
    public var name: String
    public var outcome: GradeOutcome
}

/// The result of grading a batch.
public struct BatchResult: Sendable {
    public var submissions: [GradedSubmission]
    /// Files that could not be written, with the reason.
    public var writeErrors: [ReadError]

    public var graded: Int { submissions.filter { $0.outcome.problem == nil }.count }
    public var notGraded: Int { submissions.count - graded }
    public var allPassed: Int { submissions.filter(\.outcome.allPassed).count }
}

/// Grades many submissions against one key, in parallel, and writes for each a Gradescope
/// `results.json` and a feedback page (HTML and Markdown) in `OUT/<name>/`, then
/// `OUT/gradebook.csv`. A submission that cannot be graded gets zeros and a reason; nothing
/// stops the batch.
public struct Gradebook: Sendable {
    public let grader: Grader
    public let out: String
    /// The variant a submission must hold, when the grader knows whose it is (a roster).
    public var expectedVariant: (@Sendable (String) -> Int?)? = nil
    /// A late policy, applied with the `submission_metadata.json` next to each submission.
    public var latePolicy: LatePolicy? = nil

    public init(grader: Grader, out: String) {
        self.grader = grader
        self.out = out
    }

    public static let csvName = "gradebook.csv"
    /// The files written for each submission, in `OUT/<name>/`.
    public static let perSubmissionFiles = ["results.json", "feedback.html", "feedback.md"]

    /// The first file this batch would write over one of its inputs (a submission, or the key),
    /// as an error on `out`; nil when none would. Files are compared by device and inode, so a
    /// link or another spelling of a path is the same file.
    static func inputOverwritten(submissions paths: [String], names: [String], out: String, key: String) -> ReadError? {
        var inputs: [[UInt64]: String] = [:]
        for path in [key] + paths { if let id = SamePath.identity(path), inputs[id] == nil { inputs[id] = path } }
        let targets = [FilePathText.join(out, csvName)]
            + names.flatMap { name in perSubmissionFiles.map { FilePathText.join(FilePathText.join(out, name), $0) } }
        for target in targets {
            guard let id = SamePath.identity(target), let input = inputs[id] else { continue }
            let what = input == key ? "the key \(key)" : "the submission \(input)"
            return ReadError(path: out, message: "writing \(target) would replace \(what); nothing was graded. Give --out a folder that holds no submission and not the key")
        }
        return nil
    }
    /// The metadata file read next to each submission when a late policy is given (the name
    /// Gradescope uses).
    public static let metadataName = "submission_metadata.json"

    /// Grades every submission (using all cores) and writes the files.
    /// - Parameter progress: called with (done, total) after each submission, from any thread.
    public func run(submissions paths: [String], reveal: Bool = false, progress: (@Sendable (Int, Int) -> Void)? = nil) -> BatchResult {
        let names = Gradebook.names(for: paths)
        let box = Collector(count: paths.count)
        let grader = self.grader, out = self.out, expectedVariant = self.expectedVariant, latePolicy = self.latePolicy
        var setupErrors: [ReadError] = []
        if out.isEmpty {
            setupErrors.append(ReadError(path: out, message: "the output folder is an empty name; give a folder with --out"))
        } else {
            do {
                try ReplacingWrite.makeFolders(out)
            } catch {
                setupErrors.append(ReadError(path: out, message: "cannot create the folder: \(error.reason)"))
            }
        }
        // No file written may be an input: with --out the submissions folder, a student's
        // feedback folder can be another student's submission folder, and the key can sit where
        // a feedback page goes (a red-team pass found both overwritten, and a grade that
        // depended on which thread read first).
        if setupErrors.isEmpty, let clash = Gradebook.inputOverwritten(submissions: paths, names: names, out: out, key: grader.keyPath) {
            setupErrors.append(clash)
        }
        // Without an output folder nothing is graded: writing anywhere else (the working
        // folder, for an empty name) would scatter files where nobody asked for them.
        guard setupErrors.isEmpty else { return BatchResult(submissions: [], writeErrors: setupErrors) }
        DispatchQueue.concurrentPerform(iterations: paths.count) { i in
            var outcome = grader.grade(submissionPath: paths[i], reveal: reveal, expectedVariant: expectedVariant?(paths[i]))
            if let latePolicy {
                let metadata = FilePathText.join(FilePathText.parent(paths[i]), Gradebook.metadataName)
                outcome.late = latePolicy.apply(metadataAt: metadata)
            }
            let folder = FilePathText.join(out, names[i])
            var errors: [ReadError] = []
            let files: [(String, String)] = [
                // As `check --format gradescope` prints it: C1 and bidirectional controls from a
                // submission made visible (JSON escapes only C0).
                (Gradebook.perSubmissionFiles[0], ControlCharacters.neutralized(outcome.gradescope().serialized(pretty: true) + "\n")),
                (Gradebook.perSubmissionFiles[1], FeedbackPage.html(outcome, name: names[i])),
                (Gradebook.perSubmissionFiles[2], FeedbackPage.markdown(outcome, name: names[i])),
            ]
            do {
                try QuickFile.makeFolder(folder)
                for (file, content) in files { try QuickFile.write(content, to: folder + "/" + file) }
            } catch let e as ReadError {
                errors.append(e)
            } catch {
                errors.append(ReadError(path: folder, message: "\(error)"))
            }
            let done = box.put(i, GradedSubmission(path: paths[i], name: names[i], outcome: outcome), errors: errors)
            progress?(done, paths.count)
        }
        var result = BatchResult(submissions: box.items.map { $0! }, writeErrors: setupErrors + box.errors)
        // One flush for the whole batch, before the gradebook: once gradebook.csv exists, every
        // file it lists is on disk.
        if !QuickFile.flushFileSystem(of: out) {
            result.writeErrors.append(AtomicFile.failure(out))
        }
        do {
            try ReplacingWrite.write(csv(result.submissions), to: FilePathText.join(out, Gradebook.csvName), durable: true)
        } catch {
            result.writeErrors.append(ReadError(path: FilePathText.join(out, Gradebook.csvName), message: "cannot write: \(error.reason)"))
        }
        return result
    }

    /// The gradebook: a header `submission,folder,<exercise ids…>,total,max_score,note`, then
    /// one row per submission in the order given. `note` says why a submission was not graded
    /// or how many problems its answer blocks had, and what a late policy took off (the total
    /// is after it; the exercise columns before).
    public func csv(_ submissions: [GradedSubmission]) -> String {
        let ids = grader.exercises.map(\.spec.id)
        let maxScore = grader.exercises.reduce(0) { $0 + $1.spec.points }
        var out = CSV.row(["submission", "folder"] + ids + ["total", "max_score", "note"])
        for s in submissions {
            let scores = Dictionary(s.outcome.exercises.map { ($0.id, $0.score) }, uniquingKeysWith: { a, _ in a })
            var note = ""
            if let problem = s.outcome.problemForTeacher {
                note = "not graded: " + problem
            } else if !s.outcome.lessonErrors.isEmpty {
                let n = s.outcome.lessonErrors.count + s.outcome.moreErrors
                note = "\(n) problem\(n == 1 ? "" : "s") in the answer blocks"
            }
            if s.outcome.lateDeduction > 0 {
                note += (note.isEmpty ? "" : "; ") + "late: -\(CSV.number(s.outcome.lateDeduction))"
            } else if case let problem?? = s.outcome.late.map(\.problem) {
                note += (note.isEmpty ? "" : "; ") + "late policy not applied (\(problem.teacherNote))"
            }
            out += CSV.row([s.path, s.name] + ids.map { CSV.number(scores[$0] ?? 0) }
                           + [CSV.number(s.outcome.score), CSV.number(maxScore), note])
        }
        return out
    }

    /// A unique, safe folder name per submission: the file name without `.md`; when two
    /// submissions share a file name, the parent folder's name goes in front (`alice-lesson`);
    /// any remaining clash gets `-2`, `-3`, ….
    public static func names(for paths: [String]) -> [String] {
        func base(_ p: String) -> String {
            let last = FilePathText.lastComponent(p)
            return last.lowercased().hasSuffix(".md") ? String(last.dropLast(3)) : last
        }
        let bases = paths.map(base)
        var counts: [String: Int] = [:]
        for b in bases { counts[b, default: 0] += 1 }
        var used: Set<String> = [csvName.lowercased()]
        var names: [String] = []
        for (p, b) in zip(paths, bases) {
            var name = b
            if counts[b, default: 0] > 1 {
                let parent = FilePathText.lastComponent(FilePathText.parent(p))
                if !parent.isEmpty && parent != "." && parent != "/" { name = parent + "-" + b }
            }
            name = safe(name)
            var candidate = name
            var k = 2
            while used.contains(candidate.lowercased()) { candidate = "\(name)-\(k)"; k += 1 }
            used.insert(candidate.lowercased())
            names.append(candidate)
        }
        return names
    }

    /// Letters, digits, `-`, `_` and `.` kept (ASCII only), everything else `_`; never empty,
    /// never starting with a dot, at most 100 characters.
    static func safe(_ s: String) -> String {
        var out = String(s.unicodeScalars.prefix(100).map { c -> Character in
            let ok = (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "-" || c == "_" || c == "."
            return ok ? Character(c) : "_"
        })
        if out.isEmpty { out = "submission" }
        if out.hasPrefix(".") { out = "_" + out.dropFirst() }
        return out
    }
}

/// Collects results from concurrent workers.
final class Collector: @unchecked Sendable {
    private let lock = ThreadLock()
    private(set) var items: [GradedSubmission?]
    private(set) var errors: [ReadError] = []
    private var done = 0

    init(count: Int) { items = Array(repeating: nil, count: count) }

    func put(_ i: Int, _ item: GradedSubmission, errors: [ReadError]) -> Int {
        lock.lock()
        defer { lock.unlock() }
        items[i] = item
        self.errors += errors
        done += 1
        return done
    }
}

/// A gradebook for a learning management system's import, one row per student of the roster.
public enum LMSFormat: String, Sendable, CaseIterable {
    /// stepmark's own `gradebook.csv` only.
    case csv
    /// Canvas's gradebook import: `Student,ID,SIS User ID,SIS Login ID,Section,<assignment>`.
    case canvas
    /// Moodle's grade import (CSV): `ID number,Email address,Full name,<grade item>`.
    case moodle

    /// The file written next to `gradebook.csv`.
    public var fileName: String? {
        switch self {
        case .csv: nil
        case .canvas: "canvas-import.csv"
        case .moodle: "moodle-import.csv"
        }
    }
}

extension Gradebook {
    /// Writes a file of the batch atomically and durably (as `gradebook.csv` is).
    /// - Throws: `ReadError` with the reason.
    public static func writeFile(_ text: String, to path: String) throws {
        do {
            try ReplacingWrite.write(text, to: path, durable: true)
        } catch {
            throw ReadError(path: path, message: "cannot write: \(error.reason)")
        }
    }

    /// The LMS import file: one row per roster student, in roster order, with the total of the
    /// student's submission (found under the student's folder or named by the id, as for
    /// variants) or an empty grade when there is none (both LMSs then leave the grade as it
    /// was). Returns the text and warnings (a student with two submissions: the one named like
    /// the key counts, else the first;
    /// a submission that matches no student). Every field goes through `CSV.field`, so a name
    /// such as `=HYPERLINK(…)` is shown, never run.
    /// - Parameter roots: the folder each submission path was found in (`student(forSubmission:root:)`);
    ///   a path not in it is read from its own folder.
    public static func lmsExport(_ format: LMSFormat, roster: Roster, submissions: [GradedSubmission],
                                 assignment: String, roots: [String: String] = [:]) -> (text: String, warnings: [String]) {
        var byStudent: [String: GradedSubmission] = [:]
        var warnings: [String] = []
        for s in submissions {
            guard let id = roster.student(forSubmission: s.path, root: roots[s.path])?.id else {
                warnings.append("\(s.path) matches no student of the roster (a folder or a file named by the id); it is left out of the \(format.rawValue) file")
                continue
            }
            if let kept = byStudent[id] {
                // As Gradescope's autograder chooses: the file named like the key, else the first
                // (a blank draft.md sorted before the filled-in key.md counted).
                func namedLikeKey(_ g: GradedSubmission) -> Bool { FilePathText.lastComponent(g.path) == g.outcome.keyName }
                let replace = namedLikeKey(s) && !namedLikeKey(kept)
                let (left, counted) = replace ? (kept, s) : (s, kept)
                warnings.append("\(left.path) is a second submission of student '\(Snippet.quote(id))'; \(counted.path) counts in the \(format.rawValue) file (the one named like the key, else the first)")
                if replace { byStudent[id] = s }
                continue
            }
            byStudent[id] = s
        }
        func grade(_ id: String) -> String { byStudent[id].map { CSV.number($0.outcome.score) } ?? "" }
        var out = ""
        switch format {
        case .csv:
            return ("", [])
        case .canvas:
            out = CSV.row(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", assignment])
            for st in roster.students {
                let f = st.fields
                out += CSV.row([st.name, f["canvas_id"] ?? "", st.id, f["sis_login_id"] ?? f["login"] ?? f["email"] ?? "",
                                f["section"] ?? "", grade(st.id)])
            }
        case .moodle:
            out = CSV.row(["ID number", "Email address", "Full name", assignment])
            for st in roster.students {
                out += CSV.row([st.id, st.fields["email"] ?? "", st.name, grade(st.id)])
            }
        }
        return (out, warnings)
    }
}

/// CSV (RFC 4180) with a guard against formula injection in spreadsheets.
extension Roster {
    /// The student a submission belongs to, read from its path below `root`, the folder it was
    /// found in (the folder named on the command line, or a file's own folder). When the root
    /// is a student's folder (as `assign --variants` names them), theirs, unless the file lies
    /// directly in it and is named by another id; otherwise the outermost folder below the root
    /// that is a student's, else the student whose id is the file's name without `.md`.
    ///
    /// Outermost, because a student's upload holds whatever folders they make: in a batch
    /// `grade subs`, `subs/a1/s1/key.md` is a1's, whatever it is named (a red-team pass: the
    /// innermost folder won, so a file planted in one's own folder stood for a classmate's
    /// grade). Below the root, because the teacher's own folders are no student's (a folder
    /// `alex/` above the submissions, alex being a test student, claimed every file).
    public func student(forSubmission path: String, root: String? = nil) -> Student? {
        func parts(_ p: String) -> [String] { p.split(separator: "/").filter { $0 != "." }.map(String.init) }
        let components = parts(path)
        let stem = FilePathText.removingExtension((components.last ?? ""))
        let rootParts = root.map(parts) ?? Array(components.dropLast())
        let below = components.starts(with: rootParts) ? Array(components.dropFirst(rootParts.count).dropLast()) : []
        // The found-in folder is a student's (`grade subs/alice`, or a file named on its own):
        // everything in it is theirs, but for files directly in it named by an id (a folder of
        // flat files such as `alex/s1.md`, alex being a test student).
        if let owner = rootParts.last.flatMap({ byFolder[$0] }) {
            if below.isEmpty, let s = byFolder[stem] { return s }
            return owner
        }
        for folder in below { if let s = byFolder[folder] { return s } }
        return byFolder[stem]
    }

    /// The roster's student who submitted, by Gradescope's `users` of submission_metadata.json:
    /// the roster id is the user's `sid`, else the roster's `email` is the user's (in any case),
    /// else the roster id is that email. The first user who matches (a group shares one file).
    public func student(for users: [SubmissionMetadata.User]) -> Student? {
        for user in users {
            if let sid = user.sid, let s = students.first(where: { $0.id == sid }) { return s }
            if let email = user.email?.lowercased() {
                if let s = students.first(where: { $0.fields["email"]?.trimmingWhitespace().lowercased() == email || $0.id.lowercased() == email }) { return s }
            }
        }
        return nil
    }

    /// The variant expected of a submission path: its student's (`student(forSubmission:)`).
    /// Nil when no student matches.
    public func expectedVariant(forSubmission path: String, root: String? = nil) -> Int? {
        student(forSubmission: path, root: root)?.variant
    }
}

public enum CSV {
    /// One line: fields separated by commas, ended by "\n" (which spreadsheets and Python's
    /// csv module both read).
    public static func row(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\n"
    }

    /// A field: a text starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a
    /// leading `'` so spreadsheets do not run it as a formula; then quoted when it holds a
    /// comma, a quote or a line break (quotes doubled).
    ///
    /// Everything is decided on Unicode scalars, never on Characters: a quote or a comma
    /// followed by a combining mark (`"` + U+0301) is one Character that equals neither, yet a
    /// CSV reader sees the quote byte. Comparing Characters let such a file name end the
    /// quoting and plant a formula in the next column.
    public static func field(_ s: String) -> String {
        // Control characters (a file name's ESC) made visible first; tab and line feed stay.
        var scalars = ControlCharacters.neutralized(s).unicodeScalars
        // A signed plain number (a roster id `-3`) is no formula: kept as written, so that the
        // LMS still matches the id (`'-3` matched no student).
        let plainNumber = ["+", "-"].contains(scalars.first) && scalars.count > 1
            && scalars.dropFirst().allSatisfy { ("0"..."9").contains($0) || $0 == "." } && scalars.filter { $0 == "." }.count <= 1
        if !plainNumber, let first = scalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) { scalars.insert("'", at: scalars.startIndex) }
        guard scalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return String(scalars) }
        var out = String.UnicodeScalarView()
        out.append("\"")
        for c in scalars {
            if c == "\"" { out.append("\"") }
            out.append(c)
        }
        out.append("\"")
        return String(out)
    }

    /// A score: a whole number, or up to 4 decimals.
    public static func number(_ x: Double) -> String { Feedback.trim(rounded(x)) }
    /// `x` to four decimals, the gradebook's precision.
    public static func rounded(_ x: Double) -> Double { (x * 10_000).rounded() / 10_000 }
}

/// The feedback page a student reads: the score, each exercise's feedback and the answer as
/// written. Everything from the submission is escaped; the HTML has no scripts, no links and a
/// Content-Security-Policy that forbids loading anything. An exercise whose `visibility` is not
/// `visible` shows neither its result nor its feedback (as on Gradescope): the page says when
/// it will be shown, and the score counts only what is shown.
public enum FeedbackPage {
    /// The score and the points a student may see now, and whether some are withheld.
    static func shownTotal(_ o: GradeOutcome) -> (score: Double, points: Double, withheld: Bool) {
        let shown = o.exercises.filter { $0.visibility == .visible }
        // A late deduction is a fraction of what was earned: the shown part loses the same fraction.
        let earned = shown.reduce(0) { $0 + $1.score }
        let kept = o.late != nil && o.earnedScore > 0 ? max(0, earned * (o.score / o.earnedScore)) : earned
        return (kept, shown.reduce(0) { $0 + $1.points }, shown.count < o.exercises.count)
    }

    public static func html(_ o: GradeOutcome, name: String) -> String {
        func e(_ s: String) -> String { HTML.escape(s) }
        let w = FeedbackWords.of(o.language)
        var body = "<h1>\(e(w.feedbackTitle))</h1>\n"
        body += "<p>\(e(w.submission)): <code>\(e(o.submission))</code></p>\n"
        let total = shownTotal(o)
        body += "<p class=\"total\">\(e(w.score)): <strong>\(e(Feedback.trim(total.score))) / \(e(Feedback.trim(total.points)))</strong>\(total.withheld ? e(w.shownLater) : "")</p>\n"
        if let lateLine = o.lateLine { body += "<p class=\"late\">\(e(lateLine))</p>\n" }
        if let problem = o.problemForStudent {
            body += "<p class=\"bad\">\(e(w.notGraded)): \(e(problem))</p>\n"
        }
        body += "<table>\n<thead><tr><th scope=\"col\">\(e(w.exerciseColumn))</th><th scope=\"col\">\(e(w.resultColumn))</th><th scope=\"col\">\(e(w.scoreColumn))</th></tr></thead>\n<tbody>\n"
        for x in o.exercises {
            if x.visibility != .visible {
                body += "<tr><td>\(e(o.label(x.id)))</td><td>\(e(w.withheld(x.visibility)))</td><td>? / \(e(Feedback.trim(x.points)))</td></tr>\n"
                continue
            }
            body += "<tr><td><a href=\"#ex-\(e(x.id))\">\(e(o.label(x.id)))</a></td><td>\(e(x.passed ? w.passed : w.notYet))</td><td>\(e(Feedback.trim(x.score))) / \(e(Feedback.trim(x.points)))</td></tr>\n"
        }
        body += "</tbody>\n</table>\n"
        for x in o.exercises where x.visibility == .visible {
            body += "<section id=\"ex-\(e(x.id))\">\n<h2>\(x.passed ? "✓" : "✗") \(e(o.label(x.id))) <small>\(e(Feedback.trim(x.score))) / \(e(Feedback.trim(x.points)))</small></h2>\n"
            body += "<pre class=\"feedback\">\(e(x.feedback))</pre>\n"
            if let source = o.answerSources[x.id] {
                body += "<details><summary>\(e(w.yourAnswer))</summary><pre>\(e(source))</pre></details>\n"
            }
            body += "</section>\n"
        }
        if !o.lessonErrors.isEmpty {
            body += "<h2>\(e(w.problems))</h2>\n<ul>\n"
            for line in o.errorLines { body += "<li>\(e(line))</li>\n" }
            body += "</ul>\n"
        }
        // A submission's answers and file name may hold C1 and bidirectional controls (HTML
        // escapes neither): made visible, as on the Markdown page.
        return ControlCharacters.neutralized("""
            <!DOCTYPE html>
            <html lang="\(o.language.rawValue)">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
            <meta name="referrer" content="no-referrer">
            <title>\(e(w.feedbackTitle)): \(e(name))</title>
            <style>
            :root{color-scheme:light dark}
            body{font:16px/1.5 system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem}
            pre{background:color-mix(in srgb,currentColor 7%,transparent);padding:.5rem .8rem;border-radius:6px;overflow-x:auto;white-space:pre-wrap;overflow-wrap:anywhere}
            table{border-collapse:collapse}td,th{border:1px solid #8884;padding:.2rem .6rem}
            .bad{color:#b3261e;font-weight:600}
            </style>
            </head>
            <body>
            \(body)</body>
            </html>

            """)
    }

    public static func markdown(_ o: GradeOutcome, name: String) -> String {
        let w = FeedbackWords.of(o.language)
        var out = "# \(w.feedbackTitle): \(escape(name))\n\n"
        out += "\(w.submission): \(escape(o.submission))\n\n"
        let total = shownTotal(o)
        out += "\(w.score): **\(Feedback.trim(total.score)) / \(Feedback.trim(total.points))**\(total.withheld ? w.shownLater : "")\n\n"
        if let lateLine = o.lateLine { out += escape(lateLine) + "\n\n" }
        if let problem = o.problemForStudent { out += "\(w.notGraded): \(escape(problem))\n\n" }
        out += "| \(w.exerciseColumn) | \(w.resultColumn) | \(w.scoreColumn) |\n| --- | --- | --- |\n"
        for x in o.exercises {
            if x.visibility != .visible {
                out += "| \(escape(o.label(x.id))) | \(w.withheld(x.visibility)) | ? / \(Feedback.trim(x.points)) |\n"
                continue
            }
            out += "| \(escape(o.label(x.id))) | \(x.passed ? w.passed : w.notYet) | \(Feedback.trim(x.score)) / \(Feedback.trim(x.points)) |\n"
        }
        for x in o.exercises where x.visibility == .visible {
            out += "\n## \(x.passed ? "✓" : "✗") \(escape(o.label(x.id))) (\(Feedback.trim(x.score)) / \(Feedback.trim(x.points)))\n\n"
            out += fenced(x.feedback)
            if let source = o.answerSources[x.id] {
                out += "\n\(w.yourAnswer):\n\n" + fenced(source)
            }
        }
        if !o.lessonErrors.isEmpty {
            out += "\n## \(w.problems)\n\n" + fenced(o.errorLines.joined(separator: "\n"))
        }
        // A submission's answers and file name may hold control characters; made visible so
        // the page never carries an escape sequence to a terminal that shows it.
        return ControlCharacters.neutralized(out)
    }

    /// Backslash-escapes Markdown punctuation and `<`, so untrusted text stays text.
    ///
    /// An `@` also gets an invisible word joiner (U+2060) in front: GFM's e-mail autolinks are
    /// found in the text after escapes are resolved, so `foo\@evil\.example` was still a
    /// `mailto:` link (a red-team pass); a character that is not part of an address ends one.
    static func escape(_ s: String, escaping marks: Set<Unicode.Scalar> = pageMarks) -> String {
        var out = ""
        for c in s.unicodeScalars {
            if c.value < 0x20 { out += " "; continue }
            if c == "@" { out += "\u{2060}" }
            if marks.contains(c) { out += "\\" }
            out.unicodeScalars.append(c)
        }
        return out
    }

    /// What a feedback page escapes: the characters that start Markdown or HTML constructs.
    static let pageMarks = Set("\\`*_{}[]<>()#+-.!|~&\"'".unicodeScalars)

    /// What Gradescope's Markdown output escapes: every ASCII punctuation character (CommonMark
    /// lets any be escaped, so no construct of any flavour is left: `===` headings, `$` maths,
    /// autolinks, entities) but `, ; ? ' " %`, which start nothing and stay bare for a readable
    /// results.json.
    static let gradescopeMarks = Set((0x21...0x7E).compactMap(Unicode.Scalar.init).filter {
        !($0.properties.isAlphabetic || ("0"..."9").contains($0) || ",;?'\"%".unicodeScalars.contains($0))
    })

    /// Plain text as Markdown that shows exactly that text (Gradescope's `output_format: md`):
    /// every ASCII punctuation character backslash-escaped, leading spaces made non-breaking (four would start a code block),
    /// lines ended by a hard break, blank lines kept as paragraph breaks.
    public static func markdownText(_ s: String) -> String {
        let lines = s.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let indent = line.prefix { $0 == " " }.count
            return String(repeating: "\u{00A0}", count: indent) + escape(String(line.dropFirst(indent)), escaping: gradescopeMarks)
        }
        var out = ""
        for (i, line) in lines.enumerated() {
            out += line
            guard i + 1 < lines.count else { break }
            // A backslash before the newline is a hard line break; a blank line stays a
            // paragraph break (a line never ends in a lone backslash: each is escaped).
            out += !line.isEmpty && !lines[i + 1].isEmpty ? "\\\n" : "\n"
        }
        return out
    }

    /// A fenced `text` block longer than any backtick run inside, so the content cannot end it.
    static func fenced(_ s: String) -> String {
        var longest = 0, run = 0
        for c in s.unicodeScalars {
            if c == "`" { run += 1; longest = max(longest, run) } else { run = 0 }
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        return "\(fence)text\n\(s)\n\(fence)\n"
    }
}

/// Writes for a batch: each file goes through `ReplacingWrite` (a fresh `mkostemp` name with
/// `O_NOFOLLOW`, renamed into place), so no reader sees half a file, two batches writing into
/// one folder leave one complete results.json, and a symbolic link planted at a temporary or a
/// final name is never written through. Unlike `AtomicFile` it does not flush each file to disk
/// (a crash mid-batch is fixed by grading again), which makes 3,000 small files cheap; `flushFileSystem` makes the whole batch durable with one
/// call at the end.
enum QuickFile {
    /// Flushes every file and folder written so far on the file system holding `folder`, with one
    /// `syncfs(2)` (Linux) instead of an `fsync` per file and per folder; elsewhere, and where
    /// `syncfs` is missing, `sync(2)`. Returns false when the flush reported an error.
    static func flushFileSystem(of folder: String) -> Bool {
        #if os(Linux)
        // Glibc's module map hides syncfs (it needs _GNU_SOURCE), so it is looked up by name.
        typealias SyncFS = @convention(c) (Int32) -> Int32
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "syncfs") {
            let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard fd >= 0 else { return false }
            defer { close(fd) }
            return unsafeBitCast(symbol, to: SyncFS.self)(fd) == 0
        }
        #endif
        sync()
        return true
    }

    /// Makes (or reuses) a submission's folder. A path that exists but is not a real folder —
    /// a symbolic link someone planted to send the files elsewhere, or a file — is refused.
    static func makeFolder(_ path: String) throws {
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            do {
                try ReplacingWrite.makeFolders(path)
            } catch {
                throw ReadError(path: path, message: "cannot create the folder: \(error.reason)")
            }
        }
        var info = stat()
        guard lstat(path, &info) == 0 else { throw ReadError(path: path, message: "cannot use the folder: \(String(cString: strerror(errno)))") }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            let what = info.st_mode & S_IFMT == S_IFLNK ? "a symbolic link" : "not a folder"
            throw ReadError(path: path, message: "is \(what); refusing to write a submission's results through it")
        }
    }

    static func write(_ content: String, to path: String) throws {
        do {
            try ReplacingWrite.write(content, to: path, durable: false)
        } catch {
            throw ReadError(path: path, message: "cannot write: \(error.reason)")
        }
    }
}
