import StepmarkCore

/// `answer ID`: a student's answer to exercise ID — a literal of the expected shape, with `?`
/// for entries not answered. Answers are parsed as data, never evaluated as code that could
/// read names or files.
enum AnswerDirective: Directive {
    static let name = "answer"
    static let summary = "a student's answer to an exercise (a literal; ? marks a blank entry)"
    static let body = "a number, a [list], a [[matrix]] or a [\"token\", \"list\"]; ? for blanks"
    static let arguments: [ArgumentSpec] = []
    static let subSteps = "answer (the parsed literal)"
    /// The exercise comes first: an answer for no exercise is an error, so the example runs
    /// only with its exercise (a docs audit ran it alone).
    static let example = """
        ```softmax exercise=ex1
        [1, 1]
        ```

        ```answer ex1
        [0.5, 0.5]
        ```
        """

    static func run(_ context: StepContext) throws {
        guard let id = context.args.info.positional.first else {
            throw LessonError("answer needs the exercise id: ```answer ID", at: context.block.infoPosition)
        }
        if context.args.info.positional.count > 1 {
            let extra = context.args.info.positional[1]
            throw LessonError("answer takes one exercise id, found a second word '\(extra.text)'", at: extra.position)
        }
        // The body was parsed once, with the lesson (`AnswerBlock`): the runner, the grader
        // and the student view share that parse and its errors' positions.
        guard let answer = context.answer else {
            throw LessonError("an answer block must be read by LessonParser", at: id.position)
        }
        let value = try answer.literal.get().value
        try context.record("answer", value)
        context.setResult(value, recorded: "answer", storeAs: nil)
    }
}

/// An answer as written: a scalar, a list or a list of rows, each entry a number, a quoted
/// string or `?` (blank). Kept apart from `Value` so that a blank token and a mixed row (a
/// ranking's token and score) survive until grading.
public struct AnswerLiteral: Sendable, Equatable {
    public enum Cell: Sendable, Equatable {
        case number(Double)
        case text(String)
        case blank
    }
    /// `[]` for a single entry, `[n]` for a list, `[rows, cols]` for a list of rows.
    public var shape: [Int]
    /// The entries in row-major order.
    public var cells: [Cell]

    public init(shape: [Int], cells: [Cell]) {
        self.shape = shape
        self.cells = cells
    }

    public var count: Int { cells.count }
    public var blanks: Int { cells.reduce(0) { $1 == .blank ? $0 + 1 : $0 } }

    /// "a number", "a list of 3", "a 2×3 matrix".
    public var summary: String {
        switch shape.count {
        case 0: if case .text = cells.first { return "text" } else { return "a number" }
        case 1: return "a list of \(shape[0])"
        default: return "a \(shape[0])×\(shape[1]) matrix"
        }
    }

    /// The literal as a value, for reports: numbers (blanks as NaN) become a tensor, strings
    /// a token list (blanks as "?") or text, rows with strings a table.
    public var value: Value {
        let numeric = cells.allSatisfy { if case .text = $0 { return false } else { return true } }
        if numeric {
            let data = cells.map { if case .number(let x) = $0 { return x } else { return Double.nan } }
            return .tensor(Tensor(shape: shape, data: data))
        }
        func word(_ c: Cell) -> String {
            switch c {
            case .number(let x): return x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
            case .text(let s): return s
            case .blank: return "?"
            }
        }
        switch shape.count {
        case 0: return .text(word(cells[0]))
        case 1: return .tokens(TokenList(cells.map(word)))
        default:
            let cols = shape[1]
            let rows = (0..<shape[0]).map { r in
                cells[(r * cols)..<((r + 1) * cols)].map { c -> Table.Cell in
                    if case .number(let x) = c { return .number(x) }
                    return .text(word(c))
                }
            }
            return .table(Table(columns: (0..<cols).map { String($0 + 1) }, rows: rows))
        }
    }
}

/// Parses answer literals. Only literals are accepted: numbers (with `inf` and `∞`), `?`,
/// quoted strings and up to two levels of brackets; names, operators and calls are refused so
/// that nothing a student writes is evaluated. The parser works on bytes and never builds a
/// number from more than 64 characters, so a hostile submission costs time linear in its size.
public enum AnswerParser {
    /// The answer as a value (for `stepmark run` and reports).
    public static func parse(_ lines: [BodyLine], limits: Limits, at position: SourcePosition) throws -> Value {
        try literal(lines, limits: limits, at: position).value
    }

