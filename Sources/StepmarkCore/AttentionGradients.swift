import FoundationEssentials

/// The gradients of one attention head: how the loss L changes with each of its matrices.
///
/// With `w = weights` (n_q × n_k), `V` (n_k × d_v), `s` the scale and `dO = ∂L/∂(head output)`:
///
///     d_weights = dO·Vᵀ                                  (output = weights·V)
///     d_V       = weightsᵀ·dO
///     d_scaled  = w ⊙ (d_weights − rowsum(d_weights ⊙ w))  (the softmax Jacobian, row by row)
///     d_scores  = d_scaled·s                             (scaled = scores·s)
///     d_Q       = d_scores·K                             (scores = Q·Kᵀ)
///     d_K       = d_scoresᵀ·Q
///
/// A masked entry has weight 0, so its `d_scaled` and `d_scores` are exactly 0: no gradient
/// flows through a pair the mask forbids (as in PyTorch, where −∞ + x has zero slope in x
/// after the softmax).
public struct AttentionHeadGradients: Sendable {
    /// ∂L/∂(this head's output): the head's column block of `d_concat` (or `d_output`).
    public var dOutput: Tensor
    /// ∂L/∂weights, n_q × n_k.
    public var dWeights: Tensor
    /// ∂L/∂V of this head, n_k × d_v.
    public var dV: Tensor
    /// ∂L/∂scaled (equal to ∂L/∂masked where not masked, 0 where masked), n_q × n_k.
    public var dScaled: Tensor
    /// ∂L/∂scores, n_q × n_k.
    public var dScores: Tensor
    /// ∂L/∂Q of this head, n_q × d_k.
    public var dQ: Tensor
    /// ∂L/∂K of this head, n_k × d_k.
    public var dK: Tensor
}

/// Every gradient of scaled dot-product attention, named as SPEC §3 ("Attention gradients")
/// names them. `dQ`, `dK`, `dV` and `dWo` have the shapes of Q, K, V and Wo and hold what
/// PyTorch's autograd leaves in `.grad` for those tensors after `loss.backward()`.
public struct AttentionGradients: Sendable {
    /// `mean((output − target)²)` when a target was given.
    public var loss: Double?
    /// ∂L/∂output, the shape of the attention's output.
    public var dOutput: Tensor
    /// ∂L/∂Wo = concatᵀ·d_output, with an output projection.
    public var dWo: Tensor?
    /// ∂L/∂concat: `d_output·Woᵀ` with Wo, else `d_output` itself (with several heads).
    public var dConcat: Tensor?
    public var heads: [AttentionHeadGradients]
    /// The heads' `d_Q` column blocks side by side: ∂L/∂Q, the shape of Q.
    public var dQ: Tensor
    /// ∂L/∂K, the shape of K.
    public var dK: Tensor
    /// ∂L/∂V, the shape of V.
    public var dV: Tensor
}

public enum AttentionGradient {
    /// The mean squared error `L = mean((output − target)²)` over all n entries and its
    /// gradient `∂L/∂output = 2·(output − target)/n` (PyTorch's `F.mse_loss`, reduction mean).
    /// - Throws: when the shapes differ (naming both) or the target is not finite.
    public static func meanSquaredError(output: Tensor, target: Tensor) throws -> (loss: Double, gradient: Tensor) {
        guard sameShape(output, target) else {
            throw TensorError("the target must have the shape of the output: output is \(output.shapeDescription), target is \(target.shapeDescription)")
        }
        guard target.isFinite else { throw TensorError("the target holds a number that is not finite") }
        let n = Double(output.count)
        var loss = 0.0
        var gradient = [Double](repeating: 0, count: output.count)
        for i in 0..<output.count {
            let e = output.data[i] - target.data[i]
            loss += e * e
            gradient[i] = 2 * e / n
        }
        return (loss / n, Tensor(shape: output.shape, data: gradient, rowLabels: output.rowLabels, colLabels: output.colLabels))
    }

    /// True when `b` can stand for `a` entry by entry: the same shape, or a vector against a
    /// matrix of one row or one column with as many entries.
    public static func sameShape(_ a: Tensor, _ b: Tensor) -> Bool {
        if a.shape == b.shape { return true }
        guard a.count == b.count, !a.isScalar, !b.isScalar, a.isVector != b.isVector else { return false }
        let matrix = a.isMatrix ? a : b
        return matrix.rows == 1 || matrix.cols == 1
    }

