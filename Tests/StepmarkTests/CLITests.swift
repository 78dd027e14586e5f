import Foundation
import Testing
import StepmarkLesson

/// End-to-end tests of real command lines, as swift-argument-parser tests its examples.
@Suite(.serialized) struct CLITests {
    static let mixed = """
        # Mixed

        ```let
        a = [[1, 2], [3, 4]]
        ```

        ```let
        b = a @ [[1, 2, 3]]
        ```

        ```softmax
        a
        ```

        ```attend scale=0
        Q = a
        K = a
        V = a
        ```

        ```let
        d = nothing
        ```

        ```show
        a.T
        ```
        """

    @Test func runReportsEveryErrorAndExitsOne() throws {
        let folder = try temporaryFolder(["mixed.md": Self.mixed])
        let result = try stepmark(["run", "mixed.md"], in: folder)
        #expect(result.status == 1)
        #expect(result.stdout.contains("error: mixed.md:8:7: shape mismatch in @"))
        #expect(result.stdout.contains("error: mixed.md:15:17: scale= must be a positive number, got 0"))
        #expect(result.stdout.contains("error: mixed.md:22:5: undefined name 'nothing'"))
        #expect(result.stdout.contains("3 of 6 steps failed"))
        // The good steps rendered.
        #expect(result.stdout.contains("0.2689"))   // softmax of [1, 2]
    }

    @Test func runJSONIsValidAndErrorsGoToStderr() throws {
        let folder = try temporaryFolder(["mixed.md": Self.mixed])
        let result = try stepmark(["run", "mixed.md", "--format", "json"], in: folder)
        #expect(result.status == 1)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(object?["ok"] as? Bool == false)
        #expect(result.stderr.contains("mixed.md:8:7: error:"))
        let two = try stepmark(["run", "mixed.md", "mixed.md", "--format", "json"], in: folder)
        #expect((try JSONSerialization.jsonObject(with: Data(two.stdout.utf8)) as? [Any])?.count == 2)
        // Several files are written one report at a time: an unreadable one between two is
        // left out of the array, its error comes first, then each lesson's errors in order.
        let three = try stepmark(["run", "mixed.md", "none.md", "mixed.md", "--format", "json"], in: folder)
        #expect(three.status == 2)
        let reports = try JSONSerialization.jsonObject(with: Data(three.stdout.utf8)) as? [[String: Any]]
        #expect(reports?.count == 2 && reports?.allSatisfy { $0["lesson"] as? String == "mixed.md" } == true)
        let lines = three.stderr.split(separator: "\n")
        #expect(lines.first?.hasPrefix("error: none.md: no such file") == true, "\(three.stderr)")
        #expect(lines.filter { $0.hasPrefix("mixed.md:8:7: error:") }.count == 2, "\(three.stderr)")
        #expect(try stepmark(["run", "none.md", "--format", "json"], in: folder).stdout == "[]\n")
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try stepmark(["run"]).status == 2)
        #expect(try stepmark(["run", "x.md", "--format", "pdf"]).status == 2)
        #expect(try stepmark(["frobnicate"]).status == 2)
        let missing = try stepmark(["run", "/nonexistent/lesson.md"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("/nonexistent/lesson.md: no such file"))
    }

