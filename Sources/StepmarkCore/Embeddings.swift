import FoundationEssentials

// MARK: - The table

/// A word-embedding table: one vector per token, stored as the rows of a matrix labelled by the
/// tokens (the order is the table order, which breaks ties in rankings).
public struct EmbeddingTable: Sendable, Equatable {
    /// The tokens, NFC-normalised, in row order.
    public let tokens: [String]
    /// `tokens.count × dimension`, rows labelled by `tokens`.
    public let matrix: Tensor
    private let index: [String: Int]

    /// - Throws: when there are no tokens, the number of rows differs from the number of
    ///   tokens, a token is empty or repeated, or an entry is not finite.
    public init(tokens: [String], matrix: Tensor) throws {
        let m = matrix.isVector ? matrix.asMatrix() : matrix
        guard m.isMatrix else { throw TensorError("an embedding table needs a matrix (one row per token), got a scalar") }
        guard !tokens.isEmpty else { throw TensorError("an embedding table needs at least one token") }
        guard m.rows == tokens.count else {
            throw TensorError("the embedding table has \(tokens.count) tokens but the matrix has \(m.rows) rows (\(m.shapeDescription)); they must match")
        }
        guard m.cols > 0 else { throw TensorError("embedding vectors need at least one dimension") }
        var index: [String: Int] = [:]
        var normalised: [String] = []
        for (i, raw) in tokens.enumerated() {
            let t = Tokenizer.normalize(raw)
            guard !t.isEmpty else { throw TensorError("embedding row \(i + 1) has an empty token") }
            if let j = index[t] { throw TensorError("token '\(t)' appears twice in the embedding table (rows \(j + 1) and \(i + 1))") }
            index[t] = i
            normalised.append(t)
        }
        if let bad = m.data.firstIndex(where: { !$0.isFinite }) {
            throw TensorError("embedding of '\(normalised[bad / m.cols])' has a non-finite entry (\(m.data[bad]))")
        }
        self.tokens = normalised
        self.matrix = Tensor(shape: m.shape, data: m.data, rowLabels: normalised, colLabels: m.colLabels)
        self.index = index
    }

    /// A table from `token: vector` pairs in order; every vector must have the same length.
    /// - Throws: as `init(tokens:matrix:)`, and on vectors of different lengths (naming the row).
    public init(rows: [(token: String, vector: [Double])]) throws {
        guard let d = rows.first?.vector.count else { throw TensorError("an embedding table needs at least one token") }
        for (i, r) in rows.enumerated() where r.vector.count != d {
            throw TensorError("the vector of '\(r.token)' (row \(i + 1)) has \(r.vector.count) entries but the first row has \(d)")
        }
        try self.init(tokens: rows.map(\.token), matrix: Tensor(shape: [rows.count, d], data: rows.flatMap(\.vector)))
    }

    public var count: Int { tokens.count }
    public var dimension: Int { matrix.cols }

    /// The row of `token`, or nil.
    public func index(of token: String) -> Int? { index[token] ?? index[Tokenizer.normalize(token)] }

    /// The vector of `token` (a vector labelled by the matrix's column labels, if any).
    /// - Throws: when the token is not in the table.
    public func vector(for token: String) throws -> Tensor {
        guard let i = index(of: token) else { throw missing(token) }
        return matrix.row(i)
    }

    /// The rows of `tokens`, stacked and labelled by the tokens. A token not in the table uses
    /// the row of `unk` when `unk` is given and in the table.
    /// - Throws: when a token is missing (and no usable `unk`), naming the token and position.
    public func lookup(_ tokens: [String], unk: String? = nil) throws -> Tensor {
        guard !tokens.isEmpty else { throw TensorError("there are no tokens to look up") }
        let d = dimension
        var data: [Double] = []
        data.reserveCapacity(tokens.count * d)
        for (position, t) in tokens.enumerated() {
            guard let i = index(of: t) ?? unk.flatMap({ index(of: $0) }) else {
                throw TensorError("token \(position + 1) '\(t)' is not in the embedding table (it has \(count) tokens: \(preview))")
            }
            data.append(contentsOf: matrix.data[(i * d)..<((i + 1) * d)])
        }
        return Tensor(shape: [tokens.count, d], data: data, rowLabels: tokens, colLabels: matrix.colLabels)
    }