    /// The softmax Jacobian of one row of weights, `J = diag(w) − w·wᵀ`:
    /// `J[j, k] = ∂w_j/∂x_k = w_j·(δ_jk − w_k)`. It is symmetric, and each row sums to 0
    /// (adding a constant to every score changes nothing).
    public static func softmaxJacobian(_ w: [Double], labels: [String]? = nil) -> Tensor {
        let n = w.count
        var data = [Double](repeating: 0, count: n * n)
        for j in 0..<n { for k in 0..<n { data[j * n + k] = (j == k ? w[j] : 0) - w[j] * w[k] } }
        return Tensor(shape: [n, n], data: data, rowLabels: labels, colLabels: labels)
    }

    /// The Jacobian of the softmax applied row by row to an upstream gradient, without forming
    /// the n × n matrices: row i of the result is `J_i·g_i = w_i ⊙ (g_i − (g_i·w_i))`.
    public static func softmaxBackward(weights: Tensor, gradient: Tensor) -> Tensor {
        let rows = weights.rows, cols = weights.cols
        var out = [Double](repeating: 0, count: rows * cols)
        for i in 0..<rows {
            var dot = 0.0
            for j in 0..<cols where weights.data[i * cols + j] != 0 { dot += gradient.data[i * cols + j] * weights.data[i * cols + j] }
            // A masked entry (weight 0) is +0 exactly, not 0 · (negative) = −0, which JSON
            // would show as -0.0 (a red-team pass).
            for j in 0..<cols where weights.data[i * cols + j] != 0 { out[i * cols + j] = weights.data[i * cols + j] * (gradient.data[i * cols + j] - dot) }
        }
        return Tensor(shape: [rows, cols], data: out, rowLabels: weights.rowLabels, colLabels: weights.colLabels)
    }

