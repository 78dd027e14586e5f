import FoundationEssentials
import StepmarkCore

/// What a directive sees while it runs: its block and arguments, the environment, and the
/// place to record sub-steps.
public final class StepContext {
    public let block: DirectiveBlock
    public let args: Arguments
    public private(set) var environment: Environment
    public let limits: Limits
    /// The lesson's folder, for files the lesson names.
    public let baseDirectory: String
    let deadline: Date
    public let precision: Int
    /// The parsed answer, when the block is an `answer` block.
    public internal(set) var answer: AnswerBlock?

    public private(set) var values: [NamedValue] = []
    /// The lesson's language: what each recorded formula's tree is read in.
    var language: LessonLanguage = .english
    /// Entries recorded by the lesson's earlier steps, and by this one (see `Limits.maxLessonEntries`).
    var heldBefore = 0
    /// Values recorded by the lesson's earlier steps (see `Limits.maxLessonValues`).
    var valuesBefore = 0
    private var heldHere = 0
    public private(set) var warnings: [String] = []
    public private(set) var resultName: String?
    public private(set) var result: Value?

    init(block: DirectiveBlock, args: Arguments, environment: Environment, limits: Limits,
         baseDirectory: String, deadline: Date, precision: Int) {
        self.block = block
        self.args = args
        self.environment = environment
        self.limits = limits
        self.baseDirectory = baseDirectory
        self.deadline = deadline
        self.precision = precision
    }

    /// An evaluator over the environment as it is now.
    public var evaluator: Evaluator {
        Evaluator(environment: environment, limits: limits, baseDirectory: baseDirectory, deadline: timeLimit)
    }

    /// The lesson's wall-time deadline as the core functions take it (`Matmul`, `Attention`,
    /// PCA …): they check it between blocks of work and name `--max-seconds`.
    public var timeLimit: Deadline { Deadline(date: deadline, seconds: limits.maxSeconds) }

    /// Records a sub-step value (refusing one over the size limit). `role` says how renderers
    /// should draw it (a distribution, an attention matrix, a curve …); see `ValueRole`.
    /// `digits` replaces the step's precision for this value (a `let` integer literal: 0).
    public func record(_ name: String, _ value: Value, formula: String? = nil, role: ValueRole = .plain,
                       formulaRepeatsSource: Bool = false, digits: Int? = nil) throws {
        // A bad argument kept while the directive read the others: nothing is recorded from
        // numbers a default stood in for.
        if let problem = args.problems?.first { throw problem }
        if value.entryCount > limits.maxEntries {
            throw LessonError("\(name) would have \(value.entryCount) entries, over the limit of \(limits.maxEntries) (raise it with --max-entries)", at: block.infoPosition)
        }
        if valuesBefore + values.count >= limits.maxLessonValues {
            throw LessonError("\(name) would be the lesson's value number \(valuesBefore + values.count + 1), over the lesson's limit of \(limits.maxLessonValues) recorded values (10000, or a hundredth of the value limit; raise it with --max-entries)", at: block.infoPosition)
        }
        let charge = NamedValue.lessonCharge(value, name: name, formula: formula)
        let (total, overflow) = heldBefore.addingReportingOverflow(heldHere + charge)
        if overflow || total > limits.maxLessonEntries {
            throw LessonError("\(name) would bring the lesson's recorded values to \(overflow ? "more than \(Int.max)" : String(total)) entries in all, over the lesson's limit of \(limits.maxLessonEntries) (\(Limits.lessonEntriesFactor) × the value limit; raise it with --max-entries)", at: block.infoPosition)
        }
        heldHere += charge
        values.append(NamedValue(name: name, value: value, formula: formula, precision: digits ?? precision,
                                 role: role, formulaRepeatsSource: formulaRepeatsSource, language: language))
    }

    public func record(_ name: String, _ tensor: Tensor, formula: String? = nil, role: ValueRole = .plain) throws {
        try record(name, .tensor(tensor), formula: formula, role: role)
    }

