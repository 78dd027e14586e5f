import Foundation
import StepmarkCore
import StepmarkGrade
import Testing
@testable import StepmarkLesson

/// SPEC §7: every limit is enforced wherever a value, a loop, a file or the clock can grow,
/// with an error that names the limit and the flag that raises it; raising the flag lets the
/// same lesson run.
@Suite struct LimitTests {
    static func limits(entries: Int = 1_000_000, steps: Int = 100_000, tokens: Int = 1_000,
                       bytes: Int = 10_000_000, seconds: Double = 10) -> Limits {
        var l = Limits()
        l.maxEntries = entries
        l.maxSteps = steps
        l.maxTokens = tokens
        l.maxFileBytes = bytes
        l.maxSeconds = seconds
        return l
    }

    /// The first error of a lesson run with `limits`, as `L:C: message`.
    func firstError(_ lesson: String, _ limits: Limits, path: String = "lesson.md") -> String? {
        let report = Exercises.check(Runner(limits: limits).run(LessonParser.parse(lesson, path: path)), limits: limits)
        return report.errors.first.map { "\($0.line):\($0.column): \($0.message)" }
    }

    @Test func defaultsAreSpecSection7() {
        let l = Limits()
        #expect(l.maxEntries == 1_000_000)
        #expect(l.maxSteps == 100_000)
        #expect(l.maxTokens == 1_000)
        #expect(l.maxFileBytes == 10_000_000)
        #expect(l.maxSeconds == 10)
    }

    // MARK: value size (--max-entries)