    /// The backward pass of `Attention.compute` for a given ∂L/∂output.
    ///
    /// - Parameters:
    ///   - forward: what `Attention.compute(q:k:v:…)` returned for these q, k, v and wo.
    ///   - dOutput: ∂L/∂output, the shape of `forward.output`.
    /// - Throws: when `dOutput` does not have the output's shape or is not finite.
    public static func backward(_ forward: AttentionSteps, q: Tensor, k: Tensor, v: Tensor, wo: Tensor? = nil,
                                dOutput: Tensor) throws -> AttentionGradients {
        let output = forward.output
        guard sameShape(output, dOutput) else {
            throw TensorError("the gradient of the output must have the output's shape: output is \(output.shapeDescription), the gradient is \(dOutput.shapeDescription)")
        }
        guard dOutput.isFinite else { throw TensorError("the gradient of the output holds a number that is not finite") }
        let qm = q.asMatrixKeepingRowLabels(), km = k.asMatrixKeepingRowLabels(), vm = v.asMatrixKeepingRowLabels()
        let h = forward.heads.count
        let nq = qm.rows, nk = km.rows
        let dk = qm.cols / h, dv = vm.cols / h
        // ∂L/∂output as an n_q × width matrix (a vector output of a vector Wo is one column).
        let dOut = Tensor(shape: [nq, dOutput.count / nq], data: dOutput.data, rowLabels: output.rowLabels ?? forward.heads[0].weights.rowLabels,
                          colLabels: output.isMatrix ? output.colLabels : nil)

        var dWo: Tensor? = nil
        var dConcat: Tensor? = nil
        if let wo, let concat = forward.concat {
            let woMatrix = wo.isVector ? Tensor(shape: [wo.count, 1], data: wo.data) : wo
            // output = concat·Wo, so ∂L/∂Wo = concatᵀ·dO and ∂L/∂concat = dO·Woᵀ.
            var dW = try LinearAlgebra.matmul(LinearAlgebra.transpose(concat.unlabelled), dOut.unlabelled)
            dW = wo.isVector ? Tensor(shape: wo.shape, data: dW.data) : dW.labelled(rows: wo.rowLabels, cols: wo.colLabels)
            dWo = dW
            var dC = try LinearAlgebra.matmul(dOut.unlabelled, LinearAlgebra.transpose(woMatrix.unlabelled))
            dC.rowLabels = dOut.rowLabels
            dC.colLabels = concat.colLabels
            dConcat = dC
        } else if forward.concat != nil {
            dConcat = dOut
        }
        let upstream = dConcat ?? dOut

        var heads: [AttentionHeadGradients] = []
        var dQ = [Double](repeating: 0, count: nq * dk * h)
        var dK = [Double](repeating: 0, count: nk * dk * h)
        var dV = [Double](repeating: 0, count: nk * dv * h)
        for (index, head) in forward.heads.enumerated() {
            let qh = h == 1 ? qm.unlabelled : Attention.columns(qm, from: index * dk, count: dk).unlabelled
            let kh = h == 1 ? km.unlabelled : Attention.columns(km, from: index * dk, count: dk).unlabelled
            let vh = h == 1 ? vm.unlabelled : Attention.columns(vm, from: index * dv, count: dv).unlabelled
            let dOh = h == 1 ? upstream : Attention.columns(upstream, from: index * dv, count: dv)
            let w = head.weights
            let rowLabels = w.rowLabels, colLabels = w.colLabels

            var dWeights = try LinearAlgebra.matmul(dOh.unlabelled, LinearAlgebra.transpose(vh))
            dWeights = dWeights.labelled(rows: rowLabels, cols: colLabels)
            var dVh = try LinearAlgebra.matmul(LinearAlgebra.transpose(w.unlabelled), dOh.unlabelled)
            dVh = dVh.labelled(rows: colLabels, cols: head.output.colLabels)
            let dScaled = softmaxBackward(weights: w, gradient: dWeights)
            let dScores = LinearAlgebra.scaled(dScaled, by: forward.scale)  // scale > 0: +0 stays +0
            var dQh = try LinearAlgebra.matmul(dScores.unlabelled, kh)
            dQh = dQh.labelled(rows: rowLabels, cols: Attention.columns(qm, from: index * dk, count: dk).colLabels)
            var dKh = try LinearAlgebra.matmul(LinearAlgebra.transpose(dScores.unlabelled), qh)
            dKh = dKh.labelled(rows: colLabels, cols: Attention.columns(km, from: index * dk, count: dk).colLabels)

            for i in 0..<nq { for j in 0..<dk { dQ[i * dk * h + index * dk + j] = dQh.data[i * dk + j] } }
            for i in 0..<nk { for j in 0..<dk { dK[i * dk * h + index * dk + j] = dKh.data[i * dk + j] } }
            for i in 0..<nk { for j in 0..<dv { dV[i * dv * h + index * dv + j] = dVh.data[i * dv + j] } }
            heads.append(AttentionHeadGradients(dOutput: dOh, dWeights: dWeights, dV: dVh, dScaled: dScaled,
                                                dScores: dScores, dQ: dQh, dK: dKh))
        }
        // The full gradients take the shapes (and labels) of the inputs, as `.grad` does.
        func shaped(_ data: [Double], like input: Tensor, rowLabels: [String]?) -> Tensor {
            input.isMatrix ? Tensor(shape: input.shape, data: data, rowLabels: rowLabels, colLabels: input.colLabels)
                           : Tensor(shape: input.shape, data: data, rowLabels: input.rowLabels)
        }
        let queryLabels = forward.heads[0].weights.rowLabels, keyLabels = forward.heads[0].weights.colLabels
        let dOutputShaped = Tensor(shape: output.shape, data: dOutput.data, rowLabels: output.rowLabels, colLabels: output.colLabels)
        return AttentionGradients(loss: nil, dOutput: dOutputShaped, dWo: dWo, dConcat: dConcat, heads: heads,
                                  dQ: shaped(dQ, like: q, rowLabels: queryLabels),
                                  dK: shaped(dK, like: k, rowLabels: keyLabels),
                                  dV: shaped(dV, like: v, rowLabels: keyLabels))
    }

    /// Forward and backward in one call: attention of q, k, v, then the gradients either of
    /// `mean((output − target)²)` (with `target`) or of a given ∂L/∂output (`dOutput`).
    public static func compute(q: Tensor, k: Tensor, v: Tensor, scale: Double? = nil, mask: AttentionMask = .none,
                               heads: Int = 1, wo: Tensor? = nil, target: Tensor? = nil, dOutput: Tensor? = nil,
                               queryLabels: [String]? = nil, keyLabels: [String]? = nil) throws -> (forward: AttentionSteps, gradients: AttentionGradients) {
        let forward = try Attention.compute(q: q, k: k, v: v, scale: scale, mask: mask, heads: heads, wo: wo,
                                            queryLabels: queryLabels, keyLabels: keyLabels)
        var loss: Double? = nil
        let upstream: Tensor
        if let target {
            let mse = try meanSquaredError(output: forward.output, target: target)
            loss = mse.loss
            upstream = mse.gradient
        } else if let dOutput {
            upstream = dOutput
        } else {
            throw TensorError("the backward pass needs a target or a gradient of the output")
        }
        var gradients = try backward(forward, q: q, k: k, v: v, wo: wo, dOutput: upstream)
        gradients.loss = loss
        return (forward, gradients)
    }
}
