import FoundationEssentials

/// What training a softmax-regression classifier produced, epoch by epoch.
public struct ClassifierTraining: Sendable, Equatable {
    /// `d × c`: one column of weights per class.
    public var weights: Tensor
    /// `c`: one bias per class.
    public var bias: Tensor
    /// Row k: the cross-entropy loss and the training accuracy *before* update k+1 (row 0 is
    /// the untrained classifier, the last row the trained one), as `train`'s history.
    public var loss: [Double]
    public var accuracy: [Double]
}

/// Multinomial logistic regression ("softmax regression"): the smallest classifier that can
/// sit on top of sentence vectors, and the output layer of every larger one.
///
/// For examples `X` (`n × d`, one sentence vector a row) and classes `y_i ∈ {0 … c−1}`:
///
///     scores = X·W + b                       (n × c, one score per class)
///     P      = softmax(scores) row by row    (the predicted probabilities)
///     loss   = −(1/n) Σ_i log P[i, y_i]      (cross-entropy)
///     ∂loss/∂W = Xᵀ·(P − Y) / n,   ∂loss/∂b = Σ_i (P − Y)[i, ·] / n
///
/// where `Y` is one-hot. Training is full-batch gradient descent from `W = 0, b = 0`, where every
/// class has probability 1/c and the loss is `log c`. The loss is convex in (W, b), so a small
/// enough learning rate always lowers it; the log-probabilities are computed as
/// `scores − logsumexp(scores)`, so large scores never overflow.
public enum SoftmaxRegression {
    /// The class scores `X·W + b`, labelled like `X`'s rows and `W`'s columns.
    public static func scores(_ x: Tensor, weights: Tensor, bias: Tensor) throws -> Tensor {
        let x = x.asMatrix()
        guard x.cols == weights.rows else {
            throw TensorError("the examples have \(x.cols) columns but the classifier was trained on vectors of \(weights.rows)")
        }
        let n = x.rows, d = x.cols, c = weights.cols
        var out = [Double](repeating: 0, count: n * c)
        for i in 0..<n {
            for k in 0..<c {
                var s = bias.data[k]
                for j in 0..<d { s += x.data[i * d + j] * weights.data[j * c + k] }
                out[i * c + k] = s
            }
        }
        return Tensor.matrix(rows: n, cols: c, data: out, rowLabels: x.rowLabels, colLabels: weights.colLabels)
    }

    /// The index of the largest entry of each row (ties: the first).
    public static func predictions(_ scores: Tensor) -> [Int] {
        (0..<scores.rows).map { i in
            var best = 0
            for k in 1..<max(scores.cols, 1) where scores[i, k] > scores[i, best] { best = k }
            return best
        }
    }

    /// The mean cross-entropy of `scores` against `labels`, through log-sum-exp.
    public static func crossEntropy(_ scores: Tensor, labels: [Int]) -> Double {
        var total = 0.0
        for i in 0..<scores.rows {
            var top = -Double.infinity
            for k in 0..<scores.cols { top = max(top, scores[i, k]) }
            var sum = 0.0
            for k in 0..<scores.cols { sum += Glibc.exp(scores[i, k] - top) }
            total += top + Glibc.log(sum) - scores[i, labels[i]]
        }
        return total / Double(max(scores.rows, 1))
    }

    /// The fraction of rows whose largest score is the right class.
    public static func accuracy(_ scores: Tensor, labels: [Int]) -> Double {
        let predicted = predictions(scores)
        let right = zip(predicted, labels).filter { $0 == $1 }.count
        return Double(right) / Double(max(labels.count, 1))
    }

    /// Trains `W` (`d × classes`) and `b` by `epochs` full-batch gradient-descent steps of size
    /// `lr`. `checkpoint` runs before every epoch (the lesson's time limit: an epoch over a large
    /// table is long, and reading the clock costs nanoseconds).
    public static func train(x: Tensor, labels: [Int], classes: Int, classNames: [String]? = nil,
                             lr: Double, epochs: Int,
                             checkpoint: () throws -> Void = {}) throws -> ClassifierTraining {
        let x = x.asMatrix()
        let n = x.rows, d = x.cols, c = classes
        guard n > 0, d > 0 else { throw TensorError("a classifier needs at least one example with at least one number") }
        guard labels.count == n else { throw TensorError("\(n) examples but \(labels.count) labels") }
        guard c >= 2 else { throw TensorError("a classifier needs at least two classes, got \(c)") }
        guard labels.allSatisfy({ (0..<c).contains($0) }) else { throw TensorError("a label is not one of the \(c) classes") }
        var weights = Tensor.matrix(rows: d, cols: c, data: [Double](repeating: 0, count: d * c),
                                    rowLabels: x.colLabels, colLabels: classNames)
        var bias = Tensor.vector([Double](repeating: 0, count: c), labels: classNames)
        var lossHistory: [Double] = []
        var accuracyHistory: [Double] = []
        lossHistory.reserveCapacity(epochs + 1)
        accuracyHistory.reserveCapacity(epochs + 1)
        for epoch in 0...epochs {
            try checkpoint()
            let s = try scores(x, weights: weights, bias: bias)
            guard s.isFinite else { throw TensorError("training diverged at epoch \(epoch): the scores overflowed; lower lr") }
            lossHistory.append(crossEntropy(s, labels: labels))
            accuracyHistory.append(accuracy(s, labels: labels))
            if epoch == epochs { break }
            // P − Y, row by row (the gradient of the loss with respect to the scores, times n).
            let p = try Softmax.rows(s).output
            var delta = p.data
            for i in 0..<n { delta[i * c + labels[i]] -= 1 }
            let step = lr / Double(n)
            for j in 0..<d {
                for k in 0..<c {
                    var g = 0.0
                    for i in 0..<n { g += x.data[i * d + j] * delta[i * c + k] }
                    weights.data[j * c + k] -= step * g
                }
            }
            for k in 0..<c {
                var g = 0.0
                for i in 0..<n { g += delta[i * c + k] }
                bias.data[k] -= step * g
            }
            guard weights.isFinite, bias.isFinite else {
                throw TensorError("training diverged at epoch \(epoch + 1): lower lr")
            }
        }
        return ClassifierTraining(weights: weights, bias: bias, loss: lossHistory, accuracy: accuracyHistory)
    }
}
