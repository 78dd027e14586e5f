import Foundation
import StepmarkCore
import StepmarkGrade
import Testing
@testable import StepmarkLesson

/// Issue 15's classes 4, 5, 7, 8 and 9 at the level of lessons, grading and the CLI.
@Suite(.serialized) struct HardeningTests {
    static let key = "# Key\n\n```let exercise=a\na = 0.5\n```\n"

    // MARK: class 4, injection

    /// A quote or comma followed by U+0301 is one Character but still a quote byte to a CSV
    /// reader. Python's csv module must read back exactly the fields written.
    @Test func csvFieldsSurviveCombiningMarks() throws {
        let hostile = ["a\"\u{301},=1+1\nb.md", ",\u{301}x", "\"\u{301}", "=\u{301}SUM(A1)", "-\u{301}2", "\r\u{301}\n", "plain"]
        let row = CSV.row(hostile)
        let folder = try temporaryFolder(["g.csv": row])
        let out = try pythonOutput("""
            import csv, json, sys
            rows = list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8')))
            print(json.dumps(rows))
            """, arguments: [folder + "/g.csv"])
        let rows = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [[String]]
        // One row; every field reads back as written, a leading formula character behind a ',
        // a carriage return shown as ␍ (control characters are made visible in every cell).
        let expected = hostile.map { f -> String in
            let shown = String(String.UnicodeScalarView(f.unicodeScalars.map { $0 == "\r" ? "\u{240D}" : $0 }))
            return ["=", "-"].contains(shown.unicodeScalars.first!) ? "'" + shown : shown
        }
        #expect(rows == [expected])
    }

    // MARK: class 5, temporary files and concurrency

    @Test func emptyOutIsRefusedAndWritesNothing() throws {
        let folder = try temporaryFolder(["key.md": Self.key, "s.md": "```answer a\n0.5\n```\n"])
        let r = try stepmark(["grade", "--key", "key.md", "s.md", "--out", ""], in: folder)
        #expect(r.status == 2)
        #expect(r.stderr.contains("--out needs a folder name"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["key.md", "s.md"])
        // The library refuses too, before grading or writing anything.
        let result = Gradebook(grader: Grader(key: LessonParser.parse(Self.key, path: "key.md")), out: "")
            .run(submissions: [folder + "/s.md"])
        #expect(result.submissions.isEmpty && result.writeErrors.count == 1)
    }

    @Test func plantedLinksAreNeverFollowed() throws {
        let folder = try temporaryFolder(["key.md": Self.key, "s.md": "```answer a\n0.5\n```\n", "victim.md": "lesson",
                                          "elsewhere/keep.txt": "keep"])
        let out = folder + "/grades"
        try FileManager.default.createDirectory(atPath: out + "/t", withIntermediateDirectories: true)
        // A planted .partial link (the old fixed temporary name) and a link at the final name.
        #expect(symlink(folder + "/victim.md", out + "/t/results.json.partial") == 0)
        #expect(symlink(folder + "/victim.md", out + "/t/feedback.md") == 0)
        // A submission folder that is a link to another folder is refused.
        #expect(symlink(folder + "/elsewhere", out + "/s") == 0)
        try "```answer a\n0.5\n```\n".write(toFile: folder + "/t.md", atomically: true, encoding: .utf8)
        let r = try stepmark(["grade", "--key", "key.md", "s.md", "t.md", "--out", "grades"], in: folder)
        #expect(r.status == 2)
        #expect(r.stderr.contains("is a symbolic link; refusing to write a submission's results through it"))
        #expect(try String(contentsOfFile: folder + "/victim.md", encoding: .utf8) == "lesson")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/elsewhere") == ["keep.txt"])
        var info = stat()
        #expect(lstat(out + "/t/feedback.md", &info) == 0 && info.st_mode & S_IFMT == S_IFREG)
        #expect(try String(contentsOfFile: out + "/t/results.json", encoding: .utf8).contains("\"score\": 1"))
    }

