import FoundationEssentials

/// Every value of one forward pass of CLIP-style contrastive alignment (see `Alignment`).
///
/// Shapes for n pairs and a shared width d: projected/proj matrices are n × d, `logits`,
/// `probs` and `columnProbs` are n × n. Rows of text-side values carry the text labels, rows
/// of image-side values the image labels; the n × n matrices have text labels on the rows and
/// image labels on the columns.
public struct AlignmentForward: Sendable {
    /// `T · Wt`, before normalisation.
    public var textProjected: Tensor
    /// `I · Wi`, before normalisation.
    public var imageProjected: Tensor
    /// The Euclidean length of each row of `textProjected` (a vector of n entries).
    public var textNorms: Tensor
    /// The Euclidean length of each row of `imageProjected`.
    public var imageNorms: Tensor
    /// `text_proj`: the rows of `T · Wt` scaled to unit length.
    public var textProj: Tensor
    /// `image_proj`: the rows of `I · Wi` scaled to unit length.
    public var imageProj: Tensor
    /// `text_proj · image_projᵀ / τ`: entry (i, j) is the cosine of text i and image j over τ.
    public var logits: Tensor
    /// Row softmax of `logits`: for text i, a distribution over the images.
    public var probs: Tensor
    /// Column softmax of `logits`: for image j (column j), a distribution over the texts.
    public var columnProbs: Tensor
    /// `−log probs[i, i]` for each text i (the text→image cross-entropy against the diagonal).
    public var rowLosses: Tensor
    /// `−log columnProbs[j, j]` for each image j (image→text cross-entropy).
    public var columnLosses: Tensor
    /// The mean of `rowLosses`.
    public var rowLoss: Double
    /// The mean of `columnLosses`.
    public var columnLoss: Double
    /// The symmetric InfoNCE loss `(rowLoss + columnLoss) / 2`.
    public var loss: Double
}

/// The forward pass and the exact gradients of its loss, from the logits back to the weights.
public struct AlignmentGradients: Sendable {
    public var forward: AlignmentForward
    /// ∂loss/∂logits `= (probs + columnProbs − 2·I) / (2n)`.
    public var dLogits: Tensor
    /// ∂loss/∂text_proj `= dLogits · image_proj / τ`.
    public var dTextProj: Tensor
    /// ∂loss/∂image_proj `= dLogitsᵀ · text_proj / τ`.
    public var dImageProj: Tensor
    /// ∂loss/∂(T·Wt): row i is `(I − uᵢuᵢᵀ) · dTextProjᵢ / |aᵢ|`.
    public var dTextProjected: Tensor
    /// ∂loss/∂(I·Wi), likewise through the image normalisation.
    public var dImageProjected: Tensor
    /// ∂loss/∂Wt `= Tᵀ · dTextProjected` (d_t × d).
    public var dWt: Tensor
    /// ∂loss/∂Wi `= Iᵀ · dImageProjected` (d_i × d).
    public var dWi: Tensor
}

/// The result of training the projections by gradient descent.
public struct AlignmentTraining: Sendable {
    /// `(steps + 1) × 2`, columns `step`, `loss`: row k holds the loss before update k + 1,
    /// the last row (step = steps) the loss with the trained weights.
    public var history: Tensor
    /// The trained text projection.
    public var wt: Tensor
    /// The trained image projection.
    public var wi: Tensor
    /// The forward pass with the initial weights (history row 0).
    public var initial: AlignmentForward
    /// The forward pass with the trained weights (the last history row).
    public var final: AlignmentForward
}

