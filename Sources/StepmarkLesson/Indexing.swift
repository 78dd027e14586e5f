import StepmarkCore

/// `axis=row` reduces along each row (one value per row, numpy's axis=1), as the `softmax`
/// directive's `axis=row` normalises each row; `axis=col` gives one value per column (axis=0).
enum ReductionAxis: Equatable {
    case row, col
}

/// Indexing, slicing, `row(X, "token")` and the reductions with `axis=` (SPEC §2).
extension Evaluator {
    /// What one index item selects along one dimension.
    enum Selection {
        case single(Int)
        case range(Range<Int>)
    }

    /// How a value is called in an error: `'X'` when it is a name, else "the value".
    func called(_ e: Expr) -> String {
        if case .name(let n, _) = e { return "'\(n.quotable)'" }
        return "the value"
    }

    /// A whole number from an index expression (still a Double: it may be far outside Int).
    private func wholeNumber(_ e: Expr, _ what: String) throws -> Double {
        let v = try evaluate(e)
        guard case .tensor(let t) = v, t.isScalar, let x = t.scalarValue else {
            throw LessonError("\(what) must be a whole number, but this is \(v.summary)", at: e.start)
        }
        guard x == x.rounded(), x.isFinite else {
            throw LessonError("\(what) \(Runner.format(x)) is not a whole number", at: e.start)
        }
        return x
    }

    /// Resolves one item against a dimension of `size` (`unit` is "rows", "columns" or
    /// "entries"). Negative indices count from the end; a slice's ends are clamped as numpy's.
    /// The arithmetic is done in Int once the number is known to fit: `Double(size)` rounds
    /// above 2⁵³, and `x + n` could then land past `Int.max`.
    private func select(_ item: IndexItem, size: Int, unit: String, of base: Expr) throws -> Selection {
        let n = Double(size)
        switch item {
        case .at(let e):
            let x = try wholeNumber(e, "an index")
            guard let i = Int(exactly: x), i >= -size, i < size else {
                let valid = size == 0 ? "it has none" : "valid: 0 to \(size - 1), or −\(size) to −1 from the end"
                let units = size == 1 ? ["rows": "row", "columns": "column", "entries": "entry", "tokens": "token"][unit] ?? unit : unit
                throw LessonError("index \(Runner.format(x)) is out of range: \(called(base)) has \(size) \(units) (\(valid))", at: e.start)
            }
            return .single(i < 0 ? i + size : i)
        case .slice(let a, let b, let colon):
            func bound(_ e: Expr?, default d: Int) throws -> Int {
                guard let e else { return d }
                let x = try wholeNumber(e, "a slice end")
                if x >= n { return size }
                if x <= -n { return 0 }
                let i = Int(x)   // |x| < n ≤ 2⁶³, so it fits
                return Swift.min(Swift.max(i < 0 ? i + size : i, 0), size)
            }
            let start = try bound(a, default: 0), stop = try bound(b, default: size)
            guard start < stop else {
                throw LessonError("the slice selects no \(unit) (\(called(base)) has \(size); from \(start) up to \(stop) is empty), and a value needs at least one entry", at: a?.start ?? colon)
            }
            return .range(start..<stop)
        }
    }

    /// `X[i]`, `X[i, j]`, `X[:, j]`, `X[a:b]`, `X[a:b, c:d]`; a token list takes one index or
    /// slice. Labels follow: a selection of rows keeps their row labels, of columns theirs.
    func index(_ value: Value, _ items: [IndexItem], of base: Expr, at p: SourcePosition) throws -> Value {
        switch value {
        case .tokens(let list):
            guard items.count == 1 else {
                throw LessonError("a token list takes one index, not \(items.count)", at: items[1].start)
            }
            switch try select(items[0], size: list.tokens.count, unit: "tokens", of: base) {
            case .single(let i): return .text(list.tokens[i])
            case .range(let r): return .tokens(TokenList(Array(list.tokens[r]), ids: list.ids.map { Array($0[r]) }))
            }
        case .tensor(let t) where t.isVector:
            guard items.count == 1 else {
                throw LessonError("\(called(base)) is a vector and takes one index, not \(items.count)", at: items[1].start)
            }
            switch try select(items[0], size: t.count, unit: "entries", of: base) {
            case .single(let i): return .tensor(.scalar(t.data[i]))
            case .range(let r): return .tensor(.vector(Array(t.data[r]), labels: t.rowLabels.map { Array($0[r]) }))
            }
        case .tensor(let t) where t.isMatrix:
            let rows = try select(items[0], size: t.shape[0], unit: "rows", of: base)
            let cols = items.count > 1 ? try select(items[1], size: t.shape[1], unit: "columns", of: base) : .range(0..<t.shape[1])
            let c = t.shape[1]
            switch (rows, cols) {
            case (.single(let i), .single(let j)):
                return .tensor(.scalar(t.data[i * c + j]))
            case (.single(let i), .range(let js)):
                return .tensor(.vector(Array(t.data[(i * c + js.lowerBound)..<(i * c + js.upperBound)]), labels: t.colLabels.map { Array($0[js]) }))
            case (.range(let is_), .single(let j)):
                return .tensor(.vector(is_.map { t.data[$0 * c + j] }, labels: t.rowLabels.map { Array($0[is_]) }))
            case (.range(let is_), .range(let js)):
                var data: [Double] = []
                data.reserveCapacity(is_.count * js.count)
                for i in is_ { data += t.data[(i * c + js.lowerBound)..<(i * c + js.upperBound)] }
                return .tensor(.matrix(rows: is_.count, cols: js.count, data: data,
                                       rowLabels: t.rowLabels.map { Array($0[is_]) }, colLabels: t.colLabels.map { Array($0[js]) }))
            }
        case .tensor:
            throw LessonError("cannot index a number: \(called(base)) is a single number, with no rows or entries", at: p)
        default:
            throw LessonError("cannot index \(value.summary); indexing needs numbers or a token list", at: p)
        }
    }

