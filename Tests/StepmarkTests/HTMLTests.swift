import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import StepmarkCore
@testable import StepmarkGrade
@testable import StepmarkLesson
@testable import StepmarkRender

/// Text written by a lesson author or a student, in every place it can reach the page.
private let hostileLesson = #"""
# Lesson <script>alert("title")</script>

Prose with <script>alert("prose")</script> and "><img src=x onerror=alert('prose')> inside.

```let
bad = ["<script>alert(1)</script>", "\"><img src=x onerror=alert(2)>"]
note = "<script>alert(3)</script> \"><img src=x onerror=alert(4)>"
m = label([[1, -2], [3, 4]], rows=["<script>r</script>", "\"><img onerror=alert(5)>"], cols=["<b>c</b>", "\"'><svg onload=alert(6)>"])
```

```softmax labels=x as="<script>"
[1, 2]
```

```let
oops = missing_<script>
```
"""#

/// Every `<script` in a page must be one of the renderer's own two.
private func scriptTags(_ html: String) -> Int { html.components(separatedBy: "<script").count - 1 }

private func render(_ markdown: String, path: String = "lessons/en/test.md", student: Bool = false) -> String {
    HTMLRenderer(student: student).render(runLesson(markdown, path: path))
}

/// True when `text` parses as XML (after wrapping it in one root element).
private func isWellFormedXML(_ text: String) -> Bool {
    let parser = XMLParser(data: Data("<root>\(text)</root>".utf8))
    return parser.parse()
}

@Suite("HTML handouts")
struct HTMLTests {
    @Test("text from lessons renders inert: prose, labels, tokens, strings, formulas, sources, errors")
    func hostileTextIsEscaped() {
        let html = render(hostileLesson)
        #expect(scriptTags(html) == 2, "only the renderer's own scripts: \(scriptTags(html))")
        for dangerous in ["<script>alert", "<img", "<svg onload", "<b>c</b>", "\"><img", "'><svg", "<script>r"] {
            #expect(!html.contains(dangerous), "unescaped: \(dangerous)")
        }
        // The text is still there, escaped, where it belongs.
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))          // a token
        #expect(html.contains("&quot;&gt;&lt;img onerror=alert(5)&gt;"))          // a row label
        #expect(html.contains("&lt;script&gt;alert(3)&lt;/script&gt;"))          // a string
        let title = html.components(separatedBy: "<title>")[1].components(separatedBy: "</title>")[0]
        #expect(!title.contains("<"))
        // The block with an error: its message and position are on the page, escaped.
        #expect(html.contains("class=\"error\""))
        #expect(!html.contains("missing_<script>"))
    }

    @Test("student answers and solutions reach the page escaped or not at all")
    func studentAnswerIsInert() {
        let lesson = """
            # Softmax

            ```softmax exercise=e1 points=2 tol=0.001
            [2, 0, 0]
            ```

            <!-- solution -->
            The secret is 0.7870 <script>alert(1)</script>.
            <!-- end solution -->

            ```answer e1
            [0.7870, 0.1065, 0.1065]
            ```
            """
        let teacher = render(lesson)
        let student = render(lesson, student: true)
        #expect(teacher.contains("0.7870"))
        #expect(teacher.contains("The secret is"))
        // The handout hides the exercise's value, the key's answer and the solution.
        #expect(!student.contains("0.7870"))
        #expect(!student.contains("The secret is"))
        #expect(student.contains("```answer e1\n[?, ?, ?]\n```"))
        #expect(scriptTags(student) == 2 && scriptTags(teacher) == 2)
    }

    @Test("rendering is deterministic: the same bytes every time")
    func deterministic() {
        let lesson = """
            # Attention

            ```attend mask=causal
            Q = [[1, 0], [0, 1], [1, 1]]
            K = Q
            V = [[1, 2], [3, 4], [5, 6]]
            ```

            ```train x=[1, 2, 3] y=[2, 4, 6] steps=5
            ```
            """
        let first = render(lesson), second = render(lesson)
        #expect(first == second)
        #expect(!first.isEmpty)
    }

    @Test("pages load nothing from outside: no http(s), no src=, no url(), no @import")
    func selfContained() {
        let lesson = """
            # Everything

            Some prose.

            ```attend
            Q = [[1, 0], [0, 1]]
            K = Q
            V = Q
            ```

            ```image name=cat
            @.@
            .@.
            ```

            ```train x=[1, 2] y=[2, 4] steps=3
            ```
            """
        let pages = [render(lesson), render(lesson, student: true),
                     CourseIndex.html([("en/01-a", "A", true), ("ko/01-a", "가", false)])]
        for page in pages {
            for forbidden in ["http://", "https://", "src=", "url(", "@import", "<iframe", "<object", "<embed"] {
                #expect(!page.contains(forbidden), "found \(forbidden)")
            }
            #expect(page.contains("Content-Security-Policy\" content=\"default-src 'none';"))
            // The only <link> is the empty data: icon (it stops browsers asking for /favicon.ico).
            #expect(page.components(separatedBy: "<link").count - 1 == 1)
            #expect(page.contains("<link rel=\"icon\" href=\"data:,\">"))
        }
    }

    @Test("formulas are MathML: identifiers, operators, superscripts, subscripts, square roots")
    func mathML() {
        let html = render("""
            # A

            ```attend
            Q = [[2, 0], [0, 1]]
            K = Q
            V = Q
            ```
            """)
        #expect(html.contains("<math>"))
        #expect(html.contains("<msup><mi>K</mi><mi mathvariant=\"normal\">T</mi></msup>"))
        #expect(html.contains("<msqrt><mn>2</mn></msqrt>"))

        let loss = MathML.render("loss = mean((ŷ − y)²)")
        #expect(loss.hasPrefix("<math><mrow><mi>loss</mi><mo>=</mo><mi>mean</mi><mo>\u{2061}</mo>"))
        #expect(loss.contains("<msup><mrow><mo>(</mo><mi>ŷ</mi><mo>−</mo><mi>y</mi><mo>)</mo></mrow><mn>2</mn></msup>"))
        #expect(MathML.render("n_k").contains("<msub><mi>n</mi><mi>k</mi></msub>"))
        #expect(MathML.render("sum = Σⱼ exp").contains("<msub><mo largeop=\"true\">Σ</mo><mi>j</mi></msub>"))
        #expect(MathML.render("W1").contains("<msub><mi>W</mi><mn>1</mn></msub>"))
        #expect(MathML.render("e^shifted").contains("<msup><mi>e</mi><mrow><mi>shifted</mi></mrow></msup>"))
        // A number's exponent is the number's (3e2 was drawn 3·e₂, 1e-3 as 1·e − 3).
        #expect(MathML.render("c = 3e2") == "<math><mrow><mi>c</mi><mo>=</mo><mn>3e2</mn></mrow></math>")
        #expect(MathML.render("a = 1e-3 + 2.5E+4").contains("<mn>1e−3</mn><mo>+</mo><mn>2.5E+4</mn>"))
        #expect(MathML.render("e2 = 2e").contains("<msub><mi>e</mi><mn>2</mn></msub><mo>=</mo><mn>2</mn><mi>e</mi>"))
        // A possessive is a word, and the article between two words is English (a teacher saw
        // "token's" drawn as a quote and an italic s, and "for a token" with an italic a);
        // alone between symbols `a` is still a variable.
        let ids = MathML.render("id = the token's position in the vocabulary ([UNK] for a token it lacks)")
            .replacingOccurrences(of: "\u{00A0}", with: " ")
        #expect(ids.contains("<span class=\"ftext\"> the token&#39;s position in the vocabulary </span>"), "\(ids)")
        #expect(ids.contains("<mtext> for a token it lacks</mtext>"), "\(ids)")
        #expect(!ids.contains("<mi>s</mi>") && !ids.contains("<mi>a</mi>"), "\(ids)")
        #expect(MathML.render("y = a + b").contains("<mi>a</mi><mo>+</mo><mi>b</mi>"))
        #expect(MathML.render("x' = 2").contains("<mi>x</mi><mtext>&#39;</mtext><mo>=</mo>"), "a prime stays apart")
        // English between the symbols is plain text, so long formulas wrap.
        let weights = MathML.render("weights = softmax(scaled) (each row sums to 1)")
        #expect(weights.contains("<span class=\"ftext\"> (each row sums to 1)</span>"))
        #expect(weights.contains("<mi>scaled</mi>"))
    }

    @Test("any formula text gives well-formed, escaped MathML")
    func mathMLIsRobust() {
        let nasty = ["<script>alert(1)</script>", "a < b && c > d", "((((x", "x))))", "]]][[[", "√", "√√√", "^", "_", "x^", "Σ",
                     "'unclosed", "\"q\" 'r'", "ᵀ²", "ₕ", "a_", "_b", "🙂 = 1", "한국어 = 값", "", " ", "=", "1.2.3", "x__y",
                     "&amp; &lt;", "\u{0}", "(each (nested (prose)))", "f(x)(y)[z]{w}"]
        var generator = SplitMix64(seed: 7)
        let alphabet = Array("ab1 =+−·×/()[]{}^_√Σᵀ²ⱼₕ'\"<>&.,;:ŷ∞")
        var inputs = nasty
        for _ in 0..<300 {
            let length = Int(generator.next() % 24)
            inputs.append(String((0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }))
        }
        for input in inputs {
            let out = MathML.render(input)
            #expect(isWellFormedXML(out), "not well-formed for \(input.debugDescription): \(out)")
            #expect(!out.contains("<script") && !out.contains("<b>"), "unescaped for \(input.debugDescription)")
            #expect(isWellFormedXML(MathML.element(input)))
        }
    }

    @Test("attention weights: a sequential heat map with each row's maximum marked; −∞ shown as such")
    func heatMaps() {
        let html = render("""
            # A

            ```let
            words = ["cat", "sat"]
            Q = [[2, 0], [0, 1]]
            K = Q
            V = [[1, -1], [-2, 2]]
            ```

            ```attend mask=causal labels=words
            ```
            """)
        // Two queries, no ties: two marked maxima, in the weights table only.
        #expect(html.components(separatedBy: "class=\"s max\"").count - 1 == 2)
        #expect(html.contains("<th scope=\"row\">cat</th>") && html.contains("<th scope=\"col\">sat</th>"))
        #expect(html.contains("<td class=\"ninf\"><span>−∞</span></td>"))
        // V has negative entries: a diverging scale with both signs.
        #expect(html.contains("<td class=\"n\" style=\"--h:1\">-2.0000</td>"))
        #expect(html.contains("<td class=\"p\" style=\"--h:1\">2.0000</td>"))
        // The caption says what the colours mean (hidden to the eye: the legend shows it).
        #expect(html.contains("<caption>weights · 2×2<span class=\"visually-hidden\">. shading 0 – 1, more colour: larger; outlined and bold: largest in its row</span></caption>"))
        #expect(html.contains("<span class=\"hatch\"></span><span>hatched: infinite (masked)</span>"))
        #expect(html.contains("<caption>masked · 2×2<span class=\"visually-hidden\">. shading 0 – 2.8284, more colour: larger; hatched: infinite (masked)</span></caption>"))
        #expect(html.contains("<span class=\"words\">orange: below 0 · blue: above 0 · more colour: farther from 0</span>"))
    }

    @Test("charts: a loss curve for train, a scatter for project, bars for generate, a picture for image")
    func charts() {
        let html = render("""
            # Charts

            ```train x=[1, 2, 3] y=[2, 4, 6] w=0 lr=0.05 steps=20
            ```

            ```embeddings
            cat: [0.9, 0.8, 0.1]
            dog: [0.8, 0.9, 0.2]
            car: [0.1, 0.2, 0.9]
            ```

            ```project
            ```

            ```corpus
            the cat sat
            the dog sat
            ```

            ```generate model=bigram steps=2
            the
            ```

            ```image name=plus
             @ 
            @@@
             @ 
            ```
            """)
        #expect(html.contains("<svg class=\"chart line-chart\""))
        #expect(html.contains("<polyline class=\"series\""))
        #expect(html.contains("<title id=\"s1-1-c-t\">history: loss by step</title>"))
        #expect(html.contains("<svg class=\"chart scatter\""))
        #expect(html.contains(">cat</text>") && html.contains(">car</text>"))
        #expect(html.contains("<svg class=\"chart bars\""))
        #expect(html.contains("<title id=\"s5-1-c-t\">step1: the top"))
        // The chosen token's bar is marked: after "the", "cat" and "dog" tie and the first wins.
        #expect(html.contains("<g class=\"bar chosen\"><title>cat: 0.5000</title>"))
        #expect(html.contains("<svg class=\"chart pixels\""))
        // The plus: dark corners (0 → black), a light centre (1 → white).
        #expect(html.contains("<rect x=\"0\" y=\"0\" width=\"28\" height=\"28\" fill=\"#000000\"/>"))
        #expect(html.contains("fill=\"#ffffff\""))
        // Every chart is labelled for screen readers.
        let svgs = html.components(separatedBy: "<svg class=\"chart").count - 1
        #expect(svgs == 5)
        #expect(html.components(separatedBy: "role=\"img\" aria-labelledby=").count - 1 == svgs)
    }

    @Test("a loss curve also comes from a constructed report (history as a table)")
    func lossCurveFromTable() {
        var report = runLesson("# T\n\n```let\nx = 1\n```\n")
        guard case .step(var step) = report.blocks.last! else { Issue.record("no step"); return }
        step.directive = "backprop"
        step.values = [NamedValue(name: "history", value: .table(Table(columns: ["epoch", "loss"], rows: [
            [.number(0), .number(0.5)], [.number(1), .number(0.25)], [.number(2), .number(0.125)],
        ])), formula: "row e: the loss after e updates", role: .curve(x: "epoch", y: "loss"))]
        report.blocks[report.blocks.count - 1] = .step(step)
        let html = HTMLRenderer().render(report)
        #expect(html.contains("<svg class=\"chart line-chart\""))
        #expect(html.contains("loss from 0.5000 at epoch 0 to 0.1250 at epoch 2; 3 points."))
    }

    @Test("a long list of candidates: the top 20 as bars and the chosen one, the table cut as every long table")
    func longCandidateListsAreCut() {
        var report = runLesson("# T\n\n```let\nx = 1\n```\n")
        guard case .step(var step) = report.blocks.last! else { Issue.record("no step"); return }
        // 1,000 candidates, best first; the sampled token ranks 500th.
        let probabilities = (0..<1000).map { 1.0 / Double($0 + 2) }
        let labels = (0..<1000).map { "w\($0)" }
        step.values = [NamedValue(name: "step1", value: .tensor(Tensor(shape: [1000, 1], data: probabilities, rowLabels: labels)),
                                  formula: "", role: .candidates(chosen: "w499"))]
        report.blocks[report.blocks.count - 1] = .step(step)
        let html = HTMLRenderer().render(report)
        #expect(html.components(separatedBy: "<g class=\"bar").count - 1 == 21)
        #expect(html.contains("<g class=\"bar chosen\"><title>w499: "))
        #expect(html.contains(">w19</text>") && !html.contains(">w20</text>"), "the top 20 have bars")
        let rows = html.components(separatedBy: "<tr><th scope=\"row\" class=\"t\">").count - 1
        #expect(rows <= 26, "\(rows) rows")
        #expect(html.contains("<tr><th scope=\"row\" class=\"t\">w499 <span class=\"chosen\">"))
        #expect(html.contains("<tr><th scope=\"row\" class=\"t\">w0</th>") && html.contains("<tr><th scope=\"row\" class=\"t\">w999</th>"))
        #expect(html.contains("<caption>step1 · 1000</caption>"))
        #expect(html.utf8.count < 60_000)
    }

    @Test("roles, not names, choose the drawing: a let called history gets no chart, any name with a role gets one")
    func rolesChooseTheDrawing() {
        // The names of attend's and train's sub-steps, defined by a let: numbers, no pictures.
        let plain = render("""
            # R

            ```let
            history = label([[0, 1], [1, 0.5]], cols=["step", "loss"])
            weights = [[0.25, 0.75], [0.5, 0.5]]
            points = [[1, 2], [3, 4]]
            ```
            """)
        #expect(!plain.contains("<svg class=\"chart"))
        #expect(!plain.contains("class=\"s max\""))
        #expect(!plain.contains("rows: queries"))

        // The same numbers under made-up names, with roles: a curve, an attention heat map
        // with row maxima marked, a scatter plot.
        var report = runLesson("# R\n\n```let\nx = 1\n```\n")
        guard case .step(var step) = report.blocks.last! else { Issue.record("no step"); return }
        step.values = [
            NamedValue(name: "trace", value: .tensor(Tensor(shape: [2, 2], data: [0, 1, 1, 0.5], colLabels: ["step", "loss"])),
                       role: .curve(x: "step", y: "loss")),
            NamedValue(name: "mix", value: .tensor(.matrix([[0.25, 0.75], [0.5, 0.5]])), role: .attention(weights: true)),
            NamedValue(name: "cloud", value: .tensor(.matrix([[1, 2], [3, 4]])), role: .scatter),
        ]
        report.blocks[report.blocks.count - 1] = .step(step)
        let html = HTMLRenderer().render(report)
        #expect(html.contains("<svg class=\"chart line-chart\""))
        #expect(html.contains("<svg class=\"chart scatter\""))
        // 0.75 is the largest of its row, shaded on [0, 1]; the attention caption names the axes.
        #expect(html.contains("<td class=\"s max\" style=\"--h:0.75\""))
        #expect(html.contains("rows: queries · columns: keys"))
    }

    @Test("long tables follow the one elision rule of every renderer (first and last five, every k-th)")
    func longTablesUseTheSharedElisionRule() {
        let html = render("# T\n\n```train x=[1, 2] y=[2, 4] steps=100\n```\n")
        let shown = Format.rowsToShow(101).compactMap { $0 }
        #expect(html.contains("\(shown.count) rows shown of 101"))
        #expect(html.contains("<tr><td>4</td>") && html.contains("<tr><td>96</td>") && html.contains("<tr><td>100</td>"))
        // Row 6 lies between the picks, so neither its step nor its numbers are written.
        #expect(!shown.contains(6) && !html.contains("<tr><td>6</td>"))
    }

    @Test("step-through markup: controls for directives with several sub-steps; shown without JavaScript")
    func stepThrough() {
        let html = render("""
            # S

            ```softmax
            [1, 2, 3]
            ```

            ```let
            x = 1
            ```
            """)
        #expect(html.contains("<section class=\"step\" id=\"step-1\" data-directive=\"softmax\" data-substeps=\"5\""))
        #expect(html.contains("<section class=\"step\" id=\"step-2\" data-directive=\"let\" aria-labelledby"))
        #expect(html.components(separatedBy: "<div class=\"stepper\"").count - 1 == 1)
        // Hidden only in step-through mode (the `stepping` class that the page's own script
        // sets for `#step` or the toolbar's button), and only on screens: a handout opens expanded.
        #expect(html.contains("@media screen{.js.stepping .substep.pending{display:none}}"))
        #expect(html.contains("mode(location.hash==='#step');"))
        #expect(!html.contains("class=\"substep pending"))
        #expect(html.contains("document.documentElement.classList.add('js');"))
        #expect(html.contains("ArrowRight"))
    }

    @Test("the page speaks the lesson's language")
    func language() {
        let ko = render("# 주의\n\n```softmax\n[1, 2]\n```\n", path: "lessons/ko/01-attention.md")
        #expect(ko.contains("<html lang=\"ko\">"))
        #expect(ko.contains("다음 ▶"))
        let en = render("# Attention\n\n```softmax\n[1, 2]\n```\n", path: "lessons/en/01-attention.md")
        #expect(en.contains("<html lang=\"en\">"))
        #expect(en.contains("Next ▶"))
    }

    @Test("course index: titles, links per language, twins, hostile names made inert")
    func courseIndex() {
        let html = CourseIndex.html([
            ("en/01-attention", "Attention", true),
            ("en/02-tokens", "Tokens <script>alert(1)</script>", false),
            ("ko/01-attention", "어텐션", true),
            ("javascript:alert(1)", "\"><img onerror=alert(2)>", true),
        ])
        #expect(html.contains("<a class=\"title\" href=\"./en/01-attention.html\">Attention</a>"))
        #expect(html.contains("href=\"./ko/01-attention.html\" hreflang=\"ko\""))
        #expect(html.contains("<section lang=\"ko\""))
        #expect(html.contains("has errors"))
        #expect(html.contains("href=\"./javascript%3Aalert%281%29.html\""))
        #expect(!html.contains("<img") && !html.contains("<script>alert"))
        #expect(HTML.href("ko/한국어 수업.html") == "./ko/%ED%95%9C%EA%B5%AD%EC%96%B4%20%EC%88%98%EC%97%85.html")
        // The Markdown index encodes its targets the same way: `#`, `?`, `%`, a space or `<`
        // would point elsewhere or end the link (a red-team pass).
        let markdown = CourseIndex.markdown([("a#b?c", "A", true), ("100%", "C", true), ("sub dir/x\"y<z>&", "B", true), ("en/01-attention", "D", true)])
        #expect(markdown.contains("- [A](a%23b%3Fc.md)\n"))
        #expect(markdown.contains("- [C](100%25.md)\n"))
        #expect(markdown.contains("- [B](sub%20dir/x%22y%3Cz%3E%26.md)\n"))
        #expect(markdown.contains("- [D](en/01-attention.md)\n"))
    }

    @Test("answer templates keep the shape and nothing else")
    func answerTemplates() {
        #expect(StudentView.template(for: .tensor(.scalar(3))) == "?")
        #expect(StudentView.template(for: .tensor(.vector([1, 2, 3]))) == "[?, ?, ?]")
        #expect(StudentView.template(for: .tensor(.matrix([[1, 2], [3, 4], [5, 6]]))) == "[[?, ?],\n [?, ?],\n [?, ?]]")
        #expect(StudentView.template(for: .tokens(TokenList(["a", "b"]))) == "[?, ?]")
        #expect(StudentView.template(for: nil) == "?")
    }

    // MARK: accessibility (issue 22)

    /// WCAG 2.1 relative luminance and contrast, written here from the definition (not the renderer's).
    private static func luminance(_ rgb: [Double]) -> Double {
        let lin = rgb.map { v -> Double in
            let c = v / 255
            return c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    }

    private static func contrast(_ a: [Double], _ b: [Double]) -> Double {
        let la = luminance(a), lb = luminance(b)
        return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
    }

    private static func hex(_ text: String) -> [Double]? {
        var t = Substring(text.trimmingCharacters(in: .whitespaces))
        guard t.hasPrefix("#") else { return nil }
        t = t.dropFirst()
        if t.count == 3 { t = Substring(t.map { "\($0)\($0)" }.joined()) }
        guard t.count == 6, let v = UInt32(t, radix: 16) else { return nil }
        return [Double(v >> 16 & 0xFF), Double(v >> 8 & 0xFF), Double(v & 0xFF)]
    }

    /// The insides of every `prefix{…}` block of `css`, and `css` without them.
    private static func blocks(_ css: String, _ prefix: String) -> (inside: String, outside: String) {
        var inside = "", outside = ""
        var rest = Substring(css)
        while let open = rest.range(of: prefix) {
            outside += rest[..<open.lowerBound]
            var depth = 1, i = open.upperBound
            while depth > 0, i < rest.endIndex {
                if rest[i] == "{" { depth += 1 } else if rest[i] == "}" { depth -= 1 }
                i = rest.index(after: i)
            }
            inside += rest[open.upperBound..<rest.index(before: i)]
            rest = rest[i...]
        }
        return (inside, outside + rest)
    }

    /// The page's CSS by scheme: outside any dark or print block (light), the dark blocks, the print blocks.
    private static func schemes(_ css: String) -> (light: String, dark: String, print: String) {
        let dark = blocks(css, "@media (prefers-color-scheme:dark){")
        let print = blocks(dark.outside, "@media print{")
        return (print.outside, dark.inside, print.inside)
    }

    /// `--name:#hex` declarations of the first `:root{…}` in a piece of CSS.
    private static func variables(_ css: String) -> [String: [Double]] {
        guard let start = css.range(of: ":root{"), let end = css[start.upperBound...].firstIndex(of: "}") else { return [:] }
        var out: [String: [Double]] = [:]
        for decl in css[start.upperBound..<end].split(separator: ";") {
            let kv = decl.split(separator: ":", maxSplits: 1)
            if kv.count == 2, kv[0].hasPrefix("--"), let c = hex(String(kv[1])) { out[String(kv[0])] = c }
        }
        return out
    }

    /// A shaded cell's rule, evaluated as the browser does: `td.K{background:rgb(calc(A + B*var(--h)) ×3);color:…}`.
    private static func cell(_ css: String, kind: String, level h: Double) -> (bg: [Double], fg: [Double])? {
        guard let start = css.range(of: "td.\(kind){background:rgb("),
              let end = css[start.upperBound...].range(of: "}") else { return nil }
        let rule = css[start.upperBound..<end.lowerBound]
        var bg: [Double] = []
        for piece in rule.components(separatedBy: "calc(").dropFirst().prefix(3) {
            let terms = piece.components(separatedBy: "*var(--h)")[0].components(separatedBy: " + ")
            guard terms.count == 2, let a = Double(terms[0]), let b = Double(terms[1]) else { return nil }
            bg.append((a + b * h).rounded())
        }
        guard bg.count == 3, let color = rule.components(separatedBy: ";color:").last else { return nil }
        if let fg = hex(color) { return (bg, fg) }
        // color:rgb(v v v), v = calc(255*clamp(0,(var(--h) - T)*1000 + 1,1)) or 255 minus that.
        guard let t = color.components(separatedBy: "var(--h) - ").dropFirst().first?.components(separatedBy: ")")[0],
              let threshold = Double(t) else { return nil }
        let step = min(1, max(0, (h - threshold) * 1000 + 1))
        let v = color.hasPrefix("rgb(calc(255 - ") ? 255 - 255 * step : 255 * step
        return (bg, [v, v, v])
    }

    @Test("heat-map cells: text on every shade meets 4.5:1 in the light, dark and print schemes, the row maximum's outline too")
    func heatMapContrast() {
        let (light, dark, print) = Self.schemes(HTMLAssets.style)
        for (scheme, css) in [("light", light), ("dark", dark), ("print", print)] {
            for kind in ["s", "p", "n"] {
                var worst = 21.0
                for step in 0...100 {
                    let h = Double(step) / 100
                    guard let (bg, fg) = Self.cell(css, kind: kind, level: h) else {
                        Issue.record("no rule for td.\(kind) in \(scheme)"); break
                    }
                    worst = min(worst, Self.contrast(fg, bg))
                }
                #expect(worst >= 4.5, "td.\(kind) in \(scheme): \(worst)")
            }
        }
        // The renderer's own model of those colours agrees with what the CSS gives.
        for scheme in HeatPalette.Scheme.allCases {
            let css = scheme == .light ? light : dark
            for kind in HeatPalette.Kind.allCases {
                for h in HeatPalette.levels {
                    let bg = HeatPalette.background(kind, level: h, scheme), fg = HeatPalette.text(kind, level: h, scheme)
                    let parsed = Self.cell(css, kind: kind.rawValue, level: h)
                    #expect(parsed?.bg == [bg.r, bg.g, bg.b] && parsed?.fg == [fg.r, fg.g, fg.b], "\(kind) \(scheme) \(h)")
                }
            }
        }
        // The row maximum is outlined in the cell's own text colour (so ≥ 4.5:1 on its shade).
        #expect(HTMLAssets.style.contains("td.max{outline:2.5px solid currentColor"))
        // No color-mix() anywhere under text: checkers (axe-core 3) cannot read it.
        #expect(!HTMLAssets.style.contains("background:color-mix"))
    }

    @Test("page colours: every text pair meets 4.5:1 and the meaningful marks 3:1, in light, dark and print")
    func pageContrast() {
        let (light, dark, print) = Self.schemes(HTMLAssets.style)
        let lightVars = Self.variables(light)
        var darkVars = lightVars, printVars = lightVars
        darkVars.merge(Self.variables(dark)) { $1 }
        printVars.merge(Self.variables(print)) { $1 }
        let text: [(String, String)] = [
            ("--fg", "--bg"), ("--fg", "--card"), ("--fg", "--soft"), ("--fg", "--code"), ("--muted", "--bg"), ("--muted", "--card"),
            ("--muted", "--soft"), ("--accent", "--bg"), ("--accent", "--card"), ("--card", "--accent"), ("--fg", "--tag-bg"),
            ("--ok", "--tag-bg"), ("--bad", "--tag-bg"), ("--accent", "--tag-bg"), ("--muted", "--tag-bg"), ("--warn", "--warn-bg"),
            ("--bad", "--bad-bg"), ("--fg", "--sol-bg"), ("--accent-2", "--sol-bg"), ("--accent", "--sol-bg"), ("--ok", "--card"),
            ("--bad", "--card"), ("--fg", "--card"),
        ]
        // The −∞ hatching (--muted stripes), the row-maximum key and the focus ring (--accent).
        let marks: [(String, String)] = [("--muted", "--card"), ("--fg", "--card"), ("--accent", "--bg"), ("--accent", "--card")]
        // A bar of a bar chart (--seq at the fill-opacity the CSS gives it) against the card: 3:1.
        let barOpacity = Double(HTMLAssets.style.components(separatedBy: "svg.chart .bar rect{fill:var(--seq);fill-opacity:")[1]
            .prefix { $0 != "}" }) ?? 0
        for vars in [lightVars, darkVars, printVars] {
            if let seq = vars["--seq"], let card = vars["--card"] {
                let bar = zip(seq, card).map { ($0 * barOpacity + $1 * (1 - barOpacity)).rounded() }
                #expect(Self.contrast(bar, card) >= 3, "bar \(bar) on \(card)")
            }
        }
        for (scheme, vars) in [("light", lightVars), ("dark", darkVars), ("print", printVars)] {
            for (pairs, minimum) in [(text, 4.5), (marks, 3.0)] {
                for (f, b) in pairs {
                    guard let fg = vars[f], let bg = vars[b] else { Issue.record("\(scheme): no \(f) or \(b)"); continue }
                    let c = Self.contrast(fg, bg)
                    #expect(c >= minimum, "\(scheme): \(f) on \(b) is \(c)")
                }
            }
        }
    }

    @Test("landmarks, a skip link, the page's language from front matter, path or title")
    func landmarksAndLanguage() {
        let html = render("# Attention\n\n```softmax\n[1, 2]\n```\n", path: "lessons/en/01-attention.md")
        let body = html.components(separatedBy: "<body>\n")[1]
        #expect(body.hasPrefix("<a class=\"skip\" href=\"#main\">Skip to the lesson</a>"))
        #expect(html.contains("<main id=\"main\" tabindex=\"-1\">") && html.contains("<footer class=\"page\">"))
        let ko = render("# 주의\n\n```softmax\n[1, 2]\n```\n", path: "lessons/ko/01-attention.md")
        #expect(ko.contains("<a class=\"skip\" href=\"#main\">본문으로 건너뛰기</a>"))
        // Front matter's lang wins over the folder; a malformed one is ignored.
        let tagged = render("---\nlang: ko\n---\n# Attention\n\n```softmax\n[1, 2]\n```\n", path: "lessons/en/x.md")
        #expect(tagged.contains("<html lang=\"ko\">") && tagged.contains("다음 ▶"))
        let region = render("---\nlang: en-GB\n---\n# 주의\n", path: "lessons/ko/x.md")
        #expect(region.contains("<html lang=\"en-GB\">"))
        let bad = render("---\nlang: \"\\\"><x\"\n---\n# Attention\n", path: "lessons/en/x.md")
        #expect(bad.contains("<html lang=\"en\">"))
        #expect(HTMLRenderer.isLanguageTag("zh-Hant-TW") && !HTMLRenderer.isLanguageTag("k") && !HTMLRenderer.isLanguageTag("en-"))
        // The course index: its main has the skip target too.
        let index = CourseIndex.html([("en/01-attention", "Attention", true)])
        #expect(index.contains("<a class=\"skip\" href=\"#main\">") && index.contains("<main id=\"main\" class=\"course\""))
    }

    @Test("step-through: a polite live region per directive, announced only on a key or button")
    func stepThroughAnnounces() {
        let html = render("# S\n\n```softmax\n[1, 2, 3]\n```\n")
        #expect(html.contains("<span class=\"visually-hidden announce\" aria-live=\"polite\" data-label=\"Sub-step\"></span>"))
        #expect(html.contains("<span class=\"count\">"))
        #expect(html.contains("say.textContent=say.getAttribute('data-label')"))
        #expect(html.contains("(prefers-reduced-motion:no-preference)") && html.contains("(prefers-reduced-motion:reduce)"))
        // A button that becomes disabled passes its focus on.
        #expect(html.contains("if(a&&a.disabled&&s.contains(a))"))
    }

    @Test("a bar chart has a data table beside it, the chosen candidate marked in words")
    func barsHaveATable() {
        let writer = ValueWriter(named: NamedValue(name: "next", value: .tensor(.vector([0.7, 0.3])), role: .candidates(chosen: nil)),
                                 id: "s1-1", s: .english)
        let bars = writer.bars([("cat", 0.7), ("<b>", 0.3)], chosen: "cat") ?? ""
        #expect(bars.contains("role=\"img\"") && bars.contains("<title id=\"s1-1-c-t\">"))
        #expect(bars.contains("<details class=\"numbers\"><summary>The numbers</summary><table class=\"m\"><caption>next · 2</caption>"))
        #expect(bars.contains("<th scope=\"row\" class=\"t\">cat <span class=\"chosen\">(chosen)</span></th><td>0.7000</td>"))
        #expect(bars.contains("<th scope=\"row\" class=\"t\">&lt;b&gt;</th>"))
    }
}
