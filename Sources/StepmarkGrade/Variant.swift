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

    /// The `variant:` of a submission's front matter, read without a YAML parser
    /// (`FrontMatter.declaredVariant`).
    public static func declaration(in text: String) -> Declaration { FrontMatter.declaredVariant(in: text) }
}
