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
        #expect(html.contains("<td class=\"ninf\">−∞</td>"))
        // V has negative entries: a diverging scale with both signs.
        #expect(html.contains("<td class=\"n\" style=\"--h:1\">-2.0000</td>"))
        #expect(html.contains("<td class=\"p\" style=\"--h:1\">2.0000</td>"))
        #expect(html.contains("<caption>weights · 2×2</caption>"))
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
    }

    @Test("answer templates keep the shape and nothing else")
    func answerTemplates() {
        #expect(StudentView.template(for: .tensor(.scalar(3))) == "?")
        #expect(StudentView.template(for: .tensor(.vector([1, 2, 3]))) == "[?, ?, ?]")
        #expect(StudentView.template(for: .tensor(.matrix([[1, 2], [3, 4], [5, 6]]))) == "[[?, ?],\n [?, ?],\n [?, ?]]")
        #expect(StudentView.template(for: .tokens(TokenList(["a", "b"]))) == "[?, ?]")
        #expect(StudentView.template(for: nil) == "?")
    }
}
