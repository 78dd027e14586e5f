/// TeX math of a lesson's prose (`$…$`, `$$…$$`, SPEC §8) read into a small tree: lexer →
/// recursive-descent parser → `TeXNode`. The tree is turned into MathML by the HTML renderer
/// (`TeXMathML` in StepmarkRender); it is parsed here, when the lesson is read, so that a
/// formula that cannot be read is an error at its file position for every command (`run`,
/// `check`, `preview`), not only when HTML is written.
///
/// The subset: letters, numbers, operators, `^` and `_`, `{…}` groups, `\frac`, `\dfrac`,
/// `\tfrac`, `\binom`, `\sqrt`, `\sqrt[n]`, Greek letters, `\text`, `\mathrm`, `\mathbf`,
/// `\mathbb`, `\mathcal`, `\operatorname`, the usual operators, relations, arrows and large
/// operators, functions (`\log`, `\exp`, `\max`, …), accents (`\hat`, `\bar`, `\vec`, `\tilde`,
/// `\dot`, `\overline`, …), `\left…\right`, `\big…`, spaces (`\,`, `\;`, `\quad`, …) and the
/// environments `matrix`, `pmatrix`, `bmatrix`, `Bmatrix`, `vmatrix`, `Vmatrix`, `cases` and
/// `aligned`. Anything else is an error with its offset; nothing is ever guessed. Time is
/// linear in the source and nesting is capped at `maxDepth`, so no input can exhaust the stack.
public indirect enum TeXNode: Sendable, Equatable {
    case row([TeXNode])
    /// `<mi>`; `normal` asks for upright letters (`\mathrm`, upper-case Greek, `∞`).
    case identifier(String, normal: Bool)
    case number(String)
    /// `<mo>`; `large` for ∑, ∏, ∫ …, whose scripts go below and above in display math when
    /// `limits`; `stretchy` false for brackets written without `\left`/`\right`.
    case op(String, large: Bool, limits: Bool, stretchy: Bool)
    /// A function name (`log`, `max`); `limits` puts its subscript below in display math.
    case function(String, limits: Bool)
    case text(String)
    /// A space of the given width in em.
    case space(Double)
    case fraction(TeXNode, TeXNode, line: Bool)
    case root(TeXNode, index: TeXNode?)
    /// Sub- and superscripts; `limits` puts them below and above (`\overset`, ∑ in display math).
    case scripts(TeXNode, sub: TeXNode?, sup: TeXNode?, limits: Bool)
    /// An accent over (`\hat`) or under (`\underline`) its base.
    case accent(TeXNode, mark: String, over: Bool, stretchy: Bool)
    /// `\left( … \right)` (an empty string for `.`).
    case fenced(open: String, close: String, TeXNode)
    /// A matrix environment's cells, row by row, between its delimiters.
    case matrix([[TeXNode]], open: String, close: String)
}

/// A formula the parser could not read: what is wrong and where (a character offset in the
/// TeX source).
public struct TeXError: Error, Sendable, Equatable {
    public var message: String
    public var offset: Int
    public init(_ message: String, at offset: Int) { self.message = message; self.offset = offset }
}

public enum TeXMath {
    /// Groups, arguments, `\left`, environments and scripts nest at most this deep.
    public static let maxDepth = 64

    /// Parses a formula (without its `$` delimiters).
    public static func parse(_ source: String) throws(TeXError) -> TeXNode {
        var parser = Parser(source: Array(source))
        return try parser.parseAll()
    }

    // MARK: tables

