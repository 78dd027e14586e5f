/// What a teacher's prose may hold beyond safe Markdown (SPEC §8): TeX math, local images and a
/// few HTML elements. Rendering one piece of prose goes:
///
/// 1. `protectMath`: `$…$` and `$$…$$` outside code are cut out of the Markdown and replaced by
///    placeholders that cmark-gfm leaves alone (it would otherwise read `_`, `*` and `\\`
///    inside formulas as Markdown); each formula is parsed (`TeXMath`) at once, so an error
///    has its file position.
/// 2. cmark-gfm parses the protected text; `MarkdownDocument.prepareLessonProse` replaces each
///    raw HTML node by its allow-listed form (`HTMLAllowList`) and each image by a placeholder.
/// 3. The HTML is rendered in safe mode (links keep cmark's `javascript:` protection); the
///    HTML renderer later writes MathML and data URIs where the placeholders are.
public enum ProseMarkup {
    /// Placeholders are `U+E000`, a kind letter (`m` formula, `i` image, `h` inline HTML, `c`
    /// one of the teacher's own U+E000…U+E002), the index, `U+E001`. The teacher's own
    /// U+E000…U+E002 (an icon font's glyphs, say) become `c` placeholders first, so that a
    /// placeholder cannot be forged and the characters still reach the page (they became
    /// U+FFFD).
    static let open: Character = "\u{E000}"
    static let close: Character = "\u{E001}"
    /// Marks a line that a multi-line formula covered (kept so line numbers stay right); its
    /// rendered line break is removed.
    static let continuation: Character = "\u{E002}"

    public static func placeholder(_ kind: Character, _ index: Int) -> String {
        String(open) + String(kind) + String(index) + String(close)
    }

    /// Renders a piece of the teacher's prose. `start` is the file position of its first
    /// character; `codeLines` the file lines inside code blocks; `fileLines` the file, for
    /// positions. Formulas and images are appended to `math` and `images` (the placeholders
    /// hold their indices there), problems to `errors`, and HTML elements that are not allowed
    /// (escaped and shown as text, SPEC §8: "warned about") to `warnings`.
    /// Whether a code fence opened in `text` is still open at its end: what follows would be
    /// code, so the definitions are not added there.
    static func endsInsideFence(_ text: String) -> Bool {
        var open: FenceScanner.Fence? = nil
        for line in FenceScanner.splitLines(text) {
            if let fence = open {
                if fence.isClosed(by: line) { open = nil }
            } else if let fence = FenceScanner.Fence.opening(line) {
                open = fence
            }
        }
        return open != nil
    }

