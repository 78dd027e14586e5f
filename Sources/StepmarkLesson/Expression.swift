import StepmarkCore

/// An expression of the lesson language (SPEC §2), with the file position of every part.
public indirect enum Expr: Sendable, Equatable {
    case number(Double, SourcePosition)
    case string(String, SourcePosition)
    case name(String, SourcePosition)
    case list([Expr], SourcePosition)
    case negate(Expr, SourcePosition)
    /// `+ - * / @`; the position is the operator's.
    case binary(String, Expr, Expr, SourcePosition)
    /// Postfix `.T`.
    case transpose(Expr, SourcePosition)
    case call(String, [Expr], [KeywordArgument], SourcePosition)
    /// `X[i]`, `X[i, j]`, `X[:, j]`, `X[a:b]` …: one or two index items; the position is the `[`'s.
    case index(Expr, [IndexItem], SourcePosition)
    /// Postfix `.shape`; the position is the dot's.
    case shape(Expr, SourcePosition)
    /// `?`, an unanswered entry; only answers may contain it.
    case unanswered(SourcePosition)

    public var position: SourcePosition {
        switch self {
        case .number(_, let p), .string(_, let p), .name(_, let p), .list(_, let p), .negate(_, let p),
             .binary(_, _, _, let p), .transpose(_, let p), .call(_, _, _, let p), .unanswered(let p),
             .index(_, _, let p), .shape(_, let p): p
        }
    }

    /// Where the expression starts (for a binary expression, its left operand).
    public var start: SourcePosition {
        switch self {
        case .binary(_, let l, _, _): l.start
        case .transpose(let e, _), .index(let e, _, _), .shape(let e, _): e.start
        default: position
        }
    }
}

/// One item between the brackets of an index: a single index, or a slice `a:b` whose omitted
/// ends are nil (numpy's `X[:, j]`, `X[1:]`).
public enum IndexItem: Sendable, Equatable {
    case at(Expr)
    /// Start, stop and the position of the `:`.
    case slice(Expr?, Expr?, SourcePosition)

    /// Where the item starts (for an error about it).
    public var start: SourcePosition {
        switch self {
        case .at(let e): e.start
        case .slice(let a, _, let colon): a?.start ?? colon
        }
    }
}

public struct KeywordArgument: Sendable, Equatable {
    public var name: String
    public var value: Expr
    public var position: SourcePosition
}

/// A token of the expression language.
struct ExprToken: Equatable {
    enum Kind: Equatable {
        case number(Double), string(String), name(String), symbol(String), end
    }
    var kind: Kind
    var position: SourcePosition
}

/// Splits body lines into tokens. Comments run from `#` to the end of the line.
struct ExprLexer {
    /// A character quoted for an error message; invisible ones (control and format characters,
    /// a byte-order mark, U+FFFD, which stands for a NUL byte or bad text) by their code point.
    static func describe(_ c: Character) -> String {
        let scalars = c.unicodeScalars
        let invisible = scalars.contains { s in
            s.properties.generalCategory == .control || s.properties.generalCategory == .format
                || s.value == 0xFFFD || s.properties.isWhitespace
        }
        guard invisible else { return "'\(c)'" }
        let codes = scalars.map { "U+" + String($0.value, radix: 16, uppercase: true).leftPadded(to: 4) }.joined(separator: " ")
        if scalars.first?.value == 0xFFFD { return codes + " (a NUL byte in the file, or text that was not valid)" }
        if scalars.first?.value == 0xFEFF { return codes + " (an invisible byte-order mark)" }
        return codes + " (an invisible character)"
    }

    /// The postfix attributes a value has.
    static let attributes = ["T", "shape"]

