/// A position in a lesson file: 1-based line and column. Columns count characters (grapheme
/// clusters), so a Hangul syllable is one column, as an editor shows it.
public struct SourcePosition: Sendable, Equatable, Hashable, Comparable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public init(line: Int, column: Int) { self.line = line; self.column = column }
    public var description: String { "\(line):\(column)" }
    public static func < (a: SourcePosition, b: SourcePosition) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }
}

/// An error in a lesson, with the place it was found. Every error a user sees is one of these.
public struct LessonError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var position: SourcePosition
    public init(_ message: String, at position: SourcePosition) {
        self.message = message
        self.position = position
    }
    public var line: Int { position.line }
    public var column: Int { position.column }
    public var description: String { "\(position): \(message)" }
}

/// One line of a directive's body with the file position of its first character.
public struct BodyLine: Sendable, Equatable {
    public var text: String
    public var position: SourcePosition
    /// The position of the character at `offset` (in characters) within this line.
    public func position(at offset: Int) -> SourcePosition {
        SourcePosition(line: position.line, column: position.column + offset)
    }
}

/// A fenced block whose info string starts with a directive name.
public struct DirectiveBlock: Sendable, Equatable {
    /// The directive's name, the first word of the info string.
    public var name: String
    /// The whole info string, verbatim.
    public var info: String
    /// Where the info string starts (the directive name).
    public var infoPosition: SourcePosition
    /// Where the opening fence starts.
    public var position: SourcePosition
    /// The body (the code block's content), one entry per line, without the final newline.
    public var body: [BodyLine]
    /// The block's source lines, fences included, exactly as in the file.
    public var source: String
    /// The last line of the block in the file (the closing fence, when there is one).
    public var endLine: Int
    /// False when the file ended before a closing fence.
    public var isClosed: Bool
    /// True for a block inside a teacher-only solution region (`<!-- solution -->` before it,
    /// its end marker after it): a handout leaves it out whole.
    public var inSolution = false

    /// The body as one string.
    public var bodyText: String { body.map(\.text).joined(separator: "\n") }
    /// The body lines that are not blank and not comments (`#` to end of line).
    public var contentLines: [BodyLine] {
        body.filter { !$0.text.trimmingWhitespace().isEmpty }
    }
}

/// Prose and ordinary code: everything of a lesson that is not a directive.
public struct ProseBlock: Sendable, Equatable {
    /// The Markdown source, verbatim (lines joined with "\n").
    public var markdown: String
    /// The same prose rendered by cmark-gfm to HTML in safe mode, except that the teacher's
    /// allowed HTML elements pass (everything else is escaped), and with placeholders
    /// (`ProseMarkup.placeholder`) where its formulas (`math`) and images (`images`) go: the
    /// HTML renderer writes those (`ProseHTML` in StepmarkRender).
    public var html: String
    /// The first line in the file.
    public var line: Int
    /// The last line in the file.
    public var endLine: Int
    /// The file lines of its link reference definitions (a Markdown report rebases those an
    /// image uses; a look-alike line in code or text is none).
    public var definitionLines: [Int] = []
    /// The prose cut at `<!-- solution -->` markers, each piece rendered on its own (so that a
    /// handout can leave the solutions out); empty when the prose has no solution region.
    public var pieces: [ProsePiece] = []
    /// True when the prose starts inside a solution region opened above a directive (the
    /// region holds the teacher's own steps): its text up to the end marker is the teacher's.
    public var startsInSolution = false
    /// Whether the prose holds teacher-only text (`pieces` then tells it apart).
    public var hasSolution: Bool { startsInSolution || Solutions.hasRegion(in: markdown) }
    /// The Markdown with its solution regions all marked: the open marker of the region it
    /// starts inside put in front, on its first line (so no line moves).
    public var markedMarkdown: String { startsInSolution ? Solutions.open + markdown : markdown }
    /// The Markdown with the HTML the page escapes escaped too (`&lt;script>`), and the
    /// attributes it drops dropped; nil when the prose holds none (SPEC §8: "anything else is
    /// escaped"; the Markdown report kept `<img onerror=…>` raw under a warning that said
    /// "shown as text").
    public var escapedMarkdown: String? = nil
    /// The Markdown a report shows: `escapedMarkdown`, else the prose as written.
    public var shownMarkdown: String { escapedMarkdown ?? markdown }
    /// `shownMarkdown` with its comments blanked (`ProseComments`); nil when it has none.
    public var uncommentedMarkdown: String? = nil
    /// The Markdown a handout shows: no comment, and every solution region removed, the one
    /// this prose starts inside included.
    public var handoutMarkdown: String {
        let text = uncommentedMarkdown ?? shownMarkdown
        return Solutions.removed(from: startsInSolution ? Solutions.open + text : text)
    }
    /// The formulas, in order; the HTML refers to them by index.
    public var math: [ProseMath] = []
    /// The images, in order; the HTML refers to them by index.
    public var images: [ProseImage] = []
}

/// A part of a prose block between solution markers.
public struct ProsePiece: Sendable, Equatable {
    public var html: String
    public var isSolution: Bool
}

