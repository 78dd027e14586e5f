/// `<!-- solution -->` … `<!-- end solution -->`: teacher-only regions of a lesson.
public enum Solutions {
    public static let open = "<!-- solution -->"
    public static let close = "<!-- end solution -->"

    /// The text with every solution region (markers included) removed. A region that fills
    /// whole lines takes its last line break with it, unless that would join the text above
    /// and below into one paragraph. An unclosed region runs to the end, so a forgotten marker
    /// hides too much rather than leaking a solution.
    public static func removed(from text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let start = marker(.open, in: rest) {
            let before = rest[..<start.lowerBound]
            out += before
            let after = rest[start.upperBound...]
            guard let end = marker(.close, in: after) else { return out }
            rest = after[end.upperBound...]
            // Whole lines: the region starts a line and its close marker ends one.
            let startsLine = out.isEmpty || out.last!.isNewline
            if startsLine, let next = rest.first, next.isNewline {
                let lineAbove = out.dropLast().split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).last ?? ""
                let afterBreak = rest.dropFirst()
                let lineBelow = afterBreak.prefix { !$0.isNewline }
                let joins = !lineAbove.allSatisfy(\.isWhitespace) && !lineBelow.allSatisfy(\.isWhitespace) && !out.isEmpty
                if !joins { rest = afterBreak }
            }
        }
        return out + rest
    }

    /// The text cut at solution markers into alternating pieces: outside, inside, outside …
    /// (markers themselves left out; an unclosed region runs to the end).
    public static func pieces(of text: String) -> [(text: Substring, isSolution: Bool)] {
        var out: [(Substring, Bool)] = []
        var rest = Substring(text)
        var inSolution = false
        while let found = marker(inSolution ? .close : .open, in: rest) {
            out.append((rest[..<found.lowerBound], inSolution))
            rest = rest[found.upperBound...]
            inSolution.toggle()
        }
        out.append((rest, inSolution))
        return out
    }

    /// True when the text holds a solution marker (in any spacing and case).
    public static func hasRegion(in text: String) -> Bool { marker(.open, in: Substring(text)) != nil }

    enum Marker { case open, close }

    /// The first solution marker of the given kind in `text`, in any spacing and case:
    /// `<!-- solution -->`, `<!--solution-->`, `<!--  Solution -->`; `<!-- end solution -->`,
    /// `<!--END SOLUTION-->`. A teacher who writes the marker slightly differently must never
    /// hand the solution to students.
    static func marker(_ kind: Marker, in text: Substring) -> Range<Substring.Index>? {
        var searchFrom = text.startIndex
        while let open = commentOpening(in: text, from: searchFrom) {
            if let found = self.kind(ofCommentAt: open, in: text), found.kind == kind { return found.range }
            searchFrom = open.upperBound
        }
        return nil
    }

    /// Whether the comment whose `<!--` is at `open` is a marker, and which, with its range
    /// (from `<!--` to `-->`). Looks at that comment only.
    static func kind(ofCommentAt open: Range<Substring.Index>, in text: Substring) -> (kind: Marker, range: Range<Substring.Index>)? {
        var i = open.upperBound
        func skipSpaces() { while i < text.endIndex, text[i].isWhitespace { i = text.index(after: i) } }
        func word(_ w: String) -> Bool {
            var j = i
            for expected in w {
                guard j < text.endIndex, text[j].lowercased() == String(expected) else { return false }
                j = text.index(after: j)
            }
            i = j
            return true
        }
        skipSpaces()
        let kind: Marker
        if word("solution") {
            kind = .open
        } else if word("end") {
            skipSpaces()
            guard word("solution") else { return nil }
            kind = .close
        } else {
            return nil
        }
        skipSpaces()
        // By scalars: an invisible joiner or mark after `>` makes one Character with it, and
        // the marker must still end there (a red-team pass hid both markers that way).
        let scalars = text.unicodeScalars
        guard scalars[i...].starts(with: "-->".unicodeScalars) else { return nil }
        return (kind, open.lowerBound..<scalars.index(i, offsetBy: 3))
    }

    /// What can go wrong with the markers so that teacher-only text reaches students.
    public enum MarkerProblem: Sendable, Equatable {
        /// A comment that reads like a marker but is not one (`<!-- solution: worked -->`,
        /// `<!— solution —>` with a word processor's dashes, full-width letters): the text after
        /// it is not hidden. Its text as written (up to 80 characters).
        case lookalike(String)
        /// `<!-- solution -->` inside a region: regions do not nest, so the inner end marker
        /// ends the region and the text after it is shown.
        case nested
        /// `<!-- end solution -->` outside a region: the text above it was meant to be hidden.
        case stray
        /// An open marker outside a region: no problem in prose; inside code (which shows the
        /// syntax) it still opens a region, which the caller reports.
        case opening
    }

    /// The marker problems of `text`, in order, each at the index of its `<`; `startsInRegion`
    /// when a region opened above is still open. One pass over the text's `<` and `＜` (each
    /// looked at once), so a page of comments costs linear time. A look-alike inside an open
    /// region is no problem (its text is hidden anyway).
    public static func markerProblems(in text: String, startsInRegion: Bool) -> [(at: String.Index, problem: MarkerProblem)] {
        let whole = Substring(text)
        var problems: [(at: String.Index, problem: MarkerProblem)] = []
        var inRegion = startsInRegion
        var from = whole.startIndex
        while let opener = commentLikeOpening(in: whole, from: from) {
            from = opener.upperBound
            // Exactly `<!--` is a comment, read as `marker` reads it (so that both agree on
            // every marker); anything else can only look like one.
            let isComment = whole[opener.lowerBound...].hasPrefix("<!--")
            let open = isComment ? opener.lowerBound..<whole.index(opener.lowerBound, offsetBy: 4) : opener
            if isComment, let found = kind(ofCommentAt: open, in: whole) {
                switch (found.kind, inRegion) {
                case (.open, true): problems.append((open.lowerBound, .nested))
                case (.close, false): problems.append((open.lowerBound, .stray))
                case (.open, false): inRegion = true; problems.append((open.lowerBound, .opening))
                case (.close, true): inRegion = false
                }
                from = found.range.upperBound
            } else if !inRegion, let shown = lookalike(at: open, in: whole) {
                problems.append((open.lowerBound, .lookalike(shown)))
            }
        }
        return problems
    }

    /// The next `<!` or `＜！` followed by one or more dashes of any kind (`-`, `—`, `–`, `−`,
    /// full-width): a comment, or what a word processor makes of one. The range ends after the
    /// dashes.
    static func commentLikeOpening(in text: Substring, from start: Substring.Index) -> Range<Substring.Index>? {
        let bytes = text.utf8
        var from = start
        while let at = bytes[from...].firstIndex(where: { $0 == UInt8(ascii: "<") || $0 == 0xEF }) {
            from = bytes.index(after: at)
            let s = text.unicodeScalars
            var i = at
            guard s[i] == "<" || s[i] == "＜" else { continue }
            i = s.index(after: i)
            guard i < s.endIndex, s[i] == "!" || s[i] == "！" else { continue }
            i = s.index(after: i)
            let dashStart = i
            while i < s.endIndex, "-—–‐‑‒−﹣－".unicodeScalars.contains(s[i]) { i = s.index(after: i) }
            if i > dashStart { return at..<i }
        }
        return nil
    }

    /// The comment at `open` as written, when it reads like a solution marker (after folding
    /// full-width letters, other scripts' look-alike letters, accents, invisible format
    /// characters and case; `looksLikeMarker` says which words do) but is not one. Reads at
    /// most 200 characters of it.
    static func lookalike(at open: Range<Substring.Index>, in text: Substring) -> String? {
        let body = text[open.upperBound...].prefix(200)
        // Most comments are plainly no marker: ASCII without "solution" in them needs no folding
        // (folding 200 characters at each of a million `<!-` took seconds).
        let head = body.utf8.prefix(200)
        if head.allSatisfy({ $0 < 0x80 }), !String(decoding: head, as: UTF8.self).lowercased().contains("solution") { return nil }
        let end = body.unicodeScalars.firstIndex { $0 == ">" || $0 == "＞" }
        let inside = end.map { body[..<$0] } ?? body
        let words = folded(inside).split { !$0.isLetter }
        guard looksLikeMarker(words) else { return nil }
        let written = String(text[open.lowerBound..<(end.map { text.unicodeScalars.index(after: $0) } ?? body.endIndex)])
        return written.count > 80 ? String(written.prefix(79)) + "…" : written
    }

    /// Whether a comment's words read as a solution marker: it starts with `solution` (then
    /// whatever its length: `<!-- Solution: the weights are 0.33 and 0.67 -->` was meant to open
    /// a region, and the text after it would be shown), or with `solutions` in a short comment; or a short
    /// comment (at most seven words) starts with end, begin, start, stop, teacher, sample, model,
    /// worked or official and names the solution within its next four words (`<!-- end of the
    /// sample solution -->`); or a Korean one starts with a word beginning 풀이, 해답, 정답, 해설,
    /// 답안 or 모범 (`<!-- 풀이 끝 -->`, `<!-- 정답은 … -->`), or with 교사용 before one.
    /// A note that mentions a solution later (`<!-- TODO: add solution -->`, `<!-- no solution
    /// yet -->`) is none.
    static func looksLikeMarker(_ words: [Substring]) -> Bool {
        guard let first = words.first else { return false }
        if ["solution", "endsolution", "endsolutions"].contains(first) { return true }
        if first == "solutions" { return words.count <= 4 }
        let solution: Set<Substring> = ["solution", "solutions"]
        if ["end", "begin", "start", "stop", "teacher", "teachers", "sample", "model", "worked", "official"].contains(first),
           words.count <= 7, words.dropFirst().prefix(4).contains(where: solution.contains) { return true }
        // Korean: a word that starts with 풀이, 해답, 정답, 해설, 답안 or 모범 (풀이:, 정답은,
        // 풀이시작, 풀이끝, 모범 답안), at any length, as `solution`; or 교사용 before one.
        let korean = ["풀이", "해답", "정답", "해설", "답안", "모범"]
        func isKorean(_ w: Substring) -> Bool { korean.contains { w.hasPrefix($0) } }
        if isKorean(first) { return true }
        if first.hasPrefix("교사"), words.dropFirst().prefix(2).contains(where: isKorean) { return true }
        return false
    }

    /// Letters of other scripts drawn like the Latin letters of "solution" and "end": long s,
    /// Cyrillic ѕ о і ӏ е ԁ, Greek ο ι υ ν, Armenian ո ս.
    static let latinLookalikes: [Unicode.Scalar: Unicode.Scalar] = [
        "ſ": "s", "ѕ": "s", "о": "o", "ο": "o", "і": "i", "ι": "i", "ӏ": "l", "υ": "u", "ս": "u",
        "ո": "n", "ν": "v", "е": "e", "ԁ": "d", "Ѕ": "s", "О": "o", "І": "i", "Е": "e",
    ]

    /// Text as a reader sees its letters: full-width ASCII as ASCII, look-alike letters of other
    /// scripts as Latin, accents and
    /// invisible format characters (soft hyphen, zero-width joiner) left out, lower case.
    static func folded(_ text: Substring) -> String {
        var out = String.UnicodeScalarView()
        for u in String(text).canonicallyDecomposed.unicodeScalars {
            switch u.properties.generalCategory {
            case .format, .nonspacingMark, .enclosingMark: continue
            default: break
            }
            if (0xFF01...0xFF5E).contains(u.value), let ascii = Unicode.Scalar(u.value - 0xFEE0) { out.append(ascii) }
            else if let latin = latinLookalikes[u] { out.append(latin) }
            else { out.append(u) }
        }
        return String(out).lowercased()
    }

    /// The first `<!--` at or after `start`, found in the UTF-8 bytes: every prose block of every
    /// page is searched, and `firstRange(of:)` over Characters was a tenth of a course render.
    /// Bytes also find a `<!--` whose last dash carries a combining mark, which Characters
    /// would not: for hiding solutions, finding more markers is the safe side.
    static func commentOpening(in text: Substring, from start: Substring.Index) -> Range<Substring.Index>? {
        let bytes = text.utf8
        var from = start
        while let lt = bytes[from...].firstIndex(of: UInt8(ascii: "<")) {
            if bytes[lt...].starts(with: "<!--".utf8) { return lt..<bytes.index(lt, offsetBy: 4) }
            from = bytes.index(after: lt)
        }
        return nil
    }

    /// The 1-based line of a `<!-- solution -->` marker that is never closed (everything after
    /// it is hidden), or nil when every region is closed.
    public static func unclosedRegionLine(in text: String) -> Int? {
        var rest = Substring(text)
        var consumed = text.startIndex
        while let start = marker(.open, in: rest) {
            let after = rest[start.upperBound...]
            guard let end = marker(.close, in: after) else {
                consumed = start.lowerBound
                let prefix = text[..<consumed]
                return 1 + prefix.reduce(0) { $1 == "\n" || $1 == "\r" || $1 == "\r\n" ? $0 + 1 : $0 }
            }
            rest = after[end.upperBound...]
        }
        return nil
    }
}