    static let greekLower: [String: String] = [
        "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε", "zeta": "ζ",
        "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν",
        "xi": "ξ", "omicron": "ο", "pi": "π", "varpi": "ϖ", "rho": "ρ", "varrho": "ϱ", "sigma": "σ", "varsigma": "ς",
        "tau": "τ", "upsilon": "υ", "phi": "ϕ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
    ]
    static let greekUpper: [String: String] = [
        "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ",
        "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
    ]
    /// Symbols that are upright identifiers.
    static let symbols: [String: String] = [
        "infty": "∞", "partial": "∂", "nabla": "∇", "top": "⊤", "bot": "⊥", "emptyset": "∅", "varnothing": "∅",
        "ell": "ℓ", "hbar": "ℏ", "forall": "∀", "exists": "∃", "aleph": "ℵ", "Re": "ℜ", "Im": "ℑ",
        "prime": "′", "angle": "∠", "triangle": "△", "dagger": "†", "$": "$", "%": "%", "#": "#", "_": "_",
    ]
    static let operators: [String: String] = [
        "cdot": "⋅", "times": "×", "div": "÷", "pm": "±", "mp": "∓", "le": "≤", "leq": "≤", "ge": "≥",
        "geq": "≥", "ne": "≠", "neq": "≠", "approx": "≈", "equiv": "≡", "sim": "∼", "simeq": "≃", "cong": "≅",
        "propto": "∝", "in": "∈", "notin": "∉", "ni": "∋", "subset": "⊂", "supset": "⊃", "subseteq": "⊆",
        "supseteq": "⊇", "cup": "∪", "cap": "∩", "setminus": "∖", "to": "→", "rightarrow": "→",
        "leftarrow": "←", "gets": "←", "Rightarrow": "⇒", "Leftarrow": "⇐", "Leftrightarrow": "⇔",
        "leftrightarrow": "↔", "iff": "⟺", "implies": "⟹", "mapsto": "↦", "longrightarrow": "⟶",
        "longmapsto": "⟼", "ldots": "…", "dots": "…", "cdots": "⋯", "vdots": "⋮", "ddots": "⋱", "circ": "∘",
        "ast": "∗", "star": "⋆", "bullet": "∙", "oplus": "⊕", "otimes": "⊗", "odot": "⊙", "wedge": "∧",
        "land": "∧", "vee": "∨", "lor": "∨", "neg": "¬", "lnot": "¬", "mid": "∣", "parallel": "∥",
        "perp": "⊥", "ll": "≪", "gg": "≫", "leqslant": "⩽", "geqslant": "⩾", "colon": ":", "&": "&",
        "uparrow": "↑", "downarrow": "↓", "triangleq": "≜", "coloneqq": "≔",
    ]
    /// Brackets: written alone they keep their size; after `\left`/`\right` they stretch.
    static let delimiterCommands: [String: String] = [
        "{": "{", "}": "}", "|": "‖", "langle": "⟨", "rangle": "⟩", "lvert": "|", "rvert": "|",
        "lVert": "‖", "rVert": "‖", "vert": "|", "Vert": "‖", "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈",
        "rceil": "⌉",
    ]
    static let delimiterCharacters: Set<Character> = ["(", ")", "[", "]", "|", "/", "<", ">"]
    static let largeOperators: [String: (String, Bool)] = [
        "sum": ("∑", true), "prod": ("∏", true), "coprod": ("∐", true), "bigcup": ("⋃", true),
        "bigcap": ("⋂", true), "bigoplus": ("⨁", true), "bigotimes": ("⨂", true), "bigvee": ("⋁", true),
        "bigwedge": ("⋀", true), "int": ("∫", false), "iint": ("∬", false), "iiint": ("∭", false),
        "oint": ("∮", false),
    ]
    static let functions: [String: Bool] = [
        "log": false, "ln": false, "exp": false, "sin": false, "cos": false, "tan": false, "sinh": false,
        "cosh": false, "tanh": false, "arcsin": false, "arccos": false, "arctan": false, "sec": false,
        "csc": false, "cot": false, "dim": false, "ker": false, "deg": false, "arg": false, "hom": false,
        "det": true, "gcd": true, "lim": true, "max": true, "min": true, "sup": true, "inf": true,
        "argmax": true, "argmin": true, "Pr": true, "liminf": true, "limsup": true,
    ]
    static let spaces: [String: Double] = [
        ",": 0.1667, "thinspace": 0.1667, ":": 0.2222, ">": 0.2222, "medspace": 0.2222, ";": 0.2778,
        "thickspace": 0.2778, " ": 0.3333, "quad": 1, "qquad": 2, "!": 0, "negthinspace": 0,
    ]
    /// Accents: the mark, over (or under) the base, stretchy across it.
    static let accents: [String: (String, Bool, Bool)] = [
        "hat": ("^", true, false), "widehat": ("^", true, true), "bar": ("¯", true, false),
        "overline": ("‾", true, true), "vec": ("→", true, false), "overrightarrow": ("→", true, true),
        "tilde": ("˜", true, false), "widetilde": ("˜", true, true), "dot": ("˙", true, false),
        "ddot": ("¨", true, false), "check": ("ˇ", true, false), "breve": ("˘", true, false),
        "acute": ("´", true, false), "grave": ("`", true, false), "underline": ("_", false, true),
    ]
    /// Commands with no output of their own here (styles that MathML chooses by itself).
    static let ignored: Set<String> = [
        "displaystyle", "textstyle", "scriptstyle", "scriptscriptstyle", "limits", "nolimits", "nonumber",
    ]
    static let sizedDelimiters: Set<String> = [
        "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr", "Biggl", "Biggr",
        "bigm", "Bigm",
    ]
    /// Environments: their delimiters.
    static let environments: [String: (String, String)] = [
        "matrix": ("", ""), "smallmatrix": ("", ""), "pmatrix": ("(", ")"), "bmatrix": ("[", "]"),
        "Bmatrix": ("{", "}"), "vmatrix": ("|", "|"), "Vmatrix": ("‖", "‖"), "cases": ("{", ""),
        "aligned": ("", ""), "array": ("", ""),
    ]
    static let operatorCharacters: Set<Character> = [
        "+", "-", "=", "<", ">", ",", ";", ":", "!", "(", ")", "[", "]", "/", "|", ".", "*", "?", "'",
        "−", "×", "·", "⋅", "÷", "±", "≤", "≥", "≠", "≈", "→", "←", "↦", "∈", "∑", "∏", "∫", "∘", "⊙", "⊗",
        "⊕", "…", "⋯", "∣", "‖", "⟨", "⟩", "~",
    ]

