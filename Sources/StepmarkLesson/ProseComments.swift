/// HTML comments in a teacher's prose (`<!-- the answer is 4: check the sign -->`). The page
/// never shows them, and a student's copy leaves them out as well: the assignment and the
/// Markdown handout are Markdown files a student reads as text, and a note beside an exercise
/// may hold its answer. The teacher's own Markdown report keeps them, as written.
///
/// Solution markers are not among them: `Solutions` removes their regions, with the markers.
/// A comment is blanked, not cut: its line breaks stay, so no line of the copy moves (an
/// assignment's errors point at the key's lines), and a comment that filled a line leaves an
/// empty line, which ends a paragraph just where cmark-gfm ended it at the comment.
public enum ProseComments {
    /// Where a comment is: from its `<!--` to after its `-->`, as file lines and byte offsets
    /// within them.
    public struct Span: Sendable, Equatable {
        public var startLine: Int
        public var startByte: Int
        public var endLine: Int
        public var endByte: Int
        /// What stands in for the bytes removed: nothing, or (for a definition that opens a
        /// paragraph) an empty comment definition, so that the text after it still continues
        /// that paragraph, as in the key (blank, it began a new block: an indented line became
        /// code, `2.` a list; a red-team pass).
        public var replacement: String = ""

        /// The whole of file line `line`, up to its line break.
        public static func wholeLine(_ line: Int, replacement: String = "") -> Span {
            Span(startLine: line, startByte: 0, endLine: line, endByte: Int.max, replacement: replacement)
        }
    }

    /// What a definition line that opens a paragraph becomes in a student's copy: a
    /// definition too, which shows nothing and says nothing. Its label is `//` unless the
    /// lesson writes `[//]` other than as a definition (a link there would then resolve to it;
    /// a red-team pass): then `//.`, `//..`, … the first it does not write in brackets at all.
    public static func emptyDefinition(avoiding text: String) -> String {
        func writes(_ label: String, asDefinitionOnly: Bool) -> Bool {
            let written = "[" + label + "]"
            for range in text.ranges(of: written) {
                if !asDefinitionOnly || text[range.upperBound...].first != ":" { return true }
            }
            return false
        }
        if !writes("//", asDefinitionOnly: true) { return "[//]: #" }
        for dots in 1...64 {
            let label = "//" + String(repeating: ".", count: dots)
            if !writes(label, asDefinitionOnly: false) { return "[\(label)]: #" }
        }
        return "[//]: #"
    }

    /// `spans` in order, those that overlap or touch made one.
    static func merged(_ spans: [Span]) -> [Span] {
        let sorted = spans.sorted { ($0.startLine, $0.startByte) < ($1.startLine, $1.startByte) }
        var out: [Span] = []
        for span in sorted {
            if let last = out.last, (span.startLine, span.startByte) <= (last.endLine, last.endByte) {
                if (span.endLine, span.endByte) > (last.endLine, last.endByte) {
                    out[out.count - 1].endLine = span.endLine
                    out[out.count - 1].endByte = span.endByte
                }
                if out[out.count - 1].replacement.isEmpty { out[out.count - 1].replacement = span.replacement }
            } else {
                out.append(span)
            }
        }
        return out
    }

