import StepmarkCore

/// A sub-step's formula with its structure: what the HTML typesets, read from the recorded text
/// by `NamedValue.typeset` when the HTML asks, so renderers draw a tree and never parse text.
///
/// The formulas directives record are short Unicode strings such as `scores = Q·Kᵀ`,
/// `weights = softmax(scaled) (each row sums to 1)` or `loss = mean((ŷ − y)²)`. The reader
/// understands identifiers, numbers, operators, brackets, superscripts (`ᵀ`, `²`, `^x`),
/// subscripts (`ⱼ`, `n_k`, `W1`), `√` and `Σ`; runs of English words and quoted strings are
/// prose (plain text at the top level, so long formulas wrap; text inside brackets); whatever
/// it does not understand becomes text too. Any input gives a tree: nothing is dropped.
public struct Formula: Sendable, Equatable {
    /// A run of mathematics or of prose, in order.
    public enum Piece: Sendable, Equatable {
        case math([FormulaNode])
        case prose(String)
    }

    public var pieces: [Piece]

    public init(pieces: [Piece]) { self.pieces = pieces }

    /// Reads `text`: mathematical runs, and the English between them as prose.
    /// Formulas already read, by text: a course repeats its formulas (900 values, 307 texts).
    static let memo = BoundedMemo<String, Formula>(capacity: 4096)

    public init(parsing text: String) {
        let (tokens, raws) = FormulaReader.lex(text)
        var reader = FormulaReader(tokens: tokens, raws: raws)
        var pieces: [Piece] = []
        var math: [FormulaNode] = []
        for item in reader.sequence(until: nil, top: true) {
            if let prose = item.prose {
                if !math.isEmpty { pieces.append(.math(math)); math = [] }
                pieces.append(.prose(prose))
            } else {
                math += item.nodes
            }
        }
        if !math.isEmpty { pieces.append(.math(math)) }
        self.pieces = pieces
    }

    /// `text` read as one piece of mathematics (its prose as text nodes), for places that need
    /// a single element.
    public static func element(parsing text: String) -> [FormulaNode] {
        let (tokens, raws) = FormulaReader.lex(text)
        var reader = FormulaReader(tokens: tokens, raws: raws)
        return reader.sequence(until: nil).flatMap(\.nodes)
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
}

/// One node of a formula's mathematics.
public indirect enum FormulaNode: Sendable, Equatable {
    /// An identifier, typeset with the subscript or transpose its name carries: `W1`, `n_k`,
    /// `k4.T`; `head1.output` stays whole.
    case identifier(String)
    /// A function name applied to what follows (`softmax(x)`, `log probs`).
    case function(String)
    /// A number, with its sign when it has one (`−1`).
    case number(String)
    case op(String)
    /// A minus written against its operand (`-x`): a sign, not a subtraction.
    case prefixMinus
    /// A large operator: `Σ`, `∏`.
    case largeOp(String)
    /// Text inside the mathematics: a remark inside brackets, a symbol not understood.
    case text(String)
    /// The ellipsis of an elided argument list, `label(…)`: an operand.
    case ellipsis
    /// A little space between two operands written with a space between (`seed 0`).
    case thinSpace
    /// A bracketed group; `close` is nil when the formula ends before the bracket closes.
    case group(open: Character, [FormulaNode], close: Character?)
    /// `√` over its operand (written without its outer parentheses).
    case root([FormulaNode])
    case superscript([FormulaNode], FormulaNode)
    case `subscript`([FormulaNode], FormulaNode)
    /// A run of script characters (`ᵀ`, `²`, `ⱼ` read as `T`, `2`, `j`).
    case script(String)
    /// Nodes that form one script (`^(…)`, `_k`).
    case row([FormulaNode])
}

/// Reads formula text into `FormulaNode`s: a lexer, then a recursive-descent reader that decides
/// what is mathematics and what is English.
struct FormulaReader {
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
                // An exponent (`3e2`, `1e-3`, `2.5E+4`) belongs to the number: read apart it
                // was 3·e₂ and 1·e − 3.
                if i < chars.count, chars[i] == "e" || chars[i] == "E" {
                    var j = i + 1
                    if j < chars.count, chars[j] == "+" || chars[j] == "-" || chars[j] == "−" { j += 1 }
                    var k = j
                    while k < chars.count, chars[k].isASCII && chars[k].isNumber { k += 1 }
                    if k > j, k == chars.count || !(chars[k].isLetter || chars[k] == "_") {
                        run += String(chars[i..<k].map { $0 == "-" ? "−" : $0 })
                        i = k
                    }
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
                    } else if chars[i] == "'" || chars[i] == "’", i + 1 < chars.count, chars[i + 1].isLetter,
                              run.count >= 2, run.allSatisfy(\.isLetter) {
                        // An English possessive or contraction (`token's`, `it's`): one word, not
                        // a quote that runs to the next apostrophe.
                        run.append(chars[i]); i += 1
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

    /// What one atom reads as: nodes of mathematics, or prose (which joins neighbouring prose).
    struct Item {
        var nodes: [FormulaNode]
        var prose: String? = nil
        /// An operand (identifier, number, group), not an operator: two operands written with
        /// a space between keep a little space (`seed 0`, `log probs`).
        var operand = false
    }

    var tokens: [Token]
    var raws: [String]
    var index = 0
    /// How many brackets deep the reader is (0: the top level).
    var depth = 0

    init(tokens: [Token], raws: [String]) { self.tokens = tokens; self.raws = raws }

    var peek: Token? { index < tokens.count ? tokens[index] : nil }
    func peek(_ offset: Int) -> Token? { index + offset < tokens.count ? tokens[index + offset] : nil }

    /// Items up to the closing bracket (not consumed) or the end. Inside brackets, prose
    /// becomes text with non-breaking spaces.
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
                item.nodes.insert(.thinSpace, at: 0)
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
            return Item(nodes: [.text(prose.replacing( " ", with: "\u{A0}"))])
        }
    }