    // MARK: lexer

    struct Token: Equatable {
        enum Kind: Equatable {
            case command(String)
            case char(Character)
            case open, close, sup, sub, amp, space
        }
        var kind: Kind
        var offset: Int
    }

    static func lex(_ s: [Character]) throws(TeXError) -> [Token] {
        var tokens: [Token] = []
        var i = 0
        while i < s.count {
            let c = s[i]
            switch c {
            case "\\":
                guard i + 1 < s.count else { throw TeXError("a lone \\ at the end of the formula", at: i) }
                var j = i + 1
                if s[j].isASCII, s[j].isLetter {
                    while j < s.count, s[j].isASCII, s[j].isLetter { j += 1 }
                    tokens.append(Token(kind: .command(String(s[(i + 1)..<j])), offset: i))
                    // `\operatorname*` and the like: the star is part of the name.
                    i = j
                } else {
                    tokens.append(Token(kind: .command(String(s[j])), offset: i))
                    i = j + 1
                }
                continue
            case "{": tokens.append(Token(kind: .open, offset: i))
            case "}": tokens.append(Token(kind: .close, offset: i))
            case "^": tokens.append(Token(kind: .sup, offset: i))
            case "_": tokens.append(Token(kind: .sub, offset: i))
            case "&": tokens.append(Token(kind: .amp, offset: i))
            case " ", "\t", "\n", "\r", "\r\n":
                if tokens.last?.kind != .space { tokens.append(Token(kind: .space, offset: i)) }
            default: tokens.append(Token(kind: .char(c), offset: i))
            }
            i += 1
        }
        return tokens
    }

    // MARK: parser

    struct Parser {
        let source: [Character]
        var tokens: [Token] = []
        var i = 0
        var depth = 0

        init(source: [Character]) { self.source = source }

        enum Stop: Equatable {
            case end
            case brace(Int)
            case bracket(Int)
            case right(Int)
            case cell(name: String, at: Int)
        }

        mutating func parseAll() throws(TeXError) -> TeXNode {
            tokens = try TeXMath.lex(source)
            return try expression(.end)
        }

        var atEnd: Bool { i >= tokens.count }
        var offset: Int { i < tokens.count ? tokens[i].offset : source.count }

        mutating func skipSpaces() { while i < tokens.count, tokens[i].kind == .space { i += 1 } }

        mutating func enter(at offset: Int) throws(TeXError) {
            depth += 1
            if depth > TeXMath.maxDepth {
                throw TeXError("the formula nests more than \(TeXMath.maxDepth) groups deep", at: offset)
            }
        }

