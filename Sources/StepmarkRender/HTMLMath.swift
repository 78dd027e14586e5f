/// Formula text → MathML. The formulas the directives record are short Unicode strings such as
/// `scores = Q·Kᵀ`, `weights = softmax(scaled) (each row sums to 1)` or
/// `loss = mean((ŷ − y)²)`. This converter understands identifiers, numbers, operators,
/// parentheses, superscripts (`ᵀ`, `²`, `^x`), subscripts (`ⱼ`, `n_k`, `W1`), `√` and `Σ`;
/// runs of English words and quoted strings are text (plain HTML at the top level, so long
/// formulas wrap; `<mtext>` inside brackets); anything it does not understand falls back to
/// `<mtext>` too. Every piece of text is escaped, so any input gives well-formed, inert markup.
public enum MathML {
    /// The formula as HTML: its mathematical runs as inline `<math>` elements, the English
    /// between them as `<span class="ftext">`.
    public static func render(_ formula: String) -> String {
        let (tokens, raws) = lex(formula)
        var parser = Parser(tokens: tokens, raws: raws)
        let items = parser.sequence(until: nil, top: true)
        var out = ""
        var math: [String] = []
        func flush() {
            guard !math.isEmpty else { return }
            out += "<math><mrow>" + math.joined() + "</mrow></math>"
            math = []
        }
        for item in items {
            if let prose = item.prose {
                flush()
                out += "<span class=\"ftext\">\(HTML.escape(prose))</span>"
            } else {
                math.append(item.markup)
            }
        }
        flush()
        return out
    }

    /// A long formula that repeats its source line (`X = label([[2, 0, 0], …], rows=…)` of a
    /// `let` spanning several lines) shortened to its shape: the inside of each outermost
    /// bracket becomes `…` (`X = label(…)`), so the sub-step still says how the value was made
    /// while the numbers stay in the source above. Up to `limit` characters it is unchanged.
    public static func shortened(_ formula: String, limit: Int = 72) -> String {
        guard formula.count > limit else { return formula }
        var out = ""
        var depth = 0
        var quote: Character? = nil
        for c in formula {
            if let q = quote {
                if depth == 0 { out.append(c) }
                if c == q { quote = nil }
                continue
            }
            switch c {
            case "\"", "'":
                quote = c
                if depth == 0 { out.append(c) }
            case "(", "[", "{":
                if depth == 0 { out.append(c); out.append("…") }
                depth += 1
            case ")", "]", "}":
                depth = max(0, depth - 1)
                if depth == 0 { out.append(c) }
            default:
                if depth == 0 { out.append(c) }
            }
        }
        return out
    }

    /// A formula as one `<math>` element (text runs as `<mtext>`), for places that need one.
    public static func element(_ formula: String) -> String {
        let (tokens, raws) = lex(formula)
        var parser = Parser(tokens: tokens, raws: raws)
        return "<math><mrow>" + parser.sequence(until: nil).map(\.markup).joined() + "</mrow></math>"
    }

    // MARK: tokens

    enum Token: Equatable {
        case space
        case word(String)
        case number(String)
        case quoted(String)
        case sup(String)
        case sub(String)
        case open(Character)
        case close(Character)
        case op(String)
        case sqrt
        case bigOp(String)
        case caret
        case underscore
        case other(String)
    }

