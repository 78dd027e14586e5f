/// Finds the top-level fenced code blocks of untrusted Markdown (a student's submission) in
/// one pass over its lines, without cmark-gfm.
///
/// Why not cmark: Debian's libcmark-gfm 0.29.0.gfm.6 has quadratic (and worse) cases — a wide
/// table, runs of `![[]()`, deep `>` nesting followed by emphasis — that let a few kilobytes
/// cost seconds and gigabytes. A submission only matters for its ```` ```answer ID ```` blocks,
/// and finding fences needs none of inline parsing, tables or nesting. Every line is looked at
/// once and every character at most a constant number of times, so the cost is linear in the
/// file's size whatever it holds.
///
/// What it follows of CommonMark (§4.5 fenced code blocks), so that positions agree with
/// `LessonParser.parse` for every answer block:
/// - an opening fence is at least three backticks or tildes, indented by at most three columns
///   (a tab advances to the next multiple of four); a backtick fence's info string holds no
///   backtick;
/// - the block ends at a line of the same character, at least as long, indented by at most three
///   columns, followed only by spaces or tabs; otherwise at the end of the file (reported, as
///   for a lesson);
/// - each body line loses up to as many leading spaces as the opening fence was indented;
/// - the info string is trimmed and its backslash escapes of ASCII punctuation are removed;
/// - HTML blocks of CommonMark types 1 to 6 (`<script`, `<!--`, `<?`, `<!X`, `<![CDATA[`, and
///   block-level tags such as `<div>`) hide the fences inside them, as in cmark.
///
/// Where it is more lenient than cmark, on purpose: a fence that cmark would place inside a list
/// item (an indented continuation line) or inside an HTML block of type 7 (a lone inline tag such
/// as `<span>` on its own line) is read here as a top-level block. For a submission that only
/// means an answer the student wrote is graded rather than silently ignored.
///
/// Where it is stricter, not on purpose: it knows no list items, so an HTML block or a fence
/// opened inside one and never closed runs on here past the item's end, where cmark ends it.
/// The grader therefore reads with cmark too, whenever MarkdownShape allows it
/// (`AnswerExtractor`), and takes both readings.
public enum FenceScanner {
    /// The fenced blocks whose first info word satisfies `isWanted`, in file order, and an error
    /// for each of them that is never closed.
    /// - Parameter isWanted: which first words make a block interesting (e.g. `answer`).
    public static func scan(_ text: String, isWanted: (String) -> Bool = DirectiveRegistry.isDirective)
        -> (blocks: [DirectiveBlock], diagnostics: [LessonError]) {
        // NUL becomes U+FFFD as cmark does (and as LessonParser.parse does), so columns agree.
        let text = text.utf8.contains(0) ? String(String.UnicodeScalarView(text.unicodeScalars.map { $0 == "\0" ? "\u{FFFD}" : $0 })) : text
        let lines = splitLines(text)
        var blocks: [DirectiveBlock] = []
        var diagnostics: [LessonError] = []
        var html: HTMLBlockEnd? = nil
        var index = 0
        while index < lines.count {
            let line = lines[index]
            if let end = html {
                if end.isClosed(by: line) { html = nil }
                index += 1
                continue
            }
            guard let fence = Fence.opening(line) else {
                if let start = HTMLBlockEnd.start(line) { html = start.isClosed(by: line) ? nil : start }
                index += 1
                continue
            }
            // Find the closing fence (or the end of the file).
            var close = index + 1
            while close < lines.count, !fence.isClosed(by: lines[close]) { close += 1 }
            let closed = close < lines.count
            let name = String(fence.info.prefix { $0 != " " && $0 != "\t" })
            if !name.isEmpty, isWanted(name) {
                let fenceLine = index + 1
                var body: [BodyLine] = []
                for k in (index + 1)..<close {
                    let (stripped, column) = fence.strip(lines[k])
                    body.append(BodyLine(text: stripped, position: SourcePosition(line: k + 1, column: column)))
                }
                let endLine = closed ? close + 1 : max(lines.count, fenceLine)
                let block = DirectiveBlock(
                    name: name, info: fence.info,
                    infoPosition: SourcePosition(line: fenceLine, column: fence.infoColumn),
                    position: SourcePosition(line: fenceLine, column: fence.indentCharacters + 1),
                    body: body, source: lines[index..<min(endLine, lines.count)].joined(separator: "\n"),
                    endLine: endLine, isClosed: closed)
                if !closed {
                    let mark = fence.character == UInt8(ascii: "~") ? "~~~" : "```"
                    diagnostics.append(LessonError("the \(mark) fence opened here is never closed; the block runs to the end of the file", at: block.position))
                }
                blocks.append(block)
            }
            index = closed ? close + 1 : lines.count
        }
        return (blocks, diagnostics)
    }

