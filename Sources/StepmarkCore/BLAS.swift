// The only Swift file that touches OpenBLAS. Nothing links it: it is opened with `dlopen` at
// the first product big enough to need it, so that a process that never multiplies large
// matrices pays neither for its loader (relocations of libopenblas and libgfortran) nor for the
// worker thread its constructor starts, and so that one binary runs where OpenBLAS is absent.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization
import CKernels

/// Matrix products through OpenBLAS when the machine has it, which picks a kernel tuned for the
/// CPU at run time (AVX2/AVX-512 where present) and uses every core for large products.
///
/// Set `STEPMARK_OPENBLAS=off` to never load it (the portable Swift kernels then do every
/// product), or to a path to load that library instead of the system's `libopenblas.so.0`.
public enum BLAS {
    /// The functions used from OpenBLAS's C interface, resolved with `dlsym`.
    final class Library: @unchecked Sendable {
        // `cblas_dgemm(order, transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc)`;
        // `blasint` is 32-bit in Debian's (and numpy's) default, non-ILP64 builds.
        typealias DGEMM = @convention(c) (Int32, Int32, Int32, Int32, Int32, Int32, Double,
                                          UnsafePointer<Double>?, Int32, UnsafePointer<Double>?, Int32,
                                          Double, UnsafeMutablePointer<Double>?, Int32) -> Void
        typealias SetThreads = @convention(c) (Int32) -> Void
        typealias GetThreads = @convention(c) () -> Int32
        typealias CoreName = @convention(c) () -> UnsafePointer<CChar>?

        let dgemm: DGEMM
        let setThreads: SetThreads
        let getThreads: GetThreads
        let coreName: CoreName?
        let path: String

        /// Opens the first library of `candidates` that has `cblas_dgemm` and the thread
        /// controls; nil when none does.
        static func open(_ candidates: [String]) -> Library? {
            for path in candidates {
                guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else { continue }
                guard let dgemm = dlsym(handle, "cblas_dgemm"),
                      let set = dlsym(handle, "openblas_set_num_threads"),
                      let get = dlsym(handle, "openblas_get_num_threads") else {
                    dlclose(handle)
                    continue
                }
                // The handle stays open for the life of the process: OpenBLAS's threads run
                // inside it.
                return Library(dgemm: unsafeBitCast(dgemm, to: DGEMM.self),
                               setThreads: unsafeBitCast(set, to: SetThreads.self),
                               getThreads: unsafeBitCast(get, to: GetThreads.self),
                               coreName: dlsym(handle, "openblas_get_corename").map { unsafeBitCast($0, to: CoreName.self) },
                               path: path)
            }
            return nil
        }

        private init(dgemm: DGEMM, setThreads: SetThreads, getThreads: GetThreads, coreName: CoreName?, path: String) {
            self.dgemm = dgemm
            self.setThreads = setThreads
            self.getThreads = getThreads
            self.coreName = coreName
            self.path = path
        }
    }

    /// The environment variable that turns OpenBLAS off or names the library to load.
    public static let environmentVariable = "STEPMARK_OPENBLAS"

    /// Names OpenBLAS's kernel family for this CPU in `OPENBLAS_CORETYPE` when nobody has:
    /// "SkylakeX" where the CPU has AVX-512 (F, BW, VL, DQ), "Haswell" where it has AVX2 and
    /// FMA. Debian's OpenBLAS 0.3.21 falls back to its slowest kernel, Prescott, on a CPU newer
    /// than itself: on a Xeon of family 6, model 207 it ran matrix products at 15 GFLOP/s on
    /// one core, against 70 with SkylakeX (and 8 for stepmark's own kernels). The two families
    /// named are the ones OpenBLAS itself uses for double products on every AVX-512 and AVX2
    /// CPU it knows (Cooperlake, SapphireRapids and Zen 4 add only half-precision kernels).
    /// A value already set is kept, so a user or a benchmark still chooses.
    ///
    /// Call it first thing in `main`, before any thread starts: `setenv` is not safe while
    /// another thread reads the environment, and OpenBLAS reads it when it is opened (lazily,
    /// at the first large product, from whichever thread needs it).
    public static func nameCoreTypeForThisCPU() {
        guard getenv("OPENBLAS_CORETYPE") == nil, let core = ck_openblas_core() else { return }
        setenv("OPENBLAS_CORETYPE", core, 0)
    }

