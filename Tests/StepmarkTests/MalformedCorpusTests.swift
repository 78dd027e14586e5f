import Foundation
import StepmarkCore
import StepmarkGrade
import Testing
@testable import StepmarkLesson

/// The malformed-input corpus (`Fixtures/malformed/`): every file is a broken lesson
/// (`NAME.md`) or a broken submission (`NAME.submission.md`, graded against `_key.md`), and
/// `NAME.expected` holds exactly what the tool reports for it, one line each:
///
/// - `L:C: message` for every error, sorted by position (for a lesson: the report's errors
///   after the exercises are checked; for a submission: the problems in its answer blocks);
/// - `error: message` when the file cannot be read at all (the CLI then exits 2);
/// - for a submission, `not graded: reason` when it could not be graded, and one line per
///   exercise of the key, `ID: score/points passed|failed`.
///
/// The positions in the golden files were checked by hand against the inputs. To regenerate
/// them after a deliberate change in wording, run
/// `STEPMARK_UPDATE_GOLDEN=1 swift test --filter MalformedCorpusTests` and review the diff.
@Suite struct MalformedCorpusTests {
    static let folder = repositoryRoot + "/Tests/StepmarkTests/Fixtures/malformed"
    static let keyName = "_key.md"

    /// Every input file of the corpus (the key included: it must run clean).
    static let inputs: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasSuffix(".md") }.sorted()
    }()

    static func goldenPath(_ name: String) -> String {
        (folder as NSString).appendingPathComponent(String(name.dropLast(3)) + ".expected")
    }

    static let grader: Result<Grader, any Error> = Result {
        try Grader(keyPath: (folder as NSString).appendingPathComponent(keyName))
    }

    /// What the tool reports for one corpus file, in the golden format.
    static func report(_ name: String) throws -> [String] {
        let path = (folder as NSString).appendingPathComponent(name)
        func positioned(_ errors: [LessonError]) -> [String] {
            errors.sorted { $0.position < $1.position }.map { "\($0.line):\($0.column): \($0.message)" }
        }
        if name.hasSuffix(".submission.md") {
            let outcome = try grader.get().grade(submissionPath: path)
            var lines = positioned(outcome.lessonErrors)
            if let problem = outcome.problem { lines.append("not graded: \(problem)") }
            for e in outcome.exercises {
                lines.append("\(e.id): \(Feedback.trim(e.score))/\(Feedback.trim(e.points)) \(e.passed ? "passed" : "failed")")
            }
            return lines
        }
        let lesson: Lesson
        do {
            lesson = try LessonParser.read(path: path)
        } catch let e as ReadError {
            return ["error: \(e.message)"]
        }
        // Warnings (a misspelt directive) are `L:C: warning: message` lines among the errors.
        let report = Exercises.check(Runner().run(lesson))
        let problems = report.errors.map { ($0, "") } + report.warnings.map { ($0, "warning: ") }
        return problems.sorted { $0.0.position < $1.0.position }.map { "\($0.0.line):\($0.0.column): \($0.1)\($0.0.message)" }
    }

    @Test func corpusIsLargeAndComplete() throws {
        let cases = Self.inputs.filter { $0 != Self.keyName }
        #expect(cases.count >= 60, "the corpus has \(cases.count) cases")
        #expect(cases.filter { $0.hasSuffix(".submission.md") }.count >= 15)
        let withoutGolden = Self.inputs.filter { !FileManager.default.fileExists(atPath: Self.goldenPath($0)) }
        #expect(withoutGolden == [], "inputs without a golden file")
        // Every golden file belongs to an input.
        let inputs = Set(Self.inputs)
        let goldens = try FileManager.default.contentsOfDirectory(atPath: Self.folder).filter { $0.hasSuffix(".expected") }
        let orphans = goldens.filter { !inputs.contains(String($0.dropLast(9)) + ".md") }.sorted()
        #expect(orphans == [], "golden files without an input")
        // Every directive has at least one broken case of its own, besides the common arguments.
        for d in DirectiveRegistry.all.map({ $0.name }) where d != "let" {
            let hits = cases.filter { $0.hasPrefix("dir-\(d)-") }
            #expect(!hits.isEmpty, "no dir-\(d)-… case in the corpus")
        }
    }

    @Test(arguments: inputs) func matchesGolden(_ name: String) throws {
        let actual = try Self.report(name).joined(separator: "\n") + "\n"
        let goldenPath = Self.goldenPath(name)
        if ProcessInfo.processInfo.environment["STEPMARK_UPDATE_GOLDEN"] == "1" {
            try actual.write(toFile: goldenPath, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOfFile: goldenPath, encoding: .utf8)
        #expect(actual == expected, "\(name): the report differs from \(name.dropLast(3)).expected")
        // A broken input is reported; only the key and the correct submission are clean.
        if name != Self.keyName && !name.hasPrefix("sub-correct") {
            #expect(actual.contains(": ") && (actual.first?.isNumber == true || actual.hasPrefix("error:") || actual.contains("failed")),
                    "\(name) is in the malformed corpus but reports nothing wrong")
        }
    }

    /// The CLI prints the same lines, prefixed with the file name, for every lesson at once; a
    /// Korean lesson's messages in Korean (SPEC §8), the labels as editors read them.
    @Test func cliPrintsTheGoldenLines() throws {
        let lessons = Self.inputs.filter { !$0.hasSuffix(".submission.md") }
        let result = try stepmark(["run", "--format", "json"] + lessons, in: Self.folder)
        #expect(result.status == 2)  // some files cannot be read at all
        var expected: [String] = []
        var korean = 0
        for name in lessons {
            let golden = try String(contentsOfFile: Self.goldenPath(name), encoding: .utf8)
            let source = (try? String(contentsOfFile: (Self.folder as NSString).appendingPathComponent(name), encoding: .utf8)) ?? ""
            let language: LessonLanguage = source.hasPrefix("---\nlang: ko\n") ? .korean : .english
            for line in golden.split(separator: "\n") {
                if line.hasPrefix("error: ") {
                    expected.append("error: \(name): \(line.dropFirst(7))")
                } else {
                    let parts = line.split(separator: " ", maxSplits: 1)
                    var rest = parts.count > 1 ? String(parts[1]) : ""
                    let kind = rest.hasPrefix("warning: ") ? "warning: " : "error: "
                    if kind == "warning: " { rest = String(rest.dropFirst(kind.count)) }
                    if language == .korean { korean += 1 }
                    expected.append("\(name):\(parts[0]) " + kind + Phrasebook.message(rest, language))
                }
            }
        }
        #expect(korean > 20, "the Korean lessons' lines are compared too")
        let printed = result.stderr.split(separator: "\n").map(String.init)
        #expect(printed.sorted() == expected.sorted())
    }

    /// `stepmark check SUBMISSION --key KEY` prints each submission's problems at the same
    /// positions.
    @Test func cliCheckPrintsTheSubmissionErrors() throws {
        for name in Self.inputs where name.hasSuffix(".submission.md") {
            let golden = try String(contentsOfFile: Self.goldenPath(name), encoding: .utf8)
            let positioned = golden.split(separator: "\n").filter { $0.first?.isNumber == true }
            let result = try stepmark(["check", name, "--key", Self.keyName], in: Self.folder)
            // A file that is not UTF-8 cannot be read: unreadable input (exit 2, SPEC §5).
            let expected = golden.contains("not graded") ? 2 : golden.contains(" failed") ? 1 : 0
            #expect(result.status == expected, "\(name)")
            for line in positioned {
                #expect(result.stdout.contains("\(name):\(line)"), "\(name): the CLI does not print \(line)")
            }
        }
    }

    /// The key and the lessons never change while the corpus runs (inputs are read-only).
    @Test func corpusFilesAreNotModified() throws {
        let before = try Self.inputs.map { try Data(contentsOf: URL(fileURLWithPath: (Self.folder as NSString).appendingPathComponent($0))) }
        for name in Self.inputs { _ = try Self.report(name) }
        let after = try Self.inputs.map { try Data(contentsOf: URL(fileURLWithPath: (Self.folder as NSString).appendingPathComponent($0))) }
        #expect(before == after)
    }
}