/// CLIP-style contrastive alignment of paired text and image features (Radford et al. 2021;
/// SPEC §3 `align`).
///
/// Inputs: text features T (n × d_t) and image features I (n × d_i), row i of each being the
/// same pair; projections Wt (d_t × d) and Wi (d_i × d) into a shared width d; a temperature
/// τ > 0. The forward pass:
///
///     A = T·Wt,  uᵢ = aᵢ / |aᵢ|          (text_proj, rows of unit length)
///     B = I·Wi,  vⱼ = bⱼ / |bⱼ|          (image_proj)
///     S = U·Vᵀ / τ                       (logits: cosines over τ, text rows × image columns)
///     P = row softmax(S),  Q = column softmax(S)
///     loss = ½ [ (1/n) Σᵢ −log Pᵢᵢ + (1/n) Σⱼ −log Qⱼⱼ ]     (symmetric InfoNCE)
///
/// which is PyTorch's `(cross_entropy(S, arange(n)) + cross_entropy(Sᵀ, arange(n))) / 2`.
/// The cross-entropies are computed from the max-shifted logits (`log Σ exp − shifted`), so
/// they stay accurate when a probability underflows. With a single pair the loss is 0.
///
/// The backward pass is exact (no finite differences):
///
///     G  = ∂loss/∂S = (P + Q − 2·Id) / (2n)
///     ∂U = G·V / τ,   ∂V = Gᵀ·U / τ
///     ∂aᵢ = (Id − uᵢuᵢᵀ) ∂uᵢ / |aᵢ|          (the Jacobian of x ↦ x/|x|)
///     ∂Wt = Tᵀ·∂A,    ∂Wi = Iᵀ·∂B
public enum Alignment {
    /// One forward pass; see the type's documentation.
    /// - Throws: `TensorError` when T or I is not a matrix or has no rows, when their row
    ///   counts differ (naming both), when Wt or Wi does not fit its features or the two
    ///   projections have different widths (naming the shapes), when τ is not a positive
    ///   finite number, or when a row of T·Wt or I·Wi is a zero vector (it has no direction).
    public static func forward(text: Tensor, image: Tensor, wt: Tensor, wi: Tensor,
                               temperature: Double) throws -> AlignmentForward {
        try validate(text: text, image: image, wt: wt, wi: wi, temperature: temperature)
        let a = try LinearAlgebra.matmul(text.unlabelled, wt.unlabelled).labelled(rows: text.rowLabels)
        let b = try LinearAlgebra.matmul(image.unlabelled, wi.unlabelled).labelled(rows: image.rowLabels)
        let (u, aNorms) = try normalise(a, side: "text_proj", product: "T·Wt")
        let (v, bNorms) = try normalise(b, side: "image_proj", product: "I·Wi")
        var logits = try LinearAlgebra.matmul(u.unlabelled, LinearAlgebra.transpose(v.unlabelled))
        logits = LinearAlgebra.map(logits) { $0 / temperature }
        logits.rowLabels = text.rowLabels
        logits.colLabels = image.rowLabels
        let rows = try Softmax.rows(logits)
        let cols = try Softmax.columns(logits)
        let n = logits.rows
        var rowLosses = [Double](repeating: 0, count: n), colLosses = rowLosses
        for i in 0..<n {
            // −log softmax = log Σ exp(shifted) − shifted, with the maximum already subtracted.
            rowLosses[i] = Glibc.log(rows.sum.data[i]) - rows.shifted[i, i]
            colLosses[i] = Glibc.log(cols.sum.data[i]) - cols.shifted[i, i]
        }
        let rowLoss = rowLosses.reduce(0, +) / Double(n)
        let colLoss = colLosses.reduce(0, +) / Double(n)
        return AlignmentForward(
            textProjected: a, imageProjected: b,
            textNorms: .vector(aNorms, labels: text.rowLabels), imageNorms: .vector(bNorms, labels: image.rowLabels),
            textProj: u, imageProj: v, logits: logits, probs: rows.output, columnProbs: cols.output,
            rowLosses: .vector(rowLosses, labels: text.rowLabels), columnLosses: .vector(colLosses, labels: image.rowLabels),
            rowLoss: rowLoss, columnLoss: colLoss, loss: (rowLoss + colLoss) / 2)
    }