    static let superscripts: [Character: Character] = [
        "ᵀ": "T", "⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8",
        "⁹": "9", "⁻": "−", "⁺": "+", "ⁿ": "n", "ⁱ": "i", "ʲ": "j", "ᵏ": "k", "ᵈ": "d", "ᵗ": "t", "ˣ": "x",
    ]
    static let subscripts: [Character: Character] = [
        "₀": "0", "₁": "1", "₂": "2", "₃": "3", "₄": "4", "₅": "5", "₆": "6", "₇": "7", "₈": "8", "₉": "9",
        "₊": "+", "₋": "−", "ₕ": "h", "ᵢ": "i", "ⱼ": "j", "ₖ": "k", "ₙ": "n", "ₘ": "m", "ₚ": "p", "ₜ": "t",
        "ₐ": "a", "ₑ": "e", "ₒ": "o", "ₓ": "x", "ₗ": "l", "ₛ": "s", "ᵣ": "r", "ᵤ": "u", "ᵥ": "v",
    ]
    static let operators: Set<Character> = [
        "=", "+", "−", "-", "×", "·", "/", "*", "<", ">", "≤", "≥", "≠", "≈", "←", "→", "↦", "|", ",", ";",
        ":", "…", "∘", "⊙", "!", "~", "%", "@", "∂", "∈", "⋅", "÷", "±", "∝", "′", "‖", "⊤", "≔", "⇒", "↔",
    ]
    static let functions: Set<String> = [
        "softmax", "mean", "exp", "log", "sqrt", "sum", "max", "min", "relu", "sigmoid", "tanh", "sin", "cos",
        "norm", "normalize", "argmax", "layernorm", "ln", "cos_sim",
    ]
    /// Words that are always prose, even alone between symbols.
    static let proseWords: Set<String> = [
        "with", "where", "each", "row", "rows", "column", "columns", "sums", "to", "of", "the", "and", "for", "per",
        "over", "all", "by", "when", "is", "are", "an", "in", "on", "then", "from", "only", "at", "as", "every",
        "after", "before", "summed", "examples", "fixed", "update", "updates", "step", "steps", "causal", "or",
        "not", "no", "into", "which", "that", "this", "its", "their", "stored", "than", "if", "else",
    ]

    // ASCII first: most of a formula is ASCII, and the Unicode property and dictionary
    // lookups below cost far more than a byte comparison.
    static func isASCIILetter(_ a: UInt8) -> Bool { (a >= 65 && a <= 90) || (a >= 97 && a <= 122) }

    static func isWordStart(_ c: Character) -> Bool {
        if let a = c.asciiValue { return isASCIILetter(a) }
        return c.isLetter && superscripts[c] == nil && subscripts[c] == nil
    }

    static func isWordPart(_ c: Character) -> Bool {
        if let a = c.asciiValue { return isASCIILetter(a) || (a >= 48 && a <= 57) || a == 95 }
        return (c.isLetter || c.isNumber) && superscripts[c] == nil && subscripts[c] == nil || c == "_"
    }

