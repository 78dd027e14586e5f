import FoundationEssentials

/// Matrix products, transposes and element-wise arithmetic with numpy's broadcasting rules
/// restricted to ranks 0–2.
public enum LinearAlgebra {
    /// The matrix product `a @ b` with numpy's conventions for vectors: a vector on the left is
    /// a row, on the right a column, and the vector dimension is dropped from the result.
    ///
    /// Labels: the result's rows carry `a`'s row labels and its columns `b`'s column labels.
    /// - Parameter deadline: checked between blocks of rows of a large product (about 2²⁵
    ///   multiply-adds each), so a product that would run past the lesson's time limit stops.
    /// - Throws: when the inner dimensions differ, naming both shapes, or when the deadline
    ///   passes.
    public static func matmul(_ a: Tensor, _ b: Tensor, deadline: Deadline = .none) throws -> Tensor {
        if a.isScalar || b.isScalar {
            throw TensorError("@ needs vectors or matrices, got \(a.shapeDescription) @ \(b.shapeDescription); use * for scalars")
        }
        let (m, k) = a.isVector ? (1, a.shape[0]) : (a.shape[0], a.shape[1])
        let (k2, n) = b.isVector ? (b.shape[0], 1) : (b.shape[0], b.shape[1])
        guard k == k2 else {
            throw TensorError("shape mismatch in @: \(a.shapeDescription) @ \(b.shapeDescription) (inner dimensions \(k) and \(k2) differ)")
        }
        let out = try Matmul.multiply(a.data, b.data, m: m, k: k, n: n, deadline: deadline)
        switch (a.isVector, b.isVector) {
        case (true, true): return .scalar(out[0])
        case (true, false): return Tensor(shape: [n], data: out, rowLabels: b.colLabels)
        case (false, true): return Tensor(shape: [m], data: out, rowLabels: a.rowLabels)
        case (false, false): return Tensor(shape: [m, n], data: out, rowLabels: a.rowLabels, colLabels: b.colLabels)
        }
    }