        /// A sequence of atoms with their scripts, up to what `stop` expects.
        mutating func expression(_ stop: Stop) throws(TeXError) -> TeXNode {
            var items: [TeXNode] = []
            while true {
                skipSpaces()
                guard i < tokens.count else {
                    switch stop {
                    case .end: return .row(items)
                    case .brace(let at): throw TeXError("this { is never closed with }", at: at)
                    case .bracket(let at): throw TeXError("this [ of \\sqrt is never closed with ]", at: at)
                    case .right(let at): throw TeXError("this \\left is never closed with \\right", at: at)
                    case .cell(let name, let at): throw TeXError("\\begin{\(name)} is never closed with \\end{\(name)}", at: at)
                    }
                }
                let token = tokens[i]
                if case .bracket = stop, token.kind == .char("]") {
                    i += 1
                    return .row(items)
                }
                switch token.kind {
                case .close:
                    if case .brace = stop { i += 1; return .row(items) }
                    throw TeXError("this } closes no {", at: token.offset)
                case .command("right"):
                    if case .right = stop { return .row(items) }
                    throw TeXError("\\right without a \\left before it", at: token.offset)
                case .amp, .command("\\"), .command("end"), .command("cr"):
                    if case .cell = stop { return .row(items) }
                    switch token.kind {
                    case .amp: throw TeXError("& separates the cells of a matrix; outside one write \\&", at: token.offset)
                    case .command("end"): throw TeXError("\\end without a \\begin before it", at: token.offset)
                    default: throw TeXError("\\\\ starts a new row of a matrix; it has no meaning outside one", at: token.offset)
                    }
                case .sup, .sub:
                    i += 1
                    try attachScript(token, to: &items)
                case .char("'"):
                    // Primes are one superscript, as in TeX: f'' is f^{\prime\prime}, and a
                    // power after them joins it, x'^2 being x^{\prime 2} (each prime attached on
                    // its own was "a second superscript", a red-team pass found).
                    var primes: [TeXNode] = []
                    while i < tokens.count, tokens[i].kind == .char("'") {
                        primes.append(.op("′", large: false, limits: false, stretchy: false))
                        i += 1
                    }
                    skipSpaces()
                    if i < tokens.count, tokens[i].kind == .sup {
                        let power = tokens[i]
                        i += 1
                        try enter(at: power.offset)
                        defer { depth -= 1 }
                        primes.append(try argument(for: "^", at: power.offset))
                    }
                    try attach(primes.count == 1 ? primes[0] : .row(primes), superscript: true, at: token.offset, to: &items)
                default:
                    if let atom = try atom() { items.append(atom) }
                }
            }
        }

        mutating func attachScript(_ token: Token, to items: inout [TeXNode]) throws(TeXError) {
            let isSup = token.kind == .sup
            try enter(at: token.offset)
            defer { depth -= 1 }
            let argument = try self.argument(for: isSup ? "^" : "_", at: token.offset)
            try attach(argument, superscript: isSup, at: token.offset, to: &items)
        }

        func limitsOf(_ node: TeXNode) -> Bool {
            switch node {
            case .op(_, true, let limits, _): limits
            case .function(_, let limits): limits
            default: false
            }
        }

        mutating func attach(_ script: TeXNode, superscript: Bool, at offset: Int, to items: inout [TeXNode]) throws(TeXError) {
            let base = items.popLast() ?? .row([])
            if case .scripts(let b, let sub, let sup, let limits) = base {
                if superscript {
                    guard sup == nil else { throw TeXError("a second superscript on one base; group it, as in {x^a}^b", at: offset) }
                    items.append(.scripts(b, sub: sub, sup: script, limits: limits))
                } else {
                    guard sub == nil else { throw TeXError("a second subscript on one base; group it, as in {x_a}_b", at: offset) }
                    items.append(.scripts(b, sub: script, sup: sup, limits: limits))
                }
            } else {
                items.append(.scripts(base, sub: superscript ? nil : script, sup: superscript ? script : nil, limits: limitsOf(base)))
            }
        }

        /// One argument of a command or script: a `{…}` group or a single token.
        mutating func argument(for name: String, at offset: Int) throws(TeXError) -> TeXNode {
            skipSpaces()
            guard i < tokens.count else { throw TeXError("\(name) is missing its argument", at: offset) }
            let token = tokens[i]
            switch token.kind {
            case .open:
                return try group()
            case .char(let c):
                i += 1
                return single(c)
            case .command(let command) where !["right", "end", "\\", "cr"].contains(command):
                return try atom() ?? .row([])
            default:
                throw TeXError("\(name) is missing its argument", at: offset)
            }
        }

