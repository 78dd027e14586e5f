import Foundation
import Testing
import StepmarkCore
import StepmarkGrade
import StepmarkRender
@testable import StepmarkLesson

/// `train`, `network`, `forward`, `backprop` through whole lessons. Expected numbers come from
/// an independent numpy implementation (gradient descent, SplitMix64 + Xavier, forward and
/// backward passes written out by hand; its gradients agree with central differences to
/// ~1e-8 relative error), pasted here with their inputs.
@Suite struct NeuralNetworkDirectiveTests {
    // MARK: helpers

    /// The 1-based column of `needle` in `line`, plus `offset` characters.
    func column(of needle: String, in line: String, offset: Int = 0) -> Int {
        let range = line.range(of: needle)!
        return line.distance(from: line.startIndex, to: range.lowerBound) + 1 + offset
    }

    func error(_ report: Report, step: Int) -> LessonError? { report.step(step)?.error }

    func rows(_ t: Tensor?) -> [[Double]] {
        guard let t else { return [] }
        return (0..<t.rows).map { r in (0..<t.cols).map { t[r, $0] } }
    }

    // MARK: train

    @Test func lectureNeuronMatchesNumpyAndTheHandCalculation() throws {
        let report = runLesson("```train x=2 y=3 w=0.5 lr=0.1 steps=10\n```\n")
        #expect(report.ok, "\(report.errors)")
        let h = try #require(report.tensor(step: 1, "history"))
        #expect(h.colLabels == ["step", "w", "b", "loss", "grad_w", "grad_b"])
        // numpy: gradient descent on ŷ = w·x, x = 2, y = 3, w0 = 0.5, lr = 0.1; grad_b =
        // mean(2(ŷ − y)) as SPEC §3 writes it, though b is not trained.
        let numpy: [[Double]] = [
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
        #expect(close(h, numpy, tolerance: 1e-12))
        // The lecture by hand: ŷ = 0.5·2 = 1, loss = (1 − 3)² = 4, grad_w = 2·(1 − 3)·2 = −8,
        // w₁ = 0.5 − 0.1·(−8) = 1.3; the error w − 1.5 shrinks by 1 − 0.1·2·2² = 0.2 per step.
        #expect(h[0, 3] == 4 && h[0, 4] == -8 && abs(h[1, 1] - 1.3) < 1e-15)
        #expect(abs(h[10, 1] - (1.5 - 1.0 * pow(0.2, 10))) < 1e-12)
        let w = try #require(report.tensor(step: 1, "w")?.scalarValue)
        #expect(abs(w - 1.4999998976) < 1e-12)
        #expect(report.tensor(step: 1, "b")?.scalarValue == 0)
        let loss = try #require(report.tensor(step: 1, "loss")?.scalarValue)
        #expect(abs(loss - 4.1943040028605647e-14) < 1e-18)
        let step = try #require(report.step(1))
        #expect(step.values.map(\.name) == ["history", "w", "b", "loss"])
        #expect(step.resultName == "w" && step.warnings.isEmpty)
        #expect(step.values[0].formula?.contains("grad_w = mean(2(ŷ − y)·x)") == true)
    }

    @Test func trainStoresWForLaterSteps() {
        let report = runLesson("```train x=2 y=3\n```\n\n```let\nv = w * 2\n```\n\n```train x=2 y=3 as=trained\n```\n\n```let\nu = trained\n```\n")
        #expect(report.ok, "\(report.errors)")
        #expect(abs((report.tensor(step: 2, "v")?.scalarValue ?? 0) - 2 * 1.4999998976) < 1e-12)
        #expect(abs((report.tensor(step: 4, "u")?.scalarValue ?? 0) - 1.4999998976) < 1e-12)
    }

    @Test func trainBodyLinesWithBiasMatchNumpy() throws {
        let lesson = """
            ```train w=0 b=0 bias=true lr=0.05 steps=5
            1 2
            2, 4.1   # commas work too
            3 5.9

            4 8.2
            ```
            """
        let report = runLesson(lesson)
        #expect(report.ok, "\(report.errors)")
        let numpy: [[Double]] = [
            [0.0, 0.0, 0.0, 30.715, -30.35, -10.1],
            [1.0, 1.5175, 0.505, 0.9161343749999993, -5.062499999999998, -1.5024999999999995],
            [2.0, 1.770625, 0.580125, 0.10307958593749993, -0.8900000000000015, -0.08662500000000062],
            [3.0, 1.8151249999999999, 0.58445625, 0.0789337292578124, -0.20084375000000199, 0.14453749999999932],
            [4.0, 1.8251671875, 0.577229375, 0.07631796524350573, -0.08634531249999977, 0.1802946875],
            [5.0, 1.8294844531249999, 0.568214640625, 0.07434634216718289, -0.06665999999999928, 0.18385154687500016],
        ]
        #expect(close(report.tensor(step: 1, "history"), numpy, tolerance: 1e-12))
        #expect(abs((report.tensor(step: 1, "b")?.scalarValue ?? 0) - 0.568214640625) < 1e-12)
        // The same data as lists in x= and y=.
        let lists = runLesson("```train x=[1, 2, 3, 4] y=[2, 4.1, 5.9, 8.2] w=0 bias=true lr=0.05 steps=5\n```\n")
        #expect(close(lists.tensor(step: 1, "history"), numpy, tolerance: 1e-12))
        // And as names of vectors.
        let names = runLesson("```let\nxs = [1, 2, 3, 4]\nys = [2, 4.1, 5.9, 8.2]\n```\n\n```train x=xs y=ys w=0 bias=true lr=0.05 steps=5\n```\n")
        #expect(close(names.tensor(step: 2, "history"), numpy, tolerance: 1e-12))
    }

    @Test func learningRateTooSmallGoodAndTooLarge() throws {
        // numpy: w after 10 steps with lr = 0.01 (still far from 1.5).
        let small = runLesson("```train x=2 y=3 lr=0.01\n```\n")
        #expect(abs((small.tensor(step: 1, "w")?.scalarValue ?? 0) - 1.065611545776368) < 1e-12)
        #expect(small.step(1)?.warnings.isEmpty == true)

        let large = runLesson("```train x=2 y=3 lr=0.3\n```\n")
        #expect(large.ok, "a diverging run is shown, not an error")
        let h = try #require(large.tensor(step: 1, "history"))
        let numpyLoss = [4.0, 7.839999999999999, 15.366399999999999, 30.118143999999994, 59.03156223999999,
                         115.70186199039999, 226.775649501184, 444.48027302232055, 871.181335123748,
                         1707.5154168425463, 3346.73021701139]
        #expect(zip((0..<h.rows).map { h[$0, 3] }, numpyLoss).allSatisfy { abs($0 - $1) <= 1e-9 * $1 })
        let warnings = large.step(1)?.warnings ?? []
        #expect(warnings.count == 1)
        // The loss first grows at step 1; for x = 2 the stable range is lr < 1/mean(x²) = 0.25.
        #expect(warnings.first?.contains("the loss grows") == true)
        #expect(warnings.first?.contains("from step 1 on") == true)
        #expect(warnings.first?.contains("lr below 0.25") == true)
    }

    @Test func overflowShowsInfinityNeverNaN() throws {
        // Each step multiplies the error by 1 − 100·8 = −799: the numbers overflow after ~100 steps.
        let report = runLesson("```train x=2 y=3 lr=100 steps=1000\n```\n")
        #expect(report.ok)
        let h = try #require(report.tensor(step: 1, "history"))
        #expect(h.rows < 1001)
        #expect(!h.data.contains { $0.isNaN })
        #expect(!h[h.rows - 1, 3].isFinite || !h[h.rows - 1, 4].isFinite || h.rows < 1001)
        let warnings = report.step(1)?.warnings ?? []
        #expect(warnings.contains { $0.contains("the loss grows") })
        #expect(warnings.contains { $0.contains("training stopped after step") && $0.contains("∞") })
        #expect(report.tensor(step: 1, "w")?.scalarValue?.isFinite == true)
    }

    /// (1e200·1e200 − 3)² overflows before any update: one warning about the numbers, none
    /// about the learning rate (there was "lr=0.1 is too large … settles only for lr below 0").
    @Test func aLossInfiniteAtTheStartBlamesTheNumbersNotTheLearningRate() throws {
        let report = runLesson("```train x=1e200 y=3 w=1e200 lr=0.1 steps=5\n```\n")
        #expect(report.ok)
        #expect(report.tensor(step: 1, "history")?.rows == 1)
        #expect(report.step(1)?.warnings == ["the loss at the starting values is already too large to represent (∞), so no update was run: (w·x − y)² overflows for these x=, y= and starting w= and b=; use smaller numbers"])
    }

    /// x² past 1.8e308: no learning rate helps, so none is named ("lr below 0" was).
    @Test func inputsWhoseSquareOverflowsBlameTheData() throws {
        for lesson in ["```train x=1e200 y=3 w=0 lr=0.1 steps=5\n```\n", "```train x=1e170 y=3 w=0 lr=1e-300 steps=5\n```\n"] {
            let warnings = runLesson(lesson).step(1)?.warnings ?? []
            #expect(warnings.first == "the x values are too large: x² overflows (over 1.8e308), so no lr lets gradient descent settle; use smaller numbers", "\(warnings)")
            #expect(!warnings.contains { $0.contains("lr below") || $0.contains("is too large, so") }, "\(warnings)")
        }
        // Already at the minimum (loss 0): nothing to warn of, however large x is.
        #expect(runLesson("```train x=[1e200, 2e200] y=[0, 0] w=0 steps=5\n```\n").step(1)?.warnings == [])
    }

    @Test func trainErrorsArePositioned() throws {
        let lrZero = "```train x=2 y=3 lr=0\n```\n"
        let e1 = try #require(error(runLesson(lrZero), step: 1))
        #expect(e1.line == 1 && e1.column == column(of: "lr=", in: lrZero, offset: 3))
        #expect(e1.message.contains("lr= must be a positive number"))

        let lrNegative = "```train x=2 y=3 lr=-0.5\n```\n"
        let e2 = try #require(error(runLesson(lrNegative), step: 1))
        #expect(e2.column == column(of: "-0.5", in: lrNegative) && e2.message.contains("-0.5"))

        let tooMany = "```train x=2 y=3 steps=100001\n```\n"
        let e3 = try #require(error(runLesson(tooMany), step: 1))
        #expect(e3.column == column(of: "100001", in: tooMany))
        #expect(e3.message.contains("100000") && e3.message.contains("--max-steps"))
        var limits = Limits()
        limits.maxSteps = 50
        let e4 = try #require(error(runLesson("```train x=2 y=3 steps=51\n```\n", limits: limits), step: 1))
        #expect(e4.message.contains("limit of 50") && e4.message.contains("--max-steps"))
        #expect(runLesson("```train x=2 y=3 steps=50\n```\n", limits: limits).ok)

        let both = "```train x=2 y=3\n1 2\n```\n"
        let e5 = try #require(error(runLesson(both), step: 1))
        #expect(e5.position == SourcePosition(line: 2, column: 1) && e5.message.contains("not both"))

        let neither = try #require(error(runLesson("```train\n```\n"), step: 1))
        #expect(neither.position == SourcePosition(line: 1, column: 4) && neither.message.contains("train needs data"))

        let onlyX = "```train x=2\n```\n"
        let e6 = try #require(error(runLesson(onlyX), step: 1))
        #expect(e6.column == column(of: "2", in: onlyX) && e6.message.contains("y= is missing"))

        let threeNumbers = "```train\n1 2\n3 4 5\n```\n"
        let e7 = try #require(error(runLesson(threeNumbers), step: 1))
        #expect(e7.position == SourcePosition(line: 3, column: 5) && e7.message.contains("two numbers"))

        let notANumber = "```train\n1 2\n3 four\n```\n"
        let e8 = try #require(error(runLesson(notANumber), step: 1))
        #expect(e8.position == SourcePosition(line: 3, column: 3) && e8.message.contains("'four'"))

        let mismatch = "```train x=[1, 2] y=3\n```\n"
        let e9 = try #require(error(runLesson(mismatch), step: 1))
        #expect(e9.column == column(of: "y=", in: mismatch, offset: 2) && e9.message.contains("one y per x"))

        let unknown = "```train x=2 y=3 rate=0.1\n```\n"
        let e10 = try #require(error(runLesson(unknown), step: 1))
        #expect(e10.column == column(of: "rate", in: unknown) && e10.message.contains("unknown argument 'rate'"))
    }

    @Test func aShortGrowingRunStillWarns() {
        // Two steps are too few to call it divergence, but the loss did grow: 4 → 7.84 → 15.37.
        let report = runLesson("```train x=2 y=3 lr=0.3 steps=2\n```\n")
        let warnings = report.step(1)?.warnings ?? []
        #expect(warnings.count == 1 && warnings.first?.contains("the loss grew from 4 at step 0 to 15.3664 at step 2") == true)
    }

    @Test func jsonKeepsTheWholeHistoryAndWritesInfinityAsAString() throws {
        let report = runLesson("```train x=2 y=3 steps=500\n```\n\n```train x=2 y=3 lr=100 steps=1000\n```\n")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(JSONRenderer.render(report).utf8)) as? [String: Any])
        let steps = try #require(object["steps"] as? [[String: Any]])
        func history(_ i: Int) throws -> [String: Any] {
            let values = try #require(steps[i]["values"] as? [[String: Any]])
            return try #require(values.first { $0["name"] as? String == "history" })
        }
        let long = try history(0)
        #expect(long["shape"] as? [Int] == [501, 6])
        #expect(long["cols"] as? [String] == ["step", "w", "b", "loss", "grad_w", "grad_b"])
        #expect((long["data"] as? [[Any]])?.count == 501)
        // The overflowing run: no "nan" anywhere, and its last row holds an infinity.
        let text = JSONRenderer.render(report)
        #expect(!text.contains("\"nan\""))
        let rows = try #require(try history(1)["data"] as? [[Any]])
        #expect(rows.last?.contains { ($0 as? String)?.hasSuffix("inf") == true } == true)
    }

    // MARK: network and forward

    @Test func xavierInitialisationMatchesSplitMix64() throws {
        let report = runLesson("```network layers=2,3,1 output=sigmoid seed=0\n```\n")
        #expect(report.ok, "\(report.errors)")
        #expect(report.step(1)?.values.map(\.name) == ["W1", "b1", "W2", "b2"])
        // numpy with a Python SplitMix64: (2u − 1)·√(6 / (fan_in + fan_out)), row-major, W1 then W2.
        #expect(close(report.tensor(step: 1, "W1"), [[0.8397919047765942, -0.1500146422963656, -1.037531623085512],
                                                     [1.0316507254300267, -0.8624511874607055, -0.37831029615079287]], tolerance: 1e-14))
        #expect(close(report.tensor(step: 1, "W2"), [[-0.7988573171237454], [0.6651505044222678], [-0.6229323112925061]], tolerance: 1e-14))
        #expect(close(report.tensor(step: 1, "b1"), [0.0, 0.0, 0.0]) && close(report.tensor(step: 1, "b2"), [0.0]))
        // The network is stored as a record under net (or name=).
        let named = runLesson("```network layers=2,2,1 name=tiny\n```\n\n```forward net=tiny\n1 1\n```\n")
        #expect(named.ok, "\(named.errors)")
    }

    static let tanhNet = """
        ```network layers=2,2,1 activation=tanh
        W1 = [[0.5, -0.3], [0.8, 0.2]]
        b1 = [0.1, -0.1]
        W2 = [[1.0], [-1.5]]
        b2 = 0.25
        ```

        """

    @Test func forwardMatchesNumpy() throws {
        let report = runLesson(Self.tanhNet + "```forward\n1 2\n0, -1\n0.5 0.5\n```\n")
        #expect(report.ok, "\(report.errors)")
        let step = try #require(report.step(2))
        #expect(step.values.map(\.name) == ["z1", "a1", "z2", "a2"])
        #expect(step.values.map(\.formula) == ["z1 = X·W1 + b1", "a1 = tanh(z1)", "z2 = a1·W2 + b2", "a2 = z2 (linear output)"])
        #expect(close(report.tensor(step: 2, "z1"), [[2.2, 2.7755575615628914e-17], [-0.7000000000000001, -0.30000000000000004], [0.75, -0.15]]))
        #expect(close(report.tensor(step: 2, "a1"), [[0.9757431300314515, 2.7755575615628914e-17], [-0.6043677771171635, -0.29131261245159096], [0.6351489523872873, -0.14888503362331795]]))
        #expect(close(report.tensor(step: 2, "z2"), [[1.2257431300314514], [0.08260114156022291], [1.1084765028222643]]))
        #expect(close(report.tensor(step: 2, "a2"), [[1.2257431300314514], [0.08260114156022291], [1.1084765028222643]]))
        #expect(report.tensor(step: 2, "a2")?.rowLabels == ["1 2", "0 -1", "0.5 0.5"])
        #expect(step.resultName == "a2")

        // The same inputs as an expression; the result is stored as `output`.
        let expr = runLesson(Self.tanhNet + "```let\nX = [[1, 2], [0, -1], [0.5, 0.5]]\n```\n\n```forward\nX\n```\n\n```let\ny = output\n```\n")
        #expect(expr.ok, "\(expr.errors)")
        #expect(close(expr.tensor(step: 4, "y"), [[1.2257431300314514], [0.08260114156022291], [1.1084765028222643]]))
    }

    @Test func networkErrorsArePositioned() throws {
        // Layer sizes that do not chain (sizes read off the weights).
        let chain = "```network\nW1 = [[1, 2, 3], [4, 5, 6]]\nW2 = [[1], [2]]\n```\n"
        let e1 = try #require(error(runLesson(chain), step: 1))
        #expect(e1.position == SourcePosition(line: 3, column: 1))
        #expect(e1.message.contains("do not chain") && e1.message.contains("[2, 1]") && e1.message.contains("[2, 3]"))

        // Weights of the wrong shape for layers=.
        let shape = "```network layers=2,3,1\nb1 = [0, 0, 0]\n  W1 = [[1, 2], [3, 4]]\n```\n"
        let e2 = try #require(error(runLesson(shape), step: 1))
        #expect(e2.position == SourcePosition(line: 3, column: 3))
        #expect(e2.message.contains("W1 has shape [2, 2]") && e2.message.contains("needs [2, 3]"))

        let bias = "```network layers=2,3,1\nb2 = [1, 2]\n```\n"
        let e3 = try #require(error(runLesson(bias), step: 1))
        #expect(e3.position == SourcePosition(line: 2, column: 1) && e3.message.contains("b2 has shape [2]"))

        let noSuchLayer = "```network layers=2,1\nW2 = [[1]]\n```\n"
        let e4 = try #require(error(runLesson(noSuchLayer), step: 1))
        #expect(e4.position == SourcePosition(line: 2, column: 1) && e4.message.contains("W2 does not exist"))

        let other = "```network layers=2,1\nV = [[1]]\n```\n"
        #expect(error(runLesson(other), step: 1)?.position == SourcePosition(line: 2, column: 1))

        // Unknown activation names list the valid ones.
        let act = "```network layers=2,3,1 activation=softplus\n```\n"
        let e5 = try #require(error(runLesson(act), step: 1))
        #expect(e5.column == column(of: "softplus", in: act))
        #expect(e5.message.contains("sigmoid, relu, tanh") && e5.message.contains("softplus"))
        let out = "```network layers=2,3,1 output=relu\n```\n"
        let e6 = try #require(error(runLesson(out), step: 1))
        #expect(e6.column == column(of: "relu", in: out) && e6.message.contains("linear, sigmoid"))

        // Layer sizes.
        for bad in ["layers=3", "layers=2,0,1", "layers=2,x,1", "layers=2,-1,1"] {
            let text = "```network \(bad)\n```\n"
            let e = try #require(error(runLesson(text), step: 1), "\(bad)")
            #expect(e.column == column(of: "layers=", in: text, offset: 7), "\(bad)")
        }
        let missing = try #require(error(runLesson("```network\n```\n"), step: 1))
        #expect(missing.position == SourcePosition(line: 1, column: 4) && missing.message.contains("layers=2,3,1"))
    }

    /// A network is a typed value: what `forward` reads is the `Network` itself, and its JSON
    /// view (`Record(network:)`) lists layers, activations and weights in SPEC order.
    @Test func aNetworkIsATypedValue() throws {
        let net = try Network(weights: [Tensor(shape: [2, 2], data: [0.5, -0.3, 0.8, 0.2]), Tensor(shape: [2, 1], data: [1, -1.5])],
                              biases: [.vector([0.1, -0.1]), .vector([0.25])], hidden: .tanh, output: .linear)
        let value = Value.network(net)
        #expect(value.kind == "network" && value.summary == "a network")
        let record = try #require(value.record)
        #expect(record.fields.map(\.name) == ["layers", "activation", "output", "W1", "b1", "W2", "b2"])
        #expect(record["layers"] == .tensor(.vector([2, 2, 1])) && record["activation"] == .text("tanh"))
        #expect(value.entryCount == 3 + 4 + 2 + 2 + 1, "sizes and every weight count toward the value limit")
        #expect(Value.tensor(.scalar(1)).record == nil)
    }

    @Test func forwardErrorsArePositioned() throws {
        let width = Self.tanhNet + "```forward\n1 2\n1 2 3\n```\n"
        let e1 = try #require(error(runLesson(width), step: 2))
        #expect(e1.position == SourcePosition(line: 9, column: 5))
        #expect(e1.message.contains("takes 2 inputs") && e1.message.contains("[2, 2]"))

        let exprWidth = Self.tanhNet + "```forward\n[[1, 2, 3]]\n```\n"
        let e2 = try #require(error(runLesson(exprWidth), step: 2))
        #expect(e2.position == SourcePosition(line: 8, column: 1) && e2.message.contains("[1, 3]"))

        let noNet = "```forward\n1 2\n```\n"
        let e3 = try #require(error(runLesson(noNet), step: 1))
        #expect(e3.position == SourcePosition(line: 1, column: 4) && e3.message.contains("undefined name 'net'"))

        let notNet = "```let\nnet = 3\n```\n\n```forward net=net\n1 2\n```\n"
        let e4 = try #require(error(runLesson(notNet), step: 2))
        #expect(e4.position == SourcePosition(line: 5, column: 16) && e4.message.contains("not a network"))

        let empty = Self.tanhNet + "```forward\n```\n"
        #expect(error(runLesson(empty), step: 2)?.message.contains("forward needs inputs") == true)
    }

    // MARK: backprop

    static let backpropNet = """
        ```network layers=3,4,2 activation=tanh output=sigmoid
        W1 = [[0.2, -0.4, 0.1, 0.5], [-0.3, 0.6, 0.7, -0.2], [0.4, 0.1, -0.5, 0.3]]
        b1 = [0.05, -0.05, 0, 0.1]
        W2 = [[0.3, -0.6], [0.8, 0.1], [-0.2, 0.5], [0.4, -0.7]]
        b2 = [0, 0.2]
        ```

        """

    static let backpropData = "1 0 2 -> 1 0\n0.5 -1 1 -> 0 1\n-1 1 0 → 0.5 0.5\n"

    @Test func backpropMSEMatchesNumpy() throws {
        let report = runLesson(Self.backpropNet + "```backprop lr=0.5 epochs=3\n" + Self.backpropData + "```\n\n```forward\n2 -1 0.5\n```\n")
        #expect(report.ok, "\(report.errors)")
        let step = try #require(report.step(2))
        #expect(step.values.map(\.name) == ["z1", "a1", "z2", "a2", "loss", "dW_2", "db_2", "dW_1", "db_1",
                                            "history", "W1", "b1", "W2", "b2"])
        #expect(close(report.tensor(step: 2, "z1"), [[1.05, -0.25, -0.9, 1.2000000000000002], [0.8500000000000001, -0.7500000000000001, -1.15, 0.85], [-0.45, 0.95, 0.6, -0.6]]))
        #expect(close(report.tensor(step: 2, "a2"), [[0.626054741382129, 0.22525814274403566], [0.5347390108527976, 0.23671361891749018], [0.5356959187563113, 0.7634299816654614]]))
        #expect(abs((report.tensor(step: 2, "loss")?.scalarValue ?? 0) - 0.18829962507421064) < 1e-12)
        #expect(close(report.tensor(step: 2, "dW_2"), [[0.006583630449597532, -0.028214875943794182], [-0.018830145510925742, 0.0377207448782422], [-0.013772492290007122, 0.036723170641142534], [0.004729834552310236, -0.029361628032446404]], tolerance: 1e-12))
        #expect(close(report.tensor(step: 2, "db_2"), [0.018124508725943296, -0.017007588174527615], tolerance: 1e-12))
        #expect(close(report.tensor(step: 2, "dW_1"), [[0.011311498781088785, -0.013291530570350618, -0.004465552160351892, 0.013737902620078339], [-0.02845164406143287, -0.01663283482930263, 0.015773914886986002, -0.0331352136048431], [0.008439389280503137, -0.02300340657749008, 0.001511365725561752, 0.013361766400822574]], tolerance: 1e-12))
        #expect(close(report.tensor(step: 2, "db_1"), [0.007807810459712178, -0.00050054495168536, 0.0007005779539870265, 0.012662960873332258], tolerance: 1e-12))
        let history = try #require(report.tensor(step: 2, "history"))
        #expect(history.colLabels == ["epoch", "loss"])
        #expect(close(history, [[0, 0.18829962507421064], [1, 0.18349833085925746], [2, 0.1787101616569647], [3, 0.17394980179849096]], tolerance: 1e-12))
        #expect(close(report.tensor(step: 2, "W1"), [[0.1835106605898121, -0.37941530049112016, 0.1061670075739414, 0.4796361353631282], [-0.2569014233288521, 0.6258966488811274, 0.676905430922162, -0.1490935146364121], [0.3875868591307849, 0.13586196148198376, -0.5026285162031937, 0.27983766480687433]], tolerance: 1e-12))
        #expect(close(report.tensor(step: 2, "b1"), [0.037668294693188956, -0.04899792185140389, -0.0009888720759853153, 0.07988963528210663], tolerance: 1e-12))
        #expect(close(report.tensor(step: 2, "W2"), [[0.2915028095117813, -0.5592502050123461], [0.8283127307362679, 0.0427607848345839], [-0.18050409294817932, 0.4454738698526783], [0.3945799914416357, -0.6579135942112672]], tolerance: 1e-12))
        #expect(close(report.tensor(step: 2, "b2"), [-0.02666542186034126, 0.22545184460395903], tolerance: 1e-12))
        // The stored network was updated: forward below uses the trained weights.
        #expect(close(report.tensor(step: 3, "a2"), [[0.4756147951599284, 0.2600558241379381]], tolerance: 1e-12))
    }

    @Test func backpropBCEMatchesNumpy() throws {
        let report = runLesson(Self.backpropNet + "```backprop lr=0.5 epochs=3 loss=bce\n" + Self.backpropData + "```\n")
        #expect(report.ok, "\(report.errors)")
        #expect(abs((report.tensor(step: 2, "loss")?.scalarValue ?? 0) - 0.7468380672478303) < 1e-12)
        #expect(report.step(2)?.value(named: "loss")?.formula == "loss = −mean(y·log a2 + (1 − y)·log(1 − a2))")
        #expect(close(report.tensor(step: 2, "dW_2"), [[0.010354825254857826, -0.07708608563710674], [-0.036940919049216286, 0.10408527632219282], [-0.025043056123999128, 0.1007172634141002], [0.006438356566702417, -0.08019523063792594]], tolerance: 1e-12))
        #expect(close(report.tensor(step: 2, "db_2"), [0.032748278498539646, -0.04576637611216878], tolerance: 1e-12))
        #expect(close(report.tensor(step: 2, "dW_1"), [[0.03108212952786447, -0.030008691659277928, -0.013053004175064303, 0.037128801252266065], [-0.07403070519215652, -0.03080388626857144, 0.0417508253139007, -0.08532171667294836], [0.0217905142095082, -0.051732628606859885, 0.003442449675047674, 0.03390577814936979]], tolerance: 1e-12))
        #expect(close(report.tensor(step: 2, "db_1"), [0.0176303010661668, -0.004250805135372246, 0.0030071556994556957, 0.029349879144787323], tolerance: 1e-12))
        #expect(close(report.tensor(step: 2, "history"), [[0, 0.7468380672478303], [1, 0.7167589209450802], [2, 0.6915649431588345], [3, 0.6697744285098927]], tolerance: 1e-12))
        #expect(close(report.tensor(step: 2, "W2"), [[0.29013508654798953, -0.5060283712712366], [0.8560943066263712, -0.04641791846077042], [-0.16710212188493392, 0.3673516447039511], [0.39746414224729076, -0.6041674632007693]], tolerance: 1e-12))
        #expect(close(report.tensor(step: 2, "b2"), [-0.04783268514264506, 0.25793589371948916], tolerance: 1e-12))
    }

    static let xor = """
        ```network layers=2,3,1 activation=sigmoid output=sigmoid seed=0
        ```

        ```backprop lr=2 epochs=2000
        0 0 -> 0
        0 1 -> 1
        1 0 -> 1
        1 1 -> 0
        ```

        ```forward
        0 0
        0 1
        1 0
        1 1
        ```

        """

    @Test func xorLearnsWithinTheDefaultLimits() throws {
        let report = runLesson(Self.xor)
        #expect(report.ok, "\(report.errors)")
        let history = try #require(report.tensor(step: 2, "history"))
        #expect(history.rows == 2001)
        // numpy (SplitMix64 Xavier init, full-batch gradient descent): 0.26933 → 0.00069.
        #expect(abs(history[0, 1] - 0.2693317724816355) < 1e-12)
        #expect(abs(history[2000, 1] - 0.0006900120626490793) < 1e-9)
        #expect(history[2000, 1] < 0.05)
        #expect(close(report.tensor(step: 2, "dW_2"), [[-0.04648599846339578], [-0.020373340757656812], [-0.016790033598730596]], tolerance: 1e-12))
        #expect(close(report.tensor(step: 3, "a2"), [[0.026364729578394877], [0.9739411995458093], [0.9739241275628464], [0.026569476479305916]], tolerance: 1e-8))
        #expect(report.step(2)?.warnings.isEmpty == true)
    }

    @Test func backpropErrorsArePositioned() throws {
        let base = Self.xor.components(separatedBy: "```backprop")[0]   // 3 lines: backprop starts on line 4
        let arrow = base + "```backprop\n0 0 -> 0\n0 1 1\n```\n"
        let e1 = try #require(error(runLesson(arrow), step: 2))
        #expect(e1.position == SourcePosition(line: 6, column: 6) && e1.message.contains("no '->'"))

        let inputs = base + "```backprop\n0 0 1 -> 0\n```\n"
        let e2 = try #require(error(runLesson(inputs), step: 2))
        #expect(e2.position == SourcePosition(line: 5, column: 5) && e2.message.contains("3 inputs") && e2.message.contains("takes 2"))

        let targets = base + "```backprop\n0 0 -> 0 1\n```\n"
        let e3 = try #require(error(runLesson(targets), step: 2))
        #expect(e3.position == SourcePosition(line: 5, column: 10) && e3.message.contains("2 targets"))

        let noTargets = base + "```backprop\n0 0 ->\n```\n"
        let e4 = try #require(error(runLesson(noTargets), step: 2))
        #expect(e4.position == SourcePosition(line: 5, column: 7) && e4.message.contains("0 targets"))

        let word = base + "```backprop\n0 x -> 1\n```\n"
        let e5 = try #require(error(runLesson(word), step: 2))
        #expect(e5.position == SourcePosition(line: 5, column: 3) && e5.message.contains("'x'"))

        let lr = base + "```backprop lr=0\n0 0 -> 0\n```\n"
        let e6 = try #require(error(runLesson(lr), step: 2))
        #expect(e6.position == SourcePosition(line: 4, column: 16) && e6.message.contains("lr= must be a positive number"))

        let epochs = base + "```backprop epochs=100001\n0 0 -> 0\n```\n"
        let e7 = try #require(error(runLesson(epochs), step: 2))
        #expect(e7.position == SourcePosition(line: 4, column: 20) && e7.message.contains("--max-steps"))

        let bceLinear = "```network layers=2,1\n```\n\n```backprop loss=bce\n0 0 -> 0\n```\n"
        let e8 = try #require(error(runLesson(bceLinear), step: 2))
        #expect(e8.position == SourcePosition(line: 4, column: 18) && e8.message.contains("output=sigmoid"))

        let bceTarget = base + "```backprop loss=bce\n0 0 -> 2\n```\n"
        let e9 = try #require(error(runLesson(bceTarget), step: 2))
        #expect(e9.position == SourcePosition(line: 5, column: 8) && e9.message.contains("between 0 and 1"))

        let empty = base + "```backprop\n```\n"
        #expect(error(runLesson(empty), step: 2)?.message.contains("`0 1 -> 1`") == true)

        // A failed backprop leaves the network as it was.
        let after = runLesson(base + "```backprop lr=0\n0 0 -> 0\n```\n\n```forward\n0 0\n```\n")
        #expect(close(after.tensor(step: 3, "a2"), [[0.4065322621290813]], tolerance: 1e-12))
    }

    @Test func divergingBackpropStopsCleanly() throws {
        // A linear output with a huge learning rate overflows: training stops, no NaN.
        let lesson = "```network layers=1,1\nW1 = [[0.5]]\n```\n\n```backprop lr=1000 epochs=500\n2 -> 3\n```\n"
        let report = runLesson(lesson)
        #expect(report.ok, "\(report.errors)")
        let h = try #require(report.tensor(step: 2, "history"))
        #expect(!h.data.contains { $0.isNaN } && h.rows < 501)
        #expect(report.step(2)?.warnings.contains { $0.contains("training stopped") } == true)
        #expect(report.tensor(step: 2, "W1")?.isFinite == true)
    }

    // MARK: the lessons

    @Test(arguments: ["en", "ko"]) func lessonRunsCleanAndPassesItsKey(language: String) throws {
        let path = repositoryRoot + "/lessons/\(language)/03-neural-network.md"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let report = runLesson(text, path: path)
        #expect(report.ok, "\(report.errors)")
        let checked = Exercises.check(report)
        #expect(checked.exercises.count >= 3)
        let failed = checked.exercises.filter { !$0.passed }.map { "\($0.id): \($0.feedback)" }
        #expect(failed.isEmpty, "\(failed)")

        // The lecture's numbers appear: x = 2, y = 3, w = 0.5 → loss 4, grad_w −8, w → 1.5.
        let trains = report.steps.filter { $0.directive == "train" }
        let lecture = try #require(trains.first?.value(named: "history")?.value.tensor)
        #expect(lecture[0, 3] == 4 && lecture[0, 4] == -8)
        #expect(trains.contains { abs(($0.value(named: "w")?.value.tensor?.scalarValue ?? 0) - 1.5) < 1e-3 })
        #expect(trains.contains { !$0.warnings.isEmpty }, "the diverging run is shown")
        // XOR reaches a loss below 0.05.
        let xor = try #require(report.steps.last { $0.directive == "backprop" }?.value(named: "history")?.value.tensor)
        #expect(xor[xor.rows - 1, 1] < 0.05)
    }
}