    @Test func helpReadsWell() throws {
        let help = try stepmark(["--help"])
        #expect(help.status == 0)
        for command in ["run", "render", "step", "check", "directives", "functions"] { #expect(help.stdout.contains(command)) }
        let run = try stepmark(["run", "--help"])
        #expect(run.stdout.contains("--format"))
        #expect(run.stdout.contains("Examples:"))
        #expect(try stepmark(["--version"]).stdout.hasPrefix("0."))
        // No command is bad usage (SPEC §5): the help on standard error, exit 2.
        let bare = try stepmark([])
        #expect(bare.status == 2 && bare.stdout.isEmpty && bare.stderr.contains("SUBCOMMANDS"), "\(bare.stderr)")
    }

    @Test func directivesListsAndExplains() throws {
        let list = try stepmark(["directives"])
        #expect(list.stdout.contains("attend"))
        #expect(list.stdout.contains("softmax"))
        // A misspelt name gets a guess and the list, exit 2 (SPEC §5), and no usage banner.
        let typo = try stepmark(["directives", "atend"])
        #expect(typo.status == 2 && typo.stderr.hasPrefix("error: unknown directive 'atend'; did you mean 'attend'? Directives: let, "), "\(typo.stderr)")
        #expect(!typo.stderr.contains("Usage:"))
        #expect(try stepmark(["directives", "zzz"]).stderr.hasPrefix("error: unknown directive 'zzz'. Directives: let, "))
        let attend = try stepmark(["directives", "attend"])
        #expect(attend.stdout.contains("mask=none"))
        #expect(attend.stdout.contains("Sub-steps: scores, scaled, masked"))
        #expect(try stepmark(["directives", "atend"]).status == 2)
    }

    @Test func everyDirectiveExampleRuns() throws {
        let names = DirectiveRegistry.descriptions.map(\.name)
        #expect(names.count >= 20)
        let listing = try stepmark(["directives"]).stdout
        // The pretrained-model examples need all-MiniLM-L6-v2 (`make model`; make test fetches it).
        for name in names where (miniLMPresent || !["model", "transformer", "sentences"].contains(name)) {
            #expect(listing.contains("\n\(name) ") || listing.hasPrefix("\(name) "), "\(name) missing from the listing")
            let help = try stepmark(["directives", name]).stdout
            guard let range = help.range(of: "Example:\n\n") else { Issue.record("\(name) has no example"); continue }
            let folder = try temporaryFolder(["example.md": String(help[range.upperBound...])])
            let result = try stepmark(["run", "example.md"], in: folder)
            #expect(result.status == 0, "\(name): \(result.stdout)")
        }
    }

    /// Each argument of a fixed set of words is checked by the runner before the directive runs
    /// (`ArgumentSpec.choices`) and again by the directive's own `choice` call: the two lists
    /// must agree, or a misspelt word would be reported twice, differently. Every example is
    /// run with each such argument misspelt: exactly one error, at its value, listing the
    /// spec's words.
    @Test func everyChoiceArgumentIsCheckedOnceWithTheSpecsWords() throws {
        for d in DirectiveRegistry.all where miniLMPresent || !["model", "transformer", "sentences"].contains(d.name) {
            for spec in d.arguments {
                guard let choices = spec.choices else { continue }
                var lines = d.example.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                let fence = try #require(lines.lastIndex { $0.hasPrefix("```\(d.name)") }, "\(d.name)")
                lines[fence] = lines[fence].replacingOccurrences(of: " \(spec.name)=\\S+", with: "", options: .regularExpression) + " \(spec.name)=zzzz"
                let report = runLesson(lines.joined(separator: "\n") + "\n")
                let column = lines[fence].count - 3
                let errors = report.errors.filter { $0.message.hasPrefix("\(spec.name)=") }
                #expect(errors.count == 1, "\(d.name) \(spec.name)=: \(report.errors.map(\.message))")
                #expect(errors.first?.position == SourcePosition(line: fence + 1, column: column), "\(d.name) \(spec.name)=: \(errors)")
                #expect(errors.first?.message.hasPrefix("\(spec.name)= must be one of \(choices.joined(separator: ", ")), got zzzz") == true,
                        "\(d.name) \(spec.name)=: \(errors.map(\.message))")
            }
        }
    }

    @Test func stepPrintsEverythingWithoutATerminal() throws {
        let folder = try temporaryFolder(["a.md": "# A\n\n```softmax\n[1, 2]\n```\n"])
        let result = try stepmark(["step", "a.md"], input: "", in: folder)
        #expect(result.status == 0)
        #expect(result.stdout.contains("shifted"))
        #expect(result.stdout.contains("0.7311"))
    }