    /// The value limit also bounds a whole lesson: its recorded values together may hold at
    /// most 16 × --max-entries. With a limit of 100: sixteen 100-entry values fit (1,600); the
    /// 17th step's line (50 = 16 blocks × 3 lines + 2) is refused, naming the flag; with 1,000
    /// the lesson runs clean. In one block, the error is at the line that goes over, not at
    /// the fence (a SPEC audit found it there).
    @Test func wholeLessonBudget() {
        let lesson = (0..<17).map { "```let\nx\($0) = zeros(10, 10)\n```\n" }.joined()
        #expect(Limits().maxLessonEntries == 16_000_000)
        #expect(firstError(lesson, Self.limits(entries: 100)) ==
                "50:1: x16 would bring the lesson's recorded values to 1700 entries in all, over the lesson's limit of 1600 (16 × the value limit; raise it with --max-entries)")
        let oneBlock = "```let\n" + (0..<17).map { "x\($0) = zeros(10, 10)\n" }.joined() + "```\n"
        #expect(firstError(oneBlock, Self.limits(entries: 100))?.hasPrefix("18:1: x16 would bring") == true)
        #expect(firstError((0..<16).map { "```let\nx\($0) = zeros(10, 10)\n```\n" }.joined(), Self.limits(entries: 100)) == nil)
        #expect(firstError(lesson, Self.limits(entries: 1_000)) == nil)
    }

    /// The lesson's total weighs what values hold in memory (counted by hand from the rule in
    /// `Value.lessonCharge`): a number 1, a label or token 2 (+1 per 8 bytes past 15), a table
    /// cell 3, a row 12 more. A red-team lesson of 5 million `generate` candidates was charged 10
    /// million and took 690 MB.
    @Test func theLessonTotalWeighsStringsAndTables() {
        let table = Value.table(Table(columns: ["token", "p"], rows: [[.text("ab"), .number(0.5)], [.text("cd"), .number(0.5)]]))
        #expect(table.entryCount == 4 && table.lessonCharge == 2 * (12 + 3 + 3) + 2 + 2)
        let labelled = Value.tensor(Tensor(shape: [2, 2], data: [1, 2, 3, 4], rowLabels: ["a", "b"]))
        #expect(labelled.entryCount == 4 && labelled.lessonCharge == 4 + 2 + 2)
        let tokens = Value.tokens(TokenList(["a", String(repeating: "b", count: 25)]))
        #expect(tokens.entryCount == 2 && tokens.lessonCharge == 2 + 3)
        #expect(Value.tensor(.vector([1, 2, 3])).lessonCharge == 3)
        // 200 generated steps of 10 candidates are 2,000 rows of two cells: 20,000 and more
        // against a lesson limit of 16 × 1,000.
        let corpus = (0..<10).map { "w\($0)" }.joined(separator: " ")
        let lesson = "```corpus\n\(corpus) w0\n```\n\n```generate model=bigram steps=200 top=10\nw0\n```\n"
        #expect(firstError(lesson, Self.limits(entries: 1_000))?.contains("over the lesson's limit of 16000 (16 × the value limit; raise it with --max-entries)") == true)
        #expect(firstError(lesson, Self.limits(entries: 10_000)) == nil)
    }

    /// A lesson records at most 10,000 values, or a hundredth of the value limit when more,
    /// however small each is (red-team: 70,000 network layers made a 458 MB page in 26 s); the
    /// error is at the line that would record the 10,001st.
    @Test func theNumberOfValuesIsLimited() {
        #expect(Limits().maxLessonValues == 10_000 && Self.limits(entries: 2_000_000).maxLessonValues == 20_000)
        let lesson = "```let\n" + (0...10_000).map { "x\($0) = 1" }.joined(separator: "\n") + "\n```\n"
        #expect(firstError(lesson, Self.limits(entries: 10_000)) == "10002:1: x10000 would be the lesson's value number 10001, over the lesson's limit of 10000 recorded values (10000, or a hundredth of the value limit; raise it with --max-entries)")
        #expect(firstError(lesson, Self.limits(entries: 2_000_000)) == nil)
    }

    /// generate records each step as it makes it, so the lesson's limit stops a long run at
    /// the step that reaches it; a formula quotes each token cut to 24 characters.
    @Test func generateStopsAtTheLessonLimitAndQuotesShortly() {
        let long = String(repeating: "a", count: 100)
        let lesson = "```corpus\n\(long) \(long)\n```\n\n```generate model=bigram steps=3\n\(long)\n```\n"
        let report = runLesson(lesson)
        let formula = report.step(2)?.values.first?.formula ?? ""
        #expect(formula.hasPrefix("after '\(String(repeating: "a", count: 23))…' → '\(String(repeating: "a", count: 23))…' (p = 1"), "\(formula)")
        let corpus = (0..<10).map { "w\($0)" }.joined(separator: " ")
        let many = runLesson("```corpus\n\(corpus) w0\n```\n\n```generate model=bigram steps=200 top=10\nw0\n```\n", limits: Self.limits(entries: 1_000))
        let step = many.step(2)
        #expect(step?.error?.message.contains("would bring the lesson's recorded values to") == true)
        // The steps up to the limit were made and recorded one at a time, not all 200 first.
        #expect((step?.values.count ?? 0) < 200)
    }

    /// One lesson per way a value can grow, each making a value of 110 entries (or more)
    /// against a limit of 100; with a limit of 1,000 the same lesson runs clean.
    static let entryCases: [(String, String)] = [
        ("let zeros", "```let\nx = zeros(11, 10)\n```\n"),
        ("let literal", "```let\nx = [" + Array(repeating: "1", count: 110).joined(separator: ", ") + "]\n```\n"),
        ("let product", "```let\nv = ones(11, 1)\nm = v @ ones(1, 10)\n```\n"),
        ("let broadcast", "```let\nm = ones(11, 1) + ones(1, 10)\n```\n"),
        ("let eye", "```let\nI = eye(11)\n```\n"),
        ("let random", "```let\nR = random(11, 10, seed=1)\n```\n"),
        ("softmax", "```let\nx = ones(1, 10)\n```\n\n```softmax\nx * ones(11, 1)\n```\n"),
        ("attend scores", "```let\nQ = ones(11, 1)\n```\n\n```attend q=Q k=Q v=Q\n```\n"),
        ("corpus text", "```corpus\n" + String(repeating: "abcdefgh ", count: 110) + "\n```\n"),
        ("vocab", "```vocab\n" + (0..<110).map { "t\($0)" }.joined(separator: " ") + "\n```\n"),
        ("tokenize", "```tokenize\n" + String(repeating: "a ", count: 110) + "\n```\n"),
        ("bpe", "```bpe merges=1\n" + String(repeating: "ab ", count: 110) + "\n```\n"),
        ("embeddings", "```embeddings\n" + (0..<11).map { "t\($0): [" + Array(repeating: "1", count: 10).joined(separator: ", ") + "]" }.joined(separator: "\n") + "\n```\n"),
        ("image", "```image name=p\n" + Array(repeating: String(repeating: "#", count: 10), count: 11).joined(separator: "\n") + "\n```\n"),
        ("network", "```network layers=11,10\n```\n"),
        ("forward inputs", "```network layers=10,1\n```\n\n```forward\n" + Array(repeating: Array(repeating: "1", count: 10).joined(separator: " "), count: 11).joined(separator: "\n") + "\n```\n"),
        ("answer", "```let exercise=e1\nx = 1\n```\n\n```answer e1\n[" + Array(repeating: "1", count: 110).joined(separator: ", ") + "]\n```\n"),
        // Checked before the pairs are made (red-team: 7.2 GB, 3.2 GB and 5 GB asked for).
        ("cosine all pairs", "```let\nX = random(11, 1, seed=1)\nC = cosine(X, X)\n```\n"),
        ("align logits", "```let\nI = random(11, 2, seed=3)\nY = random(11, 2, seed=4)\n```\n\n```align text=Y image=I\n```\n"),
        ("generate attention", "```embeddings\na: [1, 0]\n```\n\n```generate model=attention steps=1\n" + String(repeating: "a ", count: 10) + "\n```\n"),
    ]

    @Test(arguments: entryCases.map(\.0)) func valueSizeNamesTheFlag(_ name: String) {
        let lesson = Self.entryCases.first { $0.0 == name }!.1
        let error = firstError(lesson, Self.limits(entries: 100))
        #expect(error?.contains("100") == true, "\(name): \(error ?? "no error")")
        #expect(error?.contains("--max-entries") == true, "\(name): \(error ?? "no error")")
        let raised = firstError(lesson, Self.limits(entries: 1_000))
        #expect(raised == nil || !raised!.contains("--max-entries"), "\(name) still fails with --max-entries 1000: \(raised ?? "")")
    }

    @Test func sizeErrorsArePositioned() {
        // "x = zeros(11, 10)": the call is at column 5.
        #expect(firstError("```let\nx = zeros(11, 10)\n```\n", Self.limits(entries: 100))
                == "2:5: zeros(11, 10) would have 110 entries, over the limit of 100 (raise it with --max-entries)")
        // "m = v @ ones(1, 10)": the product is refused at the '@' (column 7).
        #expect(firstError("```let\nv = ones(11, 1)\nm = v @ ones(1, 10)\n```\n", Self.limits(entries: 100))
                == "3:7: a value of 110 entries is over the limit of 100 (raise it with --max-entries)")
        // A recorded sub-step over the limit is reported at the directive's name.
        #expect(firstError("```tokenize\n" + String(repeating: "a ", count: 110) + "\n```\n", Self.limits(entries: 100))
                == "1:4: tokens would have 110 entries, over the limit of 100 (raise it with --max-entries)")
    }

    @Test func loadedFilesCountToo() throws {
        let folder = try temporaryFolder([
            "big.csv": (0..<11).map { _ in Array(repeating: "1", count: 10).joined(separator: ",") }.joined(separator: "\n") + "\n",
            "glove.txt": (0..<11).map { "t\($0) " + Array(repeating: "1", count: 10).joined(separator: " ") }.joined(separator: "\n") + "\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = (folder as NSString).appendingPathComponent("lesson.md")
        let load = firstError("```let\nW = load(\"big.csv\")\n```\n", Self.limits(entries: 100), path: path)
        // Stopped while reading, at the load(): the rest of the file is not parsed.
        #expect(load == "2:10: big.csv holds more than 100 numbers, over the limit of 100 entries (raise it with --max-entries)")
        let from = firstError("```embeddings from=glove.txt\n```\n", Self.limits(entries: 100), path: path)
        #expect(from?.contains("--max-entries") == true, "\(from ?? "no error")")
        #expect(firstError("```let\nW = load(\"big.csv\")\n```\n", Self.limits(entries: 110), path: path) == nil)
    }

    // MARK: steps and epochs (--max-steps), tokens (--max-tokens)

    static let stepCases: [(name: String, lesson: @Sendable (Int) -> String, column: Int)] = [
        // "```train steps=N": the value starts at column 16.
        ("train", { "```train steps=\($0)\n1 2\n2 4\n```\n" }, 16),
        // "```backprop epochs=N" on line 4: column 20.
        ("backprop", { "```network layers=1,1\n```\n\n```backprop epochs=\($0)\n1 -> 1\n```\n" }, 20),
        // "```align text=T image=T steps=N" on line 5: column 31.
        ("align", { "```let\nT = [[1, 0], [0, 1]]\n```\n\n```align text=T image=T steps=\($0)\n```\n" }, 31),
        // "```bpe merges=N": column 15.
        ("bpe", { "```bpe merges=\($0)\nlow lower lowest\n```\n" }, 15),
    ]

    @Test(arguments: stepCases.map(\.name)) func stepsNameTheFlag(_ name: String) {
        let c = Self.stepCases.first { $0.name == name }!
        let line = c.lesson(51).split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("51") }! + 1
        let key = name == "backprop" ? "epochs" : (name == "bpe" ? "merges" : "steps")
        #expect(firstError(c.lesson(51), Self.limits(steps: 50))
                == "\(line):\(c.column): \(key)=51 is over the limit of 50 (raise it with --max-steps)")
        #expect(firstError(c.lesson(50), Self.limits(steps: 50)) == nil)
    }

    @Test func generatedTokensNameTheFlag() {
        let lesson = { (n: Int) in "```corpus\nthe cat sat on the mat\n```\n\n```generate model=bigram steps=\(n)\nthe\n```\n" }
        // "```generate model=bigram steps=N" on line 5: the value at column 32.
        #expect(firstError(lesson(4), Self.limits(tokens: 3)) == "5:32: steps=4 is over the limit of 3 (raise it with --max-tokens)")
        #expect(firstError(lesson(3), Self.limits(tokens: 3)) == nil)
    }

    // MARK: file size (--max-file-bytes): lessons, submissions, load() and from= files

    @Test func fileSizeOfEveryFileNamesTheFlag() throws {
        let body = "```let exercise=e1\nx = 1\n```\n\n```answer e1\n1\n```\n"  // 47 bytes
        let padded = body + String(repeating: "#", count: 100 - body.utf8.count - 1) + "\n"  // exactly 100 bytes
        let folder = try temporaryFolder([
            "exact.md": padded,
            "over.md": padded + "\n",
            "w.csv": "1,2\n3,4\n" + String(repeating: "#", count: 100),
            "glove.txt": "cat 1 0\n" + String(repeating: "# comment\n", count: 10),
        ])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        func path(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }
        let small = Self.limits(bytes: 100)

        // A lesson of exactly the limit is read; one byte more is refused.
        #expect(throws: Never.self) { try LessonParser.read(path: path("exact.md"), limits: small) }
        #expect {
            try LessonParser.read(path: path("over.md"), limits: small)
        } throws: { error in
            (error as? ReadError)?.message == "is larger than the limit of 100 bytes (raise it with --max-file-bytes)"
        }
        // A submission over the limit is not graded, with the reason.
        let grader = Grader(key: LessonParser.parse(body, path: "key.md"), limits: small)
        let outcome = grader.grade(submissionPath: path("over.md"))
        #expect(outcome.problem == "the file is larger than the limit of 100 bytes (raise it with --max-file-bytes)")
        #expect(grader.grade(submissionPath: path("exact.md")).allPassed)
        // load() and from= read files within the same limit, and say which file.
        #expect(firstError("```let\nW = load(\"w.csv\")\n```\n", small, path: path("l.md"))
                == "2:10: 'w.csv' is larger than the limit of 100 bytes (raise it with --max-file-bytes)")
        #expect(firstError("```embeddings from=glove.txt\n```\n", Self.limits(bytes: 50), path: path("l.md"))
                == "1:20: 'glove.txt' is larger than the limit of 50 bytes (raise it with --max-file-bytes)")
        #expect(firstError("```let\nW = load(\"w.csv\")\n```\n", Self.limits(bytes: 200), path: path("l.md")) == nil)
    }

    // MARK: wall time (--max-seconds)

    /// Long loops stop at the deadline, the error names the flag, and the steps after it say
    /// they were not run.
    static let slowCases: [(String, String)] = [
        ("backprop", "```network layers=4,16,1 seed=1\n```\n\n```backprop epochs=100000\n1 0 1 0 -> 1\n0 1 0 1 -> 0\n```\n"),
        ("train", "```let\nx = random(1, 100000, seed=1)\n```\n\n```train x=x y=x steps=100000 lr=0.01\n```\n"),
        ("align", "```let\nT = random(20, 16, seed=1)\nI = random(20, 16, seed=2)\n```\n\n```align text=T image=I steps=100000\n```\n"),
        ("bpe", "```bpe merges=100000\n" + (0..<3000).map { "w\($0 * 7919)x\($0 % 97)" }.joined(separator: " ") + "\n```\n"),
    ]

    @Test(arguments: slowCases.map(\.0)) func wallTimeStopsLongLoops(_ name: String) {
        let lesson = Self.slowCases.first { $0.0 == name }!.1 + "\n```let\nafter = 1\n```\n"
        let start = Date()
        let report = Runner(limits: Self.limits(seconds: 0.3)).run(LessonParser.parse(lesson, path: "slow.md"))
        let elapsed = Date().timeIntervalSince(start)
        // Loops check the clock every few hundred updates; the whole runs would take minutes.
        #expect(elapsed < 10, "\(name) ran \(elapsed) s against a limit of 0.3 s")
        let messages = report.errors.map(\.message)
        #expect(messages.contains { $0.contains("time limit of 0.3 s") && $0.contains("--max-seconds") }, "\(name): \(messages)")
        // The step after it did not run.
        #expect(report.steps.last?.error?.message == "not run: the lesson stopped at the time limit")
    }

    // MARK: the flags on the command line

    @Test func cliFlagsRaiseEachLimit() throws {
        let folder = try temporaryFolder([
            "entries.md": "```let\nx = zeros(11, 10)\n```\n",
            "steps.md": "```train steps=51\n1 2\n```\n",
            "tokens.md": "```corpus\nthe cat sat\n```\n\n```generate model=bigram steps=4\nthe\n```\n",
            "big.md": "```let\nx = 1\n```\n" + String(repeating: "#", count: 200) + "\n",
            "slow.md": Self.slowCases[0].1,
        ])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let cases: [(file: String, flag: String, low: String, high: String, status: Int32)] = [
            ("entries.md", "--max-entries", "100", "1000", 1),
            ("steps.md", "--max-steps", "50", "51", 1),
            ("tokens.md", "--max-tokens", "3", "4", 1),
            ("big.md", "--max-file-bytes", "100", "1000", 2),
            ("slow.md", "--max-seconds", "0.2", "1000", 1),
        ]
        for c in cases {
            let low = try stepmark(["run", c.file, "--format", "json", c.flag, c.low], in: folder)
            #expect(low.status == c.status, "\(c.file) \(c.flag) \(c.low): \(low.stderr)")
            #expect(low.stderr.contains("(raise it with \(c.flag))"), "\(c.file): \(low.stderr)")
            if c.flag != "--max-seconds" {  // the slow lesson really takes long; its limit is not raised here
                let high = try stepmark(["run", c.file, "--format", "json", c.flag, c.high], in: folder)
                #expect(high.status == 0, "\(c.file) \(c.flag) \(c.high): \(high.stderr)")
            }
        }
        let bad = try stepmark(["run", "entries.md", "--max-entries", "0"], in: folder)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("limits must be positive"))
    }

    @Test func cliSubmissionSizeLimit() throws {
        let key = "```let exercise=e1\nx = 1\n```\n\n```answer e1\n1\n```\n"
        let folder = try temporaryFolder(["key.md": key, "sub.md": "```answer e1\n1\n```\n" + String(repeating: "#", count: 300) + "\n"])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let low = try stepmark(["check", "sub.md", "--key", "key.md", "--max-file-bytes", "200"], in: folder)
        #expect(low.status == 2, "a file over the limit is unreadable input (SPEC §5)")
        // What the student reads names no flag of the grader's (GradeOutcome.withoutLimitFlag).
        #expect(low.stdout.contains("not graded: the file is larger than the limit of 200 bytes\n"), "\(low.stdout)")
        let high = try stepmark(["check", "sub.md", "--key", "key.md", "--max-file-bytes", "2000"], in: folder)
        #expect(high.status == 0, "\(high.stdout)")
        // grade, the teacher's batch, says the same: an unreadable file is unreadable input
        // (exit 2, SPEC §5); check, which Gradescope's autograder runs, still prints the
        // student's zero with the reason.
        let grade = try stepmark(["grade", "--key", "key.md", "sub.md", "--out", "grades", "--max-file-bytes", "200"], in: folder)
        #expect(grade.status == 2)
        #expect(grade.stderr.contains("sub.md: not graded: the file is larger than the limit of 200 bytes (raise it with --max-file-bytes)"))
    }
}