    /// OpenBLAS, opened on first use (a Swift `static let` runs its initialiser once, thread
    /// safely); nil when it is turned off or not installed.
    static let library: Library? = {
        let setting = getenv(environmentVariable).map { String(cString: $0) } ?? ""
        if ["off", "0", "no", "false"].contains(setting.lowercased()) { return nil }
        let candidates = setting.isEmpty ? ["libopenblas.so.0", "libopenblas.so", "libopenblas.dylib"] : [setting]
        guard let library = Library.open(candidates) else { return nil }
        let requested = state.withLock { state in
            state.loaded = true
            return state.requestedThreads
        }
        if let requested { library.setThreads(Int32(requested)) }
        return library
    }()

    /// A thread count asked for before OpenBLAS was loaded (applied when it is), and whether
    /// it has been, so that `threads` can answer without loading it. One lock for both, so a
    /// count set while another thread loads the library is never lost.
    private static let state = Mutex<(requestedThreads: Int?, loaded: Bool)>((nil, false))

    /// Whether OpenBLAS can be used, loading it if it has not been yet.
    public static var isAvailable: Bool { library != nil }

    /// The loaded library's path and the kernel OpenBLAS chose for this CPU (`Haswell`,
    /// `Cooperlake`, …), loading it if needed; nil when it is absent or turned off.
    public static var description: String? {
        guard let library else { return nil }
        let core = library.coreName?().map { String(cString: $0) } ?? "unknown kernel"
        return "\(library.path) (\(core))"
    }

    /// `C = A·B` (or with `Bᵀ` when `transposeB`), all row-major: A is m×k, B is k×n (n×k when
    /// transposed), C is m×n and is overwritten. Returns false, touching nothing, when OpenBLAS
    /// is not available; the caller then uses a Swift kernel.
    static func multiply(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ c: UnsafeMutablePointer<Double>,
                         m: Int, k: Int, n: Int, transposeB: Bool = false) -> Bool {
        // CBLAS's enumerations: CblasRowMajor = 101, CblasNoTrans = 111, CblasTrans = 112.
        // Sizes beyond Int32 cannot reach here: `--max-entries` bounds every matrix far below.
        guard let library, m <= Int(Int32.max), n <= Int(Int32.max), k <= Int(Int32.max) else { return false }
        library.dgemm(101, 111, transposeB ? 112 : 111,
                      Int32(m), Int32(n), Int32(k), 1, a, Int32(max(k, 1)),
                      b, Int32(max(transposeB ? k : n, 1)), 0, c, Int32(max(n, 1)))
        return true
    }

    /// How many threads large products (and large softmaxes) may use. Asking does not load
    /// OpenBLAS: before it is loaded the count is the one set, else OpenBLAS's own default
    /// (`OPENBLAS_NUM_THREADS`, then `OMP_NUM_THREADS`, then one per core).
    public static func setThreads(_ count: Int) {
        let count = max(1, count)
        let loaded = state.withLock { state in
            state.requestedThreads = count
            return state.loaded
        }
        if loaded, let library { library.setThreads(Int32(count)) }
    }

    public static var threads: Int {
        let (requested, loaded) = state.withLock { ($0.requestedThreads, $0.loaded) }
        if loaded, let library { return Int(library.getThreads()) }
        if let requested { return requested }
        for name in ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"] {
            if let value = getenv(name).flatMap({ Int(String(cString: $0)) }), value > 0 { return value }
        }
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }
}