    /// The forward pass and the exact gradients of the loss with respect to every intermediate
    /// and to Wt and Wi; see the type's documentation. Throws as `forward`.
    public static func gradients(text: Tensor, image: Tensor, wt: Tensor, wi: Tensor,
                                 temperature: Double) throws -> AlignmentGradients {
        let f = try forward(text: text, image: image, wt: wt, wi: wi, temperature: temperature)
        let n = f.logits.rows, d = f.textProj.cols
        var g = Tensor.zeros(n, n)
        for i in 0..<n { for j in 0..<n {
            g[i, j] = (f.probs[i, j] + f.columnProbs[i, j] - (i == j ? 2 : 0)) / Double(2 * n)
        } }
        g = g.labelled(rows: f.logits.rowLabels, cols: f.logits.colLabels)
        let u = f.textProj.unlabelled, v = f.imageProj.unlabelled
        let gU = LinearAlgebra.map(try LinearAlgebra.matmul(g.unlabelled, v)) { $0 / temperature }
        let gV = LinearAlgebra.map(try LinearAlgebra.matmul(LinearAlgebra.transpose(g.unlabelled), u)) { $0 / temperature }
        func throughNormalisation(_ unit: Tensor, _ gUnit: Tensor, _ norms: Tensor) -> Tensor {
            var out = gUnit
            for i in 0..<unit.rows {
                var dot = 0.0
                for k in 0..<d { dot += unit[i, k] * gUnit[i, k] }
                for k in 0..<d { out[i, k] = (gUnit[i, k] - unit[i, k] * dot) / norms.data[i] }
            }
            return out
        }
        let gA = throughNormalisation(u, gU, f.textNorms)
        let gB = throughNormalisation(v, gV, f.imageNorms)
        let gWt = try LinearAlgebra.matmul(LinearAlgebra.transpose(text.unlabelled), gA)
        let gWi = try LinearAlgebra.matmul(LinearAlgebra.transpose(image.unlabelled), gB)
        return AlignmentGradients(
            forward: f, dLogits: g,
            dTextProj: gU.labelled(rows: text.rowLabels), dImageProj: gV.labelled(rows: image.rowLabels),
            dTextProjected: gA.labelled(rows: text.rowLabels), dImageProjected: gB.labelled(rows: image.rowLabels),
            dWt: Tensor(shape: wt.shape, data: gWt.data, rowLabels: wt.rowLabels, colLabels: wt.colLabels),
            dWi: Tensor(shape: wi.shape, data: gWi.data, rowLabels: wi.rowLabels, colLabels: wi.colLabels))
    }

    /// `steps` updates of plain gradient descent on both projections at once:
    /// `Wt ← Wt − lr·∂Wt`, `Wi ← Wi − lr·∂Wi`, both gradients taken at the same weights.
    ///
    /// With `steps = 0` the history has the single row (0, initial loss) and the weights come
    /// back unchanged. The trained weights keep the shapes and labels of the given ones.
    /// `checkpoint` runs before every step (the lesson's time limit: one step of a large table
    /// takes long enough that a look every 250 steps let a 122-byte lesson run for minutes).
    /// - Throws: as `forward`; when `steps` is negative or `lr` is not finite; when an update
    ///   makes a projected row zero or the loss non-finite (the message names the step); what
    ///   `checkpoint` throws.
    public static func train(text: Tensor, image: Tensor, wt: Tensor, wi: Tensor, temperature: Double,
                             steps: Int, lr: Double, checkpoint: () throws -> Void = {}) throws -> AlignmentTraining {
        guard steps >= 0 else { throw TensorError("steps must be 0 or more, got \(steps)") }
        guard lr.isFinite else { throw TensorError("lr must be a finite number, got \(lr)") }
        var wt = wt, wi = wi
        var history: [Double] = []
        var initial: AlignmentForward?
        for step in 0..<steps {
            try checkpoint()
            let g: AlignmentGradients
            do {
                g = try gradients(text: text, image: image, wt: wt, wi: wi, temperature: temperature)
            } catch let e as TensorError where step > 0 {
                throw TensorError("training diverged after \(step) step\(step == 1 ? "" : "s"): \(e.message)")
            }
            if initial == nil { initial = g.forward }
            guard g.forward.loss.isFinite else {
                throw TensorError("training diverged after \(step) step\(step == 1 ? "" : "s"): the loss is \(g.forward.loss); try a smaller lr")
            }
            history += [Double(step), g.forward.loss]
            for k in 0..<wt.data.count { wt.data[k] -= lr * g.dWt.data[k] }
            for k in 0..<wi.data.count { wi.data[k] -= lr * g.dWi.data[k] }
        }
        let final: AlignmentForward
        do {
            final = try forward(text: text, image: image, wt: wt, wi: wi, temperature: temperature)
        } catch let e as TensorError where steps > 0 {
            throw TensorError("training diverged after \(steps) step\(steps == 1 ? "" : "s"): \(e.message)")
        }
        guard final.loss.isFinite else {
            throw TensorError("training diverged after \(steps) step\(steps == 1 ? "" : "s"): the loss is \(final.loss); try a smaller lr")
        }
        history += [Double(steps), final.loss]
        return AlignmentTraining(
            history: Tensor(shape: [steps + 1, 2], data: history, colLabels: ["step", "loss"]),
            wt: wt, wi: wi, initial: initial ?? final, final: final)
    }

