/// Shape caps checked on a lesson's lines before cmark-gfm sees them.
///
/// Debian's libcmark-gfm 0.29.0.gfm.6 lacks upstream's fixes for inputs whose cost grows with
/// the square of one of their dimensions. Measured on this machine (issue 15):
/// - table rows: quadratic in the cells of a row — 10 rows of 4,000 `|` took 1.2 s, one row
///   of 30,000 took 10 s;
/// - links and images: quadratic in the `[` of one paragraph — 32,000 `![[]()` took 17 s;
/// - block quotes and emphasis: the product of `>` depth and `*` runs — 20,000 of each, 12 s.
///
/// Each cap bounds one of those products far above what a lesson writes, in one linear pass
/// (fenced code is skipped: cmark reads its content verbatim). Only where cmark sees a fence,
/// or the caps could be walked around (two red-team bypasses): a fence line inside an HTML block
/// (`<!--` … `-->`, `<div>` up to a blank line) opens nothing, a fence in a list item is read
/// from the item's indentation and ends with the item, and quotes and items go on over lazy
/// lines. `FenceScannerTests.theShapeCapsSkipOnlyWhatCmarkReadsAsCode` holds this to cmark-gfm.
/// - at most `maxDepth` block quotes and list items opened on one line;
/// - at most `maxCellsPerRow` `|` on one line and `maxCells` in the whole lesson, so the sum of
///   squares over rows stays below 500 × 100,000; a line counts as wide as the widest line of
///   its paragraph, since cmark-gfm pads every row of a table to its header's width (a header
///   of 500 cells over 1,900 rows of `||`, 7.7 KB, took 481 MB);
/// - at most `maxBracketsPerParagraph` `[` in one paragraph (lines up to a blank line) and
///   `maxBrackets` in the lesson; at most `maxInstructionsPerParagraph` `<?` in one paragraph
///   and `maxAtSigns` `@` (e-mail autolinks) in the lesson.
/// - at most `maxNodeCharacters` of `<`, `&`, `!`, `]`, `\`, `*`, `_`, `` ` ``, `$` and `~` in
///   the lesson, and `maxProseLines` lines: cmark-gfm makes a node of its own (some 180 bytes)
///   for each such character and each line break, so 9.5 MB of `<` took 1.7 GB, of `*a` 3.2 GB
///   and of one-letter lines 3.4 GB.
/// - at most `maxParenthesesPerWord` `)` in one word (up to a space) that holds `://` or
///   `www.`, where a link can start: the autolink extension
///   trims a link's trailing `)` one at a time, each time counting the link's parentheses
///   again, so `http://a` and 200,000 `)` took 22 s.
/// No flag raises them: a lesson past them is not one a teacher wrote by hand.
public enum MarkdownShape {
    public static let maxDepth = 32
    public static let maxCellsPerRow = 500
    public static let maxCells = 100_000
    public static let maxBracketsPerParagraph = 2_000
    public static let maxBrackets = 100_000
    /// The most `<?` in one paragraph: cmark-gfm looks for each one's `?>` to the paragraph's
    /// end, so 73,000 of them took 4.8 s (a red-team pass, once the grader read submissions
    /// with cmark too).
    public static let maxInstructionsPerParagraph = 2_000
    /// The most `@` in the lesson: the autolink extension makes a link of every e-mail address,
    /// at some 2 to 11 KB each (25,000 in 150 KB took 308 MB; 2 MB of them aborted cmark-gfm,
    /// and with it a whole `grade` batch).
    public static let maxAtSigns = 5_000
    public static let maxNodeCharacters = 300_000
    public static let maxProseLines = 100_000
    public static let maxParenthesesPerWord = 5_000
    /// The most `)` × bytes of one word: the autolink's trimming costs their product (2 MB of
    /// `http://a…` and 5,000 `)` took 12 s).
    public static let maxParenthesesTimesBytes = 20_000_000
    /// The most bytes of link reference definitions times `[` in the lesson: each `[a][d]`
    /// copies its definition into the page (one 100 KB address used 2,700 times made a 119 KB
    /// lesson's page 270 MB and took 1 GB).
    public static let maxDefinitionBytesTimesBrackets = 64 << 20

