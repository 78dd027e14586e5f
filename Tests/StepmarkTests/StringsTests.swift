import Foundation
import Testing
import StepmarkCore
@testable import StepmarkLesson
@testable import StepmarkRender
@testable import StepmarkGrade

/// SPEC §8: the lesson's language chooses every word stepmark writes. One strings table
/// (`Strings`), complete in English and Korean, and a phrasebook for the English words in
/// formulas and warnings; in a Korean lesson no English word of stepmark's is left.
@Suite struct StringsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// Words that stay as written in every language, because they are not English prose:
    /// - function names of the maths (`softmax`, `exp`, `log`, `mean`, `sum`, `rowsum`, `diag`,
    ///   `sin`, `cos`, `max`, `relu`, `sigmoid`, `attention`, `GELU`, `LayerNorm`);
    /// - names of methods, formats and special tokens (`BPE`, `WordPiece`, `BERT`, `Xavier`,
    ///   `NFC`, `NFD`, `JSON`, `CLS`, `SEP`, `UNK`, `PC`), and the program's name (`stepmark`);
    /// - file names a formula quotes (`config.json`, `tokenizer_config.json`,
    ///   `model.safetensors`, `vocab.txt`);
    /// - HTML markup in the page's keys (`kbd`);
    /// - maths notation written in letters (`PE` positional encoding, `FFN`, `dW`, `db`), and
    ///   the sub-step and column names SPEC fixes that a formula may quote (`id`, `scaled`);
    /// - argument values (`true`, `false`).
    /// Besides these, `englishWords` leaves out one-letter names (`x`, `W`, `T`) and any word
    /// with a digit or an underscore (`W_Q`, `grad_w`, `PC2`), which are identifiers, and each
    /// test adds the lesson's own identifiers: every word of its directive blocks (value names,
    /// directive names, argument keys and values, its data), the names its steps record, the
    /// labels and tokens of its values, and the expression functions.
    static let fixedWords: Set<String> = [
        "softmax", "exp", "log", "mean", "sum", "rowsum", "diag", "sin", "cos", "max", "relu", "sigmoid", "attention",
        "GELU", "LayerNorm", "BPE", "WordPiece", "BERT", "Xavier", "NFC", "NFD", "JSON", "CLS", "SEP", "UNK", "PC", "stepmark",
        "config", "json", "model", "safetensors", "vocab", "txt", "kbd",
        "PE", "FFN", "dW", "db", "id", "scaled", "true", "false",
    ]

    /// The English words of `text` that are not `allowed`: runs of ASCII letters (at least
    /// two, not all the same) not touching a digit or an underscore.
    static func englishWords(_ text: String, allowed: Set<String>) -> [String] {
        var words: [String] = []
        var run = ""
        func flush() {
            let letters = run.filter { $0.isLetter }.count
            // A run of one letter (`ooooo`) is a terminal chart's series glyph, not a word.
            let identifier = run.contains { $0.isNumber || $0 == "_" } || Set(run).count == 1
            if letters >= 2, !identifier, !allowed.contains(run), !fixedWords.contains(run) { words.append(run) }
            run = ""
        }
        for scalar in text.unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" {
                run.unicodeScalars.append(scalar)
            } else {
                flush()
            }
        }
        flush()
        return words
    }

    /// The runs of ASCII letters, digits and underscores in `text`: the words a lesson or an
    /// input may hold as its own.
    static func asciiWords(of text: String) -> Set<String> {
        var words = Set<String>(), run = ""
        for scalar in text.unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" {
                run.unicodeScalars.append(scalar)
            } else {
                if !run.isEmpty { words.insert(run) }
                run = ""
            }
        }
        if !run.isEmpty { words.insert(run) }
        return words
    }

    /// Every ASCII word that is the lesson's own: its directive blocks, the names and labels
    /// of what its steps record, the directive names and the expression functions.
    static func identifiers(of lesson: Lesson, report: Report) -> Set<String> {
        var ids = Set<String>()
        func addWords(_ text: String) { ids.formUnion(asciiWords(of: text)) }
        for block in lesson.blocks {
            if case .directive(let d) = block { addWords(d.source) }
        }
        for step in report.steps {
            for value in step.values {
                addWords(value.name)
                switch value.value {
                case .tensor(let t):
                    (t.rowLabels ?? []).forEach(addWords)
                    (t.colLabels ?? []).forEach(addWords)
                case .tokens(let list): list.tokens.forEach(addWords)
                case .table(let table):
                    table.columns.forEach(addWords)
                    for row in table.rows { for case .text(let s) in row { addWords(s) } }
                case .text(let s): addWords(s)
                case .network: addWords(value.value.kind)
                }
            }
        }
        for d in DirectiveRegistry.all {
            ids.insert(d.name)
            for a in d.arguments { ids.insert(a.name) }
        }
        for f in ExpressionFunctions.all { ids.insert(f.name) }
        return ids
    }

    // MARK: the table

    @Test func everyKeyHasBothLanguagesWithTheSamePlaceholders() {
        for key in StringKey.allCases {
            let en = Strings.english[key], ko = Strings.korean[key]
            #expect(!en.isEmpty && !ko.isEmpty, "\(key) is empty in a language")
            #expect(Strings.placeholders(en) == Strings.placeholders(ko), "\(key): \(en) / \(ko)")
            #expect(en != ko, "\(key) is not translated: \(ko)")
            // Korean entries hold no English word, except the name of English itself and code
            // a student types: the answer block's fence, -inf, and the standard ISO 8601.
            let allowed: Set<String> = ["English", "answer", "inf", "ISO"]
            #expect(Self.englishWords(ko, allowed: allowed).isEmpty, "\(key): \(ko)")
        }
    }

    @Test func placeholdersAreFilled() {
        #expect(Strings.english.count(1, one: .stepsRanOne, many: .stepsRanMany) == "1 step ran, no errors")
        #expect(Strings.english.count(3, one: .stepsFailedOne, many: .stepsFailedMany, 5) == "3 of 5 steps failed")
        // The noun follows the total, not the failures (it read "1 of 2 step failed").
        #expect(Strings.english.count(1, of: 2, one: .stepsFailedOne, many: .stepsFailedMany) == "1 of 2 steps failed")
        #expect(Strings.english.count(1, of: 1, one: .stepsFailedOne, many: .stepsFailedMany) == "1 of 1 step failed")
        #expect(TerminalRenderer(color: false).summary(runLesson("```let\nx = log(-1)\n```\n\n```let\ny = 1\n```\n")).hasPrefix("1 of 2 steps failed"))
        #expect(Strings.korean.count(3, one: .stepsFailedOne, many: .stepsFailedMany, 5) == "5단계 중 3단계가 실패했습니다")
        #expect(Strings.korean(.stepNoBlock, "9", 4) == "블록 9은 없습니다; 1부터 4까지입니다")
        #expect(Strings.fill("{0} {x} {5}", ["a"]) == "a {x} {5}")
    }

    @Test func htmlAndChartWordsAreViewsOfTheTable() {
        #expect(PlotWords.korean.index == Strings.korean[.plotIndex])
        #expect(PlotWords.english.points(2) == "2 points")
        #expect(PlotWords.korean.points(2) == "점 2개")
    }

    // MARK: formulas and warnings

    @Test func englishLessonsKeepTheirWords() {
        #expect(Phrasebook.formula("w after 8 updates", .english) == "w after 8 updates")
        #expect(Phrasebook.formula("weights = softmax(scaled) (each row sums to 1)", .korean) == "weights = softmax(scaled) (각 행의 합은 1)")
        #expect(Phrasebook.formula("w after 8 updates", .korean) == "w (8번 갱신 후)")
        #expect(Phrasebook.message("the loss grew from 1 to 2: lr=0.5 may be too large", .korean) == "손실이 1에서 2로 커졌습니다: lr=0.5이 너무 클 수 있습니다")
    }

    @Test func theCommonestErrorsAreKorean() {
        let report = runLesson("---\nlang: ko\n---\n```softmax colour=1\n[1]\n```\n\n```let\ny = x + 1\n```\n\n```let\nz = 1\n", path: "lesson.md")
        let text = TerminalRenderer().render(report)
        #expect(text.contains("오류: lesson.md:4:12: softmax에 없는 인수 'colour' (쓸 수 있는 인수: "), "\(text)")
        #expect(text.contains("오류: lesson.md:9:5: 정의되지 않은 이름 'x' (아직 정의된 이름이 없습니다: 위에서 let 블록으로 정의하세요)"), "\(text)")
        #expect(text.contains("여기서 연 ``` 펜스가 닫히지 않아"), "\(text)")
        #expect(text.contains("단계 중 "))
        // English lessons keep every message as written.
        let english = TerminalRenderer().render(runLesson("```let\ny = x + 1\n```\n"))
        #expect(english.contains("error: lesson.md:2:5: undefined name 'x' (nothing is defined yet: define it above with a let block)"), "\(english)")
    }

    /// Every course lesson under lessons/ko: no formula and no warning has an English word
    /// from stepmark once translated (lesson 07's encoder steps run only after `make model`).
    @Test func koreanCourseLessonsHaveNoEnglishFormulaWords() throws {
        let folder = Self.root + "/lessons/ko"
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".md") }.sorted()
        #expect(files.count >= 8)
        var left: [String] = []
        var checked = 0
        for file in files {
            let lesson = try LessonParser.read(path: folder + "/" + file)
            #expect(lesson.language == .korean)
            let report = Runner().run(lesson)
            let allowed = Self.identifiers(of: lesson, report: report)
            for step in report.steps {
                for value in step.values {
                    guard let f = value.formula, !value.formulaRepeatsSource else { continue }
                    checked += 1
                    let korean = Phrasebook.formula(f, .korean)
                    let words = Self.englishWords(korean, allowed: allowed)
                    if !words.isEmpty { left.append("\(file) step \(step.index) \(value.name): \(korean) — \(words)") }
                }
                for w in step.warnings {
                    let korean = Phrasebook.message(w, .korean)
                    let words = Self.englishWords(korean, allowed: allowed)
                    if !words.isEmpty { left.append("\(file) step \(step.index) warning: \(korean) — \(words)") }
                }
            }
        }
        #expect(checked > 100)
        #expect(left.isEmpty, "\(left.joined(separator: "\n"))")
    }

    /// Every formula a directive writes, in the source, with its English words covered: the
    /// course's English lessons, translated to Korean, leave no English word either (they use
    /// some options the Korean ones do not).
    @Test func englishCourseLessonsTranslatedLeaveNoEnglishFormulaWords() throws {
        let folder = Self.root + "/lessons/en"
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".md") }.sorted()
        var left: [String] = []
        for file in files {
            let lesson = try LessonParser.read(path: folder + "/" + file)
            let report = Runner().run(lesson)
            let allowed = Self.identifiers(of: lesson, report: report)
            for step in report.steps {
                for value in step.values {
                    guard let f = value.formula, !value.formulaRepeatsSource else { continue }
                    let words = Self.englishWords(Phrasebook.formula(f, .korean), allowed: allowed)
                    if !words.isEmpty { left.append("\(file) \(value.name): \(Phrasebook.formula(f, .korean)) — \(words)") }
                }
                for w in step.warnings {
                    let words = Self.englishWords(Phrasebook.message(w, .korean), allowed: allowed)
                    if !words.isEmpty { left.append("\(file) warning: \(Phrasebook.message(w, .korean)) — \(words)") }
                }
            }
        }
        #expect(left.isEmpty, "\(left.joined(separator: "\n"))")
    }

    // MARK: course.yml

    @Test func courseFileParsesAndPositionsItsErrors() {
        let names: Set<String> = ["01-a.md", "02-b.md"]
        let (good, none) = CourseFile.parse("title: 강의\ndescription: 설명\nlang: ko\nlessons:\n  - 02-b.md\n  - 01-a.md\n", available: names)
        #expect(none.isEmpty)
        #expect(good == CourseFile(title: "강의", description: "설명", lang: "ko", lessons: ["02-b.md", "01-a.md"]))
        #expect(good.language == .korean)

        let (_, unknownLesson) = CourseFile.parse("title: x\nlessons:\n  - 01-a.md\n  - 09-z.md\n", available: names)
        #expect(unknownLesson.map(\.description) == ["4:5: lessons: '09-z.md' is not a lesson in this folder (it has 01-a.md, 02-b.md)"])
        let (_, badKey) = CourseFile.parse("title: x\ncolour: red\n", available: names)
        #expect(badKey.map(\.description) == ["2:9: course.yml: unknown key 'colour' (expected title, description, lang, lessons)"])
        let (_, badType) = CourseFile.parse("title: [a, b]\nlessons: 3\nlang: fr\n", available: names)
        #expect(badType.map(\.description) == ["1:8: title: expects text, not a list or mapping",
                                               "2:10: lessons: expects a list of lesson file names, one per `- ` line",
                                               "3:7: lang: expects ko or en, got 'fr'"])
        let (_, badYAML) = CourseFile.parse("title: [x\n", available: names)
        #expect(badYAML.count == 1 && badYAML[0].message.hasPrefix("course.yml is not valid YAML"))
        let (_, twice) = CourseFile.parse("lessons:\n  - 01-a.md\n  - 01-a.md\n", available: names)
        #expect(twice.map(\.message) == ["lessons: '01-a.md' is listed twice"])
    }

    @Test func courseFileOrdersTheLessonsAndTitlesTheIndex() throws {
        let lesson = "# 제목\n\n```let\nx = 1\n```\n"
        let root = try temporaryFolder([
            "course/course.yml": "title: 모든 강의\nlang: ko\n",
            "course/ko/course.yml": "title: 한국어 강의\ndescription: 설명입니다\nlessons:\n  - 02-b.md\n",
            "course/ko/01-a.md": lesson, "course/ko/02-b.md": lesson.replacingOccurrences(of: "1\n", with: "y\n"),
        ])
        let plan = try CoursePlan.make(paths: [root + "/course"], out: root + "/out")
        #expect(plan.lessons.map(\.relative) == ["ko/02-b", "ko/01-a"])
        #expect(plan.courses[""]?.title == "모든 강의")
        let result = Course(formats: [.md], student: false, limits: Limits()).render(plan)
        let index = try #require(result.files.first { $0.path.hasSuffix("index.md") }?.content)
        #expect(index.hasPrefix("# 모든 강의\n"))
        #expect(index.contains("## 한국어 강의\n\n설명입니다\n"))
        #expect(index.contains("ko/02-b.md) — 오류 있음"))
        #expect(Self.englishWords(index, allowed: ["ko", "md"]).isEmpty, "\(index)")
        // The streamed render (what `stepmark render` runs) writes the very pages the whole
        // render plans, the titled index included.
        let streamed = try Course(formats: [.md, .html], student: false, limits: Limits()).renderStreaming(plan) { _ in }
        #expect(streamed.written == 6)
        for file in Course(formats: [.md, .html], student: false, limits: Limits()).render(plan).files {
            #expect(try String(contentsOfFile: file.path, encoding: .utf8) == file.content, "\(file.path)")
        }

        let bad = try temporaryFolder(["c/ko/a.md": lesson, "c/ko/course.yml": "lessons:\n  - b.md\n"])
        #expect(throws: ReadError.self) { try CoursePlan.make(paths: [bad + "/c"], out: bad + "/out") }
        do { _ = try CoursePlan.make(paths: [bad + "/c"], out: bad + "/out") } catch let e as ReadError {
            #expect(e.description == bad + "/c/ko/course.yml:2:5: lessons: 'b.md' is not a lesson in this folder (it has a.md)")
        }
    }

    @Test func theCourseHasItsCourseFiles() throws {
        for (folder, language) in [("lessons", LessonLanguage.english), ("lessons/en", .english), ("lessons/ko", .korean)] {
            let path = Self.root + "/" + folder
            let names = Set(try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".md") })
            let course = try #require(try CourseFile.read(folder: path, available: names))
            #expect(course.language == language)
            #expect(course.title?.isEmpty == false)
        }
    }
}
