import FoundationEssentials
import StepmarkCore
import Synchronization

/// One argument a directive accepts, as `stepmark directives NAME` lists it.
public struct ArgumentSpec: Sendable {
    public var name: String
    /// The default as a user would write it, or nil when the argument is required or absent
    /// by default.
    public var defaultValue: String?
    public var help: String
    /// The words the argument takes, when it is one of a fixed set (`mask=none|causal`): the
    /// runner checks them before the directive runs, so that a bad choice is reported with
    /// the block's other errors (it stopped at the first, `q=Querry` before `mask=casual`).
    /// The directive's own `Arguments.choice` call must list the same words (a test runs
    /// every example with each such argument misspelt).
    public var choices: [String]?
    public init(_ name: String, _ defaultValue: String? = nil, _ help: String, choices: [String]? = nil) {
        self.name = name
        self.defaultValue = defaultValue
        self.help = help
        self.choices = choices
    }
}

/// A directive: a fenced block kind that runs against the numeric core and records values.
///
/// Each directive is one small type: it names its arguments and sub-steps and maps them onto
/// core calls. Register new ones in `DirectiveRegistry.all` (docs/DEVELOPING.md has the recipe).
/// The metatypes are passed around (the parser and the runner take the list of directives), so
/// they are Sendable.
public protocol Directive: SendableMetatype {
    static var name: String { get }
    /// One line for `stepmark directives`.
    static var summary: String { get }
    /// What the body holds.
    static var body: String { get }
    /// The directive's own arguments (the common ones of `commonArguments` are added).
    static var arguments: [ArgumentSpec] { get }
    /// The sub-step value names, in order, as SPEC §3 lists them.
    static var subSteps: String { get }
    /// A runnable example block, fences included.
    static var example: String { get }
    /// Runs one block, recording sub-steps and the result in `context`.
    static func run(_ context: StepContext) throws
    /// A block's rough cost, for scheduling only (`WorkEstimate`): 1 for a directive that
    /// computes on the lesson's own small matrices, more for one that runs a pretrained model.
    static var schedulingWeight: Int { get }
}

extension Directive {
    public static var body: String { "empty" }
    public static var schedulingWeight: Int { 1 }
}

/// The arguments every directive accepts.
public let commonArguments: [ArgumentSpec] = [
    ArgumentSpec("as", nil, "also store the step's result under this name"),
    ArgumentSpec("precision", "4", "digits shown after the decimal point"),
    ArgumentSpec("exercise", nil, "make this step an exercise with this id"),
    ArgumentSpec("points", "1", "points for the exercise"),
    ArgumentSpec("tol", "0.01", "absolute tolerance for each entry of an answer"),
    ArgumentSpec("check", nil, "which sub-step value the answer is checked against (default: the result)"),
    ArgumentSpec("partial", "false", "award the fraction of correct entries"),
    ArgumentSpec("visibility", "visible", "when students see the result: visible, hidden, after_due_date or after_published (Gradescope's names)"),
    ArgumentSpec("hide", nil, "keep the step's source, values or all of it out of the report: hide=source|values|all"),
    ArgumentSpec("tags", nil, "Gradescope test tags, a word or a list: tags=[attention, by-hand]"),
]

public enum DirectiveRegistry {
    /// Every directive, in the order `stepmark directives` lists them.
    public static var all: [any Directive.Type] { [
        LetDirective.self, ShowDirective.self, SoftmaxDirective.self, AttendDirective.self,
        CorpusDirective.self, VocabDirective.self, TokenizeDirective.self, BPEDirective.self,
        EmbeddingsDirective.self, EmbedDirective.self, SimilarityDirective.self, NearestDirective.self, ProjectDirective.self,
        EncodeDirective.self, GenerateDirective.self,
        ImageDirective.self, AlignDirective.self,
        TrainDirective.self, TrainAttentionDirective.self, NetworkDirective.self, ForwardDirective.self, BackpropDirective.self,
        ModelDirective.self, TransformerDirective.self, SentencesDirective.self,
        ClassifyDirective.self,
        PlotDirective.self,
        AnswerDirective.self,
    ] }

