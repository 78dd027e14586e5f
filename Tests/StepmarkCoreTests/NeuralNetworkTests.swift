import Foundation
import Testing
@testable import StepmarkCore

// Expected numbers in this file were computed independently with Python 3 + numpy 2.4
// (a direct transcription of the formulas in SPEC §3 — ŷ = w·x + b, loss = mean((ŷ − y)²),
// z = a·W + b, a = act(z), the chain rule written out by hand — and of SplitMix64 with Python
// integers masked to 64 bits), then pasted here with the inputs written out.

private func close(_ a: Double, _ b: Double, tol: Double = 1e-12) -> Bool {
    if a == b { return true }
    return abs(a - b) <= tol * max(1, abs(a), abs(b))
}

private func close(_ a: [Double], _ b: [Double], tol: Double = 1e-12) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { close($0, $1, tol: tol) }
}

private func message(_ body: () throws -> Void) -> String? {
    do { try body(); return nil } catch let e as TensorError { return e.message } catch { return "\(error)" }
}

// MARK: - train

@Suite struct NeuralNetworkTrainTests {
    /// The lecture: x = 2, y = 3, w = 0.5, no bias, lr = 0.1.
    /// Step 0 by hand: ŷ = 0.5·2 = 1, loss = (1 − 3)² = 4, grad_w = 2·(1 − 3)·2 = −8,
    /// w₁ = 0.5 − 0.1·(−8) = 1.3. Step 1: ŷ = 2.6, loss = 0.16, grad_w = 2·(−0.4)·2 = −1.6,
    /// w₂ = 1.46. The error w − 1.5 shrinks by 1 − lr·2x² = 0.2 per step. grad_b = 2·(ŷ − y)
    /// is recorded though b is not trained: −4 at step 0 (SPEC §3's formula).
    @Test func lectureExample() throws {
        let run = try LinearRegression.train(xs: [2], ys: [3], w: 0.5, b: 0, bias: false, lr: 0.1, steps: 10)
        let expected: [[Double]] = [  // numpy
            [0.0, 0.5, 0.0, 4.0, -8.0, -4.0],
            [1.0, 1.3, 0.0, 0.15999999999999992, -1.5999999999999996, -0.7999999999999998],
            [2.0, 1.46, 0.0, 0.006400000000000012, -0.3200000000000003, -0.16000000000000014],
            [3.0, 1.492, 0.0, 0.0002560000000000005, -0.06400000000000006, -0.03200000000000003],
            [4.0, 1.4984, 0.0, 1.0240000000000586e-05, -0.012800000000000367, -0.006400000000000183],
            [5.0, 1.49968, 0.0, 4.0960000000025084e-07, -0.002560000000000784, -0.001280000000000392],
            [6.0, 1.499936, 0.0, 1.6384000000032773e-08, -0.000512000000000512, -0.000256000000000256],
            [7.0, 1.4999872, 0.0, 6.553599999922159e-10, -0.00010239999999939187, -5.119999999969593e-05],
            [8.0, 1.49999744, 0.0, 2.6214399999688637e-11, -2.0479999999878373e-05, -1.0239999999939187e-05],
            [9.0, 1.499999488, 0.0, 1.0485759998056466e-12, -4.095999999620403e-06, -2.0479999998102016e-06],
            [10.0, 1.4999998976, 0.0, 4.1943040028605647e-14, -8.19200000279352e-07, -4.09600000139676e-07],
        ]
        #expect(run.history.shape == [11, 6])
        #expect(run.history.colLabels == ["step", "w", "b", "loss", "grad_w", "grad_b"])
        #expect(close(run.history.data, expected.flatMap { $0 }, tol: 1e-9))
        // Row 0 exactly as computed by hand.
        #expect(Array(run.history.data[0..<6]) == [0, 0.5, 0, 4, -8, -4])
        #expect(close(run.w, 1.4999998976))
        #expect(run.b == 0)
        #expect(close(run.loss, 4.1943040028605647e-14, tol: 1e-6))
        #expect(!run.diverged && run.divergedAt == nil && run.stoppedAt == nil)

        let long = try LinearRegression.train(xs: [2], ys: [3], w: 0.5, lr: 0.1, steps: 100)
        #expect(abs(long.w - 1.5) < 1e-12)
        #expect(!long.diverged)
    }