    /// Defines a name in the environment for the steps below.
    public func define(_ name: String, _ value: Value) {
        if !definedSet.contains(name) { saved.append(environment.saved(name)) }
        environment.define(name, value)
        if definedSet.insert(name).inserted { defined.append(name) }
    }

    /// What each name this step defined held before it, in the order defined.
    private var saved: [SavedName] = []

    /// The environment as the step leaves it, handed back to the runner without a copy (the
    /// context's is then empty): with `undoingDefinitions`, as it was before the step, every
    /// name it defined put back (a failed step other than `let` leaves nothing behind).
    ///
    /// The runner hands the environment over rather than keeping its own copy for the step:
    /// with two holders, the step's first definition copied every name of the lesson (20,000
    /// steps each defining a new name took 8 s; a red-team pass).
    func takeEnvironment(undoingDefinitions: Bool) -> Environment {
        if undoingDefinitions { for s in saved.reversed() { environment.restore(s) } }
        environment.readLog = nil
        var handed = Environment()
        swap(&handed, &environment)
        return handed
    }

    /// The names this step defined, in order.
    public private(set) var defined: [String] = []
    /// The same names, to look one up in constant time (a `let` of 10,000 lines looked each
    /// later line's name up in the array: 6 s for 40,000 lines).
    public private(set) var definedSet: Set<String> = []

    /// Stores a pretrained model under `name` (a handle beside the values, see `Environment`).
    public func defineModel(_ name: String, _ model: BertModel) {
        if !definedSet.contains(name) { saved.append(environment.saved(name)) }
        environment.defineModel(name, model)
        // Counted as defined, as a model is counted as read: a handout hides the steps that
        // use a model whose own step is an exercise (its config is the answer).
        if definedSet.insert(name).inserted { defined.append(name) }
    }

    /// Marks a value as the step's result and stores it under `defaultName` (and under `as=`,
    /// which the runner handles). `recorded` names the sub-step it came from, if it is one.
    public func setResult(_ value: Value, recorded: String?, storeAs defaultName: String?) {
        result = value
        resultName = recorded
        if let defaultName { define(defaultName, value) }
    }

    public func warn(_ message: String) { warnings.append(message) }

    /// Throws when the lesson's wall-clock budget is spent; long loops call it.
    public func checkDeadline() throws {
        // Long work on a default that stands in for a bad argument stops at the first check.
        if let problem = args.problems?.first { throw problem }
        if Date() > deadline {
            throw LessonError("stopped: the lesson ran over the time limit of \(Runner.format(limits.maxSeconds)) s (raise it with --max-seconds)", at: block.infoPosition)
        }
    }

    /// Evaluates an expression written across `lines`.
    public func evaluate(_ lines: [BodyLine], startOffset: Int = 0) throws -> Value {
        let expr = try ExprParser.parse(lines, startOffset: startOffset, maxNesting: limits.maxNesting)
        return try evaluator.evaluate(expr)
    }

    /// The body as `NAME = EXPR` assignments; an expression may continue on following lines
    /// while brackets are open. Blank lines and `#` comments are skipped.
    public func assignments() throws -> [(name: String, expr: Expr, line: BodyLine, source: String)] {
        let (result, failure) = assignmentsUntilError()
        if let failure { throw failure.error }
        return result
    }

    /// The assignments before the first line that does not parse, and that line's error with
    /// the index of the body line its assignment starts on (`let` runs the good lines above it).
    func assignmentsUntilError() -> (assignments: [(name: String, expr: Expr, line: BodyLine, source: String)],
                                      failure: (error: LessonError, bodyIndex: Int)?) {
        var result: [(name: String, expr: Expr, line: BodyLine, source: String)] = []
        var i = 0
        let lines = block.body
        while i < lines.count {
            let groupStart = i
            do {
                try parseAssignment(at: &i, into: &result)
            } catch let e as LessonError {
                return (result, (e, groupStart))
            } catch {
                return (result, (LessonError("\(error)", at: lines[groupStart].position(at: 0)), groupStart))
            }
        }
        return (result, nil)
    }

