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
        while let start = rest.range(of: open) {
            let before = rest[..<start.lowerBound]
            out += before
            let after = rest[start.upperBound...]
            guard let end = after.range(of: close) else { return out }
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

    /// The 1-based line of a `<!-- solution -->` marker that is never closed (everything after
    /// it is hidden), or nil when every region is closed.
    public static func unclosedRegionLine(in text: String) -> Int? {
        var rest = Substring(text)
        var consumed = text.startIndex
        while let start = rest.range(of: open) {
            let after = rest[start.upperBound...]
            guard let end = after.range(of: close) else {
                consumed = start.lowerBound
                let prefix = text[..<consumed]
                return 1 + prefix.reduce(0) { $1 == "\n" || $1 == "\r" || $1 == "\r\n" ? $0 + 1 : $0 }
            }
            rest = after[end.upperBound...]
        }
        return nil
    }
}