    /// The longest number accepted, in characters.
    public static let maxNumberLength = 64

    /// The answer as written. `position` is where to report an empty answer (the id).
    public static func literal(_ lines: [BodyLine], limits: Limits, at position: SourcePosition) throws -> AnswerLiteral {
        var lexer = AnswerLexer(lines: lines)
        let first = try lexer.next()
        if case .end = first.kind {
            throw LessonError("the answer is empty; write a number, a list or a matrix (? for a blank entry)", at: position)
        }
        var parser = Parser(lexer: lexer, current: first, maxEntries: limits.maxEntries)
        let root = try parser.item(depth: 0)
        if case .end = parser.current.kind {} else {
            throw LessonError("found \(parser.current.kind.describe) after the answer; write one literal (a number, a [list] or a [[matrix]])", at: parser.current.position)
        }
        switch root {
        case .cell(let c):
            return AnswerLiteral(shape: [], cells: [c])
        case .list(let items, _):
            if items.isEmpty { return AnswerLiteral(shape: [0], cells: []) }
            if case .cell = items[0].node {
                var cells: [AnswerLiteral.Cell] = []
                cells.reserveCapacity(items.count)
                for item in items {
                    guard case .cell(let c) = item.node else {
                        throw LessonError("this list mixes entries and rows; expected an entry here, found a [list]", at: item.position)
                    }
                    cells.append(c)
                }
                return AnswerLiteral(shape: [items.count], cells: cells)
            }
            var cells: [AnswerLiteral.Cell] = []
            var cols = -1
            for (r, item) in items.enumerated() {
                guard case .list(let row, _) = item.node else {
                    throw LessonError("this matrix mixes rows and entries; expected a [row] here", at: item.position)
                }
                if cols < 0 { cols = row.count }
                guard row.count == cols else {
                    throw LessonError("row \(r + 1) has \(row.count) entr\(row.count == 1 ? "y" : "ies"), but row 1 has \(cols); every row needs the same number", at: item.position)
                }
                for entry in row {
                    guard case .cell(let c) = entry.node else {
                        throw LessonError("answers have at most two levels of brackets (a matrix)", at: entry.position)
                    }
                    cells.append(c)
                }
            }
            return AnswerLiteral(shape: [items.count, max(cols, 0)], cells: cells)
        }
    }

    indirect enum Node {
        case cell(AnswerLiteral.Cell)
        case list([(node: Node, position: SourcePosition)], SourcePosition)
    }

    struct Parser {
        var lexer: AnswerLexer
        var current: AnswerToken
        let maxEntries: Int
        var entries = 0

        mutating func advance() throws { current = try lexer.next() }

        mutating func item(depth: Int) throws -> Node {
            let token = current
            switch token.kind {
            case .number(let x): try advance(); try count(token); return .cell(.number(x))
            case .string(let s): try advance(); try count(token); return .cell(.text(s))
            case .blank: try advance(); try count(token); return .cell(.blank)
            case .open:
                guard depth < 2 else {
                    throw LessonError("answers have at most two levels of brackets (a matrix); three-dimensional answers are not supported", at: token.position)
                }
                try advance()
                var items: [(node: Node, position: SourcePosition)] = []
                while true {
                    if case .close = current.kind { try advance(); break }
                    let position = current.position
                    if case .end = current.kind {
                        throw LessonError("the '[' opened here is never closed", at: token.position)
                    }
                    items.append((try item(depth: depth + 1), position))
                    switch current.kind {
                    case .comma: try advance()
                    case .close: continue
                    case .end: throw LessonError("the '[' opened here is never closed", at: token.position)
                    default: throw LessonError("expected ',' or ']' here, found \(current.kind.describe)", at: current.position)
                    }
                }
                // An empty list holds no entry but is still a row to build and check: it counts
                // as one, so a few MB of `[],[],…` stop at the limit instead of after.
                if items.isEmpty { try count(token) }
                return .list(items, token.position)
            case .close: throw LessonError("unexpected ']' with no '[' before it", at: token.position)
            case .comma: throw LessonError("unexpected ','; expected a number, a \"string\", ? or [", at: token.position)
            case .end: throw LessonError("the answer ends too early; expected a number, a \"string\", ? or [", at: token.position)
            }
        }

