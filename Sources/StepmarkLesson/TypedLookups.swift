import StepmarkCore

/// The shape of numbers a directive needs of a value.
public enum TensorRequirement: Sendable {
    /// Any tensor, a single number included.
    case numbers
    /// A vector or a matrix (not a single number).
    case vectorOrMatrix
    /// A matrix.
    case matrix
    /// One row: a vector or a one-row matrix.
    case oneRow
    /// A number, a vector, or a matrix with one row or one column.
    case numberOrVector

    public func admits(_ t: Tensor) -> Bool {
        switch self {
        case .numbers: true
        case .vectorOrMatrix: !t.isScalar
        case .matrix: t.isMatrix
        case .oneRow: !t.isScalar && t.rows == 1
        case .numberOrVector: t.rank <= 1 || t.rows == 1 || t.cols == 1
        }
    }
}

/// Typed lookups for directives: "the matrix named by wo=", "the body's numbers", each with the
/// positioned error a lesson author needs, so that a directive's `run` holds its teaching logic
/// rather than the same guard written again. Messages are the directive's own: `problem`
/// receives what was found ("a token list of 4", from `Value.summary`).
extension StepContext {
    /// `value` as numbers meeting `requirement`, else `problem(what it is)` at `position`.
    public func tensor(_ value: Value, _ requirement: TensorRequirement, at position: SourcePosition,
                       else problem: (_ found: String) -> String) throws -> Tensor {
        guard case .tensor(let t) = value, requirement.admits(t) else {
            throw LessonError(problem(value.summary), at: position)
        }
        return t
    }

    /// The value called `name` (an undefined name is reported with a "did you mean") as numbers
    /// meeting `requirement`, else `problem(what it is)` at `position`.
    public func tensor(named name: String, _ requirement: TensorRequirement, at position: SourcePosition,
                       else problem: (_ found: String) -> String) throws -> Tensor {
        try tensor(environment.lookup(name, at: position), requirement, at: position, else: problem)
    }

    /// The tensor that argument `key` names (`wo=W`), or nil when the argument is absent; errors
    /// are reported at the argument's value. `problem` receives the name and what it is.
    public func tensor(argument key: String, _ requirement: TensorRequirement,
                       else problem: (_ name: String, _ found: String) -> String) throws -> (name: String, tensor: Tensor)? {
        guard let name = try args.name(key) else { return nil }
        return (name, try tensor(named: name, requirement, at: args.position(of: key)) { problem(name, $0) })
    }

    /// `value` as a token list, else `problem(what it is)` at `position`.
    public func tokens(_ value: Value, at position: SourcePosition, else problem: (_ found: String) -> String) throws -> TokenList {
        guard case .tokens(let list) = value else { throw LessonError(problem(value.summary), at: position) }
        return list
    }

    /// The token list called `name`, else `problem(what it is)` at `position`.
    public func tokens(named name: String, at position: SourcePosition, else problem: (_ found: String) -> String) throws -> TokenList {
        try tokens(environment.lookup(name, at: position), at: position, else: problem)
    }

    /// The text called `name`, else `problem(what it is)` at `position`.
    public func text(named name: String, at position: SourcePosition, else problem: (_ found: String) -> String) throws -> String {
        let value = try environment.lookup(name, at: position)
        guard case .text(let text) = value else { throw LessonError(problem(value.summary), at: position) }
        return text
    }
}

extension Arguments {
    /// A finite number > 0 (a learning rate, a temperature, a scale); `why` explains it in the
    /// error: "lr= must be a positive number (the size of each step downhill), got -1".
    public func positiveNumber(_ key: String, default value: Double, why: String? = nil) throws -> Double {
        try orKept(value) {
            let x = try number(key, default: value)
            guard x > 0, x.isFinite else {
                let reason = why.map { " (\($0))" } ?? ""
                throw LessonError("\(key)= must be a positive number\(reason), got \(raw(key)?.description ?? Runner.format(x))", at: position(of: key))
            }
            return x
        }
    }
}
