import Foundation
import Testing
@testable import StepmarkCore

/// Expected numbers computed independently with Python 3 + numpy 2.4, a direct transcription
/// of the formulas (float64):
///
///     S = X@W + b; lse = S.max(1) + log(exp(S - S.max(1)).sum(1))
///     loss = mean(lse - S[range(n), y]); acc = mean(S.argmax(1) == y)
///     D = exp(S - lse) - eye(c)[y]; W -= lr * X.T@D / n; b -= lr * D.sum(0) / n
@Suite struct SoftmaxRegressionTests {
    let x = Tensor.matrix([[1.0, 0.2], [0.9, -0.1], [-0.8, 0.3], [-1.0, -0.2], [0.1, 1.0]])
    let labels = [0, 0, 1, 1, 2]

    private func close(_ a: [Double], _ b: [Double], tol: Double = 1e-12) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tol * max(1, abs($0), abs($1)) }
    }

    @Test func threeEpochsMatchNumpy() throws {
        let run = try SoftmaxRegression.train(x: x, labels: labels, classes: 3, classNames: ["a", "b", "c"], lr: 0.5, epochs: 3)
        // Row 0 by hand: W = 0, every class has probability 1/3, so the loss is log 3; all
        // scores tie and argmax takes class 0, right for 2 of the 5 examples.
        #expect(abs(run.loss[0] - log(3.0)) < 1e-15)
        #expect(run.accuracy[0] == 0.4)
        #expect(close(run.loss, [1.0986122886681098, 0.9465024784461405, 0.8266569071381191, 0.7322945240845447]))
        #expect(run.accuracy == [0.4, 0.8, 0.8, 0.8])
        #expect(run.weights.shape == [2, 3] && run.weights.colLabels == ["a", "b", "c"])
        #expect(close(run.weights.data, [0.486720065644097, -0.49626130739818447, 0.009541241754087415,
                                         -0.09333546997174921, -0.08735688721156845, 0.18069235718331772]))
        #expect(close(run.bias.data, [0.0822300219090017, 0.08851067812076929, -0.17074070002977082]))
    }

    /// The time limit is looked at before every epoch (it was every 256: an epoch over a large
    /// table is long).
    @Test func theCheckpointRunsBeforeEveryEpoch() throws {
        struct Stop: Error {}
        var calls = 0
        #expect(throws: Stop.self) {
            _ = try SoftmaxRegression.train(x: x, labels: labels, classes: 3, lr: 0.5, epochs: 2000,
                                            checkpoint: { calls += 1; if calls == 2 { throw Stop() } })
        }
        #expect(calls == 2)
    }

    @Test func lossFallsAndEveryTrainingExampleIsLearned() throws {
        let run = try SoftmaxRegression.train(x: x, labels: labels, classes: 3, lr: 0.5, epochs: 2000)
        #expect(zip(run.loss, run.loss.dropFirst()).allSatisfy { $0 > $1 })
        #expect(run.accuracy.last == 1)
        let scores = try SoftmaxRegression.scores(x, weights: run.weights, bias: run.bias)
        #expect(SoftmaxRegression.predictions(scores) == labels)
    }

    @Test func aHugeStepStaysFinite() throws {
        // Separable data and lr = 1e300: the softmax saturates and the loss is huge but finite.
        let run = try SoftmaxRegression.train(x: x, labels: labels, classes: 3, lr: 1e300, epochs: 5)
        #expect(run.loss.allSatisfy(\.isFinite) && run.weights.isFinite)
    }

    @Test func largeScoresDoNotOverflow() {
        // log-sum-exp: scores of 1000 would overflow exp; the loss of a confident right answer is ~0.
        let s = Tensor.matrix([[1000, 0], [0, 1000]])
        #expect(SoftmaxRegression.crossEntropy(s, labels: [0, 1]) == 0)
        #expect(abs(SoftmaxRegression.crossEntropy(s, labels: [1, 1]) - 500) < 1e-9)
    }

    @Test func badInputsAreErrors() {
        #expect(throws: TensorError.self) { try SoftmaxRegression.train(x: x, labels: [0, 1], classes: 3, lr: 0.1, epochs: 1) }
        #expect(throws: TensorError.self) { try SoftmaxRegression.train(x: x, labels: labels, classes: 1, lr: 0.1, epochs: 1) }
        #expect(throws: TensorError.self) { try SoftmaxRegression.train(x: x, labels: [0, 0, 1, 1, 5], classes: 3, lr: 0.1, epochs: 1) }
        // Weights that overflow are an error, never a NaN history.
        let huge = Tensor.matrix([[1e300, 1e300], [-1e300, 1e300]])
        #expect(throws: TensorError.self) { try SoftmaxRegression.train(x: huge, labels: [0, 1], classes: 2, lr: 1, epochs: 5) }
        #expect(throws: TensorError.self) { try SoftmaxRegression.scores(x, weights: Tensor.zeros(3, 2), bias: Tensor.vector([0, 0])) }
    }
}