    /// Where a line opens an ```` ```answer ```` (or `~~~answer`) fence after a quote's `>` or a
    /// list item's marker (`- `, `* `, `+ `, `1. `, `1) `), outside the top-level `blocks`: cmark
    /// reads such a block inside the quote or item, and the grader does not read it. The student
    /// is told where rather than "no answer". Linear: each line is looked at once.
    public static func nestedAnswerFences(_ text: String, outside blocks: [DirectiveBlock]) -> [SourcePosition] {
        var found: [SourcePosition] = []
        var next = 0
        for (k, line) in splitLines(text).enumerated() {
            let number = k + 1
            while next < blocks.count, blocks[next].endLine < number { next += 1 }
            if next < blocks.count, blocks[next].position.line <= number { continue }
            var rest = line[...]
            var column = 1, nested = false
            func drop(_ n: Int) { rest = rest.dropFirst(n); column += n }
            while true {
                let spaces = rest.prefix { $0 == " " || $0 == "\t" }.count
                drop(spaces)
                if rest.first == ">" { drop(1); nested = true; continue }
                func spaceAt(_ k: Int) -> Bool { rest.dropFirst(k).first.map { $0 == " " || $0 == "\t" } ?? false }
                if let c = rest.first, c == "-" || c == "*" || c == "+", spaceAt(1) { drop(2); nested = true; continue }
                let digits = rest.prefix { $0.isASCII && $0.isNumber }.count
                if (1...9).contains(digits), let c = rest.dropFirst(digits).first, c == "." || c == ")",
                   spaceAt(digits + 1) { drop(digits + 2); nested = true; continue }
                break
            }
            // Any fence (``` or ~~~, three or more) whose info string starts with the word answer,
            // read as inside an HTML block (`LessonParser.answerFenceColumn`).
            if nested, LessonParser.answerFenceColumn(String(rest)) != nil {
                found.append(SourcePosition(line: number, column: column))
            }
        }
        return found
    }

