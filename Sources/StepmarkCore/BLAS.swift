// The only Swift file that touches OpenBLAS.
import COpenBLAS

/// Matrix products through Debian's OpenBLAS, which picks a kernel tuned for the CPU at run
/// time (AVX2/AVX-512 where present) and uses every core for large products.
public enum BLAS {
    /// `C = A·B` (or with `Bᵀ` when `transposeB`), all row-major: A is m×k, B is k×n (n×k when
    /// transposed), C is m×n and is overwritten.
    static func multiply(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ c: UnsafeMutablePointer<Double>,
                         m: Int, k: Int, n: Int, transposeB: Bool = false, alpha: Double = 1) {
        cblas_dgemm(CblasRowMajor, CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    blasint(m), blasint(n), blasint(k), alpha, a, blasint(max(k, 1)),
                    b, blasint(max(transposeB ? k : n, 1)), 0, c, blasint(max(n, 1)))
    }

    /// How many threads large products may use (OpenBLAS defaults to one per core).
    public static func setThreads(_ count: Int) {
        openblas_set_num_threads(Int32(max(1, count)))
    }

    public static var threads: Int { Int(openblas_get_num_threads()) }
}