    /// - Parameter definitions: the lesson's link reference definitions, read after the text
    ///   (they render as nothing, and lines after the text move no position).
    static func render(_ text: String, start: SourcePosition, definitions: String = "", codeLines: Set<Int>, fileLines: [String],
                       math: inout [ProseMath], images: inout [ProseImage], errors: inout [LessonError],
                       warnings: inout [LessonError]) -> String {
        let protected = protectMath(text, start: start, codeLines: codeLines, math: &math, errors: &errors, warnings: &warnings)
        let document = MarkdownDocument(definitions.isEmpty || endsInsideFence(protected) ? protected : protected + "\n\n" + definitions)
        var locator = Locator(lines: fileLines)
        var htmlProblems = 0
        var strayTags = 0
        var snippets: [String] = []
        // Allowed elements still open, in order (a prose stretch is one <div> on the page).
        var open: [(name: String, position: SourcePosition)] = []
        document.prepareLessonProse(image: { url, title, alt, line in
            let fileLine = start.line + max(1, line) - 1
            let position = locator.find("![", fromLine: fileLine)
            images.append(ProseImage(url: url, alt: restoreSources(alt, math), title: restoreSources(title, math), position: position))
            return placeholder("i", images.count - 1)
        }, html: { literal, line, isBlock in
            let fileLine = start.line + max(1, line) - 1
            var (clean, problems) = HTMLAllowList.sanitize(literal)
            // A closing tag with nothing open to close is left out (its element opened before a
            // step or a solution marker, in another stretch of prose).
            clean = HTMLAllowList.balanced(clean, open: &open, opened: { name in
                locator.find("<" + name, fromLine: fileLine)
            }, stray: { name in
                // As many as there are tags (80,000 `</sup>` in one line): the first few say where.
                strayTags += 1
                if strayTags <= maxHTMLProblems {
                    warnings.append(LessonError("</\(name)> closes nothing opened in this stretch of prose (a step or a solution marker comes between it and its <\(name)>), so it is left out", at: locator.find("</" + name, fromLine: fileLine)))
                } else if strayTags == maxHTMLProblems + 1 {
                    warnings.append(LessonError("more closing tags that close nothing follow; each is left out", at: SourcePosition(line: fileLine, column: 1)))
                }
            })
            for problem in problems {
                htmlProblems += 1
                if htmlProblems <= maxHTMLProblems {
                    let needle = String(problem.tag.prefix { $0 != "\n" && $0 != ProseMarkup.open })
                    warnings.append(LessonError(problem.message, at: locator.find(needle, fromLine: fileLine)))
                } else if htmlProblems == maxHTMLProblems + 1 {
                    warnings.append(LessonError("more HTML elements that are not allowed follow; each is shown as text", at: SourcePosition(line: fileLine, column: 1)))
                }
            }
            if isBlock { return clean }
            snippets.append(clean)
            return placeholder("h", snippets.count - 1)
        })
        var html = document.renderHTML()
        if !snippets.isEmpty { html = fillSnippets(html, snippets) }
        // What is still open is closed where the stretch ends, so each stretch stays whole.
        for (k, element) in open.reversed().enumerated() {
            html += "</\(element.name)>"
            if k < maxHTMLProblems {
                warnings.append(LessonError("<\(element.name)> is not closed before a step, a solution marker or the end of the lesson, so the page closes it there; a step cannot go inside <\(element.name)>", at: element.position))
            } else if k == maxHTMLProblems {
                warnings.append(LessonError("\(open.count - maxHTMLProblems) more elements are not closed before a step, a solution marker or the end of the lesson; the page closes them there", at: element.position))
            }
        }
        if html.contains(continuation) {
            html = html.replacing( "\n" + String(continuation), with: "")
                       .replacing( String(continuation), with: "")
        }
        return html
    }

    /// The allow-listed inline HTML where its placeholders are (inside a tag, where none can
    /// be, nothing).
    static func fillSnippets(_ html: String, _ snippets: [String]) -> String {
        var out = ""
        out.reserveCapacity(html.utf8.count)
        var inTag = false
        var scalars = html.unicodeScalars[...]
        while let u = scalars.first {
            if u == "<" { inTag = true } else if u == ">" { inTag = false }
            if u == "\u{E000}", scalars.dropFirst().first == "h", let close = scalars.firstIndex(of: "\u{E001}"),
               let index = Int(String(String.UnicodeScalarView(scalars.dropFirst(2).prefix(upTo: close)))),
               snippets.indices.contains(index) {
                if !inTag { out += snippets[index] }
                scalars = scalars[scalars.index(after: close)...]
                continue
            }
            out.unicodeScalars.append(u)
            scalars = scalars.dropFirst()
        }
        return out
    }

    /// At most this many HTML problems are reported per piece of prose (each is still escaped).
    static let maxHTMLProblems = 20

    /// Text with formula placeholders put back as their TeX source (`$x$`), for alt texts, and
    /// the teacher's own private-use characters as written.
    static func restoreSources(_ text: String, _ math: [ProseMath]) -> String {
        guard text.contains(open) else { return text }
        var out = ""
        var rest = Substring(text)
        while let o = rest.firstIndex(of: open) {
            out += rest[..<o]
            let after = rest[rest.index(after: o)...]
            // The teacher's own U+E000…U+E002, as written.
            if let c = after.firstIndex(of: close), after.first == "c", let index = Int(after.dropFirst().prefix(upTo: c)),
               (0...2).contains(index), let own = Unicode.Scalar(0xE000 + UInt32(index)) {
                out.unicodeScalars.append(own)
                rest = after[after.index(after: c)...]
                continue
            }
            guard let c = after.firstIndex(of: close), after.first == "m", let index = Int(after.dropFirst().prefix(upTo: c)),
                  math.indices.contains(index) else {
                rest = after
                continue
            }
            let m = math[index]
            out += m.display ? "$$" + m.source + "$$" : "$" + m.source + "$"
            rest = after[after.index(after: c)...]
        }
        return out + rest
    }

