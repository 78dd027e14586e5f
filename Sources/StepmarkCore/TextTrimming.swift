extension StringProtocol {
    /// The text without the spaces and tabs (any Unicode space separator) at either end; line
    /// breaks are kept. Foundation's `trimmingHorizontalWhitespace()`, which stepmark no
    /// longer links (issue 13): tab plus general category Zs.
    public func trimmingHorizontalWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !Self.isHorizontalWhitespace($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !Self.isHorizontalWhitespace($0) })!
        var kept = String.UnicodeScalarView()
        kept.append(contentsOf: scalars[first...last])
        return String(kept)
    }

    static func isHorizontalWhitespace(_ s: Unicode.Scalar) -> Bool {
        s == "\t" || s == "\u{200B}" || s.properties.generalCategory == .spaceSeparator
    }
}