    /// Four points with a trained bias, lr = 0.05. Row 0 by hand: ŷ = 0, residuals −3, −5, −7,
    /// −9.5, loss = (9 + 25 + 49 + 90.25)/4 = 43.3125, grad_w = 2·(−3 − 10 − 21 − 38)/4 = −36,
    /// grad_b = 2·(−24.5)/4 = −12.25, so w₁ = 1.8, b₁ = 0.6125.
    @Test func severalPointsWithBias() throws {
        let run = try LinearRegression.train(xs: [1, 2, 3, 4], ys: [3, 5, 7, 9.5], w: 0, b: 0, bias: true, lr: 0.05, steps: 3)
        let expected: [[Double]] = [  // numpy
            [0.0, 0.0, 0.0, 43.3125, -36.0, -12.25],
            [1.0, 1.8, 0.6125, 1.1970312499999998, -5.937499999999999, -2.0249999999999995],
            [2.0, 2.096875, 0.71375, 0.050859960937500316, -0.9781250000000039, -0.3381250000000011],
            [3.0, 2.14578125, 0.73065625, 0.0196656967773436, -0.15999999999999592, -0.05978124999999879],
        ]
        #expect(close(run.history.data, expected.flatMap { $0 }, tol: 1e-12))
        #expect(close(run.w, 2.14578125) && close(run.b, 0.73065625) && close(run.loss, 0.0196656967773436))

        // Converges to the least-squares line (numpy after 2000 steps: w = 2.15, b = 0.75,
        // loss = 0.01875).
        let long = try LinearRegression.train(xs: [1, 2, 3, 4], ys: [3, 5, 7, 9.5], w: 0, b: 0, bias: true, lr: 0.05, steps: 2000)
        #expect(close(long.w, 2.15, tol: 1e-12) && close(long.b, 0.75, tol: 1e-12))
        #expect(close(long.loss, 0.01875, tol: 1e-10))
        #expect(!long.diverged)
    }

    /// Without a bias, b is a fixed offset: it never moves, but its gradient column still holds
    /// the loss's slope along b, 2·(ŷ − y) (SPEC §3's formula has no condition).
    /// x = 1, y = 3, w = 1, b = 1: ŷ = 2, loss = 1, grad_w = 2·(−1)·1 = −2, grad_b = −2,
    /// w₁ = 1.2; then ŷ = 2.2, grad_b = −1.6; ŷ = 2.36, grad_b = −1.28 (numpy).
    @Test func fixedOffsetWithoutBias() throws {
        let run = try LinearRegression.train(xs: [1], ys: [3], w: 1, b: 1, bias: false, lr: 0.1, steps: 2)
        #expect(Array(run.history.data[0..<6]) == [0, 1, 1, 1, -2, -2])
        #expect(close(run.history[1, 1], 1.2))
        for (k, gradB) in [-2.0, -1.5999999999999996, -1.2800000000000002].enumerated() {
            #expect(run.history[k, 2] == 1)
            #expect(close(run.history[k, 5], gradB, tol: 1e-15))
        }
    }

    @Test func zeroStepsEvaluatesOnly() throws {
        let run = try LinearRegression.train(xs: [2], ys: [3], w: 0.5, lr: 0.1, steps: 0)
        #expect(run.history.shape == [1, 6])
        #expect(run.w == 0.5 && run.loss == 4)
    }

    /// lr = 1 on x = 2: the error is multiplied by 1 − 1·2·4 = −7 each step, so the loss grows
    /// 49-fold: 4, 196, 9604, 470596 … (numpy). The third growth in a row is at step 3.
    @Test func growingLossIsFlaggedButRecorded() throws {
        let run = try LinearRegression.train(xs: [2], ys: [3], w: 0.5, lr: 1, steps: 5)
        let expected: [[Double]] = [
            [0.0, 0.5, 0.0, 4.0, -8.0, -4.0],
            [1.0, 8.5, 0.0, 196.0, 56.0, 28.0],
            [2.0, -47.5, 0.0, 9604.0, -392.0, -196.0],
            [3.0, 344.5, 0.0, 470596.0, 2744.0, 1372.0],
            [4.0, -2399.5, 0.0, 23059204.0, -19208.0, -9604.0],
            [5.0, 16808.5, 0.0, 1129900996.0, 134456.0, 67228.0],
        ]
        #expect(run.history.data == expected.flatMap { $0 })
        #expect(run.diverged)
        #expect(run.divergedAt == 3)
        #expect(run.stoppedAt == nil)
    }

