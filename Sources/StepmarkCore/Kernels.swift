// The only Swift file that touches the C kernels (Sources/CKernels).
import CKernels
import FoundationEssentials

/// Which build of the element-wise kernels runs: the same C source compiled for the baseline
/// x86-64 (SSE2), for AVX2 + FMA and for AVX-512F, or the original Swift code (`swift`, kept as
/// the portable reference path). The binary targets the baseline CPU, so the wide variants are
/// only ever called after the CPU said it has them.
public enum KernelVariant: String, CaseIterable, Sendable {
    case swift, baseline, avx2, avx512

    /// Whether this CPU can run the variant.
    public var isSupported: Bool {
        switch self {
        case .swift, .baseline: return true
        case .avx2: return ck_supported(CK_AVX2) != 0
        case .avx512: return ck_supported(CK_AVX512) != 0
        }
    }

    /// The variants this CPU can run, narrowest first.
    public static var supported: [KernelVariant] { allCases.filter(\.isSupported) }

    /// The variant every kernel uses unless told otherwise: `STEPMARK_KERNELS=swift|baseline|avx2|avx512`
    /// when set and supported (for benchmarks and comparisons), else the widest the CPU has.
    /// Chosen once, at first use.
    public static let active: KernelVariant = {
        if let name = ProcessInfo.processInfo.environment["STEPMARK_KERNELS"],
           let chosen = KernelVariant(rawValue: name), chosen.isSupported {
            return chosen
        }
        return supported.last ?? .baseline
    }()

    /// The C kernels' name for the variant (`swift` has none: callers take their Swift path).
    var c: ck_variant {
        switch self {
        case .swift, .baseline: return CK_BASELINE
        case .avx2: return CK_AVX2
        case .avx512: return CK_AVX512
        }
    }
}

/// Array kernels on raw buffers, each dispatched to a `KernelVariant`. Lengths are the caller's
/// business: every buffer must hold what the count says.
public enum Kernels {
    /// `x[i] ← exp(x[i])`, within 2 ulp of glibc's `exp`; `exp(−∞) = 0`.
    public static func exp(_ x: UnsafeMutableBufferPointer<Double>, variant: KernelVariant = .active) {
        guard let base = x.baseAddress, !x.isEmpty else { return }
        if variant == .swift { FastMath.expInPlace(x); return }
        ck_exp(variant.c, base, x.count)
    }

    /// The exact GELU, `x·(1 + erf(x/√2))/2`, of every entry of `x` into `out` (same length).
    public static func gelu(_ x: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>,
                            variant: KernelVariant = .active) {
        precondition(out.count >= x.count, "gelu: the output is shorter than the input")
        guard let input = x.baseAddress, let output = out.baseAddress, !x.isEmpty else { return }
        ck_gelu(variant.c, input, output, x.count)
    }

    /// Layer norm of each row (`rows × cols`, row-major): `(x − μ)/√(σ² + eps)·weight + bias` with
    /// μ the row's mean and σ² its biased variance; `weight` and `bias` (`cols` entries) optional.
    /// `out` may be `x` itself.
    public static func layerNorm(_ x: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>, rows: Int, cols: Int,
                                 weight: UnsafePointer<Double>? = nil, bias: UnsafePointer<Double>? = nil,
                                 eps: Double = 1e-5, variant: KernelVariant = .active) {
        guard rows > 0, cols > 0 else { return }
        ck_layer_norm(variant.c, x, out, rows, cols, weight, bias, eps)
    }

    /// `y = x·Wᵀ + b`: x is `rows × inputs` (row-major), W is `outputs × inputs` float32 (a
    /// linear layer as PyTorch stores it, read in place), y is `rows × outputs` and is
    /// overwritten; `bias` (`outputs` entries) is optional. Each entry is summed in double with
    /// every weight widened exactly, in eight interleaved partial sums added pairwise; AVX2 and
    /// AVX-512 fuse each multiply-add and agree bit for bit, the SSE2 baseline does not fuse.
    /// Row i of y starts `outputStride` entries after row i − 1 (default `outputs`), so that a
    /// band of outputs can be filled on its own.
    public static func linear(_ x: UnsafePointer<Double>, weights: UnsafePointer<Float>, bias: UnsafePointer<Double>?,
                              into y: UnsafeMutablePointer<Double>, rows: Int, inputs: Int, outputs: Int,
                              outputStride: Int? = nil, variant: KernelVariant = .active) {
        guard rows > 0, outputs > 0 else { return }
        ck_linear_f32(variant.c, x, weights, bias, y, rows, inputs, outputs, max(outputs, outputStride ?? outputs))
    }

    /// Why a softmax row had no answer.
    enum SoftmaxRowProblem { case nan, positiveInfinity, fullyMasked }

    /// One softmax row of `n` entries with every intermediate (see `ck_softmax_row`); nil when it
    /// worked, else the problem (and nothing written).
    static func softmaxRow(_ x: UnsafePointer<Double>, shifted: UnsafeMutablePointer<Double>, exp: UnsafeMutablePointer<Double>,
                           output: UnsafeMutablePointer<Double>, count n: Int, temperature: Double,
                           sum: UnsafeMutablePointer<Double>, variant: KernelVariant) -> SoftmaxRowProblem? {
        switch ck_softmax_row(variant.c, x, shifted, exp, output, n, temperature, sum) {
        case CK_SOFTMAX_OK: return nil
        case CK_SOFTMAX_NAN: return .nan
        case CK_SOFTMAX_POS_INF: return .positiveInfinity
        default: return .fullyMasked
        }
    }
}