    // MARK: formulas

    /// The text with every formula outside code replaced by a placeholder (a formula over
    /// several lines leaves a `continuation` mark on each further line, so that line numbers
    /// stay). Rules (pandoc's): `$$…$$` is display math, within one paragraph; `$…$` is inline
    /// math on one line and without a backtick, when the opening `$` is not followed by a space
    /// and the next `$` is neither preceded by a space nor followed by a digit (so `$5 and
    /// $6` stays text, and `$5 for $x$` is text then x); `\$` is
    /// a dollar; code spans and code blocks are left alone. Linear in the text: a search for a
    /// closing `$` that fails is never repeated for a later opening one.
    static func protectMath(_ text: String, start: SourcePosition, codeLines: Set<Int>,
                            math: inout [ProseMath], errors: inout [LessonError], warnings: inout [LessonError]) -> String {
        // The placeholders' code points become placeholders of their own when the text has any
        // (rare; `ProseHTML.fill` puts them back); a text without a `$` byte has no formula
        // (both tests are one pass over the bytes first).
        var cleaned = text
        if text.unicodeScalars.contains(where: { (0xE000...0xE002).contains($0.value) }) {
            cleaned = ""
            for u in text.unicodeScalars {
                if (0xE000...0xE002).contains(u.value) { cleaned += placeholder("c", Int(u.value - 0xE000)) } else { cleaned.unicodeScalars.append(u) }
            }
        }
        guard cleaned.utf8.contains(UInt8(ascii: "$")), cleaned.contains("$") else { return cleaned }
        var lines = LessonParser.lines(of: cleaned)
        var k = 0
        while k < lines.count {
            let fileLine = start.line + k
            if lines[k].trimmingWhitespace().isEmpty || codeLines.contains(fileLine) { k += 1; continue }
            var end = k
            while end + 1 < lines.count, !lines[end + 1].trimmingWhitespace().isEmpty, !codeLines.contains(start.line + end + 1) { end += 1 }
            if lines[k...end].contains(where: { $0.contains("$") }) {
                let replaced = protectRegion(Array(lines[k...end]), firstLine: fileLine,
                                             firstColumnOffset: k == 0 ? start.column - 1 : 0, math: &math, errors: &errors, warnings: &warnings)
                lines.replaceSubrange(k...end, with: replaced)
            }
            k = end + 1
        }
        return lines.joined(separator: "\n")
    }

    /// Where the formulas of one line are (character offsets, dollars included), by the same
    /// rules: for renderers that show the TeX as written and must not style its `_` and `*`.
    public static func formulaRanges(inLine line: String) -> [Range<Int>] {
        guard line.contains("$") else { return [] }
        var math: [ProseMath] = []
        var errors: [LessonError] = []
        var warnings: [LessonError] = []
        _ = protectRegion([line], firstLine: 1, firstColumnOffset: 0, math: &math, errors: &errors, warnings: &warnings)
        return math.map {
            let start = $0.position.column - 1
            return start..<(start + $0.source.count + ($0.display ? 4 : 2))
        }
    }

    /// Where an autolink that starts at `i` ends: `<scheme:…>` (CommonMark: a scheme of 2–32
    /// letters, digits, `+ . -`, then no space, `<` or `>`), or a bare `http://`, `https://` or
    /// `www.` address after a space, a line's start or `* _ ~ (` (GFM), up to a space or `<`.
    static func autolinkEnd(_ c: [Character], at i: Int) -> Int? {
        let n = c.count
        if c[i] == "<" {
            var j = i + 1
            while j < n, j - i - 1 < 32, c[j].isASCII, c[j].isLetter || c[j].isNumber || "+.-".contains(c[j]) { j += 1 }
            guard j - i - 1 >= 2, c[i + 1].isLetter, j < n, c[j] == ":" else { return nil }
            while j < n, c[j] != ">", c[j] != "<", !c[j].isWhitespace { j += 1 }
            return j < n && c[j] == ">" ? j + 1 : nil
        }
        guard c[i] == "h" || c[i] == "w", i == 0 || c[i - 1].isWhitespace || "*_~(".contains(c[i - 1]) else { return nil }
        let starts = ["https://", "http://", "www."]
        guard starts.contains(where: { prefix in prefix.count <= n - i && zip(prefix, c[i...]).allSatisfy { $0 == $1 } }) else { return nil }
        var j = i
        while j < n, c[j] != "<", !c[j].isWhitespace { j += 1 }
        return j
    }