        mutating func count(_ token: AnswerToken) throws {
            entries += 1
            if entries > maxEntries {
                throw LessonError("the answer has more than \(maxEntries) entries (raise the limit with --max-entries)", at: token.position)
            }
        }
    }
}

struct AnswerToken {
    enum Kind {
        case number(Double), string(String), blank, open, close, comma, end
        var describe: String {
            switch self {
            case .number: "a number"
            case .string: "a string"
            case .blank: "'?'"
            case .open: "'['"
            case .close: "']'"
            case .comma: "','"
            case .end: "the end of the answer"
            }
        }
    }
    var kind: Kind
    var position: SourcePosition
}

/// Splits answer lines into tokens, working on UTF-8 bytes.
struct AnswerLexer {
    let lines: [BodyLine]
    var lineIndex = 0
    var bytes: [UInt8] = []
    var offset = 0
    var loaded = -1

    init(lines: [BodyLine]) { self.lines = lines }

    /// A place in the current line: a character's index, its UTF-8 offset and how many
    /// characters come before it. Positions are asked for in the order of the tokens, so each
    /// line is walked once (a table of every character's offset took 134 MB for a 10 MB line).
    var cursor: (index: String.Index, byte: Int, count: Int)? = nil
    var cursorLine = -1

    /// The file position of byte `offset` in the current line (columns count characters).
    mutating func position(_ byteOffset: Int) -> SourcePosition {
        let line = lines[lineIndex]
        let text = line.text
        if cursorLine != lineIndex || cursor.map({ $0.byte > byteOffset }) ?? true {
            cursor = (text.startIndex, 0, 0)
            cursorLine = lineIndex
        }
        var (index, byte, count) = cursor!
        // Past every character that starts before the offset.
        while index < text.endIndex, byte < byteOffset {
            let next = text.index(after: index)
            byte += text.utf8.distance(from: index, to: next)
            count += 1
            index = next
        }
        cursor = (index, byte, count)
        return line.position(at: count)
    }

    /// A short, printable quote of the text at `offset` (for error messages that a grader
    /// may show: control characters are replaced and the length is capped).
    func snippet(_ byteOffset: Int) -> String {
        var end = min(bytes.count, byteOffset + 24)
        // Never in the middle of a character (a cut UTF-8 sequence printed as �).
        while end < bytes.count, end > byteOffset, bytes[end] & 0xC0 == 0x80 { end -= 1 }
        var s = Snippet.printable(String(decoding: bytes[byteOffset..<end], as: UTF8.self))
        if let space = s.firstIndex(where: { $0 == " " || $0 == "," || $0 == "]" || ($0.isWhitespace && $0 != "\n") }) { s = String(s[..<space]) }
        return s + (end < bytes.count && s.utf8.count >= 24 ? "…" : "")
    }

    /// The length in bytes of a space at `at`, else 0: ASCII space, tab and CR, and the spaces a
    /// student copies from a PDF or a word processor (no-break U+00A0, U+202F, U+2000–U+200B,
    /// ideographic U+3000, and a byte-order mark U+FEFF), which read as a space in an answer.
    func spaceLength(at i: Int) -> Int {
        let b = bytes[i]
        if b == 0x20 || b == 0x09 || b == 0x0D { return 1 }
        func next(_ k: Int) -> UInt8? { i + k < bytes.count ? bytes[i + k] : nil }
        switch b {
        case 0xC2 where next(1) == 0xA0: return 2
        case 0xE2 where next(1) == 0x80 && (next(2).map { $0 <= 0x8B || $0 == 0xAF } ?? false): return 3
        case 0xE3 where next(1) == 0x80 && next(2) == 0x80: return 3
        case 0xEF where next(1) == 0xBB && next(2) == 0xBF: return 3
        default: return 0
        }
    }

