import Foundation
import Testing
@testable import StepmarkCore

/// Every fast path against the plain reference implementation (relative error ≤ 1e-12), on
/// tiny, odd and non-square shapes, on both sides of the BLAS threshold.
@Suite struct KernelTests {
    func randomData(_ count: Int, seed: UInt64) -> [Double] {
        var g = SplitMix64(seed: seed)
        return (0..<count).map { _ in 4 * g.uniform() - 2 }
    }

    func maxRelativeError(_ a: [Double], _ b: [Double]) -> Double {
        let scale = max(b.map { abs($0) }.max() ?? 0, 1e-300)
        return zip(a, b).map { abs($0 - $1) / scale }.max() ?? 0
    }

    static let shapes: [(Int, Int, Int)] = [
        (1, 1, 1), (1, 7, 1), (3, 5, 7), (2, 1, 9), (16, 16, 16), (17, 15, 16), (33, 17, 65),
        (128, 1, 128), (1, 300, 1), (5, 64, 2048), (64, 64, 64), (129, 70, 31),
    ]

    @Test(arguments: shapes) func matmulMatchesReference(_ shape: (Int, Int, Int)) {
        let (m, k, n) = shape
        let a = randomData(m * k, seed: 1), b = randomData(k * n, seed: 2)
        let fast = Matmul.multiply(a, b, m: m, k: k, n: n)
        let slow = Matmul.reference(a, b, m: m, k: k, n: n)
        #expect(maxRelativeError(fast, slow) <= 1e-12, "\(shape)")
    }

    @Test(arguments: shapes) func transposedProductMatchesReference(_ shape: (Int, Int, Int)) {
        let (m, k, n) = shape
        let a = randomData(m * k, seed: 3), bt = randomData(n * k, seed: 4)
        var b = [Double](repeating: 0, count: k * n)
        for i in 0..<n { for j in 0..<k { b[j * n + i] = bt[i * k + j] } }
        let fast = Matmul.multiplyTransposed(a, bt, m: m, k: k, n: n)
        #expect(maxRelativeError(fast, Matmul.reference(a, b, m: m, k: k, n: n)) <= 1e-12, "\(shape)")
    }

    @Test func emptyProducts() throws {
        #expect(Matmul.multiply([], [], m: 0, k: 3, n: 0).isEmpty)
        #expect(Matmul.multiply([], [], m: 2, k: 0, n: 2) == [0, 0, 0, 0])
        let t = try LinearAlgebra.matmul(.matrix(rows: 2, cols: 0, data: []), .matrix(rows: 0, cols: 3, data: []))
        #expect(t.shape == [2, 3] && t.data.allSatisfy { $0 == 0 })
    }

    @Test func fastExpMatchesGlibc() {
        var values: [Double] = [0, -0.0, 1e-300, -1e-10, 0.5, -0.5, 1, -1, 0.34657359, -0.34657359, 10, -10,
                                -100, -707.9, -708, -708.5, -745.2, -800, -.infinity, 700, 709, 709.5, 1000]
        var g = SplitMix64(seed: 9)
        for _ in 0..<10_000 { values.append(-60 * g.uniform()) }
        for _ in 0..<1000 { values.append(1400 * g.uniform() - 700) }
        var fast = values
        fast.withUnsafeMutableBufferPointer { FastMath.expInPlace($0) }
        for (x, y) in zip(values, fast) {
            let want = Foundation.exp(x)
            if want == 0 || !want.isFinite { #expect(y == want, "exp(\(x))"); continue }
            #expect(abs(y - want) / want <= 4e-16, "exp(\(x)) = \(y), glibc \(want)")
        }
    }

    @Test(arguments: [(1, 1), (1, 7), (3, 8), (5, 9), (2, 17), (64, 64), (3, 1000)])
    func softmaxMatchesReference(_ shape: (Int, Int)) throws {
        let (r, c) = shape
        let x = randomData(r * c, seed: 5).map { $0 * 30 }
        for temperature in [1.0, 0.3, 2.5] {
            let fast = try Softmax.rows(.matrix(rows: r, cols: c, data: x), temperature: temperature).output.data
            let slow = Softmax.reference(x, rows: r, cols: c, temperature: temperature)
            let rel = zip(fast, slow).map { $1 == 0 ? abs($0) : abs($0 - $1) / $1 }.max() ?? 0
            #expect(rel <= 1e-12, "\(shape) T=\(temperature): \(rel)")
        }
    }

    /// Large inputs are split between threads: the same numbers, and the same first error.
    @Test func threadedSoftmaxMatchesReference() throws {
        let r = 600, c = 700   // 420,000 entries: over the threading threshold
        var x = randomData(r * c, seed: 11).map { $0 * 20 }
        let fast = try Softmax.rows(.matrix(rows: r, cols: c, data: x)).output.data
        let slow = Softmax.reference(x, rows: r, cols: c)
        #expect(zip(fast, slow).map { abs($0 - $1) / $1 }.max()! <= 1e-12)
        for j in 0..<c { x[450 * c + j] = -.infinity }   // row 451 fully masked
        x[500 * c + 3] = .nan                             // a later row with NaN
        #expect(throws: TensorError("row 451 is −∞ everywhere (fully masked), so softmax is undefined")) {
            try Softmax.rows(.matrix(rows: r, cols: c, data: x))
        }
    }

    @Test func attentionAtSizeMatchesPlainComputation() throws {
        let n = 96, d = 16
        let q = Tensor.matrix(rows: n, cols: d, data: randomData(n * d, seed: 6))
        let k = Tensor.matrix(rows: n, cols: d, data: randomData(n * d, seed: 7))
        let v = Tensor.matrix(rows: n, cols: d, data: randomData(n * d, seed: 8))
        let steps = try Attention.compute(q: q, k: k, v: v, mask: .causal)
        // Plain: scores by the triple loop, −∞ above the diagonal, glibc softmax, triple loop.
        var kt = [Double](repeating: 0, count: n * d)
        for i in 0..<n { for j in 0..<d { kt[j * n + i] = k.data[i * d + j] } }
        var scaled = Matmul.reference(q.data, kt, m: n, k: d, n: n).map { $0 / Double(d).squareRoot() }
        for i in 0..<n { for j in (i + 1)..<n where j < n { scaled[i * n + j] = -.infinity } }
        let weights = Softmax.reference(scaled, rows: n, cols: n)
        let output = Matmul.reference(weights, v.data, m: n, k: n, n: d)
        #expect(maxRelativeError(steps.heads[0].weights.data, weights) <= 1e-12)
        #expect(maxRelativeError(steps.output.data, output) <= 1e-12)
    }
}
