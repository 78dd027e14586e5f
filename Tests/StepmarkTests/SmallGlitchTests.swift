import Foundation
import Testing
import StepmarkCore
@testable import StepmarkLesson
@testable import StepmarkRender

/// Issue 17 part 9: small glitches, each with its expected output written out by hand.
@Suite struct SmallGlitchTests {
    // 1. A sign is not a subtraction: `-1` is one number, not "- 1" with operator spacing.
    @Test func unaryMinusIsPartOfTheNumber() {
        #expect(MathML.render("x = -1") == "<math><mrow><mi>x</mi><mo>=</mo><mn>−1</mn></mrow></math>")
        #expect(MathML.render("q = [[1, -1]]") == "<math><mrow><mi>q</mi><mo>=</mo><mrow><mo>[</mo><mrow><mo>[</mo><mn>1</mn><mo>,</mo><mn>−1</mn><mo>]</mo></mrow><mo>]</mo></mrow></mrow></math>")
        #expect(MathML.render("−2.5") == "<math><mrow><mn>−2.5</mn></mrow></math>")
        // Before a name: a prefix operator (no spacing), not a number.
        #expect(MathML.render("y = -x") == "<math><mrow><mi>y</mi><mo>=</mo><mo form=\"prefix\">−</mo><mi>x</mi></mrow></math>")
        // Subtraction stays an infix operator.
        #expect(MathML.render("a - 1") == "<math><mrow><mi>a</mi><mo>-</mo><mn>1</mn></mrow></math>")
        #expect(MathML.render("a-1") == "<math><mrow><mi>a</mi><mo>-</mo><mn>1</mn></mrow></math>")
        #expect(MathML.render("(a) − 1") == "<math><mrow><mrow><mo>(</mo><mi>a</mi><mo>)</mo></mrow><mo>−</mo><mn>1</mn></mrow></math>")
        // A minus written apart from its number (`= - 1`) is left as written.
        #expect(MathML.render("x = - 1") == "<math><mrow><mi>x</mi><mo>=</mo><mo>-</mo><mn>1</mn></mrow></math>")
    }

    // 2. `k4.T`: the subscript of `k4` and the transpose's superscript T, as `q4` gets its subscript.
    @Test func transposeOfAnIdentifierWithDigits() {
        #expect(MathML.render("s = q4 @ k4.T") == "<math><mrow><mi>s</mi><mo>=</mo><msub><mi>q</mi><mn>4</mn></msub><mo>@</mo><msup><msub><mi>k</mi><mn>4</mn></msub><mi mathvariant=\"normal\">T</mi></msup></mrow></math>")
        #expect(MathML.render("X.T") == "<math><mrow><msup><mi>X</mi><mi mathvariant=\"normal\">T</mi></msup></mrow></math>")
        #expect(MathML.render("W_q.T") == "<math><mrow><msup><msub><mi>W</mi><mi>q</mi></msub><mi mathvariant=\"normal\">T</mi></msup></mrow></math>")
        // A field name is not a transpose.
        #expect(MathML.render("head1.output") == "<math><mrow><mi>head1.output</mi></mrow></math>")
    }

