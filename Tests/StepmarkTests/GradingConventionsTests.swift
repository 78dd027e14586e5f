import Foundation
import Testing
import StepmarkCore
@testable import StepmarkGrade
@testable import StepmarkLesson

/// Issue 14 parts 4 and 5: execution_time, the late policy, LMS gradebooks, JUnit, and feedback
/// a student understands. Expected texts are written out by hand.

/// A key with section headings: `sm` under "Scores, scaling, softmax", `one` under "A single
/// number" (the `## Not a title` inside the solution and the fenced `## nor this` are skipped).
/// softmax([1, 2, 3]) = [0.0900, 0.2447, 0.6652]; [1, 1, 0]·[2, 0, 0] = 2.
let titledKey = """
    # Lesson title

    ## Scores, scaling, `softmax`

    ```softmax exercise=sm points=2
    [1, 2, 3]
    ```

    ```answer sm
    [0.0900, 0.2447, 0.6652]
    ```

    A single number
    ---------------

    <!-- solution -->
    ## Not a title
    <!-- end solution -->

    ~~~
    ## nor this
    ~~~

    ```let exercise=one tol=0
    s = [1, 1, 0] @ [2, 0, 0]
    ```

    ```answer one
    2
    ```

    # Part two

    ```let exercise=untitled tol=0
    t = 1
    ```

    ```answer untitled
    1
    ```

    """

func titledGrader() throws -> (Grader, String) {
    let folder = try temporaryFolder(["key.md": titledKey])
    let path = (folder as NSString).appendingPathComponent("key.md")
    return (try Grader(keyPath: path), folder)
}

@Suite struct ExerciseTitleTests {
    @Test func titlesAreTheNearestSectionHeading() throws {
        let (grader, _) = try titledGrader()
        #expect(grader.keyErrors.isEmpty)
        #expect(grader.titles == ["sm": "Scores, scaling, softmax", "one": "A single number"])
        let o = grader.grade(submissionText: "```answer sm\n[0.09, 0.2447, 0.6652]\n```\n", path: "s.md")
        #expect(o.label("sm") == "sm · Scores, scaling, softmax")
        #expect(o.label("untitled") == "untitled")
        let names = try #require(try gradescopeTests(o)).map { $0["name"] as? String }
        #expect(names == ["sm · Scores, scaling, softmax", "one · A single number", "untitled"])
        let html = FeedbackPage.html(o, name: "s")
        #expect(html.contains("<h2>✓ sm · Scores, scaling, softmax <small>2 / 2</small></h2>"))
        let md = FeedbackPage.markdown(o, name: "s")
        #expect(md.contains("| sm · Scores, scaling, softmax | ✓ passed | 2 / 2 |"))
    }

    @Test func headingsInsideCodeCommentsAndSolutionsAreSkipped() {
        #expect(ExerciseTitles.lastHeading("## A\n```\n## B\n```\n")?.text == "A")
        #expect(ExerciseTitles.lastHeading("## A\n<!--\n## B\n-->\n")?.text == "A")
        #expect(ExerciseTitles.lastHeading("## A\n<!-- SOLUTION -->\n## B\n<!--end solution-->\n")?.text == "A")
        #expect(ExerciseTitles.lastHeading("#hashtag\n") == nil)
        #expect(ExerciseTitles.lastHeading("####### seven\n") == nil)
        #expect(ExerciseTitles.lastHeading("## Closed ##\n")?.text == "Closed")
        #expect(ExerciseTitles.lastHeading("# Lesson\n")?.text == nil)
        #expect(ExerciseTitles.lastHeading("Para\n\n---\n") == nil)  // a thematic break
        let long = ExerciseTitles.lastHeading("## " + String(repeating: "x", count: 500))?.text
        #expect(long?.count == 121 && long?.hasSuffix("…") == true)
    }

    /// A heading after a solution region names the next exercise, whether the prose starts at
    /// the region's marker or inside a region opened above a step (a red-team pass: exercise b
    /// after `<!-- solution -->…<!-- end solution -->` and `## B` was titled "A").
    @Test func headingsAfterASolutionRegionNameTheNextExercise() {
        let exercise = { (id: String, value: Int) in "```let exercise=\(id)\nv\(id) = \(value)\n```\n\n```answer \(id)\n\(value)\n```\n\n" }
        let atMarker = "# T\n\n## A\n\n" + exercise("a", 1) + "<!-- solution -->\nS\n<!-- end solution -->\n\n## B\n\n" + exercise("b", 2)
        #expect(ExerciseTitles.of(runLesson(atMarker)) == ["a": "A", "b": "B"])
        let spanning = "# T\n\n## A\n\n" + exercise("a", 1) + "<!-- solution -->\n\n```let\nhelper = 3\n```\n\n## Hidden\n\n<!-- end solution -->\n\n## C\n\n" + exercise("c", 3)
        #expect(ExerciseTitles.of(runLesson(spanning)) == ["a": "A", "c": "C"])
    }
}