    static func tokenize(_ lines: [BodyLine], startOffset: Int = 0) throws -> [ExprToken] {
        var tokens: [ExprToken] = []
        for (n, line) in lines.enumerated() {
            let chars = Array(line.text)
            var i = n == 0 ? startOffset : 0
            func pos(_ k: Int) -> SourcePosition { line.position(at: k) }
            while i < chars.count {
                let c = chars[i]
                if c == " " || c == "\t" || c == "\r" { i += 1; continue }
                if c == "#" { break }
                if c.isASCII && (c.isNumber || c == "."), let number = LiteralScanner.number(chars, from: i) {
                    let start = i
                    // The shared number grammar (`LiteralScanner`); `1e` without exponent digits
                    // ends before the `e`, which the check for a name below then reports.
                    i = number.end
                    // A second point (`1.2.3`) makes no number: quote all of it.
                    if i < chars.count, chars[i] == "." {
                        while i < chars.count, chars[i].isASCII, chars[i].isNumber || chars[i] == "." { i += 1 }
                    }
                    let text = String(chars[start..<i])
                    // Quoted shortened: a number a megabyte long is not repeated in the message.
                    let shown = text.count > 32 ? text.prefix(24) + "… (\(text.count) characters)" : text
                    guard let value = Double(text) else {
                        throw LessonError("'\(shown)' is not a number", at: pos(start))
                    }
                    guard value.isFinite else {
                        throw LessonError("the number \(shown) is too large to represent", at: pos(start))
                    }
                    if i < chars.count, chars[i].isLetter || chars[i] == "_" {
                        throw LessonError("'\(shown)\(chars[i])' is not a number; put an operator between a number and a name", at: pos(start))
                    }
                    tokens.append(ExprToken(kind: .number(value), position: pos(start)))
                    continue
                }
                if c.isLetter || c == "_" {
                    let start = i
                    while i < chars.count, chars[i].isLetter || chars[i].isNumber || chars[i] == "_" { i += 1 }
                    tokens.append(ExprToken(kind: .name(String(chars[start..<i])), position: pos(start)))
                    continue
                }
                if c == "\"" {
                    let start = i
                    switch LiteralScanner.string(chars, from: i) {
                    case .success(let scanned):
                        i = scanned.end
                        tokens.append(ExprToken(kind: .string(LiteralScanner.text(of: scanned.pieces, in: chars)), position: pos(start)))
                    case .failure(.unknownEscape(let backslash)):
                        throw LessonError(StringLiteral.unknownEscape(chars[backslash + 1]), at: pos(backslash))
                    case .failure(.unterminated):
                        throw LessonError(StringLiteral.unterminated, at: pos(start))
                    }
                    continue
                }
                if c == "." && i + 1 < chars.count && (chars[i + 1].isLetter || chars[i + 1] == "_") {
                    // An attribute: `.T` or `.shape`.
                    var j = i + 1
                    while j < chars.count, chars[j].isLetter || chars[j].isNumber || chars[j] == "_" { j += 1 }
                    let word = String(chars[(i + 1)..<j])
                    guard ExprLexer.attributes.contains(word) else {
                        var message = "unknown attribute '.\(word.quotable)'"
                        if let s = suggestion(for: word, among: ExprLexer.attributes) { message += "; did you mean '.\(s)'?" }
                        throw LessonError(message + " (values have .T, the transpose, and .shape)", at: pos(i))
                    }
                    tokens.append(ExprToken(kind: .symbol("." + word), position: pos(i)))
                    i = j
                    continue
                }
                if "+-*/@()[],=?:".contains(c) {
                    tokens.append(ExprToken(kind: .symbol(String(c)), position: pos(i)))
                    i += 1
                    continue
                }
                if c == "−" { // U+2212 MINUS SIGN, common when copying from formulas
                    tokens.append(ExprToken(kind: .symbol("-"), position: pos(i)))
                    i += 1
                    continue
                }
                throw LessonError("unexpected character \(ExprLexer.describe(c))", at: pos(i))
            }
        }
        let endPosition = lines.last.map { $0.position(at: $0.text.count) } ?? SourcePosition(line: 1, column: 1)
        tokens.append(ExprToken(kind: .end, position: endPosition))
        return tokens
    }
}

/// A recursive-descent parser for expressions. Precedence, lowest first: `+ -`, then `* / @`,
/// then unary `-`, then postfix `.T`, as in numpy.
public struct ExprParser {
    var tokens: [ExprToken]
    var index = 0
    let maxNesting: Int
    var depth = 0
    /// Binary operators seen so far: a chain `1 + 1 + …` builds a tree as deep as it is long,
    /// and evaluation recurses over it, so very long chains are refused.
    var operatorCount = 0
    static let maxOperators = 1000
    /// Whether `?` may stand for a number (answers only).
    let allowUnanswered: Bool

