import FoundationEssentials

/// Which query–key pairs attention may use.
public enum AttentionMask: String, Sendable, CaseIterable {
    /// Every query sees every key.
    case none
    /// Query i sees key j only when `j ≤ i + n_k − n_q` (the decoder's "no peeking ahead";
    /// with more keys than queries the last query row lines up with the last key).
    case causal
}

/// The intermediate values of one attention head.
public struct AttentionHead: Sendable {
    /// `Q·Kᵀ`: row i, column j is how well query i matches key j.
    public var scores: Tensor
    /// `scores · scale`.
    public var scaled: Tensor
    /// `scaled` with −∞ where the mask forbids the pair; nil without a mask.
    public var masked: Tensor?
    /// Row softmax of `masked` (or `scaled`): the attention weights, each row sums to 1.
    public var weights: Tensor
    /// `weights · V`: each query's weighted mix of the values.
    public var output: Tensor
}

/// Everything scaled dot-product attention computes, head by head.
public struct AttentionSteps: Sendable {
    public var heads: [AttentionHead]
    /// The heads' outputs side by side (only with more than one head, or with `wo`).
    public var concat: Tensor?
    /// The final result: the single head's output, `concat`, or `concat · Wo`.
    public var output: Tensor
    /// The scale that was applied.
    public var scale: Double
}

