import Testing
@testable import StepmarkLesson

/// The one literal lexer (`LiteralScanner`) that expressions, info strings and answers share:
/// the same text reads the same way through characters and through UTF-8 bytes.
@Suite struct LiteralScannerTests {
    func number(_ s: String) -> (chars: LiteralScanner.Number?, bytes: LiteralScanner.Number?) {
        (LiteralScanner.number(Array(s), from: 0), LiteralScanner.number(Array(s.utf8), from: 0))
    }

    @Test func numbers() {
        // (text, end, digits, exponent without digits)
        let cases: [(String, Int?, Int, Int?)] = [
            ("12", 2, 2, nil), ("1.5", 3, 2, nil), (".5", 2, 1, nil), ("5.", 2, 1, nil), ("1e-3", 4, 1, nil),
            ("2E+10x", 5, 1, nil), ("1e", 1, 1, 1), ("3e-x", 1, 1, 1), ("1.2.3", 3, 2, nil), (".", nil, 0, nil),
            ("e5", nil, 0, nil), ("-1", nil, 0, nil), ("", nil, 0, nil),
        ]
        for (text, end, digits, exponent) in cases {
            let (c, b) = number(text)
            #expect(c == b, "\(text): characters and bytes disagree")
            #expect(c?.end == end && (c?.digits ?? 0) == digits && c?.exponentWithoutDigits == exponent, "\(text): \(String(describing: c))")
        }
        // Non-ASCII digits are no digits: ٣ (Arabic-Indic three) starts no number.
        #expect(number("٣").chars == nil && number("٣").bytes == nil)
    }

    @Test func strings() {
        func read(_ s: String) -> String? {
            let chars = Array(s)
            guard case .success(let scanned) = LiteralScanner.string(chars, from: 0) else { return nil }
            return scanned.pieces.map { piece -> String in
                switch piece {
                case .units(let r): String(chars[r])
                case .escaped(let e): String(e)
                }
            }.joined()
        }
        #expect(read(#""강가의 \"은행\"" tail"#) == "강가의 \"은행\"")
        #expect(read(#""a\\b\nc\td""#) == "a\\b\nc\td")
        #expect(read(#""""#) == "")
        guard case .failure(.unknownEscape(backslash: 2)) = LiteralScanner.string(Array(#""a\q""#), from: 0) else {
            Issue.record("\\q is no escape"); return
        }
        guard case .failure(.unknownEscape(backslash: 1)) = LiteralScanner.string(Array(#""\은""#.utf8), from: 0) else {
            Issue.record("a non-ASCII escape is no escape, in bytes too"); return
        }
        for open in [#""abc"#, #""abc\"#, #"""#] {
            guard case .failure(.unterminated) = LiteralScanner.string(Array(open), from: 0) else { Issue.record("\(open)"); continue }
        }
        // The closing quote is found in one pass over a megabyte.
        let long = "\"" + String(repeating: "\\\"", count: 500_000) + "\""
        guard case .success(let scanned) = LiteralScanner.string(Array(long.utf8), from: 0) else { Issue.record("long"); return }
        #expect(scanned.end == long.utf8.count && scanned.pieces.count == 500_000)
    }

    /// The three lexers read one number the same way.
    @Test func everyLexerSharesTheGrammar() throws {
        let info = try InfoString.parse("x a=1e-3 b=0x10 c=.5 d=1e e=+2", at: SourcePosition(line: 1, column: 4))
        #expect(info.arguments.map(\.value) == [.number(1e-3, text: "1e-3"), .word("0x10"), .number(0.5, text: ".5"), .word("1e"), .number(2, text: "+2")])
        let report = runLesson("```let\nx = 1e-3 + .5\n```\n")
        #expect(report.step(1)?.value(named: "x")?.value == .tensor(.scalar(0.501)))
        let bad = runLesson("```let\ny = 1.2.3\n```\n")
        #expect(report.errors.isEmpty && bad.errors.first?.message == "'1.2.3' is not a number")
    }
}
