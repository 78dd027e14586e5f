import StepmarkCore

/// A value written in an info string: `2`, `causal`, `"강가"`, `[1, 2]`.
public indirect enum ArgValue: Sendable, Equatable, CustomStringConvertible {
    /// A number, with the text it was written as (so `2` is shown as `2`, not `2.0`).
    case number(Double, text: String)
    /// A bare word: anything without spaces, quotes or brackets that is not a number.
    case word(String)
    /// A quoted string, escapes resolved.
    case string(String)
    case list([ArgValue])

    public var description: String {
        switch self {
        case .number(_, let text): text
        case .word(let w): w
        case .string(let s): "\"" + s.replacing( "\\", with: "\\\\").replacing( "\"", with: "\\\"") + "\""
        case .list(let items): "[" + items.map(\.description).joined(separator: ", ") + "]"
        }
    }
}

/// One `key=value` pair of an info string.
public struct InfoArgument: Sendable, Equatable {
    public var key: String
    public var value: ArgValue
    /// Where the key starts.
    public var position: SourcePosition
    /// Where the value starts.
    public var valuePosition: SourcePosition
}

/// An info string split into the directive name, positional words and `key=value` arguments.
public struct InfoString: Sendable, Equatable {
    public var name: String
    public var positional: [(text: String, position: SourcePosition)]
    public var arguments: [InfoArgument]

    public static func == (a: InfoString, b: InfoString) -> Bool {
        a.name == b.name && a.arguments == b.arguments
            && a.positional.map(\.text) == b.positional.map(\.text)
            && a.positional.map(\.position) == b.positional.map(\.position)
    }

    /// Parses `NAME key=value …` starting at `start` in the file.
    ///
    /// Values are numbers, bare words, `"quoted strings"` (with `\"` and `\\`) or `[lists]` of
    /// those, separated by commas. A word without `=` after the name is positional (`answer ex1`).
    /// - Throws: `LessonError` at the offending character for an unterminated string or list,
    ///   an unknown escape, a missing value, or a repeated key.
    public static func parse(_ info: String, at start: SourcePosition) throws -> InfoString {
        var scanner = InfoScanner(Array(info), start: start)
        scanner.skipSpaces()
        let name = scanner.word()
        var positional: [(String, SourcePosition)] = []
        var arguments: [InfoArgument] = []
        var keys: Set<String> = []
        while true {
            scanner.skipSpaces()
            guard !scanner.atEnd else { break }
            let position = scanner.position
            if scanner.peek == "=" { throw LessonError("expected a name before '='", at: position) }
            if scanner.peek == "\"" || scanner.peek == "[" {
                throw LessonError("expected key=value, found a value without a key", at: position)
            }
            let key = scanner.word(stoppingAt: "=")
            if key.isEmpty, let c = scanner.peek, c != "=" {
                // Only a stray ']' stops a word before it starts; without this the loop would
                // never advance.
                throw LessonError("unexpected '\(c)' with no '[' before it", at: position)
            }
            if scanner.peek == "=" {
                scanner.advance()
                let valuePosition = scanner.position
                if scanner.atEnd || scanner.peek == " " || scanner.peek == "\t" {
                    throw LessonError("'\(key.quotable)=' has no value", at: valuePosition)
                }
                let value = try scanner.value(depth: 0)
                // A set, not a search of the list: a line of 100,000 keys stays linear.
                guard keys.insert(key).inserted else {
                    throw LessonError("'\(key.quotable)' is given twice", at: position)
                }
                if let c = scanner.peek, c != " " && c != "\t" {
                    throw LessonError("unexpected '\(c)' after the value of '\(key.quotable)'; separate arguments with spaces", at: scanner.position)
                }
                arguments.append(InfoArgument(key: key, value: value, position: position, valuePosition: valuePosition))
            } else {
                positional.append((key, position))
            }
        }
        return InfoString(name: name, positional: positional, arguments: arguments)
    }
}

/// A character scanner over one info string that knows its file position.
struct InfoScanner {
    let chars: [Character]
    var index = 0
    let start: SourcePosition

    init(_ chars: [Character], start: SourcePosition) { self.chars = chars; self.start = start }

    var atEnd: Bool { index >= chars.count }
    var peek: Character? { atEnd ? nil : chars[index] }
    var position: SourcePosition { SourcePosition(line: start.line, column: start.column + index) }
    mutating func advance() { index += 1 }
    mutating func skipSpaces() { while let c = peek, c == " " || c == "\t" { advance() } }

    /// Characters up to a space (or `stop`), a quote or a bracket.
    mutating func word(stoppingAt stop: Character? = nil) -> String {
        var s = ""
        while let c = peek, c != " ", c != "\t", c != "\"", c != "[", c != "]", c != stop {
            s.append(c); advance()
        }
        return s
    }

    mutating func value(depth: Int) throws -> ArgValue {
        guard depth < 32 else { throw LessonError("lists nested more than 32 deep", at: position) }
        switch peek {
        case "\"":
            return .string(try quoted())
        case "[":
            let open = position
            advance()
            var items: [ArgValue] = []
            while true {
                skipSpaces()
                guard let c = peek else { throw LessonError("unterminated list: '[' is never closed", at: open) }
                if c == "]" { advance(); return .list(items) }
                if !items.isEmpty {
                    guard c == "," else { throw LessonError("expected ',' or ']' in list, found '\(c)'", at: position) }
                    advance(); skipSpaces()
                }
                items.append(try listItem(depth: depth + 1))
            }
        default:
            return classify(word())
        }
    }

    /// An item inside a list: like a value, but a comma ends a bare word.
    private mutating func listItem(depth: Int) throws -> ArgValue {
        if peek == "\"" || peek == "[" { return try value(depth: depth) }
        var s = ""
        while let c = peek, c != " ", c != "\t", c != ",", c != "]", c != "[", c != "\"" { s.append(c); advance() }
        guard !s.isEmpty else { throw LessonError("expected a list item", at: position) }
        return classify(s)
    }

    /// A bare word is a number when all of it is one: an optional sign, then the number
    /// grammar every lexer shares (`LiteralScanner`); anything else is a word.
    private func classify(_ s: String) -> ArgValue {
        let units = Array(s.utf8)
        let digitsStart = units.first == UInt8(ascii: "-") || units.first == UInt8(ascii: "+") ? 1 : 0
        if let number = LiteralScanner.number(units, from: digitsStart), number.end == units.count,
           number.exponentWithoutDigits == nil, let d = Double(s), d.isFinite {
            return .number(d, text: s)
        }
        return .word(s)
    }

    private mutating func quoted() throws -> String {
        let open = position
        switch LiteralScanner.string(chars, from: index) {
        case .success(let scanned):
            index = scanned.end
            return LiteralScanner.text(of: scanned.pieces, in: chars)
        case .failure(.unknownEscape(let backslash)):
            throw LessonError(StringLiteral.unknownEscape(chars[backslash + 1]),
                              at: SourcePosition(line: start.line, column: start.column + backslash))
        case .failure(.unterminated):
            throw LessonError(StringLiteral.unterminated, at: open)
        }
    }
}