    /// The leading `>` markers of a block quote line, with their spaces, and how many.
    static func quotePrefix(_ line: ArraySlice<Character>) -> (length: Int, depth: Int) {
        var i = line.startIndex, depth = 0, length = 0
        while true {
            var j = i, spaces = 0
            while j < line.endIndex, line[j] == " ", spaces < 3 { j += 1; spaces += 1 }
            guard j < line.endIndex, line[j] == ">" else { break }
            j += 1
            if j < line.endIndex, line[j] == " " { j += 1 }
            depth += 1
            length = j - line.startIndex
            i = j
        }
        return (length, depth)
    }

    private static func protectRegion(_ lines: [String], firstLine: Int, firstColumnOffset: Int,
                                      math: inout [ProseMath], errors: inout [LessonError], warnings: inout [LessonError]) -> [String] {
        var c: [Character] = []
        var lineStarts: [Int] = []
        for (n, line) in lines.enumerated() {
            if n > 0 { c.append("\n") }
            lineStarts.append(c.count)
            c.append(contentsOf: line)
        }
        let n = c.count
        func lineIndex(_ offset: Int) -> Int {
            var lo = 0, hi = lineStarts.count - 1
            while lo < hi {
                let mid = (lo + hi + 1) / 2
                if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
            }
            return lo
        }
        func position(_ offset: Int) -> SourcePosition {
            let l = lineIndex(offset)
            return SourcePosition(line: firstLine + l, column: offset - lineStarts[l] + 1 + (l == 0 ? firstColumnOffset : 0))
        }
        // Backtick runs by length, for code spans: the next run of the same length closes one.
        var runs: [Int: [Int]] = [:]
        var r = 0
        while r < n {
            if c[r] == "`" {
                var e = r
                while e < n, c[e] == "`" { e += 1 }
                runs[e - r, default: []].append(r)
                r = e
            } else {
                r += 1
            }
        }
        var runPointer: [Int: Int] = [:]
        func closingRun(length: Int, after i: Int) -> Int? {
            guard let starts = runs[length] else { return nil }
            var p = runPointer[length] ?? 0
            while p < starts.count, starts[p] <= i { p += 1 }
            runPointer[length] = p
            return p < starts.count ? starts[p] : nil
        }

        var out: [Character] = []
        out.reserveCapacity(n)
        var definitionLines = Set<Int>()
        var inlineFailedUntil = -1
        var displayFailedFrom = Int.max
        var i = 0

        func emitFormula(from s: Int, to e: Int, delimiter: Int) {
            // The TeX, with a block quote's `>` markers left out of further lines.
            let firstQuote = quotePrefix(c[lineStarts[lineIndex(s)]..<n]).depth
            var tex = ""
            var texLines: [(offset: Int, position: SourcePosition)] = [(0, position(s + delimiter))]
            var texCount = 0
            var j = s + delimiter
            var continuationPrefixes: [String] = []
            while j < e - delimiter {
                if c[j] == "\n" {
                    tex.append("\n")
                    texCount += 1
                    j += 1
                    var skip = 0
                    if firstQuote > 0 {
                        let lineEnd = min(n, (lineIndex(j) + 1 < lineStarts.count ? lineStarts[lineIndex(j) + 1] : n))
                        skip = quotePrefix(c[j..<lineEnd]).length
                    }
                    continuationPrefixes.append(String(c[j..<(j + skip)]))
                    j += skip
                    texLines.append((texCount, position(j)))
                    continue
                }
                tex.append(c[j])
                texCount += 1
                j += 1
            }
            let display = delimiter == 2
            // The formula as the teacher wrote it (their own private-use characters too).
            tex = restoreSources(tex, [])
            var node: TeXNode? = nil
            do {
                node = try TeXMath.parse(tex)
            } catch {
                let at = texLines.last { $0.offset <= error.offset } ?? texLines[0]
                let where_ = SourcePosition(line: at.position.line, column: at.position.column + error.offset - at.offset)
                errors.append(LessonError("cannot read this formula: \(error.message); it is shown as TeX", at: where_))
            }
            math.append(ProseMath(source: tex, display: display, position: position(s), node: node))
            out.append(contentsOf: placeholder("m", math.count - 1))
            for prefix in continuationPrefixes {
                out.append("\n")
                out.append(contentsOf: prefix)
                out.append(continuation)
            }
        }

        while i < n {
            let ch = c[i]
            if ch == "\\", i + 1 < n {
                out.append(ch)
                out.append(c[i + 1])
                i += 2
                continue
            }
            if ch == "`" {
                var e = i
                while e < n, c[e] == "`" { e += 1 }
                let length = e - i
                if let closer = closingRun(length: length, after: i) {
                    out.append(contentsOf: c[i..<(closer + length)])
                    i = closer + length
                } else {
                    out.append(contentsOf: c[i..<e])
                    i = e
                }
                continue
            }
            if i == 0 || c[i - 1] == "\n", lineIndex(i) == 0 || definitionLines.contains(lineIndex(i) - 1),
               ReferenceDefinitions.isDefinition(line: lines[lineIndex(i)]) {
                // A link reference definition's line is an address and a title, never math. One
                // starts the region or follows another: it cannot interrupt a paragraph
                // (`Energy:` then `[1]: $E=mc^2$ (Einstein)` is text with a formula).
                definitionLines.insert(lineIndex(i))
                var j = i
                while j < n, c[j] != "\n" { j += 1 }
                out.append(contentsOf: c[i..<j])
                i = j
                continue
            }
            if let end = autolinkEnd(c, at: i) {
                // An autolink, `<https://…/$a$>` or a bare `https://…` (GFM), is an address too.
                out.append(contentsOf: c[i..<end])
                i = end
                continue
            }
            if ch == "]", i + 1 < n, c[i + 1] == "(" {
                // A link's or image's destination is an address, never math.
                var j = i + 2, depth = 0
                while j < n, c[j] != "\n", !(c[j] == ")" && depth == 0) {
                    if c[j] == "(" { depth += 1 } else if c[j] == ")" { depth -= 1 }
                    j += 1
                }
                out.append(contentsOf: c[i..<j])
                i = j
                continue
            }
            guard ch == "$" else { out.append(ch); i += 1; continue }
            if i + 1 < n, c[i + 1] == "$" {
                var found: Int? = nil
                if i < displayFailedFrom {
                    var j = i + 2
                    while j + 1 < n {
                        if c[j] == "\\" { j += 2; continue }
                        if c[j] == "$", c[j + 1] == "$" { found = j; break }
                        j += 1
                    }
                    if found == nil {
                        displayFailedFrom = i
                        // Said once a paragraph: a display formula cannot run over a blank line,
                        // and the text after it would otherwise show its TeX without a word.
                        warnings.append(LessonError("this $$ opens a display formula that no $$ closes in its paragraph (a blank line ends it), so it is shown as text", at: position(i)))
                    }
                }
                if let j = found, !c[(i + 2)..<j].allSatisfy(\.isWhitespace) {
                    emitFormula(from: i, to: j + 2, delimiter: 2)
                    i = j + 2
                } else {
                    out.append("$")
                    out.append("$")
                    i += 2
                }
                continue
            }
            var found: Int? = nil
            if i + 1 < n, !c[i + 1].isWhitespace, i >= inlineFailedUntil {
                var j = i + 1
                // An inline formula holds no line break and no backtick (a code span's), so
                // `$5 and `$x$`` stays text.
                // The first `$` ends it, as in pandoc: after a space or before a digit that `$`
                // is no closing one and the formula fails (`$5 for $x$` is text, then x; read on
                // to the next `$`, it was "5 for $x").
                while j < n, c[j] != "\n", c[j] != "`" {
                    if c[j] == "\\", j + 1 < n, c[j + 1] != "\n" { j += 2; continue }
                    if c[j] == "$" {
                        if j > i + 1, !c[j - 1].isWhitespace, !(j + 1 < n && c[j + 1].isNumber) { found = j }
                        break
                    }
                    j += 1
                }
                if found == nil { inlineFailedUntil = j }
            }
            if let j = found {
                emitFormula(from: i, to: j + 1, delimiter: 1)
                i = j + 1
            } else {
                out.append("$")
                i += 1
            }
        }
        return LessonParser.lines(of: String(out))
    }