    /// Runaway divergence overflows the loss; training stops there and nothing is NaN.
    @Test func overflowStopsWithoutNaN() throws {
        let run = try LinearRegression.train(xs: [2], ys: [3], w: 0.5, b: 0, bias: true, lr: 10, steps: 1000)
        #expect(run.diverged)
        let stop = try #require(run.stoppedAt)
        #expect(stop < 1000)
        #expect(run.history.shape == [stop + 1, 6])
        #expect(!run.history.data.contains { $0.isNaN })
        #expect(run.w.isFinite && run.b.isFinite)
        #expect(run.loss == .infinity || run.history.row(stop).isFinite)
        // All rows before the last are finite.
        #expect(run.history.data[0..<(stop * 6)].allSatisfy { $0.isFinite })

        // Huge steps: the update itself overflows, so the last row is still finite.
        let jump = try LinearRegression.train(xs: [1e300], ys: [0], w: 1e-10, lr: 1e300, steps: 5)
        #expect(jump.diverged && jump.stoppedAt != nil)
        #expect(!jump.history.data.contains { $0.isNaN })
        #expect(jump.w.isFinite)
    }

    /// Gradient terms of ±∞ that a naive sum would turn into NaN. w = 0, b = 0, bias:
    /// xs = [1e200, −1e200], ys = [−1e200, −1e200] → residuals 1e200 and 1e200; the terms
    /// 2·r·x are +2e400 and −2e400, so grad_w = 0 exactly, grad_b = 2e200, loss = 1e400 = +∞.
    /// With ys = [−1e200, −2e200] the terms are +2e400 and −4e400: grad_w = −1e400 = −∞.
    @Test func overflowingGradientsKeepTheirSign() throws {
        let a = try LinearRegression.train(xs: [1e200, -1e200], ys: [-1e200, -1e200], w: 0, b: 0, bias: true, lr: 0.1, steps: 3)
        #expect(a.history.shape == [1, 6])
        #expect(Array(a.history.data) == [0, 0, 0, .infinity, 0, 2e200])
        #expect(a.stoppedAt == 0 && a.divergedAt == 0)

        let b = try LinearRegression.train(xs: [1e200, -1e200], ys: [-1e200, -2e200], w: 0, b: 0, bias: true, lr: 0.1, steps: 3)
        #expect(b.history[0, 4] == -.infinity)
        #expect(close(b.history[0, 5], 3e200))

        // x = 0 with an overflowing residual: b − y = 1e308 + 1e308 = +∞ in doubles, and
        // (b − y)·x = ∞·0 would be NaN; the true term is 0.
        let c = try LinearRegression.train(xs: [0], ys: [-1e308], w: 1, b: 1e308, bias: true, lr: 0.1, steps: 1)
        #expect(c.history[0, 3] == .infinity)
        #expect(c.history[0, 4] == 0)
        #expect(c.history[0, 5] == .infinity)
    }

    @Test func extendedRangeArithmetic() {
        let big = Wide(1e300)
        #expect((big * big + Wide(-1e300) * big).double == 0)
        #expect((big * big / 1e300).double == 1e300)
        #expect((big * big).double == .infinity)
        #expect((Wide(-1e300) * big).double == -.infinity)
        #expect((Wide(3) + Wide(0.25)).double == 3.25)
        #expect((Wide(1e-300) * Wide(1e-300) / 1e-300).double == 1e-300)
    }