    // 3. A let line over several lines repeats a long source: its formula was left out of the
    //    HTML (over 72 characters); it is now shortened to its shape.
    @Test func longLetFormulaIsShortenedNotDropped() {
        #expect(MathML.shortened("X = label([[2, 0, 0], [0, 0, 1], [1, 1, 0]], rows=tokens, cols=[\"nature\", \"money\", \"grammar\"])") == "X = label(…)")
        #expect(MathML.shortened("W = [[1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 3, 4, 5, 6, 7, 8]] + b") == "W = […] + b")
        // A bracket inside a quoted string does not count.
        #expect(MathML.shortened("t = text(\"a ( b\") + label([[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]])") == "t = text(…) + label(…)")
        #expect(MathML.shortened("Y = label([[1, 0], [1, 1]], rows=pair)") == "Y = label([[1, 0], [1, 1]], rows=pair)")
        let html = HTMLRenderer().render(runLesson("""
            # L

            ```let
            X = label([[2, 0, 0],
                       [0, 0, 1],
                       [1, 1, 0]], rows=["a", "b", "c"], cols=["nature", "money", "grammar"])
            ```
            """))
        #expect(html.contains("<span class=\"sub-name\">X</span><span class=\"formula\"><math><mrow><mi>X</mi><mo>=</mo><mi>label</mi><mrow><mo>(</mo><mi>…</mi><mo>)</mo></mrow></mrow></math></span>"))
        // Between other operands the ellipsis stays an operator.
        #expect(MathML.render("a, …, b").contains("<mo>…</mo>"))
    }

    // 4. Two heads: `[head1.output | head2.output]`, no ellipsis; the ellipsis only for more than three.
    @Test func concatFormulaNamesEveryHeadWhenFew() {
        #expect(AttendDirective.concatFormula(heads: 1) == "concat = output of the single head")
        #expect(AttendDirective.concatFormula(heads: 2) == "concat = [head1.output | head2.output]")
        #expect(AttendDirective.concatFormula(heads: 3) == "concat = [head1.output | head2.output | head3.output]")
        #expect(AttendDirective.concatFormula(heads: 12) == "concat = [head1.output | … | head12.output]")
        let report = runLesson("""
            # L

            ```let
            X = [[1, 0, 1, 0], [0, 1, 0, 1]]
            ```

            ```attend q=X k=X v=X heads=2
            ```
            """)
        let concat = report.steps.flatMap(\.values).first { $0.name == "concat" }
        #expect(concat?.formula == "concat = [head1.output | head2.output]")
        #expect(HTMLRenderer().render(report).contains("<mi>head2.output</mi><mo>]</mo>"))
    }

    // 6. A number written as an integer is shown as one; precision= still gives digits; a
    //    decimal literal and a computed value keep the step's precision; JSON is unchanged.
    @Test func integerLiteralScalarsShowNoDecimals() throws {
        let report = runLesson("""
            # L

            ```let
            d = 64
            n = -3
            x = 2.0
            y = 2 * 3
            ```

            ```let precision=2
            e = 64
            ```
            """)
        let values = report.steps.flatMap(\.values)
        #expect(values.map(\.precision) == [0, 0, 4, 4, 2])
        let md = MarkdownRenderer().render(report)
        #expect(md.contains("**d** — `d = 64` = 64\n"))
        #expect(md.contains("**n** — `n = -3` = -3\n"))
        #expect(md.contains("**x** — `x = 2.0` = 2.0000\n"))
        #expect(md.contains("**y** — `y = 2 * 3` = 6.0000\n"))
        #expect(md.contains("**e** — `e = 64` = 64.00\n"))
        let html = HTMLRenderer().render(report)
        #expect(html.contains("<p class=\"scalar\">64</p>"))
        #expect(html.contains("<p class=\"scalar\">64.00</p>"))
        let terminal = TerminalRenderer(color: false).render(report)
        #expect(terminal.contains("64\n") && !terminal.contains("64.0000"))
        let json = JSONRenderer.render(report)
        #expect(json.contains("\"name\":\"d\"") && json.contains("\"data\":64.0"))
    }

