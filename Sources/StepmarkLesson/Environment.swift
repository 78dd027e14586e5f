import StepmarkCore

/// The named values of one lesson run, shared by all its steps in file order (notebook style).
public struct Environment: Sendable {
    private var values: [String: Value] = [:]
    /// Where the names a step reads are noted, while one is attached (the runner attaches a
    /// fresh log to each step, so that the student view can hide every step that reads a value
    /// derived from an exercise).
    var readLog: NameReadLog?
    /// Names every lesson may read without defining them (`variant`): looked up after the
    /// lesson's own names, and not listed among "defined so far".
    private var builtins: [String: Value] = [:]
    /// Pretrained models by name: handles, not values (their weights never meet the value
    /// limit, and expressions cannot read them).
    private var models: [String: BertModel] = [:]

    /// Names a failed step was to define, with where that step and its error are: a later
    /// step that reads one is told which step failed, instead of only "undefined".
    private var failed: [String: FailedDefinition] = [:]

    public init() {}

    /// Remembers that a step that failed was to define `names`: their earlier values (if any)
    /// are gone, since a later step needs the value the failed one should have made.
    public mutating func markFailed(_ names: [String], by failure: FailedDefinition) {
        for name in names {
            values[name] = nil
            failed[name] = failure
        }
    }

    /// What `name` holds now (a value, a failure, a model), to put back when the step that
    /// changes it fails (`StepContext.takeEnvironment(undoingDefinitions:)`).
    func saved(_ name: String) -> SavedName { SavedName(name: name, value: values[name], failure: failed[name], model: models[name]) }

    /// Puts back what `saved` kept.
    mutating func restore(_ saved: SavedName) {
        values[saved.name] = saved.value
        failed[saved.name] = saved.failure
        models[saved.name] = saved.model
    }

    /// Why `name` is undefined, when a failed step was to define it.
    public func failure(of name: String) -> FailedDefinition? { values[name] == nil ? failed[name] : nil }

    /// Makes `name` readable by every step, unless the lesson defines its own.
    public mutating func defineBuiltin(_ name: String, _ value: Value) { builtins[name] = value }

    /// Every defined name, sorted.
    public var names: [String] { values.keys.sorted() }

    public func value(_ name: String) -> Value? {
        readLog?.note(name)
        return values[name] ?? (failed[name] == nil ? builtins[name] : nil)
    }

    public mutating func define(_ name: String, _ value: Value) {
        values[name] = value
        failed[name] = nil
    }

    /// The model stored under `name` by a `model` block, or nil.
    public func model(_ name: String) -> BertModel? {
        readLog?.note(name)
        return models[name]
    }

    public mutating func defineModel(_ name: String, _ model: BertModel) {
        models[name] = model
    }

    /// The value of `name`.
    /// - Throws: an error that says the name is undefined, suggests a close match, and lists
    ///   what is defined.
    public func lookup(_ name: String, at position: SourcePosition) throws -> Value {
        readLog?.note(name)
        if let v = values[name] { return v }
        if let f = failed[name] {
            throw LessonError("'\(name.quotable)' is undefined because the \(f.directive) step at \(f.stepPosition) failed (see its error at \(f.errorPosition))", at: position)
        }
        if let v = builtins[name] { return v }
        if models[name] != nil {
            throw LessonError("'\(name.quotable)' is a model, not a value: give it to a directive with model=\(name.quotable)", at: position)
        }
        var message = "undefined name '\(name.quotable)'"
        if let best = suggestion(for: name, among: names) {
            message += "; did you mean '\(best)'?"
        }
        if names.isEmpty {
            message += " (nothing is defined yet: define it above with a let block)"
        } else if names.count <= 12 {
            message += " (defined so far: \(names.joined(separator: ", ")))"
        }
        throw LessonError(message, at: position)
    }
}

/// What one name held before a step changed it.
struct SavedName: Sendable {
    var name: String
    var value: Value?
    var failure: FailedDefinition?
    var model: BertModel?
}

/// A step that failed, for the names it was to define.
public struct FailedDefinition: Sendable, Equatable {
    /// The directive's name (`let`, `attend` …).
    public var directive: String
    /// Where its block starts, and where its error is.
    public var stepPosition: SourcePosition
    public var errorPosition: SourcePosition
    public init(directive: String, stepPosition: SourcePosition, errorPosition: SourcePosition) {
        self.directive = directive
        self.stepPosition = stepPosition
        self.errorPosition = errorPosition
    }
}

/// The names one step read from the environment, in the order first read.
///
/// A reference type on purpose: the environment is a value that directives and evaluators copy,
/// and every copy made during a step must note into the same log. One log belongs to one step
/// of one run, on one thread.
final class NameReadLog: @unchecked Sendable {
    private(set) var names: [String] = []
    private var seen: Set<String> = []

    func note(_ name: String) {
        if seen.insert(name).inserted { names.append(name) }
    }
}

/// Edit distance between two short strings where a swap of neighbours counts as one edit
/// (optimal string alignment), for "did you mean" hints: `maks` is one edit from `mask`.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { d[i][0] = i }
    for j in 0...b.count { d[0][j] = j }
    for i in 1...a.count {
        for j in 1...b.count {
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
        }
    }
    return d[a.count][b.count]
}

/// "did you mean 'x'?" for a word among known ones, or nil. Words under three characters get
/// no hint: every one-letter name is one edit from every other.
public func suggestion(for word: String, among known: [String]) -> String? {
    guard word.count >= 3, word.count <= 64 else { return nil }
    let best = known.filter { $0.count <= 64 }.min { editDistance($0, word) < editDistance($1, word) }
    guard let best, editDistance(best, word) <= max(1, word.count / 3) else { return nil }
    return best
}
