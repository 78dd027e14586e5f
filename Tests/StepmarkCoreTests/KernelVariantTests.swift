import Foundation
import Testing
@testable import StepmarkCore

/// Every build of the element-wise kernels this CPU can run (baseline, AVX2, AVX-512, and the
/// Swift path) against plain references written here with glibc's `exp` and `erf`: `exp` within
/// 2 ulp, softmax within 1e-15 relative, on odd lengths (the vector tails), masked (−∞) entries,
/// huge and tiny inputs.
@Suite struct KernelVariantTests {
    static let variants = KernelVariant.supported

    func random(_ count: Int, seed: UInt64, scale: Double = 1) -> [Double] {
        var g = SplitMix64(seed: seed)
        return (0..<count).map { _ in scale * (2 * g.uniform() - 1) }
    }

    /// How many representable doubles lie between two finite doubles of the same sign.
    func ulps(_ a: Double, _ b: Double) -> UInt64 {
        let x = a.bitPattern, y = b.bitPattern
        return x > y ? x - y : y - x
    }

    @Test func theBaselineAndSwiftAlwaysRunAndTheActiveOneIsSupported() {
        #expect(Self.variants.contains(.baseline) && Self.variants.contains(.swift))
        #expect(KernelVariant.active.isSupported)
    }