    // 5. Whole-number data (steps, epochs) get whole ticks: a one-step loss curve has an
    //    x-axis 0, 1, not 0.0, 0.2, … 1.0; a single point is drawn on whole ticks too.
    @Test func wholeNumberDataGetWholeTicks() {
        #expect(SVGChart.ticks(0, 1, count: 6, whole: true).values == [0, 1])
        #expect(SVGChart.ticks(0, 1, count: 6).values == [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1])
        #expect(SVGChart.ticks(0, 30, count: 6, whole: true).values == [0, 5, 10, 15, 20, 25, 30])
        #expect(SVGChart.ticks(5, 5, count: 6, whole: true).values == [4, 5, 6])
        #expect(SVGChart.ticks(0, 0, count: 6, whole: true).values == [0, 1])
        func xLabels(_ svg: String?) -> [String] {
            guard let svg else { return [] }
            // The x tick labels, then the axis labels (all anchored in the middle).
            return svg.components(separatedBy: "text-anchor=\"middle\">").dropFirst().map { String($0.prefix { $0 != "<" }) }
        }
        let oneStep = SVGChart.line(xs: [0, 1], ys: [0.25, 0.09], xLabel: "step", yLabel: "loss", title: "t", id: "c")
        #expect(xLabels(oneStep) == ["0", "1", "step", "loss"])
        let single = SVGChart.line(xs: [3], ys: [0.25], xLabel: "step", yLabel: "loss", title: "t", id: "c")
        #expect(xLabels(single) == ["2", "3", "4", "step", "loss"])
        // Fractions keep their decimals.
        let fractional = SVGChart.line(xs: [0, 0.5], ys: [1, 2], xLabel: "x", yLabel: "y", title: "t", id: "c")
        #expect(xLabels(fractional) == ["0.0", "0.1", "0.2", "0.3", "0.4", "0.5", "x", "y"])
    }
}

/// Formulas are read into a tree where the value is recorded; the HTML draws the tree.
@Suite struct FormulaTreeTests {
    @Test func aRecordedFormulaCarriesItsStructure() {
        let report = runLesson("```let\nQ = [[1, 0], [0, 1]]\nK = [[1, 2], [3, 4]]\nV = K\n```\n\n```attend\n```\n")
        let scores = report.step(2)?.value(named: "scores")
        #expect(scores?.formula == "scores = Q·Kᵀ")
        #expect(scores?.typeset == Formula(pieces: [.math([
            .identifier("scores"), .op("="), .identifier("Q"), .op("·"), .superscript([.identifier("K")], .script("T")),
        ])]))
        // A remark in brackets is prose; √ drops its operand's parentheses.
        #expect(Formula(parsing: "w = softmax(x) (each row sums to 1)").pieces == [
            .math([.identifier("w"), .op("="), .function("softmax"), .group(open: "(", [.identifier("x")], close: ")")]),
            .prose(" (each row sums to 1)"),
        ])
        #expect(Formula(parsing: "√(d)").pieces == [.math([.root([.identifier("d")])])])
    }

    @Test func koreanLessonsTypesetTheTranslatedFormula() {
        let lesson = "```let\nQ = [[1, 0], [0, 1]]\nK = [[1, 2], [3, 4]]\nV = K\n```\n\n```attend\n```\n"
        #expect(runLesson(lesson).step(2)?.value(named: "weights")?.typeset?.pieces.last == .prose(" (each row sums to 1)"))
        let report = runLesson("---\nlang: ko\n---\n" + lesson, path: "lesson.md")
        #expect(report.step(2)?.value(named: "weights")?.formula == "weights = softmax(scaled) (each row sums to 1)", "JSON keeps English")
        // The Korean words are in the tree the HTML draws (inside the bracket: text nodes).
        let weights = String(describing: report.step(2)?.value(named: "weights")?.typeset)
        #expect(weights.contains("합은") && !weights.contains("sums"), "\(weights)")
    }

    @Test func theHTMLDrawsTheTreeNotTheText() {
        var named = NamedValue(name: "y", value: .tensor(.scalar(1)), formula: "y = a + b")
        named.typeset = Formula(pieces: [.math([.identifier("y"), .op("="), .root([.number("2")])])])
        let html = ValueWriter(named: named, id: "v", s: .english).render()
        #expect(html.contains("<msqrt><mn>2</mn></msqrt>") && !html.contains("<mi>a</mi>"), "\(html)")
    }
}