    // MARK: positions

    /// Finds where a piece of the source is, searching forward from a line (and, for the same
    /// text again, after the previous find), for positions of HTML tags and images.
    /// The search ignores ASCII letter case, as HTML's tag names do (`<MARK>` is found for
    /// `<mark`; a search that minded case pointed at a later lower-case tag).
    struct Locator {
        let lines: [String]
        /// Where each needle was last found, and its column there: the next search for it goes
        /// on from that point, and its column is counted on from there too (counting from the
        /// line's start made 80,000 tags on one line take 40 s).
        var last: [String: (line: Int, index: String.Index, column: Int)] = [:]
        /// Lines with their ASCII letters in lower case, made when first searched (a stretch
        /// of prose searches a few lines of the whole file's). Each Character maps to one, so
        /// columns are the same.
        var folded: [Int: String] = [:]

        init(lines: [String]) { self.lines = lines }

        static func foldingASCII(_ text: String) -> String {
            guard text.utf8.contains(where: { (65...90).contains($0) }) else { return text }
            return String(text.map { $0.isASCII && $0.isUppercase ? Character($0.lowercased()) : $0 })
        }

        mutating func find(_ written: String, fromLine: Int) -> SourcePosition {
            let fallback = SourcePosition(line: max(1, fromLine), column: 1)
            guard !written.isEmpty else { return fallback }
            let needle = Self.foldingASCII(written)
            var line = max(1, fromLine)
            var from: (index: String.Index, column: Int)? = nil
            if let previous = last[needle], previous.line >= line { line = previous.line; from = (previous.index, previous.column) }
            var scanned = 0
            while line <= lines.count, scanned < 64 {
                if folded[line] == nil { folded[line] = Self.foldingASCII(lines[line - 1]) }
                let text = folded[line]!
                let start = from ?? (text.startIndex, 1)
                if let range = text[start.index...].firstRange(of: needle) {
                    let column = start.column + text.distance(from: start.index, to: range.lowerBound)
                    last[needle] = (line, range.upperBound, column + needle.count)
                    return SourcePosition(line: line, column: column)
                }
                line += 1
                from = nil
                scanned += 1
            }
            return fallback
        }
    }
}