    /// Whether the word at the current index reads as English: a known prose word, or a
    /// word next to another word with only a space between (and not a function call).
    func isProse(_ word: String) -> Bool {
        if Self.functions.contains(word) { return false }
        // Attached to an operator, a bracket or a script (`rows=`, `f(`, `Kᵀ`): a symbol.
        switch peek(1) {
        case .op("=")?, .open?, .sup?, .sub?, .caret?, .underscore?: return false
        default: break
        }
        // About to be defined (`scaled = …`): a symbol.
        var j = index + 1
        while j < tokens.count, tokens[j] == .space { j += 1 }
        if j < tokens.count, tokens[j] == .op("=") || tokens[j] == .op("←") { return false }
        if Self.proseWords.contains(word) { return true }
        func isPlainWord(_ t: Token?) -> Bool {
            if case .word(let w)? = t, !Self.functions.contains(w), w.count >= 2 { return true }
            return false
        }
        // The article between two words (`for a token`); alone, `a` stays a symbol (`a + b`).
        if word == "a" {
            return index >= 2 && tokens[index - 1] == .space && isPlainWord(tokens[index - 2])
                && peek(1) == .space && isPlainWord(peek(2))
        }
        guard word.count >= 2, word.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || $0 == "'" || $0 == "’" }) else { return false }
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
            if Self.functions.contains(w), isApplied() {
                return Item(nodes: [.function(w)], operand: true)
            }
            if isProseAt(index - 1, w) { return Item(nodes: [], prose: w) }
            return Item(nodes: [.identifier(w)], operand: true)
        case .number(let n):
            return Item(nodes: [.number(n)], operand: true)
        case .quoted(let q):
            return Item(nodes: [], prose: q)
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
                return Item(nodes: [], prose: text)
            }
            depth += 1
            let inner = sequence(until: matching(c))
            depth -= 1
            var close: Character? = nil
            if case .close(let d)? = peek { close = d; index += 1 }
            return Item(nodes: [.group(open: c, inner.flatMap(\.nodes), close: close)], operand: true)
        case .close(let c):
            return Item(nodes: [.op(String(c))])
        case .op(let o):
            // `a; b` and `a, b` at the top level separate clauses: text, where lines may break.
            if depth == 0, o == ";" || o == ",", peek == .space { return Item(nodes: [], prose: o) }
            // An elided group, `label(…)`: the ellipsis stands for the arguments, no spacing.
            if o == "…", index >= 2, case .open = tokens[index - 2], case .close? = peek {
                return Item(nodes: [.ellipsis], operand: true)
            }
            // A sign, not a subtraction (`= -1`, `[-1, 2]`, `, −x`): no operator spacing.
            // A number takes it (`−1` is one number); anything else gets a prefix minus.
            if o == "-" || o == "−", isPrefix(at: index - 1) {
                if case .number(let n)? = peek {
                    index += 1
                    return Item(nodes: [.number("−" + n)], operand: true)
                }
                return Item(nodes: [.prefixMinus])
            }
            return Item(nodes: [.op(o)])
        case .sqrt:
            skipSpaces()
            if let operand = atom() {
                return Item(nodes: [.root(withoutParens(operand))], operand: true)
            }
            return Item(nodes: [.op("√")])
        case .bigOp(let o):
            return Item(nodes: [.largeOp(o)])
        case .sup(let s), .sub(let s):
            return Item(nodes: [.text(s)])
        case .caret:
            return Item(nodes: [.op("^")])
        case .underscore:
            return Item(nodes: [.op("_")])
        case .other(let s):
            return Item(nodes: [.text(s)])
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
                item = Item(nodes: [.superscript(item.nodes, .script(s))], operand: true)
            case .sub(let s):
                index += 1
                item = Item(nodes: [.subscript(item.nodes, .script(s))], operand: true)
            case .caret, .underscore:
                index += 1
                guard let operand = atom() else { return item }
                let script = FormulaNode.row(withoutParens(operand))
                item = Item(nodes: [token == .caret ? .superscript(item.nodes, script) : .subscript(item.nodes, script)], operand: true)
            default:
                return item
            }
        }
        return item
    }

    /// A bracketed operand without its outer parentheses (under √ and in scripts); prose as text.
    func withoutParens(_ item: Item) -> [FormulaNode] {
        if let prose = item.prose { return [.text(prose)] }
        if item.nodes.count == 1, case .group(open: "(", let inner, close: ")") = item.nodes[0] { return inner }
        return item.nodes
    }

    func matching(_ c: Character) -> Character { c == "(" ? ")" : c == "[" ? "]" : "}" }
}
