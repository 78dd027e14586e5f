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

    /// A label as CommonMark matches labels: case-folded, its runs of white space one space,
    /// trimmed.
    static func normalized(_ label: Substring) -> String {
        label.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ").lowercased()
    }

    /// The lines (1-based, of `lines`) of the definitions among `definitionLines` (as
    /// `referenceDefinitionLines` gives them: each definition's first line, then the lines that
    /// continue it) whose label no other line writes in brackets: `[label]`, `[text][label]`,
    /// `[label][]`. Any bracketed text counts, code included, so a doubtful definition stays.
    ///
    /// One pass over the other lines; each `[` is looked at once.
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
        for (index, text) in lines.enumerated() where !skipped.contains(index + 1) && text.contains("[") {
            // The text between each `[` and the next `]` with no `[` between them.
            var open: String.Index? = nil
            var i = text.startIndex
            while i < text.endIndex {
                let c = text[i]
                if c == "[" {
                    open = text.index(after: i)
                } else if c == "]", let from = open {
                    let label = normalized(text[from..<i])
                    if labels.contains(label) { used.insert(label) }
                    open = nil
                }
                i = text.index(after: i)
            }
        }
        return definitions.filter { !used.contains($0.label) }.flatMap(\.lines).sorted()
    }
}