    /// The transpose of a matrix (labels swap); a vector becomes a column matrix, a scalar stays.
    public static func transpose(_ a: Tensor) -> Tensor {
        if a.isScalar { return a }
        if a.isVector { return Tensor(shape: [a.shape[0], 1], data: a.data, rowLabels: a.rowLabels) }
        let r = a.shape[0], c = a.shape[1]
        var out = [Double](repeating: 0, count: r * c)
        a.data.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for i in 0..<r { for j in 0..<c { dst[j * r + i] = src[i * c + j] } }
            }
        }
        return Tensor(shape: [c, r], data: out, rowLabels: a.colLabels, colLabels: a.rowLabels)
    }

    /// The shape of `a ∘ b` under broadcasting: equal shapes, a scalar with anything, a vector
    /// of length c with a matrix of c columns (the vector repeats over the rows, as in numpy),
    /// or a column matrix r×1 with an r×c matrix.
    public static func broadcastShape(_ a: [Int], _ b: [Int], op: String) throws -> [Int] {
        if a == b { return a }
        if a.isEmpty { return b }
        if b.isEmpty { return a }
        if a.count == 1, b.count == 2, b[1] == a[0] { return b }
        if b.count == 1, a.count == 2, a[1] == b[0] { return a }
        if a.count == 2, b.count == 2 {
            let rows = a[0] == b[0] ? a[0] : (a[0] == 1 ? b[0] : (b[0] == 1 ? a[0] : -1))
            let cols = a[1] == b[1] ? a[1] : (a[1] == 1 ? b[1] : (b[1] == 1 ? a[1] : -1))
            if rows >= 0 && cols >= 0 { return [rows, cols] }
        }
        throw TensorError("shape mismatch in \(op): \(Tensor.describe(a)) \(op) \(Tensor.describe(b)) cannot be broadcast together")
    }

    /// Element-wise `f(a, b)` with broadcasting. Labels come from whichever operand has the
    /// result's shape (the left one first).
    public static func elementwise(_ a: Tensor, _ b: Tensor, op: String, _ f: (Double, Double) -> Double) throws -> Tensor {
        let shape = try broadcastShape(a.shape, b.shape, op: op)
        let rows = shape.count == 2 ? shape[0] : 1
        let cols = shape.count == 2 ? shape[1] : (shape.count == 1 ? shape[0] : 1)
        func index(_ t: Tensor) -> (Int, Int) -> Int {
            if t.isScalar { return { _, _ in 0 } }
            if t.isVector { return { _, j in j } }
            let tr = t.shape[0], tc = t.shape[1]
            return { i, j in (tr == 1 ? 0 : i) * tc + (tc == 1 ? 0 : j) }
        }
        var out = [Double](repeating: 0, count: rows * cols)
        if a.shape == b.shape {
            for i in 0..<out.count { out[i] = f(a.data[i], b.data[i]) }
        } else {
            let ia = index(a), ib = index(b)
            for i in 0..<rows { for j in 0..<cols { out[i * cols + j] = f(a.data[ia(i, j)], b.data[ib(i, j)]) } }
        }
        let (source, other) = a.shape == shape ? (a, b) : (b, a)
        return Tensor(shape: shape, data: out,
                      rowLabels: source.rowLabels ?? (other.shape == shape ? other.rowLabels : nil),
                      colLabels: source.colLabels ?? (other.shape == shape ? other.colLabels : nil))
    }

    /// `f` applied to every entry, keeping shape and labels.
    public static func map(_ a: Tensor, _ f: (Double) -> Double) -> Tensor {
        let data = a.data.withUnsafeBufferPointer { source in
            LargeArray.make(count: source.count) { out in
                for i in 0..<source.count { out[i] = f(source[i]) }
            }
        }
        return Tensor(shape: a.shape, data: data, rowLabels: a.rowLabels, colLabels: a.colLabels)
    }

    /// Every entry multiplied by `factor` (a loop the compiler vectorises, unlike a closure call).
    public static func scaled(_ a: Tensor, by factor: Double) -> Tensor {
        let data = a.data.withUnsafeBufferPointer { source in
            LargeArray.make(count: source.count) { out in
                for i in 0..<source.count { out[i] = source[i] * factor }
            }
        }
        return Tensor(shape: a.shape, data: data, rowLabels: a.rowLabels, colLabels: a.colLabels)
    }

    /// Rows of a matrix (or the vector itself) scaled to unit Euclidean length.
    /// - Throws: on a zero row, which has no direction.
    public static func normalizeRows(_ a: Tensor) throws -> Tensor {
        var t = a
        let c = a.cols
        for r in 0..<a.rows {
            // Divide by the largest magnitude first: squares of 1e200 overflow and squares of
            // 1e-200 underflow, which made a tiny row look like a zero vector.
            var m = 0.0
            for j in 0..<c { m = max(m, abs(a.data[r * c + j])) }
            func name() -> String {
                a.rowLabels.map { a.isMatrix ? "row \(r + 1) ('\($0[r])')" : "the vector" } ?? (a.isMatrix ? "row \(r + 1)" : "the vector")
            }
            guard m > 0 else { throw TensorError("cannot normalise \(name()): it is a zero vector") }
            guard m.isFinite else { throw TensorError("cannot normalise \(name()): it holds an infinite or NaN entry") }
            var s = 0.0
            for j in 0..<c { let x = a.data[r * c + j] / m; s += x * x }
            // x/m/√s rather than x/n: n itself may overflow even when every x/n is small.
            let root = s.squareRoot()
            for j in 0..<c { t.data[r * c + j] = a.data[r * c + j] / m / root }
        }
        return t
    }

    /// The Euclidean norm of all entries (the Frobenius norm of a matrix, as numpy's default).
    public static func norm(_ a: Tensor) -> Double {
        // Scaled by the largest magnitude so that 1e200 entries give 1e200·√n, not ∞, and
        // 1e-200 entries are not 0 (as numpy's nrm2).
        var m = 0.0
        for x in a.data { m = max(m, abs(x)) }
        guard m > 0, m.isFinite else { return m }
        var s = 0.0
        for x in a.data { let y = x / m; s += y * y }
        return m * s.squareRoot()
    }

    /// Cosine similarity `a·b / (|a| |b|)`.
    ///
    /// Two vectors of equal length give a scalar. Two matrices with the same number of
    /// columns give the matrix of cosines between every row of `a` and every row of `b`;
    /// a vector and a matrix compare the vector with each row.
    /// - Throws: when lengths differ or a vector has length zero (its direction is undefined).
    public static func cosine(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        guard !a.isScalar, !b.isScalar, a.cols == b.cols else {
            throw TensorError("cosine needs vectors of the same length (or matrices with equal columns), got \(a.shapeDescription) and \(b.shapeDescription)")
        }
        let na = try normalizeRows(a.asMatrix().labelled(rows: a.isVector ? nil : a.rowLabels))
        let nb = try normalizeRows(b.asMatrix().labelled(rows: b.isVector ? nil : b.rowLabels))
        let m = try matmul(na, transpose(nb))
        if a.isVector && b.isVector { return .scalar(m.data[0]) }
        if a.isVector { return Tensor(shape: [b.rows], data: m.data, rowLabels: b.rowLabels) }
        if b.isVector { return Tensor(shape: [a.rows], data: m.data, rowLabels: a.rowLabels) }
        return Tensor(shape: [a.rows, b.rows], data: m.data, rowLabels: a.rowLabels, colLabels: b.rowLabels)
    }
}