    /// The tokens of a formula and the source text of each.
    static func lex(_ text: String) -> ([Token], [String]) {
        let chars = Array(text)
        var tokens: [Token] = []
        var raws: [String] = []
        var i = 0
        while i < chars.count {
            let start = i
            defer { if raws.count < tokens.count { raws.append(String(chars[start..<max(i, start + 1)])) } }
            let c = chars[i]
            if c.isWhitespace {
                while i < chars.count, chars[i].isWhitespace { i += 1 }
                tokens.append(.space)
                continue
            }
            if !c.isASCII, let s = superscripts[c] {
                var run = String(s)
                i += 1
                while i < chars.count, !chars[i].isASCII, let t = superscripts[chars[i]] { run.append(t); i += 1 }
                tokens.append(.sup(run))
                continue
            }
            if !c.isASCII, let s = subscripts[c] {
                var run = String(s)
                i += 1
                while i < chars.count, !chars[i].isASCII, let t = subscripts[chars[i]] { run.append(t); i += 1 }
                tokens.append(.sub(run))
                continue
            }
            if c.isASCII && c.isNumber {
                var run = ""
                while i < chars.count, chars[i].isASCII && chars[i].isNumber { run.append(chars[i]); i += 1 }
                if i + 1 < chars.count, chars[i] == ".", chars[i + 1].isASCII && chars[i + 1].isNumber {
                    run.append(".")
                    i += 1
                    while i < chars.count, chars[i].isASCII && chars[i].isNumber { run.append(chars[i]); i += 1 }
                }
                tokens.append(.number(run))
                continue
            }
            if c == "Σ" || c == "∑" || c == "∏" {
                tokens.append(.bigOp(String(c)))
                i += 1
                continue
            }
            if isWordStart(c) {
                var run = ""
                while i < chars.count {
                    if isWordPart(chars[i]) {
                        run.append(chars[i]); i += 1
                    } else if chars[i] == ".", i + 1 < chars.count, isWordStart(chars[i + 1]), !run.isEmpty {
                        run.append("."); i += 1
                    } else {
                        break
                    }
                }
                tokens.append(.word(run))
                continue
            }
            switch c {
            case "'", "\"", "‘", "“":
                let closing: Character = c == "‘" ? "’" : c == "“" ? "”" : c
                // The closing quote, skipping backslash escapes (`"a \"b\""`).
                var end = i + 1
                while end < chars.count, chars[end] != closing { end += chars[end] == "\\" ? 2 : 1 }
                if end < chars.count {
                    tokens.append(.quoted(String(chars[i...end])))
                    i = end + 1
                } else {
                    tokens.append(.other(String(c)))
                    i += 1
                }
                continue
            case "(", "[", "{": tokens.append(.open(c))
            case ")", "]", "}": tokens.append(.close(c))
            case "√": tokens.append(.sqrt)
            case "Σ", "∑", "∏": tokens.append(.bigOp(String(c)))
            case "^": tokens.append(.caret)
            case "_": tokens.append(.underscore)
            case "½", "⅓", "¼", "¾", "∞": tokens.append(c == "∞" ? .word("∞") : .number(String(c)))
            default:
                tokens.append(operators.contains(c) ? .op(String(c)) : .other(String(c)))
            }
            i += 1
        }
        return (tokens, raws)
    }

    // MARK: tree

    /// A piece of MathML; `prose` marks text that joins neighbouring prose into one `<mtext>`.
    struct Item {
        var markup: String
        var prose: String? = nil
        /// An operand (identifier, number, group), not an operator: two operands written with
        /// a space between keep a little space (`seed 0`, `log probs`).
        var operand = false
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

    struct Parser {
        var tokens: [Token]
        var raws: [String]
        var index = 0
        /// How many brackets deep the parser is (0: the top level).
        var depth = 0

        init(tokens: [Token], raws: [String]) { self.tokens = tokens; self.raws = raws }

        var peek: Token? { index < tokens.count ? tokens[index] : nil }
        func peek(_ offset: Int) -> Token? { index + offset < tokens.count ? tokens[index + offset] : nil }

        /// Items up to the closing bracket (consumed) or the end.
        mutating func sequence(until closing: Character?, top: Bool = false) -> [Item] {
            var items: [Item] = []
            var pendingSpace = false
            while let token = peek {
                if case .close = token, closing != nil { break }
                if token == .space {
                    pendingSpace = true
                    index += 1
                    continue
                }
                guard var item = atom() else { continue }
                item = postfix(item)
                if let prose = item.prose, let last = items.last, let lastProse = last.prose {
                    items[items.count - 1].prose = lastProse + (pendingSpace ? " " : "") + prose
                    pendingSpace = false
                    continue
                }
                if pendingSpace, item.operand, items.last?.operand == true {
                    item.markup = "<mspace width=\"0.3em\"/>" + item.markup
                }
                if pendingSpace, !items.isEmpty {
                    if let prose = item.prose {
                        item.prose = " " + prose
                    } else if let lastProse = items[items.count - 1].prose {
                        items[items.count - 1].prose = lastProse + " "
                    }
                }
                items.append(item)
                pendingSpace = false
            }
            if top { return items }
            return items.map { item in
                guard let prose = item.prose else { return item }
                let padded = prose.replacingOccurrences(of: " ", with: "\u{A0}")
                return Item(markup: mtext(padded))
            }
        }

