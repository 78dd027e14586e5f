/// The named values of one lesson run, shared by all its steps in file order (notebook style).
public struct Environment: Sendable {
    private var values: [String: Value] = [:]
    private var definitions: [String: SourcePosition] = [:]

    public init() {}

    /// Every defined name, sorted.
    public var names: [String] { values.keys.sorted() }

    public func value(_ name: String) -> Value? { values[name] }

    /// Where `name` was last defined.
    public func definition(of name: String) -> SourcePosition? { definitions[name] }

    public mutating func define(_ name: String, _ value: Value, at position: SourcePosition) {
        values[name] = value
        definitions[name] = position
    }

    /// The value of `name`.
    /// - Throws: an error that says the name is undefined, suggests a close match, and lists
    ///   what is defined.
    public func lookup(_ name: String, at position: SourcePosition) throws -> Value {
        if let v = values[name] { return v }
        var message = "undefined name '\(name)'"
        let close = names.filter { editDistance($0, name) <= max(1, name.count / 3) }
        if let best = close.min(by: { editDistance($0, name) < editDistance($1, name) }) {
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

/// Levenshtein distance between two short strings, for "did you mean" hints.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}

/// "did you mean 'x'?" for a word among known ones, or nil.
func suggestion(for word: String, among known: [String]) -> String? {
    let best = known.min { editDistance($0, word) < editDistance($1, word) }
    guard let best, editDistance(best, word) <= max(1, word.count / 3) else { return nil }
    return best
}