    /// An assignment steps through what its handout shows (a red-team pass found `step` printing
    /// the exercise's softmax, 0.7311, and a later step's 73.11 from an assignment).
    @Test func stepOfAnAssignmentHidesTheAnswers() throws {
        let key = "# A\n\n```softmax exercise=e1 as=p\n[1, 2]\n```\n\n```answer e1\n[0.2689, 0.7311]\n```\n\n```let\nq = p * 100\n```\n"
        let folder = try temporaryFolder(["key.md": key])
        #expect(try stepmark(["assign", "key.md", "--out", "out"], in: folder).status == 0)
        let result = try stepmark(["step", "out/key.md"], input: "", in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        for leak in ["0.7311", "0.2689", "73.1", "26.8", "shifted"] { #expect(!result.stdout.contains(leak), "\(leak) shown") }
        #expect(result.stdout.contains("The values of exercise e1 are hidden until the answers are published."))
        // The key itself still steps through every value.
        #expect(try stepmark(["step", "key.md"], input: "", in: folder).stdout.contains("0.7311"))
    }

    /// A solution region that holds the teacher's own steps is left out of `step` whole, and so
    /// is what those steps made (a red-team pass found `step` printing the region's steps, their
    /// 42, a later step's 42.5 and the end marker; only the prose was cut). `--teacher` shows it.
    /// Steps are numbered as shown.
    @Test func stepLeavesOutTheStepsOfASolutionRegion() throws {
        let key = "# S\n\n```let\na = 2\n```\n\n<!-- solution -->\nWorked:\n\n```let\nworked = a * 21\n```\n\n```show\nworked\n```\n\n# TITLE_LEAK\n<!-- end solution -->\n\nAfter.\n\n```let\nlater = worked + 0.5\n```\n"
        let folder = try temporaryFolder(["key.md": key])
        let result = try stepmark(["step", "key.md"], input: "", in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        for leak in ["Worked", "42", "worked = a", "TITLE_LEAK", "end solution", "step 3", "step 4"] {
            #expect(!result.stdout.contains(leak), "\(leak) shown")
        }
        #expect(result.stdout.contains("step 2 of 2") && result.stdout.contains("After."))
        #expect(result.stdout.contains("this step uses worked, computed in a solution"))
        let teacher = try stepmark(["step", "key.md", "--teacher"], input: "", in: folder).stdout
        #expect(teacher.contains("42.5") && teacher.contains("TITLE_LEAK") && teacher.contains("step 4 of 4"))
    }

    /// Two lessons that would share pages are refused before anything is written (only the
    /// second was left, and the index linked both to it); the same file twice is one lesson.
    @Test func renderRefusesTwoLessonsOnOnePage() throws {
        let folder = try temporaryFolder(["x1/dup.md": "# First\n", "x2/dup.md": "# Second\n", "en/a.md": "# A\n", "ko/a.md": "# 가\n"])
        let clash = try stepmark(["render", "x1/dup.md", "x2/dup.md", "--out", "o", "--format", "md"], in: folder)
        #expect(clash.status == 2)
        #expect(clash.stderr.contains("x2/dup.md: would be written to the same pages as x1/dup.md (dup.*)"))
        #expect(!FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent("o")))
        #expect(try stepmark(["render", "en", "ko", "--out", "o", "--format", "md"], in: folder).status == 2)
        // A lesson named index at the top would be the course's index page (red-team pass).
        let indexFolder = try temporaryFolder(["R/index.md": "# Index lesson\n", "R/b.md": "# B\n"])
        let index = try stepmark(["render", "R", "--out", "o", "--format", "md,html"], in: indexFolder)
        #expect(index.status == 2)
        #expect(index.stderr.contains("R/index.md: would be written where the course's index page goes"))
        let twice = try stepmark(["render", "x1/dup.md", "./x1/dup.md", "--out", "o", "--format", "md"], in: folder)
        #expect(twice.status == 0 && twice.stdout.contains("rendered 1 lesson"), "\(twice.stdout)")
    }

    /// A lesson's text and a submission's file name reach the terminal with their control
    /// characters made visible (a red-team pass found OSC and CSI sequences — window title,
    /// clipboard, clear screen — printed raw by run, step, check and grade).
    @Test func controlCharactersNeverReachTheTerminalRaw() throws {
        let hostile = "\u{1B}]0;PWN\u{07}\u{1B}[2J"
        let key = "# Title \(hostile)\n\nProse \(hostile)\n\n```let exercise=a\na = 1\n```\n\n```answer a\n1\n```\n\n```tokenize\nx\(hostile)y\n```\n"
        let submission = "a\u{1B}]0;PWN\u{07}b.md"
        let folder = try temporaryFolder(["key.md": key, submission: "```answer a\nzz\(hostile)\n```\n"])
        let lessonName = "e\u{1B}]0;PWN\u{07}.md"
        try "# E\n\n```let\nx = 1\n```\n".write(toFile: (folder as NSString).appendingPathComponent(lessonName), atomically: true, encoding: .utf8)
        for arguments in [["run", "key.md"], ["step", "key.md"], ["check", submission, "--key", "key.md"],
                          ["grade", "--key", "key.md", submission, "--out", "g"], ["export", lessonName, "--out", "e"],
                          ["new", "n\u{1B}]52;c;aGk=\u{07}.md"], ["assign", "key.md", "--out", "a\u{1B}[2J"]] {
            let r = try stepmark(arguments, input: "", in: folder)
            #expect(!r.stdout.contains("\u{1B}]") && !r.stderr.contains("\u{1B}]") && !r.stdout.contains("\u{1B}[2J") && !r.stderr.contains("\u{1B}[2J"),
                    "\(arguments[0]) printed a raw escape sequence")
            if arguments[0] != "grade" { #expect((r.stdout + r.stderr).contains("\u{241B}"), "\(arguments[0]) shows the ESC as ␛") }
        }
        for file in try FileManager.default.subpathsOfDirectory(atPath: (folder as NSString).appendingPathComponent("g")) where file.hasSuffix(".md") || file.hasSuffix(".csv") {
            let text = try String(contentsOfFile: (folder as NSString).appendingPathComponent("g/" + file), encoding: .utf8)
            #expect(!text.contains("\u{1B}"), "\(file) holds a raw ESC")
        }
    }

    /// JSON keeps a text's control characters, DEL and C1 included, as escapes: written raw,
    /// standard output made them visible (`␡`, U+FFFD) and the reader got other text back.
    @Test func jsonEscapesEveryControlCharacter() throws {
        let folder = try temporaryFolder(["c.md": "# C\n\n```let\na = \"z\u{7F}q\u{85}w\u{01}\u{9F}\"\n```\n"])
        let r = try stepmark(["run", "c.md", "--format", "json"], in: folder)
        #expect(r.status == 0 && r.stdout.contains(#""text":"z\u007fq\u0085w\u0001\u009f""#), "\(r.stdout)")
        let report = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let values = ((report?["steps"] as? [[String: Any]])?.first?["values"] as? [[String: Any]]) ?? []
        #expect(values.first?["text"] as? String == "z\u{7F}q\u{85}w\u{01}\u{9F}")
    }

    /// A Markdown report written elsewhere links the lesson's local images from where it is
    /// (the HTML page embeds them); a red-team pass found them broken in `render --out`.
    @Test func markdownReportsLinkImagesFromWhereTheyAre() throws {
        let png = "\u{89}PNG"  // only the Markdown's link is looked at
        let folder = try temporaryFolder(["lessons/en/l.md": "# T\n\nSee ![a](fig/a.png \"t\") and ![r](https://x.org/b.png).\n", "lessons/en/fig/a.png": png])
        _ = try stepmark(["render", "lessons", "--out", "out", "--format", "md"], in: folder)
        let page = try String(contentsOfFile: folder + "/out/en/l.md", encoding: .utf8)
        #expect(page.contains("See ![a](../../lessons/en/fig/a.png \"t\") and ![r](https://x.org/b.png)."), "\(page)")
        _ = try stepmark(["render", "lessons", "--out", "out2", "--format", "md", "--student"], in: folder)
        #expect(try String(contentsOfFile: folder + "/out2/en/l.md", encoding: .utf8).contains("](../../lessons/en/fig/a.png"))
        // On standard output, the lesson's own paths.
        #expect(try stepmark(["run", "lessons/en/l.md", "--format", "md"], in: folder).stdout.contains("See ![a](fig/a.png \"t\")"))
    }

    /// `run` of a key sums up its exercises, as its pages list them (it said nothing of them);
    /// a student's copy, whose answers `check` judges, gets no such line.
    @Test func runOfAKeySumsUpItsExercises() throws {
        let key = "```let exercise=a points=2\nx = 2\n```\n\n```answer a\n2\n```\n\n```let exercise=b points=0.5\ny = 3\n```\n\n```answer b\n4\n```\n"
        let folder = try temporaryFolder(["k.md": key, "ok.md": key.replacingOccurrences(of: "b\n4", with: "b\n3"),
                                          "ko.md": "---\nlang: ko\n---\n" + key.replacingOccurrences(of: "b\n4", with: "b\n3")])
        let failing = try stepmark(["run", "k.md"], in: folder)
        #expect(failing.status == 1 && failing.stdout.hasSuffix("2 exercises, 2.5 points in all; 1 of the key's own answers pass\n"), "\(failing.stdout)")
        #expect(try stepmark(["run", "ok.md"], in: folder).stdout.hasSuffix("4 steps ran, no errors\n2 exercises, 2.5 points in all; the key's own answers pass\n"))
        #expect(try stepmark(["run", "ko.md"], in: folder).stdout.hasSuffix("연습 문제 2개, 모두 2.5점. 정답 파일의 답이 모두 통과합니다\n"))
        #expect(try stepmark(["assign", "ok.md", "--out", "as"], in: folder).status == 0)
        #expect(try !stepmark(["run", "as/ok.md"], in: folder).stdout.contains("exercises"))
    }

    /// A reference-style image's definition is rebased too (it kept the lesson's path, a
    /// broken picture), also beside an inline image of the same file; a definition only a
    /// link uses, a `<…>` destination and a look-alike line in code are left as written.
    @Test func markdownReportsRebaseImagesWrittenByReference() throws {
        let lesson = "# T\n\n![a](fig/b.png) ![b][fig-b] and [notes][n].\n\n[fig-b]: fig/b.png \"t\"\n  [n]: notes.md\n[w]: <fig/c.png>\n\n```text\n[fig-b]: fig/b.png\n```\n\n![c][w]\n\n```softmax\n[1, 2]\n```\n"
        let folder = try temporaryFolder(["lessons/en/l.md": lesson, "lessons/en/fig/b.png": "\u{89}PNG"])
        _ = try stepmark(["render", "lessons", "--out", "out", "--format", "md"], in: folder)
        let page = try String(contentsOfFile: folder + "/out/en/l.md", encoding: .utf8)
        #expect(page.contains("![a](../../lessons/en/fig/b.png) ![b][fig-b] and [notes][n]."), "\(page)")
        #expect(page.contains("\n[fig-b]: ../../lessons/en/fig/b.png \"t\"\n  [n]: notes.md\n[w]: <fig/c.png>\n"), "\(page)")
        #expect(page.contains("```text\n[fig-b]: fig/b.png\n```"), "\(page)")
        // Definitions in no stretch of prose (right after a step, at the end) close the
        // teacher's report, rebased; a handout never has them (one used only in a solution
        // region would show there).
        let key = "# K\n\n![b][fig]\n\n```let exercise=a\nx = 2\n```\n\n[fig]: fig/b.png\n[//]: # (the answer is 2)\n\n```answer a\n2\n```\n\n[end]: https://example.org/end\n"
        let keyFolder = try temporaryFolder(["lessons/en/k.md": key, "lessons/en/fig/b.png": "\u{89}PNG"])
        _ = try stepmark(["render", "lessons", "--out", "t", "--format", "md"], in: keyFolder)
        let teacher = try String(contentsOfFile: keyFolder + "/t/en/k.md", encoding: .utf8)
        #expect(teacher.contains("\n[fig]: ../../lessons/en/fig/b.png\n[//]: # (the answer is 2)\n[end]: https://example.org/end\n"), "\(teacher)")
        _ = try stepmark(["render", "lessons", "--out", "s", "--format", "md", "--student"], in: keyFolder)
        let handout = try String(contentsOfFile: keyFolder + "/s/en/k.md", encoding: .utf8)
        #expect(!handout.contains("answer is 2") && !handout.contains("[end]:"), "\(handout)")
    }

    /// SPEC §4: a key checks its own answers. `step` and `export` exit 1 on a wrong or missing
    /// key answer, as `run` and `render` do (a red-team pass found them at 0).
    @Test func stepAndExportCheckTheKeysOwnAnswers() throws {
        let exercise = "# K\n\n```softmax exercise=e1\n[2, 0, 0]\n```\n\n"
        let folder = try temporaryFolder(["wrong.md": exercise + "```answer e1\n[0.5, 0.25, 0.25]\n```\n", "none.md": exercise,
                                          "good.md": exercise + "```answer e1\n[0.787, 0.107, 0.107]\n```\n"])
        for file in ["wrong.md", "none.md"] {
            for arguments in [["run", file], ["step", file], ["export", file, "--out", "nb"]] {
                let r = try stepmark(arguments, input: "", in: folder)
                #expect(r.status == 1, "\(arguments): \(r.status) \(r.stderr)")
            }
        }
        for arguments in [["run", "good.md"], ["step", "good.md"], ["export", "good.md", "--out", "nb"]] {
            #expect(try stepmark(arguments, input: "", in: folder).status == 0, "\(arguments)")
        }
    }

    /// A render with no lesson to render is an error, as grade's "no .md submissions" is: an
    /// empty folder, or lessons that sit inside --out (skipped), rendered "0 lessons", exit 0.
    @Test func renderWithNoLessonIsAnError() throws {
        let folder = try temporaryFolder(["empty/README.md": "# not a lesson\n", "L/a/l.md": "# L\n"])
        for arguments in [["render", "empty", "--out", "o"], ["render", "L/a", "--out", "L"]] {
            let r = try stepmark(arguments, in: folder)
            #expect(r.status == 2 && r.stderr.contains("error: no lessons found in \(arguments[1])"), "\(arguments): \(r.stderr)")
        }
        // Options that contradict each other are a usage error, not one silently dropped.
        let both = try stepmark(["render", "L/a", "--out", "o", "--check", "--watch"], in: folder)
        #expect(both.status == 2 && both.stderr.contains("--check and --watch cannot go together"), "\(both.stderr)")
    }

    @Test func renderMirrorsTheTreeAndChecksFreshness() throws {
        let folder = try temporaryFolder(["lessons/en/a.md": "# A\n\n```let\nx = 1\n```\n", "lessons/ko/a.md": "# 가\n"])
        let render = try stepmark(["render", "lessons", "--out", "out", "--format", "md"], in: folder)
        #expect(render.status == 0, "\(render.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder + "/out/en/a.md"))
        #expect(FileManager.default.fileExists(atPath: folder + "/out/ko/a.md"))
        #expect(FileManager.default.fileExists(atPath: folder + "/out/index.md"))
        #expect(try stepmark(["render", "lessons", "--out", "out", "--format", "md", "--check"], in: folder).status == 0)
        try "# A\n\n```let\nx = 2\n```\n".write(toFile: folder + "/lessons/en/a.md", atomically: true, encoding: .utf8)
        let stale = try stepmark(["render", "lessons", "--out", "out", "--format", "md", "--check"], in: folder)
        #expect(stale.status == 1)
        #expect(stale.stderr.contains("out/en/a.md"))
        // Same bytes every run.
        let first = try String(contentsOfFile: folder + "/out/en/a.md", encoding: .utf8)
        _ = try stepmark(["render", "lessons", "--out", "out", "--format", "md"], in: folder)
        _ = try stepmark(["render", "lessons", "--out", "out2", "--format", "md"], in: folder)
        #expect(try String(contentsOfFile: folder + "/out/en/a.md", encoding: .utf8) != first)
        #expect(try String(contentsOfFile: folder + "/out/en/a.md", encoding: .utf8)
                == String(contentsOfFile: folder + "/out2/en/a.md", encoding: .utf8))
    }

    /// A page is current when its bytes are the new page's bytes, not when the texts are
    /// canonically equivalent: a page saved with its Hangul decomposed (as some editors and
    /// macOS file systems do) is stale for `--check`, and it is an edit `render` does not
    /// overwrite unasked.
    @Test func renderComparesPagesByTheirBytes() throws {
        let folder = try temporaryFolder(["lessons/ko/a.md": "# 한글\n\n```let\nx = 1\n```\n"])
        #expect(try stepmark(["render", "lessons", "--out", "out", "--format", "md"], in: folder).status == 0)
        let page = folder + "/out/ko/a.md"
        let composed = Array(try Data(contentsOf: URL(fileURLWithPath: page)))
        // 한 (U+D55C) and 글 (U+AE00) decomposed into their jamo, byte by byte.
        func decomposed(_ bytes: [UInt8]) -> [UInt8] {
            let pairs: [([UInt8], [UInt8])] = [(Array("\u{D55C}".utf8), Array("\u{1112}\u{1161}\u{11AB}".utf8)),
                                               (Array("\u{AE00}".utf8), Array("\u{1100}\u{1173}\u{11AF}".utf8))]
            var out: [UInt8] = [], i = 0
            outer: while i < bytes.count {
                for (from, to) in pairs where bytes[i...].starts(with: from) {
                    out += to
                    i += from.count
                    continue outer
                }
                out.append(bytes[i])
                i += 1
            }
            return out
        }
        let edited = decomposed(composed)
        #expect(edited.count > composed.count)
        try Data(edited).write(to: URL(fileURLWithPath: page))
        let check = try stepmark(["render", "lessons", "--out", "out", "--format", "md", "--check"], in: folder)
        #expect(check.status == 1 && check.stderr.contains("out/ko/a.md"), "\(check.stderr)")
        let render = try stepmark(["render", "lessons", "--out", "out", "--format", "md"], in: folder)
        #expect(render.status != 0 && render.stderr.contains("refusing to overwrite"), "\(render.stderr)")
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: page))) == edited)   // the edit is kept
        #expect(try stepmark(["render", "lessons", "--out", "out", "--format", "md", "--overwrite"], in: folder).status == 0)
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: page))) == composed)
    }

    /// `--jobs` takes 1 to 256; out of range (or not a number) is a usage error (status 2) naming the
    /// flag, and nothing is written.
    @Test func renderJobsIsBounded() throws {
        let folder = try temporaryFolder(["lessons/a.md": "# A\n", "lessons/b.md": "# B\n"])
        for bad in ["0", "-3", "257", "many"] {
            let r = try stepmark(["render", "lessons", "--out", "out", "--jobs", bad], in: folder)
            #expect(r.status == 2, "\(bad): \(r.stderr)")
            #expect(r.stderr.contains("--jobs") || r.stderr.contains("jobs"), "\(bad): \(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder + "/out"))
        #expect(try stepmark(["render", "lessons", "--out", "out", "--jobs", "3"], in: folder).status == 0)
        #expect(FileManager.default.fileExists(atPath: folder + "/out/b.html"))
    }

    /// The Markdown and the HTML handout of `render --student` show the same blank template of
    /// the expected shape: before answers had one student-view owner, the HTML wrote `?` where
    /// the Markdown had `[?, ?]`.
    @Test func studentHandoutsShowOneAnswerTemplate() throws {
        let key = """
            # K

            ```softmax exercise=e1
            [0, 1]
            ```

            ```let exercise=e2
            m = [[1, 2], [3, 4]]
            ```

            ```answer e1
            [0.2689, 0.7311]
            ```

            ```answer e2
            [[1, 2], [3, 4]]
            ```
            """
        let folder = try temporaryFolder(["lessons/k.md": key])
        let render = try stepmark(["render", "lessons", "--out", "out", "--format", "md,html", "--student"], in: folder)
        #expect(render.status == 0, "\(render.stderr)")
        let md = try String(contentsOfFile: folder + "/out/k.md", encoding: .utf8)
        let html = try String(contentsOfFile: folder + "/out/k.html", encoding: .utf8)
        #expect(md.contains("```answer e1\n[?, ?]\n```"))
        #expect(md.contains("```answer e2\n[[?, ?],\n [?, ?]]\n```"))
        #expect(html.contains("```answer e1\n[?, ?]\n```"))
        #expect(html.contains("```answer e2\n[[?, ?],\n [?, ?]]\n```"))
        // The key's answers and the exercises' values are on neither page.
        for page in [md, html] {
            #expect(!page.contains("0.2689") && !page.contains("0.7311"))
        }
    }
}
