import Foundation
import StepmarkCore
import StepmarkGrade
import Testing
@testable import StepmarkLesson

/// SPEC §8: the lesson's own errors (info strings, arguments, expressions, indexing, limits,
/// files, prose, TeX, front matter, course.yml) and the exercise and grading errors are Korean
/// in a Korean lesson (`Phrasebook/LessonErrors.swift`, `Phrasebook/GradeErrors.swift`).
/// Each case is a broken Korean lesson and the English message it must raise; that message,
/// through the phrasebook, may keep no English word but the lesson's own (names, arguments,
/// values), code and the limit flags, which must stay named.
@Suite struct KoreanLessonErrorsTests {
    /// The words of a limit flag (`--max-entries`): the flag is named as it is typed.
    static let flagWords: Set<String> = ["entries", "seconds", "steps", "tokens", "file", "bytes"]

    /// Code the Korean keeps as written: formats, argument values, function and command names.
    static let codeWords: Set<String> = Set(ExpressionFunctions.all.map(\.name)).union([
        "YAML", "HTML", "TeX", "numpy", "npy", "csv", "row", "col", "rows", "cols", "axis", "label", "shape", "answer",
        "ko", "en", "details", "open", "left", "right", "begin", "assign", "functions", "weights", "cat", "title",
    ])

    /// The English words left in the Korean of `message`, beyond `text`'s own words.
    static func englishLeft(_ message: String, in text: String, allowing more: Set<String> = []) -> [String] {
        let korean = Phrasebook.message(message, .korean)
        let allowed = KoreanErrorMessagesTests.words(of: text).union(KoreanErrorMessagesTests.codeWords)
            .union(flagWords).union(codeWords).union(more)
        return StringsTests.englishWords(korean, allowed: allowed)
    }

    /// Runs `lesson` as a Korean lesson (exercises checked) and returns every error and warning.
    static func messages(_ lesson: String, limits: Limits = .init(), path: String = "lesson.md") -> [String] {
        let report = Exercises.check(runLesson("---\nlang: ko\n---\n" + lesson, path: path, limits: limits))
        var out = (report.errors + report.warnings).map(\.message)
        for step in report.steps { out += step.warnings }
        return out
    }