    @Test(arguments: variants) func expIsWithinTwoUlpOfGlibc(_ variant: KernelVariant) {
        var values: [Double] = [0, -0.0, 1e-300, -1e-300, .leastNonzeroMagnitude, -1e-10, 0.5, -0.5, 1, -1, 0.34657359, -0.34657359,
                                0.34657360, 10, -10, -100, -707.9, -708, -708.5, -745.1, -745.2, -746, -746.1, -800,
                                -.infinity, .infinity, .nan, 700, 709, 709.5, 709.79, 709.8, 1000, -1e300, 1e300]
        values += random(10_000, seed: 9, scale: 30).map { $0 - 30 }   // [−60, 0]: softmax's range
        values += random(2_001, seed: 10, scale: 750)                   // everything, odd count
        for length in [1, 2, 7, 8, 9, 15, 17, values.count] {           // vector tails of every size
            var fast = Array(values.prefix(length))
            fast.withUnsafeMutableBufferPointer { Kernels.exp($0, variant: variant) }
            for (x, y) in zip(values, fast) {
                let want = Foundation.exp(x)
                if want.isNaN { #expect(y.isNaN, "\(variant) exp(\(x))"); continue }
                if want == 0 || !want.isFinite { #expect(y == want, "\(variant) exp(\(x)) = \(y)"); continue }
                #expect(ulps(y, want) <= 2, "\(variant) exp(\(x)) = \(y), glibc \(want)")
            }
        }
    }

    /// Softmax written out plainly: glibc `exp` and a compensated (Neumaier) sum, so that the
    /// reference's own rounding stays near half an ulp whatever the row length.
    func referenceRow(_ row: [Double], temperature: Double) -> (shifted: [Double], exp: [Double], sum: Double, output: [Double]) {
        let m = row.max()!
        let shifted = row.map { ($0 - m) / temperature }
        let e = shifted.map { Foundation.exp($0) }
        var sum = 0.0, compensation = 0.0
        for v in e {
            let t = sum + v
            compensation += abs(sum) >= abs(v) ? (sum - t) + v : (v - t) + sum
            sum = t
        }
        sum += compensation
        return (shifted, e, sum, e.map { $0 / sum })
    }

    func relative(_ a: Double, _ b: Double) -> Double { b == 0 ? abs(a) : abs(a - b) / abs(b) }

    @Test(arguments: variants) func softmaxRowsMatchThePlainFormula(_ variant: KernelVariant) throws {
        let shapes = [(1, 1), (1, 2), (3, 7), (2, 9), (4, 15), (3, 17), (2, 33), (5, 127), (2, 1001)]
        // scale 3: ordinary scores; 800: most entries underflow to exactly 0; 1e-300: all equal to 1/n.
        for (rows, cols) in shapes {
            for scale in [3.0, 800.0, 1e-300] {
                for temperature in [1.0, 0.3, 2.5] {
                    var x = random(rows * cols, seed: UInt64(rows * 1000 + cols), scale: scale)
                    if cols > 2 { for r in 0..<rows { x[r * cols + (r % cols)] = -.infinity } }   // a masked entry per row
                    let steps = try Softmax.rows(.matrix(rows: rows, cols: cols, data: x), temperature: temperature, variant: variant)
                    // The C kernels sum in eight lanes (each every eighth entry) and meet 1e-15 at
                    // these lengths; the Swift path sums one entry after another, whose error bound
                    // grows as (n − 1)·2⁻⁵³ (it reaches 1.8e-15 at n = 1001).
                    let tolerance = variant == .swift ? max(1e-15, Double(cols - 1) * 0x1p-53) : 1e-15
                    for r in 0..<rows {
                        let want = referenceRow(Array(x[(r * cols)..<((r + 1) * cols)]), temperature: temperature)
                        for j in 0..<cols {
                            let at = "\(variant) \(rows)x\(cols) scale \(scale) T=\(temperature) [\(r), \(j)]"
                            #expect(steps.shifted.data[r * cols + j] == want.shifted[j], "shifted \(at)")
                            let e = steps.exp.data[r * cols + j], o = steps.output.data[r * cols + j]
                            #expect(e.isFinite && o.isFinite && !o.isNaN, "\(at)")
                            if want.exp[j] == 0 { #expect(e == 0 && o == 0, "\(at)") } else { #expect(ulps(e, want.exp[j]) <= 2, "exp \(at)") }
                            #expect(relative(o, want.output[j]) <= tolerance, "output \(at): \(o) vs \(want.output[j])")
                        }
                        let sum = rows == 1 ? steps.sum.data[0] : steps.sum.data[r]
                        #expect(relative(sum, want.sum) <= tolerance, "sum \(variant) row \(r)")
                    }
                }
            }
        }
    }

    /// The output-only softmax that attention uses gives `rows(x).output` bit for bit, on one
    /// thread and on several (a 600 × 600 input is split between threads), with −∞ entries; and
    /// it refuses what `rows` refuses.
    @Test(arguments: variants) func softmaxOutputAloneIsTheSameBits(_ variant: KernelVariant) throws {
        for (rows, cols) in [(1, 7), (3, 5), (600, 600)] {
            var rng = SplitMix64(seed: UInt64(rows * 31 + cols))
            var data = (0..<(rows * cols)).map { _ in rng.uniform() * 40 - 20 }
            data[0] = -.infinity
            let x = Tensor(shape: [rows, cols], data: data)
            let full = try Softmax.rows(x, variant: variant).output
            let alone = try Softmax.rowsOutput(x, variant: variant)
            #expect(alone.shape == full.shape)
            #expect(zip(alone.data, full.data).allSatisfy { $0.bitPattern == $1.bitPattern })
        }
        let masked = Tensor(shape: [2, 2], data: [0, 1, -.infinity, -.infinity])
        #expect(throws: TensorError.self) { try Softmax.rowsOutput(masked, variant: variant) }
    }

    @Test(arguments: variants) func softmaxRefusesNaNInfinityAndFullyMaskedRowsAlike(_ variant: KernelVariant) {
        for cols in [3, 8, 11] {
            var x = random(3 * cols, seed: 4)
            x[cols + cols - 1] = .nan   // row 2, the last entry (in the tail for 11)
            #expect(throws: TensorError("softmax input row 2 contains NaN")) {
                try Softmax.rows(.matrix(rows: 3, cols: cols, data: x), variant: variant)
            }
            x[cols + cols - 1] = .infinity
            #expect(throws: TensorError("softmax input row 2 contains +∞")) {
                try Softmax.rows(.matrix(rows: 3, cols: cols, data: x), variant: variant)
            }
            for j in 0..<cols { x[cols + j] = -.infinity }
            #expect(throws: TensorError("row 2 is −∞ everywhere (fully masked), so softmax is undefined")) {
                try Softmax.rows(.matrix(rows: 3, cols: cols, data: x), variant: variant)
            }
        }
    }

