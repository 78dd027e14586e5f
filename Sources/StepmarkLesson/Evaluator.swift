import FoundationEssentials
import StepmarkCore

/// Evaluates expressions against an environment. Pure: it reads names and files, and changes
/// nothing. Every error carries the position of the sub-expression that caused it.
public struct Evaluator {
    public var environment: Environment
    public var limits: Limits
    /// The lesson's folder, against which `load("…")` paths are resolved.
    public var baseDirectory: String
    /// The lesson's wall-time deadline, checked before every operator and call and inside large
    /// matrix products, so a long chain of `@` or many big additions in one `let` stop at the
    /// limit rather than after it. `.none` (the default) never stops.
    public var deadline: Deadline

    public init(environment: Environment, limits: Limits = .init(), baseDirectory: String = ".", deadline: Deadline = .none) {
        self.environment = environment
        self.limits = limits
        self.baseDirectory = baseDirectory
        self.deadline = deadline
    }

    /// The functions expressions may call, with a one-line usage each (from `ExpressionFunctions`).
    public static var functions: [(name: String, usage: String)] {
        ExpressionFunctions.all.map { ($0.name, "\($0.signature): \($0.summary)") }
    }

    public func evaluate(_ e: Expr) throws -> Value {
        let v = try evaluateUnchecked(e)
        if case .tensor(let t) = v, let message = emptyOverLimit(t.shape) {
            throw LessonError(message, at: e.start)
        }
        try checkSize(v.entryCount, at: e.start)
        return v
    }

    /// The error for a value of this shape when it is empty and its other dimension alone
    /// passes the entry limit; nil otherwise. One check for results already made, results
    /// about to be made and `zeros`/`ones`/`random` sizes.
    func emptyOverLimit(_ shape: [Int]) -> String? {
        guard ResultSize.product(shape) == 0, ResultSize.footprint(shape) > limits.maxEntries else { return nil }
        return "an empty value of shape [\(shape.map(String.init).joined(separator: ", "))] is over the limit of \(limits.maxEntries) entries: each of its \(ResultSize.footprint(shape)) rows or columns counts as one (raise it with --max-entries)"
    }

    func checkSize(_ count: Int, at position: SourcePosition) throws {
        if count > limits.maxEntries {
            throw LessonError("a value of \(count) entries is over the limit of \(limits.maxEntries) (raise it with --max-entries)", at: position)
        }
    }

    func tensor(_ e: Expr, for what: String) throws -> Tensor {
        let v = try evaluate(e)
        guard case .tensor(let t) = v else {
            throw LessonError("\(what) needs numbers, but this is \(v.summary)", at: e.start)
        }
        return t
    }

    func positioned<T>(_ position: SourcePosition, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as TensorError {
            throw LessonError(error.message, at: position)
        }
    }

    private func evaluateUnchecked(_ e: Expr) throws -> Value {
        switch e {
        case .number(let v, _): return .tensor(.scalar(v))
        case .string(let s, _): return .text(s)
        case .unanswered: return .tensor(.scalar(.nan))
        case .name(let n, let p): return try environment.lookup(n, at: p)
        case .list(let items, let p): return try list(items, at: p)
        case .negate(let x, let p):
            let t = try tensor(x, for: "unary minus")
            try positioned(p) { try deadline.check("'-'") }
            return .tensor(try positioned(p) { LinearAlgebra.map(t) { -$0 } })
        case .transpose(let x, let p):
            // Checked here too: a line of a thousand `.T` on a large matrix is a thousand copies.
            let t = try tensor(x, for: ".T")
            try positioned(p) { try deadline.check(".T") }
            return .tensor(try positioned(p) { LinearAlgebra.transpose(t) })
        case .binary(let op, let l, let r, let p):
            let a = try tensor(l, for: "'\(op)'"), b = try tensor(r, for: "'\(op)'")
            try positioned(p) { try deadline.check("'\(op)'") }
            return .tensor(try binary(op, a, b, at: p))
        case .call(let name, let args, let keywords, let p):
            try positioned(p) { try deadline.check("\(name)()") }
            return try call(name, args, keywords, at: p)
        case .index(let base, let items, let p):
            let value = try evaluate(base)
            try positioned(p) { try deadline.check("'[ ]'") }
            return try index(value, items, of: base, at: p)
        case .shape(let x, let p):
            switch try evaluate(x) {
            case .tensor(let t): return .tensor(.vector(t.shape.map(Double.init)))
            case .tokens(let l): return .tensor(.vector([Double(l.tokens.count)]))
            case let v: throw LessonError(".shape needs numbers or a token list, but this is \(v.summary)", at: p)
            }
        }
    }

