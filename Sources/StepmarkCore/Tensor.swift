/// A dense tensor of `Double`s in row-major order: a scalar (rank 0), a vector (rank 1) or a
/// matrix (rank 2), with optional labels for the rows and columns (usually tokens).
///
/// Labels travel with the numbers so that every renderer can show which token a row belongs
/// to. Kernels keep labels where the meaning of a row or column is unchanged (a row softmax
/// keeps both) and derive them where it is clear (Q·Kᵀ has Q's rows and K's rows as columns).
public struct Tensor: Sendable, Equatable {
    /// `[]` for a scalar, `[n]` for a vector, `[rows, cols]` for a matrix.
    public private(set) var shape: [Int]
    /// `shape.reduce(1, *)` entries, row-major.
    public var data: [Double]
    /// One label per row of a matrix (or per entry of a vector), when known.
    public var rowLabels: [String]?
    /// One label per column of a matrix, when known.
    public var colLabels: [String]?

    public init(shape: [Int], data: [Double], rowLabels: [String]? = nil, colLabels: [String]? = nil) {
        precondition(shape.count <= 2, "tensors have rank 0, 1 or 2")
        precondition(shape.allSatisfy { $0 >= 0 } && shape.reduce(1, *) == data.count,
                     "shape \(shape) does not match \(data.count) entries")
        self.shape = shape
        self.data = data
        self.rowLabels = rowLabels
        self.colLabels = colLabels
        if let rowLabels, rowLabels.count != labelledRowCount { self.rowLabels = nil }
        if let colLabels, shape.count != 2 || colLabels.count != shape[1] { self.colLabels = nil }
    }

    public static func scalar(_ value: Double) -> Tensor { Tensor(shape: [], data: [value]) }

    public static func vector(_ values: [Double], labels: [String]? = nil) -> Tensor {
        Tensor(shape: [values.count], data: values, rowLabels: labels)
    }

    public static func matrix(rows: Int, cols: Int, data: [Double],
                              rowLabels: [String]? = nil, colLabels: [String]? = nil) -> Tensor {
        Tensor(shape: [rows, cols], data: data, rowLabels: rowLabels, colLabels: colLabels)
    }

    /// A matrix from nested arrays; every row must have the same length (checked by callers
    /// that accept user input, which report ragged rows with a position).
    public static func matrix(_ rows: [[Double]], rowLabels: [String]? = nil, colLabels: [String]? = nil) -> Tensor {
        let cols = rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == cols }, "ragged matrix")
        return Tensor(shape: [rows.count, cols], data: rows.flatMap { $0 }, rowLabels: rowLabels, colLabels: colLabels)
    }

    public static func zeros(_ rows: Int, _ cols: Int) -> Tensor {
        Tensor(shape: [rows, cols], data: [Double](repeating: 0, count: rows * cols))
    }

    public static func filled(_ value: Double, shape: [Int]) -> Tensor {
        Tensor(shape: shape, data: [Double](repeating: value, count: shape.reduce(1, *)))
    }

    public static func identity(_ n: Int) -> Tensor {
        var t = zeros(n, n)
        for i in 0..<n { t.data[i * n + i] = 1 }
        return t
    }

    public var rank: Int { shape.count }
    public var count: Int { data.count }
    /// What the value is charged against the entry limit (`ResultSize.footprint`): `count`,
    /// except that an empty dimension counts as 1.
    public var footprint: Int { ResultSize.footprint(shape) }
    public var isScalar: Bool { shape.isEmpty }
    public var isVector: Bool { shape.count == 1 }
    public var isMatrix: Bool { shape.count == 2 }

    /// Rows when seen as a matrix: a vector is one row, a scalar a 1×1 matrix.
    public var rows: Int { shape.count == 2 ? shape[0] : 1 }
    /// Columns when seen as a matrix.
    public var cols: Int { shape.count == 2 ? shape[1] : (shape.count == 1 ? shape[0] : 1) }

    /// Row labels of a matrix label rows; those of a vector label its entries.
    private var labelledRowCount: Int { shape.count == 2 ? shape[0] : (shape.count == 1 ? shape[0] : 1) }

    /// The single value of a scalar (or of any one-entry tensor).
    public var scalarValue: Double? { data.count == 1 ? data[0] : nil }

    public subscript(row: Int, col: Int) -> Double {
        get { data[row * cols + col] }
        set { data[row * cols + col] = newValue }
    }

    /// The tensor as a `rows × cols` matrix, keeping the data (a vector becomes one row).
    public func asMatrix() -> Tensor {
        if isMatrix { return self }
        if isVector { return Tensor(shape: [1, cols], data: data, rowLabels: nil, colLabels: rowLabels) }
        return Tensor(shape: [1, 1], data: data)
    }

    /// Row `i` of a matrix as a vector labelled by the column labels.
    public func row(_ i: Int) -> Tensor {
        let c = cols
        return Tensor(shape: [c], data: Array(data[(i * c)..<((i + 1) * c)]), rowLabels: colLabels)
    }

    /// The same entries in another shape of equal size; labels are dropped unless they still fit.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, data: data, rowLabels: rowLabels, colLabels: colLabels)
    }

    /// Labels replaced (nil keeps the current ones).
    public func labelled(rows: [String]? = nil, cols: [String]? = nil) -> Tensor {
        var t = self
        if let rows { t.rowLabels = rows.count == labelledRowCount ? rows : t.rowLabels }
        if let cols, isMatrix, cols.count == shape[1] { t.colLabels = cols }
        return t
    }

    /// The same numbers without labels.
    public var unlabelled: Tensor { Tensor(shape: shape, data: data) }

    /// `[2, 3]` — the shape as users see it in errors and JSON.
    public var shapeDescription: String { Tensor.describe(shape) }

    public static func describe(_ shape: [Int]) -> String {
        shape.isEmpty ? "scalar" : "[" + shape.map(String.init).joined(separator: ", ") + "]"
    }

    /// True when every entry is finite.
    public var isFinite: Bool { data.allSatisfy { $0.isFinite } }
}

/// A numeric error without a position; the lesson layer adds the file, line and column.
public struct TensorError: Error, Equatable, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