    /// Names that would be defined by the `NAME = …` lines from body line `from` on, read
    /// leniently (a line that does not parse still names what it was to define).
    func assignedNames(from start: Int) -> [String] { StepContext.assignedNames(in: block.body.dropFirst(start)) }

    static func assignedNames(in lines: ArraySlice<BodyLine>) -> [String] {
        var names: [String] = []
        var seen = Set<String>()
        for line in lines {
            let chars = Array(line.text)
            var k = 0
            while k < chars.count, chars[k] == " " || chars[k] == "\t" { k += 1 }
            let nameStart = k
            while k < chars.count, chars[k].isLetter || chars[k].isNumber || chars[k] == "_" { k += 1 }
            guard k > nameStart, !chars[nameStart].isNumber else { continue }
            let name = String(chars[nameStart..<k])
            while k < chars.count, chars[k] == " " || chars[k] == "\t" { k += 1 }
            guard k < chars.count, chars[k] == "=", !(k + 1 < chars.count && chars[k + 1] == "=") else { continue }
            if seen.insert(name).inserted { names.append(name) }
        }
        return names
    }

    /// Names this step was to define but did not, because it failed (set by `let`, which knows
    /// them line by line; the runner works them out for other directives).
    var wouldDefine: [String]?

    private func parseAssignment(at i: inout Int, into result: inout [(name: String, expr: Expr, line: BodyLine, source: String)]) throws {
        let lines = block.body
        do { // one assignment (with its continuation lines)
            let line = lines[i]
            let stripped = line.text.trimmingWhitespace()
            if stripped.isEmpty || stripped.hasPrefix("#") { i += 1; return }
            let chars = Array(line.text)
            var k = 0
            while k < chars.count, chars[k] == " " || chars[k] == "\t" { k += 1 }
            let nameStart = k
            while k < chars.count, chars[k].isLetter || chars[k].isNumber || chars[k] == "_" { k += 1 }
            let name = String(chars[nameStart..<k])
            guard !name.isEmpty, !(name.first!.isNumber) else {
                let found = nameStart < chars.count && name.isEmpty ? ", found \(ExprLexer.describe(chars[nameStart]))" : ""
                throw LessonError("expected NAME = EXPRESSION\(found)", at: line.position(at: nameStart))
            }
            while k < chars.count, chars[k] == " " || chars[k] == "\t" { k += 1 }
            guard k < chars.count, chars[k] == "=" else {
                throw LessonError("expected '=' after '\(name.quotable)' (each line is NAME = EXPRESSION)", at: line.position(at: k))
            }
            k += 1
            // Gather continuation lines while brackets stay open.
            var group = [line]
            var balance = bracketBalance(String(chars[k...]))
            while balance > 0, i + 1 < lines.count {
                i += 1
                group.append(lines[i])
                balance += bracketBalance(lines[i].text)
            }
            let expr = try ExprParser.parse(group, startOffset: k, maxNesting: limits.maxNesting)
            let source = ([String(chars[k...])] + group.dropFirst().map(\.text)).map { $0.trimmingWhitespace() }.joined(separator: " ")
            result.append((name, expr, line, source))
            i += 1
        }
    }

    /// Evaluates and defines an assignment immediately, so later lines can use it.
    func evaluateAndDefine(_ name: String, _ expr: Expr) throws -> Value {
        let v = try evaluate(assigning: name, expr)
        define(name, v)
        return v
    }

