import Dispatch
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

    /// GELU of every entry, in place. A large array (a block of sentences' feed-forward
    /// layer: 140 tokens × 1,536) is shared out in `BLAS.threads` chunks at once: glibc's
    /// `erf` is some 6 ns an entry, and the encoder's other row-wise steps wait for it. Each
    /// entry is its own, so the bits do not depend on the split.
    public static func apply(_ values: inout [Double]) {
        let count = values.count
        let chunks = count >= parallelCount ? max(1, BLAS.threads) : 1
        values.withUnsafeMutableBufferPointer { buffer in
            guard chunks > 1, let base = buffer.baseAddress else {
                for i in buffer.indices { buffer[i] = exact(buffer[i]) }
                return
            }
            let pointer = Entries(base: base)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                for i in (count * chunk / chunks)..<(count * (chunk + 1) / chunks) {
                    pointer.base[i] = exact(pointer.base[i])
                }
            }
        }
    }

    /// Entries from which `apply` shares the work out (about 0.4 ms of `erf` on one core,
    /// well above the cost of waking a thread).
    public static let parallelCount = 1 << 16

    private struct Entries: @unchecked Sendable { let base: UnsafeMutablePointer<Double> }
}
