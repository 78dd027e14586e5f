import FoundationEssentials
import StepmarkCore

/// Writes to standard output and standard error with write(2), whole
/// (`ReplacingWrite.writeAll` retries short and interrupted writes); `FileHandle` lives in full
/// Foundation, which stepmark no longer links (issue 13).
enum StandardStream {
    /// Every report, message and problem goes out with its control characters made visible
    /// (`ControlCharacters`): lesson text, a submission's answers and its file name reach the
    /// terminal, and an escape sequence there would act (set the title, write the clipboard,
    /// clear the screen). The colour stepmark adds itself is kept.
    /// Colour is kept only where stepmark writes colour itself (a colour terminal on standard
    /// output); elsewhere an SGR sequence can only have come from a lesson or a submission.
    static func output(_ text: String) {
        if !ReplacingWrite.writeAll(ControlCharacters.neutralized(text, keepingSGR: useColor), to: STDOUT_FILENO) { outputFailed() }
    }

    /// A full disk or `ulimit -f` behind `> file`: the output is cut short, so say why (from
    /// `errno`) and fail, as a write to a file does (a red-team pass: exit 0 and half a JSON).
    /// A closed pipe (`| head`) ends the process by SIGPIPE before this, as for any tool.
    static func outputFailed() -> Never {
        let reason = String(cString: strerror(errno))
        _ = ReplacingWrite.writeAll("error: cannot write the output: \(reason)\n", to: STDERR_FILENO)
        Glibc.exit(2)
    }
    static func error(_ text: String) { _ = ReplacingWrite.writeAll(ControlCharacters.neutralized(text), to: STDERR_FILENO) }
    /// Written as it is: stepmark's own terminal control (the progress line's `\r` and erase).
    static func errorControl(_ text: String) { _ = ReplacingWrite.writeAll(text, to: STDERR_FILENO) }
}
