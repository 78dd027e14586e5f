import Foundation
import Testing
@testable import StepmarkCore

/// OpenBLAS is optional: where it is absent (or `STEPMARK_OPENBLAS=off`) the Swift kernels do
/// large products. Both must give numpy's numbers, and each other's to 1e-12.
@Suite struct BLASFallbackTests {
    /// Shapes at and above `Matmul.blasThreshold` (64³ multiply-adds), where OpenBLAS is used
    /// when present: square, odd, thin and wider than one tile of the blocked loop.
    static let largeShapes: [(Int, Int, Int)] = [
        (64, 64, 64), (65, 63, 67), (1, 300, 1000), (300, 1, 900), (129, 257, 300), (260, 130, 513),
    ]

    func randomData(_ count: Int, seed: UInt64) -> [Double] {
        var g = SplitMix64(seed: seed)
        return (0..<count).map { _ in 4 * g.uniform() - 2 }
    }

    func maxAbsoluteDifference(_ a: [Double], _ b: [Double]) -> Double {
        precondition(a.count == b.count)
        return zip(a, b).map { abs($0 - $1) }.max() ?? 0
    }

    /// `a @ b` (or `a @ b.T`) computed by numpy from the same numbers, passed as raw float64.
    func numpyProduct(_ a: [Double], _ b: [Double], m: Int, k: Int, n: Int, transposed: Bool) throws -> [Double] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stepmark-blas-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func write(_ values: [Double], _ name: String) throws {
            try values.withUnsafeBytes { Data($0) }.write(to: folder.appendingPathComponent(name))
        }
        try write(a, "a.bin")
        try write(b, "b.bin")
        let script = """
            import numpy as np, sys
            d = sys.argv[1]; m, k, n = map(int, sys.argv[2:5]); t = sys.argv[5] == "1"
            a = np.fromfile(d + "/a.bin", dtype="<f8").reshape(m, k)
            b = np.fromfile(d + "/b.bin", dtype="<f8").reshape((n, k) if t else (k, n))
            (a @ (b.T if t else b)).astype("<f8").tofile(d + "/c.bin")
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, folder.path, "\(m)", "\(k)", "\(n)", transposed ? "1" : "0"]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "numpy failed")
        let data = try Data(contentsOf: folder.appendingPathComponent("c.bin"))
        return data.withUnsafeBytes { Array($0.bindMemory(to: Double.self)) }
    }

    @Test(arguments: largeShapes) func swiftKernelAndOpenBLASAgreeWithNumpy(_ shape: (Int, Int, Int)) throws {
        let (m, k, n) = shape
        let a = randomData(m * k, seed: 11), b = randomData(k * n, seed: 12)
        let automatic = Matmul.multiply(a, b, m: m, k: k, n: n)
        let swift = Matmul.multiply(a, b, m: m, k: k, n: n, kernel: .swift)
        let numpy = try numpyProduct(a, b, m: m, k: k, n: n, transposed: false)
        #expect(maxAbsoluteDifference(automatic, swift) <= 1e-12, "\(shape)")
        #expect(maxAbsoluteDifference(swift, numpy) <= 1e-12, "\(shape)")
        #expect(maxAbsoluteDifference(automatic, numpy) <= 1e-12, "\(shape)")
    }

    @Test(arguments: largeShapes) func transposedProductsAgreeWithNumpy(_ shape: (Int, Int, Int)) throws {
        let (m, k, n) = shape
        let a = randomData(m * k, seed: 13), bt = randomData(n * k, seed: 14)
        let automatic = Matmul.multiplyTransposed(a, bt, m: m, k: k, n: n)
        let swift = Matmul.multiplyTransposed(a, bt, m: m, k: k, n: n, kernel: .swift)
        let numpy = try numpyProduct(a, bt, m: m, k: k, n: n, transposed: true)
        #expect(maxAbsoluteDifference(automatic, swift) <= 1e-12, "\(shape)")
        #expect(maxAbsoluteDifference(swift, numpy) <= 1e-12, "\(shape)")
    }

    /// The blocked loop sums each entry in the same order as the plain i-k-j loop, so the
    /// fallback gives the same bits whichever side of the threshold a product falls.
    @Test func blockedLoopEqualsThePlainLoopBitForBit() {
        let (m, k, n) = (37, 300, 520)
        let a = randomData(m * k, seed: 15), b = randomData(k * n, seed: 16)
        var plain = [Double](repeating: .nan, count: m * n), blocked = plain
        plain.withUnsafeMutableBufferPointer { c in Matmul.small(a, b, c.baseAddress!, m: m, k: k, n: n) }
        blocked.withUnsafeMutableBufferPointer { c in Matmul.blocked(a, b, c.baseAddress!, m: m, k: k, n: n) }
        #expect(plain == blocked)
    }

    /// A hand-checkable product above the threshold: ones(64×64) @ (j+1 in column j) has
    /// every entry of column j equal to 64·(j+1), whichever kernel runs.
    @Test func onesTimesColumnIndex() {
        let size = 64
        let ones = [Double](repeating: 1, count: size * size)
        let columns = (0..<size * size).map { Double($0 % size + 1) }
        for kernel in [Matmul.Kernel.automatic, .swift] {
            let c = Matmul.multiply(ones, columns, m: size, k: size, n: size, kernel: kernel)
            #expect(c == (0..<size * size).map { Double(64 * ($0 % size + 1)) })
        }
    }

    /// Where Debian's OpenBLAS is installed (as on the development machine and in CI), the
    /// automatic kernel really is OpenBLAS, so the comparisons above compare two kernels.
    @Test func openBLASLoadsWhereInstalled() {
        let installed = ["/usr/lib/x86_64-linux-gnu/libopenblas.so.0", "/usr/lib/aarch64-linux-gnu/libopenblas.so.0"]
            .contains { FileManager.default.fileExists(atPath: $0) }
        let turnedOff = ["off", "0", "no", "false"].contains(ProcessInfo.processInfo.environment[BLAS.environmentVariable]?.lowercased() ?? "")
        if installed && !turnedOff {
            #expect(BLAS.isAvailable)
            #expect(BLAS.description?.contains("libopenblas") == true)
        }
    }

    /// Asking for the thread count must not load OpenBLAS (softmax asks on every large input).
    @Test func threadCountIsPositive() {
        #expect(BLAS.threads >= 1)
    }
}
