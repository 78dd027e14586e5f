/// Link reference definitions (`[d]: https://example.com "title"`) that no link of the lesson
/// uses. cmark-gfm shows nothing of a definition, so one that serves no link is invisible on
/// the page: Markdown's comment idiom, `[//]: # (the answer is 4)` or `[comment]: <> (…)`.
/// Like an HTML comment, a student's copy leaves it out (`ProseComments`); a definition some
/// link uses stays, or the copy's link would break.
enum ReferenceDefinitions {
    /// The label of a line that starts a definition (at most three spaces, `[`, the label,
    /// `]:`), as `LessonParser.referenceDefinitionLines` recognises one; nil for any other line.
    static func label(startingLine text: String) -> Substring? {
        let leading = text.prefix { $0 == " " }.count
        guard leading <= 3 else { return nil }
        let rest = text.dropFirst(leading)
        guard rest.hasPrefix("[") else { return nil }
        // The first `]:` not escaped (`[step 1\]: intro]: …` is one label).
        var escaped = false
        for i in rest.indices.dropFirst() {
            let c = rest[i]
            if escaped { escaped = false; continue }
            if c == "\\" { escaped = true; continue }
            if c == "]", rest.index(after: i) < rest.endIndex, rest[rest.index(after: i)] == ":" {
                return rest[rest.index(after: rest.startIndex)..<i]
            }
        }
        return nil
    }

    /// Whether a line reads as a link reference definition: `[label]:`, an address, then
    /// nothing or the start of a title (`"`, `'`, `(`). `[x]: the answer is $y$` is no
    /// definition (CommonMark), so its formula stays one.
    static func isDefinition(line: String) -> Bool {
        guard let label = label(startingLine: line) else { return false }
        let afterColon = line[label.endIndex...].dropFirst(2).drop { $0 == " " || $0 == "\t" }
        guard !afterColon.isEmpty else { return true }  // the address on the next line
        let rest = afterColon.drop { !$0.isWhitespace }.drop { $0 == " " || $0 == "\t" }
        return rest.isEmpty || ["\"", "'", "("].contains(rest.first!)
    }


    /// The last line of the definition that starts at line `start` (1-based), as CommonMark
    /// reads its parts: the label, the destination on that line or the next, then a title in
    /// `"…"`, `'…'` or `(…)` that may run over any number of lines. Nil when the lines read as
    /// no such definition. Never past `last`. Linear in the lines it reads. A reading only:
    /// `withParagraphLeads` has cmark-gfm confirm it, so a mistake here removes nothing shown.
    static func definitionEnd(_ lines: [String], start: Int, last: Int) -> Int? {
        guard start <= last, let label = label(startingLine: lines[start - 1]) else { return nil }
        let first = lines[start - 1]
        var line = start
        var rest = first[label.endIndex...].dropFirst(2)  // past "]:"
        func skipBlanks(_ s: Substring) -> Substring { s.drop { $0 == " " || $0 == "\t" } }
        rest = skipBlanks(rest)
        if rest.isEmpty {  // the destination on the next line
            guard line < last else { return nil }
            line += 1
            rest = skipBlanks(lines[line - 1][...])
            guard !rest.isEmpty else { return nil }
        }
        // The destination: `<…>` on one line (`\>` escaped inside), or a run without ASCII
        // white space (a no-break space is part of it, as for cmark-gfm).
        if rest.first == "<" {
            var escaped = false
            var close: Substring.Index? = nil
            for i in rest.indices.dropFirst() {
                let c = rest[i]
                if escaped { escaped = false; continue }
                if c == "\\" { escaped = true; continue }
                if c == "<" { return nil }
                if c == ">" { close = i; break }
            }
            guard let close else { return nil }
            rest = rest[rest.index(after: close)...]
        } else {
            rest = rest.drop { !" \t\u{0B}\u{0C}".contains($0) }
        }
        let destinationLine = line
        rest = skipBlanks(rest)
        if rest.isEmpty {
            // A title may start on the next line; if it does not, or it does not close, the
            // definition ends here.
            guard line < last else { return line }
            let next = skipBlanks(lines[line][...])
            guard let opener = next.first, "\"'(".contains(opener) else { return line }
            return titleEnd(lines, from: next, line: line + 1, last: last) ?? destinationLine
        }
        guard let opener = rest.first, "\"'(".contains(opener) else { return nil }
        // A title on the destination's line that does not close makes no definition at all.
        return titleEnd(lines, from: rest, line: line, last: last)
    }

