import StepmarkLesson

/// A formula's tree (`Formula`, read where the value was recorded) → MathML. Mathematics is
/// inline `<math>`; prose between it is plain HTML (`<span class="ftext">`), so long formulas
/// wrap. Every piece of text is escaped, so any formula gives well-formed, inert markup.
public enum MathML {
    /// The formula as HTML: its mathematical runs as inline `<math>` elements, the English
    /// between them as `<span class="ftext">`.
    public static func render(_ formula: Formula) -> String {
        var out = ""
        for piece in formula.pieces {
            switch piece {
            case .math(let nodes): out += "<math><mrow>" + markup(nodes) + "</mrow></math>"
            case .prose(let prose): out += "<span class=\"ftext\">\(HTML.escape(prose))</span>"
            }
        }
        return out
    }

    /// Formula text read and typeset at once (tests, and text that was never recorded).
    public static func render(_ formula: String) -> String { render(Formula(parsing: formula)) }

    /// See `Formula.shortened`.
    public static func shortened(_ formula: String, limit: Int = 72) -> String { Formula.shortened(formula, limit: limit) }

    /// A formula as one `<math>` element (text runs as `<mtext>`), for places that need one.
    public static func element(_ formula: String) -> String {
        "<math><mrow>" + markup(Formula.element(parsing: formula)) + "</mrow></math>"
    }

    static func markup(_ nodes: [FormulaNode]) -> String { nodes.map(markup).joined() }

    static func markup(_ node: FormulaNode) -> String {
        switch node {
        case .identifier(let w): return identifier(w)
        case .function(let w): return mi(w) + "<mo>\u{2061}</mo>"
        case .number(let n): return mn(n)
        case .op(let o): return mo(o)
        case .prefixMinus: return "<mo form=\"prefix\">−</mo>"
        case .largeOp(let o): return "<mo largeop=\"true\">\(HTML.escape(o))</mo>"
        case .text(let t): return mtext(t)
        case .ellipsis: return "<mi>…</mi>"
        case .thinSpace: return "<mspace width=\"0.3em\"/>"
        case .group(let open, let inner, let close):
            return "<mrow>" + mo(String(open)) + markup(inner) + (close.map { mo(String($0)) } ?? "") + "</mrow>"
        case .root(let inner): return "<msqrt>" + markup(inner) + "</msqrt>"
        case .superscript(let base, let script): return "<msup>" + markup(base) + markup(script) + "</msup>"
        case .subscript(let base, let script): return "<msub>" + markup(base) + markup(script) + "</msub>"
        case .script(let s): return self.script(s)
        case .row(let inner): return "<mrow>" + markup(inner) + "</mrow>"
        }
    }

    static func mi(_ s: String) -> String { "<mi>\(HTML.escape(s))</mi>" }
    static func mn(_ s: String) -> String { "<mn>\(HTML.escape(s))</mn>" }
    static func mo(_ s: String) -> String { "<mo>\(HTML.escape(s))</mo>" }
    static func mtext(_ s: String) -> String { "<mtext>\(HTML.escape(s))</mtext>" }

    /// An identifier: `n_k` and `grad_w` get a subscript, `W1` too, `k4.T` a subscript and a
    /// superscript T; `head1.output` stays whole.
    static func identifier(_ word: String) -> String {
        if word == "∞" { return mi(word) }
        // The expression language's transpose, `k4.T`: the identifier with a superscript T.
        if word.hasSuffix(".T"), word.count > 2 {
            return "<msup>\(identifier(String(word.dropLast(2))))<mi mathvariant=\"normal\">T</mi></msup>"
        }
        if let underscore = word.firstIndex(of: "_"), underscore != word.startIndex {
            let base = String(word[..<underscore])
            let rest = String(word[word.index(after: underscore)...])
            if !rest.isEmpty, rest.count <= 2, !rest.contains("_") {
                let sub = rest.allSatisfy(\.isNumber) ? mn(rest) : mi(rest)
                return "<msub>\(mi(base))\(sub)</msub>"
            }
            return mi(word)
        }
        if word.count >= 2, let first = word.first, first.isLetter, word.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }),
           word.count <= 3 {
            return "<msub>\(mi(String(first)))\(mn(String(word.dropFirst())))</msub>"
        }
        return mi(word)
    }

    /// A run of script characters: `T` upright, digits a number, one letter an identifier.
    static func script(_ s: String) -> String {
        if s == "T" { return "<mi mathvariant=\"normal\">T</mi>" }
        if s.allSatisfy(\.isNumber) { return mn(s) }
        if s.count == 1, s.first!.isLetter { return mi(s) }
        return "<mrow>" + s.map { c in
            c.isNumber ? mn(String(c)) : c.isLetter ? mi(String(c)) : mo(String(c))
        }.joined() + "</mrow>"
    }
}