    func missing(_ token: String) -> TensorError {
        TensorError("'\(token)' is not in the embedding table (it has \(count) tokens: \(preview))")
    }

    private var preview: String {
        tokens.prefix(8).joined(separator: ", ") + (tokens.count > 8 ? ", …" : "")
    }
}

// MARK: - Options

/// How `embed` turns a sentence's token vectors into one vector.
public enum Pooling: String, Sendable, CaseIterable {
    /// The average of the rows.
    case mean
    /// The sum of the rows.
    case sum
    /// No pooling: the sentence is the matrix of token vectors.
    case none
}

/// How two vectors are compared.
public enum SimilarityMetric: String, Sendable, CaseIterable {
    /// `a·b / (|a| |b|)` in [−1, 1]; higher is more similar; a zero vector is an error.
    case cosine
    /// `a·b`; higher is more similar.
    case dot
    /// `|a − b| = √Σ(aᵢ − bᵢ)²`, a distance: lower is more similar.
    case euclidean

    /// True when a larger value means "more similar" (cosine, dot).
    public var higherIsCloser: Bool { self != .euclidean }
}

/// Positions added to token embeddings before attention.
public enum PositionalEncoding: String, Sendable, CaseIterable {
    case none
    /// The fixed sines and cosines of "Attention Is All You Need".
    case sinusoidal
}

// MARK: - Step records

/// The values of the `embed` directive.
public struct EmbedSteps: Sendable, Equatable {
    public var tokens: [String]
    /// One row per token, labelled by the token.
    public var vectors: Tensor
    /// The pooled vector (mean or sum of the rows), or `vectors` itself for `.none`.
    public var sentence: Tensor
}

/// One entry of a `nearest` ranking.
public struct Neighbour: Sendable, Equatable {
    public var token: String
    /// The similarity (cosine, dot) or the distance (euclidean) to the query.
    public var score: Double
    /// The token's row in the table.
    public var row: Int
}

/// The result of a two-dimensional PCA.
public struct PCAResult: Sendable, Equatable {
    /// `n × 2` coordinates of the centred vectors on the two principal axes, rows labelled by
    /// the tokens, columns `PC1`, `PC2`.
    public var points: Tensor
    /// `2 × d`: the principal axes (unit vectors, rows `PC1`, `PC2`), signs fixed so that each
    /// axis's largest-magnitude entry is positive.
    public var components: Tensor
    /// The fraction of the total variance along each axis (`σₖ² / Σσ²`).
    public var explainedVarianceRatio: Tensor
    /// The mean vector that was subtracted.
    public var mean: Tensor
    /// The singular values of the centred matrix for the two axes.
    public var singularValues: Tensor
}

/// Everything the `encode` directive computes, in order.
public struct EncodeSteps: Sendable {
    public var tokens: [String]
    /// The token embeddings, one labelled row per token.
    public var embedded: Tensor
    /// The positional encoding matrix (only with positions).
    public var positions: Tensor?
    /// `embedded + positions` (only with positions).
    public var positioned: Tensor?
    /// `X·Wq` (or X), `X·Wk` (or X), `X·Wv` (or X), with X = `positioned ?? embedded`.
    public var q: Tensor
    public var k: Tensor
    public var v: Tensor
    public var attention: AttentionSteps
    /// `attention.output + X` (only with residual).
    public var residual: Tensor?
    /// The layer norm of `residual ?? attention.output` (only with norm).
    public var layerNorm: LayerNormSteps?
    /// The final result: the attention output, plus X when residual, layer-normed when norm.
    public var context: Tensor
}

// MARK: - Functions