    /// The line where a title that starts at `text` (its opening `"`, `'` or `(`) on line
    /// `line` closes, with nothing but blanks after it; nil when it does not.
    private static func titleEnd(_ lines: [String], from text: Substring, line start: Int, last: Int) -> Int? {
        guard let opener = text.first else { return nil }
        let closer: Character = opener == "(" ? ")" : opener
        var line = start
        var rest = text.dropFirst()
        while true {
            var escaped = false
            var closedAt: Substring.Index? = nil
            for i in rest.indices {
                let c = rest[i]
                if escaped { escaped = false; continue }
                if c == "\\" { escaped = true; continue }
                if c == closer { closedAt = i; break }
                if opener == "(" && c == "(" { return nil }
            }
            if let closedAt {
                let after = rest[rest.index(after: closedAt)...]
                return after.allSatisfy({ $0 == " " || $0 == "\t" }) ? line : nil
            }
            guard line < last else { return nil }
            line += 1
            rest = lines[line - 1][...]
            if rest.allSatisfy({ $0 == " " || $0 == "\t" }) { return nil }  // a blank line ends it
        }
    }

    /// The first line of each definition in `definitionLines` (runs of lines that are all
    /// definitions), split as `definitionEnd` reads them: a title line that starts like a
    /// definition (`[b]: …` inside `"…"`) belongs to the one above it.
    static func starts(of definitionLines: [Int], in lines: [String]) -> Set<Int> {
        var starts = Set<Int>()
        var k = 0
        while k < definitionLines.count {
            // A run of consecutive lines: definitions only, one after another.
            var j = k
            while j + 1 < definitionLines.count, definitionLines[j + 1] == definitionLines[j] + 1 { j += 1 }
            let runEnd = definitionLines[j]
            var line = definitionLines[k]
            while line <= runEnd {
                if label(startingLine: lines[line - 1]) != nil {
                    starts.insert(line)
                    line = max(definitionEnd(lines, start: line, last: runEnd) ?? line, line) + 1
                } else {
                    line += 1
                }
            }
            k = j + 1
        }
        return starts
    }

    /// `definitionLines` with the definitions that open a paragraph (`[//]: # (note)` with the
    /// paragraph's text on the next line): cmark-gfm's paragraph starts at them, so no line is
    /// left uncovered. Each is read by `definitionEnd` (a title over any number of lines, as
    /// `[//]: # "the answer` / `is 4"`), then confirmed by cmark-gfm reading those lines alone:
    /// lines read alone as definitions only are consumed no further in the document, so no
    /// paragraph text is ever taken for one. When the reading is not confirmed, the definition
    /// alone on its line, or with one more line, is tried. Also the line each definition starts
    /// at, the lines of those that open a paragraph (`leads`), and the line where the budget
    /// (64 MB read by cmark-gfm: linear in the lesson, a backstop) ran out, leaving definitions
    /// unread.
    static func withParagraphLeads(_ definitionLines: [Int], nodes: [MarkdownNode], lines: [String], skipping frontMatterLines: Int)
        -> (lines: [Int], starts: Set<Int>, leads: Set<Int>, exhaustedAt: Int?) {
        var found = Set(definitionLines)
        var leads = Set<Int>()
        var starts = Self.starts(of: definitionLines, in: lines)
        var bytes = 64 << 20
        var exhaustedAt: Int? = nil
        /// Whether cmark-gfm reads lines `from...to` alone as definitions only.
        func definitionsOnly(_ from: Int, _ to: Int) -> Bool {
            let text = lines[(from - 1)..<to].joined(separator: "\n")
            guard bytes >= text.utf8.count else { exhaustedAt = exhaustedAt ?? from; return false }
            bytes -= text.utf8.count
            return MarkdownDocument(text).topLevelNodes().isEmpty
        }
        for node in nodes where node.startLine > frontMatterLines && exhaustedAt == nil {
            // A setext heading (`Text` / `===`) opens with definitions as a paragraph does.
            guard case .other(let type) = node.kind, type == "paragraph" || type == "heading" else { continue }
            var line = node.startLine
            let last = min(node.endLine, lines.count)
            while line <= last, exhaustedAt == nil, label(startingLine: lines[line - 1]) != nil {
                var end = 0
                var read = false
                if let last = definitionEnd(lines, start: line, last: last), definitionsOnly(line, last) {
                    end = last
                    read = true
                } else if line < last, definitionsOnly(line, line + 1) {
                    end = line + 1
                } else if definitionsOnly(line, line) {
                    end = line
                }
                guard end >= line else { break }
                found.formUnion(line...end)
                leads.formUnion(line...end)
                starts.insert(line)
                // Not read as one definition: a second line that starts like one is one (two
                // definitions were counted as one, a used one keeping a comment; a red-team pass).
                if !read, end > line, label(startingLine: lines[end - 1]) != nil { starts.insert(end) }
                line = end + 1
            }
        }
        return (found.sorted(), starts, leads, exhaustedAt)
    }

