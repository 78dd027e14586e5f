/// The ```` ```answer ```` blocks the grader reads in a submission, and where it saw answer
/// fences it does not read. One reading serves `grade` and a student's own `check`, so the two
/// count the same blocks (a student's check said "not read" of an answer in a list item that
/// the grade then counted).
public enum SubmissionAnswerFences {
    public struct Reading: Sendable {
        /// The answer blocks read: cmark-gfm's top-level ones first, then the scanner's more
        /// lenient extras (an indented fence in a list item, a fence after a lone inline tag).
        public var blocks: [DirectiveBlock]
        /// Answer blocks never closed (each runs to the end of the file).
        public var unclosed: [LessonError]
        /// Answer fences after a quote's `>` or a list marker on the same line, or inside a list
        /// item or a quote on a line of their own: not read.
        public var nested: [SourcePosition]
        /// Answer fences cmark-gfm reads as part of an HTML block: not read.
        public var inHTML: [SourcePosition]
        /// Answer fences in an indented code block (four spaces or more): not read.
        public var inIndentedCode: [SourcePosition] = []
    }

    /// Reads `text` (untrusted) in time linear in its size: the FenceScanner finds its fences
    /// whatever it holds; cmark-gfm reads it as `check` and `run` do when its shape is one cmark
    /// reads in linear time (`MarkdownShape`). cmark's blocks come first, so a grade never
    /// misses an answer cmark reads (a red-team pass: `<!-- todo` left open in a list item hid
    /// every later answer from the scanner alone); the scanner's extras follow, so an answer
    /// cmark would miss still counts.
    public static func read(_ text: String) -> Reading {
        let (markdown, scanned) = scan(text)
        var blocks = scanned.blocks.filter { $0.name == AnswerDirective.name }
        var unclosed = scanned.diagnostics
        var inHTML: [SourcePosition] = [], inCode: [SourcePosition] = [], inItem: [SourcePosition] = []
        var commented = Set<Int>()
        if let read = LessonParser.fencedBlocksAsCmarkReads(text, named: AnswerDirective.name, answerFenceInHTML: { inHTML.append($0) },
                                                            answerFenceInIndentedCode: { inCode.append($0) },
                                                            answerFenceNested: { inItem.append($0) },
                                                            commentedOut: { commented = $0 }) {
            let readLines = Set(read.map(\.position.line))
            let closedLines = Set(read.filter(\.isClosed).map(\.position.line))
            // The scanner's extras, but none commented out (`- <!--` above it), as the check.
            blocks = read + blocks.filter { !readLines.contains($0.position.line) && !commented.contains($0.position.line) }
            unclosed.removeAll { closedLines.contains($0.position.line) }
        }
        let counted = Set(blocks.map(\.position.line))
        // After a marker on its line (the scanner's), or on a line of its own inside a list
        // item or a quote (cmark-gfm's), as a copy's check finds them; once each.
        // Commented out (`> <!--` above it), it is none, as the check finds.
        var nested = FenceScanner.nestedAnswerFences(markdown, outside: scanned.blocks).filter { !commented.contains($0.line) }
        let nestedLines = Set(nested.map(\.line))
        nested += inItem.filter { !counted.contains($0.line) && !nestedLines.contains($0.line) }
        nested.sort { ($0.line, $0.column) < ($1.line, $1.column) }
        return Reading(blocks: blocks, unclosed: unclosed,
                       nested: nested,
                       inHTML: inHTML.filter { !counted.contains($0.line) },
                       inIndentedCode: inCode.filter { !counted.contains($0.line) })
    }

    /// The answer blocks `read` adds to cmark-gfm's top-level ones, for a reader that has
    /// those already (`LessonParser.parse` of a student's copy): the scanner's blocks whose
    /// fence line is none of `topLevel`, in file order. cmark does not run a second time.
    public static func extras(_ text: String, besides topLevel: Set<Int>) -> [DirectiveBlock] {
        scan(text).scanned.blocks.filter { $0.name == AnswerDirective.name && !topLevel.contains($0.position.line) }
    }

    /// The fence scanner's reading of `text`, with its front matter read as blank lines: YAML,
    /// not Markdown, so an answer fence inside a block scalar there is none (the scanner
    /// counted it; cmark's reading in `read` blanks it too).
    private static func scan(_ text: String) -> (markdown: String, scanned: (blocks: [DirectiveBlock], diagnostics: [LessonError])) {
        var markdown = text
        if text.hasPrefix("---") {
            let lines = LessonParser.lines(of: text)
            let frontMatterLines = FrontMatter.extent(lines)
            if frontMatterLines > 0 {
                markdown = String(repeating: "\n", count: frontMatterLines) + lines.dropFirst(frontMatterLines).joined(separator: "\n")
            }
        }
        return (markdown, FenceScanner.scan(markdown))
    }
}