public enum Embeddings {
    /// Looks up each token and pools the rows: mean `(1/n)Σ rows`, sum `Σ rows`, or none.
    /// - Throws: on an empty token list or a token missing from the table (no `unk` row).
    public static func embed(tokens: [String], table: EmbeddingTable, pool: Pooling = .mean,
                             unk: String? = nil) throws -> EmbedSteps {
        let vectors = try table.lookup(tokens, unk: unk)
        let n = vectors.rows, d = vectors.cols
        var sentence: Tensor
        switch pool {
        case .none:
            sentence = vectors
        case .sum, .mean:
            var s = [Double](repeating: 0, count: d)
            for i in 0..<n { for j in 0..<d { s[j] += vectors.data[i * d + j] } }
            if pool == .mean { for j in 0..<d { s[j] /= Double(n) } }
            sentence = Tensor(shape: [d], data: s, rowLabels: vectors.colLabels)
        }
        return EmbedSteps(tokens: tokens, vectors: vectors, sentence: sentence)
    }

    /// The similarity (or distance) of two vectors of equal length. Matrices with one row
    /// count as vectors.
    /// - Throws: on different lengths, non-vectors, and (cosine) a zero vector, whose direction
    ///   is undefined.
    public static func similarity(_ a: Tensor, _ b: Tensor, metric: SimilarityMetric) throws -> Double {
        guard !a.isScalar, !b.isScalar, a.rows == 1, b.rows == 1 else {
            throw TensorError("\(metric.rawValue) compares two vectors, got \(a.shapeDescription) and \(b.shapeDescription)")
        }
        guard a.count == b.count else {
            throw TensorError("\(metric.rawValue) needs vectors of the same length, got \(a.shapeDescription) and \(b.shapeDescription)")
        }
        return try score(a.data[...], b.data[...], metric: metric, names: ("the first vector", "the second vector"))
    }

    /// One score. Cosine and distance are computed on vectors divided by their largest
    /// magnitude first (`cos(a, b) = cos(a/‖a‖∞, b/‖b‖∞)`, `‖a − b‖ = m·‖(a − b)/m‖`), so that
    /// entries near 1e±200 neither overflow to ∞ (NaN = ∞/∞) nor underflow to a false zero
    /// vector. A dot product that is too large for a Double is an error, never ∞.
    static func score(_ a: ArraySlice<Double>, _ b: ArraySlice<Double>, metric: SimilarityMetric,
                      names: @autoclosure () -> (String, String)) throws -> Double {
        switch metric {
        case .dot:
            var dot = 0.0
            for (x, y) in zip(a, b) { dot += x * y }
            guard dot.isFinite else {
                throw TensorError("the dot product is too large for a number (the vectors' entries are near \(largestMagnitude(a)) and \(largestMagnitude(b))); use cosine or smaller vectors")
            }
            return dot
        case .euclidean:
            var m = 0.0
            for (x, y) in zip(a, b) { m = Swift.max(m, abs(x - y)) }
            guard m > 0 else { return 0 }
            guard m.isFinite else {
                throw TensorError("the distance is too large for a number (two entries differ by more than 1.8e308)")
            }
            var s = 0.0
            for (x, y) in zip(a, b) { let d = (x - y) / m; s += d * d }
            return m * s.squareRoot()
        case .cosine:
            let ma = largestMagnitude(a), mb = largestMagnitude(b)
            if ma == 0 { throw TensorError("cosine of a zero vector is undefined (\(names().0) is all zeros)") }
            if mb == 0 { throw TensorError("cosine of a zero vector is undefined (\(names().1) is all zeros)") }
            var dot = 0.0, na = 0.0, nb = 0.0
            for (x, y) in zip(a, b) {
                let u = x / ma, v = y / mb
                dot += u * v; na += u * u; nb += v * v
            }
            // Rounding can push |cos| a hair past 1; cosine is never outside [−1, 1].
            return Swift.min(1, Swift.max(-1, dot / (na.squareRoot() * nb.squareRoot())))
        }
    }

    /// The largest |entry| (the ∞-norm).
    static func largestMagnitude(_ a: ArraySlice<Double>) -> Double {
        var m = 0.0
        for x in a { m = Swift.max(m, abs(x)) }
        return m
    }

