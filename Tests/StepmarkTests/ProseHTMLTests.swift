import Foundation
import Testing
import StepmarkCore
@testable import StepmarkLesson
@testable import StepmarkRender

private func page(_ markdown: String, student: Bool = false) -> String {
    HTMLRenderer(student: student).render(runLesson(markdown, path: "lessons/en/t.md"))
}

/// The `<main>` of a page: the prose and steps, without the page's own chrome.
private func main(_ html: String) -> String {
    // The page's <main> (it carries id and tabindex for the skip link).
    guard let open = html.range(of: "<main"), let a = html.range(of: ">", range: open.upperBound..<html.endIndex),
          let b = html.range(of: "</main>") else { Issue.record("no <main> in the page"); return "" }
    return String(html[a.upperBound..<b.lowerBound])
}

private func errors(_ markdown: String) -> [String] {
    LessonParser.parse(markdown, path: "t.md").diagnostics.map(\.description)
}

/// HTML outside the allow-list is escaped and warned about (SPEC §8), so the lesson still runs.
private func warnings(_ markdown: String) -> [String] {
    LessonParser.parse(markdown, path: "t.md").warnings.map(\.description)
}

private let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]

/// Writes `lesson.md` and the given binary files into a fresh folder and reads the lesson.
private func readLesson(_ markdown: String, files: [String: [UInt8]] = [:]) throws -> (Lesson, String) {
    let folder = try temporaryFolder(["lesson.md": markdown])
    for (name, bytes) in files { try Data(bytes).write(to: URL(fileURLWithPath: folder + "/" + name)) }
    return (try LessonParser.read(path: folder + "/lesson.md"), folder)
}

private func html(_ lesson: Lesson) -> String {
    main(HTMLRenderer().render(Runner().run(lesson)))
}

@Suite("Prose: math, images, HTML")
struct ProseHTMLTests {
    /// The Markdown report escapes what the page escapes (a red-team pass: it kept `<img
    /// onerror=…>` and `<script>` raw, under a warning that said "shown as text"), drops the
    /// attributes the page drops, and leaves code, code spans, comments, autolinks, escapes
    /// and allowed elements as written; the handout too. Prose without such HTML is unchanged.
    /// Lessons parsed on several threads at once all get their links and strike-throughs:
    /// cmark-gfm's table of special characters is global, and a parse on another thread took
    /// `w`, `:` and `~` out of it half-way (a prose test failed one run in several).
    @Test func parsingOnEveryCoreKeepsTheExtensions() {
        let text = String(repeating: "A line of *prose* with ~~old~~ and a link to www.example.org here.\n\n", count: 20)
        let failures = ThreadLock()
        nonisolated(unsafe) var missing = 0
        DispatchQueue.concurrentPerform(iterations: 400) { _ in
            let lesson = LessonParser.parse(text, path: "t.md")
            guard case .prose(let p)? = lesson.blocks.first else { return }
            let links = p.html.components(separatedBy: "<a href=\"http://www.example.org\">").count - 1
            let struck = p.html.components(separatedBy: "<del>old</del>").count - 1
            if links != 20 || struck != 20 { failures.withLock { missing += 1 } }
        }
        #expect(missing == 0, "\(missing) of 400 parses lost an extension")
    }

    @Test func theMarkdownReportEscapesWhatThePageEscapes() {
        let lesson = "# T\n\nHello <img src=x onerror=alert(1)> <script>alert(2)</script> and `<b>code</b>` <sup>2</sup> <details onclick=\"x()\">d</details> <!-- note --> <?php x ?>\n\n    <script>indented</script>\n\n```\n<script>fenced</script>\n```\n\nA <https://example.com> link, a\\<b> escape.\n\n```let\nx = 1\n```\n\nAfter <kbd>x</kbd> <span\nclass=y>two lines</span>.\n"
        let report = runLesson(lesson)
        let md = MarkdownRenderer().render(report)
        #expect(md.contains("Hello &lt;img src=x onerror=alert(1)> &lt;script>alert(2)&lt;/script> and `<b>code</b>` <sup>2</sup> <details>d</details> <!-- note --> &lt;?php x ?>\n"), "\(md)")
        #expect(md.contains("    <script>indented</script>\n") && md.contains("```\n<script>fenced</script>\n```"))
        #expect(md.contains("A <https://example.com> link, a\\<b> escape."))
        #expect(md.contains("After <kbd>x</kbd> &lt;span\nclass=y>two lines&lt;/span>."), "\(md)")
        let handout = MarkdownRenderer(student: true).render(report)
        #expect(handout.contains("Hello &lt;img src=x") && !handout.contains("<script>alert"))
        let plain = "# P\n\nText with <sup>2</sup>, `<script>` in code and 3 < 4.\n"
        #expect(MarkdownRenderer().render(runLesson(plain)).hasPrefix(plain.trimmingWhitespace()))
    }