    @Test func invalidArguments() {
        #expect(message { _ = try LinearRegression.train(xs: [1], ys: [1], lr: 0) }?.contains("learning rate") == true)
        #expect(message { _ = try LinearRegression.train(xs: [1], ys: [1], lr: -0.1) }?.contains("-0.1") == true)
        #expect(message { _ = try LinearRegression.train(xs: [1], ys: [1], lr: .infinity) } != nil)
        #expect(message { _ = try LinearRegression.train(xs: [1], ys: [1], lr: .nan) } != nil)
        #expect(message { _ = try LinearRegression.train(xs: [1], ys: [1], steps: -1) } == "steps must be 0 or more, got -1")
        #expect(message { _ = try LinearRegression.train(xs: [], ys: []) }?.contains("at least one") == true)
        #expect(message { _ = try LinearRegression.train(xs: [1, 2], ys: [1]) } == "train needs as many y values as x values, got 2 x and 1 y")
        #expect(message { _ = try LinearRegression.train(xs: [1, .nan], ys: [1, 2]) }?.contains("x value 2") == true)
        #expect(message { _ = try LinearRegression.train(xs: [1], ys: [.infinity]) }?.contains("y value 1") == true)
        #expect(message { _ = try LinearRegression.train(xs: [1], ys: [1], w: .nan) }?.contains("initial w") == true)
    }
}

// MARK: - network, forward, backprop

/// The fixed 2-3-1 network used below (sigmoid hidden, linear output unless stated).
private let W1 = Tensor.matrix([[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]])
private let b1 = Tensor.vector([0.01, -0.02, 0.03])
private let W2 = Tensor.matrix([[0.7], [-0.8], [0.9]])
private let b2 = Tensor.vector([0.05])
private let xorInputs = Tensor.matrix([[0, 0], [0, 1], [1, 0], [1, 1]])
private let xorTargets = Tensor.vector([0, 1, 1, 0])

