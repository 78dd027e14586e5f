import Foundation
import Testing
@testable import StepmarkLesson
@testable import StepmarkRender

private func mathML(_ tex: String, display: Bool = false) throws -> String {
    TeXMathML.render(try TeXMath.parse(tex), display: display, source: tex)
}

private func error(_ tex: String) -> TeXError? {
    do { _ = try TeXMath.parse(tex); return nil } catch { return error }
}

@Suite("TeX math in prose")
struct TeXMathTests {
    /// Primes are one superscript, a power after them joins it (TeX's rule): f'' and x'^2 are
    /// ordinary calculus, and each was "a second superscript" (a red-team pass).
    @Test("primes gather into one superscript")
    func primes() throws {
        #expect(try mathML("f'") .contains("<msup><mrow><mi>f</mi></mrow><mrow><mo>′</mo></mrow></msup>"))
        #expect(try mathML("f''(x)").contains("<msup><mrow><mi>f</mi></mrow><mrow><mo>′</mo><mo>′</mo></mrow></msup><mo"))
        #expect(try mathML("x'^2").contains("<msup><mrow><mi>x</mi></mrow><mrow><mo>′</mo><mn>2</mn></mrow></msup>"))
        #expect(try mathML("y_i'").contains("<msubsup><mrow><mi>y</mi></mrow><mrow><mi>i</mi></mrow><mrow><mo>′</mo></mrow></msubsup>"))
        // Still TeX's error: a power before the primes, then primes.
        #expect(error("x^2'")?.message.hasPrefix("a second superscript") == true)
        #expect(error("x'^2^3")?.message.hasPrefix("a second superscript") == true)
    }

    /// What XML does not allow never reaches `<math>`: a noncharacter or a control character
    /// in a formula is U+FFFD there (the TeX annotation too), so the element parses as XML.
    @Test("math text is XML text")
    func mathTextIsXML() throws {
        let html = try mathML("\\text{a\u{FFFE}b} + c\u{1}")
        #expect(!html.unicodeScalars.contains { $0.value == 0xFFFE || $0.value == 0x1 }, "\(html)")
        #expect(html.contains("<mtext>a\u{FFFD}b</mtext>"))
    }