    /// The `n × n` matrix of `metric` between every pair of rows of the table, rows and columns
    /// labelled by the tokens.
    ///
    /// Cosine scales and sums each row once, not once per pair: `u = x / max|x|` and `Σu²` are
    /// the numbers `score` computes for the pair, in the same order, so every entry has the same
    /// bits, and each pair costs one pass over the row instead of four (a 1,000-row table took
    /// over a minute, and a pair's names were written out for every pair; a red-team pass).
    /// - Parameter deadline: the lesson's time limit, checked once a row.
    /// - Throws: (cosine) when some row is a zero vector, naming its token; past the deadline.
    public static func similarityMatrix(_ table: EmbeddingTable, metric: SimilarityMetric, deadline: Deadline = .none) throws -> Tensor {
        let n = table.count, d = table.dimension, m = table.matrix.data
        var out = [Double](repeating: 0, count: n * n)
        if metric == .cosine {
            var scaled = [Double](repeating: 0, count: n * d), squares = [Double](repeating: 0, count: n)
            for i in 0..<n {
                let ma = largestMagnitude(m[(i * d)..<((i + 1) * d)])
                if ma == 0 { throw TensorError("cosine of a zero vector is undefined ('\(table.tokens[i])' is all zeros)") }
                var sum = 0.0
                for k in 0..<d {
                    let u = m[i * d + k] / ma
                    scaled[i * d + k] = u
                    sum += u * u
                }
                squares[i] = sum
            }
            try scaled.withUnsafeBufferPointer { u in
                for i in 0..<n {
                    try deadline.check("the similarity matrix of \(n) rows")
                    for j in 0..<n {
                        var dot = 0.0
                        for k in 0..<d { dot += u[i * d + k] * u[j * d + k] }
                        // Rounding can push |cos| a hair past 1, as in `score`.
                        out[i * n + j] = Swift.min(1, Swift.max(-1, dot / (squares[i].squareRoot() * squares[j].squareRoot())))
                    }
                }
            }
        } else {
            for i in 0..<n {
                try deadline.check("the similarity matrix of \(n) rows")
                for j in 0..<n {
                    out[i * n + j] = try score(m[(i * d)..<((i + 1) * d)], m[(j * d)..<((j + 1) * d)], metric: metric,
                                               names: ("'\(table.tokens[i])'", "'\(table.tokens[j])'"))
                }
            }
        }
        return Tensor(shape: [n, n], data: out, rowLabels: table.tokens, colLabels: table.tokens)
    }

    /// The `k` rows of the table closest to `query`, best first: highest cosine or dot, lowest
    /// euclidean distance. Equal scores keep table order (a stable sort). `k` larger than the
    /// number of candidates returns them all.
    ///
    /// - Parameter excluding: tokens left out of the ranking — pass the query token itself when
    ///   the query is a table word, as gensim's `most_similar` does, so a word is not its own
    ///   nearest neighbour.
    /// - Throws: when `k < 1`, the lengths differ, or (cosine) the query or a row is a zero vector.
    public static func nearest(to query: Tensor, in table: EmbeddingTable, k: Int = 3,
                               metric: SimilarityMetric = .cosine, excluding: Set<String> = []) throws -> [Neighbour] {
        guard k >= 1 else { throw TensorError("k must be at least 1, got \(k)") }
        guard !query.isScalar, query.rows == 1 else {
            throw TensorError("nearest needs one query vector, got \(query.shapeDescription)")
        }
        guard query.count == table.dimension else {
            throw TensorError("the query has \(query.count) entries but the table's vectors have \(table.dimension)")
        }
        let d = table.dimension, m = table.matrix.data
        var ranking: [Neighbour] = []
        for (i, t) in table.tokens.enumerated() where !excluding.contains(t) {
            let s = try score(query.data[...], m[(i * d)..<((i + 1) * d)], metric: metric,
                              names: ("the query", "'\(t)'"))
            ranking.append(Neighbour(token: t, score: s, row: i))
        }
        // A stable ordering: by score, then by table row.
        ranking.sort { a, b in
            if a.score != b.score { return metric.higherIsCloser ? a.score > b.score : a.score < b.score }
            return a.row < b.row
        }
        return Array(ranking.prefix(k))
    }

    /// A ranking as a `k × 1` matrix: rows labelled by the tokens, the column by the metric.
    public static func rankingTensor(_ ranking: [Neighbour], metric: SimilarityMetric) -> Tensor {
        Tensor(shape: [ranking.count, 1], data: ranking.map(\.score),
               rowLabels: ranking.map(\.token), colLabels: [metric == .euclidean ? "distance" : metric.rawValue])
    }

