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
            var matched: Bool
            switch kind {
            case .open:
                matched = word("solution")
            case .close:
                matched = word("end")
                if matched {
                    let before = i
                    skipSpaces()
                    matched = i >= before && word("solution")
                }
            }
            if matched {
                skipSpaces()
                if text[i...].hasPrefix("-->") { return open.lowerBound..<text.index(i, offsetBy: 3) }
            }
            searchFrom = open.upperBound
        }
        return nil
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
