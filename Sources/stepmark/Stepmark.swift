import ArgumentParser
import FoundationEssentials
import StepmarkCore
import StepmarkLesson

@main
struct Stepmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stepmark",
        abstract: "Run Markdown lessons about how language models process prompts, step by step.",
        discussion: """
            A lesson is a Markdown file. Fenced blocks that start with a directive (```attend, \
            ```softmax, ```train …) run top to bottom against a numeric core, and every \
            intermediate matrix is recorded. The same lesson becomes a report (terminal, Markdown, \
            HTML, JSON), a step-through for live teaching, and graded exercises.

            Exit status: 0 when every step ran (and every answer passed), 1 when a step or an \
            answer failed, 2 for bad usage or unreadable input.

            Examples:
              stepmark run lessons/en/01-attention.md
              stepmark run lessons/en/01-attention.md --format json
              stepmark render lessons --out output --format md,html
              stepmark directives attend
            """,
        version: stepmarkVersion,
        subcommands: [Run.self, Render.self, StepThrough.self, Preview.self, Check.self, Directives.self, Functions.self, Grade.self, Assign.self, Export.self, New.self]
    )

    /// Parses the command line and runs it, mapping usage errors to exit status 2 as SPEC §5 says.
    static func main() {
        // Before any thread starts (see its comment).
        BLAS.nameCoreTypeForThisCPU()
        ReplacingWrite.removeTemporaryFilesOnSignals()
        do {
            // Thousands of submission paths bypass the parser's quadratic positional matching.
            let (arguments, laterSubmissions) = GradeCommandLine.split(Array(CommandLine.arguments.dropFirst()))
            var command = try parseAsRoot(arguments)
            // No command at all is bad usage (SPEC §5): the help goes to standard error, exit 2,
            // as for an unknown command (--help still prints it to standard output, exit 0).
            if command is Stepmark {
                StandardStream.error(helpMessage() + "\n")
                Glibc.exit(2)
            }
            if var grade = command as? Grade, !laterSubmissions.isEmpty {
                grade.submissions += laterSubmissions
                command = grade
            }
            try command.run()
            flushStandardOutput()
        } catch {
            flushStandardOutput()
            let code = exitCode(for: error)
            if code == .validationFailure {
                StandardStream.error(fullMessage(for: error) + "\n")
                Glibc.exit(2)
            }
            exit(withError: error)
        }
    }
}

/// Flushes what `print` buffered (`directives`, `functions`, status lines; `fflush(nil)`, all
/// streams, since `stdout` is shared mutable state to Swift 6): output that
/// cannot be written (`> /dev/full`) is an error, exit 2, as for a report (it exited 0 with
/// nothing written).
func flushStandardOutput() {
    if fflush(nil) != 0 { StandardStream.outputFailed() }
}

let stepmarkVersion = "0.1.0"

/// Limit flags shared by every command that runs lessons (SPEC §7), and `--model-dir` (SPEC §3,
/// `model`), which every run of a lesson needs as they do.
struct LimitOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The most entries one value may have.", valueName: "n"))
    var maxEntries: Int = Limits().maxEntries
    @Option(help: ArgumentHelp("The most steps or epochs of a training directive.", valueName: "n"))
    var maxSteps: Int = Limits().maxSteps
    @Option(help: ArgumentHelp("The most tokens generate may produce.", valueName: "n"))
    var maxTokens: Int = Limits().maxTokens
    @Option(help: ArgumentHelp("The largest lesson or submission file, in bytes.", valueName: "bytes"))
    var maxFileBytes: Int = Limits().maxFileBytes
    @Option(help: ArgumentHelp("Wall-clock seconds a lesson may run.", valueName: "s"))
    var maxSeconds: Double = Limits().maxSeconds
    @Option(help: ArgumentHelp("Where model from=NAME finds the folder NAME (default: $STEPMARK_MODEL_DIR, else the nearest .cache/models).",
                               valueName: "dir"))
    var modelDir: String?

    var limits: Limits {
        var l = Limits()
        let memory = Self.memory
        // A value larger than this memory can hold cannot be allowed in any case:
        // `--max-entries 9223372036854775807` would otherwise let zeros(1e9, 1e9) ask for 8 EB.
        l.maxEntries = min(maxEntries, Int(clamping: memory / 8))
        l.maxSteps = maxSteps
        l.maxTokens = maxTokens
        // Nor a file that, read with its copies (bytes, text, lines, cmark's tree), would not
        // fit: a raised --max-file-bytes let a 1.5 GB file abort the program (red-team pass).
        l.maxFileBytes = min(maxFileBytes, Int(clamping: memory / 16))
        l.maxSeconds = maxSeconds
        l.modelDirectory = modelDir
        return l
    }

    /// What this process may hold: the machine's memory, or less under `ulimit -v`. Read once:
    /// `limits` is asked for again and again (once a file in a batch).
    static let memory: UInt64 = {
        var space = rlimit()
        let addressSpace = getrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &space) == 0 && space.rlim_cur != rlim_t.max ? UInt64(space.rlim_cur) : UInt64.max
        return min(ProcessInfo.processInfo.physicalMemory, addressSpace)
    }()

    func validate() throws {
        guard maxEntries > 0, maxSteps > 0, maxTokens > 0, maxFileBytes > 0, maxSeconds > 0 else {
            throw ValidationError("limits must be positive")
        }
        // Said once, so that a later "over the limit of N" does not contradict the flag given.
        let largestFile = Int(clamping: Self.memory / 16)
        if maxFileBytes > largestFile {
            printError("warning: --max-file-bytes \(maxFileBytes) is more than this process's memory can read with its copies; using \(largestFile)")
        }
        if modelDir?.isEmpty == true { throw ValidationError("--model-dir needs a folder") }
    }
}

/// Writes to standard error.
func printError(_ message: String) {
    StandardStream.error(message + "\n")
}

/// A lesson's problem as a compiler-style line, `FILE:L:C: error: message` (`kind` is `error`
/// or `warning`). The label stays as an editor's problem matcher reads it; the message is in
/// the lesson's language (SPEC §8), as its report says it.
func problemLine(_ path: String, _ problem: LessonError, _ kind: String, _ language: LessonLanguage) -> String {
    "\(path):\(problem.line):\(problem.column): \(kind): \(Phrasebook.message(problem.message, language))"
}

/// Whether a file descriptor is a terminal.
func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

/// Colour only on a terminal, and never when NO_COLOR is set (no-color.org).
var useColor: Bool {
    isTerminal(1) && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        && ProcessInfo.processInfo.environment["TERM"] != "dumb"
}

/// Unblocks SIGINT, SIGTERM and SIGHUP for a long-running command. A parent may start us with
/// them blocked (a test runner's threads block signals, and a spawned child inherits the mask),
/// and then Ctrl-C or `kill` would not stop `render --watch`, `preview` or `step`.
func unblockStopSignals() {
    var set = sigset_t()
    sigemptyset(&set)
    for sig in [SIGINT, SIGTERM, SIGHUP, SIGQUIT] { sigaddset(&set, sig) }
    pthread_sigmask(SIG_UNBLOCK, &set, nil)
}