    /// PCA of the table's rows to two dimensions, equal to `numpy.linalg.svd` of the centred
    /// matrix: with `Xc = X − mean(X)` and `Xc = U Σ Vᵀ`, the points are the first two columns
    /// of `U Σ = Xc V`, the axes the first two rows of `Vᵀ`, and the explained variance ratio
    /// `σₖ² / Σᵢ σᵢ²`.
    ///
    /// Sign rule: singular vectors are only defined up to sign, so each principal **axis** (the
    /// row of Vᵀ, the "loading" vector over the d embedding dimensions) is flipped, together
    /// with its column of points, so that its entry of largest magnitude is positive (the first
    /// such entry on an exact tie).
    ///
    /// Computation: the eigen-decomposition of `XcᵀXc` (d×d) or, when there are fewer rows than
    /// dimensions, of `XcXcᵀ` (n×n), by the cyclic Jacobi method — deterministic and accurate to
    /// about 1e-14 relative for well-separated components. An axis whose variance is below
    /// 1e-12 of the first (n = 2 leaves only one direction) is undefined: its points are 0 and
    /// its axis is reported as zeros.
    ///
    /// - Throws: with fewer than 2 rows or 2 dimensions, or when all rows are equal (no variance).
    public static func pca(_ table: EmbeddingTable, deadline: Deadline = .none) throws -> PCAResult {
        let n = table.count, d = table.dimension
        guard n >= 2 else { throw TensorError("PCA needs at least 2 vectors, the table has \(n)") }
        guard d >= 2 else { throw TensorError("PCA to 2-D needs vectors of at least 2 dimensions, the table's have \(d)") }
        // Work in units of a power of two near the largest entry: dividing by it is exact, so
        // the results are those of the plain computation, but sums of squares of 1e200 entries
        // no longer overflow (∞/∞ made the explained ratio NaN). Results are scaled back below.
        var largest = 0.0
        for v in table.matrix.data { largest = Swift.max(largest, abs(v)) }
        let unit = largest > 0 ? Double(sign: .plus, exponent: largest.exponent, significand: 1) : 1
        let x = table.matrix.data.map { $0 / unit }
        var mean = [Double](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d { mean[j] += x[i * d + j] } }
        for j in 0..<d { mean[j] /= Double(n) }
        var xc = x
        var spread = 0.0
        for i in 0..<n { for j in 0..<d { xc[i * d + j] -= mean[j]; spread = Swift.max(spread, abs(xc[i * d + j])) } }
        let total = xc.reduce(0) { $0 + $1 * $1 }
        // Equal rows leave only the rounding of the mean (a few ulps of entries below 2): no
        // direction is defined, and the ratio would be 0/0.
        guard total > 0, spread > 64 * Double.ulpOfOne else {
            throw TensorError("PCA needs vectors that differ: all \(n) rows are equal, so there is no variance")
        }

        var axes = [[Double]](repeating: [Double](repeating: 0, count: d), count: 2)
        var points = [Double](repeating: 0, count: n * 2)
        var sigma = [0.0, 0.0]
        if d <= n {
            var c = [Double](repeating: 0, count: d * d)
            for i in 0..<n {
                try deadline.check("the \(d)×\(d) covariance of a PCA")
                for a in 0..<d { let xa = xc[i * d + a]; for b in a..<d { c[a * d + b] += xa * xc[i * d + b] } }
            }
            for a in 0..<d { for b in 0..<a { c[a * d + b] = c[b * d + a] } }
            try deadline.check("the \(d)×\(d) covariance of a PCA")
            let (values, vectors) = try symmetricEigen(c, n: d, deadline: deadline)
            for k in 0..<2 {
                let lambda = max(values[k], 0)
                guard k == 0 || lambda > 1e-12 * values[0] else { continue }
                sigma[k] = lambda.squareRoot()
                for j in 0..<d { axes[k][j] = vectors[j * d + k] }
            }
        } else {
            var g = [Double](repeating: 0, count: n * n)
            for a in 0..<n {
                try deadline.check("the \(n)×\(n) Gram matrix of a PCA")
                for b in a..<n {
                    var s = 0.0
                    for j in 0..<d { s += xc[a * d + j] * xc[b * d + j] }
                    g[a * n + b] = s; g[b * n + a] = s
                }
            }
            try deadline.check("the \(n)×\(n) Gram matrix of a PCA")
            let (values, vectors) = try symmetricEigen(g, n: n, deadline: deadline)
            for k in 0..<2 {
                let lambda = max(values[k], 0)
                guard k == 0 || lambda > 1e-12 * values[0] else { continue }
                let s = lambda.squareRoot()
                sigma[k] = s
                // v = Xcᵀ u / σ, then re-normalised against rounding.
                var v = [Double](repeating: 0, count: d)
                for i in 0..<n { let u = vectors[i * n + k]; for j in 0..<d { v[j] += xc[i * d + j] * u } }
                let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
                guard norm > 0 else { sigma[k] = 0; continue }
                for j in 0..<d { v[j] /= norm }
                axes[k] = v
            }
        }
        for k in 0..<2 where sigma[k] > 0 {
            var best = 0
            for j in 1..<d where abs(axes[k][j]) > abs(axes[k][best]) { best = j }
            if axes[k][best] < 0 { for j in 0..<d { axes[k][j] = -axes[k][j] } }
            for i in 0..<n {
                var s = 0.0
                for j in 0..<d { s += xc[i * d + j] * axes[k][j] }
                points[i * 2 + k] = s
            }
        }
        let ratio = sigma.map { $0 * $0 / total }
        for i in 0..<points.count { points[i] *= unit }
        for j in 0..<d { mean[j] *= unit }
        sigma = sigma.map { $0 * unit }
        guard points.allSatisfy(\.isFinite), sigma.allSatisfy(\.isFinite) else {
            throw TensorError("the PCA coordinates are too large for numbers (the table's entries are near \(largest)); scale the table down")
        }
        let pcs = ["PC1", "PC2"]
        return PCAResult(
            points: Tensor(shape: [n, 2], data: points, rowLabels: table.tokens, colLabels: pcs),
            components: Tensor(shape: [2, d], data: axes[0] + axes[1], rowLabels: pcs, colLabels: table.matrix.colLabels),
            explainedVarianceRatio: Tensor(shape: [2], data: ratio, rowLabels: pcs),
            mean: Tensor(shape: [d], data: mean, rowLabels: table.matrix.colLabels),
            singularValues: Tensor(shape: [2], data: sigma, rowLabels: pcs))
    }

