import Foundation
import Testing
@testable import StepmarkCore

/// numpy gradient descent on one attention layer, written from the chain rule: reads a JSON
/// case on stdin, prints the loss history, the trained matrices and the final attention
/// weights of the first sequence.
let numpyAttentionTraining = #"""
import json, sys
import numpy as np
c = json.load(sys.stdin)
A = lambda x: None if x is None else np.array(x, dtype=float)
Xs = [A(x) for x in c["X"]]; Ts = [A(t) for t in c["T"]]
W = {n: A(c[n]) for n in ("wq", "wk", "wv", "wo")}
h = c["heads"]; causal = c["mask"] == "causal"; lr = c["lr"]; learn = c["learn"]

def forward_backward(X, T, W):
    Q, K, V = X @ W["wq"], X @ W["wk"], X @ W["wv"]
    n = X.shape[0]; dk = Q.shape[1] // h; dv = V.shape[1] // h; s = 1 / np.sqrt(dk)
    ws = []
    for i in range(h):
        z = Q[:, i*dk:(i+1)*dk] @ K[:, i*dk:(i+1)*dk].T * s
        if causal: z = np.where(np.triu(np.ones((n, n)), 1) > 0, -np.inf, z)
        e = np.exp(z - z.max(1, keepdims=True)); ws.append(e / e.sum(1, keepdims=True))
    C = np.concatenate([w @ V[:, i*dv:(i+1)*dv] for i, w in enumerate(ws)], 1)
    out = C @ W["wo"] if W["wo"] is not None else C
    L = np.mean((out - T) ** 2); dO = 2 * (out - T) / out.size
    g = {}
    if W["wo"] is not None: g["wo"] = C.T @ dO; dO = dO @ W["wo"].T
    dQ, dK, dV = np.zeros_like(Q), np.zeros_like(K), np.zeros_like(V)
    for i, w in enumerate(ws):
        q, k, v = Q[:, i*dk:(i+1)*dk], K[:, i*dk:(i+1)*dk], V[:, i*dv:(i+1)*dv]
        go = dO[:, i*dv:(i+1)*dv]; dw = go @ v.T
        dz = w * (dw - (dw * w).sum(1, keepdims=True)) * s
        dQ[:, i*dk:(i+1)*dk] = dz @ k; dK[:, i*dk:(i+1)*dk] = dz.T @ q; dV[:, i*dv:(i+1)*dv] = w.T @ go
    g["wq"], g["wk"], g["wv"] = X.T @ dQ, X.T @ dK, X.T @ dV
    return L, g, ws

history = []
for epoch in range(c["epochs"] + 1):
    results = [forward_backward(X, T, W) for X, T in zip(Xs, Ts)]
    history.append(float(np.mean([r[0] for r in results])))
    if epoch == c["epochs"]: break
    for n in learn:
        W[n] = W[n] - lr * np.mean([r[1][n] for r in results], axis=0)
print(json.dumps({"history": history, **{n: W[n].tolist() for n in W if W[n] is not None},
                  "weights": results[0][2][0].tolist()}))
