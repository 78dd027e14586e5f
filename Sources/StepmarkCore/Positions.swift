import FoundationEssentials

/// Fixed positional encodings added to token embeddings before attention (a learned table, as
/// BERT's, is a weight of its model instead).
public enum Positions {
    /// The sinusoidal positional encoding of "Attention Is All You Need", `positions × dimension`:
    /// `PE[p, 2i] = sin(p / 10000^(2i/d))`, `PE[p, 2i+1] = cos(p / 10000^(2i/d))`, p from 0. With
    /// an odd `d` the last column is a sine. Row labels: `labels` when given (tokens), else none.
    /// - Throws: when `positions < 0` or `dimension < 1`.
    public static func sinusoidal(count positions: Int, dimension d: Int, labels: [String]? = nil) throws -> Tensor {
        guard positions >= 0 else { throw TensorError("the number of positions must be 0 or more, got \(positions)") }
        guard d >= 1 else { throw TensorError("the positional encoding needs a dimension of at least 1, got \(d)") }
        var data = [Double](repeating: 0, count: positions * d)
        for p in 0..<positions {
            for j in 0..<d {
                let twoI = Double(j - j % 2)
                let angle = Double(p) / pow(10000, twoI / Double(d))
                data[p * d + j] = j % 2 == 0 ? sin(angle) : cos(angle)
            }
        }
        return Tensor(shape: [positions, d], data: data, rowLabels: labels)
    }
}

extension Embeddings {
    /// `Positions.sinusoidal`, under the name the `encode` code and its tests have always used.
    public static func sinusoidalPositions(count positions: Int, dimension d: Int, labels: [String]? = nil) throws -> Tensor {
        try Positions.sinusoidal(count: positions, dimension: d, labels: labels)
    }
}