    /// Two grade runs into one folder at the same time: both succeed and every results.json is
    /// one complete JSON document.
    @Test func concurrentGradesIntoOneFolder() throws {
        var files = ["key.md": Self.key]
        for k in 0..<20 { files["s\(k).md"] = "```answer a\n\(k % 2 == 0 ? "0.5" : "0.4")\n```\n" }
        let folder = try temporaryFolder(files)
        let submissions = (0..<20).map { "s\($0).md" }
        final class Box: @unchecked Sendable { var results: [CommandResult?] = [nil, nil] }
        let box = Box()
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            box.results[i] = try? stepmark(["grade", "--key", "key.md"] + submissions + ["--out", "g"], in: folder)
        }
        #expect(box.results.allSatisfy { $0?.status == 1 })
        for k in 0..<20 {
            let data = FileManager.default.contents(atPath: folder + "/g/s\(k)/results.json") ?? Data()
            let json = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            #expect(json?["score"] as? Double == (k % 2 == 0 ? 1 : 0))
        }
        let leftovers = try FileManager.default.subpathsOfDirectory(atPath: folder + "/g").filter { $0.contains(".tmp-") || $0.hasSuffix(".partial") }
        #expect(leftovers == [])
    }

    // MARK: class 7, special files

    /// UAX #15's stream-safe format: a joiner after every 30 marks in a row, and nothing else
    /// changes (real text, Hangul, a short run; the characters a column counts).
    @Test func textIsMadeStreamSafe() throws {
        for plain in ["plain", "강가의 은행", "e\u{0301}\u{0316}", "x" + String(repeating: "\u{0301}", count: 30), ""] {
            #expect(LessonParser.streamSafe(plain).unicodeScalars.elementsEqual(plain.unicodeScalars), "\(plain.debugDescription)")
        }
        let long = "x" + String(repeating: "\u{0301}\u{0316}", count: 40) + " y"
        let safe = LessonParser.streamSafe(long)
        let scalars = Array(safe.unicodeScalars)
        #expect(scalars.count == long.unicodeScalars.count + 2)
        #expect(scalars[31] == "\u{034F}" && scalars[62] == "\u{034F}", "after the 30th and the 60th mark")
        #expect(safe.count == long.count, "the same characters (grapheme clusters), so columns stay")
        #expect(String(String.UnicodeScalarView(scalars.filter { $0 != "\u{034F}" })).unicodeScalars.elementsEqual(long.unicodeScalars))
        // Read from a file too.
        let decoded = try LessonParser.decode(Data(long.utf8), path: "x.md")
        #expect(decoded.unicodeScalars.elementsEqual(safe.unicodeScalars))
    }

    /// A submission that is a symbolic link is not followed: to the key it scored full marks, to
    /// a classmate's file their score (a red-team pass). The rest of the batch is graded.
    @Test func linkedSubmissionsAreNotGraded() throws {
        let key = "```let exercise=e1\nx = 2\n```\n\n```answer e1\n2\n```\n"
        let folder = try temporaryFolder(["key.md": key, "subs/alice/hw.md": "```answer e1\n2\n```\n"])
        try FileManager.default.createDirectory(atPath: folder + "/subs/mallory", withIntermediateDirectories: true)
        #expect(symlink("../alice/hw.md", folder + "/subs/mallory/hw.md") == 0)
        #expect(symlink("../key.md", folder + "/subs/bob.md") == 0)
        let grade = try stepmark(["grade", "--key", "key.md", "subs", "--out", "g"], in: folder)
        #expect(grade.status == 2, "\(grade.stdout)\(grade.stderr)")
        #expect(grade.stderr.contains("bob.md: not graded: the file is a symbolic link, not a regular file"), "\(grade.stderr)")
        #expect(grade.stderr.contains("hw.md: not graded: the file is a symbolic link"), "\(grade.stderr)")
        let csv = try String(contentsOfFile: folder + "/g/gradebook.csv", encoding: .utf8)
        #expect(csv.split(separator: "\n").filter { $0.contains("symbolic link") }.count == 2, "\(csv)")
        #expect(csv.split(separator: "\n").contains { $0.contains("alice") && $0.contains(",1,1,") }, "\(csv)")
        let check = try stepmark(["check", "subs/bob.md", "--key", "key.md", "--format", "gradescope"], in: folder)
        #expect(check.status == 2 && check.stdout.contains("\"score\": 0"), "\(check.stdout)")
    }

    /// A notebook handed in (the exported handout, filled in) is not graded as Markdown with
    /// "no answer" everywhere, nor left out of a folder silently: it gets a zero that says to
    /// copy the answers into the assignment's .md file (a teacher's first-hour review).
    @Test func notebooksSayHowToHandIn() throws {
        let key = "```let exercise=e1\nx = 2\n```\n\n```answer e1\n2\n```\n"
        let folder = try temporaryFolder(["key.md": key, "subs/ann.md": "```answer e1\n2\n```\n",
                                          "subs/dan.ipynb": "{\"cells\": [], \"nbformat\": 4, \"nbformat_minor\": 5, \"metadata\": {}}\n",
                                          "subs/readme.txt": "notes\n"])
        let grade = try stepmark(["grade", "--key", "key.md", "subs", "--out", "g"], in: folder)
        #expect(grade.status == 2, "\(grade.stdout)\(grade.stderr)")
        #expect(grade.stdout.contains("graded 2 submissions"), "\(grade.stdout)")
        #expect(grade.stderr.contains("dan.ipynb: not graded: the file is a Jupyter notebook; only the ```answer blocks of the assignment's Markdown file are graded"), "\(grade.stderr)")
        let check = try stepmark(["check", "subs/dan.ipynb", "--key", "key.md"], in: folder)
        #expect(check.status == 2 && check.stdout.contains("hand in the .md file"), "\(check.stdout)")
    }

    @Test func fifosAreRefusedEverywhere() throws {
        let folder = try temporaryFolder(["key.md": Self.key, "lesson.md": "```let\nx = load(\"pipe.npy\")\n```\n",
                                          "emb.md": "```embeddings from=\"pipe.txt\"\n```\n"])
        for name in ["pipe.md", "pipe.npy", "pipe.txt"] { #expect(mkfifo(folder + "/" + name, 0o600) == 0) }
        let start = Date()
        let run = try stepmark(["run", "pipe.md"], in: folder)
        #expect(run.status == 2)
        #expect(run.stderr.contains("pipe.md: is a FIFO (named pipe), not a regular file; only regular files are read"))
        let grade = try stepmark(["grade", "--key", "key.md", "pipe.md", "--out", "g"], in: folder)
        #expect(grade.status == 2, "unreadable input (SPEC §5), after the rest is graded")
        #expect(grade.stderr.contains("pipe.md: not graded: the file is a FIFO (named pipe), not a regular file"))
        let load = runLesson(try String(contentsOfFile: folder + "/lesson.md", encoding: .utf8), path: folder + "/lesson.md")
        #expect(load.steps[0].error?.message == "'pipe.npy' is a FIFO (named pipe), not a regular file; only regular files are read")
        // At the file name: `x = load("pipe.npy")`, the quote is column 10.
        #expect(load.steps[0].error?.position == SourcePosition(line: 2, column: 10))
        let from = runLesson(try String(contentsOfFile: folder + "/emb.md", encoding: .utf8), path: folder + "/emb.md")
        #expect(from.steps[0].error?.message == "'pipe.txt' is a FIFO (named pipe), not a regular file; only regular files are read")
        #expect(Date().timeIntervalSince(start) < 10)
    }

    // MARK: class 9, clear errors

    /// /proc and /sys files pass for regular ones (size 0, read to their end), and a lesson
    /// that read one quoted it: `embeddings from="/proc/self/environ"` put the environment
    /// (tokens, keys) into its error and so into the published report; a link named like a
    /// lesson rendered it as prose. They are refused as special files, through links too.
    @Test func kernelFilesAreRefused() throws {
        let folder = try temporaryFolder(["emb.md": "```embeddings from=\"/proc/self/environ\"\n```\n",
                                          "load.md": "```let\nx = load(\"/proc/self/cwd/data.csv\")\n```\n",
                                          "img.md": "# t\n\n![env](/proc/self/environ)\n", "data.csv": "1,2\n"])
        try FileManager.default.createSymbolicLink(atPath: folder + "/env.md", withDestinationPath: "/proc/self/environ")
        try FileManager.default.createSymbolicLink(atPath: folder + "/sys.csv", withDestinationPath: "/sys/kernel/mm/transparent_hugepage/enabled")
        try "```let\nx = load(\"sys.csv\")\n```\n".write(toFile: folder + "/sys.md", atomically: true, encoding: .utf8)
        let secret = ["STEPMARK_TEST_SECRET": "s3cr3t-value"]
        // A real file reached through /proc (the working folder's link) is read as any other.
        let throughProc = try stepmark(["run", "load.md"], in: folder)
        #expect(throughProc.status == 0, "\(throughProc.stdout)\(throughProc.stderr)")
        // A proc file system mounted elsewhere (a container's /host/proc) is one too: as root,
        // in a mount namespace of its own (skipped where that is not allowed).
        if getuid() == 0 {
            try FileManager.default.createDirectory(atPath: folder + "/p2", withIntermediateDirectories: true)
            try "```embeddings from=\"p2/self/environ\"\n```\n".write(toFile: folder + "/p2.md", atomically: true, encoding: .utf8)
            let mounted = try stepmark(["-m", "sh", "-c", "mount -t proc proc p2 && exec \"$0\" run p2.md", stepmarkExecutable], in: folder,
                                       environment: secret, executable: "/usr/bin/unshare")
            if !mounted.stderr.contains("mount:") && !mounted.stderr.contains("unshare:") {
                #expect(!(mounted.stdout + mounted.stderr).contains("s3cr3t-value"))
                #expect(mounted.stdout.contains("is a file of the kernel's /proc"), "\(mounted.stdout)\(mounted.stderr)")
            }
        }
        for (file, status) in [("emb.md", 1), ("img.md", 1), ("env.md", 2), ("sys.md", 1)] {
            let r = try stepmark(["run", file, "--format", "html"], in: folder, environment: secret)
            #expect(r.status == Int32(status), "\(file): \(r.stderr)")
            #expect(!(r.stdout + r.stderr).contains("s3cr3t-value"), "\(file)")
            #expect((r.stdout + r.stderr).contains("is a file of the kernel's /proc (it may hold this process's secrets), not a regular file")
                    || (r.stdout + r.stderr).contains("is a file of the kernel's /sys"), "\(file): \(r.stdout.suffix(400))\(r.stderr)")
        }
    }

    @Test func invalidUTF8OffsetsCountTheBOMAndLoneCRs() throws {
        // BOM (3 bytes) + "a\rb\r\nc\n" (7 bytes), then 0xFF: byte 10 of the file, on line 4.
        let data = Data([0xEF, 0xBB, 0xBF] + Array("a\rb\r\nc\n".utf8) + [0xFF])
        #expect(throws: ReadError(path: "x.md", message: "line 4, column 1: invalid UTF-8 at byte 10; lessons must be UTF-8 text")) {
            _ = try LessonParser.decode(data, path: "x.md")
        }
    }

    @Test func theLargestFileLimitIsAccepted() throws {
        let folder = try temporaryFolder(["l.md": "```let\nx = 1\n```\n"])
        let r = try stepmark(["run", "l.md", "--max-file-bytes", "9223372036854775807"], in: folder)
        #expect(r.status == 0)
    }

    /// Found by a red-team pass: a raised --max-file-bytes let a 1.5 GB file abort the program
    /// under `ulimit -v 2000000`. The limit is held to a sixteenth of what the process may
    /// hold, with a warning, and the file is refused before it is read.
    @Test func aRaisedFileLimitStaysWithinMemory() throws {
        guard ProcessInfo.processInfo.environment["STEPMARK_SANITIZED"] == nil else { return }
        let folder = try temporaryFolder([:])
        let big = folder + "/big.md"
        _ = FileManager.default.createFile(atPath: big, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: big))
        try handle.truncate(atOffset: 200_000_000)  // sparse: no disk used
        try handle.close()
        let r = try stepmark(["/bin/sh", "-c", "ulimit -v 1048576; exec \"$0\" run big.md --max-file-bytes 1000000000", stepmarkExecutable],
                             in: folder, executable: "/usr/bin/env")
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains("warning: --max-file-bytes 1000000000 is more than this process's memory can read with its copies; using 67108864"))
        #expect(r.stderr.contains("big.md: is larger than the limit of 67108864 bytes"))
    }

    // MARK: class 1, the clock inside one expression

    @Test func theDeadlineStopsAnExpressionAtItsOperator() throws {
        var environment = Environment()
        environment.define("A", .tensor(Tensor(shape: [2, 2], data: [1, 2, 3, 4])))
        let line = BodyLine(text: "A @ A @ A", position: SourcePosition(line: 5, column: 1))
        let expression = try ExprParser.parse([line])
        let passed = Deadline(date: Date().addingTimeInterval(-1), seconds: 10)
        let evaluator = Evaluator(environment: environment, deadline: passed)
        do {
            _ = try evaluator.evaluate(expression)
            Issue.record("evaluated past the deadline")
        } catch let e as LessonError {
            // The innermost operator is the first to run: `A @ A` at column 3.
            #expect(e.description == "5:3: the lesson ran over its time limit of 10 s while computing '@' (raise it with --max-seconds)")
        }
        // Without a deadline: [[1,2],[3,4]]³ = [[37, 54], [81, 118]] (by hand: A² = [[7,10],[15,22]]).
        #expect(try Evaluator(environment: environment).evaluate(expression).tensor?.data == [37, 54, 81, 118])
    }

    /// `.T`, unary minus and indexing check the clock too: a line of a thousand `.T` on a
    /// 1000 × 1000 matrix ran 23 s past a 10 s limit (red-team pass), since only operators and
    /// calls looked at it.
    @Test func theDeadlineStopsTransposesNegationsAndIndexes() throws {
        var environment = Environment()
        environment.define("A", .tensor(Tensor(shape: [2, 2], data: [1, 2, 3, 4])))
        let passed = Deadline(date: Date().addingTimeInterval(-1), seconds: 10)
        for (text, what, column) in [("A.T.T", ".T", 2), ("-A", "'-'", 1), ("A[0]", "'[ ]'", 2)] {
            let expression = try ExprParser.parse([BodyLine(text: text, position: SourcePosition(line: 5, column: 1))])
            do {
                _ = try Evaluator(environment: environment, deadline: passed).evaluate(expression)
                Issue.record("\(text) evaluated past the deadline")
            } catch let e as LessonError {
                #expect(e.message == "the lesson ran over its time limit of 10 s while computing \(what) (raise it with --max-seconds)")
                #expect(e.position.line == 5 && e.position.column >= column)
            }
        }
        #expect(try Evaluator(environment: environment).evaluate(try ExprParser.parse([BodyLine(text: "A.T.T", position: SourcePosition(line: 1, column: 1))])).tensor?.data == [1, 2, 3, 4])
    }

    // MARK: class 8, points

    @Test func pointsThatOverflowTheTotalAreAKeyError() throws {
        let key = "```let exercise=a points=1e308\na = 1\n```\n\n```let exercise=b points=1e308\nb = 1\n```\n"
        let grader = Grader(key: LessonParser.parse(key, path: "key.md"))
        // At the value of points=: "```let exercise=a " is 18 characters, "points=" 7 more.
        #expect(grader.keyErrors.map(\.description) == ["1:26: points=1e+308 brings the lesson's total to more than 1000000 points; use smaller points",
                                                        "5:26: points=1e+308 brings the lesson's total to more than 1000000 points; use smaller points"])
        // A refused exercise adds nothing to the total: a small one after it is kept (it was
        // refused too, "points=1 brings the total to more than 1000000").
        let mixed = "```let exercise=big points=2000000\na = 1\n```\n\n```let exercise=small points=1\nb = 1\n```\n"
        let graded = Grader(key: LessonParser.parse(mixed, path: "key.md"))
        #expect(graded.keyErrors.map(\.description).filter { $0.contains("brings") } == ["1:28: points=2000000 brings the lesson's total to more than 1000000 points; use smaller points"])
        #expect(graded.exercises.map(\.spec.id) == ["small"])
        // The refused exercise's answer is no "answer for unknown exercise" on top (it read as
        // if the exercise did not exist).
        let answered = mixed + "\n```answer big\n1\n```\n\n```answer small\n1\n```\n"
        let checked = Exercises.check(runLesson(answered))
        #expect(checked.diagnostics.map(\.message) == ["points=2000000 brings the lesson's total to more than 1000000 points; use smaller points"])
    }
}

extension ReadError: Equatable {
    public static func == (a: ReadError, b: ReadError) -> Bool { a.path == b.path && a.message == b.message }
}

/// Runs a python3 script with arguments and returns its standard output.
func pythonOutput(_ script: String, arguments: [String] = []) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script] + arguments
    let out = Pipe()
    process.standardOutput = out
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}