    /// The value of `name = expr`, not yet defined (`let` records it first: a value the
    /// lesson's limits refuse must not stay readable, nor keep its memory).
    func evaluate(assigning name: String, _ expr: Expr) throws -> Value {
        do {
            return try evaluator.evaluate(expr)
        } catch let e as LessonError where environment.value(name) == nil && e.message.hasPrefix("undefined name '\(name)'") {
            // `x = x + 1` with no x above: say why, rather than only "undefined".
            let n = name.quotable
            throw LessonError("undefined name '\(n)': this line defines \(n), so it cannot use \(n) before it has a value; give \(n) a value on an earlier line", at: e.position)
        }
    }

    private func bracketBalance(_ text: String) -> Int {
        var b = 0
        var inString = false
        // Inside a string, `\` escapes the next character: `"\\"` ends with its quote (read
        // as escaped, it once kept the bracket open and swallowed the next line).
        var escaped = false
        for c in text {
            if inString {
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inString = false }
                continue
            }
            if c == "\"" { inString = true; continue }
            if c == "#" { break }
            if c == "[" || c == "(" { b += 1 }
            if c == "]" || c == ")" { b -= 1 }
        }
        return b
    }
}

/// Runs a lesson top to bottom and produces its report. A failing step records its error and
/// the run goes on.
public struct Runner: Sendable {
    public var limits: Limits
    /// The directives a step can be (the registry's; tests add their own).
    public var directives: [any Directive.Type]
    /// The `variant` the lesson reads, overriding its front matter's (the grader recomputes a
    /// key once per student variant).
    public var variant: Int?

    public init(limits: Limits = .init(), directives: [any Directive.Type] = DirectiveRegistry.all, variant: Int? = nil) {
        self.limits = limits
        self.directives = directives
        self.variant = variant
    }

    public func run(_ lesson: Lesson) -> Report {
        let start = Date()
        let deadline = start.addingTimeInterval(limits.maxSeconds)
        var environment = Environment()
        // SPEC §4: every lesson may read its `variant` (0 in a key, the student's own number in
        // an assignment), e.g. `random(3, 4, seed=variant)`.
        environment.defineBuiltin("variant", .tensor(.scalar(Double(variant ?? lesson.frontMatter?.variant ?? 0))))
        let defaults = lesson.frontMatter
        let language = lesson.language
        var blocks: [ReportBlock] = []
        var diagnostics = lesson.diagnostics
        var otherWarnings: [LessonError] = []
        var index = 0
        var timedOut = false
        var held = 0
        var valuesHeld = 0
        let baseDirectory = FilePathText.parent(lesson.path)
        for block in lesson.blocks {
            switch block {
            case .prose(let p):
                blocks.append(.prose(p))
            case .directive, .answer:
                let d: DirectiveBlock
                var answer: AnswerBlock? = nil
                switch block {
                case .directive(let directive): d = directive
                case .answer(let a): d = a.block; answer = a
                case .prose: continue
                }
                index += 1
                var step = Step(index: index, block: d)
                step.answer = answer
                if timedOut {
                    step.error = LessonError("not run: the lesson stopped at the time limit", at: d.infoPosition)
                    blocks.append(.step(step))
                    continue
                }
                var otherErrors: [LessonError] = []
                runStep(d, answer: answer, into: &step, otherErrors: &otherErrors, otherWarnings: &otherWarnings, environment: &environment, defaults: defaults,
                        language: language, baseDirectory: baseDirectory.isEmpty ? "." : baseDirectory, deadline: deadline,
                        held: held, valuesHeld: valuesHeld)
                diagnostics += otherErrors
                valuesHeld += step.values.count + step.hiddenValues.count
                for v in step.values + step.hiddenValues {
                    let (n, overflow) = held.addingReportingOverflow(NamedValue.lessonCharge(v.value, name: v.name, formula: v.formula))
                    held = overflow ? .max : n
                }
                if Date() > deadline && !timedOut {
                    timedOut = true
                    diagnostics.append(LessonError("the lesson ran over the time limit of \(Runner.format(limits.maxSeconds)) s; steps after this one were not run (raise it with --max-seconds)", at: d.infoPosition))
                }
                blocks.append(.step(step))
            }
        }
        var report = Report(lessonPath: lesson.path, title: lesson.title, blocks: blocks, diagnostics: diagnostics, exercises: [])
        report.frontMatter = lesson.frontMatter
        report.hasLevelOneHeading = lesson.hasLevelOneHeading
        report.solutionLines = lesson.solutionLines
        report.unblankableAnswerLines = lesson.unblankableAnswerLines
        report.extraAnswers = lesson.extraAnswers
        report.looseDefinitions = lesson.looseDefinitions
        report.handoutLooseDefinitions = lesson.handoutLooseDefinitions
        report.markerProblemLines = lesson.markerProblemLines
        report.warnings = lesson.warnings + otherWarnings
        return report
    }