/// A `$…$` or `$$…$$` formula of the prose.
public struct ProseMath: Sendable, Equatable {
    /// The TeX between the dollars.
    public var source: String
    public var display: Bool
    /// Where the opening `$` is.
    public var position: SourcePosition
    /// The parsed formula, or nil when it could not be read (an error was reported).
    public var node: TeXNode?
}

/// An image of the prose (`![alt](path)`).
public struct ProseImage: Sendable, Equatable {
    public enum Content: Sendable, Equatable {
        /// Not read yet (`LessonParser.parse` does no I/O; `read` resolves images).
        case unread
        /// The file's bytes and their media type, found from the bytes themselves.
        case embedded(mediaType: String, bytes: [UInt8])
        /// An http(s) address: shown as a link (the page's CSP would block loading it).
        case remote
        /// Missing, unreadable, too large or not an image: shown as its alt text.
        case failed
    }
    /// The destination as written.
    public var url: String
    /// The alt text (formulas as their TeX source).
    public var alt: String
    public var title: String
    /// Where `![` is.
    public var position: SourcePosition
    public var content: Content = .unread
}

public enum LessonBlock: Sendable, Equatable {
    case prose(ProseBlock)
    case directive(DirectiveBlock)
    /// A student's answer: data, not a step that computes.
    case answer(AnswerBlock)
}

/// A parsed lesson: its blocks in file order.
public struct Lesson: Sendable {
    /// The path the lesson was read from, as given by the user.
    public var path: String
    /// The front matter's title, else the text of the first heading (of any level), else the
    /// file name.
    public var title: String
    public var blocks: [LessonBlock]
    /// The file's lines (line endings removed), for tools that quote the source.
    public var lines: [String]
    /// Problems found while reading (an unterminated fence, a suspicious fence name).
    public var diagnostics: [LessonError]
    /// The YAML front matter, when the file starts with one.
    public var frontMatter: FrontMatter? = nil
    /// Whether the prose has a `# heading` of its own (else renderers show the front matter's
    /// title block, as Quarto does).
    public var hasLevelOneHeading = false
    /// The lines of the teacher-only solution regions (`<!-- solution -->` … `<!-- end
    /// solution -->`), for what a handout must leave out.
    public var solutionLines: [ClosedRange<Int>] = []
    /// Lines of `answer` blocks stepmark cannot blank (inside a list item, a quote or an HTML
    /// block): a handout of such a lesson shows nothing but its errors.
    public var unblankableAnswerLines: [Int] = []
    /// In a student's copy, the answer blocks the grader reads that are not top-level answer
    /// blocks for cmark (an indented fence in a list item, a fence after a lone inline tag or
    /// after a block left open), in the grader's order; `check` counts them as `grade` does
    /// (`SubmissionAnswerFences`).
    public var extraAnswers: [AnswerBlock] = []
    /// The lesson's link reference definitions in no stretch of prose, as written (the
    /// teacher's Markdown report writes them at its end).
    public var looseDefinitions: [String] = []
    /// Those of `looseDefinitions` that a link outside the solution regions uses, which a
    /// handout writes at its end.
    public var handoutLooseDefinitions: [String] = []
    /// Lines of solution markers written so that they may show teacher-only text (a look-alike,
    /// a nested or stray marker, a marker in a step's body or in code): a handout of such a
    /// lesson shows nothing but its errors, as `assign` writes nothing.
    public var markerProblemLines: [Int] = []
    /// The comments of the prose, which a student's copy leaves out (`ProseComments`).
    public var proseComments: [ProseComments.Span] = []
    /// Notes that do not fail the lesson (a fence word one edit from a directive name).
    public var warnings: [LessonError] = []
    /// True for an assignment written by `stepmark assign` (its front matter has `variant:`):
    /// running or checking it never computes an exercise's values for display (SPEC §4).
    public var isAssignment: Bool { frontMatter?.variant != nil }

    /// The blocks that compute, in file order (answers are not among them).
    public var directives: [DirectiveBlock] {
        blocks.compactMap { if case .directive(let d) = $0 { return d } else { return nil } }
    }

    /// The answer blocks, in file order.
    public var answers: [AnswerBlock] {
        blocks.compactMap { if case .answer(let a) = $0 { return a } else { return nil } }
    }
}

extension String {
    /// The string as an error message quotes it: whole when short, otherwise its first 32
    /// characters and the length, so that a megabyte-long name never makes a megabyte message.
    var quotable: String {
        count <= 48 ? self : String(prefix(32)) + "… (\(count) characters)"
    }
}

extension StringProtocol {
    /// The string without leading and trailing spaces, tabs and line breaks.
    public func trimmingWhitespace() -> String {
        // By index, once each way: dropping one character at a time from a Substring of a
        // long run of line breaks took quadratic time (a handout of 70,000 blanked comments
        // ran past a minute; a red-team pass).
        let s = Substring(self)
        guard let first = s.firstIndex(where: { !$0.isWhitespace }), let last = s.lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(s[first...last])
    }
}