    mutating func next() throws -> AnswerToken {
        while true {
            if loaded != lineIndex {
                guard lineIndex < lines.count else {
                    let last = lines.last
                    let end = last.map { $0.position(at: $0.text.count) } ?? SourcePosition(line: 1, column: 1)
                    return AnswerToken(kind: .end, position: end)
                }
                bytes = Array(lines[lineIndex].text.utf8)
                offset = 0
                loaded = lineIndex
            }
            while offset < bytes.count, case let n = spaceLength(at: offset), n > 0 { offset += n }
            if offset >= bytes.count || bytes[offset] == UInt8(ascii: "#") {
                lineIndex += 1
                continue
            }
            break
        }
        let start = offset
        let b = bytes[offset]
        func token(_ kind: AnswerToken.Kind) -> AnswerToken { AnswerToken(kind: kind, position: position(start)) }
        switch b {
        case UInt8(ascii: "["): offset += 1; return token(.open)
        case UInt8(ascii: "]"): offset += 1; return token(.close)
        case UInt8(ascii: ","): offset += 1; return token(.comma)
        case UInt8(ascii: "?"): offset += 1; return token(.blank)
        case UInt8(ascii: "\""): return try string()
        default:
            if let number = try number() { return AnswerToken(kind: .number(number), position: position(start)) }
            if let problem = otherQuotes(at: start) { throw problem }
            let quoted = snippet(start)
            if (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b >= 0x80 {
                var end = start
                while end < bytes.count, isWordByte(bytes[end]), bytes[end] != UInt8(ascii: "."), end - start < 40 { end += 1 }
                let word = Snippet.printable(String(decoding: bytes[start..<end], as: UTF8.self))
                var next = end
                while next < bytes.count, bytes[next] == 0x20 { next += 1 }
                if next < bytes.count, bytes[next] == UInt8(ascii: "(") {
                    throw LessonError("'\(word)(…)' is a call; an answer must be a literal (numbers, ?, \"quoted strings\", [lists]), never an expression", at: position(start))
                }
                throw LessonError("'\(word)' is not a literal: write text in double quotes (\"\(word)\"); names are not allowed in an answer", at: position(start))
            }
            throw LessonError("unexpected '\(quoted)': an answer is a literal (numbers, ?, \"strings\", [lists]); operators are not allowed", at: position(start))
        }
    }

    mutating func string() throws -> AnswerToken {
        let start = offset
        switch LiteralScanner.string(bytes, from: offset) {
        case .success(let scanned):
            var out: [UInt8] = []
            for piece in scanned.pieces {
                switch piece {
                case .units(let range): out.append(contentsOf: bytes[range])
                case .escaped(let e): out.append(contentsOf: e.utf8)
                }
            }
            offset = scanned.end
            return AnswerToken(kind: .string(String(decoding: out, as: UTF8.self)), position: position(start))
        case .failure(.unknownEscape(let backslash)):
            // The escaped character, decoded whole (a Hangul syllable after \ is three bytes).
            let e = String(decoding: bytes[(backslash + 1)..<min(backslash + 5, bytes.count)], as: UTF8.self).first ?? "?"
            throw LessonError(StringLiteral.unknownEscape(e), at: position(backslash))
        case .failure(.unterminated):
            throw LessonError(StringLiteral.unterminated, at: position(start))
        }
    }

    /// A number at `offset`: an optional sign (`-`, `+` or `−`), then digits with an optional
    /// fraction and exponent, or `inf` / `∞`. Nil when no number starts here.
    mutating func number() throws -> Double? {
        let start = offset
        var i = offset
        var negative = false
        if i < bytes.count, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
            negative = bytes[i] == UInt8(ascii: "-"); i += 1
        } else if i + 2 < bytes.count, bytes[i] == 0xE2, bytes[i + 1] == 0x88, bytes[i + 2] == 0x92 {
            negative = true; i += 3
        }
        // Infinity: inf, ∞ (E2 88 9E).
        if i + 3 <= bytes.count, bytes[i] == 0xE2, bytes[i + 1] == 0x88, bytes[i + 2] == 0x9E {
            offset = i + 3
            return negative ? -.infinity : .infinity
        }
        if i + 3 <= bytes.count, bytes[i] == UInt8(ascii: "i"), bytes[i + 1] == UInt8(ascii: "n"), bytes[i + 2] == UInt8(ascii: "f"),
           i + 3 == bytes.count || !isWordByte(bytes[i + 3]) || spaceLength(at: i + 3) > 0 {
            offset = i + 3
            return negative ? -.infinity : .infinity
        }
        let digitsStart = i
        // The number grammar every lexer shares (`LiteralScanner`).
        guard let number = LiteralScanner.number(bytes, from: i) else {
            if i > start {
                if i == bytes.count || spaceLength(at: i) > 0 {
                    // `1 + 2`: a sign standing alone is an operator.
                    throw LessonError("unexpected '\(snippet(start))': an answer is a literal (numbers, ?, \"strings\", [lists]); operators are not allowed", at: position(start))
                }
                throw LessonError("a sign must be followed by a number", at: position(start))
            }
            return nil
        }
        if let e = number.exponentWithoutDigits {
            throw LessonError("an exponent needs digits, as in 1e-3", at: position(e))
        }
        i = number.end
        // A space copied from a word processor ends the number as a space does.
        if i < bytes.count, isWordByte(bytes[i]), spaceLength(at: i) == 0 {
            throw LessonError("'\(snippet(start))' is not a number; names and units are not allowed in an answer", at: position(start))
        }
        guard i - digitsStart <= AnswerParser.maxNumberLength else {
            throw LessonError("a number of \(i - digitsStart) characters is too long (at most \(AnswerParser.maxNumberLength))", at: position(start))
        }
        let text = String(decoding: bytes[digitsStart..<i], as: UTF8.self)
        guard let value = Double(text) else {
            throw LessonError("'\(snippet(start))' is not a number", at: position(start))
        }
        guard value.isFinite else {
            throw LessonError("the number \(text) is too large to represent; write inf for infinity", at: position(start))
        }
        offset = i
        return negative ? -value : value
    }