    private func runStep(_ d: DirectiveBlock, answer: AnswerBlock?, into step: inout Step, otherErrors: inout [LessonError], otherWarnings: inout [LessonError],
                         environment: inout Environment, defaults: FrontMatter?, language: LessonLanguage,
                         baseDirectory: String, deadline: Date, held: Int, valuesHeld: Int) {
        guard let directive = directives.first(where: { $0.name == d.name }) else { return }
        let problems = ArgumentProblems()
        var storedAs: String? = nil
        var badAs: LessonError? = nil
        var argumentPositions: Set<SourcePosition> = []
        var started: StepContext?
        defer {
            if let error = step.error { keepWhatAFailedStepLeaves(d, context: started, error: error, environment: &environment) }
        }
        do {
            var info = try InfoString.parse(d.info, at: d.infoPosition)
            // In a student's copy what the grader ignores is a warning (the answer counts, so
            // check passes or fails as the grade does); in a key it is the teacher's error.
            if answer != nil {
                if defaults?.variant != nil {
                    info = Self.answerInfo(info, inCopy: true, problems: &otherWarnings)
                } else {
                    info = Self.answerInfo(info, inCopy: false, problems: &otherErrors)
                }
            }
            step.arguments = info.arguments
            argumentPositions = Set(info.arguments.flatMap { [$0.position, $0.valuePosition] })
            step.positional = info.positional.map(\.text)
            let allowed = directive.arguments.map(\.name) + commonArguments.map(\.name)
            // Every unknown argument and stray word at once, in the order written (the first
            // few, then how many more: a megabyte info string of distinct keys must not cost a
            // suggestion each): the directive does not run with any of them. Stray words took
            // another run each; past the first ten they went unreported (a red-team pass).
            let unknown = info.arguments.filter { !allowed.contains($0.key) }
            let stray = answer == nil ? info.positional : []
            let cap = ArgumentProblems.maxKept
            // Only the first `cap` of each are ever reported by name, so only those are merged.
            var misplaced: [(position: SourcePosition, word: String, isArgument: Bool)] =
                unknown.prefix(cap).map { ($0.position, $0.key, true) } + stray.prefix(cap).map { ($0.position, $0.text, false) }
            misplaced.sort { ($0.position.line, $0.position.column) < ($1.position.line, $1.position.column) }
            let total = unknown.count + stray.count
            for m in misplaced.prefix(total > cap ? cap - 1 : cap) {
                if m.isArgument {
                    var message = "unknown argument '\(m.word.quotable)' for \(d.name)"
                    if let s = suggestion(for: m.word, among: allowed) { message += "; did you mean '\(s)'?" }
                    message += " (valid arguments: \(allowed.joined(separator: ", ")))"
                    problems.add(LessonError(message, at: m.position))
                } else {
                    problems.add(LessonError("unexpected '\(m.word.quotable)' in the info string; arguments are written key=value", at: m.position))
                }
            }
            if total > cap {
                let rest = total - (cap - 1), from = misplaced[cap - 1]
                // Of the kinds left unnamed only.
                let namedArguments = misplaced.prefix(cap - 1).filter(\.isArgument).count
                let argumentsLeft = unknown.count - namedArguments, wordsLeft = stray.count - (cap - 1 - namedArguments)
                let what = wordsLeft == 0 ? "unknown argument\(rest == 1 ? "" : "s")"
                    : argumentsLeft == 0 ? "unexpected word\(rest == 1 ? "" : "s")" : "unknown arguments or unexpected words"
                problems.add(LessonError("\(rest) more \(what) for \(d.name), from '\(from.word.quotable)' on", at: from.position))
            }
            let args = Arguments(info: info, position: d.infoPosition, problems: problems)
            // Every argument of a fixed set of words is checked now, whatever the directive
            // reads first: a name it cannot find would otherwise hide a misspelt choice.
            for spec in directive.arguments {
                if let choices = spec.choices, args.has(spec.name) {
                    _ = try args.choice(spec.name, choices, default: spec.defaultValue ?? choices[0])
                }
            }
            let precision = try args.integer("precision", default: 4, in: 0...15)
            step.hide = ReportHiding(rawValue: try args.choice("hide", ReportHiding.allCases.map(\.rawValue), default: ""))
            // Read now, with the others: read after the directive ran, a bad as= beside a bad
            // choice took a second run. Kept apart from them: no default stands in for it, so
            // an error of the work itself is still reported beside it (`fail`).
            do {
                storedAs = try args.name("as")
            } catch let e as LessonError {
                badAs = e
            }
            if let first = problems.first, !unknown.isEmpty || !stray.isEmpty { throw first }
            // The exercise's arguments are read strictly: an exercise with a bad tol= is no
            // exercise (its answer is "not checked: its exercise's step failed").
            do {
                step.exercise = try exercise(Arguments(info: info, position: d.infoPosition), defaults: defaults)
            } catch let e as LessonError {
                problems.add(e)  // reported with the others, whatever else was kept
                throw e
            }
            let reads = NameReadLog()
            var stepEnvironment = environment
            stepEnvironment.readLog = reads
            // Handed over, not shared: the context holds the only copy while the step runs.
            environment = Environment()
            let context = StepContext(block: d, args: args, environment: stepEnvironment, limits: limits,
                                      baseDirectory: baseDirectory, deadline: deadline, precision: precision)
            stepEnvironment = Environment()
            context.answer = answer
            context.heldBefore = held
            context.valuesBefore = valuesHeld
            context.language = language
            started = context
            defer {
                if step.hide == .values || step.hide == .all {
                    step.hiddenValues = context.values
                } else {
                    step.values = context.values
                }
                step.warnings = context.warnings
                step.reads = reads.names
                step.defines = context.defined
            }
            do {
                try directive.run(context)
            } catch let e as TensorError {
                throw LessonError(e.message, at: d.infoPosition)
            }
            if let kept = problems.first { throw kept }
            if let badAs { throw badAs }
            if let name = storedAs, let result = context.result {
                context.define(name, result)
            }
            if let check = step.exercise?.check, !context.values.contains(where: { $0.name == check }) {
                throw LessonError("check=\(check) names no value of this step; it recorded \(context.values.map(\.name).joined(separator: ", "))", at: args.position(of: "check"))
            }
            step.resultName = context.resultName
            step.result = context.result
            environment = context.takeEnvironment(undoingDefinitions: false)
        } catch let e as LessonError {
            fail(e)
        } catch {
            fail(LessonError("\(error)", at: d.infoPosition))
        }
        /// The step's error, and the others (`otherErrors`, reported as the lesson's errors):
        /// the bad arguments kept, and a name an argument gives that is not defined (`q=Querry`),
        /// which no default can have caused. Anything else the directive threw after a default
        /// stood in for a bad argument is dropped: it may be that default's doing (`generate
        /// model=atention table=E` ran as bigram and said table= is not for it). What is
        /// reported outside the step quotes only the info string and names, never a value, so
        /// none can give an exercise away where a handout hides the step's own error.
        func fail(_ thrown: LessonError) {
            var reported = problems.all
            let undefinedName = argumentPositions.contains(thrown.position)
                && (thrown.message.hasPrefix("undefined name '") || thrown.message.contains("' is undefined because the "))
            if reported.isEmpty || (undefinedName && !reported.contains(thrown)) { reported.append(thrown) }
            if let badAs, !reported.contains(badAs) { reported.append(badAs) }
            reported.sort { $0.position < $1.position }
            let error = reported[0]
            step.error = error
            otherErrors += reported.dropFirst()
        }
    }