    /// The text's lines as CommonMark counts them ("\n", "\r\n" and a lone "\r" end a line; the
    /// final line break starts no line), found on UTF-8 bytes so a megabyte line costs one pass.
    static func splitLines(_ text: String) -> [Substring] {
        var lines: [Substring] = []
        let utf8 = text.utf8
        var start = utf8.startIndex
        var i = start
        while i != utf8.endIndex {
            let byte = utf8[i]
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                lines.append(text[start..<i])
                var next = utf8.index(after: i)
                if byte == UInt8(ascii: "\r"), next != utf8.endIndex, utf8[next] == UInt8(ascii: "\n") { next = utf8.index(after: next) }
                start = next
                i = next
            } else {
                i = utf8.index(after: i)
            }
        }
        if start != utf8.endIndex || lines.isEmpty { lines.append(text[start..<utf8.endIndex]) }
        return lines
    }

    static let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")

    /// Leading indentation of a line: its width in columns (a tab advances to the next multiple
    /// of four) and how many bytes (= characters: spaces and tabs) it spans.
    static func indentation(_ line: Substring) -> (columns: Int, end: Substring.UTF8View.Index) {
        var columns = 0
        var i = line.utf8.startIndex
        while i != line.utf8.endIndex {
            let b = line.utf8[i]
            if b == space { columns += 1 } else if b == tab { columns += 4 - columns % 4 } else { break }
            i = line.utf8.index(after: i)
        }
        return (columns, i)
    }

    /// An opening code fence.
    struct Fence {
        /// The fence's byte, '`' or '~'.
        var character: UInt8
        var length: Int
        /// The opening fence's indentation in columns (0 to 3).
        var indent: Int
        var indentCharacters: Int
        /// The info string, trimmed, with backslash escapes removed.
        var info: String
        /// The 1-based column (in characters) where the info string starts.
        var infoColumn: Int

        static func opening(_ line: Substring) -> Fence? {
            let utf8 = line.utf8
            let (columns, start) = indentation(line)
            guard columns <= 3, start != utf8.endIndex else { return nil }
            let c = utf8[start]
            guard c == UInt8(ascii: "`") || c == UInt8(ascii: "~") else { return nil }
            var i = start
            var length = 0
            while i != utf8.endIndex, utf8[i] == c { i = utf8.index(after: i); length += 1 }
            guard length >= 3 else { return nil }
            let rest = line[i...]
            if c == UInt8(ascii: "`"), rest.utf8.contains(c) { return nil }
            var j = i
            var skipped = 0
            while j != utf8.endIndex, utf8[j] == space || utf8[j] == tab { j = utf8.index(after: j); skipped += 1 }
            let indentCharacters = utf8.distance(from: utf8.startIndex, to: start)
            return Fence(character: c, length: length, indent: columns, indentCharacters: indentCharacters,
                         info: unescape(String(rest).trimmingWhitespace()),
                         infoColumn: indentCharacters + length + skipped + 1)
        }

        /// True for a closing fence: the same character, at least as long, indented by at most
        /// three columns, then only spaces or tabs. Stops at the first byte that rules it out.
        func isClosed(by line: Substring) -> Bool {
            let utf8 = line.utf8
            let (columns, start) = indentation(line)
            guard columns <= 3 else { return false }
            var i = start
            var run = 0
            while i != utf8.endIndex, utf8[i] == character { i = utf8.index(after: i); run += 1 }
            guard run >= length else { return false }
            while i != utf8.endIndex {
                guard utf8[i] == space || utf8[i] == tab else { return false }
                i = utf8.index(after: i)
            }
            return true
        }

        /// A body line without up to `indent` columns of leading spaces (CommonMark §4.5), and
        /// the 1-based column of its first character in the file. A tab that reaches past those
        /// columns is cut as cmark cuts it: its remaining columns become spaces.
        func strip(_ line: Substring) -> (text: String, column: Int) {
            var column = 0
            var s = line
            var removed = 0
            while column < indent, let c = s.utf8.first {
                if c == space {
                    column += 1
                } else if c == tab {
                    let width = 4 - column % 4
                    if column + width > indent {
                        // The tab stays in the file; its leftover columns are spaces in the body.
                        return (String(repeating: " ", count: column + width - indent) + s.dropFirst(), removed + 1)
                    }
                    column += width
                } else {
                    break
                }
                s = s.dropFirst()
                removed += 1
            }
            return (String(s), removed + 1)
        }

        /// Backslash escapes of ASCII punctuation removed (CommonMark §2.4), as cmark does in an
        /// info string.
        static func unescape(_ s: String) -> String {
            guard s.contains("\\") else { return s }
            var out = ""
            var escaped = false
            for c in s {
                if escaped {
                    if !(c.isASCII && (c.isPunctuation || c.isSymbol)) { out.append("\\") }
                    out.append(c)
                    escaped = false
                } else if c == "\\" {
                    escaped = true
                } else {
                    out.append(c)
                }
            }
            if escaped { out.append("\\") }
            return out
        }
    }

    /// How an open HTML block (CommonMark §4.6, types 1 to 6) ends.
    enum HTMLBlockEnd {
        /// Types 1 to 5: at the line that contains this text (case-insensitively for type 1).
        case marker([String])
        /// Type 6: at a blank line.
        case blankLine

        /// The HTML block a line starts, if any. Only the first characters after `<` are read.
        static func start(_ line: Substring) -> HTMLBlockEnd? {
            let (columns, start) = indentation(line)
            guard columns <= 3, start != line.utf8.endIndex, line.utf8[start] == UInt8(ascii: "<") else { return nil }
            let rest = String(line[start...].prefix(16)).lowercased()
            // cmark-gfm 0.29 (CommonMark 0.29): type 1 is script, pre and style.
            for tag in ["<script", "<pre", "<style"] where rest.hasPrefix(tag) {
                let after = rest.dropFirst(tag.count).first
                if after == nil || after == " " || after == "\t" || after == ">" {
                    return .marker(["</script>", "</pre>", "</style>"])
                }
            }
            if rest.hasPrefix("<!--") { return .marker(["-->"]) }
            if rest.hasPrefix("<?") { return .marker(["?>"]) }
            if rest.hasPrefix("<![cdata[") { return .marker(["]]>"]) }
            // Type 4 is `<!` and an uppercase letter in cmark-gfm 0.29 (CommonMark 0.31 takes
            // any letter): `<!note` starts a paragraph there, not an HTML block.
            if rest.hasPrefix("<!"), let c = line[start...].dropFirst(2).first, c.isASCII, c.isUppercase { return .marker([">"]) }
            var name = rest.dropFirst()
            if name.first == "/" { name = name.dropFirst() }
            let tag = name.prefix { $0.isASCII && ($0.isLetter || $0.isNumber) }
            // Longer than any block tag (or cut off at 16 characters): not one of them.
            guard !tag.isEmpty, tag.count < 12, blockTags.contains(String(tag)) else { return nil }
            let after = name.dropFirst(tag.count)
            if after.isEmpty || after.first == " " || after.first == "\t" || after.first == ">" || after.hasPrefix("/>") {
                return .blankLine
            }
            return nil
        }

        func isClosed(by line: Substring) -> Bool {
            switch self {
            case .blankLine:
                return line.utf8.allSatisfy { $0 == space || $0 == tab }
            case .marker(let markers):
                let text = line.lowercased()
                return markers.contains { text.contains($0) }
            }
        }

        /// CommonMark 0.29's type-6 tag names.
        static let blockTags: Set<String> = [
            "address", "article", "aside", "base", "basefont", "blockquote", "body", "caption", "center", "col",
            "colgroup", "dd", "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure",
            "footer", "form", "frame", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hr",
            "html", "iframe", "legend", "li", "link", "main", "menu", "menuitem", "nav", "noframes", "ol",
            "optgroup", "option", "p", "param", "section", "summary", "table", "tbody", "td", "tfoot",
            "th", "thead", "title", "tr", "track", "ul",
        ]
    }
}
