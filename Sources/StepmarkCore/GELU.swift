import FoundationEssentials

/// The Gaussian error linear unit of Hendrycks & Gimpel (2016) in its exact form, as BERT's
/// `hidden_act: "gelu"` and PyTorch's `nn.GELU()` (approximate="none") compute it:
/// `GELU(x) = x · Φ(x) = x · (1 + erf(x / √2)) / 2`.
///
/// Not the tanh approximation `0.5x(1 + tanh(√(2/π)(x + 0.044715x³)))`: on all-MiniLM-L6-v2 it
/// moves the last hidden states by about 3e-3, far outside a 1e-9 comparison.
public enum GELU {
    /// `x · (1 + erf(x/√2)) / 2` for one number.
    @inline(__always)
    public static func exact(_ x: Double) -> Double {
        0.5 * x * (1 + erf(x * 0.70710678118654752440))
    }

    /// GELU of every entry, in place.
    public static func apply(_ values: inout [Double]) {
        for i in values.indices { values[i] = exact(values[i]) }
    }
}