/// Matrix-product kernels over row-major buffers.
public enum Matmul {
    /// Which code multiplies a large product.
    public enum Kernel: Sendable {
        /// OpenBLAS when it is installed (loaded at the first large product), else Swift.
        case automatic
        /// The portable Swift loops, whatever is installed (what runs where OpenBLAS is absent).
        case swift
    }

    /// Products with fewer multiply-adds than this (64³) use the Swift loop. Below it the loop
    /// takes well under a tenth of a millisecond, less than loading OpenBLAS would cost, so a
    /// lesson of small matrices never loads it; above it OpenBLAS's tuned kernels and threads
    /// win.
    public static let blasThreshold = 64 * 64 * 64

    /// `C = A·B` for A m×k and B k×n, all row-major.
    public static func multiply(_ a: [Double], _ b: [Double], m: Int, k: Int, n: Int, kernel: Kernel = .automatic) -> [Double] {
        var c = LargeArray.zeros(m * n)
        guard m > 0, n > 0 else { return c }
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    multiply(pa.baseAddress!, pb.baseAddress!, pc.baseAddress!, m: m, k: k, n: n, kernel: kernel)
                }
            }
        }
        return c
    }

    /// `C = A·B` for A m×k and B k×n, in blocks of rows with the deadline checked between
    /// them. Each block is one BLAS call of about `blockWork` multiply-adds (at least one row),
    /// so the result is that of one call: every row's sums are formed the same way.
    public static func multiply(_ a: [Double], _ b: [Double], m: Int, k: Int, n: Int, deadline: Deadline) throws -> [Double] {
        guard deadline.date != nil, m > 1, let work = ResultSize.product([m, n, max(k, 1)]), work > blockWork else {
            return multiply(a, b, m: m, k: k, n: n)
        }
        try deadline.check("a \(m)×\(k) @ \(k)×\(n) matrix product")
        var c = LargeArray.zeros(m * n)
        let rowsPerBlock = max(1, blockWork / max(1, n * max(k, 1)))
        try a.withUnsafeBufferPointer { pa in
            try b.withUnsafeBufferPointer { pb in
                try c.withUnsafeMutableBufferPointer { pc in
                    var row = 0
                    while row < m {
                        let rows = min(rowsPerBlock, m - row)
                        multiply(pa.baseAddress! + row * k, pb.baseAddress!, pc.baseAddress! + row * n, m: rows, k: k, n: n)
                        row += rows
                        if row < m { try deadline.check("a \(m)×\(k) @ \(k)×\(n) matrix product") }
                    }
                }
            }
        }
        return c
    }

    /// Multiply-adds between two checks of a deadline: about 30 ms of OpenBLAS on one core.
    public static let blockWork = 1 << 25

    /// `C = A·B` (overwriting C). Large products go to OpenBLAS when it is there; everything else to a loop in i-k-j
    /// order, which streams rows of B and C and which the compiler vectorises.
    public static func multiply(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>,
                                _ c: UnsafeMutablePointer<Double>, m: Int, k: Int, n: Int, kernel: Kernel = .automatic) {
        guard m > 0, n > 0 else { return }
        if k > 0, m * n * k >= blasThreshold {
            if kernel == .automatic, BLAS.multiply(a, b, c, m: m, k: k, n: n) { return }
            blocked(a, b, c, m: m, k: k, n: n)
            return
        }
        small(a, b, c, m: m, k: k, n: n)
    }

    /// `C = A·Bᵀ` for A m×k and B n×k (the attention scores Q·Kᵀ without forming Kᵀ).
    public static func multiplyTransposed(_ a: [Double], _ b: [Double], m: Int, k: Int, n: Int, kernel: Kernel = .automatic) -> [Double] {
        guard m > 0, n > 0, k > 0 else { return [Double](repeating: 0, count: m * n) }
        // BLAS (β = 0) and the loops below both write every entry.
        var c = LargeArray.uninitialized(m * n)
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    if m * n * k >= blasThreshold {
                        if kernel == .automatic,
                           BLAS.multiply(pa.baseAddress!, pb.baseAddress!, pc.baseAddress!, m: m, k: k, n: n, transposeB: true) {
                            return
                        }
                        // Without OpenBLAS: transpose B once (n·k moves against m·n·k
                        // multiply-adds) so that the vectorised i-k-j loop applies. Each entry
                        // is still the sum over p in order, as the dot-product loop gives.
                        var bt = LargeArray.uninitialized(k * n)
                        bt.withUnsafeMutableBufferPointer { pbt in
                            for j in 0..<n { for p in 0..<k { pbt[p * n + j] = pb[j * k + p] } }
                        }
                        bt.withUnsafeBufferPointer { pbt in
                            blocked(pa.baseAddress!, pbt.baseAddress!, pc.baseAddress!, m: m, k: k, n: n)
                        }
                    } else {
                        for i in 0..<m { for j in 0..<n {
                            var s = 0.0
                            for p in 0..<k { s += pa[i * k + p] * pb[j * k + p] }
                            pc[i * n + j] = s
                        } }
                    }
                }
            }
        }
        return c
    }

    /// The i-k-j loop over tiles of B (`panelRows` rows of `panelColumns` columns, 256 KB, so
    /// a tile stays in the L2 cache while every row of A passes over it): the fallback for
    /// large products when OpenBLAS is absent. Tiles of p are visited in order, so each entry
    /// is summed in the same order as in `small` and the two agree bit for bit.
    static func blocked(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>,
                        _ c: UnsafeMutablePointer<Double>, m: Int, k: Int, n: Int) {
        let panelRows = 128, panelColumns = 256
        c.update(repeating: 0, count: m * n)
        for j0 in stride(from: 0, to: n, by: panelColumns) {
            let width = min(panelColumns, n - j0)
            for p0 in stride(from: 0, to: k, by: panelRows) {
                let depth = min(panelRows, k - p0)
                for i in 0..<m {
                    let ci = c + i * n + j0
                    let ai = a + i * k + p0
                    for p in 0..<depth {
                        let aip = ai[p]
                        let bp = b + (p0 + p) * n + j0
                        for j in 0..<width { ci[j] += aip * bp[j] }
                    }
                }
            }
        }
    }

    static func small(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>,
                      _ c: UnsafeMutablePointer<Double>, m: Int, k: Int, n: Int) {
        for i in 0..<m {
            let ci = c + i * n
            for j in 0..<n { ci[j] = 0 }
            for p in 0..<k {
                let aip = a[i * k + p]
                let bp = b + p * n
                for j in 0..<n { ci[j] += aip * bp[j] }
            }
        }
    }

    /// The textbook triple loop: the reference every fast path is tested against.
    public static func reference(_ a: [Double], _ b: [Double], m: Int, k: Int, n: Int) -> [Double] {
        var c = [Double](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n {
            var s = 0.0
            for p in 0..<k { s += a[i * k + p] * b[p * n + j] }
            c[i * n + j] = s
        } }
        return c
    }
}