    /// The first cap the lesson breaks, as an error at the place it is broken; nil when the
    /// lesson is within all of them.
    public static func check(_ text: String) -> LessonError? {
        var text = text
        text.makeContiguousUTF8()
        return text.utf8.withContiguousStorageIfAvailable { check(bytes: $0) } ?? nil
    }

    /// The lines the caps pass over as code.
    static func skippedLines(_ text: String) -> Set<Int> {
        var text = text
        text.makeContiguousUTF8()
        var lines = Set<Int>()
        _ = text.utf8.withContiguousStorageIfAvailable { check(bytes: $0, skipped: { lines.insert($0) }) }
        return lines
    }

    /// The caps' pass; `skipped` hears of every line it passes over as code (for the test that
    /// holds it to cmark: a line skipped here must be code there).
    static func check(bytes: UnsafeBufferPointer<UInt8>, skipped: ((Int) -> Void)? = nil) -> LessonError? {
        let newline = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r"), space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")
        let bracket = UInt8(ascii: "["), backtick = UInt8(ascii: "`"), tilde = UInt8(ascii: "~")
        var fence: FenceScanner.Fence? = nil
        // Whether the open fence was opened inside a list item, and the column where the
        // content of the last list item starts (nil once a line less indented ends the list).
        var fenceInContainer = false
        var listContentIndent: Int? = nil
        var itemParagraph = false
        var htmlBlock: FenceScanner.HTMLBlockEnd? = nil
        // Whether the line before was paragraph text: an HTML block of the 7th kind (a line
        // that is one whole tag) cannot interrupt a paragraph.
        var inParagraph = false
        // Whether a block quote is open, and whether its last line was paragraph text (which
        // lazy lines continue). Inside a quote or a list item a lone tag may start an HTML block
        // even after text: a lazy line is matched against the document, not the paragraph.
        var inQuote = false, quoteParagraph = false
        var cells = 0, brackets = 0, paragraphBrackets = 0, paragraphWidth = 0, nodeCharacters = 0, proseLines = 0
        var paragraphInstructions = 0, atSigns = 0
        /// A blank line or a fence ends the paragraph whose `[`, `<?` and width are counted.
        func endParagraph() { paragraphBrackets = 0; paragraphInstructions = 0; paragraphWidth = 0 }
        var definitionBytes = 0
        var lineNumber = 0
        // What lines passed over as code hold, counted at a quarter against the same caps: the
        // safety net under the fence rules above. Should they still miss a way cmark reads
        // such lines as prose, that prose is bounded by four times the caps (a third red-team
        // pass found four such ways, 1.1 to 1.8 GB each; now refused).
        var code = (cells: 0, paragraphWidth: 0, brackets: 0, paragraphBrackets: 0, paragraphInstructions: 0, ats: 0, nodes: 0, lines: 0)
        func countCode(_ line: UnsafeBufferPointer<UInt8>) -> LessonError? {
            let (pipes, open, nodes, instructions, ats, wordError) = tally(line, lineNumber, factor: 4)
            if let wordError { return wordError }
            if line.allSatisfy({ $0 == space || $0 == tab }) { code.paragraphWidth = 0; code.paragraphBrackets = 0; code.paragraphInstructions = 0 }
            code.paragraphWidth = max(code.paragraphWidth, pipes)
            code.cells += code.paragraphWidth
            code.brackets += open
            code.paragraphBrackets += open
            code.paragraphInstructions += instructions
            code.ats += ats
            code.nodes += nodes
            code.lines += 1
            let over = cells + code.cells / 4 > maxCells || brackets + code.brackets / 4 > maxBrackets
                || paragraphBrackets + code.paragraphBrackets / 4 > maxBracketsPerParagraph
                || paragraphInstructions + code.paragraphInstructions / 4 > maxInstructionsPerParagraph
                || atSigns + code.ats / 4 > maxAtSigns
                || nodeCharacters + code.nodes / 4 > maxNodeCharacters || proseLines + code.lines / 4 > maxProseLines
            guard over else { return nil }
            return LessonError("the lesson's code blocks are too large for the Markdown reader (their '|', '[', < & ! ] \\ * _ ` $ ~ and lines count a quarter each against the lesson's caps); split it into several lessons", at: SourcePosition(line: lineNumber, column: 1))
        }
        var start = 0
        while start < bytes.count || (start == bytes.count && lineNumber == 0) {
            // One line: [start, end), then its line break ("\n", "\r\n" or a lone "\r").
            var end = start
            while end < bytes.count, bytes[end] != newline, bytes[end] != cr { end += 1 }
            var next = end
            if next < bytes.count { next += bytes[next] == cr && next + 1 < bytes.count && bytes[next + 1] == newline ? 2 : 1 }
            lineNumber += 1
            defer { start = next }
            let line = UnsafeBufferPointer(rebasing: bytes[start..<end])
            func text() -> Substring { Substring(String(decoding: line, as: UTF8.self)) }
            var first = 0
            while first < line.count, line[first] == space || line[first] == tab { first += 1 }
            let firstByte: UInt8? = first < line.count ? line[first] : nil
            if let open = fence {
                // A fence inside a list item ends with the item: at a line indented less. (At the
                // top level an indented fence runs on, whatever the indentation of its lines.)
                // In a list item, a closing fence is indented from the item's content, as cmark
                // strips the item's indentation first; a line indented less ends the item.
                let closes = firstByte == open.character
                    && open.isClosed(by: fenceInContainer ? Substring(String(decoding: line[min(first, listContentIndent ?? 0)...], as: UTF8.self)) : text())
                if fenceInContainer, firstByte != nil, first < (listContentIndent ?? 0) {
                    // The item ends here, and its fence with it.
                    fence = nil
                    listContentIndent = nil
                    itemParagraph = false
                } else {
                    if closes { fence = nil }
                    if let error = countCode(line) { return error }
                    skipped?(lineNumber)
                    inParagraph = false
                    itemParagraph = false
                    if start == bytes.count { break }
                    continue
                }
            }
            // Whether this line belongs to an HTML block, the line that ends one included.
            var lineInHTML = htmlBlock != nil
            if let end = htmlBlock {
                // Inside an HTML block: nothing opens a fence; the line counts as prose.
                if end.isClosed(by: text()) { htmlBlock = nil }
            } else if first <= 3, firstByte == UInt8(ascii: "<") {
                // Kinds 1 to 6 as the submission scanner reads them; kind 7 here.
                if let start = FenceScanner.HTMLBlockEnd.start(text()) {
                    htmlBlock = start.isClosed(by: text()) ? nil : start
                    lineInHTML = true
                } else if !inParagraph, isLoneTag(UnsafeBufferPointer(rebasing: line[first...])) {
                    htmlBlock = .blankLine
                    lineInHTML = true
                }
            }
            let (depth, depthColumn) = containerDepth(line)
            let opensContainer = depth > 0
            // Indented four columns or more, a line starts no block after a paragraph (it is lazy).
            let startsBlock = lineInHTML || (first <= 3 && (opensContainer || firstByte == UInt8(ascii: "#") || firstByte == backtick || firstByte == tilde))
            // A block quote goes on while its lines start with '>', and over lazy lines of its
            // paragraph; any other line ends it.
            if !lineInHTML, first <= 3, firstByte == UInt8(ascii: ">") {
                inQuote = true
                var k = first + 1
                while k < line.count, line[k] == space || line[k] == tab { k += 1 }
                let inside: UInt8? = k < line.count ? line[k] : nil
                quoteParagraph = inside != nil && ![UInt8(ascii: "#"), UInt8(ascii: "<"), backtick, tilde, UInt8(ascii: ">")].contains(inside!)
            } else if inQuote, !(quoteParagraph && firstByte != nil && !startsBlock) {
                inQuote = false
                quoteParagraph = false
            }
            // A line indented less than the list item ends it, unless it is a lazy line of the
            // item's paragraph (text that starts no block of its own).
            if !lineInHTML, let item = listItemContentIndent(line) {
                listContentIndent = item
            } else if let indent = listContentIndent, firstByte != nil, first < indent, !(itemParagraph && !startsBlock) {
                listContentIndent = nil
            }
            itemParagraph = listContentIndent != nil && firstByte != nil && !lineInHTML && firstByte != UInt8(ascii: "#")
            let inContainer = inQuote || listContentIndent != nil
            inParagraph = !lineInHTML && firstByte != nil && firstByte != UInt8(ascii: "#") && !inContainer
                && (first < 4 || inParagraph)
            // A fence may sit inside quotes or list items; nesting is checked first.
            if depth > maxDepth {
                return LessonError("this line nests more than \(maxDepth) block quotes or list items; a lesson may nest at most \(maxDepth)", at: SourcePosition(line: lineNumber, column: depthColumn))
            }
            // In a list item, a fence is indented from the item's content (up to three more).
            let itemIndent = listContentIndent.flatMap { first >= $0 ? $0 : nil }
            if !lineInHTML, firstByte == backtick || firstByte == tilde,
               let opening = FenceScanner.Fence.opening(itemIndent.map { Substring(String(decoding: line[$0...], as: UTF8.self)) } ?? text()) {
                fence = opening
                fenceInContainer = itemIndent != nil
                if let error = countCode(line) { return error }
                endParagraph()
                inParagraph = false
                itemParagraph = false
                skipped?(lineNumber)
                continue
            }
            guard firstByte != nil else { endParagraph(); continue }
            let (pipes, open, nodes, instructions, ats, wordError) = tally(line, lineNumber)
            if let wordError { return wordError }
            nodeCharacters += nodes
            if nodeCharacters > maxNodeCharacters {
                return LessonError("the lesson has more than \(maxNodeCharacters) of < & ! ] \\ * _ ` $ ~ outside code blocks; split it into several lessons", at: SourcePosition(line: lineNumber, column: 1))
            }
            proseLines += 1
            if proseLines > maxProseLines {
                return LessonError("the lesson has more than \(maxProseLines) lines outside code blocks; split it into several lessons", at: SourcePosition(line: lineNumber, column: 1))
            }
            if pipes > maxCellsPerRow {
                return LessonError("this line has \(pipes) '|' (table cells); a table row in a lesson may have at most \(maxCellsPerRow)", at: SourcePosition(line: lineNumber, column: 1))
            }
            paragraphWidth = max(paragraphWidth, pipes)
            cells += paragraphWidth
            if cells > maxCells {
                return LessonError("the lesson has more than \(maxCells) '|' (table cells) outside code blocks; split it into several lessons", at: SourcePosition(line: lineNumber, column: 1))
            }
            paragraphBrackets += open
            paragraphInstructions += instructions
            atSigns += ats
            if atSigns > maxAtSigns {
                return LessonError("the lesson has more than \(maxAtSigns) '@' outside code blocks (each e-mail address becomes a link); split it into several lessons", at: SourcePosition(line: lineNumber, column: 1))
            }
            if paragraphInstructions > maxInstructionsPerParagraph {
                return LessonError("this paragraph has more than \(maxInstructionsPerParagraph) '<?'; a blank line between parts keeps each paragraph small", at: SourcePosition(line: lineNumber, column: 1))
            }
            brackets += open
            if firstByte == bracket, first <= 3, contains(line, Array("]:".utf8), after: first) { definitionBytes += line.count }
            let (copies, overflow) = definitionBytes.multipliedReportingOverflow(by: brackets)
            if overflow || copies > maxDefinitionBytesTimesBrackets {
                return LessonError("the lesson's link definitions (\(definitionBytes) bytes) times its \(brackets) '[' pass \(maxDefinitionBytesTimesBrackets); shorten the addresses or link to them less often", at: SourcePosition(line: lineNumber, column: 1))
            }
            if paragraphBrackets > maxBracketsPerParagraph {
                return LessonError("this paragraph has more than \(maxBracketsPerParagraph) '[' (links and images); a blank line between parts keeps each paragraph small", at: SourcePosition(line: lineNumber, column: 1))
            }
            if brackets > maxBrackets {
                return LessonError("the lesson has more than \(maxBrackets) '[' (links and images) outside code blocks; split it into several lessons", at: SourcePosition(line: lineNumber, column: 1))
            }
            if next == bytes.count { break }
        }
        return nil
    }

    /// What one line holds for the caps: its `|`, `[` and node characters, and the error of a
    /// word with too many `)` (the autolink's trimming; for code lines too, as the safety net).
    /// Only a word the autolink extension can make a link of counts: one with `://` (after
    /// `http`, `https` or `ftp`) or `www.` in it, in any letter case. Measured with Debian's
    /// cmark-gfm: `http://a` or `www.a` and 30,000 `)` take 0.24 s, the same `)` after `a`,
    /// `x:`, `a@b.c` or `mailto:a` no time, so an expression such as `f = ((…1))` in a step is
    /// no risk (it made the whole lesson an error; an audit).
    /// - Parameter factor: how many times the word caps a line may take (4 for code lines).
    static func tally(_ line: UnsafeBufferPointer<UInt8>, _ lineNumber: Int, factor: Int = 1) -> (pipes: Int, brackets: Int, nodes: Int, instructions: Int, ats: Int, wordError: LessonError?) {
        let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), pipe = UInt8(ascii: "|"), bracket = UInt8(ascii: "[")
        var pipes = 0, open = 0, nodes = 0, instructions = 0, ats = 0, wordParentheses = 0, wordStart = 0
        var wordLinks = false
        /// Whether `line` at `k` starts `://` or `www.` (any case): where the autolink starts.
        func startsLink(_ k: Int) -> Bool {
            let b = line[k]
            if b == UInt8(ascii: ":") { return k + 2 < line.count && line[k + 1] == UInt8(ascii: "/") && line[k + 2] == UInt8(ascii: "/") }
            guard b | 0x20 == UInt8(ascii: "w"), k + 3 < line.count else { return false }
            return line[k + 1] | 0x20 == UInt8(ascii: "w") && line[k + 2] | 0x20 == UInt8(ascii: "w") && line[k + 3] == UInt8(ascii: ".")
        }
        /// The word that ends before byte `end`, if it may be a link and its `)`, or its `)` ×
        /// bytes, are past the caps.
        func costly(_ end: Int) -> LessonError? {
            guard wordLinks, wordParentheses > 0 else { return nil }
            let at = SourcePosition(line: lineNumber, column: columnOf(byte: wordStart, in: line))
            if wordParentheses > factor * maxParenthesesPerWord {
                return LessonError("this word has more than \(factor * maxParenthesesPerWord) ')'; a word in a lesson may have at most \(factor * maxParenthesesPerWord)", at: at)
            }
            let bytes = end - wordStart
            let (product, overflow) = wordParentheses.multipliedReportingOverflow(by: bytes)
            guard overflow || product > factor * maxParenthesesTimesBytes else { return nil }
            return LessonError("this word has too many ')' for its length (\(wordParentheses) in \(bytes) bytes; ')' × bytes may be at most \(factor * maxParenthesesTimesBytes))", at: at)
        }
        for (k, b) in line.enumerated() {
            if b == pipe { pipes += 1 } else if b == bracket { open += 1 } else if b == 0x40 { ats += 1 }
            else if b == 0x3C || b == 0x26 || b == 0x21 || b == 0x5D || b == 0x5C || b == 0x2A || b == 0x5F || b == 0x60 || b == 0x24 || b == 0x7E {
                nodes += 1
                if b == 0x3C, k + 1 < line.count, line[k + 1] == UInt8(ascii: "?") { instructions += 1 }
            }
            else if b == space || b == tab {
                if let error = costly(k) { return (pipes, open, nodes, instructions, ats, error) }
                wordParentheses = 0; wordStart = k + 1; wordLinks = false
            }
            else if b == 0x29 { wordParentheses += 1 }
            else if !wordLinks, startsLink(k) { wordLinks = true }
        }
        return (pipes, open, nodes, instructions, ats, costly(line.count))
    }

    /// Whether `rest` (a line from its `<`) is one whole open or closing tag alone on its line:
    /// CommonMark's 7th kind of HTML block, which ends at a blank line and cannot interrupt a
    /// paragraph (`FenceScanner.HTMLBlockEnd` reads kinds 1 to 6, and leaves this one out on
    /// purpose). A closing `</script>` counts; an opening `<script>` is kind 1.
    static func isLoneTag(_ rest: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 1
        let closing = rest.count > 1 && rest[1] == UInt8(ascii: "/")
        if closing { i = 2 }
        let nameStart = i
        func isLetter(_ b: UInt8) -> Bool { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(lower(b)) }
        guard i < rest.count, isLetter(rest[i]) else { return false }
        while i < rest.count, isLetter(rest[i]) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(rest[i]) || rest[i] == UInt8(ascii: "-") { i += 1 }
        let name = String(decoding: rest[nameStart..<i].map(lower), as: UTF8.self)
        guard closing || !["script", "style", "pre"].contains(name),
              let close = rest[i...].firstIndex(of: UInt8(ascii: ">")),
              !rest[i..<close].contains(UInt8(ascii: "<")) else { return false }
        return rest[(close + 1)...].allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
    }

    /// The column (from 0) where the content of a list item opened on this line starts, or nil
    /// when the line opens none: `- x` → 2, `1. x` → 3, `  * x` → 4.
    static func listItemContentIndent(_ line: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = 0
        while i < line.count, i < 4, line[i] == UInt8(ascii: " ") { i += 1 }
        guard i < 4, i < line.count else { return nil }
        var j = i
        if line[j] == UInt8(ascii: "-") || line[j] == UInt8(ascii: "+") || line[j] == UInt8(ascii: "*") {
            j += 1
        } else {
            while j < line.count, j - i < 9, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(line[j]) { j += 1 }
            guard j > i, j < line.count, line[j] == UInt8(ascii: ".") || line[j] == UInt8(ascii: ")") else { return nil }
            j += 1
        }
        guard j < line.count, line[j] == UInt8(ascii: " ") || line[j] == UInt8(ascii: "\t") else { return nil }
        var k = j
        while k < line.count, line[k] == UInt8(ascii: " ") { k += 1 }
        // Five spaces or more, or nothing after the marker: the content starts one space after it.
        return k == line.count || k - j > 4 ? j + 1 : k
    }

    /// An ASCII capital as its small letter; every other byte as it is.
    static func lower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b | 0x20 : b }

    /// Whether `line` holds `needle` (small letters; the line's in any case) at or after byte `after`.
    static func contains(_ line: UnsafeBufferPointer<UInt8>, _ needle: [UInt8], after: Int = 0) -> Bool {
        guard needle.count <= line.count else { return false }
        var i = after
        while i + needle.count <= line.count {
            var k = 0
            while k < needle.count, lower(line[i + k]) == needle[k] { k += 1 }
            if k == needle.count { return true }
            i += 1
        }
        return false
    }

    /// The 1-based column (in characters, as every position) of the byte at `offset` of a line.
    static func columnOf(byte offset: Int, in line: UnsafeBufferPointer<UInt8>) -> Int {
        String(decoding: UnsafeBufferPointer(rebasing: line[..<offset]), as: UTF8.self).count + 1
    }

    /// How many block quotes (`>`) and list items (`-`, `+`, `*`, `1.`, `1)` followed by a space)
    /// a line opens at its start, and the 1-based column of the marker that goes past
    /// `maxDepth` (or of the last one).
    static func containerDepth(_ bytes: UnsafeBufferPointer<UInt8>) -> (depth: Int, column: Int) {
        let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")
        // `* * * *` and `- - - -` are thematic breaks, not lists.
        for mark in [UInt8(ascii: "*"), UInt8(ascii: "-"), UInt8(ascii: "_")]
        where bytes.allSatisfy({ $0 == mark || $0 == space || $0 == tab }) {
            return (0, 1)
        }
        var i = 0
        var depth = 0, column = 1
        func isSpace(_ k: Int) -> Bool { k < bytes.count && (bytes[k] == space || bytes[k] == tab) }
        while true {
            while isSpace(i) { i += 1 }
            guard i < bytes.count else { break }
            let b = bytes[i]
            let markerColumn = i + 1
            if b == UInt8(ascii: ">") {
                i += 1
            } else if b == UInt8(ascii: "-") || b == UInt8(ascii: "+") || b == UInt8(ascii: "*") {
                guard isSpace(i + 1) else { break }
                i += 1
            } else if b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") {
                var j = i
                while j < bytes.count, j - i < 10, bytes[j] >= UInt8(ascii: "0") && bytes[j] <= UInt8(ascii: "9") { j += 1 }
                guard j < bytes.count, bytes[j] == UInt8(ascii: ".") || bytes[j] == UInt8(ascii: ")"), isSpace(j + 1) else { break }
                i = j + 1
            } else {
                break
            }
            depth += 1
            column = markerColumn
            if depth > maxDepth { break }   // enough to report; the rest is never read
        }
        return (depth, column)
    }
}