    init(tokens: [ExprToken], maxNesting: Int, allowUnanswered: Bool) {
        self.tokens = tokens
        self.maxNesting = maxNesting
        self.allowUnanswered = allowUnanswered
    }

    /// Parses one whole expression from body lines (which may continue over several lines).
    public static func parse(_ lines: [BodyLine], startOffset: Int = 0, maxNesting: Int = 64, allowUnanswered: Bool = false) throws -> Expr {
        var parser = ExprParser(tokens: try ExprLexer.tokenize(lines, startOffset: startOffset),
                                maxNesting: maxNesting, allowUnanswered: allowUnanswered)
        if case .end = parser.current.kind {
            throw LessonError("expected an expression", at: parser.current.position)
        }
        let e = try parser.expression()
        guard case .end = parser.current.kind else {
            throw LessonError("expected an operator or the end of the expression, found \(parser.current.describe)", at: parser.current.position)
        }
        return e
    }

    var current: ExprToken { tokens[index] }

    mutating func take() -> ExprToken { let t = tokens[index]; if index < tokens.count - 1 { index += 1 }; return t }

    func isSymbol(_ s: String) -> Bool { if case .symbol(let x) = current.kind { return x == s } else { return false } }

    mutating func expect(_ s: String, context: String) throws {
        guard isSymbol(s) else { throw LessonError("expected '\(s)' \(context), found \(current.describe)", at: current.position) }
        _ = take()
    }

    /// One level deeper: a bracket, a call's parentheses or a unary sign opened at `position`
    /// (where a too-deep error points).
    mutating func nest<T>(at position: SourcePosition, _ body: (inout ExprParser) throws -> T) throws -> T {
        depth += 1
        defer { depth -= 1 }
        guard depth <= maxNesting else {
            throw LessonError("expression nested more than \(maxNesting) levels deep", at: position)
        }
        return try body(&self)
    }

    mutating func expression() throws -> Expr {
        var left = try term()
        while isSymbol("+") || isSymbol("-") {
            let op = take()
            guard case .symbol(let s) = op.kind else { break }
            try countOperator(at: op.position)
            left = .binary(s, left, try term(), op.position)
        }
        return left
    }

    mutating func countOperator(at position: SourcePosition) throws {
        operatorCount += 1
        if operatorCount > ExprParser.maxOperators {
            throw LessonError("expression too long: more than \(ExprParser.maxOperators) operators; split it over several lines", at: position)
        }
    }

    mutating func term() throws -> Expr {
        var left = try unary()
        while isSymbol("*") || isSymbol("/") || isSymbol("@") {
            let op = take()
            guard case .symbol(let s) = op.kind else { break }
            try countOperator(at: op.position)
            left = .binary(s, left, try unary(), op.position)
        }
        return left
    }

    mutating func unary() throws -> Expr {
        if isSymbol("-") {
            let op = take()
            return try nest(at: op.position) { p in .negate(try p.unary(), op.position) }
        }
        if isSymbol("+") { let op = take(); return try nest(at: op.position) { p in try p.unary() } }
        return try postfix()
    }

    /// Postfix `.T`, `.shape` and indexing `[…]`, left to right: `X[0].T`, `X.T[1, 2]`.
    mutating func postfix() throws -> Expr {
        var e = try primary()
        while true {
            if isSymbol(".T") {
                let p = take().position
                try countOperator(at: p)
                e = .transpose(e, p)
            } else if isSymbol(".shape") {
                let p = take().position
                try countOperator(at: p)
                e = .shape(e, p)
            } else if isSymbol("[") {
                let open = take().position
                try countOperator(at: open)
                let items = try nest(at: open) { p in try p.indexItems(openedAt: open) }
                e = .index(e, items, open)
            } else {
                return e
            }
        }
    }