    /// Tag names ignore case, so the place of an upper-case tag is found as it is written: an
    /// unclosed <mark> after a closed <MARK> was reported at a later <mark> (a red-team pass).
    @Test("positions of tags written in upper case")
    func upperCaseTagPositions() {
        let found = warnings("# T\n\nA <MARK>x</MARK> and <mark>never closed\n\nlater <mark>y</mark>\n")
        #expect(found == ["3:22: <mark> is not closed before a step, a solution marker or the end of the lesson, so the page closes it there; a step cannot go inside <mark>"], "\(found)")
        let script = warnings("# T\n\nx <Mark>a</Mark> <SCRIPT>b</SCRIPT>\n")
        #expect(script.first?.hasPrefix("3:18: the HTML element <script> is not allowed") == true, "\(script)")
    }

    @Test("formulas are found by pandoc's rules, outside code, and survive cmark")
    func findingFormulas() {
        let html = main(page(#"""
        Prices $5 and $6 stay; \$x\$ is escaped; `$a_1$` is code; $a_1 * b_2 * c$ is math.

        ```python
        x = "$a_1$"
        ```

            $indented_code$

        $$\sum_i x_i$$ and $ not math$ and $x $ neither.
        """#))
        #expect(html.contains("Prices $5 and $6 stay; $x$ is escaped; <code>$a_1$</code> is code; <math><semantics>"))
        #expect(html.contains("<msub><mrow><mi>a</mi></mrow><mrow><mn>1</mn></mrow></msub><mo>∗</mo>"), "no <em> from the *s")
        #expect(html.contains("x = &quot;$a_1$&quot;") && html.contains("$indented_code$"))
        #expect(html.contains("<math display=\"block\">"))
        #expect(html.contains("and $ not math$ and $x $ neither."))
        #expect(page("[a $x$ link](https://a.example/$x$?q=$y$)").contains("<a href=\"https://a.example/$x$?q=$y$\">a <math>"))
        // The first `$` after the opening one decides, as pandoc reads it: after a space or
        // before a digit the formula fails (a red-team pass: "5 for $x" was set as math).
        let currency = main(page("I paid $5 for $x$ apples. Var $x$5 and $ x$. Ok $y$."))
        #expect(currency.contains("I paid $5 for <math>"), "\(currency)")
        #expect(currency.contains("apples. Var $x$5 and $ x$. Ok <math>"), "\(currency)")
        #expect(currency.components(separatedBy: "<math>").count == 3, "x and y only")
    }

    /// A `$$` that nothing closes in its paragraph is text, with a warning at it (it showed
    /// its TeX without a word); once a paragraph, and none for `$$…$$` that closes.
    @Test("an unclosed $$ is warned about")
    func unclosedDisplayMath() {
        let found = warnings("# T\n\nA $$\\frac{a}{b}\n\nafter $$ and $$ more, $$ again\n\n$$x$$ ok\n")
        #expect(found == ["3:3: this $$ opens a display formula that no $$ closes in its paragraph (a blank line ends it), so it is shown as text",
                          "5:23: this $$ opens a display formula that no $$ closes in its paragraph (a blank line ends it), so it is shown as text"], "\(found)")
        #expect(Phrasebook.message(String(found[0].dropFirst(5)), .korean) == "이 $$로 시작한 수식을 문단 안에서 닫는 $$가 없어(빈 줄에서 문단이 끝납니다) 글자 그대로 보입니다")
    }

    /// An address is never math: a reference definition's, an autolink's, a bare URL's (a
    /// red-team pass found the formula's placeholder inside the link, percent-encoded).
    @Test("addresses in definitions and autolinks are not formulas")
    func addressesAreNotFormulas() {
        let html = main(page("[c][r] and [d][s]\n\n[r]: $q$\n\n[s]: /u \"t $z$\"\n\nhttps://e.com/$a$ and <https://e.com/$b$> and www.x.org/$c$ but $m$ here\n\n[x]: the answer is $y$\n"))
        #expect(html.contains("<a href=\"$q$\">c</a> and <a href=\"/u\" title=\"t $z$\">d</a>"), "\(html)")
        #expect(html.contains("<a href=\"https://e.com/$a$\">https://e.com/$a$</a> and <a href=\"https://e.com/$b$\">https://e.com/$b$</a> and <a href=\"http://www.x.org/$c$\">www.x.org/$c$</a> but <math>"), "\(html)")
        #expect(html.contains("<p>[x]: the answer is <math>"), "no definition, so a formula")
        // A definition cannot interrupt a paragraph: the line is text, its formula a formula.
        #expect(main(page("Energy:\n[1]: $E=mc^2$ (Einstein)\n")).contains("Energy:\n[1]: <math>"))
        #expect(main(page("[a]: /a\n[b]: $q$\n\n[z][b]\n")).contains("<a href=\"$q$\">z</a>"), "one definition after another")
        #expect(!html.contains("%EE%80") && !html.contains("\u{E000}"))
    }

    @Test("a formula over several lines keeps the lines of everything after it")
    func multiLineDisplay() {
        let markdown = "Text\n$$\na_1 \\\\\n\\foo\n$$\nafter.\n\n> $$\n> \\frac{a}{b}\n> $$\n\n```let\nx = missing\n```\n"
        let report = runLesson(markdown)
        #expect(report.errors.count == 2)
        #expect(report.errors.first?.description == "3:5: cannot read this formula: \\\\ starts a new row of a matrix; it has no meaning outside one; it is shown as TeX")
        #expect(report.errors.last?.position.line == 13, "the let block's own line")
        let html = main(HTMLRenderer().render(report))
        #expect(html.contains("<p>Text\n<code class=\"tex-error\">$$\na_1 \\\\\n\\foo\n$$</code>\nafter.</p>"))
        #expect(html.contains("<blockquote>\n<p><math display=\"block\"><semantics><mrow><mfrac>"), "the quote's > markers are not TeX")
        #expect(!html.contains("\u{E002}") && !html.contains("\u{E000}"))
    }

    @Test("errors in formulas are at their file position, and the source is shown")
    func formulaErrors() {
        #expect(errors("# T\n\nSee $\\frac{a}$ and $x^{$.\n") == [
            "3:6: cannot read this formula: \\frac is missing its argument; it is shown as TeX",
            "3:23: cannot read this formula: this { is never closed with }; it is shown as TeX",
        ])
        let html = page("Bad $\\frac{<b>}$ here")
        #expect(html.contains("<code class=\"tex-error\">$\\frac{&lt;b&gt;}$</code>"))
    }

    @Test("terminal and Markdown keep the TeX source")
    func otherFormats() {
        let report = runLesson("Energy $E = mc^2$ and $$\\frac{a}{b}$$\n")
        #expect(TerminalRenderer(color: false).render(report).contains("$E = mc^2$ and $$\\frac{a}{b}$$"))
        #expect(MarkdownRenderer().render(report).contains("$E = mc^2$ and $$\\frac{a}{b}$$"))
        // `step`'s styled prose leaves formulas alone, and still styles the rest.
        #expect(TerminalRenderer(color: false).prose("*Note* $a_1 * b_2$ and $$\\sum_i w_i$$ _x_") == "Note $a_1 * b_2$ and $$\\sum_i w_i$$ x")
    }

    @Test("a storm of dollars is linear and stays text")
    func dollarStorm() {
        let clock = ContinuousClock()
        for storm in [String(repeating: "$", count: 100_000), String(repeating: "$a ", count: 50_000),
                      String(repeating: "$$ ", count: 40_000), String(repeating: "`$", count: 40_000),
                      "$" + String(repeating: "\\", count: 100_001)] {
            var lesson: Lesson!
            let elapsed = clock.measure { lesson = LessonParser.parse("x " + storm + "\n", path: "t.md") }
            #expect(elapsed < .seconds(10), "\(storm.prefix(6)): \(elapsed)")
            guard case .prose(let p) = lesson.blocks.first else { Issue.record("no prose"); continue }
            #expect(!p.html.contains("<math"))
        }
    }

    @Test("random soups of math, HTML and Markdown stay inert and well nested")
    func soup() {
        let pieces = ["$", "$$", "\\frac{", "{", "}", "_", "^", "*", "<details>", "</details>", "<script>", "<b onclick=x>",
                      "`", "\n", "\n\n", "> ", "![a $x$](x.png)", "\\", "&", "\\left(", "\\right)", "\\begin{bmatrix}",
                      "\\end{bmatrix}", "a", "1", " ", "\\text{<i>}", "](", ")", "\u{E000}", "\u{E001}", "- ", "    ",
                      "<!-- solution -->", "<!-- end solution -->", "|", "\\sqrt[", "]", "&lt;", "x_1"]
        var random = SplitMix64(seed: 17)
        for _ in 0..<400 {
            var text = ""
            for _ in 0..<(Int(random.next() % 40) + 1) { text += pieces[Int(random.next() % UInt64(pieces.count))] }
            for student in [false, true] {
                let html = main(page(text, student: student))
                #expect(!html.contains("<script") && !html.contains("<b ") && !html.contains("<i>") && !html.contains("<img"), "\(text.debugDescription)")
                // No placeholder is left: the private-use characters on the page are the
                // teacher's own (a formula's twice: its MathML and its TeX annotation).
                for v in UInt32(0xE000)...0xE002 where !text.unicodeScalars.contains(where: { $0.value == v }) {
                    #expect(!html.unicodeScalars.contains { $0.value == v }, "\(text.debugDescription)")
                }
                #expect(!html.contains("\u{E000}c"), "\(text.debugDescription)")
                #expect(html.components(separatedBy: "<math").count == html.components(separatedBy: "</math>").count, "\(text.debugDescription)")
            }
        }
    }

    @Test("placeholders cannot be forged, and the teacher's private-use characters reach the page")
    func forgedPlaceholders() {
        let html = page("A \u{E000}m0\u{E001} and \u{E000}i0\u{E001} and $x$.\n")
        #expect(html.contains("A \u{E000}m0\u{E001} and \u{E000}i0\u{E001} and <math>"), "\(html)")
        // An icon font's glyph in text, a code span, a code block, a formula, an alt text (they
        // became U+FFFD).
        let own = page("Icon \u{E001} and `\u{E000}` and $x\u{E002}$ and ![a\u{E002}](x.png)\n\n```python\ns = \"\u{E002}\"\n```\n")
        #expect(own.contains("Icon \u{E001} and <code>\u{E000}</code> and "), "\(own)")
        #expect(own.contains("s = &quot;\u{E002}&quot;"), "\(own)")
        #expect(own.contains("a\u{E002}"), "\(own)")
        #expect(!own.contains("\u{FFFD}") && !own.contains("\u{E000}c"), "\(own)")
    }

    @Test("the teacher's allowed HTML passes, everything else is escaped with a warning")
    func allowList() {
        let markdown = """
        <details onclick="alert(1)">
        <summary>Hint</summary>

        Use <kbd>Ctrl</kbd>, x<sup>2</sup>, H<sub>2</sub>O, <mark>this</mark><br/>and <img src=x onerror=alert(1)>.

        </details>

        <details open>
        <summary>Open</summary>
        </details>

        <script>alert(2)</script>
        <!-- a comment -->
        <div style="x">&amp; &lt;b&gt;</div>
        """
        let html = page(markdown)
        let body = main(html)
        #expect(body.contains("<details>\n<summary>Hint</summary>"))
        #expect(body.contains("Use <kbd>Ctrl</kbd>, x<sup>2</sup>, H<sub>2</sub>O, <mark>this</mark><br>and &lt;img src=x onerror=alert(1)&gt;."))
        #expect(body.contains("<details open>\n<summary>Open</summary>\n</details>"))
        #expect(body.contains("&lt;script&gt;alert(2)&lt;/script&gt;"))
        #expect(body.contains("&lt;div style=&quot;x&quot;&gt;&amp; &lt;b&gt;&lt;/div&gt;"))
        #expect(!body.contains("<img") && !body.contains("onclick=") && !body.contains("a comment"))
        #expect(html.components(separatedBy: "<script").count - 1 == 2, "only the renderer's own scripts")
        #expect(errors(markdown).isEmpty, "a lesson with HTML outside the allow-list still runs")
        #expect(warnings(markdown) == [
            "1:1: the attribute onclick of <details> is dropped: HTML in prose carries no attributes (only open on <details>)",
            "4:79: the HTML element <img> is not allowed in prose, so it is shown as text; allowed: details, summary, sup, sub, kbd, mark, br",
            "12:1: the HTML element <script> is not allowed in prose, so it is shown as text; allowed: details, summary, sup, sub, kbd, mark, br",
            "12:17: the HTML element <script> is not allowed in prose, so it is shown as text; allowed: details, summary, sup, sub, kbd, mark, br",
            "14:1: the HTML element <div> is not allowed in prose, so it is shown as text; allowed: details, summary, sup, sub, kbd, mark, br",
            "14:31: the HTML element <div> is not allowed in prose, so it is shown as text; allowed: details, summary, sup, sub, kbd, mark, br",
        ])
        // In a table cell too (a cell may hold no custom node): HTML, images and math.
        let table = main(page("| a | b |\n|---|---|\n| x<br>y <span>s</span> | $x|y$ ![i](f.png) |\n"))
        #expect(table.contains("<td>x<br>y &lt;span&gt;s&lt;/span&gt;</td>"))
        #expect(table.contains("<td><math><semantics><mrow><mi>x</mi><mo stretchy=\"false\">|</mo><mi>y</mi></mrow>"))
        #expect(table.contains("<span class=\"image-missing\">i</span></td>"))
        // Links keep safe mode's protection.
        #expect(!page("[x](javascript:alert(1))").contains("javascript:"))
    }

    @Test("students' Markdown stays in safe mode")
    func feedbackStaysSafe() {
        let html = renderMarkdownSafely("<details><summary>x</summary></details> $x$ <kbd>k</kbd>")
        #expect(!html.contains("<details>") && !html.contains("<kbd>") && !html.contains("<math"))
    }

    /// CommonMark: a link reference definition anywhere serves the whole document. Written
    /// last (after the last paragraph, or after a step) it was cut from its stretch of prose,
    /// and `[the docs][d]` stayed text in every format (red-team pass).
    @Test("link reference definitions serve every stretch of prose, and stay in the Markdown")
    func referenceDefinitions() {
        let last = "# t\n\nSee [the docs][d].\n\n[d]: https://example.com\n"
        #expect(main(page(last)).contains(#"See <a href="https://example.com">the docs</a>."#))
        #expect(MarkdownRenderer().render(runLesson(last)).contains("[d]: https://example.com"))
        let across = "See [one][a] and [two].\n\n```let\nx = 1\n```\n\nAfter [one][a].\n\n[a]: https://a.org \"A\"\n[two]:\n  https://two.org\n"
        let html = main(page(across))
        #expect(html.contains(#"See <a href="https://a.org" title="A">one</a> and <a href="https://two.org">two</a>."#), "\(html)")
        #expect(html.contains(#"After <a href="https://a.org" title="A">one</a>."#))
        // A definition inside code is code, and an open code fence does not swallow them.
        let code = "See [d].\n\n```python\nx = 1\n\n[d]: https://example.com\n"
        #expect(main(page(code)).contains("<p>See [d].</p>"))
        let openFence = "[d]: https://example.com\n\n```let\nx = 1\n```\n\nSee [d].\n\n```python\nprint(1)\n"
        let fenced = main(page(openFence))
        #expect(fenced.contains("print(1)") && !fenced.contains("[d]: https"), "the definitions are not added into a code block left open: \(fenced)")
        // A definition in a solution region is the teacher's: it does not serve the rest of the
        // lesson, so the answer's link never reaches a handout (red-team pass).
        let region = "Read [the hint][h].\n\n<!-- solution -->\nIt is 42.\n\n[h]: https://example.com/answer-is-42\n<!-- end solution -->\n\n```let\nx = 1\n```\n\nAgain [the hint][h].\n"
        #expect(!page(region, student: true).contains("answer-is-42"))
        #expect(main(page(region)).contains("<p>Read [the hint][h].</p>"))
        // Errors after the definitions keep their lines.
        #expect(errors("Bad $\\foo$ [d].\n\n```let\nx = 1\n```\n\n[d]: https://example.com\n") == ["1:6: cannot read this formula: unknown command \\foo; it is shown as TeX"])
    }

    @Test("solution regions keep their formulas, and handouts leave them out")
    func solutions() {
        let markdown = "Before $a$.\n\n<!-- solution -->\nSecret $\\frac{1}{2}$ here.\n<!-- end solution -->\n\nAfter $b$.\n"
        let teacher = main(page(markdown))
        #expect(teacher.contains("<aside class=\"solution\">") && teacher.contains("<mfrac>"))
        let student = main(page(markdown, student: true))
        #expect(!student.contains("Secret") && !student.contains("<mfrac>"))
        #expect(student.contains("<mi>a</mi>") && student.contains("<mi>b</mi>"))
        #expect(errors("x\n\n<!-- solution -->\nbad $\\foo$\n<!-- end solution -->\n") == [
            "4:6: cannot read this formula: unknown command \\foo; it is shown as TeX",
        ])
    }

    @Test("local images are embedded by their bytes; the rest stays alt text with an error")
    func images() throws {
        let svg = Array(##"<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4" fill="red"/><use href="#a"/></svg>"##.utf8)
        let evil = Array(#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>"#.utf8)
        let linked = Array(#"<svg xmlns="http://www.w3.org/2000/svg"><image href="http://x/y.png"/></svg>"#.utf8)
        let markdown = """
        # Figures

        ![a *plot* of $x^2$](fig.png "Title") ![vector](v.svg)

        ![evil](evil.svg) ![linked](linked.svg) ![text](fake.png) ![gone](missing.png)

        ![remote](https://example.com/a.png) ![js](javascript:alert(1)) ![up](../../../../etc/passwd)
        """
        let (lesson, _) = try readLesson(markdown, files: ["fig.png": png, "v.svg": svg, "evil.svg": evil, "linked.svg": linked,
                                                           "fake.png": Array("not a png".utf8)])
        let page = html(lesson)
        #expect(page.contains("<img src=\"data:image/png;base64,\(Data(png).base64EncodedString())\" alt=\"a plot of $x^2$\" title=\"Title\">"))
        #expect(page.contains("<img src=\"data:image/svg+xml;base64,\(Data(svg).base64EncodedString())\" alt=\"vector\">"))
        #expect(page.contains("<span class=\"image-missing\">evil</span>") && page.contains("<span class=\"image-missing\">gone</span>"))
        #expect(page.contains("<a href=\"https://example.com/a.png\">remote</a>"))
        #expect(!page.contains("href=\"javascript") && !page.contains("src=\"javascript") && !page.contains("base64,\(Data(evil).base64EncodedString())"))
        let messages = lesson.diagnostics.map(\.description)
        #expect(messages.count == 7)
        #expect(messages.contains("5:1: the SVG image evil.svg is not embedded: it holds an event attribute (onload=), which a lesson's picture must not"))
        #expect(messages.contains("5:19: the SVG image linked.svg is not embedded: it holds a link to something outside the file (href=), which a lesson's picture must not"))
        #expect(messages.contains("5:41: the file fake.png is not a PNG, JPEG, GIF, WebP or SVG image (its first bytes say so, whatever its name)"))
        #expect(messages.contains("5:59: the image file missing.png does not exist (paths are relative to the lesson's folder)"))
        #expect(messages.contains { $0.hasPrefix("7:1: the remote image https://example.com/a.png cannot be shown") })
        #expect(messages.contains("7:38: the image javascript:alert(1) is not a file: only local image files, named relative to the lesson, are embedded"))
        #expect(messages.contains { $0.hasPrefix("7:65: the file ../../../../etc/passwd is not a PNG") || $0.hasPrefix("7:65: the image file ../../../../etc/passwd") })
        // Parsing alone reads nothing: the images wait, shown as their alt text.
        let parsed = LessonParser.parse(markdown, path: "nowhere/lesson.md")
        #expect(!html(parsed).contains("<img"))
    }

    @Test("a FIFO and a 6 MB image are refused without reading them")
    func hostileImages() throws {
        let big = [UInt8](png) + [UInt8](repeating: 0, count: 6 * 1024 * 1024)
        let (_, folder) = try readLesson("x", files: ["big.png": big])
        #expect(mkfifo(folder + "/pipe.png", 0o644) == 0)
        try "![pipe](pipe.png) ![big](big.png)\n".write(toFile: folder + "/lesson.md", atomically: true, encoding: .utf8)
        let clock = ContinuousClock()
        var lesson: Lesson!
        let elapsed = try clock.measure { lesson = try LessonParser.read(path: folder + "/lesson.md") }
        #expect(elapsed < .seconds(5))
        #expect(lesson.diagnostics.map(\.description) == [
            "1:1: the image pipe.png is a FIFO (named pipe), not a regular file; only regular files are read",
            "1:19: the image big.png is larger than 5 MB, the limit for an image embedded in the page",
        ])
        #expect(!html(lesson).contains("<img"))
    }

    @Test("an image used many times is read once, and a page embeds at most 20 MB of images")
    func repeatedImagesAreBounded() throws {
        // 4 MB: five uses fit in 20 MB, the sixth does not.
        let big = [UInt8](png) + [UInt8](repeating: 7, count: 4 * 1024 * 1024 - png.count)
        let (_, folder) = try readLesson("x", files: ["big.png": big])
        try (String(repeating: "![b](big.png)\n\n", count: 7)).write(toFile: folder + "/lesson.md", atomically: true, encoding: .utf8)
        let lesson = try LessonParser.read(path: folder + "/lesson.md")
        #expect(lesson.diagnostics.map(\.description) == [11, 13].map {
            "\($0):1: the images of this lesson would put more than 20 MB into its page (each use of an image counts), so big.png is shown as its alt text; use fewer or smaller images"
        })
        let page = html(lesson)
        #expect(page.components(separatedBy: "<img").count - 1 == 5)
        #expect(page.utf8.count < 30 * 1024 * 1024)
        // The same file under other spellings is the same image (each spelling was read
        // again: 600 of them took 3 GB), and counts against the same allowance.
        try ["![b](./big.png)", "![b](.//big.png)", "![b](x/../big.png)", "![b](big.png)", "![b](././big.png)", "![b](big.png)"]
            .joined(separator: "\n\n").write(toFile: folder + "/spelt.md", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: folder + "/x", withIntermediateDirectories: true)
        let spelt = try LessonParser.read(path: folder + "/spelt.md")
        #expect(spelt.diagnostics.map(\.position.line) == [11], "\(spelt.diagnostics)")
        // Past the allowance, ten uses say so each and one line counts the rest (50,000 uses
        // printed 50,000 errors; a red-team pass).
        try (String(repeating: "![b](big.png)\n\n", count: 40)).write(toFile: folder + "/many.md", atomically: true, encoding: .utf8)
        let many = try LessonParser.read(path: folder + "/many.md").diagnostics.map(\.description)
        #expect(many.count == 11, "\(many)")
        #expect(many.last == "31:1: from this image on, 25 more would put the page over its 20 MB of images too; each is shown as its alt text", "\(many.last ?? "")")
    }

    @Test("media types come from the bytes")
    func mediaTypes() {
        #expect(ProseImages.mediaType(png) == "image/png")
        #expect(ProseImages.mediaType([0xFF, 0xD8, 0xFF, 0xE0]) == "image/jpeg")
        #expect(ProseImages.mediaType(Array("GIF89a....".utf8)) == "image/gif")
        #expect(ProseImages.mediaType(Array("RIFF\0\0\0\0WEBPVP8 ".utf8)) == "image/webp")
        #expect(ProseImages.mediaType(Array("<?xml version=\"1.0\"?><svg></svg>".utf8)) == "image/svg+xml")
        #expect(ProseImages.mediaType(Array("root:x:0:0:root:/root:/bin/bash".utf8)) == nil)
        #expect(ProseImages.mediaType([0xC3, 0x28, 0x3C, 0x73, 0x76, 0x67]) == nil)
        for bad in ["<svg><script>x</script></svg>", "<svg><foreignObject></foreignObject></svg>", "<svg ONCLICK = 'x'></svg>",
                    "<svg><a xlink:href='javascript:x'/></svg>", "<svg style=\"fill:url(http://x)\"></svg>", "<svg><style>@import 'x'</style></svg>",
                    // Namespace prefixes (a red-team pass): the element or attribute is the same.
                    "<svg><x:script xmlns:x=\"http://www.w3.org/2000/svg\">x</x:script></svg>", "<svg><s:foreignObject/></svg>",
                    "<svg><use x:href=\"http://x/y.svg#a\" xmlns:x=\"http://www.w3.org/1999/xlink\"/></svg>", "<svg x:onload='y'></svg>"] {
            #expect(SVGCheck.problem(Array(bad.utf8)) != nil, "\(bad)")
        }
        #expect(SVGCheck.problem(Array("<svg><path d='M0 0' fill='url(#g)'/><use xlink:href=\"#p\"/></svg>".utf8)) == nil)
    }

    /// A <details> that spans a step cannot hold it: each stretch of prose is one element on the
    /// page, so what it leaves open is closed at its end and a closing tag with nothing to close
    /// is left out, each with a warning at its place (a red-team pass found unbalanced markup
    /// and no warning).
    @Test func detailsAroundAStepStayBalanced() {
        let lesson = "# D\n\n<details>\n<summary>Hint</summary>\n\n```let\nx = 1\n```\n\n</details>\n\n<details><summary>Open</summary>\n\nText <sup>2</sup>.\n\n<details>\n<summary>In</summary>\n\nIn.\n\n</details>\n"
        let report = runLesson(lesson)
        #expect(report.warnings.map { "\($0.line):\($0.column)" } == ["3:1", "10:1", "12:1"])
        let html = HTMLRenderer().render(report)
        for tag in ["details", "summary", "sup"] {
            #expect(html.components(separatedBy: "<\(tag)").count == html.components(separatedBy: "</\(tag)>").count, "\(tag) balanced")
        }
        #expect(runLesson("<details>\n<summary>S</summary>\n\nBody <kbd>k</kbd><br>\n\n</details>\n").warnings.isEmpty)
    }

    /// The code spans the prose scanners leave alone, found as CommonMark finds one-line spans:
    /// the first later run of the same length closes; an escaped backtick opens nothing; a
    /// backslash inside a span is literal; code blocks' lines and other lines hold none.
    @Test func oneLineCodeSpansAreFoundAsCommonMarkFindsThem() {
        func spans(_ text: String, codeLines: Set<Int> = []) -> [String] {
            let bytes = Array(text.utf8)
            let found = OneLineCodeSpans.find(in: bytes, firstLine: 1, codeLines: codeLines, backtick: UInt8(ascii: "`"),
                                              backslash: UInt8(ascii: "\\")) {
                bytes[$0] == 0x0D ? ($0 + 1 < bytes.count && bytes[$0 + 1] == 0x0A ? 2 : 1) : (bytes[$0] == 0x0A ? 1 : 0)
            }
            return found.sorted { $0.key < $1.key }.map { String(decoding: bytes[$0.key..<$0.value], as: UTF8.self) }
        }
        #expect(spans("a `b` c ``d ` e`` f") == ["`b`", "``d ` e``"])
        #expect(spans("\\`a` `b`") == ["` `"])
        #expect(spans("\\``a`") == ["`a`"])
        #expect(spans("`a\\` b") == ["`a\\`"])
        #expect(spans("`a\nb` `c`\r\n`d`") == ["` `", "`d`"])
        #expect(spans("`x`\n`y`", codeLines: [1]) == ["`y`"])
        #expect(spans("``` a `` b `") == [])
    }
}