    func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    /// The length of a quote mark other than `"` at `i`: `'` and the curly marks U+2018–U+201F
    /// (‘ ’ “ ” „) that word processors and phones type; else 0.
    func otherQuoteLength(at i: Int) -> Int {
        if bytes[i] == 0x27 { return 1 }
        if bytes[i] == 0xE2, i + 2 < bytes.count, bytes[i + 1] == 0x80, (0x98...0x9F).contains(bytes[i + 2]) { return 3 }
        return 0
    }

    /// An answer that opens with a quote mark other than `"` and closes it: text in curly or
    /// single quotes (`“강아지”`, `'cat'`). Said as such, with the text to write: the word
    /// rule's advice, `write text in double quotes ("“강아지”")`, kept the curly marks inside.
    /// A number or a list in quotes is told to drop them. Nil when no closing mark follows
    /// within 400 bytes (`1'000`, an apostrophe inside a number) or nothing is between.
    mutating func otherQuotes(at start: Int) -> LessonError? {
        let open = otherQuoteLength(at: start)
        guard open > 0 else { return nil }
        var end = start + open
        // Every quote mark begins with a byte no UTF-8 continuation byte equals, so the scan
        // never stops inside a character.
        while end < bytes.count, end - start < 400, otherQuoteLength(at: end) == 0, bytes[end] != UInt8(ascii: "\"") { end += 1 }
        guard end < bytes.count, otherQuoteLength(at: end) > 0 else { return nil }
        let inner = Snippet.printable(String(decoding: bytes[(start + open)..<end], as: UTF8.self)).trimmingWhitespace()
        guard !inner.isEmpty else { return nil }
        let mark = Snippet.printable(String(decoding: bytes[start..<(start + open)], as: UTF8.self))
        if Self.isPlainNumber(inner) {
            return LessonError("the number \(inner) is in quotes (\(mark)); write it without quotes: \(inner)", at: position(start))
        }
        if inner.hasPrefix("[") {
            return LessonError("the list \(inner) is in quotes (\(mark)); write it without quotes: \(inner)", at: position(start))
        }
        return LessonError("the text \(inner) is in \(mark == "'" ? "single" : "curly") quotes (\(mark)); write it in straight double quotes: \"\(inner)\"", at: position(start))
    }

    /// Digits with an optional sign, point and exponent: what the advice to drop the quotes
    /// may suggest (`Double` also reads nan, inf and hexadecimal, which an answer does not).
    static func isPlainNumber(_ s: String) -> Bool {
        s.wholeMatch(of: /[+\-−]?(\d+\.?\d*|\.\d+)([eE][+\-]?\d+)?/) != nil
    }

    func isWordByte(_ b: UInt8) -> Bool {
        isDigit(b) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b == UInt8(ascii: ".") || b >= 0x80
    }
}

enum Snippet {
    /// Control characters replaced by U+FFFD, so a quote of untrusted text prints safely.
    static func printable(_ s: String) -> String {
        String(s.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "\u{FFFD}" : Character($0) })
    }
}