    /// Checks that `lesson` raises a message containing `english`, and that its Korean keeps
    /// no English word.
    static func check(_ lesson: String, raises english: String, limits: Limits = .init(), allowing more: Set<String> = [],
                      sourceLocation: SourceLocation = #_sourceLocation) {
        let found = messages(lesson, limits: limits).filter { $0.contains(english) }
        #expect(!found.isEmpty, "no message contains \(english.debugDescription): \(messages(lesson, limits: limits))",
                sourceLocation: sourceLocation)
        for m in found {
            let left = englishLeft(m, in: lesson, allowing: more)
            #expect(left.isEmpty, "\(m)\n→ \(Phrasebook.message(m, .korean))\nEnglish left: \(left)", sourceLocation: sourceLocation)
        }
    }

    func block(_ info: String, _ body: String = "x = 1") -> String { "```\(info)\n\(body)\n```\n" }

    // MARK: info strings

    @Test func infoStrings() {
        Self.check(block("let =1"), raises: "expected a name before '='")
        Self.check(block(#"let "a""#), raises: "found a value without a key")
        Self.check(block("let ]"), raises: "with no '[' before it")
        Self.check(block("let as="), raises: "'as=' has no value")
        Self.check(block("let precision=2 precision=3"), raises: "'precision' is given twice")
        Self.check(block("let tags=[a]b"), raises: "separate arguments with spaces")
        Self.check(block("let tags=" + String(repeating: "[", count: 40) + String(repeating: "]", count: 40)), raises: "lists nested more than 32 deep")
        Self.check(block("let tags=[a"), raises: "unterminated list: '[' is never closed")
        Self.check(block("let tags=[a b]"), raises: "expected ',' or ']' in list, found 'b'")
        Self.check(block("let tags=[a,,b]"), raises: "expected a list item")
        Self.check(block(#"let tags="a\qb""#), raises: "unknown escape")
        Self.check(block(#"let tags="ab"#), raises: "unterminated string")
        Self.check(block("let foo"), raises: "in the info string; arguments are written key=value")
        Self.check(block("let colour=1"), raises: "unknown argument 'colour' for let")
    }

    // MARK: arguments

    @Test func commonArguments() {
        Self.check(block("let precision=abc"), raises: "precision= expects a whole number, got abc")
        Self.check(block("let precision=20"), raises: "precision= must be between 0 and 15, got 20")
        Self.check(block("let exercise=e1 points=abc"), raises: "points= expects a number, got abc")
        Self.check(block("let as=1abc"), raises: "as= expects a name, got 1abc")
        Self.check(block("let hide=maybe"), raises: "hide= must be one of", allowing: ["source", "values", "all"])
        Self.check(block("let hide=valeus"), raises: "hide= must be one of source, values, all, got valeus; did you mean 'values'?", allowing: ["source", "values", "all"])
        Self.check(block("let points=2"), raises: "points= only makes sense together with exercise=ID")
        Self.check(block("let exercise=a/b"), raises: "exercise= expects an id of letters")
        Self.check(block("let exercise=e1 points=-1"), raises: "points= must be a number ≥ 0")
        Self.check(block("let exercise=e1 tol=-1"), raises: "tol= must be a number ≥ 0")
        Self.check(block("let exercise=e1 tags=[" + (1...21).map { "t\($0)" }.joined(separator: ",") + "]"), raises: "tags= takes at most 20 tags")
        Self.check(block("let exercise=e1 tags=[[a]]"), raises: "not a nested list")
        Self.check(block("let exercise=e1 tags=" + String(repeating: "a", count: 101)), raises: "a tag must be 1 to 100 characters")
        Self.check(block("let exercise=e1 check=zz") + "\n```answer e1\n1\n```\n", raises: "check=zz names no value of this step")
    }

    /// The typed accessors directives use, with their own arguments.
    @Test func typedArguments() throws {
        func args(_ info: String) throws -> Arguments {
            Arguments(info: try InfoString.parse(info, at: SourcePosition(line: 1, column: 1)), position: SourcePosition(line: 1, column: 1))
        }
        func message(_ body: () throws -> Void) -> String {
            do { try body() } catch let e as LessonError { return e.message } catch {}
            return ""
        }
        let cases: [(String, Set<String>)] = [
            (message { _ = try args("train steps=200000").integer("steps", default: 1, in: 0...100_000, limitFlag: "--max-steps") }, []),
            (message { _ = try args("x name=[a]").word("name") }, []),
            (message { _ = try args("x layers=2,x").integers("layers") }, []),
            (message { _ = try args("x lr=-1").positiveNumber("lr", default: 1, why: "the size of each step downhill") }, []),
            (message { _ = try args("x scale=0").positiveNumber("scale", default: 1) }, []),
            (message { _ = try args("x lr=big").number("lr") }, []),
            (message { _ = try args("x mode=c").choice("mode", ["a", "b"], default: "a") }, []),
        ]
        for (m, allowed) in cases {
            #expect(!m.isEmpty)
            let left = Self.englishLeft(m, in: "", allowing: allowed.union(["lr", "layers", "name", "scale", "mode", "big"]))
            #expect(left.isEmpty, "\(m)\n→ \(Phrasebook.message(m, .korean))\nEnglish left: \(left)")
        }
    }

    // MARK: let blocks and expressions

    @Test func assignmentsAndNames() {
        Self.check(block("let", "+ = x"), raises: "expected NAME = EXPRESSION, found '+'")
        Self.check(block("let", "x = 1\n  = 2"), raises: "expected NAME = EXPRESSION")
        Self.check(block("let", "x 1"), raises: "expected '=' after 'x'")
        Self.check(block("let", "x = x + 1"), raises: "this line defines x, so it cannot use x before it has a value")
        Self.check(block("let", "y = zz + 1"), raises: "undefined name 'zz'")
        Self.check(block("let", "x = 1\ny = xx + 1"), raises: "undefined name 'xx'")
    }

    @Test func expressions() {
        let errors: [(String, String)] = [
            ("x = -\"a\"", "unary minus needs numbers, but this is text"),
            ("x = \"a\".T", ".T needs numbers, but this is text"),
            ("x = [1, 2] + [\"a\"]", "'+' needs numbers, but this is a token list of 1"),
            ("x = \"a\".shape", ".shape needs numbers or a token list, but this is text"),
            ("x = [1, 2] / 0", "division by zero"),
            ("x = [\"a\", 1]", "a token list holds only strings, but this is a number"),
            ("x = [1, \"a\"]", "a list of numbers cannot hold text"),
            ("x = [1, [2]]", "this list mixes numbers and lists"),
            ("x = [[[1]]]", "literals have at most two levels of brackets"),
            ("x = [[1], 2]", "row 2 of the matrix is a number"),
            ("x = [[1, 2], [3]]", "ragged matrix: row 2 has 1 entry but row 1 has 2"),
            ("x = relu(1, 2)", "relu() takes 1 argument, got 2"),
            ("x = zeros(1, 2, 3)", "zeros() takes 1 to 2 arguments, got 3"),
            ("x = relu(1, axis=row)", "relu() has no keyword argument 'axis'; it takes none"),
            ("x = sum(1, foo=row)", "sum() has no keyword argument 'foo'; expected axis"),
            ("x = zeros(-1)", "the length must be a whole number ≥ 0"),
            ("x = zeros(-1, 2)", "the row count must be a whole number ≥ 0"),
            ("x = zeros(100000000, 0)", "an empty value of shape [100000000, 0] is over the limit"),
            ("x = zeros(1e17, 1)", "the row count 1e+17 is too large (at most 2^53)"),
            ("x = random(2, seed=1e16)", "seed 1e+16 is too large (at most 2^53)"),
            ("x = zeros(2, -1)", "the column count must be a whole number ≥ 0"),
            ("x = eye(-1)", "the size must be a whole number ≥ 0"),
            ("x = random(2, seed=-1)", "seed must be a whole number ≥ 0"),
            ("x = zeros(\"a\")", "the length needs numbers, but this is text"),
            ("x = softmax([1, 2], temperature=[1, 2])", "temperature must be a number"),
            ("x = softmaxx(1)", "unknown function 'softmaxx'"),
            ("x = log(-1)", "log(-1) is undefined"),
            ("x = sqrt(-1)", "sqrt(-1) is undefined"),
            ("x = len(\"a\")", "len() needs numbers or a token list, but this is text"),
            ("x = len(\"a\", axis=row)", "len() needs numbers, but this is text"),
            ("x = len(3)", "len() of a number is undefined"),
            ("x = label([1, 2], rows=[1, 2])", "rows= needs a token list like"),
            ("x = label([1, 2], rows=[\"a\"])", "rows= has 1 label but the value has 2 rows"),
            ("x = label([[1, 2]], cols=[\"a\"])", "cols= has 1 label but the value has 2 columns"),
            ("x = label([[1, 2]], rows=[\"a\", \"b\"])", "rows= has 2 labels but the value has 1 row"),
            ("x = label(3, rows=[\"a\"])", "label() labels the entries of a vector or the rows and columns of a matrix, but this is a number"),
            ("x = label([1, 2], cols=[\"a\", \"b\"])", "cols= labels the columns of a matrix, but this is a vector; label a vector's entries with rows="),
            ("x = load(1)", "load() needs a file name in quotes"),
            ("x = load(\"w.txt\")", "load() reads .npy and .csv files"),
            ("x = load(\"none.csv\")", "no file 'none.csv' next to the lesson"),
            ("x = load(\"/nonexistent/none.csv\")", "no file '/nonexistent/none.csv'"),
            ("x = [1, 2] * 1e308", "'*' overflows in entry 2"),
            ("x = [[1e308]] * [[10]]", "'*' overflows in row 1, column 1"),
            ("x = 1e308 * 10", "'*' overflows: the result is too large"),
            ("x = exp([1000])", "exp() overflows in entry 1"),
            ("x = 12abc", "is not a number; put an operator between a number and a name"),
            ("x = 1.2.3", "'1.2.3' is not a number"),
            ("x = 1e999", "the number 1e999 is too large to represent"),
            ("x = [1].Tx", "unknown attribute '.Tx'"),
            ("x = 1 $ 2", "unexpected character '$'"),
            ("x = ", "expected an expression"),
            ("x = 1 2", "expected an operator or the end of the expression, found the number 2"),
            ("x = 1 \"a\"", "found the string \"a\""),
            ("x = 1 y", "found the name 'y'"),
            ("x = relu(1", "to close the call to relu("),
            ("x = (1", "to close '(' at"),
            ("x = (" + String(repeating: "(", count: 70) + "1" + String(repeating: ")", count: 71), "nested more than 64 levels deep"),
            ("x = [1][]", "expected an index inside '[ ]'"),
            ("x = [[1]][0, 0, 0]", "too many indices"),
            ("x = [1, 2][0:1:1]", "slice steps (a:b:step) are not supported"),
            ("x = [1, 2][0", "unterminated index"),
            ("x = [1, 2][0 1]", "expected ',', ':' or ']' in the index"),
            ("x = sum(axis=row, [1])", "a positional argument cannot follow a keyword argument"),
            ("x = [1, 2", "unterminated list: '[' at"),
            ("x = [1 2]", "expected ',' or ']' in the list"),
            ("x = [[1, 2], [3, 4]\ny = 2", "this '[' is still open when line"),
            ("x = ?", "'?' marks an unanswered entry"),
            ("x = 1 +", "the expression ends too early"),
            ("x = 1 + )", "expected a number, a name, '(' or '[', found ')'"),
        ]
        for (line, english) in errors { Self.check(block("let", line), raises: english) }
        // More operators than an expression may hold.
        Self.check(block("let", "x = " + Array(repeating: "1", count: 10_002).joined(separator: "+")), raises: "expression too long")
    }

    /// ∞ comes into a lesson only from a file; ∞ − ∞ is NaN.
    @Test func undefinedResults() throws {
        let folder = try temporaryFolder(["inf.csv": "inf,1\n1,inf\n", "one.csv": "inf\n", "nan.csv": "1,nan\n", "v.csv": "1\nnan\n"])
        let cases: [(String, String)] = [
            ("x = load(\"inf.csv\")[0] - load(\"inf.csv\")[0]", "'-' gives an undefined result (NaN) in entry 1"),
            ("x = load(\"inf.csv\") - load(\"inf.csv\")", "'-' gives an undefined result (NaN) in row 1, column 1"),
            ("x = load(\"one.csv\")[0, 0] - load(\"one.csv\")[0, 0]", "'-' gives an undefined result (NaN), as"),
            ("x = sum(load(\"inf.csv\") * [[1, 0], [0, -1]])", "sum() gives an undefined result (NaN)"),
            ("x = load(\"nan.csv\")", "holds NaN (not a number) in row 1, column 2"),
        ]
        for (line, english) in cases {
            let path = folder + "/lesson.md"
            let lesson = "---\nlang: ko\n---\n" + block("let", line)
            try lesson.write(toFile: path, atomically: true, encoding: .utf8)
            let messages = Runner().run(try LessonParser.read(path: path)).errors.map(\.message).filter { $0.contains(english) }
            #expect(!messages.isEmpty, "no message contains \(english)")
            for m in messages {
                let left = Self.englishLeft(m, in: lesson, allowing: ["NaN"])
                #expect(left.isEmpty, "\(m) → \(Phrasebook.message(m, .korean)): \(left)")
            }
        }
    }

    @Test func indexing() {
        let errors: [(String, String)] = [
            ("x = [1, 2][\"a\"]", "an index must be a whole number, but this is text"),
            ("x = [1, 2][0:\"a\"]", "a slice end must be a whole number, but this is text"),
            ("x = [1, 2][0.5]", "an index 0.5 is not a whole number"),
            ("x = [1, 2][0:1.5]", "a slice end 1.5 is not a whole number"),
            ("x = [1, 2][5]", "index 5 is out of range: the value has 2 entries"),
            ("x = [[1, 2]][5]", "index 5 is out of range: the value has 1 row"),
            ("x = [[1, 2]][0, 7]", "has 2 columns"),
            ("x = [\"a\"][3]", "has 1 token"),
            ("x = [1, 2][1:1]", "the slice selects no entries"),
            ("x = [\"a\", \"b\"][0, 1]", "a token list takes one index, not 2"),
            ("x = [1, 2][0, 1]", "is a vector and takes one index, not 2"),
            ("x = 3[0]", "cannot index a number"),
            ("x = \"abc\"[0]", "cannot index text"),
            ("x = row(3, \"a\")", "row() needs a matrix (or vector) with row labels"),
            ("x = row([[1]], 1)", "row() takes the label in quotes"),
            ("x = row([[1]], \"a\")", "has no row labels"),
            ("x = row(label([[1], [2]], rows=[\"cat\", \"dog\"]), \"cats\")", "is labelled \"cats\"; did you mean \"cat\"?"),
            ("x = sum([1], axis=1)", "axis=1 is numpy's numbering"),
            ("x = sum([1], axis=0)", "axis=0 is numpy's numbering"),
            ("x = sum([1], axis=rows)", "axis= must be row (one value per row) or col (one value per column); did you mean axis=row?"),
            ("x = sum([1], axis=diagonal)", "axis= must be row"),
            ("x = mean([1][0:0])", "the slice selects no entries"),
            ("x = sum(3, axis=row)", "sum(…, axis=row) needs a vector or a matrix"),
        ]
        for (line, english) in errors { Self.check(block("let", line), raises: english) }
        // An empty vector: [] is one.
        Self.check(block("let", "x = mean([])"), raises: "mean() of an empty value is undefined")
        // Row labels listed when there is no close match.
        Self.check(block("let", "x = row(label([[1], [2]], rows=[\"cat\", \"dog\"]), \"zebra\")"), raises: "(row labels: \"cat\", \"dog\")")
    }

    // MARK: limits

    @Test func limitsNameTheirFlags() {
        var small = Limits()
        small.maxEntries = 3
        Self.check(block("let", "x = [1, 2, 3, 4, 5]"), raises: "a value of 5 entries is over the limit of 3 (raise it with --max-entries)", limits: small)
        Self.check(block("let", "x = zeros(2, 3)"), raises: "zeros(2, 3) would have 6 entries, over the limit of 3 (raise it with --max-entries)", limits: small)
        Self.check(block("let", "x = eye(2)"), raises: "eye(2) would have 4 entries", limits: small)
        Self.check(block("let", "x = [[1, 1]] @ [[1], [1]] + zeros(1, 1)\ny = [[1], [1], [1]] @ [[1, 1, 1]]"), raises: "a value of 9 entries is over the limit of 3", limits: small)
        let many = (1...20).map { "x\($0) = [1, 2, 3]" }.joined(separator: "\n")
        Self.check((1...20).map { block("let", "x\($0) = [1, 2, 3]") }.joined(separator: "\n"),
                   raises: "would bring the lesson's recorded values to", limits: small)
        _ = many
        var quick = Limits()
        quick.maxSeconds = 0
        let slow = block("let", "x = 1") + "\n" + block("let", "y = 2")
        let found = Self.messages(slow, limits: quick)
        for m in found where m.contains("time limit") && !m.contains("while computing") {
            #expect(Self.englishLeft(m, in: slow).isEmpty, "\(m) → \(Phrasebook.message(m, .korean))")
        }
    }

    /// The limit messages word for word, the flag named in the Korean.
    @Test func exactTranslations() {
        #expect(Phrasebook.message("steps=200000 is over the limit of 100000 (raise it with --max-steps)", .korean)
                == "steps=200000은(는) 한도 100000을(를) 넘습니다(--max-steps로 한도를 올릴 수 있습니다)")
        #expect(Phrasebook.message("a value of 5 entries is over the limit of 3 (raise it with --max-entries)", .korean)
                == "값의 항목이 5개라 한도 3개를 넘습니다(--max-entries로 한도를 올릴 수 있습니다)")
        #expect(Phrasebook.message("stopped: the lesson ran over the time limit of 10 s (raise it with --max-seconds)", .korean)
                == "멈췄습니다: 강의가 시간 한도 10초를 넘었습니다(--max-seconds로 한도를 올릴 수 있습니다)")
        #expect(Phrasebook.message("'+' needs numbers, but this is a 2×3 matrix", .korean) == "'+'에는 숫자가 필요한데 이 값은 2×3 행렬입니다")
        #expect(Phrasebook.message("index 5 is out of range: 'v' has 2 entries (valid: 0 to 1, or −2 to −1 from the end)", .korean)
                == "인덱스 5이(가) 범위를 벗어났습니다: 'v'의 항목은 2개입니다(쓸 수 있는 인덱스: 0~1, 끝에서부터 세면 −2~−1)")
        #expect(Phrasebook.message("cannot read this formula: this { is never closed with }; it is shown as TeX", .korean)
                == "이 수식을 읽을 수 없어 원문 그대로 보입니다: 여기서 연 {에 짝이 되는 }이(가) 없습니다")
        #expect(Phrasebook.message("a second answer for exercise 'e1'; only the first counts", .korean)
                == "연습 문제 'e1'에 대한 두 번째 답입니다. 첫 번째 답만 채점합니다")
        #expect(Phrasebook.message("'x' is a model, not a value: give it to a directive with model=x", .korean)
                == "'x'은(는) 값이 아니라 모델입니다: 지시문에 model=x로 넘기세요")
    }

    /// A value's summary becomes Korean only where Korean follows it, so an English message of
    /// another area keeps it for its own patterns; after those, the grade phrases catch it.
    @Test func summariesOnlyBeforeKorean() {
        let summaries = Phrasebook.compile(Phrasebook.valueSummaryPhrases)
        let english = "attend needs a matrix for Q, but Q is a token list of 4"
        #expect(Phrasebook.apply(summaries, to: english) == english)
        #expect(Phrasebook.apply(summaries, to: "Q은(는) a token list of 4입니다") == "Q은(는) 토큰 4개짜리 토큰 목록입니다")
        #expect(Phrasebook.apply(summaries, to: "Q은(는) a 2×3 matrix인데, text이고 a number이며 a vector of 3이므로")
                == "Q은(는) 2×3 행렬인데, 텍스트이고 숫자이며 항목 3개짜리 벡터이므로")
        #expect(Phrasebook.message("a list of numbers cannot hold a table of 3 rows", .korean) == "숫자 목록에는 숫자만 넣을 수 있는데 이 값은 3행짜리 표입니다")
    }

    /// English lessons keep the English, word for word.
    @Test func englishIsUnchanged() {
        for m in Self.directMessages.map(\.0) + [
            "steps=200000 is over the limit of 100000 (raise it with --max-steps)",
            "'+' needs numbers, but this is a 2×3 matrix",
            "cannot read this formula: this { is never closed with }; it is shown as TeX",
        ] {
            #expect(Phrasebook.message(m, .english) == m)
        }
    }

    // MARK: prose, TeX, front matter

    @Test func prose() {
        Self.check("- item\n\n  ```let\n  x = 1\n  ```\n", raises: "is inside a list item or a quote, so it is not run;")
        Self.check("- item\n\n  ```answer e1\n  1\n  ```\n", raises: "cannot be blanked in the assignment")
        Self.check(String(repeating: "a <b>c</b> ", count: 15) + "\n", raises: "more HTML elements that are not allowed follow")
        Self.check("x " + String(repeating: "</sup>", count: 30) + "\n", raises: "more closing tags that close nothing follow")
        Self.check("x " + String(repeating: "<sup>", count: 30) + "\n", raises: "10 more elements are not closed")
        Self.check("a <sup class=\"x\">1</sup>\n", raises: "of <sup> is dropped")
        Self.check("a <?php x ?> b\n", raises: "HTML processing instructions are not allowed")
        Self.check("a <!DOCTYPE html> b\n", raises: "HTML declarations are not allowed")
        Self.check(String(repeating: ">", count: 40) + " deep\n", raises: "block quotes or list items")
        Self.check(String(repeating: "|", count: 600) + "\n", raises: "'|' (table cells); a table row")
        Self.check(String(repeating: "[a] ", count: 3000) + "\n", raises: "'[' (links and images); a blank line")
        Self.check("a" + String(repeating: "<?", count: 3000) + "\n", raises: "'<?'; a blank line")
        Self.check(String(repeating: "a@b.c ", count: 5001) + "\n", raises: "'@' outside code blocks")
    }

    /// Images are read beside the lesson, when it is read from a file.
    @Test func images() throws {
        let svg = { (inside: String) in "<svg xmlns=\"http://www.w3.org/2000/svg\">\(inside)</svg>" }
        let folder = try temporaryFolder(["a.svg": svg("<script>x</script>"), "b.svg": svg("<rect onload=\"x\"/>"),
                                          "c.svg": svg("<image href=\"http://x/y.png\"/>"), "d.svg": svg("<rect style=\"fill:url(http://x)\"/>"),
                                          "e.svg": svg("<!ENTITY x>"), "text.png": "not a picture", "dir.png/x": "x",
                                          "f.svg": svg("<a><set attributeName=\"href\" to=\"data:text/html,hi\"/></a>"),
                                          "g.svg": svg("<style>@\\69mport \"http://e/x.css\";</style>"),
                                          "h.svg": svg("<rect title=\"&#x6a;avascript:alert(1)\"/>")])
        let cases: [(String, String)] = [
            ("![]()", "this image names no file"),
            ("![x](https://example.com/a.png)", "the remote image"),
            ("![x](mailto:a@b.c)", "is not a file: only local image files"),
            ("![x](nothing-here.png)", "does not exist (paths are relative to the lesson's folder)"),
            ("![x](text.png)", "is not a PNG, JPEG, GIF, WebP or SVG image"),
            ("![x](dir.png)", "the image dir.png is a directory, not a file"),
            ("![x](a.svg)", "it holds a <script>"),
            ("![x](b.svg)", "it holds an event attribute (onload=)"),
            ("![x](c.svg)", "it holds a link to something outside the file (href=)"),
            ("![x](d.svg)", "it holds a url(…) outside the file"),
            ("![x](e.svg)", "it holds an <!ENTITY> declaration"),
            // Found by a red-team pass: an animation that sets a link, a CSS escape, an
            // entity-encoded javascript: address (decoded, it is found first).
            ("![x](f.svg)", "it holds an animation that sets a link (attributeName=href)"),
            ("![x](g.svg)", "it holds a CSS escape (\\…) in a style"),
            ("![x](h.svg)", "it holds a javascript: address"),
        ]
        for (image, english) in cases {
            let path = folder + "/lesson.md"
            let lesson = "---\nlang: ko\n---\n\(image)\n"
            try lesson.write(toFile: path, atomically: true, encoding: .utf8)
            let messages = try LessonParser.read(path: path).diagnostics.map(\.message).filter { $0.contains(english) }
            #expect(!messages.isEmpty, "no message contains \(english)")
            for m in messages {
                let left = Self.englishLeft(m, in: lesson, allowing: ["PNG", "JPEG", "GIF", "WebP", "SVG", "svg", "script", "ENTITY", "onload", "href", "url", "attributeName", "CSS", "javascript"])
                #expect(left.isEmpty, "\(m) → \(Phrasebook.message(m, .korean)): \(left)")
            }
        }
    }

    @Test func tex() {
        let formulas: [(String, String)] = [
            ("a \\", "a lone \\ at the end of the formula"),
            (String(repeating: "{", count: 70) + "a" + String(repeating: "}", count: 70), "groups deep"),
            ("{a", "this { is never closed with }"),
            ("a}", "this } closes no {"),
            ("\\sqrt[3 x", "this [ of \\sqrt is never closed with ]"),
            ("\\left( x", "this \\left is never closed with \\right"),
            ("x \\right)", "\\right without a \\left before it"),
            ("\\begin{matrix} x", "\\begin{matrix} is never closed with \\end{matrix}"),
            ("x \\end{matrix}", "\\end without a \\begin before it"),
            ("x & y", "& separates the cells of a matrix"),
            ("x \\\\ y", "starts a new row of a matrix"),
            ("x^a^b", "a second superscript on one base"),
            ("x_a_b", "a second subscript on one base"),
            ("\\frac{1}", "\\frac is missing its argument"),
            ("x^", "^ is missing its argument"),
            ("\\text x", "needs a {…} argument"),
            ("\\left", "needs a delimiter such as ( or \\{"),
            ("\\begin{foo} x \\end{foo}", "unknown environment {foo}"),
            ("\\href{x}", "unknown command \\href"),
            ("\\begin{matrix} x \\end{pmatrix}", "\\end{pmatrix} does not close \\begin{matrix}"),
        ]
        for (formula, english) in formulas {
            var message = ""
            do { _ = try TeXMath.parse(formula) } catch { message = "cannot read this formula: \(error.message); it is shown as TeX" }
            #expect(message.contains(english), "\(formula): \(message)")
            let left = Self.englishLeft(message, in: formula, allowing: Set(TeXMath.environments.keys))
            #expect(left.isEmpty, "\(message) → \(Phrasebook.message(message, .korean)): \(left)")
        }
        // In a lesson, the error is at the formula.
        Self.check("A formula: $\\frac{1}$ here.\n", raises: "cannot read this formula: \\frac is missing its argument")
    }

    @Test func frontMatter() {
        func check(_ yaml: String, raises english: String, sourceLocation: SourceLocation = #_sourceLocation) {
            let lesson = "---\n\(yaml)\n---\n# T\n"
            let parsed = LessonParser.parse(lesson, path: "lesson.md")
            let found = (parsed.diagnostics + parsed.warnings).map(\.message).filter { $0.contains(english) }
            #expect(!found.isEmpty, "no message contains \(english)", sourceLocation: sourceLocation)
            for m in found {
                let left = Self.englishLeft(m, in: lesson)
                #expect(left.isEmpty, "\(m) → \(Phrasebook.message(m, .korean)): \(left)", sourceLocation: sourceLocation)
            }
        }
        check("lang: ko\ntitle: [a, b]", raises: "title: expects text, not a list or mapping")
        check("lang: ko\nvariant: -1", raises: "variant: expects a whole number from 0 to 999999")
        check("lang: ko\nvariant: +3", raises: "variant: write it as stepmark assign does")
        check("lang: ko\ntitle: \"a\nvariant: 5\"", raises: "YAML reads this line as part of another value, but the grader reads it as the variant: line")
        check("lang: ko\nexercise-defaults:\n  points: -1", raises: "exercise-defaults: points expects a number ≥ 0")
        check("lang: ko\nexercise-defaults:\n  tol: x", raises: "exercise-defaults: tol expects a number ≥ 0")
        check("lang: ko\nexercise-defaults:\n  partial: 3", raises: "exercise-defaults: partial expects true or false")
        check("lang: ko\nexercise-defaults: 3", raises: "exercise-defaults: expects `points:`")
        check("lang: ko\nexercise-defaults:\n  point: 3", raises: "exercise-defaults: 'point' is not one of points, tol and partial, so it is ignored; did you mean 'points'?")
        check("lang: ko\ntitel: x", raises: "'titel' is not a front matter key stepmark reads, so it is ignored; did you mean 'title'?")
        check("lang: kr", raises: "lang: 'kr' is neither en nor ko")
        check("- a\n- b", raises: "the front matter must be `key: value` lines")
        check("lang: ko\ntitle: a\ntitle: b", raises: "the front matter is not valid YAML: a key is given twice")
        check("lang: ko\ntitle: a: b", raises: "the front matter is not valid YAML")
        check("lang: ko\ntitle: \"a", raises: "the front matter is not valid YAML")
        check("lang: ko\ntitle: *nowhere", raises: "not valid YAML: found undefined alias")
        check("lang: ko\n? [a, b]\n: c", raises: "not valid YAML: a key must be a single value")
        check("lang: ko\ntitle: " + String(repeating: "[", count: 70) + String(repeating: "]", count: 70), raises: "are nested more than 64 deep")
        let laughs = "lang: ko\na: &a [x, x, x, x, x, x, x, x, x, x]\n" + (1...5).map { "l\($0): &l\($0) [" + Array(repeating: $0 == 1 ? "*a" : "*l\($0 - 1)", count: 10).joined(separator: ", ") + "]" }.joined(separator: "\n")
        check(laughs, raises: "not valid YAML: the aliases (*) repeat more than")
        let unclosed = LessonParser.parse("---\nlang: ko\n# T\n", path: "lesson.md").diagnostics.map(\.message)
        #expect(unclosed.contains { $0.contains("is never closed with a --- line") && Self.englishLeft($0, in: "lang ko").isEmpty })
    }

    @Test func courseFile() {
        let lessons: Set<String> = ["01.md", "02.md"]
        let cases: [(String, String)] = [
            ("title: [a]", "title: expects text"),
            ("- a", "course.yml must be `key: value` lines"),
            ("title: a\nfoo: b", "course.yml: unknown key 'foo'"),
            ("lessons: 3", "lessons: expects a list of lesson file names"),
            ("lessons:\n  - [a]", "lessons: expects a list of lesson file names"),
            ("lessons:\n  - 03.md", "lessons: '03.md' is not a lesson in this folder (it has 01.md, 02.md)"),
            ("lessons:\n  - 01.md\n  - 01.md", "lessons: '01.md' is listed twice"),
            ("lang: fr", "lang: expects ko or en, got 'fr'"),
            ("title: \"a", "course.yml is not valid YAML"),
        ]
        for (yaml, english) in cases {
            let found = CourseFile.parse(yaml, available: lessons).1.map(\.message).filter { $0.contains(english) }
            #expect(!found.isEmpty, "no message contains \(english)")
            for m in found {
                let left = Self.englishLeft(m, in: yaml, allowing: ["course", "yml", "title", "description", "lang", "lessons", "md"])
                #expect(left.isEmpty, "\(m) → \(Phrasebook.message(m, .korean)): \(left)")
            }
        }
        let none = CourseFile.parse("lessons:\n  - 03.md", available: []).1.map(\.message)
        #expect(none.contains { $0.hasSuffix("(it has none)") && Self.englishLeft($0, in: "lessons md", allowing: ["yml"]).isEmpty })
    }

    // MARK: exercises and grading

    @Test func exercises() {
        Self.check(block("let exercise=e1", "x = 1") + "\n" + block("let exercise=e1", "y = 2") + "\n```answer e1\n1\n```\n",
                   raises: "exercise id 'e1' is used twice")
        Self.check(block("let exercise=e1 points=1e6", "x = 1") + "\n" + block("let exercise=e2 points=1", "y = 2")
                   + "\n```answer e1\n1\n```\n\n```answer e2\n2\n```\n", raises: "brings the lesson's total to more than")
        Self.check("```answer e9\n1\n```\n", raises: "answer for unknown exercise 'e9'; this lesson has no exercises")
        Self.check(block("let exercise=e1", "x = 1") + "\n```answer e9\n1\n```\n\n```answer e1\n1\n```\n", raises: "exercises here: e1")
        Self.check(block("let exercise=e1", "x = 1") + "\n```answer e1\n1\n```\n\n```answer e1\n1\n```\n", raises: "a second answer for exercise 'e1'")
        Self.check(block("let exercise=e1", "x = 1") + "\n```answer e1\n2\n```\n", raises: "the key's own answer to 'e1' does not pass")
        Self.check(block("let exercise=e1", "x = 1") + "\n```answer e1\n1\n\n다음 단계\n\n```let\ny = 2\n```\n", raises: "is not closed before line")
        for (answer, english) in [("[“개”]", "is in curly quotes"), ("['개']", "is in single quotes"), ("'1'", "is in quotes")] {
            Self.check(block("let exercise=e1", "x = [\"개\"]") + "\n```answer e1\n\(answer)\n```\n", raises: english)
        }
        #expect(Phrasebook.message("the key's own answer to 'e1' does not pass: 1개의 항목 중 0개가 맞습니다. (the answer block at line 7)", .korean)
                == "정답 파일에 있는 'e1'의 답이 통과하지 못합니다: 1개의 항목 중 0개가 맞습니다. (답 블록: 7번째 줄)")
    }

    /// Messages that need a file, a model or a grader to arise, as the code writes them.
    static let directMessages: [(String, Set<String>)] = [
        ("this ```answer block is inside an HTML block, so it is not read, by stepmark check or by the grader; leave a blank line after the HTML tag above it", ["answer", "HTML", "stepmark", "check"]),
        ("the answer for 't' is not checked: its exercise's step is inside the answer block at line 8, which is not closed; close that block first", ["t"]),
        ("this lesson reads variant and its front matter has no variant: line, so its answers are checked against variant 0's numbers, the teacher's key's; a student's copy needs the variant: line it was handed out with", ["variant"]),
        ("12 more unknown arguments for attend, from 'k9' on", ["attend", "k9"]),
        ("4 more unexpected words for softmax, from 'w10' on", ["w10"]),
        ("1 more unexpected word for softmax, from 'w10' on", ["w10"]),
        ("3 more unknown arguments or unexpected words for softmax, from 'j' on", ["softmax", "j"]),
        ("the list [0.25, 0.75] is in quotes ('); write it without quotes: [0.25, 0.75]", []),
        ("this ~~~answer block is not closed before line 12, so it takes in the text after the answer; put a line of ~~~ right after the answer", ["answer"]),
        ("the answer has more than 5 entries, more than any answer here needs", []),
        ("this ```answer block is inside a list item or a quote, so it is not read, by stepmark check or by the grader; write it at the top level, not after > or a list marker", ["answer", "stepmark", "check"]),
        ("this ```answer block is inside a list item: stepmark check and the grader read it, but a page of this file shows only its messages while it is there; write it at the top level, not indented", ["answer", "stepmark", "check"]),
        ("this ```answer block is part of the block above it for Markdown: stepmark check and the grader read it, but a page of this file shows only its messages while it is there; close that block, or leave a blank line before this one", ["answer", "stepmark", "check", "Markdown"]),
        ("this ```answer block is inside a list item: a page of this file shows only its messages while it is there; write it at the top level, not indented", ["answer"]),
        ("this ```answer block is inside an HTML block: a page of this file shows only its messages while it is there; leave a blank line after the HTML tag above it", ["answer", "HTML"]),
        ("this ```answer block is part of the block above it for Markdown: a page of this file shows only its messages while it is there; close that block, or leave a blank line before this one", ["answer", "Markdown"]),
        ("this ```answer block is inside a list item or a quote, so it is not read, by stepmark check or by the grader; write it at the top level, not indented", ["answer", "stepmark", "check"]),
        ("this ```answer block is indented four spaces or more, so Markdown does not read it as a block and it is not read, by stepmark check or by the grader; write it at the top level, not indented", ["answer", "Markdown", "stepmark", "check"]),
        ("this ```answer block is indented four spaces or more, so Markdown does not read it as a block: it is no answer, and students see it as it is written; write it at the top level if it is one", ["answer", "Markdown"]),
        ("this ```answer block is indented four spaces or more, so Markdown does not read it as a block: it cannot be blanked, and students would read its values as written; write it at the top level, not indented", ["answer", "Markdown"]),
        ("a second answer for exercise 'a'; the one at line 15 counts, not this one", ["a"]),
        ("answer takes one exercise id; the words after 'e1' are ignored", ["answer", "e1"]),
        ("answer takes only the exercise id; 'points=' is ignored: an exercise's arguments go on its step (```let exercise=ID points=2 tol=0.01```)", ["answer", "points", "let", "exercise", "ID", "tol"]),
        ("answer for unknown exercise 'zz'; exercises here: a, b, … (40 in all)", ["zz", "a", "b"]),
        ("this ```answer block is inside an HTML block: stepmark check and the grader read it, but a page of this file shows only its messages while it is there; leave a blank line after the HTML tag above it", ["answer", "HTML", "stepmark", "check"]),
        ("notes.md has no exercises and no answer blocks, so nothing was checked; is it the right file?", ["notes", "md"]),
        ("'x' is a model, not a value: give it to a directive with model=x", ["x"]),
        ("x would have 20 entries, over the limit of 3 (raise it with --max-entries)", ["x"]),
        ("x would bring the lesson's recorded values to more than 9223372036854775807 entries in all, over the lesson's limit of 48 (16 × the value limit; raise it with --max-entries)", ["x"]),
        ("x would be the lesson's value number 10001, over the lesson's limit of 10000 recorded values (10000, or a hundredth of the value limit; raise it with --max-entries)", ["x"]),
        ("zeros(100000, 100000) would have too many entries, over the limit of 3 (raise it with --max-entries)", ["zeros"]),
        ("a value of more than 9223372036854775807 entries is over the limit of 3 (raise it with --max-entries)", []),
        ("not run: the lesson stopped at the time limit", []),
        ("the lesson ran over the time limit of 10 s; steps after this one were not run (raise it with --max-seconds)", []),
        ("'w.npy' holds NaN (not a number) in row 2, column 1; a lesson needs numbers there", ["w", "npy", "NaN"]),
        ("'w.npy' holds NaN (not a number) in entry 3; a lesson needs numbers there", ["w", "npy", "NaN"]),
        ("internal error: the function foo() is listed but not implemented", ["foo"]),
        ("'w.csv' is not UTF-8 text", ["w", "csv", "UTF"]),
        ("'w.csv' is a directory, not a file", ["w", "csv"]),
        ("'w.csv' is a FIFO (named pipe), not a regular file; only regular files are read", ["w", "csv", "FIFO"]),
        ("'w.csv' is a socket, not a regular file; only regular files are read", ["w", "csv"]),
        ("the image /sys/x.png is a file of the kernel's /sys (it may hold this process's secrets), not a regular file; only regular files are read", ["sys", "x", "png"]),
        ("'w.csv' is larger than the limit of 10 bytes (raise it with --max-file-bytes)", ["w", "csv"]),
        ("'w.csv' cannot be read: Permission denied", ["w", "csv", "Permission", "denied"]),
        ("the image a.png is a directory, not a file", ["a", "png"]),
        ("the image a.png is larger than 8 MB, the limit for an image embedded in the page", ["a", "png"]),
        ("the images of this lesson would put more than 20 MB into its page (each use of an image counts), so a.png is shown as its alt text; use fewer or smaller images", ["a", "png"]),
        ("from this image on, 25 more would put the page over its 20 MB of images too; each is shown as its alt text", []),
        ("the file a.png is not a PNG, JPEG, GIF, WebP or SVG image (its first bytes say so, whatever its name)", ["a", "png", "PNG", "JPEG", "GIF", "WebP", "SVG"]),
        ("the SVG image a.svg is not embedded: it holds a <script>, which a lesson's picture must not", ["a", "svg", "SVG", "script"]),
        ("the SVG image a.svg is not embedded: it holds an event attribute (onload=), which a lesson's picture must not", ["a", "svg", "SVG", "onload"]),
        ("the SVG image a.svg is not embedded: it holds a link to something outside the file (href=), which a lesson's picture must not", ["a", "svg", "SVG", "href"]),
        ("the SVG image a.svg is not embedded: it holds a url(…) outside the file, which a lesson's picture must not", ["a", "svg", "SVG", "url"]),
        ("the SVG image a.svg is not embedded: it holds an <!ENTITY> declaration, which a lesson's picture must not", ["a", "svg", "SVG", "ENTITY"]),
        ("this ```answer block is inside an HTML block, so it is not read and cannot be blanked in the assignment; leave a blank line after the HTML tag above it", ["answer", "HTML"]),
        ("this ```answer block is inside a quote or a list item, so it is not read; write it at the top level, not after > or a list marker", ["answer"]),
        ("this ```answer block is inside an HTML block, so it is not read; leave a blank line after the HTML tag above it", ["answer", "HTML"]),
        ("the answer for 'e4' is not checked: its exercise's ```softmax step at line 3 failed; fix that step's error first", ["e4", "softmax"]),
        ("this line is inside the ```softmax block opened at line 8, so it starts no ```let step (a fence line with a word after it closes nothing); is the closing ``` of the block above missing?", ["softmax", "let"]),
        ("<details> is not closed before a step, a solution marker or the end of the lesson, so the page closes it there; a step cannot go inside <details>", ["details"]),
        ("</details> closes nothing opened in this stretch of prose (a step or a solution marker comes between it and its <details>), so it is left out", ["details"]),
        ("a solution marker inside a ```corpus block: the handout does not read it as one but the assignment would; write it otherwise (for example with a space inside <! --)", ["corpus"]),
        ("a solution marker inside code still opens a teacher-only region, which hides the rest of the code and what follows; write it otherwise (for example with a space inside <! --)", []),
        ("'<!-- solution: worked -->' is not a solution marker, so the text after it is shown to students; write <!-- solution --> and <!-- end solution --> exactly", ["solution", "worked", "end"]),
        ("<!-- solution --> inside a solution region: regions do not nest, so the first <!-- end solution --> ends the region and the text after it is shown to students; remove the inner markers", ["solution", "end"]),
        ("<!-- end solution --> with no <!-- solution --> before it, so the text above it is shown to students; put <!-- solution --> where the teacher-only text starts", ["solution", "end"]),
        ("expected NAME = EXPRESSION", []),
        ("the lesson has more than 5000 '|' (table cells) outside code blocks; split it into several lessons", []),
        ("the lesson has more than 300000 of < & ! ] \\ * _ ` $ ~ outside code blocks; split it into several lessons", []),
        ("the lesson has more than 100000 lines outside code blocks; split it into several lessons", []),
        ("this word has more than 5000 ')'; a word in a lesson may have at most 5000", []),
        ("the lesson's code blocks are too large for the Markdown reader (their '|', '[', < & ! ] \\ * _ ` $ ~ and lines count a quarter each against the lesson's caps); split it into several lessons", []),
        ("the lesson's link definitions (100000 bytes) times its 700 '[' pass 67108864; shorten the addresses or link to them less often", []),
        ("this word has too many ')' for its length (4000 in 10000 bytes; ')' × bytes may be at most 20000000)", []),
        ("the lesson has more than 20000 '[' (links and images) outside code blocks; split it into several lessons", []),
        ("unknown escape '\\q' in a string; the escapes are \\\" \\\\ \\n and \\t", ["q", "n", "t"]),
        // Grading: a submission's problems.
        ("this file was made for variant 3, but this student's assignment is variant 5: submit your own assignment file", []),
        ("this file has no variant: line, but this student's assignment is variant 5: put back the line variant: 5 in its front matter, or submit the assignment file as it was handed out", ["variant"]),
        ("every answer is still ?, as in an assignment, but the front matter has no variant: line, so this file is checked as a teacher's key (with the key's own numbers); if it is your assignment, put back the variant: line of the file you were given", ["variant"]),
        ("the answers to a, b are still ?, as in an assignment, but the front matter has no variant: line, so this file is checked as a teacher's key (with the key's own numbers); if it is your assignment, put back the variant: line of the file you were given", ["variant"]),
        ("this file has no variant: line in its front matter, but this assignment gives every student their own numbers: submit the assignment file as it was handed out", ["variant"]),
        ("the front matter says variant: 'abc', which is not a variant (a whole number from 0 to 999999, as stepmark assign wrote it): submit the assignment file as it was handed out", ["abc", "variant"]),
        ("reading the answers took 12.5 s, over the limit of 10 s (raise it with --max-seconds)", []),
        ("the file is a directory, expected a Markdown file", []),
        ("the file is larger than the limit of 100 bytes (raise it with --max-file-bytes)", []),
        ("the file is a character device, not a regular file; only regular files are read", []),
        ("the file is a file of the kernel's /proc (it may hold this process's secrets), not a regular file; only regular files are read", ["proc"]),
        ("the file cannot be read: Permission denied", ["Permission", "denied"]),
        ("the file is a symbolic link, not a regular file; a submission is read only as a regular file (a link could point at the key or at another student's file)", []),
        ("the file is a Jupyter notebook; only the ```answer blocks of the assignment's Markdown file are graded: copy your answers into them and hand in the .md file", ["Jupyter", "Markdown", "answer", "md"]),
        ("no such file", []),
        ("line 2, column 4: invalid UTF-8 at byte 17; lessons must be UTF-8 text", ["UTF"]),
        ("an answer for 'e9', which is not an exercise of this assignment", ["e9"]),
        ("this answer block names no exercise: write ```answer ID", ["answer"]),
        ("answer takes one exercise id, found a second word 'e2'; it is ignored", ["answer", "e2"]),
        ("answer takes only the exercise id; 'tol=' is ignored: points and tolerances come from the key", ["answer", "tol"]),
        ("this file is already an assignment (its front matter has variant:); make assignments from the teacher's key", ["variant"]),
        ("the front matter cannot take the assignment's variant: line; write it as key: value lines, one key a line (not {…} on one line)", ["variant", "key", "value"]),
        ("exercise 'e1' has no ```answer e1``` block: a key holds the right answer to every exercise, so that it checks itself and `assign` can blank it", ["e1", "answer"]),
        ("line 3: a <!-- solution --> region is never closed with <!-- end solution -->; everything after it is left out of the assignment", ["solution", "end"]),
    ]

    @Test func messagesThatNeedAFileOrAGrader() {
        for (m, allowed) in Self.directMessages {
            let left = Self.englishLeft(m, in: "", allowing: allowed)
            #expect(left.isEmpty, "\(m)\n→ \(Phrasebook.message(m, .korean))\nEnglish left: \(left)")
            #expect(Phrasebook.message(m, .korean) != m, "not translated: \(m)")
        }
    }

    /// A submission's answer blocks, through the grader.
    @Test func submissionProblems() throws {
        let key = "---\nlang: ko\n---\n" + block("let exercise=e1", "x = 1") + "\n```answer e1\n1\n```\n"
        let folder = try temporaryFolder(["key.md": key,
                                          "sub.md": "```answer\n1\n```\n\n```answer e1 e2\n1\n```\n\n```answer e7\n1\n```\n\n```answer e1\n2\n```\n"])
        let grader = try Grader(keyPath: folder + "/key.md")
        let outcome = grader.grade(submissionPath: folder + "/sub.md")
        let messages = outcome.lessonErrors.map(\.message)
        #expect(messages.count >= 4, "\(messages)")
        for m in messages {
            let left = Self.englishLeft(m, in: "answer e1 e2 e7")
            #expect(left.isEmpty, "\(m) → \(Phrasebook.message(m, .korean)): \(left)")
        }
        let missing = grader.grade(submissionPath: folder + "/none.md")
        let problem = try #require(missing.problem)
        #expect(Self.englishLeft(problem, in: "").isEmpty, "\(problem) → \(Phrasebook.message(problem, .korean))")
    }
}