    /// Refuses a result with NaN, or with ∞ from finite operands (an overflow), so that no
    /// step shows "NaN soup". ∞ that was already in an operand (a mask) may pass through.
    func requireFinite(_ result: Tensor, from inputs: [Tensor], _ what: String, at p: SourcePosition) throws {
        guard let k = result.data.firstIndex(where: { !$0.isFinite }) else { return }
        var place = ""
        if result.rank == 1 { place = " in entry \(k + 1)" }
        if result.rank == 2, result.cols > 0 { place = " in row \(k / result.cols + 1), column \(k % result.cols + 1)" }
        if result.data[k].isNaN {
            throw LessonError("\(what) gives an undefined result (NaN)\(place), as ∞ − ∞, 0 × ∞ or ∞ / ∞ do", at: p)
        }
        if inputs.allSatisfy({ $0.data.allSatisfy(\.isFinite) }) {
            throw LessonError("\(what) overflows\(place): the result is too large to represent (over 1.8e308)", at: p)
        }
    }

    private func binary(_ op: String, _ a: Tensor, _ b: Tensor, at p: SourcePosition) throws -> Tensor {
        let result = try arithmetic(op, a, b, at: p)
        try requireFinite(result, from: [a, b], "'\(op)'", at: p)
        return result
    }

    /// Refuses a result of these dimensions before it is allocated (overflow-safe:
    /// `--max-entries` may be as large as Int.max).
    private func requireSize(_ dimensions: [Int]) throws {
        if let message = emptyOverLimit(dimensions) {
            throw TensorError(message)
        }
        let count = ResultSize.product(dimensions)
        guard let count, count <= limits.maxEntries else {
            throw TensorError("a value of \(count.map(String.init) ?? "more than \(Int.max)") entries is over the limit of \(limits.maxEntries) (raise it with --max-entries)")
        }
    }

    private func arithmetic(_ op: String, _ a: Tensor, _ b: Tensor, at p: SourcePosition) throws -> Tensor {
        try positioned(p) {
            if op == "@" {
                if !a.isScalar && !b.isScalar {
                    let m = a.isMatrix ? a.shape[0] : 1, n = b.isMatrix ? b.shape[1] : 1
                    // Checked before the product is allocated (overflow-safe: --max-entries may be Int.max).
                    try requireSize([m, n])
                }
                return try LinearAlgebra.matmul(a, b, deadline: deadline)
            }
            let shape = try LinearAlgebra.broadcastShape(a.shape, b.shape, op: op)
            try requireSize(shape)
            switch op {
            case "+": return try LinearAlgebra.elementwise(a, b, op: op, +)
            case "-": return try LinearAlgebra.elementwise(a, b, op: op, -)
            case "*": return try LinearAlgebra.elementwise(a, b, op: op, *)
            default:
                if b.data.contains(0) { throw TensorError("division by zero") }
                return try LinearAlgebra.elementwise(a, b, op: op, /)
            }
        }
    }