    /// The comments of `markdown`, prose whose first line is file line `firstLine`, outside
    /// code: lines of code blocks (`codeLines`, file lines) and code spans on one line are left
    /// as they are, as `HTMLAllowList.escapedMarkdown` leaves them. A comment that is never
    /// closed runs to the end of the prose, as cmark-gfm's HTML block runs to the end of its
    /// container: what it hides from the page it hides from the copy; but it ends before the
    /// next `<!--`, so that no solution marker is blanked.
    ///
    /// Lines of HTML blocks (`htmlLines`) are HTML, where a backslash or a backtick means
    /// nothing: a comment there is one even between backticks.
    ///
    /// One pass over the bytes (a page of comments costs linear time).
    public static func spans(in markdown: String, firstLine: Int, codeLines: Set<Int>, htmlLines: Set<Int> = []) -> [Span] {
        let bytes = Array(markdown.utf8)
        let n = bytes.count
        var spans: [Span] = []
        var line = firstLine
        var lineStart = 0
        var i = 0
        func isBreak(_ b: UInt8) -> Bool { b == 0x0A || b == 0x0D }
        let codeSpans = OneLineCodeSpans.find(in: bytes, firstLine: firstLine, codeLines: codeLines,
                                              backtick: UInt8(ascii: "`"), backslash: UInt8(ascii: "\\")) {
            bytes[$0] == 0x0D ? ($0 + 1 < n && bytes[$0 + 1] == 0x0A ? 2 : 1) : (bytes[$0] == 0x0A ? 1 : 0)
        }
        // Moves past a line break at `i` (`\r\n` is one).
        func newLine() {
            if bytes[i] == 0x0D, i + 1 < n, bytes[i + 1] == 0x0A { i += 1 }
            i += 1
            line += 1
            lineStart = i
        }
        while i < n {
            let b = bytes[i]
            if isBreak(b) { newLine(); continue }
            if codeLines.contains(line) { i += 1; continue }
            let markdownLine = !htmlLines.contains(line)
            if markdownLine, b == UInt8(ascii: "\\"), i + 1 < n, !isBreak(bytes[i + 1]) { i += 2; continue }
            if markdownLine, b == UInt8(ascii: "`") {
                if let end = codeSpans[i] { i = end; continue }
                while i < n, bytes[i] == UInt8(ascii: "`") { i += 1 }
                continue
            }
            guard b == UInt8(ascii: "<"), i + 3 < n, bytes[i + 1] == UInt8(ascii: "!"),
                  bytes[i + 2] == UInt8(ascii: "-"), bytes[i + 3] == UInt8(ascii: "-") else { i += 1; continue }
            let start = (line: line, byte: i - lineStart)
            // `<!-->` and `<!--->` are comments of their own; otherwise up to the next `-->`.
            var end = i + 4
            if end < n, bytes[end] == UInt8(ascii: ">") {
                end += 1
            } else if end + 1 < n, bytes[end] == UInt8(ascii: "-"), bytes[end + 1] == UInt8(ascii: ">") {
                end += 2
            } else {
                // The next `<!--` ends it too, left for the next round: a solution marker
                // inside a comment never closed still opens its region, as `Solutions` reads
                // it, and must stay for `Solutions.removed`.
                while end < n {
                    if end + 2 < n, bytes[end] == UInt8(ascii: "-"), bytes[end + 1] == UInt8(ascii: "-"), bytes[end + 2] == UInt8(ascii: ">") { end += 3; break }
                    if end + 3 < n, bytes[end] == UInt8(ascii: "<"), bytes[end + 1] == UInt8(ascii: "!"), bytes[end + 2] == UInt8(ascii: "-"), bytes[end + 3] == UInt8(ascii: "-") { break }
                    end += 1
                }
            }
            // The comment decoded on its own (its length, once): is it a solution marker?
            let comment = Substring(String(decoding: bytes[i..<end], as: UTF8.self))
            let isMarker = Solutions.kind(ofCommentAt: comment.startIndex..<comment.index(comment.startIndex, offsetBy: 4), in: comment) != nil
            // Count the comment's own line breaks, so that `line` stays right after it.
            var k = i
            while k < end {
                if isBreak(bytes[k]) {
                    if bytes[k] == 0x0D, k + 1 < end, bytes[k + 1] == 0x0A { k += 1 }
                    line += 1
                    lineStart = k + 1
                }
                k += 1
            }
            if !isMarker { spans.append(Span(startLine: start.line, startByte: start.byte, endLine: line, endByte: end - lineStart)) }
            i = end
        }
        return spans
    }

    /// `text` (whose first line is file line `firstLine`) with the bytes of each span removed,
    /// except its line breaks; a span's byte past its line's end means the end of that line.
    /// Spans must be in order and not overlap, as `merged` gives them.
    public static func blanked(_ text: String, firstLine: Int, spans: [Span]) -> String {
        guard !spans.isEmpty else { return text }
        let bytes = Array(text.utf8)
        // Where each line starts, and where its text ends (before its line break).
        var lineStarts = [0], lineEnds: [Int] = []
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x0A || bytes[i] == 0x0D {
                lineEnds.append(i)
                if bytes[i] == 0x0D, i + 1 < bytes.count, bytes[i + 1] == 0x0A { i += 1 }
                lineStarts.append(i + 1)
            }
            i += 1
        }
        lineEnds.append(bytes.count)
        func offset(_ line: Int, _ byte: Int) -> Int? {
            let k = line - firstLine
            guard k >= 0, k < lineStarts.count else { return nil }
            return lineStarts[k] + min(byte, lineEnds[k] - lineStarts[k])
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var copied = 0
        for span in spans {
            guard let from = offset(span.startLine, span.startByte), let to = offset(span.endLine, span.endByte),
                  from >= copied, from <= to else { continue }
            out.append(contentsOf: bytes[copied..<from])
            out.append(contentsOf: span.replacement.utf8)
            out.append(contentsOf: bytes[from..<to].filter { $0 == 0x0A || $0 == 0x0D })
            copied = to
        }
        out.append(contentsOf: bytes[copied...])
        return String(decoding: out, as: UTF8.self)
    }
}
