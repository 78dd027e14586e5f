import Foundation
import Testing
@testable import StepmarkCore

@Suite struct AlignmentTests {
    // MARK: Fixture: 3 pairs, d_t = 4, d_i = 5, d = 3, τ = 0.5

    static let text = Tensor.matrix([[1.0, 0.5, -0.2, 0.0],
                                     [0.1, 1.2, 0.3, -0.4],
                                     [-0.3, 0.2, 0.9, 0.6]], rowLabels: ["cat", "dog", "car"])
    static let image = Tensor.matrix([[0.8, 0.1, 0.0, -0.5, 0.3],
                                      [0.2, 0.9, -0.1, 0.4, 0.0],
                                      [0.0, -0.2, 1.1, 0.3, 0.5]], rowLabels: ["img_cat", "img_dog", "img_car"])
    static let wt = Tensor.matrix([[0.5, -0.1, 0.2],
                                   [0.3, 0.8, -0.4],
                                   [-0.2, 0.1, 0.9],
                                   [0.4, -0.3, 0.1]])
    static let wi = Tensor.matrix([[0.6, 0.0, -0.3],
                                   [0.1, 0.7, 0.2],
                                   [-0.1, 0.2, 0.8],
                                   [0.3, -0.5, 0.1],
                                   [0.2, 0.1, 0.4]])

