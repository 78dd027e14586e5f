import Foundation
import Testing
@testable import StepmarkCore

// The backward pass of attention is checked two independent ways:
// 1. central differences of the loss, (L(x + h) − L(x − h)) / 2h, for every entry of Q, K, V
//    and Wo, which needs nothing but the forward pass;
// 2. a numpy implementation written below from the chain rule (not from the Swift code),
//    run with python3, for every named intermediate gradient (d_weights, d_scaled, …).
// The shapes are odd on purpose (3 queries against 5 keys, widths 6 and 4, 2 or 3 heads) so
// that a transposed or swapped index cannot pass by symmetry.

/// The numpy reference: reads a JSON case on stdin, prints every gradient as JSON.
let numpyAttentionBackward = #"""
import json, sys
import numpy as np
c = json.load(sys.stdin)
Q, K, V = (np.array(c[n], dtype=float) for n in ("Q", "K", "V"))
Wo = np.array(c["Wo"], dtype=float) if c.get("Wo") is not None else None
h = c["heads"]; causal = c["mask"] == "causal"
nq, nk = Q.shape[0], K.shape[0]
dk, dv = Q.shape[1] // h, V.shape[1] // h
s = c["scale"] if c.get("scale") is not None else 1 / np.sqrt(dk)
heads = []
for i in range(h):
    q, k, v = Q[:, i*dk:(i+1)*dk], K[:, i*dk:(i+1)*dk], V[:, i*dv:(i+1)*dv]
    z = q @ k.T * s
    if causal:
        z = np.where(np.arange(nk)[None, :] > np.arange(nq)[:, None] + nk - nq, -np.inf, z)
    e = np.exp(z - z.max(axis=1, keepdims=True))
    w = e / e.sum(axis=1, keepdims=True)
    heads.append((q, k, v, w))
concat = np.concatenate([w @ v for (_, _, v, w) in heads], axis=1)
out = concat @ Wo if Wo is not None else concat
res = {}
if c.get("target") is not None:
    T = np.array(c["target"], dtype=float)
    res["loss"] = float(np.mean((out - T) ** 2))
    dO = 2 * (out - T) / out.size
else:
    dO = np.array(c["grad"], dtype=float)
res["d_output"] = dO.tolist()
if Wo is not None:
    res["d_wo"] = (concat.T @ dO).tolist()
    dC = dO @ Wo.T
else:
    dC = dO
res["d_concat"] = dC.tolist()
dQ, dK, dV = np.zeros_like(Q), np.zeros_like(K), np.zeros_like(V)
for i, (q, k, v, w) in enumerate(heads):
    g = dC[:, i*dv:(i+1)*dv]
    dw = g @ v.T
    # the softmax Jacobian J = diag(w) - w w^T, applied row by row as a matrix product
    ds = np.stack([(np.diag(w[r]) - np.outer(w[r], w[r])) @ dw[r] for r in range(nq)])
    dz = ds * s
    p = "" if h == 1 else f"head{i+1}."
    res[p + "d_weights"] = dw.tolist(); res[p + "d_V"] = (w.T @ g).tolist()
    res[p + "d_scaled"] = ds.tolist(); res[p + "d_scores"] = dz.tolist()
    res[p + "d_Q"] = (dz @ k).tolist(); res[p + "d_K"] = (dz.T @ q).tolist()
    dQ[:, i*dk:(i+1)*dk] = dz @ k; dK[:, i*dk:(i+1)*dk] = dz.T @ q; dV[:, i*dv:(i+1)*dv] = w.T @ g