"""#

@Suite struct AttentionTrainingTests {
    struct Case: CustomStringConvertible {
        var xs: [Tensor], targets: [Tensor]
        var initial: AttentionLayerWeights
        var heads = 1, mask = AttentionMask.none, lr = 0.5, epochs = 30
        var learn: LearnedMatrices = .all
        var description: String { "\(xs.count) sequence(s) heads=\(heads) mask=\(mask) wo=\(initial.wo != nil)" }
    }

    static let cases: [Case] = {
        let x = SplitMix64.randomMatrix(rows: 5, cols: 4, seed: 1)
        let x2 = SplitMix64.randomMatrix(rows: 5, cols: 4, seed: 2)
        var g = SplitMix64(seed: 3)
        let wq = g.xavier(fanIn: 4, fanOut: 6), wk = g.xavier(fanIn: 4, fanOut: 6), wv = g.xavier(fanIn: 4, fanOut: 6)
        let wo = g.xavier(fanIn: 6, fanOut: 3)
        return [
            Case(xs: [x], targets: [SplitMix64.randomMatrix(rows: 5, cols: 6, seed: 4)],
                 initial: AttentionLayerWeights(wq: wq, wk: wk, wv: wv)),
            Case(xs: [x, x2], targets: [SplitMix64.randomMatrix(rows: 5, cols: 3, seed: 5), SplitMix64.randomMatrix(rows: 5, cols: 3, seed: 6)],
                 initial: AttentionLayerWeights(wq: wq, wk: wk, wv: wv, wo: wo), heads: 2, mask: .causal),
            Case(xs: [x], targets: [SplitMix64.randomMatrix(rows: 5, cols: 6, seed: 7)],
                 initial: AttentionLayerWeights(wq: wq, wk: wk, wv: wv), heads: 3, lr: 1, learn: [.wq, .wk]),
        ]
    }()

    /// The whole run against numpy: the loss at every epoch, the trained matrices and the final
    /// attention weights, to 1e-10 after 30 updates.
    @Test(arguments: cases) func matchesNumpy(_ c: Case) throws {
        let run = try AttentionTraining.train(examples: zip(c.xs, c.targets).map { AttentionExample(x: $0, target: $1) },
                                              initial: c.initial, mask: c.mask, heads: c.heads, lr: c.lr, epochs: c.epochs,
                                              recordEpochs: [c.epochs], learn: c.learn)
        var learn: [String] = []
        for (name, m) in [("wq", LearnedMatrices.wq), ("wk", .wk), ("wv", .wv), ("wo", .wo)] where c.learn.contains(m) {
            if name != "wo" || c.initial.wo != nil { learn.append(name) }
        }
        var input: [String: Any] = ["X": c.xs.map(nested), "T": c.targets.map(nested), "wq": nested(c.initial.wq),
                                    "wk": nested(c.initial.wk), "wv": nested(c.initial.wv), "heads": c.heads,
                                    "mask": c.mask.rawValue, "lr": c.lr, "epochs": c.epochs, "learn": learn]
        input["wo"] = c.initial.wo.map(nested) ?? NSNull()
        let numpy = try runPython(numpyAttentionTraining, input: input)
        func near(_ a: [Double], _ b: [Double], _ what: String) {
            #expect(a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= 1e-10 * max(1, abs($1)) }, "\(c) \(what): \(a) against numpy \(b)")
        }
        #expect(run.history.rows == c.epochs + 1 && run.history.colLabels == ["epoch", "loss"])
        near((0..<run.history.rows).map { run.history[$0, 1] }, flat(numpy["history"]), "history")
        near(run.trained.wq.data, flat(numpy["wq"]), "wq")
        near(run.trained.wk.data, flat(numpy["wk"]), "wk")
        near(run.trained.wv.data, flat(numpy["wv"]), "wv")
        if let wo = run.trained.wo { near(wo.data, flat(numpy["wo"]), "wo") }
        near(run.snapshots.last!.weights[0][0].data, flat(numpy["weights"]), "final weights")
        if !c.learn.contains(.wv) { #expect(run.trained.wv == c.initial.wv) }
        #expect(run.loss == run.history[c.epochs, 1])
    }

    /// With a small learning rate every update lowers the loss (gradient descent on a smooth
    /// loss: L(W − lr·g) = L − lr·‖g‖² + O(lr²)).
    @Test(arguments: cases) func smallLearningRateLowersTheLossMonotonically(_ c: Case) throws {
        let run = try AttentionTraining.train(examples: zip(c.xs, c.targets).map { AttentionExample(x: $0, target: $1) },
                                              initial: c.initial, mask: c.mask, heads: c.heads, lr: 0.05, epochs: 200, learn: c.learn)
        let losses = (0..<run.history.rows).map { run.history[$0, 1] }
        #expect(losses.count == 201)
        for k in 1..<losses.count { #expect(losses[k] < losses[k - 1], "update \(k): \(losses[k - 1]) → \(losses[k])") }
        #expect(losses.last! < losses.first!)
    }

    /// The lesson's task: 은행 (row 3) should copy 강가's vector; with W_V fixed, only by
    /// looking at 강가. Before training (W = I, lesson 1) its weights are (0.4319, 0.1361,
    /// 0.4319); numpy, lr = 1, 100 updates of W_Q and W_K: (0.95953, 0.00132, 0.03916).
    @Test func riverBankLearnsToLookAtTheRiverside() throws {
        let x = Tensor.matrix([[2, 0, 0], [0, 0, 1], [1, 1, 0]])
        let target = Tensor.matrix([[2, 0, 0], [0, 0, 1], [2, 0, 0]])
        let run = try AttentionTraining.train(examples: [AttentionExample(x: x, target: target)],
                                              initial: AttentionLayerWeights(wq: .identity(3), wk: .identity(3), wv: .identity(3)),
                                              lr: 1, epochs: 100, recordEpochs: [0, 100], learn: [.wq, .wk])
        let before = run.snapshots[0].weights[0][0].row(2).data, after = run.snapshots[1].weights[0][0].row(2).data
        #expect(zip(before, [0.4319, 0.1361, 0.4319]).allSatisfy { abs($0 - $1) < 1e-4 })
        #expect(zip(after, [0.95953, 0.00132, 0.03916]).allSatisfy { abs($0 - $1) < 1e-5 }, "\(after)")
    }

    @Test func errorsNameTheShapes() {
        let x = Tensor.matrix([[1, 0], [0, 1], [1, 1]])
        let layer = AttentionLayerWeights(wq: .identity(2), wk: .identity(2), wv: .identity(2))
        #expect(throws: TensorError("the target must be 3 × 2 (one row per token of X, one column per output), got [2, 2]")) {
            try AttentionTraining.train(examples: [AttentionExample(x: x, target: .zeros(2, 2))], initial: layer, lr: 0.1, epochs: 1)
        }
        #expect(throws: TensorError("W_K must have one row per column of X (2): X is [3, 2], W_K is [3, 2]")) {
            try AttentionTraining.train(examples: [AttentionExample(x: x, target: .zeros(3, 2))],
                                        initial: AttentionLayerWeights(wq: .identity(2), wk: .zeros(3, 2), wv: .identity(2)), lr: 0.1, epochs: 1)
        }
        #expect(throws: TensorError("the learning rate lr must be a positive number, got -1.0")) {
            try AttentionTraining.train(examples: [AttentionExample(x: x, target: .zeros(3, 2))], initial: layer, lr: -1, epochs: 1)
        }
    }

    /// A learning rate far too large overflows: training stops there, never producing NaN.
    @Test func overflowStopsTraining() throws {
        let x = Tensor.matrix([[2, 0, 0], [0, 0, 1], [1, 1, 0]])
        let run = try AttentionTraining.train(examples: [AttentionExample(x: x, target: LinearAlgebra.scaled(x, by: 100))],
                                              initial: AttentionLayerWeights(wq: .identity(3), wk: .identity(3), wv: .identity(3)),
                                              lr: 1e200, epochs: 10)
        let kept = try #require(run.stoppedAt)
        #expect(run.history.isFinite && run.trained.isFinite)
        // What is returned is the layer after the updates that were kept, with its loss.
        #expect(run.history.rows == kept + 1 && run.loss == run.history[kept, 1])
        let check = try AttentionTraining.lossAndGradients(run.trained, examples: [AttentionExample(x: x, target: LinearAlgebra.scaled(x, by: 100))])
        #expect(check.loss == run.loss)
    }
}
