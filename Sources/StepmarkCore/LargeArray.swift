#if canImport(Glibc)
import Glibc
#endif

/// Allocation of large `[Double]` buffers.
///
/// A fresh 32 MB array (one 2048×2048 attention matrix) costs 8,192 page faults on first touch,
/// which on this project's virtual machines took as long as the matrix product itself. Linux
/// backs a region with 2 MB pages when asked with `madvise(MADV_HUGEPAGE)` (transparent huge
/// pages in "madvise" mode, the default), cutting the faults 512-fold; numpy does the same for
/// its large arrays.
enum LargeArray {
    /// Buffers at least this large (in bytes) are advised to use huge pages.
    static let hugePageThreshold = 4 << 20

    /// An array of `count` doubles whose every entry `initialize` must write.
    static func make(count: Int, _ initialize: (UnsafeMutableBufferPointer<Double>) -> Void) -> [Double] {
        [Double](unsafeUninitializedCapacity: count) { buffer, initializedCount in
            if count * MemoryLayout<Double>.stride >= hugePageThreshold { adviseHugePages(buffer) }
            initialize(buffer)
            initializedCount = count
        }
    }

    /// An array whose entries are unspecified until written: for kernels that write every
    /// entry before anything reads it (Double is a trivial type, so no value needs destroying).
    static func uninitialized(_ count: Int) -> [Double] {
        make(count: count) { _ in }
    }

    /// An array of `count` zeros.
    static func zeros(_ count: Int) -> [Double] {
        if count * MemoryLayout<Double>.stride < hugePageThreshold { return [Double](repeating: 0, count: count) }
        return make(count: count) { $0.initialize(repeating: 0) }
    }

    /// Asks for huge pages on the 2 MB-aligned interior of a buffer not yet touched.
    static func adviseHugePages(_ buffer: UnsafeMutableBufferPointer<Double>) {
        #if os(Linux)
        guard let base = buffer.baseAddress else { return }
        let huge = 2 << 20
        let start = (Int(bitPattern: base) + huge - 1) & ~(huge - 1)
        let end = (Int(bitPattern: base) + buffer.count * MemoryLayout<Double>.stride) & ~(huge - 1)
        guard end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(pointer, end - start, MADV_HUGEPAGE)
        #endif
    }
}