    @Test("the subset the course uses becomes MathML")
    func subset() throws {
        let attention = try mathML(#"\frac{QK^\top}{\sqrt{d_k}}"#)
        #expect(attention.contains("<mfrac><mrow><mi>Q</mi><msup><mrow><mi>K</mi></mrow><mrow><mi mathvariant=\"normal\">⊤</mi></mrow></msup></mrow><mrow><msqrt><msub><mrow><mi>d</mi></mrow><mrow><mi>k</mi></mrow></msub></msqrt></mrow></mfrac>"))
        let softmax = try mathML(#"\mathrm{softmax}(x)_i = \frac{e^{x_i}}{\sum_j e^{x_j}}"#, display: true)
        #expect(softmax.hasPrefix("<math display=\"block\">"))
        #expect(softmax.contains("<mi>softmax</mi>"))
        #expect(softmax.contains("<munder><mrow><mo largeop=\"true\" movablelimits=\"true\">∑</mo></mrow><mrow><mi>j</mi></mrow></munder>"))
        // Inline, ∑'s limits are scripts.
        #expect(try mathML(#"\sum_{i=1}^n x_i"#).contains("<msubsup><mrow><mo largeop"))
        #expect(try mathML(#"\sqrt[3]{x}"#).contains("<mroot><mrow><mi>x</mi></mrow><mrow><mn>3</mn></mrow></mroot>"))
        #expect(try mathML(#"\alpha + \Gamma"#).contains("<mi>α</mi><mo>+</mo><mi mathvariant=\"normal\">Γ</mi>"))
        #expect(try mathML(#"\text{if } x \le 1"#).contains("<mtext>if\u{A0}</mtext>"))
        #expect(try mathML(#"\mathbf{x}\mathbb{R}"#).contains("<mi mathvariant=\"normal\">𝐱</mi><mi mathvariant=\"normal\">ℝ</mi>"))
        for (tex, symbol) in [(#"\cdot"#, "⋅"), (#"\times"#, "×"), (#"\le"#, "≤"), (#"\ge"#, "≥"), (#"\ne"#, "≠"), (#"\approx"#, "≈"),
                              (#"\in"#, "∈"), (#"\to"#, "→")] {
            #expect(try mathML("a " + tex + " b").contains("<mo>\(symbol)</mo>"), "\(tex)")
        }
        for (tex, symbol) in [(#"\infty"#, "∞"), (#"\partial"#, "∂"), (#"\nabla"#, "∇")] {
            #expect(try mathML(tex).contains("<mi mathvariant=\"normal\">\(symbol)</mi>"), "\(tex)")
        }
        #expect(try mathML(#"\prod_i p_i"#).contains("∏"))
        for name in ["log", "exp", "max"] { #expect(try mathML("\\\(name) x").contains("<mi>\(name)</mi><mo>\u{2061}</mo>")) }
        #expect(try mathML(#"\max_i x_i"#, display: true).contains("<munder><mi>max</mi><mrow><mi>i</mi></mrow></munder>"))
        #expect(try mathML(#"\hat{y}"#).contains("<mover accent=\"true\"><mrow><mi>y</mi></mrow><mo stretchy=\"false\">^</mo></mover>"))
        let fenced = try mathML(#"\left( \frac{a}{b} \right]"#)
        #expect(fenced.contains("<mo fence=\"true\" form=\"prefix\" stretchy=\"true\">(</mo>") && fenced.contains("stretchy=\"true\">]</mo>"))
        let matrix = try mathML(#"\begin{bmatrix} 1 & 2 \\ 3 & 4 \\ \end{bmatrix}"#)
        #expect(matrix.contains("[</mo><mtable><mtr><mtd><mrow><mn>1</mn></mrow></mtd><mtd><mrow><mn>2</mn></mrow></mtd></mtr><mtr><mtd><mrow><mn>3</mn></mrow></mtd><mtd><mrow><mn>4</mn></mrow></mtd></mtr></mtable>"))
        #expect(try mathML(#"\begin{pmatrix}a\\b\end{pmatrix}"#).contains("(</mo><mtable>"))
        #expect(try mathML("3.14x").contains("<mn>3.14</mn><mi>x</mi>"))
        #expect(try mathML(#"\frac12"#).contains("<mfrac><mrow><mn>1</mn></mrow><mrow><mn>2</mn></mrow></mfrac>"))
        // The source rides along, escaped.
        #expect(try mathML("a<b").contains("<annotation encoding=\"application/x-tex\">a&lt;b</annotation>"))
    }

    @Test("what it cannot read is an error at its offset")
    func errors() {
        #expect(error(#"\frac{a}"#) == TeXError("\\frac is missing its argument", at: 0))
        #expect(error(#"x + \foo"#) == TeXError("unknown command \\foo", at: 4))
        #expect(error("a{b")?.offset == 1)
        #expect(error("a}b") == TeXError("this } closes no {", at: 1))
        #expect(error(#"\begin{bmatrix} 1 & 2"#)?.message == "\\begin{bmatrix} is never closed with \\end{bmatrix}")
        #expect(error(#"\begin{bmatrix} 1 \end{pmatrix}"#)?.message == "\\end{pmatrix} does not close \\begin{bmatrix}")
        #expect(error(#"\left( x"#)?.message == "this \\left is never closed with \\right")
        #expect(error(#"x \right)"#)?.message == "\\right without a \\left before it")
        #expect(error("x^a^b")?.offset == 3)
        #expect(error("x^")?.message == "^ is missing its argument")
        #expect(error("a & b")?.offset == 2)
        #expect(error(#"\begin{evil}x\end{evil}"#)?.message.hasPrefix("unknown environment {evil}") == true)
        #expect(error(#"\href{javascript:alert(1)}{x}"#)?.message == "unknown command \\href")
        #expect(error("x\\") != nil)
    }

    @Test("hostile formulas: deep nesting, long runs, markup in \\text")
    func hostile() throws {
        let deep = String(repeating: "{", count: 10_000) + "x" + String(repeating: "}", count: 10_000)
        #expect(error(deep)?.message.contains("nests more than 64") == true)
        #expect(error(String(repeating: "{", count: 10_000)) != nil)
        #expect(error(String(repeating: #"\frac"#, count: 10_000)) != nil)
        #expect(error(String(repeating: #"\sqrt"#, count: 10_000) + "x") != nil)
        #expect(error(String(repeating: "^", count: 10_000)) != nil)
        let text = try mathML(#"\text{<script>alert(1)</script>} \mathrm{<b>}"#)
        #expect(!text.contains("<script") && !text.contains("<b>"))
        #expect(text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        // Long flat input is linear.
        let clock = ContinuousClock()
        let long = String(repeating: "x+", count: 100_000) + "x"
        let elapsed = try clock.measure { _ = try mathML(long) }
        #expect(elapsed < .seconds(5))
    }
}
