import StepmarkLesson

/// Python source text for lesson values, names and expressions (SPEC §2 translated to numpy).
enum Python {
    /// A Python string literal: double quotes, with `\\`, `\"`, line breaks and other control
    /// characters escaped; everything else (Hangul, emoji) stays as written, since notebooks are
    /// UTF-8.
    static func string(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value)
                    || (0x2028...0x2029).contains(scalar.value) {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// A float literal that reads back as the same double (`2.0`, `1e-05`, `float("inf")`).
    static func number(_ x: Double) -> String {
        if x.isNaN { return "float(\"nan\")" }
        if x.isInfinite { return x > 0 ? "float(\"inf\")" : "-float(\"inf\")" }
        return "\(x)"
    }

    static func list(_ items: [String]) -> String { "[" + items.joined(separator: ", ") + "]" }

    static func tokens(_ tokens: [String]) -> String { list(tokens.map(string)) }

    /// Python's keywords and the prelude's own names: a lesson name that is one of them gets a
    /// trailing underscore in the notebook, so `lambda = 2` or a value called `softmax` works.
    static let reserved: Set<String> = Set([
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
        "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in",
        "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
        "np", "math", "json", "os", "unicodedata", "print", "len", "list", "dict", "float", "int", "str",
        "range", "next", "max", "min", "sum", "abs", "round", "sorted", "zip", "map", "set", "globals",
    ]).union(Prelude.functionNames)

    /// The Python variable for a lesson name: one more trailing underscore when the name
    /// without its trailing underscores is reserved, so the renaming never lands on another
    /// lesson name (`np` → `np_`, and a lesson's own `np_` → `np__`); other names unchanged.
    static func name(_ lessonName: String) -> String {
        var stem = Substring(lessonName)
        while stem.last == "_" { stem = stem.dropLast() }
        return reserved.contains(String(stem)) ? lessonName + "_" : lessonName
    }

    /// A Python argument value for an info-string value: numbers as floats, words and strings
    /// as strings, lists as lists.
    static func argument(_ value: ArgValue) -> String {
        switch value {
        case .number(let x, _): number(x)
        case .word(let w), .string(let w): string(w)
        case .list(let items): list(items.map(argument))
        }
    }
}

/// An expression that the notebook cannot compute the way stepmark does.
struct ExportGap: Error {
    var message: String
}

/// Translates the expression language (SPEC §2) to numpy. Numeric list literals become
/// `np.array`, token lists stay Python lists; functions keep their names (the prelude defines
/// each with stepmark's semantics).
enum ExpressionTranslator {
    /// Functions that exist in the prelude under the same name and arguments.
    static let functions: Set<String> = [
        "softmax", "relu", "sigmoid", "tanh", "exp", "log", "sqrt", "abs", "sum", "mean", "norm",
        "normalize", "transpose", "cosine", "zeros", "ones", "eye", "random", "label", "load",
        "max", "min", "argmax", "var", "len", "row",
    ]

    /// Reductions that take `axis=row|col`: the prelude's `reduce_axis(kind, x, axis)`.
    static let reductions: Set<String> = ["sum", "mean", "max", "min", "argmax", "var"]

    static func python(_ e: Expr) throws -> String {
        switch e {
        case .number(let x, _):
            return Python.number(x)
        case .string(let s, _):
            return Python.string(s)
        case .name(let n, _):
            return Python.name(n)
        case .list(let items, _):
            if items.isEmpty { return "np.array([])" }
            let inner = try items.map { try literal($0) }
            if isTextList(items) { return Python.list(inner) }
            return "np.array(" + Python.list(inner) + ")"
        case .negate(let x, _):
            return "(-" + (try python(x)) + ")"
        case .binary(let op, let l, let r, _):
            // Number literals become numpy scalars, so arithmetic on them follows numpy (∞ on
            // overflow, as stepmark's doubles) instead of raising Python's exceptions.
            return "(" + (try operand(l)) + " \(op) " + (try operand(r)) + ")"
        case .transpose(let x, _):
            return "T(" + (try python(x)) + ")"
        case .call(let name, let args, let keywords, _):
            guard functions.contains(name) else { throw ExportGap(message: "the function \(name)() has no numpy translation yet") }
            let axis = try keywords.first { $0.name == "axis" }.map { try axisWord($0.value) }
            if reductions.contains(name), axis != nil || !["sum", "mean"].contains(name) {
                return "reduce_axis(" + Python.string(name) + ", " + (try python(args[0])) + (axis.map { ", axis=" + Python.string($0) } ?? "") + ")"
            }
            if name == "len" {
                return "length(" + (try python(args[0])) + (axis.map { ", axis=" + Python.string($0) } ?? "") + ")"
            }
            if name == "row" {
                return "row_labelled(" + (try args.map { try python($0) }.joined(separator: ", ")) + ")"
            }
            let pyName = name == "sum" ? "np.sum" : name == "abs" ? "np.abs" : name
            var parts = try args.map { try python($0) }
            parts += try keywords.map { "\($0.name)=" + (try python($0.value)) }
            var call = pyName + "(" + parts.joined(separator: ", ") + ")"
            if name == "load", case .string(let path, _)? = args.first {
                call = "load(" + Python.string(path) + ")"
            }
            return call
        case .index(let base, let items, _):
            return (try python(base)) + "[" + (try items.map { try indexItem($0) }.joined(separator: ", ")) + "]"
        case .shape(let x, _):
            return "shape_of(" + (try python(x)) + ")"
        case .unanswered:
            return "None"
        }
    }

    /// `axis=row` (a bare word) or `axis="row"`: the word.
    private static func axisWord(_ e: Expr) throws -> String {
        switch e {
        case .name(let w, _), .string(let w, _): return w
        default: throw ExportGap(message: "axis= that is not row or col")
        }
    }

    /// numpy takes whole-number indices as ints: literals are written as ints, other
    /// expressions wrapped in int().
    private static func indexItem(_ item: IndexItem) throws -> String {
        func whole(_ e: Expr?) throws -> String {
            guard let e else { return "" }
            if case .number(let x, _) = e, x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
            if case .negate(.number(let x, _), _) = e, x == x.rounded(), abs(x) < 1e15 { return String(-Int(x)) }
            return "int(" + (try python(e)) + ")"
        }
        switch item {
        case .at(let e): return try whole(e)
        case .slice(let a, let b, _): return (try whole(a)) + ":" + (try whole(b))
        }
    }

    /// Inside a list literal, nested lists stay Python lists (np.array makes the matrix).
    private static func literal(_ e: Expr) throws -> String {
        if case .list(let items, _) = e { return Python.list(try items.map { try literal($0) }) }
        return try python(e)
    }

    private static func operand(_ e: Expr) throws -> String {
        if case .number = e { return "np.float64(" + (try python(e)) + ")" }
        return try python(e)
    }

    static func isTextList(_ items: [Expr]) -> Bool {
        if case .string = items.first { return true }
        return false
    }
}