    /// An answer block's info string as the grader reads it: the exercise id alone, a second
    /// word or an argument reported and ignored, the answer still read. A copy's check then
    /// scores it as the grade does (a red-team pass: `answer a x=1` scored 0 in the check and
    /// 1 in the grade, and `answer a exercise=z points=50` made a new exercise of 50 points).
    /// - Parameter quote: how a word of the info string is quoted (the grader shortens
    ///   untrusted text its own way, `Snippet.quote`).
    public static func answerInfo(_ info: InfoString, inCopy: Bool, quote: ((String) -> String)? = nil,
                                  problems: inout [LessonError]) -> InfoString {
        let quote = quote ?? { $0.quotable }
        var info = info
        if info.positional.count > 1 {
            let extra = info.positional[1]
            // A key's extra word is not quoted: it may be the answer, and a handout of a key
            // with errors shows them.
            let message = inCopy ? "answer takes one exercise id, found a second word '\(quote(extra.text))'; it is ignored"
                                 : "answer takes one exercise id; the words after '\(quote(info.positional[0].text))' are ignored"
            problems.append(LessonError(message, at: extra.position))
            info.positional = Array(info.positional.prefix(1))
        }
        // `tol=100 points=50` changed nothing, silently: say so, once per block.
        if let argument = info.arguments.first {
            let why = inCopy ? "points and tolerances come from the key"
                             : "an exercise's arguments go on its step (```let exercise=ID points=2 tol=0.01```)"
            problems.append(LessonError("answer takes only the exercise id; '\(quote(argument.key))=' is ignored: \(why)", at: argument.position))
            info.arguments = []
        }
        return info
    }