/// The HTML a teacher's prose may hold: `details` (with `open`), `summary`, `sup`, `sub`,
/// `kbd`, `mark`, `br`, without attributes. Comments are dropped; any other tag, and
/// processing instructions or declarations, are escaped (shown as text) with a problem;
/// attributes of an allowed element are dropped with a problem. Character references pass.
enum HTMLAllowList {
    static let allowed: Set<String> = ["details", "summary", "sup", "sub", "kbd", "mark", "br"]

    struct Problem { var message: String; var tag: String }

    /// `clean` (sanitized: its only tags are allowed elements, written as `<name>`,
    /// `<details open>` and `</name>`) with every closing tag that closes nothing in `open`
    /// left out and reported to `stray`; an opening tag is pushed onto `open` with the position
    /// `opened` finds for it, a matching closing tag pops it (closing the elements opened inside
    /// it, as a browser does).
    static func balanced(_ clean: String, open: inout [(name: String, position: SourcePosition)],
                         opened: (String) -> SourcePosition, stray: (String) -> Void) -> String {
        guard clean.contains("<") else { return clean }
        var out = ""
        var rest = Substring(clean)
        while let lt = rest.firstIndex(of: "<") {
            out += rest[..<lt]
            guard let gt = rest[lt...].firstIndex(of: ">") else { break }
            let tag = rest[lt...gt]
            rest = rest[rest.index(after: gt)...]
            let closing = tag.hasPrefix("</")
            let name = String(tag.dropFirst(closing ? 2 : 1).prefix { $0.isLetter })
            if name == "br" { out += tag; continue }
            if !closing {
                open.append((name, opened(name)))
                out += tag
            } else if let k = open.lastIndex(where: { $0.name == name }) {
                for inner in open[(k + 1)...].reversed() { out += "</\(inner.name)>" }
                open.removeSubrange(k...)
                out += tag
            } else {
                stray(name)
            }
        }
        return out + rest
    }