        /// A `{…}` group (the current token is `{`).
        mutating func group() throws(TeXError) -> TeXNode {
            let open = tokens[i].offset
            i += 1
            try enter(at: open)
            defer { depth -= 1 }
            return try expression(.brace(open))
        }

        func single(_ c: Character) -> TeXNode {
            if c.isNumber { return .number(String(c)) }
            if c.isLetter { return .identifier(String(c), normal: false) }
            if c == "-" { return .op("−", large: false, limits: false, stretchy: false) }
            if c == "*" { return .op("∗", large: false, limits: false, stretchy: false) }
            if c == "~" { return .space(0.3333) }
            return .op(String(c), large: false, limits: false, stretchy: false)
        }

        /// The raw text of a `{…}` argument (for `\text`, `\begin`): characters, escaped ones
        /// and spaces; nested braces are kept balanced and left out.
        mutating func rawArgument(for name: String, at offset: Int) throws(TeXError) -> String {
            skipSpaces()
            guard i < tokens.count, tokens[i].kind == .open else { throw TeXError("\(name) needs a {…} argument", at: offset) }
            let open = tokens[i].offset
            i += 1
            var level = 1
            var text = ""
            while i < tokens.count {
                let token = tokens[i]
                i += 1
                switch token.kind {
                case .open: level += 1
                case .close:
                    level -= 1
                    if level == 0 { return text }
                case .char(let c): text.append(c)
                case .space: text += " "
                case .amp: text += "&"
                case .sup: text += "^"
                case .sub: text += "_"
                case .command(let command):
                    if command.count == 1, let c = command.first, !c.isLetter {
                        text += command == "\\" ? " " : String(c)
                    } else {
                        text += "\\" + command
                    }
                }
            }
            throw TeXError("this { is never closed with }", at: open)
        }

        /// A delimiter after `\left`, `\right` or `\big`: a bracket character, `.` or a command.
        mutating func delimiter(after name: String, at offset: Int) throws(TeXError) -> String {
            skipSpaces()
            guard i < tokens.count else { throw TeXError("\\\(name) needs a delimiter such as ( or \\{", at: offset) }
            let token = tokens[i]
            switch token.kind {
            case .char("."):
                i += 1
                return ""
            case .char(let c) where TeXMath.delimiterCharacters.contains(c):
                i += 1
                return String(c)
            case .command(let command):
                if let d = TeXMath.delimiterCommands[command] { i += 1; return d }
            default: break
            }
            throw TeXError("\\\(name) needs a delimiter such as ( or \\{", at: token.offset)
        }

        /// One atom: a group, a character run, or a command with its arguments. Nil for a
        /// command that writes nothing (`\displaystyle`).
        mutating func atom() throws(TeXError) -> TeXNode? {
            let token = tokens[i]
            switch token.kind {
            case .open:
                return try group()
            case .char(let c):
                i += 1
                if c.isNumber {
                    var digits = String(c)
                    while i < tokens.count, case .char(let d) = tokens[i].kind {
                        if d.isNumber {
                            digits.append(d)
                        } else if d == ".", i + 1 < tokens.count, case .char(let e) = tokens[i + 1].kind, e.isNumber {
                            digits.append(d)
                        } else {
                            break
                        }
                        i += 1
                    }
                    return .number(digits)
                }
                if c.isLetter { return .identifier(String(c), normal: false) }
                if c == "~" { return .space(0.3333) }
                if TeXMath.delimiterCharacters.contains(c) { return .op(String(c), large: false, limits: false, stretchy: false) }
                return single(c)
            case .command(let name):
                i += 1
                return try command(name, at: token.offset)
            default:
                i += 1
                return nil
            }
        }

