/// `<!-- solution -->` … `<!-- end solution -->`: teacher-only regions of a lesson.
public enum Solutions {
    public static let open = "<!-- solution -->"
    public static let close = "<!-- end solution -->"

    /// The text with every solution region (markers included) removed. An unclosed region runs
    /// to the end, so a forgotten marker hides too much rather than leaking a solution.
    public static func removed(from text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let start = rest.range(of: open) {
            out += rest[..<start.lowerBound]
            let after = rest[start.upperBound...]
            guard let end = after.range(of: close) else { return out }
            rest = after[end.upperBound...]
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
