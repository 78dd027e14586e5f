/// SplitMix64 (Steele, Lea and Flood, 2014), the generator the SPEC fixes so that every
/// `random(…, seed=S)` and every weight initialisation is reproducible across languages.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform double in [0, 1): the top 53 bits scaled by 2⁻⁵³.
    public mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// `rows × cols` entries `2u − 1` in [−1, 1), filled row-major.
    public static func randomMatrix(rows: Int, cols: Int, seed: UInt64) -> Tensor {
        var g = SplitMix64(seed: seed)
        var data = [Double](repeating: 0, count: rows * cols)
        for i in 0..<data.count { data[i] = 2 * g.uniform() - 1 }
        return Tensor(shape: [rows, cols], data: data)
    }

    /// Xavier-uniform weights for a `fanIn × fanOut` layer: `(2u − 1)·√(6 / (fanIn + fanOut))`,
    /// row-major, drawn from this generator (so consecutive layers continue one stream).
    public mutating func xavier(fanIn: Int, fanOut: Int) -> Tensor {
        let bound = (6.0 / Double(fanIn + fanOut)).squareRoot()
        var data = [Double](repeating: 0, count: fanIn * fanOut)
        for i in 0..<data.count { data[i] = (2 * uniform() - 1) * bound }
        return Tensor(shape: [fanIn, fanOut], data: data)
    }
}