res["Q"] = dQ.tolist(); res["K"] = dK.tolist(); res["V"] = dV.tolist()
print(json.dumps(res))
"""#

/// Runs a python3 script with JSON on stdin and decodes its JSON output.
func runPython(_ script: String, input: Any) throws -> [String: Any] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script]
    let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = stderr
    try process.run()
    stdin.fileHandleForWriting.write(try JSONSerialization.data(withJSONObject: input))
    try stdin.fileHandleForWriting.close()
    let data = stdout.fileHandleForReading.readDataToEndOfFile()
    let err = stderr.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0, let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
        throw TensorError("python3 failed: " + String(decoding: err, as: UTF8.self))
    }
    return object
}

/// A JSON number, list or list of lists as a flat array.
func flat(_ any: Any?) -> [Double] {
    if let x = any as? Double { return [x] }
    if let list = any as? [Any] { return list.flatMap(flat) }
    return []
}

func nested(_ t: Tensor) -> Any { t.isMatrix ? (0..<t.rows).map { t.row($0).data } : t.data }

struct GradientCase: CustomStringConvertible {
    var nq: Int, nk: Int, d: Int, dv: Int, heads: Int
    var mask: AttentionMask
    var woCols: Int?
    var seed: UInt64
    var scale: Double? = nil
    var description: String { "nq=\(nq) nk=\(nk) d=\(d) dv=\(dv) heads=\(heads) mask=\(mask) wo=\(woCols.map(String.init) ?? "none")" }

    var q: Tensor { SplitMix64.randomMatrix(rows: nq, cols: d, seed: seed) }
    var k: Tensor { SplitMix64.randomMatrix(rows: nk, cols: d, seed: seed + 1) }
    var v: Tensor { SplitMix64.randomMatrix(rows: nk, cols: dv, seed: seed + 2) }
    var wo: Tensor? { woCols.map { SplitMix64.randomMatrix(rows: dv, cols: $0, seed: seed + 3) } }
    var target: Tensor { SplitMix64.randomMatrix(rows: nq, cols: woCols ?? dv, seed: seed + 4) }

    func loss(q: Tensor, k: Tensor, v: Tensor, wo: Tensor?) throws -> Double {
        let f = try Attention.compute(q: q, k: k, v: v, scale: scale, mask: mask, heads: heads, wo: wo)
        return try AttentionGradient.meanSquaredError(output: f.output, target: target).loss
    }
}

let gradientCases: [GradientCase] = [
    GradientCase(nq: 3, nk: 5, d: 6, dv: 4, heads: 1, mask: .none, woCols: nil, seed: 11),
    GradientCase(nq: 3, nk: 5, d: 6, dv: 4, heads: 2, mask: .causal, woCols: 3, seed: 21),
    GradientCase(nq: 4, nk: 4, d: 9, dv: 6, heads: 3, mask: .causal, woCols: nil, seed: 31),
    GradientCase(nq: 5, nk: 3, d: 3, dv: 5, heads: 1, mask: .none, woCols: 2, seed: 41, scale: 0.7),
    GradientCase(nq: 1, nk: 7, d: 2, dv: 1, heads: 1, mask: .causal, woCols: nil, seed: 51),
]

@Suite struct AttentionGradientTests {
    /// Every entry of d_Q, d_K, d_V and d_wo against the central difference of the loss,
    /// to a relative 1e-6 (h = 1e-5: the truncation error h²·L‴/6 is ~1e-11, far below).
    @Test(arguments: gradientCases) func centralDifferences(_ c: GradientCase) throws {
        let (q, k, v, wo) = (c.q, c.k, c.v, c.wo)
        let g = try AttentionGradient.compute(q: q, k: k, v: v, scale: c.scale, mask: c.mask, heads: c.heads, wo: wo, target: c.target).gradients
        let h = 1e-5
        func check(_ analytic: Tensor, _ name: String, _ perturbed: (Int, Double) throws -> Double) throws {
            for i in 0..<analytic.count {
                let numeric = (try perturbed(i, h) - perturbed(i, -h)) / (2 * h)
                let a = analytic.data[i]
                #expect(abs(a - numeric) <= 1e-6 * max(abs(numeric), 1e-4), "\(c) \(name)[\(i)]: analytic \(a), numeric \(numeric)")
            }
        }
        func bumped(_ t: Tensor, _ i: Int, _ by: Double) -> Tensor { var t = t; t.data[i] += by; return t }
        try check(g.dQ, "d_Q") { i, e in try c.loss(q: bumped(q, i, e), k: k, v: v, wo: wo) }
        try check(g.dK, "d_K") { i, e in try c.loss(q: q, k: bumped(k, i, e), v: v, wo: wo) }
        try check(g.dV, "d_V") { i, e in try c.loss(q: q, k: k, v: bumped(v, i, e), wo: wo) }
        if let wo {
            let dWo = try #require(g.dWo)
            #expect(dWo.shape == wo.shape)
            try check(dWo, "d_wo") { i, e in try c.loss(q: q, k: k, v: v, wo: bumped(wo, i, e)) }
        }
        #expect(g.dQ.shape == q.shape && g.dK.shape == k.shape && g.dV.shape == v.shape)
    }

    /// Every named gradient against the numpy reference, to 1e-12.
    @Test(arguments: gradientCases) func numpyReference(_ c: GradientCase) throws {
        let (q, k, v, wo) = (c.q, c.k, c.v, c.wo)
        let (forward, g) = try AttentionGradient.compute(q: q, k: k, v: v, scale: c.scale, mask: c.mask, heads: c.heads, wo: wo, target: c.target)
        var input: [String: Any] = ["Q": nested(q), "K": nested(k), "V": nested(v), "target": nested(c.target),
                                    "heads": c.heads, "mask": c.mask.rawValue]
        if let wo { input["Wo"] = nested(wo) }
        if let s = c.scale { input["scale"] = s }
        let numpy = try runPython(numpyAttentionBackward, input: input)
        func same(_ t: Tensor?, _ key: String) {
            let expected = flat(numpy[key])
            guard let t, t.count == expected.count else {
                Issue.record("\(c) \(key): shape \(t?.shapeDescription ?? "missing") against \(expected.count) numpy entries"); return
            }
            for (a, b) in zip(t.data, expected) where abs(a - b) > 1e-12 * max(1, abs(b)) {
                Issue.record("\(c) \(key): \(t.data) against numpy \(expected)"); return
            }
        }
        #expect(abs(g.loss! - (numpy["loss"] as! Double)) <= 1e-14)
        same(g.dOutput, "d_output")
        if wo != nil { same(g.dWo, "d_wo") } else { #expect(g.dWo == nil) }
        if c.heads > 1 || wo != nil { same(g.dConcat, "d_concat") } else { #expect(g.dConcat == nil) }
        for (i, hg) in g.heads.enumerated() {
            let p = c.heads == 1 ? "" : "head\(i + 1)."
            same(hg.dWeights, p + "d_weights"); same(hg.dV, p + "d_V"); same(hg.dScaled, p + "d_scaled")
            same(hg.dScores, p + "d_scores"); same(hg.dQ, p + "d_Q"); same(hg.dK, p + "d_K")
            // No gradient flows through a masked pair.
            if let masked = forward.heads[i].masked {
                for j in 0..<masked.count where masked.data[j] == -.infinity { #expect(hg.dScaled.data[j] == 0 && hg.dScores.data[j] == 0) }
            }
        }
        same(g.dQ, "Q"); same(g.dK, "K"); same(g.dV, "V")
    }

    /// A given ∂L/∂output (grad=) is used as it is: for L = sum(output ⊙ G), central differences
    /// of that L match d_Q, d_K, d_V.
    @Test func givenGradient() throws {
        let c = gradientCases[1]
        let grad = SplitMix64.randomMatrix(rows: c.nq, cols: c.woCols!, seed: 99)
        let g = try AttentionGradient.compute(q: c.q, k: c.k, v: c.v, mask: c.mask, heads: c.heads, wo: c.wo, dOutput: grad).gradients
        #expect(g.loss == nil)
        #expect(g.dOutput.data == grad.data)
        func l(_ q: Tensor) throws -> Double {
            let out = try Attention.compute(q: q, k: c.k, v: c.v, mask: c.mask, heads: c.heads, wo: c.wo).output
            return zip(out.data, grad.data).reduce(0) { $0 + $1.0 * $1.1 }
        }
        for i in 0..<c.q.count {
            var up = c.q, down = c.q
            up.data[i] += 1e-5; down.data[i] -= 1e-5
            let numeric = (try l(up) - l(down)) / 2e-5
            #expect(abs(g.dQ.data[i] - numeric) <= 1e-6 * max(abs(numeric), 1e-4))
        }
    }

    /// The Jacobian by hand: w = (0.5, 0.25, 0.25) gives
    /// J = diag(w) − w·wᵀ = [[0.5 − 0.25, −0.125, −0.125], [−0.125, 0.25 − 0.0625, −0.0625],
    /// [−0.125, −0.0625, 0.25 − 0.0625]]; each row sums to 0.
    @Test func softmaxJacobianByHand() {
        let j = AttentionGradient.softmaxJacobian([0.5, 0.25, 0.25], labels: ["a", "b", "c"])
        #expect(j.data == [0.25, -0.125, -0.125, -0.125, 0.1875, -0.0625, -0.125, -0.0625, 0.1875])
        #expect(j.rowLabels == ["a", "b", "c"] && j.colLabels == ["a", "b", "c"])
        // Applied to an upstream row g = (1, 0, 0): J·g = (0.25, −0.125, −0.125), which the
        // row formula w ⊙ (g − g·w) = (0.5·0.5, 0.25·(−0.5), 0.25·(−0.5)) gives too.
        let back = AttentionGradient.softmaxBackward(weights: .matrix([[0.5, 0.25, 0.25]]), gradient: .matrix([[1, 0, 0]]))
        #expect(back.data == [0.25, -0.125, -0.125])
    }

    @Test func shapeErrors() {
        let q = Tensor.matrix([[1, 0], [0, 1]])
        #expect(throws: TensorError("the target must have the shape of the output: output is [2, 2], target is [3, 2]")) {
            try AttentionGradient.compute(q: q, k: q, v: q, target: .zeros(3, 2))
        }
        #expect(throws: TensorError("the gradient of the output must have the output's shape: output is [2, 2], the gradient is [2, 3]")) {
            try AttentionGradient.compute(q: q, k: q, v: q, dOutput: .zeros(2, 3))
        }
    }
}