    private func close(_ a: [Double], _ b: [Double], tol: Double = 1e-12) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tol * max(1, abs($1)) }
    }

    private func message(_ body: () throws -> Void) -> String {
        do { try body(); return "no error" } catch let e as TensorError { return e.message } catch { return "\(error)" }
    }

    /// Expected values computed independently with numpy (float64):
    ///   A = T@Wt; B = I@Wi; U = A/‖A‖ (rows); V = B/‖B‖; S = U@V.T/τ;
    ///   P = softmax(S, axis=1); Q = softmax(S, axis=0) via log-sum-exp;
    ///   loss = (mean(−diag log P) + mean(−diag log Q)) / 2.
    @Test func forwardMatchesNumpy() throws {
        let f = try Alignment.forward(text: Self.text, image: Self.image, wt: Self.wt, wi: Self.wi, temperature: 0.5)
        #expect(close(f.textProjected.data, [0.6900000000000001, 0.28, -0.18000000000000002, 0.18999999999999995, 1.1, -0.23000000000000004, -0.030000000000000013, 0.10000000000000003, 0.7300000000000001]))
        #expect(close(f.imageProjected.data, [0.39999999999999997, 0.35000000000000003, -0.15000000000000002, 0.34, 0.41, 0.08000000000000002, 0.05999999999999997, -0.01999999999999995, 1.07]))
        #expect(close(f.textProj.data, [0.900672776313063, 0.36549040198211247, -0.23495811555992946, 0.16670515337002378, 0.9651350984580328, -0.20180097513213416, -0.04068193982623014, 0.1356064660874338, 0.9899272024382664]))
        #expect(close(f.imageProj.data, [0.7242859683401482, 0.6337502222976298, -0.27160723812755566, 0.631255322058377, 0.7612196530703956, 0.14853066401373577, 0.055977066539915535, -0.018659022179971806, 0.9982576866284943]))
        #expect(close(f.logits.data, [1.8955812045924358, 1.6237489511171317, -0.3819028369604598, 1.5744147842760203, 1.6198793745173523, -0.42025237268167126, -0.4247922471093696, 0.4491603214912557, 1.9667897986510845]))
        #expect(close(f.probs.data, [0.5363299320202903, 0.40867379191851644, 0.05499627606119328, 0.45817484911490164, 0.4794863698327985, 0.06233878105229979, 0.06979761452493503, 0.1672604873915054, 0.7629418980835596]))
        #expect(close(f.columnProbs.data, [0.5483840846582809, 0.43382368004895006, 0.08042304633650679, 0.3977443672324014, 0.43214820985897723, 0.07739724962201734, 0.053871548109317664, 0.1340281100920727, 0.842179704041476]))
        #expect(close(f.rowLosses.data, [0.6230057624673631, 0.7350398108545342, 0.27057339989789353]))
        #expect(close(f.columnLosses.data, [0.6007793531259733, 0.8389866711986942, 0.17176186228432802]))
        #expect(close([f.loss], [0.540024476638131]))
        #expect(close([f.rowLoss, f.columnLoss], [f.rowLosses.data.reduce(0, +) / 3, f.columnLosses.data.reduce(0, +) / 3]))

        // Shapes and labels: logits rows are texts, columns images.
        #expect(f.textProj.shape == [3, 3] && f.imageProj.shape == [3, 3] && f.logits.shape == [3, 3])
        #expect(f.textProj.rowLabels == ["cat", "dog", "car"])
        #expect(f.imageProj.rowLabels == ["img_cat", "img_dog", "img_car"])
        #expect(f.logits.rowLabels == ["cat", "dog", "car"])
        #expect(f.logits.colLabels == ["img_cat", "img_dog", "img_car"])
        #expect(f.probs.rowLabels == f.logits.rowLabels && f.probs.colLabels == f.logits.colLabels)
        for i in 0..<3 {
            #expect(abs(f.probs.row(i).data.reduce(0, +) - 1) < 1e-12)
            var norm = 0.0
            for k in 0..<3 { norm += f.textProj[i, k] * f.textProj[i, k] }
            #expect(abs(norm - 1) < 1e-12)
        }
    }

    /// Every entry of ∂loss/∂Wt and ∂loss/∂Wi against central differences
    /// `(L(w + h) − L(w − h)) / 2h`, at τ = 0.5 and at the default τ = 0.07.
    @Test(arguments: [0.5, 0.07])
    func gradientsMatchCentralDifferences(temperature: Double) throws {
        let g = try Alignment.gradients(text: Self.text, image: Self.image, wt: Self.wt, wi: Self.wi, temperature: temperature)
        #expect(g.dWt.shape == [4, 3] && g.dWi.shape == [5, 3])
        let h = 1e-5
        func loss(_ wt: Tensor, _ wi: Tensor) throws -> Double {
            try Alignment.forward(text: Self.text, image: Self.image, wt: wt, wi: wi, temperature: temperature).loss
        }
        var checked = 0
        for k in 0..<Self.wt.count {
            var plus = Self.wt, minus = Self.wt
            plus.data[k] += h
            minus.data[k] -= h
            let numeric = (try loss(plus, Self.wi) - loss(minus, Self.wi)) / (2 * h)
            let analytic = g.dWt.data[k]
            let rel = abs(analytic - numeric) / max(abs(analytic), abs(numeric), 1e-3)
            #expect(rel < 1e-6, "dWt[\(k / 3), \(k % 3)]: analytic \(analytic), numeric \(numeric)")
            checked += 1
        }
        for k in 0..<Self.wi.count {
            var plus = Self.wi, minus = Self.wi
            plus.data[k] += h
            minus.data[k] -= h
            let numeric = (try loss(Self.wt, plus) - loss(Self.wt, minus)) / (2 * h)
            let analytic = g.dWi.data[k]
            let rel = abs(analytic - numeric) / max(abs(analytic), abs(numeric), 1e-3)
            #expect(rel < 1e-6, "dWi[\(k / 3), \(k % 3)]: analytic \(analytic), numeric \(numeric)")
            checked += 1
        }
        #expect(checked == 12 + 15)
        // The gradients are not trivially zero.
        #expect(LinearAlgebra.norm(g.dWt) > 1e-2 && LinearAlgebra.norm(g.dWi) > 1e-2)
    }

    /// ∂loss/∂logits is `(P + Q − 2·Id) / 2n`, checked against central differences of the
    /// loss written directly in terms of the logits (log-sum-exp per row and per column).
    @Test func logitGradientMatchesCentralDifferences() throws {
        let g = try Alignment.gradients(text: Self.text, image: Self.image, wt: Self.wt, wi: Self.wi, temperature: 0.5)
        let n = 3
        func loss(_ s: [Double]) -> Double {
            func lse(_ xs: [Double]) -> Double { let m = xs.max()!; return m + log(xs.map { exp($0 - m) }.reduce(0, +)) }
            var rows = 0.0, cols = 0.0
            for i in 0..<n {
                rows += lse((0..<n).map { s[i * n + $0] }) - s[i * n + i]
                cols += lse((0..<n).map { s[$0 * n + i] }) - s[i * n + i]
            }
            return (rows / Double(n) + cols / Double(n)) / 2
        }
        #expect(abs(loss(g.forward.logits.data) - g.forward.loss) < 1e-14)
        let h = 1e-5
        for k in 0..<(n * n) {
            var plus = g.forward.logits.data, minus = plus
            plus[k] += h
            minus[k] -= h
            let numeric = (loss(plus) - loss(minus)) / (2 * h)
            #expect(abs(g.dLogits.data[k] - numeric) <= 1e-6 * max(abs(numeric), 1e-3))
        }
        // Softmax gradients are shift-invariant: all entries together sum to 0.
        #expect(abs(g.dLogits.data.reduce(0, +)) < 1e-15)
        #expect(g.dLogits.rowLabels == ["cat", "dog", "car"] && g.dLogits.colLabels == ["img_cat", "img_dog", "img_car"])
    }

    // MARK: Training: 4 pairs, default projections, τ = 0.07

    static let text4 = Tensor.matrix([[1, 0.2, 0, 0.1], [0.1, 1, 0.3, 0], [0, 0.2, 1, 0.1], [0.3, 0, 0.1, 1.0]],
                                     rowLabels: ["a", "b", "c", "d"])
    static let image4 = Tensor.matrix([[0.1, 0.9, 0, 0.2, 0.1], [0, 0.1, 0.1, 1, 0.2],
                                       [0.8, 0, 0.2, 0, 0.1], [0.1, 0.2, 1, 0.1, 0.0]],
                                      rowLabels: ["A", "B", "C", "D"])

    @Test func trainingLowersLossAndMakesDiagonalDominant() throws {
        let (wt, wi) = Alignment.defaultProjections(textDim: 4, imageDim: 5, wt: nil, wi: nil)
        let r = try Alignment.train(text: Self.text4, image: Self.image4, wt: wt, wi: wi,
                                    temperature: 0.07, steps: 50, lr: 0.1)
        #expect(r.history.shape == [51, 2])
        #expect(r.history.colLabels == ["step", "loss"])
        let steps = (0..<51).map { r.history[$0, 0] }
        let losses = (0..<51).map { r.history[$0, 1] }
        #expect(steps == (0...50).map(Double.init))
        // numpy reference (same defaults, same updates): initial and final loss.
        #expect(abs(losses[0] - 8.385934394073221) < 1e-9)
        #expect(abs(losses[1] - 4.4344534420915425) < 1e-9)
        #expect(abs(losses[50] - 0.008425663795180373) < 1e-8)
        #expect(zip(losses, losses.dropFirst()).allSatisfy { $0 > $1 })
        #expect(losses[0] == r.initial.loss && losses[50] == r.final.loss)

        // Before training the diagonal does not dominate; afterwards every text picks its image.
        func diagonalDominant(_ p: Tensor) -> Bool {
            (0..<4).allSatisfy { i in (0..<4).allSatisfy { j in j == i || p[i, i] > p[i, j] } }
        }
        #expect(!diagonalDominant(r.initial.probs))
        #expect(diagonalDominant(r.final.probs))
        #expect((0..<4).allSatisfy { r.final.probs[$0, $0] > 0.9 })

        // The trained weights are the given shapes and differ from the start.
        #expect(r.wt.shape == [4, 4] && r.wi.shape == [5, 4])
        #expect(r.wt != wt && r.wi != wi)
        let again = try Alignment.forward(text: Self.text4, image: Self.image4, wt: r.wt, wi: r.wi, temperature: 0.07)
        #expect(again.loss == r.final.loss)
    }

    /// The time limit is looked at before every step: one step over 1000 × 1000 tables takes a
    /// quarter of a second, and a look every 250 steps let a 10 s lesson run for a minute.
    @Test func theCheckpointRunsBeforeEveryStep() throws {
        struct Stop: Error {}
        var calls = 0
        _ = try Alignment.train(text: Self.text, image: Self.image, wt: Self.wt, wi: Self.wi,
                                temperature: 0.5, steps: 7, lr: 0.1, checkpoint: { calls += 1 })
        #expect(calls == 7)
        calls = 0
        #expect(throws: Stop.self) {
            _ = try Alignment.train(text: Self.text, image: Self.image, wt: Self.wt, wi: Self.wi,
                                    temperature: 0.5, steps: 500, lr: 0.1, checkpoint: { calls += 1; if calls == 3 { throw Stop() } })
        }
        #expect(calls == 3)
    }

    @Test func zeroStepsReturnsInitialLossAndWeights() throws {
        let r = try Alignment.train(text: Self.text, image: Self.image, wt: Self.wt, wi: Self.wi,
                                    temperature: 0.5, steps: 0, lr: 0.1)
        #expect(r.history.shape == [1, 2])
        #expect(r.history.data == [0, r.final.loss])
        #expect(abs(r.final.loss - 0.540024476638131) < 1e-12)
        #expect(r.wt == Self.wt && r.wi == Self.wi)
    }

    @Test func onePairHasZeroLoss() throws {
        let f = try Alignment.forward(text: .matrix([[1, 2]]), image: .matrix([[3, -1, 0]]),
                                      wt: .identity(2), wi: .matrix([[1, 0], [0, 1], [1, 1]]), temperature: 0.07)
        #expect(f.loss == 0 && f.probs.data == [1])
    }

    // MARK: Default projections

    @Test func defaultProjectionsAreIdentityWhenDimsMatchElseSeededXavier() {
        let (wt, wi) = Alignment.defaultProjections(textDim: 4, imageDim: 5, wt: nil, wi: nil)
        #expect(wt == .identity(4))
        #expect(wi.shape == [5, 4])
        // Xavier(5, 4) from SplitMix64(seed: 0), computed independently in Python:
        // (2u − 1)·√(6 / 9) with u = (z >> 11)·2⁻⁵³.
        #expect(close(Array(wi.data.prefix(4)), [0.6259439286781651, -0.11181431259832955, -0.773330412674965, 0.7689470503661703]))
        #expect(close([wi.data[19]], [0.562002994914876]))

        let same = Alignment.defaultProjections(textDim: 3, imageDim: 3, wt: nil, wi: nil)
        #expect(same.wt == .identity(3) && same.wi == .identity(3))

        // A given Wt fixes d; the missing Wi is then drawn with fan-out d.
        let given = Tensor.matrix([[1, 0], [0, 1], [1, 1], [0, 0]])
        let filled = Alignment.defaultProjections(textDim: 4, imageDim: 2, wt: given, wi: nil)
        #expect(filled.wt == given && filled.wi == .identity(2))
        let other = Alignment.defaultProjections(textDim: 4, imageDim: 5, wt: given, wi: nil, seed: 7)
        var g = SplitMix64(seed: 7)
        #expect(other.wi == g.xavier(fanIn: 5, fanOut: 2))
    }

    // MARK: Errors

    @Test func pairCountMismatchNamesBoth() {
        let m = message {
            _ = try Alignment.forward(text: Self.text, image: Self.text4, wt: Self.wt, wi: Self.wi, temperature: 0.5)
        }
        #expect(m.contains("text has 3 rows"))
        #expect(m.contains("image has 4"))
    }

    @Test(arguments: [0.0, -1.0, Double.nan, Double.infinity])
    func nonPositiveTemperatureIsAnError(temperature: Double) {
        let m = message {
            _ = try Alignment.forward(text: Self.text, image: Self.image, wt: Self.wt, wi: Self.wi, temperature: temperature)
        }
        #expect(m.contains("temperature must be a positive number"))
    }

    @Test func projectionShapeMismatchesAreErrors() {
        let badWt = message {
            _ = try Alignment.forward(text: Self.text, image: Self.image, wt: Self.wi, wi: Self.wi, temperature: 0.5)
        }
        #expect(badWt.contains("wt is [5, 3]") && badWt.contains("[3, 4]"))
        let badWi = message {
            _ = try Alignment.forward(text: Self.text, image: Self.image, wt: Self.wt, wi: Self.wt, temperature: 0.5)
        }
        #expect(badWi.contains("wi is [4, 3]") && badWi.contains("[3, 5]"))
        let widths = message {
            _ = try Alignment.forward(text: Self.text, image: Self.image, wt: Self.wt, wi: .zeros(5, 2), temperature: 0.5)
        }
        #expect(widths.contains("wt is [4, 3]") && widths.contains("wi is [5, 2]"))
        let vector = message {
            _ = try Alignment.forward(text: .vector([1, 2, 3, 4]), image: Self.image, wt: Self.wt, wi: Self.wi, temperature: 0.5)
        }
        #expect(vector.contains("text features must be a matrix"))
    }

    @Test func zeroProjectedRowCannotBeNormalised() {
        var text = Self.text
        for k in 0..<4 { text[1, k] = 0 }
        let m = message {
            _ = try Alignment.forward(text: text, image: Self.image, wt: Self.wt, wi: Self.wi, temperature: 0.5)
        }
        #expect(m.contains("cannot normalise text_proj row 2 ('dog')"))
        #expect(m.contains("zero vector"))
        // A zero Wi maps every image row to zero; the first one is reported.
        let m2 = message {
            _ = try Alignment.forward(text: Self.text, image: Self.image, wt: Self.wt, wi: .zeros(5, 3), temperature: 0.5)
        }
        #expect(m2.contains("cannot normalise image_proj row 1 ('img_cat')"))
    }

    @Test func trainingArgumentErrors() {
        #expect(message {
            _ = try Alignment.train(text: Self.text, image: Self.image, wt: Self.wt, wi: Self.wi, temperature: 0.5, steps: -1, lr: 0.1)
        }.contains("steps must be 0 or more"))
        #expect(message {
            _ = try Alignment.train(text: Self.text, image: Self.image, wt: Self.wt, wi: Self.wi, temperature: 0.5, steps: 1, lr: .nan)
        }.contains("lr must be a finite number"))
    }
}
