import Foundation
import Testing
import StepmarkCore
@testable import StepmarkLesson
@testable import StepmarkRender
import StepmarkGrade

@Suite struct RenderTests {
    /// Long rows are cut in the terminal and Markdown as the HTML cuts them (the first 20
    /// columns, "…", the last 6), vectors and matrices alike; JSON keeps every entry. A vector of
    /// 300,000 entries was one Markdown line of 12 MB.
    @Test func longRowsAreCutLikeTheHTMLCutsThem() throws {
        let report = runLesson("# V\n\n```let\nv = random(300000, seed=1)\nm = label(random(2, 40, seed=2), rows=[\"a\", \"b\"])\n```\n")
        let md = MarkdownRenderer().render(report)
        #expect(md.utf8.count < 5_000, "\(md.utf8.count) bytes")
        let terminal = TerminalRenderer().render(report)
        #expect(terminal.utf8.count < 5_000)
        let v = try #require(report.step(1)?.values.first?.value.tensor)
        func cell(_ x: Double) -> String { Format.number(x, precision: 4) }
        // Entry 19, then the gap, then entry 299,994 (the first of the last six).
        #expect(md.contains("| \(cell(v.data[19])) | … | \(cell(v.data[299_994])) |"), "\(md)")
        #expect(terminal.contains(cell(v.data[19])) && terminal.contains("…") && terminal.contains(cell(v.data[299_999])))
        let m = try #require(report.step(1)?.values.last?.value.tensor)
        #expect(md.contains("| **a** | \(cell(m.data[0]))") && md.contains("| \(cell(m.data[19])) | … | \(cell(m.data[34])) |"), "\(md)")
        let json = JSONRenderer.render(report)
        #expect(json.utf8.count > 1_000_000, "JSON keeps every entry")
    }

    static let lesson = """
        # 은행

        Prose stays.

        ```let
        tokens = ["강가", "의", "은행"]
        Q = [[1, 0], [0, 1], [1, 1]]
        ```

        ```attend labels=tokens mask=causal
        K = Q
        V = Q
        ```
        """

    @Test func jsonHasTheShapeOfSpecSection6() throws {
        let report = runLesson(Self.lesson, path: "lessons/en/01-attention.md")
        let text = JSONRenderer.render(report)
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
        #expect(object["format"] as? Int == 1)
        #expect(object["lesson"] as? String == "lessons/en/01-attention.md")
        #expect(object["title"] as? String == "은행")
        #expect(object["ok"] as? Bool == true)
        let steps = object["steps"] as! [[String: Any]]
        #expect(steps.count == 2)
        let attend = steps[1]
        #expect(attend["index"] as? Int == 2)
        #expect(attend["directive"] as? String == "attend")
        #expect(attend["line"] as? Int == 10)
        #expect((attend["args"] as? [String: Any])?["mask"] as? String == "causal")
        #expect(attend["error"] is NSNull)
        let values = attend["values"] as! [[String: Any]]
        #expect(values.map { $0["name"] as! String } == ["scores", "scaled", "masked", "weights", "output"])
        let scores = values[0]
        #expect(scores["kind"] as? String == "number")
        #expect(scores["shape"] as? [Int] == [3, 3])
        #expect(scores["data"] as? [[Double]] == [[1, 0, 1], [0, 1, 1], [1, 1, 2]])
        #expect(scores["rows"] as? [String] == ["강가", "의", "은행"])
        #expect(scores["cols"] as? [String] == ["강가", "의", "은행"])
        let masked = values[2]["data"] as! [[Any]]
        #expect(masked[0][1] as? String == "-inf")
        let tokens = (steps[0]["values"] as! [[String: Any]])[0]
        #expect(tokens["kind"] as? String == "tokens")
        #expect(tokens["tokens"] as? [String] == ["강가", "의", "은행"])
        #expect(object["exercises"] as? [Any] != nil)
    }

    @Test func jsonErrorsCarryPositions() throws {
        let report = runLesson("```let\nx = y\n```\n")
        let object = try JSONSerialization.jsonObject(with: Data(JSONRenderer.render(report).utf8)) as! [String: Any]
        #expect(object["ok"] as? Bool == false)
        let error = (object["steps"] as! [[String: Any]])[0]["error"] as! [String: Any]
        #expect(error["line"] as? Int == 2)
        #expect(error["column"] as? Int == 5)
        #expect((error["message"] as? String)?.hasPrefix("undefined name 'y'") == true)
    }

