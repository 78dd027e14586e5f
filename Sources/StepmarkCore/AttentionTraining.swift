import FoundationEssentials

/// The learned matrices of one attention layer over inputs X (one token per row):
/// `Q = X·W_Q`, `K = X·W_K`, `V = X·W_V`, `output = attention(Q, K, V)` (then `·W_O` when
/// `wo` is present).
public struct AttentionLayerWeights: Sendable, Equatable {
    public var wq: Tensor
    public var wk: Tensor
    public var wv: Tensor
    public var wo: Tensor?
    public init(wq: Tensor, wk: Tensor, wv: Tensor, wo: Tensor? = nil) {
        self.wq = wq; self.wk = wk; self.wv = wv; self.wo = wo
    }

    /// True when every weight is a finite number.
    public var isFinite: Bool { wq.isFinite && wk.isFinite && wv.isFinite && (wo?.isFinite ?? true) }
}

/// Which of the layer's matrices gradient descent changes (the others stay fixed).
public struct LearnedMatrices: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    public static let wq = LearnedMatrices(rawValue: 1)
    public static let wk = LearnedMatrices(rawValue: 2)
    public static let wv = LearnedMatrices(rawValue: 4)
    public static let wo = LearnedMatrices(rawValue: 8)
    public static let all: LearnedMatrices = [.wq, .wk, .wv, .wo]
}

/// One training sequence: its token vectors X (n × d_model) and the output the layer should
/// produce for it (n × d_out), with optional token labels for its rows.
public struct AttentionExample: Sendable {
    public var x: Tensor
    public var target: Tensor
    public var labels: [String]?
    public init(x: Tensor, target: Tensor, labels: [String]? = nil) {
        self.x = x; self.target = target; self.labels = labels
    }
}

/// The attention weights of every example at one epoch, head by head.
public struct AttentionSnapshot: Sendable {
    /// The number of updates made before these weights were computed (0: the initial layer).
    public var epoch: Int
    /// `weights[example][head]`, each n × n.
    public var weights: [[Tensor]]
}

/// What `AttentionTraining.train` did.
public struct AttentionTrainingRun: Sendable {
    /// Columns `epoch`, `loss`; row k holds the loss after k updates (rows 0…N, fewer when the
    /// numbers overflowed).
    public var history: Tensor
    public var initial: AttentionLayerWeights
    public var trained: AttentionLayerWeights
    /// The attention weights at each requested epoch that was reached, in epoch order.
    public var snapshots: [AttentionSnapshot]
    /// The layer's output for each example after training.
    public var outputs: [Tensor]
    /// The loss after training (the last row of `history`).
    public var loss: Double
    /// When an update made a number overflow: the number of updates kept (training stopped
    /// there, and `trained`, `outputs` and `loss` are those after that many updates).
    public var stoppedAt: Int?
}

public enum AttentionTraining {
    /// The loss `L = mean over examples of mean((output − target)²)` and its gradients with
    /// respect to the layer's matrices. By the chain rule through `Q = X·W_Q` (and K, V):
    /// `∂L/∂W_Q = Xᵀ·d_Q`, `∂L/∂W_K = Xᵀ·d_K`, `∂L/∂W_V = Xᵀ·d_V`, and `∂L/∂W_O = d_wo`,
    /// each averaged over the examples.
    public static func lossAndGradients(_ layer: AttentionLayerWeights, examples: [AttentionExample],
                                        scale: Double? = nil, mask: AttentionMask = .none, heads: Int = 1)
        throws -> (loss: Double, gradients: AttentionLayerWeights, forwards: [AttentionSteps]) {
        guard !examples.isEmpty else { throw TensorError("training needs at least one example") }
        let count = Double(examples.count)
        var loss = 0.0
        var gq = Tensor.zeros(layer.wq.rows, layer.wq.cols), gk = Tensor.zeros(layer.wk.rows, layer.wk.cols)
        var gv = Tensor.zeros(layer.wv.rows, layer.wv.cols)
        var go = layer.wo.map { Tensor.zeros($0.rows, $0.cols) }
        var forwards: [AttentionSteps] = []
        for example in examples {
            try validate(layer, example)
            let x = example.x.unlabelled
            let q = try LinearAlgebra.matmul(x, layer.wq.unlabelled)
            let k = try LinearAlgebra.matmul(x, layer.wk.unlabelled)
            let v = try LinearAlgebra.matmul(x, layer.wv.unlabelled)
            let (forward, g) = try AttentionGradient.compute(q: q, k: k, v: v, scale: scale, mask: mask, heads: heads,
                                                            wo: layer.wo?.unlabelled, target: example.target.unlabelled,
                                                            queryLabels: example.labels, keyLabels: example.labels)
            forwards.append(forward)
            loss += (g.loss ?? 0) / count
            let xT = LinearAlgebra.transpose(x)
            try accumulate(&gq, LinearAlgebra.matmul(xT, g.dQ), 1 / count)
            try accumulate(&gk, LinearAlgebra.matmul(xT, g.dK), 1 / count)
            try accumulate(&gv, LinearAlgebra.matmul(xT, g.dV), 1 / count)
            if var sum = go, let dWo = g.dWo { accumulate(&sum, dWo, 1 / count); go = sum }
        }
        return (loss, AttentionLayerWeights(wq: gq, wk: gk, wv: gv, wo: go), forwards)
    }

