import Foundation
import Testing
import StepmarkCore
@testable import StepmarkLesson
@testable import StepmarkGrade
import StepmarkRender

/// SPEC §4: what students see never gives an answer away; keys check themselves; variants.
@Suite struct HandoutSafetyTests {
    /// The lecture's neuron: the exercise asks for w after one step. train's history row 1 holds
    /// that w (1.3) and the loss there (0.16); a later step that reads w must hide too.
    static let lesson = """
        ```train x=2 y=3 w=0.5 lr=0.1 steps=1 exercise=step check=w
        ```

        ```answer step
        1.3
        ```

        ```let
        doubled = w * 2
        unrelated = 7 + 1
        ```

        ```let
        again = doubled + 1
        ```
        """

    /// A softmax exercise with the key's right answer, to end a test's key with.
    static let softmaxExercise = "\n```softmax exercise=e1\n[1, 2, 3]\n```\n\n```answer e1\n[0.09, 0.2447, 0.6652]\n```\n"

    /// The assignment of `key` (a key with no error of its own), checked to show none of
    /// `secrets`: the start of every test of what a student's copy leaves out.
    static func assignment(of key: String, hiding secrets: [String], sourceLocation: SourceLocation = #_sourceLocation) -> Assignment {
        let a = Assignment.make(keyText: key, path: "k.md")
        #expect(a.keyErrors.isEmpty, sourceLocation: sourceLocation)
        for secret in secrets { #expect(!a.text.contains(secret), "\(secret) in the assignment", sourceLocation: sourceLocation) }
        return a
    }

    @Test func anExerciseStepAndEverythingDerivedFromItAreHidden() {
        let report = StudentView.apply(runLesson(Self.lesson))
        let steps = report.steps
        // The exercise step: every value gone (history too), with a note.
        #expect(steps[0].values.isEmpty && steps[0].result == nil)
        #expect(steps[0].hidden == .exercise(id: "step"))
        // A let reading w is hidden, and so is the next one, which reads only `doubled`.
        #expect(steps[2].values.isEmpty)
        #expect(steps[2].hidden == .derived(from: ["w"]))
        #expect(steps[3].values.isEmpty)
        #expect(steps[3].hidden == .derived(from: ["doubled"]))
        // Nothing of 1.3 (or 2.6, 3.6) is left in any renderer's output.
        for text in [MarkdownRenderer(student: true).render(report), HTMLRenderer(student: true).render(report),
                     TerminalRenderer(color: false).render(report), JSONRenderer.render(report)] {
            for leak in ["1.3000", "1.3,", "2.6000", "3.6000", "0.1600"] { #expect(!text.contains(leak), "\(leak) in a handout") }
            #expect(text.contains("hidden until the answers are published"))
        }
    }

    /// Found by a red-team pass: a hidden step's error quoted a value computed from the
    /// answer (`log(-9)` gives s = 11 away). The step still fails at its place, with a message
    /// that quotes nothing, in every renderer and in `errors` (what run/check print).
    @Test func aHiddenStepsErrorQuotesNoValue() {
        let lesson = "```let exercise=e1\ns = [[1, 2]] @ [[3], [4]]\n```\n\n```answer e1\n[[11]]\n```\n\n```let\ny = log(s - 20)\nz = sqrt(s - 20)\n```\n"
        let key = runLesson(lesson)
        #expect(key.errors.map(\.message) == ["log(-9) is undefined: log needs positive numbers"])
        let report = StudentView.apply(key)
        #expect(!report.ok)
        #expect(report.errors.map { "\($0.position)" } == key.errors.map { "\($0.position)" })
        #expect(report.errors.map(\.message) == [StudentView.hiddenErrorMessage])
        for text in [MarkdownRenderer(student: true).render(report), HTMLRenderer(student: true).render(report),
                     TerminalRenderer(color: false).render(report), JSONRenderer.render(report)] {
            #expect(!text.contains("-9"), "the value s - 20 in a handout")
            #expect(text.contains("its message is hidden until the answers are published"))
        }
    }

    /// A problem inside a solution region (a missing image named after the answer) shows in
    /// the teacher's report as it is; in a handout it stays an error that quotes nothing.
    @Test func aProblemInASolutionRegionQuotesNothingInAHandout() throws {
        let key = "# K\n\n<!-- solution -->\nThe answer: ![x](secret42.png)\n<!-- end solution -->\n\n```let\nx = 1\n```\n"
        let folder = try temporaryFolder(["key.md": key])
        let report = Runner().run(try LessonParser.read(path: folder + "/key.md"))
        #expect(report.errors.contains { $0.message.contains("secret42") })
        let handout = StudentView.apply(report)
        #expect(!handout.ok)
        #expect(handout.errors.map(\.message) == [StudentView.solutionErrorMessage])
        for text in [MarkdownRenderer(student: true).render(handout), HTMLRenderer(student: true).render(handout), JSONRenderer.render(handout)] {
            #expect(!text.contains("secret42"))
        }
    }

    /// A step that uses a model whose own step is an exercise is hidden too: its layers show
    /// the hidden size and the numbers of layers and heads the exercise asks for (red-team pass).
    @Test func stepsUsingAHiddenModelAreHidden() {
        let key = "```model from=\"\(tinyBertPath)\" exercise=ex1 check=parameters\n```\n\n```answer ex1\n1\n```\n\n```transformer model=model\nhello\n```\n\n```let\nx = 1\n```\n"
        let report = runLesson(key)
        #expect(report.steps[0].defines.contains("model"))
        #expect(report.steps[2].reads.contains("model"))
        let handout = StudentView.apply(report)
        #expect(handout.steps[2].values.isEmpty && handout.steps[2].hidden == .derived(from: ["model"]))
        #expect(!handout.steps[3].values.isEmpty, "a step that does not use the model still shows")
    }

    /// A solution region may hold the teacher's own steps: everything up to its end marker is
    /// left out of a handout, the steps too, and nothing in it names the lesson or an exercise
    /// (a red-team pass found the region's heading as the handout's title, in the index and
    /// in Gradescope's test names, and the step and its value in the handout).
    @Test func aSolutionRegionSpanningStepsStaysTheTeachers() {
        let key = "# Key\n\n<!-- solution -->\n```let\ns = 1\n```\n\n## The answer is 42\n<!-- end solution -->\n\n```let exercise=e1\nx = 42\n```\n\n```answer e1\n42\n```\n\n```let\ny = s + 1\n```\n"
        let report = Exercises.check(runLesson(key))
        #expect(report.steps[0].block.inSolution && !report.steps[1].block.inSolution)
        #expect(ExerciseTitles.of(report)["e1"] == nil, "the heading inside the region names no exercise")
        let handout = StudentView.apply(report)
        #expect(handout.steps.map(\.directive) == ["let", "answer", "let"])
        #expect(handout.steps.last?.hidden == .fromSolution(from: ["s"]), "it reads what a solution computed")
        for text in [MarkdownRenderer(student: true).render(handout), HTMLRenderer(student: true).render(handout), JSONRenderer.render(handout)] {
            for leak in ["answer is 42", "s = 1", "end solution"] { #expect(!text.contains(leak), "\(leak) in a handout") }
        }
        #expect(LessonParser.parse("<!-- solution -->\n```let\nx = 1\n```\n# Answer: 42\n<!-- end solution -->\n", path: "t2.md").title == "t2.md")
        // The teacher's page still shows it all.
        #expect(HTMLRenderer().render(report).contains("The answer is 42"))
    }

    /// An answer where stepmark cannot blank it (an HTML block without a blank line after its
    /// tag, a quote, a list item) is prose that holds the answer: the key is in error (so
    /// assign refuses it), and a handout of it shows its errors and nothing else (a red-team
    /// pass found 11.5 in the assignment and 22.5 in render --student's pages).
    @Test func anAnswerThatCannotBeBlankedEmptiesTheHandout() {
        let html = "# T\n\n```let exercise=e1\nx = 11.5\n```\n\n<details>\n```answer e1\n11.5\n```\n</details>\n"
        let quote = "# T\n\n```let exercise=e2\ny = 22.5\n```\n\n> ```answer e2\n> 22.5\n> ```\n"
        for (key, answer) in [(html, "11.5"), (quote, "22.5")] {
            let report = runLesson(key)
            #expect(!report.unblankableAnswerLines.isEmpty)
            #expect(report.errors.contains { $0.message.contains("cannot be blanked in the assignment") })
            let handout = StudentView.apply(report)
            #expect(handout.blocks.isEmpty && !handout.ok)
            for text in [MarkdownRenderer(student: true).render(handout), HTMLRenderer(student: true).render(handout), JSONRenderer.render(handout)] {
                #expect(!text.contains(answer), "\(answer) in a handout")
            }
        }
        // A lesson that shows the syntax in a code block is not flagged.
        #expect(runLesson("# T\n\n````markdown\n```answer e1\n1\n```\n````\n").unblankableAnswerLines.isEmpty)
    }

    @Test func theRunnerRecordsWhatEachStepReadsAndDefines() {
        let report = runLesson(Self.lesson)
        #expect(report.steps[0].defines == ["w"])
        #expect(report.steps[2].reads == ["w"])
        #expect(report.steps[2].defines == ["doubled", "unrelated"])
        #expect(report.steps[3].reads == ["doubled"])
    }

    @Test func aKeyChecksItself() {
        let wrong = Exercises.check(runLesson(Self.lesson.replacingOccurrences(of: "1.3\n", with: "1.4\n")))
        #expect(wrong.errors.map { "\($0.position): \($0.message.prefix(35))" } == ["1:48: the key's own answer to 'step' does"])
        let noAnswer = Exercises.check(runLesson("```softmax exercise=s1\n[1, 2]\n```\n"))
        #expect(noAnswer.errors.first?.message.hasPrefix("exercise 's1' has no ```answer s1``` block") == true)
        #expect(Exercises.check(runLesson(Self.lesson)).ok)
    }

    @Test func solutionMarkersInAnySpacingAndCase() {
        for (open, close) in [("<!--solution-->", "<!--end solution-->"), ("<!--  SOLUTION -->", "<!-- End   Solution-->"),
                              ("<!-- solution -->", "<!--endsolution-->")] {
            let text = "before\n\n\(open)\nthe secret 42\n\(close)\n\nafter\n"
            let standard = "before\n\n<!-- solution -->\nthe secret 42\n<!-- end solution -->\n\nafter\n"
            #expect(Solutions.removed(from: text) == Solutions.removed(from: standard), "\(open) … \(close)")
            #expect(!Solutions.removed(from: text).contains("secret"))
            #expect(Solutions.hasRegion(in: text))
        }
        // Not a marker: a comment that merely starts with the word.
        #expect(Solutions.removed(from: "<!-- solutions are below -->") == "<!-- solutions are below -->")
        // Found among Korean text, stray `<` and `<!-` (the search runs over bytes).
        let mixed = "강가의 은행 a < b <!- x <!<!-- solution -->비밀 42<!-- end solution -->끝"
        #expect(Solutions.hasRegion(in: mixed))
        #expect(Solutions.removed(from: mixed).contains("끝") && !Solutions.removed(from: mixed).contains("비밀"))
    }

    @Test func anAnswerInsideAListIsAnError() {
        let lesson = LessonParser.parse("1. Compute it:\n\n   ```answer e1\n   0.5\n   ```\n", path: "l.md")
        #expect(lesson.diagnostics.map { "\($0.position)" } == ["3:4"])
        #expect(lesson.diagnostics.first?.message.contains("cannot be blanked in the assignment") == true)
    }

    @Test func frontMatterGivesTitleDefaultsAndVariant() {
        let text = "---\ntitle: \"Own numbers\"\nvariant: 12\nexercise-defaults:\n  points: 3\n  tol: 0.5\n---\n\n# Heading\n\n```let exercise=e\nx = variant + 1\n```\n"
        let lesson = LessonParser.parse(text, path: "l.md")
        #expect(lesson.title == "Own numbers")
        #expect(lesson.isAssignment && lesson.frontMatter?.variant == 12)
        let report = runLesson(text)
        #expect(report.tensor(step: 1, "x")?.scalarValue == 13)
        #expect(report.steps[0].exercise?.points == 3 && report.steps[0].exercise?.tolerance == 0.5)
        // Positions below the front matter stay the file's own.
        #expect(report.steps[0].position.line == 11)
        let bad = LessonParser.parse("---\nvariant: many\n---\n", path: "l.md")
        #expect(bad.diagnostics.map { "\($0.position)" } == ["2:10"])
        #expect(LessonParser.parse("---\ntitle: [unclosed\n---\n", path: "l.md").diagnostics.first?.message.hasPrefix("the front matter is not valid YAML") == true)
        #expect(LessonParser.parse("---\ntitle: x\n", path: "l.md").diagnostics.first?.message.contains("never closed") == true)
    }

    @Test func sha256AndVariantsMatchPython() {
        // hashlib.sha256(…).hexdigest() and int.from_bytes(digest[:8], 'big') % 1_000_000.
        func hex(_ s: String) -> String { SHA256.hash(Array(s.utf8)).map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined() }
        #expect(hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(hex(String(repeating: "a", count: 1000)) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
        #expect(Variant.of(studentID: "s001") == 226042)
        #expect(Variant.of(studentID: "학생") == 540959)
        #expect(Variant.declared(in: "---\ntitle: x\nvariant: 226042\n---\n# A") == 226042)
        #expect(Variant.declared(in: "# no front matter\nvariant: 3\n") == nil)
        #expect(Variant.declared(in: "---\nvariant: 12345678901234567890\n---\n") == nil)
        #expect(Variant.declaration(in: "---\nvariant: 12345678901234567890\n---\n") == .invalid("12345678901234567890"))
        #expect(Variant.declaration(in: "---\nvariant: 1000000\n---\n") == .invalid("1000000"))
        #expect(Variant.declaration(in: "---\nvariant: abc\n---\n") == .invalid("abc"))
        // Two variant: lines are no variant (the first counted, silently).
        #expect(Variant.declaration(in: "---\nvariant: 5\ntitle: x\nvariant: 7\n---\n") == .invalid("5, then 7"))
        #expect(Variant.declaration(in: "---\nvariant: 5\n---\nvariant: 7\n") == .number(5), "only the front matter counts")
        #expect(Variant.declaration(in: "---\nvariant:\n---\n") == .invalid(""))
        #expect(Variant.declaration(in: "---\ntitle: t\n---\n") == .none)
        #expect(Variant.declaration(in: "---\nvariant: 999999\n---\n") == .number(999999))
        // At the mapping's own indentation, as assign writes it into an indented front matter
        // (grade read no variant there, and zeroed the student); a nested variant: is no variant.
        #expect(Variant.declaration(in: "---\n# course\n\n  variant: 7\n  title: x\n---\n") == .number(7))
        #expect(Variant.declaration(in: "---\ntitle: x\nnotes:\n  variant: 5\n---\n") == .none)
        #expect(Variant.declaration(in: "---\n  title: x\nvariant: 5\n---\n") == .none)
        // A YAML comment after the number is read past, as the student's own check reads it;
        // a `#` with no space before it is part of the value, as in YAML.
        #expect(Variant.declaration(in: "---\nvariant: 426695  # mine\n---\n") == .number(426695))
        #expect(Variant.declaration(in: "---\nvariant: 426695\t#mine\n---\n") == .number(426695))
        #expect(Variant.declaration(in: "---\nvariant: 426695#mine\n---\n") == .invalid("426695#mine"))
        #expect(Variant.declaration(in: "---\nvariant: # none\n---\n") == .invalid("# none"))
    }

    /// A key that reads no `variant` is run once: each student's copy is stamped with their
    /// line, and is what running the key for their variant makes (text, errors, whether it
    /// reads as an assignment). A key that reads it is run again for each.
    @Test func assignmentsOfAKeyWithoutVariantAreStampedNotRerun() throws {
        let plain = "---\ntitle: P\n---\n# P\n\n```let\nv = 1 / 0\n```\n\n```softmax exercise=e1\n[1, 2]\n```\n\n```answer e1\n[0.5, 0.5]\n```\n"
        let base = Assignment.make(keyText: plain, path: "lessons/ko/k.md")
        #expect(!base.usesVariant && base.keyErrors.count == 2, "\(base.keyErrors)")  // 1/0, and the key's own wrong answer
        for v in [7, 999_999] {
            let stamped = try #require(base.stamped(variant: v))
            let made = Assignment.make(keyText: plain, path: "lessons/ko/k.md", variant: v)
            #expect(stamped.text == made.text && stamped.readsAsAssignment == made.readsAsAssignment)
            #expect(stamped.keyErrors == made.keyErrors && stamped.text.contains("variant: \(v)\nlang: ko\n"), "\(stamped.keyErrors)")
        }
        let flow = Assignment.make(keyText: "---\n{title: F}\n---\n" + plain.split(separator: "\n", maxSplits: 3)[3], path: "k.md")
        #expect(flow.stamped(variant: 3)?.keyErrors == Assignment.make(keyText: "---\n{title: F}\n---\n" + plain.split(separator: "\n", maxSplits: 3)[3], path: "k.md", variant: 3).keyErrors)
        #expect(Assignment.make(keyText: "# V\n\n```let exercise=x\nx = variant\n```\n\n```answer x\n0\n```\n", path: "v.md").stamped(variant: 3) == nil)
    }

    @Test func rosterReadingIsStrictAndFolderNamesAreSafe() throws {
        let roster = try Roster.parse("id,name,email\ns001,Kim Minji,k@x\n\"s,002\",\"Lee \"\"Jun\"\"\",\r\n", path: "r.csv")
        #expect(roster.students.map(\.id) == ["s001", "s,002"])
        #expect(roster.students[1].name == "Lee \"Jun\"")
        #expect(throws: ReadError.self) { try Roster.parse("name\nKim\n", path: "r.csv") }
        #expect(throws: ReadError.self) { try Roster.parse("id,name\na,1\na,2\n", path: "r.csv") }
        #expect(throws: ReadError.self) { try Roster.parse("id,name\n\"a,1\n", path: "r.csv") }
        // Each error names the file's own line: blank lines and line breaks inside quotes
        // counted (a red-team pass found "row 3" for line 5), ids quoted short.
        func message(_ text: String) -> String? {
            do { _ = try Roster.parse(text, path: "r.csv"); return nil } catch { return (error as? ReadError)?.description }
        }
        #expect(message("id,name\ns1,A\n\n\n,B\n") == "r.csv: line 5 has no id")
        #expect(message("id,name\r\n\"s\r\n1\",A\r\n\"x\ny\",B\r\n,C\r\n") == "r.csv: line 6 has no id")
        #expect(message("id,name\ns1,A\ns2,B\n\ns1,C\n") == "r.csv: the id 's1' appears twice (lines 2 and 5)")
        #expect(message("id,name\na/b,A\na_b,B\n") == "r.csv: the ids 'a/b' (line 2) and 'a_b' (line 3) would share the folder a_b; make them differ in letters or digits")
        let long = String(repeating: "x", count: 100_000)
        let said = try #require(message("id,name\n\(long),A\n\(long),B\n"))
        #expect(said.count < 200 && said.hasSuffix("appears twice (lines 2 and 3)"), "\(said.prefix(300))")
        #expect(message("id,name\n") == "r.csv: has no students: only its header line (line 1); a roster has one row per student below it")
        #expect(message("\u{FEFF}id,name\ns1,A\n") == nil)
        #expect(try Roster.parse("id,name\nAlice,A\nalice,B\nbob,C\n", path: "r.csv").foldersDifferingOnlyInCase.map { [$0.0, $0.1] } == [["Alice", "alice"]])
        #expect(Roster.folderName(for: "../../etc") == ".._.._etc")
        #expect(Roster.folderName(for: "..") == "_..")
        #expect(!Roster.folderName(for: "a/b\u{0}c").contains("/"))
    }

    /// Two students, each with their own numbers: each passes with their own answer and fails
    /// with the other's; a copied file is caught by the roster.
    @Test func variantsAreGradedAgainstTheirOwnNumbers() throws {
        let key = LessonParser.parse("```let\nx = random(1, 3, seed=variant)\n```\n\n```softmax exercise=sm\nx\n```\n\n```answer sm\n[[0.6308, 0.2555, 0.1137]]\n```\n", path: "key.md")
        let grader = Grader(key: key)
        #expect(grader.keyCheck.allSatisfy { $0.passed })
        // numpy: softmax(2u − 1) with SplitMix64 seeded 226042 and 89354 (the variants of s001, "s,002").
        let answers = [226042: "[[0.3036, 0.5369, 0.1596]]", 89354: "[[0.3597, 0.3255, 0.3148]]"]
        func submission(_ variant: Int, _ answer: String) -> String { "---\nvariant: \(variant)\n---\n\n```answer sm\n\(answer)\n```\n" }
        for (variant, answer) in answers {
            #expect(grader.grade(submissionText: submission(variant, answer), path: "s.md").allPassed, "variant \(variant)")
            let other = answers.first { $0.key != variant }!.value
            #expect(!grader.grade(submissionText: submission(variant, other), path: "s.md").allPassed)
        }
        // A whole file copied from the other student passes alone, but not against the roster.
        let copied = submission(226042, answers[226042]!)
        #expect(grader.grade(submissionText: copied, path: "s.md", expectedVariant: 89354).problem?.contains("made for variant 226042") == true)
        // A file without its variant: line is a problem too when the key's numbers depend on
        // it (it was graded as variant 0); with a roster the expected variant decides.
        #expect(grader.usesVariant)
        let bare = grader.grade(submissionText: "```answer sm\n\(answers[226042]!)\n```\n", path: "s.md")
        #expect(bare.problem?.hasPrefix("this file has no variant: line in its front matter") == true)
        #expect(grader.grade(submissionText: "```answer sm\n\(answers[226042]!)\n```\n", path: "s.md", expectedVariant: 226042).problem?.contains("this file has no variant: line, but this student's assignment is variant 226042: put back the line variant: 226042") == true)
        let plain = Grader(key: LessonParser.parse("```let exercise=a\na = 1\n```\n\n```answer a\n1\n```\n", path: "k.md"))
        #expect(!plain.usesVariant)
        #expect(plain.grade(submissionText: "```answer a\n1\n```\n", path: "s.md").allPassed, "no variant needed where the key reads none")
        // A variant: that is no variant is a problem, not variant 0 (someone else's numbers).
        for bad in ["abc", "-1", "1e3", "[1]", "1000000"] {
            let outcome = grader.grade(submissionText: "---\nvariant: \(bad)\n---\n\n```answer sm\n\(answers[226042]!)\n```\n", path: "s.md")
            #expect(!outcome.allPassed)
            #expect(outcome.problem == "the front matter says variant: '\(bad)', which is not a variant (a whole number from 0 to 999999, as stepmark assign wrote it): submit the assignment file as it was handed out")
        }
    }
    /// `visibility=` and `tags=` reach Gradescope's results.json as its own fields; a withheld
    /// exercise's result and feedback never reach the student's feedback page, and its score is
    /// left out of the total shown there (Gradescope still counts it).
    @Test func visibilityAndTagsFollowGradescope() throws {
        let key = LessonParser.parse("""
            ```let exercise=shown tags=[attention, "by hand"]
            a = 2
            ```

            ```answer shown
            2
            ```

            ```let exercise=later visibility=after_due_date points=3
            b = 5
            ```

            ```answer later
            5
            ```
            """, path: "key.md")
        let grader = Grader(key: key)
        #expect(grader.keyCheck.allSatisfy { $0.passed })
        let outcome = grader.grade(submissionText: "```answer shown\n2\n```\n\n```answer later\n4\n```\n", path: "s.md")
        let results = try #require(try JSONSerialization.jsonObject(with: Data(outcome.gradescope().serialized().utf8)) as? [String: Any])
        #expect(results["score"] as? Double == 1, "1 point for shown, 0 of 3 for later")
        #expect(results["output_format"] as? String == "md")
        let tests = try #require(results["tests"] as? [[String: Any]])
        #expect(tests.map { $0["visibility"] as? String } == ["visible", "after_due_date"])
        #expect(tests[0]["tags"] as? [String] == ["attention", "by hand"])
        #expect(tests[1]["tags"] == nil && tests[1]["status"] as? String == "failed")
        let page = FeedbackPage.markdown(outcome, name: "s")
        #expect(page.contains("Score: **1 / 1** (more exercises are graded and shown later)"))
        #expect(page.contains("| later | graded; the result is shown after the due date | ? / 3 |"))
        #expect(!page.contains("## ✗ later") && !page.contains("within"), "the withheld feedback must not appear")
        let html = FeedbackPage.html(outcome, name: "s")
        #expect(html.contains("(more exercises are graded and shown later)") && !html.contains("id=\"ex-later\""))
        // Bad values are positioned errors.
        let bad = runLesson("```let exercise=x visibility=soon tags=[[a]]\na = 1\n```\n", path: "k.md")
        #expect(bad.steps.first?.error?.message.contains("visibility= must be one of visible, hidden, after_due_date, after_published") == true)
        let orphan = runLesson("```let tags=[a]\na = 1\n```\n", path: "k.md")
        #expect(orphan.steps.first?.error?.message == "tags= only makes sense together with exercise=ID")
    }

    /// Solution markers that would hide nothing they were meant to hide are the key's errors, at
    /// their place, and `assign` refuses the key (a red-team pass found `<!-- solution: worked -->`,
    /// nested regions and a stray end marker shipping the teacher's text to students, silently).
    @Test func markersThatWouldShowTeacherTextAreErrors() {
        let key = """
            # M

            <!-- solution: worked -->
            one

            <!-- solution -->
            two <!-- Solution --> three <!-- end solution --> four

            <!-- end solution -->

            <!-- TODO: add a solution later --> <!-- solutionist --> <!-- END SOLUTIONS -->

            """
        let report = runLesson(key)
        #expect(report.errors.map { "\($0.line):\($0.column)" } == ["3:1", "7:5", "9:1", "11:58"])
        #expect(report.errors.first?.message == "'<!-- solution: worked -->' is not a solution marker, so the text after it is shown to students; write <!-- solution --> and <!-- end solution --> exactly")
        #expect(report.errors[1].message.hasPrefix("<!-- solution --> inside a solution region: regions do not nest"))
        #expect(report.errors[2].message.hasPrefix("<!-- end solution --> with no <!-- solution --> before it"))
        #expect(report.errors[3].message.hasPrefix("'<!-- END SOLUTIONS -->' is not a solution marker"))
        let a = Assignment.make(keyText: key, path: "key.md")
        #expect(a.keyErrors.count == 4, "assign refuses the key")
        // Look-alikes a word processor or a keyboard makes are caught too; a longer note is not
        // one, nor is a look-alike inside a region (its text is hidden anyway).
        for lookalike in ["<!-- ｓｏｌｕｔｉｏｎ -->", "<!— solution —>", "<!–– solution ––>", "<!-- sol\u{00AD}ution -->",
                          "<!-- ſolution -->", "<!-- SOLUTİON -->", "<!-- \u{0455}\u{043E}lution -->", "＜！-- solution --＞", "<!-- solution\u{200D} -->"] {
            let errors = runLesson("# L\n\n\(lookalike)\nSECRET\n").errors
            #expect(errors.count == 1 && errors.first?.message.contains("is not a solution marker") == true, "\(lookalike): \(errors)")
        }
        #expect(runLesson("<!-- solutions are below each exercise; remove before sharing -->\n\nText.\n").errors.isEmpty)
        for more in ["<!-- start of solution -->", "<!-- end of solution -->", "<!-- teacher solution -->", "<!-- solution\nSECRET: the answer is 0.67, subtract the max first\nend solution -->",
                     "<!-- Solution: weights are SECRET42 0.3302 and 0.6698 because softmax of the scaled row -->",
                     "<!-- Solution for exercise two follows -->", "<!-- end of the solution for two -->", "<!-- begin solution to part B here -->",
                     "<!-- 풀이 -->", "<!-- 풀이 끝 -->", "<!-- /해답 -->",
                     "<!-- 풀이: 양변을 2로 나누면 SECRET 이다 -->", "<!-- 정답은 SECRET 입니다 -->", "<!-- 풀이시작 -->", "<!-- 해설 -->",
                     "<!-- 모범 답안 -->", "<!-- 교사용 풀이 -->", "<!-- Sample solution: weights are SECRET -->",
                     "<!-- Start of the sample solution -->", "<!-- Teachers' solution -->"] {
            #expect(runLesson("# L\n\n\(more)\nSECRET\n").errors.count == 1, "\(more)")
        }
        // Notes that mention a solution later are notes (a red-team pass found them blocking).
        for note in ["<!-- TODO: add solution -->", "<!-- no solution yet -->", "<!-- see solution video -->", "<!-- alternative solution welcome -->",
                     "<!-- Check solution with TA -->", "<!-- 다음 주 solution 공개 -->", "<!-- 참고: 풀이는 책 12쪽 -->",
                     "<!--\nSolutions will be posted after the deadline.\nDo not remove this comment.\n-->"] {
            #expect(runLesson("# L\n\n\(note)\nText.\n").errors.isEmpty, "\(note)")
        }
        #expect(runLesson("<!-- solution -->\n<!-- solution notes: x -->\nS\n<!-- end solution -->\n").errors.isEmpty)
        // In a code span a stray end marker shows the syntax; an open marker in code still opens a
        // region (both the handout and the assignment read it), and a marker in a step's body is
        // read by the assignment only: errors.
        #expect(runLesson("Close a region with `<!-- end solution -->`.\n").errors.isEmpty)
        #expect(runLesson("```markdown\n<!-- solution -->\n```\n\nText.\n\n<!-- end solution -->\n").errors.map(\.line) == [2])
        #expect(runLesson("```corpus\na <!-- end solution --> b\n```\n").errors.map { "\($0.line):\($0.column)" } == ["2:3"])
        // Markers inside a code block show the syntax: not errors.
        #expect(runLesson("# How\n\n```markdown\n<!-- end solution -->\n<!-- solution: x -->\n```\n\n    <!-- end solution -->\n").errors.isEmpty)
        // A region that spans a directive is closed by its own end marker: no error.
        #expect(runLesson("<!-- solution -->\n```let\nx = 1\n```\n<!-- end solution -->\n").errors.isEmpty)
        // Many comments cost linear time (each is looked at once).
        let many = String(repeating: "<!-- solution --> a <!-- end solution --> <!-- x -->\n", count: 20_000)
        let events = Solutions.markerProblems(in: many, startsInRegion: false)
        #expect(events.count == 20_000 && events.allSatisfy { $0.problem == .opening }, "only the regions' openings")
    }

    /// Holes a second red-team pass found in the marker rules, each closed: a heading after a
    /// marker on its line named the exercise in grading; an invisible joiner after `-->` hid
    /// both markers from the check; a marker split over a step's lines; an exercise inside a
    /// region made assign refuse its own untouched assignment; render --student wrote handouts
    /// of a key whose markers are errors.
    @Test func markerHolesOfTheSecondPassAreClosed() throws {
        let tail = Self.softmaxExercise
        let titled = Exercises.check(runLesson("# L\n\n## Softmax\n\nTry it first. <!-- solution -->\n## SECRET_TITLE 0.67\n<!-- end solution -->\n" + tail))
        #expect(ExerciseTitles.of(titled)["e1"] == "Softmax")
        let joined = runLesson("# L\n\n<!-- solution -->\u{200D}\nSECRET\n<!-- end solution -->\u{200D}\nNext we look at how temperature changes the softmax output.\n" + tail)
        #expect(joined.errors.isEmpty && !MarkdownRenderer(student: true).render(StudentView.apply(joined)).contains("SECRET"))
        #expect(!Assignment.make(keyText: "# L\n\n<!-- solution -->\u{200D}\nSECRET\n<!-- end solution -->\u{200D}\n" + tail, path: "k.md").text.contains("SECRET"))
        let split = runLesson("<!-- solution -->\n```corpus\nthe cat <!--\nend solution --> on the mat\n```\nSECRET\n<!-- end solution -->\n" + tail)
        #expect(split.errors.map { "\($0.line):\($0.column)" } == ["3:9"])
        let lookalike = runLesson("# L\n\n<!-- Solution: SECRET -->\nSECRET\n" + tail)
        let handout = StudentView.apply(lookalike)
        #expect(handout.blocks.isEmpty && !handout.errors.isEmpty, "the handout is its errors only")
        #expect(!handout.errors.contains { $0.message.contains("SECRET") }, "and its errors quote no comment")
        let key = "# K\n" + tail + "\n<!-- solution -->\n```softmax exercise=e2\n[1, 2]\n```\n\n```answer e2\n[0.2689, 0.7311]\n```\n<!-- end solution -->\n"
        let folder = try temporaryFolder(["k.md": key])
        for _ in 0..<2 { #expect(try stepmark(["assign", "k.md", "--out", "o"], in: folder).status == 0) }
    }

    /// A note in a comment may hold an answer: the assignment and the Markdown handout leave
    /// the prose's comments out, line for line (blanked, not cut: every later line stays where
    /// it was); code keeps its comments, as written; the teacher's report keeps them too.
    @Test func commentsAreLeftOutOfStudentCopies() throws {
        let tail = Self.softmaxExercise
        let key = "# L\n\nCompute it. <!-- SECRET1: the answer is 0.6652 --> Then go on.\n\n<!--\nSECRET2 on\nthree lines\n-->\n"
            + "Show `<!-- code span -->` and\n\n```markdown\n<!-- in code -->\n```\n\n<!-->SECRET3<!--->\n" + tail
        let a = Self.assignment(of: key, hiding: ["SECRET1", "SECRET2", "three lines", "0.6652 -->"])
        // `<!-->` and `<!--->` close themselves (CommonMark), so the text between them shows.
        #expect(a.text.contains("SECRET3"))
        #expect(a.text.contains("`<!-- code span -->`") && a.text.contains("<!-- in code -->"))
        #expect(a.text.contains("Compute it.  Then go on."))
        let keyLines = key.split(separator: "\n", omittingEmptySubsequences: false)
        let lines = a.text.split(separator: "\n", omittingEmptySubsequences: false)
        let opening = try #require(keyLines.firstIndex(of: "```softmax exercise=e1"))
        #expect(lines.count == keyLines.count + 3, "the front matter's three lines are its only new ones")
        #expect(lines.firstIndex(of: "```softmax exercise=e1").map { $0 - opening } == lines.count - keyLines.count)
        // The Markdown handout (render --student) and the teacher's report.
        let report = runLesson(key)
        let handout = MarkdownRenderer(student: true).render(StudentView.apply(report))
        for secret in ["SECRET1", "SECRET2"] { #expect(!handout.contains(secret)) }
        #expect(handout.contains("<!-- in code -->") && handout.contains("`<!-- code span -->`"))
        let teachers = MarkdownRenderer().render(report)
        #expect(teachers.contains("SECRET1") && teachers.contains("SECRET2"))
        // CRLF lines, and a comment never closed: it runs to the end of its prose but stops
        // before a solution marker, whose region is still removed.
        let crlf = Assignment.make(keyText: "# L\r\n\r\nText <!-- SECRET4\r\nstill -->\r\nmore\r\n" + tail, path: "k.md")
        #expect(!crlf.text.contains("SECRET4") && !crlf.text.contains("still") && crlf.text.contains("Text \r\n\r\nmore"))
        // In an HTML block a backtick or a backslash is no Markdown: the comment is one.
        let html = Assignment.make(keyText: "# L\n\n<details>\n`<!-- SECRET8 -->` \\<!-- SECRET9 -->\n</details>\n" + tail, path: "k.md")
        #expect(!html.text.contains("SECRET8") && !html.text.contains("SECRET9"), "\(html.text)")
        let unclosed = "# L\n\n<!-- note: SECRET5\n<!-- solution -->\nSECRET6\n<!-- end solution -->\nAfter.\n" + tail
        #expect(runLesson(unclosed).errors.isEmpty)
        let u = Assignment.make(keyText: unclosed, path: "k.md")
        for secret in ["SECRET5", "SECRET6"] { #expect(!u.text.contains(secret)) }
        #expect(u.text.contains("After."))
        let uh = MarkdownRenderer(student: true).render(StudentView.apply(runLesson(unclosed)))
        for secret in ["SECRET5", "SECRET6"] { #expect(!uh.contains(secret)) }
        // A NUL before a comment: read as U+FFFD, as cmark-gfm reads it, so the comment's
        // place is where the parser found it.
        let nul = Assignment.make(keyText: "# L\n\na\u{0}b <!-- SECRET7 --> c\n" + tail, path: "k.md")
        #expect(nul.text.contains("a\u{FFFD}b  c\n") && !nul.text.contains("SECRET7"))
        // The student's copy reads back as a lesson with the same steps and no error.
        #expect(runLesson(a.text).errors.isEmpty && LessonParser.parse(a.text, path: "a.md").directives.count == LessonParser.parse(key, path: "k.md").directives.count)
        // A page of comments costs linear time: 1 MB of openings, each ended by the next.
        let many = String(repeating: "<!-- x ", count: 150_000)
        let spans = ProseComments.spans(in: many, firstLine: 1, codeLines: [])
        #expect(spans.count == 150_000)
        #expect(ProseComments.blanked(many, firstLine: 1, spans: spans).isEmpty)
    }

    /// A comment inside what would be a tag: on the page `<img <!-- c -->src=x …>` is text, and
    /// the handout without its comment must not turn it into a tag (a red-team pass found
    /// `<img src=x onerror=…>`, `<script>` and a `javascript:` link live in the Markdown and
    /// notebook handouts). Allowed elements stay as they are.
    @Test func aCommentLeftOutJoinsNoTag() {
        let key = "# L\n\nA <img <!-- n -->src=x onerror=alert(1)> B\n\nC <scr<!-- n -->ipt>alert(2)</script> D\n\n"
            + "E <a<!-- n --> href=\"javascript:alert(3)\">x</a> F <mark>ok</mark><!-- n --><br>\n\n`<i<!-- n -->mg>` in code\n" + Self.softmaxExercise
        let handout = MarkdownRenderer(student: true).render(StudentView.apply(runLesson(key)))
        for live in ["<img", "<script", "<a ", "</script", "</a>"] { #expect(!handout.contains(live), "\(live) in \(handout)") }
        #expect(handout.contains("A &lt;img src=x onerror=alert(1)> B") && handout.contains("<mark>ok</mark><br>"), "\(handout)")
        #expect(handout.contains("`<i<!-- n -->mg>` in code"), "a code span keeps its comment")
    }

    /// Found by a red-team pass: `check --reveal` refused an assignment, but the same file
    /// passed as `--key` printed every expected value, a student's own variant's included.
    /// Every command that reveals refuses an assignment as its key; grading against one
    /// without --reveal still works, and shows no expected value.
    @Test func revealRefusesAnAssignmentAsTheKey() throws {
        let key = "# K\n" + Self.softmaxExercise
        let folder = try temporaryFolder(["key.md": key])
        #expect(try stepmark(["assign", "key.md", "--out", "a"], in: folder).status == 0)
        let expected = try stepmark(["check", "a/key.md", "--key", "key.md", "--reveal"], in: folder)
        let text = expected.stdout + expected.stderr
        let shown = try #require(text.range(of: "Expected: ")).upperBound
        let value = String(text[shown...].prefix(10))
        for arguments in [["check", "a/key.md", "--reveal"], ["check", "a/key.md", "--key", "a/key.md", "--reveal"],
                          ["grade", "--key", "a/key.md", "a/key.md", "--out", "g", "--reveal"]] {
            let r = try stepmark(arguments, in: folder)
            #expect(r.status == 2, "\(arguments)")
            #expect(!(r.stdout + r.stderr).contains(value) && (r.stdout + r.stderr).contains("--reveal would show the answers"), "\(arguments): \((r.stdout + r.stderr))")
        }
        #expect(!FileManager.default.fileExists(atPath: folder + "/g"))
        let quiet = try stepmark(["check", "a/key.md", "--key", "a/key.md"], in: folder)
        #expect(quiet.status == 1 && !(quiet.stdout + quiet.stderr).contains(value) && !(quiet.stdout + quiet.stderr).contains("0.665"))
    }

    /// Found by a red-team pass: Markdown's comment idiom, a link definition no link uses
    /// (`[//]: # (…)`), is invisible on the page but was plain text in the student's copies.
    /// Unused definitions are blanked like comments; one a link uses (in any case, as
    /// `[text][label]`, `[label]` or `[label][]`) stays, so the copy's links still work.
    @Test func unusedLinkDefinitionsAreLeftOutOfStudentCopies() throws {
        let tail = Self.softmaxExercise
        let key = "# T\n\n[//]: # (SECRET1: the answer is 0.6652)\n\nSee [the docs][Doc] and [other] and [third][].\n\n"
            + "[doc]: https://example.com/doc \"Docs\"\n[other]:\n  https://example.com/other\n[Third]: https://example.com/3\n"
            + "[comment]: <> (SECRET2\ncontinued SECRET3)\n[unused]: https://example.com/SECRET4\n" + tail
        let a = Self.assignment(of: key, hiding: ["SECRET1", "SECRET2", "SECRET3", "SECRET4"])
        for kept in ["[doc]: https://example.com/doc \"Docs\"", "[other]:\n  https://example.com/other", "[Third]: https://example.com/3"] {
            #expect(a.text.contains(kept), "\(kept)")
        }
        #expect(a.text.split(separator: "\n", omittingEmptySubsequences: false).count == key.split(separator: "\n", omittingEmptySubsequences: false).count + 3)
        let report = runLesson(key)
        let handout = MarkdownRenderer(student: true).render(StudentView.apply(report))
        for secret in ["SECRET1", "SECRET2", "SECRET4"] { #expect(!handout.contains(secret)) }
        #expect(handout.contains("[doc]: https://example.com/doc"))
        // The page's links are those of the teacher's page.
        let links = { (html: String) in html.components(separatedBy: "href=\"https://").dropFirst().map { $0.prefix { $0 != "\"" } } }
        #expect(links(HTMLRenderer(student: true).render(StudentView.apply(report))) == ["example.com/doc", "example.com/other", "example.com/3"])
        #expect(MarkdownRenderer().render(report).contains("SECRET1"), "the teacher's report keeps them")
        // Found by a review: definitions after a step, between two steps, opening a paragraph;
        // a label wrapped over lines is a use; one in a quote does not keep the others.
        let placed = "# T\n\n```let\nx = 1\n```\n[//]: # (SECRET5)\n\n```let\ny = 2\n```\n\n[//]: # (SECRET6)\n\n```let\nz = 3\n```\n\n"
            + "[comment]: <> (SECRET7)\n[//]: #\n  \"SECRET10 on the next line\"\nPara two.\n\n> [comment]: <> (quoted)\n\nSee [the scikit-learn\ndocs] and ![pic][\nimg].\n\n"
            + "[the scikit-learn docs]: https://scikit-learn.org\n[img]: https://example.com/a.png\n" + tail
        let p = Assignment.make(keyText: placed, path: "k.md")
        #expect(p.keyErrors.isEmpty, "\(p.keyErrors)")
        for secret in ["SECRET5", "SECRET6", "SECRET7", "SECRET10"] { #expect(!p.text.contains(secret), "\(secret)") }
        #expect(p.text.contains("Para two.") && p.text.contains("[the scikit-learn docs]: https://scikit-learn.org") && p.text.contains("[img]: https://example.com/a.png"))
        #expect(runLesson(p.text).errors.isEmpty)
        // Labels that only look alike do not count as uses.
        #expect(ReferenceDefinitions.unused([1, 2], in: ["[a]: /x", "[b]: /y", "[a b] [ab]"]) == [1, 2])
        #expect(ReferenceDefinitions.unused([1], in: ["[A  B]: /x", "see [a\tb]"]) == [])
        // Found by a red-team pass: a title over several lines, the paragraph's text right
        // after it, stayed in the copy. A title left open is the paragraph's text: it shows
        // on the page, so it stays.
        let wrapped = "# T\n\n[//]: # \"SECRET11 the answer\nis SECRET12\"\nMore text.\n\n[c]: <> (SECRET13\nSECRET14\nSECRET15)\n[//]: #\n"
            + "Visible text.\n\n[//]: # \"shown because\nnever closed\n\n" + tail
        let w = Assignment.make(keyText: wrapped, path: "k.md")
        #expect(w.keyErrors.isEmpty, "\(w.keyErrors)")
        for secret in ["SECRET11", "SECRET12", "SECRET13", "SECRET14", "SECRET15"] { #expect(!w.text.contains(secret), "\(secret)") }
        #expect(w.text.contains("\nMore text.\n") && w.text.contains("\nVisible text.\n") && w.text.contains("[//]: # \"shown because\nnever closed\n"), "\(w.text)")
        #expect(w.text.split(separator: "\n", omittingEmptySubsequences: false).count == wrapped.split(separator: "\n", omittingEmptySubsequences: false).count + 3)
        let wrappedHandout = MarkdownRenderer(student: true).render(StudentView.apply(runLesson(wrapped)))
        for secret in ["SECRET11", "SECRET12", "SECRET13", "SECRET14", "SECRET15"] { #expect(!wrappedHandout.contains(secret), "\(secret)") }
        // A second red-team pass: a title of any length; a title line that starts like a
        // definition belongs to the title (`[b]` used elsewhere kept it, SECRETB became a live
        // link); a used definition keeps all of its title; hundreds of paragraphs that open
        // with a used definition do not use up the reading (the 501st's comment stayed).
        let long = "# T\n\n[//]: # \"SECRET21\n" + (22...40).map { "SECRET\($0)\n" }.joined() + "end\"\nMore text.\n\n"
            + "[//]: # \"SECRET41\n[b]: SECRET42\nSECRET43\"\nText with [b].\n\n[b]: https://example.com/b\n\n"
            + "[a]: https://example.com \"kept 1\n[zz]: kept 2\nkept 3\"\nText with [a].\n\n"
            + String(repeating: "[Note]: /note\n" + String(repeating: "text\n", count: 7) + "\n", count: 600) + "[//]: # \"SECRET44\"\nLast text.\n\n" + tail
        let l = Assignment.make(keyText: long, path: "k.md")
        #expect(l.keyErrors.isEmpty, "\(l.keyErrors)")
        for secret in (21...44).map({ "SECRET\($0)" }) { #expect(!l.text.contains(secret), "\(secret)") }
        #expect(l.text.contains("\nMore text.\n") && l.text.contains("\nText with [b].\n") && l.text.contains("\nLast text.\n"))
        #expect(l.text.contains("[a]: https://example.com \"kept 1\n[zz]: kept 2\nkept 3\"\nText with [a].\n"), "a used definition keeps its whole title")
        let longHandout = MarkdownRenderer(student: true).render(StudentView.apply(runLesson(long)))
        for secret in (21...44).map({ "SECRET\($0)" }) { #expect(!longHandout.contains(secret), "\(secret)") }
        // A setext heading opens with a definition as a paragraph does.
        let setext = Assignment.make(keyText: "# T\n\n[//]: # \"SECRET45\"\nHeading text\n===\n\n" + tail, path: "k.md")
        #expect(!setext.text.contains("SECRET45") && setext.text.contains("\nHeading text\n===\n"), "\(setext.text)")
        // A third pass: an escaped `\>` in a `<…>` destination, a no-break space in one, an
        // escaped `]` in a label; a definition read as two lines by cmark-gfm alone keeps the
        // second as a definition of its own.
        let escapes = "# T\n\nIndex with `x[i]` and [the guide] and [step 1\\]: intro].\n\n[//]: <\\>> \"SECRET46\n[i]: #\nSECRET47\"\n\n"
            + "[//]: a\u{A0}b \"SECRET48\n[i]: #\nSECRET49\"\nText.\n\n[the guide]: <https://example.com/a\\>b> \"Guide,\n[//]: # part two\"\n\n"
            + "[step 1\\]: intro]: https://example.com/intro\n\n[a]: <https://example.com/\\>>\n[//]: # (SECRET50)\nNext paragraph with [a].\n\n" + tail
        let e = Assignment.make(keyText: escapes, path: "k.md")
        #expect(e.keyErrors.isEmpty, "\(e.keyErrors)")
        for secret in (46...50).map({ "SECRET\($0)" }) { #expect(!e.text.contains(secret), "\(secret): \(e.text)") }
        for kept in ["[the guide]: <https://example.com/a\\>b> \"Guide,\n[//]: # part two\"", "[step 1\\]: intro]: https://example.com/intro", "[a]: <https://example.com/\\>>", "\nText.\n", "\nNext paragraph with [a].\n"] {
            #expect(e.text.contains(kept), "\(kept)")
        }
        // A definition that opens a paragraph becomes an empty one, not a blank line: the text
        // after it still continues the paragraph, as in the key (blank, an indented line became
        // code and `2.` a list in the copy; a red-team pass).
        let structure = "# T\n\n[//]: # \"SECRET51\nstill the title\"\n    x = 1 is plain text\n2. is not a list\n\n" + tail
        let st = Assignment.make(keyText: structure, path: "k.md")
        #expect(!st.text.contains("SECRET51") && st.text.contains("\n[//]: #\n[//]: #\n    x = 1 is plain text\n2. is not a list\n"), "\(st.text)")
        let pageOf = { (text: String) in HTMLRenderer(student: true).render(StudentView.apply(runLesson(text))) }
        #expect(pageOf(st.text).contains("<p>x = 1 is plain text\n2. is not a list</p>") && pageOf(structure).contains("<p>x = 1 is plain text\n2. is not a list</p>"), "\(pageOf(st.text))")
        // A third pass: brackets in a comment, a code span, a code block or the front matter
        // are no use; labels fold as cmark-gfm folds them (`ß` uses `[SS]:`), with ASCII white
        // space only.
        let noUse = "---\ntitle: T\n# see [s55]\n---\n# T\n\nCompute it. <!-- see [s52] --> and `[s53]`.\n\n```text\n[s54]\n```\n\nSee [ß] and [a\u{A0}b].\n\n"
            + "[s52]: # (SECRET52)\n[s53]: # (SECRET53)\n[s54]: # (SECRET54)\n[s55]: # (SECRET55)\n[a b]: # (SECRET56)\n[SS]: https://example.com/ss\n" + tail
        let u = Assignment.make(keyText: noUse, path: "k.md")
        for secret in (52...56).map({ "SECRET\($0)" }) { #expect(!u.text.contains(secret), "\(secret)") }
        #expect(u.text.contains("[SS]: https://example.com/ss"))
        // A sixth pass: every definition of a used label stays (a later stretch resolved the
        // second, which the copy lost), and a definition in a quote is one the probe reads.
        let twice = Assignment.make(keyText: "# T\n\n[paper]: https://one.example/draft\nRead the draft first.\n\n```softmax\n[3, 1]\n```\n\nNow read [paper].\n\n[paper]: https://two.example/final\n" + tail, path: "k.md")
        #expect(twice.text.contains("[paper]: https://two.example/final"), "\(twice.text)")
        let quoted = Assignment.make(keyText: "# T\n\n> [a]: https://real.example\n\nSee [a].\n\n[a]: # (SECRET61)\n" + tail, path: "k.md")
        #expect(!quoted.text.contains("SECRET61") && quoted.text.contains("> [a]: https://real.example"), "\(quoted.text)")
        // The probe's destinations are ones the lesson never writes.
        #expect(ReferenceDefinitions.unused([4], in: ["See #stepmark-definition-0 and", "`#stepmark-definition-0`", "", "[//]: # (SECRET)"]) == [4])
        #expect(ReferenceDefinitions.unused([3], in: ["See #stepmark-definition-qq-0 and #stepmark-definition-qqq-0", "", "[//]: # (SECRET)"]) == [3])
        let sharp = Assignment.make(keyText: "# T\n\nSee [SS] and [Straße].\n\n[ẞ]: https://example.com/sharp\n[STRASSE]: https://example.com/street\n" + tail, path: "k.md")
        #expect(sharp.text.contains("[ẞ]: https://example.com/sharp\n[STRASSE]: https://example.com/street\n"), "\(sharp.text)")
        // The empty definition takes a label the lesson does not write: with `[//]` in its
        // text, `[//]: #` made it a link in the copy (a fourth red-team pass).
        let slash = Assignment.make(keyText: "# T\n\n[comment]: <> (SECRET57)\nComments are written as [//] lines.\n\n" + tail, path: "k.md")
        #expect(slash.text.contains("\n[//.]: #\nComments are written as [//] lines.\n") && !slash.text.contains("SECRET57"), "\(slash.text)")
        #expect(ProseComments.emptyDefinition(avoiding: "[//]: # (x)\ntext") == "[//]: #")
        #expect(ProseComments.emptyDefinition(avoiding: "[//] and [//.] and [//..]: x") == "[//...]: #")
        // The reading of a definition: its last line, or nil.
        let d = ["[a]: /u \"t", "u\"", "[b]:", "  /v", "  'w'", "[c]: <x y> (p", "q)", "[d]: /u \"t\" extra", "[e]: /u (a(b))"]
        #expect(ReferenceDefinitions.definitionEnd(d, start: 1, last: 9) == 2)
        #expect(ReferenceDefinitions.definitionEnd(d, start: 3, last: 9) == 5)
        #expect(ReferenceDefinitions.definitionEnd(d, start: 6, last: 9) == 7)
        #expect(ReferenceDefinitions.definitionEnd(d, start: 8, last: 9) == nil)
        #expect(ReferenceDefinitions.definitionEnd(d, start: 9, last: 9) == nil)
        #expect(ReferenceDefinitions.definitionEnd(d, start: 1, last: 1) == nil, "a title left open on the destination's line")
        #expect(ReferenceDefinitions.definitionEnd(["[a]: /u", "\"open"], start: 1, last: 2) == 1, "a title left open on the next line")
    }

    /// A definition only a link inside a solution region uses is the teacher's: it stayed in
    /// the assignment, its destination (perhaps the answer) in plain text for a student who
    /// opens the file. One a link outside the regions uses, where no stretch of prose holds it
    /// (right after a step), now closes the student's Markdown handout as the teacher's, so
    /// its reference-style image has a destination there too.
    @Test func definitionsOnlyASolutionUsesStayOutAndTheOthersReachTheHandout() throws {
        let key = "# T\n\n<!-- solution -->\nThe answer is in [the table][ans].\n<!-- end solution -->\n\n" + Self.softmaxExercise
            .replacingOccurrences(of: "```\n\n```answer", with: "```\n[ans]: https://example.com/SECRET1\n[fig]: https://example.com/pic.png\n\n```answer")
            + "\n![a picture][fig]\n"
        #expect(key.contains("[ans]: https://example.com/SECRET1"), "\(key)")
        let a = Self.assignment(of: key, hiding: ["SECRET1"])
        #expect(a.text.contains("[fig]: https://example.com/pic.png"))
        let report = runLesson(key)
        #expect(report.looseDefinitions.contains("[ans]: https://example.com/SECRET1"), "the teacher's report keeps it")
        let handout = MarkdownRenderer(student: true).render(StudentView.apply(report))
        #expect(!handout.contains("SECRET1") && handout.contains("\n[fig]: https://example.com/pic.png\n"), "\(handout)")
        #expect(MarkdownRenderer().render(report).contains("[ans]: https://example.com/SECRET1"))
    }

    /// Found by a red-team pass: a YAML comment or a key stepmark does not read, in the key's
    /// front matter, was copied into the assignment though no page shows it. Both are blanked
    /// (no line moves) when the front matter reads back the same; a `#` inside a value stays.
    @Test func frontMatterNotesAreLeftOutOfTheAssignment() throws {
        let tail = Self.softmaxExercise
        let key = "---\ntitle: Softmax\n# teacher: SECRET1 0.7870\nnotes: SECRET2\nextra:\n  - SECRET3\nauthor: Me\n"
            + "description: |\n  # kept: part of the description\n---\n\n# Softmax\n" + tail
        let a = Self.assignment(of: key, hiding: ["SECRET1", "SECRET2", "SECRET3"])
        #expect(a.text.contains("# kept: part of the description") && a.text.contains("title: Softmax") && a.text.contains("author: Me"))
        let fm = try #require(FrontMatter.parse(LessonParser.lines(of: a.text)).0)
        #expect(fm.title == "Softmax" && fm.authors == ["Me"] && fm.description?.hasPrefix("# kept: part of the description") == true && fm.variant == 0)
        #expect(a.text.split(separator: "\n", omittingEmptySubsequences: false).count == key.split(separator: "\n", omittingEmptySubsequences: false).count + 1)
        // An indented mapping, and one on a single line (kept as it is: it cannot be cut).
        #expect(FrontMatter.teacherOnlyLines(["---", "  title: T", "  # SECRET", "  notes: x", "---"]) == [3, 4])
        #expect(FrontMatter.teacherOnlyLines(["---", "{title: T, notes: x}", "---"]) == [])
        #expect(FrontMatter.teacherOnlyLines(["---", "title: T", "---"]) == [])
        // A comment in a nested mapping goes too (a review found it kept).
        #expect(FrontMatter.teacherOnlyLines(["---", "exercise-defaults:", "  # SECRET: the answer is 0.787", "  tol: 0.01", "---"]) == [3])
    }
}