    /// The default for a projection that was not given: the identity when `fanIn == fanOut`,
    /// otherwise Xavier-uniform weights `fanIn × fanOut` drawn from `generator` (SPEC §2), which
    /// then continues for the next default.
    public static func defaultProjection(fanIn: Int, fanOut: Int, generator: inout SplitMix64) -> Tensor {
        fanIn == fanOut ? .identity(fanIn) : generator.xavier(fanIn: fanIn, fanOut: fanOut)
    }

    /// Fills in whichever of Wt and Wi was not given.
    ///
    /// The shared width d is the given Wt's column count, else the given Wi's, else
    /// `min(textDim, imageDim)`. A missing projection is `defaultProjection(fanIn: its feature
    /// width, fanOut: d)`: the identity when its features are already d wide, otherwise Xavier
    /// weights from one `SplitMix64(seed:)` stream, Wt drawn before Wi (so with neither given,
    /// d_t = 4 and d_i = 5 give Wt = I₄ and Wi = xavier(5, 4) from the stream's start). Given
    /// projections are returned unchanged; `forward` checks their shapes.
    public static func defaultProjections(textDim: Int, imageDim: Int, wt: Tensor?, wi: Tensor?,
                                          seed: UInt64 = 0) -> (wt: Tensor, wi: Tensor) {
        let d = wt?.cols ?? wi?.cols ?? min(textDim, imageDim)
        var generator = SplitMix64(seed: seed)
        let t = wt ?? defaultProjection(fanIn: textDim, fanOut: d, generator: &generator)
        let i = wi ?? defaultProjection(fanIn: imageDim, fanOut: d, generator: &generator)
        return (t, i)
    }

    // MARK: - Checks and helpers

    static func validate(text: Tensor, image: Tensor, wt: Tensor, wi: Tensor, temperature: Double) throws {
        guard temperature > 0, temperature.isFinite else {
            throw TensorError("temperature must be a positive number, got \(temperature)")
        }
        guard text.isMatrix else {
            throw TensorError("text features must be a matrix with one row per pair, got \(text.shapeDescription)")
        }
        guard image.isMatrix else {
            throw TensorError("image features must be a matrix with one row per pair, got \(image.shapeDescription)")
        }
        guard text.rows == image.rows else {
            throw TensorError("align needs one image per text: text has \(text.rows) row\(text.rows == 1 ? "" : "s") (\(text.shapeDescription)) but image has \(image.rows) (\(image.shapeDescription))")
        }
        guard text.rows > 0 else { throw TensorError("align needs at least one text–image pair, got none") }
        guard wt.isMatrix, wt.rows == text.cols else {
            throw TensorError("shape mismatch: wt is \(wt.shapeDescription) but text features are \(text.shapeDescription); wt needs \(text.cols) rows (d_t × d)")
        }
        guard wi.isMatrix, wi.rows == image.cols else {
            throw TensorError("shape mismatch: wi is \(wi.shapeDescription) but image features are \(image.shapeDescription); wi needs \(image.cols) rows (d_i × d)")
        }
        guard wt.cols == wi.cols else {
            throw TensorError("shape mismatch: wt is \(wt.shapeDescription) and wi is \(wi.shapeDescription); both must project to the same width d")
        }
        guard wt.cols > 0 else { throw TensorError("the shared width d is 0: wt is \(wt.shapeDescription)") }
    }

    /// Rows scaled to unit length, and the lengths; a zero row is an error naming it.
    static func normalise(_ x: Tensor, side: String, product: String) throws -> (Tensor, [Double]) {
        var out = x
        var norms = [Double](repeating: 0, count: x.rows)
        let c = x.cols
        for r in 0..<x.rows {
            var s = 0.0
            for j in 0..<c { s += x.data[r * c + j] * x.data[r * c + j] }
            let n = s.squareRoot()
            guard n > 0, n.isFinite else {
                let label = x.rowLabels.map { " ('\($0[r])')" } ?? ""
                throw TensorError("cannot normalise \(side) row \(r + 1)\(label): that row of \(product) is \(n > 0 ? "not finite" : "a zero vector"), so it has no direction")
            }
            norms[r] = n
            for j in 0..<c { out.data[r * c + j] /= n }
        }
        return (out, norms)
    }
}