    static func sanitize(_ raw: String) -> (html: String, problems: [Problem]) {
        let c = Array(raw)
        let n = c.count
        var out = ""
        var problems: [Problem] = []
        var i = 0
        while i < n {
            let ch = c[i]
            if ch == "<" {
                if c[i...].starts(with: "<!--") {
                    // A comment (a solution marker among them): dropped, as safe mode did.
                    var j = i + 4
                    while j < n, !c[j...].starts(with: "-->") { j += 1 }
                    i = min(n, j + 3)
                    continue
                }
                if let tag = parseTag(c, at: i) {
                    let text = String(c[i..<tag.end])
                    if allowed.contains(tag.name) {
                        out += tag.written
                        let dropped = tag.attributes.filter { !(tag.name == "details" && $0 == "open") }
                        if !dropped.isEmpty {
                            problems.append(Problem(message: "the attribute\(dropped.count == 1 ? "" : "s") \(dropped.joined(separator: ", ")) of <\(tag.name)> \(dropped.count == 1 ? "is" : "are") dropped: HTML in prose carries no attributes (only open on <details>)", tag: text))
                        }
                    } else {
                        out += escape(text)
                        problems.append(Problem(message: "the HTML element <\(tag.name.quotable)> is not allowed in prose, so it is shown as text; allowed: details, summary, sup, sub, kbd, mark, br", tag: text))
                    }
                    i = tag.end
                    continue
                }
                if i + 1 < n, c[i + 1] == "?" || c[i + 1] == "!" {
                    var j = i
                    while j < n, c[j] != ">" { j += 1 }
                    let text = String(c[i..<min(n, j + 1)])
                    out += escape(text)
                    problems.append(Problem(message: "HTML \(c[i + 1] == "?" ? "processing instructions" : "declarations") are not allowed in prose, so this is shown as text", tag: text))
                    i = min(n, j + 1)
                    continue
                }
                out += "&lt;"
                i += 1
                continue
            }
            if ch == "&", let end = characterReference(c, at: i) {
                out += String(c[i..<end])
                i = end
                continue
            }
            out += escape(String(ch))
            i += 1
        }
        return (out, problems)
    }

    /// Whether a warning says the page escaped HTML or dropped attributes.
    static func isEscapeWarning(_ message: String) -> Bool {
        (message.hasPrefix("the HTML element <") && message.contains("> is not allowed in prose"))
            || message.hasPrefix("HTML processing instructions are not allowed") || message.hasPrefix("HTML declarations are not allowed")
            || message.hasPrefix("more HTML elements that are not allowed follow")
            || (message.hasPrefix("the attribute") && message.contains("HTML in prose carries no attributes"))
    }

    /// `markdown` with what `sanitize` escapes written as text (`&lt;` for its `<`) and an
    /// allowed element's attributes dropped, outside code: lines of code blocks (`codeLines`,
    /// file lines; the text starts at `firstLine`) and code spans on one line are left as they
    /// are, and comments (solution markers among them) stay.
    static func escapedMarkdown(_ markdown: String, firstLine: Int, codeLines: Set<Int>) -> String {
        let c = Array(markdown)
        let n = c.count
        var out = ""
        var line = firstLine
        var i = 0
        func isBreak(_ ch: Character) -> Bool { ch == "\n" || ch == "\r\n" || ch == "\r" }
        let codeSpans = OneLineCodeSpans.find(in: c, firstLine: firstLine, codeLines: codeLines,
                                              backtick: "`", backslash: "\\") { isBreak(c[$0]) ? 1 : 0 }
        while i < n {
            let ch = c[i]
            if isBreak(ch) {
                line += 1
                out.append(ch)
                i += 1
                continue
            }
            if codeLines.contains(line) { out.append(ch); i += 1; continue }
            if ch == "\\", i + 1 < n, !isBreak(c[i + 1]) {
                out.append(ch); out.append(c[i + 1]); i += 2
                continue
            }
            if ch == "`" {
                var j = codeSpans[i] ?? i
                if j == i { while j < n, c[j] == "`" { j += 1 } }
                out += String(c[i..<j])
                i = j
                continue
            }
            if ch == "<" {
                if c[i...].starts(with: "<!--") { out.append(ch); i += 1; continue }
                if let tag = parseTag(c, at: i) {
                    if allowed.contains(tag.name) {
                        out += tag.written
                    } else {
                        out += "&lt;" + String(c[(i + 1)..<tag.end])
                    }
                    line += c[i..<tag.end].filter { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }.count
                    i = tag.end
                    continue
                }
                if i + 1 < n, c[i + 1] == "?" || c[i + 1] == "!" { out += "&lt;"; i += 1; continue }
            }
            out.append(ch)
            i += 1
        }
        return out
    }