    /// The lines (1-based, of `lines`) of the definitions among `definitionLines` (as
    /// `referenceDefinitionLines` gives them: each definition's first line, then the lines that
    /// continue it; with `starts`, the lines where one starts) that no link or image of the page
    /// resolves to.
    ///
    /// cmark-gfm itself says which: each definition is written again with a destination of its
    /// own (`#stepmark-definition-7`, its title kept over as many lines), the text is rendered
    /// once, and a definition is used when its destination is in the page. A bracket in code,
    /// in a comment, in raw HTML, in a link's title or in an autolink is then no use, and labels
    /// match as cmark-gfm matches them (hand-counted uses kept comments in the copy, and missed
    /// real ones; red-team passes). The caller blanks what students never see (the front matter,
    /// solution regions).
    static func unused(_ definitionLines: [Int], starts: Set<Int>? = nil, in lines: [String]) -> [Int] {
        guard !definitionLines.isEmpty else { return [] }
        // Each definition's lines; without `starts`, each line that starts like one starts one.
        var definitions: [[Int]] = []
        for line in definitionLines where line - 1 < lines.count {
            if starts?.contains(line) ?? true, label(startingLine: lines[line - 1]) != nil {
                definitions.append([line])
            } else if !definitions.isEmpty {
                definitions[definitions.count - 1].append(line)
            }
        }
        // A destination the lesson never writes, so that only the probe's links can show it.
        let joined = lines.joined(separator: "\n")
        var destinationPrefix = Self.destinationPrefix
        if joined.contains(destinationPrefix) {
            // A run of q one longer than the lesson's longest (found in one pass: growing the
            // prefix until it is absent could take a pass per character of a hostile lesson).
            var longest = 0, run = 0
            for byte in joined.utf8 { if byte == UInt8(ascii: "q") { run += 1; longest = max(longest, run) } else { run = 0 } }
            destinationPrefix += String(repeating: "q", count: longest + 1) + "-"
        }
        var probe = lines
        // A line that starts like a definition but is text (a title left open) links its label
        // on the page, but only by accident: it is no use (it kept a comment in the copy).
        let isDefinitionLine = Set(definitionLines)
        // At the top level only: one in a quote or a list item is a definition cmark reads.
        for (k, text) in lines.enumerated() where !isDefinitionLine.contains(k + 1) && label(startingLine: text) != nil {
            if let bracket = text.firstIndex(of: "[") { probe[k] = String(text[..<bracket]) + "\\" + String(text[bracket...]) }
        }
        for (k, lineNumbers) in definitions.enumerated() {
            let first = lines[lineNumbers[0] - 1]
            guard let label = label(startingLine: first) else { continue }
            let head = String(first[..<label.endIndex]) + "]: " + destinationPrefix + String(k)
            if lineNumbers.count == 1 {
                probe[lineNumbers[0] - 1] = head
            } else {
                // Its lines stay its own: a title over the same lines.
                probe[lineNumbers[0] - 1] = head + " \"x"
                for line in lineNumbers.dropFirst().dropLast() { probe[line - 1] = "x" }
                probe[lineNumbers[lineNumbers.count - 1] - 1] = "x\""
            }
        }
        let page = MarkdownDocument(probe.joined(separator: "\n")).renderHTML()
        var used = Set<Int>()
        var rest = page[...]
        while let found = rest.firstRange(of: destinationPrefix) {
            rest = rest[found.upperBound...]
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            if let k = Int(digits) { used.insert(k) }
        }
        // A lesson's page is rendered a stretch of prose at a time, and a stretch may resolve a
        // label to another of its definitions than the whole text's first: every definition
        // of a used label stays (the copy lost the one a later stretch used; a red-team pass).
        var usedLabels = Set<String>()
        for k in used where k < definitions.count {
            if let label = label(startingLine: lines[definitions[k][0] - 1]) { usedLabels.insert(normalized(label)) }
        }
        return definitions.enumerated().filter { k, lineNumbers in
            guard !used.contains(k) else { return false }
            guard let label = label(startingLine: lines[lineNumbers[0] - 1]) else { return true }
            return !usedLabels.contains(normalized(label))
        }.flatMap(\.element).sorted()
    }

    /// A label about as CommonMark matches labels: case-folded (upper then lower case, `ß` as
    /// `ss`), its runs of ASCII white space one space, trimmed. Only to keep the duplicates of
    /// a used label; cmark-gfm decides the uses.
    static func normalized(_ label: Substring) -> String {
        String(label.split(whereSeparator: { " \t\n\r".contains($0) }).joined(separator: " ").uppercased().lowercased()
            .flatMap { $0 == "ß" ? ["s", "s"] : [$0] })
    }

    /// The destinations `unused` gives definitions to find which the page resolves (longer
    /// when the lesson writes it).
    private static let destinationPrefix = "#stepmark-definition-"
}
