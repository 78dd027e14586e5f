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
        var i = rest.startIndex
        while let close = rest[i...].firstIndex(of: "]") {
            let after = rest.index(after: close)
            if after < rest.endIndex, rest[after] == ":" { return rest[rest.index(after: rest.startIndex)..<close] }
            i = after
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
        label.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ").lowercased()
    }

    /// `definitionLines` with the definitions that open a paragraph (`[//]: # (note)` with the
    /// paragraph's text on the next line): cmark-gfm's paragraph starts at them, so no line is
    /// left uncovered. From a line that starts like a definition, the longest run of at most
    /// `titleLines` lines that cmark-gfm, reading the run alone, makes no node of is taken: one
    /// or more definitions, a title over several lines included (`[//]: # "the answer` /
    /// `is 4"`). A run read alone is consumed no further in the document, so no paragraph text
    /// is ever taken for a definition.
    static func withParagraphLeads(_ definitionLines: [Int], nodes: [MarkdownNode], lines: [String], skipping frontMatterLines: Int,
                                   titleLines: Int = 8) -> [Int] {
        var found = Set(definitionLines)
        // At most 4,000 runs and 8 MB are read by cmark-gfm (a hostile lesson of paragraphs
        // that each start like a definition, or of long lines, costs no more).
        var readings = 0
        var bytes = 8 << 20
        for node in nodes where node.startLine > frontMatterLines {
            guard case .other(let type) = node.kind, type == "paragraph" else { continue }
            var line = node.startLine
            let last = min(node.endLine, lines.count)
            while line <= last, label(startingLine: lines[line - 1]) != nil {
                var run = ""
                var end = 0
                for next in line...min(last, line + titleLines - 1) {
                    run += (next == line ? "" : "\n") + lines[next - 1]
                    guard readings < 4_000, bytes >= run.utf8.count else { break }
                    readings += 1
                    bytes -= run.utf8.count
                    if MarkdownDocument(run).topLevelNodes().isEmpty { end = next }
                }
                guard end >= line else { break }
                found.formUnion(line...end)
                line = end + 1
            }
        }
        return found.sorted()
    }

    /// The lines (1-based, of `lines`) of the definitions among `definitionLines` (as
    /// `referenceDefinitionLines` gives them: each definition's first line, then the lines that
    /// continue it) whose label nothing else writes in brackets: `[label]`, `[text][label]`,
    /// `[label][]`, a label wrapped over lines too. Any bracketed text counts, code included,
    /// so a doubtful definition stays; a line that starts like a definition (in a quote or a
    /// list too) is no use.
    ///
    /// One pass over the other lines; each character is looked at once.
    static func unused(_ definitionLines: [Int], in lines: [String]) -> [Int] {
        guard !definitionLines.isEmpty else { return [] }
        // Each definition: its label and its lines.
        var definitions: [(label: String, lines: [Int])] = []
        for line in definitionLines {
            if let label = label(startingLine: lines[line - 1]) {
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
            for c in text {
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