        mutating func command(_ name: String, at offset: Int) throws(TeXError) -> TeXNode? {
            if let g = TeXMath.greekLower[name] { return .identifier(g, normal: false) }
            if let g = TeXMath.greekUpper[name] { return .identifier(g, normal: true) }
            if let s = TeXMath.symbols[name] { return .identifier(s, normal: true) }
            if let o = TeXMath.operators[name] { return .op(o, large: false, limits: false, stretchy: false) }
            if let d = TeXMath.delimiterCommands[name] { return .op(d, large: false, limits: false, stretchy: false) }
            if let (symbol, limits) = TeXMath.largeOperators[name] { return .op(symbol, large: true, limits: limits, stretchy: false) }
            if let limits = TeXMath.functions[name] { return .function(name, limits: limits) }
            if let width = TeXMath.spaces[name] { return width > 0 ? .space(width) : nil }
            if TeXMath.ignored.contains(name) { return nil }
            if TeXMath.sizedDelimiters.contains(name) {
                return .op(try delimiter(after: name, at: offset), large: false, limits: false, stretchy: false)
            }
            if let (mark, over, stretchy) = TeXMath.accents[name] {
                try enter(at: offset)
                defer { depth -= 1 }
                return .accent(try argument(for: "\\" + name, at: offset), mark: mark, over: over, stretchy: stretchy)
            }
            try enter(at: offset)
            defer { depth -= 1 }
            switch name {
            case "frac", "dfrac", "tfrac", "cfrac":
                let numerator = try argument(for: "\\" + name, at: offset)
                let denominator = try argument(for: "\\" + name, at: offset)
                return .fraction(numerator, denominator, line: true)
            case "binom", "dbinom", "tbinom":
                let n = try argument(for: "\\" + name, at: offset)
                let k = try argument(for: "\\" + name, at: offset)
                return .fenced(open: "(", close: ")", .fraction(n, k, line: false))
            case "sqrt":
                skipSpaces()
                var index: TeXNode? = nil
                if i < tokens.count, tokens[i].kind == .char("[") {
                    let open = tokens[i].offset
                    i += 1
                    index = try expression(.bracket(open))
                }
                return .root(try argument(for: "\\sqrt", at: offset), index: index)
            case "text", "textrm", "textnormal", "mbox", "textit", "textbf", "textsf", "texttt":
                return .text(try rawArgument(for: "\\" + name, at: offset))
            case "operatorname":
                return .function(try rawArgument(for: "\\operatorname", at: offset).trimmingWhitespace(), limits: false)
            case "mathrm", "mathup", "mathbf", "boldsymbol", "bm", "mathbb", "mathcal", "mathscr", "mathit", "mathsf", "mathtt", "mathfrak":
                let body = try argument(for: "\\" + name, at: offset)
                return MathAlphabet.styled(body, name)
            case "overset", "stackrel", "underset":
                let mark = try argument(for: "\\" + name, at: offset)
                let base = try argument(for: "\\" + name, at: offset)
                return name == "underset" ? .scripts(base, sub: mark, sup: nil, limits: true)
                                          : .scripts(base, sub: nil, sup: mark, limits: true)
            case "left":
                let open = try delimiter(after: "left", at: offset)
                let body = try expression(.right(offset))
                let rightAt = tokens[i].offset
                i += 1   // \right
                let close = try delimiter(after: "right", at: rightAt)
                return .fenced(open: open, close: close, body)
            case "begin":
                let env = try rawArgument(for: "\\begin", at: offset).trimmingWhitespace()
                guard let (open, close) = TeXMath.environments[env] else {
                    throw TeXError("unknown environment {\(env.quotable)}; known: \(TeXMath.environments.keys.sorted().joined(separator: ", "))", at: offset)
                }
                if env == "array" { _ = try rawArgument(for: "\\begin{array}", at: offset) }
                return try matrix(env, open: open, close: close, at: offset)
            default:
                throw TeXError("unknown command \\\(name.quotable)", at: offset)
            }
        }

        /// Cells up to `\end{env}`: `&` between cells, `\\` between rows.
        mutating func matrix(_ env: String, open: String, close: String, at offset: Int) throws(TeXError) -> TeXNode {
            var rows: [[TeXNode]] = []
            var row: [TeXNode] = []
            while true {
                let cell = try expression(.cell(name: env, at: offset))
                row.append(cell)
                let token = tokens[i]
                i += 1
                switch token.kind {
                case .amp:
                    continue
                case .command("end"):
                    let name = try rawArgument(for: "\\end", at: token.offset).trimmingWhitespace()
                    guard name == env else {
                        throw TeXError("\\end{\(name.quotable)} does not close \\begin{\(env)}", at: token.offset)
                    }
                    // A last `\\` leaves an empty row behind: drop it.
                    if !(row.count == 1 && row[0] == .row([]) && !rows.isEmpty) { rows.append(row) }
                    return .matrix(rows, open: open, close: close)
                default:   // \\ or \cr
                    skipSpaces()
                    // `\\[2pt]`: an optional spacing, ignored.
                    if i < tokens.count, tokens[i].kind == .char("[") {
                        while i < tokens.count, tokens[i].kind != .char("]") { i += 1 }
                        i += 1
                    }
                    rows.append(row)
                    row = []
                }
            }
        }
    }
}

