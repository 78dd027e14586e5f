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
                // Bidirectional overrides and isolates too: raw in code they reorder what a
                // reader sees of the line around them ("Trojan Source"); escaped, the string
                // holds the same characters.
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value)
                    || (0x2028...0x2029).contains(scalar.value) || (0x202A...0x202E).contains(scalar.value)
                    || (0x2066...0x2069).contains(scalar.value) {
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

    /// Python's keywords, its builtins (Python 3.11's `dir(builtins)`), the modules and the
    /// prelude's own names, and the names the cells assign (`result`, `hidden_layers`): a lesson
    /// name that is one of them gets a trailing underscore in the notebook, so `lambda = 2`, a
    /// value called `softmax` or one called `isinstance` (which the prelude calls) works.
    static let reserved: Set<String> = Set([
        "and", "as", "assert", "async", "await", "break", "class", "continue",
        "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in",
        "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
        "np", "math", "json", "os", "sys", "unicodedata", "result", "hidden_layers", "LESSON_DIR", "MODEL_DIR", "tokens", "trained",
        // IPython's own: the input and output history and the shell.
        "In", "Out", "get_ipython", "_i", "_ii", "_iii", "_ih", "_oh", "_dh",
        "ArithmeticError", "AssertionError", "AttributeError", "BaseException", "BaseExceptionGroup",
        "BlockingIOError", "BrokenPipeError", "BufferError", "BytesWarning", "ChildProcessError",
        "ConnectionAbortedError", "ConnectionError", "ConnectionRefusedError", "ConnectionResetError",
        "DeprecationWarning", "EOFError", "Ellipsis", "EncodingWarning", "EnvironmentError", "Exception",
        "ExceptionGroup", "False", "FileExistsError", "FileNotFoundError", "FloatingPointError",
        "FutureWarning", "GeneratorExit", "IOError", "ImportError", "ImportWarning", "IndentationError",
        "IndexError", "InterruptedError", "IsADirectoryError", "KeyError", "KeyboardInterrupt",
        "LookupError", "MemoryError", "ModuleNotFoundError", "NameError", "None", "NotADirectoryError",
        "NotImplemented", "NotImplementedError", "OSError", "OverflowError", "PendingDeprecationWarning",
        "PermissionError", "ProcessLookupError", "RecursionError", "ReferenceError", "ResourceWarning",
        "RuntimeError", "RuntimeWarning", "StopAsyncIteration", "StopIteration", "SyntaxError",
        "SyntaxWarning", "SystemError", "SystemExit", "TabError", "TimeoutError", "True", "TypeError",
        "UnboundLocalError", "UnicodeDecodeError", "UnicodeEncodeError", "UnicodeError",
        "UnicodeTranslateError", "UnicodeWarning", "UserWarning", "ValueError", "Warning",
        "ZeroDivisionError", "abs", "aiter", "all", "anext", "any", "ascii", "bin", "bool", "breakpoint",
        "bytearray", "bytes", "callable", "chr", "classmethod", "compile", "complex", "copyright", "credits",
        "delattr", "dict", "dir", "divmod", "enumerate", "eval", "exec", "exit", "filter", "float", "format",
        "frozenset", "getattr", "globals", "hasattr", "hash", "help", "hex", "id", "input", "int",
        "isinstance", "issubclass", "iter", "len", "license", "list", "locals", "map", "max", "memoryview",
        "min", "next", "object", "oct", "open", "ord", "pow", "print", "property", "quit", "range", "repr",
        "reversed", "round", "set", "setattr", "slice", "sorted", "staticmethod", "str", "sum", "super",
        "tuple", "type", "vars", "zip",
    ]).union(Prelude.functionNames)

    /// Characters a Python identifier keeps as they are. Python reads identifiers in NFKC, so
    /// `ｎｐ` (fullwidth) is `np` and `𝑥` (mathematical italic) is `x` to it; a name with any
    /// other character is spelt out instead (below). These are NFKC-stable: ASCII letters and
    /// digits, Latin-1 letters, basic Greek and Cyrillic, Hangul syllables, CJK ideographs.
    static func keepsAsWritten(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x5F: return true
        case 0xC0...0xD6, 0xD8...0xF6, 0xF8...0xFF: return true
        case 0x391...0x3A1, 0x3A3...0x3A9, 0x3B1...0x3C9: return true
        case 0x410...0x44F: return true
        case 0xAC00...0xD7A3, 0x4E00...0x9FFF, 0x3400...0x4DBF: return true
        default: return false
        }
    }

    /// The Python variable for a lesson name, one-to-one (two lesson names never become one):
    /// - a name with a character outside `keepsAsWritten`, or one starting with `answer_` (the
    ///   answer cells' names) or `spelt__`, is spelt `spelt__` + its scalars in hex,
    ///   `_`-separated: hex spelling is one-to-one, and no name kept as it is starts so;
    /// - a kept name gets one more trailing underscore when the name without its trailing
    ///   underscores is reserved: `np` → `np_`, and a lesson's own `np_` → `np__`.
    static func name(_ lessonName: String) -> String {
        // Underscores alone (`_`, `__`, `___`) are IPython's output history whatever is added.
        if !lessonName.unicodeScalars.allSatisfy(keepsAsWritten) || lessonName.hasPrefix("answer_") || lessonName.hasPrefix("spelt__")
            || lessonName.allSatisfy({ $0 == "_" }) {
            return "spelt__" + lessonName.unicodeScalars.map { String($0.value, radix: 16) }.joined(separator: "_")
        }
        var stem = Substring(lessonName)
        while stem.last == "_" { stem = stem.dropLast() }
        // `_5` and `_i5` are IPython's output and input history.
        let history = stem.first == "_" && stem.dropFirst().drop { $0 == "i" }.allSatisfy(\.isNumber)
            && stem.dropFirst().contains { $0.isNumber }
        return reserved.contains(String(stem)) || history ? lessonName + "_" : lessonName
    }

    /// The variable of an exercise's answer cell: `answer_` + the id with letters and digits
    /// kept, `_` doubled and any other character as `_` + hex + `_`, so ids `a-b` and `a_b` stay
    /// two variables (`answer_a_2d_b`, `answer_a__b`); no lesson name maps to one (`name`).
    static func answerVariable(_ id: String) -> String {
        var out = "answer_"
        for s in id.unicodeScalars {
            if s == "_" { out += "__" } else if keepsAsWritten(s) { out.unicodeScalars.append(s) } else { out += "_" + String(s.value, radix: 16) + "_" }
        }
        return out
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