    /// Eigenvalues (descending; equal values keep index order) and eigenvectors (column k of the
    /// row-major `n × n` result belongs to value k) of a symmetric matrix, by cyclic Jacobi
    /// rotations (Golub & Van Loan §8.5) until every off-diagonal entry is negligible.
    static func symmetricEigen(_ matrix: [Double], n: Int) -> (values: [Double], vectors: [Double]) {
        // Without a deadline nothing throws.
        (try? symmetricEigen(matrix, n: n, deadline: .none)) ?? ([], [])
    }

    static func symmetricEigen(_ matrix: [Double], n: Int, deadline: Deadline) throws -> (values: [Double], vectors: [Double]) {
        var a = matrix
        var v = [Double](repeating: 0, count: n * n)
        for i in 0..<n { v[i * n + i] = 1 }
        for sweep in 0..<100 {
            var off = 0.0
            for p in 0..<n { for q in (p + 1)..<max(p + 1, n) { off += a[p * n + q] * a[p * n + q] } }
            if off == 0 { break }
            for p in 0..<(n - 1) {
                // One row of rotations is about 6n² operations: a 1000-dimensional PCA is
                // checked every few milliseconds.
                try deadline.check("the eigenvectors of a \(n)×\(n) matrix (PCA)")
                for q in (p + 1)..<n {
                    let apq = a[p * n + q]
                    if apq == 0 { continue }
                    let app = a[p * n + p], aqq = a[q * n + q]
                    // Once the matrix is nearly diagonal, drop entries below rounding of both diagonals.
                    if sweep > 3 && abs(app) + 100 * abs(apq) == abs(app) && abs(aqq) + 100 * abs(apq) == abs(aqq) {
                        a[p * n + q] = 0; a[q * n + p] = 0
                        continue
                    }
                    let theta = (aqq - app) / (2 * apq)
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<n {   // columns p, q: A·J
                        let akp = a[k * n + p], akq = a[k * n + q]
                        a[k * n + p] = c * akp - s * akq
                        a[k * n + q] = s * akp + c * akq
                    }
                    for k in 0..<n {   // rows p, q: Jᵀ·A
                        let apk = a[p * n + k], aqk = a[q * n + k]
                        a[p * n + k] = c * apk - s * aqk
                        a[q * n + k] = s * apk + c * aqk
                    }
                    a[p * n + q] = 0; a[q * n + p] = 0
                    for k in 0..<n {
                        let vkp = v[k * n + p], vkq = v[k * n + q]
                        v[k * n + p] = c * vkp - s * vkq
                        v[k * n + q] = s * vkp + c * vkq
                    }
                }
            }
        }
        let order = (0..<n).sorted { i, j in
            let x = a[i * n + i], y = a[j * n + j]
            return x != y ? x > y : i < j
        }
        var values = [Double](), vectors = [Double](repeating: 0, count: n * n)
        for (k, i) in order.enumerated() {
            values.append(a[i * n + i])
            for r in 0..<n { vectors[r * n + k] = v[r * n + i] }
        }
        return (values, vectors)
    }