    /// GELU: the erf is glibc's in every variant, so the error is erf's (about an ulp of 1,
    /// times |x|/2) plus the rounding of the products: |Δ| ≤ 4·10⁻¹⁶·(|GELU(x)| + |x|).
    @Test(arguments: variants.filter { $0 != .swift }) func geluMatchesTheErfFormula(_ variant: KernelVariant) {
        var x: [Double] = [0, -0.0, 1, -1, 3, -3, 6, -6, 40, -40, 1e-300, -1e-300, .infinity, -.infinity]
        x += random(1001, seed: 12, scale: 8)
        var out = [Double](repeating: .nan, count: x.count)
        x.withUnsafeBufferPointer { input in out.withUnsafeMutableBufferPointer { Kernels.gelu(input, into: $0, variant: variant) } }
        for (v, y) in zip(x, out) {
            if v == .infinity { #expect(y == .infinity); continue }
            if v == -.infinity { #expect(y.isNaN || y == 0, "GELU(−∞) is −∞·0"); continue }
            let want = v * (1 + erf(v / 2.0.squareRoot())) / 2
            #expect(abs(y - want) <= 4e-16 * (abs(want) + abs(v)), "\(variant) GELU(\(v)) = \(y), want \(want)")
        }
    }

    /// Layer norm against the two-pass formula written out, with and without weight and bias,
    /// in place, on odd widths; a constant row normalises to 0 (then the bias).
    @Test(arguments: variants.filter { $0 != .swift }) func layerNormMatchesTheFormula(_ variant: KernelVariant) {
        for (rows, cols) in [(1, 1), (3, 7), (2, 8), (4, 17), (2, 768), (3, 1001)] {
            var x = random(rows * cols, seed: UInt64(cols), scale: 5).map { $0 + 1.5 }
            for j in 0..<cols { x[j] = 0.25 }   // row 0 constant
            let weight = random(cols, seed: 21), bias = random(cols, seed: 22)
            for affine in [false, true] {
                for eps in [1e-5, 1e-12] {
                    var out = [Double](repeating: .nan, count: x.count)
                    x.withUnsafeBufferPointer { xb in out.withUnsafeMutableBufferPointer { ob in
                        weight.withUnsafeBufferPointer { wb in bias.withUnsafeBufferPointer { bb in
                            Kernels.layerNorm(xb.baseAddress!, into: ob.baseAddress!, rows: rows, cols: cols,
                                              weight: affine ? wb.baseAddress : nil, bias: affine ? bb.baseAddress : nil,
                                              eps: eps, variant: variant)
                        } }
                    } }
                    var inPlace = x
                    inPlace.withUnsafeMutableBufferPointer { b in
                        weight.withUnsafeBufferPointer { wb in bias.withUnsafeBufferPointer { bb in
                            Kernels.layerNorm(b.baseAddress!, into: b.baseAddress!, rows: rows, cols: cols,
                                              weight: affine ? wb.baseAddress : nil, bias: affine ? bb.baseAddress : nil,
                                              eps: eps, variant: variant)
                        } }
                    }
                    #expect(inPlace == out, "\(variant) in place")
                    for r in 0..<rows {
                        let row = x[(r * cols)..<((r + 1) * cols)]
                        let mean = row.reduce(0, +) / Double(cols)
                        let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(cols)
                        for j in 0..<cols {
                            var want = (x[r * cols + j] - mean) / (variance + eps).squareRoot()
                            if affine { want = want * weight[j] + bias[j] }
                            let got = out[r * cols + j]
                            if r == 0 { #expect(got == (affine ? bias[j] : 0), "\(variant) constant row"); continue }
                            // Summation order differs (8 lanes vs one): a few ulps of the row's scale.
                            #expect(abs(got - want) <= 1e-14 * max(1, abs(want)), "\(variant) \(rows)x\(cols) [\(r), \(j)]: \(got) vs \(want)")
                        }
                    }
                }
            }
        }
    }

    /// `Kernels.linear` (a BERT linear layer, float32 weights) by hand: x = [1, 2, 3],
    /// W = [[1, 0.5, −1], [0.25, 0, 2]], b = [0.5, −1] gives [1 + 1 − 3 + 0.5, 0.25 + 6 − 1].
    @Test(arguments: variants) func linearByHand(_ variant: KernelVariant) {
        guard variant != .swift else { return }   // a C kernel only
        let x: [Double] = [1, 2, 3], w: [Float] = [1, 0.5, -1, 0.25, 0, 2], b: [Double] = [0.5, -1]
        var y = [Double](repeating: .nan, count: 2)
        Kernels.linear(x, weights: w, bias: b, into: &y, rows: 1, inputs: 3, outputs: 2, variant: variant)
        #expect(y == [-0.5, 5.25])
        Kernels.linear(x, weights: w, bias: nil, into: &y, rows: 1, inputs: 3, outputs: 2, variant: variant)
        #expect(y == [-1, 6.25])
    }

    /// Against a plain sum written here (each weight widened, a compensated sum, so the reference
    /// is within half an ulp), on every row count around the blocks of four, every inner size
    /// around the blocks of eight and output counts around the blocks of two and four; the
    /// kernel's own bound is (k/8 + 3)·2⁻⁵³·Σ|x·w|. AVX2 and AVX-512 (both fused) give the same
    /// bits.
    @Test func linearMatchesThePlainSumAndTheFusedVariantsAgree() {
        for k in [1, 3, 7, 8, 9, 17, 64, 384] {
            for m in [1, 2, 3, 4, 5, 7, 8, 9] { for n in [1, 2, 3, 5, 8, 9] {
                let x = random(m * k, seed: UInt64(m * 1000 + k), scale: 3)
                let w = random(n * k, seed: UInt64(k), scale: 0.2).map { Float($0) }
                let b = random(n, seed: 77)
                var results: [KernelVariant: [Double]] = [:]
                for variant in Self.variants where variant != .swift {
                    var y = [Double](repeating: .nan, count: m * n)
                    Kernels.linear(x, weights: w, bias: b, into: &y, rows: m, inputs: k, outputs: n, variant: variant)
                    results[variant] = y
                    // A row's bits do not depend on the rows beside it (blocks of 4, 3, 2 or 1):
                    // what lets the encoder stack texts.
                    for i in 0..<m {
                        var alone = [Double](repeating: .nan, count: n)
                        Kernels.linear(Array(x[(i * k)..<((i + 1) * k)]), weights: w, bias: b, into: &alone, rows: 1, inputs: k,
                                       outputs: n, variant: variant)
                        #expect(Array(y[(i * n)..<((i + 1) * n)]) == alone, "\(variant) m=\(m) k=\(k) n=\(n): row \(i) differs from itself alone")
                    }
                }
                if let wide = results[.avx512], let narrow = results[.avx2] {
                    #expect(wide == narrow, "AVX-512 and AVX2 differ at m=\(m) k=\(k) n=\(n)")
                }
                for (variant, y) in results { for i in 0..<m {
                    for j in 0..<n {
                        var sum = 0.0, compensation = 0.0, magnitude = 0.0
                        for p in 0..<k {
                            let term = x[i * k + p] * Double(w[j * k + p])
                            magnitude += abs(term)
                            let t = sum + term
                            compensation += abs(sum) >= abs(term) ? (sum - t) + term : (term - t) + sum
                            sum = t
                        }
                        let want = (sum + compensation) + b[j]
                        let bound = (Double(k) / 8 + 4) * 0x1p-53 * (magnitude + abs(b[j]))
                        #expect(abs(y[i * n + j] - want) <= bound, "\(variant) m=\(m) k=\(k) n=\(n) [\(i), \(j)]: \(y[i * n + j]) vs \(want)")
                    }
                } }
            } }
        }
    }

    /// A large product split into bands of outputs on several threads gives the bits of one
    /// thread (each output is summed whole by one thread), for band edges at and off the
    /// kernel's blocks of four.
    @Test func linearBandsOnThreadsGiveTheBitsOfOneThread() throws {
        let k = 40, n = 250, rows = 23
        let w = random(n * k, seed: 91, scale: 0.3).map { Float($0) }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("stepmark-linear-\(UUID().uuidString).safetensors").path
        var bytes: [UInt8] = []
        let header = Array(#"{"w":{"dtype":"F32","shape":[250,40],"data_offsets":[0,40000]}}"#.utf8)
        let padded = header + [UInt8](repeating: 0x20, count: (8 - header.count % 8) % 8)
        for i in 0..<8 { bytes.append(UInt8((padded.count >> (8 * i)) & 0xFF)) }
        bytes += padded + w.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try SafetensorsFile(path: path)
        let layer = Linear(weights: .float32(try #require(file.float32("w"))), bias: random(n, seed: 92), inputs: k, outputs: n)
        let x = random(rows * k, seed: 93, scale: 2)
        let one = layer.apply(x, rows: rows, bands: 1)
        for bands in [2, 3, 7] { #expect(layer.apply(x, rows: rows, bands: bands) == one, "\(bands) bands") }
        #expect(layer(x, rows: rows) == one)
    }
}