public enum Attention {
    /// Scaled dot-product attention, `softmax(Q·Kᵀ · scale + mask) · V`, as in "Attention Is
    /// All You Need" and PyTorch's `scaled_dot_product_attention`.
    ///
    /// - Parameters:
    ///   - q: n_q × d queries; `k`: n_k × d keys; `v`: n_k × d_v values (vectors are one row).
    ///   - scale: multiplies the scores; nil means `1/√d_k` with d_k the per-head width.
    ///   - heads: splits the columns of Q, K and V into that many equal blocks; each block is
    ///     one head, and the heads' outputs are concatenated.
    ///   - wo: an optional output projection applied to the concatenation.
    ///   - queryLabels, keyLabels: row labels of the scores (default: Q's and K's row labels).
    ///   - maxEntries: the most entries the scores of one head, and of all heads together, may
    ///     have; checked before anything is allocated.
    ///   - deadline: checked before each head and inside large products.
    /// - Throws: on shape mismatches (naming the shapes), a head count that does not divide
    ///   the widths, a non-finite scale, or a fully masked row.
    public static func compute(q: Tensor, k: Tensor, v: Tensor, scale: Double? = nil,
                               mask: AttentionMask = .none, heads: Int = 1, wo: Tensor? = nil,
                               queryLabels: [String]? = nil, keyLabels: [String]? = nil,
                               maxEntries: Int = .max, deadline: Deadline = .none) throws -> AttentionSteps {
        let q = q.asMatrixKeepingRowLabels(), k = k.asMatrixKeepingRowLabels(), v = v.asMatrixKeepingRowLabels()
        guard q.cols == k.cols else {
            throw TensorError("Q and K need the same number of columns: Q is \(q.shapeDescription), K is \(k.shapeDescription)")
        }
        guard k.rows == v.rows else {
            throw TensorError("K and V need the same number of rows (one value per key): K is \(k.shapeDescription), V is \(v.shapeDescription)")
        }
        guard heads >= 1 else { throw TensorError("heads must be at least 1, got \(heads)") }
        guard q.cols % heads == 0, v.cols % heads == 0 else {
            throw TensorError("heads=\(heads) must divide the widths of Q/K (\(q.cols)) and V (\(v.cols))")
        }
        let dk = q.cols / heads, dv = v.cols / heads
        guard dk > 0 else { throw TensorError("Q and K have no columns") }
        let s = scale ?? 1 / Double(dk).squareRoot()
        guard s.isFinite else { throw TensorError("scale must be a finite number, got \(s)") }
        let rowLabels = queryLabels ?? q.rowLabels
        let colLabels = keyLabels ?? k.rowLabels
        let nq = q.rows, nk = k.rows
        if mask == .causal && nq > nk {
            throw TensorError("causal mask with \(nq) queries and \(nk) keys leaves query row 1 with no key to attend to (fully masked)")
        }

        // Before anything is allocated: each head holds n_q × n_k scores (and as many scaled
        // scores and weights); 20,000 queries made 400,000,000 of them, 15 GB, before the
        // limit was noticed.
        try ResultSize.require([nq, nk], atMost: maxEntries, "the scores (\(nq) queries × \(nk) keys)")
        try ResultSize.require([heads, nq, nk], atMost: maxEntries, "the scores of \(heads) heads (\(heads) × \(nq) × \(nk))")
        var results: [AttentionHead] = []
        for h in 0..<heads {
            try deadline.check("attention head \(h + 1) of \(heads)")
            let qh = heads == 1 ? q : columns(q, from: h * dk, count: dk)
            let kh = heads == 1 ? k : columns(k, from: h * dk, count: dk)
            let vh = heads == 1 ? v : columns(v, from: h * dv, count: dv)
            // Q·Kᵀ without forming Kᵀ: BLAS reads K transposed.
            let scores = Tensor(shape: [nq, nk], data: Matmul.multiplyTransposed(qh.data, kh.data, m: nq, k: dk, n: nk),
                                rowLabels: rowLabels, colLabels: colLabels)
            let scaled = LinearAlgebra.scaled(scores, by: s)
            var masked: Tensor? = nil
            if mask == .causal {
                var m = scaled
                for i in 0..<nq { for j in 0..<nk where j > i + nk - nq { m.data[i * nk + j] = -.infinity } }
                masked = m
            }
            let weights = try Softmax.rowsOutput(masked ?? scaled)
            var output = try LinearAlgebra.matmul(weights.unlabelled, vh.unlabelled, deadline: deadline)
            output.rowLabels = rowLabels
            output.colLabels = vh.colLabels
            results.append(AttentionHead(scores: scores, scaled: scaled, masked: masked, weights: weights, output: output))
        }
        var concat: Tensor? = nil
        if heads > 1 || wo != nil {
            var data = [Double](repeating: 0, count: nq * dv * heads)
            let width = dv * heads
            for (h, head) in results.enumerated() {
                for i in 0..<nq { for j in 0..<dv { data[i * width + h * dv + j] = head.output.data[i * dv + j] } }
            }
            concat = Tensor(shape: [nq, width], data: data, rowLabels: rowLabels, colLabels: v.colLabels)
        }
        var output = concat ?? results[0].output
        if let wo {
            guard wo.rows == output.cols || (wo.isVector && wo.count == output.cols) else {
                throw TensorError("shape mismatch: concat is \(output.shapeDescription) but wo is \(wo.shapeDescription); wo needs \(output.cols) rows")
            }
            output = try LinearAlgebra.matmul(output, wo)
            output.rowLabels = rowLabels
        }
        return AttentionSteps(heads: results, concat: concat, output: output, scale: s)
    }

    /// Columns `from ..< from + count` of a matrix.
    static func columns(_ t: Tensor, from: Int, count: Int) -> Tensor {
        var data = [Double](); data.reserveCapacity(t.rows * count)
        for i in 0..<t.rows { data.append(contentsOf: t.data[(i * t.cols + from)..<(i * t.cols + from + count)]) }
        return Tensor(shape: [t.rows, count], data: data, rowLabels: t.rowLabels,
                      colLabels: t.colLabels.map { Array($0[from..<(from + count)]) })
    }
}

extension Tensor {
    /// A vector as a one-row matrix whose row keeps no label; a matrix unchanged.
    func asMatrixKeepingRowLabels() -> Tensor {
        isMatrix ? self : Tensor(shape: [rows, cols], data: data)
    }
}