    /// The names a directive stores its result under when it has no `name=` (SPEC §3
    /// "stores"), for telling a later step which failed step was to make a name.
    static let defaultStores: [String: [String]] = [
        "attend": ["output"], "softmax": ["output"], "align": ["logits"], "train": ["w"], "encode": ["context"],
        "embed": ["sentence"], "transformer": ["sentence"], "generate": ["text"], "tokenize": ["tokens"],
        "embeddings": ["E"], "bpe": ["merges"], "sentences": ["docs"], "corpus": ["corpus"], "network": ["net"],
        "vocab": ["vocab"],
    ]

    /// After a step failed (SPEC §1, errors never cascade): a `let` keeps the names its good
    /// lines defined; the names the step was to define (a `let`'s failing and later lines;
    /// otherwise `as=`, `name=` or the directive's default store) are remembered, so that a
    /// later step that reads one says which step failed instead of only "undefined name".
    private func keepWhatAFailedStepLeaves(_ d: DirectiveBlock, context: StepContext?, error: LessonError,
                                           environment: inout Environment) {
        var names: [String] = []
        let info = try? InfoString.parse(d.info, at: d.infoPosition)
        func word(_ key: String) -> String? {
            guard let a = info?.arguments.first(where: { $0.key == key }) else { return nil }
            switch a.value {
            case .word(let w), .string(let w): return w
            default: return nil
            }
        }
        // The context holds the environment since the step started: a `let` keeps what its
        // good lines defined, any other step leaves the environment as it found it.
        if let context { environment = context.takeEnvironment(undoingDefinitions: d.name != LetDirective.name) }
        if d.name == LetDirective.name {
            // No context: the info string was refused before any line ran, so every line's name.
            names = context == nil ? StepContext.assignedNames(in: d.body[...]) : context?.wouldDefine ?? []
        } else if let name = word("name") {
            names = [name]
        } else {
            names = Runner.defaultStores[d.name] ?? []
        }
        if let name = word("as") { names.append(name) }
        let failure = FailedDefinition(directive: d.name, stepPosition: d.position, errorPosition: error.position)
        if d.name == LetDirective.name {
            // The names its good lines defined stay; the rest were to be made by the failed line.
            let defined = context?.definedSet ?? []
            environment.markFailed(names.filter { !defined.contains($0) }, by: failure)
        } else {
            // Every name it was to define, and every one it defined before it failed (put back
            // above): a later step that reads one is told which step failed, rather than
            // reading the value an earlier step left (a review found `as=p` with a bad
            // `check=` leave the old p readable).
            environment.markFailed(names + (context?.defined ?? []), by: failure)
        }
    }

