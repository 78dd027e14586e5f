/// The one rule for a `"quoted string"` wherever a lesson or an answer may write one: info
/// string values, expressions and answer literals (SPEC §1). Each lexer walks its own input
/// (characters, a cursor, UTF-8 bytes) but asks here what an escape means and how to word a
/// problem, so the three can never drift apart again.
public enum StringLiteral {
    /// The character `\e` stands for, or nil when `\e` is not an escape: `\"`, `\\`, `\n`, `\t`.
    public static func unescaped(_ e: Character) -> Character? {
        switch e {
        case "\"", "\\": e
        case "n": "\n"
        case "t": "\t"
        default: nil
        }
    }

    /// The message for `\e` when it is no escape.
    public static func unknownEscape(_ e: Character) -> String {
        "unknown escape '\\\(e)' in a string; the escapes are \\\" \\\\ \\n and \\t"
    }

    /// The message for a string whose closing quote never comes.
    public static let unterminated = "unterminated string: the quote opened here is never closed on this line"
}