@Suite struct NeuralNetworkTests {
    /// SplitMix64(0) → uniforms u → (2u − 1)·√(6/5) for W1 (2×3, row-major), then
    /// (2u − 1)·√(6/4) for W2 (3×1) continuing the same stream (Python reference).
    @Test func xavierInitSeed0() throws {
        let net = try Network(layers: [2, 3, 1], seed: 0)
        #expect(net.weights[0].shape == [2, 3])
        #expect(net.weights[0].data == [0.8397919047765942, -0.1500146422963656, -1.037531623085512,
                                        1.0316507254300267, -0.8624511874607055, -0.37831029615079287])
        #expect(net.weights[1].shape == [3, 1])
        #expect(net.weights[1].data == [-0.7988573171237454, 0.6651505044222678, -0.6229323112925061])
        #expect(net.biases.map(\.data) == [[0, 0, 0], [0]])
        #expect(net.biases.map(\.shape) == [[3], [1]])
        #expect(net.hidden == .sigmoid && net.output == .linear)
        #expect(net.namedValues.map(\.name) == ["W1", "b1", "W2", "b2"])

        let seven = try Network(layers: [3, 2], seed: 7)
        #expect(seven.weights[0].data == [-0.24137092788848166, -1.0586638045498855, 0.8780226597180528,
                                          0.1816911687679671, -0.10419458757767097, -0.5489680297818881])
    }

    @Test func invalidLayers() {
        #expect(message { _ = try Network(layers: [2]) }?.contains("at least two layers") == true)
        #expect(message { _ = try Network(layers: [2, 0, 1]) } == "layer 1 of layers=2,0,1 has 0 units; every layer needs at least 1")
        #expect(message { _ = try Network(layers: [2, 1], hidden: .linear) }?.contains("hidden activation") == true)
        #expect(message { _ = try Network(layers: [2, 1], output: .relu) } == "the output activation must be linear or sigmoid, got relu")
    }

    @Test func explicitWeights() throws {
        let net = try Network(weights: [W1, W2], biases: [b1, Tensor.matrix([[0.05]])], layers: [2, 3, 1])
        #expect(net.layers == [2, 3, 1])
        #expect(net.biases[1].shape == [1] && net.biases[1].data == [0.05])
        let zeros = try Network(weights: [W1, W2])
        #expect(zeros.biases.map(\.data) == [[0, 0, 0], [0]])
        let partly = try Network(weights: [W1, W2], biases: [nil, b2])
        #expect(partly.biases[0].data == [0, 0, 0] && partly.biases[1].data == [0.05])
    }

    /// A `network` block with some `Wn = ..` lines: random layers, then the given ones.
    @Test func replacingLayers() throws {
        let random = try Network(layers: [2, 3, 1], seed: 0)
        let net = try random.replacing(weights: [1: W1], biases: [2: Tensor.vector([0.5])])
        #expect(net.weights[0] == W1 && net.weights[1] == random.weights[1])
        #expect(net.biases[0] == random.biases[0] && net.biases[1].data == [0.5])
        #expect(message { _ = try random.replacing(weights: [3: W2]) } == "W3 does not exist: layers=2,3,1 has W1 … W2")
        #expect(message { _ = try random.replacing(weights: [1: Tensor.matrix([[1, 2], [3, 4]])]) }
                == "W1 has shape [2, 2] but layers=2,3,1 needs [2, 3]")
        #expect(message { _ = try random.replacing(weights: [2: Tensor.matrix([[1, 2], [3, 4], [5, 6]])]) }
                == "W2 has shape [3, 2] but layers=2,3,1 needs [3, 1]")
        // A replaced layer whose bias no longer fits names the bias.
        #expect(message { _ = try Network(weights: [W1, Tensor.matrix([[1, 2], [3, 4], [5, 6]])], biases: [nil, b2]) }
                == "b2 has shape [1] but W2 has shape [3, 2]: b2 needs 2 entries, one per output of layer 2")
    }

    @Test func explicitWeightErrorsNameLayerAndShapes() {
        let bad = Tensor.matrix([[1], [2], [3], [4]])
        #expect(message { _ = try Network(weights: [W1, bad]) }
                == "W2 has shape [4, 1] but W1 has shape [2, 3]: W2 needs 3 rows, one per output of layer 1")
        #expect(message { _ = try Network(weights: [W1, W2], biases: [Tensor.vector([1, 2]), b2]) }
                == "b1 has shape [2] but W1 has shape [2, 3]: b1 needs 3 entries, one per output of layer 1")
        #expect(message { _ = try Network(weights: [W1, Tensor.vector([0.7, -0.8, 0.9])]) }?.contains("W2 must be a matrix") == true)
        #expect(message { _ = try Network(weights: [W1, W2], biases: [b1]) }?.contains("2 weight matrices but 1 biases") == true)
        #expect(message { _ = try Network(weights: [W1, W2], layers: [2, 4, 1]) }
                == "W1 has shape [2, 3] but layers=2,4,1 needs [2, 4]")
        #expect(message { _ = try Network(weights: [W1, W2], layers: [2, 3]) } == "layers=2,3 needs 1 weight matrix, got 2")
        #expect(message { _ = try Network(weights: []) } != nil)
        #expect(message { _ = try Network(weights: [Tensor.matrix([[Double.nan]])]) }?.contains("W1") == true)
    }

    /// z1 = x·W1 + b1, a1 = sigmoid(z1), z2 = a1·W2 + b2, a2 = z2 (linear output).
    /// By hand, example 2 (x = [0, 1]): z1 = row 2 of W1 + b1 = [0.41, 0.48, −0.57].
    @Test func forwardValues() throws {
        let net = try Network(weights: [W1, W2], biases: [b1, b2])
        let f = try net.forward(xorInputs)
        #expect(f.namedValues.map(\.name) == ["z1", "a1", "z2", "a2"])
        #expect(f.z[0].shape == [4, 3] && f.a[1].shape == [4, 1])
        #expect(close(f.z[0].data, [0.01, -0.02, 0.03, 0.41000000000000003, 0.48, -0.57,
                                    0.11, -0.22, 0.32999999999999996, 0.51, 0.27999999999999997, -0.27]))
        #expect(close(f.a[0].data, [0.5024999791668749, 0.4950001666600003, 0.5074994375506203,
                                    0.6010878788483698, 0.617747874769249, 0.36123682485115804,
                                    0.5274723043445937, 0.4452207648927852, 0.5817593768418363,
                                    0.6248064744684293, 0.569546223939229, 0.4329070950345457]))
        let out = [0.46249934588437047, 0.30167635774450186, 0.58663744028464, 0.4213439385076084]
        #expect(close(f.z[1].data, out))
        #expect(f.a[1] == f.z[1])
        #expect(f.output == f.a[1])

        // A vector is one example.
        let one = try net.forward(Tensor.vector([0, 1]))
        #expect(one.output.shape == [1, 1] && close(one.output.data[0], out[1]))
        // Row labels travel with the examples.
        let labelled = try net.forward(xorInputs.labelled(rows: ["00", "01", "10", "11"]))
        #expect(labelled.a[0].rowLabels == ["00", "01", "10", "11"])
    }

    @Test func forwardErrors() throws {
        let net = try Network(weights: [W1, W2])
        #expect(message { _ = try net.forward(Tensor.matrix([[1, 2, 3]])) }
                == "the network takes 2 inputs per example (W1 has shape [2, 3]), but the inputs have shape [1, 3] (3 per example)")
        #expect(message { _ = try net.forward(.scalar(1)) } != nil)
        #expect(message { _ = try net.forward(Tensor.zeros(0, 2)) }?.contains("at least one") == true)
        #expect(message { _ = try net.forward(Tensor.matrix([[1, .infinity]])) }?.contains("example 1") == true)
    }

    /// One epoch of mse on the XOR data with the fixed net (numpy values). By hand for the
    /// output layer: δ2 = 2(a2 − y)/4 (linear output), db2 = Σ δ2 = (a2 − y) summed / 2
    /// = (0.4625 − 0.6983 − 0.4134 + 0.4213)/2 ≈ −0.11392.
    @Test func backpropMSEFirstEpoch() throws {
        let net = try Network(weights: [W1, W2], biases: [b1, b2])
        let r = try net.backprop(inputs: xorInputs, targets: xorTargets, lr: 0.5, epochs: 3, loss: .mse)
        #expect(close(r.loss, 0.26249021864199834))
        #expect(close(r.dW[1].data, [-0.07106342317334746, -0.07325671923468594, -0.03780841103151775]))
        #expect(close(r.db[1].data, [-0.11392145878943963]))
        #expect(close(r.dW[0].data, [-0.001489533088806276, -0.00047913751439566943, 0.0012878299299151144,
                                     -0.024035219031294824, 0.02464035165671788, -0.025962846042214563]))
        #expect(close(r.db[0].data, [-0.019627570309144804, 0.019235136230673223, -0.019203240141627623]))
        #expect(r.dW.map(\.shape) == [[2, 3], [3, 1]] && r.db.map(\.shape) == [[3], [1]])
        #expect(r.forward == (try net.forward(xorInputs)))

        // History: loss after 0, 1, 2, 3 updates; then the updated weights (numpy).
        #expect(r.history.shape == [4, 2] && r.history.colLabels == ["epoch", "loss"])
        #expect(close(r.history.data, [0, 0.26249021864199834, 1, 0.2617482660839566,
                                       2, 0.2610853188184996, 3, 0.26044350815419715]))
        #expect(close(r.network.weights[0].data, [0.09258868554505542, -0.1888371650369899, 0.2855707707467821,
                                                  0.4256719091293457, 0.4753246741595185, -0.5746720856310086]))
        #expect(close(r.network.biases[0].data, [0.019486741038379232, -0.027030562692514734, 0.03356670655770991]))
        #expect(close(r.network.weights[1].data, [0.741400840219616, -0.7520452104479356, 0.9036596396077377]))
        #expect(close(r.network.biases[1].data, [0.10607408492999332]))
        #expect(r.stoppedAt == nil)
        #expect(r.namedValues.map(\.name) == ["z1", "a1", "z2", "a2", "loss", "dW2", "db2", "dW1", "db1",
                                              "history", "W1", "b1", "W2", "b2"])
        // The original network is a value: unchanged.
        #expect(net.weights[0] == W1)
        // Targets as an examples × 1 matrix give the same result.
        let m = try net.backprop(inputs: xorInputs, targets: Tensor.matrix([[0], [1], [1], [0]]), lr: 0.5, epochs: 3)
        #expect(m == r)
    }

    /// bce with a tanh hidden layer and a sigmoid output (numpy values).
    @Test func backpropBCEFirstEpoch() throws {
        let net = try Network(weights: [W1, W2], biases: [b1, b2], hidden: .tanh, output: .sigmoid)
        let r = try net.backprop(inputs: xorInputs, targets: xorTargets, lr: 0.1, epochs: 1, loss: .bce)
        #expect(close(r.loss, 0.7039025612525217))
        #expect(close(r.dW[1].data, [-0.012410289003441564, -0.019883622985017224, 0.023947260963883055]))
        #expect(close(r.db[1].data, [0.006552656004340823]))
        #expect(close(r.dW[0].data, [0.003767105842497162, -0.020875042772448588, 0.028412068443469066,
                                     -0.026887671276069974, 0.010651379158432311, -0.002139809076329671]))
        #expect(close(r.db[0].data, [0.0031760910016268157, -0.026168875676141498, 0.043612912469526255]))
        #expect(r.history.shape == [2, 2])
        #expect(r.history[1, 1] < r.history[0, 1])
    }

    /// Every dW and db entry against the central difference (L(θ + h) − L(θ − h)) / 2h,
    /// to a relative error of 1e-6, for each activation and loss.
    struct GradientCase: Sendable, CustomStringConvertible {
        var hidden: Network.Activation, output: Network.Activation, loss: Network.Loss, seed: UInt64
        var description: String { "\(hidden.rawValue)/\(output.rawValue)/\(loss.rawValue)" }
    }

    @Test(arguments: [
        GradientCase(hidden: .sigmoid, output: .linear, loss: .mse, seed: 1),
        GradientCase(hidden: .tanh, output: .sigmoid, loss: .bce, seed: 2),
        GradientCase(hidden: .relu, output: .linear, loss: .mse, seed: 3),
        GradientCase(hidden: .sigmoid, output: .sigmoid, loss: .mse, seed: 4),
        GradientCase(hidden: .tanh, output: .linear, loss: .mse, seed: 5),
    ])
    func gradientsMatchFiniteDifferences(_ c: GradientCase) throws {
        let (hidden, output, loss, seed) = (c.hidden, c.output, c.loss, c.seed)
        // 5 examples, 3 inputs, two hidden layers, 2 outputs; inputs in [−1, 1).
        let base = try Network(layers: [3, 4, 3, 2], hidden: hidden, output: output, seed: seed)
        var g = SplitMix64(seed: seed + 100)
        // Non-zero biases so that every path is exercised.
        let biases = base.biases.map { b in Tensor.vector(b.data.map { _ in 0.3 * (2 * g.uniform() - 1) }) }
        let net = try Network(weights: base.weights, biases: biases, hidden: hidden, output: output)
        let x = SplitMix64.randomMatrix(rows: 5, cols: 3, seed: seed + 200)
        let y = Tensor(shape: [5, 2], data: (0..<10).map { _ in g.uniform() })
        let r = try net.backprop(inputs: x, targets: y, lr: 0.1, epochs: 1, loss: loss)
        #expect(close(r.loss, try net.loss(inputs: x, targets: y, loss: loss)))
        if hidden == .relu {  // keep away from the kink, where the derivative is one-sided
            #expect(r.forward.z.dropLast().allSatisfy { $0.data.allSatisfy { abs($0) > 1e-4 } })
        }
        let h = 1e-5
        func check(_ analytic: Double, _ perturb: (Double) throws -> Network) throws {
            let plus = try perturb(h).loss(inputs: x, targets: y, loss: loss)
            let minus = try perturb(-h).loss(inputs: x, targets: y, loss: loss)
            let numeric = (plus - minus) / (2 * h)
            let scale = max(abs(analytic), abs(numeric), 1e-6)
            #expect(abs(analytic - numeric) <= 1e-6 * scale, "analytic \(analytic) numeric \(numeric)")
        }
        for n in 0..<net.depth {
            for i in 0..<net.weights[n].count {
                try check(r.dW[n].data[i]) { d in
                    var ws = net.weights
                    ws[n].data[i] += d
                    return try Network(weights: ws, biases: net.biases, hidden: hidden, output: output)
                }
            }
            for j in 0..<net.biases[n].count {
                try check(r.db[n].data[j]) { d in
                    var bs = net.biases
                    bs[n].data[j] += d
                    return try Network(weights: net.weights, biases: bs, hidden: hidden, output: output)
                }
            }
        }
    }

    /// XOR with layers 2-3-1, sigmoid hidden and output, seed 0, lr 2, 2000 epochs of
    /// full-batch mse. numpy: loss 0.2693317724816355 before training, 0.0006900120626490793
    /// after, outputs ≈ [0.0264, 0.9739, 0.9739, 0.0266].
    @Test func learnsXOR() throws {
        let net = try Network(layers: [2, 3, 1], hidden: .sigmoid, output: .sigmoid, seed: 0)
        let r = try net.backprop(inputs: xorInputs, targets: xorTargets, lr: 2, epochs: 2000, loss: .mse)
        #expect(r.history.shape == [2001, 2])
        #expect(close(r.history[0, 1], 0.2693317724816355))
        #expect(close(r.history[1, 1], 0.2582766146451659))
        let final = r.history[2000, 1]
        #expect(final < 0.05)
        #expect(close(final, 0.0006900120626490793, tol: 1e-8))
        let out = try r.network.forward(xorInputs).output.data
        #expect(close(out, [0.026364729578394877, 0.9739411995458093, 0.9739241275628464, 0.026569476479305916], tol: 1e-7))
        #expect(close(try r.network.loss(inputs: xorInputs, targets: xorTargets), final))
    }

    @Test func backpropErrors() throws {
        let net = try Network(weights: [W1, W2])
        #expect(message { _ = try net.backprop(inputs: xorInputs, targets: xorTargets, lr: 0) }?.contains("learning rate") == true)
        #expect(message { _ = try net.backprop(inputs: xorInputs, targets: xorTargets, epochs: 0) } == "epochs must be at least 1, got 0")
        #expect(message { _ = try net.backprop(inputs: Tensor.matrix([[1, 2, 3]]), targets: .scalar(1)) }?.contains("2 inputs per example") == true)
        #expect(message { _ = try net.backprop(inputs: xorInputs, targets: Tensor.vector([0, 1, 1])) }
                == "the targets have shape [3] but the network gives 4 examples × 1 output: the targets need shape [4, 1]")
        #expect(message { _ = try net.backprop(inputs: xorInputs, targets: Tensor.matrix([[0, 1], [1, 0], [1, 1], [0, 0]])) }?.contains("[4, 1]") == true)
        #expect(message { _ = try net.backprop(inputs: xorInputs, targets: xorTargets, loss: .bce) }
                == "loss=bce needs a sigmoid output layer (output=sigmoid), this network's output is linear")
        let sig = try Network(weights: [W1, W2], output: .sigmoid)
        #expect(message { _ = try sig.backprop(inputs: xorInputs, targets: Tensor.vector([0, 1, 2, 0]), loss: .bce) }
                == "loss=bce needs targets between 0 and 1, example 3 has 2.0")
        #expect(message { _ = try sig.backprop(inputs: xorInputs, targets: Tensor.vector([0, 1, .nan, 0])) }?.contains("example 3") == true)
    }

    /// A linear output with a huge learning rate blows up; training stops before any NaN.
    @Test func divergingBackpropStopsCleanly() throws {
        let net = try Network(layers: [2, 3, 1], hidden: .relu, output: .linear, seed: 1)
        let r = try net.backprop(inputs: Tensor.matrix([[1, 2], [3, 4], [-5, 6]]), targets: Tensor.vector([100, -200, 300]),
                                 lr: 50, epochs: 500)
        let stop = try #require(r.stoppedAt)
        #expect(r.history.rows == stop + 1)
        #expect(!r.history.data.contains { $0.isNaN })
        #expect(r.network.weights.allSatisfy { $0.isFinite } && r.network.biases.allSatisfy { $0.isFinite })
    }

    /// Weights so large that the very first forward pass is undefined (∞ − ∞): an error,
    /// never a table of NaN. x = 1e10, W1 = [[1e300, 1e300]] → z1 = +∞ in both units (relu
    /// keeps ∞), and z2 = ∞·1e300 + ∞·(−1e300) is undefined.
    @Test func overflowInTheFirstEpochIsAnError() throws {
        let net = try Network(weights: [Tensor.matrix([[1e300, 1e300]]), Tensor.matrix([[1e300], [-1e300]])], hidden: .relu)
        #expect(message { _ = try net.backprop(inputs: Tensor.matrix([[1e10]]), targets: .scalar(1)) }?.contains("overflow") == true)
    }

    /// bce clamps the output inside the logarithms: a saturated wrong answer costs
    /// −log(1e-12) ≈ 27.63, not ∞.
    @Test func bceClamp() {
        let l = Network.loss(Tensor.matrix([[0], [1]]), Tensor.matrix([[1], [1]]), .bce)
        #expect(close(l, -log(1e-12) / 2, tol: 1e-6))
        #expect(Network.loss(Tensor.matrix([[0.5]]), Tensor.matrix([[1]]), .mse) == 0.25)
    }
}