    struct Tag {
        var name: String; var closing: Bool; var attributes: [String]; var end: Int

        /// An allowed element's tag as the page writes it: `<name>`, `<details open>` or
        /// `</name>`, every other attribute dropped.
        var written: String {
            closing ? "</\(name)>" : "<\(name)" + (name == "details" && attributes.contains("open") ? " open" : "") + ">"
        }
    }

    /// An open or closing tag at `i`, as CommonMark defines them; nil when there is none.
    static func parseTag(_ c: [Character], at start: Int) -> Tag? {
        let n = c.count
        var i = start + 1
        var closing = false
        if i < n, c[i] == "/" { closing = true; i += 1 }
        guard i < n, c[i].isASCII, c[i].isLetter else { return nil }
        var name = ""
        while i < n, c[i].isASCII, c[i].isLetter || c[i].isNumber || c[i] == "-" { name.append(c[i]); i += 1 }
        name = name.lowercased()
        func isSpace(_ x: Character) -> Bool { x == " " || x == "\t" || x == "\n" || x == "\r" || x == "\r\n" }
        var attributes: [String] = []
        while true {
            let before = i
            while i < n, isSpace(c[i]) { i += 1 }
            guard i < n else { return nil }
            if c[i] == ">" { return Tag(name: name, closing: closing, attributes: attributes, end: i + 1) }
            if !closing, c[i] == "/", i + 1 < n, c[i + 1] == ">" { return Tag(name: name, closing: closing, attributes: attributes, end: i + 2) }
            guard !closing, i > before, c[i].isASCII, c[i].isLetter || c[i] == "_" || c[i] == ":" else { return nil }
            var attribute = ""
            while i < n, c[i].isASCII, c[i].isLetter || c[i].isNumber || "_.:-".contains(c[i]) { attribute.append(c[i]); i += 1 }
            attributes.append(attribute.lowercased())
            var j = i
            while j < n, isSpace(c[j]) { j += 1 }
            if j < n, c[j] == "=" {
                j += 1
                while j < n, isSpace(c[j]) { j += 1 }
                guard j < n else { return nil }
                if c[j] == "\"" || c[j] == "'" {
                    let quote = c[j]
                    j += 1
                    while j < n, c[j] != quote { j += 1 }
                    guard j < n else { return nil }
                    j += 1
                } else {
                    let from = j
                    while j < n, !isSpace(c[j]), !"\"'=<>`".contains(c[j]) { j += 1 }
                    guard j > from else { return nil }
                }
                i = j
            }
        }
    }

    /// The end of a character reference (`&amp;`, `&#60;`, `&#x3C;`) at `i`, or nil.
    static func characterReference(_ c: [Character], at start: Int) -> Int? {
        var i = start + 1
        let n = c.count
        if i < n, c[i] == "#" {
            i += 1
            let hex = i < n && (c[i] == "x" || c[i] == "X")
            if hex { i += 1 }
            let from = i
            while i < n, i - from < 7, c[i].isASCII, hex ? c[i].isHexDigit : c[i].isNumber { i += 1 }
            guard i > from, i < n, c[i] == ";" else { return nil }
            return i + 1
        }
        let from = i
        while i < n, i - from < 32, c[i].isASCII, c[i].isLetter || c[i].isNumber { i += 1 }
        guard i > from, i < n, c[i] == ";", c[from].isLetter else { return nil }
        return i + 1
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }
}
