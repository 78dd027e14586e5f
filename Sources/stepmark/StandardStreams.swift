import StepmarkCore

/// Writes to standard output and standard error with write(2), whole
/// (`ReplacingWrite.writeAll` retries short and interrupted writes); `FileHandle` lives in full
/// Foundation, which stepmark no longer links (issue 13).
enum StandardStream {
    static func output(_ text: String) { _ = ReplacingWrite.writeAll(text, to: STDOUT_FILENO) }
    static func error(_ text: String) { _ = ReplacingWrite.writeAll(text, to: STDERR_FILENO) }
}
