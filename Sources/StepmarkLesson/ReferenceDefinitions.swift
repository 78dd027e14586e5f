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

    /// A label as CommonMark matches labels: case-folded, its runs of white space one space,
    /// trimmed.
    static func normalized(_ label: Substring) -> String {
        // Case folded as cmark-gfm folds (`ß` and `SS` are one label), white space ASCII only
        // (a no-break space is part of a label).
        // Upper then lower case folds most as Unicode's case folding does; ß and ẞ fold to ss.
        String(label.split(whereSeparator: { " \t\n\r".contains($0) }).joined(separator: " ").uppercased().lowercased()
            .flatMap { $0 == "ß" ? ["s", "s"] : [$0] })
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
    /// continue it) whose label nothing else writes in brackets: `[label]`, `[text][label]`,
    /// `[label][]`, a label wrapped over lines too. Any other bracketed text counts, so a
    /// doubtful definition stays; but not one in a code span on one line, and not a line that
    /// starts like a definition (in a quote or a list too). The caller blanks what holds no
    /// link (code blocks, comments, the front matter, solution regions) or, without `starts`,
    /// each line that starts like a definition starts one.
    ///
    /// One pass over the other lines; each character is looked at a bounded number of times.
    static func unused(_ definitionLines: [Int], starts: Set<Int>? = nil, in lines: [String]) -> [Int] {
        guard !definitionLines.isEmpty else { return [] }
        // Each definition: its label and its lines. Without `starts`, each line that starts
        // like a definition starts one.
        var definitions: [(label: String, lines: [Int])] = []
        for line in definitionLines {
            if starts?.contains(line) ?? true, let label = label(startingLine: lines[line - 1]) {
                definitions.append((normalized(label), [line]))
            } else if !definitions.isEmpty {
                definitions[definitions.count - 1].lines.append(line)
            }
        }
        let labels = Set(definitions.map(\.label))
        let skipped = Set(definitionLines)
        var used = Set<String>()
        // The text since the last unmatched `[`, over line breaks (read as spaces) up to a
        // blank line; nil when no `[` is open. A label has at most 999 characters (CommonMark).
        var open: String? = nil
        var length = 0
        func add(_ c: Character) {
            guard open != nil else { return }
            length += 1
            if length > 999 { open = nil } else { open!.append(c) }
        }
        for (index, text) in lines.enumerated() {
            if skipped.contains(index + 1) || text.allSatisfy({ $0 == " " || $0 == "\t" }) || startsDefinition(text) { open = nil; continue }
            add(" ")
            var escaped = false
            // A code span on one line (`` `[ans]` ``) holds no link: skipped whole.
            let characters = Array(text)
            let spanEnds = codeSpanEnds(characters)
            var i = 0
            while i < characters.count {
                let c = characters[i]
                if !escaped, c == "`", let end = spanEnds[i] { i = end; add(" "); continue }
                i += 1
                if escaped { escaped = false; add(c); continue }
                switch c {
                case "\\": escaped = true; add(c)
                case "[": open = ""; length = 0
                case "]":
                    if let label = open {
                        let key = normalized(Substring(label))
                        if labels.contains(key) { used.insert(key) }
                    }
                    open = nil
                default: add(c)
                }
            }
        }
        return definitions.filter { !used.contains($0.label) }.flatMap(\.lines).sorted()
    }

    /// For each run of backticks that opens a code span on this line, where the span ends (after
    /// the closing run of the same length). Linear: each run's closer is the next run of its
    /// length. Escapes before a run are not looked at (a doubtful use is no use).
    static func codeSpanEnds(_ characters: [Character]) -> [Int: Int] {
        guard characters.contains("`") else { return [:] }
        var runs: [(start: Int, end: Int)] = []
        var i = 0
        while i < characters.count {
            guard characters[i] == "`" else { i += 1; continue }
            let start = i
            while i < characters.count, characters[i] == "`" { i += 1 }
            runs.append((start, i))
        }
        var byLength: [Int: [Int]] = [:]
        for (k, run) in runs.enumerated() { byLength[run.end - run.start, default: []].append(k) }
        var ends: [Int: Int] = [:]
        var k = 0
        // Runs in order; an opener's closer is the next of its length, and the runs between
        // are inside the span.
        var position: [Int: Int] = [:]  // run index → its place among the runs of its length
        for (_, list) in byLength { for (q, r) in list.enumerated() { position[r] = q } }
        while k < runs.count {
            let length = runs[k].end - runs[k].start, list = byLength[length]!, q = position[k]!
            if q + 1 < list.count {
                let closer = list[q + 1]
                ends[runs[k].start] = runs[closer].end
                k = closer + 1
            } else {
                k += 1
            }
        }
        return ends
    }

    /// Whether a line starts like a definition once its quote and list markers are set aside
    /// (`> [comment]: <> (…)`, `- [//]: # (…)`).
    static func startsDefinition(_ text: String) -> Bool {
        var rest = Substring(text)
        while true {
            let trimmed = rest.drop { $0 == " " || $0 == "\t" }
            if trimmed.hasPrefix(">") { rest = trimmed.dropFirst(); continue }
            if let first = trimmed.first, "-*+".contains(first), trimmed.dropFirst().first == " " { rest = trimmed.dropFirst(2); continue }
            let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
            if !digits.isEmpty, digits.count <= 9, let mark = trimmed.dropFirst(digits.count).first, mark == "." || mark == ")",
               trimmed.dropFirst(digits.count + 1).first == " " { rest = trimmed.dropFirst(digits.count + 2); continue }
            return label(startingLine: String(trimmed)) != nil
        }
    }
}
