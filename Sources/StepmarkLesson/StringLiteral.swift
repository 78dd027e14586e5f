/// The one rule for a `"quoted string"` wherever a lesson or an answer may write one: info
/// string values, expressions and answer literals (SPEC §1): what an escape means and how to
/// word a problem. `LiteralScanner` below reads strings and numbers for all three lexers, so
/// they can never drift apart again.
public enum StringLiteral {
    /// The character `\e` stands for, or nil when `\e` is not an escape: `\"`, `\\`, `\n`, `\t`.
    public static func unescaped(_ e: Character) -> Character? {
        switch e {
        case "\"", "\\": e
        case "n": "\n"
        case "t": "\t"
        default: nil
        }
    }

    /// The message for `\e` when it is no escape.
    public static func unknownEscape(_ e: Character) -> String {
        "unknown escape '\\\(e)' in a string; the escapes are \\\" \\\\ \\n and \\t"
    }

    /// The message for a string whose closing quote never comes.
    public static let unterminated = "unterminated string: the quote opened here is never closed on this line"
}

/// What a lexer reads: a `Character` (expressions, info strings) or a UTF-8 byte (answers,
/// read as bytes so that a hostile line of a megabyte costs one pass). Literals are ASCII at
/// every point where the scanner decides anything, so it asks each unit only for that.
protocol LiteralUnit {
    /// The unit's ASCII code, or nil for anything else (a non-ASCII character or byte).
    var asciiValue: UInt8? { get }
}

extension Character: LiteralUnit {}

extension UInt8: LiteralUnit {
    var asciiValue: UInt8? { self < 0x80 ? self : nil }
}

/// The one lexer of literals, shared by expressions, info strings and answers: a `"quoted
/// string"` (escapes as `StringLiteral` says) and an unsigned decimal number (digits, an
/// optional fraction, an optional exponent). Each caller keeps its own grammar around them —
/// signs, names, lists — and its own words for what it expected there. Both scans are one
/// forward pass over the units they read.
enum LiteralScanner {
    /// A piece of a quoted string: units copied as they are, or the character an escape stands for.
    enum Piece: Equatable {
        case units(Range<Int>)
        case escaped(Character)
    }

    enum StringProblem: Error, Equatable {
        /// `\e` is no escape; the index is the backslash's.
        case unknownEscape(backslash: Int)
        /// The closing quote never comes.
        case unterminated
    }

    /// The quoted string whose opening `"` is at `start`.
    /// - Returns: its pieces in order and the index just after the closing quote.
    static func string<U: RandomAccessCollection>(_ units: U, from start: Int)
        -> Result<(pieces: [Piece], end: Int), StringProblem> where U.Element: LiteralUnit, U.Index == Int {
        var pieces: [Piece] = []
        var i = start + 1
        var runStart = i
        while i < units.endIndex {
            switch units[i].asciiValue {
            case UInt8(ascii: "\""):
                if runStart < i { pieces.append(.units(runStart..<i)) }
                return .success((pieces, i + 1))
            case UInt8(ascii: "\\"):
                let e = i + 1
                guard e < units.endIndex else { return .failure(.unterminated) }
                guard let ascii = units[e].asciiValue, let unescaped = StringLiteral.unescaped(Character(Unicode.Scalar(ascii))) else {
                    return .failure(.unknownEscape(backslash: i))
                }
                if runStart < i { pieces.append(.units(runStart..<i)) }
                pieces.append(.escaped(unescaped))
                i = e + 1
                runStart = i
            default:
                i += 1
            }
        }
        return .failure(.unterminated)
    }

    /// The text of a string read from characters: its pieces joined.
    static func text(of pieces: [Piece], in chars: [Character]) -> String {
        var s = ""
        for piece in pieces {
            switch piece {
            case .units(let range): s.append(contentsOf: chars[range])
            case .escaped(let e): s.append(e)
            }
        }
        return s
    }

    /// An unsigned decimal number read at `start`.
    struct Number: Equatable {
        /// Just after the number (before an exponent marker that has no digits).
        var end: Int
        /// The digits before and after the point.
        var digits: Int
        /// Where an `e` or `E` stands that no digits follow (`1e`, `2e-x`), if one does.
        var exponentWithoutDigits: Int?
    }

    /// The number at `start`: digits with an optional `.` and fraction (at least one digit in
    /// all), then an optional exponent `e`/`E`, sign, digits. Nil when no digit starts there.
    static func number<U: RandomAccessCollection>(_ units: U, from start: Int) -> Number? where U.Element: LiteralUnit, U.Index == Int {
        func isDigit(_ i: Int) -> Bool { i < units.endIndex && (units[i].asciiValue.map { $0 >= 0x30 && $0 <= 0x39 } ?? false) }
        func isASCII(_ i: Int, _ c: UInt8) -> Bool { i < units.endIndex && units[i].asciiValue == c }
        var i = start
        var digits = 0
        while isDigit(i) { i += 1; digits += 1 }
        // A point belongs to the number when a digit stands on one side of it at least.
        if isASCII(i, UInt8(ascii: ".")), digits > 0 || isDigit(i + 1) {
            i += 1
            while isDigit(i) { i += 1; digits += 1 }
        }
        guard digits > 0 else { return nil }
        var number = Number(end: i, digits: digits, exponentWithoutDigits: nil)
        if isASCII(i, UInt8(ascii: "e")) || isASCII(i, UInt8(ascii: "E")) {
            var j = i + 1
            if isASCII(j, UInt8(ascii: "+")) || isASCII(j, UInt8(ascii: "-")) { j += 1 }
            if isDigit(j) {
                while isDigit(j) { j += 1 }
                number.end = j
            } else {
                number.exponentWithoutDigits = i
            }
        }
        return number
    }

    /// The text of units the scanner read as a number (ASCII only).
    static func text<U: RandomAccessCollection>(_ units: U, _ range: Range<Int>) -> String where U.Element: LiteralUnit, U.Index == Int {
        String(decoding: units[range].map { $0.asciiValue ?? UInt8(ascii: "?") }, as: UTF8.self)
    }
}
