import StepmarkLesson

/// Lesson prose for a terminal: Markdown's marks become terminal styles instead of showing as
/// `**` and `_`. Headings are bold (their `#` dropped), `**strong**` bold, `*emphasis*` and
/// `_emphasis_` italic, `` `code` `` cyan, `[text](url)` its text underlined, list bullets `•`,
/// and a backslash escape its character; TeX formulas stay as written. Without colour the marks
/// are dropped all the same.
/// This is a reading aid, not a Markdown parser: what it does not recognise stays as written.
extension TerminalRenderer {
    public func prose(_ markdown: String) -> String {
        markdown.split(separator: "\n", omittingEmptySubsequences: false).map { proseLine(String($0)) }.joined(separator: "\n")
    }

    func proseLine(_ line: String) -> String {
        let trimmed = line.drop { $0 == " " }
        let indent = String(line.prefix(line.count - trimmed.count))
        let hashes = trimmed.prefix { $0 == "#" }
        if (1...6).contains(hashes.count), trimmed.dropFirst(hashes.count).first == " " {
            return indent + bold(inline(String(trimmed.dropFirst(hashes.count + 1))))
        }
        for bullet in ["- ", "* ", "+ "] where trimmed.hasPrefix(bullet) {
            return indent + "• " + inline(String(trimmed.dropFirst(2)))
        }
        if trimmed.hasPrefix("> ") { return indent + dim("│ ") + inline(String(trimmed.dropFirst(2))) }
        return indent + inline(line.count == trimmed.count ? line : String(trimmed))
    }

    /// Inline marks of one line.
    func inline(_ text: String) -> String {
        let chars = Array(text)
        var out = ""
        var i = 0
        func find(_ mark: [Character], from start: Int) -> Int? {
            var j = start
            while j + mark.count <= chars.count {
                if chars[j] == "\\" { j += 2; continue }
                if Array(chars[j..<(j + mark.count)]) == mark { return j }
                j += 1
            }
            return nil
        }
        func isWordCharacter(_ k: Int) -> Bool { k >= 0 && k < chars.count && (chars[k].isLetter || chars[k].isNumber) }
        // TeX (`$a_1 * b$`) is shown as written: its `_`, `*` and `\` are not Markdown.
        var formulas = ProseMarkup.formulaRanges(inLine: text)[...]
        while i < chars.count {
            while let f = formulas.first, f.upperBound <= i { formulas = formulas.dropFirst() }
            if let f = formulas.first, f.lowerBound == i, f.upperBound <= chars.count {
                out += String(chars[f])
                i = f.upperBound
                continue
            }
            let c = chars[i]
            if c == "\\", i + 1 < chars.count, chars[i + 1].isPunctuation || chars[i + 1].isSymbol {
                out.append(chars[i + 1]); i += 2; continue
            }
            if c == "`", let end = find(["`"], from: i + 1) {
                out += style(String(chars[(i + 1)..<end]), "36"); i = end + 1; continue
            }
            if (c == "*" || c == "_"), i + 1 < chars.count, chars[i + 1] == c,
               !(c == "_" && isWordCharacter(i - 1)), let end = find([c, c], from: i + 2), end > i + 2 {
                out += bold(inline(String(chars[(i + 2)..<end]))); i = end + 2; continue
            }
            if (c == "*" || c == "_"), i + 1 < chars.count, chars[i + 1] != " ", !(c == "_" && isWordCharacter(i - 1)),
               let end = find([c], from: i + 1), end > i + 1, chars[end - 1] != " ", !(c == "_" && isWordCharacter(end + 1)) {
                out += style(inline(String(chars[(i + 1)..<end])), "3"); i = end + 1; continue
            }
            if c == "[", let close = find(["]", "("], from: i + 1), let end = find([")"], from: close + 2) {
                out += style(inline(String(chars[(i + 1)..<close])), "4"); i = end + 1; continue
            }
            out.append(c)
            i += 1
        }
        return out
    }
}