    /// `row(X, "token")`: the first row labelled `token` (of a labelled vector, that entry).
    func labelledRow(_ value: Value, of base: Expr, token: Expr, at p: SourcePosition) throws -> Value {
        guard case .tensor(let t) = value, !t.isScalar else {
            throw LessonError("row() needs a matrix (or vector) with row labels, but this is \(value.summary)", at: base.start)
        }
        let tokenValue = try evaluate(token)
        guard case .text(let wanted) = tokenValue else {
            throw LessonError("row() takes the label in quotes, like row(X, \"cat\"), but this is \(tokenValue.summary)", at: token.start)
        }
        guard let labels = t.rowLabels else {
            throw LessonError("\(called(base)) has no row labels; give it some with label(X, rows=[…]) or pick a row by number, X[i]", at: base.start)
        }
        guard let i = labels.firstIndex(of: wanted) else {
            var message = "no row of \(called(base)) is labelled \"\(wanted.quotable)\""
            if let s = suggestion(for: wanted, among: labels) { message += "; did you mean \"\(s.quotable)\"?" }
            let shown = labels.prefix(20).map { "\"\($0.quotable)\"" }.joined(separator: ", ")
            message += " (row labels: \(shown)\(labels.count > 20 ? ", … \(labels.count) in all" : ""))"
            throw LessonError(message, at: token.start)
        }
        return .tensor(t.isMatrix ? t.row(i) : .scalar(t.data[i]))
    }

    /// The `axis=` keyword: `row` or `col` (a bare word or a string), nil when absent.
    func axis(_ k: KeywordArgument?) throws -> ReductionAxis? {
        guard let k else { return nil }
        var word: String?
        switch k.value {
        case .name(let n, _), .string(let n, _): word = n
        case .number(let x, _):
            if x == 0 || x == 1 {
                throw LessonError("axis=\(Int(x)) is numpy's numbering; here write axis=\(x == 1 ? "row" : "col") (\(x == 1 ? "one value per row" : "one value per column"))", at: k.value.start)
            }
        default: break
        }
        switch word {
        case "row": return .row
        case "col": return .col
        default:
            var message = "axis= must be row (one value per row) or col (one value per column)"
            if let word, let s = suggestion(for: word, among: ["row", "col"]) ?? (word.hasPrefix("row") ? "row" : word.hasPrefix("col") ? "col" : nil) {
                message += "; did you mean axis=\(s)?"
            }
            throw LessonError(message, at: k.value.start)
        }
    }

    /// sum, mean, max, min, argmax or var over all entries, or along each row or column. A
    /// vector is one row: axis=row gives one number, axis=col one per entry.
    func reduce(_ name: String, _ t: Tensor, axis: ReductionAxis?, at p: SourcePosition) throws -> Tensor {
        func f(_ xs: ArraySlice<Double>) throws -> Double {
            if xs.isEmpty {
                if name == "sum" { return 0 }
                throw LessonError("\(name)() of an empty value is undefined", at: p)
            }
            switch name {
            case "sum": return xs.reduce(0, +)
            case "mean": return xs.reduce(0, +) / Double(xs.count)
            case "max": return xs.max()!
            case "min": return xs.min()!
            case "argmax": // the first of ties, as numpy
                var best = xs.startIndex
                for k in xs.indices where xs[k] > xs[best] { best = k }
                return Double(best - xs.startIndex)
            default: // var: two passes, so a large mean does not swallow small deviations
                let m = xs.reduce(0, +) / Double(xs.count)
                return xs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(xs.count)
            }
        }
        guard let axis else { return .scalar(try f(t.data[...])) }
        guard !t.isScalar else {
            throw LessonError("\(name)(…, axis=\(axis == .row ? "row" : "col")) needs a vector or a matrix, but this is a number", at: p)
        }
        let m = t.asMatrix(), r = m.shape[0], c = m.shape[1]
        switch axis {
        case .row:
            let values = try (0..<r).map { i in try f(m.data[(i * c)..<((i + 1) * c)]) }
            return t.isVector ? .scalar(values[0]) : .vector(values, labels: t.rowLabels)
        case .col:
            let values = try (0..<c).map { j in try f(ArraySlice((0..<r).map { m.data[$0 * c + j] })) }
            return .vector(values, labels: m.colLabels)
        }
    }
}