    /// One encoder self-attention block over the embeddings of `tokens`:
    /// `X = E[tokens] (+ PE)`, `Q = X·Wq`, `K = X·Wk`, `V = X·Wv` (each X when its weight is nil),
    /// `attention = softmax(Q·Kᵀ/√d_k + mask)·V` split into `heads`, then
    /// `context = attention.output (+ X when residual)`, layer-normed when `norm`.
    /// `maxEntries` bounds the attention scores and `deadline` is checked per projection and head.
    /// - Throws: on unknown tokens, shape mismatches (named), or a residual whose widths differ.
    public static func encode(tokens: [String], table: EmbeddingTable, positions: PositionalEncoding = .none,
                              wq: Tensor? = nil, wk: Tensor? = nil, wv: Tensor? = nil, heads: Int = 1,
                              mask: AttentionMask = .none, residual: Bool = false, norm: Bool = false,
                              unk: String? = nil, maxEntries: Int = .max, deadline: Deadline = .none) throws -> EncodeSteps {
        let embedded = try table.lookup(tokens, unk: unk)
        var pe: Tensor? = nil, positioned: Tensor? = nil
        if positions == .sinusoidal {
            let p = try Positions.sinusoidal(count: tokens.count, dimension: table.dimension, labels: tokens)
            pe = p
            positioned = try LinearAlgebra.elementwise(embedded, p, op: "+", +)
        }
        let x = positioned ?? embedded
        func project(_ w: Tensor?, _ name: String) throws -> Tensor {
            guard let w else { return x }
            guard w.isMatrix, w.rows == x.cols else {
                throw TensorError("\(name) must have \(x.cols) rows (one per embedding dimension): X is \(x.shapeDescription), \(name) is \(w.shapeDescription)")
            }
            var r = try LinearAlgebra.matmul(x, w, deadline: deadline)
            r.rowLabels = tokens
            return r
        }
        let q = try project(wq, "wq"), k = try project(wk, "wk"), v = try project(wv, "wv")
        let attention = try Attention.compute(q: q, k: k, v: v, mask: mask, heads: heads,
                                              queryLabels: tokens, keyLabels: tokens,
                                              maxEntries: maxEntries, deadline: deadline)
        var context = attention.output
        var res: Tensor? = nil
        if residual {
            guard context.shape == x.shape else {
                throw TensorError("residual needs the attention output and X to have the same shape: output is \(context.shapeDescription), X is \(x.shapeDescription)")
            }
            context = try LinearAlgebra.elementwise(context, x, op: "+", +)
            context.rowLabels = tokens
            res = context
        }
        var ln: LayerNormSteps? = nil
        if norm {
            let steps = try LayerNorm.normalize(context)
            ln = steps
            context = steps.output
        }
        return EncodeSteps(tokens: tokens, embedded: embedded, positions: pe, positioned: positioned,
                           q: q, k: k, v: v, attention: attention, residual: res, layerNorm: ln, context: context)
    }
}
