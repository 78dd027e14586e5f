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
}
