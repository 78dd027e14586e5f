import FoundationEssentials
import Dispatch

/// The intermediate values of a softmax, as a lesson shows them.
public struct SoftmaxSteps: Sendable {
    /// `(x − max of its row) / T`: every row's largest entry becomes 0, so `exp` cannot overflow.
    public var shifted: Tensor
    /// `exp(shifted)`, each entry in (0, 1]; `exp(−∞) = 0`.
    public var exp: Tensor
    /// The sum of each row of `exp` (a vector with one entry per row; a scalar for a vector input).
    public var sum: Tensor
    /// `exp / sum`: each row is a probability distribution.
    public var output: Tensor
}

public enum Softmax {
    /// Row-wise softmax with temperature, following PyTorch and numpy conventions:
    /// `softmax(x)_j = exp((x_j − max x) / T) / Σ_k exp((x_k − max x) / T)`.
    ///
    /// A vector is one row. Entries of −∞ get probability 0 (a masked position).
    /// - Parameter variant: which build of the row kernel runs (`KernelVariant.active`: the
    ///   widest this CPU has; tests pass each in turn).
    /// - Throws: when `temperature` is not a positive finite number, when a row is entirely
    ///   −∞ (there is nothing to attend to: an error, never NaN), or when a row holds NaN or +∞.
    public static func rows(_ x: Tensor, temperature: Double = 1, variant: KernelVariant = .active) throws -> SoftmaxSteps {
        guard temperature > 0, temperature.isFinite else {
            throw TensorError("temperature must be a positive number, got \(temperature)")
        }
        guard !x.isScalar else { throw TensorError("softmax needs a vector or a matrix, got a scalar") }
        let rows = x.rows, cols = x.cols
        guard cols > 0 else { throw TensorError("softmax of an empty row is undefined") }
        // Fresh buffers (not copies of x) that every row below writes in full before any read;
        // on an error they are thrown away unread.
        var shifted = Tensor(shape: x.shape, data: LargeArray.uninitialized(x.count), rowLabels: x.rowLabels, colLabels: x.colLabels)
        var e = shifted, out = shifted
        e.data = LargeArray.uninitialized(x.count)
        out.data = LargeArray.uninitialized(x.count)
        var sums = [Double](repeating: 0, count: rows)
        try x.data.withUnsafeBufferPointer { input in
            try shifted.data.withUnsafeMutableBufferPointer { sh in
                try e.data.withUnsafeMutableBufferPointer { ex in
                    try out.data.withUnsafeMutableBufferPointer { o in
                        try sums.withUnsafeMutableBufferPointer { sumBuffer in
                            let buffers = RowBuffers(input: input.baseAddress!, shifted: sh.baseAddress!, exp: ex.baseAddress!,
                                                     output: o.baseAddress!, sums: sumBuffer.baseAddress!, rows: rows, cols: cols,
                                                     temperature: temperature, variant: variant)
                            try buffers.run()
                        }
                    }
                }
            }
        }
        let sum: Tensor = x.isVector ? .scalar(sums[0]) : Tensor(shape: [rows], data: sums, rowLabels: x.rowLabels)
        return SoftmaxSteps(shifted: shifted, exp: e, sum: sum, output: out)
    }

    /// `rows(x).output` alone, the same numbers bit for bit: the shifted and exponentiated rows
    /// go to one scratch row per thread instead of two more matrices of x's size. Attention
    /// keeps only the weights; at N = 2048 the two unused matrices were 64 MB of fresh pages,
    /// whose zeroing by the kernel was a third of `stepmark run`.
    public static func rowsOutput(_ x: Tensor, variant: KernelVariant = .active) throws -> Tensor {
        guard !x.isScalar else { throw TensorError("softmax needs a vector or a matrix, got a scalar") }
        let rows = x.rows, cols = x.cols
        guard cols > 0 else { throw TensorError("softmax of an empty row is undefined") }
        var out = Tensor(shape: x.shape, data: LargeArray.uninitialized(x.count), rowLabels: x.rowLabels, colLabels: x.colLabels)
        let workers = RowBuffers.workers(rows: rows, cols: cols)
        var shifted = [Double](repeating: 0, count: workers * cols)
        var e = [Double](repeating: 0, count: workers * cols)
        var sums = [Double](repeating: 0, count: rows)
        try x.data.withUnsafeBufferPointer { input in
            try shifted.withUnsafeMutableBufferPointer { sh in
                try e.withUnsafeMutableBufferPointer { ex in
                    try out.data.withUnsafeMutableBufferPointer { o in
                        try sums.withUnsafeMutableBufferPointer { sumBuffer in
                            var buffers = RowBuffers(input: input.baseAddress!, shifted: sh.baseAddress!, exp: ex.baseAddress!,
                                                     output: o.baseAddress!, sums: sumBuffer.baseAddress!, rows: rows, cols: cols,
                                                     temperature: 1, variant: variant)
                            buffers.scratch = true
                            try buffers.run()
                        }
                    }
                }
            }
        }
        return out
    }