/// Inputs too big to commit, generated here: 1 MB lines in every place a line can be, and
/// nesting a million deep. Each gives its error at the right place, quickly, with a message of
/// reasonable length (long input is quoted shortened, never whole).
@Suite struct HugeInputTests {
    static let megabyte = 1 << 20

    /// Runs a lesson and returns its errors as `L:C: message`, checking that it took under
    /// `seconds` and that no message is longer than 400 characters.
    func errors(_ text: String, seconds: Double = 20) -> [String] {
        let start = Date()
        let report = Exercises.check(Runner().run(LessonParser.parse(text, path: "huge.md")))
        let elapsed = Date().timeIntervalSince(start)
        #expect(elapsed < seconds, "took \(elapsed) s")
        for e in report.errors { #expect(e.message.count < 400, "a message of \(e.message.count) characters") }
        return report.errors.map { "\($0.line):\($0.column): \($0.message)" }
    }

    @Test func megabyteProseLineRunsClean() {
        let line = String(repeating: "word ", count: Self.megabyte / 5)
        #expect(errors("# Big\n\n\(line)\n\n```let\nx = 1\n```\n") == [])
    }

    @Test func megabyteOperatorChainStopsAtTheLimit() {
        // "x = 1 + 1 + …": the k-th '+' is at column 7 + 4(k − 1); the 1001st is refused.
        let chain = "x = 1" + String(repeating: " + 1", count: Self.megabyte / 4)
        #expect(errors("```let\n\(chain)\n```\n") == ["2:4007: expression too long: more than 1000 operators; split it over several lines"])
    }

    @Test func megabyteOfOpenBracketsStopsAtDepth64() {
        // "x = [[[…": the 65th '[' is at column 4 + 65 = 69.
        let brackets = "x = " + String(repeating: "[", count: 7_000)
        #expect(errors("```let\n\(brackets)\n```\n") == ["2:69: expression nested more than 64 levels deep"])
        // A megabyte of them is refused before cmark reads it: '[' in code counts a quarter
        // against the lesson's caps, in case cmark should read the code as prose.
        let megabyte = "x = " + String(repeating: "[", count: Self.megabyte)
        #expect(errors("```let\n\(megabyte)\n```\n").first?.contains("the lesson's code blocks are too large for the Markdown reader") == true)
        let parens = "x = " + String(repeating: "(", count: Self.megabyte)
        #expect(errors("```let\n\(parens)\n```\n") == ["2:69: expression nested more than 64 levels deep"])
        let minus = "x = " + String(repeating: "-", count: Self.megabyte) + "1"
        #expect(errors("```let\n\(minus)\n```\n") == ["2:69: expression nested more than 64 levels deep"])
        let calls = "x = " + String(repeating: "abs(", count: Self.megabyte / 4)
        // abs( … : the 65th '(' is at column 4 + 4·64 + 4 = 264.
        #expect(errors("```let\n\(calls)\n```\n") == ["2:264: expression nested more than 64 levels deep"])
    }

    @Test func megabyteNumberIsQuotedShortened() {
        let digits = String(repeating: "9", count: Self.megabyte)
        let e = errors("```let\nx = \(digits)\n```\n")
        #expect(e.count == 1)
        #expect(e.first?.hasPrefix("2:5: the number 99999") == true)
    }

    @Test func megabyteVectorLiteralParses() {
        // 262,144 entries: under the size limit, so it is a value, not an error.
        let vector = "x = [" + Array(repeating: "1", count: Self.megabyte / 4).joined(separator: ", ") + "]"
        // The time limit is raised: under ThreadSanitizer this takes longer than 10 s.
        var limits = Limits()
        limits.maxSeconds = 600
        let report = runLesson("```let\n\(vector)\ns = sum(x)\n```\n", limits: limits)
        #expect(report.errors == [])
        #expect(report.tensor(step: 1, "s")?.scalarValue == Double(Self.megabyte / 4))
    }

    @Test func megabyteInfoStringWithDistinctKeys() {
        // 100,000 different unknown keys: the first is reported at once (not after comparing
        // every key with every other).
        let keys = (0..<100_000).map { "k\($0)=1" }.joined(separator: " ")
        #expect(errors("```let \(keys)\nx = 1\n```\n", seconds: 10).first?.hasPrefix("1:8: unknown argument 'k0' for let") == true)
    }

    @Test func megabyteStringInTheBody() {
        let text = "s = \"" + String(repeating: "가", count: Self.megabyte / 3)
        #expect(errors("```let\n\(text)\n```\n") == ["2:5: unterminated string: the quote opened here is never closed on this line"])
    }

    @Test func megabyteAnswersInASubmission() throws {
        let grader = try MalformedCorpusTests.grader.get()
        func problems(_ body: String) -> [String] {
            let start = Date()
            let outcome = grader.grade(submissionText: "```answer vec\n\(body)\n```\n", path: "s.md")
            #expect(Date().timeIntervalSince(start) < 20)
            for e in outcome.lessonErrors { #expect(e.message.count < 400) }
            return outcome.lessonErrors.map { "\($0.line):\($0.column): \($0.message)" }
        }
        #expect(problems(String(repeating: "[", count: Self.megabyte))
                == ["2:3: answers have at most two levels of brackets (a matrix); three-dimensional answers are not supported"])
        #expect(problems("\"" + String(repeating: "a", count: Self.megabyte))
                == ["2:1: " + StringLiteral.unterminated])
        #expect(problems(String(repeating: "1", count: Self.megabyte))
                == ["2:1: a number of 1048576 characters is too long (at most 64)"])
        // A million entries of a list: parsed, then graded as the wrong shape, no error.
        #expect(problems("[" + Array(repeating: "1", count: Self.megabyte / 3).joined(separator: ",") + "]") == [])
        // A 1 MB info string on the answer block.
        let info = (0..<100_000).map { "k\($0)=1" }.joined(separator: " ")
        let outcome = grader.grade(submissionText: "```answer vec \(info)\n[1, 2, 3]\n```\n", path: "s.md")
        #expect(outcome.exercises.first { $0.id == "vec" }?.passed == true)
    }
}