func gradescopeTests(_ o: GradeOutcome) throws -> [[String: Any]]? {
    let data = Data(o.gradescope().serialized(pretty: true).utf8)
    return (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["tests"] as? [[String: Any]]
}

@Suite struct FeedbackUnderstoodTests {
    let number = Value.tensor(.scalar(2))
    let oneByOne = Value.tensor(Tensor(shape: [1, 1], data: [2]))
    let vector = Value.tensor(Tensor(shape: [3], data: [1, 2, 3]))

    @Test func aBlankScalarSaysNoAnswerGiven() throws {
        let r = try grade(number, "?")
        #expect(r.feedback == "No answer given: the answer is still ?. Expected one number.")
        let ko = Exercises.grade(expected: number, spec: spec(), answer: .literal(try literal("?")), reveal: false, words: .korean)
        #expect(ko.feedback == "답을 적지 않았습니다(아직 ?로 남아 있습니다). 필요한 형태: 숫자 하나.")
        let all = try grade(vector, "[?, ?, ?]")
        #expect(all.feedback == "No answer given: the answer is still ?. Expected a list of 3 numbers.")
        // Partly blank stays the detailed feedback.
        #expect(try grade(vector, "[1, ?, ?]").feedback.hasPrefix("Expected a list of 3 numbers. 1 of 3 entries are within 0.01 of the expected value; 2 left blank (?)."))
    }

    @Test func aScalarAndAOneByOneMatrixAreOneNumber() {
        #expect(FeedbackWords.english.describe(number) == "one number")
        #expect(FeedbackWords.english.describe(oneByOne) == "one number")
        #expect(FeedbackWords.korean.describe(oneByOne) == "숫자 하나")
        #expect(FeedbackWords.english.describe(.tensor(Tensor(shape: [2, 1], data: [1, 2]))) == "a 2×1 matrix")
    }

    @Test func garbageTextSaysWhatKindOfAnswerIsExpected() throws {
        let lines = [BodyLine(text: "hello", position: SourcePosition(line: 4, column: 1))]
        let e: LessonError
        do { _ = try AnswerParser.literal(lines, limits: .init(), at: SourcePosition(line: 3, column: 11)); Issue.record("parsed"); return } catch let x as LessonError { e = x }
        let r = Exercises.grade(expected: number, spec: spec(), answer: .unreadable(e), reveal: false)
        #expect(r.feedback == "The answer could not be read: 'hello' is not a value (line 4, column 1). Expected one number, written in digits (with a sign, a decimal point or an exponent such as e-3 if needed; -inf for minus infinity).")
        #expect(!r.feedback.contains("\"hello\""))
        let v = Exercises.grade(expected: vector, spec: spec(), answer: .unreadable(e), reveal: false)
        #expect(v.feedback == "The answer could not be read: 'hello' is not a value (line 4, column 1). Expected a list of 3 numbers, written as [?, ?, ?] with a number in place of each ?.")
        let ko = Exercises.grade(expected: oneByOne, spec: spec(), answer: .unreadable(e), reveal: false, words: .korean)
        #expect(ko.feedback == "답을 읽을 수 없습니다: 'hello'은(는) 값이 아닙니다(4행 1열). 필요한 형태: 숫자 하나. 숫자로 적으세요(필요하면 부호, 소수점, e-3 같은 지수; 음의 무한대는 -inf).")
        // Text is expected: quoting the word is the right advice, and stays.
        let text = Exercises.grade(expected: .text("cat"), spec: spec(), answer: .unreadable(e), reveal: false)
        #expect(text.feedback.contains("write text in double quotes"))
    }

    @Test func theProblemListOfAGradedSubmissionDoesNotSuggestQuotingAWord() throws {
        let (grader, _) = try titledGrader()
        let o = grader.grade(submissionText: "```answer one\nhello\n```\n", path: "s.md")
        #expect(o.errorLines == ["line 2, column 1: 'hello' is not a value; this answer takes numbers"])
        var ko = o
        ko.language = .korean
        #expect(FeedbackWords.korean.bareWordProblem("hello") == "'hello'은(는) 값이 아닙니다. 이 답에는 숫자를 적어야 합니다")
        #expect(ko.lateLine == nil)
        #expect(o.unreadable == ["one"])
    }
}

@Suite struct LatePolicyTests {
    @Test func theGrammar() throws {
        #expect(try LatePolicy(parsing: "10%/day,max=50%") == LatePolicy(rate: 0.1, period: 86_400, cap: 0.5))
        #expect(try LatePolicy(parsing: " 2.5 % / HOUR , grace=15m ") == LatePolicy(rate: 0.025, period: 3_600, cap: 1, grace: 900))
        #expect(try LatePolicy(parsing: "0%/day") == LatePolicy(rate: 0, period: 86_400))
        for bad in ["", "10/day", "10%", "10%/week", "-5%/day", "101%/day", "10%/day,max=200%", "10%/day,max=5%,max=6%",
                    "10%/day,min=1%", "10%/day,grace=5", "nan%/day", "inf%/day", "10%/day,grace=1e300h",
                    String(repeating: "9", count: 1000) + "%/day", "0x10%/day", "1e1%/day", "10%/day,grace=0x10m", "10%/day,max=+5%"] {
            #expect(throws: LatePolicy.Invalid.self, "\(bad)") { try LatePolicy(parsing: bad) }
        }
    }

    @Test func startedDaysLateAreCappedAndNeverNegative() {
        let p = LatePolicy(rate: 0.1, period: 86_400, cap: 0.5)
        #expect(p.fraction(lateBy: -1e12) == 0)
        #expect(p.fraction(lateBy: 0) == 0)
        #expect(p.fraction(lateBy: 1) == 0.1)
        #expect(p.fraction(lateBy: 86_400) == 0.1)
        #expect(abs(p.fraction(lateBy: 86_401) - 0.2) < 1e-12)
        #expect(p.fraction(lateBy: 1e300) == 0.5)
        #expect(p.fraction(lateBy: .infinity) == 0.5)
        #expect(p.fraction(lateBy: .nan) == 0)
        let grace = LatePolicy(rate: 0.1, period: 3_600, grace: 600)
        #expect(grace.fraction(lateBy: 600) == 0)
        #expect(grace.fraction(lateBy: 601) == 0.1)
    }

    @Test func isoTimesAsGradescopeWritesThem() {
        // 2018-07-01T21:22:32.365935Z: 17,713 days after 1970-01-01 (by hand: 48 years with 12
        // leap days = 17,532, plus Jan–Jun 2018 = 181) → 1,530,480,152.365935 s.
        #expect(ISOTime.seconds("2018-07-01T14:22:32.365935-07:00").map { abs($0 - 1_530_480_152.365935) < 1e-5 } == true)
        #expect(ISOTime.seconds("1970-01-01T00:00:00Z") == 0)
        #expect(ISOTime.seconds("1970-01-01 09:00:00+0900") == 0)
        #expect(ISOTime.seconds("2024-02-29T00:00:00Z") == 1_709_164_800)
        for bad in ["", "2023-02-29T00:00:00Z", "2018-07-01T14:22:32", "2018-13-01T00:00:00Z", "2018-07-01T24:00:00Z",
                    "2018-07-01T14:22:32.Z", "0000-01-01T00:00:00Z", "2018-07-01T14:22:32Zjunk", "２０１８-07-01T00:00:00Z",
                    String(repeating: "9", count: 100)] {
            #expect(ISOTime.seconds(bad) == nil, "\(bad)")
        }
        #expect(ISOTime.seconds("9999-12-31T23:59:59+23:59") != nil)
        #expect(ISOTime.seconds("0001-01-01T00:00:00-23:59") != nil)
    }

    func outcome(_ metadata: String, policy: String = "10%/day,max=50%") throws -> GradeOutcome {
        let (grader, folder) = try titledGrader()
        let m = (folder as NSString).appendingPathComponent("m.json")
        try metadata.write(toFile: m, atomically: true, encoding: .utf8)
        var o = grader.grade(submissionText: "```answer sm\n[0.09, 0.2447, 0.6652]\n```\n\n```answer one\n2\n```\n\n```answer untitled\n1\n```\n", path: "s.md")
        o.late = try LatePolicy(parsing: policy).apply(metadataAt: m)
        return o
    }

    /// Every output gives the same score, to the gradebook's four decimals: 4 points at
    /// 3 × 33.3333% off left 4.000000000115023e-06 in results.json and 0 in the gradebook, and
    /// 30% off 4 points took off 1.2000000000000002 (a red-team pass found such scores).
    @Test func theScoreIsTheSameFourDecimalsEverywhere() throws {
        let meta = #"{"created_at": "2026-01-04T10:00:00-07:00", "assignment": {"due_date": "2026-01-01T23:59:00-07:00"}}"#
        let o = try outcome(meta, policy: "33.3333%/day")
        #expect(o.score == 0 && o.lateDeduction == 4)
        #expect(o.gradescope().serialized().contains(#""score":0.0"#) || o.gradescope().serialized().contains(#""score":0,"#))
        let tenth = try outcome(meta, policy: "10%/day")
        #expect(tenth.score == 2.8 && tenth.lateDeduction == 1.2, "\(tenth.score)")
    }

    @Test func theDeductionIsInTheScoreAndTheOutput() throws {
        // 34 hours late: two started days, 20% of 4 points = 0.8.
        let o = try outcome(#"{"created_at": "2026-01-03T10:00:00.5-07:00", "assignment": {"due_date": "2026-01-01T23:59:00.000000-07:00", "late_due_date": null}, "users": [{"email": "a@b.c", "id": 1, "name": "A"}]}"#)
        #expect(o.earnedScore == 4 && abs(o.score - 3.2) < 1e-12)
        let json = o.gradescope().serialized(pretty: true)
        #expect(json.contains(#""score": 3.2"#))
        // Gradescope's Markdown, escaped: it shows "… (-0.8)." as written.
        #expect(json.contains(#""output": "Submitted 2 days late\\: 20% of the 4 points earned is taken off \\(\\-0\\.8\\)\\.""#))
        var ko = o
        ko.language = .korean
        #expect(ko.lateLine == "마감보다 2일 늦게 제출했습니다: 얻은 4점의 20%를 감점합니다(-0.8).")
        #expect(o.junit().contains(#"<property name="late_deduction" value="0.8"/>"#))
        #expect(FeedbackPage.html(o, name: "s").contains("<p class=\"late\">Submitted 2 days late"))
        #expect(FeedbackPage.markdown(o, name: "s").contains("Score: **3.2 / 4**"))
        #expect(o.json().serialized().hasSuffix(#","late_deduction":0.8,"late":"Submitted 2 days late: 20% of the 4 points earned is taken off (-0.8)."}"#))
        // With a withheld exercise, the sentence gives no points away.
        var hidden = o
        hidden.exercises[2].visibility = .afterDueDate
        #expect(hidden.lateLine == "Submitted 2 days late: 20% of the points earned is taken off.")
        hidden.language = .korean
        #expect(hidden.lateLine == "마감보다 2일 늦게 제출했습니다: 얻은 점수의 20%를 감점합니다.")
        let onTime = try outcome(#"{"created_at": "2026-01-01T23:58:00-07:00", "assignment": {"due_date": "2026-01-01T23:59:00-07:00"}}"#)
        #expect(onTime.score == 4 && onTime.lateLine == "Submitted on time: nothing is taken off.")
        let centuries = try outcome(#"{"created_at": "9999-12-31T23:59:59Z", "assignment": {"due_date": "0001-01-01T00:00:00Z"}}"#)
        #expect(centuries.score == 2)  // capped at 50%
        let early = try outcome(#"{"created_at": "0001-01-01T00:00:00Z", "assignment": {"due_date": "9999-12-31T23:59:59Z"}}"#)
        #expect(early.score == 4)
        let full = try outcome(#"{"created_at": "2026-01-09T00:00:00Z", "assignment": {"due_date": "2026-01-01T00:00:00Z"}}"#, policy: "50%/day")
        #expect(full.score == 0)  // never below zero
    }

    @Test func hostileMetadataTakesNothingOffAndSaysWhy() throws {
        let notJSON = try outcome("{not json")
        #expect(notJSON.score == 4)
        #expect(notJSON.lateLine == "The late policy was not applied (nothing is taken off): the submission metadata (submission_metadata.json) is not a JSON object.")
        #expect(try outcome("[1, 2]").late?.problem == .notJSON)
        #expect(try outcome("{}").lateLine == "The late policy was not applied (nothing is taken off): the submission metadata has no created_at, or it is not an ISO 8601 time.")
        #expect(try outcome(#"{"created_at": "2026-01-01T00:00:00Z"}"#).late?.problem == .missing("assignment.due_date"))
        #expect(try outcome(#"{"created_at": 12, "assignment": "x"}"#).late?.problem == .missing("created_at"))
        #expect(try outcome(#"{"created_at": "yesterday", "assignment": {"due_date": "2026-01-01T00:00:00Z"}}"#).late?.problem == .missing("created_at"))
        var ko = try outcome("{}")
        ko.language = .korean
        #expect(ko.lateLine == "지각 감점을 적용하지 못했습니다(감점 없음): 제출 정보에 created_at 항목이 없거나 ISO 8601 시각이 아닙니다.")
        // Missing file, a folder, a FIFO and a file over the cap (sparse: 1 GB costs no disk).
        let folder = try temporaryFolder()
        let policy = LatePolicy(rate: 0.1, period: 86_400)
        #expect(policy.apply(metadataAt: folder + "/none.json").problem == .unreadable("no such file"))
        if case .unreadable? = policy.apply(metadataAt: folder).problem {} else { Issue.record("a folder was read") }
        let fifo = folder + "/fifo.json"
        #expect(mkfifo(fifo, 0o600) == 0)
        if case .unreadable? = policy.apply(metadataAt: fifo).problem {} else { Issue.record("a FIFO was read") }
        let big = folder + "/big.json"
        #expect(FileManager.default.createFile(atPath: big, contents: nil))
        #expect(truncate(big, 1 << 30) == 0)
        #expect(policy.apply(metadataAt: big).problem == .tooLarge(SubmissionMetadata.maxBytes))
        // Deeply nested JSON is refused by the parser, not a crash.
        let deep = String(repeating: "[", count: 100_000)
        #expect(SubmissionMetadata.parse(Data(deep.utf8)) == .failure(.notJSON))
    }

    /// Who submitted (Gradescope's `users`), and which roster student that is: by `sid`, else
    /// by the roster's email in any case, else an id that is the email.
    @Test func theSubmittersAreFoundOnTheRoster() throws {
        let meta = #"{"users": [{"email": " Bob@X.edu ", "id": 7, "name": "B", "sid": null}, {"email": "c@x.edu", "sid": 12345}, {"name": "no id"}]}"#
        guard case .success(let m) = SubmissionMetadata.parse(Data(meta.utf8)) else { Issue.record("not read"); return }
        #expect(m.users == [.init(sid: nil, email: "Bob@X.edu"), .init(sid: "12345", email: "c@x.edu"), .init(sid: nil, email: nil)])
        let roster = try Roster.parse("id,name,email\ns1,Ann,ann@x.edu\ns2,Bob,bob@x.edu\n12345,Cy,\nd@x.edu,Di,\n", path: "r.csv")
        #expect(roster.student(for: [m.users[0]])?.id == "s2")
        #expect(roster.student(for: [m.users[1]])?.id == "12345")
        #expect(roster.student(for: [.init(sid: nil, email: "D@x.edu")])?.id == "d@x.edu")
        #expect(roster.student(for: [m.users[2], .init(sid: "zz", email: "zz@x.edu")]) == nil)
        #expect(roster.student(for: m.users)?.id == "s2", "the first member who matches")
    }
}

@Suite struct GradeOutcomeFormatTests {
    @Test func executionTimeIsAFiniteNonNegativeNumber() throws {
        let (grader, folder) = try titledGrader()
        let o = grader.grade(submissionPath: (folder as NSString).appendingPathComponent("key.md"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(o.gradescope().serialized().utf8)) as? [String: Any])
        let t = try #require(json["execution_time"] as? Double)
        #expect(t.isFinite && t >= 0)
        let missing = grader.grade(submissionPath: folder + "/none.md")
        #expect(missing.executionTime.map { $0.isFinite && $0 >= 0 } == true)
        let valid = try validateGradescope([try temporaryFolder(["r.json": o.gradescope().serialized()]) + "/r.json"])
        #expect(valid.ok, "\(valid.report)")
    }

    @Test func junitHasClassnameTimePropertiesFailuresAndErrors() throws {
        let (grader, _) = try titledGrader()
        let o = grader.grade(submissionText: "```answer sm\n[1, 0, 0]\n```\n\n```answer one\n[[\n```\n\n```answer untitled\n1\n```\n", path: "<&s>.md")
        let xml = o.junit()
        #expect(xml.contains(#"<testsuite name="&lt;&amp;s&gt;.md" tests="3" failures="1" errors="1" time=""#))
        #expect(xml.contains("""
              <properties>
                <property name="score" value="1"/>
                <property name="max_score" value="4"/>
              </properties>
            """))
        #expect(xml.contains(#"<testcase classname="key.md" name="sm · Scores, scaling, softmax" time=""#))
        #expect(xml.contains(#"<failure message="0/2" type="wrong answer">Expected a list of 3 numbers."#))
        #expect(xml.contains(#"<testcase classname="key.md" name="one · A single number" time=""#))
        #expect(xml.contains(#"<error message="0/1" type="unreadable">The answer could not be read"#))
        #expect(xml.contains(#"<testcase classname="key.md" name="untitled" time=""#))
        #expect(try wellFormed(xml))
        let zero = grader.zero("x.md", "the file is \u{1}binary")
        #expect(zero.junit().contains(#"<testcase classname="key.md" name="submission" time="0"><error message="the file is �binary" type="not graded"/></testcase>"#))
        #expect(try wellFormed(zero.junit()))
    }

    /// Parses with python's xml.etree and checks every test case has classname and a time.
    func wellFormed(_ xml: String) throws -> Bool {
        let folder = try temporaryFolder(["j.xml": xml])
        let r = try python("""
            import sys, xml.etree.ElementTree as ET
            root = ET.parse(sys.argv[1]).getroot()
            assert root.tag == "testsuite"
            cases = root.findall("testcase")
            assert int(root.get("tests")) == len(cases)
            assert all(c.get("classname") and float(c.get("time")) >= 0 for c in cases)
            assert int(root.get("failures")) == len(root.findall("testcase/failure"))
            assert int(root.get("errors")) == len(root.findall("testcase/error"))
            print("ok")
            """, folder + "/j.xml")
        return r == "ok\n"
    }
}

func python(_ script: String, _ args: String...) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script] + args
    let out = Pipe()
    process.standardOutput = out
    process.standardError = out
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

@Suite struct LMSExportTests {
    let roster = """
        id,name,email,section,canvas_id
        s1,"Kim, Ana",ana@example.edu,A1,101
        s2,=HYPERLINK("http://x"),+evil@example.edu,B2,
        s3,No Submission,,,
        """

    @Test func canvasAndMoodleFilesJoinSubmissionsToTheRoster() throws {
        let students = try Roster.parse(roster, path: "roster.csv")
        let (grader, _) = try titledGrader()
        let right = grader.grade(submissionText: "```answer sm\n[0.09, 0.2447, 0.6652]\n```\n\n```answer one\n2\n```\n", path: "subs/s1/key.md")
        let half = grader.grade(submissionText: "```answer one\n2\n```\n", path: "subs/s2.md")
        let stray = grader.grade(submissionText: "", path: "subs/zed/key.md")
        let again = grader.grade(submissionText: "", path: "late/s1/key.md")
        let subs = [GradedSubmission(path: "subs/s1/key.md", name: "s1-key", outcome: right),
                    GradedSubmission(path: "subs/s2.md", name: "s2", outcome: half),
                    GradedSubmission(path: "subs/zed/key.md", name: "zed-key", outcome: stray),
                    GradedSubmission(path: "late/s1/key.md", name: "s1-key-2", outcome: again)]
        let canvas = Gradebook.lmsExport(.canvas, roster: students, submissions: subs, assignment: "Attention (123)")
        #expect(canvas.text == """
            Student,ID,SIS User ID,SIS Login ID,Section,Attention (123)
            "Kim, Ana",101,s1,ana@example.edu,A1,3
            "'=HYPERLINK(""http://x"")",,s2,'+evil@example.edu,B2,1
            No Submission,,s3,,,

            """)
        #expect(canvas.warnings == [
            "subs/zed/key.md matches no student of the roster (a folder or a file named by the id); it is left out of the canvas file",
            "late/s1/key.md is a second submission of student 's1'; subs/s1/key.md counts in the canvas file (the one named like the key, else the first)",
        ])
        // A blank draft sorted first does not count over the file named like the key.
        let draft = GradedSubmission(path: "subs/s1/draft.md", name: "s1-draft", outcome: grader.grade(submissionText: "", path: "subs/s1/draft.md"))
        let picked = Gradebook.lmsExport(.canvas, roster: students, submissions: [draft, subs[0]], assignment: "A")
        #expect(picked.text.contains("\"Kim, Ana\",101,s1,ana@example.edu,A1,3\n"))
        #expect(picked.warnings == ["subs/s1/draft.md is a second submission of student 's1'; subs/s1/key.md counts in the canvas file (the one named like the key, else the first)"])
        let moodle = Gradebook.lmsExport(.moodle, roster: students, submissions: subs, assignment: "=cmd|' /C calc'!A0")
        #expect(moodle.text == """
            ID number,Email address,Full name,'=cmd|' /C calc'!A0
            s1,ana@example.edu,"Kim, Ana",3
            s2,'+evil@example.edu,"'=HYPERLINK(""http://x"")",1
            s3,,No Submission,

            """)
    }

    /// A file belongs to the outermost student's folder below the folder it was found in (the
    /// folder named on the command line): a copy of s1's assignment planted in `subs/s2/s1/` is
    /// s2's (the innermost folder won, so it stood for s1's grade and variant: a red-team pass),
    /// and the teacher's folders above, named like a student or not, claim nothing.
    @Test func aFileBelongsToTheOutermostStudentFolderBelowItsRoot() throws {
        let students = try Roster.parse(roster, path: "roster.csv")
        #expect(students.student(forSubmission: "subs/s2/s1/key.md", root: "subs")?.id == "s2")
        #expect(students.student(forSubmission: "subs/s1/key.md", root: "subs")?.id == "s1")
        #expect(students.student(forSubmission: "./subs/s2/s1.md", root: "./subs")?.id == "s2", "a folder wins over the file's name")
        #expect(students.student(forSubmission: "subs/s1.md", root: "subs")?.id == "s1")
        // The teacher's folder s3 above the submissions, and flat files in it.
        #expect(students.student(forSubmission: "s3/subs/s1/key.md", root: "s3/subs")?.id == "s1")
        #expect(students.student(forSubmission: "s3/s1.md", root: "s3")?.id == "s1")
        #expect(students.student(forSubmission: "s3/key.md", root: "s3")?.id == "s3", "the root's own name")
        // One student's folder graded alone: a classmate-named folder inside it is still theirs.
        #expect(students.student(forSubmission: "subs/s1/s2/key.md", root: "subs/s1")?.id == "s1")
        #expect(students.expectedVariant(forSubmission: "s3/subs/s2/key.md", root: "s3/subs") == students.students[1].variant)
        // A file named on its own (or from a list): its folder, then its name.
        #expect(students.student(forSubmission: "hw/s2/key.md")?.id == "s2")
        #expect(students.student(forSubmission: "/abs/s3/hw/s1.md")?.id == "s1")
        let (grader, _) = try titledGrader()
        let right = grader.grade(submissionText: "```answer one\n2\n```\n", path: "subs/s1/key.md")
        let planted = grader.grade(submissionText: "", path: "subs/s2/s1/key.md")
        let subs = [GradedSubmission(path: "subs/s2/s1/key.md", name: "s2-s1-key", outcome: planted),
                    GradedSubmission(path: "subs/s1/key.md", name: "s1-key", outcome: right)]
        let canvas = Gradebook.lmsExport(.canvas, roster: students, submissions: subs, assignment: "A",
                                         roots: ["subs/s2/s1/key.md": "subs", "subs/s1/key.md": "subs"])
        #expect(canvas.text.contains("\"Kim, Ana\",101,s1,ana@example.edu,A1,1\n"), "\(canvas.text)")
        #expect(canvas.text.contains(",s2,'+evil@example.edu,B2,0\n"), "\(canvas.text)")
        #expect(canvas.warnings.isEmpty, "\(canvas.warnings)")
    }
}

@Suite(.serialized) struct GradingConventionsCLITests {
    @Test func checkWithALatePolicy() throws {
        let folder = try temporaryFolder(["key.md": titledKey,
                                          "m.json": #"{"created_at": "2026-01-02T00:00:01Z", "assignment": {"due_date": "2026-01-01T00:00:00Z"}}"#])
        let key = folder + "/key.md"
        let r = try stepmark(["check", key, "--key", key, "--late-policy", "25%/day", "--submission-metadata", folder + "/m.json"])
        #expect(r.status == 0)
        #expect(r.stdout.hasSuffix("Submitted 2 days late: 50% of the 4 points earned is taken off (-2).\ntotal: 2/4\n"))
        #expect(try stepmark(["check", key, "--late-policy", "25%/day"]).status == 2)
        #expect(try stepmark(["check", key, "--submission-metadata", folder + "/m.json"]).status == 2)
        let bad = try stepmark(["check", key, "--late-policy", "lots", "--submission-metadata", folder + "/m.json"])
        #expect(bad.status == 2 && bad.stderr.contains("the late policy 'lots' does not start with a rate per period"))
    }

    /// Roster attribution through the command line: files are read below the folder named, so
    /// a teacher's folder named like a (test) student claims nothing, and a file planted in a
    /// student's own folder under a classmate's name is the student's own.
    @Test func gradeReadsStudentsBelowTheFolderNamed() throws {
        let answer = "```answer one\n2\n```\n"
        let folder = try temporaryFolder([
            "key.md": titledKey,
            "roster.csv": "id,name\ns1,Ana\ns2,Ben\nalex,Alex\n",
            "alex/s1.md": "---\nvariant: \(Variant.of(studentID: "s1"))\n---\n\n" + answer,
            "alex/s2.md": "---\nvariant: \(Variant.of(studentID: "s2"))\n---\n\n",
            "subs/s1/key.md": "---\nvariant: \(Variant.of(studentID: "s1"))\n---\n\n" + answer,
            "subs/s2/s1/key.md": "---\nvariant: \(Variant.of(studentID: "s1"))\n---\n\n",
        ])
        _ = try stepmark(["grade", "--key", "key.md", "alex", "--out", "o1", "--roster", "roster.csv", "--format", "canvas"], in: folder)
        let flat = try String(contentsOfFile: folder + "/o1/canvas-import.csv", encoding: .utf8)
        #expect(flat.contains("Ana,,s1,,,1\n") && flat.contains("Ben,,s2,,,0\n") && flat.contains("Alex,,alex,,,\n"), "\(flat)")
        _ = try stepmark(["grade", "--key", "key.md", "subs", "--out", "o2", "--roster", "roster.csv", "--format", "canvas"], in: folder)
        let nested = try String(contentsOfFile: folder + "/o2/canvas-import.csv", encoding: .utf8)
        // The planted (blank) copy is s2's; s1 keeps her own file's score.
        #expect(nested.contains("Ana,,s1,,,1\n") && nested.contains("Ben,,s2,,,0\n"), "\(nested)")
    }

    @Test func gradeWritesCanvasAndMoodleFilesAndAppliesTheLatePolicy() throws {
        let folder = try temporaryFolder([
            "key.md": titledKey,
            "roster.csv": "id,name,email\ns1,Ana,ana@example.edu\ns2,Ben,ben@example.edu\n",
            "subs/s1/key.md": "---\nvariant: \(Variant.of(studentID: "s1"))\n---\n\n```answer sm\n[0.09, 0.2447, 0.6652]\n```\n\n```answer one\n2\n```\n\n```answer untitled\n1\n```\n",
            "subs/s1/submission_metadata.json": #"{"created_at": "2026-01-01T12:00:00Z", "assignment": {"due_date": "2026-01-01T00:00:00Z"}}"#,
        ])
        let r = try stepmark(["grade", "--key", folder + "/key.md", folder + "/subs", "--out", folder + "/out", "--roster", folder + "/roster.csv",
                              "--format", "canvas", "--assignment", "HW 1", "--late-policy", "10%/day"])
        #expect(r.status == 0, "\(r.stderr)")
        let canvas = try String(contentsOfFile: folder + "/out/canvas-import.csv", encoding: .utf8)
        #expect(canvas == "Student,ID,SIS User ID,SIS Login ID,Section,HW 1\nAna,,s1,ana@example.edu,,3.6\nBen,,s2,ben@example.edu,,\n")
        let gradebook = try String(contentsOfFile: folder + "/out/gradebook.csv", encoding: .utf8)
        #expect(gradebook.contains(",2,1,1,3.6,4,late: -0.4\n"))
        let results = try String(contentsOfFile: folder + "/out/key/results.json", encoding: .utf8)
        #expect(results.contains(#"Submitted 1 day late\\: 10% of the 4 points earned is taken off \\(\\-0\\.4\\)\\."#))
        #expect(try stepmark(["grade", "--key", folder + "/key.md", folder + "/subs", "--out", folder + "/o2", "--format", "moodle"]).status == 2)
        let moodle = try stepmark(["grade", "--key", folder + "/key.md", folder + "/subs", "--out", folder + "/o3", "--roster", folder + "/roster.csv", "--format", "moodle"])
        #expect(moodle.status == 0)
        #expect(try String(contentsOfFile: folder + "/o3/moodle-import.csv", encoding: .utf8)
                == "ID number,Email address,Full name,key\ns1,ana@example.edu,Ana,4\ns2,ben@example.edu,Ben,\n")
    }
}