        /// Whether the word at the current index reads as English: a known prose word, or a
        /// word next to another word with only a space between (and not a function call).
        func isProse(_ word: String) -> Bool {
            if MathML.functions.contains(word) { return false }
            // Attached to an operator, a bracket or a script (`rows=`, `f(`, `Kᵀ`): a symbol.
            switch peek(1) {
            case .op("=")?, .open?, .sup?, .sub?, .caret?, .underscore?: return false
            default: break
            }
            // About to be defined (`scaled = …`): a symbol.
            var j = index + 1
            while j < tokens.count, tokens[j] == .space { j += 1 }
            if j < tokens.count, tokens[j] == .op("=") || tokens[j] == .op("←") { return false }
            if MathML.proseWords.contains(word) { return true }
            guard word.count >= 2, word.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic }) else { return false }
            func isPlainWord(_ t: Token?) -> Bool {
                if case .word(let w)? = t, !MathML.functions.contains(w), w.count >= 2 { return true }
                return false
            }
            if peek(1) == .space, isPlainWord(peek(2)) {
                if case .open("(")? = peek(3) { return false }
                return true
            }
            if index >= 2, tokens[index - 1] == .space, isPlainWord(tokens[index - 2]) { return true }
            return false
        }

        /// Whether a function name at the previous token is applied to what follows:
        /// `softmax(x)` or `log probs`, but not `sum = …`.
        func isApplied() -> Bool {
            if peek == .open("(") { return true }
            guard peek == .space, let j = firstNonSpace(from: index) else { return false }
            switch tokens[j] {
            case .word, .number, .open, .sqrt: return true
            default: return false
            }
        }

        /// The index of the first token at or after `i` that is not a space.
        func firstNonSpace(from i: Int) -> Int? {
            var j = i
            while j < tokens.count, tokens[j] == .space { j += 1 }
            return j < tokens.count ? j : nil
        }

        mutating func atom() -> Item? {
            guard let token = peek else { return nil }
            index += 1
            switch token {
            case .space:
                return nil
            case .word(let w):
                if MathML.functions.contains(w), isApplied() {
                    return Item(markup: MathML.mi(w) + "<mo>\u{2061}</mo>", operand: true)
                }
                if isProseAt(index - 1, w) { return Item(markup: "", prose: w) }
                return Item(markup: MathML.identifier(w), operand: true)
            case .number(let n):
                return Item(markup: MathML.mn(n), operand: true)
            case .quoted(let q):
                return Item(markup: "", prose: q)
            case .open(let c):
                // A parenthetical remark, `(each row sums to 1)`: one piece of text.
                if c == "(", let j = firstNonSpace(from: index), case .word(let w) = tokens[j], isProseAt(j, w) {
                    var depth = 1
                    var text = raws[index - 1]
                    while index < tokens.count, depth > 0 {
                        if case .open = tokens[index] { depth += 1 }
                        if case .close = tokens[index] { depth -= 1 }
                        text += tokens[index] == .space ? " " : raws[index]
                        index += 1
                    }
                    return Item(markup: "", prose: text)
                }
                depth += 1
                let inner = sequence(until: matching(c))
                depth -= 1
                var close = ""
                if case .close(let d)? = peek { close = MathML.mo(String(d)); index += 1 }
                return Item(markup: "<mrow>" + MathML.mo(String(c)) + inner.map(\.markup).joined() + close + "</mrow>", operand: true)
            case .close(let c):
                return Item(markup: MathML.mo(String(c)))
            case .op(let o):
                // `a; b` and `a, b` at the top level separate clauses: text, where lines may break.
                if depth == 0, o == ";" || o == ",", peek == .space { return Item(markup: "", prose: o) }
                // An elided group, `label(…)`: the ellipsis stands for the arguments, no spacing.
                if o == "…", index >= 2, case .open = tokens[index - 2], case .close? = peek {
                    return Item(markup: "<mi>…</mi>", operand: true)
                }
                // A sign, not a subtraction (`= -1`, `[-1, 2]`, `, −x`): no operator spacing.
                // A number takes it (`<mn>−1</mn>`); anything else gets a prefix minus.
                if o == "-" || o == "−", isPrefix(at: index - 1) {
                    if case .number(let n)? = peek {
                        index += 1
                        return Item(markup: MathML.mn("−" + n), operand: true)
                    }
                    return Item(markup: "<mo form=\"prefix\">−</mo>")
                }
                return Item(markup: MathML.mo(o))
            case .sqrt:
                skipSpaces()
                if let operand = atom() {
                    return Item(markup: "<msqrt>" + stripParens(operand.markup, prose: operand.prose) + "</msqrt>", operand: true)
                }
                return Item(markup: MathML.mo("√"))
            case .bigOp(let o):
                return Item(markup: "<mo largeop=\"true\">\(HTML.escape(o))</mo>")
            case .sup(let s):
                return Item(markup: MathML.mtext(s))
            case .sub(let s):
                return Item(markup: MathML.mtext(s))
            case .caret:
                return Item(markup: MathML.mo("^"))
            case .underscore:
                return Item(markup: MathML.mo("_"))
            case .other(let s):
                return Item(markup: MathML.mtext(s))
            }
        }