    /// `[1, 2]` is a vector, `[[1, 2], [3, 4]]` a matrix, `["a", "b"]` a token list.
    private func list(_ items: [Expr], at p: SourcePosition) throws -> Value {
        if items.isEmpty { return .tensor(.vector([])) }
        let values = try items.map { try evaluate($0) }
        if case .text = values[0] {
            var tokens: [String] = []
            for (v, item) in zip(values, items) {
                guard case .text(let s) = v else { throw LessonError("a token list holds only strings, but this is \(v.summary)", at: item.start) }
                tokens.append(s)
            }
            return .tokens(TokenList(tokens))
        }
        var tensors: [Tensor] = []
        for (v, item) in zip(values, items) {
            guard case .tensor(let t) = v else { throw LessonError("a list of numbers cannot hold \(v.summary)", at: item.start) }
            tensors.append(t)
        }
        if tensors[0].isScalar {
            for (t, item) in zip(tensors, items) where !t.isScalar {
                throw LessonError("this list mixes numbers and lists; expected a number here, found \(Value.tensor(t).summary)", at: item.start)
            }
            return .tensor(.vector(tensors.map { $0.data[0] }))
        }
        guard tensors[0].isVector else {
            // Point at the third bracket, the one too many, when it is written out.
            var at = items[0].start
            if case .list(let inner, _) = items[0], let first = inner.first { at = first.start }
            throw LessonError("literals have at most two levels of brackets (a matrix); three-dimensional tensors are not supported", at: at)
        }
        let width = tensors[0].count
        for (k, (t, item)) in zip(tensors, items).enumerated() {
            guard t.isVector else {
                throw LessonError("row \(k + 1) of the matrix is \(Value.tensor(t).summary); every row must be a list of numbers", at: item.start)
            }
            guard t.count == width else {
                throw LessonError("ragged matrix: row \(k + 1) has \(t.count) entr\(t.count == 1 ? "y" : "ies") but row 1 has \(width)", at: item.start)
            }
        }
        return .tensor(.matrix(rows: tensors.count, cols: width, data: tensors.flatMap(\.data)))
    }

    private func call(_ name: String, _ args: [Expr], _ keywords: [KeywordArgument], at p: SourcePosition) throws -> Value {
        func arity(_ n: ClosedRange<Int>, keywords allowed: [String] = []) throws {
            guard n.contains(args.count) else {
                let expected = n.lowerBound == n.upperBound ? "\(n.lowerBound)" : "\(n.lowerBound) to \(n.upperBound)"
                throw LessonError("\(name)() takes \(expected) argument\(n.upperBound == 1 ? "" : "s"), got \(args.count)", at: p)
            }
            for k in keywords where !allowed.contains(k.name) {
                let valid = allowed.isEmpty ? "it takes none" : "expected " + allowed.joined(separator: ", ")
                throw LessonError("\(name)() has no keyword argument '\(k.name)'; \(valid)", at: k.position)
            }
        }
        func keyword(_ k: String) -> KeywordArgument? { keywords.first { $0.name == k } }
        func int(_ e: Expr, _ what: String) throws -> Int {
            let t = try tensor(e, for: what)
            guard let v = t.scalarValue, t.isScalar, v >= 0, v == v.rounded() else {
                throw LessonError("\(what) must be a whole number ≥ 0", at: e.start)
            }
            // Up to 2⁵³, where every whole number is a Double; a size beyond the entry limit
            // is then refused by that limit, naming it and its flag.
            guard v <= 9_007_199_254_740_992 else {
                throw LessonError("\(what) \(Runner.format(v)) is too large (at most 2^53)", at: e.start)
            }
            return Int(v)
        }
        func elementwise(_ f: @escaping (Double) throws -> Double) throws -> Value {
            try arity(1...1)
            let t = try tensor(args[0], for: "\(name)()")
            var out = t
            for i in 0..<t.data.count { out.data[i] = try f(t.data[i]) }
            try requireFinite(out, from: [t], "\(name)()", at: p)
            return .tensor(out)
        }
        func shapeArguments() throws -> [Int] {
            try arity(1...2, keywords: name == "random" ? ["seed"] : [])
            let dims = try args.enumerated().map { try int($1, args.count == 1 ? "the length" : ($0 == 0 ? "the row count" : "the column count")) }
            if let message = emptyOverLimit(dims) {
                throw LessonError("\(name)(\(dims.map(String.init).joined(separator: ", "))): " + message, at: p)
            }
            let total = dims.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }
            if total > limits.maxEntries {
                throw LessonError("\(name)(\(dims.map(String.init).joined(separator: ", "))) would have \(total == Int.max ? "too many" : String(total)) entries, over the limit of \(limits.maxEntries) (raise it with --max-entries)", at: p)
            }
            return dims
        }