    /// The raw row buffers of one softmax, so that rows can be shared out between threads: each
    /// row is read and written by exactly one thread.
    struct RowBuffers: @unchecked Sendable {
        let input: UnsafePointer<Double>
        let shifted, exp, output, sums: UnsafeMutablePointer<Double>
        let rows, cols: Int
        let temperature: Double
        let variant: KernelVariant
        /// When true, `shifted` and `exp` hold one scratch row per worker instead of one row
        /// per input row (`rowsOutput`).
        var scratch = false

        /// How many threads `run` uses.
        static func workers(rows: Int, cols: Int) -> Int {
            rows * cols >= 1 << 18 ? min(rows, BLAS.threads) : 1
        }

        /// Large inputs use as many threads as the products may (`BLAS.threads`, one per core by
        /// default): rows are split into contiguous ranges, one per thread.
        func run() throws {
            let workers = Self.workers(rows: rows, cols: cols)
            if workers <= 1 {
                for r in 0..<rows { try row(r) }
                return
            }
            // The first error of each worker; the lowest worker's is the one a single thread
            // would have met first.
            let errors = UnsafeMutablePointer<TensorError?>.allocate(capacity: workers)
            errors.initialize(repeating: nil, count: workers)
            defer { errors.deinitialize(count: workers); errors.deallocate() }
            let shared = ErrorSlots(slots: errors)
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                for r in (rows * w / workers)..<(rows * (w + 1) / workers) {
                    do { try row(r, worker: w) } catch let e as TensorError { shared.slots[w] = e; return } catch { return }
                }
            }
            if let first = (0..<workers).lazy.compactMap({ errors[$0] }).first { throw first }
        }

        /// Row r: max, shift (and temperature), exp, sum, divide; in the C kernel of the variant,
        /// or in Swift for `.swift`.
        func row(_ r: Int, worker: Int = 0) throws {
            let base = r * cols
            // Where this row's shifted and exp entries go: row r, or the worker's scratch row.
            let work = scratch ? worker * cols : base
            let shifted = self.shifted + (work - base), exp = self.exp + (work - base)
            if variant != .swift {
                let problem = Kernels.softmaxRow(input + base, shifted: shifted + base, exp: exp + base, output: output + base,
                                                 count: cols, temperature: temperature, sum: sums + r, variant: variant)
                switch problem {
                case nil: return
                case .nan?: throw TensorError("softmax input row \(r + 1) contains NaN")
                case .positiveInfinity?: throw TensorError("softmax input row \(r + 1) contains +∞")
                case .fullyMasked?: throw fullyMasked(r)
                }
            }
            var m = -Double.infinity
            var bad = false
            for j in base..<(base + cols) {
                let v = input[j]
                if v > m { m = v }
                if v.isNaN || v == .infinity { bad = true }
            }
            if bad {
                let hasNaN = (base..<(base + cols)).contains { input[$0].isNaN }
                throw TensorError("softmax input row \(r + 1) contains \(hasNaN ? "NaN" : "+∞")")
            }
            if m == -.infinity { throw fullyMasked(r) }
            if temperature == 1 {
                for j in base..<(base + cols) { shifted[j] = input[j] - m }
            } else {
                for j in base..<(base + cols) { shifted[j] = (input[j] - m) / temperature }
            }
            for j in base..<(base + cols) { exp[j] = shifted[j] }
            FastMath.expInPlace(UnsafeMutableBufferPointer(start: exp + base, count: cols))
            var sum = 0.0
            for j in base..<(base + cols) { sum += exp[j] }
            sums[r] = sum
            for j in base..<(base + cols) { output[j] = exp[j] / sum }
        }

        func fullyMasked(_ r: Int) -> TensorError {
            TensorError(rows == 1 ? "every entry is −∞ (fully masked), so softmax is undefined"
                                  : "row \(r + 1) is −∞ everywhere (fully masked), so softmax is undefined")
        }
    }

    struct ErrorSlots: @unchecked Sendable { let slots: UnsafeMutablePointer<TensorError?> }

    /// The plain softmax (glibc `exp`, one entry at a time) that the fast path is tested against.
    public static func reference(_ x: [Double], rows: Int, cols: Int, temperature: Double = 1) -> [Double] {
        var out = x
        for r in 0..<rows {
            let row = x[(r * cols)..<((r + 1) * cols)]
            let m = row.max() ?? 0
            let e = row.map { Glibc.exp(($0 - m) / temperature) }
            let s = e.reduce(0, +)
            for (j, v) in e.enumerated() { out[r * cols + j] = v / s }
        }
        return out
    }

    /// The softmax of each column instead of each row.
    public static func columns(_ x: Tensor, temperature: Double = 1) throws -> SoftmaxSteps {
        guard x.isMatrix else { return try rows(x, temperature: temperature) }
        let t = try rows(LinearAlgebra.transpose(x), temperature: temperature)
        return SoftmaxSteps(shifted: LinearAlgebra.transpose(t.shifted), exp: LinearAlgebra.transpose(t.exp),
                            sum: Tensor(shape: [x.cols], data: t.sum.data, rowLabels: x.colLabels),
                            output: LinearAlgebra.transpose(t.output))
    }
}
