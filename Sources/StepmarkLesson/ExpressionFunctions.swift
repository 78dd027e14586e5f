/// One function of the expression language (SPEC §2).
public struct ExpressionFunction: Sendable, Equatable {
    public var name: String
    /// How it is called, with its optional arguments and their defaults.
    public var signature: String
    /// One line on what it gives.
    public var summary: String
}

/// The one table of expression functions: the evaluator accepts exactly these names (an
/// unknown name is refused before it dispatches), `stepmark functions` lists them, the "did
/// you mean" hints come from it, and tests check that each is implemented and exported.
public enum ExpressionFunctions {
    public static let all: [ExpressionFunction] = [
        .init(name: "softmax", signature: "softmax(x, temperature=1)", summary: "each row turned into probabilities: exp(x / T) / its row sum"),
        .init(name: "relu", signature: "relu(x)", summary: "max(0, x), element-wise"),
        .init(name: "sigmoid", signature: "sigmoid(x)", summary: "1 / (1 + e^−x), element-wise"),
        .init(name: "tanh", signature: "tanh(x)", summary: "the hyperbolic tangent, element-wise"),
        .init(name: "exp", signature: "exp(x)", summary: "e^x, element-wise"),
        .init(name: "log", signature: "log(x)", summary: "the natural logarithm, element-wise; x must be positive"),
        .init(name: "sqrt", signature: "sqrt(x)", summary: "the square root, element-wise; x must not be negative"),
        .init(name: "abs", signature: "abs(x)", summary: "|x|, element-wise"),
        .init(name: "sum", signature: "sum(x, axis=row|col)", summary: "the sum of all entries, or one per row (axis=row) or per column (axis=col)"),
        .init(name: "mean", signature: "mean(x, axis=row|col)", summary: "the mean of all entries, or one per row or per column"),
        .init(name: "max", signature: "max(x, axis=row|col)", summary: "the largest entry, or one per row or per column"),
        .init(name: "min", signature: "min(x, axis=row|col)", summary: "the smallest entry, or one per row or per column"),
        .init(name: "argmax", signature: "argmax(x, axis=row|col)", summary: "the 0-based index of the largest entry (row-major, the first of ties), or one per row or per column"),
        .init(name: "var", signature: "var(x, axis=row|col)", summary: "the biased variance mean((x − mean(x))²), or one per row or per column"),
        .init(name: "len", signature: "len(x, axis=row|col)", summary: "the number of rows (of a vector or token list: entries); axis=row: the length of a row (columns), axis=col: of a column (rows)"),
        .init(name: "norm", signature: "norm(x)", summary: "the Euclidean (Frobenius) norm"),
        .init(name: "normalize", signature: "normalize(x)", summary: "each row scaled to length 1"),
        .init(name: "cosine", signature: "cosine(a, b)", summary: "the cosine similarity of two vectors (or of every row pair)"),
        .init(name: "transpose", signature: "transpose(x)", summary: "the same as x.T"),
        .init(name: "row", signature: "row(x, \"token\")", summary: "the first row labelled token (of a labelled vector: that entry)"),
        .init(name: "zeros", signature: "zeros(r, c) | zeros(n)", summary: "a matrix (or vector) of zeros"),
        .init(name: "ones", signature: "ones(r, c) | ones(n)", summary: "a matrix (or vector) of ones"),
        .init(name: "eye", signature: "eye(n)", summary: "the n×n identity"),
        .init(name: "random", signature: "random(r, c, seed=0) | random(n, seed=0)", summary: "uniform in [−1, 1) from SplitMix64, row-major"),
        .init(name: "load", signature: "load(\"file.npy\" | \"file.csv\")", summary: "numbers from a file beside the lesson"),
        .init(name: "label", signature: "label(x, rows=[…], cols=[…])", summary: "the same numbers with row and/or column labels"),
    ]

    public static var names: [String] { all.map(\.name) }

    public static func named(_ name: String) -> ExpressionFunction? { all.first { $0.name == name } }
}