/// `\mathbf`, `\mathbb`, `\mathcal` …: MathML Core keeps only `mathvariant="normal"`, so the
/// other alphabets are written with Unicode's mathematical letters.
enum MathAlphabet {
    static func styled(_ node: TeXNode, _ command: String) -> TeXNode {
        switch command {
        case "mathrm", "mathup", "mathsf", "mathtt": return upright(node)
        case "mathit": return node
        default: return map(node) { letter($0, command) }
        }
    }

    /// Letters upright, and runs of letters one identifier (`\mathrm{softmax}` is one word).
    static func upright(_ node: TeXNode) -> TeXNode {
        switch node {
        case .identifier(let s, _): return .identifier(s, normal: true)
        case .row(let items):
            var out: [TeXNode] = []
            for item in items.map(upright) {
                if case .identifier(let s, true) = item, case .identifier(let previous, true)? = out.last,
                   s.allSatisfy(\.isLetter), previous.allSatisfy(\.isLetter) {
                    out[out.count - 1] = .identifier(previous + s, normal: true)
                } else {
                    out.append(item)
                }
            }
            return .row(out)
        case .scripts(let b, let sub, let sup, let limits):
            return .scripts(upright(b), sub: sub.map(upright), sup: sup.map(upright), limits: limits)
        default: return node
        }
    }

    static func map(_ node: TeXNode, _ f: (String) -> String) -> TeXNode {
        switch node {
        case .identifier(let s, _): return .identifier(f(s), normal: true)
        case .number(let s): return .number(f(s))
        case .row(let items): return .row(items.map { map($0, f) })
        case .scripts(let b, let sub, let sup, let limits):
            return .scripts(map(b, f), sub: sub.map { map($0, f) }, sup: sup.map { map($0, f) }, limits: limits)
        default: return node
        }
    }

    static let doubleStruck: [Character: String] = ["C": "ℂ", "H": "ℍ", "N": "ℕ", "P": "ℙ", "Q": "ℚ", "R": "ℝ", "Z": "ℤ"]
    static let script: [Character: String] = [
        "B": "ℬ", "E": "ℰ", "F": "ℱ", "H": "ℋ", "I": "ℐ", "L": "ℒ", "M": "ℳ", "R": "ℛ", "e": "ℯ", "g": "ℊ", "o": "ℴ",
    ]
    static let fraktur: [Character: String] = ["C": "ℭ", "H": "ℌ", "I": "ℑ", "R": "ℜ", "Z": "ℨ"]

    static func letter(_ s: String, _ command: String) -> String {
        var out = ""
        for c in s {
            guard c.isASCII, let v = c.asciiValue else { out.append(c); continue }
            let upper = (65...90).contains(v), lower = (97...122).contains(v), digit = (48...57).contains(v)
            var base: UInt32? = nil
            switch command {
            case "mathbb":
                if let special = doubleStruck[c] { out += special; continue }
                base = upper ? 0x1D538 : lower ? 0x1D552 : nil
                if digit { base = 0x1D7D8 }
            case "mathcal", "mathscr":
                if let special = script[c] { out += special; continue }
                base = upper ? 0x1D49C : lower ? 0x1D4B6 : nil
            case "mathfrak":
                if let special = fraktur[c] { out += special; continue }
                base = upper ? 0x1D504 : lower ? 0x1D51E : nil
            default: // bold
                base = upper ? 0x1D400 : lower ? 0x1D41A : digit ? 0x1D7CE : nil
            }
            guard let base else { out.append(c); continue }
            let index = UInt32(upper ? v - 65 : lower ? v - 97 : v - 48)
            if let scalar = Unicode.Scalar(base + index) { out.unicodeScalars.append(scalar) } else { out.append(c) }
        }
        return out
    }
}