    private func exercise(_ args: Arguments, defaults: FrontMatter?) throws -> ExerciseSpec? {
        guard let id = try args.word("exercise") else {
            for key in ["points", "tol", "check", "partial", "visibility", "tags"] where args.has(key) {
                throw LessonError("\(key)= only makes sense together with exercise=ID", at: args.position(of: key))
            }
            return nil
        }
        guard !id.isEmpty, id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "." }) else {
            throw LessonError("exercise= expects an id of letters, digits, '-', '_' or '.', got \"\(id)\"", at: args.position(of: "exercise"))
        }
        let points = try args.number("points", default: defaults?.defaultPoints ?? 1)
        guard points >= 0, points.isFinite else { throw LessonError("points= must be a number ≥ 0", at: args.position(of: "points")) }
        let tol = try args.number("tol", default: defaults?.defaultTolerance ?? 0.01)
        guard tol >= 0, tol.isFinite else { throw LessonError("tol= must be a number ≥ 0", at: args.position(of: "tol")) }
        let visibility = ExerciseVisibility(rawValue: try args.choice("visibility", ExerciseVisibility.allCases.map(\.rawValue), default: "visible")) ?? .visible
        return ExerciseSpec(id: id, points: points, tolerance: tol, check: try args.name("check"),
                            partial: try args.bool("partial", default: defaults?.defaultPartial ?? false), position: args.position(of: "exercise"),
                            visibility: visibility, tags: try exerciseTags(args))
    }

    /// `tags=word` or `tags=[a, "b c"]`: at most 20 tags of at most 100 characters, none empty.
    private func exerciseTags(_ args: Arguments) throws -> [String] {
        guard let a = args.argument("tags") else { return [] }
        let items: [ArgValue]
        if case .list(let l) = a.value { items = l } else { items = [a.value] }
        guard items.count <= 20 else { throw LessonError("tags= takes at most 20 tags, got \(items.count)", at: a.valuePosition) }
        return try items.map { item in
            let tag: String
            switch item {
            case .word(let w), .string(let w): tag = w
            case .number(_, let text): tag = text
            case .list: throw LessonError("tags= expects words or \"quoted text\", not a nested list", at: a.valuePosition)
            }
            guard !tag.isEmpty, tag.count <= 100, !tag.contains(where: { $0.isNewline }) else {
                throw LessonError("a tag must be 1 to 100 characters on one line, got \(tag.quotable)", at: a.valuePosition)
            }
            return tag
        }
    }

    /// A finite number at four decimals without trailing zeros: `0.5774`, `0.5`, `2`, never `-0`.
    public static func trimmed(_ x: Double) -> String {
        var s = DecimalFormat.fixed(x, digits: 4)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s == "-0" ? "0" : s
    }

    /// A number as a person would write it: `2`, `0.5`, `-1`.
    public static func format(_ x: Double) -> String {
        x.isFinite && x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
    }
}