    @Test func jsonEscapesAndNonFiniteNumbers() {
        #expect(JSON.string("a\"b\\c\n<\u{1}").serialized() == #""a\"b\\c\n\u003c\u0001""#)
        #expect(JSON.array([.finite(.infinity), .finite(-.infinity), .finite(.nan), .number(0.1), .int(3)]).serialized()
                == #"["inf","-inf","nan",0.1,3]"#)
    }

    /// `run --format json` writes the report a piece at a time (15 million recorded entries took
    /// 1 GB as one string of JSON values): the pieces make the same text.
    @Test func jsonInPiecesIsTheSameText() {
        let big = JSON.object([("data", .array((0..<300).map { r in .numbers((0..<1000).map { Double(r * 1000 + $0) / 7 }) })),
                               ("odd", .numbers([.nan, .infinity, -.infinity, -0.0, 1e300])), ("s", .string("<a>"))])
        var pieces: [String] = []
        big.serialize { pieces.append($0) }
        #expect(pieces.count > 3, "cut into pieces of about 1 MB")
        #expect(pieces.joined() == big.serialized())
        #expect(JSON.numbers([.nan, .infinity, -0.0, 2]).serialized() == #"["nan","inf",-0.0,2.0]"#)
        #expect(JSON.numbers([1, 2]).serialized(pretty: true) == "[\n  1.0,\n  2.0\n]")
    }

    /// SPEC §6's table example writes a merge's count as `9`; whole arguments are written as the
    /// lesson wrote them. Numbers in a tensor's `data` stay as they were (`1.0`).
    @Test func jsonWritesCountsAndWholeArgumentsAsIntegers() {
        let report = runLesson("```bpe merges=2 name=m\nlow low lower\n```\n\n```softmax temperature=0.5\n[1, 2]\n```\n")
        let text = JSONRenderer.render(report)
        #expect(text.contains(#""args":{"merges":2,"name":"m"}"#))
        #expect(text.contains(#"["l","o",3]"#))
        #expect(text.contains(#""args":{"temperature":0.5}"#))
        #expect(text.contains(#""data":[1.0,2.0]"#))
        // Only a column that counts is written whole: a table's other numbers stay floats (a
        // probability of 1 is 1.0, as a red-team pass expected).
        let probabilities = JSONRenderer.encodeValue(.table(Table(columns: ["token", "probability"], rows: [[.text("b"), .number(1)], [.text("a"), .number(0)]])))
        #expect(JSON.object(probabilities).serialized().contains(#"[["b",1.0],["a",0.0]]"#))
        let answered = JSONRenderer.render(runLesson("```softmax exercise=e1\n[1, 2]\n```\n\n```answer e1\n[0.27, 0.73]\n```\n"))
        #expect(answered.contains(#""directive":"answer","line":5,"column":1,"args":{"id":"e1"}"#), "an answer names its exercise")
        #expect(JSON.array([.counting(9), .counting(-0.5), .counting(1e300), .counting(.nan)]).serialized()
                == #"[9,-0.5,1e+300,"nan"]"#)
    }

    /// Hangul syllables take two terminal cells: every column must line up by display width.
    @Test func terminalAlignsHangulLabels() {
        let report = runLesson(Self.lesson)
        let text = TerminalRenderer(color: false).renderValue(report.step(2)!.value(named: "weights")!)
        let lines = text.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
        // lines[0] is the title; then the header row and three data rows.
        let table = Array(lines.dropFirst())
        #expect(table.count == 4)
        // The right edge of each column (the last cell character) sits at the same display column.
        func rightEdges(_ line: String) -> [Int] {
            var edges: [Int] = []
            var column = 0
            let chars = Array(line)
            for (i, c) in chars.enumerated() {
                column += Format.displayWidth(String(c))
                let next = i + 1 < chars.count ? chars[i + 1] : " "
                if c != " " && next == " " { edges.append(column) }
            }
            return edges
        }
        let header = rightEdges(table[0])
        for row in table.dropFirst() {
            #expect(Array(rightEdges(row).suffix(3)) == header, "\(row)")
        }
        #expect(Format.displayWidth("은행") == 4)
        #expect(Format.displayWidth("a은") == 3)
        #expect(Format.displayWidth("e\u{301}") == 1)
        // Numbers' symbols are counted without grapheme breaking, alike the general path.
        for (text, width) in [("−1.2345", 7), ("⋯", 1), ("⋮", 1), ("⋮\u{301}", 1), ("… · −", 5), ("−\u{301}", 1), ("−은", 3), ("\u{7}−", 1)] {
            #expect(Format.displayWidth(text) == width, "\(text)")
            let general = text.reduce(0) { total, c in
                total + (c.unicodeScalars.contains { $0.value == 0xFE0F } ? 2 : Format.scalarWidth(c.unicodeScalars.first!))
            }
            #expect(general == width, "\(text): the general rule")
        }
    }

