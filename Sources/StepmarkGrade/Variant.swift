import StepmarkCore
import StepmarkLesson

/// Per-student variants (SPEC §4): each student's assignment reads its own `variant`, so every
/// student gets their own numbers and is graded against them.
public enum Variant {
    /// SPEC §4: the first 8 bytes of SHA-256(`id`) as a big-endian unsigned integer, mod
    /// 1,000,000. Deterministic, so the same roster always gives the same numbers, and spread
    /// evenly, so two students rarely share a variant.
    public static func of(studentID id: String) -> Int {
        let digest = SHA256.hash(Array(id.utf8))
        var value: UInt64 = 0
        for byte in digest.prefix(8) { value = value << 8 | UInt64(byte) }
        return Int(value % UInt64(1_000_000))
    }

    /// What a submission's front matter says of its variant.
    public typealias Declaration = FrontMatter.VariantDeclaration

    /// The variant a submission declares, when it declares a valid one.
    public static func declared(in text: String) -> Int? {
        if case .number(let n) = declaration(in: text) { return n }
        return nil
    }

    /// The `variant:` of a submission's front matter, read without a YAML parser: a submission
    /// is untrusted, and this needs one integer from the first lines only (linear, bounded).
    public static func declaration(in text: String) -> Declaration {
        var lineNumber = 0
        var inFrontMatter = false
        // A second `variant:` line (a YAML reader would keep one or the other) is not a variant.
        var found: (n: Int, text: String)? = nil
        var indent: Int? = nil
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            lineNumber += 1
            if lineNumber > 200 { break }
            let trimmed = line.trimmingTrailingSpaces()
            if lineNumber == 1 {
                let first = trimmed.hasPrefix("\u{FEFF}") ? trimmed.dropFirst() : trimmed
                guard first == "---" else { return .none }
                inFrontMatter = true
                continue
            }
            guard inFrontMatter else { return .none }
            if trimmed == "---" || trimmed == "..." { break }
            // The mapping's indentation, as `assign` indents the variant line: its first key's.
            if indent == nil { indent = FrontMatter.contentIndent(trimmed) }
            switch FrontMatter.variantLineDeclaration(trimmed, indent: indent ?? 0) {
            case .none: continue
            case .invalid(let written): return .invalid(written)
            case .number(let n):
                if let first = found { return .invalid(String((first.text + ", then " + String(n)).prefix(40))) }
                found = (n, String(n))
            }
        }
        return found.map { .number($0.n) } ?? .none
    }
}

private extension Substring {
    func trimmingTrailingSpaces() -> Substring {
        var s = self
        while let last = s.last, last == " " || last == "\t" { s.removeLast() }
        return s
    }
}