        guard ExpressionFunctions.named(name) != nil else {
            var message = "unknown function '\(name.quotable)'"
            if let s = suggestion(for: name, among: ExpressionFunctions.names) { message += "; did you mean '\(s)'?" }
            message += " (functions: " + ExpressionFunctions.names.joined(separator: ", ") + "; see stepmark functions)"
            throw LessonError(message, at: p)
        }
        switch name {
        case "relu": return try elementwise { max(0, $0) }
        case "sigmoid": return try elementwise { 1 / (1 + Glibc.exp(-$0)) }
        case "tanh": return try elementwise { Glibc.tanh($0) }
        case "exp": return try elementwise { Glibc.exp($0) }
        case "abs": return try elementwise { Swift.abs($0) }
        case "log":
            return try elementwise { x in
                guard x > 0 else { throw LessonError("log(\(Runner.format(x))) is undefined: log needs positive numbers", at: args[0].start) }
                return Glibc.log(x)
            }
        case "sqrt":
            return try elementwise { x in
                guard x >= 0 else { throw LessonError("sqrt(\(Runner.format(x))) is undefined: sqrt needs numbers ≥ 0", at: args[0].start) }
                return x.squareRoot()
            }
        case "norm":
            try arity(1...1)
            let t = try tensor(args[0], for: "norm()")
            let result = LinearAlgebra.norm(t)
            try requireFinite(.scalar(result), from: [t], "norm()", at: p)
            return .tensor(.scalar(result))
        case "sum", "mean", "max", "min", "argmax", "var":
            try arity(1...1, keywords: ["axis"])
            let t = try tensor(args[0], for: "\(name)()")
            let result = try reduce(name, t, axis: try axis(keyword("axis")), at: p)
            try requireFinite(result, from: [t], "\(name)()", at: p)
            return .tensor(result)
        case "len":
            try arity(1...1, keywords: ["axis"])
            let axis = try axis(keyword("axis"))
            let v = try evaluate(args[0])
            if case .tokens(let l) = v, axis == nil { return .tensor(.scalar(Double(l.tokens.count))) }
            guard case .tensor(let t) = v else {
                throw LessonError("len() needs numbers\(axis == nil ? " or a token list" : ""), but this is \(v.summary)", at: args[0].start)
            }
            guard !t.isScalar else {
                throw LessonError("len() of a number is undefined: a number has no rows (len counts the rows of a matrix, the entries of a vector)", at: args[0].start)
            }
            switch axis {
            case nil: return .tensor(.scalar(Double(t.isMatrix ? t.shape[0] : t.count)))
            case .row?: return .tensor(.scalar(Double(t.cols)))
            case .col?: return .tensor(.scalar(Double(t.rows)))
            }
        case "row":
            try arity(2...2)
            return try labelledRow(try evaluate(args[0]), of: args[0], token: args[1], at: p)
        case "normalize":
            try arity(1...1)
            let t = try tensor(args[0], for: "normalize()")
            return .tensor(try positioned(args[0].start) { try LinearAlgebra.normalizeRows(t) })
        case "transpose":
            try arity(1...1)
            return .tensor(LinearAlgebra.transpose(try tensor(args[0], for: "transpose()")))
        case "cosine":
            try arity(2...2)
            let a = try tensor(args[0], for: "cosine()"), b = try tensor(args[1], for: "cosine()")
            // Every row of a against every row of b, checked before it is made (a 69-byte
            // lesson asked for 7.2 GB).
            if !a.isScalar, !b.isScalar {
                let (pairs, overflow) = (a.isVector ? 1 : a.rows).multipliedReportingOverflow(by: b.isVector ? 1 : b.rows)
                try checkSize(overflow ? .max : pairs, at: p)
            }
            return .tensor(try positioned(p) { try LinearAlgebra.cosine(a, b) })
        case "softmax":
            try arity(1...1, keywords: ["temperature"])
            let t = try tensor(args[0], for: "softmax()")
            var temperature = 1.0
            if let k = keyword("temperature") {
                guard let v = try tensor(k.value, for: "temperature").scalarValue else {
                    throw LessonError("temperature must be a number", at: k.value.start)
                }
                temperature = v
            }
            return .tensor(try positioned(p) { try Softmax.rows(t, temperature: temperature).output })
        case "zeros", "ones":
            let dims = try shapeArguments()
            return .tensor(.filled(name == "zeros" ? 0 : 1, shape: dims))
        case "eye":
            try arity(1...1)
            let n = try int(args[0], "the size")
            let (square, overflow) = n.multipliedReportingOverflow(by: n)
            if overflow || square > limits.maxEntries {
                throw LessonError("eye(\(n)) would have \(overflow ? "too many" : String(square)) entries, over the limit of \(limits.maxEntries) (raise it with --max-entries)", at: p)
            }
            return .tensor(.identity(n))
        case "random":
            let dims = try shapeArguments()
            var seed: UInt64 = 0
            if let k = keyword("seed") { seed = UInt64(try int(k.value, "seed")) }
            let t = SplitMix64.randomMatrix(rows: dims.count == 2 ? dims[0] : 1, cols: dims.last ?? 1, seed: seed)
            return .tensor(dims.count == 2 ? t : t.reshaped(dims))
        case "label":
            try arity(1...1, keywords: ["rows", "cols"])
            var t = try tensor(args[0], for: "label()")
            if t.isScalar {
                throw LessonError("label() labels the entries of a vector or the rows and columns of a matrix, but this is a number", at: args[0].start)
            }
            for k in keywords {
                let v = try evaluate(k.value)
                guard case .tokens(let list) = v else {
                    throw LessonError("\(k.name)= needs a token list like [\"a\", \"b\"], but this is \(v.summary)", at: k.value.start)
                }
                guard k.name == "rows" || t.isMatrix else {
                    throw LessonError("cols= labels the columns of a matrix, but this is \(t.isVector ? "a vector" : "a number"); label a vector's entries with rows=", at: k.value.start)
                }
                let expected = k.name == "rows" ? (t.isMatrix ? t.shape[0] : t.count) : t.cols
                guard list.tokens.count == expected else {
                    let unit = k.name == "rows" ? (expected == 1 ? "row" : "rows") : (expected == 1 ? "column" : "columns")
                    throw LessonError("\(k.name)= has \(list.tokens.count) label\(list.tokens.count == 1 ? "" : "s") but the value has \(expected) \(unit)", at: k.value.start)
                }
                t = k.name == "rows" ? t.labelled(rows: list.tokens) : t.labelled(cols: list.tokens)
            }
            return .tensor(t)
        case "load":
            try arity(1...1)
            let v = try evaluate(args[0])
            guard case .text(let path) = v else {
                throw LessonError("load() needs a file name in quotes, like load(\"weights.npy\")", at: args[0].start)
            }
            let loaded = try FileLoader.load(path, relativeTo: baseDirectory, limits: limits, deadline: deadline, at: args[0].start)
            if let k = loaded.data.firstIndex(where: \.isNaN) {
                let place = loaded.rank == 2 && loaded.cols > 0 ? "row \(k / loaded.cols + 1), column \(k % loaded.cols + 1)" : "entry \(k + 1)"
                throw LessonError("'\(path)' holds NaN (not a number) in \(place); a lesson needs numbers there", at: args[0].start)
            }
            return .tensor(loaded)
        default:
            // Listed in ExpressionFunctions but not written here (a test calls every listed one).
            throw LessonError("internal error: the function \(name)() is listed but not implemented", at: p)
        }
    }
}