    /// A long matrix elides rows: each elision line puts one ⋮ at every column's right edge.
    @Test func terminalElidedRowsLineUpWithTheColumns() throws {
        let report = runLesson("# Long\n\n```let\nQ = random(400, 3, seed=1)\n```\n")
        let text = TerminalRenderer(color: false).renderValue(try #require(report.step(1)?.value(named: "Q")))
        let lines = text.split(separator: "\n").map(String.init)
        let elided = lines.filter { $0.contains("⋮") }
        let data = lines.filter { $0.contains(".") && !$0.contains("⋮") }
        #expect(!elided.isEmpty && data.count > 2)
        func rightEdges(_ line: String) -> [Int] {
            let chars = Array(line)
            return chars.indices.filter { chars[$0] != " " && ($0 + 1 == chars.count || chars[$0 + 1] == " ") }
        }
        for line in elided {
            #expect(line.filter { $0 == "⋮" }.count == 3, "\(line)")
            #expect(rightEdges(line) == rightEdges(data[0]), "\(line)")
        }
    }

    @Test func terminalHasNoColourUnlessAsked() {
        let text = TerminalRenderer(color: false).render(runLesson(Self.lesson))
        #expect(!text.contains("\u{1B}["))
        #expect(TerminalRenderer(color: true).render(runLesson(Self.lesson)).contains("\u{1B}["))
    }

    @Test func markdownKeepsProseAndAddsTitledTablesWithFormulas() {
        let md = MarkdownRenderer().render(runLesson(Self.lesson))
        #expect(md.hasPrefix("# 은행\n\nProse stays.\n\n```let\n"))
        #expect(md.contains("**weights** — `weights = softmax(masked) (each row sums to 1)`"))
        #expect(md.contains("|   | 강가 | 의 | 은행 |\n| --- | ---: | ---: | ---: |\n| **강가** | 1.0000 | 0.0000 | 0.0000 |"))
        #expect(md.contains("| −∞ |"))
    }

    @Test func numbersFormat() {
        #expect(Format.number(0.70710678, precision: 4) == "0.7071")
        #expect(Format.number(-0.00001, precision: 4) == "0.0000")
        #expect(Format.number(-.infinity, precision: 2) == "−∞")
        #expect(Format.number(2, precision: 0) == "2")
        #expect(Format.number(1.5e12, precision: 2) == "1.50e+12")
    }

    @Test func longTablesKeepFirstAndLastRows() {
        let rows = Format.rowsToShow(101)
        #expect(Array(rows.prefix(5)) == [0, 1, 2, 3, 4])
        #expect(Array(rows.suffix(5)) == [96, 97, 98, 99, 100])
        #expect(rows.contains(nil))
        #expect(rows.compactMap { $0 }.count <= 24)
        #expect(Format.rowsToShow(10) == Array(0..<10))
    }

    /// Every lesson page links back to the course index, relative to its own folder.
    @Test func lessonPagesLinkToTheIndex() throws {
        let folder = try temporaryFolder(["lessons/en/a.md": "# A\n", "lessons/b.md": "# B\n"])
        let plan = try CoursePlan.make(paths: [folder + "/lessons"], out: folder + "/out")
        let files = Course(formats: [.html], student: false, limits: .init()).render(plan).files
        let a = files.first { $0.path.hasSuffix("/en/a.html") }?.content ?? ""
        let b = files.first { $0.path.hasSuffix("/out/b.html") }?.content ?? ""
        #expect(a.contains("<nav class=\"crumbs\"><a href=\"../index.html\">"))
        #expect(b.contains("<nav class=\"crumbs\"><a href=\"index.html\">"))
        #expect(files.contains { $0.path.hasSuffix("/out/index.html") })
    }
}