    /// The items of `[…]` after a value, up to and including the `]`: one or two, each an
    /// index or a slice `a:b` with either end left out.
    mutating func indexItems(openedAt open: SourcePosition) throws -> [IndexItem] {
        var items: [IndexItem] = []
        if isSymbol("]") { throw LessonError("expected an index inside '[ ]', like X[0] or X[:, 1]", at: current.position) }
        repeat {
            if items.count == 2 {
                throw LessonError("too many indices: a matrix takes at most two, X[row, column]", at: current.position)
            }
            var start: Expr? = nil
            if !isSymbol(":") { start = try expression() }
            if isSymbol(":") {
                let colon = take().position
                var stop: Expr? = nil
                if !isSymbol(",") && !isSymbol("]") && !isSymbol(":") { stop = try expression() }
                if isSymbol(":") {
                    throw LessonError("slice steps (a:b:step) are not supported; write a:b", at: current.position)
                }
                items.append(.slice(start, stop, colon))
            } else if let start {
                items.append(.at(start))
            }
        } while try acceptComma(closing: "]")
        guard isSymbol("]") else {
            if case .end = current.kind {
                throw LessonError("unterminated index: '[' at \(open) is never closed", at: open)
            }
            throw LessonError("expected ',', ':' or ']' in the index, found \(current.describe)", at: current.position)
        }
        _ = take()
        return items
    }

    mutating func primary() throws -> Expr {
        let t = take()
        switch t.kind {
        case .number(let v): return .number(v, t.position)
        case .string(let s): return .string(s, t.position)
        case .name(let n):
            if isSymbol("(") {
                let open = take().position
                return try nest(at: open) { p in
                    var args: [Expr] = []
                    var keywords: [KeywordArgument] = []
                    if !p.isSymbol(")") {
                        repeat {
                            if case .name(let k) = p.current.kind, p.tokens[p.index + 1].kind == .symbol("=") {
                                let kp = p.take().position
                                _ = p.take()
                                keywords.append(KeywordArgument(name: k, value: try p.expression(), position: kp))
                            } else {
                                guard keywords.isEmpty else {
                                    throw LessonError("a positional argument cannot follow a keyword argument", at: p.current.position)
                                }
                                args.append(try p.expression())
                            }
                        } while try p.acceptComma(closing: ")")
                    }
                    try p.expect(")", context: "to close the call to \(n)(")
                    return .call(n, args, keywords, t.position)
                }
            }
            return .name(n, t.position)
        case .symbol("("):
            let e = try nest(at: t.position) { p in try p.expression() }
            try expect(")", context: "to close '(' at \(t.position)")
            return e
        case .symbol("["):
            return try nest(at: t.position) { p in
                var items: [Expr] = []
                if !p.isSymbol("]") {
                    repeat { items.append(try p.expression()) } while try p.acceptComma(closing: "]")
                }
                guard p.isSymbol("]") else {
                    if case .end = p.current.kind {
                        throw LessonError("unterminated list: '[' at \(t.position) is never closed", at: t.position)
                    }
                    // On a later line, the likelier slip is a ']' missing at the end of the
                    // list's line (a let gathers lines while a bracket is open): point at the '['
                    // (a teacher's first-hour review saw the next line's name blamed).
                    if p.current.position.line > t.position.line {
                        throw LessonError("this '[' is still open when line \(p.current.position.line) starts with \(p.current.describe), where ',' or ']' was expected; is a ']' missing at the end of its list?", at: t.position)
                    }
                    throw LessonError("expected ',' or ']' in the list, found \(p.current.describe)", at: p.current.position)
                }
                _ = p.take()
                return .list(items, t.position)
            }
        case .symbol("?") where allowUnanswered:
            return .unanswered(t.position)
        case .symbol("?"):
            throw LessonError("'?' marks an unanswered entry and is only allowed in answer blocks", at: t.position)
        case .end:
            throw LessonError("the expression ends too early; expected a number, a name, '(' or '['", at: t.position)
        default:
            throw LessonError("expected a number, a name, '(' or '[', found \(t.describe)", at: t.position)
        }
    }

    /// Consumes a comma; a comma just before the closing bracket is allowed.
    mutating func acceptComma(closing: String) throws -> Bool {
        guard isSymbol(",") else { return false }
        _ = take()
        return !isSymbol(closing)
    }
}

extension ExprToken {
    var describe: String {
        switch kind {
        case .number(let v): "the number \(Runner.format(v))"
        case .string(let s): "the string \"\(s.quotable)\""
        case .name(let n): "the name '\(n.quotable)'"
        case .symbol(let s): "'\(s)'"
        case .end: "the end of the expression"
        }
    }
}

fileprivate extension String {
    /// The string with leading zeros up to `width` characters.
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: Swift.max(0, width - count)) + self }
}
