import FoundationEssentials

/// The values of a layer normalisation.
public struct LayerNormSteps: Sendable, Equatable {
    /// The mean of each row.
    public var mean: Tensor
    /// The biased variance of each row (`Σ(x − mean)² / d`).
    public var variance: Tensor
    /// `(x − mean) / √(variance + ε)`, then `· weight + bias` when they are given.
    public var output: Tensor
}

/// Layer normalisation (Ba, Kiros & Hinton 2016), row by row, as PyTorch's `nn.LayerNorm`:
/// `y = (x − μ) / √(σ² + ε) · γ + β` with μ the row mean and σ² the biased variance
/// `Σ(x − μ)²/d`; γ (weight) and β (bias) are learned vectors of width d, or absent.
public enum LayerNorm {
    /// Normalises each row of `x` (a vector is one row). Labels are kept.
    /// - Parameters:
    ///   - epsilon: added to the variance (SPEC's `encode`: 1e-5; BERT's config: 1e-12).
    ///   - weight, bias: γ and β, each of width d, or nil for no affine step.
    /// - Throws: on a scalar or rows of width 0, `epsilon < 0`, a weight or bias of another
    ///   width, or a row of equal entries with `epsilon = 0`.
    public static func normalize(_ x: Tensor, epsilon: Double = 1e-5, weight: [Double]? = nil, bias: [Double]? = nil) throws -> LayerNormSteps {
        guard !x.isScalar, x.cols > 0 else { throw TensorError("layer norm needs a vector or a matrix, got \(x.shapeDescription)") }
        guard epsilon >= 0, epsilon.isFinite else { throw TensorError("epsilon must be a finite number ≥ 0, got \(epsilon)") }
        let r = x.rows, c = x.cols
        if let weight, weight.count != c { throw TensorError("the layer norm weight has \(weight.count) entries but the rows have \(c)") }
        if let bias, bias.count != c { throw TensorError("the layer norm bias has \(bias.count) entries but the rows have \(c)") }
        var out = x, means = [Double](), vars = [Double]()
        means.reserveCapacity(r); vars.reserveCapacity(r)
        for i in 0..<r {
            var m = 0.0
            for j in 0..<c { m += x.data[i * c + j] }
            m /= Double(c)
            var v = 0.0
            for j in 0..<c { let e = x.data[i * c + j] - m; v += e * e }
            v /= Double(c)
            let denom = (v + epsilon).squareRoot()
            guard denom > 0 else { throw TensorError("layer norm of row \(i + 1) divides by zero: its entries are equal and epsilon is 0") }
            for j in 0..<c {
                var y = (x.data[i * c + j] - m) / denom
                if let weight { y *= weight[j] }
                if let bias { y += bias[j] }
                out.data[i * c + j] = y
            }
            means.append(m); vars.append(v)
        }
        let labels = x.isMatrix ? x.rowLabels : nil
        let shape = x.isVector ? [] as [Int] : [r]
        return LayerNormSteps(
            mean: shape.isEmpty ? .scalar(means[0]) : Tensor(shape: shape, data: means, rowLabels: labels),
            variance: shape.isEmpty ? .scalar(vars[0]) : Tensor(shape: shape, data: vars, rowLabels: labels),
            output: out)
    }
}

extension Embeddings {
    /// Layer normalisation without the learned scale and shift (PyTorch's
    /// `LayerNorm(d, elementwise_affine=False)`), SPEC's ε = 1e-5 by default: `LayerNorm.normalize`
    /// under the name the `encode` code and its tests have always used.
    public static func layerNorm(_ x: Tensor, epsilon: Double = 1e-5) throws -> LayerNormSteps {
        try LayerNorm.normalize(x, epsilon: epsilon)
    }
}