        /// Whether the operator at `position` stands before its operand only: at the start, or
        /// after another operator or an opening bracket, and written against what follows.
        func isPrefix(at position: Int) -> Bool {
            guard position + 1 < tokens.count, tokens[position + 1] != .space else { return false }
            var j = position - 1
            while j >= 0, tokens[j] == .space { j -= 1 }
            guard j >= 0 else { return true }
            switch tokens[j] {
            case .op, .open, .caret, .underscore, .bigOp: return true
            default: return false
            }
        }

        func isProseAt(_ position: Int, _ word: String) -> Bool {
            var copy = self
            copy.index = position
            return copy.isProse(word)
        }

        mutating func skipSpaces() { while peek == .space { index += 1 } }

        /// Superscripts and subscripts that follow an atom.
        mutating func postfix(_ base: Item) -> Item {
            guard base.prose == nil else { return base }
            var item = base
            while let token = peek {
                switch token {
                case .sup(let s):
                    index += 1
                    item = Item(markup: "<msup>\(item.markup)\(script(s))</msup>", operand: true)
                case .sub(let s):
                    index += 1
                    item = Item(markup: "<msub>\(item.markup)\(script(s))</msub>", operand: true)
                case .caret, .underscore:
                    index += 1
                    guard let operand = atom() else { return item }
                    let inner = "<mrow>" + stripParens(operand.markup, prose: operand.prose) + "</mrow>"
                    item = Item(markup: token == .caret ? "<msup>\(item.markup)\(inner)</msup>" : "<msub>\(item.markup)\(inner)</msub>", operand: true)
                default:
                    return item
                }
            }
            return item
        }

        func script(_ s: String) -> String {
            if s == "T" { return "<mi mathvariant=\"normal\">T</mi>" }
            if s.allSatisfy(\.isNumber) { return MathML.mn(s) }
            if s.count == 1, s.first!.isLetter { return MathML.mi(s) }
            return "<mrow>" + s.map { c in
                c.isNumber ? MathML.mn(String(c)) : c.isLetter ? MathML.mi(String(c)) : MathML.mo(String(c))
            }.joined() + "</mrow>"
        }

        /// A bracketed group without its outer parentheses (under √ and in scripts).
        func stripParens(_ markup: String, prose: String?) -> String {
            if let prose { return MathML.mtext(prose) }
            let open = "<mrow><mo>(</mo>", close = "<mo>)</mo></mrow>"
            if markup.hasPrefix(open), markup.hasSuffix(close) {
                return String(markup.dropFirst(open.count).dropLast(close.count))
            }
            return markup
        }

        func matching(_ c: Character) -> Character { c == "(" ? ")" : c == "[" ? "]" : "}" }
    }
}