    /// Plain descriptions of every directive, for help output.
    public static var descriptions: [DirectiveDescription] {
        all.map { d in
            DirectiveDescription(name: d.name, summary: d.summary, body: d.body, arguments: d.arguments,
                                 subSteps: d.subSteps, example: d.example)
        }
    }

    public static func directive(named name: String) -> (any Directive.Type)? {
        all.first { $0.name == name }
    }

    public static func isDirective(_ name: String) -> Bool { directive(named: name) != nil }
}

/// What `stepmark directives` shows of a directive.
public struct DirectiveDescription: Sendable {
    public var name: String
    public var summary: String
    public var body: String
    public var arguments: [ArgumentSpec]
    public var subSteps: String
    public var example: String
}

/// The bad arguments a directive met while reading a step's arguments, kept rather than thrown
/// at once, so that one run reports every bad argument of a block (`mask=casual q=Querry` took
/// two runs, a fix at a time). The runner gives one to the arguments of the step it runs; the
/// step then fails at its first record, its first deadline check or its end, and every problem
/// kept (with what the directive threw meanwhile) is reported.
public final class ArgumentProblems: Sendable {
    private let kept = Mutex<[LessonError]>([])
    public init() {}
    /// Keeps `problem` once (the runner's check of a choice and the directive's own read of it
    /// find the same).
    func add(_ problem: LessonError) {
        kept.withLock { if $0.count < Self.maxKept && !$0.contains(problem) { $0.append(problem) } }
    }
    /// At most this many are kept (and reported) for one step.
    public static let maxKept = 10
    /// The problems kept, in the order met.
    public var all: [LessonError] { kept.withLock { $0 } }
    /// The first problem kept, if any.
    public var first: LessonError? { kept.withLock { $0.first } }
}

/// Typed access to a step's validated arguments. Every accessor reports a bad value at the
/// value's position with what was expected.
///
/// With `problems`, the accessors that have a default to go on with (`choice`, `bool`, a
/// number or whole number with a default, `positiveNumber`) keep a bad value's error there
/// and return the default, so that the directive reads its other arguments too; the others
/// still throw. Without it (tests, tools), every accessor throws.
public struct Arguments: Sendable {
    public let info: InfoString
    /// The directive's name position, used for errors about missing arguments.
    public let position: SourcePosition
    /// Where bad values with a default to fall back on are kept; nil: they are thrown.
    public let problems: ArgumentProblems?

    public init(info: InfoString, position: SourcePosition, problems: ArgumentProblems? = nil) {
        self.info = info
        self.position = position
        self.problems = problems
    }

    /// `read()`, or with `problems`, `fallback` once its error is kept.
    func orKept<T>(_ fallback: T, _ read: () throws -> T) throws -> T {
        guard let problems else { return try read() }
        do {
            return try read()
        } catch let e as LessonError {
            problems.add(e)
            return fallback
        }
    }

    public func has(_ key: String) -> Bool { argument(key) != nil }

    public func argument(_ key: String) -> InfoArgument? { info.arguments.first { $0.key == key } }

    public func position(of key: String) -> SourcePosition { argument(key)?.valuePosition ?? position }

    public func raw(_ key: String) -> ArgValue? { argument(key)?.value }

    /// A number argument.
    public func number(_ key: String, default value: Double? = nil) throws -> Double? {
        guard let a = argument(key) else { return value }
        guard case .number(let v, _) = a.value else {
            throw LessonError("\(key)= expects a number, got \(a.value.description.quotable)", at: a.valuePosition)
        }
        return v
    }

    public func number(_ key: String, default value: Double) throws -> Double {
        try orKept(value) { try number(key, default: Optional(value)) ?? value }
    }