    /// Gradient descent on `lossAndGradients`: `W ← W − lr·∂L/∂W` for W_Q, W_K, W_V (and W_O),
    /// `epochs` times over all the examples at once (full batch).
    ///
    /// - Parameters:
    ///   - learn: the matrices that are updated; the others keep their initial values.
    ///   - recordEpochs: the epochs (0 = before training) at which to keep the attention weights.
    ///   - checkpoint: called before every epoch; what it throws stops the training (the
    ///     lesson's time limit).
    /// - Throws: on shapes that do not fit (naming them), a learning rate that is not a
    ///   positive finite number, or non-finite inputs. An overflow during training is not an
    ///   error: training stops there and `stoppedAt` says when.
    public static func train(examples: [AttentionExample], initial: AttentionLayerWeights, scale: Double? = nil,
                             mask: AttentionMask = .none, heads: Int = 1, lr: Double, epochs: Int,
                             recordEpochs: Set<Int> = [], learn: LearnedMatrices = .all, checkpoint: () throws -> Void = {}) throws -> AttentionTrainingRun {
        guard lr > 0, lr.isFinite else { throw TensorError("the learning rate lr must be a positive number, got \(lr)") }
        guard epochs >= 0 else { throw TensorError("epochs must be 0 or more, got \(epochs)") }
        guard initial.isFinite else { throw TensorError("the initial weights hold a number that is not finite") }
        for e in examples where !e.x.isFinite {
            throw TensorError("the inputs X hold a number that is not finite")
        }
        var layer = initial
        var history: [Double] = []
        var snapshots: [AttentionSnapshot] = []
        var outputs: [Tensor] = []
        var stoppedAt: Int? = nil
        var lastLoss = Double.nan
        // The last layer whose loss was finite: what training returns, even when the update
        // after it overflowed.
        var kept = layer
        for epoch in 0...epochs {
            try checkpoint()
            let step: (loss: Double, gradients: AttentionLayerWeights, forwards: [AttentionSteps])
            do {
                step = try lossAndGradients(layer, examples: examples, scale: scale, mask: mask, heads: heads)
            } catch where epoch > 0 {
                // The shapes were fine at epoch 0, so only an overflow can fail here.
                stoppedAt = epoch - 1
                break
            }
            guard step.loss.isFinite, step.gradients.isFinite else {
                if epoch > 0 { stoppedAt = epoch - 1; break }
                throw TensorError("the loss of the initial weights is not a finite number")
            }
            history += [Double(epoch), step.loss]
            lastLoss = step.loss
            kept = layer
            outputs = step.forwards.map(\.output)
            if recordEpochs.contains(epoch) {
                snapshots.append(AttentionSnapshot(epoch: epoch, weights: step.forwards.map { $0.heads.map(\.weights) }))
            }
            if epoch == epochs { break }
            var next = layer
            let g = step.gradients
            if learn.contains(.wq) { next.wq = descend(layer.wq, g.wq, lr) }
            if learn.contains(.wk) { next.wk = descend(layer.wk, g.wk, lr) }
            if learn.contains(.wv) { next.wv = descend(layer.wv, g.wv, lr) }
            if learn.contains(.wo), let wo = layer.wo, let gwo = g.wo { next.wo = descend(wo, gwo, lr) }
            guard next.isFinite else { stoppedAt = epoch; break }
            layer = next
        }
        let rows = history.count / 2
        return AttentionTrainingRun(history: Tensor(shape: [rows, 2], data: history, colLabels: ["epoch", "loss"]),
                                    initial: initial, trained: kept, snapshots: snapshots, outputs: outputs,
                                    loss: lastLoss, stoppedAt: stoppedAt)
    }

    /// Checks that one example fits the layer, naming the shapes that do not.
    public static func validate(_ layer: AttentionLayerWeights, _ example: AttentionExample) throws {
        let x = example.x
        guard x.isMatrix else { throw TensorError("X must be a matrix with one token per row, got \(x.shapeDescription)") }
        for (name, w) in [("W_Q", layer.wq), ("W_K", layer.wk), ("W_V", layer.wv)] {
            guard w.isMatrix, w.rows == x.cols else {
                throw TensorError("\(name) must have one row per column of X (\(x.cols)): X is \(x.shapeDescription), \(name) is \(w.shapeDescription)")
            }
        }
        guard layer.wq.cols == layer.wk.cols else {
            throw TensorError("W_Q and W_K need the same number of columns (queries meet keys): W_Q is \(layer.wq.shapeDescription), W_K is \(layer.wk.shapeDescription)")
        }
        var width = layer.wv.cols
        if let wo = layer.wo {
            guard wo.isMatrix, wo.rows == layer.wv.cols else {
                throw TensorError("W_O must have one row per column of W_V (\(layer.wv.cols)): W_V is \(layer.wv.shapeDescription), W_O is \(wo.shapeDescription)")
            }
            width = wo.cols
        }
        guard example.target.rows == x.rows, example.target.cols == width, example.target.isMatrix || x.rows == 1 else {
            throw TensorError("the target must be \(x.rows) × \(width) (one row per token of X, one column per output), got \(example.target.shapeDescription)")
        }
    }

    private static func accumulate(_ sum: inout Tensor, _ term: Tensor, _ factor: Double) {
        for i in 0..<sum.count { sum.data[i] += term.data[i] * factor }
    }

    private static func descend(_ w: Tensor, _ g: Tensor, _ lr: Double) -> Tensor {
        var out = w
        for i in 0..<out.count { out.data[i] -= lr * g.data[i] }
        return out
    }
}