/// Replays `Fuzz/regressions/<target>/` (inputs that once crashed or hung a fuzz target)
/// through the same calls the targets make, without libFuzzer: each must finish quickly with
/// every error inside the input.
@Suite struct FuzzRegressionTests {
    static let folder = repositoryRoot + "/Fuzz/regressions"

    static func inputs(_ target: String) -> [String] {
        let dir = (folder as NSString).appendingPathComponent(target)
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
            .map { (dir as NSString).appendingPathComponent($0) }
    }

    /// The limits the fuzz targets run with (Fuzz/Sources/FuzzSupport).
    static let limits: Limits = {
        var l = Limits()
        l.maxEntries = 20_000
        l.maxSteps = 500
        l.maxTokens = 20
        l.maxSeconds = 2
        return l
    }()

    static func text(_ path: String) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return (try? LessonParser.decode(data, path: path)) ?? String(decoding: data, as: UTF8.self)
    }

    static func inside(_ e: LessonError, _ lines: [String]) -> Bool {
        e.line >= 1 && e.line <= max(lines.count, 1) && e.column >= 1
            && e.column <= (lines.isEmpty ? 0 : lines[e.line - 1].count) + 1
    }

    @Test func everyTargetHasRegressions() {
        for t in ["FuzzLesson", "FuzzInfoString", "FuzzExpression", "FuzzAnswer"] {
            #expect(!Self.inputs(t).isEmpty, "Fuzz/regressions/\(t) is empty")
        }
    }

    @Test(arguments: inputs("FuzzLesson")) func lesson(_ path: String) throws {
        let start = Date()
        let lesson = LessonParser.parse(try Self.text(path), path: "/nonexistent-stepmark-fuzz/lesson.md")
        let report = Exercises.check(Runner(limits: Self.limits).run(lesson), limits: Self.limits)
        for e in report.errors { #expect(Self.inside(e, lesson.lines), "\(e)") }
        _ = Exercises.studentView(report)
        #expect(Date().timeIntervalSince(start) < 30)
    }

    @Test(arguments: inputs("FuzzInfoString")) func infoString(_ path: String) throws {
        let start = Date()
        let info = LessonParser.lines(of: try Self.text(path)).first ?? ""
        do {
            let parsed = try InfoString.parse(info, at: SourcePosition(line: 1, column: 1))
            let length = info.count
            for a in parsed.arguments { #expect(a.valuePosition.line == 1 && a.valuePosition.column <= length + 1) }
        } catch let e as LessonError {
            #expect(Self.inside(e, [info]), "\(e)")
        }
        #expect(Date().timeIntervalSince(start) < 10)
    }

    @Test(arguments: inputs("FuzzExpression")) func expression(_ path: String) throws {
        let start = Date()
        let raw = LessonParser.lines(of: try Self.text(path))
        let lines = raw.enumerated().map { BodyLine(text: $1, position: SourcePosition(line: $0 + 2, column: 1)) }
        do {
            let expr = try ExprParser.parse(lines, maxNesting: Self.limits.maxNesting)
            _ = try Evaluator(environment: Environment(), limits: Self.limits).evaluate(expr)
        } catch let e as LessonError {
            #expect(Self.inside(e, ["```let"] + raw), "\(e)")
        }
        #expect(Date().timeIntervalSince(start) < 10)
    }

    @Test(arguments: inputs("FuzzAnswer")) func answer(_ path: String) throws {
        let start = Date()
        let text = try Self.text(path)
        let grader = try MalformedCorpusTests.grader.get()
        let outcome = grader.grade(submissionText: text, path: "submission.md", reveal: true)
        for e in outcome.lessonErrors { #expect(Self.inside(e, LessonParser.lines(of: text)), "\(e)") }
        _ = outcome.json()
        #expect(Date().timeIntervalSince(start) < 10)
    }
}