    /// A whole-number argument within `range`.
    public func integer(_ key: String, default value: Int, in range: ClosedRange<Int>, limitFlag: String? = nil) throws -> Int {
        try orKept(value) { try strictInteger(key, default: value, in: range, limitFlag: limitFlag) }
    }

    private func strictInteger(_ key: String, default value: Int, in range: ClosedRange<Int>, limitFlag: String?) throws -> Int {
        guard let a = argument(key) else { return value }
        guard case .number(let v, _) = a.value, v == v.rounded() else {
            throw LessonError("\(key)= expects a whole number, got \(a.value.description.quotable)", at: a.valuePosition)
        }
        // A whole number too large to count with: the range is what was missed (seed=2^64−1
        // read "expects a whole number"; a red-team pass).
        guard abs(v) < 1e15 else {
            throw LessonError("\(key)= must be between \(range.lowerBound) and \(range.upperBound), got \(a.value.description.quotable)", at: a.valuePosition)
        }
        let n = Int(v)
        guard range.contains(n) else {
            if n > range.upperBound, let limitFlag {
                throw LessonError("\(key)=\(n) is over the limit of \(range.upperBound) (raise it with \(limitFlag))", at: a.valuePosition)
            }
            throw LessonError("\(key)= must be between \(range.lowerBound) and \(range.upperBound), got \(n)", at: a.valuePosition)
        }
        return n
    }

    /// A bare word or a quoted string.
    public func word(_ key: String) throws -> String? {
        guard let a = argument(key) else { return nil }
        switch a.value {
        case .word(let w): return w
        case .string(let s): return s
        case .number(_, let text): return text
        case .list: throw LessonError("\(key)= expects a name or a word, got a list", at: a.valuePosition)
        }
    }

    /// A name of the environment (a bare word).
    public func name(_ key: String, default value: String? = nil) throws -> String? {
        guard let a = argument(key) else { return value }
        guard case .word(let w) = a.value, w.first.map({ $0.isLetter || $0 == "_" }) == true,
              w.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }) else {
            throw LessonError("\(key)= expects a name, got \(a.value.description.quotable)", at: a.valuePosition)
        }
        return w
    }

    /// One of a fixed set of words.
    public func choice(_ key: String, _ options: [String], default value: String) throws -> String {
        try orKept(value) { try strictChoice(key, options, default: value) }
    }

    private func strictChoice(_ key: String, _ options: [String], default value: String) throws -> String {
        guard let a = argument(key) else { return value }
        let w: String
        switch a.value {
        case .word(let x), .string(let x): w = x
        default: w = a.value.description
        }
        guard options.contains(w) else {
            // `mask=casual`: the choice one slip away (a teacher's first-hour review).
            let hint = suggestion(for: w, among: options).map { "; did you mean '\($0)'?" } ?? ""
            throw LessonError("\(key)= must be one of \(options.joined(separator: ", ")), got \(a.value.description.quotable)\(hint)", at: a.valuePosition)
        }
        return w
    }

    public func bool(_ key: String, default value: Bool) throws -> Bool {
        guard argument(key) != nil else { return value }
        return try choice(key, ["true", "false"], default: value ? "true" : "false") == "true"
    }

    /// A list of whole numbers written `2,3,1` or `[2, 3, 1]`.
    public func integers(_ key: String) throws -> [Int]? {
        guard let a = argument(key) else { return nil }
        let items: [String]
        switch a.value {
        case .number(_, let text): items = [text]
        case .word(let w): items = w.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        case .list(let l): items = l.map(\.description)
        case .string: items = ["\"…\""]
        }
        var out: [Int] = []
        for item in items {
            guard let n = Int(item.trimmingWhitespace()) else {
                throw LessonError("\(key)= expects whole numbers separated by commas, like 2,3,1; '\(item.quotable)' is not one", at: a.valuePosition)
            }
            out.append(n)
        }
        return out
    }
}
